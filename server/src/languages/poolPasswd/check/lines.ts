/**
 * How the lines of a pool_passwd file are read: lines Pgpool-II never uses, the byte-order mark, Windows line endings,
 * blanks it keeps, escapes it resolves, over-long lines and a missing final newline. Messages name the user, never the
 * value.
 */
import type { ValidateContext } from '../../../core/language';
import type { Span } from '../../../core/types';
import { classify, prefixOf, shownUser } from '../catalogue';
import { PIECE_BYTES } from '../lexer';
import type { PasswdEntry, PoolPasswdFile } from '../model';
import { R } from '../rules';

/** The end of a piece without its carriage return. */
export const bodyEnd = (e: PasswdEntry): number => e.span[1] - (e.cr ? 1 : 0);

/** Whether Pgpool-II's value includes the line's carriage return (it read up to the end of the line). */
export const crInValue = (e: PasswdEntry): boolean => e.cr && !!e.value && e.value.span[1] === e.span[1];

/** The value Pgpool-II reads, without a carriage return it kept and without blanks around it (what the author meant). */
export function coreValue(e: PasswdEntry): string {
  let v = e.value?.text ?? '';
  if (crInValue(e)) v = v.slice(0, -1);
  return v.replace(/^[ \t]+|[ \t]+$/g, '');
}

export function checkLines(file: PoolPasswdFile, ctx: ValidateContext): void {
  checkBom(file, ctx);
  for (const long of file.longLines) {
    ctx.report(R['line-too-long'], [long.cut, long.span[1]], `This line is ${long.bytes} bytes long, but Pgpool-II reads pool_passwd in pieces of ${PIECE_BYTES} bytes: it reads the rest of the line from here as a line of its own. Keep each \`username:password\` line short.`);
  }
  for (const e of file.entries) {
    if (e.inert || e.piece > 0) continue;
    if (e.user === undefined || e.user === '' || e.user === '\ufeff') {
      const why = e.user === undefined ? 'has no `:` between a user name and a password' : 'has an empty user name';
      ctx.report(R['ignored-line'], [e.span[0], bodyEnd(e)], `This line ${why}, so Pgpool-II never uses it; write \`username:password\` (or remove the line).`);
      continue;
    }
    if (crInValue(e)) {
      ctx.report(R['crlf'], valueSpan(e), `The line of user ${shownUser(e.user)} ends with a carriage return (a Windows line ending), which Pgpool-II keeps as the last character of the value, so logins of ${shownUser(e.user)} that use this entry fail ("password does not match", or "decryption failed" for AES). Save the file with LF line endings (in VS Code: click "CRLF" in the status bar).`);
    }
    checkBlanks(e, file.text, ctx);
    checkEscapes(e, file.text, ctx);
  }
  if (!file.finalNewline) {
    const last = file.entries[file.entries.length - 1];
    if (last && last.span[1] === file.text.length) {
      ctx.report(R['no-final-newline'], [file.text.length, file.text.length], 'The last line has no newline: Pgpool-II reads it, but `pg_md5 -m` and `pg_enc -m` append their next entry right after it, gluing two entries into one line (the first user\'s password is then wrong and the new user has no entry). End the file with a newline.',
        { fixes: [{ title: 'Add a newline at the end', edits: [{ span: [file.text.length, file.text.length], newText: '\n' }], preferred: true }] });
    }
  }
}

function checkBom(file: PoolPasswdFile, ctx: ValidateContext): void {
  if (!file.bom) return;
  const first = file.entries[0];
  // A byte-order mark in front of a blank or `#` line, or a line that is ignored anyway, changes nothing.
  if (!first || first.span[0] !== 0 || first.inert || first.user === undefined || first.user === '\ufeff') return;
  const name = first.user.slice(1);
  ctx.report(R['byte-order-mark'], [0, 1], `The file starts with a byte-order mark, which Pgpool-II reads as part of the first user name: user ${shownUser(name)} has no entry here (logins that need one fail with "pool_passwd file does not contain an entry"). Save the file as UTF-8 without a BOM.`,
    { fixes: [{ title: 'Remove the byte-order mark', edits: [{ span: [0, 1], newText: '' }], preferred: true }] });
}

