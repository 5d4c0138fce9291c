/**
 * The structure features of a language, in offsets: the outline (document symbols), folding, formatting edits and the
 * links of the paths a file names, plus what the line-oriented languages share to build them (physical lines, comment
 * blocks, the `#---` banner sections of the sample configurations, column alignment, the formatting of one line, a link
 * from a located path). lsp/convert.ts turns these into LSP objects; nothing here knows lines and columns beyond the
 * line boundaries of the text.
 *
 * Formatting promises: it never changes what the server reads (only blanks between the pieces it reads move; a line
 * with a problem, a continuation, a byte-order mark or a piece the language's reader would see differently is left as
 * it is), and formatting formatted text changes nothing.
 */
import type { Located } from './deployPaths';
import { baseName } from './deployPaths';
import type { Span, TextEdit } from './types';

/** What an outline entry stands for (lsp/convert.ts maps it to an LSP `SymbolKind`). */
export type OutlineKind = 'section' | 'setting' | 'include' | 'record' | 'entry' | 'map' | 'resource' | 'field';

/** One entry of a document's outline. */
export interface OutlineSymbol {
  /** Never empty. */
  name: string;
  detail?: string;
  kind: OutlineKind;
  /** The whole construct (a section from its header to its last line); contains `selection` and every child's span. */
  span: Span;
  /** What an editor selects and reveals (the name). */
  selection: Span;
  children?: OutlineSymbol[];
}

/** A foldable region: from the line of `span[0]` to the line of `span[1]` (an offset on the last line, not after it). */
export interface FoldSpan {
  span: Span;
  kind?: 'comment' | 'region';
}

export interface FormatOptions {
  /** Format only the lines this span touches (range formatting); the whole text when absent. */
  range?: Span;
}

