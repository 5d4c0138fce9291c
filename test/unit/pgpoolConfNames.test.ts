/**
 * What each Pgpool-II version does with a name (names.ts, history.ts): the set of names a version reports as
 * unrecognised is exactly the set pgtls reports as `unknown-parameter`, proven here from the per-version facts of the
 * reference table for 4.3–4.7 (the differential test proves it for 4.3.5 against the real binary); every message says
 * what the selected version does; and "did you mean" proposes only names of that version that differ by spelling.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, SCHEMAS, check, testService } from '../helpers';
import { editDistance } from '../../server/src/core/text';
import { DEFAULT_SETTINGS, type Problem, type Settings, type SourceDocument } from '../../server/src/core/types';
import { ALIASES, buildCatalogue } from '../../server/src/languages/pgpoolConf/catalogue';
import { FOREIGN_NAMES, OLD_NAMES, OLD_VALUES, RENAMED_IN_RANGE, SINCE_MINOR } from '../../server/src/languages/pgpoolConf/history';
import { isCurrentName, nameStatus, spellingCost, suggestNames } from '../../server/src/languages/pgpoolConf/names';
import { ARRAY_PARAMS } from '../../server/src/languages/pgpoolConf/parse';

const VERSIONS = ['4.3', '4.4', '4.5', '4.6', '4.7'];
const cat = buildCatalogue(JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'pgpool-params.json'), 'utf8')));
const TSV = path.resolve(ROOT, '..', 'shared', 'reference', 'pgpool-params.tsv');
const hasTsv = fs.existsSync(TSV);

/** The reference table's rows: name, whether it is per node, and the in_4.x columns. */
function tsvRows(): { name: string; indexed: boolean; noIndex: boolean; in: Record<string, boolean> }[] {
  const [header, ...rows] = fs.readFileSync(TSV, 'utf8').split('\n').filter(Boolean).map(l => l.split('\t'));
  const col = (n: string): number => header!.indexOf(n);
  return rows.map(r => ({
    name: r[col('name')]!,
    indexed: r[col('indexed')]! !== '',
    noIndex: r[col('indexed')]!.includes('no-index'),
    in: Object.fromEntries(VERSIONS.map(v => [v, r[col(`in_${v}`)] === 'y'])),
  }));
}

/**
 * The keys to try for a set of parameter facts: each name as Pgpool-II users write it (per-node names with a node
 * number; the health-check family also bare), the old names (per-node ones with a number), the foreign names.
 */
function universe(rows: { name: string; indexed: boolean; noIndex: boolean }[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) {
    if (r.indexed) { keys.add(`${r.name}0`); keys.add(`${r.name}12`); if (r.noIndex) keys.add(r.name); } else keys.add(r.name);
  }
  for (const [n, r] of Object.entries(OLD_NAMES)) keys.add(r.perNode ? `${n}0` : n);
  for (const n of Object.keys(FOREIGN_NAMES)) keys.add(n);
  return [...keys];
}

const unknownSet = (keys: readonly string[], v: string): string[] => keys.filter(k => nameStatus(cat, k, v).kind === 'unknown').sort();

/** Expected from the facts alone: a key is unrecognised ⇔ its parameter is not in that version's column, or it is an old or foreign name. */
function expectedUnknown(rows: ReturnType<typeof tsvRows>, keys: readonly string[], v: string): string[] {
  const present = new Set(rows.filter(r => r.in[v]).map(r => r.name));
  const arrays = rows.filter(r => r.indexed).map(r => r.name);
  return keys.filter(k => {
    if (present.has(k)) return false;
    const arr = arrays.find(a => k.startsWith(a) && /^[0-9]+$/.test(k.slice(a.length)));
    return !(arr && present.has(arr));
  }).sort();
}

