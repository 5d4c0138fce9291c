/**
 * The pgpool.conf language: Pgpool-II's own lexer and statement loop (parse.ts), the parameter rules (rules.ts),
 * the TLS rules (tls.ts), hover and completion from the parameter catalogue.
 */
import type { LanguageMode } from '../../core/language';
import type { PgpoolConfFile } from './model';
import { parsePgpoolConf } from './parse';
import { checkPgpoolConf, PGPOOL_CONF_RULES } from './rules';
import { checkTls, TLS_RULES } from './tls';
import { hover } from './hover';
import { complete } from './complete';

export const pgpoolConfMode: LanguageMode<PgpoolConfFile> = {
  id: 'pgpool-conf',
  rules: [...PGPOOL_CONF_RULES, ...TLS_RULES],
  parse: parsePgpoolConf,
  validate(doc, file, ctx) {
    checkPgpoolConf(doc, file, ctx);
    checkTls(doc, file, ctx);
  },
  hover,
  complete,
};

// What other languages may use (pool_hba.conf's cross-file rules read the pgpool.conf beside it; the YAML mode
// checks pgpool.conf texts embedded in resources). Languages import each other only through their index.ts.
export type { PgpoolConfFile } from './model';
export { dirOf } from './model';
export { effectiveSettings, lastSetting, settingBool, type Setting } from './effective';
