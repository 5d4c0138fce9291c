/**
 * More rule tables of the YAML mode (rules.ts lists them all in K8S_RULES and re-exports them): the kinds and releases
 * beyond each operator's current CRD — KubeDB Postgres and AppBinding, Percona rules that depend on `spec.crVersion`,
 * Percona's v1 operator, Crunchy PGO v4, and the clients of the workspace's clusters. Same shape as rules.ts: metadata only, the checks live in check/.
 */
import { defineRules } from '../../core/rules';

/** KubeDB Postgres (kubedb.com/v1), its AppBindings and the user_hba.conf of its configuration Secret (check/kubedbPostgres.ts). */
const PG_WEBHOOK = 'kubedb/apimachinery@v0.66.0:pkg/webhooks/kubedb/v1/postgres.go';
const PG_HBA_DOC = 'kubedb/docs#1048 (docs/guides/postgres/configuration/custom-pg-hba.md); kubedb/apimachinery#1869 (PostgresCustomHBAFile)';
export const KUBEDB = defineRules('kubedb', {
  'old-api-version': {
    severity: 'error',
    description: 'A KubeDB `Postgres` of `apiVersion: kubedb.com/v1alpha1`: KubeDB stopped serving that version in v0.14 (2020), so the API server answers `no matches for kind "Postgres" in version "kubedb.com/v1alpha1"`. Postgres is `kubedb.com/v1` today (Pgpool is `kubedb.com/v1alpha2`).',
    source: 'kubedb/apimachinery commit 0cf6469d4 (v0.14.0: crds/kubedb.com_postgreses.yaml serves v1alpha2 only), commit 01fcb6683 (v0.47.0: v1); pgpool/pgpool2_on_k8s#3',
  },
  'renamed-field': {
    severity: 'warning',
    description: 'A KubeDB Postgres field under an old name: `databaseSecret` (now `authSecret`, a reference `{name}` instead of a Secret volume source), `configSource` (now `configSecret` / `configuration.secretName`), and in `kubedb.com/v1` `terminationPolicy` (now `deletionPolicy`). The current CRD does not know the old names, so `kubectl apply` rejects them (unknown field) and the setting never reaches KubeDB.',
    source: 'kubedb/apimachinery commit 0d4040b4e ("API refinement": DatabaseSecret -> AuthSecret, ConfigSource -> ConfigSecret), v0.66.0 crds/kubedb.com_postgreses.yaml; pgpool/pgpool2_on_k8s#3',
  },
  'ssl-mode-tls': {
    severity: 'error',
    description: 'A KubeDB Postgres whose `sslMode`, `tls` and `clientAuthMode` the webhook rejects: `sslMode: disable` with `spec.tls`, an `sslMode` other than `disable` without `spec.tls`, or `clientAuthMode: cert` with `sslMode: disable` (also the default `disable` when `tls` is absent).',
    source: `${PG_WEBHOOK} (validateSpecForDB); kubedb/apimachinery@v0.66.0:apis/kubedb/v1/postgres_helpers.go (SetDefaults: sslMode verify-full with tls, disable without)`,
  },
  'verify-full-host': {
    severity: 'warning',
    description: 'An AppBinding (how KubeDB, e.g. a remote replica, connects to a Postgres) with `sslmode=verify-full` to a host that the server certificate of its KubeDB Postgres in the workspace does not name: not in `tls.certificates[alias=server].dnsNames`/`ipAddresses` and not one of the in-cluster Service names KubeDB adds. libpq refuses the certificate, so the replica loops on "Attempting pg_isready on primary". The Postgres is the one the AppBinding names (`appRef`), else the one of the same name, else the one whose name its own name starts with.',
    source: 'kubedb/docs#1040 (remote replica with verify-full); kubedb/docs@v2026.7.10:docs/guides/postgres/remote-replica/remotereplica.md; libpq host name verification (PostgreSQL docs, libpq-ssl)',
  },
  'hba-rejects-coordinator': {
    severity: 'warning',
    description: 'A `reject` line for the `postgres` role from every IPv4/IPv6 address in the `user_hba.conf` of a KubeDB configuration Secret, with no earlier line that lets `postgres` in from the pod network: KubeDB places these lines above its own catch-all rules, and pg-coordinator connects to its peer pods as `postgres` over the pod network, so failover and standby sync break.',
    source: PG_HBA_DOC,
  },
});

/** Percona rules that depend on the operator release (`spec.crVersion`, check/perconaReleases.ts). */
const PERCONA_REPO_AT = (tags: string, files: string) => `percona/percona-postgresql-operator@${tags}:${files}`;
export const PERCONA_RELEASES = defineRules('percona', {
  'postgres-version': {
    severity: 'warning',
    description: '`spec.postgresVersion` outside the PostgreSQL majors of the operator release named by `spec.crVersion` (2.2: 10-15; 2.3-2.5: 12-16; 2.6-2.8.0: 12-17; 2.8.1 and later: 12-18, the `postgresVersion` bounds of that release\'s CRDs), or a Percona image (`-ppg<N>-postgres`, `percona-distribution-postgresql:<N>`) whose PostgreSQL major is not `postgresVersion`: the API server rejects the PostgresCluster the operator creates, or the database does not start.',
    source: `${PERCONA_REPO_AT('v2.2.0..v3.0.0', 'deploy/crd.yaml (postgresVersion minimum/maximum), deploy/cr.yaml')}; percona/percona-postgresql-operator#654`,
  },
  'shared-root-ca': {
    severity: 'warning',
    description: 'A cluster with the `percona.com/delete-ssl` finalizer in a namespace where another PerconaPGCluster with `crVersion` before 2.5.0 (and no `customRootCATLSSecret`) still signs with the shared root CA Secret `pgo-root-cacert`: deleting the cluster deletes that Secret, and the other cluster gets a new root CA its clients do not trust.',
    source: `${PERCONA_REPO_AT('v2.4.1..v3.0.0', 'percona/controller/pgcluster/finalizer.go (deleteTLSSecrets), controller.go (reconcileOldCACert, K8SPG-555), internal/naming/names.go (RootCertSecret, PostgresRootCASecret)')}; operators.md R14; percona/percona-postgresql-operator#589`,
  },
});


