/** The OpenSSL cipher-string evaluator and the curve table, without any OpenSSL binary. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMAS } from '../helpers';
import { allowedAtSecLevel, cipherCatalog, evaluateCipherString, weaknesses } from '../../server/src/languages/pgpoolConf/check/tls/ciphers';
import { classifyCurve } from '../../server/src/languages/pgpoolConf/check/tls/curves';

const load = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(SCHEMAS, name), 'utf8'));
const cat = cipherCatalog(load('openssl-ciphers.json'));
const names = (s: string, weakBuild = false): string[] => evaluateCipherString(cat, s, { weakBuild }).suites.map(c => c.name);

test('the catalogue is cached per loaded object and has the OpenSSL 3 table', () => {
  const json = load('openssl-ciphers.json');
  assert.equal(cipherCatalog(json), cipherCatalog(json));
  assert.equal(cat.byName.get('ECDHE-RSA-AES128-GCM-SHA256')?.id, 0xc02f);
  assert.equal(cat.byName.get('DES-CBC3-SHA')?.weakBuild, true);
  assert.ok(cat.suites.every((c, i) => i === 0 || cat.suites[i - 1]!.id < c.id), 'table sorted by id');
});

test('combinations keep OpenSSL\'s default preference order', () => {
  assert.deepEqual(names('ECDHE+AESGCM'), [
    'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  ]);
  assert.deepEqual(names('ECDHE+AESGCM:@STRENGTH').slice(0, 2), ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384']);
  assert.deepEqual(names('AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256'), ['AES128-SHA', 'ECDHE-RSA-AES128-GCM-SHA256']);
  assert.deepEqual(names('AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:+AES128-SHA'), ['ECDHE-RSA-AES128-GCM-SHA256', 'AES128-SHA']);
});

test('! removes for good, - only until added again', () => {
  assert.ok(!names('HIGH:!kRSA:kRSA').some(n => cat.byName.get(n)!.kx === cat.bits.kx.kRSA));
  assert.ok(names('HIGH:-kRSA:kRSA').some(n => n === 'AES128-SHA'));
  assert.deepEqual(names('HIGH:!aNULL').filter(n => n.startsWith('ADH') || n.startsWith('AECDH')), []);
});

test('separators, DEFAULT and Suite B prefixes', () => {
  assert.deepEqual(names('HIGH;kRSA'), names('HIGH:kRSA'));
  assert.deepEqual(names('HIGH,kRSA'), names('HIGH kRSA'));
  assert.deepEqual(names('DEFAULT'), names('ALL:!COMPLEMENTOFDEFAULT:!eNULL'));
  assert.deepEqual(names('DEFAULT:!RSA'), names('ALL:!COMPLEMENTOFDEFAULT:!eNULL:!RSA'));
  assert.deepEqual(names('SUITEB128'), ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384']);
});

test('rejections: nothing matches, a bad character, a bad @ command', () => {
  for (const s of ['', 'NOTACIPHER', 'MEDIUM', 'LOW', '3DES', 'IDEA', 'TLS_AES_128_GCM_SHA256', 'HIGH+FIPS', 'high']) {
    const r = evaluateCipherString(cat, s);
    assert.equal(r.ok, false, s);
    assert.equal(r.error?.kind, 'no-match', s);
  }
  const bad = evaluateCipherString(cat, 'HIGH:!aNULL_MD5');
  assert.deepEqual([bad.ok, bad.error], [false, { kind: 'invalid-command', start: 11, end: 12 }]);
  const dangling = evaluateCipherString(cat, 'ECDHE+');
  assert.deepEqual(dangling.error, { kind: 'invalid-command', start: 5, end: 6 });
  const special = evaluateCipherString(cat, 'HIGH:@SECLEVEL=9');
  assert.deepEqual([special.ok, special.error], [false, { kind: 'bad-special', start: 5, end: 16 }]);
  assert.equal(evaluateCipherString(cat, 'HIGH:@STRENGTH+X').ok, true);
});

test('ignored words are reported with their offsets and what they were meant to do', () => {
  const r = evaluateCipherString(cat, 'HIGH:!EXPORT:RC4-SHA:+FOO:-BAR:TLS_AES_128_GCM_SHA256');
  assert.equal(r.ok, true);
  assert.deepEqual(r.ignored.map(w => [w.text, w.start, w.end, w.action]), [
    ['EXPORT', 6, 12, 'kill'], ['RC4-SHA', 13, 20, 'add'], ['FOO', 22, 25, 'order'], ['BAR', 27, 30, 'delete'], ['TLS_AES_128_GCM_SHA256', 31, 53, 'add'],
  ]);
  // After DEFAULT, offsets still point into the user's string.
  assert.deepEqual(evaluateCipherString(cat, 'DEFAULT:FOO').ignored.map(w => [w.start, w.end]), [[8, 11]]);
});

test('@SECLEVEL and the security filter', () => {
  assert.equal(evaluateCipherString(cat, 'HIGH:@SECLEVEL=3').secLevel, 3);
  const at = (name: string, level: number) => allowedAtSecLevel(cat, cat.byName.get(name)!, level);
  assert.equal(at('ADH-AES128-SHA', 0), true);
  assert.equal(at('ADH-AES128-SHA', 1), false);
  assert.equal(at('NULL-SHA256', 1), false);
  assert.equal(at('NULL-MD5', 0), true);
  assert.equal(at('DES-CBC3-SHA', 2), true);
  assert.equal(at('DES-CBC3-SHA', 3), false);
  assert.equal(at('AES128-SHA', 3), false, 'level 3 wants forward secrecy');
  assert.equal(at('ECDHE-RSA-AES128-SHA', 3), true);
  assert.equal(at('ECDHE-RSA-AES256-SHA', 4), false, 'no SHA-1 MAC from level 4');
  assert.equal(at('ECDHE-RSA-AES256-GCM-SHA384', 4), true);
});

test('builds with weak ciphers add 3DES to MEDIUM (Pgpool-II\'s default list)', () => {
  assert.deepEqual(names('HIGH:MEDIUM:+3DES:!aNULL').filter(n => n.includes('DES')), []);
  const weak = names('HIGH:MEDIUM:+3DES:!aNULL', true).filter(n => n.includes('DES'));
  assert.ok(weak.includes('DES-CBC3-SHA') && weak.includes('ECDHE-RSA-DES-CBC3-SHA') && !weak.includes('ADH-DES-CBC3-SHA'));
  const tail = names('HIGH:MEDIUM:+3DES:!aNULL', true).slice(-weak.length);
  assert.deepEqual(tail.sort(), [...weak].sort(), '+3DES moves them to the end');
  assert.deepEqual(weaknesses(cat, cat.byName.get('ADH-DES-CBC3-SHA')!), ['3DES', 'no authentication']);
  assert.deepEqual(weaknesses(cat, cat.byName.get('NULL-MD5')!), ['no encryption', 'MD5']);
});

test('ssl_ecdh_curve names: OBJ_sn2nid short names, EC_KEY curves, TLS groups', () => {
  const curves = load('openssl-curves.json');
  assert.deepEqual(classifyCurve(curves, 'prime256v1'), { kind: 'ok' });
  assert.deepEqual(classifyCurve(curves, 'secp384r1'), { kind: 'ok' });
  assert.deepEqual(classifyCurve(curves, 'brainpoolP256r1'), { kind: 'ok' });
  assert.deepEqual(classifyCurve(curves, 'P-256'), { kind: 'unknown', suggestion: 'prime256v1' });
  assert.deepEqual(classifyCurve(curves, 'secp256r1'), { kind: 'unknown', suggestion: 'prime256v1' });
  assert.deepEqual(classifyCurve(curves, 'PRIME256V1'), { kind: 'unknown', suggestion: 'prime256v1' });
  assert.deepEqual(classifyCurve(curves, 'X25519'), { kind: 'not-ec' });
  assert.deepEqual(classifyCurve(curves, 'ffdhe2048'), { kind: 'not-ec' });
  assert.deepEqual(classifyCurve(curves, 'secp112r1'), { kind: 'not-tls-group' });
  assert.deepEqual(classifyCurve(curves, 'SM2'), { kind: 'not-tls-group' });
  assert.equal(classifyCurve(curves, '').kind, 'unknown');
});
