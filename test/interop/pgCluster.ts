/**
 * Real PostgreSQL 15 and Pgpool-II servers for the end-to-end certificate tests, plus psql and a TLS probe.
 *
 * - Everything lives in one `Sandbox` (a temp folder under os.tmpdir(), 0755 so the server account can traverse it;
 *   the folders inside are 0700 and owned by that account). When we are root the servers and psql run as `postgres`
 *   (PostgreSQL refuses root, and libpq/PostgreSQL/pgpool judge key-file permissions against the euid), started with
 *   `setpriv`, which execs: the pid we hold is the server's own, so SIGINT reaches it. Otherwise they run as us.
 * - Servers are started in their own session (spawn `detached`), listen on 127.0.0.1 (free ports picked here) and on
 *   Unix sockets inside the sandbox only, log to a pipe we keep in memory (`log`, `since(mark)` for failure messages).
 * - `stop()` sends SIGINT (fast shutdown for both PostgreSQL and pgpool), SIGKILLs the session after a grace period,
 *   then removes the SysV shared memory segments its processes created and left unattached (pgpool allocates
 *   ~130 MB in the main process plus a segment in a child; PostgreSQL a small one). An `exit` hook does the same
 *   synchronously for anything still running and removes sandboxes that were not disposed (a failed test), and a
 *   detached sentinel process does it when the test process dies without `exit` (Ctrl-C, SIGKILL, a closed pipe).
 * - `PgCluster` is initdb'd once and re-pointed at other certificate files / pg_hba.conf with SIGHUP. A reload is
 *   asynchronous, so every reload also bumps a custom setting `pgtls.generation`; it waits until a fresh connection
 *   sees the new generation. The postmaster (PG 15) reloads postgresql.conf, then pg_hba.conf, then the SSL context
 *   inside one SIGHUP handler, before it accepts the next connection, so every connection after that uses the new
 *   files. A reload that PostgreSQL refuses (`... was not reloaded`) throws with the server log.
 *
 * Every child gets a clean environment: no PG* variables, LC_ALL=C (English messages to match), HOME and
 * PGPASSFILE inside the sandbox (no ~/.pgpass, ~/.postgresql/*, ~/.psqlrc or ~/.pgpoolkey from the real home).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { BIND_FAILED, freePorts } from '../ports';
import { pgpoolBinary } from './pgpoolOracle';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const POSTGRES = path.join(PG_BIN, 'postgres');
export const INITDB = path.join(PG_BIN, 'initdb');
/** psql of the same major version when it is there (Debian's /usr/bin/psql is a wrapper that picks one). */
export const PSQL = fs.existsSync(path.join(PG_BIN, 'psql')) ? path.join(PG_BIN, 'psql') : 'psql';

/** The tools these helpers need, for `missing(...)` / `assertTools(...)`. */
export function requiredTools(): string[] {
  const tools = ['psql', POSTGRES, INITDB, pgpoolBinary() ?? 'pgpool', 'ipcs', 'ipcrm'];
  if (process.getuid?.() === 0) tools.push('setpriv');
  return tools;
}

export interface Account { name: string; uid: number; gid: number }

/** The account the servers and psql run as: `postgres` when we are root, else undefined (ourselves). */
export function serverAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { name: 'postgres', uid: id('-u'), gid: id('-g') };
}

