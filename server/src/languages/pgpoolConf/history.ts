/**
 * What became of Pgpool-II's parameter names over time, as data: the names no supported version (4.3–4.7) has any
 * more and what replaced them, the renames inside 4.3–4.7, the values that were renamed, and the names people carry
 * over from PostgreSQL. Facts from Pgpool-II's source (the ConfigureNames* tables of src/config/pool_config_variables.c
 * at each release tag, and src/config/pool_config.l before 3.6) and its release notes (doc/src/sgml/release-*.sgml);
 * the wording is ours. names.ts turns these facts into what one version does with a key.
 */

/** A name Pgpool-II dropped from its parameter table, and what took its place. */
export interface Rename {
  /** The first release whose parameter table no longer has the name (`4.2`; a minor release where it matters). */
  removedIn: string;
  /** The parameter that took over, if any (an array parameter without its node number). */
  successor?: string;
  /** Renaming the key is all it takes: same value, same meaning (a quick fix may do it). */
  mechanical?: boolean;
  /** The old name took a node number (`other_pgpool_hostname0`). */
  perNode?: boolean;
  /** What to write instead, when renaming the key is not enough (a sentence fragment, no final period). */
  instead?: string;
  /** Why the name went, when nothing replaced it (a sentence fragment). */
  why?: string;
}

const WATCHDOG_42 = 'list every Pgpool-II node, this one included, as `hostnameN`, `wd_portN` and `pgpool_portN` '
  + '(the same block on every node) and put each node\'s number in its `pgpool_node_id` file';
const HEARTBEAT_42 = 'list every node, this one included, as `heartbeat_hostnameN`, `heartbeat_portN` and '
  + '`heartbeat_deviceN` (the same block on every node)';

/**
 * Names that no version from 4.3 on knows: each of those versions logs `unrecognized configuration parameter` at INFO
 * and ignores the line. Removal versions are the first tag without the name (pool_config.l before 3.6,
 * pool_config_variables.c from 3.6 on); the 4.2 renames are listed in release-4.2.sgml, "Migration to Version 4.2".
 */
export const OLD_NAMES: Readonly<Record<string, Rename>> = {
  // 4.2: "Cleanup language" (release-4.2.sgml; the real new names are those of pool_config_variables.c V4_2_0).
  white_function_list: { removedIn: '4.2', successor: 'read_only_function_list', mechanical: true },
  black_function_list: { removedIn: '4.2', successor: 'write_function_list', mechanical: true },
  black_query_pattern_list: { removedIn: '4.2', successor: 'primary_routing_query_pattern_list', mechanical: true },
  white_memqcache_table_list: { removedIn: '4.2', successor: 'cache_safe_memqcache_table_list', mechanical: true },
  black_memqcache_table_list: { removedIn: '4.2', successor: 'cache_unsafe_memqcache_table_list', mechanical: true },
  follow_master_command: { removedIn: '4.2', successor: 'follow_primary_command', mechanical: true },
  // 4.2: the clustering mode in one parameter (commit f0fe8fe9). replication_mode stayed in the table (see OBSOLETE).
  master_slave_mode: { removedIn: '4.2', successor: 'backend_clustering_mode' },
  master_slave_sub_mode: { removedIn: '4.2', successor: 'backend_clustering_mode' },
  // 4.2: the watchdog block, identical on every node (commit a840ecb2). 4.0–4.1 named this node and the others apart.
  wd_hostname: { removedIn: '4.2', successor: 'hostname', instead: WATCHDOG_42 },
  other_pgpool_hostname: { removedIn: '4.2', successor: 'hostname', perNode: true, instead: WATCHDOG_42 },
  other_pgpool_port: { removedIn: '4.2', successor: 'pgpool_port', perNode: true, instead: WATCHDOG_42 },
  other_wd_port: { removedIn: '4.2', successor: 'wd_port', perNode: true, instead: WATCHDOG_42 },
  wd_heartbeat_port: { removedIn: '4.2', successor: 'heartbeat_port', instead: HEARTBEAT_42 },
  heartbeat_destination: { removedIn: '4.2', successor: 'heartbeat_hostname', perNode: true, instead: HEARTBEAT_42 },
  heartbeat_destination_port: { removedIn: '4.2', successor: 'heartbeat_port', perNode: true, instead: HEARTBEAT_42 },
  // 4.3.1: the source's name is aligned with the documentation's (release-4.3.sgml, commit 40fee5e9).
  wd_initial_node_showup_time: { removedIn: '4.3.1', successor: 'wd_no_show_node_removal_timeout', mechanical: true },
  // 3.6: the parameter table replaced pool_config.l's key list; these four had already given way.
  allow_inet_domain_socket: { removedIn: '3.6', successor: 'listen_addresses', instead: "`listen_addresses = '*'` (for on) or `''` (for off)" },
  debug_level: { removedIn: '3.6', successor: 'log_min_messages', instead: '`log_min_messages` with a debug level (`debug1` … `debug5`)' },
  print_timestamp: { removedIn: '3.6', successor: 'log_line_prefix', instead: '`%t` in `log_line_prefix`' },
  print_user: { removedIn: '3.6', successor: 'log_line_prefix', instead: '`%u` in `log_line_prefix`' },
  // 3.5: parallel query and its system database went.
  parallel_mode: { removedIn: '3.5', why: 'parallel query was dropped' },
  pgpool2_hostname: { removedIn: '3.5', why: 'it served parallel query, which was dropped' },
  system_db_hostname: { removedIn: '3.5', why: 'the system database of parallel query was dropped' },
  system_db_port: { removedIn: '3.5', why: 'the system database of parallel query was dropped' },
  system_db_dbname: { removedIn: '3.5', why: 'the system database of parallel query was dropped' },
  system_db_schema: { removedIn: '3.5', why: 'the system database of parallel query was dropped' },
  system_db_user: { removedIn: '3.5', why: 'the system database of parallel query was dropped' },
  system_db_password: { removedIn: '3.5', why: 'the system database of parallel query was dropped' },
  backend_socket_dir: { removedIn: '3.5', successor: 'backend_hostname', instead: 'the socket folder as `backend_hostnameN`' },
  pcp_timeout: { removedIn: '3.5', why: 'PCP has no time limit setting any more' },
  ifconfig_path: { removedIn: '3.5', successor: 'if_up_cmd', instead: 'full paths in `if_up_cmd` and `if_down_cmd`' },
  // 3.4: the query cache in a system database gave way to the in-memory query cache (3.2).
  enable_query_cache: { removedIn: '3.4', successor: 'memory_cache_enabled', instead: '`memory_cache_enabled` (the in-memory query cache, which works differently)' },
  replication_timeout: { removedIn: '2.1', why: 'it was dropped long ago' },
};

