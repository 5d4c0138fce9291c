/**
 * The postgresql.conf parameter catalogue per version: facts of PostgreSQL 15, 16 and 17 that were checked against the
 * servers' own tables (pg_settings of the real 15.20, guc_tables.c of 16.2 with what later 16.x releases back-patched,
 * pg_settings and `postgres -C` of a real 17.12; see the header of scripts/gen-postgresql-catalogue.ts). Each test
 * names facts a wrong table would get wrong: additions, removals, the rename, range and default changes, the
 * parameters minor releases added, and the enum values.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildCatalogue } from '../../server/src/languages/postgresqlConf/catalogue';
import { check, testService } from '../helpers';

const json = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', 'postgresql-params.json'), 'utf8'));
const cat = buildCatalogue(json);
const service = testService();
const problems = (text: string, postgresVersion: number) =>
  check(service, '/nonexistent/pgtls/postgresql.conf', text, { checkFiles: true, postgresVersion }, 'postgresql-conf').filter(p => p.rule !== 'pgtls/path-not-checked');
const rules = (text: string, version: number) => problems(text, version).map(p => p.rule);
const UNKNOWN = 'postgresql-conf/unknown-parameter';
const count = (v: number) => cat.names.filter(n => cat.param(n, v)!.versions.includes(v)).length;

test('how many parameters each version has (pg_settings plus the ones it hides)', () => {
  assert.equal(count(15), 362);
  assert.equal(count(16), 371);
  assert.equal(count(17), 387);
});

test('parameters 16 added: unknown to 15, known to 16 and 17', () => {
  for (const line of ['scram_iterations = 8192', 'reserved_connections = 3', "createrole_self_grant = 'set, inherit'", 'gss_accept_delegation = on',
    'icu_validation_level = error', 'vacuum_buffer_usage_limit = 1MB', "debug_io_direct = 'data'", 'max_parallel_apply_workers_per_subscription = 4']) {
    const on15 = problems(`${line}\n`, 15);
    assert.deepEqual(on15.map(p => p.rule), [UNKNOWN], line);
    assert.match(on15[0]!.message, /exists from PostgreSQL 16 on, not in 15/, line);
    assert.deepEqual(rules(`${line}\n`, 16), [], line);
    assert.deepEqual(rules(`${line}\n`, 17), [], line);
  }
});

test('parameters 17 added: unknown to 15 and 16, known to 17', () => {
  for (const line of ['transaction_timeout = 5s', 'summarize_wal = on', 'io_combine_limit = 16', 'allow_alter_system = off', 'event_triggers = off',
    'notify_buffers = 32', 'transaction_buffers = 0', 'sync_replication_slots = on', "synchronized_standby_slots = 'a, b'", 'max_notify_queue_pages = 64']) {
    for (const v of [15, 16]) {
      const ps = problems(`${line}\n`, v);
      assert.deepEqual(ps.map(p => p.rule), [UNKNOWN], `${line} on ${v}`);
      assert.match(ps[0]!.message, new RegExp(`exists from PostgreSQL 17 on, not in ${v}`), line);
    }
    assert.deepEqual(rules(`${line}\n`, 17), [], line);
  }
  assert.deepEqual(rules('huge_pages_status = on\n', 17), ['postgresql-conf/read-only-parameter'], '17 reports it, nobody sets it');
  assert.deepEqual(rules('huge_pages_status = on\n', 16), [UNKNOWN]);
});

test('removals: 16 dropped five parameters, 17 three', () => {
  for (const line of ["promote_trigger_file = '/tmp/promote'", 'vacuum_defer_cleanup_age = 0']) {
    assert.deepEqual(rules(`${line}\n`, 15), [], line);
    const ps = problems(`${line}\n`, 16);
    assert.deepEqual(ps.map(p => p.rule), [UNKNOWN], line);
    assert.match(ps[0]!.message, /was removed in PostgreSQL 16/);
  }
  // lc_collate and lc_ctype were read-only reports in 15 and became per-database facts.
  assert.deepEqual(rules("lc_collate = 'C'\n", 15), ['postgresql-conf/read-only-parameter']);
  assert.deepEqual(rules("lc_collate = 'C'\n", 16), [UNKNOWN]);
  for (const line of ['db_user_namespace = off', 'old_snapshot_threshold = -1', 'trace_recovery_messages = log']) {
    assert.deepEqual(rules(`${line}\n`, 16), [], line);
    const ps = problems(`${line}\n`, 17);
    assert.deepEqual(ps.map(p => p.rule), [UNKNOWN], line);
    assert.match(ps[0]!.message, /was removed in PostgreSQL 17/);
  }
});

test('the rename: force_parallel_mode became debug_parallel_query in 16, with the same values', () => {
  assert.deepEqual(rules('force_parallel_mode = regress\n', 15), []);
  assert.deepEqual(rules('debug_parallel_query = regress\n', 15), [UNKNOWN]);
  const ps = problems('force_parallel_mode = regress\n', 16);
  assert.deepEqual(ps.map(p => p.rule), [UNKNOWN]);
  assert.match(ps[0]!.message, /PostgreSQL 16 renamed "force_parallel_mode" to "debug_parallel_query"/);
  for (const v of [16, 17]) {
    assert.deepEqual(rules('debug_parallel_query = yes\n', v), [], 'a hidden spelling of on');
    assert.deepEqual(rules('debug_parallel_query = always\n', v), ['postgresql-conf/invalid-enum']);
  }
  assert.deepEqual(cat.param('debug_parallel_query', 16)!.enum, cat.param('force_parallel_mode', 15)!.enum);
});

test('ranges and defaults that changed: maintenance_work_mem from 64 kB in 17, vacuum_buffer_usage_limit 2 MB', () => {
  assert.deepEqual(rules('maintenance_work_mem = 64kB\n', 15), ['postgresql-conf/out-of-range']);
  assert.deepEqual(rules('maintenance_work_mem = 64kB\n', 16), ['postgresql-conf/out-of-range']);
  assert.deepEqual(rules('maintenance_work_mem = 64kB\n', 17), []);
  assert.deepEqual(rules('maintenance_work_mem = 63kB\n', 17), ['postgresql-conf/out-of-range']);
  assert.equal(cat.param('maintenance_work_mem', 16)!.min, 1024);
  assert.equal(cat.param('maintenance_work_mem', 17)!.min, 64);
  assert.equal(cat.param('vacuum_buffer_usage_limit', 16)!.default, '256');
  assert.equal(cat.param('vacuum_buffer_usage_limit', 17)!.default, '2048');
  const notify = cat.param('notify_buffers', 17)!;
  assert.deepEqual([notify.unit, notify.min, notify.max, notify.context, notify.default], ['8kB', 16, 131072, 'postmaster', '16']);
  assert.deepEqual(rules('notify_buffers = 8\n', 17), ['postgresql-conf/out-of-range'], '17.12: "8 8kB is outside the valid range"');
  assert.deepEqual(rules('io_combine_limit = 33\n', 17), ['postgresql-conf/out-of-range'], 'at most 32 blocks');
  assert.deepEqual([cat.param('scram_iterations', 16)!.min, cat.param('scram_iterations', 16)!.default], [1, '4096']);
  assert.equal(cat.param('tcp_keepalives_idle', 15)!.group, 'Connections and Authentication / Connection Settings');
  assert.equal(cat.param('tcp_keepalives_idle', 16)!.group, 'Connections and Authentication / TCP Settings');
  assert.equal(cat.param('server_version', 17)!.default, '17.x', 'not the 15 server the catalogue was generated on');
});

test('parameters minor releases added: composite_type_mismatch in all three, file_extend_method in 16 and 17', () => {
  for (const v of [15, 16, 17]) {
    assert.deepEqual(rules('composite_type_mismatch = warn\n', v), [], `on ${v} (15.20 and 17.12 both have it)`);
    assert.deepEqual(rules('output_plugin_libraries = pgoutput\n', v), []);
  }
  assert.deepEqual(rules('file_extend_method = write_zeros\n', 15), [UNKNOWN]);
  for (const v of [16, 17]) {
    assert.deepEqual(rules('file_extend_method = write_zeros\n', v), []);
    assert.deepEqual(rules('file_extend_method = on\n', v), ['postgresql-conf/invalid-enum'], '17.12: "Available values: posix_fallocate, write_zeros"');
    assert.equal(cat.param('file_extend_method', v)!.context, 'sighup');
  }
});

test('enum values: no enum of 15 changed its values in 16 or 17; the new enums have theirs, hidden ones included', () => {
  for (const name of cat.names) {
    const p15 = cat.param(name, 15)!;
    if (p15.type !== 'enum' || !p15.versions.includes(15)) continue;
    for (const v of [16, 17].filter(x => p15.versions.includes(x))) {
      assert.deepEqual(cat.param(name, v)!.enum, p15.enum, `${name} on ${v}`);
      assert.deepEqual(cat.param(name, v)!.hidden, p15.hidden, `${name} on ${v}`);
    }
  }
  assert.deepEqual(cat.param('icu_validation_level', 16)!.hidden, ['debug', 'info']);
  assert.deepEqual(rules('icu_validation_level = info\n', 16), []);
  assert.deepEqual(rules('icu_validation_level = fatal\n', 16), ['postgresql-conf/invalid-enum']);
  assert.deepEqual(cat.param('debug_logical_replication_streaming', 16)!.enum, ['buffered', 'immediate']);
  assert.deepEqual(cat.param('huge_pages_status', 17)!.enum, ['off', 'on', 'unknown']);
});
