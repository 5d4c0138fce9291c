/**
 * The file half of a server's TLS checks, as OpenSSL loads the files (`SSL_CTX_use_certificate_chain_file`,
 * `SSL_CTX_use_PrivateKey_file`, `SSL_CTX_check_private_key`, `SSL_CTX_load_verify_locations`,
 * `X509_STORE_load_locations`): existence, PEM content, an encrypted key, the key/certificate match and the key's
 * permissions. What the server then does, and in which words, is the profile's (profile.ts); the certificates read are
 * judged by the one certificate policy (certs.ts). Absolute paths go through the path mappings (deploy/); one pgtls
 * cannot see is only `pgtls/path-not-checked`, its content not checked; a relative path starts at the profile's folder,
 * or is not checked when the server opens it from a folder pgtls does not know. Certificates and keys are read by the
 * environment's TLS backend (OpenSSL through `node:crypto` in Node.js).
 */
import { baseName, isAbsolutePath, normalizePath } from '../core/deployPaths';
import { readPemBlocks } from '../core/pem';
import type { Certificate, PemCertificates, PublicKeyInfo } from '../core/tlsBackend';
import { GENERATE_TLS_FILES_COMMAND, type FileStat, type Fix, type GenerateTlsFilesArgs, type TlsFilePaths } from '../core/types';
import { describeLocated, pathLocator, reportNotChecked } from '../deploy';
import { CERT, certLabel, keyFamily, keyOfPublicKeyInfo } from '../x509';
import { type CertFile, checkClientCas, checkServedChain } from './certs';
import { caKeyPathOf } from './paths';
import type { FileRole, TlsFileSetting, TlsFilesContext } from './profile';

/** A path in backticks, cut after 80 characters. */
export const code = (s: string, max = 80): string => `\`${s.length > max ? `${s.slice(0, max)}…` : s}\``;

interface Opened {
  s: TlsFileSetting;
  role: FileRole;
  /** Where the file is read (on disk, or the deployment path of a resource's key). */
  path: string;
  /** The path for messages, with the mapping that located it. */
  shown: string;
  text: string | undefined;
  /** Whether the file's mode and owner are those the server sees (not for a copied file or a resource's key). */
  permissionsKnown: boolean;
  stat: FileStat;
}

/**
 * Locates and stats the file of `role`; reports a missing or non-regular file, and notes a path pgtls cannot see.
 * `undefined` when unset or unusable (the checks of its content are then skipped).
 */
function open(t: TlsFilesContext, role: FileRole): Opened | undefined {
  const s = t.files[role];
  if (!s || s.value === '') return undefined;
  if (t.baseDir === undefined && !isAbsolutePath(s.value)) return undefined; // opened from a folder pgtls does not know
  const loc = pathLocator(t.ctx, t.configPath).locate(s.value, t.baseDir);
  if (loc.status === 'unresolved') return undefined; // an unsaved document: no folder to resolve against
  if (loc.status === 'unseen') {
    reportNotChecked(t.ctx, loc, s.span, `${s.ref}: `);
    return undefined;
  }
  const p = t.profile;
  const shown = describeLocated(loc, code);
  const st = loc.stat;
  if (!st || !st.isFile) {
    const what = st ? 'is not a regular file' : 'does not exist';
    const hint = st ? 'point it at the file itself'
      : loc.via ? `add it ${typeof loc.via.mapping.to === 'string' ? 'there' : 'to the resource'}, or fix the path or the mapping`
        : `fix the path${loc.path === s.value ? '' : p.relativeHint}`;
    const fix = st ? undefined : generateFix(t, role);
    t.report(p.rules.missing, s, `${s.ref}: ${shown} ${what}, so ${p.unusable(role, p.log(role, 'missing'))}; ${hint}.`, fix ? { fixes: [fix] } : undefined);
    t.ctx.onTlsFile?.({ role, key: s.key, span: s.span, path: loc.path, text: undefined, missing: true });
    return undefined;
  }
  // A file pgtls may not read (e.g. root-owned 0600) is not the server's problem: its content is just not checked.
  const text = loc.read();
  t.ctx.onTlsFile?.({ role, key: s.key, span: s.span, path: loc.path, text });
  return { s, role, path: loc.path, shown, text, permissionsKnown: loc.permissionsKnown, stat: st };
}

