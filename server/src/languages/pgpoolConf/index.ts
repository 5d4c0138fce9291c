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
