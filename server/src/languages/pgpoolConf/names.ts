/**
 * What one Pgpool-II version does with a key (the one place that decides it): applies it, applies it under its new
 * name with a WARNING (an alias), or does not know it (logs `unrecognized configuration parameter` at INFO and ignores
 * the line), and why not: added later, removed or renamed, a name of another program, or never a parameter. Also the
 * "did you mean" for a key it does not know, which proposes only names of that version that differ by spelling,
 * never by meaning.
 */
import { editDistance } from '../../core/text';
import { ALIASES, versionLess, type Catalogue, type KeyLookup } from './catalogue';
import { FOREIGN_NAMES, OBSOLETE, OLD_NAMES, RENAMED_IN_RANGE, SINCE_MINOR, type Rename } from './history';

/** Why a version does not know a key. */
export type UnknownCause =
  /** A parameter of a later version (`from`); `predecessor` is the name this version has for it. */
  | { cause: 'later'; name: string; from: string; predecessor?: string }
  /** A parameter of an earlier supported version, gone in `removedIn`; `successor` took its place. */
  | { cause: 'removed'; name: string; removedIn: string; successor?: string; mechanical: boolean }
  /** A name no supported version has: removed or renamed before 4.3 (`index`: the node number it was written with). */
  | { cause: 'old'; name: string; rename: Rename; index?: string }
  /** A name of PostgreSQL or another program. */
  | { cause: 'foreign'; name: string; from?: string; equivalent?: string; note?: string }
  /** Not a Pgpool-II parameter name at all (a misspelling, a wrong letter case, an invention). */
  | { cause: 'unknown' };

/** What the selected version does with a key. */
export type NameStatus =
  /** Pgpool-II looks the key up and applies it (an array key may still have a bad or missing node number). */
  | { kind: 'applied'; look: Exclude<KeyLookup, { kind: 'unknown' }>; obsolete?: { since: string; successor: string } }
  /** An old name Pgpool-II applies to `target`, logging a WARNING at every start. */
  | { kind: 'alias'; look: Exclude<KeyLookup, { kind: 'unknown' }>; target: string; since: string; appliedSince?: string }
  /** Pgpool-II logs `unrecognized configuration parameter` (INFO, below the default log level) and ignores the line. */
  | { kind: 'unknown'; why: UnknownCause };

/** The trailing digits of a key (a node number), found without a backtracking regular expression. */
export function splitDigits(key: string): { base: string; digits: string } {
  let cut = key.length;
  while (cut > 0 && key.charCodeAt(cut - 1) >= 48 && key.charCodeAt(cut - 1) <= 57) cut--;
  return { base: key.slice(0, cut), digits: key.slice(cut) };
}

/** The alias `name` is in `version`, if it is one there. */
export function aliasIn(name: string, version: string): { target: string; since: string; appliedSince?: string } | undefined {
  const a = ALIASES[name];
  return a && !versionLess(version, a.since) ? a : undefined;
}

/** What `version` does with `key` (the same decision as Pgpool-II's `find_option` over that version's table). */
export function nameStatus(cat: Catalogue, key: string, version: string): NameStatus {
  const look = cat.lookup(key);
  if (look.kind !== 'unknown') {
    const name = look.name;
    if (cat.inVersion(name, version)) {
      const alias = aliasIn(name, version);
      if (alias) return { kind: 'alias', look, ...alias };
      const obsolete = OBSOLETE[name];
      return obsolete && !versionLess(version, obsolete.since) ? { kind: 'applied', look, obsolete } : { kind: 'applied', look };
    }
    const versions = cat.param(name, version)!.versions;
    if (versionLess(version, versions[0]!)) {
      const predecessor = Object.entries(RENAMED_IN_RANGE).find(([old, r]) => r.successor === name && cat.inVersion(old, version))?.[0];
      return { kind: 'unknown', why: { cause: 'later', name, from: SINCE_MINOR[name] ?? versions[0]!, ...(predecessor ? { predecessor } : {}) } };
    }
    const last = versions[versions.length - 1]!;
    const removedIn = cat.versions[cat.versions.indexOf(last) + 1] ?? last;
    const r = RENAMED_IN_RANGE[name];
    const successor = r && cat.inVersion(r.successor, version) ? r.successor : undefined;
    return { kind: 'unknown', why: { cause: 'removed', name, removedIn, ...(successor ? { successor } : {}), mechanical: !!successor && !!r?.mechanical } };
  }
  const old = OLD_NAMES[key];
  if (old) return { kind: 'unknown', why: { cause: 'old', name: key, rename: old } };
  const { base, digits } = splitDigits(key);
  const perNode = digits ? OLD_NAMES[base] : undefined;
  if (perNode?.perNode) return { kind: 'unknown', why: { cause: 'old', name: base, rename: perNode, index: digits } };
  const foreign = FOREIGN_NAMES[key];
  if (foreign) return { kind: 'unknown', why: { cause: 'foreign', name: key, ...foreign } };
  return { kind: 'unknown', why: { cause: 'unknown' } };
}

