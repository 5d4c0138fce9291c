/**
 * The pool_passwd rules: metadata only; the checks live in check/. An error is a line whose user can never log in
 * with the password the line was written for; what only might go wrong is a warning. No rule's message ever shows a
 * value (password, hash, salt, key): only user names, lengths and formats.
 */
import { defineRules, rulesOf } from '../../core/rules';
import type { RuleMeta } from '../../core/types';

const READ = 'Pgpool-II 4.3.5–4.7.2 src/auth/pool_passwd.c (pool_get_user_credentials, userMatchesString, getNextToken); checked with Pgpool-II 4.3.5';
const TYPE = 'Pgpool-II 4.3.5–4.7.2 src/auth/pool_passwd.c (get_password_type, get_decrypted_password), src/auth/pool_auth.c; checked with Pgpool-II 4.3.5';
const TOOLS = 'Pgpool-II 4.3.5–4.7.2 src/auth/pool_passwd.c (pool_create_passwdent, used by pg_md5 -m and pg_enc -m); checked with pg_md5 4.3.5';

export const R = defineRules('pool-passwd', {
  'ignored-line': { severity: 'warning', description: 'A line without a `:` after the user name, or with an empty user name: Pgpool-II never uses it.', source: READ },
  'empty-password': { severity: 'warning', description: 'An entry with nothing after the `:` (Pgpool-II skips it) or nothing after `TEXT`.', source: READ },
  'duplicate-user': { severity: 'warning', description: 'A second entry for a user: Pgpool-II (and pg_md5/pg_enc) only use the first.', source: READ },
  'crlf': { severity: 'error', description: 'A Windows line ending: Pgpool-II keeps the carriage return as part of the value, so the password never matches.', source: READ },
  'byte-order-mark': { severity: 'error', description: 'A byte-order mark, which Pgpool-II reads as part of the first user name: that user has no entry.', source: READ },
  'stray-blank': { severity: 'warning', description: 'A blank around the user name or the value, which Pgpool-II keeps (an error where it hides the value\'s prefix or breaks an MD5/AES value).', source: READ },
  'line-too-long': { severity: 'warning', description: 'A line of more than 1023 bytes, which Pgpool-II reads in several pieces, each taken as a line of its own.', source: READ },
  'value-too-long': { severity: 'error', description: 'A value of more than 128 bytes: Pgpool-II reads only the first 128, so the password never matches (or an AES value no longer decrypts).', source: READ },
  'colon-in-value': { severity: 'warning', description: 'An unescaped `:` in the value: Pgpool-II ends the password there (write `\\:`).', source: READ },
  'backslash-escape': { severity: 'warning', description: 'A backslash in a user name or value: Pgpool-II drops it and takes the next character literally (write `\\\\` for a backslash).', source: READ },
  'md5-format': { severity: 'error', description: '`md5` followed by 32 characters that are not lower-case hexadecimal digits: no password matches it (a `md5…` value of another length is clear text: warning).', source: TYPE },
  'aes-format': { severity: 'error', description: 'An `AES` value that is not base64 of whole AES blocks: Pgpool-II cannot decrypt it.', source: TYPE },
  'aes-needs-key': { severity: 'info', description: 'AES entries need pgpool\'s key file at run time (`.pgpoolkey` in the home directory of the account pgpool runs as, or `-k`, or `PGPOOLKEYFILE`).', source: TYPE },
  'scram-verifier': { severity: 'warning', description: 'A SCRAM-SHA-256 verifier: Pgpool-II 4.3–4.7 cannot use one from pool_passwd for any login.', source: TYPE },
  'clear-text-password': { severity: 'warning', description: 'A password stored in clear text without the `TEXT` prefix.', source: TYPE },
  'prefix-case': { severity: 'error', description: 'An MD5 hash or SCRAM verifier whose prefix is not spelled exactly (`MD5…`): Pgpool-II takes it as a clear-text password.', source: TYPE },
  'no-final-newline': { severity: 'warning', description: 'The last line has no newline: pg_md5 -m and pg_enc -m append the next entry to it, breaking both.', source: TOOLS },
  'quoted-value': { severity: 'warning', description: 'A user name or value in quotes: pool_passwd has no quoting, so the quotes are part of it (an error where they hide the value\'s prefix).', source: READ },
  'md5-backend-login': { severity: 'info', description: 'MD5 entries let pgpool log in only to backends that check an MD5 password; a backend that uses SCRAM (PostgreSQL 14+ stores passwords as SCRAM by default) refuses it.', source: 'Pgpool-II 4.3.5–4.7.2 src/auth/pool_auth.c (pool_do_auth: "failed to authenticate with backend using SCRAM", "valid password not found"); regression test 040.client_auth' },
});

export const POOL_PASSWD_RULES: readonly RuleMeta[] = rulesOf(R);
