/**
 * How PgBouncer reads the lines of an auth_file: where it stops reading (and which users that costs), strings whose
 * closing quote is on another line, entries without a password on their line, text it skips, and users listed twice.
 * Messages name users, never passwords.
 */
import type { ValidateContext } from '../../../core/language';
import { shownUser } from '../../../core/passwords';
import type { Fix, Span } from '../../../core/types';
import type { Stop, UserEntry, UserlistFile } from '../model';
import { MAX_PASSWORD_BYTES, MAX_USER_BYTES, lineEnd } from '../parse';
import { R } from '../rules';

/** 1-based line of an offset. */
export function lineNo(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** User names that lines after `from` seem to hold (what the author meant; PgBouncer never reads them). */
function namesAfter(text: string, from: number): string[] {
  const out: string[] = [];
  const re = /^[ \t\r\f\v]*"((?:[^"\n]|"")*)"/gm;
  re.lastIndex = from;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > from) out.push(m[1]!.replace(/""/g, '"'));
    if (re.lastIndex === m.index) re.lastIndex++;
  }
  return out;
}

function lostUsers(file: UserlistFile, from: number, extra?: string): string {
  const names = [...(extra !== undefined ? [extra] : []), ...namesAfter(file.text, lineEnd(file.text, from))];
  if (names.length === 0) return 'no entry below it is read';
  const shown = names.slice(0, 5).map(shownUser).join(', ');
  return `${names.length === 1 ? 'user' : `${names.length} users`} ${shown}${names.length > 5 ? ', …' : ''} ${names.length === 1 ? 'has' : 'have'} no entry (their logins fail)`;
}

function checkStop(file: UserlistFile, stop: Stop, ctx: ValidateContext): void {
  const text = file.text;
  const at = stop.span[0];
  const u = stop.user !== undefined ? shownUser(stop.user) : '';
  switch (stop.reason) {
    case 'not-quoted': {
      const c = text[at];
      let why: string;
      let fixes: Fix[] = [];
      let span: Span = stop.span;
      if (at === 0 && file.bom) {
        span = [0, 1];
        why = 'The file starts with a byte-order mark, where PgBouncer expects the `"` of the first user name';
        fixes = [{ title: 'Remove the byte-order mark', edits: [{ span: [0, 1], newText: '' }], preferred: true }];
      } else if (c === '#') {
        why = 'Comments in an auth_file start with `;`, not `#`: PgBouncer reads this line as an entry that does not start with `"`';
        fixes = [{ title: 'Make it a `;` comment', edits: [{ span: [at, at + 1], newText: ';' }], preferred: true }];
      } else if (c === "'") {
        why = 'PgBouncer quotes user names and passwords with double quotes only (`"alice" "secret"`)';
      } else {
        why = 'Every line of an auth_file is `"user name" "password"`, both in double quotes, but this one does not start with `"`';
      }
      ctx.report(R['broken-file'], span, `${why}, so PgBouncer stops reading the file here ("broken auth file"): ${lostUsers(file, at, firstWord(text, at))}. ${fixes.length ? '' : 'Quote the user name and the password. '}`.trimEnd(), fixes.length ? { fixes } : undefined);
      return;
    }
    case 'unclosed-user':
    case 'unclosed-password':
      ctx.report(R['unclosed-quote'], stop.span, `The ${stop.reason === 'unclosed-user' ? 'user name' : `password of ${u}`} has no closing quote anywhere below, so PgBouncer stops reading the file here ("broken auth file"): ${lostUsers(file, at, stop.reason === 'unclosed-password' ? stop.user : undefined)}. Close the quote (write \`""\` for a quote inside).`);
      return;
    case 'no-password':
      ctx.report(R['missing-password'], stop.span, `User ${u} has no password: PgBouncer finds no further quote in the file and stops reading ("broken auth file"), so ${u} has no entry (its logins fail). Write \`${stop.user !== undefined && /^[^"\s]+$/.test(stop.user) ? `"${stop.user}"` : '"user"'} "password"\`.`);
      return;
    case 'user-too-long':
    case 'password-too-long': {
      const user = stop.reason === 'user-too-long';
      ctx.report(R['too-long'], stop.span, `${user ? 'This user name' : `The password of ${u}`} is too long: PgBouncer accepts fewer than ${user ? MAX_USER_BYTES : MAX_PASSWORD_BYTES} bytes (a \`""\` counts as two) and stops reading the file here ("${user ? 'username' : 'password'} too long in auth file"): ${lostUsers(file, at, stop.user)}. Shorten it.`);
    }
  }
}

