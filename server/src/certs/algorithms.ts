/**
 * Key algorithms and signature hashes that pgtls generates, and the refusal of weak ones. The CLI parses user input
 * with `parseAlgorithm` / `assertStrong`. The thresholds are the `pgtls` column of the strength table
 * (x509/strength.ts), which `inspect.ts` flags by too, so "what we refuse to make" and "what we flag in an existing
 * file" cannot drift apart.
 */
import { STRENGTH, weakHashes } from '../x509';

/** Every error the certificate code throws on purpose. Messages name the offending option, never key material. */
export class CertError extends Error {
  override readonly name = 'CertError';
}

/** The key algorithms pgtls can generate, in the order the CLI lists them. */
export const KEY_ALGORITHMS = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/**
 * ECDSA P-256: small keys and fast handshakes, supported by every libpq/OpenSSL that pgpool and PostgreSQL run on,
 * and what Percona's operator uses for all its leaf certificates.
 */
export const DEFAULT_ALGORITHM: KeyAlgorithm = 'ecdsa-p256';

export const SIGNATURE_HASHES = ['SHA-256', 'SHA-384', 'SHA-512'] as const;
export type SignatureHash = (typeof SIGNATURE_HASHES)[number];

/** The smallest RSA key pgtls makes (the strength table's `pgtls` column). */
export const MIN_RSA_BITS = STRENGTH.keys.RSA.pgtls;

/** Hashes whose collision resistance is broken, so a certificate signed with them can be forged (from the strength table). */
export const WEAK_HASHES: readonly string[] = weakHashes('pgtls');

export interface AlgorithmSpec {
  name: KeyAlgorithm;
  family: 'ECDSA' | 'RSA' | 'Ed25519';
  /** For `openssl`-style descriptions: "ECDSA P-256", "RSA 3072", "Ed25519". */
  label: string;
  /** WebCrypto key generation parameters (RSA gets its hash here because WebCrypto binds it to the key). */
  keyGen(hash: SignatureHash | undefined): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm;
  /** The hash used when a key of this algorithm signs certificates; `undefined` for Ed25519 (pure EdDSA). */
  defaultHash: SignatureHash | undefined;
  /** Whether the key can do RSA key transport, i.e. whether `keyEncipherment` is meaningful in its key usage. */
  keyEncipherment: boolean;
}

function rsa(bits: 2048 | 3072 | 4096): AlgorithmSpec {
  return {
    name: `rsa-${bits}`,
    family: 'RSA',
    label: `RSA ${bits}`,
    keyGen: hash => ({ name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: hash ?? 'SHA-256' }),
    defaultHash: 'SHA-256',
    keyEncipherment: true,
  };
}

const SPECS: Record<KeyAlgorithm, AlgorithmSpec> = {
  'ecdsa-p256': {
    name: 'ecdsa-p256', family: 'ECDSA', label: 'ECDSA P-256',
    keyGen: () => ({ name: 'ECDSA', namedCurve: 'P-256' }), defaultHash: 'SHA-256', keyEncipherment: false,
  },
  // SHA-384 matches P-384's 192-bit security level (RFC 5480 §4; CNSA suite).
  'ecdsa-p384': {
    name: 'ecdsa-p384', family: 'ECDSA', label: 'ECDSA P-384',
    keyGen: () => ({ name: 'ECDSA', namedCurve: 'P-384' }), defaultHash: 'SHA-384', keyEncipherment: false,
  },
  'rsa-2048': rsa(2048),
  'rsa-3072': rsa(3072),
  'rsa-4096': rsa(4096),
  ed25519: {
    name: 'ed25519', family: 'Ed25519', label: 'Ed25519',
    keyGen: () => ({ name: 'Ed25519' }), defaultHash: undefined, keyEncipherment: false,
  },
};

export function algorithmSpec(algorithm: KeyAlgorithm): AlgorithmSpec {
  return SPECS[algorithm];
}

/**
 * Normalises a user-given algorithm name (`ecdsa-p256`, `ECDSA_P256`, `rsa2048` as in the openssl recipe ...).
 * Throws a CertError for weak RSA sizes and DSA (saying why), and for unknown names (listing the valid ones).
 */
export function parseAlgorithm(name: string): KeyAlgorithm {
  const squashed = String(name).trim().toLowerCase().replace(/[-_\s:]/g, '');
  const found = KEY_ALGORITHMS.find(a => a.replace(/-/g, '') === squashed);
  if (found) return found;
  const rsaBits = /^rsa(\d+)$/.exec(squashed);
  if (rsaBits) {
    const bits = Number(rsaBits[1]);
    if (bits < MIN_RSA_BITS) {
      throw new CertError(`RSA-${bits} is too weak: RSA keys must have at least ${MIN_RSA_BITS} bits (use rsa-2048, rsa-3072 or rsa-4096, or ecdsa-p256)`);
    }
    throw new CertError(`RSA-${bits} is not offered: use rsa-2048, rsa-3072 or rsa-4096`);
  }
  if (/^dsa\d*$/.test(squashed)) {
    throw new CertError('DSA keys are refused: TLS 1.3 cannot use them and OpenSSL 3 disables them at common security levels; use ecdsa-p256');
  }
  throw new CertError(`unknown key algorithm ${quoteInput(name)}; valid algorithms: ${KEY_ALGORITHMS.join(', ')}`);
}

/** Normalises a hash name (`sha256`, `SHA-256`, `sha_384` ...); refuses MD5/SHA-1 and unknown names. */
export function parseHash(name: string): SignatureHash {
  const squashed = String(name).trim().toUpperCase().replace(/[-_\s]/g, '');
  const weak = WEAK_HASHES.find(h => h.replace(/-/g, '') === squashed);
  if (weak) {
    throw new CertError(`${weak} signatures are refused: ${weak} collisions are practical, so a certificate signed with it can be forged; use SHA-256 or stronger`);
  }
  const found = SIGNATURE_HASHES.find(h => h.replace(/-/g, '') === squashed);
  if (found) return found;
  throw new CertError(`unknown signature hash ${quoteInput(name)}; valid hashes: ${SIGNATURE_HASHES.join(', ')}`);
}

/**
 * Checks an algorithm and an optional signature hash as a user gave them, and returns them normalised.
 * Refuses RSA below 2048 bits, MD5 and SHA-1 (CertError with the reason), and a hash with Ed25519, which signs
 * without a separate digest. Without a hash, the algorithm's default is returned.
 */
export function assertStrong(algorithm: string, hash?: string): { algorithm: KeyAlgorithm; hash: SignatureHash | undefined } {
  const alg = parseAlgorithm(algorithm);
  const spec = SPECS[alg];
  if (hash === undefined || hash === '') return { algorithm: alg, hash: spec.defaultHash };
  const h = parseHash(hash);
  if (spec.defaultHash === undefined) {
    throw new CertError(`${spec.label} signs without a separate hash; leave the hash unset (got ${h})`);
  }
  return { algorithm: alg, hash: h };
}

/**
 * Quotes user input for an error message. Anything that could be key material pasted into the wrong field (a PEM
 * marker, several lines, a long blob) is described by its length instead of echoed.
 */
export function quoteInput(s: unknown): string {
  const str = String(s);
  if (str.length > 80 || /-----|[\u0000-\u001f\u007f]/.test(str)) return `(a value of ${str.length} characters)`;
  return `"${str}"`;
}
