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
