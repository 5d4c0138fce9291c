/**
 * The rule metadata of the YAML mode, one table per scope (checks live in check/): YAML itself, schema validation,
 * Secret references and contents, and the rules of each operator and of cert-manager (the certificate rules, `cert/*`,
 * are the X.509 room's: x509/rules.ts). A
 * check names its rule through the table (`PGPOOL['inline-ssl']`), so a misspelt name does not compile. The rules of
 * the embedded languages (`pgpool-conf/*`, `pg-hba/*`) are theirs, not listed here.
 */
import { defineRules, rulesOf, type RuleSpec } from '../../core/rules';
import { OPENSSL } from '../../x509/rules';
import type { RuleMeta } from '../../core/types';
import { CLIENT, KUBEDB, PERCONA_RELEASES, PERCONA_V1, PGO4 } from './releaseRules';
import { ACME, CERT_MANAGER } from './rulesCertManager';

export { CLIENT, KUBEDB, PERCONA_RELEASES, PERCONA_V1, PGO4 } from './releaseRules';
export { ACME, CERT_MANAGER } from './rulesCertManager';

// Upstream places the sources below cite more than once.
const WEBHOOK = 'kubedb/apimachinery@v0.66.0:pkg/webhooks/kubedb/v1alpha2/pgpool.go';
const PERCONA_REPO = 'percona/percona-postgresql-operator@v3.0.0';
const VALIDATE_TLS = `${PERCONA_REPO}:percona/controller/pgcluster/controller.go (validateTLS)`;
const CPO_REPO = 'cybertec-postgresql/CYBERTEC-pg-operator@v0.9.2';
const K8SRES = `${CPO_REPO}:pkg/cluster/k8sres.go`;

/**
 * A server certificate signed with EdDSA in an operator's TLS Secret (check/certUsage.ts): libpq's SCRAM logins fail
 * with channel binding (certs/compat.ts, measured in test/interop/certMatrix.test.ts). One entry per operator table.
 */
const channelBinding = (where: string, facts: string): RuleSpec => ({
  severity: 'warning',
  description: `The server certificate of ${where}, in a Secret of the workspace, is signed with Ed25519 or Ed448 (issued by an EdDSA CA; the server key does not matter): SCRAM password logins (the operator's pg_hba uses scram-sha-256 or md5, which PostgreSQL runs as SCRAM for SCRAM-stored passwords) from libpq clients (psql, psycopg2; \`channel_binding = prefer\` by default) fail before authentication with "could not find digest for NID UNDEF", because the tls-server-end-point channel binding needs the hash of the certificate's signature. Issue the server certificate from an ECDSA or RSA CA.`,
  source: `operators.md ${facts} (the server certificate Secret); libpq fe-secure-openssl.c (pgtls_get_peer_certificate_hash), RFC 5929 tls-server-end-point; measured in test/interop/certMatrix.test.ts; alphaonedev/ai-memory-mcp#2658`,
});

export const YAML = defineRules('yaml', {
  'syntax-error': {
    severity: 'error',
    description: 'YAML that does not parse, in a document that is one of the resources pgtls validates (kubectl refuses the file).',
    source: 'YAML 1.1 as read by sigs.k8s.io/yaml (go-yaml v2); errors as reported by the eemeli/yaml parser',
  },
  'duplicate-key': {
    severity: 'error',
    description: 'A key that appears twice in the same map: kubectl\'s strict field validation rejects it, other clients silently keep the last value.',
    source: 'Kubernetes strict field validation (kubectl --validate=strict, the default), go-yaml v2 decoding',
  },
  'too-complex': {
    severity: 'error',
    description: 'A document nested too deeply or whose aliases expand too far (a "billion laughs" document): neither kubectl nor pgtls reads it.',
    source: 'go-yaml v2 limits ("excessive aliasing"); pgtls nesting limit',
  },
});

export const SCHEMA = defineRules('schema', {
  'unknown-field': {
    severity: 'error',
    description: 'A field the resource\'s schema does not have (often a typo such as the KubeDB docs\' `cientAuthMode`); kubectl rejects it and the API server would drop it.',
    source: 'the operator\'s CRD (schemas/k8s), Kubernetes strict field validation and pruning',
  },
  'invalid-value': {
    severity: 'error',
    description: 'A value outside the field\'s allowed values (enums are exact: `disable`, not `disabled`; `PKCS8`, not `pkcs8`).',
    source: 'the operator\'s CRD (schemas/k8s) enum and const constraints',
  },
  'wrong-type': {
    severity: 'error',
    description: 'A value of the wrong type, e.g. an unquoted `17` where the CRD wants the string "17", or `yes` where it wants a string.',
    source: 'the operator\'s CRD (schemas/k8s) types, with YAML 1.1 scalars as kubectl reads them',
  },
  'missing-field': {
    severity: 'error',
    description: 'A required field is missing (after the CRD defaults are applied, as the API server does).',
    source: 'the operator\'s CRD (schemas/k8s) required lists and defaults',
  },
  'out-of-range': {
    severity: 'error',
    description: 'A number, length or count outside the bounds the schema allows.',
    source: 'the operator\'s CRD (schemas/k8s) minimum/maximum/length constraints',
  },
  'pattern': {
    severity: 'error',
    description: 'A string (or key) that does not match the form the schema requires, e.g. a resource name or base64 Secret data.',
    source: 'the operator\'s CRD (schemas/k8s) patterns; Kubernetes name and Secret data rules',
  },
  'cel-rule': {
    severity: 'error',
    description: 'A CEL validation rule (`x-kubernetes-validations`) of a CustomResourceDefinition in the workspace fails for this resource.',
    source: 'the CustomResourceDefinition\'s x-kubernetes-validations, evaluated offline with @bufbuild/cel',
  },
  'cel-not-checked': {
    severity: 'info',
    description: 'A CEL validation rule of a CustomResourceDefinition in the workspace that pgtls cannot evaluate offline (a function it lacks); it is not checked.',
    source: 'the CustomResourceDefinition\'s x-kubernetes-validations',
  },
  'not-in-cr-version': {
    severity: 'warning',
    description: 'A field that the CRD of the operator release named by `spec.crVersion` (PerconaPGCluster) does not have, or a field that release requires: with that CRD installed kubectl rejects the object, and that operator ignores the field.',
    source: 'the PerconaPGCluster CRDs of Percona Operator for PostgreSQL 2.3.0 to 3.0.0 (percona/percona-postgresql-operator config/crd/bases, one per minor release)',
  },
  'unknown-cr-version': {
    severity: 'info',
    description: 'A `spec.crVersion` that names an operator release pgtls has no CRD for: the resource is checked against the newest release pgtls knows.',
    source: 'the PerconaPGCluster CRDs pgtls knows (schemas/k8s/percona-perconapgcluster.json x-pgtls-versions)',
  },
});

