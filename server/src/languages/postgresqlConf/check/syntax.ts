/** Syntax errors, as the parser recorded them (PostgreSQL's own "syntax error in file … near …"). */
import type { ValidateContext } from '../../../core/language';
import type { PostgresqlConfFile } from '../model';
import { R } from '../rules';

export function checkSyntax(file: PostgresqlConfFile, ctx: ValidateContext): void {
  for (const e of file.syntaxErrors) ctx.report(R['syntax-error'], e.span, e.message);
}
