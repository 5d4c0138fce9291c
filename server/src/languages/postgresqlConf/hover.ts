/**
 * Hover for postgresql.conf: on a name, the parameter's facts from the catalogue the checks use (type, unit, range,
 * values, built-in default, what it takes to change it, versions) and the server's one-line description; on a
 * number, what PostgreSQL makes of it in the parameter's base unit; on a directive, what it reads.
 */
import type { FeatureContext } from '../../core/language';
import type { HoverResult, SourceDocument } from '../../core/types';
import { listing } from '../../core/text';
import { tlsPathHover } from '../../tlsFiles';
import { tlsPaths } from './links';
import { catalogueOf, changeText, type Param } from './catalogue';
import type { PostgresqlConfFile } from './model';
import { nameStatus } from './names';
import { formatG, parseIntValue, parseRealValue, unitsFor } from './values';

const TYPES: Record<Param['type'], string> = { bool: 'boolean', int: 'integer', real: 'number', string: 'string', enum: 'enumeration' };

const DIRECTIVES: Record<string, string> = {
  include: '**include** `\'file\'` — reads the file here, as if its lines were written in its place (a relative path starts at this file\'s folder). PostgreSQL refuses to start when it cannot open the file.',
  include_if_exists: '**include_if_exists** `\'file\'` — like `include`, but a missing file is skipped (PostgreSQL logs "skipping missing configuration file").',
  include_dir: '**include_dir** `\'folder\'` — reads every file of the folder whose name ends in `.conf` and does not start with `.`, in name order (byte order). PostgreSQL refuses to start when it cannot open the folder.',
};

/** Markdown for a parameter as it is in `version`. */
export function paramMarkdown(p: Param, version: number, all: readonly number[]): string {
  const facts: string[] = [];
  if (p.unit) facts.push(`Unit: ${p.unit}; ${listing(unitsFor(p.unit))} may follow the number (case-sensitive; \`'1.5GB'\` and \`'30 s'\` need quotes)`);
  if (p.min !== undefined && p.max !== undefined) facts.push(`Range: ${p.type === 'real' ? formatG(p.min) : p.min} … ${p.type === 'real' ? formatG(p.max) : p.max}${p.unit ? ` ${p.unit}` : ''}`);
  if (p.enum) facts.push(`Values: ${listing(p.enum.map(v => (v === '' ? "''" : v)))} (any letter case)${p.hidden?.length ? `; also accepted: ${listing(p.hidden)}` : ''}`);
  if (p.type === 'bool') facts.push('Values: `on`/`off`, `true`/`false`, `yes`/`no`, `1`/`0` (any unique prefix, any case)');
  if (p.hook) facts.push(`The server also checks: ${p.hook}`);
  facts.push(`Takes effect after: ${changeText(p.context)}`);
  const missing = all.filter(v => !p.versions.includes(v));
  facts.push(missing.length ? `In PostgreSQL ${listing(p.versions.map(String), '')}, not in ${listing(missing.map(String), '')}` : `In PostgreSQL ${listing(all.map(String), '')}`);
  const def = p.type === 'string' ? `'${p.default}'` : `${p.default}${p.unit && p.default !== '-1' ? ` (${p.unit})` : ''}`;
  return [`**${p.name}** · ${TYPES[p.type]} · default \`${def}\``, '', ...facts.map(f => `- ${f}`), '', `${p.desc} (${p.group})`, version ? '' : ''].join('\n').trimEnd();
}

export function hover(doc: SourceDocument, file: PostgresqlConfFile, offset: number, ctx: FeatureContext): HoverResult | undefined {
  const tls = tlsPathHover(ctx, doc.path, tlsPaths(doc, file, ctx), offset);
  if (tls) return tls;
  const inside = (s: readonly [number, number]): boolean => s[0] <= offset && offset <= s[1];
  const d = file.directives.find(x => inside(x.keySpan));
  if (d) return { span: d.keySpan, markdown: DIRECTIVES[d.kind]! };
  const s = file.settings.find(x => inside(x.nameSpan) || inside(x.valueSpan));
  if (!s) return undefined;
  const cat = catalogueOf(ctx.env);
  const version = ctx.settings.postgresVersion;
  const st = nameStatus(cat, s.name, version);
  if (st.kind === 'custom') {
    return inside(s.nameSpan) ? { span: s.nameSpan, markdown: `**${s.name}** — a custom parameter (\`prefix.name\`): PostgreSQL keeps it as a placeholder string until an extension with that prefix defines it.` } : undefined;
  }
  if (st.kind !== 'known') return undefined;
  const p = st.param;
  if (inside(s.nameSpan)) return { span: s.nameSpan, markdown: paramMarkdown(p, version, cat.versions) };
  if ((p.type === 'int' || p.type === 'real') && p.unit) {
    const r = p.type === 'int' ? parseIntValue(s.value, p.unit) : parseRealValue(s.value, p.unit);
    if (r.ok) return { span: s.valueSpan, markdown: `PostgreSQL reads \`${s.value}\` as **${p.type === 'int' ? r.value : formatG(r.value)} ${p.unit}** for \`${p.name}\`.` };
  }
  return undefined;
}
