/**
 * What PgBouncer's auth_hba_file accepts, as data (src/hba.c, 1.18.0 to 1.25.2): the connection types, the name
 * keywords, the methods, and the syntax later releases added. The parser (parse.ts), hover and completion read it.
 */
import type { ConnType, Method } from '../catalogue';

export const BOUNCER_CONN_TYPES: readonly ConnType[] = ['local', 'host', 'hostssl', 'hostnossl'];
/** `parse_line`'s methods, in its order (`password` is PgBouncer's `plain`). */
export const BOUNCER_METHODS: readonly Method[] = ['trust', 'reject', 'md5', 'password', 'peer', 'cert', 'scram-sha-256'];

/** Keywords of the database and user fields (`parse_names` checks them in both fields). */
export const NAME_KEYWORDS: Readonly<Record<string, 'ok' | 'unsupported'>> = {
  all: 'ok', sameuser: 'ok', samerole: 'unsupported', samegroup: 'unsupported', replication: 'unsupported',
};

/** Syntax PgBouncer 1.18–1.22 skips and a later release accepts. */
export const NEWER: Readonly<Record<'all-address' | 'map' | 'ldap', { since: string; what: string }>> = {
  'all-address': { since: '1.23', what: '`all` as the address' },
  map: { since: '1.23', what: '`map=` (with `auth_ident_file`)' },
  ldap: { since: '1.25', what: 'the `ldap` method' },
};

/** What PgBouncer does with a line it cannot parse: the closing words of every such message. */
export const SKIP_TAIL = 'PgBouncer skips this line (it logs "could not parse hba config line N") and reads on, so the logins it was meant for fall to a later line or are refused';