test('for every version, the unrecognised names are exactly the names not in that version plus the old and foreign names (reference table)', { skip: hasTsv ? false : 'reference table not present' }, () => {
  const rows = tsvRows();
  const keys = universe(rows);
  assert.ok(keys.length > 230, `${keys.length} keys`);
  for (const v of VERSIONS) {
    assert.deepEqual(unknownSet(keys, v), expectedUnknown(rows, keys, v), `Pgpool-II ${v}`);
  }
  // The old names are in no version's table, and what replaced them is in every version's.
  const all = new Set(rows.map(r => r.name));
  for (const [n, r] of Object.entries(OLD_NAMES)) {
    assert.ok(!all.has(n), `${n} is an old name but in the table`);
    if (r.successor) for (const v of VERSIONS) assert.ok(rows.find(x => x.name === r.successor)?.in[v], `${n} → ${r.successor} in ${v}`);
  }
  for (const n of Object.keys(FOREIGN_NAMES)) assert.ok(!all.has(n), `${n} is a Pgpool-II name`);
  // A rename inside 4.3–4.7: the old name stops (or becomes an alias) exactly where the new one starts.
  for (const [old, r] of Object.entries(RENAMED_IN_RANGE)) {
    const o = rows.find(x => x.name === old)!;
    const nw = rows.find(x => x.name === r.successor)!;
    for (const v of VERSIONS) assert.equal(nw.in[v], v >= r.in, `${r.successor} in ${v}`);
    for (const v of VERSIONS) assert.equal(o.in[v] && !(ALIASES[old] && v >= ALIASES[old]!.since), v < r.in, `${old} itself in ${v}`);
  }
});

test('the same proof from the generated catalogue, which CI always has', () => {
  const rows = cat.names.map(n => {
    const p = cat.param(n, '4.7')!;
    return { name: n, indexed: p.array, noIndex: p.noIndexDefault, in: Object.fromEntries(VERSIONS.map(v => [v, cat.inVersion(n, v)])) };
  });
  const keys = universe(rows);
  for (const v of VERSIONS) assert.deepEqual(unknownSet(keys, v), expectedUnknown(rows, keys, v), `Pgpool-II ${v}`);
  const counts = VERSIONS.map(v => unknownSet(keys, v).length);
  // 4.3 lacks the 20 names added later; each later version fewer, plus socket_dir from 4.4 on.
  assert.deepEqual(counts.map(c => c - Object.keys(OLD_NAMES).length - Object.keys(FOREIGN_NAMES).length), [20, 10, 8, 7, 1]);
});

test('Pgpool-II finds a per-node parameter by prefix: no name starts with a per-node name, so the order of its table does not matter', () => {
  for (const n of [...cat.names, ...Object.keys(OLD_NAMES), ...Object.keys(FOREIGN_NAMES)]) {
    for (const a of ARRAY_PARAMS) if (n !== a) assert.ok(!n.startsWith(a), `${n} starts with ${a}`);
  }
});

test('aliases: applied under the new name from the version they became aliases, the parameter itself before', () => {
  const kinds = (key: string) => VERSIONS.map(v => nameStatus(cat, key, v).kind);
  assert.deepEqual(kinds('fail_over_on_backend_error'), ['alias', 'alias', 'alias', 'alias', 'alias']);
  assert.deepEqual(kinds('delegate_IP'), ['applied', 'alias', 'alias', 'alias', 'alias']);
  assert.deepEqual(kinds('logdir'), ['applied', 'applied', 'applied', 'applied', 'alias']);
  assert.deepEqual(kinds('delegate_ip'), ['unknown', 'applied', 'applied', 'applied', 'applied']);
  assert.deepEqual(kinds('work_dir'), ['unknown', 'unknown', 'unknown', 'unknown', 'applied']);
  assert.deepEqual(kinds('socket_dir'), ['applied', 'unknown', 'unknown', 'unknown', 'unknown']);
  assert.deepEqual(kinds('wd_port'), ['applied', 'applied', 'applied', 'applied', 'applied'], 'wd_port without a number is a FATAL (array-index), not unknown');
  const rm = nameStatus(cat, 'replication_mode', '4.3');
  assert.ok(rm.kind === 'applied' && rm.obsolete?.successor === 'backend_clustering_mode');
});

// ---------------------------------------------------------------------------------------------------------------
// Messages, through the service

const service = testService();
const PATH = '/etc/pgpool2/pgpool.conf';
const problems = (text: string, settings: Partial<Settings> = {}): Problem[] =>
  check(service, PATH, text, { checkFiles: false, ...settings }).filter(p => !p.rule.startsWith('pgpool-conf/ssl-'));
