/**
 * What the pgbouncer.ini checks share: the `[pgbouncer]` settings in effect (the last one of each name wins, as
 * `cf_set` overwrites), the selected release, and message helpers.
 */
import type { ValidateContext } from '../../../core/language';
import type { RuleMeta, SourceDocument } from '../../../core/types';
import { type Catalogue, type PgbouncerVersion, type Release, catalogue, versionOf } from '../catalogue';
import type { Entry, PgbouncerIniFile, Statement } from '../model';

/** libusual's MAX_INCLUDE (usual/cfparser.c): the checked file is level 0, an `%include` read at level 10 fails. */
export const MAX_INCLUDE = 10;

/** What an `%include` brought in (check/includes.ts). */
export interface IncludeResult {
  /** The included entries in the order PgBouncer applies them, their spans at the `%include` line. */
  entries: Entry[];
  /** Some `%include` further down could not be read by pgtls. */
  opaque: boolean;
  /** A `[pgbouncer]` section header was read in the included files. */
  sawMain: boolean;
  /** The `%include` line is read at libusual's MAX_INCLUDE level: PgBouncer stops there. */
  depthExceeded?: boolean;
  /** The first error PgBouncer stops at in the included files. */
  firstError?: { rule: RuleMeta; message: string; path: string; line: number };
}

export interface Check {
  doc: SourceDocument;
  file: PgbouncerIniFile;
  ctx: ValidateContext;
  cat: Catalogue;
  version: PgbouncerVersion;
  release: Release;
  /** The winning `[pgbouncer]` entry of each setting, keyed by the name as PgBouncer compares it. */
  main: ReadonlyMap<string, Entry>;
  /** The file includes others that pgtls cannot read: a setting that is not here may be set there. */
  hasIncludes: boolean;
  /** For an included file: the section in effect at its `%include` line. */
  startSection?: string;
  /** The `%include` nesting level of this file (0: the checked file). */
  depth: number;
  /** Every entry in effect, the included ones in place (check/includes.ts). */
  order: Entry[];
  /** Per `%include` statement pgtls could read: what it brought in. */
  followed: Map<Statement, IncludeResult>;
  /** A `[pgbouncer]` header in this file or an included one. */
  sawMain: boolean;
}

export function makeCheck(doc: SourceDocument, file: PgbouncerIniFile, ctx: ValidateContext): Check {
  const cat = catalogue(ctx.env);
  const version = versionOf((ctx.settings as { pgbouncerVersion?: string }).pgbouncerVersion);
  const main = new Map<string, Entry>();
  for (const e of file.entries) if (e.section === 'pgbouncer') main.set(e.st.key, e);
  return {
    doc, file, ctx, cat, version, release: cat.releases[version], main,
    hasIncludes: file.statements.some(s => s.kind === 'include'),
    depth: 0, order: file.entries, followed: new Map(), sawMain: file.statements.some(s => s.kind === 'section' && s.name === 'pgbouncer'),
  };
}

/** A value in backticks, cut after `max` characters. */
export function code(s: string, max = 60): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return `\`${t.replace(/`/g, "'")}\``;
}
