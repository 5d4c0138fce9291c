// Issue 12, "Configuration and certificates are not linked", in a real VS Code: one test per item, each leaving a
// screenshot (harness/uiRequests.ts takes it, presses Enter on the questions, clicks notification buttons):
// 1. hover on a certificate path value, 2. Inspect Certificate following the path under the cursor, 3. the "Generate …
// here" quick fix on a missing file, 4. "Write into postgresql.conf" after a certificate command, 5. a configuration
// that names its CA root.crt. Registered last by index.js (its folders add CAs to the workspace).
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const WAIT_MS = 30000;

exports.register = function register({ test, open, diagnosticsWhen, fileAppears, log, codeOf, OUT }) {
  let n = 0;
  /** One request to the browser side (harness/uiRequests.ts); resolves with its answer. */
  async function ui(request) {
    const name = `conf${++n}`;
    const done = path.join(OUT, `${name}.ui.done.json`);
    fs.writeFileSync(path.join(OUT, `${name}.tmp`), JSON.stringify(request));
    fs.renameSync(path.join(OUT, `${name}.tmp`), path.join(OUT, `${name}.ui.json`));
    await fileAppears(done, 45000);
    const answer = JSON.parse(fs.readFileSync(done, 'utf8'));
    if (answer.error) throw new Error(`browser request ${JSON.stringify(request)} failed: ${answer.error}`);
    return answer;
  }
  const shot = file => ui({ screenshot: file });
  const root = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
  const abs = rel => path.join(root(), rel);
  const octal = p => (fs.statSync(p).mode & 0o777).toString(8).padStart(4, '0');
  const closeQuestions = () => vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  /** Toasts once shown in full (VS Code marks them when their fade-in ends), so a picture shows them. */
  const TOAST = '.notifications-toasts .notification-fade-in-done';
  const clearToasts = () => vscode.commands.executeCommand('notifications.clearAll');

  /** A CA and a server certificate made by the real openssl (pgtls is not asked), in `rel`. */
  function opensslSet(rel, cn) {
    const dir = abs(rel);
    fs.mkdirSync(dir, { recursive: true });
    const o = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=e2e config CA', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    o('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${cn}`);
    fs.writeFileSync(path.join(dir, 'ext.cnf'), `subjectAltName=DNS:${cn}\nextendedKeyUsage=serverAuth\n`);
    o('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '20', '-extfile', 'ext.cnf');
    for (const f of ['server.key', 'ca.key']) fs.chmodSync(path.join(dir, f), 0o600);
    return dir;
  }

  /** Puts the cursor on `needle` (+1) in the active editor. */
  function cursorOn(doc, needle, plus = 1) {
    const at = doc.positionAt(doc.getText().indexOf(needle) + plus);
    const editor = vscode.window.activeTextEditor;
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return at;
  }

  /** Resolves when the document's text satisfies `ready`. */
  function textWhen(doc, ready, what) {
    return new Promise((resolve, reject) => {
      if (ready(doc.getText())) return resolve(doc.getText());
      const sub = vscode.workspace.onDidChangeTextDocument(e => {
        if (e.document.uri.toString() === doc.uri.toString() && ready(e.document.getText())) { sub.dispose(); clearTimeout(timer); resolve(e.document.getText()); }
      });
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no ${what} within ${WAIT_MS / 1000}s; the text is:\n${doc.getText()}`)); }, WAIT_MS);
      return undefined;
    });
  }

  /**
   * The workspace turns pgtls.checkFiles off (its settings.json); these tests need the files read: on for `fn`, then
   * back to the workspace's own value.
   */
  async function withFileChecks(fn) {
    const config = vscode.workspace.getConfiguration('pgtls');
    await config.update('checkFiles', true, vscode.ConfigurationTarget.Workspace);
    try {
      return await fn();
    } finally {
      await vscode.workspace.getConfiguration('pgtls').update('checkFiles', false, vscode.ConfigurationTarget.Workspace);
    }
  }

  /** The hover texts at `pos`, asked again until they match `re` (the server takes the new settings a moment later). */
  async function hoverWhen(doc, pos, re) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos);
      const text = (hovers || []).map(h => h.contents.map(c => (typeof c === 'string' ? c : c.value)).join('\n')).join('\n---\n');
      if (re.test(text) || Date.now() > deadline) return text;
      await new Promise(r => setTimeout(r, 200));
    }
  }

  const POOL = "# pgpool.conf: TLS files beside it\nssl = on\nssl_cert = 'tls/server.crt'\nssl_key = 'tls/server.key'\nssl_ca_cert = 'tls/ca.crt'\n";

  test('issue 12 config 1: hover on a certificate path value says where it resolves and what the certificate holds', () => withFileChecks(async () => {
    // One editor group, no side bar, only the files these tests open (unsaved ones stay: closing them would ask).
    for (const c of ['workbench.action.closeUnmodifiedEditors', 'workbench.action.editorLayoutSingle', 'workbench.action.closeSidebar', 'notifications.clearAll']) {
      await vscode.commands.executeCommand(c).then(undefined, e => log(`${c}: ${e}`));
    }
    opensslSet('conf12/tls', 'db.conf12.example');
    fs.writeFileSync(abs('conf12/pgpool.conf'), POOL);
    const doc = await open('conf12/pgpool.conf');
    const pos = cursorOn(doc, "'tls/server.crt'", 3);
    const text = await hoverWhen(doc, pos, /Subject/);
    log(`hover on ssl_cert:\n${text}`);
    assert.match(text, /\*\*ssl_cert\*\* · the certificate \(chain\) Pgpool-II serves to clients/);
    assert.match(text, /relative to `\.\/conf12`: `\.\/conf12\/tls\/server\.crt`/);
    assert.match(text, /Subject: `CN=db\.conf12\.example`/);
    assert.match(text, /Issuer: `CN=e2e config CA`/);
    assert.match(text, /expires in 1[89] days/);
    const keyHover = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, doc.positionAt(doc.getText().indexOf("'tls/server.key'") + 3));
    const keyText = keyHover.map(h => h.contents.map(c => c.value || c).join('\n')).join('\n');
    assert.match(keyText, /It is the key of the certificate in `ssl_cert`/);
    assert.doesNotMatch(keyText, /BEGIN|PRIVATE KEY-----/);
    await vscode.commands.executeCommand('editor.action.showHover');
    await ui({ read: '.monaco-hover', includes: 'db.conf12.example' });
    await shot('config1-hover.png');
    await vscode.commands.executeCommand('editor.action.hideHover');
  }));

  test('issue 12 config 2: Inspect Certificate with the cursor on ssl_cert inspects that file', async () => {
    const doc = await open('conf12/pgpool.conf');
    cursorOn(doc, "'tls/server.crt'", 5);
    const r = await vscode.commands.executeCommand('pgtls.inspectCertificate');
    log(`inspect followed ${r && r.setting} to ${r && r.file}`);
    assert.ok(r && r.count === 1, JSON.stringify(r));
    assert.equal(r.file, abs('conf12/tls/server.crt'));
    assert.equal(r.setting, 'ssl_cert');
    const shown = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === r.uri);
    assert.ok(shown, 'the view is shown');
    assert.match(shown.document.uri.path, /server\.crt\.txt$/);
    assert.match(shown.document.getText(), /db\.conf12\.example/);
    await shot('config2-inspect.png');
    // On the key the command says why it does not show it.
    await vscode.window.showTextDocument(doc);
    cursorOn(doc, "'tls/server.key'", 5);
    assert.equal(await vscode.commands.executeCommand('pgtls.inspectCertificate'), undefined);
    await ui({ read: '.notifications-toasts .notification-list-item-message', includes: 'names a private key' });
  });

  test('issue 12 config 3: the "Generate … here" quick fix on a missing file writes the files pgpool.conf names, and the errors clear', async () => {
    try {
      await withFileChecks(config3);
    } finally {
      await closeQuestions();
    }
  });

  async function config3() {
    fs.mkdirSync(abs('gen12'), { recursive: true });
    fs.writeFileSync(abs('gen12/pgpool.conf'), "ssl = on\nssl_cert = 'tls/server.crt'\nssl_key = 'tls/server.key'\nssl_ca_cert = 'tls/root.crt'\n");
    const doc = await open('gen12/pgpool.conf');
    const diags = await diagnosticsWhen(doc.uri, ds => ds.filter(d => codeOf(d) === 'pgpool-conf/ssl-file-missing').length === 3, 'the three missing files');
    const onCert = diags.find(d => codeOf(d) === 'pgpool-conf/ssl-file-missing' && d.range.start.line === 1);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, onCert.range);
    log(`quick fixes on ssl_cert: ${actions.map(a => a.title).join(' | ')}`);
    const generate = actions.find(a => a.command && a.command.command === 'pgtls.generateTlsFiles');
    assert.ok(generate, 'no Generate quick fix');
    assert.equal(generate.title, 'Generate server.crt and server.key here with a new CA root.crt');
    cursorOn(doc, "'tls/server.crt'", 2);
    await clearToasts();
    await vscode.commands.executeCommand('editor.action.quickFix');
    await ui({ read: '.action-widget', includes: 'Generate server.crt' });
    await shot('config3-quick-fix.png');
    await vscode.commands.executeCommand('hideCodeActionWidget').then(undefined, () => undefined);
    // The command as the light bulb runs it: it asks the names (the harness accepts the defaults).
    const run = vscode.commands.executeCommand(generate.command.command, ...generate.command.arguments);
    await ui({ accept: 'host name or address clients dial' });
    await ui({ accept: 'SANs' });
    const r = await run;
    assert.equal(r && r.status, 'written', JSON.stringify(r));
    const tls = abs('gen12/tls');
    assert.deepEqual(fs.readdirSync(tls).filter(f => !f.startsWith('.')).sort(), ['root.crt', 'root.key', 'server.crt', 'server.key']);
    assert.equal(octal(path.join(tls, 'server.key')), '0600');
    assert.equal(octal(path.join(tls, 'root.key')), '0600');
    assert.match(execFileSync('openssl', ['verify', '-CAfile', path.join(tls, 'root.crt'), path.join(tls, 'server.crt')], { encoding: 'utf8' }), /server\.crt: OK/);
    await diagnosticsWhen(doc.uri, ds => !ds.some(d => codeOf(d) === 'pgpool-conf/ssl-file-missing'), 'no missing file after generating');
    await ui({ read: `${TOAST} .notification-list-item-message`, includes: 'at the paths the configuration names' });
    await shot('config3-generated.png');
  }

  test('issue 12 config 4: after Create Server Certificate, "Write into postgresql.conf" points it at the files, relative to its data directory', async () => {
    fs.mkdirSync(abs('pg12'), { recursive: true });
    fs.writeFileSync(abs('pg12/PG_VERSION'), '17\n');
    fs.writeFileSync(abs('pg12/postgresql.conf'), "listen_addresses = '*'\n#ssl = off\n#ssl_cert_file = 'server.crt'\t\t# (change requires restart)\n#ssl_key_file = 'server.key'\n");
    const doc = await open('pg12/postgresql.conf');
    await clearToasts();
    const r = await vscode.commands.executeCommand('pgtls.createServerCertificate', { folder: 'pg12/certs', serverName: 'db.pg12.example', sans: ['127.0.0.1'] });
    assert.equal(r && r.status, 'written', JSON.stringify(r));
    await ui({ read: `${TOAST} .monaco-button`, includes: 'Write into postgresql.conf' });
    await shot('config4-offer.png');
    const clicked = await ui({ click: '.notifications-toasts .monaco-button', includes: 'Write into postgresql.conf' });
    log(`clicked: ${clicked.text}`);
    const text = await textWhen(doc, t => t.includes("ssl_cert_file = 'certs/server.crt'"), 'the edit of postgresql.conf');
    log(`postgresql.conf after the edit:\n${text}`);
    assert.equal(text, [
      "listen_addresses = '*'", '#ssl = off', 'ssl = on',
      "#ssl_cert_file = 'server.crt'\t\t# (change requires restart)", "ssl_cert_file = 'certs/server.crt'",
      "#ssl_key_file = 'server.key'", "ssl_key_file = 'certs/server.key'", "ssl_ca_file = 'certs/ca.crt'", '',
    ].join('\n'));
    assert.ok(doc.isDirty, 'an unsaved edit');
    await ui({ read: `${TOAST} .notification-list-item-message`, includes: 'postgresql.conf now has' });
    await shot('config4-write-into-postgresql-conf.png');
    await diagnosticsWhen(doc.uri, ds => !ds.some(d => /file-missing|cert-invalid|key-invalid/.test(codeOf(d))), 'no file finding after the edit');
    await doc.save();
  });

  test('issue 12 config 5: a postgresql.conf naming root.crt: the command keeps ca.crt, says so, and the edit points ssl_ca_file at it', async () => {
    fs.mkdirSync(abs('pg5'), { recursive: true });
    fs.writeFileSync(abs('pg5/PG_VERSION'), '17\n');
    fs.writeFileSync(abs('pg5/postgresql.conf'), "ssl = on\nssl_ca_file = 'root.crt'\n");
    const doc = await open('pg5/postgresql.conf');
    await clearToasts();
    const r = await vscode.commands.executeCommand('pgtls.createServerCertificate', { folder: 'pg5', serverName: 'db.pg5.example' });
    assert.equal(r && r.status, 'written', JSON.stringify(r));
    assert.ok(r.summary.files.some(f => f.name === 'ca.crt'), 'the CA is ca.crt');
    const toasts = await ui({ read: `${TOAST} .notification-list-item-message`, includes: 'names root.crt' });
    const said = toasts.texts.find(t => t.includes('names root.crt'));
    log(`notification: ${said}`);
    assert.match(said, /ssl_ca_file names root\.crt, but the CA is ca\.crt/);
    await shot('config5-root-crt.png');
    await ui({ click: '.notifications-toasts .monaco-button', includes: 'Write into postgresql.conf' });
    const text = await textWhen(doc, t => t.includes("ssl_ca_file = 'ca.crt'"), 'ssl_ca_file pointed at ca.crt');
    assert.equal(text, "ssl = on\nssl_ca_file = 'ca.crt'\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
    await doc.save();
  });
};
