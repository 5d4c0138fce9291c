// pgtls end-to-end suite, run inside a real VS Code's extension host (the `run(): Promise<void>` contract of
// @vscode/test-electron's extensionTestsPath). Started by test/e2e/vscode.test.ts through harness/codeServer.ts,
// with pgtls installed from the .vsix and a copy of test/e2e/workspace open.
// Plain CommonJS on purpose: the extension host loads it as is. Expectations come from ../expected.json.
// Waiting is done on events (onDidChangeDiagnostics, fs.watch) under a deadline; nothing sleeps.
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const EXPECTED = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'expected.json'), 'utf8'));
const OUT = process.env.PGTLS_E2E_OUT;
const WAIT_MS = 30000;
const lines = [];

function log(line) {
  lines.push(line);
  console.log(line);
  if (OUT) fs.appendFileSync(path.join(OUT, 'log.txt'), line + '\n');
}

function fileUri(name) {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, name);
}

function codeOf(d) {
  return d.code !== null && typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function rangeOf(d) {
  return [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character];
}

function describe(diags) {
  if (diags.length === 0) return '(none)';
  return diags.map(d => `  ${JSON.stringify(rangeOf(d))} ${d.source}/${codeOf(d)}: ${d.message}`).join('\n');
}

function sameRange(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Resolves with the diagnostics of `uri` once `ready(diagnostics)` holds; rejects at the deadline with what was seen. */
function diagnosticsWhen(uri, ready, what) {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    let settled = false;
    const check = () => {
      const diags = vscode.languages.getDiagnostics(uri);
      if (!settled && ready(diags)) {
        settled = true;
        sub.dispose();
        clearTimeout(timer);
        resolve(diags);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics(e => { if (e.uris.some(u => u.toString() === key)) check(); });
    const timer = setTimeout(() => {
      settled = true;
      sub.dispose();
      reject(new Error(`no ${what} for ${path.basename(uri.fsPath)} within ${WAIT_MS / 1000}s; last seen:\n${describe(vscode.languages.getDiagnostics(uri))}`));
    }, WAIT_MS);
    check();
  });
}

function hasAll(expected) {
  return diags => expected.every(e => diags.some(d => d.source === 'pgtls' && codeOf(d) === e.code && sameRange(rangeOf(d), e.range)));
}

/** Resolves when `file` exists (fs.watch on its folder), rejects at the deadline. */
function fileAppears(file, ms) {
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(path.dirname(file), () => { if (fs.existsSync(file)) done(); });
    const timer = setTimeout(() => { watcher.close(); reject(new Error(`${path.basename(file)} did not appear within ${ms / 1000}s`)); }, ms);
    function done() { clearTimeout(timer); watcher.close(); resolve(); }
    if (fs.existsSync(file)) done();
  });
}

