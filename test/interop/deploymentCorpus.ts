/**
 * Generated pgpool.conf files in the shapes public deployments ship, for the differential test's name comparison:
 * which names Pgpool-II reports as unrecognised. A seeded PRNG makes the same files on every run. Each file is written
 * from one era's documentation (3.x, 4.0–4.1, 4.2–4.3, 4.4 and later) by one kind of generator:
 *
 * - `entrypoint`: a container entrypoint that renders every value quoted, paths inside the image (shape of
 *   bitnami/containers containers/pgpool: /opt/bitnami/pgpool/{conf,certs,tmp}, settings appended one per line);
 * - `template`: a template rendered from environment variables, the backends appended at the end, an empty variable
 *   leaving `key = ''` or `key =` (shape of chilla55/docker-images pgpool-custom/templates/pgpool.conf.tpl, which also
 *   invents `backend_use_ssl`);
 * - `ansible`: a role's Jinja template, `# Ansible managed` header, booleans as `True`/`False`/`yes`/`no`, unquoted
 *   numbers (shape of the pgpool2_* role variables seen in public roles);
 * - `sample`: an edited copy of Pgpool-II's own pgpool.conf.sample of that era, comments and blank lines kept;
 * - `helm`: a chart's ConfigMap body with the user's extra settings appended after the chart's (later ones win).
 *
 * Certificate paths are the container's (they do not exist here); the old eras carry their real parameter names
 * (master_slave_mode, white/black lists, the 4.1 watchdog block, 3.x relics); people also write names of other
 * versions, PostgreSQL's names and typos. Some files include others (`include = 'conf.d/…'`). Nothing here says what
 * Pgpool-II thinks of a file: the oracle decides.
 */
import { type CorpusFile, pick, prng, shuffle } from './corpus';

type Era = '3.x' | '4.1' | '4.2' | '4.4';
type Shape = 'entrypoint' | 'template' | 'ansible' | 'sample' | 'helm';

interface Ctx {
  rnd: () => number;
  era: Era;
  shape: Shape;
  /** Backend host names of this deployment. */
  hosts: string[];
  /** Where this image keeps its files. */
  base: string;
  /** Where its certificates are (inside the container). */
  certs: string;
  watchdogOn: boolean;
  /** Names a probe of this file uses (fillers skip them: a duplicate is its own probe). */
  lines: string[];
  files: Record<string, string>;
}

const chance = (c: Ctx, p: number): boolean => c.rnd() < p;

