/**
 * The HBA rule tables: one list of definitions, two dialect tables, and rule names that are checked by the compiler.
 * The `@ts-expect-error` lines are the type-level test: `npm run check` (tsc over test/) fails if a misspelt rule name,
 * or a rule of the other dialect, ever type-checks again.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PG_HBA, PG_HBA_RULES, POOL_HBA, POOL_HBA_RULES, rulesFor, type HbaRuleName } from '../../server/src/languages/hba/rules';

test('hba rule names are checked by the compiler', () => {
  // @ts-expect-error a misspelt rule name is not an HbaRuleName
  const misspelt: HbaRuleName = 'no-such-rule-at-all';
  // @ts-expect-error nor does it index a table
  const fromTable = POOL_HBA['md5-methd'];
  // @ts-expect-error a pool_hba.conf-only rule is not in the pg_hba.conf table
  const otherDialect = PG_HBA['token-too-long'];
  // @ts-expect-error the table of either dialect only has the rules both dialects share
  const notShared = rulesFor('postgres')['hba-disabled'];
  assert.equal(misspelt, 'no-such-rule-at-all');
  assert.deepEqual([fromTable, otherDialect, notShared], [undefined, undefined, undefined]);
  const shared: HbaRuleName = 'md5-method';
  assert.equal(rulesFor('pgpool')[shared], POOL_HBA['md5-method']);
  assert.equal(rulesFor('postgres')[shared], PG_HBA['md5-method']);
});

test('a rule exists in a dialect when it has a description for it; ids carry the dialect scope', () => {
  assert.equal(POOL_HBA['md5-method'].id, 'pool-hba/md5-method');
  assert.equal(PG_HBA['md5-method'].id, 'pg-hba/md5-method');
  assert.equal(POOL_HBA['md5-method'].description, PG_HBA['md5-method'].description, 'a "both" description');
  assert.notEqual(POOL_HBA['invalid-method'].description, PG_HBA['invalid-method'].description, 'one description per dialect');
  assert.ok(POOL_HBA['hba-disabled'] && !('hba-disabled' in PG_HBA), 'pgpool.conf rules are pool_hba.conf-only');
  assert.ok(PG_HBA['include-needs-pg16'] && !('include-needs-pg16' in POOL_HBA), 'PostgreSQL 16 rules are pg_hba.conf-only');
  assert.deepEqual(POOL_HBA_RULES.map(r => r.id), Object.values(POOL_HBA).map(r => r.id));
  assert.deepEqual(PG_HBA_RULES.map(r => r.id), Object.values(PG_HBA).map(r => r.id));
  assert.ok(POOL_HBA_RULES.every(r => r.id.startsWith('pool-hba/') && r.source.startsWith('Pgpool-II')));
  assert.ok(PG_HBA_RULES.every(r => r.id.startsWith('pg-hba/') && r.source.startsWith('PostgreSQL')));
});
