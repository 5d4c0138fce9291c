/**
 * Hover for pg_ident.conf: on a map name, which pg_hba.conf lines beside it use the map and what the system user is
 * for their method (the certificate's CN for `cert`); on a system user, literal or regular expression (how
 * PostgreSQL's expressions differ from JavaScript's); on a database user, its meaning per version; on a directive,
 * what it does.
 */
import type { FeatureContext } from '../../core/language';
import type { HoverResult } from '../../core/types';
import { INCLUDE_DOC, SYSTEM_USER } from './catalogue';
import { mapsUsedBeside } from './check/crossFile';
import type { IdentEntry, PgIdentFile } from './model';

const inside = (span: readonly [number, number], offset: number): boolean => span[0] <= offset && offset <= span[1];

export function hover(file: PgIdentFile, offset: number, ctx: FeatureContext): HoverResult | undefined {
  for (const inc of file.includes) {
    if (inside(inc.keyword.span, offset)) {
      return { span: inc.keyword.span, markdown: `**${inc.kind}** · pg_ident.conf directive (PostgreSQL 16+)\n\n${INCLUDE_DOC[inc.kind]}` };
    }
  }
  const e = file.entries.find(x => inside([x.map.start, x.user.end], offset));
  if (!e) return undefined;
  if (inside(e.map.span, offset)) return { span: e.map.span, markdown: describeMap(file, e, ctx) };
  if (inside(e.system.span, offset)) return { span: e.system.span, markdown: describeSystem(e) };
  if (inside(e.user.span, offset)) return { span: e.user.span, markdown: describeUser(e, ctx.settings.postgresVersion) };
  return undefined;
}

function describeMap(file: PgIdentFile, e: IdentEntry, ctx: FeatureContext): string {
  const lines = file.maps.get(e.map.value)?.length ?? 1;
  const head = `**${e.map.value}** · user-name map, ${lines} line${lines === 1 ? '' : 's'}\n\nPostgreSQL consults this map for a pg_hba.conf line with \`map=${e.map.value}\`: a login as database user U, authenticated as system user S, is allowed when a line of the map matches S and U (the first line that matches decides).`;
  const used = mapsUsedBeside(file, ctx);
  if (!used) return head;
  const methods = [...new Set(used.get(e.map.value) ?? [])];
  if (methods.length === 0) return `${head}\n\nNo line of the pg_hba.conf beside this file uses it.`;
  return `${head}\n\nUsed by the pg_hba.conf beside this file, where the system user is:\n${methods.map(m => `- \`${m}\`: ${SYSTEM_USER[m] ?? 'not mapped (PostgreSQL accepts `map=` only on cert, peer, ident, gss and sspi lines)'}`).join('\n')}`;
}

function describeSystem(e: IdentEntry): string {
  const re = e.systemRegex;
  if (!re) return `**${e.system.value}** · system user (exact match)\n\nMatched exactly against the authenticated name: for \`cert\` the certificate's CN, for \`peer\` the operating-system user. Start it with \`/\` to make it a regular expression.`;
  const groups = re.kind === 'ok' ? `; ${re.groups} capturing group${re.groups === 1 ? '' : 's'} (\`\\1\` in the database user is the first)` : '';
  return `**${e.system.value}** · system user, regular expression${groups}\n\nCompiled by PostgreSQL's own engine (Spencer's advanced regular expressions), not JavaScript's: \`\\b\` is a backspace (a word boundary is \`\\y\`), there are no named groups, \`\\z\`, \`\\k\` or \`\\p{…}\`, and an option such as \`(?i)\` may only open the expression. Anchor it with \`^…$\` so it cannot match a name that merely contains it.`;
}

function describeUser(e: IdentEntry, version: number): string {
  const v = e.user.value;
  if (version >= 16 && e.userForm === 'all') return '**all** · any database user (PostgreSQL 16+)\n\nThe system user may log in as any role. Quote it (`"all"`) for a role named all.';
  if (version >= 16 && e.userForm === 'group') return `**${v}** · members of role \`${v.slice(1)}\` (PostgreSQL 16+)\n\nThe system user may log in as any role that is a direct or indirect member of \`${v.slice(1)}\` (superuser status does not count).`;
  if (version >= 16 && e.userForm === 'regex') return `**${v}** · database user, regular expression (PostgreSQL 16+)\n\nAny role whose name matches; \`\\1\` is not substituted here.`;
  const sub = v.includes('\\1') && e.systemRegex ? ' `\\1` is replaced by the first capturing group of the system user\'s expression.' : '';
  return `**${v}** · database user\n\nThe role the system user may log in as (exact match, unless \`pgtls.postgresVersion\` is 16+ and it is \`all\`, \`+group\` or \`/regex\`).${sub}`;
}
