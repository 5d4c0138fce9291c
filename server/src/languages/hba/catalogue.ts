/**
 * What each word of an HBA file means to Pgpool-II and to PostgreSQL 15–17. The parser, the hover texts and the
 * completion lists all read from here, so the documentation cannot drift from the checks.
 * Texts are our own summaries of pool_hba.c / hba.c behaviour and of the two projects' manuals.
 */
import type { Dialect } from './lexer';

/** The server a dialect's file configures, as messages name it. */
export const serverName = (d: Dialect): string => (d === 'pgpool' ? 'pgpool' : 'PostgreSQL');

export type ConnType = 'local' | 'host' | 'hostssl' | 'hostnossl' | 'hostgssenc' | 'hostnogssenc';

export interface Entry {
  /** Text for both dialects. */
  common: string;
  /** Extra text for pool_hba.conf. */
  pgpool?: string;
  /** Extra text for pg_hba.conf. */
  postgres?: string;
}

interface TypeEntry extends Entry { inPgpool: boolean }

export const CONN_TYPES: Record<ConnType, TypeEntry> = {
  local: {
    inPgpool: true,
    common: 'Matches connections over a Unix-domain socket. There is no address field on this line, and no TLS: the socket never carries SSL.',
    pgpool: 'In pool_hba.conf this means a Unix-socket connection **to pgpool** (its `unix_socket_directories`), not to the backends.',
    postgres: 'Without a `local` line, nobody can connect through the socket (psql\'s default on most systems).',
  },
  host: {
    inPgpool: true,
    common: 'Matches TCP/IP connections **with or without TLS**. Because the first matching line wins, a `host` line also catches clients that did not ask for TLS, so passwords and data may cross the network in clear text. Prefer `hostssl` for anything that leaves the machine.',
  },
  hostssl: {
    inPgpool: true,
    common: 'Matches TCP/IP connections **only when TLS is in use**. Clients that connect without TLS skip this line. This is the connection type to use with `cert` authentication and for password methods over the network.',
    pgpool: 'Needs `ssl = on` in pgpool.conf; otherwise pgpool logs that the record cannot match and the line is dead. Client certificates are only requested when `ssl_ca_cert` is set.',
    postgres: 'Needs `ssl = on` in postgresql.conf; with SSL off PostgreSQL reports the line as an error when it loads the file.',
  },
  hostnossl: {
    inPgpool: true,
    common: 'Matches TCP/IP connections **only when TLS is not in use**. Useful to `reject` plain-text clients explicitly before a `host` line, or to give them a different method.',
  },
  hostgssenc: {
    inPgpool: false,
    common: 'Matches TCP/IP connections that use **GSSAPI encryption** (Kerberos-based transport encryption, an alternative to TLS).',
    pgpool: 'Pgpool-II has no GSSAPI encryption: `hostgssenc` is an invalid connection type there and makes pgpool reject the whole file.',
  },
  hostnogssenc: {
    inPgpool: false,
    common: 'Matches TCP/IP connections that do **not** use GSSAPI encryption (they may still use TLS).',
    pgpool: 'Pgpool-II does not know this connection type: it rejects the whole file.',
  },
};

export const PGPOOL_CONN_TYPES: readonly ConnType[] = ['local', 'host', 'hostssl', 'hostnossl'];
export const PG_CONN_TYPES: readonly ConnType[] = ['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc'];

export type Method =
  | 'trust' | 'reject' | 'md5' | 'scram-sha-256' | 'password' | 'cert' | 'pam' | 'ldap'
  | 'gss' | 'sspi' | 'ident' | 'peer' | 'radius' | 'bsd';

interface MethodEntry extends Entry { inPgpool: boolean; inPostgres: boolean }

