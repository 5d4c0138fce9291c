/**
 * Generates schemas/pgbouncer-params.json, the pgbouncer.ini catalogue, from PgBouncer's own source, one release at a
 * time: the `[pgbouncer]` settings of `bouncer_params[]` in src/main.c (name, value type, lookup values, default,
 * CF_NO_RELOAD, the `#ifdef` around the entry), the connection-string keys that `parse_database`, `parse_user` and
 * `parse_peer` in src/loader.c accept, the sections of `config_sects[]`, and whether the bundled ini parser
 * (libusual's usual/cfparser.c) accepts a key in single quotes.
 *
 * Usage: node --import tsx scripts/gen-pgbouncer-catalogue.ts <pgbouncer git dir> [<libusual git dir>]
 * (the git dirs of github:pgbouncer/pgbouncer and github:libusual/libusual; up to 1.24 lib/ is a submodule of libusual,
 * from 1.25 on it is vendored). Only facts are taken; no documentation text.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The newest patch release of each minor release pgtls knows. */
const TAGS: Record<string, string> = {
  '1.18': 'pgbouncer_1_18_0',
  '1.19': 'pgbouncer_1_19_1',
  '1.20': 'pgbouncer_1_20_1',
  '1.21': 'pgbouncer_1_21_0',
  '1.22': 'pgbouncer_1_22_1',
  '1.23': 'pgbouncer_1_23_1',
  '1.24': 'pgbouncer_1_24_1',
  '1.25': 'pgbouncer_1_25_2',
};

const [gitDir, usualDir] = process.argv.slice(2);
if (!gitDir) {
  console.error('usage: gen-pgbouncer-catalogue.ts <pgbouncer git dir> [<libusual git dir>]');
  process.exit(2);
}

const git = (dir: string, ...args: string[]): string => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const show = (tag: string, file: string): string => git(gitDir!, 'show', `${tag}:${file}`);

interface Param {
  type: 'int' | 'uint' | 'str' | 'time' | 'enum';
  values?: string[];
  /** Lookup values present only with a build option (`#ifdef HAVE_PAM` → `pam: 'HAVE_PAM'`). */
  valueIf?: Record<string, string>;
  default: string | null;
  reload: boolean;
  /** The `#ifdef`/`#ifndef` the entry sits in (`!WIN32`, `WIN32`), if any. */
  onlyIf?: string;
}

interface Release {
  tag: string;
  params: Record<string, Param>;
  sections: string[];
  databases: string[];
  users: string[];
  peers: string[];
  quotedKeys: boolean;
}

/** Macros used as defaults, resolved as on Linux. */
const MACROS: Record<string, string> = { DEFAULT_UNIX_SOCKET_DIR: '/tmp', DEFAULT_TCP_DEFER_ACCEPT: '1' };

function lookups(main: string): Record<string, { values: string[]; valueIf: Record<string, string> }> {
  const out: Record<string, { values: string[]; valueIf: Record<string, string> }> = {};
  const re = /CfLookup (\w+)\[\] = \{([\s\S]*?)\n\};/g;
  for (let m = re.exec(main); m; m = re.exec(main)) {
    const values: string[] = [];
    const valueIf: Record<string, string> = {};
    let cond: string | undefined;
    for (const line of m[2]!.split('\n')) {
      const ifdef = /^#ifdef (\w+)/.exec(line.trim());
      if (ifdef) cond = ifdef[1];
      else if (line.trim().startsWith('#endif')) cond = undefined;
      const v = /\{ *"([^"]+)"/.exec(line);
      if (v) {
        values.push(v[1]!);
        if (cond) valueIf[v[1]!] = cond;
      }
    }
    out[m[1]!] = { values, valueIf };
  }
  return out;
}

