// In-editor tests of the certificate lifecycle commands (issue 11): the expiry code lens on a Secret, "Renew
// Certificates", "Rotate CA", "Sign a CSR" and "Probe Server"; and "Show TLS Map" (issue 12) on the same files. Each runs through VS Code's command service with an
// argument object (no questions asked), on files in the workspace copy. Results are checked with Node's own X.509
// parser (OpenSSL underneath) and, for the CSR, with a key made by the real openssl that pgtls never sees.
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const FOLDER = 'certs/lifecycle';
const SERVER_NAME = 'db.lifecycle.example';

function register(test, { open, log }) {
  const root = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
  const dir = () => path.join(root(), FOLDER);
  const file = f => path.join(dir(), f);
  const cert = f => new crypto.X509Certificate(fs.readFileSync(file(f)));
  const octal = p => (fs.statSync(p).mode & 0o777).toString(8).padStart(4, '0');

  test('lifecycle: a CA and a server certificate from the palette commands, in one folder', async () => {
    const ca = await vscode.commands.executeCommand('pgtls.createCa', { folder: FOLDER, caName: 'e2e lifecycle CA' });
    assert.equal(ca && ca.status, 'written', `createCa: ${JSON.stringify(ca)}`);
    const server = await vscode.commands.executeCommand('pgtls.createServerCertificate', { folder: FOLDER, serverName: SERVER_NAME, sans: ['127.0.0.1'] });
    assert.equal(server && server.status, 'written', `createServerCertificate: ${JSON.stringify(server)}`);
    assert.ok(cert('server.crt').verify(cert('ca.crt').publicKey), 'server.crt is not signed by the ca.crt beside it');
  });

  test('a Secret holding that certificate gets an "expires in N days" code lens and a Renew lens for its folder', async () => {
    const name = `${FOLDER}/secret.yaml`;
    const b64 = fs.readFileSync(file('server.crt')).toString('base64');
    fs.writeFileSync(path.join(root(), name), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64}\n`);
    const doc = await open(name);
    let lenses = [];
    const deadline = Date.now() + 30000;
    // The server computes lenses on request; the first request can come before the document is indexed.
    while (Date.now() < deadline) {
      lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 10)) || [];
      if (lenses.some(l => l.command && /expires in/.test(l.command.title))) break;
      await new Promise(r => setTimeout(r, 250));
    }
    const titles = lenses.map(l => l.command && l.command.title);
    log(`lenses of ${name}: ${JSON.stringify(titles)}`);
    const expiry = lenses.find(l => l.command && /expires in (\d+) days/.test(l.command.title));
    assert.ok(expiry, `no expiry lens; got ${JSON.stringify(titles)}`);
    const days = Number(/expires in (\d+) days/.exec(expiry.command.title)[1]);
    assert.ok(days >= 395 && days <= 397, `a new leaf lasts 397 days; the lens says ${days}`);
    assert.equal(expiry.range.start.line, 6, 'the lens sits on the tls.crt line');
    const renew = lenses.find(l => l.command && l.command.title === 'Renew');
    assert.ok(renew, `no Renew lens; got ${JSON.stringify(titles)}`);
    assert.equal(renew.command.command, 'pgtls.renewCertificates');
    assert.equal(path.resolve(renew.command.arguments[0].dir), dir());
    fs.rmSync(path.join(root(), name));
  });

  test('pgtls.renewCertificates re-issues the leaf from the same CA with the same names, and keeps a backup', async () => {
    const before = cert('server.crt');
    const r = await vscode.commands.executeCommand('pgtls.renewCertificates', { dir: dir(), newKeys: false });
    log(`renew: ${r.message}`);
    assert.ok(r.files.includes('server.crt'), `files: ${r.files}`);
    assert.ok(r.backupDir && fs.existsSync(path.join(r.backupDir, 'server.crt')), `no backup of server.crt in ${r.backupDir}`);
    const after = cert('server.crt');
    assert.notEqual(after.serialNumber, before.serialNumber, 'the certificate was not re-issued');
    assert.equal(after.subject, before.subject);
    assert.equal(after.subjectAltName, before.subjectAltName);
    assert.ok(after.verify(cert('ca.crt').publicKey), 'the renewed leaf is not signed by the same CA');
    assert.ok(after.checkPrivateKey(crypto.createPrivateKey(fs.readFileSync(file('server.key')))), 'the kept key does not match');
    assert.equal(octal(file('server.key')), '0600');
  });

  test('pgtls.rotateCa: a new CA of the same name, ca-bundle.crt with both, leaves from the new CA, the steps', async () => {
    const oldCa = cert('ca.crt');
    const r = await vscode.commands.executeCommand('pgtls.rotateCa', { dir: dir(), operator: 'none' });
    log(`rotate-ca: ${r.message}`);
    const newCa = cert('ca.crt');
    assert.notEqual(newCa.fingerprint256, oldCa.fingerprint256, 'ca.crt was not replaced');
    assert.equal(newCa.subject, oldCa.subject);
    const pems = fs.readFileSync(file('ca-bundle.crt'), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
    assert.deepEqual(pems.map(p => new crypto.X509Certificate(p).fingerprint256).sort(), [oldCa.fingerprint256, newCa.fingerprint256].sort());
    assert.ok(cert('server.crt').verify(newCa.publicKey), 'the leaf is not issued by the new CA');
    assert.ok(Array.isArray(r.steps) && r.steps.length >= 3, `steps: ${JSON.stringify(r.steps)}`);
    assert.equal(octal(file('ca.key')), '0600');
  });

  test('pgtls.signCsr signs a CSR made by openssl as a server certificate; the key stays with openssl', async () => {
    const csr = file('app.csr');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('app.key'),
      '-out', csr, '-subj', '/CN=app.lifecycle.example', '-addext', 'subjectAltName=DNS:app.lifecycle.example'], { stdio: 'ignore' });
    const r = await vscode.commands.executeCommand('pgtls.signCsr', { csr, caCert: file('ca.crt'), caKey: file('ca.key'), role: 'server', out: file('app.crt') });
    assert.equal(r && r.status, 'written', `signCsr: ${JSON.stringify(r)}`);
    const app = cert('app.crt');
    assert.ok(app.verify(cert('ca.crt').publicKey), 'app.crt is not signed by the CA');
    assert.equal(app.checkHost('app.lifecycle.example'), 'app.lifecycle.example');
    assert.ok(app.checkPrivateKey(crypto.createPrivateKey(fs.readFileSync(file('app.key')))), 'app.crt does not carry the CSR\'s key');
    assert.ok(!JSON.stringify(r).includes('PRIVATE KEY'));
  });

  test('pgtls.showTlsMap draws the folder\'s map in a webview: the Secret\'s certificate, its CA, the link between them', async () => {
    const name = `${FOLDER}/secret.yaml`;
    const b64 = f => fs.readFileSync(file(f)).toString('base64');
    fs.writeFileSync(path.join(root(), name), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64('server.crt')}\n  ca.crt: ${b64('ca.crt')}\n`);
    const doc = await open(name);
    const r = await vscode.commands.executeCommand('pgtls.showTlsMap', { uri: doc.uri.toString() });
    log(`tls map: ${JSON.stringify(r)}`);
    assert.ok(r && r.nodes >= 3, `expected the Secret, the certificate and its CA; got ${JSON.stringify(r)}`);
    assert.ok(r.edges >= 2, `expected the CA → certificate and certificate → Secret links; got ${JSON.stringify(r)}`);
    assert.equal(r.broken, 0, 'the certificate is issued by the CA beside it: nothing is broken');
    // The panel's tab appears once the workbench has opened it beside the editor.
    const mapTab = () => vscode.window.tabGroups.all.flatMap(g => g.tabs).find(t => /^TLS Map/.test(t.label));
    for (const until = Date.now() + 10000; !mapTab() && Date.now() < until;) await new Promise(res => setTimeout(res, 200));
    const labels = vscode.window.tabGroups.all.flatMap(g => g.tabs).map(t => `${t.label} (${t.input && t.input.constructor ? t.input.constructor.name : typeof t.input})`);
    log(`tabs: ${labels.join(', ')}`);
    const tab = mapTab();
    assert.ok(tab, `no TLS Map tab; tabs: ${labels.join(', ')}`);
    assert.equal(tab.label, 'TLS Map: lifecycle', 'the tab names the folder drawn');
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the TLS Map is a webview');
    fs.rmSync(path.join(root(), name));
  });

  test('pgtls.probeServer on a closed loopback port reports the server unreachable in a read-only view', async () => {
    // A port that was free a moment ago: nothing listens there, so the connection is refused.
    const port = await new Promise((resolve, reject) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
      s.on('error', reject);
    });
    const r = await vscode.commands.executeCommand('pgtls.probeServer', { target: `127.0.0.1:${port}`, timeoutSeconds: 5 });
    log(`probe: ${r && r.text}`);
    assert.equal(r.exitCode, 2, `exit code ${r.exitCode}: ${r.text}`);
    assert.match(r.text, /refused|ECONNREFUSED|unreachable|could not connect/i);
    const shown = vscode.window.visibleTextEditors.find(e => e.document.uri.scheme === 'pgtls-probe');
    assert.ok(shown, 'the probe report is not shown');
    assert.ok(shown.document.getText().includes(`127.0.0.1:${port}`) || shown.document.getText() === r.text);
  });
}

module.exports = { register };
