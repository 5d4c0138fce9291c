/**
 * Completion for postgresql.conf: parameter names of the selected version (and the include directives) at the start
 * of a line; after `name =`, the enum values or on/off of that parameter. Every item replaces the word typed so far
 * (`replace`), so that clients without the language's word pattern do not insert `TLSv1.2` after a typed `TLSv1.`.
 */
import type { FeatureContext } from '../../core/language';
import type { CompletionResult, SourceDocument } from '../../core/types';
import { catalogueOf } from './catalogue';
import type { PostgresqlConfFile } from './model';
import { nameStatus } from './names';

export function complete(doc: SourceDocument, _file: PostgresqlConfFile, offset: number, ctx: FeatureContext): CompletionResult[] {
  const lineStart = doc.text.lastIndexOf('\n', offset - 1) + 1;
  const before = doc.text.slice(lineStart, offset);
  if (before.includes('#')) return [];
  const cat = catalogueOf(ctx.env);
  const version = ctx.settings.postgresVersion;
  const value = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=?\s+'?([A-Za-z0-9_.-]*)$|^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*'?([A-Za-z0-9_.-]*)$/.exec(before);
  if (value) {
    const name = value[1] ?? value[3]!;
    const st = nameStatus(cat, name, version);
    if (st.kind !== 'known') return [];
    const p = st.param;
    const values = p.type === 'bool' ? ['on', 'off'] : p.type === 'enum' ? (p.enum ?? []).filter(v => v !== '') : [];
    const typed = value[2] ?? value[4]!;
    const replace: [number, number] = [offset - typed.length, offset];
    return values.map(v => ({ label: v, kind: 'value' as const, detail: p.name, replace }));
  }
  if (!/^\s*[A-Za-z_]*$/.test(before)) return [];
  const replace: [number, number] = [offset - /[A-Za-z_]*$/.exec(before)![0].length, offset];
  const out: CompletionResult[] = [];
  for (const n of cat.names) {
    const p = cat.param(n, version)!;
    if (!p.versions.includes(version) || p.context === 'internal') continue;
    out.push({ label: n, kind: 'property', detail: p.desc, replace });
  }
  for (const d of ['include', 'include_if_exists', 'include_dir']) out.push({ label: d, kind: 'keyword', detail: 'read another configuration file here', replace });
  return out;
}
