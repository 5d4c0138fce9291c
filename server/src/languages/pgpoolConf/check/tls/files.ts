/**
 * The file half of the TLS rules: what `SSL_ServerSide_init` does with `ssl_cert`, `ssl_key`, `ssl_ca_cert` and
 * `ssl_crl_file` (existence, PEM content, passphrase, key/certificate match, key permissions). The certificates read
 * are then judged by the shared certificate policy (certs.ts: strength, validity, CA flags, the issuing chain).
 * Paths are resolved like `pool_ssl_make_absolute_path`: absolute as written, else against pgpool.conf's folder; an
 * absolute path goes through the path mappings (deploy/), and one pgtls cannot see (a path in the container) is only
 * a note, its content checks skipped. Certificates and keys are read by the environment's TLS backend (OpenSSL
 * through `node:crypto` in Node.js).
 */
import { readPemBlocks } from '../../../../core/pem';
import type { Certificate, PemCertificates, PublicKeyInfo } from '../../../../core/tlsBackend';
import type { FileStat } from '../../../../core/types';
import { describeLocated, pathLocator, reportNotChecked } from '../../../../deploy';
import { CERT, certLabel, keyFamily, keyOfPublicKeyInfo } from '../../../../x509';
import { TLS } from '../../rules';
import { type CertFile, checkClientCas, checkServedChain } from './certs';
import { OFF, type Setting, type TlsContext, code, keyRef, spanOf } from './context';

/** Pgpool-II's log text for a file it could not use, per parameter. */
const LOAD_MESSAGE: Record<string, string> = {
  ssl_cert: 'could not load server certificate file',
  ssl_key: 'could not access private key file',
  ssl_ca_cert: 'could not load root certificate file',
  ssl_crl_file: 'could not load SSL certificate revocation list file',
};

interface Opened {
  s: Setting;
  /** Where the file is read (on disk, or the deployment path of a resource's key). */
  path: string;
  /** The path for messages, with the mapping that located it. */
  shown: string;
  text: string | undefined;
  /** Whether the file's mode and owner are those Pgpool-II sees (not for a copied file or a resource's key). */
  permissionsKnown: boolean;
  stat: FileStat;
}

/**
 * Locates and stats a file setting; reports a missing or non-regular file, and notes a path pgtls cannot see.
 * `undefined` when unset or unusable (the checks of its content are then skipped).
 */
function open(t: TlsContext, key: string): Opened | undefined {
  const s = t.get(key);
  if (!s || s.a.value === '') return undefined;
  const loc = pathLocator(t.ctx, t.doc.path).locate(s.a.value, t.confDir);
  if (loc.status === 'unresolved') return undefined; // an unsaved document: no folder to resolve against
  if (loc.status === 'unseen') {
    reportNotChecked(t.ctx, loc, spanOf(s), `${keyRef(s)}: `);
    return undefined;
  }
  const shown = describeLocated(loc, code);
  const st = loc.stat;
  if (!st || !st.isFile) {
    const what = st ? 'is not a regular file' : 'does not exist';
    const hint = st ? 'point it at the file itself'
      : loc.via ? `add it ${typeof loc.via.mapping.to === 'string' ? 'there' : 'to the resource'}, or fix the path or the mapping`
        : `fix the path${loc.path === s.a.value ? '' : ' (a relative path starts at pgpool.conf\'s folder)'}`;
    t.report(TLS['ssl-file-missing'], s, `${keyRef(s)}: ${shown} ${what}, so ${OFF} ("${LOAD_MESSAGE[key]}"); ${hint}.`);
    return undefined;
  }
  // A file pgtls may not read (e.g. root-owned 0600) is not Pgpool-II's problem: its content is just not checked.
  return { s, path: loc.path, shown, text: loc.read(), permissionsKnown: loc.permissionsKnown, stat: st };
}

