/**
 * Value semantics of pgpool.conf as Pgpool-II applies them: booleans (parse_bool_with_len), integers (parse_int:
 * strtol base 0, strtod fallback, units, rint), doubles (atof, unchecked).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseBool, type PgpoolConfFile } from '../../server/src/languages/pgpoolConf/model';
import { effectiveBool } from '../../server/src/languages/pgpoolConf/effective';
import { atof, INT64_MAX, INT_MAX, parseIntValue, rint, strtod, strtol } from '../../server/src/languages/pgpoolConf/values';
import { parsePgpoolConf } from '../../server/src/languages/pgpoolConf/parse';

test('booleans: words, any case, unique prefixes, 1/0; `o` is ambiguous', () => {
  for (const v of ['on', 'ON', 'On', 'true', 'TRUE', 't', 'tr', 'tru', 'yes', 'y', 'ye', '1']) assert.equal(parseBool(v), true, v);
  for (const v of ['off', 'OFF', 'of', 'false', 'f', 'fa', 'fal', 'no', 'n', 'N', '0']) assert.equal(parseBool(v), false, v);
  for (const v of ['o', 'maybe', '2', '10', '', 'enable', 'enabled', 'onn', 'off ', ' on', 'truee', 'yess', '-1']) assert.equal(parseBool(v), undefined, JSON.stringify(v));
});

test('booleans: an invalid or missing value is ON, an absent one is the default', () => {
  const file = (text: string): PgpoolConfFile => parsePgpoolConf({ path: '/p/pgpool.conf', text, languageId: 'pgpool-conf' });
  assert.equal(effectiveBool(file('ssl = maybe\n'), 'ssl', false).value, true);
  assert.equal(effectiveBool(file('ssl\n'), 'ssl', false).value, true);
  assert.equal(effectiveBool(file('ssl =\n'), 'ssl', false).value, true);
  assert.equal(effectiveBool(file('ssl = of\n'), 'ssl', false).value, false);
  assert.equal(effectiveBool(file('port = 1\n'), 'ssl', false).value, false);
  assert.equal(effectiveBool(file('ssl = on\nssl = off\n'), 'ssl', true).value, false, 'the last one wins');
});

const int = (v: string, unit?: 's' | 'ms' | 'min' | 'B' | 'kB', max = INT_MAX) => parseIntValue(v, unit, max);

test('integers: decimal, hex, octal (leading 0), sign, blanks, quotes removed before', () => {
  assert.deepEqual(int('5432'), { ok: true, value: 5432 });
  assert.deepEqual(int('0x1F40'), { ok: true, value: 8000 });
  assert.deepEqual(int('017500'), { ok: true, value: 8000 });
  assert.deepEqual(int('0777'), { ok: true, value: 511 });
  assert.deepEqual(int('+5432'), { ok: true, value: 5432 });
  assert.deepEqual(int('-1'), { ok: true, value: -1 });
  assert.deepEqual(int(' 5432 '), { ok: true, value: 5432 });
  assert.deepEqual(int('0'), { ok: true, value: 0 });
  assert.equal(int('08').ok, false, '8 is no octal digit');
  assert.equal(int('').ok, false);
  assert.equal(int('-').ok, false);
  assert.equal(int('.').ok, false);
  assert.equal(int('abc').ok, false);
  assert.equal(int('inf').ok, false);
  assert.deepEqual(int('5432x'), { ok: false, reason: 'unit-not-allowed', unitText: 'x' });
  assert.deepEqual(int('0x'), { ok: false, reason: 'unit-not-allowed', unitText: 'x' });
});

test('integers: fractions and exponents go through strtod and are rounded half to even', () => {
  assert.deepEqual(int('1024.6'), { ok: true, value: 1025 });
  assert.deepEqual(int('5432.4'), { ok: true, value: 5432 });
  assert.deepEqual(int('2.5'), { ok: true, value: 2 });
  assert.deepEqual(int('3.5'), { ok: true, value: 4 });
  assert.deepEqual(int('1e3'), { ok: true, value: 1000 });
  assert.deepEqual(int('.5'), { ok: true, value: 0 });
  assert.equal(rint(-2.5), -2);
  assert.equal(rint(-3.5), -4);
  assert.equal(rint(0.49999), 0);
});

test('integers: units only where the parameter has one, case-sensitive, blanks allowed before and after', () => {
  assert.deepEqual(int('5min', 's'), { ok: true, value: 300, unitUsed: 'min' });
  assert.deepEqual(int('5 min', 's'), { ok: true, value: 300, unitUsed: 'min' });
  assert.deepEqual(int('300s ', 's'), { ok: true, value: 300, unitUsed: 's' });
  assert.deepEqual(int('1.5min', 's'), { ok: true, value: 90, unitUsed: 'min' });
  assert.deepEqual(int('2h', 'min'), { ok: true, value: 120, unitUsed: 'h' });
  assert.deepEqual(int('1d', 'ms'), { ok: true, value: 86400000, unitUsed: 'd' });
  assert.deepEqual(int('5ms', 's'), { ok: true, value: 0, unitUsed: 'ms' }, 'rounded to 0, accepted');
  assert.deepEqual(int('1TB', 'kB'), { ok: true, value: 1073741824, unitUsed: 'TB' });
  assert.deepEqual(int('10MB', 'kB'), { ok: true, value: 10240, unitUsed: 'MB' });
  assert.deepEqual(int('1024B', 'kB'), { ok: true, value: 1, unitUsed: 'B' });
  assert.deepEqual(int('64MB', 'B', INT64_MAX), { ok: true, value: 67108864, unitUsed: 'MB' });
  assert.deepEqual(int('5 MIN', 's'), { ok: false, reason: 'bad-unit', unitText: 'MIN' });
  assert.deepEqual(int('5 minutes', 's'), { ok: false, reason: 'bad-unit', unitText: 'minutes' });
  assert.deepEqual(int('10 mb', 'kB'), { ok: false, reason: 'bad-unit', unitText: 'mb' });
  assert.deepEqual(int('1kB', 's'), { ok: false, reason: 'bad-unit', unitText: 'kB' });
  assert.deepEqual(int('5 min x', 's'), { ok: false, reason: 'bad-unit', unitText: 'min x' });
  assert.deepEqual(int('5432ms'), { ok: false, reason: 'unit-not-allowed', unitText: 'ms' });
});

test('integers: values beyond the type are "too large"', () => {
  assert.deepEqual(int('99999999999'), { ok: false, reason: 'too-large' });
  assert.deepEqual(int('2147483647'), { ok: true, value: 2147483647 });
  assert.deepEqual(int('2147483648'), { ok: false, reason: 'too-large' });
  assert.deepEqual(int('99999999999', undefined, INT64_MAX), { ok: true, value: 99999999999 });
  assert.deepEqual(int('99999999999999999999', undefined, INT64_MAX), { ok: false, reason: 'too-large' });
  assert.deepEqual(int('3TB', 'kB'), { ok: false, reason: 'too-large' });
});

test('C number parsers', () => {
  assert.deepEqual(strtol('  -0x1f'), { value: -31, end: 7, overflow: false });
  assert.deepEqual(strtol('08'), { value: 0, end: 1, overflow: false });
  assert.deepEqual(strtol('x'), { value: 0, end: 0, overflow: false });
  assert.equal(strtod('0x1.8p1').value, 3);
  assert.equal(strtod('1e').end, 1);
  assert.equal(strtod('INF').value, Infinity);
  assert.ok(Number.isNaN(strtod('nan').value));
  assert.equal(strtod('1e999').overflow, true);
});

test('doubles (backend_weightN): atof reads a numeric prefix or 0, without complaint', () => {
  assert.deepEqual(atof('0.5'), { value: 0.5, clean: true });
  assert.deepEqual(atof('1e3'), { value: 1000, clean: true });
  assert.deepEqual(atof(' 2 '), { value: 2, clean: true });
  assert.deepEqual(atof('abc'), { value: 0, clean: false });
  assert.deepEqual(atof('5x'), { value: 5, clean: false });
  assert.deepEqual(atof(''), { value: 0, clean: false });
});
