/**
 * Issue 4, "Proof with real peers": certificate authentication end to end, for every key algorithm, with
 * certificates made by pgtls itself: `pgtls cert set --out DIR --algorithm ALG --server-name localhost --san 127.0.0.1
 * --client-user postgres` in-process through `runCertCli` (server/src/cli/cert.ts); only while that file does not
 * exist, the generator API `generateSet` (the diagnostics say which). The CLI's keys must be 0600.
 *
 * Peers: PostgreSQL 15 (/usr/lib/postgresql/15/bin), Debian's Pgpool-II 4.3.5 and psql 15 with OpenSSL 3.0.
 * One PostgreSQL cluster is initdb'd once and re-pointed at each algorithm's files with a reload (pgCluster.ts).
 * Per algorithm, in order:
 *
 * 1. PostgreSQL directly: ssl = on with the generated server.crt/server.key, ssl_ca_file = ca.crt and
 *      pg_hba.conf = `local all all trust` (the harness's own Unix-socket connection) + `hostssl all all all cert`.
 *    The server presents exactly the generated certificate; psql with sslmode=verify-full, sslrootcert=ca.crt and
 *    the generated client certificate (CN=postgres) connects as postgres over TLS (pg_stat_ssl: ssl = t, and the
 *    client DN PostgreSQL saw is /CN=postgres), via host=localhost (DNS SAN) and host=127.0.0.1 (IP SAN); the same
 *    certificate as `newuser` is refused (CN mismatch), no client certificate is refused, plaintext is refused,
 *    and psql refuses the server against another algorithm's CA.
 * 2. Through Pgpool-II: ssl = on with the same server files, ssl_ca_cert = ca.crt, enable_pool_hba = on,
 *      pool_hba.conf = `hostssl all all 127.0.0.1/32 cert`, backend0 = that PostgreSQL over TCP 127.0.0.1, so
 *      pgpool -> PostgreSQL is TLS too (pgpool verifies the backend's certificate against the same ca.crt).
 *    Backend authentication: pgpool presents no client certificate to backends (reference/pgpool.md §3.4), so a
 *    backend `cert` line would always refuse it. For this phase PostgreSQL is reloaded with
 *      `hostssl all all 127.0.0.1/32 scram-sha-256`
 *    and pgpool logs in with the role's password from pool_passwd (`user:TEXTpassword`). pool_passwd has an entry
 *    for newuser too, so a refusal of newuser can only come from pgpool's certificate check (the test also matches
 *    pgpool's `CERT authentication failed`). pgpool's SSL is shown to be on by an SSLRequest + TLS handshake that
 *    must present the generated server certificate (pgpool only WARNs about a bad certificate and then answers 'N'),
 *    and by psql's `\conninfo` (`SSL connection (protocol: ...)`); the pg_stat_ssl row of the session shows the
 *    backend leg.
 *
 * 3. Issue 11: in both phases, the client-certificate login once over TLS 1.2 and once over TLS 1.3, forced from psql's
 *    side (ssl_min_protocol_version = ssl_max_protocol_version); the negotiated version is asserted from pg_stat_ssl
 *    (direct) and psql's `\conninfo` (client leg through pgpool). A cell certs/compat.ts lists as impossible with the
 *    peer's defaults (ECDSA P-384 client keys against ssl_ecdh_curve = 'prime256v1' over TLS 1.2) must be refused
 *    ("sslv3 alert illegal parameter"; PostgreSQL logs "wrong curve"), and must work with the fixing setting
 *    (ssl_ecdh_curve = the client key's curve: a reload for PostgreSQL, a second pgpool for Pgpool-II).
 *
 * Every server listens on 127.0.0.1 and on Unix sockets in the temp folder, runs as `postgres` when we are root,
 * and is stopped at the end even on failure; the temp folder is removed and the SysV shared memory the servers
 * created is gone (asserted). A failure shows psql's stdout/stderr and the server logs written during the check.
 *
 *   node --import tsx --test test/interop/certAuthE2E.test.ts
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CERT_SET_FILES, KEY_ALGORITHMS, generateSet, type CertSet, type KeyAlgorithm } from '../../server/src/certs/generate';
import { curveOfAlgorithm, incompatibilities, type CompatPeer, type TlsVersion } from '../../server/src/certs/compat';
import { assertTools, missing } from '../requires';
import {
  PgCluster,
  Pgpool,
  Sandbox,
  certFingerprint,
  describeRun,
  leftoverShm,
  psql,
  requiredTools,
  tlsProbe,
  type PgSslFiles,
  type RunResult,
} from './pgCluster';

const crypto = webcrypto as unknown as Crypto;
const ALGORITHMS: readonly KeyAlgorithm[] = KEY_ALGORITHMS;
const SKIP = missing(...requiredTools());

const CERT_CLI = path.resolve(__dirname, '../../server/src/cli/cert.ts');

/** pg_hba.conf while PostgreSQL is tested directly. */
const HBA_DIRECT = 'local all all trust\nhostssl all all all cert\n';
/** pg_hba.conf while PostgreSQL sits behind pgpool (which cannot present a client certificate). */
const HBA_BEHIND_PGPOOL = 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n';
const POOL_HBA = 'hostssl all all 127.0.0.1/32 cert\n';
const PASSWORDS = { postgres: 'pgpw', newuser: 'newpw' } as const;
const POOL_PASSWD = Object.entries(PASSWORDS).map(([u, p]) => `${u}:TEXT${p}\n`).join('');