/** One `key = value` line in the file's style. */
function kv(c: Ctx, key: string, value: string | number | boolean, kind: 'str' | 'num' | 'bool' | 'word' = typeof value === 'number' ? 'num' : typeof value === 'boolean' ? 'bool' : 'str'): string {
  const sep = c.shape === 'entrypoint' ? ' = ' : c.shape === 'ansible' ? pick(c.rnd, [' = ', ' = ', '=']) : pick(c.rnd, [' = ', ' = ', ' = ', '\t= ', '  =  ']);
  let v: string;
  if (kind === 'bool') {
    const b = value as boolean;
    v = c.shape === 'ansible' ? pick(c.rnd, b ? ['True', 'yes', 'on'] : ['False', 'no', 'off']) : b ? 'on' : 'off';
    if (c.shape === 'entrypoint') v = `'${v}'`;
  } else if (kind === 'num') v = c.shape === 'entrypoint' ? `'${value}'` : String(value);
  else if (kind === 'word') v = c.shape === 'entrypoint' || chance(c, 0.5) ? `'${value}'` : String(value);
  else v = `'${value}'`;
  const tail = c.shape === 'sample' && chance(c, 0.15) ? pick(c.rnd, ['\t\t# (change requires restart)', '  # default', '\t# see the documentation']) : '';
  return `${key}${sep}${v}${tail}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks: each pushes the lines of one section of a pgpool.conf as the file's era names it.

function connection(c: Ctx): void {
  c.lines.push(kv(c, 'listen_addresses', '*'));
  c.lines.push(kv(c, 'port', pick(c.rnd, [5432, 9999, 5433])));
  const sock = pick(c.rnd, [`${c.base}/tmp`, '/var/run/postgresql', '/tmp', '/var/run/pgpool']);
  if (c.era === '4.4') c.lines.push(kv(c, 'unix_socket_directories', sock));
  else c.lines.push(kv(c, 'socket_dir', sock));
  c.lines.push(kv(c, 'pcp_listen_addresses', pick(c.rnd, ['*', 'localhost'])));
  c.lines.push(kv(c, 'pcp_port', 9898));
  c.lines.push(kv(c, 'pcp_socket_dir', sock));
  if (c.era === '3.x' && chance(c, 0.3)) c.lines.push(kv(c, 'allow_inet_domain_socket', true));
  if (c.era === '4.4' && chance(c, 0.4)) c.lines.push(kv(c, 'unix_socket_permissions', '0777', 'word'));
}

function backends(c: Ctx): void {
  c.hosts.forEach((h, i) => {
    if (c.shape === 'sample' || c.shape === 'template') c.lines.push(`# - backend ${i} -`);
    c.lines.push(kv(c, `backend_hostname${i}`, h));
    c.lines.push(kv(c, `backend_port${i}`, 5432));
    c.lines.push(kv(c, `backend_weight${i}`, 1));
    c.lines.push(kv(c, `backend_data_directory${i}`, pick(c.rnd, ['/bitnami/postgresql/data', '/var/lib/postgresql/data', '/var/lib/pgsql/15/data'])));
    const always = i === 0 && chance(c, c.era === '4.1' ? 0.15 : 0.05);
    const flag = always ? (c.era === '4.1' || c.era === '3.x' ? 'ALLOW_TO_FAILOVER|ALWAYS_MASTER' : 'ALLOW_TO_FAILOVER|ALWAYS_PRIMARY') : pick(c.rnd, ['ALLOW_TO_FAILOVER', 'ALLOW_TO_FAILOVER', 'DISALLOW_TO_FAILOVER']);
    c.lines.push(kv(c, `backend_flag${i}`, flag));
    if (c.era !== '3.x' && chance(c, 0.5)) c.lines.push(kv(c, `backend_application_name${i}`, `server${i}`));
  });
  if (c.era === '3.x' && chance(c, 0.4)) c.lines.push(kv(c, 'backend_socket_dir', '/tmp'));
}

function auth(c: Ctx): void {
  c.lines.push(kv(c, 'enable_pool_hba', chance(c, 0.8)));
  c.lines.push(kv(c, 'pool_passwd', pick(c.rnd, ['pool_passwd', `${c.base}/conf/pool_passwd`, ''])));
  c.lines.push(kv(c, 'authentication_timeout', pick(c.rnd, [60, 30])));
  if (c.era !== '3.x') c.lines.push(kv(c, 'allow_clear_text_frontend_auth', chance(c, 0.2)));
}

function tls(c: Ctx): void {
  c.lines.push(kv(c, 'ssl', chance(c, 0.5)));
  const [crt, key, ca] = pick(c.rnd, [['tls.crt', 'tls.key', 'ca.crt'], ['server.crt', 'server.key', 'root.crt'], ['pgpool.pem', 'pgpool-key.pem', 'ca.pem']]);
  c.lines.push(kv(c, 'ssl_key', `${c.certs}/${key}`));
  c.lines.push(kv(c, 'ssl_cert', `${c.certs}/${crt}`));
  if (chance(c, 0.6)) c.lines.push(kv(c, 'ssl_ca_cert', `${c.certs}/${ca}`));
  if (c.era !== '3.x' && chance(c, 0.5)) c.lines.push(kv(c, 'ssl_ciphers', pick(c.rnd, ['HIGH:MEDIUM:+3DES:!aNULL', 'HIGH:!aNULL:!MD5', 'ECDHE+AESGCM:!aNULL'])));
  if (c.era !== '3.x' && chance(c, 0.4)) c.lines.push(kv(c, 'ssl_prefer_server_ciphers', true));
  if ((c.era === '4.2' || c.era === '4.4') && chance(c, 0.3)) c.lines.push(kv(c, 'ssl_ecdh_curve', 'prime256v1'));
}

