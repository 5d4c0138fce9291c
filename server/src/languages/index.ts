import type { LanguageMode } from '../core/language';
import { pgpoolConfMode } from './pgpoolConf';
import { pgHbaMode, poolHbaMode } from './hba';

/** Every language mode; the rule registry and the façade are built from this list. */
export const MODES: readonly LanguageMode[] = [pgpoolConfMode as LanguageMode, poolHbaMode as LanguageMode, pgHbaMode as LanguageMode];
