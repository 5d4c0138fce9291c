/**
 * PostgreSQL's postgresql.conf lexer (src/backend/utils/misc/guc-file.l, unchanged from 15 to 17), rule for rule.
 * Flex picks the longest match and, on a tie, the earliest rule; the rules in order are:
 *
 *   \n → EOL · [ \t\r]+ skipped · #.* comment · ID · QUALIFIED_ID · STRING · UNQUOTED_STRING · INTEGER · REAL · = ·
 *   any other character → error
 *
 *   ID              {LETTER}{LETTER_OR_DIGIT}*          LETTER = [A-Za-z_\200-\377]
 *   QUALIFIED_ID    {ID}"."{ID}
 *   UNQUOTED_STRING {LETTER}({LETTER_OR_DIGIT}|[-._:/])*
 *   STRING          \'([^'\\\n]|\\.|\'\')*\'
 *   INTEGER         {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}*
 *   REAL            {SIGN}?{DIGIT}*"."{DIGIT}*{EXPONENT}?
 *
 * Consequences: `1e3` is the INTEGER `1e` and then the INTEGER `3`; `1.5MB` is the REAL `1.5` and the ID `MB`; a lone
 * `-` or `/` is an error token; `a.b.c` is one UNQUOTED_STRING (no name). PostgreSQL reads bytes: every byte of a
 * non-ASCII UTF-8 character (a byte-order mark included) is a LETTER, so here every UTF-16 unit from U+0080 up is one.
 * The scanner allocates nothing and is linear in the text length.
 */

export const enum Tok {
  Id = 1,
  QualifiedId = 2,
  String = 3,
  Unquoted = 4,
  Integer = 5,
  Real = 6,
  Equals = 7,
  Eol = 8,
  Error = 9,
  Eof = 10,
}

export function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetterOrDigit(c: number): boolean {
  return isLetter(c) || isDigit(c);
}
function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
/** `-._:/`, the extra characters of UNQUOTED_STRING. */
function isUnquotedExtra(c: number): boolean {
  return c === 45 || c === 46 || c === 95 || c === 58 || c === 47;
}

export class Lexer {
  /** Start and end offsets of the last token returned by `next()`. */
  start = 0;
  end = 0;
  private pos: number;

  constructor(private readonly text: string, from = 0, private readonly limit = text.length) {
    this.pos = from;
  }

  next(): Tok {
    const t = this.text;
    const limit = this.limit;
    let p = this.pos;
    for (;;) {
      if (p >= limit) {
        this.start = this.end = this.pos = limit;
        return Tok.Eof;
      }
      const c = t.charCodeAt(p);
      if (c === 10) return this.emit(p, p + 1, Tok.Eol);
      if (c === 32 || c === 9 || c === 13) { p++; continue; }
      if (c === 35) {
        const nl = t.indexOf('\n', p);
        p = nl < 0 || nl > limit ? limit : nl;
        continue;
      }
      break;
    }
    const c = t.charCodeAt(p);
    if (isLetter(c)) return this.word(p);
    if (c === 39) {
      const e = this.stringEnd(p);
      return e > 0 ? this.emit(p, e, Tok.String) : this.emit(p, p + 1, Tok.Error);
    }
    if (isDigit(c) || c === 43 || c === 45 || c === 46) {
      const i = this.integerEnd(p);
      const r = this.realEnd(p);
      if (i > p || r > p) return r > i ? this.emit(p, r, Tok.Real) : this.emit(p, i, Tok.Integer);
      return this.emit(p, p + 1, Tok.Error);
    }
    if (c === 61) return this.emit(p, p + 1, Tok.Equals);
    // `.` in flex: one character; a surrogate pair is two bytes-worth of letters above, so this is one unit.
    return this.emit(p, p + 1, Tok.Error);
  }

  private emit(s: number, e: number, k: Tok): Tok {
    this.start = s;
    this.end = e;
    this.pos = e;
    return k;
  }

