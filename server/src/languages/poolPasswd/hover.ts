/**
 * Hover for pool_passwd: on a user name, what the entry is and which logins it can serve (catalogue.ts); on a value,
 * its format and length. A hover never shows a value, a hash, a salt or a key.
 */
import type { HoverResult } from '../../core/types';
import { BACKEND_LOGIN, KIND_LABEL, b64DecodedLength, prefixOf, serves, shownUser, type PasswdMethod } from './catalogue';
import { utf8Length } from './lexer';
import type { PasswdEntry, PoolPasswdFile } from './model';

const METHODS: readonly PasswdMethod[] = ['scram-sha-256', 'md5', 'password'];

function entryAt(file: PoolPasswdFile, offset: number): PasswdEntry | undefined {
  let lo = 0;
  let hi = file.entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const sp = file.entries[mid]!.span;
    if (offset < sp[0]) hi = mid - 1;
    else if (offset > sp[1]) lo = mid + 1;
    else return file.entries[mid];
  }
  return undefined;
}

export function hover(file: PoolPasswdFile, offset: number): HoverResult | undefined {
  const e = entryAt(file, offset);
  if (!e) return undefined;
  if (e.inert) {
    return { span: e.span, markdown: 'pool_passwd has no comment syntax: Pgpool-II reads this line as the entry of a user whose name starts with `#`. No real user has such a name, so the line never serves a login and acts as a comment.' };
  }
  if (e.user === undefined || !e.userSpan || !e.value) {
    return { span: e.span, markdown: 'Pgpool-II never uses this line: it has no `:` between a user name and a password.' };
  }
  if (offset <= e.userSpan[1]) return { span: e.userSpan, markdown: describeUser(file, e) };
  return { span: e.value.written, markdown: describeValue(e) };
}

function describeUser(file: PoolPasswdFile, e: PasswdEntry): string {
  const u = shownUser(e.user!);
  const head = `**${u}** · pool_passwd entry, line ${e.line + 1}`;
  const kind = e.value!.kind;
  if (!kind) return `${head}\n\nThe value is empty: Pgpool-II skips this line and keeps looking for ${u} further down.`;
  const first = file.effective.get(e.user!);
  if (first !== e) return `${head}\n\nNever used: Pgpool-II uses the first entry of a user, line ${first!.line + 1}.`;
  const rows = METHODS.map(m => {
    const s = serves(kind, m);
    return `| \`${m}\` | ${s.ok ? '✓' : `✗ "${s.says!.replace('%u', e.user!)}"`} |`;
  });
  return [
    `${head}\n\nThe value is ${KIND_LABEL[kind]}.`,
    '\n\n| pool_hba.conf method | with this entry |\n| --- | --- |\n', rows.join('\n'),
    `\n\nThe login through pgpool also needs pgpool's own login to the backends, which this entry serves for ${BACKEND_LOGIN[kind]}; with \`pam\`, \`ldap\`, \`trust\` or \`cert\` lines, or \`enable_pool_hba = off\`, that is all it is used for.`,
    kind === 'aes' ? '\n\nPgpool-II decrypts it with the key in `.pgpoolkey` in the home directory of the account it runs as (or the file named by `-k` or `PGPOOLKEYFILE`).' : '',
  ].join('');
}

function describeValue(e: PasswdEntry): string {
  const v = e.value!;
  const head = `**value of user ${shownUser(e.user!)}**`;
  if (!v.kind) return `${head} · empty\n\nPgpool-II skips this line.`;
  const rest = v.text.slice(prefixOf(v.kind).length);
  let detail: string;
  switch (v.kind) {
    case 'md5': detail = `\`md5\` + ${utf8Length(rest)} characters (an MD5 digest of password + user name)`; break;
    case 'aes': {
      const n = b64DecodedLength(rest);
      detail = `\`AES\` + ${rest.length} base64 characters${n > 0 ? ` (${n} bytes)` : ''}, decrypted with pgpool's key file`;
      break;
    }
    case 'scram': detail = 'a SCRAM-SHA-256 verifier, which Pgpool-II 4.3–4.7 cannot use'; break;
    case 'text': detail = `\`TEXT\` + a clear-text password of ${utf8Length(rest)} bytes`; break;
    default: detail = `a clear-text password of ${v.bytes} bytes (no prefix)`;
  }
  return `${head} · ${KIND_LABEL[v.kind]}\n\n${detail}; Pgpool-II reads at most 128 bytes of a value.`;
}
