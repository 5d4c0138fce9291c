/**
 * pgbouncer.ini with the auth_file and auth_hba_file it names (check/authFiles.ts), and the userlist language reading
 * the pgbouncer.ini beside it (pgbouncerUserlist/check/sibling.ts): which entries serve which auth_type, the
 * auth_user, the lines PgBouncer skips in an auth_hba_file called pg_hba.conf (per release), and that no message ever
 * carries a password, hash or secret.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const service = testService();
const SCRAM = 'SCRAM-SHA-256$4096:s13klga+fctJQyeR4BoMiw==$ytKBfFnovh99MKkriO7voRncMNLWd40i8Ke1epBP8Mg=:g8EpqRMww0yfUSuofcWL4yEqDHNAXdtnpta+ZwXydfo=';
const MD5 = 'md537472382ba98583a9a596cf594a578c0';
const PLAIN = 'a-clear-text-example';
const SECRETS = [SCRAM, MD5, PLAIN, 's13klga', 'ytKBfFnovh99', '37472382ba98'];

/** A folder with pgbouncer.ini (the `[pgbouncer]` lines given), userlist.txt and optionally pg_hba.conf; mapped from /etc/pgbouncer. */
function setup(main: string[], userlist: string, hba?: string, databases = 'app = host=127.0.0.1 dbname=app'): { dir: string; ini: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bouncer-auth-'));
  const ini = ['[databases]', databases, '[pgbouncer]', 'listen_port = 6432', 'auth_file = /etc/pgbouncer/userlist.txt', ...main, ''].join('\n');
  fs.writeFileSync(path.join(dir, 'pgbouncer.ini'), ini);
  fs.writeFileSync(path.join(dir, 'userlist.txt'), userlist);
  if (hba !== undefined) fs.writeFileSync(path.join(dir, 'pg_hba.conf'), hba);
  return { dir, ini };
}