/** Percona's v1 operator (pg.percona.com/v1, check/perconaV1.ts). */
export const PERCONA_V1 = defineRules('percona', {
  'v1-tls-off': {
    severity: 'error',
    description: 'A v1 PerconaPGCluster (`pg.percona.com/v1`, operator 1.x) with `spec.pgBouncer.tlsSecret` but without `spec.sslCA` or `spec.sslSecretName`: the v1 operator enables TLS for PostgreSQL and PgBouncer only when both are set, and gives PgBouncer the `sslSecretName` Secret, so PgBouncer silently runs without TLS.',
    source: `${PERCONA_REPO_AT('v1.0.0..v1.6.0', 'percona/controllers/pgcluster/pgcluster.go (PgBouncer.TLSSecret = SSLSecretName), internal/operator/cluster/pgbouncer.go (isPgBouncerTLSEnabled), pkg/apis/crunchydata.com/v1/cluster.go (IsTLSEnabled)')}; percona/percona-postgresql-operator#233 (K8SPG-195)`,
  },
});

const PGO4_REPO = 'CrunchyData/postgres-operator';

/** Crunchy PGO 4.x (`crunchydata.com/v1` `Pgcluster`, end of life): its TLS Secrets and custom configuration (check/pgo4.ts). */
export const PGO4 = defineRules('pgo4', {
  'tls-not-signed-by-ca': {
    severity: 'error',
    description: 'The certificate of `spec.tls.tlsSecret` or `spec.tls.replicationTLSSecret` (a Secret of the workspace) is not issued by the `ca.crt` of `spec.tls.caSecret`: replicas and pgBouncer connect with `sslmode=verify-ca` against that CA and the primary checks the replication certificate against it, so replication fails ("certificate verify failed").',
    source: `${PGO4_REPO}@v4.7.9:pkg/apis/crunchydata.com/v1/cluster.go (TLSSpec: "The keypair must be considered valid by the CA"), docs/content/tutorial/tls.md (replicas connect with verify-ca), docs/content/releases/4.6.0.md (pgBouncer to PostgreSQL with verify-ca); user report ${PGO4_REPO}#2438`,
  },
  'hba-locks-out-operator': {
    severity: 'warning',
    description: 'The pg_hba of a PGO 4.x custom configuration ConfigMap (`pgo-custom-pg-config`, or one a Pgcluster names in `spec.customconfig`; key `pg_hba.conf`, or the `pg_hba` list of `postgres-ha.yaml`) with no line that admits a non-TLS TCP login of `postgres` from the pod network: PGO up to 4.2 connects to the database that way (apiserver and operator, `sslmode=disable`), so operator commands fail with "no pg_hba.conf entry ... SSL off".',
    source: `${PGO4_REPO}@v4.2.2:apiserver/clusterservice/clusterimpl.go, apiserver/userservice/userimpl.go ("sslmode=disable"), config/labels.go (GLOBAL_CUSTOM_CONFIGMAP); none since v4.3.0; user report ${PGO4_REPO}#1180`,
  },
  'replication-cert-user': {
    severity: 'warning',
    description: 'A `cert` line for the replication user `primaryuser` in a PGO 4.x custom configuration (`postgres-ha.yaml` `pg_hba`) whose user the replication certificate of the Pgcluster (`spec.tls.replicationTLSSecret`, a Secret of the workspace) does not give: without `map=` its CN is not `primaryuser`; with `map=M` no `pg_ident` line of M maps its CN to `primaryuser`. Replication fails with a certificate authentication error.',
    source: `${PGO4_REPO}@v4.7.9:docs/content/advanced/custom-configuration.md (pg_hba and pg_ident sections), docs/content/releases/4.4.0.md (primaryuser, custom pg_ident for verify-full); PostgreSQL docs: cert authentication, user name maps; user report ${PGO4_REPO}#1774`,
  },
});

/** A client of a cluster of the workspace (a workload's env or connection string, a Grafana datasource) (check/clients.ts). */
export const CLIENT = defineRules('client', {
  'sslmode-disable': {
    severity: 'warning',
    description: 'A client workload or configuration (Deployment, StatefulSet, Job, Pod, ... env `PGSSLMODE`, a connection URI or key/value string, a Grafana datasource in a ConfigMap) dials the Service of a PostgreSQL cluster defined in the workspace with `sslmode=disable`, while that operator accepts remote logins only over TLS: PGO v5 (only `hostssl` lines unless `spec.authentication.rules` or Patroni pg_hba add others; its PgBouncer has `client_tls_sslmode = require`), Percona with `tlsOnly`, Zalando and CYBERTEC (Spilo\'s default `hostnossl all all all reject`). The login fails ("no pg_hba.conf entry ... SSL off", "SSL required").',
    source: `${PGO4_REPO}@v5.8.9:internal/postgres/hba.go (NewHBAs), internal/controller/postgrescluster/postgres.go (default rule only without user rules), internal/pgbouncer/config.go (client_tls_sslmode); zalando/spilo configure_spilo.py (default pg_hba); libpq sslmode; user reports sciety/sciety#3248, zalando/postgres-operator#709, #964`,
  },
});