function pools(c: Ctx): void {
  c.lines.push(kv(c, 'num_init_children', pick(c.rnd, [32, 100, 16, 200])));
  c.lines.push(kv(c, 'max_pool', pick(c.rnd, [4, 2, 1])));
  c.lines.push(kv(c, 'child_life_time', pick(c.rnd, [300, 0]), 'num'));
  c.lines.push(kv(c, 'child_max_connections', 0));
  c.lines.push(kv(c, 'connection_life_time', 0));
  c.lines.push(kv(c, 'client_idle_limit', pick(c.rnd, [0, 300])));
  if (c.era === '4.4' && chance(c, 0.5)) {
    c.lines.push(kv(c, 'process_management_mode', 'dynamic', 'word'));
    c.lines.push(kv(c, 'process_management_strategy', pick(c.rnd, ['gentle', 'lazy']), 'word'));
    c.lines.push(kv(c, 'min_spare_children', 5));
    c.lines.push(kv(c, 'max_spare_children', 10));
  }
}

function logging(c: Ctx): void {
  c.lines.push(kv(c, 'log_destination', 'stderr'));
  c.lines.push(kv(c, 'log_line_prefix', pick(c.rnd, ['%t: pid %p: ', '%m: %a pid %p: ', 'time=%m pid=%p '])));
  c.lines.push(kv(c, 'log_connections', chance(c, 0.5)));
  c.lines.push(kv(c, 'log_hostname', false));
  c.lines.push(kv(c, 'log_statement', false));
  c.lines.push(kv(c, 'log_per_node_statement', false));
  if (c.era === '3.x') {
    c.lines.push(kv(c, 'print_timestamp', true));
    if (chance(c, 0.5)) c.lines.push(kv(c, 'print_user', false));
    c.lines.push(kv(c, 'debug_level', 0));
  }
  if (c.era === '4.2' || c.era === '4.4') {
    c.lines.push(kv(c, 'logging_collector', false));
    if (chance(c, 0.5)) c.lines.push(kv(c, 'log_directory', '/tmp/pgpool_logs'));
    if (chance(c, 0.3)) c.lines.push(kv(c, 'log_filename', 'pgpool-%Y-%m-%d_%H%M%S.log'));
  }
  if (c.era === '4.4' && chance(c, 0.4)) c.lines.push(kv(c, 'log_pcp_processes', true));
  if (c.era === '4.4' && chance(c, 0.3)) c.lines.push(kv(c, 'log_backend_messages', pick(c.rnd, ['none', 'terse']), 'word'));
  c.lines.push(kv(c, 'client_min_messages', 'notice', 'word'));
  c.lines.push(kv(c, c.era === '4.4' && chance(c, 0.3) ? 'work_dir' : 'logdir', pick(c.rnd, ['/tmp', `${c.base}/logs`, '/var/log/pgpool'])));
}

function mode(c: Ctx): void {
  if (c.era === '3.x' || c.era === '4.1') {
    // Mostly master/slave with streaming; native replication in old files is replication_mode = on (and in 4.3 the
    // default failover_when_quorum_exists = on then refuses to start).
    const native = chance(c, 0.1);
    c.lines.push(kv(c, 'replication_mode', native));
    c.lines.push(kv(c, 'replicate_select', false));
    c.lines.push(kv(c, 'master_slave_mode', !native));
    c.lines.push(kv(c, 'master_slave_sub_mode', pick(c.rnd, ['stream', 'stream', 'stream', 'logical', 'slony']), 'word'));
    if (native && chance(c, 0.5)) c.lines.push(kv(c, 'failover_when_quorum_exists', false));
  } else {
    c.lines.push(kv(c, 'backend_clustering_mode', pick(c.rnd, ['streaming_replication', 'streaming_replication', 'raw', 'logical_replication']), 'word'));
    if (chance(c, 0.05)) c.lines.push(kv(c, 'replication_mode', false));
  }
}

