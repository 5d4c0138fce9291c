/**
 * The parsed pool_passwd file: every line as Pgpool-II reads it (user name, value, what the value is), produced by
 * parse.ts over the line pieces of lexer.ts. The parser keeps what it sees as data and reports nothing; check/ reports.
 *
 * The model holds the values because the checks need them; nothing derived from a value (the value, a hash, a salt,
 * a key) ever leaves this room in a message or a hover: only user names, lengths and formats do.
 */
import type { Span } from '../../core/types';

/**
 * What Pgpool-II takes a value for (`get_password_type`, by prefix): `md5` followed by 32 characters (35 in all), `AES`
 * (AES-256 encrypted, base64), `SCRAM-SHA-256$` (a SCRAM verifier), `TEXT` (clear text after the prefix), and anything
 * else, including `md5…` of another length, as clear text.
 */
export type EntryKind = 'md5' | 'aes' | 'scram' | 'text' | 'plain';

/** The part of a line after the user name's `:`, as Pgpool-II's `getNextToken` reads it. */
export interface PasswdValue {
  /** What Pgpool-II reads: escapes resolved, ended by the first unescaped `:` or after 128 bytes. Never shown. */
  text: string;
  /** Source span of what Pgpool-II reads (from after the `:` to where it stopped). */
  span: Span;
  /** Source span of everything after the `:` up to the end of the line (the carriage return left out). */
  written: Span;
  /** `undefined` when the value is empty: Pgpool-II then skips the line and keeps looking for the user. */
  kind?: EntryKind;
  /** UTF-8 length of `text`. */
  bytes: number;
  /** UTF-8 length of the value as written up to the end or the first unescaped `:`, escapes resolved. */
  writtenBytes: number;
  /** Pgpool-II stopped after 128 bytes while the written value went on. */
  truncated: boolean;
  /** Offset of the unescaped `:` that ended the value, if one did. */
  colonAt?: number;
}

/** One non-blank piece of the file: a line, or a further piece of a line of more than 1023 bytes (see lexer.ts). */
export interface PasswdEntry {
  /** 0-based physical line. */
  line: number;
  /** 0 for a line; 1, 2, … for the further pieces Pgpool-II reads out of a line of more than 1023 bytes. */
  piece: number;
  /** The piece without its newline (a carriage return before the newline is part of it, as for Pgpool-II). */
  span: Span;
  /**
   * The line starts with `#`. pool_passwd has no comments: Pgpool-II reads such a line as the entry of a user whose
   * name starts with `#`, which never logs in, so it acts as a comment and the checks leave it alone.
   */
  inert: boolean;
  /** The user name as Pgpool-II compares it (escapes resolved); absent when the line has no unescaped `:`. */
  user?: string;
  /** Source span of the user name as written (before the `:`). */
  userSpan?: Span;
  value?: PasswdValue;
  /** Offsets of the backslashes Pgpool-II drops (in the user name and the part of the value it reads). */
  escapes: number[];
  /** The piece ends with a carriage return (a Windows line ending) that Pgpool-II keeps as part of the value. */
  cr: boolean;
}

/** A physical line of more than 1023 bytes, which Pgpool-II's `fgets` reads in several pieces. */
export interface LongLine {
  line: number;
  span: Span;
  /** UTF-8 length without the newline. */
  bytes: number;
  /** Offset where the second piece starts. */
  cut: number;
}

export interface PoolPasswdFile {
  path: string;
  text: string;
  /** Every non-blank piece, in file order. */
  entries: PasswdEntry[];
  longLines: LongLine[];
  /** The text starts with a byte-order mark (U+FEFF), which Pgpool-II reads as part of the first line. */
  bom: boolean;
  /** The text is empty or ends with a newline. */
  finalNewline: boolean;
  /** The entry Pgpool-II uses for each user name: the first line of that user with a non-empty value. */
  effective: ReadonlyMap<string, PasswdEntry>;
}
