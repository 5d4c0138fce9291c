/**
 * Issue 11, "The interop matrix": certificates made by pgtls itself (`pgtls cert set --pk8` in-process through
 * `runCertCli`) against real peers with their DEFAULT TLS settings and real clients. One subtest per cell:
 *
 *   KEY_ALGORITHMS × {TLSv1.2, TLSv1.3} × {server-only, client-cert} × {postgresql, pgpool, pgbouncer}
 *     × {psql, psycopg2, node-pg, pgjdbc}
 *
 * named like `ecdsa-p384 TLSv1.2 client-cert pgpool psycopg2`.
 *
 * - Peers: PostgreSQL 15 (one cluster, re-pointed at each algorithm's files by a reload), Pgpool-II 4.3.5 and PgBouncer
 *   1.18 in front of it, each with only what TLS needs (certificate, key, CA) and no protocol/cipher/curve setting.
 *   Pgpool-II and PgBouncer reach PostgreSQL over its Unix socket (`local all all trust`): the cell is the client leg.
 * - Server-only cells: the client verifies the server (verify-full against ca.crt, name `localhost`) and logs in as
 *   `pwuser` with a SCRAM password (pg_hba / pool_hba `scram-sha-256`, PgBouncer `auth_type = scram-sha-256` with
 *   `client_tls_sslmode = require`). Client-certificate cells: verify-full too, as `postgres` with the generated client
 *   certificate (CN=postgres) under `cert` authentication (pg_hba / pool_hba `cert`; PgBouncer `auth_type = cert`,
 *   `client_tls_sslmode = verify-full`), so the login only succeeds with the certificate.
 * - The TLS version is forced from the client side (libpq/psycopg2: ssl_min/max_protocol_version; node: tls
 *   minVersion/maxVersion; pgjdbc: the SSLSocket's enabled protocols, clients/MatrixClient.java) and a cell passes only
 *   when the client's own report of the negotiated version is the forced one (and, against PostgreSQL directly,
 *   pg_stat_ssl.version of the session and its client_dn agree).
 * - Clients batch: one python3 process and one JVM per algorithm make all their connections and print one JSON line per
 *   cell; node-pg runs in-process; psql runs per connection, four at a time; the four run concurrently.
 * - EXPECTED_REFUSALS (exported) lists the cells that cannot work with a peer's defaults: such a cell must fail with the
 *   listed error, every other cell must succeed, an entry that matches no cell fails, and each entry's `fix` (the
 *   setting pgtls advises) is applied to that peer and the refused cells run again: they must then succeed.
 *
 *   node --import tsx --test test/interop/certMatrix.test.ts
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../server/src/certs/algorithms';
import { DEFAULT_INCOMPATIBILITIES, type CompatPeer } from '../../server/src/certs/compat';
import { runCertCli } from '../../server/src/cli/cert';
import { assertTools, missing } from '../requires';
import { PgCluster, Pgpool, Sandbox, describeRun, psql, requiredTools, run, type PgSslFiles } from './pgCluster';
import { PGBOUNCER, PgBouncer } from './pgbouncer';
import { nodePgConnect, type ClientJob, type ClientOutcome } from './clients/nodePg';

export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
export const AUTHS = ['server-only', 'client-cert'] as const;
export const PEERS = ['postgresql', 'pgpool', 'pgbouncer'] as const;
export const CLIENTS = ['psql', 'psycopg2', 'node-pg', 'pgjdbc'] as const;
type Tls = (typeof TLS_VERSIONS)[number];
type Auth = (typeof AUTHS)[number];
type PeerName = (typeof PEERS)[number];
type ClientName = (typeof CLIENTS)[number];

export interface Cell { algorithm: KeyAlgorithm; tls: Tls; auth: Auth; peer: PeerName; client: ClientName }
export const cellName = (c: Cell): string => `${c.algorithm} ${c.tls} ${c.auth} ${c.peer} ${c.client}`;

export interface ExpectedRefusal {
  /** Matched against the cell name (`ALG TLS AUTH PEER CLIENT`). */
  cells: RegExp;
  /** What every client's error must match. */
  error: RegExp;
  /** What the peer's own log must show meanwhile (when it logs the refusal). */
  serverLog?: RegExp;
  reason: string;
  /**
   * The setting that makes the cell work: a line of the peer's configuration file (`on` a peer), or a conninfo
   * keyword of the libpq-based clients (`on: 'libpq'`: psql, psycopg2).
   */
  fix: { on: PeerName | 'libpq'; setting: string };
}

