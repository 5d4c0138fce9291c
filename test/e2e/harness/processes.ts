/**
 * Every process the e2e layer starts goes through a `ProcessGroup`: each child leads its own process group
 * (`detached`), so `dispose()` can end it together with everything it forked (code-server's extension host and the
 * pgtls language server, Neovim's language server). Processes that left their group on purpose (Chromium, which
 * Playwright starts in a new session; a server Neovim spawns detached) are found by the unique temp folder that
 * appears in their command line or environment, and ended by pid. Nothing is ever matched by program name.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Groups not yet disposed: ended synchronously if this process is interrupted or exits early. */
const live = new Set<ProcessGroup>();
let handlersInstalled = false;

function abortAll(): void {
  for (const g of live) g.abort();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', abortAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      abortAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export class ProcessGroup {
  private readonly children: ChildProcess[] = [];

  /**
   * `marker`: the run's scratch folder (a fresh mkdtemp path), which every child's environment contains. If this
   * process is interrupted before `dispose()`, the children are killed and the folder is removed.
   */
  constructor(readonly marker: string) {
    installHandlers();
    live.add(this);
  }

  /** Synchronous emergency stop (signal or early exit): KILL every group and marked process, remove the folder. */
  abort(): void {
    live.delete(this);
    for (const c of this.children) killGroup(c, 'SIGKILL');
    for (const pid of processesMarkedWith(this.marker)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    if (!process.env.PGTLS_E2E_KEEP) fs.rmSync(this.marker, { recursive: true, force: true });
  }

  /** Starts a process as the leader of a new process group; stdout/stderr are piped unless `stdio` says otherwise. */
  start(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
    this.children.push(child);
    child.on('error', () => { /* reported through `run`'s promise or the caller's exit handling */ });
    return child;
  }

  /** Runs a process to its end, with a deadline after which its group is killed and the promise rejects. */
  run(command: string, args: readonly string[], options: SpawnOptions & { timeoutMs: number }): Promise<Finished> {
    const { timeoutMs, ...spawnOptions } = options;
    const child = this.start(command, args, spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => {
        killGroup(child, 'SIGKILL');
        reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs / 1000}s\n${stdout}\n${stderr}`));
      }, timeoutMs);
      child.once('error', e => { clearTimeout(deadline); reject(e); });
      child.once('close', (code, signal) => { clearTimeout(deadline); resolve({ code, signal, stdout, stderr }); });
    });
  }

  /** Ends every group this object started (TERM, then KILL after `graceMs`), then every straggler carrying the marker. */
  async dispose(graceMs = 3000): Promise<void> {
    live.delete(this);
    const alive = this.children.filter(c => c.exitCode === null && c.signalCode === null);
    for (const c of alive) killGroup(c, 'SIGTERM');
    await Promise.all(alive.map(c => exited(c, graceMs)));
    for (const c of this.children) killGroup(c, 'SIGKILL');
    for (const pid of processesMarkedWith(this.marker)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try { process.kill(-child.pid, signal); } catch { /* the group is gone */ }
}

function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => {
    const t = setTimeout(resolve, ms);
    child.once('exit', () => { clearTimeout(t); resolve(); });
  });
}

/** Pids (other than this process) whose command line or environment mentions `marker`. Linux /proc only. */
export function processesMarkedWith(marker: string): number[] {
  const out: number[] = [];
  let entries: string[];
  try { entries = fs.readdirSync('/proc'); } catch { return out; }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    for (const file of ['cmdline', 'environ']) {
      try {
        if (fs.readFileSync(`/proc/${pid}/${file}`, 'latin1').includes(marker)) { out.push(pid); break; }
      } catch { /* gone, or not ours to read */ }
    }
  }
  return out;
}
