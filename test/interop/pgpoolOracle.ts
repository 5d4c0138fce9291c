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
 * creates shared memory, sockets or children (~20 ms). A message without a line number (`could not parse LDAP
 * URL`, `token too long`) is traced to its line by loading each line alone.
 *
 * `hbaFullStart` is the complete start (free 127.0.0.1 ports, sockets in the sandbox, watchdog off) that calibrates
 * the fast run: it waits for `successfully started`, sends a startup packet over the Unix socket and reads pgpool's
 * answer, which tells whether the file was loaded (`missing or erroneous pool_hba.conf file` means rejected).
 * `confSslStart` starts a pgpool.conf with ssl on the same way and sends an SSLRequest (+ TLS handshake): pgpool only
 * WARNs about bad TLS settings and then answers 'N'. Both stop pgpool with SIGINT (SIGKILL of its session after 10 s)
 * and remove the SysV shared memory it left.
 *
 * Everything runs as `postgres` when we are root (setpriv, which execs, so the pid we hold is pgpool's), in one
 * temp folder under os.tmpdir() that `dispose()` removes. Nothing is cached between runs.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { BIND_FAILED, freePorts } from '../ports';
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
const LEVEL_RE = /^(.*?)\b(DEBUG\d?|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|LOCATION|QUERY):  (.*)$/;

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

/** The log without the prefixes and without DEBUG noise other than pgpool's own `set_config_option` trace, for failure messages. */
export function showLog(msgs: readonly LogMessage[]): string {
  return msgs.filter(m => m.level !== 'DEBUG' || /^set_config_option/.test(m.text))
    .map(m => [`${m.level}:  ${m.text}`, ...m.details.filter(d => d.level !== 'LOCATION').map(d => `    ${d.level}:  ${d.text}`)].join('\n'))
    .join('\n');
}

export interface ConfVerdict {
  /** pgpool would start with this pgpool.conf. */
  accepted: boolean;
  exitCode: number | null;
  /** FATAL/PANIC messages other than the expected `could not read pid file`. */
  errors: string[];
  log: LogMessage[];
  /** Set when pgpool died of a signal while parsing (a pgpool bug; it cannot start either). */
  crashed?: NodeJS.Signals;
  /** pgpool's own trace of the assignments (`set_config_option "k" = "v"`), in order, without the wrapper's. */
  assignments: { name: string; value: string }[];
  /** `ssl` as pgpool will use it (an invalid boolean is ON); undefined when the trace is incomplete. */
  sslOn?: boolean;
  /** The names pgpool logged as `unrecognized configuration parameter` (INFO), in log order, duplicates kept. */
  unrecognized: string[];
}

/**
 * pgpool's boolean parsing (eval_logical / parse_bool_with_len): any case, a unique prefix of true/false/yes/no,
 * at least two letters of on/off, or 1/0; anything else is -1, which the bool setter stores as true.
 */
export function pgpoolBool(v: string): boolean {
  const s = v.toLowerCase();
  const prefixOf = (w: string, min = 1) => s.length >= min && w.startsWith(s);
  if (prefixOf('true') || prefixOf('yes') || prefixOf('on', 2) || s === '1') return true;
  if (prefixOf('false') || prefixOf('no') || prefixOf('off', 2) || s === '0') return false;
  return true;
}

export interface HbaVerdict {
  /** pgpool loads nothing from this file: every client connection would be refused. */
  rejected: boolean;
  /** 1-based lines that make pgpool reject the file: the LOG + CONTEXT lines, plus `attributed` ones. */
  errorLines: number[];
  /** The lines of `errorLines` that pgpool named itself (CONTEXT: line N). */
  contextLines: number[];
  /** Messages pgpool logs without a line number, traced to a line by checking that line alone. */
  attributed: { line: number; message: string }[];
  /** 1-based lines that pgpool logs about but still loads (e.g. hostssl with ssl = off). */
  noteLines: number[];
  /** Messages about the file as a whole that no single line explains (no entries, unreadable @file). */
  fileErrors: string[];
  log: LogMessage[];
  /** Set when pgpool died of a signal while loading the file (4.3.5 recurses on an `@file` loop until SIGSEGV). */
  crashed?: NodeJS.Signals;
}

export interface SslVerdict {
  /** Whether pgpool reached `successfully started`. */
  started: boolean;
  /** `S TLSv1.3` (pgpool accepted an SSLRequest and a TLS handshake), `N`, or what went wrong. */
  probe: string;
  /** pgpool serves TLS to clients. */
  works: boolean;
  log: LogMessage[];
}

export interface FullStartVerdict {
  /** Whether pgpool reached `successfully started`. */
  started: boolean;
  /** pgpool's answer to a startup packet over its Unix socket (`FATAL: msg / DETAIL: detail`). */
  probe: string;
  /** The probe's answer says the file was not loaded (`missing or erroneous pool_hba.conf file`). */
  probeSaysRejected: boolean;
  /** Lines named by LOG + CONTEXT messages that reject (as in HbaVerdict.contextLines). */
  contextLines: number[];
  log: LogMessage[];
}

/**
 * pool_hba.conf messages that pgpool logs with a line number but that do NOT reject the line (pool_hba.c: the parser
 * returns the line anyway). The differential test calibrates this list with a full start and a connection per file.
 */
export const HBA_LINE_KEPT = [
  'hostssl record cannot match because SSL is disabled',
  'authentication option can only be configured for authentication method "pam"',
  'invalid ldapscheme value',
];

const CONTEXT_RE = /^line (\d+) of configuration file "(.*)"$/;

function contextLine(m: LogMessage, file: string): number | undefined {
  for (const d of m.details) {
    const c = d.level === 'CONTEXT' ? CONTEXT_RE.exec(d.text) : null;
    if (c && c[2] === file) return Number(c[1]);
  }
  return undefined;
}

const sortedNums = (s: Iterable<number>) => [...new Set(s)].sort((a, b) => a - b);

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

  private write(p: string, text: string | Buffer): string {
    fs.writeFileSync(p, text, { mode: 0o644 });
    this.own(p);
    return p;
  }

  /** The command that runs pgpool as the sandbox user. */
  private command(args: string[]): [string, string[]] {
    if (!this.runAs) return [this.binary, args];
    return ['setpriv', [`--reuid=${this.runAs.uid}`, `--regid=${this.runAs.gid}`, '--init-groups', this.binary, ...args]];
  }

  /**
   * pgpool.conf: would pgpool start with this file? `files` are written beside it first (relative paths, e.g. included
   * files or `pgpool_node_id`), so that pgpool resolves them as it would in place.
   */
  async checkConf(text: string, files: Readonly<Record<string, string>> = {}): Promise<ConfVerdict> {
    const dir = this.newDir('conf');
    this.writeBeside(dir, files);
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
    if (r.timedOut) throw new Error(`oracle failure: pgpool timed out\n${r.out}`);
    // pgpool 4.3.5 crashes on some inputs (e.g. heartbeat_hostname256): it cannot start with such a file either.
    const unrecognized = log.flatMap(m => {
      const u = m.level === 'INFO' ? /^unrecognized configuration parameter "([\s\S]*)"$/.exec(m.text) : null;
      return u ? [u[1]!] : [];
    });
    if (r.signal) return { accepted: false, exitCode: null, errors: [`pgpool crashed (${r.signal}) while reading the configuration`], log, crashed: r.signal, assignments: [], unrecognized };
    const pidFatal = log.some(m => m.level === 'FATAL' && m.text === 'could not read pid file');
    const trace = log.flatMap(m => {
      const a = m.level === 'DEBUG' ? /^set_config_option "(.*?)" = "([\s\S]*)"$/.exec(m.text) : null;
      return a ? [{ name: a[1]!, value: a[2]! }] : [];
    });
    const traceComplete = trace.length > 0 && trace[trace.length - 1]!.name === 'pid_file_name';
    // the wrapper's log_min_messages is applied before the level is, so only its last line (pid_file_name) is traced
    const assignments = trace.slice(0, traceComplete ? -1 : undefined);
    const lastSsl = [...assignments].reverse().find(a => a.name === 'ssl');
    const sslOn = traceComplete ? (lastSsl ? pgpoolBool(lastSsl.value) : false) : undefined;
    const errors = log.filter(m => (m.level === 'FATAL' || m.level === 'PANIC') && m.text !== 'could not read pid file')
      .map(m => [m.text, ...m.details.map(d => `${d.level}: ${d.text}`)].join(' / '));
    // Exit 1 + `could not read pid file` = parsed OK; exit 3 = a config error (even if a low log_min_messages hid the FATAL).
    if (r.code === 1 && pidFatal && errors.length === 0) return { accepted: true, exitCode: r.code, errors, log, assignments, sslOn, unrecognized };
    if (r.code === 3 && !pidFatal) return { accepted: false, exitCode: r.code, errors, log, assignments, sslOn, unrecognized };
    throw new Error(`oracle failure: unexpected pgpool outcome (exit ${r.code})\n${r.out}`);
  }

  /** Writes `files` (relative path → text) into `dir`, owned by the user pgpool runs as. */
  private writeBeside(dir: string, files: Readonly<Record<string, string | Buffer>>): void {
    for (const [rel, body] of Object.entries(files)) {
      const p = path.join(dir, rel);
      if (path.relative(dir, p).startsWith('..')) throw new Error(`oracle: ${rel} is outside the sandbox`);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      this.own(path.dirname(p));
      this.write(p, body);
    }
  }

  /**
   * pgpool.conf read as the top file itself (`pgpool -f pgpool.conf reload`, no wrapper), so that include nesting
   * counts as it does in place: `files['pgpool.conf']` and the files beside it, with a `pid_file_name` that does not
   * exist appended at its end (after every line under test, so that pgpool never signals a running pgpool). Accepted:
   * exit 1 at `could not read pid file`; refused: exit 3; a crash (signal) also means pgpool cannot start.
   */
  async checkConfInPlace(files: Readonly<Record<string, string | Buffer>>): Promise<{ accepted: boolean; crashed?: NodeJS.Signals; errors: string[]; log: LogMessage[] }> {
    const dir = this.newDir('inplace');
    const given = files['pgpool.conf'];
    if (given === undefined) throw new Error('oracle: no pgpool.conf');
    const top = Buffer.from(given);
    const pid = `${top.length === 0 || top[top.length - 1] === 10 ? '' : '\n'}pid_file_name = ${q(path.join(dir, 'no-such.pid'))}\n`;
    this.writeBeside(dir, { ...files, 'pgpool.conf': Buffer.concat([top, Buffer.from(pid)]) });
    const pcp = this.write(path.join(dir, 'pcp.conf'), '');
    const [cmd, args] = this.command(['-f', path.join(dir, 'pgpool.conf'), '-a', path.join(dir, 'no-pool_hba.conf'), '-F', pcp, 'reload']);
    const r = await run(cmd, args, dir, this.timeoutMs);
    const log = parseLog(r.out);
    if (r.timedOut) throw new Error(`oracle failure: pgpool timed out\n${r.out}`);
    if (r.signal) return { accepted: false, crashed: r.signal, errors: [`pgpool crashed (${r.signal})`], log };
    const errors = log.filter(m => (m.level === 'FATAL' || m.level === 'PANIC') && m.text !== 'could not read pid file')
      .map(m => [m.text, ...m.details.map(d => `${d.level}: ${d.text}`)].join(' / '));
    const pidFatal = log.some(m => m.level === 'FATAL' && m.text === 'could not read pid file');
    if (r.code === 1 && pidFatal && errors.length === 0) return { accepted: true, errors, log };
    if (r.code === 3 && !pidFatal) return { accepted: false, errors, log };
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
      'failover_on_backend_error = off',
      "log_destination = 'stderr'",
      "log_line_prefix = '%a pid %p: '",
      "log_min_messages = 'info'",
      ...extra,
      '',
    ].join('\n');
  }

  /** One fast run: pgpool with the fixed pgpool.conf stops right after load_hba(); returns the messages of load_hba(). */
  private async loadHba(text: string | Buffer, files: Readonly<Record<string, string | Buffer>> = {}): Promise<{ path: string; msgs: LogMessage[]; log: LogMessage[]; crashed?: NodeJS.Signals }> {
    const dir = this.newDir('hba');
    this.writeBeside(dir, files);
    const hba = this.write(path.join(dir, 'pool_hba.conf'), text);
    const pcp = this.write(path.join(dir, 'pcp.conf'), '');
    const conf = this.write(path.join(dir, 'pgpool.conf'), this.fixedConf(dir, [
      // a folder that does not exist: pgpool stops right after load_hba() (write_pid_file fails)
      `pid_file_name = ${q(path.join(dir, 'no-such-dir', 'pgpool.pid'))}`,
    ]));
    const [cmd, args] = this.command(['-n', '-f', conf, '-a', hba, '-F', pcp]);
    const r = await run(cmd, args, dir, this.timeoutMs);
    const log = parseLog(r.out);
    if (r.signal && !r.timedOut) return { path: hba, msgs: [], log, crashed: r.signal };
    const stop = log.findIndex(m => m.level === 'FATAL' && m.text.startsWith('could not open pid file'));
    if (r.timedOut || r.signal || stop < 0) throw new Error(`oracle failure: pgpool did not stop at the pid file (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})\n${r.out}`);
    // With ssl = off and watchdog off, everything pgpool logs before that FATAL comes from load_hba().
    const msgs = log.slice(0, stop).filter(m => m.level === 'LOG' || m.level === 'WARNING' || m.level === 'ERROR');
    return { path: hba, msgs, log };
  }

  /**
   * pool_hba.conf, fast run: the lines pgpool rejects, and whether the file is rejected. A message without a line
   * number (e.g. `could not parse LDAP URL`, `token too long`) is traced to its line by loading each line alone.
   */
  async checkHba(text: string | Buffer, files: Readonly<Record<string, string | Buffer>> = {}): Promise<HbaVerdict> {
    const { path: hbaPath, msgs, log, crashed } = await this.loadHba(text, files);
    if (crashed) return { rejected: true, errorLines: [], contextLines: [], attributed: [], noteLines: [], fileErrors: [`pgpool crashed (${crashed})`], log, crashed };
    const contextLines: number[] = [];
    const noteLines: number[] = [];
    const lineless: string[] = [];
    for (const m of msgs) {
      const line = contextLine(m, hbaPath);
      if (line === undefined) lineless.push(m.text);
      else (HBA_LINE_KEPT.some(k => m.text.includes(k)) ? noteLines : contextLines).push(line);
    }
    const attributed: HbaVerdict['attributed'] = [];
    const fileErrors: string[] = [];
    const pending = lineless.filter(t => !/contains no entries$/.test(t));
    fileErrors.push(...lineless.filter(t => /contains no entries$/.test(t)));
    if (pending.length) {
      const lines = text.toString().split('\n');
      const found = new Set<string>();
      for (let i = 0; i < lines.length; i++) {
        if (/^\s*(#.*)?\r?$/.test(lines[i]!)) continue;
        const solo = await this.loadHba(lines[i]! + '\n', files);
        for (const m of solo.msgs) {
          if (contextLine(m, solo.path) === undefined && pending.includes(m.text)) { attributed.push({ line: i + 1, message: m.text }); found.add(m.text); }
        }
      }
      fileErrors.push(...pending.filter(t => !found.has(t)));
    }
    const errorLines = sortedNums([...contextLines, ...attributed.map(a => a.line)]);
    return {
      rejected: errorLines.length > 0 || fileErrors.length > 0,
      errorLines, contextLines: sortedNums(contextLines), attributed, noteLines: sortedNums(noteLines), fileErrors, log,
    };
  }

  /** pool_hba.conf, full sandboxed start plus a connection probe (slow; for calibration). */
  async hbaFullStart(text: string): Promise<FullStartVerdict> {
    const dir = this.newDir('full');
    const hba = this.write(path.join(dir, 'pool_hba.conf'), text);
    const { started, out, probe } = await retryOnBindFailure(async () => {
      const [port, pcpPort, backendPort] = await freePorts(3);
      const conf = this.write(path.join(dir, 'pgpool.conf'), this.fixedConf(dir, [
        `port = ${port}`, `pcp_port = ${pcpPort}`, `pid_file_name = ${q(path.join(dir, 'pgpool.pid'))}`,
      ], backendPort));
      return this.startAndProbe(dir, conf, hba, () => startupProbe(path.join(dir, `.s.PGSQL.${port}`), 10_000));
    });
    const log = parseLog(out);
    const contextLines = sortedNums(log.flatMap(m => {
      const line = m.level === 'LOG' ? contextLine(m, hba) : undefined;
      return line === undefined || HBA_LINE_KEPT.some(k => m.text.includes(k)) ? [] : [line];
    }));
    return { started, probe, probeSaysRejected: /missing or erroneous pool_hba\.conf file/.test(probe), contextLines, log };
  }

  /**
   * pgpool.conf with ssl on, full sandboxed start: does pgpool really serve TLS? pgpool only WARNs about a bad
   * certificate, key, curve or cipher list (and says nothing at all for ciphers) and answers 'N' to every SSLRequest.
   * The file is included as is, followed by sandbox overrides (ports, sockets, pid and log dirs, watchdog off,
   * failover commands cleared, 2 children, no query cache, backend 0 on a port nobody listens on, no health check)
   * that leave every SSL setting alone. `files` are written beside it first (relative paths resolve as in place).
   */
  async confSslStart(text: string, files: Readonly<Record<string, string>> = {}): Promise<SslVerdict> {
    const dir = this.newDir('ssl');
    // Files beside pgpool.conf (relative paths), keys 0600, as they would be in place.
    for (const [rel, body] of Object.entries(files)) {
      const p = path.join(dir, rel);
      if (path.relative(dir, p).startsWith('..')) throw new Error(`oracle: ${rel} is outside the sandbox`);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      for (let d = path.dirname(p); d !== dir; d = path.dirname(d)) this.own(d);
      this.write(p, body);
      if (p.endsWith('.key')) fs.chmodSync(p, 0o600);
    }
    const conf = this.write(path.join(dir, 'pgpool.conf'), text);
    for (const d of ['sock', 'logdir', 'oiddir']) { fs.mkdirSync(path.join(dir, d)); this.own(path.join(dir, d)); }
    const { started, out, probe } = await retryOnBindFailure(async () => {
      const [port, pcpPort, backendPort] = await freePorts(3);
      // The wrapper sits beside the file, so relative ssl_cert/ssl_key/... resolve as they would in place.
      const wrapper = this.write(path.join(dir, 'oracle-start.conf'), [
        `include = ${q(conf)}`,
        "log_destination = 'stderr'", 'logging_collector = off', "log_line_prefix = '%a pid %p: '", "log_min_messages = 'info'",
        "listen_addresses = '127.0.0.1'", `port = ${port}`, "pcp_listen_addresses = '127.0.0.1'", `pcp_port = ${pcpPort}`,
        `socket_dir = ${q(path.join(dir, 'sock'))}`, `pcp_socket_dir = ${q(path.join(dir, 'sock'))}`, `wd_ipc_socket_dir = ${q(path.join(dir, 'sock'))}`,
        `pid_file_name = ${q(path.join(dir, 'pgpool.pid'))}`, `logdir = ${q(path.join(dir, 'logdir'))}`,
        `memqcache_oiddir = ${q(path.join(dir, 'oiddir'))}`, 'memory_cache_enabled = off', `pool_passwd = ${q(path.join(dir, 'pool_passwd'))}`,
        'use_watchdog = off', "failover_command = ''", "failback_command = ''", "follow_primary_command = ''",
        'search_primary_node_timeout = 1', 'num_init_children = 2', 'max_pool = 1', 'enable_pool_hba = off',
        // with no usable backend a child refuses the client before SSL negotiation: give it one (nobody listens there)
        "backend_hostname0 = '127.0.0.1'", `backend_port0 = ${backendPort}`, 'health_check_period = 0', 'health_check_period0 = 0',
        'failover_on_backend_error = off', '',
      ].join('\n'));
      return this.startAndProbe(dir, wrapper, path.join(dir, 'no-pool_hba.conf'), () => sslProbe(port, 10_000));
    });
    return { started, probe, works: probe.startsWith('S '), log: parseLog(out) };
  }

  /**
   * A throwaway self-signed certificate and key (openssl) in the sandbox, readable by the user pgpool runs as (key
   * 0600): the positive control for `confSslStart`.
   */
  makeTestCert(): { cert: string; key: string } {
    const dir = this.newDir('cert');
    const cert = path.join(dir, 'server.crt');
    const key = path.join(dir, 'server.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
      '-subj', '/CN=localhost', '-days', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.chmodSync(key, 0o600);
    this.own(cert);
    this.own(key);
    return { cert, key };
  }

  /** Starts pgpool in the sandbox, waits for `successfully started`, runs `probe`, stops pgpool and cleans up. */
  private async startAndProbe(dir: string, conf: string, hba: string, probe: () => Promise<string>, startTimeoutMs = 30_000)
    : Promise<{ started: boolean; out: string; probe: string }> {
    const pcp = this.write(path.join(dir, 'pcp.conf'), '');
    if (!fs.existsSync(path.join(dir, 'oiddir'))) { fs.mkdirSync(path.join(dir, 'oiddir')); this.own(path.join(dir, 'oiddir')); }
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
    let answer = '';
    try {
      if (started) answer = await probe();
    } finally {
      const pids = sessionPids(pid);
      await stopSession(pid, exitP, () => exited);
      removeLeftoverShm(pids);
    }
    return { started, out, probe: answer };
  }
}


/**
 * Runs a sandboxed start again, on new ports, when the one before failed only because a port was taken between
 * choosing it and pgpool's bind (another test's server or connection): that says nothing about the file under test.
 */
async function retryOnBindFailure<T extends { started: boolean; out: string }>(start: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    const r = await start();
    if (r.started || i >= attempts || !BIND_FAILED.test(r.out)) return r;
  }
}

/**
 * Sends an SSLRequest to 127.0.0.1:port. On 'S' completes a TLS handshake (no verification) and returns
 * `S <protocol>`; otherwise `N`, or what went wrong.
 */
export function sslProbe(port: number, timeoutMs: number): Promise<string> {
  return new Promise(resolve => {
    let finished = false;
    const sock = net.createConnection({ host: '127.0.0.1', port });
    const finish = (s: string) => { if (finished) return; finished = true; clearTimeout(timer); sock.destroy(); resolve(s); };
    const timer = setTimeout(() => finish('probe: timeout'), timeoutMs);
    sock.on('connect', () => {
      const req = Buffer.alloc(8);
      req.writeInt32BE(8, 0);
      req.writeInt32BE(80877103, 4);
      sock.write(req);
    });
    sock.once('data', d => {
      const c = String.fromCharCode(d[0]!);
      if (c !== 'S') return finish(c === 'N' ? 'N' : `probe: unexpected answer ${JSON.stringify(d.toString('latin1'))}`);
      sock.pause();
      const t = tls.connect({ socket: sock, rejectUnauthorized: false, servername: undefined });
      t.on('secureConnect', () => { const proto = t.getProtocol(); t.destroy(); finish(`S ${proto}`); });
      t.on('error', e => { t.destroy(); finish(`S but the TLS handshake failed: ${e.message}`); });
    });
    sock.on('error', e => finish(`probe: ${e.message}`));
    sock.on('close', () => finish('probe: connection closed'));
  });
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
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp session ...; comm may contain blanks and parentheses
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[3]) === sid) out.push(Number(name));
    } catch { /* the process is gone */ }
  }
  return out;
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
