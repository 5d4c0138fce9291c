/**
 * The value checks of string parameters whose check hooks refuse a value at startup (hooks.ts has the parsers), and
 * the one cross-setting check an assign hook makes: at most one recovery target. PostgreSQL reports either as
 * `invalid value for parameter` (or `multiple recovery targets specified`) and does not start.
 * Deliberately not checked, each verified with PostgreSQL 15 here: `lc_messages`, `lc_monetary`, `lc_numeric`,
 * `lc_time` (check_locale: a locale the server's machine lacks IS refused at start, but which locales exist is a fact
 * of that machine, not of the file); `default_text_search_config` (looked up only inside a database session, so any
 * name starts); `shared_preload_libraries` (files of the server's machine); `log_line_prefix` (no hook: unknown
 * escapes are printed as they are). `wal_consistency_checking`: an unknown name is deferred until the preloaded
 * libraries could register it as a custom resource manager (`postgres -C` accepts it), then checked again, FATAL at a
 * real start (checked with PostgreSQL 15): an error without `shared_preload_libraries`, a warning with them.
 */
import type { ValidateContext } from '../../../core/language';
import type { ServiceEnv, Span } from '../../../core/types';
import type { Param } from '../catalogue';
import type { EffectiveSetting } from '../effective';
import {
  checkClientEncoding, checkDateStyle, checkLogDestination, checkLsn, checkRecoveryTarget, checkRecoveryTargetName,
  checkRecoveryTargetTime, checkSearchPath, checkSyncStandbyNames, checkTimeZone, checkUnsignedOverflow,
  checkKeywordList, checkRole, checkSessionAuthorization, checkSlotList, splitIdentifiers,
} from '../hooks';
import { R } from '../rules';

const FATAL = 'PostgreSQL refuses to start ("invalid value for parameter"; a reload would skip this line)';

const ACCEPTS: Readonly<Record<string, string>> = {
  datestyle: 'one output style (ISO, SQL, Postgres, German) and/or one field order (DMY, MDY, YMD), e.g. `\'ISO, DMY\'`',
  log_destination: 'a comma-separated list of `stderr`, `csvlog`, `jsonlog` and `syslog`',
  search_path: 'schema names separated by commas, e.g. `\'"$user", public\'`',
  client_encoding: 'an encoding name such as `UTF8`, `LATIN1`, `SQL_ASCII` (any case, `-`/`_` ignored)',
  synchronous_standby_names: 'a list of standby names, `N (names)`, `FIRST N (names)` or `ANY N (names)` with N ≥ 1; `*` matches any standby; quote names with other characters in double quotes',
  recovery_target_lsn: 'an LSN like `0/16B3748`, or nothing',
  recovery_target: '`immediate` or nothing',
  recovery_target_name: 'a restore point name of at most 63 bytes',
  recovery_target_time: 'an absolute timestamp such as `2024-05-01 12:00:00+00`',
  recovery_target_timeline: '`current`, `latest` or a timeline number',
  recovery_target_xid: 'a transaction id',
  timezone: 'a tz database name such as `UTC` or `Europe/Berlin`, a POSIX zone such as `EST5EDT`, or hours east of UTC such as `+5`',
  createrole_self_grant: 'a comma-separated list of `set` and `inherit`, or nothing',
  debug_io_direct: 'a comma-separated list of `data`, `wal` and `wal_init`, or nothing',
  synchronized_standby_slots: 'replication slot names separated by commas',
  role: '`none` only (remove the line; set roles per user with ALTER ROLE … SET)',
  session_authorization: 'no value in the configuration file (remove the line)',
  default_with_oids: '`off` only (remove the line)',
  vacuum_buffer_usage_limit: '0, or 128 kB to 16 GB',
  commit_timestamp_buffers: '0 (automatic) or a multiple of 16 blocks (128 kB)',
  subtransaction_buffers: '0 (automatic) or a multiple of 16 blocks (128 kB)',
  transaction_buffers: '0 (automatic) or a multiple of 16 blocks (128 kB)',
  multixact_member_buffers: 'a multiple of 16 blocks (128 kB)',
  multixact_offset_buffers: 'a multiple of 16 blocks (128 kB)',
  notify_buffers: 'a multiple of 16 blocks (128 kB)',
  serializable_buffers: 'a multiple of 16 blocks (128 kB)',
  log_timezone: 'a tz database name such as `UTC` or `Europe/Berlin`, or a POSIX zone such as `EST5EDT`',
};