/**
 * The cells that cannot work with a peer's default settings, found by this test against the real servers (see the
 * reasons). Must equal what the product knows (server/src/certs/compat.ts): the last test of this file checks it.
 */
export const EXPECTED_REFUSALS: readonly ExpectedRefusal[] = [
  {
    cells: /^ecdsa-p384 TLSv1\.2 client-cert postgresql /,
    // the alert, or (pgjdbc, racing the server's close while it still writes) a broken pipe; the server's own log
    // line below must show the curve refusal either way
    error: /illegal[ _]parameter|Broken pipe/i,
    serverLog: /could not accept SSL connection: wrong curve/,
    reason: 'PostgreSQL 15 defaults to ssl_ecdh_curve = prime256v1, which OpenSSL also takes as the only curve it accepts '
      + 'for a TLS 1.2 peer certificate: a P-384 client certificate is refused with an illegal_parameter alert '
      + '(TLS 1.3 does not tie certificate curves to the key-exchange group)',
    fix: { on: 'postgresql', setting: "ssl_ecdh_curve = 'secp384r1'" },
  },
  {
    cells: /^ecdsa-p384 TLSv1\.2 client-cert pgpool /,
    // the alert, or (pgjdbc, racing the server's close while it still writes) a broken pipe; the server's own log
    // line below must show the curve refusal either way
    error: /illegal[ _]parameter|Broken pipe/i,
    serverLog: /pool_ssl: "SSL_accept": "wrong curve"/,
    reason: 'Pgpool-II defaults to ssl_ecdh_curve = prime256v1 like PostgreSQL: a P-384 client certificate over TLS 1.2 is '
      + 'refused with an illegal_parameter alert',
    fix: { on: 'pgpool', setting: "ssl_ecdh_curve = 'secp384r1'" },
  },
  {
    cells: /^ed25519 TLSv1\.[23] server-only postgresql (psql|psycopg2)$/,
    error: /could not find digest for NID UNDEF/,
    reason: 'PostgreSQL offers SCRAM-SHA-256-PLUS over TLS and libpq (channel_binding = prefer) takes it, but the '
      + 'tls-server-end-point binding needs the hash of the server certificate\'s signature, which Ed25519 does not have: '
      + 'libpq gives up before authenticating. Pgpool-II and PgBouncer 1.18 offer no channel binding; node-pg and '
      + 'pgjdbc 42.5 do not use it by default',
    fix: { on: 'libpq', setting: 'channel_binding=disable' },
  },
];

const JAR = '/usr/share/java/postgresql.jar';
const PYTHON = '/usr/bin/python3';
const TOOLS = [...requiredTools(), PGBOUNCER, PYTHON, 'java', 'javac', JAR];
const SKIP = missing(...TOOLS);
const CLIENT_DIR = path.resolve(__dirname, 'clients');

const PW = { user: 'pwuser', password: 'matrix-pw' };
const CERT_USER = 'postgres';
const PG_HBA = `local all all trust\nhostssl all ${CERT_USER} 127.0.0.1/32 cert\nhostssl all ${PW.user} 127.0.0.1/32 scram-sha-256\n`;
const POOL_HBA = `hostssl all ${CERT_USER} 127.0.0.1/32 cert\nhostssl all ${PW.user} 127.0.0.1/32 scram-sha-256\n`;
const QUERY = "SELECT current_user, coalesce(s.version, ''), coalesce(s.client_dn, '') FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()";

interface AlgFiles { server: PgSslFiles; ca: string; cert: string; key: string; pk8: string }

/** Runs `pgtls ARGV` in-process (runCertCli) into gen/NAME; keys must come out 0600. */
async function pgtlsCert(sb: Sandbox, name: string, argv: string[]): Promise<string> {
  const out = sb.path('gen', name);
  const full = [...argv.slice(0, 2), '--out', out, ...argv.slice(2)];
  let log = '';
  const code = await runCertCli(full, { out: s => { log += s; }, err: s => { log += s; } });
  assert.equal(code, 0, `pgtls ${full.join(' ')} failed (exit ${code}):\n${log}`);
  for (const k of fs.readdirSync(out).filter(f => /\.(key|pk8)$/.test(f))) {
    assert.equal(fs.statSync(path.join(out, k)).mode & 0o777, 0o600, `pgtls ${argv.slice(0, 2).join(' ')} wrote ${k} with a mode other than 0600`);
  }
  return out;
}

