/**
 * An evaluator for OpenSSL cipher strings (the value of `ssl_ciphers`), following what `SSL_CTX_set_cipher_list`
 * does in OpenSSL 3.0 (ssl/ssl_ciph.c, `ssl_create_cipher_list`): the same default preference order, the same
 * alias table, the same handling of `!`, `-`, `+`, `@STRENGTH`, `@SECLEVEL=n`, `A+B` combinations and of words it
 * does not know (ignored). It covers TLS 1.2-and-older suites only: TLS 1.3 suites are set with a different call,
 * which Pgpool-II never makes. The data comes from `schemas/openssl-ciphers.json`.
 */

export interface CipherSuite {
  name: string;
  /** IANA/RFC name. */
  std: string;
  id: number;
  kx: number;
  au: number;
  enc: number;
  mac: number;
  /** Lowest protocol version (wire number, e.g. 0x303 for TLS 1.2). */
  minTls: number;
  strength: number;
  /** Security bits OpenSSL assigns (112 for 3DES). */
  bits: number;
  /** Present only in OpenSSL builds that keep weak suites (1.1.1, or 3.x built with enable-weak-ssl-ciphers). */
  weakBuild: boolean;
}

interface Alias {
  name: string;
  kx: number;
  au: number;
  enc: number;
  mac: number;
  minTls: number;
  strength: number;
}

/** The cipher table compiled from the JSON data, with the bit values needed by callers. */
export interface CipherCatalog {
  suites: readonly CipherSuite[];
  aliases: readonly Alias[];
  byName: ReadonlyMap<string, CipherSuite>;
  bits: { kx: Record<string, number>; au: Record<string, number>; enc: Record<string, number>; mac: Record<string, number>; strength: Record<string, number> };
  unavailable: { kx: number; au: number; enc: number; mac: number };
  defaultCipherList: string;
  suiteB: Record<string, string>;
  tls13Suites: readonly string[];
  /** Every alias name (for did-you-mean suggestions). */
  keywords: readonly string[];
}

interface RawData {
  bits: CipherCatalog['bits'];
  protocols: Record<string, number>;
  unavailable: Record<'kx' | 'au' | 'enc' | 'mac', string[]>;
  defaultCipherList: string;
  suiteB: Record<string, string>;
  tls13Suites: string[];
  aliases: { name: string; kx?: string[]; au?: string[]; enc?: string[]; mac?: string[]; minTls?: string; strength?: string[] }[];
  ciphers: { name: string; std: string; id: string; kx: string | string[]; au: string | string[]; enc: string | string[]; mac: string | string[]; minTls: string; strength: string[]; bits: number; weakBuild?: boolean }[];
}

const compiled = new WeakMap<object, CipherCatalog>();

/** Builds the catalogue from `openssl-ciphers.json` (cached per loaded object). */
export function cipherCatalog(json: unknown): CipherCatalog {
  const key = json as object;
  const hit = compiled.get(key);
  if (hit) return hit;
  const raw = json as RawData;
  const mask = (table: Record<string, number>, names: string | string[] | undefined): number => {
    if (names === undefined) return 0;
    let v = 0;
    for (const n of Array.isArray(names) ? names : [names]) {
      const neg = n.startsWith('~');
      const bit = table[neg ? n.slice(1) : n];
      if (bit === undefined) throw new Error(`openssl-ciphers.json: unknown bit ${n}`);
      v |= neg ? ~bit : bit;
    }
    return v >>> 0;
  };
  const suites: CipherSuite[] = raw.ciphers.map(c => ({
    name: c.name, std: c.std, id: parseInt(c.id, 16),
    kx: mask(raw.bits.kx, c.kx), au: mask(raw.bits.au, c.au), enc: mask(raw.bits.enc, c.enc), mac: mask(raw.bits.mac, c.mac),
    minTls: raw.protocols[c.minTls] ?? 0, strength: mask(raw.bits.strength, c.strength), bits: c.bits, weakBuild: c.weakBuild === true,
  }));
  const aliases: Alias[] = raw.aliases.map(a => ({
    name: a.name, kx: mask(raw.bits.kx, a.kx), au: mask(raw.bits.au, a.au), enc: mask(raw.bits.enc, a.enc), mac: mask(raw.bits.mac, a.mac),
    minTls: a.minTls ? raw.protocols[a.minTls] ?? 0 : 0, strength: mask(raw.bits.strength, a.strength),
  }));
  const cat: CipherCatalog = {
    suites, aliases,
    byName: new Map(suites.map(s => [s.name, s])),
    bits: raw.bits,
    unavailable: {
      kx: mask(raw.bits.kx, raw.unavailable.kx), au: mask(raw.bits.au, raw.unavailable.au),
      enc: mask(raw.bits.enc, raw.unavailable.enc), mac: mask(raw.bits.mac, raw.unavailable.mac),
    },
    defaultCipherList: raw.defaultCipherList,
    suiteB: raw.suiteB,
    tls13Suites: raw.tls13Suites,
    keywords: aliases.map(a => a.name),
  };
  compiled.set(key, cat);
  return cat;
}