/** A path a file names that pgtls located and can open: the written path's span and the local file. */
export interface PathLink {
  span: Span;
  /** Absolute local path of the file. */
  target: string;
  tooltip: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Lines

/** One physical line: `[start, end)` without its line break (`\n`, `\r\n`). */
export interface TextLine {
  start: number;
  end: number;
}

/** The physical lines of `text` (a final line break gives no extra empty line). */
export function textLines(text: string): TextLine[] {
  const out: TextLine[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const next = nl < 0 ? text.length : nl + 1;
    let end = nl < 0 ? text.length : nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    out.push({ start: pos, end });
    pos = next;
  }
  return out;
}

/** The index of the line holding `offset` (binary search over `lines`). */
export function lineOf(lines: readonly TextLine[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

const isBlankCode = (c: number): boolean => c === 32 || c === 9;

/** The line's text without leading and trailing blanks (spaces, tabs). */
export function trimmedLine(text: string, l: TextLine): string {
  return text.slice(l.start, l.end).replace(/^[ \t]+|[ \t]+$/g, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Folding

/**
 * Comment blocks: runs of at least two lines that `isComment` says are whole-line comments; lines in `skip` (banner
 * lines, which fold as sections) break a run.
 */
export function commentFolds(text: string, lines: readonly TextLine[], isComment: (line: string) => boolean, skip: ReadonlySet<number> = new Set()): FoldSpan[] {
  const out: FoldSpan[] = [];
  let first = -1;
  const close = (last: number) => {
    if (first >= 0 && last > first) out.push({ span: [lines[first]!.start, lines[last]!.end], kind: 'comment' });
    first = -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const comment = !skip.has(i) && isComment(trimmedLine(text, lines[i]!));
    if (comment && first < 0) first = i;
    else if (!comment) close(i - 1);
  }
  close(lines.length - 1);
  return out;
}

/** A section of a configuration sample: a `#---` banner with a title, or a `# - Title -` subsection line. */
export interface BannerSection {
  title: string;
  level: 1 | 2;
  /** First and last line of the header (the banner's three lines, or the subsection's one). */
  headerStart: number;
  headerEnd: number;
  /** Last line of the section: before the next section of the same or a higher level, blank lines at its end left out. */
  end: number;
}

const RULE_LINE = /^#\s*[-=]{6,}\s*$/;
const TITLE_LINE = /^#\s*(\S.*?)\s*$/;
const SUBSECTION = /^#\s*-\s+(\S.*?)\s+-\s*$/;

/**
 * The sections of a configuration written like the PostgreSQL and Pgpool-II samples: `#----` / `# TITLE` / `#----`
 * banners (level 1) and `# - Title -` lines (level 2) inside them. Empty for a file without banners.
 */
export function bannerSections(text: string, lines: readonly TextLine[]): BannerSection[] {
  const heads: Omit<BannerSection, 'end'>[] = [];
  const t = (i: number) => (i < lines.length ? trimmedLine(text, lines[i]!) : '');
  for (let i = 0; i < lines.length; i++) {
    const line = t(i);
    if (RULE_LINE.test(line) && i + 2 < lines.length && RULE_LINE.test(t(i + 2))) {
      const title = TITLE_LINE.exec(t(i + 1));
      if (title && !RULE_LINE.test(t(i + 1))) {
        heads.push({ title: title[1]!, level: 1, headerStart: i, headerEnd: i + 2 });
        i += 2;
        continue;
      }
    }
    const sub = SUBSECTION.exec(line);
    if (sub && heads.length) heads.push({ title: sub[1]!, level: 2, headerStart: i, headerEnd: i });
  }
  return heads.map((h, k) => {
    let next = lines.length;
    for (let j = k + 1; j < heads.length; j++) if (heads[j]!.level <= h.level) { next = heads[j]!.headerStart; break; }
    let end = next - 1;
    while (end > h.headerEnd && t(end) === '') end--;
    return { ...h, end };
  });
}

/** The lines of every banner header (they fold as their section, not as a comment block). */
export function bannerLines(sections: readonly BannerSection[]): Set<number> {
  const out = new Set<number>();
  for (const s of sections) for (let i = s.headerStart; i <= s.headerEnd; i++) out.add(i);
  return out;
}

/** The folds of banner sections (those longer than their header). */
export function sectionFolds(sections: readonly BannerSection[], lines: readonly TextLine[]): FoldSpan[] {
  return sections.filter(s => s.end > s.headerStart).map(s => ({ span: [lines[s.headerStart]!.start, lines[s.end]!.end], kind: 'region' as const }));
}

/**
 * The outline of a file with banner sections: every symbol goes into the innermost section whose lines hold it
 * (symbols before the first section stay at the top). `symbols` must be in file order.
 */
export function groupBySections(symbols: OutlineSymbol[], sections: readonly BannerSection[], lines: readonly TextLine[]): OutlineSymbol[] {
  if (!sections.length) return symbols;
  const nodes = sections.map(s => {
    const title = lines[s.headerStart + (s.level === 1 ? 1 : 0)]!;
    const sym: OutlineSymbol = { name: s.title, kind: 'section', span: [lines[s.headerStart]!.start, lines[s.end]!.end], selection: [title.start, title.end], children: [] };
    return { s, sym };
  });
  const top: OutlineSymbol[] = [];
  let parent: (typeof nodes)[number] | undefined;
  for (const n of nodes) {
    if (n.s.level === 1) { top.push(n.sym); parent = n; } else if (parent && n.s.headerStart <= parent.s.end) parent.sym.children!.push(n.sym);
    else top.push(n.sym);
  }
  // One pass over both lists in file order: the last section and subsection started so far, if the line is still theirs.
  let next = 0;
  let section: (typeof nodes)[number] | undefined;
  let sub: (typeof nodes)[number] | undefined;
  for (const sym of [...symbols].sort((a, b) => a.span[0] - b.span[0])) {
    const line = lineOf(lines, sym.span[0]);
    while (next < nodes.length && nodes[next]!.s.headerStart <= line) {
      const n = nodes[next++]!;
      if (n.s.level === 1) { section = n; sub = undefined; } else sub = n;
    }
    const home = sub && line <= sub.s.end ? sub : section && line <= section.s.end ? section : undefined;
    (home ? home.sym.children! : top).push(sym);
  }
  const order = (list: OutlineSymbol[]) => {
    list.sort((a, b) => a.span[0] - b.span[0]);
    for (const x of list) if (x.children) order(x.children);
  };
  order(top);
  return top;
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

/** A line's formatted text, proposed by a language. */
export interface LineFormat {
  line: TextLine;
  text: string;
}

/**
 * The edits that turn each proposed line into its text, limited to the lines `range` touches; unchanged lines give none.
 * A line holding a lone carriage return is left as it is: to an editor it is two lines, to the servers one.
 */
export function lineEdits(source: string, proposals: readonly LineFormat[], range?: Span): TextEdit[] {
  const out: TextEdit[] = [];
  for (const p of proposals) {
    if (range && (p.line.end < range[0] || p.line.start > range[1])) continue;
    if (source.slice(p.line.start, p.line.end).includes('\r')) continue;
    if (source.slice(p.line.start, p.line.end) !== p.text) out.push({ span: [p.line.start, p.line.end], newText: p.text });
  }
  return out;
}

/**
 * `name = value` for a line holding exactly one `name [=] value` statement, or `undefined` when the line holds
 * anything else: the name must be the line's first non-blank text, and after the value only blanks and a comment
 * (`comment` starts it; none for languages without comments after a value) may follow. The comment and the blanks
 * before it are kept as written; trailing blanks go.
 */
export function canonicalAssignment(text: string, line: TextLine, name: Span, value: Span, comment?: string, separator = ' = '): string | undefined {
  if (text.slice(line.start, name[0]).replace(/[ \t]/g, '') !== '' || value[1] > line.end || name[0] < line.start) return undefined;
  // Only blanks and one `=` between the name and the value: a lone carriage return there is a line break to an editor.
  if (!/^[ \t]*(=[ \t]*)?$/.test(text.slice(name[1], value[0]))) return undefined;
  const rest = text.slice(value[1], line.end);
  const trimmed = rest.replace(/^[ \t]+/, '');
  if (trimmed !== '' && (comment === undefined || !trimmed.startsWith(comment))) return undefined;
  const valueText = text.slice(value[0], value[1]);
  const head = valueText === '' ? `${text.slice(name[0], name[1])}${separator.trimEnd()}` : `${text.slice(name[0], name[1])}${separator}${valueText}`;
  return trimmed === '' ? head : `${head}${rest.replace(/[ \t]+$/, '')}`;
}

/** Whether the text between two offsets is blanks only (no line break, no other character). */
export function blanksOnly(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlankCode(text.charCodeAt(i))) return false;
  return true;
}

/** A row of an aligned table: its cells (written text, kept as is), and what follows them (a comment, kept as is). */
export interface Row {
  cells: string[];
  /** Appended after the last cell without padding (e.g. `  # comment`). */
  tail?: string;
}

export interface AlignOptions {
  /** Blanks between columns at least. */
  gap: number;
  /** Cells longer than this do not widen their column (the row then shifts right from there). */
  maxWidth: number;
  /** How many leading columns are aligned; the cells after them are joined with one space. */
  columns: number;
  /** Minimal widths per column (e.g. a header comment's words). */
  minWidths?: readonly number[];
}

/** The widths of the aligned columns of `rows`. */
export function columnWidths(rows: readonly Row[], o: AlignOptions): number[] {
  const widths = Array.from({ length: o.columns }, (_, i) => o.minWidths?.[i] ?? 0);
  for (const r of rows) {
    for (let i = 0; i < o.columns && i < r.cells.length; i++) {
      const len = r.cells[i]!.length;
      if (len <= o.maxWidth && len > widths[i]!) widths[i] = len;
    }
  }
  return widths;
}

/** One row laid out on `widths`: every aligned column padded (empty columns of zero width are left out), trailing blanks cut. */
export function alignRow(r: Row, widths: readonly number[], o: AlignOptions): string {
  let out = '';
  for (let i = 0; i < r.cells.length; i++) {
    const cell = r.cells[i]!;
    if (i < o.columns && i < r.cells.length - 1) {
      if (widths[i] === 0 && cell === '') continue;
      out += cell + ' '.repeat(Math.max(o.gap, widths[i]! - cell.length + o.gap));
    } else {
      out += i < r.cells.length - 1 ? `${cell} ` : cell;
    }
  }
  return (out.replace(/[ \t]+$/, '') + (r.tail ?? '')).replace(/[ \t]+$/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Links

/**
 * The link of a path as located by the path rules of the checks (core/deployPaths.ts through deploy's locator): only a
 * file that is on this machine (as written, or through a mapping to a local folder); a path pgtls cannot see, a missing
 * file, a folder and a key of a Kubernetes resource give none.
 */
export function linkTo(loc: Located, span: Span, what: string): PathLink | undefined {
  if (loc.status !== 'seen' || !loc.stat?.isFile) return undefined;
  if (loc.via && typeof loc.via.mapping.to !== 'string') return undefined;
  const how = loc.via ? ` (${loc.written} mapped by ${loc.via.mapping.origin})` : '';
  return { span, target: loc.path, tooltip: `Open ${what} ${baseName(loc.path)}${how}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Tables (the HBA-style files: one record per line, fields separated by blanks)

/** A row of a table file: its line, its cells, and whether it takes part in the alignment. */
export interface TableRow extends Row {
  line: TextLine;
  aligned: boolean;
}

/**
 * The row of a line whose cells are the given spans (a cell of several spans is written with one space between them):
 * only blanks may come before the first span and between spans, and only blanks and a comment starting with `comment`
 * after the last (kept as written as the row's tail). `undefined` when the line holds anything else.
 */
export function rowOf(text: string, line: TextLine, cells: readonly (readonly Span[])[], comment = '#'): Omit<TableRow, 'aligned'> | undefined {
  let at = line.start;
  const out: string[] = [];
  for (const cell of cells) {
    const parts: string[] = [];
    for (const s of cell) {
      if (s[0] < at || s[1] > line.end || !blanksOnly(text, at, s[0])) return undefined;
      parts.push(text.slice(s[0], s[1]));
      at = s[1];
    }
    out.push(parts.join(' '));
  }
  const raw = text.slice(at, line.end);
  const rest = raw.replace(/[ \t]+$/, '');
  const after = rest.replace(/^[ \t]+/, '');
  if (after !== '' && !after.startsWith(comment)) return undefined;
  // A line ending in a backslash and blanks: without the blanks PostgreSQL would read it as continued on the next line.
  if (after === '' && raw !== '' && out[out.length - 1]?.endsWith('\\')) return undefined;
  // A last cell ending in blanks is a quote left open to the end of the line: its blanks are part of its value.
  if (/[ \t]$/.test(out[out.length - 1] ?? '')) return undefined;
  return { line, cells: out, ...(after === '' ? {} : { tail: rest }) };
}

/** A comment line naming the columns (`# TYPE  DATABASE  USER …`) as a row of its words (`# TYPE` the first). */
export function headerRow(text: string, line: TextLine, pattern: RegExp): TableRow | undefined {
  const t = trimmedLine(text, line);
  if (!pattern.test(t)) return undefined;
  const words = t.replace(/^#\s*/, '').split(/[ \t]+/);
  return { line, cells: [`# ${words[0]}`, ...words.slice(1)], aligned: true };
}

/**
 * The rows laid out: aligned rows padded to the widths they share, the others joined with one space. A laid-out line
 * that `fits` refuses (a reader's line length limit) falls back to one space between cells, and is left alone when
 * even that does not fit.
 */
export function layoutTable(rows: readonly TableRow[], o: AlignOptions, fits: (line: string) => boolean = () => true): LineFormat[] {
  const widths = columnWidths(rows.filter(r => r.aligned), o);
  const plain = (r: Row) => (r.cells.filter(c => c !== '').join(' ') + (r.tail ?? '')).replace(/[ \t]+$/, '');
  const out: LineFormat[] = [];
  for (const r of rows) {
    const full = r.aligned ? alignRow(r, widths, o) : plain(r);
    if (fits(full)) out.push({ line: r.line, text: full });
    else if (fits(plain(r))) out.push({ line: r.line, text: plain(r) });
  }
  return out;
}
