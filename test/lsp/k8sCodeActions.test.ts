/**
 * The code action on a reference to a missing Secret over LSP: `textDocument/codeAction` on the `secret/not-found`
 * diagnostic returns "Create certificates and Secrets for this resource…" as a CodeAction that runs
 * `pgtls.createTlsSetForResource` with `{ uri, offset }` of the resource (no edit), beside the usual edit fixes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CERT_PRESET_REQUEST } from '../../server/src/protocol';
import { startHarness } from './harness';

interface Range { start: { line: number; character: number }; end: { line: number; character: number } }
interface Diag { range: Range; code: string }
interface Action { title: string; kind?: string; edit?: unknown; diagnostics?: Diag[]; command?: { title: string; command: string; arguments?: unknown[] } }

const CPO = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: c1, namespace: db }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  tls: { secretName: c1-tls }
`;

test('codeAction on secret/not-found: a command-only CodeAction running pgtls.createTlsSetForResource on the resource', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-ca-'));
  const h = await startHarness();
  try {
    const uri = pathToFileURL(path.join(dir, 'cpo.yaml')).href;
    // A second document whose reference is fine must not matter; the offset is into the whole file.
    const text = `apiVersion: v1\nkind: Secret\nmetadata: { name: other, namespace: db }\ntype: kubernetes.io/tls\nstringData: { tls.crt: a, tls.key: b }\n---\n${CPO}`;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { items: Diag[] };
    const diag = report.items.find(d => d.code === 'secret/not-found');
    assert.ok(diag, JSON.stringify(report.items));
    const actions = await h.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] },
    }) as Action[];
    const action = actions.find(a => a.command?.command === 'pgtls.createTlsSetForResource');
    assert.ok(action, JSON.stringify(actions));
    assert.equal(action.title, 'Create certificates and Secrets for this resource…');
    assert.equal(action.kind, 'quickfix');
    assert.equal(action.edit, undefined, 'a command-only fix has no edit');
    assert.deepEqual(action.diagnostics?.map(d => d.code), ['secret/not-found']);
    assert.deepEqual(action.command!.arguments, [{ uri, offset: text.indexOf('c1-tls') }]);
    // The argument names the resource: the server's preset request answers for it.
    const preset = await h.client.sendRequest(CERT_PRESET_REQUEST, action.command!.arguments![0]) as { name?: string } | null;
    assert.equal(preset?.name, 'c1');
  } finally { h.close(); }
});
