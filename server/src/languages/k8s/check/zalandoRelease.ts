/**
 * A Zalando `postgresql` (acid.zalan.do/v1) judged against the operator release the workspace installs: the release is
 * read from the image of an operator Deployment in the workspace (Zalando `.../acid/postgres-operator:vX.Y.Z` or
 * `ghcr.io/zalando/postgres-operator:vX.Y.Z`; CYBERTEC `cybertecpostgresql/cybertec-pg-operator:vX.Y.Z`).
 *  - Fields and PostgreSQL versions the installed release's CRD does not have (the schema is the union of the releases;
 *    its `x-pgtls-versions`, written by scripts/gen-k8s-schemas.ts, says which release has what). Without a Zalando
 *    operator in the workspace, a PostgreSQL version only older releases take is a warning, not the schema's error.
 *  - CPO >= 0.7 installed (and no Zalando operator): CPO serves `cpo.opensource.cybertec.at/v1` only, so an
 *    `acid.zalan.do/v1` cluster is never reconciled (CYBERTEC-pg-operator PR #20, "V0.7.0 change api").
 *  - `metadata.name` without the `<teamId>-` prefix: operators up to 1.8 always skip such a cluster, 1.9+ only with
 *    `enable_team_id_clustername_prefix: true` (default off), so it is reported only when the workspace installs an
 *    older operator or sets that option (zalando/postgres-operator v1.8.2 and v1.9.0:
 *    pkg/apis/acid.zalan.do/v1/marshal.go, util.go ExtractClusterName, pkg/controller/postgresql.go).
 * Every finding is a warning: the release is inferred from an image, and the CRD in the cluster may be older (Helm
 * never upgrades the CRDs of a chart's crds/ folder).
 */
import { builtinSchema } from '../catalogue';
import { dataOf } from '../data';
import { ZALANDO } from '../rules';
import type { WorkspaceResources } from '../workspace';
import type { Resource } from '../model';
import { expandReleases, instances, type ReleaseVersions } from './crVersion';
import type { LiveContext, RuleModule } from './types';
import { get, isObj, isZalando, spanAt, str } from './util';

export interface InstalledOperator {
  product: 'zalando' | 'cpo';
  /** `1.7.1` (no `v`, no build suffix). */
  release: string;
  image: string;
  path: string;
}

const IMAGES: readonly [InstalledOperator['product'], RegExp][] = [
  ['zalando', /(?:zalan\.do\/acid|ghcr\.io\/zalando)\/postgres-operator:v?(\d+\.\d+\.\d+)/],
  ['cpo', /cybertec-pg-operator:v?(\d+\.\d+\.\d+)/],
];
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod']);

