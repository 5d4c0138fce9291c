/**
 * A certificate's own identity as the TLS stacks read it: an empty subject or issuer name (which the Java certificate
 * parser refuses, while OpenSSL accepts it), and OpenSSL's "self-signed" test, which looks at names and key
 * identifiers but not at the signature, so a certificate issued by a CA of the same name passes for self-signed.
 * Facts only; the severity and the words of a finding are the caller's.
 */
import type { KeyIdentifiers, PublicKeyInfo } from '../core/tlsBackend';
import { keyOfPublicKeyInfo } from './keys';
import { signatureAlgorithm } from './oids';

/**
 * A distinguished name as OpenSSL compares two of them (`X509_NAME_cmp` on the canonical encoding): attribute values
 * case-folded, runs of white space made one space, leading and trailing space dropped. Our names are RFC 4514 texts,
 * so this folds the text.
 */
export function canonicalName(dn: string): string {
  return typeof dn === 'string' ? dn.split(/(?<!\\),/).map(p => p.trim().replace(/\s+/g, ' ').toLowerCase()).join(',') : '';
}

/** Whether two distinguished names are the same name for OpenSSL. */
export const sameName = (a: string, b: string): boolean => canonicalName(a) === canonicalName(b);

/**
 * What is wrong with a certificate's names for the Java certificate parser (`sun.security.x509.X509CertInfo`, used by
 * `CertificateFactory` and JSSE, hence pgjdbc): an empty issuer ("Empty issuer DN not allowed in X509Certificates");
 * an empty subject without a subjectAltName ("subject field is empty, and SubjectAlternativeName extension is absent")
 * or with one that is not critical ("SubjectAlternativeName extension MUST be marked critical when subject field is
 * empty"). RFC 5280 §4.1.2.6 allows an empty subject only with a critical subjectAltName, and that passes. OpenSSL
 * (libpq, PostgreSQL, Pgpool-II) accepts all of them unless `-x509_strict` is asked for, which none of them does.
 * `undefined` when the names are fine or the facts are unknown.
 */
export type NameProblem = 'empty-issuer' | 'empty-subject-no-san' | 'empty-subject-san-not-critical';

export function nameProblem(c: { subject: string; issuer: string; subjectAltNames: readonly string[]; subjectAltNameCritical?: boolean | undefined }): NameProblem | undefined {
  if (c.issuer === '') return 'empty-issuer';
  if (c.subject !== '') return undefined;
  if (!Array.isArray(c.subjectAltNames) || c.subjectAltNames.length === 0) return 'empty-subject-no-san';
  if (c.subjectAltNameCritical === false) return 'empty-subject-san-not-critical';
  return undefined;
}

/**
 * A name problem in words for a message: what the certificate has, Java's own error text, what else fails, and the fix.
 * `selfIssued`: the certificate is its own issuer (a CA without a name has an empty issuer because it has no subject).
 */
export function nameProblemText(p: NameProblem, selfIssued = false): { what: string; java: string; also: string; fix: string } {
  switch (p) {
    case 'empty-issuer': return {
      what: 'an empty issuer name', java: 'Empty issuer DN not allowed in X509Certificates', also: '',
      fix: selfIssued ? 'make it again with a subject name (a CN)' : 'its CA has no subject name: make the CA again with one and issue this certificate from it',
    };
    case 'empty-subject-no-san': return {
      what: 'an empty subject name and no subjectAltName', java: 'subject field is empty, and SubjectAlternativeName extension is absent',
      also: ' (and libpq with sslmode=verify-full finds no host name in it)', fix: 'reissue it with a subject name (a CN) and a subjectAltName',
    };
    case 'empty-subject-san-not-critical': return {
      what: 'an empty subject name with a subjectAltName that is not marked critical',
      java: 'SubjectAlternativeName extension MUST be marked critical when subject field is empty', also: '',
      fix: 'reissue it with a subject name (a CN), or mark the subjectAltName critical (`subjectAltName=critical,DNS:…`)',
    };
  }
}

/** Whether a signature algorithm is one a key of this type makes (OpenSSL's `check_sig_alg_match`). */
function signatureFitsKey(signature: string, key: PublicKeyInfo): boolean {
  const sig = signatureAlgorithm(signature);
  if (!sig) return false; // OpenSSL: X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM, so not self-signed
  const type = keyOfPublicKeyInfo(key).type;
  if (sig.key === 'RSA-PSS') return type === 'RSA' || type === 'RSA-PSS';
  return sig.key === type;
}

const sameHex = (a: string, b: string): boolean => a.replace(/^0+/, '').toLowerCase() === b.replace(/^0+/, '').toLowerCase();

/**
 * OpenSSL 3's "self-signed" flag (`EXFLAG_SS`, set in `ossl_x509v3_cache_extensions`): the subject name equals the
 * issuer name, the authorityKeyIdentifier (if any) does not contradict the certificate's own subjectKeyIdentifier,
 * serial and issuer, and the signature algorithm fits the certificate's own key type. The signature itself is NOT
 * checked, and neither is the keyUsage (OpenSSL 1.1.1 also wanted keyCertSign). `X509_verify_cert` then treats such a
 * certificate as a root: one that is not itself in the trust store fails with "self-signed certificate" (depth 0) or
 * "self-signed certificate in certificate chain". `undefined` when the key identifiers are unknown.
 */
export function opensslSelfSigned(c: {
  subject: string; issuer: string; signatureAlgorithm: string; publicKey: PublicKeyInfo; keyIds?: KeyIdentifiers | undefined;
}): boolean | undefined {
  if (!sameName(c.subject, c.issuer)) return false;
  const ids = c.keyIds;
  if (!ids) return undefined;
  // X509_check_akid(x, x->akid): each part of the AKID that is present must match the certificate itself.
  if (ids.authority !== undefined && ids.subject !== undefined && !sameHex(ids.authority, ids.subject)) return false;
  if (ids.authoritySerial !== undefined && !sameHex(ids.authoritySerial, ids.serial)) return false;
  if (ids.authorityIssuer !== undefined && !sameName(ids.authorityIssuer, c.issuer)) return false;
  return signatureFitsKey(c.signatureAlgorithm, c.publicKey);
}

/**
 * A certificate OpenSSL takes for self-signed although another key signed it: named like its issuer (the CA was given
 * the server's name, or an intermediate the root's). `selfSigned` is whether its own key verifies its signature (the
 * backend's `signedBy(c, c)`, asked only when the names agree); a truly self-signed certificate is what it seems.
 */
export function mistakenForSelfSigned(c: Parameters<typeof opensslSelfSigned>[0], selfSigned: () => boolean): boolean {
  return opensslSelfSigned(c) === true && !selfSigned();
}

/**
 * The positions of a served chain (`ssl_cert`, `tls.crt`: the leaf first) that a verifying peer walks: the leaf, then
 * each certificate named as the issuer of the last one taken. Extras sent along (an unrelated CA, the root's twin) are
 * loaded but never verified, so checks of verification (usage, names) ask only these; key and signature strength apply
 * to every certificate loaded.
 */
export function chainPath(certs: readonly { subject: string; issuer: string }[]): Set<number> {
  const path = new Set<number>();
  if (!certs.length) return path;
  path.add(0);
  let last = 0;
  for (let i = 1; i < certs.length; i++) {
    if (sameName(certs[last]!.issuer, certs[i]!.subject) && !sameName(certs[last]!.subject, certs[last]!.issuer)) {
      path.add(i);
      last = i;
    }
  }
  return path;
}
