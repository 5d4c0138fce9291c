/**
 * The pgpool.conf rules: metadata only (id, default severity, description, the Pgpool-II behaviour each one mirrors);
 * the checks live in check/. Severity: what makes Pgpool-II refuse to start is an error; what it silently gets wrong
 * is a warning. The TLS rules are a second table of the same scope (their ids all start with `ssl-`).
 */
import { defineRules, rulesOf, type RuleSpec } from '../../core/rules';
import type { Severity } from '../../core/types';

/** The parameter rules: syntax, names, values, and the checks across parameters Pgpool-II makes at start. */
export const R = defineRules('pgpool-conf', {
  'syntax-error': { severity: 'error', description: 'A statement Pgpool-II\'s lexer cannot read: Pgpool-II stops at the first one and does not start.', source: 'Pgpool-II src/config/pool_config.l (lexer rules and ParseConfigFile)' },
  'value-needs-quoting': { severity: 'warning', description: 'An unquoted value that Pgpool-II silently splits into several settings.', source: 'Pgpool-II src/config/pool_config.l (lexer rules and ParseConfigFile)' },
  'byte-order-mark': { severity: 'warning', description: 'A byte-order mark, which Pgpool-II reads as part of the first name.', source: 'Pgpool-II src/config/pool_config.l (LETTER includes bytes \\200-\\377)' },
  'unknown-parameter': { severity: 'warning', description: 'A name the selected Pgpool-II version does not know (misspelt, added in a later version, removed or renamed in an earlier one, or another program\'s): it logs only an INFO line and ignores the setting.', source: 'Pgpool-II src/config/pool_config_variables.c of each version (setConfigOption: "unrecognized configuration parameter"; ConfigureNames* tables)' },
  'deprecated-alias': { severity: 'warning', description: 'An old parameter name that Pgpool-II maps to the new one with a WARNING at every start.', source: 'Pgpool-II src/config/pool_config_variables.c (FailOverOnBackendErrorAssignMessage, DelegateIPAssignMessage from 4.4, LogDirAssignMessage from 4.7)' },
  'missing-value': { severity: 'warning', description: 'A parameter without a value: Pgpool-II takes the line break as the value.', source: 'Pgpool-II src/config/pool_config.l (ParseConfigFile takes any token as the value)' },
  'invalid-bool': { severity: 'warning', description: 'A boolean value Pgpool-II does not recognise, which it silently reads as ON.', source: 'Pgpool-II src/config/pool_config.l (parse_bool_with_len; eval_logical result stored into a bool)' },
  'invalid-number': { severity: 'error', description: 'A numeric parameter whose value is not a number.', source: 'Pgpool-II src/config/pool_config_variables.c (parse_int; atof for double arrays)' },
  'invalid-unit': { severity: 'error', description: 'A unit that the parameter does not accept (or any unit on a parameter without one).', source: 'Pgpool-II src/config/pool_config_variables.c (parse_int, convert_to_base_unit)' },
  'out-of-range': { severity: 'error', description: 'A number outside the parameter\'s valid range.', source: 'Pgpool-II src/config/pool_config_variables.c (setConfigOptionVar range checks)' },
  'invalid-enum': { severity: 'error', description: 'A value that is not one of the parameter\'s allowed values.', source: 'Pgpool-II src/config/pool_config_variables.c (config_enum_lookup_by_name)' },
  'array-index': { severity: 'error', description: 'A per-node parameter with a missing, non-numeric or out-of-range node number.', source: 'Pgpool-II src/config/pool_config_variables.c (get_index_of_var / array parameter lookup)' },
  'duplicate': { severity: 'warning', description: 'A parameter set more than once: Pgpool-II applies the last value without a message.', source: 'Pgpool-II src/config/pool_config_variables.c (set_config_options applies in file order)' },
  'invalid-backend-flag': { severity: 'error', description: 'A backend_flag value Pgpool-II rejects (unknown flag, or ALLOW and DISALLOW together).', source: 'Pgpool-II src/config/pool_config_variables.c (BackendFlagsAssignFunc)' },
  'invalid-log-destination': { severity: 'error', description: 'A log_destination other than a comma list of stderr and syslog.', source: 'Pgpool-II src/config/pool_config_variables.c (LogDestinationProcessFunc)' },
  'invalid-redirect-list': { severity: 'error', description: 'A *_redirect_preference_list entry Pgpool-II rejects, silently drops, or can never match (a blank around the pattern).', source: 'Pgpool-II src/config/pool_config_variables.c (MakeDBRedirectListRegex, check_redirect_node_spec), src/utils/regex_array.c (extract_string_tokens2)' },
  'recovery-needs-data-directory': { severity: 'error', description: 'Online recovery commands are set but a backend has no backend_data_directory.', source: 'Pgpool-II src/config/pool_config_variables.c (config_post_processor)' },
  'quorum-in-native-replication': { severity: 'error', description: 'replication_mode with failover_when_quorum_exists, which Pgpool-II refuses.', source: 'Pgpool-II src/config/pool_config_variables.c (config_post_processor)' },
  'spare-children': { severity: 'error', description: 'Dynamic process management with inconsistent min/max_spare_children or num_init_children (4.4+).', source: 'Pgpool-II src/config/pool_config_variables.c (config_post_processor, 4.4+)' },
  'watchdog-node-id': { severity: 'warning', description: 'use_watchdog = on without a usable pgpool_node_id file (or without wd_port for that node) beside pgpool.conf.', source: 'Pgpool-II src/config/pool_config_variables.c (SetPgpoolNodeId, config_post_processor)' },
  'include-not-found': { severity: 'error', description: 'An include Pgpool-II cannot follow, here or in the files it includes (with `pgtls.checkFiles`): a file that cannot be opened (a syntax error to Pgpool-II), a file that includes itself directly or through others, or includes nested more than 10 levels deep ("maximum nesting depth exceeded"). An error inside an included file is reported at the `include` line with that error\'s own rule.', source: 'Pgpool-II src/config/pool_config.l (ParseConfigFile include handling); checked with Pgpool-II 4.3.5' },
  'obsolete-parameter': { severity: 'warning', description: 'A parameter Pgpool-II still accepts without a message but that no longer does what its name says (`replication_mode` since 4.2: only `backend_clustering_mode` selects the mode).', source: 'Pgpool-II src/config/pool_config_variables.c (replication_mode only feeds the failover_when_quorum_exists check), src/include/pool.h (the mode macros read backend_clustering_mode)' },
  'template-placeholders': { severity: 'info', description: 'A pgpool.conf with `${VAR}` or `{{ … }}` placeholders, rendered before Pgpool-II reads it: the values on those lines are not checked.', source: 'envsubst, Helm and Jinja templates of pgpool.conf (Pgpool-II reads only the rendered file)' },
  'pool-passwd-value': { severity: 'error', description: 'A `pool_passwd` value that looks like a password entry (an MD5 hash, a SCRAM verifier, `user:password`, …) rather than the name of the password file: the file pgpool reads holds no entry, so logins that need pool_passwd are refused (a warning for text with blanks, which may be a file name).', source: 'Pgpool-II src/main/main.c (pool_passwd is a file name, relative to pgpool.conf\'s folder), src/auth/pool_passwd.c (pool_init_pool_passwd)' },
  'clear-text-frontend-auth': { severity: 'warning', description: '`allow_clear_text_frontend_auth = on` without pool_hba.conf: for users missing from pool_passwd, pgpool asks clients for their password in clear text, and nothing requires TLS.', source: 'Pgpool-II src/auth/pool_auth.c (pool_do_auth: md5 and SASL branches with frontend->pool_hba == NULL); allow_clear_text_frontend_auth documentation' },
  'clear-text-frontend-auth-ignored': { severity: 'hint', description: '`allow_clear_text_frontend_auth` with `enable_pool_hba = on`, where pgpool does not use it for md5 or SCRAM backends.', source: 'Pgpool-II src/auth/pool_auth.c (pool_do_auth, do_clear_text_password); allow_clear_text_frontend_auth documentation ("only works when enable_pool_hba is not enabled")' },
  'image-completes': { severity: 'info', description: 'A container image runs this file and its entrypoint completes it: it appends settings the file leaves out (pgpool/pgpool: `ssl_cert`/`ssl_key`), or the file is only a fragment appended to a configuration the image generates (bitnami/pgpool: `PGPOOL_USER_CONF_FILE`). pgtls judges the file with what the image adds.', source: 'Entrypoints of Pgpool-II container images: pgpool/pgpool2_on_k8s pgpool.docker/entrypoint.sh (generate_certs), bitnami/containers libpgpool.sh (pgpool_create_config)' },
});

