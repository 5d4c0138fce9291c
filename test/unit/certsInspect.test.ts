/** describeCertificate: the structured description, the text rendering, and the problems it flags. */
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import 'reflect-metadata';
import { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, Name, X509CertificateGenerator } from '@peculiar/x509';
import { CertError, createCa, createIntermediate, issueClient, issueServer, type CertificateAuthority, type IssuedCertificate } from '../../server/src/certs/generate';
import { describeCertificate, describeCertificates } from '../../server/src/certs/inspect';
import { pemEncode } from '../../server/src/certs/keys';

const crypto = nodeCrypto.webcrypto as unknown as Crypto;
const NOW = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400_000;

let ca: CertificateAuthority;
let server: IssuedCertificate;
before(async () => {
  ca = await createCa({ commonName: 'inspect CA', organization: 'pgtls', now: NOW, crypto });
  server = await issueServer(ca, { commonName: 'db.example', dnsNames: ['db'], ipAddresses: ['10.0.0.7', '2001:db8::7'], now: NOW, crypto });
});

async function handMade(opts: {
  keyGen: RsaHashedKeyGenParams | EcKeyGenParams; sign: Algorithm | EcdsaParams; usages: number; ca?: boolean; selfSigned?: boolean;
}): Promise<string> {
  const keys = await crypto.subtle.generateKey(opts.keyGen, true, ['sign', 'verify']) as CryptoKeyPair;
  const cert = await X509CertificateGenerator.create({
    serialNumber: '01',
    subject: new Name([{ CN: [{ utf8String: 'hand made' }] }]),
    issuer: opts.selfSigned ? new Name([{ CN: [{ utf8String: 'hand made' }] }]) : ca.cert.subjectName,
    notBefore: NOW,
    notAfter: new Date(NOW.getTime() + DAY),
    publicKey: keys.publicKey,
    signingKey: opts.selfSigned ? keys.privateKey : ca.keys.privateKey,
    signingAlgorithm: opts.sign,
    extensions: [new BasicConstraintsExtension(opts.ca ?? false, undefined, true), new KeyUsagesExtension(opts.usages, true)],
  }, crypto);
  return pemEncode(cert.rawData, 'CERTIFICATE');
}

