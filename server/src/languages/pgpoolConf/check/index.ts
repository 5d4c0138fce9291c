/**
 * Runs every pgpool.conf check: each statement (params.ts, values.ts), the checks across parameters (cross.ts), the
 * included files (includedFiles.ts),
 * the TLS checks (tls/), client authentication and the TLS leg to the backends (auth.ts, backends.ts). Everything is
 * reported through `ctx.report` with the rules of ../rules.ts. A template's placeholder lines are judged by template.ts;
 * what a container image adds to the file (deploy/images.ts) is seen through image.ts.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import { imageRunOf, pathLocator } from '../../../deploy';
import { effectiveSettings } from '../effective';
import type { PgpoolConfFile } from '../model';
import { checkAuthAndBackends } from './auth';
import { checkCross } from './cross';
import { checkIncludedFiles } from './includedFiles';
import { imageView, reportFragment } from './image';
import { checkParams, paramCheck } from './params';
import { checkPoolPasswdValue } from './poolPasswd';
import { templateContext } from './template';
import { checkTls } from './tls';

export function check(doc: SourceDocument, file: PgpoolConfFile, outer: ValidateContext): void {
  const ctx = templateContext(doc, outer);
  const pc = paramCheck(doc, ctx);
  const effective = checkParams(pc, file);
  checkCross({ ...pc, effective, ctx, file });
  checkIncludedFiles(doc, file, ctx);
  // The effective settings (includes expanded, through the path mappings), read once for the TLS and auth checks.
  const all = effectiveSettings(doc.path, file, ctx.parseSibling, ctx.settings.checkFiles ? pathLocator(ctx, doc.path) : undefined);
  // What a container image that runs this file adds to it (deploy/images.ts), seen with the file's own settings.
  const view = imageView(all, imageRunOf(ctx, doc.path));
  reportFragment(doc, view, ctx);
  checkTls(doc, file, ctx, all, view);
  checkPoolPasswdValue(file, ctx);
  checkAuthAndBackends(all, ctx, view);
}
