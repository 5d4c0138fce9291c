/**
 * Hostile input that servers refuse and pgtls used to pass (issue 13, items 1 and 6): NUL bytes and files saved as
 * UTF-16, YAML over the size limit, with a NUL byte or with CR-only line ends, an 8 MB base64 Secret value, index 128
 * of a per-node parameter with a value Pgpool-II checks, errors inside included pgpool.conf files, include loops and
 * nesting, `@file` name lists that include themselves or hold no names. The verdicts were taken from Pgpool-II 4.3.5,
 * PostgreSQL 15 and kubectl (test/interop/hostileOracle.test.ts asserts the server side). Every test has a timeout;
 * the large inputs run in a child process with a heap limit.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/core/text';
import type { Problem } from '../../server/src/core/types';
import { ROOT, check, testService } from '../helpers';

const service = testService();
const T = { timeout: 60_000 };

/** UTF-16LE text with a byte-order mark, read back as UTF-8 (what the CLI and a file read see). */
const utf16 = (s: string): string => Buffer.from(`\ufeff${s}`, 'utf16le').toString('utf8');
const lineOf = (text: string, p: Problem): number => new LineIndex(text).positionAt(p.span[0]).line + 1;
const errors = (ps: Problem[]): Problem[] => ps.filter(p => p.severity === 'error');
const rules = (ps: Problem[]): string[] => ps.map(p => `${p.severity} ${p.rule}`).sort();