/** True when `version` applies `key` itself: a parameter of that version and not an alias or obsolete name. */
export function isCurrentName(cat: Catalogue, key: string, version: string): boolean {
  const s = nameStatus(cat, key, version);
  return s.kind === 'applied' && !s.obsolete && (s.look.kind === 'plain' || s.look.kind === 'indexed' || s.look.kind === 'no-index');
}

// ---------------------------------------------------------------------------------------------------------------
// Did you mean

/**
 * Word pairs with opposite or different meanings that are close in spelling: never proposed for each other.
 * Words that differ by a negating prefix (`safe`/`unsafe`, `allow`/`disallow`) are caught by `negates`.
 */
const OPPOSITES: readonly (readonly [string, string])[] = [
  ['white', 'black'], ['read', 'write'], ['white', 'write'], ['enable', 'disable'], ['enabled', 'disabled'], ['on', 'off'], ['up', 'down'],
  ['min', 'max'], ['start', 'stop'], ['primary', 'standby'], ['primary', 'replica'], ['master', 'slave'],
  ['lower', 'upper'], ['first', 'last'], ['in', 'out'], ['failover', 'failback'], ['include', 'exclude'],
  ['attach', 'detach'], ['local', 'remote'], ['before', 'after'], ['add', 'remove'], ['user', 'password'],
  ['cert', 'key'], ['cert', 'crl'], ['key', 'crl'], ['ca', 'crl'], ['host', 'port'], ['port', 'pool'],
];

const NEGATIONS = ['un', 'dis', 'non', 'no', 'de', 'in'];

/** Each pair of OPPOSITES both ways, as `a|b` (perf: looked up for every word pair a suggestion compares). */
const OPPOSITE_PAIRS = new Set(OPPOSITES.flatMap(([x, y]) => [`${x}|${y}`, `${y}|${x}`]));

function negates(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length < 3 || long.length === short.length) return false;
  return NEGATIONS.some(p => long.length === p.length + short.length && long.startsWith(p) && long.endsWith(short));
}

function opposite(a: string, b: string): boolean {
  return OPPOSITE_PAIRS.has(`${a}|${b}`) || negates(a, b);
}

/** Optimal string alignment distance (a transposition counts as one edit), stopping early above `max`. */
export function osaDistance(a: string, b: string, max: number): number {
  return editDistance(a, b, max, true);
}

/** A word without its plural ending (`children`, `childs` → `child`; `retries` → `retry`; `addresses` → `address`). */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ren')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** How many edits a word of this length may have and still be the same word misspelt. */
const allowedEdits = (len: number): number => (len <= 4 ? 1 : len <= 8 ? 2 : 3);

/**
 * The cost of reading word `a` as a misspelling of word `b`, or undefined when they are different words: opposites,
 * different numbers (`1st`/`2nd`), or too many edits for their length. A prefix of at least three letters is an
 * abbreviation (`dir`/`directory`, `addr`/`address`).
 */
function wordCost(a: string, b: string): number | undefined {
  if (a === b) return 0;
  if (opposite(a, b)) return undefined;
  if (/[0-9]/.test(a) || /[0-9]/.test(b)) return undefined;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 3 && long.startsWith(short)) return 1;
  if (stem(a) === stem(b)) return 1;
  // A different first letter is rarely a typo (`port`/`sort`, `memqcache`/`relcache`): then one edit at most, and
  // none in a short word.
  const allowed = a[0] === b[0] ? allowedEdits(long.length) : long.length <= 4 ? 0 : 1;
  const d = osaDistance(a, b, allowed);
  return d > allowed ? undefined : d;
}

/**
 * The cost of reading `key` as a misspelling of the parameter name `name`, or undefined when they differ by meaning.
 * Word by word (names are words joined by `_`): the same number of words, each the same word misspelt; or the same
 * letters with the underscores elsewhere (`backend_host_name`), with at most one typo besides.
 */
