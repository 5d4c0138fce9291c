/**
 * Differential test of postgresql.conf's TLS rules against real starts of PostgreSQL 15: about 50 variants (missing,
 * garbage, mismatched, encrypted, 1024-bit, expired files; key modes and owners; protocol ranges, cipher strings,
 * curves, DH parameters, CA and CRL files, hba_file/ident_file) each written into one data directory (initdb'd once)
 * and started for real (`postgres -D`, "ready to accept connections" or FATAL). pgtls, judging as the server's user
 * (euid = postgres), must say "PostgreSQL refuses to start" in an error exactly when the server refuses; for those
 * that start, an SSLRequest probe must find TLS on, off, or failing every handshake as pgtls predicts.
 * Then pg_hba.conf beside it (the hba room's cross-file rules): `hostssl` with `ssl` off, `cert` and `clientcert=`
 * without `ssl_ca_file`, `scram-sha-256` with `password_encryption = md5`, each with a real login that must succeed
 * exactly when pgtls reports no error or warning for the line.
 * The certificates are made here with openssl through the fixtures' shell helpers (test/fixtures/_lib/certs.sh).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, ROOT, testService } from '../helpers';
import { freePort } from '../ports';
import { assertTools, missing } from '../requires';
import { INITDB, POSTGRES, Sandbox, ServerProcess, describeRun, psql, run, tlsProbe } from './pgCluster';

interface Variant {
  name: string;
  conf: string;
  /** Changes to the files after they are reset (mode 0600, owned by the server account). */
  files?: (f: Files) => void;
}
interface Files { data: string; chmod(name: string, mode: number): void; chown(name: string, uid: number, gid: number): void }

