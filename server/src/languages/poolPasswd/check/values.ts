/**
 * What each entry's value is to Pgpool-II: empty, shadowed by an earlier entry of the same user, cut short, or of a
 * format it cannot use (MD5, AES, SCRAM, a misspelt prefix), and clear text. Messages give the user, the format and
 * lengths; they never show the value.
 */
import type { ValidateContext } from '../../../core/language';
import { isPlaceholder } from '../../../core/passwords';
import type { Span } from '../../../core/types';
import {
  AES_PREFIX, MD5_ENTRY_BYTES, MD5_PREFIX, SCRAM_PREFIX, TEXT_PREFIX, aesProblem, classify, md5Problem, scramShapeProblem, shownUser,
} from '../catalogue';
import { utf8Length } from '../lexer';
import type { PasswdEntry, PoolPasswdFile } from '../model';
import { MAX_VALUE_BYTES } from '../parse';
import { R } from '../rules';
import { bodyEnd, coreValue, crInValue, valueSpan } from './lines';

export function checkValues(file: PoolPasswdFile, ctx: ValidateContext): void {
  let aes: { first: PasswdEntry; count: number } | undefined;
  let md5: PasswdEntry | undefined;
  for (const e of file.entries) {
    if (e.inert || e.piece > 0 || !e.user || e.user === '\ufeff' || !e.value) continue;
    const u = shownUser(e.user);
    if (!e.value.kind) {
      const later = file.effective.get(e.user);
      ctx.report(R['empty-password'], [e.span[0], e.value.span[0]], `The value of user ${u} is empty, so Pgpool-II skips this line and ${later ? `uses line ${later.line + 1} for ${u}` : `finds no entry for ${u} here`}; write the password after the \`:\` or remove the line.`);
      continue;
    }
    if (file.effective.get(e.user) !== e) {
      const first = file.effective.get(e.user)!;
      ctx.report(R['duplicate-user'], [e.span[0], bodyEnd(e)], `User ${u} already has an entry on line ${first.line + 1}: Pgpool-II uses the first entry of a user and never reads this one (pg_md5 and pg_enc also update only the first). Remove one of them.`,
        { tags: ['unnecessary'], related: [{ file: file.path, span: first.userSpan!, message: `the entry of ${u} that Pgpool-II uses` }] });
      continue;
    }
    if (e.value.truncated && e.value.kind !== 'scram') {
      ctx.report(R['value-too-long'], [e.value.span[1], e.value.written[1]], `The value of user ${u} is ${e.value.writtenBytes} bytes long, but Pgpool-II reads at most ${MAX_VALUE_BYTES} bytes of it, so ${e.value.kind === 'aes' ? 'the AES value is cut and cannot be decrypted' : 'the password it compares is cut short and never matches'}: logins of ${u} fail. ${e.value.kind === 'aes' ? 'pg_enc can only store passwords of up to 79 bytes in a usable way; use a shorter password' : 'Use a password of at most 124 bytes (with `TEXT`), or store it with pg_enc'}.`);
      continue;
    }
    const core = coreValue(e);
    if (core === '') {
      if (!crInValue(e)) ctx.report(R['empty-password'], valueSpan(e), `The value of user ${u} is only blanks: Pgpool-II takes the blanks as the password. Write the password after the \`:\`.`);
      continue;
    }
    if (e.value.colonAt !== undefined && !core.toUpperCase().startsWith(SCRAM_PREFIX)) {
      ctx.report(R['colon-in-value'], [e.value.colonAt, e.value.colonAt + 1], `Pgpool-II ends the value of user ${u} at this \`:\`, so it reads only the ${e.value.bytes} bytes before it as the password (the rest is ignored). If the colon is part of the password, write it as \`\\:\`.`);
    }
    if (isTemplate(e.user) || isTemplate(core)) continue;
    if (checkQuotes(e, core, u, ctx)) continue;
    const usable = checkFormat(e, file.text, core, u, ctx);
    if (usable === 'aes') aes = aes ? { ...aes, count: aes.count + 1 } : { first: e, count: 1 };
    if (usable === 'md5' && !md5) md5 = e;
  }
  if (md5) {
    const s = md5.value!.written[0];
    ctx.report(R['md5-backend-login'], [s, s + MD5_PREFIX.length], 'MD5 entries let pgpool log in only to backends that check an MD5 password: a backend that asks for SCRAM (`scram-sha-256` in its pg_hba.conf, or `md5` for a role whose password is stored as SCRAM, the default from PostgreSQL 14 on) refuses it ("failed to authenticate with backend using SCRAM: valid password not found"). Where the backends use SCRAM, store the passwords with pg_enc (AES) or as `TEXT` lines.');
  }
  if (aes) {
    const s = aes.first.value!.span[0];
    ctx.report(R['aes-needs-key'], [s, s + AES_PREFIX.length], `${aes.count === 1 ? 'This entry is' : `${aes.count} entries are`} AES-encrypted${aes.count === 1 ? '' : ' (this is the first)'}: Pgpool-II decrypts ${aes.count === 1 ? 'it' : 'them'} with the key in \`.pgpoolkey\` in the home directory of the account it runs as (or the file given with \`-k\` or \`PGPOOLKEYFILE\`), which pgtls cannot see. Without the same key pg_enc used, these logins fail ("unable to decrypt password from pool_passwd").`);
  }
}

const isTemplate = isPlaceholder;

