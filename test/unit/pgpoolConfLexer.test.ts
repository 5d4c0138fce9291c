/**
 * The pgpool.conf lexer and statement loop against Pgpool-II's own behaviour: every row of the mis-parse table in
 * shared/reference/pgpool.md §1.1, the quoting rules, and flex's longest-match / first-rule tie breaking.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Lexer, Tok } from '../../server/src/languages/pgpoolConf/lexer';
import { parsePgpoolConf, splitKey } from '../../server/src/languages/pgpoolConf/parse';
import type { PgpoolConfFile } from '../../server/src/languages/pgpoolConf/model';

const NAMES: Record<number, string> = {
  [Tok.Key]: 'KEY', [Tok.Integer]: 'INTEGER', [Tok.Real]: 'REAL', [Tok.String]: 'STRING', [Tok.Unquoted]: 'UNQUOTED',
  [Tok.Equals]: 'EQUALS', [Tok.Eol]: 'EOL', [Tok.Error]: 'ERROR',
};

/** `KIND:text` of every token up to the end of the text. */
function tokens(text: string, bomIsLetter = false): string[] {
  const lx = new Lexer(text, 0, text.length, bomIsLetter);
  const out: string[] = [];
  for (let t = lx.next(); t !== Tok.Eof; t = lx.next()) out.push(`${NAMES[t]}:${text.slice(lx.start, lx.end)}`);
  return out;
}

const parse = (text: string): PgpoolConfFile => parsePgpoolConf({ path: '/etc/pgpool2/pgpool.conf', text, languageId: 'pgpool-conf' });
/** `key=value` of every statement Pgpool-II applies (phantoms marked with `~`). */
const applied = (f: PgpoolConfFile): string[] => f.assignments.map(a => `${a.phantom ? '~' : ''}${a.key}=${a.value}`);

test('lexer: the mis-parse table of the reference, token by token', () => {
  assert.deepEqual(tokens('socket_dir = /tmp\n'), ['KEY:socket_dir', 'EQUALS:=', 'ERROR:/', 'KEY:tmp', 'EOL:\n']);
  assert.deepEqual(tokens('child_life_time = 5 min\n'), ['KEY:child_life_time', 'EQUALS:=', 'INTEGER:5', 'KEY:min', 'EOL:\n']);
  assert.deepEqual(tokens('ssl_ciphers = "x"\n'), ['KEY:ssl_ciphers', 'EQUALS:=', 'ERROR:"', 'KEY:x', 'ERROR:"', 'EOL:\n']);
  assert.deepEqual(tokens("ssl_ciphers = 'unterminated\n"), ['KEY:ssl_ciphers', 'EQUALS:=', "ERROR:'", 'KEY:unterminated', 'EOL:\n']);
  assert.deepEqual(tokens('ssl\n'), ['KEY:ssl', 'EOL:\n']);
  assert.deepEqual(tokens('socket_dir = /var/run/pgpool\n'), ['KEY:socket_dir', 'EQUALS:=', 'ERROR:/', 'UNQUOTED:var/run/pgpool', 'EOL:\n']);
  assert.deepEqual(tokens('ssl_ciphers = HIGH:+3DES\n'), ['KEY:ssl_ciphers', 'EQUALS:=', 'UNQUOTED:HIGH:', 'INTEGER:+3DES', 'EOL:\n']);
  assert.deepEqual(tokens('backend_weight0 = 1e3'), ['KEY:backend_weight0', 'EQUALS:=', 'INTEGER:1e', 'INTEGER:3']);
  assert.deepEqual(tokens('port = 1e4'), ['KEY:port', 'EQUALS:=', 'INTEGER:1e', 'INTEGER:4']);
  assert.deepEqual(tokens('1port = 5'), ['INTEGER:1port', 'EQUALS:=', 'INTEGER:5']);
});

