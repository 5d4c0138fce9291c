/**
 * A WebCrypto `Crypto` for Node.js whose ECDSA, Ed25519 and digest operations run synchronously on `node:crypto`
 * (OpenSSL) instead of as WebCrypto jobs. Node's `crypto.subtle` sends every generateKey/sign/exportKey/digest to
 * the libuv thread pool and back; for the small EC and EdDSA operations of certificate generation those round
 * trips cost far more than the cryptography itself. The certificate generator stays pure: it is handed this object
 * instead of `webcrypto`, through the same `Crypto` interface.
 *
 * Scope: ECDSA (P-256, P-384, P-521) and Ed25519 keys: generateKey, importKey/exportKey in spki and pkcs8, exportKey
 * of a public key in raw, sign and verify; digest with SHA-1/256/384/512. Everything else (RSA, other formats, other
 * algorithms) is delegated to the wrapped WebCrypto, and a key of ours handed to such an operation is first imported
 * there. RSA key generation in particular stays asynchronous: done synchronously it would block the language server
 * for seconds. The slowest operation done here, a P-384 key or signature, takes about a millisecond in OpenSSL 3.0.
 *
 * The results are the ones WebCrypto gives: ECDSA signatures in IEEE P1363 form (r‖s), exportKey DER as OpenSSL
 * encodes it (KeyObject.export), the same usage, extractability and algorithm checks, DOMException names included.
 * Key material lives in a module-private WeakMap, so a key object shows only its algorithm and usages when logged.
 */
import { namedCurve } from '../x509';
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, randomFillSync, randomUUID, sign as nodeSign, verify as nodeVerify, webcrypto, type KeyObject } from 'node:crypto';

type Curve = 'P-256' | 'P-384' | 'P-521';
type FastAlgorithm = { name: 'ECDSA'; namedCurve: Curve } | { name: 'Ed25519' };

/** WebCrypto curve name → OpenSSL's, as `KeyObject.asymmetricKeyDetails.namedCurve` reports it (the X.509 room's table). */
const OPENSSL_CURVES = Object.fromEntries((['P-256', 'P-384', 'P-521'] as const).map(c => [c, namedCurve(c)!.openssl])) as Record<Curve, string>;

/**
 * Curves whose key generation and signing cost OpenSSL 3.0 a millisecond or more each (no optimised implementation,
 * unlike P-256 and Ed25519): these go to libuv's thread pool, so that the keys and signatures of a set that do not
 * depend on each other are computed side by side; for the fast curves the hop would cost more than the work.
 */
const THREAD_POOL_CURVES: ReadonlySet<Curve> = new Set<Curve>(['P-384', 'P-521']);

function ecKeyPairAsync(namedCurve: string): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => generateKeyPair('ec', { namedCurve }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey }))));
}

function signAsync(digest: string | null, data: Uint8Array, key: Parameters<typeof nodeSign>[2]): Promise<Buffer> {
  return new Promise((resolve, reject) => nodeSign(digest, data, key, (err, sig) => (err ? reject(err) : resolve(sig))));
}
const DIGESTS: Record<string, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

const material = new WeakMap<object, KeyObject>();

