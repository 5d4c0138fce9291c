/**
 * Compares our Kubernetes JSON Schemas (schemas/k8s) with the upstream CRDs in ../shared/reference/crds, so that the
 * two cannot drift apart silently. The schemas are written by us; the CRDs are read only for facts (field names,
 * types, enums, required lists, defaults, bounds). test/unit/k8sSchemas.test.ts runs this; by hand:
 *
 *   node --import tsx scripts/k8s-schema-drift.ts [crd-folder]
 *
 * prints every difference and, per TLS-relevant subtree, the upstream fields we lack; exit code 1 on a difference.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { expandReleases, type ReleaseVersions } from '../server/src/languages/k8s/check/crVersion';

/** The Kubernetes structural-schema keywords: annotations for ajv, declared as a vocabulary. */
export const K8S_KEYWORDS = [
  'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations',
] as const;

/**
 * Our own annotations. `x-pgtls-upstream` (root): which CRD and release the facts come from.
 * `x-pgtls-runtime-default`: a default applied by a webhook, operator or controller, not by the API server, so a
 * validator must not apply it (hover shows it). `x-pgtls-since`: the product version where a field or behaviour changed.
 */
export const PGTLS_KEYWORDS = ['x-pgtls-upstream', 'x-pgtls-runtime-default', 'x-pgtls-since', 'x-pgtls-versions', 'x-pgtls-structural'] as const;

export const ROOT = path.resolve(__dirname, '..');
export const SCHEMA_DIR = path.join(ROOT, 'schemas', 'k8s');
export const CRD_DIR = path.resolve(ROOT, '..', 'shared', 'reference', 'crds');

export type Schema = { [k: string]: unknown };

/**
 * How much of a subtree must match. `strict`: every upstream field present, ours closed, enums/required/defaults equal.
 * Everything else in the schema is compared leniently (ours may omit fields, enums and required entries, but may never
 * add a field, a bound or a default that upstream lacks, and a closed object of ours must list every upstream field).
 */
export interface Target {
  schema: string;
  /** CRD files (several when one schema serves several kinds, e.g. Issuer and ClusterIssuer). */
  crds: string[];
  /** TLS-relevant subtrees, dotted paths in the instance (`[]` = array items). */
  strict: string[];
  /** Upstream CEL rules our descriptions rely on: path → substring the rule must contain. */
  cel?: Record<string, string>;
}

export const TARGETS: Target[] = [
  {
    schema: 'kubedb-pgpool.json',
    crds: ['kubedb.com_pgpools.yaml'],
    strict: ['metadata.name', 'spec.tls', 'spec.sslMode', 'spec.clientAuthMode', 'spec.postgresRef', 'spec.authSecret', 'spec.configuration'],
  },
  {
    schema: 'kubedb-pgpoolopsrequest.json',
    crds: ['ops.kubedb.com_pgpoolopsrequests.yaml'],
    strict: ['spec.type', 'spec.databaseRef', 'spec.tls', 'spec.apply'],
  },
  {
    schema: 'percona-perconapgcluster.json',
    crds: ['pgv2.percona.com_perconapgclusters.yaml'],
    strict: ['spec.secrets', 'spec.tls', 'spec.tlsOnly', 'spec.authentication', 'spec.proxy.pgBouncer.customTLSSecret',
      'spec.port', 'spec.clusterServiceDNSSuffix', 'spec.config.parameters', 'spec.postgresVersion'],
    cel: { 'spec.config.parameters': 'ssl_' },
  },
  {
    schema: 'cpo-postgresql.json',
    crds: ['cpo.opensource.cybertec.at_postgresqls.yaml'],
    strict: ['apiVersion', 'kind', 'spec.tls', 'spec.connectionPooler', 'spec.enableConnectionPooler',
      'spec.enableReplicaConnectionPooler', 'spec.spiloFSGroup', 'spec.patroni.multisite.etcd', 'spec.patroni.pg_hba',
      'spec.postgresql.version'],
  },
  {
    schema: 'cert-manager-issuer.json',
    crds: ['cert-manager.io_issuers.yaml', 'cert-manager.io_clusterissuers.yaml'],
    strict: ['spec.ca', 'spec.selfSigned'],
  },
  {
    schema: 'cert-manager-certificate.json',
    crds: ['cert-manager.io_certificates.yaml'],
    strict: ['spec'],
  },
];