export interface CipherStringOptions {
  /** Also include the suites that only builds with weak ciphers have (e.g. 3DES on OpenSSL 1.1.1). */
  weakBuild?: boolean;
}

/** A word OpenSSL skipped because it names no suite or alias it has (or a combination that matches nothing). */
export interface IgnoredWord {
  text: string;
  /** Offset in the cipher string. */
  start: number;
  end: number;
  /** What the word was meant to do: add suites, kill (`!`), delete (`-`) or move them (`+`). */
  action: 'add' | 'kill' | 'delete' | 'order';
}

export interface CipherStringResult {
  /** Whether `SSL_CTX_set_cipher_list` accepts the string. */
  ok: boolean;
  /** Why it was refused: a character OpenSSL cannot parse, a bad `@` command, or an empty resulting list. */
  error?: { kind: 'invalid-command' | 'bad-special' | 'no-match'; start: number; end: number };
  /** The resulting TLS 1.2-and-older suites, most preferred first. */
  suites: CipherSuite[];
  /** The `@SECLEVEL=n` the string sets, if any. */
  secLevel?: number;
  ignored: IgnoredWord[];
}

const CIPHER_ADD = 1, CIPHER_KILL = 2, CIPHER_DEL = 3, CIPHER_ORD = 4, CIPHER_SPECIAL = 5, CIPHER_BUMP = 6;
const STRONG_MASK = 0x1f, DEFAULT_MASK = 0x20;
const TLS1_2 = 0x303;

interface Node { c: CipherSuite; active: boolean; prev: Node | null; next: Node | null }
interface List { head: Node | null; tail: Node | null }

// appendTail and appendHead mirror each other on purpose: they follow OpenSSL's ll_append_tail and ll_append_head
// line for line, so that the emulation can be compared with OpenSSL's source.
function appendTail(l: List, curr: Node): void {
  if (curr === l.tail) return;
  if (curr === l.head) l.head = curr.next;
  if (curr.prev) curr.prev.next = curr.next;
  if (curr.next) curr.next.prev = curr.prev;
  l.tail!.next = curr;
  curr.prev = l.tail;
  curr.next = null;
  l.tail = curr;
}

function appendHead(l: List, curr: Node): void {
  if (curr === l.head) return;
  if (curr === l.tail) l.tail = curr.prev;
  if (curr.next) curr.next.prev = curr.prev;
  if (curr.prev) curr.prev.next = curr.next;
  l.head!.prev = curr;
  curr.next = l.head;
  curr.prev = null;
  l.head = curr;
}

interface Pattern { id: number; kx: number; au: number; enc: number; mac: number; minTls: number; strength: number }
const ANY: Pattern = { id: 0, kx: 0, au: 0, enc: 0, mac: 0, minTls: 0, strength: 0 };

/** One rule over the list, exactly as `ssl_cipher_apply_rule` walks and moves nodes. */
function applyRule(l: List, p: Pattern, rule: number, strengthBits = -1): void {
  if (!l.head) return;
  const reverse = rule === CIPHER_DEL || rule === CIPHER_BUMP;
  let next: Node | null = reverse ? l.tail : l.head;
  const last = reverse ? l.head : l.tail;
  let curr: Node | null = null;
  for (;;) {
    if (curr === last) break;
    curr = next;
    if (!curr) break;
    next = reverse ? curr.prev : curr.next;
    const c = curr.c;
    if (strengthBits >= 0) {
      if (strengthBits !== c.bits) continue;
    } else {
      if (p.id !== 0 && p.id !== c.id) continue;
      if (p.kx && !(p.kx & c.kx)) continue;
      if (p.au && !(p.au & c.au)) continue;
      if (p.enc && !(p.enc & c.enc)) continue;
      if (p.mac && !(p.mac & c.mac)) continue;
      if (p.minTls && p.minTls !== c.minTls) continue;
      if ((p.strength & STRONG_MASK) && !(p.strength & STRONG_MASK & c.strength)) continue;
      if ((p.strength & DEFAULT_MASK) && !(p.strength & DEFAULT_MASK & c.strength)) continue;
    }
    if (rule === CIPHER_ADD) {
      if (!curr.active) { appendTail(l, curr); curr.active = true; }
    } else if (rule === CIPHER_ORD) {
      if (curr.active) appendTail(l, curr);
    } else if (rule === CIPHER_DEL) {
      if (curr.active) { appendHead(l, curr); curr.active = false; }
    } else if (rule === CIPHER_BUMP) {
      if (curr.active) appendHead(l, curr);
    } else if (rule === CIPHER_KILL) {
      if (l.head === curr) l.head = curr.next;
      else curr.prev!.next = curr.next;
      if (l.tail === curr) l.tail = curr.prev;
      curr.active = false;
      if (curr.next) curr.next.prev = curr.prev;
      if (curr.prev) curr.prev.next = curr.next;
      curr.next = null;
      curr.prev = null;
    }
  }
}

