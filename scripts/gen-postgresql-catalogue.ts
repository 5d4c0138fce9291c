/**
 * Generates schemas/postgresql-params.json, the postgresql.conf parameter catalogue of PostgreSQL 15, 16 and 17.
 * Usage (as root or as a user that may run PostgreSQL): node --import tsx scripts/gen-postgresql-catalogue.ts
 *
 * PostgreSQL 15 comes from the server itself: a throw-away cluster (initdb, started on a Unix socket in a temporary
 * folder) answers `pg_settings` (name, type, unit, range, enum values, context, group, short description, built-in
 * default), and `postgres -C name -c name=word` tells which enum spellings it also accepts without listing them
 * (`true`, `yes`, `hot_standby`, ...). Parameters pg_settings hides (`role`, `seed`, ...) are asked for with
 * `postgres -C` too. PostgreSQL 16 and 17 are not installed here: what they add, remove or change is the table below.
 *
 * How the table was verified (every parameter by name, type, context, unit, min/max, enum values with the hidden ones,
 * default, group and short description; scripts/compare-postgresql-catalogue.ts reads a source tree's tables):
 *  - 15: src/backend/utils/misc/guc.c of 15.18 (Debian's source package) against pg_settings of the real 15.20 here:
 *    equal but for the parameters 15.19/15.20 added (`output_plugin_libraries`, `composite_type_mismatch`) and
 *    Debian's own `extension_destdir` (a packaging patch, in Debian's 15 and 17 alike).
 *  - 16: src/backend/utils/misc/guc_tables.c of 16.2 (the postgres repository itself was too large to fetch here, so
 *    no REL_16_x tag was compared: the 16.2 tree of Hap-Hugh/PostgreSQL-16-inject, its own nine parameters left out), plus what later 16.x minor
 *    releases back-patched from the branches around it (in 15.20 and 17.12 alike: `restrict_nonsystem_relation_kind`,
 *    `output_plugin_libraries`, `composite_type_mismatch`; `file_extend_method`, 16.x/17.x only: 15 has no
 *    posix_fallocate extension to choose against).
 *  - 17: pg_settings, `postgres -C` probes and check hooks of a real PostgreSQL 17.12 (Debian's build, run once here).
 * Only facts are taken over; the short descriptions are the server's own one-liners.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const OUT = path.join(__dirname, '..', 'schemas', 'postgresql-params.json');

type PgType = 'bool' | 'int' | 'real' | 'string' | 'enum';
type Context = 'internal' | 'postmaster' | 'sighup' | 'superuser-backend' | 'backend' | 'superuser' | 'user';

interface Facts {
  /** The spelling PostgreSQL shows (`DateStyle`); lookups ignore case. */
  name: string;
  type: PgType;
  unit?: string;
  min?: number;
  max?: number;
  /** Documented enum values (pg_settings.enumvals). */
  enum?: string[];
  /** Enum spellings the server accepts without listing them. */
  hidden?: string[];
  context: Context;
  group: string;
  desc: string;
  /** The built-in default (pg_settings.boot_val), in the parameter's unit. */
  default: string;
  /** A value check beyond type and range that the server makes (a check hook), as a short note. */
  hook?: string;
}