/** A user name or value wrapped in quotes, which pool_passwd keeps; returns whether the value was quoted. */
function checkQuotes(e: PasswdEntry, core: string, u: string, ctx: ValidateContext): boolean {
  const user = e.user!;
  if (/^(["']).+\1$/.test(user.trim())) {
    ctx.report(R['quoted-value'], e.userSpan!, `The user name ${u} is in quotes, but pool_passwd has no quoting: the quotes are part of the name, so this entry only serves a user whose name has them. Remove the quotes.`);
  }
  if (!/^(["']).*\1$/.test(core) || core.length < 2) return false;
  const inner = core.slice(1, -1);
  const kind = classify(inner);
  const hidden = kind !== 'plain' || /^md5[0-9a-f]{32}$/i.test(inner);
  ctx.report(R['quoted-value'], valueSpan(e), `The value of user ${u} is in quotes, but pool_passwd has no quoting: Pgpool-II keeps the quotes as part of it, ${hidden ? 'so it no longer sees the value\'s prefix and takes the whole value, quotes included, as a clear-text password: logins fail' : 'so the password it compares includes them'}. Remove the quotes${hidden ? '' : ' unless they really are part of the password'}.`,
    hidden ? { severity: 'error' } : undefined);
  return true;
}

/** Reports the value's format problems; returns the kind when the value is usable as that kind. */
function checkFormat(e: PasswdEntry, text: string, core: string, u: string, ctx: ValidateContext): string | undefined {
  const kind = classify(core);
  const span = valueSpan(e);
  switch (kind) {
    case 'md5': {
      const why = md5Problem(core);
      if (why) ctx.report(R['md5-format'], span, `The value of user ${u} ${why}, so no password ever matches it (Pgpool-II compares the lower-case MD5 digest of password + user name): logins of ${u} fail. Regenerate it with \`pg_md5 --md5auth --username=${cmdUser(e.user!)}\`.`);
      return why ? undefined : kind;
    }
    case 'aes': {
      const why = aesProblem(core);
      if (why) ctx.report(R['aes-format'], span, `The value of user ${u} ${why}, so Pgpool-II cannot decrypt it ("decryption failed"): logins of ${u} fail. Regenerate it with \`pg_enc -m -u ${cmdUser(e.user!)}\`.`);
      return why ? undefined : kind;
    }
    case 'scram': {
      const written = e.value!.colonAt !== undefined ? ', and Pgpool-II cuts it at its first `:` anyway'
        : e.value!.truncated ? `, and Pgpool-II reads only ${MAX_VALUE_BYTES} of its ${e.value!.writtenBytes} bytes anyway` : '';
      const shape = scramShapeProblem(writtenValue(e, text));
      ctx.report(R['scram-verifier'], span, `The value of user ${u} is a SCRAM-SHA-256 verifier${shape ? ` (and not a well-formed one: ${shape})` : ''}${written}. Pgpool-II 4.3–4.7 cannot use a verifier from pool_passwd: scram-sha-256 logins fail ("username has invalid password type"), md5 and password logins fail too, and so does pgpool's own login to the backends. Store the password itself: AES-encrypted with pg_enc, or as \`TEXT\` followed by the password.`);
      return kind;
    }
    case 'text':
      if (core === TEXT_PREFIX) ctx.report(R['empty-password'], span, `The value of user ${u} is \`TEXT\` with no password after it: Pgpool-II takes the empty string as the password, which no client can log in with. Write the password after \`TEXT\`.`);
      return kind;
    default:
      return checkPlain(e, core, span, u, ctx);
  }
}

function checkPlain(e: PasswdEntry, core: string, span: Span, u: string, ctx: ValidateContext): string | undefined {
  if (core.startsWith(MD5_PREFIX)) {
    ctx.report(R['md5-format'], span, `The value of user ${u} starts with \`md5\` but is ${utf8Length(core)} bytes long, not ${MD5_ENTRY_BYTES}, so Pgpool-II does not take it as an MD5 hash but as a clear-text password beginning with "md5": if it was meant as a hash, logins fail. Regenerate it with \`pg_md5 --md5auth --username=${cmdUser(e.user!)}\`.`,
      { severity: 'warning' });
    return undefined;
  }
  const wrongCase = /^md5[0-9a-f]{32}$/i.test(core) ? MD5_PREFIX : core.toUpperCase().startsWith(SCRAM_PREFIX) ? SCRAM_PREFIX : undefined;
  if (wrongCase) {
    const s = e.value!.span[0] + (e.value!.text.length - e.value!.text.trimStart().length);
    const p: Span = [s, s + wrongCase.length];
    ctx.report(R['prefix-case'], p, `The value of user ${u} looks like ${wrongCase === MD5_PREFIX ? 'an MD5 hash' : 'a SCRAM-SHA-256 verifier'}, but Pgpool-II only recognises the prefix \`${wrongCase}\` spelled exactly, so it takes the whole value as a clear-text password: logins with the real password fail. Write the prefix as \`${wrongCase}\`.`,
      { fixes: [{ title: `Write the prefix as \`${wrongCase}\``, edits: [{ span: p, newText: wrongCase }], preferred: true }] });
    return undefined;
  }
  ctx.report(R['clear-text-password'], span, `The password of user ${u} is stored in clear text without a prefix: anyone who can read this file learns it. Store it AES-encrypted with \`pg_enc -m -u ${cmdUser(e.user!)}\`; if it stays in clear text, write \`TEXT\` before it, so that a password beginning with \`md5\`, \`AES\`, \`TEXT\` or \`SCRAM-SHA-256$\` is not taken for another format.`);
  return 'plain';
}

/** The value as written up to the end of the line, escapes resolved and blanks trimmed (a verifier's colons included). */
function writtenValue(e: PasswdEntry, text: string): string {
  const w = e.value!.written;
  return text.slice(w[0], w[1]).replace(/\\(.)/g, '$1').trim();
}

/** A user name to put in a suggested command, or a placeholder when it would need quoting. */
const cmdUser = (name: string): string => (/^[A-Za-z0-9_.@-]+$/.test(name) ? name : '<user>');
