/**
 * The key writer: 0700 folder, 0600 keys / 0644 certificates, atomic placement, refusal without force (nothing
 * written), replacement with force, .gitignore handling, and no temporary files left behind on any path.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExistingFilesError, WriteFilesError, writeCertFiles, type FileToWrite } from '../../server/src/node/writeFiles';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-write-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, `d${++n}`);
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const tempFiles = (dir: string) => fs.readdirSync(dir).filter(f => f.endsWith('.tmp'));
const POSIX = process.platform !== 'win32';

const FILES: FileToWrite[] = [
  { name: 'ca.crt', contents: 'CERT\n', secret: false },
  { name: 'ca.key', contents: 'KEY\n', secret: true },
  { name: 'client.pk8', contents: new Uint8Array([0, 1, 2, 255]), secret: true },
];

describe('writeCertFiles', { skip: POSIX ? undefined : 'file modes are POSIX-only' }, () => {
  test('creates the folder (and parents) 0700, keys 0600, certificates 0644, bytes exact', async () => {
    const dir = path.join(fresh(), 'nested', 'certs');
    const r = await writeCertFiles(dir, FILES);
    assert.equal(r.createdDir, true);
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(path.join(dir, 'ca.crt')), 0o644);
    assert.equal(mode(path.join(dir, 'ca.key')), 0o600);
    assert.equal(mode(path.join(dir, 'client.pk8')), 0o600);
    assert.equal(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), 'KEY\n');
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'client.pk8'))], [0, 1, 2, 255]);
    assert.deepEqual(r.files.map(f => [f.name, f.mode, f.secret, f.replaced]), [['ca.crt', 0o644, false, false], ['ca.key', 0o600, true, false], ['client.pk8', 0o600, true, false]]);
    assert.deepEqual(tempFiles(dir), []);
    assert.deepEqual(r.warnings, []);
  });

  test('modes are exact whatever the umask', async () => {
    const old = process.umask(0o077);
    try {
      const dir = fresh();
      await writeCertFiles(dir, FILES);
      assert.equal(mode(path.join(dir, 'ca.crt')), 0o644);
      assert.equal(mode(dir), 0o700);
    } finally {
      process.umask(old);
    }
    const old2 = process.umask(0);
    try {
      const dir = fresh();
      await writeCertFiles(dir, FILES);
      assert.equal(mode(path.join(dir, 'ca.key')), 0o600);
      assert.equal(mode(dir), 0o700);
    } finally {
      process.umask(old2);
    }
  });

  test('without force: any existing target refuses the whole write, names it, and writes nothing', async () => {
    const dir = fresh();
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'ca.key'), 'OLD', { mode: 0o600 });
    await assert.rejects(writeCertFiles(dir, FILES), (e: Error) => {
      assert.ok(e instanceof ExistingFilesError);
      assert.deepEqual(e.existing, [path.join(dir, 'ca.key')]);
      assert.equal(e.message, `refusing to overwrite existing file: ${path.join(dir, 'ca.key')}`);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ca.key']);
    assert.equal(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), 'OLD');
  });

  test('a dangling symlink counts as existing; with force it is replaced by a file, its target untouched', async () => {
    const dir = fresh();
    fs.mkdirSync(dir, { mode: 0o700 });
    const elsewhere = path.join(root, `victim-${n}`);
    fs.symlinkSync(elsewhere, path.join(dir, 'ca.key'));
    await assert.rejects(writeCertFiles(dir, FILES), ExistingFilesError);
    assert.equal(fs.existsSync(elsewhere), false);
    const r = await writeCertFiles(dir, FILES, { force: true });
    assert.equal(fs.lstatSync(path.join(dir, 'ca.key')).isFile(), true);
    assert.equal(fs.existsSync(elsewhere), false, 'the write must not follow the link');
    assert.equal(r.files.find(f => f.name === 'ca.key')!.replaced, true);
  });

  test('with force: existing files are replaced atomically (new inode) with the right modes', async () => {
    const dir = fresh();
    await writeCertFiles(dir, FILES);
    fs.chmodSync(path.join(dir, 'ca.key'), 0o644);
    const before = fs.statSync(path.join(dir, 'ca.key')).ino;
    const r = await writeCertFiles(dir, [{ name: 'ca.key', contents: 'NEW\n', secret: true }], { force: true });
    assert.equal(r.files[0]!.replaced, true);
    assert.notEqual(fs.statSync(path.join(dir, 'ca.key')).ino, before);
    assert.equal(mode(path.join(dir, 'ca.key')), 0o600);
    assert.equal(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'), 'NEW\n');
    assert.deepEqual(tempFiles(dir), []);
  });

  test('an existing empty folder open to others is tightened to 0700', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o755);
    const r = await writeCertFiles(dir, FILES);
    assert.equal(r.createdDir, false);
    assert.equal(mode(dir), 0o700);
    assert.deepEqual(r.warnings, []);
  });

  test('a populated folder open to others is left as it is, with a warning', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'README'), 'mine');
    fs.chmodSync(dir, 0o755);
    const r = await writeCertFiles(dir, FILES);
    assert.equal(mode(dir), 0o755);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /accessible to group or others \(mode 0755\).*chmod 700/);
    assert.equal(mode(path.join(dir, 'ca.key')), 0o600);
  });

  test('.gitignore: created with *.key and *.pk8; a user\'s file is appended to, never rewritten; opt-out', async () => {
    const a = fresh();
    const r = await writeCertFiles(a, FILES);
    assert.equal(r.gitignore, 'created');
    const lines = fs.readFileSync(path.join(a, '.gitignore'), 'utf8').split('\n');
    assert.ok(lines.includes('*.key') && lines.includes('*.pk8'));
    assert.equal((await writeCertFiles(a, [{ name: 'x.crt', contents: 'c', secret: false }])).gitignore, 'unchanged');

    const b = fresh();
    fs.mkdirSync(b, { mode: 0o700 });
    fs.writeFileSync(path.join(b, '.gitignore'), 'node_modules/\n*.key');
    assert.equal((await writeCertFiles(b, FILES)).gitignore, 'appended');
    assert.equal(fs.readFileSync(path.join(b, '.gitignore'), 'utf8'), 'node_modules/\n*.key\n*.pk8\n');

    const c = fresh();
    assert.equal((await writeCertFiles(c, FILES, { gitignore: false })).gitignore, 'skipped');
    assert.equal(fs.existsSync(path.join(c, '.gitignore')), false);

    const d = fresh();
    await writeCertFiles(d, [{ name: 'secrets.yaml', contents: 'x', secret: true }], { ignore: ['secrets.yaml'] });
    assert.match(fs.readFileSync(path.join(d, '.gitignore'), 'utf8'), /^secrets\.yaml$/m);
  });

  test('a failure while staging leaves no temporary file and no target', async () => {
    const dir = fresh();
    // The staged name of this file exceeds NAME_MAX (255 bytes), so open() fails after ca.crt was staged.
    const tooLong = `${'x'.repeat(245)}.key`;
    await assert.rejects(writeCertFiles(dir, [FILES[0]!, { name: tooLong, contents: 'k', secret: true }]), (e: Error) => {
      assert.ok(e instanceof WriteFilesError);
      assert.match(e.message, /could not write into/);
      assert.doesNotMatch(e.message, /CERT/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('refuses names that are not plain file names, duplicates, .gitignore, a folder as target, a file as folder', async () => {
    const dir = fresh();
    for (const name of ['../x.key', 'a/b.key', '', '.', '..']) {
      await assert.rejects(writeCertFiles(dir, [{ name, contents: 'x', secret: true }]), WriteFilesError, name);
    }
    await assert.rejects(writeCertFiles(dir, [FILES[0]!, FILES[0]!]), /given twice/);
    await assert.rejects(writeCertFiles(dir, [{ name: '.gitignore', contents: 'x', secret: false }]), /managed by the writer/);
    fs.mkdirSync(path.join(dir, 'ca.key'), { recursive: true });
    await assert.rejects(writeCertFiles(dir, FILES, { force: true }), /is a folder/);
    const file = path.join(root, `plain-${n}`);
    fs.writeFileSync(file, 'x');
    await assert.rejects(writeCertFiles(file, FILES), /exists and is not a folder/);
  });
});