/** The unquoted word at `at`, when the line looks like `alice secret` or `alice:secret` (a user name the author meant). */
function firstWord(text: string, at: number): string | undefined {
  const m = /^['#;]*([A-Za-z0-9_.@-]+)/.exec(text.slice(at, lineEnd(text, at)));
  return m && text[at] !== '#' ? m[1] : undefined;
}

function checkEntry(file: UserlistFile, e: UserEntry, ctx: ValidateContext): void {
  const text = file.text;
  const u = shownUser(e.user.value);
  if (e.user.multiline) {
    const [s] = e.user.span;
    ctx.report(R['unclosed-quote'], [s, lineEnd(text, s)], `The user name that starts here has no closing quote on this line: PgBouncer reads on to the quote on line ${lineNo(text, e.user.span[1] - 1)}, newline included, so this entry is for a user nobody logs in as. Close the quote on this line.`);
    return;
  }
  if (text.slice(e.user.span[1], e.password.span[0]).includes('\n')) {
    const next = lineNo(text, e.password.span[0]);
    ctx.report(R['missing-password'], e.user.span, `User ${u} has no password on this line: PgBouncer takes the next quoted string, on line ${next}, as its password${text.slice(lineStart(text, e.password.span[0]), e.password.span[0]).trim() === '' ? `, and skips the rest of line ${next}, so the entry there is lost` : ''}. Write the password after the user name on the same line.`);
    return;
  }
  if (e.password.multiline) {
    const [s] = e.password.span;
    ctx.report(R['unclosed-quote'], [s, lineEnd(text, s)], `The password of ${u} has no closing quote on this line: PgBouncer reads on to the quote on line ${lineNo(text, e.password.span[1] - 1)}, newline included, so the password never matches and the lines in between are lost. Close the quote on this line (write \`""\` for a quote inside).`);
    return;
  }
  if (e.gap && !/^[=:,]$/.test(text.slice(e.gap[0], e.gap[1]))) {
    ctx.report(R['ignored-text'], e.gap, `PgBouncer skips this text between the user name and the password of ${u}; remove it (an entry is \`"user name" "password"\`).`);
  }
  if (e.rest) {
    const restText = text.slice(e.rest[0], e.rest[1]);
    if (/^[;#]/.test(restText)) return;
    const more = /"((?:[^"]|"")*)"\s+"/.exec(restText);
    if (more) {
      ctx.report(R['ignored-text'], e.rest, `PgBouncer reads one entry per line and ignores the rest of this one, so ${shownUser(more[1]!.replace(/""/g, '"'))} has no entry here. Put each entry on a line of its own.`, { severity: 'error' });
    } else {
      ctx.report(R['ignored-text'], e.rest, `PgBouncer ignores the rest of the line after the password of ${u}; remove this text, or start a comment line with \`;\`.`);
    }
  }
}

const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;

/** Whether PgBouncer read this entry the way its line reads: both strings closed on the line, the password on it too. */
export const readAsWritten = (text: string, e: UserEntry): boolean =>
  !e.user.multiline && !e.password.multiline && !text.slice(e.user.span[1], e.password.span[0]).includes('\n');

export function checkLines(file: UserlistFile, ctx: ValidateContext): void {
  for (const e of file.entries) checkEntry(file, e, ctx);
  for (const e of file.entries) {
    const last = file.effective.get(e.user.value)!;
    if (last === e) continue;
    ctx.report(R['duplicate-user'], [e.user.span[0], e.password.span[1]], `User ${shownUser(e.user.value)} has another entry on line ${last.line + 1}: PgBouncer uses the last entry of a user, so this one does nothing. Remove one of them.`,
      { tags: ['unnecessary'], related: [{ file: file.path, span: last.user.span, message: `the entry of ${shownUser(e.user.value)} that PgBouncer uses` }] });
  }
  if (file.stop) checkStop(file, file.stop, ctx);
}