async function open(name) {
  const doc = await vscode.workspace.openTextDocument(fileUri(name));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

test('pgtls runs from the installed .vsix, which holds the bundles and no sources', async () => {
  const ext = vscode.extensions.getExtension('pgtls.pgtls');
  assert.ok(ext, 'extension pgtls.pgtls is not installed');
  const installed = process.env.PGTLS_E2E_EXTENSIONS_DIR;
  assert.ok(installed && ext.extensionPath.startsWith(installed + path.sep),
    `pgtls runs from ${ext.extensionPath}, not from the extensions folder ${installed}`);
  for (const f of ['dist/client.js', 'dist/server.js', 'package.json']) {
    assert.ok(fs.existsSync(path.join(ext.extensionPath, f)), `${f} missing from the package`);
  }
  const shipped = fs.readdirSync(ext.extensionPath).sort();
  assert.ok(shipped.some(f => /^readme\.md$/i.test(f)), `no README in the package (shipped: ${shipped.join(', ')})`);
  assert.ok(shipped.some(f => /^license/i.test(f)), `no LICENSE in the package (shipped: ${shipped.join(', ')})`);
  for (const f of ['client', 'server', 'node_modules', 'test', 'tsconfig.json', 'esbuild.mjs']) {
    assert.ok(!shipped.includes(f), `${f} must not be packaged (shipped: ${shipped.join(', ')})`);
  }
  const c = ext.packageJSON.contributes;
  const contributed = [...(c.grammars || []), ...(c.snippets || []), ...(c.languages || []).filter(l => l.configuration).map(l => ({ path: l.configuration }))];
  for (const { path: p } of contributed) {
    assert.ok(fs.existsSync(path.join(ext.extensionPath, p)), `${p}, named in contributes, is missing from the package`);
  }
  const maps = fs.readdirSync(path.join(ext.extensionPath, 'dist')).filter(f => f.endsWith('.map'));
  assert.deepEqual(maps, [], 'source maps must not be packaged');
});

for (const [name, languageId] of Object.entries(EXPECTED.languages)) {
  test(`${name} opens as language ${languageId}`, async () => {
    const doc = await open(name);
    assert.equal(doc.languageId, languageId);
  });
}

for (const [name, expected] of Object.entries(EXPECTED.diagnostics)) {
  test(`${name}: the language server reports ${expected.map(e => e.code).join(', ')} at the exact range`, async () => {
    const doc = await open(name);
    const diags = await diagnosticsWhen(doc.uri, hasAll(expected), expected.map(e => e.code).join(', '));
    log(`diagnostics of ${name}:\n${describe(diags)}`);
    for (const d of diags) assert.equal(d.source, 'pgtls', `diagnostic from another source: ${d.source}`);
    for (const e of expected) {
      const d = diags.find(x => codeOf(x) === e.code && sameRange(rangeOf(x), e.range));
      if (e.messageIncludes) assert.ok(d.message.includes(e.messageIncludes), `message of ${e.code} lacks "${e.messageIncludes}": ${d.message}`);
    }
  });
}

test(`hover on ${EXPECTED.hover.file} ${EXPECTED.hover.position.join(':')} explains the method`, async () => {
  const doc = await open(EXPECTED.hover.file);
  const pos = new vscode.Position(...EXPECTED.hover.position);
  const word = doc.getText(doc.getWordRangeAtPosition(pos));
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos);
  const texts = (hovers || []).map(h => h.contents.map(c => (typeof c === 'string' ? c : c.value)).join('\n'));
  log(`hover on "${word}":\n${texts.join('\n---\n')}`);
  assert.ok(texts.some(t => EXPECTED.hover.includes.every(s => t.includes(s))),
    `no hover mentions ${EXPECTED.hover.includes.join(', ')}; got ${texts.length} hover(s)`);
});

if (process.env.PGTLS_E2E_SCREENSHOT === '1') {
  test('arrange the workbench for the README screenshot', async () => {
    const [first] = EXPECTED.diagnostics[EXPECTED.hover.file];
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await open('pgpool.conf');
    const doc = await open(EXPECTED.hover.file);
    const editor = vscode.window.activeTextEditor;
    const at = new vscode.Position(first.range[0], first.range[1] + 1);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('editor.action.showHover');
    assert.equal(vscode.window.activeTextEditor.document.uri.toString(), doc.uri.toString());
    fs.writeFileSync(path.join(OUT, 'screenshot.request'), '');
    await fileAppears(path.join(OUT, 'screenshot.done'), 60000);
  });
}

test(`editing ${EXPECTED.fix.file} clears the diagnostic, and restoring the line brings it back`, async () => {
  const doc = await open(EXPECTED.fix.file);
  const expected = EXPECTED.diagnostics[EXPECTED.fix.file];
  const [line, start, , end] = EXPECTED.fix.range;
  const original = doc.getText(new vscode.Range(line, start, line, end));
  const replace = async (from, to, text) => {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(line, from, line, to), text);
    assert.ok(await vscode.workspace.applyEdit(edit), 'edit not applied');
  };
  const edited = diagnosticsWhen(doc.uri, diags => !hasAll(expected)(diags), 'change after the edit');
  await replace(start, end, EXPECTED.fix.newText);
  const after = await edited;
  const still = after.filter(d => d.range.start.line === line && expected.some(e => e.code === codeOf(d)));
  assert.deepEqual(still.map(codeOf), [], `line ${line + 1} is still flagged after the fix`);
  const restored = diagnosticsWhen(doc.uri, hasAll(expected), 'diagnostics after restoring the line');
  await replace(start, start + EXPECTED.fix.newText.length, original);
  await restored;
  await doc.save();
});

