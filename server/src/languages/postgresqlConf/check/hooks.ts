/**
 * The value checks of string parameters whose check hooks refuse a value at startup (hooks.ts has the parsers), and
 * the one cross-setting check an assign hook makes: at most one recovery target. PostgreSQL reports either as
 * `invalid value for parameter` (or `multiple recovery targets specified`) and does not start.
 * Deliberately not checked, each verified with PostgreSQL 15 here: `lc_messages`, `lc_monetary`, `lc_numeric`,
 * `lc_time` (check_locale: a locale the server's machine lacks IS refused at start, but which locales exist is a fact
 * of that machine, not of the file); `default_text_search_config` (looked up only inside a database session, so any
 * name starts); `shared_preload_libraries` (files of the server's machine); `log_line_prefix` (no hook: unknown
 * escapes are printed as they are); `wal_consistency_checking` (an unknown name is deferred until the preloaded
 * libraries could register it as a custom resource manager, so `postgres -C` accepts it).
 */
import type { ValidateContext } from '../../../core/language';
import type { ServiceEnv, Span } from '../../../core/types';
import type { Param } from '../catalogue';
import type { EffectiveSetting } from '../effective';
import {
  checkClientEncoding, checkDateStyle, checkLogDestination, checkLsn, checkRecoveryTarget, checkRecoveryTargetName,
  checkRecoveryTargetTime, checkSearchPath, checkSyncStandbyNames, checkTimeZone, checkUnsignedOverflow,
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
