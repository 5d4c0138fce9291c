/**
 * The parsed pg_ident.conf: its entries (map name, system user, database user), its include directives (PostgreSQL
 * 16+), and what makes PostgreSQL refuse the file, kept as data with the versions it applies to (the parser reports
 * nothing; check/ does). The hba room reads this model (type only) for its `map=` checks.
 */
import type { Span } from '../../core/types';
import type { IdentField, IdentLine, IdentToken } from './lexer';
import type { RegexVerdict } from '../../core/pgRegex';

/** Which PostgreSQL versions a fact holds for: 15 reads pg_ident.conf differently from 16 and 17. */
export type Versions = 'all' | 'before16' | 'from16';

export function appliesTo(v: Versions, version: number): boolean {
  return v === 'all' || (v === 'before16' ? version < 16 : version >= 16);
}

/** What the database-user field is, from PostgreSQL 16 on (before 16 it is always a literal name). */
export type UserForm = 'name' | 'all' | 'group' | 'regex';

export interface IdentEntry {
  line: IdentLine;
  map: IdentToken;
  system: IdentToken;
  user: IdentToken;
  /** Fields after the third: PostgreSQL ignores them. */
  extra: IdentField[];
  /** The system user as PostgreSQL compiles it, when it starts with `/`. */
  systemRegex?: RegexVerdict;
  /** The database user's meaning from 16 on (`all`, `+group`, `/regex`; unquoted keywords only). */
  userForm: UserForm;
  /** The database user compiled as a regular expression (16+), when it starts with `/`. */
  userRegex?: RegexVerdict;
}

export type LoadErrorKind = 'missing-field' | 'multiple-values' | 'invalid-regex' | 'include-needs-pg16';

/** Something that makes PostgreSQL refuse the whole file (for the versions in `versions`). */
export interface LoadError {
  kind: LoadErrorKind;
  versions: Versions;
  line: IdentLine;
  span: Span;
  /** PostgreSQL's own words for it (from its log), without the line context. */
  postgres: string;
}

export interface IdentInclude {
  line: IdentLine;
  keyword: IdentToken;
  kind: 'include' | 'include_if_exists' | 'include_dir';
  target: IdentToken;
}

export interface PgIdentFile {
  path: string;
  text: string;
  lines: IdentLine[];
  /** Lines that parse as entries (on every version), in order. */
  entries: IdentEntry[];
  /** Two-field lines whose first word is an include keyword: directives from 16 on, broken lines before. */
  includes: IdentInclude[];
  loadErrors: LoadError[];
  /** The first error that makes PostgreSQL 15 (`before16`) or 16/17 (`from16`) refuse the file, if any. */
  refused: { before16: LoadError | undefined; from16: LoadError | undefined };
  /** Entries by map name, in file order (what `map=` in pg_hba.conf looks up). */
  maps: ReadonlyMap<string, IdentEntry[]>;
  /** A field is an `@file` reference: its tokens come from a file pgtls does not read here. */
  atFiles: boolean;
}
