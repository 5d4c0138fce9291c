/**
 * THE list of rule modules of the YAML mode. An operator's cross-field rules go into a module of their own
 * (`kubedb.ts`, `percona.ts`, `cpo.ts`, `certManager.ts`, `secret.ts`), registered here; their rules are registered
 * with the mode automatically.
 */
import { certManagerModule } from './certManager';
import { certUsageModule } from './certUsage';
import { cpoModule } from './cpo';
import { embeddedModule } from './embedded';
import { kubedbModule } from './kubedb';
import { perconaModule } from './percona';
import { secretKeysModule } from './secretKeys';
import { secretContentModule } from './secretContent';
import { secretRefsModule } from './secretRefs';
import type { RuleModule } from './types';

export const RULE_MODULES: readonly RuleModule[] = [kubedbModule, perconaModule, cpoModule, certManagerModule, secretRefsModule, secretKeysModule,
  certUsageModule, secretContentModule, embeddedModule];
