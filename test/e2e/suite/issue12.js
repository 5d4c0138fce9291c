// Issue 12's bugs in a real VS Code, one test per bug, each leaving a screenshot (harness/uiRequests.ts takes it; the
// harness also presses Enter on the quick inputs, so the interactive commands run with every default accepted).
// Registered by index.js before the certificate tests that make other CA folders.
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

exports.register = function register({ test, open, fileUri, diagnosticsWhen, fileAppears, log, codeOf, OUT }) {
  let n = 0;
  /** One request to the browser side; resolves with its answer. */
  async function ui(request) {
    const name = `r${++n}`;
    const done = path.join(OUT, `${name}.ui.done.json`);
    fs.writeFileSync(path.join(OUT, `${name}.tmp`), JSON.stringify(request));
    fs.renameSync(path.join(OUT, `${name}.tmp`), path.join(OUT, `${name}.ui.json`));
    await fileAppears(done, 45000);
    const answer = JSON.parse(fs.readFileSync(done, 'utf8'));
    if (answer.error) throw new Error(`browser request ${JSON.stringify(request)} failed: ${answer.error}`);
    return answer;
  }
  const shot = file => ui({ screenshot: file });
  /** A question left open by a failed test would take the next test's keys. */
  const closeQuestions = () => vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  const root = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
  const sep = path.sep;
  const config = () => vscode.workspace.getConfiguration('pgtls');
  const toasts = includes => ui({ read: '.notifications-toasts .notification-list-item-message', includes }).then(a => a.texts);

  test('issue 12 bug 1: Create CA, then Create Server Certificate with every default: one CA, and openssl verifies the server certificate against it', async () => {
    try {
      await bug1();
    } finally {
      await closeQuestions();
    }
  });

  async function bug1() {
    const ca = vscode.commands.executeCommand('pgtls.createCa');
    const where = await ui({ accept: 'where to write the certificates' });
    assert.match(where.text, new RegExp(`certs\\${sep}pgtls\\${sep}`), where.text);
    await ui({ accept: 'key algorithm' });
    const made = await ca;
    assert.equal(made && made.status, 'written', JSON.stringify(made));
    assert.deepEqual(made.summary.files.map(f => f.name), ['ca.crt', 'ca.key']);
    const server = vscode.commands.executeCommand('pgtls.createServerCertificate');
    const where2 = await ui({ accept: 'where to write the certificates' });
    log(`server folder question:\n${where2.text}`);
    assert.match(where2.text, /issued by the CA in this folder/);
    assert.doesNotMatch(where2.text, /a new CA is made|separate CA/, 'with one CA in the workspace, no second CA is offered');
    await ui({ accept: 'key algorithm' });
    await ui({ accept: 'host name or address' });
    await ui({ accept: 'SANs' });
    const r = await server;
    assert.equal(r && r.status, 'written', JSON.stringify(r));
    assert.deepEqual(r.summary.files.map(f => f.name), ['server.crt', 'server.key'], 'no second CA');
    const dir = path.join(root(), 'certs', 'pgtls');
    assert.equal(r.summary.dir, dir);
    const out = execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, 'server.crt')], { encoding: 'utf8' });
    assert.match(out, /server\.crt: OK/);
    await toasts('server.crt');
    await shot('bug1-ca-defaults.png');
  }

  test('issue 12 bug 3: the notification after a certificate command is short, relative to the workspace, with Show Details', async () => {
    const r = await vscode.commands.executeCommand('pgtls.createClientCertificate', { clientUser: 'app_user' });
    assert.equal(r.status, 'written');
    assert.equal(r.summary.dir, path.join(root(), 'certs', 'pgtls'), 'the default folder is the workspace CA\'s');
    const texts = await toasts('client.crt');
    const text = texts.find(t => t.includes('client.crt'));
    log(`notification: ${text}`);
    assert.ok(text.length < 160, `a wall of text: ${text}`);
    assert.ok(!text.includes(root()), `an absolute path: ${text}`);
    assert.match(text, new RegExp(`certs\\${sep}pgtls\\${sep}`));
    assert.doesNotMatch(text, /DNS:|IP:/);
    await ui({ read: '.notifications-toasts .monaco-button', includes: 'Show Details' });
    await shot('bug3-notification.png');
  });

  test('issue 12 bug 3: diagnostics and quick-fix titles show no Markdown backticks', async () => {
    const doc = await open('pgpool.conf');
    const diags = await diagnosticsWhen(doc.uri, ds => ds.some(d => codeOf(d) === 'pgpool-conf/unknown-parameter'), 'pgpool.conf diagnostics');
    for (const d of diags) assert.ok(!d.message.includes('`'), `${codeOf(d)}: ${d.message}`);
    const unknown = diags.find(d => codeOf(d) === 'pgpool-conf/unknown-parameter');
    assert.match(unknown.message, /"ssl_prefer_server_ciphers"/, unknown.message);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, unknown.range);
    assert.ok(actions.length > 0, 'no quick fix offered');
    for (const a of actions) assert.ok(!a.title.includes('`'), a.title);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await ui({ read: '.markers-panel .monaco-list-row', includes: 'ssl_prefer_server_ciphrs' });
    await shot('bug3-plain-problems.png');
  });

  test('issue 12 bug 2: Create Complete TLS Set on a Percona resource writes no YAML anchors or aliases into the manifest', async () => {
    const file = path.join(root(), 'percona-c12.yaml');
    const text = 'apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata:\n  name: c12\n  namespace: pg\nspec:\n  postgresVersion: 17\n';
    fs.writeFileSync(file, text);
    const doc = await open('percona-c12.yaml');
    const at = doc.positionAt(text.indexOf('c12'));
    vscode.window.activeTextEditor.selection = new vscode.Selection(at, at);
    const r = await vscode.commands.executeCommand('pgtls.createTlsSetForResource', { algorithm: 'ecdsa-p256' });
    assert.equal(r.status, 'written');
    assert.equal(r.resourcePatched, true);
    const patched = doc.getText();
    log(`patched Percona resource:\n${patched}`);
    assert.doesNotMatch(patched, /(^|[\s:\-[,])[&*][A-Za-z0-9_-]+/m, 'an anchor or alias in the user\'s manifest');
    assert.equal((patched.match(/items:\n/g) || []).length, 3, 'each Secret reference spells out its items');
    vscode.window.activeTextEditor.revealRange(new vscode.Range(doc.positionAt(patched.indexOf('secrets:')), doc.positionAt(patched.length)));
    await shot('bug2-no-anchors.png');
    await doc.save();
  });

  test('issue 12 bug 4: the resource snippets come from completion at the start of an empty document only, once each', async () => {
    fs.writeFileSync(path.join(root(), 'new-resource.yaml'), '');
    const doc = await open('new-resource.yaml');
    const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, 0));
    const labelOf = i => (typeof i.label === 'string' ? i.label : i.label.label);
    const ours = list.items.filter(i => labelOf(i).startsWith('pgtls-'));
    log(`snippets offered: ${ours.map(labelOf).join(', ')}`);
    assert.ok(ours.length >= 9, `${ours.length} snippets`);
    assert.equal(new Set(ours.map(labelOf)).size, ours.length, 'a snippet offered twice');
    assert.ok(ours.every(i => i.kind === vscode.CompletionItemKind.Snippet));
    const value = 'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata:\n  name: v\nspec:\n  sslMode: \n';
    fs.writeFileSync(path.join(root(), 'value-position.yaml'), value);
    const vdoc = await open('value-position.yaml');
    const vlist = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', vdoc.uri, new vscode.Position(5, 11));
    const vlabels = vlist.items.map(labelOf);
    assert.deepEqual(vlabels.filter(l => l.startsWith('pgtls-')), [], 'no snippet in a value position');
    assert.ok(vlabels.includes('require'), `the enum values are offered: ${vlabels.join(', ')}`);
    await open('new-resource.yaml');
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    await ui({ read: '.suggest-widget .monaco-list-row', includes: 'pgtls-' });
    await shot('bug4-snippets.png');
    await vscode.commands.executeCommand('hideSuggestWidget');
  });

  test('issue 12 bug 5: pgtls.rules: settings.json completes the rule ids, and a misspelt id is named with its did-you-mean', async () => {
    await open('pool_hba.conf');
    await config().update('rules', { 'pool-hba/md5-methd': 'off' }, vscode.ConfigurationTarget.Workspace);
    try {
      const warned = await toasts('did you mean');
      log(`warning: ${warned.find(t => t.includes('did you mean'))}`);
      assert.ok(warned.some(t => t.includes('"pool-hba/md5-methd" (did you mean "pool-hba/md5-method"?)')), warned.join('\n'));
      const settings = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, '.vscode', 'settings.json');
      const sdoc = await vscode.workspace.openTextDocument(settings);
      await vscode.window.showTextDocument(sdoc);
      const key = sdoc.getText().indexOf('pool-hba/md5-methd');
      assert.ok(key > 0, sdoc.getText());
      // VS Code's JSON language server answers with the words of the file until it has the settings schema: ask again
      // until the schema's completions come (at most 30 s).
      let labels = [];
      for (let i = 0; i < 60; i++) {
        const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', settings, sdoc.positionAt(key));
        labels = list.items.map(it => (typeof it.label === 'string' ? it.label : it.label.label).replace(/"/g, ''));
        if (labels.includes('pool-hba/md5-method')) break;
        await new Promise(r => setTimeout(r, 500));
      }
      assert.ok(labels.includes('pool-hba/md5-method'), `rule ids completed in settings.json: ${labels.slice(0, 20).join(', ')}`);
      assert.ok(labels.length > 300, `${labels.length} completions: every rule id`);
      // The settings schema also flags the misspelt key where it is written.
      const line = sdoc.positionAt(key).line;
      const flagged = await diagnosticsWhen(settings, ds => ds.some(d => d.range.start.line === line), 'the settings schema\'s finding on the misspelt id');
      log(`settings.json: ${flagged.map(d => d.message.slice(0, 80)).join(' | ')}`);
      await shot('bug5-rules-setting.png');
    } finally {
      // Whatever happened, the misspelt rule must not stay in the workspace settings for the tests that follow.
      await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('issue 12 bug 6: beside the Red Hat YAML extension, a duplicate key is reported once (by it), pgtls\'s own findings stay', async () => {
    assert.ok(process.env.PGTLS_E2E_REDHAT_YAML === '1' && vscode.extensions.getExtension('redhat.vscode-yaml'), 'the YAML companion is installed');
    const text = 'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata:\n  name: dup\n  name: dup2\nspec:\n  version: "4.6.0"\n  sslMode: disabled\n';
    fs.writeFileSync(path.join(root(), 'duplicate-key.yaml'), text);
    const doc = await open('duplicate-key.yaml');
    const isYamlServers = d => d.source !== 'pgtls' && /unique/i.test(d.message);
    const both = await diagnosticsWhen(doc.uri, ds => ds.some(isYamlServers) && ds.some(d => codeOf(d) === 'schema/invalid-value'), 'the YAML server\'s and pgtls\'s diagnostics');
    log(`diagnostics beside Red Hat YAML:\n${both.map(d => `  ${d.source}/${codeOf(d)}: ${d.message}`).join('\n')}`);
    assert.deepEqual(both.filter(d => d.source === 'pgtls' && codeOf(d) === 'yaml/duplicate-key'), [], 'pgtls repeats the duplicate key');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await ui({ read: '.markers-panel .monaco-list-row', includes: 'unique' });
    await shot('bug6-yaml-duplicates.png');
    // "always" brings pgtls's own report back: the decision is the setting's "auto".
    await config().update('reportYamlSyntax', 'always', vscode.ConfigurationTarget.Workspace);
    await diagnosticsWhen(doc.uri, ds => ds.some(d => d.source === 'pgtls' && codeOf(d) === 'yaml/duplicate-key'), 'pgtls\'s duplicate key with "always"');
    await config().update('reportYamlSyntax', undefined, vscode.ConfigurationTarget.Workspace);
    await diagnosticsWhen(doc.uri, ds => !ds.some(d => d.source === 'pgtls' && codeOf(d) === 'yaml/duplicate-key'), 'no pgtls duplicate key with "auto"');
  });

  test('issue 12: pgtls.trace.server "messages" shows the LSP traffic in the PG TLS output channel', async () => {
    const logs = path.join(path.dirname(process.env.PGTLS_E2E_EXTENSIONS_DIR), 'user-data', 'logs');
    await config().update('trace.server', 'messages', vscode.ConfigurationTarget.Workspace);
    const found = new Promise((resolve, reject) => {
      const look = () => {
        for (const f of walk(logs)) {
          if (/PG TLS/.test(path.basename(f)) && /Sending request 'textDocument\/hover/.test(fs.readFileSync(f, 'utf8'))) return done(f);
        }
        return undefined;
      };
      const watcher = fs.watch(logs, { recursive: true }, look);
      const timer = setTimeout(() => { watcher.close(); reject(new Error(`no hover request traced in ${logs}: ${walk(logs).filter(f => /PG TLS/.test(f)).join(', ')}`)); }, 30000);
      function done(f) { clearTimeout(timer); watcher.close(); resolve(f); }
      void (async () => {
        const doc = await open('pool_hba.conf');
        await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(5, 52));
        look();
      })();
    });
    log(`trace written to ${await found}`);
    await config().update('trace.server', undefined, vscode.ConfigurationTarget.Workspace);
  });
};

function walk(dir) {
  const out = [];
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
