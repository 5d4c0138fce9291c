/**
 * The TLS backend of the Node.js environment (node:crypto, i.e. OpenSSL, plus @peculiar/x509 for extension details)
 * and the PEM framing it shares with the rules. Certificates and keys are made in memory; no key is ever printed.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { X509Certificate as NodeX509, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate, Version } from '@peculiar/asn1-x509';
import { ECPrivateKey } from '@peculiar/asn1-ecc';
import { readPemBlocks } from '../../server/src/core/pem';
import type { Certificate, PrivateKeyRead, PublicKeyInfo } from '../../server/src/core/tlsBackend';
import { nodeTlsBackend } from '../../server/src/node/tlsBackend';
import { isCA, keyFamily, keyOfPublicKeyInfo } from '../../server/src/x509';
import { type Issued, type KeyKind, KIT_NOT_AFTER, KIT_NOT_BEFORE, crypto, encryptedPem, issue, traditionalPem } from './pgpoolConfTlsKit';

const tls = nodeTlsBackend();
/** The key family the cipher checks use (the X.509 room's; pgpool.conf's TLS checks had their own copy before). */
const keyAlgorithm = (k: PublicKeyInfo): string => keyFamily(keyOfPublicKeyInfo(k));
const KINDS: KeyKind[] = ['ec256', 'ec384', 'rsa', 'rsa-pss', 'ed25519'];

const one = (pem: string): Certificate => {
  const r = tls.readCertificates(pem);
  assert.equal(r.certificates.length, 1);
  return r.certificates[0]!;
};
const key = (pem: string): Extract<PrivateKeyRead, { kind: 'key' }> => {
  const k = tls.readPrivateKey(pem);
  assert.equal(k.kind, 'key');
  return k as Extract<PrivateKeyRead, { kind: 'key' }>;
};

test('PEM framing: labels, traditional encryption headers, offsets, text between blocks ignored', () => {
  const text = 'Bag Attributes: junk\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAQID\n-----END RSA PRIVATE KEY-----\n-----BEGIN X509 CRL-----\nAQID\n-----END X509 CRL-----\n-----BEGIN CERTIFICATE-----\nAQID\n';
  const blocks = readPemBlocks(text);
  assert.deepEqual(blocks.map(b => [b.label, b.headers['Proc-Type']]), [['RSA PRIVATE KEY', '4,ENCRYPTED'], ['X509 CRL', undefined]], 'an unterminated block is no block');
  assert.equal(text.slice(blocks[0]!.start, blocks[0]!.start + 10), '-----BEGIN');
  assert.equal(blocks[1]!.text, '-----BEGIN X509 CRL-----\nAQID\n-----END X509 CRL-----\n');
});

