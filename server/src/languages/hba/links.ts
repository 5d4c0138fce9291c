/**
 * The files an HBA file names, as links: `@file` name lists (relative to the file's folder) and PostgreSQL 16's
 * `include`/`include_if_exists` targets, located as check/files.ts (and bouncer/check.ts) locate them, through the
 * path mappings for absolute names. Only files pgtls can open are linked (an `include_dir` folder is not).
 */
import type { FeatureContext } from '../../core/language';
import { type PathLink, linkTo } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
import { pathLocator } from '../../deploy';
import type { BouncerHbaFile } from './bouncer/model';
import type { HbaToken } from './lexer';
import type { HbaFile } from './model';

type Add = (name: string, span: Span, what: string) => void;

function nameLists(tokens: Iterable<HbaToken>, add: Add): void {
  // `@name`: the link is the name after the `@` (a quoted `@"my list"` keeps its quotes in the span).
  for (const t of tokens) if (t.include !== undefined) add(t.include, [t.start + 1, t.end], 'the name list');
}

/** A token's text without the quotes around it. */
const unquoted = (t: HbaToken): Span => (t.initialQuote && t.end - t.start >= 2 ? [t.start + 1, t.end - 1] : t.span);

function linker(doc: SourceDocument, ctx: FeatureContext) {
  const locator = pathLocator(ctx, doc.path);
  const out: PathLink[] = [];
  const add: Add = (name, span, what) => {
    const link = name === '' ? undefined : linkTo(locator.locate(name), span, what);
    if (link) out.push(link);
  };
  return { add, out };
}

export function linksHba(doc: SourceDocument, file: HbaFile, ctx: FeatureContext): PathLink[] {
  const { add, out } = linker(doc, ctx);
  nameLists(file.lines.flatMap(l => l.fields.flatMap(f => f.tokens)), add);
  for (const inc of file.includes) {
    if (inc.kind !== 'include_dir') add(inc.target.value, unquoted(inc.target), 'the included file');
  }
  return out.sort((x, y) => x.span[0] - y.span[0]);
}

export function linksBouncerHba(doc: SourceDocument, file: BouncerHbaFile, ctx: FeatureContext): PathLink[] {
  const { add, out } = linker(doc, ctx);
  nameLists(file.records.flatMap(r => [...r.databases, ...r.users]), add);
  return out.sort((x, y) => x.span[0] - y.span[0]);
}
