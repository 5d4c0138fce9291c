/**
 * The checks of a value against its parameter's type, as Pgpool-II parses it: booleans, integers with units and
 * ranges, reals, enumerations, and the string parameters with their own syntax (backend_flag, log_destination, the
 * redirect preference lists).
 */
import type { Fix, SourceDocument } from '../../../core/types';
import { didYouMean } from '../../../core/text';
import type { Param } from '../catalogue';
import { parseBool, type Assignment } from '../model';
import { R } from '../rules';
import { atof, formatBound, INT64_MAX, INT_MAX, isMemoryUnit, parseIntValue, validUnits, MEMORY_UNITS, TIME_UNITS } from '../values';
import { capitalize, code, orList, replaceValue, valueText, type ParamCheck } from './common';
import { renamedValue } from './keys';
import { checkRedirectList } from './redirectList';

/** Parameters whose numbers are file modes; their ranges read better in octal. */
const OCTAL = new Set(['unix_socket_permissions', 'log_file_mode']);

/** A parameter as one statement sees it; `noUnitReason` says why a unit-bearing parameter takes none here. */
export type ParamHere = Param & { noUnitReason?: string };

export function checkValue(pc: ParamCheck, a: Assignment, p: ParamHere): void {
  const { report, doc } = pc;
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
        report(R['missing-value'], a.valueSpan, `${k} has no value, which Pgpool-II silently reads as ON; write \`on\` or \`off\`.`, { fixes: [insert('on'), insert('off')] });
        return;
      case 'int': case 'int64': case 'enum':
        report(R['missing-value'], a.valueSpan, `${k} has no value, so Pgpool-II refuses to start with "invalid value"; give it a value or remove the line.`, { severity: 'error' });
        return;
      case 'real':
        report(R['missing-value'], a.valueSpan, `${k} has no value, which Pgpool-II silently reads as 0; give it a value or remove the line.`);
        return;
      default:
        if (atEof) return; // nothing follows: Pgpool-II gets an empty string, which is what an empty value means
        report(R['missing-value'], a.valueSpan, `${k} has no value, so Pgpool-II stores a line break as its value, not an empty string; write \`''\` for an empty value.`, { fixes: [insert("''")] });
        return;
    }
  }
  switch (p.type) {
    case 'bool': {
      if (parseBool(a.value) === undefined) {
        report(
          R['invalid-bool'], a.valueSpan,
          `${k} = ${code(valueText(a))} is not a boolean, which Pgpool-II silently reads as ON; write \`on\` or \`off\`.`,
          { fixes: [replaceValue(a, 'on', 'Change to on'), replaceValue(a, 'off', 'Change to off')] },
        );
      }
      return;
    }
    case 'int':
    case 'int64':
      checkInteger(pc, a, p);
      return;
    case 'real': {
      const r = atof(a.value);
      if (!r.clean) {
        report(
          R['invalid-number'], a.valueSpan,
          `${k} = ${code(valueText(a))} is not a number: Pgpool-II reads it without any check as ${r.value}; write a plain number.`,
          { severity: 'warning' },
        );
      }
      checkRange(pc, a, p, r.value);
      return;
    }
    case 'enum': {
      const allowed = p.enum ?? [];
      if (allowed.some(e => e.toLowerCase() === a.value.toLowerCase())) return;
      // A value an earlier version had (slony, until 4.6), or one renamed in 4.2 (relcache_query_target 'master').
      const removed = pc.cat.param(a.name, '4.3')?.enum?.find(e => e.toLowerCase() === a.value.toLowerCase());
      const lastWith = removed ? [...pc.cat.versions].reverse().find(v => pc.cat.param(a.name, v)?.enum?.includes(removed)) : undefined;
      const renamed = renamedValue(a.name, a.value);
      const best = renamed && allowed.includes(renamed) ? renamed : didYouMean(a.value, allowed, 1)[0];
      let message: string;
      if (renamed) message = `${k} = ${code(a.value)} is the name this value had before Pgpool-II 4.2 (now \`${renamed}\`), so Pgpool-II ${pc.version} refuses to start; write \`${renamed}\`.`;
      else if (removed && lastWith) {
        const gone = pc.cat.versions[pc.cat.versions.indexOf(lastWith) + 1] ?? pc.version;
        message = `${k} = ${code(a.value)} was removed in Pgpool-II ${gone}, so Pgpool-II ${pc.version} refuses to start; use ${orList(allowed)}.`;
      }
      else message = `${k} = ${code(a.value)} is not an allowed value, so Pgpool-II refuses to start; use ${orList(allowed)}.`;
      report(R['invalid-enum'], a.valueSpan, message, { fixes: best ? [replaceValue(a, best, `Change to ${best}`, true)] : undefined });
      return;
    }
    default:
      if (a.name === 'backend_flag') checkBackendFlag(pc, a);
      else if (a.name === 'log_destination') checkLogDestination(pc, a);
      else if (/_redirect_preference_list$/.test(a.name)) {
        for (const f of checkRedirectList(a.value, valueStart(pc.doc, a))) {
          report(
            R['invalid-redirect-list'], f.span,
            `${k}: ${f.message}`,
            { severity: f.warning ? 'warning' as const : undefined, fixes: f.fix ? [{ title: `Change to \`${f.fix.newText}\``, edits: [f.fix], preferred: true }] : undefined },
          );
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

function checkInteger(pc: ParamCheck, a: Assignment, p: ParamHere): void {
  const { report } = pc;
  const k = `\`${a.key}\``;
  const typeMax = p.type === 'int64' ? INT64_MAX : INT_MAX;
  const r = parseIntValue(a.value, p.unit, typeMax);
  if (r.ok) { checkRange(pc, a, p, r.value, r.unitUsed); return; }
  const v = code(valueText(a));
  const unitLike = r.unitText !== undefined && ALL_UNITS.has(r.unitText.trim());
  if (r.reason === 'too-large') {
    report(R['out-of-range'], a.valueSpan, `${k} = ${v} is too large for Pgpool-II (${p.type === 'int64' ? '64' : '32'}-bit integer), so it refuses to start; use a smaller value${rangeText(p)}.`);
  } else if (r.reason === 'bad-unit') {
    const units = validUnits(p.unit!);
    const caseHit = units.find(u => u.toLowerCase() === r.unitText!.trim().toLowerCase());
    report(
      R['invalid-unit'], a.valueSpan,
      `${k} = ${v} has the unit ${code(r.unitText!.trim())}, which Pgpool-II rejects, so it refuses to start; valid units (case-sensitive) are ${orList(units)}, right after the number (e.g. \`${isMemoryUnit(p.unit!) ? '64MB' : '30s'}\`).`,
      { fixes: caseHit ? [replaceValue(a, a.value.replace(r.unitText!.trim(), caseHit), `Change the unit to ${caseHit}`, true)] : undefined },
    );
  } else if (r.reason === 'unit-not-allowed' && unitLike) {
    const bare = a.value.slice(0, a.value.length - r.unitText!.length).trim();
    if (p.noUnitReason) {
      const baseUnit = pc.cat.param(p.name, pc.version)!.unit!;
      const converted = parseIntValue(a.value, baseUnit, typeMax);
      report(
        R['invalid-unit'], a.valueSpan,
        `${capitalize(p.noUnitReason)} takes a plain number of ${UNIT_WORDS[baseUnit]} without a unit (only \`${p.name}N\` accepts units), so Pgpool-II rejects ${v} and does not start; write the number alone.`,
        { fixes: converted.ok ? [{ title: `Change to ${converted.value}`, edits: [{ span: a.valueSpan, newText: String(converted.value) }], preferred: true }] : undefined },
      );
      return;
    }
    report(
      R['invalid-unit'], a.valueSpan,
      `${k} takes a plain number without a unit, so Pgpool-II rejects ${v} and does not start; remove ${code(r.unitText!.trim())}.`,
      { fixes: bare ? [replaceValue(a, bare, 'Remove the unit', true)] : undefined },
    );
  } else {
    const octal = /^\s*[-+]?0[0-9]+/.test(a.value) && /[89]/.test(a.value);
    report(
      R['invalid-number'], a.valueSpan,
      `${k} = ${v} is not an integer${octal ? ' (a leading 0 makes it octal, where 8 and 9 are not digits)' : ''}, so Pgpool-II refuses to start with "invalid value"; write a whole number${p.unit ? ` with an optional unit (${orList(validUnits(p.unit))})` : ''}.`,
    );
  }
}

function rangeText(p: Param): string {
  if (p.min === undefined || p.max === undefined) return '';
  const f = (n: number): string => (OCTAL.has(p.name) && n !== 0 ? `0${n.toString(8)}` : formatBound(n));
  return ` (${f(p.min)}..${f(p.max)}${p.unit ? ` ${p.unit}` : ''})`;
}

function checkRange(pc: ParamCheck, a: Assignment, p: Param, value: number, unitUsed?: string): void {
  if (p.min === undefined || p.max === undefined) return;
  if (value >= p.min && value <= p.max) return;
  const shown = unitUsed ? `${code(valueText(a))}, which is ${value} ${p.unit},` : code(valueText(a));
  pc.report(
    R['out-of-range'], a.valueSpan,
    `\`${a.key}\` = ${shown} is outside the valid range${rangeText(p)}, so Pgpool-II refuses to start; pick a value in range.`,
  );
}

const BACKEND_FLAGS = ['ALLOW_TO_FAILOVER', 'DISALLOW_TO_FAILOVER', 'ALWAYS_PRIMARY'];

function checkBackendFlag(pc: ParamCheck, a: Assignment): void {
  const parts = a.value.split('|').filter(s => s !== '');
  const k = `\`${a.key}\``;
  const bad = parts.find(s => !BACKEND_FLAGS.includes(s));
  if (bad !== undefined) {
    const cleaned = parts.map(s => { const t = s.trim().toUpperCase(); return renamedValue('backend_flag', t) ?? t; });
    const renamed = renamedValue('backend_flag', bad.trim());
    if (renamed) {
      // ALWAYS_MASTER (4.1 and before) became ALWAYS_PRIMARY in 4.2 (release-4.2.sgml, "Cleanup language").
      const fixable = cleaned.every(s => BACKEND_FLAGS.includes(s));
      pc.report(
        R['invalid-backend-flag'], a.valueSpan,
        `${k}: ${code(bad)} is the flag's name before Pgpool-II 4.2 (now \`${renamed}\`), so Pgpool-II ${pc.version} refuses to start; write \`${renamed}\`.`,
        { fixes: fixable ? [replaceValue(a, cleaned.join('|'), `Change to ${cleaned.join('|')}`, true)] : undefined },
      );
      return;
    }
    const fixable = cleaned.every(s => BACKEND_FLAGS.includes(s));
    const guess = didYouMean(bad.trim(), BACKEND_FLAGS, 1)[0];
    pc.report(
      R['invalid-backend-flag'], a.valueSpan,
      `${k}: ${code(bad)} is not a backend flag (exact, case-sensitive, no blanks around \`|\`), so Pgpool-II refuses to start; use ${orList(BACKEND_FLAGS)}, joined with \`|\`${!fixable && guess ? `; did you mean \`${guess}\`?` : '.'}`,
      { fixes: fixable ? [replaceValue(a, cleaned.join('|'), `Change to ${cleaned.join('|')}`, true)] : undefined },
    );
    return;
  }
  if (parts.includes('ALLOW_TO_FAILOVER') && parts.includes('DISALLOW_TO_FAILOVER')) {
    pc.report(
      R['invalid-backend-flag'], a.valueSpan,
      `${k} sets both ALLOW_TO_FAILOVER and DISALLOW_TO_FAILOVER, so Pgpool-II refuses to start; keep one of them.`,
    );
  }
}

function checkLogDestination(pc: ParamCheck, a: Assignment): void {
  const parts = a.value.split(',').filter(s => s !== '');
  const k = `\`${a.key}\``;
  if (parts.length === 0) {
    pc.report(R['invalid-log-destination'], a.valueSpan, `${k} is empty, so Pgpool-II refuses to start; write \`'stderr'\`, \`'syslog'\` or \`'stderr,syslog'\`.`, { fixes: [replaceValue(a, 'stderr', 'Change to stderr', true)] });
    return;
  }
  const bad = parts.find(s => s !== 'stderr' && s !== 'syslog');
  if (bad === undefined) return;
  const cleaned = parts.map(s => s.trim().toLowerCase());
  const fixable = cleaned.every(s => s === 'stderr' || s === 'syslog');
  pc.report(
    R['invalid-log-destination'], a.valueSpan,
    `${k}: ${code(bad)} is not a log destination (exactly \`stderr\` or \`syslog\`, comma-separated without blanks), so Pgpool-II refuses to start; write \`'stderr'\`, \`'syslog'\` or \`'stderr,syslog'\`.`,
    { fixes: fixable ? [replaceValue(a, cleaned.join(','), `Change to ${cleaned.join(',')}`, true)] : undefined },
  );
}
