/**
 * `pgtls check` honours the same suppression comments as the editor (the façade applies them for both), from files
 * and from a YAML stream on standard input, and reports the comments that name unknown rules or silence nothing.
 * Runs the bundled `dist/cli.js` (built by `npm test` before the suites).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist/cli.js');

function cli(args: string[], cwd: string, input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Json { diagnostics: { file: string; line: number; column: number; rule: string; severity: string; message: string }[] }

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-cli-suppress-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

test('pgtls check: suppression comments silence what they name, in every language, and bad comments are reported', () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run npm run build');
  const dir = folder({
    'pool_hba.conf': [
      '# pgtls-disable-next-line pool-hba/md5-method -- old clients',
      'hostssl db1 all 10.1.0.0/16 md5',
      'hostssl db2 all 10.2.0.0/16 md5',
      '# pgtls-disable pool-hba/md5-methd',
      '# pgtls-enable pool-hba/local-trust',
    ].join('\n') + '\n',
    'pgbouncer.ini': '[pgbouncer]\n; pgtls-disable-next-line pgbouncer-ini/unknown-setting\nlisten_portt = 6432\n',
    'userlist.txt': '; pgtls-disable-next-line pgbouncer-userlist/clear-text-password\n"alice" "secret"\n',
  });
  try {
    const r = cli(['check', '--format', 'json', '.'], dir);
    const json = JSON.parse(r.out) as Json;
    const got = json.diagnostics.map(d => `${d.file}:${d.line}:${d.column} ${d.rule}`).sort();
    assert.deepEqual(got, [
      'pool_hba.conf:3:29 pool-hba/md5-method',
      'pool_hba.conf:4:17 pgtls/suppression-unknown-rule',
      'pool_hba.conf:5:1 pgtls/suppression-unused',
    ], r.out + r.err);
    const unknown = json.diagnostics.find(d => d.rule === 'pgtls/suppression-unknown-rule')!;
    assert.equal(unknown.severity, 'warning');
    assert.match(unknown.message, /did you mean pool-hba\/md5-method\?/);
    assert.equal(r.code, 0, 'warnings and infos only: exit 0');

    // The same run in text form.
    const text = cli(['check', '.'], dir);
    assert.match(text.out, /pool_hba\.conf:4:17.*pgtls\/suppression-unknown-rule/);
    assert.doesNotMatch(text.out, /pool_hba\.conf:2:/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pgtls check -: a rendered YAML stream keeps its comments, and they are honoured', () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run npm run build');
  const stream = `---
# Source: chart/templates/pgpool.yaml
apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata: { name: pp, namespace: demo }
spec:
  version: "4.6.0"
  postgresRef: { name: ha-postgres, namespace: demo }
  configuration:
    inline:
      # pgtls-disable-next-line pgpool-conf/unknown-parameter -- a setting of a patched build
      pgpool.conf: |
        num_init_childs = 6
        log_min_messages = chatty
`;
  const dir = folder({});
  try {
    const r = cli(['check', '--format', 'json', '-'], dir, stream);
    const rules = (JSON.parse(r.out) as Json).diagnostics.map(d => d.rule);
    assert.deepEqual(rules, ['pgpool-conf/invalid-enum'], r.out + r.err);
    const without = cli(['check', '--format', 'json', '-'], dir, stream.replace(/^ *# pgtls.*\n/m, ''));
    assert.deepEqual((JSON.parse(without.out) as Json).diagnostics.map(d => d.rule).sort(), ['pgpool-conf/invalid-enum', 'pgpool-conf/unknown-parameter']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