function strengthSort(l: List): void {
  const used = new Set<number>();
  for (let n = l.head; n; n = n.next) if (n.active) used.add(n.c.bits);
  for (const bits of [...used].sort((a, b) => b - a)) applyRule(l, ANY, CIPHER_ORD, bits);
}

const isSep = (ch: string): boolean => ch === ':' || ch === ' ' || ch === ';' || ch === ',';
const isWordChar = (ch: string): boolean => /^[A-Za-z0-9.=-]$/.test(ch);

interface Entry { name: string; suite?: CipherSuite; kx: number; au: number; enc: number; mac: number; minTls: number; strength: number }

interface Run {
  list: List;
  lookup: Map<string, Entry>;
  ignored: IgnoredWord[];
  secLevel?: number;
  error?: CipherStringResult['error'];
}

/** `ssl_cipher_process_rulestr`; `base` maps positions in `s` back to the user's string (-1: not from the user). */
function processRules(run: Run, s: string, base: number): boolean {
  let ok = true;
  let i = 0;
  const at = (k: number): string => (k < s.length ? s[k]! : '\0');
  const abs = (k: number): number => (base < 0 ? 0 : base + k);
  for (;;) {
    let ch = at(i);
    if (ch === '\0') break;
    let rule: number;
    if (ch === '-') { rule = CIPHER_DEL; i++; }
    else if (ch === '+') { rule = CIPHER_ORD; i++; }
    else if (ch === '!') { rule = CIPHER_KILL; i++; }
    else if (ch === '@') { rule = CIPHER_SPECIAL; i++; }
    else rule = CIPHER_ADD;
    if (isSep(ch)) { i++; continue; }

    const pat: Pattern = { ...ANY };
    let found = false;
    let word = '';
    let wordStart = i;
    const itemStart = i;
    for (;;) {
      ch = at(i);
      wordStart = i;
      while (isWordChar(ch)) ch = at(++i);
      word = s.slice(wordStart, i);
      if (word.length === 0) {
        // Point at the offending character, or at the last one when the string ends where a name was expected.
        const at = i < s.length ? i : Math.max(0, s.length - 1);
        run.error ??= { kind: 'invalid-command', start: abs(at), end: abs(Math.min(at + 1, s.length)) };
        return false;
      }
      if (rule === CIPHER_SPECIAL) break;
      const multi = ch === '+';
      if (multi) i++;
      const e = run.lookup.get(word);
      found = false;
      if (!e) break;
      if (e.kx) { if (pat.kx) { pat.kx = (pat.kx & e.kx) >>> 0; if (!pat.kx) break; } else pat.kx = e.kx; }
      if (e.au) { if (pat.au) { pat.au = (pat.au & e.au) >>> 0; if (!pat.au) break; } else pat.au = e.au; }
      if (e.enc) { if (pat.enc) { pat.enc = (pat.enc & e.enc) >>> 0; if (!pat.enc) break; } else pat.enc = e.enc; }
      if (e.mac) { if (pat.mac) { pat.mac = (pat.mac & e.mac) >>> 0; if (!pat.mac) break; } else pat.mac = e.mac; }
      if (e.strength & STRONG_MASK) {
        if (pat.strength & STRONG_MASK) {
          pat.strength &= (e.strength & STRONG_MASK) | ~STRONG_MASK;
          if (!(pat.strength & STRONG_MASK)) break;
        } else pat.strength = e.strength & STRONG_MASK;
      }
      if (e.strength & DEFAULT_MASK) {
        if (pat.strength & DEFAULT_MASK) {
          pat.strength &= (e.strength & DEFAULT_MASK) | ~DEFAULT_MASK;
          if (!(pat.strength & DEFAULT_MASK)) break;
        } else pat.strength |= e.strength & DEFAULT_MASK;
      }
      if (e.suite) pat.id = e.suite.id;
      else if (e.minTls) {
        if (pat.minTls !== 0 && pat.minTls !== e.minTls) break;
        pat.minTls = e.minTls;
      }
      found = true;
      if (!multi) break;
    }

    if (rule === CIPHER_SPECIAL) {
      let good = false;
      if (word === 'STRENGTH') { strengthSort(run.list); good = true; }
      else if (word.length === 10 && word.startsWith('SECLEVEL=')) {
        const level = word.charCodeAt(9) - 48;
        if (level >= 0 && level <= 5) { run.secLevel = level; good = true; }
      }
      if (!good) {
        ok = false;
        run.error ??= { kind: 'bad-special', start: abs(itemStart - 1), end: abs(i) };
      }
      while (i < s.length && !isSep(s[i]!)) i++;
    } else if (found) {
      applyRule(run.list, pat, rule);
    } else {
      while (i < s.length && !isSep(s[i]!)) i++;
      const action = rule === CIPHER_KILL ? 'kill' : rule === CIPHER_DEL ? 'delete' : rule === CIPHER_ORD ? 'order' : 'add';
      if (base >= 0) run.ignored.push({ text: s.slice(itemStart, i), start: abs(itemStart), end: abs(i), action });
    }
    if (i >= s.length) break;
  }
  return ok;
}

