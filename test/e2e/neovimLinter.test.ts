/**
 * The linter conventions at LSP level in a second real client, headless Neovim (Debian's 0.7.2): the code actions of
 * a pool_hba.conf diagnostic (its fix and the suppression comments, and no settings action: Neovim does not announce
 * pgtls.disableRule), the line comment applied with Neovim's own apply_workspace_edit and honoured by the server's
 * next push, and source.fixAll.pgtls asked for by kind on a pgpool.conf with several fixable problems.
 * Needs `nvim` and a built dist/server.js (`npm run build`). Missing nvim skips locally, fails under CI=true.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertTools, missing } from '../requires';
import { SERVER, runNeovim } from './harness/neovim';
import { ProcessGroup } from './harness/processes';
import { makeTemp, removeTemp } from './harness/tools';

const RULE = 'pool-hba/md5-method';

interface Report {
  done?: boolean;
  error?: string;
  steps: { step: string; ok: boolean }[];
  hba_titles?: string[];
  hba_lines?: string[];
  hba_after?: { code: string; range: { start: { line: number } } }[];
  fixall_titles?: string[];
  pgpool_before?: string[];
  pgpool_lines?: string[];
  pgpool_after?: string[];
}

test('pgtls code actions in Neovim: suppression comment quick fix and source.fixAll.pgtls', { skip: missing('nvim'), timeout: 90_000 }, async () => {
  assertTools('nvim');
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  const tmp = makeTemp('nvim-lint');
  const group = new ProcessGroup(tmp);
  try {
    const workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(workspace);
    const hba = path.join(workspace, 'pool_hba.conf');
    const pgpool = path.join(workspace, 'pgpool.conf');
    fs.writeFileSync(hba, 'hostssl db1 all 10.1.0.0/16 md5\nhostssl db2 all 10.2.0.0/16 md5\n');
    fs.writeFileSync(pgpool, "portt = 9999\nlog_destination = ''\nbackend_clustering_mode = streaming_replicaton\nnum_init_children = 32MB\n");
    const out = path.join(tmp, 'report.json');
    const r = await runNeovim(group, tmp, workspace, 'nvim-codeactions.lua', {
      PGTLS_HBA: hba, PGTLS_PGPOOL: pgpool, PGTLS_RULE: RULE, PGTLS_OUT: out, PGTLS_TIMEOUT_MS: '20000',
    });
    const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) as Report : undefined;
    const context = `nvim exit ${r.code}\nstderr: ${r.stderr}\nreport: ${JSON.stringify(report, null, 2)}`;
    assert.ok(report, `Neovim wrote no report\n${context}`);
    assert.equal(report.done, true, context);
    // No settings action (Neovim does not run pgtls.disableRule), and no fix-all: md5 → scram-sha-256 changes who may log in.
    assert.equal(report.hba_titles?.length, 3, context);
    assert.match(report.hba_titles![0]!, /md5.*scram-sha-256/, context);
    assert.deepEqual(report.hba_titles!.slice(1), [`Disable ${RULE} for this line`, `Disable ${RULE} for the whole file`], context);
    assert.deepEqual(report.hba_lines, ['hostssl db1 all 10.1.0.0/16 md5', `# pgtls-disable-next-line ${RULE}`, 'hostssl db2 all 10.2.0.0/16 md5'], context);
    assert.deepEqual(report.hba_after!.filter(d => d.code === RULE).map(d => d.range.start.line), [0], context);
    assert.deepEqual(report.fixall_titles, ['Fix all auto-fixable problems [source.fixAll.pgtls]'], context);
    assert.deepEqual(report.pgpool_lines, ['port = 9999', "log_destination = 'stderr'", 'backend_clustering_mode = streaming_replication', 'num_init_children = 32'], context);
    const fixable = ['unknown-parameter', 'invalid-log-destination', 'invalid-enum', 'invalid-unit'].map(x => `pgpool-conf/${x}`);
    assert.deepEqual(report.pgpool_before!.filter(c => fixable.includes(c)).sort(), [...fixable].sort(), context);
    assert.deepEqual(report.pgpool_after!.filter(c => fixable.includes(c)), [], context);
    assert.equal(r.code, 0, context);
  } finally {
    await group.dispose();
    removeTemp(tmp);
  }
});