const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];
/** libpq forces the protocol version from the client's side. */
const forceTls = (v: TlsVersion) => `ssl_min_protocol_version=${v} ssl_max_protocol_version=${v}`;
/** Whether certs/compat.ts says this algorithm's client certificate cannot log in to `peer` (default settings) over `v`. */
const refusedByDefault = (a: KeyAlgorithm, peer: CompatPeer, v: TlsVersion) =>
  incompatibilities(a, 'client').find(i => i.peer === peer && i.tls === v);

const SSL_QUERY = 'SELECT current_user, s.ssl, s.version, s.cipher, coalesce(s.client_dn, \'\') FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()';

type RunCertCli = (argv: string[], io: { out: (s: string) => void; err: (s: string) => void }) => number | Promise<number>;

/** `runCertCli` from server/src/cli/cert.ts; undefined only when that file does not exist. */
async function loadCertCli(): Promise<RunCertCli | undefined> {
  if (!fs.existsSync(CERT_CLI)) return undefined;
  const mod = (await import(CERT_CLI)) as { runCertCli?: unknown; default?: { runCertCli?: unknown } };
  const fn = mod.runCertCli ?? mod.default?.runCertCli;
  if (typeof fn !== 'function') throw new Error(`${CERT_CLI} does not export runCertCli (the \`pgtls cert\` entry point this test drives)`);
  return fn as RunCertCli;
}

interface AlgFiles {
  algorithm: KeyAlgorithm;
  /** How the set was made. */
  source: string;
  generateMs: number;
  pems: CertSet;
  /** What PostgreSQL and pgpool read (owned by the server account, key 0600). */
  server: PgSslFiles;
  /** What psql reads (owned by the account psql runs as, key 0600). */
  client: { ca: string; cert: string; key: string };
  serverFingerprint: string;
}

