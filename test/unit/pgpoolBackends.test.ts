/**
 * pgpool and what sits behind it: the pgpool.conf checks of client authentication and of the TLS leg to the backends
 * (check/auth.ts, check/backends.ts), and the pg_hba.conf lines that pgpool's own connections reach
 * (hba/check/behindPgpool.ts): which pgpool.conf counts as "the same project", where pgpool connects from, and the
 * earlier lines that may take its connections first.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Problem, WorkspaceView } from '../../server/src/core/types';
import { check, testService } from '../helpers';

/** A service over an in-memory tree of files; `roots` are the workspace folders (none: the CLI and the tests). */
function tree(files: Record<string, string>, roots?: string[]) {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) for (let d = p.slice(0, p.lastIndexOf('/')); d.length > 1; d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
  const workspace: WorkspaceView | undefined = roots ? { roots: () => roots, files: () => [] } : undefined;
  return testService({
    readText: p => files[p],
    stat: p => (files[p] !== undefined ? { isFile: true, mode: 0o644, uid: 0 } : dirs.has(p) ? { isFile: false, mode: 0o755, uid: 0 } : undefined),
    listFiles: (dir, o) => Object.keys(files).filter(p => p.startsWith(`${dir}/`) && p.slice(dir.length + 1).split('/').length - 1 <= o.maxDepth && o.extensions.some(e => p.endsWith(e))).sort(),
    ...(workspace ? { workspace } : {}),
  });
}
/** The findings of the two rules about pgpool's connections, by name. */
const ids = (ps: Problem[], prefix: string) => ps.filter(p => p.rule === `${prefix}cert-through-pgpool` || p.rule === `${prefix}pgpool-tls-unverified`).map(p => p.rule.slice(prefix.length));

const PGPOOL_REMOTE = "backend_hostname0 = 'pg-0'\nbackend_port0 = 5432\nssl = on\nssl_cert = 'a.crt'\nssl_key = 'a.key'\n";
const CERT_HBA = 'hostssl all all 0.0.0.0/0 cert\nlocal all all peer\n';

