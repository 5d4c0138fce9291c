/**
 * `pgtls cert renew` and `pgtls cert rotate-ca` (certs/lifecycle.ts, certs/rotation.ts, node/certLifecycle.ts,
 * cli/certRenew.ts) in process with a pinned clock: names, SANs and usages preserved, validity fresh, keys reused
 * or new, backups, modes, the refusals with their exit codes, the rotation's bundle, steps and Secrets, and that no
 * output ever holds key material.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import 'reflect-metadata';
import { X509Certificate } from '@peculiar/x509';
import { parseAllDocuments } from 'yaml';
import { renewSet, rotateCa, NotASetError, SetProblemError } from '../../server/src/certs/lifecycle';
import { runCertCli } from '../../server/src/cli/cert';
import { fastCrypto } from '../../server/src/node/fastCrypto';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lifecycle-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = () => path.join(root, `set-${++counter}`);
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const crypto = fastCrypto();

const GENERATED = new Date('2026-01-10T12:00:00Z');
const LATER = new Date('2026-11-20T08:30:00Z');
const DAY = 86_400_000;

interface Run { code: number; out: string; err: string }
async function cli(now: Date, ...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCertCli(argv, { out: s => out.push(s), err: s => err.push(s) }, { now: () => now, crypto });
  const all = out.join('') + err.join('');
  assert.doesNotMatch(all, /PRIVATE KEY-----/, 'output must never hold a private key');
  return { code, out: out.join(''), err: err.join('') };
}

async function makeSet(...extra: string[]): Promise<string> {
  const dir = fresh();
  const r = await cli(GENERATED, 'cert', 'set', '--out', dir, '--server-name', 'db.example.test', '--san', '10.0.0.5', '--san', 'pool.example.test',
    '--client-user', extra.includes('kubedb') ? 'postgres' : 'app_user', ...extra);
  assert.equal(r.code, 0, r.err);
  return dir;
}

const cert = (file: string) => new X509Certificate(fs.readFileSync(file, 'utf8'));
const read = (file: string) => fs.readFileSync(file);
/** Extensions other than the key identifiers, as DER, in order. */
const extensionsOf = (c: X509Certificate) => c.extensions.filter(e => !['2.5.29.14', '2.5.29.35'].includes(e.type)).map(e => Buffer.from(e.rawData).toString('hex'));
const filesOf = (dir: string) => Object.fromEntries(fs.readdirSync(dir).filter(n => /\.(crt|key|pk8)$/.test(n)).map(n => [n, new Uint8Array(read(path.join(dir, n)))]));