const V: Variant[] = [
  { name: 'ssl off', conf: 'ssl = off' },
  { name: 'ssl on, default files', conf: 'ssl = on' },
  { name: 'missing certificate', conf: "ssl = on\nssl_cert_file = 'missing.crt'" },
  { name: 'missing key', conf: "ssl = on\nssl_key_file = 'missing.key'" },
  { name: 'garbage certificate', conf: "ssl = on\nssl_cert_file = 'garbage.txt'" },
  { name: 'garbage key', conf: "ssl = on\nssl_key_file = 'garbage.key'" },
  { name: 'key of another certificate', conf: "ssl = on\nssl_key_file = 'other.key'" },
  { name: 'key of another type', conf: "ssl = on\nssl_cert_file = 'ec384.crt'\nssl_key_file = 'server.key'" },
  { name: '1024-bit RSA', conf: "ssl = on\nssl_cert_file = 'rsa1024.crt'\nssl_key_file = 'rsa1024.key'" },
  { name: 'expired certificate', conf: "ssl = on\nssl_cert_file = 'expired.crt'\nssl_key_file = 'expired.key'" },
  { name: 'P-384 certificate', conf: "ssl = on\nssl_cert_file = 'ec384.crt'\nssl_key_file = 'ec384.key'" },
  { name: 'absolute paths', conf: "ssl = on\nssl_cert_file = '@DATA@/server.crt'\nssl_key_file = '@DATA@/server.key'" },
  { name: 'absolute missing path', conf: "ssl = on\nssl_cert_file = '@DATA@/nothere.crt'" },
  { name: 'encrypted key, no passphrase command', conf: "ssl = on\nssl_key_file = 'enc.key'" },
  { name: 'encrypted key, passphrase command', conf: "ssl = on\nssl_key_file = 'enc.key'\nssl_passphrase_command = 'echo secret'" },
  { name: 'plain key, passphrase command', conf: "ssl = on\nssl_passphrase_command = 'echo secret'\nssl_passphrase_command_supports_reload = on" },
  { name: 'key 0640 owned by postgres', conf: 'ssl = on', files: f => f.chmod('server.key', 0o640) },
  { name: 'key 0604 owned by postgres', conf: 'ssl = on', files: f => f.chmod('server.key', 0o604) },
  { name: 'key 0400 owned by postgres', conf: 'ssl = on', files: f => f.chmod('server.key', 0o400) },
  { name: 'key 0640 owned by root, group postgres', conf: 'ssl = on', files: f => { f.chown('server.key', 0, -1); f.chmod('server.key', 0o640); } },
  { name: 'key 0644 owned by root', conf: 'ssl = on', files: f => { f.chown('server.key', 0, -1); f.chmod('server.key', 0o644); } },
  { name: 'key 0660 owned by root', conf: 'ssl = on', files: f => { f.chown('server.key', 0, -1); f.chmod('server.key', 0o660); } },
  { name: 'key bad mode but ssl off', conf: 'ssl = off', files: f => f.chmod('server.key', 0o644) },
  { name: 'min above max', conf: "ssl = on\nssl_min_protocol_version = 'TLSv1.3'\nssl_max_protocol_version = 'TLSv1.2'" },
  { name: 'max TLSv1.1 under the default min', conf: "ssl = on\nssl_max_protocol_version = 'TLSv1.1'" },
  { name: 'TLSv1 to TLSv1.1', conf: "ssl = on\nssl_min_protocol_version = 'TLSv1'\nssl_max_protocol_version = 'TLSv1.1'" },
  { name: 'min TLSv1', conf: "ssl = on\nssl_min_protocol_version = 'TLSv1'" },
  { name: 'min TLSv1.3', conf: "ssl = on\nssl_min_protocol_version = 'tlsv1.3'" },
  { name: 'max TLSv1.2', conf: "ssl = on\nssl_max_protocol_version = 'TLSv1.2'" },
  { name: 'max empty', conf: "ssl = on\nssl_max_protocol_version = ''" },
  { name: 'min above max, ssl off', conf: "ssl = off\nssl_min_protocol_version = 'TLSv1.3'\nssl_max_protocol_version = 'TLSv1.2'" },
  { name: 'cipher FOO', conf: "ssl = on\nssl_ciphers = 'FOO'" },
  { name: 'cipher RC4', conf: "ssl = on\nssl_ciphers = 'RC4'" },
  { name: 'cipher HIGH:!aNULL', conf: "ssl = on\nssl_ciphers = 'HIGH:!aNULL'" },
  { name: 'one cipher', conf: "ssl = on\nssl_ciphers = 'ECDHE-RSA-AES128-GCM-SHA256'" },
  { name: 'cipher lower case', conf: "ssl = on\nssl_ciphers = 'high'" },
  { name: 'cipher aNULL', conf: "ssl = on\nssl_ciphers = 'aNULL'" },
  { name: 'curve foo', conf: "ssl = on\nssl_ecdh_curve = 'foo'" },
  { name: 'curve X25519', conf: "ssl = on\nssl_ecdh_curve = 'X25519'" },
  { name: 'curve P-256', conf: "ssl = on\nssl_ecdh_curve = 'P-256'" },
  { name: 'curve secp384r1', conf: "ssl = on\nssl_ecdh_curve = 'secp384r1'" },
  { name: 'curve secp521r1', conf: "ssl = on\nssl_ecdh_curve = 'secp521r1'" },
  { name: 'DH file missing', conf: "ssl = on\nssl_dh_params_file = 'dh-missing.pem'" },
  { name: 'DH file garbage', conf: "ssl = on\nssl_dh_params_file = 'garbage.txt'" },
  { name: 'DH file valid', conf: "ssl = on\nssl_dh_params_file = 'dh.pem'" },
  { name: 'CA file missing', conf: "ssl = on\nssl_ca_file = 'missing-ca.crt'" },
  { name: 'CA file garbage', conf: "ssl = on\nssl_ca_file = 'garbage.txt'" },
  { name: 'CA file valid', conf: "ssl = on\nssl_ca_file = 'ca.crt'" },
  { name: 'CA file is the server certificate', conf: "ssl = on\nssl_ca_file = 'server.crt'" },
  { name: 'CRL file missing', conf: "ssl = on\nssl_ca_file = 'ca.crt'\nssl_crl_file = 'missing.crl'" },
  { name: 'CRL file valid', conf: "ssl = on\nssl_ca_file = 'ca.crt'\nssl_crl_file = 'ca.crl'" },
  { name: 'CRL folder missing', conf: "ssl = on\nssl_crl_dir = 'nodir'" },
  { name: 'hba_file missing', conf: "hba_file = '@DATA@/missing_hba.conf'" },
  { name: 'ident_file missing', conf: "ident_file = '@DATA@/missing_ident.conf'" },
];

type Outcome = 'refuses' | 'tls-on' | 'tls-off' | 'tls-fails';

