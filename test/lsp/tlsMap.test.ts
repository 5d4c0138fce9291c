/**
 * The TLS map over LSP with the real server: `pgtls/tlsMap` answers the map of a document's folder (certificates made
 * by openssl here) with the check's diagnostic on the broken link and the SVG the view shows; the open buffer counts
 * over the disk; the "Show TLS Map" code lens sits on the operator resource's name and at the top of a pgpool.conf,
 * asks for the map with its resource in focus, and is gone with `pgtls.mapCodeLens` off.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness } from './harness';
import { ROOT } from '../helpers';
import { missing } from '../requires';
import { TLS_MAP_REQUEST, SHOW_TLS_MAP_COMMAND, type TlsMapResult } from '../../server/src/protocol';

const skip = missing('openssl', 'bash');
let dir = '';

before(() => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lspmap-'));
  execFileSync('bash', ['-c', `set -e; . "$LIB/k8s.sh"
k8s_ca ca "Root CA"; k8s_leaf ca server cluster1-primary "DNS:cluster1-primary"
{ printf 'apiVersion: pgv2.percona.com/v2\\nkind: PerconaPGCluster\\nmetadata:\\n  name: cluster1\\n  namespace: db\\nspec:\\n  crVersion: 2.5.0\\n  secrets:\\n    customTLSSecret:\\n      name: cluster1-tls\\n'
  k8s_secret cluster1-tls db kubernetes.io/tls ca.crt=ca.crt tls.crt=server.crt tls.key=server.key; } > cluster.yaml
printf 'ssl = on\\n' > pgpool.conf`], { cwd: dir, env: { ...process.env, LIB: path.join(ROOT, 'test/fixtures/_lib') } });
});
after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

/** The client commands VS Code's client announces (client/src/extension.ts): it shows the map and renews itself. */
const VSCODE = { clientCommands: ['pgtls.showTlsMap', 'pgtls.renewCertificates'] };

test('pgtls/tlsMap: the map of the folder with the diagnostic on the broken link, and its SVG; code lenses', { skip }, async () => {
  const h = await startHarness({ workspaceFolders: [dir], initializationOptions: VSCODE });
  try {
    const file = path.join(dir, 'cluster.yaml');
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const r = (await h.client.sendRequest(TLS_MAP_REQUEST, { uri })) as TlsMapResult;
    assert.equal(r.folder, dir);
    const serves = r.map.edges.find(e => e.kind === 'serves' && e.to === 'server:PerconaPGCluster/db/cluster1');
    assert.ok(serves, r.map.edges.map(e => e.id).join('\n'));
    assert.deepEqual(serves.diagnostics.map(d => d.rule), ['percona/server-san']);
    assert.equal(serves.place?.file, file, 'absolute places for click-through');
    assert.equal((r.svg.match(/<g class="node[ "]/g) ?? []).length, r.map.nodes.length);
    // The open buffer wins over the disk: without the Secret reference the cluster serves nothing.
    const edited = text.replace('customTLSSecret:\n      name: cluster1-tls\n', '');
    await h.client.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited }] });
    const r2 = (await h.client.sendRequest(TLS_MAP_REQUEST, { uri })) as TlsMapResult;
    assert.equal(r2.map.edges.some(e => e.kind === 'serves'), false);
    const lens = (await h.client.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[];
    const show = lens.filter(l => l.command.title === 'Show TLS Map');
    const focus = edited.indexOf('cluster1');
    assert.deepEqual(show.map(l => [l.range.start.line, l.command.command, l.command.arguments]), [[3, SHOW_TLS_MAP_COMMAND, [{ uri, focus }]]]);
    // The lens's arguments ask for the map with the resource in focus.
    const focused = (await h.client.sendRequest(TLS_MAP_REQUEST, { uri, focus })) as TlsMapResult;
    assert.equal(focused.focus, 'server:PerconaPGCluster/db/cluster1');
    assert.equal(((await h.client.sendRequest(TLS_MAP_REQUEST, { uri, focus: edited.indexOf('crVersion') })) as TlsMapResult).focus, undefined);
    const conf = pathToFileURL(path.join(dir, 'pgpool.conf')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri: conf, languageId: 'pgpool-conf', version: 1, text: 'ssl = on\n' } });
    const confLens = (await h.client.sendRequest('textDocument/codeLens', { textDocument: { uri: conf } })) as { range: { start: { line: number } }; command: { title: string } }[];
    assert.deepEqual(confLens.filter(l => l.command.title === 'Show TLS Map').map(l => l.range.start.line), [0]);
  } finally {
    h.close();
  }
});

test('pgtls.mapCodeLens off: no "Show TLS Map" lens, the request still answers', { skip }, async () => {
  const h = await startHarness({ workspaceFolders: [dir], settings: { mapCodeLens: false }, initializationOptions: VSCODE });
  try {
    const file = path.join(dir, 'cluster.yaml');
    const uri = pathToFileURL(file).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: fs.readFileSync(file, 'utf8') } });
    const lens = (await h.client.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { command: { title: string } }[];
    assert.deepEqual(lens.filter(l => l.command.title === 'Show TLS Map'), []);
    assert.ok(lens.length > 0, 'the certificate expiry lenses stay');
    const r = (await h.client.sendRequest(TLS_MAP_REQUEST, { uri })) as TlsMapResult;
    assert.ok(r.map.nodes.length > 0);
  } finally {
    h.close();
  }
});
