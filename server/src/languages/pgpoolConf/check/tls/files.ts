/**
 * The file half of the TLS rules: what `SSL_ServerSide_init` does with `ssl_cert`, `ssl_key`, `ssl_ca_cert` and
 * `ssl_crl_file` (existence, PEM content, passphrase, key/certificate match, key permissions), plus the certificate
 * content checks OpenSSL only meets later, when peers verify (validity dates, CA flags, the issuing chain).
 * Paths are resolved like `pool_ssl_make_absolute_path`: absolute as written, else against pgpool.conf's folder.
 * Certificates and keys are read by the environment's TLS backend (OpenSSL through `node:crypto` in Node.js).
 */
import { readPemBlocks } from '../../../../core/pem';
import type { Certificate, PemCertificates, PublicKeyInfo, TlsBackend } from '../../../../core/tlsBackend';
import { TLS } from '../../rules';
import { type Setting, type TlsContext, code, keyRef, resolveConfPath } from './context';

const OFF = 'Pgpool-II only logs a WARNING at start and then turns SSL off for every client';

/** Pgpool-II's log text for a file it could not use, per parameter. */
const LOAD_MESSAGE: Record<string, string> = {
  ssl_cert: 'could not load server certificate file',
  ssl_key: 'could not access private key file',
  ssl_ca_cert: 'could not load root certificate file',
  ssl_crl_file: 'could not load SSL certificate revocation list file',
};

interface Opened { s: Setting; path: string; text: string | undefined }

/** Resolves and stats a file setting; reports a missing or non-regular file. `undefined` when unset or unusable. */
function open(t: TlsContext, key: string): Opened | undefined {
  const s = t.get(key);
  if (!s || s.a.value === '') return undefined;
  const path = resolveConfPath(t.confDir, s.a.value);
  if (!/^([A-Za-z]:)?[\\/]/.test(path)) return undefined; // an unsaved document: no folder to resolve against
  const st = t.ctx.env.stat(path);
  if (!st || !st.isFile) {
    const what = st ? 'is not a regular file' : 'does not exist';
    const hint = st ? 'point it at the file itself' : `fix the path${path === s.a.value ? '' : ' (a relative path starts at pgpool.conf\'s folder)'}`;
    t.report(TLS['ssl-file-missing'], s, `${keyRef(s)}: ${code(path)} ${what}, so ${OFF} ("${LOAD_MESSAGE[key]}"); ${hint}.`);
    return undefined;
  }
  // A file pgtls may not read (e.g. root-owned 0600) is not Pgpool-II's problem: its content is just not checked.
  return { s, path, text: t.ctx.env.readText(path) };
}

