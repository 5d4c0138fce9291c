/**
 * `pgtls.rules` over LSP: a key that names no rule is reported to the user once (window/showMessage, a warning naming
 * the did-you-mean) instead of silently doing nothing, while the rules it does name still apply.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness } from './harness';

interface Shown { type: number; message: string }

test('pgtls.rules with a misspelt id: one warning naming the did-you-mean; the valid override still applies', async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-rules-')));
  const h = await startHarness({ workspaceFolders: [dir], settings: { rules: { 'pool-hba/md5-methd': 'off', 'pool-hba/trust-on-network': 'off' } } });
  const shown: Shown[] = [];
  let seen!: () => void;
  const first = new Promise<void>(resolve => { seen = resolve; });
  h.client.onNotification('window/showMessage', (m: Shown) => { shown.push(m); seen(); });
  try {
    const uri = pathToFileURL(path.join(dir, 'pool_hba.conf')).href;
    const text = 'host all all 10.0.0.0/8 trust\nhost all all 10.0.0.0/8 md5\n';
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pool-hba', version: 1, text } });
    const pull = async () => ((await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: { code: string }[] }).items;
    const codes = (await pull()).map(d => d.code);
    await first;
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.type, 2, 'a warning');
    assert.match(shown[0]!.message, /"pool-hba\/md5-methd" \(did you mean "pool-hba\/md5-method"\?\); it has no effect/);
    assert.ok(!codes.includes('pool-hba/trust-on-network'), `the valid override applies: ${codes.join(', ')}`);
    assert.ok(codes.includes('pool-hba/md5-method'), `the misspelt override does not: ${codes.join(', ')}`);
    // Settings pulled again (a configuration change): the same id is not reported twice.
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await pull();
    assert.equal(shown.length, 1, 'reported once per id');
  } finally {
    h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
