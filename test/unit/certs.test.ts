/**
 * The certificate generator, checked with @peculiar/x509's own parser and Node's crypto (no openssl binary here;
 * test/interop/certsOpenssl.test.ts does the same against the real openssl and a real TLS handshake).
 */
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import 'reflect-metadata';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  cryptoProvider,
} from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1X509 from '@peculiar/asn1-x509';
import {
  CERT_SET_FILES,
  CLOCK_SKEW_MS,
  CertError,
  DEFAULT_CA_DAYS,
  DEFAULT_LEAF_DAYS,
  KEY_ALGORITHMS,
  PERCONA_REPLICATION_USER,
  assertStrong,
  createCa,
  createIntermediate,
  generateSet,
  issueClient,
  issueReplication,
  issueServer,
  parseAlgorithm,
  parseHash,
  type CertificateAuthority,
  type IssuedCertificate,
  type KeyAlgorithm,
} from '../../server/src/certs/generate';
import { pemDecodeAll, pemEncode, pkcs8ToPkcs1 } from '../../server/src/certs/keys';
import { describeCertificate } from '../../server/src/certs/inspect';
import { loadCertificateAuthority } from '../../server/src/certs/plan';
import { fastCrypto, isFastCryptoKey } from '../../server/src/node/fastCrypto';

const crypto = nodeCrypto.webcrypto as unknown as Crypto;
const NOW = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

interface Fixture { ca: CertificateAuthority; server: IssuedCertificate; client: IssuedCertificate }

async function makeFixture(algorithm: KeyAlgorithm): Promise<Fixture> {
  const ca = await createCa({ commonName: `test CA ${algorithm}`, algorithm, now: NOW, crypto });
  const [server, client] = await Promise.all([
    issueServer(ca, { commonName: 'pgpool.example', dnsNames: ['pgpool', 'pgpool.ns.svc', 'PGPOOL'], ipAddresses: ['127.0.0.1', '::1'], now: NOW, crypto }),
    issueClient(ca, { user: 'Alice', now: NOW, crypto }),
  ]);
  return { ca, server, client };
}

// Key generation (RSA-4096 above all) dominates the run time; start every algorithm at once and let the
// thread pool overlap them, then each test awaits its own.
const fixtures = new Map<KeyAlgorithm, Promise<Fixture>>();
before(() => {
  for (const alg of KEY_ALGORITHMS) {
    const p = makeFixture(alg);
    p.catch(() => undefined); // reported by the test that awaits it
    fixtures.set(alg, p);
  }
});

const isRsa = (alg: KeyAlgorithm) => alg.startsWith('rsa-');
const SIGNATURE_NAME: Record<KeyAlgorithm, string> = {
  'ecdsa-p256': 'ecdsa-with-SHA256',
  'ecdsa-p384': 'ecdsa-with-SHA384',
  'rsa-2048': 'sha256WithRSAEncryption',
  'rsa-3072': 'sha256WithRSAEncryption',
  'rsa-4096': 'sha256WithRSAEncryption',
  ed25519: 'ED25519',
};

function serialBytes(cert: X509Certificate): Uint8Array {
  return Uint8Array.from(cert.serialNumber.match(/../g) ?? [], h => parseInt(h, 16));
}

