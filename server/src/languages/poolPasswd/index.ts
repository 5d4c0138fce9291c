/**
 * pool_passwd, Pgpool-II's password file (`username:password` per line, src/auth/pool_passwd.c): the lines as
 * Pgpool-II reads them (lexer.ts, parse.ts), the rules (rules.ts, with their checks in check/), hover and completion.
 */
import type { LanguageMode } from '../../core/language';
import { check } from './check';
import { complete } from './complete';
import { hover } from './hover';
import type { PoolPasswdFile } from './model';
import { symbols } from './symbols';
import { parsePoolPasswd } from './parse';
import { POOL_PASSWD_RULES } from './rules';

export const poolPasswdMode: LanguageMode<PoolPasswdFile> = {
  id: 'pool-passwd',
  rules: POOL_PASSWD_RULES,
  parse: doc => parsePoolPasswd(doc),
  validate: check,
  hover: (_doc, file, offset) => hover(file, offset),
  complete: (_doc, file, offset) => complete(file, offset),
  symbols,
};

// What other languages may use. Languages import each other only through their index.ts.
// - pool_hba.conf's cross-file rules read the pool_passwd file that the pgpool.conf beside it names, and ask which
//   logins each user's entry can serve.
// - pgpool.conf asks whether its `pool_passwd` value looks like a password entry rather than a file name.
export type { EntryKind, PasswdEntry, PoolPasswdFile } from './model';
export { KIND_LABEL, entryShape, serves, shownUser, type PasswdMethod } from './catalogue';