export const SECRET = defineRules('secret', {
  'not-found': {
    severity: 'info',
    description: 'A Secret a resource refers to is not in the workspace; it may exist only in the cluster, so this is a note, not an error.',
    source: 'the operators\' Secret references (operators.md: CPO spec.tls.secretName, ...)',
  },
  'missing-key': {
    severity: 'error',
    description: 'A Secret in the workspace that a resource refers to lacks a key the operator needs (Percona `tls.crt`/`tls.key`/`ca.crt`, `root.crt`/`root.key` or an `items[].key`, also of `spec.proxy.pgBouncer.customTLSSecret`, which replaces PgBouncer\'s server keypair; CPO the files named by `certificateFile`/`privateKeyFile`/`caFile`; a CA Issuer `tls.crt`/`tls.key`).',
    source: 'operators.md R3, R4 (percona/percona-postgresql-operator@v3.0.0:percona/controller/pgcluster/controller.go validateTLS), C4, C5 (CYBERTEC-pg-operator@v0.9.2:pkg/cluster/k8sres.go generateTlsMounts), §4 I5 (cert-manager CA issuer); percona/percona-postgresql-operator@v2.0.0..v3.0.0:internal/pgbouncer/certificates.go (frontendCertificate)',
  },
  'not-pem': {
    severity: 'error',
    description: 'A certificate or key entry (`*.crt`, `*.cert`, `*.key`, `*.pem`) of a TLS Secret (type `kubernetes.io/tls`, managed by cert-manager, with the operators\' entry names, or referenced by a resource of the workspace) that holds no usable PEM block of that kind: empty (except in a Secret cert-manager fills: its annotation, or the `secretName` of a Certificate), binary (DER), base64-encoded twice, PEM lines joined into one line, a damaged block, the other kind (a key under `tls.crt`), or a key TLS cannot use (an OpenSSH, PGP or public key). Other Secrets are not read.',
    source: `operators.md §5 (data holds base64, stringData raw PEM); ${OPENSSL}: PEM only`,
  },
  'too-large': {
    severity: 'error',
    description: 'A Secret whose values total more than 1 MiB (1,048,576 bytes): the decoded `data` values and the `stringData` values, merged as the API server merges them (aliases expanded). The API server refuses it ("Too long: may not be more than 1048576 bytes"), so `kubectl apply` fails and nothing that mounts it starts.',
    source: 'operators.md §5 (the Secrets operators mount); k8s.io/kubernetes pkg/apis/core/validation/validation.go ValidateSecret (totalSize of the data values > core.MaxSecretSize, 1 MiB; stringData is merged into data before validation)',
  },
});

