/**
 * The checks of a parsed HBA file, in the order they report: the parser's problems, what depends on the settings
 * (PostgreSQL version, file checks), an empty file, the sibling pgpool.conf (pool_hba.conf only), the security
 * advice, line order and intent, then (pg_hba.conf only) the lines pgpool's own connections reach. Every finding goes through `ctx.report` with the rule of the file's dialect.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { HbaFile } from '../model';
import { rulesFor } from '../rules';
import { adviseRecords } from './advice';
import { checkWithPgpoolConf } from './crossFile';
import { checkBehindPgpool } from './behindPgpool';
import { checkIncludeFiles } from './files';
import { checkPoolPasswdEntries } from './poolPasswd';
import { checkIntent } from './intent';
import { checkLineOrder } from './reachability';
import { checkPostgresVersion } from './version';
import { checkIdentMaps } from './identMap';
import { checkWithPostgresqlConf } from './postgresqlConf';

export function check(doc: SourceDocument, file: HbaFile, ctx: ValidateContext): void {
  for (const p of file.problems) ctx.report(p.rule, p.span, p.message, p.extra);

  const versionErrors = file.dialect === 'postgres' ? checkPostgresVersion(file, ctx) : 0;
  const fileErrors = checkIncludeFiles(doc, file, ctx);
  if (file.records.length === 0 && file.rejectedLines === 0 && versionErrors === 0 && fileErrors === 0 && file.includes.length === 0) {
    ctx.report(rulesFor(file.dialect)['no-entries'], [0, 0], file.dialect === 'pgpool'
      ? 'pool_hba.conf has no records, which pgpool treats as an erroneous file: after a start every client login fails, and a reload keeps the old rules; add at least one line such as `hostssl all all 0.0.0.0/0 scram-sha-256`.'
      : 'pg_hba.conf has no records, so PostgreSQL refuses it (nobody could connect): it does not start, and a reload keeps the old rules; add at least one line such as `local all postgres peer`.');
  }

  const pgConf = file.dialect === 'postgres' ? checkWithPostgresqlConf(doc, file, ctx) : undefined;
  const sslKnownOff = file.dialect === 'pgpool' ? checkWithPgpoolConf(doc, file, ctx) : !!pgConf?.sslOff;
  if (file.dialect === 'pgpool') checkPoolPasswdEntries(doc, file, ctx);
  adviseRecords(file, ctx, sslKnownOff);
  checkLineOrder(file, ctx, sslKnownOff);
  checkIntent(file, ctx);
  checkBehindPgpool(doc, file, ctx);
  if (file.dialect === 'postgres' && pgConf?.identPath !== null) checkIdentMaps(doc, file, ctx, pgConf?.identPath);
}
