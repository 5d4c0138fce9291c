/**
 * What each password is to PgBouncer: empty, an MD5 hash or SCRAM secret it does not recognise (and so takes as clear
 * text), clear text, and what MD5 entries cannot serve. Messages give the user, the format and lengths; never the value.
 */
import type { ValidateContext } from '../../../core/language';
import { isPlaceholder, shownUser } from '../../../core/passwords';
import { parseScramSecret } from '../catalogue';
import type { UserEntry, UserlistFile } from '../model';
import { R } from '../rules';
import { readAsWritten } from './lines';
import { type BouncerView, bouncerView } from './sibling';

export function checkValues(file: UserlistFile, ctx: ValidateContext): void {
  let md5: UserEntry | undefined;
  const view = bouncerView(file.path, ctx);
  for (const e of file.entries) {
    if (file.effective.get(e.user.value) !== e || !readAsWritten(file.text, e)) continue;
    const u = shownUser(e.user.value);
    const pw = e.password.value;
    const span = e.password.span;
    if (isPlaceholder(e.user.value) || isPlaceholder(pw)) continue;
    switch (e.kind) {
      case 'empty':
        ctx.report(R['empty-password'], span, `The password of ${u} is empty: PgBouncer refuses every password login of ${u} (only \`trust\`, \`cert\` and \`peer\` logins can use this entry), and its own login to PostgreSQL as ${u} works only where the server asks for no password. Write the password or the SCRAM secret.`);
        break;
      case 'md5':
        md5 ??= e;
        break;
      case 'scram': {
        const p = parseScramSecret(pw);
        if ('iterations' in p && p.iterations < 1) {
          ctx.report(R['scram-format'], span, `The SCRAM secret of ${u} has an iteration count below 1: PgBouncer accepts it, but every client refuses the login ("invalid iteration count"). Copy the secret PostgreSQL stores for the role (\`SELECT rolpassword FROM pg_authid WHERE rolname = …\`).`);
        }
        break;
      }
      default:
        checkPlain(e, u, ctx, view);
    }
  }
  if (md5) {
    const s = md5.password.inner[0];
    ctx.report(R['md5-entry'], [s, s + 3], 'MD5 entries do not serve `auth_type = scram-sha-256` (nor `scram-sha-256` lines of auth_hba_file: "SASL authentication failed"), and PgBouncer cannot log in with them to a PostgreSQL server that asks for SCRAM, the default from PostgreSQL 14 on ("server login failed: wrong password type"). Where you can, store the SCRAM secrets from `pg_authid` instead.');
  }
}

function checkPlain(e: UserEntry, u: string, ctx: ValidateContext, view: BouncerView | undefined): void {
  const pw = e.password.value;
  const span = e.password.span;
  if (/^md5[0-9a-f]{32}$/i.test(pw)) {
    const s = e.password.inner[0];
    const prefixWrong = !pw.startsWith('md5');
    ctx.report(R['md5-format'], prefixWrong ? [s, s + 3] : span, `The password of ${u} looks like an MD5 hash, but PgBouncer only recognises \`md5\` followed by 32 lower-case hexadecimal digits, so it takes the whole value as a clear-text password: logins with the real password fail. ${prefixWrong ? 'Write the prefix as `md5`.' : 'Write the digits in lower case.'}`,
      prefixWrong ? { fixes: [{ title: 'Write the prefix as `md5`', edits: [{ span: [s, s + 3], newText: 'md5' }], preferred: true }] }
        : { fixes: [{ title: 'Write the digits in lower case', edits: [{ span: e.password.inner, newText: pw.toLowerCase() }], preferred: true }] });
    return;
  }
  if (/^md5[0-9a-f]{20,}$/i.test(pw)) {
    ctx.report(R['md5-format'], span, `The password of ${u} starts with \`md5\` and hexadecimal digits but is ${pw.length} characters long, not 35, so PgBouncer takes it as a clear-text password: if it was meant as an MD5 hash, logins fail. An MD5 entry is \`md5\` + md5(password + user name) in hexadecimal.`, { severity: 'warning' });
    return;
  }
  if (/^\$*scram-sha-256\$/i.test(pw)) {
    const p = parseScramSecret(pw);
    const why = 'problem' in p ? p.problem : 'it is not a well-formed secret';
    ctx.report(R['scram-format'], span, `The password of ${u} looks like a SCRAM-SHA-256 secret, but PgBouncer does not accept it (${why}), so it takes the whole value as a clear-text password: logins with the real password fail. Copy the secret PostgreSQL stores for the role (\`SELECT rolpassword FROM pg_authid WHERE rolname = …\`).`);
    return;
  }
  // Clear text is what the pgbouncer.ini beside this file needs here: no advice to replace it.
  if (view && (view.authUsers.has(e.user.value) || view.serverLoginsNeedClearText)) return;
  ctx.report(R['clear-text-password'], span, `The password of ${u} is stored in clear text: anyone who can read this file learns it. Store the SCRAM secret PostgreSQL has for the role instead (\`SELECT rolpassword FROM pg_authid WHERE rolname = …\`); it serves \`scram-sha-256\`, \`md5\` and \`plain\` logins.`);
}
