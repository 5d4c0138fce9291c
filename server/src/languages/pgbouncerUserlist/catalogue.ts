/**
 * What pgtls knows about auth_file passwords: how PgBouncer classifies one (`get_password_type` and
 * `parse_scram_secret`, src/scram.c, the same in 1.18.0 and 1.25.2), and which logins each kind of entry serves — the
 * client's login to PgBouncer by auth_type (or auth_hba_file method), and PgBouncer's own login to PostgreSQL with the
 * entry. The matrix follows src/client.c (`check_client_passwd`, `finish_set_pool`: an `md5` login with a SCRAM
 * secret becomes a SCRAM login; `login_via_cert`, `login_as_unix_peer`, the `trust` case) and src/proto.c
 * (`login_md5_psw`, `login_scram_sha_256`), and was observed with PgBouncer 1.18.0 in front of PostgreSQL 15.
 */
import { b64DecodedLength } from '../../core/passwords';
import type { EntryKind } from './model';

/** `MD5_PASSWD_LEN`: `md5` + 32 hexadecimal digits. */
export const MD5_LENGTH = 35;
export const SCRAM_SCHEME = 'SCRAM-SHA-256';

/** `strtok`: the tokens of `s` split at any of `delims`, leading delimiters skipped, as successive calls return them. */
class StrTok {
  private pos = 0;
  constructor(private readonly s: string) {}
  next(delims: string): string | undefined {
    const s = this.s;
    let p = this.pos;
    while (p < s.length && delims.includes(s[p]!)) p++;
    if (p >= s.length) { this.pos = p; return undefined; }
    let e = p;
    while (e < s.length && !delims.includes(s[e]!)) e++;
    this.pos = Math.min(s.length, e + 1);
    return s.slice(p, e);
  }
}

/** The parts of a SCRAM secret as `parse_scram_secret` splits them, or why it refuses the secret. */
export function parseScramSecret(secret: string): { iterations: number } | { problem: string } {
  const t = new StrTok(secret);
  const scheme = t.next('$');
  const iter = t.next(':');
  const salt = t.next('$');
  const stored = t.next(':');
  const server = t.next('');
  if (server === undefined) return { problem: 'it is not of the form `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`' };
  if (scheme !== SCRAM_SCHEME) return { problem: 'its scheme is not `SCRAM-SHA-256` spelled exactly' };
  // strtol: optional blanks and sign, then digits, and nothing after them.
  if (!/^[ \t\n\v\f\r]*[+-]?[0-9]+$/.test(iter!)) return { problem: 'its iteration count is not a number' };
  const n = Number(iter!.trim());
  if (!Number.isSafeInteger(n) && Math.abs(n) > 9.2e18) return { problem: 'its iteration count is out of range' };
  if (b64DecodedLength(salt!) < 0) return { problem: 'its salt is not valid base64' };
  if (b64DecodedLength(stored!) !== 32) return { problem: 'its StoredKey is not 32 bytes of base64' };
  if (b64DecodedLength(server) !== 32) return { problem: 'its ServerKey is not 32 bytes of base64' };
  return { iterations: n };
}

/** `get_password_type`: `md5` + 32 lower-case hex digits, else a SCRAM secret `parse_scram_secret` accepts, else clear text. */
export function classify(password: string): EntryKind {
  if (password === '') return 'empty';
  if (password.length === MD5_LENGTH && /^md5[0-9a-f]{32}$/.test(password)) return 'md5';
  if (password.includes('$') && 'iterations' in parseScramSecret(password)) return 'scram';
  return 'plain';
}

/** A short name of the kind, for messages and hover (no value content). */
export const KIND_LABEL: Readonly<Record<EntryKind, string>> = {
  plain: 'a clear-text password',
  md5: 'an MD5 hash (`md5` + md5(password + user name))',
  scram: 'a SCRAM-SHA-256 secret',
  empty: 'an empty password',
};

/**
 * How a client logs in to PgBouncer: an `auth_type` of pgbouncer.ini, or the method an auth_hba_file line gives
 * (`password` there is `plain`). `any` and `pam` never read the entry's password.
 */
export type ClientMethod = 'plain' | 'md5' | 'scram-sha-256' | 'trust' | 'cert' | 'peer' | 'any' | 'pam';
export const CLIENT_METHODS: readonly ClientMethod[] = ['scram-sha-256', 'md5', 'plain', 'trust', 'cert', 'peer'];

/** Whether an entry of `kind` (or no entry) lets a client log in to PgBouncer by `method`, and if not, what PgBouncer says. */
export interface Serve {
  ok: boolean;
  /** PgBouncer's message to the client (FATAL) when it refuses. */
  says?: string;
  /** A condition that PgBouncer or the client adds, for hover. */
  note?: string;
}

export function serves(kind: EntryKind | undefined, method: ClientMethod): Serve {
  if (method === 'any' || method === 'pam') return { ok: true };
  if (kind === undefined) {
    // finish_set_pool: an unknown user gets a mock login that always fails (unless auth_user/auth_query finds it).
    const says = method === 'trust' ? '"trust" authentication failed' : method === 'cert' ? 'certificate authentication failed'
      : method === 'peer' ? 'unix socket login rejected' : method === 'scram-sha-256' ? 'SASL authentication failed' : 'password authentication failed';
    return { ok: false, says, note: 'unless `auth_user`/`auth_query` finds the user in PostgreSQL' };
  }
  if (method === 'trust' || method === 'cert' || method === 'peer') return { ok: true };
  if (kind === 'empty') return { ok: false, says: method === 'scram-sha-256' ? 'SASL authentication failed' : 'password authentication failed' };
  if (method === 'scram-sha-256' && kind === 'md5') return { ok: false, says: 'SASL authentication failed' };
  if (method === 'md5' && kind === 'scram') return { ok: true, note: 'PgBouncer asks for SCRAM instead of MD5 (every libpq since PostgreSQL 10 can answer)' };
  return { ok: true };
}

/** PgBouncer's own login to PostgreSQL with the entry, by the method PostgreSQL asks for (src/proto.c). */
export const SERVER_LOGIN: Readonly<Record<EntryKind, string>> = {
  plain: 'any password method (`scram-sha-256`, `md5`, `password`)',
  md5: 'only `md5` with a password PostgreSQL stores as MD5 (a server that asks for SCRAM, the default from PostgreSQL 14 on, is refused: "server login failed: wrong password type")',
  scram: 'only `scram-sha-256`, only after the client itself logged in with SCRAM (`auth_type` `scram-sha-256`, or `md5`, which PgBouncer turns into SCRAM for such an entry; after a `plain`, `trust`, `cert` or `peer` login it fails: "server login failed: wrong password type"), and only when this secret is the one PostgreSQL stores for the role',
  empty: 'only servers that ask for no password (`trust`)',
};

/**
 * Whether PgBouncer can log in to a PostgreSQL server that asks for SCRAM (`scram-sha-256`, or `md5` for a role whose
 * password is stored as SCRAM, the default from PostgreSQL 14 on) as a user whose entry is of `kind`, after the client
 * logged in to PgBouncer by `method` (src/proto.c `login_scram_sha_256`: a SCRAM secret works only with the keys of the
 * client's own SCRAM login; observed with PgBouncer 1.18.0).
 */
export function logsInToScramServer(kind: EntryKind, method: ClientMethod): boolean {
  if (kind === 'plain') return true;
  if (kind === 'scram') return method === 'scram-sha-256' || method === 'md5';
  return false;
}
