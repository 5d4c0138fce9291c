/**
 * What pgtls knows about pool_passwd values: the prefixes and how Pgpool-II classifies a value
 * (`get_password_type`), the formats it can decode (its own base64 decoder, AES-256-CBC blocks, MD5 digests), and
 * which pool_hba.conf methods and backend logins each kind of entry can serve.
 *
 * The serve matrix follows Pgpool-II 4.3.5–4.7.2 src/auth/pool_hba.c (`ClientAuthentication`) and src/auth/pool_auth.c
 * (`authenticate_frontend_md5`, `authenticate_frontend_SCRAM`, `authenticate_frontend_clear_text`), the table of its
 * regression test src/test/regression/tests/040.client_auth/client_auth_2node.csv (V4_7_2), and the documentation
 * (client-auth.sgml: "MD5 Password Authentication", "scram-sha-256 Authentication"); each cell was also observed with
 * Pgpool-II 4.3.5 (Debian 4.3.5-1+deb12u1) in front of PostgreSQL 15.
 */
import { b64DecodedLength, utf8Length } from '../../core/passwords';
import type { EntryKind } from './model';

export const MD5_PREFIX = 'md5';
export const AES_PREFIX = 'AES';
export const SCRAM_PREFIX = 'SCRAM-SHA-256$';
export const TEXT_PREFIX = 'TEXT';
/** `MD5_PASSWD_LEN` + the prefix: an MD5 entry is exactly 35 bytes. */
export const MD5_ENTRY_BYTES = 35;

/** `get_password_type`, in its order: `md5` (35 bytes only), `AES`, `SCRAM-SHA-256$`, `TEXT`, else clear text. */
export function classify(value: string): EntryKind {
  if (value.startsWith(MD5_PREFIX)) return utf8Length(value) === MD5_ENTRY_BYTES ? 'md5' : 'plain';
  if (value.startsWith(AES_PREFIX)) return 'aes';
  if (value.startsWith(SCRAM_PREFIX)) return 'scram';
  if (value.startsWith(TEXT_PREFIX)) return 'text';
  return 'plain';
}

/** The prefix Pgpool-II recognised in a value of this kind (empty for clear text). */
export function prefixOf(kind: EntryKind): string {
  switch (kind) {
    case 'md5': return MD5_PREFIX;
    case 'aes': return AES_PREFIX;
    case 'scram': return SCRAM_PREFIX;
    case 'text': return TEXT_PREFIX;
    default: return '';
  }
}

export { b64DecodedLength } from '../../core/passwords';

/** Why an `AES…` value cannot be decrypted (`get_decrypted_password`), or `undefined` when its shape is right. */
export function aesProblem(value: string): string | undefined {
  const data = value.slice(AES_PREFIX.length);
  if (data === '') return 'has nothing after `AES`';
  const n = b64DecodedLength(data);
  if (n < 0) return `is not valid base64 after \`AES\` (${data.length} characters)`;
  if (n === 0 || n % 16 !== 0) return `decodes to ${n} bytes after \`AES\`, not a whole number of 16-byte AES blocks`;
  return undefined;
}

/** Why an `md5…` value of 35 bytes can never match, or `undefined` for `md5` + 32 lowercase hexadecimal digits. */
export function md5Problem(value: string): string | undefined {
  const digest = value.slice(MD5_PREFIX.length);
  if (/^[0-9a-f]{32}$/.test(digest)) return undefined;
  if (/^[0-9a-fA-F]{32}$/.test(digest)) return 'has upper-case hexadecimal digits after `md5`';
  return 'has characters after `md5` that are not hexadecimal digits';
}

/**
 * What is wrong with the shape of a SCRAM verifier `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` as
 * written (escapes resolved, not cut at a colon), or `undefined` when it is well formed.
 */
export function scramShapeProblem(written: string): string | undefined {
  const m = /^SCRAM-SHA-256\$([^:$]*):([^$]*)\$([^:]*):(.*)$/.exec(written);
  if (!m) return 'it is not of the form `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`';
  const [, iter, salt, stored, server] = m as unknown as [string, string, string, string, string];
  if (!/^[1-9][0-9]{0,9}$/.test(iter)) return 'its iteration count is not a positive number';
  if (b64DecodedLength(salt) <= 0) return 'its salt is not valid base64';
  if (b64DecodedLength(stored) !== 32) return 'its StoredKey is not 32 bytes of base64';
  if (b64DecodedLength(server) !== 32) return 'its ServerKey is not 32 bytes of base64';
  return undefined;
}

