/**
 * From PostgreSQL 16, the files and folders pg_ident.conf's `include` and `include_dir` name, when `pgtls.checkFiles`
 * is on: a missing one is an error line ("could not open file", "could not open directory"), so the whole file is
 * refused, as in pg_hba.conf (hba/check/files.ts). `include_if_exists` may name nothing. An absolute name goes through
 * the path mappings (deploy/); one pgtls cannot see (a path where the server runs) is only a note.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import { pathLocator, reportNotChecked } from '../../../deploy';
import { REFUSED } from '../catalogue';
import type { PgIdentFile } from '../model';
import { R } from '../rules';

export function checkIncludeFiles(doc: SourceDocument, file: PgIdentFile, ctx: ValidateContext): void {
  if (!ctx.settings.checkFiles || ctx.settings.postgresVersion < 16 || file.includes.length === 0) return;
  const locator = pathLocator(ctx, doc.path);
  for (const inc of file.includes) {
    if (inc.kind === 'include_if_exists') continue;
    const dir = inc.kind === 'include_dir';
    const what = dir ? 'The included folder' : 'The included file';
    const name = inc.target.value;
    const loc = locator.locate(name);
    if (loc.status === 'unresolved') continue; // an unsaved document: no folder to resolve against
    if (loc.status === 'unseen') {
      reportNotChecked(ctx, loc, inc.target.span, `${what} \`${name}\`: `);
      continue;
    }
    if (loc.stat && (dir ? !loc.stat.isFile : loc.stat.isFile)) continue;
    const where = loc.via ? `${loc.via.shown}, mapped by ${loc.via.mapping.origin}` : loc.path;
    const logged = dir ? 'could not open directory' : 'could not open file';
    ctx.report(R['missing-include-file'], inc.target.span, `${what} \`${name}\` does not exist (${where}): PostgreSQL logs "${logged}". ${REFUSED}. Create it or fix the name${loc.via ? ' or the mapping' : ''}, or write \`include_if_exists\`.`);
  }
}
