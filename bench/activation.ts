/**
 * Activation cost and package size, on what users install: `npm run package` is run in a staging folder (as the e2e
 * suite does; the repo's dist/ is not touched), and its production bundles and .vsix are measured.
 *
 *  - The client bundle (dist/client.js, what VS Code loads to activate pgtls): loaded by `require` in a fresh Node
 *    process with a stand-in for the `vscode` module (the extension host provides the real one), next to the same
 *    process without the bundle (the floor).
 *  - The language server (dist/server.js): a whole process, from spawn to the initialize result on stdio, next to a
 *    Node process that answers the same initialize request with an empty result (the floor).
 *  - Sizes: each bundle raw, gzip and as deflated in the .vsix, the .vsix by part, and what the CLI bundles, now left
 *    out, would add to it.
 *
 * `node --import tsx bench/run.ts activation` runs this section alone. A benchmark, not a test: nothing asserts on time.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { buildVsix } from '../test/e2e/harness/package';
import { ProcessGroup } from '../test/e2e/harness/processes';

const RUNS = 25;
const WARMUP = 3;

/** Node reads NODE_EXTRA_CA_CERTS (and the system store) while it starts: no part of what pgtls does. */
function processEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  return env;
}

function quantiles(xs: number[]): { p50: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)]!, p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]! };
}

// ---------------------------------------------------------------------------------------------------------------------
// The client bundle

/**
 * The child's script: a stand-in `vscode` module (every property, call and `new` answers a stand-in, `prototype` an
 * object, so `class X extends vscode.Y` works), then `require(bundle)` unless no bundle is given. It prints the
 * require's own time and the time since the process started (performance.now() counts from the process's start).
 */
const CLIENT_LOADER = `
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const stub = new Proxy(function () {}, { get: (_t, k) => (k === 'prototype' ? {} : stub), apply: () => stub, construct: () => ({}) });
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest); };
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };
const bundle = process.argv[1];
const t = performance.now();
if (bundle) require(bundle);
process.stdout.write(JSON.stringify({ require: performance.now() - t, ready: performance.now() }));
`;

function runLoader(bundle: string | undefined): Promise<{ require: number; ready: number; wall: number }> {
  return new Promise((resolve, reject) => {
    const s = performance.now();
    const child = spawn(process.execPath, ['-e', CLIENT_LOADER, ...(bundle ? [bundle] : [])], { env: processEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', d => { out += String(d); });
    child.stderr.on('data', d => { err += String(d); });
    child.on('exit', code => {
      const wall = performance.now() - s;
      if (code !== 0) reject(new Error(`loading ${bundle ?? 'nothing'} failed (${code}): ${err}`));
      else resolve({ ...(JSON.parse(out) as { require: number; ready: number }), wall });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// The language server: spawn → initialize result

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { textDocument: { diagnostic: {} } } },
});
const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** The floor: a Node process that answers initialize with an empty result, with the same framing. */
const BARE_SERVER = `
let buf = Buffer.alloc(0);
process.stdin.on('data', d => {
  buf = Buffer.concat([buf, d]);
  const head = buf.indexOf('\\r\\n\\r\\n');
  if (head < 0) return;
  const len = Number(/Content-Length: (\\d+)/.exec(buf.subarray(0, head).toString())[1]);
  if (buf.length < head + 4 + len) return;
  const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString());
  const body = JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { capabilities: {} } });
  process.stdout.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
  process.exit(0);
});
`;

/** Milliseconds from spawn to a complete initialize response on stdout; the process is then told to exit. */
function timeInitialize(args: string[]): Promise<{ ms: number; serverVersion: string | undefined }> {
  return new Promise((resolve, reject) => {
    const s = performance.now();
    const child = spawn(process.execPath, args, { env: processEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = Buffer.alloc(0);
    let err = '';
    let answered = false;
    const timer = setTimeout(() => { child.kill(); reject(new Error(`no initialize result from ${args.join(' ')}: ${err}`)); }, 30_000);
    child.stderr.on('data', d => { err += String(d); });
    child.stdout.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const head = buf.indexOf('\r\n\r\n');
      if (answered || head < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1]);
      if (buf.length < head + 4 + len) return;
      const ms = performance.now() - s;
      answered = true;
      clearTimeout(timer);
      const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString()) as { id: number; result?: { serverInfo?: { version?: string } } };
      if (msg.id !== 1 || !msg.result) { child.kill(); reject(new Error(`unexpected answer: ${JSON.stringify(msg)}`)); return; }
      child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'shutdown' })));
      child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'exit' })));
      child.on('exit', () => resolve({ ms, serverVersion: msg.result?.serverInfo?.version }));
    });
    child.stdin.write(frame(INITIALIZE));
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Sizes

interface ZipEntry { name: string; size: number; compressed: number }

