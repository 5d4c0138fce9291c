/**
 * The CLI contract, checked from outside through the bundled `dist/cli.js` (built by `npm test` before the suites):
 * arguments, exit codes, the JSON shape with 1-based positions, SARIF, folder walking and usage errors.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist/cli.js');

function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('the bundle exists (npm test builds it first)', () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run npm run build');
});

test('bad usage exits 2 with a clear message on stderr', () => {
  for (const [args, needle] of [
    [['check'], 'at least one file'],
    [['check', '--format', 'xml', '.'], '--format must be text, json or sarif'],
    [['check', '--format'], '--format needs a value'],
    [['check', '--pgpool-version', '3.9', '.'], '--pgpool-version must be one of'],
    [['check', '--postgres-version', 'twelve', '.'], '--postgres-version must be one of'],
    [['check', '--frobnicate', '.'], 'unknown option --frobnicate'],
    [['check', '--path-map', 'etc/pgpool2=./certs', '.'], '--path-map must be FROM=TO'],
    [['check', '--path-map', '/etc/pgpool2', '.'], '--path-map must be FROM=TO'],
    [['check', '--path-map=/etc/pgpool2=', '.'], '--path-map must be FROM=TO'],
    [['check', '--path-map'], '--path-map needs a value'],
    [['check', '/definitely/not/here'], 'no such file or folder'],
    [['launch'], 'unknown command'],
    [[], 'Usage:'],
  ] as [string[], string][]) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}`);
    assert.match(r.err + r.out, new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), args.join(' '));
    assert.equal(r.out.includes('"diagnostics"'), false);
  }
});

test('--help and --version exit 0', () => {
  assert.equal(cli(['--help']).code, 0);
  assert.match(cli(['--help']).out, /pgtls check/);
  assert.match(cli(['--version']).out, /^\d+\.\d+\.\d+/);
});

test('a clean folder: exit 0, JSON with an empty list', () => {
  const dir = workspace({ 'pgpool.conf': "port = 9999\nlisten_addresses = 'localhost'\n", 'notes.txt': 'not ours' });
  const r = cli(['check', '--format', 'json', dir]);
  assert.equal(r.code, 0, r.out + r.err);
  // The JSON output only ever gains fields: `summary` came after `diagnostics`.
  assert.deepEqual(JSON.parse(r.out), { diagnostics: [], summary: { checked: 1, skipped: [], linkedOutside: [] } });
});

test('errors: exit 1 and the JSON contract (1-based, relative paths as given, severity words)', () => {
  const dir = workspace({ 'a/pgpool.conf': 'port = 9999\n  socket_dir = /var/run/pgpool\n' });
  const r = cli(['check', '--format', 'json', '--pgpool-version', '4.3', 'a'], dir);
  assert.equal(r.code, 1, r.out + r.err);
  const json = JSON.parse(r.out) as { diagnostics: Record<string, unknown>[] };
  assert.ok(json.diagnostics.length >= 1);
  for (const d of json.diagnostics) {
    assert.deepEqual(Object.keys(d).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity']);
    assert.equal(d.file, path.join('a', 'pgpool.conf'));
    assert.ok(['error', 'warning', 'info', 'hint'].includes(d.severity as string));
    assert.match(d.rule as string, /^[a-z-]+\/[a-z0-9-]+$/);
    assert.ok((d.line as number) >= 1 && (d.column as number) >= 1);
  }
  const err = json.diagnostics.find(d => d.severity === 'error')!;
  assert.equal(err.line, 2, 'the syntax error is on line 2');
  assert.ok((err.column as number) >= 3, 'and after the indentation');
});

test('text and sarif formats carry the same findings', () => {
  const dir = workspace({ 'pgpool.conf': '  socket_dir = /var/run/pgpool\n' });
  const json = JSON.parse(cli(['check', '--format', 'json', dir]).out) as { diagnostics: { rule: string; line: number }[] };
  const text = cli(['check', dir]);
  assert.equal(text.code, 1);
  for (const d of json.diagnostics) assert.ok(text.out.includes(`:${d.line}:`) && text.out.includes(d.rule));
  assert.match(text.out, /1 file checked/);
  const sarif = cli(['check', '--format', 'sarif', dir]);
  assert.equal(sarif.code, 1);
  const s = JSON.parse(sarif.out);
  assert.equal(s.version, '2.1.0');
  const results = s.runs[0].results as { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
  assert.deepEqual(results.map(x => `${x.ruleId}@${x.locations[0]!.physicalLocation.region.startLine}`).sort(),
    json.diagnostics.map(d => `${d.rule}@${d.line}`).sort());
  const ruleIds = new Set((s.runs[0].tool.driver.rules as { id: string }[]).map(x => x.id));
  for (const x of results) assert.ok(ruleIds.has(x.ruleId));
});

test('--path-map FROM=TO (repeatable, TO from the current folder) checks container paths in local folders', () => {
  const dir = workspace({
    'conf/pgpool.conf': "ssl = on\nssl_cert = '/etc/pgpool2/certs/server.crt'\nssl_key = '/etc/pgpool2/certs/server.key'\nssl_ca_cert = '/etc/ssl/ca/root.crt'\n",
    'certs/server.crt': 'not a certificate\n',
    'ca/.keep': '',
  });
  const json = (r: { out: string }) => (JSON.parse(r.out) as { diagnostics: { rule: string; severity: string; message: string }[] }).diagnostics;
  // Without a mapping: paths outside the current folder and the paths given are notes, and the run passes.
  const plain = cli(['check', '--format', 'json', 'conf'], dir);
  assert.equal(plain.code, 0, plain.out + plain.err);
  assert.deepEqual(json(plain).map(d => `${d.rule}:${d.severity}`), Array(3).fill('pgtls/path-not-checked:info'));
  assert.match(json(plain)[0]!.message, /--path-map \/etc\/pgpool2\/certs=\.\/certs/);
  const mapped = cli(['check', '--format', 'json', '--path-map', '/etc/pgpool2/certs=certs', '--path-map=/etc/ssl/ca=./ca', 'conf'], dir);
  assert.equal(mapped.code, 1, mapped.out + mapped.err);
  assert.deepEqual(json(mapped).map(d => d.rule).sort(), ['pgpool-conf/ssl-cert-invalid', 'pgpool-conf/ssl-file-missing', 'pgpool-conf/ssl-file-missing']);
  const key = json(mapped).find(d => d.message.startsWith('ssl_key:'))!;
  assert.match(key.message, /"\/etc\/pgpool2\/certs\/server\.key" \(mapped to \.\/certs\/server\.key by the path mapping \/etc\/pgpool2\/certs\) does not exist/);
  assert.ok(json(mapped).some(d => /mapped to \.\/ca\/root\.crt by the path mapping \/etc\/ssl\/ca/.test(d.message)), 'the second --path-map applies too');
  assert.match(cli(['check', '--help']).out, /--path-map FROM=TO/);
});

test('folders are walked and files are recognised by name', () => {
  const dir = workspace({
    'x/pgpool.conf': "port = 9999\n",
    'x/y/pool_hba.conf': 'local all all trust\n',
    'x/z/pg_hba.conf': 'local all all peer\n',
    'x/z/staging.pgpool.conf': "port = 9999\n",
    'x/node_modules/pgpool.conf': "  socket_dir = /bad\n",
    'x/other.conf': 'whatever = 1\n',
  });
  const r = cli(['check', dir]);
  assert.match(r.out, /4 files checked/, r.out);
});

test('pool_passwd files are found in a folder walk and reported with the same JSON contract, never with the secret', () => {
  const dir = workspace({
    'pgpool/pgpool.conf': "enable_pool_hba = on\nbackend_port0 = 5432\nbackend_port1 = 5433\n",
    'pgpool/pool_hba.conf': 'host all bob 10.0.0.0/8 scram-sha-256\n',
    'pgpool/pool_passwd': 'alice:Hunter2Zq\nbob:md5e8a48653851e28c69d0506508fb27fc5\n',
    'other/staging.pool_passwd': 'carol:TEXTx\r\n',
  });
  const r = cli(['check', '--format', 'json', '.'], dir);
  assert.equal(r.code, 1, r.out + r.err);
  const json = JSON.parse(r.out) as { diagnostics: Record<string, unknown>[] };
  const got = json.diagnostics.map(d => `${d.file} ${d.line} ${d.rule}`).sort();
  assert.deepEqual(got, [
    `${path.join('other', 'staging.pool_passwd')} 1 pool-passwd/crlf`,
    `${path.join('pgpool', 'pool_hba.conf')} 1 pool-hba/pool-passwd-entry-type`,
    `${path.join('pgpool', 'pool_passwd')} 1 pool-passwd/clear-text-password`,
    `${path.join('pgpool', 'pool_passwd')} 2 pool-passwd/md5-backend-login`,
  ]);
  for (const d of json.diagnostics) {
    assert.deepEqual(Object.keys(d).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity']);
    assert.ok(!String(d.message).includes('Hunter2Zq') && !String(d.message).includes('e8a48653851e'), String(d.message));
  }
  assert.match(cli(['check', dir]).out, /4 files checked/);
});

test('an explicit file pgtls does not know is skipped with a note on stderr; nothing checked is exit 2', () => {
  const dir = workspace({ 'other.conf': 'x = 1\n' });
  const r = cli(['check', path.join(dir, 'other.conf')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /skipped .*other\.conf/);
  assert.match(r.err, /warning: no files checked/);
  assert.match(r.out, /^0 files checked/m);
  assert.match(r.out, /Skipped 1 file pgtls does not recognise by name .*other\.conf/);
  // The note lists every name the languages table knows, the newer languages included.
  for (const name of ['postgresql.conf', 'pg_ident.conf', 'pgbouncer.ini', 'userlist.txt', 'pgbouncer_hba.conf']) assert.ok(r.err.includes(name), name);
});

test('a folder walk finds the PostgreSQL and PgBouncer files by name', () => {
  const dir = workspace({
    'pg/postgresql.conf': "ssl = off\n", 'pg/pg_ident.conf': 'm alice alice\n', 'bouncer/pgbouncer.ini': '[databases]\n[pgbouncer]\nauth_type = trust\n',
    'bouncer/userlist.txt': '"alice" "pw"\n', 'bouncer/pgbouncer_hba.conf': 'local all all trust\n', 'notes.txt': 'x\n',
  });
  assert.match(cli(['check', dir]).out, /5 files checked/);
});

test('pgtls rules lists every rule id once', () => {
  const r = cli(['rules', '--format', 'json']);
  assert.equal(r.code, 0);
  const rules = JSON.parse(r.out) as { id: string }[];
  assert.equal(new Set(rules.map(x => x.id)).size, rules.length);
  assert.ok(rules.some(x => x.id === 'pgtls/binary-file'));
});

test('the npx bin entry runs the same CLI', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/pgtls.js'), '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
});

test('cert set: the contract command writes the six files, keys 0600 in a 0700 folder, and refuses to overwrite', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-cli-cert-')), 'certs');
  const args = ['cert', 'set', '--out', dir, '--algorithm', 'ecdsa-p256', '--server-name', 'db.example.internal', '--san', '10.0.0.5', '--client-user', 'app'];
  const r = cli(args);
  assert.equal(r.code, 0, r.err);
  for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key']) assert.ok(fs.existsSync(path.join(dir, f)), f);
  for (const f of ['ca.key', 'server.key', 'client.key']) assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  assert.ok(!/PRIVATE KEY/.test(r.out + r.err), 'no key material printed');
  const before = fs.readFileSync(path.join(dir, 'server.key'), 'utf8');
  const again = cli(args);
  assert.equal(again.code, 2);
  assert.match(again.err, /--force/);
  assert.equal(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), before, 'nothing was overwritten');
  assert.equal(cli([...args, '--force']).code, 0);
  assert.notEqual(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), before);
  const inspect = cli(['inspect', path.join(dir, 'server.crt')]);
  assert.equal(inspect.code, 0);
  assert.match(inspect.out, /DNS:db\.example\.internal/);
  assert.match(inspect.out, /IP Address:10\.0\.0\.5/);
});

test('cert set: weak or unknown algorithms and missing flags are usage errors (exit 2)', () => {
  const out = path.join(os.tmpdir(), 'pgtls-never-written');
  for (const [args, needle] of [
    [['cert', 'set', '--out', out, '--algorithm', 'rsa-1024', '--server-name', 'x', '--client-user', 'u'], 'rsa-1024'],
    [['cert', 'set', '--out', out, '--algorithm', 'dsa', '--server-name', 'x', '--client-user', 'u'], 'ecdsa-p256'],
    [['cert', 'set', '--server-name', 'x', '--client-user', 'u'], '--out'],
    [['cert', 'set', '--out', out, '--client-user', 'u'], '--server-name'],
  ] as [string[], string][]) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.ok(r.err.toLowerCase().includes(needle), `${args.join(' ')}: ${r.err}`);
  }
  assert.equal(fs.existsSync(out), false);
});
