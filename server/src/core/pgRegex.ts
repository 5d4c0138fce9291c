/**
 * What PostgreSQL's regular-expression compiler (Henry Spencer's ARE engine, src/backend/regex/regc_lex.c and
 * regcomp.c, `pg_regcomp(..., REG_ADVANCED)`) says about a pg_ident.conf pattern, without ever running it: a linear
 * scan that finds the compile errors PostgreSQL reports (with its own words) and counts the capturing groups for `\1`.
 * It is exact only where it says "error": anything it does not model (expanded syntax, collating elements, multi-digit
 * back references, escapes inside lookarounds) is `unknown`, and pgtls then says nothing. Each error case was checked
 * against PostgreSQL 15's `~` operator (same compiler and flags; test/unit/pgIdent.test.ts holds the cases; used by pg_ident.conf and by pg_hba.conf's `/regex` names).
 *
 * Where ARE differs from JavaScript (the traps this scan names): `\b` is a backspace, not a word boundary (`\y` is);
 * `\z`, `\k<name>`, `\p{…}` and named groups `(?<name>…)` do not exist; `{` not followed by a digit is a literal; an
 * embedded option such as `(?i)` is only allowed at the very start; a quantifier cannot follow another (`a**`).
 */

/** PostgreSQL's pg_regerror texts for the codes this scan can be sure of. */
export const REGEX_ERRORS = {
  EPAREN: 'parentheses () not balanced',
  EBRACK: 'brackets [] not balanced',
  EBRACE: 'braces {} not balanced',
  BADRPT: 'quantifier operand invalid',
  BADBR: 'invalid repetition count(s)',
  EESCAPE: 'invalid escape \\ sequence',
  ESUBREG: 'invalid backreference number',
  ERANGE: 'invalid character range',
  ECTYPE: 'invalid character class',
  BADOPT: 'invalid embedded option',
} as const;

export type RegexError = keyof typeof REGEX_ERRORS;

export type RegexVerdict =
  /** Compiles; `groups` capturing groups; `jsTraps` are offsets of `\b` (a backspace in ARE). */
  | { kind: 'ok'; groups: number; backspaces: number[]; anchoredStart: boolean; anchoredEnd: boolean }
  /** PostgreSQL refuses it: `at` is the offset in the pattern (after the leading `/`), `length` at least 1. */
  | { kind: 'error'; code: RegexError; message: string; at: number; length: number }
  /** Outside what this scan models: no verdict. */
  | { kind: 'unknown'; groups: number | undefined };

/** PostgreSQL's DUPMAX: the largest repetition count. */
const DUPMAX = 255;
/** Deeper nesting than this is left to PostgreSQL (no verdict), so that the scan's own recursion stays bounded. */
const MAX_DEPTH = 200;
const CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'xdigit', 'word']);
const OPTION_LETTERS = 'bceimnpqstwx';

class Fail {
  constructor(readonly code: RegexError | 'unknown', readonly at: number, readonly length = 1) {}
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);

type AtomKind = 'quantifiable' | 'constraint';

class Scanner {
  i = 0;
  /** Groups opened so far (PostgreSQL numbers them by their opening parenthesis). */
  opened = 0;
  /** Group numbers whose closing parenthesis has been read: a back reference may only name one of them. */
  readonly closed = new Set<number>();
  readonly backspaces: number[] = [];
  private lookaround = 0;

  constructor(readonly s: string) {}

  regex(depth: number): void {
    if (depth > MAX_DEPTH) throw new Fail('unknown', this.i);
    this.branch(depth);
    while (this.s[this.i] === '|') {
      this.i++;
      this.branch(depth);
    }
  }

