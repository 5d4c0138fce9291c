/**
 * The postgresql.conf rules: metadata only; the checks live in check/. At startup PostgreSQL reads the whole file
 * (and what it includes), and any error in it — a syntax error, a name it does not know, a value it refuses for any
 * parameter, whatever its context — ends in `FATAL: configuration file "…" contains errors`: the server does not
 * start. So those rules are errors. (At a reload a running server logs the same messages and keeps going.)
 */
import { defineRules } from '../../core/rules';

const GUC = 'PostgreSQL src/backend/utils/misc/guc.c';
const FILE = 'PostgreSQL src/backend/utils/misc/guc-file.l';
const TLS_SRC = 'PostgreSQL 15 src/backend/libpq/be-secure-openssl.c (be_tls_init), be-secure-common.c (check_ssl_key_file); checked with real starts of PostgreSQL 15';

export const R = defineRules('postgresql-conf', {
  'syntax-error': { severity: 'error', description: 'A line PostgreSQL\'s configuration reader rejects ("syntax error in file … near token …"): the server does not start.', source: `${FILE} (lexer rules, ParseConfigFp)` },
  'unknown-parameter': { severity: 'error', description: 'A name (without a `.`) that the selected PostgreSQL version does not know ("unrecognized configuration parameter"): the server does not start. Names with a `.` are extension placeholders and always accepted.', source: `${FILE} (ProcessConfigFileInternal: find_option, valid_custom_variable_name)` },
  'read-only-parameter': { severity: 'error', description: 'A parameter that only reports a fact of the server (server_version, block_size, …): setting it in the file is refused ("cannot be changed") and the server does not start.', source: `${GUC} (set_config_option, PGC_INTERNAL)` },
  'invalid-bool': { severity: 'error', description: 'A boolean that is not a prefix of true/false/yes/no, not on/off or 1/0 ("requires a Boolean value"): the server does not start.', source: `${GUC} (parse_bool)` },
  'invalid-number': { severity: 'error', description: 'A numeric value PostgreSQL cannot read as a number (or a unit on a parameter without one): the server does not start.', source: `${GUC} (parse_int, parse_real)` },
  'invalid-unit': { severity: 'error', description: 'A unit the parameter does not take (units are case-sensitive: kB, MB, GB, TB, B; us, ms, s, min, h, d): the server does not start.', source: `${GUC} (convert_to_base_unit)` },
  'out-of-range': { severity: 'error', description: 'A number outside the parameter\'s range after unit conversion and rounding ("is outside the valid range"): the server does not start.', source: `${GUC} (parse_and_validate_value)` },
  'invalid-enum': { severity: 'error', description: 'A value that is none of the parameter\'s values (compared ignoring case): the server does not start.', source: `${GUC} (config_enum_lookup_by_name)` },
  'include-not-found': { severity: 'error', description: 'An `include` or `include_dir` PostgreSQL cannot follow (missing file or folder, empty name, a file including itself, more than 10 levels, or a syntax error inside): the server does not start.', source: `${FILE} (ParseConfigFile, ParseConfigDirectory)` },
  'overridden': { severity: 'hint', description: 'A setting that a later line with the same name spelt the same way (here, in an included file or in postgresql.auto.conf) sets again: PostgreSQL does not even check this one.', source: `${FILE} (ProcessConfigFileInternal: earlier duplicates are ignored)` },
  // TLS (ssl = on): be_tls_init runs at start with FATAL, at a reload with LOG ("SSL configuration was not reloaded", the old one kept).
  'ssl-file-missing': { severity: 'error', description: 'With `ssl = on`, a certificate, key, CA or CRL file (`ssl_cert_file`, `ssl_key_file`, `ssl_ca_file`, `ssl_crl_file`; relative to the data directory) that does not exist: PostgreSQL refuses to start.', source: TLS_SRC },
  'ssl-cert-invalid': { severity: 'error', description: 'With `ssl = on`, a certificate, CA or CRL file OpenSSL cannot load (not PEM, no certificate): PostgreSQL refuses to start.', source: TLS_SRC },
  'ssl-key-invalid': { severity: 'error', description: 'With `ssl = on`, a key file that holds no usable private key: PostgreSQL refuses to start.', source: TLS_SRC },
  'ssl-key-encrypted': { severity: 'error', description: 'With `ssl = on`, an encrypted key without `ssl_passphrase_command`: PostgreSQL asks on its terminal, and started by a service manager or pg_ctl it has none, so it refuses to start ("processing error").', source: TLS_SRC },
  'ssl-key-permissions': { severity: 'error', description: 'With `ssl = on`, a key file with group or world access (more than 0600 when the server\'s user owns it, more than 0640 when root does): PostgreSQL refuses to start.', source: TLS_SRC },
  'ssl-protocol-range': { severity: 'error', description: '`ssl_min_protocol_version` above `ssl_max_protocol_version` (defaults TLSv1.2 and no limit): PostgreSQL refuses to start ("could not set SSL protocol version range"); a maximum of TLSv1 or TLSv1.1 alone, which OpenSSL 3 refuses at its default security level, makes every TLS handshake fail.', source: TLS_SRC },
  'ssl-ciphers': { severity: 'error', description: '`ssl_ciphers` that selects no TLS 1.2 cipher suite of OpenSSL 3 ("could not set the cipher list"): PostgreSQL refuses to start.', source: TLS_SRC },
  'ssl-ecdh-curve': { severity: 'error', description: '`ssl_ecdh_curve` that is not an OpenSSL EC curve short name ("ECDH: unrecognized curve name"), or not a classic EC curve such as X25519 ("ECDH: could not create key"): PostgreSQL refuses to start. A single curve other than the default is noted.', source: TLS_SRC },
  'ssl-dh-params': { severity: 'error', description: '`ssl_dh_params_file` that does not exist or holds no PEM DH parameters: PostgreSQL refuses to start.', source: TLS_SRC },
  'ssl-passphrase-reload': { severity: 'info', description: '`ssl_passphrase_command` without `ssl_passphrase_command_supports_reload`: a reload keeps the old TLS files ("cannot be reloaded because it requires a passphrase"); renewed files need a restart.', source: TLS_SRC },
  'hba-file-missing': { severity: 'error', description: '`hba_file` names a file that does not exist: PostgreSQL refuses to start ("could not load pg_hba.conf").', source: 'PostgreSQL 15 src/backend/libpq/hba.c (load_hba); checked with PostgreSQL 15' },
  'ident-file-missing': { severity: 'warning', description: '`ident_file` names a file that does not exist: PostgreSQL starts ("could not open usermap file"), and every login through a `map=` fails.', source: 'PostgreSQL 15 src/backend/libpq/hba.c (load_ident); checked with PostgreSQL 15' },
  'invalid-value': { severity: 'error', description: 'A value the check hook of a string parameter refuses (DateStyle, TimeZone, log_timezone, log_destination, client_encoding, search_path list syntax, synchronous_standby_names, recovery_target*) ("invalid value for parameter"): the server does not start. Locales (lc_*) are left alone: which exist is a fact of the server\'s machine.', source: 'PostgreSQL 15 check hooks: commands/variable.c, utils/error/elog.c, catalog/namespace.c, replication/syncrep_gram.y, utils/misc/guc.c; checked with postgres -C of PostgreSQL 15' },
  'recovery-target-conflict': { severity: 'error', description: 'More than one of recovery_target, recovery_target_lsn, recovery_target_name, recovery_target_time and recovery_target_xid set, even to \'\' after another ("multiple recovery targets specified"): the server does not start.', source: 'PostgreSQL 15 src/backend/utils/misc/guc.c (assign_recovery_target*, error_multiple_recovery_targets); checked with postgres -C of PostgreSQL 15' },
});
