/**
 * The pgpool.conf rules (everything except TLS, which lives in tls.ts). Each rule mirrors one behaviour of Pgpool-II,
 * named in `source`; the facts are in shared/reference/pgpool.md §1, §2 and §5. Severity: what makes Pgpool-II refuse
 * to start is an error; what it silently gets wrong is a warning.
 */
import type { ValidateContext } from '../../core/language';
import type { Finding, Fix, RuleMeta, SourceDocument, Span } from '../../core/types';
import { didYouMean, listing } from '../../core/text';
import { catalogueOf, normalizeVersion, versionLess, type Catalogue, type Param } from './catalogue';
import { dirOf, parseBool, type Assignment, type PgpoolConfFile, type ValueSplit } from './model';
import { atof, formatBound, INT64_MAX, INT_MAX, isMemoryUnit, parseIntValue, validUnits, MEMORY_UNITS, TIME_UNITS } from './values';
import { checkRedirectList } from './validators';

const rule = (name: string, severity: RuleMeta['severity'], description: string, source: string): RuleMeta =>
  ({ id: `pgpool-conf/${name}`, severity, description, source });

export const R = {
  syntaxError: rule('syntax-error', 'error', 'A statement Pgpool-II\'s lexer cannot read: Pgpool-II stops at the first one and does not start.', 'Pgpool-II src/config/pool_config.l (lexer rules and ParseConfigFile)'),
  valueNeedsQuoting: rule('value-needs-quoting', 'warning', 'An unquoted value that Pgpool-II silently splits into several settings.', 'Pgpool-II src/config/pool_config.l (lexer rules and ParseConfigFile)'),
  byteOrderMark: rule('byte-order-mark', 'warning', 'A byte-order mark, which Pgpool-II reads as part of the first name.', 'Pgpool-II src/config/pool_config.l (LETTER includes bytes \\200-\\377)'),
  unknownParameter: rule('unknown-parameter', 'warning', 'A parameter name Pgpool-II does not know: it logs only an INFO line and ignores the setting.', 'Pgpool-II src/config/pool_config_variables.c (setConfigOption: "unrecognized configuration parameter")'),
  notInVersion: rule('not-in-version', 'warning', 'A parameter that the selected Pgpool-II version does not have (removed or added later), so it is ignored.', 'Pgpool-II src/config/pool_config_variables.c of each version (ConfigureNames* tables)'),
  deprecatedAlias: rule('deprecated-alias', 'warning', 'An old parameter name that Pgpool-II maps to the new one with a WARNING at every start.', 'Pgpool-II src/config/pool_config_variables.c (FailOverOnBackendErrorAssignMessage, DelegateIPAssignMessage)'),
  missingValue: rule('missing-value', 'warning', 'A parameter without a value: Pgpool-II takes the line break as the value.', 'Pgpool-II src/config/pool_config.l (ParseConfigFile takes any token as the value)'),
  invalidBool: rule('invalid-bool', 'warning', 'A boolean value Pgpool-II does not recognise, which it silently reads as ON.', 'Pgpool-II src/config/pool_config.l (parse_bool_with_len; eval_logical result stored into a bool)'),
  invalidNumber: rule('invalid-number', 'error', 'A numeric parameter whose value is not a number.', 'Pgpool-II src/config/pool_config_variables.c (parse_int; atof for double arrays)'),
  invalidUnit: rule('invalid-unit', 'error', 'A unit that the parameter does not accept (or any unit on a parameter without one).', 'Pgpool-II src/config/pool_config_variables.c (parse_int, convert_to_base_unit)'),
  outOfRange: rule('out-of-range', 'error', 'A number outside the parameter\'s valid range.', 'Pgpool-II src/config/pool_config_variables.c (setConfigOptionVar range checks)'),
  invalidEnum: rule('invalid-enum', 'error', 'A value that is not one of the parameter\'s allowed values.', 'Pgpool-II src/config/pool_config_variables.c (config_enum_lookup_by_name)'),
  arrayIndex: rule('array-index', 'error', 'A per-node parameter with a missing, non-numeric or out-of-range node number.', 'Pgpool-II src/config/pool_config_variables.c (get_index_of_var / array parameter lookup)'),
  duplicate: rule('duplicate', 'warning', 'A parameter set more than once: Pgpool-II applies the last value without a message.', 'Pgpool-II src/config/pool_config_variables.c (set_config_options applies in file order)'),
  invalidBackendFlag: rule('invalid-backend-flag', 'error', 'A backend_flag value Pgpool-II rejects (unknown flag, or ALLOW and DISALLOW together).', 'Pgpool-II src/config/pool_config_variables.c (BackendFlagsAssignFunc)'),
  invalidLogDestination: rule('invalid-log-destination', 'error', 'A log_destination other than a comma list of stderr and syslog.', 'Pgpool-II src/config/pool_config_variables.c (LogDestinationProcessFunc)'),
  invalidRedirectList: rule('invalid-redirect-list', 'error', 'A *_redirect_preference_list entry Pgpool-II rejects, silently drops, or can never match (a blank around the pattern).', 'Pgpool-II src/config/pool_config_variables.c (MakeDBRedirectListRegex, check_redirect_node_spec), src/utils/regex_array.c (extract_string_tokens2)'),
  recoveryNeedsDataDirectory: rule('recovery-needs-data-directory', 'error', 'Online recovery commands are set but a backend has no backend_data_directory.', 'Pgpool-II src/config/pool_config_variables.c (config_post_processor)'),
  quorumInNativeReplication: rule('quorum-in-native-replication', 'error', 'replication_mode with failover_when_quorum_exists, which Pgpool-II refuses.', 'Pgpool-II src/config/pool_config_variables.c (config_post_processor)'),
  spareChildren: rule('spare-children', 'error', 'Dynamic process management with inconsistent min/max_spare_children or num_init_children (4.4+).', 'Pgpool-II src/config/pool_config_variables.c (config_post_processor, 4.4+)'),
  watchdogNodeId: rule('watchdog-node-id', 'warning', 'use_watchdog = on without a usable pgpool_node_id file (or without wd_port for that node) beside pgpool.conf.', 'Pgpool-II src/config/pool_config_variables.c (SetPgpoolNodeId, config_post_processor)'),
  includeNotFound: rule('include-not-found', 'error', 'An include whose file cannot be opened (or that includes itself), which Pgpool-II treats as a syntax error.', 'Pgpool-II src/config/pool_config.l (ParseConfigFile include handling)'),
} as const;