export const PGPOOL = defineRules('pgpool', {
  'ssl-mode-without-tls': {
    severity: 'error',
    description: 'A Pgpool with an explicit `sslMode` other than `disable` but no `spec.tls`: the KubeDB webhook rejects it ("Tls is not enabled, enable it to use this sslMode").',
    source: `operators.md P1; ${WEBHOOK} (ValidateCreateOrUpdate)`,
  },
  'cert-auth-without-tls': {
    severity: 'error',
    description: 'A Pgpool with `clientAuthMode: cert` but no `spec.tls`: the KubeDB webhook rejects it ("Tls is not enabled, enable it to use this clientAuthMode").',
    source: `operators.md P2; ${WEBHOOK} (ValidateCreateOrUpdate)`,
  },
  'cert-auth-ssl-disabled': {
    severity: 'warning',
    description: 'A Pgpool with `tls`, `clientAuthMode: cert` and `sslMode: disable`: the webhook admits it, but certificate authentication needs TLS connections, which the KubeDB docs require for cert auth.',
    source: 'operators.md K2; kubedb/docs@v2026.7.10:docs/guides/pgpool/concepts/pgpool.md, docs/guides/pgpool/tls/configure_ssl.md',
  },
  'missing-issuer-ref': {
    severity: 'warning',
    description: 'A Pgpool (or KubeDB Postgres) `spec.tls` without `issuerRef`: the webhook admits it, but no certificates are defaulted or issued; the KubeDB TLS docs require `tls.issuerRef`.',
    source: 'operators.md K1, D3; kubedb/docs@v2026.7.10:docs/guides/pgpool/tls/{overview,configure_ssl}.md; apis/kubedb/v1alpha2/pgpool_helpers.go (SetTLSDefaults)',
  },
  'issuer-ref': {
    severity: 'warning',
    description: 'A Pgpool (or KubeDB Postgres) `issuerRef` whose `apiGroup` is not `cert-manager.io` or whose `kind` is not `Issuer`/`ClusterIssuer` (the only issuers KubeDB supports). Note the field is `apiGroup`, not cert-manager\'s `group`.',
    source: 'operators.md K5; kubedb/docs@v2026.7.10:docs/guides/pgpool/concepts/pgpool.md',
  },
  'unknown-alias': {
    severity: 'warning',
    description: 'A `tls.certificates[].alias` other than `server`, `client` or `metrics-exporter` (for a KubeDB Postgres also `archiver`, `grpc-ca`, `grpc-server`, `grpc-client`): the CRD accepts it but KubeDB never reads it, so its settings have no effect.',
    source: 'operators.md K6; apis/kubedb/v1alpha2/pgpool_helpers.go (GetCertSecretName, SetTLSDefaults); Go enum of PgpoolCertificateAlias',
  },
  'reserved-volume': {
    severity: 'error',
    description: 'A Pgpool pod template that uses a reserved volume name (`certs`, `pgpool-config`) or mount path (`/config/tls`, `/config`): the KubeDB webhook rejects it.',
    source: `operators.md P5; ${WEBHOOK} (PgpoolValidateVolumes, PgpoolValidateVolumesMountPaths); apis/kubedb/constants.go`,
  },
  'inline-ssl': {
    severity: 'warning',
    description: '`ssl = on` in the inline pgpool.conf (`spec.configuration.inline`) of a Pgpool without `spec.tls` or with `sslMode: disable`: the two TLS settings contradict each other (without `tls` no certificates are mounted for pgpool to use).',
    source: 'operators.md K7; kubedb/docs@v2026.7.10:docs/guides/pgpool/concepts/pgpool.md (example pairs ssl=on with tls)',
  },
  'reconfigure-tls-without-tls': {
    severity: 'error',
    description: 'A PgpoolOpsRequest of `type: ReconfigureTLS` without `spec.tls`: the KubeDB ops webhook rejects it ("`spec.tls` nil not supported in ReconfigureTLS type").',
    source: 'operators.md O1; kubedb/apimachinery@v0.66.0:pkg/webhooks/ops/v1alpha1/pgpool.go, apis/ops/v1alpha1/pgpool_ops_types.go',
  },
  'backend-tls': {
    severity: 'error',
    description: 'A Pgpool without `spec.tls` whose backend AppBinding (`postgresRef`, in the workspace) is TLS-enabled (a `tlsSecret`, a `caBundle`, or an sslmode other than disable): the KubeDB webhook rejects it ("`spec.tls` must be set because backend postgres is tls enabled").',
    source: `operators.md P3; ${WEBHOOK} (ValidateCreateOrUpdate); apis/kubedb/v1alpha2/pgpool_helpers.go (IsBackendTLSEnabled, GetSSLMODE)`,
  },
  'server-san': {
    severity: 'warning',
    description: 'The server certificate Secret of a Pgpool (`tls.certificates[alias=server].secretName`, default `<name>-server-cert`), when it is in the workspace, does not answer to every name of the primary Service (`<name>`, `<name>.<ns>`, `<name>.<ns>.svc`, `<name>.<ns>.svc.<domain>`): clients with `sslMode` `verify-full` that dial a missing name fail. Warning when the short name is missing, information when only qualified forms are.',
    source: 'operators.md §1.3, D3; kubedb/apimachinery@v0.66.0:apis/kubedb/v1alpha2/pgpool_helpers.go (PrimaryServiceDNS, SetTLSDefaults, GetCertSecretName)',
  },
});

