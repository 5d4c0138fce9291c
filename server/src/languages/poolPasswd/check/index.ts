/**
 * Runs the pool_passwd checks: how the lines are read (lines.ts), then what each value is (values.ts). Everything is
 * reported through `ctx.report` with the rules of ../rules.ts.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { PoolPasswdFile } from '../model';
import { checkLines } from './lines';
import { checkValues } from './values';

export function check(_doc: SourceDocument, file: PoolPasswdFile, ctx: ValidateContext): void {
  checkLines(file, ctx);
  checkValues(file, ctx);
}
