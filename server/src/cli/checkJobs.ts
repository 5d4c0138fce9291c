/**
 * `pgtls check --jobs N`: the files validated by N worker threads, their results handed on in the run's file order.
 *
 * Each worker loads the same code (this module is in the `dist/cli.js` bundle; a worker started on it runs
 * `workerMain`), builds its own index of the run's YAML files (cli/checkService.ts: each file read and parsed once per
 * worker, in parallel, rather than an index sent across threads) and then validates the batches of files the main
 * thread gives it, answering with each file's JSON diagnostics (the text stays in the worker). The main thread keeps
 * only the results that arrived before an earlier file's, and gives out no file more than WINDOW files ahead of the
 * first one not yet printed, so its memory does not grow with the number of files.
 */
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Settings } from '../core/types';
import { indexedService } from './checkService';
import type { FileOutcome } from './checkOutput';
import { checkOne } from './checkOne';

/** What a worker needs to check files as the main thread would. */
export interface WorkerInit {
  roots: readonly string[];
  settings: Settings;
  maxFileBytes: number;
  /** The YAML files of the run's index (absolute paths). */
  indexFiles: readonly string[];
}

interface Batch { batch: { i: number; file: string }[] }
interface Done { done: { i: number; outcome: FileOutcome }[] }

const MARK = 'pgtlsCheckWorker';
/** Files per message to a worker. */
const BATCH = 8;
/** The furthest a file given out may be ahead of the first file whose outcome has not been handed on. */
const WINDOW = 256;

/** The file a worker starts: this module's own file (the bundle, or the TypeScript source under tsx). */
const workerFile = (): string => (/\.ts$/.test(__filename) ? path.join(__dirname, 'checkJobs.ts') : __filename);

/**
 * Checks `files` in `jobs` workers; `onOutcome` gets each file's outcome in the order of `files`. Resolves when all
 * are handed on; rejects when a worker fails (its error).
 */
export function checkInWorkers(files: readonly string[], jobs: number, init: WorkerInit, onOutcome: (o: FileOutcome, file: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    const arrived = new Map<number, FileOutcome>();
    let next = 0; // the first file whose outcome is not handed on
    let given = 0; // the first file not given out
    let failed = false;
    const stop = () => {
      for (const w of workers) void w.terminate();
    };
    const give = (w: Worker): boolean => {
      if (given >= files.length || given >= next + WINDOW) return false;
      const batch: Batch['batch'] = [];
      for (; batch.length < BATCH && given < files.length && given < next + WINDOW; given++) batch.push({ i: given, file: files[given]! });
      w.postMessage({ batch } satisfies Batch);
      return true;
    };
    const idle = new Set<Worker>();
    const onDone = (w: Worker, msg: Done) => {
      for (const d of msg.done) arrived.set(d.i, d.outcome);
      while (arrived.has(next)) {
        const o = arrived.get(next)!;
        arrived.delete(next);
        onOutcome(o, files[next]!);
        next++;
      }
      if (next >= files.length) {
        stop();
        resolve();
        return;
      }
      // Every worker without work (this one, and those held back by the window) gets the next batch.
      idle.add(w);
      for (const x of [...idle]) if (give(x)) idle.delete(x);
    };
    const n = Math.max(1, Math.min(jobs, Math.ceil(files.length / BATCH)));
    for (let k = 0; k < n; k++) {
      const file = workerFile();
      // Under tsx (the tests) a worker does not inherit the loader: it registers tsx's before loading the source.
      const w = file.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData: { [MARK]: init } })
        : new Worker(file, { workerData: { [MARK]: init } });
      workers.push(w);
      w.on('message', (m: Done) => onDone(w, m));
      w.on('error', e => {
        if (failed) return;
        failed = true;
        stop();
        reject(e);
      });
      w.on('exit', code => {
        if (code !== 0 && !failed && next < files.length) {
          failed = true;
          stop();
          reject(new Error(`a check worker exited with code ${code}`));
        }
      });
      // Two batches in flight per worker, so that none waits for the main thread between batches.
      give(w);
      give(w);
    }
    if (files.length === 0) {
      stop();
      resolve();
    }
  });
}

/** The worker's side: build the service and index, then answer batches. */
function workerMain(init: WorkerInit): void {
  const { service, index } = indexedService(init.roots, init.indexFiles, init.maxFileBytes);
  index.build();
  parentPort!.on('message', (m: Batch) => {
    const done = m.batch.map(({ i, file }) => ({ i, outcome: checkOne(service, file, init.settings, init.maxFileBytes, index) }));
    parentPort!.postMessage({ done } satisfies Done);
  });
}

if (!isMainThread && workerData && typeof workerData === 'object' && MARK in workerData) workerMain((workerData as Record<string, WorkerInit>)[MARK]!);