/** SPKI DER of the public key that the PEM private key belongs to, computed by Node (OpenSSL), not by our code. */
function publicSpkiOf(keyPem: string): Buffer {
  return nodeCrypto.createPublicKey(nodeCrypto.createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
}

for (const alg of KEY_ALGORITHMS) {
  describe(`certificates with ${alg}`, () => {
    test('the chain verifies at `now`, and not with another key, before notBefore or after notAfter', async () => {
      const { ca, server, client } = await fixtures.get(alg)!;
      assert.equal(await ca.cert.verify({ publicKey: ca.cert.publicKey, date: NOW }, crypto), true);
      assert.equal(await server.cert.verify({ publicKey: ca.cert.publicKey, date: NOW }, crypto), true);
      assert.equal(await client.cert.verify({ publicKey: ca.cert.publicKey, date: NOW }, crypto), true);
      assert.equal(await server.cert.verify({ publicKey: server.cert.publicKey, date: NOW }, crypto), false, 'not self-signed');
      assert.equal(await server.cert.verify({ publicKey: ca.cert.publicKey, date: new Date(NOW.getTime() - 6 * 60_000) }, crypto), false);
      assert.equal(await server.cert.verify({ publicKey: ca.cert.publicKey, date: new Date(NOW.getTime() + 398 * DAY) }, crypto), false);
      assert.equal(server.cert.issuer, ca.cert.subject);
    });

    test('CA: CA:TRUE critical with pathLen 0, keyCertSign+cRLSign critical, SKI, AKI = SKI', async () => {
      const { ca } = await fixtures.get(alg)!;
      const bc = ca.cert.getExtension(BasicConstraintsExtension)!;
      assert.deepEqual([bc.ca, bc.pathLength, bc.critical], [true, 0, true]);
      const ku = ca.cert.getExtension(KeyUsagesExtension)!;
      assert.deepEqual([ku.usages, ku.critical], [KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true]);
      const ski = ca.cert.getExtension(SubjectKeyIdentifierExtension)!;
      assert.match(ski.keyId, /^[0-9a-f]{40}$/);
      assert.equal(ca.cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId, ski.keyId);
      assert.equal(ca.cert.getExtension(ExtendedKeyUsageExtension), null);
      assert.equal(ca.cert.subject, `CN=test CA ${alg}`);
      assert.equal(ca.chain.length, 0);
      assert.equal(ca.chainPem, ca.certPem);
    });

    test('server: serverAuth, digitalSignature (+keyEncipherment only for RSA), CA:FALSE, SANs with the CN first', async () => {
      const { ca, server } = await fixtures.get(alg)!;
      assert.deepEqual([...server.cert.getExtension(ExtendedKeyUsageExtension)!.usages], [ExtendedKeyUsage.serverAuth]);
      const ku = server.cert.getExtension(KeyUsagesExtension)!;
      assert.equal(ku.critical, true);
      assert.equal(ku.usages, KeyUsageFlags.digitalSignature | (isRsa(alg) ? KeyUsageFlags.keyEncipherment : 0));
      const bc = server.cert.getExtension(BasicConstraintsExtension)!;
      assert.deepEqual([bc.ca, bc.pathLength, bc.critical], [false, undefined, true]);
      const san = server.cert.getExtension(SubjectAlternativeNameExtension)!;
      assert.equal(san.critical, false);
      assert.deepEqual(san.names.toJSON(), [
        { type: 'dns', value: 'pgpool.example' },
        { type: 'dns', value: 'pgpool' }, // "PGPOOL" is the same DNS name and was dropped
        { type: 'dns', value: 'pgpool.ns.svc' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]);
      assert.equal(server.cert.subject, 'CN=pgpool.example');
      assert.equal(server.cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId, ca.cert.getExtension(SubjectKeyIdentifierExtension)!.keyId);
      assert.notEqual(server.cert.getExtension(SubjectKeyIdentifierExtension)!.keyId, ca.cert.getExtension(SubjectKeyIdentifierExtension)!.keyId);
    });

    test('client: clientAuth only, CN = the user exactly (case kept), no SAN', async () => {
      const { client } = await fixtures.get(alg)!;
      assert.deepEqual([...client.cert.getExtension(ExtendedKeyUsageExtension)!.usages], [ExtendedKeyUsage.clientAuth]);
      assert.equal(client.cert.subject, 'CN=Alice');
      assert.equal(client.cert.getExtension(SubjectAlternativeNameExtension), null);
      assert.equal(client.cert.getExtension(KeyUsagesExtension)!.usages, KeyUsageFlags.digitalSignature | (isRsa(alg) ? KeyUsageFlags.keyEncipherment : 0));
      assert.equal(client.cert.getExtension(BasicConstraintsExtension)!.ca, false);
    });

    test('signature algorithm and key type', async () => {
      const { ca, server } = await fixtures.get(alg)!;
      for (const c of [ca, server]) {
        const d = await describeCertificate(c.certPem, NOW, crypto);
        assert.equal(d.signatureAlgorithm.name, SIGNATURE_NAME[alg]);
        assert.deepEqual(d.problems, []);
      }
      const node = new nodeCrypto.X509Certificate(server.certPem).publicKey;
      const expected: Record<KeyAlgorithm, [string, Record<string, unknown>]> = {
        'ecdsa-p256': ['ec', { namedCurve: 'prime256v1' }],
        'ecdsa-p384': ['ec', { namedCurve: 'secp384r1' }],
        'rsa-2048': ['rsa', { modulusLength: 2048 }],
        'rsa-3072': ['rsa', { modulusLength: 3072 }],
        'rsa-4096': ['rsa', { modulusLength: 4096 }],
        ed25519: ['ed25519', {}],
      };
      assert.equal(node.asymmetricKeyType, expected[alg][0]);
      for (const [k, v] of Object.entries(expected[alg][1])) assert.equal((node.asymmetricKeyDetails as Record<string, unknown>)[k], v);
    });

    test('serials are positive, 16 octets, random in at least 64 bits, and distinct', async () => {
      const { ca, server, client } = await fixtures.get(alg)!;
      const serials = [ca, server, client].map(c => serialBytes(c.cert));
      for (const s of serials) {
        assert.equal(s.length, 16);
        assert.ok(s[0] >= 0x40 && s[0] <= 0x7f, `first octet ${s[0]} keeps the integer positive and 16 octets long`);
      }
      assert.equal(new Set([ca, server, client].map(c => c.cert.serialNumber)).size, 3);
    });

    test('validity: notBefore = now − 5 min; notAfter = now + 397 days (leaf) / 3650 days (CA)', async () => {
      const { ca, server, client } = await fixtures.get(alg)!;
      for (const c of [ca, server, client]) assert.equal(c.cert.notBefore.toISOString(), '2029-12-31T23:55:00.000Z');
      assert.equal(CLOCK_SKEW_MS, 5 * 60_000);
      assert.equal(ca.cert.notAfter.getTime(), NOW.getTime() + DEFAULT_CA_DAYS * DAY);
      assert.equal(server.cert.notAfter.getTime(), NOW.getTime() + DEFAULT_LEAF_DAYS * DAY);
      assert.equal(client.cert.notAfter.toISOString(), '2031-02-02T00:00:00.000Z');
    });

    test('keys: PKCS#8 PEM whose public half is the certificate key; pk8Der is the same bytes', async () => {
      const { ca, server, client } = await fixtures.get(alg)!;
      for (const c of [ca, server, client]) {
        assert.match(c.keyPem, /^-----BEGIN PRIVATE KEY-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END PRIVATE KEY-----\n$/);
        assert.deepEqual(publicSpkiOf(c.keyPem), Buffer.from(c.cert.publicKey.rawData));
        assert.deepEqual(pemDecodeAll(c.keyPem, 'PRIVATE KEY')[0], c.pk8Der);
        assert.equal(c.keys.privateKey.extractable, true);
      }
    });

    if (isRsa(alg)) {
      test('PKCS#1: the converted RSA key parses as `RSA PRIVATE KEY` and matches the certificate', async () => {
        const { server } = await fixtures.get(alg)!;
        const pem = pemEncode(pkcs8ToPkcs1(server.pk8Der), 'RSA PRIVATE KEY');
        const key = nodeCrypto.createPrivateKey({ key: pem, format: 'pem' });
        assert.equal(key.asymmetricKeyType, 'rsa');
        // Node parses it as PKCS#1 only if the bytes are a bare RSAPrivateKey: re-export and compare.
        assert.equal(key.export({ type: 'pkcs1', format: 'pem' }), pem);
        assert.deepEqual(publicSpkiOf(pem), Buffer.from(server.cert.publicKey.rawData));
      });
    } else {
      test('PKCS#1 is refused for a non-RSA key, before any key is generated', async () => {
        const { ca, server } = await fixtures.get(alg)!;
        assert.throws(() => pkcs8ToPkcs1(server.pk8Der), (e: unknown) => e instanceof CertError && /only for RSA/.test(e.message));
        await assert.rejects(issueClient(ca, { user: 'u', keyFormat: 'pkcs1', now: NOW, crypto }),
          (e: unknown) => e instanceof CertError && /pkcs1 key format exists only for RSA/.test(e.message));
      });
    }
  });
}

describe('generateSet', () => {
  test('returns the six PEM files; keyFormat pkcs1 applies to every RSA key', async () => {
    const set = await generateSet({ algorithm: 'rsa-2048', serverName: 'localhost', sans: ['127.0.0.1', 'db.example'], clientUser: 'postgres', keyFormat: 'PKCS1', now: NOW, crypto });
    assert.deepEqual(Object.keys(set).sort(), [...CERT_SET_FILES].sort());
    for (const f of ['ca.key', 'server.key', 'client.key'] as const) {
      assert.match(set[f], /^-----BEGIN RSA PRIVATE KEY-----\n/);
      assert.equal(nodeCrypto.createPrivateKey(set[f]).asymmetricKeyType, 'rsa');
    }
    const ca = new X509Certificate(set['ca.crt']);
    const server = new X509Certificate(set['server.crt']);
    const client = new X509Certificate(set['client.crt']);
    assert.equal(ca.subject, 'CN=pgtls development CA for localhost');
    assert.equal(server.subject, 'CN=localhost');
    assert.deepEqual(server.getExtension(SubjectAlternativeNameExtension)!.names.toJSON(), [
      { type: 'dns', value: 'localhost' }, { type: 'dns', value: 'db.example' }, { type: 'ip', value: '127.0.0.1' },
    ]);
    assert.equal(client.subject, 'CN=postgres');
    for (const c of [server, client]) assert.equal(await c.verify({ publicKey: ca.publicKey, date: NOW }, crypto), true);
    assert.deepEqual(publicSpkiOf(set['server.key']), Buffer.from(server.publicKey.rawData));
  });

  test('defaults to ECDSA P-256 and PKCS#8; an IP server name becomes an IP SAN', async () => {
    const set = await generateSet({ serverName: '10.0.0.5', clientUser: 'postgres', now: NOW, crypto, days: 30, caDays: 60 });
    const server = new X509Certificate(set['server.crt']);
    assert.deepEqual(server.getExtension(SubjectAlternativeNameExtension)!.names.toJSON(), [{ type: 'ip', value: '10.0.0.5' }]);
    assert.deepEqual(server.publicKey.algorithm, { name: 'ECDSA', namedCurve: 'P-256' });
    assert.equal(server.notAfter.getTime(), NOW.getTime() + 30 * DAY);
    assert.equal(new X509Certificate(set['ca.crt']).notAfter.getTime(), NOW.getTime() + 60 * DAY);
    assert.match(set['ca.key'], /^-----BEGIN PRIVATE KEY-----/);
  });
});

describe('replication and intermediates', () => {
  test("Percona's replication certificate: CN and DNS SAN _crunchyrepl, clientAuth", async () => {
    const ca = await createCa({ commonName: 'cluster1-ca', now: NOW, crypto });
    const repl = await issueReplication(ca, { now: NOW, crypto });
    assert.equal(PERCONA_REPLICATION_USER, '_crunchyrepl');
    assert.equal(repl.cert.subject, 'CN=_crunchyrepl');
    assert.deepEqual(repl.cert.getExtension(SubjectAlternativeNameExtension)!.names.toJSON(), [{ type: 'dns', value: '_crunchyrepl' }]);
    assert.deepEqual([...repl.cert.getExtension(ExtendedKeyUsageExtension)!.usages], [ExtendedKeyUsage.clientAuth]);
    assert.equal(await repl.cert.verify({ publicKey: ca.cert.publicKey, date: NOW }, crypto), true);
  });

  test('root (pathLen 1) → intermediate (pathLen 0) → leaf; the leaf chain holds leaf + intermediate, not the root', async () => {
    const root = await createCa({ commonName: 'root', pathLength: 1, algorithm: 'ecdsa-p384', organization: 'pgtls tests', now: NOW, crypto });
    const inter = await createIntermediate(root, { commonName: 'intermediate', now: NOW, crypto, algorithm: 'ed25519' });
    const leaf = await issueServer(inter, { dnsNames: ['db.example'], now: NOW, crypto });
    assert.equal(root.cert.subject, 'O=pgtls tests, CN=root');
    assert.equal(inter.algorithm, 'ed25519');
    assert.equal(leaf.algorithm, 'ed25519', 'a leaf defaults to its issuer\'s algorithm');
    assert.equal(await inter.cert.verify({ publicKey: root.cert.publicKey, date: NOW }, crypto), true);
    assert.equal(await leaf.cert.verify({ publicKey: inter.cert.publicKey, date: NOW }, crypto), true);
    const bc = inter.cert.getExtension(BasicConstraintsExtension)!;
    assert.deepEqual([bc.ca, bc.pathLength], [true, 0]);
    assert.equal(inter.cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId, root.cert.getExtension(SubjectKeyIdentifierExtension)!.keyId);
    assert.equal((await describeCertificate(inter.certPem, NOW, crypto)).signatureAlgorithm.name, 'ecdsa-with-SHA384');
    const chain = pemDecodeAll(leaf.chainPem, 'CERTIFICATE');
    assert.equal(chain.length, 2);
    assert.deepEqual(chain[0], new Uint8Array(leaf.cert.rawData));
    assert.deepEqual(chain[1], new Uint8Array(inter.cert.rawData));
    assert.equal(leaf.cert.subject, 'CN=db.example');
  });

  test('path length constraints are enforced', async () => {
    const root0 = await createCa({ commonName: 'root0', now: NOW, crypto });
    await assert.rejects(createIntermediate(root0, { commonName: 'x', now: NOW, crypto }), (e: unknown) => e instanceof CertError && /pathLength 0 and may not sign intermediates/.test(e.message));
    const root1 = await createCa({ commonName: 'root1', pathLength: 1, now: NOW, crypto });
    await assert.rejects(createIntermediate(root1, { commonName: 'x', pathLength: 1, now: NOW, crypto }), (e: unknown) => e instanceof CertError && /below its parent/.test(e.message));
  });

  test('a leaf never outlives its CA; an expired CA issues nothing outside its validity', async () => {
    const ca = await createCa({ commonName: 'short', days: 10, now: NOW, crypto });
    const leaf = await issueClient(ca, { user: 'postgres', now: NOW, crypto });
    assert.equal(leaf.cert.notAfter.getTime(), ca.cert.notAfter.getTime());
    await assert.rejects(issueClient(ca, { user: 'postgres', now: new Date(NOW.getTime() + 11 * DAY), crypto }),
      (e: unknown) => e instanceof CertError && /the issuing CA expired at .*give --not-before and --not-after within its validity/.test(e.message));
  });
});

describe('weak or invalid options are refused with a CertError', () => {
  const isCertError = (re: RegExp) => (e: unknown) => e instanceof CertError && e.name === 'CertError' && re.test(e.message);

  test('RSA below 2048 bits, SHA-1 and MD5', async () => {
    for (const name of ['rsa-1024', 'RSA1024', 'rsa-512']) assert.throws(() => parseAlgorithm(name), isCertError(/too weak: RSA keys must have at least 2048 bits/));
    for (const [alg, hash] of [['rsa-2048', 'sha1'], ['ecdsa-p256', 'SHA-1'], ['rsa-4096', 'md5'], ['ecdsa-p384', 'MD5']]) {
      assert.throws(() => assertStrong(alg, hash), isCertError(/(SHA-1|MD5) signatures are refused/));
    }
    await assert.rejects(createCa({ commonName: 'x', algorithm: 'rsa-1024', now: NOW, crypto }), isCertError(/at least 2048/));
    await assert.rejects(createCa({ commonName: 'x', hash: 'sha1', now: NOW, crypto }), isCertError(/SHA-1 signatures are refused/));
    await assert.rejects(generateSet({ algorithm: 'rsa1024', serverName: 'h', clientUser: 'u', now: NOW, crypto }), isCertError(/at least 2048/));
    assert.throws(() => parseAlgorithm('dsa'), isCertError(/DSA keys are refused/));
  });

  test('unknown names list the valid ones; good names normalise', () => {
    assert.throws(() => parseAlgorithm('ecdsa-p521'), isCertError(/valid algorithms: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519/));
    assert.throws(() => parseHash('sha3'), isCertError(/valid hashes: SHA-256, SHA-384, SHA-512/));
    assert.equal(parseAlgorithm('RSA2048'), 'rsa-2048');
    assert.equal(parseAlgorithm(' ECDSA_P384 '), 'ecdsa-p384');
    assert.equal(parseAlgorithm('Ed25519'), 'ed25519');
    assert.deepEqual(assertStrong('ecdsa-p384'), { algorithm: 'ecdsa-p384', hash: 'SHA-384' });
    assert.deepEqual(assertStrong('rsa-3072', 'sha512'), { algorithm: 'rsa-3072', hash: 'SHA-512' });
    assert.deepEqual(assertStrong('ed25519'), { algorithm: 'ed25519', hash: undefined });
    assert.throws(() => assertStrong('ed25519', 'SHA-256'), isCertError(/signs without a separate hash/));
  });

  test('days, names, users, SANs, clock and crypto', async () => {
    const ca = await createCa({ commonName: 'v', now: NOW, crypto });
    const base = { now: NOW, crypto };
    for (const days of [0, -1, 36501, 1.5, Number.NaN]) {
      await assert.rejects(issueClient(ca, { ...base, user: 'u', days }), isCertError(/days must be a whole number from 1 to 36500/));
    }
    await assert.rejects(createCa({ ...base, commonName: 'c', days: 0 }), isCertError(/days must be/));
    await assert.rejects(issueClient(ca, { ...base, user: '' }), isCertError(/client user must not be empty/));
    await assert.rejects(issueClient(ca, { ...base, user: ' postgres' }), isCertError(/white space/));
    await assert.rejects(issueClient(ca, { ...base, user: 'é'.repeat(32) }), isCertError(/longer than 63 bytes/));
    await assert.rejects(createCa({ ...base, commonName: 'x'.repeat(65) }), isCertError(/at most 64/));
    await assert.rejects(createCa({ ...base, commonName: '' }), isCertError(/must not be empty/));
    await assert.rejects(createCa({ ...base, commonName: 'a\nb' }), isCertError(/control characters/));
    const badDns: [string, RegExp][] = [
      ['a..b', /empty label/], ['bad host', /may only hold/], ['host.', /ends with a dot/], ['ünï.example', /punycode/],
      ['*.*.x', /wildcard/], ['a*.x', /wildcard/], ['1.2.3', /looks like an IP/], ['-a.b', /may not start or end with a hyphen/],
      [`${'a'.repeat(64)}.x`, /64 characters long; at most 63/],
    ];
    for (const [name, re] of badDns) await assert.rejects(issueServer(ca, { ...base, dnsNames: [name] }), isCertError(re), name);
    for (const ip of ['01.2.3.4', '256.1.1.1', 'fe80::1%eth0', '1.2.3', 'localhost']) {
      await assert.rejects(issueServer(ca, { ...base, commonName: 'h', ipAddresses: [ip] }), isCertError(/not an IPv4 or IPv6 address/), ip);
    }
    await assert.rejects(issueServer(ca, { ...base, dnsNames: ['10.1.1.1'] }), isCertError(/is an IP address; list it among the IP addresses/));
    await assert.rejects(issueServer(ca, { ...base }), isCertError(/needs a common name, a DNS name or an IP address/));
    await assert.rejects(issueServer(ca, { ...base, commonName: 'my server' }), isCertError(/neither a host name nor an IP address/));
    await assert.rejects(issueClient(ca, { user: 'u', now: new Date('nope'), crypto }), isCertError(/valid Date/));
    await assert.rejects(issueClient(ca, { user: 'u', now: NOW, crypto: undefined as unknown as Crypto }), isCertError(/WebCrypto/));
    await assert.rejects(issueClient(ca, { user: 'u', now: NOW, crypto, keyFormat: 'der' }), isCertError(/valid formats: pkcs8, pkcs1/));
    // Accepted edge cases: wildcard, underscore, IPv6 and IPv4-mapped forms, a 63-byte user.
    const ok = await issueServer(ca, { ...base, dnsNames: ['*.cluster1-pods.ns.svc', '_svc.example'], ipAddresses: ['2001:db8::1', '::ffff:10.0.0.1', '2001:DB8::1'] });
    assert.deepEqual(ok.cert.getExtension(SubjectAlternativeNameExtension)!.names.toJSON().map(n => n.value),
      ['*.cluster1-pods.ns.svc', '_svc.example', '2001:db8::1', '::ffff:a00:1']);
    assert.equal((await issueClient(ca, { ...base, user: 'u'.repeat(63) })).cert.subject, `CN=${'u'.repeat(63)}`);
  });

  test('errors never carry key material', async () => {
    const ca = await createCa({ commonName: 'secret-holder', now: NOW, crypto });
    const ec = await issueClient(ca, { user: 'u', now: NOW, crypto });
    const secrets = [ca.keyPem, ec.keyPem];
    const chunks = secrets.flatMap(pem => pem.split('\n').filter(l => /^[A-Za-z0-9+/=]{16,}$/.test(l)).flatMap(l => [l, l.slice(0, 16)]));
    const hex = [ca.pk8Der, ec.pk8Der].map(b => Buffer.from(b.subarray(-16)).toString('hex'));
    const errors: unknown[] = [];
    const capture = async (f: () => unknown) => {
      try { await f(); } catch (e) { errors.push(e); return; }
      assert.fail('expected an error');
    };
    await capture(() => issueClient(ca, { user: '', now: NOW, crypto }));
    await capture(() => issueServer(ca, { dnsNames: [ca.keyPem], now: NOW, crypto }));
    await capture(() => issueServer(ca, { commonName: 'h', ipAddresses: [ec.keyPem], now: NOW, crypto }));
    await capture(() => pkcs8ToPkcs1(ec.pk8Der));
    await capture(() => pkcs8ToPkcs1(new Uint8Array([...ec.pk8Der.subarray(0, 40)])));
    await capture(() => describeCertificate(ca.keyPem, NOW, crypto));
    await capture(() => describeCertificate(ec.pk8Der, NOW, crypto));
    await capture(() => parseAlgorithm(ca.keyPem));
    assert.equal(errors.length, 8);
    for (const e of errors) {
      assert.ok(e instanceof CertError, String(e));
      const text = `${e.message}\n${e.stack}\n${String(e)}\n${JSON.stringify(e)}`;
      assert.doesNotMatch(text, /BEGIN|PRIVATE KEY-----/);
      for (const c of chunks) assert.ok(!text.includes(c), `error "${e.message}" leaks key text`);
      for (const h of hex) assert.ok(!text.toLowerCase().includes(h), `error "${e.message}" leaks key bytes`);
    }
  });
});

describe('injected environment', () => {
  test('generation uses only the injected crypto: the library default provider is never touched', async () => {
    const trap = new Proxy({}, { get: (_t, p) => { throw new Error(`default crypto provider used (${String(p)})`); } }) as Crypto;
    const previous = cryptoProvider.get();
    cryptoProvider.set(trap);
    let random = 0;
    let digest = 0;
    const counting = {
      getRandomValues: <T extends ArrayBufferView>(a: T) => { random++; return crypto.getRandomValues(a); },
      subtle: new Proxy(crypto.subtle, {
        get: (t, p) => {
          const v = Reflect.get(t, p, t);
          if (p === 'digest') return (...args: Parameters<SubtleCrypto['digest']>) => { digest++; return t.digest(...args); };
          return typeof v === 'function' ? v.bind(t) : v;
        },
      }),
    } as unknown as Crypto;
    try {
      const set = await generateSet({ serverName: 'h.example', clientUser: 'postgres', now: NOW, crypto: counting });
      assert.equal(Object.keys(set).length, 6);
      assert.equal(random, 3, 'one serial per certificate');
      assert.ok(digest >= 3, 'key identifiers are hashed with the injected crypto');
    } finally {
      cryptoProvider.set(previous);
    }
  });

  test('serial numbers come from the injected random source', async () => {
    const fixed = {
      getRandomValues: <T extends ArrayBufferView>(a: T) => { new Uint8Array(a.buffer).fill(0xff); return a; },
      subtle: crypto.subtle,
    } as unknown as Crypto;
    const ca = await createCa({ commonName: 'fixed', now: NOW, crypto: fixed });
    assert.equal(ca.cert.serialNumber, `7f${'ff'.repeat(15)}`);
    const zero = { getRandomValues: <T extends ArrayBufferView>(a: T) => a, subtle: crypto.subtle } as unknown as Crypto;
    const ca0 = await createCa({ commonName: 'zero', now: NOW, crypto: zero });
    assert.equal(ca0.cert.serialNumber, `40${'00'.repeat(15)}`, 'still positive, non-zero and 16 octets');
  });

  test('the clock is injected: now = 2030-01-01 gives notBefore 2029-12-31 23:55 UTC, far dates use GeneralizedTime', async () => {
    const ca = await createCa({ commonName: 'clock', now: NOW, crypto, days: 36500 });
    assert.equal(ca.cert.notBefore.toISOString(), '2029-12-31T23:55:00.000Z');
    assert.equal(ca.cert.notAfter.toISOString(), '2129-12-08T00:00:00.000Z');
    const later = await issueClient(ca, { user: 'u', now: new Date('2031-06-15T12:34:56.789Z'), crypto });
    assert.equal(later.cert.notBefore.toISOString(), '2031-06-15T12:29:56.000Z', 'milliseconds are dropped by the DER time types');
  });
});

describe('WebCrypto and the node:crypto adapter (fastCrypto) both make certificates OpenSSL accepts', () => {
  const fast = fastCrypto();
  const CRYPTOS: [string, Crypto][] = [['WebCrypto', crypto], ['fastCrypto', fast]];

  /** Checks a set with OpenSSL (node:crypto's X509Certificate), independently of our code and @peculiar/x509. */
  function checkSetWithOpenssl(set: Record<string, string>): void {
    const ca = new nodeCrypto.X509Certificate(set['ca.crt']!);
    assert.equal(ca.verify(ca.publicKey), true, 'the CA is self-signed');
    assert.equal(ca.ca, true);
    for (const leaf of ['server', 'client'] as const) {
      const cert = new nodeCrypto.X509Certificate(set[`${leaf}.crt`]!);
      assert.equal(cert.verify(ca.publicKey), true, `${leaf}: signed by the CA`);
      assert.equal(cert.checkIssued(ca), true, `${leaf}: issuer name and key identifiers match the CA`);
      assert.equal(cert.checkPrivateKey(nodeCrypto.createPrivateKey(set[`${leaf}.key`]!)), true, `${leaf}: the key file belongs to it`);
      assert.equal(cert.ca, false);
    }
    assert.equal(new nodeCrypto.X509Certificate(set['server.crt']!).checkHost('localhost'), 'localhost');
    assert.equal(new nodeCrypto.X509Certificate(set['server.crt']!).checkIP('127.0.0.1'), '127.0.0.1');
  }

  for (const alg of ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'] as const) {
    test(`${alg}: a set verifies with OpenSSL whichever crypto made it`, async () => {
      for (const [name, c] of CRYPTOS) {
        const set = await generateSet({ algorithm: alg, serverName: 'localhost', sans: ['127.0.0.1', '::1'], clientUser: 'postgres', now: NOW, crypto: c });
        try {
          checkSetWithOpenssl(set);
        } catch (e) {
          assert.fail(`${name}: ${(e as Error).message}`);
        }
      }
    });
  }

  test('fastCrypto: generated EC and Ed25519 keys are its own, RSA keys are WebCrypto\'s; @peculiar/x509 verifies with it', async () => {
    for (const alg of ['ecdsa-p256', 'ed25519', 'rsa-2048'] as const) {
      const ca = await createCa({ commonName: `fast ${alg}`, algorithm: alg, now: NOW, crypto: fast });
      const client = await issueClient(ca, { user: 'Alice', now: NOW, crypto: fast });
      assert.equal(isFastCryptoKey(client.keys.privateKey), !alg.startsWith('rsa'));
      // The lazily parsed certificate object is the one in certPem.
      assert.deepEqual(new Uint8Array(client.cert.rawData), pemDecodeAll(client.certPem, 'CERTIFICATE')[0]);
      assert.equal(await client.cert.verify({ publicKey: ca.cert.publicKey, date: NOW }, fast), true);
      assert.equal(await client.cert.verify({ publicKey: client.cert.publicKey, date: NOW }, fast), false);
      assert.equal(await ca.cert.verify({ publicKey: ca.cert.publicKey, date: NOW }, fast), true);
    }
  });

  test('a CA loaded from its files issues certificates that chain to it, byte-exact issuer name included', async () => {
    for (const [name, c] of CRYPTOS) {
      for (const alg of ['ecdsa-p384', 'rsa-2048'] as const) {
        const made = await createCa({ commonName: 'Ünïcode CA', organization: 'pgtls tests', algorithm: alg, now: NOW, crypto: c });
        const loaded = await loadCertificateAuthority(made.certPem, made.keyPem, NOW, c);
        const leaf = await issueServer(loaded, { dnsNames: ['db.example'], now: NOW, crypto: c });
        const caX = new nodeCrypto.X509Certificate(made.certPem);
        const leafX = new nodeCrypto.X509Certificate(leaf.certPem);
        assert.equal(leafX.verify(caX.publicKey), true, `${name} ${alg}`);
        assert.equal(leafX.checkIssued(caX), true, `${name} ${alg}`);
        assert.equal(leafX.issuer, caX.subject);
        assert.equal((await describeCertificate(leaf.certPem, NOW, c)).signatureAlgorithm.name, alg === 'rsa-2048' ? 'sha256WithRSAEncryption' : 'ecdsa-with-SHA384');
      }
    }
  });
});

describe('certificate bytes', () => {
  /** The same "random" bytes on every call, so that serial numbers can be reproduced. */
  const repeatable = { getRandomValues: <T extends ArrayBufferView>(a: T) => { new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0x5a); return a; }, subtle: crypto.subtle } as unknown as Crypto;

  test('byte for byte what @peculiar/x509 makes from the same key, serial, names, dates and extensions (Ed25519 signs deterministically)', async () => {
    const ca = await createCa({ commonName: 'Ünïcode CA', organization: 'pgtls tests', algorithm: 'ed25519', now: NOW, crypto: repeatable, days: 36500 });
    const leaf = await issueServer(ca, { dnsNames: ['db.example', '*.pods.svc'], ipAddresses: ['10.0.0.1', '::1', '::ffff:10.0.0.2'], now: NOW, crypto: repeatable });
    const client = await issueClient(ca, { user: 'Alice', now: NOW, crypto: repeatable });
    const caSki = ca.cert.getExtension(SubjectKeyIdentifierExtension)!.keyId;
    const reference = async (c: IssuedCertificate, extensions: X509Certificate['extensions'], issuer = ca) => new Uint8Array((await X509CertificateGenerator.create({
      serialNumber: c.cert.serialNumber, subject: c.cert.subjectName, issuer: issuer.cert.subjectName, notBefore: c.cert.notBefore, notAfter: c.cert.notAfter,
      publicKey: c.keys.publicKey, signingKey: issuer.keys.privateKey, signingAlgorithm: { name: 'Ed25519' },
      extensions: [...extensions, await SubjectKeyIdentifierExtension.create(c.keys.publicKey, false, crypto), new AuthorityKeyIdentifierExtension(caSki)],
    }, crypto)).rawData);
    assert.deepEqual(new Uint8Array(ca.cert.rawData), await reference(ca, [new BasicConstraintsExtension(true, 0, true), new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true)]));
    assert.deepEqual(new Uint8Array(leaf.cert.rawData), await reference(leaf, [
      new BasicConstraintsExtension(false, undefined, true), new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true), new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth], false),
      new SubjectAlternativeNameExtension([{ type: 'dns', value: 'db.example' }, { type: 'dns', value: '*.pods.svc' }, { type: 'ip', value: '10.0.0.1' }, { type: 'ip', value: '::1' }, { type: 'ip', value: '::ffff:a00:2' }], false),
    ]));
    assert.deepEqual(new Uint8Array(client.cert.rawData), await reference(client, [
      new BasicConstraintsExtension(false, undefined, true), new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true), new ExtendedKeyUsageExtension([ExtendedKeyUsage.clientAuth], false),
    ]));
    assert.equal(ca.cert.notAfter.toISOString(), '2129-12-08T00:00:00.000Z', 'GeneralizedTime from 2050 on');
  });

  /** `ca` with its certificate's subject replaced by `subject` (signature left stale: issuing never checks it). */
  function withSubject(ca: CertificateAuthority, subject: asn1X509.Name): CertificateAuthority {
    const parsed = AsnConvert.parse(ca.cert.rawData, asn1X509.Certificate);
    parsed.tbsCertificate.subject = subject;
    return { ...ca, cert: new X509Certificate(AsnConvert.serialize(parsed)) };
  }
  const rdn = (type: string, value: asn1X509.AttributeValue) => new asn1X509.RelativeDistinguishedName([new asn1X509.AttributeTypeAndValue({ type, value })]);

  test('a CA from elsewhere: the issuer name is its subject byte for byte, PrintableString and multi-valued RDNs included', async () => {
    const ca = await createCa({ commonName: 'elsewhere', now: NOW, crypto });
    const subject = new asn1X509.Name([
      rdn('2.5.4.6', new asn1X509.AttributeValue({ printableString: 'DE' })),
      new asn1X509.RelativeDistinguishedName([
        new asn1X509.AttributeTypeAndValue({ type: '2.5.4.10', value: new asn1X509.AttributeValue({ printableString: 'Org' }) }),
        new asn1X509.AttributeTypeAndValue({ type: '2.5.4.11', value: new asn1X509.AttributeValue({ utf8String: 'Ünit' }) }),
      ]),
      rdn('2.5.4.3', new asn1X509.AttributeValue({ printableString: 'Printable CA' })),
    ]);
    const foreign = withSubject(ca, subject);
    const leaf = await issueClient(foreign, { user: 'u', now: NOW, crypto });
    const subjectDer = Buffer.from(AsnConvert.serialize(subject));
    assert.ok(subjectDer.includes(Buffer.from([0x13, 0x02, 0x44, 0x45])), 'the test name holds a PrintableString');
    const leafTbs = AsnConvert.parse(leaf.cert.rawData, asn1X509.Certificate).tbsCertificate;
    assert.deepEqual(Buffer.from(AsnConvert.serialize(leafTbs.issuer)), subjectDer);
    assert.equal(leaf.cert.issuer, foreign.cert.subject);
    assert.equal(new nodeCrypto.X509Certificate(leaf.certPem).verify(new nodeCrypto.X509Certificate(ca.certPem).publicKey), true);
  });

  test('a CA whose subject would not re-encode to the same bytes (malformed UTF-8) is refused, not silently changed', async () => {
    const ca = await createCa({ commonName: 'elsewhere', now: NOW, crypto });
    // A UTF8String holding the octets ff fe, which are not UTF-8: decoding and re-encoding would change them.
    const bad = withSubject(ca, new asn1X509.Name([rdn('2.5.4.3', new asn1X509.AttributeValue({ anyValue: new Uint8Array([0x0c, 0x02, 0xff, 0xfe]).buffer }))]));
    await assert.rejects(issueClient(bad, { user: 'u', now: NOW, crypto }), (e: unknown) => e instanceof CertError && /subject name is not in DER form/.test(e.message));
  });
});
