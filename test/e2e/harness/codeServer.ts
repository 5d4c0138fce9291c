/**
 * Runs an extension test module (the `extensionTestsPath` contract of @vscode/test-electron: a CommonJS module that
 * exports `run(): Promise<void>`) inside a real VS Code: code-server (VS Code's server + web workbench, from npm)
 * with the extension installed from a .vsix, and Debian's Chromium, headless, driven by playwright-core as the
 * workbench's browser. The module runs in code-server's Node extension host, so the language server is the real one.
 *
 * Protocol with the test module, through files in `outDir` (its path arrives as PGTLS_E2E_OUT):
 *  - it writes `log.txt` (its own output) and `results.json` ({ name, ok, error? }[]);
 *  - with a screenshot requested (PGTLS_E2E_SCREENSHOT=1) it arranges the workbench, writes `screenshot.request`,
 *    and waits for `screenshot.done`, which this side writes after the picture is taken. The picture must be taken
 *    while the test module still runs: when `run()` returns, VS Code stops the extension host and the language
 *    server's diagnostics disappear from the editor.
 * VS Code reports the module's end by calling `window.codeAutomationExit(code)` in the page, and its console output
 * through `window.codeAutomationLog(type, args)`.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as util from 'node:util';
import { freePort } from '../../ports';
import { servePageRequests, type RequestPage } from './pageRequests';
import type { ProcessGroup } from './processes';
import { CHROMIUM, CODE_SERVER_ENTRY, PLAYWRIGHT_CORE } from './tools';
import { serveUiRequests, type UiPage } from './uiRequests';

export interface SuiteRun {
  /** Scratch folder of this run (profiles, logs); the caller removes it. */
  tmp: string;
  group: ProcessGroup;
  vsix: string;
  workspace: string;
  /** Absolute path of the test module. */
  suite: string;
  /** Where the module writes its log and results. */
  outDir: string;
  /** Extra environment for code-server and so for the extension host (and the module). */
  env?: Record<string, string>;
  /** Write a PNG of the workbench here (the module arranges the view first). */
  screenshot?: string;
  /** Where the pictures the module asks for by name go (pageRequests.ts); without it, no picture is written. */
  imagesDir?: string;
  /** Where the suite's screenshot requests write (uiRequests.ts); default `<tmp>/screenshots`. */
  screenshotsDir?: string;
  /** More extensions to install before pgtls's (e.g. a companion extension a test needs). */
  extraVsix?: string[];
  timeoutMs: number;
  log: (line: string) => void;
}

export interface SuiteResult {
  exitCode: number;
  /** What the extension host printed (codeAutomationLog) followed by code-server's own log. */
  output: string;
}

/** The slice of playwright-core's API this harness uses (loaded at run time from the tools folder). */
interface Page extends UiPage {
  exposeFunction(name: string, fn: (...args: never[]) => unknown): Promise<void>;
  goto(url: string, options: { waitUntil: 'domcontentloaded'; timeout: number }): Promise<unknown>;
  waitForSelector(selector: string, options: { timeout: number; state?: 'visible' | 'attached' }): Promise<unknown>;
  screenshot(options: { path: string }): Promise<unknown>;
  on(event: 'console', fn: (m: { type(): string; text(): string }) => void): void;
}
interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: {
    launchPersistentContext(userDataDir: string, options: {
      executablePath: string; headless: boolean; viewport: { width: number; height: number }; deviceScaleFactor?: number;
      env: Record<string, string | undefined>; args: string[]; timeout: number;
    }): Promise<BrowserContext>;
  };
}

const SETTINGS = {
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.layoutControl.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'editor.fontSize': 14,
  'window.commandCenter': false,
};