export const PERCONA = defineRules('percona', {
  'twin-secrets': {
    severity: 'warning',
    description: '`customTLSSecret` without `customReplicationTLSSecret` or the other way round: the operator then generates the missing certificate from its own root CA, and replication breaks on the CA mismatch. Set both, signed by the same CA. With `customRootCATLSSecret` only reported while the workspace lacks the Secrets to check it: the operator signs the missing certificate with that root (R10), which is fine when the given one chains to it (`percona/twin-secrets-ca` reports when it does not).',
    source: 'operators.md R1; percona/percona-postgresql-operator@v3.0.0:pkg/apis/pgv2.percona.com/v2/perconapgcluster_types.go (SecretsSpec comments, CRD descriptions)',
  },
  'secret-name': {
    severity: 'error',
    description: 'A custom TLS Secret projection (`spec.secrets.custom*TLSSecret`) without a `name`: reconciliation fails ("secret name is not specified").',
    source: `operators.md R2; ${VALIDATE_TLS}`,
  },
  'items-path': {
    severity: 'warning',
    description: '`customTLSSecret`/`customReplicationTLSSecret` with `items` that do not project a required file (`tls.crt`, `tls.key`, and `ca.crt` without a root CA Secret): Kubernetes mounts only the listed keys, so the file is missing in the pod even when the operator\'s check passes.',
    source: `operators.md R4, R4b; ${VALIDATE_TLS} + Kubernetes Secret projection semantics`,
  },
  'ssl-parameter': {
    severity: 'error',
    description: '`ssl` or an `ssl_*` parameter (other than `ssl_groups`, `ssl_ecdh_curve`) in `spec.config.parameters`: the CRD\'s CEL rule rejects it ("TLS is always enabled"); the operator manages TLS itself.',
    source: 'operators.md R8; percona/percona-postgresql-operator@v3.0.0:config/crd/bases/pgv2.percona.com_perconapgclusters.yaml (spec.config.parameters x-kubernetes-validations)',
  },
  'tls-only-user-rules': {
    severity: 'info',
    description: 'A `host`/`hostnossl` rule in `spec.authentication.rules` (or line in `spec.patroni.dynamicConfiguration.postgresql.pg_hba`) with `tlsOnly: true`: tlsOnly rewrites only the operator\'s own HBA rules, so this user rule still allows plaintext connections.',
    source: 'operators.md R9; percona/percona-postgresql-operator@v3.0.0:internal/controller/postgrescluster/controller.go (K8SPG-554), internal/postgres/hba.go',
  },
  'validity-duration': {
    severity: 'warning',
    description: 'A `spec.tls.*ValidityDuration` of 720h or less: with cert-manager the operator always sets `renewBefore: 720h`, and cert-manager rejects a Certificate whose renewBefore is not below its duration.',
    source: 'operators.md R11; percona/percona-postgresql-operator@v3.0.0:percona/certmanager/certmanager.go (DefaultRenewBefore); cert-manager@v1.21.1 internal/apis/certmanager/validation/certificate.go',
  },
  'name-length': {
    severity: 'warning',
    description: 'A cluster (or cluster + instance set) name so long that a certificate CN the operator requests from cert-manager (`<cluster>-postgres`, `<cluster>-<set>-xxxx`) exceeds 64 characters, which cert-manager rejects.',
    source: 'operators.md R12; percona/percona-postgresql-operator@v3.0.0:percona/certmanager/certmanager.go (truncateForCommonName used only for pgbouncer and pgbackrest-repo); cert-manager C4',
  },
  'validity-without-cert-manager': {
    severity: 'info',
    description: 'A `spec.tls.*ValidityDuration` set together with `customRootCATLSSecret`: a custom root CA turns the cert-manager integration off, and the operator\'s internal PKI ignores these durations.',
    source: 'operators.md R10, §2.1 (tls.*ValidityDuration); percona/percona-postgresql-operator@v3.0.0:internal/controller/postgrescluster/pki.go (isRootCACertManagerManaged), internal/pki/common.go',
  },
  'secret-namespace': {
    severity: 'warning',
    description: 'A custom TLS Secret (server, replication, root CA, PgBouncer) that the workspace holds only in another namespace than the cluster\'s: the operator and the pods read Secrets from the cluster\'s namespace only.',
    source: `operators.md R3; ${VALIDATE_TLS}; Kubernetes Secret volumes (same namespace)`,
  },
  'twin-secrets-ca': {
    severity: 'error',
    description: 'The certificates of `customTLSSecret` and `customReplicationTLSSecret` do not come from one CA: the replication certificate is not issued by the server Secret\'s `ca.crt` (or the other way round), or, with `customRootCATLSSecret`, a certificate is not issued by its `root.crt`. Replicas then fail certificate authentication against the primary.',
    source: `operators.md R1, R13; ${PERCONA_REPO}:pkg/apis/pgv2.percona.com/v2/perconapgcluster_types.go (SecretsSpec comments), deploy/cr.yaml`,
  },
  'replication-cn': {
    severity: 'error',
    description: 'The replication certificate (`customReplicationTLSSecret`) has a CN other than `_crunchyrepl`: the operator\'s pg_hba allows replication only to `_crunchyrepl` with `cert` authentication, which maps the CN to the user, so replicas cannot connect.',
    source: `operators.md R5; ${PERCONA_REPO}:internal/postgres/hba.go (NewHBAs), internal/postgres/config.go (ReplicationUser), percona/certmanager/certmanager.go (ApplyReplicationCertificate)`,
  },
  'shared-certificate': {
    severity: 'error',
    description: '`customTLSSecret` and `customReplicationTLSSecret` hold the same `tls.crt`: the server certificate must not double as the replication client certificate (whose CN must be `_crunchyrepl`).',
    source: 'operators.md R6; percona/k8spg-docs@2.0:docs/TLS.md',
  },
  'primary-san': {
    severity: 'error',
    description: 'With PgBouncer (`spec.proxy.pgBouncer`), the custom server certificate does not answer to `<cluster>-primary`: PgBouncer dials exactly that short name with `server_tls_sslmode = verify-full`, so PgBouncer cannot reach PostgreSQL.',
    source: `operators.md R7; ${PERCONA_REPO}:internal/pgbouncer/config.go (clusterINI)`,
  },
  'server-san': {
    severity: 'warning',
    description: 'The custom server certificate (`customTLSSecret`) does not answer to every name of the primary and replica Services (`<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.<domain>`), as the operator\'s own certificate does: clients with `sslmode=verify-full` that dial a missing name fail. Warning when a short name or `<cluster>-primary.<ns>.svc` (the `host` the operator\'s user Secrets give applications) is missing, information when only other qualified forms are. Also reported on a cert-manager Certificate whose `secretName` is the `customTLSSecret`.',
    source: `operators.md R6, §2.3; ${PERCONA_REPO}:internal/naming/dns.go, internal/controller/postgrescluster/pki.go, internal/controller/postgrescluster/postgres.go (user Secret host); CrunchyData/postgres-operator#3161`,
  },
  'pgbouncer-san': {
    severity: 'warning',
    description: 'The PgBouncer frontend certificate (`spec.proxy.pgBouncer.customTLSSecret`) does not answer to every name of the `<cluster>-pgbouncer` Service, as the operator\'s own PgBouncer certificate does: applications that connect through PgBouncer with `sslmode=verify-full` and dial a missing name fail. Warning when the short name or `<cluster>-pgbouncer.<ns>.svc` (the `pgbouncer-host` of the operator\'s user Secrets) is missing, information when only other qualified forms are. Also reported on a cert-manager Certificate whose `secretName` is that Secret.',
    source: `operators.md §2.1, §2.3; ${PERCONA_REPO}:internal/naming/dns.go, percona/certmanager/certmanager.go (the pgbouncer certificate)`,
  },
  'server-cert-channel-binding': channelBinding('`spec.secrets.customTLSSecret`', '§2.1'),
});