test('lexer: numbers follow the longest match between INTEGER and REAL', () => {
  assert.deepEqual(tokens('5432'), ['INTEGER:5432']);
  assert.deepEqual(tokens('5432x'), ['INTEGER:5432x']);
  assert.deepEqual(tokens('5min'), ['INTEGER:5min']);
  assert.deepEqual(tokens('0x1F40'), ['INTEGER:0x1F40']);
  assert.deepEqual(tokens('0x'), ['INTEGER:0x']);
  assert.deepEqual(tokens('0xg'), ['INTEGER:0xg']);
  assert.deepEqual(tokens('0x1fzz'), ['INTEGER:0x1fzz']);
  assert.deepEqual(tokens('0777'), ['INTEGER:0777']);
  assert.deepEqual(tokens('-1'), ['INTEGER:-1']);
  assert.deepEqual(tokens('1.5'), ['REAL:1.5']);
  assert.deepEqual(tokens('1.5e3'), ['REAL:1.5e3']);
  assert.deepEqual(tokens('1.5e'), ['REAL:1.5', 'KEY:e']);
  assert.deepEqual(tokens('5.'), ['REAL:5.']);
  assert.deepEqual(tokens('.5'), ['REAL:.5']);
  assert.deepEqual(tokens('.'), ['REAL:.']);
  assert.deepEqual(tokens('-.'), ['REAL:-.']);
  assert.deepEqual(tokens('1.5.6'), ['REAL:1.5', 'REAL:.6']);
  assert.deepEqual(tokens('10.0.0.1'), ['REAL:10.0', 'REAL:.0', 'REAL:.1']);
  assert.deepEqual(tokens('5e.'), ['INTEGER:5e', 'REAL:.']);
  assert.deepEqual(tokens('-'), ['ERROR:-']);
  assert.deepEqual(tokens('+x'), ['ERROR:+', 'KEY:x']);
  assert.deepEqual(tokens('1_000'), ['INTEGER:1', 'KEY:_000']);
});

test('lexer: names and unquoted words (a KEY wins a tie, UNQUOTED a longer match)', () => {
  assert.deepEqual(tokens('backend_hostname0'), ['KEY:backend_hostname0']);
  assert.deepEqual(tokens('host-1.example.com'), ['UNQUOTED:host-1.example.com']);
  assert.deepEqual(tokens('localhost,127.0.0.1'), ['KEY:localhost', 'ERROR:,', 'REAL:127.0', 'REAL:.0', 'REAL:.1']);
  assert.deepEqual(tokens('%t: pid'), ['ERROR:%', 'UNQUOTED:t:', 'KEY:pid']);
  assert.deepEqual(tokens('*'), ['ERROR:*']);
  assert.deepEqual(tokens('a!b'), ['KEY:a', 'ERROR:!', 'KEY:b']);
  // Every byte of a UTF-8 character is a letter to Pgpool-II, so non-ASCII text belongs to names.
  assert.deepEqual(tokens('pörT = 1'), ['KEY:pörT', 'EQUALS:=', 'INTEGER:1']);
  assert.deepEqual(tokens('port\u00a0= 1'), ['KEY:port\u00a0', 'EQUALS:=', 'INTEGER:1']);
});

test('lexer: single-quoted strings (the longest match; a backslash hides a quote and stays)', () => {
  assert.deepEqual(tokens("'it\\'s'"), ["STRING:'it\\'s'"]);
  assert.deepEqual(tokens("'a\\\\' x'"), ["STRING:'a\\\\' x'"]);
  assert.deepEqual(tokens("'a\\'\n"), ["STRING:'a\\'", 'EOL:\n']);
  assert.deepEqual(tokens("'C:\\' # c\n"), ["STRING:'C:\\'", 'EOL:\n']);
  assert.deepEqual(tokens("'a#b'"), ["STRING:'a#b'"]);
  assert.deepEqual(tokens("''"), ["STRING:''"]);
  assert.deepEqual(tokens("'SELECT ''x'''"), ["STRING:'SELECT '", "STRING:'x'", "STRING:''"]);
  assert.deepEqual(tokens("'a\nb'"), ["ERROR:'", 'KEY:a', 'EOL:\n', 'KEY:b', "ERROR:'"]);
  assert.deepEqual(tokens('"x"'), ['ERROR:"', 'KEY:x', 'ERROR:"']);
});

test('lexer: comments need a newline after them; blanks, CR and a leading BOM are skipped', () => {
  assert.deepEqual(tokens('a # c\n'), ['KEY:a', 'EOL:\n']);
  assert.deepEqual(tokens('a # c'), ['KEY:a', 'ERROR:#', 'KEY:c']);
  assert.deepEqual(tokens('#\n'), ['EOL:\n']);
  assert.deepEqual(tokens('a = 1\r\n\tb\r\n'), ['KEY:a', 'EQUALS:=', 'INTEGER:1', 'EOL:\n', 'KEY:b', 'EOL:\n']);
  assert.deepEqual(tokens('\ufeffport = 1'), ['KEY:port', 'EQUALS:=', 'INTEGER:1']);
  assert.deepEqual(tokens('\ufeffport = 1', true), ['KEY:\ufeffport', 'EQUALS:=', 'INTEGER:1']);
  assert.deepEqual(tokens('a\ufeff'), ['KEY:a\ufeff'], 'only a leading BOM is blank');
});

