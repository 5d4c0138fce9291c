/**
 * Workspace diagnostics (`pgtls.validate: "workspace"`): `workspace/diagnostic` reports every file `pgtls check` would
 * check in the workspace folder, open or not (open files are left to the document pulls), with result ids: a second
 * pull that names them gets `unchanged`, a file changed on disk is reported again. With `openFiles` (the default) the
 * workspace pull is empty. `pgtls/checkWorkspace` ("PG TLS: Check Workspace") answers the same files whatever the
 * setting says, and both give exactly what the CLI's `pgtls check` gives on the same folder (rule ids, ranges, messages).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness } from './harness';
import { ROOT } from '../helpers';
import { CHECK_WORKSPACE_REQUEST, type CheckWorkspaceResult } from '../../server/src/protocol';

interface Diag { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string; message: string; severity: number }
interface Item { kind: 'full' | 'unchanged'; uri: string; resultId: string; items?: Diag[] }

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-ws-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const BROKEN_POOL = 'port = 9999\nportt = 5\n';
const FILES = {
  'pgpool.conf': BROKEN_POOL,
  'db/pg_hba.conf': 'host all all 0.0.0.0/0 cert\n',
  'node_modules/pkg/pgpool.conf': BROKEN_POOL, // skipped by the walker, as by pgtls check
  '.hidden/pgpool.conf': BROKEN_POOL,
  'notes.txt': 'portt = 5\n',
};

const pullWorkspace = (h: { client: { sendRequest(m: string, p: unknown): Promise<unknown> } }, previous: { uri: string; value: string }[] = []) =>
  h.client.sendRequest('workspace/diagnostic', { previousResultIds: previous }) as Promise<{ items: Item[] }>;
const rel = (dir: string, uri: string) => path.relative(dir, new URL(uri).pathname).split(path.sep).join('/');

test('workspace/diagnostic: the closed files pgtls check would check, full then unchanged; a file changed on disk is reported again', async () => {
  const dir = folder(FILES);
  const h = await startHarness({ workspaceFolders: [dir], settings: { validate: 'workspace' } });
  try {
    const first = await pullWorkspace(h);
    assert.deepEqual(first.items.map(i => rel(dir, i.uri)).sort(), ['db/pg_hba.conf', 'pgpool.conf']);
    assert.ok(first.items.every(i => i.kind === 'full' && /^w\d+$/.test(i.resultId)));
    const pool = first.items.find(i => rel(dir, i.uri) === 'pgpool.conf')!;
    assert.deepEqual(pool.items!.map(d => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]), [['pgpool-conf/unknown-parameter', 1, 0, 5]]);
    const hba = first.items.find(i => rel(dir, i.uri) === 'db/pg_hba.conf')!;
    assert.ok(hba.items!.some(d => d.code === 'pg-hba/method-connection-type'), JSON.stringify(hba.items));

    const ids = first.items.map(i => ({ uri: i.uri, value: i.resultId }));
    const second = await pullWorkspace(h, ids);
    assert.deepEqual(second.items.map(i => [rel(dir, i.uri), i.kind, i.resultId]).sort(), first.items.map(i => [rel(dir, i.uri), 'unchanged', i.resultId]).sort());

    // The misspelt parameter is fixed on disk, with no watcher event: the stamp changed, the file is reported again.
    fs.writeFileSync(path.join(dir, 'pgpool.conf'), 'port = 9999\nport = 5432\n');
    const third = await pullWorkspace(h, ids);
    const pool3 = third.items.find(i => rel(dir, i.uri) === 'pgpool.conf')!;
    assert.equal(pool3.kind, 'full');
    assert.notEqual(pool3.resultId, pool.resultId);
    assert.deepEqual(pool3.items!.map(d => d.code).filter(c => c === 'pgpool-conf/unknown-parameter'), []);
    assert.equal(third.items.find(i => rel(dir, i.uri) === 'db/pg_hba.conf')!.kind, 'unchanged', 'the other file did not change');

    // An open file is the document pull's: the workspace report leaves it out.
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: pool.uri, languageId: 'pgpool-conf', version: 1, text: BROKEN_POOL } });
    const fourth = await pullWorkspace(h, ids);
    assert.deepEqual(fourth.items.map(i => rel(dir, i.uri)), ['db/pg_hba.conf']);
  } finally { h.close(); }
});

test('workspace/diagnostic is empty with pgtls.validate "openFiles" (the default), and follows a settings change', async () => {
  const dir = folder(FILES);
  const h = await startHarness({ workspaceFolders: [dir] });
  try {
    assert.deepEqual((await pullWorkspace(h)).items, []);
    h.settings = { validate: 'workspace' };
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.equal((await pullWorkspace(h)).items.length, 2);
  } finally { h.close(); }
});

test('pgtls/checkWorkspace checks every file with validate "openFiles" too, open files as their buffers read', async () => {
  const dir = folder(FILES);
  const h = await startHarness({ workspaceFolders: [dir] });
  try {
    const hbaUri = pathToFileURL(path.join(dir, 'db/pg_hba.conf')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: hbaUri, languageId: 'pg-hba', version: 1, text: 'hostssl all all 10.0.0.0/8 cert\n' } });
    const r = await h.client.sendRequest(CHECK_WORKSPACE_REQUEST, {}) as CheckWorkspaceResult;
    assert.deepEqual(r.files.map(f => rel(dir, f.uri)).sort(), ['db/pg_hba.conf', 'pgpool.conf']);
    assert.equal(r.stoppedEarly, undefined);
    const hba = r.files.find(f => f.uri === hbaUri)!.diagnostics as Diag[];
    assert.ok(!hba.some(d => d.code === 'pg-hba/method-connection-type'), 'the open buffer (hostssl), not the disk (host), was checked');
  } finally { h.close(); }
});

/** `pgtls check --format json .` run from the sources in `dir`, as a user runs it there. */
function cliCheck(dir: string): { file: string; line: number; column: number; endLine: number; endColumn: number; rule: string; message: string; severity: string }[] {
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, path.join(ROOT, 'server/src/cli/main.ts'), 'check', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `pgtls check exited ${r.status}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { diagnostics: ReturnType<typeof cliCheck> }).diagnostics;
}

test('workspace diagnostics and Check Workspace equal pgtls check on the same folder (rule ids, ranges, severities, messages)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-ws-cli-'));
  fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'postgres/postgresql.conf'), "ssl = on\nssl_ecdh_curve = 'secp256k1'\nssl_min_protocol_version = 'TLSv1'\n");
  fs.writeFileSync(path.join(dir, 'pgbouncer.ini'), '[databases]\n* = host=db\n[pgbouncer]\nclient_tls_sslmode = require\nauth_type = md5\n');
  const severity = ['', 'error', 'warning', 'info', 'hint'];
  const cli = cliCheck(dir).map(d => `${d.file.replace(/^\.\//, '')}:${d.line - 1}:${d.column - 1}-${d.endLine - 1}:${d.endColumn - 1} ${d.severity} ${d.rule}: ${d.message}`).sort();
  assert.ok(cli.length >= 10 && new Set(cli.map(l => l.split(':')[0])).size >= 6, `the folder gives findings in every file:\n${cli.join('\n')}`);
  const asLines = (files: { uri: string; items: Diag[] }[]) => files.flatMap(f => f.items.map(d =>
    `${rel(dir, f.uri)}:${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${severity[d.severity]} ${d.code}: ${d.message}`)).sort();

  const h = await startHarness({ workspaceFolders: [dir], settings: { validate: 'workspace' } });
  try {
    const pulled = await pullWorkspace(h);
    assert.deepEqual(asLines(pulled.items.map(i => ({ uri: i.uri, items: i.items ?? [] }))), cli);
    const checked = await h.client.sendRequest(CHECK_WORKSPACE_REQUEST, {}) as CheckWorkspaceResult;
    assert.deepEqual(asLines(checked.files.map(f => ({ uri: f.uri, items: f.diagnostics as Diag[] }))), cli);
  } finally { h.close(); }
});
