/**
 * The pool_passwd parser reads lines the way Pgpool-II's pool_passwd.c does (user name up to the first unescaped
 * colon, backslash escapes, 128-byte values, 1023-byte fgets pieces, the first non-empty entry wins), and survives
 * hostile input: binary, huge, CRLF, a BOM, no final newline, random noise. Each case names what Pgpool-II 4.3.5 did
 * with it (observed in front of PostgreSQL 15, see the language's catalogue.ts).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type Problem } from '../../server/src/core/types';
import { parsePoolPasswd } from '../../server/src/languages/poolPasswd/parse';
import type { PoolPasswdFile } from '../../server/src/languages/poolPasswd/model';
import { testService } from '../helpers';

const parse = (text: string): PoolPasswdFile => parsePoolPasswd({ path: '/nonexistent/pool_passwd', text, languageId: 'pool-passwd' });
const service = testService();
const registered = new Set(service.rules().map(r => r.id));

function validate(text: string): Problem[] {
  const doc = { path: '/nonexistent/pgtls/pool_passwd', text, languageId: 'pool-passwd' as const, version: 1 };
  const parsed = service.parse(doc);
  const problems = service.validate(doc, parsed, DEFAULT_SETTINGS);
  for (const p of problems) {
    assert.ok(registered.has(p.rule), `unregistered rule ${p.rule}`);
    assert.ok(p.span[0] >= 0 && p.span[0] <= p.span[1] && p.span[1] <= text.length, `span ${p.span} outside text of ${text.length}`);
    assert.notEqual(p.rule, 'pgtls/internal-error', p.message);
  }
  for (const offset of [0, Math.floor(text.length / 3), Math.floor(text.length / 2), text.length]) {
    service.hover(doc, parsed, offset, DEFAULT_SETTINGS);
    service.complete(doc, parsed, offset, DEFAULT_SETTINGS);
  }
  return problems;
}

const kinds = (f: PoolPasswdFile): Record<string, string | undefined> =>
  Object.fromEntries([...f.effective].map(([u, e]) => [u, e.value?.kind]));

test('user:value, classified by prefix as get_password_type does', () => {
  const f = parse([
    'a:md5' + '0'.repeat(32), 'b:md5' + '0'.repeat(31), 'c:AESxyz', 'd:SCRAM-SHA-256$4096:s$k:k', 'e:TEXTpw', 'f:pw', 'g:text',
  ].join('\n') + '\n');
  assert.deepEqual(kinds(f), { a: 'md5', b: 'plain', c: 'aes', d: 'scram', e: 'text', f: 'plain', g: 'plain' });
});

test('the first entry with a value wins; an empty value is skipped (obs: s_empty, s_dup)', () => {
  const f = parse('u:\nu:TEXTone\nu:TEXTtwo\n');
  assert.equal(f.effective.get('u')!.line, 1);
  assert.equal(f.effective.get('u')!.value!.text, 'TEXTone');
});

test('backslash escapes: \\: is a colon, \\\\ a backslash, any other backslash is dropped (obs: s_esc, s_bs)', () => {
  const f = parse('a\\:b:TEXTp\\:w\nc:TEXTa\\b\nd:TEXTa\\\\b\ne:TEXTab\\\n');
  assert.equal(f.effective.get('a:b')!.value!.text, 'TEXTp:w');
  assert.equal(f.effective.get('c')!.value!.text, 'TEXTab');
  assert.equal(f.effective.get('d')!.value!.text, 'TEXTa\\b');
  assert.equal(f.effective.get('e')!.value!.text, 'TEXTab', 'a trailing backslash ends the value');
});

test('an unescaped colon ends the value (obs: s_colon logs in with "p", not "p:w")', () => {
  const v = parse('u:TEXTp:w\n').effective.get('u')!.value!;
  assert.equal(v.text, 'TEXTp');
  assert.equal(v.colonAt, 7);
});

test('a value is read up to 128 bytes (obs: s_long logs in with the first 124 characters after TEXT)', () => {
  const v = parse(`u:TEXT${'x'.repeat(130)}\n`).effective.get('u')!.value!;
  assert.equal(v.bytes, 128);
  assert.equal(v.text, `TEXT${'x'.repeat(124)}`);
  assert.equal(v.truncated, true);
  assert.equal(v.writtenBytes, 134);
  const exact = parse(`u:TEXT${'x'.repeat(124)}\n`).effective.get('u')!.value!;
  assert.equal(exact.truncated, false);
  // Multi-byte characters count in bytes: 43 × 3 = 129 > 128.
  const wide = parse(`u:${'€'.repeat(43)}\n`).effective.get('u')!.value!;
  assert.equal(wide.truncated, true);
  assert.equal(wide.bytes, 126);
});

test('lines without a colon, blank lines and # lines are not entries of real users', () => {
  const f = parse('\n   \n\r\nnocolon\n# alice:TEXTx\n#bob:TEXTy\n');
  assert.deepEqual([...f.effective.keys()], ['# alice', '#bob']);
  assert.ok(f.entries.filter(e => e.user?.startsWith('#')).every(e => e.inert));
  assert.equal(f.entries.find(e => e.user === undefined)!.span[0], 7);
});

test('CRLF: the carriage return stays in the value (obs: s_crlf, m_crlf, s_aescrlf all fail)', () => {
  const f = parse('u:TEXTpw\r\nm:md5' + 'a'.repeat(32) + '\r\n');
  assert.equal(f.effective.get('u')!.value!.text, 'TEXTpw\r');
  assert.equal(f.effective.get('u')!.cr, true);
  assert.equal(f.effective.get('m')!.value!.kind, 'plain', '36 bytes: no longer an md5 entry');
  const rules = validate('u:TEXTpw\r\nm:md5' + 'a'.repeat(32) + '\r\n').filter(p => p.severity !== 'info').map(p => p.rule);
  assert.deepEqual(rules, ['pool-passwd/crlf', 'pool-passwd/crlf']);
});

test('a BOM is part of the first user name (obs: s_bom has no entry)', () => {
  const f = parse('\uFEFFalice:TEXTpw\nbob:TEXTpw\n');
  assert.ok(f.bom);
  assert.deepEqual([...f.effective.keys()], ['\uFEFFalice', 'bob']);
  assert.deepEqual(validate('\uFEFFalice:TEXTpw\n').map(p => p.rule), ['pool-passwd/byte-order-mark']);
  assert.deepEqual(validate('\uFEFF# users\nalice:TEXTpw\n').map(p => p.rule), [], 'harmless before a # line');
});

test('no newline at the end: the last entry is read, and pg_md5 would glue the next one to it', () => {
  const f = parse('a:TEXTx\nb:TEXTy');
  assert.equal(f.finalNewline, false);
  assert.equal(f.effective.get('b')!.value!.text, 'TEXTy');
  const p = validate('a:TEXTx\nb:TEXTy');
  assert.deepEqual(p.map(x => x.rule), ['pool-passwd/no-final-newline']);
  assert.deepEqual(p[0]!.fixes?.[0]?.edits, [{ span: [15, 15], newText: '\n' }]);
});

test('a line of more than 1023 bytes is read in pieces of 1023 bytes, each a line of its own', () => {
  const line = `${'u'.repeat(1030)}:TEXTx`;
  const f = parse(`${line}\nalice:TEXTpw\n`);
  assert.equal(f.longLines.length, 1);
  assert.equal(f.longLines[0]!.cut, 1023);
  const pieces = f.entries.filter(e => e.line === 0);
  assert.deepEqual(pieces.map(e => [e.piece, e.user]), [[0, undefined], [1, 'uuuuuuu']]);
  const exactly = parse(`${'u'.repeat(1018)}:TEXT\n`);
  assert.equal(exactly.longLines.length, 0, '1023 bytes still fit one read');
  // Multi-byte: 400 × 3 bytes = 1200 bytes in 400 UTF-16 units.
  assert.equal(parse(`${'€'.repeat(400)}\n`).longLines.length, 1);
});

test('hostile input: binary gives one pgtls/binary-file warning', () => {
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
  assert.deepEqual(validate(bytes.toString('latin1')).map(p => p.rule), ['pgtls/binary-file']);
});

test('hostile input: empty, blanks, lone separators and escapes never throw', () => {
  for (const t of ['', '\n', ':', '::', '\\', '\\\n', ':\\', 'a:\\', '\r', '\r\r\n', '\uFEFF', '\uFEFF:', '#', '\t:\t', 'a:b:c:d:e', '\uD800:\uDC00']) {
    parse(t);
    validate(t);
  }
});

test('hostile input: a huge file parses and validates in one pass', () => {
  const line = 'user_0000:md5' + 'ab'.repeat(16) + '\n';
  const text = Array.from({ length: 20_000 }, (_, i) => line.replace('0000', String(i).padStart(5, '0'))).join('');
  const f = parse(text);
  assert.equal(f.effective.size, 20_000);
  assert.deepEqual(validate(text).map(p => p.rule), ['pool-passwd/md5-backend-login'], 'one note for the whole file');
  // One single line of a megabyte: split into fgets pieces, no quadratic work.
  const one = `u:TEXT${'x'.repeat(1_000_000)}\n`;
  assert.equal(parse(one).longLines.length, 1);
  validate(one);
});

test('hostile input: random printable noise', () => {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0) / 2 ** 32);
  const alphabet = 'ab:\\#$ \t\r\nmd5AESTEXTSCRAM-SHA-256=/+\u00e9\u4e2d\uFEFF';
  for (let n = 0; n < 300; n++) {
    let t = '';
    const len = Math.floor(rnd() * 400);
    for (let i = 0; i < len; i++) t += alphabet[Math.floor(rnd() * alphabet.length)];
    validate(t);
  }
});

test('shapes seen in public repositories: templates filled in at start stay silent, quotes are flagged', () => {
  // An entrypoint renders the file with envsubst (shape of valent-network/pgpool2's pool_passwd).
  assert.deepEqual(validate('$PGPOOL_USER:$PGPOOL_PASSWORD_HASH\n${ADMIN_USER}:${ADMIN_PASSWORD}\napp:{{ .Values.password }}\n'), []);
  // A note written as a comment, then a quoted clear-text password, no final newline (shape of sefaun/pg-replication).
  const rules = validate('# user: app, password: see vault\napp:"s3cret"').map(p => `${p.rule} ${p.severity}`);
  assert.deepEqual(rules, ['pool-passwd/quoted-value warning', 'pool-passwd/no-final-newline warning']);
  // Quotes around an MD5 hash hide its prefix: the hash becomes a clear-text password.
  assert.deepEqual(validate(`app:'md5${'0'.repeat(32)}'\n`).map(p => `${p.rule} ${p.severity}`), ['pool-passwd/quoted-value error']);
});
