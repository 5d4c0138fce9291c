/**
 * The parsed form of a postgresql.conf (or a file it includes, or postgresql.auto.conf), produced by parse.ts the way
 * PostgreSQL's `ParseConfigFp` reads it. The checks, hover and completion, and the later TLS and cross-file rules, all
 * read this model; `effective.ts` splices the included files in.
 */
import type { Span } from '../../core/types';

export type ValueKind = 'id' | 'string' | 'unquoted' | 'integer' | 'real';

/** One `name [=] value` line. */
export interface Setting {
  /** The name as written (PostgreSQL compares names ignoring case). */
  name: string;
  nameSpan: Span;
  /** `name` in lower case: the catalogue key. */
  key: string;
  /** A `prefix.name` custom (placeholder) name. */
  qualified: boolean;
  /** The value PostgreSQL stores: a quoted string de-escaped, any other token as written. */
  value: string;
  /** The value token, quotes included. */
  valueSpan: Span;
  valueKind: ValueKind;
  equalsSpan?: Span;
}

export type DirectiveKind = 'include' | 'include_if_exists' | 'include_dir';

/** An `include`, `include_if_exists` or `include_dir` line; PostgreSQL reads the file(s) in place. */
export interface Directive {
  kind: DirectiveKind;
  keySpan: Span;
  /** The path as PostgreSQL gets it (de-escaped); relative paths start at this file's folder. */
  value: string;
  valueSpan: Span;
}

/** A line PostgreSQL's reader rejects: it logs `syntax error in file ... near token "…"` (or `near end of line`). */
export interface SyntaxError {
  span: Span;
  /** The token PostgreSQL names, or undefined for `near end of line`. */
  near?: string;
  message: string;
}

export interface PostgresqlConfFile {
  /** Absolute path of the file (relative includes start at its folder). */
  path: string;
  /** The settings, in file order. */
  settings: Setting[];
  /** The include directives, in file order. */
  directives: Directive[];
  /** Every syntax error (PostgreSQL reads on after one, up to 100 per file, and then refuses to start). */
  syntaxErrors: SyntaxError[];
}

/** The folder of a file path (POSIX or Windows separators). */
export function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
}

/** The last segment of a path. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(i + 1);
}
