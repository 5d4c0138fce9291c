/**
 * certs/validity.ts: the dates of --not-before/--not-after (absolute and relative), the defaults around them, the
 * refusals (end before start always; expired or not yet valid unless allowed) and the cut at the CA's expiry, also
 * through the generator (createCa/issueServer take the same options).
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { CertError, createCa, issueClient, issueServer } from '../../server/src/certs/generate';
import { CLOCK_SKEW_MS, DAY_MS, parseDateSpec, resolveValidity } from '../../server/src/certs/validity';

const crypto = nodeCrypto.webcrypto as unknown as Crypto;
const NOW = new Date('2030-06-15T12:00:00Z');
const isCertError = (re: RegExp) => (e: unknown) => e instanceof CertError && re.test(e.message);

describe('parseDateSpec', () => {
  test('relative times: sign, units h d w y, no sign means later', () => {
    assert.equal(parseDateSpec('-30d', NOW, 'x').toISOString(), '2030-05-16T12:00:00.000Z');
    assert.equal(parseDateSpec('+2y', NOW, 'x').toISOString(), new Date(NOW.getTime() + 730 * DAY_MS).toISOString());
    assert.equal(parseDateSpec('12h', NOW, 'x').toISOString(), '2030-06-16T00:00:00.000Z');
    assert.equal(parseDateSpec('1w', NOW, 'x').toISOString(), '2030-06-22T12:00:00.000Z');
    assert.equal(parseDateSpec(' -0d ', NOW, 'x').toISOString(), NOW.toISOString());
  });
  test('absolute dates: a day is midnight UTC, ISO 8601 with zone, without zone read as UTC', () => {
    assert.equal(parseDateSpec('2031-01-31', NOW, 'x').toISOString(), '2031-01-31T00:00:00.000Z');
    assert.equal(parseDateSpec('2031-01-31T12:30:00Z', NOW, 'x').toISOString(), '2031-01-31T12:30:00.000Z');
    assert.equal(parseDateSpec('2031-01-31T12:30:00+02:00', NOW, 'x').toISOString(), '2031-01-31T10:30:00.000Z');
    assert.equal(parseDateSpec('2031-01-31T12:30:00.999-0130', NOW, 'x').toISOString(), '2031-01-31T14:00:00.000Z');
    assert.equal(parseDateSpec('2031-01-31T12:30', NOW, 'x').toISOString(), '2031-01-31T12:30:00.000Z');
  });
  test('refuses what it cannot read, impossible dates and ambiguous units, naming the forms', () => {
    for (const bad of ['', 'tomorrow', '30', '-30m', '2031-02-30', '2031-13-01', '2031-01-01T25:00Z', '31/01/2031', '--5d', '1e3d']) {
      assert.throws(() => parseDateSpec(bad, NOW, '--not-after'), isCertError(/--not-after: (cannot read|.* is not a calendar date)/), bad);
    }
    assert.throws(() => parseDateSpec('soon', NOW, 'x'), isCertError(/-30d, \+2y, 12h/));
  });
  test('never echoes pasted key material', () => {
    const pasted = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----';
    assert.throws(() => parseDateSpec(pasted, NOW, 'x'), (e: unknown) => e instanceof CertError && !e.message.includes('MIGH') && /a value of \d+ characters/.test(e.message));
  });
});

describe('resolveValidity', () => {
  test('default: 5 minutes of clock skew, then the default number of days', () => {
    const v = resolveValidity({}, NOW, 397, 'leaf');
    assert.equal(v.notBefore.getTime(), NOW.getTime() - CLOCK_SKEW_MS);
    assert.equal(v.notAfter.getTime(), NOW.getTime() + 397 * DAY_MS);
    assert.equal(v.clamped, undefined);
  });
  test('only not-before: the period lasts days (or the default) from it', () => {
    const v = resolveValidity({ notBefore: '-30d', days: 10, allowInvalidDates: true }, NOW, 397, 'leaf');
    assert.equal(v.notBefore.toISOString(), '2030-05-16T12:00:00.000Z');
    assert.equal(v.notAfter.toISOString(), '2030-05-26T12:00:00.000Z');
    const backdated = resolveValidity({ notBefore: '-30d' }, NOW, 397, 'leaf');
    assert.equal(backdated.notAfter.getTime(), backdated.notBefore.getTime() + 397 * DAY_MS);
  });
  test('expired and not-yet-valid periods are refused unless allowed, with the flag to pass', () => {
    assert.throws(() => resolveValidity({ notAfter: '-1d' }, NOW, 397, 'server certificate'), isCertError(/^server certificate: it would be expired already .*--allow-invalid-dates/));
    assert.throws(() => resolveValidity({ notBefore: '+1d' }, NOW, 397, 'leaf'), isCertError(/would not be valid yet .*--allow-invalid-dates/));
    const expired = resolveValidity({ notAfter: '-1d', allowInvalidDates: true }, NOW, 397, 'leaf');
    assert.equal(expired.notAfter.toISOString(), '2030-06-14T12:00:00.000Z');
    assert.equal(expired.notBefore.getTime(), expired.notAfter.getTime() - 397 * DAY_MS, 'an expired certificate starts days before its end');
    const future = resolveValidity({ notBefore: '2031-01-01', allowInvalidDates: true, days: 30 }, NOW, 397, 'leaf');
    assert.equal(future.notAfter.toISOString(), '2031-01-31T00:00:00.000Z');
  });
  test('not-after before (or at) not-before is always refused, even when invalid dates are allowed', () => {
    for (const allowInvalidDates of [false, true]) {
      assert.throws(() => resolveValidity({ notBefore: '2031-01-02', notAfter: '2031-01-01', allowInvalidDates }, NOW, 397, 'leaf'), isCertError(/not-after .* must come after not-before/));
      assert.throws(() => resolveValidity({ notBefore: '2029-01-01', notAfter: '2029-01-01', allowInvalidDates }, NOW, 397, 'leaf'), isCertError(/must come after/));
    }
  });
  test('--days with both dates is a contradiction; days out of range are refused as before', () => {
    assert.throws(() => resolveValidity({ days: 5, notBefore: '-1d', notAfter: '+1d' }, NOW, 397, 'leaf'), isCertError(/not all three/));
    assert.throws(() => resolveValidity({ days: 0 }, NOW, 397, 'leaf'), isCertError(/days must be a whole number from 1 to 36500/));
  });
  test('a leaf never outlives its CA: cut to the CA\'s notAfter, and the cut is reported', () => {
    const caEnd = new Date('2031-01-01T00:00:00Z');
    const v = resolveValidity({ notAfter: '+5y' }, NOW, 397, 'leaf', caEnd);
    assert.equal(v.notAfter.toISOString(), caEnd.toISOString());
    assert.equal(v.clamped?.getTime(), NOW.getTime() + 5 * 365 * DAY_MS);
    assert.equal(resolveValidity({ notAfter: '+30d' }, NOW, 397, 'leaf', caEnd).clamped, undefined);
  });
  test('dates outside 1950..9999 are refused', () => {
    assert.throws(() => resolveValidity({ notBefore: '1949-12-31', notAfter: '2031-01-01' }, NOW, 397, 'leaf'), isCertError(/between the years 1950 and 9999/));
  });
});

describe('the generator takes the dates', () => {
  test('a CA and leaves with chosen dates; a leaf past the CA is cut and carries a note', async () => {
    const ca = await createCa({ commonName: 'dated CA', now: NOW, crypto, notBefore: '-10d', notAfter: '2031-06-15' });
    assert.equal(ca.cert.notBefore.toISOString(), '2030-06-05T12:00:00.000Z');
    assert.equal(ca.cert.notAfter.toISOString(), '2031-06-15T00:00:00.000Z');
    assert.equal(ca.notes, undefined);
    const server = await issueServer(ca, { commonName: 'db', now: NOW, crypto, notAfter: '+3y' });
    assert.equal(server.cert.notAfter.toISOString(), '2031-06-15T00:00:00.000Z');
    assert.match(server.notes?.[0] ?? '', /server certificate: not-after cut from .* to 2031-06-15 00:00:00 UTC, when the issuing CA expires/);
    const expired = await issueClient(ca, { user: 'alice', now: NOW, crypto, notBefore: '-5d', notAfter: '-1d', allowInvalidDates: true });
    assert.equal(expired.cert.notAfter.toISOString(), '2030-06-14T12:00:00.000Z');
    await assert.rejects(issueClient(ca, { user: 'alice', now: NOW, crypto, notAfter: '-1d' }), isCertError(/expired already/));
  });
});

describe('a period the CA cannot cover', () => {
  test('a not-before after the CA\'s expiry is refused, naming both dates', () => {
    const caEnd = new Date('2031-01-01T00:00:00Z');
    assert.throws(() => resolveValidity({ notBefore: '2032-01-01', allowInvalidDates: true }, NOW, 397, 'leaf', caEnd),
      isCertError(/issuing CA expires at 2031-01-01 00:00:00 UTC, before the certificate's not-before \(2032-01-01 00:00:00 UTC\)/));
    assert.throws(() => resolveValidity({}, NOW, 397, 'leaf', new Date('2030-01-01T00:00:00Z')), isCertError(/issuing CA expired at 2030-01-01 00:00:00 UTC; give --not-before and --not-after within its validity/));
  });
});
