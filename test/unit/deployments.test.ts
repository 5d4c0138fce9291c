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
 * What pgtls still gets wrong on these folders is listed, never silently accepted:
 * - `knownFalse`: findings pgtls reports but should not, each with the reason (e.g. a configuration an image's
 *   entrypoint completes at start, which pgtls cannot see). The test requires them to be still reported, so that a fix
 *   moves them out; the summary test prints every false error the suite knows of.
 * - `knownMissing`: findings pgtls should report but does not yet, each with the reason; required to be still absent.
 * PGTLS_DEPLOYMENTS_CLI points the suite at another build of the CLI.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../helpers';
import { prepareFolder, runCheckJson } from '../cliFolder';

const DIR = path.join(ROOT, 'test/fixtures/deployments');
/** The CLI entry (another branch's build can be tried with PGTLS_DEPLOYMENTS_CLI, node options in PGTLS_DEPLOYMENTS_NODE_ARGS). */
const CLI = process.env.PGTLS_DEPLOYMENTS_CLI ?? path.join(ROOT, 'dist/cli.js');
const NODE_ARGS = (process.env.PGTLS_DEPLOYMENTS_NODE_ARGS ?? '').split(' ').filter(a => a !== '');
const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;
type Severity = (typeof SEVERITIES)[number];

/** One finding pgtls should report: rule id, 1-based line of its start, severity. */
interface Expect {
  rule: string;
  line: number;
  severity: Severity;
  why?: string;
}

/** A known mistake of pgtls on the folder, with the reason. */
type Known = Expect & { why: string };

/** A check of a finding's message (the finding itself is listed in `files`). */
interface MessageExpect {
  file: string;
  line: number;
  rule: string;
  includes?: string[];
  excludes?: string[];
}

interface Expected {
  shape: string;
  sources: string[];
  oracle: string;
  pgpoolVersion?: string;
  postgresVersion?: number;
  /** Extra `pgtls check` arguments (for instance `--path-map`). */
  args?: string[];
  files: Record<string, Expect[]>;
  knownFalse?: Record<string, Known[]>;
  knownMissing?: Record<string, Known[]>;
  messages?: MessageExpect[];
}

interface Got { file: string; line: number; severity: Severity; rule: string; message: string }

const key = (e: { rule: string; line: number; severity: string }) => `${e.rule}@${e.line}:${e.severity}`;

function folders(): string[] {
  return fs.readdirSync(DIR).filter(n => fs.statSync(path.join(DIR, n)).isDirectory()).sort();
}

function load(name: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(DIR, name, 'expected.json'), 'utf8')) as Expected;
}

/** A temp copy of the folder, after its setup.sh (if any) made the certificates and file modes it needs. */
function prepare(name: string): string {
  return prepareFolder(path.join(DIR, name), `pgtls-deploy-${name}-`);
}

/** `pgtls check --format json .` in the folder, as a user runs it in a checkout; findings with repo-relative files. */
function runCli(dir: string, exp: Expected): Got[] {
  const args: string[] = [];
  if (exp.pgpoolVersion) args.push('--pgpool-version', exp.pgpoolVersion);
  if (exp.postgresVersion) args.push('--postgres-version', String(exp.postgresVersion));
  args.push(...(exp.args ?? []), '.');
  return runCheckJson(CLI, dir, args, NODE_ARGS);
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
  /** Known mistakes that no longer hold (fixed: move them out of knownFalse/knownMissing). */
  stale: string[];
  /** The known mistakes that still hold, for the test's log. */
  known: string[];
}

