/**
 * Reads a certificate into a structured description and a text rendering in the spirit of `openssl x509 -text`,
 * for hovers, the CLI and the file checks. Pure: the caller passes `now` (for the validity status) and a WebCrypto
 * `Crypto` (for the SHA-256 fingerprint). The strength policy is the generator's (algorithms.ts), so what pgtls
 * refuses to create is exactly what it flags here.
 *
 * Input that is not a certificate is refused with a CertError that never quotes the input: a user may point a
 * setting at a private key by mistake.
 */
import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { ECParameters } from '@peculiar/asn1-ecc';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
} from '@peculiar/x509';
import { CertError, MIN_RSA_BITS, WEAK_HASHES } from './algorithms';
import { pemDecodeAll, toBytes } from './keys';

export type KeyUsageName =
  | 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement'
  | 'keyCertSign' | 'cRLSign' | 'encipherOnly' | 'decipherOnly';

export interface PublicKeyDescription {
  type: 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'unknown';
  /** Modulus size for RSA, field size for EC/EdDSA. */
  bits?: number;
  /** Named curve for EC keys: P-256, P-384, P-521, secp256k1, or the OID. */
  curve?: string;
  oid: string;
}

export interface CertificateDescription {
  subject: string;
  issuer: string;
  /** The subject CN (what cert authentication compares with the user name); undefined when absent. */
  commonName?: string;
  /** Subject and issuer names are identical (a root, or a self-issued certificate). */
  selfIssued: boolean;
  /** Lower-case hex, without leading zero octets. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  validity: 'valid' | 'not-yet-valid' | 'expired';
  /** Whole days from `now` to notAfter (negative once expired). */
  daysLeft: number;
  publicKey: PublicKeyDescription;
  signatureAlgorithm: { oid: string; name: string; hash?: string };
  subjectAltNames: { dns: string[]; ip: string[]; email: string[]; uri: string[]; other: string[] };
  basicConstraints?: { critical: boolean; ca: boolean; pathLength?: number };
  keyUsage?: { critical: boolean; usages: KeyUsageName[] };
  /** Short names (`serverAuth`, `clientAuth` ...) or dotted OIDs for unknown purposes. */
  extendedKeyUsage?: { critical: boolean; usages: string[] };
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** `AB:CD:...`, the form `openssl x509 -fingerprint -sha256` prints. */
  fingerprintSha256: string;
  /** Weak or contradictory content and validity, one sentence each; empty when nothing is wrong. */
  problems: string[];
  /** A multi-line rendering like `openssl x509 -text -noout`, without the key and signature bytes. */
  text: string;
}

const DAY_MS = 86_400_000;

/** Describes the first certificate of a PEM text (or a DER certificate). */
export async function describeCertificate(pemOrDer: string | BufferSource, now: Date, crypto: Crypto): Promise<CertificateDescription> {
  const ders = certificateDers(pemOrDer);
  return describeDer(ders[0], now, crypto);
}

/** Describes every certificate of a PEM chain file (leaf first, as `ssl_cert` holds them). */
export async function describeCertificates(pemOrDer: string | BufferSource, now: Date, crypto: Crypto): Promise<CertificateDescription[]> {
  const out: CertificateDescription[] = [];
  for (const der of certificateDers(pemOrDer)) out.push(await describeDer(der, now, crypto));
  return out;
}

function certificateDers(input: string | BufferSource): Uint8Array<ArrayBuffer>[] {
  if (typeof input !== 'string') return [toBytes(input)];
  const ders = pemDecodeAll(input, 'CERTIFICATE');
  if (ders.length > 0) return ders;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(input)) throw new CertError('this is a private key, not a certificate');
  throw new CertError('no PEM "CERTIFICATE" block found');
}

