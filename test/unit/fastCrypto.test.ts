/**
 * The node:crypto-backed WebCrypto (server/src/node/fastCrypto.ts) against Node's own WebCrypto and OpenSSL:
 * the same DER, signatures each side verifies, WebCrypto's checks and error names, delegation of everything else,
 * and no key material on the key objects.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { inspect } from 'node:util';
import { fastCrypto, isFastCryptoKey } from '../../server/src/node/fastCrypto';

const web = nodeCrypto.webcrypto as unknown as Crypto;
const fast = fastCrypto();

const CURVES = [
  { name: 'P-256', openssl: 'prime256v1', hashes: ['SHA-256', 'SHA-384', 'SHA-512'] },
  { name: 'P-384', openssl: 'secp384r1', hashes: ['SHA-384', 'SHA-256'] },
  { name: 'P-521', openssl: 'secp521r1', hashes: ['SHA-512'] },
] as const;
type Alg = EcKeyGenParams | Algorithm;
const ALGS: { label: string; alg: Alg; sign: (hash: string) => Algorithm | EcdsaParams; hashes: readonly string[] }[] = [
  ...CURVES.map(c => ({ label: `ECDSA ${c.name}`, alg: { name: 'ECDSA', namedCurve: c.name }, sign: (hash: string) => ({ name: 'ECDSA', hash }) as EcdsaParams, hashes: c.hashes })),
  { label: 'Ed25519', alg: { name: 'Ed25519' }, sign: () => ({ name: 'Ed25519' }), hashes: ['-'] },
];

const buf = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b));

async function pair(c: Crypto, alg: Alg, extractable = true): Promise<CryptoKeyPair> {
  return await c.subtle.generateKey(alg as EcKeyGenParams, extractable, ['sign', 'verify']) as CryptoKeyPair;
}

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === name);
}

describe('fastCrypto keys', () => {
  for (const { label, alg } of ALGS) {
    test(`${label}: generateKey gives WebCrypto-shaped keys whose DER is what OpenSSL writes`, async () => {
      // Many keys, so that values with leading zero octets (1 in 256) are among them.
      const runs = label.includes('P-256') || label === 'Ed25519' ? 300 : 40;
      for (let i = 0; i < runs; i++) {
        const { publicKey, privateKey } = await pair(fast, alg);
        assert.ok(isFastCryptoKey(publicKey) && isFastCryptoKey(privateKey));
        const pk8 = buf(await fast.subtle.exportKey('pkcs8', privateKey));
        const spki = buf(await fast.subtle.exportKey('spki', publicKey));
        const ossl = nodeCrypto.createPrivateKey({ key: pk8, format: 'der', type: 'pkcs8' });
        // OpenSSL's own encoding of the same key, rebuilt from its JWK (so nothing of our layout can carry over).
        const canonical = nodeCrypto.createPrivateKey({ key: ossl.export({ format: 'jwk' }), format: 'jwk' });
        assert.deepEqual(canonical.export({ format: 'der', type: 'pkcs8' }), pk8, 'PKCS#8 as OpenSSL encodes it');
        assert.deepEqual(nodeCrypto.createPublicKey(ossl).export({ format: 'der', type: 'spki' }), spki, 'the SPKI belongs to the private key');
        if (i === 0) {
          assert.deepEqual([publicKey.type, publicKey.extractable, publicKey.usages], ['public', true, ['verify']]);
          assert.deepEqual([privateKey.type, privateKey.extractable, privateKey.usages], ['private', true, ['sign']]);
          const w = await pair(web, alg);
          assert.deepEqual({ ...privateKey.algorithm }, { ...w.privateKey.algorithm });
          assert.equal(Object.prototype.toString.call(privateKey), '[object CryptoKey]');
        }
      }
    });
  }

  test('raw export of a public key: the SPKI BIT STRING contents, as WebCrypto gives them; never for a private key', async () => {
    for (const { alg } of ALGS) {
      const { publicKey, privateKey } = await pair(fast, alg);
      const raw = buf(await fast.subtle.exportKey('raw', publicKey));
      const spki = buf(await fast.subtle.exportKey('spki', publicKey));
      assert.deepEqual(raw, spki.subarray(spki.length - raw.length), 'the tail of the SPKI');
      const inWeb = await web.subtle.importKey('spki', spki, alg, true, ['verify']);
      assert.deepEqual(raw, buf(await web.subtle.exportKey('raw', inWeb)), 'what WebCrypto exports for the same key');
      await rejectsWith(fast.subtle.exportKey('raw', privateKey), 'InvalidAccessError');
    }
  });

  test('key objects show no key material: inspect, JSON and own properties hold algorithm and usages only', async () => {
    for (const { alg } of ALGS) {
      const { privateKey } = await pair(fast, alg);
      const pk8 = buf(await fast.subtle.exportKey('pkcs8', privateKey));
      const secret = nodeCrypto.createPrivateKey({ key: pk8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d!;
      const shown = [inspect(privateKey, { showHidden: true, depth: 9 }), JSON.stringify(privateKey), String(privateKey)].join('\n');
      assert.ok(!shown.includes(secret), 'the private scalar does not show');
      assert.ok(!shown.includes(pk8.toString('base64').slice(-24)) && !shown.includes(pk8.toString('hex').slice(-24)));
      assert.deepEqual(Object.keys(privateKey).sort(), ['algorithm', 'extractable', 'type', 'usages']);
      assert.ok(Object.isFrozen(privateKey));
    }
  });

  test('the public key is extractable even when the private one is not; a non-extractable key does not export', async () => {
    const { publicKey, privateKey } = await pair(fast, { name: 'ECDSA', namedCurve: 'P-256' }, false);
    assert.equal(publicKey.extractable, true);
    assert.equal(privateKey.extractable, false);
    await rejectsWith(fast.subtle.exportKey('pkcs8', privateKey), 'InvalidAccessError');
    await rejectsWith(fast.subtle.exportKey('pkcs8', publicKey), 'InvalidAccessError');
    await rejectsWith(fast.subtle.exportKey('spki', privateKey), 'InvalidAccessError');
    assert.equal(buf(await fast.subtle.exportKey('spki', publicKey)).length, 91);
  });

  test('generateKey refuses usages WebCrypto refuses', async () => {
    for (const c of [web, fast]) {
      await rejectsWith(c.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['encrypt']), 'SyntaxError');
      await rejectsWith(c.subtle.generateKey({ name: 'Ed25519' }, true, ['verify']), 'SyntaxError');
    }
  });
});

describe('fastCrypto signatures', () => {
  const data = new TextEncoder().encode('to be signed: a TBSCertificate, say');
  for (const { label, alg, sign, hashes } of ALGS) {
    test(`${label}: fast signs, WebCrypto verifies, and the other way round (IEEE P1363 form)`, async () => {
      const f = await pair(fast, alg);
      const w = await pair(web, alg);
      // The same keys on each side, moved through their DER.
      const fPubInWeb = await web.subtle.importKey('spki', await fast.subtle.exportKey('spki', f.publicKey), alg, true, ['verify']);
      const wPubInFast = await fast.subtle.importKey('spki', await web.subtle.exportKey('spki', w.publicKey), alg, true, ['verify']);
      const wPrivInFast = await fast.subtle.importKey('pkcs8', await web.subtle.exportKey('pkcs8', w.privateKey), alg, false, ['sign']);
      assert.ok(isFastCryptoKey(wPubInFast) && isFastCryptoKey(wPrivInFast));
      for (const hash of hashes) {
        const params = sign(hash);
        const sigF = await fast.subtle.sign(params, f.privateKey, data);
        assert.equal(await web.subtle.verify(params, fPubInWeb, sigF, data), true, `${hash}: WebCrypto verifies ours`);
        assert.equal(await fast.subtle.verify(params, f.publicKey, sigF, data), true);
        const sigW = await web.subtle.sign(params, w.privateKey, data);
        assert.equal(buf(sigW).length, buf(sigF).length, 'same fixed-width form');
        assert.equal(await fast.subtle.verify(params, wPubInFast, sigW, data), true, `${hash}: we verify WebCrypto's`);
        const sigI = await fast.subtle.sign(params, wPrivInFast, data);
        assert.equal(await web.subtle.verify(params, w.publicKey, sigI, data), true, 'an imported private key signs');
        // Wrong data, a flipped bit, a truncated signature: false, not an exception.
        const flipped = buf(sigF);
        flipped[3] ^= 1;
        assert.equal(await fast.subtle.verify(params, f.publicKey, flipped, data), false);
        assert.equal(await fast.subtle.verify(params, f.publicKey, sigF, new Uint8Array([1, 2, 3])), false);
        assert.equal(await fast.subtle.verify(params, f.publicKey, buf(sigF).subarray(1), data), false);
      }
    });
  }

  test('keys are used only as WebCrypto allows: type, usage and algorithm name are checked', async () => {
    const ec = await pair(fast, { name: 'ECDSA', namedCurve: 'P-256' });
    const ed = await pair(fast, { name: 'Ed25519' });
    const params = { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams;
    await rejectsWith(fast.subtle.sign(params, ec.publicKey, new Uint8Array(1)), 'InvalidAccessError');
    await rejectsWith(fast.subtle.verify(params, ec.privateKey, new Uint8Array(64), new Uint8Array(1)), 'InvalidAccessError');
    await rejectsWith(fast.subtle.sign({ name: 'Ed25519' }, ec.privateKey, new Uint8Array(1)), 'InvalidAccessError');
    await rejectsWith(fast.subtle.sign(params, ed.privateKey, new Uint8Array(1)), 'InvalidAccessError');
    await rejectsWith(fast.subtle.sign({ name: 'ECDSA', hash: 'MD5' } as EcdsaParams, ec.privateKey, new Uint8Array(1)), 'NotSupportedError');
  });

  test('importKey: wrong curve or key type is a DataError, garbage too; usages are checked', async () => {
    const p384 = await pair(web, { name: 'ECDSA', namedCurve: 'P-384' });
    const spki384 = await web.subtle.exportKey('spki', p384.publicKey);
    const pk8_384 = await web.subtle.exportKey('pkcs8', p384.privateKey);
    await rejectsWith(fast.subtle.importKey('spki', spki384, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']), 'DataError');
    await rejectsWith(fast.subtle.importKey('pkcs8', pk8_384, { name: 'Ed25519' }, true, ['sign']), 'DataError');
    await rejectsWith(fast.subtle.importKey('spki', new Uint8Array([0x30, 0x03, 1, 2, 3]), { name: 'Ed25519' }, true, ['verify']), 'DataError');
    await rejectsWith(fast.subtle.importKey('spki', pk8_384, { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']), 'DataError');
    await rejectsWith(fast.subtle.importKey('pkcs8', pk8_384, { name: 'ECDSA', namedCurve: 'P-384' }, true, ['verify']), 'SyntaxError');
    await rejectsWith(fast.subtle.importKey('pkcs8', pk8_384, { name: 'ECDSA', namedCurve: 'P-384' }, true, []), 'SyntaxError');
    const k = await fast.subtle.importKey('pkcs8', pk8_384, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']);
    assert.deepEqual([k.type, k.extractable, k.usages, { ...k.algorithm }], ['private', false, ['sign'], { name: 'ECDSA', namedCurve: 'P-384' }]);
  });
});

describe('fastCrypto digests, randomness and delegation', () => {
  test('digest equals WebCrypto for SHA-1/256/384/512, also for views with an offset', async () => {
    const backing = new Uint8Array(300).map((_, i) => (i * 7) & 0xff);
    const inputs: BufferSource[] = [new Uint8Array(0), backing, backing.subarray(13, 250), new DataView(backing.buffer, 5, 100), backing.buffer];
    for (const h of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512', { name: 'SHA-256' }]) {
      for (const d of inputs) assert.deepEqual(buf(await fast.subtle.digest(h, d)), buf(await web.subtle.digest(h, d)));
    }
  });

  test('random values come from the wrapped crypto', () => {
    let calls = 0;
    const base = { ...web, subtle: web.subtle, getRandomValues: <T extends ArrayBufferView | null>(a: T) => { calls++; return web.getRandomValues(a as ArrayBufferView) as T; } } as Crypto;
    const c = fastCrypto(base);
    c.getRandomValues(new Uint8Array(16));
    assert.equal(calls, 1);
  });

  test('RSA and other formats go to the wrapped WebCrypto; a key of ours is imported there when needed', async () => {
    const rsa = await fast.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']) as CryptoKeyPair;
    assert.ok(rsa.privateKey instanceof globalThis.CryptoKey && !isFastCryptoKey(rsa.privateKey));
    const sig = await fast.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, rsa.privateKey, new Uint8Array(8));
    assert.equal(await web.subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, rsa.publicKey, sig, new Uint8Array(8)), true);

    const ed = await pair(fast, { name: 'Ed25519' });
    const jwk = await fast.subtle.exportKey('jwk', ed.privateKey) as JsonWebKey;
    assert.deepEqual([jwk.kty, jwk.crv, jwk.ext, jwk.key_ops], ['OKP', 'Ed25519', true, ['sign']]);
    const raw = buf(await fast.subtle.exportKey('raw', ed.publicKey));
    assert.deepEqual(raw, buf(await fast.subtle.exportKey('spki', ed.publicKey)).subarray(-32));
    const imported = await fast.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, true, ['sign']);
    const s = await fast.subtle.sign({ name: 'Ed25519' }, imported, new Uint8Array(4));
    assert.equal(await fast.subtle.verify({ name: 'Ed25519' }, ed.publicKey, s, new Uint8Array(4)), true, 'mixed: a WebCrypto key signs, ours verifies');
  });
});
