/**
 * The property-based fuzz suite (test/fuzz/), seeded and small: 2,000 cases in total, split among every language and
 * every standalone parser as in `npm run fuzz` (which runs 100,000 with a random seed). The invariants are in
 * test/fuzz/properties.ts and test/fuzz/standalone.ts; a failure prints the counterexample shrunk by fast-check.
 * The defects the fuzzer found are regular tests in fuzzRegressions.test.ts.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { failureReport, parameters, split, targets, type Target } from '../fuzz/suite';
import { makeWorld, type World } from '../fuzz/world';

const SEED = 20_260_513;
const CASES = 2000;

let world: World | undefined;
before(async () => { world = await makeWorld(); });
after(() => world?.cleanup());

test(`fuzz: ${CASES} seeded cases (seed ${SEED}) keep every invariant`, { timeout: 15 * 60_000 }, async t => {
  const all: Target[] = targets(world!);
  const counts = split(all, CASES);
  for (const [i, target] of all.entries()) {
    await t.test(`${target.name}: ${counts[i]} cases`, () => {
      const details = fc.check(target.property, parameters(SEED, i, counts[i]!));
      if (details.failed) assert.fail(failureReport(details));
    });
  }
});
