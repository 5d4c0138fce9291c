/**
 * The pgpool.conf language never throws and always answers, whatever the input: random text, large files, many lines,
 * CRLF, a BOM, pathological single lines. These tests assert results, never time.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { check, describeProblem, testService, prng as rng } from '../helpers';
import { DEFAULT_SETTINGS, type SourceDocument } from '../../server/src/core/types';
import { parsePgpoolConf } from '../../server/src/languages/pgpoolConf/parse';

const service = testService();
const PATH = '/etc/pgpool2/pgpool.conf';
const settings = { ...DEFAULT_SETTINGS, checkFiles: false };


/** Runs every feature on `text` and checks the shape of the answers. */
function exercise(text: string, offsets: number[]): number {
  const doc: SourceDocument = { path: PATH, text, languageId: 'pgpool-conf' };
  const parsed = service.parse(doc);
  const problems = service.validate(doc, parsed, settings);
  for (const p of problems) {
    assert.ok(p.span[0] >= 0 && p.span[0] <= p.span[1] && p.span[1] <= text.length, `span ${p.span} in ${text.length}`);
    assert.notEqual(p.rule, 'pgtls/internal-error', p.message);
  }
  for (const o of offsets) {
    const h = service.hover(doc, parsed, o, settings);
    if (h) assert.ok(h.span[0] <= o && o <= h.span[1]);
    for (const c of service.complete(doc, parsed, o, settings)) {
      if (c.replace) assert.ok(c.replace[0] <= c.replace[1] && c.replace[1] <= text.length);
    }
  }
  return problems.length;
}

test('random text made of the characters that matter to the lexer', () => {
  const alphabet = "ab_Z09 \t\r\n='\"\\#./:-+ex,;%!*()[]{}|\u00e9\u00a0\ufeff";
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed);
    let text = '';
    const n = 1 + Math.floor(r() * 4000);
    for (let i = 0; i < n; i++) text += alphabet[Math.floor(r() * alphabet.length)];
    const offsets = Array.from({ length: 30 }, () => Math.floor(r() * (text.length + 1)));
    exercise(text, offsets);
  }
});

test('random bytes decoded as UTF-8 (read as Pgpool-II reads them, NUL bytes included)', () => {
  for (let seed = 100; seed < 110; seed++) {
    const r = rng(seed);
    const bytes = Buffer.from(Array.from({ length: 20000 }, () => Math.floor(r() * 256)));
    const withNul = bytes.toString('utf8');
    const doc: SourceDocument = { path: PATH, text: withNul, languageId: 'pgpool-conf' };
    const problems = service.validate(doc, service.parse(doc), settings);
    // The first NUL byte is pointed out; the garbage is a syntax error to Pgpool-II as to pgtls.
    assert.deepEqual(problems.filter(p => p.rule === 'pgtls/binary-file').map(p => p.span[0]), [withNul.indexOf('\0')]);
    assert.ok(problems.some(p => p.rule === 'pgpool-conf/syntax-error' && p.severity === 'error'));
    assert.ok(!problems.some(p => p.rule === 'pgtls/internal-error'));
    exercise(withNul, [0, 1, 5000, withNul.length]);
    const noNul = Buffer.from(bytes.map(b => (b === 0 ? 32 : b))).toString('utf8');
    exercise(noNul, [0, 1, 5000, noNul.length]);
  }
});

test('a 10 MB file of mostly comments, like the sample configuration', () => {
  const block = [
    '#------------------------------------------------------------------------------',
    '# CONNECTIONS',
    '#------------------------------------------------------------------------------',
    "#listen_addresses = 'localhost'",
    '                                   # what host name(s) or IP address(es) to listen on',
    '#port = 9999',
    '',
  ].join('\n');
  let text = "listen_addresses = '*'\nport = 9999\n";
  while (text.length < 10 * 1024 * 1024) text += `${block}\n`;
  text += 'child_life_time = 5 min\n';
  const problems = check(service, PATH, text, { checkFiles: false });
  assert.deepEqual(problems.map(p => p.rule), ['pgpool-conf/value-needs-quoting']);
  const file = parsePgpoolConf({ path: PATH, text, languageId: 'pgpool-conf' });
  assert.equal(file.assignments.filter(a => !a.phantom).length, 3);
});

test('100 000 lines with CRLF endings keep their line numbers', () => {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) lines.push(i === 54_321 ? 'port = 80 # too low' : i % 10 === 0 ? `# section ${i}` : `backend_weight${i % 100} = 1`);
  const text = `${lines.join('\r\n')}\r\n`;
  const problems = check(service, PATH, text, { checkFiles: false, maxProblems: 1_000_000 }); // every one, not the first pgtls.maxProblems
  const range = problems.filter(p => p.rule === 'pgpool-conf/out-of-range');
  assert.deepEqual(range.map(p => describeProblem(text, p)), ['54322:8-54322:10 pgpool-conf/out-of-range']);
  // 89 999 statements over 90 distinct backend_weightN keys: every earlier one is a duplicate of the last
  assert.equal(problems.filter(p => p.rule === 'pgpool-conf/duplicate').length, 89_999 - 90);
  const file = parsePgpoolConf({ path: PATH, text, languageId: 'pgpool-conf' });
  assert.equal(file.assignments.length, 90_000);
  assert.equal(file.assignments[file.assignments.length - 1]!.line, 99_999);
});

test('a BOM, CRLF, a lone CR and no final newline', () => {
  assert.deepEqual(check(service, PATH, '\ufeff# pgpool\r\nport = 9999\r\n', { checkFiles: false }), []);
  const crOnly = 'port = 9999\rssl_ciphers = \'HIGH\'\r';
  assert.deepEqual(check(service, PATH, crOnly, { checkFiles: false }).filter(p => !p.rule.startsWith('pgpool-conf/ssl-')), []);
  assert.deepEqual(check(service, PATH, 'port = 9999', { checkFiles: false }), []);
  assert.deepEqual(check(service, PATH, '', { checkFiles: false }), []);
  assert.deepEqual(check(service, PATH, '\n\n\n', { checkFiles: false }), []);
});

test('pathological single lines answer, and in one piece', () => {
  const cases: [string, string[]][] = [
    ['x = ' + "a ".repeat(200_000), ['pgpool-conf/unknown-parameter', 'pgpool-conf/value-needs-quoting']],
    ['a=/b'.repeat(200_000) + '\n', ['pgpool-conf/unknown-parameter', 'pgpool-conf/value-needs-quoting']],
    // one string: every `\'` hides a quote and the last quote ends the longest match
    ["x = '" + "a\\'".repeat(300_000) + '\n', ['pgpool-conf/unknown-parameter']],
    ['#'.repeat(500_000), ['pgpool-conf/syntax-error']],
    ['port = ' + '9'.repeat(500_000) + '\n', ['pgpool-conf/out-of-range']],
    ["port = '" + ' '.repeat(500_000) + "5432'\n", []],
    // an unknown name ending in digits and a letter: the did-you-mean split of trailing digits must stay linear
    ['b' + '1'.repeat(300_000) + 'x = 5\n', ['pgpool-conf/unknown-parameter']],
  ];
  for (const [text, want] of cases) {
    const got = [...new Set(check(service, PATH, text, { checkFiles: false }).map(p => p.rule))].sort();
    assert.deepEqual(got, want, text.slice(0, 20));
  }
});
