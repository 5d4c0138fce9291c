/**
 * The pgpool.conf language: Pgpool-II's own lexer and statement loop (lexer.ts, parse.ts), the rules (rules.ts, with
 * their checks in check/), hover and completion from the parameter catalogue (catalogue.ts).
 */
import type { LanguageMode } from '../../core/language';
import { rulesOf } from '../../core/rules';
import type { PgpoolConfFile } from './model';
import { parsePgpoolConf } from './parse';
import { R, TLS } from './rules';
import { check } from './check';
import { hover } from './hover';
import { complete } from './complete';
import { folding, symbols } from './symbols';
import { format } from './format';
import { links, tlsPaths } from './links';
import { tlsWriter } from './tlsWriter';

export const pgpoolConfMode: LanguageMode<PgpoolConfFile> = {
  id: 'pgpool-conf',
  // pool_config.l is an 8-bit flex scanner: a NUL is a character like any other, and the lexer reads it the same way.
  nulBytes: { server: 'Pgpool-II', effect: 'Pgpool-II reads it as a character, which passes inside a comment or a quoted value and is a syntax error anywhere else (Pgpool-II then does not start)' },
  rules: rulesOf(R, TLS),
  parse: parsePgpoolConf,
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

// What other languages may use. Languages import each other only through their index.ts.
// - pool_hba.conf's cross-file rules read the pgpool.conf beside it (with its includes).
// - The YAML mode checks pgpool.conf texts embedded in resources, and reads their effective `ssl`
//   (`effectiveBool(file, 'ssl', false)` for a text alone; `settingBool(effectiveSettings(...), 'ssl', false)` with includes).
export type { PgpoolConfFile } from './model';
export { dirOf } from './model';
export { effectiveBool, effectiveSettings, lastSetting, settingBool, type Setting } from './effective';
// - pg_hba.conf's rules about connections from pgpool read the backend leg of a pgpool.conf of the same project.
export { backendLeg, isLoopbackHost, type BackendHost, type BackendLeg } from './backendLeg';
// - pgbouncer.ini and postgresql.conf check their cipher strings with the same OpenSSL cipher-string evaluator (and postgresql.conf its `ssl_ecdh_curve` with the same curve knowledge).
export { cipherCatalog, evaluateCipherString } from './check/tls/ciphers';
// - pgbouncer.ini (`client_tls_ecdhcurve`) and postgresql.conf (`ssl_ecdh_curve`) use the same OpenSSL curve facts.
export { classifyCurve, tlsCurveNames, type CurveVerdict } from './check/tls/curves';
