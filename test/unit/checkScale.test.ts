/**
 * `pgtls check` over many files (issue 13): one index of the run's YAML files answers every lookup, with no cap that
 * changes an answer (a Secret that sorts after the 200th file of its folder is found; the same files packed in two
 * folders or spread over thirty give the same findings).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers';
import { makeTreeCerts, normalise, writeTree, type TreeCerts } from '../../bench/cliTree';

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
    const r = cli(['check', '--format', 'json', target], dir);
    const j = JSON.parse(r.out) as Json;
    assert.deepEqual(j.diagnostics.filter(d => d.rule === 'secret/not-found'), [], `${target}: ${r.out}`);
    // The Secret was found, so its own content was judged (not PEM): the lookup reached the last file.
    assert.ok(j.diagnostics.some(d => d.file.endsWith('zzz-secret.yaml')) || target !== '.', r.out);
  }
  // A reference to a Secret that is nowhere is still reported, in the words of a run's index.
  fs.writeFileSync(path.join(dir, 'zzz-secret.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: not-a-secret }\n');
  const r = cli(['check', '--format', 'json', '.'], dir);
  const missing = (JSON.parse(r.out) as Json).diagnostics.filter(d => d.rule === 'secret/not-found');
  assert.equal(missing.length, 1, r.out);
  assert.match(missing[0]!.message, /among the YAML files of this run/);
});

test('the same 300 files in 30 folders of 10 and in 2 folders of 150 give the same findings', () => {
  const dir = tmp('layouts');
  writeTree(path.join(dir, 'spread'), 'spread', 30, treeCerts());
  writeTree(path.join(dir, 'packed'), 'packed', 30, treeCerts(), 2);
  const findings = (sub: string) => {
    const r = cli(['check', '--format', 'json', sub], dir);
    const j = JSON.parse(r.out) as Json;
    assert.equal(j.summary.checked, 300, r.err);
    return j.diagnostics.map(d => `${normalise(d.file)}:${d.line}:${d.column} ${d.rule} ${d.message}`).sort();
  };
  const spread = findings('spread');
  assert.ok(spread.some(f => f.includes('secret/not-found')) && spread.some(f => f.includes('cpo/server-san')), spread.join('\n'));
  assert.deepEqual(findings('packed'), spread);
});
