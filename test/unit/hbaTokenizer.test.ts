/** The shared HBA tokenizer: fields, comma lists, quotes, comments, limits, continuation lines, spans. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { tokenize, type Dialect, type HbaLine } from '../../server/src/languages/hba/lexer';

/** Fields as lists of values: `[['host'], ['db1', 'db2'], ...]` per line. */
function fields(text: string, dialect: Dialect = 'pgpool'): string[][][] {
  return tokenize(text, { dialect }).map(l => l.fields.map(f => f.tokens.map(t => t.value)));
}
function one(text: string, dialect: Dialect = 'pgpool'): HbaLine {
  const lines = tokenize(text, { dialect });
  assert.equal(lines.length, 1, JSON.stringify(lines));
  return lines[0]!;
}

test('blanks separate fields; space, tab and CR are blanks', () => {
  assert.deepEqual(fields('host\tall  all\r127.0.0.1/32 trust'), [[['host'], ['all'], ['all'], ['127.0.0.1/32'], ['trust']]]);
});

test('comma lists: `a,b` and `a, b` are one field, `a ,b` two', () => {
  assert.deepEqual(fields('host a,b u all trust')[0]![1], ['a', 'b']);
  assert.deepEqual(fields('host a, b u all trust')[0]![1], ['a', 'b']);
  assert.deepEqual(fields('host a ,b u all trust')[0]!.slice(1, 3), [['a'], ['b']]);
  assert.deepEqual(fields('host a,,b u')[0]![1], ['a', 'b'], 'empty list items are skipped');
  assert.deepEqual(fields('host a, u')[0]![1], ['a', 'u'], 'a trailing comma joins the next token');
});

test('comments start at an unquoted #, also inside a token', () => {
  assert.deepEqual(fields('# only a comment\n   # indented\n\nlocal all all trust # tail'), [[['local'], ['all'], ['all'], ['trust']]]);
  assert.deepEqual(fields('local all all trust#x'), [[['local'], ['all'], ['all'], ['trust']]]);
  const l = one('local "a#b" all trust');
  assert.equal(l.fields[1]!.tokens[0]!.value, 'a#b');
});

test('double quotes protect blanks, commas and #; "" is a literal quote', () => {
  const l = one('host "my db","x,y" "a""b" all trust');
  assert.deepEqual(l.fields[1]!.tokens.map(t => t.value), ['my db', 'x,y']);
  assert.equal(l.fields[2]!.tokens[0]!.value, 'a"b');
  assert.ok(l.fields[2]!.tokens[0]!.quoted);
  const e = one('host "" all all trust');
  assert.equal(e.fields[1]!.tokens[0]!.value, '');
  assert.ok(e.fields[1]!.tokens[0]!.quoted, 'an empty quoted token is still a token');
});

test('quoted keywords are flagged as quoted; a leading quote makes @ a plain name', () => {
  const l = one('host "all" all all trust');
  assert.equal(l.fields[1]!.tokens[0]!.quoted, true);
  assert.equal(l.fields[2]!.tokens[0]!.quoted, false);
  assert.deepEqual(one('host @dbs "@x" @"y z" @ all trust').fields.slice(1, 5).map(f => f.tokens[0]!.include ?? null), ['dbs', null, 'y z', null]);
});

test('an unterminated quote runs to the end of the line', () => {
  const l = one('host "unterminated all all trust');
  assert.equal(l.fields.length, 2);
  assert.equal(l.fields[1]!.tokens[0]!.value, 'unterminated all all trust');
});

test('spans: tokens keep their source range, quotes included', () => {
  const text = 'host  "a b",c  all';
  const l = one(text);
  const [a, c] = l.fields[1]!.tokens;
  assert.equal(text.slice(a!.span[0], a!.span[1]), '"a b"');
  assert.equal(text.slice(c!.span[0], c!.span[1]), 'c');
  assert.deepEqual(l.span, [0, text.length]);
});

test('CRLF, a leading BOM and a missing final newline', () => {
  assert.deepEqual(fields('\ufefflocal all all trust\r\nhost all all all md5'), [
    [['local'], ['all'], ['all'], ['trust']], [['host'], ['all'], ['all'], ['all'], ['md5']],
  ]);
  const t = '\ufefflocal all all trust\r\n';
  const l = tokenize(t, { dialect: 'pgpool' })[0]!;
  assert.equal(t.slice(l.fields[0]!.tokens[0]!.span[0], l.fields[0]!.tokens[0]!.span[1]), 'local');
});

