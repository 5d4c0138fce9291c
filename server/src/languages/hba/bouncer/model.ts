/**
 * The parsed auth_hba_file: every line PgBouncer loads as a record, and the problems found on the others (kept as
 * data; check.ts reports them). Tokens come from lexer.ts; the record parser is parse.ts.
 */
import type { ConnType, Method } from '../catalogue';
import type { HbaToken } from '../lexer';
import type { HbaAddress, HbaProblem } from '../model';
import type { BouncerLine } from './lexer';

export interface BouncerRecord {
  line: BouncerLine;
  typeToken: HbaToken;
  conn: ConnType;
  databases: HbaToken[];
  users: HbaToken[];
  /** Absent on `local` lines. */
  address?: HbaAddress;
  methodToken: HbaToken;
  method: Method;
}

export interface BouncerHbaFile {
  dialect: 'pgbouncer';
  path: string;
  text: string;
  lines: BouncerLine[];
  /** The lines PgBouncer 1.18 loads, in order (a line with newer syntax is not among them). */
  records: BouncerRecord[];
  /** Lines PgBouncer 1.18 skips. */
  skipped: number;
  problems: HbaProblem[];
}