/** `cmd args` as `account` (setpriv execs, so the pid stays the command's). */
function asAccount(account: Account | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  if (!account) return [cmd, [...args]];
  return ['setpriv', [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--init-groups', cmd, ...args]];
}

// ---------------------------------------------------------------------------------------------------------------
// Sandbox

const liveSandboxes = new Set<Sandbox>();
const liveServers = new Set<ServerProcess>();
/** Every pid that belonged to a server started here (for `leftoverShm`). */
const serverPids = new Set<number>();

/** SysV shared memory segments created by any server process started here that still exist. */
export function leftoverShm(): { id: number; cpid: number; nattch: number }[] {
  return shmSegments().filter(s => serverPids.has(s.cpid));
}

export class Sandbox {
  readonly root: string;
  readonly account: Account | undefined;
  /** The environment every child gets (see the file comment). */
  readonly env: NodeJS.ProcessEnv;

  private constructor(prefix: string) {
    this.account = serverAccount();
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.chmodSync(this.root, 0o755);
    this.own(this.root);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(PG|LC_|LANG)/.test(k)) env[k] = v;
    this.env = { ...env, LC_ALL: 'C', HOME: this.root, PGPASSFILE: path.join(this.root, 'no-such-pgpass'), PGCONNECT_TIMEOUT: '10' };
    liveSandboxes.add(this);
    tellSentinel(`dir ${this.root}`);
  }

  static create(prefix = 'pgtls-e2e-'): Sandbox {
    installExitHook();
    return new Sandbox(prefix);
  }

  path(...rel: string[]): string { return path.join(this.root, ...rel); }

  own(p: string): void {
    if (this.account) fs.chownSync(p, this.account.uid, this.account.gid);
  }

  /** A folder (and its parents) inside the sandbox, owned by the server account. */
  dir(rel: string, mode = 0o700): string {
    const full = this.path(rel);
    const parts = path.relative(this.root, full).split(path.sep);
    let cur = this.root;
    for (const part of parts) {
      cur = path.join(cur, part);
      if (!fs.existsSync(cur)) { fs.mkdirSync(cur, { mode }); fs.chmodSync(cur, mode); this.own(cur); }
    }
    return full;
  }

  /** Writes a file owned by the server account; keys (`*.key`) and password files get 0600. */
  file(rel: string, text: string, mode?: number): string {
    const full = this.path(rel);
    const m = mode ?? (/\.key$|pool_passwd$/.test(full) ? 0o600 : 0o644);
    fs.writeFileSync(full, text, { mode: m });
    fs.chmodSync(full, m);
    this.own(full);
    return full;
  }

  /** Removes the folder (servers must be stopped first). */
  dispose(): void {
    liveSandboxes.delete(this);
    fs.rmSync(this.root, { recursive: true, force: true });
    tellSentinel(`rmdir ${this.root}`);
  }
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // After an unhandled failure the normal path has not stopped everything: do it synchronously on exit.
  process.once('exit', () => {
    for (const s of liveServers) s.killNow();
    for (const s of liveSandboxes) { try { fs.rmSync(s.root, { recursive: true, force: true }); } catch { /* best effort */ } }
    liveSandboxes.clear();
  });
}

/**
 * The servers run in sessions of their own, so a Ctrl-C does not reach them, and a test process that dies without
 * its `exit` event (SIGKILL, SIGINT, or node:test rethrowing an EPIPE when the output pipe closes) would leave
 * them running with their shared memory. The sentinel is a tiny detached node process that reads what we tell it on
 * a pipe (`server PID`, `gone PID`, `dir PATH`, `rmdir PATH`); when the pipe closes (our process is gone, for
 * whatever reason) it stops the servers still listed (SIGINT, SIGKILL after 10 s), removes their unattached SysV
 * shared memory and the folders, then exits. After a normal run nothing is listed any more and it exits at once.
 */
const SENTINEL = String.raw`
const fs = require('fs'); const { execFileSync } = require('child_process');
const servers = new Set(); const dirs = new Set(); let buf = '';
const sleep = ms => new Promise(r => setTimeout(r, ms));
const stat = pid => { try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { state: f[0], ppid: +f[1], sid: +f[3] }; } catch { return undefined; } };
const alive = pid => { const s = stat(pid); return !!s && s.state !== 'Z'; };
const family = pid => { const procs = fs.readdirSync('/proc').filter(n => /^\d+$/.test(n)).map(n => ({ pid: +n, ...stat(n) })).filter(p => p.ppid !== undefined);
  const fam = new Set([pid, ...procs.filter(p => p.sid === pid).map(p => p.pid)]);
  for (let grew = true; grew;) { grew = false; for (const p of procs) if (!fam.has(p.pid) && fam.has(p.ppid)) { fam.add(p.pid); grew = true; } }
  return [...fam]; };
process.stdin.on('data', d => { buf += d; let i; while ((i = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1);
  const sp = line.indexOf(' '); const op = line.slice(0, sp); const arg = line.slice(sp + 1);
  if (op === 'server') servers.add(+arg); else if (op === 'gone') servers.delete(+arg); else if (op === 'dir') dirs.add(arg); else if (op === 'rmdir') dirs.delete(arg); } });
process.stdin.on('end', async () => {
  const pids = new Set();
  for (const pid of servers) { if (!alive(pid)) continue; for (const p of family(pid)) pids.add(p); try { process.kill(pid, 'SIGINT'); } catch {} }
  for (let i = 0; i < 100 && [...servers].some(alive); i++) await sleep(100);
  for (const pid of servers) for (const p of family(pid)) pids.add(p);
  for (const p of pids) if (alive(p)) { try { process.kill(p, 'SIGKILL'); } catch {} }
  for (let i = 0; i < 30 && [...pids].some(alive); i++) await sleep(100);
  try { for (const line of execFileSync('ipcs', ['-m', '-p'], { encoding: 'utf8' }).split('\n')) { const [id, , cpid] = line.trim().split(/\s+/);
    if (!/^\d+$/.test(id || '') || !pids.has(+cpid)) continue;
    try { if (/nattch=0\b/.test(execFileSync('ipcs', ['-m', '-i', id], { encoding: 'utf8' }))) execFileSync('ipcrm', ['-m', id]); } catch {} } } catch {}
  for (const d of dirs) { try { fs.rmSync(d, { recursive: true, force: true }); } catch {} }
  process.exit(0);
});
`;

let sentinel: ChildProcess | undefined;
function tellSentinel(line: string): void {
  if (!sentinel) {
    sentinel = spawn(process.execPath, ['-e', SENTINEL], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    sentinel.on('error', () => { sentinel = undefined; });
    sentinel.unref();
    (sentinel.stdin as net.Socket).unref();
    sentinel.stdin!.on('error', () => { /* the sentinel is gone: nothing more to tell it */ });
  }
  sentinel.stdin!.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Short-lived commands

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs a command to completion (as `account`), in its own process group, with a hard time limit. */
export function run(cmd: string, args: readonly string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; account?: Account | undefined; timeoutMs?: number })
  : Promise<RunResult> {
  const [c, a] = asAccount(opts.account, cmd, args);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(c, a, { cwd: opts.cwd ?? os.tmpdir(), env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', d => { stdout += d; });
    child.stderr!.on('data', d => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, opts.timeoutMs ?? 30_000);
    child.on('error', e => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, timedOut }); });
  });
}

