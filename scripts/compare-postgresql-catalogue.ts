/**
 * Compares schemas/postgresql-params.json, as the catalogue answers for one PostgreSQL major version, with the GUC
 * tables of a PostgreSQL source tree of that version: every parameter's name, type, context, unit, min/max, enum
 * values (hidden ones too), default, group and short description. This is how the hand-written 16/17 table of
 * scripts/gen-postgresql-catalogue.ts was verified; run it again on a new version's tree before adding that version.
 *
 * Usage: node --import tsx scripts/compare-postgresql-catalogue.ts VERSION SOURCE_ROOT [--fields a,b] [--ignore n1,n2]
 *   SOURCE_ROOT is an unpacked PostgreSQL source tree (src/backend/utils/misc/guc_tables.c from 16 on, guc.c in 15;
 *   the enum option tables other files define are found too). Exit code 1 when anything differs.
 *
 * The tables are read with a small C preprocessor that takes the macros of a Linux amd64 build as Debian configures
 * it (LZ4, zstd, OpenSSL, ICU, syslog, sync_file_range; no WIN32, EXEC_BACKEND or debug-only options), so values that
 * depend on the build or the packaging (`server_version`, `unix_socket_directories`, `krb_server_keyfile`) and
 * parameters a package adds (Debian's `extension_destdir`) show up as differences to be judged, not fixed blindly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCatalogue, type Param } from '../server/src/languages/postgresqlConf/catalogue';

type Facts = Record<string, unknown> & { name: string };

/** Macros taken as defined (a Linux amd64 build with Debian's configure options). */
const DEFINED = new Set(['HAVE_SYSLOG', 'HAVE_SYNC_FILE_RANGE', '__linux__', 'USE_SSL', 'USE_OPENSSL', 'USE_LZ4', 'USE_ZSTD',
  'HAVE_SYNCFS', 'USE_ICU', 'USE_LIBXML', 'HAVE_UNIX_SOCKETS', 'TRACE_SORT', 'HAVE_POSIX_FADVISE', 'USE_PREFETCH', 'HAVE_FDATASYNC',
  'O_DSYNC', 'O_SYNC', 'ENABLE_GSS', 'ENABLE_NLS', 'USE_LLVM', 'USE_LDAP', 'USE_PAM', 'USE_SYSTEMD', 'PG_O_DIRECT', 'HAVE_SHM_OPEN']);
/** Values configure would write into pg_config.h (and Debian's packaging into the build). */
const MACROS: Record<string, string> = {
  RELSEG_SIZE: '131072', DEF_PGPORT: '5432', PG_KRB_SRVTAB: '"FILE:/etc/postgresql-common/krb5.keytab"',
  DEFAULT_PGSOCKET_DIR: '"/var/run/postgresql"', PG_VERSION: '"<the server version>"', PG_VERSION_NUM: '0',
  SIZEOF_SIZE_T: '8', SIZEOF_LONG: '8', SIZEOF_VOID_P: '8', O_DSYNC: '4096', O_SYNC: '1052672',
};
const NUM: Record<string, number> = {
  INT_MAX: 2147483647, INT_MIN: -2147483648, DBL_MAX: Number.MAX_VALUE, BLCKSZ: 8192, XLOG_BLCKSZ: 8192, SIZE_MAX: Number.MAX_SAFE_INTEGER,
  PG_INT32_MAX: 2147483647, LONG_MAX: Number.MAX_SAFE_INTEGER, true: 1, false: 0,
};
const CONTEXT: Record<string, string> = {
  PGC_POSTMASTER: 'postmaster', PGC_SIGHUP: 'sighup', PGC_SU_BACKEND: 'superuser-backend', PGC_BACKEND: 'backend', PGC_SUSET: 'superuser',
  PGC_USERSET: 'user', PGC_INTERNAL: 'internal',
};
const UNITS: Record<string, string> = {
  GUC_UNIT_KB: 'kB', GUC_UNIT_BLOCKS: '8kB', GUC_UNIT_XBLOCKS: '8kB', GUC_UNIT_MB: 'MB', GUC_UNIT_BYTE: 'B', GUC_UNIT_MS: 'ms', GUC_UNIT_S: 's',
  GUC_UNIT_MIN: 'min',
};
const CASTS = /\((?:int|double|int64|long|Size|uint32|uint64|size_t)\)/g;
const SUFFIX = /(\d+(?:\.\d+)?(?:e[+-]?\d+)?)[LlUuFf]+\b/g;