/** Explains a file with no usable certificate. */
function describeNoCert(text: string, pem: PemCertificates): string {
  if (pem.broken.length) return `its ${pem.broken[0]!.label} block cannot be decoded`;
  if (pem.blocks.length === 0) return text.trimStart().startsWith('-----') ? 'it has no complete PEM block' : 'it is not PEM text, and DER is not accepted';
  return `it holds only ${labelsOf(pem.blocks.map(b => b.label))}`;
}

/** The key family of a public key the backend read, as the cipher checks and the messages name it. */
export const familyOf = (c: { publicKey: PublicKeyInfo }): string => keyFamily(keyOfPublicKeyInfo(c.publicKey));

const labelsOf = (labels: string[]): string => `${[...new Set(labels.map(l => `"${l}"`))].join(', ')} block${labels.length > 1 ? 's' : ''}`;

export interface FileFacts {
  /** The algorithm of the certificate's key, when known (for the cipher checks). */
  serverKeyAlgorithm?: string;
}

/** Every file check of one TLS context, then the certificate policy on what loaded. */
export function checkServerTlsFiles(t: TlsFilesContext): FileFacts {
  const served = checkCertFile(t);
  if (served) checkServedChain(t, served);
  checkKey(t, served);
  const cas = checkCaFile(t);
  if (cas) checkClientCas(t, cas, served?.certs ?? []);
  checkCrlFile(t);
  return served ? { serverKeyAlgorithm: familyOf(served.certs[0]!) } : {};
}

/** The certificate: SSL_CTX_use_certificate_chain_file (first certificate, then the chain). The chain when it loads. */
function checkCertFile(t: TlsFilesContext): CertFile | undefined {
  const cert = open(t, 'cert');
  if (cert?.text === undefined) return undefined;
  const p = t.profile;
  const read = t.ctx.env.tls.readCertificates(cert.text);
  // SSL_CTX_use_certificate_chain_file reads certificate blocks only: CRL blocks are skipped undecoded.
  const pem = { ...read, broken: read.broken.filter(b => b.label !== 'X509 CRL') };
  if (pem.certificates.length === 0 || pem.broken.length) {
    t.report(p.rules.certInvalid, cert.s, `${cert.s.ref}: ${cert.shown} holds no loadable certificate (${describeNoCert(cert.text, pem)}), so ${p.unusable('cert', p.log('cert', 'cert-invalid'))}; point it at the PEM certificate (BEGIN CERTIFICATE).`);
    return undefined;
  }
  return { s: cert.s, path: cert.path, shown: cert.shown, certs: pem.certificates };
}

