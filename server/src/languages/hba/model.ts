/**
 * The parsed HBA file: the records the server would load, the include directives, and the problems the parser met,
 * kept as data (the parser reports nothing; check/index.ts reports them). Lines and tokens come from lexer.ts.
 */
import type { FindingExtra } from '../../core/rules';
import type { RuleMeta, Span } from '../../core/types';
import type { IpAddress } from './address';
import type { ConnType, Method } from './catalogue';
import type { Dialect, HbaLine, HbaToken } from './lexer';

/** What a field of a line stands for (by position; hover and completion use it on lines with errors too). */
export type FieldRole = 'type' | 'database' | 'user' | 'address' | 'netmask' | 'method' | 'option' | 'include-keyword' | 'include-target';

/** A problem the parser found: a rule of the file's dialect, where, what, and the report's extras. */
export interface HbaProblem {
  rule: RuleMeta;
  span: Span;
  message: string;
  extra: FindingExtra;
  /**
   * PgBouncer's auth_hba_file only: the line is skipped by every release (`true`), or by the releases before this one
   * (syntax a later release added).
   */
  skips?: true | string;
}

export interface HbaAddress {
  token: HbaToken;
  kind: 'all' | 'samehost' | 'samenet' | 'ip' | 'hostname';
  ip?: IpAddress;
  /** The mask in bytes (from `/bits` or the netmask field). */
  mask?: number[];
  bits?: number;
  maskToken?: HbaToken;
}

export interface HbaOption {
  token: HbaToken;
  name: string;
  value: string;
  nameSpan: Span;
  valueSpan: Span;
}

export interface HbaRecord {
  line: HbaLine;
  typeToken: HbaToken;
  conn: ConnType;
  databases: HbaToken[];
  users: HbaToken[];
  address?: HbaAddress;
  methodToken: HbaToken;
  /** The method as written (valid for the dialect). */
  method: Method;
  options: HbaOption[];
}

export interface IncludeDirective {
  line: HbaLine;
  keyword: HbaToken;
  kind: 'include' | 'include_if_exists' | 'include_dir';
  target: HbaToken;
}

export interface HbaFile {
  dialect: Dialect;
  path: string;
  text: string;
  /** Logical lines that hold fields (or a tokenizer error), in order. */
  lines: HbaLine[];
  /** Records that parsed without error: what the server would load. */
  records: HbaRecord[];
  /** Records the server would load despite a logged problem are in `records` too; this counts rejected lines. */
  rejectedLines: number;
  includes: IncludeDirective[];
  /** What the parser found, in the order it found it: errors that reject a line, and notes on lines that load. */
  problems: HbaProblem[];
}
