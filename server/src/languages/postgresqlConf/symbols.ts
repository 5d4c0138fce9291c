/**
 * postgresql.conf's outline and folding: its settings and include directives, under the `#---` banner sections and
 * `# - Subsection -` lines of PostgreSQL's sample when the file has them; folds for those sections and for comment
 * blocks. Values of password-like settings are not shown.
 */
import {
  type FoldSpan, type OutlineSymbol, bannerLines, bannerSections, commentFolds, groupBySections, sectionFolds, textLines,
} from '../../core/structure';
import type { SourceDocument } from '../../core/types';
import type { PostgresqlConfFile } from './model';

const SECRET = /password|passphrase|secret/i;

const shown = (s: string): string => (s.length > 60 ? `${s.slice(0, 59)}…` : s);

export function symbols(doc: SourceDocument, file: PostgresqlConfFile): OutlineSymbol[] {
  const text = doc.text;
  const lines = textLines(text);
  const own: OutlineSymbol[] = [
    ...file.settings.map((s): OutlineSymbol => ({
      name: s.name, kind: 'setting', span: [s.nameSpan[0], s.valueSpan[1]], selection: s.nameSpan,
      ...(SECRET.test(s.key) ? {} : { detail: shown(text.slice(s.valueSpan[0], s.valueSpan[1])) }),
    })),
    ...file.directives.map((d): OutlineSymbol => ({
      name: d.kind, kind: 'include', span: [d.keySpan[0], d.valueSpan[1]], selection: d.keySpan, ...(d.value ? { detail: shown(d.value) } : {}),
    })),
  ].sort((a, b) => a.span[0] - b.span[0]);
  return groupBySections(own, bannerSections(text, lines), lines);
}

export function folding(doc: SourceDocument): FoldSpan[] {
  const lines = textLines(doc.text);
  const sections = bannerSections(doc.text, lines);
  return [...sectionFolds(sections, lines), ...commentFolds(doc.text, lines, l => l.startsWith('#'), bannerLines(sections))];
}
