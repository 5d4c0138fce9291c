/**
 * The pgtls language server under a second real LSP client: headless Neovim (Debian's 0.7.2) starts
 * `node dist/server.js --stdio`, opens a copy of test/e2e/workspace's pool_hba.conf and pgpool.conf, and records the
 * diagnostics the server pushes (Neovim 0.7 has no pull diagnostics). Asserts rule id, exact range, source and
 * message from expected.json, that the server did not offer pull diagnostics, and that Neovim shows them.
 * Needs `nvim` (apt neovim) and a built dist/server.js (`npm run build`). Missing nvim skips locally, fails under CI=true.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertTools, missing, which } from '../requires';
import { ProcessGroup } from './harness/processes';
import { E2E_DIR, REPO, copyWorkspace, expected, makeTemp, removeTemp } from './harness/tools';

const SERVER = path.join(REPO, 'dist/server.js');
const skip = missing('nvim');

interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code?: string | number;
  source?: string;
  message: string;
}
interface FileReport {
  uri: string;
  filetype: string;
  diagnostics: LspDiagnostic[] | null;
  /** What Neovim shows (vim.diagnostic.get), 0-based. */
  shown: { lnum: number; col: number; source?: string }[];
}
interface Report {
  done: boolean;
  server_exited: boolean;
  pull_diagnostics_advertised?: boolean;
  server_info?: { name?: string };
  files: Record<string, FileReport>;
  notifications: { uri: string; count: number }[];
  messages: string[];
}

test('pgtls language server in Neovim: pushed diagnostics with rule id and exact range', { skip, timeout: 90_000 }, async () => {
  assertTools('nvim');
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  const want = expected();
  const tmp = makeTemp('nvim');
  const group = new ProcessGroup(tmp);
  try {
    const workspace = copyWorkspace(tmp);
    const files = Object.keys(want.diagnostics).map(f => path.join(workspace, f));
    const out = path.join(tmp, 'report.json');
    const xdg = (name: string) => {
      const dir = path.join(tmp, name);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    };
    const r = await group.run(which('nvim')!, ['--headless', '--clean', '-n', '-c', `luafile ${path.join(E2E_DIR, 'harness/nvim-diagnostics.lua')}`], {
      cwd: workspace,
      timeoutMs: 60_000,
      env: {
        ...process.env,
        // Neovim's state, logs and the server's sockets stay in the scratch folder (whose path also marks the processes).
        HOME: xdg('home'), XDG_CONFIG_HOME: xdg('config'), XDG_DATA_HOME: xdg('data'), XDG_STATE_HOME: xdg('state'),
        XDG_CACHE_HOME: xdg('cache'), TMPDIR: xdg('tmp'),
        PGTLS_LSP_CMD: JSON.stringify([process.execPath, SERVER, '--stdio']),
        PGTLS_FILES: JSON.stringify(files),
        PGTLS_WANT: JSON.stringify(Object.fromEntries(files.map(f => [f, want.diagnostics[path.basename(f)]!.map(e => e.code)]))),
        PGTLS_SETTINGS: JSON.stringify({ pgtls: { checkFiles: false } }),
        PGTLS_OUT: out,
        PGTLS_TIMEOUT_MS: '30000',
      },
    });
    const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) as Report : undefined;
    const context = `nvim exit ${r.code}\nstderr: ${r.stderr}\nreport: ${JSON.stringify(report, null, 2)}`;
    assert.ok(report, `Neovim wrote no report\n${context}`);
    assert.equal(report.pull_diagnostics_advertised, false, `the server offered pull diagnostics to a client without them\n${context}`);
    for (const file of files) {
      const name = path.basename(file);
      const got: FileReport | undefined = report.files[file];
      const diagnostics: LspDiagnostic[] = got?.diagnostics ?? [];
      assert.ok(got?.diagnostics, `no publishDiagnostics for ${name}\n${context}`);
      for (const d of diagnostics) assert.equal(d.source, 'pgtls', `${name}: diagnostic from ${d.source}\n${context}`);
      for (const e of want.diagnostics[name]!) {
        const rangeOf = (d: LspDiagnostic) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character];
        const sameCode = diagnostics.filter(d => d.code === e.code);
        const hit = sameCode.find(d => rangeOf(d).every((v, i) => v === e.range[i]));
        assert.ok(hit, `${name}: no ${e.code} at ${JSON.stringify(e.range)} (found at: ${JSON.stringify(sameCode.map(rangeOf))})\n${context}`);
        if (e.messageIncludes) assert.ok(hit.message.includes(e.messageIncludes), `${name}: message of ${e.code}: ${hit.message}`);
        assert.ok(got.shown.some(s => s.lnum === e.range[0] && s.col === e.range[1] && s.source === 'pgtls'),
          `${name}: Neovim does not show ${e.code} at ${e.range[0]}:${e.range[1]}\n${context}`);
      }
    }
    assert.equal(report.done, true, context);
    assert.equal(r.code, 0, context);
  } finally {
    await group.dispose();
    removeTemp(tmp);
  }
});
