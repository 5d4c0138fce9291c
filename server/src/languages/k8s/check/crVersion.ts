/**
 * A resource checked against the CRD of the operator release it declares (PerconaPGCluster `spec.crVersion`). The
 * schema is the union of the releases' CRDs; its root annotation `x-pgtls-versions` (written by
 * scripts/gen-k8s-schemas.ts) lists the fields not in every release, with the releases that have them, and per object
 * the required fields a release adds (`+name`) or lacks (`-name`) against the union. Here: which release applies
 * (`spec.crVersion` by major.minor; unknown → the newest, with a note), the union's required errors that release does
 * not have are dropped, and fields or required fields of other releases are reported naming the release.
 */
import type { Document } from 'yaml';
import type { ErrorObject } from 'ajv';
import type { Reporter } from '../../../core/rules';
import type { Span } from '../../../core/types';
import { locate, nodeSpan } from '../data';
import { SCHEMA } from '../rules';
import { fieldPath, type JsonSchema } from '../catalogue';

export interface ReleaseVersions {
  releases: string[];
  /** Field path (dotted, `[]` list items, `{}` map values) → releases that have it (`a..b` is a range). */
  fields: Record<string, string[]>;
  /** Object path → release → `+name` / `-name` against the schema's required list. */
  required: Record<string, Record<string, string[]>>;
  /** `installed-operator`: the release is the one the workspace installs (zalandoRelease.ts), not `spec.crVersion`. */
  selectedBy?: string;
  /** Enum path → release → its values, where the releases differ (the schema's enum is their union). */
  enums?: Record<string, Record<string, unknown[]>>;
}

export interface Release {
  versions: ReleaseVersions;
  /** The release whose CRD applies. */
  release: string;
  /** `spec.crVersion` as written, when pgtls does not know its release. */
  unknown?: string;
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const minor = (v: string): string => v.replace(/^v/, '').split('.').slice(0, 2).join('.');

/** The releases an entry names, ranges (`2.4.0..3.0.0`) expanded. */
export function expandReleases(entry: readonly string[], releases: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of entry) {
    const [from, to] = e.split('..');
    if (to === undefined) { out.push(e); continue; }
    const a = releases.indexOf(from!);
    const b = releases.indexOf(to);
    if (a >= 0 && b >= a) out.push(...releases.slice(a, b + 1));
  }
  return out;
}

/** The release that applies to this resource; undefined for a schema without releases. */
export function releaseOf(schema: JsonSchema, data: unknown): Release | undefined {
  const versions = schema['x-pgtls-versions'] as ReleaseVersions | undefined;
  if (!versions || !Array.isArray(versions.releases) || !versions.releases.length) return undefined;
  if (versions.selectedBy === 'installed-operator') return undefined;
  const newest = versions.releases[versions.releases.length - 1]!;
  const asked = isObj(data) && isObj(data.spec) ? data.spec.crVersion : undefined;
  if (typeof asked !== 'string' || !asked.trim()) return { versions, release: newest };
  const hit = versions.releases.find(r => minor(r) === minor(asked.trim()));
  return hit ? { versions, release: hit } : { versions, release: newest, unknown: asked };
}

/** False for the union's required error that the release does not require. */
export function keepsError(r: Release, e: ErrorObject): boolean {
  if (e.keyword !== 'required') return true;
  const path = e.instancePath.split('/').slice(1).map(s => (/^\d+$/.test(s) ? '[]' : s.replace(/~1/g, '/').replace(/~0/g, '~'))).join('.');
  const delta = r.versions.required[path]?.[r.release];
  return !delta?.includes(`-${String((e.params as { missingProperty?: unknown }).missingProperty)}`);
}

/** Reports fields the release lacks, the required fields only it has, and an unknown `crVersion`. */
export function reportRelease(r: Release, title: string, doc: Document.Parsed, data: unknown, report: Reporter): void {
  const { versions, release } = r;
  const keySpan = (path: string[]): Span => {
    const steps = locate(doc, path);
    for (let i = steps.length - 1; i > 0; i--) if (steps[i]!.key) return nodeSpan(steps[i]!.key!);
    return [0, 0];
  };
  const kind = title.replace(/^\S+ /, ''); // "Percona PerconaPGCluster" → "PerconaPGCluster"
  const named = `${kind} in operator ${release}`;
  const asked = isObj(data) && isObj(data.spec) ? data.spec.crVersion : undefined;
  const basis = r.unknown !== undefined ? 'the newest release pgtls knows, for an unknown `spec.crVersion`'
    : typeof asked === 'string' && asked.trim() ? `\`spec.crVersion: ${asked.trim()}\`` : 'no `spec.crVersion`: the newest release pgtls knows';
  if (r.unknown !== undefined) {
    report(SCHEMA['unknown-cr-version'], keySpan(['spec', 'crVersion']),
      `pgtls knows the ${kind} CRDs of operator ${versions.releases[0]} to ${release}, not ${r.unknown}: this resource is checked against ${release}'s.`);
  }
  for (const [p, entry] of Object.entries(versions.fields)) {
    const has = expandReleases(entry, versions.releases);
    if (has.includes(release)) continue;
    const when = versions.releases.indexOf(has[0]!) > versions.releases.indexOf(release) ? `it came with ${has[0]}`
      : versions.releases.indexOf(has[has.length - 1]!) < versions.releases.indexOf(release) ? `it was removed after ${has[has.length - 1]}`
        : `only ${has.join(', ')} have it`;
    for (const path of instances(data, p.split('.'))) {
      report(SCHEMA['not-in-cr-version'], keySpan(path),
        `\`${fieldPath(path)}\` is not a field of ${named} (${basis}): ${when}. With that release's CRD installed kubectl rejects it (strict field validation), and its operator ignores it. Remove it, or set \`spec.crVersion\` to a release that has it once the operator runs that release.`);
    }
  }
  for (const [p, byRelease] of Object.entries(versions.required)) {
    const extra = (byRelease[release] ?? []).filter(n => n.startsWith('+')).map(n => n.slice(1));
    if (!extra.length) continue;
    for (const path of instances(data, p ? p.split('.') : [])) {
      const obj = valueAt(data, path);
      if (!isObj(obj)) continue;
      const missing = extra.filter(n => obj[n] === undefined);
      if (!missing.length) continue;
      report(SCHEMA['not-in-cr-version'], keySpan(path),
        `\`${fieldPath(path)}\` needs ${missing.map(n => `\`${n}\``).join(', ')} in operator ${release} (${basis}): with that release's CRD installed the API server rejects the object without ${missing.length > 1 ? 'them' : 'it'}.`);
    }
  }
}

/** The data paths a schema path (`[]`, `{}` wildcards) names in this document. */
export function instances(data: unknown, segs: string[], at: string[] = []): string[][] {
  if (!segs.length) return [at];
  const [seg, ...rest] = segs as [string, ...string[]];
  if (seg === '[]') return Array.isArray(data) ? data.flatMap((v, i) => instances(v, rest, [...at, String(i)])) : [];
  if (seg === '{}') return isObj(data) ? Object.entries(data).flatMap(([k, v]) => instances(v, rest, [...at, k])) : [];
  return isObj(data) && data[seg] !== undefined ? instances(data[seg], rest, [...at, seg]) : [];
}

function valueAt(data: unknown, path: string[]): unknown {
  let cur = data;
  for (const seg of path) cur = Array.isArray(cur) ? cur[Number(seg)] : isObj(cur) ? cur[seg] : undefined;
  return cur;
}
