/**
 * TLS in postgresql.conf, as `be_tls_init` (be-secure-openssl.c) and `check_ssl_key_file` (be-secure-common.c) of
 * PostgreSQL 15 decide, checked with real starts of PostgreSQL 15 (test/interop/postgresqlTlsDiff.test.ts): with
 * `ssl = on`, any file it cannot use, a key with group or world access, an encrypted key it cannot decrypt, a cipher
 * string selecting nothing, an unknown curve, a DH file it cannot read, or `ssl_min_protocol_version` above
 * `ssl_max_protocol_version` ends in FATAL: the server does not start (at a reload it logs the same, then "SSL
 * configuration was not reloaded" and keeps the old context). The files go through the one check of tlsFiles/ with
 * PostgreSQL's profile; relative paths start at the data directory: the folder of postgresql.conf when a PG_VERSION
 * file is beside it, or `data_directory` when set (Debian's /etc/postgresql/N/main: unknown, relative paths not
 * checked). Also `hba_file`/`ident_file` locations. The cipher and curve knowledge is pgpool.conf's (its index.ts).
 */
import type { ValidateContext } from '../../../core/language';
import type { RuleMeta, ServiceEnv, SourceDocument, Span } from '../../../core/types';
import { describeLocated, pathLocator, reportNotChecked } from '../../../deploy';
import { type FileRole, type ServerTlsProfile, type TlsFileSetting, checkServerTlsFiles, clientCertsRefusedByCurve, tlsFilesContext } from '../../../tlsFiles';
import { cipherCatalog, classifyCurve, evaluateCipherString } from '../../pgpoolConf';
import { type EffectiveSetting, isAbsolute, lastSetting } from '../effective';
import { dirOf } from '../model';
import { R } from '../rules';
import { checkChannelBinding } from './channelBinding';
import { parseBool } from '../values';

const code = (s: string): string => `\`${s.length > 80 ? `${s.slice(0, 80)}…` : s}\``;
const FATAL = (log: string): string => `PostgreSQL refuses to start ("FATAL:  ${log}"; a reload would keep the old SSL configuration)`;

/** PostgreSQL 15's log lines for a file be_tls_init cannot use (seen with PostgreSQL 15 and OpenSSL 3.0). */
const LOG: Record<string, string> = {
  'cert:missing': 'could not load server certificate file "…": No such file or directory',
  'key:missing': 'could not access private key file "…": No such file or directory',
  'ca:missing': 'could not load root certificate file "…": No such file or directory',
  'crl:missing': 'could not load SSL certificate revocation list file "…": No such file or directory',
  'cert:cert-invalid': 'could not load server certificate file "…": no start line',
  'cert:weak-leaf': 'could not load server certificate file "…": ee key too small',
  'key:key-invalid': 'could not load private key file "…"',
  'key:key-encrypted': 'could not load private key file "…": processing error',
  'key:key-mismatch': 'could not load private key file "…": key values mismatch',
  'key:key-type-mismatch': 'check of private key failed: …',
  'ca:ca-invalid': 'could not load root certificate file "…": no certificate or crl found',
  'crl:crl-invalid': 'could not load SSL certificate revocation list file "…"',
};

function profile(passphrase: boolean): ServerTlsProfile {
  return {
    product: 'PostgreSQL',
    direction: 'accept',
    rules: { missing: R['ssl-file-missing'], certInvalid: R['ssl-cert-invalid'], keyInvalid: R['ssl-key-invalid'], keyEncrypted: R['ssl-key-encrypted'], keyPermissions: R['ssl-key-permissions'] },
    unusable: (role, log) => (log === undefined ? FATAL(role === 'cert' ? LOG['cert:weak-leaf']! : `could not load ${role} file`) : FATAL(log)),
    log: (role, failure) => LOG[`${role}:${failure}`] ?? `could not load ${role} file "…"`,
    relativeHint: ' (relative paths start at the data directory)',
    encrypted: () => (passphrase ? undefined : {
      why: ' and `ssl_passphrase_command` is not set: PostgreSQL then asks for the passphrase on its terminal, and started by systemd, pg_ctl or in a container it has none',
      fix: 'set `ssl_passphrase_command` to a command that prints the passphrase, or store the key decrypted (`openssl pkey -in server.key -out server.key`) with mode 0600',
    }),
    keyPermissions: 'postgres',
    permissionEffect: FATAL('private key file "…" has group or world access'),
    renew: role => `reload PostgreSQL (\`SELECT pg_reload_conf()\` loads the ${role === 'ca' ? 'CA file' : 'TLS files'} again)`,
    caAlsoVerifiesBackends: false,
  };
}

