/**
 * The real Pgpool-II (Debian's 4.3.5 binary) used as an oracle for pgpool.conf and pool_hba.conf.
 *
 * pgpool.conf ("parse" run): `pgpool -f WRAPPER reload`, where WRAPPER raises log_min_messages, includes the file
 * under test and points pid_file_name at a file that does not exist. pgpool parses and applies every setting in
 * start-up mode (FATAL on a bad value, a syntax error or a failed cross-check, exit code 3), then tries to read the
 * pid file to send SIGHUP and dies with `FATAL: could not read pid file` (exit code 1): that means "config OK".
 * No port, no shared memory, no signal.
 *
 * pool_hba.conf ("hba" run): `pgpool -n` with a fixed, known-good pgpool.conf (enable_pool_hba = on, ssl = off,
 * every path in the sandbox) whose pid_file_name lies in a folder that does not exist. pgpool's start-up order is
 * config → load_hba() → SSL → key file → write_pid_file(): so it logs every pool_hba.conf problem
 * (LOG + `CONTEXT: line N of configuration file`) and then dies with `FATAL: could not open pid file`, before it
 * creates shared memory, sockets or children. That takes ~20 ms instead of the 3 s of a full start.
 *
 * `hbaFullStart` is the slow, complete start (free 127.0.0.1 ports, sockets in the sandbox, watchdog off) used to
 * calibrate the fast run: it waits for `successfully started`, opens a Unix-socket connection and reads pgpool's
 * answer, which tells whether the file was loaded (`missing or erroneous pool_hba.conf file` means rejected), then
 * stops pgpool with SIGINT (SIGKILL of its session after 10 s) and removes the SysV shared memory it left.
 *
 * Everything runs as `postgres` when we are root (setpriv, which execs, so the pid we hold is pgpool's), in one
 * temp folder under os.tmpdir() that `dispose()` removes. Nothing is cached between runs.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { which } from '../requires';

export const PGPOOL_CANDIDATES = ['pgpool', '/usr/sbin/pgpool'];

/** The pgpool binary to use: $PGPOOL, then pgpool on PATH, then Debian's /usr/sbin/pgpool. */
export function pgpoolBinary(): string | undefined {
  if (process.env.PGPOOL) return which(process.env.PGPOOL) ? process.env.PGPOOL : undefined;
  for (const c of PGPOOL_CANDIDATES) { const w = which(c); if (w) return w; }
  return undefined;
}

/** One pgpool log message: `LEVEL:  text` plus its DETAIL/HINT/CONTEXT lines. */
export interface LogMessage {
  level: string;
  text: string;
  details: { level: string; text: string }[];
  raw: string[];
}