test('cert-through-pgpool: same folder, a child folder, a parent folder within the workspace, never an ambiguous one', () => {
  const hbaIn = (files: Record<string, string>, path: string, roots?: string[]) => ids(check(tree({ ...files, [path]: CERT_HBA }, roots), path, CERT_HBA, { checkFiles: false }), 'pg-hba/');
  assert.deepEqual(hbaIn({ '/w/p/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg_hba.conf'), ['cert-through-pgpool']);
  assert.deepEqual(hbaIn({ '/w/p/pgpool/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg_hba.conf'), ['cert-through-pgpool'], 'a direct subfolder');
  assert.deepEqual(hbaIn({ '/w/p/a/b/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg_hba.conf'), [], 'two levels down is not searched');
  assert.deepEqual(hbaIn({ '/w/p/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg/pg_hba.conf'), [], 'parents only when the workspace folders are known');
  assert.deepEqual(hbaIn({ '/w/p/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg/pg_hba.conf', ['/w']), ['cert-through-pgpool']);
  assert.deepEqual(hbaIn({ '/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg/pg_hba.conf', ['/w']), [], 'never above the workspace folder');
  assert.deepEqual(hbaIn({ '/w/p/x/pgpool.conf': PGPOOL_REMOTE, '/w/p/y/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg_hba.conf'), [], 'two candidates: nothing said');
  assert.deepEqual(hbaIn({ '/w/pgpool.conf': PGPOOL_REMOTE, '/w/p/pg/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg_hba.conf', ['/w']), [], 'a parent and a child: ambiguous');
  assert.deepEqual(hbaIn({ '/w/p/x/pgpool.conf': PGPOOL_REMOTE, '/w/p/pgpool.conf': PGPOOL_REMOTE }, '/w/p/pg_hba.conf'), ['cert-through-pgpool'], 'the same folder wins');
  assert.deepEqual(hbaIn({ '/w/p/other.conf': PGPOOL_REMOTE }, '/w/p/pg_hba.conf'), []);
  // A folder beside this one (`./pgpool` beside `./postgres` in one compose project), inside the workspace folder.
  assert.deepEqual(hbaIn({ '/w/pgpool/pgpool.conf': PGPOOL_REMOTE }, '/w/postgres/pg_hba.conf', ['/w']), ['cert-through-pgpool'], 'a sibling folder');
  assert.deepEqual(hbaIn({ '/w/pgpool/pgpool.conf': PGPOOL_REMOTE }, '/w/postgres/pg_hba.conf'), [], 'siblings only when the workspace folders are known');
  assert.deepEqual(hbaIn({ '/w/a/pgpool.conf': PGPOOL_REMOTE, '/w/b/pgpool.conf': PGPOOL_REMOTE }, '/w/postgres/pg_hba.conf', ['/w']), [], 'two siblings: ambiguous');
  assert.deepEqual(hbaIn({ '/pgpool/pgpool.conf': PGPOOL_REMOTE }, '/w/pg_hba.conf', ['/w']), [], 'never beside the workspace folder');
});

test('cert-through-pgpool: only when pgpool uses TLS over TCP, and only lines its connections reach', () => {
  const run = (conf: string, hba: string) => ids(check(tree({ '/p/pgpool.conf': conf, '/p/pg_hba.conf': hba }), '/p/pg_hba.conf', hba, { checkFiles: false }), 'pg-hba/');
  assert.deepEqual(run(PGPOOL_REMOTE.replace('ssl = on', 'ssl = off'), CERT_HBA), [], 'without ssl pgpool never matches hostssl');
  assert.deepEqual(run(PGPOOL_REMOTE.replace("'pg-0'", "'/var/run/postgresql'"), CERT_HBA), [], 'a socket backend');
  assert.deepEqual(run("ssl = on\nssl_cert = 'a'\nssl_key = 'b'\n", CERT_HBA), [], 'no backend named');
  assert.deepEqual(run(PGPOOL_REMOTE, 'hostssl replication all 0.0.0.0/0 cert\n'), [], 'physical replication never goes through pgpool');
  assert.deepEqual(run(PGPOOL_REMOTE, 'hostssl all all 10.0.0.9/32 scram-sha-256\nhostssl all all 0.0.0.0/0 cert\n'), [],
    'an earlier line may be pgpool\'s own');
  assert.deepEqual(run(PGPOOL_REMOTE, 'hostssl all bob 10.0.0.9/32 scram-sha-256\nhostssl all alice 0.0.0.0/0 cert\n'), ['cert-through-pgpool'],
    'an earlier line for other users does not take these connections');
  assert.deepEqual(run(PGPOOL_REMOTE, 'host all all 127.0.0.1/32 trust\nhostssl all all 0.0.0.0/0 cert\n'), ['cert-through-pgpool'],
    'a loopback line cannot be a remote pgpool\'s');
  assert.deepEqual(run(PGPOOL_REMOTE, 'hostssl all all 10.0.0.0/24 cert\n'), [], 'a narrow range with named backends: not claimed');
  assert.deepEqual(run(PGPOOL_REMOTE, 'hostssl all all 0.0.0.0/0 scram-sha-256 clientcert=verify-full\n').sort(), ['cert-through-pgpool'], 'clientcert too');
  assert.deepEqual(run(PGPOOL_REMOTE, 'hostssl all all 0.0.0.0/0 cert\nhostssl all all ::/0 cert\n'), ['cert-through-pgpool'],
    'with host names pgpool may use either family: only the first line is claimed');
  const numeric = PGPOOL_REMOTE.replace("'pg-0'", "'10.0.0.5'");
  assert.deepEqual(run(numeric, 'hostssl all all 10.0.0.0/24 cert\n'), ['cert-through-pgpool'], 'the backend\'s own network');
  assert.deepEqual(run(numeric, 'hostssl all all 10.0.0.0/25 cert\n'), [], 'narrower than /24: not claimed');
  assert.deepEqual(run(numeric, 'hostssl all all 192.168.0.0/16 cert\n'), [], 'another network');
  assert.deepEqual(run(numeric, 'hostssl all all samenet cert\n'), ['cert-through-pgpool']);
  assert.deepEqual(run(numeric, 'hostssl all all samehost cert\n'), [], 'a remote pgpool is not this host');
  assert.deepEqual(run(numeric, 'hostssl all all ::/0 cert\n'), [], 'pgpool connects over IPv4 to a numeric IPv4 backend');
});

test('cert-through-pgpool: pgpool on the same machine connects from the loopback addresses', () => {
  const run = (host: string, hba: string) => ids(check(tree({ '/p/pgpool.conf': PGPOOL_REMOTE.replace("'pg-0'", `'${host}'`), '/p/pg_hba.conf': hba }), '/p/pg_hba.conf', hba, { checkFiles: false }), 'pg-hba/');
  assert.deepEqual(run('127.0.0.1', 'hostssl all all 127.0.0.1/32 cert\n'), ['cert-through-pgpool']);
  assert.deepEqual(run('localhost', 'hostssl all all 127.0.0.1/32 cert\n'), [], 'localhost may be ::1');
  assert.deepEqual(run('localhost', 'hostssl all all samehost cert\n'), ['cert-through-pgpool']);
  assert.deepEqual(run('localhost', 'hostssl all all 10.0.0.0/8 cert\n'), [], 'the line cannot include pgpool');
  assert.deepEqual(run('127.0.0.1', 'hostssl all all 0.0.0.0/0 cert\n'), ['cert-through-pgpool']);
  const p = check(tree({ '/p/pgpool.conf': PGPOOL_REMOTE.replace("'pg-0'", "'127.0.0.1'") }), '/p/pg_hba.conf', 'hostssl all all 127.0.0.1/32 cert\n', { checkFiles: false })[0]!;
  assert.match(p.message, /from this machine/);
  assert.equal(p.related?.[0]?.file, '/p/pgpool.conf');
  assert.doesNotMatch(p.message, /-----BEGIN|PRIVATE/);
});

test('pgpool-tls-unverified: once, on the first hostssl line pgpool reaches, only without a CA', () => {
  const conf = "backend_hostname0 = '10.0.0.5'\nssl = on\nssl_cert = 'a'\nssl_key = 'b'\n";
  const hba = 'local all all peer\nhostssl all all 10.0.0.0/24 scram-sha-256\nhostssl all all 10.0.0.0/16 scram-sha-256\n';
  const run = (c: string) => check(tree({ '/p/pgpool.conf': c }), '/p/pg_hba.conf', hba, { checkFiles: false }).filter(p => p.rule.startsWith('pg-hba/'));
  const got = run(conf);
  assert.deepEqual(got.map(p => p.rule), ['pg-hba/pgpool-tls-unverified']);
  assert.equal(got[0]!.severity, 'info');
  assert.deepEqual(got[0]!.span, [19, 26]);
  assert.deepEqual(run(`${conf}ssl_ca_cert = 'ca.crt'\n`), []);
  assert.deepEqual(run(`${conf}ssl_ca_cert_dir = '/etc/ssl/certs'\n`), []);
});

// ---- pgpool.conf ----

const conf = (text: string) => check(testService(), '/p/pgpool.conf', text, { checkFiles: false });
const only = (ps: Problem[], names: string[]) => ps.filter(p => names.some(n => p.rule === `pgpool-conf/${n}`));
const AUTH = ['clear-text-frontend-auth', 'clear-text-frontend-auth-ignored', 'ssl-not-required', 'ssl-backend-unverified'];

test('allow_clear_text_frontend_auth: warning without pool_hba, info when pgpool only listens locally, hint with pool_hba', () => {
  const net = "listen_addresses = '*'\n";
  const w = only(conf(`${net}allow_clear_text_frontend_auth = on\n`), AUTH);
  assert.deepEqual(w.map(p => [p.rule, p.severity]), [['pgpool-conf/clear-text-frontend-auth', 'warning']]);
  assert.match(w[0]!.message, /"ssl" is off/);
  assert.match(only(conf(`${net}ssl = on\nssl_cert = 'a'\nssl_key = 'b'\nallow_clear_text_frontend_auth = on\n`), ['clear-text-frontend-auth'])[0]!.message, /nothing can require it/);
  assert.match(only(conf(`${net}pool_passwd = ''\nallow_clear_text_frontend_auth = on\n`), ['clear-text-frontend-auth'])[0]!.message, /every user \("pool_passwd = ''"/);
  for (const listen of ['', "listen_addresses = 'localhost'\n", "listen_addresses = ''\n", "listen_addresses = '127.0.0.1, ::1'\n"]) {
    const l = only(conf(`${listen}allow_clear_text_frontend_auth = on\n`), AUTH);
    assert.deepEqual(l.map(p => [p.rule, p.severity]), [['pgpool-conf/clear-text-frontend-auth', 'info']], listen || 'default localhost');
  }
  const h = only(conf(`${net}enable_pool_hba = on\nallow_clear_text_frontend_auth = on\n`), AUTH);
  assert.deepEqual(h.map(p => [p.rule, p.severity, p.tags]), [['pgpool-conf/clear-text-frontend-auth-ignored', 'hint', ['unnecessary']]]);
  assert.deepEqual(only(conf(`${net}allow_clear_text_frontend_auth = off\n`), AUTH), []);
  assert.deepEqual(only(conf(net), AUTH), [], 'default off');
  assert.deepEqual(only(conf(`${net}allow_clear_text_frontend_auth = yes-please\n`), ['clear-text-frontend-auth']).length, 1, 'an invalid boolean is on, as in pgpool');
});

test('ssl-not-required: only with TCP clients from other machines and no pool_hba.conf in force', () => {
  const tls = "ssl = on\nssl_cert = 'a'\nssl_key = 'b'\n";
  assert.deepEqual(only(conf(`listen_addresses = '*'\n${tls}`), AUTH).map(p => p.rule), ['pgpool-conf/ssl-not-required']);
  assert.deepEqual(only(conf(`listen_addresses = '*'\nenable_pool_hba = on\n${tls}`), AUTH), []);
  assert.deepEqual(only(conf(tls), AUTH), [], 'default listen_addresses = localhost');
  assert.deepEqual(only(conf(`listen_addresses = '*'\n`), AUTH), [], 'no TLS offered');
});

test('ssl-backend-unverified: info on ssl without a CA, hint on the CA (chain only, never host names), nothing for sockets', () => {
  const base = "backend_hostname0 = 'db1'\nbackend_hostname1 = 'db2'\nssl = on\nssl_cert = 'a'\nssl_key = 'b'\n";
  const noCa = only(conf(base), AUTH);
  assert.deepEqual(noCa.map(p => [p.rule, p.severity]), [['pgpool-conf/ssl-backend-unverified', 'info']]);
  assert.deepEqual(noCa[0]!.span, [52, 60]);
  assert.match(noCa[0]!.message, /"db1", "db2"/);
  const ca = only(conf(`${base}ssl_ca_cert = 'ca.crt'\n`), AUTH);
  assert.deepEqual(ca.map(p => [p.rule, p.severity]), [['pgpool-conf/ssl-backend-unverified', 'hint']]);
  assert.match(ca[0]!.message, /never their host names/);
  assert.deepEqual(only(conf(`${base}ssl_ca_cert = ''\n`), AUTH).map(p => p.severity), ['info'], 'an empty CA is no CA');
  assert.deepEqual(only(conf(base.replace(/'db\d'/g, "'/tmp'")), AUTH), []);
  assert.deepEqual(only(conf(base.replace('ssl = on', 'ssl = off')), AUTH), []);
});

test('settings from an included file count, and the finding points at the include', () => {
  const service = testService({ readText: p => (p === '/p/auth.conf' ? "allow_clear_text_frontend_auth = on\nlisten_addresses = '*'\n" : undefined) });
  const text = "include = 'auth.conf'\n";
  const got = check(service, '/p/pgpool.conf', text, { checkFiles: false }).filter(p => p.rule === 'pgpool-conf/clear-text-frontend-auth');
  assert.equal(got.length, 1);
  assert.deepEqual(got[0]!.span, [10, 21]);
});
