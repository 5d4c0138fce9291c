/**
 * The pool_passwd parser: each piece of lexer.ts read the way Pgpool-II's src/auth/pool_passwd.c reads it (4.3.5–4.7.2):
 *  - the user name is everything before the first unescaped `:` (`userMatchesString`); a backslash escapes the next
 *    character and is dropped; a line without an unescaped `:` never matches any user;
 *  - the value is read after it (`getNextToken`): the same escapes, ended by the next unescaped `:` or after 128 bytes;
 *    an empty value makes Pgpool-II skip the line and keep looking for the user further down;
 *  - its kind comes from its prefix (`get_password_type`); the first line of a user with a non-empty value wins.
 * A trailing newline is removed, nothing else: blanks and a carriage return stay in the value. Never throws.
 */
import type { SourceDocument } from '../../core/types';
import { classify } from './catalogue';
import { readPieces, utf8Units, type Piece } from './lexer';
import type { EntryKind, PasswdEntry, PasswdValue, PoolPasswdFile } from './model';

/** `getNextToken`'s `MAX_TOKEN_LEN`: Pgpool-II reads at most 128 bytes of a value. */
export const MAX_VALUE_BYTES = 128;

const BACKSLASH = 92;
const COLON = 58;

export function parsePoolPasswd(doc: SourceDocument): PoolPasswdFile {
  const text = doc.text;
  const { pieces, longLines } = readPieces(text);
  const entries: PasswdEntry[] = [];
  const effective = new Map<string, PasswdEntry>();
  for (const p of pieces) {
    const e = parsePiece(text, p);
    if (!e) continue;
    entries.push(e);
    if (e.user !== undefined && e.value?.kind && !effective.has(e.user)) effective.set(e.user, e);
  }
  return {
    path: doc.path, text, entries, longLines, effective,
    bom: text.charCodeAt(0) === 0xfeff,
    finalNewline: text.length === 0 || text.charCodeAt(text.length - 1) === 10,
  };
}

function parsePiece(text: string, p: Piece): PasswdEntry | undefined {
  let blank = true;
  for (let k = p.start; k < p.end && blank; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12 && c !== 0xfeff) blank = false;
  }
  if (blank) return undefined;
  const first = text.charCodeAt(p.start) === 0xfeff && p.start === 0 ? 1 : 0;
  const entry: PasswdEntry = {
    line: p.line, piece: p.piece, span: [p.start, p.end], escapes: [],
    inert: p.piece === 0 && text.charCodeAt(p.start + first) === 35 /* # */,
    cr: p.end > p.start && text.charCodeAt(p.end - 1) === 13,
  };
  // userMatchesString: the name ends at the first `:` not preceded by an escaping backslash. Characters are copied
  // in runs (a slice per run between escapes), so that a long line costs no per-character string building.
  let name = '';
  let run = p.start;
  let i = p.start;
  let colon = -1;
  while (i < p.end) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      name += text.slice(run, i);
      entry.escapes.push(i);
      i += 2; // the escaped character is taken literally, whatever it is
      run = i - 1;
      continue;
    }
    if (c === COLON) { colon = i; break; }
    i++;
  }
  if (colon < 0) {
    entry.escapes.length = 0;
    return entry;
  }
  name += text.slice(run, colon);
  entry.user = name;
  entry.userSpan = [p.start, colon];
  entry.value = readValue(text, colon + 1, p.end, entry);
  return entry;
}

/** `getNextToken`: up to 128 bytes, escapes resolved, ended by an unescaped `:`. */
function readValue(text: string, start: number, end: number, entry: PasswdEntry): PasswdValue {
  let out = '';
  let run = start;
  let bytes = 0;
  let i = start;
  let stop = -1;
  let colonAt: number | undefined;
  let truncated = false;
  let written = 0;
  while (i < end) {
    let c = text.charCodeAt(i);
    const at = i;
    if (c === BACKSLASH) {
      if (stop < 0) {
        out += text.slice(run, i);
        entry.escapes.push(at);
      }
      i++;
      // A backslash at the very end escapes the terminating NUL: the value ends there.
      if (i >= end) { if (stop < 0) { stop = at; run = at; } break; }
      c = text.charCodeAt(i);
      run = i;
    } else if (c === COLON) {
      // Pgpool-II stops at this colon only if it had not already stopped after 128 bytes.
      if (stop < 0) { stop = at; colonAt = at; }
      break;
    }
    const u = c < 0x80 ? 1 : utf8Units(c);
    if (stop < 0) {
      if (bytes + u > MAX_VALUE_BYTES) {
        out += text.slice(run, i);
        stop = at;
        truncated = true;
      } else bytes += u;
    }
    written += u;
    i++;
  }
  if (stop < 0) {
    out += text.slice(run, end);
    stop = end;
  } else if (!truncated) out += text.slice(run, stop);
  const writtenEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  const kind: EntryKind | undefined = out === '' ? undefined : classify(out);
  const v: PasswdValue = { text: out, span: [start, stop], written: [start, Math.max(start, writtenEnd)], bytes, writtenBytes: written, truncated };
  if (kind) v.kind = kind;
  if (colonAt !== undefined) v.colonAt = colonAt;
  return v;
}
