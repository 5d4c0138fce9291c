/**
 * Existing material as input: an existing CA (certificate + key) to issue more leaves from, a description of a
 * private-key file that never shows the key, and the check that a key belongs to a certificate. Pure: text or bytes
 * in, WebCrypto injected; the CLI reads the files. Every error is a CertError that names what is wrong with the
 * file, never its contents.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { ECParameters, ECPrivateKey, id_ecPublicKey } from '@peculiar/asn1-ecc';
import { PrivateKey, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { RSAPrivateKey, RSAPublicKey, id_rsaEncryption } from '@peculiar/asn1-rsa';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { X509Certificate } from '@peculiar/x509';
import { x509 } from './x509lib';
import { EDDSA_BITS, bitLength, curveOfOid, issuerProblem, keyTypeOfOid, validityAt, weakKey } from '../x509';
import { CertError, algorithmSpec, type KeyAlgorithm } from './algorithms';
import type { CertificateAuthority } from './generate';
import { equalBytes, pemDecodeAll, pemEncode } from './keys';

export interface KeyDescription {
  /** The PEM label (`PRIVATE KEY`, `RSA PRIVATE KEY` ...), or `DER` for a binary file. */
  label: string;
  /** `PKCS#8`, `PKCS#1`, `SEC1`, `encrypted PKCS#8`, `legacy encrypted PEM`, `public key (SPKI)`. */
  format: string;
  type: 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'unknown';
  bits?: number;
  curve?: string;
  /** Private (or encrypted private) key, as opposed to a public key. */
  private: boolean;
  encrypted: boolean;
  /** Weak or legacy properties, one sentence each. */
  problems: string[];
}

/** Describes every key block of a PEM text (or a DER PKCS#8 `.pk8` file): type, size, format. Never the key itself. */
export function describeKeys(input: string | Uint8Array): KeyDescription[] {
  if (typeof input !== 'string') return [describePkcs8(new Uint8Array(input), 'DER', 'PKCS#8 (DER)')];
  const out: KeyDescription[] = [];
  for (const m of input.matchAll(/-----BEGIN ([A-Z0-9 ]*?(?:PRIVATE KEY|PUBLIC KEY))-----([\s\S]*?)-----END \1-----/g)) {
    const label = m[1]!;
    const body = m[2]!;
    if (/Proc-Type:\s*4,\s*ENCRYPTED/.test(body)) {
      const cipher = /DEK-Info:\s*([A-Z0-9-]+)/.exec(body)?.[1] ?? 'an unknown cipher';
      const problems = ['legacy PEM encryption derives its key with a single MD5 round; re-encrypt with "openssl pkey -aes256" (PKCS#8) or store the key unencrypted with mode 0600'];
      if (/^DES-/.test(cipher)) problems.unshift(`encrypted with ${cipher}, a cipher with a 56-bit (DES) or 112-bit (3DES) key that OpenSSL 3 no longer offers by default`);
      out.push({ label, format: 'legacy encrypted PEM', type: label.startsWith('RSA') ? 'RSA' : label.startsWith('EC') ? 'EC' : 'unknown', private: true, encrypted: true, problems });
      continue;
    }
    const der = pemDecodeAll(m[0], label)[0];
    if (!der) continue;
    if (label === 'PRIVATE KEY') out.push(describePkcs8(der, label, 'PKCS#8'));
    else if (label === 'ENCRYPTED PRIVATE KEY') out.push({ label, format: 'encrypted PKCS#8', type: 'unknown', private: true, encrypted: true, problems: [] });
    else if (label === 'RSA PRIVATE KEY') out.push(withStrength({ label, format: 'PKCS#1', type: 'RSA', ...rsaBits(der), private: true, encrypted: false, problems: [] }));
    else if (label === 'EC PRIVATE KEY') out.push(withStrength({ label, format: 'SEC1', type: 'EC', ...sec1Curve(der), private: true, encrypted: false, problems: [] }));
    else if (label === 'PUBLIC KEY') out.push(describeSpki(der, label));
    else out.push({ label, format: label, type: 'unknown', private: label.includes('PRIVATE'), encrypted: false, problems: [] });
  }
  return out;
}

