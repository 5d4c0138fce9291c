/**
 * The checks of each statement: syntax problems the parser recorded (with advice that knows the parameter's type),
 * the key (what the selected version does with it, names.ts; the messages for unknown and obsolete names are in
 * keys.ts), deprecated aliases, per-node indexes, duplicates; the value itself is checked in values.ts.
 */
import type { ValidateContext } from '../../../core/language';
import type { Fix, SourceDocument, Span } from '../../../core/types';
import { catalogueOf, normalizeVersion, versionLess, type Catalogue, type Param } from '../catalogue';
import { parseBool, type Assignment, type PgpoolConfFile, type ValueSplit } from '../model';
import { R } from '../rules';
import { atof, INT64_MAX, INT_MAX, parseIntValue, validUnits } from '../values';
import { nameStatus } from '../names';
import { code, type ParamCheck } from './common';
import { reportObsolete, reportUnknown } from './keys';
import { checkValue } from './values';

/** The state of one run of the parameter checks on `doc`. */
export function paramCheck(doc: SourceDocument, ctx: ValidateContext): ParamCheck {
  return { doc, cat: catalogueOf(ctx.env), version: normalizeVersion(ctx.settings.pgpoolVersion), report: ctx.report, unknownAdvice: new Map() };
}

/**
 * Reports the syntax problems the parser recorded, then checks every statement's key and value and the duplicates.
 * Returns the last assignment of each effective parameter key (canonical name plus node number), like Pgpool-II's
 * state after reading the file, for the checks across parameters.
 */
