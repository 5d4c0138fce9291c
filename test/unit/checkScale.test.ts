/**
 * `pgtls check` over many files (issue 13): one index of the run's YAML files answers every lookup, with no cap that
 * changes an answer (a Secret that sorts after the 200th file of its folder is found; the same files packed in two
 * folders or spread over thirty give the same findings); `--jobs 1` and `--jobs 2` print the same bytes in every
 * format; and findings are printed while later files are still being checked.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers';
import { makeTreeCerts, normalise, writeTree, type TreeCerts } from '../../bench/cliTree';
import { runCheck } from '../../server/src/cli/check';
import { checkService } from '../../server/src/cli/checkService';

const CLI = path.join(ROOT, 'dist/cli.js');
const cli = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
interface Json { diagnostics: { file: string; line: number; column: number; rule: string; message: string }[]; summary: { checked: number } }

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `pgtls-scale-${name}-`));

let certs: TreeCerts | undefined;
const treeCerts = () => (certs ??= makeTreeCerts(2));

test('a folder of 230 YAML files: the Secret in the file that sorts last is found, from the folder and from the file alone', () => {
  const dir = tmp('cap');
  for (let i = 0; i < 229; i++) fs.writeFileSync(path.join(dir, `a${String(i).padStart(3, '0')}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\ndata: { k: v }\n`);
  fs.writeFileSync(path.join(dir, 'a000-cluster.yaml'), 'apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata: { name: db, namespace: pg }\nspec:\n  teamId: acid\n  numberOfInstances: 1\n  spiloFSGroup: 103\n  volume: { size: 1Gi }\n  postgresql: { version: "17" }\n  tls:\n    secretName: zz-last-tls\n');
  fs.writeFileSync(path.join(dir, 'zzz-secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: { name: zz-last-tls, namespace: pg }\ntype: kubernetes.io/tls\nstringData: { tls.crt: x, tls.key: k }\n');
  for (const target of ['.', 'a000-cluster.yaml']) {
    const r = cli(['check', '--format', 'json', '--jobs', '1', target], dir);
    const j = JSON.parse(r.out) as Json;
    assert.deepEqual(j.diagnostics.filter(d => d.rule === 'secret/not-found'), [], `${target}: ${r.out}`);
    // The Secret was found, so its own content was judged (not PEM): the lookup reached the last file.
    assert.ok(j.diagnostics.some(d => d.file.endsWith('zzz-secret.yaml')) || target !== '.', r.out);
  }
  // A reference to a Secret that is nowhere is still reported, in the words of a run's index.
  fs.writeFileSync(path.join(dir, 'zzz-secret.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: not-a-secret }\n');
  const r = cli(['check', '--format', 'json', '--jobs', '1', '.'], dir);
  const missing = (JSON.parse(r.out) as Json).diagnostics.filter(d => d.rule === 'secret/not-found');
  assert.equal(missing.length, 1, r.out);
  assert.match(missing[0]!.message, /among the YAML files of this run/);
});

test('the same 300 files in 30 folders of 10 and in 2 folders of 150 give the same findings', () => {
  const dir = tmp('layouts');
  writeTree(path.join(dir, 'spread'), 'spread', 30, treeCerts());
  writeTree(path.join(dir, 'packed'), 'packed', 30, treeCerts(), 2);
  const findings = (sub: string) => {
    const r = cli(['check', '--format', 'json', '--jobs', '1', sub], dir);
    const j = JSON.parse(r.out) as Json;
    assert.equal(j.summary.checked, 300, r.err);
    return j.diagnostics.map(d => `${normalise(d.file)}:${d.line}:${d.column} ${d.rule} ${d.message}`).sort();
  };
  const spread = findings('spread');
  assert.ok(spread.some(f => f.includes('secret/not-found')) && spread.some(f => f.includes('cpo/server-san')), spread.join('\n'));
  assert.deepEqual(findings('packed'), spread);
});

test('--jobs 1 and --jobs 2 print the same bytes in text, JSON and SARIF', () => {
  const dir = tmp('jobs');
  writeTree(path.join(dir, 'tree'), 'packed', 30, treeCerts(), 3);
  for (const format of ['text', 'json', 'sarif']) {
    const one = cli(['check', '--format', format, '--jobs', '1', 'tree'], dir);
    const two = cli(['check', '--format', format, '--jobs', '2', 'tree'], dir);
    assert.equal(one.code, two.code);
    assert.ok(one.out.length > 1000, one.out + one.err);
    assert.equal(two.out, one.out, format);
  }
});

test('findings are printed as files are done: the first file\'s before the last file is checked (in this thread and in workers)', async () => {
  const dir = tmp('stream');
  writeTree(path.join(dir, 'tree'), 'spread', 30, treeCerts());
  for (const [jobs, workers] of [['1', false], ['2', true]] as const) {
    const events: string[] = [];
    const io = { out: (s: string) => events.push(`out ${s.split(':')[0]}`), err: () => undefined };
    const code = await runCheck(['--jobs', jobs, path.join(dir, 'tree')], io, (roots, o) => checkService(roots, o), { workers, done: f => events.push(`done ${f}`) });
    assert.equal(code, 0);
    const dones = events.filter(e => e.startsWith('done '));
    assert.equal(dones.length, 300);
    const firstOut = events.findIndex(e => e.startsWith('out '));
    assert.ok(firstOut >= 0 && firstOut < events.indexOf(dones[dones.length - 1]!), `jobs ${jobs}: ${events.slice(0, 20).join('\n')}`);
    // Every line printed before the summary belongs to a file already done, in the run's order.
    assert.ok(events[firstOut]!.includes(path.join('g00000', '')) || events[firstOut]!.includes('g0000'), events[firstOut]);
  }
});

test('--jobs takes a whole number from 1', () => {
  const dir = tmp('usage');
  for (const bad of ['0', 'two', '-1', '']) {
    const r = cli(['check', '--jobs', bad, '.'], dir);
    assert.equal(r.code, 2, `${bad}: ${r.err}`);
    assert.match(r.err, /--jobs/);
  }
});
