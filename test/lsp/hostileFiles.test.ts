/**
 * The language server's certificate requests on hostile paths (issue 13, item 2): `pgtls/certs/inspect` and
 * `pgtls/certs/preset` on a FIFO and on a link to /dev/zero, `create` with a CA folder whose ca.crt is a FIFO or into
 * /proc, `sign` with a FIFO CSR. The bundled server (dist/server.js, `npm run build` first) runs in a child process
 * under a time and a memory bound (test/bounded.ts), so a regression fails here by its bound instead of hanging the
 * test; after the hostile requests the same server still answers an ordinary one.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_BOUNDS, SERVER, runCli, startServerProcess } from '../bounded';
import {
  CERT_CREATE_REQUEST, CERT_INSPECT_REQUEST, CERT_PRESET_REQUEST, CERT_SIGN_REQUEST, type CertInspectResult,
} from '../../server/src/protocol';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-hostile-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const at = (...p: string[]) => path.join(root, ...p);
const uri = (p: string) => pathToFileURL(p).href;

test('certificate requests on a FIFO and on /dev/zero answer at once with an error; the server stays up and small', {
  timeout: 180_000, skip: process.platform === 'linux' ? undefined : 'FIFOs, /dev/zero and /proc are Linux',
}, async () => {
  assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run npm run build');
  const set = await runCli(['cert', 'set', '--server-name', 'db', '--client-user', 'app', '--out', at('set')]);
  assert.equal(set.code, 0, set.err);
  execFileSync('mkfifo', [at('pipe.crt')]);
  execFileSync('mkfifo', [at('pool.yaml')]);
  fs.symlinkSync('/dev/zero', at('zero.crt'));
  fs.symlinkSync('/dev/zero', at('zero.yaml'));
  fs.mkdirSync(at('fifo-ca'));
  execFileSync('mkfifo', [at('fifo-ca', 'ca.crt')]);
  fs.copyFileSync(at('set', 'ca.key'), at('fifo-ca', 'ca.key'));

  const s = await startServerProcess();
  try {
    for (const [file, kind] of [['pipe.crt', /a FIFO/], ['zero.crt', /a character device/]] as const) {
      await assert.rejects(s.request(CERT_INSPECT_REQUEST, { uri: uri(at(file)) }), (e: Error) => {
        assert.match(e.message, /cannot read .*: not a regular file/);
        assert.match(e.message, kind);
        return true;
      }, file);
    }
    for (const file of ['pool.yaml', 'zero.yaml']) assert.equal(await s.request(CERT_PRESET_REQUEST, { uri: uri(at(file)), offset: 0 }), null, file);

    await assert.rejects(s.request(CERT_CREATE_REQUEST, { kind: 'server', folder: at('leaf'), caFolder: at('fifo-ca'), serverName: 'db' }), /cannot read the CA: .*ca\.crt is not a regular file: it is a FIFO/);
    await assert.rejects(s.request(CERT_SIGN_REQUEST, { csr: at('pipe.crt'), caCert: at('set', 'ca.crt'), caKey: at('set', 'ca.key'), role: 'server', out: at('signed.crt') }), /the CSR: .*pipe\.crt is not a regular file: it is a FIFO/);
    await assert.rejects(s.request(CERT_CREATE_REQUEST, { kind: 'ca', folder: '/proc/pgtls-lsp-test' }), /is on the proc file system/);

    // Still answering, and with the real file.
    const ok = await s.request<CertInspectResult>(CERT_INSPECT_REQUEST, { uri: uri(at('set', 'server.crt')) });
    assert.match(JSON.stringify(ok), /CN=db/);
    assert.equal(s.killedFor(), undefined);
    assert.ok(s.peakRss() < DEFAULT_BOUNDS.maxRssBytes, `${s.peakRss()} bytes resident`);
  } finally {
    await s.close();
  }
});