/** A TLS rule follows `SSL_ServerSide_init` and its helpers in Pgpool-II's pool_ssl.c; `fn` names the call. */
const ssl = (severity: Severity, description: string, fn: string): RuleSpec =>
  ({ severity, description, source: `Pgpool-II src/utils/pool_ssl.c (${fn})` });

/**
 * The TLS rules: `ssl = on` and the files and strings it depends on. In `SSL_ServerSide_init` every failure is only a
 * WARNING in Pgpool-II's log, after which it keeps running and answers 'N' to every client's SSLRequest.
 * Severity choice: a problem that makes Pgpool-II turn SSL off is an `error` even though Pgpool-II itself only logs
 * a WARNING and keeps running, because the configuration's intent (TLS for clients) silently fails; the differential
 * test against Pgpool-II checks that every such rule here means "no TLS at all". A problem with which Pgpool-II
 * still serves TLS (key permissions, unusable client-certificate checks, ignored words) is a `warning`.
 * The certificates these files hold are judged by the shared certificate policy (the X.509 room's `cert/*` rules,
 * reported from tlsFiles/certs.ts with the same severities as for a Secret): there an `error` also means that
 * verifying clients refuse the server, or that every client-certificate login fails, while Pgpool-II still serves TLS.
 */
export const TLS = defineRules('pgpool-conf', {
  'ssl-cert-required': ssl('error', '`ssl = on` without `ssl_cert`: Pgpool-II cannot load a server certificate, only logs a WARNING and turns SSL off for every client.', 'SSL_ServerSide_init: SSL_CTX_use_certificate_chain_file'),
  'ssl-key-required': ssl('error', '`ssl = on` without `ssl_key`: Pgpool-II cannot access a private key, only logs a WARNING and turns SSL off for every client.', 'SSL_ServerSide_init: stat of ssl_key'),
  'ssl-file-missing': ssl('error', 'The file named by `ssl_cert`, `ssl_key`, `ssl_ca_cert` or `ssl_crl_file` does not exist or is not a regular file, so Pgpool-II turns SSL off for every client.', 'SSL_ServerSide_init'),
  'ssl-cert-invalid': ssl('error', '`ssl_cert` or `ssl_ca_cert` holds no loadable PEM certificate, or `ssl_crl_file` nothing loadable, so Pgpool-II turns SSL off; a CRL file with certificates only is a warning (every client certificate then fails verification).', 'SSL_ServerSide_init: SSL_CTX_use_certificate_chain_file, SSL_CTX_load_verify_locations, X509_STORE_load_locations'),
  'ssl-key-invalid': ssl('error', '`ssl_key` holds no PEM private key that OpenSSL can load, so Pgpool-II turns SSL off for every client.', 'SSL_ServerSide_init: SSL_CTX_use_PrivateKey_file'),
  'ssl-key-encrypted': ssl('error', '`ssl_key` is encrypted and `ssl_passphrase_command` is not set, so Pgpool-II cannot load it and turns SSL off for every client.', 'SSL_ServerSide_init: dummy_ssl_passwd_cb'),
  'ssl-key-permissions': ssl('warning', '`ssl_key` has group or world access by Pgpool-II\'s rule (owner: 0600 or less; root-owned: 0640 or less); Pgpool-II logs a WARNING but still loads the key.', 'SSL_ServerSide_init: private key permission check'),
  'ssl-ecdh-curve': ssl('error', '`ssl_ecdh_curve` is not an OpenSSL curve short name usable with EC_KEY (SSL off), or not a TLS group (silently ignored).', 'initialize_ecdh: OBJ_sn2nid, EC_KEY_new_by_curve_name'),
  'ssl-ciphers-rejected': ssl('error', 'OpenSSL rejects `ssl_ciphers` (no TLS 1.2 suite matches, or the string cannot be parsed), so Pgpool-II turns SSL off for every client without logging anything.', 'SSL_ServerSide_init: SSL_CTX_set_cipher_list'),
  'ssl-ciphers-unknown': ssl('warning', 'A word in `ssl_ciphers` that names no suite or alias OpenSSL 3 knows; OpenSSL silently ignores it.', 'SSL_ServerSide_init: SSL_CTX_set_cipher_list (ssl_cipher_process_rulestr)'),
  'ssl-ciphers-weak': ssl('warning', '`ssl_ciphers` lets weak suites be negotiated (3DES on builds that have it; no encryption, no authentication or MD5 at `@SECLEVEL=0`).', 'SSL_ServerSide_init: SSL_CTX_set_cipher_list'),
  'ssl-ciphers-unusable': ssl('warning', 'OpenSSL accepts `ssl_ciphers`, but none of its suites can be used with this server key and security level, so TLS 1.2 clients cannot connect.', 'SSL_ServerSide_init: SSL_CTX_set_cipher_list'),
  'ssl-dh-params-unused': ssl('hint', '`ssl_dh_params_file` has no effect: Pgpool-II reads the file but never gives the parameters to OpenSSL.', 'initialize_dh'),
  'ssl-ca-cert-dir-without-ca-cert': ssl('warning', '`ssl_ca_cert_dir` without `ssl_ca_cert`: Pgpool-II asks clients for certificates only when `ssl_ca_cert` is set, so every `cert` login fails.', 'SSL_ServerSide_init: SSL_CTX_set_verify'),
  'ssl-ca-cert-dir-relative': ssl('warning', 'A relative `ssl_ca_cert_dir` is not resolved against pgpool.conf\'s folder but against the working directory (/ for the daemon).', 'SSL_ServerSide_init, init_ssl_ctx: SSL_CTX_load_verify_locations'),
  'ssl-not-required': ssl('info', '`ssl = on` with `enable_pool_hba = off`: pgpool offers TLS to clients but has no way to require it, so clients may connect in plain text.', 'SSL_ServerSide_init; pool_hba.c check_hba (only hostssl lines refuse plain-text clients)'),
  'ssl-backend-unverified': ssl('info', 'pgpool\'s TLS to the backends: without `ssl_ca_cert`/`ssl_ca_cert_dir` it verifies no backend certificate, with them it checks the chain but never the host name, and it falls back to plain text when a backend offers no TLS.', 'init_ssl_ctx, pool_ssl_negotiate_clientserver'),
  'ssl-client-cert-curve': ssl('warning', 'With `ssl_ca_cert`, a client certificate pgtls sees beside it (client.crt, postgresql.crt, replication.crt issued by that CA) whose ECDSA curve is not `ssl_ecdh_curve` (default prime256v1): every login with it over TLS 1.2 fails ("SSL_accept": "wrong curve"; the client sees "sslv3 alert illegal parameter"); TLS 1.3 works. Pgpool-II has no setting to require TLS 1.3.', 'initialize_ecdh (SSL_CTX_set_tmp_ecdh); measured in test/interop/certAuthE2E.test.ts'),
});

export const PGPOOL_CONF_RULES = rulesOf(R);
export const TLS_RULES = rulesOf(TLS);