const zoneCache = new WeakMap<ServiceEnv, ReadonlySet<string>>();

/** schemas/postgresql-timezones.json (scripts/gen-postgresql-timezones.ts), lower-cased, once per environment. */
function zones(ctx: ValidateContext): ReadonlySet<string> {
  let set = zoneCache.get(ctx.env);
  if (!set) {
    const json = ctx.env.loadJson('postgresql-timezones.json') as { names?: string[] };
    set = new Set((json.names ?? []).map(n => n.toLowerCase()));
    zoneCache.set(ctx.env, set);
  }
  return set;
}

/** The reason PostgreSQL refuses `value` for `name` (lower case), or undefined. */
function verdict(name: string, value: string, ctx: ValidateContext): string | undefined {
  switch (name) {
    case 'datestyle': return checkDateStyle(value);
    case 'log_destination': return checkLogDestination(value);
    case 'search_path': return checkSearchPath(value);
    case 'client_encoding': return checkClientEncoding(value);
    case 'synchronous_standby_names': return checkSyncStandbyNames(value);
    case 'recovery_target_lsn': return checkLsn(value);
    case 'recovery_target': return checkRecoveryTarget(value);
    case 'recovery_target_name': return checkRecoveryTargetName(value);
    case 'recovery_target_time': return checkRecoveryTargetTime(value);
    case 'recovery_target_timeline':
    case 'recovery_target_xid': return checkUnsignedOverflow(value);
    case 'timezone': return checkTimeZone(value, zones(ctx), false);
    case 'log_timezone': return checkTimeZone(value, zones(ctx), true);
    case 'createrole_self_grant': return checkKeywordList(value, ['set', 'inherit']);
    case 'debug_io_direct': return checkKeywordList(value, ['data', 'wal', 'wal_init']);
    case 'synchronized_standby_slots':
    case 'wal_consistency_checking': return checkSlotList(value);
    case 'role': return checkRole(value);
    case 'session_authorization': return checkSessionAuthorization();
    default: return undefined;
  }
}

/** The check hook of a string parameter's effective value; true when it reported. */
export function checkStringHook(p: Param, value: string, span: Span, head: string, ctx: ValidateContext): boolean {
  const key = p.name.toLowerCase();
  const why = verdict(key, value, ctx);
  if (why === undefined) return false;
  ctx.report(R['invalid-value'], span, `${head}: ${why}, so ${FATAL}. \`${p.name}\` takes ${ACCEPTS[key] ?? 'another value'}.`);
  return true;
}

/** SLRU buffer counts of PostgreSQL 17 (check_slru_buffers: a multiple of SLRU_BANK_SIZE, 16; `true` when 0 means automatic). */
const SLRU: Readonly<Record<string, boolean>> = {
  commit_timestamp_buffers: true, subtransaction_buffers: true, transaction_buffers: true,
  multixact_member_buffers: false, multixact_offset_buffers: false, notify_buffers: false, serializable_buffers: false,
};

/** The check hooks of Boolean and integer parameters, on the parsed value (after the type and range checks passed). */
export function checkNumberHook(p: Param, value: number | boolean, span: Span, head: string, ctx: ValidateContext): void {
  const key = p.name.toLowerCase();
  let why: string | undefined;
  if (key === 'default_with_oids' && value === true) why = 'tables WITH OIDS are no longer supported ("tables declared WITH OIDS are not supported")';
  else if (key === 'vacuum_buffer_usage_limit' && typeof value === 'number' && value !== 0 && value < 128) why = `${value} kB is below the smallest ring of 128 kB`;
  else if (key in SLRU && typeof value === 'number' && value % 16 !== 0 && !(value === 0 && SLRU[key])) why = `${value} blocks is not a multiple of 16`;
  if (why !== undefined) ctx.report(R['invalid-value'], span, `${head}: ${why}, so ${FATAL}. \`${p.name}\` takes ${ACCEPTS[key] ?? 'another value'}.`);
}

