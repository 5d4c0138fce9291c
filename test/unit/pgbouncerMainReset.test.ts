/**
 * A second `[pgbouncer]` header, in the file or in an `%include`d one, sets every [pgbouncer] setting read before it
 * back to its default (libusual cfparser.c `fill_defaults`). Seen with PgBouncer 1.18.0: `client_tls_sslmode = require`
 * above a second header, or above an `%include` of a file that starts with `[pgbouncer]`, left TLS off (psql with
 * sslmode=require: "server does not support SSL, but SSL was required"); the same settings in one section served TLS.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check, describeProblem, testService } from '../helpers';

const service = testService();
const PATH = '/etc/pgbouncer/pgbouncer.ini';
const TLS = 'client_tls_sslmode = require\nclient_tls_key_file = server.key\nclient_tls_cert_file = server.crt\n';
const run = (text: string, file = PATH, settings = {}) => check(service, file, text, { checkFiles: false, ...settings }, 'pgbouncer-ini');
const brief = (text: string, ps: ReturnType<typeof run>) => ps.map(p => `${describeProblem(text, p)} ${p.severity}`);

test('a second [pgbouncer] header that turns client TLS off is an error naming what it resets', () => {
  const text = `[pgbouncer]\n${TLS}[databases]\napp = host=db\n[pgbouncer]\nlisten_addr = *\n`;
  const ps = run(text);
  assert.deepEqual(brief(text, ps), ['7:2-7:11 pgbouncer-ini/main-section-reset error']);
  assert.match(ps[0]!.message, /"client_tls_sslmode" \(line 2, back to "disable"\)/);
  assert.match(ps[0]!.message, /TLS towards clients is then off/);
  assert.equal(ps[0]!.related?.length, 3, 'points at each setting it resets');
});

test('resetting other settings is a warning; values equal to the default or written again below lose nothing', () => {
  const warn = '[pgbouncer]\nauth_type = scram-sha-256\nlisten_port = 6432\n[pgbouncer]\nlisten_addr = *\n';
  assert.deepEqual(brief(warn, run(warn)), ['4:2-4:11 pgbouncer-ini/main-section-reset warning']);
  assert.doesNotMatch(run(warn)[0]!.message, /listen_port/, '6432 is the default: nothing lost');
  const again = '[pgbouncer]\nauth_type = scram-sha-256\n[pgbouncer]\nauth_type = scram-sha-256\nauth_file = userlist.txt\n';
  assert.deepEqual(brief(again, run(again)), ['4:1-4:10 pgbouncer-ini/duplicate-setting warning'], 'only the duplicate: the later value wins');
  const same = '[pgbouncer]\nclient_tls_sslmode = DISABLE\n[databases]\n[pgbouncer]\nlisten_addr = *\n';
  assert.deepEqual(brief(same, run(same)), []);
});

test('the TLS checks read the settings as the reset leaves them', () => {
  // Above the header the key and certificate are set; below it only the mode: PgBouncer does not start.
  const text = `[pgbouncer]\n${TLS}[pgbouncer]\nclient_tls_sslmode = require\n`;
  const rules = run(text).map(p => p.rule).sort();
  assert.deepEqual(rules, ['pgbouncer-ini/client-tls-files-required', 'pgbouncer-ini/duplicate-setting', 'pgbouncer-ini/main-section-reset']);
  const found = run(text).find(p => p.rule === 'pgbouncer-ini/main-section-reset')!;
  assert.equal(found.severity, 'warning', 'client TLS is still asked for below the header');
});

test('an %include of a file with a [pgbouncer] header resets the settings above the %include line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bouncer-reset-'));
  try {
    const inc = path.join(dir, 'extra.ini');
    fs.writeFileSync(inc, '[pgbouncer]\nlisten_addr = *\n');
    const text = `[pgbouncer]\n${TLS}%include ${inc}\n`;
    const ps = run(text, path.join(dir, 'pgbouncer.ini'), { checkFiles: true }).filter(p => p.rule === 'pgbouncer-ini/main-section-reset');
    assert.deepEqual(brief(text, ps), [`5:10-5:${10 + inc.length} pgbouncer-ini/main-section-reset error`]);
    assert.match(ps[0]!.message, /The file this "%include" reads has a "\[pgbouncer\]" header/);
    // Without the header the included file is read under [pgbouncer] and resets nothing.
    fs.writeFileSync(inc, 'listen_addr = *\n');
    assert.deepEqual(run(text, path.join(dir, 'pgbouncer.ini'), { checkFiles: true }).filter(p => p.rule === 'pgbouncer-ini/main-section-reset'), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
