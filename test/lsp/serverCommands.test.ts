/**
 * The certificate code actions in any LSP client (issue 12, "first-class editor experience" beyond VS Code): a client
 * that does not announce the client commands gets the server's own (`pgtls.server.*`, announced in
 * `executeCommandProvider`) and runs them with `workspace/executeCommand`; the VS Code client, which announces them,
 * keeps its ids. The server writes the files (key 0600; the certificate verified by real openssl against the CA),
 * says so in one short `window/showMessage`, validates again so the missing-file problem goes, replaces an existing
 * file only after "Replace" to `window/showMessageRequest` and refuses when the client cannot be asked.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CREATE_TLS_SET_COMMAND, CREATE_TLS_SET_SERVER_COMMAND, GENERATE_TLS_FILES_COMMAND, GENERATE_TLS_FILES_SERVER_COMMAND, type GenerateTlsFilesArgs,
} from '../../server/src/protocol';
import type { ServerCommandOutcome } from '../../server/src/lsp/serverCommands';
import { missing } from '../requires';
import { startHarness, type Harness, type HarnessOptions } from './harness';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lspservercmd-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

interface Diag { code: string; range: unknown }
interface Action { title: string; command?: { command: string; arguments: unknown[] } }
interface Shown { type: number; message: string }

/** A harness that records `window/showMessage` and answers `window/showMessageRequest` with `answer`. */
async function start(opts: HarnessOptions, answer?: string): Promise<Harness & { shown: Shown[]; asked: string[]; edits: unknown[] }> {
  const h = await startHarness({ workspaceFolders: [root], ...opts });
  const shown: Shown[] = [], asked: string[] = [], edits: unknown[] = [];
  h.client.onNotification('window/showMessage', (p: Shown) => { shown.push(p); });
  h.client.onRequest('window/showMessageRequest', (p: { message: string; actions?: { title: string }[] }) => {
    asked.push(p.message);
    return p.actions?.find(a => a.title === answer) ?? null;
  });
  h.client.onRequest('workspace/applyEdit', (p: unknown) => { edits.push(p); return { applied: true }; });
  return Object.assign(h, { shown, asked, edits });
}

async function openPgpool(h: Harness, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'pgpool.conf');
  const text = "ssl = on\nssl_cert = 'tls/server.crt'\nssl_key = 'tls/server.key'\nssl_ca_cert = 'tls/root.crt'\n";
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pgpool-conf', version: 1, text } });
  return uri;
}

const pull = async (h: Harness, uri: string): Promise<Diag[]> =>
  ((await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;

async function generateAction(h: Harness, uri: string): Promise<Action | undefined> {
  const onCert = (await pull(h, uri)).find(d => d.code === 'pgpool-conf/ssl-file-missing' && (d.range as { start: { line: number } }).start.line === 1);
  assert.ok(onCert, 'no missing-file problem on ssl_cert');
  const actions = await h.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: onCert.range, context: { diagnostics: [onCert] } }) as Action[];
  return actions.find(a => a.title.startsWith('Generate server.crt and server.key here'));
}

const modeOf = (f: string): number => fs.statSync(f).mode & 0o777;

