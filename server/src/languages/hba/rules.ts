/**
 * Rule metadata of both HBA dialects (no checks here). One list of definitions feeds two `defineRules` tables: a rule
 * exists in a dialect when it has a description for it (`both`, or `pgpool` / `postgres`); ids are `pool-hba/<name>`
 * and `pg-hba/<name>`. Checks name rules through the tables (`rulesFor(dialect)['md5-method']`, or `POOL_HBA[...]` /
 * `PG_HBA[...]` for a rule of one dialect only), so a misspelt name, or a one-dialect rule used for both, does not
 * compile.
 */
import { defineRules, rulesOf, type RuleSpec } from '../../core/rules';
import type { RuleMeta, Severity } from '../../core/types';
import type { Dialect } from './lexer';

interface HbaRuleDef {
  severity: Severity;
  pgpool?: string;
  postgres?: string;
  /** The same description in both dialects (pool_hba.conf and pg_hba.conf; never pgbouncer_hba.conf). */
  both?: string;
  /** PgBouncer's auth_hba_file (bouncer/): a rule exists there only with a description of its own. */
  pgbouncer?: string;
  /** What the rule follows in each dialect, when it is not the parser (e.g. matching, or Pgpool-II's backend leg). */
  source?: { pgpool?: string; postgres?: string; pgbouncer?: string };
}

const POOL_SRC = 'Pgpool-II src/auth/pool_hba.c (parse_hba_line, tokenize_file); reference/pgpool.md §4';
/** Matching: the first line whose type, address, database and user match decides (`check_hba`). */
const MATCH_SRC = {
  pgpool: 'Pgpool-II src/auth/pool_hba.c (check_hba: the first matching line decides, no fall-through); reference/pgpool.md §4.3',
  postgres: 'PostgreSQL 15–17 src/backend/libpq/hba.c (check_hba: the first matching line decides, no fall-through); pg_hba.conf documentation',
};
/** pgpool's connections to its backends. */
const PGPOOL_LEG_SRC = {
  postgres: 'PostgreSQL src/backend/libpq/auth.c ("connection requires a valid client certificate") with Pgpool-II src/utils/pool_ssl.c (init_ssl_ctx: no client certificate; the backend\'s certificate verified only with ssl_ca_cert/ssl_ca_cert_dir); reference/pgpool.md §3.4',
};
const PG_SRC = 'PostgreSQL 15–17 src/backend/libpq/hba.c (parse_hba_line, parse_hba_auth_opt); pg_hba.conf documentation';
const IDENT_SRC = 'PostgreSQL 15–17 src/backend/libpq/hba.c (load_ident, check_usermap), auth.c (CheckCertAuth: the CN, or the RFC 2253 DN with clientname=DN); checked with PostgreSQL 15';
/** PgBouncer reads the file line by line and skips a line it cannot parse ("could not parse hba config line N"). */
const PGB_SRC = 'PgBouncer 1.18.0–1.25.2 src/hba.c (next_token, parse_names, parse_line, hba_load_rules, hba_eval); checked with PgBouncer 1.18.0';

