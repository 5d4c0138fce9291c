/**
 * postgresql.conf reader: the lexer's tricky cases (quoting, qualified names, numbers and units as separate tokens),
 * the value rules of guc.c (units, rounding, octal, hex, strtod), include resolution (relative paths, include_dir
 * order and filter, recursion, depth, auto.conf), and bad input (binary, huge, loops: never throw, never hang). The
 * expected outcomes were checked on the real PostgreSQL 15 with `postgres -C` (see postgresqlConfDiff.test.ts).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Lexer, Tok, deescape } from '../../server/src/languages/postgresqlConf/lexer';
import { parsePostgresqlConf } from '../../server/src/languages/postgresqlConf/parse';
import { parseBool, parseIntValue, parseRealValue, rint } from '../../server/src/languages/postgresqlConf/values';
import { DEFAULT_SETTINGS } from '../../server/src/core/types';
import { check, prng, testService } from '../helpers';

const parse = (text: string) => parsePostgresqlConf({ path: '/nonexistent/pgtls/postgresql.conf', text, languageId: 'postgresql-conf' });
const service = testService();
const rules = (text: string, file = '/nonexistent/pgtls/postgresql.conf', settings = {}) =>
  check(service, file, text, { checkFiles: true, ...settings }, 'postgresql-conf').map(p => p.rule).filter(r => r !== 'pgtls/path-not-checked');

const TOK_NAMES: Record<number, string> = {
  [Tok.Id]: 'Id', [Tok.QualifiedId]: 'QualifiedId', [Tok.String]: 'String', [Tok.Unquoted]: 'Unquoted', [Tok.Integer]: 'Integer',
  [Tok.Real]: 'Real', [Tok.Equals]: 'Equals', [Tok.Eol]: 'Eol', [Tok.Error]: 'Error',
};

function tokens(text: string): string[] {
  const lx = new Lexer(text);
  const out: string[] = [];
  for (let t = lx.next(); t !== Tok.Eof; t = lx.next()) out.push(`${TOK_NAMES[t]}:${text.slice(lx.start, lx.end)}`);
  return out;
}

test('lexer: names, qualified names and unquoted strings by longest match', () => {
  assert.deepEqual(tokens('a.b a.b.c x.1y _x.y a.b/c'), ['QualifiedId:a.b', 'Unquoted:a.b.c', 'Unquoted:x.1y', 'QualifiedId:_x.y', 'Unquoted:a.b/c']);
  assert.deepEqual(tokens('1.5MB 1e3 0x1Fk .5 - +'), ['Real:1.5', 'Id:MB', 'Integer:1e', 'Integer:3', 'Integer:0x1Fk', 'Real:.5', 'Error:-', 'Error:+']);
  assert.deepEqual(tokens('x # comment \'unterminated'), ['Id:x']);
  assert.deepEqual(tokens('\ufeffwork_mem'), ['Id:\ufeffwork_mem'], 'a byte-order mark is part of the first name');
});

test('lexer: quoted strings with doubled quotes and backslash escapes', () => {
  assert.deepEqual(tokens("'it''s' 'a\\'b' 'x'' y"), ["String:'it''s'", "String:'a\\'b'", "String:'x'", 'Error:\'', 'Id:y']);
  assert.deepEqual(tokens("'no end\n'"), ["Error:'", 'Id:no', 'Id:end', 'Eol:\n', "Error:'"]);
  assert.deepEqual(tokens("'a\\\nb'"), ["Error:'", 'Id:a', 'Error:\\', 'Eol:\n', 'Id:b', "Error:'"], 'a backslash does not escape a line break');
  assert.equal(deescape("'it''s'"), "it's");
  assert.equal(deescape("'a\\tb\\101\\x'"), 'a\tbAx');
  assert.equal(deescape("'ab\\0cd'"), 'ab', '\\0 ends the C string');
});

test('parser: statements, directives and syntax errors as PostgreSQL reads them', () => {
  const f = parse("work_mem 4MB\nInclude_Dir = 'conf.d'\nsearch_path = public.x\nx = 1 2\ny =\n= 3\nok = 'v' # c");
  assert.deepEqual(f.settings.map(s => `${s.key}=${s.value}`), ['work_mem=4MB', 'ok=v']);
  assert.deepEqual(f.directives.map(d => `${d.kind}:${d.value}`), ['include_dir:conf.d']);
  assert.deepEqual(f.syntaxErrors.map(e => e.near ?? '(end of line)'), ['public.x', '2', '(end of line)', '=']);
});

test('values: booleans, integers with units and rounding, reals', () => {
  for (const v of ['on', 'OFF', 'of', 't', 'TRU', 'yes', 'n', '1', '0']) assert.notEqual(parseBool(v), undefined, v);
  for (const v of ['o', '', 'truex', '2', ' on', 'onn']) assert.equal(parseBool(v), undefined, v);
  const int = (v: string, u?: 'kB' | 'ms' | 'min' | '8kB' | 'B' | 's' | 'MB') => {
    const r = parseIntValue(v, u);
    return r.ok ? r.value : r.why;
  };
  assert.equal(int('010', 'kB'), 8, 'leading 0: octal');
  assert.equal(int('08', 'kB'), 'unit', '8 is not an octal digit: "8" is left as a unit');
  assert.equal(int('0x100', 'kB'), 256);
  assert.equal(int('1e3'), 1000);
  assert.equal(int('63.5', 'kB'), 64, 'rint: half to even');
  assert.equal(int('62.5', 'kB'), 62, 'rint: half to even');
  assert.equal(int('1.5GB', 'kB'), 1572864);
  assert.equal(int('1s', 'min'), 0);
  assert.equal(int('31s', 'min'), 1);
  assert.equal(int(' 4 MB ', 'kB'), 4096);
  assert.equal(int('128MB', '8kB'), 16384);
  assert.equal(int('4mb', 'kB'), 'unit');
  assert.equal(int('4MBx', 'kB'), 'unit');
  assert.equal(int('4TB', 'kB'), 'int-range');
  assert.equal(int('2147483648'), 'int-range');
  assert.equal(int('5x'), 'no-unit');
  assert.equal(int('abc'), 'syntax');
  assert.equal(int(''), 'syntax');
  assert.equal(int(' .5'), 'syntax', 'strtol stops at the blank, so there is no strtod retry');
  const real = (v: string) => { const r = parseRealValue(v, undefined); return r.ok ? r.value : r.why; };
  assert.equal(real('0x10'), 16);
  assert.equal(real('inf'), Infinity);
  assert.equal(real('nan'), 'syntax');
  assert.equal(real('1e400'), 'syntax', 'ERANGE');
  assert.equal(real('1e-400'), 'syntax', 'ERANGE on underflow');
  assert.equal(rint(-0.5), 0);
  assert.equal(rint(2.5), 2);
});

test('checks: the outcomes PostgreSQL 15 gives (postgres -C)', () => {
  assert.deepEqual(rules('work_mem = abc\nwork_mem = 4MB\n'), ['postgresql-conf/overridden'], 'an earlier bad duplicate is never checked');
  assert.deepEqual(rules('Shared_Buffers = 1MB\nsort_mem = 1MB\nfoo.bar = x\n'), []);
  // Only an exact same spelling hides an earlier line: the old name and another letter case are applied and checked.
  assert.deepEqual(rules('sort_mem = on\nwork_mem = 4MB\n'), ['postgresql-conf/invalid-number']);
  assert.deepEqual(rules('Work_Mem = 1\nwork_mem = 4MB\n'), ['postgresql-conf/out-of-range']);
  assert.deepEqual(rules('is_superuser = on\n'), ['postgresql-conf/read-only-parameter']);
  assert.deepEqual(rules("unix_socket_permissions = 0778\n"), ['postgresql-conf/invalid-number'], 'octal 077, then "8" where no unit is taken');
  assert.deepEqual(rules("random_page_cost = '-inf'\n"), ['postgresql-conf/out-of-range']);
  assert.deepEqual(rules('summarize_wal = on\n', undefined, { postgresVersion: 15 }), ['postgresql-conf/unknown-parameter']);
  assert.deepEqual(rules('db_user_namespace = off\n', undefined, { postgresVersion: 16 }), []);
  assert.deepEqual(rules('db_user_namespace = off\n', undefined, { postgresVersion: 17 }), ['postgresql-conf/unknown-parameter']);
});

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-pgconf-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

test('includes: relative to the including file, include_dir order and filter, last wins, auto.conf', () => {
  const root = tree({
    'main/postgresql.conf': "work_mem = 1MB\ninclude 'sub/a.conf'\ninclude_dir 'conf.d'\n",
    'main/sub/a.conf': "include 'b.conf'\n",
    'main/sub/b.conf': 'work_mem = 2MB\n',
    'main/conf.d/20.conf': "ssl = 'on'\n",
    'main/conf.d/10.conf': 'ssl = maybe\n',
    'main/conf.d/.hidden.conf': 'ssl = maybe\n',
    'main/conf.d/x.conf.bak': 'ssl = maybe\n',
    'main/postgresql.auto.conf': 'max_connections = 7\n',
  });
  try {
    const file = path.join(root, 'main/postgresql.conf');
    const got = check(service, file, fs.readFileSync(file, 'utf8'), { checkFiles: true });
    // work_mem in b.conf (via sub/a.conf) overrides line 1; 20.conf's ssl wins over 10.conf's invalid one.
    assert.deepEqual(got.map(p => p.rule), ['postgresql-conf/overridden']);
    fs.writeFileSync(path.join(root, 'main/conf.d/30.conf'), 'ssl = maybe\n');
    assert.deepEqual(check(service, file, fs.readFileSync(file, 'utf8'), { checkFiles: true }).map(p => p.rule).sort(),
      ['postgresql-conf/invalid-bool', 'postgresql-conf/overridden']);
  } finally { fs.rmSync(root, { recursive: true, force: true }); }
});

test('includes: loops end at the depth limit, a self-include is refused', () => {
  const root = tree({ 'a.postgresql.conf': "include 'b.conf'\n", 'b.conf': "include 'a.postgresql.conf'\nwork_mem = 4MB\n", 'self.postgresql.conf': "include 'self.postgresql.conf'\n" });
  try {
    const a = path.join(root, 'a.postgresql.conf');
    assert.ok(check(service, a, fs.readFileSync(a, 'utf8'), { checkFiles: true }).some(p => p.rule === 'postgresql-conf/include-not-found' && /10 levels/.test(p.message)));
    const self = path.join(root, 'self.postgresql.conf');
    assert.ok(check(service, self, fs.readFileSync(self, 'utf8'), { checkFiles: true }).some(p => /names the file it is in/.test(p.message)));
  } finally { fs.rmSync(root, { recursive: true, force: true }); }
});

test('bad input never throws and stays linear', () => {
  const rnd = prng(9);
  const alphabet = "ab_.=' \\\n#0x1e5-+/\"\u00e9\ufeff\u0000\r\t";
  for (let i = 0; i < 300; i++) {
    let s = '';
    const n = Math.floor(rnd() * 200);
    for (let k = 0; k < n; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    assert.doesNotThrow(() => rules(s), JSON.stringify(s));
  }
  const huge = `${"work_mem = '4MB' # padding\n".repeat(40000)}x = '${'\\'.repeat(100000)}\n`;
  const f = parse(huge);
  assert.equal(f.settings.length, 40000);
  assert.equal(f.syntaxErrors.length, 1);
  assert.doesNotThrow(() => parse(`'${"''".repeat(200000)}`));
});

test('hover and completion read the same catalogue', () => {
  const text = "work_mem = '1.5GB'\nwal_level = \ninclude_dir 'conf.d'\n";
  const doc = { path: '/nonexistent/pgtls/postgresql.conf', text, languageId: 'postgresql-conf' as const, version: 1 };
  const file = service.parse(doc);
  const settings = { ...DEFAULT_SETTINGS, postgresVersion: 16 as const };
  const name = service.hover(doc, file, 2, settings);
  assert.match(name?.markdown ?? '', /\*\*work_mem\*\* · integer · default `4096 \(kB\)`[\s\S]*Range: 64 … 2147483647 kB[\s\S]*any user may also `SET` it/);
  assert.match(service.hover(doc, file, 13, settings)?.markdown ?? '', /1572864 kB/);
  assert.match(service.hover(doc, file, text.indexOf('include_dir') + 2, settings)?.markdown ?? '', /name order/);
  const values = service.complete(doc, file, text.indexOf('wal_level = ') + 12, settings).map(c => c.label);
  assert.deepEqual(values, ['minimal', 'replica', 'logical']);
  const names = service.complete(doc, file, 0, settings).map(c => c.label);
  assert.ok(names.includes('scram_iterations') && !names.includes('summarize_wal') && !names.includes('server_version'));
});