describe('describeCertificate', () => {
  test('a generated server certificate, field by field, agrees with Node (OpenSSL)', async () => {
    const d = await describeCertificate(server.certPem, NOW, crypto);
    const node = new nodeCrypto.X509Certificate(server.certPem);
    assert.equal(d.subject, 'CN=db.example');
    assert.equal(d.commonName, 'db.example');
    assert.equal(d.issuer, 'O=pgtls, CN=inspect CA');
    assert.equal(d.selfIssued, false);
    assert.equal(d.serialNumber, node.serialNumber.toLowerCase());
    assert.equal(d.fingerprintSha256, node.fingerprint256);
    assert.deepEqual([d.notBefore, d.notAfter], [new Date(node.validFrom), new Date(node.validTo)]);
    assert.equal(d.validity, 'valid');
    assert.equal(d.daysLeft, 397);
    assert.deepEqual(d.publicKey, { type: 'EC', curve: 'P-256', bits: 256, oid: '1.2.840.10045.2.1' });
    assert.deepEqual(d.signatureAlgorithm, { oid: '1.2.840.10045.4.3.2', name: 'ecdsa-with-SHA256', hash: 'SHA-256' });
    assert.deepEqual(d.subjectAltNames, { dns: ['db.example', 'db'], ip: ['10.0.0.7', '2001:db8::7'], email: [], uri: [], other: [] });
    assert.equal(node.subjectAltName, 'DNS:db.example, DNS:db, IP Address:10.0.0.7, IP Address:2001:DB8:0:0:0:0:0:7');
    assert.deepEqual(d.basicConstraints, { critical: true, ca: false });
    assert.deepEqual(d.keyUsage, { critical: true, usages: ['digitalSignature'] });
    assert.deepEqual(d.extendedKeyUsage, { critical: false, usages: ['serverAuth'] });
    assert.equal(d.authorityKeyId, (await describeCertificate(ca.certPem, NOW, crypto)).subjectKeyId);
    assert.deepEqual(d.problems, []);
    assert.ok(node.checkIssued(new nodeCrypto.X509Certificate(ca.certPem)));
  });

  test('the text rendering reads like openssl x509 -text', async () => {
    const { text } = await describeCertificate(server.certPem, NOW, crypto);
    for (const line of [
      'Certificate:',
      '    Subject: CN=db.example',
      '    Issuer: O=pgtls, CN=inspect CA',
      '        Not Before: 2029-12-31 23:55:00 UTC',
      '        Not After : 2031-02-02 00:00:00 UTC  (valid, 397 days left)',
      '    Public Key: EC P-256 (256 bit)',
      '    Signature Algorithm: ecdsa-with-SHA256',
      '        X509v3 Basic Constraints: critical',
      '            CA:FALSE',
      '        X509v3 Key Usage: critical',
      '            Digital Signature',
      '        X509v3 Extended Key Usage:',
      '            TLS Web Server Authentication',
      '            DNS:db.example, DNS:db, IP Address:10.0.0.7, IP Address:2001:db8::7',
    ]) assert.ok(text.split('\n').includes(line), `missing line ${JSON.stringify(line)} in\n${text}`);
    assert.match(text, /^ {4}SHA-256 Fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    assert.doesNotMatch(text, /Problems/);
    const caText = (await describeCertificate(ca.certPem, NOW, crypto)).text;
    assert.ok(caText.includes('            CA:TRUE, pathlen:0\n'));
    assert.ok(caText.includes('            Certificate Sign, CRL Sign\n'));
    assert.ok(caText.includes('(self-issued)'));
  });

  test('validity status follows the injected clock', async () => {
    const before = await describeCertificate(server.certPem, new Date(NOW.getTime() - DAY), crypto);
    assert.equal(before.validity, 'not-yet-valid');
    assert.match(before.problems.join('\n'), /not valid before 2029-12-31 23:55:00 UTC/);
    const after = await describeCertificate(server.certPem, new Date(NOW.getTime() + 400 * DAY), crypto);
    assert.equal(after.validity, 'expired');
    assert.equal(after.daysLeft, -3);
    assert.match(after.text, /\(EXPIRED\)/);
    assert.match(after.problems.join('\n'), /expired on 2031-02-02 00:00:00 UTC/);
  });

  test('DER input, chain files, RSA and Ed25519 keys', async () => {
    const rsa = await issueClient(ca, { user: 'postgres', algorithm: 'rsa-2048', now: NOW, crypto });
    const fromDer = await describeCertificate(new Uint8Array(rsa.cert.rawData), NOW, crypto);
    assert.deepEqual(fromDer.publicKey, { type: 'RSA', bits: 2048, oid: '1.2.840.113549.1.1.1' });
    assert.equal(fromDer.signatureAlgorithm.name, 'ecdsa-with-SHA256', 'signed by the P-256 CA');
    assert.deepEqual(fromDer.keyUsage?.usages, ['digitalSignature', 'keyEncipherment']);
    assert.deepEqual(fromDer.problems, []);
    const root = await createCa({ commonName: 'root', pathLength: 1, now: NOW, crypto });
    const inter = await createIntermediate(root, { commonName: 'inter', algorithm: 'ed25519', now: NOW, crypto });
    const leaf = await issueServer(inter, { dnsNames: ['x.example'], now: NOW, crypto });
    const chain = await describeCertificates(`# leaf then intermediate\n${leaf.chainPem}`, NOW, crypto);
    assert.deepEqual(chain.map(c => c.subject), ['CN=x.example', 'CN=inter']);
    assert.deepEqual(chain[0].publicKey, { type: 'Ed25519', bits: 256, oid: '1.3.101.112' });
    assert.equal(chain[0].signatureAlgorithm.name, 'ED25519');
    assert.deepEqual(chain[1].basicConstraints, { critical: true, ca: true, pathLength: 0 });
  });

  test('flags keyEncipherment on an EC key, SHA-1 signatures, short RSA keys and a CA without keyCertSign', async () => {
    const ecEncipher = await describeCertificate(await handMade({
      keyGen: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
      usages: KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment,
    }), NOW, crypto);
    assert.deepEqual(ecEncipher.problems, ['key usage keyEncipherment is set for a EC key, which cannot encipher (RFC 8813, RFC 8410); strict clients reject the certificate']);
    assert.match(ecEncipher.text, /Problems:\n {8}- key usage keyEncipherment/);

    const weak = await describeCertificate(await handMade({
      keyGen: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-1' },
      sign: { name: 'RSASSA-PKCS1-v1_5' }, usages: KeyUsageFlags.digitalSignature, selfSigned: true,
    }), NOW, crypto);
    assert.equal(weak.signatureAlgorithm.name, 'sha1WithRSAEncryption');
    assert.deepEqual(weak.publicKey.bits, 1024);
    assert.deepEqual(weak.problems, [
      'signed with sha1WithRSAEncryption: SHA-1 is broken and OpenSSL 3 refuses such signatures at its default security level',
      'RSA key of 1024 bits; at least 2048 are required',
    ]);

    const caNoSign = await describeCertificate(await handMade({
      keyGen: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams,
      usages: KeyUsageFlags.digitalSignature, ca: true, selfSigned: true,
    }), NOW, crypto);
    assert.deepEqual(caNoSign.problems, ['a CA certificate whose key usage lacks keyCertSign cannot sign certificates']);
    assert.equal(caNoSign.publicKey.curve, 'P-384');
  });

  test('refuses what is not a certificate without quoting it', async () => {
    const isCertError = (re: RegExp) => (e: unknown) => e instanceof CertError && re.test(e.message);
    await assert.rejects(describeCertificate(server.keyPem, NOW, crypto), isCertError(/^this is a private key, not a certificate$/));
    await assert.rejects(describeCertificate('hello', NOW, crypto), isCertError(/no PEM "CERTIFICATE" block/));
    await assert.rejects(describeCertificate(server.pk8Der, NOW, crypto), isCertError(/^not a valid X.509 certificate/));
    await assert.rejects(describeCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', NOW, crypto), isCertError(/not a valid X.509/));
  });
});
