/**
 * TLS and authentication in pgbouncer.ini, as `sbuf_tls_setup` (src/sbuf.c) and `load_config` (src/main.c) of
 * PgBouncer 1.18–1.25 decide, checked on PgBouncer 1.18.0:
 *  - towards clients, any `client_tls_sslmode` but `disable` needs `client_tls_key_file` and `client_tls_cert_file`,
 *    `verify-full` needs `client_tls_ca_file`, and `auth_type = cert` needs exactly `verify-full` (the manual lets one
 *    read `verify-ca` as enough; PgBouncer refuses it) and `client_tls_ca_file`; else "FATAL TLS setup failed";
 *  - towards servers, `allow`/`prefer`/`require` verify nothing (`tls_config_insecure_noverifycert`);
 *  - the protocol and cipher strings of an enabled side are parsed at start (`tls_config_parse_protocols`,
 *    `SSL_CTX_set_cipher_list` on libusual's keyword or the string itself);
 *  - files (tlsFiles/, with PgBouncer's profile below): libusual only keeps the paths, `tls_configure` loads them;
 *    client-side files at start (any problem: PgBouncer does not start), server-side ones at each server connection
 *    (any problem: PgBouncer starts, every TLS connection to a server fails). `client_tls_ca_file` is loaded in every
 *    mode but disable (`tls_config_verify_client_optional`), `server_tls_ca_file` only for verify-ca/verify-full.
 *    No key permission check and no passphrase (an encrypted key cannot be loaded). All seen with PgBouncer 1.18.0.
 *    Absolute paths go through the path mappings; one pgtls cannot see is only `pgtls/path-not-checked`; a relative
 *    path is opened from PgBouncer's working directory, which pgtls does not know, so it is not checked.
 */
import { type FileRole, type ServerTlsProfile, type TlsFileSetting, checkServerTlsFiles, tlsFilesContext } from '../../../tlsFiles';
import { cipherCatalog, evaluateCipherString } from '../../pgpoolConf';
import type { Entry } from '../model';
import { R } from '../rules';
import { checkAuthFiles } from './authFiles';
import { type Check, code } from './common';
import { lookup } from './values';

/** PgBouncer's refusal: the log line, then "FATAL TLS setup failed". */
const fatal = (log: string): string => `PgBouncer does not start (its log: "${log}", then "FATAL TLS setup failed")`;

/** libusual's cipher keywords (usual/tls/tls_internal.h, `tls_config_set_ciphers`). */
const CIPHER_KEYWORDS: Record<string, string> = {
  default: 'HIGH+EECDH:HIGH+EDH:!SSLv3:!SHA384:!SHA256:!DSS:!aNULL',
  secure: 'HIGH+EECDH:HIGH+EDH:!SSLv3:!SHA384:!SHA256:!DSS:!aNULL',
  compat: 'HIGH:+3DES:!aNULL', legacy: 'HIGH:+3DES:!aNULL',
  insecure: 'ALL:!aNULL:!eNULL', all: 'ALL:!aNULL:!eNULL',
  normal: 'HIGH+EECDH:HIGH+EDH:HIGH+RSA:+SHA384:+SHA256:+SSLv3:+EDH:+RSA:-3DES:3DES+RSA:!CAMELLIA:!DSS:!aNULL',
  fast: 'HIGH+EECDH:HIGH+EDH:HIGH+RSA:+AES256:+SHA256:+SHA384:+SSLv3:+EDH:+RSA:-3DES:3DES+RSA:!CAMELLIA:!DSS:!aNULL',
};