export interface Drift {
  /** Differences that make our schema wrong (a test failure). */
  problems: string[];
  /** Per strict subtree: upstream fields we do not have (must be empty). */
  missing: Record<string, string[]>;
  /** Strict subtrees compared, with the number of fields in each. */
  covered: Record<string, number>;
  /** Fields only older releases have (from our `x-pgtls-versions`), allowed beside the pinned CRD's. */
  olderOnly?: Set<string>;
}

export const loadSchema = (file: string): Schema => JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Schema;

/** The served version's openAPIV3Schema of a CRD file, plus its names. */
export function loadCrd(file: string, crdDir = CRD_DIR): { schema: Schema; kind: string; group: string; version: string } {
  const crd = parse(fs.readFileSync(path.join(crdDir, file), 'utf8')) as {
    spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[] };
  };
  const served = crd.spec.versions.filter(v => v.served);
  if (served.length !== 1) throw new Error(`${file}: expected one served version, found ${served.map(v => v.name).join(', ')}`);
  return { schema: served[0]!.schema.openAPIV3Schema, kind: crd.spec.names.kind, group: crd.spec.group, version: served[0]!.name };
}

const obj = (x: unknown): Schema | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Schema) : undefined);
const props = (s: Schema): Schema => obj(s.properties) ?? {};
const names = (s: Schema): string[] => Object.keys(props(s)).sort();
const sorted = (x: unknown): unknown[] | undefined => (Array.isArray(x) ? [...x].map(v => JSON.stringify(v)).sort() : undefined);

/** Follows a dotted instance path (`[]` for array items) through a schema. */
export function at(s: Schema | undefined, dotted: string): Schema | undefined {
  let cur = s;
  for (const seg of dotted.split('.').filter(Boolean)) {
    if (!cur) return undefined;
    cur = seg === '[]' ? obj(cur.items) : obj(props(cur)[seg]);
  }
  return cur;
}

/**
 * A CRD pattern (Go RE2) as a JavaScript `u`-mode pattern: RE2 accepts escaped punctuation such as `\ ` that `u` mode
 * refuses; undefined when it still does not compile.
 */
