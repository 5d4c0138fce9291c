/**
 * `%include` as PgBouncer reads it (libusual usual/cfparser.c `parse_ini_file_internal`, bundled with PgBouncer
 * 1.18–1.25): the named file is read in place, with the section in effect at the `%include` line, by the same loader,
 * so its first bad line stops PgBouncer like a line of the including file; an `%include` in a file already 10 levels
 * down fails ("include nesting level too deep"). The name is opened as written: a relative one from PgBouncer's working
 * directory, which pgtls does not know, so only absolute names (through the path mappings) are followed.
 * `expandIncludes` fills the Check with the effective entries (the included ones pointing at the `%include` line of
 * the checked file) and, per `%include`, the first error PgBouncer would stop at in the files it reads. Every
 * `[pgbouncer]` header, here or in an included file, sets the [pgbouncer] settings read so far back to their defaults
 * (cfparser.c `fill_defaults`; seen with PgBouncer 1.18.0: `client_tls_sslmode = require` above a second header left
 * TLS off), so the effective entries leave those out and `c.resets` says what each header lost.
 */
import { isAbsolutePath } from '../../../core/deployPaths';
import type { ValidateContext } from '../../../core/language';
import type { RuleMeta, Severity, Span } from '../../../core/types';
import { pathLocator } from '../../../deploy';
import type { Entry, Statement } from '../model';
import { parsePgbouncerIni } from '../parse';
import { type Check, type IncludeResult, MAX_INCLUDE, type MainReset, makeCheck } from './common';
import { checkStructure } from './structure';

type IncludeStatement = Extract<Statement, { kind: 'include' }>;

/** Follows the `%include`s of `c.file` and sets `c.main`, `c.hasIncludes`, `c.sawMain`, `c.followed`. */
export function expandIncludes(c: Check): void {
  let order: Entry[] = [];
  /** Every entry read, in order, reset or not; and where each reset happened in it. */
  const read: Entry[] = [];
  const resets: { span: Span; included: boolean; dropped: Entry[]; at: number }[] = [];
  const reset = (span: Span, included: boolean): void => {
    const dropped = order.filter(e => e.section === 'pgbouncer');
    if (dropped.length) resets.push({ span, included, dropped, at: read.length });
    order = order.filter(e => e.section !== 'pgbouncer');
  };
  const entryOf = new Map(c.file.entries.map(e => [e.st, e] as const));
  let section = c.startSection;
  let opaque = false;
  for (const st of c.file.statements) {
    if (st.kind === 'syntax-error') break; // PgBouncer stops there
    if (st.kind === 'section') {
      section = st.name;
      if (st.name === 'pgbouncer') { c.sawMain = true; reset(st.nameSpan, false); }
    } else if (st.kind === 'setting') {
      const e = entryOf.get(st);
      if (e) { order.push(e); read.push(e); }
    } else {
      const r = follow(c, st, section);
      if (!r) { opaque = true; continue; }
      c.followed.set(st, r);
      if (r.opaque) opaque = true;
      if (r.sawMain) { c.sawMain = true; reset(st.valueSpan, true); }
      order.push(...r.entries);
      read.push(...r.entries);
    }
  }
  c.order = order;
  c.hasIncludes = opaque;
  const main = new Map<string, Entry>();
  for (const e of order) if (e.section === 'pgbouncer') main.set(e.st.key, e);
  c.main = main;
  c.resets = resets.map(({ span, included, dropped, at }): MainReset => {
    const setAgain = new Set(read.slice(at).filter(e => e.section === 'pgbouncer').map(e => e.st.key));
    const lost = new Map<string, Entry>();
    for (const e of dropped) if (!setAgain.has(e.st.key)) lost.set(e.st.key, e);
    // A value equal to the default loses nothing (enum values compare ignoring case, as cfparser.c's lookup does).
    const same = (e: Entry): boolean => {
      const def = c.release.params[e.st.key]?.default ?? '';
      return e.st.value.trim() === def || (c.release.params[e.st.key]?.type === 'enum' && e.st.value.trim().toLowerCase() === def.toLowerCase());
    };
    return { span, included, lost: [...lost.values()].filter(e => !same(e)) };
  }).filter(r => r.lost.length > 0);
}

/** The included file read and checked; `undefined` when pgtls cannot read it (or it does not exist: structure.ts says so). */
function follow(c: Check, st: IncludeStatement, section: string | undefined): IncludeResult | undefined {
  if (!c.ctx.settings.checkFiles || !isAbsolutePath(st.path)) return undefined;
  if (c.depth >= MAX_INCLUDE) return { entries: [], opaque: false, sawMain: false, depthExceeded: true };
  const loc = pathLocator(c.ctx, c.doc.path).locate(st.path);
  if (loc.status !== 'seen' || !loc.stat) return undefined;
  if (!loc.stat.isFile) return { entries: [], opaque: false, sawMain: false }; // read as an empty file
  const text = loc.read();
  if (text === undefined) return undefined;
  const doc = { path: loc.path, text, languageId: 'pgbouncer-ini' as const };
  const file = parsePgbouncerIni(doc, c.release.quotedKeys, section);
  const found: { rule: RuleMeta; span: Span; message: string; severity: Severity }[] = [];
  const ctx: ValidateContext = { ...c.ctx, report: (rule, span, message, extra) => { found.push({ rule, span, message, severity: extra?.severity ?? rule.severity }); } };
  const sub = makeCheck(doc, file, ctx);
  sub.depth = c.depth + 1;
  if (section !== undefined) sub.startSection = section;
  expandIncludes(sub);
  checkStructure(sub);
  const first = found.filter(f => f.severity === 'error').sort((a, b) => a.span[0] - b.span[0])[0];
  const here = (e: Entry): Entry => ({
    ...e,
    st: { ...e.st, keySpan: st.valueSpan, valueSpan: st.valueSpan, span: st.span },
    included: e.included ?? { path: loc.path, line: lineOf(text, e.st.span[0]) },
  });
  const r: IncludeResult = { entries: sub.order.map(here), opaque: sub.hasIncludes, sawMain: sub.sawMain };
  if (first) r.firstError = { rule: first.rule, message: first.message, path: loc.path, line: lineOf(text, first.span[0]) };
  return r;
}

export const lineOf = (text: string, at: number): number => text.slice(0, at).split('\n').length;
