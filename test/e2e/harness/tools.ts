/**
 * Where the e2e layer finds its tools. Nothing here installs anything: `scripts/install-e2e-tools.sh` puts
 * code-server and playwright-core into `PGTLS_E2E_TOOLS` (default `<repo>/.e2e/tools`); Chromium and Neovim are
 * Debian packages (`chromium`, `neovim`) that .ci/run installs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '../../..');
export const E2E_DIR = path.join(REPO, 'test/e2e');
export const TOOLS_DIR = path.resolve(process.env.PGTLS_E2E_TOOLS ?? path.join(REPO, '.e2e/tools'));
export const CODE_SERVER_ENTRY = path.join(TOOLS_DIR, 'node_modules/code-server/out/node/entry.js');
export const PLAYWRIGHT_CORE = path.join(TOOLS_DIR, 'node_modules/playwright-core/package.json');
export const CHROMIUM = process.env.PGTLS_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const INSTALL_HINT = 'bash scripts/install-e2e-tools.sh installs code-server and playwright-core; apt-get install chromium neovim';

/** A fresh temp folder for one run; its path doubles as the marker that finds our processes (see processes.ts). */
export function makeTemp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pgtls-e2e-${prefix}-`));
}

export function removeTemp(dir: string): void {
  if (process.env.PGTLS_E2E_KEEP) {
    process.stderr.write(`[e2e] kept ${dir} (PGTLS_E2E_KEEP)\n`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** The expected diagnostics and hover of the workspace (test/e2e/expected.json), shared with the in-editor suite. */
export interface Expected {
  diagnostics: Record<string, { code: string; range: [number, number, number, number]; messageIncludes?: string }[]>;
  languages: Record<string, string>;
  hover: { file: string; position: [number, number]; includes: string[] };
}

export function expected(): Expected {
  return JSON.parse(fs.readFileSync(path.join(E2E_DIR, 'expected.json'), 'utf8')) as Expected;
}

/** A copy of test/e2e/workspace in `dir`, so the editor may write `.vscode/` state without touching the repo. */
export function copyWorkspace(dir: string): string {
  const dest = path.join(dir, 'workspace');
  fs.cpSync(path.join(E2E_DIR, 'workspace'), dest, { recursive: true });
  return dest;
}
