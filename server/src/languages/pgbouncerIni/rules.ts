/**
 * The pgbouncer.ini rules: metadata only; the checks live in check/. An error is what makes PgBouncer refuse to start
 * ("FATAL cannot load config file", "FATAL TLS setup failed"), refuse logins that should work, or connect to the
 * servers without the TLS the file asks for; anything less is a warning or a note.
 */
import { defineRules } from '../../core/rules';

const CF = 'libusual usual/cfparser.c (parse_ini_file_internal, cf_set) as bundled with PgBouncer 1.18–1.25; checked with PgBouncer 1.18.0';
const MAIN = 'PgBouncer 1.18–1.25 src/main.c (bouncer_params, config_sects, load_config); checked with PgBouncer 1.18.0';
const LOADER = 'PgBouncer 1.18–1.25 src/loader.c (parse_database, parse_user, parse_peer, cstr_get_pair); checked with PgBouncer 1.18.0';
/** The TLS files, checked by tlsFiles/ with PgBouncer's profile (check/tls.ts). */
const TLS_FILES = 'libusual usual/tls/tls.c (tls_configure_keypair, tls_configure_ssl_verify) as bundled with PgBouncer 1.18–1.25, called by sbuf_tls_setup (client side, at start) and sbuf_tls_connect (server side); checked with PgBouncer 1.18.0';
const TLS = 'PgBouncer 1.18–1.25 src/sbuf.c (sbuf_tls_setup, setup_tls), libusual usual/tls/tls_config.c; checked with PgBouncer 1.18.0';

/** The auth_file as PgBouncer uses it, with the userlist language's matrix (pgbouncerUserlist/catalogue.ts). */
const AUTH = 'PgBouncer 1.18–1.25 src/client.c (check_client_passwd, auth_user), src/proto.c (login_scram_sha_256), src/loader.c (load_auth_file); checked with PgBouncer 1.18.0';
const HBA = 'PgBouncer 1.18–1.25 src/main.c (load_config: the file is loaded only for auth_type = hba), src/hba.c (parse_line)';