interface Tls {
  doc: SourceDocument;
  ctx: ValidateContext;
  all: readonly EffectiveSetting[];
  get(name: string): EffectiveSetting | undefined;
  /** Where a finding about a setting goes (the directive that includes it, or the top of the file for postgresql.auto.conf). */
  span(e: EffectiveSetting): Span;
  ref(e: EffectiveSetting): string;
}

/** The data directory relative paths start at, when pgtls can know it. */
function dataDirectory(t: Tls): string | undefined {
  return dataDirectoryOf(t.doc.path, t.get('data_directory')?.s.value, t.ctx.env);
}

/**
 * The data directory of the postgresql.conf at `path` whose effective `data_directory` is `written` (unset: the file's
 * folder when a PG_VERSION file is beside it); `undefined` when pgtls cannot know it. Also the document links' base.
 */
export function dataDirectoryOf(path: string, written: string | undefined, env: Pick<ServiceEnv, 'stat'>): string | undefined {
  if (written !== undefined && written !== '') return isAbsolute(written) ? written : undefined;
  if (!isAbsolute(path)) return undefined;
  const dir = dirOf(path);
  return env.stat(`${dir.endsWith('/') ? dir : `${dir}/`}PG_VERSION`)?.isFile ? dir : undefined;
}

export function checkTls(doc: SourceDocument, all: readonly EffectiveSetting[], ctx: ValidateContext): void {
  const t: Tls = {
    doc, ctx, all,
    get: name => lastSetting(all, name),
    span: e => (e.auto ? [0, 0] : e.via ? e.via.valueSpan : e.s.valueSpan),
    ref: e => `\`${e.s.key}\`${e.auto ? ' (in postgresql.auto.conf)' : e.via ? ` (in ${e.path})` : ''}`,
  };
  checkAuthFileSettings(t);
  const ssl = t.get('ssl');
  if (!ssl || parseBool(ssl.s.value) !== true) return;
  const passphrase = (t.get('ssl_passphrase_command')?.s.value ?? '') !== '';
  if (passphrase && parseBool(t.get('ssl_passphrase_command_supports_reload')?.s.value ?? 'off') !== true) {
    const p = t.get('ssl_passphrase_command')!;
    ctx.report(R['ssl-passphrase-reload'], t.span(p), `${t.ref(p)} is set without \`ssl_passphrase_command_supports_reload = on\`: at a reload PostgreSQL does not run it, logs "… cannot be reloaded because it requires a passphrase" and keeps the old certificate and key, so renewed files need a restart (or turn it on if the command can run unattended).`);
  }
  checkProtocols(t);
  checkCiphers(t);
  checkCurve(t);
  if (!ctx.settings.checkFiles) return;
  const files: Partial<Record<FileRole, TlsFileSetting>> = {};
  const roles: [FileRole, string, string][] = [['cert', 'ssl_cert_file', 'server.crt'], ['key', 'ssl_key_file', 'server.key'], ['ca', 'ssl_ca_file', ''], ['crl', 'ssl_crl_file', '']];
  for (const [role, key, dflt] of roles) {
    const e = t.get(key);
    if (e) files[role] = { key, value: e.s.value, span: t.span(e), ref: t.ref(e) };
    else if (dflt) files[role] = { key, value: dflt, span: t.span(ssl), ref: `\`${key}\` (default ${code(dflt)})` };
  }
  const base = dataDirectory(t);
  checkServerTlsFiles(tlsFilesContext(ctx, doc.path, base, profile(passphrase), files));
  checkDhParams(t, base);
  checkClientCurves(t, base);
  // hba_file's default is pg_hba.conf in the folder of postgresql.conf (guc.c SelectConfigFiles), not the data directory
  const hba = t.get('hba_file')?.s.value;
  const beside = isAbsolute(doc.path) ? `${dirOf(doc.path).replace(/\/$/, '')}/pg_hba.conf` : undefined;
  checkChannelBinding(ctx, doc.path, base, files.cert, hba ? (isAbsolute(hba) ? hba : undefined) : beside);
}

/**
 * Client certificates beside `ssl_ca_file` whose ECDSA curve is not the one `ssl_ecdh_curve` (certs/compat.ts): refused
 * over TLS 1.2. Certain when TLS 1.2 is the highest version allowed; a warning while TLS 1.2 is only allowed.
 */