export const PGPOOL_CONF_RULES: readonly RuleMeta[] = Object.values(R);

/** Old names Pgpool-II still accepts for another parameter, and from which version on they are aliases. */
export const ALIASES: Readonly<Record<string, { target: string; since: string }>> = {
  fail_over_on_backend_error: { target: 'failover_on_backend_error', since: '4.3' },
  delegate_IP: { target: 'delegate_ip', since: '4.4' },
};

/** What to write instead of a parameter that the selected version does not have. */
const REPLACEMENTS: Record<string, (version: string) => string | undefined> = {
  socket_dir: v => (versionLess(v, '4.4') ? undefined : 'unix_socket_directories'),
  unix_socket_directories: v => (versionLess(v, '4.4') ? 'socket_dir' : undefined),
  delegate_ip: v => (versionLess(v, '4.4') ? 'delegate_IP' : undefined),
};

/** Parameters whose numbers are file modes; their ranges read better in octal. */
const OCTAL = new Set(['unix_socket_permissions', 'log_file_mode']);

const MAX_WATCHDOG_NUM = 128;

type Report = (f: Omit<Finding, 'rule'> & { rule: RuleMeta }) => void;

/** Runs every pgpool.conf rule except the TLS ones. */
export function checkPgpoolConf(doc: SourceDocument, file: PgpoolConfFile, ctx: ValidateContext): void {
  const cat = catalogueOf(ctx.env);
  const version = normalizeVersion(ctx.settings.pgpoolVersion);
  const report: Report = f => ctx.report(f.rule.id, f.span, f.message, {
    ...(f.severity ? { severity: f.severity } : {}), ...(f.fixes ? { fixes: f.fixes } : {}),
    ...(f.tags ? { tags: f.tags } : {}), ...(f.related ? { related: f.related } : {}),
  });

  /** Recovered values to check as something else than the whole text (see `typedSplit`). */
  const overrides = new Map<Assignment, Assignment>();
  for (const e of file.syntaxErrors) {
    const t = typedSplit(doc, cat, version, e, true);
    if (t.override) overrides.set(t.override.of, t.override.as);
    report({ rule: R.syntaxError, span: e.span, message: t.message, ...(t.fixes ? { fixes: t.fixes } : {}) });
  }
  for (const q of file.quotingProblems ?? []) {
    const t = typedSplit(doc, cat, version, q, false);
    report({ rule: R.valueNeedsQuoting, span: q.span, message: t.message, ...(t.fixes ? { fixes: t.fixes } : {}) });
  }
  if (file.bom) {
    report({
      rule: R.byteOrderMark, span: file.bom.span, message: file.bom.message, ...(file.bom.fatal ? { severity: 'error' as const } : {}),
      fixes: [{ title: 'Remove the byte-order mark', edits: [{ span: file.bom.span, newText: '' }], preferred: true }],
    });
  }

  const env: Env = { doc, cat, version, report, unknownAdvice: new Map() };
  /** The last assignment of each effective parameter key (canonical name plus node number), like Pgpool-II's state. */
  const effective = new Map<string, Assignment>();
  const groups = new Map<string, Assignment[]>();
  for (const original of file.assignments) {
    const a = overrides.get(original) ?? original;
    const resolved = checkAssignment(env, a);
    if (!resolved) continue;
    effective.set(resolved.canonical, a);
    if (!a.phantom) {
      let g = groups.get(resolved.canonical);
      if (!g) groups.set(resolved.canonical, (g = []));
      g.push(a);
    }
  }
  for (const g of groups.values()) checkDuplicates(env, g);

  const cross = { ...env, effective, ctx, file };
  checkRecovery(cross);
  checkQuorum(cross);
  checkSpareChildren(cross);
  checkWatchdogNodeId(cross);
  checkIncludes(cross);
}

/** Unit words people write, lower-cased, and the unit Pgpool-II knows for them. */
const UNIT_SPELLINGS: Record<string, string> = {
  us: 'us', ms: 'ms', msec: 'ms', s: 's', sec: 's', secs: 's', second: 's', seconds: 's', min: 'min', mins: 'min',
  minute: 'min', minutes: 'min', h: 'h', hour: 'h', hours: 'h', d: 'd', day: 'd', days: 'd',
  b: 'B', kb: 'kB', mb: 'MB', gb: 'GB', tb: 'TB',
};

/** Whether Pgpool-II accepts `value` for a parameter of this type (syntax only, not the range). */
function valueParses(p: Param, value: string): boolean {
  switch (p.type) {
    case 'bool': return parseBool(value) !== undefined;
    case 'int': case 'int64': return parseIntValue(value, p.unit, p.type === 'int64' ? INT64_MAX : INT_MAX).ok;
    case 'real': return atof(value).clean;
    case 'enum': return (p.enum ?? []).some(e => e.toLowerCase() === value.toLowerCase());
    default: return true;
  }
}