/** The key: stat, S_ISREG, permissions, passphrase, SSL_CTX_check_private_key against `served`. */
function checkKey(t: TlsFilesContext, served: CertFile | undefined): void {
  const key = open(t, 'key');
  if (!key) return;
  checkPermissions(t, key);
  if (key.text === undefined) return;
  const p = t.profile;
  const fails = (failure: 'key-invalid' | 'key-encrypted' | 'key-mismatch' | 'key-type-mismatch'): string => p.unusable('key', p.log('key', failure));
  const tls = t.ctx.env.tls;
  const k = tls.readPrivateKey(key.text);
  if (k.kind === 'invalid' && !k.block) {
    const labels = readPemBlocks(key.text).map(b => b.label);
    const holds = labels.length ? `it holds only ${labelsOf(labels)}` : /^\s*-----/.test(key.text) ? 'it has no complete PEM block' : 'it is not in PEM format';
    t.report(p.rules.keyInvalid, key.s, `${key.s.ref}: ${key.shown} holds no private key (${holds}), so ${fails('key-invalid')}; point it at the PEM private key (BEGIN PRIVATE KEY).`);
  } else if (k.kind === 'invalid') {
    t.report(p.rules.keyInvalid, key.s, `${key.s.ref}: the ${k.block?.label ?? 'PRIVATE KEY'} block in ${key.shown} cannot be decoded, so ${fails('key-invalid')}; replace it with an intact copy of the key.`);
  } else if (k.kind === 'encrypted') {
    const enc = p.encrypted();
    if (enc) t.report(p.rules.keyEncrypted, key.s, `${key.s.ref}: ${key.shown} is encrypted${enc.why}, so ${fails('key-encrypted')}; ${enc.fix}.`);
  } else if (served && !tls.keyMatches(served.certs[0]!.handle, k.handle)) {
    const leaf: Certificate = served.certs[0]!;
    const certAlg = familyOf(leaf), keyAlg = familyOf(k);
    // OpenSSL compares a key with the certificate of its own type while loading it; a key of another type is
    // only caught by SSL_CTX_check_private_key (both seen with Pgpool-II 4.3.5).
    const effect = fails(certAlg === keyAlg ? 'key-mismatch' : 'key-type-mismatch');
    t.report(CERT['key-mismatch'], key.s, `${key.s.ref}: the ${keyAlg} key in ${key.shown} is not the key of the ${certAlg} certificate ${certLabel(leaf)} in ${served.shown}, so ${effect}; use the key the certificate was issued for.`);
  }
}

/** The CA file: SSL_CTX_load_verify_locations (+ SSL_load_client_CA_file). The certificates when the file loads. */
function checkCaFile(t: TlsFilesContext): CertFile | undefined {
  const ca = open(t, 'ca');
  if (ca?.text === undefined) return undefined;
  const p = t.profile;
  const pem = t.ctx.env.tls.readCertificates(ca.text);
  if (pem.certificates.length === 0 || pem.broken.length) {
    t.report(p.rules.certInvalid, ca.s, `${ca.s.ref}: ${ca.shown} holds no loadable certificate (${describeNoCert(ca.text, pem)}), so ${p.unusable('ca', p.log('ca', 'ca-invalid'))}; point it at the CA certificate in PEM.`);
    return undefined;
  }
  return { s: ca.s, path: ca.path, shown: ca.shown, certs: pem.certificates };
}

/** The CRL file: X509_STORE_load_locations, then CRL checks for the whole chain. */
function checkCrlFile(t: TlsFilesContext): void {
  const crl = open(t, 'crl');
  if (crl?.text === undefined) return;
  const p = t.profile;
  const pem = t.ctx.env.tls.readCertificates(crl.text);
  if (pem.crls === 0 && pem.certificates.length === 0) {
    t.report(p.rules.certInvalid, crl.s, `${crl.s.ref}: ${crl.shown} holds no CRL (${describeNoCert(crl.text, pem)}), so ${p.unusable('crl', p.log('crl', 'crl-invalid'))}; point it at the PEM CRL (BEGIN X509 CRL).`);
  } else if (pem.crls === 0) {
    t.report(p.rules.certInvalid, crl.s, `${crl.s.ref}: ${crl.shown} holds certificates but no CRL: OpenSSL loads it, yet with CRL checking on every client certificate fails verification ("unable to get certificate CRL"), so \`cert\` logins are refused; point it at the PEM CRL (BEGIN X509 CRL).`, { severity: 'warning' });
  }
}

/**
 * PostgreSQL's key permission rule (`check_ssl_key_file`), which Pgpool-II copies: 0600 or less when the server's
 * user owns the key, 0640 or less when root does. Only where the mode and owner seen here are the server's.
 */
