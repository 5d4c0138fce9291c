/**
 * The TLS rules that Crunchy Data PGO v5 and its fork, Percona's v2 operator, share: both project custom TLS Secrets
 * (`customTLSSecret`, `customReplicationTLSSecret`) into the pods as Kubernetes Secret projections, want them set
 * together with one CA, and refuse `ssl`/`ssl_*` in `spec.config.parameters` through the CRD's CEL rule. The two
 * differ in where the projections live (`spec.secrets.*` in Percona, `spec.*` in PGO), in what an empty name does and
 * in Percona's extra `customRootCATLSSecret`: each module (percona.ts, pgo.ts) passes its own rule table, paths and
 * words. Facts: operators.md §2.2; CrunchyData/postgres-operator@v5.8.9 (postgresclusters CRD, internal/controller/
 * postgrescluster/pki.go, patroni.go).
 */
import type { RuleMeta } from '../../../core/types';
import type { Resource } from '../model';
import type { DocumentContext } from './types';
import { addPairFix, get, spanAt, str } from './util';

/** `items[]` of a projection as `{ key, path }` (entries that are not objects are skipped, keeping their index). */
export function itemsOf(p: unknown): { key: string | undefined; path: string | undefined; index: number }[] {
  const items = get(p, ['items']);
  if (!Array.isArray(items)) return [];
  return items.map((it, index) => ({ key: str(get(it, ['key'])), path: str(get(it, ['path'])), index }));
}

/** One custom TLS projection field of a resource. */
export interface ProjectionSite {
  /** The field's name, e.g. `customTLSSecret`. */
  field: string;
  /** Data path of the projection object. */
  path: readonly (string | number)[];
  /** The files the operator needs from it. */
  required: readonly string[];
  /** Whether the pods mount it (the root CA of Percona is read by the operator only: no `items` rule). */
  mounted: boolean;
}

/** R2 and R4b: a projection without a Secret name, and `items` that leave out a needed file. */
export function checkProjection(r: Resource, ctx: DocumentContext, site: ProjectionSite, p: unknown,
  rules: { 'secret-name': RuleMeta; 'items-path': RuleMeta }, emptyName: string): void {
  const name = get(p, ['name']);
  if (name === undefined || name === null || name === '') {
    ctx.report(rules['secret-name'], name === '' ? spanAt(r, [...site.path, 'name']) : spanAt(r, site.path, 'key'),
      `\`${site.field}\` has no Secret name: ${emptyName}. Set \`name\` to the Secret holding ${site.required.join(', ')}, or remove \`${site.field}\`.`);
  }
  const items = itemsOf(p);
  // Items the schema already rejects (no key or path) make this check moot.
  if (!site.mounted || items.length === 0 || !items.every(i => i.key !== undefined && i.path !== undefined)) return;
  const paths = new Set(items.map(i => i.path));
  const lacking = site.required.filter(x => !paths.has(x));
  if (!lacking.length) return;
  ctx.report(rules['items-path'], spanAt(r, [...site.path, 'items'], 'key'),
    `These \`items\` do not project ${lacking.map(x => `\`${x}\``).join(', ')}: Kubernetes mounts only the listed keys, so PostgreSQL finds ${lacking.length > 1 ? 'these files' : 'this file'} missing in the pod (the operator's own check accepts a Secret data key that is not listed). Add items with \`path:\` ${lacking.map(x => `\`${x}\``).join(', ')}, or drop \`items\` to mount every key.`);
}

/** R1: one of the twin Secrets without the other. `base` is the data path that holds both fields. */
export function reportTwins(r: Resource, ctx: DocumentContext, rule: RuleMeta, base: readonly string[],
  present: 'customTLSSecret' | 'customReplicationTLSSecret', from: string): void {
  const missing = present === 'customTLSSecret' ? 'customReplicationTLSSecret' : 'customTLSSecret';
  const what = missing === 'customTLSSecret' ? 'server' : 'replication';
  const twin = `${r.header.name ?? 'cluster'}-${what}-tls`;
  const fix = addPairFix(r, base, `${missing}: { name: ${twin} }`, `Add ${missing} (Secret ${twin})`);
  ctx.report(rule, spanAt(r, [...base, present], 'key'),
    `\`${present}\` is set without \`${missing}\`: the operator generates the ${what} certificate ${from}. Set \`${missing}\` too, signed by the same CA (same \`ca.crt\`), as the CRD describes.`,
    fix ? { fixes: [fix] } : undefined);
}

const ALLOWED_SSL = new Set(['ssl_groups', 'ssl_ecdh_curve']);

/** R8: the CRD's CEL rule "TLS is always enabled" on `spec.config.parameters`. */
export function checkSslParameters(r: Resource, ctx: DocumentContext, rule: RuleMeta, operator: string): void {
  const params = get(r.data, ['spec', 'config', 'parameters']);
  if (!params || typeof params !== 'object' || Array.isArray(params)) return;
  for (const k of Object.keys(params)) {
    if (k === 'ssl' || (k.startsWith('ssl_') && !ALLOWED_SSL.has(k))) {
      ctx.report(rule, spanAt(r, ['spec', 'config', 'parameters', k], 'key'),
        `\`${k}\` cannot be set here: the CRD's validation rule rejects it ("TLS is always enabled"), since ${operator} configures TLS itself (only \`ssl_groups\` and \`ssl_ecdh_curve\` are allowed). Remove it; use \`customTLSSecret\` for your own certificates.`);
    }
  }
}
