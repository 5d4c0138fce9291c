/**
 * Hover for pgpool.conf: the facts of the parameter under the cursor (from the same catalogue the rules use) and our
 * own description; on a boolean, enum or numeric value, what Pgpool-II makes of it.
 */
import type { FeatureContext } from '../../core/language';
import type { HoverResult, SourceDocument } from '../../core/types';
import { listing } from '../../core/text';
import { catalogueOf, normalizeVersion, type Catalogue, type Param } from './catalogue';
import { parseBool, type Assignment, type PgpoolConfFile } from './model';
import { atof, formatBound, INT64_MAX, INT_MAX, isMemoryUnit, parseIntValue, validUnits } from './values';

const TYPE_NAMES: Record<Param['type'], string> = {
  bool: 'boolean', int: 'integer', int64: 'integer (64-bit)', real: 'number', enum: 'enumeration', string: 'string', list: 'list',
};

const CHANGE: Record<Param['changeBy'], string> = {
  restart: 'restart of Pgpool-II (a reload skips it silently)',
  reload: '`pgpool reload`',
  'reload+session': '`pgpool reload`, or per session with `PGPOOL SET`',
};

const OCTAL = new Set(['unix_socket_permissions', 'log_file_mode']);

/** The default as a user would write it in pgpool.conf. */
export function defaultText(p: Param): string {
  if (p.defaultUnset) return '(unset)';
  if (p.type === 'string' || p.type === 'list') return `'${p.default}'`;
  return p.default;
}

export function typeText(p: Param): string {
  const base = TYPE_NAMES[p.type];
  if (p.type === 'list') return `${base} (\`${p.listSeparator ?? ','}\`-separated)`;
  return p.array ? `${base}, per node` : base;
}

/** Markdown for a parameter: facts first, then our description (or a one-line fallback built from the facts). */
export function paramMarkdown(cat: Catalogue, p: Param, version: string, shownKey = p.name): string {
  const lines: string[] = [];
  lines.push(`**${shownKey}** · ${typeText(p)} · default \`${defaultText(p)}\``);
  lines.push('');
  const facts: string[] = [];
  if (p.min !== undefined && p.max !== undefined) {
    const f = (n: number): string => (OCTAL.has(p.name) && n !== 0 ? `0${n.toString(8)}` : formatBound(n));
    facts.push(`Range: ${f(p.min)} … ${f(p.max)}${p.unit ? ` ${p.unit}` : ''}`);
  }
  if (p.unit) {
    const bare = p.noIndexDefault ? `; the bare \`${p.name}\` takes no unit` : '';
    const [joined, spaced] = isMemoryUnit(p.unit) ? ['64MB', "'64 MB'"] : ['5min', "'5 min'"];
    facts.push(`Unit: ${p.unit}; ${listing(validUnits(p.unit))} may follow the number (\`${joined}\`, or \`${spaced}\` in quotes)${bare}`);
  }
  if (p.enum) facts.push(`Values: ${listing(p.enum)} (any letter case)`);
  if (p.array && p.indexRange) {
    const [lo, hi] = p.indexRange;
    facts.push(`Per node: \`${p.name}${lo}\` … \`${p.name}${hi}\`${p.noIndexDefault ? `; the bare \`${p.name}\` sets the default for every node` : ''}`);
  }
  facts.push(`Takes effect after: ${CHANGE[p.changeBy]}`);
  const vs = p.versions;
  const inThis = vs.includes(version);
  facts.push(`Pgpool-II ${versionRange(cat, vs)}${inThis ? '' : ` (**not in ${version}**, the selected version)`}`);
  for (const d of versionDifferences(cat, p.name)) facts.push(d);
  for (const f of facts) lines.push(`- ${f}`);
  lines.push('');
  const docs = cat.docs(p.name);
  const kind = TYPE_NAMES[p.type];
  lines.push(docs ?? `\`${p.name}\` is ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} parameter of the ${p.group.replace(/_/g, ' ')} settings.`);
  return lines.join('\n');
}

/** `4.3–4.5` for consecutive catalogue versions, else `4.3, 4.5`. */
function versionRange(cat: Catalogue, vs: readonly string[]): string {
  if (vs.length === 1) return vs[0]!;
  const idx = vs.map(v => cat.versions.indexOf(v));
  const consecutive = idx.every((x, i) => i === 0 || x === idx[i - 1]! + 1);
  return consecutive ? `${vs[0]}–${vs[vs.length - 1]}` : vs.join(', ');
}

const SHORT_CHANGE: Record<Param['changeBy'], string> = { restart: 'restart', reload: 'reload', 'reload+session': 'reload or `PGPOOL SET`' };

