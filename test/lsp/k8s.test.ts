/**
 * The YAML mode over LSP with the real server: the workspace index (initial scan of the workspace folder, open buffers,
 * file-watcher events) updating the diagnostics of a resource when the Secret it references changes in another file,
 * multi-document ranges after incremental edits, silence on unrelated YAML, hover and quick fixes; workspace folders
 * added and removed at run time; hover and completion from a user's CRD; hover over a certificate in a Secret.
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
import { issue } from '../unit/pgpoolConfTlsKit';

interface Diag { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string; severity: number; message: string }

/** The real server with one workspace folder; the fake editor answers settings with defaults. */
async function start(folder: string, workspaceFolders = false): Promise<{ client: MessageConnection; refreshes: () => number; close(): void }> {
  const up = new PassThrough();
  const down = new PassThrough();
  startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(up), new StreamMessageWriter(down)), overlay => nodeEnv(SCHEMAS, overlay));
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  let refreshes = 0;
  client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  client.onRequest('workspace/diagnostic/refresh', () => { refreshes++; return null; });
  client.onRequest('client/registerCapability', () => null);
  client.onNotification('window/logMessage', () => undefined);
  client.listen();
  await client.sendRequest('initialize', {
    processId: null, rootUri: pathToFileURL(folder).href, workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'ws' }],
    capabilities: { workspace: { configuration: true, diagnostics: { refreshSupport: true }, ...(workspaceFolders ? { workspaceFolders: true } : {}) }, textDocument: { diagnostic: {}, hover: {}, completion: {}, codeAction: {} } },
  });
  await client.sendNotification('initialized', {});
  return { client, refreshes: () => refreshes, close() { client.dispose(); up.end(); down.end(); } };
}

/**
 * The diagnostics these tests are about: the Secret reference and the schema. Other rules (certificate contents of
 * the placeholder Secrets, CPO's spiloFSGroup note…) have tests of their own and must not make these fail.
 */
const OF_INTEREST = /^(?:secret\/not-found|schema\/)/;
const diagnostics = async (client: MessageConnection, uri: string): Promise<Diag[]> =>
  ((await client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items.filter(d => OF_INTEREST.test(d.code));
const codes = async (client: MessageConnection, uri: string) => (await diagnostics(client, uri)).map(d => d.code);

const CPO = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata:
  name: cluster-1
  namespace: db
spec:
  teamId: acid
  numberOfInstances: 2
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  tls:
    secretName: cluster-1-tls
`;
const secret = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: db\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: a\n  tls.key: b\n`;

test('the workspace folder is scanned at start: a Secret on disk in a subfolder satisfies the reference', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-'));
  fs.mkdirSync(path.join(ws, 'secrets'));
  fs.writeFileSync(path.join(ws, 'secrets', 'tls.yaml'), secret('cluster-1-tls'));
  fs.mkdirSync(path.join(ws, 'node_modules'));
  fs.writeFileSync(path.join(ws, 'node_modules', 'x.yaml'), 'ignored: true\n');
  const h = await start(ws);
  try {
    const uri = pathToFileURL(path.join(ws, 'db', 'cpo.yaml')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: CPO } });
    assert.deepEqual(await codes(h.client, uri), []);
  } finally { h.close(); }
});

