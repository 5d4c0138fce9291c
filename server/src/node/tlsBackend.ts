/**
 * The TLS backend on `node:crypto`, i.e. on OpenSSL, the library Pgpool-II itself loads these files with: its
 * verdicts (does this key load, is it encrypted, does it belong to this certificate, did this CA sign that
 * certificate) are OpenSSL's own. @peculiar/x509 adds what Node.js does not expose: the X.509 version, the
 * basicConstraints and keyUsage extensions, names in RFC 4514 form, subjectAltName entries and dates as `Date`.
 * Never logs or returns private key material; OpenSSL's error texts quote none.
 */
import 'reflect-metadata'; // @peculiar/x509 (through tsyringe) needs the Reflect metadata API before it loads
import { X509Certificate as OsslCertificate, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, Certificate as AsnCertificate, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier, id_ce_basicConstraints, id_ce_keyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { GeneralNames, KeyUsageFlags, Name, X509Crl } from '@peculiar/x509';
import { CERTIFICATE_LABELS, type PemBlock, isPrivateKeyLabel, readPemBlocks } from '../core/pem';
import type { CertHandle, Certificate, KeyHandle, KeyIdentifiers, PemCertificates, PrivateKeyRead, PublicKeyInfo, TlsBackend } from '../core/tlsBackend';
import { signatureName } from '../x509';

const SAN_PREFIX: Record<string, string> = { dns: 'DNS', ip: 'IP', email: 'email', url: 'URI', dn: 'DirName' };

/**
 * Error codes Node.js gives an encrypted key loaded without a passphrase: its own check (older OpenSSL), and
 * OpenSSL 3's decoder when the passphrase callback declines.
 */
const NEEDS_PASSPHRASE = new Set(['ERR_MISSING_PASSPHRASE', 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED', 'ERR_OSSL_PEM_BAD_PASSWORD_READ', 'ERR_OSSL_EVP_BAD_DECRYPT']);

function publicKeyInfo(key: KeyObject): PublicKeyInfo {
  try {
    const details = key.asymmetricKeyDetails ?? {};
    const info: PublicKeyInfo = { type: key.asymmetricKeyType ?? 'unknown' };
    if (details.modulusLength !== undefined) info.bits = details.modulusLength;
    if (details.namedCurve !== undefined) info.curve = details.namedCurve;
    // The public half of a private key is derived by OpenSSL (e.g. the EC point an SEC1 key may omit).
    const publicKey = key.type === 'private' ? createPublicKey(key) : key;
    info.spkiSha256 = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    return info;
  } catch {
    return { type: key.asymmetricKeyType ?? 'unknown' };
  }
}

type Details = Pick<Certificate,
  'subject' | 'issuer' | 'notBefore' | 'notAfter' | 'version' | 'basicConstraintsCA' | 'keyCertSign' | 'signatureAlgorithm' | 'subjectAltNames'
  | 'subjectAltNameCritical' | 'keyIds'>;

/** Bytes as lower-case hex without leading zeros (how serials and key identifiers are compared). */
const hex = (b: ArrayBuffer): string => Buffer.from(b).toString('hex').replace(/^0+(?=.)/, '');

/** The key identifiers OpenSSL checks on a certificate itself (X509_check_akid), from the parsed extensions. */
function keyIdsOf(serial: ArrayBuffer, skidRaw: ArrayBuffer | undefined, akidRaw: ArrayBuffer | undefined): KeyIdentifiers {
  const ids: KeyIdentifiers = { serial: hex(serial) };
  if (skidRaw) ids.subject = hex(AsnConvert.parse(skidRaw, SubjectKeyIdentifier).buffer);
  if (akidRaw) {
    const akid = AsnConvert.parse(akidRaw, AuthorityKeyIdentifier);
    if (akid.keyIdentifier) ids.authority = hex(akid.keyIdentifier.buffer);
    if (akid.authorityCertSerialNumber) ids.authoritySerial = hex(akid.authorityCertSerialNumber);
    const dir = akid.authorityCertIssuer?.find(g => g.directoryName)?.directoryName;
    if (dir) ids.authorityIssuer = new Name(dir).toString();
  }
  return ids;
}

/**
 * What node:crypto does not expose, read with @peculiar/x509 from OpenSSL's own encoding of the certificate (a
 * TRUSTED CERTIFICATE block also carries trust settings). Should that parser refuse a certificate OpenSSL loads,
 * OpenSSL's own strings stand in: the certificate stays loadable.
 */
function details(ossl: OsslCertificate): Details {
  try {
    // One parse of the DER, straight into the ASN.1 classes: going through @peculiar/x509's X509Certificate would
    // re-encode and re-parse the certificate and each extension (about 4x the time, which shows on workspaces with
    // many certificates). The first extension of each type counts, as X509Certificate.getExtension has it.
    const asn = AsnConvert.parse(ossl.raw, AsnCertificate);
    const tbs = asn.tbsCertificate;
    const extension = (oid: string) => tbs.extensions?.find(e => e.extnID === oid);
    const ext = (oid: string) => extension(oid)?.extnValue.buffer;
    const bcRaw = ext(id_ce_basicConstraints);
    const kuRaw = ext(id_ce_keyUsage);
    const sanRaw = ext(id_ce_subjectAltName);
    return {
      subject: new Name(tbs.subject).toString(),
      issuer: new Name(tbs.issuer).toString(),
      notBefore: tbs.validity.notBefore.getTime(),
      notAfter: tbs.validity.notAfter.getTime(),
      version: tbs.version + 1,
      basicConstraintsCA: bcRaw ? AsnConvert.parse(bcRaw, BasicConstraints).cA : undefined,
      keyCertSign: kuRaw ? (AsnConvert.parse(kuRaw, KeyUsage).toNumber() & KeyUsageFlags.keyCertSign) !== 0 : undefined,
      signatureAlgorithm: signatureName(asn.signatureAlgorithm.algorithm), // OpenSSL's long name, from the X.509 room's table
      subjectAltNames: sanRaw ? new GeneralNames(AsnConvert.parse(sanRaw, SubjectAlternativeName)).toJSON().map(n => `${SAN_PREFIX[n.type] ?? n.type}:${n.value}`) : [],
      subjectAltNameCritical: extension(id_ce_subjectAltName)?.critical === true,
      keyIds: attempt(() => keyIdsOf(tbs.serialNumber, ext(id_ce_subjectKeyIdentifier), ext(id_ce_authorityKeyIdentifier)), undefined),
    };
  } catch {
    return {
      subject: ossl.subject.replace(/\n/g, ', '),
      issuer: ossl.issuer.replace(/\n/g, ', '),
      notBefore: new Date(ossl.validFrom),
      notAfter: new Date(ossl.validTo),
      version: 3,
      basicConstraintsCA: ossl.ca ? true : undefined,
      keyCertSign: undefined,
      signatureAlgorithm: 'unknown',
      subjectAltNames: [],
    };
  }
}

function attempt<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function errorCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

function errorReason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** How many certificate texts, and how many characters of them, one backend keeps read (about 20 MB at most). */
export interface TlsBackendLimits {
  maxCertificates: number;
  maxBytes: number;
  /** Counts the certificate texts OpenSSL was asked to parse (tests: each text once, not once per validation). */
  stats?: { parsed: number };
}
const READ_LIMITS: TlsBackendLimits = { maxCertificates: 10_000, maxBytes: 16 * 1024 * 1024 };

export function nodeTlsBackend(limits: TlsBackendLimits = READ_LIMITS): TlsBackend {
  const certs = new WeakMap<CertHandle, OsslCertificate>();
  const keys = new WeakMap<KeyHandle, KeyObject>();

  // What a certificate block's text reads as, kept across calls: the language server reads the same Secrets and
  // files again on every keystroke, and a pasted bundle of thousands of certificates would be parsed again each
  // time. Bounded by count and by text size; the oldest entries go first. `null`: OpenSSL refused the block.
  const read = new Map<string, Omit<Certificate, 'block'> | null>();
  let readBytes = 0;

  function readCertificate(block: PemBlock): Certificate | undefined {
    let known = read.get(block.text);
    if (known === undefined) {
      known = parseCertificate(block.text);
      if (limits.stats) limits.stats.parsed++;
      read.set(block.text, known);
      readBytes += block.text.length;
      for (const [text] of read) {
        if (read.size <= limits.maxCertificates && readBytes <= limits.maxBytes) break;
        read.delete(text);
        readBytes -= text.length;
      }
    } else {
      read.delete(block.text); // most recently used last
      read.set(block.text, known);
    }
    return known ? { ...known, block } : undefined;
  }

  function parseCertificate(text: string): Omit<Certificate, 'block'> | null {
    let ossl: OsslCertificate;
    try {
      ossl = new OsslCertificate(text); // OpenSSL alone decides whether the block is a loadable certificate
    } catch {
      return null;
    }
    const handle = Object.freeze({}) as CertHandle;
    certs.set(handle, ossl);
    // shared by every later read of the same text: frozen, so that no caller can change what the next one gets
    const c = {
      handle,
      ...details(ossl),
      selfIssued: attempt(() => ossl.checkIssued(ossl), false),
      publicKey: attempt(() => publicKeyInfo(ossl.publicKey), { type: 'unknown' }),
      fingerprint256: ossl.fingerprint256,
      extendedKeyUsage: ossl.keyUsage,
    };
    Object.freeze(c.subjectAltNames);
    if (c.extendedKeyUsage) Object.freeze(c.extendedKeyUsage);
    Object.freeze(c.publicKey);
    if (c.keyIds) Object.freeze(c.keyIds);
    return Object.freeze(c);
  }

  function readCrl(block: PemBlock): boolean {
    try {
      new X509Crl(block.text);
      return true;
    } catch {
      return false;
    }
  }

  return {
    readCertificates(pem: string): PemCertificates {
      const blocks = readPemBlocks(pem);
      const out: PemCertificates = { blocks, certificates: [], broken: [], crls: 0 };
      for (const b of blocks) {
        if (b.label === 'X509 CRL') {
          if (readCrl(b)) out.crls++; else out.broken.push(b);
        } else if (CERTIFICATE_LABELS.has(b.label)) {
          const c = readCertificate(b);
          if (c) out.certificates.push(c); else out.broken.push(b);
        }
      }
      return out;
    },

    readPrivateKey(pem: string): PrivateKeyRead {
      const block = readPemBlocks(pem).find(b => isPrivateKeyLabel(b.label));
      if (!block) return { kind: 'invalid', reason: 'no private key block', block: undefined };
      try {
        // The whole text, as SSL_CTX_use_PrivateKey_file reads it: OpenSSL picks the first private-key block itself.
        const key = createPrivateKey({ key: pem, format: 'pem' });
        const handle = Object.freeze({}) as KeyHandle;
        keys.set(handle, key);
        return { kind: 'key', handle, publicKey: publicKeyInfo(key), block };
      } catch (e) {
        const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
        if (NEEDS_PASSPHRASE.has(errorCode(e)) || encrypted) return { kind: 'encrypted', block };
        return { kind: 'invalid', reason: errorReason(e), block };
      }
    },

    keyMatches(cert, key) {
      const c = certs.get(cert), k = keys.get(key);
      if (!c || !k) return false;
      try {
        return c.checkPrivateKey(k);
      } catch {
        return false;
      }
    },

    issuedBy(cert, issuer) {
      const c = certs.get(cert), i = certs.get(issuer);
      if (!c || !i) return false;
      try {
        return c.checkIssued(i) && c.verify(i.publicKey);
      } catch {
        return false;
      }
    },

    signedBy(cert, signer) {
      const c = certs.get(cert), i = certs.get(signer);
      if (!c || !i) return false;
      try {
        return c.verify(i.publicKey);
      } catch {
        return false;
      }
    },
  };
}