// Issue 12's bugs, one test each (suite/issue12.js): before the certificate tests below, which add CA folders.
require('./issue12').register({ test, open, fileUri, diagnosticsWhen, fileAppears, log, codeOf, OUT });

test('PG TLS: Check Workspace puts the findings of a closed file in the Problems panel', async () => {
  const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const file = path.join(root, 'closed', 'pgpool.conf');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'port = 9999\nportt = 5\n');
  const uri = vscode.Uri.file(file);
  assert.ok(!vscode.workspace.textDocuments.some(d => d.uri.toString() === uri.toString()), 'the file is not open');
  assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'a closed file has no diagnostics before the check (pgtls.validate is openFiles)');
  const expected = [{ code: 'pgpool-conf/unknown-parameter', range: [1, 0, 1, 5] }];
  const shown = diagnosticsWhen(uri, hasAll(expected), 'Check Workspace findings');
  const summary = await vscode.commands.executeCommand('pgtls.checkWorkspace');
  log(`Check Workspace: ${JSON.stringify(summary)}`);
  assert.ok(summary && summary.files >= 3 && summary.shown >= 1 && !summary.cancelled, `unexpected summary: ${JSON.stringify(summary)}`);
  const diags = await shown;
  log(`diagnostics of closed/pgpool.conf:\n${describe(diags)}`);
  // The open files keep their live diagnostics only: the command adds none of its own to them.
  for (const name of Object.keys(EXPECTED.diagnostics)) {
    const live = vscode.languages.getDiagnostics(fileUri(name));
    const keys = live.map(d => `${codeOf(d)}@${rangeOf(d).join(':')}`);
    assert.equal(new Set(keys).size, keys.length, `${name} shows a finding twice: ${keys.join(', ')}`);
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

const CERTS = EXPECTED.certs;
const octal = p => (fs.statSync(p).mode & 0o777).toString(8).padStart(4, '0');

test(`pgtls.createTlsSetForResource on ${CERTS.resourceFile} writes ${CERTS.folder}/ with 0600 keys and returns its summary`, async () => {
  const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
  fs.writeFileSync(path.join(root, CERTS.resourceFile), CERTS.resource);
  const doc = await open(CERTS.resourceFile);
  const editor = vscode.window.activeTextEditor;
  const at = doc.positionAt(doc.getText().indexOf('e2e-pool'));
  editor.selection = new vscode.Selection(at, at);
  // No uri/offset: the command takes the active editor and its cursor, as from the palette; the argument skips the questions.
  const r = await vscode.commands.executeCommand('pgtls.createTlsSetForResource', { algorithm: 'ecdsa-p256' });
  assert.ok(r && r.status === 'written', `unexpected result: ${JSON.stringify(r)}`);
  const s = r.summary;
  log(`summary: ${s.message}`);
  const dir = path.join(root, CERTS.folder);
  assert.equal(s.dir, dir);
  assert.deepEqual(s.files.map(f => f.name).sort(), CERTS.files);
  assert.equal(octal(dir), '0700');
  for (const f of s.files) {
    assert.ok(fs.existsSync(f.path), `${f.name} was not written`);
    const want = f.name.endsWith('.crt') ? '0644' : '0600';
    assert.equal(octal(f.path), want, `${f.name} has mode ${octal(f.path)}, expected ${want}`);
    assert.equal(f.mode, want);
  }
  assert.ok(s.files.find(f => f.name === 'server.crt').sans.includes(CERTS.serverSan), `server SANs lack ${CERTS.serverSan}`);
  assert.match(s.files.find(f => f.name === 'client.crt').subject, new RegExp(CERTS.clientSubject));
  assert.ok(s.message.includes('server.crt') && s.message.includes('secrets.yaml'), `summary message: ${s.message}`);
  assert.ok(!JSON.stringify(r).includes('PRIVATE KEY'), 'the summary must not hold key material');
  assert.ok(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').includes('*.key'));
  assert.ok(fs.readFileSync(path.join(dir, 'server.key'), 'utf8').includes('PRIVATE KEY'));
  // The resource now references the new Issuer, as an unsaved edit that Undo reverts.
  assert.equal(r.resourcePatched, true, 'the reference patch was not applied');
  assert.ok(doc.getText().includes(`name: ${CERTS.issuer}`), `the resource lacks the issuerRef:\n${doc.getText()}`);
  assert.ok(doc.isDirty, 'the patch must be an unsaved edit');
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('undo');
  assert.equal(doc.getText(), CERTS.resource, 'undo did not restore the resource');
});

test('pgtls.createServerCertificate refuses to overwrite without force, replaces with force (still 0600)', async () => {
  const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const dir = path.join(root, CERTS.folder);
  const before = fs.readFileSync(path.join(dir, 'server.key'), 'utf8');
  const args = { folder: CERTS.folder, serverName: 'db.e2e.example', sans: ['127.0.0.1'] };
  const refused = await vscode.commands.executeCommand('pgtls.createServerCertificate', args);
  assert.equal(refused.status, 'exists');
  assert.deepEqual(refused.existing.map(f => path.basename(f)).sort(), ['server.crt', 'server.key']);
  assert.equal(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), before, 'server.key changed without force');
  const r = await vscode.commands.executeCommand('pgtls.createServerCertificate', { ...args, force: true });
  assert.equal(r.status, 'written');
  assert.deepEqual(r.summary.files.map(f => f.name), ['server.crt', 'server.key'], 'the existing CA must be reused, not replaced');
  assert.deepEqual(r.summary.files.find(f => f.name === 'server.crt').sans, ['DNS:db.e2e.example', 'IP:127.0.0.1']);
  assert.notEqual(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), before);
  assert.equal(octal(path.join(dir, 'server.key')), '0600');
});