test('a change in the Secret\'s file updates the referencing resource\'s diagnostics (open buffers and file events)', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-'));
  const h = await start(ws);
  try {
    const cpo = pathToFileURL(path.join(ws, 'cpo.yaml')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: cpo, languageId: 'yaml', version: 1, text: CPO } });
    const first = await diagnostics(h.client, cpo);
    assert.deepEqual(first.map(d => d.code), ['secret/not-found']);
    assert.equal(first[0]!.severity, 3, 'information, never an error');
    assert.deepEqual(first[0]!.range, { start: { line: 11, character: 16 }, end: { line: 11, character: 29 } });

    // 1. The Secret appears in an unsaved buffer.
    const sec = pathToFileURL(path.join(ws, 'secret.yaml')).href;
    const before = h.refreshes();
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: sec, languageId: 'yaml', version: 1, text: secret('cluster-1-tls') } });
    assert.deepEqual(await codes(h.client, sec), []);
    assert.deepEqual(await codes(h.client, cpo), []);
    // 2. Renaming it in the buffer brings the note back, and the server asked the editor to refresh.
    await h.client.sendNotification('textDocument/didChange', {
      textDocument: { uri: sec, version: 2 },
      contentChanges: [{ range: { start: { line: 3, character: 8 }, end: { line: 3, character: 21 } }, text: 'renamed-tls' }],
    });
    assert.deepEqual(await codes(h.client, cpo), ['secret/not-found']);
    // the other open documents are refreshed once typing pauses (lsp/features.ts OTHERS_AFTER_MS)
    for (const until = Date.now() + 10_000; h.refreshes() <= before && Date.now() < until;) await new Promise(r => setTimeout(r, 20));
    assert.ok(h.refreshes() > before, 'a diagnostics refresh was requested');
    await h.client.sendNotification('textDocument/didClose', { textDocument: { uri: sec } });

    // 3. The file is created on disk and the watcher reports it.
    const disk = path.join(ws, 'more', 'tls.yml');
    fs.mkdirSync(path.dirname(disk));
    fs.writeFileSync(disk, secret('cluster-1-tls'));
    await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(disk).href, type: 1 }] });
    assert.deepEqual(await codes(h.client, cpo), []);
    // 4. Changed on disk (renamed Secret), then deleted.
    fs.writeFileSync(disk, secret('other'));
    await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(disk).href, type: 2 }] });
    assert.deepEqual(await codes(h.client, cpo), ['secret/not-found']);
    fs.writeFileSync(disk, secret('cluster-1-tls'));
    await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(disk).href, type: 2 }] });
    assert.deepEqual(await codes(h.client, cpo), []);
    fs.rmSync(disk);
    await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(disk).href, type: 3 }] });
    assert.deepEqual(await codes(h.client, cpo), ['secret/not-found']);
  } finally { h.close(); }
});

