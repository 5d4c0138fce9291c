/**
 * PgBouncer's ini reader, character for character: `parse_ini_file_internal` of libusual's usual/cfparser.c (the copy
 * bundled with PgBouncer 1.18–1.25). Not line based: leading white space (newlines included) is skipped, then
 *  - `%include` followed by a blank takes the rest of the line (trailing white space cut) as a file name;
 *  - `#` or `;` starts a comment line (only at the start of a statement: a value keeps a `;` or `#`);
 *  - `[` starts a section name up to `]` (a newline or the end first is a syntax error), and reading goes on right
 *    after the `]`;
 *  - otherwise a key: letters, digits and `_ . - *` (or, from PgBouncer 1.25 on, anything between single quotes),
 *    blanks, `=`, blanks, and the value up to the end of the line with trailing white space cut. No quoting, no
 *    escapes, no inline comments. Anything else is "syntax error in configuration" and PgBouncer stops loading.
 * A NUL ends the text, as in C. The lexer goes on after a syntax error (at the next line) so that the editor still
 * sees the rest; `firstError` marks where PgBouncer stops. Linear; never throws.
 */
import type { Statement } from './model';

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isBlank = (c: number): boolean => c === 32 || c === 9;
const isKeyChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45 || c === 42;

/** The statements of `text`; `quotedKeys`: whether the reader accepts `'key' = value` (PgBouncer 1.25+). */
export function readStatements(text: string, quotedKeys: boolean): Statement[] {
  const nul = text.indexOf('\0');
  const end = nul < 0 ? text.length : nul;
  const out: Statement[] = [];
  let p = 0;
  const lineEnd = (from: number): number => {
    const nl = text.indexOf('\n', from);
    return nl < 0 || nl > end ? end : nl;
  };
  const trimEnd = (a: number, b: number): number => {
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    return b;
  };
  while (p < end) {
    while (p < end && isSpace(text.charCodeAt(p))) p++;
    if (p >= end) break;
    const start = p;
    const c = text.charCodeAt(p);
    if (text.startsWith('%include', p) && p + 8 < end && isBlank(text.charCodeAt(p + 8))) {
      let v = p + 8;
      while (v < end && isBlank(text.charCodeAt(v))) v++;
      const le = lineEnd(v);
      const ve = trimEnd(v, le);
      out.push({ kind: 'include', path: text.slice(v, ve), span: [start, ve], valueSpan: [v, ve] });
      p = le;
      continue;
    }
    if (c === 35 || c === 59) { p = lineEnd(p); continue; }
    if (c === 91) {
      let q = p + 1;
      while (q < end && text.charCodeAt(q) !== 93 && text.charCodeAt(q) !== 10) q++;
      if (q >= end || text.charCodeAt(q) !== 93) {
        out.push({ kind: 'syntax-error', span: [start, q], why: 'unclosed-section' });
        p = lineEnd(q);
        continue;
      }
      out.push({ kind: 'section', name: text.slice(p + 1, q), span: [start, q + 1], nameSpan: [p + 1, q] });
      p = q + 1;
      continue;
    }
    let keyStart: number, keyEnd: number;
    let quoted = false;
    if (c === 39 && quotedKeys) {
      quoted = true;
      keyStart = p + 1;
      const close = text.indexOf("'", keyStart);
      if (close < 0 || close >= end) {
        out.push({ kind: 'syntax-error', span: [start, lineEnd(p)], why: 'unclosed-quote' });
        break; // the quote runs to the end of the file
      }
      keyEnd = close;
      if (keyEnd === keyStart) {
        out.push({ kind: 'syntax-error', span: [start, close + 1], why: 'empty-quoted-key' });
        p = lineEnd(close);
        continue;
      }
      p = close + 1;
    } else {
      keyStart = p;
      while (p < end && isKeyChar(text.charCodeAt(p))) p++;
      keyEnd = p;
    }
    while (p < end && isBlank(text.charCodeAt(p))) p++;
    if (p >= end || text.charCodeAt(p) !== 61) {
      const le = lineEnd(p);
      out.push({ kind: 'syntax-error', span: [start, Math.max(le, p + 1 > le ? le : p + 1)], why: 'no-equals' });
      p = le;
      continue;
    }
    p++;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
    const le = lineEnd(p);
    const ve = trimEnd(p, le);
    out.push({
      kind: 'setting', key: text.slice(keyStart, keyEnd), keySpan: [keyStart, keyEnd], value: text.slice(p, ve), valueSpan: [p, ve],
      span: [start, ve], quotedKey: quoted,
    });
    p = le;
  }
  return out;
}
