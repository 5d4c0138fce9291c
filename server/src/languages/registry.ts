/**
 * Every language mode, and THE table of every rule of every language keyed by id (ids are unique, checked at load).
 * The façade is built from this list; it sits above the languages so that the core imports none of them.
 */
import type { LanguageMode } from '../core/language';
import { CORE_RULES } from '../core/rules';
import type { RuleMeta } from '../core/types';
import { CERT_RULES } from '../x509';
import { pgpoolConfMode } from './pgpoolConf';
import { pgHbaMode, pgbouncerHbaMode, poolHbaMode } from './hba';
import { k8sMode } from './k8s';
import { poolPasswdMode } from './poolPasswd';
import { pgbouncerIniMode } from './pgbouncerIni';
import { pgIdentMode } from './pgIdent';
import { postgresqlConfMode } from './postgresqlConf';
import { pgbouncerUserlistMode } from './pgbouncerUserlist';

/**
 * Each mode's parsed-file type is erased here (a `LanguageMode<F>` takes back the `F` it parsed, so it is not a
 * `LanguageMode<unknown>` to the compiler); the façade only ever hands a mode what that same mode parsed.
 */
export const MODES: readonly LanguageMode[] = [
  pgpoolConfMode as LanguageMode, poolHbaMode as LanguageMode, pgHbaMode as LanguageMode, poolPasswdMode as LanguageMode,
  k8sMode as LanguageMode,
  pgbouncerIniMode as LanguageMode,
  pgIdentMode as LanguageMode,
  postgresqlConfMode as LanguageMode,
  pgbouncerUserlistMode as LanguageMode,
  pgbouncerHbaMode as LanguageMode,
];

export const RULES: ReadonlyMap<string, RuleMeta> = (() => {
  const map = new Map<string, RuleMeta>();
  for (const r of [...CORE_RULES, ...CERT_RULES, ...MODES.flatMap(m => m.rules)]) {
    if (map.has(r.id)) throw new Error(`duplicate rule id ${r.id}`);
    map.set(r.id, r);
  }
  return map;
})();
