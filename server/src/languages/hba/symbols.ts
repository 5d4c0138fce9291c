/**
 * The outline and folding of the HBA files: one entry per record the server loads (`line N`, with its type, database,
 * user, address and method as the detail), include directives, and folds for comment blocks. The same for
 * PgBouncer's auth_hba_file.
 */
import { type FoldSpan, type OutlineSymbol, commentFolds, textLines } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
import type { BouncerHbaFile } from './bouncer/model';
import { fieldSpan, type HbaToken } from './lexer';
import type { HbaFile } from './model';

const list = (toks: readonly HbaToken[], text: string): string => (toks.length ? text.slice(toks[0]!.start, toks[toks.length - 1]!.end) : '');
const cut = (s: string): string => (s.length > 80 ? `${s.slice(0, 79)}…` : s);

function record(line: number, span: Span, parts: string[]): OutlineSymbol {
  return { name: `line ${line + 1}`, detail: cut(parts.filter(p => p !== '').join(' ')), kind: 'record', span, selection: span };
}

export function symbolsHba(doc: SourceDocument, file: HbaFile): OutlineSymbol[] {
  const text = doc.text;
  const out: OutlineSymbol[] = [];
  for (const r of file.records) {
    const a = r.address;
    const address = a ? text.slice(a.token.start, (a.maskToken ?? a.token).end) : '';
    const fields = r.line.fields;
    const span: Span = [fieldSpan(fields[0]!)[0], fieldSpan(fields[fields.length - 1]!)[1]];
    out.push(record(r.line.line, span, [r.typeToken.value, list(r.databases, text), list(r.users, text), address, r.methodToken.value]));
  }
  for (const inc of file.includes) {
    out.push({ name: inc.kind, detail: inc.target.value, kind: 'include', span: [inc.keyword.start, inc.target.end], selection: inc.keyword.span });
  }
  return out.sort((x, y) => x.span[0] - y.span[0]);
}

export function symbolsBouncerHba(doc: SourceDocument, file: BouncerHbaFile): OutlineSymbol[] {
  const text = doc.text;
  return file.records.map(r => {
    const a = r.address;
    const address = a ? text.slice(a.token.start, (a.maskToken ?? a.token).end) : '';
    const span: Span = [r.typeToken.start, r.methodToken.end];
    return record(r.line.line, span, [r.typeToken.value, list(r.databases, text), list(r.users, text), address, r.methodToken.value]);
  });
}

export function foldingHba(doc: SourceDocument): FoldSpan[] {
  return commentFolds(doc.text, textLines(doc.text), l => l.startsWith('#'));
}
