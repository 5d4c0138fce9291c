/**
 * A keystroke validates the edited document at once and the other open documents once typing pauses
 * (lsp/features.ts `documentChanged`), so that typing does not cost more with every open file.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OTHERS_AFTER_MS } from '../../server/src/lsp/features';
import { startHarness } from './harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-keys-'));
const uriOf = (name: string) => pathToFileURL(path.join(tmp, name)).href;
const settle = async (h: { client: { sendRequest(m: string, p: unknown): Promise<unknown> } }, uri: string) =>
  h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });

test('push client: ten keystrokes in pgpool.conf push it ten times, and the pool_hba.conf beside it once, after typing pauses', async () => {
  const h = await startHarness({ pull: false, settings: { checkFiles: false } });
  const counts = new Map<string, number>();
  let lastPush = Date.now();
  /** Until nothing was pushed for four pauses. */
  const quiet = async () => { while (Date.now() - lastPush < OTHERS_AFTER_MS * 4) await new Promise(r => setTimeout(r, 50)); };
  h.client.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
    h.pushed.set(p.uri, p.diagnostics);
    counts.set(p.uri, (counts.get(p.uri) ?? 0) + 1);
    lastPush = Date.now();
  });
  try {
    const conf = uriOf('a/pgpool.conf'), hba = uriOf('a/pool_hba.conf');
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: conf, languageId: 'pgpool-conf', version: 1, text: 'ssl = on\n' } });
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: hba, languageId: 'pool-hba', version: 1, text: 'hostssl all all 0.0.0.0/0 scram-sha-256\n' } });
    await settle(h, hba);
    await quiet(); // the pushes of the opening (each document's own, and the other's after the pause) are over
    counts.clear();
    // ten keystrokes in a burst (as fast as typing gets; no pause of OTHERS_AFTER_MS between them on any machine)
    for (let v = 2; v <= 11; v++) {
      void h.client.sendNotification('textDocument/didChange', { textDocument: { uri: conf, version: v }, contentChanges: [{ text: `ssl = on\nport = ${9000 + v}\n` }] });
    }
    await settle(h, conf);
    await quiet();
    assert.equal(counts.get(conf), 10, 'the edited document: once per keystroke');
    assert.equal(counts.get(hba), 1, 'the other document: once, after the pause, not once per keystroke');
    // the buffer beside it decides: ssl off makes the hostssl line of pool_hba.conf unusable, seen after the pause
    const before = JSON.stringify(h.pushed.get(hba));
    await h.client.sendNotification('textDocument/didChange', { textDocument: { uri: conf, version: 12 }, contentChanges: [{ text: 'ssl = off\n' }] });
    await settle(h, conf);
    await quiet();
    assert.equal(counts.get(hba), 2);
    assert.notEqual(JSON.stringify(h.pushed.get(hba)), before, 'its diagnostics follow the edited buffer');
    assert.ok((h.pushed.get(hba) as unknown[]).length > 0);
  } finally {
    h.close();
  }
});
