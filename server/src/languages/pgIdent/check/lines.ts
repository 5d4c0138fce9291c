/**
 * The pg_ident.conf lines on their own: what makes PostgreSQL refuse the file (per `pgtls.postgresVersion`), ignored
 * fields, database users whose meaning changed in 16, `\1` substitutions that cannot work, and regular-expression traps.
 */
import type { ValidateContext } from '../../../core/language';
import { REFUSED } from '../catalogue';
import { appliesTo, type IdentEntry, type PgIdentFile } from '../model';
import { R } from '../rules';

export function checkLoadErrors(file: PgIdentFile, ctx: ValidateContext): void {
  const version = ctx.settings.postgresVersion;
  for (const e of file.loadErrors) {
    if (!appliesTo(e.versions, version)) continue;
    switch (e.kind) {
      case 'missing-field':
        ctx.report(R['missing-field'], e.span, `This line has ${e.line.fields.length} field${e.line.fields.length === 1 ? '' : 's'}, but a map line needs three (map name, system user, database user): PostgreSQL logs "missing entry at end of line". ${REFUSED}. Add the missing fields or comment the line out with \`#\`.`);
        break;
      case 'multiple-values':
        ctx.report(R['multiple-values'], e.span, `A pg_ident.conf field takes one value, not a comma list (PostgreSQL logs "multiple values in ident field"). ${REFUSED}. Write one line per value, or quote a name that contains a comma.`);
        break;
      case 'invalid-regex':
        ctx.report(R['invalid-regex'], e.span, `PostgreSQL compiles a name starting with \`/\` as a regular expression and rejects this one (${e.postgres.replace(/^invalid regular expression "[\s\S]*": /, '')}). ${REFUSED}. Fix the expression (PostgreSQL's are not JavaScript's: see the hover).`);
        break;
      case 'include-needs-pg16': {
        const inc = file.includes.find(i => i.line === e.line);
        ctx.report(R['include-needs-pg16'], e.span, `\`${inc?.kind ?? 'include'}\` is a directive in pg_ident.conf only from PostgreSQL 16 on; PostgreSQL ${version} reads a map line with a missing field. ${REFUSED}. Copy the included lines here, or raise \`pgtls.postgresVersion\`.`);
        break;
      }
    }
  }
}

export function checkEntries(file: PgIdentFile, ctx: ValidateContext): void {
  const version = ctx.settings.postgresVersion;
  for (const e of file.entries) {
    if (e.extra.length > 0) {
      const first = e.extra[0]!.tokens[0]!;
      const last = e.extra[e.extra.length - 1]!;
      ctx.report(R['extra-field'], [first.start, last.tokens[last.tokens.length - 1]!.end], `PostgreSQL ignores everything after the database user \`${e.user.value}\`, so this line maps to \`${e.user.value}\` only; start a comment with \`#\`, or quote a name that contains a blank.`);
    }
    if (version < 16 && e.userForm !== 'name') {
      const what = e.userForm === 'all' ? '`all` (any role from 16 on)' : e.userForm === 'group' ? `\`${e.user.value}\` (a member of role \`${e.user.value.slice(1)}\` from 16 on)` : `\`${e.user.value}\` (a regular expression from 16 on)`;
      ctx.report(R['user-syntax-needs-pg16'], e.user.span, `PostgreSQL ${version} takes the database user ${what} as a literal role name, so this line only lets the system user in as a role of exactly that name; write one line per role, or raise \`pgtls.postgresVersion\`.`);
    }
    checkBackreference(e, version, ctx);
    checkRegexTraps(e, ctx);
  }
}

function checkBackreference(e: IdentEntry, version: number, ctx: ValidateContext): void {
  const at = e.user.value.indexOf('\\1');
  if (at < 0) return;
  const substituted = !!e.systemRegex && (version < 16 || (e.userForm !== 'group' && e.userForm !== 'regex'));
  if (!substituted) {
    const why = !e.systemRegex
      ? `the system user \`${e.system.value}\` is not a regular expression (it does not start with \`/\`)`
      : `from PostgreSQL 16 a database user that is ${e.userForm === 'group' ? 'a `+group`' : 'a regular expression'} is never substituted`;
    ctx.report(R['backreference-not-substituted'], e.user.span, `\`\\1\` is only replaced by the first capturing group of the system user's regular expression, but ${why}; PostgreSQL takes \`${e.user.value}\` literally.`);
    return;
  }
  const re = e.systemRegex!;
  if (re.kind === 'ok' && re.groups === 0) {
    ctx.report(R['backreference-without-group'], e.user.span, `\`\\1\` asks for the first capturing group of \`${e.system.value}\`, which has none: every login this line matches is refused (PostgreSQL logs "has no subexpressions as requested by backreference") and later lines of map \`${e.map.value}\` are not tried; put the part to copy in parentheses, e.g. \`/^(.*)@example\\.com$\`.`);
  }
}

function checkRegexTraps(e: IdentEntry, ctx: ValidateContext): void {
  const re = e.systemRegex;
  if (!re || re.kind !== 'ok') return;
  const offset = e.system.start + 1;
  for (const b of re.backspaces) {
    // Inside quotes the value's offsets no longer match the source: then the whole name is marked.
    ctx.report(R['regex-backspace'], e.system.quoted ? e.system.span : [offset + b, offset + b + 2], '`\\b` is a backspace character in PostgreSQL\'s regular expressions, not a word boundary, so this never matches a user name; use `\\y` for a word boundary, or `^`/`$` to anchor the whole name.');
  }
  if (!re.anchoredStart || !re.anchoredEnd) {
    const missing = !re.anchoredStart && !re.anchoredEnd ? '`^` and `$`' : !re.anchoredStart ? '`^`' : '`$`';
    ctx.report(R['unanchored-regex'], e.system.span, `Without ${missing}, \`${e.system.value}\` matches any system user that merely contains the pattern; anchor it (\`/^…$\`) unless that is meant.`);
  }
}