function checkPermissions(t: TlsFilesContext, key: Opened): void {
  const p = t.profile;
  if (!key.permissionsKnown || p.keyPermissions === 'none' || !p.rules.keyPermissions) return;
  const st = key.stat;
  const euid = t.ctx.env.euid();
  const ownedByUs = euid === undefined || st.uid === euid;
  const bad = (ownedByUs && (st.mode & 0o077) !== 0) || (st.uid === 0 && (st.mode & 0o037) !== 0);
  if (!bad) return;
  const mode = `0${(st.mode & 0o777).toString(8).padStart(3, '0')}`;
  const file = normalizePath(key.path) ?? key.path;
  const fix = ownedByUs ? `chmod 0600 ${file}` : `chmod 0640 ${file}`;
  t.report(p.rules.keyPermissions, key.s, `${key.s.ref}: ${key.shown} has group or world access (mode ${mode}, owner uid ${st.uid}): ${p.permissionEffect}; run \`${fix}\` (0600 when the ${p.product} user owns it, at most 0640 when root does).`);
}

/** A file of the context that pgtls may write: its local absolute path, and whether a regular file is there already. */
function writable(t: TlsFilesContext, role: FileRole): { path: string; exists: boolean } | undefined {
  const s = t.files[role];
  if (!s || s.value === '' || (t.baseDir === undefined && !isAbsolutePath(s.value))) return undefined;
  const loc = pathLocator(t.ctx, t.configPath).locate(s.value, t.baseDir);
  // Only a file on this machine (never a path only the server sees, nor a key of a Kubernetes resource).
  if (loc.status !== 'seen' || (loc.via && typeof loc.via.mapping.to !== 'string') || !isAbsolutePath(loc.path)) return undefined;
  if (loc.stat && !loc.stat.isFile) return undefined;
  return { path: normalizePath(loc.path) ?? loc.path, exists: !!loc.stat };
}

/**
 * "Generate … here" on a missing certificate, key or CA file of a server that accepts clients: the editor's command
 * (GENERATE_TLS_FILES_COMMAND) makes the files at exactly the paths the settings name. A missing certificate or key:
 * both, issued by the configured CA when its key is beside it, by a new CA written at the configured CA path when that
 * file is missing too, else by the CA beside the certificate (ca.crt/ca.key, made when absent). A missing CA file: a new
 * CA there, its key beside it (`root.crt` → `root.key`). Never for a path pgtls cannot write here.
 */
function generateFix(t: TlsFilesContext, role: FileRole): Fix | undefined {
  if (t.profile.direction !== 'accept' || role === 'crl') return undefined;
  const at = t.files[role]!.span[0];
  const ca = writable(t, 'ca');
  const command = (title: string, kind: GenerateTlsFilesArgs['kind'], paths: TlsFilePaths): Fix => {
    const args: GenerateTlsFilesArgs = { offset: at, kind, paths, product: t.profile.product };
    return { title, edits: [], command: { title, command: GENERATE_TLS_FILES_COMMAND, arguments: [args] } };
  };
  if (role === 'ca') {
    if (!ca || ca.exists) return undefined;
    const key = caKeyPathOf(ca.path);
    return command(`Generate a new CA here: ${baseName(ca.path)} and its key ${baseName(key)}`, 'ca', { ca: ca.path, caKey: key });
  }
  const cert = writable(t, 'cert'), key = writable(t, 'key');
  if (!cert || !key || cert.path === key.path) return undefined;
  const paths: TlsFilePaths = { cert: cert.path, key: key.path };
  let by = '';
  if (ca) {
    const caKey = caKeyPathOf(ca.path);
    if (!ca.exists) by = ` with a new CA ${baseName(ca.path)}`;
    else if (t.ctx.env.stat(caKey)?.isFile) by = ` (issued by ${baseName(ca.path)})`;
    if (by && caKey !== cert.path && caKey !== key.path) Object.assign(paths, { ca: ca.path, caKey });
    else by = '';
  }
  const replaced = [cert, key].filter(f => f.exists).map(f => baseName(f.path));
  const replaces = replaced.length ? ` (replaces ${replaced.join(' and ')})` : '';
  return command(`Generate ${baseName(cert.path)} and ${baseName(key.path)} here${by}${replaces}`, 'server', paths);
}