export const CPO = defineRules('cpo', {
  'empty-secret-name': {
    severity: 'warning',
    description: '`spec.tls.secretName: ""` passes the CRD but turns custom TLS off: the whole `tls` block is ignored and the cluster serves a self-signed certificate nobody can verify.',
    source: `operators.md C1, C2; ${K8SRES} (~l.1511), pkg/cluster/connection_pooler.go (~l.362); manifests/complete-postgres-manifest.yaml comment`,
  },
  'ca-secret-without-ca-file': {
    severity: 'warning',
    description: '`spec.tls.caSecretName` without `caFile`: CPO mounts the CA Secret and sets SSL_CA_FILE only when `caFile` is set, so the CA is silently ignored.',
    source: `operators.md C3; ${K8SRES} (generateTlsMounts)`,
  },
  'missing-fs-group': {
    severity: 'warning',
    description: 'Custom TLS without `spec.spiloFSGroup` (and no `spilo_fsgroup` or OpenShift resource in the workspace): the Secret volume is group-readable only, so the Spilo user may not read the key. CPO advises `spiloFSGroup: 103`.',
    source: 'operators.md C6; cybertec-postgresql/CYBERTEC-pg-operator@v0.9.2:manifests/complete-postgres-manifest.yaml (comments), pkg/cluster/k8sres.go (secret volume mode 0640)',
  },
  'clone-cluster-name': {
    severity: 'error',
    description: 'A `spec.clone.cluster` (without `timestamp`) that is not a DNS-1035 label of at most 63 characters: CPO marks the cluster Invalid and does not create it.',
    source: 'operators.md C11; cybertec-postgresql/CYBERTEC-pg-operator@v0.9.2:pkg/apis/cpo.opensource.cybertec.at/v1/util.go (validateCloneClusterDescription)',
  },
  'server-san': {
    severity: 'warning',
    description: 'The `spec.tls.secretName` certificate does not answer to every name of the Services it serves: `<cluster>` and `<cluster>-repl`, plus `<cluster>-pooler` with `enableConnectionPooler: true` and `<cluster>-pooler-repl` with `enableReplicaConnectionPooler: true` (the poolers mount the same Secret). Clients with `sslmode=verify-full` that dial a missing name fail. Warning when a short name is missing, information when only qualified forms are.',
    source: `operators.md C7, C8, §3.3; ${CPO_REPO}:pkg/cluster/connection_pooler.go, docs/hugo/content/en/tls/_index.md`,
  },
  'ssl-file-parameters': {
    severity: 'warning',
    description: '`ssl_cert_file`, `ssl_key_file` or `ssl_ca_file` in `spec.postgresql.parameters`: CPO\'s `spec.tls` (Secret mounted readable for PostgreSQL, paths set for Spilo) is bypassed, and a hand-mounted file PostgreSQL cannot read stops the server. Use `spec.tls`.',
    source: `operators.md C6; ${K8SRES} (generateTlsMounts: SSL_CERTIFICATE_FILE, SSL_PRIVATE_KEY_FILE, SSL_CA_FILE, mode 0640); user report zalando/postgres-operator#1545 (the upstream)`,
  },
  'ca-certificate-secret': {
    severity: 'warning',
    description: '`spec.tls.secretName` names the Secret of a cert-manager Certificate with `isCA: true`: the server would present the CA certificate, whose names are not the cluster\'s Services. Name a server Certificate\'s Secret; the CA goes in `caFile`/`caSecretName`.',
    source: `operators.md C5; ${K8SRES} (generateTlsMounts: the Secret's tls.crt is the server certificate); user report zalando/postgres-operator#2000 (the upstream)`,
  },
  'server-cert-channel-binding': channelBinding('`spec.tls.secretName`', '§3.1'),
});

// Settings outside the TLS blocks that turn TLS off or change authentication (check/operatorSettings.ts, check/embedded.ts).
const PGO_HBA = `${PERCONA_REPO}:internal/postgres/hba.go (NewHBAs), internal/pmm/hba.go, internal/pgbouncer/postgres.go, internal/patroni/config.go (DynamicConfiguration)`;
const SPILO = 'zalando/spilo:postgres-appliance/scripts/configure_spilo.py (the default pg_hba, use_unix_socket)';

