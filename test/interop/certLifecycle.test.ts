/**
 * Issue 11, lifecycle proof with real peers: `pgtls cert renew` and `pgtls cert rotate-ca` (run in process through
 * `runCertCli`) against PostgreSQL 15 and Pgpool-II 4.3, with psql as the client in sslmode=verify-full presenting a
 * client certificate (`hostssl … cert` on both servers).
 *
 * One PostgreSQL cluster (initdb once; new files by reload) and one Pgpool-II in front of it. Pgpool-II reaches the
 * backend over the Unix socket (`local all all trust`), so pg_hba.conf can require a certificate on every TCP login
 * while pgpool, which cannot present one to a backend, still gets through. The servers read copies of the set's files
 * (server.crt, server.key and the trust file as ssl_ca_file / ssl_ca_cert); each client variant has its own folder.
 *
 * 1. Generate a set; both servers serve it; psql connects to both.
 * 2. Renew: new leaves (same keys). PostgreSQL reloads and serves the new server certificate. Pgpool-II does not
 *    re-read its TLS files on reload (they are restart-only): asserted, then it is restarted and serves the new one.
 *    Old and new client certificates both log in.
 * 3. Rotate the CA in the documented order, connecting with verify-full after every step:
 *    step 1 trust the bundle (servers and clients), old leaves: every login works, old and new client leaves alike;
 *    step 2 new server leaves: old and new client leaves work; a client that skipped step 1 (old CA only) is refused;
 *    step 3 new CA alone: new client leaves work; an old client leaf is refused, and so is a client trusting the old
 *    CA only: the old CA is no longer trusted.
 *
 *   node --import tsx --test test/interop/certLifecycle.test.ts
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCertCli } from '../../server/src/cli/cert';
import { assertTools, missing } from '../requires';
import { PgCluster, Pgpool, Sandbox, certFingerprint, describeRun, leftoverShm, psql, requiredTools, tlsProbe, type PgSslFiles } from './pgCluster';

const SKIP = missing(...requiredTools());
const HBA = 'local all all trust\nhostssl all all all cert\n';
const POOL_HBA = 'hostssl all all 127.0.0.1/32 cert\n';
const REFUSED = /certificate verify failed|unknown ca|alert|SSL error|closed the connection|SSL SYSCALL/i;

let sandbox: Sandbox | undefined;
let cluster: PgCluster | undefined;
let pgpool: Pgpool | undefined;
let set = '';
let server: PgSslFiles;
const figures: string[] = [];
const t0 = Date.now();

async function cli(...argv: string[]): Promise<string> {
  let out = '';
  const code = await runCertCli(argv, { out: s => { out += s; }, err: s => { out += s; } });
  assert.equal(code, 0, `pgtls ${argv.join(' ')} failed (exit ${code}):\n${out}`);
  assert.doesNotMatch(out, /PRIVATE KEY-----/);
  return out;
}

const setFile = (name: string) => fs.readFileSync(path.join(set, name), 'utf8');

/** Puts the server files in place (read by both servers). */
function installServer(cert: string, key: string, trust: string): void {
  sandbox!.file('srv/server.crt', cert);
  sandbox!.file('srv/server.key', key, 0o600);
  sandbox!.file('srv/trust.crt', trust);
}

interface Client { name: string; conn: (host: string, port: number) => string }

/** A client folder with its certificate, key and trust file. */
function client(name: string, cert: string, key: string, trust: string): Client {
  sandbox!.dir(`cli/${name}`);
  const c = sandbox!.file(`cli/${name}/client.crt`, cert);
  const k = sandbox!.file(`cli/${name}/client.key`, key, 0o600);
  const r = sandbox!.file(`cli/${name}/root.crt`, trust);
  return { name, conn: (host, port) => `host=${host} port=${port} dbname=postgres user=postgres sslmode=verify-full sslrootcert=${r} sslcert=${c} sslkey=${k}` };
}

function peers(): { label: string; port: number; log: () => string }[] {
  return [
    { label: 'PostgreSQL', port: cluster!.port, log: () => cluster!.log },
    { label: 'Pgpool-II', port: pgpool!.port, log: () => pgpool!.log },
  ];
}

