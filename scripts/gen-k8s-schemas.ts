/**
 * Completes our Kubernetes schemas (schemas/k8s/*.json) with the structure of the pinned upstream CRDs
 * (../shared/reference/crds, see its SOURCES.md), so that an unknown key anywhere in a resource is flagged as
 * `kubectl apply` (strict field validation) flags it. From the CRD only facts are taken: field names, types, enums,
 * required lists, defaults, bounds, patterns, nullable and the x-kubernetes-* annotations. Descriptions, examples,
 * `const` pins and our `x-pgtls-*` annotations are kept from our schema where it has the field; fields only the CRD
 * has get no description (hover shows their type). The API server's reading is applied as in k8s/crd.ts: an object
 * with `properties` is closed unless `x-kubernetes-preserve-unknown-fields`, int-or-string becomes
 * `anyOf [integer, string]`, OpenAPI boolean exclusive bounds become draft-07 ones, `format` and CEL rules are dropped.
 *
 * PerconaPGCluster is validated against the CRD of its `spec.crVersion`: with `--percona-git DIR` (a clone or bare git
 * directory of percona/percona-postgresql-operator) the CRDs of PERCONA_RELEASES are read from their tags; the schema
 * becomes their union (required lists: what every release requires) and the root annotation `x-pgtls-versions` records,
 * compactly, the fields not in every release (with the releases that have them) and the required fields a release adds
 * (k8s/check/crVersion.ts reads it). Without the option the existing `x-pgtls-versions` is kept.
 *
 * Zalando's postgresql CRD is not pinned here: with `--zalando-git DIR` (a clone or bare git directory of
 * zalando/postgres-operator) the CRDs of ZALANDO_RELEASES are read from their tags the same way, plus the per-release
 * enums (the PostgreSQL versions each release takes); the release that applies is the one the workspace installs.
 *
 * Crunchy PGO v5's CRD is not pinned either: with `--pgo-git DIR` it is read from tag PGO_RELEASE.
 *
 *   node --import tsx scripts/gen-k8s-schemas.ts [--percona-git DIR] [--zalando-git DIR] [--pgo-git DIR] [--check]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { CRD_DIR, SCHEMA_DIR, TARGETS, jsPattern, loadCrd, type Schema } from './k8s-schema-drift';

/** Operator releases whose CRD is read from their tag (one per minor: patch releases share the CRD). */
export const PERCONA_RELEASES = ['2.3.0', '2.4.0', '2.5.0', '2.6.0', '2.7.0', '2.8.0', '2.9.0', '3.0.0'] as const;
const PERCONA_SCHEMA = 'percona-perconapgcluster.json';
const PERCONA_CRD_PATH = 'config/crd/bases/pgv2.percona.com_perconapgclusters.yaml';
/** Schemas without a pinned CRD here (Secret is core; the ops request CRD is not pinned). */
const SKIP = new Set(['secret.json', 'kubedb-pgpoolopsrequest.json']);

const obj = (x: unknown): Schema | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Schema) : undefined);

