/**
 * What the TLS rules need from a certificate and key library, synchronously (`LanguageMode.validate` is): read the
 * certificates, CRLs and private keys of PEM files, and ask OpenSSL's questions about them (is this the key of that
 * certificate, did that certificate issue this one). Types only: the core never does cryptography itself. The
 * Node.js implementation (`node/tlsBackend.ts`) sits on `node:crypto`, i.e. on OpenSSL, the library Pgpool-II uses.
 *
 * Nothing here ever carries private key material: a private key is only a handle.
 */
import type { PemBlock } from './pem';

declare const certBrand: unique symbol;
declare const keyBrand: unique symbol;

/** A certificate the backend parsed; meaningful only to the backend that made it. */
export interface CertHandle { readonly [certBrand]: true }
/** A private key the backend loaded; meaningful only to the backend that made it. */
export interface KeyHandle { readonly [keyBrand]: true }

export interface PublicKeyInfo {
  /** OpenSSL's key type, named as Node.js does: `rsa`, `rsa-pss`, `ec`, `ed25519`, `ed448`, `dsa`, …; `unknown` when unreadable. */
  type: string;
  /** RSA and DSA: the modulus length. */
  bits?: number;
  /** EC: the named curve, OpenSSL short name (`prime256v1`, `secp384r1`, …). */
  curve?: string;
  /** Hex SHA-256 of the DER SubjectPublicKeyInfo: the same key has the same value. */
  spkiSha256?: string;
}

/**
 * What OpenSSL compares to decide that a certificate is self-signed (`X509_check_akid` on itself): lower-case hex
 * without leading zeros; a part is `undefined` when the certificate does not carry it.
 */
export interface KeyIdentifiers {
  /** subjectKeyIdentifier. */
  subject?: string;
  /** authorityKeyIdentifier's keyIdentifier. */
  authority?: string;
  /** authorityKeyIdentifier's authorityCertSerialNumber. */
  authoritySerial?: string;
  /** authorityKeyIdentifier's authorityCertIssuer (its directory name), RFC 4514 style. */
  authorityIssuer?: string;
  /** The certificate's own serial number. */
  serial: string;
}

export interface Certificate {
  handle: CertHandle;
  /** The PEM block it was read from. */
  block: PemBlock;
  /** Distinguished names, RFC 4514 style in certificate order (`C=US, O=Acme, CN=root`). */
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** X.509 version (1 or 3 in practice). */
  version: number;
  /** basicConstraints' cA flag; `undefined` when the certificate has no basicConstraints extension. */
  basicConstraintsCA: boolean | undefined;
  /** keyUsage's keyCertSign bit; `undefined` when the certificate has no keyUsage extension. */
  keyCertSign: boolean | undefined;
  /** OpenSSL's self-issued test (`X509_check_issued(c, c)`): own issuer by name, key identifiers and key usage. */
  selfIssued: boolean;
  publicKey: PublicKeyInfo;
  /** Signature algorithm, OpenSSL's long name where known (`ecdsa-with-SHA256`), else the OID. */
  signatureAlgorithm: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  /** subjectAltName entries as `DNS:host`, `IP:10.0.0.1`, `email:…`, `URI:…`. */
  subjectAltNames: string[];
  /** extendedKeyUsage OIDs; `undefined` when the extension is absent. */
  extendedKeyUsage: string[] | undefined;
  /** Whether the subjectAltName extension is marked critical (`false` without one); `undefined` when unknown. */
  subjectAltNameCritical?: boolean;
  /** The key identifiers and serial; `undefined` when unknown. */
  keyIds?: KeyIdentifiers;
}

/** The certificates and CRLs of a PEM file, as `PEM_X509_INFO_read_bio` and `SSL_CTX_use_certificate_chain_file` read them. */
export interface PemCertificates {
  /** Every PEM block of the file, whatever its label. */
  blocks: PemBlock[];
  /** The certificates, in file order. */
  certificates: Certificate[];
  /** Certificate and CRL blocks the library cannot decode. */
  broken: PemBlock[];
  /** Number of decodable `X509 CRL` blocks. */
  crls: number;
}

/**
 * The private key `PEM_read_bio_PrivateKey` picks from a PEM file (the first private-key block), loaded without a
 * passphrase: usable, encrypted (a passphrase would be needed), or invalid. `block` is `undefined` only when the file
 * has no private-key block at all.
 */
export type PrivateKeyRead =
  | { kind: 'key'; handle: KeyHandle; publicKey: PublicKeyInfo; block: PemBlock }
  | { kind: 'encrypted'; block: PemBlock }
  | { kind: 'invalid'; reason: string; block: PemBlock | undefined };

export interface TlsBackend {
  /** Every certificate (and the count of CRLs) of a PEM text. */
  readCertificates(pem: string): PemCertificates;
  /** The private key of a PEM text. */
  readPrivateKey(pem: string): PrivateKeyRead;
  /** Whether `key` is the private key of `cert` (`X509_check_private_key`; keys of different types never match). */
  keyMatches(cert: CertHandle, key: KeyHandle): boolean;
  /** Whether `issuer` issued `cert`: names and key identifiers agree (`X509_check_issued`) and the signature verifies. */
  issuedBy(cert: CertHandle, issuer: CertHandle): boolean;
  /** Whether `signer`'s public key verifies `cert`'s signature, and nothing else (no name, key identifier or usage check). */
  signedBy(cert: CertHandle, signer: CertHandle): boolean;
}
