/**
 * `npm run fuzz`: the property-based fuzz suite at full size (100,000 cases split among the targets of suite.ts).
 *
 *   FUZZ_SEED=n    the run's seed (default: a random one, printed first); the same seed replays the same cases
 *   FUZZ_CASES=n   the total number of cases (default 100000)
 *   FUZZ_ONLY=s    only the targets whose name contains s
 *
 * A broken property prints its counterexample shrunk by fast-check (with the seed and path that replay it) and the
 * run ends with exit code 1 after the other targets ran.
 */
import fc from 'fast-check';
import { failureReport, parameters, split, targets } from './suite';
import { makeWorld } from './world';

async function main(): Promise<number> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  const total = process.env.FUZZ_CASES ? Number(process.env.FUZZ_CASES) : 100_000;
  if (!Number.isInteger(seed) || !Number.isInteger(total) || total < 1) {
    console.error('FUZZ_SEED and FUZZ_CASES must be integers');
    return 2;
  }
  console.log(`pgtls fuzz: seed ${seed} (replay with FUZZ_SEED=${seed} npm run fuzz), ${total} cases`);
  const world = await makeWorld();
  try {
    const all = targets(world);
    const counts = split(all, total);
    const only = process.env.FUZZ_ONLY;
    let failed = 0, cases = 0;
    const start = performance.now();
    for (const [i, t] of all.entries()) {
      if (only && !t.name.includes(only)) continue;
      const t0 = performance.now();
      const details = fc.check(t.property, parameters(seed, i, counts[i]!));
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      cases += details.numRuns;
      if (details.failed) {
        failed++;
        console.log(`✗ ${t.name}: failed after ${details.numRuns} cases (${secs} s)`);
        console.log(failureReport(details));
        console.log(`  replay this target: FUZZ_SEED=${seed} FUZZ_ONLY='${t.name}' npm run fuzz\n`);
      } else {
        console.log(`✓ ${t.name}: ${details.numRuns} cases (${secs} s)`);
      }
    }
    const secs = ((performance.now() - start) / 1000).toFixed(0);
    console.log(`\n${cases} cases in ${secs} s, seed ${seed}: ${failed ? `${failed} target(s) failed` : 'every property held'}`);
    return failed ? 1 : 0;
  } finally {
    world.cleanup();
  }
}

main().then(code => process.exit(code), e => { console.error(e); process.exit(1); });
