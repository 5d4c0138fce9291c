/**
 * Names and values of the effective settings, as `ProcessConfigFileInternal` and `set_config_option` judge them at
 * startup: every name without a `.` must be a parameter of the selected version; of several lines with the same
 * name, spelt exactly alike, only the last is applied (and checked), the earlier ones are ignored; a read-only parameter is refused; the value
 * must parse for the parameter's type (values.ts) and fall in its range. Lines of included files are reported at the
 * directive of this file that brings them in; postgresql.auto.conf's own lines are left to that file.
 */
import type { ValidateContext } from '../../../core/language';
import type { Fix, SourceDocument, Span } from '../../../core/types';
import { LineIndex, listing } from '../../../core/text';
import { catalogueOf, type Param } from '../catalogue';
import type { EffectiveSetting } from '../effective';
import { nameStatus } from '../names';
import { R } from '../rules';
import { checkNumberHook, checkStringHook } from './hooks';
import { formatG, INT_MAX, parseBool, parseIntValue, parseRealValue, unitsFor, type NumberResult } from '../values';

const FATAL = 'PostgreSQL refuses to start ("configuration file … contains errors"; a reload would skip this line)';

export function checkSettings(doc: SourceDocument, all: readonly EffectiveSetting[], ctx: ValidateContext): void {
  const cat = catalogueOf(ctx.env);
  const version = ctx.settings.postgresVersion;
  const last = new Map<string, number>();
  let lines: LineIndex | undefined;
  // PostgreSQL ignores an earlier line only when its name is spelt exactly the same (strcmp): `Work_Mem` or the old
  // `sort_mem` before `work_mem` is applied (and checked) and then overwritten.
  all.forEach((e, i) => { if (!e.s.qualified) last.set(e.s.name, i); });
  all.forEach((e, i) => {
    if (e.auto || e.s.qualified) return;
    const st = nameStatus(cat, e.s.name, version);
    const at = (span: Span): Span => (e.via ? e.via.valueSpan : span);
    const pre = e.via ? `in ${e.path}: ` : '';
    if (st.kind === 'unknown') {
      const bom = e.s.name.startsWith('\ufeff');
      const fixes = bom ? [{ title: 'Remove the byte-order mark', edits: [{ span: [0, 1] as Span, newText: '' }], preferred: true }]
        : renameFixes(e.s.nameSpan, st.renamed ? [st.renamed.to] : st.suggestions);
      ctx.report(R['unknown-parameter'], at(e.s.nameSpan), pre + unknownMessage(e.s.name, st, version), e.via ? {} : { fixes });
      return;
    }
    if (st.kind !== 'known') return;
    const winner = last.get(e.s.name);
    if (winner !== i) {
      if (!e.via) {
        const w = all[winner!]!;
        lines ??= new LineIndex(doc.text);
        const where = w.auto ? 'postgresql.auto.conf (ALTER SYSTEM)' : w.via ? `${w.path}` : `line ${lines.positionAt(w.s.nameSpan[0]).line + 1}`;
        ctx.report(R['overridden'], [e.s.nameSpan[0], e.s.valueSpan[1]], `\`${e.s.name}\` is set again in ${where}, which wins: PostgreSQL ignores this line without checking it; remove it.`, { tags: ['unnecessary'] });
      }
      return;
    }
    const p = st.param;
    if (p.context === 'internal') {
      ctx.report(R['read-only-parameter'], at(e.s.nameSpan), `${pre}\`${p.name}\` only reports a fact of the server or the cluster; setting it is refused ("parameter cannot be changed"), so ${FATAL}. Remove the line.`);
      return;
    }
    checkValue(e, p, ctx, at, pre);
  });
}

