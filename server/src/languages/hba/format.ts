/**
 * Formatting the HBA files: the records of a pool_hba.conf, pg_hba.conf or auth_hba_file aligned in columns (TYPE,
 * DATABASE, USER, ADDRESS with its netmask, METHOD, then the options one space apart; at least as wide as in
 * PostgreSQL's sample file), the `# TYPE DATABASE …`
 * header comment on the same columns, include directives one space apart; comments after a record kept as written.
 * Only blanks between fields move, and the readers separate fields by any run of blanks, so they read the same tokens
 * in the same fields. Lines the server refuses or skips, continued lines (PostgreSQL's trailing `\`), and lines with a
 * byte-order mark, a lone carriage return or a NUL are left as they are; a pool_hba.conf line that alignment would
 * make longer than pgpool reads gets single spaces instead (or stays as it is).
 */
import {
  type AlignOptions, type FormatOptions, type TableRow, headerRow, layoutTable, lineEdits, lineOf, rowOf, textLines, type TextLine,
} from '../../core/structure';
import type { SourceDocument, Span, TextEdit } from '../../core/types';
import type { BouncerHbaFile } from './bouncer/model';
import { POOL_MAX_LINE_BYTES, fieldSpan, utf8Units } from './lexer';
import type { HbaFile } from './model';

/** PostgreSQL's pg_hba.conf.sample lays its columns out at 8, 16, 16 and 24 characters: the minimal widths here. */
const ALIGN: AlignOptions = { gap: 2, maxWidth: 40, columns: 5, minWidths: [6, 14, 14, 22] };
const HEADER = /^#\s*TYPE\s+DATABASE\s+USER\s+ADDRESS\s+METHOD(\s+OPTIONS)?\s*$/i;

/** A line the formatter may touch: one physical line, none of the characters readers treat specially. */
function plainLine(text: string, lines: readonly TextLine[], span: Span): TextLine | undefined {
  const n = lineOf(lines, span[0]);
  const line = lines[n]!;
  if (lineOf(lines, Math.max(span[0], span[1] - 1)) !== n) return undefined;
  const s = text.slice(line.start, line.end);
  return /[\r\0\ufeff]/.test(s) ? undefined : line;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) n += utf8Units(s.charCodeAt(i));
  return n;
}

/** The header comment rows of a file (comment lines naming the columns). */
function headers(text: string, lines: readonly TextLine[]): TableRow[] {
  const out: TableRow[] = [];
  for (const l of lines) {
    if (text.charCodeAt(l.start) !== 35 && !/^[ \t]+#/.test(text.slice(l.start, l.end))) continue;
    const h = headerRow(text, l, HEADER);
    if (h) out.push(h);
  }
  return out;
}

export function formatHba(doc: SourceDocument, file: HbaFile, options: FormatOptions): TextEdit[] {
  const text = doc.text;
  const lines = textLines(text);
  const rows: TableRow[] = headers(text, lines);
  for (const r of file.records) {
    const line = r.line.error ? undefined : plainLine(text, lines, r.line.span);
    if (!line) continue;
    const fields = r.line.fields;
    const m = fields.findIndex(f => f.tokens.includes(r.methodToken));
    if (m < 0) continue;
    const span = (i: number): Span => fieldSpan(fields[i]!);
    const address = fields.slice(3, m).map((_, i) => span(3 + i));
    const cells: Span[][] = [[span(0)], [span(1)], [span(2)], address, [span(m)], ...fields.slice(m + 1).map((_, i) => [span(m + 1 + i)])];
    const row = rowOf(text, line, cells);
    if (row) rows.push({ ...row, aligned: true });
  }
  for (const inc of file.includes) {
    const line = plainLine(text, lines, inc.line.span);
    const row = line && rowOf(text, line, inc.line.fields.map(f => [fieldSpan(f)]));
    if (row) rows.push({ ...row, aligned: false });
  }
  // pgpool reads a line with fgets(8192): with its newline it must stay under POOL_MAX_LINE_BYTES.
  const fits = file.dialect === 'pgpool' ? (s: string) => utf8Length(s) + 1 < POOL_MAX_LINE_BYTES : undefined;
  return lineEdits(text, layoutTable(rows, ALIGN, fits), options.range);
}

export function formatBouncerHba(doc: SourceDocument, file: BouncerHbaFile, options: FormatOptions): TextEdit[] {
  const text = doc.text;
  const lines = textLines(text);
  const rows: TableRow[] = headers(text, lines);
  for (const r of file.records) {
    const line = plainLine(text, lines, r.line.span);
    if (!line || r.databases.length === 0 || r.users.length === 0) continue;
    const list = (toks: readonly { span: Span }[]): Span => [toks[0]!.span[0], toks[toks.length - 1]!.span[1]];
    const address: Span[] = r.address ? [r.address.token.span, ...(r.address.maskToken ? [r.address.maskToken.span] : [])] : [];
    const row = rowOf(text, line, [[r.typeToken.span], [list(r.databases)], [list(r.users)], address, [r.methodToken.span]]);
    // The record must be all the line holds (tokens after the method make it another record or a skipped line).
    const last = r.line.toks[r.line.toks.length - 1]!;
    if (row && last.span[1] === r.methodToken.span[1]) rows.push({ ...row, aligned: true });
  }
  return lineEdits(text, layoutTable(rows, ALIGN), options.range);
}
