/**
 * Configurations and their certificates over the real language server (issue 12, "Configuration and certificates
 * are not linked"): the hover over a certificate path value of postgresql.conf, Inspect Certificate following that
 * path (`pgtls/certs/inspect` with `uri` + `offset`), the "Generate … here" quick fix on a missing file and the files
 * it asks for, and the configuration edit that points a configuration at generated files.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { webcrypto } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startHarness, type Harness } from './harness';
import { createCertService, type CertificateAuthority, type IssuedSet } from '../../server/src/certService';
import {
  CERT_CONFIG_EDIT_REQUEST, CERT_CREATE_REQUEST, CERT_INSPECT_REQUEST, GENERATE_TLS_FILES_COMMAND,
  type CertConfigEditResult, type CertCreateParams, type CertCreateResult, type CertInspectResult, type GenerateTlsFilesArgs,
} from '../../server/src/protocol';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lspconfcerts-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const data = path.join(root, 'data');
let set: IssuedSet & { ca: CertificateAuthority };

before(async () => {
  const certs = createCertService({ now: () => new Date(), crypto: webcrypto as unknown as Crypto });
  set = await certs.createSet({
    ca: { algorithm: 'ecdsa-p256', commonName: 'LSP Conf CA', days: 3650 },
    server: { commonName: 'pg.example.com', dnsNames: ['pg.example.com'], ipAddresses: [] },
  });
  fs.mkdirSync(data, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(data, 'PG_VERSION'), '17\n');
  fs.writeFileSync(path.join(data, 'server.crt'), set.server!.certPem);
  fs.writeFileSync(path.join(data, 'server.key'), set.server!.keyPem, { mode: 0o600 });
});

interface Pos { line: number; character: number }
const posOf = (text: string, needle: string, plus = 1): Pos => {
  const at = text.indexOf(needle) + plus;
  const before = text.slice(0, at);
  return { line: before.split('\n').length - 1, character: at - before.lastIndexOf('\n') - 1 };
};

async function open(h: Harness, file: string, languageId: string, text: string): Promise<string> {
  const uri = pathToFileURL(file).href;
  await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}

test('hover over ssl_cert_file over LSP: the certificate the data directory holds, at the value\'s range', async () => {
  const h = await startHarness({ workspaceFolders: [root] });
  try {
    const text = "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n";
    const uri = await open(h, path.join(data, 'postgresql.conf'), 'postgresql-conf', text);
    const hover = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: posOf(text, "'server.crt'") }) as { range: { start: Pos; end: Pos }; contents: { value: string } };
    assert.deepEqual(hover.range, { start: { line: 1, character: 16 }, end: { line: 1, character: 28 } });
    assert.match(hover.contents.value, /ssl_cert_file/);
    assert.match(hover.contents.value, /CN=pg\.example\.com/);
    assert.match(hover.contents.value, /expires in 39[67] days/);
    const key = await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: posOf(text, "'server.key'") }) as { contents: { value: string } };
    assert.match(key.contents.value, /It is the key of the certificate in `ssl_cert_file`/);
    assert.doesNotMatch(key.contents.value, /BEGIN|PRIVATE KEY-----/);
  } finally {
    h.close();
  }
});

test('Inspect Certificate follows the path value under the cursor; a key, an unseen path and a plain value are refused with the reason', async () => {
  const h = await startHarness({ workspaceFolders: [root] });
  try {
    const text = "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nssl_ca_file = '/etc/pgtls-lsp-test/root.crt'\nport = 5432\n";
    const uri = await open(h, path.join(data, 'postgresql.conf'), 'postgresql-conf', text);
    const r = await h.client.sendRequest<CertInspectResult>(CERT_INSPECT_REQUEST, { uri, offset: text.indexOf('server.crt') + 2 });
    assert.equal(r.count, 1);
    assert.equal(r.file, path.join(data, 'server.crt'));
    assert.equal(r.setting, 'ssl_cert_file');
    assert.match(r.text, /pg\.example\.com/);
    const refused = async (needle: string): Promise<string> => {
      try {
        await h.client.sendRequest(CERT_INSPECT_REQUEST, { uri, offset: text.indexOf(needle) + 2 });
      } catch (e) {
        return (e as Error).message;
      }
      assert.fail(`inspecting at ${needle} was not refused`);
    };
    assert.match(await refused('server.key'), /"ssl_key_file" names a private key/);
    assert.match(await refused('/etc/pgtls-lsp-test'), /"ssl_ca_file": "\/etc\/pgtls-lsp-test\/root\.crt" is outside the workspace/);
    assert.match(await refused('5432'), /put the cursor on a certificate path value/);
  } finally {
    h.close();
  }
});

test('the "Generate … here" code action on a missing file: its command names the configured paths; generating them clears the diagnostics', async () => {
  // The VS Code client announces that it runs the command itself (client/src/extension.ts): the client's id, as before.
  const h = await startHarness({ workspaceFolders: [root], initializationOptions: { clientCommands: [GENERATE_TLS_FILES_COMMAND] } });
  try {
    const dir = path.join(root, 'pool');
    fs.mkdirSync(dir, { recursive: true });
    const text = "ssl = on\nssl_cert = 'tls/server.crt'\nssl_key = 'tls/server.key'\nssl_ca_cert = 'tls/root.crt'\n";
    const uri = await open(h, path.join(dir, 'pgpool.conf'), 'pgpool-conf', text);
    type Diag = { code: string; range: { start: Pos; end: Pos } };
    const pull = async () => ((await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
    const missingFiles = (await pull()).filter(d => d.code === 'pgpool-conf/ssl-file-missing');
    assert.equal(missingFiles.length, 3);
    const onCert = missingFiles.find(d => d.range.start.line === 1)!;
    const actions = await h.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: onCert.range, context: { diagnostics: [onCert] } }) as { title: string; command?: { command: string; arguments: GenerateTlsFilesArgs[] } }[];
    const generate = actions.find(a => a.command?.command === GENERATE_TLS_FILES_COMMAND);
    assert.ok(generate, `no Generate action among ${actions.map(a => a.title).join(' | ')}`);
    assert.equal(generate.title, 'Generate server.crt and server.key here with a new CA root.crt');
    const args = generate.command!.arguments[0]!;
    assert.equal(args.uri, uri, 'the glue fills in the document');
    assert.equal(args.kind, 'server');
    // What the client command sends (client/src/commands/certGenerateHere.ts), with the questions answered.
    const r = await h.client.sendRequest<CertCreateResult>(CERT_CREATE_REQUEST, { kind: args.kind, folder: path.dirname(args.paths.cert!), paths: args.paths, serverName: 'pool.example.com' } satisfies CertCreateParams);
    assert.equal(r.status, 'written');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'tls')).sort(), ['.gitignore', 'root.crt', 'root.key', 'server.crt', 'server.key']);
    await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'tls', 'server.crt')).href, type: 1 }] });
    const after = await pull();
    assert.deepEqual(after.filter(d => d.code === 'pgpool-conf/ssl-file-missing'), []);
  } finally {
    h.close();
  }
});

test('pgtls/certs/configEdit: the edit of an open (unsaved) postgresql.conf, paths relative to its data directory; null for another file', async () => {
  const h = await startHarness({ workspaceFolders: [root] });
  try {
    const text = "listen_addresses = '*'\n#ssl = off\nssl_ca_file = 'root.crt'\n";
    const uri = await open(h, path.join(data, 'postgresql.conf'), 'postgresql-conf', text);
    const files = { cert: path.join(data, 'tls', 'server.crt'), key: path.join(data, 'tls', 'server.key'), ca: path.join(data, 'tls', 'ca.crt') };
    const r = await h.client.sendRequest<CertConfigEditResult | null>(CERT_CONFIG_EDIT_REQUEST, { uri, files });
    assert.ok(r);
    assert.deepEqual(r.settings, [
      { key: 'ssl', value: 'on' }, { key: 'ssl_cert_file', value: 'tls/server.crt' }, { key: 'ssl_key_file', value: 'tls/server.key' }, { key: 'ssl_ca_file', value: 'tls/ca.crt' },
    ]);
    assert.ok(r.edits.every(e => e.uri === uri));
    let out = text;
    for (const e of [...r.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    assert.equal(out, "listen_addresses = '*'\n#ssl = off\nssl = on\nssl_ca_file = 'tls/ca.crt'\nssl_cert_file = 'tls/server.crt'\nssl_key_file = 'tls/server.key'\n");
    assert.match(r.notes.join(' '), /`ssl_ca_file` names root\.crt, but the CA is ca\.crt/);
    const hba = pathToFileURL(path.join(data, 'pg_hba.conf')).href;
    assert.equal(await h.client.sendRequest(CERT_CONFIG_EDIT_REQUEST, { uri: hba, files }), null);
  } finally {
    h.close();
  }
});
