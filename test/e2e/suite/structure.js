// The structure features in a real VS Code (outline, folding, Format Document, a document link that opens its file),
// on workspace/structure/ with the expectations of ../structure.json. Registered by index.js; plain CommonJS like it.
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const SPEC = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'structure.json'), 'utf8'));
const WAIT_MS = 30000;

/** Resolves with the editor once `uri` is the active editor's document; rejects at the deadline. */
function activeEditorIs(uri) {
  return new Promise((resolve, reject) => {
    const is = e => e && e.document.uri.toString() === uri.toString();
    if (is(vscode.window.activeTextEditor)) return resolve(vscode.window.activeTextEditor);
    const sub = vscode.window.onDidChangeActiveTextEditor(e => { if (is(e)) { sub.dispose(); clearTimeout(timer); resolve(e); } });
    const timer = setTimeout(() => {
      sub.dispose();
      const now = vscode.window.activeTextEditor;
      reject(new Error(`${path.basename(uri.fsPath)} did not open within ${WAIT_MS / 1000}s (active: ${now ? now.document.uri.toString() : 'none'})`));
    }, WAIT_MS);
  });
}

/** The document links of `uri` once there are `count` of them (the server may still be starting), as plain ranges and targets. */
async function linksWhen(uri, count) {
  let got = [];
  for (let i = 0; i < 100; i++) {
    const links = await vscode.commands.executeCommand('vscode.executeLinkProvider', uri);
    got = (links || []).map(l => ({ range: [l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character], target: l.target && l.target.toString() }));
    if (got.length >= count) return got;
    await new Promise(r => setTimeout(r, 300));
  }
  return got;
}

/** Resolves when the editor's visible ranges change; rejects at the deadline. */
function visibleRangesChange(editor) {
  return new Promise((resolve, reject) => {
    const sub = vscode.window.onDidChangeTextEditorVisibleRanges(e => { if (e.textEditor === editor) { sub.dispose(); clearTimeout(timer); resolve(e.visibleRanges); } });
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`the visible ranges did not change within ${WAIT_MS / 1000}s`)); }, WAIT_MS);
  });
}

const lineRange = r => [r.start.line, r.start.character, r.end.line, r.end.character];

