/**
 * Runs the auth_file checks: how PgBouncer reads the lines (lines.ts), then what each password is (values.ts).
 * Everything is reported through `ctx.report` with the rules of ../rules.ts.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { UserlistFile } from '../model';
import { checkLines } from './lines';
import { checkValues } from './values';

export function check(_doc: SourceDocument, file: UserlistFile, ctx: ValidateContext): void {
  checkLines(file, ctx);
  checkValues(file, ctx);
}
