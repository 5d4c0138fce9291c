/** Runs every pgbouncer.ini check: the included files (includes.ts), the structure and values (structure.ts), the [pgbouncer] headers that reset settings (mainReset.ts), then TLS and authentication (tls.ts), the client ECDHE curve (curves.ts). */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { PgbouncerIniFile } from '../model';
import { makeCheck } from './common';
import { checkStructure } from './structure';
import { checkTls } from './tls';
import { checkCurves } from './curves';
import { expandIncludes } from './includes';
import { checkMainResets } from './mainReset';

export function check(doc: SourceDocument, file: PgbouncerIniFile, ctx: ValidateContext): void {
  const c = makeCheck(doc, file, ctx);
  expandIncludes(c);
  checkStructure(c);
  checkMainResets(c);
  const quotedKeyError = !c.release.quotedKeys && file.entries.some(e => e.st.quotedKey);
  const includeError = [...c.followed.values()].some(r => r.firstError || r.depthExceeded);
  if (!file.firstError && !quotedKeyError && !includeError) checkTls(c);
  if (!file.firstError && !quotedKeyError && !includeError) checkCurves(c);
}
