/**
 * PgBouncer's auth_hba_file tokenizer (`next_token`, src/hba.c, the same in 1.18.0 and 1.25.2), per physical line
 * (`getline`): blanks (C `isspace`) separate tokens; `#` or the end of the line ends it; `,` is a token of its own;
 * `"…"` is a string (`""` inside is a quote) and an unclosed one is a failure; anything else is a word up to a blank,
 * `,`, `#` or `"`. Unlike PostgreSQL, a quote inside a word starts a new token, and a trailing backslash joins nothing.
 * Never throws; linear in the text length.
 */
import type { Span } from '../../../core/types';
import { HbaToken } from '../lexer';

export type TokKind = 'ident' | 'string' | 'comma' | 'fail';

export interface BouncerTok {
  kind: TokKind;
  /** Words and strings: the token (strings unquoted); `fail`: an unclosed quote from `span[0]` to the end of the line. */
  token?: HbaToken;
  span: Span;
}

export interface BouncerLine {
  /** 0-based physical line. */
  line: number;
  span: Span;
  toks: BouncerTok[];
}

const isCSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Every line that holds a token (a failure included), in order. */
export function tokenizeBouncer(text: string): BouncerLine[] {
  const out: BouncerLine[] = [];
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    let end = nl < 0 ? text.length : nl;
    const nul = text.indexOf('\0', pos);
    const stop = nul >= 0 && nul < end ? nul : end;
    const toks = tokenizeLine(text, pos, stop);
    while (end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (toks.length) out.push({ line: lineNo, span: [pos, end], toks });
    pos = nl < 0 ? text.length : nl + 1;
    lineNo++;
  }
  return out;
}

function tokenizeLine(text: string, start: number, end: number): BouncerTok[] {
  const toks: BouncerTok[] = [];
  let p = start;
  for (;;) {
    while (p < end && isCSpace(text.charCodeAt(p))) p++;
    if (p >= end) return toks;
    const c = text.charCodeAt(p);
    if (c === 35 /* # */) return toks;
    if (c === 44 /* , */) { toks.push({ kind: 'comma', span: [p, p + 1] }); p++; continue; }
    if (c === 34 /* " */) {
      let s = p + 1;
      for (; s < end; s++) {
        if (text.charCodeAt(s) === 34) {
          if (s + 1 < end && text.charCodeAt(s + 1) === 34) s++;
          else break;
        }
      }
      if (s >= end) {
        let e = end;
        while (e > p && isCSpace(text.charCodeAt(e - 1))) e--;
        toks.push({ kind: 'fail', span: [p, e] });
        return toks;
      }
      const value = text.slice(p + 1, s).replace(/""/g, '"');
      toks.push({ kind: 'string', token: new HbaToken(value, p, s + 1, true, true), span: [p, s + 1] });
      p = s + 1;
      continue;
    }
    let s = p + 1;
    while (s < end) {
      const d = text.charCodeAt(s);
      if (d === 44 || d === 35 || d === 34 || isCSpace(d)) break;
      s++;
    }
    toks.push({ kind: 'ident', token: new HbaToken(text.slice(p, s), p, s, false, false), span: [p, s] });
    p = s;
  }
}
