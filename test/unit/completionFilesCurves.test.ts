/**
 * Completion of curve names (`ssl_ecdh_curve` in pgpool.conf and postgresql.conf, `client_tls_ecdhcurve` in
 * pgbouncer.ini: the TLS groups the curve checks accept), of file paths for path parameters (from the folder the
 * server resolves them against, listed through the ServiceEnv), and no second offer of a parameter already set on
 * another line of the file (the line being edited still gets it).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testService } from '../helpers';
import { DEFAULT_SETTINGS, type LanguageId, type ListFilesOptions, type SourceDocument } from '../../server/src/core/types';
import { classifyCurve } from '../../server/src/languages/pgpoolConf';
import { SCHEMAS } from '../helpers';

const service = testService();

function completeAt(file: string, languageId: LanguageId, marked: string, svc = service) {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'no cursor marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const doc: SourceDocument = { path: file, text, languageId };
  return { text, offset, items: svc.complete(doc, svc.parse(doc), offset, DEFAULT_SETTINGS) };
}
const labels = (r: { items: { label: string }[] }) => r.items.map(i => i.label);

/** A folder with a configuration beside a certs/ folder, as a deployment repository has it. */
function deployment(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-complete-'));
  for (const f of ['certs/server.crt', 'certs/server.key', 'certs/ca.crt', 'root.crt', 'conf.d/10-tls.conf', 'PG_VERSION']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), f === 'PG_VERSION' ? '17\n' : '');
  }
  return dir;
}

const CURVES = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'openssl-curves.json'), 'utf8')) as unknown;

test('ssl_ecdh_curve: pgpool.conf and postgresql.conf offer the curves the checks accept, prime256v1 first', () => {
  for (const [file, lang, text] of [
    ['/etc/pgpool2/pgpool.conf', 'pgpool-conf', "ssl = on\nssl_ecdh_curve = '|'\n"],
    ['/nonexistent/pg/postgresql.conf', 'postgresql-conf', "ssl = on\nssl_ecdh_curve = '|'\n"],
  ] as const) {
    const got = labels(completeAt(file, lang, text));
    assert.equal(got[0], 'prime256v1', `${lang}: ${got.join(' ')}`);
    assert.ok(got.includes('secp384r1') && got.includes('brainpoolP256r1'), `${lang}: ${got.join(' ')}`);
    for (const c of got) assert.equal(classifyCurve(CURVES, c).kind, 'ok', `${lang} offers ${c}, which the curve check flags`);
    assert.ok(!got.includes('X25519') && !got.includes('P-256') && !got.includes('secp160r1'), `${lang}: no non-EC, NIST-alias or weak names`);
  }
});

test('pgbouncer.ini: client_tls_ecdhcurve offers auto and the curves; a prefix replaces only the typed word', () => {
  const r = completeAt('/etc/pgbouncer/pgbouncer.ini', 'pgbouncer-ini', '[pgbouncer]\nclient_tls_ecdhcurve = secp3|\n');
  assert.deepEqual(labels(r).slice(0, 3), ['auto', 'prime256v1', 'secp384r1']);
  assert.deepEqual(r.items[0]!.replace, [r.offset - 'secp3'.length, r.offset]);
});

test('pgpool.conf: file paths from pgpool.conf\'s folder, folder by folder, inside the quotes', () => {
  const dir = deployment();
  const conf = path.join(dir, 'pgpool.conf');
  const top = completeAt(conf, 'pgpool-conf', "ssl_cert = '|'\n");
  assert.ok(labels(top).includes('certs/') && labels(top).includes('root.crt'), labels(top).join(' '));
  assert.equal(top.items.find(i => i.label === 'certs/')!.kind, 'folder');
  const inCerts = completeAt(conf, 'pgpool-conf', "ssl_key = 'certs/se|'\n");
  assert.deepEqual(labels(inCerts), ['ca.crt', 'server.crt', 'server.key']);
  assert.deepEqual(inCerts.items[0]!.replace, [inCerts.offset - 2, inCerts.offset], 'the last segment typed is replaced');
  const abs = completeAt(conf, 'pgpool-conf', `ssl_ca_cert = '${dir}/certs/|'\n`);
  assert.deepEqual(labels(abs), ['ca.crt', 'server.crt', 'server.key']);
  // No value yet: the entries come quoted.
  const bare = completeAt(conf, 'pgpool-conf', 'ssl_cert = |\n');
  assert.equal(bare.items.find(i => i.label === 'root.crt')!.insertText, "'root.crt'");
  // Not a path parameter: no files.
  assert.ok(!labels(completeAt(conf, 'pgpool-conf', "log_destination = '|'\n")).includes('root.crt'));
});

