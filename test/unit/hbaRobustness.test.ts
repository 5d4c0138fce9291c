/**
 * The HBA languages never throw and stay linear: random bytes, a 10 MB file, 100k lines, CRLF, a BOM, huge lines,
 * long continuation chains. Results are asserted; time is not.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type LanguageId, type SourceDocument } from '../../server/src/core/types';
import { check, testService, prng } from '../helpers';

const service = testService();
const POOL = '/nonexistent/pool_hba.conf';
const PG = '/nonexistent/pg_hba.conf';


function everything(lang: LanguageId, text: string): void {
  const doc: SourceDocument = { path: lang === 'pool-hba' ? POOL : PG, text, languageId: lang, version: 1 };
  const parsed = service.parse(doc);
  const problems = service.validate(doc, parsed, DEFAULT_SETTINGS);
  assert.ok(!problems.some(p => p.rule === 'pgtls/internal-error'), problems.find(p => p.rule === 'pgtls/internal-error')?.message);
  for (const p of problems) assert.ok(p.span[0] >= 0 && p.span[0] <= p.span[1] && p.span[1] <= text.length, `span ${p.span} in ${text.length}`);
  for (const off of [0, 1, Math.floor(text.length / 2), text.length - 1, text.length]) {
    service.hover(doc, parsed, Math.max(0, off), DEFAULT_SETTINGS);
    service.complete(doc, parsed, Math.max(0, off), DEFAULT_SETTINGS);
  }
}

test('random bytes and random HBA-like text never throw', () => {
  const rnd = prng(42);
  const alphabet = 'host local all ,,"" # @ / \\ = \t\r\n10.0.0.1/8 ::1 cert md5 ldap ldapurl=ldap:// é€😀\u0000\ufeff';
  for (let i = 0; i < 300; i++) {
    let s = '';
    const n = Math.floor(rnd() * 400);
    for (let k = 0; k < n; k++) {
      s += rnd() < 0.5 ? alphabet[Math.floor(rnd() * alphabet.length)] : String.fromCharCode(Math.floor(rnd() * 0xffff));
    }
    everything('pool-hba', s);
    everything('pg-hba', s);
  }
});

test('every prefix of a realistic file', () => {
  const text = '\ufeff# TYPE DATABASE USER ADDRESS METHOD\r\nlocal all postgres peer\r\nhostssl "my db",b @users 10.0.0.1 255.0.0.0 ldap ldapurl="ldaps://h/dc=x?uid" \\\r\n  ldaptls=1\r\nhost all all fe80::1%eth0/64 cert clientcert=verify-full\n';
  for (let i = 0; i <= text.length; i++) {
    everything('pool-hba', text.slice(0, i));
    everything('pg-hba', text.slice(0, i));
  }
});

test('a 10 MB file of 200 000 valid lines gives no problem', () => {
  // Distinct client addresses: 200 000 copies of one line would all but the first be unreachable (pool-hba/unreachable-line).
  const line = (i: number) => `hostssl all all 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 scram-sha-256 # application servers\n`;
  const text = Array.from({ length: 200_000 }, (_, i) => line(i)).join('');
  assert.ok(text.length > 10_000_000);
  assert.deepEqual(check(service, POOL, text), []);
  assert.deepEqual(check(service, PG, text), []);
});

test('100 000 bad lines give one problem each', () => {
  const text = 'hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=verify-full\n'.repeat(100_000);
  const problems = check(service, POOL, text, { maxProblems: 1_000_000 }); // every one, not the first pgtls.maxProblems
  assert.equal(problems.length, 100_000);
  assert.ok(problems.every(p => p.rule === 'pool-hba/unknown-option'));
});

test('CRLF and a BOM: same findings and columns as LF', () => {
  const lf = 'hostssl all all 10.0.0.0/8 MD5\nhost all all 10.0.0.1/8 scram-sha-256\n';
  const crlf = '\ufeff' + lf.replace(/\n/g, '\r\n');
  const a = check(service, POOL, lf).map(p => p.rule);
  const b = check(service, POOL, crlf).map(p => p.rule);
  assert.deepEqual(b, a);
  assert.ok(a.includes('pool-hba/invalid-method') && a.includes('pool-hba/host-bits-set'));
  const md5 = check(service, POOL, crlf).find(p => p.rule === 'pool-hba/invalid-method')!;
  assert.equal(crlf.slice(md5.span[0], md5.span[1]), 'MD5');
});

test('one 10 MB line, and a 100 000-line continuation chain', () => {
  const huge = `host all all all trust # ${'x'.repeat(10_000_000)}`;
  assert.deepEqual(check(service, POOL, huge).map(p => p.rule), ['pool-hba/line-too-long']);
  assert.ok(!check(service, PG, huge).some(p => p.severity === 'error'));
  const chain = 'hostssl all all 10.0.0.0/8 \\\n'.repeat(1) + 'ldap \\\n'.repeat(100_000) + '\n';
  const ps = check(service, PG, chain);
  assert.deepEqual(ps.map(p => p.rule), ['pg-hba/option-format']);
  const token = 'd'.repeat(100_000);
  assert.deepEqual(check(service, POOL, `hostssl ${token} all 10.0.0.0/8 scram-sha-256\n`).map(p => p.rule), ['pool-hba/line-too-long'], 'pgpool cuts the line before it looks at tokens');
  assert.deepEqual(check(service, POOL, `hostssl ${token.slice(0, 300)} all 10.0.0.0/8 scram-sha-256\n`).map(p => p.rule), ['pool-hba/token-too-long']);
  assert.deepEqual(check(service, PG, `hostssl ${token} all 10.0.0.0/8 scram-sha-256\n`), []);
});

test('empty, blank and comment-only files: no entries', () => {
  for (const text of ['', '\n\n', '   \t\r\n', '# nothing\n  # here\n', '\ufeff']) {
    assert.deepEqual(check(service, POOL, text).map(p => p.rule), ['pool-hba/no-entries'], JSON.stringify(text));
    assert.deepEqual(check(service, PG, text).map(p => p.rule), ['pg-hba/no-entries'], JSON.stringify(text));
  }
  assert.deepEqual(check(service, POOL, 'hostssl all all 10.0.0.0/8 MD5\n').map(p => p.rule), ['pool-hba/invalid-method'], 'no "no entries" on top of a rejected line');
});
