/**
 * TCP ports for the servers the interop and e2e suites start (pgpool, PostgreSQL, code-server).
 *
 * `listen(0)` hands out ports from the kernel's ephemeral range, the same range every outgoing connection takes its
 * local port from, and a port closed a moment ago is handed out again: between "free now" and the server's own bind,
 * another test's connection or server could take it ("Address already in use" on CI). So ports come from below the
 * ephemeral range, at random, are checked bindable, and are never handed out twice by one process. Callers that
 * start a server still retry on a bind failure (another process may have raced us), see `BIND_FAILED`.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';

const issued = new Set<number>();

/** The kernel's ephemeral range (Linux), or the IANA one. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi && lo > 0 && hi >= lo) return [lo, hi];
  } catch { /* not Linux */ }
  return [49152, 65535];
}

/** Candidate range: [20000, ephemeral start) when that is wide enough, else above the ephemeral range. */
function candidateRange(): [number, number] {
  const [lo, hi] = ephemeralRange();
  if (lo - 20000 >= 2000) return [20000, lo - 1];
  if (65535 - hi >= 2000) return [hi + 1, 65535];
  return [10000, 65535];
}

function bindable(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** `n` distinct ports, free on 127.0.0.1 right now, outside the ephemeral range, never issued before by this process. */
export async function freePorts(n: number): Promise<number[]> {
  const [lo, hi] = candidateRange();
  const out: number[] = [];
  for (let tries = 0; out.length < n; tries++) {
    if (tries > 10_000) throw new Error('no free TCP port found on 127.0.0.1');
    const p = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (issued.has(p)) continue;
    issued.add(p); // even when not bindable: someone holds it, do not try it again
    if (await bindable(p)) out.push(p);
  }
  return out;
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/** What PostgreSQL, Pgpool-II and Node print when a listening port is taken. */
export const BIND_FAILED = /could not bind|Address already in use|failed to bind|EADDRINUSE/i;
