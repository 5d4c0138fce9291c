/**
 * The certificate policy (the X.509 room's `cert/*` rules) on the certificates pgpool.conf names: the chain Pgpool-II
 * serves (`ssl_cert`) and the CAs it verifies client certificates with (`ssl_ca_cert`). The same problem gets the
 * same rule and severity as in a Kubernetes Secret; the words say what Pgpool-II and its peers then do. Reading the
 * files and the pgpool-specific rules (missing, unloadable, encrypted key, permissions) are files.ts's.
 */
import type { Certificate, TlsBackend } from '../../../../core/tlsBackend';
import {
  CERT, certLabel, chainsTo, isCA, keyOfPublicKeyInfo, notCaReason, validityAt, weakKey, weakSignature,
} from '../../../../x509';
import { OFF, type Setting, type TlsContext, keyRef } from './context';

/**
 * A certificate file pgpool.conf names, read: the setting, the resolved path, the path for messages (with the mapping
 * that located it) and its certificates in file order.
 */
export interface CertFile { s: Setting; path: string; shown: string; certs: Certificate[] }

const day = (d: Date): string => d.toISOString().slice(0, 10);

const STRONG_KEY = 'reissue it with an RSA key of at least 2048 bits or an EC P-256 key';

/** Whether `issuer` issued `cert` by the backend (OpenSSL's `X509_check_issued` and the signature); errors count as no. */
function issuedBy(tls: TlsBackend, cert: Certificate, issuer: Certificate): boolean {
  try {
    return tls.issuedBy(cert.handle, issuer.handle);
  } catch {
    return false;
  }
}

/** A self-signed certificate: OpenSSL never checks its own signature (neither when loading nor when verifying). */
const selfSigned = (tls: TlsBackend, c: Certificate): boolean => c.selfIssued && issuedBy(tls, c, c);

/**
 * The served chain: the leaf and the certificates after it in `ssl_cert`. OpenSSL's `SSL_CTX_use_certificate_chain_file`
 * refuses a key or signature below security level 2 ("ee key too small" for the leaf, "ca key too small" for the
 * chain, "ca md too weak"), and Pgpool-II then serves no TLS; an expired or not yet valid certificate is still served,
 * but verifying clients refuse it.
 */
export function checkServedChain(t: TlsContext, f: CertFile): void {
  const tls = t.ctx.env.tls;
  const now = t.ctx.env.now();
  f.certs.forEach((c, i) => {
    const leaf = i === 0;
    const who = leaf
      ? `The server certificate ${certLabel(c)} in ${f.shown}`
      : `The chain certificate ${certLabel(c)} (certificate ${i + 1} of ${f.certs.length} in ${f.shown})`;
    const make = leaf ? '`pgtls cert server`' : '`pgtls cert ca`';
    const weak = weakKey(keyOfPublicKeyInfo(c.publicKey), 'openssl');
    if (weak) {
      t.report(CERT['weak-key'], f.s, `${who} has ${weak.key}, below OpenSSL security level 2 (the default on Debian, Ubuntu and RHEL based images): OpenSSL refuses to load it ("${leaf ? 'ee' : 'ca'} key too small"), so ${OFF}; ${STRONG_KEY} (${make}).`);
    }
    const sig = weakSignature(c.signatureAlgorithm, selfSigned(tls, c), 'openssl');
    if (sig) {
      t.report(CERT['weak-signature'], f.s, `${who} is signed with ${sig.name}, and OpenSSL 3 refuses ${sig.hash} signatures at its default security level: it does not load the certificate ("ca md too weak"), so ${OFF}; have its CA reissue it with SHA-256 (\`openssl x509 -req -sha256 …\`), or make a new one with ${make}.`);
    }
    const v = validityAt(c, now);
    const through = leaf ? '' : ' through it';
    if (v?.state === 'expired') {
      t.report(CERT.expired, f.s, `${who} expired on ${day(c.notAfter)}: Pgpool-II still serves it, but clients that verify the server${through} (sslmode=verify-ca or verify-full) refuse to connect; renew it (${make}).`);
    } else if (v?.state === 'not-yet-valid') {
      t.report(CERT['not-yet-valid'], f.s, `${who} is not valid before ${day(c.notBefore)}: Pgpool-II serves it, but clients that verify the server${through} refuse to connect until then; check the issuing machine's clock or reissue it.`);
    }
  });
}

