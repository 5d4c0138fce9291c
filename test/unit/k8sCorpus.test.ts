/**
 * The Kubernetes corpus (issue 10, "Proof"): every folder of test/fixtures/k8s-corpus/ is one problem a user reported
 * in a public issue tracker (operators, their upstreams, cert-manager), rebuilt as our own minimal manifests with the
 * source named at the top of each file. expected.json says where a user would want a finding (file, line, lowest
 * severity that helps) and what it should say. The bundled CLI checks a temp copy of the folder
 * (`pgtls check --format json .`, after setup.sh made the certificates) and an expectation is CAUGHT when some finding
 * in that file lies within one line of the expected line with at least that severity: rule ids are ignored on purpose,
 * several rules may answer the same problem.
 *
 * What pgtls does not catch yet is listed in KNOWN_MISSING (key `<ID>#<n>`, n = 1-based index in `expect`) with the
 * reason; an uncaught expectation that is not listed fails, and so does a listed one that is caught now (stale entry).
 * An error on a line no expectation names is a false error unless KNOWN_FALSE (key `<ID> <file>:<line>`) lists it.
 * The share of caught problems is printed and must be at least 90 % (issue 10's proof).
 * PGTLS_CORPUS_CLI points the suite at another build of the CLI.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../helpers';
import { type CliFinding, prepareFolder, runCheckJson } from '../cliFolder';

const DIR = path.join(ROOT, 'test/fixtures/k8s-corpus');
const CLI = process.env.PGTLS_CORPUS_CLI ?? path.join(ROOT, 'dist/cli.js');
const RANK = { error: 3, warning: 2, info: 1, hint: 0 } as const;
type MinSeverity = 'error' | 'warning' | 'info';

interface Expectation { file: string; line: number; minSeverity: MinSeverity; check: string }
interface Expected {
  id: string;
  source: string;
  operator: string;
  catchable: 'yes' | 'with-cert' | 'partly';
  problem: string;
  expect: Expectation[];
}

/** Expectations pgtls does not meet yet, `<ID>#<n>` -> why. */
const KNOWN_MISSING: Record<string, string> = {
  'Z-1#1': 'no rule yet: Helm values of the operator chart are not read (tls key unknown there)',
};

/** Errors pgtls reports on lines no expectation names, `<ID> <file>:<line>` -> why it is accepted for now. */
const KNOWN_FALSE: Record<string, string> = {
};

function folders(): string[] {
  if (!fs.existsSync(DIR)) return [];
  return fs.readdirSync(DIR).filter(n => fs.statSync(path.join(DIR, n)).isDirectory()).sort();
}

function load(name: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(DIR, name, 'expected.json'), 'utf8')) as Expected;
}

const hits = (g: CliFinding, e: Expectation) =>
  g.file === e.file && Math.abs(g.line - e.line) <= 1 && RANK[g.severity] >= RANK[e.minSeverity];

interface Result { id: string; caught: boolean[]; findings: CliFinding[] }
const results = new Map<string, Result>();

/** The CLI's findings on one folder and which expectations they catch (computed once per folder). */
function resultOf(name: string): Result {
  const cached = results.get(name);
  if (cached) return cached;
  const exp = load(name);
  const dir = prepareFolder(path.join(DIR, name), `pgtls-corpus-${name}-`);
  try {
    const findings = runCheckJson(CLI, dir, ['.']);
    const r = { id: exp.id, caught: exp.expect.map(e => findings.some(g => hits(g, e))), findings };
    results.set(name, r);
    return r;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the bundle exists (npm test builds it first)', () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run npm run build');
});

