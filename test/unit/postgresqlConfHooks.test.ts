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
import { check, testService } from '../helpers';

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

test('the hooks of 16 and 17 parameters, and role / session_authorization / default_with_oids, through the checks', () => {
  const service = testService();
  const errors = (text: string, version: number): string[] =>
    check(service, '/x/postgresql.conf', text, { postgresVersion: version }, 'postgresql-conf').filter(p => p.rule === 'postgresql-conf/invalid-value').map(p => text.slice(p.span[0], p.span[1]));
  assert.deepEqual(errors("vacuum_buffer_usage_limit = '64kB'\nnotify_buffers = 20\ntransaction_buffers = 0\ndebug_io_direct = 'data, WAL'\ncreaterole_self_grant = 'set, admin'\nsynchronized_standby_slots = 'a,,b'\n", 17),
    ["'64kB'", '20', "'set, admin'", "'a,,b'"]);
  assert.deepEqual(errors("vacuum_buffer_usage_limit = 0\nvacuum_buffer_usage_limit = '128kB'\nmultixact_member_buffers = 32\ndebug_io_direct = 'data,'\n", 17), ["'data,'"]);
  assert.deepEqual(errors("role = 'NONE'\nsession_authorization = ''\ndefault_with_oids = yes\n", 15), ["'NONE'", "''", 'yes']);
  assert.deepEqual(errors("role = none\ndefault_with_oids = 0\n", 15), []);
});

test('recovery targets: at most one, in the order PostgreSQL applies the lines', () => {
  const service = testService();
  const conflicts = (text: string): number => check(service, '/x/postgresql.conf', text, { postgresVersion: 15 }, 'postgresql-conf').filter(p => p.rule === 'postgresql-conf/recovery-target-conflict').length;
  assert.equal(conflicts("recovery_target_name = 'a'\nrecovery_target_xid = ''\n"), 1);
  assert.equal(conflicts("recovery_target = 'immediate'\nrecovery_target_name = 'a'\n"), 1);
  assert.equal(conflicts("recovery_target_xid = ''\nrecovery_target_name = 'a'\n"), 0);
  assert.equal(conflicts("recovery_target_name = 'a'\nrecovery_target_name = 'b'\n"), 0);
  assert.equal(conflicts("recovery_target_name = 'a'\nrecovery_target_time = ''\nrecovery_target_name = 'b'\n"), 0);
});