test('parser: what Pgpool-II applies for each row of the mis-parse table', () => {
  let f = parse('socket_dir = /tmp\n');
  assert.deepEqual(applied(f), ['socket_dir=/', '~tmp=']);
  assert.equal(f.syntaxErrors.length, 0);
  assert.equal(f.quotingProblems!.length, 1);
  assert.deepEqual(f.quotingProblems![0]!.fixes![0]!.edits, [{ span: [13, 17], newText: "'/tmp'" }]);

  f = parse('child_life_time = 5 min\n');
  assert.deepEqual(applied(f), ['child_life_time=5', '~min=']);
  assert.match(f.quotingProblems![0]!.message, /`child_life_time`.*unit/);
  assert.equal(f.quotingProblems![0]!.fixes![0]!.edits[0]!.newText, "'5 min'");

  f = parse('ssl_ciphers = "x"\n');
  assert.deepEqual(applied(f), ['ssl_ciphers="', '~x="']);
  assert.match(f.quotingProblems![0]!.message, /double quotes/);
  assert.equal(f.quotingProblems![0]!.fixes![0]!.edits[0]!.newText, "'x'");

  f = parse("ssl_ciphers = 'unterminated\n");
  assert.deepEqual(applied(f), ["ssl_ciphers='", '~unterminated=']);
  assert.match(f.quotingProblems![0]!.message, /no closing quote/);

  for (const text of ['ssl\n', 'ssl =\n', 'ssl']) {
    f = parse(text);
    assert.deepEqual(applied(f), ['ssl='], text);
    assert.equal(f.assignments[0]!.missingValue, true);
    assert.equal(f.syntaxErrors.length + f.quotingProblems!.length, 0);
  }
  // the empty value sits right after the `=` (or the name): before a CR, a comment or trailing blanks
  assert.deepEqual(parse('ssl =\n').assignments[0]!.valueSpan, [5, 5]);
  assert.deepEqual(parse('ssl =\r\n').assignments[0]!.valueSpan, [5, 5]);
  assert.deepEqual(parse('ssl =   # c\n').assignments[0]!.valueSpan, [5, 5]);
  assert.deepEqual(parse('ssl  \n').assignments[0]!.valueSpan, [3, 3]);

  f = parse('socket_dir = /var/run/pgpool\n');
  assert.equal(f.syntaxErrors.length, 1);
  assert.deepEqual(f.syntaxErrors[0]!.span, [13, 28]);
  assert.match(f.syntaxErrors[0]!.message, /path/);
  assert.equal(f.assignments[0]!.value, '/var/run/pgpool', 'the statement keeps what the user meant');
  assert.equal(f.assignments[0]!.recovered, true);

  f = parse('ssl_ciphers = HIGH:+3DES\n');
  assert.equal(f.syntaxErrors.length, 1);
  assert.match(f.syntaxErrors[0]!.message, /`\+`/);
  assert.equal(f.syntaxErrors[0]!.fixes![0]!.edits[0]!.newText, "'HIGH:+3DES'");

  for (const text of ['backend_weight0 = 1e3\n', 'port = 1e4\n']) {
    f = parse(text);
    assert.equal(f.syntaxErrors.length, 1, text);
    assert.match(f.syntaxErrors[0]!.message, /exponent/);
  }

  f = parse('1port = 5\n');
  assert.deepEqual(applied(f), []);
  assert.deepEqual(f.syntaxErrors.map(e => e.span), [[0, 5]]);
  assert.match(f.syntaxErrors[0]!.message, /cannot start with a digit/);
});

test('parser: several settings on one line, and the optional `=`', () => {
  let f = parse("pcp_socket_dir='/tmp'port=5433\n");
  assert.deepEqual(applied(f), ['pcp_socket_dir=/tmp', 'port=5433']);
  assert.equal(f.syntaxErrors.length + f.quotingProblems!.length, 0);
  f = parse('port 5432\nssl on\n');
  assert.deepEqual(applied(f), ['port=5432', 'ssl=on']);
  assert.equal(f.quotingProblems!.length, 0);
  // Without `=`, a second statement on the line cannot be told from a value with a blank: flagged, as Pgpool-II
  // applies it as a separate setting.
  f = parse('port 5432 ssl on\n');
  assert.deepEqual(applied(f), ['port=5432', '~ssl=on']);
  assert.equal(f.quotingProblems!.length, 1);
  f = parse('port = = \n');
  assert.deepEqual(applied(f), ['port==']);
  f = parse('port = 5432 port = 5433\n');
  assert.deepEqual(applied(f), ['port=5432', 'port=5433']);
  assert.equal(f.quotingProblems!.length, 0);
});

