/**
 * Generates schemas/pgpool-params.json, the pgpool.conf parameter catalogue, from the reference parameter table.
 * Usage: node --import tsx scripts/gen-pgpool-catalogue.ts ../shared/reference/pgpool-params.tsv
 *
 * Only facts are taken over (type, default, range, unit, enum values, context, versions, group). The table's last
 * column paraphrases upstream documentation and is never read: our own descriptions live in pgpool-param-docs.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParamContext as Context, ParamType, VersionFacts as Facts } from '../server/src/languages/pgpoolConf/catalogue';
import type { Unit } from '../server/src/languages/pgpoolConf/values';

const VERSIONS = ['4.3', '4.4', '4.5', '4.6', '4.7'] as const;
type Version = (typeof VERSIONS)[number];

interface Entry extends Facts {
  array: boolean;
  indexRange: [number, number] | null;
  noIndexDefault: boolean;
  versions: Version[];
  versionDiffs?: string;
  group: string;
  /** Facts that differ in some versions, complete per version (only the differing fields). */
  byVersion?: Partial<Record<Version, Partial<Facts>>>;
}

/** Lists split on `;` instead of `,` (pool_config_variables.c, reference §1.3). */
const SEMICOLON_LISTS = new Set(['reset_query_list', 'primary_routing_query_pattern_list']);

const CHANGE_BY: Record<Context, Facts['changeBy']> = { init: 'restart', reload: 'reload', session: 'reload+session' };

/** C constants that appear in the min/max columns. */
const CONSTANTS: Record<string, number> = {
  INT_MAX: 2147483647,
  INT_MIN: -2147483648,
  INT64_MAX: 9223372036854775807,
  INT64_MIN: -9223372036854775808,
};

/** A number as C writes it: decimal, `0x` hex or leading-0 octal. */
function cNumber(text: string): number {
  if (text in CONSTANTS) return CONSTANTS[text]!;
  const t = text.trim();
  const neg = t.startsWith('-');
  const body = neg || t.startsWith('+') ? t.slice(1) : t;
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[0-7]+$/.test(body)) v = parseInt(body.slice(1), 8);
  else if (/^[0-9]+(\.[0-9]*)?$/.test(body)) v = Number(body);
  else throw new Error(`not a number: ${text}`);
  return neg ? -v : v;
}

function mapType(t: string): { type: ParamType; array: boolean } {
  switch (t) {
    case 'bool': return { type: 'bool', array: false };
    case 'integer': return { type: 'int', array: false };
    case 'integer(64)': return { type: 'int64', array: false };
    case 'integer[]': return { type: 'int', array: true };
    case 'real[]': return { type: 'real', array: true };
    case 'string': return { type: 'string', array: false };
    case 'string[]': return { type: 'string', array: true };
    case 'list': return { type: 'list', array: false };
    case 'enum': return { type: 'enum', array: false };
    default: throw new Error(`unknown type ${t}`);
  }
}

/** `'abc'` → abc; `(unset)` → '' (and flagged); numbers stay as written. */
function mapDefault(d: string): { default: string; defaultUnset?: boolean } {
  if (d === '(unset)') return { default: '', defaultUnset: true };
  if (d.length >= 2 && d.startsWith("'") && d.endsWith("'")) return { default: d.slice(1, -1) };
  return { default: d };
}

function mapUnit(u: string): Unit | undefined {
  if (u === '') return undefined;
  if (u === 's' || u === 'ms' || u === 'min' || u === 'B' || u === 'kB') return u;
  throw new Error(`unknown unit ${u}`);
}

function mapContext(c: string): Context {
  if (c === 'init' || c === 'reload' || c === 'session') return c;
  throw new Error(`unknown context ${c}`);
}

/** Parses one `version_diffs` item, e.g. `4.3 default=on`, `4.4 unit=s`, `4.7 enum=a|b`, `4.3 type=string`. */
function applyDiff(name: string, item: string, into: Partial<Record<Version, Partial<Facts>>>, base: { type: ParamType }): void {
  const m = /^(\d\.\d) (\w+)=(.*)$/.exec(item.trim());
  if (!m) throw new Error(`${name}: cannot read version diff "${item}"`);
  const v = m[1] as Version;
  if (!VERSIONS.includes(v)) throw new Error(`${name}: unknown version ${v}`);
  const field = m[2]!;
  const value = m[3]!;
  const o = (into[v] ??= {});
  switch (field) {
    case 'default': Object.assign(o, mapDefault(value)); if (!o.defaultUnset) delete o.defaultUnset; break;
    case 'unit': o.unit = mapUnit(value); break;
    case 'enum': o.enum = value.split('|'); break;
    case 'context': o.context = mapContext(value); o.changeBy = CHANGE_BY[o.context]; break;
    case 'type': {
      const t = mapType(value).type;
      o.type = t;
      // A version where a list parameter was still a plain string has no separator.
      if (base.type === 'list' && t !== 'list') o.listSeparator = undefined;
      break;
    }
    case 'min': o.min = cNumber(value); break;
    case 'max': o.max = cNumber(value); break;
    default: throw new Error(`${name}: unknown diff field ${field}`);
  }
}

