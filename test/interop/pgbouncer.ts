/**
 * A real PgBouncer (Debian's 1.18.0 here) for the interop tests, in front of the PostgreSQL of pgCluster.ts and in the
 * same `Sandbox`: it runs as the server account (PgBouncer refuses root), in the foreground (`-v`), logging to the pipe
 * `ServerProcess` keeps, on 127.0.0.1 and a Unix socket inside the sandbox. `reload(files)` rewrites files and sends
 * SIGHUP, then waits until PgBouncer has read them (it logs nothing on a reload at this verbosity, so it waits for the
 * SHOW CONFIG answer of the admin console to carry the new `application_name_add_host` marker).
 */
import * as path from 'node:path';
import { BIND_FAILED, freePorts } from '../ports';
import { psql, ServerProcess, type RunResult, type Sandbox } from './pgCluster';
import { which } from '../requires';

export const PGBOUNCER = process.env.PGBOUNCER ?? which('/usr/sbin/pgbouncer') ?? 'pgbouncer';

export interface PgBouncerOptions {
  /** Folder (relative to the sandbox) for pgbouncer.ini, the auth files, the socket and the pid file. */
  dir: string;
  backendPort: number;
  /** Where PostgreSQL is: 127.0.0.1 unless given (a Unix socket folder works too). */
  backendHost?: string;
  authType: string;
  /** The auth_file's text. */
  userlist: string;
  /** The auth_hba_file's text (written when given). */
  hba?: string;
  /** Lines appended to the [pgbouncer] section. */
  extra?: string[];
}

export class PgBouncer {
  port = 0;
  private server: ServerProcess | undefined;
  private pastLog = '';
  private generation = 0;
  private readonly dir: string;

  private constructor(readonly sandbox: Sandbox, readonly opts: PgBouncerOptions) {
    this.dir = sandbox.dir(opts.dir);
  }

  get log(): string { return this.pastLog + (this.server?.log ?? ''); }
  mark(): number { return this.log.length; }
  since(mark: number): string { return this.log.slice(mark); }
  get running(): boolean { return !!this.server?.running; }
  file(name: string): string { return path.join(this.dir, name); }

  static async start(sandbox: Sandbox, opts: PgBouncerOptions, timeoutMs = 30_000): Promise<PgBouncer> {
    const b = new PgBouncer(sandbox, opts);
    try {
      await b.launch(timeoutMs);
    } catch (e) {
      await b.stop();
      throw e;
    }
    return b;
  }

  private writeFiles(): void {
    const { opts, sandbox } = this;
    const rel = (f: string) => path.join(opts.dir, f);
    sandbox.dir(rel('sock'));
    sandbox.file(rel('userlist.txt'), opts.userlist, 0o600);
    if (opts.hba !== undefined) sandbox.file(rel('pgbouncer_hba.conf'), opts.hba, 0o600);
    sandbox.file(rel('pgbouncer.ini'), [
      '[databases]',
      `postgres = host=${opts.backendHost ?? '127.0.0.1'} port=${opts.backendPort} dbname=postgres`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${this.port}`,
      `unix_socket_dir = ${this.file('sock')}`,
      `auth_type = ${opts.authType}`,
      `auth_file = ${this.file('userlist.txt')}`,
      ...(opts.hba !== undefined ? [`auth_hba_file = ${this.file('pgbouncer_hba.conf')}`] : []),
      'admin_users = pgb_admin_nobody',
      'ignore_startup_parameters = extra_float_digits',
      'pool_mode = session',
      'server_lifetime = 1',
      'server_idle_timeout = 1',
      `application_name_add_host = ${this.generation % 2}`,
      ...(opts.extra ?? []),
      '',
    ].join('\n'), 0o600);
  }

  private async launch(timeoutMs: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      [this.port] = await freePorts(1);
      while (this.port === this.opts.backendPort) [this.port] = await freePorts(1);
      this.writeFiles();
      const server = ServerProcess.spawn('pgbouncer', PGBOUNCER, ['-v', this.file('pgbouncer.ini')],
        { env: this.sandbox.env, cwd: this.dir, account: this.sandbox.account });
      this.server = server;
      const ok = await server.waitFor(/process up/, timeoutMs);
      if (ok) return;
      await server.stop();
      this.pastLog += server.log;
      this.server = undefined;
      if (attempt < 3 && BIND_FAILED.test(server.log)) continue;
      throw new Error(`PgBouncer did not start (${server.exitStatus}):\n${this.pastLog}`);
    }
  }

  /** New auth files (and settings), then SIGHUP; resolves once PgBouncer has loaded them. */
  async reload(change: Partial<Pick<PgBouncerOptions, 'userlist' | 'hba' | 'authType' | 'extra'>>, timeoutMs = 20_000): Promise<void> {
    const server = this.server;
    if (!server?.running) throw new Error(`PgBouncer is not running:\n${this.log}`);
    Object.assign(this.opts, change);
    this.generation++;
    this.writeFiles();
    const mark = server.mark();
    process.kill(server.pid, 'SIGHUP');
    // 1.18 logs every changed setting at reload: application_name_add_host flips each time.
    const ok = await server.waitFor(/application_name_add_host/, timeoutMs, mark);
    if (!ok) throw new Error(`PgBouncer did not reload:\n${server.since(mark)}`);
  }

  /** A login through PgBouncer over TCP (no TLS) running `SELECT current_user`. */
  login(user: string, password: string | undefined, timeoutMs = 20_000): Promise<RunResult> {
    const pw = password === undefined ? '' : ` password=${quote(password)}`;
    return psql(this.sandbox, `host=127.0.0.1 port=${this.port} dbname=postgres user=${quote(user)}${pw} sslmode=disable`, ['SELECT current_user'], timeoutMs);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    await s.stop();
    this.pastLog += s.log;
    this.server = undefined;
  }
}

/** A conninfo value in single quotes. */
export const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
