/**
 * pool_passwd's outline: one entry per user line, named by the user and described by the kind of its value (never the
 * value). pool_passwd has no comments (a `#` line is an entry of a user no one logs in as), so nothing folds.
 */
import type { OutlineSymbol } from '../../core/structure';
import type { SourceDocument } from '../../core/types';
import type { EntryKind, PoolPasswdFile } from './model';

const KIND: Readonly<Record<EntryKind, string>> = {
  md5: 'MD5 hash', aes: 'AES-encrypted', scram: 'SCRAM-SHA-256', text: 'clear text (TEXT prefix)', plain: 'clear text',
};

/** A user name as a symbol name: control characters and a byte-order mark written as escapes. */
const symbolName = (name: string): string =>
  name.replace(/\ufeff/g, '\\uFEFF').replace(/[\u0000-\u001f\u007f]/g, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) || '(empty user name)';

export function symbols(_doc: SourceDocument, file: PoolPasswdFile): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const e of file.entries) {
    if (e.inert || e.piece > 0 || e.user === undefined || !e.userSpan) continue;
    out.push({ name: symbolName(e.user), detail: e.value?.kind ? KIND[e.value.kind] : 'empty (skipped)', kind: 'entry', span: e.span, selection: e.userSpan });
  }
  return out;
}