/** SPKI or PKCS#8 DER of a key, as OpenSSL encodes it. */
function exportDer(k: KeyObject, format: 'spki' | 'pkcs8'): Uint8Array<ArrayBuffer> {
  const b = k.export({ format: 'der', type: format });
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

/**
 * WebCrypto's `raw` form of a public key (what an SPKI's BIT STRING holds): the uncompressed point 04‖x‖y for
 * ECDSA (SEC 1 §2.3.3), the 32 key octets for Ed25519 (RFC 8032 §5.1.5). Read from the key's JWK, which OpenSSL
 * gives in a few microseconds where its DER encoder takes a few hundred.
 */
function exportRaw(k: KeyObject, alg: FastAlgorithm): Uint8Array<ArrayBuffer> {
  const jwk = k.export({ format: 'jwk' });
  const x = Buffer.from(String(jwk.x), 'base64url');
  if (alg.name === 'Ed25519') return new Uint8Array(x);
  const y = Buffer.from(String(jwk.y), 'base64url');
  const point = new Uint8Array(1 + x.length + y.length);
  point[0] = 0x04;
  point.set(x, 1);
  point.set(y, 1 + x.length);
  return point;
}

/** A CryptoKey whose material is a node:crypto KeyObject. Has the four properties WebCrypto's CryptoKey has. */
class FastCryptoKey {
  readonly type: KeyType;
  readonly extractable: boolean;
  readonly algorithm: FastAlgorithm;
  readonly usages: KeyUsage[];
  constructor(key: KeyObject, algorithm: FastAlgorithm, extractable: boolean, usages: KeyUsage[]) {
    this.type = key.type === 'private' ? 'private' : 'public';
    this.extractable = extractable;
    this.algorithm = Object.freeze({ ...algorithm });
    this.usages = usages;
    material.set(this, key);
    Object.freeze(this);
  }
  get [Symbol.toStringTag](): string {
    return 'CryptoKey';
  }
}

function keyObject(key: unknown): KeyObject | undefined {
  return typeof key === 'object' && key !== null ? material.get(key) : undefined;
}

function fail(name: 'NotSupportedError' | 'InvalidAccessError' | 'DataError' | 'SyntaxError' | 'OperationError', message: string): never {
  throw new DOMException(message, name);
}

/** The algorithm name of a WebCrypto `AlgorithmIdentifier` (a string or `{ name }`), or undefined. */
function algName(a: unknown): string | undefined {
  if (typeof a === 'string') return a;
  if (typeof a === 'object' && a !== null && typeof (a as { name?: unknown }).name === 'string') return (a as { name: string }).name;
  return undefined;
}

/** The ECDSA/Ed25519 algorithm we handle for these parameters, or undefined to delegate. */
function fastAlgorithm(a: unknown): FastAlgorithm | undefined {
  const name = algName(a)?.toUpperCase();
  if (name === 'ED25519') return { name: 'Ed25519' };
  if (name === 'ECDSA') {
    const curve = (a as { namedCurve?: unknown }).namedCurve;
    if (curve === 'P-256' || curve === 'P-384' || curve === 'P-521') return { name: 'ECDSA', namedCurve: curve };
  }
  return undefined;
}

/** The node:crypto digest name for a WebCrypto hash identifier, or undefined when it is not one we handle. */
function digestName(hash: unknown): string | undefined {
  const n = algName(hash)?.toUpperCase();
  return n === undefined ? undefined : DIGESTS[n];
}

function bytes(data: BufferSource): Uint8Array {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError('the data must be an ArrayBuffer or an ArrayBufferView');
}

/** A fresh ArrayBuffer with the bytes (WebCrypto results never share memory with anything). */
function arrayBuffer(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}

function checkUsages(usages: Iterable<KeyUsage>, allowed: readonly KeyUsage[], what: string): KeyUsage[] {
  const list = [...usages];
  for (const u of list) if (!allowed.includes(u)) fail('SyntaxError', `unsupported key usage for ${what}: ${String(u)}`);
  return list;
}

/** Checks that a KeyObject is of the algorithm (and curve) the caller asked for, as WebCrypto's importKey does. */
function checkKeyMatches(key: KeyObject, alg: FastAlgorithm): void {
  if (alg.name === 'Ed25519') {
    if (key.asymmetricKeyType !== 'ed25519') fail('DataError', 'the key is not an Ed25519 key');
    return;
  }
  if (key.asymmetricKeyType !== 'ec') fail('DataError', 'the key is not an EC key');
  if (key.asymmetricKeyDetails?.namedCurve !== OPENSSL_CURVES[alg.namedCurve]) fail('DataError', `the key is not on curve ${alg.namedCurve}`);
}

function checkKeyFor(key: FastCryptoKey, params: unknown, usage: KeyUsage): void {
  if (algName(params)?.toUpperCase() !== key.algorithm.name.toUpperCase()) {
    fail('InvalidAccessError', `the key is for ${key.algorithm.name}, not ${String(algName(params))}`);
  }
  if (!key.usages.includes(usage)) fail('InvalidAccessError', `the key may not be used to ${usage}`);
  if (key.type !== (usage === 'sign' ? 'private' : 'public')) fail('InvalidAccessError', `${usage} needs a ${usage === 'sign' ? 'private' : 'public'} key`);
}

/** The node:crypto sign/verify digest and options for a key and WebCrypto sign parameters. */
function signArgs(key: FastCryptoKey, params: unknown, k: KeyObject): { digest: string | null; key: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } } {
  if (key.algorithm.name === 'Ed25519') return { digest: null, key: k };
  const digest = digestName((params as { hash?: unknown }).hash);
  if (digest === undefined) fail('NotSupportedError', `unsupported ECDSA hash: ${String(algName((params as { hash?: unknown }).hash))}`);
  return { digest, key: { key: k, dsaEncoding: 'ieee-p1363' } };
}