const MAIN_LEVELS = new Set(['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'LOG', 'FATAL', 'PANIC']);
const LEVEL_RE = /^(.*?)\b(DEBUG\d?|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT):  (.*)$/;

/** Splits pgpool's stderr into messages. The prefix (log_line_prefix) may be anything, so messages are found by their level marker. */
export function parseLog(out: string): LogMessage[] {
  const msgs: LogMessage[] = [];
  let cur: LogMessage | undefined;
  for (const line of out.split('\n')) {
    const m = LEVEL_RE.exec(line);
    const level = m ? m[2]!.replace(/\d$/, '') : '';
    if (m && MAIN_LEVELS.has(level)) {
      cur = { level, text: m[3]!, details: [], raw: [line] };
      msgs.push(cur);
    } else if (m && cur) {
      cur.details.push({ level, text: m[3]! });
      cur.raw.push(line);
    } else if (line !== '') {
      if (cur) { cur.raw.push(line); if (cur.details.length) cur.details[cur.details.length - 1]!.text += '\n' + line; else cur.text += '\n' + line; }
      else msgs.push({ level: 'RAW', text: line, details: [], raw: [line] });
    }
  }
  return msgs;
}

/** The log without the DEBUG noise, for failure messages. */
export function showLog(msgs: readonly LogMessage[]): string {
  return msgs.filter(m => m.level !== 'DEBUG' || /^set_config_option/.test(m.text)).map(m => m.raw.join('\n')).join('\n');
}

export interface ConfVerdict {
  /** pgpool would start with this pgpool.conf. */
  accepted: boolean;
  exitCode: number | null;
  /** FATAL/PANIC messages other than the expected `could not read pid file`. */
  errors: string[];
  log: LogMessage[];
}

export interface HbaVerdict {
  /** pgpool loads nothing from this file: every client connection would be refused. */
  rejected: boolean;
  /** 1-based lines that pgpool logs an error for (the line makes the file rejected). */
  errorLines: number[];
  /** 1-based lines that pgpool logs about but still loads (e.g. hostssl with ssl = off). */
  noteLines: number[];
  /** Messages about the file as a whole (no entries, unreadable @file, line too long). */
  fileErrors: string[];
  log: LogMessage[];
}

export interface FullStartVerdict extends HbaVerdict {
  /** Whether pgpool reached `successfully started`. */
  started: boolean;
  /** pgpool's answer to a startup packet over its Unix socket (`FATAL: msg / DETAIL: detail`). */
  probe: string;
  /** The probe's answer says the file was not loaded (`missing or erroneous pool_hba.conf file`). */
  probeSaysRejected: boolean;
}

/**
 * pool_hba.conf messages that pgpool logs with a line number but that do NOT reject the line (pool_hba.c: the parser
 * returns the line anyway). Calibrated against a full start by the differential test.
 */
export const HBA_LINE_KEPT = [
  'hostssl record cannot match because SSL is disabled',
  'authentication option can only be configured for authentication method "pam"',
  'invalid ldapscheme value',
];
/** pool_hba.conf messages without a line number that reject the whole file. */
export const HBA_FILE_ERRORS = [
  'contains no entries',
  'could not open secondary authentication file',
  'authentication file line too long',
  'authentication file token too long',
];

interface RunResult { code: number | null; signal: NodeJS.Signals | null; out: string; timedOut: boolean }

/** Runs a short-lived command in its own process group, with a hard time limit. */
function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => { out += d; });
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
    child.on('error', e => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out, timedOut }); });
  });
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Single-quoted pgpool.conf string (paths from mkdtemp never contain quotes). */
function q(s: string): string {
  if (/['\n]/.test(s)) throw new Error(`cannot quote ${JSON.stringify(s)}`);
  return `'${s}'`;
}

export interface OracleOptions {
  /** Per-run time limit of the short runs (ms). */
  timeoutMs?: number;
}

export class PgpoolOracle {
  readonly root: string;
  readonly binary: string;
  readonly version: string;
  private readonly runAs: { uid: number; gid: number } | undefined;
  private seq = 0;
  private readonly timeoutMs: number;

  private constructor(binary: string, opts: OracleOptions) {
    this.binary = binary;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    // 4.3 prints its version on stderr
    const v = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    this.version = /version (\d+\.\d+(?:\.\d+)?)/.exec(`${v.stdout}${v.stderr}`)?.[1] ?? 'unknown';
    if (process.getuid?.() === 0) {
      // pgpool runs as postgres in production (and PostgreSQL refuses root); key checks etc. depend on the euid.
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      this.runAs = { uid, gid };
    }
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-oracle-'));
    fs.chmodSync(this.root, 0o755);
    this.own(this.root);
  }

  static create(opts: OracleOptions = {}): PgpoolOracle {
    const bin = pgpoolBinary();
    if (!bin) throw new Error('pgpool not found (apt-get install pgpool2); set $PGPOOL to override');
    return new PgpoolOracle(bin, opts);
  }

  /** Removes the sandbox. */
  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private own(p: string): void {
    if (this.runAs) fs.chownSync(p, this.runAs.uid, this.runAs.gid);
  }

  /** A new, empty folder in the sandbox, owned by the user pgpool runs as. */
  private newDir(prefix: string): string {
    const d = path.join(this.root, `${prefix}-${++this.seq}`);
    fs.mkdirSync(d, { mode: 0o755 });
    this.own(d);
    return d;
  }

  private write(p: string, text: string): string {
    fs.writeFileSync(p, text, { mode: 0o644 });
    this.own(p);
    return p;
  }

  /** The command that runs pgpool as the sandbox user. */
  private command(args: string[]): [string, string[]] {
    if (!this.runAs) return [this.binary, args];
    return ['setpriv', [`--reuid=${this.runAs.uid}`, `--regid=${this.runAs.gid}`, '--init-groups', this.binary, ...args]];
  }

  /** pgpool.conf: would pgpool start with this file? */
  async checkConf(text: string): Promise<ConfVerdict> {
    const dir = this.newDir('conf');
    const conf = this.write(path.join(dir, 'pgpool.conf'), text);
    const pcp = this.write(path.join(dir, 'pcp.conf'), '');
    // The wrapper sits beside the file, so paths pgpool resolves against the config's folder resolve the same way.
    const wrapper = this.write(path.join(dir, 'oracle-wrapper.conf'), [
      "log_min_messages = 'debug2'",
      `include = ${q(conf)}`,
      `pid_file_name = ${q(path.join(dir, 'no-such.pid'))}`,
      '',
    ].join('\n'));
    const [cmd, args] = this.command(['-f', wrapper, '-a', path.join(dir, 'no-pool_hba.conf'), '-F', pcp, 'reload']);
    const r = await run(cmd, args, dir, this.timeoutMs);
    const log = parseLog(r.out);
    if (r.timedOut || r.signal) throw new Error(`oracle failure: pgpool ${r.timedOut ? 'timed out' : `died of ${r.signal}`}\n${r.out}`);
    const pidFatal = log.some(m => m.level === 'FATAL' && m.text === 'could not read pid file');
    const errors = log.filter(m => (m.level === 'FATAL' || m.level === 'PANIC') && m.text !== 'could not read pid file')
      .map(m => [m.text, ...m.details.map(d => `${d.level}: ${d.text}`)].join(' / '));
    // Exit 1 + `could not read pid file` = parsed OK; exit 3 = a config error (even if a low log_min_messages hid the FATAL).
    if (r.code === 1 && pidFatal && errors.length === 0) return { accepted: true, exitCode: r.code, errors, log };
    if (r.code === 3 && !pidFatal) return { accepted: false, exitCode: r.code, errors, log };
    throw new Error(`oracle failure: unexpected pgpool outcome (exit ${r.code})\n${r.out}`);
  }

  /** The fixed, known-good pgpool.conf that the pool_hba.conf runs use (every path inside `dir`). */
  fixedConf(dir: string, extra: string[] = [], backendPort = 15432): string {
    return [
      '# pgtls differential test: fixed pgpool.conf for pool_hba.conf checks',
      // raw mode with one backend that nobody listens on: pgpool starts, keeps the node up (no health check), and
      // authenticates a client against pool_hba.conf before it tries the backend.
      "backend_clustering_mode = 'raw'",
      "backend_hostname0 = '127.0.0.1'",
      `backend_port0 = ${backendPort}`,
      "listen_addresses = '127.0.0.1'",
      'port = 9999',
      "pcp_listen_addresses = '127.0.0.1'",
      'pcp_port = 9898',
      `socket_dir = ${q(dir)}`,
      `pcp_socket_dir = ${q(dir)}`,
      `wd_ipc_socket_dir = ${q(dir)}`,
      `logdir = ${q(dir)}`,
      `memqcache_oiddir = ${q(path.join(dir, 'oiddir'))}`,
      "pool_passwd = 'pool_passwd'",
      'use_watchdog = off',
      'enable_pool_hba = on',
      'ssl = off',
      'num_init_children = 2',
      'max_pool = 1',
      'search_primary_node_timeout = 1',
      "log_destination = 'stderr'",
      "log_line_prefix = '%a pid %p: '",
      "log_min_messages = 'info'",
      ...extra,
      '',
    ].join('\n');
  }

  private classifyHba(log: LogMessage[], hbaPath: string): Omit<HbaVerdict, 'log'> {
    const errorLines = new Set<number>();
    const noteLines = new Set<number>();
    const fileErrors: string[] = [];
    const ctxRe = /^line (\d+) of configuration file "(.*)"$/;
    for (const m of log) {
      if (m.level !== 'LOG' && m.level !== 'WARNING') continue;
      const ctx = m.details.map(d => d.level === 'CONTEXT' ? ctxRe.exec(d.text) : null).find(x => x && x[2] === hbaPath);
      if (ctx) {
        (HBA_LINE_KEPT.some(k => m.text.includes(k)) ? noteLines : errorLines).add(Number(ctx[1]));
      } else if (HBA_FILE_ERRORS.some(k => m.text.includes(k))) {
        fileErrors.push(m.text);
      }
    }
    const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
    return { rejected: errorLines.size > 0 || fileErrors.length > 0, errorLines: sorted(errorLines), noteLines: sorted(noteLines), fileErrors };
  }

  /** pool_hba.conf, fast run: the lines pgpool rejects, and whether the file is rejected. */
  async checkHba(text: string): Promise<HbaVerdict> {
    const dir = this.newDir('hba');
    const hba = this.write(path.join(dir, 'pool_hba.conf'), text);
    const pcp = this.write(path.join(dir, 'pcp.conf'), '');
    const conf = this.write(path.join(dir, 'pgpool.conf'), this.fixedConf(dir, [
      // a folder that does not exist: pgpool stops right after load_hba() (write_pid_file fails)
      `pid_file_name = ${q(path.join(dir, 'no-such-dir', 'pgpool.pid'))}`,
    ]));
    const [cmd, args] = this.command(['-n', '-f', conf, '-a', hba, '-F', pcp]);
    const r = await run(cmd, args, dir, this.timeoutMs);
    const log = parseLog(r.out);
    const stopped = log.some(m => m.level === 'FATAL' && m.text.startsWith('could not open pid file'));
    if (r.timedOut || r.signal || !stopped) throw new Error(`oracle failure: pgpool did not stop at the pid file (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})\n${r.out}`);
    return { ...this.classifyHba(log, hba), log };
  }

  /** pool_hba.conf, full sandboxed start plus a connection probe (slow; for calibration). */
  async hbaFullStart(text: string, startTimeoutMs = 30_000): Promise<FullStartVerdict> {
    const dir = this.newDir('full');
    const hba = this.write(path.join(dir, 'pool_hba.conf'), text);
    const pcp = this.write(path.join(dir, 'pcp.conf'), '');
    fs.mkdirSync(path.join(dir, 'oiddir')); this.own(path.join(dir, 'oiddir'));
    const ports: number[] = [];
    while (ports.length < 3) { const p = await freePort(); if (!ports.includes(p)) ports.push(p); }
    const [port, pcpPort, backendPort] = ports as [number, number, number];
    const conf = this.write(path.join(dir, 'pgpool.conf'), this.fixedConf(dir, [
      `port = ${port}`, `pcp_port = ${pcpPort}`, `pid_file_name = ${q(path.join(dir, 'pgpool.pid'))}`,
    ], backendPort));
    const [cmd, args] = this.command(['-n', '-f', conf, '-a', hba, '-F', pcp]);
    const child = spawn(cmd, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid!;
    let out = '';
    let exited = false;
    let onStarted: (() => void) | undefined;
    const onData = (d: Buffer) => { out += d; if (onStarted && out.includes('successfully started')) onStarted(); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exitP = new Promise<void>(res => child.on('close', () => { exited = true; res(); }));
    const started = await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => done(false), startTimeoutMs);
      const done = (v: boolean) => { clearTimeout(timer); onStarted = undefined; resolve(v); };
      onStarted = () => done(true);
      void exitP.then(() => done(out.includes('successfully started')));
    });
    let probe = '';
    try {
      if (started) probe = await startupProbe(path.join(dir, `.s.PGSQL.${port}`), 10_000);
    } finally {
      const pids = sessionPids(pid);
      await stopSession(pid, exitP, () => exited);
      removeLeftoverShm(pids);
    }
    const log = parseLog(out);
    return {
      ...this.classifyHba(log, hba), log, started, probe,
      probeSaysRejected: /missing or erroneous pool_hba\.conf file/.test(probe),
    };
  }
}

/** Sends a PostgreSQL v3 startup packet over a Unix socket and returns the error pgpool answers (or what it asked for). */
export function startupProbe(socketPath: string, timeoutMs: number): Promise<string> {
  return new Promise(resolve => {
    const params = Buffer.from('user\0pgtls_probe\0database\0postgres\0\0', 'latin1');
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + params.length, 0);
    head.writeInt32BE(196608, 4);
    let buf = Buffer.alloc(0);
    let finished = false;
    const sock = net.createConnection(socketPath);
    const finish = (s: string) => { if (finished) return; finished = true; clearTimeout(timer); sock.destroy(); resolve(s); };
    const timer = setTimeout(() => finish('probe: timeout'), timeoutMs);
    sock.on('connect', () => sock.write(Buffer.concat([head, params])));
    sock.on('data', d => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5) {
        const type = String.fromCharCode(buf[0]!);
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) return;
        const body = buf.subarray(5, 1 + len);
        buf = buf.subarray(1 + len);
        if (type === 'E') {
          const fields: Record<string, string> = {};
          let i = 0;
          while (i < body.length && body[i] !== 0) {
            const code = String.fromCharCode(body[i]!);
            const end = body.indexOf(0, i + 1);
            fields[code] = body.subarray(i + 1, end).toString('utf8');
            i = end + 1;
          }
          return finish(`${fields.S ?? 'ERROR'}: ${fields.M ?? ''}${fields.D ? ` / DETAIL: ${fields.D}` : ''}`);
        }
        if (type === 'R') return finish(`authentication request ${body.readInt32BE(0)}`);
      }
    });
    sock.on('error', e => finish(`probe: ${e.message}`));
    sock.on('close', () => finish('probe: connection closed'));
  });
}

