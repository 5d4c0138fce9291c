// In-editor tests of what a new user sees before any diagnostic: the installed package's exact contents, the
// extension page (icon, README with its pictures, changelog), the language status item and the "Get started"
// walkthrough. The browser side looks at the workbench for them (page.js, harness/pageRequests.ts) and, with
// PGTLS_SCREENSHOT=1, takes the pictures the marketplace README shows (docs/images/; the TLS map's in tlsMap.js).
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { askPage } = require('./page');

const REPO = path.resolve(__dirname, '../../..');
const EXPECTED = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'expected.json'), 'utf8'));
const EXTENSION_ID = 'pgtls.pgtls';
const WALKTHROUGH = `${EXTENSION_ID}#getStarted`;

/** Every file under `dir`, as sorted paths relative to it with forward slashes. */
function listTree(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listTree(dir, p));
    else out.push(p);
  }
  return out.sort();
}

/** The pinned contents of the .vsix (test/package-contents.txt; test/unit/extensionPackage.test.ts checks `vsce ls`). */
function pinnedContents() {
  return fs.readFileSync(path.join(REPO, 'test/package-contents.txt'), 'utf8').split('\n').filter(l => l && !l.startsWith('#'));
}

/** Closes every editor; dirty files of the workspace copy are saved first, so that no dialog asks. */
async function closeAll() {
  await Promise.all(vscode.workspace.textDocuments.filter(d => d.isDirty && d.uri.scheme === 'file').map(d => d.save()));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** A tidy workbench for a picture: no notifications, no side bar, one editor group. */
async function tidy({ panel }) {
  await vscode.commands.executeCommand('notifications.clearAll');
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  await vscode.commands.executeCommand('workbench.action.joinAllGroups');
  await vscode.commands.executeCommand(panel ? 'workbench.actions.view.problems' : 'workbench.action.closePanel');
}

function register(test, { open, log }) {
  const ext = () => {
    const e = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(e, `extension ${EXTENSION_ID} is not installed`);
    return e;
  };

  test('the installed package holds exactly the pinned files (no CLI bundle, no sources, no source maps)', async () => {
    // VS Code adds .vsixmanifest (the package's manifest) when it installs; everything else comes from the .vsix.
    const installed = listTree(ext().extensionPath).filter(f => f !== '.vsixmanifest');
    const pinned = pinnedContents();
    const extra = installed.filter(f => !pinned.includes(f));
    const absent = pinned.filter(f => !installed.includes(f));
    assert.deepEqual({ extra, absent }, { extra: [], absent: [] }, `installed: ${installed.join(', ')}`);
    for (const f of ['dist/cli.js', 'dist/cli-cert.js']) assert.ok(!installed.includes(f), `${f} must not be packaged`);
  });

  test('the language status item shows the pgtls version, the files checked and a link to the output', async () => {
    await closeAll();
    await tidy({ panel: true });
    const doc = await open('pool_hba.conf');
    const version = ext().packageJSON.version;
    await new Promise((resolve, reject) => {
      const deadline = setTimeout(() => { sub.dispose(); reject(new Error('no pgtls diagnostics for pool_hba.conf')); }, 30000);
      const check = () => {
        if (!vscode.languages.getDiagnostics(doc.uri).some(d => d.source === 'pgtls')) return;
        clearTimeout(deadline);
        sub.dispose();
        resolve();
      };
      const sub = vscode.languages.onDidChangeDiagnostics(check);
      check();
    });
    const status = ext().exports.status();
    log(`language status: ${JSON.stringify(status)}`);
    assert.equal(status.state, 'running');
    assert.equal(status.serverVersion, version, 'the server reports the version of the package');
    assert.equal(status.text, `pgtls ${version}`);
    assert.ok(status.checked >= 2, `pool_hba.conf and pgpool.conf were checked, the item counts ${status.checked}`);
    assert.ok(status.withProblems >= 1 && status.withProblems <= status.checked);
    assert.equal(status.detail, `${status.checked} files checked, ${status.withProblems} with problems`);
    assert.equal(status.command, 'pgtls.showOutput');
    const shown = await askPage({
      kind: 'show',
      steps: [{ hover: '#status\\.languageStatus' }],
      expect: [
        { what: 'the language status hover with the version', selector: '.hover-language-status', text: `pgtls ${version}` },
        { what: 'the link to the output', selector: '.hover-language-status a', text: 'Show Output' },
      ],
      // The Problems panel, the status bar and the item's hover: the lower part of the 1280 × 800 window.
      screenshot: { name: 'vscode-language-status', clip: { x: 48, y: 500, width: 1232, height: 300 } },
    });
    assert.ok(shown.texts[0].includes('files checked'), `the hover reads: ${shown.texts[0]}`);
  });

  test('Inspect Certificate shows the certificate the set command made, beside its file', async () => {
    await closeAll();
    await tidy({ panel: false });
    await open(`${EXPECTED.certs.folder}/server.crt`);
    const r = await vscode.commands.executeCommand('pgtls.inspectCertificate');
    assert.ok(r && r.count === 1, `unexpected result: ${JSON.stringify(r)}`);
    await askPage({
      kind: 'show',
      expect: [
        { what: 'the view of server.crt', selector: '.tab', text: 'server.crt.txt' },
        { what: 'its subject alternative names', selector: '.monaco-editor .view-lines', text: 'db.e2e.example' },
      ],
      // Both editors, down to the end of the decoded text (the side bar is closed).
      screenshot: { name: 'vscode-inspect-certificate', clip: { x: 48, y: 0, width: 1232, height: 500 } },
    });
  });

  test('the "Get started" walkthrough opens with its three steps and their pages', async () => {
    await closeAll();
    await tidy({ panel: false });
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    const walkthrough = ext().packageJSON.contributes.walkthroughs[0];
    assert.equal(walkthrough.steps.length, 3);
    await askPage({
      kind: 'show',
      expect: [
        { what: 'the walkthrough', selector: '.gettingStartedContainer', text: walkthrough.title },
        ...walkthrough.steps.map(s => ({ what: `the step "${s.title}"`, selector: '.getting-started-step', text: s.title })),
      ],
      screenshot: { name: 'vscode-walkthrough' },
    });
    // The first step is open: its page (media/walkthrough/check.md, from the package) is rendered beside it.
    const firstPage = fs.readFileSync(path.join(ext().extensionPath, walkthrough.steps[0].media.markdown), 'utf8');
    const heading = /^# (.+)$/m.exec(firstPage)[1];
    await askPage({ kind: 'frameImages', frameText: heading });
    await closeAll();
  });

  test('the extension page shows the icon and the README with every picture loaded', async () => {
    const readme = fs.readFileSync(path.join(ext().extensionPath, 'readme.md'), 'utf8');
    const pictures = (readme.match(/!\[[^\]]*\]\(/g) || []).length + (readme.match(/<img\s/gi) || []).length;
    assert.ok(pictures >= 3, `the packaged README shows ${pictures} picture(s)`);
    // `extension.open` asks the gallery first (closed here): the page is opened from the Extensions view instead.
    await vscode.commands.executeCommand('workbench.extensions.search', '@installed PG TLS');
    const page = await askPage({
      kind: 'show',
      steps: [{ click: '.extensions-viewlet .monaco-list-row:has-text("PG TLS")' }],
      expect: [
        { what: 'the extension page', selector: '.extension-editor .header', text: ext().packageJSON.displayName },
        { what: 'the icon', selector: '.extension-editor .header img.icon', image: true },
      ],
    });
    const [, icon] = page.images;
    assert.ok(icon && icon.width === 128 && icon.height === 128, `the icon did not load: ${JSON.stringify(icon)}`);
    const firstLine = readme.split('\n').find(l => l && !l.startsWith('#') && !l.startsWith('!') && !l.startsWith('<'));
    const frame = await askPage({ kind: 'frameImages', frameText: firstLine.replace(/[*`[\]]/g, '').slice(0, 40) });
    log(`README pictures: ${JSON.stringify(frame.images)}`);
    assert.equal(frame.images.length, pictures, 'every picture of the README is on the page');
    const broken = frame.images.filter(i => i.width === 0 || i.height === 0);
    assert.deepEqual(broken, [], 'pictures the extension page could not load');
    // The TLS map's picture (suite/tlsMap.js takes it): on the page, loaded.
    const map = frame.images.find(i => /TLS map/.test(i.alt));
    assert.ok(map && map.width > 600 && map.height > 200, `the TLS map picture: ${JSON.stringify(map)}`);
    await closeAll();
  });
}

module.exports = { register };
