/**
 * The shared tokenizer of pool_hba.conf and pg_hba.conf. Both servers use the same field/token rules
 * (Pgpool-II's pool_hba.c is a fork of PostgreSQL 10's hba.c): blanks separate fields, a comma joins tokens
 * into a list, `#` starts a comment outside quotes, double quotes protect blanks, commas and `#`, and `""` inside
 * quotes is one literal quote. The dialects differ in three places:
 *  - pgpool limits a token to 255 bytes and a line to 8191 bytes (newline included); PostgreSQL 14+ has no limit;
 *  - PostgreSQL 14+ joins a line that ends with a backslash to the next one; pgpool keeps the backslash as text;
 *  - (record level, see parse.ts) the connection types, methods and options.
 * Never throws; linear in the text length.
 */
import type { Span } from '../../core/types';

export type Dialect = 'pgpool' | 'postgres';

/**
 * One token. A class with a fixed shape and a computed `span`, because a large file holds millions of them and the
 * garbage collector then dominates the run time.
 */
export class HbaToken {
  /** Set for `@file` tokens: the file name after the `@`. */
  include: string | undefined;

  constructor(
    /** The token's value: quotes removed, `""` inside quotes turned into `"`. */
    readonly value: string,
    /** Source offset of the first character (a quote included). */
    readonly start: number,
    /** Source offset after the last character. */
    readonly end: number,
    /** A double quote appeared in the token: keywords such as `all` lose their meaning. */
    readonly quoted: boolean,
    /** The token started with a quote: `"@x"` is a name, not a file reference. */
    readonly initialQuote: boolean,
  ) {
    this.include = !initialQuote && value.length > 1 && value.charCodeAt(0) === 64 /* @ */ ? value.slice(1) : undefined;
  }

  /** Source span, quotes included. */
  get span(): Span {
    return [this.start, this.end];
  }
}

export interface HbaField {
  tokens: HbaToken[];
}

/** From the first token's start to the last token's end. */
export function fieldSpan(f: HbaField): Span {
  return [f.tokens[0]!.span[0], f.tokens[f.tokens.length - 1]!.span[1]];
}

export interface LineError {
  kind: 'token-too-long' | 'line-too-long';
  span: Span;
  /** Bytes counted (for the message). */
  bytes: number;
}

/** One logical line that holds at least one field, or a tokenizer error. */
export interface HbaLine {
  /** 0-based physical line where the logical line starts. */
  line: number;
  /** The logical line without its newline (continuation lines included). */
  span: Span;
  fields: HbaField[];
  error?: LineError;
}

export interface TokenizeOptions {
  dialect: Dialect;
}

/** pgpool: `MAX_TOKEN` (256) minus the terminating NUL. */
export const POOL_MAX_TOKEN_BYTES = 255;
/** pgpool reads lines with `fgets(buf, 8192)`: a line plus its newline of 8191 bytes or more is "too long". */
export const POOL_MAX_LINE_BYTES = 8191;

const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13;

/** UTF-8 length of the UTF-16 code unit `c` (a surrogate counts half of its 4-byte pair). */
export function utf8Units(c: number): number {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdfff) return 2;
  return 3;
}

/**
 * The start of the logical line holding `offset` when it began on an earlier physical line (a PostgreSQL line
 * continued with a backslash), for suppression comments (`LanguageMode.commentAnchor`): a comment line put inside a
 * continued line would become part of it.
 */
