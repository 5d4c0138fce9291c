/** pg_hba.conf features of PostgreSQL 16: include directives, and database or user names that are regular expressions. */
import type { ValidateContext } from '../../../core/language';
import { judgeRegex } from '../../../core/pgRegex';
import type { HbaFile } from '../model';
import { rejectTail } from '../problems';
import { PG_HBA } from '../rules';

/** Reports what `pgtls.postgresVersion` does not support or cannot compile; returns how many errors reject the file. */
export function checkPostgresVersion(file: HbaFile, ctx: ValidateContext): number {
  const version = ctx.settings.postgresVersion;
  let errors = 0;
  const tail = rejectTail('postgres');
  if (version < 16) {
    for (const inc of file.includes) {
      errors++;
      ctx.report(PG_HBA['include-needs-pg16'], inc.keyword.span, `\`${inc.kind}\` directives exist from PostgreSQL 16 on, and PostgreSQL ${version} reads this line as a record with the invalid connection type \`${inc.kind}\`; copy the included records here or raise \`pgtls.postgresVersion\`; ${tail}.`);
    }
  }
  for (const r of file.records) {
    for (const t of [...r.databases, ...r.users]) {
      if (!t.value.startsWith('/')) continue;
      if (version < 16) {
        ctx.report(PG_HBA['regex-needs-pg16'], t.span, `\`${t.value}\` is a regular expression only from PostgreSQL 16 on; PostgreSQL ${version} takes it as a plain name, so the line only matches a name with exactly that text; list the names instead.`);
        continue;
      }
      const bad = regexProblem(t.value.slice(1));
      if (bad) {
        errors++;
        ctx.report(PG_HBA['invalid-regex'], t.span, `\`${t.value}\` is treated as a regular expression (it starts with \`/\`, quoted or not), but it does not compile (${bad}); fix the expression (a name that itself starts with \`/\` is matched by \`/^/name$\`); ${tail}.`);
      }
    }
  }
  return errors;
}

/**
 * What PostgreSQL 16+ says when it compiles the expression (core/pgRegex.ts: its ARE compiler's errors, found by a scan
 * that never runs the pattern); `undefined` when it compiles or when the scan cannot be sure.
 */
export function regexProblem(src: string): string | undefined {
  const v = judgeRegex(src);
  return v.kind === 'error' ? `PostgreSQL says: invalid regular expression: ${v.message}` : undefined;
}
