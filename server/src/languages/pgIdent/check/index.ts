/**
 * Runs the pg_ident.conf checks: what makes PostgreSQL refuse the file, then each entry (lines.ts), then the
 * pg_hba.conf beside it (crossFile.ts), and the files `include` directives name (includes.ts, 16+). Everything goes
 * through `ctx.report` with the rules of ../rules.ts.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { PgIdentFile } from '../model';
import { checkUnusedMaps } from './crossFile';
import { checkIncludeFiles } from './includes';
import { checkEntries, checkLoadErrors } from './lines';

export function check(doc: SourceDocument, file: PgIdentFile, ctx: ValidateContext): void {
  checkLoadErrors(file, ctx);
  checkEntries(file, ctx);
  checkUnusedMaps(file, ctx);
  checkIncludeFiles(doc, file, ctx);
}