/** Explains a file with no usable certificate. */
function describeNoCert(text: string, pem: PemCertificates): string {
  if (pem.broken.length) return `its ${pem.broken[0]!.label} block cannot be decoded`;
  if (pem.blocks.length === 0) return text.trimStart().startsWith('-----') ? 'it has no complete PEM block' : 'it is not PEM text, and DER is not accepted';
  return `it holds only ${labelsOf(pem.blocks.map(b => b.label))}`;
}

/** The key family of a public key the backend read, as the cipher checks and the messages name it. */
const familyOf = (c: { publicKey: PublicKeyInfo }): string => keyFamily(keyOfPublicKeyInfo(c.publicKey));

const labelsOf = (labels: string[]): string => `${[...new Set(labels.map(l => `"${l}"`))].join(', ')} block${labels.length > 1 ? 's' : ''}`;

export interface FileFacts {
  /** The algorithm of the server certificate's key, when known (for the cipher checks). */
  serverKeyAlgorithm?: string;
}

export function checkTlsFiles(t: TlsContext): FileFacts {
  const served = checkServerCert(t);
  if (served) checkServedChain(t, served);
  checkKey(t, served);
  const cas = checkCaFile(t);
  if (cas) checkClientCas(t, cas, served?.certs ?? []);
  checkCrlFile(t);
  return served ? { serverKeyAlgorithm: familyOf(served.certs[0]!) } : {};
}

/** `ssl_cert`: SSL_CTX_use_certificate_chain_file (first certificate, then the chain). The chain when it loads. */
function checkServerCert(t: TlsContext): CertFile | undefined {
  const cert = open(t, 'ssl_cert');
  if (cert?.text === undefined) return undefined;
  const read = t.ctx.env.tls.readCertificates(cert.text);
  // SSL_CTX_use_certificate_chain_file reads certificate blocks only: CRL blocks are skipped undecoded.
  const pem = { ...read, broken: read.broken.filter(b => b.label !== 'X509 CRL') };
  if (pem.certificates.length === 0 || pem.broken.length) {
    t.report(TLS['ssl-cert-invalid'], cert.s, `${keyRef(cert.s)}: ${cert.shown} holds no loadable certificate (${describeNoCert(cert.text, pem)}), so ${OFF} ("could not load server certificate file"); point it at the PEM certificate (BEGIN CERTIFICATE).`);
    return undefined;
  }
  return { s: cert.s, path: cert.path, shown: cert.shown, certs: pem.certificates };
}

/** `ssl_key`: stat, S_ISREG, permissions (warning only), passphrase, SSL_CTX_check_private_key against `served`. */
function checkKey(t: TlsContext, served: CertFile | undefined): void {
  const key = open(t, 'ssl_key');
  if (!key) return;
  checkPermissions(t, key);
  if (key.text === undefined) return;
  const tls = t.ctx.env.tls;
  const k = tls.readPrivateKey(key.text);
  if (k.kind === 'invalid' && !k.block) {
    const labels = readPemBlocks(key.text).map(b => b.label);
    const holds = labels.length ? `it holds only ${labelsOf(labels)}` : /^\s*-----/.test(key.text) ? 'it has no complete PEM block' : 'it is not in PEM format';
    t.report(TLS['ssl-key-invalid'], key.s, `${keyRef(key.s)}: ${key.shown} holds no private key (${holds}), so ${OFF} ("could not load private key file"); point it at the PEM private key (BEGIN PRIVATE KEY).`);
  } else if (k.kind === 'invalid') {
    t.report(TLS['ssl-key-invalid'], key.s, `${keyRef(key.s)}: the ${k.block?.label ?? 'PRIVATE KEY'} block in ${key.shown} cannot be decoded, so ${OFF} ("could not load private key file"); replace it with an intact copy of the key.`);
  } else if (k.kind === 'encrypted') {
    const cmd = t.get('ssl_passphrase_command');
    if (!cmd || cmd.a.value === '') {
      t.report(TLS['ssl-key-encrypted'], key.s, `${keyRef(key.s)}: ${key.shown} is encrypted and \`ssl_passphrase_command\` is not set, so ${OFF} ("private key file … cannot be reloaded because it requires a passphrase"); set \`ssl_passphrase_command\` or store the key decrypted with mode 0600.`);
    }
  } else if (served && !tls.keyMatches(served.certs[0]!.handle, k.handle)) {
    const leaf: Certificate = served.certs[0]!;
    const certAlg = familyOf(leaf), keyAlg = familyOf(k);
    // OpenSSL compares a key with the certificate of its own type while loading it; a key of another type is
    // only caught by SSL_CTX_check_private_key (both seen with Pgpool-II 4.3.5).
    const logged = certAlg === keyAlg
      ? `"could not load private key file … key values mismatch"`
      : `"check of private key failed: no certificate assigned"`;
    t.report(CERT['key-mismatch'], key.s, `${keyRef(key.s)}: the ${keyAlg} key in ${key.shown} is not the key of the ${certAlg} certificate ${certLabel(leaf)} in ${served.shown}, so ${OFF} (${logged}); use the key the certificate was issued for.`);
  }
}

