/**
 * Formatting pg_ident.conf: the entries aligned in columns MAPNAME, SYSTEM-USERNAME, PG-USERNAME (at least as wide as
 * PostgreSQL's sample) with the `# MAPNAME …` header comment on the same columns, include directives one space apart,
 * as the hba files are: only blanks between fields move (the hba tokenizer separates fields by any run of blanks);
 * continued lines, refused lines and lines with a byte-order mark, a lone carriage return or a NUL stay as they are.
 */
import {
  type AlignOptions, type FormatOptions, type TableRow, type TextLine, headerRow, layoutTable, lineEdits, lineOf, rowOf, textLines,
} from '../../core/structure';
import type { SourceDocument, Span, TextEdit } from '../../core/types';
import type { IdentField } from './lexer';
import type { PgIdentFile } from './model';

const fieldSpan = (f: IdentField): Span => [f.tokens[0]!.start, f.tokens[f.tokens.length - 1]!.end];

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
