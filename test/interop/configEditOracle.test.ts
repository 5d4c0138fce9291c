/**
 * The configuration edit of the certificate commands (the façade's `tlsConfigEdit`) against the real servers: the
 * paths it writes must be the ones the server opens. PostgreSQL 15: a fresh initdb's own postgresql.conf (with its
 * commented-out `#ssl = off` … sample lines), the set generated into `<data>/certs/pgtls`, the edit applied (relative
 * paths from the data directory), then a real start: an SSLRequest must get the generated server certificate.
 * Pgpool-II: pgpool.conf edited to relative paths from its own folder, started in the oracle's sandbox: it must serve
 * TLS with that certificate. Both files then check clean of missing or unusable TLS files.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCertCommand } from '../../server/src/node/certCommands';
import { DEFAULT_SETTINGS, type SourceDocument, type TextEdit, type TlsFilePaths } from '../../server/src/core/types';
import { check, testService } from '../helpers';
import { freePort } from '../ports';
import { assertTools, missing } from '../requires';
import { PgCluster, POSTGRES, Sandbox, ServerProcess, requiredTools, tlsProbe } from './pgCluster';
import { PgpoolOracle, pgpoolBinary } from './pgpoolOracle';

const env = { now: () => new Date(), crypto: webcrypto as unknown as Crypto };

function edited(file: string, text: string, files: TlsFilePaths): { text: string; settings: { key: string; value: string }[] } {
  const service = testService();
  const doc: SourceDocument = { path: file, text, languageId: service.languageOf(file)!, version: 1 };
  const r = service.tlsConfigEdit(doc, service.parse(doc), files, DEFAULT_SETTINGS)!;
  let out = text;
  for (const e of [...r.edits].sort((a: TextEdit, b: TextEdit) => b.span[0] - a.span[0])) out = out.slice(0, e.span[0]) + e.newText + out.slice(e.span[1]);
  return { text: out, settings: r.settings };
}

const tlsProblems = (file: string, text: string) => check(testService(), file, text)
  .filter(p => /file-missing|cert-invalid|key-invalid|key-mismatch|cert-required|key-required/.test(p.rule)).map(p => `${p.rule}: ${p.message}`);

test('PostgreSQL starts with TLS from the edited initdb postgresql.conf, the paths relative to its data directory', { skip: missing(POSTGRES, ...requiredTools().filter(t => !/pgpool/.test(t))), timeout: 180_000 }, async () => {
  assertTools(POSTGRES);
  const sandbox = Sandbox.create('pgtls-confedit-pg-');
  let server: ServerProcess | undefined;
  try {
    const cluster = await PgCluster.init(sandbox);
    const data = cluster.data;
    const certs = path.join(data, 'certs', 'pgtls');
    const r = await runCertCommand({ kind: 'server', folder: certs, serverName: 'localhost', sans: ['127.0.0.1'] }, env);
    assert.equal(r.status, 'written');
    for (const p of [path.join(data, 'certs'), certs, ...fs.readdirSync(certs).map(f => path.join(certs, f))]) sandbox.own(p);
    const confPath = path.join(data, 'postgresql.conf');
    const original = fs.readFileSync(confPath, 'utf8');
    assert.match(original, /^#ssl = off/m, 'initdb\'s sample lines');
    const files = { cert: path.join(certs, 'server.crt'), key: path.join(certs, 'server.key'), ca: path.join(certs, 'ca.crt') };
    const e = edited(confPath, original, files);
    assert.deepEqual(e.settings.map(s => `${s.key}=${s.value}`), ['ssl=on', 'ssl_cert_file=certs/pgtls/server.crt', 'ssl_key_file=certs/pgtls/server.key', 'ssl_ca_file=certs/pgtls/ca.crt']);
    assert.match(e.text, /^#ssl = off\nssl = on$/m, 'after its sample line');
    assert.deepEqual(tlsProblems(confPath, e.text), []);
    const port = await freePort();
    sandbox.file('pg/data/postgresql.conf', `${e.text}\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${cluster.socketDir}'\n`, 0o600);
    server = ServerProcess.spawn('postgres', POSTGRES, ['-D', data], { env: sandbox.env, cwd: sandbox.root, account: sandbox.account });
    assert.ok(await server.waitFor(/database system is ready to accept connections/, 60_000), `PostgreSQL did not start:\n${server.log}`);
    const probe = await tlsProbe(port);
    assert.equal(probe.answer, 'S', JSON.stringify(probe));
    assert.equal(probe.fingerprint256, new X509Certificate(fs.readFileSync(files.cert)).fingerprint256, 'the generated certificate is served');
  } finally {
    await server?.stop();
    sandbox.dispose();
  }
});

test('Pgpool-II serves TLS from the edited pgpool.conf, the paths relative to its folder', { skip: missing(pgpoolBinary() ?? 'pgpool', 'openssl'), timeout: 180_000 }, async () => {
  const oracle = PgpoolOracle.create();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-confedit-pool-'));
  try {
    const certs = path.join(scratch, 'certs', 'pgtls');
    const r = await runCertCommand({ kind: 'server', folder: certs, serverName: 'localhost', sans: ['127.0.0.1'] }, env);
    assert.equal(r.status, 'written');
    const confPath = path.join(scratch, 'pgpool.conf');
    const e = edited(confPath, "# pgpool.conf\nssl = off\n#ssl_cert = ''\n", { cert: path.join(certs, 'server.crt'), key: path.join(certs, 'server.key'), ca: path.join(certs, 'ca.crt') });
    assert.deepEqual(e.settings.map(s => `${s.key}=${s.value}`), ['ssl=on', 'ssl_cert=certs/pgtls/server.crt', 'ssl_key=certs/pgtls/server.key', 'ssl_ca_cert=certs/pgtls/ca.crt']);
    for (const f of ['server.crt', 'server.key', 'ca.crt']) fs.chmodSync(path.join(certs, f), f.endsWith('.key') ? 0o600 : 0o644);
    assert.deepEqual(tlsProblems(confPath, e.text), []);
    const beside = Object.fromEntries(['server.crt', 'server.key', 'ca.crt'].map(f => [`certs/pgtls/${f}`, fs.readFileSync(path.join(certs, f), 'utf8')]));
    const v = await oracle.confSslStart(e.text, beside);
    assert.ok(v.started, `pgpool did not start:\n${v.log.map(m => m.text).join('\n')}`);
    assert.ok(v.works, `pgpool does not serve TLS (${v.probe}):\n${v.log.map(m => m.text).join('\n')}`);
  } finally {
    oracle.dispose();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
