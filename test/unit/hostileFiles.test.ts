/**
 * Hostile paths on the command line (issue 13, items 2 and 5), through the bundled CLI (`npm run build` first) in a
 * child process under a time and a memory bound (test/bounded.ts): FIFOs (made with mkfifo, no writer: a blocking
 * open would wait for ever) and links to /dev/zero (a read without a limit grows for ever) named to `check`,
 * `check -`, `inspect`, `cert server --ca-cert`, `cert secrets --from`, `cert sign --csr`, `probe --ca`; `--out` under
 * /proc and /sys; a .gitignore that is a link or a FIFO; names with line breaks that would inject YAML documents or
 * .gitignore patterns. Every child must end by itself, well inside its bounds, with a clear message.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CLI, DEFAULT_BOUNDS, runCli, type BoundedResult } from '../bounded';

const POSIX = process.platform === 'linux' ? undefined : 'FIFOs, /dev/zero and /proc are Linux';
const T = { timeout: 120_000, skip: POSIX };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-hostile-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const at = (...p: string[]) => path.join(root, ...p);
const fifo = (p: string) => execFileSync('mkfifo', [p]);

/** Ended by itself (not killed for time or memory), with a resident set far below the bound. */
function bounded(r: BoundedResult, what: string): void {
  assert.equal(r.killedFor, undefined, `${what}: killed for ${r.killedFor}; stderr: ${r.err}`);
  assert.ok(r.peakRss < DEFAULT_BOUNDS.maxRssBytes, `${what}: ${r.peakRss} bytes resident`);
}

before(async () => {
  if (POSIX) return;
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run npm run build');
  fs.mkdirSync(at('hostile'));
  fifo(at('hostile', 'fifo.pgpool.conf'));
  fifo(at('hostile', 'ca.crt'));
  fs.symlinkSync('/dev/zero', at('hostile', 'zero.pgpool.conf'));
  fs.symlinkSync('/dev/zero', at('hostile', 'zero.crt'));
  const set = await runCli(['cert', 'set', '--operator', 'cpo', '--name', 'acid-x', '--out', at('set')]);
  assert.equal(set.code, 0, set.err);
});

describe('paths that are not regular files never hang and never grow', () => {
  for (const name of ['fifo.pgpool.conf', 'zero.pgpool.conf']) {
    test(`check ${name}: skipped as not a regular file, nothing checked: exit 2`, T, async () => {
      const r = await runCli(['check', at('hostile', name)]);
      bounded(r, name);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /not a regular file \((a FIFO|a character device)\)/);
      assert.match(r.err, /no files checked/);
    });
  }

  test('check FOLDER: FIFOs and device links are reported in the summary (text and JSON), the rest is checked', T, async () => {
    fs.writeFileSync(at('hostile', 'pgpool.conf'), 'port = 9999\n');
    try {
      const r = await runCli(['check', '--format', 'json', at('hostile')]);
      bounded(r, 'folder');
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out) as { summary: { checked: number; skipped: { path: string; reason: string; detail?: string }[] } };
      assert.equal(j.summary.checked, 1);
      assert.deepEqual(j.summary.skipped.map(s => [path.basename(s.path), s.reason, s.detail]).sort(), [
        ['fifo.pgpool.conf', 'not-regular', 'a FIFO'], ['zero.pgpool.conf', 'not-regular', 'a character device'],
      ]);
      const text = await runCli(['check', at('hostile')]);
      assert.match(text.out, /Skipped 2 files that are not regular files .*fifo\.pgpool\.conf \(a FIFO\).*zero\.pgpool\.conf \(a character device\)/);
    } finally {
      fs.rmSync(at('hostile', 'pgpool.conf'));
    }
  });

  test('check - < /dev/zero: standard input is read up to --max-file-size, then a file-too-large warning', T, async () => {
    const r = await runCli(['check', '--max-file-size', '2M', '-'], { stdin: 'devzero' });
    bounded(r, 'stdin');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /warning pgtls\/file-too-large: Standard input holds more than the 2 MiB/);
  });

  test('a file over --max-file-size is not read: a file-too-large warning; a bad size is a usage error', T, async () => {
    const big = at('big.pgpool.conf');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, 64 * 1024 * 1024); // sparse: 64 MiB that cost nothing
    const r = await runCli(['check', big]);
    bounded(r, 'big');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /pgtls\/file-too-large: This file is too large to check \(64 MiB, more than the 16 MiB pgtls check reads\)/);
    assert.ok(r.peakRss < 200 * 1024 * 1024, `not read: ${r.peakRss} bytes resident`);
    const bad = await runCli(['check', '--max-file-size', 'lots', big]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--max-file-size must be a size/);
    fs.rmSync(big);
  });

  for (const name of ['ca.crt', 'zero.crt']) {
    test(`inspect, cert server --ca-cert, cert sign --csr, probe --ca on ${name}: refused with exit 1 or 2`, T, async () => {
      const file = at('hostile', name);
      const kind = name === 'ca.crt' ? /a FIFO/ : /a character device/;
      const runs: [string[], number][] = [
        [['inspect', file], 1],
        [['cert', 'server', '--out', at('out-server'), '--ca-cert', file, '--ca-key', at('set', 'ca.key'), '--server-name', 'db'], 1],
        [['cert', 'sign', '--csr', file, '--ca-cert', at('set', 'ca.crt'), '--ca-key', at('set', 'ca.key'), '--server', '--out', at('signed.crt')], 1],
        [['probe', '127.0.0.1:1', '--ca', file, '--timeout', '2'], 2],
      ];
      for (const [args, code] of runs) {
        const r = await runCli(args);
        bounded(r, args.join(' '));
        assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
        assert.match(r.err, /is not a regular file/, args.join(' '));
        assert.match(r.err, kind, args.join(' '));
      }
      assert.equal(fs.existsSync(at('out-server', 'server.key')), false);
    });
  }

  test('cert secrets --from a folder whose server.key is a FIFO, then a link to /dev/zero: refused', T, async () => {
    fs.cpSync(at('set'), at('set-bad'), { recursive: true });
    for (const make of [(p: string) => fifo(p), (p: string) => fs.symlinkSync('/dev/zero', p)]) {
      fs.rmSync(at('set-bad', 'server.key'));
      make(at('set-bad', 'server.key'));
      const r = await runCli(['cert', 'secrets', '--operator', 'cpo', '--name', 'acid-x', '--from', at('set-bad')]);
      bounded(r, 'secrets');
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /server\.key is not a regular file/);
      assert.equal(r.out, '');
    }
  });

  for (const out of ['/proc/pgtls-test-out', '/proc/self', '/sys/pgtls-test-out']) {
    test(`cert ca --out ${out}: refused before anything is written`, T, async () => {
      const r = await runCli(['cert', 'ca', '--out', out]);
      bounded(r, out);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /is on the (proc|sysfs) file system \(a kernel interface, not storage\)/);
    });
  }
});