async function expectLogin(c: Client, what: string): Promise<void> {
  for (const p of peers()) {
    for (const host of ['localhost', '127.0.0.1']) {
      const r = await psql(sandbox!, c.conn(host, p.port), ['SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()']);
      const ok = r.code === 0 && (p.label === 'Pgpool-II' || r.stdout.trim() === 't');
      assert.ok(ok, `${what}: ${c.name} via ${p.label} (${host}) must log in with verify-full\n${describeRun(r)}\n--- log tail ---\n${p.log().slice(-3000)}`);
    }
  }
}

async function expectRefused(c: Client, what: string): Promise<void> {
  for (const p of peers()) {
    const r = await psql(sandbox!, c.conn('localhost', p.port), ['SELECT 1']);
    assert.ok(r.code !== 0 && REFUSED.test(r.stderr), `${what}: ${c.name} via ${p.label} must be refused for its certificate\n${describeRun(r)}`);
  }
}

async function served(port: number): Promise<string | undefined> {
  return (await tlsProbe(port)).fingerprint256;
}

/** PostgreSQL: reload. Pgpool-II: restart (its TLS files are read at start only). */
async function applyServerFiles(): Promise<void> {
  await cluster!.reconfigure({ ssl: server });
  await pgpool!.stop();
  pgpool = await startPgpool();
}

function startPgpool(): Promise<Pgpool> {
  return Pgpool.start(sandbox!, {
    dir: 'pgpool', backendHost: cluster!.socketDir, backendPort: cluster!.port, ssl: server, poolHba: POOL_HBA, poolPasswd: 'postgres:TEXTunused\n',
  });
}

