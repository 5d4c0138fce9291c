/**
 * Which connections an HBA record matches, as sets that can be compared: whether every connection one record matches
 * is also matched by another (then, the first matching line winning, the later one can never be reached), and whether
 * an address range was clearly meant to be one of the RFC 1918 private blocks but is wider. Both servers match a
 * connection against the connection type, the client address, the database and the user (PostgreSQL's `check_hba`,
 * Pgpool-II's fork of it in pool_hba.c), and the method plays no part in matching.
 *
 * Every answer here is a certainty or "no": what cannot be decided from the file alone (`@file` lists, role
 * membership, regular expressions against names, host names against addresses, `samehost`/`samenet` against
 * numeric ranges) never counts as covered. Pure and bounded: the cost is linear in the tokens of the two records.
 */
import type { ConnType } from './catalogue';
import type { Dialect, HbaToken } from './lexer';
import type { HbaAddress, HbaRecord } from './model';

/**
 * Whether connection type `a` matches every connection type `b` matches. `host` matches every TCP connection;
 * `hostnossl` also matches GSSAPI-encrypted ones (they never use TLS) and `hostnogssenc` also TLS ones.
 */
export function typeCovers(a: ConnType, b: ConnType): boolean {
  if (a === b) return true;
  if (a === 'host') return b !== 'local';
  if (a === 'hostnossl') return b === 'hostgssenc';
  if (a === 'hostnogssenc') return b === 'hostssl';
  return false;
}

/** Whether a connection of type `t` can be a TLS connection. */
export function matchesTls(t: ConnType): boolean {
  return t === 'host' || t === 'hostssl' || t === 'hostnogssenc';
}

type Field = 'database' | 'user';

/**
 * What a database or user token stands for, as a key: `*` for the keyword `all`, `kw:…` for the other keywords,
 * `grp:…` for PostgreSQL role membership, `re:…` for a name starting with `/` (a regular expression from
 * PostgreSQL 16 on), `n:…` for a plain name; `undefined` for an `@file` list, whose names are unknown.
 */
function nameKey(t: HbaToken, field: Field, dialect: Dialect): string | undefined {
  if (t.include !== undefined) return undefined;
  if (!t.quoted) {
    const v = t.value;
    if (v === 'all') return '*';
    if (field === 'database') {
      if (v === 'sameuser') return 'kw:sameuser';
      if (v === 'samerole' || v === 'samegroup') return 'kw:samerole';
      if (v === 'replication' && dialect === 'postgres') return 'kw:replication';
    } else if (v.startsWith('+')) {
      return `grp:${v.slice(1)}`;
    }
    if (v.startsWith('/')) return `re:${v}`;
  }
  return `n:${t.value}`;
}

/**
 * The tokens of a field that can match. Pgpool-II's `check_db`/`check_user` stop at the first `samerole`/`samegroup`
 * (database) or `+group` (user) with "no match", so in pool_hba.conf only the tokens before it count; an `@file` may
 * hold such a token, so nothing after an `@file` is counted on either.
 */
export function effectiveTokens(dialect: Dialect, tokens: readonly HbaToken[], field: Field): readonly HbaToken[] {
  if (dialect !== 'pgpool') return tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.include !== undefined) return tokens.slice(0, i + 1);
    if (t.quoted) continue;
    if (field === 'database' ? t.value === 'samerole' || t.value === 'samegroup' : t.value.startsWith('+')) return tokens.slice(0, i);
  }
  return tokens;
}

/** Whether a record can match any connection at all (pool_hba.conf lines cut to nothing by group tokens cannot). */
export function canMatch(dialect: Dialect, r: HbaRecord): boolean {
  return effectiveTokens(dialect, r.databases, 'database').length > 0 && effectiveTokens(dialect, r.users, 'user').length > 0;
}

/** The names of one field as keys: what an earlier line offers, and the list a later line needs covered. */
interface NameSet {
  /** Every known key (a set only for long lists: most fields hold one or two tokens). */
  keys: readonly string[] | ReadonlySet<string>;
  /** The field holds `all`. */
  all: boolean;
  /** Undefined when a token's names are unknown (`@file`) or no token can match. */
  list: readonly string[] | undefined;
}

function nameSet(dialect: Dialect, tokens: readonly HbaToken[], field: Field): NameSet {
  const list: string[] = [];
  let unknown = false;
  for (const t of effectiveTokens(dialect, tokens, field)) {
    const k = nameKey(t, field, dialect);
    if (k === undefined) unknown = true;
    else list.push(k);
  }
  return { keys: list.length > 8 ? new Set(list) : list, all: list.includes('*'), list: unknown || list.length === 0 ? undefined : list };
}

const has = (keys: NameSet['keys'], k: string): boolean => (Array.isArray(keys) ? keys.includes(k) : (keys as ReadonlySet<string>).has(k));

/**
 * Whether the names of `earlier` include every name `later` matches. `all` covers everything except PostgreSQL's
 * `replication` keyword (physical replication connections match only `replication`); any other token covers only
 * itself. An `@file` in `later` makes the answer "no".
 */
function setCovers(earlier: NameSet, later: NameSet): boolean {
  if (!later.list) return false;
  for (const k of later.list) {
    if ((earlier.all && k !== 'kw:replication') || has(earlier.keys, k)) continue;
    return false;
  }
  return true;
}

