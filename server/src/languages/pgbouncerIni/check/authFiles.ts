/**
 * The files PgBouncer authenticates with, seen from pgbouncer.ini (`load_config`, src/main.c; `check_client_passwd`,
 * src/client.c; `login_scram_sha_256`, src/proto.c; `hba_load_rules`, src/hba.c — 1.18.0 to 1.25.2):
 *  - `auth_file` must exist for every auth_type but `any` and `pam`; when pgtls can read it (an absolute path, through
 *    the path mappings), its entries are judged against `auth_type` with the userlist language's matrix (`serves`):
 *    entries PgBouncer refuses every login of, entries it cannot log in to PostgreSQL with after a `cert`, `trust` or
 *    `peer` login, the `auth_user` that runs `auth_query`, and where PgBouncer stops reading the file;
 *  - `auth_hba_file` is read only with `auth_type = hba` (else ignored, whatever it says); when pgtls can read it, it
 *    is parsed in PgBouncer's own dialect, whatever its name (it is often called pg_hba.conf), and the lines PgBouncer
 *    skips are reported here.
 * A relative path is opened from PgBouncer's working directory, which pgtls does not know: it is not followed.
 * Messages name users and formats, never a password, hash or secret.
 */
import { isAbsolutePath } from '../../../core/deployPaths';
import { shownUser, isPlaceholder } from '../../../core/passwords';
import type { Span } from '../../../core/types';
import { describeLocated, pathLocator, reportNotChecked } from '../../../deploy';
import { parseBouncerHba } from '../../hba';
import { KIND_LABEL, logsInToScramServer, parseUserlist, serves, type ClientMethod, type EntryKind, type UserEntry, type UserlistFile } from '../../pgbouncerUserlist';
import type { Entry } from '../model';
import { R } from '../rules';
import { type Check, code } from './common';

/** A file pgbouncer.ini names that pgtls could read: its local path and text. */
interface Seen { path: string; text: string }

/** `requires_auth_file` (src/main.c): every auth_type from trust on but pam looks users up in auth_file. */
export function checkAuthFiles(c: Check, auth: string): void {
  const authAt = c.main.get('auth_type')?.st.keySpan;
  const hba = c.main.get('auth_hba_file');
  if (c.hasIncludes) return;
  if (hba && hba.st.value !== '' && auth !== 'hba' && !hba.included) {
    c.ctx.report(R['auth-hba-file-ignored'], hba.st.keySpan, `PgBouncer reads \`auth_hba_file\` only with \`auth_type = hba\`; with \`auth_type = ${auth}\` it ignores the file, so none of its lines (\`reject\`, \`hostssl\`-only, per-user methods) restrict any login. Set \`auth_type = hba\`, or remove \`auth_hba_file\`.`);
  }
  if (auth === 'hba' && (hba?.st.value ?? '') === '') {
    c.ctx.report(R['auth-hba-file-required'], authAt!, '`auth_type = hba` without `auth_hba_file`: PgBouncer starts ("could not open hba config file") but has no rules, so it refuses every login. Set `auth_hba_file` to a pg_hba.conf-style file.');
  }
  const needs = !['any', 'pam'].includes(auth);
  if (needs && !c.main.get('auth_file') && !c.main.get('auth_user') && authAt) {
    c.ctx.report(R['auth-file-required'], authAt, `\`auth_type = ${auth}\` looks every user up in \`auth_file\`, which is not set (and no \`auth_user\` runs \`auth_query\`): PgBouncer starts, but no user is known and logins fail. Set \`auth_file\` to the userlist.txt file.`);
  }
  const af = c.main.get('auth_file');
  if (needs && af) {
    const seen = readNamed(c, af, 'PgBouncer starts ("could not open auth_file"), but knows no user, so logins fail');
    if (seen) checkUserlist(c, af, auth, parseUserlist({ path: seen.path, text: seen.text, languageId: 'pgbouncer-userlist', version: 0 }));
  }
  if (auth === 'hba' && hba && hba.st.value !== '') {
    const seen = readNamed(c, hba, 'PgBouncer starts ("could not open hba config file"), but has no rules, so it refuses every login');
    if (seen) checkHbaFile(c, hba, seen);
  }
}

/** Follows an absolute path the file names; reports it when it is missing; returns its text when pgtls can read it. */
function readNamed(c: Check, e: Entry, effect: string): Seen | undefined {
  const written = e.st.value;
  if (!c.ctx.settings.checkFiles || written === '' || !isAbsolutePath(written) || e.included) return undefined;
  const loc = pathLocator(c.ctx, c.doc.path).locate(written);
  if (loc.status === 'unresolved') return undefined;
  if (loc.status === 'unseen') { reportNotChecked(c.ctx, loc, e.st.valueSpan, `\`${e.st.key}\`: `); return undefined; }
  if (loc.stat?.isFile) {
    const text = loc.read();
    return text === undefined ? undefined : { path: loc.path, text };
  }
  const what = loc.stat ? 'is not a regular file' : 'does not exist';
  c.ctx.report(R['tls-file-missing'], e.st.valueSpan, `\`${e.st.key}\`: ${describeLocated(loc, s => code(s, 80))} ${what}: ${effect}. Fix the path${loc.via ? ' or the path mapping' : ''}.`);
  return undefined;
}