/** `ssl_ca_cert`: SSL_CTX_load_verify_locations + SSL_load_client_CA_file. The certificates when the file loads. */
function checkCaFile(t: TlsContext): CertFile | undefined {
  const ca = open(t, 'ssl_ca_cert');
  if (ca?.text === undefined) return undefined;
  const pem = t.ctx.env.tls.readCertificates(ca.text);
  if (pem.certificates.length === 0 || pem.broken.length) {
    t.report(TLS['ssl-cert-invalid'], ca.s, `${keyRef(ca.s)}: ${ca.shown} holds no loadable certificate (${describeNoCert(ca.text, pem)}), so ${OFF} ("could not load root certificate file"); point it at the CA certificate in PEM.`);
    return undefined;
  }
  return { s: ca.s, path: ca.path, shown: ca.shown, certs: pem.certificates };
}

/** `ssl_crl_file`: X509_STORE_load_locations, then CRL checks for the whole chain. */
function checkCrlFile(t: TlsContext): void {
  const crl = open(t, 'ssl_crl_file');
  if (crl?.text === undefined) return;
  const pem = t.ctx.env.tls.readCertificates(crl.text);
  if (pem.crls === 0 && pem.certificates.length === 0) {
    t.report(TLS['ssl-cert-invalid'], crl.s, `${keyRef(crl.s)}: ${crl.shown} holds no CRL (${describeNoCert(crl.text, pem)}), so ${OFF} ("could not load SSL certificate revocation list file"); point it at the PEM CRL (BEGIN X509 CRL).`);
  } else if (pem.crls === 0) {
    t.report(TLS['ssl-cert-invalid'], crl.s, `${keyRef(crl.s)}: ${crl.shown} holds certificates but no CRL: OpenSSL loads it, yet with CRL checking on every client certificate fails verification ("unable to get certificate CRL"), so \`cert\` logins are refused; point it at the PEM CRL (BEGIN X509 CRL).`, { severity: 'warning' });
  }
}

/** Pgpool-II's key permission rule (`SSL_ServerSide_init`); only where the mode and owner seen here are the server's. */
function checkPermissions(t: TlsContext, key: Opened): void {
  if (!key.permissionsKnown) return;
  const st = key.stat;
  const euid = t.ctx.env.euid();
  const ownedByUs = euid === undefined || st.uid === euid;
  const bad = (ownedByUs && (st.mode & 0o077) !== 0) || (st.uid === 0 && (st.mode & 0o037) !== 0);
  if (!bad) return;
  const mode = `0${(st.mode & 0o777).toString(8).padStart(3, '0')}`;
  const fix = ownedByUs ? `chmod 0600 ${key.path}` : `chmod 0640 ${key.path}`;
  t.report(TLS['ssl-key-permissions'], key.s, `${keyRef(key.s)}: ${key.shown} has group or world access (mode ${mode}, owner uid ${st.uid}): Pgpool-II logs a WARNING at start ("private key file … has group or world access") but still loads the key; run \`${fix}\` (0600 when the Pgpool-II user owns it, at most 0640 when root does).`);
}
