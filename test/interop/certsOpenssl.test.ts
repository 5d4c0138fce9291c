/**
 * The generated certificates against real TLS stacks: the `openssl` binary (verify -x509_strict with purposes and
 * host names, x509 -text, pkey) and a mutual-TLS handshake through Node's tls module. Files are written the way the
 * CLI will write them: a 0700 temp folder, keys 0600, never over an existing file. Nothing prints a private key.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import {
  KEY_ALGORITHMS,
  createCa,
  createIntermediate,
  generateSet,
  issueReplication,
  issueServer,
  type CertSet,
  type KeyAlgorithm,
} from '../../server/src/certs/generate';
import { pemDecodeAll, pemEncode, pkcs8ToPkcs1 } from '../../server/src/certs/keys';
import { describeCertificate } from '../../server/src/certs/inspect';
import { fastCrypto } from '../../server/src/node/fastCrypto';
import { assertTools, missing } from '../requires';

// The crypto the CLI and the language server inject (ECDSA/Ed25519 on node:crypto, the rest on WebCrypto).
const crypto = fastCrypto();
const OPENSSL = missing('openssl');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-certs-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A fresh 0700 folder (mkdtemp creates it so) under the suite's temp root. */
function freshDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(root, `${name}-`));
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  return dir;
}

/** Writes like the CLI will: keys 0600, certificates 0644, `wx` so that an existing file is never replaced. */
function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, data] of Object.entries(files)) {
    const secret = /\.(key|pk8)$/.test(name);
    fs.writeFileSync(path.join(dir, name), data, { mode: secret ? 0o600 : 0o644, flag: 'wx' });
    if (secret) assert.equal(fs.statSync(path.join(dir, name)).mode & 0o777, 0o600, `${name} must be 0600`);
  }
}

