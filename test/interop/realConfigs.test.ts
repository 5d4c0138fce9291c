/**
 * No false errors on real configurations: the sample files Debian's pgpool2 and postgresql packages install, and a
 * TLS setup whose certificate, key and CA files are made by the real `openssl`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check, testService } from '../helpers';
import { assertTools, missing } from '../requires';

const service = testService();

function firstExisting(...paths: string[]): string | undefined {
  return paths.find(p => fs.existsSync(p));
}

const PGPOOL_SAMPLE = firstExisting('/usr/share/pgpool2/pgpool.conf', '/usr/share/doc/pgpool2/examples/pgpool.conf.sample', '/etc/pgpool2/pgpool.conf');
const POOL_HBA_SAMPLE = firstExisting('/usr/share/doc/pgpool2/examples/pool_hba.conf.sample', '/etc/pgpool2/pool_hba.conf');
const PG_HBA = firstExisting('/etc/postgresql/15/main/pg_hba.conf');

function errorsOf(file: string, text: string, settings: Record<string, unknown>) {
  return check(service, file, text, settings, service.languageOf(file.replace(/\.sample$/, '')) ?? undefined)
    .filter(p => p.severity === 'error');
}

test("Debian's pgpool.conf sample has no errors (Pgpool-II 4.3)", { skip: missing('pgpool') }, () => {
  assertTools('pgpool');
  assert.ok(PGPOOL_SAMPLE, 'pgpool2 sample pgpool.conf not found');
  const text = fs.readFileSync(PGPOOL_SAMPLE, 'utf8');
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-real-')), 'pgpool.conf');
  assert.deepEqual(errorsOf(tmp, text, { pgpoolVersion: '4.3' }).map(p => `${p.rule}: ${p.message}`), []);
});

test("Debian's pool_hba.conf has no errors", { skip: missing('pgpool') }, () => {
  assertTools('pgpool');
  assert.ok(POOL_HBA_SAMPLE, 'pgpool2 sample pool_hba.conf not found');
  const text = fs.readFileSync(POOL_HBA_SAMPLE, 'utf8');
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-real-')), 'pool_hba.conf');
  assert.deepEqual(errorsOf(tmp, text, {}).map(p => `${p.rule}: ${p.message}`), []);
});

test("the pg_hba.conf of Debian's PostgreSQL 15 cluster has no errors", { skip: missing('/usr/lib/postgresql/15/bin/postgres') }, () => {
  assertTools('/usr/lib/postgresql/15/bin/postgres');
  assert.ok(PG_HBA, 'the Debian cluster pg_hba.conf is missing');
  const text = fs.readFileSync(PG_HBA, 'utf8');
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-real-')), 'pg_hba.conf');
  for (const v of [15, 16, 17]) assert.deepEqual(errorsOf(tmp, text, { postgresVersion: v }).map(p => `${p.rule}: ${p.message}`), []);
});

test('a TLS setup made by openssl validates clean (ECDSA and RSA)', { skip: missing('openssl') }, () => {
  assertTools('openssl');
  for (const alg of ['ec', 'rsa']) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-tls-'));
    const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const keyArgs = alg === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
    // A year: a certificate within pgtls.expiryWarningDays (30) of its end is rightly a cert/expiring warning.
    ossl('req', '-x509', ...keyArgs, '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-subj', '/CN=pgtls test CA', '-days', '365',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    ossl('req', ...keyArgs, '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    ossl('x509', '-req', '-in', 'server.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'server.crt', '-days', '365', '-extfile', 'ext.cnf');
    fs.chmodSync(path.join(dir, 'server.key'), 0o600);
    const conf = [
      "listen_addresses = '127.0.0.1'", 'port = 9999', 'enable_pool_hba = on',
      'ssl = on', "ssl_cert = 'server.crt'", "ssl_key = 'server.key'", "ssl_ca_cert = 'root.crt'",
      "ssl_ciphers = 'HIGH:!aNULL'", "ssl_ecdh_curve = 'prime256v1'", '',
    ].join('\n');
    const hba = 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 cert\nhostssl all all ::1/128 cert\n';
    fs.writeFileSync(path.join(dir, 'pgpool.conf'), conf);
    fs.writeFileSync(path.join(dir, 'pool_hba.conf'), hba);
    const problems = [
      ...check(service, path.join(dir, 'pgpool.conf'), conf, { pgpoolVersion: '4.3' }),
      ...check(service, path.join(dir, 'pool_hba.conf'), hba),
    ].filter(p => p.severity === 'error' || p.severity === 'warning');
    assert.deepEqual(problems.map(p => `${p.rule}: ${p.message}`), [], alg);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