function checkClientCurves(t: Tls, base: string | undefined): void {
  const ca = t.get('ssl_ca_file');
  if (!ca || ca.s.value === '') return;
  const curve = t.get('ssl_ecdh_curve');
  const serverCurve = curve?.s.value ?? 'prime256v1';
  const min = t.get('ssl_min_protocol_version')?.s.value.toLowerCase();
  const max = t.get('ssl_max_protocol_version')?.s.value.toLowerCase();
  if (min === 'tlsv1.3') return;
  const refused = clientCertsRefusedByCurve(t.ctx, t.doc.path, base, ca.s.value, serverCurve);
  if (!refused.length) return;
  const only12 = max === 'tlsv1.2';
  const at = curve ?? ca;
  const certs = refused.map(r => `${r.path} (${r.subject}, ${r.curve})`).join(', ');
  const curves = [...new Set(refused.map(r => r.curve))];
  const fix = only12
    ? `set \`ssl_ecdh_curve = '${curves[0]}'\`${curves.length > 1 ? ' (one curve only: reissue the others on it)' : ''}, or allow TLS 1.3 (remove \`ssl_max_protocol_version\`), or reissue the client certificate on ${serverCurve} (\`pgtls cert client --algorithm ecdsa-p256\`) or with an RSA or Ed25519 key`
    : `set \`ssl_min_protocol_version = 'TLSv1.3'\` if every client speaks TLS 1.3, or \`ssl_ecdh_curve = '${curves[0]}'\` (client certificates on other curves then fail over TLS 1.2), or reissue the client certificate on ${serverCurve} or with an RSA or Ed25519 key`;
  const what = only12
    ? `and \`ssl_max_protocol_version = TLSv1.2\`, so every login with ${refused.length > 1 ? 'these client certificates' : 'this client certificate'} is refused during the handshake`
    : `so a login with ${refused.length > 1 ? 'these client certificates' : 'this client certificate'} over TLS 1.2 (a client limited to TLS 1.2, or \`ssl_max_protocol_version=TLSv1.2\` in its connection string) is refused during the handshake; TLS 1.3 works`;
  t.ctx.report(R['ssl-client-cert-curve'], t.span(at), `${curve ? t.ref(curve) : '`ssl_ecdh_curve`'} is ${code(serverCurve)}${curve ? '' : ' (the default)'}, the only group PostgreSQL offers, and the client certificate${refused.length > 1 ? 's' : ''} ${certs} beside ${t.ref(ca)} ${refused.length > 1 ? 'use another curve' : 'uses another curve'}, ${what} (OpenSSL: "wrong curve"; the client sees "sslv3 alert illegal parameter"); ${fix}.`, only12 ? { severity: 'error' } : undefined);
}

/** The (min, max) pair be_tls_init sets: min above max is FATAL; a range below TLS 1.2 only fails every handshake. */
function checkProtocols(t: Tls): void {
  const order = ['tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3'];
  const min = t.get('ssl_min_protocol_version'), max = t.get('ssl_max_protocol_version');
  const lo = min ? order.indexOf(min.s.value.toLowerCase()) : 2;
  const hi = max ? (max.s.value === '' ? 3 : order.indexOf(max.s.value.toLowerCase())) : 3;
  if (lo < 0 || hi < 0) return; // invalid-enum reports it
  const name = (i: number): string => ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'][i]!;
  const at = max ?? min;
  if (lo > hi) {
    t.ctx.report(R['ssl-protocol-range'], t.span(at!), `\`ssl_min_protocol_version\` is ${name(lo)}${min ? '' : ' (the default)'} and \`ssl_max_protocol_version\` ${name(hi)}: the minimum is above the maximum, so ${FATAL('could not set SSL protocol version range')}; raise \`ssl_max_protocol_version\` (or leave it unset).`);
  } else if (hi < 2) {
    t.ctx.report(R['ssl-protocol-range'], t.span(at!), `\`ssl_max_protocol_version\` is ${name(hi)}: OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level, so PostgreSQL starts but every TLS handshake fails ("could not accept SSL connection: unsupported protocol") and clients that require TLS cannot connect; leave \`ssl_max_protocol_version\` unset.`);
  } else if (lo < 2 && min) {
    t.ctx.report(R['ssl-protocol-range'], t.span(min), `\`ssl_min_protocol_version = ${min.s.value}\` allows ${name(lo)}, but OpenSSL 3 refuses TLS below 1.2 at its default security level anyway: clients that only speak ${name(lo)} still fail; use TLSv1.2 (the default).`, { severity: 'info' });
  }
}

function checkCiphers(t: Tls): void {
  const e = t.get('ssl_ciphers');
  if (!e) return;
  const r = evaluateCipherString(cipherCatalog(t.ctx.env.loadJson('openssl-ciphers.json')), e.s.value);
  if (!r.ok) {
    t.ctx.report(R['ssl-ciphers'], t.span(e), `${t.ref(e)} = ${code(e.s.value)} selects no TLS 1.2 cipher suite of OpenSSL 3 (names are case-sensitive), so ${FATAL('could not set the cipher list (no valid ciphers available)')}; use e.g. \`HIGH:MEDIUM:+3DES:!aNULL\` (the default) or \`HIGH:!aNULL\`.`);
  }
}

