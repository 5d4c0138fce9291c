/**
 * The pgbouncer.ini language: PgBouncer's ini reader (lexer.ts, libusual's cfparser.c) and loader (parse.ts, the
 * connection strings of src/loader.c), the rules (rules.ts, with their checks in check/), hover and completion from the
 * per-release catalogue generated from PgBouncer's source (catalogue.ts, schemas/pgbouncer-params.json). The
 * `auth_file` (userlist.txt) and `auth_hba_file` contents are other languages' business: here only whether they are
 * named and exist.
 */
import type { LanguageMode } from '../../core/language';
import { rulesOf } from '../../core/rules';
import { check } from './check';
import { complete } from './complete';
import { hover } from './hover';
import type { PgbouncerIniFile } from './model';
import { parsePgbouncerIni } from './parse';
import { R } from './rules';
import { folding, symbols } from './symbols';
import { format } from './format';
import { links, tlsPaths } from './links';
import { tlsWriter } from './tlsWriter';

export const pgbouncerIniMode: LanguageMode<PgbouncerIniFile> = {
  id: 'pgbouncer-ini',
  rules: rulesOf(R),
  parse: doc => parsePgbouncerIni(doc),
  validate: check,
  hover,
  complete,
  symbols,
  folding,
  format,
  links,
  tlsPaths,
  tlsWriter,
};

// What other languages may use: the parsed file (e.g. the auth_file / auth_hba_file languages finding their pgbouncer.ini).
export type { PgbouncerIniFile, Entry } from './model';