function describePkcs8(der: Uint8Array<ArrayBuffer>, label: string, format: string): KeyDescription {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(der, PrivateKeyInfo);
  } catch {
    throw new CertError(`not a PKCS#8 private key (${label} block could not be parsed)`);
  }
  const oid = info.privateKeyAlgorithm.algorithm;
  const base = { label, format, private: true, encrypted: false, problems: [] as string[] };
  const key = keyOf(oid, info.privateKeyAlgorithm.parameters ?? undefined, () => rsaBits(new Uint8Array(info.privateKey.buffer)));
  return key.type === 'unknown' ? { ...base, type: 'unknown', problems: [`unknown key algorithm ${oid}`] } : withStrength({ ...base, ...key });
}

function describeSpki(der: Uint8Array<ArrayBuffer>, label: string): KeyDescription {
  const base = { label, format: 'public key (SPKI)', private: false, encrypted: false, problems: [] as string[] };
  try {
    const spki = AsnConvert.parse(der, SubjectPublicKeyInfo);
    const modulus = () => ({ bits: bitLength(new Uint8Array(AsnConvert.parse(spki.subjectPublicKey, RSAPublicKey).modulus)) });
    return withStrength({ ...base, ...keyOf(spki.algorithm.algorithm, spki.algorithm.parameters ?? undefined, modulus) });
  } catch {
    throw new CertError('not a valid public key (PUBLIC KEY block could not be parsed)');
  }
}

/** Type, size and curve of a key from its algorithm OID, its parameters (EC) and its modulus (RSA, read on demand). */
function keyOf(oid: string, params: ArrayBuffer | undefined, rsa: () => { bits?: number }): Pick<KeyDescription, 'type' | 'bits' | 'curve'> {
  const type = keyTypeOfOid(oid);
  switch (type) {
    case 'RSA': case 'RSA-PSS': return { type, ...rsa() };
    case 'EC': return { type, ...curveOf(params) };
    case 'Ed25519': case 'Ed448': return { type, bits: EDDSA_BITS[type] };
    default: return { type: 'unknown' };
  }
}

/** Adds the weakness the strength table's `pgtls` column sees, if any. */
function withStrength(d: KeyDescription): KeyDescription {
  const weak = weakKey(d, 'pgtls');
  if (weak) d.problems.push(weak.problem);
  return d;
}

function rsaBits(pkcs1: Uint8Array): { bits?: number } {
  try {
    return { bits: bitLength(new Uint8Array(AsnConvert.parse(pkcs1, RSAPrivateKey).modulus)) };
  } catch {
    throw new CertError('the RSA private key is malformed');
  }
}

function sec1Curve(der: Uint8Array): { curve?: string; bits?: number } {
  try {
    const oid = AsnConvert.parse(der, ECPrivateKey).parameters?.namedCurve;
    return oid ? curveOfOid(oid) : {};
  } catch {
    throw new CertError('the EC private key is malformed');
  }
}

function curveOf(params: ArrayBuffer | undefined): { curve?: string; bits?: number } {
  if (!params) return {};
  try {
    const oid = AsnConvert.parse(params, ECParameters).namedCurve;
    return oid ? curveOfOid(oid) : { curve: 'explicit parameters' };
  } catch {
    return { curve: 'unparsable parameters' };
  }
}

// --- importing keys ---------------------------------------------------------------------------------------------

/**
 * The PKCS#8 DER of the first private key in a PEM text: `PRIVATE KEY` as is, `RSA PRIVATE KEY` (PKCS#1) and
 * `EC PRIVATE KEY` (SEC1, what `openssl ecparam -genkey` writes) wrapped into PKCS#8. Encrypted keys are refused.
 */
