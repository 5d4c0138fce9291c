/**
 * Certificate assembly for the generator (generate.ts): the ASN.1 of a certificate (subject name, extensions,
 * SubjectPublicKeyInfo, key identifiers, the TBSCertificate) signed with the injected WebCrypto. Pure like the
 * generator; the OIDs and names come from the X.509 room.
 *
 * The TBSCertificate is made of @peculiar/asn1-x509 objects whose ASN.1 tree is built once, encoded for the
 * signature and encoded again inside the Certificate. Extensions that never change are serialised once per process
 * and shared (nothing mutates them). X509Certificate objects (@peculiar/x509) are made only when asked for: building
 * one serialises and re-parses the whole certificate, which costs more than an ECDSA signature.
 */
import { AsnConvert, AsnProp, AsnSerializer, OctetString, type IAsnConvertible } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { ECDSASigValue, ECParameters, id_ecPublicKey } from '@peculiar/asn1-ecc';
import { OID, namedCurve, signatureOid } from '../x509';
import { CertError, SIGNATURE_HASHES, algorithmSpec, quoteInput, type KeyAlgorithm, type SignatureHash } from './algorithms';
import type { KeyFormat } from './keys';
import { canonicalIp, checkCommonName } from './names';

/** The checked options every certificate is made with. */
export interface ResolvedBase {
  algorithm: KeyAlgorithm;
  keyFormat: KeyFormat;
  notBefore: Date;
  notAfter: Date;
  /** Sentences for the user about the validity (e.g. cut to the issuer's expiry). */
  notes?: string[];
}

/** Subject with UTF8String values (RFC 5280 §4.1.2.6): `O` (when given) then `CN`, each its own RDN. */
export function subjectName(commonName: string, organization: string | undefined): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  const rdns: RelativeDistinguishedName[] = [];
  if (organization !== undefined) {
    checkCommonName(organization, 'the organization');
    rdns.push(rdn(OID.organization, organization));
  }
  rdns.push(rdn(OID.commonName, commonName));
  return new Name(rdns);
}

/**
 * 16 random bytes from the injected crypto, first byte forced into 0x40..0x7f: positive (top bit clear) and
 * always 16 octets long in DER, leaving 126 random bits (RFC 5280 allows 20 octets; CA/B Forum wants ≥ 64 bits).
 */
function randomSerial(crypto: Crypto): ArrayBuffer {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] = 0x40 | (b[0]! & 0x3f);
  return b.buffer;
}

/**
 * The signature algorithm identifier of a signer's key family and hash: ecdsa-with-SHA256/384/512 (RFC 5758 §3.2),
 * sha256/384/512WithRSAEncryption (RFC 4055 §5) or id-Ed25519 (RFC 8410 §3), from the X.509 room's OID table, not
 * @peculiar/asn1-rsa's ready-made AlgorithmIdentifiers: in 2.11.1 its `sha256WithRSAEncryption` carries the OID of
 * sha512-256WithRSAEncryption. Only the hashes pgtls signs with are accepted.
 */
function signatureAlgorithmId(family: 'ECDSA' | 'RSA' | 'Ed25519', hash: SignatureHash): AlgorithmIdentifier {
  if (family === 'Ed25519') return new AlgorithmIdentifier({ algorithm: OID.ed25519 });
  const oid = SIGNATURE_HASHES.includes(hash) ? signatureOid(family === 'ECDSA' ? 'EC' : 'RSA', hash) : undefined;
  if (oid === undefined) throw new CertError(`unsupported signature hash ${quoteInput(hash)}`);
  // RSA's AlgorithmIdentifier carries explicit NULL parameters (RFC 4055 §5); ECDSA's none (RFC 5758 §3.2).
  return family === 'RSA' ? new AlgorithmIdentifier({ algorithm: oid, parameters: null }) : new AlgorithmIdentifier({ algorithm: oid });
}

/** An unsigned big-endian integer as DER INTEGER content: leading zero octets dropped, one added before a high bit. */
function derInteger(b: Uint8Array): ArrayBuffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  const out = new Uint8Array(v.length + ((v[0]! & 0x80) ? 1 : 0));
  out.set(v, out.length - v.length);
  return out.buffer;
}

/** WebCrypto's ECDSA signature r‖s as X.509 carries it: ECDSA-Sig-Value, SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2). */
export function ecdsaSigValue(raw: ArrayBuffer): ArrayBuffer {
  const b = new Uint8Array(raw);
  if (b.length === 0 || b.length % 2 !== 0) throw new CertError('the ECDSA signature could not be encoded');
  const half = b.length / 2;
  return AsnConvert.serialize(new ECDSASigValue({ r: derInteger(b.subarray(0, half)), s: derInteger(b.subarray(half)) }));
}

function extension(extnID: string, critical: boolean, value: object): Extension {
  // DER leaves out `critical` when it is FALSE, its DEFAULT; the serialiser does that.
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

export function caBasicConstraints(pathLength: number): Extension {
  return fixedExtension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: pathLength }), pathLength);
}

