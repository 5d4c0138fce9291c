/**
 * Hover for the auth_file: on a user name, what the entry is and which logins it serves (catalogue.ts); on a
 * password, its format and length; on a comment or where PgBouncer stops reading, what it does there. A hover never
 * shows a password, a hash, a salt or a key.
 */
import { shownUser, utf8Length } from '../../core/passwords';
import type { HoverResult } from '../../core/types';
import { CLIENT_METHODS, KIND_LABEL, SERVER_LOGIN, serves } from './catalogue';
import type { UserEntry, UserlistFile } from './model';

const inside = (span: readonly [number, number], offset: number): boolean => span[0] <= offset && offset <= span[1];

export function hover(file: UserlistFile, offset: number): HoverResult | undefined {
  const e = file.entries.find(x => inside(x.user.span, offset) || inside(x.password.span, offset));
  if (e) return inside(e.user.span, offset) ? { span: e.user.span, markdown: describeUser(file, e) } : { span: e.password.span, markdown: describePassword(e) };
  const c = file.comments.find(s => inside(s, offset));
  if (c) return { span: c, markdown: 'A comment: PgBouncer skips a line whose first character (after blanks) is `;`. A `#` line is not a comment to it.' };
  if (file.stop && offset >= file.readEnd) {
    return { span: [file.readEnd, file.text.length], markdown: 'PgBouncer never reads this part of the file: it stopped reading at the start of it ("broken auth file").' };
  }
  return undefined;
}

function describeUser(file: UserlistFile, e: UserEntry): string {
  const u = shownUser(e.user.value);
  const head = `**${u}** · auth_file entry, line ${e.line + 1}`;
  const last = file.effective.get(e.user.value)!;
  if (last !== e) return `${head}\n\nNever used: PgBouncer uses the last entry of a user, line ${last.line + 1}.`;
  const rows = CLIENT_METHODS.map(m => {
    const s = serves(e.kind, m);
    return `| \`${m}\` | ${s.ok ? `✓${s.note ? ` (${s.note})` : ''}` : `✗ "${s.says}"`} |`;
  });
  return [
    `${head}\n\nThe password is ${KIND_LABEL[e.kind]}.`,
    '\n\n| client login (`auth_type` or auth_hba_file method) | with this entry |\n| --- | --- |\n', rows.join('\n'),
    `\n\nPgBouncer also logs in to PostgreSQL as ${u} with this entry (unless the database in \`[databases]\` names its own \`user=\`): it serves ${SERVER_LOGIN[e.kind]}.`,
  ].join('');
}

function describePassword(e: UserEntry): string {
  const head = `**password of ${shownUser(e.user.value)}** · ${KIND_LABEL[e.kind]}`;
  const n = utf8Length(e.password.value);
  switch (e.kind) {
    case 'md5': return `${head}\n\n\`md5\` + 32 hexadecimal digits: md5(password + user name).`;
    case 'scram': return `${head}\n\n\`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>\`, as PostgreSQL stores it in \`pg_authid\`.`;
    case 'empty': return `${head}\n\nPgBouncer refuses password logins with an empty password.`;
    default: return `${head}\n\n${n} bytes in clear text. PgBouncer accepts passwords of up to 2047 bytes.`;
  }
}