function compare(exp: Expected, got: Got[]): Verdict {
  const pool = [...got];
  const missing: string[] = [];
  const stale: string[] = [];
  const known: string[] = [];
  for (const [file, list] of Object.entries(exp.files)) {
    for (const e of list) if (!take(pool, file, e)) missing.push(`${file}: ${key(e)}`);
  }
  for (const [file, list] of Object.entries(exp.knownFalse ?? {})) {
    for (const e of list) {
      if (take(pool, file, e)) known.push(`KNOWN FALSE ${file}: ${key(e)}: ${e.why}`);
      else stale.push(`${file}: ${key(e)} is no longer reported: remove it from knownFalse`);
    }
  }
  for (const [file, list] of Object.entries(exp.knownMissing ?? {})) {
    for (const e of list) {
      if (pool.some(g => g.file === file && key(g) === key(e))) stale.push(`${file}: ${key(e)} is reported now: move it from knownMissing to files`);
      else known.push(`KNOWN MISSING ${file}: ${key(e)}: ${e.why}`);
    }
  }
  return { missing, unexpected: pool, stale, known };
}

function checkMessages(exp: Expected, got: Got[]): string[] {
  const failures: string[] = [];
  for (const m of exp.messages ?? []) {
    const hit = got.find(g => g.file === m.file && g.line === m.line && g.rule === m.rule);
    const problems: string[] = [];
    if (!hit) problems.push('no such finding');
    else {
      for (const s of m.includes ?? []) if (!hit.message.includes(s)) problems.push(`lacks "${s}"`);
      for (const s of m.excludes ?? []) if (hit.message.includes(s)) problems.push(`says "${s}"`);
    }
    const where = `${m.file}:${m.line} ${m.rule}`;
    if (problems.length) failures.push(`${where}: ${problems.join(', ')}${hit ? ` (message: ${hit.message})` : ''}`);
  }
  return failures;
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
    for (const [file, list] of Object.entries({ ...exp.files, ...(exp.knownFalse ?? {}), ...(exp.knownMissing ?? {}) })) {
      for (const e of list) {
        assert.ok(SEVERITIES.includes(e.severity) && /^[a-z0-9-]+\/[a-z0-9-]+$/.test(e.rule) && e.line > 0, `${name}/${file}: ${JSON.stringify(e)}`);
      }
    }
    for (const e of [...Object.values(exp.knownFalse ?? {}), ...Object.values(exp.knownMissing ?? {})].flat()) assert.ok(e.why, `${name}: a known mistake needs its reason`);
  }
});

test('no private key is committed in the deployment folders (setup.sh makes them)', () => {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const leaked = walk(DIR).filter(f => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(fs.readFileSync(f, 'latin1')));
  assert.deepEqual(leaked.map(f => path.relative(DIR, f)), []);
});

for (const name of fs.existsSync(DIR) ? folders() : []) {
  const exp = load(name);
  test(`deployment ${name}: ${exp.shape}`, t => {
    const dir = prepare(name);
    try {
      const got = runCli(dir, exp);
      const verdict = compare(exp, got);
      const messages = checkMessages(exp, got);
      for (const k of verdict.known) t.diagnostic(k);
      // Everything in one comparison, so that a failure shows the whole difference; false errors come first.
      const falseErrors = verdict.unexpected.filter(g => g.severity === 'error').map(show);
      const otherUnexpected = verdict.unexpected.filter(g => g.severity !== 'error').map(show);
      assert.deepEqual({ falseErrors, missing: verdict.missing, unexpected: otherUnexpected, messages, stale: verdict.stale },
        { falseErrors: [], missing: [], unexpected: [], messages: [], stale: [] },
        `${name}: findings differ from expected.json${falseErrors.length ? ` (${falseErrors.length} error(s) it does not list: false errors)` : ''}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the suite has no known false error (issue 8: 0 false errors)', t => {
  const errors = folders().flatMap(name => Object.entries(load(name).knownFalse ?? {})
    .flatMap(([file, list]) => list.filter(e => e.severity === 'error').map(e => `${name}/${file}: ${key(e)}: ${e.why}`)));
  t.diagnostic(`${errors.length} known false error(s) in ${folders().length} deployments${errors.length ? `:\n${errors.join('\n')}` : ''}`);
  // Errors are what the product promises to get right: none may be false.
  assert.deepEqual(errors, []);
});