test('a client without the client commands: the server announces and names its own command; running it writes the files, 0600 keys, openssl verifies, the problem goes', { skip: missing('openssl') }, async () => {
  const h = await start({ window: { showMessage: {} } });
  try {
    assert.deepEqual((h.serverCapabilities.executeCommandProvider as { commands: string[] }).commands, [GENERATE_TLS_FILES_SERVER_COMMAND, CREATE_TLS_SET_SERVER_COMMAND]);
    const dir = path.join(root, 'pool-a');
    const uri = await openPgpool(h, dir);
    const action = await generateAction(h, uri);
    assert.ok(action?.command);
    assert.equal(action.command.command, GENERATE_TLS_FILES_SERVER_COMMAND);
    assert.equal((action.command.arguments[0] as GenerateTlsFilesArgs).uri, uri);
    const outcome = await h.client.sendRequest('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments }) as ServerCommandOutcome;
    assert.equal(outcome.status, 'written', JSON.stringify(outcome));
    const tls = path.join(dir, 'tls');
    assert.deepEqual(fs.readdirSync(tls).sort(), ['.gitignore', 'root.crt', 'root.key', 'server.crt', 'server.key']);
    assert.equal(modeOf(path.join(tls, 'server.key')), 0o600);
    assert.equal(modeOf(path.join(tls, 'root.key')), 0o600);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', path.join(tls, 'root.crt'), path.join(tls, 'server.crt')], { encoding: 'utf8' }), /: OK/);
    const san = execFileSync('openssl', ['x509', '-in', path.join(tls, 'server.crt'), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });
    assert.match(san, /DNS:localhost/);
    assert.match(san, /IP Address:127\.0\.0\.1/);
    // One short message: base names, no absolute path, no key material.
    const info = h.shown.filter(m => m.type === 3);
    assert.equal(info.length, 1, JSON.stringify(h.shown));
    assert.match(info[0]!.message, /^PG TLS: Created .*server\.crt.*server\.key.* at the paths the Pgpool-II configuration names for localhost/);
    assert.ok(!info[0]!.message.includes(root) && !/PRIVATE KEY/.test(info[0]!.message), info[0]!.message);
    assert.deepEqual(h.asked, [], 'nothing existed, nothing asked');
    // Re-validated without any file event from the client.
    assert.deepEqual((await pull(h, uri)).filter(d => d.code === 'pgpool-conf/ssl-file-missing'), []);
  } finally {
    h.close();
  }
});

test('the VS Code client (clientCommands) keeps the client ids; the server ids differ from them', async () => {
  const h = await start({ initializationOptions: { clientCommands: [GENERATE_TLS_FILES_COMMAND, CREATE_TLS_SET_COMMAND] } });
  try {
    const uri = await openPgpool(h, path.join(root, 'pool-vscode'));
    assert.equal((await generateAction(h, uri))?.command?.command, GENERATE_TLS_FILES_COMMAND);
    const commands = (h.serverCapabilities.executeCommandProvider as { commands: string[] }).commands;
    assert.ok(!commands.includes(GENERATE_TLS_FILES_COMMAND) && !commands.includes(CREATE_TLS_SET_COMMAND), 'vscode-languageclient would register them twice');
  } finally {
    h.close();
  }
});

/** The server certificate and key exist already (only the CA is missing): the Generate action would replace them. */
async function withExistingPair(h: Harness, name: string): Promise<{ args: unknown[]; key: string; before: Buffer }> {
  const dir = path.join(root, name);
  const tls = path.join(dir, 'tls');
  fs.mkdirSync(tls, { recursive: true });
  fs.writeFileSync(path.join(tls, 'server.crt'), 'not a certificate\n');
  fs.writeFileSync(path.join(tls, 'server.key'), 'the user\'s own key\n', { mode: 0o600 });
  const uri = await openPgpool(h, dir);
  const diags = await pull(h, uri);
  const caMissing = diags.find(d => d.code === 'pgpool-conf/ssl-file-missing');
  assert.ok(caMissing, JSON.stringify(diags));
  // The action on the certificate line offers to replace the pair; its argument is what the command gets.
  const args: GenerateTlsFilesArgs = { uri, offset: 0, kind: 'server', product: 'Pgpool-II', paths: { cert: path.join(tls, 'server.crt'), key: path.join(tls, 'server.key') } };
  return { args: [args], key: path.join(tls, 'server.key'), before: fs.readFileSync(path.join(tls, 'server.key')) };
}

test('an existing key is replaced only after "Replace"; any other answer keeps it', async () => {
  const keep = await start({ window: { showMessage: {} } }, 'Keep the files');
  try {
    const { args, key, before } = await withExistingPair(keep, 'pool-keep');
    const outcome = await keep.client.sendRequest('workspace/executeCommand', { command: GENERATE_TLS_FILES_SERVER_COMMAND, arguments: args }) as ServerCommandOutcome;
    assert.equal(outcome.status, 'kept');
    assert.equal(keep.asked.length, 1);
    assert.match(keep.asked[0]!, /Replace server\.crt and server\.key\?/);
    assert.deepEqual(fs.readFileSync(key), before);
  } finally {
    keep.close();
  }
  const replace = await start({ window: { showMessage: {} } }, 'Replace');
  try {
    const { args, key, before } = await withExistingPair(replace, 'pool-replace');
    const outcome = await replace.client.sendRequest('workspace/executeCommand', { command: GENERATE_TLS_FILES_SERVER_COMMAND, arguments: args }) as ServerCommandOutcome;
    assert.equal(outcome.status, 'written', JSON.stringify(outcome));
    assert.notDeepEqual(fs.readFileSync(key), before);
    assert.match(fs.readFileSync(key, 'utf8'), /BEGIN PRIVATE KEY/);
    assert.equal(modeOf(key), 0o600);
  } finally {
    replace.close();
  }
});

test('a client that cannot be asked (no window.showMessage capability): an existing file is never replaced, and it is told why', async () => {
  const h = await start({});
  try {
    const { args, key, before } = await withExistingPair(h, 'pool-noask');
    const outcome = await h.client.sendRequest('workspace/executeCommand', { command: GENERATE_TLS_FILES_SERVER_COMMAND, arguments: args }) as ServerCommandOutcome;
    assert.equal(outcome.status, 'refused');
    assert.deepEqual(h.asked, []);
    assert.deepEqual(fs.readFileSync(key), before);
    assert.match(h.shown.at(-1)?.message ?? '', /server\.crt and server\.key already exist; nothing was written/);
  } finally {
    h.close();
  }
});

test('a bad argument is refused with a message, nothing written', async () => {
  const h = await start({ window: { showMessage: {} } });
  try {
    const outcome = await h.client.sendRequest('workspace/executeCommand', { command: GENERATE_TLS_FILES_SERVER_COMMAND, arguments: [{ kind: 'server', paths: { cert: 'rel/server.crt', key: 'rel/server.key' } }] }) as ServerCommandOutcome;
    assert.equal(outcome.status, 'failed');
    assert.match(h.shown.at(-1)?.message ?? '', /not an absolute path/);
    const none = await h.client.sendRequest('workspace/executeCommand', { command: GENERATE_TLS_FILES_SERVER_COMMAND, arguments: [] }) as ServerCommandOutcome;
    assert.equal(none.status, 'failed');
  } finally {
    h.close();
  }
});

const CPO = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: c1, namespace: db }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  tls: { secretName: c1-tls }
`;

test('"Create certificates and Secrets for this resource…" in any client: the set in certs/<name>, the resource patched through workspace/applyEdit', { skip: missing('openssl') }, async () => {
  const h = await start({ window: { showMessage: {} }, workspace: { applyEdit: true } });
  try {
    const file = path.join(root, 'k8s', 'cpo.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, CPO);
    const uri = pathToFileURL(file).href;
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: CPO } });
    const diag = (await pull(h, uri)).find(d => d.code === 'secret/not-found');
    assert.ok(diag);
    const actions = await h.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } }) as Action[];
    const action = actions.find(a => a.title === 'Create certificates and Secrets for this resource…');
    assert.equal(action?.command?.command, CREATE_TLS_SET_SERVER_COMMAND);
    const outcome = await h.client.sendRequest('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments }) as ServerCommandOutcome;
    assert.equal(outcome.status, 'written', JSON.stringify(outcome));
    const out = path.join(root, 'certs', 'c1');
    for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'secrets.yaml']) assert.ok(fs.existsSync(path.join(out, f)), f);
    for (const f of fs.readdirSync(out).filter(n => n.endsWith('.key'))) assert.equal(modeOf(path.join(out, f)), 0o600, f);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', path.join(out, 'ca.crt'), path.join(out, 'server.crt')], { encoding: 'utf8' }), /: OK/);
    assert.equal(h.edits.length, 1);
    assert.ok(JSON.stringify(h.edits[0]).includes(uri));
    const info = h.shown.filter(m => m.type === 3).at(-1)?.message ?? '';
    assert.match(info, /^PG TLS: Created \d+ files in certs\/c1\/ for the postgresql c1; keys are 0600\. The postgresql c1 now references them/);
  } finally {
    h.close();
  }
});
