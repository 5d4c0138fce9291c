/**
 * The postgresql.conf language (`postgresql.conf`, `*.postgresql.conf`, `postgresql.auto.conf` and the files they
 * include): PostgreSQL's own reader (lexer.ts, parse.ts), the parameter catalogue of 15–17 (catalogue.ts), the value
 * rules of guc.c (values.ts), the checks (check/), hover and completion.
 */
import type { LanguageMode } from '../../core/language';
import { rulesOf } from '../../core/rules';
import { check } from './check';
import { complete } from './complete';
import { hover } from './hover';
import type { PostgresqlConfFile } from './model';
import { parsePostgresqlConf } from './parse';
import { R } from './rules';
import { folding, symbols } from './symbols';
import { format } from './format';
import { links, tlsPaths } from './links';
import { tlsWriter } from './tlsWriter';

export const postgresqlConfMode: LanguageMode<PostgresqlConfFile> = {
  id: 'postgresql-conf',
  // guc-file.l is a flex scanner: a NUL is a character like any other, and the lexer reads it the same way.
  nulBytes: { server: 'PostgreSQL', effect: 'PostgreSQL reads it as a character, which passes inside a comment or a quoted value and is a syntax error anywhere else (PostgreSQL then does not start)' },
  rules: rulesOf(R),
  parse: parsePostgresqlConf,
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

// What other languages may use (the TLS/auth rules of postgresql.conf and the pg_hba.conf cross-file rules read the
// effective settings: `effectiveSettings(path, file, { parseSibling, env, locator })` with includes and
// postgresql.auto.conf, `lastSetting(all, 'ssl')` for the winning line, `parseBool` for a Boolean's meaning).
export type { PostgresqlConfFile, Setting, Directive } from './model';
export { effectiveSettings, lastSetting, ownSettings, type EffectiveSetting, type Effective, type IncludeProblem } from './effective';
export { parseBool, parseIntValue, parseRealValue } from './values';
export { catalogueOf } from './catalogue';
