/**
 * Deterministic corpus for the differential test against the real Pgpool-II: pgpool.conf and pool_hba.conf files,
 * valid and invalid. Each file is one "probe" (the construct under test) placed among random valid filler lines
 * with random formatting, plus mixed files with several probes. A seeded PRNG makes every run produce the same
 * files; nothing here says what pgpool thinks of a file (the oracle decides), the notes only say what is tried.
 */

import { prng } from '../helpers';

export { prng };

export interface CorpusFile {
  /** Stable name, e.g. `conf-017-int-out-of-range`. */
  name: string;
  /** What the file tries (free text for failure messages). */
  note: string;
  text: string;
  /**
   * The verdict depends on files the configuration names (none exist, for pgtls as for pgpool): pgtls must run with
   * `checkFiles: true` to judge it.
   */
  checkFiles?: boolean;
  /** Files beside pgpool.conf (relative path → text): included files, `pgpool_node_id`. */
  files?: Readonly<Record<string, string>>;
}

interface Probe {
  id: string;
  note: string;
  /** The lines of the construct under test. */
  lines: string[];
  checkFiles?: boolean;
}

const p = (id: string, note: string, ...lines: string[]): Probe => ({ id, note, lines });
/** A probe whose verdict depends on the files it names. */
const pf = (id: string, note: string, ...lines: string[]): Probe => ({ id, note, lines, checkFiles: true });

// ---------------------------------------------------------------------------------------------------------------
// pgpool.conf