describe('cert renew', () => {
  test('keeps subject, SANs, usages and keys; fresh validity; backup of the replaced certificates', async () => {
    const dir = await makeSet('--replication', '--pk8');
    const before = Object.fromEntries(['server', 'client', 'replication'].map(b => [b, cert(path.join(dir, `${b}.crt`))]));
    const keysBefore = Object.fromEntries(['server.key', 'client.key', 'replication.key', 'client.pk8'].map(f => [f, read(path.join(dir, f))]));
    const r = await cli(LATER, 'cert', 'renew', '--out', dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Renewed 3 certificates/);
    assert.match(r.out, /key reused/);
    const ca = cert(path.join(dir, 'ca.crt'));
    for (const b of ['server', 'client', 'replication']) {
      const now = cert(path.join(dir, `${b}.crt`));
      const old = before[b]!;
      assert.equal(now.subject, old.subject);
      assert.deepEqual(extensionsOf(now), extensionsOf(old), `${b}: SANs, key usage, EKU, basic constraints copied`);
      assert.notEqual(now.serialNumber, old.serialNumber);
      assert.equal(now.notBefore.getTime(), LATER.getTime() - 5 * 60_000);
      assert.equal(now.notAfter.getTime(), LATER.getTime() + 397 * DAY);
      assert.ok(await now.verify({ publicKey: ca.publicKey, signatureOnly: true }, crypto), `${b} is signed by ca.crt`);
      assert.equal(Buffer.from(now.publicKey.rawData).toString('hex'), Buffer.from(old.publicKey.rawData).toString('hex'), `${b}: key reused`);
    }
    assert.ok(before.server!.getExtension('2.5.29.17'), 'the server certificate has SANs to preserve');
    for (const [f, bytes] of Object.entries(keysBefore)) assert.deepEqual(read(path.join(dir, f)), bytes, `${f} untouched`);
    const backups = fs.readdirSync(dir).filter(n => /^backup-20261120-083000$/.test(n));
    assert.equal(backups.length, 1, 'dated backup folder (UTC)');
    const backup = path.join(dir, backups[0]!);
    assert.equal(mode(backup), 0o700);
    assert.deepEqual(fs.readdirSync(backup).filter(n => !n.startsWith('.')).sort(), ['client.crt', 'replication.crt', 'server.crt']);
    assert.equal(cert(path.join(backup, 'server.crt')).serialNumber, before.server!.serialNumber);
  });

  test('--new-keys makes new keys of the same algorithm (0600), the old ones kept 0600 in the backup', async () => {
    const dir = await makeSet('--pk8');
    const oldKey = read(path.join(dir, 'server.key'));
    const oldPub = Buffer.from(cert(path.join(dir, 'server.crt')).publicKey.rawData).toString('hex');
    const oldPk8 = read(path.join(dir, 'client.pk8'));
    const r = await cli(LATER, 'cert', 'renew', '--out', dir, '--new-keys');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /key new \(0600\)/);
    assert.notDeepEqual(read(path.join(dir, 'server.key')), oldKey);
    assert.notDeepEqual(read(path.join(dir, 'client.pk8')), oldPk8);
    const now = cert(path.join(dir, 'server.crt'));
    assert.notEqual(Buffer.from(now.publicKey.rawData).toString('hex'), oldPub);
    assert.equal((now.publicKey.algorithm as EcKeyAlgorithm).namedCurve, 'P-256');
    const nodeKey = (await import('node:crypto')).createPrivateKey(read(path.join(dir, 'server.key')));
    const nodePub = (await import('node:crypto')).createPublicKey(nodeKey).export({ type: 'spki', format: 'der' });
    assert.equal(Buffer.from(nodePub).toString('hex'), Buffer.from(now.publicKey.rawData).toString('hex'), 'the new key belongs to the new certificate');
    for (const f of ['server.key', 'client.key', 'client.pk8']) assert.equal(mode(path.join(dir, f)), 0o600, f);
    const backup = path.join(dir, fs.readdirSync(dir).find(n => n.startsWith('backup-'))!);
    assert.deepEqual(read(path.join(backup, 'server.key')), oldKey);
    for (const f of ['server.key', 'client.key', 'client.pk8']) assert.equal(mode(path.join(backup, f)), 0o600, `backup ${f}`);
  });

  test('--no-backup writes no backup folder; a second renew in the same second gets its own folder', async () => {
    const dir = await makeSet();
    assert.equal((await cli(LATER, 'cert', 'renew', '--out', dir, '--no-backup')).code, 0);
    assert.deepEqual(fs.readdirSync(dir).filter(n => n.startsWith('backup-')), []);
    assert.equal((await cli(LATER, 'cert', 'renew', '--out', dir)).code, 0);
    assert.equal((await cli(LATER, 'cert', 'renew', '--out', dir)).code, 0);
    assert.deepEqual(fs.readdirSync(dir).filter(n => n.startsWith('backup-')).sort(), ['backup-20261120-083000', 'backup-20261120-083000-2']);
  });

  test('an RSA PKCS#1 set keeps its key format and keyEncipherment', async () => {
    const dir = await makeSet('--algorithm', 'rsa-2048', '--key-format', 'pkcs1');
    const r = await cli(LATER, 'cert', 'renew', '--out', dir, '--new-keys');
    assert.equal(r.code, 0, r.err);
    assert.match(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), /BEGIN RSA PRIVATE KEY/);
    assert.match(fs.readFileSync(path.join(dir, 'server.crt'), 'utf8'), /BEGIN CERTIFICATE/);
    assert.equal((cert(path.join(dir, 'server.crt')).publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength, 2048);
  });

  test('refusals: not a set (2), no CA key (1), a leaf from another CA (1), a key that does not match (1); nothing written', async () => {
    const empty = fresh();
    fs.mkdirSync(empty);
    let r = await cli(LATER, 'cert', 'renew', '--out', empty);
    assert.equal(r.code, 2);
    assert.match(r.err, /no ca\.crt/);
    r = await cli(LATER, 'cert', 'renew', '--out', path.join(root, 'missing'));
    assert.equal(r.code, 2);
    r = await cli(LATER, 'cert', 'renew');
    assert.equal(r.code, 2);
    assert.match(r.err, /--out/);

    const noKey = await makeSet();
    fs.rmSync(path.join(noKey, 'ca.key'));
    r = await cli(LATER, 'cert', 'renew', '--out', noKey);
    assert.equal(r.code, 1);
    assert.match(r.err, /ca\.key is missing.*rotate-ca/);

    const a = await makeSet();
    const b = await makeSet();
    fs.copyFileSync(path.join(b, 'server.crt'), path.join(a, 'server.crt'));
    fs.copyFileSync(path.join(b, 'server.key'), path.join(a, 'server.key'));
    const snapshot = filesOf(a);
    r = await cli(LATER, 'cert', 'renew', '--out', a);
    assert.equal(r.code, 1);
    assert.match(r.err, /server\.crt was not issued by ca\.crt/);
    assert.deepEqual(filesOf(a), snapshot, 'nothing written');
    assert.deepEqual(fs.readdirSync(a).filter(n => n.startsWith('backup-')), []);

    const c = await makeSet();
    fs.copyFileSync(path.join(c, 'client.key'), path.join(c, 'server.key'));
    r = await cli(LATER, 'cert', 'renew', '--out', c);
    assert.equal(r.code, 1);
    assert.match(r.err, /server\.key does not belong to server\.crt.*--new-keys/);
    r = await cli(LATER, 'cert', 'renew', '--out', c, '--new-keys');
    assert.equal(r.code, 0, 'with --new-keys the mismatched key is replaced');
  });

  test('the core refuses with typed errors and never throws anything else on junk', async () => {
    await assert.rejects(renewSet({}, { now: LATER, crypto }), NotASetError);
    await assert.rejects(renewSet({ 'ca.crt': new TextEncoder().encode('junk') }, { now: LATER, crypto }), NotASetError);
    const dir = await makeSet();
    const files = filesOf(dir);
    files['server.crt'] = new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await assert.rejects(renewSet(files, { now: LATER, crypto }), SetProblemError);
    await assert.rejects(renewSet(filesOf(dir), { now: new Date('2040-01-01T00:00:00Z'), crypto }), SetProblemError, 'an expired CA');
  });
});

