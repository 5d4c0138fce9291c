/**
 * Percona PerconaPGCluster rules that depend on the operator release a resource declares (`spec.crVersion`):
 * - `percona/postgres-version`: `spec.postgresVersion` outside the PostgreSQL majors of that release (the `minimum` and
 *   `maximum` of `postgresVersion` in its CRDs, PerconaPGCluster and the PostgresCluster the operator creates from it,
 *   which agree in every release), and an image whose PostgreSQL major is not `postgresVersion`.
 * - `percona/shared-root-ca`: before 2.5.0 every cluster of a namespace without `customRootCATLSSecret` signs with the
 *   one root CA Secret `pgo-root-cacert` (K8SPG-555 made it `<cluster>-cluster-ca-cert` from 2.5.0), and the
 *   `percona.com/delete-ssl` finalizer of any cluster deletes `pgo-root-cacert` (2.4.1 and every later release).
 * Facts: percona/percona-postgresql-operator at v2.2.0..v3.0.0 (deploy/crd.yaml, deploy/cr.yaml,
 * percona/controller/pgcluster/controller.go reconcileOldCACert, finalizer.go deleteTLSSecrets,
 * internal/naming/names.go), issues #589 and #654.
 */
import { dataOf } from '../data';
import type { Resource } from '../model';
import { PERCONA_RELEASES } from '../rules';
import { namePlace, type IndexedDocument } from '../workspace';
import type { LiveContext, RuleModule } from './types';
import { get, isObj, isPercona, spanAt, str } from './util';

/** PostgreSQL majors per release: an entry holds from its release up to the next entry (postgresVersion min/max). */
const PG_MAJORS: readonly { from: string; min: number; max: number }[] = [
  { from: '2.2.0', min: 10, max: 15 },
  { from: '2.3.0', min: 12, max: 16 },
  { from: '2.6.0', min: 12, max: 17 },
  { from: '2.8.1', min: 12, max: 18 },
];
/** The newest release whose CRD pgtls has read; a newer crVersion may support more majors: not judged. */
const NEWEST_KNOWN = '3.0.99';
/** The release that made the root CA Secret per cluster. */
const PER_CLUSTER_CA = '2.5.0';
const SHARED_CA = 'pgo-root-cacert';
const DELETE_SSL = 'percona.com/delete-ssl';

/** `x.y.z` as numbers; undefined for anything else. */
function version(v: unknown): number[] | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}
function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
const older = (v: number[], than: string): boolean => compare(v, version(than)!) < 0;

/** The majors the release supports; undefined before 2.2.0 (another apiVersion) or after the newest known release. */
function majorsOf(v: number[]): { min: number; max: number } | undefined {
  if (older(v, PG_MAJORS[0]!.from) || !older(v, NEWEST_KNOWN)) return undefined;
  return [...PG_MAJORS].reverse().find(e => !older(v, e.from));
}

/** The PostgreSQL major an image tag names: Percona's `...-ppg16-postgres` / `...-ppg16.3-postgres` or `percona-distribution-postgresql:17.6-1`. */
export function imageMajor(image: string): number | undefined {
  const m = /-ppg(\d+)(?:\.\d+)*-postgres/.exec(image) ?? /percona-distribution-postgresql:(\d+)(?:[.-]|$)/.exec(image);
  return m ? Number(m[1]) : undefined;
}

const matrix = (): string => PG_MAJORS.map((e, i) => `${e.from}${PG_MAJORS[i + 1] ? '' : ' and later'}: ${e.min}-${e.max}`).join('; ');