export function continuedLineStart(text: string, lines: readonly HbaLine[], offset: number): number | undefined {
  let lo = 0, hi = lines.length - 1, hit: HbaLine | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.span[0] <= offset) { hit = lines[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  if (!hit || offset > hit.span[1]) return undefined;
  return text.lastIndexOf('\n', offset - 1) >= hit.span[0] ? hit.span[0] : undefined;
}

/**
 * Splits `text` into logical lines and tokenizes them. Lines without any field are dropped (comments, blanks).
 * A leading byte-order mark counts as a blank. Both servers handle a line as a C string, so the rest of a physical line
 * after a NUL byte is never read (a file saved as UTF-16 keeps one character a line); pgpool then reads the next line
 * as a line of its own, PostgreSQL joins it to the text before the NUL.
 */
export function tokenize(text: string, opts: TokenizeOptions): HbaLine[] {
  const out: HbaLine[] = [];
  const pg = opts.dialect === 'postgres';
  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  let nul = text.indexOf('\0');
  while (pos < len) {
    const startLine = lineNo;
    const segments: { start: number; end: number }[] = [];
    let tooLong: HbaLine | undefined;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nul >= 0 && nul < pos) nul = text.indexOf('\0', pos);
      // PostgreSQL's pg_strip_crlf and pgpool's strlen stop at a NUL byte: the line ends there.
      const lineEnd = nl < 0 ? len : nl;
      const cut = nul >= 0 && nul < lineEnd;
      const physEnd = cut ? nul : lineEnd;
      let end = physEnd;
      while (end > pos && text.charCodeAt(end - 1) === 13) end--;
      lineNo++;
      const next = nl < 0 ? len : nl + 1;
      if (pg && cut && nl >= 0) {
        // PostgreSQL's pg_get_line_append measures what fgets read with strlen: the NUL hides the newline, so the next
        // line is read onto the text before the NUL, without a blank between them (seen with PostgreSQL 15).
        segments.push({ start: pos, end: physEnd });
        pos = next;
        continue;
      }
      if (pg && end > pos && text.charCodeAt(end - 1) === 92 /* \ */) {
        // PostgreSQL 14+: a trailing backslash joins the next line (and is dropped, also on the last line).
        segments.push({ start: pos, end: end - 1 });
        pos = next;
        if (nl < 0) break;
        continue;
      }
      segments.push({ start: pos, end });
      if (!pg) tooLong = lineTooLong(text, pos, physEnd, end, nl < 0 ? 0 : 1, startLine);
      pos = next;
      break;
    }
    if (tooLong) out.push(tooLong);
    else {
      const line = tokenizeLogical(text, segments, startLine, pg);
      if (line) out.push(line);
    }
  }
  return out;
}

/** pgpool's `fgets` limit: the raw line (CRs and newline included) must stay under 8191 bytes. */
function lineTooLong(text: string, start: number, physEnd: number, end: number, terminator: number, lineNo: number): HbaLine | undefined {
  if ((physEnd - start + terminator) * 3 < POOL_MAX_LINE_BYTES) return undefined;
  let bytes = terminator;
  let cut = -1;
  for (let i = start; i < physEnd; i++) {
    bytes += utf8Units(text.charCodeAt(i));
    if (cut < 0 && bytes >= POOL_MAX_LINE_BYTES) cut = i;
  }
  if (bytes < POOL_MAX_LINE_BYTES) return undefined;
  const from = Math.min(cut < 0 ? start : cut, end);
  return { line: lineNo, span: [start, end], fields: [], error: { kind: 'line-too-long', span: [from, Math.max(from, end)], bytes } };
}

/** Offsets of a logical line: one segment (the common case) or several joined by backslash continuations. */
interface Segments {
  list: { start: number; end: number }[];
  /** Logical index where each segment starts. */
  starts: number[];
}

