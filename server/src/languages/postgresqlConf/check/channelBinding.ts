/**
 * A server certificate signed with EdDSA (Ed25519, Ed448) under `ssl = on`: PostgreSQL offers SCRAM-SHA-256-PLUS over
 * TLS, libpq takes it by default, and the tls-server-end-point binding needs a hash the signature does not have, so
 * libpq's SCRAM logins fail before authentication (certs/compat.ts, measured in test/interop/certMatrix.test.ts). A
 * warning: pgtls cannot know which clients and methods are used; silent when the pg_hba.conf PostgreSQL reads is
 * visible (no includes) and has no TCP line whose login can be SCRAM. The pg_hba.conf is read through
 * `ctx.parseSibling` and typed here by its shape only: this room does not import pg_hba.conf's, which imports it.
 */
import { channelBindingProblem } from '../../../certs/compat';
import type { ValidateContext } from '../../../core/language';
import type { Span } from '../../../core/types';
import { eddsaSignedServerCert } from '../../../tlsFiles';
import { R } from '../rules';

/** The parts of a parsed pg_hba.conf (hba/model.ts) read here. */
interface HbaShape {
  records: { conn: string; method: string }[];
  includes: unknown[];
}

/** The server certificate setting as tls.ts resolved it (its value, where to report, how to name it). */
export interface CertSetting {
  value: string;
  span: Span;
  ref: string;
}

/**
 * Whether a login over TLS can be SCRAM by the pg_hba.conf at `hbaPath`: a `host`/`hostssl` line with scram-sha-256,
 * or md5 (PostgreSQL runs SCRAM for md5 when the role's password is stored as SCRAM). `undefined`: pgtls cannot tell.
 */
function scramOverTls(ctx: ValidateContext, hbaPath: string | undefined): boolean | undefined {
  if (hbaPath === undefined) return undefined;
  const hba = ctx.parseSibling<HbaShape>(hbaPath, 'pg-hba')?.file;
  if (!hba || hba.includes.length > 0) return undefined;
  return hba.records.some(r => (r.conn === 'host' || r.conn === 'hostssl') && (r.method === 'scram-sha-256' || r.method === 'md5'));
}

/**
 * `cert`: the effective `ssl_cert_file` (or its default); `base`: the data directory when known; `hbaPath`: the
 * pg_hba.conf PostgreSQL reads, when pgtls can know it.
 */
export function checkChannelBinding(ctx: ValidateContext, confPath: string, base: string | undefined, cert: CertSetting | undefined, hbaPath: string | undefined): void {
  if (!cert) return;
  const signed = eddsaSignedServerCert(ctx, confPath, base, cert.value);
  if (!signed) return;
  const scram = scramOverTls(ctx, hbaPath);
  if (scram === false) return;
  const p = channelBindingProblem();
  const seen = scram ? ` (${hbaPath} has scram-sha-256 or md5 lines for TCP connections)` : '';
  ctx.report(R['ssl-cert-channel-binding'], cert.span, `${cert.ref}: ${signed.path} (${signed.subject || 'no subject'}) is signed with ${signed.signature} by ${signed.issuer || 'an issuer without a name'}, so ${p.reason}${seen}. To make it work, ${p.fixes.join('; or ')}.`);
}
