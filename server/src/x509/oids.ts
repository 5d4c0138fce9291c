/**
 * The object identifiers pgtls knows, with the names OpenSSL prints for them: key algorithms, named curves,
 * signature algorithms, key usages, extended key usages and the name attributes the generator writes. One table
 * each; the certificate reader (node/tlsBackend.ts), `pgtls inspect`, the generator and the checks all read them here.
 */

/** Single OIDs the code refers to by role. */
export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  dsa: '1.2.840.10040.4.1',
  ecPublicKey: '1.2.840.10045.2.1',
  /** id-Ed25519 and id-Ed448 (RFC 8410 §3): the key algorithm and the signature algorithm at once. */
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

// --- named curves -----------------------------------------------------------------------------------------------

export interface NamedCurve {
  oid: string;
  /** The name pgtls prints: the NIST / WebCrypto name where there is one (`P-256`). */
  name: string;
  /** OpenSSL's short name, the one Node.js reports (`prime256v1`). */
  openssl: string;
  /** The field size in bits, by which EC key strength is measured. */
  bits: number;
}

export const NAMED_CURVES: readonly NamedCurve[] = [
  { oid: '1.2.840.10045.3.1.7', name: 'P-256', openssl: 'prime256v1', bits: 256 },
  { oid: '1.3.132.0.34', name: 'P-384', openssl: 'secp384r1', bits: 384 },
  { oid: '1.3.132.0.35', name: 'P-521', openssl: 'secp521r1', bits: 521 },
  { oid: '1.3.132.0.10', name: 'secp256k1', openssl: 'secp256k1', bits: 256 },
  { oid: '1.2.840.10045.3.1.1', name: 'P-192', openssl: 'prime192v1', bits: 192 },
  { oid: '1.3.132.0.33', name: 'P-224', openssl: 'secp224r1', bits: 224 },
];

/** A named curve by its OID, its printed name (`P-256`) or OpenSSL's short name (`prime256v1`). */
export function namedCurve(oidOrName: string): NamedCurve | undefined {
  return NAMED_CURVES.find(c => c.oid === oidOrName || c.name === oidOrName || c.openssl === oidOrName);
}

/**
 * The field size of a curve: from the table, else from the digits of an OpenSSL curve name (`secp160r1`,
 * `sect163k1`, `brainpoolP320r1`, `c2pnb176v1`…); `undefined` when neither tells.
 */
export function curveBits(oidOrName: string | undefined): number | undefined {
  if (oidOrName === undefined) return undefined;
  const known = namedCurve(oidOrName);
  if (known) return known.bits;
  const m = /^(?:secp|sect|prime|brainpoolP|c2pnb|c2tnb)(\d+)/.exec(oidOrName);
  return m ? Number(m[1]) : undefined;
}

// --- signature algorithms ---------------------------------------------------------------------------------------

export interface SignatureAlgorithm {
  oid: string;
  /** OpenSSL's long name, as `openssl x509 -text` prints it. */
  name: string;
  /** The digest, WebCrypto spelling (`SHA-256`); `undefined` for EdDSA and RSASSA-PSS (whose hash is a parameter). */
  hash?: string;
  /** The family of the signing key. */
  key: 'RSA' | 'RSA-PSS' | 'DSA' | 'EC' | 'Ed25519' | 'Ed448';
}

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = [
  { oid: '1.2.840.113549.1.1.2', name: 'md2WithRSAEncryption', hash: 'MD2', key: 'RSA' },
  { oid: '1.2.840.113549.1.1.3', name: 'md4WithRSAEncryption', hash: 'MD4', key: 'RSA' },
  { oid: '1.2.840.113549.1.1.4', name: 'md5WithRSAEncryption', hash: 'MD5', key: 'RSA' },
  { oid: '1.2.840.113549.1.1.5', name: 'sha1WithRSAEncryption', hash: 'SHA-1', key: 'RSA' },
  { oid: '1.2.840.113549.1.1.10', name: 'rsassaPss', key: 'RSA-PSS' },
  { oid: '1.2.840.113549.1.1.11', name: 'sha256WithRSAEncryption', hash: 'SHA-256', key: 'RSA' },
  { oid: '1.2.840.113549.1.1.12', name: 'sha384WithRSAEncryption', hash: 'SHA-384', key: 'RSA' },
  { oid: '1.2.840.113549.1.1.13', name: 'sha512WithRSAEncryption', hash: 'SHA-512', key: 'RSA' },
  { oid: '1.2.840.113549.1.1.14', name: 'sha224WithRSAEncryption', hash: 'SHA-224', key: 'RSA' },
  { oid: '1.2.840.10045.4.1', name: 'ecdsa-with-SHA1', hash: 'SHA-1', key: 'EC' },
  { oid: '1.2.840.10045.4.3.1', name: 'ecdsa-with-SHA224', hash: 'SHA-224', key: 'EC' },
  { oid: '1.2.840.10045.4.3.2', name: 'ecdsa-with-SHA256', hash: 'SHA-256', key: 'EC' },
  { oid: '1.2.840.10045.4.3.3', name: 'ecdsa-with-SHA384', hash: 'SHA-384', key: 'EC' },
  { oid: '1.2.840.10045.4.3.4', name: 'ecdsa-with-SHA512', hash: 'SHA-512', key: 'EC' },
  { oid: '1.2.840.10040.4.3', name: 'dsaWithSHA1', hash: 'SHA-1', key: 'DSA' },
  { oid: '2.16.840.1.101.3.4.3.2', name: 'dsa_with_SHA256', hash: 'SHA-256', key: 'DSA' },
  { oid: OID.ed25519, name: 'ED25519', key: 'Ed25519' },
  { oid: OID.ed448, name: 'ED448', key: 'Ed448' },
];

