/**
 * pg_ident.conf: the parser (parse_ident_line's errors per version), the regular-expression judge against verdicts
 * recorded from PostgreSQL 15 (`SELECT '' ~ pattern`, the same compiler and flags hba.c uses), bad and huge input, and
 * the editor features. The judge never runs a pattern, so catastrophic ones cost what their length costs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../server/src/core/types';
import { judgeRegex } from '../../server/src/core/pgRegex';
import { parsePgIdent } from '../../server/src/languages/pgIdent/parse';
import { check, prng, testService } from '../helpers';

const service = testService();
const parse = (text: string) => parsePgIdent({ path: '/nonexistent/pgtls/pg_ident.conf', text, languageId: 'pg-ident' });
const rules = (text: string, postgresVersion = 17) => check(service, '/nonexistent/pgtls/pg_ident.conf', text, { postgresVersion }).map(p => p.rule);

/** PostgreSQL 15.20's verdicts (`ok` or its pg_regerror text), recorded with the probe in test/interop/pgIdentDiff.test.ts. */
const PG15: [string, string][] = [
  ['^(.*)@example\\.com$', 'ok'], ['(?<user>.*)', 'quantifier operand invalid'], ['\\bfoo\\b', 'ok'],
  ['^*a', 'quantifier operand invalid'], ['a{,3}', 'ok'], ['a{3', 'braces {} not balanced'],
  ['a{1,2}{3}', 'quantifier operand invalid'], ['(?i)^Alice$', 'ok'], ['^(?i)a', 'quantifier operand invalid'],
  ['\\k<x>', 'invalid escape \\ sequence'], ['\\p{L}', 'invalid escape \\ sequence'], ['a\\z', 'invalid escape \\ sequence'],
  ['[[:word:]]+', 'ok'], ['(a)\\1', 'ok'], ['(a\\1)', 'invalid backreference number'], ['\\2(a)(b)', 'invalid backreference number'],
  ['(?:a)\\1', 'invalid backreference number'], ['***=a(', 'ok'], ['***:(a', 'parentheses () not balanced'], ['(?q)a(', 'ok'],
  ['(?z)a', 'invalid embedded option'], ['a++', 'quantifier operand invalid'], ['a*?', 'ok'], ['a??', 'ok'],
  ['a*?+', 'quantifier operand invalid'], ['$*', 'quantifier operand invalid'], ['\\y*', 'quantifier operand invalid'],
  ['(?=a)*', 'quantifier operand invalid'], ['x{256}', 'invalid repetition count(s)'], ['x{255}', 'ok'],
  ['x{2,1}', 'invalid repetition count(s)'], ['[z-a]', 'invalid character range'], ['[2z-a', 'brackets [] not balanced'],
  ['[^]a]', 'ok'], ['[]', 'brackets [] not balanced'], ['\\', 'invalid escape \\ sequence'], ['a|*', 'quantifier operand invalid'],
  ['(|a)', 'ok'], ['()', 'ok'], ['(*)', 'quantifier operand invalid'], ['a{1}?', 'ok'], ['.{0}', 'ok'], ['[a-]', 'ok'],
  ['[-a]', 'ok'], ['\\w{2,}', 'ok'], ['\\A\\Z', 'ok'], ['\\m\\M', 'ok'], ['\\cA', 'ok'], ['\\e', 'ok'], ['\\B', 'ok'],
  ['[[:foo:]]', 'invalid character class'], ['^(.*$', 'parentheses () not balanced'], ['a)', 'parentheses () not balanced'],
];

test('the regex judge agrees with PostgreSQL 15 wherever it gives a verdict', () => {
  for (const [pattern, pg] of PG15) {
    const v = judgeRegex(pattern);
    if (v.kind === 'unknown') continue;
    assert.equal(v.kind === 'ok' ? 'ok' : v.message, pg, pattern);
  }
  assert.equal(PG15.filter(([p]) => judgeRegex(p).kind === 'unknown').length, 0, 'every recorded case has a verdict');
});

test('the regex judge counts capturing groups, not (?:…) or lookarounds', () => {
  const groups = (p: string) => { const v = judgeRegex(p); return v.kind === 'ok' ? v.groups : -1; };
  assert.equal(groups('^(a)(?:b)(?=c)(d)$'), 2);
  assert.equal(groups('^[a-z]+$'), 0);
  assert.equal(groups('***=(a)'), 0, 'literal after ***=');
});

test('catastrophic and hostile patterns are judged in linear time, never run', () => {
  for (const p of ['(a+)+$'.repeat(20000), '('.repeat(100000), '['.repeat(100000), '\\'.repeat(100001), 'a{1,255}'.repeat(10000), '(?:'.repeat(50000) + ')'.repeat(50000)]) {
    const v = judgeRegex(p);
    assert.ok(['ok', 'error', 'unknown'].includes(v.kind));
  }
  // a file of evil patterns validates like any other
  const text = Array.from({ length: 2000 }, (_, i) => `m${i} /^(a+)+(b*)*$${'x'.repeat(i % 50)} \\1`).join('\n');
  assert.ok(check(service, '/nonexistent/pgtls/pg_ident.conf', text, { maxProblems: 1_000_000 }).every(p => p.rule.startsWith('pg-ident/')));
});

