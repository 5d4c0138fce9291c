/**
 * Which YAML documents are ours (C7): a document is validated only when its `apiVersion` + `kind` is one of the
 * resources below, or a kind that a CustomResourceDefinition of the workspace defines (see crd.ts). Everything else is
 * left to the other YAML tools, silently.
 */

/** A kind of resource pgtls validates with a schema of its own (`schemas/k8s/<schema>`). */
export interface Target {
  apiVersion: string;
  kind: string;
  /** Groups the rule modules and names the product in messages. */
  operator: 'kubedb' | 'percona' | 'cpo' | 'cert-manager' | 'core' | 'zalando' | 'pgo' | 'pgo4';
  /** Human name used in messages, e.g. `KubeDB Pgpool`. */
  title: string;
  /** File under `schemas/k8s/` (also the key of the precompiled validator). */
  schema: string;
  /** Cluster-scoped kinds have no namespace. */
  clusterScoped?: boolean;
}

const T = (apiVersion: string, kind: string, operator: Target['operator'], title: string, schema: string, clusterScoped = false): Target =>
  ({ apiVersion, kind, operator, title, schema, ...(clusterScoped ? { clusterScoped } : {}) });

export const TARGETS: readonly Target[] = [
  T('kubedb.com/v1alpha2', 'Pgpool', 'kubedb', 'KubeDB Pgpool', 'kubedb-pgpool.json'),
  T('ops.kubedb.com/v1alpha1', 'PgpoolOpsRequest', 'kubedb', 'KubeDB PgpoolOpsRequest', 'kubedb-pgpoolopsrequest.json'),
  T('pgv2.percona.com/v2', 'PerconaPGCluster', 'percona', 'Percona PerconaPGCluster', 'percona-perconapgcluster.json'),
  T('cpo.opensource.cybertec.at/v1', 'postgresql', 'cpo', 'CYBERTEC postgresql', 'cpo-postgresql.json'),
  T('cert-manager.io/v1', 'Issuer', 'cert-manager', 'cert-manager Issuer', 'cert-manager-issuer.json'),
  T('cert-manager.io/v1', 'ClusterIssuer', 'cert-manager', 'cert-manager ClusterIssuer', 'cert-manager-issuer.json', true),
  T('cert-manager.io/v1', 'Certificate', 'cert-manager', 'cert-manager Certificate', 'cert-manager-certificate.json'),
  T('v1', 'Secret', 'core', 'Secret', 'secret.json'),
  T('acid.zalan.do/v1', 'postgresql', 'zalando', 'Zalando postgresql', 'zalando-postgresql.json'),
  T('postgres-operator.crunchydata.com/v1beta1', 'PostgresCluster', 'pgo', 'Crunchy PGO PostgresCluster', 'pgo-postgrescluster.json'),
  T('kubedb.com/v1', 'Postgres', 'kubedb', 'KubeDB Postgres', 'kubedb-postgres.json'),
  // No longer served (KubeDB v0.14): recognised only to say so (kubedbPostgres.ts).
  T('kubedb.com/v1alpha1', 'Postgres', 'kubedb', 'KubeDB Postgres (v1alpha1)', 'kubedb-postgres-v1alpha1.json'),
  // Minimal (an open object): only for kubedb/verify-full-host on its clientConfig.
  T('appcatalog.appscode.com/v1alpha1', 'AppBinding', 'kubedb', 'AppBinding', 'kubedb-appbinding.json'),
  T('pg.percona.com/v1', 'PerconaPGCluster', 'percona', 'Percona PerconaPGCluster v1', 'percona-v1-perconapgcluster.json'),
  // PGO 4.x (end of life, still deployed): a lax schema of our own, strict only on spec.tls (check/pgo4.ts).
  T('crunchydata.com/v1', 'Pgcluster', 'pgo4', 'Crunchy PGO v4 Pgcluster', 'pgo4-pgcluster.json'),
];

const BY_GVK = new Map(TARGETS.map(t => [`${t.apiVersion} ${t.kind}`, t]));

/** The built-in target of an `apiVersion` + `kind` (exact spelling: the API server is case-sensitive). */
export function builtinTarget(apiVersion: string | undefined, kind: string | undefined): Target | undefined {
  return apiVersion && kind ? BY_GVK.get(`${apiVersion} ${kind}`) : undefined;
}

/** The schema files of the built-in targets, each once (the precompile script generates one validator per file). */
export const SCHEMA_FILES: readonly string[] = [...new Set(TARGETS.map(t => t.schema))].sort();

/**
 * True for an apiVersion whose group a CustomResourceDefinition may define: custom groups always contain a dot, the
 * built-in ones (`v1`, `apps/v1`, `batch/v1`, ...) never do, except the `*.k8s.io` groups which CRDs may not use.
 */
export function isCustomGroup(apiVersion: string | undefined): boolean {
  if (!apiVersion || !apiVersion.includes('/')) return false;
  const group = apiVersion.slice(0, apiVersion.indexOf('/'));
  return group.includes('.') && !group.endsWith('.k8s.io') && group !== 'k8s.io';
}

/** cert-manager's kinds whose retired or misspelt apiVersion `retiredApiVersion` recognises. */
const CERT_MANAGER_KINDS = new Set(['Certificate', 'Issuer', 'ClusterIssuer', 'CertificateRequest']);
/** The cert-manager.io versions cert-manager no longer serves (1.6) and removed (1.7). */
const REMOVED_CM_VERSIONS = new Set(['v1alpha2', 'v1alpha3', 'v1beta1']);

/**
 * Why a cert-manager kind's apiVersion is one no cert-manager release since 1.7 serves, or undefined: a removed version
 * of `cert-manager.io`, the pre-0.11 group `certmanager.k8s.io`, or a misspelling of the group (hyphens dropped or
 * added: `certmanager.io`, `cert-manager.k8s.io`). Such documents are not ours (no schema, no rules); check/index.ts
 * gives them one finding on the apiVersion line, unless a CRD of the workspace defines the kind there.
 */
export function retiredApiVersion(apiVersion: string | undefined, kind: string | undefined): string | undefined {
  if (!apiVersion || !kind || !CERT_MANAGER_KINDS.has(kind) || !apiVersion.includes('/')) return undefined;
  const [group = '', version = ''] = apiVersion.split('/', 2);
  if (group === 'cert-manager.io') {
    if (version === 'v1') return undefined;
    return REMOVED_CM_VERSIONS.has(version)
      ? `cert-manager.io/${version} is no longer served since cert-manager 1.6 and was removed in 1.7`
      : `cert-manager.io serves only v1, not ${version}`;
  }
  const bare = group.replace(/-/g, '');
  if (group === 'certmanager.k8s.io') return 'certmanager.k8s.io is the API group of cert-manager before 0.11; it was renamed to cert-manager.io';
  if (bare === 'certmanager.io' || bare === 'certmanager.k8s.io') return `${group} is not cert-manager's API group (cert-manager.io)`;
  return undefined;
}