export const perconaReleasesModule: RuleModule = {
  name: 'percona-releases',
  appliesTo: isPercona,
  checkDocument(r, ctx) {
    const spec = get(r.data, ['spec']);
    if (!isObj(spec) || typeof spec.postgresVersion !== 'number') return;
    const pg = spec.postgresVersion;
    const v = version(spec.crVersion);
    const majors = v ? majorsOf(v) : undefined;
    if (majors && (pg < majors.min || pg > majors.max)) {
      ctx.report(PERCONA_RELEASES['postgres-version'], spanAt(r, ['spec', 'postgresVersion']),
        `\`postgresVersion: ${pg}\` is not a PostgreSQL major of operator ${str(spec.crVersion)!.trim()} (\`spec.crVersion\`), which runs ${majors.min} to ${majors.max}: with that release's CRDs the API server rejects the PostgresCluster the operator creates ("spec.postgresVersion in body should be ${pg > majors.max ? `less than or equal to ${majors.max}` : `greater than or equal to ${majors.min}`}") and the cluster does not come up. Version matrix (postgresVersion per operator release): ${matrix()}. Use a supported major, or upgrade the operator, its CRDs (Helm does not upgrade CRDs) and \`crVersion\` together.`);
    }
    const image = str(spec.image);
    const imgMajor = image ? imageMajor(image) : undefined;
    if (imgMajor !== undefined && imgMajor !== pg) {
      ctx.report(PERCONA_RELEASES['postgres-version'], spanAt(r, ['spec', 'image']),
        `The image runs PostgreSQL ${imgMajor}, but \`postgresVersion\` is ${pg}: the operator prepares the data directory, configuration and upgrades for ${pg}, so the database does not start (or does not match its data). Use an image of PostgreSQL ${pg}, or set \`postgresVersion: ${imgMajor}\`.`);
    }
  },
  checkLive(r, ctx) {
    checkSharedRootCa(r, ctx);
  },
};

const hasCustomRoot = (data: unknown): boolean => {
  const v = get(data, ['spec', 'secrets', 'customRootCATLSSecret']);
  return v !== undefined && v !== null;
};

/** `percona/shared-root-ca` on the delete-ssl finalizer of `r`, naming the clusters of its namespace that still use `pgo-root-cacert`. */
function checkSharedRootCa(r: Resource, ctx: LiveContext): void {
  const finalizers = get(r.data, ['metadata', 'finalizers']);
  if (!Array.isArray(finalizers) || hasCustomRoot(r.data)) return;
  const at = finalizers.indexOf(DELETE_SSL);
  if (at < 0 || !r.header.name) return;
  const others: { doc: IndexedDocument; crVersion: string }[] = [];
  for (const d of ctx.workspace.documents('PerconaPGCluster')) {
    const h = d.header;
    if (h.apiVersion !== r.kind.apiVersion || h.kind !== r.kind.kind || h.namespace !== r.header.namespace || !h.name || h.name === r.header.name) continue;
    const data = dataOf(d.doc.part).value;
    const cr = get(data, ['spec', 'crVersion']);
    const v = version(cr);
    if (!v || !older(v, PER_CLUSTER_CA) || hasCustomRoot(data)) continue;
    others.push({ doc: d, crVersion: String(cr).trim() });
  }
  if (!others.length) return;
  const names = others.map(o => `\`${o.doc.header.name}\` (crVersion ${o.crVersion})`).join(', ');
  const ns = r.header.namespace ? `namespace \`${r.header.namespace}\`` : 'this namespace';
  ctx.report(PERCONA_RELEASES['shared-root-ca'], spanAt(r, ['metadata', 'finalizers', at]),
    `Before operator ${PER_CLUSTER_CA} the clusters of ${ns} without \`customRootCATLSSecret\` share one root CA, Secret \`${SHARED_CA}\`, and ${names} still ${others.length > 1 ? 'use' : 'uses'} it. When \`${r.header.name}\` is deleted, \`${DELETE_SSL}\` deletes \`${SHARED_CA}\` too: the other cluster's operator then makes a new root CA and reissues its certificates, and clients that verify with the old CA (\`sslmode=verify-ca\`/\`verify-full\`) fail. Remove the finalizer, move the clusters to crVersion ${PER_CLUSTER_CA} or later (each then gets its own \`<cluster>-cluster-ca-cert\`), or give them a \`customRootCATLSSecret\`.`,
    { related: others.map(o => ({ ...namePlace(o.doc), message: `PerconaPGCluster \`${o.doc.header.name}\`` })) });
}
