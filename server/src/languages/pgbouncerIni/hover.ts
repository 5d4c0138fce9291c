/**
 * Hover for pgbouncer.ini: a `[pgbouncer]` setting's type, default, whether a reload applies it, the release that added
 * it and our words about it; a section header; a connection-string key. Never shows a value of `password=`.
 */
import type { FeatureContext } from '../../core/language';
import type { HoverResult, SourceDocument } from '../../core/types';
import { tlsPathHover } from '../../tlsFiles';
import { DOCS, catalogue, versionOf } from './catalogue';
import { tlsPaths } from './links';
import type { PgbouncerIniFile } from './model';

const inside = (span: readonly [number, number], at: number): boolean => at >= span[0] && at <= span[1];

const SECTION_TEXT: Record<string, string> = {
  pgbouncer: 'PgBouncer\'s own settings.',
  databases: 'The databases clients can connect to: `name = host=… port=… dbname=… user=…` (`*` is the fallback for any other name).',
  users: 'Per-user settings: `name = pool_mode=… max_user_connections=…`.',
  peers: 'Other PgBouncer processes of a peered group (PgBouncer 1.19+): `peer_id = host=… port=…`.',
};

export function hover(doc: SourceDocument, file: PgbouncerIniFile, offset: number, ctx: FeatureContext): HoverResult | undefined {
  const tls = tlsPathHover(ctx, doc.path, tlsPaths(doc, file), offset);
  if (tls) return tls;
  const cat = catalogue(ctx.env);
  const version = versionOf(ctx.settings.pgbouncerVersion);
  const release = cat.releases[version];
  for (const st of file.statements) {
    if (st.kind === 'section' && inside(st.span, offset)) {
      const text = SECTION_TEXT[st.name];
      return { span: st.span, markdown: `**[${st.name}]**\n\n${text ?? 'Not a section PgBouncer knows: it refuses to start.'}` };
    }
  }
  for (const e of file.entries) {
    if (e.section === 'pgbouncer' && inside(e.st.keySpan, offset)) {
      const p = release.params[e.st.key];
      const since = cat.since.get(e.st.key);
      if (!p) return { span: e.st.keySpan, markdown: `**${e.st.key}**\n\nNot a setting of PgBouncer ${version}${since ? ` (added in ${since})` : ''}.` };
      const type = p.type === 'time' ? 'seconds (fractions allowed, no unit)' : p.type === 'enum' ? `one of ${p.values!.map(v => `\`${v}\``).join(', ')}` : p.type === 'str' ? 'text' : 'integer';
      const lines = [
        `**${e.st.key}** — ${type}`,
        DOCS[e.st.key] ?? '',
        `Default: ${p.default === null || p.default === '' ? '(empty)' : `\`${p.default}\``} · ${p.reload ? 'a reload applies it' : 'only a restart applies it'} · since PgBouncer ${since ?? version}`,
      ].filter(Boolean);
      return { span: e.st.keySpan, markdown: lines.join('\n\n') };
    }
    if (e.conn) {
      for (const pair of e.conn.pairs) {
        if (inside(pair.keySpan, offset)) {
          return { span: pair.keySpan, markdown: `**${pair.key}** — a connection-string key of [${e.section}]${pair.key === 'password' ? '\n\nThe password PgBouncer logs in to the server with; it is kept in clear text in this file.' : ''}` };
        }
      }
    }
  }
  return undefined;
}
