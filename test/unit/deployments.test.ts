/**
 * The realistic-deployments suite (issue 8, "Proof"): every folder of test/fixtures/deployments/ is a small repository
 * written the way Docker images, Helm charts, Ansible roles, compose setups and operator docs ship Pgpool-II (our own
 * text; each folder names the public shape it follows). The bundled CLI checks the folder as a user would
 * (`pgtls check --format json .` in a temp copy, after the folder's setup.sh made its certificates), and the findings
 * must equal the folder's expected.json: rule, line and severity per file, nothing more, nothing less.
 *
 * expected.json decides by what the real server does (the folder's `oracle` note says what Pgpool-II 4.3.5 reported):
 * an error only where Pgpool-II fails to start, refuses a login that should work, or turns TLS off.
 *
 * Behaviour not merged yet is marked, never silently assumed:
 * - an expectation with `needs` is pending: it is not required yet (the test lists it as skipped, with its reason);
 * - `tolerated` lists what pgtls reports (now, or once some other branch is merged) but should not, e.g. an error for a
 *   path that exists only in the container: accepted only while its `needs` marker stands;
 * - a folder-level `needs` skips the whole folder (e.g. it uses a flag the CLI does not have yet).
 * PGTLS_DEPLOYMENTS_STRICT=1 ignores every marker, PGTLS_DEPLOYMENTS_STRICT=rules,versions only those: pending
 * expectations become required and `tolerated` entries are no longer accepted. Run it after a merge to see what is left
 * to reconcile (PGTLS_DEPLOYMENTS_CLI points the suite at another build of the CLI).
 *
 * Markers: `paths` (container paths and path mappings), `versions` (per-version names and messages), `pool-passwd` (the
 * pool_passwd language and its cross-checks; rule ids guessed), `rules` (clear-text auth, backend TLS, pool_hba
 * reachability and intent), `certs` (certificate policy for files), and two no helper covers yet: `templates` (a
 * pgpool.conf with ${VAR} placeholders rendered at start) and `entrypoint` (a configuration an image's entrypoint
 * completes or appends to).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers';

const DIR = path.join(ROOT, 'test/fixtures/deployments');
const LIB = path.join(ROOT, 'test/fixtures/_lib');
/** The CLI entry (another branch's build can be tried with PGTLS_DEPLOYMENTS_CLI, node options in PGTLS_DEPLOYMENTS_NODE_ARGS). */
const CLI = process.env.PGTLS_DEPLOYMENTS_CLI ?? path.join(ROOT, 'dist/cli.js');
const NODE_ARGS = (process.env.PGTLS_DEPLOYMENTS_NODE_ARGS ?? '').split(' ').filter(a => a !== '');
/** `1`: every marker is ignored; a comma list (`rules,versions`): only those markers are. */
const STRICT_ENV = process.env.PGTLS_DEPLOYMENTS_STRICT ?? '';
const STRICT = STRICT_ENV === '1';
const STRICT_MARKERS = new Set(STRICT_ENV.split(',').map(m => m.trim()).filter(m => m !== '' && m !== '1'));
const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;
type Severity = (typeof SEVERITIES)[number];

/** One finding pgtls should report: rule id, 1-based line of its start, severity. */
interface Expect {
  rule: string;
  line: number;
  severity: Severity;
  /** The not-yet-merged behaviour this expectation waits for (`paths`, `versions`, `pool-passwd`, `rules`, `certs`, `templates`). */
  needs?: string;
  why?: string;
}

/** A check of a finding's message (the finding itself is listed in `files`). */
interface MessageExpect {
  file: string;
  line: number;
  rule: string;
  includes?: string[];
  excludes?: string[];
  needs?: string;
}

interface Expected {
  shape: string;
  sources: string[];
  oracle: string;
  pgpoolVersion?: string;
  postgresVersion?: number;
  /** Extra `pgtls check` arguments (for instance `--path-map`). */
  args?: string[];
  needs?: string;
  why?: string;
  files: Record<string, Expect[]>;
  tolerated?: Record<string, (Expect & { needs: string; why: string })[]>;
  messages?: MessageExpect[];
}