/** Makes the algorithm's set with pgtls and installs copies for the servers and for psql. */
async function materialize(sandbox: Sandbox, algorithm: KeyAlgorithm, cli: RunCertCli | undefined): Promise<AlgFiles> {
  const t0 = Date.now();
  let pems: CertSet;
  let source: string;
  if (cli) {
    const out = sandbox.path('gen', algorithm);
    // runCertCli takes argv from the command word on, as `pgtls cert set ...` does
    const argv = ['cert', 'set', '--out', out, '--algorithm', algorithm, '--server-name', 'localhost', '--san', '127.0.0.1', '--client-user', 'postgres'];
    let log = '';
    const code = await cli(argv, { out: s => { log += s; }, err: s => { log += s; } });
    assert.equal(code, 0, `pgtls ${argv.join(' ')} failed (exit ${code}):\n${log}`);
    pems = {} as CertSet;
    for (const f of CERT_SET_FILES) {
      const p = path.join(out, f);
      assert.ok(fs.existsSync(p), `pgtls cert set did not write ${f} (wrote: ${fs.existsSync(out) ? fs.readdirSync(out).join(', ') : 'no folder'})`);
      if (f.endsWith('.key')) assert.equal(fs.statSync(p).mode & 0o777, 0o600, `pgtls cert set wrote ${f} with mode ${(fs.statSync(p).mode & 0o777).toString(8)}, not 0600`);
      pems[f] = fs.readFileSync(p, 'utf8');
    }
    source = 'pgtls cert set (runCertCli)';
  } else {
    pems = await generateSet({ algorithm, serverName: 'localhost', sans: ['127.0.0.1', 'localhost'], clientUser: 'postgres', now: new Date(), crypto });
    source = 'generateSet API (server/src/cli/cert.ts does not exist)';
  }
  const generateMs = Date.now() - t0;
  sandbox.dir(`${algorithm}/server`);
  sandbox.dir(`${algorithm}/client`);
  const server = {
    ca: sandbox.file(`${algorithm}/server/ca.crt`, pems['ca.crt']),
    cert: sandbox.file(`${algorithm}/server/server.crt`, pems['server.crt']),
    key: sandbox.file(`${algorithm}/server/server.key`, pems['server.key'], 0o600),
  };
  const client = {
    ca: sandbox.file(`${algorithm}/client/ca.crt`, pems['ca.crt']),
    cert: sandbox.file(`${algorithm}/client/client.crt`, pems['client.crt']),
    key: sandbox.file(`${algorithm}/client/client.key`, pems['client.key'], 0o600),
  };
  for (const k of [server.key, client.key]) assert.equal(fs.statSync(k).mode & 0o777, 0o600);
  return { algorithm, source, generateMs, pems, server, client, serverFingerprint: certFingerprint(pems['server.crt']) };
}

/** A server under test, for failure messages: its log since a mark. */
interface LogSource { name: string; mark(): number; since(mark: number): string; log: string }

interface Peer {
  label: string;
  port: number;
  logs: LogSource[];
}

interface CheckResult { r: RunResult; marks: number[] }

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? [`... (${all.length - lines} earlier lines)`] : []).concat(all.slice(-lines)).join('\n');
}

/** The failure text: what was tried, psql's output, and what each server logged meanwhile. */
function explain(what: string, conninfo: string, r: RunResult, peer: Peer, marks: number[]): string {
  const logs = peer.logs.map((l, i) => {
    const since = l.since(marks[i]!);
    return since.trim()
      ? `--- ${l.name} log during the check ---\n${since.trimEnd()}`
      : `--- ${l.name} log: nothing during the check; its last lines ---\n${tail(l.log, 40)}`;
  });
  return [`${peer.label}: ${what}`, `psql "${conninfo}"`, describeRun(r), ...logs].join('\n');
}

async function connect(sandbox: Sandbox, peer: Peer, conninfo: string, commands: string[]): Promise<CheckResult> {
  const marks = peer.logs.map(l => l.mark());
  const r = await psql(sandbox, conninfo, commands);
  // the servers write their log lines before they answer; give the pipes a moment so failure messages are complete
  await new Promise(res => setTimeout(res, r.code === 0 ? 0 : 30));
  return { r, marks };
}

async function expectRefused(sandbox: Sandbox, peer: Peer, what: string, conninfo: string, reason: RegExp): Promise<string> {
  const { r, marks } = await connect(sandbox, peer, conninfo, ['SELECT current_user']);
  if (r.code === 0 || !reason.test(r.stderr)) {
    const why = r.code === 0 ? 'expected the connection to be REFUSED, but it succeeded' : `refused, but not for the expected reason ${reason}`;
    assert.fail(explain(`${what}: ${why}`, conninfo, r, peer, marks));
  }
  return r.stderr.trim().split('\n').filter(l => /FATAL|ERROR|error|failed/.test(l)).pop() ?? r.stderr.trim();
}

interface SslRow { user: string; ssl: string; version: string; cipher: string; clientDn: string; conninfo: string }

