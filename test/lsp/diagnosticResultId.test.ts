/**
 * Pull diagnostics with result ids: a pull that names the previous result id gets `unchanged` when the diagnostics
 * are the same again, a full report with a new id when they changed, and a full report when the id is unknown.
 * Push-mode clients get no result ids and still get every publish.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness, type Harness } from './harness';

interface Diag { range: { start: { line: number; character: number } }; code: string; message: string }
interface Report { kind: 'full' | 'unchanged'; resultId?: string; items?: Diag[] }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-rid-'));
const uriOf = (name: string) => pathToFileURL(path.join(tmp, name)).href;

async function open(h: Harness, name: string, languageId: string, text: string): Promise<string> {
  const uri = uriOf(name);
  await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}

function pull(h: Harness, uri: string, previousResultId?: string): Promise<Report> {
  return h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri }, ...(previousResultId !== undefined ? { previousResultId } : {}) }) as Promise<Report>;
}

/** An incremental change: replace line `line` (0-based, without its line break) with `text`. */
async function replaceLine(h: Harness, uri: string, version: number, line: number, oldLength: number, text: string): Promise<void> {
  await h.client.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: oldLength } }, text }],
  });
}

test('same diagnostics after an edit → unchanged with the same result id', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'a/pgpool.conf', 'pgpool-conf', 'port = 9999\nportt = 5\n');
    const first = await pull(h, uri);
    assert.equal(first.kind, 'full');
    assert.equal(typeof first.resultId, 'string');
    assert.ok(first.items!.some(d => d.range.start.line === 1), 'the misspelt parameter on line 2 is reported');
    // A different port on line 1: the text changed, the diagnostics did not.
    await replaceLine(h, uri, 2, 0, 'port = 9999'.length, 'port = 9998');
    const second = await pull(h, uri, first.resultId);
    assert.deepEqual(second, { kind: 'unchanged', resultId: first.resultId });
    // Pulled again without an edit, still unchanged.
    assert.deepEqual(await pull(h, uri, first.resultId), { kind: 'unchanged', resultId: first.resultId });
  } finally { h.close(); }
});

test('changed diagnostics → a full report with a new result id; an old id then gets the full report', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'b/pgpool.conf', 'pgpool-conf', 'port = 9999\nportt = 5\n');
    const first = await pull(h, uri);
    assert.equal(first.kind, 'full');
    assert.ok(first.items!.length >= 1);
    // Comment the misspelt line out: its diagnostic goes away.
    await replaceLine(h, uri, 2, 1, 'portt = 5'.length, '# portt = 5');
    const second = await pull(h, uri, first.resultId);
    assert.equal(second.kind, 'full');
    assert.notEqual(second.resultId, first.resultId);
    assert.ok(!second.items!.some(d => d.range.start.line === 1), 'the commented-out line is no longer reported');
    // A client still holding the first id must get the current list, not `unchanged`.
    const stale = await pull(h, uri, first.resultId);
    assert.equal(stale.kind, 'full');
    assert.equal(stale.resultId, second.resultId);
    assert.deepEqual(stale.items, second.items);
    // Moving a diagnostic to another line (same rule, same message) is a change too.
    await replaceLine(h, uri, 3, 0, 'port = 9999'.length, 'portt = 9999');
    const third = await pull(h, uri, second.resultId);
    assert.equal(third.kind, 'full');
    assert.ok(third.items!.some(d => d.range.start.line === 0));
  } finally { h.close(); }
});

test('an unknown previousResultId, or one of another document, gets a full report', async () => {
  const h = await startHarness();
  try {
    const a = await open(h, 'c/pgpool.conf', 'pgpool-conf', 'portt = 5\n');
    const b = await open(h, 'd/pgpool.conf', 'pgpool-conf', 'portt = 5\n');
    const ra = await pull(h, a);
    const unknown = await pull(h, a, 'no-such-id');
    assert.equal(unknown.kind, 'full');
    assert.deepEqual(unknown.items, ra.items);
    const rb = await pull(h, b, ra.resultId);
    assert.equal(rb.kind, 'full', "another document's id never makes a report unchanged");
    assert.notEqual(rb.resultId, ra.resultId);
    assert.ok(rb.items!.length >= 1);
  } finally { h.close(); }
});

test('closing and reopening forgets the result id', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'e/pgpool.conf', 'pgpool-conf', 'portt = 5\n');
    const first = await pull(h, uri);
    await h.client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await open(h, 'e/pgpool.conf', 'pgpool-conf', 'portt = 5\n');
    const again = await pull(h, uri, first.resultId);
    assert.equal(again.kind, 'full');
    assert.ok(again.items!.length >= 1);
  } finally { h.close(); }
});

test('push-mode clients still get every publish, without result ids', async () => {
  const h = await startHarness({ pull: false });
  try {
    const uri = await open(h, 'f/pgpool.conf', 'pgpool-conf', 'portt = 5\n');
    const settle = async (): Promise<void> => {
      // A round trip: the server has handled the change and sent its publish before it answers.
      await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    };
    for (let i = 0; i < 200 && !h.pushed.has(uri); i++) await new Promise(r => setImmediate(r));
    await settle();
    const firstPush = h.pushed.get(uri) as Diag[] | undefined;
    assert.ok(firstPush && firstPush.length >= 1);
    h.pushed.delete(uri);
    // An edit that leaves the diagnostics as they were is still published (push has no `unchanged`).
    await replaceLine(h, uri, 2, 0, 'portt = 5'.length, 'portt = 6');
    for (let i = 0; i < 200 && !h.pushed.has(uri); i++) await new Promise(r => setImmediate(r));
    await settle();
    const secondPush = h.pushed.get(uri) as Diag[] | undefined;
    assert.ok(secondPush, 'published again after the edit');
    assert.deepEqual(secondPush.map(d => d.code), firstPush.map(d => d.code));
  } finally { h.close(); }
});