/** Runs openssl and returns stdout; on failure the error carries stderr (openssl never echoes key bytes there). */
function openssl(dir: string, ...args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs an openssl command that must fail; returns its combined output. */
function opensslFails(dir: string, ...args: string[]): string {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  assert.notEqual(r.status, 0, `openssl ${args.join(' ')} should fail`);
  return `${r.stdout}${r.stderr}`;
}

const SIGNATURE: Record<KeyAlgorithm, string> = {
  'ecdsa-p256': 'ecdsa-with-SHA256',
  'ecdsa-p384': 'ecdsa-with-SHA384',
  'rsa-2048': 'sha256WithRSAEncryption',
  'rsa-3072': 'sha256WithRSAEncryption',
  'rsa-4096': 'sha256WithRSAEncryption',
  ed25519: 'ED25519',
};
const PUBLIC_KEY: Record<KeyAlgorithm, RegExp> = {
  'ecdsa-p256': /Public-Key: \(256 bit\)[\s\S]*NIST CURVE: P-256/,
  'ecdsa-p384': /Public-Key: \(384 bit\)[\s\S]*NIST CURVE: P-384/,
  'rsa-2048': /Public-Key: \(2048 bit\)/,
  'rsa-3072': /Public-Key: \(3072 bit\)/,
  'rsa-4096': /Public-Key: \(4096 bit\)/,
  ed25519: /ED25519 Public-Key:/,
};

// Generation is slow for big RSA keys; start every set at once so the thread pool overlaps them.
const sets = new Map<KeyAlgorithm, Promise<CertSet>>();
function setFor(algorithm: KeyAlgorithm): Promise<CertSet> {
  let p = sets.get(algorithm);
  if (!p) {
    // `now` is the real clock here on purpose: openssl verify and the TLS handshake check validity against it.
    p = generateSet({ algorithm, serverName: 'localhost', sans: ['127.0.0.1', '::1', 'pgpool.example.svc'], clientUser: 'postgres', now: new Date(), crypto });
    p.catch(() => undefined);
    sets.set(algorithm, p);
  }
  return p;
}
for (const alg of KEY_ALGORITHMS) setFor(alg);

/** Mutual TLS between Node's tls server and client (Node's own OpenSSL), the way pgpool + psql use the files. */
async function handshake(set: CertSet, servername: string): Promise<{ authorized: boolean; peerAuthorized: boolean; peerCn: string; protocol: string | null }> {
  const server = tls.createServer({ key: set['server.key'], cert: set['server.crt'], ca: set['ca.crt'], requestCert: true, rejectUnauthorized: true });
  server.on('tlsClientError', () => undefined);
  const accepted = new Promise<tls.TLSSocket>(resolve => server.once('secureConnection', s => { s.on('error', () => undefined); resolve(s); }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const client = tls.connect({ host: '127.0.0.1', port, servername, ca: set['ca.crt'], key: set['client.key'], cert: set['client.crt'] });
  try {
    await once(client, 'secureConnect');
    const s = await accepted;
    const peer = s.getPeerCertificate();
    const result = { authorized: client.authorized, peerAuthorized: s.authorized, peerCn: String(peer.subject.CN), protocol: client.getProtocol() };
    s.destroy();
    return result;
  } finally {
    client.destroy();
    server.close();
  }
}

for (const alg of KEY_ALGORITHMS) {
  describe(`generated ${alg} set`, () => {
    test('openssl verify -x509_strict, purposes, host names and IPs', { skip: OPENSSL }, async () => {
      assertTools('openssl');
      const dir = freshDir(alg);
      writeFiles(dir, await setFor(alg));
      assert.equal(openssl(dir, 'verify', '-x509_strict', '-CAfile', 'ca.crt', 'server.crt', 'client.crt'), 'server.crt: OK\nclient.crt: OK\n');
      for (const check of [['-verify_hostname', 'localhost'], ['-verify_hostname', 'pgpool.example.svc'], ['-verify_ip', '127.0.0.1'], ['-verify_ip', '::1']]) {
        assert.equal(openssl(dir, 'verify', '-x509_strict', '-purpose', 'sslserver', ...check, '-CAfile', 'ca.crt', 'server.crt'), 'server.crt: OK\n', check.join(' '));
      }
      assert.equal(openssl(dir, 'verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', 'ca.crt', 'client.crt'), 'client.crt: OK\n');
      // The checks above would mean little if openssl accepted anything: these must fail.
      assert.match(opensslFails(dir, 'verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', 'other.example', '-CAfile', 'ca.crt', 'server.crt'), /hostname mismatch/);
      assert.match(opensslFails(dir, 'verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'ca.crt', 'client.crt'), /unsuitable certificate purpose/);
      assert.match(opensslFails(dir, 'verify', '-x509_strict', '-CAfile', 'server.crt', 'client.crt'), /unable to get local issuer certificate/);
    });

    test('openssl x509 -text: extensions, key, signature algorithm; fingerprint and serial match describeCertificate', { skip: OPENSSL }, async () => {
      assertTools('openssl');
      const set = await setFor(alg);
      const dir = freshDir(`${alg}-text`);
      writeFiles(dir, set);
      const rsa = alg.startsWith('rsa-');
      const ku = rsa ? 'Digital Signature, Key Encipherment' : 'Digital Signature';

      const server = openssl(dir, 'x509', '-in', 'server.crt', '-text', '-noout');
      assert.match(server, new RegExp(`^ {4}Signature Algorithm: ${SIGNATURE[alg]}$`, 'm'));
      assert.match(server, PUBLIC_KEY[alg]);
      assert.match(server, /Subject: CN = localhost\n/);
      assert.match(server, /X509v3 Basic Constraints: critical\n +CA:FALSE\n/);
      assert.match(server, new RegExp(`X509v3 Key Usage: critical\\n +${ku}\\n`));
      assert.match(server, /X509v3 Extended Key Usage: ?\n +TLS Web Server Authentication\n/);
      assert.match(server, /X509v3 Subject Alternative Name: ?\n +DNS:localhost, DNS:pgpool\.example\.svc, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1\n/);
      assert.match(server, /X509v3 Subject Key Identifier: ?\n/);
      assert.match(server, /X509v3 Authority Key Identifier: ?\n/);

      const ca = openssl(dir, 'x509', '-in', 'ca.crt', '-text', '-noout');
      assert.match(ca, /X509v3 Basic Constraints: critical\n +CA:TRUE, pathlen:0\n/);
      assert.match(ca, /X509v3 Key Usage: critical\n +Certificate Sign, CRL Sign\n/);
      assert.match(ca, new RegExp(`^ {4}Signature Algorithm: ${SIGNATURE[alg]}$`, 'm'));

      const client = openssl(dir, 'x509', '-in', 'client.crt', '-text', '-noout');
      assert.match(client, /Subject: CN = postgres\n/);
      assert.match(client, /X509v3 Extended Key Usage: ?\n +TLS Web Client Authentication\n/);
      assert.match(client, new RegExp(`X509v3 Key Usage: critical\\n +${ku}\\n`));
      assert.doesNotMatch(client, /Subject Alternative Name/);

      const d = await describeCertificate(set['server.crt'], new Date(), crypto);
      assert.equal(openssl(dir, 'x509', '-in', 'server.crt', '-noout', '-fingerprint', '-sha256').trim().replace(/^.*=/, ''), d.fingerprintSha256);
      assert.equal(openssl(dir, 'x509', '-in', 'server.crt', '-noout', '-serial').trim(), `serial=${d.serialNumber.toUpperCase()}`);
      assert.equal(d.signatureAlgorithm.name, SIGNATURE[alg]);
    });

    test('every key matches its certificate (pkey -pubout = x509 -pubkey), PKCS#8 DER (.pk8) and PKCS#1 included', { skip: OPENSSL }, async () => {
      assertTools('openssl');
      const set = await setFor(alg);
      const dir = freshDir(`${alg}-keys`);
      const pk8 = pemDecodeAll(set['client.key'], 'PRIVATE KEY')[0];
      const extra: Record<string, string | Uint8Array> = { 'client.pk8': pk8 };
      if (alg.startsWith('rsa-')) extra['server.rsa.key'] = pemEncode(pkcs8ToPkcs1(pemDecodeAll(set['server.key'], 'PRIVATE KEY')[0]), 'RSA PRIVATE KEY');
      writeFiles(dir, { ...set, ...extra });
      for (const who of ['ca', 'server', 'client']) {
        assert.match(set[`${who}.key` as keyof CertSet], /^-----BEGIN PRIVATE KEY-----\n/);
        const fromKey = openssl(dir, 'pkey', '-in', `${who}.key`, '-pubout');
        assert.match(fromKey, /^-----BEGIN PUBLIC KEY-----\n/);
        assert.equal(fromKey, openssl(dir, 'x509', '-in', `${who}.crt`, '-pubkey', '-noout'), `${who}.key belongs to ${who}.crt`);
      }
      assert.equal(openssl(dir, 'pkey', '-inform', 'DER', '-in', 'client.pk8', '-pubout'), openssl(dir, 'x509', '-in', 'client.crt', '-pubkey', '-noout'));
      if (alg.startsWith('rsa-')) {
        assert.match(fs.readFileSync(path.join(dir, 'server.rsa.key'), 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----\n/);
        assert.equal(openssl(dir, 'rsa', '-in', 'server.rsa.key', '-check', '-noout').trim(), 'RSA key ok');
        assert.equal(openssl(dir, 'pkey', '-in', 'server.rsa.key', '-pubout'), openssl(dir, 'x509', '-in', 'server.crt', '-pubkey', '-noout'));
      }
    });

    test('mutual TLS handshake through Node tls: server verified by name, client certificate accepted with CN = user', async () => {
      const set = await setFor(alg);
      const r = await handshake(set, 'localhost');
      assert.deepEqual([r.authorized, r.peerAuthorized, r.peerCn], [true, true, 'postgres']);
      assert.match(String(r.protocol), /^TLSv1\.[23]$/);
      await assert.rejects(handshake(set, 'wrong.example'), (e: NodeJS.ErrnoException) => e.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
    });
  });
}

describe('chains and Percona replication', () => {
  test('root (P-384, pathLen 1) → intermediate (P-256) → server chain file and _crunchyrepl client', { skip: OPENSSL }, async () => {
    assertTools('openssl');
    const now = new Date();
    const rootCa = await createCa({ commonName: 'cluster1-ca', algorithm: 'ecdsa-p384', pathLength: 1, now, crypto });
    const inter = await createIntermediate(rootCa, { commonName: 'cluster1-intermediate', algorithm: 'ecdsa-p256', now, crypto });
    const server = await issueServer(inter, {
      commonName: 'cluster1-primary.ns.svc.cluster.local',
      dnsNames: ['cluster1-primary', 'cluster1-primary.ns', 'cluster1-primary.ns.svc'],
      now, crypto,
    });
    const repl = await issueReplication(inter, { now, crypto });
    const dir = freshDir('chain');
    writeFiles(dir, { 'root.crt': rootCa.certPem, 'tls.crt': server.chainPem, 'tls.key': server.keyPem, 'repl.crt': repl.chainPem, 'repl.key': repl.keyPem });
    // The chain file holds leaf + intermediate; openssl takes the intermediate from it as untrusted, as pgpool does.
    assert.equal(openssl(dir, 'verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', 'cluster1-primary', '-CAfile', 'root.crt', '-untrusted', 'tls.crt', 'tls.crt'), 'tls.crt: OK\n');
    assert.equal(openssl(dir, 'verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', 'root.crt', '-untrusted', 'repl.crt', 'repl.crt'), 'repl.crt: OK\n');
    assert.match(opensslFails(dir, 'verify', '-x509_strict', '-CAfile', 'root.crt', 'tls.crt'), /unable to get local issuer certificate/);
    const text = openssl(dir, 'x509', '-in', 'repl.crt', '-text', '-noout');
    assert.match(text, /Subject: CN = _crunchyrepl\n/);
    assert.match(text, /X509v3 Subject Alternative Name: ?\n +DNS:_crunchyrepl\n/);
    assert.match(openssl(dir, 'x509', '-in', 'root.crt', '-text', '-noout'), /CA:TRUE, pathlen:1\n/);
    assert.equal(openssl(dir, 'pkey', '-in', 'repl.key', '-pubout'), openssl(dir, 'x509', '-in', 'repl.crt', '-pubkey', '-noout'));
  });
});

describe('describeCertificate on certificates made by openssl', () => {
  test('flags the mistakes pgtls refuses to make: keyEncipherment on ECDSA, SHA-1, RSA-1024', { skip: OPENSSL }, async () => {
    assertTools('openssl');
    const dir = freshDir('openssl-made');
    // openssl sets notBefore to the second it signs (no backdating); look an hour later so all are valid.
    const now = new Date(Date.now() + 3_600_000);
    openssl(dir, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key');
    openssl(dir, 'req', '-new', '-x509', '-days', '2', '-sha256', '-key', 'ca.key', '-subj', '/CN=openssl CA', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.crt');
    fs.writeFileSync(path.join(dir, 'ec.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:a.example,IP:10.1.2.3,email:ops@example.com,URI:https://example.com/x\n');
    openssl(dir, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'ec.key');
    openssl(dir, 'req', '-new', '-sha384', '-key', 'ec.key', '-subj', '/CN=ec leaf', '-out', 'ec.csr');
    openssl(dir, 'x509', '-req', '-in', 'ec.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha384', '-extfile', 'ec.ext', '-out', 'ec.crt');
    const ec = await describeCertificate(fs.readFileSync(path.join(dir, 'ec.crt'), 'utf8'), now, crypto);
    assert.equal(ec.signatureAlgorithm.name, 'ecdsa-with-SHA384');
    assert.deepEqual(ec.publicKey, { type: 'EC', curve: 'P-384', bits: 384, oid: '1.2.840.10045.2.1' });
    assert.deepEqual(ec.subjectAltNames, { dns: ['a.example'], ip: ['10.1.2.3'], email: ['ops@example.com'], uri: ['https://example.com/x'], other: [] });
    assert.deepEqual(ec.problems, ['key usage keyEncipherment is set for a EC key, which cannot encipher (RFC 8813, RFC 8410); strict clients reject the certificate']);
    assert.equal(ec.fingerprintSha256, openssl(dir, 'x509', '-in', 'ec.crt', '-noout', '-fingerprint', '-sha256').trim().replace(/^.*=/, ''));

    fs.writeFileSync(path.join(dir, 'rsa.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
    openssl(dir, 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', 'rsa.key');
    openssl(dir, 'req', '-new', '-key', 'rsa.key', '-subj', '/CN=postgres', '-out', 'rsa.csr');
    openssl(dir, 'x509', '-req', '-in', 'rsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha1', '-extfile', 'rsa.ext', '-out', 'rsa.crt');
    const weak = await describeCertificate(fs.readFileSync(path.join(dir, 'rsa.crt'), 'utf8'), now, crypto);
    assert.equal(weak.signatureAlgorithm.name, 'ecdsa-with-SHA1');
    assert.deepEqual(weak.publicKey, { type: 'RSA', bits: 1024, oid: '1.2.840.113549.1.1.1' });
    assert.deepEqual(weak.problems, [
      'signed with ecdsa-with-SHA1: SHA-1 is broken and OpenSSL 3 refuses such signatures at its default security level',
      'RSA key of 1024 bits; at least 2048 are required',
    ]);
    assert.match(openssl(dir, 'x509', '-in', 'rsa.crt', '-text', '-noout'), /Signature Algorithm: ecdsa-with-SHA1/);
  });
});