function loadBalance(c: Ctx): void {
  c.lines.push(kv(c, 'load_balance_mode', chance(c, 0.7)));
  c.lines.push(kv(c, 'ignore_leading_white_space', true));
  const old = c.era === '3.x' || c.era === '4.1';
  c.lines.push(kv(c, old ? 'white_function_list' : 'read_only_function_list', old ? pick(c.rnd, ['', 'now,count']) : ''));
  c.lines.push(kv(c, old ? 'black_function_list' : 'write_function_list', old ? 'nextval,setval,nextval,setval' : pick(c.rnd, ['', 'nextval,setval'])));
  if (c.era !== '3.x') c.lines.push(kv(c, old ? 'black_query_pattern_list' : 'primary_routing_query_pattern_list', ''));
  if (c.era !== '3.x' && chance(c, 0.3)) c.lines.push(kv(c, 'database_redirect_preference_list', 'postgres:primary'));
  if (c.era === '4.1' && chance(c, 0.2)) c.lines.push(kv(c, 'relcache_query_target', 'master', 'word'));
  if (c.era !== '3.x' && c.era !== '4.1' && chance(c, 0.3)) c.lines.push(kv(c, 'statement_level_load_balance', false));
  if (c.era !== '3.x') c.lines.push(kv(c, 'disable_load_balance_on_write', 'transaction', 'word'));
}

function streaming(c: Ctx): void {
  c.lines.push(kv(c, 'sr_check_period', 10));
  c.lines.push(kv(c, 'sr_check_user', pick(c.rnd, ['repmgr', 'postgres', 'pgpool'])));
  c.lines.push(kv(c, 'sr_check_password', pick(c.rnd, ['', 'sr_check_secret'])));
  c.lines.push(kv(c, 'sr_check_database', 'postgres'));
  c.lines.push(kv(c, 'delay_threshold', 10000000));
  if (c.era === '4.4' && chance(c, 0.3)) c.lines.push(kv(c, 'delay_threshold_by_time', 1));
  const old = c.era === '3.x' || c.era === '4.1';
  c.lines.push(kv(c, old ? 'follow_master_command' : 'follow_primary_command', pick(c.rnd, ['', '/etc/pgpool2/follow.sh %d %h %p %D %m %H %M %P %r %R'])));
}

function health(c: Ctx): void {
  c.lines.push(kv(c, 'health_check_period', pick(c.rnd, [10, 30, 0])));
  c.lines.push(kv(c, 'health_check_timeout', 20));
  c.lines.push(kv(c, 'health_check_user', pick(c.rnd, ['postgres', 'pgpool', 'nobody'])));
  c.lines.push(kv(c, 'health_check_password', ''));
  c.lines.push(kv(c, 'health_check_max_retries', pick(c.rnd, [0, 3])));
  c.lines.push(kv(c, 'health_check_retry_delay', 1));
  if (c.era !== '3.x') c.lines.push(kv(c, 'connect_timeout', 10000));
  if (c.era !== '3.x' && chance(c, 0.3)) c.lines.push(kv(c, 'health_check_period0', 5));
}

function failover(c: Ctx): void {
  c.lines.push(kv(c, 'failover_command', pick(c.rnd, ['', '/etc/pgpool2/failover.sh %d %h %p %D %m %H %M %P %r %R %N %S'])));
  c.lines.push(kv(c, 'failback_command', ''));
  c.lines.push(kv(c, c.era === '3.x' || (c.era === '4.1' && chance(c, 0.6)) ? 'fail_over_on_backend_error' : 'failover_on_backend_error', chance(c, 0.5)));
  c.lines.push(kv(c, 'search_primary_node_timeout', pick(c.rnd, [300, 0])));
  if (c.era !== '3.x' && c.era !== '4.1' && chance(c, 0.4)) c.lines.push(kv(c, 'auto_failback', false));
  if (c.era !== '3.x') c.lines.push(kv(c, 'detach_false_primary', false));
  c.lines.push(kv(c, 'recovery_user', 'postgres'));
  c.lines.push(kv(c, 'recovery_password', ''));
  c.lines.push(kv(c, 'recovery_1st_stage_command', pick(c.rnd, ['', 'recovery_1st_stage'])));
}

function cache(c: Ctx): void {
  c.lines.push(kv(c, 'memory_cache_enabled', false));
  c.lines.push(kv(c, 'memqcache_method', 'shmem', 'word'));
  c.lines.push(kv(c, 'memqcache_total_size', pick(c.rnd, ['64MB', '67108864']), 'word'));
  c.lines.push(kv(c, 'memqcache_oiddir', '/var/log/pgpool/oiddir'));
  const old = c.era === '3.x' || c.era === '4.1';
  c.lines.push(kv(c, old ? 'white_memqcache_table_list' : 'cache_safe_memqcache_table_list', ''));
  c.lines.push(kv(c, old ? 'black_memqcache_table_list' : 'cache_unsafe_memqcache_table_list', ''));
  if (c.era === '3.x' && chance(c, 0.5)) c.lines.push(kv(c, 'enable_query_cache', false));
}