interface Entry extends Facts {
  versions: number[];
  byVersion?: Record<string, Partial<Facts>>;
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL 16 and 17 (guc_tables.c of 17; release notes of 16 and 17)

const INT_MAX = 2147483647;
const MAX_BACKENDS = 262143;
const SLRU_MAX = 131072;
const BOOL_ALIASES = ['true', 'false', 'yes', 'no', '1', '0'];

/** Parameters that 16 added (all still in 17). */
const ADDED_16: Facts[] = [
  { name: 'createrole_self_grant', type: 'string', context: 'user', group: 'Client Connection Defaults / Statement Behavior', desc: 'Sets whether a CREATEROLE user automatically grants the role to themselves, and with which options.', default: '', hook: 'a list of `set` and `inherit`' },
  { name: 'debug_io_direct', type: 'string', context: 'postmaster', group: 'Developer Options', desc: 'Use direct I/O for file access.', default: '', hook: 'a list of `data`, `wal` and `wal_init`' },
  { name: 'debug_logical_replication_streaming', type: 'enum', enum: ['buffered', 'immediate'], context: 'user', group: 'Developer Options', desc: 'Forces immediate streaming or serialization of changes in large transactions.', default: 'buffered' },
  { name: 'debug_parallel_query', type: 'enum', enum: ['off', 'on', 'regress'], hidden: BOOL_ALIASES, context: 'user', group: 'Developer Options', desc: "Forces the planner's use parallel query nodes.", default: 'off' },
  // Back-patched into 16.x and 17.x minor releases (not into 15, which does not extend files with posix_fallocate).
  { name: 'file_extend_method', type: 'enum', enum: ['posix_fallocate', 'write_zeros'], context: 'sighup', group: 'Resource Usage / Disk', desc: 'Selects the method used for extending data files.', default: 'posix_fallocate' },
  { name: 'enable_presorted_aggregate', type: 'bool', context: 'user', group: 'Query Tuning / Planner Method Configuration', desc: "Enables the planner's ability to produce plans that provide presorted input for ORDER BY / DISTINCT aggregate functions.", default: 'on' },
  { name: 'gss_accept_delegation', type: 'bool', context: 'sighup', group: 'Connections and Authentication / Authentication', desc: 'Sets whether GSSAPI delegation should be accepted from the client.', default: 'off' },
  { name: 'icu_validation_level', type: 'enum', enum: ['disabled', 'debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error'], hidden: ['debug', 'info'], context: 'user', group: 'Client Connection Defaults / Locale and Formatting', desc: 'Log level for reporting invalid ICU locale strings.', default: 'warning' },
  { name: 'max_parallel_apply_workers_per_subscription', type: 'int', min: 0, max: 1024, context: 'sighup', group: 'Replication / Subscribers', desc: 'Maximum number of parallel apply workers per subscription.', default: '2' },
  { name: 'reserved_connections', type: 'int', min: 0, max: MAX_BACKENDS, context: 'postmaster', group: 'Connections and Authentication / Connection Settings', desc: 'Sets the number of connection slots reserved for roles with privileges of pg_use_reserved_connections.', default: '0' },
  { name: 'scram_iterations', type: 'int', min: 1, max: INT_MAX, context: 'user', group: 'Connections and Authentication / Authentication', desc: 'Sets the iteration count for SCRAM secret generation.', default: '4096' },
  { name: 'send_abort_for_crash', type: 'bool', context: 'sighup', group: 'Developer Options', desc: 'Send SIGABRT not SIGQUIT to child processes after backend crash.', default: 'off' },
  { name: 'send_abort_for_kill', type: 'bool', context: 'sighup', group: 'Developer Options', desc: 'Send SIGABRT not SIGKILL to stuck child processes.', default: 'off' },
  { name: 'vacuum_buffer_usage_limit', type: 'int', unit: 'kB', min: 0, max: 16777216, context: 'user', group: 'Resource Usage / Memory', desc: 'Sets the buffer pool size for VACUUM, ANALYZE, and autovacuum.', default: '256', hook: '0, or 128 kB and more' },
];

/** Parameters that 17 added. */
const ADDED_17: Facts[] = [
  { name: 'allow_alter_system', type: 'bool', context: 'sighup', group: 'Version and Platform Compatibility / Other Platforms and Clients', desc: 'Allows running the ALTER SYSTEM command.', default: 'on' },
  ...([['commit_timestamp', 'commit timestamp'], ['subtransaction', 'subtransaction'], ['transaction', 'transaction status']] as const).map(([n, what]): Facts => ({
    name: `${n}_buffers`, type: 'int', unit: '8kB', min: 0, max: SLRU_MAX, context: 'postmaster', group: 'Resource Usage / Memory',
    desc: `Sets the size of the dedicated buffer pool used for the ${what} cache.`, default: '0', hook: '0, or a multiple of 16 blocks',
  })),
  ...([['multixact_member', 'MultiXact member', 32], ['multixact_offset', 'MultiXact offset', 16], ['notify', 'LISTEN/NOTIFY message', 16],
    ['serializable', 'serializable transaction', 32]] as const).map(([n, what, d]): Facts => ({
    name: `${n}_buffers`, type: 'int', unit: '8kB', min: 16, max: SLRU_MAX, context: 'postmaster', group: 'Resource Usage / Memory',
    desc: `Sets the size of the dedicated buffer pool used for the ${what} cache.`, default: String(d), hook: 'a multiple of 16 blocks',
  })),
  { name: 'enable_group_by_reordering', type: 'bool', context: 'user', group: 'Query Tuning / Planner Method Configuration', desc: 'Enables reordering of GROUP BY keys.', default: 'on' },
  { name: 'event_triggers', type: 'bool', context: 'superuser', group: 'Client Connection Defaults / Statement Behavior', desc: 'Enables event triggers.', default: 'on' },
  { name: 'huge_pages_status', type: 'enum', enum: ['off', 'on', 'unknown'], context: 'internal', group: 'Preset Options', desc: 'Indicates the status of huge pages.', default: 'unknown' },
  { name: 'io_combine_limit', type: 'int', unit: '8kB', min: 1, max: 32, context: 'user', group: 'Resource Usage / Asynchronous Behavior', desc: 'Limit on the size of data reads and writes.', default: '16' },
  { name: 'max_notify_queue_pages', type: 'int', min: 64, max: INT_MAX, context: 'postmaster', group: 'Resource Usage / Disk', desc: 'Sets the maximum number of allocated pages for NOTIFY / LISTEN queue.', default: '1048576' },
  { name: 'summarize_wal', type: 'bool', context: 'sighup', group: 'Write-Ahead Log / Summarization', desc: 'Starts the WAL summarizer process to enable incremental backup.', default: 'off' },
  { name: 'sync_replication_slots', type: 'bool', context: 'sighup', group: 'Replication / Standby Servers', desc: 'Enables a physical standby to synchronize logical failover replication slots from the primary server.', default: 'off' },
  { name: 'synchronized_standby_slots', type: 'string', context: 'sighup', group: 'Replication / Primary Server', desc: 'Lists streaming replication standby server replication slot names that logical WAL sender processes will wait for.', default: '', hook: 'a list of replication slot names' },
  { name: 'trace_connection_negotiation', type: 'bool', context: 'postmaster', group: 'Developer Options', desc: 'Logs details of pre-authentication connection handshake.', default: 'off' },
  { name: 'transaction_timeout', type: 'int', unit: 'ms', min: 0, max: INT_MAX, context: 'user', group: 'Client Connection Defaults / Statement Behavior', desc: 'Sets the maximum allowed duration of any transaction within a session (not a prepared transaction).', default: '0' },
  { name: 'wal_summary_keep_time', type: 'int', unit: 'min', min: 0, max: Math.floor(INT_MAX / 60), context: 'sighup', group: 'Write-Ahead Log / Summarization', desc: 'Time for which WAL summary files should be kept.', default: '14400' },
];

/** Parameters of 15 gone in 16 (lc_collate and lc_ctype became per-database facts; force_parallel_mode was renamed). */
const REMOVED_16 = ['force_parallel_mode', 'promote_trigger_file', 'vacuum_defer_cleanup_age', 'lc_collate', 'lc_ctype'];
/** Parameters gone in 17. */
const REMOVED_17 = ['db_user_namespace', 'old_snapshot_threshold', 'trace_recovery_messages'];
/** 16 moved the TCP keepalive settings into a group of their own. */
const TCP_GROUP_16: Partial<Facts> = { group: 'Connections and Authentication / TCP Settings' };
/** 17 quotes the parameter names in these short descriptions. */
const QUOTED_17 = (desc: string): Record<string, Partial<Facts>> => ({ 17: { desc } });
/** Facts that changed in a later version (complete for the changed fields). */
const CHANGED: Record<string, Record<string, Partial<Facts>>> = {
  vacuum_buffer_usage_limit: { 17: { default: '2048' } },
  maintenance_work_mem: { 17: { min: 64 } },
  client_connection_check_interval: { 16: TCP_GROUP_16 },
  tcp_keepalives_count: { 16: TCP_GROUP_16 },
  tcp_keepalives_idle: { 16: TCP_GROUP_16 },
  tcp_keepalives_interval: { 16: TCP_GROUP_16 },
  tcp_user_timeout: { 16: TCP_GROUP_16 },
  archive_mode: QUOTED_17('Allows archiving of WAL files using "archive_command".'),
  commit_siblings: QUOTED_17('Sets the minimum number of concurrent open transactions required before performing "commit_delay".'),
  hash_mem_multiplier: QUOTED_17('Multiple of "work_mem" to use for hash tables.'),
  log_statement_sample_rate: QUOTED_17('Fraction of statements exceeding "log_min_duration_sample" to be logged.'),
  maintenance_io_concurrency: QUOTED_17('A variant of "effective_io_concurrency" that is used for maintenance work.'),
  ssl_passphrase_command_supports_reload: QUOTED_17('Controls whether "ssl_passphrase_command" is called during server reload.'),
  // What the server reports of itself: the major version is all the catalogue can say for 16 and 17.
  server_version: { 16: { default: '16.x' }, 17: { default: '17.x' } },
  server_version_num: { 16: { default: '16xxxx', min: 160000, max: 169999 }, 17: { default: '17xxxx', min: 170000, max: 179999 } },
};
/** Renames: the old name, the new one, the version that renamed it. */
const RENAMED: Record<string, { to: string; in: number }> = {
  force_parallel_mode: { to: 'debug_parallel_query', in: 16 },
};

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL 15, from the server

/** Names pg_settings does not show (GUC_NO_SHOW_ALL) but the server knows; their facts as guc.c of 15 has them. */
const HIDDEN_15: Facts[] = [
  { name: 'is_superuser', type: 'bool', context: 'internal', group: 'Ungrouped', desc: 'Shows whether the current user is a superuser.', default: 'off' },
  { name: 'role', type: 'string', context: 'user', group: 'Ungrouped', desc: 'Sets the current role.', default: 'none', hook: 'only `none`: roles cannot be looked up while the file is read' },
  { name: 'session_authorization', type: 'string', context: 'user', group: 'Ungrouped', desc: 'Sets the session user name.', default: '', hook: 'no value: users cannot be looked up while the file is read' },
  { name: 'default_with_oids', type: 'bool', context: 'user', group: 'Version and Platform Compatibility / Previous PostgreSQL Versions', desc: 'WITH OIDS is no longer supported; this can only be false.', default: 'off', hook: 'only off' },
  { name: 'ssl_renegotiation_limit', type: 'int', min: 0, max: 0, context: 'user', group: 'Version and Platform Compatibility / Previous PostgreSQL Versions', desc: 'SSL renegotiation is no longer supported; this can only be 0.', default: '0' },
  { name: 'seed', type: 'real', min: -1, max: 1, context: 'user', group: 'Ungrouped', desc: 'Sets the seed for random-number generation.', default: '0' },
];

/** Words tried on every enum parameter, to find the spellings the server accepts without listing them. */
const PROBES = ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0', 'debug', 'info', 'archive', 'hot_standby', 'fatal', 'panic', 'log', 'none'];

function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', cmd, ...args]] : [cmd, args];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): { code: number | null; out: string } {
  const [c, a] = asServerUser(cmd, args);
  const r = spawnSync(c, a, { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function num(s: string): number | undefined {
  return s === '' ? undefined : Number(s);
}

function mapType(t: string): PgType {
  return ({ bool: 'bool', integer: 'int', real: 'real', string: 'string', enum: 'enum' } as const)[t as 'bool'] ?? (() => { throw new Error(`type ${t}`); })();
}

function fromServer(): { version: string; params: Facts[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-gen-'));
  fs.chmodSync(root, 0o755);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LC_ALL: 'C', HOME: root };
  const data = path.join(root, 'data');
  const sock = path.join(root, 'sock');
  fs.mkdirSync(sock);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', root]);
  const pg = (tool: string) => path.join(PG_BIN, tool);
  let started = false;
  try {
    const init = run(pg('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], env);
    if (init.code !== 0) throw new Error(`initdb failed:\n${init.out}`);
    const start = run(pg('pg_ctl'), ['-D', data, '-w', '-l', path.join(root, 'log'), '-o', `-k ${sock} -c listen_addresses=''`, 'start'], env);
    if (start.code !== 0) throw new Error(`PostgreSQL did not start:\n${start.out}`);
    started = true;
    const q = run('psql', ['-h', sock, '-U', 'postgres', '-XAt', '-F', '\t', '-d', 'postgres', '-c',
      "SELECT name, vartype, coalesce(unit,''), coalesce(min_val,''), coalesce(max_val,''), coalesce(array_to_string(enumvals, '|'),''), context, category, short_desc, coalesce(boot_val,'') FROM pg_settings ORDER BY name",
      '-c', 'SHOW server_version'], env);
    if (q.code !== 0) throw new Error(`psql failed:\n${q.out}`);
    const lines = q.out.trimEnd().split('\n');
    const version = lines.pop()!.split(' ')[0]!;
    const params = lines.map((line): Facts => {
      const [name, type, unit, min, max, enumvals, context, group, desc, boot] = line.split('\t') as string[];
      const f: Facts = { name: name!, type: mapType(type!), context: context as Context, group: group!, desc: desc!, default: boot! };
      if (unit) f.unit = unit;
      if (f.type === 'int' || f.type === 'real') { f.min = num(min!); f.max = num(max!); }
      if (f.type === 'enum') f.enum = enumvals!.split('|');
      return f;
    });
    for (const p of params) {
      if (p.type !== 'enum' || p.context === 'internal') continue;
      const listed = new Set(p.enum!.map(v => v.toLowerCase()));
      const hidden = PROBES.filter(w => !listed.has(w) && run(pg('postgres'), ['-D', data, '-C', p.name, '-c', `${p.name}=${w}`], env).code === 0);
      if (hidden.length) p.hidden = hidden;
    }
    for (const h of HIDDEN_15) {
      if (run(pg('postgres'), ['-D', data, '-C', h.name], env).code !== 0) throw new Error(`${h.name} is not a parameter of this server`);
    }
    return { version, params: [...params, ...HIDDEN_15] };
  } finally {
    if (started) run(pg('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], env);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function main(): void {
  const { version, params } = fromServer();
  const out: Record<string, Entry> = {};
  for (const p of params) out[p.name.toLowerCase()] = { ...p, versions: [15] };
  for (const name of Object.keys(out)) {
    if (!REMOVED_16.includes(name)) out[name]!.versions.push(16);
    if (!REMOVED_16.includes(name) && !REMOVED_17.includes(name)) out[name]!.versions.push(17);
  }
  for (const f of ADDED_16) out[f.name.toLowerCase()] = { ...f, versions: [16, 17] };
  for (const f of ADDED_17) out[f.name.toLowerCase()] = { ...f, versions: [17] };
  for (const [name, byVersion] of Object.entries(CHANGED)) out[name]!.byVersion = byVersion;
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  const json = {
    '//': `Generated by scripts/gen-postgresql-catalogue.ts from pg_settings of PostgreSQL ${version} and the 16/17 changes listed there. Do not edit.`,
    versions: [15, 16, 17],
    source15: version,
    renamed: RENAMED,
    params: sorted,
  };
  const body = Object.entries(json.params).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  const head = JSON.stringify({ ...json, params: undefined }, null, 1).replace(/\n}$/, '');
  fs.writeFileSync(OUT, `${head},\n "params": {\n${body}\n }\n}\n`);
  console.log(`wrote ${OUT}: ${Object.keys(sorted).length} parameters (PostgreSQL ${version} + 16/17)`);
}

main();