/**
 * The parser advises quoting a split value as a whole (`'/var/run/pgpool'`), which is right for strings. For a number,
 * boolean or enumeration that advice can be wrong: quoting `9999;` gives a value Pgpool-II rejects just the same. When
 * the first token alone is a valid value (`port = 9999;`, `ssl = on,`), advise removing the rest instead, and check
 * the first token as the value (not the whole text, which would report the same mistake a second time).
 */
function typedSplit(
  doc: SourceDocument, cat: Catalogue, version: string, e: { message: string; fixes?: Fix[]; span: Span; split?: ValueSplit }, fatal: boolean,
): { message: string; fixes?: Fix[]; override?: { of: Assignment; as: Assignment } } {
  const plain = { message: e.message, ...(e.fixes ? { fixes: e.fixes } : {}) };
  const sp = e.split;
  if (!sp || !('valueKind' in sp.target)) return plain;
  const a = sp.target;
  const look = cat.lookup(a.key);
  if (look.kind === 'unknown' || !cat.inVersion(look.name, version)) return plain;
  const cp = cat.param(look.name, version)!;
  // The bare name of a per-node parameter takes no unit (see checkAssignment).
  const p: Param = look.kind === 'no-index' && cp.unit ? { ...cp, unit: undefined } : cp;
  if (p.type === 'string' || p.type === 'list') return plain;
  const full = doc.text.slice(e.span[0], e.span[1]);
  if (valueParses(p, full)) return plain;
  const firstText = doc.text.slice(sp.first[0], sp.first[1]);
  const k = `\`${a.key}\``;
  if (!valueParses(p, firstText)) {
    // Neither reading is a valid value: no quick fix; the value check below explains what the value should be.
    return { message: `${k}: ${sp.reason}, so ${sp.outcome}; write a single valid value.` };
  }
  const rest = doc.text.slice(sp.first[1], e.span[1]).trim();
  // A misspelt unit after a blank (`10 mb`, `5 mins`): the user meant the unit, so write it the way Pgpool-II reads it.
  const unit = p.unit && /^[0-9]+$|^0x[0-9a-fA-F]+$/.test(firstText) ? UNIT_SPELLINGS[rest.toLowerCase()] : undefined;
  if (unit && validUnits(p.unit!).includes(unit) && valueParses(p, `${firstText}${unit}`)) {
    const joined = `${firstText}${unit}`;
    const fix: Fix = { title: `Change to ${joined}`, edits: [{ span: e.span, newText: joined }], preferred: true };
    const msg = `${k}: ${sp.reason}, so ${sp.outcome}; write \`${joined}\` (units are case-sensitive and follow the number).`;
    if (!fatal) return { message: msg, fixes: [fix] };
    return { message: msg, fixes: [fix], override: { of: a, as: { ...a, value: joined, valueSpan: e.span, valueKind: 'unquoted' } } };
  }
  const message = `${k}: ${sp.reason}, so ${sp.outcome}; remove ${code(rest)} after \`${firstText}\`${p.unit || !UNIT_SPELLINGS[rest.toLowerCase()] ? '' : ` (${k} takes no unit)`}.`;
  const fixes: Fix[] = [{ title: `Remove ${rest.length > 30 ? 'the rest' : `\`${rest}\``}`, edits: [{ span: [sp.first[1], e.span[1]], newText: '' }], preferred: true }];
  if (!fatal) return { message, fixes };
  return { message, fixes, override: { of: a, as: { ...a, value: firstText, valueSpan: sp.first, valueKind: sp.firstKind } } };
}

interface Env {
  doc: SourceDocument;
  cat: Catalogue;
  version: string;
  report: Report;
  /** Per-validation caches. */
  unknownAdvice: Map<string, UnknownAdvice>;
  namesInVersion?: string[];
}

interface Cross extends Env {
  effective: Map<string, Assignment>;
  ctx: ValidateContext;
  file: PgpoolConfFile;
}

/** `a`, `b` or `c`. */
const orList = (items: readonly string[]): string =>
  items.length <= 1 ? items.map(i => `\`${i}\``).join('') : `${items.slice(0, -1).map(i => `\`${i}\``).join(', ')} or \`${items[items.length - 1]}\``;
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
/** A file path in backticks, never shortened. */
const pathCode = (s: string): string => `\`${s}\``;
const code = (s: string): string => `\`${s.length > 60 ? `${s.slice(0, 60)}…` : s}\``;
const valueText = (a: Assignment): string => (a.valueKind === 'string' ? `'${a.value}'` : a.value);
const replaceValue = (a: Assignment, newText: string, title: string, preferred = false): Fix =>
  ({ title, edits: [{ span: a.valueSpan, newText: a.valueKind === 'string' ? `'${newText}'` : newText }], ...(preferred ? { preferred } : {}) });