/** Upstream keywords that are facts for validation, copied as they are. */
const FACTS = ['type', 'enum', 'required', 'default', 'nullable', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf', 'uniqueItems', 'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource'] as const;
/** Our keywords kept from our schema (words and our own annotations). */
const OURS = ['$schema', '$id', 'title', 'description', 'examples', 'const', 'x-pgtls-upstream', 'x-pgtls-runtime-default',
  'x-pgtls-since', 'x-pgtls-versions'] as const;

/** One upstream node (OpenAPI v3, structural) → draft-07 facts, without any prose. */
export function structure(up: Schema): Schema {
  const out: Schema = {};
  for (const k of FACTS) if (up[k] !== undefined) out[k] = up[k];
  if (out.pattern !== undefined) {
    const js = jsPattern(out.pattern);
    if (js === undefined) delete out.pattern; else out.pattern = js;
  }
  for (const [k, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (up[k] === true && typeof up[bound] === 'number') { out[k] = up[bound]; delete out[bound]; } else if (typeof up[k] === 'number') out[k] = up[k];
  }
  const props = obj(up.properties);
  if (props) {
    const p: Schema = {};
    for (const [name, sub] of Object.entries(props)) if (obj(sub)) p[name] = structure(sub as Schema);
    out.properties = p;
  }
  if (obj(up.items)) out.items = structure(up.items as Schema);
  if (obj(up.additionalProperties)) out.additionalProperties = structure(up.additionalProperties as Schema);
  else if (typeof up.additionalProperties === 'boolean') out.additionalProperties = up.additionalProperties;
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(up[k])) out[k] = (up[k] as Schema[]).map(b => structure(obj(b) ?? {}));
  if (obj(up.not)) out.not = structure(up.not as Schema);
  // CPO 0.9.2's chart CRD leaves `type` off spec.tde; an object with properties is an object.
  if (out.properties && out.type === undefined && !out['x-kubernetes-int-or-string']) out.type = 'object';
  if (out.nullable !== undefined && out.type === undefined) delete out.nullable;
  if (out['x-kubernetes-int-or-string'] === true && out.type === undefined) {
    // A pattern constrains only the string form (ajv's strict mode wants it under `type: string`).
    const text: Schema = { type: 'string' };
    for (const k of ['pattern', 'minLength', 'maxLength'] as const) if (out[k] !== undefined) { text[k] = out[k]; delete out[k]; }
    out.anyOf = [{ type: 'integer' }, text];
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

/** Our node over the upstream structure: facts from upstream, words and annotations from ours. */
export function merge(ours: Schema | undefined, up: Schema, inDeep = false): Schema {
  const out: Schema = {};
  for (const k of OURS) if (ours?.[k] !== undefined) out[k] = ours[k];
  // Where our schema stops, the CRD's structure is checked from the data (k8s/check/structural.ts), not compiled.
  // A subtree generated before (marked) stays deep, so the script gives the same output when run again.
  const deep = inDeep || !ours || ours['x-pgtls-structural'] === true;
  if (deep && !inDeep) out['x-pgtls-structural'] = true;
  for (const [k, v] of Object.entries(up)) {
    if (k === 'properties' || k === 'items' || k === 'additionalProperties') continue;
    out[k] = v;
  }
  const upProps = obj(up.properties);
  if (upProps) {
    const ourProps = obj(ours?.properties) ?? {};
    const p: Schema = {};
    // Our order first (it puts the TLS fields first in completion), then the CRD's.
    for (const name of [...Object.keys(ourProps), ...Object.keys(upProps)]) {
      if (name in p || !obj(upProps[name])) continue;
      p[name] = merge(obj(ourProps[name]), upProps[name] as Schema, deep);
    }
    out.properties = p;
  }
  if (obj(up.items)) out.items = merge(obj(ours?.items), up.items as Schema, deep);
  if (obj(up.additionalProperties)) out.additionalProperties = merge(obj(ours?.additionalProperties), up.additionalProperties as Schema, deep);
  else if (up.additionalProperties !== undefined) out.additionalProperties = up.additionalProperties;
  return out;
}

/** A whole schema: the CRD's structure under our words; metadata and status stay ours (ObjectMeta; written by the operator). */
export function generateSchema(ours: Schema, up: Schema): Schema {
  const out = merge(ours, structure(up));
  const props = out.properties as Schema;
  const ourProps = obj(ours.properties) ?? {};
  // apiVersion and kind may be pinned by ours (detection picks the schema by them).
  for (const keep of ['apiVersion', 'kind', 'metadata', 'status']) if (ourProps[keep]) props[keep] = ourProps[keep];
  return out;
}

// ------------------------------------------------------------------------------------------- Percona releases

type Versions = { releases: string[]; fields: Record<string, string[]>; required: Record<string, Record<string, string[]>> };

function perconaCrd(gitDir: string, release: string): Schema {
  return crdAtTag(gitDir, `v${release}`, PERCONA_CRD_PATH, 'PerconaPGCluster');
}

/** The structure of the served version of the CRD of `kind` in `file` at `tag` of a git directory. */
function crdAtTag(gitDir: string, tag: string, file: string, kind: string): Schema {
  const text = execFileSync('git', ['--git-dir', gitDir, 'show', `${tag}:${file}`], { maxBuffer: 64 << 20, encoding: 'utf8' });
  for (const d of parseAllDocuments(text)) {
    const crd = d.toJS({ maxAliasCount: -1 }) as { spec?: { names?: { kind?: string }; versions?: { served?: boolean; schema?: { openAPIV3Schema?: Schema } }[] } } | null;
    if (crd?.spec?.names?.kind !== kind) continue;
    const v = crd.spec.versions?.find(x => x.served !== false);
    if (v?.schema?.openAPIV3Schema) return structure(v.schema.openAPIV3Schema);
  }
  throw new Error(`${tag}: no ${kind} CRD in ${file}`);
}

/** Crunchy PGO v5: the one release our schema follows (its CRD is not pinned in ../shared/reference/crds). */
export const PGO_RELEASE = 'v5.8.9';
const PGO_SCHEMA = 'pgo-postgrescluster.json';
const PGO_CRD_PATH = 'config/crd/bases/postgres-operator.crunchydata.com_postgresclusters.yaml';

/** Walks the field paths of a structure (dotted, `[]` for list items, `{}` for map values). */
function walkFields(s: Schema, visit: (p: string, node: Schema) => void, p = ''): void {
  visit(p, s);
  for (const [n, sub] of Object.entries(obj(s.properties) ?? {})) walkFields(sub as Schema, visit, p ? `${p}.${n}` : n);
  if (obj(s.items)) walkFields(s.items as Schema, visit, `${p}.[]`);
  if (obj(s.additionalProperties)) walkFields(s.additionalProperties as Schema, visit, `${p}.{}`);
}

/** Union of the releases' structures; the newer release wins on facts, required lists included. */
function union(a: Schema, b: Schema): Schema {
  const out: Schema = { ...b };
  const pa = obj(a.properties);
  const pb = obj(b.properties);
  if (pa || pb) {
    const p: Schema = {};
    for (const n of new Set([...Object.keys(pb ?? {}), ...Object.keys(pa ?? {})])) {
      const x = obj(pa?.[n]);
      const y = obj(pb?.[n]);
      p[n] = x && y ? union(x, y) : (y ?? x)!;
    }
    out.properties = p;
    if (out.additionalProperties === undefined && (a.additionalProperties === false || b.additionalProperties === false)) out.additionalProperties = false;
  }
  if (obj(a.items) && obj(b.items)) out.items = union(a.items as Schema, b.items as Schema);
  if (obj(a.additionalProperties) && obj(b.additionalProperties)) out.additionalProperties = union(a.additionalProperties as Schema, b.additionalProperties as Schema);
  return out;
}

/** The union of the releases and the per-release differences. */
export function perconaReleases(gitDir: string): { union: Schema; versions: Versions } {
  const r = releasesOf(PERCONA_RELEASES, rel => perconaCrd(gitDir, rel));
  return { union: r.union, versions: r.versions };
}

/** The union of some releases' structures (oldest first) and the per-release differences. */
function releasesOf(RELEASES: readonly string[], crdOf: (release: string) => Schema): { union: Schema; versions: Versions; byRelease: { release: string; s: Schema }[] } {
  const byRelease = RELEASES.map(r => ({ release: r, s: crdOf(r) }));
  const all = byRelease.map(r => r.s).reduce((a, b) => union(a, b));
  const present = new Map<string, Set<string>>();
  // Objects a release leaves open (x-kubernetes-preserve-unknown-fields, or no properties): whatever a later release
  // spells out below them was accepted there too, so it counts as present in that release.
  const open = new Map<string, string[]>();
  for (const { release, s } of byRelease) {
    walkFields(s, (p, node) => {
      if (!present.has(p)) present.set(p, new Set());
      present.get(p)!.add(release);
      if (node['x-kubernetes-preserve-unknown-fields'] === true || (node.type === 'object' && !obj(node.properties) && node.additionalProperties === undefined)) {
        (open.get(release) ?? open.set(release, []).get(release)!).push(p);
      }
    });
  }
  for (const [p, set] of present) {
    for (const { release } of byRelease) {
      if (!set.has(release) && (open.get(release) ?? []).some(o => p.startsWith(o ? `${o}.` : ''))) set.add(release);
    }
  }
  const versions: Versions = { releases: [...RELEASES], fields: {}, required: {} };
  // A field not in every release, listed at the top-most such path (its children follow it).
  for (const [p, set] of present) {
    if (set.size === RELEASES.length || !p.startsWith('spec')) continue; // status is the operator's
    const parent = p.replace(/\.[^.]*$/, '');
    if (parent !== p && present.get(parent)?.size === set.size) continue;
    const has = RELEASES.filter(r => set.has(r));
    const from = RELEASES.indexOf(has[0]!);
    const contiguous = has.every((r, i) => RELEASES[from + i] === r);
    versions.fields[p] = contiguous && has.length > 1 ? [`${has[0]}..${has[has.length - 1]}`] : has;
  }
  // Required lists: per object and release, `+name` (required there, not in the union) and `-name` (the reverse).
  const unionRequired = new Map<string, string[]>();
  walkFields(all, (p, node) => unionRequired.set(p, (node.required as string[] | undefined) ?? []));
  for (const { release, s } of byRelease) {
    walkFields(s, (p, node) => {
      if (!p.startsWith('spec')) return;
      const req = (node.required as string[] | undefined) ?? [];
      const base = unionRequired.get(p) ?? [];
      const delta = [...req.filter(r => !base.includes(r)).map(r => `+${r}`), ...base.filter(r => !req.includes(r)).map(r => `-${r}`)];
      if (delta.length) (versions.required[p] ??= {})[release] = delta;
    });
  }
  return { union: all, versions, byRelease };
}

// ------------------------------------------------------------------------------------------- Zalando releases

/**
 * Zalando postgres-operator releases whose CRD (manifests/postgresql.crd.yaml) is read from their tag, one per minor
 * (the newest patch). 1.5 and older shipped an apiextensions v1beta1 CRD without a structural schema; 2.0 replaced
 * the hand-written CRD with a generated one (it spells out objects the older CRDs left open).
 */
export const ZALANDO_RELEASES = ['1.6.3', '1.7.1', '1.8.2', '1.9.0', '1.10.1', '1.11.0', '1.12.2', '1.13.0', '1.14.0', '1.15.1', '2.0.1'] as const;
const ZALANDO_SCHEMA = 'zalando-postgresql.json';
const ZALANDO_CRD_PATH = 'manifests/postgresql.crd.yaml';

function zalandoCrd(gitDir: string, release: string): Schema {
  return crdAtTag(gitDir, `v${release}`, ZALANDO_CRD_PATH, 'postgresql');
}

/**
 * The union of the Zalando releases, their differences (as for Percona) and, per enum that changed between releases,
 * each release's list (`enums`: path → release → values); the union's enum is every release's values, so the
 * compiled validator accepts what some release accepts and k8s/check/zalandoRelease.ts judges the installed one.
 * `selectedBy: 'installed-operator'`: the release comes from the operator the workspace installs, not from a field.
 */
export function zalandoReleases(gitDir: string): { union: Schema; versions: Versions & { selectedBy: string; enums: Record<string, Record<string, unknown[]>> } } {
  const r = releasesOf(ZALANDO_RELEASES, rel => zalandoCrd(gitDir, rel));
  const enums: Record<string, Record<string, unknown[]>> = {};
  const byPath = new Map<string, Map<string, unknown[]>>();
  for (const { release, s } of r.byRelease) {
    walkFields(s, (p, node) => {
      if (!Array.isArray(node.enum) || !p.startsWith('spec')) return;
      if (!byPath.has(p)) byPath.set(p, new Map());
      byPath.get(p)!.set(release, node.enum as unknown[]);
    });
  }
  for (const [p, m] of byPath) {
    const lists = [...m.values()].map(l => JSON.stringify(l));
    if (new Set(lists).size === 1 && m.size === ZALANDO_RELEASES.length) continue;
    enums[p] = Object.fromEntries(m);
    const all: unknown[] = [];
    for (const l of m.values()) for (const v of l) if (!all.includes(v)) all.push(v);
    const node = nodeAt(r.union, p);
    if (node) node.enum = all;
  }
  return { union: r.union, versions: { ...r.versions, selectedBy: 'installed-operator', enums } };
}

/** The node at a field path of walkFields. */
function nodeAt(s: Schema, p: string): Schema | undefined {
  let cur: Schema | undefined = s;
  for (const seg of p.split('.').filter(Boolean)) {
    if (!cur) return undefined;
    cur = seg === '[]' ? obj(cur.items) : seg === '{}' ? obj(cur.additionalProperties) : obj(obj(cur.properties)?.[seg]);
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------------- main

function main(): void {
  const gitAt = process.argv.indexOf('--percona-git');
  const gitDir = gitAt > 0 ? process.argv[gitAt + 1] : undefined;
  const check = process.argv.includes('--check');
  let stale = false;
  for (const t of TARGETS) {
    if (SKIP.has(t.schema) || !fs.existsSync(path.join(CRD_DIR, t.crds[0]!))) continue;
    // The Percona schema is the union of several releases: without their CRDs it stays as it is.
    if (t.schema === PERCONA_SCHEMA && !gitDir) continue;
    const file = path.join(SCHEMA_DIR, t.schema);
    const ours = JSON.parse(fs.readFileSync(file, 'utf8')) as Schema;
    let next: Schema;
    if (t.schema === PERCONA_SCHEMA && gitDir) {
      const r = perconaReleases(gitDir);
      next = generateSchema({ ...ours, 'x-pgtls-versions': r.versions }, r.union);
    } else next = generateSchema(ours, loadCrd(t.crds[0]!).schema);
    if (!next['x-pgtls-versions'] && ours['x-pgtls-versions']) next['x-pgtls-versions'] = ours['x-pgtls-versions'];
    const text = `${JSON.stringify(next, null, 2)}\n`;
    if (text === fs.readFileSync(file, 'utf8')) continue;
    stale = true;
    if (check) console.error(`${t.schema} is not in step with ${t.crds[0]}`);
    else { fs.writeFileSync(file, text); console.log(`wrote schemas/k8s/${t.schema}`); }
  }
  const zalandoAt = process.argv.indexOf('--zalando-git');
  if (zalandoAt > 0) {
    // Zalando's CRD is not pinned in ../shared/reference/crds: its releases are read from the upstream tags.
    const file = path.join(SCHEMA_DIR, ZALANDO_SCHEMA);
    const ours = JSON.parse(fs.readFileSync(file, 'utf8')) as Schema;
    const r = zalandoReleases(process.argv[zalandoAt + 1]!);
    const text = `${JSON.stringify(generateSchema({ ...ours, 'x-pgtls-versions': r.versions }, r.union), null, 2)}\n`;
    if (text !== fs.readFileSync(file, 'utf8')) {
      stale = true;
      if (check) console.error(`${ZALANDO_SCHEMA} is not in step with zalando/postgres-operator ${ZALANDO_RELEASES.join(', ')}`);
      else { fs.writeFileSync(file, text); console.log(`wrote schemas/k8s/${ZALANDO_SCHEMA}`); }
    }
  }
  const pgoAt = process.argv.indexOf('--pgo-git');
  if (pgoAt > 0) {
    // Nor is PGO's: read from its tag.
    const file = path.join(SCHEMA_DIR, PGO_SCHEMA);
    const ours = JSON.parse(fs.readFileSync(file, 'utf8')) as Schema;
    const text = `${JSON.stringify(generateSchema(ours, crdAtTag(process.argv[pgoAt + 1]!, PGO_RELEASE, PGO_CRD_PATH, 'PostgresCluster')), null, 2)}\n`;
    if (text !== fs.readFileSync(file, 'utf8')) {
      stale = true;
      if (check) console.error(`${PGO_SCHEMA} is not in step with CrunchyData/postgres-operator ${PGO_RELEASE}`);
      else { fs.writeFileSync(file, text); console.log(`wrote schemas/k8s/${PGO_SCHEMA}`); }
    }
  }
  if (check && stale) process.exitCode = 1;
}

if (require.main === module) main();