/** Probes: one construct each. Parameter names are all Pgpool-II 4.3 names unless the note says otherwise. */
export const CONF_PROBES: readonly Probe[] = [
  // bool
  p('bool-off', 'plain bool', 'ssl = off'),
  p('bool-prefix-t', 'bool as a unique prefix', 'enable_pool_hba = t'),
  p('bool-prefix-case', 'bool prefix, upper case', 'log_connections = Y'),
  p('bool-prefix-fa', 'bool prefix fa', 'log_hostname = fa'),
  p('bool-upper', 'bool in upper case', 'load_balance_mode = ON'),
  p('bool-quoted-1', 'bool 1 in quotes', "replicate_select = '1'"),
  p('bool-invalid-word', 'invalid bool word: pgpool treats it as ON silently', 'ssl = maybe'),
  p('bool-invalid-2', 'invalid bool 2', 'log_statement = 2'),
  p('bool-ambiguous-o', 'ambiguous bool prefix o', 'connection_cache = o'),
  p('bool-enable', 'invalid bool enable', "allow_clear_text_frontend_auth = 'enable'"),
  p('bool-empty-value', 'bool with = and no value (value is the newline)', 'ssl_prefer_server_ciphers ='),
  p('bool-bare-key', 'bool key alone on its line', 'log_per_node_statement'),
  // integers
  p('int-plain', 'integer', 'port = 5432'),
  p('int-quoted', 'integer in quotes', "port = '5433'"),
  p('int-hex', 'hexadecimal integer', 'port = 0x2000'),
  p('int-octal', 'leading 0 = octal', 'pcp_port = 017777'),
  p('int-plus', 'integer with a + sign', 'port = +5432'),
  p('int-space-in-quotes', 'leading blank inside quotes', "port = ' 5432'"),
  p('int-low', 'below the range', 'port = 80'),
  p('int-high', 'above the range', 'port = 70000'),
  p('int-min-1', 'num_init_children 0 (min 1)', 'num_init_children = 0'),
  p('int-negative', 'negative where min is 0', 'authentication_timeout = -1'),
  p('int-minus-1-ok', 'client_idle_limit_in_recovery allows -1', 'client_idle_limit_in_recovery = -1'),
  p('int-overflow', 'does not fit an int', 'num_init_children = 99999999999'),
  p('int-trailing-letter', 'digits then a letter', 'port = 5432x'),
  p('int-empty-string', 'empty string for an int', "max_pool = ''"),
  p('int-0x-only', '0x with no hex digits', 'max_pool = 0x'),
  p('int-real', 'a real for an int is rounded', 'connect_timeout = 1024.6'),
  p('int-real-rounds-out', '65535.6 rounds to 65536', 'port = 65535.6'),
  p('int-exponent', '1e4 (the lexer splits it)', 'port = 1e4'),
  p('int-semicolon', 'a stray ; after the value', 'port = 5432;'),
  p('int64-big', 'int64 value', 'delay_threshold = 10000000000'),
  p('int-octal-mode', 'octal file mode', 'log_file_mode = 0600'),
  p('int-block-too-small', 'memqcache_cache_block_size below 512', 'memqcache_cache_block_size = 100'),
  p('int-heartbeat-deadtime-0', 'wd_heartbeat_deadtime min 1', 'wd_heartbeat_deadtime = 0'),
  p('int-bounds', 'the range bounds themselves', 'port = 1024', 'pcp_port = 65535', 'log_rotation_size = 2097151'),
  p('int-max', 'INT_MAX', 'child_life_time = 2147483647'),
  p('int-max-plus-1', 'INT_MAX + 1', "child_life_time = '2147483648'"),
  p('int-real-rounds-in', 'a real rounds to a valid int', 'num_init_children = 1.5'),
  p('int64-negative', 'negative int64', 'memqcache_total_size = -1'),
  p('int-hc-negative', 'negative health_check_period', 'health_check_period = -1'),
  p('int-wd-port-low', 'wd_port0 below 1024', 'wd_port0 = 80'),
  // units
  p('unit-quoted-space', 'unit after a blank, in quotes', "child_life_time = '5 min'"),
  p('unit-unquoted', 'unit glued to the number, unquoted', 'child_life_time = 5min'),
  p('unit-unquoted-space', 'unit after a blank, unquoted: the unit becomes an unknown parameter', 'child_life_time = 5 min'),
  p('unit-bad', 'unknown unit', "child_life_time = '5 mins'"),
  p('unit-case', 'units are case-sensitive', 'child_life_time = 5MIN'),
  p('unit-on-unitless', 'unit on a parameter without unit', 'port = 5432ms'),
  p('unit-memory', 'memory unit', "memqcache_maxcache = '400kB'"),
  p('unit-memory-too-big', '1TB in kB exceeds the range', 'log_rotation_size = 1TB'),
  p('unit-day', 'day unit on a minutes parameter', "log_rotation_age = '1d'"),
  p('unit-rounds-to-zero', '30s on a minutes parameter rounds to 0', "log_rotation_age = '30s'"),
  p('unit-int64', 'unit on an int64 parameter', "memqcache_total_size = '64MB'"),
  p('unit-ms-base', 'seconds on a ms parameter', "connect_timeout = '10 s'"),
  p('unit-int64-memory', 'memory unit on delay_threshold', "delay_threshold = '10MB'"),
  p('unit-int64-time', 'time unit on relcache_expire', "relcache_expire = '1h'"),
  p('unit-day-seconds', '1d on a seconds parameter', "child_life_time = '1d'"),
  p('unit-overflow', 'a unit that overflows', "child_life_time = '100000000 d'"),
  p('unit-memory-lower', 'kb (lower case) is not a unit', "memqcache_maxcache = '400kb'"),
  // enums
  p('enum-upper', 'enum in upper case', "backend_clustering_mode = 'RAW'"),
  p('enum-mixed', 'enum in mixed case', "log_standby_delay = 'Always'"),
  p('enum-debug-level', 'log level in upper case', "client_min_messages = 'DEBUG1'"),
  p('enum-unquoted', 'enum unquoted', 'syslog_facility = local3'),
  p('enum-bad', 'unknown enum value', 'backend_clustering_mode = bogus'),
  p('enum-prefix', 'enum prefix is not accepted', "disable_load_balance_on_write = 'trans'"),
  p('enum-bad-method', 'unknown memqcache_method', "memqcache_method = 'disk'"),
  p('enum-bool-like', 'check_temp_table takes on/off as enum words', 'check_temp_table = off'),
  p('enum-bad-level', 'debug6 is no level', "log_min_messages = 'debug6'"),
  p('enum-query', 'wd_lifecheck_method in odd case', "wd_lifecheck_method = 'Query'"),
  // strings and quoting
  p('str-unquoted-slash', 'unquoted /tmp: the value is "/", tmp becomes an unknown parameter', 'socket_dir = /tmp'),
  p('str-unquoted-path', 'unquoted /var/run/pgpool', 'socket_dir = /var/run/pgpool'),
  p('str-unquoted-plus', 'unquoted HIGH:+3DES', 'ssl_ciphers = HIGH:+3DES'),
  p('str-unquoted-bang', 'unquoted HIGH:!aNULL', 'ssl_ciphers = HIGH:!aNULL'),
  p('str-quoted-ciphers', 'quoted cipher list', "ssl_ciphers = 'HIGH:MEDIUM:+3DES:!aNULL'"),
  p('str-doubled-quote', "'' doubling is not supported", "reset_query_list = 'SELECT ''x'''"),
  p('str-double-quotes', 'double quotes are no quotes', 'ssl_ciphers = "HIGH"'),
  p('str-backslash-quote', "\\' keeps the string open", "log_line_prefix = 'it\\'s %p: '"),
  p('str-unterminated', 'unterminated single quote', "ssl_ciphers = 'unterminated"),
  p('str-hash-in-quotes', '# inside quotes', "pool_passwd = 'a#b'"),
  p('str-trailing-comment', 'comment after the value', "wd_lifecheck_query = 'SELECT 1' # keep it cheap"),
  p('str-unquoted-star', 'unquoted * (a stray character is taken as the value)', 'listen_addresses = *'),
  p('str-star', 'quoted *', "listen_addresses = '*'"),
  p('str-percent', 'unquoted %t', 'log_line_prefix = %t'),
  p('str-extra-word', 'a second word after a quoted value', "backend_hostname0 = 'host' extra"),
  p('str-unquoted-word', 'unquoted identifier value', 'sr_check_user = pgpool'),
  p('str-unquoted-dotted', 'unquoted host name with dots and dashes', 'backend_hostname0 = db-0.example.com'),
  p('str-long-cmd', 'command with $ and /', "if_up_cmd = '/usr/bin/sudo /sbin/ip addr add $_IP_$/24 dev eth0 label eth0:0'"),
  p('str-comma-list-43', 'pcp_socket_dir is one string in 4.3', "pcp_socket_dir = '/tmp,/var/run'"),
  // statement syntax
  p('syn-no-equals', 'KEY VALUE without =', 'port 5432'),
  p('syn-two-on-a-line', 'two settings on one line', 'port = 5432 pcp_port = 9898'),
  p('syn-glued', 'two settings glued together', "pcp_socket_dir='/tmp'port=5433"),
  p('syn-digit-key', 'a key starting with a digit', '1port = 5'),
  p('syn-leading-equals', 'a line starting with =', '= 5'),
  p('syn-double-equals', 'port = = 5432', 'port = = 5432'),
  p('syn-tabs', 'tabs around =', 'port\t=\t5432'),
  p('syn-crlf', 'CRLF line ending', 'port = 5432\r'),
  p('syn-non-ascii-key', 'non-ASCII key (unknown parameter)', 'pört = 1'),
  p('syn-comment-quote', 'a quote inside a comment', "port = 5432 # it's fine"),
  // unknown, renamed, versioned names
  p('name-case', 'names are case-sensitive', 'Port = 5432'),
  p('name-unknown', 'unknown parameter', 'no_such_param = 1'),
  p('name-include-dir', 'include_dir does not exist in pgpool', "include_dir = 'conf.d'"),
  p('name-44-only', 'unix_socket_directories is 4.4+', "unix_socket_directories = '/tmp'"),
  p('name-alias', 'fail_over_on_backend_error is a warned alias', 'fail_over_on_backend_error = off'),
  p('name-delegate-ip-43', 'delegate_IP is the 4.3 name', "delegate_IP = '10.0.0.10'"),
  p('name-delegate-ip-lower', 'delegate_ip is 4.4+', "delegate_ip = '10.0.0.10'"),
  // arrays
  p('idx-backend', 'a backend', "backend_hostname0 = 'db0'", 'backend_port0 = 5432', 'backend_weight0 = 1'),
  p('idx-non-digit', 'non-digit index', "backend_hostname0x = 'x'"),
  p('idx-missing', 'missing index', "backend_hostname = 'x'"),
  p('idx-out-of-range', 'index 200', 'backend_port200 = 5432'),
  p('idx-128', 'index 128 (pgpool checks index > 128)', 'backend_port128 = 5432'),
  p('idx-string-128', 'a string array at index 128 (pgpool checks index > 128)', "backend_hostname128 = 'db128'"),
  p('idx-hc-string-128', 'health_check_user128', "health_check_user128 = 'hc'"),
  p('idx-double-128', 'backend_weight128', 'backend_weight128 = 1'),
  p('idx-leading-zero', 'index 01', 'backend_port01 = 5432'),
  p('idx-negative', 'backend_port-1', 'backend_port-1 = 5432'),
  p('idx-heartbeat-255', 'heartbeat index 255', "heartbeat_hostname255 = 'hb'"),
  p('idx-heartbeat-256', 'heartbeat index 256', "heartbeat_hostname256 = 'hb'"),
  p('idx-hc-default', 'health_check_period without index', 'health_check_period = 10'),
  p('idx-hc-indexed', 'health_check_period0', "health_check_period0 = '5s'"),
  p('idx-hc-default-unit', 'a unit on the index-free health_check_period', "health_check_period = '10s'"),
  p('idx-hc-default-unit-unquoted', 'a unit on the index-free health_check_retry_delay', 'health_check_retry_delay = 1s'),
  p('idx-hc-indexed-unit-ms', 'seconds on connect_timeout0 (ms)', "connect_timeout0 = '10 s'"),
  p('idx-hc-out-of-range', 'health_check_timeout200', 'health_check_timeout200 = 5'),
  p('idx-weight-abc', 'backend_weight0 = abc (atof)', 'backend_weight0 = abc'),
  p('idx-weight-negative', 'negative weight', 'backend_weight0 = -1'),
  p('idx-weight-exponent', 'weight 1e3', 'backend_weight0 = 1e3'),
  p('idx-weight-dot', 'weight .5', 'backend_weight0 = .5'),
  p('idx-weight-high', 'weight above 100000000', 'backend_weight0 = 100000001'),
  p('idx-pgpool-port', 'pgpool_port0 and heartbeat_port0', 'pgpool_port0 = 9999', 'heartbeat_port0 = 9694'),
  p('idx-empty-hostname', 'an empty backend host name', "backend_hostname0 = ''", 'backend_port0 = 5432'),
  p('idx-flag-ok', 'two valid flags', "backend_flag0 = 'ALLOW_TO_FAILOVER|ALWAYS_PRIMARY'"),
  p('idx-flag-conflict', 'conflicting flags', "backend_flag0 = 'ALLOW_TO_FAILOVER|DISALLOW_TO_FAILOVER'"),
  p('idx-flag-unknown', 'unknown flag', "backend_flag0 = 'FOO'"),
  p('idx-wd-port', 'wd_port0', 'wd_port0 = 9000'),
  p('idx-hostname', 'hostname0', "hostname0 = 'pgpool0'"),
  p('idx-data-dir', 'backend_data_directory0', "backend_data_directory0 = '/var/lib/postgresql/15/main'"),
  p('idx-app-name', 'backend_application_name0', "backend_application_name0 = 'server0'"),
  p('idx-hc-user', 'health_check_user without index', "health_check_user = 'hc'"),
  // validated strings
  p('val-log-dest', 'two log destinations', "log_destination = 'stderr,syslog'"),
  p('val-log-dest-bad', 'unknown log destination', "log_destination = 'file'"),
  p('val-redirect-ok', 'a redirect list', "database_redirect_preference_list = 'postgres:primary,mydb[0-4]:1'"),
  p('val-redirect-no-colon', 'a redirect entry without :', "database_redirect_preference_list = 'postgres'"),
  p('val-redirect-weight', 'app_name redirect with a weight', "app_name_redirect_preference_list = 'psql:standby(0.3)'"),
  p('val-redirect-bad-node', 'redirect to an unknown node spec', "app_name_redirect_preference_list = 'psql:nowhere'"),
  // duplicates
  p('dup-bad-then-good', 'an invalid value overridden later', 'port = 80', 'port = 5432'),
  p('dup-good', 'the same key twice', 'port = 5432', 'port = 5433'),
  // cross-checks
  p('cross-dynamic-43', 'dynamic process management is 4.4+ (unknown in 4.3)', 'process_management_mode = dynamic', 'min_spare_children = 10', 'max_spare_children = 5'),
  p('cross-recovery-no-datadir', 'recovery_1st_stage_command with a backend and no data directory', "backend_hostname0 = 'db0'", 'backend_port0 = 5432', "recovery_1st_stage_command = 'recovery_1st_stage'"),
  p('cross-recovery-datadir', 'recovery_1st_stage_command with a data directory', "backend_hostname0 = 'db0'", 'backend_port0 = 5432', "backend_data_directory0 = '/data'", "recovery_1st_stage_command = 'recovery_1st_stage'"),
  p('cross-native-quorum', 'native replication with failover_when_quorum_exists', "backend_clustering_mode = 'native_replication'", 'failover_when_quorum_exists = on', 'use_watchdog = off'),
  pf('cross-ssl-files', 'ssl on with files that do not exist (only checked at start)', 'ssl = on', "ssl_cert = 'server.crt'", "ssl_key = 'server.key'"),
  p('ssl-bad-curve', 'ssl on with an unknown ECDH curve (pgpool starts, SSL off)', 'ssl = on', "ssl_ecdh_curve = 'nocurve'"),
  p('ssl-bad-ciphers', 'ssl on with a cipher list that matches nothing (pgpool starts, SSL off)', 'ssl = on', "ssl_ciphers = 'NOTACIPHER'"),
  p('bool-two-words', 'ssl = yes please', 'ssl = yes please'),
  p('cross-reserved', 'reserved_connections', 'reserved_connections = 1', 'num_init_children = 1'),
  p('cross-empty-hostname', 'a backend port without a host name', 'backend_port0 = 5432'),
];