test('multi-document ranges stay exact through incremental edits; unrelated YAML stays silent', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-'));
  const h = await start(ws);
  try {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\n${secret('a')}---\napiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: pp }\nspec:\n  version: "4.6.0"\n  postgresRef: { name: pg }\n  cientAuthMode: cert\n`;
    const uri = pathToFileURL(path.join(ws, 'all.yaml')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const d1 = await diagnostics(h.client, uri);
    assert.deepEqual(d1.map(d => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]), [['schema/unknown-field', 20, 2, 15]]);
    // Insert two lines in the first document: the Pgpool document moves, its problem moves with it.
    await h.client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'data:\n  k: v\n' }],
    });
    assert.deepEqual((await diagnostics(h.client, uri)).map(d => [d.code, d.range.start.line]), [['schema/unknown-field', 22]]);
    // Quick fix over LSP.
    const actions = await h.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 22, character: 4 }, end: { line: 22, character: 4 } }, context: { diagnostics: [] },
    }) as { title: string; isPreferred?: boolean; edit: { changes: Record<string, { newText: string }[]> } }[];
    assert.equal(actions[0]!.title, 'Rename to "clientAuthMode"');
    assert.equal(actions[0]!.edit.changes[uri]![0]!.newText, 'clientAuthMode');
    // Hover over LSP: range = the key.
    const hover = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 20, character: 4 } }) as { range: Diag['range']; contents: { value: string } };
    assert.deepEqual(hover.range, { start: { line: 20, character: 2 }, end: { line: 20, character: 9 } });
    assert.match(hover.contents.value, /PgpoolVersion/);

    const other = pathToFileURL(path.join(ws, 'compose.yml')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: other, languageId: 'yaml', version: 1, text: 'services:\n  db: { image: [\n' } });
    assert.deepEqual(((await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri: other } })) as { items: Diag[] }).items, [], 'nothing at all');
  } finally { h.close(); }
});

test('workspace folders added and removed at run time: the index follows, open documents are validated again', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-'));
  const extra = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-extra-'));
  fs.mkdirSync(path.join(extra, 'deep'));
  fs.writeFileSync(path.join(extra, 'deep', 'secret.yaml'), secret('cluster-1-tls'));
  const h = await start(ws, true);
  try {
    const cpo = pathToFileURL(path.join(ws, 'cpo.yaml')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: cpo, languageId: 'yaml', version: 1, text: CPO } });
    assert.deepEqual(await codes(h.client, cpo), ['secret/not-found']);
    const folder = { uri: pathToFileURL(extra).href, name: 'extra' };
    let before = h.refreshes();
    await h.client.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder], removed: [] } });
    assert.deepEqual(await codes(h.client, cpo), [], 'the added folder holds the Secret');
    assert.ok(h.refreshes() > before, 'a diagnostics refresh was requested');
    before = h.refreshes();
    await h.client.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder] } });
    assert.deepEqual(await codes(h.client, cpo), ['secret/not-found'], 'the removed folder no longer counts');
    assert.ok(h.refreshes() > before);
    // Removing a folder keeps the files another folder still holds (a nested folder).
    const nested = { uri: pathToFileURL(path.join(extra, 'deep')).href, name: 'deep' };
    await h.client.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder, nested], removed: [] } });
    await h.client.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder] } });
    assert.deepEqual(await codes(h.client, cpo), []);
  } finally { h.close(); }
});

test('hover and completion for a kind defined by a CRD on disk in the workspace folder (the workspace index)', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-'));
  fs.mkdirSync(path.join(ws, 'crds'));
  fs.writeFileSync(path.join(ws, 'crds', 'widget.yaml'), `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                sslMode: { type: string, enum: [disable, require], description: How the widget talks TLS. }
                replicas: { type: integer }
`);
  const h = await start(ws);
  try {
    const uri = pathToFileURL(path.join(ws, 'w.yaml')).href;
    const text = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec:\n  sslMode: require\n  \n';
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const hover = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 4 } }) as { range: Diag['range']; contents: { value: string } } | null;
    assert.ok(hover);
    assert.deepEqual(hover.range, { start: { line: 4, character: 2 }, end: { line: 4, character: 9 } });
    assert.match(hover.contents.value, /How the widget talks TLS/);
    const items = await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 2 } }) as { label: string }[];
    assert.deepEqual(items.map(i => i.label), ['replicas']);
  } finally { h.close(); }
});

test('hover over a certificate in a Secret over LSP: its details, the range is the value; a key shows no material', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-'));
  const cert = await issue({ cn: 'c1.db.svc', kind: 'ec256' });
  const h = await start(ws);
  try {
    const uri = pathToFileURL(path.join(ws, 'secret.yaml')).href;
    const crt = Buffer.from(cert.certPem).toString('base64');
    const key = Buffer.from(cert.keyPem).toString('base64');
    const text = `apiVersion: v1\nkind: Secret\nmetadata: { name: c1-tls, namespace: db }\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${crt}\n  tls.key: ${key}\n`;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const hover = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 20 } }) as { range: Diag['range']; contents: { value: string } };
    assert.deepEqual(hover.range, { start: { line: 5, character: 11 }, end: { line: 5, character: 11 + crt.length } });
    assert.match(hover.contents.value, /- Subject: `CN=c1\.db\.svc`/);
    assert.match(hover.contents.value, /- Key: EC P-256 \(prime256v1\)/);
    const keyHover = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 20 } }) as { contents: { value: string } };
    assert.match(keyHover.contents.value, /\*\*private key\*\* · EC P-256/);
    assert.ok(!keyHover.contents.value.includes(key.slice(0, 12)) && !keyHover.contents.value.includes('BEGIN'));
  } finally { h.close(); }
});
