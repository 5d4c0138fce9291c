/**
 * What pgtls knows about pgbouncer.ini, per PgBouncer release: the `[pgbouncer]` settings (type, lookup values,
 * default, whether a reload applies them, the release that added them), the sections and the connection-string keys
 * of `[databases]`, `[users]` and `[peers]`. The facts are generated from PgBouncer's source into
 * schemas/pgbouncer-params.json (scripts/gen-pgbouncer-catalogue.ts); the one-line descriptions below are ours.
 */
import type { ServiceEnv } from '../../core/types';

export const PGBOUNCER_VERSIONS = ['1.18', '1.19', '1.20', '1.21', '1.22', '1.23', '1.24', '1.25'] as const;
export type PgbouncerVersion = (typeof PGBOUNCER_VERSIONS)[number];
export const LATEST_PGBOUNCER: PgbouncerVersion = '1.25';

export type ParamType = 'int' | 'uint' | 'str' | 'time' | 'enum';

export interface Param {
  type: ParamType;
  values?: string[];
  /** Lookup values that exist only with a build option (`pam` needs PAM, `ldap` LDAP). */
  valueIf?: Record<string, string>;
  default: string | null;
  /** A reload (SIGHUP, RELOAD) applies it; otherwise only a restart does. */
  reload: boolean;
  /** `!WIN32`: not on Windows; `WIN32`: only on Windows. */
  onlyIf?: string;
}

export interface Release {
  tag: string;
  params: Record<string, Param>;
  sections: string[];
  databases: string[];
  users: string[];
  peers: string[];
  quotedKeys: boolean;
}

export interface Catalogue {
  releases: Record<PgbouncerVersion, Release>;
  /** The first release that has each setting. */
  since: ReadonlyMap<string, PgbouncerVersion>;
}

const cache = new WeakMap<object, Catalogue>();

export function catalogue(env: Pick<ServiceEnv, 'loadJson'>): Catalogue {
  const json = env.loadJson('pgbouncer-params.json') as { releases: Record<PgbouncerVersion, Release> };
  let c = cache.get(json);
  if (!c) {
    const since = new Map<string, PgbouncerVersion>();
    for (const v of PGBOUNCER_VERSIONS) for (const k of Object.keys(json.releases[v]?.params ?? {})) if (!since.has(k)) since.set(k, v);
    c = { releases: json.releases, since };
    cache.set(json, c);
  }
  return c;
}

/** The release the settings select; an unknown value means the latest. */
export function versionOf(setting: string | undefined): PgbouncerVersion {
  return (PGBOUNCER_VERSIONS as readonly string[]).includes(setting ?? '') ? setting as PgbouncerVersion : LATEST_PGBOUNCER;
}

/** The settings whose values are files PgBouncer reads. */
export const FILE_SETTINGS: ReadonlySet<string> = new Set([
  'client_tls_key_file', 'client_tls_cert_file', 'client_tls_ca_file', 'server_tls_key_file', 'server_tls_cert_file',
  'server_tls_ca_file', 'auth_file', 'auth_hba_file', 'auth_ident_file',
]);

/** Our words for the settings that matter for TLS and authentication (hover). */
export const DOCS: Readonly<Record<string, string>> = {
  client_tls_sslmode: 'TLS towards clients. `disable`: no TLS. `allow`/`prefer`: TLS when the client asks for it. `require`: only TLS connections. `verify-ca`/`verify-full`: TLS with a client certificate that `client_tls_ca_file` verifies (PgBouncer checks no names towards clients). Every mode but `disable` needs `client_tls_key_file` and `client_tls_cert_file`, or PgBouncer does not start.',
  client_tls_key_file: 'Private key of the certificate PgBouncer serves to clients (PEM).',
  client_tls_cert_file: 'Certificate (chain) PgBouncer serves to clients (PEM); OpenSSL refuses keys below security level 2 ("ee key too small") and PgBouncer then does not start.',
  client_tls_ca_file: 'CA certificates that verify client certificates. Needed for `client_tls_sslmode = verify-full` and for `auth_type = cert`.',
  client_tls_protocols: 'TLS versions offered to clients: `all`, `secure` (TLS 1.2 and 1.3), `legacy`, or or a list of `tlsv1.0`…`tlsv1.3` separated by `,` or `:`, `!` excluding one (libusual `tls_config_parse_protocols`).',
  client_tls_ciphers: 'TLS 1.2 cipher suites towards clients (an OpenSSL cipher string, or `default`, `secure`, `fast`, `normal`, `compat`, `legacy`).',
  client_tls_ecdhcurve: 'Elliptic curve for ECDH key exchange towards clients: `none`, `auto`, or one OpenSSL curve name (e.g. `prime256v1`).',
  client_tls_dheparams: 'Diffie-Hellman parameters towards clients: `none`, `auto` or `legacy`.',
  server_tls_sslmode: 'TLS towards the PostgreSQL servers. `disable`: none. `allow`/`prefer`: TLS if the server offers it, nothing verified. `require`: TLS, nothing verified (a man in the middle is not noticed). `verify-ca`: the server certificate must chain to `server_tls_ca_file`, its name is not checked. `verify-full`: the chain AND the host name of `[databases]` must match the certificate.',
  server_tls_ca_file: 'CA certificates that verify the servers\' certificates (`verify-ca`, `verify-full`); without it OpenSSL\'s system store is used.',
  server_tls_key_file: 'Private key of a client certificate PgBouncer presents to the servers (for their `cert` logins).',
  server_tls_cert_file: 'Client certificate PgBouncer presents to the servers.',
  server_tls_protocols: 'TLS versions towards the servers (as `client_tls_protocols`).',
  server_tls_ciphers: 'TLS 1.2 cipher suites towards the servers (as `client_tls_ciphers`).',
  auth_type: 'How clients authenticate: `cert` (TLS client certificate, CN = user name; needs `client_tls_sslmode = verify-full` and `client_tls_ca_file`), `scram-sha-256`, `md5` (also accepts SCRAM secrets), `plain`, `trust`, `any`, `hba` (per `auth_hba_file`), `pam`.',
  auth_file: 'The file of user names and passwords (userlist.txt) that md5, scram-sha-256, plain, trust, cert and hba logins look users up in.',
  auth_hba_file: 'The pg_hba.conf-style file that `auth_type = hba` reads; without it every login is refused.',
  auth_user: 'The user PgBouncer logs in with to run `auth_query` for users that are not in `auth_file`.',
  listen_addr: 'Addresses to listen on (`*` for all); empty: only the Unix socket.',
  listen_port: 'TCP port (default 6432).',
  unix_socket_dir: 'Folder of the Unix socket (default /tmp); empty: no Unix socket.',
};