/**
 * Wraps `base` (Node's WebCrypto by default, loaded only when an operation is delegated to it: loading it costs a
 * short-lived `pgtls cert` process several milliseconds). Random values come from base's `getRandomValues`, or
 * without a base from node:crypto's `randomFillSync`: the same system CSPRNG, without loading WebCrypto.
 */
export function fastCrypto(given?: Crypto): Crypto {
  let base = given;
  const subtle = () => (base ??= webcrypto as unknown as Crypto).subtle;

  /** A key the base WebCrypto can use: a key of ours is imported there first (only ever for delegated operations). */
  async function baseKey(key: CryptoKey): Promise<CryptoKey> {
    const k = keyObject(key);
    if (!k) return key;
    const fk = key as unknown as FastCryptoKey;
    const format = k.type === 'private' ? 'pkcs8' : 'spki';
    return await subtle().importKey(format, exportDer(k, format), fk.algorithm, fk.extractable, fk.usages);
  }

  const fast = {
    async digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
      const d = digestName(algorithm);
      if (d === undefined) return await subtle().digest(algorithm, data);
      return arrayBuffer(createHash(d).update(bytes(data)).digest());
    },

    async generateKey(algorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKeyPair | CryptoKey> {
      const alg = fastAlgorithm(algorithm);
      if (!alg) return await subtle().generateKey(algorithm as EcKeyGenParams, extractable, usages);
      const list = checkUsages(usages, ['sign', 'verify'], alg.name);
      const privUsages = list.filter(u => u === 'sign');
      if (privUsages.length === 0) fail('SyntaxError', 'a private key needs the "sign" usage');
      const pair = alg.name === 'Ed25519' ? generateKeyPairSync('ed25519')
        : THREAD_POOL_CURVES.has(alg.namedCurve) ? await ecKeyPairAsync(OPENSSL_CURVES[alg.namedCurve])
          : generateKeyPairSync('ec', { namedCurve: OPENSSL_CURVES[alg.namedCurve] });
      // As in WebCrypto, the public key is always extractable and carries only "verify".
      return {
        publicKey: new FastCryptoKey(pair.publicKey, alg, true, list.filter(u => u === 'verify')) as unknown as CryptoKey,
        privateKey: new FastCryptoKey(pair.privateKey, alg, extractable, privUsages) as unknown as CryptoKey,
      };
    },

    async importKey(format: KeyFormat, keyData: BufferSource | JsonWebKey, algorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
      const alg = fastAlgorithm(algorithm);
      if (!alg || (format !== 'spki' && format !== 'pkcs8')) {
        return await subtle().importKey(format as 'jwk', keyData as JsonWebKey, algorithm, extractable, usages);
      }
      const isPrivate = format === 'pkcs8';
      const list = checkUsages(usages, [isPrivate ? 'sign' : 'verify'], `${alg.name} ${isPrivate ? 'private' : 'public'} keys`);
      if (isPrivate && list.length === 0) fail('SyntaxError', 'a private key needs the "sign" usage');
      let k: KeyObject;
      try {
        const der = Buffer.from(bytes(keyData as BufferSource));
        k = isPrivate ? createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) : createPublicKey({ key: der, format: 'der', type: 'spki' });
      } catch {
        fail('DataError', `invalid ${format} key data`);
      }
      checkKeyMatches(k, alg);
      return new FastCryptoKey(k, alg, extractable, list) as unknown as CryptoKey;
    },

    async exportKey(format: KeyFormat, key: CryptoKey): Promise<ArrayBuffer | JsonWebKey> {
      const k = keyObject(key);
      if (!k) return await subtle().exportKey(format, key);
      if (!key.extractable) fail('InvalidAccessError', 'the key is not extractable');
      if (format === 'spki' || format === 'pkcs8') {
        if ((format === 'pkcs8') !== (k.type === 'private')) fail('InvalidAccessError', `a ${k.type} key cannot be exported as ${format}`);
        return exportDer(k, format).buffer;
      }
      if (format === 'raw' && k.type === 'public') return exportRaw(k, (key as unknown as FastCryptoKey).algorithm).buffer;
      return await subtle().exportKey(format, await baseKey(key));
    },

    async sign(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
      const k = keyObject(key);
      if (!k) return await subtle().sign(algorithm, key, data);
      const fk = key as unknown as FastCryptoKey;
      checkKeyFor(fk, algorithm, 'sign');
      const a = signArgs(fk, algorithm, k);
      if (fk.algorithm.name === 'ECDSA' && THREAD_POOL_CURVES.has(fk.algorithm.namedCurve)) return arrayBuffer(await signAsync(a.digest, bytes(data), a.key));
      return arrayBuffer(nodeSign(a.digest, bytes(data), a.key));
    },

    async verify(algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean> {
      const k = keyObject(key);
      if (!k) return await subtle().verify(algorithm, key, signature, data);
      const fk = key as unknown as FastCryptoKey;
      checkKeyFor(fk, algorithm, 'verify');
      const a = signArgs(fk, algorithm, k);
      try {
        return nodeVerify(a.digest, bytes(data), a.key, bytes(signature));
      } catch {
        return false; // a malformed signature does not verify; WebCrypto says false, not an error
      }
    },

    // The rest never sees a key of ours in pgtls; should it, the key is imported into the base WebCrypto first.
    async encrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
      return await subtle().encrypt(algorithm, await baseKey(key), data);
    },
    async decrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
      return await subtle().decrypt(algorithm, await baseKey(key), data);
    },
    async deriveBits(algorithm: EcdhKeyDeriveParams, baseK: CryptoKey, length: number): Promise<ArrayBuffer> {
      return await subtle().deriveBits(algorithm, await baseKey(baseK), length);
    },
    async deriveKey(algorithm: EcdhKeyDeriveParams, baseK: CryptoKey, derived: AesKeyGenParams, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
      return await subtle().deriveKey(algorithm, await baseKey(baseK), derived, extractable, usages);
    },
    async wrapKey(format: KeyFormat, key: CryptoKey, wrappingKey: CryptoKey, wrapAlgorithm: AlgorithmIdentifier): Promise<ArrayBuffer> {
      return await subtle().wrapKey(format, await baseKey(key), await baseKey(wrappingKey), wrapAlgorithm);
    },
    async unwrapKey(format: KeyFormat, wrapped: BufferSource, unwrappingKey: CryptoKey, unwrapAlgorithm: AlgorithmIdentifier, unwrappedKeyAlgorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
      return await subtle().unwrapKey(format, wrapped, await baseKey(unwrappingKey), unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, usages);
    },
  };

  return {
    subtle: fast as unknown as SubtleCrypto,
    getRandomValues: <T extends ArrayBufferView | null>(array: T): T => {
      if (given) return given.getRandomValues(array as ArrayBufferView) as T;
      if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
        throw new TypeError('getRandomValues takes an integer typed array');
      }
      if (array.byteLength > 65536) throw new RangeError('getRandomValues takes at most 65536 bytes');
      randomFillSync(array as unknown as NodeJS.ArrayBufferView);
      return array;
    },
    randomUUID: () => (given ? given.randomUUID() : randomUUID()),
  } as Crypto;
}

/** Whether a key was made by a `fastCrypto` object (for tests and diagnostics; says nothing about the material). */
export function isFastCryptoKey(key: unknown): boolean {
  return keyObject(key) !== undefined;
}