/** The entries of a ZIP file, from its central directory (end-of-central-directory record, then one header each). */
function zipEntries(zip: Buffer): ZipEntry[] {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a ZIP file');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('broken central directory');
    const [nameLen, extraLen, commentLen] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    out.push({ name: zip.subarray(at + 46, at + 46 + nameLen).toString('utf8'), compressed: zip.readUInt32LE(at + 20), size: zip.readUInt32LE(at + 24) });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

function sizeTables(stage: string, vsix: string): string {
  const entries = zipEntries(fs.readFileSync(vsix));
  const inVsix = new Map(entries.map(e => [e.name.replace(/^extension\//, ''), e]));
  const vsixSize = fs.statSync(vsix).size;
  const bundles = fs.readdirSync(path.join(stage, 'dist')).filter(f => f.endsWith('.js')).sort();
  let left = 0;
  const bundleRows = bundles.map(f => {
    const text = fs.readFileSync(path.join(stage, 'dist', f));
    const e = inVsix.get(`dist/${f}`);
    // vsce's zip (yazl) deflates at zlib's default level; the same here for a bundle it no longer packs.
    const deflated = e ? e.compressed : zlib.deflateRawSync(text).length;
    if (!e) left += deflated;
    return `| \`dist/${f}\` | ${kib(text.length)} | ${kib(zlib.gzipSync(text).length)} | ${e ? kib(e.compressed) : `not packaged (${kib(deflated)} deflated)`} |`;
  });
  const part = (name: string, test: (f: string) => boolean) => {
    const xs = entries.filter(e => test(e.name.replace(/^extension\//, '')));
    const compressed = xs.reduce((a, e) => a + e.compressed, 0);
    return `| ${name} | ${xs.length} | ${kib(xs.reduce((a, e) => a + e.size, 0))} | ${kib(compressed)} | ${((compressed / vsixSize) * 100).toFixed(0)} % |`;
  };
  const parts = [
    part('`dist/server.js` (the language server)', f => f === 'dist/server.js'),
    part('`dist/client.js` (the extension)', f => f === 'dist/client.js'),
    part('`schemas/` (catalogues and CRD schemas the server reads)', f => f.startsWith('schemas/')),
    part('`readme.md` (the marketplace README, its pictures inlined)', f => f === 'readme.md'),
    part('everything else (manifest, grammars, snippets, icon, walkthrough, changelog, licence)',
      f => !/^(dist\/server\.js|dist\/client\.js|schemas\/.*|readme\.md)$/.test(f)),
  ];
  return `Bundles (production build: minified, no source maps):

| bundle | size | gzip | in the .vsix |
| --- | --- | --- | --- |
${bundleRows.join('\n')}

The .vsix: **${kib(vsixSize)}**, ${entries.length} entries. The CLI bundles, which the extension never loads, would
add about ${kib(left)} (${((left / (vsixSize + left)) * 100).toFixed(0)} % of a package that held them).

| part of the .vsix | files | size | deflated | share of the .vsix |
| --- | --- | --- | --- | --- |
${parts.join('\n')}`;
}

// ---------------------------------------------------------------------------------------------------------------------

export async function benchActivation(): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-bench-activation-'));
  const group = new ProcessGroup(tmp);
  try {
    const t0 = performance.now();
    const vsix = await buildVsix(tmp, group);
    console.log(`activation: packaged ${vsix} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const stage = path.dirname(vsix);
    const client = path.join(stage, 'dist/client.js');
    const server = path.join(stage, 'dist/server.js');

    for (let i = 0; i < WARMUP; i++) {
      await runLoader(client);
      await runLoader(undefined);
      await timeInitialize([server, '--stdio']);
      await timeInitialize(['-e', BARE_SERVER]);
    }
    const loaded: { require: number; ready: number; wall: number }[] = [];
    const bare: { require: number; ready: number; wall: number }[] = [];
    const init: number[] = [];
    const floor: number[] = [];
    let serverVersion: string | undefined;
    // Interleaved, so that both sides of each comparison see the same machine load.
    for (let i = 0; i < RUNS; i++) {
      loaded.push(await runLoader(client));
      bare.push(await runLoader(undefined));
      const r = await timeInitialize([server, '--stdio']);
      serverVersion = r.serverVersion;
      init.push(r.ms);
      floor.push((await timeInitialize(['-e', BARE_SERVER])).ms);
    }
    const row = (what: string, xs: number[], vs?: number) => {
      const q = quantiles(xs);
      return `| ${what} | ${xs.length} | ${q.p50.toFixed(1)} / ${q.p95.toFixed(1)} | ${vs ? `${(q.p50 / vs).toFixed(2)}×` : ''} |`;
    };
    const bareReady = quantiles(bare.map(b => b.ready)).p50;
    const floorInit = quantiles(floor).p50;
    const cpu = os.cpus();
    return `## Activation cost and package size

Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}; load average at the end of this part
${os.loadavg().map(l => l.toFixed(1)).join(' / ')} (a shared machine: compare the rows of one table, measured side by
side, more than absolute times). What is measured is what users install: \`npm run package\` in a staging folder, its
production bundles and its .vsix (bench/activation.ts). Times in milliseconds, p50 / p95 over ${RUNS} runs of each,
interleaved, after ${WARMUP} warm-up runs.

**Loading the extension.** VS Code activates pgtls by loading \`dist/client.js\` in its extension host and calling
\`activate\`, which creates the language client and starts the server process. The load is measured in a fresh Node
process with a stand-in for the \`vscode\` module; \`activate\` itself needs VS Code and is not timed here (nor VS
Code's own "activation time", which the e2e suite could read but a test must not assert on).

| what | runs | p50 / p95 | vs. floor (p50) |
| --- | --- | --- | --- |
${row('floor: Node process start → ready, nothing loaded', bare.map(b => b.ready))}
${row('Node process start → `dist/client.js` loaded', loaded.map(b => b.ready), bareReady)}
${row('`require(\'dist/client.js\')` alone', loaded.map(b => b.require))}

**Starting the language server.** From spawning the process to the complete initialize result on stdio (what the
client waits for before it sends the first document), the server reporting version ${serverVersion ?? '?'}; the floor
is a Node process that answers the same request with an empty result.

| what | runs | p50 / p95 | vs. floor (p50) |
| --- | --- | --- | --- |
${row('floor: bare Node process, spawn → initialize result', floor)}
${row('`node dist/server.js --stdio`, spawn → initialize result', init, floorInit)}

${sizeTables(stage, vsix)}
`;
  } finally {
    await group.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
