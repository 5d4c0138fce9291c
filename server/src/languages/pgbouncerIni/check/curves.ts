/**
 * `client_tls_ecdhcurve` as PgBouncer 1.18–1.25 uses it (src/sbuf.c `setup_tls`, only when client TLS is on), through
 * libusual's `tls_config_set_ecdhecurve` (usual/tls/tls_config.c) and `tls_configure_server_ssl` (tls_server.c):
 *  - `none` and `auto` (case ignored) are keywords; anything else goes to `OBJ_txt2nid` (an exact, case-sensitive
 *    OpenSSL short or long name, or a dotted OID): unknown → "invalid client_tls_ecdhecurve", then "FATAL TLS setup
 *    failed";
 *  - a known object that is no EC curve (X25519, sha256, ffdhe2048…) fails `EC_KEY_new_by_curve_name`: "TLS setup
 *    failed: failed to set ECDHE curve", PgBouncer does not start;
 *  - an EC curve that is no TLS group (secp112r1…): `SSL_CTX_set_tmp_ecdh` fails silently, OpenSSL's default groups stay;
 *  - a TLS group outside OpenSSL 3's default client groups (brainpool, sect*, secp256k1…) becomes the only group, and
 *    every client that offers only the defaults (libpq, psql, Node.js…) fails the handshake ("no suitable key share").
 * All checked on PgBouncer 1.18.0 with OpenSSL 3.0. The curve facts are the pgpool.conf side's (schemas/openssl-curves.json).
 */
import { classifyCurve } from '../../pgpoolConf';
import { R } from '../rules';
import { type Check, code } from './common';
import { lookup } from './values';

/** The groups OpenSSL 3.0 offers as a client by default (besides X25519, X448 and the ffdhe groups). */
const DEFAULT_CLIENT_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

export function checkCurves(c: Check): void {
  const e = c.main.get('client_tls_ecdhcurve');
  if (!e) return;
  const mode = lookup(c.release.params.client_tls_sslmode, c.main.get('client_tls_sslmode')?.st.value ?? 'disable');
  if (mode === 'disable' && !c.hasIncludes) return; // PgBouncer does not set up client TLS, the value is never read
  const value = e.st.value;
  if (value === '' || /^(none|auto)$/i.test(value) || /^[0-9]+(\.[0-9]+)+$/.test(value)) return; // a dotted OID: not checked
  const fatal = (log: string) => `PgBouncer does not start (its log: "${log}", then "FATAL TLS setup failed")`;
  const verdict = classifyCurve(c.ctx.env.loadJson('openssl-curves.json'), value);
  const usual = 'use `auto` (the default: OpenSSL picks among X25519, prime256v1, secp384r1…), `prime256v1` or `secp384r1`';
  if (verdict.kind === 'unknown') {
    const fix = verdict.suggestion ? `write \`${verdict.suggestion}\`, or ${usual}` : usual;
    c.ctx.report(R['tls-keyword'], e.st.valueSpan, `\`client_tls_ecdhcurve\` is ${code(value)}, which is not an OpenSSL curve name (names are case-sensitive; NIST names like P-256 and lists are not read): ${fatal(`invalid client_tls_ecdhecurve: ${value}`)}. ${cap(fix)}.`,
      verdict.suggestion && !e.included ? { fixes: [{ title: `Change to ${verdict.suggestion}`, edits: [{ span: e.st.valueSpan, newText: verdict.suggestion }], preferred: true }] } : undefined);
  } else if (verdict.kind === 'not-ec') {
    c.ctx.report(R['tls-keyword'], e.st.valueSpan, `\`client_tls_ecdhcurve\` is ${code(value)}, which OpenSSL knows but not as a classic EC curve (X25519 and X448 are only reachable through \`auto\`): ${fatal('TLS setup failed: failed to set ECDHE curve')}. ${cap(usual)}.`);
  } else if (verdict.kind === 'not-tls-group') {
    c.ctx.report(R['client-tls-curve'], e.st.valueSpan, `\`client_tls_ecdhcurve\` is ${code(value)}, an EC curve OpenSSL cannot use in TLS: the setting is silently ignored and OpenSSL's default groups stay. ${cap(usual)}.`, { severity: 'warning' });
  } else if (!DEFAULT_CLIENT_CURVES.has(value)) {
    c.ctx.report(R['client-tls-curve'], e.st.valueSpan, `\`client_tls_ecdhcurve = ${value}\` makes ${code(value)} the only key-exchange group, and clients using OpenSSL's default groups (libpq and psql, which cannot change them, and most others) do not offer it: their TLS handshake fails ("no suitable key share"), so they cannot log in over TLS${mode === 'allow' || mode === 'prefer' ? ' (libpq with sslmode=prefer falls back to a connection without TLS)' : ''}. ${cap(usual)}.`);
  }
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
