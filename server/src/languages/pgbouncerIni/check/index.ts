/** Runs every pgbouncer.ini check: the structure and values (structure.ts), then TLS and authentication (tls.ts), the client ECDHE curve (curves.ts). */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { PgbouncerIniFile } from '../model';
import { makeCheck } from './common';
import { checkStructure } from './structure';
import { checkTls } from './tls';
import { checkCurves } from './curves';

export function check(doc: SourceDocument, file: PgbouncerIniFile, ctx: ValidateContext): void {
  const c = makeCheck(doc, file, ctx);
  checkStructure(c);
  const quotedKeyError = !c.release.quotedKeys && file.entries.some(e => e.st.quotedKey);
  if (!file.firstError && !quotedKeyError) checkTls(c);
  if (!file.firstError && !quotedKeyError) checkCurves(c);
}