export const PERCONA_SETTINGS = defineRules('percona', {
  'operator-hba-first': {
    severity: 'warning',
    description: 'A line of `spec.authentication.rules` or `spec.patroni.dynamicConfiguration.postgresql.pg_hba` that never takes effect: the operator writes its mandatory rules first (the replication user `_crunchyrepl` only over TLS with its certificate and rejected otherwise, `postgres` over the local socket with peer, the PMM user `monitor` from the pod only, PgBouncer\'s `_crunchypgbouncer` only over TLS), and PostgreSQL uses the first matching line.',
    source: `${PGO_HBA}; operators.md R5`,
  },
  'dynamic-config-ignored': {
    severity: 'warning',
    description: 'A setting in `spec.patroni.dynamicConfiguration.postgresql.parameters` that the operator overrides or never reads: `ssl` (the operator always sets `ssl = on`), `ssl_cert_file`/`ssl_key_file`/`ssl_ca_file` (always the mounted /pgconf/tls files), or `pg_hba` placed under `parameters` instead of beside it (not a server parameter, so the lines are never written to pg_hba.conf).',
    source: `${PERCONA_REPO}:internal/postgres/parameters.go (Mandatory), internal/patroni/config.go (DynamicConfiguration); CrunchyData/postgres-operator#3671`,
  },
});

export const CPO_SETTINGS = defineRules('cpo', {
  'ssl-off': {
    severity: 'error',
    description: '`spec.postgresql.parameters.ssl` off: the operator connects to the cluster with `sslmode=require` (hard-coded), so it can no longer create or update roles and databases; and with Spilo\'s default pg_hba (`hostnossl all all all reject`, `hostssl` lines for everything else) every TCP client, replicas included, is refused.',
    source: `${CPO_REPO}:pkg/cluster/database.go (pgConnectionString); ${SPILO}; zalando/postgres-operator#2366`,
  },
  'pg-hba-incomplete': {
    severity: 'error',
    description: '`spec.patroni.pg_hba` replaces Spilo\'s default pg_hba as a whole, and this list lacks a line Spilo\'s defaults provide: a `local` line (Patroni manages PostgreSQL as the superuser over the Unix socket), or a `replication` line for TCP (replicas clone and stream from the primary as the replication user, `standby` by default). Error when the cluster has replicas; warning for a single instance.',
    source: `${K8SRES} (pg_hba in the local Patroni configuration); ${SPILO}; zalando/postgres-operator#1720, #1625`,
  },
});

const ZALANDO_REPO = 'zalando/postgres-operator@v1.15.1';
const PGO_REPO = 'CrunchyData/postgres-operator@v5.8.9';
const PGO_CRD = `${PGO_REPO}:config/crd/bases/postgres-operator.crunchydata.com_postgresclusters.yaml`;