function unknownMessage(name: string, st: Extract<ReturnType<typeof nameStatus>, { kind: 'unknown' }>, version: number): string {
  let why: string;
  if (name.startsWith('\ufeff')) {
    return `The file starts with a byte-order mark, which PostgreSQL reads as part of the name \`${name.slice(1)}\` ("unrecognized configuration parameter"), so ${FATAL}; save the file as UTF-8 without BOM.`;
  }
  if (st.renamed) why = `PostgreSQL ${st.renamed.in} renamed \`${name}\` to \`${st.renamed.to}\``;
  else if (st.other) {
    const vs = st.other.versions;
    why = vs[0]! > version ? `\`${st.other.name}\` exists from PostgreSQL ${vs[0]} on, not in ${version}` : `\`${st.other.name}\` was removed in PostgreSQL ${vs[vs.length - 1]! + 1}`;
  } else why = `PostgreSQL ${version} has no parameter \`${name}\``;
  const setting = st.other && !st.renamed ? `; or set \`pgtls.postgresVersion\` to the server's version` : '';
  const hint = st.renamed ? `write \`${st.renamed.to}\`.` : st.suggestions.length ? `did you mean ${listing(st.suggestions)}${setting}?` : `check the name, or give an extension's parameter its \`prefix.\`${setting}.`;
  return `${why} ("unrecognized configuration parameter"), so ${FATAL}; ${hint}`;
}

function renameFixes(span: Span, names: readonly string[]): Fix[] {
  return names.map((n, i) => ({ title: `Change to ${n}`, edits: [{ span, newText: n }], ...(names.length === 1 && i === 0 ? { preferred: true } : {}) }));
}

function checkValue(e: EffectiveSetting, p: Param, ctx: ValidateContext, at: (s: Span) => Span, pre: string): void {
  const v = e.s.value;
  const span = at(e.s.valueSpan);
  const head = `${pre}\`${p.name} = ${short(v)}\``;
  switch (p.type) {
    case 'bool': {
      const b = parseBool(v);
      if (b === undefined) ctx.report(R['invalid-bool'], span, `${head}: not a Boolean ("parameter requires a Boolean value"), so ${FATAL}; write \`on\` or \`off\`.`);
      else checkNumberHook(p, b, span, head, ctx);
      return;
    }
    case 'enum': {
      const all = [...(p.enum ?? []), ...(p.hidden ?? [])];
      if (all.some(x => x.toLowerCase() === v.toLowerCase())) return;
      const shown = (p.enum ?? []).map(x => (x === '' ? "''" : x));
      ctx.report(R['invalid-enum'], span, `${head}: not one of ${listing(shown)} (any letter case), so ${FATAL}.`);
      return;
    }
    case 'int':
    case 'real':
    {
      const n = numberCheck(p, p.type === 'int' ? parseIntValue(v, p.unit) : parseRealValue(v, p.unit), ctx, span, head);
      if (n !== undefined) checkNumberHook(p, n, span, head, ctx);
      return;
    }
    default:
      checkStringHook(p, v, span, head, ctx);
      return;
  }
}

/** Reports a number PostgreSQL refuses by type or range; else returns the value it stores. */
function numberCheck(p: Param, r: NumberResult, ctx: ValidateContext, span: Span, head: string): number | undefined {
  const u = p.unit ? ` ${p.unit}` : '';
  if (!r.ok) {
    if (r.why === 'syntax') ctx.report(R['invalid-number'], span, `${head}: not a number ("invalid value for parameter"), so ${FATAL}; write ${p.type === 'int' ? 'an integer' : 'a number'}${p.unit ? ` with an optional unit` : ''}.`);
    else if (r.why === 'no-unit') ctx.report(R['invalid-number'], span, `${head}: \`${p.name}\` takes a plain number, and \`${short(r.rest)}\` follows it, so ${FATAL}; remove it.`);
    else if (r.why === 'unit') ctx.report(R['invalid-unit'], span, `${head}: \`${short(r.rest.trim())}\` is not a unit of \`${p.name}\` (valid: ${listing(unitsFor(p.unit!))}, case-sensitive), so ${FATAL}.`);
    else ctx.report(R['out-of-range'], span, `${head}: this is ${formatG(r.value)}${u}, beyond the integer range (${INT_MAX}), so ${FATAL}.`);
    return undefined;
  }
  if (p.min !== undefined && p.max !== undefined && (r.value < p.min || r.value > p.max)) {
    const val = p.type === 'int' ? String(r.value) : formatG(r.value);
    const bounds = p.type === 'int' ? `${p.min} … ${p.max}` : `${formatG(p.min)} … ${formatG(p.max)}`;
    ctx.report(R['out-of-range'], span, `${head}: ${val}${u} is outside the valid range ${bounds}${u}, so ${FATAL}.`);
    return undefined;
  }
  return r.value;
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
