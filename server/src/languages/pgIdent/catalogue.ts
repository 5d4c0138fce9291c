/**
 * What pg_ident.conf means, as text the checks, hover and completion share: what a refused file does, what the system
 * user is for each pg_hba.conf method that takes `map=`, and where pg_hba.conf lives beside it.
 */

/** The consequence of any load error, in PostgreSQL 15–17 (postmaster.c load_ident, checked with PostgreSQL 15). */
export const REFUSED = 'PostgreSQL then refuses the whole pg_ident.conf: a server started with it runs with no user-name maps (every login through a `map=` line of pg_hba.conf is refused), and a reload keeps the previous maps (it logs "pg_ident.conf was not reloaded")';

/** What the system user of a map is, per pg_hba.conf method (the methods PostgreSQL accepts `map=` on). */
export const SYSTEM_USER: Readonly<Record<string, string>> = {
  cert: 'the Common Name (CN) of the client certificate (with `clientname=DN`, PostgreSQL 14+, the whole subject Distinguished Name in RFC 2253 form, e.g. `CN=alice,O=Example`)',
  peer: 'the operating-system user of the client process (Unix sockets only)',
  ident: 'the user name the client\'s ident server reports',
  gss: 'the Kerberos principal (without the realm unless `include_realm=1`, the default since 9.5, keeps it)',
  sspi: 'the Windows account (with the realm unless `include_realm=0`)',
};

/** The methods that accept `map=` (hba.c parse_hba_auth_opt "map"). */
export const MAP_METHODS: readonly string[] = ['ident', 'peer', 'gss', 'sspi', 'cert'];

export const INCLUDE_DOC: Readonly<Record<string, string>> = {
  include: 'Reads another file\'s map lines here (PostgreSQL 16+); a relative name is relative to this file\'s folder. A missing file refuses the whole pg_ident.conf.',
  include_if_exists: 'Like `include`, but a missing file is skipped with a log line (PostgreSQL 16+).',
  include_dir: 'Reads every `*.conf` file of a folder, in name order (PostgreSQL 16+).',
};

/** The folder part of a path (`/` or `\` separated), without the trailing separator. */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '.' : path.slice(0, i);
}

/** The pg_hba.conf pgtls reads beside a pg_ident.conf (PostgreSQL's defaults put both in the data directory). */
export const hbaBeside = (identPath: string): string => `${folderOf(identPath)}/pg_hba.conf`;