/** The value's span as written (up to the end of the line, the carriage return left out). */
export const valueSpan = (e: PasswdEntry): Span => e.value!.written[1] > e.value!.written[0] ? e.value!.written : [e.userSpan![0], e.value!.written[1]];

function checkBlanks(e: PasswdEntry, text: string, ctx: ValidateContext): void {
  const user = e.user!;
  const [us, ue] = e.userSpan!;
  const lead = /^[ \t]+/.exec(user)?.[0].length ?? 0;
  const trail = /[ \t]+$/.exec(user)?.[0].length ?? 0;
  if (lead || trail) {
    const span: Span = lead ? [us, us + lead] : [ue - trail, ue];
    ctx.report(R['stray-blank'], span, `The user name ${shownUser(user)} ${lead ? 'starts' : 'ends'} with a blank, which Pgpool-II keeps: this entry only serves a user whose name has that blank, not ${shownUser(user.trim())}. Remove the blank.`);
  }
  const v = e.value!;
  const core = coreValue(e);
  if (!v.kind || core === '') return;
  // Blanks in the source right after the colon and before the end of what Pgpool-II read (its carriage return aside).
  const readEnd = crInValue(e) ? v.span[1] - 1 : v.span[1];
  let a = v.span[0];
  while (a < readEnd && isBlank(text.charCodeAt(a))) a++;
  let b = readEnd;
  while (b > a && isBlank(text.charCodeAt(b - 1))) b--;
  if (a === v.span[0] && b === readEnd) return;
  const kind = classify(core);
  const rawKind = classify(v.text);
  const broken = rawKind !== kind || kind === 'md5' || kind === 'aes';
  const effect = !broken
    ? 'so the password Pgpool-II compares includes that blank'
    : rawKind !== kind && kind !== 'plain' && a > v.span[0]
      ? `so Pgpool-II no longer sees the \`${prefixOf(kind)}\` prefix and takes the whole value as a clear-text password: logins fail`
      : kind === 'md5'
        ? 'so it is no longer 35 characters long and Pgpool-II takes it as a clear-text password: logins fail'
        : kind === 'aes'
          ? 'and base64 allows no blanks, so decryption fails: logins fail'
          : 'so Pgpool-II no longer reads it the way it was written: logins fail';
  const span: Span = a > v.span[0] ? [v.span[0], a] : [b, readEnd];
  ctx.report(R['stray-blank'], span, `The value of user ${shownUser(user)} ${a > v.span[0] ? 'starts' : 'ends'} with a blank, which Pgpool-II keeps, ${effect}. Remove the blank${broken ? '' : ' unless it really is part of the password'}.`,
    broken ? { severity: 'error' } : undefined);
}

const isBlank = (c: number): boolean => c === 32 || c === 9;


function checkEscapes(e: PasswdEntry, text: string, ctx: ValidateContext): void {
  // `\:` and `\\` are how a colon and a backslash are written; any other backslash silently disappears.
  const src = e.escapes.filter(at => {
    const next = at + 1 < e.span[1] ? text.charAt(at + 1) : '';
    return next !== ':' && next !== '\\';
  });
  if (src.length === 0) return;
  const inUser = src[0]! < e.userSpan![1];
  const at = src[0]!;
  ctx.report(R['backslash-escape'], [at, Math.min(at + 2, e.span[1])], `Pgpool-II reads \`\\\` as an escape character: it drops ${src.length === 1 ? 'this backslash' : `these ${src.length} backslashes`} and takes the next character literally, so ${inUser ? `the user name ${shownUser(e.user!)}` : `the value of user ${shownUser(e.user!)}`} is read without ${src.length === 1 ? 'it' : 'them'}. Write \`\\\\\` for a backslash.`);
}
