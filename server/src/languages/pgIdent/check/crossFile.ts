/**
 * pg_ident.conf against the pg_hba.conf in the same folder (where PostgreSQL's defaults put both): maps that no
 * `map=` option names. Silent when there is no such pg_hba.conf, or when it includes other files (16+), whose lines
 * pgtls does not follow from here.
 */
import type { ValidateContext } from '../../../core/language';
import type { HbaFile } from '../../hba';
import { hbaBeside } from '../catalogue';
import type { PgIdentFile } from '../model';
import { R } from '../rules';

/** The `map=` values of the pg_hba.conf beside this file, or undefined when pgtls cannot know them all. */
export function mapsUsedBeside(file: PgIdentFile, ctx: Pick<ValidateContext, 'parseSibling'>): Map<string, string[]> | undefined {
  const hba = ctx.parseSibling<HbaFile>(hbaBeside(file.path), 'pg-hba')?.file;
  if (!hba || hba.includes.length > 0) return undefined;
  const used = new Map<string, string[]>();
  for (const r of hba.records) {
    for (const o of r.options) {
      if (o.name !== 'map') continue;
      const list = used.get(o.value) ?? [];
      list.push(r.method);
      used.set(o.value, list);
    }
  }
  return used;
}

export function checkUnusedMaps(file: PgIdentFile, ctx: ValidateContext): void {
  if (file.maps.size === 0) return;
  const used = mapsUsedBeside(file, ctx);
  if (!used) return;
  for (const [name, entries] of file.maps) {
    if (used.has(name)) continue;
    ctx.report(R['unused-map'], entries[0]!.map.span, `No \`map=${name}\` option in the pg_hba.conf beside this file names map \`${name}\`, so PostgreSQL never consults its ${entries.length} line${entries.length === 1 ? '' : 's'}; add \`map=${name}\` to the pg_hba.conf lines (cert, peer, ident, gss, sspi) meant to use it, or remove it.`);
  }
}
