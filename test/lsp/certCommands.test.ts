/**
 * The certificate requests (protocol.ts `pgtls/certs/*`) over the real language server: the preset of the resource
 * under the cursor in an open (unsaved) buffer, a complete set written with modes and Secrets, refusal then force,
 * errors as JSON-RPC errors with a clear message, and inspection of a file and of a base64 Secret value.
 */
import 'reflect-metadata';
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness } from './harness';
import {
  CERT_CREATE_REQUEST, CERT_INSPECT_REQUEST, CERT_PRESET_REQUEST,
  type CertCreateParams, type CertCreateResult, type CertInspectResult, type CertPresetResult,
} from '../../server/src/protocol';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lspcmd-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const mode = (p: string) => fs.statSync(p).mode & 0o777;

const RESOURCE = `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata:
  name: pool
  namespace: demo
spec:
  version: "4.6.0"
`;

test('pgtls/certs/* over LSP: preset under the cursor, complete set, refusal then force, errors, inspect', { skip: process.platform === 'win32' ? 'POSIX modes' : undefined }, async () => {
  const h = await startHarness();
  try {
    // The buffer is open and not on disk: the server must use the open text.
    const uri = pathToFileURL(path.join(root, 'pool.yaml')).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: RESOURCE } });

    const preset = await h.client.sendRequest<CertPresetResult | null>(CERT_PRESET_REQUEST, { uri, offset: RESOURCE.indexOf('pool') });
    assert.ok(preset);
    assert.equal(preset.operator, 'kubedb');
    assert.equal(preset.name, 'pool');
    assert.equal(preset.clientUser, 'postgres');
    assert.ok(preset.sans.some(s => s.startsWith('pool.demo.svc')), preset.sans.join(', '));
    assert.equal(await h.client.sendRequest(CERT_PRESET_REQUEST, { uri: pathToFileURL(path.join(root, 'missing.yaml')).href, offset: 0 }), null);

    const folder = path.join(root, 'certs', 'pool');
    const params: CertCreateParams = { kind: 'set', folder, algorithm: 'ecdsa-p256', resource: { uri, offset: 10 } };
    const r = await h.client.sendRequest<CertCreateResult>(CERT_CREATE_REQUEST, params);
    assert.equal(r.status, 'written');
    if (r.status !== 'written') return;
    const names = r.summary.files.map(f => f.name).sort();
    assert.deepEqual(names, ['ca.crt', 'ca.key', 'client.crt', 'client.key', 'secrets.yaml', 'server.crt', 'server.key']);
    for (const f of r.summary.files) assert.equal(mode(f.path), f.kind === 'certificate' ? 0o644 : 0o600, f.name);
    assert.equal(mode(folder), 0o700);
    assert.match(r.summary.files.find(f => f.name === 'client.crt')!.subject!, /CN=postgres/);
    assert.ok(!JSON.stringify(r).includes('PRIVATE KEY'));
    assert.match(fs.readFileSync(path.join(folder, 'secrets.yaml'), 'utf8'), /kind: Issuer/);
    const edit = r.summary.resourceEdit!;
    assert.equal(edit.uri, uri);
    assert.match(RESOURCE.slice(0, edit.start) + edit.newText + RESOURCE.slice(edit.end), /issuerRef:\n\s+apiGroup: cert-manager.io\n\s+kind: Issuer\n\s+name: pool-ca-issuer/);

    const refused = await h.client.sendRequest<CertCreateResult>(CERT_CREATE_REQUEST, params);
    assert.equal(refused.status, 'exists');
    const forced = await h.client.sendRequest<CertCreateResult>(CERT_CREATE_REQUEST, { ...params, force: true });
    assert.equal(forced.status, 'written');
    assert.ok(forced.status === 'written' && forced.summary.files.every(f => f.replaced));

    await assert.rejects(
      h.client.sendRequest(CERT_CREATE_REQUEST, { kind: 'ca', folder: path.join(root, 'weak'), algorithm: 'rsa-1024' } satisfies CertCreateParams),
      (e: Error & { code?: number }) => { assert.match(e.message, /1024|2048|RSA/); assert.equal(e.code, -32803); return true; },
    );
    assert.ok(!fs.existsSync(path.join(root, 'weak')));

    const fromFile = await h.client.sendRequest<CertInspectResult>(CERT_INSPECT_REQUEST, { uri: pathToFileURL(path.join(folder, 'server.crt')).href });
    assert.equal(fromFile.count, 1);
    assert.match(fromFile.text, /pool\.demo\.svc/);
    const b64 = Buffer.from(fs.readFileSync(path.join(folder, 'ca.crt'))).toString('base64');
    const fromSecret = await h.client.sendRequest<CertInspectResult>(CERT_INSPECT_REQUEST, { text: b64 });
    assert.match(fromSecret.text, /CA:TRUE/);
    await assert.rejects(h.client.sendRequest(CERT_INSPECT_REQUEST, { uri: pathToFileURL(path.join(root, 'nope.crt')).href }), /cannot read/);
  } finally {
    h.close();
  }
});