/** Resolves when `file` exists; rejects at the deadline. Watches the folder (no polling loop). */
function fileAppears(file: string, timeoutMs: number, abort: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let watcher: fs.FSWatcher | undefined;
    const done = (v: boolean) => { clearTimeout(t); watcher?.close(); resolve(v); };
    const t = setTimeout(() => { watcher?.close(); reject(new Error(`${path.basename(file)} did not appear in ${timeoutMs / 1000}s`)); }, timeoutMs);
    watcher = fs.watch(path.dirname(file), () => { if (fs.existsSync(file)) done(true); });
    void abort.then(() => done(false));
    if (fs.existsSync(file)) done(true);
  });
}

export async function runSuiteInCodeServer(o: SuiteRun): Promise<SuiteResult> {
  const dirs = {
    extensions: path.join(o.tmp, 'extensions'), userData: path.join(o.tmp, 'user-data'), home: path.join(o.tmp, 'home'),
    config: path.join(o.tmp, 'xdg-config'), data: path.join(o.tmp, 'xdg-data'), cache: path.join(o.tmp, 'xdg-cache'),
    tmp: path.join(o.tmp, 'tmp'), chrome: path.join(o.tmp, 'chrome'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(o.outDir, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User/settings.json'), JSON.stringify(SETTINGS, null, 2));

  // Everything code-server writes (config, state, sockets in os.tmpdir()) stays in the scratch folder; the folder's
  // path in the environment is also what finds these processes at cleanup.
  const env: NodeJS.ProcessEnv = {
    ...process.env, ...o.env, HOME: dirs.home, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache, TMPDIR: dirs.tmp, PGTLS_E2E_OUT: o.outDir, PGTLS_E2E_EXTENSIONS_DIR: dirs.extensions,
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  // No extension marketplace: code-server would otherwise look installed extensions up on open-vsx.org. This points
  // it at a closed local port, so nothing leaves 127.0.0.1.
  env.EXTENSIONS_GALLERY = JSON.stringify({
    serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item', resourceUrlTemplate: 'http://127.0.0.1:9/{publisher}/{name}/{version}/{path}',
  });
  const profile = ['--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData];

  for (const extra of o.extraVsix ?? []) {
    const r = await o.group.run(process.execPath, [CODE_SERVER_ENTRY, ...profile, '--install-extension', extra], { env, timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`code-server --install-extension ${path.basename(extra)} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  const install = await o.group.run(process.execPath, [CODE_SERVER_ENTRY, ...profile, '--install-extension', o.vsix], { env, timeoutMs: 120_000 });
  if (install.code !== 0) throw new Error(`code-server --install-extension failed (${install.code}):\n${install.stdout}\n${install.stderr}`);
  o.log(`installed ${path.basename(o.vsix)}: ${install.stdout.trim().split('\n').pop()}`);

  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const serverLog = path.join(o.tmp, 'code-server.log');
  const cs = o.group.start(process.execPath, [
    CODE_SERVER_ENTRY, ...profile, '--bind-addr', authority, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--disable-proxy', o.workspace,
  ], { env });
  const logStream = fs.createWriteStream(serverLog);
  cs.stdout!.pipe(logStream, { end: false });
  cs.stderr!.pipe(logStream, { end: false });
  const csExited = new Promise<string>(resolve => cs.once('exit', (code, sig) => resolve(`code-server exited (${code ?? sig})`)));

  const hostOutput: string[] = [];
  let context: BrowserContext | undefined;
  let pageRequests: { stop: () => Promise<void> } | undefined;
  let stopUi: (() => void) | undefined;
  let exitCode = 1;
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('code-server did not listen within 60s')), 60_000).unref();
        const onData = (d: Buffer) => { if (String(d).includes('HTTP server listening')) { clearTimeout(t); resolve(); } };
        cs.stdout!.on('data', onData);
        cs.stderr!.on('data', onData);
      }),
      csExited.then(m => { throw new Error(m); }),
    ]);
    o.log(`code-server listening on ${authority}`);

    const { chromium } = createRequire(PLAYWRIGHT_CORE)('playwright-core') as Playwright;
    context = await chromium.launchPersistentContext(dirs.chrome, {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, timeout: 60_000,
      env: { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: dirs.config, XDG_CACHE_HOME: dirs.cache, TMPDIR: dirs.tmp },
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-sync',
        '--disable-background-networking', '--disable-component-update', '--disable-breakpad', '--disable-crash-reporter',
        '--proxy-server=direct://', '--proxy-bypass-list=*'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    let finish!: (code: number) => void;
    const finished = new Promise<number>(resolve => { finish = resolve; });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      hostOutput.push(`${type === 'error' ? '[error] ' : ''}${util.format(...(args ?? []))}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    if (process.env.PGTLS_E2E_VERBOSE) page.on('console', m => o.log(`[browser ${m.type()}] ${m.text().slice(0, 400)}`));

    // VS Code runs an extensionTestsPath module only in an extension development host, which needs an
    // extensionDevelopmentPath. An empty extension serves as that, so pgtls itself loads from the installed .vsix.
    const host = path.join(o.tmp, 'e2e-host');
    fs.mkdirSync(host, { recursive: true });
    fs.writeFileSync(path.join(host, 'package.json'), JSON.stringify({
      name: 'pgtls-e2e-host', publisher: 'pgtls-e2e', version: '0.0.0', engines: { vscode: '*' },
    }));
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${host}`],
      ['extensionTestsPath', `vscode-remote://${authority}${o.suite}`],
      ['skipWelcome', 'true'],
    ];
    const url = `http://${authority}/?folder=${encodeURIComponent(o.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    o.log('workbench rendered; the suite runs in the extension host');

    pageRequests = servePageRequests(page as unknown as RequestPage, path.join(o.outDir, 'page'), o.imagesDir, o.log);
    stopUi = serveUiRequests(page, o.outDir, o.screenshotsDir ?? path.join(o.tmp, 'screenshots'), o.log);
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the suite did not finish in ${o.timeoutMs / 1000}s`)), o.timeoutMs).unref());
    const ended = Promise.race([finished, csExited]);
    if (o.screenshot) {
      const requested = await Promise.race([fileAppears(path.join(o.outDir, 'screenshot.request'), o.timeoutMs, ended), deadline]);
      if (requested) {
        await takeScreenshot(page, o.screenshot, o.log);
        fs.writeFileSync(path.join(o.outDir, 'screenshot.done'), '');
      }
    }
    const end = await Promise.race([ended, deadline]);
    if (typeof end === 'string') throw new Error(end);
    exitCode = end;
    o.log(`suite finished with exit code ${exitCode}`);
  } catch (e) {
    hostOutput.push(`[harness] ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await pageRequests?.stop();
    stopUi?.();
    await context?.close().catch(() => undefined);
    await o.group.dispose();
    logStream.end();
  }
  const logText = fs.existsSync(serverLog) ? fs.readFileSync(serverLog, 'utf8') : '';
  return { exitCode, output: `${hostOutput.join('\n')}\n--- code-server log ---\n${logText}` };
}

/**
 * Waits until the editor shows a squiggle, the Problems panel lists problems and the hover is open, then takes the
 * picture. An incomplete view fails the run instead of replacing a good picture with a bad one.
 */
async function takeScreenshot(page: Page, file: string, log: (line: string) => void): Promise<void> {
  const parts: [string, string][] = [
    ['a squiggle', '.monaco-editor .squiggly-error'],
    ['the Problems panel', '.markers-panel .monaco-list-row'],
    ['the hover', '.monaco-hover .hover-contents'],
  ];
  for (const [what, selector] of parts) {
    try {
      await page.waitForSelector(selector, { timeout: 20_000, state: what === 'a squiggle' ? 'attached' : 'visible' });
    } catch {
      throw new Error(`screenshot: ${what} (${selector}) did not show within 20s`);
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial.png`;
  await page.screenshot({ path: partial });
  fs.renameSync(partial, file);
  log(`screenshot written to ${file}`);
}