function docOffset(g: Segments, i: number): number {
  const list = g.list;
  if (list.length === 1) return list[0]!.start + i;
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.starts[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return list[lo]!.start + (i - g.starts[lo]!);
}

/** The document offset just after logical index `i - 1` (so a span never ends on the next physical line). */
function docEnd(g: Segments, i: number): number {
  return i === 0 ? docOffset(g, 0) : docOffset(g, i - 1) + 1;
}

const NO_FIELDS: HbaField[] = Object.freeze([]) as unknown as HbaField[];
const scratchFields: HbaField[] = [];
const scratchTokens: HbaToken[] = [];

function tokenizeLogical(text: string, list: { start: number; end: number }[], lineNo: number, pg: boolean): HbaLine | undefined {
  let s: string;
  const starts: number[] = [];
  if (list.length === 1) {
    s = text.slice(list[0]!.start, list[0]!.end);
    starts.push(0);
  } else {
    let acc = 0;
    for (const g of list) { starts.push(acc); acc += g.end - g.start; }
    s = list.map(g => text.slice(g.start, g.end)).join('');
  }
  const g: Segments = { list, starts };
  const line: HbaLine = { line: lineNo, span: [list[0]!.start, list[list.length - 1]!.end], fields: NO_FIELDS };
  // Scratch arrays, copied at their exact size: a pushed-to array keeps spare capacity, which adds up over 100k lines.
  const fields = scratchFields;
  fields.length = 0;
  const n = s.length;
  let p = 0;
  while (p < n && !line.error) {
    const tokens = scratchTokens;
    tokens.length = 0;
    let trailingComma = false;
    do {
      trailingComma = false;
      while (p < n) {
        const c = s.charCodeAt(p);
        if (c === 32 || c === 9 || c === 13 || c === 44) p++;
        else break;
      }
      const start = p;
      let buf = '';
      let bytes = 0;
      let inQuote = false;
      let wasQuote = false;
      let sawQuote = false;
      let initialQuote = false;
      let end = -1;
      while (p < n) {
        const c = s.charCodeAt(p);
        if (!inQuote && (c === 32 || c === 9 || c === 13)) break;
        if (c === 35 /* # */ && !inQuote) { end = p; p = n; break; }
        const stores = c !== 34 || wasQuote;
        if (!pg) {
          const units = c < 0x80 ? 1 : utf8Units(c);
          if (stores ? bytes + units > POOL_MAX_TOKEN_BYTES : bytes >= POOL_MAX_TOKEN_BYTES) {
            // pgpool logs "token too long", discards the rest of the line and rejects the file.
            let e = p;
            let q = inQuote;
            while (e < n && (!isBlank(s.charCodeAt(e)) || q)) {
              if (s.charCodeAt(e) === 34) q = !q;
              e++;
            }
            line.error = { kind: 'token-too-long', span: [docOffset(g, start), docEnd(g, e)], bytes: bytes + units };
            p = n;
            break;
          }
          if (stores) bytes += units;
        }
        if (c === 44 /* , */ && !inQuote) { trailingComma = true; break; }
        if (sawQuote && stores) buf += s[p];
        if (inQuote && c === 34) wasQuote = !wasQuote;
        else wasQuote = false;
        if (c === 34) {
          if (!sawQuote) {
            // First quote: from here on the value is built character by character.
            buf = s.slice(start, p);
            sawQuote = true;
          }
          inQuote = !inQuote;
          if (buf.length === 0) initialQuote = true;
        }
        p++;
      }
      if (line.error) break;
      if (end < 0) end = p;
      const value = sawQuote ? buf : s.slice(start, end);
      if (!sawQuote && value.length === 0) break;
      tokens.push(new HbaToken(value, docOffset(g, start), docEnd(g, end), sawQuote, initialQuote));
    } while (trailingComma);
    if (tokens.length > 0) {
      fields.push({ tokens: tokens.slice() });
    }
  }
  if (fields.length > 0) line.fields = fields.slice();
  return line.fields.length > 0 || line.error ? line : undefined;
}

/** Finds the logical line around `offset` and tokenizes the text before the cursor (for completion). */
export function lineAround(text: string, offset: number, dialect: Dialect): { start: number; end: number } {
  let start = text.lastIndexOf('\n', offset - 1) + 1;
  if (dialect === 'postgres') {
    // Walk back over continued lines.
    while (start > 0) {
      let e = start - 1; // the '\n'
      while (e > 0 && text.charCodeAt(e - 1) === 13) e--;
      if (e > 0 && text.charCodeAt(e - 1) === 92) {
        start = text.lastIndexOf('\n', e - 2) + 1;
      } else break;
    }
  }
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  return { start, end };
}