/** `ssl_ecdh_curve`: OBJ_sn2nid, EC_KEY_new_by_curve_name (each FATAL), SSL_CTX_set_tmp_ecdh (its result ignored). */
function checkCurve(t: Tls): void {
  const e = t.get('ssl_ecdh_curve');
  if (!e) return;
  const name = e.s.value;
  const v = classifyCurve(t.ctx.env.loadJson('openssl-curves.json'), name);
  const shown = name === '' ? 'an empty name' : code(name);
  const fix = 'use `prime256v1` (the default), `secp384r1` or `secp521r1`';
  if (v.kind === 'unknown') {
    t.ctx.report(R['ssl-ecdh-curve'], t.span(e), `${t.ref(e)} is ${shown}, not an OpenSSL curve short name (case-sensitive; NIST names like P-256 are not accepted), so ${FATAL(`ECDH: unrecognized curve name: ${name}`)}; ${v.suggestion ? `write \`${v.suggestion}\`` : fix}.`);
  } else if (v.kind === 'not-ec') {
    t.ctx.report(R['ssl-ecdh-curve'], t.span(e), `${t.ref(e)} is ${shown}, which OpenSSL knows but not as a classic EC curve (PostgreSQL 15 takes no X25519 or X448 here), so ${FATAL('ECDH: could not create key')}; ${fix}.`);
  } else if (v.kind === 'not-tls-group') {
    t.ctx.report(R['ssl-ecdh-curve'], t.span(e), `${t.ref(e)} is ${shown}, an EC curve OpenSSL cannot use in TLS: PostgreSQL ignores the failure and keeps OpenSSL's default groups; ${fix}.`, { severity: 'warning' });
  } else if (name !== 'prime256v1') {
    t.ctx.report(R['ssl-ecdh-curve'], t.span(e), `${t.ref(e)} = ${shown} makes it the only group PostgreSQL offers for the key exchange (TLS 1.2 and 1.3; X25519 and P-256 are then off): a client that does not offer ${shown} fails the handshake ("no shared group" / "handshake failure"), and over TLS 1.2 an ECDHE suite needs it too; fine if every client supports it.`, { severity: 'info' });
  }
}

/** `ssl_dh_params_file`: opened (relative to the data directory) and read as PEM DH parameters at start. */
function checkDhParams(t: Tls, base: string | undefined): void {
  const e = t.get('ssl_dh_params_file');
  if (!e || e.s.value === '' || (base === undefined && !isAbsolute(e.s.value))) return;
  const loc = pathLocator(t.ctx, t.doc.path).locate(e.s.value, base);
  if (loc.status === 'unresolved') return;
  if (loc.status === 'unseen') { reportNotChecked(t.ctx, loc, t.span(e), `${t.ref(e)}: `); return; }
  const shown = describeLocated(loc, code);
  if (!loc.stat?.isFile) {
    t.ctx.report(R['ssl-dh-params'], t.span(e), `${t.ref(e)}: ${shown} ${loc.stat ? 'is not a regular file' : 'does not exist'}, so ${FATAL('could not open DH parameters file "…"')}; fix the path (relative paths start at the data directory) or remove the line (PostgreSQL then uses its built-in 2048-bit group).`);
    return;
  }
  const text = loc.read();
  if (text !== undefined && !/-----BEGIN (X9\.42 )?DH PARAMETERS-----/.test(text)) {
    t.ctx.report(R['ssl-dh-params'], t.span(e), `${t.ref(e)}: ${shown} holds no PEM DH parameters (BEGIN DH PARAMETERS), so ${FATAL('could not load DH parameters file: no start line')}; make one with \`openssl dhparam -out dh.pem 2048\`.`);
  }
}

/** `hba_file` (FATAL when it cannot be opened) and `ident_file` (a LOG line; `map=` logins fail) locations. */
function checkAuthFileSettings(t: Tls): void {
  if (!t.ctx.settings.checkFiles) return;
  const check = (key: string, rule: RuleMeta, effect: string): void => {
    const e = t.get(key);
    if (!e || e.s.value === '' || !isAbsolute(e.s.value)) return; // relative: from the server's working directory
    const loc = pathLocator(t.ctx, t.doc.path).locate(e.s.value);
    if (loc.status === 'unresolved') return;
    if (loc.status === 'unseen') { reportNotChecked(t.ctx, loc, t.span(e), `${t.ref(e)}: `); return; }
    if (loc.stat?.isFile) return;
    t.ctx.report(rule, t.span(e), `${t.ref(e)}: ${describeLocated(loc, code)} ${loc.stat ? 'is not a regular file' : 'does not exist'}, so ${effect}; fix the path${loc.via ? ' or the path mapping' : ''}.`);
  };
  check('hba_file', R['hba-file-missing'], 'PostgreSQL refuses to start ("FATAL:  could not load pg_hba.conf")');
  check('ident_file', R['ident-file-missing'], 'PostgreSQL starts but logs "could not open usermap file", and every login through a `map=` of pg_hba.conf fails');
}