test('physical line numbers are kept', () => {
  const lines = tokenize('# c\n\nlocal all all trust\n# d\nhost all all all md5\n', { dialect: 'pgpool' });
  assert.deepEqual(lines.map(l => l.line), [2, 4]);
});

test('pgpool: a token of 255 bytes is fine, 256 is too long (quotes and a trailing comma count)', () => {
  const d255 = 'd'.repeat(255);
  assert.equal(one(`host ${d255} all all trust`).error, undefined);
  assert.equal(one(`host ${d255}x all all trust`).error?.kind, 'token-too-long');
  assert.equal(one(`host ${d255},b all all trust`).error?.kind, 'token-too-long', 'the comma after 255 bytes is one byte too many');
  assert.equal(one(`host "${d255}" all all trust`).error?.kind, 'token-too-long', 'the closing quote is one byte too many');
  assert.equal(one(`host "${'d'.repeat(254)}" all all trust`).error, undefined);
  assert.equal(one(`host ${d255}# comment`).error, undefined, 'a comment right after 255 bytes is fine');
  assert.equal(one(`host ${'é'.repeat(128)} all all trust`).error?.kind, 'token-too-long', 'bytes, not characters');
  assert.equal(one(`host ${'é'.repeat(127)} all all trust`).error, undefined);
  const text = `host ${d255}xyz all all trust`;
  const l = one(text);
  assert.equal(text.slice(l.error!.span[0], l.error!.span[1]), `${d255}xyz`);
});

test('PostgreSQL has no token limit', () => {
  assert.equal(one(`host ${'d'.repeat(5000)} all all trust`, 'postgres').error, undefined);
});

test('pgpool: a line of 8191 bytes with its newline is too long, 8190 is fine', () => {
  const base = 'local all all trust # ';
  const make = (n: number) => base + 'x'.repeat(n - base.length);
  assert.equal(one(make(8189) + '\n').error, undefined);
  assert.equal(one(make(8190) + '\n').error?.kind, 'line-too-long');
  assert.equal(one(make(8190)).error, undefined, 'without a newline the last line may have 8190 bytes');
  assert.equal(one(make(8191)).error?.kind, 'line-too-long');
  assert.equal(one(make(8189) + '\r\n').error?.kind, 'line-too-long', 'the CR counts');
  assert.equal(one(make(8190) + '\n', 'postgres').error, undefined);
});

test('PostgreSQL joins lines ending with a backslash; pgpool keeps the backslash', () => {
  const text = 'host all all \\\n  127.0.0.1/32 \\\r\n trust\nlocal all all peer';
  const pg = tokenize(text, { dialect: 'postgres' });
  assert.deepEqual(pg.map(l => l.fields.map(f => f.tokens[0]!.value)), [['host', 'all', 'all', '127.0.0.1/32', 'trust'], ['local', 'all', 'all', 'peer']]);
  assert.deepEqual(pg.map(l => l.line), [0, 3]);
  const addr = pg[0]!.fields[3]!.tokens[0]!;
  assert.equal(text.slice(addr.span[0], addr.span[1]), '127.0.0.1/32');
  const trust = pg[0]!.fields[4]!.tokens[0]!;
  assert.equal(text.slice(trust.span[0], trust.span[1]), 'trust');
  const pool = tokenize(text, { dialect: 'pgpool' });
  assert.equal(pool[0]!.fields[3]!.tokens[0]!.value, '\\');
  // A token split by a continuation keeps a span that covers both parts.
  const split = 'host al\\\nl all all trust';
  const t = tokenize(split, { dialect: 'postgres' })[0]!.fields[1]!.tokens[0]!;
  assert.equal(t.value, 'all');
  assert.deepEqual(t.span, [5, 10]);
  // A comment that ends with a backslash swallows the next line.
  assert.equal(tokenize('local all all trust # note \\\nhost all all all md5\n', { dialect: 'postgres' }).length, 1);
  // A backslash on the very last line is dropped.
  assert.deepEqual(fields('local all all trust \\', 'postgres'), [[['local'], ['all'], ['all'], ['trust']]]);
});
