/**
 * Suppression comments, read the same way in every language that has comments:
 *
 *     # pgtls-disable-next-line pool-hba/md5-method, pool-hba/clear-text-password -- legacy clients, until June
 *     # pgtls-disable pg-hba/trust-on-network
 *     …
 *     # pgtls-enable pg-hba/trust-on-network
 *
 * A directive is a whole-line comment in the file's comment syntax (`LANGUAGE_TABLE[…].lineComments`), the directive
 * word, then rule ids separated by commas or blanks (none: every rule), then an optional `-- reason`.
 * `pgtls-disable-next-line` silences the listed rules on the next line; `pgtls-disable` from its place on, until a
 * `pgtls-enable` that names the rule (or names none) or the end of the file. The last `disable`/`enable` before a
 * finding that concerns its rule decides, as in ESLint: nesting does not count, and a bare `pgtls-enable` ends them all.
 * A finding counts as on a line when it starts there, or when its statement does (`anchor`: a continued pg_hba.conf
 * line, a multi-line YAML scalar).
 *
 * The façade applies this to the findings of every language in one place (service.ts), so the editor, `pgtls check`
 * and the tests honour the same comments. A directive is itself reported when it names an unknown rule (with the
 * closest ids) or silences nothing (a rule named in it, or the whole comment), like ESLint's unused-disable report.
 * Also here: the quick fixes that write these comments.
 */
import { CORE, toFinding } from './rules';
import { LineIndex, didYouMean } from './text';
import type { Finding, Fix, Span } from './types';

export type DirectiveKind = 'disable-next-line' | 'disable' | 'enable';

/** A rule id named by a directive. */
export interface DirectiveRule {
  id: string;
  span: Span;
}

export interface Directive {
  kind: DirectiveKind;
  /** 0-based line of the comment. */
  line: number;
  /** The comment, from its comment character to the end of its line (without the line break). */
  span: Span;
  /** `pgtls-disable-next-line`, `pgtls-disable` or `pgtls-enable`. */
  keyword: Span;
  /** The rules it names; empty: every rule. */
  rules: DirectiveRule[];
  /** Where one more rule id is written (after the last one, before a `-- reason`). */
  listEnd: number;
}

const DIRECTIVE = /^pgtls-(disable-next-line|disable|enable)(?=[ \t]|$)/;
const isBlank = (c: number) => c === 32 || c === 9;