const one = (text: string, version: string): Problem => {
  const ps = problems(text, { pgpoolVersion: version });
  assert.equal(ps.length, 1, ps.map(p => `${p.rule}: ${p.message}`).join('\n'));
  return ps[0]!;
};
const fixTitles = (p: Problem): string[] => (p.fixes ?? []).map(f => f.title);

test('an old name gets its real successor and says what the selected version does', () => {
  const p = one("black_function_list = 'nextval,setval'\n", '4.6');
  assert.equal(p.rule, 'pgpool-conf/unknown-parameter');
  assert.match(p.message, /"black_function_list" was renamed "write_function_list" in Pgpool-II 4\.2; Pgpool-II 4\.6 does not know the old name and ignores the line/);
  assert.deepEqual(fixTitles(p), ['Rename to write_function_list']);
  const renames: [string, string][] = [
    ['white_function_list', 'read_only_function_list'], ['black_query_pattern_list', 'primary_routing_query_pattern_list'],
    ['white_memqcache_table_list', 'cache_safe_memqcache_table_list'], ['black_memqcache_table_list', 'cache_unsafe_memqcache_table_list'],
    ['follow_master_command', 'follow_primary_command'], ['wd_initial_node_showup_time', 'wd_no_show_node_removal_timeout'],
  ];
  for (const [old, now] of renames) {
    for (const v of VERSIONS) assert.deepEqual(fixTitles(one(`${old} = ''\n`, v)), [`Rename to ${now}`], `${old} in ${v}`);
  }
});

test('the 4.1 watchdog block: no mechanical rename (the numbering changed), the message says what to write', () => {
  for (const key of ['wd_hostname', 'other_pgpool_hostname0', 'other_pgpool_port1', 'other_wd_port0', 'heartbeat_destination0', 'heartbeat_destination_port0', 'wd_heartbeat_port']) {
    const p = one(`${key} = 1\n`, '4.4');
    assert.equal(p.rule, 'pgpool-conf/unknown-parameter');
    assert.match(p.message, /watchdog setting of Pgpool-II 4\.1 and before .* in 4\.2\); Pgpool-II 4\.4 does not know it/, key);
    assert.deepEqual(fixTitles(p), [], key);
  }
  assert.match(one('other_wd_port0 = 9000\n', '4.3').message, /"wd_portN" took its place/);
  assert.match(one('heartbeat_destination0 = 1\n', '4.3').message, /heartbeat_hostnameN/);
  // The 4.1 single wd_port makes 4.2+ refuse to start (pgpool: parameter "wd_port" expects the index value).
  const wd = one('wd_port = 9000\n', '4.3');
  assert.equal(wd.rule, 'pgpool-conf/array-index');
  assert.match(wd.message, /4\.1 form/);
  // heartbeat_device0 kept its name in 4.2: applied.
  assert.deepEqual(problems("heartbeat_device0 = 'eth0'\n", { pgpoolVersion: '4.3' }), []);
});

test('master_slave_mode: the message says which backend_clustering_mode the lines meant, a fix only where it is mechanical', () => {
  const logical = problems("master_slave_mode = on\nmaster_slave_sub_mode = 'logical'\n", { pgpoolVersion: '4.5' });
  assert.deepEqual(logical.map(p => p.rule), ['pgpool-conf/unknown-parameter', 'pgpool-conf/unknown-parameter']);
  assert.match(logical[0]!.message, /runs in streaming_replication mode .*, not logical_replication mode as these lines meant .*; write "backend_clustering_mode = 'logical_replication'" instead/);
  assert.deepEqual(fixTitles(logical[0]!), ["Change to backend_clustering_mode = 'logical_replication'"]);
  assert.deepEqual(fixTitles(logical[1]!), [], 'the sub-mode line has no fix of its own');
  // 4.1 and before: no mode at all was raw mode; 4.2 and later default to streaming replication.
  assert.match(one('master_slave_mode = off\n', '4.6').message, /not raw mode as these lines meant/);
  assert.match(one('master_slave_mode = on\n', '4.6').message, /which is what these lines meant/);
  // slony mode is gone in 4.7: no fix.
  const slony = problems("master_slave_mode = on\nmaster_slave_sub_mode = 'slony'\n", { pgpoolVersion: '4.7' });
  assert.match(slony[0]!.message, /slony mode .* which 4\.7 no longer has/);
  assert.deepEqual(fixTitles(slony[0]!), []);
  // With backend_clustering_mode in the file, the old line is only noise.
  const both = problems("backend_clustering_mode = 'raw'\nmaster_slave_mode = on\n", { pgpoolVersion: '4.3' });
  assert.match(both[0]!.message, /this file sets "backend_clustering_mode", which decides the mode, so remove the line/);
});

