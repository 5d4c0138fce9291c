/**
 * Runs the pg_ident.conf checks: what makes PostgreSQL refuse the file, then each entry (lines.ts), then the
 * pg_hba.conf beside it (crossFile.ts). Everything goes through `ctx.report` with the rules of ../rules.ts.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { PgIdentFile } from '../model';
import { checkUnusedMaps } from './crossFile';
import { checkEntries, checkLoadErrors } from './lines';

export function check(_doc: SourceDocument, file: PgIdentFile, ctx: ValidateContext): void {
  checkLoadErrors(file, ctx);
  checkEntries(file, ctx);
  checkUnusedMaps(file, ctx);
}