export function checkParams(pc: ParamCheck, file: PgpoolConfFile): Map<string, Assignment> {
  const { doc, cat, version, report } = pc;
  pc.assignments = file.assignments;
  /** Recovered values to check as something else than the whole text (see `typedSplit`). */
  const overrides = new Map<Assignment, Assignment>();
  for (const e of file.syntaxErrors) {
    const t = typedSplit(doc, cat, version, e, true);
    if (t.override) overrides.set(t.override.of, t.override.as);
    report(R['syntax-error'], e.span, t.message, { fixes: t.fixes });
  }
  for (const q of file.quotingProblems ?? []) {
    const t = typedSplit(doc, cat, version, q, false);
    report(R['value-needs-quoting'], q.span, t.message, { fixes: t.fixes });
  }
  if (file.bom) {
    report(
      R['byte-order-mark'], file.bom.span,
      file.bom.message,
      { severity: file.bom.fatal ? 'error' as const : undefined, fixes: [{ title: 'Remove the byte-order mark', edits: [{ span: file.bom.span, newText: '' }], preferred: true }] },
    );
  }

  /** The last assignment of each effective parameter key (canonical name plus node number), like Pgpool-II's state. */
  const effective = new Map<string, Assignment>();
  const groups = new Map<string, Assignment[]>();
  for (const original of file.assignments) {
    const a = overrides.get(original) ?? original;
    const resolved = checkAssignment(pc, a);
    if (!resolved) continue;
    effective.set(resolved.canonical, a);
    if (!a.phantom) {
      let g = groups.get(resolved.canonical);
      if (!g) groups.set(resolved.canonical, (g = []));
      g.push(a);
    }
  }
  for (const g of groups.values()) checkDuplicates(pc, g);

  return effective;
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

/** Checks the key and the value of one statement; returns the effective key when the parameter applies. */
function checkAssignment(pc: ParamCheck, a: Assignment): { canonical: string; param: Param } | undefined {
  const { cat, version, report } = pc;
  const status = nameStatus(cat, a.key, version);
  if (status.kind === 'unknown') {
    if (!a.phantom) reportUnknown(pc, a, status.why);
    return undefined;
  }
  const look = status.look;
  const name = look.name;
  const param = cat.param(name, version)!;
  if (look.kind === 'bad-index') {
    const digits = /^[0-9]+/.exec(look.suffix)?.[0];
    report(
      R['array-index'], a.keySpan,
      `\`${a.key}\` is \`${name}\` followed by ${code(look.suffix)}, which is not a node number, so Pgpool-II refuses to start; write \`${name}\` with digits only, e.g. \`${name}${digits ?? '0'}\`.`,
      { fixes: digits ? [{ title: `Change to ${name}${digits}`, edits: [{ span: a.keySpan, newText: `${name}${digits}` }] }] : undefined },
    );
    return undefined;
  }
  if (look.kind === 'missing-index') {
    // `wd_port = 9000` is how 4.0–4.1 wrote this node's watchdog port; since 4.2 every node has a numbered entry.
    const old = name === 'wd_port' ? ' (a single `wd_port` is the Pgpool-II 4.1 form; since 4.2 it is set for every node, this one included)' : '';
    report(
      R['array-index'], a.keySpan,
      `\`${name}\` is set per node and needs a node number (\`${name}0\`, \`${name}1\`, …)${old}, so Pgpool-II refuses to start; add the number.`,
      { fixes: [{ title: `Change to ${name}0`, edits: [{ span: a.keySpan, newText: `${name}0` }] }] },
    );
    return undefined;
  }
  // An alias whose value the version throws away (4.3's fail_over_on_backend_error) does not set its target.
  const ignored = status.kind === 'alias' && status.appliedSince !== undefined && versionLess(version, status.appliedSince);
  let canonical = status.kind === 'alias' && !ignored ? status.target : name;
  if (look.kind === 'indexed') {
    const [lo, hi] = param.indexRange!;
    const idx = look.index;
    if (idx > hi + 1 || !Number.isSafeInteger(idx)) {
      report(
        R['array-index'], a.keySpan,
        `\`${a.key}\`: node number ${look.indexText} is outside ${lo}..${hi}, so Pgpool-II refuses to start; use a node number from ${lo} to ${hi}.`,
      );
      return undefined;
    }
    if (idx === hi + 1) {
      // The range check is off by one: the number passes, and the value is written one past the last slot. A number
      // is then silently lost; a string crashes Pgpool-II (segmentation fault, seen with 4.3.5) before it starts.
      if (param.type === 'string') {
        report(R['array-index'], a.keySpan, `\`${a.key}\`: node number ${idx} passes Pgpool-II's off-by-one range check but only ${lo}..${hi} are real slots, and a string there crashes Pgpool-II at start; use a number from ${lo} to ${hi}.`);
      } else {
        report(
          R['array-index'], a.keySpan,
          `\`${a.key}\`: Pgpool-II accepts node number ${idx} because its range check is off by one, but only ${lo}..${hi} are real slots, so this setting configures no node; use a number from ${lo} to ${hi}.`,
          { severity: 'warning' },
        );
        // The value is still parsed and range-checked before it is stored: a bad one stops Pgpool-II as for any node.
        checkValue(pc, a, param);
      }
      return undefined;
    }
    canonical = `${canonical}${idx}`;
  }
  if (!a.phantom && status.kind === 'alias') {
    const target = status.target;
    const does = ignored
      ? `Pgpool-II ${version} accepts it but ignores its value ("setting ${target} has no effect", a WARNING at every start; ${status.appliedSince} and later apply it), so \`${target}\` keeps its own value`
      : `Pgpool-II ${version} still applies it to \`${target}\` but logs a WARNING at every start`;
    report(
      R['deprecated-alias'], a.keySpan,
      `\`${name}\` is the old name of \`${target}\`: ${does}; rename it to \`${target}\`.`,
      { tags: ['deprecated'], fixes: [{ title: `Rename to ${target}`, edits: [{ span: a.keySpan, newText: target }], preferred: true }] },
    );
  }
  if (!a.phantom && status.kind === 'applied' && status.obsolete) reportObsolete(pc, a, status.obsolete.successor, status.obsolete.since);
  // The bare name of a per-node parameter (the default of every node) is a separate record in Pgpool-II without
  // the unit flag: `health_check_period0 = '10s'` works, `health_check_period = '10s'` does not.
  checkValue(pc, a, look.kind === 'no-index' && param.unit ? { ...param, unit: undefined, noUnitReason: `the bare \`${name}\` (the default of every node)` } : param);
  return { canonical, param };
}

function checkDuplicates(pc: ParamCheck, group: Assignment[]): void {
  if (group.length < 2) return;
  const last = group[group.length - 1]!;
  for (const a of group.slice(0, -1)) {
    const same = last.key === a.key ? '' : ` (as \`${last.key}\`)`;
    pc.report(
      R['duplicate'], [a.keySpan[0], Math.max(a.keySpan[1], a.valueSpan[1])],
      `\`${a.key}\` is set again on line ${last.line + 1}${same} and Pgpool-II applies the last value without a message, so this one has no effect; remove one of them.`,
      { tags: ['unnecessary'], related: [{ file: pc.doc.path, span: last.keySpan, message: `\`${last.key}\` is set again here` }] },
    );
  }
}
