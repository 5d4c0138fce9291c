/**
 * pg_ident.conf's structure features: the outline (one entry per map line, named by its map, with the system and
 * database user as the detail; include directives), comment folds, formatting (the entries aligned in columns MAPNAME,
 * SYSTEM-USERNAME, PG-USERNAME with the `# MAPNAME …` header comment on the same columns, as the hba files are: only
 * blanks between fields move; continued or refused lines stay as they are) and the links of `include` targets and
 * `@file` lists, located as check/includes.ts locates them.
 */
import type { FeatureContext } from '../../core/language';
import {
  type AlignOptions, type FoldSpan, type FormatOptions, type OutlineSymbol, type PathLink, type TableRow, type TextLine,
  commentFolds, headerRow, layoutTable, lineEdits, lineOf, linkTo, rowOf, textLines,
} from '../../core/structure';
import type { SourceDocument, Span, TextEdit } from '../../core/types';
import { pathLocator } from '../../deploy';
import type { IdentField } from './lexer';
import type { PgIdentFile } from './model';

const fieldSpan = (f: IdentField): Span => [f.tokens[0]!.start, f.tokens[f.tokens.length - 1]!.end];

export function symbols(doc: SourceDocument, file: PgIdentFile): OutlineSymbol[] {
  const text = doc.text;
  const out: OutlineSymbol[] = file.entries.map(e => {
    const last = e.line.fields[e.line.fields.length - 1]!;
    return {
      name: e.map.value || '(empty map name)', kind: 'map', span: [e.map.start, fieldSpan(last)[1]], selection: e.map.span,
      detail: `${text.slice(e.system.start, e.system.end)} → ${text.slice(e.user.start, e.user.end)}`,
    };
  });
  for (const inc of file.includes) {
    out.push({ name: inc.kind, kind: 'include', detail: inc.target.value, span: [inc.keyword.start, inc.target.end], selection: inc.keyword.span });
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}

export function folding(doc: SourceDocument): FoldSpan[] {
  return commentFolds(doc.text, textLines(doc.text), l => l.startsWith('#'));
}

/** PostgreSQL's pg_ident.conf.sample lays its columns out at 16 and 24 characters: the minimal widths here. */
const ALIGN: AlignOptions = { gap: 2, maxWidth: 40, columns: 3, minWidths: [14, 22] };
const HEADER = /^#\s*MAPNAME\s+SYSTEM-USERNAME\s+(PG|DATABASE)-USERNAME\s*$/i;

function plainLine(text: string, lines: readonly TextLine[], span: Span): TextLine | undefined {
  const n = lineOf(lines, span[0]);
  const line = lines[n]!;
  if (lineOf(lines, Math.max(span[0], span[1] - 1)) !== n || /[\r\0\ufeff]/.test(text.slice(line.start, line.end))) return undefined;
  return line;
}

export function format(doc: SourceDocument, file: PgIdentFile, options: FormatOptions): TextEdit[] {
  const text = doc.text;
  const lines = textLines(text);
  const rows: TableRow[] = [];
  for (const l of lines) {
    const h = text.slice(l.start, l.end).trimStart().startsWith('#') ? headerRow(text, l, HEADER) : undefined;
    if (h) rows.push(h);
  }
  for (const e of file.entries) {
    const line = plainLine(text, lines, e.line.span);
    const row = line && rowOf(text, line, e.line.fields.map(f => [fieldSpan(f)]));
    if (row) rows.push({ ...row, aligned: true });
  }
  for (const inc of file.includes) {
    const line = plainLine(text, lines, inc.line.span);
    const row = line && rowOf(text, line, inc.line.fields.map(f => [fieldSpan(f)]));
    if (row) rows.push({ ...row, aligned: false });
  }
  return lineEdits(text, layoutTable(rows, ALIGN), options.range);
}

export function links(doc: SourceDocument, file: PgIdentFile, ctx: FeatureContext): PathLink[] {
  const locator = pathLocator(ctx, doc.path);
  const out: PathLink[] = [];
  const add = (name: string, span: Span, what: string) => {
    const link = name === '' ? undefined : linkTo(locator.locate(name), span, what);
    if (link) out.push(link);
  };
  for (const inc of file.includes) {
    const t = inc.target;
    if (inc.kind !== 'include_dir') add(t.value, t.initialQuote && t.end - t.start >= 2 ? [t.start + 1, t.end - 1] : t.span, 'the included file');
  }
  for (const e of file.entries) {
    for (const t of [e.map, e.system, e.user]) if (t.include !== undefined) add(t.include, [t.start + 1, t.end], 'the name list');
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}
