// The TLS map's code lens in a real VS Code (issue 12): `pgtls.mapCodeLens` turns the "Show TLS Map" lens off and on;
// a lens opens the map with its own resource in focus (highlighted, scrolled into view, holding the keyboard focus:
// Tab moves on, Enter opens the place the node comes from). The browser side looks into the webview's frame
// (harness/pageRequests.ts `frameFocus`) and, with PGTLS_SCREENSHOT=1, takes the README's picture of the map with a
// broken link (docs/images/vscode-tls-map.png). Certificates are made here by the real openssl.
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { askPage } = require('./page');

const REPO = path.resolve(__dirname, '../../..');
const FOLDER = 'tlsmap';
const WAIT_MS = 20000;

// Two Percona clusters in one file: cluster1's certificate names cluster1-primary only (the replicas Service is a
// broken link, percona/server-san), cluster2's names both of its Services.
const SETUP = `set -e
. "$LIB/k8s.sh"
k8s_ca ca "Map CA"
k8s_leaf ca one cluster1-primary "DNS:cluster1-primary"
k8s_leaf ca two cluster2-primary "DNS:cluster2-primary,DNS:cluster2-replicas"
cluster() { printf -- '---\\napiVersion: pgv2.percona.com/v2\\nkind: PerconaPGCluster\\nmetadata:\\n  name: %s\\n  namespace: db\\nspec:\\n  crVersion: 2.5.0\\n  secrets:\\n    customTLSSecret:\\n      name: %s-tls\\n' "$1" "$1"; }
{ cluster cluster1; k8s_secret cluster1-tls db kubernetes.io/tls ca.crt=ca.crt tls.crt=one.crt tls.key=one.key
  cluster cluster2; k8s_secret cluster2-tls db kubernetes.io/tls ca.crt=ca.crt tls.crt=two.crt tls.key=two.key; } > clusters.yaml
rm -f ca.key ca.srl one.key two.key one.crt two.crt ca.crt
`;

