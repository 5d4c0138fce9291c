/**
 * The pieces behind issue 13's file-side fixes, in process: the one reader (node/readFiles.ts: regular files only,
 * bounded, never a blocking open), the `--include`/`--exclude` filter (checked against its documented meaning), the
 * `.gitignore` escaping of names (git itself as the oracle: `git check-ignore`), the writer's refusal of names with
 * line breaks and of a `.gitignore` link, and the quoting of the kubectl command in Secret manifests (bash as the
 * oracle). FIFO cases keep a writer child ready, so a regression that opened the FIFO would read its few bytes and
 * fail the assertion instead of blocking this process.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileReadError, parseByteSize, readRegularFile, readRegularText, tryReadRegularFile } from '../../server/src/node/readFiles';
import { pathFilter } from '../../server/src/node/listFiles';
import { WriteFilesError, gitignoreLiteral, writeCertFiles } from '../../server/src/node/writeFiles';
import { kubectlCommand } from '../../server/src/certs/manifests';

const LINUX = process.platform === 'linux' ? undefined : 'FIFOs and /proc are Linux';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-read-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function readError(f: () => unknown): FileReadError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof FileReadError, String(e));
    return e;
  }
  assert.fail('expected a FileReadError');
}

test('a FIFO is refused without being opened; a writer waiting on it is never served', { timeout: 30_000, skip: LINUX }, async () => {
  const fifo = path.join(root, 'pipe.conf');
  execFileSync('mkfifo', [fifo]);
  // If the reader opened the FIFO, this writer would give it 3 bytes and an end: the assertion, not a hang, fails.
  const writer = spawn('sh', ['-c', `printf abc > '${fifo}'`], { stdio: 'ignore' });
  try {
    const e = readError(() => readRegularFile(fifo, { maxBytes: 1024 }));
    assert.equal(e.reason, 'not-regular');
    assert.equal(e.detail, 'a FIFO');
    assert.match(e.message, /pipe\.conf is not a regular file: it is a FIFO; pgtls reads only regular files/);
    assert.equal(tryReadRegularFile(fifo, { maxBytes: 1024 }), undefined);
    assert.equal(writer.exitCode, null, 'the writer is still waiting for a reader');
  } finally {
    writer.kill('SIGKILL');
  }
});

test('devices, folders and missing files: refused with what they are', { skip: LINUX }, () => {
  assert.equal(readError(() => readRegularFile('/dev/null', { maxBytes: 10 })).detail, 'a character device');
  assert.equal(readError(() => readRegularFile(root, { maxBytes: 10 })).detail, 'a folder');
  const missing = readError(() => readRegularFile(path.join(root, 'nope'), { maxBytes: 10 }));
  assert.equal(missing.reason, 'missing');
  assert.match(missing.message, /nope does not exist/);
});

test('too large: by size before reading (a sparse file), and by reading when the size lies (/proc)', { skip: LINUX }, () => {
  const big = path.join(root, 'big.conf');
  fs.closeSync(fs.openSync(big, 'w'));
  fs.truncateSync(big, 3 * 1024 * 1024);
  const e = readError(() => readRegularFile(big, { maxBytes: 1024 * 1024, raiseHint: 'raise it with --max-file-size' }));
  assert.equal(e.reason, 'too-large');
  assert.match(e.message, /big\.conf is too large \(3 MiB, more than the 1 MiB pgtls reads; raise it with --max-file-size\)/);
  // /proc/self/maps says size 0 and holds more than 16 bytes: the bounded read stops at the limit.
  assert.equal(fs.statSync('/proc/self/maps').size, 0);
  assert.equal(readError(() => readRegularFile('/proc/self/maps', { maxBytes: 16 })).reason, 'too-large');
  assert.match(readRegularText('/proc/self/status', { maxBytes: 1024 * 1024 }), /^Name:/);
});

test('noFollow refuses a symbolic link; a regular file is read whole', () => {
  const file = path.join(root, 'plain.txt');
  fs.writeFileSync(file, 'x'.repeat(200_000));
  assert.equal(readRegularFile(file, { maxBytes: 200_000 }).length, 200_000);
  assert.equal(readError(() => readRegularFile(file, { maxBytes: 199_999 })).reason, 'too-large');
  const link = path.join(root, 'link.txt');
  fs.symlinkSync(file, link);
  assert.equal(readRegularFile(link, { maxBytes: 200_000 }).length, 200_000);
  assert.equal(readError(() => readRegularFile(link, { maxBytes: 200_000, noFollow: true })).detail, 'a symbolic link');
});

test('--max-file-size values', () => {
  assert.equal(parseByteSize('65536'), 65536);
  assert.equal(parseByteSize('512K'), 512 * 1024);
  assert.equal(parseByteSize('64M'), 64 * 1024 * 1024);
  assert.equal(parseByteSize('1.5MiB'), 1.5 * 1024 * 1024);
  assert.equal(parseByteSize('1g'), 1024 ** 3);
  for (const bad of ['', 'lots', '0', '-1', '12T', 'M']) assert.equal(parseByteSize(bad), undefined, bad);
});

test('--include/--exclude: gitignore-like globs on paths relative to the folder named', () => {
  const f = pathFilter(['dist/**', '*.yaml', '.github'], ['secret', 'k8s/generated/**']);
  assert.equal(f.includes('dist/pgpool.conf'), true);
  assert.equal(f.includes('a/b/c.yaml'), true, 'a glob without "/" matches the name at any depth');
  assert.equal(f.includes('.github/workflows/pgpool.conf'), true, 'a glob matching a folder matches what is in it');
  assert.equal(f.includes('pgpool.conf'), false);
  assert.equal(f.excludes('secret'), true);
  assert.equal(f.excludes('x/secret/pg_hba.conf'), true);
  assert.equal(f.excludes('k8s/generated/a.yaml'), true);
  assert.equal(f.excludes('k8s/a.yaml'), false);
  // Only a glob that names the skipped folder literally opens it: `*.yaml` does not walk node_modules.
  assert.equal(f.opens('dist'), true);
  assert.equal(f.opens('.github'), true);
  assert.equal(f.opens('node_modules'), false);
  assert.equal(f.opens('x/dist'), false, 'dist/** is anchored at the top');
  assert.equal(pathFilter(['**/dist/**'], []).opens('x/dist'), true);
  assert.equal(pathFilter([], []).includes('anything'), true);
});

test('.gitignore lines for literal names: git matches exactly the name (git check-ignore as the oracle)', { skip: LINUX }, () => {
  const repo = path.join(root, 'repo');
  fs.mkdirSync(repo);
  execFileSync('git', ['init', '-q'], { cwd: repo });
  const names = ['a*b', '#hash', '!bang', 'trailing  ', 'br[ack]et', 'back\\slash', 'q?', 'plain.yaml'];
  const decoys: Record<string, string> = { 'a*b': 'aXb', '#hash': 'hash', '!bang': 'bang', 'trailing  ': 'trailing', 'br[ack]et': 'brket', 'back\\slash': 'back', 'q?': 'qx', 'plain.yaml': 'plainXyaml' };
  fs.writeFileSync(path.join(repo, '.gitignore'), names.map(gitignoreLiteral).join('\n') + '\n');
  const ignored = (name: string) => spawnSync('git', ['check-ignore', '-q', '--no-index', '--', name], { cwd: repo }).status === 0;
  for (const n of names) {
    assert.equal(ignored(n), true, `${JSON.stringify(n)} as ${JSON.stringify(gitignoreLiteral(n))}`);
    assert.equal(ignored(decoys[n]!), false, `${JSON.stringify(decoys[n])} must not match ${JSON.stringify(gitignoreLiteral(n))}`);
  }
  for (const bad of ['x\n!*.key', 'x\r', 'a/b']) assert.throws(() => gitignoreLiteral(bad), WriteFilesError, JSON.stringify(bad));
});

test('the writer refuses a name with a line break, and never appends through a .gitignore link', { skip: LINUX }, async () => {
  const dir = path.join(root, 'w');
  await assert.rejects(writeCertFiles(dir, [{ name: 'x\n!*.key', contents: 'c', secret: false }]), /line break or another control character/);
  await assert.rejects(writeCertFiles(dir, [{ name: 'ok.crt', contents: 'c', secret: false }], { ignore: ['m\n!*.key'] }), /cannot list/);
  assert.equal(fs.existsSync(dir), false, 'nothing was created');
  fs.mkdirSync(dir, { mode: 0o700 });
  const target = path.join(root, 'shared-gitignore');
  fs.writeFileSync(target, 'node_modules\n');
  fs.symlinkSync(target, path.join(dir, '.gitignore'));
  const r = await writeCertFiles(dir, [{ name: 'a.key', contents: 'k', secret: true }], { ignore: ['s*.yaml'] });
  assert.equal(r.gitignore, 'refused');
  assert.equal(fs.readFileSync(target, 'utf8'), 'node_modules\n');
  assert.ok(r.warnings.some(w => /is a symbolic link, so pgtls did not add to it: .*\*\.key \*\.pk8 s\\\*\.yaml/.test(w)), r.warnings.join('\n'));
});

test('kubectl command in a manifest comment: a folder name with line breaks stays one shell word (bash as the oracle)', { skip: LINUX }, () => {
  const dir = 'certs\n---\nkind: ConfigMap\u2028#\t\'quote\' \\ end';
  const cmd = kubectlCommand({ name: 'pg-tls', type: 'kubernetes.io/tls' }, { 'tls.crt': `${dir}/server.crt` });
  assert.ok(!/[\n\r\u2028]/.test(cmd), cmd);
  const words = spawnSync('bash', ['-c', `set -- ${cmd}; printf '%s\\0' "$@"`], { encoding: 'utf8' }).stdout.split('\0').slice(0, -1);
  assert.deepEqual(words, ['kubectl', 'create', 'secret', 'generic', 'pg-tls', '--type=kubernetes.io/tls', `--from-file=tls.crt=${dir}/server.crt`, '--dry-run=client', '-o', 'yaml']);
});
