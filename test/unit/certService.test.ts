/**
 * The certificate half of the façade (server/src/certService.ts): a set as data with the injected clock and crypto,
 * nothing written; and the language server's cold start does not load it (service.ts loads it on first use).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import * as path from 'node:path';
import { createCertService, presetAt, presetSummary } from '../../server/src/certService';
import { loadCertService } from '../../server/src/service';
import { ROOT } from '../helpers';

const NOW = new Date('2026-03-01T12:00:00Z');
const env = { now: () => NOW, crypto: webcrypto as unknown as Crypto };

test('createSet: a CA and the leaves it issues, as data, dated by the injected clock', async () => {
  const certs = createCertService(env);
  const set = await certs.createSet({
    ca: { commonName: 'Test CA', days: 30 },
    server: { commonName: 'db.example', dnsNames: ['db2.example'], ipAddresses: ['10.0.0.5'] },
    client: { user: 'app' },
  });
  assert.equal(set.replication, undefined);
  const server = await certs.describe(set.server!.certPem);
  assert.deepEqual(server.subjectAltNames.dns.sort(), ['db.example', 'db2.example']);
  assert.deepEqual(server.subjectAltNames.ip, ['10.0.0.5']);
  assert.equal(server.notBefore.toISOString(), '2026-03-01T11:55:00.000Z');
  assert.ok(server.notAfter <= set.ca.cert.notAfter, 'a leaf never outlives its CA');
  assert.equal((await certs.describe(set.client!.certPem)).commonName, 'app');
  const loaded = await certs.loadCa(set.ca.certPem, set.ca.keyPem);
  assert.equal(loaded.cert.serialNumber, set.ca.cert.serialNumber);
  const shown = await certs.inspect({ text: set.server!.chainPem });
  assert.equal(shown.count, 1);
  assert.ok(!shown.text.includes('PRIVATE KEY'));
});

const PERCONA = 'apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata:\n  name: c1\n  namespace: db\nspec: {}\n';

test('the preset of the resource under the cursor, and its summary for the client', () => {
  const text = PERCONA;
  const pr = presetAt(text, 5);
  assert.equal(pr?.operator, 'percona');
  const summary = presetSummary(pr!);
  assert.equal(summary.name, 'c1');
  assert.equal(summary.replicationUser, '_crunchyrepl');
});

test('loadCertService gives the same operations, loaded on first use', async () => {
  const certs = await loadCertService(env);
  assert.equal(typeof certs.createSet, 'function');
  assert.equal(certs.presetSummary(certs.presetAt(PERCONA, 0)!).serverName, presetSummary(presetAt(PERCONA, 0)!).serverName);
});

test('importing the façade (service.ts) does not load the certificate code', () => {
  const script = `
    require(${JSON.stringify(path.join(ROOT, 'server/src/service.ts'))});
    const loaded = Object.keys(require.cache).filter(f => /certService|@peculiar[\\\\/]x509/.test(f));
    process.stdout.write(JSON.stringify(loaded));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
});

test('checkSetFiles judges server names as libpq verifies them: a wildcard SAN covers one label', async () => {
  const certs = createCertService(env);
  const pr = presetAt(PERCONA, 5)!;
  const set = await certs.createSet({
    ca: { commonName: 'Test CA', days: 30 },
    server: { commonName: 'c1-primary', dnsNames: ['*.db.svc'], ipAddresses: [] },
  });
  const enc = (s: string) => new TextEncoder().encode(s);
  const files = { 'ca.crt': enc(set.ca.certPem), 'ca.key': enc(set.ca.keyPem), 'server.crt': enc(set.server!.chainPem), 'server.key': enc(set.server!.keyPem) };
  const missing = await certs.checkSetFiles(files, pr, f => f);
  const wanted = [...pr.server.dnsNames, ...pr.server.ipAddresses];
  assert.ok(wanted.some(h => /^[^.]+\.db\.svc$/.test(h)), 'the preset has names one label below db.svc');
  // Covered: the CN (also a SAN) and, by *.db.svc, exactly the names one label below db.svc; the rest is missing.
  assert.deepEqual(missing, wanted.filter(h => h !== 'c1-primary' && !/^[^.*]+\.db\.svc$/.test(h)));
  assert.ok(missing.some(h => h.endsWith('.svc.cluster.local')), 'a wildcard does not cover two labels');
});