/** psql with a conninfo string: no psqlrc, unaligned tuples only, never prompts for a password, stops on the first error. */
export function psql(sandbox: Sandbox, conninfo: string, commands: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
  const args = ['-X', '-A', '-t', '-w', '-v', 'ON_ERROR_STOP=1', ...commands.flatMap(c => ['-c', c]), conninfo];
  return run(PSQL, args, { env: sandbox.env, cwd: sandbox.root, account: sandbox.account, timeoutMs });
}

/** A result as a failure message shows it. */
export function describeRun(r: RunResult): string {
  const how = r.timedOut ? 'timed out (killed)' : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return `${how} after ${r.ms} ms\n--- stdout ---\n${r.stdout.trimEnd() || '(empty)'}\n--- stderr ---\n${r.stderr.trimEnd() || '(empty)'}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Long-running servers

/** A server process in its own session, its log (stdout + stderr) kept in memory. */
export class ServerProcess {
  readonly pid: number;
  private out = '';
  private exited = false;
  private exitDesc = '';
  private readonly exitP: Promise<void>;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly name: string, child: ChildProcess) {
    this.pid = child.pid ?? -1;
    const onData = (d: Buffer) => { this.out += d.toString('utf8'); for (const w of [...this.waiters]) w(); };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.exitP = new Promise(res => {
      const done = (desc: string) => {
        if (this.exited) return;
        this.exited = true;
        this.exitDesc = desc;
        liveServers.delete(this);
        for (const w of [...this.waiters]) w();
        res();
      };
      child.on('close', (code, signal) => done(signal ? `killed by ${signal}` : `exit ${code}`));
      child.on('error', e => { this.out += `\n[${name}: ${e.message}]\n`; done(`could not run: ${e.message}`); });
    });
    if (this.pid > 0) { liveServers.add(this); serverPids.add(this.pid); tellSentinel(`server ${this.pid}`); }
  }

  static spawn(name: string, cmd: string, args: readonly string[], opts: { env: NodeJS.ProcessEnv; cwd: string; account: Account | undefined }): ServerProcess {
    const [c, a] = asAccount(opts.account, cmd, args);
    const child = spawn(c, a, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServerProcess(name, child);
  }

  get running(): boolean { return !this.exited; }
  get log(): string { return this.out; }
  get exitStatus(): string { return this.exited ? this.exitDesc : 'running'; }
  /** The current end of the log, for `since`. */
  mark(): number { return this.out.length; }
  /** The log written after `mark`. */
  since(mark: number): string { return this.out.slice(mark); }

  /** Waits until `re` matches the log after `from`; false when the process exits first or after `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<boolean> {
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (re.test(this.out.slice(from))) return finish(true);
        if (this.exited) return finish(false);
      };
      const finish = (v: boolean) => { clearTimeout(timer); this.waiters.delete(check); resolve(v); };
      timer = setTimeout(() => finish(re.test(this.out.slice(from))), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** SIGINT (fast shutdown), SIGKILL of the session after `graceMs`, then the SysV shared memory it left. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.pid <= 0) return;
    const pids = new Set([this.pid, ...familyPids(this.pid)]);
    if (!this.exited) {
      try { process.kill(this.pid, 'SIGINT'); } catch { /* gone */ }
      await within(this.exitP, graceMs);
    }
    // whatever outlived a clean shutdown (should not happen): the snapshot plus the family as it is now
    for (const p of familyPids(this.pid)) pids.add(p);
    for (const p of pids) if (p !== this.pid && alive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    if (!this.exited) {
      try { process.kill(-this.pid, 'SIGKILL'); } catch { /* gone */ }
      await within(this.exitP, 3000);
    }
    for (const p of pids) serverPids.add(p);
    removeLeftoverShm(pids);
    liveServers.delete(this);
    tellSentinel(`gone ${this.pid}`);
  }

  /** Synchronous last resort (process `exit` / signal hook): SIGKILL the session, wait up to 3 s, remove its shm. */
  killNow(): void {
    if (this.pid <= 0) return;
    const pids = [this.pid, ...familyPids(this.pid)];
    try { process.kill(-this.pid, 'SIGKILL'); } catch { /* gone */ }
    for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 60 && pids.some(alive); i++) Atomics.wait(pause, 0, 0, 50);
    removeLeftoverShm(pids);
  }
}

