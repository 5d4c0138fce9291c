/**
 * Child processes under a time and a memory bound, for the tests of hostile input (FIFOs, /dev/zero, kernel folders):
 * a regression there hangs or grows without end, so the process that might do it is never the test's own. Each child
 * is killed (SIGKILL) when it outlives its timeout or when its resident memory (VmRSS, read from /proc) passes the
 * bound; the result says which, so the test fails with the reason instead of hanging.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { ROOT } from './helpers';

export const CLI = path.join(ROOT, 'dist/cli.js');
export const SERVER = path.join(ROOT, 'dist/server.js');

/** The bounds of one child: its whole life, and its resident memory. */
export interface Bounds {
  timeoutMs: number;
  maxRssBytes: number;
}

export const DEFAULT_BOUNDS: Bounds = { timeoutMs: 60_000, maxRssBytes: 400 * 1024 * 1024 };

/** VmRSS of a process in bytes, or undefined once it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Watches a child: kills it past the bounds; `peak` is the highest VmRSS seen. */
export function watch(child: ChildProcess, bounds: Bounds): { peak(): number; killedFor(): 'timeout' | 'memory' | undefined; stop(): void } {
  let peak = 0;
  let killedFor: 'timeout' | 'memory' | undefined;
  const kill = (why: 'timeout' | 'memory') => {
    killedFor ??= why;
    child.kill('SIGKILL');
  };
  const poll = setInterval(() => {
    const rss = child.pid === undefined ? undefined : rssOf(child.pid);
    if (rss === undefined) return;
    peak = Math.max(peak, rss);
    if (rss > bounds.maxRssBytes) kill('memory');
  }, 20);
  const timer = setTimeout(() => kill('timeout'), bounds.timeoutMs);
  const stop = () => { clearInterval(poll); clearTimeout(timer); };
  child.once('exit', stop);
  return { peak: () => peak, killedFor: () => killedFor, stop };
}

export interface BoundedResult {
  code: number | null;
  out: string;
  err: string;
  /** Highest resident memory seen, in bytes. */
  peakRss: number;
  /** Set when the child was killed for passing a bound. */
  killedFor?: 'timeout' | 'memory';
}

/** Runs `node [nodeArgs] script args` in `cwd` under `bounds`; resolves when it has exited (or was killed). */
export function runNode(script: string, args: string[], opts: { cwd?: string; bounds?: Bounds; stdin?: string | 'devzero' } = {}): Promise<BoundedResult> {
  const bounds = opts.bounds ?? DEFAULT_BOUNDS;
  const stdin = opts.stdin === 'devzero' ? fs.openSync('/dev/zero', 'r') : 'pipe';
  const child = spawn(process.execPath, [script, ...args], { cwd: opts.cwd ?? ROOT, stdio: [stdin, 'pipe', 'pipe'] });
  if (typeof stdin === 'number') fs.closeSync(stdin);
  else child.stdin!.end(opts.stdin ?? '');
  const w = watch(child, bounds);
  let out = '', err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  return new Promise(resolve => {
    child.once('close', code => {
      w.stop();
      const killedFor = w.killedFor();
      resolve({ code, out, err, peakRss: w.peak(), ...(killedFor ? { killedFor } : {}) });
    });
  });
}

/** `pgtls …` from the bundle (npm run build first), bounded. */
export const runCli = (args: string[], opts: { cwd?: string; bounds?: Bounds; stdin?: string | 'devzero' } = {}) => runNode(CLI, args, opts);

/** The bundled language server over stdio in a child process, bounded, with a JSON-RPC client. */
export interface BoundedServer {
  client: MessageConnection;
  child: ChildProcess;
  /** A request that fails (instead of waiting for ever) when the server does not answer within `ms`. */
  request<R>(method: string, params: unknown, ms?: number): Promise<R>;
  peakRss(): number;
  killedFor(): 'timeout' | 'memory' | undefined;
  close(): Promise<void>;
}

export async function startServerProcess(bounds: Bounds = DEFAULT_BOUNDS): Promise<BoundedServer> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const w = watch(child, bounds);
  child.stderr!.resume();
  const client = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  client.onRequest('client/registerCapability', () => null);
  client.onRequest('workspace/diagnostic/refresh', () => null);
  client.onNotification('window/logMessage', () => undefined);
  client.listen();
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`the server exited (${code ?? signal}${w.killedFor() ? `, killed for ${w.killedFor()}` : ''})`))));
  exited.catch(() => undefined);
  const request = <R>(method: string, params: unknown, ms = 20_000): Promise<R> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${method}: no answer within ${ms} ms`)), ms); });
    return Promise.race([client.sendRequest<R>(method, params), late, exited]).finally(() => clearTimeout(timer));
  };
  await request('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await client.sendNotification('initialized', {});
  return {
    client, child, request,
    peakRss: () => w.peak(),
    killedFor: () => w.killedFor(),
    async close() {
      client.dispose();
      child.kill('SIGKILL');
      w.stop();
    },
  };
}
