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
const SCREENSHOT = path.join(REPO, 'docs/images/vscode-pool-hba.png');
const skip = missing(...TOOLS);
if (skip) process.stderr.write(`*** vscode.test.ts: ${INSTALL_HINT} ***\n`);

test('pgtls in VS Code (code-server + headless Chromium): diagnostics, language ids, hover, edits', { skip, timeout: 240_000 }, async () => {
  try {
    assertTools(...TOOLS);
  } catch (e) {
    throw new Error(`${(e as Error).message}; ${INSTALL_HINT}`);
  }
  const tmp = makeTemp('vscode');
  const group = new ProcessGroup(tmp);
  const log = (line: string) => process.stderr.write(`[e2e vscode] ${line}\n`);
  // One deadline over every step: past it, everything started is killed, so the awaits below fail and return.
  const overall = setTimeout(() => { log('overall deadline (220 s) passed: killing everything'); group.abort(); }, 220_000);
  try {
    const t0 = Date.now();
    const vsix = await buildVsix(tmp, group);
    log(`packaged ${vsix} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB) in ${Date.now() - t0} ms`);
    const outDir = path.join(tmp, 'out');
    const shot = process.env.PGTLS_SCREENSHOT === '1';
    const r = await runSuiteInCodeServer({
      tmp, group, vsix, outDir, log, workspace: copyWorkspace(tmp), suite: path.join(E2E_DIR, 'suite/index.js'),
      env: shot ? { PGTLS_E2E_SCREENSHOT: '1' } : {}, timeoutMs: 150_000,
      ...(shot ? { screenshot: SCREENSHOT, imagesDir: path.join(REPO, 'docs/images') } : {}),
    });
    const suiteLog = fs.existsSync(path.join(outDir, 'log.txt')) ? fs.readFileSync(path.join(outDir, 'log.txt'), 'utf8') : '(no log.txt)';
    const resultsFile = path.join(outDir, 'results.json');
    const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { name: string; ok: boolean }[] : [];
    log(`${results.filter(x => x.ok).length}/${results.length} in-editor checks passed in ${Date.now() - t0} ms`);
    const report = `suite log:\n${suiteLog}\nextension host and code-server output:\n${r.output}`;
    assert.equal(r.exitCode, 0, `the in-editor suite failed (exit code ${r.exitCode})\n${report}`);
    assert.ok(results.length >= 6, `the suite ran only ${results.length} check(s)\n${report}`);
    assert.deepEqual(results.filter(x => !x.ok).map(x => x.name), [], report);
    if (shot) assert.ok(fs.existsSync(SCREENSHOT), `no screenshot at ${SCREENSHOT}\n${report}`);
  } finally {
    clearTimeout(overall);
    await group.dispose();
    removeTemp(tmp);
  }
});
