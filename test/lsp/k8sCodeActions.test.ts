/**
 * Code actions of the YAML mode over LSP. On a reference to a missing Secret, `textDocument/codeAction` on the
 * `secret/not-found` diagnostic returns "Create certificates and Secrets for this resource…" as a CodeAction that runs
 * `pgtls.createTlsSetForResource` with `{ uri, offset }` of the resource (no edit), beside the usual edit fixes. And the
 * quick fixes issue 3 lists, each applied and re-validated: did-you-mean on an unknown key, enum spelling and case,
 * the missing twin Secret reference (Percona), a `tls.issuerRef` skeleton (KubeDB).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
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
  // As the VS Code client announces it (client/src/extension.ts); other clients get the server's command (serverCommands.test.ts).
  const h = await startHarness({ initializationOptions: { clientCommands: ['pgtls.createTlsSetForResource'] } });
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

// ------------------------------------------------------------------------------------------- the quick fixes

interface EditAction extends Action { isPreferred?: boolean; edit?: { changes: Record<string, { range: Range; newText: string }[]> } }

/** Applies a CodeAction's edits for `uri` to `text` (LSP ranges, through the same TextDocument the server uses). */
function applyAction(text: string, uri: string, action: EditAction): string {
  const doc = TextDocument.create(uri, 'yaml', 1, text);
  return TextDocument.applyEdits(doc, action.edit!.changes[uri]!);
}

/** The quick fixes offered on the first diagnostic with `code` (optionally whose message matches). */
async function fixesFor(h: Awaited<ReturnType<typeof startHarness>>, uri: string, code: string, message?: RegExp): Promise<{ diag: Diag; actions: EditAction[] }> {
  const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { items: (Diag & { message: string })[] };
  const diag = report.items.find(d => d.code === code && (!message || message.test(d.message)));
  assert.ok(diag, `${code} in ${JSON.stringify(report.items.map(d => d.code))}`);
  const actions = await h.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } }) as EditAction[];
  return { diag, actions: actions.filter(a => a.diagnostics?.some(d => d.code === code)) };
}

const PGPOOL = `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata: { name: pp, namespace: demo }
spec:
  version: "4.6.0"
  postgresRef: { name: ha-postgres, namespace: demo }
  sslMode: disabled
  cientAuthMode: md5
  tls:
    certificates:
      - alias: server
        privateKey: { encoding: pkcs8 }
`;

test('quick fixes over LSP: did-you-mean, enum case (disabled → disable, pkcs8 → PKCS8), a tls.issuerRef skeleton', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-qf-'));
  const h = await startHarness();
  try {
    const uri = pathToFileURL(path.join(dir, 'pp.yaml')).href;
    let text = PGPOOL;
    let version = 1;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    const apply = async (code: string, message: RegExp | undefined, title: string | RegExp, expect: RegExp) => {
      const { actions } = await fixesFor(h, uri, code, message);
      const action = actions.find(a => (typeof title === 'string' ? a.title === title : title.test(a.title)));
      assert.ok(action, `${code}: ${JSON.stringify(actions.map(a => a.title))}`);
      assert.equal(action.kind, 'quickfix');
      text = applyAction(text, uri, action);
      assert.match(text, expect);
      await h.client.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
      return action;
    };
    const rename = await apply('schema/unknown-field', /cientAuthMode/, 'Rename to "clientAuthMode"', /\n {2}clientAuthMode: md5\n/);
    assert.equal(rename.isPreferred, true, 'the single candidate is preferred');
    const disable = await apply('schema/invalid-value', /sslMode/, 'Change to "disable"', /\n {2}sslMode: disable\n/);
    assert.equal(disable.isPreferred, true);
    await apply('schema/invalid-value', /encoding/, 'Change to "PKCS8"', /privateKey: \{ encoding: PKCS8 \}/);
    await apply('pgpool/missing-issuer-ref', undefined, 'Add a tls.issuerRef skeleton (cert-manager Issuer)',
      /\n {2}tls:\n {4}issuerRef: \{ apiGroup: cert-manager\.io, kind: Issuer, name: pp-ca-issuer \}\n {4}certificates:\n/);
    const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { items: Diag[] };
    assert.deepEqual(report.items.filter(d => /^(?:schema|pgpool)\//.test(d.code)).map(d => d.code), [], 'every fixed problem is gone');
  } finally { h.close(); }
});

test('quick fix over LSP: add the missing twin Secret reference of a Percona cluster', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-k8s-qf-'));
  const h = await startHarness();
  try {
    const uri = pathToFileURL(path.join(dir, 'pg.yaml')).href;
    const text = `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata: { name: cluster1, namespace: db }
spec:
  postgresVersion: 17
  secrets:
    customTLSSecret:
      name: cluster1-server-tls
`;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const { actions } = await fixesFor(h, uri, 'percona/twin-secrets');
    const action = actions.find(a => a.edit);
    assert.ok(action, JSON.stringify(actions));
    assert.equal(action.title, 'Add customReplicationTLSSecret (Secret cluster1-replication-tls)');
    const fixed = applyAction(text, uri, action);
    assert.match(fixed, /\n {2}secrets:\n {4}customReplicationTLSSecret: \{ name: cluster1-replication-tls \}\n {4}customTLSSecret:\n/);
    await h.client.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const report = await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { items: Diag[] };
    assert.ok(!report.items.some(d => d.code === 'percona/twin-secrets'), JSON.stringify(report.items.map(d => d.code)));
  } finally { h.close(); }
});
