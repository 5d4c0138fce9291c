/**
 * Crunchy Data PGO v5 `PostgresCluster` (postgres-operator.crunchydata.com/v1beta1), the upstream of Percona's v2
 * operator, document-local TLS rules shared with Percona (crunchy.ts): `customTLSSecret` and
 * `customReplicationTLSSecret` set together (R1), a projection without a name (R2), `items` that leave out a file
 * (R4b), and `ssl`/`ssl_*` in `spec.config.parameters` (R8).
 * Differences from Percona (documented, not rules): PGO has no `customRootCATLSSecret` (its root CA is always its
 * own `pgo-root-cacert`), so every custom Secret needs `ca.crt`; no `tlsOnly`; no cert-manager integration in v5, so
 * no validity durations; an empty Secret name is not caught by the operator's own validation but fails where the pods
 * mount it. Facts: CrunchyData/postgres-operator@v5.8.9 (postgresclusters CRD, internal/controller/postgrescluster/pki.go,
 * patroni.go, internal/pgbouncer/reconcile.go).
 */
import { PGO } from '../rules';
import { checkProjection, checkSslParameters, reportTwins, type ProjectionSite } from './crunchy';
import type { RuleModule } from './types';
import { get, isObj, isPgo } from './util';

/** The files every PGO projection must provide (the CRD descriptions). */
export const PGO_FILES = ['tls.crt', 'tls.key', 'ca.crt'] as const;

/** The custom TLS projections of a PostgresCluster and their data paths. */
export const PGO_PROJECTIONS: readonly ProjectionSite[] = [
  { field: 'customTLSSecret', path: ['spec', 'customTLSSecret'], required: PGO_FILES, mounted: true },
  { field: 'customReplicationTLSSecret', path: ['spec', 'customReplicationTLSSecret'], required: PGO_FILES, mounted: true },
  { field: 'customTLSSecret', path: ['spec', 'proxy', 'pgBouncer', 'customTLSSecret'], required: PGO_FILES, mounted: true },
];

const EMPTY_NAME = 'PGO cannot read the Secret, and the pods get a projected Secret without a name, which Kubernetes rejects, so they are not created';

export const pgoModule: RuleModule = {
  name: 'pgo',
  appliesTo: isPgo,
  checkDocument(r, ctx) {
    const spec = get(r.data, ['spec']);
    if (!isObj(spec)) return;
    const has = (f: string) => spec[f] !== undefined && spec[f] !== null;
    if (has('customTLSSecret') !== has('customReplicationTLSSecret')) {
      reportTwins(r, ctx, PGO['twin-secrets'], ['spec'], has('customTLSSecret') ? 'customTLSSecret' : 'customReplicationTLSSecret',
        'from its own root CA (Secret `pgo-root-cacert`), so the two certificates have different CAs and replication fails');
    }
    for (const site of PGO_PROJECTIONS) {
      const p = get(r.data, site.path);
      if (p === undefined || p === null) continue;
      checkProjection(r, ctx, site, p, PGO, EMPTY_NAME);
    }
    // A CustomResourceDefinition of the workspace for this kind brings its own CEL rules (schema/cel-rule).
    if (r.kind.title === r.doc.part.target?.title) checkSslParameters(r, ctx, PGO['ssl-parameter'], 'PGO');
  },
};
