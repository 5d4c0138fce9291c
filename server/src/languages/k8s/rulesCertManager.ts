/**
 * The rule metadata of cert-manager's kinds in the YAML mode (scope `cert-manager`): the Certificate and Issuer
 * specs the webhook validates (check/certManagerSpec.ts, check/certManager.ts, check/selfSigned.ts) and certificates
 * from ACME issuers (check/acme.ts). A table of its own beside rules.ts, which re-exports it.
 */
import { defineRules } from '../../core/rules';

const VALIDATION = 'cert-manager/cert-manager@v1.21.1:internal/apis/certmanager/validation/certificate.go';
const ISSUER_VALIDATION = 'cert-manager/cert-manager@v1.21.1:internal/apis/certmanager/validation/issuer.go';

export const CERT_MANAGER = defineRules('cert-manager', {
  'duration': {
    severity: 'error',
    description: 'A certificate `duration` that is not a Go duration or is shorter than 1h: the cert-manager webhook rejects it (for KubeDB, on the Certificate the operator creates).',
    source: `operators.md §4 C8; ${VALIDATION} (ValidateDuration, MinimumCertificateDuration)`,
  },
  'renew-before': {
    severity: 'error',
    description: 'A certificate `renewBefore` (or the one `renewBeforePercentage` gives) that is under 5m or not below the `duration` (default 2160h), or both fields set: the cert-manager webhook rejects it.',
    source: `operators.md §4 C9; ${VALIDATION} (ValidateDuration, MinimumRenewBefore)`,
  },
  'issuer-kind': {
    severity: 'error',
    description: 'A Certificate `issuerRef.kind` other than `Issuer` or `ClusterIssuer` while `group` is empty or `cert-manager.io`: the cert-manager webhook rejects it.',
    source: `operators.md §4 C2; ${VALIDATION} (ValidateCertificateSpec, issuerRef)`,
  },
  'issuer-scope': {
    severity: 'warning',
    description: 'A referenced Issuer that the workspace holds only in another namespace (an Issuer signs only in its own namespace), or only as the other kind (Issuer vs ClusterIssuer).',
    source: 'operators.md §4 C13, KubeDB K5; cert-manager@v1.21.1 pkg/apis/certmanager/v1/types_certificate.go (issuerRef field doc)',
  },
  'secret-name': {
    severity: 'error',
    description: 'A Certificate (or KubeDB `tls.certificates[]`) `secretName` that is not a valid Secret name (a DNS subdomain: lower case, digits, `-` and `.`, at most 253 characters): the cert-manager webhook rejects the Certificate.',
    source: `operators.md §4 C1; ${VALIDATION} (ValidateCertificateSpec, secretName)`,
  },
  'no-identity': {
    severity: 'error',
    description: 'A Certificate with no identity: none of `commonName` (or a CN in `literalSubject`), `dnsNames`, `ipAddresses`, `uris`, `emailAddresses`, `otherNames`. The cert-manager webhook rejects it.',
    source: `operators.md §4 C3; ${VALIDATION} (ValidateCertificateSpec)`,
  },
  'common-name': {
    severity: 'error',
    description: 'A Certificate `commonName` over 64 characters, or a `literalSubject` combined with `commonName` or `subject` fields: the cert-manager webhook rejects it.',
    source: `operators.md §4 C4; ${VALIDATION} (ValidateCertificateSpec, commonName, literalSubject)`,
  },
  'invalid-san': {
    severity: 'error',
    description: 'A Certificate (or KubeDB `tls.certificates[]`) SAN entry the cert-manager webhook rejects: an `ipAddresses` entry that is not an IP address, an `emailAddresses` entry that is not a bare address, an `otherNames` entry without `oid` or `utf8Value`.',
    source: `operators.md §4 C5; ${VALIDATION} (validateIPAddresses, validateEmailAddresses, otherNames)`,
  },
  'key-size': {
    severity: 'error',
    description: 'A Certificate `privateKey.size` the algorithm does not allow: RSA takes 2048 to 8192 bits, ECDSA 256, 384 or 521. The cert-manager webhook rejects it (a weak RSA key never gets issued).',
    source: `operators.md §4 C6; ${VALIDATION} (ValidateCertificateSpec, privateKey); cert-manager@v1.21.1 pkg/util/pki/generate.go`,
  },
  'signature-algorithm': {
    severity: 'error',
    description: 'A Certificate `signatureAlgorithm` that does not fit the key algorithm (RSA: SHA256/384/512WithRSA; ECDSA: ECDSAWithSHA256/384/512; Ed25519: PureEd25519): the cert-manager webhook rejects it.',
    source: `operators.md §4 C7; ${VALIDATION} (ValidateCertificateSpec, signatureAlgorithm)`,
  },
  'revision-history-limit': {
    severity: 'error',
    description: 'A Certificate `revisionHistoryLimit` below 1: the cert-manager webhook rejects it.',
    source: `operators.md §4 C10; ${VALIDATION} (ValidateCertificateSpec, revisionHistoryLimit)`,
  },
  'secret-template': {
    severity: 'error',
    description: 'A Certificate `secretTemplate` with a reserved `cert-manager.io/` annotation (only `cert-manager.io/allow-direct-injection` is allowed) or a label/annotation key or label value Kubernetes does not accept: the cert-manager webhook rejects it.',
    source: `operators.md §4 C10; ${VALIDATION} (validateSecretTemplate)`,
  },
  'name-constraints': {
    severity: 'error',
    description: 'A Certificate `nameConstraints` without `isCA: true` or without `permitted`/`excluded`: the cert-manager webhook rejects it.',
    source: `operators.md §4 C11; ${VALIDATION} (validateNameConstraints)`,
  },
  'output-formats': {
    severity: 'error',
    description: 'A Certificate `additionalOutputFormats` that lists the same `type` twice: the cert-manager webhook rejects it.',
    source: `operators.md §4 C11; ${VALIDATION} (validateAdditionalOutputFormats)`,
  },
  'keystore-password': {
    severity: 'error',
    description: 'A Certificate keystore (`keystores.jks`/`pkcs12`) with both or neither of `password` and `passwordSecretRef`, or an empty literal `password`: the cert-manager webhook rejects it.',
    source: `operators.md §4 C11; ${VALIDATION} (validateKeystores)`,
  },
  'renewal-windows': {
    severity: 'error',
    description: 'A Certificate `renewal` with `policy: Disabled` and `windows`, or a window whose `cron` is not a cron expression or whose `timezone` is not an IANA zone (or `Local`, `UTC`): the cert-manager webhook rejects it.',
    source: `operators.md §4 C12; ${VALIDATION} (renewal)`,
  },
  'issuer-type': {
    severity: 'error',
    description: 'An Issuer or ClusterIssuer with no issuer type or with more than one of `acme`, `ca`, `selfSigned`, `vault`, `venafi`: the cert-manager webhook rejects it.',
    source: `operators.md §4 I1; ${ISSUER_VALIDATION} (ValidateIssuerConfig)`,
  },
  'ca-issuer': {
    severity: 'error',
    description: 'A CA issuer with an empty `secretName`, or an empty entry in `ocspServers` or `issuingCertificateURLs`: the cert-manager webhook rejects it.',
    source: `operators.md §4 I2; ${ISSUER_VALIDATION} (ValidateCAIssuerConfig)`,
  },
  'issuer-config': {
    severity: 'error',
    description: 'Contradictory or incomplete settings of an ACME, Vault or Venafi issuer: `caBundle` with `skipTLSVerify` (ACME) or with `caBundleSecretRef` (Vault), a Vault `path` with `..`, an ACME solver without exactly one of `http01`/`dns01`, a Venafi issuer without exactly one of `tpp`, `cloud`, `ngts`.',
    source: `operators.md §4 I3, I4; ${ISSUER_VALIDATION} (ValidateACMEIssuerConfig, ValidateVaultIssuerConfig); cert-manager.io_issuers.yaml (venafi CEL)`,
  },
  'cluster-issuer-secret': {
    severity: 'info',
    description: 'A Secret a ClusterIssuer reads (`ca.secretName`, the ACME account key `privateKeySecretRef`, DNS01 solver credentials such as Cloudflare `apiTokenSecretRef` or Route53 `secretAccessKeySecretRef`, Vault and Venafi credentials) that the workspace holds only outside the `cert-manager` namespace, as a Secret or as the `secretName` of a Certificate: cert-manager reads a ClusterIssuer\'s Secrets from its cluster resource namespace (by convention `cert-manager`), not from the Certificate\'s.',
    source: 'operators.md §4 I5; cert-manager docs "Issuer Configuration" (cluster resource namespace, --cluster-resource-namespace); cert-manager/cert-manager@v1.21.1:deploy/charts/cert-manager/templates/deployment.yaml (--cluster-resource-namespace=$(POD_NAMESPACE)); cert-manager/cert-manager#2130, #263',
  },
  'issuer-group': {
    severity: 'error',
    description: 'A Certificate `issuerRef.group` with a version (`cert-manager.io/v1`): an API group has no `/`, cert-manager\'s controllers sign only requests of group `cert-manager.io` (or empty), and no external issuer serves such a group, so the Certificate is never issued.',
    source: 'operators.md §4 C2 (issuerRef group); cert-manager/cert-manager@v1.21.1:pkg/controller/certificaterequests/sync.go (requests of other groups are skipped); kubernetes-sigs/jobset#857',
  },
  'api-version': {
    severity: 'warning',
    description: 'A cert-manager kind (`Certificate`, `Issuer`, `ClusterIssuer`, `CertificateRequest`) under an apiVersion cert-manager does not serve: `cert-manager.io/v1alpha2`, `v1alpha3`, `v1beta1` (no longer served since cert-manager 1.6, removed in 1.7), the old group `certmanager.k8s.io` (renamed in 0.11) or a misspelt group such as `certmanager.io`. The API server answers "no matches for kind"; pgtls does not validate such a document further.',
    source: 'operators.md §4 (cert-manager.io/v1); cert-manager docs "Migrating Deprecated API Resources" and "Upgrading from v1.6 to v1.7" (v1alpha2, v1alpha3, v1beta1 not served since 1.6, removed in 1.7) and "Upgrading from v0.10 to v0.11" (API group renamed to cert-manager.io); cert-manager/cert-manager#2435, #2032',
  },
  'self-signed-leaf': {
    severity: 'warning',
    description: 'A Certificate without `isCA: true` issued directly by a `selfSigned` Issuer/ClusterIssuer and used as the server, replication or PgBouncer certificate of Crunchy PGO or Percona: each such certificate is its own CA (`ca.crt` equals `tls.crt`), so the server and replication certificates never share the CA those operators require, and replicas cannot authenticate. Make a CA with selfSigned and issue the leaves from a `ca:` Issuer.',
    source: 'operators.md §4 (issued Secrets: ca.crt for CA/selfSigned); cert-manager docs "SelfSigned" (ca.crt is the certificate itself; bootstrap a CA Issuer); cert-manager/cert-manager@v1.21.1:pkg/controller/certificaterequests/selfsigned/selfsigned.go; CrunchyData/postgres-operator@v5.8.9:config/crd/bases/postgres-operator.crunchydata.com_postgresclusters.yaml (customTLSSecret: same ca.crt); cert-manager/cert-manager#4807',
  },
  'self-signed-empty-subject': {
    severity: 'warning',
    description: 'A Certificate issued by a `selfSigned` Issuer/ClusterIssuer without `commonName`, `subject` or `literalSubject`: its subject, and so its issuer DN, is empty, which RFC 5280 forbids; cert-manager only emits a BadConfig warning event, and strict clients (Java, pgJDBC) reject the certificate.',
    source: 'operators.md §4; RFC 5280 §4.1.2.4 (non-empty issuer DN); cert-manager/cert-manager@v1.21.1:pkg/controller/certificaterequests/selfsigned/selfsigned.go (emptyDNMessage); cert-manager/cert-manager#3634',
  },
});


