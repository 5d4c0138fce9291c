/**
 * pg_ident.conf's outline and folding: one entry per map line, named by its map, with the system and database user as
 * the detail; include directives; folds for comment blocks.
 */
import { type FoldSpan, type OutlineSymbol, commentFolds, textLines } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
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
