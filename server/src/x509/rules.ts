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
    description: 'A certificate whose validity ended, in a Secret or in a file pgpool.conf names (`ssl_cert` and the chain after it, `ssl_ca_cert`): peers that verify it refuse the connection, and an expired CA fails every certificate it issued (for `ssl_ca_cert`: every client-certificate login through it). In a CA file or entry of several certificates (a trust bundle: `ssl_ca_cert`, a Secret\'s `ca.crt`), OpenSSL picks a valid issuer where there is one, so an expired certificate is an error only when it is the anchor the certificates beside it chain to (`ssl_cert`, the Secret\'s `tls.crt`) or when no certificate of the bundle is valid; another expired extra is info (it matters only if it issued client or backend certificates still in use), as is an expired certificate sent after the server certificate that issued none of the chain.',
    source: `${LOADED}; ${OPENSSL}: X509_V_ERR_CERT_HAS_EXPIRED`,
  },
  'not-yet-valid': {
    severity: 'error',
    description: 'A certificate (in a Secret, or in pgpool.conf\'s `ssl_cert` or `ssl_ca_cert`) whose validity has not started yet (a clock skew when it was made?): peers that verify it refuse the connection until then.',
    source: `${LOADED}; ${OPENSSL}: X509_V_ERR_CERT_NOT_YET_VALID`,
  },
  'expiring': {
    severity: 'warning',
    description: 'A certificate that expires within `pgtls.expiryWarningDays` days (default 30): in a Secret, or in a file pgpool.conf names (`ssl_cert` and its chain, `ssl_ca_cert`). Not reported for Secrets that cert-manager manages (annotation `cert-manager.io/certificate-name`, or the `secretName` of a Certificate of the workspace): cert-manager renews them. In a CA bundle, only where an expired certificate would matter (see `cert/expired`).',
    source: `pgtls setting expiryWarningDays; cert-manager renewBefore (operators.md §4 C9); ${LOADED}`,
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
    description: 'A certificate (in a Secret, or in pgpool.conf\'s `ssl_cert`, the chain after it or `ssl_ca_cert`) whose public key is below OpenSSL security level 2 (the default of Debian, Ubuntu and RHEL based images): RSA or DSA under 2048 bits, EC curves under 224 bits. OpenSSL refuses to load it as a served certificate ("ee key too small") or chain certificate ("ca key too small"), so Pgpool-II serves no TLS, and refuses it as a CA when verifying ("CA certificate key too weak").',
    source: `${LOADED}; ${OPENSSL}: ssl_security_cert (SSL_R_EE_KEY_TOO_SMALL, SSL_R_CA_KEY_TOO_SMALL), check_key_level (X509_V_ERR_CA_KEY_TOO_SMALL)`,
  },
  'weak-signature': {
    severity: 'error',
    description: 'A certificate (in a Secret, or in pgpool.conf\'s `ssl_cert`, the chain after it or `ssl_ca_cert`) signed with SHA-1, MD5, MD4 or MD2: OpenSSL 3 rejects such signatures at security level 1 and above, when loading a served certificate or chain ("ca md too weak", so Pgpool-II serves no TLS) and when verifying. The own signature of a self-signed certificate is never checked, so it is not reported.',
    source: `${LOADED}; ${OPENSSL}: check_sig_level (X509_V_ERR_CA_MD_TOO_WEAK)`,
  },
  'ca-flags': {
    severity: 'error',
    description: 'A certificate given as a CA that is not a CA (no basicConstraints CA:TRUE, or a keyUsage without keyCertSign), so OpenSSL cannot verify anything with it: in a Secret\'s CA entry (`ca.crt`, `root.crt`) or pgpool.conf\'s `ssl_ca_cert` (a warning when another certificate of the file is a CA; an error when none is: every client-certificate login fails), or the issuer of the served certificate in the chain after it (`ssl_cert`, `tls.crt`: verifying clients fail with "invalid CA certificate"); or (warning) a server or client certificate (`tls.crt`, `ssl_cert`) that is itself a CA while a separate CA is given.',
    source: `${LOADED}; ${OPENSSL}: check_ca, X509_check_purpose; RFC 5280 §4.2.1.9`,
  },
  'extended-key-usage': {
    severity: 'error',
    description: 'A certificate whose extended key usage does not allow the TLS role it is verified for: OpenSSL checks it on every certificate of the chain, the trust anchor included, and refuses ("unsuitable certificate purpose"); anyExtendedKeyUsage alone allows neither role. A Secret\'s certificate that allows neither serverAuth nor clientAuth; pgpool.conf\'s `ssl_cert` and its chain without serverAuth (verifying clients refuse Pgpool-II); a CA in `ssl_ca_cert` without clientAuth (a warning: the client certificates it issued are refused, but it may be there to verify the backends only; an error when it allows neither role).',
    source: `${LOADED}; ${OPENSSL}: X509_check_purpose (xku_reject in check_purpose_ssl_server and check_purpose_ssl_client)`,
  },
  'empty-name': {
    severity: 'warning',
    description: 'A certificate with an empty issuer name, or an empty subject name without a critical subjectAltName (RFC 5280 §4.1.2.6 allows an empty subject only with one): Java\'s certificate parser refuses it, so pgjdbc and every Java client fail the TLS handshake at any sslmode ("Failed to parse server certificates") or cannot load it as `sslrootcert` or `sslcert`. OpenSSL (libpq, PostgreSQL, Pgpool-II) accepts it. In a Secret, or in pgpool.conf\'s `ssl_cert` (and its chain) or `ssl_ca_cert`.',
    source: `${LOADED}; OpenJDK sun.security.x509.X509CertInfo (seen with OpenJDK 17 and Temurin 25); pgjdbc LibPQFactory and LazyKeyManager (CertificateFactory); RFC 5280 §4.1.2.4, §4.1.2.6`,
  },
  'same-name-as-issuer': {
    severity: 'error',
    description: 'A certificate whose subject name equals its issuer\'s, signed by another key (a CA given the server\'s name, an intermediate given the root\'s): OpenSSL takes a certificate whose subject equals its issuer for self-signed without checking the signature (unless its authorityKeyIdentifier says otherwise), so verifying peers fail with "self-signed certificate" (or "self-signed certificate in certificate chain"). In a Secret\'s certificate chain, or pgpool.conf\'s `ssl_cert`: clients with sslmode=verify-ca or verify-full refuse the server.',
    source: `${LOADED}; ${OPENSSL}: ossl_x509v3_cache_extensions (EXFLAG_SS), build_chain (X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)`,
  },
});

export const CERT_RULES: readonly RuleMeta[] = rulesOf(CERT);
