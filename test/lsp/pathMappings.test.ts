/**
 * Paths the workspace cannot see, in the language server: the workspace folders are the roots, `pgtls.pathMappings`
 * flows from the editor's settings (relative to the workspace folder, `${workspaceFolder}`, junk refused), and an
 * unsaved compose buffer maps paths as soon as it is typed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHarness } from './harness';

interface Diag { code: string; severity: number; message: string }

const CONF = "ssl = on\nssl_cert = '/etc/pgpool2/certs/server.crt'\nssl_key = '/etc/pgpool2/certs/server.key'\n";

function folder(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-paths-')));
  fs.mkdirSync(path.join(dir, 'certs'));
  fs.mkdirSync(path.join(dir, 'conf'));
  fs.writeFileSync(path.join(dir, 'certs/server.crt'), 'not a certificate\n');
  fs.writeFileSync(path.join(dir, 'conf/pgpool.conf'), CONF);
  return dir;
}

const codes = (items: Diag[]) => items.map(d => `${d.code}:${d.severity}`).sort();

test('pgtls.pathMappings: container paths are notes until mapped; the mapping comes from the settings and junk falls back', async () => {
  const dir = folder();
  const h = await startHarness({ workspaceFolders: [dir] });
  const uri = pathToFileURL(path.join(dir, 'conf/pgpool.conf')).href;
  const pull = async (): Promise<Diag[]> =>
    ((await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
  const configure = async (settings: Record<string, unknown>) => {
    h.settings = settings;
    await h.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
  };
  try {
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pgpool-conf', version: 1, text: CONF } });
    assert.deepEqual(codes(await pull()), ['pgtls/path-not-checked:3', 'pgtls/path-not-checked:3'], 'information, never an error');
    for (const to of ['./certs', 'certs', '${workspaceFolder}/certs', path.join(dir, 'certs')]) {
      await configure({ pathMappings: { '/etc/pgpool2/certs': to } });
      const items = await pull();
      assert.deepEqual(codes(items), ['pgpool-conf/ssl-cert-invalid:1', 'pgpool-conf/ssl-file-missing:1'], to);
      assert.match(items.find(d => d.code === 'pgpool-conf/ssl-file-missing')!.message,
        /"\/etc\/pgpool2\/certs\/server\.key" \(mapped to \.\/certs\/server\.key by the path mapping \/etc\/pgpool2\/certs\) does not exist/, to);
    }
    for (const junk of ['/etc/pgpool2/certs=./certs', ['./certs'], { 'etc/pgpool2/certs': './certs' }, { '/etc/pgpool2/certs': 42 }]) {
      await configure({ pathMappings: junk });
      assert.deepEqual(codes(await pull()), ['pgtls/path-not-checked:3', 'pgtls/path-not-checked:3'], JSON.stringify(junk));
    }
  } finally { h.close(); }
});

test('an unsaved docker-compose.yml buffer maps the paths of the pgpool.conf it mounts', async () => {
  const dir = folder();
  const h = await startHarness({ workspaceFolders: [dir] });
  const uri = pathToFileURL(path.join(dir, 'conf/pgpool.conf')).href;
  const compose = pathToFileURL(path.join(dir, 'docker-compose.yml')).href;
  try {
    await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pgpool-conf', version: 1, text: CONF } });
    await h.client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: compose, languageId: 'yaml', version: 1, text: 'services:\n  pgpool:\n    volumes: ["./certs:/etc/pgpool2/certs:ro"]\n' },
    });
    const items = ((await h.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diag[] }).items;
    assert.deepEqual(codes(items), ['pgpool-conf/ssl-cert-invalid:1', 'pgpool-conf/ssl-file-missing:1']);
    assert.match(items.find(d => d.code === 'pgpool-conf/ssl-file-missing')!.message, /by docker-compose\.yml, service pgpool/);
  } finally { h.close(); }
});