export function privateKeyToPkcs8(pem: string): Uint8Array<ArrayBuffer> {
  const desc = describeKeys(pem).find(d => d.private);
  if (!desc) throw new CertError('no private key found (expected a PEM "PRIVATE KEY", "RSA PRIVATE KEY" or "EC PRIVATE KEY" block)');
  if (desc.encrypted) throw new CertError('the private key is encrypted; pgtls needs it unencrypted (decrypt a copy with "openssl pkey -in KEY -out PLAIN.key")');
  const der = pemDecodeAll(pem, desc.label)[0]!;
  if (desc.label === 'PRIVATE KEY') return der;
  if (desc.label === 'RSA PRIVATE KEY') {
    return new Uint8Array(AsnConvert.serialize(new PrivateKeyInfo({
      privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm: id_rsaEncryption, parameters: null }),
      privateKey: new PrivateKey(der),
    })));
  }
  if (desc.label === 'EC PRIVATE KEY') {
    const sec1 = AsnConvert.parse(der, ECPrivateKey);
    const curve = sec1.parameters?.namedCurve;
    if (!curve) throw new CertError('the EC private key names no curve; convert it with "openssl pkey" first');
    return new Uint8Array(AsnConvert.serialize(new PrivateKeyInfo({
      privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters: AsnConvert.serialize(new ECParameters({ namedCurve: curve })) }),
      privateKey: new PrivateKey(der),
    })));
  }
  throw new CertError(`unsupported private key format ${desc.label}`);
}

/** The pgtls algorithm of a certificate's public key, or a CertError for keys pgtls does not issue with. */
export function certificateAlgorithm(cert: X509Certificate): KeyAlgorithm {
  const alg = cert.publicKey.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  if (alg.name === 'ECDSA' || alg.name === 'ECDH') {
    if (alg.namedCurve === 'P-256') return 'ecdsa-p256';
    if (alg.namedCurve === 'P-384') return 'ecdsa-p384';
    throw new CertError(`the CA key is on curve ${alg.namedCurve ?? 'unknown'}; pgtls issues from P-256, P-384, RSA 2048/3072/4096 and Ed25519 CAs`);
  }
  if (alg.name === 'Ed25519') return 'ed25519';
  if (alg.name.startsWith('RSA')) {
    const bits = alg.modulusLength ?? 0;
    if (bits === 2048 || bits === 3072 || bits === 4096) return `rsa-${bits}`;
    const weak = weakKey({ type: 'RSA', bits }, 'pgtls');
    if (weak) throw new CertError(`the CA has an ${weak.problem}, so pgtls will not issue from it`);
    throw new CertError(`the CA has an RSA key of ${bits} bits; pgtls issues from RSA 2048, 3072 and 4096 CAs`);
  }
  throw new CertError(`the CA key algorithm ${alg.name} is not supported`);
}

function importParams(algorithm: KeyAlgorithm): Algorithm | EcKeyImportParams | RsaHashedImportParams {
  const spec = algorithmSpec(algorithm);
  if (spec.family === 'ECDSA') return { name: 'ECDSA', namedCurve: algorithm === 'ecdsa-p384' ? 'P-384' : 'P-256' } as EcKeyImportParams;
  if (spec.family === 'RSA') return { name: 'RSASSA-PKCS1-v1_5', hash: spec.defaultHash ?? 'SHA-256' } as RsaHashedImportParams;
  return { name: 'Ed25519' };
}

function signParams(algorithm: KeyAlgorithm): Algorithm | EcdsaParams {
  const spec = algorithmSpec(algorithm);
  if (spec.family === 'ECDSA') return { name: 'ECDSA', hash: spec.defaultHash ?? 'SHA-256' } as EcdsaParams;
  return { name: spec.family === 'RSA' ? 'RSASSA-PKCS1-v1_5' : 'Ed25519' };
}

/** Whether the private key in `keyPem` belongs to `cert` (a signature made with it verifies with the certificate's key). */
export async function keyMatchesCertificate(cert: X509Certificate, keyPem: string, crypto: Crypto): Promise<boolean> {
  const algorithm = certificateAlgorithm(cert);
  const { privateKey } = await importKeyPair(cert, privateKeyToPkcs8(keyPem), algorithm, crypto, false);
  const publicKey = await crypto.subtle.importKey('spki', cert.publicKey.rawData, importParams(algorithm), true, ['verify']);
  const probe = crypto.getRandomValues(new Uint8Array(32));
  const sig = await crypto.subtle.sign(signParams(algorithm), privateKey, probe);
  return crypto.subtle.verify(signParams(algorithm), publicKey, sig, probe);
}