export const METHODS: Record<Method, MethodEntry> = {
  trust: {
    inPgpool: true, inPostgres: true,
    common: 'Lets the client in **without any password or certificate**: anyone who can reach the socket or address may log in as any user the line allows. Reasonable only for Unix sockets on a single-user machine.',
  },
  reject: {
    inPgpool: true, inPostgres: true,
    common: 'Refuses the connection. Lines are tried in order and the first match wins, so `reject` lines are used to carve exceptions out of broader lines below them (e.g. `hostnossl all all 0.0.0.0/0 reject`).',
  },
  md5: {
    inPgpool: true, inPostgres: true,
    common: 'MD5 challenge-response password check. MD5 password hashes are weak (they are password-equivalent and unsalted per user name); use `scram-sha-256`.',
    pgpool: 'pgpool answers the challenge itself and needs the user\'s entry in `pool_passwd` (an MD5 hash, `AES`, `TEXT` or clear text; a SCRAM verifier does not serve). Before 4.3.15, 4.4.12, 4.5.7 and 4.6.1, a pgpool with a single backend passed md5 on to it instead.',
    postgres: 'If the role\'s password is stored as SCRAM, PostgreSQL silently uses SCRAM instead.',
  },
  'scram-sha-256': {
    inPgpool: true, inPostgres: true,
    common: 'SCRAM-SHA-256 password authentication: the password never crosses the wire and the server proves it knows the verifier. The recommended password method; combine it with `hostssl` so the session itself is encrypted.',
    pgpool: 'pgpool needs the user\'s password in `pool_passwd`: `AES`, `TEXT` or clear text. An MD5 hash does not serve, and neither does a SCRAM verifier (pgpool 4.3–4.7 refuses it: "invalid password type").',
  },
  password: {
    inPgpool: true, inPostgres: true,
    common: 'Asks for the password **in clear text**. Anyone who can read the traffic sees it, so only use it over `hostssl` (or a trusted local socket).',
    pgpool: 'pgpool asks the client for the clear-text password and needs no `pool_passwd` entry for the client side; if the user has one, pgpool checks the password against it (a SCRAM verifier cannot be checked, so that login fails).',
  },
  cert: {
    inPgpool: true, inPostgres: true,
    common: 'Authenticates with the client\'s **TLS certificate**: the certificate must be signed by a trusted CA, and its name must match the user name. No password is asked.',
    pgpool: 'pgpool compares only the certificate\'s **CN** with the user name, case-insensitively. Client certificates are requested only when `ssl = on` and `ssl_ca_cert` are set. pgpool does not reject `cert` on `host`, `hostnossl` or `local` lines, but it can only succeed over TLS. pgpool has no `map=` or `clientcert=` options. pgpool then logs in to the backend by itself (trust, or a `pool_passwd` entry).',
    postgres: 'Only allowed on `hostssl` lines, and it implies `clientcert=verify-full`. By default the CN must equal the user name (exactly); `clientname=DN` and `map=` change that.',
  },
  pam: {
    inPgpool: true, inPostgres: true,
    common: 'Checks the user name and a clear-text password through PAM (`pamservice`, default `postgresql` / `pgpool`). The password crosses the wire in clear text: use `hostssl`.',
  },
  ldap: {
    inPgpool: true, inPostgres: true,
    common: 'Checks the user name and a clear-text password against an LDAP server, either by a direct bind (`ldapprefix`/`ldapsuffix`) or by search+bind (`ldapbasedn` …). The password crosses the wire in clear text: use `hostssl`, and `ldaptls=1` or `ldapscheme=ldaps` towards the LDAP server.',
    pgpool: 'With `backend_use_passwd=1`, pgpool also uses the password to log in to the backend.',
  },
  gss: {
    inPgpool: false, inPostgres: true,
    common: 'Kerberos / GSSAPI authentication. Not allowed on `local` lines.',
    pgpool: 'Pgpool-II has no GSSAPI authentication.',
  },
  sspi: {
    inPgpool: false, inPostgres: true,
    common: 'Windows SSPI (Kerberos or NTLM) authentication; only in PostgreSQL builds for Windows.',
    pgpool: 'Pgpool-II has no SSPI authentication.',
  },
  ident: {
    inPgpool: false, inPostgres: true,
    common: 'Asks an ident server on the client machine for the OS user name (TCP only; easily spoofed unless you control the client host). On `local` lines PostgreSQL treats `ident` as `peer`.',
    pgpool: 'Pgpool-II has no ident authentication.',
  },
  peer: {
    inPgpool: false, inPostgres: true,
    common: 'Takes the OS user name of the process at the other end of the Unix socket and requires it to equal the database user (or to map to it through `map=`). Only for `local` lines.',
    pgpool: 'Pgpool-II has no peer authentication.',
  },
  radius: {
    inPgpool: false, inPostgres: true,
    common: 'Checks a clear-text password against RADIUS servers; needs `radiusservers` and `radiussecrets`. The password crosses the wire in clear text: use `hostssl`.',
    pgpool: 'Pgpool-II has no RADIUS authentication.',
  },
  bsd: {
    inPgpool: false, inPostgres: true,
    common: 'BSD Authentication; only in PostgreSQL builds for OpenBSD.',
    pgpool: 'Pgpool-II has no BSD authentication.',
  },
};

export const PGPOOL_METHODS: readonly Method[] = ['trust', 'reject', 'scram-sha-256', 'md5', 'password', 'cert', 'pam', 'ldap'];
export const PG_METHODS: readonly Method[] = ['trust', 'reject', 'scram-sha-256', 'md5', 'password', 'cert', 'gss', 'sspi', 'ident', 'peer', 'pam', 'ldap', 'radius', 'bsd'];

