/**
 * The fuzz targets and how a run splits its cases among them. One target per language (its documents through the
 * façade and the mode, properties.ts) and one per standalone parser (standalone.ts). Both the seeded part of
 * `npm test` (test/unit/fuzz.test.ts) and `npm run fuzz` (run.ts) run this list; a target's seed is the run's seed
 * plus the target's index, so `FUZZ_SEED=s FUZZ_ONLY=name` replays one target of a run.
 */
import fc from 'fast-check';
import { SUPPORTED_PGPOOL_VERSIONS, SUPPORTED_POSTGRES_VERSIONS } from '../../server/src/core/settings';
import { DEFAULT_SETTINGS, type LanguageId, type Settings } from '../../server/src/core/types';
import { RULES } from '../../server/src/languages/registry';
import { catalogue } from './corpus';
import { lineArbitrary } from './lines';
import { checkCase, FuzzContext, type FuzzCase } from './properties';
import { standaloneTargets } from './standalone';
import { documentArb, mutationArb } from './text';
import type { World } from './world';
import { yamlFileArb } from './yaml';

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

export interface Target {
  name: string;
  /** Relative share of a run's cases (the documents of a language cost more than a call of a scanner). */
  share: number;
  property: fc.IPropertyWithHooks<[unknown]>;
}

function settingsArb(): fc.Arbitrary<Settings> {
  const ids = [...RULES.keys()].sort();
  return fc.record({
    pgpoolVersion: pick(SUPPORTED_PGPOOL_VERSIONS),
    postgresVersion: pick(SUPPORTED_POSTGRES_VERSIONS),
    pgbouncerVersion: pick(catalogue().pgbouncerVersions),
    checkFiles: fc.oneof(w(4, fc.constant(true)), w(1, fc.constant(false))),
    maxProblems: fc.oneof(w(6, fc.constant(1000)), w(1, fc.integer({ min: 1, max: 4 }))),
    reportYamlSyntax: pick(['auto', 'always', 'never'] as const),
    rules: fc.oneof(w(6, fc.constant({})), w(1, fc.dictionary(pick(ids), pick(['off', 'error', 'warning', 'info'] as const), { maxKeys: 3 }))),
  }).map(s => ({ ...DEFAULT_SETTINGS, ...s }));
}

/** Languages and their shares of a run (YAML costs most per case; pool_passwd and userlist.txt least). */
const LANGUAGES: [LanguageId, number][] = [
  ['pgpool-conf', 13], ['postgresql-conf', 11], ['pgbouncer-ini', 10], ['pool-hba', 7], ['pg-hba', 8], ['pgbouncer-hba', 6], ['pg-ident', 6],
  ['pool-passwd', 4], ['pgbouncer-userlist', 4], ['yaml', 16],
];

export function targets(world: World): Target[] {
  const ctx = new FuzzContext(world);
  const settings = settingsArb();
  const out: Target[] = LANGUAGES.map(([languageId, share]) => {
    const text = languageId === 'yaml' ? yamlFileArb(world) : documentArb(lineArbitrary(languageId));
    const arb: fc.Arbitrary<FuzzCase> = fc.record({
      languageId: fc.constant(languageId), text, inWorld: fc.boolean(), settings,
      offsets: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), edit: mutationArb, range: fc.tuple(fc.nat(), fc.nat()),
    });
    return { name: languageId, share, property: fc.property(arb, c => { checkCase(ctx, c); }) as unknown as fc.IPropertyWithHooks<[unknown]> };
  });
  const standalone = standaloneTargets(world);
  for (const t of standalone) out.push({ name: t.name, share: 15 / standalone.length, property: t.property });
  return out;
}

/** The cases of each target when a run has `total` cases (at least one each). */
export function split(list: readonly Target[], total: number): number[] {
  const sum = list.reduce((s, t) => s + t.share, 0);
  return list.map(t => Math.max(1, Math.round((total * t.share) / sum)));
}

/** The seed of the i-th target of a run. */
export const targetSeed = (seed: number, i: number): number => (seed + i * 7919) | 0;

/** The parameters fast-check runs a target with. */
export function parameters(seed: number, i: number, numRuns: number): fc.Parameters<[unknown]> {
  return { seed: targetSeed(seed, i), numRuns, endOnFailure: false, verbose: 0 };
}

/** What a failed run says: fast-check's report (the shrunk counterexample, the seed and path that replay it) and the broken invariant. */
export function failureReport(details: fc.RunDetails<[unknown]>): string {
  const e = details.errorInstance;
  return `${fc.defaultReportMessage(details) ?? ''}\n  broken: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
}