/** Zalando's postgres-operator, CPO's upstream: the same `spec.tls` code, so the same rules as `cpo/*` (check/spilo.ts). */
export const ZALANDO = defineRules('zalando', {
  'empty-secret-name': {
    severity: 'warning',
    description: '`spec.tls.secretName: ""` passes the CRD but turns custom TLS off: the operator configures TLS from `tls` only when `secretName` is non-empty, so the cluster serves Spilo\'s self-signed certificate nobody can verify.',
    source: `${ZALANDO_REPO}:pkg/cluster/k8sres.go (custom TLS only when spec.TLS.SecretName is non-empty, generateTlsMounts)`,
  },
  'ca-secret-without-ca-file': {
    severity: 'warning',
    description: '`spec.tls.caSecretName` without `caFile`: the operator mounts the CA Secret and sets SSL_CA_FILE only when `caFile` is set, so the CA is silently ignored.',
    source: `${ZALANDO_REPO}:pkg/cluster/k8sres.go (generateTlsMounts)`,
  },
  'missing-fs-group': {
    severity: 'warning',
    description: 'Custom TLS without `spec.spiloFSGroup` (and no `spilo_fsgroup` or OpenShift resource in the workspace): the Secret volume is group-readable only, so the Spilo user may not read the key. The operator\'s documentation advises `spiloFSGroup: 103`.',
    source: `${ZALANDO_REPO}:docs/user.md (Custom TLS certificates), pkg/cluster/k8sres.go (secret volume mode 0640)`,
  },
  'clone-cluster-name': {
    severity: 'error',
    description: 'A `spec.clone.cluster` (without `timestamp`) that is not a DNS-1035 label of at most 63 characters: the operator marks the cluster Invalid and does not create it.',
    source: `${ZALANDO_REPO}:pkg/apis/acid.zalan.do/v1/util.go (validateCloneClusterDescription)`,
  },
  'server-san': {
    severity: 'warning',
    description: 'The `spec.tls.secretName` certificate (in a Secret of the workspace, or asked for by the cert-manager Certificate writing that Secret) does not answer to every name of the Services it serves: `<cluster>` and `<cluster>-repl`, plus `<cluster>-pooler` with `enableConnectionPooler: true` and `<cluster>-pooler-repl` with `enableReplicaConnectionPooler: true` (the poolers mount the same Secret). Clients with `sslmode=verify-full` that dial a missing name fail. Warning when a short name is missing, information when only qualified forms are. The same check as `cpo/server-san`.',
    source: `${ZALANDO_REPO}:pkg/cluster/k8sres.go (generateTlsMounts), pkg/cluster/connection_pooler.go (pooler Secret mounts), docs/user.md (Custom TLS certificates); zalando/postgres-operator#1551`,
  },
  'pg-hba-incomplete': {
    severity: 'error',
    description: '`spec.patroni.pg_hba` replaces Spilo\'s default pg_hba as a whole (the operator writes it into Patroni\'s local configuration), and this list lacks a line the defaults provide: a `local` line (Patroni manages PostgreSQL as the superuser over the Unix socket), or a `replication` line for TCP (replicas clone and stream from the primary as the replication user, `standby` by default). Error when the cluster has replicas; warning for a single instance. The same check as `cpo/pg-hba-incomplete`.',
    source: `${ZALANDO_REPO}:pkg/cluster/k8sres.go (pg_hba in the local Patroni configuration), docs/reference/cluster_manifest.md (pg_hba: "custom pg_hba lines to replace default ones"); ${SPILO}; zalando/postgres-operator#1555, #1625, #1720`,
  },
  'installed-release': {
    severity: 'warning',
    description: 'A field or PostgreSQL version the postgresql CRD of the operator release the workspace installs does not have (the release read from the operator Deployment\'s image), e.g. `spec.env` with operator 1.7: the API server rejects it. Without an operator in the workspace, a version only older releases take.',
    source: 'zalando/postgres-operator manifests/postgresql.crd.yaml at v1.6.3 to v2.0.1 (read by scripts/gen-k8s-schemas.ts --zalando-git); user report zalando/postgres-operator#1914',
  },
  'cpo-installed': {
    severity: 'warning',
    description: 'An `acid.zalan.do/v1` postgresql where the workspace installs CYBERTEC CPO 0.7 or newer (and no Zalando operator): CPO serves `cpo.opensource.cybertec.at/v1` only, so the cluster is not served or never reconciled.',
    source: 'cybertec-postgresql/CYBERTEC-pg-operator PR #20 (V0.7.0 change api), @v0.9.2:charts/postgres-operator/crds/postgresqls.yaml (group cpo.opensource.cybertec.at)',
  },
  'team-prefix': {
    severity: 'warning',
    description: '`metadata.name` does not start with `<teamId>-`: operators up to 1.8 always skip such a cluster (nothing is created), 1.9 and later only with `enable_team_id_clustername_prefix: true` (default off). Reported when the workspace installs an operator up to 1.8 or sets that option in an operator ConfigMap or OperatorConfiguration.',
    source: 'zalando/postgres-operator@v1.8.2:pkg/apis/acid.zalan.do/v1/marshal.go, util.go (extractClusterName); @v1.9.0:pkg/controller/postgresql.go, pkg/util/config/config.go (enable_team_id_clustername_prefix, default false); user report #1078',
  },
  'ssl-file-parameters': {
    severity: 'warning',
    description: '`ssl_cert_file`, `ssl_key_file` or `ssl_ca_file` in `spec.postgresql.parameters`: the operator\'s `spec.tls` (Secret mounted readable for PostgreSQL, paths set for Spilo) is bypassed, and a hand-mounted file PostgreSQL cannot read stops the server ("could not load server certificate file": Permission denied). Use `spec.tls`.',
    source: `${ZALANDO_REPO}:pkg/cluster/k8sres.go (generateTlsMounts: SSL_CERTIFICATE_FILE, SSL_PRIVATE_KEY_FILE, SSL_CA_FILE, mode 0640), docs/user.md (Custom TLS certificates); user report #1545`,
  },
  'ca-certificate-secret': {
    severity: 'warning',
    description: '`spec.tls.secretName` names the Secret of a cert-manager Certificate with `isCA: true`: the server would present the CA certificate, whose names are not the cluster\'s Services. Name a server Certificate\'s Secret; the CA goes in `caFile`/`caSecretName`.',
    source: `${ZALANDO_REPO}:pkg/cluster/k8sres.go (generateTlsMounts: the Secret's tls.crt is the server certificate), docs/user.md (Custom TLS certificates); user report #2000`,
  },
  'server-cert-channel-binding': channelBinding('`spec.tls.secretName`', '§3.1'),
});

