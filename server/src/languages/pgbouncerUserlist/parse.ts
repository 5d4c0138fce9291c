/**
 * The auth_file parser, a transcription of PgBouncer's `load_auth_file`, `find_quote` and `copy_quoted` (src/loader.c,
 * identical in 1.18.0 and 1.25.2; checked with PgBouncer 1.18.0):
 *  - blanks and empty lines are skipped (C `isspace`, so line ends too); a line whose first character is `;` is a
 *    comment; anything else that does not start with `"` ends the reading ("broken auth file"): PgBouncer keeps the
 *    entries read so far and never reads the rest of the file;
 *  - the user name runs to the next `"` that is not doubled (`""` is a literal quote), line ends included; then
 *    everything up to the next `"` is skipped, line ends included, and the password runs like the user name;
 *  - a user name of 128 raw bytes or more, or a password of 2048 or more, ends the reading too;
 *  - the rest of the line after the password is ignored; a later entry of the same user overwrites the password.
 * Never throws; linear in the text length.
 */
import { utf8Length } from '../../core/passwords';
import type { SourceDocument, Span } from '../../core/types';
import { classify } from './catalogue';
import type { Quoted, Stop, StopReason, UserEntry, UserlistFile } from './model';

/** `MAX_USERNAME` (128) and `MAX_PASSWORD` (2048) of include/bouncer.h: the raw length must stay below them. */
export const MAX_USER_BYTES = 128;
export const MAX_PASSWORD_BYTES = 2048;

const QUOTE = 34;
/** C `isspace` in the C locale. */
export const isCSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** `find_quote(p, false)`: the offset of the quote that closes a string opened before `from`, or -1. */
function closingQuote(text: string, from: number, end: number): number {
  let p = from;
  for (;;) {
    while (p < end && text.charCodeAt(p) !== QUOTE) p++;
    if (p >= end) return -1;
    if (p + 1 < end && text.charCodeAt(p + 1) === QUOTE) { p += 2; continue; }
    return p;
  }
}

function quoted(text: string, open: number, close: number): Quoted {
  const raw = text.slice(open + 1, close);
  return {
    value: raw.replace(/""/g, '"'), span: [open, close + 1], inner: [open + 1, close],
    rawBytes: utf8Length(raw), multiline: raw.includes('\n'),
  };
}

function lineAt(text: string, offset: number, from: { at: number; line: number }): number {
  for (let i = from.at; i < offset; i++) if (text.charCodeAt(i) === 10) from.line++;
  from.at = offset;
  return from.line;
}

/** The end of the line holding `at` (the offset of its newline, or the end of the text). */
export function lineEnd(text: string, at: number, end = text.length): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 || nl > end ? end : nl;
}

export function parseUserlist(doc: SourceDocument): UserlistFile {
  const text = doc.text;
  // The C string ends at a NUL byte.
  const nul = text.indexOf('\0');
  const end = nul < 0 ? text.length : nul;
  const entries: UserEntry[] = [];
  const comments: Span[] = [];
  const effective = new Map<string, UserEntry>();
  const cursor = { at: 0, line: 0 };
  let stop: Stop | undefined;
  const halt = (reason: StopReason, span: Span, user?: string): void => {
    stop = { reason, span, line: lineAt(text, span[0], cursor), ...(user !== undefined ? { user } : {}) };
  };
  let p = 0;
  while (p < end && !stop) {
    while (p < end && isCSpace(text.charCodeAt(p))) p++;
    if (p >= end) break;
    const c = text.charCodeAt(p);
    if (c === 59 /* ; */) {
      const e = lineEnd(text, p, end);
      comments.push([p, e > p && text.charCodeAt(e - 1) === 13 ? e - 1 : e]);
      p = e;
      continue;
    }
    if (c !== QUOTE) { halt('not-quoted', [p, Math.max(p + 1, trimEnd(text, p, lineEnd(text, p, end)))]); break; }
    const userOpen = p;
    const userClose = closingQuote(text, p + 1, end);
    if (userClose < 0) { halt('unclosed-user', [userOpen, trimEnd(text, userOpen, lineEnd(text, userOpen, end))]); break; }
    const user = quoted(text, userOpen, userClose);
    if (user.rawBytes >= MAX_USER_BYTES) { halt('user-too-long', user.span, user.value); break; }
    // find_quote(p, true): anything up to the next quote is skipped.
    let q = userClose + 1;
    while (q < end && text.charCodeAt(q) !== QUOTE) q++;
    if (q >= end) { halt('no-password', [userOpen, userClose + 1], user.value); break; }
    const pwClose = closingQuote(text, q + 1, end);
    if (pwClose < 0) { halt('unclosed-password', [q, trimEnd(text, q, lineEnd(text, q, end))], user.value); break; }
    const password = quoted(text, q, pwClose);
    if (password.rawBytes >= MAX_PASSWORD_BYTES) { halt('password-too-long', password.span, user.value); break; }
    const entry: UserEntry = { line: lineAt(text, userOpen, cursor), user, password, kind: classify(password.value) };
    const gap = trimmed(text, userClose + 1, q);
    if (gap) entry.gap = gap;
    const lineStop = lineEnd(text, pwClose + 1, end);
    const rest = trimmed(text, pwClose + 1, lineStop);
    if (rest) entry.rest = rest;
    entries.push(entry);
    effective.set(user.value, entry);
    p = lineStop;
  }
  const file: UserlistFile = {
    path: doc.path, text, entries, comments, effective, bom: text.charCodeAt(0) === 0xfeff,
    readEnd: stop ? stop.span[0] : end,
  };
  if (stop) file.stop = stop;
  return file;
}

/** `[start, end)` without blanks at either side, or undefined when only blanks. */
function trimmed(text: string, start: number, end: number): Span | undefined {
  let a = start;
  let b = end;
  while (a < b && isCSpace(text.charCodeAt(a))) a++;
  while (b > a && isCSpace(text.charCodeAt(b - 1))) b--;
  return a < b ? [a, b] : undefined;
}

function trimEnd(text: string, start: number, end: number): number {
  let b = end;
  while (b > start && isCSpace(text.charCodeAt(b - 1))) b--;
  return b;
}