export function spellingCost(key: string, name: string): number | undefined {
  const a = key.toLowerCase();
  const b = name.toLowerCase();
  if (a === b) return 0;
  const wa = wordsOf(a);
  const wb = wordsOf(b);
  if (wa.length === wb.length) {
    let total = 0;
    for (let i = 0; i < wa.length; i++) {
      const c = wordCost(wa[i]!, wb[i]!);
      if (c === undefined) return undefined;
      total += c;
    }
    return total;
  }
  // Underscores moved, added or dropped: compare the letters, but never across words with opposite meanings. (Perf:
  // the letters first, which rules out almost every name at once, then the opposites.)
  const ja = wa.join('');
  const jb = wb.join('');
  if (Math.abs(ja.length - jb.length) > 1) return undefined;
  if (ja !== jb && (Math.abs(wa.length - wb.length) !== 1 || osaDistance(ja, jb, 1) > 1)) return undefined;
  if (wa.some(x => wb.some(y => opposite(x, y)))) return undefined;
  return ja === jb ? 0.5 : 1.5;
}

/** The words of a lower-case name, cached (the catalogue's names are split again for every key compared). */
const WORDS = new Map<string, readonly string[]>();
const WORDS_MAX = 4096;
function wordsOf(lower: string): readonly string[] {
  let w = WORDS.get(lower);
  if (!w) {
    w = lower.split('_').filter(x => x !== '');
    if (WORDS.size >= WORDS_MAX) WORDS.clear();
    WORDS.set(lower, w);
  }
  return w;
}

/** A name `key` may be a misspelling of, and how far it is (see `spellingCost`). */
export interface Suggestion { name: string; cost: number }

/**
 * The names of `version` that `key` is a misspelling of, best first (at most `limit`), as keys to write: a per-node
 * parameter keeps the key's node number (or gets `0`). Only names the version applies as they are: no alias, no
 * obsolete name, nothing of another version.
 */
export function suggestNames(cat: Catalogue, key: string, version: string, limit = 3): Suggestion[] {
  const { base, digits } = splitDigits(key);
  const scored: Suggestion[] = [];
  for (const name of cat.names) {
    if (!cat.inVersion(name, version)) continue;
    const cost = costFor(cat, key, base, digits, name, version);
    if (cost === undefined) continue;
    const p = cat.param(name, version)!;
    const full = p.array ? `${name}${digits || (p.noIndexDefault ? '' : '0')}` : name;
    if (full === key || !isCurrentName(cat, full, version) || scored.some(x => x.name === full)) continue;
    scored.push({ name: full, cost });
  }
  scored.sort((x, y) => x.cost - y.cost || x.name.localeCompare(y.name));
  return scored.slice(0, limit);
}

/**
 * A per-node name is compared without the node number; any other name with the key as written, and also without
 * trailing digits (`port0` is `port` with a stray number).
 */
function costFor(cat: Catalogue, key: string, base: string, digits: string, name: string, version: string): number | undefined {
  const array = cat.param(name, version)?.array ?? false;
  let cost = array ? spellingCost(base, name) : spellingCost(key, name);
  if (cost === undefined && !array && digits) cost = spellingCost(base, name);
  return cost;
}

/**
 * The closest name that `key` may be a misspelling of among the names `version` does not know: old names
 * (`black_funtion_list`), other programs' names, and other versions' parameters (`unix_socket_directory` in 4.3).
 */
export function suggestElsewhere(cat: Catalogue, key: string, version: string): Suggestion | undefined {
  const { base, digits } = splitDigits(key);
  let best: Suggestion | undefined;
  const consider = (name: string, cost: number | undefined): void => {
    if (cost !== undefined && cost > 0 && (!best || cost < best.cost)) best = { name, cost };
  };
  for (const [name, r] of Object.entries(OLD_NAMES)) consider(r.perNode ? `${name}${digits || '0'}` : name, r.perNode ? spellingCost(base, name) : spellingCost(key, name));
  for (const name of Object.keys(FOREIGN_NAMES)) consider(name, spellingCost(key, name));
  for (const name of cat.names) {
    if (cat.inVersion(name, version)) continue;
    const array = cat.param(name, version)!.array;
    consider(array ? `${name}${digits || '0'}` : name, costFor(cat, key, base, digits, name, version));
  }
  return best;
}
