/**
 * "Fix all auto-fixable problems" (core/fixAll.ts, service.ts `fixAll`): a file with several fixable problems is
 * fixed in one go and validates without any of them; fixes that overlap wait for a second pass; fixes that change who
 * may connect are never applied this way; silenced and turned-off problems are left alone; the line diff that carries
 * a multi-pass result back as edits of the original text.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyEdits, autoFix, lineDiff, selectAutoFixes } from '../../server/src/core/fixAll';
import { DEFAULT_SETTINGS, type Finding, type Settings, type SourceDocument } from '../../server/src/core/types';
import { describeProblem, testService } from '../helpers';

const service = testService();

function fixAll(name: string, text: string, settings: Partial<Settings> = {}) {
  const doc: SourceDocument = { path: `/nonexistent/pgtls-fixall/${name}`, text, languageId: service.languageOf(name)! };
  const all = { ...DEFAULT_SETTINGS, ...settings };
  const r = service.fixAll(doc, service.parse(doc), all);
  const fixed = applyEdits(text, r.edits);
  const fixedDoc = { ...doc, text: fixed };
  const after = service.validate(fixedDoc, service.parse(fixedDoc), all);
  return { ...r, text: fixed, after: after.map(p => describeProblem(fixed, p)), autoFixable: after.filter(p => autoFix(p)) };
}

test('a pgpool.conf with seven fixable problems: one pass fixes them all, and validating again finds none of them', () => {
  const text = [
    '\uFEFFportt = 5', // byte-order mark; misspelt name
    "log_destination = ''", // empty: refuses to start
    'backend_clustering_mode = streaming_replicaton', // misspelt enum value
    'num_init_children = 32MB', // no unit allowed
    'sr_check_period = 10 s', // blank inside an unquoted value
    "ssl = 'on", // no closing quote
  ].join('\n');
  const r = fixAll('pgpool.conf', text);
  assert.equal(r.fixed, 7);
  assert.equal(r.text, [
    'port = 5',
    "log_destination = 'stderr'",
    'backend_clustering_mode = streaming_replication',
    'num_init_children = 32',
    "sr_check_period = '10 s'",
    "ssl = 'on'",
  ].join('\n'));
  assert.deepEqual(r.autoFixable, []);
  // What is left has no automatic fix: a port below 1024, and TLS without its files.
  assert.deepEqual(r.after, ['1:8-1:9 pgpool-conf/out-of-range', '6:1-6:11 pgpool-conf/ssl-cert-required', '6:1-6:11 pgpool-conf/ssl-key-required']);
  // One pass: the edits are the fixes themselves, small and apart.
  assert.equal(r.edits.length, 7);
  assert.deepEqual(r.edits[0], { span: [0, 1], newText: '' });
});

test('two fixes of one span: the first is applied, the file is validated again, and the second pass fixes what is left', () => {
  // invalid-log-destination rewrites the value in lower case, syntax-error quotes it: both replace the same span.
  const text = '# pgpool\nlog_destination = Stderr,syslog\nport = 9999\n';
  const r = fixAll('pgpool.conf', text);
  assert.equal(r.text, "# pgpool\nlog_destination = 'stderr,syslog'\nport = 9999\n");
  assert.equal(r.fixed, 2);
  assert.deepEqual(r.after, []);
  // Two passes come back as a line diff of the original: only the changed line is touched.
  assert.deepEqual(r.edits, [{ span: [9, 41], newText: "log_destination = 'stderr,syslog'\n" }]);
});

test('fixes that change who may connect are quick fixes only: fix-all leaves local trust and md5 alone', () => {
  const text = 'local all all trust\nhost db1 all 10.1.0.0/16 md5\n';
  const r = fixAll('pg_hba.conf', text);
  assert.deepEqual(r.edits, []);
  assert.equal(r.fixed, 0);
  const doc: SourceDocument = { path: '/nonexistent/pg_hba.conf', text, languageId: 'pg-hba' };
  const problems = service.validate(doc, service.parse(doc), DEFAULT_SETTINGS);
  const trust = problems.find(p => p.rule === 'pg-hba/local-trust')!;
  assert.ok(trust.fixes?.some(f => f.preferred && f.changesBehaviour), 'still the preferred quick fix, marked as changing behaviour');
  assert.equal(autoFix(trust), undefined);
});

test('silenced problems and rules turned off are not fixed', () => {
  const text = "# pgtls-disable-next-line pgpool-conf/unknown-parameter\nportt = 9999\nlog_destination = ''\n";
  assert.equal(fixAll('pgpool.conf', text).text, "# pgtls-disable-next-line pgpool-conf/unknown-parameter\nportt = 9999\nlog_destination = 'stderr'\n");
  const off = fixAll('pgpool.conf', "portt = 9999\nlog_destination = ''\n", { rules: { 'pgpool-conf/invalid-log-destination': 'off' } });
  assert.equal(off.text, "port = 9999\nlog_destination = ''\n");
  // A misspelt rule id in a suppression comment has a single closest id: fixed too, and then it silences the line.
  const typo = fixAll('pgpool.conf', '# pgtls-disable-next-line pgpool-conf/unknown-paramter\nportt = 9999\n');
  assert.equal(typo.text, '# pgtls-disable-next-line pgpool-conf/unknown-parameter\nportt = 9999\n');
  assert.deepEqual(typo.after, []);
});

const finding = (start: number, end: number, newText: string, extra: Partial<Finding['fixes'] extends (infer F)[] | undefined ? F : never> = {}): Finding => ({
  rule: 'x/y', span: [start, end], message: 'm', fixes: [{ title: 't', edits: [{ span: [start, end], newText }], preferred: true, ...extra }],
});

test('selectAutoFixes: no two edits overlap or start at one place; equal fixes count once applied; commands, non-preferred and out-of-range fixes are skipped', () => {
  const r = selectAutoFixes([
    finding(0, 4, 'a'),
    finding(2, 6, 'b'), // overlaps the first: next pass
    finding(4, 4, 'c'), // an insertion right after the first: fine
    finding(4, 5, 'd'), // starts where the insertion is: next pass
    finding(0, 4, 'a'), // the first again: fixed by it
    finding(8, 9, 'e', { command: { title: 'c', command: 'x' } }),
    finding(9, 10, 'f', { preferred: false }),
    finding(10, 99, 'g'),
    finding(12, 13, 'h'),
  ], 20);
  assert.deepEqual(r.edits.map(e => e.newText), ['a', 'c', 'h']);
  assert.equal(r.fixed, 4);
  assert.equal(applyEdits('0123456789abcdefghij', r.edits), 'ac456789abhdefghij');
});

/** A small deterministic generator (mulberry32), so the random cases are the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('lineDiff: the edits turn the original into the result, touching only the lines that differ', () => {
  const next = random(12);
  for (let round = 0; round < 300; round++) {
    const a = Array.from({ length: Math.floor(next() * 30) }, () => `l${Math.floor(next() * 8)}`);
    const b = a.flatMap(l => {
      const r = next();
      return r < 0.1 ? [] : r < 0.2 ? [l, `n${Math.floor(next() * 8)}`] : r < 0.3 ? [`c${l}`] : [l];
    });
    const eol = next() < 0.5 ? '\n' : '\r\n';
    const ta = a.join(eol) + (next() < 0.5 ? eol : ''), tb = b.join(eol) + (next() < 0.5 ? eol : '');
    assert.equal(applyEdits(ta, lineDiff(ta, tb)), tb, JSON.stringify([ta, tb]));
  }
  const a = 'one\ntwo\nthree\nfour\n';
  assert.deepEqual(lineDiff(a, 'one\nTWO\nthree\nfour\n'), [{ span: [4, 8], newText: 'TWO\n' }]);
  assert.deepEqual(lineDiff(a, 'zero\none\ntwo\nthree\nfour\n'), [{ span: [0, 0], newText: 'zero\n' }]);
  assert.deepEqual(lineDiff(a, a), []);
  // Past the bound of differing lines: one edit over the changed middle, still exact.
  const big = Array.from({ length: 1500 }, (_, i) => `a${i}\n`).join('');
  const other = Array.from({ length: 1500 }, (_, i) => `b${i}\n`).join('');
  const edits = lineDiff(`x\n${big}y\n`, `x\n${other}y\n`);
  assert.equal(edits.length, 1);
  assert.equal(applyEdits(`x\n${big}y\n`, edits), `x\n${other}y\n`);
});
