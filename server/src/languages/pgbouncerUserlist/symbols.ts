/**
 * userlist.txt's outline and folding: one entry per user PgBouncer loads, named by the user and described by the kind
 * of its password (never the password); folds for blocks of `;` comment lines.
 */
import { type FoldSpan, type OutlineSymbol, commentFolds, textLines } from '../../core/structure';
import type { SourceDocument } from '../../core/types';
import type { EntryKind, UserlistFile } from './model';

const KIND: Readonly<Record<EntryKind, string>> = { plain: 'clear text', md5: 'MD5 hash', scram: 'SCRAM-SHA-256', empty: 'empty password' };

const symbolName = (name: string): string =>
  name.replace(/\ufeff/g, '\\uFEFF').replace(/[\u0000-\u001f\u007f]/g, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) || '(empty user name)';

export function symbols(_doc: SourceDocument, file: UserlistFile): OutlineSymbol[] {
  return file.entries.map(e => ({
    name: symbolName(e.user.value), detail: KIND[e.kind], kind: 'entry', span: [e.user.span[0], e.password.span[1]], selection: e.user.span,
  }));
}

export function folding(doc: SourceDocument): FoldSpan[] {
  return commentFolds(doc.text, textLines(doc.text), l => l.startsWith(';'));
}