test('replication_mode: accepted without a message but no longer selects the mode (obsolete-parameter)', () => {
  const on = one('replication_mode = on\nfailover_when_quorum_exists = off\n', '4.3');
  assert.equal(on.rule, 'pgpool-conf/obsolete-parameter');
  assert.equal(on.severity, 'warning');
  assert.match(on.message, /runs in streaming_replication mode \(the default of "backend_clustering_mode"\), not native replication/);
  const off = one('replication_mode = off\n', '4.3');
  assert.equal(off.severity, 'hint');
  assert.deepEqual(problems("backend_clustering_mode = native_replication\nreplication_mode = on\nfailover_when_quorum_exists = off\n"), []);
});

test('names of another version: what the selected version does, and its own name where it has one', () => {
  const later = one("unix_socket_directories = '/var/run/postgresql'\n", '4.3');
  assert.match(later.message, /exists only from Pgpool-II 4\.4 on \(it replaced "socket_dir"\); Pgpool-II 4\.3 does not know it/);
  assert.deepEqual(fixTitles(later), ['Rename to socket_dir']);
  assert.deepEqual(fixTitles(one("unix_socket_directories = '/tmp,/var/run'\n", '4.3')), [], 'socket_dir takes one folder');
  assert.deepEqual(fixTitles(one("delegate_ip = '10.0.0.1'\n", '4.3')), ['Rename to delegate_IP']);
  assert.deepEqual(fixTitles(one("work_dir = '/var/lib/pgpool'\n", '4.6')), ['Rename to logdir']);
  const removed = one("socket_dir = '/tmp'\n", '4.4');
  assert.match(removed.message, /"socket_dir" was renamed "unix_socket_directories" in Pgpool-II 4\.4; Pgpool-II 4\.4 does not know the old name/);
  assert.deepEqual(fixTitles(removed), ['Rename to unix_socket_directories']);
  assert.match(one('log_backend_messages = terse\n', '4.5').message, /exists only from Pgpool-II 4\.6 on; Pgpool-II 4\.5 does not know it/);
  // Minor releases: the catalogue's 4.4 is 4.4.17, 4.7 is 4.7.2.
  assert.match(one('notice_per_node_statement = on\n', '4.3').message, /from Pgpool-II 4\.4\.9 on/);
  assert.match(one('wd_listen_port = 9000\n', '4.6').message, /from Pgpool-II 4\.7\.1 on/);
  for (const name of Object.keys(SINCE_MINOR)) assert.ok(cat.names.includes(name), name);
});

test('aliases stay deprecated-alias, per version', () => {
  const logdir = problems("logdir = '/var/log/pgpool'\n", { pgpoolVersion: '4.7' });
  assert.deepEqual(logdir.map(p => p.rule), ['pgpool-conf/deprecated-alias']);
  assert.match(logdir[0]!.message, /"logdir" is the old name of "work_dir": Pgpool-II 4\.7 still applies it/);
  assert.deepEqual(problems("logdir = '/var/log/pgpool'\n", { pgpoolVersion: '4.6' }), []);
  // logdir and work_dir set the same thing in 4.7.
  assert.deepEqual(problems("logdir = '/a'\nwork_dir = '/b'\n", { pgpoolVersion: '4.7' }).map(p => p.rule).sort(), ['pgpool-conf/deprecated-alias', 'pgpool-conf/duplicate']);
});