/** Crunchy Data PGO v5, Percona's upstream: the projections are `spec.customTLSSecret` and `spec.customReplicationTLSSecret` (check/crunchy.ts). */
export const PGO = defineRules('pgo', {
  'twin-secrets': {
    severity: 'warning',
    description: '`spec.customTLSSecret` without `spec.customReplicationTLSSecret` or the other way round: PGO generates the missing certificate from its own root CA, so the two certificates have different CAs and replication breaks. The CRD says both must be set, with the same `ca.crt`.',
    source: `${PGO_CRD} (customTLSSecret description); ${PGO_REPO}:internal/controller/postgrescluster/pki.go, patroni.go (reconcileReplicationSecret)`,
  },
  'secret-name': {
    severity: 'error',
    description: 'A custom TLS projection (`spec.customTLSSecret`, `spec.customReplicationTLSSecret`, `spec.proxy.pgBouncer.customTLSSecret`) without a `name`: the CRD defaults it to "", PGO cannot read the Secret and the pods get a projected Secret without a name, which Kubernetes rejects.',
    source: `${PGO_CRD} (SecretProjection name default ""); ${PGO_REPO}:internal/controller/postgrescluster/patroni.go (reconcileReplicationSecret); Kubernetes pod validation of projected Secret sources`,
  },
  'items-path': {
    severity: 'warning',
    description: 'A custom TLS projection with `items` that do not project `tls.crt`, `tls.key` and `ca.crt`: Kubernetes mounts only the listed keys, so the file is missing in the pod.',
    source: `${PGO_CRD} (customTLSSecret, items descriptions)`,
  },
  'ssl-parameter': {
    severity: 'error',
    description: '`ssl` or an `ssl_*` parameter (other than `ssl_groups`, `ssl_ecdh_curve`) in `spec.config.parameters`: the CRD\'s CEL rule rejects it ("TLS is always enabled"); PGO manages TLS itself.',
    source: `${PGO_CRD} (spec.config.parameters x-kubernetes-validations)`,
  },
  'replication-cn': {
    severity: 'error',
    description: 'The replication certificate (`spec.customReplicationTLSSecret`, or the cert-manager Certificate whose `secretName` it is) has a CN other than `_crunchyrepl`: PGO\'s mandatory pg_hba lets only `_crunchyrepl` replicate, with `cert` authentication that takes the user from the CN, so replicas fail ("certificate authentication failed for user \"_crunchyrepl\"").',
    source: `${PGO_REPO}:internal/postgres/hba.go (NewHBAs), internal/postgres/config.go (ReplicationUser); ${PGO_CRD} (customReplicationTLSSecret description); CrunchyData/postgres-operator#3175`,
  },
  'primary-san': {
    severity: 'error',
    description: 'With PgBouncer (`spec.proxy.pgBouncer`), the custom server certificate (`spec.customTLSSecret`, or the Certificate writing it) does not answer to `<cluster>-primary`: PGO\'s PgBouncer dials exactly that short name with `server_tls_sslmode = verify-full`, so PgBouncer cannot reach PostgreSQL.',
    source: `${PGO_REPO}:internal/pgbouncer/config.go (clusterINI, server_tls_sslmode); CrunchyData/postgres-operator#3272`,
  },
  'server-san': {
    severity: 'warning',
    description: 'The custom server certificate (`spec.customTLSSecret`, or the cert-manager Certificate writing it) does not answer to every name of the primary and replica Services (`<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.<domain>`), as PGO\'s own certificate does: clients with `sslmode=verify-full` that dial a missing name fail. Warning when a short name or `<cluster>-primary.<ns>.svc` (the `host` of PGO\'s user Secrets) is missing, information when only other qualified forms are.',
    source: `${PGO_REPO}:internal/controller/postgrescluster/pki.go (the leaf certificate names), internal/naming/dns.go, internal/controller/postgrescluster/postgres.go (user Secret host); CrunchyData/postgres-operator#3161`,
  },
  'pgbouncer-san': {
    severity: 'warning',
    description: 'The PgBouncer certificate (`spec.proxy.pgBouncer.customTLSSecret`, or the Certificate writing it) does not answer to every name of the `<cluster>-pgbouncer` Service: applications that connect through PgBouncer with `sslmode=verify-full` and dial a missing name fail. Warning when the short name or `<cluster>-pgbouncer.<ns>.svc` (the `pgbouncer-host` of the user Secrets) is missing, information otherwise.',
    source: `${PGO_REPO}:internal/pgbouncer/certificates.go, internal/naming/dns.go`,
  },
  'operator-hba-first': {
    severity: 'warning',
    description: 'A line of `spec.authentication.rules` or `spec.patroni.dynamicConfiguration.postgresql.pg_hba` that never takes effect: PGO writes its mandatory rules first (the replication user `_crunchyrepl` only over TLS with its certificate and rejected otherwise, `postgres` over the local socket with peer, the monitoring user `ccp_monitoring` from the pod only, PgBouncer\'s `_crunchypgbouncer` only over TLS), and PostgreSQL uses the first matching line.',
    source: `${PGO_REPO}:internal/postgres/hba.go (NewHBAs), internal/controller/postgrescluster/postgres.go (generatePostgresHBAs), internal/pgmonitor/postgres.go, internal/pgbouncer/postgres.go`,
  },
  'dynamic-config-ignored': {
    severity: 'warning',
    description: 'A setting in `spec.patroni.dynamicConfiguration.postgresql.parameters` that PGO overrides or never reads: `ssl` (always on), `ssl_cert_file`/`ssl_key_file`/`ssl_ca_file` (always the mounted /pgconf/tls files), or `pg_hba` placed under `parameters` instead of beside it (not a server parameter, so the lines never reach pg_hba.conf).',
    source: `${PGO_REPO}:internal/postgres/parameters.go (NewParameters, Mandatory), internal/patroni/postgres.go (PostgresHBAs); CrunchyData/postgres-operator#3671`,
  },
  'twin-secrets-ca': {
    severity: 'error',
    description: 'The certificates of `spec.customTLSSecret` and `spec.customReplicationTLSSecret` (in the workspace) do not come from one CA: the replication certificate is not issued by the server Secret\'s `ca.crt`, or the other way round, or the two `ca.crt` differ. The CRD requires the same `ca.crt`; replicas fail certificate authentication against the primary.',
    source: `${PGO_CRD} (customTLSSecret, customReplicationTLSSecret descriptions); ${PGO_REPO}:internal/postgres/hba.go (cert authentication for _crunchyrepl)`,
  },
  'shared-certificate': {
    severity: 'error',
    description: '`spec.customTLSSecret` and `spec.customReplicationTLSSecret` hold the same `tls.crt`: the server certificate cannot double as the replication client certificate, whose CN must be `_crunchyrepl`.',
    source: `${PGO_CRD} (customReplicationTLSSecret description); ${PGO_REPO}:internal/postgres/hba.go (NewHBAs)`,
  },
  'server-cert-channel-binding': channelBinding('`spec.customTLSSecret`', '§2.1 (PGO is its upstream)'),
});

/** Every rule of the YAML mode, registered with it (languages/registry.ts). */
export const K8S_RULES: readonly RuleMeta[] = rulesOf(YAML, SCHEMA, SECRET, PGPOOL, PERCONA, CPO, CERT_MANAGER,
  ACME, PERCONA_SETTINGS, CPO_SETTINGS, ZALANDO, PGO,
  KUBEDB,
  PERCONA_RELEASES, PERCONA_V1,
  PGO4, CLIENT,
);