test('certificate facts: names, dates, version, extensions, key, signature algorithm, fingerprint, SANs, EKU', async () => {
  const ca = await issue({ cn: 'test-ca', ca: true, keyUsage: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign });
  const leaf = await issue({
    cn: 'localhost', kind: 'rsa', issuer: ca, keyUsage: x509.KeyUsageFlags.digitalSignature,
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const c = one(leaf.certPem);
  assert.equal(c.subject, 'CN=localhost');
  assert.equal(c.issuer, 'CN=test-ca');
  assert.deepEqual([c.notBefore.toISOString(), c.notAfter.toISOString()], [KIT_NOT_BEFORE.toISOString(), KIT_NOT_AFTER.toISOString()]);
  assert.equal(c.version, 3);
  assert.deepEqual([c.basicConstraintsCA, c.keyCertSign, c.selfIssued], [false, false, false]);
  assert.deepEqual([c.publicKey.type, c.publicKey.bits], ['rsa', 2048]);
  assert.match(c.publicKey.spkiSha256!, /^[0-9a-f]{64}$/);
  assert.equal(c.signatureAlgorithm, 'ecdsa-with-SHA256', 'signed by the EC CA');
  assert.equal(c.fingerprint256, new NodeX509(leaf.certPem).fingerprint256);
  assert.deepEqual(c.subjectAltNames, ['DNS:localhost', 'IP:127.0.0.1']);
  assert.deepEqual(c.extendedKeyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(c.block.label, 'CERTIFICATE');

  const r = one(ca.certPem);
  assert.deepEqual([r.basicConstraintsCA, r.keyCertSign, r.selfIssued, r.publicKey.type, r.publicKey.curve, r.extendedKeyUsage], [true, true, true, 'ec', 'prime256v1', undefined]);
  for (const kind of KINDS) {
    const k = one((await issue({ cn: kind, kind })).certPem);
    assert.equal(keyAlgorithm(k.publicKey), kind.startsWith('ec') ? 'EC' : kind === 'ed25519' ? 'Ed25519' : 'RSA', kind);
  }
});

test('certificate files: chains in order, TRUSTED and X509 CERTIFICATE labels, broken blocks, CRLs', async () => {
  const ca = await issue({ cn: 'ca', ca: true });
  const leaf = await issue({ cn: 'leaf', issuer: ca });
  const trusted = ca.certPem.replace(/(BEGIN|END) CERTIFICATE/g, '$1 TRUSTED CERTIFICATE');
  const old = ca.certPem.replace(/(BEGIN|END) CERTIFICATE/g, '$1 X509 CERTIFICATE');
  const chain = tls.readCertificates(`# chain\n${leaf.certPem}${trusted}${old}`);
  assert.deepEqual(chain.certificates.map(c => c.subject), ['CN=leaf', 'CN=ca', 'CN=ca']);
  assert.deepEqual(chain.broken, []);
  const glued = tls.readCertificates(leaf.certPem.trimEnd() + ca.certPem);
  assert.equal(glued.certificates.length, 1, 'a BEGIN line glued to the previous END line is no block, as in OpenSSL');

  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subject, thisUpdate: new Date('2026-01-01'), nextUpdate: new Date('2026-02-01'),
    signingKey: ca.keys.privateKey, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  }, crypto);
  const broken = '-----BEGIN CERTIFICATE-----\nMIIB*damaged*AgIUb3\n-----END CERTIFICATE-----\n';
  const brokenCrl = '-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n';
  // OpenSSL's label is X509 CRL (@peculiar/x509 writes CRL).
  const mixed = tls.readCertificates(`${x509.PemConverter.encode(crl.rawData, 'X509 CRL')}\n${ca.certPem}${broken}${brokenCrl}`);
  assert.equal(mixed.crls, 1);
  assert.equal(mixed.certificates.length, 1);
  assert.deepEqual(mixed.broken.map(b => b.label), ['CERTIFICATE', 'X509 CRL']);
  assert.deepEqual(tls.readCertificates(leaf.keyPem).blocks.map(b => b.label), ['PRIVATE KEY']);
  assert.deepEqual(tls.readCertificates('not pem'), { blocks: [], certificates: [], broken: [], crls: 0 });
});

test('private keys: PKCS #8, PKCS #1, SEC1, encrypted, garbled, absent; matched against certificates by OpenSSL', async () => {
  for (const kind of KINDS) {
    const leaf = await issue({ cn: kind, kind });
    const cert = one(leaf.certPem);
    const k = key(leaf.keyPem);
    assert.equal(tls.keyMatches(cert.handle, k.handle), true, `${kind} PKCS #8`);
    assert.equal(k.publicKey.spkiSha256, cert.publicKey.spkiSha256, `${kind} public half`);
    if (kind === 'ec256' || kind === 'ec384' || kind === 'rsa') {
      const t = key(traditionalPem(leaf.keyPem));
      assert.match(t.block.label, /^(RSA|EC) PRIVATE KEY$/);
      assert.equal(tls.keyMatches(cert.handle, t.handle), true, `${kind} traditional`);
    }
    const enc = tls.readPrivateKey(encryptedPem(leaf.keyPem));
    assert.deepEqual([enc.kind, enc.block?.label], ['encrypted', 'ENCRYPTED PRIVATE KEY'], `${kind} encrypted PKCS #8`);
    const other = await issue({ cn: 'other', kind });
    assert.equal(tls.keyMatches(cert.handle, key(other.keyPem).handle), false, `${kind} another key`);
  }
  const rsa = await issue({ cn: 'rsa', kind: 'rsa' });
  const ec = await issue({ cn: 'ec' });
  assert.equal(tls.keyMatches(one(rsa.certPem).handle, key(ec.keyPem).handle), false, 'a key of another type');

  // A traditional encrypted key (Proc-Type: 4,ENCRYPTED).
  const tradEnc = createPrivateKey(rsa.keyPem).export({ format: 'pem', type: 'pkcs1', cipher: 'aes-128-cbc', passphrase: 'secret' }).toString();
  assert.match(tradEnc, /Proc-Type: 4,ENCRYPTED/);
  assert.equal(tls.readPrivateKey(tradEnc).kind, 'encrypted');

  // An SEC1 key without its public point: OpenSSL derives the point, so it still matches its certificate.
  const sec1 = AsnConvert.parse(createPrivateKey(ec.keyPem).export({ format: 'der', type: 'sec1' }), ECPrivateKey);
  sec1.publicKey = undefined;
  const stripped = x509.PemConverter.encode(AsnConvert.serialize(sec1), 'EC PRIVATE KEY');
  assert.equal(tls.keyMatches(one(ec.certPem).handle, key(stripped).handle), true);

  // The key after a certificate in the same file, and an EC PARAMETERS block before it.
  const params = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const withParams = `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${params.privateKey.export({ format: 'pem', type: 'sec1' })}`;
  assert.equal(key(withParams).publicKey.curve, 'prime256v1');
  assert.equal(tls.keyMatches(one(ec.certPem).handle, key(ec.certPem + ec.keyPem).handle), true);

  const garbled = tls.readPrivateKey('-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n');
  assert.equal(garbled.kind, 'invalid');
  assert.equal(garbled.block?.label, 'PRIVATE KEY');
  assert.deepEqual(tls.readPrivateKey(ec.certPem), { kind: 'invalid', reason: 'no private key block', block: undefined });
  assert.deepEqual(tls.readPrivateKey('hello'), { kind: 'invalid', reason: 'no private key block', block: undefined });
});

test('issuedBy: every CA key type, self-signed, the wrong CA, a CA of the same name with another key', async () => {
  for (const kind of KINDS) {
    const ca = await issue({ cn: `ca-${kind}`, kind, ca: true });
    const leaf = await issue({ cn: 'leaf', kind: 'ec256', issuer: ca });
    const [caCert, leafCert] = [one(ca.certPem), one(leaf.certPem)];
    assert.equal(tls.issuedBy(leafCert.handle, caCert.handle), true, kind);
    assert.equal(tls.issuedBy(caCert.handle, caCert.handle), true, `${kind} self-signed`);
    assert.equal(tls.issuedBy(leafCert.handle, leafCert.handle), false, `${kind} not its own issuer`);
  }
  const ca = await issue({ cn: 'twin', ca: true });
  const twin = await issue({ cn: 'twin', ca: true });
  const leaf = one((await issue({ cn: 'leaf', issuer: ca })).certPem);
  assert.equal(tls.issuedBy(leaf.handle, one(twin.certPem).handle), false, 'same name, another key: the signature decides');
  assert.equal(tls.issuedBy(leaf.handle, one((await issue({ cn: 'other', ca: true })).certPem).handle), false);
});

/** A copy of `c` as an X.509 v1 certificate (no extensions), re-signed with its own key through node:crypto. */
function asV1(c: Issued): string {
  const asn = AsnConvert.parse(c.cert.rawData, AsnCertificate);
  asn.tbsCertificate.version = Version.v1;
  asn.tbsCertificate.extensions = undefined;
  const tbs = AsnConvert.serialize(asn.tbsCertificate);
  asn.signatureValue = new Uint8Array(sign('sha256', new Uint8Array(tbs), createPrivateKey(c.keyPem))).buffer;
  return x509.PemConverter.encode(AsnConvert.serialize(asn), 'CERTIFICATE');
}

test('OpenSSL\'s idea of a CA certificate (check_ca)', async () => {
  const info = async (o: Parameters<typeof issue>[0]) => one((await issue(o)).certPem);
  assert.equal(isCA(await info({ cn: 'ca', ca: true })), true);
  assert.equal(isCA(await info({ cn: 'leaf', ca: false })), false);
  assert.equal(isCA(await info({ cn: 'ca-no-sign', ca: true, keyUsage: x509.KeyUsageFlags.digitalSignature })), false);
  assert.equal(isCA(await info({ cn: 'ku-only', noExtensions: true, keyUsage: x509.KeyUsageFlags.keyCertSign })), true, 'keyCertSign without basicConstraints');
  const bare = await issue({ cn: 'bare', noExtensions: true });
  const v3 = one(bare.certPem);
  assert.deepEqual([v3.version, v3.basicConstraintsCA, isCA(v3)], [3, undefined, false], 'a bare v3 certificate is no CA');
  const v1 = one(asV1(bare));
  assert.deepEqual([v1.version, v1.selfIssued, isCA(v1)], [1, true, true], 'a self-signed v1 certificate is a root');
  assert.equal(tls.issuedBy(v1.handle, v1.handle), true, 're-signed correctly');
});
