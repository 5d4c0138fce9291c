/**
 * The fields of a resource that name another resource (a Secret, a cert-manager issuer): one table that the rules
 * (a Secret that is not found, its keys, what it is used for) and go-to-definition read, so that a reference the rules
 * learn about is navigable too. The fields no rule checks yet (the cert-manager CA Issuer's Secret, KubeDB's issuer
 * references, pull secrets…) are listed only in `RESOURCE_REFERENCES`.
 */

/** A Secret reference that secret/not-found checks. */
export interface SecretReference {
  apiVersion: string;
  kind: string;
  /** Data path of the Secret's name. */
  path: readonly string[];
  /** What the operator does with the Secret, for messages. */
  use: string;
}

/** The custom TLS Secret projections of a Percona PerconaPGCluster (`spec.secrets.<field>`). */
export type ProjectionField = 'customTLSSecret' | 'customReplicationTLSSecret' | 'customRootCATLSSecret';
export const PROJECTIONS: readonly ProjectionField[] = ['customTLSSecret', 'customReplicationTLSSecret', 'customRootCATLSSecret'];

export const SECRET_REFERENCES: readonly SecretReference[] = [
  {
    apiVersion: 'cpo.opensource.cybertec.at/v1', kind: 'postgresql', path: ['spec', 'tls', 'secretName'],
    use: 'CPO mounts it at /tls in the database and connection pooler pods',
  },
  {
    apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', path: ['spec', 'tls', 'secretName'],
    use: 'the Zalando operator mounts it at /tls in the database and connection pooler pods',
  },
  ...PROJECTIONS.map(f => ({
    apiVersion: 'pgv2.percona.com/v2', kind: 'PerconaPGCluster', path: ['spec', 'secrets', f, 'name'],
    use: f === 'customRootCATLSSecret' ? 'the Percona operator signs the cluster certificates with the CA in it'
      : `the Percona operator mounts it in the database pods as the ${f === 'customTLSSecret' ? 'server' : 'replication'} certificate`,
  })),
  {
    apiVersion: 'pgv2.percona.com/v2', kind: 'PerconaPGCluster', path: ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name'],
    use: 'the Percona operator mounts it in the PgBouncer pods as their server certificate',
  },
  ...(['customTLSSecret', 'customReplicationTLSSecret'] as const).map(f => ({
    apiVersion: 'postgres-operator.crunchydata.com/v1beta1', kind: 'PostgresCluster', path: ['spec', f, 'name'],
    use: `PGO mounts it in the database pods as the ${f === 'customTLSSecret' ? 'server' : 'replication'} certificate`,
  })),
  {
    apiVersion: 'postgres-operator.crunchydata.com/v1beta1', kind: 'PostgresCluster', path: ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name'],
    use: 'PGO mounts it in the PgBouncer pods as their server certificate',
  },
];

/** A field of a resource that holds the name of another resource. */
export interface ResourceReference {
  apiVersion: string;
  kind: string;
  /** Data path of the name; `*` stands for any list index. */
  path: readonly string[];
  /** What the name refers to: a Secret, or a cert-manager issuer whose kind the sibling `kind` field says. */
  target: 'Secret' | 'issuer';
  /**
   * The Secret is not in the resource's namespace: a ClusterIssuer's CA Secret lives in cert-manager's cluster
   * resource namespace (a flag of the cert-manager deployment), so any namespace matches.
   */
  anyNamespace?: boolean;
}

const CPO = 'cpo.opensource.cybertec.at/v1';
const PERCONA = 'pgv2.percona.com/v2';
export const CERT_MANAGER_API = 'cert-manager.io/v1';
const CM = CERT_MANAGER_API;
const KUBEDB = 'kubedb.com/v1alpha2';
const ZALANDO = 'acid.zalan.do/v1';
const PGO = 'postgres-operator.crunchydata.com/v1beta1';
const KUBEDB_OPS = 'ops.kubedb.com/v1alpha1';

const secretRef = (apiVersion: string, kind: string, path: readonly string[], anyNamespace = false): ResourceReference =>
  ({ apiVersion, kind, path, target: 'Secret', ...(anyNamespace ? { anyNamespace } : {}) });

/** Every reference go-to-definition follows (and secretContent.ts reads to learn what a Secret is used for). */
export const RESOURCE_REFERENCES: readonly ResourceReference[] = dedupe([
  // The Secret references the rules check (CPO, Zalando, Percona and PGO TLS Secrets), then the others.
  ...SECRET_REFERENCES.map(r => secretRef(r.apiVersion, r.kind, r.path)),
  secretRef(PERCONA, 'PerconaPGCluster', ['spec', 'imagePullSecrets', '*', 'name']),
  secretRef(CPO, 'postgresql', ['spec', 'tls', 'secretName']),
  secretRef(CPO, 'postgresql', ['spec', 'tls', 'caSecretName']),
  secretRef(CPO, 'postgresql', ['spec', 'patroni', 'multisite', 'etcd', 'certSecretName']),
  secretRef(ZALANDO, 'postgresql', ['spec', 'tls', 'secretName']),
  secretRef(ZALANDO, 'postgresql', ['spec', 'tls', 'caSecretName']),
  secretRef(PGO, 'PostgresCluster', ['spec', 'imagePullSecrets', '*', 'name']),
  secretRef(CM, 'Issuer', ['spec', 'ca', 'secretName']),
  secretRef(CM, 'ClusterIssuer', ['spec', 'ca', 'secretName'], true),
  secretRef(CM, 'Issuer', ['spec', 'acme', 'privateKeySecretRef', 'name']),
  secretRef(CM, 'ClusterIssuer', ['spec', 'acme', 'privateKeySecretRef', 'name'], true),
  secretRef(CM, 'Certificate', ['spec', 'secretName']),
  secretRef(CM, 'Certificate', ['spec', 'keystores', 'jks', 'passwordSecretRef', 'name']),
  secretRef(CM, 'Certificate', ['spec', 'keystores', 'pkcs12', 'passwordSecretRef', 'name']),
  { apiVersion: CM, kind: 'Certificate', path: ['spec', 'issuerRef', 'name'], target: 'issuer' },
  secretRef(KUBEDB, 'Pgpool', ['spec', 'tls', 'certificates', '*', 'secretName']),
  secretRef(KUBEDB, 'Pgpool', ['spec', 'authSecret', 'name']),
  secretRef(KUBEDB, 'Pgpool', ['spec', 'configuration', 'secretName']),
  { apiVersion: KUBEDB, kind: 'Pgpool', path: ['spec', 'tls', 'issuerRef', 'name'], target: 'issuer' },
  { apiVersion: KUBEDB, kind: 'Pgpool', path: ['spec', 'tls', 'certificates', '*', 'issuerRef', 'name'], target: 'issuer' },
  secretRef(KUBEDB_OPS, 'PgpoolOpsRequest', ['spec', 'tls', 'certificates', '*', 'secretName']),
  { apiVersion: KUBEDB_OPS, kind: 'PgpoolOpsRequest', path: ['spec', 'tls', 'issuerRef', 'name'], target: 'issuer' },
  { apiVersion: KUBEDB_OPS, kind: 'PgpoolOpsRequest', path: ['spec', 'tls', 'certificates', '*', 'issuerRef', 'name'], target: 'issuer' },
]);

function dedupe(refs: ResourceReference[]): ResourceReference[] {
  const seen = new Set<string>();
  return refs.filter(r => {
    const k = `${r.apiVersion} ${r.kind} ${r.path.join('.')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