test('fail_over_on_backend_error: 4.3 accepts it with a WARNING but throws the value away; 4.4 and later apply it', () => {
  // V4_3_5 FailOverOnBackendErrorAssignMessage only logs "setting failover_on_backend_error has no effect"; V4_4_17 assigns.
  const v43 = problems('fail_over_on_backend_error = off\n', { pgpoolVersion: '4.3' });
  assert.deepEqual(v43.map(p => p.rule), ['pgpool-conf/deprecated-alias']);
  assert.match(v43[0]!.message, /Pgpool-II 4\.3 accepts it but ignores its value/);
  assert.doesNotMatch(v43[0]!.message, /still applies/);
  assert.match(problems('fail_over_on_backend_error = off\n', { pgpoolVersion: '4.4' })[0]!.message, /Pgpool-II 4\.4 still applies it/);
  // In 4.3 the two names are not the same setting, so both lines are no duplicate; from 4.4 on they are.
  const both = 'fail_over_on_backend_error = off\nfailover_on_backend_error = on\n';
  assert.deepEqual(problems(both, { pgpoolVersion: '4.3' }).map(p => p.rule), ['pgpool-conf/deprecated-alias']);
  assert.deepEqual(problems(both, { pgpoolVersion: '4.4' }).map(p => p.rule).sort(), ['pgpool-conf/deprecated-alias', 'pgpool-conf/duplicate']);
});

test('PostgreSQL\'s names: Pgpool-II\'s own name where it has one, else what it does instead', () => {
  const cert = one("ssl_cert_file = '/etc/ssl/server.crt'\n", '4.6');
  assert.match(cert.message, /"ssl_cert_file" is PostgreSQL's name; Pgpool-II's is "ssl_cert"/);
  assert.deepEqual(fixTitles(cert), ['Rename to ssl_cert']);
  assert.deepEqual(fixTitles(one("ssl_ca_file = 'ca.crt'\n", '4.6')), ['Rename to ssl_ca_cert']);
  const proto = one("ssl_min_protocol_version = 'TLSv1.2'\n", '4.6');
  assert.match(proto.message, /no setting for TLS protocol versions/);
  assert.deepEqual(fixTitles(proto), []);
});

test('values renamed in 4.2 name their successor', () => {
  const flag = one("backend_flag0 = 'ALWAYS_MASTER'\n", '4.3');
  assert.equal(flag.rule, 'pgpool-conf/invalid-backend-flag');
  assert.match(flag.message, /before Pgpool-II 4\.2 \(now "ALWAYS_PRIMARY"\)/);
  assert.deepEqual(fixTitles(flag), ['Change to ALWAYS_PRIMARY']);
  assert.deepEqual(fixTitles(one("backend_flag0 = 'ALLOW_TO_FAILOVER|ALWAYS_MASTER'\n", '4.3')), ['Change to ALLOW_TO_FAILOVER|ALWAYS_PRIMARY']);
  const target = one('relcache_query_target = master\n', '4.6');
  assert.match(target.message, /now "primary"/);
  assert.deepEqual(fixTitles(target), ['Change to primary']);
  assert.match(one('backend_clustering_mode = slony\n', '4.7').message, /was removed in Pgpool-II 4\.7/);
  for (const param of Object.keys(OLD_VALUES)) assert.ok(cat.names.includes(param), param);
});

// ---------------------------------------------------------------------------------------------------------------
// Did you mean

const dym = (key: string, version = '4.6'): string[] => suggestNames(cat, key, version).map(s => s.name);