/** Extensions whose value never changes (key usages, CA:FALSE, EKU lists), serialised once and then shared. */
const fixedExtensions = new Map<string, Extension>();

function fixedExtension(id: string, critical: boolean, value: object, variant: string | number = ''): Extension {
  const key = `${id} ${critical} ${variant}`;
  let ext = fixedExtensions.get(key);
  if (!ext) fixedExtensions.set(key, (ext = extension(id, critical, value)));
  return ext;
}

export function caKeyUsage(): Extension {
  const ku = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign;
  return fixedExtension(id_ce_keyUsage, true, new KeyUsage(ku), ku);
}

export function subjectKeyId(keyId: Uint8Array<ArrayBuffer>): Extension {
  return extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
}

export function authorityKeyId(keyId: Uint8Array<ArrayBuffer>): Extension {
  return extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId) }));
}

/**
 * The SubjectPublicKeyInfo of a public key. EC and Ed25519 keys are exported `raw` (the public key octets) and
 * wrapped with their algorithm identifier (RFC 5480 §2, RFC 8410 §4): the same DER as an `spki` export, without
 * parsing one. RSA keys are exported as SPKI and parsed.
 */
export async function publicKeyInfo(publicKey: CryptoKey, crypto: Crypto): Promise<SubjectPublicKeyInfo> {
  const alg = publicKey.algorithm as Partial<EcKeyAlgorithm>;
  // The named-curve OID of SubjectPublicKeyInfo (RFC 5480 §2.1.1.1).
  const curve = alg.name === 'ECDSA' && alg.namedCurve ? namedCurve(alg.namedCurve)?.oid : undefined;
  if (curve !== undefined || alg.name === 'Ed25519') {
    const raw = await crypto.subtle.exportKey('raw', publicKey);
    const algorithm = curve !== undefined
      ? new AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters: ecParameters(curve) })
      : new AlgorithmIdentifier({ algorithm: OID.ed25519 });
    return new SubjectPublicKeyInfo({ algorithm, subjectPublicKey: raw });
  }
  try {
    return AsnConvert.parse(await crypto.subtle.exportKey('spki', publicKey), SubjectPublicKeyInfo);
  } catch (e) {
    if (e instanceof DOMException) throw e;
    throw new CertError('the public key is not a SubjectPublicKeyInfo');
  }
}

const curveParameters = new Map<string, ArrayBuffer>();

/** ECParameters { namedCurve } DER, serialised once per curve. */
function ecParameters(curve: string): ArrayBuffer {
  let p = curveParameters.get(curve);
  if (!p) curveParameters.set(curve, (p = AsnConvert.serialize(new ECParameters({ namedCurve: curve }))));
  return p;
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's bits, as OpenSSL computes it. */
export async function keyIdentifier(spki: SubjectPublicKeyInfo, crypto: Crypto): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-1', spki.subjectPublicKey));
}

export interface CertificateInput {
  subject: Name;
  issuer: Name;
  spki: SubjectPublicKeyInfo;
  base: ResolvedBase;
  extensions: Extension[];
  signingKey: CryptoKey;
  /** The signer's key algorithm and hash. */
  signingAlgorithm: KeyAlgorithm;
  hash: SignatureHash | undefined;
  crypto: Crypto;
}

/** Builds the TBSCertificate (RFC 5280 §4.1), signs it with the injected crypto and returns the certificate DER. */
export async function buildCertificate(c: CertificateInput): Promise<Uint8Array<ArrayBuffer>> {
  const family = algorithmSpec(c.signingAlgorithm).family;
  // WebCrypto binds an RSA key to its hash at creation or import; the signature is made with that one, so the
  // algorithm identifier must name it (an RSA CA loaded from a file is imported with SHA-256).
  const keyHash = (c.signingKey.algorithm as Partial<RsaHashedKeyAlgorithm>).hash?.name as SignatureHash | undefined;
  const hash: SignatureHash = (family === 'RSA' ? keyHash ?? c.hash : c.hash) ?? 'SHA-256';
  const algorithmId = signatureAlgorithmId(family, hash);
  const params: Algorithm | EcdsaParams = family === 'ECDSA' ? { name: 'ECDSA', hash } as EcdsaParams
    : { name: family === 'RSA' ? 'RSASSA-PKCS1-v1_5' : 'Ed25519' };
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: randomSerial(c.crypto),
    signature: algorithmId,
    issuer: c.issuer,
    validity: new Validity({ notBefore: c.base.notBefore, notAfter: c.base.notAfter }),
    subject: c.subject,
    subjectPublicKeyInfo: c.spki,
    extensions: new Extensions(c.extensions),
  });
  // The TBSCertificate's ASN.1 tree is built once: encoded for the signature, then encoded again inside the Certificate.
  const tbsTree = AsnSerializer.toASN(tbsCertificate);
  const raw = await c.crypto.subtle.sign(params, c.signingKey, tbsTree.toBER(false));
  // WebCrypto gives ECDSA signatures as r‖s; X.509 carries them as ECDSA-Sig-Value, SEQUENCE { r, s } (RFC 5480 §2.2).
  const signatureValue = family === 'ECDSA' ? ecdsaSigValue(raw) : raw;
  const signed = new Certificate({ tbsCertificate: builtOnce(tbsTree) as unknown as TBSCertificate, signatureAlgorithm: algorithmId, signatureValue });
  const der = new Uint8Array(AsnConvert.serialize(signed));
  built.set(der, new Certificate({ tbsCertificate, signatureAlgorithm: algorithmId, signatureValue }));
  return der;
}

