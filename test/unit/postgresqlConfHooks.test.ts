/**
 * The string check hooks of postgresql.conf (server/src/languages/postgresqlConf/hooks.ts): each verdict below was
 * seen with `postgres -C` of the real PostgreSQL 15 (accepted = undefined, refused = a reason).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkClientEncoding, checkDateStyle, checkLogDestination, checkLsn, checkRecoveryTarget, checkSearchPath,
  checkSyncStandbyNames, checkTimeZone, checkUnsignedOverflow, splitIdentifiers,
} from '../../server/src/languages/postgresqlConf/hooks';

const zones = new Set((JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', 'postgresql-timezones.json'), 'utf8')) as { names: string[] }).names.map(n => n.toLowerCase()));

function verdicts(f: (v: string) => string | undefined, ok: string[], bad: string[]): void {
  for (const v of ok) assert.equal(f(v), undefined, `accepted: ${JSON.stringify(v)}`);
  for (const v of bad) assert.ok(f(v), `refused: ${JSON.stringify(v)}`);
}

test('SplitIdentifierString: quotes, doubled quotes, lower-casing, empty items', () => {
  assert.deepEqual(splitIdentifiers(' A , "B ""c""" '), ['a', 'B "c"']);
  assert.deepEqual(splitIdentifiers('   '), []);
  for (const bad of ['a,', ',a', 'a,,b', 'a b', '"a', '"a"b']) assert.equal(splitIdentifiers(bad), undefined, bad);
});

test('DateStyle', () => verdicts(checkDateStyle, ['ISO, MDY', 'sql,dmy', 'German', 'Postgres, YMD', 'euro', '"ISO", US', '', 'iso, iso', 'DEFAULT, DMY', 'PostgresQL'], ['ISO, SQL', 'DMY, MDY', 'ISO DMY', 'iso,', 'British', 'euro, us']));
test('log_destination', () => verdicts(checkLogDestination, ['stderr', 'stderr,csvlog', 'Syslog, JSONLOG', '', '"stderr"', '"Stderr"'], ['file', 'eventlog', 'stderr,', 'stderr csvlog']));
test('search_path', () => verdicts(checkSearchPath, ['"$user", public', '', '"My Schema"'], ['a,,b', 'a b', '"abc']));
test('client_encoding', () => verdicts(checkClientEncoding, ['UTF8', 'utf-8', 'U_T_F8', 'latin1', 'SQL_ASCII', 'Shift_JIS', 'unicode', 'mule_internal'], ['utf16', '', 'ascii', 'cp1252', 'bogus']));
test('synchronous_standby_names', () => verdicts(checkSyncStandbyNames, ['s1', '*', 'FIRST 2 (s1, s2)', 'ANY 1 ("a b", *)', '2 (a,b)', '', 'Anya', '99999999999 (a)', '1'], ['any(a)', 'FIRST 0 (a)', 'a b', 'first', 's-1', '1a', '(a)', '"a']));
test('recovery_target and recovery_target_lsn', () => {
  verdicts(checkRecoveryTarget, ['immediate', ''], ['Immediate', 'latest']);
  verdicts(checkLsn, ['0/16B3748', 'FFFFFFFF/0', ''], ['16B3748', '123456789/0', '0/']);
});
test('recovery_target_timeline and _xid only fail on overflow', () => verdicts(checkUnsignedOverflow, ['abc', '-5', 'latest', '0x10', '18446744073709551615'], ['99999999999999999999999', '18446744073709551616', '0x1ffffffffffffffff']));
test('TimeZone and log_timezone', () => {
  verdicts(v => checkTimeZone(v, zones, false), ['Europe/Berlin', 'europe/berlin', 'utc', 'Etc/GMT+5', 'EST5EDT', 'XYZ5', '<+03>-3', 'UTC+5', '+5', '5.5', '167', '1e2', 'posix/Europe/Berlin', 'posixrules', 'Factory', 'EST5EDT,M3.2.0,M11.1.0', 'AB5', ':UTC', "interval '+05:00'"],
    ['XYZ', '168', '-168', '200', 'Mars/Olympus', 'right/UTC', 'Local', 'AB', 'zone.tab', 'Europe', '', ' UTC', 'inf']);
  verdicts(v => checkTimeZone(v, zones, true), ['UTC', 'PST8PDT', '+5', '5', '-3:30'], ['Nowhere', '', ':Mars', '<AB']);
});
