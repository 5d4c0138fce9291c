/**
 * The editor's lifecycle requests (`pgtls/certs/renew`, `pgtls/certs/rotateCa`) through the real language server:
 * they renew and rotate the set in a folder with the injected clock, keep a backup, answer with a summary that holds
 * no key material, and fail with the core's message for a folder that is not a set.
 */
import 'reflect-metadata';
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startHarness } from './harness';
import {
  CERT_CREATE_REQUEST, CERT_RENEW_REQUEST, CERT_ROTATE_CA_REQUEST, type CertCreateParams, type CertLifecycleParams, type CertLifecycleResult,
} from '../../server/src/protocol';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsplife-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('renew and rotateCa requests write the set with a backup and answer with a summary', async () => {
  let clock = new Date('2031-05-01T10:00:00Z');
  const h = await startHarness({ now: () => clock });
  try {
    const folder = path.join(root, 'set');
    await h.client.sendRequest(CERT_CREATE_REQUEST, { kind: 'ca', folder } satisfies CertCreateParams);
    await h.client.sendRequest(CERT_CREATE_REQUEST, { kind: 'server', folder, serverName: 'db.test' } satisfies CertCreateParams);
    clock = new Date('2031-09-02T10:00:00Z');
    const renewed = await h.client.sendRequest<CertLifecycleResult>(CERT_RENEW_REQUEST, { dir: folder } satisfies CertLifecycleParams);
    assert.match(renewed.message, /Renewed server\.crt \(same names, same keys, valid until 2032-10-03\)/);
    assert.ok(renewed.backupDir?.endsWith('backup-20310902-100000'));
    assert.deepEqual(renewed.files, ['server.crt']);

    // PGO's Secrets need the replication certificate: refused before anything is written.
    await assert.rejects(h.client.sendRequest(CERT_ROTATE_CA_REQUEST, { dir: folder, operator: 'pgo', name: 'hippo' }), /replication\.crt/);
    assert.ok(!fs.existsSync(path.join(folder, 'ca-bundle.crt')));
    const rotated = await h.client.sendRequest<CertLifecycleResult>(CERT_ROTATE_CA_REQUEST, { dir: folder, operator: 'cpo', name: 'acid' } satisfies CertLifecycleParams);
    assert.ok(fs.existsSync(path.join(folder, 'rotate-ca-1-trust-both.yaml')));
    assert.equal(rotated.steps?.length, 3);
    assert.ok(fs.existsSync(path.join(folder, 'ca-bundle.crt')));
    assert.doesNotMatch(JSON.stringify([renewed, rotated]), /PRIVATE KEY/);

    await assert.rejects(h.client.sendRequest(CERT_RENEW_REQUEST, { dir: path.join(root, 'empty-nothing') }), /cannot be read|not a folder/);
    await assert.rejects(h.client.sendRequest(CERT_RENEW_REQUEST, { dir: 'relative' }), /absolute path/);
  } finally {
    h.close();
  }
});
