/**
 * `pgtls check -` through the bundled CLI (built by `npm test` first): a rendered YAML stream on standard input, as
 * `kubectl kustomize overlays/prod | pgtls check -` and `helm template . | pgtls check -` give it. The JSON contract
 * of files stays; stream findings add `stream` (their place in the input) and, in Helm output, `source` (the template
 * of the document's `# Source:` comment), which also becomes `file`, with `line` counted within that template's output.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist/cli.js');
const cli = (args: string[], input: string, cwd = ROOT) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
interface Diag { file: string; line: number; column: number; endLine: number; endColumn: number; severity: string; rule: string; source?: string; stream?: { line: number; column: number; endLine: number; endColumn: number } }

/** What `kubectl kustomize` prints for a base cluster with a TLS patch merged in: plain documents, no comments. */
const KUSTOMIZED = [
  'apiVersion: v1', // 1
  'kind: Secret',
  'metadata:',
  '  name: cluster1-ssl',
  '  namespace: db-prod',
  'type: kubernetes.io/tls',
  'stringData:',
  '  tls.crt: ""',
  '  tls.key: ""',
  '---', // 10
  'apiVersion: pgv2.percona.com/v2',
  'kind: PerconaPGCluster',
  'metadata:',
  '  name: cluster1',
  '  namespace: db-prod',
  'spec:',
  '  crVersion: 2.5.0',
  '  postgresVersion: 16',
  '  tlsOnly: "yes"', // 19
  '  instances:',
  '  - name: instance1',
  '    dataVolumeClaimSpec: {}',
  '  backups:',
  '    pgbackrest:',
  '      repos:',
  '      - name: repo1',
  '',
].join('\n');

/** What `helm template` prints: each document headed by the template it came from. */
const HELM = [
  '---', // 1
  '# Source: pg/templates/secret.yaml',
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: pg-app',
  'stringData:',
  '  user: app',
  '---', // 9
  '# Source: pg/templates/cluster.yaml', // 10
  'apiVersion: pgv2.percona.com/v2', // template line 1
  'kind: PerconaPGCluster',
  'metadata:',
  '  name: pg',
  'spec:',
  '  postgresVersion: 16',
  '  tlsOnly: "yes"', // stream 17, template line 7
  '  instances:',
  '  - name: instance1',
  '    dataVolumeClaimSpec: {}',
  '  backups: { pgbackrest: { repos: [{ name: repo1 }] } }',
  '',
].join('\n');

test('a kustomize stream on standard input: positions in the stream, file "-", the exit code of errors', () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run npm run build');
  const r = cli(['check', '--format', 'json', '-'], KUSTOMIZED);
  assert.equal(r.code, 1, r.out + r.err);
  const diags = (JSON.parse(r.out) as { diagnostics: Diag[] }).diagnostics;
  const wrong = diags.filter(d => d.rule === 'schema/wrong-type');
  assert.deepEqual(wrong.map(d => [d.file, d.line, d.column, d.source, d.stream?.line]), [['-', 19, 12, undefined, 19]]);
  assert.ok(diags.every(d => d.file === '-' && d.source === undefined && d.stream?.line === d.line), r.out);
  assert.ok(!diags.some(d => d.rule === 'schema/missing-field'), `the rendered resource is complete: ${r.out}`);
  const text = cli(['check', '-'], KUSTOMIZED);
  assert.match(text.out, /^-:19:12: error schema\/wrong-type: /m);
  assert.match(text.out, /1 file checked: /);
});

test('a Helm stream: findings name the template of their "# Source:" comment, at its rendered line, and keep the stream place', () => {
  const r = cli(['check', '--format', 'json', '-'], HELM);
  assert.equal(r.code, 1, r.out + r.err);
  const diags = (JSON.parse(r.out) as { diagnostics: Diag[] }).diagnostics;
  const wrong = diags.find(d => d.rule === 'schema/wrong-type');
  assert.deepEqual(wrong && { file: wrong.file, line: wrong.line, column: wrong.column, endLine: wrong.endLine, source: wrong.source, stream: wrong.stream },
    { file: 'pg/templates/cluster.yaml', line: 7, column: 12, endLine: 7, source: 'pg/templates/cluster.yaml', stream: { line: 17, column: 12, endLine: 17, endColumn: 17 } });
  const text = cli(['check', '-'], HELM);
  assert.match(text.out, /^pg\/templates\/cluster\.yaml:7:12: error schema\/wrong-type: .* \(standard input 17:12\)$/m);
  const sarif = JSON.parse(cli(['check', '--format', 'sarif', '-'], HELM).out) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  assert.ok(sarif.runs[0]!.results.some(x => x.locations[0]!.physicalLocation.artifactLocation.uri === 'pg/templates/cluster.yaml'));
});

test('standard input reads no YAML of the current folder as its workspace, and mixes with files', () => {
  // A folder with a broken resource: standard input alone does not check it; named beside "-", it is checked.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-stdin-'));
  fs.writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata: { name: x }\nspec: { tlsOnly: 3 }\n');
  const empty = cli(['check', '--format', 'json', '-'], '', dir);
  assert.equal(empty.code, 0, empty.out + empty.err);
  assert.deepEqual((JSON.parse(empty.out) as { diagnostics: unknown[] }).diagnostics, []);
  const both = cli(['check', '--format', 'json', '-', 'broken.yaml'], HELM, dir);
  const files = new Set((JSON.parse(both.out) as { diagnostics: Diag[] }).diagnostics.map(d => d.file));
  assert.deepEqual([...files].sort(), ['broken.yaml', 'pg/templates/cluster.yaml']);
});

test('check --help names standard input', () => {
  const r = cli(['check', '--help'], '');
  assert.equal(r.code, 0);
  assert.match(r.out, /pgtls check \[options\] -/);
  assert.match(r.out, /helm template \. \| pgtls check -/);
});
