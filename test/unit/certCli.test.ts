/**
 * `pgtls cert …` and `pgtls inspect …` through `runCertCli`, in process (the bundled `dist/cli.js` reaches the same
 * function once server/src/cli/main.ts dispatches to it): files and modes on disk, refusal to overwrite, --force,
 * .gitignore, every algorithm checked by `openssl verify -x509_strict`, usage errors with exit 2, inspect output,
 * and that no output ever contains key material.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../server/src/certs/algorithms';
import { runCertCli } from '../../server/src/cli/cert';
import { assertTools, missing } from '../requires';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-certcli-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (name = 'd') => path.join(root, `${name}-${++counter}`);
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const OPENSSL = missing('openssl');

interface Run { code: number; out: string; err: string }
async function cli(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCertCli(argv, { out: s => out.push(s), err: s => err.push(s) });
  const r = { code, out: out.join(''), err: err.join('') };
  assertNoKeyMaterial(r);
  return r;
}

/** Every private key written during the suite; no output may contain any line of one. */
const keyLines = new Set<string>();
function rememberKeys(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    if (!/\.(key|pk8)$/.test(f)) continue;
    const bytes = fs.readFileSync(path.join(dir, f));
    const text = f.endsWith('.pk8') ? bytes.toString('base64') : bytes.toString('utf8');
    for (const line of text.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) keyLines.add(line.slice(0, 40));
  }
}
function assertNoKeyMaterial(r: Run): void {
  const all = r.out + r.err;
  assert.doesNotMatch(all, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'output must never contain a PEM private key');
  for (const l of keyLines) assert.ok(!all.includes(l), 'output must never contain key bytes');
}

function openssl(cwd: string, ...args: string[]): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const SET_FILES = ['ca.crt', 'ca.key', 'client.crt', 'client.key', 'server.crt', 'server.key'];