async function expectConnected(sandbox: Sandbox, peer: Peer, what: string, conninfo: string): Promise<SslRow> {
  const { r, marks } = await connect(sandbox, peer, conninfo, ['\\conninfo', SSL_QUERY]);
  const fail = (why: string) => assert.fail(explain(`${what}: ${why}`, conninfo, r, peer, marks));
  if (r.code !== 0) fail('expected the connection to SUCCEED');
  const lines = r.stdout.trim().split('\n');
  const row = lines.filter(l => l.includes('|')).pop();
  if (!row) fail('no pg_stat_ssl row for the session');
  const [user, ssl, version, cipher, clientDn] = row!.split('|');
  const info = lines.find(l => /^SSL connection/.test(l)) ?? '';
  if (!/^SSL connection \(protocol: TLSv1\.[23], cipher: \S+/.test(info)) fail('psql\'s \\conninfo does not report an SSL connection');
  return { user: user!, ssl: ssl!, version: version!, cipher: cipher!, clientDn: clientDn ?? '', conninfo: info };
}

interface AlgSummary {
  algorithm: KeyAlgorithm;
  source: string;
  generateMs: number;
  direct: string[];
  pgpool: string[];
  failed: string[];
  ms: number;
}

describe('certificate authentication end to end: pgtls-generated certificates with PostgreSQL 15 and Pgpool-II', { skip: SKIP }, () => {
  let sandbox: Sandbox | undefined;
  let cluster: PgCluster | undefined;
  let pgpool: Pgpool | undefined;
  const files = new Map<KeyAlgorithm, AlgFiles>();
  const summaries: AlgSummary[] = [];
  const t0 = Date.now();
  let setupMs = 0;
  let certSource = '';

  before(async () => {
    assertTools(...requiredTools());
    sandbox = Sandbox.create('pgtls-certauth-');
    sandbox.dir('gen');
    const cli = await loadCertCli();
    certSource = cli ? 'pgtls cert set CLI (runCertCli)' : 'generateSet API: server/src/cli/cert.ts does not exist';
    // key generation (RSA-4096 takes seconds) runs while initdb does
    // (allSettled: nothing may still be writing into the sandbox when a failure reaches after())
    const [pg, ...made] = await Promise.allSettled([PgCluster.init(sandbox), ...ALGORITHMS.map(a => materialize(sandbox!, a, cli))]);
    if (pg.status === 'fulfilled') cluster = pg.value as PgCluster;
    for (const r of [pg, ...made]) if (r.status === 'rejected') throw r.reason;
    for (const r of made) if (r.status === 'fulfilled') { const f = r.value as AlgFiles; files.set(f.algorithm, f); }
    await cluster!.start(files.get(ALGORITHMS[0]!)!.server, HBA_DIRECT);
    await cluster!.adminOk(`CREATE ROLE newuser LOGIN PASSWORD '${PASSWORDS.newuser}'; ALTER ROLE postgres PASSWORD '${PASSWORDS.postgres}'`);
    setupMs = Date.now() - t0;
  });

  after(async () => {
    const errors: string[] = [];
    try { await pgpool?.stop(); } catch (e) { errors.push(`stopping pgpool: ${String(e)}`); }
    try { await cluster?.stop(); } catch (e) { errors.push(`stopping PostgreSQL: ${String(e)}`); }
    const root = sandbox?.root;
    try { sandbox?.dispose(); } catch (e) { errors.push(`removing ${root}: ${String(e)}`); }
    const lines = [
      '',
      `certificate auth e2e: certificates from ${certSource}; setup (keys + initdb + start) ${setupMs} ms; total ${Date.now() - t0} ms`,
      ...summaries.map(s => `  ${s.algorithm.padEnd(10)} ${s.failed.length ? `FAILED (${s.failed.join('; ')})` : 'ok'}  ${s.ms} ms (keys ${s.generateMs} ms)\n` +
        `    PostgreSQL direct: ${s.direct.join(' | ')}\n    via pgpool:        ${s.pgpool.join(' | ')}`),
      '',
    ];
    process.stderr.write(lines.join('\n'));
    if (root && fs.existsSync(root)) errors.push(`temp folder ${root} was not removed`);
    const shm = leftoverShm();
    if (shm.length) errors.push(`SysV shared memory left by our servers: ${JSON.stringify(shm)}`);
    if (errors.length) throw new Error(errors.join('\n'));
  });

  for (const [i, algorithm] of ALGORITHMS.entries()) {
    test(algorithm, async t => {
      const start = Date.now();
      const f = files.get(algorithm)!;
      // a CA that did not sign this set's server certificate: another algorithm's
      const otherCa = files.get(ALGORITHMS[(i + 1) % ALGORITHMS.length]!)!.client.ca;
      const s: AlgSummary = { algorithm, source: f.source, generateMs: f.generateMs, direct: [], pgpool: [], failed: [], ms: 0 };
      summaries.push(s);
      t.diagnostic(`certificates: ${f.source}, ${f.generateMs} ms`);
      const sub = async (name: string, fn: () => Promise<void>) => {
        await t.test(name, async () => {
          try { await fn(); } catch (e) { s.failed.push(name); throw e; }
        });
      };
      try {
        await runAlgorithm(t, f, otherCa, s, sub);
      } catch (e) {
        s.failed.push(`setup: ${String(e).split('\n')[0]}`);
        throw e;
      } finally {
        const p = pgpool;
        pgpool = undefined;
        await p?.stop();
        s.ms = Date.now() - start;
        t.diagnostic(`${algorithm}: ${s.failed.length ? 'FAILED' : 'ok'} in ${s.ms} ms; direct: ${s.direct.join(' | ')}; pgpool: ${s.pgpool.join(' | ')}`);
      }
    });
  }

  async function runAlgorithm(t: TestContext, f: AlgFiles, otherCa: string, s: AlgSummary,
    sub: (name: string, fn: () => Promise<void>) => Promise<void>): Promise<void> {
    const sb = sandbox!;
    const pg = cluster!;
    const pgLog: LogSource = { name: 'PostgreSQL', mark: () => pg.mark(), since: m => pg.since(m), get log() { return pg.log; } };
    const cert = `sslcert=${f.client.cert} sslkey=${f.client.key}`;
    const noCert = `sslcert=${sb.path('no-such-client.crt')} sslkey=${sb.path('no-such-client.key')}`;
    const db = 'dbname=postgres connect_timeout=10';

    // ---------------- 1. PostgreSQL directly, hostssl all all all cert ----------------
    await pg.reconfigure({ ssl: f.server, hba: HBA_DIRECT });
    const direct: Peer = { label: `PostgreSQL 127.0.0.1:${pg.port} [${f.algorithm}]`, port: pg.port, logs: [pgLog] };
    const P = pg.port;

    await sub('PostgreSQL serves the generated server certificate over TLS', async () => {
      const probe = await tlsProbe(P);
      assert.equal(probe.answer, 'S', `SSLRequest to PostgreSQL: ${JSON.stringify(probe)}\n--- PostgreSQL log ---\n${tail(pg.log, 40)}`);
      assert.equal(probe.fingerprint256, f.serverFingerprint, `PostgreSQL presents ${probe.subject} ${probe.fingerprint256}, not the generated server.crt (${f.serverFingerprint})`);
    });
    await sub('PostgreSQL: verify-full host=localhost as postgres with the client certificate connects over TLS', async () => {
      const row = await expectConnected(sb, direct, 'verify-full, host=localhost, user=postgres, client cert CN=postgres',
        `host=localhost port=${P} ${db} user=postgres sslmode=verify-full sslrootcert=${f.client.ca} ${cert}`);
      assert.equal(row.user, 'postgres');
      assert.equal(row.ssl, 't', `pg_stat_ssl.ssl for the session: ${row.ssl}`);
      assert.match(row.version, /^TLSv1\.[23]$/);
      assert.ok(row.cipher, 'pg_stat_ssl.cipher is empty');
      assert.equal(row.clientDn, '/CN=postgres', 'the client certificate PostgreSQL saw');
      s.direct.push(`postgres ok (ssl=${row.ssl} ${row.version} ${row.cipher} client_dn=${row.clientDn})`);
    });
    await sub('PostgreSQL: verify-full host=127.0.0.1 (IP SAN) connects', async () => {
      const row = await expectConnected(sb, direct, 'verify-full, host=127.0.0.1',
        `host=127.0.0.1 port=${P} ${db} user=postgres sslmode=verify-full sslrootcert=${f.client.ca} ${cert}`);
      assert.equal(row.user, 'postgres');
      assert.equal(row.ssl, 't');
      s.direct.push('127.0.0.1 ok');
    });
    for (const v of TLS_VERSIONS) {
      const conninfo = `host=localhost port=${P} ${db} user=postgres sslmode=verify-full sslrootcert=${f.client.ca} ${cert} ${forceTls(v)}`;
      const known = refusedByDefault(f.algorithm, 'PostgreSQL', v);
      await sub(`PostgreSQL, ${v} forced by psql: the client certificate ${known ? 'is refused with the default ssl_ecdh_curve, and works with the fixing setting' : 'logs in'}`, async () => {
        if (!known) {
          const row = await expectConnected(sb, direct, `verify-full, client cert, ${v}`, conninfo);
          assert.equal(row.version, v, `pg_stat_ssl.version: ${row.version}, not the forced ${v}`);
          assert.match(row.conninfo, new RegExp(`protocol: ${v.replace('.', '\\.')},`));
          assert.equal(row.clientDn, '/CN=postgres');
          s.direct.push(`${v} ok`);
          return;
        }
        const mark = pg.mark();
        const msg = await expectRefused(sb, direct, `client cert over ${v}, ${known.setting} = ${known.value} (default)`, conninfo, /sslv3 alert illegal parameter/);
        assert.match(pg.since(mark), /could not accept SSL connection: wrong curve/, `PostgreSQL's log:\n${pg.since(mark)}`);
        t.diagnostic(`PostgreSQL ${v}, default ${known.setting}: ${msg}`);
        // the fixing setting of certs/compat.ts: the server's one curve is the client certificate's
        await pg.reconfigure({ conf: [`${known.setting} = '${curveOfAlgorithm(f.algorithm)}'`] });
        try {
          const row = await expectConnected(sb, direct, `client cert over ${v} with ${known.setting} = ${curveOfAlgorithm(f.algorithm)}`, conninfo);
          assert.equal(row.version, v);
          assert.equal(row.clientDn, '/CN=postgres');
        } finally {
          await pg.reconfigure({ conf: [] });
        }
        s.direct.push(`${v} refused by default (wrong curve), ok with ${known.setting} = ${curveOfAlgorithm(f.algorithm)}`);
      });
    }
    await sub('PostgreSQL: the same certificate as newuser is refused (CN mismatch)', async () => {
      const msg = await expectRefused(sb, direct, 'client cert CN=postgres, user=newuser',
        `host=localhost port=${P} ${db} user=newuser sslmode=verify-full sslrootcert=${f.client.ca} ${cert}`,
        /certificate authentication failed for user "newuser"/);
      s.direct.push('newuser refused');
      t.diagnostic(`PostgreSQL, newuser: ${msg}`);
    });
    await sub('PostgreSQL: no client certificate is refused', async () => {
      await expectRefused(sb, direct, 'no client certificate',
        `host=localhost port=${P} ${db} user=postgres sslmode=verify-full sslrootcert=${f.client.ca} ${noCert}`,
        /connection requires a valid client certificate/);
      s.direct.push('no cert refused');
    });
    await sub('PostgreSQL: a plaintext connection is refused (hostssl only)', async () => {
      await expectRefused(sb, direct, 'sslmode=disable',
        `host=127.0.0.1 port=${P} ${db} user=postgres sslmode=disable`,
        /no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "postgres", no encryption/);
      s.direct.push('plaintext refused');
    });
    await sub('PostgreSQL: psql refuses the server with verify-full against an unrelated CA', async () => {
      await expectRefused(sb, direct, 'sslrootcert = another algorithm\'s CA',
        `host=localhost port=${P} ${db} user=postgres sslmode=verify-full sslrootcert=${otherCa} ${cert}`,
        /certificate verify failed/);
      s.direct.push('wrong CA refused');
    });

    // ---------------- 2. Through pgpool, hostssl all all 127.0.0.1/32 cert ----------------
    await pg.reconfigure({ hba: HBA_BEHIND_PGPOOL });
    pgpool = await Pgpool.start(sb, {
      dir: `${f.algorithm}/pgpool`,
      backendHost: '127.0.0.1',
      backendPort: pg.port,
      ssl: f.server,
      poolHba: POOL_HBA,
      poolPasswd: POOL_PASSWD,
    });
    const pp = pgpool;
    const ppLog: LogSource = { name: `pgpool ${pp.version}`, mark: () => pp.mark(), since: m => pp.since(m), get log() { return pp.log; } };
    const viaPool: Peer = { label: `pgpool 127.0.0.1:${pp.port} -> PostgreSQL 127.0.0.1:${pg.port} [${f.algorithm}]`, port: pp.port, logs: [ppLog, pgLog] };
    const Q = pp.port;

    await sub('pgpool has SSL on and serves the generated server certificate', async () => {
      const probe = await tlsProbe(Q);
      const warnings = pp.log.split('\n').filter(l => /WARNING|FATAL/.test(l)).join('\n');
      assert.equal(probe.answer, 'S', `SSLRequest to pgpool: ${JSON.stringify(probe)} (pgpool answers 'N' when its SSL context failed)\n--- pgpool log ---\n${tail(pp.log, 60)}`);
      assert.equal(probe.fingerprint256, f.serverFingerprint, `pgpool presents ${probe.subject} ${probe.fingerprint256}, not the generated server.crt`);
      assert.equal(warnings, '', `pgpool warned at start-up:\n${warnings}`);
      s.pgpool.push(`SSL on (${probe.protocol})`);
    });
    await sub('pgpool: verify-full host=localhost as postgres with the client certificate connects', async () => {
      const mark = pp.mark();
      const row = await expectConnected(sb, viaPool, 'verify-full, host=localhost, user=postgres, client cert CN=postgres',
        `host=localhost port=${Q} ${db} user=postgres sslmode=verify-full sslrootcert=${f.client.ca} ${cert}`);
      assert.equal(row.user, 'postgres');
      // the pg_stat_ssl row is pgpool's own backend connection: TLS too, verified against the same ca.crt
      assert.equal(row.ssl, 't', `pgpool -> PostgreSQL is not TLS (pg_stat_ssl.ssl = ${row.ssl})`);
      const logged = await pp.waitForLog(/SSL certificate authentication for user "postgres" with Pgpool-II is successful/, 2000, mark);
      assert.ok(logged, `pgpool did not log a successful certificate authentication:\n${pp.since(mark)}`);
      s.pgpool.push(`postgres ok (client leg ${/protocol: (\S+?),/.exec(row.conninfo)?.[1]}; backend leg ssl=${row.ssl} ${row.version})`);
    });
    await sub('pgpool: verify-full host=127.0.0.1 (IP SAN) connects', async () => {
      const row = await expectConnected(sb, viaPool, 'verify-full, host=127.0.0.1',
        `host=127.0.0.1 port=${Q} ${db} user=postgres sslmode=verify-full sslrootcert=${f.client.ca} ${cert}`);
      assert.equal(row.user, 'postgres');
      s.pgpool.push('127.0.0.1 ok');
    });
    for (const v of TLS_VERSIONS) {
      const conninfo = `host=localhost port=${Q} ${db} user=postgres sslmode=verify-full sslrootcert=${f.client.ca} ${cert} ${forceTls(v)}`;
      const known = refusedByDefault(f.algorithm, 'Pgpool-II', v);
      const clientLeg = (row: SslRow) => /protocol: (\S+?),/.exec(row.conninfo)?.[1];
      await sub(`pgpool, ${v} forced by psql: the client certificate ${known ? 'is refused with the default ssl_ecdh_curve, and works with the fixing setting' : 'logs in'}`, async () => {
        if (!known) {
          const row = await expectConnected(sb, viaPool, `verify-full, client cert, ${v}`, conninfo);
          assert.equal(clientLeg(row), v, `psql's \\conninfo: ${row.conninfo}`);
          assert.equal(row.user, 'postgres');
          s.pgpool.push(`${v} ok`);
          return;
        }
        const mark = pp.mark();
        const msg = await expectRefused(sb, viaPool, `client cert over ${v}, ${known.setting} = ${known.value} (default)`, conninfo, /sslv3 alert illegal parameter/);
        t.diagnostic(`pgpool ${v}, default ${known.setting}: ${msg}; pgpool logged: ${pp.since(mark).trim().split('\n').filter(l => /SSL|curve/i.test(l)).slice(-1)[0] ?? '(nothing about SSL)'}`);
        // the fixing setting: ssl_ecdh_curve is read at start only (pgpool-params.tsv: restart), so a second pgpool
        const fixed = await Pgpool.start(sb, {
          dir: `${f.algorithm}/pgpool-${known.setting}`, backendHost: '127.0.0.1', backendPort: pg.port, ssl: f.server,
          poolHba: POOL_HBA, poolPasswd: POOL_PASSWD, extra: [`${known.setting} = '${curveOfAlgorithm(f.algorithm)}'`],
        });
        try {
          const fixedPeer: Peer = { label: `pgpool 127.0.0.1:${fixed.port} with ${known.setting} = ${curveOfAlgorithm(f.algorithm)}`, port: fixed.port, logs: [{ name: 'pgpool (fixed)', mark: () => fixed.mark(), since: m => fixed.since(m), get log() { return fixed.log; } }, pgLog] };
          const row = await expectConnected(sb, fixedPeer, `client cert over ${v} with ${known.setting} = ${curveOfAlgorithm(f.algorithm)}`,
            conninfo.replace(`port=${Q} `, `port=${fixed.port} `));
          assert.equal(clientLeg(row), v);
          assert.equal(row.user, 'postgres');
        } finally {
          await fixed.stop();
        }
        s.pgpool.push(`${v} refused by default (illegal parameter), ok with ${known.setting} = ${curveOfAlgorithm(f.algorithm)}`);
      });
    }
    await sub('pgpool: the same certificate as newuser is refused (CN mismatch)', async () => {
      const mark = pp.mark();
      const msg = await expectRefused(sb, viaPool, 'client cert CN=postgres, user=newuser',
        `host=localhost port=${Q} ${db} user=newuser sslmode=verify-full sslrootcert=${f.client.ca} ${cert}`,
        /CERT authentication failed/);
      const logged = await pp.waitForLog(/SSL certificate authentication for user "newuser" failed/, 2000, mark);
      assert.ok(logged, `pgpool did not log the failed certificate authentication of newuser:\n${pp.since(mark)}`);
      s.pgpool.push('newuser refused');
      t.diagnostic(`pgpool, newuser: ${msg}`);
    });
    await sub('pgpool: no client certificate is refused', async () => {
      await expectRefused(sb, viaPool, 'no client certificate',
        `host=localhost port=${Q} ${db} user=postgres sslmode=verify-full sslrootcert=${f.client.ca} ${noCert}`,
        /CERT authentication failed/);
      s.pgpool.push('no cert refused');
    });
    await sub('pgpool: a plaintext connection is refused (hostssl only)', async () => {
      await expectRefused(sb, viaPool, 'sslmode=disable',
        `host=127.0.0.1 port=${Q} ${db} user=postgres sslmode=disable`,
        /no pool_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "postgres", SSL off/);
      s.pgpool.push('plaintext refused');
    });
    await sub('pgpool: psql refuses the server with verify-full against an unrelated CA', async () => {
      await expectRefused(sb, viaPool, 'sslrootcert = another algorithm\'s CA',
        `host=localhost port=${Q} ${db} user=postgres sslmode=verify-full sslrootcert=${otherCa} ${cert}`,
        /certificate verify failed/);
      s.pgpool.push('wrong CA refused');
    });
  }
});

// The suite runs over KEY_ALGORITHMS; issue 4 names these six, so none of them may drop out of it unnoticed.
test('the end-to-end suite covers the six algorithms of issue 4', () => {
  for (const a of ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519']) assert.ok(ALGORITHMS.includes(a as KeyAlgorithm), a);
});
