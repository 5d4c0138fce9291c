/**
 * pool_passwd over LSP: the language is served by its id and by its file name, hover answers without the secret, and
 * the pool_hba.conf beside it follows the unsaved pool_passwd buffer (the cross-file rule reads open buffers).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness, type Harness } from './harness';

interface Diag { range: { start: { line: number; character: number } }; code: string; severity: number; message: string }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-passwd-'));
const uriOf = (name: string) => pathToFileURL(path.join(tmp, name)).href;
const HASH = 'md5e8a48653851e28c69d0506508fb27fc5';

async function open(h: Harness, name: string, languageId: string, text: string): Promise<string> {
  const uri = uriOf(name);
  await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}

async function diagnostics(h: Harness, uri: string): Promise<Diag[]> {
  const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { kind: string; items: Diag[] };
  assert.equal(report.kind, 'full');
  return report.items;
}

test('pool-passwd documents get diagnostics, by language id and by file name', async () => {
  const h = await startHarness();
  try {
    const byId = await open(h, 'a/pool_passwd', 'pool-passwd', 'alice:secret\nbob:TEXTx\r\n');
    const items = await diagnostics(h, byId);
    assert.deepEqual(items.map(d => `${d.range.start.line} ${d.code}`), ['0 pool-passwd/clear-text-password', '1 pool-passwd/crlf']);
    assert.ok(items.every(d => !d.message.includes('secret')), 'no message shows the password');
    const byName = await open(h, 'b/prod.pool_passwd', 'plaintext', 'alice:secret\n');
    assert.deepEqual((await diagnostics(h, byName)).map(d => d.code), ['pool-passwd/clear-text-password']);
  } finally { h.close(); }
});

test('hover on a pool_passwd user says what the entry serves, without the hash', async () => {
  const h = await startHarness();
  try {
    const uri = await open(h, 'c/pool_passwd', 'pool-passwd', `bob:${HASH}\n`);
    for (const character of [1, 10]) {
      const hover = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character } }) as { contents: { value: string } } | null;
      assert.ok(hover, `a hover at ${character}`);
      assert.ok(!hover.contents.value.includes(HASH.slice(3, 11)), hover.contents.value);
    }
    const onUser = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }) as { contents: { value: string } };
    assert.match(onUser.contents.value, /scram-sha-256/);
  } finally { h.close(); }
});

test('cross-file: pool_hba.conf follows the unsaved pool_passwd buffer beside it', async () => {
  const h = await startHarness();
  try {
    fs.mkdirSync(path.join(tmp, 'x'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'x/pgpool.conf'), "enable_pool_hba = on\nbackend_port0 = 5432\nbackend_port1 = 5433\n");
    fs.writeFileSync(path.join(tmp, 'x/pool_passwd'), 'bob:TEXTsecret\n');
    const hba = await open(h, 'x/pool_hba.conf', 'pool-hba', 'host all bob 10.0.0.0/8 scram-sha-256\n');
    assert.deepEqual((await diagnostics(h, hba)).map(d => d.code), [], 'clean against the file on disk');
    const passwd = await open(h, 'x/pool_passwd', 'pool-passwd', `bob:${HASH}\n`);
    const items = await diagnostics(h, hba);
    assert.deepEqual(items.map(d => d.code), ['pool-hba/pool-passwd-entry-type']);
    const related = items[0] as Diag & { relatedInformation?: { location: { uri: string } }[] };
    assert.equal(related.relatedInformation?.[0]?.location.uri, passwd, 'points at the entry in pool_passwd');
    await h.client.sendNotification('textDocument/didClose', { textDocument: { uri: passwd } });
    assert.deepEqual((await diagnostics(h, hba)).map(d => d.code), [], 'back to the file on disk');
  } finally { h.close(); }
});