/** Resource managers with a mask function (rmgrlist.h of 15–17), the names wal_consistency_checking takes besides `all`. */
const RMGRS = ['heap2', 'heap', 'btree', 'hash', 'gin', 'gist', 'sequence', 'spgist', 'brin', 'generic'];

/** The effective (last applied) line of `name` (lower case), if any. */
function winner(all: readonly EffectiveSetting[], name: string): EffectiveSetting | undefined {
  for (let i = all.length - 1; i >= 0; i--) if (!all[i]!.s.qualified && all[i]!.s.name.toLowerCase() === name) return all[i];
  return undefined;
}

/** `wal_consistency_checking` names that are no built-in resource manager (InitializeWalConsistencyChecking). */
export function checkWalConsistency(all: readonly EffectiveSetting[], ctx: ValidateContext): void {
  const e = winner(all, 'wal_consistency_checking');
  if (!e || e.auto) return;
  const names = splitIdentifiers(e.s.value);
  const unknown = (names ?? []).filter(n => n.toLowerCase() !== 'all' && !RMGRS.includes(n.toLowerCase()));
  if (!unknown.length) return;
  const libs = winner(all, 'shared_preload_libraries');
  const preload = libs !== undefined && libs.s.value.trim() !== '';
  const span = e.via ? e.via.valueSpan : e.s.valueSpan;
  const pre = e.via ? `in ${e.path}: ` : '';
  const list = unknown.map(n => `\`${n}\``).join(', ');
  const valid = `The built-in ones are \`all\` and ${RMGRS.map(n => `\`${n}\``).join(', ')}.`;
  if (preload) ctx.report(R['unknown-resource-manager'], span, `${pre}${list} is no built-in resource manager: unless a library of \`shared_preload_libraries\` registers it, PostgreSQL refuses to start once the libraries are loaded ("invalid value for parameter"). ${valid}`, { severity: 'warning' });
  else ctx.report(R['unknown-resource-manager'], span, `${pre}${list} is no resource manager of PostgreSQL, and no \`shared_preload_libraries\` could add one: PostgreSQL refuses to start ("invalid value for parameter", after \`postgres -C\` accepted it). ${valid}`);
}

const TARGETS = ['recovery_target', 'recovery_target_lsn', 'recovery_target_name', 'recovery_target_time', 'recovery_target_xid'];

/**
 * The assign hooks of the five recovery targets, in the order PostgreSQL applies the lines (the last of each name):
 * once one is set, any other of them — even set to '' — ends in `multiple recovery targets specified`.
 */
export function checkRecoveryTargets(all: readonly EffectiveSetting[], ctx: ValidateContext): void {
  const last = new Map<string, number>();
  all.forEach((e, i) => { if (!e.s.qualified) last.set(e.s.name, i); });
  let state: string | undefined;
  all.forEach((e, i) => {
    const key = e.s.name.toLowerCase();
    if (last.get(e.s.name) !== i || !TARGETS.includes(key)) return;
    if (verdict(key, e.s.value, ctx) !== undefined) return;
    if (state !== undefined && state !== key) {
      if (!e.auto) {
        const span = e.via ? e.via.valueSpan : e.s.nameSpan;
        const pre = e.via ? `in ${e.path}: ` : '';
        ctx.report(R['recovery-target-conflict'], span, `${pre}\`${e.s.name}\` comes after \`${state}\` was set: PostgreSQL allows at most one recovery target and refuses to start ("multiple recovery targets specified"), even when the later one is empty. Keep one of them and remove the other lines.`);
      }
      state = key;
      return;
    }
    state = e.s.value === '' ? undefined : key;
  });
}