/** Copies files pgtls wrote into `rel` (byte for byte: .pk8 is DER), owned by the server account, keys 0600. */
function install(sb: Sandbox, from: string, rel: string, names: string[]): Record<string, string> {
  sb.dir(rel, 0o755);
  const files: Record<string, string> = {};
  for (const f of names) {
    const full = sb.path(rel, f);
    const mode = /\.(key|pk8)$/.test(f) ? 0o600 : 0o644;
    fs.writeFileSync(full, fs.readFileSync(path.join(from, f)), { mode });
    fs.chmodSync(full, mode);
    sb.own(full);
    files[f] = full;
  }
  return files;
}

/** `pgtls cert set --pk8` for one algorithm, installed where the servers and clients (the server account) read it. */
async function makeSet(sb: Sandbox, algorithm: KeyAlgorithm): Promise<AlgFiles> {
  const out = await pgtlsCert(sb, algorithm, ['cert', 'set', '--algorithm', algorithm, '--server-name', 'localhost', '--san', '127.0.0.1',
    '--client-user', CERT_USER, '--pk8']);
  const f = install(sb, out, algorithm, ['ca.crt', 'server.crt', 'server.key', 'client.crt', 'client.key', 'client.pk8']);
  return { server: { cert: f['server.crt']!, key: f['server.key']!, ca: f['ca.crt']! }, ca: f['ca.crt']!, cert: f['client.crt']!, key: f['client.key']!, pk8: f['client.pk8']! };
}

export function refusalFor(name: string): ExpectedRefusal | undefined {
  return EXPECTED_REFUSALS.find(r => r.cells.test(name));
}

/** Every cell of one algorithm. */
function cellsOf(algorithm: KeyAlgorithm): Cell[] {
  const cells: Cell[] = [];
  for (const tls of TLS_VERSIONS) for (const auth of AUTHS) for (const peer of PEERS) for (const client of CLIENTS) cells.push({ algorithm, tls, auth, peer, client });
  return cells;
}

/** The running peers of one algorithm: the port a cell dials. */
interface Endpoints { port(peer: PeerName, auth: Auth): number; logs(): Record<PeerName, string> }

type Job = ClientJob & { conninfoExtra?: string };

function jobOf(c: Cell, f: AlgFiles, ep: Endpoints, conninfoExtra: string | undefined): Job {
  const certAuth = c.auth === 'client-cert';
  return {
    ...(conninfoExtra && (c.client === 'psql' || c.client === 'psycopg2') ? { conninfoExtra } : {}),
    id: cellName(c), host: '127.0.0.1', serverName: 'localhost', port: ep.port(c.peer, c.auth), tls: c.tls, ca: f.ca,
    user: certAuth ? CERT_USER : PW.user, ...(certAuth ? { cert: f.cert, key: c.client === 'pgjdbc' ? f.pk8 : f.key } : { password: PW.password }),
  };
}

function conninfo(j: Job): string {
  return [`host=${j.serverName} hostaddr=${j.host} port=${j.port} dbname=postgres user=${j.user} connect_timeout=10`,
    `sslmode=verify-full sslrootcert=${j.ca} ssl_min_protocol_version=${j.tls} ssl_max_protocol_version=${j.tls}`,
    j.cert ? `sslcert=${j.cert} sslkey=${j.key}` : `password=${j.password}`, ...(j.conninfoExtra ? [j.conninfoExtra] : [])].join(' ');
}