/** Checks the key and the value of one statement; returns the effective key when the parameter applies. */
function checkAssignment(env: Env, a: Assignment): { canonical: string; param: Param } | undefined {
  const { cat, version, report } = env;
  const look = cat.lookup(a.key);
  if (look.kind === 'unknown') {
    if (!a.phantom) reportUnknown(env, a);
    return undefined;
  }
  const name = look.name;
  if (!cat.inVersion(name, version)) {
    if (!a.phantom) reportNotInVersion(env, a, name);
    return undefined;
  }
  const param = cat.param(name, version)!;
  if (look.kind === 'bad-index') {
    const digits = /^[0-9]+/.exec(look.suffix)?.[0];
    report({
      rule: R.arrayIndex, span: a.keySpan,
      message: `\`${a.key}\` is \`${name}\` followed by ${code(look.suffix)}, which is not a node number, so Pgpool-II refuses to start; write \`${name}\` with digits only, e.g. \`${name}${digits ?? '0'}\`.`,
      ...(digits ? { fixes: [{ title: `Change to ${name}${digits}`, edits: [{ span: a.keySpan, newText: `${name}${digits}` }] }] } : {}),
    });
    return undefined;
  }
  if (look.kind === 'missing-index') {
    report({
      rule: R.arrayIndex, span: a.keySpan,
      message: `\`${name}\` is set per node and needs a node number (\`${name}0\`, \`${name}1\`, …), so Pgpool-II refuses to start; add the number.`,
      fixes: [{ title: `Change to ${name}0`, edits: [{ span: a.keySpan, newText: `${name}0` }] }],
    });
    return undefined;
  }
  let canonical = ALIASES[name] && !versionLess(version, ALIASES[name]!.since) ? ALIASES[name]!.target : name;
  if (look.kind === 'indexed') {
    const [lo, hi] = param.indexRange!;
    const idx = look.index;
    if (idx > hi + 1 || !Number.isSafeInteger(idx)) {
      report({
        rule: R.arrayIndex, span: a.keySpan,
        message: `\`${a.key}\`: node number ${look.indexText} is outside ${lo}..${hi}, so Pgpool-II refuses to start; use a node number from ${lo} to ${hi}.`,
      });
      return undefined;
    }
    if (idx === hi + 1) {
      // The range check is off by one: the number passes, and the value is written one past the last slot. A number
      // is then silently lost; a string crashes Pgpool-II (segmentation fault, seen with 4.3.5) before it starts.
      report(param.type === 'string' ? {
        rule: R.arrayIndex, span: a.keySpan,
        message: `\`${a.key}\`: node number ${idx} passes Pgpool-II's off-by-one range check but only ${lo}..${hi} are real slots, and a string there crashes Pgpool-II at start; use a number from ${lo} to ${hi}.`,
      } : {
        rule: R.arrayIndex, span: a.keySpan, severity: 'warning',
        message: `\`${a.key}\`: Pgpool-II accepts node number ${idx} because its range check is off by one, but only ${lo}..${hi} are real slots, so this setting configures no node; use a number from ${lo} to ${hi}.`,
      });
      return undefined;
    }
    canonical = `${canonical}${idx}`;
  }
  if (!a.phantom) {
    const alias = ALIASES[name];
    if (alias && !versionLess(version, alias.since)) {
      report({
        rule: R.deprecatedAlias, span: a.keySpan, tags: ['deprecated'],
        message: `\`${name}\` is the old name of \`${alias.target}\`: Pgpool-II still applies it but logs a WARNING at every start; rename it to \`${alias.target}\`.`,
        fixes: [{ title: `Rename to ${alias.target}`, edits: [{ span: a.keySpan, newText: alias.target }], preferred: true }],
      });
    }
  }
  // The bare name of a per-node parameter (the default of every node) is a separate record in Pgpool-II without
  // the unit flag: `health_check_period0 = '10s'` works, `health_check_period = '10s'` does not.
  checkValue(env, a, look.kind === 'no-index' && param.unit ? { ...param, unit: undefined, noUnitReason: `the bare \`${name}\` (the default of every node)` } : param);
  return { canonical, param };
}

interface UnknownAdvice {
  message: string;
  replacements: string[];
  preferFirst: boolean;
}

function reportUnknown(env: Env, a: Assignment): void {
  let advice = env.unknownAdvice.get(a.key);
  if (!advice) env.unknownAdvice.set(a.key, (advice = adviseUnknown(env, a.key)));
  env.report({
    rule: R.unknownParameter, span: a.keySpan, message: advice.message,
    ...(advice.replacements.length ? {
      fixes: advice.replacements.map((s, i): Fix => ({
        title: `Change to ${s}`, edits: [{ span: a.keySpan, newText: s }], ...(i === 0 && advice!.preferFirst ? { preferred: true } : {}),
      })),
    } : {}),
  });
}

/** The message and the did-you-mean candidates for an unknown key (computed once per key and validation). */
function adviseUnknown(env: Env, key: string): UnknownAdvice {
  const { cat, version } = env;
  if (key === 'include_dir' || key === 'include_if_exists') {
    return {
      message: `Pgpool-II has no \`${key}\` (only \`include = 'file'\`), so it ignores this line; use \`include\` with a file name.`,
      replacements: ['include'], preferFirst: false,
    };
  }
  env.namesInVersion ??= cat.names.filter(n => cat.inVersion(n, version));
  // Trailing digits, found without a backtracking regular expression (a long run of digits would make it quadratic).
  let cut = key.length;
  while (cut > 0 && key.charCodeAt(cut - 1) >= 48 && key.charCodeAt(cut - 1) <= 57) cut--;
  const base = cut < key.length ? key.slice(0, cut) : key;
  const digits = key.slice(cut);
  const suggestions: string[] = [];
  for (const s of didYouMean(base, env.namesInVersion, 3)) {
    const p = cat.param(s, version)!;
    const full = p.array ? `${s}${digits || (p.noIndexDefault ? '' : '0')}` : digits ? `${s}${digits}` : s;
    if (full !== key && !suggestions.includes(full)) suggestions.push(full);
  }
  // A known name with different letter case is the likeliest intent: offer it first.
  const caseOnly = suggestions.find(s => s.toLowerCase() === key.toLowerCase());
  const ordered = caseOnly ? [caseOnly, ...suggestions.filter(s => s !== caseOnly)] : suggestions;
  const weird = [...key].find(ch => ch.charCodeAt(0) >= 128);
  let hint: string;
  if (caseOnly) hint = `names are case-sensitive, write \`${caseOnly}\`.`;
  else if (ordered.length) hint = `did you mean ${orList(ordered.slice(0, 3))}?`;
  else if (weird) hint = `the name contains the non-ASCII character U+${weird.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, check it.`;
  else hint = 'check the name against the Pgpool-II documentation.';
  return {
    message: `Pgpool-II does not know \`${key}\`: it logs only an INFO line and ignores the setting; ${hint}`,
    replacements: ordered.slice(0, 3),
    preferFirst: !!caseOnly || ordered.length === 1,
  };
}

