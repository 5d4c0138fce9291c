/**
 * Runs every postgresql.conf check: syntax (syntax.ts), the include directives and the names and values of the
 * effective settings (settings.ts), TLS and the auth file locations (tls.ts). Everything is reported through `ctx.report` with the rules of ../rules.ts.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import { pathLocator } from '../../../deploy';
import { effectiveSettings } from '../effective';
import type { PostgresqlConfFile } from '../model';
import { checkRecoveryTargets, checkWalConsistency } from './hooks';
import { checkIncludes } from './includes';
import { checkSettings } from './settings';
import { checkSyntax } from './syntax';
import { checkTls } from './tls';

export function check(doc: SourceDocument, file: PostgresqlConfFile, ctx: ValidateContext): void {
  checkSyntax(file, ctx);
  const locator = ctx.settings.checkFiles ? pathLocator(ctx, doc.path) : undefined;
  const eff = effectiveSettings(doc.path, file, { parseSibling: ctx.parseSibling, env: ctx.env, ...(locator ? { locator } : {}) });
  checkIncludes(eff.problems, ctx);
  checkSettings(doc, eff.settings, ctx);
  checkRecoveryTargets(eff.settings, ctx);
  checkWalConsistency(eff.settings, ctx);
  checkTls(doc, eff.settings, ctx);
}