/** Whether `pid` is a live process (a zombie has already dropped its shared memory attachments). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * `pid`, the members of its session and all their descendants. pgpool's children stay in its session; PostgreSQL's
 * children call setsid() themselves (InitPostmasterChild), so they are found through their parent.
 */
function familyPids(pid: number): number[] {
  const procs: { pid: number; ppid: number; sid: number }[] = [];
  let names: string[] = [];
  try { names = fs.readdirSync('/proc'); } catch { return [pid]; }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp session ...; comm may contain blanks and parentheses
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({ pid: Number(name), ppid: Number(fields[1]), sid: Number(fields[3]) });
    } catch { /* gone */ }
  }
  const family = new Set([pid, ...procs.filter(p => p.sid === pid).map(p => p.pid)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (!family.has(p.pid) && family.has(p.ppid)) { family.add(p.pid); grew = true; }
  }
  return [...family];
}

/** Removes SysV shared memory segments created by `pids` that nobody is attached to any more. */
function removeLeftoverShm(pids: Iterable<number>): void {
  const mine = new Set(pids);
  for (const seg of shmSegments()) {
    if (mine.has(seg.cpid) && seg.nattch === 0) { try { execFileSync('ipcrm', ['-m', String(seg.id)], { stdio: 'ignore' }); } catch { /* gone */ } }
  }
}

/** SysV shared memory segments: id, creator pid, attach count. */
export function shmSegments(): { id: number; cpid: number; nattch: number }[] {
  let table = '';
  try { table = execFileSync('ipcs', ['-m', '-p'], { encoding: 'utf8' }); } catch { return []; }
  const segs: { id: number; cpid: number; nattch: number }[] = [];
  for (const line of table.split('\n')) {
    const [id, , cpid] = line.trim().split(/\s+/);
    if (!id || !/^\d+$/.test(id) || !cpid || !/^\d+$/.test(cpid)) continue;
    let nattch = -1;
    try { nattch = Number(/nattch=(\d+)/.exec(execFileSync('ipcs', ['-m', '-i', id], { encoding: 'utf8' }))?.[1] ?? -1); } catch { continue; }
    segs.push({ id: Number(id), cpid: Number(cpid), nattch });
  }
  return segs;
}