  /** ID, QUALIFIED_ID or UNQUOTED_STRING from a letter at `p`: the longest, the earlier rule on a tie. */
  private word(p: number): Tok {
    const t = this.text;
    const lim = this.limit;
    let k = p + 1;
    while (k < lim && isLetterOrDigit(t.charCodeAt(k))) k++;
    let u = k;
    while (u < lim && (isLetterOrDigit(t.charCodeAt(u)) || isUnquotedExtra(t.charCodeAt(u)))) u++;
    if (u === k) return this.emit(p, k, Tok.Id);
    if (t.charCodeAt(k) === 46 && k + 1 < lim && isLetter(t.charCodeAt(k + 1))) {
      let q = k + 2;
      while (q < lim && isLetterOrDigit(t.charCodeAt(q))) q++;
      if (q === u) return this.emit(p, q, Tok.QualifiedId);
    }
    return this.emit(p, u, Tok.Unquoted);
  }

  /**
   * End (exclusive) of the longest `'([^'\\\n]|\\.|'')*'` from `p`, or 0. After a quote the match may end there, or
   * the quote may be the first half of a doubled `''` and the string go on: the best end is the last quote reached.
   */
  private stringEnd(p: number): number {
    const t = this.text;
    const lim = this.limit;
    let best = 0;
    let i = p + 1;
    while (i < lim) {
      const c = t.charCodeAt(i);
      if (c === 10) break;
      if (c === 92) {
        if (i + 1 >= lim || t.charCodeAt(i + 1) === 10) break;
        i += 2;
        continue;
      }
      if (c === 39) {
        best = i + 1;
        if (i + 1 < lim && t.charCodeAt(i + 1) === 39) { i += 2; continue; }
        break;
      }
      i++;
    }
    return best;
  }

  /** End of `[-+]?([0-9]+|0x[0-9a-fA-F]+)[a-zA-Z]*` from `p` (the longer alternative), or `p`. */
  private integerEnd(p: number): number {
    const t = this.text;
    const lim = this.limit;
    let i = p;
    const c = t.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    let best = p;
    let d = i;
    while (d < lim && isDigit(t.charCodeAt(d))) d++;
    if (d > i) {
      while (d < lim && isAsciiLetter(t.charCodeAt(d))) d++;
      best = d;
    }
    if (t.charCodeAt(i) === 48 && t.charCodeAt(i + 1) === 120 && i + 2 < lim && isHex(t.charCodeAt(i + 2))) {
      let h = i + 2;
      while (h < lim && isHex(t.charCodeAt(h))) h++;
      while (h < lim && isAsciiLetter(t.charCodeAt(h))) h++;
      if (h > best) best = h;
    }
    return best;
  }

  /** End of `[-+]?[0-9]*"."[0-9]*([Ee][-+]?[0-9]+)?` from `p`, or `p`. */
  private realEnd(p: number): number {
    const t = this.text;
    const lim = this.limit;
    let i = p;
    const c = t.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    while (i < lim && isDigit(t.charCodeAt(i))) i++;
    if (i >= lim || t.charCodeAt(i) !== 46) return p;
    i++;
    while (i < lim && isDigit(t.charCodeAt(i))) i++;
    const e = t.charCodeAt(i);
    if (i < lim && (e === 69 || e === 101)) {
      let j = i + 1;
      const s = t.charCodeAt(j);
      if (j < lim && (s === 43 || s === 45)) j++;
      const digits = j;
      while (j < lim && isDigit(t.charCodeAt(j))) j++;
      if (j > digits) i = j;
    }
    return i;
  }
}

/**
 * The value of a quoted string as `DeescapeQuotedString` makes it: quotes removed, `''` → `'`, `\b \f \n \r \t`,
 * `\` + up to three octal digits → that byte, `\x` → `x`. A `\0` ends the C string there, so the value ends there.
 */
export function deescape(s: string): string {
  let out = '';
  const end = s.length - 1;
  for (let i = 1; i < end; i++) {
    const c = s[i]!;
    if (c === '\\') {
      i++;
      const d = s[i] ?? '';
      const map: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (d in map) out += map[d];
      else if (d >= '0' && d <= '7') {
        let k = 0;
        let v = 0;
        while (k < 3 && s[i + k] !== undefined && s[i + k]! >= '0' && s[i + k]! <= '7') { v = v * 8 + (s.charCodeAt(i + k) - 48); k++; }
        i += k - 1;
        const byte = v & 0xff;
        if (byte === 0) return out;
        out += String.fromCharCode(byte);
      } else out += d;
    } else if (c === "'" && s[i + 1] === "'") {
      out += "'";
      i++;
    } else out += c;
  }
  return out;
}