export const R = defineRules('pgbouncer-ini', {
  'syntax-error': { severity: 'error', description: 'A line PgBouncer\'s ini reader cannot read ("syntax error in configuration"): PgBouncer does not start.', source: CF },
  'unknown-section': { severity: 'error', description: 'A section other than [pgbouncer], [databases], [users] (and [peers] from 1.19): PgBouncer does not start.', source: MAIN },
  'setting-outside-section': { severity: 'error', description: 'A setting before the first section header: PgBouncer does not start.', source: CF },
  'missing-main-section': { severity: 'error', description: 'No [pgbouncer] section: PgBouncer does not start ("main section missing from config file").', source: CF },
  'unknown-setting': { severity: 'error', description: 'A [pgbouncer] setting PgBouncer does not know (in the selected release): it does not start.', source: MAIN },
  'invalid-value': { severity: 'error', description: 'A value PgBouncer cannot read as the setting\'s type (integer, seconds, one of a list): it does not start.', source: CF },
  'duplicate-setting': { severity: 'warning', description: 'A setting given twice in a section: the later one wins.', source: CF },
  'comment-in-value': { severity: 'warning', description: 'A `;` or `#` after a value: pgbouncer.ini has no inline comments, so it is part of the value.', source: CF },
  'connection-string': { severity: 'error', description: 'A connection string in [databases], [users] or [peers] that PgBouncer cannot read (unknown key, empty value, bad quoting, bad number, reserved name): it does not start.', source: LOADER },
  'include-missing': { severity: 'error', description: 'An `%include` file that does not exist: PgBouncer does not start.', source: CF },
  'client-tls-files-required': { severity: 'error', description: '`client_tls_sslmode` other than disable without `client_tls_key_file` and `client_tls_cert_file`: PgBouncer does not start.', source: TLS },
  'client-tls-ca-required': { severity: 'error', description: '`client_tls_sslmode = verify-full` without `client_tls_ca_file`: PgBouncer does not start.', source: TLS },
  'client-verify-ca-without-ca': { severity: 'warning', description: '`client_tls_sslmode = verify-ca` without `client_tls_ca_file`: client certificates are verified against OpenSSL\'s system store.', source: TLS },
  'auth-cert-requirements': { severity: 'error', description: '`auth_type = cert` needs `client_tls_sslmode = verify-full` (verify-ca is not enough, whatever the manual says) and `client_tls_ca_file`: PgBouncer does not start.', source: TLS },
  'server-tls-no-verify': { severity: 'warning', description: '`server_tls_sslmode` allow, prefer or require: PgBouncer verifies nothing about the servers it connects to.', source: TLS },
  'server-tls-system-ca': { severity: 'info', description: '`server_tls_sslmode` verify-ca or verify-full without `server_tls_ca_file`: the servers are verified against OpenSSL\'s system store.', source: TLS },
  'tls-file-missing': { severity: 'error', description: 'A TLS file that does not exist: PgBouncer does not start (client side) or cannot connect to any server (server side).', source: TLS },
  'tls-protocols': { severity: 'error', description: 'A `*_tls_protocols` value libusual cannot read: PgBouncer does not start.', source: TLS },
  'tls-ciphers': { severity: 'error', description: 'A `*_tls_ciphers` value that matches no cipher suite: PgBouncer does not start.', source: TLS },
  'tls-keyword': { severity: 'error', description: 'A `client_tls_dheparams` or `client_tls_ecdhcurve` value libusual does not accept: PgBouncer does not start.', source: TLS },
  'auth-hba-file-required': { severity: 'error', description: '`auth_type = hba` without `auth_hba_file`: PgBouncer starts but refuses every login.', source: MAIN },
  'auth-file-required': { severity: 'warning', description: 'An `auth_type` that looks users up in `auth_file`, with neither `auth_file` nor `auth_user`: logins fail.', source: MAIN },
  'client-tls-curve': { severity: 'error', description: 'A `client_tls_ecdhcurve` that PgBouncer loads but clients cannot use: a TLS group outside OpenSSL\'s default client groups (libpq\'s handshakes fail), or an EC curve that is no TLS group (warning: ignored).', source: TLS },
  'tls-cert-invalid': { severity: 'error', description: 'A `*_tls_cert_file` or `*_tls_ca_file` with no certificate OpenSSL can load: PgBouncer does not start (client side) or every TLS connection to a server fails (server side).', source: TLS_FILES },
  'tls-key-invalid': { severity: 'error', description: 'A `*_tls_key_file` with no private key OpenSSL can load: PgBouncer does not start (client side) or every TLS connection to a server fails (server side).', source: TLS_FILES },
  'tls-key-encrypted': { severity: 'error', description: 'An encrypted `*_tls_key_file`: PgBouncer has no passphrase setting, so it does not start (client side) or every TLS connection to a server fails (server side).', source: TLS_FILES },
  'client-tls-no-modern-protocol': { severity: 'error', description: 'A `client_tls_protocols` without TLS 1.2 or 1.3 (e.g. `tlsv1.0`): PgBouncer starts, but clients with OpenSSL 3\'s defaults (libpq, psql) cannot complete a TLS handshake.', source: TLS },
  'auth-file-entries': { severity: 'error', description: 'Users of the `auth_file` whose entries cannot serve `auth_type` (MD5 hashes under `scram-sha-256`; empty passwords, a warning): PgBouncer refuses their logins.', source: AUTH },
  'auth-file-server-login': { severity: 'warning', description: 'With `auth_type` cert, trust or peer, `auth_file` entries holding SCRAM secrets or MD5 hashes: PgBouncer cannot log in to a PostgreSQL server that asks for SCRAM with them.', source: AUTH },
  'auth-user-entry': { severity: 'warning', description: 'An `auth_user` without a clear-text entry in `auth_file`: it cannot log in to run `auth_query` unless the server trusts it.', source: AUTH },
  'auth-file-stops': { severity: 'warning', description: 'An `auth_file` PgBouncer stops reading part-way ("broken auth file"): the users below that line cannot log in.', source: AUTH },
  'auth-hba-file-lines': { severity: 'warning', description: 'Lines of the `auth_hba_file` that PgBouncer skips (it reads its own subset of pg_hba.conf, whatever the file is called); an error when it loads none, since every login is then refused.', source: HBA },
  'auth-hba-file-ignored': { severity: 'warning', description: '`auth_hba_file` with an `auth_type` other than hba: PgBouncer ignores the file, so its lines restrict nothing.', source: MAIN },
  'main-section-reset': { severity: 'warning', description: 'A second `[pgbouncer]` header (here or in an `%include`d file): PgBouncer sets every [pgbouncer] setting above it back to its default, so those not written again below it are lost (an error when that turns TLS towards clients off).', source: 'libusual usual/cfparser.c (load_handler calls fill_defaults at every section header) as bundled with PgBouncer 1.18–1.25; checked with PgBouncer 1.18.0' },
});