async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise(r => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}


/** Single-quoted value for postgresql.conf / pgpool.conf (sandbox paths never contain quotes). */
function q(s: string | number): string {
  const v = String(s);
  if (/['\n\\]/.test(v)) throw new Error(`cannot quote ${JSON.stringify(v)}`);
  return `'${v}'`;
}


// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

/** `extra`: more lines for the included pgtls.conf (after ssl = on, so `ssl = off` there wins). */
export interface PgSslFiles { cert: string; key: string; ca: string; extra?: readonly string[] }

export class PgCluster {
  readonly data: string;
  readonly socketDir: string;
  port = 0;
  private server: ServerProcess | undefined;
  private generation = 0;
  private ssl: PgSslFiles | undefined;
  /** Extra postgresql.conf lines written into pgtls.conf (`reconfigure({ conf })`), e.g. a curve a test sets. */
  private extraConf: string[] = [];
  /** Logs of earlier attempts/instances, so that failure messages can show everything. */
  private pastLog = '';

  private constructor(readonly sandbox: Sandbox, readonly initdbLog: string) {
    this.data = sandbox.path('pg', 'data');
    this.socketDir = sandbox.path('pg', 'sock');
  }

  /** initdb (trust, C locale, no fsync) as the server account; does not start the server. */
  static async init(sandbox: Sandbox): Promise<PgCluster> {
    sandbox.dir('pg');
    sandbox.dir('pg/sock');
    const data = sandbox.path('pg', 'data');
    const r = await run(INITDB, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'],
      { env: sandbox.env, cwd: sandbox.root, account: sandbox.account, timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`initdb failed: ${describeRun(r)}`);
    return new PgCluster(sandbox, r.stdout + r.stderr);
  }

  get running(): boolean { return !!this.server?.running; }
  get log(): string { return this.pastLog + (this.server?.log ?? ''); }
  mark(): number { return this.log.length; }
  since(mark: number): string { return this.log.slice(mark); }

  private writeSslConf(): void {
    const ssl = this.ssl!;
    this.sandbox.file('pg/data/pgtls.conf', [
      '# written by the pgtls end-to-end test; rewritten before every reload',
      `ssl_cert_file = ${q(ssl.cert)}`,
      `ssl_key_file = ${q(ssl.key)}`,
      `ssl_ca_file = ${q(ssl.ca)}`,
      `pgtls.generation = ${q(this.generation)}`,
      ...(ssl.extra ?? []),
      ...this.extraConf,
      '',
    ].join('\n'), 0o600);
  }

  /** Starts PostgreSQL with ssl = on, these files and this pg_hba.conf; retries on a port taken in the meantime. */
  async start(ssl: PgSslFiles, hba: string, timeoutMs = 60_000): Promise<void> {
    this.ssl = ssl;
    this.writeSslConf();
    this.sandbox.file('pg/data/pg_hba.conf', hba, 0o600);
    for (let attempt = 1; ; attempt++) {
      [this.port] = await freePorts(1);
      const conf = fs.readFileSync(path.join(this.data, 'postgresql.conf'), 'utf8').replace(/\n# --- pgtls e2e ---\n[\s\S]*$/, '\n');
      this.sandbox.file('pg/data/postgresql.conf', conf + [
        '# --- pgtls e2e ---',
        "listen_addresses = '127.0.0.1'",
        `port = ${this.port}`,
        `unix_socket_directories = ${q(this.socketDir)}`,
        'ssl = on',
        "password_encryption = 'scram-sha-256'",
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 16MB',
        'max_connections = 30',
        'log_connections = on',
        "log_line_prefix = '%m [%p] '",
        "lc_messages = 'C'",
        "include 'pgtls.conf'",
        '',
      ].join('\n'), 0o600);
      const server = ServerProcess.spawn('postgres', POSTGRES, ['-D', this.data], { env: this.sandbox.env, cwd: this.sandbox.root, account: this.sandbox.account });
      this.server = server;
      const ok = await server.waitFor(/database system is ready to accept connections/, timeoutMs);
      if (ok) return;
      await server.stop();
      this.pastLog += server.log;
      this.server = undefined;
      if (attempt < 3 && BIND_FAILED.test(server.log)) continue;
      throw new Error(`PostgreSQL did not start (${server.exitStatus}):\n${this.pastLog}`);
    }
  }

  /**
   * Points the running server at other SSL files, another pg_hba.conf and/or other extra settings (`conf`: lines
   * that replace the previous extra lines; `[]` removes them) and reloads (SIGHUP). Resolves once a
   * new connection is guaranteed to use them (see the file comment).
   */
  async reconfigure(change: { ssl?: PgSslFiles; hba?: string; conf?: string[] }, timeoutMs = 20_000): Promise<void> {
    const server = this.server;
    if (!server?.running) throw new Error(`PostgreSQL is not running:\n${this.log}`);
    const mark = this.mark();
    if (change.ssl) this.ssl = change.ssl;
    if (change.conf) this.extraConf = [...change.conf];
    this.generation++;
    this.writeSslConf();
    if (change.hba !== undefined) this.sandbox.file('pg/data/pg_hba.conf', change.hba, 0o600);
    process.kill(server.pid, 'SIGHUP');
    const want = String(this.generation);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const r = await this.admin("SELECT current_setting('pgtls.generation', true)");
      last = describeRun(r);
      if (r.code === 0 && r.stdout.trim() === want) break;
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not reload (generation ${want}): ${last}\n--- server log ---\n${this.since(mark)}`);
      await new Promise(res => setTimeout(res, 50));
    }
    // one more connection: forked after the SIGHUP handler returned, so its messages are in the pipe by now
    await this.admin('SELECT 1');
    await new Promise(res => setTimeout(res, 20));
    const refused = /(SSL configuration|pg_hba\.conf|pg_ident\.conf) was not reloaded/.exec(this.since(mark));
    if (refused) throw new Error(`PostgreSQL refused the new configuration (${refused[0]}):\n${this.since(mark)}`);
  }

  /**
   * Writes pg_hba.conf and pg_ident.conf and reloads (SIGHUP), like `reconfigure` but without throwing when PostgreSQL
   * refuses a file: resolves with the server log of the reload, so that a caller can judge it (pg_ident.conf tests).
   */
  async reloadAuthFiles(hba: string, ident: string, timeoutMs = 20_000): Promise<string> {
    const server = this.server;
    if (!server?.running) throw new Error(`PostgreSQL is not running:\n${this.log}`);
    const mark = this.mark();
    this.generation++;
    this.writeSslConf();
    this.sandbox.file('pg/data/pg_hba.conf', hba, 0o600);
    this.sandbox.file('pg/data/pg_ident.conf', ident, 0o600);
    process.kill(server.pid, 'SIGHUP');
    const want = String(this.generation);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.admin("SELECT current_setting('pgtls.generation', true)");
      if (r.code === 0 && r.stdout.trim() === want) break;
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not reload (generation ${want}): ${describeRun(r)}\n--- server log ---\n${this.since(mark)}`);
      await new Promise(res => setTimeout(res, 20));
    }
    await this.admin('SELECT 1');
    await new Promise(res => setTimeout(res, 20));
    return this.since(mark);
  }

  /** SQL as the superuser over the Unix socket (`local all all trust`). */
  admin(sql: string): Promise<RunResult> {
    return psql(this.sandbox, `host=${this.socketDir} port=${this.port} dbname=postgres user=postgres sslmode=disable`, [sql]);
  }

  async adminOk(sql: string): Promise<string> {
    const r = await this.admin(sql);
    if (r.code !== 0) throw new Error(`admin SQL failed: ${sql}\n${describeRun(r)}\n--- server log ---\n${this.log}`);
    return r.stdout;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    await s.stop();
    this.pastLog += s.log;
    this.server = undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pgpool-II

export interface PgpoolOptions {
  /** Folder (relative to the sandbox) for pgpool.conf, pool_hba.conf, pool_passwd, sockets and logdir. */
  dir: string;
  backendHost: string;
  backendPort: number;
  ssl: PgSslFiles;
  poolHba: string;
  /** pool_passwd content ('' = empty file). */
  poolPasswd: string;
  /** Lines appended to pgpool.conf. */
  extra?: string[];
}

export class Pgpool {
  port = 0;
  pcpPort = 0;
  readonly version: string;
  private server: ServerProcess | undefined;
  private pastLog = '';
  private readonly dir: string;

  private constructor(readonly sandbox: Sandbox, readonly binary: string, readonly opts: PgpoolOptions) {
    this.dir = sandbox.dir(opts.dir);
    // 4.3 prints its version on stderr
    const v = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    this.version = /version (\d+\.\d+(?:\.\d+)?)/.exec(`${v.stdout}${v.stderr}`)?.[1] ?? 'unknown';
  }

  get conf(): string { return path.join(this.dir, 'pgpool.conf'); }
  get running(): boolean { return !!this.server?.running; }
  /** Waits until `re` matches the log written after `mark` (false after `timeoutMs` or when pgpool exits). */
  waitForLog(re: RegExp, timeoutMs: number, mark: number): Promise<boolean> {
    if (!this.server) return Promise.resolve(re.test(this.since(mark)));
    return this.server.waitFor(re, timeoutMs, Math.max(0, mark - this.pastLog.length));
  }
  get log(): string { return this.pastLog + (this.server?.log ?? ''); }
  mark(): number { return this.log.length; }
  since(mark: number): string { return this.log.slice(mark); }

  /** Writes the configuration and starts `pgpool -n`, waiting for `successfully started`. */
  static async start(sandbox: Sandbox, opts: PgpoolOptions, timeoutMs = 60_000): Promise<Pgpool> {
    const bin = pgpoolBinary();
    if (!bin) throw new Error('pgpool not found (apt-get install pgpool2); set $PGPOOL to override');
    const p = new Pgpool(sandbox, bin, opts);
    try {
      await p.launch(timeoutMs);
    } catch (e) {
      await p.stop();
      throw e;
    }
    return p;
  }

  private async launch(timeoutMs: number): Promise<void> {
    const { opts, sandbox } = this;
    const rel = (f: string) => path.join(opts.dir, f);
    for (const d of ['sock', 'logdir', 'oiddir']) sandbox.dir(rel(d));
    const sock = path.join(this.dir, 'sock');
    const hba = sandbox.file(rel('pool_hba.conf'), opts.poolHba);
    sandbox.file(rel('pool_passwd'), opts.poolPasswd, 0o600);
    const pcp = sandbox.file(rel('pcp.conf'), '');
    // pgpool >= 4.4 renamed socket_dir
    const socketParam = /^(3\.|4\.[0-3]\b)/.test(this.version) ? 'socket_dir' : 'unix_socket_directories';
    for (let attempt = 1; ; attempt++) {
      [this.port, this.pcpPort] = await freePorts(2);
      while (this.port === opts.backendPort || this.pcpPort === opts.backendPort) [this.port, this.pcpPort] = await freePorts(2);
      sandbox.file(rel('pgpool.conf'), [
        "backend_clustering_mode = 'raw'",
        "listen_addresses = '127.0.0.1'",
        `port = ${this.port}`,
        "pcp_listen_addresses = '127.0.0.1'",
        `pcp_port = ${this.pcpPort}`,
        `${socketParam} = ${q(sock)}`,
        `pcp_socket_dir = ${q(sock)}`,
        `wd_ipc_socket_dir = ${q(sock)}`,
        `pid_file_name = ${q(path.join(this.dir, 'pgpool.pid'))}`,
        `logdir = ${q(path.join(this.dir, 'logdir'))}`,
        `memqcache_oiddir = ${q(path.join(this.dir, 'oiddir'))}`,
        'memory_cache_enabled = off',
        'use_watchdog = off',
        "failover_command = ''",
        "failback_command = ''",
        "follow_primary_command = ''",
        `backend_hostname0 = ${q(opts.backendHost)}`,
        `backend_port0 = ${opts.backendPort}`,
        'backend_weight0 = 1',
        "backend_flag0 = 'ALLOW_TO_FAILOVER'",
        'num_init_children = 4',
        'max_pool = 2',
        'health_check_period = 0',
        'enable_pool_hba = on',
        `pool_passwd = ${q(path.join(this.dir, 'pool_passwd'))}`,
        'ssl = on',
        `ssl_key = ${q(opts.ssl.key)}`,
        `ssl_cert = ${q(opts.ssl.cert)}`,
        `ssl_ca_cert = ${q(opts.ssl.ca)}`,
        'log_min_messages = info',
        'log_connections = on',
        "log_line_prefix = '%m: %a pid %p: '",
        ...(opts.extra ?? []),
        '',
      ].join('\n'));
      const server = ServerProcess.spawn('pgpool', this.binary, ['-n', '-f', this.conf, '-a', hba, '-F', pcp],
        { env: sandbox.env, cwd: this.dir, account: sandbox.account });
      this.server = server;
      const ok = await server.waitFor(/successfully started/, timeoutMs);
      if (ok) return;
      await server.stop();
      this.pastLog += server.log;
      this.server = undefined;
      if (attempt < 3 && BIND_FAILED.test(server.log)) continue;
      throw new Error(`pgpool did not start (${server.exitStatus}):\n${this.pastLog}`);
    }
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    await s.stop();
    this.pastLog += s.log;
    this.server = undefined;
  }

  /** `pgpool reload`: SIGHUP to the main process; resolves once pgpool logged that it re-read its configuration. */
  async reload(timeoutMs = 20_000): Promise<void> {
    if (!this.server?.running) throw new Error(`pgpool is not running:\n${this.log}`);
    const mark = this.mark();
    process.kill(this.server.pid, 'SIGHUP');
    if (!(await this.waitForLog(/reload config files/i, timeoutMs, mark))) throw new Error(`pgpool did not log a reload:\n${this.since(mark)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// TLS probe

export interface TlsProbeResult {
  /** 'S' when the server accepted the SSLRequest and the TLS handshake completed. */
  answer: string;
  protocol?: string;
  cipher?: string;
  /** SHA-256 fingerprint of the certificate the server presented (node:crypto format, `AA:BB:...`). */
  fingerprint256?: string;
  subject?: string;
  error?: string;
}

/**
 * Sends an SSLRequest to 127.0.0.1:port; on 'S' completes a TLS handshake (no verification, no client certificate)
 * and reports the server's certificate, protocol and cipher.
 */
export function tlsProbe(port: number, timeoutMs = 10_000): Promise<TlsProbeResult> {
  return new Promise(resolve => {
    let finished = false;
    const sock = net.createConnection({ host: '127.0.0.1', port });
    const finish = (r: TlsProbeResult) => { if (finished) return; finished = true; clearTimeout(timer); sock.destroy(); resolve(r); };
    const timer = setTimeout(() => finish({ answer: 'timeout' }), timeoutMs);
    sock.on('connect', () => {
      const req = Buffer.alloc(8);
      req.writeInt32BE(8, 0);
      req.writeInt32BE(80877103, 4);
      sock.write(req);
    });
    sock.once('data', d => {
      const c = String.fromCharCode(d[0]!);
      if (c !== 'S') return finish({ answer: c === 'N' ? 'N' : `unexpected answer ${JSON.stringify(d.toString('latin1'))}` });
      sock.pause();
      const t = tls.connect({ socket: sock, rejectUnauthorized: false });
      t.on('secureConnect', () => {
        const peer = t.getPeerCertificate();
        const r: TlsProbeResult = { answer: 'S', protocol: t.getProtocol() ?? '', cipher: t.getCipher()?.name ?? '', fingerprint256: peer?.fingerprint256, subject: String(peer?.subject?.CN ?? '') };
        t.destroy();
        finish(r);
      });
      t.on('error', e => { t.destroy(); finish({ answer: 'S', error: `TLS handshake failed: ${e.message}` }); });
    });
    sock.on('error', e => finish({ answer: 'error', error: e.message }));
    sock.on('close', () => finish({ answer: 'closed', error: 'connection closed' }));
  });
}

/** The SHA-256 fingerprint of the first certificate in `pem`, in the format `tlsProbe` reports. */
export function certFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}
