/**
 * The shared server-TLS-file checks (server/src/tlsFiles/) through their two users, on the same files made with the
 * real openssl: what differs is the product's profile (Pgpool-II turns SSL off and warns about key permissions;
 * PgBouncer does not start on a client-side file, fails every server connection on a server-side one, never checks
 * permissions and cannot decrypt a key), never which files are judged or by which certificate rule. The PgBouncer
 * effects are those PgBouncer 1.18.0 showed here (rules.ts of pgbouncerIni).
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const service = testService();
const POSIX = process.platform !== 'win32';
let dir = '';

const sh = (script: string): void => {
  execFileSync('bash', ['-c', `set -euo pipefail; q() { "$@" >/dev/null 2>&1; }; ${script}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
};

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-tlsfiles-'));
  sh(`q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout good.key -out good.crt -subj /CN=localhost -days 365
      q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -out other.crt -subj /CN=other -days 365
      q openssl req -x509 -newkey rsa:1024 -nodes -keyout weak.key -out weak.crt -subj /CN=localhost -days 365
      q openssl pkey -in good.key -aes256 -passout pass:secret -out enc.key
      cp good.key open.key
      chmod 600 good.key other.key weak.key enc.key; chmod 644 open.key`);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const PGPOOL = (key: string, cert = 'good.crt', extra = ''): string => `ssl = on\nssl_cert = '${cert}'\nssl_key = '${key}'\n${extra}`;
const BOUNCER = (lines: string): string => `[databases]\napp = host=127.0.0.1 port=5432 dbname=app\n[pgbouncer]\nlisten_port = 6432\nauth_type = scram-sha-256\nauth_file = userlist.txt\n${lines}\n`;
const CLIENT = (key: string, cert = 'good.crt'): string => BOUNCER(`client_tls_sslmode = require\nclient_tls_cert_file = ${dir}/${cert}\nclient_tls_key_file = ${dir}/${key}`);
const SERVER = (key: string, cert = 'good.crt'): string => BOUNCER(`server_tls_sslmode = verify-full\nserver_tls_ca_file = ${dir}/good.crt\nserver_tls_cert_file = ${dir}/${cert}\nserver_tls_key_file = ${dir}/${key}`);

const pgpool = (text: string): Problem[] => check(service, path.join(dir, 'pgpool.conf'), text, { checkFiles: true });
const bouncer = (text: string): Problem[] => check(service, path.join(dir, 'pgbouncer.ini'), text, { checkFiles: true });
const only = (ps: Problem[], rule: string): Problem[] => ps.filter(p => p.rule === rule);

describe('server TLS files: one check, a profile per product', { skip: POSIX ? undefined : 'openssl and file modes' }, () => {
  test('good files: nothing from either product', () => {
    assert.deepEqual(pgpool(PGPOOL('good.key')).map(p => p.rule), []);
    assert.deepEqual(bouncer(CLIENT('good.key')).map(p => p.rule), []);
    assert.deepEqual(bouncer(SERVER('good.key')).map(p => p.rule), []);
  });

  test('key permissions: Pgpool-II\'s rule warns, PgBouncer checks none', () => {
    const [w] = only(pgpool(PGPOOL('open.key')), 'pgpool-conf/ssl-key-permissions');
    assert.equal(w?.severity, 'warning');
    assert.match(w!.message, /Pgpool-II logs a WARNING .* still loads the key; run "chmod 0600 /);
    // The message leads with the setting and the path as written; the chmod command names the normalised file, no `..`.
    assert.match(w!.message, /^ssl_key: "open\.key" has group or world access/);
    const sub = path.join(dir, 'conf');
    fs.mkdirSync(sub, { recursive: true });
    const [up] = only(check(service, path.join(sub, 'pgpool.conf'), PGPOOL('../open.key', '../good.crt'), { checkFiles: true }), 'pgpool-conf/ssl-key-permissions');
    assert.ok(up, 'the key named through ../ is checked too');
    assert.ok(up.message.includes(`run "chmod 0600 ${path.join(dir, 'open.key')}"`), up.message);
    assert.ok(!up.message.includes(`conf${path.sep}..`), up.message);
    assert.deepEqual(bouncer(CLIENT('open.key')).map(p => p.rule), []);
  });

  test('a 1024-bit RSA key: the same cert/weak-key error, in each product\'s effect', () => {
    const [a] = only(pgpool(PGPOOL('weak.key', 'weak.crt')), 'cert/weak-key');
    const [b] = only(bouncer(CLIENT('weak.key', 'weak.crt')), 'cert/weak-key');
    const [c] = only(bouncer(SERVER('weak.key', 'weak.crt')), 'cert/weak-key');
    for (const p of [a, b, c]) assert.equal(p?.severity, 'error');
    assert.match(a!.message, /"ee key too small"\), so Pgpool-II only logs a WARNING at start and then turns SSL off/);
    assert.match(b!.message, /^The server certificate .*"ee key too small"\), so PgBouncer does not start/);
    assert.match(c!.message, /^The client certificate .*so PgBouncer starts, but every connection to a server that offers TLS fails/);
    assert.match(c!.message, /"pgtls cert client"/);
  });

  test('a key of another certificate: cert/key-mismatch with the product\'s log line', () => {
    const [a] = only(pgpool(PGPOOL('other.key')), 'cert/key-mismatch');
    const [b] = only(bouncer(CLIENT('other.key')), 'cert/key-mismatch');
    assert.match(a!.message, /turns SSL off for every client \("could not load private key file … key values mismatch"\)/);
    assert.match(b!.message, /PgBouncer does not start \(its log: "TLS setup failed: failed to load private key file …: key values mismatch", then "FATAL TLS setup failed"\)/);
  });

  test('an encrypted key: Pgpool-II can run a passphrase command, PgBouncer never decrypts', () => {
    assert.equal(only(pgpool(PGPOOL('enc.key')), 'pgpool-conf/ssl-key-encrypted').length, 1);
    assert.equal(only(pgpool(PGPOOL('enc.key', 'good.crt', "ssl_passphrase_command = 'cat /run/pass'\n")), 'pgpool-conf/ssl-key-encrypted').length, 0);
    const [b] = only(bouncer(CLIENT('enc.key')), 'pgbouncer-ini/tls-key-encrypted');
    assert.match(b!.message, /has no passphrase setting .* so PgBouncer does not start/);
    const [c] = only(bouncer(SERVER('enc.key')), 'pgbouncer-ini/tls-key-encrypted');
    assert.match(c!.message, /PgBouncer starts, but every connection to a server that offers TLS fails/);
  });

  test('PgBouncer loads server_tls_ca_file only to verify the servers', () => {
    // A missing path outside the workspace is only a note: map the folder, as a deployment would be.
    const mapped = (text: string): Problem[] => check(service, path.join(dir, 'pgbouncer.ini'), text, { checkFiles: true, pathMappings: { '/etc/pgbouncer': dir } });
    const missing = (mode: string) => mapped(BOUNCER(`server_tls_sslmode = ${mode}\nserver_tls_ca_file = /etc/pgbouncer/nope.crt`)).filter(p => p.rule === 'pgbouncer-ini/tls-file-missing');
    assert.equal(missing('require').length, 0);
    assert.equal(missing('verify-ca').length, 1);
    // towards clients the CA file is loaded in every mode but disable (tls_config_verify_client_optional)
    const client = mapped(BOUNCER('client_tls_sslmode = require\nclient_tls_cert_file = /etc/pgbouncer/good.crt\nclient_tls_key_file = /etc/pgbouncer/good.key\nclient_tls_ca_file = /etc/pgbouncer/nope.crt'));
    assert.match(only(client, 'pgbouncer-ini/tls-file-missing')[0]!.message, /PgBouncer does not start \(its log: "TLS setup failed: failed to load CA: \(null\)"/);
  });

  test('a relative path: Pgpool-II resolves it against pgpool.conf\'s folder, PgBouncer\'s working directory is unknown', () => {
    assert.equal(only(pgpool(PGPOOL('missing.key')), 'pgpool-conf/ssl-file-missing').length, 1);
    assert.equal(bouncer(BOUNCER('client_tls_sslmode = require\nclient_tls_cert_file = good.crt\nclient_tls_key_file = missing.key')).length, 0);
  });
});