/** Certificates from ACME issuers (check/acme.ts); the scope is cert-manager's. */
const ACME_CODE = 'cert-manager/cert-manager@v1.21.1:pkg/controller/certificaterequests/acme/acme.go';
export const ACME = defineRules('cert-manager', {
  'acme-private-name': {
    severity: 'error',
    description: 'A Certificate (or a KubeDB `tls.certificates[]` entry) issued by an ACME Issuer/ClusterIssuer of the workspace asks for a name no public CA issues: a Service name (`.svc`, `.cluster.local`), a single-label name, a reserved or undelegated top-level domain (`.local`, `.internal`, `.test`…), an IP address in `dnsNames`, a private/loopback/link-local IP address, or, from Let\'s Encrypt, any IP address without the `shortlived` profile. The ACME server rejects the order, so the Certificate never becomes Ready.',
    source: `ACME (RFC 8555 rejectedIdentifier), CA/Browser Forum Baseline Requirements (no internal names or reserved IPs); ${ACME_CODE}; cert-manager/cert-manager#3994, projectcapsule/capsule-proxy#288`,
  },
  'acme-is-ca': {
    severity: 'error',
    description: 'A Certificate with `isCA: true` issued by an ACME issuer: public ACME CAs sign only end-entity certificates, so the Secret never holds a CA for a CA Issuer or an operator root CA.',
    source: `CA/Browser Forum Baseline Requirements (subscriber certificates are not CAs); ${ACME_CODE} (the order carries only names)`,
  },
  'acme-no-ca-crt': {
    severity: 'error',
    description: 'A Certificate issued by an ACME issuer writes a Secret an operator needs `ca.crt` in: Percona `customTLSSecret`/`customReplicationTLSSecret` without `customRootCATLSSecret` (the operator refuses to reconcile), Crunchy PGO v5 `customTLSSecret`/`customReplicationTLSSecret` (no separate CA field: `ssl_ca_file` is the `ca.crt` of that Secret, so PostgreSQL does not start), CPO `tls.caFile` read from that Secret (PostgreSQL does not start). cert-manager\'s ACME issuer writes no `ca.crt`.',
    source: `operators.md R4, C4, §4; ${ACME_CODE} (IssueResponse without CA); cert-manager/cert-manager#1571; CrunchyData/postgres-operator@v5.8.9:internal/postgres/parameters.go (ssl_ca_file), internal/postgres/reconcile.go (the projected cert volume); CrunchyData/postgres-operator#3272`,
  },
});
