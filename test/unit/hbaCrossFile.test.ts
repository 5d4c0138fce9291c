/** pool_hba.conf read together with the pgpool.conf in the same folder (enable_pool_hba, ssl, ssl_ca_cert). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const DIR = '/virtual/pgpool';

/** A service whose file system holds only `pgpool.conf` (when given) in DIR. */
function run(pgpoolConf: string | undefined, hba: string, settings = {}): Problem[] {
  const service = testService({
    readText: p => (p === `${DIR}/pgpool.conf` ? pgpoolConf : undefined),
    stat: p => (p === `${DIR}/pgpool.conf` && pgpoolConf !== undefined ? { isFile: true, mode: 0o644, uid: 0 } : undefined),
  });
  return check(service, `${DIR}/pool_hba.conf`, hba, { checkFiles: false, ...settings }).filter(p => p.rule.startsWith('pool-hba/'));
}
const rules = (ps: Problem[]) => ps.map(p => p.rule.replace('pool-hba/', ''));

const SSL = "enable_pool_hba = on\nssl = on\nssl_cert = 'server.crt'\nssl_key = 'server.key'\n";

test('no pgpool.conf beside the file: no cross-file findings', () => {
  assert.deepEqual(rules(run(undefined, 'hostssl all all 10.0.0.0/8 cert\n')), []);
});

test('enable_pool_hba off or unset: one warning at the first record, with the setting as related information', () => {
  const hba = '# comment\nhostssl all all 10.0.0.0/8 scram-sha-256\nlocal all all scram-sha-256\n';
  const off = run('enable_pool_hba = off\nssl = on\n', hba, {});
  assert.deepEqual(rules(off), ['hba-disabled']);
  assert.deepEqual(off[0]!.span, [10, 17]);
  assert.equal(off[0]!.related?.[0]?.file, `${DIR}/pgpool.conf`);
  assert.deepEqual(off[0]!.related?.[0]?.span, [0, 21]);
  assert.deepEqual(rules(run('ssl = on\n', hba)), ['hba-disabled'], 'unset means off');
  assert.deepEqual(rules(run('enable_pool_hba = on\nssl = on\n', hba)), []);
  assert.deepEqual(rules(run('enable_pool_hba = maybe\nssl = on\n', hba)), [], 'an invalid boolean counts as on, as in pgpool');
  assert.deepEqual(rules(run('enable_pool_hba = off\nenable_pool_hba = on\nssl = on\n', hba)), [], 'the last assignment wins');
});

test('hostssl with ssl off never matches', () => {
  const ps = run('enable_pool_hba = on\n', 'hostssl all all 10.0.0.0/8 scram-sha-256\nhost all all 10.0.0.0/8 scram-sha-256\n');
  assert.deepEqual(rules(ps), ['hostssl-without-ssl']);
  assert.equal(ps[0]!.severity, 'warning');
  assert.deepEqual(rules(run('enable_pool_hba = on\nssl = off\n', 'hostssl all all 10.0.0.0/8 scram-sha-256\n')), ['hostssl-without-ssl']);
  assert.deepEqual(rules(run(SSL, 'hostssl all all 10.0.0.0/8 scram-sha-256\n')), []);
});

test('cert needs ssl = on and ssl_ca_cert', () => {
  assert.deepEqual(rules(run('enable_pool_hba = on\n', 'host all all 10.0.0.0/8 cert\n')), ['cert-without-ssl']);
  assert.deepEqual(rules(run('enable_pool_hba = on\n', 'hostssl all all 10.0.0.0/8 cert\n')), ['hostssl-without-ssl'], 'one finding is enough');
  const noCa = run(SSL, 'hostssl all all 10.0.0.0/8 cert\n');
  assert.deepEqual(rules(noCa), ['cert-without-ca-cert']);
  assert.match(noCa[0]!.message, /ssl_ca_cert/);
  assert.deepEqual(rules(run(SSL + "ssl_ca_cert = ''\n", 'hostssl all all 10.0.0.0/8 cert\n')), ['cert-without-ca-cert']);
  assert.deepEqual(rules(run(SSL + "ssl_ca_cert_dir = '/etc/ssl/certs'\n", 'hostssl all all 10.0.0.0/8 cert\n')), ['cert-without-ca-cert'], 'a CA folder alone does not make pgpool ask');
  assert.deepEqual(rules(run(SSL + "ssl_ca_cert = 'ca.crt'\n", 'hostssl all all 10.0.0.0/8 cert\n')), []);
  assert.deepEqual(rules(run(SSL + "ssl_ca_cert = 'ca.crt'\n", 'host all all 10.0.0.0/8 cert\n')), ['cert-on-non-ssl-line']);
  assert.deepEqual(rules(run(SSL + "ssl_ca_cert = 'ca.crt'\n", 'local all all cert\n')), ['cert-on-non-ssl-line']);
});

