/**
 * Go-to-definition over LSP with the real server (`textDocument/definition`): from a reference to the Secret or Issuer
 * it names, in the same file, in a file on disk found by the initial scan of the workspace folder, in an unsaved
 * buffer (which wins over the disk), and an empty answer when nothing is found or the cursor is on no reference.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { startServer } from '../../server/src/lsp/server';
import { nodeEnv } from '../../server/src/node/env';
import { SCHEMAS } from '../helpers';

interface Position { line: number; character: number }
interface Location { uri: string; range: { start: Position; end: Position } }

async function start(folder: string): Promise<{ client: MessageConnection; capabilities: Record<string, unknown>; close(): void }> {
  const up = new PassThrough();
  const down = new PassThrough();
  startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(up), new StreamMessageWriter(down)), overlay => nodeEnv(SCHEMAS, overlay));
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  client.onRequest('workspace/diagnostic/refresh', () => null);
  client.onRequest('client/registerCapability', () => null);
  client.onNotification('window/logMessage', () => undefined);
  client.listen();
  const init = await client.sendRequest('initialize', {
    processId: null, rootUri: pathToFileURL(folder).href, workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'ws' }],
    capabilities: { workspace: { configuration: true }, textDocument: { diagnostic: {}, definition: {} } },
  }) as { capabilities: Record<string, unknown> };
  await client.sendNotification('initialized', {});
  return { client, capabilities: init.capabilities, close() { client.dispose(); up.end(); down.end(); } };
}

const CPO = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: c1, namespace: db }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  tls:
    secretName: c1-tls
    caSecretName: c1-ca
    caFile: ca.crt
`;
const secret = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: db\ntype: kubernetes.io/tls\nstringData: { tls.crt: a, tls.key: b }\n`;

const definition = async (client: MessageConnection, uri: string, position: Position): Promise<Location[]> =>
  ((await client.sendRequest('textDocument/definition', { textDocument: { uri }, position })) as Location[] | null) ?? [];

test('definition: across files (disk, found by the scan), unsaved buffers first, same file, not found → empty', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-def-'));
  fs.mkdirSync(path.join(ws, 'secrets'));
  const disk = path.join(ws, 'secrets', 'tls.yaml');
  fs.writeFileSync(disk, `# the server certificate\n${secret('c1-tls')}`);
  const h = await start(ws);
  try {
    assert.equal(h.capabilities.definitionProvider, true);
    const uri = pathToFileURL(path.join(ws, 'cpo.yaml')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: CPO } });
    // 1. On disk: line 4 (`  name: c1-tls` after the comment), the name's columns.
    assert.deepEqual(await definition(h.client, uri, { line: 9, character: 18 }), [
      { uri: pathToFileURL(disk).href, range: { start: { line: 4, character: 8 }, end: { line: 4, character: 14 } } },
    ]);
    // 2. The same file opened and edited without saving: its buffer is what the definition reads.
    const diskUri = pathToFileURL(disk).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: diskUri, languageId: 'yaml', version: 1, text: `\n\n${secret('c1-tls')}` } });
    assert.deepEqual(await definition(h.client, uri, { line: 9, character: 18 }), [
      { uri: diskUri, range: { start: { line: 5, character: 8 }, end: { line: 5, character: 14 } } },
    ]);
    await h.client.sendNotification('textDocument/didClose', { textDocument: { uri: diskUri } });
    // 3. Not found, or no reference under the cursor: an empty answer.
    assert.deepEqual(await definition(h.client, uri, { line: 10, character: 19 }), [], 'c1-ca is nowhere');
    assert.deepEqual(await definition(h.client, uri, { line: 4, character: 12 }), [], 'teamId is no reference');
    // 4. Same file: the CA Secret added as another document of the buffer.
    await h.client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 12, character: 0 }, end: { line: 12, character: 0 } }, text: `---\n${secret('c1-ca')}` }],
    });
    assert.deepEqual(await definition(h.client, uri, { line: 10, character: 19 }), [
      { uri, range: { start: { line: 16, character: 8 }, end: { line: 16, character: 13 } } },
    ]);
    // 5. An unknown document: empty, no error.
    assert.deepEqual(await definition(h.client, pathToFileURL(path.join(ws, 'nope.yaml')).href, { line: 0, character: 0 }), []);
  } finally { h.close(); }
});

test('definition: an Issuer in an unsaved, never-saved buffer', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-def-'));
  const h = await start(ws);
  try {
    const cert = `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: srv, namespace: db }\nspec:\n  secretName: srv-tls\n  dnsNames: [a]\n  issuerRef:\n    name: db-ca\n`;
    const issuer = `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: db-ca\n  namespace: db\nspec:\n  ca: { secretName: db-ca-pair }\n`;
    const certUri = pathToFileURL(path.join(ws, 'cert.yaml')).href;
    const issuerUri = pathToFileURL(path.join(ws, 'new', 'issuer.yaml')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: certUri, languageId: 'yaml', version: 1, text: cert } });
    assert.deepEqual(await definition(h.client, certUri, { line: 7, character: 12 }), []);
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: issuerUri, languageId: 'yaml', version: 1, text: issuer } });
    assert.deepEqual(await definition(h.client, certUri, { line: 7, character: 12 }), [
      { uri: issuerUri, range: { start: { line: 3, character: 8 }, end: { line: 3, character: 13 } } },
    ]);
  } finally { h.close(); }
});
