/**
 * `pgtls check --jobs N`: the files validated by N worker threads, their results handed on in the run's file order.
 *
 * Each worker loads the same code (this module is in the `dist/cli.js` bundle; a worker started on it runs
 * `workerMain`) and parses its share of the run's YAML files for the index (cli/checkService.ts, `RunIndex.buildShard`:
 * each file read and parsed once in the whole run); the main thread merges the shares' words (small: names and keys)
 * and sends them to every worker, which then validates the batches of files given to it, answering with each file's
 * JSON diagnostics (the text stays in the worker). A file parsed in another worker's share is parsed again when a
 * lookup or its validation needs it. The main thread keeps only the results that arrived before an earlier file's,
 * and gives out no file more than WINDOW files ahead of the first one not yet printed, so its memory does not grow
 * with the number of files.
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

type WordList = [string, number[]][];
/** Main → worker: the run's words (merged from every worker's share), then batches of files to check. */
type ToWorker = { words: WordList } | { batch: { i: number; file: string }[] };
/** Worker → main: the words of its share of the index, then the outcomes of each batch. */
type FromWorker = { words: WordList } | { done: { i: number; outcome: FileOutcome }[] };

const MARK = 'pgtlsCheckWorker';
/** Files per message to a worker. */
const BATCH = 32;
/** The furthest a file given out may be ahead of the first file whose outcome has not been handed on. */
const WINDOW = 256;

/** The file a worker starts: this module's own file (the bundle, or the TypeScript source under tsx). */
const workerFile = (): string => (/\.ts$/.test(__filename) ? path.join(__dirname, 'checkJobs.ts') : __filename);

function startWorker(init: WorkerInit, shard: number[]): Worker {
  const file = workerFile();
  const workerData = { [MARK]: { init, shard } };
  // Under tsx (the tests) a worker does not inherit the loader: it registers tsx's before loading the source.
  return file.endsWith('.ts')
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData })
    : new Worker(file, { workerData });
}

/** The words of every share, each word's positions in file order. */
function mergeWords(shares: WordList[]): WordList {
  const all = new Map<string, number[]>();
  for (const share of shares) {
    for (const [w, list] of share) {
      const have = all.get(w);
      if (have) have.push(...list);
      else all.set(w, [...list]);
    }
  }
  for (const list of all.values()) if (list.length > 1) list.sort((a, b) => a - b);
  return [...all];
}

/**
 * Checks `files` in `jobs` workers; `onOutcome` gets each file's outcome in the order of `files`. Batch b of the files
 * goes to worker b mod n, which also parses those of them that the index holds (its share), so that its cache holds
 * the parses it validates first; the other index files are shared out in turn. Resolves when all are handed on;
 * rejects when a worker fails (its error).
 */
export function checkInWorkers(files: readonly string[], jobs: number, init: WorkerInit, onOutcome: (o: FileOutcome, file: string) => void): Promise<void> {
  const n = Math.max(1, Math.min(jobs, Math.ceil(files.length / BATCH)));
  const workerOf = (i: number) => Math.floor(i / BATCH) % n;
  const byPath = new Map(files.map((f, i) => [path.resolve(f), workerOf(i)]));
  const shards: number[][] = Array.from({ length: n }, () => []);
  init.indexFiles.forEach((f, i) => shards[byPath.get(f) ?? i % n]!.push(i));
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    const arrived = new Map<number, FileOutcome>();
    const shares: WordList[] = [];
    let next = 0; // the first file whose outcome is not handed on
    let given = 0; // the first file not given out
    let failed = false;
    const stop = () => {
      for (const w of workers) void w.terminate();
    };
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      stop();
      reject(e);
    };
    // Batches go out in file order, each to its worker, while they are within the window.
    const giveOut = () => {
      while (given < files.length && given < next + WINDOW) {
        const batch: { i: number; file: string }[] = [];
        const w = workerOf(given);
        for (; batch.length < BATCH && given < files.length && workerOf(given) === w; given++) batch.push({ i: given, file: files[given]! });
        workers[w]!.postMessage({ batch } satisfies ToWorker);
      }
    };
    const onMessage = (m: FromWorker) => {
      if ('words' in m) {
        shares.push(m.words);
        if (shares.length < n) return;
        const words = mergeWords(shares);
        shares.length = 0;
        for (const w of workers) w.postMessage({ words } satisfies ToWorker);
        giveOut();
        return;
      }
      for (const d of m.done) arrived.set(d.i, d.outcome);
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
      giveOut();
    };
    for (let k = 0; k < n; k++) {
      const w = startWorker(init, shards[k]!);
      workers.push(w);
      w.on('message', onMessage);
      w.on('error', fail);
      w.on('exit', code => {
        if (code !== 0 && next < files.length) fail(new Error(`a check worker exited with code ${code}`));
      });
    }
    if (files.length === 0) {
      stop();
      resolve();
    }
  });
}

/** The worker's side: parse its share of the index, take the run's words, then answer batches. */
function workerMain(init: WorkerInit, shard: number[]): void {
  const { service, index } = indexedService(init.roots, init.indexFiles, init.maxFileBytes);
  parentPort!.postMessage({ words: index.buildShard(shard) } satisfies FromWorker);
  parentPort!.on('message', (m: ToWorker) => {
    if ('words' in m) {
      index.adopt(m.words, true);
      return;
    }
    const done = m.batch.map(({ i, file }) => ({ i, outcome: checkOne(service, file, init.settings, init.maxFileBytes, index) }));
    parentPort!.postMessage({ done } satisfies FromWorker);
  });
}

if (!isMainThread && workerData && typeof workerData === 'object' && MARK in workerData) {
  const { init, shard } = (workerData as Record<string, { init: WorkerInit; shard: number[] }>)[MARK]!;
  workerMain(init, shard);
}
