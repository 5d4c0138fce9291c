/**
 * The rule table of both HBA dialects. A rule is registered for a dialect when it has a description for it;
 * ids are `pool-hba/<name>` and `pg-hba/<name>`.
 */
import type { RuleMeta, Severity } from '../../core/types';
import type { Dialect } from './lexer';

interface RuleDef {
  name: string;
  severity: Severity;
  pgpool?: string;
  postgres?: string;
  /** The same description in both dialects. */
  both?: string;
}

const POOL_SRC = 'Pgpool-II src/auth/pool_hba.c (parse_hba_line, tokenize_file); reference/pgpool.md §4';
const PG_SRC = 'PostgreSQL 15–17 src/backend/libpq/hba.c (parse_hba_line, parse_hba_auth_opt); pg_hba.conf documentation';

const DEFS: RuleDef[] = [
  // What makes the server reject the file.
  { name: 'invalid-connection-type', severity: 'error',
    pgpool: 'The first field must be `local`, `host`, `hostssl` or `hostnossl`; anything else (also `hostgssenc`) rejects the file.',
    postgres: 'The first field must be a connection type (`local`, `host`, `hostssl`, `hostnossl`, `hostgssenc`, `hostnogssenc`) or, from 16, an include directive.' },
  { name: 'multiple-values', severity: 'error',
    both: 'The connection type, address, netmask and method fields take one value, not a comma list.' },
  { name: 'missing-field', severity: 'error',
    both: 'A line ends before its database, user, address, netmask or method field.' },
  { name: 'invalid-cidr-mask', severity: 'error',
    both: 'The `/bits` suffix of an address must be 0–32 (IPv4) or 0–128 (IPv6).' },
  { name: 'hostname-with-cidr', severity: 'error',
    both: 'A host name cannot carry a `/bits` suffix (also catches mistyped addresses such as `300.1.1.1/24`).' },
  { name: 'invalid-netmask', severity: 'error',
    both: 'An address without `/bits` must be followed by a numeric netmask field.' },
  { name: 'address-mask-mismatch', severity: 'error',
    both: 'The address and the netmask must both be IPv4 or both IPv6.' },
  { name: 'invalid-method', severity: 'error',
    pgpool: 'The method must be one pgpool knows (`trust`, `reject`, `md5`, `scram-sha-256`, `password`, `cert`, `pam`, `ldap`), spelled exactly.',
    postgres: 'The method must be one PostgreSQL knows, spelled exactly (lower case).' },
  { name: 'option-format', severity: 'error',
    both: 'Every field after the method must be `name=value`.' },
  { name: 'unknown-option', severity: 'error',
    pgpool: 'Options pgpool does not know, including PostgreSQL\'s `clientcert`, `map` and `radius*`, reject the file.',
    postgres: 'Options PostgreSQL does not know, including pgpool\'s `backend_use_passwd`, reject the file.' },
  { name: 'option-wrong-method', severity: 'error',
    pgpool: 'LDAP options (and `backend_use_passwd`) are only valid on `ldap` lines.',
    postgres: 'An option is used with a method it does not belong to (e.g. `map` with `md5`, `pamservice` with `ldap`).' },
  { name: 'ldap-missing-base', severity: 'error',
    both: '`ldap` needs `ldapbasedn` (search+bind) or `ldapprefix`/`ldapsuffix` (simple bind).' },
  { name: 'ldap-conflicting-options', severity: 'error',
    both: 'Simple-bind options cannot be mixed with search+bind options, nor `ldapsearchattribute` with `ldapsearchfilter`.' },
  { name: 'ldap-invalid-value', severity: 'error',
    both: '`ldapport` must be a non-zero number and `ldapurl` an `ldap://` or `ldaps://` URL.' },
  { name: 'missing-include-file', severity: 'error',
    pgpool: 'A file named with `@file` does not exist (checked when `pgtls.checkFiles` is on).',
    postgres: 'A file named with `@file`, `include` or `include_dir` does not exist (checked when `pgtls.checkFiles` is on).' },
  { name: 'no-entries', severity: 'error',
    pgpool: 'A pool_hba.conf without any record is treated as erroneous: every login fails.',
    postgres: 'A pg_hba.conf without any record is refused: nobody could connect.' },
  { name: 'token-too-long', severity: 'error',
    pgpool: 'pgpool reads at most 255 bytes per token; a longer one rejects the file.' },
  { name: 'line-too-long', severity: 'error',
    pgpool: 'pgpool reads lines of less than 8191 bytes (newline included); a longer one rejects the file.' },
  { name: 'method-connection-type', severity: 'error',
    postgres: '`peer` is only for `local`, `gss` not for `local`, `cert` only for `hostssl`.' },
  { name: 'invalid-clientcert', severity: 'error',
    postgres: '`clientcert`/`clientname` only on `hostssl`, with the values `verify-ca`/`verify-full` and `CN`/`DN`; `cert` only takes `verify-full`.' },
  { name: 'radius-options', severity: 'error',
    postgres: '`radius` needs `radiusservers` and `radiussecrets`, valid ports, and lists of matching lengths.' },
  { name: 'include-needs-pg16', severity: 'error',
    postgres: '`include`, `include_if_exists` and `include_dir` exist from PostgreSQL 16 on.' },
  { name: 'invalid-regex', severity: 'error',
    postgres: 'A database or user starting with `/` is a regular expression from PostgreSQL 16 on and must compile.' },
  // Lines that load but never match, or options that are only logged.
  { name: 'ldapscheme-invalid', severity: 'warning',
    both: '`ldapscheme` other than `ldap`/`ldaps` is only logged and behaves like `ldap` (no TLS to the LDAP server).' },
  { name: 'pam-option-ignored', severity: 'warning',
    pgpool: '`pamservice`/`pam_use_hostname` on a non-`pam` line is logged and ignored.' },
  { name: 'group-never-matches', severity: 'warning',
    pgpool: '`samerole`, `samegroup` and `+group` are accepted by pgpool but make the line never match.' },
  { name: 'postgres-only-syntax', severity: 'warning',
    pgpool: '`replication` and `/regex` are plain names in pgpool, so the line only matches a database or user of that exact name.' },
  { name: 'regex-needs-pg16', severity: 'warning',
    postgres: 'Before PostgreSQL 16 a name starting with `/` is a plain name, not a regular expression.' },
  { name: 'ident-on-local', severity: 'info',
    postgres: '`ident` on a `local` line is silently turned into `peer`.' },
  { name: 'platform-method', severity: 'warning',
    postgres: '`sspi` exists only in Windows builds and `bsd` only in OpenBSD builds; other builds refuse the file.' },
  { name: 'host-bits-set', severity: 'warning',
    both: 'An address such as `10.0.0.1/8` has host bits set: it matches the whole network, which may be more than intended.' },
  { name: 'suspicious-address', severity: 'warning',
    both: 'An address that is read differently than it looks (`10/8` = 0.0.0.10/8, octal `010`) or is not a valid address and becomes a host name.' },
  // pool_hba.conf with pgpool.conf.
  { name: 'hba-disabled', severity: 'warning',
    pgpool: 'pgpool.conf beside this file has `enable_pool_hba` off, so pgpool never reads pool_hba.conf.' },
  { name: 'hostssl-without-ssl', severity: 'warning',
    pgpool: '`hostssl` lines never match while pgpool.conf has `ssl = off`.' },
  { name: 'cert-without-ssl', severity: 'warning',
    pgpool: '`cert` lines cannot succeed while pgpool.conf has `ssl = off`.' },
  { name: 'cert-without-ca-cert', severity: 'warning',
    pgpool: '`cert` lines need `ssl_ca_cert` in pgpool.conf: without it pgpool never asks for a client certificate.' },
  { name: 'cert-on-non-ssl-line', severity: 'warning',
    pgpool: '`cert` on `local`/`hostnossl` never succeeds, and on `host` only over TLS; use `hostssl`.' },
  // Security advice.
  { name: 'trust-on-network', severity: 'warning',
    both: '`trust` on a TCP line lets anyone who reaches the address log in without a password.' },
  { name: 'clear-text-password', severity: 'warning',
    both: '`password` sends the password in clear text; at least use `hostssl`, better `scram-sha-256`.' },
  { name: 'md5-method', severity: 'info',
    both: '`md5` is a weak password scheme; prefer `scram-sha-256`.' },
  { name: 'prefer-hostssl', severity: 'info',
    both: 'Password methods on a `host` line also accept unencrypted sessions; `hostssl` requires TLS.' },
  { name: 'wide-open', severity: 'warning',
    both: 'All databases and users from any address with `trust`, `password` or `md5`.' },
];

/** Short rule names used by the parser and the checks. */
export type RuleName = (typeof DEFS)[number]['name'];

function metas(dialect: Dialect): RuleMeta[] {
  const scope = scopeOf(dialect);
  const out: RuleMeta[] = [];
  for (const d of DEFS) {
    const description = d.both ?? (dialect === 'pgpool' ? d.pgpool : d.postgres);
    if (!description) continue;
    out.push({ id: `${scope}/${d.name}`, severity: d.severity, description, source: dialect === 'pgpool' ? POOL_SRC : PG_SRC });
  }
  return out;
}

export const POOL_HBA_RULES: readonly RuleMeta[] = metas('pgpool');
export const PG_HBA_RULES: readonly RuleMeta[] = metas('postgres');

export function scopeOf(dialect: Dialect): 'pool-hba' | 'pg-hba' {
  return dialect === 'pgpool' ? 'pool-hba' : 'pg-hba';
}