test('parser: quoting rules (quotes stripped, backslashes kept, nothing unescaped, no doubling)', () => {
  assert.equal(parse("a = 'it\\'s'\n").assignments[0]!.value, "it\\'s");
  assert.equal(parse("a = 'a\\tb'\n").assignments[0]!.value, 'a\\tb');
  assert.equal(parse("a = 'a#b' # c\n").assignments[0]!.value, 'a#b');
  assert.equal(parse("a = '5432'\n").assignments[0]!.valueKind, 'string');
  const f = parse("wd_lifecheck_query = 'SELECT ''x'''\n");
  assert.equal(f.syntaxErrors.length, 1);
  assert.match(f.syntaxErrors[0]!.message, /no `''` escape/);
  const nl = parse("a = 'x\ny'\n");
  assert.deepEqual(applied(nl), ["a='", '~x=', "y='"]);
});

test('parser: a comment on the last line without a newline is a syntax error with a fix', () => {
  const f = parse('ssl = on # comment');
  assert.deepEqual(applied(f), ['ssl=on']);
  assert.deepEqual(f.syntaxErrors.map(e => e.span), [[9, 10]]);
  assert.deepEqual(f.syntaxErrors[0]!.fixes![0]!.edits, [{ span: [18, 18], newText: '\n' }]);
  assert.equal(parse('ssl = on # comment\n').syntaxErrors.length, 0);
});

test('parser: reports every bad line and goes on at the next line', () => {
  const f = parse('1a = 1\nport = 5432\n= 3\nssl = off\n[main]\nlisten_addresses = localhost,::1\nx = 1\n');
  assert.deepEqual(applied(f), ['port=5432', 'ssl=off', 'listen_addresses=localhost,::1', 'x=1']);
  assert.equal(f.syntaxErrors.length, 4);
  assert.deepEqual(f.assignments.map(a => a.line), [1, 3, 5, 6]);
});

test('parser: the causes named in syntax errors', () => {
  const cause = (text: string): string => parse(text).syntaxErrors[0]?.message ?? '';
  assert.match(cause('backend_hostname0 = 10.0.0.1\n'), /IP address/);
  assert.match(cause('listen_addresses = a,b\n'), /list/);
  assert.match(cause('wd_lifecheck_query = SELECT 1\n'), /blank/);
  assert.match(cause('log_line_prefix = "%t: x"\n'), /double quotes/);
  assert.match(cause('ssl_ciphers = HIGH:!aNULL\n'), /`!`/);
  assert.match(cause('= 5\n'), /name is missing/);
  assert.match(cause('[x]\n'), /section/);
  assert.match(cause("'a' = 1\n"), /quoted string/);
  assert.match(cause('my-param = 1\n'), /not a valid parameter name/);
  assert.match(cause('x = 5 min port = 3\n'), /unit/);
});

test('parser: include statements are recorded apart from settings', () => {
  const f = parse("include = 'extra.conf'\ninclude 'more.conf'\nport = 1\n");
  assert.deepEqual(f.includes!.map(i => i.value), ['extra.conf', 'more.conf']);
  assert.deepEqual(applied(f), ['port=1']);
});

test('parser: a byte-order mark is blank here but reported the way Pgpool-II reads it', () => {
  assert.equal(parse('\ufeff# comment\nport = 1\n').bom, undefined);
  assert.equal(parse('\ufeff\nport = 1\n').bom, undefined);
  const merged = parse('\ufeffport = 1\n');
  assert.deepEqual(applied(merged), ['port=1']);
  assert.equal(merged.bom!.fatal, false);
  assert.match(merged.bom!.message, /`port`/);
  assert.equal(parse('\ufeff port = 1\n').bom!.fatal, true);
  assert.equal(parse('\ufeff ssl\n').bom!.fatal, false);
});

test('splitKey: array names with digits, everything else unchanged', () => {
  assert.deepEqual(splitKey('backend_hostname12'), { name: 'backend_hostname', index: 12 });
  assert.deepEqual(splitKey('hostname0'), { name: 'hostname', index: 0 });
  assert.deepEqual(splitKey('backend_port00'), { name: 'backend_port', index: 0 });
  assert.deepEqual(splitKey('heartbeat_hostname255'), { name: 'heartbeat_hostname', index: 255 });
  assert.deepEqual(splitKey('port'), { name: 'port' });
  assert.deepEqual(splitKey('backend_hostname0x'), { name: 'backend_hostname0x' });
  assert.deepEqual(splitKey('health_check_period'), { name: 'health_check_period' });
  assert.deepEqual(splitKey('foo1'), { name: 'foo1' });
});