/** The pids of every process in session `sid` (the server was started with setsid, so: pgpool and its children). */
function sessionPids(sid: number): number[] {
  try {
    return execFileSync('ps', ['-e', '-o', 'pid=,sid='], { encoding: 'utf8' }).split('\n')
      .map(l => l.trim().split(/\s+/).map(Number)).filter(([p, s]) => s === sid && p !== undefined).map(([p]) => p!);
  } catch { return [sid]; }
}

/** Resolves when `p` settles or after `ms`, whichever is first, without keeping the event loop alive afterwards. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise(r => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

/** SIGINT (pgpool's fast shutdown), then SIGKILL of the whole session after 10 s. */
async function stopSession(pid: number, exitP: Promise<void>, exited: () => boolean): Promise<void> {
  if (!exited()) {
    try { process.kill(pid, 'SIGINT'); } catch { /* already gone */ }
    await within(exitP, 10_000);
  }
  // children that outlived the main process (should not happen) are killed by pid
  for (const p of sessionPids(pid)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  if (!exited()) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    await within(exitP, 2000);
  }
}

/** Removes SysV shared memory segments created by `pids` that nobody is attached to any more. */
function removeLeftoverShm(pids: readonly number[]): void {
  let table = '';
  try { table = execFileSync('ipcs', ['-m', '-p'], { encoding: 'utf8' }); } catch { return; }
  const mine = new Set(pids);
  for (const line of table.split('\n')) {
    const [id, , cpid] = line.trim().split(/\s+/);
    if (!id || !/^\d+$/.test(id) || !mine.has(Number(cpid))) continue;
    try {
      const info = execFileSync('ipcs', ['-m', '-i', id], { encoding: 'utf8' });
      if (/nattch=0\b/.test(info)) execFileSync('ipcrm', ['-m', id]);
    } catch { /* already gone */ }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; results[i] = await fn(items[i]!, i); } };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
