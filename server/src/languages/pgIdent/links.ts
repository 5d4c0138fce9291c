/**
 * The links of pg_ident.conf: `include`/`include_if_exists` targets and `@file` lists, located as check/includes.ts
 * locates them (relative to the file's folder, absolute names through the path mappings); only files pgtls can open.
 */
import type { FeatureContext } from '../../core/language';
import { type PathLink, linkTo } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
import { pathLocator } from '../../deploy';
import type { PgIdentFile } from './model';

export function links(doc: SourceDocument, file: PgIdentFile, ctx: FeatureContext): PathLink[] {
  const locator = pathLocator(ctx, doc.path);
  const out: PathLink[] = [];
  const add = (name: string, span: Span, what: string) => {
    const link = name === '' ? undefined : linkTo(locator.locate(name), span, what);
    if (link) out.push(link);
  };
  for (const inc of file.includes) {
    const t = inc.target;
    if (inc.kind !== 'include_dir') add(t.value, t.initialQuote && t.end - t.start >= 2 ? [t.start + 1, t.end - 1] : t.span, 'the included file');
  }
  for (const e of file.entries) {
    for (const t of [e.map, e.system, e.user]) if (t.include !== undefined) add(t.include, [t.start + 1, t.end], 'the name list');
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}