const PROTOCOLS = new Set(['all', 'legacy', 'default', 'secure', 'tlsv1', 'tlsv1.0', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3']);

export function checkTls(c: Check): void {
  const get = (k: string): Entry | undefined => c.main.get(k);
  const val = (k: string): string => get(k)?.st.value ?? c.release.params[k]?.default ?? '';
  const mode = (k: string): string | undefined => lookup(c.release.params[k], val(k));
  const at = (k: string, fallback?: Entry) => (get(k) ?? fallback)?.st.keySpan;
  const missingOk = c.hasIncludes; // an included file may set what is missing here

  const client = mode('client_tls_sslmode') ?? 'disable';
  const auth = lookup(c.release.params.auth_type, val('auth_type')) ?? 'md5';
  const modeAt = at('client_tls_sslmode');
  if (client !== 'disable' && !missingOk) {
    const missing = ['client_tls_key_file', 'client_tls_cert_file'].filter(k => val(k) === '');
    if (missing.length && modeAt) {
      c.ctx.report(R['client-tls-files-required'], modeAt, `\`client_tls_sslmode = ${client}\` needs a server certificate, but ${missing.map(k => `\`${k}\``).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set: ${fatal('To allow TLS connections from clients, client_tls_key_file and client_tls_cert_file must be set.')}. Set both, or \`client_tls_sslmode = disable\`.`);
    }
  }
  const hasCa = val('client_tls_ca_file') !== '';
  if (auth === 'cert' && !missingOk) {
    const authAt = at('auth_type')!;
    if (client !== 'verify-full') {
      c.ctx.report(R['auth-cert-requirements'], modeAt ?? authAt, `\`auth_type = cert\` needs \`client_tls_sslmode = verify-full\`, and it is ${code(client)}: ${fatal('auth_type=cert requires client_tls_sslmode=SSLMODE_VERIFY_FULL')}. \`verify-ca\` is not enough, although the manual reads as if it were; PgBouncer still checks no host name towards clients with verify-full.`,
        modeAt && !get('client_tls_sslmode')!.included ? { fixes: [{ title: 'Set client_tls_sslmode = verify-full', edits: [{ span: get('client_tls_sslmode')!.st.valueSpan, newText: 'verify-full' }] }] } : undefined);
    }
    if (!hasCa) c.ctx.report(R['auth-cert-requirements'], authAt, `\`auth_type = cert\` needs \`client_tls_ca_file\` (the CA that issued the client certificates), which is not set: ${fatal('auth_type=cert requires client_tls_ca_file')}.`);
  } else if (client === 'verify-full' && !hasCa && !missingOk) {
    c.ctx.report(R['client-tls-ca-required'], modeAt!, `\`client_tls_sslmode = verify-full\` needs \`client_tls_ca_file\` to verify client certificates, which is not set: ${fatal('client_tls_sslmode requires client_tls_ca_file')}. Set it to the CA file that issued the client certificates.`);
  } else if (client === 'verify-ca' && !hasCa && !missingOk) {
    c.ctx.report(R['client-verify-ca-without-ca'], modeAt!, '`client_tls_sslmode = verify-ca` without `client_tls_ca_file`: PgBouncer starts and verifies client certificates against OpenSSL\'s system CA store, so a certificate from any public CA passes and your own CA\'s do not. Set `client_tls_ca_file`.');
  }

  const server = mode('server_tls_sslmode') ?? 'disable';
  const sAt = at('server_tls_sslmode');
  if (sAt && (server === 'allow' || server === 'prefer' || server === 'require')) {
    const enc = server === 'require' ? 'encrypts every server connection but' : `uses TLS only if the server offers it (${server === 'allow' ? 'and only after a plain connection was refused' : 'else it connects in clear text'}), and`;
    c.ctx.report(R['server-tls-no-verify'], sAt, `\`server_tls_sslmode = ${server}\` ${enc} verifies nothing: not the certificate's issuer and not the host name, so anyone between PgBouncer and PostgreSQL can pose as the server and read the passwords and data. Use \`verify-full\` (the certificate must chain to \`server_tls_ca_file\` and name the host of [databases]) or at least \`verify-ca\` (issuer only, any host name).`);
  } else if ((server === 'verify-ca' || server === 'verify-full') && val('server_tls_ca_file') === '' && !missingOk && sAt) {
    c.ctx.report(R['server-tls-system-ca'], sAt, `\`server_tls_sslmode = ${server}\` without \`server_tls_ca_file\`: PgBouncer verifies the servers against OpenSSL's system CA store, which does not hold a private CA; set \`server_tls_ca_file\` to the CA that issued the PostgreSQL server certificates.`);
  }

  if (client !== 'disable') checkSide(c, 'client', true);
  if (server !== 'disable') checkSide(c, 'server', server === 'verify-ca' || server === 'verify-full');
  checkAuthFiles(c, auth);
}

/** The TLS versions a protocol string selects (libusual `tls_config_parse_protocols`: items added, `!` removes, from nothing). */
function protocolSet(value: string): Set<string> {
  const ALL = ['1.0', '1.1', '1.2', '1.3'];
  const of: Record<string, string[]> = { all: ALL, legacy: ALL, default: ['1.2', '1.3'], secure: ['1.2', '1.3'], tlsv1: ['1.0', '1.1'], 'tlsv1.0': ['1.0'], 'tlsv1.1': ['1.1'], 'tlsv1.2': ['1.2'], 'tlsv1.3': ['1.3'] };
  const set = new Set<string>();
  for (const raw of value.split(/[,:]/)) {
    const t = raw.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
    const neg = t.startsWith('!');
    for (const v of of[(neg ? t.slice(1) : t).toLowerCase()] ?? []) { if (neg) set.delete(v); else set.add(v); }
  }
  return set;
}

/** `verifies`: the side loads its CA file (the client side always, the server side only to verify the servers). */
function checkSide(c: Check, side: 'client' | 'server', verifies: boolean): void {
  const p = (k: string) => c.main.get(`${side}_tls_${k}`);
  const proto = p('protocols');
  if (proto && proto.st.value !== '') {
    const bad = proto.st.value.split(/[,:]/).map(t => t.replace(/^[ \t]+/, '').replace(/^!/, '')).find(t => !PROTOCOLS.has(t.toLowerCase()));
    if (bad !== undefined) {
      c.ctx.report(R['tls-protocols'], proto.st.valueSpan, `${bad === '' ? 'An empty item' : code(bad)} in \`${proto.st.key}\` is not a TLS protocol libusual knows (\`all\`, \`secure\`, \`legacy\`, \`tlsv1.0\`…\`tlsv1.3\`, separated by \`,\` or \`:\`, \`!\` to exclude): ${fatal(`invalid ${proto.st.key}: …`)}.`);
    } else if (side === 'client') {
      const set = protocolSet(proto.st.value);
      if (set.size > 0 && !set.has('1.2') && !set.has('1.3')) {
        c.ctx.report(R['client-tls-no-modern-protocol'], proto.st.valueSpan, `\`client_tls_protocols = ${proto.st.value}\` allows only TLS ${[...set].sort().join(' and ')}: PgBouncer starts, but clients with OpenSSL 3's defaults (libpq, psql, which require TLS 1.2 at least) cannot complete a TLS handshake, so they cannot log in over TLS. Use \`secure\` (TLS 1.2 and 1.3, the default).`);
      }
    }
  }
  const ciphers = p('ciphers');
  if (ciphers && ciphers.st.value !== '') {
    const v = ciphers.st.value;
    const cipherString = CIPHER_KEYWORDS[v.toLowerCase()] ?? v;
    const r = evaluateCipherString(cipherCatalog(c.ctx.env.loadJson('openssl-ciphers.json')), cipherString);
    if (!r.ok) {
      c.ctx.report(R['tls-ciphers'], ciphers.st.valueSpan, `\`${ciphers.st.key}\` matches no TLS 1.2 cipher suite of OpenSSL 3 (names are case-sensitive; the keywords are default, secure, normal, fast, compat, legacy, all): ${fatal(`invalid ${ciphers.st.key}: …`)}. Use e.g. \`secure\` or \`HIGH:!aNULL\`.`);
    }
  }
  if (side === 'client') {
    const dh = p('dheparams');
    if (dh && dh.st.value !== '' && !['none', 'auto', 'legacy'].includes(dh.st.value.toLowerCase())) {
      c.ctx.report(R['tls-keyword'], dh.st.valueSpan, `\`client_tls_dheparams\` is ${code(dh.st.value)}, not \`none\`, \`auto\` or \`legacy\` (PgBouncer takes no parameter file): ${fatal('invalid client_tls_dheparams')}.`);
    }
  }
  if (!c.ctx.settings.checkFiles) return;
  const files: Partial<Record<FileRole, TlsFileSetting>> = {};
  for (const [role, k] of [['cert', 'cert_file'], ['key', 'key_file'], ['ca', 'ca_file']] as const) {
    const e = p(k);
    if (e && (role !== 'ca' || verifies)) files[role] = { key: e.st.key, value: e.st.value, span: e.st.valueSpan, ref: `\`${e.st.key}\`` };
  }
  // PgBouncer opens a relative path from its working directory, which pgtls does not know: those are not checked.
  checkServerTlsFiles(tlsFilesContext(c.ctx, c.doc.path, undefined, side === 'client' ? CLIENT_SIDE : SERVER_SIDE, files));
}

/** libusual's error texts for a file `tls_configure` cannot use (usual/tls/tls.c), as PgBouncer 1.18.0 logs them. */
const LOG: Record<string, string> = {
  'cert:missing': 'failed to load certificate file …: (null)', 'key:missing': 'failed to load private key file …: (null)',
  'ca:missing': 'failed to load CA: (null)', 'cert:cert-invalid': 'failed to load certificate file …: no start line',
  'key:key-invalid': 'failed to load private key file …', 'key:key-encrypted': 'failed to load private key file …: processing error',
  'key:key-mismatch': 'failed to load private key file …: key values mismatch', 'key:key-type-mismatch': 'private/public key mismatch',
  'ca:ca-invalid': 'failed to load CA: no certificate or crl found',
};

/** What is the same on both sides: the rules, no permission check, no passphrase. */
const PGBOUNCER: Omit<ServerTlsProfile, 'direction' | 'unusable' | 'renew'> = {
  product: 'PgBouncer',
  rules: { missing: R['tls-file-missing'], certInvalid: R['tls-cert-invalid'], keyInvalid: R['tls-key-invalid'], keyEncrypted: R['tls-key-encrypted'] },
  log: (role, failure) => LOG[`${role}:${failure}`] ?? `failed to load ${role === 'ca' ? 'CA' : role === 'key' ? 'private key file' : 'certificate file'} …`,
  relativeHint: '',
  encrypted: () => ({
    why: ' and PgBouncer has no passphrase setting (it never decrypts a key)',
    fix: 'store the key decrypted (`openssl pkey -in encrypted.key -out server.key`) with mode 0600',
  }),
  keyPermissions: 'none',
  permissionEffect: '',
  caAlsoVerifiesBackends: false,
};

/** Towards clients: `sbuf_tls_setup` configures the context at start and on RELOAD; a failure stops PgBouncer. */
const CLIENT_SIDE: ServerTlsProfile = {
  ...PGBOUNCER,
  direction: 'accept',
  unusable: (_role, log) => (log === undefined ? 'PgBouncer does not start ("FATAL TLS setup failed")' : fatal(`TLS setup failed: ${log}`)),
  renew: () => 'reload PgBouncer (RELOAD or SIGHUP loads the files again)',
};

/** Towards servers: `sbuf_tls_connect` configures a context per server connection; a failure drops that connection. */
const SERVER_SIDE: ServerTlsProfile = {
  ...PGBOUNCER,
  direction: 'connect',
  unusable: (_role, log) => `PgBouncer starts, but every connection to a server that offers TLS fails${log === undefined ? '' : ` (its log: "TLS connect error: ${log}")`} and logins through PgBouncer wait and then fail`,
  renew: () => 'reload PgBouncer (RELOAD recycles the server connections)',
};
