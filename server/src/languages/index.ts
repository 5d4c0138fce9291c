import type { LanguageMode } from '../core/language';
import { pgpoolConfMode } from './pgpoolConf';
import { pgHbaMode, poolHbaMode } from './hba';
import { k8sMode } from './k8s';

/** Every language mode; the rule registry and the façade are built from this list. */
export const MODES: readonly LanguageMode[] = [
  pgpoolConfMode as LanguageMode, poolHbaMode as LanguageMode, pgHbaMode as LanguageMode, k8sMode as LanguageMode,
];