const DEFS = {
  // What makes the server reject the file.
  'invalid-connection-type': { severity: 'error',
    pgbouncer: 'The first field must be `local`, `host`, `hostssl` or `hostnossl` (spelled exactly); PgBouncer skips any other line, `hostgssenc` included.',
    pgpool: 'The first field must be `local`, `host`, `hostssl` or `hostnossl`; anything else (also `hostgssenc`) rejects the file.',
    postgres: 'The first field must be a connection type (`local`, `host`, `hostssl`, `hostnossl`, `hostgssenc`, `hostnogssenc`) or, from 16, an include directive.' },
  'multiple-values': { severity: 'error',
    both: 'The connection type, address, netmask and method fields take one value, not a comma list.' },
  'missing-field': { severity: 'error',
    pgbouncer: 'A line that ends before its database, user, address, netmask or method field: PgBouncer skips it.',
    both: 'A line ends before its database, user, address, netmask or method field.' },
  'invalid-cidr-mask': { severity: 'error',
    pgbouncer: 'A `/bits` suffix that is not a number from 0 to 32 (IPv4) or 128 (IPv6): PgBouncer skips the line.',
    both: 'The `/bits` suffix of an address must be 0–32 (IPv4) or 0–128 (IPv6).' },
  'hostname-with-cidr': { severity: 'error',
    both: 'A host name cannot carry a `/bits` suffix (also catches mistyped addresses such as `300.1.1.1/24`).' },
  'invalid-netmask': { severity: 'error',
    pgbouncer: 'An address without `/bits` must be followed by a netmask of the same family: PgBouncer skips the line otherwise.',
    both: 'An address without `/bits` must be followed by a numeric netmask field.' },
  'address-mask-mismatch': { severity: 'error',
    both: 'The address and the netmask must both be IPv4 or both IPv6.' },
  'invalid-method': { severity: 'error',
    pgbouncer: 'The method must be `trust`, `reject`, `md5`, `password`, `scram-sha-256`, `cert` or `peer` (unquoted, spelled exactly; `ldap` from 1.25): PgBouncer skips any other line.',
    pgpool: 'The method must be one pgpool knows (`trust`, `reject`, `md5`, `scram-sha-256`, `password`, `cert`, `pam`, `ldap`), spelled exactly.',
    postgres: 'The method must be one PostgreSQL knows, spelled exactly (lower case).' },
  'option-format': { severity: 'error',
    both: 'Every field after the method must be `name=value`.' },
  'unknown-option': { severity: 'error',
    pgbouncer: 'Anything after the method (`clientcert=`, and `map=` before 1.23): PgBouncer skips the line.',
    pgpool: 'Options pgpool does not know, including PostgreSQL\'s `clientcert`, `map` and `radius*`, reject the file.',
    postgres: 'Options PostgreSQL does not know, including pgpool\'s `backend_use_passwd`, reject the file.' },
  'option-wrong-method': { severity: 'error',
    pgpool: 'LDAP options (and `backend_use_passwd`) are only valid on `ldap` lines.',
    postgres: 'An option is used with a method it does not belong to (e.g. `map` with `md5`, `pamservice` with `ldap`).' },
  'ldap-missing-base': { severity: 'error',
    both: '`ldap` needs `ldapbasedn` (search+bind) or `ldapprefix`/`ldapsuffix` (simple bind).' },
  'ldap-conflicting-options': { severity: 'error',
    both: 'Simple-bind options cannot be mixed with search+bind options, nor `ldapsearchattribute` with `ldapsearchfilter`.' },
  'ldap-invalid-value': { severity: 'error',
    both: '`ldapport` must be a non-zero number and `ldapurl` an `ldap://` or `ldaps://` URL.' },
  'missing-include-file': { severity: 'error',
    pgbouncer: 'A file named with `@file` that does not exist: PgBouncer skips the line (checked when `pgtls.checkFiles` is on).',
    pgpool: 'A file named with `@file` does not exist (checked when `pgtls.checkFiles` is on).',
    postgres: 'A file named with `@file`, `include` or `include_dir` does not exist (checked when `pgtls.checkFiles` is on).' },
  'include-file-loop': { severity: 'error',
    pgpool: 'An `@file` name list that includes itself, directly or through other `@file`s (or names pool_hba.conf): pgpool reads it again and again until it crashes (segmentation fault) and does not start (checked when `pgtls.checkFiles` is on).',
    postgres: 'An `@file` name list that includes itself, directly or through other `@file`s (or names pg_hba.conf): PostgreSQL opens it again and again until it runs out of file descriptors ("exceeded maxAllocatedDescs") and does not start (checked when `pgtls.checkFiles` is on).',
    source: { pgpool: `${POOL_SRC}; checked with Pgpool-II 4.3.5 (exit by SIGSEGV)`, postgres: 'PostgreSQL 15 src/backend/libpq/hba.c (tokenize_inc_file, which reads each nested @file while the outer ones stay open); checked with PostgreSQL 15' } },
  'empty-include-file': { severity: 'error',
    both: 'A field made only of `@file` name lists that hold no names: the server leaves the empty field out, the fields after it move one place to the left, and the line it then reads is rejected (checked when `pgtls.checkFiles` is on).',
    source: { pgpool: `${POOL_SRC}; checked with Pgpool-II 4.3.5`, postgres: 'PostgreSQL 15 src/backend/libpq/hba.c (next_field_expand and tokenize_auth_file: a field without tokens is not added to the line); checked with PostgreSQL 15' } },
  'no-entries': { severity: 'error',
    pgbouncer: 'An auth_hba_file without any line PgBouncer loads: it refuses every login.',
    pgpool: 'A pool_hba.conf without any record is treated as erroneous: every login fails.',
    postgres: 'A pg_hba.conf without any record is refused: nobody could connect.' },
  'token-too-long': { severity: 'error',
    pgpool: 'pgpool reads at most 255 bytes per token; a longer one rejects the file.' },
  'line-too-long': { severity: 'error',
    pgpool: 'pgpool reads lines of less than 8191 bytes (newline included); a longer one rejects the file.' },
  'method-connection-type': { severity: 'error',
    pgbouncer: '`peer` on a TCP line, or `cert` on `local`/`hostnossl`: PgBouncer loads the line, but every login it matches is refused.',
    postgres: '`peer` is only for `local`, `gss` not for `local`, `cert` only for `hostssl`.' },
  'invalid-clientcert': { severity: 'error',
    postgres: '`clientcert`/`clientname` only on `hostssl`, with the values `verify-ca`/`verify-full` and `CN`/`DN`; `cert` only takes `verify-full`.' },
  'radius-options': { severity: 'error',
    postgres: '`radius` needs `radiusservers` and `radiussecrets`, valid ports, and lists of matching lengths.' },
  'include-needs-pg16': { severity: 'error',
    postgres: '`include`, `include_if_exists` and `include_dir` exist from PostgreSQL 16 on.' },
  'invalid-regex': { severity: 'error',
    postgres: 'A database or user starting with `/` is a regular expression from PostgreSQL 16 on and must compile.' },
  // Lines that load but never match, or options that are only logged.
  'ldapscheme-invalid': { severity: 'warning',
    both: '`ldapscheme` other than `ldap`/`ldaps` is only logged and behaves like `ldap` (no TLS to the LDAP server).' },
  'pam-option-ignored': { severity: 'warning',
    pgpool: '`pamservice`/`pam_use_hostname` on a non-`pam` line is logged and ignored.' },
  'group-never-matches': { severity: 'warning',
    pgpool: '`samerole`, `samegroup` and `+group` are accepted by pgpool but never match, and pgpool stops reading the list there.' },
  'postgres-only-syntax': { severity: 'warning',
    pgpool: '`replication` and `/regex` are plain names in pgpool, so the line only matches a database or user of that exact name.' },
  'regex-needs-pg16': { severity: 'warning',
    postgres: 'Before PostgreSQL 16 a name starting with `/` is a plain name, not a regular expression.' },
  'ident-on-local': { severity: 'info',
    postgres: '`ident` on a `local` line is silently turned into `peer`.' },
  'platform-method': { severity: 'warning',
    postgres: '`sspi` exists only in Windows builds and `bsd` only in OpenBSD builds; other builds refuse the file.' },
  'host-bits-set': { severity: 'warning',
    both: 'An address such as `10.0.0.1/8` has host bits set: it matches the whole network, which may be more than intended.' },
  'suspicious-address': { severity: 'warning',
    both: 'An address that is read differently than it looks (`10/8` = 0.0.0.10/8, octal `010`) or is not a valid address and becomes a host name.' },
  // pool_hba.conf with pgpool.conf.
  'hba-disabled': { severity: 'warning',
    pgpool: 'pgpool.conf beside this file has `enable_pool_hba` off, so pgpool never reads pool_hba.conf.' },
  'hostssl-without-ssl': { severity: 'warning',
    pgpool: '`hostssl` lines never match while pgpool.conf has `ssl = off`.',
    postgres: '`hostssl` lines never match while the postgresql.conf beside this file has `ssl` off: PostgreSQL loads them and logs "hostssl record cannot match because SSL is disabled".',
    source: { postgres: 'PostgreSQL 15 src/backend/libpq/hba.c (parse_hba_line); checked with PostgreSQL 15' } },
  'cert-without-ssl': { severity: 'warning',
    pgpool: '`cert` lines cannot succeed while pgpool.conf has `ssl = off`.' },
  'cert-without-ca-cert': { severity: 'warning',
    pgpool: '`cert` lines need `ssl_ca_cert` in pgpool.conf: without it pgpool never asks for a client certificate.' },
  'cert-on-non-ssl-line': { severity: 'warning',
    pgpool: '`cert` on `local`/`hostnossl` never succeeds, and on `host` only over TLS; use `hostssl`.' },
  // Security advice.
  'trust-on-network': { severity: 'warning',
    both: '`trust` on a TCP line lets anyone who reaches the address log in without a password.' },
  'clear-text-password': { severity: 'warning',
    both: '`password` sends the password in clear text; at least use `hostssl`, better `scram-sha-256`.' },
  'md5-method': { severity: 'info',
    both: '`md5` is a weak password scheme; prefer `scram-sha-256`.' },
  'prefer-hostssl': { severity: 'info',
    both: 'Password methods on a `host` line also accept unencrypted sessions; `hostssl` requires TLS. A warning when a `hostssl` line above has the same databases, users and address: TLS is then optional for exactly those clients.' },
  'wide-open': { severity: 'warning',
    both: 'All databases and users from any address with `trust`, `password` or `md5`.' },
  // pool_hba.conf with the pool_passwd file its pgpool.conf names (check/poolPasswd.ts).
  'pool-passwd-no-entry': { severity: 'error',
    pgpool: 'A `scram-sha-256` or `md5` line names a user who has no entry in the pool_passwd file pgpool.conf names (or pool_passwd is disabled): pgpool refuses those logins.' },
  'pool-passwd-entry-type': { severity: 'error',
    pgpool: 'A user\'s pool_passwd entry cannot serve the line\'s method: an MD5 hash cannot serve `scram-sha-256`, a SCRAM verifier serves nothing.' },
  // Reachability and intent (check/reachability.ts, check/intent.ts).
  'unreachable-line': { severity: 'warning',
    both: 'A line that can never match: an earlier line matches every connection it would (type, address, database and user), and the first matching line decides.',
    source: MATCH_SRC },
  'cert-line-order': { severity: 'warning',
    both: 'A certificate line placed before a line meant for TLS clients without a certificate: those clients hit the certificate line first and are refused.',
    source: MATCH_SRC },
  'local-trust': { severity: 'warning',
    both: '`local ... trust`: any user of the machine who can open the socket logs in as any allowed database user without a password.' },
  'wide-private-range': { severity: 'warning',
    both: 'An address range written inside a private block (10/8, 172.16/12, 192.168/16) but with a shorter prefix, so it also covers public addresses.' },
  // pg_hba.conf of a backend behind the pgpool.conf of the same project (check/behindPgpool.ts).
  'cert-through-pgpool': { severity: 'warning',
    postgres: 'A `cert` (or `clientcert=verify-*`) line that connections from pgpool reach: pgpool presents no client certificate to its backends, so they always fail.',
    source: PGPOOL_LEG_SRC },
  'pgpool-tls-unverified': { severity: 'info',
    postgres: 'A `hostssl` line for pgpool\'s connections while pgpool.conf has no `ssl_ca_cert`: pgpool encrypts but never verifies this server\'s certificate.',
    source: PGPOOL_LEG_SRC },
  // pg_hba.conf against the pg_ident.conf beside it (check/identMap.ts).
  'ident-map-undefined': { severity: 'error',
    postgres: 'A `map=` naming a map the pg_ident.conf beside this file does not define: every login through the line is refused ("no match in usermap").',
    source: { postgres: IDENT_SRC } },
  'ident-file-refused': { severity: 'error',
    postgres: 'A `map=` line while the pg_ident.conf beside this file has an error: PostgreSQL refuses that whole file, so a started server has no maps and refuses every login through the line.',
    source: { postgres: IDENT_SRC } },
  'ident-map-dn': { severity: 'warning',
    postgres: 'A `cert` line with `clientname=DN` whose map only has plain names: the system user is then the whole subject DN (`CN=…,O=…`), which a plain name never matches.',
    source: { postgres: IDENT_SRC } },
  // PgBouncer only (bouncer/).
  'unsupported-name': { severity: 'error',
    pgbouncer: '`+group`, `samerole`, `samegroup` and `replication` in the database or user field: PgBouncer skips the line.' },
  'invalid-address': { severity: 'error',
    pgbouncer: 'An address PgBouncer cannot read as a numeric IPv4/IPv6 address (host names, `samehost`, `samenet`, a quoted address): it skips the line.' },
  'address-never-matches': { severity: 'error',
    pgbouncer: 'An address with host bits set under its mask (`10.0.0.1/8`): PgBouncer loads the line but compares the masked client address with it unmasked, so it never matches.' },
  'newer-pgbouncer': { severity: 'warning',
    pgbouncer: 'Syntax that PgBouncer accepts only in newer releases (`all` as the address and `map=` from 1.23, `ldap` from 1.25): older ones skip the line.' },
  // pg_hba.conf with the postgresql.conf beside it (check/postgresqlConf.ts).
  'cert-without-ssl-ca-file': { severity: 'error',
    postgres: '`cert` lines and `clientcert=` need `ssl_ca_file` in postgresql.conf: without it PostgreSQL never asks for a client certificate, so those logins all fail ("client certificates can only be checked if a root certificate store is available").',
    source: { postgres: 'PostgreSQL 15 src/backend/libpq/be-secure-openssl.c (be_tls_init: SSL_CTX_set_verify only with ssl_ca_file), auth.c (ClientAuthentication); checked with PostgreSQL 15' } },
  'scram-with-md5-passwords': { severity: 'warning',
    postgres: '`scram-sha-256` lines while postgresql.conf has `password_encryption = md5`: passwords set from now on are stored as MD5, and a `scram-sha-256` line refuses those users ("User … does not have a valid SCRAM secret").',
    source: { postgres: 'PostgreSQL 15 src/backend/libpq/auth.c (CheckPWChallengeAuth), crypt.c (get_password_type)' } },
} as const satisfies Record<string, HbaRuleDef>;

