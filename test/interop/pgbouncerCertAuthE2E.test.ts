/**
 * Certificate authentication end to end through PgBouncer (issue 9, "Proof"): a set made by pgtls's generator
 * (`generateSet`, server/src/certs/generate.ts: CA, server certificate for localhost / 127.0.0.1, client certificate
 * CN=postgres), then
 *   psql --(TLS, verify-full, client cert)--> PgBouncer 1.18 (auth_type = cert, client_tls_sslmode = verify-full)
 *        --(TLS, verify-full, PgBouncer presents the client certificate)--> PostgreSQL 15 (hostssl ... cert).
 * Checked: psql as postgres with its certificate gets in, and both legs are TLS (psql's own connection, and the
 * backend's pg_stat_ssl row shows the DN PgBouncer presented); the same certificate as `newuser` (a role that exists)
 * is refused by PgBouncer; pgtls reports no error on the pgbouncer.ini and pg_hba.conf used (and on postgresql.conf
 * when pgtls has that language); and one broken variant (client_tls_sslmode = verify-ca with auth_type = cert) is an
 * error for pgtls and a refusal to start for PgBouncer.
 *
 *   node --import tsx --test test/interop/pgbouncerCertAuthE2E.test.ts
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateSet } from '../../server/src/certs/generate';
import { check, testService } from '../helpers';
import { assertTools, missing } from '../requires';
import { freePorts } from '../ports';
import type { Problem } from '../../server/src/core/types';
import { PgCluster, Sandbox, ServerProcess, describeRun, psql, requiredTools } from './pgCluster';
import { PGBOUNCER } from './pgbouncerCorpus';

const crypto = webcrypto as unknown as Crypto;
const TOOLS = [...requiredTools().filter(t => !/pgpool|ipc/.test(t)), PGBOUNCER];
const HBA = 'local all all trust\nhostssl all all 127.0.0.1/32 cert\n';

function bouncerIni(dir: string, port: number, pgPort: number, certs: Record<string, string>, clientMode = 'verify-full'): string {
  return [
    '[databases]',
    `postgres = host=127.0.0.1 port=${pgPort} dbname=postgres`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    'auth_type = cert',
    `auth_file = ${path.join(dir, 'userlist.txt')}`,
    `client_tls_sslmode = ${clientMode}`,
    `client_tls_cert_file = ${certs.serverCert}`,
    `client_tls_key_file = ${certs.serverKey}`,
    `client_tls_ca_file = ${certs.ca}`,
    'server_tls_sslmode = verify-full',
    `server_tls_ca_file = ${certs.ca}`,
    `server_tls_cert_file = ${certs.clientCert}`,
    `server_tls_key_file = ${certs.clientKey}`,
    '',
  ].join('\n');
}

const errorsOf = (ps: readonly Problem[]) => ps.filter(p => p.severity === 'error' || p.rule === 'pgtls/internal-error');
const show = (ps: readonly Problem[]) => ps.map(p => `  ${p.severity} ${p.rule}: ${p.message}`).join('\n') || '  (none)';

test('certificate authentication through PgBouncer 1.18 to PostgreSQL 15', { skip: missing(...TOOLS), timeout: 5 * 60_000 }, async t => {
  assertTools(...TOOLS);
  const sb = Sandbox.create('pgtls-bouncer-e2e-');
  const service = testService({ roots: () => [sb.root] });
  let cluster: PgCluster | undefined;
  const bouncers: ServerProcess[] = [];
  try {
    const pems = await generateSet({ algorithm: 'ecdsa-p256', serverName: 'localhost', sans: ['127.0.0.1'], clientUser: 'postgres', now: new Date(), crypto });
    sb.dir('tls');
    const certs = {
      ca: sb.file('tls/ca.crt', pems['ca.crt']),
      serverCert: sb.file('tls/server.crt', pems['server.crt']), serverKey: sb.file('tls/server.key', pems['server.key'], 0o600),
      clientCert: sb.file('tls/client.crt', pems['client.crt']), clientKey: sb.file('tls/client.key', pems['client.key'], 0o600),
    };
    cluster = await PgCluster.init(sb);
    await cluster.start({ cert: certs.serverCert, key: certs.serverKey, ca: certs.ca }, HBA);
    await cluster.adminOk('CREATE ROLE newuser LOGIN');

    const dir = sb.dir('bouncer', 0o755);
    sb.file('bouncer/userlist.txt', '"postgres" ""\n"newuser" ""\n', 0o600);
    const start = async (clientMode?: string) => {
      const [port] = await freePorts(1);
      const text = bouncerIni(dir, port!, cluster!.port, certs, clientMode);
      const file = sb.file(`bouncer/pgbouncer${clientMode ? `-${clientMode}` : ''}.ini`, text);
      const srv = ServerProcess.spawn('pgbouncer', PGBOUNCER, [file], { env: sb.env, cwd: dir, account: sb.account });
      bouncers.push(srv);
      const up = await srv.waitFor(/ process up: /, 15_000);
      return { port: port!, text, file, srv, up };
    };
    const conn = (port: number, user: string) => `host=127.0.0.1 port=${port} dbname=postgres user=${user} sslmode=verify-full sslrootcert=${certs.ca} sslcert=${certs.clientCert} sslkey=${certs.clientKey}`;

    const b = await start();
    assert.ok(b.up, `PgBouncer did not start:\n${b.srv.log}`);

    await t.test('psql (verify-full, client certificate CN=postgres) gets in, TLS on both legs', async () => {
      const r = await psql(sb, conn(b.port, 'postgres'), ['SELECT current_user, s.ssl, coalesce(s.client_dn, \'\') FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()']);
      assert.equal(r.code, 0, `psql through PgBouncer failed: ${describeRun(r)}\n--- PgBouncer ---\n${b.srv.log}\n--- PostgreSQL ---\n${cluster!.log.slice(-3000)}`);
      assert.equal(r.stdout.trim(), 'postgres|t|/CN=postgres', 'the backend leg is TLS and PgBouncer presented the client certificate');
    });

    await t.test('the same certificate as another user is refused by PgBouncer', async () => {
      const mark = b.srv.mark();
      const r = await psql(sb, conn(b.port, 'newuser'), ['SELECT 1']);
      assert.notEqual(r.code, 0, `newuser with the postgres certificate got in: ${describeRun(r)}`);
      assert.doesNotMatch(r.stderr, /server login has been failing/, describeRun(r));
      assert.match(b.srv.since(mark) + r.stderr, /newuser/, `PgBouncer's refusal names the user:\n${b.srv.since(mark)}\n${describeRun(r)}`);
      t.diagnostic(`newuser refused: ${r.stderr.trim().split('\n').pop()}`);
    });

    await t.test('pgtls: no error on the files of the working setup', () => {
      const ini = check(service, b.file, b.text, { pgbouncerVersion: '1.18', checkFiles: true }, 'pgbouncer-ini');
      assert.deepEqual(errorsOf(ini), [], `pgbouncer.ini:\n${show(ini)}`);
      const hbaPath = path.join(cluster!.data, 'pg_hba.conf');
      const hba = check(service, hbaPath, fs.readFileSync(hbaPath, 'utf8'), { checkFiles: true });
      assert.deepEqual(errorsOf(hba), [], `pg_hba.conf:\n${show(hba)}`);
      const confPath = path.join(cluster!.data, 'postgresql.conf');
      if (service.languageOf(confPath)) {
        const conf = check(service, confPath, fs.readFileSync(confPath, 'utf8'), { checkFiles: true });
        assert.deepEqual(errorsOf(conf), [], `postgresql.conf:\n${show(conf)}`);
      } else t.diagnostic('postgresql.conf not checked: pgtls has no postgresql-conf language on this branch');
      t.diagnostic(`pgbouncer.ini findings: ${ini.map(p => p.rule).join(', ') || 'none'}; pg_hba.conf: ${hba.map(p => p.rule).join(', ') || 'none'}`);
    });

    await t.test('broken variant: client_tls_sslmode = verify-ca with auth_type = cert: pgtls error, PgBouncer refuses to start', async () => {
      const v = await start('verify-ca');
      assert.ok(!v.up, `PgBouncer started with verify-ca and auth_type = cert:\n${v.srv.log}`);
      assert.match(v.srv.log, /auth_type=cert requires client_tls_sslmode=SSLMODE_VERIFY_FULL/);
      const ps = check(service, v.file, v.text, { pgbouncerVersion: '1.18', checkFiles: true }, 'pgbouncer-ini');
      assert.ok(errorsOf(ps).some(p => p.rule === 'pgbouncer-ini/auth-cert-requirements'), `pgtls:\n${show(ps)}`);
    });
  } finally {
    for (const s of bouncers) await s.stop(3000);
    await cluster?.stop();
    sb.dispose();
  }
});
