/**
 * `npm run fuzz`: the property-based fuzz suite at full size (100,000 cases split among the targets of suite.ts).
 *
 *   FUZZ_SEED=n    the run's seed (default: a random one, printed first); the same seed replays the same cases
 *   FUZZ_CASES=n   the total number of cases (default 100000)
 *   FUZZ_ONLY=s    only the targets whose name contains s
 *   FUZZ_JOBS=n    processes that share the targets (default 2, at most the number of CPUs); the cases a target runs
 *                  do not depend on it
 *
 * A broken property prints its counterexample shrunk by fast-check (with the seed and path that replay it) and the
 * run ends with exit code 1 after the other targets ran.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import fc from 'fast-check';
import { failureReport, parameters, split, targets } from './suite';
import { makeWorld } from './world';

/** Rough milliseconds per case of each target, to share the targets among the processes (longest first). */
const COST: Record<string, number> = { 'pgpool-conf': 100, 'postgresql-conf': 110, yaml: 30 };

/** Runs the targets whose index is in `mine`; prints a line per target and a last `FUZZ-RESULT cases failed` line. */
async function runPart(seed: number, total: number, mine: ReadonlySet<number> | undefined): Promise<{ cases: number; failed: number }> {
  const world = await makeWorld();
  try {
    const all = targets(world);
    const counts = split(all, total);
    const only = process.env.FUZZ_ONLY;
    let failed = 0, cases = 0;
    for (const [i, t] of all.entries()) {
      if ((only && !t.name.includes(only)) || (mine && !mine.has(i))) continue;
      const t0 = performance.now();
      const details = fc.check(t.property, parameters(seed, i, counts[i]!));
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      cases += details.numRuns;
      if (details.failed) {
        failed++;
        console.log(`✗ ${t.name}: failed after ${details.numRuns} cases (${secs} s)\n${failureReport(details)}\n  replay this target: FUZZ_SEED=${seed} FUZZ_ONLY='${t.name}' npm run fuzz\n`);
      } else {
        console.log(`✓ ${t.name}: ${details.numRuns} cases (${secs} s)`);
      }
    }
    return { cases, failed };
  } finally {
    world.cleanup();
  }
}

/** The target indexes of each of `jobs` processes: the costliest targets first, each to the least loaded process. */
async function partition(total: number, jobs: number): Promise<number[][]> {
  const world = await makeWorld();
  try {
    const all = targets(world);
    const counts = split(all, total);
    const load = new Array<number>(jobs).fill(0);
    const parts: number[][] = Array.from({ length: jobs }, () => []);
    const order = all.map((t, i) => ({ i, cost: counts[i]! * (COST[t.name] ?? 15) })).sort((a, b) => b.cost - a.cost);
    for (const { i, cost } of order) {
      const k = load.indexOf(Math.min(...load));
      parts[k]!.push(i);
      load[k]! += cost;
    }
    return parts;
  } finally {
    world.cleanup();
  }
}

async function main(): Promise<number> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  const total = process.env.FUZZ_CASES ? Number(process.env.FUZZ_CASES) : 100_000;
  if (!Number.isInteger(seed) || !Number.isInteger(total) || total < 1) {
    console.error('FUZZ_SEED and FUZZ_CASES must be integers');
    return 2;
  }
  const part = process.env.FUZZ_PART;
  if (part !== undefined) {
    const r = await runPart(seed, total, new Set(part.split(',').filter(Boolean).map(Number)));
    console.log(`FUZZ-RESULT ${r.cases} ${r.failed}`);
    return r.failed ? 1 : 0;
  }
  const jobs = Math.max(1, Math.min(Number(process.env.FUZZ_JOBS ?? 2) || 1, os.availableParallelism()));
  console.log(`pgtls fuzz: seed ${seed} (replay with FUZZ_SEED=${seed} npm run fuzz), ${total} cases, ${jobs} process(es)`);
  const start = performance.now();
  let cases = 0, failed = 0;
  if (jobs === 1) ({ cases, failed } = await runPart(seed, total, undefined));
  else {
    const parts = await partition(total, jobs);
    const results = await Promise.all(parts.map(p => new Promise<{ cases: number; failed: number }>(resolve => {
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!], {
        env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_CASES: String(total), FUZZ_PART: p.join(',') }, stdio: ['ignore', 'pipe', 'inherit'],
      });
      let tail = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        const text = tail + chunk;
        const lines = text.split('\n');
        tail = lines.pop()!;
        for (const l of lines) if (!l.startsWith('FUZZ-RESULT ')) console.log(l);
        const m = /^FUZZ-RESULT (\d+) (\d+)$/m.exec(text);
        if (m) resolve({ cases: Number(m[1]), failed: Number(m[2]) });
      });
      child.on('close', code => resolve({ cases: 0, failed: code === 0 ? 0 : 1 }));
    })));
    for (const r of results) { cases += r.cases; failed += r.failed; }
  }
  const secs = ((performance.now() - start) / 1000).toFixed(0);
  console.log(`\n${cases} cases in ${secs} s, seed ${seed}: ${failed ? `${failed} target(s) failed` : 'every property held'}`);
  return failed ? 1 : 0;
}

main().then(code => process.exit(code), e => { console.error(e); process.exit(1); });
