/**
 * pool_passwd in the editor: hover says what an entry is and which logins it serves, completion offers the prefixes,
 * and no secret (password, hash, salt, key) ever appears in a hover, a message, a related place or a quick fix, on
 * any offset of a file that holds every kind of entry and every problem.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type SourceDocument } from '../../server/src/core/types';
import { testService } from '../helpers';

const service = testService();

const SALT = 'c2FsdHNhbHRzYWx0c2FsdA==';
const KEY = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
/** Every value below, as [prefix, secret]: the secret part must never be shown. */
const VALUES: [string, string, string][] = [
  ['text1', 'TEXT', 'Zq9xK7wPm4'],
  ['plain1', '', 'Hunter2Zq9x'],
  ['md51', 'md5', 'e8a48653851e28c69d0506508fb27fc5'],
  ['md5upper', 'md5', 'E8A48653851E28C69D0506508FB27FC6'],
  ['md5short', 'md5', 'e8a48653851e28c6'],
  ['aes1', 'AES', 'lJlM3wBTcV9aW0Y0BHaXBA=='],
  ['aesbad', 'AES', 'not-base64-Qw8r'],
  ['scram1', 'SCRAM-SHA-256$', `4096:${SALT}$${KEY}:${KEY}`],
  ['crlf1', 'TEXT', 'Crlf7Secret\r'],
  ['blank1', 'TEXT', 'Blank9Secret '],
  ['colon1', 'TEXT', 'Colon5Sec:retTail'],
  ['escape1', 'TEXT', 'Esc4pe\\dSecret'],
  ['long1', 'TEXT', `Long${'Q'.repeat(140)}`],
  ['prefix1', 'MD5', 'e8a48653851e28c69d0506508fb27fc7'],
  ['text1', 'TEXT', 'Dup3licateSecret'],
];
const TEXT = VALUES.map(([u, p, s]) => `${u}:${p}${s}\n`).join('') + 'lastline:TEXTNoNewline8Secret';

/** Windows of 8 characters of every secret: none may be shown anywhere. */
const WINDOWS: string[] = (() => {
  const out = new Set<string>();
  for (const [, , s] of [...VALUES, ['', '', 'NoNewline8Secret'] as [string, string, string]]) {
    const clean = s.replace(/[\r ]/g, '');
    for (let i = 0; i + 8 <= clean.length; i++) out.add(clean.slice(i, i + 8));
  }
  return [...out];
})();

function assertNoSecret(where: string, text: string | undefined): void {
  if (!text) return;
  for (const w of WINDOWS) assert.ok(!text.includes(w), `${where} shows part of a secret (${JSON.stringify(w)}): ${text}`);
}

const doc: SourceDocument = { path: '/nonexistent/pgtls/pool_passwd', text: TEXT, languageId: 'pool-passwd', version: 1 };
const parsed = service.parse(doc);

test('the fixture file is what the test means: many rules fire on it', () => {
  const rules = new Set(service.validate(doc, parsed, DEFAULT_SETTINGS).map(p => p.rule));
  for (const r of ['crlf', 'stray-blank', 'colon-in-value', 'backslash-escape', 'value-too-long', 'md5-format', 'aes-format',
    'aes-needs-key', 'scram-verifier', 'clear-text-password', 'prefix-case', 'duplicate-user', 'no-final-newline']) {
    assert.ok(rules.has(`pool-passwd/${r}`), `pool-passwd/${r} fires`);
  }
});

test('no message, related place or quick fix shows a secret', () => {
  const problems = service.validate(doc, parsed, DEFAULT_SETTINGS);
  assert.ok(problems.length > 10);
  for (const p of problems) {
    assertNoSecret(`${p.rule} message`, p.message);
    for (const r of p.related ?? []) assertNoSecret(`${p.rule} related`, r.message);
    for (const f of p.fixes ?? []) {
      assertNoSecret(`${p.rule} fix title`, f.title);
      for (const e of f.edits) assertNoSecret(`${p.rule} fix edit`, e.newText);
    }
  }
});

test('no hover, at any offset, shows a secret', () => {
  let shown = 0;
  for (let offset = 0; offset <= TEXT.length; offset++) {
    const h = service.hover(doc, parsed, offset, DEFAULT_SETTINGS);
    if (h) shown++;
    assertNoSecret(`hover at ${offset}`, h?.markdown);
  }
  assert.ok(shown > TEXT.length / 2, 'most offsets have a hover');
});

test('no completion shows a secret', () => {
  for (let offset = 0; offset <= TEXT.length; offset += 3) {
    for (const c of service.complete(doc, parsed, offset, DEFAULT_SETTINGS)) assertNoSecret('completion', `${c.label} ${c.detail} ${c.documentation}`);
  }
});

function hoverAt(text: string, marker: string): string {
  const offset = text.indexOf(marker);
  const d: SourceDocument = { path: '/nonexistent/pool_passwd', text: text.replace(marker, ''), languageId: 'pool-passwd', version: 1 };
  return service.hover(d, service.parse(d), offset, DEFAULT_SETTINGS)?.markdown ?? '';
}

test('hover on a user: the kind of entry and what it serves (the 040.client_auth matrix)', () => {
  const md5 = hoverAt('bo|b:md5e8a48653851e28c69d0506508fb27fc5\n', '|');
  assert.match(md5, /an MD5 hash/);
  assert.match(md5, /`scram-sha-256` \| ✗ "SCRAM authentication failed: pool_passwd file does not contain valid SCRAM entry for "bob""/);
  assert.match(md5, /`md5` \| ✓/);
  assert.match(md5, /only backends that use `md5`/);
  const text = hoverAt('al|ice:TEXTsecret\n', '|');
  assert.match(text, /`scram-sha-256` \| ✓/);
  const scram = hoverAt(`c|arol:SCRAM-SHA-256$4096:${SALT}$${KEY}:${KEY}\n`, '|');
  assert.match(scram, /`scram-sha-256` \| ✗ .*invalid password type/);
  assert.match(scram, /`password` \| ✗/);
  assert.match(hoverAt('a:TEXTx\na|:TEXTy\n', '|'), /Never used: .*line 1/);
  assert.match(hoverAt('#co|mment\n', '|'), /no comment syntax/);
  assert.match(hoverAt('no|colon\n', '|'), /never uses this line/);
});

test('hover on a value: its format and length, not its content', () => {
  assert.match(hoverAt('a:AES|lJlM3wBTcV9aW0Y0BHaXBA==\n', '|'), /`AES` \+ 24 base64 characters \(16 bytes\)/);
  assert.match(hoverAt('a:TEXTse|cret\n', '|'), /clear-text password of 6 bytes/);
  assert.match(hoverAt('a:md5e8a4|8653851e28c69d0506508fb27fc5\n', '|'), /`md5` \+ 32 characters/);
});

test('completion offers the prefixes right after the colon, and nothing elsewhere', () => {
  const at = (text: string, offset: number) => {
    const d: SourceDocument = { path: '/nonexistent/pool_passwd', text, languageId: 'pool-passwd', version: 1 };
    return service.complete(d, service.parse(d), offset, DEFAULT_SETTINGS).map(c => c.label);
  };
  assert.deepEqual(at('alice:\n', 6), ['TEXT', 'AES', 'md5']);
  assert.deepEqual(at('alice:T\n', 7), ['TEXT']);
  assert.deepEqual(at('alice:\n', 3), []);
  assert.deepEqual(at('#x:\n', 3), []);
  assert.deepEqual(at('alice:TEXTabc\n', 13), []);
});
