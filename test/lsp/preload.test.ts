/**
 * The certificate code loads shortly after `initialized` (lsp/server.ts), not when the first file with certificates
 * is opened: the server asks its TLS backend to read nothing, which makes the lazy backend load its module.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lazyTlsBackend } from '../../server/src/node/env';
import { startHarness } from './harness';

test('the server loads the TLS backend by itself shortly after initialized, before any document needs it', async () => {
  const real = lazyTlsBackend();
  const reads: string[] = [];
  const tls = { ...real, readCertificates: (pem: string) => { reads.push(pem); return real.readCertificates(pem); } };
  const h = await startHarness({ tls });
  try {
    assert.deepEqual(reads, [], 'nothing read while starting');
    const deadline = Date.now() + 10_000;
    while (!reads.length && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
    assert.deepEqual(reads, [''], 'one empty read: the backend module is loaded, nothing is parsed');
  } finally {
    h.close();
  }
});