describe('cert rotate-ca', () => {
  test('a new CA with the same subject, the bundle (old + new), leaves from the new CA, steps for plain files', async () => {
    const dir = await makeSet();
    const oldCa = cert(path.join(dir, 'ca.crt'));
    const oldServer = cert(path.join(dir, 'server.crt'));
    fs.rmSync(path.join(dir, 'ca.key')); // the old CA key is not needed
    const r = await cli(LATER, 'cert', 'rotate-ca', '--out', dir);
    assert.equal(r.code, 0, r.err);
    const newCa = cert(path.join(dir, 'ca.crt'));
    assert.equal(newCa.subject, oldCa.subject);
    assert.notEqual(newCa.serialNumber, oldCa.serialNumber);
    assert.notEqual(Buffer.from(newCa.publicKey.rawData).toString('hex'), Buffer.from(oldCa.publicKey.rawData).toString('hex'));
    assert.equal(mode(path.join(dir, 'ca.key')), 0o600);
    const bundle = fs.readFileSync(path.join(dir, 'ca-bundle.crt'), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)!;
    assert.deepEqual(bundle.map(p => new X509Certificate(p).serialNumber), [oldCa.serialNumber, newCa.serialNumber]);
    const server = cert(path.join(dir, 'server.crt'));
    assert.ok(await server.verify({ publicKey: newCa.publicKey, signatureOnly: true }, crypto));
    assert.ok(!(await server.verify({ publicKey: oldCa.publicKey, signatureOnly: true }, crypto)));
    assert.deepEqual(extensionsOf(server), extensionsOf(oldServer));
    assert.match(r.out, /Same subject name\./);
    assert.match(r.out, /1\. Trust both CAs: Install ca-bundle\.crt[\s\S]*2\. Swap the leaves[\s\S]*3\. Drop the old CA/);
    const backup = path.join(dir, fs.readdirSync(dir).find(n => n.startsWith('backup-'))!);
    assert.equal(cert(path.join(backup, 'ca.crt')).serialNumber, oldCa.serialNumber);
  });

  test('--operator percona writes each step\'s Secrets (0600): bundle first with the old leaves, then new leaves and root, then the new CA alone', async () => {
    const dir = await makeSet('--operator', 'percona', '--name', 'c1');
    const oldServerPem = fs.readFileSync(path.join(dir, 'server.crt'), 'utf8');
    const oldCaPem = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    const r = await cli(LATER, 'cert', 'rotate-ca', '--out', dir, '--operator', 'percona', '--name', 'c1', '--namespace', 'db');
    assert.equal(r.code, 0, r.err);
    const secrets = (file: string) => {
      assert.equal(mode(path.join(dir, file)), 0o600, file);
      return parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map(d => d.toJS() as { metadata: { name: string; namespace: string }; data: Record<string, string> })
        .map(o => [o.metadata.name, Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))] as const);
    };
    const bundle = fs.readFileSync(path.join(dir, 'ca-bundle.crt'), 'utf8');
    const newCa = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    const s1 = new Map(secrets('rotate-ca-1-trust-both.yaml'));
    assert.deepEqual([...s1.keys()], ['c1-custom-tls', 'c1-custom-replication-tls']);
    assert.equal(s1.get('c1-custom-tls')!['ca.crt'], bundle);
    assert.equal(s1.get('c1-custom-tls')!['tls.crt'], oldServerPem);
    const s2 = new Map(secrets('rotate-ca-2-new-leaves.yaml'));
    assert.deepEqual([...s2.keys()], ['c1-custom-tls', 'c1-custom-replication-tls', 'c1-custom-root-ca']);
    assert.equal(s2.get('c1-custom-tls')!['tls.crt'], fs.readFileSync(path.join(dir, 'server.crt'), 'utf8'));
    assert.equal(s2.get('c1-custom-tls')!['ca.crt'], bundle);
    assert.equal(s2.get('c1-custom-root-ca')!['root.crt'], newCa);
    const s3 = new Map(secrets('rotate-ca-3-new-ca-only.yaml'));
    assert.deepEqual([...s3.keys()], ['c1-custom-tls', 'c1-custom-replication-tls']);
    assert.equal(s3.get('c1-custom-replication-tls')!['ca.crt'], newCa);
    assert.ok(bundle.startsWith(oldCaPem));
    assert.match(r.out, /Secrets: c1-custom-tls, c1-custom-replication-tls in rotate-ca-1-trust-both\.yaml/);
  });

  test('kubedb: no Secret in step 1, the Issuer\'s CA key pair in step 2; cpo layout two: the CA Secret carries the bundle', async () => {
    const k = await makeSet('--operator', 'kubedb', '--name', 'pp');
    let r = await cli(LATER, 'cert', 'rotate-ca', '--out', k, '--operator', 'kubedb', '--name', 'pp');
    assert.equal(r.code, 0, r.err);
    assert.ok(!fs.existsSync(path.join(k, 'rotate-ca-1-trust-both.yaml')));
    const step2 = parseAllDocuments(fs.readFileSync(path.join(k, 'rotate-ca-2-new-leaves.yaml'), 'utf8')).map(d => d.toJS());
    assert.equal(step2.length, 1);
    assert.equal(Buffer.from(step2[0].data['tls.crt'], 'base64').toString(), fs.readFileSync(path.join(k, 'ca.crt'), 'utf8'));
    assert.match(r.out, /1\. Trust both CAs: No Secret changes yet/);

    const c = await makeSet('--operator', 'cpo', '--name', 'acid', '--layout', 'two');
    r = await cli(LATER, 'cert', 'rotate-ca', '--out', c, '--operator', 'cpo', '--name', 'acid', '--layout', 'two');
    assert.equal(r.code, 0, r.err);
    const step1 = parseAllDocuments(fs.readFileSync(path.join(c, 'rotate-ca-1-trust-both.yaml'), 'utf8')).map(d => d.toJS());
    assert.deepEqual(step1.map(o => Object.keys(o.data)), [['ca.crt']]);
    assert.match(r.out, /every 5 minutes/);
  });

  test('refuses an intermediate CA and a leaf from another CA', async () => {
    const dir = await makeSet();
    const other = await makeSet();
    fs.copyFileSync(path.join(other, 'client.crt'), path.join(dir, 'client.crt'));
    const r = await cli(LATER, 'cert', 'rotate-ca', '--out', dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /client\.crt was not issued by ca\.crt/);

    const rootDir = fresh();
    assert.equal((await cli(GENERATED, 'cert', 'ca', '--out', rootDir, '--path-length', '1')).code, 0);
    const inter = fresh();
    assert.equal((await cli(GENERATED, 'cert', 'ca', '--out', inter, '--ca-cert', path.join(rootDir, 'ca.crt'), '--ca-key', path.join(rootDir, 'ca.key'))).code, 0);
    assert.equal((await cli(GENERATED, 'cert', 'server', '--out', inter, '--server-name', 'x.test')).code, 0);
    await assert.rejects(rotateCa(filesOf(inter), { now: LATER, crypto }), /intermediate CA/);
    // …but renewing under an intermediate works and keeps the chain in the leaf file.
    const rr = await cli(LATER, 'cert', 'renew', '--out', inter);
    assert.equal(rr.code, 0, rr.err);
    assert.equal((fs.readFileSync(path.join(inter, 'server.crt'), 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
  });
});