/** Explains a file with no usable certificate. */
function describeNoCert(text: string, pem: PemCertificates): string {
  if (pem.broken.length) return `its ${pem.broken[0]!.label} block cannot be decoded`;
  if (pem.blocks.length === 0) return text.trimStart().startsWith('-----') ? 'it has no complete PEM block' : 'it is not PEM text, and DER is not accepted';
  return `it holds only ${labelsOf(pem.blocks.map(b => b.label))}`;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** The key algorithm as the cipher checks and the messages name it. */
export type KeyAlgorithm = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'other';

export function keyAlgorithm(k: PublicKeyInfo): KeyAlgorithm {
  switch (k.type) {
    case 'rsa': case 'rsa-pss': return 'RSA';
    case 'ec': return 'EC';
    case 'ed25519': return 'Ed25519';
    case 'ed448': return 'Ed448';
    case 'dsa': return 'DSA';
    default: return 'other';
  }
}

/** OpenSSL's `check_ca` (X509_check_ca != 0): what may act as an issuer when verifying a chain. */
export function isCA(c: Certificate): boolean {
  if (c.keyCertSign === false) return false;
  if (c.basicConstraintsCA !== undefined) return c.basicConstraintsCA;
  if (c.version === 1 && c.selfIssued) return true;
  return c.keyCertSign === true;
}

/** A short description of a certificate for messages: its subject, or its issuer when the subject is empty. */
export function describeCert(c: Certificate): string {
  return c.subject ? `"${c.subject}"` : `(empty subject, issued by "${c.issuer}")`;
}

const labelsOf = (labels: string[]): string => `${[...new Set(labels.map(l => `"${l}"`))].join(', ')} block${labels.length > 1 ? 's' : ''}`;

export interface FileFacts {
  /** The algorithm of the server certificate's key, when known (for the cipher checks). */
  serverKeyAlgorithm?: string;
}

export function checkTlsFiles(t: TlsContext): FileFacts {
  const facts: FileFacts = {};
  const now = t.ctx.env.now();
  const tls = t.ctx.env.tls;

  // ssl_cert: SSL_CTX_use_certificate_chain_file (first certificate, then the chain).
  let chain: Certificate[] = [];
  const cert = open(t, 'ssl_cert');
  if (cert?.text !== undefined) {
    const read = tls.readCertificates(cert.text);
    // SSL_CTX_use_certificate_chain_file reads certificate blocks only: CRL blocks are skipped undecoded.
    const pem = { ...read, broken: read.broken.filter(b => b.label !== 'X509 CRL') };
    if (pem.certificates.length === 0 || pem.broken.length) {
      t.report(TLS['ssl-cert-invalid'], cert.s, `${keyRef(cert.s)}: ${code(cert.path)} holds no loadable certificate (${describeNoCert(cert.text, pem)}), so ${OFF} ("could not load server certificate file"); point it at the PEM certificate (BEGIN CERTIFICATE).`);
    } else {
      chain = pem.certificates;
      const leaf = chain[0]!;
      facts.serverKeyAlgorithm = keyAlgorithm(leaf.publicKey);
      if (leaf.notAfter < now) {
        t.report(TLS['ssl-cert-expired'], cert.s, `The server certificate ${describeCert(leaf)} in ${code(cert.path)} expired on ${day(leaf.notAfter)}: Pgpool-II still serves it, but clients that verify the server (sslmode=verify-ca or verify-full) refuse to connect; renew it.`);
      } else if (leaf.notBefore > now) {
        t.report(TLS['ssl-cert-expired'], cert.s, `The server certificate ${describeCert(leaf)} in ${code(cert.path)} is not valid before ${day(leaf.notBefore)}: Pgpool-II serves it, but clients that verify the server refuse to connect until then; check the issuing machine's clock or reissue it.`);
      }
    }
  }

  // ssl_key: stat, S_ISREG, permissions (warning only), passphrase, SSL_CTX_check_private_key.
  const key = open(t, 'ssl_key');
  if (key) {
    checkPermissions(t, key);
    if (key.text !== undefined) {
      const k = tls.readPrivateKey(key.text);
      if (k.kind === 'invalid' && !k.block) {
        const labels = readPemBlocks(key.text).map(b => b.label);
        const holds = labels.length ? `it holds only ${labelsOf(labels)}` : /^\s*-----/.test(key.text) ? 'it has no complete PEM block' : 'it is not in PEM format';
        t.report(TLS['ssl-key-invalid'], key.s, `${keyRef(key.s)}: ${code(key.path)} holds no private key (${holds}), so ${OFF} ("could not load private key file"); point it at the PEM private key (BEGIN PRIVATE KEY).`);
      } else if (k.kind === 'invalid') {
        t.report(TLS['ssl-key-invalid'], key.s, `${keyRef(key.s)}: the ${k.block?.label ?? 'PRIVATE KEY'} block in ${code(key.path)} cannot be decoded, so ${OFF} ("could not load private key file"); replace it with an intact copy of the key.`);
      } else if (k.kind === 'encrypted') {
        const cmd = t.get('ssl_passphrase_command');
        if (!cmd || cmd.a.value === '') {
          t.report(TLS['ssl-key-encrypted'], key.s, `${keyRef(key.s)}: ${code(key.path)} is encrypted and \`ssl_passphrase_command\` is not set, so ${OFF} ("private key file … cannot be reloaded because it requires a passphrase"); set \`ssl_passphrase_command\` or store the key decrypted with mode 0600.`);
        }
      } else if (chain.length && cert && !tls.keyMatches(chain[0]!.handle, k.handle)) {
        const certAlg = keyAlgorithm(chain[0]!.publicKey), keyAlg = keyAlgorithm(k.publicKey);
        // OpenSSL compares a key with the certificate of its own type while loading it; a key of another type is
        // only caught by SSL_CTX_check_private_key (both seen with Pgpool-II 4.3.5).
        const logged = certAlg === keyAlg
          ? `"could not load private key file … key values mismatch"`
          : `"check of private key failed: no certificate assigned"`;
        t.report(TLS['ssl-key-mismatch'], key.s, `${keyRef(key.s)}: the ${keyAlg} key in ${code(key.path)} is not the key of the ${certAlg} certificate ${describeCert(chain[0]!)} in ${code(cert.path)}, so ${OFF} (${logged}); use the key the certificate was issued for.`);
      }
    }
  }

  // ssl_ca_cert: SSL_CTX_load_verify_locations + SSL_load_client_CA_file.
  const ca = open(t, 'ssl_ca_cert');
  if (ca?.text !== undefined) {
    const pem = tls.readCertificates(ca.text);
    if (pem.certificates.length === 0 || pem.broken.length) {
      t.report(TLS['ssl-cert-invalid'], ca.s, `${keyRef(ca.s)}: ${code(ca.path)} holds no loadable certificate (${describeNoCert(ca.text, pem)}), so ${OFF} ("could not load root certificate file"); point it at the CA certificate in PEM.`);
    } else {
      const cas = pem.certificates.filter(isCA);
      if (cas.length === 0) {
        const only = pem.certificates.length === 1 ? `its only certificate ${describeCert(pem.certificates[0]!)} is not` : `none of its ${pem.certificates.length} certificates is`;
        t.report(TLS['ssl-ca-cert-not-ca'], ca.s, `${keyRef(ca.s)}: in ${code(ca.path)} ${only} a CA certificate (it lacks basicConstraints CA:TRUE), so OpenSSL can verify no client certificate with it and every \`cert\` login fails; point it at the certificate of the CA that issues the client certificates.`);
      }
      for (const c of pem.certificates) {
        if (c.notAfter < now) {
          t.report(TLS['ssl-cert-expired'], ca.s, `The CA certificate ${describeCert(c)} in ${code(ca.path)} expired on ${day(c.notAfter)}, so client certificates it issued fail verification and \`cert\` logins are refused; renew it.`);
        } else if (c.notBefore > now) {
          t.report(TLS['ssl-cert-expired'], ca.s, `The CA certificate ${describeCert(c)} in ${code(ca.path)} is not valid before ${day(c.notBefore)}, so client certificates it issued fail verification until then; check the clock or reissue it.`);
        }
      }
      if (chain.length && !chainsTo(tls, chain, pem.certificates)) {
        t.report(TLS['ssl-cert-not-issued-by-ca'], ca.s, `The server certificate ${describeCert(chain[0]!)} is not issued by a certificate in ${code(ca.path)}: that file only verifies client and backend certificates, so this is allowed, but clients given the same root file (sslrootcert) will not trust Pgpool-II; check that both come from the CA you meant.`);
      }
    }
  }

  // ssl_crl_file: X509_STORE_load_locations, then CRL checks for the whole chain.
  const crl = open(t, 'ssl_crl_file');
  if (crl?.text !== undefined) {
    const pem = tls.readCertificates(crl.text);
    if (pem.crls === 0 && pem.certificates.length === 0) {
      t.report(TLS['ssl-cert-invalid'], crl.s, `${keyRef(crl.s)}: ${code(crl.path)} holds no CRL (${describeNoCert(crl.text, pem)}), so ${OFF} ("could not load SSL certificate revocation list file"); point it at the PEM CRL (BEGIN X509 CRL).`);
    } else if (pem.crls === 0) {
      t.report(TLS['ssl-cert-invalid'], crl.s, `${keyRef(crl.s)}: ${code(crl.path)} holds certificates but no CRL: OpenSSL loads it, yet with CRL checking on every client certificate fails verification ("unable to get certificate CRL"), so \`cert\` logins are refused; point it at the PEM CRL (BEGIN X509 CRL).`, { severity: 'warning' });
    }
  }
  return facts;
}

/** Pgpool-II's key permission rule (`SSL_ServerSide_init`). */
function checkPermissions(t: TlsContext, key: Opened): void {
  const st = t.ctx.env.stat(key.path);
  if (!st) return;
  const euid = t.ctx.env.euid();
  const ownedByUs = euid === undefined || st.uid === euid;
  const bad = (ownedByUs && (st.mode & 0o077) !== 0) || (st.uid === 0 && (st.mode & 0o037) !== 0);
  if (!bad) return;
  const mode = `0${(st.mode & 0o777).toString(8).padStart(3, '0')}`;
  const fix = ownedByUs ? `chmod 0600 ${key.path}` : `chmod 0640 ${key.path}`;
  t.report(TLS['ssl-key-permissions'], key.s, `${keyRef(key.s)}: ${code(key.path)} has group or world access (mode ${mode}, owner uid ${st.uid}): Pgpool-II logs a WARNING at start ("private key file … has group or world access") but still loads the key; run \`${fix}\` (0600 when the Pgpool-II user owns it, at most 0640 when root does).`);
}

/** Whether the leaf chains to one of `anchors`, through the extra certificates of the `ssl_cert` file if needed. */
function chainsTo(tls: TlsBackend, chain: Certificate[], anchors: Certificate[]): boolean {
  let current = chain[0]!;
  const intermediates = chain.slice(1);
  const sameKey = (a: Certificate, b: Certificate): boolean => a.publicKey.spkiSha256 !== undefined && a.publicKey.spkiSha256 === b.publicKey.spkiSha256;
  for (let depth = 0; depth < 8; depth++) {
    if (anchors.some(a => sameKey(a, current) && a.subject === current.subject)) return true;
    const signedBy = (c: Certificate): boolean => tls.issuedBy(current.handle, c.handle);
    if (anchors.some(signedBy)) return true;
    const next = intermediates.find(c => c !== current && signedBy(c));
    if (!next) return false;
    current = next;
  }
  return false;
}