/** The directives of a text, in order. Cheap when the text has none (one substring search). */
export function parseDirectives(text: string, prefixes: readonly string[], lines?: LineIndex): Directive[] {
  if (!prefixes.length || !text.includes('pgtls-')) return [];
  const index = lines ?? new LineIndex(text);
  const out: Directive[] = [];
  for (let line = 0; line < index.lineCount; line++) {
    const start = index.lineStart(line);
    let end = line + 1 < index.lineCount ? index.lineStart(line + 1) : text.length;
    while (end > start && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
    const d = readDirective(text, start, end, line, prefixes);
    if (d) out.push(d);
  }
  return out;
}

function readDirective(text: string, start: number, end: number, line: number, prefixes: readonly string[]): Directive | undefined {
  let p = start;
  if (p === 0 && text.charCodeAt(0) === 0xfeff) p++;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  const prefix = prefixes.find(x => text.startsWith(x, p));
  if (!prefix) return undefined;
  const comment = p;
  p += prefix.length;
  while (p < end && isBlank(text.charCodeAt(p))) p++;
  const m = DIRECTIVE.exec(text.slice(p, Math.min(end, p + 40)));
  if (!m) return undefined;
  const keyword: Span = [p, p + m[0].length];
  const rest = text.slice(keyword[1], end);
  const reason = /(^|[ \t])--([ \t]|$)/.exec(rest);
  const listText = reason ? rest.slice(0, reason.index) : rest;
  const rules: DirectiveRule[] = [];
  for (const t of listText.matchAll(/[^\s,]+/g)) {
    const s = keyword[1] + t.index;
    rules.push({ id: t[0], span: [s, s + t[0].length] });
  }
  const listEnd = rules.length ? rules[rules.length - 1]!.span[1] : keyword[1];
  return { kind: m[1] as DirectiveKind, line, span: [comment, end], keyword, rules, listEnd };
}

/** What `applySuppressions` needs besides the findings. */
export interface SuppressionInput {
  text: string;
  /** The language's comment starts (`lineComments`); empty: no directives at all. */
  prefixes: readonly string[];
  /** Whether a rule id is registered. */
  known(id: string): boolean;
  /** Every rule id, for the closest ids to an unknown one. */
  ids(): Iterable<string>;
  /** Where the statement holding `offset` starts, when that is on an earlier line (`LanguageMode.commentAnchor`). */
  anchor?(offset: number): number | undefined;
  /** False where pgtls does not check the text (a templated YAML document): an unused directive there is not reported. */
  checked?(offset: number): boolean;
  /**
   * For the id of another file type's rule (`pool-hba/md5-method` in a pg_hba.conf), this language's rule of the same
   * name (`pg-hba/md5-method`), if it has exactly one.
   */
  local?(id: string): string | undefined;
}

/** A block directive's effect on one rule (or on all), in file order. */
interface Entry {
  seq: number;
  pos: number;
  kind: 'disable' | 'enable';
  directive: Directive;
  rule?: DirectiveRule;
}

/** The last entry at or before `pos` (entries sorted by position). */
function lastAt(entries: readonly Entry[] | undefined, pos: number): Entry | undefined {
  if (!entries?.length) return undefined;
  let lo = 0, hi = entries.length - 1, hit: Entry | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.pos <= pos) { hit = entries[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  return hit;
}

const later = (a: Entry | undefined, b: Entry | undefined) => (!a ? b : !b ? a : a.seq > b.seq ? a : b);

/**
 * The findings that no directive silences, followed by the findings about the directives themselves
 * (`pgtls/suppression-unknown-rule`, `pgtls/suppression-unused`).
 */
export function applySuppressions(findings: Finding[], input: SuppressionInput): Finding[] {
  // Most files have no directive: one substring search, no line index.
  if (!input.prefixes.length || !input.text.includes('pgtls-')) return findings;
  const lines = new LineIndex(input.text);
  const directives = parseDirectives(input.text, input.prefixes, lines);
  if (!directives.length) return findings;
  const nextLine = new Map<number, Directive[]>();
  const byRule = new Map<string, Entry[]>();
  const all: Entry[] = [];
  let seq = 0;
  for (const d of directives) {
    if (d.kind === 'disable-next-line') {
      const list = nextLine.get(d.line + 1) ?? [];
      list.push(d);
      nextLine.set(d.line + 1, list);
      continue;
    }
    // From the start of its line (a finding at offset 0 of a file that starts with a byte-order mark is after it).
    const base = { pos: lines.lineStart(d.line), kind: d.kind, directive: d };
    if (!d.rules.length) all.push({ ...base, seq: seq++ });
    for (const r of d.rules) {
      const list = byRule.get(r.id) ?? [];
      list.push({ ...base, seq: seq++, rule: r });
      byRule.set(r.id, list);
    }
  }
  const used = new Set<Directive | DirectiveRule>();
  const kept: Finding[] = [];
  for (const f of findings) {
    let silenced = false;
    const at = f.span[0];
    const own = lines.positionAt(at).line;
    const anchor = nextLine.size ? input.anchor?.(at) : undefined;
    const onLines = anchor === undefined ? [own] : [...new Set([own, lines.positionAt(anchor).line])];
    for (const d of onLines.flatMap(l => nextLine.get(l) ?? [])) {
      const hit = d.rules.length ? d.rules.find(r => r.id === f.rule) : d;
      if (hit) { used.add(hit); silenced = true; }
    }
    const block = later(lastAt(byRule.get(f.rule), at), lastAt(all, at));
    if (block?.kind === 'disable') { used.add(block.rule ?? block.directive); silenced = true; }
    if (!silenced) kept.push(f);
  }
  return [...kept, ...directiveFindings(directives, used, input, lines)];
}

/** Unknown rule ids, and directives (or rule ids in them) that silence or enable nothing. */
function directiveFindings(directives: readonly Directive[], used: Set<Directive | DirectiveRule>, input: SuppressionInput, lines: LineIndex): Finding[] {
  const out: Finding[] = [];
  const enabling = enableUse(directives);
  for (const d of directives) {
    const name = `pgtls-${d.kind}`;
    const known = d.rules.filter(r => input.known(r.id));
    for (const r of d.rules) {
      if (known.includes(r)) continue;
      const close = didYouMean(r.id, input.ids(), 3);
      const hint = close.length ? `did you mean ${close.join(', ')}?` : 'the command pgtls rules lists every rule id.';
      out.push(toFinding(CORE['suppression-unknown-rule'], r.span, `${name} names ${r.id}, which is not a pgtls rule, so it silences nothing here; ${hint}`, {
        fixes: close.map((c, i) => ({ title: `Change to ${c}`, edits: [{ span: r.span, newText: c }], ...(i === 0 && close.length === 1 ? { preferred: true } : {}) })),
      }));
    }
    if (input.checked && !input.checked(d.span[0])) continue;
    const isUsed = (x: Directive | DirectiveRule) => (d.kind === 'enable' ? enabling.has(x) : used.has(x));
    const what = d.kind === 'disable-next-line' ? 'on the next line' : d.kind === 'disable' ? 'after it' : '';
    if (!d.rules.length) {
      if (isUsed(d)) continue;
      const message = d.kind === 'enable'
        ? 'This pgtls-enable comment enables nothing: no pgtls-disable is in effect here. Remove the comment.'
        : `This ${name} comment silences nothing: pgtls finds no problem ${what}. Remove the comment.`;
      out.push(unused(d.span, message, removeLine(input.text, lines, d)));
      continue;
    }
    const idle = known.filter(r => !isUsed(r));
    // An unused id of another file type whose rule this file has too: most likely copied from the other file.
    for (const r of idle) {
      const here = input.local?.(r.id);
      if (!here) continue;
      out.push(toFinding(CORE['suppression-unknown-rule'], r.span, `${name} names ${r.id}, a rule of another kind of file, so it silences nothing here; this file's rule is ${here}.`, {
        fixes: [{ title: `Change to ${here}`, edits: [{ span: r.span, newText: here }], preferred: true }],
      }));
    }
    idle.splice(0, idle.length, ...idle.filter(r => !input.local?.(r.id)));
    if (!idle.length) continue;
    if (idle.length === d.rules.length) {
      const ids = idle.map(r => r.id).join(', ');
      const message = d.kind === 'enable'
        ? `This pgtls-enable comment enables nothing: ${ids} ${idle.length > 1 ? 'are' : 'is'} not disabled here. Remove the comment.`
        : `This ${name} comment silences nothing: pgtls finds no ${ids} problem ${what}. Remove the comment.`;
      out.push(unused(d.span, message, removeLine(input.text, lines, d)));
      continue;
    }
    for (const r of idle) {
      const message = d.kind === 'enable'
        ? `${name} names ${r.id}, which is not disabled here. Remove it from the comment.`
        : `${name} names ${r.id}, but pgtls finds no ${r.id} problem ${what}. Remove it from the comment.`;
      out.push(unused(r.span, message, { title: `Remove ${r.id} from the comment`, edits: [{ span: removeId(d, r), newText: '' }] }));
    }
  }
  return out;
}

/** The `enable` directives (or rule ids in them) that end a `disable` in effect at their place. */
function enableUse(directives: readonly Directive[]): Set<Directive | DirectiveRule> {
  const out = new Set<Directive | DirectiveRule>();
  let seq = 0;
  let allState: { kind: DirectiveKind; seq: number } | undefined;
  const ruleState = new Map<string, { kind: DirectiveKind; seq: number }>();
  const disabled = (id: string) => {
    const r = ruleState.get(id);
    const last = !r ? allState : !allState ? r : r.seq > allState.seq ? r : allState;
    return last?.kind === 'disable';
  };
  for (const d of directives) {
    if (d.kind === 'disable-next-line') continue;
    if (d.kind === 'enable') {
      if (!d.rules.length) {
        if (allState?.kind === 'disable' || [...ruleState.keys()].some(disabled)) out.add(d);
      } else for (const r of d.rules) if (disabled(r.id)) out.add(r);
    }
    if (!d.rules.length) allState = { kind: d.kind, seq: seq++ };
    for (const r of d.rules) ruleState.set(r.id, { kind: d.kind, seq: seq++ });
  }
  return out;
}

function unused(span: Span, message: string, fix: Fix): Finding {
  return toFinding(CORE['suppression-unused'], span, message, { tags: ['unnecessary'], fixes: [fix] });
}

function removeLine(text: string, lines: LineIndex, d: Directive): Fix {
  let start = lines.lineStart(d.line);
  if (start === 0 && text.charCodeAt(0) === 0xfeff) start = 1;
  const end = d.line + 1 < lines.lineCount ? lines.lineStart(d.line + 1) : text.length;
  // The last line of a file that does not end with a line break: remove the line break before it instead.
  if (end === text.length && !/[\r\n]$/.test(text) && d.line > 0) {
    if (text.charCodeAt(start - 1) === 10) start--;
    if (text.charCodeAt(start - 1) === 13) start--;
  }
  return { title: 'Remove the suppression comment', edits: [{ span: [start, end], newText: '' }] };
}

/** The span that removes one rule id and one separator next to it from a directive that names others too. */
function removeId(d: Directive, r: DirectiveRule): Span {
  const i = d.rules.indexOf(r);
  return i > 0 ? [d.rules[i - 1]!.span[1], r.span[1]] : [r.span[0], d.rules[1]!.span[0]];
}

/** The quick-fix side: where a comment for a finding goes. */
export interface SuppressionTarget {
  rule: string;
  span: Span;
  /** As `SuppressionInput.anchor`, for this finding. */
  anchor?: number;
}

/**
 * The suppression comments that silence each finding, as fixes: `pgtls-disable-next-line RULE` above its line (or the
 * rule added to such a comment already there) and `pgtls-disable RULE` at the top of the file (or added to the one
 * there). Written in the language's first comment syntax, indented like the line; none where the language has no
 * comments. One list of fixes per target, in order.
 */
export function suppressionFixes(text: string, prefixes: readonly string[], targets: readonly SuppressionTarget[]): Fix[][] {
  const prefix = prefixes[0];
  if (!prefix) return targets.map(() => []);
  const lines = new LineIndex(text);
  const directives = parseDirectives(text, prefixes, lines);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const top = directives.find(d => d.kind === 'disable' && d.line === 0 && d.rules.length);
  return targets.map(target => {
    const add = (d: Directive) => ({ span: [d.listEnd, d.listEnd] as Span, newText: `, ${target.rule}` });
    const line = lines.positionAt(target.anchor ?? target.span[0]).line;
    const above = directives.find(d => d.kind === 'disable-next-line' && d.line === line - 1 && d.rules.length);
    let lineEdit;
    if (above) lineEdit = add(above);
    else {
      const start = Math.max(lines.lineStart(line), bom);
      let p = start;
      while (p < text.length && isBlank(text.charCodeAt(p))) p++;
      lineEdit = { span: [start, start] as Span, newText: `${text.slice(start, p)}${prefix} pgtls-disable-next-line ${target.rule}${eol}` };
    }
    const fileEdit = top ? add(top) : { span: [bom, bom] as Span, newText: `${prefix} pgtls-disable ${target.rule}${eol}` };
    return [
      { title: `Disable ${target.rule} for this line`, edits: [lineEdit] },
      { title: `Disable ${target.rule} for the whole file`, edits: [fileEdit] },
    ];
  });
}