async function viaPsql(sb: Sandbox, j: Job): Promise<ClientOutcome> {
  const r = await psql(sb, conninfo(j), ['\\conninfo', QUERY]);
  if (r.code !== 0) return { id: j.id, ok: false, error: r.stderr.trim() || describeRun(r) };
  const lines = r.stdout.trim().split('\n');
  const row = lines.filter(l => l.includes('|')).pop()?.split('|') ?? [];
  const protocol = /SSL connection \(protocol: (TLSv[\d.]+)/.exec(r.stdout)?.[1] ?? '';
  return { id: j.id, ok: true, protocol, user: row[0], serverVersion: row[1], clientDn: row[2] };
}

function parseLines(text: string): ClientOutcome[] {
  return text.split('\n').filter(l => l.trim().startsWith('{')).map(l => JSON.parse(l) as ClientOutcome);
}

async function viaPython(sb: Sandbox, jobs: Job[], tag: string): Promise<ClientOutcome[]> {
  if (!jobs.length) return [];
  const file = sb.file(`jobs/py-${tag}.json`, JSON.stringify(jobs.map(j => ({ id: j.id, dsn: conninfo(j) }))));
  const r = await run(PYTHON, [sb.path('bin', 'psycopg2_client.py'), file], { env: sb.env, cwd: sb.root, account: sb.account, timeoutMs: 120_000 });
  const out = parseLines(r.stdout);
  if (out.length !== jobs.length) throw new Error(`the psycopg2 client answered ${out.length} of ${jobs.length} jobs: ${describeRun(r)}`);
  return out;
}

async function viaJdbc(sb: Sandbox, jobs: ClientJob[], tag: string): Promise<ClientOutcome[]> {
  if (!jobs.length) return [];
  const lines = jobs.map(j => [j.id, `jdbc:postgresql://${j.serverName}:${j.port}/postgres`, j.user, j.password ?? '', j.tls, j.cert ?? '', j.key ?? '', j.ca].join('\t'));
  const file = sb.file(`jobs/jdbc-${tag}.tsv`, `${lines.join('\n')}\n`);
  const r = await run('java', ['-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-cp', `${JAR}:${sb.path('bin')}`, 'MatrixClient', file],
    { env: sb.env, cwd: sb.root, account: sb.account, timeoutMs: 180_000 });
  const out = parseLines(r.stdout);
  if (out.length !== jobs.length) throw new Error(`the pgjdbc client answered ${out.length} of ${jobs.length} jobs: ${describeRun(r)}`);
  return out;
}

async function pool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); }
  }));
  return out;
}

/** Runs the cells with every client at once; the outcome per cell name. */
async function runCells(sb: Sandbox, cells: Cell[], f: AlgFiles, ep: Endpoints, tag: string, conninfoExtra?: string): Promise<Map<string, ClientOutcome>> {
  const by = (client: ClientName) => cells.filter(c => c.client === client).map(c => jobOf(c, f, ep, conninfoExtra));
  const results = await Promise.all([
    pool(by('psql'), 4, j => viaPsql(sb, j)),
    viaPython(sb, by('psycopg2'), tag),
    viaJdbc(sb, by('pgjdbc'), tag),
    pool(by('node-pg'), 1, nodePgConnect),
  ]);
  return new Map(results.flat().map(o => [o.id, o]));
}

/** Why a successful outcome does not prove the cell ('' when it does). */
function wrongSuccess(c: Cell, o: ClientOutcome): string {
  const want = c.auth === 'client-cert' ? CERT_USER : PW.user;
  if (o.protocol !== c.tls) return `the client reports ${JSON.stringify(o.protocol)}, not ${c.tls}`;
  if (o.user !== want) return `logged in as ${JSON.stringify(o.user)}, not ${want}`;
  if (c.peer === 'postgresql') {
    if (o.serverVersion !== c.tls) return `pg_stat_ssl.version is ${JSON.stringify(o.serverVersion)}, not ${c.tls}`;
    const dn = c.auth === 'client-cert' ? `/CN=${CERT_USER}` : '';
    if (o.clientDn !== dn) return `pg_stat_ssl.client_dn is ${JSON.stringify(o.clientDn)}, not ${JSON.stringify(dn)}`;
  }
  return '';
}

interface AlgState { files: AlgFiles; outcomes: Map<string, ClientOutcome>; fixed: Map<string, ClientOutcome>; logs: Record<PeerName, string> }

/** The end of each peer's log, for a failure message. */
const logTails = (logs: Record<PeerName, string>): string =>
  PEERS.map(p => `--- ${p} ---\n${logs[p].trimEnd().split('\n').slice(-40).join('\n')}`).join('\n');