interface Filler { key: string; values: string[] }

/** Valid 4.3 settings for the space around a probe (keys a probe uses are left out of its file). */
const CONF_FILLERS: readonly Filler[] = [
  { key: 'num_init_children', values: ['32', '4', "'16'", '100'] },
  { key: 'max_pool', values: ['4', '1', "'2'"] },
  { key: 'child_life_time', values: ['300', "'5min'", '120s', "'1 h'"] },
  { key: 'log_connections', values: ['on', 'off', 'true', 'no', "'yes'"] },
  { key: 'log_hostname', values: ['off', 'false', 'on'] },
  { key: 'connection_life_time', values: ['0', '600', "'10 min'"] },
  { key: 'sr_check_period', values: ['10', "'30s'", '0'] },
  { key: 'log_line_prefix', values: ["'%m: %a pid %p: '", "'%t [%p] '"] },
  { key: 'reset_query_list', values: ["'ABORT; DISCARD ALL'", "'ABORT; RESET ALL; SET SESSION AUTHORIZATION DEFAULT'"] },
  { key: 'client_idle_limit', values: ['0', '300'] },
  { key: 'load_balance_mode', values: ['on', 'off'] },
  { key: 'listen_backlog_multiplier', values: ['2', '3'] },
  { key: 'sr_check_user', values: ["'pgpool'", "'nobody'"] },
  { key: 'health_check_max_retries', values: ['3', '0'] },
  { key: 'wd_lifecheck_dbname', values: ["'template1'", "'postgres'"] },
  { key: 'logdir', values: ["'/tmp'", "'/var/log/pgpool'"] },
  { key: 'log_error_verbosity', values: ['default', "'verbose'", 'terse'] },
  { key: 'relcache_size', values: ['256', '1024'] },
  { key: 'insert_lock', values: ['on', 'off'] },
  { key: 'memqcache_expire', values: ['0', "'1h'"] },
];

