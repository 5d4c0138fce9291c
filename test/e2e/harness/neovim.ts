/**
 * Headless Neovim as an LSP client of pgtls (the neovim*.test.ts files): one way to start it, so that every test
 * keeps Neovim's state, logs and the server's sockets in its scratch folder and talks to the built server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { which } from '../../requires';
import type { Finished, ProcessGroup } from './processes';
import { E2E_DIR, REPO } from './tools';

/** The language server the Lua scripts start (`PGTLS_LSP_CMD`): the bundle `npm run build` writes. */
export const SERVER = path.join(REPO, 'dist/server.js');

/**
 * Runs `harness/<script>` in headless Neovim without any user configuration, from `cwd`, with HOME, the XDG folders
 * and TMPDIR inside `tmp` (whose path also marks the processes for clean-up), `PGTLS_LSP_CMD` naming the server, and
 * `env` (the script's own inputs) on top.
 */
export function runNeovim(group: ProcessGroup, tmp: string, cwd: string, script: string, env: Record<string, string>): Promise<Finished> {
  const dir = (name: string) => {
    const d = path.join(tmp, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  return group.run(which('nvim')!, ['--headless', '--clean', '-n', '-c', `luafile ${path.join(E2E_DIR, 'harness', script)}`], {
    cwd,
    timeoutMs: 60_000,
    env: {
      ...process.env,
      HOME: dir('home'), XDG_CONFIG_HOME: dir('config'), XDG_DATA_HOME: dir('data'), XDG_STATE_HOME: dir('state'),
      XDG_CACHE_HOME: dir('cache'), TMPDIR: dir('tmp'),
      PGTLS_LSP_CMD: JSON.stringify([process.execPath, SERVER, '--stdio']),
      ...env,
    },
  });
}
