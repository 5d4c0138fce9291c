/**
 * Reads a certificate into a structured description and a text rendering in the spirit of `openssl x509 -text`,
 * for hovers, the CLI and the file checks. Pure: the caller passes `now` (for the validity status) and a WebCrypto
 * `Crypto` (for the SHA-256 fingerprint). The ASN.1 reading is here; what the fields mean (names, strength, usage,
 * validity) is the X.509 room's, judged by the `pgtls` column of its strength table, which the generator refuses
 * weak keys by, so what pgtls refuses to create is exactly what it flags here.
 *
 * Input that is not a certificate is refused with a CertError that never quotes the input: a user may point a
 * setting at a private key by mistake.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { ECParameters } from '@peculiar/asn1-ecc';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { OID_COMMON_NAME, formatName, hex, nameField, readExtensions, type ReadExtensions } from './asnRead';
import { builtCertificate } from './assemble';
import {
  EDDSA_BITS, KEY_USAGES, bitLength, curveOfOid, ekuLabel, ekuName, issuerProblem, keyTypeOfOid, misplacedEncipherment,
  signatureAlgorithm, validityAt, weakKey, weakSignature, type KeyUsageName, type ValidityState,
} from '../x509';
import { CertError } from './algorithms';
import { equalBytes, pemDecodeAll, toBytes } from './keys';

export type { KeyUsageName } from '../x509';

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
  validity: ValidityState;
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
  // a certificate the generator just built keeps its identity (describeDer then reads its ASN.1 objects)
  if (input instanceof Uint8Array && builtCertificate(input)) return [input as Uint8Array<ArrayBuffer>];
  if (typeof input !== 'string') return [toBytes(input)];
  const ders = pemDecodeAll(input, 'CERTIFICATE');
  if (ders.length > 0) return ders;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(input)) throw new CertError('this is a private key, not a certificate');
  throw new CertError('no PEM "CERTIFICATE" block found');
}

async function describeDer(der: Uint8Array<ArrayBuffer>, now: Date, crypto: Crypto): Promise<CertificateDescription> {
  let asn: Certificate;
  try {
    asn = builtCertificate(der) ?? AsnConvert.parse(der, Certificate);
  } catch {
    throw new CertError('not a valid X.509 certificate (DER could not be parsed)');
  }
  const tbs = asn.tbsCertificate;
  const publicKey = describePublicKey(tbs.subjectPublicKeyInfo.algorithm.algorithm, tbs.subjectPublicKeyInfo.algorithm.parameters, tbs.subjectPublicKeyInfo.subjectPublicKey);
  const sigOid = asn.signatureAlgorithm.algorithm;
  const known = signatureAlgorithm(sigOid);
  const sigAlg = { oid: sigOid, name: known?.name ?? sigOid, ...(known?.hash ? { hash: known.hash } : {}) };

  let ext: ReadExtensions;
  try {
    ext = readExtensions(tbs.extensions);
  } catch {
    throw new CertError('the certificate has a malformed extension');
  }
  const ku = ext.keyUsage;
  const keyUsage = ku ? { critical: ku.critical, usages: KEY_USAGES.filter(k => (ku.flags & k.flag) !== 0).map(k => k.name) } : undefined;
  const eku = ext.extendedKeyUsage;
  const extendedKeyUsage = eku ? { critical: eku.critical, usages: eku.oids.map(ekuName) } : undefined;

  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  let notBefore: Date;
  let notAfter: Date;
  try {
    notBefore = tbs.validity.notBefore.getTime();
    notAfter = tbs.validity.notAfter.getTime();
  } catch {
    throw new CertError('the certificate has an unreadable validity date');
  }
  const validity = validityAt({ notBefore, notAfter }, now);
  if (!validity) throw new CertError('the certificate has an unreadable validity date');
  const commonName = nameField(tbs.subject, OID_COMMON_NAME)[0];
  const d: Omit<CertificateDescription, 'text' | 'problems'> = {
    subject: formatName(tbs.subject),
    issuer: formatName(tbs.issuer),
    ...(commonName !== undefined ? { commonName } : {}),
    selfIssued: equalBytes(new Uint8Array(AsnConvert.serialize(tbs.subject)), new Uint8Array(AsnConvert.serialize(tbs.issuer))),
    serialNumber: hex(tbs.serialNumber).replace(/^(00)+(?=.)/, ''),
    notBefore,
    notAfter,
    validity: validity.state,
    daysLeft: validity.daysLeft,
    publicKey,
    signatureAlgorithm: sigAlg,
    subjectAltNames: ext.subjectAltNames,
    ...(ext.basicConstraints ? { basicConstraints: ext.basicConstraints } : {}),
    ...(keyUsage ? { keyUsage } : {}),
    ...(extendedKeyUsage ? { extendedKeyUsage } : {}),
    ...(ext.subjectKeyId ? { subjectKeyId: ext.subjectKeyId } : {}),
    ...(ext.authorityKeyId ? { authorityKeyId: ext.authorityKeyId } : {}),
    fingerprintSha256: colonHex(digest).toUpperCase(),
  };
  const problems = findProblems(d, now);
  return { ...d, problems, text: renderCertificateText({ ...d, problems }) };
}

function describePublicKey(oid: string, params: ArrayBuffer | null | undefined, key: ArrayBuffer): PublicKeyDescription {
  const type = keyTypeOfOid(oid);
  try {
    switch (type) {
      case 'RSA':
      case 'RSA-PSS':
        return { type, bits: bitLength(new Uint8Array(AsnConvert.parse(key, RSAPublicKey).modulus)), oid };
      case 'EC': {
        const curveOid = params ? AsnConvert.parse(params, ECParameters).namedCurve : undefined;
        return { type, ...(curveOid ? curveOfOid(curveOid) : { curve: 'explicit parameters' }), oid };
      }
      case 'Ed25519':
      case 'Ed448':
        return { type, bits: EDDSA_BITS[type], oid };
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
  // Nobody checks the signature of a self-signed trust anchor, so a SHA-1 root is harmless; anything else is forgeable.
  const signature = weakSignature(d.signatureAlgorithm.oid, isCa && d.selfIssued, 'pgtls');
  if (signature) p.push(signature.problem);
  // A weak RSA key is listed before the key usage problems, a weak EC key after them (the order inspect always had).
  const weak = weakKey(d.publicKey, 'pgtls');
  if (weak && d.publicKey.type !== 'EC') p.push(weak.problem);
  const encipher = misplacedEncipherment(d.publicKey.type, d.keyUsage?.usages ?? []);
  if (encipher.length > 0) {
    p.push(`key usage ${encipher.join(' and ')} is set for a ${d.publicKey.type} key, which cannot encipher (RFC 8813, RFC 8410); strict clients reject the certificate`);
  }
  const keyCertSign = d.keyUsage ? d.keyUsage.usages.includes('keyCertSign') : undefined;
  if (issuerProblem({ basicConstraintsCA: d.basicConstraints?.ca, keyCertSign }) === 'no-key-cert-sign') {
    p.push('a CA certificate whose key usage lacks keyCertSign cannot sign certificates');
  }
  if (weak && d.publicKey.type === 'EC') p.push(weak.problem);
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
    ext.push(`            ${d.keyUsage.usages.map(u => KEY_USAGES.find(k => k.name === u)?.label ?? u).join(', ')}`);
  }
  if (d.extendedKeyUsage) {
    ext.push(`        X509v3 Extended Key Usage:${d.extendedKeyUsage.critical ? ' critical' : ''}`);
    ext.push(`            ${d.extendedKeyUsage.usages.map(ekuLabel).join(', ')}`);
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
