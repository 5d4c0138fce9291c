/**
 * The auth_hba_file checks: what the parser found (lines PgBouncer skips, addresses that never match), `@file` lists
 * that do not exist (with `pgtls.checkFiles`), methods that can never succeed on their connection type, and a file
 * from which PgBouncer loads nothing. Every finding goes through `ctx.report` with the rules of `PGB_HBA`.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import { pathLocator, reportNotChecked } from '../../../deploy';
import { PGB_HBA as R } from '../rules';
import { SKIP_TAIL } from './catalogue';
import type { BouncerHbaFile } from './model';

export function checkBouncerHba(doc: SourceDocument, file: BouncerHbaFile, ctx: ValidateContext): void {
  for (const p of file.problems) ctx.report(p.rule, p.span, p.message, p.extra);
  const missing = checkNameFiles(doc, file, ctx);
  for (const r of file.records) {
    if (r.method === 'peer' && r.conn !== 'local') {
      ctx.report(R['method-connection-type'], r.methodToken.span, `\`peer\` works only on Unix-socket connections: PgBouncer loads this \`${r.conn}\` line, but refuses every login it matches ("unix socket login rejected"). Use \`local\` with \`peer\`, or a password method or \`cert\` here.`);
    } else if (r.method === 'cert' && (r.conn === 'local' || r.conn === 'hostnossl')) {
      ctx.report(R['method-connection-type'], r.methodToken.span, `\`cert\` needs a TLS connection with a client certificate, which a \`${r.conn}\` line never has: PgBouncer refuses every login it matches ("TLS connection required"). Use \`hostssl\`.`);
    }
  }
  if (file.records.length === 0 && missing === 0 && !file.problems.some(p => p.rule === R['newer-pgbouncer'])) {
    ctx.report(R['no-entries'], [0, 0], 'PgBouncer loads no line from this auth_hba_file, so with `auth_type = hba` it refuses every login ("login rejected"); add at least one line such as `hostssl all all 0.0.0.0/0 scram-sha-256`.');
  }
}

/** `@file` name lists that do not exist; returns how many lines that skips. */
function checkNameFiles(doc: SourceDocument, file: BouncerHbaFile, ctx: ValidateContext): number {
  if (!ctx.settings.checkFiles) return 0;
  const locator = pathLocator(ctx, doc.path);
  let errors = 0;
  for (const r of file.records) {
    for (const t of [...r.databases, ...r.users]) {
      if (t.include === undefined) continue;
      const loc = locator.locate(t.include);
      if (loc.status === 'unresolved') continue;
      if (loc.status === 'unseen') { reportNotChecked(ctx, loc, t.span, `The name list \`@${t.include}\`: `); continue; }
      if (loc.stat?.isFile) continue;
      errors++;
      const where = loc.via ? `${loc.via.shown}, mapped by ${loc.via.mapping.origin}` : loc.path;
      ctx.report(R['missing-include-file'], t.span, `The name list \`@${t.include}\` does not exist (${where}); create it or fix the name; ${SKIP_TAIL}.`);
    }
  }
  return errors;
}
