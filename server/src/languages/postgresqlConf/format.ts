/**
 * Formatting postgresql.conf: each setting line becomes `name = value`, each include directive `include 'file'` (with
 * its `=` when it has one), comments kept as written. PostgreSQL's reader skips blanks between tokens and takes `=` as
 * optional, so it reads the formatted line as before; a line with a syntax error is left as it is.
 */
import { type FormatOptions, type LineFormat, canonicalAssignment, lineEdits, lineOf, textLines } from '../../core/structure';
import type { SourceDocument, Span, TextEdit } from '../../core/types';
import type { PostgresqlConfFile } from './model';

export function format(doc: SourceDocument, file: PostgresqlConfFile, options: FormatOptions): TextEdit[] {
  const text = doc.text;
  const lines = textLines(text);
  const unsafe = new Set(file.syntaxErrors.map(e => lineOf(lines, e.span[0])));
  const statements: { name: Span; value: Span; separator: string }[] = [
    ...file.settings.map(s => ({ name: s.nameSpan, value: s.valueSpan, separator: ' = ' })),
    ...file.directives.map(d => ({ name: d.keySpan, value: d.valueSpan, separator: text.slice(d.keySpan[1], d.valueSpan[0]).includes('=') ? ' = ' : ' ' })),
  ];
  const proposals: LineFormat[] = [];
  for (const s of statements) {
    const n = lineOf(lines, s.name[0]);
    if (unsafe.has(n) || lineOf(lines, s.value[1]) !== n) continue;
    const formatted = canonicalAssignment(text, lines[n]!, s.name, s.value, '#', s.separator);
    if (formatted !== undefined) proposals.push({ line: lines[n]!, text: formatted });
  }
  return lineEdits(text, proposals, options.range);
}