describe('.gitignore that is not a regular file', () => {
  test('a symbolic link: its target is not appended to; a warning names the lines; JSON says refused', T, async () => {
    fs.mkdirSync(at('gi-link'));
    fs.writeFileSync(at('gi-target'), '# shared\n');
    fs.symlinkSync(at('gi-target'), at('gi-link', '.gitignore'));
    const r = await runCli(['cert', 'ca', '--out', at('gi-link'), '--format', 'json']);
    bounded(r, 'link');
    assert.equal(r.code, 0, r.err);
    assert.equal(fs.readFileSync(at('gi-target'), 'utf8'), '# shared\n');
    assert.equal((JSON.parse(r.out) as { gitignore: string }).gitignore, 'refused');
    assert.match(r.err, /\.gitignore is a symbolic link, so pgtls did not add to it: add these lines .*\*\.key \*\.pk8/);
  });

  test('a FIFO: the command ends, the keys are written, a warning', T, async () => {
    fs.mkdirSync(at('gi-fifo'));
    fifo(at('gi-fifo', '.gitignore'));
    const r = await runCli(['cert', 'ca', '--out', at('gi-fifo')]);
    bounded(r, 'fifo');
    assert.equal(r.code, 0, r.err);
    assert.ok(fs.existsSync(at('gi-fifo', 'ca.key')));
    assert.match(r.err, /\.gitignore is a FIFO, so pgtls did not add to it/);
    assert.match(r.out, /\.gitignore .*not written to/);
  });
});

describe('names written into YAML and .gitignore', () => {
  test('cert secrets --from a folder whose name holds YAML documents: only the Secrets come out, the command stays one line', T, async () => {
    const evil = at('certs\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: injected\n#');
    fs.cpSync(at('set'), evil, { recursive: true });
    const r = await runCli(['cert', 'secrets', '--operator', 'cpo', '--name', 'acid-x', '--from', evil]);
    bounded(r, 'secrets');
    assert.equal(r.code, 0, r.err);
    const kinds = (yaml: string) => parseAllDocuments(yaml).map(d => (d.toJS() as { kind?: string } | null)?.kind).filter(Boolean);
    const plain = await runCli(['cert', 'secrets', '--operator', 'cpo', '--name', 'acid-x', '--from', at('set')]);
    assert.deepEqual(kinds(r.out), kinds(plain.out), 'the same documents as from a plain folder name');
    assert.ok(kinds(r.out).length > 0 && kinds(r.out).every(k => k === 'Secret'));
    assert.ok(!r.out.includes('injected\n'), 'the name is escaped, not a line of its own');
    for (const line of r.out.split('\n')) if (line.includes('kubectl create')) assert.match(line, /^# kubectl create secret generic acid-x-\S+ .*\$'--from-file=ca\.crt=.*\\n---\\napiVersion/);
  });

  test('cert secrets --out with a line break: a usage error, nothing written (no "!*.key" in a .gitignore)', T, async () => {
    fs.mkdirSync(at('gi-out'));
    const r = await runCli(['cert', 'secrets', '--operator', 'cpo', '--name', 'acid-x', '--from', at('set'), '--out', at('gi-out', 'x\n!*.key')]);
    bounded(r, 'out');
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /line break or another control character cannot be listed in \.gitignore/);
    assert.deepEqual(fs.readdirSync(at('gi-out')), []);
  });
});