describe('cert set', () => {
  // Every algorithm at once: RSA-4096 key generation dominates, so the sets overlap on the thread pool.
  const sets = new Map<KeyAlgorithm, { dir: string; run: Promise<Run> }>();
  before(() => {
    for (const alg of KEY_ALGORITHMS) {
      const dir = fresh(alg);
      sets.set(alg, { dir, run: cli('cert', 'set', '--out', dir, '--algorithm', alg, '--server-name', 'db.example.com', '--san', '127.0.0.1', '--san', 'pgpool', '--san', '::1', '--client-user', 'app_user') });
    }
  });

  for (const alg of KEY_ALGORITHMS) {
    test(`${alg}: the six files, modes 0600/0644 in a 0700 folder, .gitignore, a summary without keys`, async () => {
      const { dir, run } = sets.get(alg)!;
      const r = await run;
      assert.equal(r.code, 0, r.err);
      rememberKeys(dir);
      assertNoKeyMaterial(r);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['.gitignore', ...SET_FILES]);
      assert.equal(mode(dir), 0o700);
      for (const f of SET_FILES) assert.equal(mode(path.join(dir, f)), f.endsWith('.key') ? 0o600 : 0o644, f);
      assert.match(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^\*\.key$/m);
      for (const f of ['ca.key', 'server.key', 'client.key']) assert.match(fs.readFileSync(path.join(dir, f), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
      // The summary names the folder, files, SANs, validity and the algorithm.
      assert.ok(r.out.includes(dir));
      assert.match(r.out, /SANs: DNS:db\.example\.com, DNS:pgpool, IP:127\.0\.0\.1, IP:::1/);
      assert.match(r.out, /valid \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(397 days\)/);
      assert.match(r.out, /\(3650 days\)/);
      assert.match(r.out, /client certificate: CN=app_user/);
      assert.match(r.out, /Algorithm (ECDSA P-256|ECDSA P-384|RSA \d+|Ed25519)\./);
      assert.match(r.out, /unencrypted/);
    });

    test(`${alg}: openssl verify -x509_strict -CAfile ca.crt server.crt client.crt, and x509 -text`, { skip: OPENSSL }, async () => {
      assertTools('openssl');
      const { dir, run } = sets.get(alg)!;
      assert.equal((await run).code, 0);
      assert.equal(openssl(dir, 'verify', '-x509_strict', '-CAfile', 'ca.crt', 'server.crt', 'client.crt'), 'server.crt: OK\nclient.crt: OK\n');
      assert.match(openssl(dir, 'verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', 'pgpool', '-CAfile', 'ca.crt', 'server.crt'), /OK/);
      assert.match(openssl(dir, 'verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', 'ca.crt', 'client.crt'), /OK/);
      const text = openssl(dir, 'x509', '-in', 'server.crt', '-noout', '-text');
      assert.match(text, /DNS:db\.example\.com, DNS:pgpool, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
      assert.match(text, /TLS Web Server Authentication/);
      assert.match(openssl(dir, 'x509', '-in', 'client.crt', '-noout', '-subject'), /CN ?= ?app_user/);
      // Each key belongs to its certificate.
      for (const base of ['ca', 'server', 'client']) {
        const certPub = openssl(dir, 'x509', '-in', `${base}.crt`, '-noout', '-pubkey');
        const keyPub = openssl(dir, 'pkey', '-in', `${base}.key`, '-pubout');
        assert.equal(certPub, keyPub, `${base}.key matches ${base}.crt`);
      }
    });
  }

  test('refuses to overwrite without --force (exit 2, names the files, nothing changes); --force replaces', async () => {
    const dir = sets.get('ecdsa-p256')!.dir;
    await sets.get('ecdsa-p256')!.run;
    const before = Object.fromEntries(SET_FILES.map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    const r = await cli('cert', 'set', '--out', dir, '--server-name', 'x', '--client-user', 'y');
    assert.equal(r.code, 2);
    assert.match(r.err, /refusing to overwrite existing files: .*ca\.crt.*ca\.key.*server\.crt.*server\.key.*client\.crt.*client\.key.*--force/);
    for (const f of SET_FILES) assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), before[f], `${f} unchanged`);
    assert.deepEqual(fs.readdirSync(dir).filter(f => f.endsWith('.tmp')), []);

    const forced = await cli('cert', 'set', '--out', dir, '--server-name', 'x', '--client-user', 'y', '--force');
    assert.equal(forced.code, 0, forced.err);
    rememberKeys(dir);
    assert.notEqual(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), before['ca.key']);
    assert.equal(mode(path.join(dir, 'ca.key')), 0o600);
    assert.match(forced.out, /\(replaced\)/);
  });

  test('even one existing file refuses the whole set', async () => {
    const dir = fresh();
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'client.key'), 'mine');
    const r = await cli('cert', 'set', '--out', dir, '--server-name', 'x', '--client-user', 'y');
    assert.equal(r.code, 2);
    assert.match(r.err, /refusing to overwrite existing file: .*client\.key/);
    assert.deepEqual(fs.readdirSync(dir), ['client.key']);
  });

  test('--no-gitignore; an existing .gitignore is appended to, not replaced', async () => {
    const a = fresh();
    assert.equal((await cli('cert', 'set', '--out', a, '--server-name', 'x', '--client-user', 'y', '--no-gitignore')).code, 0);
    rememberKeys(a);
    assert.equal(fs.existsSync(path.join(a, '.gitignore')), false);
    const b = fresh();
    fs.mkdirSync(b, { mode: 0o700 });
    fs.writeFileSync(path.join(b, '.gitignore'), '# mine\n');
    assert.equal((await cli('cert', 'set', '--out', b, '--server-name', 'x', '--client-user', 'y')).code, 0);
    rememberKeys(b);
    assert.equal(fs.readFileSync(path.join(b, '.gitignore'), 'utf8'), '# mine\n*.key\n*.pk8\n');
  });

  test('--key-format pkcs1 (RSA), --pk8, --replication, --days, --format json', async () => {
    const dir = fresh();
    const r = await cli('cert', 'set', '--out', dir, '--algorithm', 'rsa-2048', '--key-format', 'pkcs1', '--pk8', '--replication',
      '--server-name', 'h', '--client-user', 'u', '--days', '30', '--ca-days', '60', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    rememberKeys(dir);
    const j = JSON.parse(r.out) as { algorithm: string; files: { name: string; mode: string; days?: number; commonName?: string; sans?: { dns: string[] } }[]; gitignore: string };
    assert.equal(j.algorithm, 'rsa-2048');
    assert.deepEqual(j.files.map(f => [f.name, f.mode]), [
      ['ca.crt', '0644'], ['ca.key', '0600'], ['server.crt', '0644'], ['server.key', '0600'], ['client.crt', '0644'], ['client.key', '0600'],
      ['client.pk8', '0600'], ['replication.crt', '0644'], ['replication.key', '0600'],
    ]);
    assert.equal(j.files.find(f => f.name === 'ca.crt')!.days, 60);
    assert.equal(j.files.find(f => f.name === 'server.crt')!.days, 30);
    assert.equal(j.files.find(f => f.name === 'replication.crt')!.commonName, '_crunchyrepl');
    assert.deepEqual(j.files.find(f => f.name === 'replication.crt')!.sans!.dns, ['_crunchyrepl']);
    assert.match(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----\n/);
    const pk8 = nodeCrypto.createPrivateKey({ key: fs.readFileSync(path.join(dir, 'client.pk8')), format: 'der', type: 'pkcs8' });
    const client = new nodeCrypto.X509Certificate(fs.readFileSync(path.join(dir, 'client.crt')));
    assert.ok(client.checkPrivateKey(pk8), 'client.pk8 is the client key in PKCS#8 DER');
  });

  test('--operator percona: SANs and client user from the preset, replication certificate included', async () => {
    const dir = fresh();
    const r = await cli('cert', 'set', '--out', dir, '--operator', 'percona', '--name', 'cluster1', '--namespace', 'pg', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    rememberKeys(dir);
    const j = JSON.parse(r.out) as { files: { name: string; commonName?: string; sans?: { dns: string[] } }[] };
    const server = j.files.find(f => f.name === 'server.crt')!;
    assert.equal(server.commonName, 'cluster1-primary.pg.svc.cluster.local');
    assert.equal(server.sans!.dns.length, 12);
    assert.ok(server.sans!.dns.includes('cluster1-primary'));
    assert.equal(j.files.find(f => f.name === 'client.crt')!.commonName, 'postgres');
    assert.ok(j.files.some(f => f.name === 'replication.key'));
  });

  test('--operator pgo: the PGO names and the replication certificate; --operator zalando: the Zalando Services', async () => {
    const dir = fresh();
    const r = await cli('cert', 'set', '--out', dir, '--operator', 'pgo', '--name', 'hippo', '--namespace', 'pg', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    rememberKeys(dir);
    const j = JSON.parse(r.out) as { files: { name: string; commonName?: string; sans?: { dns: string[] } }[] };
    assert.equal(j.files.find(f => f.name === 'server.crt')!.commonName, 'hippo-primary.pg.svc.cluster.local');
    assert.equal(j.files.find(f => f.name === 'replication.crt')!.commonName, '_crunchyrepl');
    const z = fresh();
    const r2 = await cli('cert', 'set', '--out', z, '--operator', 'zalando', '--name', 'acid-main', '--namespace', 'db', '--format', 'json');
    assert.equal(r2.code, 0, r2.err);
    rememberKeys(z);
    const j2 = JSON.parse(r2.out) as typeof j;
    assert.ok(j2.files.find(f => f.name === 'server.crt')!.sans!.dns.includes('acid-main-pooler-repl.db.svc'));
    assert.ok(!j2.files.some(f => f.name === 'replication.crt'));
    const s = await cli('cert', 'secrets', '--operator', 'pgo', '--name', 'hippo', '--namespace', 'pg', '--from', dir);
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, /name: hippo-tls/);
    assert.match(s.out, /name: hippo-repl-tls/);
    assert.match(s.out, /customReplicationTLSSecret/);
  });

  test('--resource FILE: the preset of the resource in a YAML file', async () => {
    const dir = fresh();
    const res = path.join(root, `pgpool-${counter}.yaml`);
    fs.writeFileSync(res, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata:\n  name: pp\n  namespace: demo\nspec:\n  version: "4.5.0"\n');
    const r = await cli('cert', 'set', '--out', dir, '--resource', res, '--format', 'json');
    assert.equal(r.code, 0, r.err);
    rememberKeys(dir);
    const j = JSON.parse(r.out) as { files: { name: string; sans?: { dns: string[]; ip: string[] } }[] };
    assert.deepEqual(j.files.find(f => f.name === 'server.crt')!.sans, { dns: ['pp', 'pp.demo', 'pp.demo.svc', 'pp.demo.svc.cluster.local', '*.pp-pods.demo.svc', 'localhost'], ip: ['127.0.0.1'] });
  });
});

describe('cert ca, server, client, replication', () => {
  test('a CA, then leaves issued from DIR/ca.*; the chain verifies; the CA key is never rewritten', async () => {
    const dir = fresh();
    const ca = await cli('cert', 'ca', '--out', dir, '--algorithm', 'ecdsa-p384', '--common-name', 'Team CA', '--days', '100');
    assert.equal(ca.code, 0, ca.err);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.gitignore', 'ca.crt', 'ca.key']);
    const caKey = fs.readFileSync(path.join(dir, 'ca.key'), 'utf8');
    for (const args of [
      ['server', '--server-name', 'pg.example', '--san', '10.0.0.1', '--client-auth'],
      ['client', '--client-user', 'alice', '--pk8'],
      ['replication'],
    ]) {
      const r = await cli('cert', ...args.slice(0, 1), '--out', dir, ...args.slice(1));
      assert.equal(r.code, 0, `${args[0]}: ${r.err}`);
    }
    rememberKeys(dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.gitignore', 'ca.crt', 'ca.key', 'client.crt', 'client.key', 'client.pk8', 'replication.crt', 'replication.key', 'server.crt', 'server.key']);
    assert.equal(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), caKey);
    for (const f of ['client.key', 'client.pk8', 'replication.key', 'server.key']) assert.equal(mode(path.join(dir, f)), 0o600);
    const server = new nodeCrypto.X509Certificate(fs.readFileSync(path.join(dir, 'server.crt')));
    const caCert = new nodeCrypto.X509Certificate(fs.readFileSync(path.join(dir, 'ca.crt')));
    assert.ok(server.verify(caCert.publicKey));
    assert.equal(server.subjectAltName, 'DNS:pg.example, IP Address:10.0.0.1');
    assert.match(server.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1.*1\.3\.6\.1\.5\.5\.7\.3\.2/);
    assert.match(server.subject, /CN=pg\.example/);
    if (!OPENSSL) {
      assert.equal(openssl(dir, 'verify', '-x509_strict', '-CAfile', 'ca.crt', 'server.crt', 'client.crt', 'replication.crt'), 'server.crt: OK\nclient.crt: OK\nreplication.crt: OK\n');
    }
  });

  test('client --libpq: postgresql.crt, postgresql.key and root.crt (the CA) from another folder\'s CA', async () => {
    const caDir = fresh('ca');
    assert.equal((await cli('cert', 'ca', '--out', caDir)).code, 0);
    const home = fresh('dot-postgresql');
    const r = await cli('cert', 'client', '--out', home, '--ca-cert', path.join(caDir, 'ca.crt'), '--ca-key', path.join(caDir, 'ca.key'), '--client-user', 'bob', '--libpq');
    assert.equal(r.code, 0, r.err);
    rememberKeys(caDir);
    rememberKeys(home);
    assert.deepEqual(fs.readdirSync(home).sort(), ['.gitignore', 'postgresql.crt', 'postgresql.key', 'root.crt']);
    assert.equal(fs.readFileSync(path.join(home, 'root.crt'), 'utf8'), fs.readFileSync(path.join(caDir, 'ca.crt'), 'utf8'));
    assert.equal(mode(path.join(home, 'postgresql.key')), 0o600);
    assert.match(new nodeCrypto.X509Certificate(fs.readFileSync(path.join(home, 'postgresql.crt'))).subject, /CN=bob/);
  });

  test('an intermediate CA from --ca-cert/--ca-key needs a parent with pathLength ≥ 1; leaves ship the chain', async () => {
    const rootDir = fresh('root');
    assert.equal((await cli('cert', 'ca', '--out', rootDir, '--path-length', '1')).code, 0);
    const intDir = fresh('int');
    const r = await cli('cert', 'ca', '--out', intDir, '--ca-cert', path.join(rootDir, 'ca.crt'), '--ca-key', path.join(rootDir, 'ca.key'), '--common-name', 'Issuing CA');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /intermediate CA certificate/);
    assert.equal((await cli('cert', 'server', '--out', intDir, '--server-name', 'h')).code, 0);
    rememberKeys(rootDir);
    rememberKeys(intDir);
    assert.equal((fs.readFileSync(path.join(intDir, 'server.crt'), 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length, 2, 'leaf + intermediate');
    if (!OPENSSL) {
      assert.equal(openssl(intDir, 'verify', '-x509_strict', '-CAfile', path.join(rootDir, 'ca.crt'), '-untrusted', 'ca.crt', 'server.crt'), 'server.crt: OK\n');
    }
    // A pathLength-0 root may not sign intermediates.
    const flat = fresh('flat');
    assert.equal((await cli('cert', 'ca', '--out', flat)).code, 0);
    rememberKeys(flat);
    const refused = await cli('cert', 'ca', '--out', fresh(), '--ca-cert', path.join(flat, 'ca.crt'), '--ca-key', path.join(flat, 'ca.key'));
    assert.equal(refused.code, 2);
    assert.match(refused.err, /pathLength 0 and may not sign intermediates/);
  });

  test('issuing from a CA made by openssl (PKCS#1 RSA key, SEC1 EC key)', { skip: OPENSSL }, async () => {
    assertTools('openssl');
    const dir = fresh('openssl-ca');
    fs.mkdirSync(dir, { mode: 0o700 });
    openssl(dir, 'genrsa', '-traditional', '-out', 'rsa.key', '2048');
    openssl(dir, 'req', '-x509', '-new', '-key', 'rsa.key', '-subj', '/CN=openssl RSA CA', '-days', '30', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'rsa.crt');
    openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.key');
    openssl(dir, 'req', '-x509', '-new', '-key', 'ec.key', '-subj', '/CN=openssl EC CA', '-days', '30', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ec.crt');
    rememberKeys(dir);
    for (const kind of ['rsa', 'ec']) {
      const out = path.join(dir, `out-${kind}`);
      const r = await cli('cert', 'server', '--out', out, '--ca-cert', path.join(dir, `${kind}.crt`), '--ca-key', path.join(dir, `${kind}.key`), '--server-name', 'h.example');
      assert.equal(r.code, 0, r.err);
      rememberKeys(out);
      assert.equal(openssl(dir, 'verify', '-x509_strict', '-CAfile', `${kind}.crt`, path.join(out, 'server.crt')), `${path.join(out, 'server.crt')}: OK\n`);
    }
    const mismatch = await cli('cert', 'client', '--out', path.join(dir, 'x'), '--ca-cert', path.join(dir, 'ec.crt'), '--ca-key', path.join(dir, 'rsa.key'), '--client-user', 'u');
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.err, /cannot issue from .*ec\.crt with .*rsa\.key: the private key is not of the certificate's key type/);
  });

  test('a CA key that does not belong to the CA certificate is refused (exit 1)', async () => {
    const a = fresh();
    const b = fresh();
    assert.equal((await cli('cert', 'ca', '--out', a)).code, 0);
    assert.equal((await cli('cert', 'ca', '--out', b)).code, 0);
    rememberKeys(a);
    rememberKeys(b);
    const r = await cli('cert', 'server', '--out', fresh(), '--ca-cert', path.join(a, 'ca.crt'), '--ca-key', path.join(b, 'ca.key'), '--server-name', 'h');
    assert.equal(r.code, 1);
    assert.match(r.err, /the CA key does not belong to the CA certificate/);
    const notCa = await cli('cert', 'server', '--out', fresh(), '--ca-cert', path.join(a, 'ca.key'), '--ca-key', path.join(a, 'ca.key'), '--server-name', 'h');
    assert.equal(notCa.code, 1);
    assert.match(notCa.err, /holds a private key, not a certificate/);
  });

  test('without a CA in the folder and without --ca-cert: exit 2 with the command to make one', async () => {
    const dir = fresh();
    const r = await cli('cert', 'server', '--out', dir, '--server-name', 'h');
    assert.equal(r.code, 2);
    assert.match(r.err, /pgtls cert ca --out/);
    assert.equal(fs.existsSync(dir), false, 'nothing created');
  });
});

describe('bad usage exits 2 with a clear message', () => {
  const cases: [string[], RegExp][] = [
    [['cert'], /Certificates \(pgtls cert/],
    [['cert', 'frobnicate'], /unknown cert command "frobnicate"; commands: set, ca, server, client, replication, secrets, preset/],
    [['cert', 'set', '--server-name', 'h', '--client-user', 'u'], /cert set needs --out/],
    [['cert', 'set', '--out', '/nonexistent/x', '--client-user', 'u'], /cert set needs --server-name/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h'], /cert set needs --client-user/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', 'u', '--algorithm', 'dsa-1024'], /DSA keys are refused/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', 'u', '--algorithm', 'ecdsa-p521'], /unknown key algorithm "ecdsa-p521"; valid algorithms: ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', 'u', '--algorithm', 'rsa-1024'], /RSA-1024 is too weak: RSA keys must have at least 2048 bits/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', 'u', '--hash', 'sha1'], /SHA-1 signatures are refused/],
    [['cert', 'ca', '--out', '/nonexistent/x', '--hash', 'md5'], /MD5 signatures are refused/],
    [['cert', 'ca', '--out', '/nonexistent/x', '--algorithm', 'ed25519', '--hash', 'sha256'], /signs without a separate hash/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', 'u', '--days', 'ten'], /--days must be a whole number from 1 to 36500, not "ten"/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', 'u', '--key-format', 'pkcs1'], /pkcs1 exists only for RSA keys/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', 'u', '--key-format', 'der'], /unknown key format "der"; valid formats: pkcs8, pkcs1/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'bad name!', '--client-user', 'u'], /neither a host name nor an IP address/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--san', 'a..b', '--client-user', 'u'], /"a..b" is not a valid DNS name/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', ' u'], /leading or trailing white space/],
    [['cert', 'set', '--out', '/nonexistent/x', '--server-name', 'h', '--client-user', 'u', '--frobnicate'], /unknown option --frobnicate for cert set/],
    [['cert', 'set', '--out'], /--out needs a value/],
    [['cert', 'set', '--out', 'x', '--force=yes'], /--force takes no value/],
    [['cert', 'set', '--out', 'x', '--out', 'y'], /--out given more than once/],
    [['cert', 'set', 'stray'], /unexpected argument "stray"/],
    [['cert', 'set', '--out', 'x', '--name', 'c'], /need --operator/],
    [['cert', 'set', '--out', 'x', '--operator', 'stackgres', '--name', 'c'], /unknown operator "stackgres"/],
    [['cert', 'server', '--out', 'x', '--ca-cert', 'a.crt'], /--ca-cert and --ca-key go together/],
    [['cert', 'client', '--out', 'x', '--ca-cert', '/nonexistent/ca.crt', '--ca-key', '/nonexistent/ca.key', '--client-user', 'u'], /CA certificate \/nonexistent\/ca\.crt does not exist/],
    [['cert', 'secrets', '--operator', 'percona', '--name', 'c'], /cert secrets needs --from/],
    [['cert', 'secrets', '--operator', 'pgpool', '--name', 'h', '--from', '.'], /plain Pgpool-II reads the files directly/],
    [['cert', 'secrets', '--operator', 'cpo', '--name', 'c', '--from', '.', '--certificate'], /--certificate is for --operator kubedb/],
    [['cert', 'preset'], /cert preset needs --operator/],
    [['cert', 'preset', '--operator', 'percona'], /needs --name/],
    [['cert', 'preset', '--operator', 'cpo', '--name', 'c', '--layout', 'three'], /--layout must be one or two/],
    [['cert', 'preset', '--operator', 'percona', '--name', 'c', '--format', 'xml'], /--format must be text or json/],
    [['inspect'], /inspect needs a file/],
    [['inspect', '/nonexistent/file.crt'], /no such file: \/nonexistent\/file\.crt/],
    [['inspect', '--frob', 'x'], /unknown option --frob for inspect/],
  ];
  for (const [argv, message] of cases) {
    test(argv.join(' '), async () => {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `exit code for ${argv.join(' ')}: ${r.err}`);
      assert.match(r.err + r.out, message);
      assert.doesNotMatch(r.err, /internal error|at .*\.ts:\d+/);
    });
  }

  test('--help prints the synopsis with every subcommand and exits 0', async () => {
    for (const argv of [['cert', '--help'], ['cert', 'set', '--help'], ['inspect', '--help']]) {
      const r = await cli(...argv);
      assert.equal(r.code, 0);
      for (const sub of ['cert set', 'cert ca', 'cert server', 'cert client', 'cert replication', 'cert secrets', 'cert preset', 'inspect FILE']) {
        assert.ok(r.out.includes(`pgtls ${sub}`), `${sub} in help`);
      }
    }
  });
});

describe('cert secrets', () => {
  let percona: string;
  before(async () => {
    percona = fresh('percona');
    const r = await cli('cert', 'set', '--out', percona, '--operator', 'percona', '--name', 'cluster1', '--namespace', 'pg');
    assert.equal(r.code, 0, r.err);
    rememberKeys(percona);
  });

  test('to stdout: parseable Secrets whose data are the files, a summary on stderr', async () => {
    const r = await cli('cert', 'secrets', '--operator', 'percona', '--name', 'cluster1', '--namespace', 'pg', '--from', percona);
    assert.equal(r.code, 0, r.err);
    const docs = parseAllDocuments(r.out).map(d => d.toJS() as { kind: string; metadata: { name: string }; data: Record<string, string> });
    assert.deepEqual(docs.map(d => d.metadata.name), ['cluster1-custom-tls', 'cluster1-custom-replication-tls', 'cluster1-custom-root-ca']);
    assert.equal(Buffer.from(docs[0]!.data['tls.key']!, 'base64').toString(), fs.readFileSync(path.join(percona, 'server.key'), 'utf8'));
    assert.equal(Buffer.from(docs[2]!.data['root.key']!, 'base64').toString(), fs.readFileSync(path.join(percona, 'ca.key'), 'utf8'));
    assert.match(r.err, /printed Secret\/cluster1-custom-tls, Secret\/cluster1-custom-replication-tls, Secret\/cluster1-custom-root-ca/);
    assert.match(r.out, /customRootCATLSSecret:/);
  });

  test('to a FILE: mode 0600, listed in .gitignore, refused when it exists without --force', async () => {
    const outDir = fresh('manifests');
    const file = path.join(outDir, 'secrets.yaml');
    const r = await cli('cert', 'secrets', '--operator', 'percona', '--name', 'cluster1', '--from', percona, '--out', file);
    assert.equal(r.code, 0, r.err);
    assert.equal(mode(file), 0o600);
    assert.match(fs.readFileSync(path.join(outDir, '.gitignore'), 'utf8'), /^secrets\.yaml$/m);
    assert.match(r.out, /Wrote .*secrets\.yaml \(mode 0600\)/);
    const again = await cli('cert', 'secrets', '--operator', 'percona', '--name', 'cluster1', '--from', percona, '--out', file);
    assert.equal(again.code, 2);
    assert.match(again.err, /refusing to overwrite existing file: .*secrets\.yaml/);
    assert.equal((await cli('cert', 'secrets', '--operator', 'percona', '--name', 'cluster1', '--from', percona, '--out', file, '--force')).code, 0);
  });

  test('missing replication files: exit 2 with the command that makes them', async () => {
    const dir = fresh();
    assert.equal((await cli('cert', 'set', '--out', dir, '--server-name', 'h', '--client-user', 'u')).code, 0);
    rememberKeys(dir);
    const r = await cli('cert', 'secrets', '--operator', 'percona', '--name', 'c', '--from', dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /lacks replication\.crt, replication\.key \(create the replication certificate with "pgtls cert replication --out /);
    // The server certificate lacks the cluster's names: a warning, not a failure.
    assert.equal((await cli('cert', 'replication', '--out', dir)).code, 0);
    rememberKeys(dir);
    const ok = await cli('cert', 'secrets', '--operator', 'percona', '--name', 'c', '--from', dir);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.err, /warning: server\.crt lacks 12 of the names PerconaPGCluster clients dial/);
  });

  test('a key that does not match its certificate, or a leaf from another CA, is refused (exit 1)', async () => {
    const dir = fresh();
    fs.cpSync(percona, dir, { recursive: true });
    fs.copyFileSync(path.join(dir, 'client.key'), path.join(dir, 'server.key'));
    const r = await cli('cert', 'secrets', '--operator', 'cpo', '--name', 'c', '--from', dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /server\.key does not belong to .*server\.crt/);
    const other = fresh();
    assert.equal((await cli('cert', 'set', '--out', other, '--server-name', 'h', '--client-user', 'u')).code, 0);
    rememberKeys(other);
    fs.copyFileSync(path.join(other, 'ca.crt'), path.join(dir, 'ca.crt'));
    fs.copyFileSync(path.join(other, 'ca.key'), path.join(dir, 'ca.key'));
    fs.copyFileSync(path.join(percona, 'server.key'), path.join(dir, 'server.key'));
    const r2 = await cli('cert', 'secrets', '--operator', 'cpo', '--name', 'c', '--from', dir);
    assert.equal(r2.code, 1);
    assert.match(r2.err, /server\.crt was not issued by .*ca\.crt/);
  });

  test('kubedb: CA Secret + Issuer (+ Certificate); cpo two-Secret layout', async () => {
    const k = await cli('cert', 'secrets', '--operator', 'kubedb', '--name', 'pp', '--namespace', 'demo', '--from', percona, '--certificate');
    assert.equal(k.code, 0, k.err);
    assert.deepEqual(parseAllDocuments(k.out).map(d => (d.toJS() as { kind: string }).kind), ['Secret', 'Issuer', 'Certificate']);
    const c = await cli('cert', 'secrets', '--operator', 'cpo', '--name', 'acid', '--from', percona, '--layout', 'two');
    assert.equal(c.code, 0, c.err);
    assert.deepEqual(parseAllDocuments(c.out).map(d => (d.toJS() as { metadata: { name: string } }).metadata.name), ['acid-tls', 'acid-tls-ca']);
  });
});

describe('cert preset', () => {
  test('text: SANs, client CN, Secrets, patch and the command that generates the set', async () => {
    const r = await cli('cert', 'preset', '--operator', 'percona', '--name', 'cluster1', '--namespace', 'pg');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ {2}CN: cluster1-primary\.pg\.svc\.cluster\.local$/m);
    assert.match(r.out, /^ {2}DNS: cluster1-replicas\.pg$/m);
    assert.match(r.out, /Replication certificate CN: _crunchyrepl/);
    assert.match(r.out, /cluster1-custom-root-ca {2}\[Opaque: root\.crt, root\.key\] {2}spec\.secrets\.customRootCATLSSecret/);
    assert.match(r.out, /Generate with: pgtls cert set --operator percona --name cluster1 --namespace pg --out certs\/cluster1/);
  });

  test('json: the preset object; plain Pgpool-II with addresses and several users', async () => {
    const r = await cli('cert', 'preset', '--operator', 'pgpool', '--name', 'pgpool.local', '--san', '192.0.2.1', '--client-user', 'alice', '--client-user', 'bob', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { server: { dnsNames: string[]; ipAddresses: string[] }; clientUsers: string[]; config: { poolHba: string[] } };
    assert.deepEqual(j.server, { commonName: 'pgpool.local', dnsNames: ['pgpool.local'], ipAddresses: ['192.0.2.1'] });
    assert.deepEqual(j.clientUsers, ['alice', 'bob']);
    assert.equal(j.config.poolHba.length, 2);
  });
});

describe('inspect', () => {
  let dir: string;
  before(async () => {
    dir = fresh('inspect');
    const r = await cli('cert', 'set', '--out', dir, '--algorithm', 'rsa-2048', '--server-name', 'db.example.com', '--san', '10.1.2.3', '--client-user', 'u', '--pk8');
    assert.equal(r.code, 0, r.err);
    rememberKeys(dir);
  });

  test('a certificate: subject, SANs, validity, key usages and the SHA-256 fingerprint Node computes', async () => {
    const r = await cli('inspect', path.join(dir, 'server.crt'));
    assert.equal(r.code, 0, r.err);
    const cert = new nodeCrypto.X509Certificate(fs.readFileSync(path.join(dir, 'server.crt')));
    assert.match(r.out, /Subject: CN=db\.example\.com/);
    assert.match(r.out, /DNS:db\.example\.com, IP Address:10\.1\.2\.3/);
    assert.match(r.out, /Not After : \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC {2}\(valid, 39[67] days left\)/);
    assert.match(r.out, /Digital Signature, Key Encipherment/);
    assert.match(r.out, /TLS Web Server Authentication/);
    assert.ok(r.out.includes(`SHA-256 Fingerprint: ${cert.fingerprint256}`));
  });

  test('a chain file: every certificate', async () => {
    const chain = path.join(dir, 'chain.pem');
    fs.writeFileSync(chain, fs.readFileSync(path.join(dir, 'server.crt'), 'utf8') + fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'));
    const r = await cli('inspect', chain);
    assert.equal(r.code, 0);
    assert.match(r.out, /2 certificates/);
    assert.match(r.out, /--- certificate 1 of 2 \(leaf\)[\s\S]*--- certificate 2 of 2[\s\S]*CA:TRUE, pathlen:0/);
  });

  test('key files: type and size only, and a warning when others may read them', async () => {
    const r = await cli('inspect', path.join(dir, 'server.key'), path.join(dir, 'client.pk8'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /server\.key: private key: RSA \(2048 bit\), PKCS#8, unencrypted; file mode 0600/);
    assert.match(r.out, /client\.pk8: private key: RSA \(2048 bit\), PKCS#8 \(DER\), unencrypted; file mode 0600/);
    const loose = path.join(dir, 'loose.key');
    fs.copyFileSync(path.join(dir, 'client.key'), loose);
    fs.chmodSync(loose, 0o644);
    const w = await cli('inspect', loose, '--format', 'json');
    assert.equal(w.code, 0);
    const j = JSON.parse(w.out) as { keys: { type: string; bits: number; problems: string[] }[] }[];
    assert.equal(j[0]!.keys[0]!.type, 'RSA');
    assert.match(j[0]!.keys[0]!.problems.join(' '), /mode 0644: group or others can read it/);
  });

  test('keys from the blog recipes: DES-encrypted PKCS#1, 1024-bit RSA, SEC1 EC; the weakness is named', { skip: OPENSSL }, async () => {
    assertTools('openssl');
    const old = fresh('legacy');
    fs.mkdirSync(old, { mode: 0o700 });
    openssl(old, 'genrsa', '-traditional', '-des3', '-passout', 'pass:secret', '-out', 'des.key', '2048');
    openssl(old, 'genrsa', '-traditional', '-out', 'weak.key', '1024');
    openssl(old, 'ecparam', '-name', 'prime256v1', '-genkey', '-out', 'sec1.key');
    for (const f of ['des.key', 'weak.key', 'sec1.key']) fs.chmodSync(path.join(old, f), 0o600);
    rememberKeys(old);
    const r = await cli('inspect', path.join(old, 'des.key'), path.join(old, 'weak.key'), path.join(old, 'sec1.key'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /des\.key: private key: RSA, legacy encrypted PEM, encrypted; file mode 0600\n {4}- encrypted with DES-EDE3-CBC/);
    assert.match(r.out, /weak\.key: private key: RSA \(1024 bit\), PKCS#1, unencrypted; file mode 0600\n {4}- RSA key of 1024 bits; at least 2048 are required/);
    assert.match(r.out, /sec1\.key: private key: EC P-256 \(256 bit\), SEC1, unencrypted/);
    // A 1024-bit CA cannot be issued from.
    openssl(old, 'req', '-x509', '-new', '-key', 'weak.key', '-subj', '/CN=weak', '-days', '3', '-out', 'weak.crt');
    const refused = await cli('cert', 'server', '--out', path.join(old, 'o'), '--ca-cert', path.join(old, 'weak.crt'), '--ca-key', path.join(old, 'weak.key'), '--server-name', 'h');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /RSA key of 1024 bits; at least 2048 are required/);
    openssl(old, 'req', '-x509', '-new', '-key', 'des.key', '-passin', 'pass:secret', '-subj', '/CN=des', '-days', '3', '-out', 'des.crt');
    const encrypted = await cli('cert', 'server', '--out', path.join(old, 'o'), '--ca-cert', path.join(old, 'des.crt'), '--ca-key', path.join(old, 'des.key'), '--server-name', 'h');
    assert.equal(encrypted.code, 1);
    assert.match(encrypted.err, /the private key is encrypted; pgtls needs it unencrypted/);
  });

  test('a file with neither certificate nor key: exit 1 with the reason', async () => {
    const junk = path.join(dir, 'notes.txt');
    fs.writeFileSync(junk, 'hello');
    const r = await cli('inspect', junk);
    assert.equal(r.code, 1);
    assert.match(r.err, /notes\.txt: neither a PEM file nor a DER certificate or PKCS#8 key/);
  });

  test('a DER certificate', async () => {
    const der = path.join(dir, 'server.der');
    fs.writeFileSync(der, new nodeCrypto.X509Certificate(fs.readFileSync(path.join(dir, 'server.crt'))).raw);
    const r = await cli('inspect', der);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /server\.der: 1 certificate/);
  });
});
