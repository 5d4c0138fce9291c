/**
 * Percona PerconaPGCluster v1 (pg.percona.com/v1, operator 1.x, built on Crunchy PGO v4): `percona/v1-tls-off`.
 * The v1 operator copies `spec.sslCA` and `spec.sslSecretName` into the Pgcluster it manages and gives PgBouncer the
 * Secret of `sslSecretName` (`spec.pgBouncer.tlsSecret` is overwritten); PostgreSQL and PgBouncer get TLS only when both
 * are set (PgBouncer: `isPgBouncerTLSEnabled`). So `pgBouncer.tlsSecret` without them leaves
 * PgBouncer without TLS. Facts: percona/percona-postgresql-operator@v1.0.0..v1.6.0
 * (percona/controllers/pgcluster/pgcluster.go, internal/operator/cluster/pgbouncer.go, pkg/apis/crunchydata.com/v1/
 * cluster.go IsTLSEnabled, percona-cluster.go), PR #233 (K8SPG-195).
 */
import type { Resource } from '../model';
import { PERCONA_V1 } from '../rules';
import type { RuleModule } from './types';
import { get, isObj, spanAt, str } from './util';

export const isPerconaV1 = (r: Resource): boolean => r.kind.apiVersion === 'pg.percona.com/v1' && r.kind.kind === 'PerconaPGCluster';

export const perconaV1Module: RuleModule = {
  name: 'percona-v1',
  appliesTo: isPerconaV1,
  checkDocument(r, ctx) {
    const spec = get(r.data, ['spec']);
    if (!isObj(spec)) return;
    const missing = ['sslCA', 'sslSecretName'].filter(f => !str(spec[f])?.trim());
    if (!missing.length) return;
    const lack = missing.map(f => `\`spec.${f}\``).join(' and ');
    const set = `set ${lack} (from operator 1.2.0 it creates the Secrets when they do not exist)`;
    const bouncer = str(get(spec, ['pgBouncer', 'tlsSecret']))?.trim();
    if (bouncer) {
      ctx.report(PERCONA_V1['v1-tls-off'], spanAt(r, ['spec', 'pgBouncer', 'tlsSecret']),
        `PgBouncer runs without TLS: the v1 operator turns TLS on for PostgreSQL and PgBouncer only when \`spec.sslCA\` and \`spec.sslSecretName\` are both set, and gives PgBouncer the Secret of \`sslSecretName\`, never \`pgBouncer.tlsSecret\`; here ${lack} ${missing.length > 1 ? 'are' : 'is'} not set. To have TLS, ${set}; on a running cluster, then scale PgBouncer (\`pgBouncer.size\`) to 0 and back.`);
    }
  },
};