function reportNotInVersion(env: Env, a: Assignment, name: string): void {
  const { cat, version, report } = env;
  const p = cat.param(name, version)!;
  const first = p.versions[0]!;
  const last = p.versions[p.versions.length - 1]!;
  const replacement = REPLACEMENTS[name]?.(version);
  const newKey = replacement ? a.key.replace(name, replacement) : undefined;
  const what = versionLess(version, first)
    ? `\`${name}\` exists only from Pgpool-II ${first} on`
    : `\`${name}\` was removed in Pgpool-II ${nextVersion(cat, last)}`;
  const fix = newKey ? `; use \`${newKey}\` instead` : '; remove it or set `pgtls.pgpoolVersion` to the version you run';
  report({
    rule: R.notInVersion, span: a.keySpan,
    message: `${what}, so Pgpool-II ${version} does not know it and silently ignores this setting${fix}.`,
    ...(newKey ? { fixes: [{ title: `Rename to ${newKey}`, edits: [{ span: a.keySpan, newText: newKey }], preferred: true }] } : {}),
  });
}

function nextVersion(cat: Catalogue, v: string): string {
  const i = cat.versions.indexOf(v);
  return cat.versions[i + 1] ?? v;
}

/** A parameter as one statement sees it; `noUnitReason` says why a unit-bearing parameter takes none here. */
type ParamHere = Param & { noUnitReason?: string };

function checkValue(env: Env, a: Assignment, p: ParamHere): void {
  const { report, doc } = env;
  const k = `\`${a.key}\``;
  if (a.missingValue) {
    // The statement is on the last line and no line break follows: Pgpool-II gets no token at all, i.e. an empty value.
    const atEof = doc.text.indexOf('\n', a.valueSpan[0]) < 0;
    const insert = (word: string): Fix => {
      const before = doc.text.charAt(a.valueSpan[0] - 1);
      const lead = a.equalsSpan ? (before === ' ' || before === '\t' ? '' : ' ') : ' = ';
      return { title: `Set it to ${word}`, edits: [{ span: a.valueSpan, newText: `${lead}${word}` }] };
    };
    switch (p.type) {
      case 'bool':
        report({ rule: R.missingValue, span: a.valueSpan, message: `${k} has no value, which Pgpool-II silently reads as ON; write \`on\` or \`off\`.`, fixes: [insert('on'), insert('off')] });
        return;
      case 'int': case 'int64': case 'enum':
        report({ rule: R.missingValue, span: a.valueSpan, severity: 'error', message: `${k} has no value, so Pgpool-II refuses to start with "invalid value"; give it a value or remove the line.` });
        return;
      case 'real':
        report({ rule: R.missingValue, span: a.valueSpan, message: `${k} has no value, which Pgpool-II silently reads as 0; give it a value or remove the line.` });
        return;
      default:
        if (atEof) return; // nothing follows: Pgpool-II gets an empty string, which is what an empty value means
        report({ rule: R.missingValue, span: a.valueSpan, message: `${k} has no value, so Pgpool-II stores a line break as its value, not an empty string; write \`''\` for an empty value.`, fixes: [insert("''")] });
        return;
    }
  }
  switch (p.type) {
    case 'bool': {
      if (parseBool(a.value) === undefined) {
        report({
          rule: R.invalidBool, span: a.valueSpan,
          message: `${k} = ${code(valueText(a))} is not a boolean, which Pgpool-II silently reads as ON; write \`on\` or \`off\`.`,
          fixes: [replaceValue(a, 'on', 'Change to on'), replaceValue(a, 'off', 'Change to off')],
        });
      }
      return;
    }
    case 'int':
    case 'int64':
      checkInteger(env, a, p);
      return;
    case 'real': {
      const r = atof(a.value);
      if (!r.clean) {
        report({
          rule: R.invalidNumber, span: a.valueSpan, severity: 'warning',
          message: `${k} = ${code(valueText(a))} is not a number: Pgpool-II reads it without any check as ${r.value}; write a plain number.`,
        });
      }
      checkRange(env, a, p, r.value);
      return;
    }
    case 'enum': {
      const allowed = p.enum ?? [];
      if (allowed.some(e => e.toLowerCase() === a.value.toLowerCase())) return;
      const removed = env.cat.param(a.name, '4.3')?.enum?.find(e => e.toLowerCase() === a.value.toLowerCase());
      const best = didYouMean(a.value, allowed, 1)[0];
      report({
        rule: R.invalidEnum, span: a.valueSpan,
        message: removed
          ? `${k} = ${code(a.value)} is not available in Pgpool-II ${env.version}, so Pgpool-II refuses to start; use ${orList(allowed)}.`
          : `${k} = ${code(a.value)} is not an allowed value, so Pgpool-II refuses to start; use ${orList(allowed)}.`,
        ...(best ? { fixes: [replaceValue(a, best, `Change to ${best}`, true)] } : {}),
      });
      return;
    }
    default:
      if (a.name === 'backend_flag') checkBackendFlag(env, a);
      else if (a.name === 'log_destination') checkLogDestination(env, a);
      else if (/_redirect_preference_list$/.test(a.name)) {
        for (const f of checkRedirectList(a.value, valueStart(env.doc, a))) {
          report({
            rule: R.invalidRedirectList, span: f.span, ...(f.warning ? { severity: 'warning' as const } : {}),
            message: `${k}: ${f.message}`,
            ...(f.fix ? { fixes: [{ title: `Change to \`${f.fix.newText}\``, edits: [f.fix], preferred: true }] } : {}),
          });
        }
      }
  }
}

