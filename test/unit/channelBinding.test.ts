/**
 * postgresql-conf/ssl-cert-channel-binding on what pgtls's own generator writes: `pgtls cert set --algorithm ed25519`
 * (an Ed25519 CA signs the server certificate: libpq's SCRAM logins fail on channel binding, measured in
 * test/interop/certMatrix.test.ts) is a warning; the fix the message proposes (an ECDSA CA, the server key still
 * Ed25519) is silent; a visible pg_hba.conf without SCRAM-capable TCP lines silences it; a file pgtls cannot see never
 * gives a finding. And certs/compat.ts's EdDSA test on signature names and OIDs.
 */
import 'reflect-metadata';
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { channelBindingProblem, isEddsaSignature } from '../../server/src/certs/compat';
import { runCertCli } from '../../server/src/cli/cert';
import { check, testService } from '../helpers';

const RULE = 'postgresql-conf/ssl-cert-channel-binding';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-cb-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const service = testService();
const io = { out: () => undefined, err: () => undefined };

/** A data directory (PG_VERSION beside postgresql.conf) holding a set made by the generator. */
async function dataDir(name: string, make: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(root, name);
  await make(dir);
  fs.writeFileSync(path.join(dir, 'PG_VERSION'), '15\n');
  return dir;
}

function findings(dir: string, conf = "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n") {
  const p = check(service, path.join(dir, 'postgresql.conf'), conf);
  return { all: p, own: p.filter(x => x.rule === RULE) };
}

describe('postgresql-conf/ssl-cert-channel-binding', () => {
  let ed: string, fixed: string;
  test('generator sets', async () => {
    ed = await dataDir('ed', async d => {
      assert.equal(await runCertCli(['cert', 'set', '--out', d, '--algorithm', 'ed25519', '--server-name', 'localhost', '--client-user', 'app', '--no-gitignore'], io), 0);
    });
    fixed = await dataDir('fixed', async d => {
      assert.equal(await runCertCli(['cert', 'ca', '--out', d, '--algorithm', 'ecdsa-p256', '--no-gitignore'], io), 0);
      assert.equal(await runCertCli(['cert', 'server', '--out', d, '--algorithm', 'ed25519', '--server-name', 'localhost', '--no-gitignore'], io), 0);
    });
  });

  test('cert set --algorithm ed25519: one warning on ssl_cert_file saying what fails, for whom, and the fixes', () => {
    const { all, own } = findings(ed);
    assert.equal(own.length, 1, JSON.stringify(all));
    assert.equal(own[0]!.severity, 'warning');
    const m = own[0]!.message;
    assert.match(m, /signed with ED25519/);
    assert.match(m, /SCRAM password logins .* libpq clients \(psql, psycopg2/);
    assert.match(m, /could not find digest for NID UNDEF/);
    assert.match(m, /Pgpool-II and PgBouncer are not affected/);
    assert.match(m, /CA of another algorithm.*channel_binding=disable.*certificate authentication/);
    assert.doesNotMatch(m, /PRIVATE KEY|BEGIN/);
    assert.deepEqual(all.filter(x => x.severity === 'error'), [], 'the set itself is fine for PostgreSQL');
  });

  test('the default ssl_cert_file (server.crt) is read too', () => {
    assert.equal(findings(ed, 'ssl = on\n').own.length, 1);
  });

  test('an ECDSA CA signing an Ed25519 server key: silent', () => {
    assert.deepEqual(findings(fixed).own, []);
  });

  test('ssl = off: silent', () => {
    assert.deepEqual(findings(ed, "ssl = off\nssl_cert_file = 'server.crt'\n").own, []);
  });

  test('pg_hba.conf beside it: silent without scram-sha-256/md5 on host/hostssl lines, said when it has them', () => {
    const hba = path.join(ed, 'pg_hba.conf');
    try {
      fs.writeFileSync(hba, 'local all all peer\nhostssl all all 0.0.0.0/0 cert\nhostnossl all all 0.0.0.0/0 scram-sha-256\n');
      assert.deepEqual(findings(ed).own, [], 'cert over TLS only');
      fs.writeFileSync(hba, 'local all all peer\nhostssl all all 0.0.0.0/0 scram-sha-256\n');
      assert.match(findings(ed).own[0]?.message ?? '', /pg_hba\.conf has scram-sha-256 or md5 lines/);
      fs.writeFileSync(hba, 'host all all 127.0.0.1/32 md5\n');
      assert.equal(findings(ed).own.length, 1, 'md5 runs SCRAM for SCRAM-stored passwords');
      fs.writeFileSync(hba, 'include other.conf\nhostssl all all 0.0.0.0/0 cert\n');
      assert.equal(findings(ed).own.length, 1, 'includes not followed: pgtls cannot tell, so it warns');
    } finally {
      fs.rmSync(hba, { force: true });
    }
  });

  test('hba_file elsewhere: that file is the one read', () => {
    const other = path.join(root, 'hba-cert-only.conf');
    fs.writeFileSync(other, 'hostssl all all 0.0.0.0/0 cert\n');
    assert.deepEqual(findings(ed, `ssl = on\nhba_file = '${other}'\n`).own, []);
    assert.equal(findings(ed, `ssl = on\nhba_file = '${path.join(root, 'missing.conf')}'\n`).own.length, 1);
  });

  test('Debian layout: data_directory elsewhere, pg_hba.conf beside postgresql.conf (not in the data directory) is read', () => {
    const etc = path.join(root, 'etc');
    fs.mkdirSync(etc, { recursive: true });
    const conf = `ssl = on\ndata_directory = '${ed}'\nssl_cert_file = 'server.crt'\n`;
    const at = path.join(etc, 'postgresql.conf');
    assert.equal(check(service, at, conf).filter(x => x.rule === RULE).length, 1, 'no pg_hba.conf beside it: warns');
    fs.writeFileSync(path.join(etc, 'pg_hba.conf'), 'hostssl all all 0.0.0.0/0 cert\n');
    assert.deepEqual(check(service, at, conf).filter(x => x.rule === RULE), []);
  });

  test('a certificate pgtls cannot see gives nothing: missing file, no data directory, file checks off', () => {
    assert.deepEqual(findings(ed, "ssl = on\nssl_cert_file = 'nope.crt'\n").own, []);
    const noPg = path.join(root, 'nopg');
    fs.cpSync(ed, noPg, { recursive: true });
    fs.rmSync(path.join(noPg, 'PG_VERSION'));
    assert.deepEqual(findings(noPg).own, [], 'relative path without a known data directory');
    assert.deepEqual(check(service, path.join(ed, 'postgresql.conf'), 'ssl = on\n', { checkFiles: false }).filter(x => x.rule === RULE), []);
  });
});

describe('certs/compat.ts: EdDSA signatures', () => {
  test('OIDs and OpenSSL names', () => {
    for (const s of ['1.3.101.112', '1.3.101.113', 'ED25519', 'ED448', 'ed25519']) assert.ok(isEddsaSignature(s), s);
    for (const s of ['ecdsa-with-SHA256', 'sha256WithRSAEncryption', '1.2.840.10045.4.3.2', 'RSASSA-PSS', '']) assert.ok(!isEddsaSignature(s), s);
  });
  test('the shared wording names the failure and three fixes', () => {
    const p = channelBindingProblem();
    assert.match(p.reason, /could not find digest for NID UNDEF/);
    assert.equal(p.fixes.length, 3);
  });
});
