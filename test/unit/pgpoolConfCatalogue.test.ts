/**
 * The pgpool.conf parameter catalogue: generated from the reference table (and only its facts), version-dependent
 * facts, and key lookup the way Pgpool-II resolves array parameters.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, SCHEMAS, testEnv } from '../helpers';
import { buildCatalogue, catalogueOf, normalizeVersion } from '../../server/src/languages/pgpoolConf/catalogue';
import { ARRAY_PARAMS } from '../../server/src/languages/pgpoolConf/parse';
import { CATALOGUE_PATH, generate, render } from '../../scripts/gen-pgpool-catalogue';

const TSV = path.resolve(ROOT, '..', 'shared', 'reference', 'pgpool-params.tsv');
const hasTsv = fs.existsSync(TSV);
const json = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'pgpool-params.json'), 'utf8'));
const cat = buildCatalogue(json);

test('the catalogue is what the generator makes of the reference table', { skip: hasTsv ? false : 'reference table not present' }, () => {
  assert.equal(path.resolve(CATALOGUE_PATH), path.join(SCHEMAS, 'pgpool-params.json'));
  assert.equal(render(generate(TSV)), fs.readFileSync(CATALOGUE_PATH, 'utf8'), 'run scripts/gen-pgpool-catalogue.ts');
});

test('the catalogue carries facts only, never the upstream description column', { skip: hasTsv ? false : 'reference table not present' }, () => {
  const text = fs.readFileSync(CATALOGUE_PATH, 'utf8');
  const rows = fs.readFileSync(TSV, 'utf8').split('\n').slice(1).filter(Boolean);
  for (const row of rows) {
    const description = row.split('\t').pop()!.trim();
    if (description.length > 12) assert.ok(!text.includes(description), `description copied: ${description}`);
  }
  for (const p of Object.values(json.params) as Record<string, unknown>[]) {
    assert.deepEqual(Object.keys(p).filter(k => /desc|doc/i.test(k)), []);
  }
});

test('parameter counts per version match the reference (§2)', () => {
  const count = (v: string): number => cat.names.filter(n => cat.inVersion(n, v)).length;
  assert.equal(cat.names.length, 187);
  assert.deepEqual(['4.3', '4.4', '4.5', '4.6', '4.7'].map(count), [167, 177, 179, 180, 186]);
});

test('version-dependent facts resolve per version', () => {
  assert.equal(cat.param('listen_addresses', '4.3')!.type, 'string');
  assert.equal(cat.param('listen_addresses', '4.3')!.listSeparator, undefined);
  assert.equal(cat.param('listen_addresses', '4.4')!.type, 'list');
  assert.equal(cat.param('listen_addresses', '4.4')!.listSeparator, ',');
  assert.equal(cat.param('pcp_socket_dir', '4.4')!.type, 'string');
  assert.equal(cat.param('pcp_socket_dir', '4.5')!.type, 'list');
  assert.equal(cat.param('delay_threshold_by_time', '4.4')!.unit, 's');
  assert.equal(cat.param('delay_threshold_by_time', '4.5')!.unit, 'ms');
  assert.ok(cat.param('backend_clustering_mode', '4.6')!.enum!.includes('slony'));
  assert.ok(!cat.param('backend_clustering_mode', '4.7')!.enum!.includes('slony'));
  assert.equal(cat.param('health_check_user', '4.5')!.default, 'nobody');
  assert.equal(cat.param('health_check_user', '4.6')!.default, '');
  assert.equal(cat.param('failover_on_backend_shutdown', '4.3')!.default, 'on');
  assert.equal(cat.param('failover_on_backend_shutdown', '4.4')!.default, 'off');
  assert.equal(cat.param('log_pcp_processes', '4.6')!.default, 'on');
  assert.equal(cat.param('log_pcp_processes', '4.7')!.default, 'off');
  assert.equal(cat.param('log_rotation_age', '4.5')!.changeBy, 'restart');
  assert.equal(cat.param('log_rotation_age', '4.6')!.changeBy, 'reload');
  assert.equal(cat.param('reset_query_list', '4.6')!.listSeparator, ';');
  assert.equal(cat.param('num_init_children', '4.6')!.max, 2147483647);
  assert.equal(cat.param('unix_socket_permissions', '4.6')!.max, 0o777);
  assert.equal(cat.param('client_idle_limit_in_recovery', '4.6')!.min, -1);
  assert.equal(cat.param('database_redirect_preference_list', '4.6')!.defaultUnset, true);
  assert.ok(!cat.inVersion('socket_dir', '4.4'));
  assert.ok(cat.inVersion('socket_dir', '4.3'));
  assert.ok(!cat.inVersion('log_backend_messages', '4.5'));
  assert.ok(cat.inVersion('log_backend_messages', '4.6'));
  // outside its versions a parameter is described as it was in its nearest version
  assert.equal(cat.param('socket_dir', '4.6')!.versions.join(), '4.3');
});

test('key lookup follows Pgpool-II: exact names, then array names with a digits-only suffix', () => {
  assert.deepEqual(cat.lookup('port'), { kind: 'plain', name: 'port' });
  assert.deepEqual(cat.lookup('backend_hostname0'), { kind: 'indexed', name: 'backend_hostname', index: 0, indexText: '0' });
  assert.deepEqual(cat.lookup('backend_port00'), { kind: 'indexed', name: 'backend_port', index: 0, indexText: '00' });
  assert.deepEqual(cat.lookup('heartbeat_port255'), { kind: 'indexed', name: 'heartbeat_port', index: 255, indexText: '255' });
  assert.deepEqual(cat.lookup('backend_hostname0x'), { kind: 'bad-index', name: 'backend_hostname', suffix: '0x' });
  assert.deepEqual(cat.lookup('hostnamefoo'), { kind: 'bad-index', name: 'hostname', suffix: 'foo' });
  assert.deepEqual(cat.lookup('backend_port'), { kind: 'missing-index', name: 'backend_port' });
  assert.deepEqual(cat.lookup('health_check_period'), { kind: 'no-index', name: 'health_check_period' });
  assert.deepEqual(cat.lookup('connect_timeout'), { kind: 'no-index', name: 'connect_timeout' });
  assert.deepEqual(cat.lookup('Port'), { kind: 'unknown' });
  assert.equal(cat.param('backend_port', '4.6')!.indexRange!.join(), '0,127');
  assert.equal(cat.param('heartbeat_hostname', '4.6')!.indexRange!.join(), '0,255');
});

test('the parser\'s array list equals the catalogue\'s array parameters', () => {
  const arrays = cat.names.filter(n => cat.param(n, '4.6')!.array).sort();
  assert.deepEqual([...ARRAY_PARAMS].sort(), arrays);
});

test('versions are normalised to the supported major.minor', () => {
  assert.equal(normalizeVersion('4.6'), '4.6');
  assert.equal(normalizeVersion('4.6.7'), '4.6');
  assert.equal(normalizeVersion('4.2'), '4.3');
  assert.equal(normalizeVersion('5.0'), '4.7');
  assert.equal(normalizeVersion('garbage'), '4.7');
});

test('descriptions are optional: a missing or partial docs file falls back to nothing', () => {
  const env = testEnv({
    loadJson: (name: string) => {
      if (name === 'pgpool-param-docs.json') throw new Error('absent');
      return json;
    },
  });
  const c = catalogueOf(env);
  assert.equal(c.docs('port'), undefined);
  assert.ok(c.param('port', '4.6'));
  const partial = catalogueOf(testEnv({ loadJson: (name: string) => (name === 'pgpool-param-docs.json' ? { port: 'Our words.', ssl: 42 } : json) }));
  assert.equal(partial.docs('port'), 'Our words.');
  assert.equal(partial.docs('ssl'), undefined);
  assert.strictEqual(catalogueOf(env), c, 'loaded once per environment');
});