/** `a` vs `b` as dotted numbers: negative, 0, positive. */
export function compareRelease(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

const memo = new WeakMap<WorkspaceResources, InstalledOperator[]>();

/** The Spilo-based operators the workspace's workloads run (once per validation run). */
export function installedOperators(ws: WorkspaceResources): InstalledOperator[] {
  const hit = memo.get(ws);
  if (hit) return hit;
  const out: InstalledOperator[] = [];
  for (const d of ws.documents('-operator')) {
    if (!WORKLOADS.has(d.header.kind ?? '')) continue;
    const data = dataOf(d.doc.part).value;
    const pod = d.header.kind === 'Pod' ? get(data, ['spec']) : get(data, ['spec', 'template', 'spec']);
    const containers = [...asList(get(pod, ['containers'])), ...asList(get(pod, ['initContainers']))];
    for (const c of containers) {
      const image = str(get(c, ['image']));
      if (!image) continue;
      for (const [product, re] of IMAGES) {
        const m = re.exec(image);
        if (m) out.push({ product, release: m[1]!, image, path: d.path });
      }
    }
  }
  memo.set(ws, out);
  return out;
}

const asList = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const minor = (v: string): string => v.split('.').slice(0, 2).join('.');
const base = (p: string): string => p.replace(/^.*[\\/]/, '');

/** CPO-1: an acid.zalan.do/v1 cluster where the workspace installs CPO 0.7 or newer (and no Zalando operator). */
function checkCpoInstalled(r: Resource, ctx: LiveContext, ops: InstalledOperator[]): boolean {
  const cpo = ops.find(o => o.product === 'cpo' && compareRelease(o.release, '0.7.0') >= 0);
  if (!cpo || ops.some(o => o.product === 'zalando')) return false;
  const span = spanAt(r, ['apiVersion']);
  ctx.report(ZALANDO['cpo-installed'], span,
    `The workspace installs CYBERTEC CPO ${cpo.release} (\`${cpo.image}\` in ${base(cpo.path)}), which serves \`cpo.opensource.cybertec.at/v1\` \`postgresql\` since 0.7.0: \`acid.zalan.do/v1\` is not served there ("no matches for kind"), or, with a leftover Zalando CRD, accepted and never reconciled. Change \`apiVersion\` to \`cpo.opensource.cybertec.at/v1\`.`,
    { fixes: [{ title: 'Use cpo.opensource.cybertec.at/v1', edits: [{ span, newText: 'cpo.opensource.cybertec.at/v1' }], preferred: true, changesBehaviour: true }] });
  return true;
}

/** Z-17 and Z-9: fields and enum values of other releases. */
function checkRelease(r: Resource, ctx: LiveContext, ops: InstalledOperator[]): void {
  const versions = builtinSchema(ctx.env, 'zalando-postgresql.json')?.['x-pgtls-versions'] as ReleaseVersions | undefined;
  if (!versions?.releases?.length) return;
  const op = ops.find(o => o.product === 'zalando');
  const newest = versions.releases[versions.releases.length - 1]!;
  // A release pgtls has no CRD of (older than the first, or newer than the last) is not judged.
  const release = op ? versions.releases.find(v => minor(v) === minor(op.release)) : undefined;
  if (op && !release) return;
  const basis = op ? `operator ${op.release}, \`${op.image}\` in ${base(op.path)}` : undefined;
  if (release && basis) {
    for (const [p, entry] of Object.entries(versions.fields)) {
      const has = expandReleases(entry, versions.releases);
      if (has.includes(release)) continue;
      const when = compareRelease(has[0]!, release) > 0 ? `it came with ${minor(has[0]!)}` : `it was removed after ${has[has.length - 1]}`;
      for (const path of instances(r.data, p.split('.'))) {
        ctx.report(ZALANDO['installed-release'], spanAt(r, path, 'key'),
          `\`${path.join('.')}\` is not a field of the postgresql CRD of the operator this workspace installs (${basis}): ${when}. The API server rejects it ("unknown field"). Upgrade the operator and its CRD, or remove the field.`);
      }
    }
  }
  for (const [p, byRelease] of Object.entries(versions.enums ?? {})) {
    for (const path of instances(r.data, p.split('.'))) {
      const value = get(r.data, path);
      if (typeof value !== 'string') continue;
      const takers = versions.releases.filter(v => byRelease[v]?.includes(value));
      if (!takers.length) continue; // the schema's enum error says it
      const range = takers.length > 1 ? `${takers[0]} to ${takers[takers.length - 1]}` : takers[0]!;
      if (release && basis && !byRelease[release]?.includes(value)) {
        ctx.report(ZALANDO['installed-release'], spanAt(r, path),
          `\`${value}\` is not an allowed value of \`${path.join('.')}\` in the CRD of the operator this workspace installs (${basis}), which takes ${listOf(byRelease[release])}; operator ${range} take${takers.length > 1 ? '' : 's'} it. The API server rejects the object.`);
      } else if (!op && !byRelease[newest]?.includes(value)) {
        ctx.report(ZALANDO['installed-release'], spanAt(r, path),
          `\`${value}\` is taken by the postgresql CRD of Zalando operator ${range} only: the newest release pgtls knows (${newest}) rejects it (allowed there: ${listOf(byRelease[newest])}). No operator Deployment in the workspace says which release runs: fine with an older operator, but upgrade PostgreSQL before the operator and its CRD.`);
      }
    }
  }
}

const listOf = (l: unknown[] | undefined): string => (l ?? []).map(v => `"${String(v)}"`).join(', ');

/** Whether an operator ConfigMap or OperatorConfiguration of the workspace sets enable_team_id_clustername_prefix. */
function prefixEnforcedByConfig(ws: WorkspaceResources): boolean {
  return ws.documents('enable_team_id_clustername_prefix').some(d => {
    const data = dataOf(d.doc.part).value;
    const v = d.header.kind === 'ConfigMap' ? get(data, ['data', 'enable_team_id_clustername_prefix'])
      : d.header.kind === 'OperatorConfiguration' ? get(data, ['configuration', 'enable_team_id_clustername_prefix']) : undefined;
    return v === true || v === 'true';
  });
}

/** Z-15: a name without the `<teamId>-` prefix where the operator requires it (or may). */
function checkTeamPrefix(r: Resource, ctx: LiveContext, ops: InstalledOperator[]): void {
  const team = str(get(r.data, ['spec', 'teamId']));
  const name = r.header.name;
  if (!team || !name || !isObj(get(r.data, ['metadata']))) return;
  if (name.length >= team.length + 2 && name.toLowerCase().startsWith(`${team.toLowerCase()}-`)) return;
  const op = ops.find(o => o.product === 'zalando');
  const byConfig = prefixEnforcedByConfig(ctx.workspace);
  // 1.9+ requires it only with the option (default off): without a sign of either, a name without the prefix is normal.
  const old = op && compareRelease(op.release, '1.9.0') < 0;
  if (!old && !byConfig) return;
  const why = byConfig ? 'the operator configuration in this workspace sets `enable_team_id_clustername_prefix: true`'
    : `the workspace installs operator ${op!.release} (\`${op!.image}\` in ${base(op!.path)}), and releases up to 1.8 always require it`;
  ctx.report(ZALANDO['team-prefix'], spanAt(r, ['metadata', 'name']),
    `\`${name}\` does not start with the team id \`${team}-\`: ${why}. The operator then skips the cluster ("name must match {TEAM}-{NAME} format"), and nothing is created. Rename it to \`${team}-${name}\` (or set \`teamId\` to the name's prefix).`);
}

export const zalandoReleaseModule: RuleModule = {
  name: 'zalando-release',
  appliesTo: isZalando,
  checkLive(r, ctx) {
    const ops = installedOperators(ctx.workspace);
    if (checkCpoInstalled(r, ctx, ops)) return;
    checkRelease(r, ctx, ops);
    checkTeamPrefix(r, ctx, ops);
  },
};