test('did you mean: real-world misspellings get the parameter they meant', () => {
  const cases: [string, string, string?][] = [
    ['num_init_childs', 'num_init_children'], // KubeDB issue text, also a test in k8sEmbedded
    ['num_init_child', 'num_init_children'],
    ['health_check_timout', 'health_check_timeout'],
    ['health_check_max_retry', 'health_check_max_retries'],
    ['listen_address', 'listen_addresses'], // a Salt pillar key written as the parameter
    ['pcp_listen_address', 'pcp_listen_addresses'],
    ['backend_host_name0', 'backend_hostname0'],
    ['backend_hostnam1', 'backend_hostname1'],
    ['backend_host2', 'backend_hostname2'],
    ['ssl_ca_crt', 'ssl_ca_cert'],
    ['ssl_ca_cert_directory', 'ssl_ca_cert_dir'],
    ['pool_password', 'pool_passwd'],
    ['log_connection', 'log_connections'],
    ['sr_check_pasword', 'sr_check_password'],
    ['ssl_prefer_server_cipher', 'ssl_prefer_server_ciphers'],
    ['failover_on_backend_eror', 'failover_on_backend_error'],
    ['Port', 'port'],
    ['SSL', 'ssl'],
    ['enable_pool_hab', 'enable_pool_hba'],
    ['use_watchdogs', 'use_watchdog'],
    ['wd_lifecheck_methods', 'wd_lifecheck_method'],
    ['memqcache_expir', 'memqcache_expire'],
    ['min_spare_child', 'min_spare_children', '4.4'],
  ];
  for (const [key, want, v] of cases) assert.deepEqual(dym(key, v), [want], key);
});

test('did you mean: never a name with the opposite meaning', () => {
  const never: [string, string][] = [
    ['write_functions_list', 'read_only_function_list'],
    ['cache_safe_memqcache_table_lists', 'cache_unsafe_memqcache_table_list'],
    ['cache_unsafe_memqcache_table_lists', 'cache_safe_memqcache_table_list'],
    ['log_disconnection', 'log_connections'],
    ['min_spare_child', 'max_spare_children'],
    ['recovery_2st_stage_command', 'recovery_1st_stage_command'],
    ['disable_pool_hba', 'enable_pool_hba'],
    ['disallow_clear_text_frontend_auth', 'allow_clear_text_frontend_auth'],
    ['check_logged_table', 'check_unlogged_table'],
    ['if_down_command', 'if_up_cmd'],
    ['failback_comand', 'failover_command'],
    ['wd_escalation_cmd', 'wd_de_escalation_command'],
  ];
  for (const [key, not] of never) assert.ok(!dym(key, '4.4').includes(not), `${key} → ${not}`);
  assert.deepEqual(dym('cache_safe_memqcache_table_lists'), ['cache_safe_memqcache_table_list']);
  assert.deepEqual(dym('log_disconnection'), ['log_disconnections']);
  assert.deepEqual(dym('failback_comand'), ['failback_command']);
  // Opposites among the names themselves: no two parameter names (old ones included) pass as misspellings of each
  // other, except the alias pairs that are the same parameter.
  const all = [...cat.names, ...Object.keys(OLD_NAMES), ...Object.keys(FOREIGN_NAMES)];
  const pairs: string[] = [];
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) if (spellingCost(all[i]!, all[j]!) !== undefined) pairs.push(`${all[i]} ${all[j]}`);
  assert.deepEqual(pairs.sort(), ['delegate_IP delegate_ip', 'fail_over_on_backend_error failover_on_backend_error']);
});

test('did you mean: never a name that differs by meaning rather than spelling', () => {
  const never: [string, string][] = [
    ['ssl_cert_file', 'ssl_crl_file'], // PostgreSQL's name for ssl_cert, one word from ssl_crl_file
    ['ssl_crl', 'ssl_cert'],
    ['ssl_crt', 'ssl_key'],
    ['ssl_ca_cert_directory', 'ssl_ca_cert'],
    ['log_rotation_sizes', 'log_rotation_age'],
    ['memqcache_expir', 'relcache_expire'],
    ['delay_threshold_time', 'delay_threshold'],
    ['listen_addresses_pcp', 'pcp_listen_addresses'],
    ['health_check_usr', 'sr_check_user'],
    ['pcp_prt', 'port'],
  ];
  for (const [key, not] of never) assert.ok(!dym(key, '4.6').includes(not), `${key} → ${not}`);
  assert.deepEqual(dym('health_check_usr'), ['health_check_user']);
});