function run(main: string[], userlist: string, opts: { hba?: string; version?: string; databases?: string } = {}): Problem[] {
  const { dir, ini } = setup(main, userlist, opts.hba, opts.databases);
  try {
    const problems = check(service, path.join(dir, 'pgbouncer.ini'), ini, { pathMappings: { '/etc/pgbouncer': dir }, ...(opts.version ? { pgbouncerVersion: opts.version } : {}) });
    for (const p of problems) {
      for (const s of SECRETS) assert.ok(!p.message.includes(s) && !(p.related ?? []).some(r => r.message.includes(s)), `a secret in ${p.rule}: ${p.message}`);
    }
    return problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const ids = (ps: Problem[]): string[] => ps.map(p => p.rule).filter(r => /auth-|userlist/.test(r)).sort();

test('auth_file entries against auth_type: MD5 under SCRAM refused, empty ones a warning, SCRAM under md5 fine', () => {
  const list = `"alice" "${SCRAM}"\n"bob" "${MD5}"\n"carol" ""\n`;
  const scram = run(['auth_type = scram-sha-256'], list);
  const entries = scram.filter(p => p.rule === 'pgbouncer-ini/auth-file-entries');
  assert.equal(entries.length, 2);
  const md5 = entries.find(p => p.message.includes('MD5'))!;
  assert.equal(md5.severity, 'error');
  assert.match(md5.message, /"bob"/);
  assert.match(md5.message, /SASL authentication failed/);
  assert.doesNotMatch(md5.message, /"alice"/);
  assert.equal(md5.related?.length, 1);
  const empty = entries.find(p => p.message.includes('empty'))!;
  assert.equal(empty.severity, 'warning');
  assert.match(empty.message, /"carol"/);
  // md5 logins: an MD5 hash and a SCRAM secret both serve; only the empty password is refused.
  const md5Auth = run(['auth_type = md5'], list).filter(p => p.rule === 'pgbouncer-ini/auth-file-entries');
  assert.deepEqual(md5Auth.map(p => p.severity), ['warning']);
  // hba: the method is per line, so no verdict per entry.
  assert.deepEqual(run(['auth_type = hba', 'auth_hba_file = /etc/pgbouncer/pg_hba.conf'], list, { hba: 'host all all 0.0.0.0/0 md5\n' })
    .filter(p => p.rule === 'pgbouncer-ini/auth-file-entries'), []);
  // Placeholders an entrypoint fills in are not judged.
  assert.deepEqual(ids(run(['auth_type = scram-sha-256'], '"app" "$APP_PASSWORD_HASH"\n')), []);
});

test('after cert/trust/peer logins, SCRAM and MD5 entries cannot log in to a SCRAM server; not when every database has its own user', () => {
  const list = `"alice" "${SCRAM}"\n"bob" "${PLAIN}"\n`;
  const trust = run(['auth_type = trust'], list);
  const w = trust.find(p => p.rule === 'pgbouncer-ini/auth-file-server-login')!;
  assert.equal(w.severity, 'warning');
  assert.match(w.message, /"alice"/);
  assert.doesNotMatch(w.message, /"bob"/);
  assert.match(w.message, /did not provide SCRAM keys/);
  assert.deepEqual(run(['auth_type = trust'], list, { databases: 'app = host=127.0.0.1 dbname=app user=owner' })
    .filter(p => p.rule === 'pgbouncer-ini/auth-file-server-login'), []);
  assert.deepEqual(run(['auth_type = scram-sha-256'], list).filter(p => p.rule === 'pgbouncer-ini/auth-file-server-login'), []);
});

test('auth_user: no entry, a SCRAM secret or an MD5 hash is a warning; clear text is what it needs', () => {
  const q = 'auth_query = SELECT usename, passwd FROM pgbouncer.get_auth($1)';
  const none = run(['auth_type = scram-sha-256', 'auth_user = lookup', q], `"alice" "${SCRAM}"\n`);
  assert.match(none.find(p => p.rule === 'pgbouncer-ini/auth-user-entry')!.message, /no entry.*empty password/);
  const scram = run(['auth_type = scram-sha-256', 'auth_user = lookup', q], `"lookup" "${SCRAM}"\n`);
  assert.match(scram.find(p => p.rule === 'pgbouncer-ini/auth-user-entry')!.message, /SCRAM keys/);
  const perDb = run(['auth_type = scram-sha-256'], `"alice" "${SCRAM}"\n`, { databases: 'app = host=127.0.0.1 dbname=app auth_user=lookup' });
  const d = perDb.find(p => p.rule === 'pgbouncer-ini/auth-user-entry')!;
  assert.match(d.message, /database "app"/);
  assert.deepEqual(ids(run(['auth_type = scram-sha-256', 'auth_user = lookup', q], `"lookup" "${PLAIN}"\n`)), []);
});

test('an auth_file PgBouncer stops reading: how many entries are lost', () => {
  const ps = run(['auth_type = scram-sha-256'], `"alice" "${SCRAM}"\n# staff\n"bob" "${SCRAM}"\n"carol" "${SCRAM}"\n`);
  const stop = ps.find(p => p.rule === 'pgbouncer-ini/auth-file-stops')!;
  assert.match(stop.message, /line 2/);
  assert.match(stop.message, /2 entries/);
  assert.equal(stop.related?.[0]?.span[0], `"alice" "${SCRAM}"\n`.length);
});

test('auth_hba_file called pg_hba.conf is read in PgBouncer\'s dialect, per release; nothing loaded is an error', () => {
  const main = ['auth_type = hba', 'auth_hba_file = /etc/pgbouncer/pg_hba.conf'];
  const list = `"alice" "${SCRAM}"\n`;
  const skipped = run(main, list, { hba: 'hostssl all samerole 10.0.0.0/8 scram-sha-256\nhostssl all all 0.0.0.0/0 scram-sha-256\n' });
  const s = skipped.find(p => p.rule === 'pgbouncer-ini/auth-hba-file-lines')!;
  assert.equal(s.severity, 'warning');
  assert.match(s.message, /skips 1 line/);
  assert.match(s.message, /line 1/);
  assert.equal(s.related?.length, 1);
  // `all` as the address: 1.23 and later load the line, 1.18 skips it (and then loads nothing).
  const newer = 'host all all all scram-sha-256\n';
  assert.deepEqual(run(main, list, { hba: newer, version: '1.25' }).filter(p => p.rule === 'pgbouncer-ini/auth-hba-file-lines'), []);
  const old = run(main, list, { hba: newer, version: '1.18' }).find(p => p.rule === 'pgbouncer-ini/auth-hba-file-lines')!;
  assert.equal(old.severity, 'error');
  assert.match(old.message, /PgBouncer 1\.18 loads no line/);
  // An empty file: nothing loaded.
  assert.equal(run(main, list, { hba: '# nothing yet\n' }).find(p => p.rule === 'pgbouncer-ini/auth-hba-file-lines')?.severity, 'error');
  // A missing file is the missing-file error, not this one.
  const missing = run(['auth_type = hba', 'auth_hba_file = /etc/pgbouncer/other_hba.conf'], list);
  assert.match(missing.find(p => p.rule === 'pgbouncer-ini/tls-file-missing')!.message, /hba config file/);
});

test('auth_hba_file with another auth_type is ignored by PgBouncer', () => {
  const ps = run(['auth_type = scram-sha-256', 'auth_hba_file = /etc/pgbouncer/pg_hba.conf'], `"alice" "${SCRAM}"\n`);
  assert.match(ps.find(p => p.rule === 'pgbouncer-ini/auth-hba-file-ignored')!.message, /ignores the file/);
});

test('userlist.txt beside pgbouncer.ini: no clear-text advice for the auth_user, nor under cert/trust/peer', () => {
  const dirOf = (main: string[], list: string): Problem[] => {
    const { dir } = setup(main, list);
    try { return check(service, path.join(dir, 'userlist.txt'), list); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  };
  const list = `"lookup" "${PLAIN}"\n"alice" "${PLAIN}"\n`;
  const scram = dirOf(['auth_type = scram-sha-256', 'auth_user = lookup'], list).filter(p => p.rule === 'pgbouncer-userlist/clear-text-password');
  assert.equal(scram.length, 1, 'alice only');
  assert.match(scram[0]!.message, /"alice"/);
  assert.deepEqual(dirOf(['auth_type = cert'], list).filter(p => p.rule === 'pgbouncer-userlist/clear-text-password'), []);
  // A pgbouncer.ini that names another auth_file says nothing about this one.
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bouncer-auth-'));
  try {
    fs.writeFileSync(path.join(other, 'pgbouncer.ini'), '[pgbouncer]\nauth_type = cert\nauth_file = /etc/pgbouncer/users.txt\n');
    assert.equal(check(service, path.join(other, 'userlist.txt'), list).filter(p => p.rule === 'pgbouncer-userlist/clear-text-password').length, 2);
  } finally { fs.rmSync(other, { recursive: true, force: true }); }
});
