/**
 * PgBouncer's auth_file (conventionally userlist.txt: `"user name" "password"` per line, src/loader.c): the lines as
 * PgBouncer reads them (parse.ts), the rules (rules.ts, with their checks in check/), hover and completion.
 */
import type { LanguageMode } from '../../core/language';
import { check } from './check';
import { complete } from './complete';
import { hover } from './hover';
import type { UserlistFile } from './model';
import { folding, symbols } from './symbols';
import { parseUserlist } from './parse';
import { PGBOUNCER_USERLIST_RULES } from './rules';

export const pgbouncerUserlistMode: LanguageMode<UserlistFile> = {
  id: 'pgbouncer-userlist',
  rules: PGBOUNCER_USERLIST_RULES,
  parse: doc => parseUserlist(doc),
  validate: check,
  hover: (_doc, file, offset) => hover(file, offset),
  complete: (_doc, file, offset) => complete(file, offset),
  symbols,
  folding,
};

// What other languages may use. Languages import each other only through their index.ts.
// - pgbouncer.ini's cross-file checks read the auth_file its `auth_file` names and ask, per user, which client logins
//   (`auth_type`, or an auth_hba_file method) the entry serves and whether PgBouncer can log in to PostgreSQL with it.
export type { EntryKind, UserEntry, UserlistFile } from './model';
export { parseUserlist } from './parse';
export { CLIENT_METHODS, KIND_LABEL, SERVER_LOGIN, logsInToScramServer, serves, type ClientMethod, type Serve } from './catalogue';