test('ssl off silences the host → hostssl advice (the fix would make the line dead)', () => {
  assert.deepEqual(rules(run('enable_pool_hba = on\n', 'host all all 10.0.0.0/8 scram-sha-256\n')), []);
  assert.deepEqual(rules(run(SSL, 'host all all 10.0.0.0/8 scram-sha-256\n')), ['prefer-hostssl']);
});

/** Like `run`, with more files in DIR (name → text), e.g. files that pgpool.conf includes. */
function runFiles(files: Record<string, string>, hba: string): Problem[] {
  const at = (p: string): string | undefined => (p.startsWith(`${DIR}/`) ? files[p.slice(DIR.length + 1)] : undefined);
  const service = testService({
    readText: at,
    stat: p => (at(p) !== undefined ? { isFile: true, mode: 0o644, uid: 0 } : undefined),
  });
  return check(service, `${DIR}/pool_hba.conf`, hba, { checkFiles: false }).filter(p => p.rule.startsWith('pool-hba/'));
}

test('settings in a file that pgpool.conf includes count (no false hba-disabled / hostssl-without-ssl / cert-without-ca-cert)', () => {
  const hba = 'hostssl all all 10.0.0.0/8 cert\nhostssl all all 192.168.0.0/16 scram-sha-256\n';
  const split = {
    'pgpool.conf': "include = 'conf.d/auth.conf'\nport = 9999\n",
    'conf.d/auth.conf': "enable_pool_hba = on\ninclude = 'tls.conf'\n",
    'conf.d/tls.conf': "ssl = on\nssl_cert = 'server.crt'\nssl_key = 'server.key'\nssl_ca_cert = 'root.crt'\n",
  };
  assert.deepEqual(rules(runFiles(split, hba)), []);
  // A later statement in pgpool.conf still wins over the included one, as in pgpool.
  const off = runFiles({ ...split, 'pgpool.conf': `${split['pgpool.conf']}ssl = off\n` }, hba);
  assert.deepEqual(rules(off), ['hostssl-without-ssl', 'hostssl-without-ssl']);
  // The related information points into the file that holds the setting.
  const disabled = runFiles({ ...split, 'conf.d/auth.conf': "enable_pool_hba = off\ninclude = 'tls.conf'\n" }, hba);
  assert.deepEqual(rules(disabled), ['hba-disabled']);
  assert.equal(disabled[0]!.related?.[0]?.file, `${DIR}/conf.d/auth.conf`);
  assert.deepEqual(disabled[0]!.related?.[0]?.span, [0, 21]);
});

test('an earlier `hostnossl all all … reject` keeps clients without TLS away from later host lines', () => {
  const reject = 'hostnossl all all 0.0.0.0/0 reject\n';
  // Without the reject line: host + ldap/password gets the unencrypted-network warnings.
  assert.deepEqual(rules(run(SSL, 'host all all 10.0.0.0/8 ldap ldapbasedn="dc=x"\n')), ['prefer-hostssl']);
  assert.deepEqual(rules(run(SSL, reject + 'host all all 10.0.0.0/8 ldap ldapbasedn="dc=x"\n')), []);
  const pw = run(SSL, reject + 'host all all 10.0.0.0/8 password\n');
  assert.deepEqual(rules(pw), ['clear-text-password']);
  assert.equal(pw[0]!.severity, 'info', 'only TLS sessions reach the line');
  assert.deepEqual(rules(run(SSL + "ssl_ca_cert = 'ca.crt'\n", reject + 'host all all 10.0.0.0/8 cert\n')), []);
  // Not covered: another address family, a wider range, a reject for some users only, or a reject that comes later.
  assert.deepEqual(rules(run(SSL, reject + 'host all all ::/0 ldap ldapbasedn="dc=x"\n')), ['prefer-hostssl']);
  assert.deepEqual(rules(run(SSL, 'hostnossl all all 10.1.0.0/16 reject\nhost all all 10.0.0.0/8 ldap ldapbasedn="dc=x"\n')), ['prefer-hostssl']);
  assert.deepEqual(rules(run(SSL, 'hostnossl all bob 0.0.0.0/0 reject\nhost all all 10.0.0.0/8 ldap ldapbasedn="dc=x"\n')), ['prefer-hostssl']);
  assert.deepEqual(rules(run(SSL, 'host all all 10.0.0.0/8 ldap ldapbasedn="dc=x"\n' + reject)), ['prefer-hostssl']);
  // `all` covers every address; a narrower reject covers the ranges inside it.
  assert.deepEqual(rules(run(SSL, 'hostnossl all all all reject\nhost all all samenet scram-sha-256\n')), []);
  assert.deepEqual(rules(run(SSL, 'hostnossl all all 10.0.0.0/8 reject\nhost all all 10.2.0.0 255.255.0.0 scram-sha-256\n')), []);
});

