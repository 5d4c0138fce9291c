/**
 * Formatting pgpool.conf: every line that holds one statement becomes `name = value`, its comment kept as written.
 * Only blanks move, and only on lines Pgpool-II reads as exactly that statement: a line with a syntax error, a value
 * the lexer splits into several statements, a missing value or a byte-order mark is left as it is. Pgpool-II skips
 * blanks between tokens and takes `=` as optional, so it reads the formatted line as before.
 */
import { type FormatOptions, type LineFormat, canonicalAssignment, lineEdits, lineOf, textLines } from '../../core/structure';
import type { SourceDocument, Span, TextEdit } from '../../core/types';
import type { PgpoolConfFile } from './model';

export function format(doc: SourceDocument, file: PgpoolConfFile, options: FormatOptions): TextEdit[] {
  const text = doc.text;
  const lines = textLines(text);
  // Lines Pgpool-II does not read as one plain statement.
  const unsafe = new Set<number>();
  const mark = (span: Span) => { for (let l = lineOf(lines, span[0]); l <= lineOf(lines, Math.max(span[0], span[1] - 1)); l++) unsafe.add(l); };
  for (const e of file.syntaxErrors) mark(e.span);
  for (const q of file.quotingProblems ?? []) mark(q.span);
  if (file.bom) mark(file.bom.span);
  if (text.charCodeAt(0) === 0xfeff) unsafe.add(0);
  const statements: { key: Span; value: Span; skip: boolean }[] = [
    ...file.assignments.map(a => ({ key: a.keySpan, value: a.valueSpan, skip: !!(a.phantom || a.recovered || a.missingValue) })),
    ...(file.includes ?? []).map(i => ({ key: i.keySpan, value: i.valueSpan, skip: !!i.missingValue })),
  ];
  const perLine = new Map<number, number>();
  for (const s of statements) perLine.set(lineOf(lines, s.key[0]), (perLine.get(lineOf(lines, s.key[0])) ?? 0) + 1);
  const proposals: LineFormat[] = [];
  for (const s of statements) {
    const n = lineOf(lines, s.key[0]);
    if (s.skip || unsafe.has(n) || perLine.get(n) !== 1 || lineOf(lines, s.value[1]) !== n) continue;
    const formatted = canonicalAssignment(text, lines[n]!, s.key, s.value, '#');
    if (formatted !== undefined) proposals.push({ line: lines[n]!, text: formatted });
  }
  return lineEdits(text, proposals, options.range);
}
