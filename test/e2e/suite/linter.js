// The linter conventions in a real VS Code (issue 12): the quick fixes that write suppression comments and turn a rule
// off in the workspace settings appear on a diagnostic and work, the diagnostics carry their documentation link, and
// "Fix all auto-fixable problems" runs on save through editor.codeActionsOnSave. Registered by index.js, which owns
// the runner; the files are written into the workspace copy by the tests themselves (under lint/).
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const RULE = 'pool-hba/md5-method';
const HBA = 'hostssl db1 all 10.1.0.0/16 md5\nhostssl db2 all 10.2.0.0/16 md5\n';
// No byte-order mark here: VS Code keeps it out of the document text (it is the file's encoding, utf8bom).
const PGPOOL = [
  'portt = 9999',
  "log_destination = ''",
  'backend_clustering_mode = streaming_replicaton',
  'num_init_children = 32MB',
  'sr_check_period = 10 s',
].join('\n') + '\n';
const PGPOOL_FIXED = [
  'port = 9999',
  "log_destination = 'stderr'",
  'backend_clustering_mode = streaming_replication',
  'num_init_children = 32',
  "sr_check_period = '10 s'",
].join('\n') + '\n';
const FIXABLE = ['unknown-parameter', 'invalid-log-destination', 'invalid-enum', 'invalid-unit', 'value-needs-quoting'].map(r => `pgpool-conf/${r}`);

