/**
 * What the pgbouncer.ini checks share: the `[pgbouncer]` settings in effect (the last one of each name wins, as
 * `cf_set` overwrites), the selected release, and message helpers.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import { type Catalogue, type PgbouncerVersion, type Release, catalogue, versionOf } from '../catalogue';
import type { Entry, PgbouncerIniFile } from '../model';

export interface Check {
  doc: SourceDocument;
  file: PgbouncerIniFile;
  ctx: ValidateContext;
  cat: Catalogue;
  version: PgbouncerVersion;
  release: Release;
  /** The winning `[pgbouncer]` entry of each setting, keyed by the name as PgBouncer compares it. */
  main: ReadonlyMap<string, Entry>;
  /** The file includes others: a setting that is not here may be set there. */
  hasIncludes: boolean;
}

export function makeCheck(doc: SourceDocument, file: PgbouncerIniFile, ctx: ValidateContext): Check {
  const cat = catalogue(ctx.env);
  const version = versionOf((ctx.settings as { pgbouncerVersion?: string }).pgbouncerVersion);
  const main = new Map<string, Entry>();
  for (const e of file.entries) if (e.section === 'pgbouncer') main.set(e.st.key, e);
  return {
    doc, file, ctx, cat, version, release: cat.releases[version], main,
    hasIncludes: file.statements.some(s => s.kind === 'include'),
  };
}

/** A value in backticks, cut after `max` characters. */
export function code(s: string, max = 60): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return `\`${t.replace(/`/g, "'")}\``;
}