function register(test, { open, log }) {
  const root = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('pgtls');
  const name = `${FOLDER}/clusters.yaml`;

  /** The "Show TLS Map" lenses of a document once `ready(lenses)` holds (the server reads the setting again after a change). */
  async function mapLensesWhen(uri, ready, what) {
    const deadline = Date.now() + WAIT_MS;
    let seen = [];
    while (Date.now() < deadline) {
      const all = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
      seen = (all || []).filter(l => l.command && l.command.title === 'Show TLS Map');
      if (ready(seen)) return seen;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    throw new Error(`${what}: ${seen.length} "Show TLS Map" lenses after ${WAIT_MS / 1000}s`);
  }

  /** The focus inside the map's frame once it is on `id` (the page script runs after the text shows). */
  async function focusOn(frameText, id, press) {
    let state;
    for (let i = 0; i < 40; i++) {
      state = await askPage({ kind: 'frameFocus', frameText, selector: '.node.focused', ...(i === 0 && press ? { press } : {}) });
      if (state.active && state.active.id === id) return state;
      if (state.active && press) break;
    }
    throw new Error(`the focus is not on ${id}: ${JSON.stringify(state)}`);
  }

  test('pgtls.mapCodeLens: the "Show TLS Map" lens on each resource goes when it is off and comes back', async () => {
    const dir = path.join(root(), FOLDER);
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('bash', ['-c', SETUP], { cwd: dir, env: { ...process.env, LIB: path.join(REPO, 'test/fixtures/_lib') } });
    const doc = await open(name);
    const lenses = await mapLensesWhen(doc.uri, ls => ls.length === 2, 'one lens per cluster');
    const lineOf = cluster => doc.positionAt(doc.getText().indexOf(`name: ${cluster}\n`)).line;
    assert.deepEqual(lenses.map(l => l.range.start.line).sort((a, b) => a - b), [lineOf('cluster1'), lineOf('cluster2')], 'on the resources\' names');
    await config().update('mapCodeLens', false, vscode.ConfigurationTarget.Workspace);
    await mapLensesWhen(doc.uri, ls => ls.length === 0, 'no lens with pgtls.mapCodeLens off');
    await config().update('mapCodeLens', undefined, vscode.ConfigurationTarget.Workspace);
    await mapLensesWhen(doc.uri, ls => ls.length === 2, 'the lenses back at the default');
  });

  test('a resource\'s "Show TLS Map" lens focuses that resource in the map: highlighted, in view, keyboard focus; Tab moves on, Enter opens it', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const doc = await open(name);
    const [one, two] = await mapLensesWhen(doc.uri, ls => ls.length === 2, 'one lens per cluster');
    // The second resource's lens: its cluster is in focus, not the first node of the map.
    const r2 = await vscode.commands.executeCommand(two.command.command, ...two.command.arguments);
    log(`map from the cluster2 lens: ${JSON.stringify(r2)}`);
    assert.equal(r2.focus, 'server:PerconaPGCluster/db/cluster2');
    const s2 = await focusOn('In focus: PerconaPGCluster cluster2', 'server:PerconaPGCluster/db/cluster2');
    assert.deepEqual(s2.matches.map(m => m.id), ['server:PerconaPGCluster/db/cluster2'], 'one highlighted node');
    // The first resource's lens, on the cluster whose certificate misses a Service name.
    const r1 = await vscode.commands.executeCommand(one.command.command, ...one.command.arguments);
    assert.equal(r1.focus, 'server:PerconaPGCluster/db/cluster1');
    assert.ok(r1.broken >= 2, `the missed Service name breaks the links: ${JSON.stringify(r1)}`);
    // The map alone in the editor area, for the picture.
    await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
    const s1 = await focusOn('In focus: PerconaPGCluster cluster1', 'server:PerconaPGCluster/db/cluster1');
    log(`focus in the map: ${JSON.stringify(s1)}`);
    assert.match(s1.active.classes, /\bfocused\b/);
    assert.equal(s1.matches.length, 1);
    assert.equal(s1.matches[0].inView, true, 'the focused node is scrolled into view');
    // Its links are highlighted with it, the one its certificate breaks (the replicas Service) in red.
    const links = await askPage({ kind: 'frameFocus', frameText: 'In focus: PerconaPGCluster cluster1', selector: '.edge.focused' });
    log(`links of the focused node: ${JSON.stringify(links.matches)}`);
    assert.ok(links.matches.some(m => m.id === 'server:PerconaPGCluster/db/cluster1|answers|service:db/cluster1-replicas' && /\bbroken\b/.test(m.classes)), 'the broken link is highlighted');
    assert.ok(links.matches.every(m => m.id.includes('server:PerconaPGCluster/db/cluster1')), 'only the focused node\'s links');
    log(`the map's document has the focus: ${s1.hasFocus}`);
    await askPage({
      kind: 'show',
      expect: [{ what: 'the TLS map tab', selector: '.tab', text: `TLS Map: ${FOLDER}` }],
      // The editor area below the tabs: the legend and the chain around the focused cluster.
      screenshot: { name: 'vscode-tls-map', clip: { x: 48, y: 0, width: 1232, height: 480 } },
    });
    // Keyboard: Enter on the focused cluster opens the place it comes from (its name in clusters.yaml).
    await askPage({ kind: 'press', key: 'Enter' });
    const line = doc.positionAt(doc.getText().indexOf('name: cluster1\n')).line;
    const shown = () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath.endsWith('clusters.yaml') && e.selection.active.line === line;
    };
    for (const until = Date.now() + WAIT_MS; !shown() && Date.now() < until;) await new Promise(resolve => setTimeout(resolve, 100));
    const e = vscode.window.activeTextEditor;
    assert.ok(shown(), `Enter opens the cluster's name (line ${line}); active: ${e ? `${e.document.uri.fsPath}:${e.selection.active.line}` : 'none'}`);
    // Tab moves the focus on to another node, Shift+Tab back to the cluster.
    await vscode.commands.executeCommand(one.command.command, ...one.command.arguments);
    await focusOn('In focus: PerconaPGCluster cluster1', 'server:PerconaPGCluster/db/cluster1');
    let next;
    try {
      next = await askPage({ kind: 'frameFocus', frameText: 'In focus: PerconaPGCluster cluster1', selector: '.node.focused', press: 'Tab' });
    } catch (err) {
      const a = vscode.window.activeTextEditor;
      const tabs = vscode.window.tabGroups.all.map(g => g.tabs.map(t => `${t.label}${t.isActive ? '*' : ''}`).join(', ')).join(' | ');
      throw new Error(`${err.message}; after Tab: active editor ${a ? `${a.document.uri.fsPath}:${a.selection.active.line}` : 'none'}, tabs ${tabs}`);
    }
    assert.ok(next.active && next.active.id !== 'server:PerconaPGCluster/db/cluster1' && /\bnode\b/.test(next.active.classes), `Tab: ${JSON.stringify(next.active)}`);
    await focusOn('In focus: PerconaPGCluster cluster1', 'server:PerconaPGCluster/db/cluster1', 'Shift+Tab');
  });
}

module.exports = { register };