test('did you mean: never a name the selected version does not have, never an alias or obsolete name', () => {
  assert.deepEqual(dym('unix_socket_directory', '4.3'), [], 'unix_socket_directories is 4.4+');
  assert.deepEqual(dym('unix_socket_directory', '4.4'), ['unix_socket_directories']);
  assert.deepEqual(dym('socket_dirs', '4.4'), [], 'socket_dir is gone in 4.4');
  assert.deepEqual(dym('socket_dirs', '4.3'), ['socket_dir']);
  assert.deepEqual(dym('fail_over_on_backend_eror', '4.6'), ['failover_on_backend_error'], 'not the alias');
  assert.deepEqual(dym('delegate_Ip', '4.6'), ['delegate_ip']);
  assert.deepEqual(dym('delegate_Ip', '4.3'), ['delegate_IP']);
  assert.deepEqual(dym('log_dir', '4.6'), ['logdir', 'log_directory']);
  assert.deepEqual(dym('log_dir', '4.7'), ['log_directory'], 'logdir is an alias in 4.7');
  assert.deepEqual(dym('replication_mod', '4.6'), [], 'replication_mode no longer does what it says');
  // Every suggestion for a mutilated name of any version is a current name of the selected version.
  for (const v of VERSIONS) {
    for (const n of cat.names) {
      for (const key of [n.slice(1), `${n}x`, n.replace(/_/, ''), n.toUpperCase()]) {
        for (const s of dym(key, v)) assert.ok(isCurrentName(cat, s, v), `${key} → ${s} in ${v}`);
      }
    }
  }
});