/** Offset of the first character of `a.value` in the document (after an opening quote). */
function valueStart(doc: SourceDocument, a: Assignment): number {
  const c = doc.text.charAt(a.valueSpan[0]);
  if (a.valueKind === 'string' || (a.recovered && (c === '"' || c === "'"))) return a.valueSpan[0] + 1;
  return a.valueSpan[0];
}

const ALL_UNITS = new Set<string>([...MEMORY_UNITS, ...TIME_UNITS]);
const UNIT_WORDS: Record<string, string> = { s: 'seconds', ms: 'milliseconds', min: 'minutes', B: 'bytes', kB: 'kilobytes' };

function checkInteger(env: Env, a: Assignment, p: ParamHere): void {
  const { report } = env;
  const k = `\`${a.key}\``;
  const typeMax = p.type === 'int64' ? INT64_MAX : INT_MAX;
  const r = parseIntValue(a.value, p.unit, typeMax);
  if (r.ok) { checkRange(env, a, p, r.value, r.unitUsed); return; }
  const v = code(valueText(a));
  const unitLike = r.unitText !== undefined && ALL_UNITS.has(r.unitText.trim());
  if (r.reason === 'too-large') {
    report({ rule: R.outOfRange, span: a.valueSpan, message: `${k} = ${v} is too large for Pgpool-II (${p.type === 'int64' ? '64' : '32'}-bit integer), so it refuses to start; use a smaller value${rangeText(p)}.` });
  } else if (r.reason === 'bad-unit') {
    const units = validUnits(p.unit!);
    const caseHit = units.find(u => u.toLowerCase() === r.unitText!.trim().toLowerCase());
    report({
      rule: R.invalidUnit, span: a.valueSpan,
      message: `${k} = ${v} has the unit ${code(r.unitText!.trim())}, which Pgpool-II rejects, so it refuses to start; valid units (case-sensitive) are ${orList(units)}, right after the number (e.g. \`${isMemoryUnit(p.unit!) ? '64MB' : '30s'}\`).`,
      ...(caseHit ? { fixes: [replaceValue(a, a.value.replace(r.unitText!.trim(), caseHit), `Change the unit to ${caseHit}`, true)] } : {}),
    });
  } else if (r.reason === 'unit-not-allowed' && unitLike) {
    const bare = a.value.slice(0, a.value.length - r.unitText!.length).trim();
    if (p.noUnitReason) {
      const baseUnit = env.cat.param(p.name, env.version)!.unit!;
      const converted = parseIntValue(a.value, baseUnit, typeMax);
      report({
        rule: R.invalidUnit, span: a.valueSpan,
        message: `${capitalize(p.noUnitReason)} takes a plain number of ${UNIT_WORDS[baseUnit]} without a unit (only \`${p.name}N\` accepts units), so Pgpool-II rejects ${v} and does not start; write the number alone.`,
        ...(converted.ok ? { fixes: [{ title: `Change to ${converted.value}`, edits: [{ span: a.valueSpan, newText: String(converted.value) }], preferred: true }] } : {}),
      });
      return;
    }
    report({
      rule: R.invalidUnit, span: a.valueSpan,
      message: `${k} takes a plain number without a unit, so Pgpool-II rejects ${v} and does not start; remove ${code(r.unitText!.trim())}.`,
      ...(bare ? { fixes: [replaceValue(a, bare, 'Remove the unit', true)] } : {}),
    });
  } else {
    const octal = /^\s*[-+]?0[0-9]+/.test(a.value) && /[89]/.test(a.value);
    report({
      rule: R.invalidNumber, span: a.valueSpan,
      message: `${k} = ${v} is not an integer${octal ? ' (a leading 0 makes it octal, where 8 and 9 are not digits)' : ''}, so Pgpool-II refuses to start with "invalid value"; write a whole number${p.unit ? ` with an optional unit (${orList(validUnits(p.unit))})` : ''}.`,
    });
  }
}

function rangeText(p: Param): string {
  if (p.min === undefined || p.max === undefined) return '';
  const f = (n: number): string => (OCTAL.has(p.name) && n !== 0 ? `0${n.toString(8)}` : formatBound(n));
  return ` (${f(p.min)}..${f(p.max)}${p.unit ? ` ${p.unit}` : ''})`;
}

function checkRange(env: Env, a: Assignment, p: Param, value: number, unitUsed?: string): void {
  if (p.min === undefined || p.max === undefined) return;
  if (value >= p.min && value <= p.max) return;
  const shown = unitUsed ? `${code(valueText(a))}, which is ${value} ${p.unit},` : code(valueText(a));
  env.report({
    rule: R.outOfRange, span: a.valueSpan,
    message: `\`${a.key}\` = ${shown} is outside the valid range${rangeText(p)}, so Pgpool-II refuses to start; pick a value in range.`,
  });
}

const BACKEND_FLAGS = ['ALLOW_TO_FAILOVER', 'DISALLOW_TO_FAILOVER', 'ALWAYS_PRIMARY'];