/**
 * Evaluates a cipher string the way OpenSSL 3.0 (default build, default provider) does for `SSL_CTX_set_cipher_list`.
 * Pure: no I/O, deterministic.
 */
export function evaluateCipherString(cat: CipherCatalog, input: string, opts: CipherStringOptions = {}): CipherStringResult {
  const un = cat.unavailable;
  // Suite B keywords at the very start replace the whole string (`check_suiteb_cipher_list`).
  let rules = input;
  let userBase = 0;
  for (const key of ['SUITEB128ONLY', 'SUITEB128C2', 'SUITEB128', 'SUITEB192']) {
    if (input.startsWith(key)) { rules = cat.suiteB[key]!; userBase = -1; break; }
  }

  // The compiled-in suites, minus those using an unavailable algorithm, in `ssl3_get_cipher` order (table reversed).
  const nodes: Node[] = [];
  for (let k = cat.suites.length - 1; k >= 0; k--) {
    const c = cat.suites[k]!;
    if (c.weakBuild && !opts.weakBuild) continue;
    if ((c.kx & un.kx) || (c.au & un.au) || (c.enc & un.enc) || (c.mac & un.mac)) continue;
    nodes.push({ c, active: false, prev: null, next: null });
  }
  nodes.forEach((n, k) => { n.prev = nodes[k - 1] ?? null; n.next = nodes[k + 1] ?? null; });
  const list: List = { head: nodes[0] ?? null, tail: nodes[nodes.length - 1] ?? null };

  // OpenSSL's default preference order (ssl_create_cipher_list), before any user rule.
  const b = cat.bits;
  const P = (p: Partial<Pattern>): Pattern => ({ ...ANY, ...p });
  const aes = b.enc.AES128! | b.enc.AES256! | b.enc.AES128GCM! | b.enc.AES256GCM! | b.enc.AES128CCM! | b.enc.AES256CCM! | b.enc.AES128CCM8! | b.enc.AES256CCM8!;
  const aesgcm = b.enc.AES128GCM! | b.enc.AES256GCM!;
  applyRule(list, P({ kx: b.kx.kECDHE!, au: b.au.aECDSA! }), CIPHER_ADD);
  applyRule(list, P({ kx: b.kx.kECDHE! }), CIPHER_ADD);
  applyRule(list, P({ kx: b.kx.kECDHE! }), CIPHER_DEL);
  applyRule(list, P({ enc: aesgcm }), CIPHER_ADD);
  applyRule(list, P({ enc: b.enc.CHACHA20POLY1305! }), CIPHER_ADD);
  applyRule(list, P({ enc: (aes ^ aesgcm) >>> 0 }), CIPHER_ADD);
  applyRule(list, ANY, CIPHER_ADD);
  applyRule(list, P({ mac: b.mac.MD5! }), CIPHER_ORD);
  applyRule(list, P({ au: b.au.aNULL! }), CIPHER_ORD);
  applyRule(list, P({ kx: b.kx.kRSA! }), CIPHER_ORD);
  applyRule(list, P({ kx: b.kx.kPSK! }), CIPHER_ORD);
  applyRule(list, P({ enc: b.enc.RC4! }), CIPHER_ORD);
  strengthSort(list);
  applyRule(list, P({ minTls: TLS1_2 }), CIPHER_BUMP);
  applyRule(list, P({ mac: b.mac.AEAD! }), CIPHER_BUMP);
  applyRule(list, P({ kx: b.kx.kDHE! | b.kx.kECDHE! }), CIPHER_BUMP);
  applyRule(list, P({ kx: b.kx.kDHE! | b.kx.kECDHE!, mac: b.mac.AEAD! }), CIPHER_BUMP);
  applyRule(list, ANY, CIPHER_DEL);

  // Names the string may use: the suites (in list order), then the aliases whose algorithms are available.
  const lookup = new Map<string, Entry>();
  for (let n = list.head; n; n = n.next) if (!lookup.has(n.c.name)) lookup.set(n.c.name, { ...n.c, name: n.c.name, suite: n.c });
  for (const a of cat.aliases) {
    if (a.kx && !(a.kx & ~un.kx)) continue;
    if (a.au && !(a.au & ~un.au)) continue;
    if (a.enc && !(a.enc & ~un.enc)) continue;
    if (a.mac && !(a.mac & ~un.mac)) continue;
    if (!lookup.has(a.name)) lookup.set(a.name, { ...a });
  }

  const run: Run = { list, lookup, ignored: [] };
  let ok = true;
  let rest = rules;
  let restBase = userBase;
  if (rules.startsWith('DEFAULT')) {
    ok = processRules(run, cat.defaultCipherList, -1);
    rest = rules.slice(7);
    restBase = userBase < 0 ? -1 : 7;
    if (rest.startsWith(':')) { rest = rest.slice(1); if (restBase >= 0) restBase++; }
  }
  if (ok && rest.length > 0) ok = processRules(run, rest, restBase);

  const suites: CipherSuite[] = [];
  for (let n = list.head; n; n = n.next) if (n.active) suites.push(n.c);
  const result: CipherStringResult = { ok: ok && suites.length > 0, suites, ignored: run.ignored };
  if (run.secLevel !== undefined) result.secLevel = run.secLevel;
  if (!ok) result.error = run.error ?? { kind: 'invalid-command', start: 0, end: input.length };
  else if (suites.length === 0) result.error = { kind: 'no-match', start: 0, end: input.length };
  return result;
}