const COMMENTS = ['# pgpool.conf', '# - Connection settings -', '#port = 9999', '# a comment with \'quotes\' and "doubles"', '#------------------------------------------------------------', ''];

export function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

export function shuffle<T>(rnd: () => number, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [a[i], a[j]] = [a[j]!, a[i]!]; }
  return a;
}

function fillerLine(rnd: () => number, f: Filler): string {
  const v = pick(rnd, f.values);
  const sep = pick(rnd, [' = ', '=', '   =  ', ' ', '\t= ']);
  const indent = rnd() < 0.1 ? pick(rnd, ['  ', '\t']) : '';
  const tail = rnd() < 0.2 ? pick(rnd, [' # default', '\t\t# tuned', '  ']) : '';
  return `${indent}${f.key}${sep}${v}${tail}`;
}

/** The parameter names a probe's lines set (roughly: the first word of each line, its index stripped). */
function probeKeys(pr: Probe): Set<string> {
  const out = new Set<string>();
  for (const l of pr.lines) {
    for (const m of l.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z_0-9]*)\s*=/g)) out.add(m[1]!.replace(/\d+$/, ''));
    const first = /^\s*([A-Za-z_][A-Za-z_0-9]*)/.exec(l);
    if (first) out.add(first[1]!.replace(/\d+$/, ''));
  }
  return out;
}

