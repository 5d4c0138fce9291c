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
import { assertTools, missing } from '../requires';
import { SERVER, runNeovim } from './harness/neovim';
import { ProcessGroup } from './harness/processes';
import { pathToFileURL } from 'node:url';
import { E2E_DIR, copyWorkspace, expected, makeTemp, removeTemp } from './harness/tools';

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
    const r = await runNeovim(group, tmp, workspace, 'nvim-diagnostics.lua', {
      PGTLS_FILES: JSON.stringify(files),
      PGTLS_WANT: JSON.stringify(Object.fromEntries(files.map(f => [f, want.diagnostics[path.basename(f)]!.map(e => e.code)]))),
      PGTLS_SETTINGS: JSON.stringify({ pgtls: { checkFiles: false } }),
      PGTLS_OUT: out,
      PGTLS_TIMEOUT_MS: '30000',
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

/** test/e2e/structure.json: what the structure features give on workspace/structure/ (shared with suite/structure.js). */
interface StructureSpec {
  outline: { file: string; sections: Record<string, string[]> };
  format: Record<string, string[] | Record<string, string>>;
  links: { file: string; expected: { range: [number, number, number, number]; target: string }[]; targetStartsWith: string };
  codeAction: { file: string; code: string; title: string; line: number; after: string };
}
interface NvimSymbol { name: string; kind: number; children?: NvimSymbol[] }
interface StructureReport {
  steps: string[];
  capabilities: Record<string, boolean>;
  symbols: NvimSymbol[];
  links: { range: LspDiagnostic['range']; target: string }[];
  link_target?: { name: string; first_line: string };
  formatted: Record<string, string[]>;
  actions?: string[];
  fixed_line?: string;
  cleared?: boolean;
}

test('pgtls language server in Neovim: document symbols, links, formatting and a quick fix at the LSP level', { skip, timeout: 90_000 }, async () => {
  assertTools('nvim');
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  const spec = JSON.parse(fs.readFileSync(path.join(E2E_DIR, 'structure.json'), 'utf8')) as StructureSpec;
  const tmp = makeTemp('nvim-structure');
  const group = new ProcessGroup(tmp);
  try {
    const workspace = copyWorkspace(tmp);
    const out = path.join(tmp, 'report.json');
    const r = await runNeovim(group, tmp, workspace, 'nvim-structure.lua', {
      PGTLS_ROOT: workspace,
      PGTLS_SPEC: JSON.stringify(spec),
      PGTLS_SETTINGS: JSON.stringify({ pgtls: { checkFiles: false } }),
      PGTLS_OUT: out,
      PGTLS_TIMEOUT_MS: '30000',
    });
    const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) as StructureReport : undefined;
    const context = `nvim exit ${r.code}\nstderr: ${r.stderr}\nreport: ${JSON.stringify(report, null, 2)}`;
    assert.ok(report, `Neovim wrote no report\n${context}`);
    assert.deepEqual(report.capabilities, { documentSymbol: true, documentLink: true, formatting: true }, context);
    // The outline: the banner sections with their settings.
    const sections = Object.fromEntries(report.symbols.map(s => [s.name, (s.children ?? []).map(c => c.name)]));
    assert.deepEqual(sections, spec.outline.sections, context);
    // The link: its range and the file it opens.
    const rangeOf = (x: LspDiagnostic['range']) => [x.start.line, x.start.character, x.end.line, x.end.character];
    assert.deepEqual(report.links.map(l => ({ range: rangeOf(l.range), target: l.target })),
      spec.links.expected.map(l => ({ range: l.range, target: pathToFileURL(path.join(workspace, l.target)).href })), context);
    assert.equal(report.link_target?.name, path.join(workspace, spec.links.expected[0]!.target), context);
    assert.ok(report.link_target?.first_line.startsWith(spec.links.targetStartsWith), context);
    // Formatting through vim.lsp.buf.formatting_sync.
    for (const [file, want] of Object.entries(spec.format)) {
      const got: string[] | undefined = report.formatted[file];
      assert.ok(got, `no formatted text of ${file}\n${context}`);
      if (Array.isArray(want)) assert.deepEqual(got, want, `${file}\n${context}`);
      else for (const [line, text] of Object.entries(want)) assert.equal(got[Number(line)], text, `${file}:${line}\n${context}`);
    }
    // The quick fix: offered, applied, and the server's next diagnostics no longer hold the problem.
    assert.ok(report.actions?.includes(spec.codeAction.title), context);
    assert.equal(report.fixed_line, spec.codeAction.after, context);
    assert.equal(report.cleared, true, context);
    assert.deepEqual(report.steps, ['symbols and links', 'formatting', 'code action'], context);
    assert.equal(r.code, 0, context);
  } finally {
    await group.dispose();
    removeTemp(tmp);
  }
});