describe('interop matrix: pgtls certificates × TLS 1.2/1.3 × auth × PostgreSQL/Pgpool-II/PgBouncer defaults × clients', { skip: SKIP }, () => {
  let sb: Sandbox | undefined;
  let pg: PgCluster | undefined;
  const files = new Map<KeyAlgorithm, AlgFiles>();
  const states = new Map<KeyAlgorithm, AlgState>();
  const t0 = Date.now();
  let setupMs = 0;

  before(async () => {
    assertTools(...TOOLS);
    sb = Sandbox.create('pgtls-matrix-');
    for (const d of ['gen', 'jobs', 'bin']) sb.dir(d, 0o755);
    fs.copyFileSync(path.join(CLIENT_DIR, 'psycopg2_client.py'), sb.path('bin', 'psycopg2_client.py'));
    fs.chmodSync(sb.path('bin', 'psycopg2_client.py'), 0o644);
    const javac = run('javac', ['-nowarn', '-cp', JAR, '-d', sb.path('bin'), path.join(CLIENT_DIR, 'MatrixClient.java')], { env: sb.env, timeoutMs: 120_000 });
    const psyco = run(PYTHON, ['-c', 'import psycopg2'], { env: sb.env });
    const settled = await Promise.allSettled([PgCluster.init(sb), ...KEY_ALGORITHMS.map(a => makeSet(sb!, a)), javac, psyco]);
    if (settled[0]!.status === 'fulfilled') pg = settled[0]!.value as PgCluster;
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    KEY_ALGORITHMS.forEach((a, i) => files.set(a, (settled[i + 1] as PromiseFulfilledResult<AlgFiles>).value));
    const jc = (settled[KEY_ALGORITHMS.length + 1] as PromiseFulfilledResult<Awaited<typeof javac>>).value;
    assert.equal(jc.code, 0, `javac MatrixClient.java: ${describeRun(jc)}`);
    const py = (settled[KEY_ALGORITHMS.length + 2] as PromiseFulfilledResult<Awaited<typeof psyco>>).value;
    assert.equal(py.code, 0, `${PYTHON} has no psycopg2 (apt-get install python3-psycopg2): ${describeRun(py)}`);
    await pg!.start(files.get(KEY_ALGORITHMS[0])!.server, PG_HBA);
    await pg!.adminOk(`CREATE ROLE ${PW.user} LOGIN PASSWORD '${PW.password}'`);
    setupMs = Date.now() - t0;
  });

  after(async () => {
    await pg?.stop();
    sb?.dispose();
    const counts = { passed: 0, refused: 0, failed: 0 };
    for (const [, s] of states) for (const [name, o] of s.outcomes) {
      const r = refusalFor(name);
      if (o.ok && !r) counts.passed++; else if (!o.ok && r) counts.refused++; else counts.failed++;
    }
    process.stderr.write(`\ncert matrix: ${counts.passed} cells connected, ${counts.refused} refused as expected, ${counts.failed} wrong; ` +
      `setup ${setupMs} ms, total ${Date.now() - t0} ms\n`);
  });

  /** Starts the peers of one algorithm (with `fix` applied to its peer), runs `cells`, stops the pools. */
  async function withPeers<T>(algorithm: KeyAlgorithm, fix: ExpectedRefusal['fix'] | undefined, fn: (ep: Endpoints) => Promise<T>): Promise<T> {
    const f = files.get(algorithm)!;
    const extra = (peer: PeerName) => (fix?.on === peer ? [fix.setting] : []);
    const tag = `${algorithm}${fix ? `-fix-${fix.on}` : ''}`;
    await pg!.reconfigure({ ssl: f.server, hba: PG_HBA, conf: extra('postgresql') });
    const tlsLines = [`client_tls_cert_file = ${f.server.cert}`, `client_tls_key_file = ${f.server.key}`, `client_tls_ca_file = ${f.ca}`];
    const started = await Promise.allSettled([
      Pgpool.start(sb!, { dir: `${tag}/pgpool`, backendHost: pg!.socketDir, backendPort: pg!.port, ssl: f.server, poolHba: POOL_HBA,
        poolPasswd: `${PW.user}:TEXT${PW.password}\n`, extra: extra('pgpool') }),
      PgBouncer.start(sb!, { dir: `${tag}/bouncer-cert`, backendHost: pg!.socketDir, backendPort: pg!.port, authType: 'cert',
        userlist: `"${CERT_USER}" ""\n`, extra: [...tlsLines, 'client_tls_sslmode = verify-full', ...extra('pgbouncer')] }),
      PgBouncer.start(sb!, { dir: `${tag}/bouncer-pw`, backendHost: pg!.socketDir, backendPort: pg!.port, authType: 'scram-sha-256',
        userlist: `"${PW.user}" "${PW.password}"\n`, extra: [...tlsLines, 'client_tls_sslmode = require', ...extra('pgbouncer')] }),
    ]);
    const [pp, bc, bp] = started.map(s => (s.status === 'fulfilled' ? s.value : undefined)) as [Pgpool?, PgBouncer?, PgBouncer?];
    const pgMark = pg!.mark();
    try {
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      const ep: Endpoints = {
        port: (peer, auth) => (peer === 'postgresql' ? pg!.port : peer === 'pgpool' ? pp!.port : auth === 'client-cert' ? bc!.port : bp!.port),
        logs: () => ({ postgresql: pg!.since(pgMark), pgpool: pp!.log, pgbouncer: `${bc!.log}\n${bp!.log}` }),
      };
      return await fn(ep);
    } finally {
      await Promise.all([pp?.stop(), bc?.stop(), bp?.stop()]);
    }
  }

  for (const algorithm of KEY_ALGORITHMS) {
    describe(algorithm, () => {
      const cells = cellsOf(algorithm);
      before(async () => {
        const f = files.get(algorithm)!;
        const state: AlgState = { files: f, outcomes: new Map(), fixed: new Map(), logs: { postgresql: '', pgpool: '', pgbouncer: '' } };
        await withPeers(algorithm, undefined, async ep => {
          state.outcomes = await runCells(sb!, cells, f, ep, algorithm);
          // the servers log a refusal as they send the alert: a moment for the pipes before reading the logs
          await new Promise(res => setTimeout(res, 200));
          state.logs = ep.logs();
        });
        // each expected refusal of this algorithm, again with its fix applied
        for (const r of EXPECTED_REFUSALS) {
          const refused = cells.filter(c => r.cells.test(cellName(c)));
          if (!refused.length) continue;
          await withPeers(algorithm, r.fix, async ep => {
            const extra = r.fix.on === 'libpq' ? r.fix.setting : undefined;
            for (const [k, o] of await runCells(sb!, refused, f, ep, `${algorithm}-fix-${r.fix.on}`, extra)) state.fixed.set(k, o);
          });
        }
        states.set(algorithm, state);
      });

      for (const c of cells) {
        const name = cellName(c);
        test(name, t => {
          const s = states.get(algorithm);
          assert.ok(s, `${algorithm}: the peers did not run (see the before hook's failure)`);
          const o = s.outcomes.get(name);
          assert.ok(o, `no outcome for ${name}`);
          const r = refusalFor(name);
          if (r) {
            assert.ok(!o.ok, `${name} is listed in EXPECTED_REFUSALS (${r.reason}) but it connected: remove the stale entry`);
            assert.match(o.error ?? '', r.error, `${name} was refused, but not with the listed error`);
            if (r.serverLog) assert.match(s.logs[c.peer], r.serverLog, `${c.peer} did not log the refusal:\n${logTails(s.logs)}`);
            const fixed = s.fixed.get(name);
            assert.ok(fixed?.ok, `${name} with \`${r.fix.setting}\` (${r.fix.on}) still fails: ${fixed?.error}`);
            const why = wrongSuccess(c, fixed);
            assert.equal(why, '', `${name} with \`${r.fix.setting}\`: ${why}`);
            t.diagnostic(`refused as expected: ${o.error}; with \`${r.fix.setting}\` (${r.fix.on}): connected over ${fixed.protocol}`);
            return;
          }
          assert.ok(o.ok, `${name} was refused: ${o.error}\n${logTails(s.logs)}`);
          const why = wrongSuccess(c, o);
          assert.equal(why, '', `${name}: ${why}`);
        });
      }
    });
  }

  // What the advice implies beyond the cells: checks of the explanation behind two EXPECTED_REFUSALS entries.
  describe('around the fixes', () => {
    const gen = (set: string, f: string) => path.join(sb!.path('gen', set), f);
    let p256Client: Promise<Record<string, string>> | undefined;
    for (const peer of ['postgresql', 'pgpool'] as const) {
      test(`ssl_ecdh_curve = 'secp384r1' on ${peer} refuses a P-256 client certificate over TLS 1.2 (not over TLS 1.3): one curve for every client certificate`, async () => {
        p256Client ??= pgtlsCert(sb!, 'p256-client-of-p384', ['cert', 'client', '--ca-cert', gen('ecdsa-p384', 'ca.crt'), '--ca-key', gen('ecdsa-p384', 'ca.key'),
          '--algorithm', 'ecdsa-p256', '--client-user', CERT_USER]).then(out => install(sb!, out, 'p256-client-of-p384', ['client.crt', 'client.key']));
        const c = await p256Client;
        const f = files.get('ecdsa-p384')!;
        const [v12, v13] = await withPeers('ecdsa-p384', { on: peer, setting: "ssl_ecdh_curve = 'secp384r1'" }, ep => Promise.all(TLS_VERSIONS.map(tls =>
          viaPsql(sb!, { id: tls, host: '127.0.0.1', serverName: 'localhost', port: ep.port(peer, 'client-cert'), user: CERT_USER, tls, ca: f.ca,
            cert: c['client.crt']!, key: c['client.key']! }))));
        assert.ok(!v12!.ok, `a P-256 client certificate over TLS 1.2 with ssl_ecdh_curve = 'secp384r1' on ${peer} connected`);
        assert.match(v12!.error ?? '', /illegal parameter/);
        assert.ok(v13!.ok && v13!.protocol === 'TLSv1.3', `the same over TLS 1.3: ${JSON.stringify(v13)}`);
      });
    }
    test('an Ed25519 server key certified by an ECDSA P-256 CA works with libpq\'s SCRAM channel binding (channel_binding=require)', async () => {
      const out = await pgtlsCert(sb!, 'ed25519-server-of-p256', ['cert', 'server', '--ca-cert', gen('ecdsa-p256', 'ca.crt'), '--ca-key', gen('ecdsa-p256', 'ca.key'),
        '--algorithm', 'ed25519', '--server-name', 'localhost', '--san', '127.0.0.1']);
      const i = install(sb!, out, 'ed25519-server-of-p256', ['server.crt', 'server.key']);
      const ca = files.get('ecdsa-p256')!.ca;
      await pg!.reconfigure({ ssl: { cert: i['server.crt']!, key: i['server.key']!, ca }, hba: PG_HBA, conf: [] });
      for (const tls of TLS_VERSIONS) {
        const o = await viaPsql(sb!, { id: tls, host: '127.0.0.1', serverName: 'localhost', port: pg!.port, user: PW.user, password: PW.password, tls, ca,
          conninfoExtra: 'channel_binding=require' });
        assert.ok(o.ok && o.protocol === tls && o.user === PW.user, `${tls}: ${JSON.stringify(o)}`);
      }
    });
  });

  test('every EXPECTED_REFUSALS entry matches cells of the matrix', () => {
    const names = KEY_ALGORITHMS.flatMap(a => cellsOf(a).map(cellName));
    for (const r of EXPECTED_REFUSALS) assert.ok(names.some(n => r.cells.test(n)), `stale entry ${r.cells} (${r.reason}): it matches no cell`);
  });
});