/** Moves over a C string or character literal starting at `i`; returns the index after it. */
function skipLiteral(s: string, i: number): number {
  const q = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== q) j += s[j] === '\\' ? 2 : 1;
  return j + 1;
}

function stripComments(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      const j = skipLiteral(s, i);
      out += s.slice(i, j);
      i = j;
    } else if (s.startsWith('/*', i)) {
      const j = s.indexOf('*/', i + 2);
      const end = j < 0 ? s.length : j + 2;
      out += s.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else if (s.startsWith('//', i)) {
      const j = s.indexOf('\n', i);
      i = j < 0 ? s.length : j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const hexToDecimal = (s: string): string => s.replace(/\b0[xX]([0-9a-fA-F]+)\b/g, (_, h: string) => String(parseInt(h, 16)));

/** Evaluates arithmetic on numbers only (anything else is NaN). */
function arithmetic(text: string): number {
  const expr = hexToDecimal(text);
  if (!/^[\d\s+\-*/().,eE<>=?:!&|]*(?:Math\.(?:min|max)[\d\s+\-*/().,eE<>=?:!&|]*)*$/.test(expr)) return NaN;
  try {
    return Number(new Function(`return (${expr});`)());
  } catch {
    return NaN;
  }
}

function evalCond(expr: string): boolean {
  const e = expr.replace(/defined\s*\(?\s*(\w+)\s*\)?/g, (_, m: string) => (DEFINED.has(m) ? '1' : '0'))
    .replace(/\b[A-Za-z_]\w*\b/g, m => {
      const v = MACROS[m] ? evalNum(m) : NaN;
      return Number.isFinite(v) ? String(v) : DEFINED.has(m) ? '1' : '0';
    });
  return Boolean(arithmetic(e) || 0);
}

/** A minimal preprocessor: conditionals by DEFINED, object-like `#define`s collected into MACROS. */
function preprocess(s: string): string {
  const lines = s.split('\n');
  const stack: { taken: boolean; parent: boolean }[] = [];
  const out: string[] = [];
  let active = true;
  for (let k = 0; k < lines.length; k++) {
    let line = lines[k]!;
    while (/^\s*#/.test(line) && /\\\s*$/.test(line) && k + 1 < lines.length) line = line.replace(/\\\s*$/, ' ') + lines[++k]!;
    const m = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
    if (!m) {
      out.push(active ? line : '');
      continue;
    }
    const [, d, rest = ''] = m;
    const top = stack[stack.length - 1];
    if (d === 'ifdef' || d === 'ifndef' || d === 'if') {
      const c = d === 'ifdef' ? DEFINED.has(rest.trim()) : d === 'ifndef' ? !DEFINED.has(rest.trim()) : evalCond(rest);
      stack.push({ taken: c, parent: active });
      active = active && c;
    } else if (d === 'elif' && top) {
      const c = !top.taken && evalCond(rest);
      if (c) top.taken = true;
      active = top.parent && c;
    } else if (d === 'else' && top) {
      active = top.parent && !top.taken;
      top.taken = true;
    } else if (d === 'endif' && top) {
      active = stack.pop()!.parent;
    } else if (d === 'define' && active && !/^\w+\(/.test(rest)) {
      const dm = /^(\w+)\s*(.*)$/.exec(rest);
      if (dm) {
        DEFINED.add(dm[1]!);
        MACROS[dm[1]!] ??= dm[2]!.trim();
      }
    }
    out.push('');
  }
  return out.join('\n');
}

/** Splits at commas outside brackets and literals. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      const j = skipLiteral(s, i);
      cur += s.slice(i, j);
      i = j;
      continue;
    }
    if ('({['.includes(c)) depth++;
    if (')}]'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += c;
    i++;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

/** The text between the braces that follow the first match of `decl`. */
function braced(src: string, decl: RegExp): string | undefined {
  const m = decl.exec(src);
  if (!m) return undefined;
  const start = src.indexOf('{', m.index + m[0].length - 1);
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i]!;
    if (c === '"') i = skipLiteral(src, i) - 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return src.slice(start + 1, i);
  }
  return undefined;
}

function strLit(e: string): string | undefined {
  const t = e.trim().replace(/^gettext_noop\s*\(([\s\S]*)\)$/, '$1').trim();
  if (t === 'NULL') return undefined;
  if (/^\w+$/.test(t) && MACROS[t]) return strLit(MACROS[t]!);
  const lits = [...t.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(m => m[1]!);
  return lits.length ? lits.join('').replace(/\\"/g, '"').replace(/\\\\/g, '\\') : `<${t}>`;
}

function evalNum(e: string): number {
  let x = hexToDecimal(e).replace(CASTS, '').replace(SUFFIX, '$1');
  for (let n = 0; n < 8; n++) {
    const y = hexToDecimal(x.replace(/\b[A-Za-z_]\w*\b/g, id => (id in NUM ? `(${NUM[id]})` : MACROS[id] ? `(${MACROS[id]})` : id)))
      .replace(CASTS, '').replace(SUFFIX, '$1');
    if (y === x) break;
    x = y;
  }
  return arithmetic(x.replace(/\bMin\b/g, 'Math.min').replace(/\bMax\b/g, 'Math.max'));
}

function walk(dir: string, keep: (f: string) => boolean, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, keep, out);
    else if (keep(p)) out.push(p);
  }
  return out;
}

interface Enum { name: string; value: string; hidden: boolean }

/** Reads the headers' macros, every config_enum_entry table and the file with the ConfigureNames tables. */
function readTree(root: string): { tables: string; enums: Record<string, Enum[]>; groupOf: (g: string) => string } {
  const inc = path.join(root, 'src', 'include');
  const headers = walk(inc, f => f.endsWith('.h') && (!f.includes(`${path.sep}port${path.sep}`) || f.endsWith('linux.h')));
  headers.sort((a, b) => Number(b.endsWith('linux.h')) - Number(a.endsWith('linux.h')));
  for (const h of headers) preprocess(stripComments(fs.readFileSync(h, 'utf8')));
  const enums: Record<string, Enum[]> = {};
  let tables = '';
  for (const f of walk(path.join(root, 'src', 'backend'), p => p.endsWith('.c'))) {
    const raw = fs.readFileSync(f, 'utf8');
    if (!raw.includes('config_enum_entry') && !raw.includes('ConfigureNamesBool')) continue;
    const src = preprocess(stripComments(raw));
    for (const m of src.matchAll(/config_enum_entry\s+(\w+)\s*\[\s*\]\s*=\s*\{/g)) {
      const body = braced(src.slice(m.index), /=\s*\{/) ?? '';
      const rows = [...body.matchAll(/\{([^{}]*)\}/g)].map(r => splitTop(r[1]!)).filter(p => p[0] !== 'NULL');
      enums[m[1]!] = rows.map(p => ({ name: strLit(p[0]!)!, value: p[1]!, hidden: p[2] === 'true' }));
    }
    if (/ConfigureNamesBool\s*\[\s*\]\s*=/.test(src)) tables = src;
  }
  if (!tables) throw new Error(`no ConfigureNamesBool table under ${root}/src/backend`);
  // Not preprocessed again: its include guard is defined by now (enum config_group has no conditionals).
  const hdr = stripComments(fs.readFileSync(path.join(inc, 'utils', 'guc_tables.h'), 'utf8'));
  const groupEnum = splitTop(braced(hdr, /enum\s+config_group\s*\{/) ?? '').map(s => s.split('=')[0]!.trim());
  const groupNames = splitTop(braced(tables, /config_group_names\s*\[\s*\]\s*=\s*\{/) ?? '').map(s => strLit(s)).filter((s): s is string => !!s);
  return { tables, enums, groupOf: g => groupNames[groupEnum.indexOf(g)] ?? `<${g}>` };
}

/** The value fields after `&variable`, by type. */
function valueFacts(f: Facts, rest: string[], enums: Record<string, Enum[]>): void {
  const num = (e: string, int: boolean): number | string => {
    const v = evalNum(e);
    return Number.isNaN(v) ? `<${e}>` : int ? Math.trunc(v) : v;
  };
  if (f.type === 'bool') {
    const b = rest[0] === 'true' || rest[0] === 'false' ? rest[0] : MACROS[rest[0]!] ?? rest[0];
    f.default = b === 'true' ? 'on' : b === 'false' ? 'off' : `<${rest[0]}>`;
  } else if (f.type === 'int' || f.type === 'real') {
    f.default = String(num(rest[0]!, f.type === 'int'));
    f.min = num(rest[1]!, f.type === 'int');
    f.max = num(rest[2]!, f.type === 'int');
  } else if (f.type === 'string') {
    f.default = strLit(rest[0]!) ?? '';
  } else {
    const om = /^&?(\w+)\s*(?:\+\s*(\d+))?$/.exec(rest[1]!.trim());
    const all = om ? enums[om[1]!] : undefined;
    if (!all) {
      f.enum = `<${rest[1]}>`;
      return;
    }
    const opts = all.slice(Number(om![2] ?? 0));
    f.enum = opts.filter(o => !o.hidden).map(o => o.name);
    const hidden = opts.filter(o => o.hidden).map(o => o.name);
    if (hidden.length) f.hidden = hidden;
    const chain = [rest[0]!.trim()];
    for (let n = 0; n < 5 && MACROS[chain[chain.length - 1]!]; n++) chain.push(MACROS[chain[chain.length - 1]!]!.trim());
    const hit = chain.map(b => all.find(o => o.value === b || (MACROS[o.value] ?? '').trim() === b)).find(Boolean)
      ?? all.find(o => !Number.isNaN(evalNum(o.value)) && evalNum(o.value) === evalNum(chain[0]!));
    f.default = hit?.name ?? `<${rest[0]}>`;
  }
}

/** Every parameter of the tree's ConfigureNames* tables. */
export function extract(root: string): Facts[] {
  const { tables, enums, groupOf } = readTree(root);
  const out: Facts[] = [];
  for (const [kind, type] of [['Bool', 'bool'], ['Int', 'int'], ['Real', 'real'], ['String', 'string'], ['Enum', 'enum']] as const) {
    const body = braced(tables, new RegExp(`ConfigureNames${kind}\\s*\\[\\s*\\]\\s*=\\s*\\{`)) ?? '';
    for (const entry of splitTop(body)) {
      const items = splitTop(entry.replace(/^\{|\}$/g, ''));
      const gen = splitTop((items[0] ?? '').replace(/^\{|\}$/g, ''));
      const name = strLit(gen[0] ?? 'NULL');
      if (!name || items.length < 3) continue;
      const flags = (gen[5] ?? '0').split('|').map(s => s.trim());
      const f: Facts = { name, type, context: CONTEXT[gen[1]!] ?? gen[1], group: groupOf(gen[2]!), desc: strLit(gen[3]!) ?? '' };
      const unit = flags.map(x => UNITS[x]).find(Boolean);
      if (unit) f.unit = unit;
      valueFacts(f, items.slice(2), enums);
      out.push(f);
    }
  }
  return out;
}

function shown(field: string, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return (field === 'hidden' ? v.map(x => String(x).toLowerCase()).sort() : v.map(String)).join('|');
  if (typeof v === 'number') return String(Number(v.toPrecision(6)));
  return String(v);
}

function main(): number {
  const args = process.argv.slice(2);
  const opt = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const fields = (opt('--fields') ?? 'type,context,unit,min,max,enum,hidden,default,group,desc').split(',');
  const ignore = new Set((opt('--ignore') ?? '').split(',').filter(Boolean));
  const [versionArg, root] = args;
  const version = Number(versionArg);
  if (!Number.isInteger(version) || !root) {
    console.error('usage: compare-postgresql-catalogue.ts VERSION SOURCE_ROOT [--fields a,b] [--ignore n1,n2]');
    return 2;
  }
  const json = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'schemas', 'postgresql-params.json'), 'utf8'));
  const cat = buildCatalogue(json);
  const ours = new Map<string, Param>();
  for (const n of cat.names) {
    const p = cat.param(n, version)!;
    if (p.versions.includes(version) && !ignore.has(n.toLowerCase())) ours.set(n.toLowerCase(), p);
  }
  const theirs = new Map(extract(root).filter(f => !ignore.has(f.name.toLowerCase())).map(f => [f.name.toLowerCase(), f]));
  const lines: string[] = [];
  for (const n of [...ours.keys()].filter(k => !theirs.has(k)).sort()) lines.push(`${n}: in the catalogue for ${version}, not in the source`);
  for (const n of [...theirs.keys()].filter(k => !ours.has(k)).sort()) lines.push(`${n}: in the source, not in the catalogue for ${version}`);
  for (const [n, f] of [...theirs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const p = ours.get(n) as unknown as Record<string, unknown> | undefined;
    if (!p) continue;
    for (const field of fields) {
      if ((field === 'min' || field === 'max') && f.type !== 'int' && f.type !== 'real') continue;
      const a = shown(field, p[field]);
      const b = shown(field, f[field]);
      if (a !== b) lines.push(`${n}.${field}: catalogue ${JSON.stringify(a)}, source ${JSON.stringify(b)}`);
    }
  }
  console.log(lines.length ? lines.join('\n') : `PostgreSQL ${version}: the catalogue agrees with ${root}`);
  console.log(`${lines.length} difference(s); ${theirs.size} parameters in the source, ${ours.size} in the catalogue`);
  return lines.length ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