export function jsPattern(p: unknown): string | undefined {
  if (typeof p !== 'string') return undefined;
  const js = p.replace(/\\([^A-Za-z0-9\\^$.*+?()[\]{}|/-])/g, '$1');
  try {
    new RegExp(js, 'u');
    return js;
  } catch {
    return undefined;
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern',
  'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const;
const K8S_ANNOTATIONS = ['x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-int-or-string'] as const;

/** Compares one node of our schema with the upstream node at the same path, then its children. */
function compareNode(ours: Schema, up: Schema, p: string, strict: boolean, strictPaths: Set<string>, out: Drift): void {
  const here = p || '(root)';
  const bad = (msg: string) => out.problems.push(`${here}: ${msg}`);

  // Type. int-or-string is anyOf [integer, string] on both sides.
  if ((ours['x-kubernetes-int-or-string'] ?? false) !== (up['x-kubernetes-int-or-string'] ?? false)) bad('x-kubernetes-int-or-string differs');
  else if (up.type !== undefined && ours.type !== up.type) bad(`type ${JSON.stringify(ours.type)} ≠ upstream ${JSON.stringify(up.type)}`);
  if ((ours.nullable ?? false) !== (up.nullable ?? false)) bad(`nullable ${String(ours.nullable ?? false)} ≠ upstream ${String(up.nullable ?? false)}`);

  // Enums: equal in strict subtrees; elsewhere ours may leave an enum out but never change one.
  // At the root, apiVersion and kind may be pinned (const / enum) where upstream only says "string": detection by
  // apiVersion + kind picks the schema, so the pin never rejects a resource the API server would accept.
  const pinnable = (p === 'apiVersion' || p === 'kind') && up.enum === undefined;
  if (!pinnable && (ours.enum !== undefined || (strict && up.enum !== undefined))) {
    if (!isDeepStrictEqual(sorted(ours.enum), sorted(up.enum))) bad(`enum ${JSON.stringify(ours.enum)} ≠ upstream ${JSON.stringify(up.enum)}`);
  }
  // Defaults: the validator applies ours like the API server applies upstream's, so they must always agree.
  if (!isDeepStrictEqual(ours.default, up.default)) bad(`default ${JSON.stringify(ours.default)} ≠ upstream ${JSON.stringify(up.default)}`);
  // Bounds and patterns: never stricter than upstream (int32 range is implied by format: int32).
  for (const k of BOUNDS) {
    if (ours[k] === undefined && !(strict && up[k] !== undefined)) continue;
    const implied = (k === 'minimum' && ours[k] === INT32_MIN || k === 'maximum' && ours[k] === INT32_MAX) && up.format === 'int32' && up[k] === undefined;
    if (!implied && !isDeepStrictEqual(ours[k], k === 'pattern' ? jsPattern(up[k]) : up[k])) bad(`${k} ${JSON.stringify(ours[k])} ≠ upstream ${JSON.stringify(up[k])}`);
  }
  for (const k of K8S_ANNOTATIONS) {
    if (k === 'x-kubernetes-int-or-string') continue;
    if ((ours[k] !== undefined || strict) && !isDeepStrictEqual(ours[k], up[k])) bad(`${k} ${JSON.stringify(ours[k])} ≠ upstream ${JSON.stringify(up[k])}`);
  }
  if (ours['x-kubernetes-preserve-unknown-fields'] && !up['x-kubernetes-preserve-unknown-fields']) bad('x-kubernetes-preserve-unknown-fields is not upstream');

  // Fields.
  const ourNames = names(ours);
  const upNames = names(up);
  const closed = ours.additionalProperties === false;
  // A field of an older operator release only (x-pgtls-versions) is in our union schema, not in the pinned CRD.
  const extra = ourNames.filter(n => !upNames.includes(n) && !out.olderOnly?.has(p ? `${p}.${n}` : n));
  if (extra.length && !(p === '' && extra.every(n => n === 'metadata'))) bad(`fields not upstream: ${extra.join(', ')}`);
  const lacking = upNames.filter(n => !ourNames.includes(n));
  if (strict && upNames.length) {
    out.missing[here] = lacking;
    if (!closed && !up['x-kubernetes-preserve-unknown-fields']) bad('strict subtree is not closed (additionalProperties: false)');
  }
  if (lacking.length && (strict || closed)) bad(`upstream fields missing from ${closed ? 'a closed' : 'a strict'} object: ${lacking.join(', ')}`);
  if (closed && up.additionalProperties !== undefined) bad('closed here, but upstream is a map');

  // Required: exact in strict and closed objects and at the root; elsewhere ours may only drop entries.
  const ourReq = (ours.required as string[] | undefined) ?? [];
  const upReq = (up.required as string[] | undefined) ?? [];
  if (strict || closed || p === '') {
    if (!isDeepStrictEqual([...ourReq].sort(), [...upReq].sort())) bad(`required [${ourReq.join(', ')}] ≠ upstream [${upReq.join(', ')}]`);
  } else if (ourReq.some(r => !upReq.includes(r))) bad(`required [${ourReq.join(', ')}] not ⊆ upstream [${upReq.join(', ')}]`);

  // Children.
  for (const n of ourNames) {
    const childPath = p ? `${p}.${n}` : n;
    const o = obj(props(ours)[n]);
    const u = obj(props(up)[n]);
    if (!o || !u) continue;
    if (p === '' && (n === 'status')) continue;
    if (p === '' && n === 'metadata') {
      // ObjectMeta is validated by the API server itself; a CRD may only constrain the name.
      const on = at(o, 'name');
      const un = at(u, 'name');
      if (on && un) {
        if (strictPaths.has('metadata.name')) out.covered['metadata.name'] = 1;
        compareNode(on, un, 'metadata.name', strict || strictPaths.has('metadata.name'), strictPaths, out);
      }
      continue;
    }
    const childStrict = strict || strictPaths.has(childPath);
    if (childStrict && !strict) out.covered[childPath] = countFields(u);
    compareNode(o, u, childPath, childStrict, strictPaths, out);
  }
  const oi = obj(ours.items);
  const ui = obj(up.items);
  if (oi && ui) compareNode(oi, ui, `${p}.[]`, strict, strictPaths, out);
  else if (oi && !ui) bad('items not upstream');
  const oa = obj(ours.additionalProperties);
  const ua = obj(up.additionalProperties);
  if (oa && ua) compareNode(oa, ua, `${p}.{}`, strict, strictPaths, out);
}

function countFields(s: Schema): number {
  let n = 1;
  for (const c of Object.values(props(s))) if (obj(c)) n += countFields(c as Schema);
  if (obj(s.items)) n += countFields(s.items as Schema) - 1;
  return n;
}

/** Compares one of our schemas with one CRD. */
export function compare(target: Target, ours: Schema, crd: ReturnType<typeof loadCrd>): Drift {
  const out: Drift = { problems: [], missing: {}, covered: {} };
  const versions = ours['x-pgtls-versions'] as ReleaseVersions | undefined;
  if (versions) {
    const newest = versions.releases[versions.releases.length - 1]!;
    out.olderOnly = new Set(Object.entries(versions.fields).filter(([, e]) => !expandReleases(e, versions.releases).includes(newest)).map(([f]) => f));
  }
  const up = ours['x-pgtls-upstream'] as { apiVersion?: string; kind?: string | string[] } | undefined;
  const kinds = Array.isArray(up?.kind) ? up.kind : [up?.kind];
  if (!kinds.includes(crd.kind)) out.problems.push(`x-pgtls-upstream.kind does not name ${crd.kind}`);
  if (up?.apiVersion !== `${crd.group}/${crd.version}`) out.problems.push(`served version is ${crd.group}/${crd.version}, ours says ${up?.apiVersion}`);
  const strictPaths = new Set(target.strict);
  for (const sp of target.strict) {
    if (!at(ours, sp)) out.problems.push(`${sp}: strict subtree missing from our schema`);
    if (!at(crd.schema, sp)) out.problems.push(`${sp}: strict subtree missing upstream`);
  }
  compareNode(ours, crd.schema, '', false, strictPaths, out);
  for (const [p, needle] of Object.entries(target.cel ?? {})) {
    const rules = (at(crd.schema, p)?.['x-kubernetes-validations'] as { rule: string }[] | undefined) ?? [];
    if (!rules.some(r => r.rule.includes(needle))) out.problems.push(`${p}: no upstream CEL rule mentions ${needle}; update our description`);
  }
  return out;
}

/** Every description in a schema tree (ours or upstream), with its path. */
export function descriptions(s: unknown, p = '', acc: [string, string][] = []): [string, string][] {
  if (Array.isArray(s)) s.forEach((x, i) => descriptions(x, `${p}/${i}`, acc));
  else if (obj(s)) {
    for (const [k, v] of Object.entries(s as Schema)) {
      if (k === 'description' && typeof v === 'string') acc.push([p || '/', v]);
      else descriptions(v, `${p}/${k}`, acc);
    }
  }
  return acc;
}

function main(): void {
  const crdDir = process.argv[2] ? path.resolve(process.argv[2]) : CRD_DIR;
  if (!fs.existsSync(crdDir)) {
    console.log(`no CRD folder at ${crdDir}; nothing to compare`);
    return;
  }
  let failed = false;
  for (const t of TARGETS) {
    for (const file of t.crds) {
      if (!fs.existsSync(path.join(crdDir, file))) { console.log(`${t.schema}: ${file} not in ${crdDir}, skipped`); continue; }
      const d = compare(t, loadSchema(t.schema), loadCrd(file, crdDir));
      console.log(`${t.schema} vs ${file}: ${d.problems.length ? `${d.problems.length} difference(s)` : 'in step'}`);
      for (const pr of d.problems) console.log(`  ✗ ${pr}`);
      for (const [p, m] of Object.entries(d.missing)) if (m.length) console.log(`  upstream fields we lack under ${p}: ${m.join(', ')}`);
      failed ||= d.problems.length > 0;
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) main();