test('at least 30 corpus problems, each with its source, operator, problem and expectations', () => {
  const names = folders();
  assert.ok(names.length >= 30, `${names.length} corpus folders`);
  const ids = new Set<string>();
  for (const name of names) {
    const exp = load(name);
    assert.ok(/^[A-Z]+(-[A-Z]+)?-\d+$/.test(exp.id) && name.startsWith(`${exp.id.toLowerCase()}-`), `${name}: id ${exp.id}`);
    assert.ok(!ids.has(exp.id), `${name}: duplicate id ${exp.id}`);
    ids.add(exp.id);
    assert.ok(/^https:\/\//.test(exp.source) && exp.operator && exp.problem, `${name}: source, operator and problem are required`);
    assert.ok(['yes', 'with-cert', 'partly'].includes(exp.catchable), `${name}: catchable ${exp.catchable}`);
    assert.ok(exp.expect.length > 0, `${name}: no expectation`);
    for (const e of exp.expect) {
      const file = path.join(DIR, name, e.file);
      assert.ok(fs.existsSync(file), `${name}: ${e.file} does not exist`);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      assert.ok(e.line >= 1 && e.line <= lines.length && lines[e.line - 1].trim() !== '', `${name}/${e.file}:${e.line} is not a line of the file`);
      assert.ok(e.minSeverity in RANK && e.check, `${name}: ${JSON.stringify(e)}`);
    }
    for (const f of fs.readdirSync(path.join(DIR, name)).filter(f => f.endsWith('.yaml'))) {
      assert.match(fs.readFileSync(path.join(DIR, name, f), 'utf8'), /^# Corpus [A-Z-]+\d+\. Source: https:\/\//, `${name}/${f} must name its source first`);
    }
  }
  const all = new Set(names.map(n => load(n).expect.map((_, i) => `${load(n).id}#${i + 1}`)).flat());
  assert.deepEqual(Object.keys(KNOWN_MISSING).filter(k => !all.has(k)), [], 'KNOWN_MISSING keys that name no expectation');
});

test('no private key is committed in the corpus (setup.sh makes them)', () => {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const leaked = walk(DIR).filter(f => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(fs.readFileSync(f, 'latin1')));
  assert.deepEqual(leaked.map(f => path.relative(DIR, f)), []);
});

for (const name of folders()) {
  const exp = load(name);
  test(`corpus ${exp.id} (${exp.operator}, ${exp.catchable}): ${exp.problem.slice(0, 90)}`, t => {
    const r = resultOf(name);
    const missing: string[] = [];
    const stale: string[] = [];
    exp.expect.forEach((e, i) => {
      const k = `${exp.id}#${i + 1}`;
      if (r.caught[i] && KNOWN_MISSING[k]) stale.push(`${k} is caught now: remove it from KNOWN_MISSING`);
      else if (!r.caught[i] && !KNOWN_MISSING[k]) missing.push(`${k} ${e.file}:${e.line} (>= ${e.minSeverity}): ${e.check}`);
      else if (!r.caught[i]) t.diagnostic(`KNOWN MISSING ${k}: ${KNOWN_MISSING[k]}`);
    });
    const named = (g: CliFinding) => exp.expect.some(e => e.file === g.file && Math.abs(g.line - e.line) <= 1);
    const falseErrors: string[] = [];
    const seenFalse = new Set<string>();
    for (const g of r.findings.filter(g => g.severity === 'error' && !named(g))) {
      const k = `${exp.id} ${g.file}:${g.line}`;
      if (KNOWN_FALSE[k]) { seenFalse.add(k); t.diagnostic(`KNOWN FALSE ${k}: ${KNOWN_FALSE[k]}`); }
      else falseErrors.push(`${k} ${g.rule}: ${g.message}`);
    }
    for (const k of Object.keys(KNOWN_FALSE).filter(k => k.startsWith(`${exp.id} `) && !seenFalse.has(k))) {
      stale.push(`${k} is no longer an error: remove it from KNOWN_FALSE`);
    }
    for (const g of r.findings) t.diagnostic(`finding ${g.file}:${g.line} ${g.severity} ${g.rule}`);
    assert.deepEqual({ falseErrors, missing, stale }, { falseErrors: [], missing: [], stale: [] }, `${exp.id}: corpus verdict`);
  });
}

test('pgtls catches at least 90 % of the corpus problems', t => {
  const names = folders();
  let problems = 0;
  let expectations = 0;
  let caughtExpectations = 0;
  for (const name of names) {
    const r = resultOf(name);
    if (r.caught.every(Boolean)) problems++;
    expectations += r.caught.length;
    caughtExpectations += r.caught.filter(Boolean).length;
  }
  const ratio = names.length ? problems / names.length : 0;
  t.diagnostic(`corpus: ${problems}/${names.length} problems caught (${(100 * ratio).toFixed(1)} %), ` +
    `${caughtExpectations}/${expectations} expectations; ${Object.keys(KNOWN_MISSING).length} known missing, ${Object.keys(KNOWN_FALSE).length} known false`);
  assert.ok(names.length >= 30 && ratio >= 0.9, `only ${(100 * ratio).toFixed(1)} % of the corpus problems are caught`);
});
