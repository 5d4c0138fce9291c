/**
 * Hover for pgpool.conf: the facts of the parameter under the cursor (from the same catalogue the rules use) and our
 * own description; on a boolean, enum or numeric value, what Pgpool-II makes of it.
 */
import type { FeatureContext } from '../../core/language';
import type { HoverResult, SourceDocument } from '../../core/types';
import { listing } from '../../core/text';
import { tlsPathHover } from '../../tlsFiles';
import { tlsPaths } from './links';
import { catalogueOf, normalizeVersion, type Catalogue, type Param } from './catalogue';
import { SINCE_MINOR } from './history';
import { nameStatus } from './names';
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
  facts.push(versionFact(cat, p, version));
  for (const d of versionDifferences(cat, p.name)) facts.push(d);
  for (const f of facts) lines.push(`- ${f}`);
  lines.push('');
  const docs = cat.docs(p.name);
  const kind = TYPE_NAMES[p.type];
  lines.push(docs ?? `\`${p.name}\` is ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} parameter of the ${p.group.replace(/_/g, ' ')} settings.`);
  return lines.join('\n');
}

/**
 * Which of the versions pgtls knows have the parameter, and what the selected one does with the name (names.ts):
 * applies it, applies it to its new name with a WARNING, or ignores it.
 */
function versionFact(cat: Catalogue, p: Param, version: string): string {
  const vs = p.versions;
  const all = vs.length === cat.versions.length;
  const minor = SINCE_MINOR[p.name];
  const range = all ? `every version pgtls knows (${versionRange(cat, vs)})` : `${versionRange(cat, vs)} of the versions pgtls knows (${versionRange(cat, cat.versions)})`;
  const head = `In Pgpool-II ${range}${minor ? `; from ${minor} on` : ''}`;
  const st = nameStatus(cat, p.name, version);
  if (st.kind === 'alias') return `${head}; in ${version} an old name, applied to \`${st.target}\` with a WARNING at every start`;
  if (st.kind === 'applied') return st.obsolete ? `${head}; no effect on the mode since ${st.obsolete.since} (\`${st.obsolete.successor}\` decides)` : head;
  const why = st.why;
  if (why.cause === 'later') return `${head}; **not in ${version}** (the selected version), which ignores it${why.predecessor ? ` and knows it as \`${why.predecessor}\`` : ''}`;
  if (why.cause === 'removed') return `${head}; **not in ${version}** (the selected version), which ignores it${why.successor ? `: renamed \`${why.successor}\` in ${why.removedIn}` : ''}`;
  return `${head}; **not in ${version}** (the selected version), which ignores it`;
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

export function hover(doc: SourceDocument, file: PgpoolConfFile, offset: number, ctx: FeatureContext): HoverResult | undefined {
  const tls = tlsPathHover(ctx, doc.path, tlsPaths(doc, file, ctx), offset);
  if (tls) return tls;
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
  if (look.kind === 'unknown') {
    const onKey = a.keySpan[0] <= offset && offset <= a.keySpan[1];
    const text = onKey ? unknownNameMarkdown(cat, a.key, version) : undefined;
    return text ? { span: a.keySpan, markdown: text } : undefined;
  }
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

/** For an old or foreign name: what became of it (history.ts), and that the selected version ignores it. */
function unknownNameMarkdown(cat: Catalogue, key: string, version: string): string | undefined {
  const st = nameStatus(cat, key, version);
  if (st.kind !== 'unknown') return undefined;
  const why = st.why;
  const ignored = `Pgpool-II ${version} does not know this name: it logs only an INFO message and ignores the line.`;
  if (why.cause === 'old') {
    const r = why.rename;
    const became = r.successor
      ? `${r.mechanical ? 'Renamed' : 'Replaced by'} \`${r.successor}${r.perNode ? 'N' : ''}\` in Pgpool-II ${r.removedIn}.`
      : `Removed in Pgpool-II ${r.removedIn}${r.why ? ` (${r.why})` : ''}.`;
    return `**${key}** · an old Pgpool-II parameter\n\n${became} ${ignored}`;
  }
  if (why.cause === 'foreign') {
    const eq = why.equivalent ? ` Pgpool-II's setting is \`${why.equivalent}\`.` : why.note ? ` ${capitalizeFirst(why.note)}.` : '';
    return `**${key}** · ${why.from ? `a ${why.from} setting` : 'not a Pgpool-II setting'}\n\n${ignored}${eq}`;
  }
  return undefined;
}

const capitalizeFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

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