async function describeDer(der: Uint8Array<ArrayBuffer>, now: Date, crypto: Crypto): Promise<CertificateDescription> {
  let cert: X509Certificate;
  let asn: Certificate;
  try {
    asn = AsnConvert.parse(der, Certificate);
    cert = new X509Certificate(der);
  } catch {
    throw new CertError('not a valid X.509 certificate (DER could not be parsed)');
  }
  const tbs = asn.tbsCertificate;
  const publicKey = describePublicKey(tbs.subjectPublicKeyInfo.algorithm.algorithm, tbs.subjectPublicKeyInfo.algorithm.parameters, tbs.subjectPublicKeyInfo.subjectPublicKey);
  const sigOid = asn.signatureAlgorithm.algorithm;
  const signatureAlgorithm = { oid: sigOid, ...(SIGNATURE_ALGORITHMS[sigOid] ?? { name: sigOid }) };

  const san = { dns: [] as string[], ip: [] as string[], email: [] as string[], uri: [] as string[], other: [] as string[] };
  let basicConstraints: CertificateDescription['basicConstraints'];
  let keyUsage: CertificateDescription['keyUsage'];
  let extendedKeyUsage: CertificateDescription['extendedKeyUsage'];
  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  try {
    const sanExt = cert.getExtension(SubjectAlternativeNameExtension);
    for (const n of sanExt?.names.items ?? []) {
      if (n.type === 'dns') san.dns.push(n.value);
      else if (n.type === 'ip') san.ip.push(n.value);
      else if (n.type === 'email') san.email.push(n.value);
      else if (n.type === 'url') san.uri.push(n.value);
      else san.other.push(`${n.type}:${n.value}`);
    }
    const bc = cert.getExtension(BasicConstraintsExtension);
    if (bc) basicConstraints = { critical: bc.critical, ca: bc.ca, ...(bc.pathLength !== undefined ? { pathLength: bc.pathLength } : {}) };
    const ku = cert.getExtension(KeyUsagesExtension);
    if (ku) keyUsage = { critical: ku.critical, usages: KEY_USAGES.filter(([, flag]) => (ku.usages & flag) !== 0).map(([name]) => name) };
    const eku = cert.getExtension(ExtendedKeyUsageExtension);
    if (eku) extendedKeyUsage = { critical: eku.critical, usages: Array.from(eku.usages, u => EKU_NAMES[String(u)]?.[0] ?? String(u)) };
    subjectKeyId = cert.getExtension(SubjectKeyIdentifierExtension)?.keyId;
    authorityKeyId = cert.getExtension(AuthorityKeyIdentifierExtension)?.keyId;
  } catch {
    throw new CertError('the certificate has a malformed extension');
  }

  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  const notBefore = cert.notBefore;
  const notAfter = cert.notAfter;
  const validity = now < notBefore ? 'not-yet-valid' : now > notAfter ? 'expired' : 'valid';
  const subject = cert.subject;
  const issuer = cert.issuer;
  const selfIssued = equalBytes(cert.subjectName.toArrayBuffer(), cert.issuerName.toArrayBuffer());
  const d: Omit<CertificateDescription, 'text' | 'problems'> = {
    subject,
    issuer,
    ...(cert.subjectName.getField('CN')[0] !== undefined ? { commonName: cert.subjectName.getField('CN')[0] } : {}),
    selfIssued,
    serialNumber: cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''),
    notBefore,
    notAfter,
    validity,
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    publicKey,
    signatureAlgorithm,
    subjectAltNames: san,
    ...(basicConstraints ? { basicConstraints } : {}),
    ...(keyUsage ? { keyUsage } : {}),
    ...(extendedKeyUsage ? { extendedKeyUsage } : {}),
    ...(subjectKeyId ? { subjectKeyId } : {}),
    ...(authorityKeyId ? { authorityKeyId } : {}),
    fingerprintSha256: colonHex(digest).toUpperCase(),
  };
  const problems = findProblems(d, now);
  return { ...d, problems, text: renderCertificateText({ ...d, problems }) };
}

function describePublicKey(oid: string, params: ArrayBuffer | null | undefined, key: ArrayBuffer): PublicKeyDescription {
  try {
    switch (oid) {
      case '1.2.840.113549.1.1.1':
      case '1.2.840.113549.1.1.10': {
        const rsa = AsnConvert.parse(key, RSAPublicKey);
        return { type: oid.endsWith('.10') ? 'RSA-PSS' : 'RSA', bits: bitLength(new Uint8Array(rsa.modulus)), oid };
      }
      case '1.2.840.10045.2.1': {
        const curveOid = params ? AsnConvert.parse(params, ECParameters).namedCurve : undefined;
        const curve = curveOid ? CURVES[curveOid] ?? { name: curveOid, bits: undefined } : { name: 'explicit parameters', bits: undefined };
        return { type: 'EC', curve: curve.name, ...(curve.bits ? { bits: curve.bits } : {}), oid };
      }
      case '1.3.101.112': return { type: 'Ed25519', bits: 256, oid };
      case '1.3.101.113': return { type: 'Ed448', bits: 456, oid };
    }
  } catch {
    // fall through: an unparsable key is reported as unknown rather than failing the whole description
  }
  return { type: 'unknown', oid };
}

