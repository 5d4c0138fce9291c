/**
 * The `pgtls/probe` request (protocol.ts), as the palette's "PG TLS: Probe Server…" sends it, against a small
 * SSLRequest-speaking TLS server of this test on 127.0.0.1 (the real servers are test/interop/probe.test.ts's): the
 * report comes back as text with the findings; a bad target is an error; nobody listening is exit code 2.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { generateSet } from '../../server/src/certs/generate';
import { PROBE_REQUEST, type ProbeResult } from '../../server/src/protocol';
import { freePorts } from '../ports';
import { startHarness } from './harness';

test('pgtls/probe: a report for a TLS server on loopback, errors for bad targets', async () => {
  const set = await generateSet({ serverName: 'localhost', sans: ['127.0.0.1'], clientUser: 'app', now: new Date(), crypto: webcrypto as unknown as Crypto });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lspprobe-'));
  const ca = path.join(dir, 'ca.crt');
  fs.writeFileSync(ca, set['ca.crt']);
  // An SSLRequest answered with 'S', then TLS with the generated server certificate (no client certificates).
  const server = net.createServer(sock => {
    sock.once('data', () => {
      sock.write('S');
      const t = new tls.TLSSocket(sock, { isServer: true, secureContext: tls.createSecureContext({ cert: set['server.crt'], key: set['server.key'] }) });
      t.on('error', () => undefined);
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>(res => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as net.AddressInfo).port;
  const h = await startHarness();
  try {
    const r = await h.client.sendRequest<ProbeResult>(PROBE_REQUEST, { target: `127.0.0.1:${port}`, ca });
    assert.equal(r.exitCode, 0, r.text);
    assert.match(r.text, /Verification: +verifies against/);
    assert.match(r.text, /Client cert: +not requested/);
    assert.doesNotMatch(r.text, /PRIVATE KEY/);
    await assert.rejects(h.client.sendRequest(PROBE_REQUEST, { target: 'db:99999' }), /HOST/);
    await assert.rejects(h.client.sendRequest(PROBE_REQUEST, { target: `127.0.0.1:${port}`, ca: path.join(dir, 'missing.crt') }), /cannot read the CA file/);
    const [closed] = await freePorts(1);
    const none = await h.client.sendRequest<ProbeResult>(PROBE_REQUEST, { target: `127.0.0.1:${closed}`, timeoutSeconds: 5 });
    assert.equal(none.exitCode, 2);
    assert.deepEqual(none.findings.map(f => f.id), ['probe/unreachable']);
  } finally {
    h.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
