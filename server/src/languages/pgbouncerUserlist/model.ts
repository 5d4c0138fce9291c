/**
 * The parsed PgBouncer auth_file (userlist.txt): the entries PgBouncer loads, where it stopped reading if it did, and
 * what it skipped on the way, as parse.ts finds them. The parser reports nothing; check/ reports.
 *
 * The model holds passwords because the checks need them; nothing derived from one (the password, a hash, a salt, a
 * key) ever leaves this room in a message or a hover: only user names, lengths and formats do.
 */
import type { Span } from '../../core/types';

/**
 * What PgBouncer takes a password for (`get_password_type`, src/scram.c, 1.18–1.25): `md5` + exactly 32 lower-case
 * hexadecimal digits, else a SCRAM-SHA-256 secret that `parse_scram_secret` accepts, else clear text; `empty` for "".
 */
export type EntryKind = 'plain' | 'md5' | 'scram' | 'empty';

/** A quoted string as `find_quote` reads it: from the opening quote to the closing one. */
export interface Quoted {
  /** The text with `""` turned into `"` (`copy_quoted`). Never shown for a password. */
  value: string;
  /** From the opening quote to after the closing quote. */
  span: Span;
  /** Inside the quotes. */
  inner: Span;
  /** Raw bytes between the quotes (a doubled quote counts 2), what PgBouncer compares with its limits. */
  rawBytes: number;
  /** The string runs over a line end (PgBouncer reads on to the next unpaired quote, newlines included). */
  multiline: boolean;
}

export interface UserEntry {
  /** 0-based line of the user name's opening quote. */
  line: number;
  user: Quoted;
  password: Quoted;
  kind: EntryKind;
  /** Text PgBouncer skipped between the user name and the password (blanks aside); it may include line ends. */
  gap?: Span;
  /** Text after the password up to the end of the line, which PgBouncer ignores (blanks aside). */
  rest?: Span;
}

/** Why PgBouncer stopped reading ("broken auth file", "username too long …", "password too long …"). */
export type StopReason = 'not-quoted' | 'unclosed-user' | 'no-password' | 'unclosed-password' | 'user-too-long' | 'password-too-long';

export interface Stop {
  reason: StopReason;
  /** Where the problem is (the character PgBouncer did not expect, or the over-long string). */
  span: Span;
  /** 0-based line of `span[0]`. */
  line: number;
  /** The user name PgBouncer had read when it stopped in the middle of an entry. */
  user?: string;
}

export interface UserlistFile {
  path: string;
  text: string;
  /** Entries in file order, as PgBouncer loads them (up to a stop). */
  entries: UserEntry[];
  /** `;` comment lines (spans without the newline). */
  comments: Span[];
  /** Where PgBouncer stopped reading, if it did: the rest of the file is never loaded. */
  stop?: Stop;
  /** Offset where PgBouncer stopped (`text.length` when it read everything). */
  readEnd: number;
  /** The entry PgBouncer uses for each user name: the last one (a later line overwrites the password). */
  effective: ReadonlyMap<string, UserEntry>;
  /** The text starts with a byte-order mark. */
  bom: boolean;
}