/** Whether the names of `earlier` include every name `later` matches (see `setCovers`). */
export function namesCover(dialect: Dialect, earlier: readonly HbaToken[], later: readonly HbaToken[], field: Field): boolean {
  return setCovers(nameSet(dialect, earlier, field), nameSet(dialect, later, field));
}

/**
 * Whether address `a` includes every client address `b` can match. `all` includes everything; `samehost` and
 * `samenet` only themselves; a host name itself (case-insensitively) and, when it starts with a dot, every name
 * ending with it; a numeric range every range of the same family inside it (masks that are not a prefix, and IPv6
 * zones, are left undecided).
 */
export function addressCovers(a: HbaAddress | undefined, b: HbaAddress | undefined): boolean {
  if (!a || !b) return false;
  if (a.kind === 'all') return true;
  if (a.kind === 'samehost' || a.kind === 'samenet') return b.kind === a.kind;
  if (a.kind === 'hostname') {
    if (b.kind !== 'hostname') return false;
    const x = a.token.value.toLowerCase();
    const y = b.token.value.toLowerCase();
    return x === y || (x.startsWith('.') && y.endsWith(x));
  }
  if (b.kind !== 'ip') return false;
  return rangeCovers(a, b);
}

function rangeCovers(a: HbaAddress, b: HbaAddress): boolean {
  if (!a.ip || !b.ip || !a.mask || !b.mask || a.bits === undefined || b.bits === undefined) return false;
  if (a.ip.family !== b.ip.family || a.ip.scope !== undefined || b.ip.scope !== undefined || a.bits > b.bits) return false;
  return sameNetwork(a.ip.bytes, b.ip.bytes, a.mask);
}

/** Whether `x` and `y` agree on every bit of `mask` (the servers' `(client ^ network) & mask == 0`); no allocation. */
function sameNetwork(x: readonly number[], y: readonly number[], mask: readonly number[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (((x[i]! ^ y[i]!) & (mask[i] ?? 0)) !== 0) return false;
  return true;
}

/** Whether a numeric address (4 or 16 bytes) lies in the record's numeric range. */
export function rangeContains(a: HbaAddress, bytes: readonly number[]): boolean {
  if (a.kind !== 'ip' || !a.ip || !a.mask || a.ip.scope !== undefined) return false;
  return sameNetwork(a.ip.bytes, bytes, a.mask);
}

/** What a record matches, prepared once so that comparing two records costs no allocation. */
export interface MatchSet {
  record: HbaRecord;
  databases: NameSet;
  users: NameSet;
}

export function matchSet(dialect: Dialect, r: HbaRecord): MatchSet {
  return { record: r, databases: nameSet(dialect, r.databases, 'database'), users: nameSet(dialect, r.users, 'user') };
}

/**
 * Whether `earlier` matches every connection `later` matches: connection type (unless `ignoreType`), address,
 * database and user. `ignoreType` compares the rest only (the certificate-order check restricts the types itself).
 */
export function covers(earlier: MatchSet, later: MatchSet, ignoreType = false): boolean {
  const a = earlier.record;
  const b = later.record;
  if (!ignoreType && !typeCovers(a.conn, b.conn)) return false;
  const socket = a.conn === 'local';
  if (socket !== (b.conn === 'local')) return false;
  if (!socket && !addressCovers(a.address, b.address)) return false;
  return setCovers(earlier.databases, later.databases) && setCovers(earlier.users, later.users);
}

/** `covers` on two records. */
export function recordCovers(dialect: Dialect, earlier: HbaRecord, later: HbaRecord, ignoreType = false): boolean {
  return covers(matchSet(dialect, earlier), matchSet(dialect, later), ignoreType);
}

/** An RFC 1918 block: its network, prefix length and netmask as written in messages and fixes. */
export interface PrivateBlock {
  network: string;
  bits: number;
  mask: string;
  bytes: readonly number[];
}

const BLOCKS: Record<'10' | '172' | '192', PrivateBlock> = {
  10: { network: '10.0.0.0', bits: 8, mask: '255.0.0.0', bytes: [10, 0, 0, 0] },
  172: { network: '172.16.0.0', bits: 12, mask: '255.240.0.0', bytes: [172, 16, 0, 0] },
  192: { network: '192.168.0.0', bits: 16, mask: '255.255.0.0', bytes: [192, 168, 0, 0] },
};

/**
 * The private block a numeric IPv4 range was clearly meant to be, when the range is wider than that block (and so
 * also covers public addresses): the address is written inside the block (`10.…`, `172.…`, `192.168.…`) but the prefix
 * is shorter than the block's (`10.0.0.0/4`, `172.16.0.0/8`, `172.0.0.0/8`, `192.168.0.0/8`). A `172.…` range counts
 * only when it contains the whole 172.16.0.0/12 block. Undefined otherwise.
 */
export function widerThanPrivateBlock(a: HbaAddress): PrivateBlock | undefined {
  if (a.kind !== 'ip' || !a.ip || a.ip.family !== 4 || a.bits === undefined || !a.mask) return undefined;
  const [b0, b1] = a.ip.bytes;
  let block: PrivateBlock | undefined;
  if (b0 === 10) block = BLOCKS[10];
  else if (b0 === 172) block = BLOCKS[172];
  else if (b0 === 192 && b1 === 168) block = BLOCKS[192];
  if (!block || a.bits >= block.bits) return undefined;
  return rangeContains(a, block.bytes) ? block : undefined;
}
