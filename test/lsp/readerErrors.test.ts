/**
 * A JSON-RPC framing error (issue 13, item 6): the language server, bundled as `dist/server.js` is (esbuild, into a
 * temp folder with the schemas beside it, so a stale dist/ does not matter) and started with `--stdio`, answers a
 * well-framed `initialize`, then gets a broken message. It must log why and exit with 1 (so that the client restarts
 * it), instead of staying up without answering. Each case has a time limit; the server runs with a heap limit.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from '../helpers';

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const INITIALIZE = frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));

let bundle: Promise<string> | undefined;
/** `<tmp>/dist/server.js` built from server/src/main.ts as esbuild.mjs builds it, with `<tmp>/schemas` linked. */
function serverBundle(): Promise<string> {
  bundle ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-lsp-bundle-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const out = path.join(dir, 'dist', 'server.js');
    await esbuild.build({ entryPoints: [path.join(ROOT, 'server/src/main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'silent' });
    fs.symlinkSync(path.join(ROOT, 'schemas'), path.join(dir, 'schemas'), 'dir');
    return out;
  })();
  return bundle;
}

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; answeredInitialize: boolean }

/** Starts the server, sends `initialize`, waits for its answer, sends `broken`; resolves when the server exits or after `limitMs`. */
async function run(broken: string, limitMs = 20_000): Promise<Run> {
  const server = await serverBundle();
  const child = spawn(process.execPath, ['--max-old-space-size=256', server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '', stderr = '', answered = false;
  return new Promise<Run>(resolve => {
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.stderr.on('data', d => { stderr += d; });
    child.stdout.on('data', d => {
      stdout += d;
      if (!answered && /"id":1,"result":\{"capabilities"/.test(stdout)) {
        answered = true;
        child.stdin.write(broken);
      }
    });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, answeredInitialize: answered }); });
    child.stdin.write(INITIALIZE);
  });
}

for (const [name, broken, reason] of [
  ['a header without a colon', 'garbage\r\n\r\n', /Message header must separate key and value/],
  ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}', /Content-Length value must be a number/],
  ['a body that is not JSON', frame('{"jsonrpc": "2.0", "id": 2, "method": '), /JSON/],
] as const) {
  test(`the language server logs and exits on ${name}`, { timeout: 90_000 }, async () => {
    const r = await run(broken);
    assert.ok(r.answeredInitialize, `the server answered initialize first (a working server):\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.signal, null, `the server did not exit by itself within the time limit (deaf):\n${r.stderr}`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pgtls language server: cannot read the client's messages \(.*\); exiting so that the client restarts it\./);
    assert.match(r.stderr, reason);
    // The same line reaches the client as a log message, when the stream still carries one.
    assert.match(r.stdout, /"method":"window\/logMessage","params":\{"type":1,"message":"pgtls language server: cannot read the client's messages/);
  });
}
