/**
 * pool_hba.conf against the pool_passwd file that the pgpool.conf beside it names (with `enable_pool_hba = on`):
 * for each `scram-sha-256`, `md5` and `password` line, the users it names and whether their entries can serve that
 * method (the matrix is poolPasswd's `serves`). Reported only where pgpool's answer is certain from what pgtls sees:
 *  - users named on the line, and for `all` the entries the file holds (`all` says nothing about users without one);
 *  - nothing when the file does not exist here (pgpool creates it empty at start, and deployments often fill it then:
 *    an entrypoint running pg_enc), when it holds no entry at all (same), or when it is an absolute path that does not
 *    exist on this machine (a path where pgpool runs: it cannot be checked here).
 * `md5` with a single backend: before the fix for CVE-2025-46801 (4.3.15, 4.4.12, 4.5.7, 4.6.1, all of 4.7) pgpool
 * passed md5 on to that backend without pool_passwd; since then it needs the entry too (pool_auth.c
 * `authenticate_frontend_md5`; observed with Debian's 4.3.5-1+deb12u1, which carries the fix).
 */
import type { ValidateContext } from '../../../core/language';
import type { Finding, Severity, SourceDocument, Span } from '../../../core/types';
import { dirOf, effectiveSettings, lastSetting, settingBool, type PgpoolConfFile, type Setting } from '../../pgpoolConf';
import { KIND_LABEL, entryShape, serves, shownUser, type EntryKind, type PasswdMethod, type PoolPasswdFile } from '../../poolPasswd';
import { pathLocator } from '../../../deploy';
import type { HbaToken } from '../lexer';
import type { HbaFile, HbaRecord } from '../model';
import { POOL_HBA } from '../rules';

/** The first patch release of each version whose md5 login needs pool_passwd even with one backend. */
const MD5_FIX: Readonly<Record<string, string>> = { '4.3': '4.3.15', '4.4': '4.4.12', '4.5': '4.5.7', '4.6': '4.6.1' };
/** At most this many users are named in one finding about an `all` line. */
const LIST_MAX = 5;

type Source =
  | { kind: 'disabled'; at: Setting }
  | { kind: 'file'; path: string; file: PoolPasswdFile };

interface Ctx {
  ctx: ValidateContext;
  source: Source;
  /** Backends configured in pgpool.conf (`backend_portN` set), as Pgpool-II's `NUM_BACKENDS` counts them. */
  backends: number;
  version: string;
}

/** Checks the users of the password lines against pool_passwd, when pgtls can see the file pgpool would read. */
export function checkPoolPasswdEntries(doc: SourceDocument, file: HbaFile, ctx: ValidateContext): void {
  if (!ctx.settings.checkFiles) return;
  const records = file.records.filter(r => r.method === 'scram-sha-256' || r.method === 'md5' || r.method === 'password');
  if (records.length === 0) return;
  const confPath = `${dirOf(doc.path)}/pgpool.conf`;
  const sibling = ctx.parseSibling<PgpoolConfFile>(confPath, 'pgpool-conf')?.file;
  if (!sibling) return;
  const conf = effectiveSettings(confPath, sibling, ctx.parseSibling, ctx.settings.checkFiles ? pathLocator(ctx, confPath) : undefined);
  if (!settingBool(conf, 'enable_pool_hba', false).value) return;
  const source = locate(confPath, lastSetting(conf, 'pool_passwd'), ctx);
  if (!source) return;
  const c: Ctx = { ctx, source, backends: countBackends(conf), version: ctx.settings.pgpoolVersion };
  const named = new Set<string>();
  for (const r of records) {
    for (const t of r.users) {
      if (t.include || (!t.quoted && t.value.startsWith('+'))) continue;
      if (!t.quoted && t.value === 'all') checkAll(c, r, t, named);
      else checkUser(c, r, t);
    }
    for (const t of r.users) if (t.quoted || t.value !== 'all') named.add(t.value);
  }
}

/** The pool_passwd that pgpool would read, or `undefined` when pgtls cannot check it (see the module comment). */
function locate(confPath: string, at: Setting | undefined, ctx: ValidateContext): Source | undefined {
  const value = at ? at.a.value : 'pool_passwd';
  if (value === '') return at ? { kind: 'disabled', at } : undefined;
  // A value shaped like a password is pgpool.conf's own finding (pool-passwd-value); it is never repeated here.
  if (entryShape(value)) return undefined;
  // Pgpool-II's main.c: an absolute path as is, else relative to pgpool.conf's folder; an absolute path goes through
  // the path mappings, and one pgtls cannot see (a path where pgpool runs) is not checked.
  const loc = pathLocator(ctx, confPath).locate(value);
  if (loc.status !== 'seen') return undefined;
  const path = loc.path;
  // Missing, not a file, unreadable, binary: nothing to check (an open editor buffer counts, as for pgpool.conf).
  const parsed = ctx.parseSibling<PoolPasswdFile>(path, 'pool-passwd')?.file;
  if (!parsed || parsed.effective.size === 0) return undefined;
  return { kind: 'file', path, file: parsed };
}

/** `NUM_BACKENDS`: one more than the highest node number whose `backend_port` is set (config_post_processor). */
function countBackends(conf: readonly Setting[]): number {
  const ports = new Map<number, string>();
  for (const s of conf) if (s.a.name === 'backend_port' && s.a.index !== undefined) ports.set(s.a.index, s.a.value.trim());
  let n = 0;
  for (const [i, v] of ports) if (v !== '' && v !== '0') n = Math.max(n, i + 1);
  return n;
}

