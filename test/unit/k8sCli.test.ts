/**
 * `pgtls check` on YAML through the bundled CLI (built by `npm test` first): the same JSON contract as for the conf
 * files, folders full of unrelated YAML stay silent, and the shipped examples still check.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist/cli.js');
const cli = (args: string[], cwd = ROOT) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
interface Json { diagnostics: { file: string; line: number; column: number; endLine: number; endColumn: number; severity: string; rule: string }[] }

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-k8s-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('a folder of unrelated YAML (compose, CI, Helm chart, k8s Deployments, broken files) is silent', () => {
  const dir = folder({
    'docker-compose.yml': 'services:\n  db: { image: postgres:17 }\n',
    '.github/workflows/ci.yml': 'on: [push]\njobs: { t: { runs-on: x } }\n',
    'chart/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 0.1.0\n',
    'chart/templates/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  tls.crt: {{ .Values.crt | b64enc }}\n',
    'chart/values.yaml': 'tls: { enabled: true }\n',
    'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { replicas: 2 }\n---\nbroken: [\n',
  });
  const r = cli(['check', '--format', 'json', dir]);
  assert.equal(r.code, 0, r.out + r.err);
  // The JSON only ever gains fields: `summary` says what was checked and that the hidden .github was skipped.
  const j = JSON.parse(r.out) as { diagnostics: unknown[]; summary: { checked: number; skipped: { reason: string }[] } };
  assert.deepEqual(j.diagnostics, []);
  assert.equal(j.summary.checked, 5);
  assert.deepEqual(j.summary.skipped.map(s => s.reason), ['hidden-folder']);
});

test('our resources in YAML: exit 1 on errors, the JSON contract with 1-based positions', () => {
  const dir = folder({
    'pp.yaml': 'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: pp }\nspec:\n  version: "4.6.0"\n  postgresRef: { name: pg }\n  sslMode: disabled\n',
  });
  const r = cli(['check', '--format', 'json', 'pp.yaml'], dir);
  assert.equal(r.code, 1, r.out + r.err);
  const json = JSON.parse(r.out) as Json;
  assert.deepEqual(json.diagnostics.map(d => [d.file, d.line, d.column, d.endLine, d.endColumn, d.severity, d.rule]),
    [['pp.yaml', 7, 12, 7, 20, 'error', 'schema/invalid-value']]);
});

test('node dist/cli.js check --format json examples/ still works and includes the Kubernetes example', () => {
  const r = cli(['check', '--format', 'json', 'examples/']);
  assert.ok(r.code === 0 || r.code === 1, r.err);
  const json = JSON.parse(r.out) as Json;
  const k8s = json.diagnostics.filter(d => d.file.startsWith(path.join('examples', 'k8s')));
  assert.deepEqual(k8s.map(d => d.rule).sort(), ['schema/invalid-value', 'schema/wrong-type']);
  assert.ok(json.diagnostics.some(d => d.file.endsWith('pgpool.conf')), 'the conf examples are still checked');
});