type Defs = typeof DEFS;
/** The name of a rule of either dialect. */
export type HbaRuleName = keyof Defs;
/** The names of the rules a dialect has: those with a description for it. */
type NamesIn<K extends 'pgpool' | 'postgres' | 'pgbouncer'> = {
  [N in HbaRuleName]: Defs[N] extends (K extends 'pgbouncer' ? never : { readonly both: string }) | { readonly [P in K]: string } ? N : never
}[HbaRuleName];

/** The rule specs of one dialect, in declaration order (the README table and `pgtls rules` keep that order). */
function specsFor<K extends 'pgpool' | 'postgres' | 'pgbouncer'>(key: K, source: string): Record<NamesIn<K>, RuleSpec> {
  const out: Record<string, RuleSpec> = {};
  for (const [name, d] of Object.entries(DEFS) as [HbaRuleName, HbaRuleDef][]) {
    const description = key === 'pgbouncer' ? d.pgbouncer : d.both ?? d[key];
    if (description) out[name] = { severity: d.severity, description, source: d.source?.[key] ?? source };
  }
  return out as Record<NamesIn<K>, RuleSpec>;
}

export const POOL_HBA = defineRules('pool-hba', specsFor('pgpool', POOL_SRC));
export const PG_HBA = defineRules('pg-hba', specsFor('postgres', PG_SRC));
/** PgBouncer's auth_hba_file (bouncer/): its own rules, not part of `HbaRules`. */
export const PGB_HBA = defineRules('pgbouncer-hba', specsFor('pgbouncer', PGB_SRC));

/** The table of either dialect: indexing it compiles only for rules both dialects have. */
export type HbaRules = typeof POOL_HBA | typeof PG_HBA;

export function rulesFor(dialect: Dialect): HbaRules {
  return dialect === 'pgpool' ? POOL_HBA : PG_HBA;
}

export const POOL_HBA_RULES: readonly RuleMeta[] = rulesOf(POOL_HBA);
export const PG_HBA_RULES: readonly RuleMeta[] = rulesOf(PG_HBA);
export const PGB_HBA_RULES: readonly RuleMeta[] = rulesOf(PGB_HBA);