/**
 * Whether OpenSSL's default security callback lets a suite be negotiated at `level` (ssl_security_default_callback,
 * SSL_SECOP_CIPHER_*): minimum bits 80/112/128/192/256 for levels 1-5, no anonymous suites and no MD5 MAC from level 1,
 * no SHA-1 MAC from level 4, forward secrecy from level 3.
 */
export function allowedAtSecLevel(cat: CipherCatalog, c: CipherSuite, level: number): boolean {
  if (level <= 0) return true;
  const minBits = [80, 112, 128, 192, 256][Math.min(level, 5) - 1]!;
  const b = cat.bits;
  if (c.bits < minBits) return false;
  if (c.au & b.au.aNULL!) return false;
  if (c.mac & b.mac.MD5!) return false;
  if (minBits > 160 && (c.mac & b.mac.SHA1!)) return false;
  const pfs = b.kx.kDHE! | b.kx.kECDHE! | b.kx.kDHEPSK! | b.kx.kECDHEPSK!;
  if (level >= 3 && !(c.kx & pfs)) return false;
  return true;
}

/** The weak parts of a suite, as words for a message: `3DES`, `RC4`, `NULL encryption`, `anonymous`, `MD5`. */
export function weaknesses(cat: CipherCatalog, c: CipherSuite): string[] {
  const b = cat.bits;
  const out: string[] = [];
  if (c.enc & b.enc['3DES']!) out.push('3DES');
  if (c.enc & (b.enc.RC4! | b.enc.RC2! | b.enc.DES!)) out.push('RC4/RC2/DES');
  if (c.enc & b.enc.eNULL!) out.push('no encryption');
  if (c.au & b.au.aNULL!) out.push('no authentication');
  if (c.mac & b.mac.MD5!) out.push('MD5');
  return out;
}
