/**
 * The LSP glue over in-memory streams with the real server: capabilities, pull and push diagnostics, settings flow,
 * hover, completion, quick fixes, and files that depend on each other through open editor buffers.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness, type Harness } from './harness';

interface Diag { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string; severity: number; source: string; message: string }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-'));
const uriOf = (name: string) => pathToFileURL(path.join(tmp, name)).href;

async function open(h: Harness, name: string, languageId: string, text: string, version = 1): Promise<string> {
  const uri = uriOf(name);
  await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  return uri;
}

async function diagnostics(h: Harness, uri: string): Promise<Diag[]> {
  const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { kind: string; items: Diag[] };
  assert.equal(report.kind, 'full');
  return report.items;
}

test('initialize advertises pull diagnostics, hover, completion and quick fixes', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'a/pgpool.conf', 'pgpool-conf', 'port = 9999\n');
    assert.deepEqual(await diagnostics(h, uri), []);
  } finally { h.close(); }
});

test('pull diagnostics: rule id as code, source pgtls, exact 0-based range', async () => {
  const h = await startHarness({ settings: { pgpoolVersion: '4.3' } });
  try {
    const uri = await open(h, 'b/pgpool.conf', 'pgpool-conf', 'port = 9999\n  socket_dir = /var/run/pgpool\n');
    const items = await diagnostics(h, uri);
    assert.ok(items.length >= 1, 'a syntax error is reported');
    const d = items.find(x => x.severity === 1)!;
    assert.equal(d.source, 'pgtls');
    assert.match(d.code, /^pgpool-conf\//);
    assert.equal(d.range.start.line, 1);
    assert.ok(d.range.start.character >= 2);
  } finally { h.close(); }
});

test('settings flow: enable=false silences, a rule set to off disappears, then comes back on change', async () => {
  const h = await startHarness({ settings: { enable: false } });
  try {
    const uri = await open(h, 'c/pgpool.conf', 'pgpool-conf', 'port = 9999\nportt = 5\n');
    assert.deepEqual(await diagnostics(h, uri), []);
    h.settings = {};
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const items = await diagnostics(h, uri);
    assert.ok(items.length >= 1, 'the misspelt parameter is reported once enabled');
    const rule = items[0]!.code;
    h.settings = { rules: { [rule]: 'off' } };
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual((await diagnostics(h, uri)).filter(d => d.code === rule), []);
    h.settings = { rules: { [rule]: 'hint' } };
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.equal((await diagnostics(h, uri)).find(d => d.code === rule)?.severity, 4);
  } finally { h.close(); }
});

test('incremental edits are applied before validating', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'd/pgpool.conf', 'pgpool-conf', 'port = 9999\n');
    assert.deepEqual(await diagnostics(h, uri), []);
    await h.client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, text: 'prot' }],
    });
    const items = await diagnostics(h, uri);
    assert.ok(items.some(d => d.range.start.line === 0 && d.range.start.character === 0 && d.range.end.character === 4), JSON.stringify(items));
  } finally { h.close(); }
});

test('hover on a parameter returns markdown with its name and range', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'e/pgpool.conf', 'pgpool-conf', "ssl = on\nssl_ca_cert = 'root.crt'\n");
    const hover = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 3 } }) as
      { contents: { kind: string; value: string }; range: { start: { character: number }; end: { character: number } } } | null;
    assert.ok(hover, 'hover exists');
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /ssl_ca_cert/);
    assert.equal(hover.range.start.character, 0);
    assert.equal(hover.range.end.character, 11);
    const none = await h.client.sendRequest('textDocument/hover', { textDocument: { uri: uriOf('nope.conf') }, position: { line: 0, character: 0 } });
    assert.equal(none, null);
  } finally { h.close(); }
});

test('completion offers parameter names with a replace range', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'f/pgpool.conf', 'pgpool-conf', 'ssl_c\n');
    const items = await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 5 } }) as { label: string }[];
    const labels = items.map(i => i.label);
    assert.ok(labels.includes('ssl_cert') && labels.includes('ssl_ca_cert'), labels.slice(0, 20).join(','));
  } finally { h.close(); }
});

test('a quick fix for a misspelt parameter edits exactly the key', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'g/pgpool.conf', 'pgpool-conf', "ssl_cetr = 'server.crt'\n");
    const items = await diagnostics(h, uri);
    assert.ok(items.length >= 1);
    const actions = await h.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: items[0]!.range, context: { diagnostics: items },
    }) as { title: string; kind: string; edit: { changes: Record<string, { newText: string; range: { start: { character: number }; end: { character: number } } }[]> } }[];
    const fix = actions.find(a => a.edit.changes[uri]?.[0]?.newText === 'ssl_cert');
    assert.ok(fix, JSON.stringify(actions));
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual([fix.edit.changes[uri]![0]!.range.start.character, fix.edit.changes[uri]![0]!.range.end.character], [0, 8]);
  } finally { h.close(); }
});

test('push mode for clients without pull diagnostics (e.g. Neovim 0.7)', async () => {
  const h = await startHarness({ pull: false });
  try {
    const uri = await open(h, 'h/pgpool.conf', 'pgpool-conf', 'portt = 5\n');
    for (let i = 0; i < 200 && !h.pushed.has(uri); i++) await new Promise(r => setImmediate(r));
    // A round-trip request guarantees the server processed the didOpen and sent its notification first.
    await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    const pushed = h.pushed.get(uri) as Diag[] | undefined;
    assert.ok(pushed && pushed.length >= 1, 'diagnostics were published');
  } finally { h.close(); }
});

test('a file of no language of ours gets nothing, and binary content gets one warning (or what its server makes of it)', async () => {
  const h = await startHarness();
  try {
    const other = await open(h, 'i/notes.txt', 'plaintext', 'hello');
    assert.deepEqual(await diagnostics(h, other), []);
    const bin = await open(h, 'i/pgbouncer.ini', 'pgbouncer-ini', 'a\u0000b\u0000');
    assert.deepEqual((await diagnostics(h, bin)).map(d => d.code), ['pgtls/binary-file']);
    // pool_hba.conf is read as pgpool reads it, NUL bytes included (core/fileGuard.ts): `a` is no connection type.
    const hba = await open(h, 'i/pool_hba.conf', 'pool-hba', 'a\u0000b\u0000');
    assert.deepEqual((await diagnostics(h, hba)).map(d => d.code).sort(), ['pgtls/binary-file', 'pool-hba/invalid-connection-type']);
  } finally { h.close(); }
});

test('cross-file: pool_hba.conf diagnostics follow the unsaved pgpool.conf buffer beside it', async () => {
  const h = await startHarness({ settings: { checkFiles: false } });
  try {
    fs.mkdirSync(path.join(tmp, 'x'), { recursive: true });
    // On disk pgpool.conf has ssl on; the open buffer turns it off and back on without saving.
    fs.writeFileSync(path.join(tmp, 'x/pgpool.conf'), "enable_pool_hba = on\nssl = on\nssl_ca_cert = 'root.crt'\n");
    const hba = await open(h, 'x/pool_hba.conf', 'pool-hba', 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 cert\n');
    assert.deepEqual((await diagnostics(h, hba)).map(d => d.code), [], 'clean against the file on disk');
    const conf = await open(h, 'x/pgpool.conf', 'pgpool-conf', 'enable_pool_hba = on\nssl = off\n');
    const withSslOff = await diagnostics(h, hba);
    assert.ok(withSslOff.some(d => d.code === 'pool-hba/hostssl-without-ssl' && d.range.start.line === 1), JSON.stringify(withSslOff));
    const related = withSslOff.find(d => d.code === 'pool-hba/hostssl-without-ssl') as Diag & { relatedInformation?: { location: { uri: string } }[] };
    assert.equal(related.relatedInformation?.[0]?.location.uri, conf, 'points at the ssl setting in pgpool.conf');
    await h.client.sendNotification('textDocument/didChange', {
      textDocument: { uri: conf, version: 2 }, contentChanges: [{ text: "enable_pool_hba = on\nssl = on\nssl_ca_cert = 'root.crt'\n" }],
    });
    assert.deepEqual((await diagnostics(h, hba)).map(d => d.code), []);
    // Closing the buffer falls back to the file on disk.
    await h.client.sendNotification('textDocument/didClose', { textDocument: { uri: conf } });
    assert.deepEqual((await diagnostics(h, hba)).map(d => d.code), []);
  } finally { h.close(); }
});

test('bad settings from the editor fall back to defaults instead of breaking validation', async () => {
  const h = await startHarness({ settings: { pgpoolVersion: 'banana', postgresVersion: 'x', rules: 'nope' } as never });
  try {
    const uri = await open(h, 'y/pgpool.conf', 'pgpool-conf', 'portt = 5\n');
    assert.ok((await diagnostics(h, uri)).length >= 1);
  } finally { h.close(); }
});