test('pgtls.inspectCertificate shows the decoded server.crt in a read-only view', async () => {
  const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const crt = vscode.Uri.file(path.join(root, CERTS.folder, 'server.crt'));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(crt));
  const r = await vscode.commands.executeCommand('pgtls.inspectCertificate');
  assert.ok(r && r.count === 1, `unexpected result: ${JSON.stringify(r)}`);
  const shown = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === r.uri);
  assert.ok(shown, `the view ${r.uri} is not shown`);
  assert.equal(shown.document.uri.scheme, 'pgtls-certificate');
  assert.ok(shown.document.getText().includes('db.e2e.example'), 'the view lacks the server name');
  assert.ok(!shown.document.getText().includes('PRIVATE KEY'));
});

// The package, the extension page, the language status item and the walkthrough (extensionPage.js).
require('./extensionPage').register(test, { open, log });
// Outline, folding, formatting and document links (suite/structure.js, expectations in ../structure.json).
require('./structure').register(test, { open, log, fileUri });
// The certificate lifecycle commands and the expiry lens (suite/lifecycle.js).
require('./lifecycle').register(test, { open, log });
// The TLS map's code lens: the setting, the focus on the lens's resource, the README picture (suite/tlsMap.js).
require('./tlsMap').register(test, { open, log });
// Issue 12's linter conventions (suppression comments, the rule setting, fix-all on save): suite/linter.js.
require('./linter')({ test, open, diagnosticsWhen, log, codeOf });
// Issue 12's "Configuration and certificates are not linked", one test per item: suite/issue12config.js.
require('./issue12config').register({ test, open, diagnosticsWhen, fileAppears, log, codeOf, OUT });

exports.run = async function run() {
  const results = [];
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await t.fn();
      results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
      log(`ok - ${t.name}`);
    } catch (e) {
      results.push({ name: t.name, ok: false, ms: Date.now() - t0, error: String((e && e.stack) || e) });
      log(`not ok - ${t.name}\n${String((e && e.stack) || e).replace(/^/gm, '    ')}`);
    }
  }
  const failed = results.filter(r => !r.ok).length;
  log(`${results.length - failed} passed, ${failed} failed`);
  if (OUT) fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2));
  if (failed) throw new Error(`${failed} of ${results.length} e2e test(s) failed`);
};