  private branch(depth: number): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === undefined || c === '|' || c === ')') return;
      const kind = this.atom(depth);
      if (!this.atQuantifier()) continue;
      if (kind !== 'quantifiable') throw new Fail('BADRPT', this.i);
      this.quantifier();
      if (s[this.i] === '?') this.i++;
      if (this.atQuantifier()) throw new Fail('BADRPT', this.i);
    }
  }

  private atQuantifier(): boolean {
    const c = this.s[this.i];
    return c === '*' || c === '+' || c === '?' || (c === '{' && isDigit(this.s[this.i + 1]));
  }

  private quantifier(): void {
    const s = this.s;
    if (s[this.i] !== '{') { this.i++; return; }
    const open = this.i;
    this.i++;
    const m = this.number();
    let n = m;
    if (s[this.i] === ',') {
      this.i++;
      n = isDigit(s[this.i]) ? this.number() : Infinity;
    }
    if (s[this.i] !== '}') {
      // `a{1` ends the pattern inside the bound; anything else is a malformed count.
      throw new Fail(this.i >= s.length ? 'EBRACE' : 'BADBR', open, Math.max(1, this.i - open));
    }
    this.i++;
    if (m > DUPMAX || (n !== Infinity && (n > DUPMAX || m > n))) throw new Fail('BADBR', open, this.i - open);
  }

  private number(): number {
    let v = 0;
    while (isDigit(this.s[this.i])) {
      v = Math.min(v * 10 + Number(this.s[this.i]), 100000);
      this.i++;
    }
    return v;
  }

  private atom(depth: number): AtomKind {
    const s = this.s;
    const c = s[this.i]!;
    switch (c) {
      case '(': return this.group(depth);
      case '[': return this.bracket();
      case '\\': return this.escape();
      case '^': case '$': this.i++; return 'constraint';
      case '*': case '+': case '?': throw new Fail('BADRPT', this.i);
      case '{':
        if (isDigit(s[this.i + 1])) throw new Fail('BADRPT', this.i);
        this.i++;
        return 'quantifiable';
      default:
        this.i++;
        return 'quantifiable';
    }
  }

  private group(depth: number): AtomKind {
    const s = this.s;
    const open = this.i;
    let kind: AtomKind = 'quantifiable';
    let number = 0;
    if (s[this.i + 1] === '?') {
      const t = s[this.i + 2];
      if (t === ':') this.i += 3;
      else if (t === '=' || t === '!') { this.i += 3; kind = 'constraint'; }
      else if (t === '<' && (s[this.i + 3] === '=' || s[this.i + 3] === '!')) { this.i += 4; kind = 'constraint'; }
      else if (t === '#') throw new Fail('unknown', open);
      else throw new Fail('BADRPT', open + 1);
    } else {
      this.i++;
      number = ++this.opened;
    }
    if (kind === 'constraint') this.lookaround++;
    this.regex(depth + 1);
    if (kind === 'constraint') this.lookaround--;
    if (s[this.i] !== ')') throw new Fail('EPAREN', open);
    this.i++;
    if (number) this.closed.add(number);
    return kind;
  }

  private escape(): AtomKind {
    const s = this.s;
    const at = this.i;
    const e = s[this.i + 1];
    if (e === undefined) throw new Fail('EESCAPE', at);
    this.i += 2;
    if ('AZmMyY'.includes(e)) return 'constraint';
    if ('aBefnrtvdDsSwW'.includes(e)) return 'quantifiable';
    if (e === 'b') { this.backspaces.push(at); return 'quantifiable'; }
    if (e === 'c') {
      if (this.i >= s.length) throw new Fail('EESCAPE', at, 2);
      this.i++;
      return 'quantifiable';
    }
    if (e === 'x' || e === 'u' || e === 'U' || e === '0') {
      // Hexadecimal and octal character entries: their digit counts and limits are left to PostgreSQL.
      while (isHex(s[this.i])) this.i++;
      if (e === 'x' || e === 'u' || e === 'U') throw new Fail('unknown', at);
      return 'quantifiable';
    }
    if (isDigit(e)) {
      if (isDigit(s[this.i]) || this.lookaround > 0) throw new Fail('unknown', at);
      if (!this.closed.has(Number(e))) throw new Fail('ESUBREG', at, 2);
      return 'quantifiable';
    }
    if (isAlpha(e)) throw new Fail('EESCAPE', at, 2);
    return 'quantifiable';
  }

  private bracket(): AtomKind {
    const s = this.s;
    const open = this.i;
    if (s.startsWith('[[:<:]]', open) || s.startsWith('[[:>:]]', open)) { this.i += 7; return 'constraint'; }
    this.i++;
    if (s[this.i] === '^') this.i++;
    let first = true;
    // PostgreSQL reports a reversed range only once the bracket is closed (an unclosed one is "not balanced").
    let badRange: Fail | undefined;
    for (;;) {
      const c = s[this.i];
      if (c === undefined) throw new Fail('EBRACK', open);
      if (c === ']' && !first) {
        this.i++;
        if (badRange) throw badRange;
        return 'quantifiable';
      }
      if (badRange && c !== ']') throw new Fail('unknown', this.i);
      first = false;
      if (c === '[' && (s[this.i + 1] === '.' || s[this.i + 1] === '=')) throw new Fail('unknown', this.i);
      if (c === '[' && s[this.i + 1] === ':') {
        const end = s.indexOf(':]', this.i + 2);
        if (end < 0) throw new Fail('unknown', this.i);
        const name = s.slice(this.i + 2, end);
        if (!CLASSES.has(name)) throw new Fail('ECTYPE', this.i, end + 2 - this.i);
        this.i = end + 2;
        if (s[this.i] === '-' && s[this.i + 1] !== ']') throw new Fail('unknown', this.i);
        continue;
      }
      let code: number | undefined;
      const at = this.i;
      if (c === '\\') {
        const e = s[this.i + 1];
        if (e === undefined) throw new Fail('EBRACK', open);
        if ('dDsSwW'.includes(e)) { this.i += 2; if (s[this.i] === '-' && s[this.i + 1] !== ']') throw new Fail('unknown', this.i); continue; }
        if (!isAlpha(e) && !isDigit(e)) { code = e.codePointAt(0)!; this.i += 2; }
        else if ('aefnrtvB'.includes(e) || e === 'b') { code = ESCAPED[e]; this.i += 2; }
        else if (isAlpha(e) && !'cuUx'.includes(e)) throw new Fail('EESCAPE', at, 2);
        else throw new Fail('unknown', at);
      } else {
        code = s.codePointAt(this.i)!;
        this.i += code > 0xffff ? 2 : 1;
      }
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && s[this.i + 1] !== undefined) {
        // A range: its end is a plain character or a simple escape.
        this.i++;
        let end: number | undefined;
        const d = s[this.i]!;
        if (d === '[') throw new Fail('unknown', this.i);
        if (d === '\\') {
          const e = s[this.i + 1];
          if (e === undefined) throw new Fail('EBRACK', open);
          if (!isAlpha(e) && !isDigit(e)) end = e.codePointAt(0)!;
          else if ('aefnrtvBb'.includes(e)) end = ESCAPED[e];
          else throw new Fail('unknown', this.i);
          this.i += 2;
        } else {
          end = s.codePointAt(this.i)!;
          this.i += end > 0xffff ? 2 : 1;
        }
        if (end! < code!) badRange = new Fail('ERANGE', at, this.i - at);
        continue;
      }
    }
  }
}