function findProblems(d: Omit<CertificateDescription, 'text' | 'problems'>, now: Date): string[] {
  const p: string[] = [];
  const isCa = d.basicConstraints?.ca === true;
  if (d.validity === 'expired') p.push(`expired on ${iso(d.notAfter)}`);
  if (d.validity === 'not-yet-valid') p.push(`not valid before ${iso(d.notBefore)} (it is ${iso(now)} now)`);
  const hash = d.signatureAlgorithm.hash;
  // Nobody checks the signature of a self-signed trust anchor, so a SHA-1 root is harmless; anything else is forgeable.
  if (hash && WEAK_HASHES.includes(hash) && !(isCa && d.selfIssued)) {
    p.push(`signed with ${d.signatureAlgorithm.name}: ${hash} is broken and OpenSSL 3 refuses such signatures at its default security level`);
  }
  if ((d.publicKey.type === 'RSA' || d.publicKey.type === 'RSA-PSS') && d.publicKey.bits !== undefined && d.publicKey.bits < MIN_RSA_BITS) {
    p.push(`RSA key of ${d.publicKey.bits} bits; at least ${MIN_RSA_BITS} are required`);
  }
  const nonRsa = d.publicKey.type === 'EC' || d.publicKey.type === 'Ed25519' || d.publicKey.type === 'Ed448';
  const encipher = d.keyUsage?.usages.filter(u => u === 'keyEncipherment' || u === 'dataEncipherment') ?? [];
  if (nonRsa && encipher.length > 0) {
    p.push(`key usage ${encipher.join(' and ')} is set for a ${d.publicKey.type} key, which cannot encipher (RFC 8813, RFC 8410); strict clients reject the certificate`);
  }
  if (isCa && d.keyUsage && !d.keyUsage.usages.includes('keyCertSign')) {
    p.push('a CA certificate whose key usage lacks keyCertSign cannot sign certificates');
  }
  if (d.publicKey.type === 'EC' && (d.publicKey.bits === undefined || d.publicKey.bits < 256)) {
    p.push(`EC key on ${d.publicKey.curve}; use P-256 or P-384`);
  }
  return p;
}

