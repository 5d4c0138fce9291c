/**
 * The one way to declare and report rules (server/src/core/rules.ts). The `@ts-expect-error` lines are type-level
 * tests: `npm run check` (tsc over test/) fails if a misspelt rule name, or a rule id string handed to a reporter,
 * ever type-checks again.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ValidateContext } from '../../server/src/core/language';
import { defineRules, shiftFinding, toFinding } from '../../server/src/core/rules';
import { R, TLS } from '../../server/src/languages/pgpoolConf/rules';
import { PGPOOL } from '../../server/src/languages/k8s/rules';
import { CERT } from '../../server/src/x509';

test('rule names are checked by the compiler in every language, and reporters take rules, not id strings', () => {
  // @ts-expect-error a misspelt pgpool.conf rule
  const a = R['syntax-eror'];
  // @ts-expect-error a TLS rule is not in the parameter table
  const b = R['ssl-cert-required'];
  // @ts-expect-error a misspelt KubeDB rule
  const c = PGPOOL['inline-sll'];
  // @ts-expect-error a misspelt certificate rule
  const d = CERT['weak-kye'];
  assert.deepEqual([a, b, c, d], [undefined, undefined, undefined, undefined]);
  const report: ValidateContext['report'] = () => undefined;
  // @ts-expect-error an id string is not a rule
  report('pgpool-conf/duplicate', [0, 1], 'message');
  report(R.duplicate, [0, 1], 'message');
  assert.equal(TLS['ssl-cert-required'].id, 'pgpool-conf/ssl-cert-required');
  assert.equal(CERT['weak-key'].id, 'cert/weak-key');
});

test('defineRules: ids are scope/name, the tables are frozen, names must be kebab-case', () => {
  const T = defineRules('demo', { 'a-rule': { severity: 'warning', description: 'A demo rule.', source: 'here' } });
  assert.equal(T['a-rule'].id, 'demo/a-rule');
  assert.ok(Object.isFrozen(T) && Object.isFrozen(T['a-rule']));
  assert.throws(() => defineRules('demo', { NotKebab: { severity: 'hint', description: 'x', source: 'y' } }), /kebab-case/);
});

test('toFinding keeps every extra (tags, related places, fixes, severity) and drops empty lists; shiftFinding moves spans, edits and command offsets', () => {
  const f = toFinding(R.duplicate, [2, 5], 'm', {
    severity: 'info', tags: ['unnecessary'], fixes: [{ title: 't', edits: [{ span: [2, 5], newText: '' }], command: { title: 'c', command: 'x', arguments: [{ offset: 3 }, 'keep'] } }],
    related: [{ file: '/other', span: [1, 2], message: 'r' }],
  });
  assert.deepEqual(f.tags, ['unnecessary']);
  assert.equal(f.severity, 'info');
  assert.equal(f.related?.length, 1);
  assert.deepEqual(Object.keys(toFinding(R.duplicate, [0, 0], 'm', { fixes: [], tags: [] })).sort(), ['message', 'rule', 'span']);
  const moved = shiftFinding(f, 100);
  assert.deepEqual(moved.span, [102, 105]);
  assert.deepEqual(moved.fixes![0]!.edits[0]!.span, [102, 105]);
  assert.deepEqual(moved.fixes![0]!.command!.arguments, [{ offset: 103 }, 'keep']);
  assert.deepEqual(moved.related, f.related, 'related places name their own file and do not move');
  assert.deepEqual(moved.tags, ['unnecessary']);
});