module.exports = function register({ test, open, diagnosticsWhen, log, codeOf }) {
  const root = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
  const write = (name, text) => {
    const file = path.join(root(), 'lint', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return path.join('lint', name);
  };
  const ofRule = (diags, rule) => diags.filter(d => d.source === 'pgtls' && codeOf(d) === rule);
  const actionsAt = async (doc, range, kind) => (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, range, kind)) || [];

  test('a diagnostic links to its rule, and "Disable … for this line" writes the comment that silences it', async () => {
    const doc = await open(write('comment/pool_hba.conf', HBA));
    const diags = await diagnosticsWhen(doc.uri, d => ofRule(d, RULE).length === 2, `two ${RULE}`);
    const target = ofRule(diags, RULE).find(d => d.range.start.line === 1);
    assert.ok(target.code && typeof target.code === 'object', 'the code carries a link');
    // The link is the rule reference shipped in the .vsix, at the line of the rule's heading: `#L<line>`, which VS Code's
    // opener (the Problems panel's, vscode.open's) turns into a selection. (Opening it here made the editor switch cancel
    // the next code action requests, so the test reads the installed file instead.)
    const link = target.code.target;
    assert.equal(link.scheme, 'file', String(link));
    const installed = vscode.extensions.getExtension('pgtls.pgtls').extensionPath;
    assert.equal(path.resolve(link.fsPath), path.join(installed, 'docs', 'rules.md'), String(link));
    const lineNo = /^L(\d+)$/.exec(link.fragment);
    assert.ok(lineNo, String(link));
    const heading = fs.readFileSync(link.fsPath, 'utf8').split('\n')[Number(lineNo[1]) - 1];
    assert.match(heading, new RegExp(`^#+ <a id="[^"]+"></a>${RULE}$`), `line ${lineNo[1]} of the shipped rule reference is the heading of ${RULE}`);
    const actions = await actionsAt(doc, target.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map(a => a.title);
    log(`quick fixes on line 2: ${titles.join(' | ')}`);
    for (const t of [`Disable ${RULE} for this line`, `Disable ${RULE} for the whole file`, `Turn off ${RULE} in the workspace settings`]) {
      assert.ok(titles.includes(t), `"${t}" missing from ${JSON.stringify(titles)}`);
    }
    const line = actions.find(a => a.title === `Disable ${RULE} for this line`);
    const gone = diagnosticsWhen(doc.uri, d => ofRule(d, RULE).length === 1, `${RULE} silenced on line 2`);
    assert.ok(await vscode.workspace.applyEdit(line.edit), 'the edit was not applied');
    const after = await gone;
    assert.deepEqual(ofRule(after, RULE).map(d => d.range.start.line), [0], 'line 1 is still reported, line 2 (now 3) is not');
    assert.equal(doc.getText(), `hostssl db1 all 10.1.0.0/16 md5\n# pgtls-disable-next-line ${RULE}\nhostssl db2 all 10.2.0.0/16 md5\n`);
    assert.deepEqual(after.filter(d => String(codeOf(d)).startsWith('pgtls/')).map(codeOf), [], 'the comment is used');
    await doc.save();
  });

  test('"Turn off … in the workspace settings" writes "pgtls.rules" into .vscode/settings.json, and the rule goes quiet', async () => {
    const doc = await open(write('settings/pool_hba.conf', HBA));
    const diags = await diagnosticsWhen(doc.uri, d => ofRule(d, RULE).length === 2, `two ${RULE}`);
    const [first] = ofRule(diags, RULE);
    const action = (await actionsAt(doc, first.range, vscode.CodeActionKind.QuickFix.value)).find(a => a.title === `Turn off ${RULE} in the workspace settings`);
    assert.ok(action && action.command, 'no settings action');
    assert.equal(action.command.command, 'pgtls.disableRule');
    const quiet = diagnosticsWhen(doc.uri, d => ofRule(d, RULE).length === 0, `${RULE} turned off`);
    const r = await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments || []));
    assert.deepEqual(r, { rule: RULE, target: 'workspace' });
    await quiet;
    // The workspace's settings.json (JSON with comments) keeps what it had: its comment and pgtls.checkFiles.
    const text = fs.readFileSync(path.join(root(), '.vscode', 'settings.json'), 'utf8');
    log(`workspace settings:\n${text}`);
    const settings = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ''));
    assert.deepEqual(settings['pgtls.rules'], { [RULE]: 'off' });
    assert.equal(settings['pgtls.checkFiles'], false);
    assert.match(text, /^\s*\/\/ /m);
    // Other entries are kept when a second rule is turned off.
    await vscode.commands.executeCommand('pgtls.disableRule', { rule: 'pool-hba/prefer-hostssl', uri: doc.uri.toString() });
    assert.deepEqual(vscode.workspace.getConfiguration('pgtls').inspect('rules').workspaceValue, { [RULE]: 'off', 'pool-hba/prefer-hostssl': 'off' });
    // Back as it was, for what runs next.
    const back = diagnosticsWhen(doc.uri, d => ofRule(d, RULE).length === 2, `${RULE} back`);
    await vscode.workspace.getConfiguration('pgtls').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await back;
  });

  test('fix-all on save: editor.codeActionsOnSave { "source.fixAll.pgtls": "explicit" } fixes every auto-fixable problem', async () => {
    const editor = vscode.workspace.getConfiguration('editor');
    await editor.update('codeActionsOnSave', { 'source.fixAll.pgtls': 'explicit' }, vscode.ConfigurationTarget.Workspace);
    try {
      const doc = await open(write('fixall/pgpool.conf', PGPOOL));
      await diagnosticsWhen(doc.uri, d => FIXABLE.every(code => ofRule(d, code).length > 0), FIXABLE.join(', '));
      const whole = new vscode.Range(0, 0, doc.lineCount, 0);
      const offered = await actionsAt(doc, whole, 'source.fixAll.pgtls');
      assert.deepEqual(offered.map(a => [a.title, a.kind && a.kind.value]), [['Fix all auto-fixable problems', 'source.fixAll.pgtls']]);
      // A change makes the document dirty; saving it (an explicit save, as Ctrl+S) runs the action first.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(doc.lineCount - 1, 0), '# saved\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const clean = diagnosticsWhen(doc.uri, d => FIXABLE.every(code => ofRule(d, code).length === 0), 'no fixable problem after saving');
      await vscode.commands.executeCommand('workbench.action.files.save');
      log(`after save:\n${doc.getText()}`);
      assert.equal(doc.getText(), `${PGPOOL_FIXED}# saved\n`);
      assert.equal(fs.readFileSync(doc.uri.fsPath, 'utf8'), doc.getText(), 'the fixed text is what was written');
      await clean;
      assert.deepEqual(await actionsAt(doc, new vscode.Range(0, 0, doc.lineCount, 0), 'source.fixAll.pgtls'), [], 'nothing left to fix');
    } finally {
      await editor.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
};