/** The watchdog block of 4.0–4.1: this node and the others named apart (shape of saule1508/pgcluster's env). */
function watchdog41(c: Ctx): void {
  c.lines.push(kv(c, 'use_watchdog', false));
  c.lines.push(kv(c, 'trusted_servers', ''));
  c.lines.push(kv(c, 'wd_hostname', 'pgpool-0'));
  // A lone wd_port is 4.1's form; 4.2 and later refuse to start with it (it is per node there).
  if (chance(c, 0.25)) c.lines.push(kv(c, 'wd_port', 9000));
  c.lines.push(kv(c, 'wd_priority', 1));
  c.lines.push(kv(c, 'wd_authkey', ''));
  c.lines.push(kv(c, 'wd_ipc_socket_dir', '/tmp'));
  c.lines.push(kv(c, 'delegate_IP', pick(c.rnd, ['', '10.0.0.100'])));
  if (chance(c, 0.5)) c.lines.push(kv(c, 'if_cmd_path', '/sbin'));
  c.lines.push(kv(c, 'wd_lifecheck_method', 'heartbeat', 'word'));
  c.lines.push(kv(c, 'wd_interval', 10));
  c.lines.push(kv(c, 'wd_heartbeat_port', 9694));
  c.lines.push(kv(c, 'wd_heartbeat_keepalive', 2));
  c.lines.push(kv(c, 'wd_heartbeat_deadtime', 30));
  const others = 1 + Math.floor(c.rnd() * 2);
  for (let i = 0; i < others; i++) {
    c.lines.push(kv(c, `heartbeat_destination${i}`, `pgpool-${i + 1}`));
    c.lines.push(kv(c, `heartbeat_destination_port${i}`, 9694));
    c.lines.push(kv(c, `heartbeat_device${i}`, ''));
  }
  for (let i = 0; i < others; i++) {
    c.lines.push(kv(c, `other_pgpool_hostname${i}`, `pgpool-${i + 1}`));
    c.lines.push(kv(c, `other_pgpool_port${i}`, 9999));
    c.lines.push(kv(c, `other_wd_port${i}`, 9000));
  }
  if (c.era === '3.x' && chance(c, 0.5)) c.lines.push(kv(c, 'ifconfig_path', '/sbin'));
}

/** The watchdog block of 4.2 and later: the same on every node, this node's number in pgpool_node_id. */
function watchdog42(c: Ctx): void {
  c.lines.push(kv(c, 'use_watchdog', c.watchdogOn));
  const n = 2 + Math.floor(c.rnd() * 2);
  for (let i = 0; i < n; i++) {
    c.lines.push(kv(c, `hostname${i}`, `pgpool-${i}.pgpool-headless`));
    c.lines.push(kv(c, `wd_port${i}`, 9000));
    c.lines.push(kv(c, `pgpool_port${i}`, 9999));
  }
  c.lines.push(kv(c, c.era === '4.4' ? 'delegate_ip' : 'delegate_IP', pick(c.rnd, ['', '192.168.1.233'])));
  c.lines.push(kv(c, 'wd_lifecheck_method', 'heartbeat', 'word'));
  c.lines.push(kv(c, 'wd_interval', 10));
  for (let i = 0; i < n; i++) {
    c.lines.push(kv(c, `heartbeat_hostname${i}`, `pgpool-${i}.pgpool-headless`));
    c.lines.push(kv(c, `heartbeat_port${i}`, 9694));
    c.lines.push(kv(c, `heartbeat_device${i}`, ''));
  }
  c.lines.push(kv(c, 'wd_heartbeat_keepalive', 2));
  c.lines.push(kv(c, 'wd_heartbeat_deadtime', 30));
  if (chance(c, 0.4)) c.lines.push(kv(c, 'wd_escalation_command', '/etc/pgpool2/escalation.sh'));
  if (chance(c, 0.3)) c.lines.push(kv(c, 'wd_no_show_node_removal_timeout', 0));
  if (c.era === '4.4' && chance(c, 0.3)) { c.lines.push(kv(c, 'wd_listen_address', '*')); c.lines.push(kv(c, 'wd_listen_port', 9000)); }
  if (c.watchdogOn) c.files['pgpool_node_id'] = `${Math.floor(c.rnd() * n)}\n`;
}

