/**
 * PgBouncer's auth_file (pgbouncer-userlist) and auth_hba_file (pgbouncer-hba): how the parsers read lines the way
 * src/loader.c and src/hba.c do, what each entry serves, that no message or hover shows a secret, and that hostile
 * input never throws.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { SourceDocument } from '../../server/src/core/types';
import { DEFAULT_SETTINGS } from '../../server/src/core/types';
import { classify, parseScramSecret, serves } from '../../server/src/languages/pgbouncerUserlist/catalogue';
import { parseUserlist } from '../../server/src/languages/pgbouncerUserlist/parse';
import { parseBouncerHba } from '../../server/src/languages/hba/bouncer/parse';
import { check, prng, testService } from '../helpers';

const service = testService();
const PATH = '/nonexistent/pgtls/userlist.txt';
const parse = (text: string) => parseUserlist({ path: PATH, text, languageId: 'pgbouncer-userlist', version: 1 });
const rules = (text: string, path = PATH) => check(service, path, text).map(p => p.rule);
const KEY = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
const SCRAM = `SCRAM-SHA-256$4096:c2FsdHNhbHQ=$${KEY}:${KEY}`;
const md5 = (pw: string, u: string) => `md5${createHash('md5').update(pw + u).digest('hex')}`;

test('quotes: a doubled quote is a literal quote in a user name and a password', () => {
  const f = parse('"a""b" "p""w"\n');
  assert.equal(f.entries[0]!.user.value, 'a"b');
  assert.equal(f.entries[0]!.password.value, 'p"w');
  assert.equal(f.stop, undefined);
});

test('; comments and blank lines are skipped; # stops the reading and the lost users are named', () => {
  const f = parse(`; users\n\n  "alice" "${SCRAM}"\n# bob\n"bob" "${SCRAM}"\n`);
  assert.deepEqual(f.entries.map(e => e.user.value), ['alice']);
  assert.equal(f.stop?.reason, 'not-quoted');
  const p = check(service, PATH, `"alice" "${SCRAM}"\n# bob\n"bob" "${SCRAM}"\n"carol" "${SCRAM}"\n`);
  assert.deepEqual(p.map(x => x.rule), ['pgbouncer-userlist/broken-file']);
  assert.match(p[0]!.message, /2 users "bob", "carol"/);
});

test('a user without a password takes the next line\'s first string as its password and swallows that line', () => {
  const f = parse(`"g"\n"pw" "x"\n"h" "${SCRAM}"\n`);
  assert.deepEqual(f.entries.map(e => [e.user.value, e.password.value]), [['g', 'pw'], ['h', SCRAM]]);
  assert.deepEqual(rules(`"g"\n"pw" "x"\n`), ['pgbouncer-userlist/missing-password']);
});

test('the last entry of a user wins; text after the password is ignored', () => {
  const f = parse(`"f" "x" trailing\n"f" "${SCRAM}"\n`);
  assert.equal(f.effective.get('f')!.password.value, SCRAM);
  assert.equal(f.entries[0]!.rest !== undefined, true);
});

test('limits: a user name of 128 raw bytes or a password of 2048 stops the reading', () => {
  assert.equal(parse(`"${'u'.repeat(127)}" "x"\n`).stop, undefined);
  assert.equal(parse(`"${'u'.repeat(128)}" "x"\n`).stop?.reason, 'user-too-long');
  assert.equal(parse(`"u" "${'p'.repeat(2047)}"\n`).stop, undefined);
  assert.equal(parse(`"u" "${'p'.repeat(2048)}"\n`).stop?.reason, 'password-too-long');
  // a doubled quote counts two raw bytes
  assert.equal(parse(`"${'""'.repeat(64)}" "x"\n`).stop?.reason, 'user-too-long');
});

test('get_password_type: md5 + 32 lower-case hex, a SCRAM secret parse_scram_secret accepts, else clear text', () => {
  assert.equal(classify(md5('pw', 'u')), 'md5');
  assert.equal(classify(md5('pw', 'u').toUpperCase()), 'plain');
  assert.equal(classify(`md5${'A'.repeat(32)}`), 'plain');
  assert.equal(classify(SCRAM), 'scram');
  // strtok skips leading delimiters
  assert.equal(classify(`$${SCRAM}`), 'scram');
  assert.equal(classify(SCRAM.replace('4096', '4096x')), 'plain');
  assert.equal(classify(SCRAM.replace(`$${KEY}`, '$aGFzaA==')), 'plain');
  assert.equal(classify('scram-sha-256' + SCRAM.slice(13)), 'plain');
  assert.equal(classify(''), 'empty');
  assert.deepEqual(parseScramSecret(SCRAM.replace('4096', '-1')), { iterations: -1 });
});

test('serves: what each entry lets a client log in with (observed with PgBouncer 1.18.0)', () => {
  const ok = (k: Parameters<typeof serves>[0], m: Parameters<typeof serves>[1]) => serves(k, m).ok;
  assert.deepEqual(['scram-sha-256', 'md5', 'plain', 'trust'].map(m => ok('plain', m as never)), [true, true, true, true]);
  assert.deepEqual(['scram-sha-256', 'md5', 'plain', 'trust'].map(m => ok('md5', m as never)), [false, true, true, true]);
  assert.deepEqual(['scram-sha-256', 'md5', 'plain', 'trust'].map(m => ok('scram', m as never)), [true, true, true, true]);
  assert.deepEqual(['scram-sha-256', 'md5', 'plain', 'trust'].map(m => ok('empty', m as never)), [false, false, false, true]);
  assert.deepEqual(['scram-sha-256', 'md5', 'plain', 'trust'].map(m => ok(undefined, m as never)), [false, false, false, false]);
});

test('no message or hover shows a password, hash, salt or key', () => {
  const secret = 'Sup3rS3cretValue';
  const hash = md5(secret, 'bob');
  const text = [`"alice" "${secret}"`, `"bob" "${hash}"`, `"carol" "${SCRAM}"`, `"dave" "${hash.toUpperCase()}"`,
    `"erin" "${SCRAM.replace(KEY, 'aGFzaA==')}"`, `"frank" "${secret}`, ''].join('\n');
  const doc: SourceDocument = { path: PATH, text, languageId: 'pgbouncer-userlist', version: 1 };
  const parsed = service.parse(doc);
  const out = service.validate(doc, parsed, DEFAULT_SETTINGS).map(p => p.message);
  for (let o = 0; o <= text.length; o += 3) {
    const h = service.hover(doc, parsed, o, DEFAULT_SETTINGS);
    if (h) out.push(h.markdown);
  }
  assert.ok(out.length > 5);
  for (const s of [secret, hash.slice(3), hash.slice(3).toUpperCase(), KEY, 'c2FsdHNhbHQ=', 'aGFzaA==']) {
    assert.ok(!out.some(m => m.includes(s)), `a message or hover shows ${s}`);
  }
});

test('hostile input never throws and stays linear', () => {
  const rnd = prng(9);
  const alphabet = '"; \t\n\r#$:=abcmd5SCRAM-SHA-256\u00e9\ufeff\0';
  for (let n = 0; n < 300; n++) {
    let t = '';
    for (let i = 0, len = Math.floor(rnd() * 200); i < len; i++) t += alphabet[Math.floor(rnd() * alphabet.length)];
    check(service, PATH, t);
    check(service, '/nonexistent/pgtls/pgbouncer_hba.conf', t);
  }
  check(service, PATH, '"'.repeat(200_000));
  check(service, PATH, `"u" "${'x'.repeat(3_000_000)}`);
  check(service, PATH, `"alice" "${SCRAM}"\n`.repeat(50_000));
});

test('auth_hba_file: the tokens and lines PgBouncer 1.18 reads', () => {
  const f = parseBouncerHba([
    'host  app , web  all 127.0.0.1/32 md5', // blanks around commas are fine
    'host all all 127.0.0.1/ trust', // an empty mask is /0: loaded, and never matches (host bits set)
    'host all all 127.0.0.1/+32 trust',
    'host "all" all ::1/128 scram-sha-256',
    'host all all 127.0.0.1/32 md5 # a comment',
    'local all all peer',
  ].join('\n'), '/x/pgbouncer_hba.conf');
  assert.equal(f.skipped, 0);
  assert.deepEqual(f.records[0]!.databases.map(t => t.value), ['app', 'web']);
  assert.equal(f.records[1]!.address!.bits, 0);
  assert.deepEqual(f.problems.map(p => p.rule.id), ['pgbouncer-hba/address-never-matches']);
  assert.equal(f.records[3]!.databases[0]!.quoted, true);
  const skipped = parseBouncerHba(['host all all 127.1/32 md5', 'host all all 127.0.0.1/-1 md5', 'host all all 127.0.0.1/32 MD5',
    'host all all 127.0.0.1/32 md5 map=x', 'host all all localhost md5', 'host all samerole 127.0.0.1/32 md5', 'host all "unclosed 127.0.0.1/32 md5'].join('\n'), '/x');
  assert.equal(skipped.skipped, 7);
  assert.equal(skipped.records.length, 0);
});