/** The text form: the fields `openssl x509 -text -noout` prints, minus the key and signature bytes. */
export function renderCertificateText(d: Omit<CertificateDescription, 'text'>): string {
  const L: string[] = [];
  const key = d.publicKey;
  const keyText = key.type === 'EC' ? `EC ${key.curve}${key.bits ? ` (${key.bits} bit)` : ''}`
    : key.type === 'unknown' ? `unknown (${key.oid})` : `${key.type}${key.bits ? ` (${key.bits} bit)` : ''}`;
  const status = d.validity === 'valid' ? `valid, ${d.daysLeft} day${d.daysLeft === 1 ? '' : 's'} left`
    : d.validity === 'expired' ? 'EXPIRED' : 'NOT YET VALID';
  L.push('Certificate:');
  L.push(`    Subject: ${d.subject}`);
  L.push(`    Issuer: ${d.issuer}${d.selfIssued ? ' (self-issued)' : ''}`);
  L.push(`    Serial Number: ${colonHex(hexBytes(d.serialNumber))}`);
  L.push('    Validity');
  L.push(`        Not Before: ${iso(d.notBefore)}`);
  L.push(`        Not After : ${iso(d.notAfter)}  (${status})`);
  L.push(`    Public Key: ${keyText}`);
  L.push(`    Signature Algorithm: ${d.signatureAlgorithm.name}`);
  const ext: string[] = [];
  if (d.basicConstraints) {
    ext.push(`        X509v3 Basic Constraints:${d.basicConstraints.critical ? ' critical' : ''}`);
    ext.push(`            CA:${d.basicConstraints.ca ? 'TRUE' : 'FALSE'}${d.basicConstraints.pathLength !== undefined ? `, pathlen:${d.basicConstraints.pathLength}` : ''}`);
  }
  if (d.keyUsage) {
    ext.push(`        X509v3 Key Usage:${d.keyUsage.critical ? ' critical' : ''}`);
    ext.push(`            ${d.keyUsage.usages.map(u => KEY_USAGE_LABELS[u]).join(', ')}`);
  }
  if (d.extendedKeyUsage) {
    ext.push(`        X509v3 Extended Key Usage:${d.extendedKeyUsage.critical ? ' critical' : ''}`);
    ext.push(`            ${d.extendedKeyUsage.usages.map(u => EKU_LABELS[u] ?? u).join(', ')}`);
  }
  const s = d.subjectAltNames;
  const sans = [...s.dns.map(v => `DNS:${v}`), ...s.ip.map(v => `IP Address:${v}`), ...s.email.map(v => `email:${v}`), ...s.uri.map(v => `URI:${v}`), ...s.other];
  if (sans.length) {
    ext.push('        X509v3 Subject Alternative Name:');
    ext.push(`            ${sans.join(', ')}`);
  }
  if (d.subjectKeyId) ext.push('        X509v3 Subject Key Identifier:', `            ${colonHex(hexBytes(d.subjectKeyId)).toUpperCase()}`);
  if (d.authorityKeyId) ext.push('        X509v3 Authority Key Identifier:', `            ${colonHex(hexBytes(d.authorityKeyId)).toUpperCase()}`);
  if (ext.length) L.push('    X509v3 extensions:', ...ext);
  L.push(`    SHA-256 Fingerprint: ${d.fingerprintSha256}`);
  if (d.problems.length) L.push('    Problems:', ...d.problems.map(p => `        - ${p}`));
  return L.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------

const KEY_USAGES: [KeyUsageName, number][] = [
  ['digitalSignature', 1], ['nonRepudiation', 2], ['keyEncipherment', 4], ['dataEncipherment', 8], ['keyAgreement', 16],
  ['keyCertSign', 32], ['cRLSign', 64], ['encipherOnly', 128], ['decipherOnly', 256],
];

/** openssl's labels, so the text reads like `openssl x509 -text`. */
const KEY_USAGE_LABELS: Record<KeyUsageName, string> = {
  digitalSignature: 'Digital Signature', nonRepudiation: 'Non Repudiation', keyEncipherment: 'Key Encipherment',
  dataEncipherment: 'Data Encipherment', keyAgreement: 'Key Agreement', keyCertSign: 'Certificate Sign',
  cRLSign: 'CRL Sign', encipherOnly: 'Encipher Only', decipherOnly: 'Decipher Only',
};

const EKU_NAMES: Record<string, [string, string]> = {
  '1.3.6.1.5.5.7.3.1': ['serverAuth', 'TLS Web Server Authentication'],
  '1.3.6.1.5.5.7.3.2': ['clientAuth', 'TLS Web Client Authentication'],
  '1.3.6.1.5.5.7.3.3': ['codeSigning', 'Code Signing'],
  '1.3.6.1.5.5.7.3.4': ['emailProtection', 'E-mail Protection'],
  '1.3.6.1.5.5.7.3.8': ['timeStamping', 'Time Stamping'],
  '1.3.6.1.5.5.7.3.9': ['OCSPSigning', 'OCSP Signing'],
  '2.5.29.37.0': ['anyExtendedKeyUsage', 'Any Extended Key Usage'],
};
const EKU_LABELS: Record<string, string> = Object.fromEntries(Object.values(EKU_NAMES));

/** Signature algorithm OIDs with openssl's names and the hash they use. */
const SIGNATURE_ALGORITHMS: Record<string, { name: string; hash?: string }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'MD2' },
  '1.2.840.113549.1.1.3': { name: 'md4WithRSAEncryption', hash: 'MD4' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'MD5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'SHA-1' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'SHA-512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'SHA-224' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'SHA-1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'SHA-224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'SHA-512' },
  '1.2.840.10040.4.3': { name: 'dsa_with_SHA1', hash: 'SHA-1' },
  '1.3.101.112': { name: 'ED25519' },
  '1.3.101.113': { name: 'ED448' },
};

const CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
};

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

function equalBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.every((v, i) => v === y[i]);
}

function hexBytes(hex: string): Uint8Array {
  const h = hex.length % 2 ? `0${hex}` : hex;
  return Uint8Array.from(h.match(/../g) ?? [], x => parseInt(x, 16));
}

function colonHex(bytes: Uint8Array): string {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join(':');
}

function iso(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}