/** Parallel query and its system database: gone since 3.5, still in files that went from 3.x to 4.x untouched. */
function relics3x(c: Ctx): void {
  c.lines.push(kv(c, 'parallel_mode', false));
  c.lines.push(kv(c, 'pgpool2_hostname', ''));
  for (const [k, v] of [['system_db_hostname', 'localhost'], ['system_db_port', 5432], ['system_db_dbname', 'pgpool'], ['system_db_schema', 'pgpool_catalog'], ['system_db_user', 'pgpool'], ['system_db_password', '']] as const) c.lines.push(kv(c, k, v));
  if (chance(c, 0.5)) c.lines.push(kv(c, 'pcp_timeout', 10));
}

/** Misspellings, other programs' names and invented names, as people write them. */
const STRAYS: readonly (readonly [string, string])[] = [
  ['num_init_childs', '32'], ['health_check_timout', '20'], ['listen_address', "'*'"], ['backend_host_name0', "'db0'"],
  ['pool_password', "'pool_passwd'"], ['log_connection', 'on'], ['ssl_ca_crt', "'/etc/pgpool/certs/ca.crt'"],
  ['enable_pool_hab', 'on'], ['sr_check_pasword', "''"], ['health_check_max_retry', '3'], ['Port', '9999'],
  ['ssl_cert_file', "'/etc/pgpool/certs/tls.crt'"], ['ssl_key_file', "'/etc/pgpool/certs/tls.key'"], ['ssl_ca_file', "'/etc/pgpool/certs/ca.crt'"],
  ['ssl_min_protocol_version', "'TLSv1.2'"], ['max_connections', '100'], ['shared_buffers', "'128MB'"], ['password_encryption', "'scram-sha-256'"],
  ['backend_use_ssl', 'on'], ['auto_reattach', 'on'], ['black_funtion_list', "'nextval'"], ['include_dir', "'conf.d'"],
  ['wd_initial_node_showup_time', '0'], ['ssl_crl', "''"], ['unix_socket_directory', "'/tmp'"], ['failover_on_backend_shutdown_', 'on'],
  ['cache_safe_memqcache_table_lists', "''"], ['log_disconnection', 'on'], ['min_spare_child', '5'], ['num_init_children0', '4'],
];

function strays(c: Ctx): void {
  for (const [k, v] of shuffle(c.rnd, STRAYS).slice(0, 1 + Math.floor(c.rnd() * 3))) c.lines.push(`${k} = ${v}`);
}

/** What an empty or unrendered template variable leaves behind (some Pgpool-II accepts, some it refuses). */
const TEMPLATE_ARTEFACTS: readonly string[] = [
  "sr_check_password = ''", 'health_check_password =', "listen_addresses = '${PGPOOL_LISTEN}'", "backend_hostname1 = ''",
  "num_init_children = ''", 'max_pool = ${PGPOOL_MAX_POOL}', 'port = @@PORT@@', "ssl_cert = '{{ .Values.tls.cert }}'",
];

// ---------------------------------------------------------------------------------------------------------------

const ERA_OF: readonly Era[] = ['3.x', '4.1', '4.1', '4.2', '4.2', '4.2', '4.4', '4.4'];
const IMAGES: readonly { base: string; certs: string; hosts: string[] }[] = [
  { base: '/opt/bitnami/pgpool', certs: '/opt/bitnami/pgpool/certs', hosts: ['pg-0.pg-headless.default.svc.cluster.local', 'pg-1.pg-headless.default.svc.cluster.local'] },
  { base: '/etc/pgpool2', certs: '/etc/pgpool2/tls', hosts: ['postgres-primary', 'postgres-replica'] },
  { base: '/etc/pgpool-II', certs: '/var/lib/pgsql/certs', hosts: ['10.0.0.11', '10.0.0.12', '10.0.0.13'] },
  { base: '/config', certs: '/config/ssl', hosts: ['db-master', 'db-slave1'] },
  { base: '/usr/local/etc', certs: '/run/secrets', hosts: ['pgmaster', 'pgslave'] },
];

