/**
 * pgbouncer.ini's outline and folding: its `[sections]` with their entries (a database's connection string shown
 * without its password), `%include`s, and folds for each section and for comment blocks (`;` and `#` lines).
 */
import { type FoldSpan, type OutlineSymbol, commentFolds, lineOf, textLines, trimmedLine } from '../../core/structure';
import type { SourceDocument } from '../../core/types';
import type { PgbouncerIniFile } from './model';

const SECRET = /password|passwd/i;

function detailOf(key: string, value: string): string | undefined {
  if (SECRET.test(key)) return undefined;
  const shown = SECRET.test(value) ? value.replace(/(password\s*=\s*)('(?:[^']|'')*'|\S+)/gi, '$1•••') : value;
  return shown === '' ? undefined : shown.length > 60 ? `${shown.slice(0, 59)}…` : shown;
}

export function symbols(doc: SourceDocument, file: PgbouncerIniFile): OutlineSymbol[] {
  const text = doc.text;
  const lines = textLines(text);
  const top: OutlineSymbol[] = [];
  let section: OutlineSymbol | undefined;
  let lastLine = -1;
  const close = () => {
    if (section && lastLine >= 0) section.span = [section.span[0], Math.max(section.span[1], lines[lastLine]!.end)];
  };
  for (const st of file.statements) {
    if (st.kind === 'syntax-error') continue;
    if (st.kind === 'section') {
      close();
      section = { name: `[${st.name}]`, kind: 'section', span: st.span, selection: st.span, children: [] };
      top.push(section);
      lastLine = lineOf(lines, st.span[1]);
      continue;
    }
    const sym: OutlineSymbol = st.kind === 'include'
      ? { name: '%include', kind: 'include', span: st.span, selection: [st.span[0], Math.min(st.span[0] + '%include'.length, st.span[1])], ...(st.path ? { detail: st.path } : {}) }
      : { name: st.key || '(empty key)', kind: 'setting', span: st.span, selection: st.keySpan, ...withDetail(detailOf(st.key, st.value)) };
    (section ? section.children! : top).push(sym);
    lastLine = lineOf(lines, st.span[1]);
  }
  close();
  return top;
}

const withDetail = (d: string | undefined) => (d === undefined ? {} : { detail: d });

const isComment = (line: string): boolean => line.startsWith(';') || line.startsWith('#');

export function folding(doc: SourceDocument, file: PgbouncerIniFile): FoldSpan[] {
  const text = doc.text;
  const lines = textLines(text);
  const out: FoldSpan[] = [];
  const heads = file.statements.filter(s => s.kind === 'section').map(s => lineOf(lines, s.span[0]));
  heads.forEach((head, i) => {
    let end = (i + 1 < heads.length ? heads[i + 1]! : lines.length) - 1;
    while (end > head && (trimmedLine(text, lines[end]!) === '' || isComment(trimmedLine(text, lines[end]!)))) end--;
    if (end > head) out.push({ span: [lines[head]!.start, lines[end]!.end], kind: 'region' });
  });
  return [...out, ...commentFolds(text, lines, isComment)];
}
