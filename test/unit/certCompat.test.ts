/**
 * certs/compat.ts: which algorithm × role × TLS version × peer setting cannot work (an ECDSA client certificate on a
 * curve other than the server's single `ssl_ecdh_curve`, over TLS 1.2), and that the generator says so: `pgtls cert
 * set` / `cert client` / `cert replication` on stderr, the palette's `pgtls/certs/create` in its summary warnings.
 * The facts behind the table are measured in test/interop/certAuthE2E.test.ts (PostgreSQL 15, Pgpool-II 4.3.5).
 */
import 'reflect-metadata';
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KEY_ALGORITHMS } from '../../server/src/certs/algorithms';
import {
  DEFAULT_INCOMPATIBILITIES, channelBindingIncompatibilities, compatWarnings, incompatibilities, isSingleCurve, rolesOfFiles, tls12ClientCurveRefused,
} from '../../server/src/certs/compat';
import { runCertCli } from '../../server/src/cli/cert';
import { runCertCommand } from '../../server/src/node/certCommands';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-compat-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, `d${++n}`);

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runCertCli(argv, { out: s => { out += s; }, err: s => { err += s; } });
  return { code, out, err };
}

describe('the compatibility table', () => {
  test('with default settings: an ECDSA P-384 client certificate over TLS 1.2 (PostgreSQL, Pgpool-II), and libpq SCRAM logins to PostgreSQL against an Ed25519-signed server certificate', () => {
    const cells = DEFAULT_INCOMPATIBILITIES.map(i => `${i.algorithm}/${i.role}/${i.tls}/${i.peer}/${i.auth}/${i.clients}/${i.setting}=${i.value}`);
    assert.deepEqual(cells, [
      'ecdsa-p384/client/TLSv1.2/PostgreSQL/cert/all/ssl_ecdh_curve=prime256v1',
      'ecdsa-p384/client/TLSv1.2/Pgpool-II/cert/all/ssl_ecdh_curve=prime256v1',
      'ed25519/server/TLSv1.2/PostgreSQL/scram/libpq/channel_binding=prefer',
      'ed25519/server/TLSv1.3/PostgreSQL/scram/libpq/channel_binding=prefer',
    ]);
    for (const i of DEFAULT_INCOMPATIBILITIES) assert.ok(i.isDefault);
  });

  test('an Ed25519 CA, not an Ed25519 server key, breaks channel binding; the warning names the fixes once', () => {
    assert.deepEqual(channelBindingIncompatibilities('ecdsa-p256'), []);
    assert.equal(channelBindingIncompatibilities('ed25519').length, 2);
    const own = compatWarnings('ed25519', ['server', 'client']);
    assert.equal(own.length, 1);
    assert.match(own[0]!, /could not find digest for NID UNDEF/);
    assert.match(own[0]!, /pgtls cert ca --algorithm ecdsa-p256/);
    assert.match(own[0]!, /channel_binding=disable/);
    assert.deepEqual(compatWarnings('ed25519', ['server'], false), [], 'an Ed25519 server key under an ECDSA CA works');
    assert.equal(compatWarnings('ecdsa-p256', ['server'], true).length, 1, 'any server key under an Ed25519 CA fails');
    assert.deepEqual(compatWarnings('ed25519', ['client']), [], 'client certificates are not bound');
    for (const i of channelBindingIncompatibilities('ed25519')) assert.ok(!i.reason.includes('`'));
  });

  test('the fixes name the settings that work: PostgreSQL can require TLS 1.3, Pgpool-II has no such setting', () => {
    const [pg, pool] = DEFAULT_INCOMPATIBILITIES;
    assert.match(pg!.fixes.join('\n'), /ssl_min_protocol_version = 'TLSv1\.3' on PostgreSQL/);
    assert.match(pg!.fixes.join('\n'), /ssl_ecdh_curve = 'secp384r1' on PostgreSQL/);
    assert.doesNotMatch(pool!.fixes.join('\n'), /ssl_min_protocol_version = 'TLSv1\.3' on Pgpool-II/);
    assert.match(pool!.fixes.join('\n'), /ssl_ecdh_curve = 'secp384r1' on Pgpool-II/);
    assert.match(pool!.fixes.join('\n'), /ssl_min_protocol_version=TLSv1\.3 in the client's connection string/);
  });

  test('server certificates never, RSA and Ed25519 never, whatever the curve setting', () => {
    for (const a of KEY_ALGORITHMS) assert.deepEqual(incompatibilities(a, 'server', { PostgreSQL: 'secp521r1', 'Pgpool-II': 'secp384r1', PgBouncer: 'prime256v1' }), []);
    for (const a of ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519'] as const) {
      assert.deepEqual(incompatibilities(a, 'client', { PostgreSQL: 'secp384r1', 'Pgpool-II': 'secp521r1', PgBouncer: 'secp384r1' }), []);
    }
  });

  test('a non-default curve turns it around: P-256 clients fail against ssl_ecdh_curve = secp384r1, P-384 ones work', () => {
    const p256 = incompatibilities('ecdsa-p256', 'client', { PostgreSQL: 'secp384r1', 'Pgpool-II': 'secp384r1' });
    assert.deepEqual(p256.map(i => [i.peer, i.value, i.isDefault]), [['PostgreSQL', 'secp384r1', false], ['Pgpool-II', 'secp384r1', false]]);
    assert.deepEqual(incompatibilities('ecdsa-p384', 'client', { PostgreSQL: 'secp384r1', 'Pgpool-II': 'secp384r1' }), []);
    // PgBouncer's default `auto` keeps every group; a single curve there limits it like the others
    assert.deepEqual(incompatibilities('ecdsa-p384', 'client', { PostgreSQL: 'secp384r1', 'Pgpool-II': 'secp384r1', PgBouncer: 'prime256v1' }).map(i => i.peer), ['PgBouncer']);
  });

  test('curve names: NIST and OpenSSL names agree; lists, auto and bad input never count as one curve', () => {
    assert.equal(tls12ClientCurveRefused('P-256', 'prime256v1'), false);
    assert.equal(tls12ClientCurveRefused('P-384', 'prime256v1'), true);
    assert.equal(tls12ClientCurveRefused('secp384r1', ' secp384r1 '), false);
    assert.equal(tls12ClientCurveRefused(undefined, 'prime256v1'), false);
    for (const v of ['auto', 'X25519:prime256v1', 'prime256v1:secp384r1', '', 'P-256', 'X25519', 'nonsense']) assert.equal(isSingleCurve(v), false, v);
    for (const v of ['prime256v1', 'secp384r1', 'secp521r1', 'brainpoolP256r1']) assert.equal(isSingleCurve(v), true, v);
  });

  test('roles come from the written files\' descriptions', () => {
    assert.deepEqual(rolesOfFiles(['CA certificate', 'server certificate', 'client certificate', 'client certificate private key']), ['server', 'client']);
    assert.deepEqual(rolesOfFiles(['replication certificate']), ['client']);
    assert.deepEqual(rolesOfFiles(['CA certificate', undefined]), []);
    assert.deepEqual(compatWarnings('ecdsa-p384', ['server']), []);
    assert.equal(compatWarnings('ecdsa-p384', ['client', 'client']).length, 2);
  });
});

describe('the generator never makes such a set silently', () => {
  test('cert set --algorithm ecdsa-p384: one warning per peer on stderr, naming TLS 1.2 and the fixing setting; still exit 0', async () => {
    const r = await cli('cert', 'set', '--out', fresh(), '--algorithm', 'ecdsa-p384', '--server-name', 'db', '--client-user', 'app');
    assert.equal(r.code, 0, r.err);
    const warnings = r.err.split('\n').filter(l => l.startsWith('pgtls: warning: ecdsa-p384 client certificate'));
    assert.equal(warnings.length, 2, r.err);
    assert.match(warnings[0]!, /PostgreSQL .*TLS 1\.2.*ssl_min_protocol_version = 'TLSv1\.3' on PostgreSQL/);
    assert.match(warnings[1]!, /Pgpool-II .*TLS 1\.2.*ssl_ecdh_curve = 'secp384r1' on Pgpool-II/);
    assert.doesNotMatch(r.out, /warning/, 'warnings go to stderr, not into the summary (stdout may be JSON)');
  });

  test('cert set --format json keeps stdout JSON and warns on stderr', async () => {
    const r = await cli('cert', 'set', '--out', fresh(), '--algorithm', 'ecdsa-p384', '--server-name', 'db', '--client-user', 'app', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    JSON.parse(r.out);
    assert.match(r.err, /Pgpool-II with ssl_ecdh_curve = 'prime256v1' \(its default\)/);
  });

  test('cert set --algorithm ed25519 warns once about libpq\'s SCRAM channel binding; cert server under an ECDSA CA with an Ed25519 key does not', async () => {
    const r = await cli('cert', 'set', '--out', fresh(), '--algorithm', 'ed25519', '--server-name', 'db', '--client-user', 'app');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err.match(/^pgtls: warning: /gm)?.length, 1, r.err);
    assert.match(r.err, /server certificate: .*Ed25519 CA.*could not find digest for NID UNDEF/);
    const dir = fresh();
    assert.equal((await cli('cert', 'ca', '--out', dir, '--algorithm', 'ecdsa-p256')).code, 0);
    const mixed = await cli('cert', 'server', '--out', dir, '--server-name', 'db', '--algorithm', 'ed25519');
    assert.equal(mixed.code, 0, mixed.err);
    assert.equal(mixed.err, '');
  });

  for (const a of ['ecdsa-p256', 'rsa-2048']) {
    test(`cert set --algorithm ${a}: no compatibility warning`, async () => {
      const r = await cli('cert', 'set', '--out', fresh(), '--algorithm', a, '--server-name', 'db', '--client-user', 'app');
      assert.equal(r.code, 0, r.err);
      assert.equal(r.err, '');
    });
  }

  test('cert client and cert replication from a P-384 CA warn; cert server does not', async () => {
    const dir = fresh();
    assert.equal((await cli('cert', 'ca', '--out', dir, '--algorithm', 'ecdsa-p384')).code, 0);
    const server = await cli('cert', 'server', '--out', dir, '--server-name', 'db');
    assert.equal(server.code, 0, server.err);
    assert.equal(server.err, '');
    const client = await cli('cert', 'client', '--out', dir, '--client-user', 'app');
    assert.equal(client.code, 0, client.err);
    assert.equal(client.err.split('\n').filter(l => /client certificate: .* over TLS 1\.2/.test(l)).length, 2, client.err);
    const p256client = await cli('cert', 'client', '--out', dir, '--client-user', 'app', '--algorithm', 'ecdsa-p256', '--basename', 'app');
    assert.equal(p256client.err, '', 'a P-256 client certificate from a P-384 CA works everywhere');
    const repl = await cli('cert', 'replication', '--out', dir);
    assert.match(repl.err, /ecdsa-p384 client certificate: PostgreSQL/);
  });

  test('the palette\'s set (pgtls/certs/create) carries the warnings in its summary', async () => {
    const env = { now: () => new Date('2026-03-01T12:00:00Z'), crypto: webcrypto as unknown as Crypto };
    const r = await runCertCommand({ kind: 'set', folder: fresh(), algorithm: 'ecdsa-p384', serverName: 'db', clientUser: 'app' }, env);
    assert.equal(r.status, 'written');
    const s = (r as { summary: { warnings: string[]; message: string } }).summary;
    assert.equal(s.warnings.filter(w => /over TLS 1\.2/.test(w)).length, 2, s.warnings.join('\n'));
    assert.match(s.message, /ssl_ecdh_curve = 'secp384r1' on Pgpool-II/);
    const ok = await runCertCommand({ kind: 'set', folder: fresh(), algorithm: 'ecdsa-p256', serverName: 'db', clientUser: 'app' }, env);
    assert.deepEqual((ok as { summary: { warnings: string[] } }).summary.warnings, []);
  });
});
