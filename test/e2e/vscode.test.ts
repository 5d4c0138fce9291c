/**
 * pgtls in a real VS Code: packages pgtls.vsix (`npm run package` in a staging folder), installs it into code-server
 * (VS Code 1.100 from npm), opens a copy of test/e2e/workspace in headless Chromium and runs suite/index.js in the
 * extension host. The suite asserts the diagnostics (source, rule id, exact range), the language ids, a hover and
 * an edit round trip; see expected.json.
 * Tools: code-server + playwright-core in PGTLS_E2E_TOOLS (default .e2e/tools; `bash scripts/install-e2e-tools.sh`),
 * /usr/bin/chromium. Missing tools skip the test locally and fail it under CI=true.
 * PGTLS_SCREENSHOT=1 also writes docs/images/vscode-pool-hba.png; PGTLS_E2E_KEEP=1 keeps the scratch folder.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertTools, missing } from '../requires';
import { runSuiteInCodeServer } from './harness/codeServer';
import { buildVsix } from './harness/package';
import { ProcessGroup } from './harness/processes';
import { CHROMIUM, CODE_SERVER_ENTRY, E2E_DIR, INSTALL_HINT, PLAYWRIGHT_CORE, REPO, copyWorkspace, makeTemp, removeTemp } from './harness/tools';

const TOOLS = [CODE_SERVER_ENTRY, PLAYWRIGHT_CORE, CHROMIUM];

/**
 * The Red Hat YAML stand-in (companions/redhat-yaml: the real yaml-language-server under that extension's id), packaged
 * with vsce into the scratch folder: with it installed, pgtls must not repeat the YAML server's duplicate-key errors.
 */
async function buildCompanionVsix(tmp: string, group: ProcessGroup): Promise<string> {
  const out = path.join(tmp, 'redhat-yaml-e2e.vsix');
  const r = await group.run(path.join(REPO, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], {
    cwd: path.join(E2E_DIR, 'companions/redhat-yaml'), timeoutMs: 60_000,
  });
  if (r.code !== 0 || !fs.existsSync(out)) throw new Error(`vsce package (companion) failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return out;
}
const SCREENSHOT = path.join(REPO, 'docs/images/vscode-pool-hba.png');
const skip = missing(...TOOLS);
if (skip) process.stderr.write(`*** vscode.test.ts: ${INSTALL_HINT} ***\n`);

test('pgtls in VS Code (code-server + headless Chromium): diagnostics, language ids, hover, edits', { skip, timeout: 420_000 }, async () => {
  try {
    assertTools(...TOOLS);
  } catch (e) {
    throw new Error(`${(e as Error).message}; ${INSTALL_HINT}`);
  }
  const tmp = makeTemp('vscode');
  const group = new ProcessGroup(tmp);
  const log = (line: string) => process.stderr.write(`[e2e vscode] ${line}\n`);
  // One deadline over every step: past it, everything started is killed, so the awaits below fail and return.
  const overall = setTimeout(() => { log('overall deadline (300 s) passed: killing everything'); group.abort(); }, 300_000);
  try {
    const t0 = Date.now();
    const vsix = await buildVsix(tmp, group);
    log(`packaged ${vsix} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB) in ${Date.now() - t0} ms`);
    const outDir = path.join(tmp, 'out');
    const shot = process.env.PGTLS_SCREENSHOT === '1';
    // The tests' own pictures (one per issue-12 bug): in the scratch folder, or beside the README's with PGTLS_SCREENSHOT=1.
    const screenshotsDir = shot ? path.dirname(SCREENSHOT) : path.join(tmp, 'screenshots');
    const yamlCompanion = await buildCompanionVsix(tmp, group);
    const r = await runSuiteInCodeServer({
      tmp, group, vsix, outDir, log, workspace: copyWorkspace(tmp), suite: path.join(E2E_DIR, 'suite/index.js'),
      env: { ...(shot ? { PGTLS_E2E_SCREENSHOT: '1' } : {}), PGTLS_E2E_NODE_MODULES: path.join(REPO, 'node_modules'), PGTLS_E2E_REDHAT_YAML: '1' },
      timeoutMs: 280_000, screenshotsDir, extraVsix: [yamlCompanion],
      ...(shot ? { screenshot: SCREENSHOT, imagesDir: path.join(REPO, 'docs/images') } : {}),
    });
    log(`screenshots of the in-editor tests: ${screenshotsDir}${shot ? '' : ' (kept with PGTLS_E2E_KEEP=1)'}`);
    const suiteLog = fs.existsSync(path.join(outDir, 'log.txt')) ? fs.readFileSync(path.join(outDir, 'log.txt'), 'utf8') : '(no log.txt)';
    const resultsFile = path.join(outDir, 'results.json');
    const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { name: string; ok: boolean }[] : [];
    log(`${results.filter(x => x.ok).length}/${results.length} in-editor checks passed in ${Date.now() - t0} ms`);
    const report = `suite log:\n${suiteLog}\nextension host and code-server output:\n${r.output}`;
    assert.equal(r.exitCode, 0, `the in-editor suite failed (exit code ${r.exitCode})\n${report}`);
    assert.ok(results.length >= 6, `the suite ran only ${results.length} check(s)\n${report}`);
    // Issue 12: one in-editor test per bug (suite/issue12.js), each with its picture.
    const bugs = results.filter(x => x.name.startsWith('issue 12 bug '));
    assert.ok(bugs.length >= 7, `only ${bugs.length} issue-12 bug tests ran\n${report}`);
    for (const n of ['bug1-ca-defaults.png', 'bug2-no-anchors.png', 'bug3-notification.png', 'bug3-plain-problems.png', 'bug4-snippets.png', 'bug5-rules-setting.png', 'bug6-yaml-duplicates.png']) {
      assert.ok(fs.existsSync(path.join(screenshotsDir, n)), `no screenshot ${n} in ${screenshotsDir}\n${report}`);
    }
    // Issue 12, "Configuration and certificates are not linked": one test per item (suite/issue12config.js), each with its picture.
    assert.equal(results.filter(x => x.name.startsWith('issue 12 config ')).length, 5, `the configuration/certificate tests did not all run\n${report}`);
    for (const n of ['config1-hover.png', 'config2-inspect.png', 'config3-quick-fix.png', 'config3-generated.png', 'config4-offer.png', 'config4-write-into-postgresql-conf.png', 'config5-root-crt.png']) {
      assert.ok(fs.existsSync(path.join(screenshotsDir, n)), `no screenshot ${n} in ${screenshotsDir}\n${report}`);
    }
    assert.deepEqual(results.filter(x => !x.ok).map(x => x.name), [], report);
    if (shot) assert.ok(fs.existsSync(SCREENSHOT), `no screenshot at ${SCREENSHOT}\n${report}`);
  } finally {
    clearTimeout(overall);
    await group.dispose();
    removeTemp(tmp);
  }
});
