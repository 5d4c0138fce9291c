/**
 * The auth_file (userlist.txt) rules: metadata only; the checks live in check/. An error is a line whose user can
 * never log in with the password the line was written for (or loses its entry); what only might go wrong is a
 * warning. No rule's message ever shows a password, hash, salt or key: only user names, lengths and formats.
 */
import { defineRules, rulesOf } from '../../core/rules';
import type { RuleMeta } from '../../core/types';

const READ = 'PgBouncer 1.18.0–1.25.2 src/loader.c (load_auth_file, find_quote, copy_quoted); checked with PgBouncer 1.18.0';
const TYPE = 'PgBouncer 1.18.0–1.25.2 src/scram.c (get_password_type, parse_scram_secret), src/client.c (check_client_passwd); checked with PgBouncer 1.18.0';
const SERVER = 'PgBouncer 1.18.0–1.25.2 src/proto.c (login_md5_psw, login_scram_sha_256: "server login failed: wrong password type"); checked with PgBouncer 1.18.0 and PostgreSQL 15';

export const R = defineRules('pgbouncer-userlist', {
  'broken-file': { severity: 'error', description: 'A line that does not start with `"` (a `#` comment, an unquoted name, a byte-order mark): PgBouncer stops reading the file there ("broken auth file"), so every user below it has no entry.', source: READ },
  'unclosed-quote': { severity: 'error', description: 'A user name or password whose closing quote is missing on its line: PgBouncer reads on into the next lines, so the entry is wrong and the following entries are swallowed or the reading stops.', source: READ },
  'missing-password': { severity: 'error', description: 'A user name without a password on its line: PgBouncer takes the next quoted string, on a later line, as the password.', source: READ },
  'too-long': { severity: 'error', description: 'A user name of 128 bytes or more, or a password of 2048 or more: PgBouncer stops reading the file there.', source: READ },
  'ignored-text': { severity: 'warning', description: 'Text between the user name and the password, or after the password, which PgBouncer skips.', source: READ },
  'empty-password': { severity: 'warning', description: 'An entry with an empty password: PgBouncer refuses every password login of that user (only `trust`, `cert` and `peer` logins can use it).', source: TYPE },
  'duplicate-user': { severity: 'warning', description: 'A user with several entries: PgBouncer uses the last one, so the earlier ones do nothing.', source: READ },
  'md5-format': { severity: 'error', description: '`md5` followed by 32 characters that are not lower-case hexadecimal digits (or a prefix not spelled `md5`): PgBouncer takes it as a clear-text password, so the real password never matches.', source: TYPE },
  'scram-format': { severity: 'error', description: 'A value meant as a SCRAM-SHA-256 secret that PgBouncer does not accept (wrong scheme spelling, iteration count, salt or key lengths): it takes it as a clear-text password, so the real password never matches.', source: TYPE },
  'clear-text-password': { severity: 'warning', description: 'A password stored in clear text: anyone who can read the file learns it; store the SCRAM secret PostgreSQL has for the role.', source: TYPE },
  'md5-entry': { severity: 'info', description: 'MD5 entries serve neither `scram-sha-256` client logins nor PgBouncer\'s own login to a PostgreSQL server that asks for SCRAM.', source: SERVER },
});

export const PGBOUNCER_USERLIST_RULES: readonly RuleMeta[] = rulesOf(R);
