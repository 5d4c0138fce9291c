/**
 * One reading of "the effective boolean" of a pgpool.conf (an invalid value counts as ON, a unique prefix is the word)
 * behind the TLS checks, the checks across parameters and what pgpoolConf's index.ts gives other languages; and one
 * declaration of the pgpool-conf rules.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { check, testService } from '../helpers';
import type { SourceDocument } from '../../server/src/core/types';
import { effectiveBool, effectiveSettings, pgpoolConfMode, settingBool } from '../../server/src/languages/pgpoolConf';
import { R, TLS, TLS_RULES, PGPOOL_CONF_RULES } from '../../server/src/languages/pgpoolConf/rules';
import { parsePgpoolConf } from '../../server/src/languages/pgpoolConf/parse';

const CONF = '/etc/pgpool-II/pgpool.conf';
const ON = ['on', 't', 'tr', 'TRUE', 'y', '1', 'enabled', 'maybe', "'o'"];
const OFF = ['off', 'of', 'f', 'FALSE', 'n', '0'];

const parse = (text: string) => {
  const doc: SourceDocument = { path: CONF, text, languageId: 'pgpool-conf' };
  return { doc, file: parsePgpoolConf(doc) };
};

test('ssl = t and ssl = enabled are ON for the TLS checks, like Pgpool-II; prefixes of off are OFF', () => {
  const service = testService();
  const tlsRules = (value: string) => check(service, CONF, `ssl = ${value}\n`, { checkFiles: false })
    .map(p => p.rule).filter(r => r.startsWith('pgpool-conf/ssl-')).sort();
  for (const v of ON) assert.deepEqual(tlsRules(v), ['pgpool-conf/ssl-cert-required', 'pgpool-conf/ssl-key-required'], v);
  for (const v of OFF) assert.deepEqual(tlsRules(v), [], v);
});

test('the exported readings of ssl agree with the TLS checks, with and without includes', () => {
  for (const v of [...ON, ...OFF]) {
    const { doc, file } = parse(`port = 9999\nssl = ${v}\n`);
    const alone = effectiveBool(file, 'ssl', false);
    const withIncludes = settingBool(effectiveSettings(doc.path, file, () => undefined), 'ssl', false);
    assert.equal(alone.value, ON.includes(v), v);
    assert.equal(withIncludes.value, alone.value, v);
    assert.equal(withIncludes.at?.a.key, 'ssl');
  }
  const { file } = parse('port = 9999\n');
  assert.deepEqual(effectiveBool(file, 'ssl', false), { value: false });
  assert.deepEqual(effectiveBool(file, 'ssl', true), { value: true });
});

test('the checks across parameters read booleans the same way (replication_mode = t)', () => {
  const rules = (text: string) => check(testService(), CONF, text).map(p => p.rule);
  assert.ok(rules('replication_mode = t\n').includes(R['quorum-in-native-replication'].id));
  assert.ok(rules('replication_mode = enabled\n').includes(R['quorum-in-native-replication'].id));
  assert.ok(!rules('replication_mode = of\n').includes(R['quorum-in-native-replication'].id));
});

test('the pgpool-conf rules are declared once: the mode registers both tables, each id once', () => {
  const ids = pgpoolConfMode.rules.map(r => r.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(pgpoolConfMode.rules, [...PGPOOL_CONF_RULES, ...TLS_RULES]);
  assert.equal(TLS['ssl-cert-required'].id, 'pgpool-conf/ssl-cert-required');
  assert.equal(R['syntax-error'].id, 'pgpool-conf/syntax-error');
  for (const r of TLS_RULES) assert.match(r.id, /^pgpool-conf\/ssl-/);
  for (const r of PGPOOL_CONF_RULES) assert.doesNotMatch(r.id, /^pgpool-conf\/ssl-/);
  // The registry holds the very objects the checks report with.
  const registered = new Map(testService().rules().map(r => [r.id, r]));
  for (const r of pgpoolConfMode.rules) assert.equal(registered.get(r.id), r, r.id);
});
