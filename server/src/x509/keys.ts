/**
 * Public keys as facts: their type, size and curve, in one vocabulary whichever reader produced them (the ASN.1
 * readers of `pgtls inspect` and the generator, or OpenSSL through the TLS backend, which names types as Node.js does).
 */
import type { PublicKeyInfo } from '../core/tlsBackend';
import { OID, curveBits, namedCurve } from './oids';

export type KeyType = 'RSA' | 'RSA-PSS' | 'DSA' | 'EC' | 'Ed25519' | 'Ed448' | 'unknown';

export interface KeyFacts {
  type: KeyType;
  /** RSA and DSA: the modulus (prime) length; EC: the curve's field size; EdDSA: the key's fixed size. */
  bits?: number;
  /** EC: the curve, by its printed name (`P-256`), OpenSSL's name (`prime256v1`), or its OID when unknown. */
  curve?: string;
}

/** The fixed sizes pgtls reports for EdDSA keys (RFC 8032: 256-bit Ed25519 keys, 456-bit Ed448 keys). */
export const EDDSA_BITS = { Ed25519: 256, Ed448: 456 } as const;

const KEY_TYPES: Record<string, KeyType> = {
  [OID.rsaEncryption]: 'RSA',
  [OID.rsassaPss]: 'RSA-PSS',
  [OID.dsa]: 'DSA',
  [OID.ecPublicKey]: 'EC',
  [OID.ed25519]: 'Ed25519',
  [OID.ed448]: 'Ed448',
};

/** The key type of a SubjectPublicKeyInfo or PKCS#8 algorithm OID. */
export function keyTypeOfOid(oid: string): KeyType {
  return KEY_TYPES[oid] ?? 'unknown';
}

/** The curve of a named-curve OID: its printed name and size from the table, else the OID without a size. */
export function curveOfOid(oid: string): { curve: string; bits?: number } {
  const c = namedCurve(oid);
  return c ? { curve: c.name, bits: c.bits } : { curve: oid };
}

/** The number of significant bits of an unsigned big-endian integer (an RSA modulus). */
export function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

const NODE_TYPES: Record<string, KeyType> = {
  rsa: 'RSA', 'rsa-pss': 'RSA-PSS', dsa: 'DSA', ec: 'EC', ed25519: 'Ed25519', ed448: 'Ed448',
};

/** The facts of a key the TLS backend read (Node.js type names, an OpenSSL curve name). */
export function keyOfPublicKeyInfo(k: PublicKeyInfo): KeyFacts {
  const type = NODE_TYPES[k.type] ?? 'unknown';
  const out: KeyFacts = { type };
  if (type === 'EC') {
    if (k.curve !== undefined) out.curve = k.curve;
    const bits = curveBits(k.curve);
    if (bits !== undefined) out.bits = bits;
  } else if (type === 'Ed25519' || type === 'Ed448') {
    out.bits = EDDSA_BITS[type];
  } else if (k.bits !== undefined) {
    out.bits = k.bits;
  }
  return out;
}

/** The key family that TLS authentication and the cipher suites care about: RSA-PSS is RSA there. */
export type KeyFamily = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'other';

export function keyFamily(k: Pick<KeyFacts, 'type'>): KeyFamily {
  switch (k.type) {
    case 'RSA': case 'RSA-PSS': return 'RSA';
    case 'EC': case 'Ed25519': case 'Ed448': case 'DSA': return k.type;
    default: return 'other';
  }
}

/** Key types that cannot encipher (no RSA key transport), so `keyEncipherment`/`dataEncipherment` make no sense for them. */
export function cannotEncipher(type: KeyType): boolean {
  return type === 'EC' || type === 'Ed25519' || type === 'Ed448';
}