export interface OptionEntry extends Entry {
  /** pgpool: methods the option belongs to (empty: unknown to pgpool). */
  pgpoolMethods: readonly Method[];
  /** PostgreSQL: methods the option belongs to (empty: unknown to PostgreSQL); `hostssl` options list every method. */
  postgresMethods: readonly Method[];
  /** Human list for messages, as PostgreSQL prints it. */
  postgresMethodsText?: string;
}

const LDAP: readonly Method[] = ['ldap'];
const PAM: readonly Method[] = ['pam'];
const RADIUS: readonly Method[] = ['radius'];
const GSS_SSPI: readonly Method[] = ['gss', 'sspi'];

export const OPTIONS: Record<string, OptionEntry> = {
  map: {
    pgpoolMethods: [], postgresMethods: ['ident', 'peer', 'gss', 'sspi', 'cert'], postgresMethodsText: 'ident, peer, gss, sspi and cert',
    common: 'Names a user-name map in pg_ident.conf that translates the external name (OS user, Kerberos principal, certificate name) into allowed database users.',
    pgpool: 'PostgreSQL-only: pgpool has no pg_ident maps, and its `cert` method always compares the certificate CN with the user name.',
  },
  clientcert: {
    pgpoolMethods: [], postgresMethods: [...PG_METHODS],
    common: 'On `hostssl` lines, additionally requires a client certificate signed by a trusted CA: `verify-ca` checks the chain only, `verify-full` also requires the certificate name to match the user (like `cert`). The values `1`, `0` and `no-verify` were removed in PostgreSQL 14.',
    pgpool: 'PostgreSQL-only: pgpool does not know `clientcert`. To demand certificates in pgpool, use the `cert` method on a `hostssl` line and set `ssl_ca_cert`.',
  },
  clientname: {
    pgpoolMethods: [], postgresMethods: [...PG_METHODS],
    common: 'Which certificate name `cert` and `clientcert=verify-full` compare with the user: `CN` (the default) or `DN` (the whole distinguished name, best with `map=`). Only on `hostssl` lines.',
    pgpool: 'PostgreSQL-only: pgpool always uses the CN.',
  },
  pamservice: {
    pgpoolMethods: PAM, postgresMethods: PAM,
    common: 'The PAM service name to use for `pam` authentication.',
    pgpool: 'On other methods pgpool only logs a message and ignores the option.',
  },
  pam_use_hostname: {
    pgpoolMethods: PAM, postgresMethods: PAM,
    common: 'With `1`, passes the client\'s host name instead of its IP address to PAM (`PAM_RHOST`).',
  },
  ldapurl: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'An RFC 4516 LDAP URL that sets server, port, base DN, search attribute, scope and filter at once, e.g. `ldapurl="ldaps://ldap.example.net/dc=example,dc=net?uid?sub"`. Only `ldap://` and `ldaps://` are accepted.',
  },
  ldaptls: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'With `1`, upgrades the connection to the LDAP server with StartTLS. Without TLS to the LDAP server, users\' passwords cross that network in clear text.',
  },
  ldapscheme: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: '`ldap` or `ldaps` (LDAP over TLS, port 636). Any other value is only logged and then behaves like `ldap`.',
  },
  ldapserver: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'LDAP server names or addresses, separated by spaces (quote the value). With OpenLDAP it may be omitted to use DNS SRV records.',
  },
  ldapport: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'Port of the LDAP server (default 389, or 636 with `ldaps`).',
  },
  ldapbinddn: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'Search+bind mode: the DN used to bind for the search (omit for an anonymous search).',
  },
  ldapbindpasswd: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'Search+bind mode: the password of `ldapbinddn`. It sits in the file in clear text: keep the file readable by the server account only.',
  },
  ldapsearchattribute: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'Search+bind mode: the attribute compared with the user name (default `uid`). Not together with `ldapsearchfilter`.',
  },
  ldapsearchfilter: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'Search+bind mode: a search filter where `$username` is replaced by the user name. Not together with `ldapsearchattribute`.',
  },
  ldapbasedn: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'Search+bind mode: the DN to start the user search at. Either this or `ldapprefix`/`ldapsuffix` is required.',
  },
  ldapprefix: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'Simple bind mode: text put before the user name to form the DN to bind as. Cannot be combined with the search+bind options.',
  },
  ldapsuffix: {
    pgpoolMethods: LDAP, postgresMethods: LDAP,
    common: 'Simple bind mode: text put after the user name to form the DN to bind as. Cannot be combined with the search+bind options.',
  },
  backend_use_passwd: {
    pgpoolMethods: LDAP, postgresMethods: [],
    common: 'pgpool-only: with `1`, pgpool reuses the password the client gave for LDAP to log in to the backend.',
    postgres: 'PostgreSQL does not know this option and refuses the file.',
  },
  krb_realm: {
    pgpoolMethods: [], postgresMethods: GSS_SSPI, postgresMethodsText: 'gss and sspi',
    common: 'Only accept users of this Kerberos realm.',
  },
  include_realm: {
    pgpoolMethods: [], postgresMethods: GSS_SSPI, postgresMethodsText: 'gss and sspi',
    common: 'With `0`, strips the realm from the authenticated principal before user matching (discouraged; use a `map=` instead).',
  },
  compat_realm: {
    pgpoolMethods: [], postgresMethods: ['sspi'], postgresMethodsText: 'sspi',
    common: 'SSPI: use the NetBIOS domain name instead of the Kerberos realm for `include_realm`.',
  },
  upn_username: {
    pgpoolMethods: [], postgresMethods: ['sspi'], postgresMethodsText: 'sspi',
    common: 'SSPI: use the user principal name instead of the SAM account name.',
  },
  radiusservers: {
    pgpoolMethods: [], postgresMethods: RADIUS,
    common: 'Comma-separated RADIUS servers (quote the list). Required for `radius`.',
  },
  radiussecrets: {
    pgpoolMethods: [], postgresMethods: RADIUS,
    common: 'Shared secrets, one for all servers or one per server. Required for `radius`.',
  },
  radiusports: {
    pgpoolMethods: [], postgresMethods: RADIUS,
    common: 'RADIUS ports (default 1812), one for all servers or one per server.',
  },
  radiusidentifiers: {
    pgpoolMethods: [], postgresMethods: RADIUS,
    common: 'NAS-Identifier values sent to the RADIUS servers (default `postgresql`).',
  },
};