export function generate(tsvPath: string): { versions: readonly string[]; params: Record<string, Entry> } {
  const lines = fs.readFileSync(tsvPath, 'utf8').split('\n').filter(l => l.trim() !== '');
  const header = lines[0]!.split('\t');
  const col = (n: string): number => {
    const i = header.indexOf(n);
    if (i < 0) throw new Error(`column ${n} missing`);
    return i;
  };
  const C = {
    name: col('name'), type: col('type'), default: col('default'), min: col('min'), max: col('max'), unit: col('unit'),
    enum: col('enum_values'), context: col('context'), indexed: col('indexed'), diffs: col('version_diffs'), group: col('group'),
    versions: VERSIONS.map(v => col(`in_${v}`)),
  };
  const params: Record<string, Entry> = {};
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    const get = (i: number): string => (f[i] ?? '').trim();
    const name = get(C.name);
    const { type, array } = mapType(get(C.type));
    const context = mapContext(get(C.context));
    const indexed = get(C.indexed);
    const range = /^(\d+)\.\.(\d+)/.exec(indexed);
    const entry: Entry = {
      type,
      array,
      indexRange: range ? [Number(range[1]), Number(range[2])] : null,
      noIndexDefault: indexed.includes('no-index default'),
      ...mapDefault(get(C.default)),
      context,
      changeBy: CHANGE_BY[context],
      versions: VERSIONS.filter((_, i) => get(C.versions[i]!) === 'y'),
      group: get(C.group),
    };
    if (array && !range) throw new Error(`${name}: array without index range`);
    if (get(C.min) !== '') entry.min = cNumber(get(C.min));
    if (get(C.max) !== '') entry.max = cNumber(get(C.max));
    const unit = mapUnit(get(C.unit));
    if (unit) entry.unit = unit;
    if (get(C.enum) !== '') entry.enum = get(C.enum).split('|');
    if (type === 'list') entry.listSeparator = SEMICOLON_LISTS.has(name) ? ';' : ',';
    const diffs = get(C.diffs);
    if (diffs !== '') {
      entry.versionDiffs = diffs;
      const byVersion: Partial<Record<Version, Partial<Facts>>> = {};
      for (const item of diffs.split(';')) {
        if (/\[row values from/.test(item) || item.trim() === '') continue;
        applyDiff(name, item, byVersion, entry);
      }
      if (Object.keys(byVersion).length) entry.byVersion = byVersion;
    }
    params[name] = entry;
  }
  return { versions: VERSIONS, params };
}

/** The catalogue file's text: one parameter per line, so that a regenerated catalogue diffs readably. */
export function render(catalogue: ReturnType<typeof generate>): string {
  // JSON drops `undefined`; a byVersion override that removes a field (a list separator) says so with null.
  const replacer = (_k: string, v: unknown): unknown => (v === undefined ? null : v);
  const rows = Object.entries(catalogue.params).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v, replacer)}`);
  return `{\n "versions": ${JSON.stringify(catalogue.versions)},\n "params": {\n${rows.join(',\n')}\n }\n}\n`;
}

export const CATALOGUE_PATH = path.resolve(__dirname, '..', 'schemas', 'pgpool-params.json');

function main(): void {
  const tsv = process.argv[2];
  if (!tsv) {
    process.stderr.write('usage: gen-pgpool-catalogue.ts <pgpool-params.tsv>\n');
    process.exit(2);
  }
  const catalogue = generate(tsv);
  fs.mkdirSync(path.dirname(CATALOGUE_PATH), { recursive: true });
  fs.writeFileSync(CATALOGUE_PATH, render(catalogue));
  process.stdout.write(`wrote ${Object.keys(catalogue.params).length} parameters to ${path.relative(process.cwd(), CATALOGUE_PATH)}\n`);
}

if (require.main === module) main();
