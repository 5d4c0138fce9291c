/**
 * The certificate expiry code lens over LSP with the real server and a pinned clock: "expires in N days", "expired N
 * days ago" and "not yet valid" above each certificate of a Secret's data/stringData keys and of the certificate and
 * CA files postgresql.conf, pgpool.conf and pgbouncer.ini name; "Renew" (pgtls.renewCertificates with { dir }) only where the folder
 * holds ca.crt and ca.key; nothing for a path pgtls cannot see; nothing when pgtls.certificateLenses is off.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { webcrypto } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startHarness, type Harness } from './harness';
import { createCertService, type IssuedSet, type CertificateAuthority } from '../../server/src/certService';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsplens-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const DAY = 86_400_000;
/** When the certificates start; the server's clock is set relative to it. */
const T0 = new Date('2041-03-10T12:00:00Z');
const setDir = path.join(root, 'set');
const otherDir = path.join(root, 'other');
let set: IssuedSet & { ca: CertificateAuthority };

interface Lens { range: { start: { line: number } }; command: { title: string; command: string; arguments?: unknown[] } }

before(async () => {
  const certs = createCertService({ now: () => T0, crypto: webcrypto as unknown as Crypto });
  set = await certs.createSet({
    ca: { algorithm: 'ecdsa-p256', commonName: 'Lens CA', days: 3650 },
    server: { commonName: 'db.example.com', dnsNames: ['db.example.com'], ipAddresses: [] },
    leaves: { days: 30 },
  });
  for (const d of [setDir, otherDir]) fs.mkdirSync(d, { mode: 0o700 });
  fs.writeFileSync(path.join(setDir, 'ca.crt'), set.ca.certPem);
  fs.writeFileSync(path.join(setDir, 'ca.key'), set.ca.keyPem, { mode: 0o600 });
  fs.writeFileSync(path.join(setDir, 'server.crt'), set.server!.certPem);
  fs.writeFileSync(path.join(setDir, 'server.key'), set.server!.keyPem, { mode: 0o600 });
  fs.writeFileSync(path.join(otherDir, 'server.crt'), set.server!.certPem);
  fs.writeFileSync(path.join(otherDir, 'server.key'), set.server!.keyPem, { mode: 0o600 });
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (name: string) => [
  'apiVersion: v1', 'kind: Secret', `metadata: {name: ${name}}`, 'type: kubernetes.io/tls', 'data:',
  `  tls.crt: ${b64(set.server!.certPem + set.ca.certPem)}`,
  `  tls.key: ${b64(set.server!.keyPem)}`,
  `  ca.crt: ${b64(set.ca.certPem)}`,
  '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: not-a-secret}', 'data:',
  '  ca.crt: |', ...set.ca.certPem.trimEnd().split('\n').map(l => `    ${l}`),
  '---', 'apiVersion: v1', 'kind: Secret', `metadata: {name: ${name}-ca}`, 'stringData:',
  '  ca.crt: |', ...set.ca.certPem.trimEnd().split('\n').map(l => `    ${l}`),
  '',
].join('\n');

async function lenses(h: Harness, file: string, languageId: string, text: string): Promise<[number, string, unknown?][]> {
  const uri = pathToFileURL(file).href;
  await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  const got = (await h.client.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Lens[];
  // The TLS map's lens (test/lsp/tlsMap.test.ts) is not an expiry lens.
  return got.filter(l => l.command.title !== 'Show TLS Map').map(l => [l.range.start.line, l.command.title, ...(l.command.command ? [{ command: l.command.command, arguments: l.command.arguments }] : [])] as [number, string, unknown?]);
}

/** The client commands VS Code's client announces (client/src/extension.ts): it runs "Renew" itself. */
const VSCODE = { clientCommands: ['pgtls.renewCertificates', 'pgtls.showTlsMap'] };

async function withClock<T>(at: Date, settings: Record<string, unknown>, f: (h: Harness) => Promise<T>, initializationOptions: unknown = VSCODE): Promise<T> {
  const h = await startHarness({ now: () => at, workspaceFolders: [root], settings, initializationOptions });
  try {
    return await f(h);
  } finally {
    h.close();
  }
}

test('capability: the server announces a code lens provider', async () => {
  const { PassThrough } = await import('node:stream');
  const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-jsonrpc/node');
  const { startServer } = await import('../../server/src/lsp/server');
  const { nodeEnv } = await import('../../server/src/node/env');
  const { SCHEMAS } = await import('../helpers');
  const up = new PassThrough();
  const down = new PassThrough();
  startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(up), new StreamMessageWriter(down)), o => nodeEnv(SCHEMAS, o));
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  client.listen();
  const r = (await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as { capabilities: { codeLensProvider?: { resolveProvider: boolean } } };
  assert.deepEqual(r.capabilities.codeLensProvider, { resolveProvider: false });
  client.dispose();
  up.end();
  down.end();
});

test('Secret manifest: one lens per certificate of data/stringData keys, Renew where the folder holds ca.crt and ca.key', async () => {
  await withClock(new Date(T0.getTime() + 10 * DAY), {}, async h => {
    const inSet = await lenses(h, path.join(setDir, 'secrets.yaml'), 'yaml', secret('pg-tls'));
    const dir = { command: 'pgtls.renewCertificates', arguments: [{ dir: setDir }] };
    const caLine = 6 + 1 + 7 + set.ca.certPem.trimEnd().split('\n').length + 5 + 1; // the stringData ca.crt key of document 3
    assert.deepEqual(inSet, [
      [5, 'db.example.com: expires in 20 days'],
      [5, 'Lens CA: expires in 3640 days'],
      [5, 'Renew', dir],
      [7, 'expires in 3640 days'],
      [caLine - 1, 'expires in 3640 days'],
      [caLine - 1, 'Renew', dir],
    ]);
    // The same manifest elsewhere: the expiry, no Renew (no ca.key beside it).
    const elsewhere = await lenses(h, path.join(otherDir, 'secrets.yaml'), 'yaml', secret('pg-tls'));
    assert.equal(elsewhere.filter(l => l[1] === 'Renew').length, 0);
    assert.equal(elsewhere.length, 4);
  });
});

test('expired and not yet valid certificates; a broken value gets no lens and no crash', async () => {
  const late = await withClock(new Date(T0.getTime() + 40 * DAY), {}, h => lenses(h, path.join(otherDir, 's.yaml'), 'yaml', secret('x')));
  assert.equal(late[0]![1], 'db.example.com: expired 10 days ago');
  const early = await withClock(new Date(T0.getTime() - DAY), {}, h => lenses(h, path.join(otherDir, 's.yaml'), 'yaml', secret('x')));
  assert.equal(early[0]![1], 'db.example.com: not yet valid (from 2041-03-10)');
  const broken = await withClock(T0, {}, h => lenses(h, path.join(otherDir, 'b.yaml'), 'yaml', 'kind: Secret\ndata:\n  tls.crt: "%%%"\n  ca.crt: [\n'));
  assert.deepEqual(broken, []);
});

test('postgresql.conf, pgpool.conf and pgbouncer.ini: lenses on the certificate and CA settings; none for a path pgtls cannot see', async () => {
  await withClock(new Date(T0.getTime() + 25 * DAY), {}, async h => {
    const crt = path.join(setDir, 'server.crt');
    const pg = await lenses(h, path.join(setDir, 'postgresql.conf'), 'postgresql-conf', [
      'ssl = on', `ssl_cert_file = '${crt}'`, `ssl_key_file = '${path.join(setDir, 'server.key')}'`, `ssl_ca_file = '${path.join(setDir, 'ca.crt')}'`, '',
    ].join('\n'));
    const dir = { command: 'pgtls.renewCertificates', arguments: [{ dir: setDir }] };
    assert.deepEqual(pg, [[1, 'expires in 5 days'], [1, 'Renew', dir], [3, 'expires in 3625 days']]);

    const pool = await lenses(h, path.join(otherDir, 'pgpool.conf'), 'pgpool-conf', [
      'ssl = on', `ssl_cert = '${path.join(otherDir, 'server.crt')}'`, `ssl_key = '${path.join(otherDir, 'server.key')}'`,
      "ssl_ca_cert = '/etc/pgtls-lens-test-nowhere/ca.crt'", '',
    ].join('\n'));
    assert.deepEqual(pool, [[1, 'expires in 5 days']]);

    const bouncer = await lenses(h, path.join(otherDir, 'pgbouncer.ini'), 'pgbouncer-ini', [
      '[databases]', '* = host=127.0.0.1', '[pgbouncer]', 'client_tls_sslmode = require',
      `client_tls_cert_file = ${path.join(otherDir, 'server.crt')}`, `client_tls_key_file = ${path.join(otherDir, 'server.key')}`, '',
    ].join('\n'));
    assert.deepEqual(bouncer, [[4, 'expires in 5 days']]);
  });
});

test('pgtls.certificateLenses off: no lenses', async () => {
  const none = await withClock(T0, { certificateLenses: false }, h => lenses(h, path.join(setDir, 'secrets.yaml'), 'yaml', secret('pg-tls')));
  assert.deepEqual(none, []);
});

test('a client that does not run "Renew" itself (no clientCommands) gets the expiry lenses without it', async () => {
  await withClock(new Date(T0.getTime() + 10 * DAY), {}, async h => {
    const got = await lenses(h, path.join(setDir, 'secrets.yaml'), 'yaml', secret('pg-tls'));
    assert.ok(got.length >= 3, JSON.stringify(got));
    assert.deepEqual(got.filter(l => l[1] === 'Renew'), [], 'no lens whose command would fail');
    assert.ok(got.every(l => l[2] === undefined), 'the expiry lenses carry no command');
  }, {});
});