exports.register = function register(test, { open, log, fileUri }) {
  test(`${SPEC.outline.file}: the outline lists the banner sections with their settings`, async () => {
    const doc = await open(SPEC.outline.file);
    const symbols = await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.ok(Array.isArray(symbols) && symbols.length > 0, `no document symbols for ${SPEC.outline.file}`);
    const got = Object.fromEntries(symbols.map(s => [s.name, (s.children || []).map(c => c.name)]));
    log(`outline of ${SPEC.outline.file}: ${JSON.stringify(got)}`);
    assert.deepEqual(got, SPEC.outline.sections);
    const ssl = symbols.find(s => s.name === 'TLS').children.find(c => c.name === 'ssl_cert');
    assert.equal(ssl.kind, vscode.SymbolKind.Property);
    assert.equal(doc.getText(ssl.selectionRange), 'ssl_cert');
  });

  test(`${SPEC.fold.file}: a section banner folds down to the section's end (editor.fold)`, async () => {
    const doc = await open(SPEC.fold.file);
    const ranges = await vscode.commands.executeCommand('vscode.executeFoldingRangeProvider', doc.uri);
    log(`folding ranges of ${SPEC.fold.file}: ${JSON.stringify((ranges || []).map(r => [r.start, r.end, r.kind]))}`);
    assert.ok((ranges || []).some(r => r.start === SPEC.fold.line && r.end === SPEC.fold.hidden[1]), `no folding range from line ${SPEC.fold.line} to ${SPEC.fold.hidden[1]}`);
    const editor = vscode.window.activeTextEditor;
    const at = new vscode.Position(SPEC.fold.line, 0);
    editor.selection = new vscode.Selection(at, at);
    const changed = visibleRangesChange(editor);
    await vscode.commands.executeCommand('editor.fold');
    const visible = await changed;
    const shown = line => visible.some(r => r.start.line <= line && line <= r.end.line);
    for (let l = SPEC.fold.hidden[0]; l <= SPEC.fold.hidden[1]; l++) assert.ok(!shown(l), `line ${l} is still visible after folding`);
    assert.ok(shown(SPEC.fold.line) && shown(SPEC.fold.hidden[1] + 1), 'the banner line or the line after the section is hidden');
    await vscode.commands.executeCommand('editor.unfoldAll');
  });

  test(`${SPEC.links.file}: the certificate path is a link, and following it opens the file`, async () => {
    const doc = await open(SPEC.links.file);
    const links = await vscode.commands.executeCommand('vscode.executeLinkProvider', doc.uri);
    const got = (links || []).map(l => ({ range: lineRange(l.range), target: l.target && l.target.toString() }));
    log(`links of ${SPEC.links.file}: ${JSON.stringify(got)}`);
    assert.deepEqual(got, SPEC.links.expected.map(l => ({ range: l.range, target: fileUri(l.target).toString() })));
    const [line, start] = SPEC.links.expected[0].range;
    const editor = vscode.window.activeTextEditor;
    const at = new vscode.Position(line, start + 2);
    editor.selection = new vscode.Selection(at, at);
    const target = fileUri(SPEC.links.expected[0].target);
    const opened = activeEditorIs(target);
    await vscode.commands.executeCommand('editor.action.openLink');
    const shown = await opened;
    assert.ok(shown.document.lineAt(0).text.startsWith(SPEC.links.targetStartsWith), `opened: ${shown.document.lineAt(0).text}`);
  });

  test('YAML links: a Compose file\'s bind mount (VS Code\'s dockercompose language) and a kustomization\'s generator file and base', async () => {
    const compose = await open('links/docker-compose.yml');
    assert.equal(compose.languageId, 'dockercompose', 'VS Code gives Compose files their own language');
    const composeLinks = await linksWhen(compose.uri, 1);
    assert.deepEqual(composeLinks, [{ range: [5, 8, 5, 26], target: fileUri('links/certs/server.crt').toString() }]);
    const kustomization = await open('links/kustomization.yaml');
    assert.deepEqual(await linksWhen(kustomization.uri, 2), [
      { range: [2, 4, 2, 8], target: fileUri('links/base/kustomization.yaml').toString() },
      { range: [6, 16, 6, 32], target: fileUri('links/certs/server.crt').toString() },
    ]);
  });

  test('Format Document aligns structure/pool_hba.conf and spaces structure/pgpool.conf as name = value', async () => {
    for (const [file, want] of Object.entries(SPEC.format)) {
      const doc = await open(file);
      await vscode.commands.executeCommand('editor.action.formatDocument');
      const lines = doc.getText().split('\n');
      log(`${file} formatted:\n${doc.getText()}`);
      if (Array.isArray(want)) assert.deepEqual(lines.slice(0, want.length), want, `${file} after Format Document`);
      else for (const [line, text] of Object.entries(want)) assert.equal(lines[Number(line)], text, `${file}:${line} after Format Document`);
      assert.ok(doc.isDirty, `${file}: formatting must be an unsaved edit`);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('pgtls formats no YAML file and outlines a resource with its TLS fields', async () => {
    const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
    const file = path.join(root, 'structure', 'certificate.yaml');
    fs.writeFileSync(file, 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name:   db-server\nspec:\n  secretName: db-server-tls\n  dnsNames: [db.example.com]\n  issuerRef: {name: db-ca, kind: Issuer}\n');
    const doc = await open(path.join('structure', 'certificate.yaml'));
    const edits = await vscode.commands.executeCommand('vscode.executeFormatDocumentProvider', doc.uri, { tabSize: 2, insertSpaces: true });
    assert.ok(!edits || edits.length === 0, `a formatter changed the YAML file: ${JSON.stringify(edits)}`);
    const symbols = await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri);
    const resource = (symbols || []).find(s => s.name === 'Certificate db-server');
    assert.ok(resource, `no Certificate symbol: ${JSON.stringify((symbols || []).map(s => s.name))}`);
    assert.deepEqual(resource.children.map(c => [c.name, c.detail]), [['secretName', 'db-server-tls'], ['dnsNames', 'db.example.com'], ['issuerRef', '']]);
  });
};