/**
 * Renames inside 4.3–4.7, old name → new name. The catalogue says which versions have each name; this says that one
 * took the other's place (so a message can name the successor, or the predecessor for an older version).
 */
export const RENAMED_IN_RANGE: Readonly<Record<string, { successor: string; in: string; mechanical: boolean }>> = {
  // release-4.4.sgml: "Rename configuration parameter socket_dir to unix_socket_directories"; the new one is a list.
  socket_dir: { successor: 'unix_socket_directories', in: '4.4', mechanical: true },
  // release-4.4.sgml: delegate_IP still works, with a WARNING (an alias, see catalogue.ts ALIASES).
  delegate_IP: { successor: 'delegate_ip', in: '4.4', mechanical: true },
  // release-4.7.sgml: logdir still works, with a WARNING (an alias).
  logdir: { successor: 'work_dir', in: '4.7', mechanical: true },
};

/**
 * Parameters that arrived in a minor release of the series where the catalogue first has them (the catalogue's
 * columns are the newest minor releases: 4.3.5, 4.4.17, 4.5.12, 4.6.7, 4.7.2). From the tags that first have them.
 */
export const SINCE_MINOR: Readonly<Record<string, string>> = {
  health_check_test: '4.3.1',
  wd_no_show_node_removal_timeout: '4.3.1',
  notice_per_node_statement: '4.4.9',
  wd_listen_address: '4.7.1',
  wd_listen_port: '4.7.1',
  wd_heartbeat_listen_addresses: '4.7.1',
  wd_heartbeat_listen_port: '4.7.1',
};

/**
 * Parameters every version still accepts without a message but that no longer do what their name says.
 * replication_mode: since 4.2 only `backend_clustering_mode` selects the mode; the bool is still read by the
 * failover_when_quorum_exists check and compared between watchdog nodes (pool_config_variables.c, watchdog.c).
 */
export const OBSOLETE: Readonly<Record<string, { since: string; successor: string }>> = {
  replication_mode: { since: '4.2', successor: 'backend_clustering_mode' },
};

/** The mode `backend_clustering_mode` takes for the 4.0–4.1 mode settings (release-4.2.sgml, "Migration"). */
export const SUB_MODE_TO_CLUSTERING: Readonly<Record<string, string>> = {
  stream: 'streaming_replication',
  logical: 'logical_replication',
  slony: 'slony',
};

/** Values renamed in 4.2 ("Cleanup language"): parameter → old value → new value. */
export const OLD_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  backend_flag: { ALWAYS_MASTER: 'ALWAYS_PRIMARY' },
  relcache_query_target: { master: 'primary' },
};

/**
 * Names from PostgreSQL (and other poolers' TLS settings) that Pgpool-II does not have, with its own equivalent when
 * there is one. Pgpool-II ignores them like any unknown name.
 */
export const FOREIGN_NAMES: Readonly<Record<string, { from?: string; equivalent?: string; note?: string }>> = {
  ssl_cert_file: { from: 'PostgreSQL', equivalent: 'ssl_cert' },
  ssl_key_file: { from: 'PostgreSQL', equivalent: 'ssl_key' },
  ssl_ca_file: { from: 'PostgreSQL', equivalent: 'ssl_ca_cert' },
  ssl_min_protocol_version: { from: 'PostgreSQL', note: 'Pgpool-II has no setting for TLS protocol versions and uses OpenSSL\'s defaults' },
  ssl_max_protocol_version: { from: 'PostgreSQL', note: 'Pgpool-II has no setting for TLS protocol versions and uses OpenSSL\'s defaults' },
  ssl_library: { from: 'PostgreSQL', note: 'Pgpool-II has no such setting' },
  client_tls_cert_file: { from: 'PgBouncer', equivalent: 'ssl_cert' },
  client_tls_key_file: { from: 'PgBouncer', equivalent: 'ssl_key' },
  client_tls_ca_file: { from: 'PgBouncer', equivalent: 'ssl_ca_cert' },
  // Seen in a public Docker template (chilla55/docker-images, pgpool-custom/templates/pgpool.conf.tpl).
  backend_use_ssl: { note: '`ssl = on` turns TLS on towards the backends as well as for clients' },
};