async function importKeyPair(cert: X509Certificate, pk8: Uint8Array<ArrayBuffer>, algorithm: KeyAlgorithm, crypto: Crypto, extractable: boolean): Promise<CryptoKeyPair> {
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey('pkcs8', pk8, importParams(algorithm), extractable, ['sign']);
  } catch {
    throw new CertError(`the private key is not of the certificate's key type (${algorithmSpec(algorithm).label})`);
  }
  const publicKey = await crypto.subtle.importKey('spki', cert.publicKey.rawData, importParams(algorithm), true, ['verify']);
  return { privateKey, publicKey };
}

/**
 * Loads an existing CA to issue leaves from: the first certificate of `certPem` is the CA (any further ones are its
 * chain up to, not including, the root), `keyPem` its key (PKCS#8, PKCS#1 or SEC1, unencrypted). Refuses a
 * certificate that is not a usable CA at `now` (`allowInvalidDates`: an expired or not yet valid one is taken, for
 * negative tests; what it issues is cut to its validity as always) and a key that does not belong to it.
 */
export async function loadCertificateAuthority(
  certPem: string, keyPem: string, now: Date, crypto: Crypto, opts: { allowInvalidDates?: boolean } = {},
): Promise<CertificateAuthority> {
  const ders = pemDecodeAll(certPem, 'CERTIFICATE');
  if (ders.length === 0) {
    throw new CertError(/PRIVATE KEY-----/.test(certPem) ? 'the CA certificate file holds a private key, not a certificate' : 'the CA certificate file has no PEM "CERTIFICATE" block');
  }
  let cert: X509Certificate;
  try {
    cert = new (x509().X509Certificate)(ders[0]!);
  } catch {
    throw new CertError('the CA certificate could not be parsed');
  }
  const bc = cert.getExtension(x509().BasicConstraintsExtension);
  const ku = cert.getExtension(x509().KeyUsagesExtension);
  const problem = issuerProblem({ basicConstraintsCA: bc?.ca, keyCertSign: ku ? (ku.usages & x509().KeyUsageFlags.keyCertSign) !== 0 : undefined });
  // (`!bc` is implied by 'not-ca'; it tells the type checker that `bc` is there below.)
  if (problem === 'not-ca' || !bc) throw new CertError('the CA certificate is not a CA (basicConstraints CA:TRUE is missing); it cannot sign certificates');
  if (problem === 'no-key-cert-sign') throw new CertError('the CA certificate\'s key usage lacks keyCertSign; it cannot sign certificates');
  if (!cert.getExtension(x509().SubjectKeyIdentifierExtension)) {
    throw new CertError('the CA certificate has no subject key identifier; OpenSSL\'s strict verification rejects such CAs, so create a new one with "pgtls cert ca"');
  }
  const validity = validityAt(cert, now)?.state;
  const dates = ' (to issue from it anyway for a negative test, pass --allow-invalid-dates)';
  if (validity === 'expired' && !opts.allowInvalidDates) throw new CertError(`the CA certificate expired on ${cert.notAfter.toISOString()}${dates}`);
  if (validity === 'not-yet-valid' && !opts.allowInvalidDates) throw new CertError(`the CA certificate is not valid before ${cert.notBefore.toISOString()}${dates}`);
  const algorithm = certificateAlgorithm(cert);
  const pk8 = privateKeyToPkcs8(keyPem);
  const keys = await importKeyPair(cert, pk8, algorithm, crypto, true);
  if (!(await keyMatchesCertificate(cert, keyPem, crypto))) throw new CertError('the CA key does not belong to the CA certificate');
  const selfIssued = equalBytes(cert.subjectName.toArrayBuffer(), cert.issuerName.toArrayBuffer());
  const chain = selfIssued ? [] : ders.map(d => new (x509().X509Certificate)(d));
  const certPemOut = pemEncode(cert.rawData, 'CERTIFICATE');
  return {
    algorithm, cert, certPem: certPemOut,
    chainPem: chain.length ? chain.map(c => pemEncode(c.rawData, 'CERTIFICATE')).join('') : certPemOut,
    keys, keyPem, pk8Der: pk8,
    hash: algorithmSpec(algorithm).defaultHash,
    // No pathLenConstraint means no limit; 10 is the most the generator will ever ask for.
    pathLength: bc.pathLength ?? 10,
    chain,
  };
}
