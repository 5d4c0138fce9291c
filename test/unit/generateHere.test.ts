/**
 * "Generate … here" on a missing certificate, key or CA file (tlsFiles/files.ts `generateFix`, node/certCommands.ts
 * `paths`): the quick fix is offered only for files pgtls may write on this machine, with the exact paths the
 * configuration names (the CA under its configured name, its key beside it); generating with its argument writes
 * those files (keys 0600) and the configuration then checks clean; openssl verifies the server certificate against
 * the CA written at the configured path.
 */
import 'reflect-metadata';
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCertCommand } from '../../server/src/node/certCommands';
import { GENERATE_TLS_FILES_COMMAND, type GenerateTlsFilesArgs, type Problem } from '../../server/src/core/types';
import { assertTools, missing } from '../requires';
import { check, testService } from '../helpers';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-genhere-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const d = path.join(root, `w${++n}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
};
const env = { now: () => new Date(), crypto: webcrypto as unknown as Crypto };
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const POSIX = process.platform !== 'win32';

function problemsOf(dir: string, file: string, text: string): Problem[] {
  return check(testService({ roots: () => [dir] }), path.join(dir, file), text);
}

/** The generate fixes of the problems of `rule`: [title, argument]. */
function generateFixes(problems: Problem[], rule: string): [string, GenerateTlsFilesArgs][] {
  return problems.filter(p => p.rule === rule).flatMap(p => (p.fixes ?? [])
    .filter(f => f.command?.command === GENERATE_TLS_FILES_COMMAND)
    .map(f => [f.title, f.command!.arguments![0] as GenerateTlsFilesArgs] as [string, GenerateTlsFilesArgs]));
}

const PGPOOL = "ssl = on\nssl_cert = 'certs/server.crt'\nssl_key = 'certs/server.key'\nssl_ca_cert = 'certs/root.crt'\n";

describe('the Generate quick fix', { skip: POSIX ? undefined : 'file modes are POSIX-only' }, () => {
  test('pgpool.conf with every file missing: the certificate and key with a new CA under its configured name', () => {
    const dir = fresh();
    const problems = problemsOf(dir, 'pgpool.conf', PGPOOL);
    const fixes = generateFixes(problems, 'pgpool-conf/ssl-file-missing');
    const certs = path.join(dir, 'certs');
    const server = fixes.filter(([, a]) => a.kind === 'server');
    assert.equal(server.length, 2, 'on ssl_cert and on ssl_key');
    assert.equal(server[0]![0], 'Generate server.crt and server.key here with a new CA root.crt');
    assert.deepEqual(server[0]![1].paths, { cert: path.join(certs, 'server.crt'), key: path.join(certs, 'server.key'), ca: path.join(certs, 'root.crt'), caKey: path.join(certs, 'root.key') });
    assert.equal(server[0]![1].product, 'Pgpool-II');
    assert.equal(server[0]![1].offset, PGPOOL.indexOf("'certs/server.crt'"));
    const ca = fixes.filter(([, a]) => a.kind === 'ca');
    assert.deepEqual(ca.map(([t, a]) => [t, a.paths]), [['Generate a new CA here: root.crt and its key root.key', { ca: path.join(certs, 'root.crt'), caKey: path.join(certs, 'root.key') }]]);
  });

  test('generating with the fix\'s argument writes exactly those files, and pgpool.conf then checks clean of missing files', async () => {
    const dir = fresh();
    const [[, args]] = generateFixes(problemsOf(dir, 'pgpool.conf', PGPOOL), 'pgpool-conf/ssl-file-missing');
    const r = await runCertCommand({ kind: args!.kind, folder: path.dirname(args!.paths.cert!), paths: args!.paths, serverName: 'pool.example.com', sans: ['127.0.0.1'] }, env);
    assert.equal(r.status, 'written');
    if (r.status !== 'written') return;
    const certs = path.join(dir, 'certs');
    assert.deepEqual(r.summary.files.map(f => f.name).sort(), ['root.crt', 'root.key', 'server.crt', 'server.key']);
    assert.deepEqual(fs.readdirSync(certs).sort(), ['.gitignore', 'root.crt', 'root.key', 'server.crt', 'server.key']);
    assert.equal(mode(path.join(certs, 'server.key')), 0o600);
    assert.equal(mode(path.join(certs, 'root.key')), 0o600);
    assert.equal(mode(path.join(certs, 'server.crt')), 0o644);
    assert.equal(r.summary.files.find(f => f.name === 'root.crt')!.role, 'CA certificate');
    assert.match(r.summary.message, /root\.crt/);
    assert.ok(!JSON.stringify(r).includes('PRIVATE KEY'));
    const after = problemsOf(dir, 'pgpool.conf', PGPOOL);
    assert.deepEqual(after.filter(p => p.severity === 'error').map(p => `${p.rule}: ${p.message}`), []);
    // Nothing is replaced without force: the same request now finds the files.
    const again = await runCertCommand({ kind: 'server', folder: certs, paths: args!.paths, serverName: 'pool.example.com' }, env);
    assert.equal(again.status, 'exists');
  });

  test('openssl verifies the generated server certificate against the CA at the configured path', { skip: missing('openssl') }, async () => {
    assertTools('openssl');
    const dir = fresh();
    const [[, args]] = generateFixes(problemsOf(dir, 'pgpool.conf', PGPOOL), 'pgpool-conf/ssl-file-missing');
    await runCertCommand({ kind: 'server', folder: dir, paths: args!.paths, serverName: 'pool.example.com', sans: [] }, env);
    const certs = path.join(dir, 'certs');
    const out = execFileSync('openssl', ['verify', '-CAfile', path.join(certs, 'root.crt'), path.join(certs, 'server.crt')], { encoding: 'utf8' });
    assert.match(out, /server\.crt: OK/);
    const pub = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
    assert.equal(pub(['x509', '-in', path.join(certs, 'server.crt'), '-noout', '-pubkey']), pub(['pkey', '-in', path.join(certs, 'server.key'), '-pubout']));
  });

  test('a present CA with its key beside it issues the new certificate; a present certificate is named as replaced', async () => {
    const dir = fresh();
    const certs = path.join(dir, 'certs');
    const made = await runCertCommand({ kind: 'ca', folder: certs, paths: { ca: path.join(certs, 'root.crt') } }, env);
    assert.equal(made.status, 'written');
    assert.ok(fs.existsSync(path.join(certs, 'root.key')), 'the CA key beside root.crt');
    fs.writeFileSync(path.join(certs, 'server.crt'), 'stale\n');
    const fixes = generateFixes(problemsOf(dir, 'pgpool.conf', PGPOOL), 'pgpool-conf/ssl-file-missing');
    assert.deepEqual(fixes.map(([t]) => t), ['Generate server.crt and server.key here (issued by root.crt) (replaces server.crt)']);
    const r = await runCertCommand({ kind: 'server', folder: certs, paths: fixes[0]![1].paths, serverName: 'db', force: true }, env);
    assert.equal(r.status, 'written');
    if (r.status !== 'written') return;
    assert.deepEqual(r.summary.files.map(f => f.name).sort(), ['server.crt', 'server.key'], 'the CA is read, not made');
  });

  test('postgresql.conf in a data directory: the default server.crt and server.key on the ssl line', () => {
    const dir = fresh();
    fs.writeFileSync(path.join(dir, 'PG_VERSION'), '17\n');
    const fixes = generateFixes(problemsOf(dir, 'postgresql.conf', 'ssl = on\n'), 'postgresql-conf/ssl-file-missing');
    assert.ok(fixes.length >= 1);
    assert.deepEqual(fixes[0]![1].paths, { cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') });
    assert.equal(fixes[0]![1].product, 'PostgreSQL');
  });

  test('never for a path only the server sees, nor for PgBouncer\'s files towards servers', () => {
    const dir = fresh();
    const unseen = problemsOf(dir, 'pgpool.conf', "ssl = on\nssl_cert = '/etc/pgtls-genhere-test/server.crt'\nssl_key = '/etc/pgtls-genhere-test/server.key'\n");
    assert.ok(unseen.some(p => p.rule === 'pgtls/path-not-checked'));
    assert.deepEqual(unseen.flatMap(p => p.fixes ?? []).filter(f => f.command?.command === GENERATE_TLS_FILES_COMMAND), []);
    const ini = `[databases]\n* = host=127.0.0.1\n[pgbouncer]\nserver_tls_sslmode = verify-full\nserver_tls_ca_file = ${dir}/root.crt\nclient_tls_sslmode = require\nclient_tls_cert_file = ${dir}/pgb.crt\nclient_tls_key_file = ${dir}/pgb.key\n`;
    const bouncer = problemsOf(dir, 'pgbouncer.ini', ini);
    const missingFiles = bouncer.filter(p => p.rule === 'pgbouncer-ini/tls-file-missing');
    assert.equal(missingFiles.length, 3, missingFiles.map(p => p.message).join('\n'));
    const fixes = generateFixes(bouncer, 'pgbouncer-ini/tls-file-missing');
    assert.deepEqual([...new Set(fixes.map(([t]) => t))], ['Generate pgb.crt and pgb.key here'], 'client side only');
  });
});
