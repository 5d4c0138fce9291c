/**
 * Dependency tracking (lsp/dependencies.ts, DocumentStore.invalidateDependents): after an edit, only the open
 * documents whose validation read the edited file are validated again, and their findings follow the edit; the others
 * keep their result. Issue 13, "a keystroke re-validates the edited document and only the documents whose findings can
 * depend on it".
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OTHERS_AFTER_MS } from '../../server/src/lsp/features';
import { startHarness, type Harness } from './harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-deps-'));
const uriOf = (name: string) => pathToFileURL(path.join(tmp, name)).href;

interface Diag { code: string }

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: pool-tls\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: x\n';
const POOL = [
  'apiVersion: kubedb.com/v1alpha2', 'kind: Pgpool', 'metadata:', '  name: pool', 'spec:', '  version: "4.5.0"',
  '  postgresRef:', '    name: pg', '  tls:', '    certificates:', '      - alias: server', '        secretName: pool-tls', '',
].join('\n');

/** A push client that counts the pushes per document. */
async function pushClient(): Promise<{ h: Harness; counts: Map<string, number>; quiet: () => Promise<void>; until: (ok: () => boolean) => Promise<void> }> {
  const h = await startHarness({ pull: false, settings: { checkFiles: false } });
  const counts = new Map<string, number>();
  let lastPush = Date.now();
  h.client.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
    h.pushed.set(p.uri, p.diagnostics);
    counts.set(p.uri, (counts.get(p.uri) ?? 0) + 1);
    lastPush = Date.now();
  });
  /** Until nothing was pushed for eight pauses (counted from the call at the earliest). */
  const quiet = async () => {
    const start = Date.now();
    while (Date.now() - Math.max(lastPush, start) < OTHERS_AFTER_MS * 8) await new Promise(r => setTimeout(r, 50));
  };
  /** Until `ok()` holds (the pushes a step must cause have come, however loaded the machine), then quiet. */
  const until = async (ok: () => boolean) => {
    while (!ok()) await new Promise(r => setTimeout(r, 50));
    await quiet();
  };
  return { h, counts, quiet, until };
}

const open = (h: Harness, uri: string, languageId: string, text: string) =>
  h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
const codes = (h: Harness, uri: string) => ((h.pushed.get(uri) ?? []) as Diag[]).map(d => d.code).sort();

test('push client: an edit re-validates the documents that read the edited file, and no other', { timeout: 120_000 }, async () => {
  const { h, counts, until } = await pushClient();
  try {
    const conf = uriOf('a/pgpool.conf'), hba = uriOf('a/pool_hba.conf'), other = uriOf('b/pg_hba.conf');
    const secret = uriOf('k/secret.yaml'), pool = uriOf('k/pool.yaml');
    await open(h, conf, 'pgpool-conf', 'enable_pool_hba = on\nssl = off\n');
    await open(h, hba, 'pool-hba', 'hostssl all all 10.0.0.0/8 scram-sha-256\n');
    await open(h, other, 'pg-hba', 'hostssl all all 10.0.0.0/8 scram-sha-256\n');
    await open(h, secret, 'yaml', SECRET);
    await open(h, pool, 'yaml', POOL);
    await until(() => [conf, hba, other, secret, pool].every(u => h.pushed.has(u)));
    assert.ok(codes(h, hba).includes('pool-hba/hostssl-without-ssl'), `pool_hba.conf with ssl = off: ${codes(h, hba)}`);
    counts.clear();

    // pgpool.conf turns TLS on: pool_hba.conf (which reads it) follows; pg_hba.conf and the YAML files did not read it.
    await h.client.sendNotification('textDocument/didChange', { textDocument: { uri: conf, version: 2 }, contentChanges: [{ text: 'enable_pool_hba = on\nssl = on\n' }] });
    await until(() => counts.get(conf) === 1 && counts.get(hba) === 1);
    assert.equal(counts.get(conf), 1, 'the edited document');
    assert.equal(counts.get(hba), 1, 'pool_hba.conf reads pgpool.conf');
    assert.ok(!codes(h, hba).includes('pool-hba/hostssl-without-ssl'), `pool_hba.conf follows the edit: ${codes(h, hba)}`);
    for (const u of [other, secret, pool]) assert.equal(counts.get(u), undefined, `${path.basename(u)} read nothing that changed`);
    counts.clear();

    // The Secret YAML changes: the Pgpool that looks it up is validated again, and so is pgpool.conf, which looks at the
    // workspace's manifests for the volumes that mount its files (deploy/); the HBA files read no YAML.
    await h.client.sendNotification('textDocument/didChange', { textDocument: { uri: secret, version: 2 }, contentChanges: [{ text: SECRET.replace('pool-tls', 'pool-tls-2') }] });
    await until(() => counts.get(secret) === 1 && counts.get(pool) === 1);
    assert.equal(counts.get(secret), 1);
    assert.equal(counts.get(pool), 1, 'the Pgpool looks the Secret up across the workspace');
    for (const u of [hba, other]) assert.equal(counts.get(u), undefined, `${path.basename(u)} did not read the Secret`);
    counts.clear();

    // Closing pgpool.conf: pool_hba.conf now reads the disk, where there is no pgpool.conf, so it is pushed again (and
    // pg_hba.conf in another folder is not).
    await h.client.sendNotification('textDocument/didClose', { textDocument: { uri: conf } });
    await until(() => counts.get(hba) === 1);
    assert.ok(!codes(h, hba).includes('pool-hba/hostssl-without-ssl'), `no pgpool.conf on disk: ${codes(h, hba)}`);
    assert.equal(counts.get(other), undefined);
  } finally {
    h.close();
  }
});

test('pull client: a document pulled after an edit of a file it reads has the new findings', { timeout: 120_000 }, async () => {
  const h = await startHarness({ settings: { checkFiles: false } });
  try {
    const conf = uriOf('p/pgpool.conf'), hba = uriOf('p/pool_hba.conf');
    const pull = async (uri: string) => ((await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items.map(d => d.code);
    await open(h, conf, 'pgpool-conf', 'enable_pool_hba = on\nssl = off\n');
    await open(h, hba, 'pool-hba', 'hostssl all all 10.0.0.0/8 scram-sha-256\n');
    assert.ok((await pull(hba)).includes('pool-hba/hostssl-without-ssl'));
    assert.ok((await pull(hba)).includes('pool-hba/hostssl-without-ssl'), 'the same answer again (from the cache)');
    await h.client.sendNotification('textDocument/didChange', { textDocument: { uri: conf, version: 2 }, contentChanges: [{ text: 'enable_pool_hba = on\nssl = on\n' }] });
    await pull(conf);
    assert.ok(!(await pull(hba)).includes('pool-hba/hostssl-without-ssl'), 'pool_hba.conf follows pgpool.conf');
    // A file on disk changes (the watcher): every cached result is stale.
    fs.mkdirSync(path.join(tmp, 'p'), { recursive: true });
    await h.client.sendNotification('textDocument/didClose', { textDocument: { uri: conf } });
    fs.writeFileSync(path.join(tmp, 'p/pgpool.conf'), 'enable_pool_hba = on\nssl = off\n');
    await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: conf, type: 1 }] });
    assert.ok((await pull(hba)).includes('pool-hba/hostssl-without-ssl'), 'pool_hba.conf reads the pgpool.conf on disk');
  } finally {
    h.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
