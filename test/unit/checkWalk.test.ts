/**
 * What `pgtls check FOLDER` walks and what it says it left out (issue 13, item 4), through the bundled CLI in a child
 * process under a time and a memory bound (a walk that followed a loop of links would never end): symlinked
 * configuration files are checked (a target outside the folder is said), links to folders are not followed, every
 * folder skipped by name or hidden and every broken link is in the summary (text and JSON), `--include`/`--exclude`
 * choose, and a run that checks nothing warns and exits 2.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_BOUNDS, runCli, type BoundedResult } from '../bounded';

const T = { timeout: 120_000, skip: process.platform === 'win32' ? 'symbolic links' : undefined };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-walk-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A pgpool.conf with one error (`ssl_cert` missing while `ssl = on`): proves the file was checked. */
const BAD = 'ssl = on\n';
const RULE = 'pgpool-conf/ssl-cert-required';

interface Json {
  diagnostics: { file: string; rule: string }[];
  summary: { checked: number; skipped: { path: string; reason: string; detail?: string }[]; linkedOutside: { path: string; target: string }[] };
}

function tree(name: string, files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = path.join(root, name);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  for (const [l, target] of Object.entries(links)) {
    fs.mkdirSync(path.dirname(path.join(dir, l)), { recursive: true });
    fs.symlinkSync(target, path.join(dir, l));
  }
  return dir;
}

function ended(r: BoundedResult): void {
  assert.equal(r.killedFor, undefined, `killed for ${r.killedFor}: ${r.err}`);
  assert.ok(r.peakRss < DEFAULT_BOUNDS.maxRssBytes);
}

async function checkJson(dir: string, args: string[] = []): Promise<{ r: BoundedResult; j: Json; rel: (p: string) => string }> {
  const r = await runCli(['check', '--format', 'json', ...args, '.'], { cwd: dir });
  ended(r);
  return { r, j: JSON.parse(r.out) as Json, rel: p => path.relative(dir, path.resolve(dir, p)).split(path.sep).join('/') };
}

test('a symlinked configuration file is checked; one whose target is outside the folder is checked and said so', T, async () => {
  tree('outside', { 'pgpool.conf': BAD });
  const dir = tree('links', { 'real/pgpool.conf': BAD }, {
    'inside.pgpool.conf': 'real/pgpool.conf',
    'far.pgpool.conf': path.join(root, 'outside', 'pgpool.conf'),
  });
  const { r, j, rel } = await checkJson(dir);
  assert.equal(r.code, 1, r.err);
  assert.deepEqual(j.diagnostics.filter(d => d.rule === RULE).map(d => rel(d.file)).sort(), ['far.pgpool.conf', 'inside.pgpool.conf', 'real/pgpool.conf']);
  assert.equal(j.summary.checked, 3);
  assert.deepEqual(j.summary.linkedOutside.map(l => [rel(l.path), l.target]), [['far.pgpool.conf', fs.realpathSync(path.join(root, 'outside', 'pgpool.conf'))]]);
  const text = await runCli(['check', '.'], { cwd: dir });
  assert.match(text.out, /Checked 1 file through a link to outside the folder: \.?\/?far\.pgpool\.conf -> /);
});

test('links to folders are not followed, loops of links end: both are in the summary', T, async () => {
  const dir = tree('loops', { 'ok/pgpool.conf': 'port = 9999\n' }, {
    'self': '.', 'up': '..', 'a.pgpool.conf': 'b.pgpool.conf', 'b.pgpool.conf': 'a.pgpool.conf', 'gone.pgpool.conf': 'nowhere',
  });
  const { r, j, rel } = await checkJson(dir);
  assert.equal(r.code, 0, r.err);
  assert.equal(j.summary.checked, 1);
  assert.deepEqual(j.summary.skipped.map(s => `${rel(s.path)} ${s.reason} ${s.detail ?? ''}`.trim()).sort(), [
    'a.pgpool.conf broken-link ELOOP', 'b.pgpool.conf broken-link ELOOP', 'gone.pgpool.conf broken-link ENOENT', 'self folder-link', 'up folder-link',
  ]);
});

test('folders skipped by name and hidden folders are listed; --include names one to walk it, --exclude leaves out', T, async () => {
  const skipped = ['dist', 'out', '.hg', '.svn', 'node_modules', '.git', 'vendor', '.github'];
  const dir = tree('skips', Object.fromEntries([['top/pgpool.conf', BAD], ...skipped.map(d => [`${d}/pgpool.conf`, BAD])]));
  const { j, rel } = await checkJson(dir);
  assert.equal(j.summary.checked, 1);
  const reasons = Object.fromEntries(j.summary.skipped.map(s => [rel(s.path), s.reason]));
  assert.deepEqual(reasons, {
    dist: 'skipped-folder', out: 'skipped-folder', '.hg': 'skipped-folder', '.svn': 'skipped-folder', node_modules: 'skipped-folder',
    '.git': 'skipped-folder', vendor: 'skipped-folder', '.github': 'hidden-folder',
  });
  const text = await runCli(['check', '.'], { cwd: dir });
  assert.match(text.out, /^1 file checked/m);
  assert.match(text.out, /^Skipped 7 folders pgtls does not walk \(.*--include 'dist\/\*\*' walks one\): .*/m);
  assert.match(text.out, /^Skipped 1 hidden folder \(--include '\.github\/\*\*' walks one\): .*\.github\.$/m);

  // --include naming dist walks it, and only matching files are checked; globs without "/" match at any depth.
  const inc = await checkJson(dir, ['--include', 'dist/**', '--include', '.github']);
  assert.deepEqual(inc.j.diagnostics.filter(d => d.rule === RULE).map(d => inc.rel(d.file)).sort(), ['.github/pgpool.conf', 'dist/pgpool.conf']);
  assert.ok(inc.j.summary.skipped.some(s => inc.rel(s.path) === 'top/pgpool.conf' && s.reason === 'not-included'));
  // `**/*.conf` names no skipped folder: node_modules stays skipped.
  const all = await checkJson(dir, ['--include', '**/*.conf']);
  assert.deepEqual(all.j.diagnostics.filter(d => d.rule === RULE).map(d => all.rel(d.file)), ['top/pgpool.conf']);

  const exc = await checkJson(dir, ['--exclude', 'top', '--include', 'dist/**', '--include', 'top/**']);
  assert.deepEqual(exc.j.diagnostics.filter(d => d.rule === RULE).map(d => exc.rel(d.file)), ['dist/pgpool.conf']);
  assert.ok(exc.j.summary.skipped.some(s => exc.rel(s.path) === 'top' && s.reason === 'excluded'));
});

test('"0 files checked" warns and exits 2 (an empty folder, a folder of skipped folders, everything excluded)', T, async () => {
  const empty = tree('empty', { 'README.md': 'not ours\n' });
  const onlySkipped = tree('only-skipped', { 'node_modules/pgpool.conf': BAD });
  for (const [dir, args] of [[empty, []], [onlySkipped, []], [tree('excluded', { 'pgpool.conf': BAD }), ['--exclude', '*.conf']]] as [string, string[]][]) {
    const r = await runCli(['check', ...args, '.'], { cwd: dir });
    ended(r);
    assert.equal(r.code, 2, `${dir}: ${r.out}${r.err}`);
    assert.match(r.out, /^0 files checked/m);
    assert.match(r.err, /pgtls: warning: no files checked in \./);
    const j = await checkJson(dir, args);
    assert.equal(j.r.code, 2);
    assert.equal(j.j.summary.checked, 0);
  }
});
