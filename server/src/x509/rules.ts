/**
 * The certificate policy: the rules that judge a certificate or key wherever it appears (a Kubernetes Secret, a file
 * that pgpool.conf names). One declaration, so the same weak key, expired certificate or broken chain gets the same
 * rule id and severity everywhere. Registered once in languages/registry.ts, reported by the languages' checks.
 */
import { defineRules, rulesOf } from '../core/rules';
import type { RuleMeta } from '../core/types';

/** The OpenSSL functions that load and verify certificates: the source every certificate rule follows. */
export const OPENSSL = 'OpenSSL 3 (SSL_CTX_use_certificate_chain_file, SSL_CTX_use_PrivateKey_file, X509_verify_cert)';
/** Where the certificates come from: Secret entries the operators mount as the servers' files, and files pgpool.conf names. */
const LOADED = 'operators.md §5 (the keys each operator mounts); pgpool.conf ssl_cert, ssl_key, ssl_ca_cert';

export const CERT = defineRules('cert', {
  'expired': {
    severity: 'error',
    description: 'A certificate whose validity ended, in a Secret or in a file pgpool.conf names (`ssl_cert` and the chain after it, `ssl_ca_cert`): peers that verify it refuse the connection, and an expired CA fails every certificate it issued (for `ssl_ca_cert`: every client-certificate login through it). In a Secret\'s CA entry with several certificates (a trust bundle), only the CAs the Secret\'s own certificates chain to are reported, or every one when all have expired; in `ssl_ca_cert`, every expired certificate.',
    source: `${LOADED}; ${OPENSSL}: X509_V_ERR_CERT_HAS_EXPIRED`,
  },
  'not-yet-valid': {
    severity: 'error',
    description: 'A certificate (in a Secret, or in pgpool.conf\'s `ssl_cert` or `ssl_ca_cert`) whose validity has not started yet (a clock skew when it was made?): peers that verify it refuse the connection until then.',
    source: `${LOADED}; ${OPENSSL}: X509_V_ERR_CERT_NOT_YET_VALID`,
  },
  'expiring': {
    severity: 'warning',
    description: 'A certificate in a Secret that expires within `pgtls.expiryWarningDays` days (default 30). Not reported for Secrets that cert-manager manages (annotation `cert-manager.io/certificate-name`, or the `secretName` of a Certificate of the workspace): cert-manager renews them. In a CA bundle, only the CAs the Secret\'s certificates chain to.',
    source: 'pgtls setting expiryWarningDays; cert-manager renewBefore (operators.md §4 C9)',
  },
  'key-mismatch': {
    severity: 'error',
    description: 'A private key that is not the key of its certificate: a Secret\'s key entry (`tls.key`, `ca.key`, `root.key`, `<name>.key`) against the certificate of the same name (`tls.crt`…), or pgpool.conf\'s `ssl_key` against `ssl_cert`. PostgreSQL and Pgpool-II refuse to start TLS ("key values mismatch"; Pgpool-II then serves no TLS at all), cert-manager cannot sign with it.',
    source: `${LOADED}; ${OPENSSL}: X509_check_private_key (SSL_CTX_check_private_key)`,
  },
  'key-encrypted': {
    severity: 'error',
    description: 'A private key entry of a Secret that is encrypted: the operators mount it as a file, and PostgreSQL, Pgpool-II and cert-manager cannot read it without a passphrase. (An encrypted `ssl_key` in pgpool.conf is its own rule, since `ssl_passphrase_command` can unlock it.)',
    source: `${OPENSSL}: PEM_read_bio_PrivateKey without a passphrase callback; operators.md §2 R4, §3 C5, §4 I5`,
  },
  'not-signed-by-ca': {
    severity: 'error',
    description: 'A server (or other non-CA) certificate that does not chain, through the certificates after it, to any certificate of the CA given beside it: a Secret\'s `tls.crt` against its CA entry (`ca.crt`, `root.crt`), or pgpool.conf\'s `ssl_cert` against `ssl_ca_cert`. An error where that CA is the trust anchor of the server certificate (Percona custom TLS Secrets, a cert-manager CA Issuer\'s Secret, Secrets cert-manager writes); info where it is, or may be, the CA of client certificates, which need not have issued the server certificate (pgpool.conf\'s `ssl_ca_cert`, PostgreSQL `ssl_ca_file` such as CPO\'s `caFile`, unreferenced Secrets).',
    source: `${OPENSSL}: X509_check_issued + X509_verify; operators.md §2 R1, R4 (ca.crt shared by server and replication certificates); pgpool.conf ssl_cert, ssl_ca_cert`,
  },
  'weak-key': {
    severity: 'error',
    description: 'A certificate (in a Secret, or in pgpool.conf\'s `ssl_cert`, the chain after it or `ssl_ca_cert`) whose public key is below OpenSSL security level 2 (the default of Debian, Ubuntu and RHEL based images): RSA or DSA under 2048 bits, EC curves under 224 bits. OpenSSL refuses to load it as a served certificate ("ee key too small") or chain certificate ("ca key too small"), so Pgpool-II serves no TLS, and refuses it as a CA when verifying ("ca key too small").',
    source: `${LOADED}; ${OPENSSL}: ssl_security_cert (SSL_R_EE_KEY_TOO_SMALL, SSL_R_CA_KEY_TOO_SMALL)`,
  },
  'weak-signature': {
    severity: 'error',
    description: 'A certificate (in a Secret, or in pgpool.conf\'s `ssl_cert`, the chain after it or `ssl_ca_cert`) signed with SHA-1, MD5, MD4 or MD2: OpenSSL 3 rejects such signatures at security level 1 and above, when loading a served certificate or chain ("ca md too weak", so Pgpool-II serves no TLS) and when verifying. The own signature of a self-signed certificate is never checked, so it is not reported.',
    source: `${LOADED}; ${OPENSSL}: check_sig_level (X509_V_ERR_CA_MD_TOO_WEAK)`,
  },
  'ca-flags': {
    severity: 'error',
    description: 'A certificate given as a CA that is not a CA (no basicConstraints CA:TRUE, or a keyUsage without keyCertSign), so OpenSSL cannot verify anything with it: in a Secret\'s CA entry (`ca.crt`, `root.crt`; a warning when another certificate of the entry is a CA), or a pgpool.conf `ssl_ca_cert` without any CA (every client-certificate login fails); or (warning) a server or client certificate in `tls.crt` that is itself a CA while a separate CA is given.',
    source: `${LOADED}; ${OPENSSL}: check_ca, X509_check_purpose; RFC 5280 §4.2.1.9`,
  },
  'extended-key-usage': {
    severity: 'warning',
    description: 'A certificate whose extended key usage allows neither TLS server nor TLS client authentication (nor any usage): OpenSSL rejects it in both roles ("unsupported certificate purpose"). Role-specific usages are checked where the Secret\'s use is known.',
    source: `${LOADED}; ${OPENSSL}: X509_check_purpose (xku_reject for SSL server and client)`,
  },
});

export const CERT_RULES: readonly RuleMeta[] = rulesOf(CERT);