test('parse_ident_line: field counts, comma lists, extra fields, per-version include lines', () => {
  const f = parse('a b c\nbad two\nx y,z w\nm s u extra more\ninclude other.conf\ninclude a b\n');
  assert.deepEqual(f.entries.map(e => `${e.map.value}:${e.system.value}:${e.user.value}:${e.extra.length}`), ['a:b:c:0', 'm:s:u:2', 'include:a:b:0']);
  assert.deepEqual(f.loadErrors.map(e => `${e.kind}@${e.line.line + 1}:${e.versions}`), ['missing-field@2:all', 'multiple-values@3:all', 'include-needs-pg16@5:before16']);
  assert.equal(f.refused.from16?.kind, 'missing-field');
  assert.deepEqual(rules('include other.conf\n', 15), ['pg-ident/include-needs-pg16']);
  // other.conf does not exist beside this path: that the target must exist (16+) is the include-target test's business.
  assert.deepEqual(rules('include other.conf\n', 16).filter(r => r !== 'pg-ident/missing-include-file'), []);
});

test('16+ database users: all, +group and /regex are keywords only unquoted; \\1 not substituted there', () => {
  const f = parse('m /^(.*)$ all\nm /^(.*)$ "all"\nm /^(.*)$ +g\nm /^(.*)$ "+g"\nm /^(.*)$ "/x"\n');
  assert.deepEqual(f.entries.map(e => e.userForm), ['all', 'name', 'group', 'name', 'regex']);
  assert.deepEqual(rules('m /^(.*)$ +\\1\n', 16), ['pg-ident/backreference-not-substituted']);
  assert.deepEqual(rules('m /^(.*)$ +\\1\n', 15), ['pg-ident/user-syntax-needs-pg16']);
  assert.deepEqual(rules('m /^(.*)$ /(\n', 16), ['pg-ident/invalid-regex'], 'the database user is compiled from 16');
  assert.deepEqual(rules('m /^(.*)$ /(\n', 15), ['pg-ident/user-syntax-needs-pg16'], '15 takes it literally');
});

test('random noise never throws and every finding is inside the text', () => {
  const rnd = prng(9);
  const alphabet = 'ab /\\()[]{}*+?|^$,"#\t\n+1:=-';
  for (let n = 0; n < 300; n++) {
    let t = '';
    for (let i = Math.floor(rnd() * 200); i > 0; i--) t += alphabet[Math.floor(rnd() * alphabet.length)];
    for (const p of check(service, '/nonexistent/pgtls/pg_ident.conf', t)) assert.ok(p.span[0] >= 0 && p.span[1] <= t.length);
  }
});

test('hover and completion', () => {
  const doc = { path: '/nonexistent/pgtls/pg_ident.conf', text: 'certs /^(.*)@x\\.com$ \\1\ninclude more.conf\n', languageId: 'pg-ident' as const, version: 1 };
  const parsed = service.parse(doc);
  const settings = { ...DEFAULT_SETTINGS, postgresVersion: 16 };
  assert.match(service.hover(doc, parsed, 8, settings)?.markdown ?? '', /1 capturing group/);
  assert.match(service.hover(doc, parsed, 2, settings)?.markdown ?? '', /user-name map/);
  assert.match(service.hover(doc, parsed, 25, settings)?.markdown ?? '', /PostgreSQL 16/);
  const labels = service.complete(doc, parsed, 24, settings).map(c => c.label);
  assert.ok(labels.includes('include_dir'), labels.join());
});

test('16+ include targets must exist, as a real PostgreSQL 17.12 refuses the file ("could not open file")', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-ident-inc-'));
  fs.writeFileSync(path.join(dir, 'other.conf'), 'm2 carol dave\n');
  const at = (text: string, postgresVersion: number) =>
    check(service, path.join(dir, 'pg_ident.conf'), text, { postgresVersion, checkFiles: true }).map(p => p.rule);
  for (const v of [16, 17]) {
    assert.deepEqual(at('include other.conf\nm1 alice bob\n', v), []);
    assert.deepEqual(at('"include" other.conf\n', v), [], 'a quoted keyword is still the directive (hba.c compares the string only)');
    assert.deepEqual(at('include_if_exists missing.conf\nm1 alice bob\n', v), []);
    assert.deepEqual(at('include missing.conf\n', v), ['pg-ident/missing-include-file']);
    assert.deepEqual(at('include_dir missing.d\n', v), ['pg-ident/missing-include-file']);
    assert.deepEqual(at('include_dir other.conf\n', v), ['pg-ident/missing-include-file'], 'a file is not a folder');
  }
  assert.deepEqual(at('include missing.conf\n', 15), ['pg-ident/include-needs-pg16'], '15 reads a map line with a missing field, nothing more');
  fs.rmSync(dir, { recursive: true, force: true });
});
