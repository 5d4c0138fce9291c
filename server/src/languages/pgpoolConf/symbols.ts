/**
 * pgpool.conf's outline and folding: every statement the user wrote (settings and `include`s, not the pieces of a
 * split value) under the `#---` banner sections of the sample configuration when the file has them; folds for those
 * sections and for comment blocks. Password-like values are not shown in the outline.
 */
import {
  type FoldSpan, type OutlineSymbol, bannerLines, bannerSections, commentFolds, groupBySections, sectionFolds, textLines,
} from '../../core/structure';
import type { SourceDocument } from '../../core/types';
import type { PgpoolConfFile } from './model';

/** Values the outline leaves out (the editor shows them, a list of symbols need not). */
const SECRET = /password|authkey|passphrase/i;

/** How a value shows in the outline: as written, cut after 60 characters. */
export function shownValue(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 59)}…` : one;
}

export function symbols(doc: SourceDocument, file: PgpoolConfFile): OutlineSymbol[] {
  const text = doc.text;
  const lines = textLines(text);
  const own: OutlineSymbol[] = [];
  for (const a of file.assignments) {
    if (a.phantom) continue;
    const end = Math.max(a.keySpan[1], a.valueSpan[1]);
    own.push({
      name: a.key, kind: 'setting', span: [a.keySpan[0], end], selection: a.keySpan,
      ...(SECRET.test(a.key) || a.missingValue ? {} : { detail: shownValue(text.slice(a.valueSpan[0], a.valueSpan[1])) }),
    });
  }
  for (const inc of file.includes ?? []) {
    own.push({ name: 'include', kind: 'include', span: [inc.keySpan[0], Math.max(inc.keySpan[1], inc.valueSpan[1])], selection: inc.keySpan, ...(inc.value ? { detail: inc.value } : {}) });
  }
  own.sort((x, y) => x.span[0] - y.span[0]);
  return groupBySections(own, bannerSections(text, lines), lines);
}

export function folding(doc: SourceDocument): FoldSpan[] {
  const lines = textLines(doc.text);
  const sections = bannerSections(doc.text, lines);
  return [...sectionFolds(sections, lines), ...commentFolds(doc.text, lines, l => l.startsWith('#'), bannerLines(sections))];
}