/**
 * The certificates built here, by the DER array buildCertificate returned: describing one (inspect.ts) reads these
 * ASN.1 objects instead of parsing the DER it was encoded from, which costs a short-lived `pgtls cert set` as much as
 * making the certificates. Held weakly: gone with the array.
 */
const built = new WeakMap<Uint8Array, Certificate>();

/** The ASN.1 objects `der` was encoded from, when buildCertificate made exactly this array. */
export function builtCertificate(der: Uint8Array): Certificate | undefined {
  return built.get(der);
}

/** An already built ASN.1 tree as an asn1-schema convertible: the serialiser takes its `toASN()` as it is. */
function builtOnce(tree: ReturnType<typeof AsnSerializer.toASN>): IAsnConvertible {
  return {
    toASN: () => tree,
    fromASN: () => { throw new TypeError('a built TBSCertificate is only ever serialised'); },
    toSchema: () => { throw new TypeError('a built TBSCertificate is only ever serialised'); },
  };
}

/** What issuing under a CA needs from it: its subject exactly as encoded, its key identifier, its expiry. */
export interface IssuerInfo {
  subject: Name;
  keyId: Uint8Array<ArrayBuffer>;
  notAfter: Date;
  /** The AKI extension of every certificate this CA signs, made once. */
  authorityKeyId: Extension;
}

/** A TBSCertificate whose subject is also kept as encoded (`subjectRaw`). */
class TbsWithRawSubject extends TBSCertificate {
  declare subjectRaw?: ArrayBuffer;
}
AsnProp({ type: Name, raw: true })(TbsWithRawSubject.prototype, 'subject');

/** A Certificate read with TbsWithRawSubject. */
class CertificateWithRawSubject extends Certificate {
  declare tbsCertificate: TbsWithRawSubject;
}
AsnProp({ type: TbsWithRawSubject, raw: true })(CertificateWithRawSubject.prototype, 'tbsCertificate');

/**
 * The subject Name of a certificate, checked to serialise back to the very bytes it was read from: chain builders
 * compare a leaf's issuer with its CA's subject, some of them byte for byte, so the issuer must not be re-encoded
 * differently (another string type, a normalised string). A name that does not round-trip is refused.
 */
export function subjectOfCertificate(certDer: ArrayBuffer): Name {
  let tbs: TbsWithRawSubject;
  try {
    tbs = AsnConvert.parse(certDer, CertificateWithRawSubject).tbsCertificate;
  } catch {
    throw new CertError('the issuing CA certificate is not a well-formed X.509 certificate');
  }
  const encoded = new Uint8Array(AsnConvert.serialize(tbs.subject));
  const original = new Uint8Array(tbs.subjectRaw ?? new ArrayBuffer(0));
  if (encoded.length !== original.length || encoded.some((b, i) => b !== original[i])) {
    throw new CertError('the issuing CA certificate\'s subject name is not in DER form, so it cannot be copied exactly into the certificates it issues; create a new CA with "pgtls cert ca"');
  }
  return tbs.subject;
}


/**
 * The extensions of a leaf before its key identifiers: CA:FALSE and digitalSignature (+ keyEncipherment when the key
 * can encipher), both critical, then the extended key usages and the SANs (DNS names first).
 */
export function leafExtensions(keyEncipherment: boolean, usages: string[], dns: readonly string[], ip: readonly string[]): Extension[] {
  // keyEncipherment means "the key can wrap a session key" (RSA key transport); an EC or EdDSA key cannot, and
  // RFC 8813 / strict clients reject certificates that claim it for them.
  const ku = KeyUsageFlags.digitalSignature | (keyEncipherment ? KeyUsageFlags.keyEncipherment : 0);
  const extensions: Extension[] = [
    fixedExtension(id_ce_basicConstraints, true, new BasicConstraints()), // cA FALSE is the DEFAULT, so the SEQUENCE is empty
    fixedExtension(id_ce_keyUsage, true, new KeyUsage(ku), ku),
    fixedExtension(id_ce_extKeyUsage, false, new ExtendedKeyUsage(usages), usages.join()),
  ];
  // dNSName and iPAddress GeneralNames (RFC 5280 §4.2.1.6), DNS names first. Addresses go in canonical form: the
  // library's address parser reads the IPv4 tail of `::ffff:10.0.0.1` as one hex group.
  const names = [...dns.map(dNSName => new GeneralName({ dNSName })), ...ip.map(a => new GeneralName({ iPAddress: canonicalIp(a) }))];
  if (names.length > 0) extensions.push(extension(id_ce_subjectAltName, false, new SubjectAlternativeName(names)));
  return extensions;
}
