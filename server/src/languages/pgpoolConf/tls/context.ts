/**
 * What the TLS checks share: rule ids, the effective-setting view (with included files) and the report helpers.
 */
import type { ValidateContext } from '../../../core/language';
import type { Severity, SourceDocument, Span } from '../../../core/types';
import type { PgpoolConfFile } from '../model';
import type { Setting } from '../effective';

/** Rule ids of the TLS checks, by role. */
export const R = {
  certRequired: 'pgpool-conf/ssl-cert-required',
  keyRequired: 'pgpool-conf/ssl-key-required',
  fileMissing: 'pgpool-conf/ssl-file-missing',
  certInvalid: 'pgpool-conf/ssl-cert-invalid',
  keyInvalid: 'pgpool-conf/ssl-key-invalid',
  keyEncrypted: 'pgpool-conf/ssl-key-encrypted',
  keyMismatch: 'pgpool-conf/ssl-key-mismatch',
  keyPermissions: 'pgpool-conf/ssl-key-permissions',
  certExpired: 'pgpool-conf/ssl-cert-expired',
  caNotCa: 'pgpool-conf/ssl-ca-cert-not-ca',
  certNotFromCa: 'pgpool-conf/ssl-cert-not-issued-by-ca',
  ecdhCurve: 'pgpool-conf/ssl-ecdh-curve',
  ciphersRejected: 'pgpool-conf/ssl-ciphers-rejected',
  ciphersUnknown: 'pgpool-conf/ssl-ciphers-unknown',
  ciphersWeak: 'pgpool-conf/ssl-ciphers-weak',
  ciphersUnusable: 'pgpool-conf/ssl-ciphers-unusable',
  dhParamsUnused: 'pgpool-conf/ssl-dh-params-unused',
  caDirWithoutCa: 'pgpool-conf/ssl-ca-cert-dir-without-ca-cert',
  caDirRelative: 'pgpool-conf/ssl-ca-cert-dir-relative',
} as const;

export type { Setting } from '../effective';
export { resolveConfPath } from '../effective';

/** What the TLS checks share. */
export interface TlsContext {
  doc: SourceDocument;
  file: PgpoolConfFile;
  ctx: ValidateContext;
  /** The folder Pgpool-II resolves relative `ssl_cert`, `ssl_key`, `ssl_ca_cert` and `ssl_crl_file` against. */
  confDir: string;
  get(key: string): Setting | undefined;
  report(rule: string, at: Setting | Span, message: string, extra?: { severity?: Severity; tags?: ('unnecessary' | 'deprecated')[] }): void;
}

/** `key` in backticks, with the included file it comes from. */
export function keyRef(s: Setting): string {
  return s.via ? `\`${s.a.key}\` (set in ${code(s.via.path)})` : `\`${s.a.key}\``;
}

export const code = (s: string): string => `\`${s.length > 80 ? `${s.slice(0, 80)}…` : s}\``;

/** The span to report a setting at: its value (quotes included), or its key when the value is missing. */
export function spanOf(s: Setting): Span {
  if (s.via) return s.via.include.valueSpan[1] > s.via.include.valueSpan[0] ? s.via.include.valueSpan : s.via.include.keySpan;
  return s.a.valueSpan[1] > s.a.valueSpan[0] ? s.a.valueSpan : s.a.keySpan;
}

export const isAbsolute = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

