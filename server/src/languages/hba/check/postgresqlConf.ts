/**
 * pg_hba.conf against the postgresql.conf beside it (its effective settings: includes and postgresql.auto.conf, read
 * through postgresqlConf/index.ts), as PostgreSQL 15 behaves (checked with real starts):
 *  - `hostssl` lines with `ssl` off load ("hostssl record cannot match because SSL is disabled") but never match;
 *  - `cert` lines and `clientcert=` need `ssl_ca_file`: without it be_tls_init never asks clients for a certificate,
 *    so those logins fail ("client certificates can only be checked if a root certificate store is available");
 *  - `scram-sha-256` lines with `password_encryption = md5`: passwords set from then on are MD5, which such a line
 *    refuses.
 * The postgresql.conf side (its own file locations, `hba_file`/`ident_file`) is postgresqlConf/check/tls.ts; a
 * pg_hba.conf elsewhere (named by `hba_file`) is not found from here.
 */
import type { ValidateContext } from '../../../core/language';
import type { Finding, SourceDocument } from '../../../core/types';
import { pathLocator } from '../../../deploy';
import { effectiveSettings, lastSetting, parseBool, type EffectiveSetting, type PostgresqlConfFile } from '../../postgresqlConf';
import type { HbaFile } from '../model';
import { PG_HBA } from '../rules';

function dirOf(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

/** Points at a setting of postgresql.conf (its line, or the directive that includes it), or at its top when unset. */
function relatedAt(path: string, e: EffectiveSetting | undefined, message: string): Finding['related'] {
  if (!e || e.auto) return [{ file: e?.path ?? path, span: e ? [e.s.nameSpan[0], e.s.valueSpan[1]] : [0, 0], message }];
  return [{ file: e.path, span: [e.s.nameSpan[0], e.s.valueSpan[1]], message }];
}

/** What the postgresql.conf beside pg_hba.conf says that the other pg_hba.conf checks need. */
export interface PostgresqlConfView {
  /** `ssl` is off (or unset): `hostssl` lines match nothing, so advice must not propose them. */
  sslOff: boolean;
  /**
   * The pg_ident.conf PostgreSQL reads: the local path pgtls can read, `undefined` for the one beside pg_hba.conf (the
   * default), `null` when `ident_file` names a file pgtls cannot see.
   */
  identPath?: string | null;
}

/** `ident_file` as postgresql.conf sets it: an absolute path through the path mappings, a relative one from its folder. */
function identFileOf(ctx: ValidateContext, path: string, all: readonly EffectiveSetting[]): string | null | undefined {
  const e = lastSetting(all, 'ident_file');
  if (!e || e.s.value === '') return undefined;
  const loc = pathLocator(ctx, path).locate(e.s.value);
  return loc.status === 'seen' && loc.stat?.isFile ? loc.path : null;
}

export function checkWithPostgresqlConf(doc: SourceDocument, file: HbaFile, ctx: ValidateContext): PostgresqlConfView | undefined {
  const path = `${dirOf(doc.path)}/postgresql.conf`;
  const conf = ctx.parseSibling<PostgresqlConfFile>(path, 'postgresql-conf')?.file;
  if (!conf) return undefined;
  const all = effectiveSettings(path, conf, { parseSibling: ctx.parseSibling, env: ctx.env, ...(ctx.settings.checkFiles ? { locator: pathLocator(ctx, path) } : {}) }).settings;
  const identPath = identFileOf(ctx, path, all);
  const sslAt = lastSetting(all, 'ssl');
  const ssl = sslAt ? parseBool(sslAt.s.value) : false;
  if (ssl === undefined) return { sslOff: false, identPath }; // an invalid value: postgresql.conf reports it, the server does not start
  const ca = lastSetting(all, 'ssl_ca_file');
  const hasCa = !!ca && ca.s.value !== '';
  const enc = lastSetting(all, 'password_encryption');
  const md5 = enc?.s.value.toLowerCase() === 'md5';
  for (const r of file.records) {
    if (!ssl && r.conn === 'hostssl') {
      ctx.report(PG_HBA['hostssl-without-ssl'], r.typeToken.span, '`hostssl` lines never match while the postgresql.conf beside this file has `ssl` off: PostgreSQL loads the line but only logs "hostssl record cannot match because SSL is disabled", and clients fall through to the lines below (or are refused); set `ssl = on` with a certificate and key, or use `host`.',
        { related: relatedAt(path, sslAt, sslAt ? '`ssl` is off here' : 'postgresql.conf does not set `ssl` (default off)') });
      continue;
    }
    const clientcert = r.options.find(o => o.name === 'clientcert');
    if (ssl && !hasCa && r.conn === 'hostssl' && (r.method === 'cert' || clientcert)) {
      const what = r.method === 'cert' ? '`cert` logins on this line' : `logins on this line (\`clientcert=${clientcert!.value}\`)`;
      ctx.report(PG_HBA['cert-without-ssl-ca-file'], r.method === 'cert' ? r.methodToken.span : clientcert!.token.span, `${what} all fail: postgresql.conf here does not set \`ssl_ca_file\`, and without it PostgreSQL never asks clients for a certificate and refuses these logins ("FATAL:  client certificates can only be checked if a root certificate store is available", seen with PostgreSQL 15); set \`ssl_ca_file\` to the CA that issued the client certificates.`,
        { related: relatedAt(path, ca, ca ? '`ssl_ca_file` is empty here' : 'postgresql.conf does not set `ssl_ca_file`') });
    }
    if (md5 && r.method === 'scram-sha-256') {
      ctx.report(PG_HBA['scram-with-md5-passwords'], r.methodToken.span, 'postgresql.conf here has `password_encryption = md5`: every password set from now on is stored as MD5, and this `scram-sha-256` line refuses those users ("does not have a valid SCRAM secret"); set `password_encryption = scram-sha-256` (the default) and set the passwords again, or use `md5` here (which also accepts SCRAM-stored passwords).',
        { related: relatedAt(path, enc, '`password_encryption` is md5 here') });
    }
  }
  return { sslOff: !ssl, identPath };
}
