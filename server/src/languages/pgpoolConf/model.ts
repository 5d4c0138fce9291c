/**
 * The parsed form of a pgpool.conf file, shared by the pgpool.conf rules, the TLS rules and the pool_hba.conf
 * cross-file rules. Produced by `parse.ts`, which follows Pgpool-II's own lexer (src/config/pool_config.l).
 */
import type { Fix, Span } from '../../core/types';

export type TokenKind = 'key' | 'integer' | 'real' | 'string' | 'unquoted' | 'equals' | 'eol' | 'error';

export interface Token {
  kind: TokenKind;
  span: Span;
  /** The token's source text (a string token keeps its quotes). */
  text: string;
}

/** One `KEY [=] VALUE` statement. */
export interface Assignment {
  /** The key exactly as written, e.g. `backend_hostname0`. */
  key: string;
  keySpan: Span;
  /** The parameter name without its index, e.g. `backend_hostname` (equal to `key` for plain parameters). */
  name: string;
  /** The array index, when the key carries digits after a known array parameter's name. */
  index?: number;
  /** The value as Pgpool-II stores it: quotes removed, backslashes kept, nothing unescaped. */
  value: string;
  /** The value token's span (quotes included); an empty span where the value is missing. */
  valueSpan: Span;
  valueKind: TokenKind;
  /** The `=` token's span, if there was one. */
  equalsSpan?: Span;
  /** 0-based line of the key. */
  line: number;
  /** The key was followed by the end of the line or file: Pgpool-II gets a line break (or nothing); `value` is `''`. */
  missingValue?: boolean;
  /**
   * The statement came out of the pieces of another statement's value that Pgpool-II's lexer split apart
   * (`child_life_time = 5 min` gives a statement `min`). Pgpool-II applies it; the user did not write it as a setting.
   */
  phantom?: boolean;
  /**
   * The statement sits on a line with a syntax error, so Pgpool-II never applies it; `value`/`valueSpan` then hold
   * the whole text the user meant as the value (e.g. an unquoted path), so that later checks still see it.
   */
  recovered?: boolean;
}

/** An `include = 'file'` statement; Pgpool-II reads the file in place (relative paths from this file's folder). */
export interface Include {
  keySpan: Span;
  value: string;
  valueSpan: Span;
  line: number;
  missingValue?: boolean;
}

/**
 * How a value was split, for the rules that know the parameter's type: quoting the whole text is the right advice for
 * a string (`'/var/run'`), but not for a number followed by stray characters (`port = 9999;`).
 */
export interface ValueSplit {
  /** The statement whose value was split. */
  target: Assignment | Include;
  /** Why the value was split (the middle of the message). */
  reason: string;
  /** What Pgpool-II then does (the middle of the message). */
  outcome: string;
  /** The first token of the value, which Pgpool-II takes as the value. */
  first: Span;
  firstKind: TokenKind;
}

/** A value that Pgpool-II's lexer splits into several statements without any error. */
export interface QuotingProblem {
  /** The whole text the user meant as the value. */
  span: Span;
  message: string;
  fixes?: Fix[];
  split?: ValueSplit;
}

/** A byte-order mark at the start of the file, which Pgpool-II reads as part of the first name. */
export interface BomProblem {
  span: Span;
  message: string;
  /** True when the mark turns the first line into a syntax error (Pgpool-II does not start). */
  fatal: boolean;
}

export interface SyntaxError {
  span: Span;
  message: string;
  fixes?: Fix[];
  /** Set when the error is a value that the lexer split (the whole value is `span`). */
  split?: ValueSplit;
}

export interface PgpoolConfFile {
  /** Absolute path of the file (used to resolve relative paths against its folder). */
  path: string;
  assignments: Assignment[];
  /** Syntax errors: Pgpool-II stops at the first one (FATAL); we report each for the editor's sake. */
  syntaxErrors: SyntaxError[];
  /** `include` statements, in file order. */
  includes?: Include[];
  /** Values that Pgpool-II silently splits into several statements. */
  quotingProblems?: QuotingProblem[];
  bom?: BomProblem;
}

const BOOL_WORDS: [string, boolean][] = [['true', true], ['false', false], ['yes', true], ['no', false], ['on', true], ['off', false], ['1', true], ['0', false]];

/**
 * Pgpool-II's boolean parser (`parse_bool_with_len`): case-insensitive, any unique prefix of true/false/yes/no/on/off,
 * or 1/0. Returns `undefined` for anything else, which Pgpool-II silently treats as ON.
 */
export function parseBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (v.length === 0) return undefined;
  const hits = BOOL_WORDS.filter(([w]) => w.startsWith(v) && (w.length > 1 || w === v));
  if (v === 'o') return undefined; // ambiguous between on and off
  if (hits.length === 0) return undefined;
  const first = hits[0]![1];
  return hits.every(h => h[1] === first) ? first : undefined;
}

/**
 * The boolean Pgpool-II ends up with from a parameter's winning assignment: none gives `dflt`; a value that
 * `parse_bool_with_len` rejects counts as ON (Pgpool-II stores the result of the failed parse into the bool anyway).
 * The one reading of "the effective boolean": `settingBool` (with includes) and the checks across parameters use it.
 */
export function boolOf(a: Pick<Assignment, 'value'> | undefined, dflt: boolean): boolean {
  return a ? parseBool(a.value) ?? true : dflt;
}

/** The folder of a file path (POSIX or Windows separators). */
export function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? (i === 0 ? '/' : '.') : path.slice(0, i);
}
