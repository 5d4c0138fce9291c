/**
 * The parsed pgbouncer.ini: the statements PgBouncer's ini reader sees (lexer.ts), grouped by section, with the
 * connection strings of `[databases]`, `[users]` and `[peers]` split into their pairs (parse.ts). The parser keeps
 * what it sees as data and reports nothing; check/ reports.
 */
import type { Span } from '../../core/types';

/** One statement of libusual's `parse_ini_file` loop. */
export type Statement =
  | { kind: 'section'; name: string; span: Span; nameSpan: Span }
  | { kind: 'include'; path: string; span: Span; valueSpan: Span }
  | {
    kind: 'setting'; key: string; keySpan: Span; value: string; valueSpan: Span; span: Span;
    /** The key was written in single quotes (libusual accepts that from PgBouncer 1.25 on). */
    quotedKey: boolean;
  }
  /** Where the reader stops with "syntax error in configuration"; `why` says what it expected. */
  | { kind: 'syntax-error'; span: Span; why: 'no-equals' | 'unclosed-section' | 'unclosed-quote' | 'empty-quoted-key' };

/** One `key=value` of a connection string (loader.c `cstr_get_pair`). */
export interface ConnPair {
  key: string;
  keySpan: Span;
  /** The value, unquoted (`''` inside quotes is one quote). */
  value: string;
  valueSpan: Span;
  quoted: boolean;
}

/** A connection string as loader.c reads it: its pairs, and where it fails (`cstr_get_pair` returning NULL). */
export interface ConnString {
  pairs: ConnPair[];
  /** Where the string stops being readable: no `=` after a key, an empty key or value, an unclosed quote. */
  error?: { span: Span; why: 'no-equals' | 'empty-value' | 'unclosed-quote' };
}

/** A `key = value` in a section, with its connection string when the section holds connection strings. */
export interface Entry {
  st: Extract<Statement, { kind: 'setting' }>;
  /** The section it belongs to (lower case as written; `undefined` before any section header). */
  section?: string;
  /** For `[databases]`, `[users]` and `[peers]`. */
  conn?: ConnString;
  /**
   * Set when the entry is written in a file read through `%include` (check/includes.ts): that file and line. Its `st`
   * spans then point at the `%include` line of the checked file, where findings about it are reported.
   */
  included?: { path: string; line: number };
}

export interface PgbouncerIniFile {
  path: string;
  text: string;
  statements: Statement[];
  entries: Entry[];
  /** The first statement the reader stops at (PgBouncer refuses the file from there). */
  firstError?: Extract<Statement, { kind: 'syntax-error' }>;
}

/** The connection-string sections. */
export const CONN_SECTIONS: ReadonlySet<string> = new Set(['databases', 'users', 'peers']);
