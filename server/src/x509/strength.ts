/**
 * How strong keys and signatures must be: ONE table with two columns.
 *
 * - `pgtls`: what pgtls itself makes and calls strong enough. The generator refuses to make less, and `pgtls
 *   inspect` flags less, so what pgtls will not create is exactly what it flags in an existing file.
 * - `openssl`: what OpenSSL refuses at security level 2 (112-bit security), the default of Debian, Ubuntu and RHEL
 *   based images. A certificate below it does not load ("ee key too small" for the certificate a server sends,
 *   "ca key too small" for its chain and trust anchors), and a signature below it does not verify ("CA signature
 *   digest algorithm too weak"). The checks of configuration files and Secrets judge by this column: it is what
 *   breaks a connection.
 *
 * The two differ where pgtls is stricter than OpenSSL (an EC key on P-224 loads, but pgtls makes P-256 or P-384).
 */
import type { KeyFacts, KeyType } from './keys';
import { curveBits, signatureAlgorithm } from './oids';

export type StrengthColumn = 'pgtls' | 'openssl';

export interface KeyStrength {
  /** The smallest key size (bits, as `KeyFacts.bits` counts them) of this type that the column accepts. */
  pgtls: number;
  openssl: number;
}

export interface HashStrength {
  /** Whether the column accepts certificate signatures made with this digest. */
  pgtls: boolean;
  openssl: boolean;
}

/** The strength table. Key types missing from `keys` (unknown ones) are not judged. */
export const STRENGTH: {
  readonly keys: Readonly<Record<Exclude<KeyType, 'unknown'>, KeyStrength>>;
  readonly hashes: Readonly<Record<string, HashStrength>>;
} = {
  keys: {
    // NIST SP 800-131A and security level 2 both ask for 2048-bit RSA; DSA is measured the same way by OpenSSL
    // (pgtls makes no DSA keys at all: TLS 1.3 cannot use them).
    RSA: { pgtls: 2048, openssl: 2048 },
    'RSA-PSS': { pgtls: 2048, openssl: 2048 },
    DSA: { pgtls: 2048, openssl: 2048 },
    // Security level 2 takes curves from 224 bits; pgtls makes P-256 and P-384 and points at them.
    EC: { pgtls: 256, openssl: 224 },
    // Fixed sizes, 128-bit security and more.
    Ed25519: { pgtls: 0, openssl: 0 },
    Ed448: { pgtls: 0, openssl: 0 },
  },
  hashes: {
    // Collisions are practical: a certificate signed with them can be forged. OpenSSL 3 refuses SHA-1 signatures
    // from security level 1 on.
    MD2: { pgtls: false, openssl: false },
    MD4: { pgtls: false, openssl: false },
    MD5: { pgtls: false, openssl: false },
    'SHA-1': { pgtls: false, openssl: false },
    // 112-bit collision resistance: enough for level 2; pgtls does not make it but does not flag it either.
    'SHA-224': { pgtls: true, openssl: true },
    'SHA-256': { pgtls: true, openssl: true },
    'SHA-384': { pgtls: true, openssl: true },
    'SHA-512': { pgtls: true, openssl: true },
  },
};

/** Digests whose signatures a column refuses (`MD2`, `MD4`, `MD5`, `SHA-1`). */
export function weakHashes(column: StrengthColumn): string[] {
  return Object.entries(STRENGTH.hashes).filter(([, s]) => !s[column]).map(([h]) => h);
}

export interface WeakKey {
  /** The key in words, for a message: `a 1024-bit RSA key`, `an EC key on the 192-bit curve prime192v1`. */
  key: string;
  /** The smallest size the column accepts. */
  minimum: number;
  /** One sentence naming the key and what the column asks for. */
  problem: string;
}

/**
 * What is too weak about a key by one column of the table; `undefined` when it is strong enough or cannot be judged.
 * An EC key whose curve size is unknown is weak for `pgtls` (it makes named NIST curves only) and not judged for
 * `openssl` (OpenSSL decides by the curve it knows).
 */
export function weakKey(k: KeyFacts, column: StrengthColumn): WeakKey | undefined {
  if (k.type === 'unknown') return undefined;
  const minimum = STRENGTH.keys[k.type][column];
  if (k.type === 'EC') {
    const bits = k.bits ?? curveBits(k.curve);
    if (bits !== undefined ? bits >= minimum : column === 'openssl') return undefined;
    const key = bits !== undefined ? `an EC key on the ${bits}-bit curve ${k.curve ?? '(unnamed)'}` : `an EC key on ${k.curve ?? 'an unknown curve'}`;
    const problem = column === 'pgtls'
      ? `EC key on ${k.curve ?? 'an unknown curve'}; use P-256 or P-384`
      : `${key}: OpenSSL security level 2 requires a curve of at least ${minimum} bits`;
    return { key, minimum, problem };
  }
  if (k.bits === undefined || k.bits >= minimum) return undefined;
  const family = k.type === 'DSA' ? 'DSA' : k.type === 'RSA' || k.type === 'RSA-PSS' ? 'RSA' : k.type;
  const key = `a ${k.bits}-bit ${family} key`;
  const problem = column === 'pgtls'
    ? `${family} key of ${k.bits} bits; at least ${minimum} are required`
    : `${key}: OpenSSL security level 2 requires at least ${minimum} bits`;
  return { key, minimum, problem };
}

export interface WeakSignature {
  /** OpenSSL's name of the signature algorithm (`sha1WithRSAEncryption`). */
  name: string;
  /** The weak digest (`SHA-1`). */
  hash: string;
  /** One sentence naming the signature and why it fails. */
  problem: string;
}

/** The digest of a signature algorithm given by OID or OpenSSL name: the table's, else read off the name. */
function hashOf(algorithm: string): string | undefined {
  const known = signatureAlgorithm(algorithm);
  if (known) return known.hash;
  const m = /(md2|md4|md5|sha-?1)(?![0-9])/i.exec(algorithm);
  if (!m) return undefined;
  const h = m[1]!.toUpperCase();
  return h.startsWith('SHA') ? 'SHA-1' : h;
}

/**
 * Whether a certificate's signature is too weak by one column (both columns refuse the same digests today).
 * `unchecked`: nobody verifies this signature, i.e. the certificate is a self-signed trust anchor; its digest then
 * does not matter. Which certificates count as such is the caller's decision (OpenSSL's is "self-signed").
 */
export function weakSignature(algorithm: string, unchecked: boolean, column: StrengthColumn): WeakSignature | undefined {
  if (unchecked) return undefined;
  const hash = hashOf(algorithm);
  if (hash === undefined || STRENGTH.hashes[hash]?.[column] !== false) return undefined;
  const name = signatureAlgorithm(algorithm)?.name ?? algorithm;
  return { name, hash, problem: `signed with ${name}: ${hash} is broken and OpenSSL 3 refuses such signatures at its default security level` };
}
