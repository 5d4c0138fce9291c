/**
 * Pointing a configuration at generated files (the façade's `tlsConfigEdit`, tlsFiles/configEdit.ts): TLS turned on,
 * existing lines keep everything but their value, missing settings go after their commented-out sample line or at
 * the end (pgbouncer.ini: inside `[pgbouncer]`), paths written as each server resolves them (Pgpool-II: relative to
 * pgpool.conf's folder; PostgreSQL: relative to a known data directory, else absolute; PgBouncer: absolute; a
 * configuration that runs in a container: the path there), and a CA the configuration named otherwise is said so.
 * The edited files are checked again with the files in place: no finding about them is left.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCertCommand } from '../../server/src/node/certCommands';
import { DEFAULT_SETTINGS, type Settings, type SourceDocument, type TextEdit } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-confedit-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const certs = path.join(root, 'certs', 'pgtls');
const files = { cert: path.join(certs, 'server.crt'), key: path.join(certs, 'server.key'), ca: path.join(certs, 'ca.crt') };

before(async () => {
  const r = await runCertCommand({ kind: 'server', folder: certs, serverName: 'localhost', sans: ['127.0.0.1'] }, { now: () => new Date(), crypto: webcrypto as unknown as Crypto });
  assert.equal(r.status, 'written');
});

function apply(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span[0] - a.span[0])) out = out.slice(0, e.span[0]) + e.newText + out.slice(e.span[1]);
  return out;
}

function edit(file: string, text: string, settings: Partial<Settings> = {}) {
  const service = testService({ roots: () => [root] });
  const doc: SourceDocument = { path: file, text, languageId: service.languageOf(file)!, version: 1 };
  const r = service.tlsConfigEdit(doc, service.parse(doc), files, { ...DEFAULT_SETTINGS, ...settings });
  assert.ok(r);
  return { ...r, text: apply(text, r.edits) };
}

const fileProblems = (file: string, text: string, settings: Partial<Settings> = {}) => check(testService({ roots: () => [root] }), file, text, settings)
  .filter(p => /ssl-file-missing|tls-file-missing|ssl-cert-required|ssl-key-required|not-checked|key-mismatch|cert-invalid|key-invalid/.test(p.rule))
  .map(p => `${p.rule}: ${p.message}`);

test('pgpool.conf: ssl on, relative paths from its folder, the commented sample line kept, a trailing comment kept', () => {
  const file = path.join(root, 'pgpool.conf');
  const text = "port = 9999\nssl = off\n#ssl_cert = ''\nssl_key = 'old/server.key'   # the old one\n";
  const r = edit(file, text);
  assert.equal(r.text, [
    'port = 9999',
    'ssl = on',
    "#ssl_cert = ''",
    "ssl_cert = 'certs/pgtls/server.crt'",
    "ssl_key = 'certs/pgtls/server.key'   # the old one",
    "ssl_ca_cert = 'certs/pgtls/ca.crt'",
    '',
  ].join('\n'));
  assert.deepEqual(r.settings.map(s => s.key), ['ssl', 'ssl_cert', 'ssl_key', 'ssl_ca_cert']);
  assert.deepEqual(fileProblems(file, r.text), []);
  // Done twice, nothing more changes.
  assert.deepEqual(edit(file, r.text).edits, []);
});

test('postgresql.conf in a data directory: relative paths; root.crt replaced by the set\'s ca.crt, said in a note', () => {
  const data = path.join(root, 'data');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(data, 'PG_VERSION'), '17\n');
  const local = path.join(data, 'certs', 'pgtls');
  fs.cpSync(certs, local, { recursive: true });
  const file = path.join(data, 'postgresql.conf');
  const text = "#ssl = off\n#ssl_cert_file = 'server.crt'\t\t# (change requires restart)\n#ssl_key_file = 'server.key'\nssl_ca_file = 'root.crt'\n";
  const service = testService({ roots: () => [root] });
  const doc: SourceDocument = { path: file, text, languageId: 'postgresql-conf', version: 1 };
  const r = service.tlsConfigEdit(doc, service.parse(doc), { cert: path.join(local, 'server.crt'), key: path.join(local, 'server.key'), ca: path.join(local, 'ca.crt') }, DEFAULT_SETTINGS)!;
  const out = apply(text, r.edits);
  assert.equal(out, [
    '#ssl = off',
    'ssl = on',
    "#ssl_cert_file = 'server.crt'\t\t# (change requires restart)",
    "ssl_cert_file = 'certs/pgtls/server.crt'",
    "#ssl_key_file = 'server.key'",
    "ssl_key_file = 'certs/pgtls/server.key'",
    "ssl_ca_file = 'certs/pgtls/ca.crt'",
    '',
  ].join('\n'));
  assert.deepEqual(r.notes, ['`ssl_ca_file` names root.crt, but the CA is ca.crt (the name Renew, Rotate CA and the certificate commands look for): the edit points `ssl_ca_file` at it.']);
  assert.deepEqual(fileProblems(file, out), []);
});

test('postgresql.conf whose data directory pgtls does not know: absolute paths', () => {
  const file = path.join(root, 'conf', 'postgresql.conf');
  const r = edit(file, 'ssl = on\n');
  assert.equal(r.text, `ssl = on\nssl_cert_file = '${files.cert}'\nssl_key_file = '${files.key}'\nssl_ca_file = '${files.ca}'\n`);
  assert.deepEqual(r.settings.map(s => s.key), ['ssl_cert_file', 'ssl_key_file', 'ssl_ca_file'], 'ssl is on already');
});

test('pgbouncer.ini: client_tls_sslmode = prefer and absolute paths inside [pgbouncer], before the next section; a file without it gets one', () => {
  const file = path.join(root, 'pgbouncer.ini');
  const text = '[databases]\n* = host=127.0.0.1\n\n[pgbouncer]\nlisten_port = 6432\n;client_tls_key_file =\nclient_tls_sslmode = disable\n\n[users]\napp = pool_mode=session\n';
  const r = edit(file, text);
  assert.equal(r.text, [
    '[databases]', '* = host=127.0.0.1', '', '[pgbouncer]', 'listen_port = 6432',
    ';client_tls_key_file =', `client_tls_key_file = ${files.key}`,
    'client_tls_sslmode = prefer',
    `client_tls_cert_file = ${files.cert}`, `client_tls_ca_file = ${files.ca}`,
    '', '[users]', 'app = pool_mode=session', '',
  ].join('\n'));
  assert.deepEqual(fileProblems(file, r.text), []);
  const bare = edit(file, '[databases]\n* = host=127.0.0.1\n');
  assert.equal(bare.text, `[databases]\n* = host=127.0.0.1\n[pgbouncer]\nclient_tls_sslmode = prefer\nclient_tls_cert_file = ${files.cert}\nclient_tls_key_file = ${files.key}\nclient_tls_ca_file = ${files.ca}\n`);
});

test('a configuration that runs in a container: the files\' paths there, or a note when their folder is not mounted', () => {
  const file = path.join(root, 'pgpool.conf');
  const mapped = edit(file, 'ssl = on\n', { pathMappings: { '/etc/pgpool2': root } });
  assert.match(mapped.text, /ssl_cert = '\/etc\/pgpool2\/certs\/pgtls\/server\.crt'/);
  assert.deepEqual(mapped.notes, []);
  const apart = edit(file, 'ssl = on\n', { pathMappings: { '/etc/pgpool2/pgpool.conf': file } });
  assert.match(apart.text, new RegExp(`ssl_cert = '${files.cert.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`));
  assert.match(apart.notes[0]!, /is not in a folder mounted where Pgpool-II runs \(this configuration is \/etc\/pgpool2\/pgpool\.conf there\)/);
});