test('did you mean: a misspelt old or foreign name says what it became; a name of another version says what this one calls it', () => {
  const old = one("black_funtion_list = 'nextval'\n", '4.6');
  assert.match(old.message, /did you mean "black_function_list"\? that name was renamed "write_function_list" in Pgpool-II 4\.2; write "write_function_list"/);
  assert.deepEqual(fixTitles(old), ['Change to write_function_list']);
  // Closer to the old white_function_list than to write_function_list: never "write".
  const whit = one("whit_function_list = 'now'\n", '4.6');
  assert.match(whit.message, /did you mean "white_function_list"\? that name was renamed "read_only_function_list"/);
  const other = one("unix_socket_directory = '/tmp'\n", '4.3');
  assert.match(other.message, /did you mean "unix_socket_directories"\? Pgpool-II 4\.3 does not have it \(it exists from 4\.4 on\); write "socket_dir"/);
  assert.match(one("ssl_cert_fil = 'x'\n", '4.6').message, /did you mean "ssl_cert_file"\? that is PostgreSQL's name.*write "ssl_cert"/);
  // Nothing close: no guess.
  const none = one('frobnicate = 1\n', '4.6');
  assert.match(none.message, /check the name against the Pgpool-II documentation/);
  assert.deepEqual(fixTitles(none), []);
});

// ---------------------------------------------------------------------------------------------------------------
// Hover and completion

function hoverAt(text: string, at: string, settings: Partial<Settings> = {}) {
  const doc: SourceDocument = { path: PATH, text, languageId: 'pgpool-conf' };
  return service.hover(doc, service.parse(doc), text.indexOf(at) + 1, { ...DEFAULT_SETTINGS, ...settings });
}

test('hover says which versions have a parameter and what the selected one does with the name', () => {
  assert.match(hoverAt('port = 9999\n', 'port')!.markdown, /In Pgpool-II every version pgtls knows \(4\.3–4\.7\)\n/);
  assert.match(hoverAt("socket_dir = '/tmp'\n", 'socket_dir', { pgpoolVersion: '4.6' })!.markdown, /In Pgpool-II 4\.3 of the versions pgtls knows \(4\.3–4\.7\); \*\*not in 4\.6\*\* \(the selected version\), which ignores it: renamed `unix_socket_directories` in 4\.4/);
  assert.match(hoverAt("unix_socket_directories = '/tmp'\n", 'unix', { pgpoolVersion: '4.3' })!.markdown, /4\.4–4\.7 .*\*\*not in 4\.3\*\* .* knows it as `socket_dir`/);
  assert.match(hoverAt("logdir = '/tmp'\n", 'logdir', { pgpoolVersion: '4.7' })!.markdown, /in 4\.7 an old name, applied to `work_dir` with a WARNING/);
  assert.match(hoverAt('notice_per_node_statement = on\n', 'notice')!.markdown, /from 4\.4\.9 on/);
  assert.match(hoverAt('replication_mode = on\n', 'replication')!.markdown, /no effect on the mode since 4\.2/);
  assert.match(hoverAt("black_function_list = 'x'\n", 'black')!.markdown, /Renamed `write_function_list` in Pgpool-II 4\.2\. Pgpool-II 4\.6 does not know this name/);
  assert.match(hoverAt("other_wd_port0 = 9000\n", 'other')!.markdown, /Replaced by `wd_portN` in Pgpool-II 4\.2/);
  assert.match(hoverAt("ssl_cert_file = 'x'\n", 'ssl')!.markdown, /a PostgreSQL setting.*Pgpool-II's setting is `ssl_cert`/s);
  assert.equal(hoverAt('frobnicate = 1\n', 'frob'), undefined);
});

test('completion offers only names the selected version applies as they are', () => {
  const labels = (v: string): string[] => {
    const doc: SourceDocument = { path: PATH, text: '\n', languageId: 'pgpool-conf' };
    return service.complete(doc, service.parse(doc), 0, { ...DEFAULT_SETTINGS, pgpoolVersion: v }).map(i => i.label);
  };
  const l47 = labels('4.7');
  assert.ok(l47.includes('work_dir') && !l47.includes('logdir') && !l47.includes('delegate_IP') && !l47.includes('replication_mode'));
  const l43 = labels('4.3');
  assert.ok(l43.includes('logdir') && l43.includes('delegate_IP') && l43.includes('socket_dir') && !l43.includes('work_dir'));
  assert.ok(!l43.includes('fail_over_on_backend_error'));
  assert.ok(l43.includes('backend_hostnameN'));
});

test('templates: placeholder lines lose their value findings, keep their name findings, and the file gets one note', () => {
  const text = [
    'port = ${PGPOOL_PORT}', // unquoted: a syntax error for Pgpool-II, but envsubst replaces it first
    "ssl_cert = '${TLS_DIR}/server.crt'",
    "black_function_list = '{{ .Values.fnList }}'", // the name is still wrong whatever the value
    'num_init_children = abc', // no placeholder: still judged
    '# ${NOT_A_PLACEHOLDER} in a comment',
    '',
  ].join('\n');
  const found = problems(text, { pgpoolVersion: '4.6' });
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const lineOf = (offset: number): number => starts.filter(s => s <= offset).length - 1;
  const byLine = (n: number): string[] => found.filter(p => lineOf(p.span[0]) === n).map(p => p.rule).sort();
  assert.deepEqual(byLine(0), ['pgpool-conf/template-placeholders']);
  assert.match(found.find(p => p.rule === 'pgpool-conf/template-placeholders')!.message, /3 lines hold a placeholder/);
  assert.deepEqual(byLine(1), []);
  assert.deepEqual(byLine(2), ['pgpool-conf/unknown-parameter']);
  assert.deepEqual(byLine(3), ['pgpool-conf/invalid-number']);
  // No placeholder outside comments: no note, and `$PGDATA` unbraced is shell text.
  assert.deepEqual(problems("# ${X}\nfailover_command = 'run.sh $PGDATA'\n").map(p => p.rule), []);
  // Braced shell variables in a command are the shell's: no template.
  assert.deepEqual(problems("failover_command = '/etc/pgpool2/failover.sh %d ${PGDATA:-/data}'\n").map(p => p.rule), []);
  // ... but a `{{ }}` placeholder for a whole command value still marks a template elsewhere in the file.
  assert.deepEqual(problems("failover_command = '${X}'\nport = {{ port }}\n").map(p => p.rule), ['pgpool-conf/template-placeholders']);
});

test('edit distance: Levenshtein by default, a swap of neighbours is one edit with transpositions (one function for both)', () => {
  assert.equal(editDistance('ssl_cret', 'ssl_cert', 3), 2);
  assert.equal(editDistance('ssl_cret', 'ssl_cert', 3, true), 1);
  assert.equal(editDistance('port', 'port', 0, true), 0);
  assert.equal(editDistance('abcdef', 'a', 2, true), 3, 'stops above max');
});
