/**
 * What the pgbouncer.ini checks share: the `[pgbouncer]` settings in effect (the last one of each name wins, as
 * `cf_set` overwrites), the selected release, and message helpers.
 */
import type { ValidateContext } from '../../../core/language';
import type { RuleMeta, SourceDocument, Span } from '../../../core/types';
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

/**
 * A `[pgbouncer]` header after [pgbouncer] settings, here or in a file an `%include` here reads: libusual's loader
 * (usual/cfparser.c `load_handler` → `fill_defaults`) sets every [pgbouncer] setting back to its default at each
 * header of that section, so the settings above it count only if they are written again below it.
 */
export interface MainReset {
  /** The header's section name, or the value of the `%include` line whose file has the header. */
  span: Span;
  /** The header is in an included file. */
  included: boolean;
  /** The settings it resets that no later line sets again (the last entry of each name). */
  lost: Entry[];
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
  /** Every entry in effect, the included ones in place, without the [pgbouncer] ones a later header resets (check/includes.ts). */
  order: Entry[];
  /** The `[pgbouncer]` headers that reset settings written above them (check/includes.ts). */
  resets: MainReset[];
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
    depth: 0, order: file.entries, resets: [], followed: new Map(), sawMain: file.statements.some(s => s.kind === 'section' && s.name === 'pgbouncer'),
  };
}

/** A value in backticks, cut after `max` characters. */
export function code(s: string, max = 60): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return `\`${t.replace(/`/g, "'")}\``;
}