/** A signature algorithm by its OID or its OpenSSL long name (any case). */
export function signatureAlgorithm(oidOrName: string): SignatureAlgorithm | undefined {
  const lower = oidOrName.toLowerCase();
  return SIGNATURE_ALGORITHMS.find(s => s.oid === oidOrName || s.name.toLowerCase() === lower);
}

/** OpenSSL's long name of a signature algorithm OID, else the OID itself. */
export function signatureName(oid: string): string {
  return signatureAlgorithm(oid)?.name ?? oid;
}

/** The OID of the signature a key of `key` makes with `hash` (`undefined` when the table has no such pair). */
export function signatureOid(key: SignatureAlgorithm['key'], hash: string | undefined): string | undefined {
  return SIGNATURE_ALGORITHMS.find(s => s.key === key && s.hash === hash)?.oid;
}

// --- key usage and extended key usage ---------------------------------------------------------------------------

export type KeyUsageName =
  | 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement'
  | 'keyCertSign' | 'cRLSign' | 'encipherOnly' | 'decipherOnly';

/**
 * The keyUsage bits (RFC 5280 §4.2.1.3) in bit order, with openssl's labels. `flag` is `1 << bit`, the value
 * @peculiar/x509's `KeyUsageFlags` gives the same usage.
 */
export const KEY_USAGES: readonly { name: KeyUsageName; flag: number; label: string }[] = [
  { name: 'digitalSignature', flag: 1, label: 'Digital Signature' },
  { name: 'nonRepudiation', flag: 2, label: 'Non Repudiation' },
  { name: 'keyEncipherment', flag: 4, label: 'Key Encipherment' },
  { name: 'dataEncipherment', flag: 8, label: 'Data Encipherment' },
  { name: 'keyAgreement', flag: 16, label: 'Key Agreement' },
  { name: 'keyCertSign', flag: 32, label: 'Certificate Sign' },
  { name: 'cRLSign', flag: 64, label: 'CRL Sign' },
  { name: 'encipherOnly', flag: 128, label: 'Encipher Only' },
  { name: 'decipherOnly', flag: 256, label: 'Decipher Only' },
];

/** The extended key usages pgtls names: OID, short name (as in openssl's configuration) and openssl's label. */
export const EXTENDED_KEY_USAGES: readonly { oid: string; name: string; label: string }[] = [
  { oid: OID.serverAuth, name: 'serverAuth', label: 'TLS Web Server Authentication' },
  { oid: OID.clientAuth, name: 'clientAuth', label: 'TLS Web Client Authentication' },
  { oid: '1.3.6.1.5.5.7.3.3', name: 'codeSigning', label: 'Code Signing' },
  { oid: '1.3.6.1.5.5.7.3.4', name: 'emailProtection', label: 'E-mail Protection' },
  { oid: '1.3.6.1.5.5.7.3.8', name: 'timeStamping', label: 'Time Stamping' },
  { oid: '1.3.6.1.5.5.7.3.9', name: 'OCSPSigning', label: 'OCSP Signing' },
  { oid: OID.anyExtendedKeyUsage, name: 'anyExtendedKeyUsage', label: 'Any Extended Key Usage' },
];

/** The short name of an extended key usage OID (`serverAuth`), else the OID. */
export function ekuName(oid: string): string {
  return EXTENDED_KEY_USAGES.find(e => e.oid === oid)?.name ?? oid;
}

/** openssl's label of an extended key usage given by short name or OID, else what was given. */
export function ekuLabel(nameOrOid: string): string {
  return EXTENDED_KEY_USAGES.find(e => e.name === nameOrOid || e.oid === nameOrOid)?.label ?? nameOrOid;
}
