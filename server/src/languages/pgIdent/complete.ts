/**
 * Completion for pg_ident.conf: in the first field, the map names the pg_hba.conf beside it uses (`map=`) and, from
 * PostgreSQL 16, the include directives; in the third field, `all` (16+).
 */
import type { FeatureContext } from '../../core/language';
import type { CompletionResult } from '../../core/types';
import { INCLUDE_DOC } from './catalogue';
import { mapsUsedBeside } from './check/crossFile';
import type { PgIdentFile } from './model';

export function complete(file: PgIdentFile, offset: number, ctx: FeatureContext): CompletionResult[] {
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  if (before.includes('#') || before.includes('"')) return [];
  const words = before.split(/[ \t]+/);
  if (words[0] === '') words.shift();
  const typed = words[words.length - 1] ?? '';
  const field = Math.max(0, words.length - 1);
  const replace: [number, number] = [offset - typed.length, offset];
  const version = ctx.settings.postgresVersion;
  const out: CompletionResult[] = [];
  if (field === 0) {
    const used = mapsUsedBeside(file, ctx);
    for (const [name, methods] of used ?? []) {
      out.push({ label: name, kind: 'value', detail: `map used by pg_hba.conf (${[...new Set(methods)].join(', ')})`, documentation: file.maps.has(name) ? 'Already defined here; another line adds to it.' : 'Named by `map=` in pg_hba.conf but not defined here yet.', replace });
    }
    if (version >= 16) {
      for (const k of Object.keys(INCLUDE_DOC)) out.push({ label: k, kind: 'keyword', detail: 'pg_ident.conf directive (PostgreSQL 16+)', documentation: INCLUDE_DOC[k], replace });
    }
  } else if (field === 2 && version >= 16) {
    out.push({ label: 'all', kind: 'keyword', detail: 'any database user (PostgreSQL 16+)', replace });
  }
  return out.filter(c => c.label.startsWith(typed));
}
