/**
 * What the pgbouncer.ini beside an auth_file says about it, when that pgbouncer.ini names a file of this name as its
 * `auth_file`: which users are `auth_user` (PgBouncer logs in as them with no client login first, so they need their
 * clear-text password) and whether `auth_type` is cert, trust or peer (PgBouncer then logs in to PostgreSQL with the
 * entries themselves, and only clear text serves a server that asks for SCRAM). The pgbouncer.ini is read through
 * `ctx.parseSibling` and typed here by its shape only: this room does not import pgbouncer.ini, which imports it.
 */
import type { ValidateContext } from '../../../core/language';

/** The parts of a parsed pgbouncer.ini (pgbouncerIni/model.ts) read here. */
interface IniShape {
  entries: { section?: string; st: { key: string; value: string }; conn?: { pairs: { key: string; value: string }[] } }[];
}

export interface BouncerView {
  /** The `auth_user` names (global and per database). */
  authUsers: ReadonlySet<string>;
  /** `auth_type` is cert, trust or peer: clear text is what serves PgBouncer's own logins to PostgreSQL. */
  serverLoginsNeedClearText: boolean;
  /** The `auth_type` in effect. */
  authType: string;
}

const baseName = (p: string): string => p.replace(/\\/g, '/').split('/').pop() ?? '';

export function bouncerView(path: string, ctx: Pick<ValidateContext, 'parseSibling'>): BouncerView | undefined {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (slash < 0) return undefined;
  const ini = ctx.parseSibling<IniShape>(`${path.slice(0, slash)}/pgbouncer.ini`, 'pgbouncer-ini')?.file;
  if (!ini) return undefined;
  const main = new Map<string, string>();
  const authUsers = new Set<string>();
  for (const e of ini.entries) {
    if (e.section === 'pgbouncer') main.set(e.st.key.toLowerCase(), e.st.value);
    if (e.section === 'databases') for (const p of e.conn?.pairs ?? []) if (p.key === 'auth_user' && p.value !== '') authUsers.add(p.value);
  }
  const authFile = main.get('auth_file');
  if (!authFile || baseName(authFile) !== baseName(path)) return undefined;
  const global = main.get('auth_user');
  if (global) authUsers.add(global);
  const authType = (main.get('auth_type') ?? 'md5').toLowerCase();
  return { authUsers, serverLoginsNeedClearText: ['cert', 'trust', 'peer'].includes(authType), authType };
}