/** What differs between the versions that have the parameter, one line per fact, e.g. `Per version, default: …`. */
function versionDifferences(cat: Catalogue, name: string): string[] {
  const vs = cat.param(name, cat.versions[0]!)?.versions ?? [];
  if (vs.length < 2) return [];
  const per = vs.map(v => ({ v, p: cat.param(name, v)! }));
  const facts: [string, (p: Param) => string][] = [
    ['default', p => `\`${defaultText(p)}\``],
    ['a change needs', p => SHORT_CHANGE[p.changeBy]],
    ['type', p => typeText(p)],
    ['unit', p => (p.unit ? p.unit : 'none')],
    ['values', p => (p.enum ? p.enum.map(e => `\`${e}\``).join(', ') : '')],
  ];
  const out: string[] = [];
  for (const [label, render] of facts) {
    const groups: { vs: string[]; text: string }[] = [];
    for (const { v, p } of per) {
      const text = render(p);
      const last = groups[groups.length - 1];
      if (last && last.text === text) last.vs.push(v);
      else groups.push({ vs: [v], text });
    }
    if (groups.length > 1) out.push(`Per version, ${label}: ${groups.map(g => `${versionRange(cat, g.vs)}: ${g.text}`).join('; ')}`);
  }
  return out;
}

export function hover(_doc: SourceDocument, file: PgpoolConfFile, offset: number, ctx: FeatureContext): HoverResult | undefined {
  const cat = catalogueOf(ctx.env);
  const version = normalizeVersion(ctx.settings.pgpoolVersion);
  for (const inc of file.includes ?? []) {
    if (inc.keySpan[0] <= offset && offset <= inc.keySpan[1]) {
      return { span: inc.keySpan, markdown: '**include** · reads another file in place\n\nA relative path starts at this file\'s folder; includes nest up to 10 deep. A file that cannot be opened stops Pgpool-II with a syntax error.' };
    }
  }
  const a = file.assignments.find(x => x.keySpan[0] <= offset && offset <= x.keySpan[1])
    ?? file.assignments.find(x => x.valueSpan[0] <= offset && offset <= x.valueSpan[1] && x.valueSpan[1] > x.valueSpan[0]);
  if (!a) return undefined;
  const look = cat.lookup(a.key);
  if (look.kind === 'unknown') return undefined;
  const p = cat.param(look.name, version);
  if (!p) return undefined;
  const onKey = a.keySpan[0] <= offset && offset <= a.keySpan[1];
  if (onKey) {
    const node = look.kind === 'indexed' ? ` (node ${look.index})` : '';
    return { span: a.keySpan, markdown: paramMarkdown(cat, p, version, `${a.key}${node}`) };
  }
  const meaning = valueMeaning(a, p);
  if (!meaning) return undefined;
  return { span: a.valueSpan, markdown: meaning };
}

/** What Pgpool-II makes of a value, for the value hover. */
function valueMeaning(a: Assignment, p: Param): string | undefined {
  const shown = `\`${a.key} = ${a.valueKind === 'string' ? `'${a.value}'` : a.value}\``;
  switch (p.type) {
    case 'bool': {
      const b = parseBool(a.value);
      if (b === undefined) return `${shown}: not a boolean, so Pgpool-II silently reads it as **ON**. Write \`on\` or \`off\`.`;
      return `${shown}: Pgpool-II reads this as **${b ? 'ON' : 'OFF'}**. (Booleans are \`on/off\`, \`true/false\`, \`yes/no\`, \`1/0\` or a unique prefix, in any case.)`;
    }
    case 'enum': {
      const hit = p.enum?.find(e => e.toLowerCase() === a.value.toLowerCase());
      if (!hit) return `${shown}: not one of ${listing(p.enum ?? [])}, so Pgpool-II refuses to start.`;
      return `${shown}: the value \`${hit}\` of ${listing(p.enum ?? [])}.`;
    }
    case 'int':
    case 'int64': {
      const r = parseIntValue(a.value, p.unit, p.type === 'int64' ? INT64_MAX : INT_MAX);
      if (!r.ok) return undefined;
      const unit = p.unit ? ` ${p.unit}` : '';
      return OCTAL.has(p.name) ? `${shown}: Pgpool-II reads this as ${r.value} = 0${r.value.toString(8)} (octal).` : `${shown}: Pgpool-II reads this as ${r.value}${unit}.`;
    }
    case 'real':
      return `${shown}: Pgpool-II reads this as ${atof(a.value).value}.`;
    default:
      return undefined;
  }
}
