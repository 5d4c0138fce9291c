/**
 * Formatting pgbouncer.ini: `key = value` for each setting, `[section]` and `%include path` at the start of their
 * lines. libusual's reader skips blanks around `=`, before a statement and at the end of a value, so it reads the
 * formatted file as before. Only statements that have a line to themselves are touched (a statement may follow a
 * `]` on the same line); a statement the reader refuses is left as it is.
 */
import { type FormatOptions, type LineFormat, blanksOnly, canonicalAssignment, lineEdits, lineOf, textLines } from '../../core/structure';
import type { SourceDocument, TextEdit } from '../../core/types';
import type { PgbouncerIniFile } from './model';

export function format(doc: SourceDocument, file: PgbouncerIniFile, options: FormatOptions): TextEdit[] {
  const text = doc.text;
  const lines = textLines(text);
  const perLine = new Map<number, number>();
  for (const st of file.statements) perLine.set(lineOf(lines, st.span[0]), (perLine.get(lineOf(lines, st.span[0])) ?? 0) + 1);
  const proposals: LineFormat[] = [];
  for (const st of file.statements) {
    const n = lineOf(lines, st.span[0]);
    const line = lines[n]!;
    if (st.kind === 'syntax-error' || perLine.get(n) !== 1 || lineOf(lines, st.span[1]) !== n || text.slice(line.start, line.end).includes('\0')) continue;
    let formatted: string | undefined;
    if (st.kind === 'setting') {
      const name: [number, number] = [st.span[0], st.quotedKey ? st.keySpan[1] + 1 : st.keySpan[1]];
      formatted = canonicalAssignment(text, line, name, st.valueSpan);
    } else if (st.kind === 'include') {
      // `%include ` with no file name is an include only through the blank after it: left as it is.
      if (st.path !== '') formatted = canonicalAssignment(text, line, [st.span[0], st.span[0] + 8], st.valueSpan, undefined, ' ');
    } else if (blanksOnly(text, line.start, st.span[0])) {
      // After `]` the reader goes on: only blanks, or a comment, may follow.
      const rest = text.slice(st.span[1], line.end).replace(/[ \t]+$/, '');
      const after = rest.replace(/^[ \t]+/, '');
      if (after === '' || after.startsWith(';') || after.startsWith('#')) formatted = text.slice(st.span[0], st.span[1]) + rest;
    }
    if (formatted !== undefined) proposals.push({ line, text: formatted });
  }
  return lineEdits(text, proposals, options.range);
}