interface Got { file: string; line: number; severity: Severity; rule: string; message: string }

const key = (e: { rule: string; line: number; severity: string }) => `${e.rule}@${e.line}:${e.severity}`;
/** Whether an expectation still waits: it has a marker, and not every part of it (`paths,certs`) is made strict. */
const pending = (e: { needs?: string }) => !STRICT && e.needs !== undefined && !e.needs.split(',').every(m => STRICT_MARKERS.has(m));

function folders(): string[] {
  return fs.readdirSync(DIR).filter(n => fs.statSync(path.join(DIR, n)).isDirectory()).sort();
}

function load(name: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(DIR, name, 'expected.json'), 'utf8')) as Expected;
}

/** A temp copy of the folder, after its setup.sh (if any) made the certificates and file modes it needs. */
function prepare(name: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `pgtls-deploy-${name}-`));
  fs.cpSync(path.join(DIR, name), tmp, { recursive: true });
  if (fs.existsSync(path.join(tmp, 'setup.sh'))) {
    execFileSync('bash', ['setup.sh'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PGTLS_FIXTURE_LIB: LIB } });
    fs.rmSync(path.join(tmp, 'setup.sh'));
  }
  return tmp;
}

/** `pgtls check --format json .` in the folder, as a user runs it in a checkout; findings with repo-relative files. */
function runCli(dir: string, exp: Expected): Got[] {
  const args = ['check', '--format', 'json'];
  if (exp.pgpoolVersion) args.push('--pgpool-version', exp.pgpoolVersion);
  if (exp.postgresVersion) args.push('--postgres-version', String(exp.postgresVersion));
  args.push(...(exp.args ?? []), '.');
  const r = spawnSync(process.execPath, [...NODE_ARGS, CLI, ...args], { cwd: dir, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 1, `pgtls ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { diagnostics: Got[] };
  return out.diagnostics.map(d => ({ ...d, file: path.relative(dir, path.resolve(dir, d.file)).split(path.sep).join('/') }));
}

/** Removes one finding equal to `e` from `pool` (multiset semantics); true when one was there. */
function take(pool: Got[], file: string, e: Expect): boolean {
  const i = pool.findIndex(g => g.file === file && key(g) === key(e));
  if (i < 0) return false;
  pool.splice(i, 1);
  return true;
}

interface Verdict {
  missing: string[];
  unexpected: Got[];
  /** Pending expectations and tolerated findings, with what they wait for. */
  waiting: string[];
}

function compare(exp: Expected, got: Got[]): Verdict {
  const pool = [...got];
  const missing: string[] = [];
  const waiting: string[] = [];
  for (const [file, list] of Object.entries(exp.files)) {
    for (const e of list) {
      const found = take(pool, file, e);
      if (pending(e)) waiting.push(`${file}: expects ${key(e)} [needs ${e.needs}]${found ? ' (already reported)' : ''}${e.why ? `: ${e.why}` : ''}`);
      else if (!found) missing.push(`${file}: ${key(e)}`);
    }
  }
  for (const [file, list] of Object.entries(exp.tolerated ?? {})) {
    for (const e of list) {
      if (!pending(e)) continue;
      const found = take(pool, file, e);
      waiting.push(`${file}: tolerates ${key(e)} for now [needs ${e.needs}]${found ? '' : ' (not reported now)'}: ${e.why}`);
    }
  }
  return { missing, unexpected: pool, waiting };
}

function checkMessages(exp: Expected, got: Got[]): { failures: string[]; waiting: string[] } {
  const failures: string[] = [];
  const waiting: string[] = [];
  for (const m of exp.messages ?? []) {
    const hit = got.find(g => g.file === m.file && g.line === m.line && g.rule === m.rule);
    const problems: string[] = [];
    if (!hit) problems.push('no such finding');
    else {
      for (const s of m.includes ?? []) if (!hit.message.includes(s)) problems.push(`lacks "${s}"`);
      for (const s of m.excludes ?? []) if (hit.message.includes(s)) problems.push(`says "${s}"`);
    }
    const where = `${m.file}:${m.line} ${m.rule}`;
    if (pending(m)) waiting.push(`${where}: message check [needs ${m.needs}]${problems.length ? '' : ' (already holds)'}`);
    else if (problems.length) failures.push(`${where}: ${problems.join(', ')}${hit ? ` (message: ${hit.message})` : ''}`);
  }
  return { failures, waiting };
}

const show = (g: Got) => `${g.file}: ${key(g)} ${g.message}`;

test('the bundle exists (npm test builds it first)', () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run npm run build');
});

test('at least 30 deployments, each with its shape, sources, oracle note and expectations', () => {
  const names = folders();
  assert.ok(names.length >= 30, `${names.length} deployment folders`);
  for (const name of names) {
    const exp = load(name);
    assert.ok(exp.shape && exp.sources.length > 0 && exp.oracle, `${name}: shape, sources and oracle are required`);
    for (const [file, list] of Object.entries({ ...exp.files, ...(exp.tolerated ?? {}) })) {
      for (const e of list) {
        assert.ok(SEVERITIES.includes(e.severity) && /^[a-z0-9-]+\/[a-z0-9-]+$/.test(e.rule) && e.line > 0, `${name}/${file}: ${JSON.stringify(e)}`);
      }
    }
    for (const e of Object.values(exp.tolerated ?? {}).flat()) assert.ok(e.needs && e.why, `${name}: a tolerated entry needs a marker and a reason`);
  }
});

test('no private key is committed in the deployment folders (setup.sh makes them)', () => {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const leaked = walk(DIR).filter(f => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(fs.readFileSync(f, 'latin1')));
  assert.deepEqual(leaked.map(f => path.relative(DIR, f)), []);
});

/** The markers a folder waits for, with what each one covers (known from expected.json alone). */
function pendingByMarker(exp: Expected): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (needs: string, what: string) => out.set(needs, [...(out.get(needs) ?? []), what]);
  for (const [file, list] of Object.entries(exp.files)) for (const e of list) if (e.needs) add(e.needs, `expects ${file}: ${key(e)}`);
  for (const [file, list] of Object.entries(exp.tolerated ?? {})) for (const e of list) add(e.needs, `tolerates ${file}: ${key(e)}`);
  for (const m of exp.messages ?? []) if (m.needs) add(m.needs, `message of ${m.file}:${m.line} ${m.rule}`);
  return out;
}

for (const name of fs.existsSync(DIR) ? folders() : []) {
  const exp = load(name);
  const skip = pending(exp) ? `PENDING [needs ${exp.needs}]: ${exp.why ?? ''}` : false;
  test(`deployment ${name}: ${exp.shape}`, { skip }, t => {
    const dir = prepare(name);
    try {
      const got = runCli(dir, exp);
      const verdict = compare(exp, got);
      const messages = checkMessages(exp, got);
      for (const w of [...verdict.waiting, ...messages.waiting]) t.diagnostic(`PENDING ${w}`);
      // Everything in one comparison, so that a failure shows the whole difference; false errors come first.
      const falseErrors = verdict.unexpected.filter(g => g.severity === 'error').map(show);
      const otherUnexpected = verdict.unexpected.filter(g => g.severity !== 'error').map(show);
      assert.deepEqual({ falseErrors, missing: verdict.missing, unexpected: otherUnexpected, messages: messages.failures },
        { falseErrors: [], missing: [], unexpected: [], messages: [] },
        `${name}: findings differ from expected.json${falseErrors.length ? ` (${falseErrors.length} error(s) it does not list: false errors)` : ''}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  // One skipped test per marker: the expectations this folder asserts only after that behaviour is merged.
  for (const [needs, items] of pendingByMarker(exp)) {
    if (!pending({ needs })) continue;
    test(`deployment ${name}: awaits "${needs}"`, { skip: `PENDING until "${needs}" is merged: ${items.join('; ')}` }, () => {});
  }
}
