/**
 * Pgpool-II's pgpool.conf lexer (src/config/pool_config.l), rule for rule. Flex picks the longest match and, on a tie,
 * the earliest rule; the rules in order are:
 *
 *   \n → EOL · [ \t\r]+ skipped · #.*$ comment · KEY · STRING · UNQUOTED_STRING · INTEGER · REAL · = · any char → error
 *
 * Consequences this module reproduces: a comment is only a comment when a newline follows it (a `#` comment on the
 * last line without a final newline is a stray `#`); `1e3` is the INTEGER `1e` then the INTEGER `3`; a lone `.` is a
 * REAL; `/`, `"`, `%`, `!`, `+` alone are one-character error tokens; a STRING is the longest `'…'` on the line in
 * which `\x` may hide a quote. Pgpool-II reads bytes: every byte of a non-ASCII UTF-8 character is a letter, so here
 * every UTF-16 unit from U+0080 up is a letter. The scanner is allocation-free and linear in the text length.
 */

export const enum Tok {
  Key = 1,
  Integer = 2,
  Real = 3,
  String = 4,
  Unquoted = 5,
  Equals = 6,
  Eol = 7,
  Error = 8,
  Eof = 9,
}

const BOM = 0xfeff;

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
/** The extra characters of UNQUOTED_STRING: `-._:/`. */
function isUnquotedExtra(c: number): boolean {
  return c === 45 || c === 46 || c === 95 || c === 58 || c === 47;
}

export class Lexer {
  /** Start and end offsets of the last token returned by `next()`. */
  start = 0;
  end = 0;
  private pos: number;

  /**
   * @param text  the whole document
   * @param from  where to start scanning
   * @param limit where to stop (exclusive); the end of the text by default
   * @param bomIsLetter treat a byte-order mark at offset 0 as Pgpool-II does (a letter) instead of as blank
   */
  constructor(private readonly text: string, from = 0, private readonly limit = text.length, private readonly bomIsLetter = false) {
    this.pos = from;
  }

  /** Continues scanning from `pos` (reusing this lexer avoids an allocation per statement). */
  reset(pos: number): this {
    this.pos = pos;
    return this;
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
      if (c === 32 || c === 9 || c === 13 || (c === BOM && p === 0 && !this.bomIsLetter)) { p++; continue; }
      if (c === 35) {
        // `#.*$`: flex's `$` needs a newline after the comment; at the end of the file there is none.
        const nl = t.indexOf('\n', p);
        if (nl < 0) return this.emit(p, p + 1, Tok.Error);
        p = Math.min(nl, limit);
        continue;
      }
      break;
    }
    const c = t.charCodeAt(p);
    if (isLetter(c)) {
      let k = p + 1;
      while (k < limit && (isLetter(t.charCodeAt(k)) || isDigit(t.charCodeAt(k)))) k++;
      let u = k;
      for (;;) {
        if (u >= limit) break;
        const d = t.charCodeAt(u);
        if (isLetter(d) || isDigit(d) || isUnquotedExtra(d)) u++;
        else break;
      }
      return u > k ? this.emit(p, u, Tok.Unquoted) : this.emit(p, k, Tok.Key);
    }
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
    return this.emit(p, p + 1, Tok.Error);
  }

  private emit(s: number, e: number, k: Tok): Tok {
    this.start = s;
    this.end = e;
    this.pos = e;
    return k;
  }

  /**
   * End (exclusive) of the longest `'([^'\n]|\\.)*'` from `p`, or 0. The two alternatives overlap on a backslash, so
   * this runs the pattern as a two-state automaton: "inside" and "just read a backslash that may escape".
   */
  private stringEnd(p: number): number {
    const t = this.text;
    let inside = true;
    let escape = false;
    let best = 0;
    for (let i = p + 1; i < this.limit; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) break;
      if (c === 39) {
        if (inside) best = i + 1;
        inside = escape;
        escape = false;
      } else if (c === 92) {
        const wasInside: boolean = inside;
        inside = inside || escape;
        escape = wasInside;
      } else {
        inside = inside || escape;
        escape = false;
      }
      if (!inside && !escape) break;
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
    // decimal digits, then letters
    let d = i;
    while (d < lim && isDigit(t.charCodeAt(d))) d++;
    if (d > i) {
      while (d < lim && isAsciiLetter(t.charCodeAt(d))) d++;
      best = d;
    }
    // 0x + hex digits, then letters
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