/** The matrix's peer and client names for certs/compat.ts's. */
const COMPAT_PEER_OF: Record<CompatPeer, PeerName> = { PostgreSQL: 'postgresql', 'Pgpool-II': 'pgpool', PgBouncer: 'pgbouncer' };
const LIBPQ_CLIENTS: readonly ClientName[] = ['psql', 'psycopg2'];

/** Whether the product's table (certs/compat.ts, what the generator warns about) predicts that this cell fails. */
function predictedRefusal(c: Cell): boolean {
  return DEFAULT_INCOMPATIBILITIES.some(i => i.algorithm === c.algorithm && i.tls === c.tls && COMPAT_PEER_OF[i.peer] === c.peer
    && (i.auth === 'cert' ? c.auth === 'client-cert' : c.auth === 'server-only')
    && (i.clients === 'all' || LIBPQ_CLIENTS.includes(c.client)));
}

// Needs no server: runs everywhere, so the product's knowledge and the measured refusals cannot drift apart.
test('the refusals measured here are exactly those certs/compat.ts predicts (the generator warns about each)', () => {
  const all = KEY_ALGORITHMS.flatMap(cellsOf);
  assert.equal(all.length, KEY_ALGORITHMS.length * TLS_VERSIONS.length * AUTHS.length * PEERS.length * CLIENTS.length);
  const measured = all.filter(c => refusalFor(cellName(c))).map(cellName);
  const predicted = all.filter(predictedRefusal).map(cellName);
  assert.deepEqual(predicted, measured);
  assert.equal(measured.length, 12);
});