function makeFiles(data: string, sb: Sandbox): void {
  const lib = path.join(ROOT, 'test/fixtures/_lib/certs.sh');
  const script = [
    `source ${JSON.stringify(lib)}`,
    'q openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.crt -subj /CN=localhost -days 30',
    'q openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -subj /CN=other -days 30',
    'q openssl req -x509 -newkey rsa:1024 -nodes -keyout rsa1024.key -out rsa1024.crt -subj /CN=localhost -days 30',
    'q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout ec384.key -out ec384.crt -subj /CN=localhost -days 30',
    'q openssl pkey -in server.key -aes256 -passout pass:secret -out enc.key',
    'dated expired 20200101000000Z 20210101000000Z',
    'ca ca', 'crl ca ca.crl', 'ca cca', 'leaf cca cli postgres rsa',
    'q openssl genpkey -genparam -algorithm DH -pkeyopt dh_param:ffdhe2048 -out dh.pem',
    "echo 'not a certificate' > garbage.txt", "echo 'not a key' > garbage.key",
    'rm -f crl.cnf index.txt* crlnumber* expired.cnf expired.idx* expired.srl*',
  ].join('\n');
  execFileSync('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: data, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const f of fs.readdirSync(data)) if (/\.(crt|key|pem|crl|txt)$/.test(f)) sb.own(path.join(data, f));
}

/** What pgtls predicts: an error saying PostgreSQL refuses to start, or the TLS state of a started server. */
function predict(problems: { severity: string; message: string }[], conf: string): Outcome {
  const errors = problems.filter(p => p.severity === 'error');
  if (errors.some(p => /refuses to start/.test(p.message))) return 'refuses';
  if (errors.some(p => /every TLS handshake fails/.test(p.message))) return 'tls-fails';
  return /^ssl = on$/m.test(conf) ? 'tls-on' : 'tls-off';
}

test('postgresql.conf TLS: pgtls predicts exactly whether PostgreSQL 15 starts, and with TLS on or off', { skip: missing(POSTGRES, INITDB) }, async t => {
  assertTools(POSTGRES, INITDB);
  const sb = Sandbox.create('pgtls-pgtls-');
  try {
    const data = sb.path('data');
    const init = await run(INITDB, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], { env: sb.env, cwd: sb.root, account: sb.account, timeoutMs: 120_000 });
    assert.equal(init.code, 0, describeRun(init));
    makeFiles(data, sb);
    const base = fs.readFileSync(path.join(data, 'postgresql.conf'), 'utf8');
    const sock = sb.dir('sock');
    const uid = sb.account?.uid ?? process.getuid?.() ?? 0;
    // pgtls judges key permissions as the server's user would see them (run on the server as postgres).
    const service = testService({ roots: () => [sb.root], euid: () => uid });
    const disagreements: string[] = [];
    const outcomes: string[] = [];
    const seen: Record<Outcome, number> = { 'refuses': 0, 'tls-on': 0, 'tls-off': 0, 'tls-fails': 0 };
    for (const v of V) {
      for (const f of ['server.key', 'other.key', 'rsa1024.key', 'ec384.key', 'enc.key', 'expired.key', 'garbage.key']) {
        const p = path.join(data, f);
        fs.chmodSync(p, 0o600);
        sb.own(p);
      }
      v.files?.({
        data,
        chmod: (n, m) => fs.chmodSync(path.join(data, n), m),
        chown: (n, u, g) => fs.chownSync(path.join(data, n), u, g === -1 ? (sb.account?.gid ?? 0) : g),
      });
      const port = await freePort();
      const conf = v.conf.replaceAll('@DATA@', data);
      const text = `${base}\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${sock}'\n${conf}\n`;
      sb.file('data/postgresql.conf', text, 0o600);
      const problems = check(service, path.join(data, 'postgresql.conf'), text, { postgresVersion: 15, checkFiles: true }, 'postgresql-conf');
      const predicted = predict(problems, conf);
      const server = ServerProcess.spawn('postgres', POSTGRES, ['-D', data], { env: sb.env, cwd: sb.root, account: sb.account });
      await server.waitFor(/ready to accept connections|FATAL/, 30_000);
      let got: Outcome;
      if (/ready to accept connections/.test(server.log)) {
        const probe = await tlsProbe(port);
        got = probe.answer === 'N' ? 'tls-off' : probe.answer === 'S' && !probe.error ? 'tls-on' : 'tls-fails';
      } else got = 'refuses';
      await server.stop();
      seen[got]++;
      outcomes.push(`${v.name}: ${got}`);
      if (got !== predicted) {
        const log = server.log.split('\n').filter(l => /FATAL|LOG: +could not|DETAIL/.test(l)).join('\n');
        disagreements.push(`${v.name}: PostgreSQL ${got}, pgtls predicts ${predicted}\n--- conf ---\n${conf}\n--- postgres ---\n${log}\n--- pgtls ---\n${problems.map(p => `${p.severity} ${p.rule}: ${p.message}`).join('\n')}`);
      }
    }
    await hbaLogins(t, sb, data, base, sock, service, disagreements);
    t.diagnostic(outcomes.join('; '));
    t.diagnostic(`${V.length} real starts: ${Object.entries(seen).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    assert.deepEqual(disagreements, [], `${disagreements.length} disagreement(s):\n\n${disagreements.join('\n\n')}`);
    assert.ok(seen.refuses > 10 && seen['tls-on'] > 10 && seen['tls-off'] > 0 && seen['tls-fails'] > 0, JSON.stringify(seen));
  } finally {
    sb.dispose();
  }
});

interface HbaVariant { name: string; conf: string; hba: string; login: string; rule: string }

/** pg_hba.conf lines against the postgresql.conf beside them: the login works exactly when pgtls reports nothing. */
const HBA: HbaVariant[] = [
  { name: 'hostssl, ssl off', conf: 'ssl = off', hba: 'hostssl all all 127.0.0.1/32 trust', login: 'sslmode=prefer', rule: 'pg-hba/hostssl-without-ssl' },
  { name: 'hostssl, ssl on', conf: 'ssl = on', hba: 'hostssl all all 127.0.0.1/32 trust', login: 'sslmode=require', rule: 'pg-hba/hostssl-without-ssl' },
  { name: 'cert, no ssl_ca_file', conf: 'ssl = on', hba: 'hostssl all all 127.0.0.1/32 cert', login: 'sslmode=require sslcert=cli.crt sslkey=cli.key', rule: 'pg-hba/cert-without-ssl-ca-file' },
  { name: 'cert, ssl_ca_file', conf: "ssl = on\nssl_ca_file = 'cca.crt'", hba: 'hostssl all all 127.0.0.1/32 cert', login: 'sslmode=require sslcert=cli.crt sslkey=cli.key', rule: 'pg-hba/cert-without-ssl-ca-file' },
  { name: 'clientcert, no ssl_ca_file', conf: 'ssl = on', hba: 'hostssl all all 127.0.0.1/32 trust clientcert=verify-ca', login: 'sslmode=require sslcert=cli.crt sslkey=cli.key', rule: 'pg-hba/cert-without-ssl-ca-file' },
  { name: 'clientcert, ssl_ca_file', conf: "ssl = on\nssl_ca_file = 'cca.crt'", hba: 'hostssl all all 127.0.0.1/32 trust clientcert=verify-full', login: 'sslmode=require sslcert=cli.crt sslkey=cli.key', rule: 'pg-hba/cert-without-ssl-ca-file' },
  { name: 'scram, md5 passwords', conf: 'password_encryption = md5', hba: 'host all all 127.0.0.1/32 scram-sha-256', login: 'password=pw', rule: 'pg-hba/scram-with-md5-passwords' },
  { name: 'scram, scram passwords', conf: 'password_encryption = scram-sha-256', hba: 'host all all 127.0.0.1/32 scram-sha-256', login: 'password=pw', rule: 'pg-hba/scram-with-md5-passwords' },
];

async function hbaLogins(t: { diagnostic(s: string): void }, sb: Sandbox, data: string, base: string, sock: string, service: ReturnType<typeof testService>, disagreements: string[]): Promise<void> {
  const seen: string[] = [];
  for (const v of HBA) {
    for (const f of ['server.key', 'cli.key']) { fs.chmodSync(path.join(data, f), 0o600); sb.own(path.join(data, f)); }
    const port = await freePort();
    const conf = `${base}\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${sock}'\n${v.conf}\n`;
    const hba = `local all all trust\n${v.hba}\n`;
    sb.file('data/postgresql.conf', conf, 0o600);
    sb.file('data/pg_hba.conf', hba, 0o600);
    const problems = check(service, path.join(data, 'pg_hba.conf'), hba, { postgresVersion: 15, checkFiles: true }, 'pg-hba');
    const flagged = problems.some(p => p.rule === v.rule);
    const server = ServerProcess.spawn('postgres', POSTGRES, ['-D', data], { env: sb.env, cwd: sb.root, account: sb.account });
    await server.waitFor(/ready to accept connections|FATAL/, 30_000);
    let ok = false;
    let why = server.log.split('\n').filter(l => /FATAL/.test(l)).join('\n');
    if (/ready to accept connections/.test(server.log)) {
      const set = await psql(sb, `host=${sock} port=${port} user=postgres dbname=postgres`, ["ALTER ROLE postgres PASSWORD 'pw'"]);
      assert.equal(set.code, 0, describeRun(set));
      const login = v.login.replace(/(cli\.(?:crt|key))/g, `${data}/$1`);
      const r = await psql(sb, `host=127.0.0.1 port=${port} user=postgres dbname=postgres ${login}`, ['SELECT 1']);
      ok = r.code === 0;
      why = r.stderr.trim();
    }
    await server.stop();
    seen.push(`${v.name}: ${ok ? 'login ok' : 'refused'}`);
    if (ok === flagged) disagreements.push(`${v.name}: the login ${ok ? 'works' : 'fails'} (${why}), pgtls ${flagged ? 'reports' : 'does not report'} ${v.rule}\n${problems.map(p => `${p.severity} ${p.rule}: ${p.message}`).join('\n')}`);
  }
  sb.file('data/pg_hba.conf', 'local all all trust\nhost all all 127.0.0.1/32 trust\n', 0o600);
  t.diagnostic(seen.join('; '));
}