/** The severity of a failing md5 login, and what to add when it depends on the patch release. */
function md5Softening(c: Ctx): { severity?: Severity; note: string } {
  const fix = MD5_FIX[c.version];
  if (c.backends > 1 || !fix) return { note: '' };
  return { severity: 'warning', note: ` (with a single backend this holds from Pgpool-II ${fix} on, the fix for CVE-2025-46801; earlier ${c.version} releases passed md5 on to the backend without pool_passwd)` };
}

function checkUser(c: Ctx, r: HbaRecord, t: HbaToken): void {
  const method = r.method as PasswdMethod;
  const user = t.value;
  const u = shownUser(user);
  const entry = c.source.kind === 'file' ? c.source.file.effective.get(user) : undefined;
  const kind = entry?.value?.kind;
  const s = serves(kind, method);
  if (s.ok) return;
  const soft = method === 'md5' ? md5Softening(c) : { note: '' };
  const says = s.says!.replace('%u', user);
  if (!entry) {
    const where = c.source.kind === 'disabled'
      ? `pgpool.conf disables pool_passwd (\`pool_passwd = ''\`), so every ${method} login of ${u} through this line fails ("${says}")${soft.note}; set \`pool_passwd\` to the password file and add an entry for ${u}.`
      : `${u} has no entry in ${pathOf(c)}, so every ${method} login of ${u} through this line fails ("${says}")${soft.note}; add one (AES-encrypted with \`pg_enc -m\`, or a \`TEXT\` line), or use \`password\` on a \`hostssl\` line.`;
    c.ctx.report(POOL_HBA['pool-passwd-no-entry'], t.span, where, extraOf(c, soft.severity, undefined));
    return;
  }
  c.ctx.report(POOL_HBA['pool-passwd-entry-type'], t.span,
    `The pool_passwd entry of ${u} (line ${entry.line + 1} of ${pathOf(c)}) is ${KIND_LABEL[kind!]}, which cannot serve \`${method}\`: every ${method} login of ${u} through this line fails ("${says}")${soft.note}. ${advice(kind!, method)}`,
    extraOf(c, soft.severity, { span: entry.userSpan!, message: `the pool_passwd entry of ${u}` }));
}

/** `all`: the entries pool_passwd holds for users no earlier line names, grouped by the kind that fails. */
function checkAll(c: Ctx, r: HbaRecord, t: HbaToken, named: ReadonlySet<string>): void {
  const method = r.method as PasswdMethod;
  const soft = method === 'md5' ? md5Softening(c) : { note: '' };
  if (c.source.kind === 'disabled') {
    if (serves(undefined, method).ok) return;
    c.ctx.report(POOL_HBA['pool-passwd-no-entry'], t.span, `pgpool.conf disables pool_passwd (\`pool_passwd = ''\`), so every ${method} login through this line fails ("${serves(undefined, method).says!.replace('%u', '…')}")${soft.note}; set \`pool_passwd\` to the password file and add the users' entries.`,
      extraOf(c, soft.severity, undefined));
    return;
  }
  const groups = new Map<EntryKind, { users: string[]; first: Span }>();
  for (const [user, e] of c.source.file.effective) {
    if (e.inert || named.has(user)) continue;
    const kind = e.value!.kind!;
    if (serves(kind, method).ok) continue;
    const g = groups.get(kind) ?? { users: [], first: e.userSpan! };
    g.users.push(user);
    groups.set(kind, g);
  }
  for (const [kind, g] of groups) {
    const list = g.users.slice(0, LIST_MAX).map(shownUser).join(', ') + (g.users.length > LIST_MAX ? ` and ${g.users.length - LIST_MAX} more` : '');
    const one = g.users.length === 1;
    c.ctx.report(POOL_HBA['pool-passwd-entry-type'], t.span,
      `The pool_passwd entr${one ? 'y' : 'ies'} of ${list} in ${pathOf(c)} ${one ? `is ${KIND_LABEL[kind]}` : `are ${PLURAL[kind]}`}, which cannot serve \`${method}\`: every ${method} login of ${one ? 'that user' : 'those users'} through this line fails ("${serves(kind, method).says!.replace('%u', one ? g.users[0]! : '…')}")${soft.note}. ${advice(kind, method)}`,
      extraOf(c, soft.severity, { span: g.first, message: `the pool_passwd entry of ${shownUser(g.users[0]!)}` }));
  }
}

function advice(kind: EntryKind, method: PasswdMethod): string {
  if (kind === 'md5' && method === 'scram-sha-256') return 'Store the password AES-encrypted (`pg_enc -m`) or as a `TEXT` line, or use `md5` on this line.';
  return 'Store the password itself: AES-encrypted (`pg_enc -m`) or as a `TEXT` line.';
}

/** The kinds of entry that can fail a password login, in the plural. */
const PLURAL: Readonly<Partial<Record<EntryKind, string>>> = { md5: 'MD5 hashes', scram: 'SCRAM-SHA-256 verifiers' };

const pathOf = (c: Ctx): string => (c.source.kind === 'file' ? `\`${c.source.path}\`` : 'pool_passwd');

function extraOf(c: Ctx, severity: Severity | undefined, entry: { span: Span; message: string } | undefined): { severity?: Severity; related?: Finding['related'] } {
  const out: { severity?: Severity; related?: Finding['related'] } = {};
  if (severity) out.severity = severity;
  if (entry && c.source.kind === 'file') out.related = [{ file: c.source.path, span: entry.span, message: entry.message }];
  else if (c.source.kind === 'disabled') {
    const a = c.source.at;
    out.related = [{ file: a.path, span: [a.a.keySpan[0], Math.max(a.a.keySpan[1], a.a.valueSpan[1])], message: 'pool_passwd is disabled here' }];
  }
  return out;
}