describe('certificate lifecycle against PostgreSQL 15 and Pgpool-II', { skip: SKIP }, () => {
  before(async () => {
    assertTools(...requiredTools());
    sandbox = Sandbox.create('pgtls-lifecycle-');
    set = path.join(sandbox.root, 'set');
    sandbox.dir('srv');
    sandbox.dir('cli');
    server = { cert: sandbox.path('srv/server.crt'), key: sandbox.path('srv/server.key'), ca: sandbox.path('srv/trust.crt') };
    const [pg] = await Promise.all([
      PgCluster.init(sandbox),
      cli('cert', 'set', '--out', set, '--server-name', 'localhost', '--san', '127.0.0.1', '--client-user', 'postgres'),
    ]);
    cluster = pg;
    installServer(setFile('server.crt'), setFile('server.key'), setFile('ca.crt'));
    await cluster.start(server, HBA);
    pgpool = await startPgpool();
    figures.push(`setup ${Date.now() - t0} ms (pgpool ${pgpool.version})`);
  });

  after(async () => {
    const errors: string[] = [];
    try { await pgpool?.stop(); } catch (e) { errors.push(`stopping pgpool: ${String(e)}`); }
    try { await cluster?.stop(); } catch (e) { errors.push(`stopping PostgreSQL: ${String(e)}`); }
    const root = sandbox?.root;
    try { sandbox?.dispose(); } catch (e) { errors.push(`removing ${root}: ${String(e)}`); }
    process.stderr.write(`\ncertificate lifecycle: ${figures.join('; ')}; total ${Date.now() - t0} ms\n`);
    if (root && fs.existsSync(root)) errors.push(`temp folder ${root} was not removed`);
    const shm = leftoverShm();
    if (shm.length) errors.push(`SysV shared memory left by our servers: ${JSON.stringify(shm)}`);
    if (errors.length) throw new Error(errors.join('\n'));
  });

  test('generated set: verify-full logins to both servers', async () => {
    await expectLogin(client('gen', setFile('client.crt'), setFile('client.key'), setFile('ca.crt')), 'generated set');
  });

  test('renew: same names and keys, PostgreSQL serves the new leaf after a reload, Pgpool-II only after a restart', async () => {
    const start = Date.now();
    const oldClient = client('before-renew', setFile('client.crt'), setFile('client.key'), setFile('ca.crt'));
    const oldKey = setFile('server.key');
    const out = await cli('cert', 'renew', '--out', set);
    assert.match(out, /restart Pgpool-II/);
    assert.equal(setFile('server.key'), oldKey, 'renew keeps the key');
    const fresh = certFingerprint(setFile('server.crt'));
    installServer(setFile('server.crt'), setFile('server.key'), setFile('ca.crt'));
    await cluster!.reconfigure({ ssl: server });
    assert.equal(await served(cluster!.port), fresh, 'PostgreSQL serves the renewed certificate after a reload');
    const before = await served(pgpool!.port);
    await pgpool!.reload();
    assert.equal(await served(pgpool!.port), before, 'pgpool reload keeps the old certificate (ssl_cert is read at start only)');
    assert.notEqual(before, fresh);
    await pgpool!.stop();
    pgpool = await startPgpool();
    assert.equal(await served(pgpool.port), fresh, 'Pgpool-II serves the renewed certificate after a restart');
    await expectLogin(oldClient, 'after renew, the old client certificate');
    await expectLogin(client('renewed', setFile('client.crt'), setFile('client.key'), setFile('ca.crt')), 'after renew, the renewed client certificate');
    figures.push(`renew ${Date.now() - start} ms`);
  });

  test('rotate-ca in the documented order: verify-full logins at every step; at the end the old CA is not trusted', async () => {
    const start = Date.now();
    const old = { ca: setFile('ca.crt'), server: setFile('server.crt'), serverKey: setFile('server.key'), client: setFile('client.crt'), clientKey: setFile('client.key') };
    const out = await cli('cert', 'rotate-ca', '--out', set);
    assert.match(out, /1\. Trust both CAs[\s\S]*2\. Swap the leaves[\s\S]*3\. Drop the old CA/);
    const bundle = setFile('ca-bundle.crt');
    const fresh = { ca: setFile('ca.crt'), server: setFile('server.crt'), serverKey: setFile('server.key'), client: setFile('client.crt'), clientKey: setFile('client.key') };
    assert.notEqual(fresh.ca, old.ca);
    const oldOnly = client('old-ca-only', old.client, old.clientKey, old.ca);

    // Step 1: every peer trusts the bundle; the leaves are still the old CA's.
    installServer(old.server, old.serverKey, bundle);
    await applyServerFiles();
    const oldLeaf = client('step1-old-leaf', old.client, old.clientKey, bundle);
    const newLeaf = client('step1-new-leaf', fresh.client, fresh.clientKey, bundle);
    await expectLogin(oldLeaf, 'step 1, old client leaf');
    await expectLogin(newLeaf, 'step 1, new client leaf (the servers trust the bundle)');
    await expectLogin(oldOnly, 'step 1, a client not yet moved to the bundle');

    // Step 2: the servers present leaves of the new CA.
    installServer(fresh.server, fresh.serverKey, bundle);
    await applyServerFiles();
    assert.equal(await served(cluster!.port), certFingerprint(fresh.server));
    assert.equal(await served(pgpool!.port), certFingerprint(fresh.server));
    await expectLogin(oldLeaf, 'step 2, old client leaf');
    await expectLogin(newLeaf, 'step 2, new client leaf');
    await expectRefused(oldOnly, 'step 2, a client that skipped step 1 (it trusts the old CA only)');

    // Step 3: the new CA alone.
    installServer(fresh.server, fresh.serverKey, fresh.ca);
    await applyServerFiles();
    await expectLogin(client('step3-new', fresh.client, fresh.clientKey, fresh.ca), 'step 3, new client leaf trusting the new CA');
    await expectRefused(client('step3-old-leaf', old.client, old.clientKey, fresh.ca), 'step 3, an old client leaf (the servers no longer trust the old CA)');
    await expectRefused(client('step3-old-trust', fresh.client, fresh.clientKey, old.ca), 'step 3, a client that trusts the old CA only');
    figures.push(`rotate-ca ${Date.now() - start} ms`);
  });
});