test('password over a connection that stays on this machine is only a note', () => {
  const ps = run(SSL, 'host all all samehost password\nhost all all 127.0.0.1/32 password\n');
  assert.deepEqual(ps.map(p => `${p.rule}:${p.severity}`), ['pool-hba/clear-text-password:info', 'pool-hba/clear-text-password:info']);
  assert.match(ps[0]!.message, /stays on this machine/);
});

/** pg_hba.conf in DIR with the other files given (name → text; absolute names for files elsewhere). */
function runPg(files: Record<string, string>, hba: string, settings = {}): Problem[] {
  const at = (p: string): string | undefined => files[p] ?? (p.startsWith(`${DIR}/`) ? files[p.slice(DIR.length + 1)] : undefined);
  const service = testService({
    readText: at,
    stat: p => (at(p) !== undefined ? { isFile: true, mode: 0o644, uid: 0 } : undefined),
  });
  return check(service, `${DIR}/pg_hba.conf`, hba, { checkFiles: true, ...settings }).filter(p => p.rule.startsWith('pg-hba/'));
}
const pgRules = (ps: Problem[]) => ps.map(p => p.rule.replace('pg-hba/', '')).sort();

test('pg_hba.conf: ssl off in the postgresql.conf beside it silences the host → hostssl advice, as for pool_hba.conf', () => {
  const line = 'host all all 10.0.0.0/8 scram-sha-256\n';
  assert.deepEqual(pgRules(runPg({ 'postgresql.conf': 'ssl = off\n' }, line)), []);
  assert.deepEqual(pgRules(runPg({ 'postgresql.conf': "ssl = on\nssl_cert_file = 's.crt'\nssl_key_file = 's.key'\n" }, line)), ['prefer-hostssl']);
  // No postgresql.conf here: pgtls does not know, and advises.
  assert.deepEqual(pgRules(runPg({}, line)), ['prefer-hostssl']);
});

test('pg_hba.conf map= looks in the ident file postgresql.conf names (ident_file), not only beside it', () => {
  const hba = 'local all all peer map=staff\n';
  const ident = 'staff  alice  alice\n';
  // The default: pg_ident.conf beside pg_hba.conf.
  assert.deepEqual(pgRules(runPg({ 'pg_ident.conf': ident }, hba)), []);
  assert.deepEqual(pgRules(runPg({ 'pg_ident.conf': 'other alice alice\n' }, hba)), ['ident-map-undefined']);
  // ident_file elsewhere: that file's maps count, not the one beside.
  const conf = "ident_file = '/srv/conf/users.ident'\n";
  assert.deepEqual(pgRules(runPg({ 'postgresql.conf': conf, '/srv/conf/users.ident': ident, 'pg_ident.conf': 'other alice alice\n' }, hba)), []);
  const missing = runPg({ 'postgresql.conf': conf, '/srv/conf/users.ident': 'other alice alice\n', 'pg_ident.conf': ident }, hba);
  assert.deepEqual(pgRules(missing), ['ident-map-undefined']);
  assert.match(missing[0]!.message, /the ident file postgresql\.conf names \("users\.ident"\) defines no map "staff"/i);
  // An ident_file pgtls cannot see: no verdict on the maps.
  assert.deepEqual(pgRules(runPg({ 'postgresql.conf': "ident_file = '/elsewhere/pg_ident.conf'\n", 'pg_ident.conf': 'other alice alice\n' }, hba)), []);
});