/** Options that PostgreSQL only accepts on `hostssl` lines. */
export const HOSTSSL_ONLY_OPTIONS: ReadonlySet<string> = new Set(['clientcert', 'clientname']);

export interface KeywordEntry extends Entry {
  fields: readonly ('database' | 'user' | 'address')[];
  inPgpool: 'yes' | 'never-matches' | 'literal';
}

export const KEYWORDS: Record<string, KeywordEntry> = {
  all: {
    fields: ['database', 'user', 'address'], inPgpool: 'yes',
    common: 'Matches every database, every user, or (in the address field) every client address. Written in quotes (`"all"`) it is an ordinary name instead.',
  },
  sameuser: {
    fields: ['database'], inPgpool: 'yes',
    common: 'Matches when the requested database has the same name as the user.',
  },
  samerole: {
    fields: ['database'], inPgpool: 'never-matches',
    common: 'Matches when the user is a member of the role named like the requested database.',
    pgpool: 'pgpool accepts the word but a line with it **never matches** (pgpool cannot look up role membership).',
  },
  samegroup: {
    fields: ['database'], inPgpool: 'never-matches',
    common: 'Old spelling of `samerole`.',
    pgpool: 'pgpool accepts the word but a line with it **never matches**.',
  },
  replication: {
    fields: ['database'], inPgpool: 'literal',
    common: 'Matches physical replication connections (walsender), which never match `all`.',
    pgpool: 'Not a keyword in pgpool: it is an ordinary database name, so the line only matches a database called `replication`.',
  },
  samehost: {
    fields: ['address'], inPgpool: 'yes',
    common: 'Matches any of the server\'s own IP addresses.',
  },
  samenet: {
    fields: ['address'], inPgpool: 'yes',
    common: 'Matches any address in a subnet the server is directly connected to. On cloud or container networks this can be much wider than expected.',
  },
};

export const INCLUDE_DIRECTIVES: Record<string, string> = {
  include: 'PostgreSQL 16+: reads the named file here, as if its lines were written in place. A relative name is resolved against this file\'s folder; a missing file is an error.',
  include_if_exists: 'PostgreSQL 16+: like `include`, but a missing file is skipped (with a log message).',
  include_dir: 'PostgreSQL 16+: includes every `*.conf` file of the folder, in file-name order.',
};

export function describeFor(e: Entry, dialect: Dialect): string {
  const extra = dialect === 'pgpool' ? e.pgpool : e.postgres;
  return extra ? `${e.common}\n\n${extra}` : e.common;
}

export function isMethod(s: string): s is Method {
  return Object.prototype.hasOwnProperty.call(METHODS, s);
}

export function isConnType(s: string): s is ConnType {
  return Object.prototype.hasOwnProperty.call(CONN_TYPES, s);
}

export function optionEntry(name: string): OptionEntry | undefined {
  return Object.prototype.hasOwnProperty.call(OPTIONS, name) ? OPTIONS[name] : undefined;
}
