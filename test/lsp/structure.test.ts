/**
 * The structure features over LSP with the real server: the capabilities (formatting registered dynamically for the
 * formatting languages only when the client can, so pgtls never claims every YAML file; statically otherwise),
 * hierarchical document symbols, folding ranges (`null` for a YAML file without a resource), formatting and range
 * formatting edits, document links to file URIs, and empty answers where `pgtls.enable` is off.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness, type Harness } from './harness';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lspstructure-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

interface Range { start: { line: number; character: number }; end: { line: number; character: number } }
interface Symbol { name: string; detail?: string; kind: number; range: Range; selectionRange: Range; children?: Symbol[] }
interface Edit { range: Range; newText: string }

async function opened(h: Harness, name: string, text: string, languageId: string): Promise<string> {
  const file = path.join(root, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}

function apply(text: string, edits: Edit[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    assert.equal(e.range.start.line, e.range.end.line, 'formatting edits stay on one line');
    const l = lines[e.range.start.line]!;
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

test('capabilities: symbols, folding, links; formatting static for a client without dynamic registration', async () => {
  const h = await startHarness();
  try {
    const c = h.serverCapabilities;
    assert.ok(c.documentSymbolProvider);
    assert.equal(c.foldingRangeProvider, true);
    assert.deepEqual(c.documentLinkProvider, { resolveProvider: false });
    assert.equal(c.documentFormattingProvider, true);
    assert.equal(c.documentRangeFormattingProvider, true);
  } finally {
    h.close();
  }
});

test('capabilities: a client with dynamic registration gets formatting for the formatting languages only (no YAML)', async () => {
  const registered: { method: string; registerOptions?: unknown }[] = [];
  let done!: () => void;
  const both = new Promise<void>(resolve => { done = resolve; });
  const h = await startHarness({
    textDocument: { formatting: { dynamicRegistration: true }, rangeFormatting: { dynamicRegistration: true } },
    onRegister: p => {
      registered.push(...p.registrations.filter(r => /formatting/i.test(r.method)));
      if (registered.length >= 2) done();
    },
  });
  try {
    assert.equal(h.serverCapabilities.documentFormattingProvider, undefined);
    assert.equal(h.serverCapabilities.documentRangeFormattingProvider, undefined);
    await both;
    assert.deepEqual(registered.map(r => r.method).sort(), ['textDocument/formatting', 'textDocument/rangeFormatting']);
    for (const r of registered) {
      const languages = new Set((r.registerOptions as { documentSelector: { language: string }[] }).documentSelector.map(s => s.language));
      assert.deepEqual([...languages].sort(), ['pg-hba', 'pg-ident', 'pgbouncer-hba', 'pgbouncer-ini', 'pgpool-conf', 'pool-hba', 'postgresql-conf']);
    }
  } finally {
    h.close();
  }
});

test('document symbols, folding, formatting, range formatting and links over LSP', async () => {
  fs.mkdirSync(path.join(root, 'certs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'certs/server.crt'), 'not yet a certificate\n');
  const h = await startHarness({ workspaceFolders: [root], settings: { checkFiles: false } });
  try {
    const ini = '; a\n; b\n[databases]\napp=host=db\n[pgbouncer]\nlisten_port=6432\n';
    const iniUri = await opened(h, 'pgbouncer.ini', ini, 'pgbouncer-ini');
    const symbols = await h.client.sendRequest<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri: iniUri } });
    assert.deepEqual(symbols.map(s => [s.name, s.kind, s.range.start.line, s.range.end.line, s.children?.map(c => [c.name, c.detail, c.kind, c.selectionRange.start.line])]), [
      ['[databases]', 3, 2, 3, [['app', 'host=db', 7, 3]]],
      ['[pgbouncer]', 3, 4, 5, [['listen_port', '6432', 7, 5]]],
    ]);
    const folding = await h.client.sendRequest<{ startLine: number; endLine: number; kind?: string }[]>('textDocument/foldingRange', { textDocument: { uri: iniUri } });
    assert.deepEqual(folding.map(f => [f.startLine, f.endLine, f.kind]).sort(), [[0, 1, 'comment'], [2, 3, 'region'], [4, 5, 'region']]);
    const edits = await h.client.sendRequest<Edit[]>('textDocument/formatting', { textDocument: { uri: iniUri }, options: { tabSize: 2, insertSpaces: true } });
    assert.equal(apply(ini, edits), '; a\n; b\n[databases]\napp = host=db\n[pgbouncer]\nlisten_port = 6432\n');

    const hba = 'local all all peer\nhost all all 10.0.0.0/8 md5\n';
    const hbaUri = await opened(h, 'pool_hba.conf', hba, 'pool-hba');
    const ranged = await h.client.sendRequest<Edit[]>('textDocument/rangeFormatting', {
      textDocument: { uri: hbaUri }, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(apply(hba, ranged), 'local all all peer\nhost    all             all             10.0.0.0/8              md5\n');

    const conf = "ssl = on\nssl_cert = 'certs/server.crt'\nssl_key = 'certs/missing.key'\n";
    const confUri = await opened(h, 'pgpool.conf', conf, 'pgpool-conf');
    const links = await h.client.sendRequest<{ range: Range; target: string; tooltip?: string }[]>('textDocument/documentLink', { textDocument: { uri: confUri } });
    assert.deepEqual(links.map(l => [l.range.start.line, l.range.start.character, l.range.end.character, l.target]), [
      [1, 12, 28, pathToFileURL(path.join(root, 'certs/server.crt')).href],
    ]);
    assert.match(links[0]!.tooltip ?? '', /server\.crt/);

    const yamlUri = await opened(h, 'workflow.yaml', 'on: push\njobs:\n  a:\n    runs-on: x\n', 'yaml');
    assert.equal(await h.client.sendRequest('textDocument/foldingRange', { textDocument: { uri: yamlUri } }), null, 'a YAML file without a resource keeps the editor\'s folding');
    assert.deepEqual(await h.client.sendRequest('textDocument/formatting', { textDocument: { uri: yamlUri }, options: { tabSize: 2, insertSpaces: true } }), []);

    h.settings = { enable: false };
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(await h.client.sendRequest('textDocument/documentSymbol', { textDocument: { uri: iniUri } }), []);
    assert.deepEqual(await h.client.sendRequest('textDocument/documentLink', { textDocument: { uri: confUri } }), []);
  } finally {
    h.close();
  }
});
