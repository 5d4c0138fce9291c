/**
 * postgresql.conf's TLS rules (languages/postgresqlConf/check/tls.ts) and pg_hba.conf's rules against the
 * postgresql.conf beside it (languages/hba/check/postgresqlConf.ts), on files made with the real openssl: where
 * relative paths start (PG_VERSION beside the file, `data_directory`, or unknown as on Debian's /etc/postgresql/N/main),
 * PostgreSQL's profile through tlsFiles/ (errors saying it refuses to start, never a secret in a message), the
 * settings that only matter with `ssl = on`, lines from an included file reported at the include, and bad input.
 */
import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';

let root = '';
/** The temp folders are the workspace: pgtls checks the files it can see there. */
const service = testService({ roots: () => [root, os.tmpdir()] });
const POSIX = process.platform !== 'win32';

const sh = (cwd: string, script: string): void => {
  execFileSync('bash', ['-c', `set -euo pipefail; q() { "$@" >/dev/null 2>&1; }; ${script}`], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
};

/** A folder with a certificate and key; `pgVersion`: a PG_VERSION file beside postgresql.conf (a data directory). */
function folder(name: string, pgVersion: boolean): string {
  const d = path.join(root, name);
  fs.mkdirSync(d, { recursive: true });
  if (pgVersion) fs.writeFileSync(path.join(d, 'PG_VERSION'), '15\n');
  sh(d, `q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.crt -subj /CN=localhost -days 365
         q openssl pkey -in server.key -aes256 -passout pass:hunter2secret -out enc.key
         chmod 600 server.key enc.key`);
  return d;
}

let data = '', debian = '';
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-pgconf-tls-'));
  data = folder('data', true);
  debian = folder('etc', false);
});

const conf = (dir: string, text: string): Problem[] => check(service, path.join(dir, 'postgresql.conf'), text, { checkFiles: true, postgresVersion: 15 }, 'postgresql-conf');
const rules = (ps: Problem[]): string[] => ps.map(p => p.rule).sort();