/** A folder with these files (relative path → text), removed after the test. */
function folder(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-hostile-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Runs `body` (TypeScript; `check`, `testService` and `fs` in scope) in a child process with a heap of `heapMb`; returns its JSON output. */
function inChild(body: string, heapMb: number, timeoutMs = 90_000): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-hostile-child-'));
  try {
    const file = path.join(dir, 'run.ts');
    fs.writeFileSync(file, [
      `import { check, testService } from ${JSON.stringify(path.join(ROOT, 'test/helpers'))};`,
      'const service = testService();',
      `const out = (() => { ${body} })();`,
      'process.stdout.write(JSON.stringify(out));',
    ].join('\n'));
    const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', file],
      { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    assert.equal(r.signal, null, `the child was killed (${r.signal}): time or memory bound exceeded\n${r.stderr}`);
    assert.equal(r.status, 0, `the child failed:\n${r.stderr}`);
    return JSON.parse(r.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('NUL bytes: the files whose servers read them are validated as those servers read them', T, () => {
  // pgpool.conf: a NUL in a comment passes (Pgpool-II starts), elsewhere it is a syntax error.
  let text = '# a comment \0 with a NUL byte\nport = 9999\n';
  let ps = check(service, '/nowhere/pgpool.conf', text, { checkFiles: false });
  assert.deepEqual(rules(ps), ['warning pgtls/binary-file']);
  assert.deepEqual(ps[0]!.span, [12, 13]);
  text = "listen_addresses = 'a\0b'\nport = 99\u000099\n";
  ps = check(service, '/nowhere/pgpool.conf', text, { checkFiles: false });
  assert.deepEqual(errors(ps).map(p => lineOf(text, p)), errors(ps).map(() => 2));
  assert.ok(errors(ps).some(p => p.rule === 'pgpool-conf/syntax-error'));
  // postgresql.conf: the same flex rules.
  text = 'work_mem = 4\0MB\n';
  ps = check(service, '/nowhere/postgresql.conf', text, { checkFiles: false });
  assert.deepEqual(rules(ps), ['error postgresql-conf/syntax-error', 'warning pgtls/binary-file']);
  // The hba files: both servers never read the rest of a line after a NUL byte; pgpool reads the next line on its
  // own, PostgreSQL onto the text before the NUL ("trusthost").
  text = 'local all all trust\0 garbage after the NUL\nhost all all 127.0.0.1/32 trust\n';
  assert.deepEqual(errors(check(service, '/nowhere/pool_hba.conf', text, { checkFiles: false })), []);
  ps = check(service, '/nowhere/pg_hba.conf', text, { checkFiles: false });
  assert.deepEqual(errors(ps).map(p => `${p.rule} ${text.slice(p.span[0], p.span[1])}`), ['pg-hba/invalid-method trust\0 garbage after the NUL\nhost']);
  ps = check(service, '/nowhere/pg_hba.conf', 'hostssl all al\0ice 10.0.0.0/8 scram-sha-256\n', { checkFiles: false });
  assert.deepEqual(errors(ps).map(p => p.rule), ['pg-hba/missing-field']);
  // A file pgtls does not read NUL bytes in is still only "not validated".
  ps = check(service, '/nowhere/pgbouncer.ini', '[pgbouncer]\n\0\n', { checkFiles: false });
  assert.deepEqual(rules(ps), ['warning pgtls/binary-file']);
  assert.match(ps[0]!.message, /^Not validated/);
});

test('a file saved as UTF-16 is refused where the server refuses it, and said to be UTF-16', T, () => {
  for (const [file, body, rule] of [
    ['pgpool.conf', 'port = 9999\nssl = off\n', 'pgpool-conf/syntax-error'],
    ['pool_hba.conf', 'hostssl all all 10.0.0.0/8 scram-sha-256\n', 'pool-hba/invalid-connection-type'],
    ['pg_hba.conf', 'local all all peer\n', 'pg-hba/invalid-connection-type'],
    ['postgresql.conf', "listen_addresses = '*'\n", 'postgresql-conf/syntax-error'],
  ] as const) {
    const text = utf16(body);
    const ps = check(service, `/nowhere/${file}`, text, { checkFiles: false });
    const first = errors(ps)[0];
    assert.ok(first && lineOf(text, first) === 1, `${file}: an error on line 1, got ${rules(ps).join(', ')}`);
    assert.ok(errors(ps).some(p => p.rule === rule), `${file}: ${rule} among ${rules(ps).join(', ')}`);
    const note = ps.find(p => p.rule === 'pgtls/binary-file');
    assert.ok(note && /saved as UTF-16/.test(note.message) && note.severity === 'warning', `${file}: the UTF-16 note`);
  }
});

test('YAML with CR-only line ends is read as kubectl reads it (CR is a line break)', T, () => {
  const lf = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: abc\n';
  const cr = lf.replace(/\n/g, '\r');
  const want = check(service, '/nowhere/secret.yaml', lf).map(p => `${p.span} ${p.rule}`);
  assert.ok(want.some(w => w.endsWith(' schema/pattern')), `the LF file has its findings: ${want.join(', ')}`);
  assert.deepEqual(check(service, '/nowhere/secret.yaml', cr).map(p => `${p.span} ${p.rule}`), want);
  // Mixed with CRLF: the same again.
  assert.deepEqual(check(service, '/nowhere/secret.yaml', lf.replace(/\n/g, (_m, i: number) => (i % 2 ? '\r\n' : '\r'))).length, want.length);
});

test('YAML with a NUL byte: an error in a Kubernetes manifest (kubectl refuses it), silence elsewhere', T, () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "b\0"\n';
  const ps = check(service, '/nowhere/cm.yaml', text);
  assert.deepEqual(ps.map(p => `${p.severity} ${p.rule} ${p.span}`), [`error pgtls/binary-file ${text.indexOf('\0')},${text.indexOf('\0') + 1}`]);
  assert.match(ps[0]!.message, /control characters are not allowed/);
  assert.deepEqual(check(service, '/nowhere/values.yaml', 'replicas: 3\0\n'), []);
});

test('files over 16 Mi characters: "not validated" (a YAML file when it is a manifest); bounded in time and memory', { timeout: 120_000 }, () => {
  const out = inChild(`
    const big = 'x'.repeat(16 * 1024 * 1024 + 1);
    const show = (ps: { severity: string; rule: string; span: number[]; message: string }[]) => ps.map(p => [p.severity, p.rule, p.span.join(','), p.message.slice(0, 13)].join(' '));
    return {
      manifest: show(check(service, '/nowhere/big.yaml', 'apiVersion: v1\\nkind: ConfigMap\\ndata:\\n  a: ' + big + '\\n')),
      other: show(check(service, '/nowhere/data.yaml', 'a: ' + big + '\\n')),
      conf: show(check(service, '/nowhere/pgpool.conf', '# ' + big + '\\n', { checkFiles: false })),
      heapMb: Math.round(process.memoryUsage().heapUsed / 1048576),
    };`, 256) as Record<string, string[] | number>;
  assert.deepEqual(out.manifest, ['warning pgtls/file-too-large 0,0 Not validated']);
  assert.deepEqual(out.other, []);
  assert.deepEqual(out.conf, ['warning pgtls/file-too-large 0,0 Not validated']);
});

test('an 8 MB base64 Secret value is checked without overflowing the stack; a length not in fours is an error', { timeout: 120_000 }, () => {
  const out = inChild(`
    const value = require('node:crypto').randomBytes(6 * 1024 * 1024).toString('base64');
    const head = 'apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: x\\ntype: kubernetes.io/tls\\ndata:\\n';
    const big = check(service, '/nowhere/secret.yaml', head + '  tls.crt: ' + value + '\\n  tls.key: ' + value.slice(0, 4096) + '\\n');
    const short = check(service, '/nowhere/secret.yaml', head + '  tls.crt: ' + value.slice(1) + '\\n  tls.key: YWJj\\n');
    return { big: big.map(p => p.rule), short: short.map(p => p.rule + ' ' + p.span.join(',')), length: value.length };`, 512) as { big: string[]; short: string[]; length: number };
  assert.ok(out.length > 8_000_000);
  assert.ok(!out.big.includes('pgtls/internal-error'), `no internal error: ${out.big.join(', ')}`);
  assert.deepEqual(out.big.sort(), ['secret/not-pem', 'secret/not-pem', 'secret/too-large'], '6 MiB of values: the API server refuses the Secret too');
  const crt = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ntype: kubernetes.io/tls\ndata:\n  tls.crt: '.length;
  assert.ok(out.short.includes(`schema/pattern ${crt},${crt + out.length - 1}`), `the shortened value is not valid base64: ${out.short.join(', ')}`);
  // Small values: the same verdicts as Go's decoder (characters in fours, line breaks ignored, at most two '=').
  const head = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n';
  const verdict = (v: string) => check(service, '/nowhere/s.yaml', `${head}  a: ${JSON.stringify(v)}\n`).some(p => p.rule === 'schema/pattern');
  assert.deepEqual(['YWJj', 'YWI=', 'YQ==', 'YW\nJj', 'abc', 'ab=c', 'a===', 'YWJjZA=', '-----BEGIN'].map(verdict),
    [false, false, false, false, true, true, true, true, true]);
});

test('node number 128 (past the last slot): the value is still checked as Pgpool-II checks it', T, () => {
  const text = 'backend_port128 = 99999999\nbackend_weight128 = -5\nhealth_check_period128 = abc\nbackend_port128 = 5432\n';
  const ps = check(service, '/nowhere/pgpool.conf', text, { checkFiles: false, pgpoolVersion: '4.3' });
  assert.deepEqual(errors(ps).map(p => `${lineOf(text, p)} ${p.rule}`), ['1 pgpool-conf/out-of-range', '2 pgpool-conf/out-of-range', '3 pgpool-conf/invalid-number']);
  assert.equal(ps.filter(p => p.rule === 'pgpool-conf/array-index' && p.severity === 'warning').length, 4);
});

test('pgpool.conf includes: an error in an included file, a loop, more than 10 levels, a missing file deeper down', T, t => {
  const chain = (n: number): Record<string, string> => {
    const files: Record<string, string> = { 'pgpool.conf': "include = 'c1.conf'\n" };
    for (let i = 1; i <= n; i++) files[`c${i}.conf`] = i < n ? `include = 'c${i + 1}.conf'\n` : 'port = 9999\n';
    return files;
  };
  const run = (files: Record<string, string>) => {
    const dir = folder(t, files);
    return check(service, path.join(dir, 'pgpool.conf'), files['pgpool.conf']!, { pgpoolVersion: '4.3' });
  };
  assert.deepEqual(errors(run(chain(10))), [], 'ten levels are allowed');
  const deep = errors(run(chain(11)));
  assert.deepEqual(deep.map(p => `${p.rule} ${p.span}`), ['pgpool-conf/include-not-found 10,19']);
  assert.match(deep[0]!.message, /more than 10 levels.*c11\.conf.*maximum nesting depth exceeded/);

  const loop = errors(run({ 'pgpool.conf': "port = 9999\ninclude = 'b.conf'\n", 'b.conf': "include = 'c.conf'\n", 'c.conf': "include = 'b.conf'\n" }));
  assert.deepEqual(loop.map(p => `${p.rule} ${p.span}`), ['pgpool-conf/include-not-found 22,30']);
  assert.match(loop[0]!.message, /"b\.conf" → "c\.conf" → "b\.conf"/);

  const inner = errors(run({ 'pgpool.conf': "include = 'b.conf'\nport = 9999\n", 'b.conf': '# tuning\nnum_init_children = 32\nport = 99999999\nnot_a_parameter = 1\nchild_life_time = -1\n' }));
  assert.deepEqual(inner.map(p => `${p.rule} ${p.span}`), ['pgpool-conf/out-of-range 10,18']);
  assert.match(inner[0]!.message, /^Pgpool-II does not start because of the included file "b\.conf", line 3 \(and 1 more error there\): "port"/);

  const missing = errors(run({ 'pgpool.conf': "include = 'b.conf'\n", 'b.conf': "include = 'gone.conf'\n" }));
  assert.deepEqual(missing.map(p => p.rule), ['pgpool-conf/include-not-found']);
  assert.match(missing[0]!.message, /included file "b\.conf", line 1: .*gone\.conf.* does not exist/);

  // Without file checks nothing is read.
  const dir = folder(t, { 'pgpool.conf': "include = 'b.conf'\n", 'b.conf': 'port = 1\n' });
  assert.deepEqual(errors(check(service, path.join(dir, 'pgpool.conf'), "include = 'b.conf'\n", { checkFiles: false })), []);
});

test('@file name lists: a loop through other lists or through the hba file, an empty list alone in its field', T, t => {
  const run = (name: string, files: Record<string, string>) => {
    const dir = folder(t, files);
    return check(service, path.join(dir, name), files[name]!, { checkFiles: true });
  };
  for (const [name, server] of [['pool_hba.conf', /segmentation fault/], ['pg_hba.conf', /exceeded maxAllocatedDescs/]] as const) {
    const scope = name === 'pool_hba.conf' ? 'pool-hba' : 'pg-hba';
    const self = run(name, { [name]: `hostssl all @${name} 10.0.0.0/8 scram-sha-256\n` });
    assert.deepEqual(errors(self).map(p => `${p.rule} ${p.span}`), [`${scope}/include-file-loop 12,${13 + name.length}`]);
    assert.match(self.find(p => p.rule.endsWith('include-file-loop'))!.message, server);
    const nested = run(name, { [name]: 'hostssl all @a 10.0.0.0/8 scram-sha-256\n', a: 'alice @b\n', b: 'bob\n# more\n@c\n', c: 'carol\n' });
    assert.deepEqual(errors(nested), [], 'nested lists without a loop');
    const gone = run(name, { [name]: 'hostssl all @a 10.0.0.0/8 scram-sha-256\n', a: 'alice @b\n' });
    assert.deepEqual(errors(gone).map(p => p.rule), [`${scope}/missing-include-file`]);
    const two = run(name, { [name]: 'hostssl @a,@b all 10.0.0.0/8 scram-sha-256\nlocal all all trust\n', a: '', b: '# nobody\n' });
    assert.deepEqual(errors(two).map(p => `${p.rule} ${p.span}`), [`${scope}/empty-include-file 8,13`]);
    assert.match(errors(two)[0]!.message, /reads this line as "hostssl all 10\.0\.0\.0\/8 scram-sha-256"/);
  }
});

test('pgtls check exits 1 for a pgpool.conf whose included file stops Pgpool-II (and 0 once it is fixed)', { timeout: 120_000 }, t => {
  const dir = folder(t, { 'pgpool.conf': "include = 'tuning.conf'\n", 'tuning.conf': 'num_init_children = 0\n' });
  const cli = () => spawnSync(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', path.join(ROOT, 'server/src/cli/main.ts'), 'check', '--format', 'json', dir],
    { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  let r = cli();
  assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /included file \\"tuning\.conf\\", line 1/);
  fs.writeFileSync(path.join(dir, 'tuning.conf'), 'num_init_children = 32\n');
  r = cli();
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});