/**
 * The client CAs in `ssl_ca_cert`: OpenSSL verifies every client certificate against them, refusing anchors and
 * intermediates below security level 2 ("ca key too small", "ca md too weak"), expired or not yet valid ones, and
 * certificates that are no CA at all; each makes the `cert` logins of the clients concerned fail. `served` is the
 * chain of `ssl_cert` (empty when unusable): a server certificate from another CA is allowed (the file verifies
 * clients, not the server), hence info, as for a Secret whose `ca.crt` is the CA of client certificates.
 */
export function checkClientCas(t: TlsContext, f: CertFile, served: readonly Certificate[]): void {
  const tls = t.ctx.env.tls;
  const now = t.ctx.env.now();
  if (!f.certs.some(isCA)) {
    const only = f.certs.length === 1
      ? `its only certificate ${certLabel(f.certs[0]!)} is not a CA certificate (${notCaReason(f.certs[0]!)})`
      : `none of its ${f.certs.length} certificates is a CA certificate (basicConstraints CA:TRUE)`;
    t.report(CERT['ca-flags'], f.s, `${keyRef(f.s)}: in ${f.shown} ${only}, so OpenSSL can verify no client certificate with it and every \`cert\` login fails; point it at the certificate of the CA that issues the client certificates.`);
  }
  for (const c of f.certs) {
    const who = `The CA certificate ${certLabel(c)} in ${f.shown}`;
    const refused = 'so every client certificate it vouches for is refused and those `cert` logins fail';
    const weak = weakKey(keyOfPublicKeyInfo(c.publicKey), 'openssl');
    if (weak) {
      t.report(CERT['weak-key'], f.s, `${who} has ${weak.key}, below OpenSSL security level 2 (the default on Debian, Ubuntu and RHEL based images): Pgpool-II loads it, but OpenSSL refuses it when verifying a client certificate ("ca key too small"), ${refused}; ${STRONG_KEY} (\`pgtls cert ca\`) and issue the client certificates again from it.`);
    }
    const sig = weakSignature(c.signatureAlgorithm, selfSigned(tls, c), 'openssl');
    if (sig) {
      t.report(CERT['weak-signature'], f.s, `${who} is signed with ${sig.name}, and OpenSSL 3 refuses ${sig.hash} signatures at its default security level: verifying a client certificate through it fails ("ca md too weak"), ${refused}; have it reissued with SHA-256, or make a new CA with \`pgtls cert ca\`.`);
    }
    const v = validityAt(c, now);
    if (v?.state === 'expired') {
      t.report(CERT.expired, f.s, `${who} expired on ${day(c.notAfter)}, so client certificates it issued fail verification and \`cert\` logins are refused; renew it.`);
    } else if (v?.state === 'not-yet-valid') {
      t.report(CERT['not-yet-valid'], f.s, `${who} is not valid before ${day(c.notBefore)}, so client certificates it issued fail verification until then; check the clock or reissue it.`);
    }
  }
  if (served.length && !chainsTo(served, f.certs, (c, i) => issuedBy(tls, c, i))) {
    t.report(CERT['not-signed-by-ca'], f.s, `The server certificate ${certLabel(served[0]!)} is not issued by a certificate in ${f.shown}: that file only verifies client and backend certificates, so this is allowed, but clients given the same root file (sslrootcert) will not trust Pgpool-II; check that both come from the CA you meant.`, { severity: 'info' });
  }
}