function checkBackendFlag(env: Env, a: Assignment): void {
  const parts = a.value.split('|').filter(s => s !== '');
  const k = `\`${a.key}\``;
  const bad = parts.find(s => !BACKEND_FLAGS.includes(s));
  if (bad !== undefined) {
    const cleaned = parts.map(s => s.trim().toUpperCase());
    const fixable = cleaned.every(s => BACKEND_FLAGS.includes(s));
    const guess = didYouMean(bad.trim(), BACKEND_FLAGS, 1)[0];
    env.report({
      rule: R.invalidBackendFlag, span: a.valueSpan,
      message: `${k}: ${code(bad)} is not a backend flag (exact, case-sensitive, no blanks around \`|\`), so Pgpool-II refuses to start; use ${orList(BACKEND_FLAGS)}, joined with \`|\`${!fixable && guess ? `; did you mean \`${guess}\`?` : '.'}`,
      ...(fixable ? { fixes: [replaceValue(a, cleaned.join('|'), `Change to ${cleaned.join('|')}`, true)] } : {}),
    });
    return;
  }
  if (parts.includes('ALLOW_TO_FAILOVER') && parts.includes('DISALLOW_TO_FAILOVER')) {
    env.report({
      rule: R.invalidBackendFlag, span: a.valueSpan,
      message: `${k} sets both ALLOW_TO_FAILOVER and DISALLOW_TO_FAILOVER, so Pgpool-II refuses to start; keep one of them.`,
    });
  }
}

function checkLogDestination(env: Env, a: Assignment): void {
  const parts = a.value.split(',').filter(s => s !== '');
  const k = `\`${a.key}\``;
  if (parts.length === 0) {
    env.report({ rule: R.invalidLogDestination, span: a.valueSpan, message: `${k} is empty, so Pgpool-II refuses to start; write \`'stderr'\`, \`'syslog'\` or \`'stderr,syslog'\`.`, fixes: [replaceValue(a, 'stderr', 'Change to stderr', true)] });
    return;
  }
  const bad = parts.find(s => s !== 'stderr' && s !== 'syslog');
  if (bad === undefined) return;
  const cleaned = parts.map(s => s.trim().toLowerCase());
  const fixable = cleaned.every(s => s === 'stderr' || s === 'syslog');
  env.report({
    rule: R.invalidLogDestination, span: a.valueSpan,
    message: `${k}: ${code(bad)} is not a log destination (exactly \`stderr\` or \`syslog\`, comma-separated without blanks), so Pgpool-II refuses to start; write \`'stderr'\`, \`'syslog'\` or \`'stderr,syslog'\`.`,
    ...(fixable ? { fixes: [replaceValue(a, cleaned.join(','), `Change to ${cleaned.join(',')}`, true)] } : {}),
  });
}

function checkDuplicates(env: Env, group: Assignment[]): void {
  if (group.length < 2) return;
  const last = group[group.length - 1]!;
  for (const a of group.slice(0, -1)) {
    const same = last.key === a.key ? '' : ` (as \`${last.key}\`)`;
    env.report({
      rule: R.duplicate, span: [a.keySpan[0], Math.max(a.keySpan[1], a.valueSpan[1])], tags: ['unnecessary'],
      message: `\`${a.key}\` is set again on line ${last.line + 1}${same} and Pgpool-II applies the last value without a message, so this one has no effect; remove one of them.`,
      related: [{ file: env.doc.path, span: last.keySpan, message: `\`${last.key}\` is set again here` }],
    });
  }
}

/** The effective assignment of a canonical key (`name` or `nameN`). */
function eff(c: Cross, key: string): Assignment | undefined {
  return c.effective.get(key);
}

function effInt(c: Cross, key: string, dflt: number): { value: number; at?: Assignment } | undefined {
  const a = eff(c, key);
  if (!a) return { value: dflt };
  const p = c.cat.param(a.name, c.version);
  const r = parseIntValue(a.value, p?.unit, INT64_MAX);
  return r.ok ? { value: r.value, at: a } : undefined;
}

function effBool(c: Cross, key: string, dflt: boolean): { value: boolean; at?: Assignment } {
  const a = eff(c, key);
  if (!a) return { value: dflt };
  return { value: parseBool(a.value) ?? true, at: a };
}

function checkRecovery(c: Cross): void {
  const cmds = ['recovery_1st_stage_command', 'recovery_2nd_stage_command'].map(k => eff(c, k)).filter((a): a is Assignment => !!a && a.value !== '');
  if (cmds.length === 0) return;
  const missing: { index: number; port: Assignment }[] = [];
  for (let i = 0; i <= 128; i++) {
    const port = eff(c, `backend_port${i}`);
    if (!port) continue;
    const r = parseIntValue(port.value, undefined, INT_MAX);
    if (!r.ok || r.value === 0) continue;
    if ((eff(c, `backend_data_directory${i}`)?.value ?? '') === '') missing.push({ index: i, port });
  }
  if (missing.length === 0) return;
  const at = cmds[0]!;
  const names = missing.map(m => `backend_data_directory${m.index}`);
  c.report({
    rule: R.recoveryNeedsDataDirectory, span: at.keySpan,
    message: `\`${at.key}\` is set but ${listing(names.slice(0, 4))}${names.length > 4 ? ' and others are' : names.length > 1 ? ' are' : ' is'} empty for a backend with a port, so Pgpool-II refuses to start; set the data directory of every backend.`,
    related: missing.slice(0, 8).map(m => ({ file: c.doc.path, span: m.port.keySpan, message: `backend ${m.index} has no \`backend_data_directory${m.index}\`` })),
  });
}

function checkQuorum(c: Cross): void {
  const rm = effBool(c, 'replication_mode', false);
  if (!rm.value || !rm.at) return;
  const q = effBool(c, 'failover_when_quorum_exists', true);
  if (!q.value) return;
  c.report({
    rule: R.quorumInNativeReplication, span: rm.at.keySpan,
    message: `\`replication_mode\` is on while \`failover_when_quorum_exists\` is on${q.at ? '' : ' (its default)'}, a combination Pgpool-II refuses at start; set \`failover_when_quorum_exists = off\`.`,
    ...(q.at ? { related: [{ file: c.doc.path, span: q.at.keySpan, message: '`failover_when_quorum_exists` is on here' }] } : {}),
  });
}

function checkSpareChildren(c: Cross): void {
  if (versionLess(c.version, '4.4')) return;
  const mode = eff(c, 'process_management_mode');
  if (!mode || mode.value.toLowerCase() !== 'dynamic') return;
  const min = effInt(c, 'min_spare_children', 5);
  const max = effInt(c, 'max_spare_children', 10);
  const nic = effInt(c, 'num_init_children', 32);
  if (!min || !max || !nic) return;
  const at = max.at ?? min.at ?? mode;
  if (min.value >= max.value) {
    c.report({
      rule: R.spareChildren, span: at.keySpan,
      message: `With \`process_management_mode = dynamic\`, \`max_spare_children\` (${max.value}) must be greater than \`min_spare_children\` (${min.value}), so Pgpool-II refuses to start; raise max_spare_children or lower min_spare_children.`,
    });
  }
  if (max.value > nic.value) {
    c.report({
      rule: R.spareChildren, span: (max.at ?? nic.at ?? mode).keySpan,
      message: `With \`process_management_mode = dynamic\`, \`max_spare_children\` (${max.value}) cannot be greater than \`num_init_children\` (${nic.value}), so Pgpool-II refuses to start; lower max_spare_children or raise num_init_children.`,
    });
  }
}

/** Whether the document has a real file-system path (not an untitled buffer), so that files beside it can be looked up. */
function onDisk(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
}

function checkWatchdogNodeId(c: Cross): void {
  if (!c.ctx.settings.checkFiles || !onDisk(c.doc.path)) return;
  const wd = effBool(c, 'use_watchdog', false);
  if (!wd.value || !wd.at) return;
  const dir = dirOf(c.doc.path);
  const file = `${dir === '/' ? '' : dir}/pgpool_node_id`;
  const say = (what: string, fix = 'write this node\'s number (0, 1, …) in it'): void => c.report({
    rule: R.watchdogNodeId, span: wd.at!.keySpan,
    message: `\`use_watchdog\` is on but ${what}, so Pgpool-II on this machine would refuse to start; ${fix}.`,
  });
  const text = c.ctx.env.readText(file);
  if (text === undefined) { say(`${pathCode(file)} does not exist`, 'create it with this node\'s number (0, 1, …)'); return; }
  // Pgpool-II reads at most 8 characters of the first line and strips one trailing newline.
  let buf = text.slice(0, 8);
  const nl = buf.indexOf('\n');
  if (nl >= 0) buf = buf.slice(0, nl + 1);
  if (buf.endsWith('\n')) buf = buf.slice(0, -1);
  if (buf === '') { say(`${pathCode(file)} is empty`); return; }
  if (!/^[0-9]+$/.test(buf)) {
    say(`${pathCode(file)} does not hold a plain number${buf.includes('\r') ? ' (it has a Windows line ending)' : ''}`);
    return;
  }
  const id = Number(buf);
  if (id > MAX_WATCHDOG_NUM) { say(`node id ${id} in ${pathCode(file)} is greater than ${MAX_WATCHDOG_NUM}`); return; }
  const port = effInt(c, `wd_port${id}`, 0);
  if (port && port.value <= 0) {
    c.report({
      rule: R.watchdogNodeId, span: wd.at.keySpan,
      message: `\`use_watchdog\` is on and ${pathCode(file)} says this is node ${id}, but \`wd_port${id}\` is not set, so Pgpool-II on this machine would refuse to start ("no watchdog configuration for local pgpool node"); set \`hostname${id}\`, \`wd_port${id}\` and \`pgpool_port${id}\`.`,
    });
  }
}

function checkIncludes(c: Cross): void {
  for (const inc of c.file.includes ?? []) {
    if (inc.missingValue || inc.value === '') {
      c.report({ rule: R.includeNotFound, span: inc.keySpan, message: '`include` has no file name, so Pgpool-II cannot open it and stops with a syntax error; write `include = \'file.conf\'`.' });
      continue;
    }
    const dir = dirOf(c.doc.path);
    const target = /^([A-Za-z]:)?[\\/]/.test(inc.value) ? inc.value : `${dir === '/' ? '' : dir}/${inc.value}`;
    if (normalize(target) === normalize(c.doc.path)) {
      c.report({ rule: R.includeNotFound, span: inc.valueSpan, message: `\`include\` names this file itself, so Pgpool-II nests until its depth limit of 10 and does not start; remove the line.` });
      continue;
    }
    if (!c.ctx.settings.checkFiles || !onDisk(target)) continue;
    const st = c.ctx.env.stat(target);
    if (!st || !st.isFile) {
      c.report({
        rule: R.includeNotFound, span: inc.valueSpan,
        message: `\`include\`: ${pathCode(target)} ${st ? 'is not a file' : 'does not exist'}, so Pgpool-II cannot open it and stops with a syntax error; fix the path (relative paths start at this file's folder).`,
      });
    }
  }
}

function normalize(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}
