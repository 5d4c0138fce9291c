/**
 * What a certificate may be used for: as a CA (basicConstraints, keyUsage keyCertSign, OpenSSL's `check_ca`), as a
 * TLS server or client certificate (extendedKeyUsage), and whether its key usage fits its key type. Facts only; the
 * severity and the words of a finding are the caller's.
 */
import { cannotEncipher, type KeyType } from './keys';
import { OID, type KeyUsageName } from './oids';

/** The CA-related facts of a certificate, as the TLS backend's `Certificate` carries them. */
export interface CaFlags {
  /** X.509 version (1 or 3 in practice). */
  version: number;
  /** Its own issuer (OpenSSL's `X509_check_issued(c, c)`, or subject = issuer). */
  selfIssued: boolean;
  /** basicConstraints' cA; `undefined` without the extension. */
  basicConstraintsCA: boolean | undefined;
  /** keyUsage's keyCertSign; `undefined` without the extension. */
  keyCertSign: boolean | undefined;
}

/** OpenSSL's `check_ca` (`X509_check_ca` != 0): whether OpenSSL lets the certificate act as an issuer when verifying. */
export function isCA(c: CaFlags): boolean {
  if (c.keyCertSign === false) return false;
  if (c.basicConstraintsCA !== undefined) return c.basicConstraintsCA;
  if (c.version === 1 && c.selfIssued) return true;
  return c.keyCertSign === true;
}

/** Why a certificate is no CA, in words for a message (meaningful when `isCA` is false). */
export function notCaReason(c: Pick<CaFlags, 'basicConstraintsCA' | 'keyCertSign'>): string {
  if (c.keyCertSign === false) return 'its keyUsage lacks keyCertSign';
  if (c.basicConstraintsCA === false) return 'its basicConstraints say CA:FALSE';
  return 'it has no basicConstraints CA:TRUE';
}

/**
 * RFC 5280's rule for a certificate that signs certificates (§4.2.1.9, §4.2.1.3), stricter than OpenSSL's: it must
 * say basicConstraints cA TRUE (`not-ca`), and, when it has a keyUsage, that usage must include keyCertSign
 * (`no-key-cert-sign`). The generator issues only from such CAs; `inspect` flags a CA without keyCertSign.
 */
export function issuerProblem(c: Pick<CaFlags, 'basicConstraintsCA' | 'keyCertSign'>): 'not-ca' | 'no-key-cert-sign' | undefined {
  if (c.basicConstraintsCA !== true) return 'not-ca';
  if (c.keyCertSign === false) return 'no-key-cert-sign';
  return undefined;
}

/** The Server Gated Cryptography usages (Netscape's and Microsoft's), which OpenSSL still takes for serverAuth (XKU_SGC). */
const SGC = ['2.16.840.1.113730.4.1', '1.3.6.1.4.1.311.10.3.3'];

/**
 * Whether an extendedKeyUsage allows a TLS role as OpenSSL checks it (`xku_reject` in `check_purpose_ssl_server` and
 * `_client`): absent, empty, or listing the role's usage (for serverAuth also an SGC usage). anyExtendedKeyUsage alone
 * does NOT count: OpenSSL keeps it as a bit of its own (XKU_ANYEKU) and refuses such a certificate in both roles
 * ("unsuitable certificate purpose", seen with OpenSSL 3.0). OpenSSL asks this of every certificate of the verified
 * chain, the trust anchor included, with the purpose of the peer's role.
 */
export function allowsPurpose(eku: readonly string[] | undefined, purpose: 'serverAuth' | 'clientAuth'): boolean {
  if (!eku || eku.length === 0) return true;
  return eku.includes(OID[purpose]) || (purpose === 'serverAuth' && eku.some(o => SGC.includes(o)));
}

/** Whether an extendedKeyUsage allows TLS in at least one role (a certificate without it OpenSSL refuses in both). */
export function allowsTls(eku: readonly string[] | undefined): boolean {
  return allowsPurpose(eku, 'serverAuth') || allowsPurpose(eku, 'clientAuth');
}

/** A certificate that carries end-entity signs: a host name or address SAN, or a TLS server or client usage. */
export function looksLikeEndEntity(c: { subjectAltNames: readonly string[]; extendedKeyUsage: readonly string[] | undefined }): boolean {
  return c.subjectAltNames.some(s => s.startsWith('DNS:') || s.startsWith('IP:'))
    || !!c.extendedKeyUsage?.some(o => o === OID.serverAuth || o === OID.clientAuth);
}

/**
 * The enciphering usages (keyEncipherment, dataEncipherment) set for a key that cannot encipher (EC, EdDSA): RFC 8813
 * and RFC 8410 forbid them, and strict clients reject such certificates. Empty when there is nothing wrong.
 */
export function misplacedEncipherment(keyType: KeyType, usages: readonly KeyUsageName[]): KeyUsageName[] {
  if (!cannotEncipher(keyType)) return [];
  return usages.filter(u => u === 'keyEncipherment' || u === 'dataEncipherment');
}