function params(main: string): Record<string, Param> {
  const maps = lookups(main);
  const macros: Record<string, string> = { ...MACROS };
  for (const m of main.matchAll(/#define (\w+)\s+"([^"]*)"/g)) macros[m[1]!] ??= m[2]!;
  const table = /bouncer_params ?\[\] = \{([\s\S]*?)\n\{?NULL\}|bouncer_params ?\[\] = \{([\s\S]*?)\n\s*\{NULL\}/.exec(main);
  if (!table) throw new Error('bouncer_params not found');
  const body = table[1] ?? table[2]!;
  const out: Record<string, Param> = {};
  let cond: string | undefined;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    const d = /^#if(n?)def (\w+)/.exec(line);
    if (d) { cond = `${d[1] ? '!' : ''}${d[2]}`; continue; }
    if (line.startsWith('#endif')) { cond = undefined; continue; }
    const m = /^CF_ABS\("([^"]+)", ([^,]+(?:\([^)]*\))?), [\w.]+, ([\w|]+), (.+)\),/.exec(line);
    if (!m) continue;
    const [, name, typeText, flags, defText] = m;
    const p: Param = { type: 'str', default: null, reload: !/CF_NO_RELOAD|CF_READONLY/.test(flags!) };
    const lk = /CF_LOOKUP\((\w+)\)/.exec(typeText!);
    if (lk) {
      p.type = 'enum';
      p.values = maps[lk[1]!]!.values;
      if (Object.keys(maps[lk[1]!]!.valueIf).length) p.valueIf = maps[lk[1]!]!.valueIf;
    } else if (typeText === 'CF_INT' || typeText === 'DEFER_OPS') p.type = 'int';
    else if (typeText === 'CF_UINT') p.type = 'uint';
    else if (typeText === 'CF_TIME_USEC' || typeText === 'CF_TIME_DOUBLE') p.type = 'time';
    else if (typeText === 'CF_STR' || typeText === 'CF_AUTHDB') p.type = 'str';
    else throw new Error(`unknown type ${typeText} of ${name}`);
    const def = defText!.trim().replace(/,$/, '');
    p.default = def === 'NULL' ? null : def.startsWith('"') ? JSON.parse(def) as string : (macros[def] ?? def);
    if (cond) p.onlyIf = cond;
    out[name!] = p;
  }
  return out;
}

/** The connection-string keys a loader.c function compares with `strcmp("key", key)`. */
function connKeys(loader: string, fn: string): string[] {
  const start = loader.indexOf(`bool ${fn}(`);
  if (start < 0) return [];
  const end = loader.indexOf('\n}\n', start);
  const body = loader.slice(start, end);
  return [...new Set([...body.matchAll(/strcmp\("([a-z_]+)", key\)/g)].map(m => m[1]!))];
}

function sections(main: string): string[] {
  const body = /config_sects ?\[\] = \{([\s\S]*?)\n\};/.exec(main)?.[1] ?? '';
  return [...body.matchAll(/sect_name = "([^"]+)"/g)].map(m => m[1]!);
}

function cfparser(tag: string): string {
  const entry = git(gitDir!, 'ls-tree', tag, 'lib').trim().split(/\s+/);
  if (entry[1] === 'tree') return show(tag, 'lib/usual/cfparser.c');
  if (!usualDir) throw new Error(`${tag}: lib is a submodule; pass the libusual git dir`);
  return git(usualDir, 'show', `${entry[2]}:usual/cfparser.c`);
}

const releases: Record<string, Release> = {};
for (const [version, tag] of Object.entries(TAGS)) {
  const main = show(tag, 'src/main.c');
  const loader = show(tag, 'src/loader.c');
  const cf = cfparser(tag);
  releases[version] = {
    tag,
    params: params(main),
    sections: sections(main),
    databases: connKeys(loader, 'parse_database'),
    users: connKeys(loader, 'parse_user'),
    peers: connKeys(loader, 'parse_peer'),
    // The key loop of parse_ini_file_internal: `key = ++p` after a `'` exists from libusual's quoted keys on.
    quotedKeys: /if \(\*p && \*p == '\\''\) \{\s*key = \+\+p;/.test(cf),
  };
}

const out = path.join(import.meta.dirname, '..', 'schemas', 'pgbouncer-params.json');
const json = { $comment: 'Generated by scripts/gen-pgbouncer-catalogue.ts from PgBouncer\'s src/main.c, src/loader.c and libusual\'s usual/cfparser.c per release; do not edit.', releases };
fs.writeFileSync(out, `${JSON.stringify(json, null, 1)}\n`);
console.log(`wrote ${out}: ${Object.keys(releases).join(', ')}`);