test('postgresql.conf: ssl files from the data directory, includes from the file\'s folder; unknown data directory: absolute paths only', () => {
  const dir = deployment();
  const conf = path.join(dir, 'postgresql.conf');
  assert.deepEqual(labels(completeAt(conf, 'postgresql-conf', "ssl_cert_file = 'certs/|'\n")), ['ca.crt', 'server.crt', 'server.key']);
  assert.deepEqual(labels(completeAt(conf, 'postgresql-conf', "include_dir 'co|'\n")).filter(l => l.startsWith('c')), ['certs/', 'conf.d/']);
  assert.deepEqual(labels(completeAt(conf, 'postgresql-conf', "hba_file = '|'\n")).filter(l => l === 'root.crt'), ['root.crt']);
  // Without PG_VERSION beside it, PostgreSQL's data directory is unknown: relative paths are not guessed.
  fs.rmSync(path.join(dir, 'PG_VERSION'));
  assert.deepEqual(labels(completeAt(conf, 'postgresql-conf', "ssl_cert_file = 'certs/|'\n")), []);
  assert.deepEqual(labels(completeAt(conf, 'postgresql-conf', `ssl_cert_file = '${dir}/certs/|'\n`)), ['ca.crt', 'server.crt', 'server.key']);
  assert.deepEqual(labels(completeAt(conf, 'postgresql-conf', `include '${dir}/conf.d/|'\n`)), ['10-tls.conf']);
});

test('pgbouncer.ini: absolute paths for file settings and %include (a relative one starts at PgBouncer\'s unknown working folder)', () => {
  const dir = deployment();
  const ini = path.join(dir, 'pgbouncer.ini');
  assert.deepEqual(labels(completeAt(ini, 'pgbouncer-ini', `[pgbouncer]\nclient_tls_key_file = ${dir}/certs/|\n`)), ['ca.crt', 'server.crt', 'server.key']);
  assert.deepEqual(labels(completeAt(ini, 'pgbouncer-ini', '[pgbouncer]\nclient_tls_key_file = certs/|\n')), []);
  assert.deepEqual(labels(completeAt(ini, 'pgbouncer-ini', `%include ${dir}/conf.d/|\n`)), ['10-tls.conf']);
});

test('paths are listed through the ServiceEnv (no disk access of its own), bounded', () => {
  const calls: [string, ListFilesOptions][] = [];
  const svc = testService({
    listFiles: (d, o) => { calls.push([d, o]); return ['/srv/pgpool/tls/a.crt', '/srv/pgpool/tls/sub/b.key']; },
  });
  const r = completeAt('/srv/pgpool/pgpool.conf', 'pgpool-conf', "ssl_cert = 'tls/|'\n", svc);
  assert.deepEqual(labels(r), ['sub/', 'a.crt']);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]![0], '/srv/pgpool/tls');
  assert.ok(calls[0]![1].maxFiles <= 1000 && calls[0]![1].maxDepth === 1);
});

test('a parameter set on another line is not offered again; the one on the line being edited is', () => {
  const pool = (marked: string) => labels(completeAt('/etc/pgpool2/pgpool.conf', 'pgpool-conf', marked));
  assert.ok(!pool("ssl = on\nssl_ce|\n").includes('ssl'), 'ssl is set on line 1');
  assert.ok(pool("ssl = on\nssl_ce|\n").includes('ssl_cert'));
  assert.ok(pool('ss|l = on\n').includes('ssl'), 'the line being edited keeps its own name');
  assert.ok(pool("ssl = on\nbackend_hostname0 = 'a'\nback|\n").includes('backend_hostnameN'), 'indexed parameters stay');

  const pg = (marked: string) => labels(completeAt('/nonexistent/pg/postgresql.conf', 'postgresql-conf', marked));
  assert.ok(!pg('ssl = on\nss|\n').includes('ssl') && pg('ssl = on\nss|\n').includes('ssl_cert_file'));
  assert.ok(pg('ss| = on\n').includes('ssl'));
  assert.ok(pg("include 'a.conf'\nin|\n").includes('include'), 'include directives repeat');

  const bouncer = (marked: string) => labels(completeAt('/etc/pgbouncer/pgbouncer.ini', 'pgbouncer-ini', marked));
  assert.ok(!bouncer('[pgbouncer]\nlisten_port = 6432\nlisten|\n').includes('listen_port'));
  assert.ok(bouncer('[pgbouncer]\nlisten_p|ort = 6432\n').includes('listen_port'));
  assert.ok(bouncer('[pgbouncer]\nlisten_port = 6432\nlisten|\n').includes('listen_addr'));
});