function confFile(rnd: () => number, probes: readonly Probe[]): string {
  const used = new Set<string>();
  for (const pr of probes) for (const k of probeKeys(pr)) used.add(k);
  const fillers = shuffle(rnd, CONF_FILLERS.filter(f => !used.has(f.key))).slice(0, Math.floor(rnd() * 6));
  const blocks: string[][] = fillers.map(f => [fillerLine(rnd, f)]);
  if (rnd() < 0.5) blocks.push([pick(rnd, COMMENTS)]);
  for (const pr of probes) blocks.splice(Math.floor(rnd() * (blocks.length + 1)), 0, pr.lines);
  const lines = blocks.flat();
  if (rnd() < 0.3) lines.unshift('# generated by the pgtls differential test');
  // A comment on a last line without a newline is a syntax error for pgpool (its own probe below): keep the newline then.
  const noNewline = rnd() < 0.1 && !lines[lines.length - 1]!.includes('#');
  return lines.join('\n') + (noNewline ? '' : '\n');
}

/** The pgpool.conf corpus: one file per probe, then mixed files with several probes. */
export function pgpoolConfCorpus(seed = 20240611): CorpusFile[] {
  const rnd = prng(seed);
  const out: CorpusFile[] = [];
  const num = () => String(out.length + 1).padStart(3, '0');
  const withFiles = (probes: readonly Probe[]) => (probes.some(x => x.checkFiles) ? { checkFiles: true } : {});
  for (const pr of CONF_PROBES) out.push({ name: `conf-${num()}-${pr.id}`, note: pr.note, text: confFile(rnd, [pr]), ...withFiles([pr]) });
  // mixed files: several probes at once (the ones pgpool rejects and the ones it accepts, mixed at random)
  for (let i = 0; i < 16; i++) {
    const probes = shuffle(rnd, CONF_PROBES).slice(0, 2 + Math.floor(rnd() * 3));
    out.push({ name: `conf-${num()}-mixed`, note: `mixed: ${probes.map(x => x.id).join(', ')}`, text: confFile(rnd, probes), ...withFiles(probes) });
  }
  out.push({ name: `conf-${num()}-eof-comment`, note: 'a comment on the last line, no newline after it', text: 'port = 5432\n# last line' });
  out.push({ name: `conf-${num()}-eof-trailing-comment`, note: 'a trailing comment on the last line, no newline after it', text: 'port = 5432 # the port' });
  out.push({ name: `conf-${num()}-eof-value`, note: 'the last line has no newline', text: "num_init_children = 8\nlisten_addresses = '*'" });
  out.push({ name: `conf-${num()}-empty`, note: 'empty file', text: '' });
  out.push({ name: `conf-${num()}-comments-only`, note: 'comments only', text: '# nothing here\n\n   # indented comment\n' });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// pool_hba.conf

/** Probes: one record each (or a few lines). */
export const HBA_PROBES: readonly Probe[] = [
  // types
  p('local-trust', 'local record', 'local all all trust'),
  p('host-v4', 'host with IPv4 CIDR', 'host all all 127.0.0.1/32 md5'),
  p('host-v6', 'host with IPv6 CIDR', 'host all all ::1/128 scram-sha-256'),
  p('hostssl-cert', 'hostssl with ssl = off (never matches)', 'hostssl all all 0.0.0.0/0 cert'),
  p('hostnossl', 'hostnossl', 'hostnossl all all 10.0.0.0/8 password'),
  p('hostgssenc', 'hostgssenc is not a pgpool type', 'hostgssenc all all all trust'),
  p('hostnogssenc', 'hostnogssenc is not a pgpool type', 'hostnogssenc all all all trust'),
  p('type-upper', 'HOST in upper case', 'HOST all all all trust'),
  p('type-list', 'a list of types', 'host,local all all all trust'),
  p('type-quoted', 'quoted type', '"host" all all all trust'),
  p('type-unknown', 'unknown type', 'hots all all all trust'),
  // addresses
  p('addr-all', 'address all', 'host all all all md5'),
  p('addr-samehost', 'samehost', 'host all all samehost trust'),
  p('addr-samenet', 'samenet', 'host all all samenet trust'),
  p('addr-mask-form', 'address and netmask', 'host all all 192.168.1.0 255.255.255.0 trust'),
  p('addr-mask-form-v6', 'IPv6 address and netmask', 'host all all 2001:db8:: ffff:ffff:: md5'),
  p('addr-mask-noncontig', 'non-contiguous netmask', 'host all all 127.0.0.1 255.0.255.0 trust'),
  p('addr-mask-mismatch', 'IPv4 address with an IPv6 mask', 'host all all 127.0.0.1 ffff::0 trust'),
  p('addr-mask-no-method', 'address and mask but no method', 'host all all 192.168.1.0 255.255.255.0'),
  p('addr-method-as-mask', 'address without CIDR: the method is taken as the mask', 'host all all 127.0.0.1 trust'),
  p('addr-cidr-33', 'CIDR /33', 'host all all 127.0.0.1/33 trust'),
  p('addr-cidr-129', 'IPv6 CIDR /129', 'host all all ::1/129 trust'),
  p('addr-cidr-empty', 'empty CIDR', 'host all all 127.0.0.1/ trust'),
  p('addr-cidr-letters', 'CIDR letters', 'host all all 127.0.0.1/abc trust'),
  p('addr-host-bits', 'host bits set under the mask', 'host all all 10.0.0.1/8 trust'),
  p('addr-v6-net', 'IPv6 network', 'host all all 2001:db8::/32 md5'),
  p('addr-v6-link-local', 'IPv6 link-local', 'host all all fe80::/10 reject'),
  p('addr-v6-full-mask', 'IPv6 address with a full netmask', 'host all all ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff trust'),
  p('addr-v4-zero', '0.0.0.0/0', 'host all all 0.0.0.0/0 md5'),
  p('addr-v4-mapped', 'IPv4-mapped IPv6', 'host all all ::ffff:127.0.0.1/128 trust'),
  p('addr-hostname', 'host name', 'host all all db.example.com md5'),
  p('addr-suffix', 'host name suffix', 'host all all .example.com md5'),
  p('addr-hostname-cidr', 'host name with CIDR', 'host all all example.com/24 md5'),
  p('addr-five-octets', '1.2.3.4.5 is a host name', 'host all all 1.2.3.4.5 trust'),
  p('addr-bad-octet-cidr', '256.1.1.1/32', 'host all all 256.1.1.1/32 trust'),
  p('addr-list', 'two addresses', 'host all all 127.0.0.1/32,10.0.0.0/8 trust'),
  p('addr-missing', 'no address', 'host all all'),
  // missing fields
  p('miss-user', 'no user', 'local all'),
  p('miss-db', 'type only', 'local'),
  p('miss-method', 'no method', 'host all all 127.0.0.1/32'),
  p('local-with-address', 'local with an address: it is taken as the method', 'local all all 127.0.0.1/32 trust'),
  // databases and users
  p('db-keywords', 'sameuser database', 'host sameuser all all md5'),
  p('db-samerole', 'samerole database', 'host samerole all all md5'),
  p('db-replication', 'replication is a plain name', 'host replication all all md5'),
  p('db-quoted-all', 'quoted all', 'host "all" "all" all trust'),
  p('db-quoted-space', 'quoted name with a blank', 'host "my db" all all trust'),
  p('db-lists', 'comma lists', 'host db1,db2 u1,u2 all md5'),
  p('db-list-blank-after', 'a blank after a comma', 'host db1, db2 all all md5'),
  p('db-list-blank-before', 'a blank before a comma splits the field', 'host db1 ,db2 all all md5'),
  p('user-group', '+group user', 'host all +admins all md5'),
  p('db-token-too-long', 'a 300-character database name', `host ${'d'.repeat(300)} all all md5`),
  p('db-unterminated-quote', 'unterminated double quote', 'host "unterminated all all trust'),
  p('db-empty-quoted', 'empty quoted database', 'host "" all all trust'),
  // methods
  p('m-scram', 'scram-sha-256', 'host all all 0.0.0.0/0 scram-sha-256'),
  p('m-reject', 'reject', 'host all all all reject'),
  p('m-quoted', 'quoted method', 'host all all all "trust"'),
  p('m-ident', 'ident', 'host all all all ident'),
  p('m-peer', 'peer', 'local all all peer'),
  p('m-gss', 'gss', 'host all all all gss'),
  p('m-sspi', 'sspi', 'host all all all sspi'),
  p('m-radius', 'radius', 'host all all all radius'),
  p('m-bsd', 'bsd', 'local all all bsd'),
  p('m-upper', 'MD5', 'host all all all MD5'),
  p('m-scram-short', 'scram', 'host all all all scram'),
  p('m-list', 'a list of methods', 'host all all all md5,trust'),
  p('m-cert-host', 'cert on host (pgpool accepts, PostgreSQL does not)', 'host all all all cert'),
  p('m-cert-local', 'cert on local', 'local all all cert'),
  p('m-pam', 'pam with pamservice', 'local all all pam pamservice=pgpool'),
  p('m-pam-hostname', 'pam_use_hostname', 'host all all all pam pam_use_hostname=1'),
  // options
  p('o-ldap-basedn', 'ldap with a quoted basedn', 'host all all all ldap ldapserver=ldap.example.com ldapbasedn="dc=example,dc=com"'),
  p('o-ldap-no-base', 'ldap without basedn/prefix/suffix', 'host all all all ldap ldapserver=ldap.example.com'),
  p('o-ldap-prefix', 'ldap simple bind', 'host all all all ldap ldapserver=ldap.example.com ldapprefix="cn=" ldapsuffix=", dc=example, dc=com"'),
  p('o-ldap-prefix-basedn', 'ldapprefix with ldapbasedn', 'host all all all ldap ldapserver=x ldapbasedn="dc=x" ldapprefix="cn="'),
  p('o-ldap-attr-filter', 'ldapsearchattribute with ldapsearchfilter', 'host all all all ldap ldapserver=x ldapbasedn="dc=x" ldapsearchattribute=uid ldapsearchfilter="(uid=$username)"'),
  p('o-ldap-port', 'ldapport not a number', 'host all all all ldap ldapserver=x ldapbasedn="dc=x" ldapport=abc'),
  p('o-ldap-scheme', 'ldapscheme=ftp', 'host all all all ldap ldapserver=x ldapbasedn="dc=x" ldapscheme=ftp'),
  p('o-ldap-scheme-ok', 'ldapscheme=ldaps', 'host all all all ldap ldapserver=x ldapbasedn="dc=x" ldapscheme=ldaps'),
  p('o-ldap-url', 'ldapurl', 'host all all all ldap ldapurl="ldap://ldap.example.com/dc=example,dc=com?uid?sub"'),
  p('o-ldap-url-scheme', 'ldapurl with http', 'host all all all ldap ldapurl="http://ldap.example.com/dc=x"'),
  p('o-ldap-tls', 'ldaptls', 'host all all all ldap ldapserver=x ldapbasedn="dc=x" ldaptls=1'),
  p('o-backend-use-passwd', 'pgpool-only backend_use_passwd', 'host all all all ldap ldapserver=x ldapbasedn="dc=x" backend_use_passwd=1'),
  p('o-pamservice-md5', 'pamservice on md5 (pgpool logs, keeps the line)', 'host all all all md5 pamservice=x'),
  p('o-pam-hostname-trust', 'pam_use_hostname on trust', 'host all all all trust pam_use_hostname=1'),
  p('o-ldap-bind', 'ldap search+bind', 'host all all all ldap ldapserver=x ldapbasedn="dc=x" ldapsearchattribute=uid ldapbinddn="cn=admin" ldapbindpasswd=secret'),
  p('o-ldap-suffix-port', 'ldapsuffix and ldapport', 'host all all all ldap ldapserver=x ldapsuffix=",dc=x" ldapport=389'),
  p('o-ldap-url-prefix', 'ldapurl with ldapprefix', 'host all all all ldap ldapurl="ldap://x/dc=x?uid?sub" ldapprefix="cn="'),
  p('o-ldapserver-trust', 'ldapserver on trust', 'host all all 127.0.0.1/32 trust ldapserver=x'),
  p('o-option-no-value', 'pamservice without =', 'host all all all pam pamservice'),
  p('o-option-empty-value', 'pamservice= with no value', 'local all all pam pamservice='),
  p('o-ldaptls-md5', 'an ldap option on md5', 'host all all all md5 ldaptls=1'),
  p('o-clientcert', 'clientcert is a PostgreSQL option', 'hostssl all all all cert clientcert=verify-full'),
  p('o-clientcert-scram', 'clientcert on scram', 'hostssl all all all scram-sha-256 clientcert=verify-ca'),
  p('o-map', 'map= on cert', 'hostssl all all all cert map=m1'),
  p('o-include-realm', 'include_realm', 'host all all all md5 include_realm=0'),
  p('o-not-name-value', 'an option without =', 'host all all all md5 extra'),
  p('o-unknown', 'an unknown option', 'local all all trust foo=bar'),
  // formatting
  p('f-comment', 'trailing comment', 'host all all all trust # note'),
  p('f-tabs', 'tab separated', 'host\tall\tall\t127.0.0.1/32\ttrust'),
  p('f-indent', 'indented record', '   local   all   all   trust'),
  p('f-crlf', 'CRLF line ending', 'local all all md5\r'),
  p('f-line-too-long', 'a line longer than 8192 bytes', `host all all all md5 # ${'x'.repeat(9000)}`),
];

const HBA_FILLERS: readonly string[] = [
  'local   all         all                           trust',
  'host    all         all         127.0.0.1/32      md5',
  'host    all         all         ::1/128           scram-sha-256',
  'host    sameuser    all         10.0.0.0/8        md5',
  'hostnossl db1,db2   app         192.168.0.0 255.255.0.0 password',
  'local   postgres    postgres                      pam pamservice=pgpool',
  'host    all         +admins     samenet           reject',
  'host    all         all         0.0.0.0/0         scram-sha-256',
];

const HBA_COMMENTS = ['# TYPE  DATABASE    USER        CIDR-ADDRESS          METHOD', '# "local" is for Unix domain socket connections only', '', '   # indented comment'];

function hbaFile(rnd: () => number, probes: readonly Probe[]): string {
  const blocks: string[][] = shuffle(rnd, HBA_FILLERS).slice(0, Math.floor(rnd() * 4)).map(l => [l]);
  if (rnd() < 0.6) blocks.unshift([pick(rnd, HBA_COMMENTS)]);
  for (const pr of probes) blocks.splice(Math.floor(rnd() * (blocks.length + 1)), 0, pr.lines);
  return blocks.flat().join('\n') + (rnd() < 0.9 ? '\n' : '');
}

/** The pool_hba.conf corpus: one file per probe, mixed files, and whole-file cases. */
export function poolHbaCorpus(seed = 20240612): CorpusFile[] {
  const rnd = prng(seed);
  const out: CorpusFile[] = [];
  const num = () => String(out.length + 1).padStart(3, '0');
  for (const pr of HBA_PROBES) out.push({ name: `hba-${num()}-${pr.id}`, note: pr.note, text: hbaFile(rnd, [pr]) });
  for (let i = 0; i < 14; i++) {
    const probes = shuffle(rnd, HBA_PROBES.filter(x => x.id !== 'f-line-too-long')).slice(0, 2 + Math.floor(rnd() * 3));
    out.push({ name: `hba-${num()}-mixed`, note: `mixed: ${probes.map(x => x.id).join(', ')}`, text: hbaFile(rnd, probes) });
  }
  out.push({ name: `hba-${num()}-empty`, note: 'empty file', text: '' });
  out.push({ name: `hba-${num()}-comments-only`, note: 'comments and blank lines only', text: '# TYPE DATABASE USER ADDRESS METHOD\n\n   # nothing\n' });
  out.push({ name: `hba-${num()}-fillers-only`, note: 'a typical valid file', text: HBA_FILLERS.join('\n') + '\n' });
  return out;
}
