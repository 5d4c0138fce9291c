/**
 * The document store's cache over LSP: a document's settings are asked for once, and asked for again after a
 * configuration change (`clear`) and after the document was closed and reopened (`evict`); quick fixes after a
 * configuration change follow the new settings (the problems were forgotten too).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness, type Harness } from './harness';

interface Diag { code: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-store-'));
const TEXT = 'port = 9999\nportt = 5\n';

const pull = async (h: Harness, uri: string): Promise<Diag[]> =>
  ((await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
const open = (h: Harness, uri: string) =>
  h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pgpool-conf', version: 1, text: TEXT } });

test('settings are cached per document until a configuration change or a close', async () => {
  const h = await startHarness();
  try {
    const uri = pathToFileURL(path.join(tmp, 'a', 'pgpool.conf')).href;
    await open(h, uri);
    const first = await pull(h, uri);
    assert.ok(first.length >= 1);
    assert.equal(h.configurationRequests, 1);
    await pull(h, uri);
    await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.equal(h.configurationRequests, 1, 'cached');

    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await pull(h, uri);
    assert.equal(h.configurationRequests, 2, 'asked again after a configuration change');

    await h.client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await open(h, uri);
    await pull(h, uri);
    assert.equal(h.configurationRequests, 3, 'asked again after close and reopen');
  } finally { h.close(); }
});

test('quick fixes after a configuration change follow the new settings', async () => {
  const h = await startHarness();
  try {
    const uri = pathToFileURL(path.join(tmp, 'b', 'pgpool.conf')).href;
    await open(h, uri);
    const [d] = await pull(h, uri);
    assert.ok(d);
    const actions = () => h.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [] } }) as Promise<unknown[]>;
    assert.ok((await actions()).length >= 1, 'a fix for the misspelt parameter');
    h.settings = { rules: { [d.code]: 'off' } };
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(await actions(), [], 'the rule is off now: no fix offered');
  } finally { h.close(); }
});