describe('postgresql.conf TLS', { skip: POSIX ? undefined : 'openssl and file modes' }, () => {
  test('the default files in the data directory: nothing', () => {
    assert.deepEqual(rules(conf(data, 'ssl = on\n')), []);
  });

  test('a missing relative file in a data directory is an error saying PostgreSQL refuses to start', () => {
    const [p] = conf(data, "ssl = on\nssl_cert_file = 'nope.crt'\n");
    assert.equal(p?.rule, 'postgresql-conf/ssl-file-missing');
    assert.equal(p!.severity, 'error');
    assert.match(p!.message, /PostgreSQL refuses to start \("FATAL: {2}could not load server certificate file/);
  });

  test('no PG_VERSION beside the file (Debian layout): relative paths are not checked, absolute ones are', () => {
    assert.deepEqual(rules(conf(debian, "ssl = on\nssl_cert_file = 'nope.crt'\nssl_key_file = 'nope.key'\n")), []);
    assert.deepEqual(rules(conf(debian, `ssl = on\nssl_cert_file = '${debian}/nope.crt'\nssl_key_file = '${debian}/server.key'\n`)), ['postgresql-conf/ssl-file-missing']);
  });

  test('data_directory makes relative paths start there', () => {
    assert.deepEqual(rules(conf(debian, `data_directory = '${data}'\nssl = on\n`)), []);
    assert.deepEqual(rules(conf(debian, `data_directory = '${data}'\nssl = on\nssl_key_file = 'nope.key'\n`)), ['postgresql-conf/ssl-file-missing']);
  });

  test('nothing about TLS files, protocols, ciphers or curves while ssl is off', () => {
    const text = "ssl = off\nssl_cert_file = 'nope.crt'\nssl_min_protocol_version = 'TLSv1.3'\nssl_max_protocol_version = 'TLSv1.2'\nssl_ciphers = 'FOO'\nssl_ecdh_curve = 'foo'\n";
    assert.deepEqual(rules(conf(data, text)), []);
  });

  test('an encrypted key: error without ssl_passphrase_command, none with it; the passphrase is never shown', () => {
    const [p] = conf(data, "ssl = on\nssl_key_file = 'enc.key'\n");
    assert.equal(p?.rule, 'postgresql-conf/ssl-key-encrypted');
    assert.match(p!.message, /ssl_passphrase_command" is not set/);
    const withCommand = conf(data, "ssl = on\nssl_key_file = 'enc.key'\nssl_passphrase_command = 'echo hunter2secret'\nssl_passphrase_command_supports_reload = on\n");
    assert.deepEqual(rules(withCommand), []);
    const reload = conf(data, "ssl = on\nssl_key_file = 'enc.key'\nssl_passphrase_command = 'echo hunter2secret'\n");
    assert.deepEqual(rules(reload), ['postgresql-conf/ssl-passphrase-reload']);
    for (const x of [p!, ...reload]) assert.doesNotMatch(x.message, /hunter2secret/);
  });

  test('key permissions as PostgreSQL enforces them, for the user who owns the key', () => {
    const open = path.join(data, 'open.key');
    fs.copyFileSync(path.join(data, 'server.key'), open);
    fs.chmodSync(open, 0o640);
    const [p] = conf(data, "ssl = on\nssl_key_file = 'open.key'\n");
    assert.equal(p?.rule, 'postgresql-conf/ssl-key-permissions');
    assert.match(p!.message, /refuses to start .*has group or world access/);
    fs.chmodSync(open, 0o600);
    assert.deepEqual(rules(conf(data, "ssl = on\nssl_key_file = 'open.key'\n")), []);
  });

  test('protocol order: min above max (also with the default min) is an error; TLSv1.1 alone fails every handshake', () => {
    assert.deepEqual(rules(conf(data, "ssl = on\nssl_min_protocol_version = 'TLSv1.3'\nssl_max_protocol_version = 'TLSv1.2'\n")), ['postgresql-conf/ssl-protocol-range']);
    const [dflt] = conf(data, "ssl = on\nssl_max_protocol_version = 'TLSv1.1'\n");
    assert.match(dflt!.message, /TLSv1\.2 \(the default\).*refuses to start/);
    const [old] = conf(data, "ssl = on\nssl_min_protocol_version = 'TLSv1'\nssl_max_protocol_version = 'tlsv1.1'\n");
    assert.equal(old!.severity, 'error');
    assert.match(old!.message, /starts but every TLS handshake fails/);
    const [low] = conf(data, "ssl = on\nssl_min_protocol_version = 'TLSv1'\n");
    assert.equal(low!.severity, 'info');
    assert.deepEqual(rules(conf(data, "ssl = on\nssl_max_protocol_version = ''\n")), []);
  });

  test('ciphers and curves through the OpenSSL evaluator and curve data', () => {
    assert.deepEqual(rules(conf(data, "ssl = on\nssl_ciphers = 'high'\n")), ['postgresql-conf/ssl-ciphers']);
    assert.deepEqual(rules(conf(data, "ssl = on\nssl_ciphers = 'HIGH:!aNULL'\n")), []);
    const [x] = conf(data, "ssl = on\nssl_ecdh_curve = 'X25519'\n");
    assert.match(x!.message, /ECDH: could not create key/);
    const [nist] = conf(data, "ssl = on\nssl_ecdh_curve = 'P-256'\n");
    assert.match(nist!.message, /write "prime256v1"/);
    const [single] = conf(data, "ssl = on\nssl_ecdh_curve = 'secp384r1'\n");
    assert.equal(single!.severity, 'info');
    assert.deepEqual(rules(conf(data, "ssl = on\nssl_ecdh_curve = 'prime256v1'\n")), []);
  });

  test('a setting from an included file is reported at the include line', () => {
    const dir = path.join(root, 'inc');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'PG_VERSION'), '15\n');
    fs.writeFileSync(path.join(dir, 'tls.conf'), "ssl_cert_file = 'nope.crt'\n");
    fs.copyFileSync(path.join(data, 'server.key'), path.join(dir, 'server.key'));
    const text = "ssl = on\ninclude 'tls.conf'\n";
    const ps = conf(dir, text).filter(p => p.rule === 'postgresql-conf/ssl-file-missing');
    assert.equal(ps.length, 1);
    assert.equal(text.slice(ps[0]!.span[0], ps[0]!.span[1]), "'tls.conf'");
    assert.match(ps[0]!.message, /in .*tls\.conf/);
  });

  test('hba_file naming a missing file is an error, ident_file a warning', () => {
    const ps = conf(debian, `hba_file = '${debian}/missing_hba.conf'\nident_file = '${debian}/missing_ident.conf'\n`);
    assert.deepEqual(ps.map(p => `${p.rule} ${p.severity}`).sort(), ['postgresql-conf/hba-file-missing error', 'postgresql-conf/ident-file-missing warning']);
  });

  test('bad input never throws', () => {
    for (const text of ["ssl = on\nssl_cert_file = ''\nssl_key_file = ''\n", "ssl = maybe\n", "ssl = on\nssl_ecdh_curve = ''\nssl_ciphers = ''\n", "ssl = on\nssl_dh_params_file = '/'\n", "data_directory = 'relative'\nssl = on\n", "ssl = on\nssl_min_protocol_version = 'TLSv9'\n"]) {
      assert.doesNotThrow(() => conf(data, text));
      assert.doesNotThrow(() => check(service, 'untitled:postgresql.conf', text, { checkFiles: true }, 'postgresql-conf'));
    }
  });
});

describe('pg_hba.conf with the postgresql.conf beside it', () => {
  const hba = (confText: string | undefined, hbaText: string): Problem[] => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-hba-pgconf-'));
    if (confText !== undefined) fs.writeFileSync(path.join(d, 'postgresql.conf'), confText);
    return check(service, path.join(d, 'pg_hba.conf'), hbaText, { checkFiles: true, postgresVersion: 15 }, 'pg-hba');
  };
  const own = (ps: Problem[]): string[] => ps.map(p => p.rule).filter(r => /hostssl-without-ssl|cert-without-ssl-ca-file|scram-with-md5/.test(r));

  test('no postgresql.conf beside it: nothing is assumed', () => {
    assert.deepEqual(own(hba(undefined, 'hostssl all all 10.0.0.0/8 cert\n')), []);
  });

  test('hostssl with ssl unset (default off) or off; not with ssl on', () => {
    assert.deepEqual(own(hba('', 'hostssl all all 10.0.0.0/8 scram-sha-256\n')), ['pg-hba/hostssl-without-ssl']);
    assert.deepEqual(own(hba("ssl = 'off'\n", 'hostssl all all 10.0.0.0/8 scram-sha-256\n')), ['pg-hba/hostssl-without-ssl']);
    assert.deepEqual(own(hba('ssl = on\n', 'hostssl all all 10.0.0.0/8 scram-sha-256\n')), []);
    assert.deepEqual(own(hba('ssl = maybe\n', 'hostssl all all 10.0.0.0/8 scram-sha-256\n')), []);
  });

  test('cert and clientcert need ssl_ca_file; an empty one counts as unset', () => {
    assert.deepEqual(own(hba('ssl = on\n', 'hostssl all all 10.0.0.0/8 cert\n')), ['pg-hba/cert-without-ssl-ca-file']);
    assert.deepEqual(own(hba("ssl = on\nssl_ca_file = ''\n", 'hostssl all all 10.0.0.0/8 md5 clientcert=verify-ca\n')), ['pg-hba/cert-without-ssl-ca-file']);
    assert.deepEqual(own(hba("ssl = on\nssl_ca_file = 'root.crt'\n", 'hostssl all all 10.0.0.0/8 cert\n')), []);
  });

  test('scram-sha-256 lines with password_encryption = md5 (any case); md5 lines are fine', () => {
    assert.deepEqual(own(hba("password_encryption = 'MD5'\n", 'host all all 127.0.0.1/32 scram-sha-256\n')), ['pg-hba/scram-with-md5-passwords']);
    assert.deepEqual(own(hba('password_encryption = md5\n', 'host all all 127.0.0.1/32 md5\n')), []);
    assert.deepEqual(own(hba('', 'host all all 127.0.0.1/32 scram-sha-256\n')), []);
  });
});