const ESCAPED: Record<string, number> = { a: 7, b: 8, B: 92, e: 27, f: 12, n: 10, r: 13, t: 9, v: 11 };

/**
 * Judges `pattern` (the system-user or database-user field without its leading `/`) as PostgreSQL's compiler would.
 * Linear in the pattern's length; never runs the pattern.
 */
export function judgeRegex(pattern: string): RegexVerdict {
  let body = pattern;
  let base = 0;
  if (pattern.startsWith('***')) {
    if (pattern[3] === '=') return { kind: 'ok', groups: 0, backspaces: [], anchoredStart: false, anchoredEnd: false };
    if (pattern[3] !== ':') return { kind: 'unknown', groups: undefined };
    base = 4;
  }
  // Embedded options: only at the very start.
  if (body.startsWith('(?', base) && isAlpha(body[base + 2])) {
    let j = base + 2;
    let literal = false;
    while (j < body.length && body[j] !== ')') {
      const letter = body[j]!;
      if (!OPTION_LETTERS.includes(letter)) return fail(new Fail('BADOPT', j));
      if (letter === 'b' || letter === 'e' || letter === 'x') return { kind: 'unknown', groups: undefined };
      if (letter === 'q') literal = true;
      j++;
    }
    if (j >= body.length) return { kind: 'unknown', groups: undefined };
    if (literal) return { kind: 'ok', groups: 0, backspaces: [], anchoredStart: false, anchoredEnd: false };
    base = j + 1;
  }
  body = pattern;
  const sc = new Scanner(body);
  sc.i = base;
  try {
    sc.regex(0);
    if (sc.i < body.length) throw new Fail('EPAREN', sc.i); // a `)` without its `(`
  } catch (e) {
    if (e instanceof Fail) return fail(e, sc.opened);
    throw e;
  }
  const core = body.slice(base);
  return {
    kind: 'ok', groups: sc.opened, backspaces: sc.backspaces,
    anchoredStart: core.startsWith('^') || core.startsWith('\\A'),
    anchoredEnd: /(^|[^\\])(\\\\)*\$$/.test(core) || core.endsWith('\\Z'),
  };
}

function fail(f: Fail, groups?: number): RegexVerdict {
  if (f.code === 'unknown') return { kind: 'unknown', groups };
  return { kind: 'error', code: f.code, message: REGEX_ERRORS[f.code], at: f.at, length: Math.max(1, f.length) };
}
