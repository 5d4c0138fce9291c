/**
 * `client_tls_ecdhcurve` (pgbouncerIni/check/curves.ts) and the time and connection-string number readings that the
 * PgBouncer 1.18.0 differential test (test/interop/pgbouncerDiff.test.ts) established: what PgBouncer refuses is an
 * error, what it starts with is not.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { check, testService } from '../helpers';

const service = testService();
const TLS = '[databases]\nd = host=127.0.0.1\n[pgbouncer]\nauth_file = userlist.txt\nclient_tls_sslmode = require\nclient_tls_key_file = k\nclient_tls_cert_file = c\n';
const found = (text: string) => check(service, '/x/pgbouncer.ini', text, { pgbouncerVersion: '1.18', checkFiles: false })
  .filter(p => p.rule.startsWith('pgbouncer-ini/')).map(p => `${p.severity} ${p.rule}`);

test('client_tls_ecdhcurve: refused names are errors, ignored curves warnings, groups libpq lacks errors', () => {
  for (const ok of ['prime256v1', 'secp384r1', 'secp521r1', 'auto', 'AUTO', 'None', '', '1.2.840.10045.3.1.7']) {
    assert.deepEqual(found(`${TLS}client_tls_ecdhcurve = ${ok}\n`), [], ok);
  }
  for (const fatal of ['P-256', 'secp256r1', 'PRIME256V1', 'x25519', 'bogus', 'prime256v1:secp384r1', 'X25519', 'sha256', 'ffdhe2048']) {
    assert.deepEqual(found(`${TLS}client_tls_ecdhcurve = ${fatal}\n`), ['error pgbouncer-ini/tls-keyword'], fatal);
  }
  assert.deepEqual(found(`${TLS}client_tls_ecdhcurve = secp112r1\n`), ['warning pgbouncer-ini/client-tls-curve']);
  for (const lonely of ['brainpoolP256r1', 'sect571r1', 'secp256k1']) {
    assert.deepEqual(found(`${TLS}client_tls_ecdhcurve = ${lonely}\n`), ['error pgbouncer-ini/client-tls-curve'], lonely);
  }
  assert.deepEqual(found(TLS.replace('require', 'disable') + 'client_tls_ecdhcurve = bogus\n'), [], 'not read with client TLS off');
  const [fix] = check(service, '/x/pgbouncer.ini', `${TLS}client_tls_ecdhcurve = P-256\n`, { pgbouncerVersion: '1.18' }).filter(p => p.rule === 'pgbouncer-ini/tls-keyword');
  assert.equal(fix?.fixes?.[0]?.edits[0]?.newText, 'prime256v1');
});

test('time values are read with strtod: inf, nan, hex and -0 pass, negatives and words do not', () => {
  const base = '[databases]\n[pgbouncer]\nauth_file = userlist.txt\n';
  for (const ok of ['30', '0.5', '1e2', 'infinity', 'inf', 'nan', '0x10', '0x1p3', '-0', '-0.0', '+5']) assert.deepEqual(found(`${base}query_timeout = ${ok}\n`), [], ok);
  for (const bad of ['-1', '-inf', '30s', 'abc', '', '1,5']) assert.deepEqual(found(`${base}query_timeout = ${bad}\n`), ['error pgbouncer-ini/invalid-value'], bad);
});

test('numbers in connection strings are read with atoi: never refused, a warning', () => {
  assert.deepEqual(found('[databases]\nd = host=127.0.0.1 pool_size=x\n[pgbouncer]\nauth_file = u\n'), ['warning pgbouncer-ini/connection-string']);
  assert.deepEqual(found('[databases]\nd = host=127.0.0.1 port=-1\n[pgbouncer]\nauth_file = u\n'), ['warning pgbouncer-ini/connection-string']);
  assert.deepEqual(found('[databases]\nd = host=127.0.0.1 port=abc\n[pgbouncer]\nauth_file = u\n'), ['error pgbouncer-ini/connection-string'], 'a port that reads as 0 is refused');
});
