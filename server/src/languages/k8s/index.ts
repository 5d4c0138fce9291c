/**
 * The YAML mode: Kubernetes resources of the three PostgreSQL operators, cert-manager and core Secrets in any
 * `.yaml`/`.yml` file (parse.ts, detect.ts), with the checks (check/), hover, completion and go-to-definition.
 * Only documents that are ours get diagnostics (check/index.ts); a file with none of them gets none at all.
 */
import type { LanguageMode } from '../../core/language';
import { check } from './check';
import { checksAt, commentAnchor } from './comments';
import { complete } from './complete';
import { definition } from './definition';
import { hover } from './hover';
import { links } from './links';
import { parseK8s, type K8sFile } from './parse';
import { K8S_RULES } from './rules';
import { folding, symbols } from './symbols';

export type { K8sFile } from './parse';

export const k8sMode: LanguageMode<K8sFile> = {
  id: 'yaml',
  rules: K8S_RULES,
  // The façade hands back the previous parse of the same document: documents whose text is unchanged are reused.
  parse: (doc, previous) => parseK8s(doc.text, previous),
  validate: check,
  hover,
  complete,
  definition,
  symbols,
  folding,
  links,
  commentAnchor,
  checksAt,
};

/** The Services a Spilo cluster's certificate serves (for the TLS map, server/src/map/). */
export { spiloServices } from './check/certUsage';