/** At most three user names, then how many more. */
function names(entries: readonly UserEntry[]): string {
  const shown = entries.slice(0, 3).map(e => shownUser(e.user.value));
  const more = entries.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0]!;
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** Related locations: each entry's user name in the auth_file. */
function relatedOf(path: string, entries: readonly UserEntry[], what: (e: UserEntry) => string) {
  return entries.slice(0, 20).map(e => ({ file: path, span: e.user.span as Span, message: what(e) }));
}

function checkUserlist(c: Check, af: Entry, auth: string, list: UserlistFile): void {
  const at = c.main.get('auth_type')?.st.valueSpan ?? af.st.valueSpan;
  // The entries PgBouncer uses (the last one of each user), without the ones a template fills in.
  const used = [...list.effective.values()].filter(e => !isPlaceholder(e.user.value) && !isPlaceholder(e.password.value));
  if (list.stop) {
    const lost = list.text.slice(list.stop.span[0]).split('\n').filter(l => /^\s*"/.test(l)).length;
    c.ctx.report(R['auth-file-stops'], af.st.valueSpan, `PgBouncer stops reading \`auth_file\` at its line ${list.stop.line + 1} ("broken auth file" or a name or password too long)${lost > 0 ? `, so the ${lost} ${plural(lost, 'entry', 'entries')} after it ${plural(lost, 'is', 'are')} never loaded and ${plural(lost, 'that user', 'those users')} cannot log in` : ''}. Open the file: its first problem is reported there.`,
      { related: [{ file: list.path, span: list.stop.span, message: 'PgBouncer stops reading here' }] });
  }
  const method = clientMethod(auth);
  if (method) {
    const refused = used.filter(e => !serves(e.kind, method).ok);
    for (const kind of ['md5', 'empty'] as const) {
      const these = refused.filter(e => e.kind === kind);
      if (!these.length) continue;
      const says = serves(kind, method).says ?? 'password authentication failed';
      const fix = kind === 'md5'
        ? 'Store each user\'s SCRAM secret (`SELECT rolpassword FROM pg_authid WHERE rolname = …` on a server with `password_encryption = scram-sha-256`) or the clear-text password, or use `auth_type = md5`, which accepts both'
        : 'Write the password or the SCRAM secret';
      c.ctx.report(R['auth-file-entries'], at, `\`auth_type = ${auth}\`, but ${these.length} ${plural(these.length, 'user', 'users')} of \`auth_file\` (${names(these)}) ${plural(these.length, 'has', 'have')} ${KIND_LABEL[kind]}: PgBouncer refuses ${plural(these.length, 'its', 'their')} ${auth} logins ("${says}"). ${fix}.`,
        { ...(kind === 'empty' ? { severity: 'warning' as const } : {}), related: relatedOf(list.path, these, e => `${shownUser(e.user.value)}: ${KIND_LABEL[e.kind]}`) });
    }
  }
  if (auth === 'cert' || auth === 'trust' || auth === 'peer') checkServerLogin(c, at, auth, list.path, used);
  checkAuthUser(c, list);
}

/** The client method `auth_type` gives every login (none for `hba`, whose lines differ, or `any`/`pam`, which read no entry). */
function clientMethod(auth: string): ClientMethod | undefined {
  const m: Record<string, ClientMethod> = { 'scram-sha-256': 'scram-sha-256', md5: 'md5', plain: 'plain' };
  return m[auth];
}

/**
 * After a `cert`, `trust` or `peer` login, PgBouncer logs in to PostgreSQL with the entry itself: a SCRAM secret then
 * has no client keys to answer with ("password is SCRAM secret but client authentication did not provide SCRAM keys";
 * pgbouncer/pgbouncer#774), an MD5 hash serves only an `md5` server that stores MD5. Not when every database gives
 * its own `user=`, whose password PgBouncer uses instead.
 */
function checkServerLogin(c: Check, at: Span, auth: string, path: string, used: readonly UserEntry[]): void {
  const dbs = c.order.filter(e => e.section === 'databases' && e.conn);
  if (dbs.length > 0 && dbs.every(e => e.conn!.pairs.some(p => p.key === 'user'))) return;
  const cannot = used.filter(e => !logsInToScramServer(e.kind, auth as ClientMethod) && (e.kind === 'scram' || e.kind === 'md5'));
  if (!cannot.length) return;
  const kinds = [...new Set(cannot.map(e => e.kind))].map(k => KIND_LABEL[k as EntryKind]).join(' or ');
  c.ctx.report(R['auth-file-server-login'], at, `After a \`${auth}\` login PgBouncer logs in to PostgreSQL with the user's \`auth_file\` entry, and ${cannot.length} ${plural(cannot.length, 'user', 'users')} (${names(cannot)}) ${plural(cannot.length, 'has', 'have')} ${kinds}: a SCRAM secret works only after the client's own SCRAM login ("password is SCRAM secret but client authentication did not provide SCRAM keys"), an MD5 hash only with a server that asks for \`md5\`. With a server that asks for SCRAM, ${plural(cannot.length, 'that user\'s', 'those users\'')} logins through PgBouncer fail. Store ${plural(cannot.length, 'a clear-text password for it', 'clear-text passwords for them')}, or let PostgreSQL trust PgBouncer's connections (e.g. \`cert\` with \`server_tls_cert_file\`).`,
    { related: relatedOf(path, cannot, e => `${shownUser(e.user.value)}: ${KIND_LABEL[e.kind]}`) });
}

/**
 * `auth_user` (global, or `auth_user=` of a database) runs `auth_query` for users the auth_file does not list; it logs in
 * with its own entry, or an empty password when it has none (`add_user(name, "")`, src/client.c and src/loader.c).
 */
function checkAuthUser(c: Check, list: UserlistFile): void {
  const named: { name: string; span: Span; of: string }[] = [];
  const global = c.main.get('auth_user');
  if (global && global.st.value !== '' && !global.included) named.push({ name: global.st.value, span: global.st.valueSpan, of: '' });
  for (const e of c.order) {
    if (e.section !== 'databases' || e.included) continue;
    for (const p of e.conn?.pairs ?? []) if (p.key === 'auth_user' && p.value !== '') named.push({ name: p.value, span: p.valueSpan, of: ` of database \`${e.st.key}\`` });
  }
  for (const n of named) {
    if (isPlaceholder(n.name)) continue;
    const entry = list.effective.get(n.name);
    const u = shownUser(n.name);
    const who = `The \`auth_user\` ${u}${n.of}`;
    if (!entry) {
      if (list.stop) continue; // the entry may be below where PgBouncer stops; that is reported already
      c.ctx.report(R['auth-user-entry'], n.span, `${who} has no entry in \`auth_file\`: PgBouncer logs in to PostgreSQL as ${u} with an empty password to run \`auth_query\`, which works only if the server trusts that login; otherwise every user not in \`auth_file\` is refused. Add ${u} with its clear-text password to \`auth_file\`.`);
    } else if (!isPlaceholder(entry.password.value) && (entry.kind === 'scram' || entry.kind === 'md5' || entry.kind === 'empty')) {
      c.ctx.report(R['auth-user-entry'], n.span, `${who} has ${KIND_LABEL[entry.kind]} in \`auth_file\`: PgBouncer logs in as ${u} itself to run \`auth_query\`, with no client login before it, so ${entry.kind === 'scram' ? 'a SCRAM secret has no keys to answer with ("password is SCRAM secret but client authentication did not provide SCRAM keys"; pgbouncer/pgbouncer#495)' : entry.kind === 'md5' ? 'an MD5 hash serves only a server that asks for `md5` and stores the password as MD5' : 'the login works only if the server asks for no password'}, and users not in \`auth_file\` are refused. Store ${u}'s clear-text password.`,
        { related: [{ file: list.path, span: entry.user.span, message: `${u}: ${KIND_LABEL[entry.kind]}` }] });
    }
  }
}

/** Whether release `a` (e.g. `1.18`) comes before `b`. */
const before = (a: string, b: string): boolean => {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am! < bm! || (am === bm && an! < bn!);
};

/** The auth_hba_file in PgBouncer's dialect, for the selected release: the lines it skips, and a file it loads nothing from. */
function checkHbaFile(c: Check, hba: Entry, seen: Seen): void {
  const file = parseBouncerHba(seen.text, seen.path);
  const skips = file.problems.filter(p => p.skips === true || (typeof p.skips === 'string' && before(c.version, p.skips)));
  // A line with syntax of a later release is loaded by that release (pgtls reads the rest of it no further).
  const loaded = file.records.length + file.problems.filter(p => typeof p.skips === 'string' && !before(c.version, p.skips)).length;
  const related = skips.slice(0, 20).map(p => ({ file: seen.path, span: p.span, message: p.message }));
  if (loaded === 0) {
    c.ctx.report(R['auth-hba-file-lines'], hba.st.valueSpan, `PgBouncer ${c.version} loads no line from \`auth_hba_file\`${skips.length ? ` (it skips all ${skips.length})` : ''}, so with \`auth_type = hba\` it refuses every login ("login rejected"). ${skips.length ? 'Fix the lines (open the file with the PgBouncer hba language for the reason of each)' : 'Add a line such as `hostssl all all 0.0.0.0/0 scram-sha-256`'}.`,
      { severity: 'error', related });
    return;
  }
  if (!skips.length) return;
  const first = skips[0]!;
  c.ctx.report(R['auth-hba-file-lines'], hba.st.valueSpan, `PgBouncer ${c.version} skips ${skips.length} ${plural(skips.length, 'line', 'lines')} of \`auth_hba_file\`, which it reads as its own subset of pg_hba.conf whatever the file is called (the first, line ${seen.text.slice(0, first.span[0]).split('\n').length}: ${first.message.split(/; PgBouncer skips|: (?:1\.18|older)/)[0]}); the logins ${plural(skips.length, 'that line was', 'those lines were')} meant for fall to a later line or are refused. Fix or remove ${plural(skips.length, 'it', 'them')}.`,
    { related });
}