/** A short name of the kind, for messages and hover (no value content). */
export const KIND_LABEL: Readonly<Record<EntryKind, string>> = {
  md5: 'an MD5 hash',
  aes: 'an AES-encrypted password',
  scram: 'a SCRAM-SHA-256 verifier',
  text: 'a clear-text password (`TEXT` prefix)',
  plain: 'a clear-text password (no prefix)',
};

/** The pool_hba.conf methods whose logins look the user up in pool_passwd. */
export type PasswdMethod = 'scram-sha-256' | 'md5' | 'password';

/** Whether an entry of `kind` (or no entry) serves a login of `method`, and if not, what Pgpool-II answers. */
export interface Serve {
  ok: boolean;
  /** Pgpool-II's message when the login fails (the user name as `%u`). */
  says?: string;
}

/** Front-end logins with `enable_pool_hba = on` (the backend's own method aside; see `BACKEND_LOGIN`). */
export function serves(kind: EntryKind | undefined, method: PasswdMethod): Serve {
  if (method === 'password') {
    return kind === 'scram'
      ? { ok: false, says: 'clear text authentication failed: password type stored in pool_passwd can\'t be used for clear text authentication' }
      : { ok: true };
  }
  if (kind === undefined) {
    return { ok: false, says: `${method === 'md5' ? 'md5' : 'SCRAM'} authentication failed: pool_passwd file does not contain an entry for "%u"` };
  }
  if (method === 'md5') {
    return kind === 'scram' ? { ok: false, says: 'md5 authentication failed: pool_passwd file does not contain valid md5 entry for "%u"' } : { ok: true };
  }
  if (kind === 'md5') return { ok: false, says: 'SCRAM authentication failed: pool_passwd file does not contain valid SCRAM entry for "%u"' };
  if (kind === 'scram') return { ok: false, says: 'SCRAM authentication failed: username "%u" has invalid password type' };
  return { ok: true };
}

/**
 * pgpool's own login to the backends with the entry (after a `pam`, `ldap`, `trust` or `cert` login, or with
 * `enable_pool_hba = off`), by the backends' pg_hba.conf method: the 040.client_auth table.
 */
export const BACKEND_LOGIN: Readonly<Record<EntryKind, string>> = {
  md5: 'only backends that use `md5` (pgpool cannot answer `scram-sha-256` or `password` from a hash)',
  aes: 'backends with any password method (`scram-sha-256`, `md5`, `password`), once the key decrypts it',
  scram: 'none (pgpool needs the password itself, not a verifier)',
  text: 'backends with any password method (`scram-sha-256`, `md5`, `password`)',
  plain: 'backends with any password method (`scram-sha-256`, `md5`, `password`)',
};

export { shownUser } from '../../core/passwords';

/**
 * What a pgpool.conf `pool_passwd` value looks like when it holds a password entry instead of the file's name, or
 * `undefined` for a plausible file name. Says the shape only; the caller never repeats the value.
 */
export function entryShape(value: string): string | undefined {
  if (/^md5[0-9a-fA-F]{32}$/i.test(value)) return 'an MD5 password hash';
  if (value.toUpperCase().startsWith(SCRAM_PREFIX)) return 'a SCRAM-SHA-256 verifier';
  if (value.startsWith(AES_PREFIX) && value.length >= AES_PREFIX.length + 24 && b64DecodedLength(value.slice(AES_PREFIX.length)) > 0) return 'an AES-encrypted password';
  if (/^[^/\\:\s]+:[^/\\]/.test(value) && !/^[A-Za-z]:[\\/]/.test(value)) return 'a `username:password` line';
  if (value.startsWith(TEXT_PREFIX) && !/[/.]/.test(value) && value.length > TEXT_PREFIX.length) return 'a `TEXT` password';
  if (/\s/.test(value.trim()) && !/[/\\]/.test(value)) return 'text with blanks rather than a file name';
  return undefined;
}
