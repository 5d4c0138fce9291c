/**
 * Issue 12, "Configuration and certificates are not linked", at LSP level in a second real client, headless Neovim
 * (Debian's 0.7.2): the hover over pgpool.conf's ssl_cert and ssl_key values (the certificate openssl made, and that
 * the key belongs to it; never key material), the "Generate … here" code action on a missing CA file, whose command
 * (the server's own: Neovim does not announce the VS Code client's) names the configured path, and that action run in
 * Neovim on a configuration whose certificate, key and CA are all missing: the files written where it names them, the
 * keys 0600, the certificate verified by openssl against the new CA, one short message, the problems gone.
 * Needs `nvim`, `openssl` and a built dist/server.js (`npm run build`). Missing tools skip locally, fail under CI=true.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertTools, missing } from '../requires';
import { GENERATE_TLS_FILES_SERVER_COMMAND } from '../../server/src/protocol';
import { SERVER, runNeovim } from './harness/neovim';
import { ProcessGroup } from './harness/processes';
import { makeTemp, removeTemp } from './harness/tools';

interface Report {
  done?: boolean;
  error?: string;
  steps: { step: string; ok: boolean }[];
  hover_cert?: string;
  hover_key?: string;
  titles?: string[];
  generate?: { command: string; arguments: { kind: string; paths: Record<string, string>; uri: string }[] };
  offered?: { title: string; command?: string }[];
  messages?: { type: number; message: string }[];
  asked?: string[];
}

test('pgtls in Neovim: hover over certificate paths, the Generate code action on a missing CA file, and that action run in Neovim', { skip: missing('nvim', 'openssl'), timeout: 90_000 }, async () => {
  assertTools('nvim', 'openssl');
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  const tmp = makeTemp('nvim-confcerts');
  const group = new ProcessGroup(tmp);
  try {
    const workspace = path.join(tmp, 'workspace');
    const tls = path.join(workspace, 'tls');
    fs.mkdirSync(tls, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(tls, 'server.key'),
      '-out', path.join(tls, 'server.crt'), '-subj', '/CN=db.nvim.example', '-days', '10', '-addext', 'subjectAltName=DNS:db.nvim.example'], { stdio: 'ignore' });
    fs.chmodSync(path.join(tls, 'server.key'), 0o600);
    const pgpool = path.join(workspace, 'pgpool.conf');
    fs.writeFileSync(pgpool, "ssl = on\nssl_cert = 'tls/server.crt'\nssl_key = 'tls/server.key'\nssl_ca_cert = 'tls/root.crt'\n");
    const fresh = path.join(workspace, 'fresh');
    fs.mkdirSync(fresh);
    const pgpoolNew = path.join(fresh, 'pgpool.conf');
    fs.writeFileSync(pgpoolNew, "ssl = on\nssl_cert = 'tls/server.crt'\nssl_key = 'tls/server.key'\nssl_ca_cert = 'tls/root.crt'\n");
    const out = path.join(tmp, 'report.json');
    const r = await runNeovim(group, tmp, workspace, 'nvim-configcerts.lua', { PGTLS_PGPOOL: pgpool, PGTLS_PGPOOL_NEW: pgpoolNew, PGTLS_OUT: out, PGTLS_TIMEOUT_MS: '20000' });
    const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) as Report : undefined;
    const context = `nvim exit ${r.code}\nstderr: ${r.stderr}\nreport: ${JSON.stringify(report, null, 2)}`;
    assert.ok(report, `Neovim wrote no report\n${context}`);
    assert.equal(report.done, true, context);
    assert.match(report.hover_cert ?? '', /Subject: `CN=db\.nvim\.example`/, context);
    assert.match(report.hover_cert ?? '', /expires in 9 days/, context);
    assert.match(report.hover_key ?? '', /It is the key of the certificate in `ssl_cert`/, context);
    assert.doesNotMatch(report.hover_key ?? '', /BEGIN|PRIVATE KEY-----/, context);
    assert.ok(report.titles?.includes('Generate a new CA here: root.crt and its key root.key'), context);
    const arg = report.generate?.arguments[0];
    assert.equal(arg?.kind, 'ca', context);
    assert.deepEqual(arg?.paths, { ca: path.join(tls, 'root.crt'), caKey: path.join(tls, 'root.key') }, context);
    assert.match(arg?.uri ?? '', /pgpool\.conf$/, context);
    assert.equal(report.generate?.command, GENERATE_TLS_FILES_SERVER_COMMAND, context);

    // The action run in Neovim: the server's command, the files where the configuration names them.
    const chosen = report.offered?.find(o => o.title.startsWith('Generate server.crt and server.key here'));
    assert.equal(chosen?.command, GENERATE_TLS_FILES_SERVER_COMMAND, context);
    const newTls = path.join(fresh, 'tls');
    assert.deepEqual(fs.readdirSync(newTls).sort(), ['.gitignore', 'root.crt', 'root.key', 'server.crt', 'server.key'], context);
    for (const key of ['server.key', 'root.key']) assert.equal(fs.statSync(path.join(newTls, key)).mode & 0o777, 0o600, `${key}\n${context}`);
    const verified = execFileSync('openssl', ['verify', '-CAfile', path.join(newTls, 'root.crt'), path.join(newTls, 'server.crt')], { encoding: 'utf8' });
    assert.match(verified, /server\.crt: OK/);
    assert.equal(report.messages?.length, 1, context);
    assert.match(report.messages![0]!.message, /^PG TLS: Created root\.crt, root\.key, server\.crt and server\.key at the paths the Pgpool-II configuration names/, context);
    assert.ok(!report.messages![0]!.message.includes(tmp), context);
    assert.deepEqual(report.asked, [], context);
    assert.equal(r.code, 0, context);
  } finally {
    await group.dispose();
    removeTemp(tmp);
  }
});