function header(c: Ctx): string[] {
  switch (c.shape) {
    case 'ansible': return ['# Ansible managed', ''];
    case 'entrypoint': return chance(c, 0.5) ? ['# Generated by the container entrypoint; do not edit'] : [];
    case 'template': return ['# Minimal pgpool.conf rendered from the environment', ''];
    case 'helm': return ['# Source: pgpool/templates/configmap.yaml (pgpool.conf)'];
    default: return [`# pgpool-II configuration file sample (${c.era})`, '#------------------------------------------------------------------------------', ''];
  }
}

/** One file: the era's sections in the shape's order, then what the shape adds. */
function deploymentFile(rnd: () => number, idx: number): CorpusFile {
  const era = pick(rnd, ERA_OF);
  const shape = pick(rnd, ['entrypoint', 'template', 'ansible', 'sample', 'helm'] as const);
  const img = pick(rnd, IMAGES);
  const watchdogOn = (era === '4.2' || era === '4.4') && rnd() < 0.2;
  const c: Ctx = { rnd, era, shape, hosts: img.hosts.slice(0, 1 + Math.floor(rnd() * img.hosts.length)), base: img.base, certs: img.certs, watchdogOn, lines: [], files: {} };
  const sections = [connection, backends, auth, tls, pools, logging, mode, loadBalance, streaming, health, failover, cache];
  const chosen = shape === 'template' ? shuffle(rnd, sections).slice(0, 5) : sections.filter(() => rnd() < 0.8);
  const blocks: string[][] = [];
  for (const s of chosen) {
    c.lines = [];
    s(c);
    if (shape === 'sample') c.lines.unshift('', `#- ${s.name} -`);
    blocks.push(c.lines);
  }
  c.lines = [];
  if (era === '3.x' || era === '4.1') { if (rnd() < 0.7) watchdog41(c); } else if (rnd() < 0.6) watchdog42(c);
  if (c.watchdogOn && !c.lines.length) watchdog42(c);
  if (era === '3.x') relics3x(c);
  blocks.push(c.lines);
  c.lines = [];
  if (rnd() < 0.6) strays(c);
  if (shape === 'template' && rnd() < 0.5) c.lines.push(pick(rnd, TEMPLATE_ARTEFACTS));
  blocks.splice(Math.floor(rnd() * (blocks.length + 1)), 0, c.lines);
  let lines = [...header(c), ...blocks.flat()];
  // helm: the user's extra settings after the chart's (a later value wins, an old name from a blog post included).
  if (shape === 'helm' && rnd() < 0.6) lines.push('# extra configuration (values.yaml: pgpool.extraConfig)', pick(rnd, ['num_init_children = 64', "black_function_list = 'currval'", 'ssl = on', "socket_dir = '/tmp'", "delegate_ip = ''"]));
  // include: part of the settings in another file, before or after the rest (Pgpool-II reads it in place).
  if (rnd() < 0.2) {
    const cut = Math.floor(lines.length / 2) + Math.floor(rnd() * (lines.length / 2));
    const name = pick(rnd, ['conf.d/backends.conf', 'pgpool-extra.conf', 'conf.d/99-overrides.conf']);
    c.files[name] = `# included by pgpool.conf\n${lines.slice(cut).join('\n')}\n`;
    lines = [...lines.slice(0, cut), `include = '${name}'`];
  }
  // A log level above INFO hides the unrecognised names after it; as the very last statement it hides none.
  if (rnd() < 0.3) lines.push(`log_min_messages = ${pick(rnd, ['warning', "'warning'", 'error', 'info'])}`);
  const text = lines.join('\n') + (rnd() < 0.95 ? '\n' : '');
  return { name: `deploy-${String(idx).padStart(3, '0')}-${era}-${shape}`, note: `${shape} file written from the ${era} documentation`, text, files: c.files };
}

/** The deployment-shaped corpus: `count` files (at least 300). */
export function deploymentCorpus(count = 320, seed = 20250307): CorpusFile[] {
  const rnd = prng(seed);
  return Array.from({ length: count }, (_, i) => deploymentFile(rnd, i + 1));
}
