/**
 * Small helpers shared by the rule modules: reading plain data by path, the resource kinds, finding the YAML span to
 * report on (the value, the key, or for a missing key the key of the deepest parent that exists), Go durations, a fix
 * that adds a pair, and findings kept with a document's text.
 */
import { isMap, type Pair } from 'yaml';
import type { FindingExtra, Reporter } from '../../../core/rules';
import type { Finding, Fix, RuleMeta, Span } from '../../../core/types';
import { locate, nodeSpan } from '../data';
import type { Resource } from '../model';
import { placeIn } from '../workspace';

/** The value at a data path of plain data; `undefined` when some segment is absent. */
export function get(data: unknown, path: readonly (string | number)[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (cur && typeof cur === 'object' && !Array.isArray(cur)) cur = (cur as Record<string, unknown>)[String(seg)];
    else return undefined;
  }
  return cur;
}

/** The resource kinds the modules test for. */
export const isPercona = (r: Resource): boolean => r.kind.apiVersion === 'pgv2.percona.com/v2' && r.kind.kind === 'PerconaPGCluster';
export const isCpo = (r: Resource): boolean => r.kind.apiVersion === 'cpo.opensource.cybertec.at/v1' && r.kind.kind === 'postgresql';
/** Zalando's postgres-operator `postgresql` (the upstream of CPO) and Crunchy PGO's `PostgresCluster` (the upstream of Percona's v2 operator). */
export const isZalando = (r: Resource): boolean => r.kind.apiVersion === 'acid.zalan.do/v1' && r.kind.kind === 'postgresql';
export const isPgo = (r: Resource): boolean => r.kind.apiVersion === 'postgres-operator.crunchydata.com/v1beta1' && r.kind.kind === 'PostgresCluster';
export const isPgo4 = (r: Resource): boolean => r.kind.apiVersion === 'crunchydata.com/v1' && r.kind.kind === 'Pgcluster';
/** KubeDB's Pgpool resource (its rules are `pgpool/*`; the pgpool.conf language is `pgpool-conf`). */
export const isKubedbPgpool = (r: Resource): boolean => r.kind.apiVersion === 'kubedb.com/v1alpha2' && r.kind.kind === 'Pgpool';
/** KubeDB's Postgres (kubedb.com/v1), the one served before v0.14 (kubedb.com/v1alpha1), and the AppBinding KubeDB connects through. */
export const isKubedbPostgres = (r: Resource): boolean => r.kind.apiVersion === 'kubedb.com/v1' && r.kind.kind === 'Postgres';
export const isKubedbPostgresV1alpha1 = (r: Resource): boolean => r.kind.apiVersion === 'kubedb.com/v1alpha1' && r.kind.kind === 'Postgres';
export const isAppBinding = (r: Resource): boolean => r.kind.apiVersion === 'appcatalog.appscode.com/v1alpha1' && r.kind.kind === 'AppBinding';
export const isKubedbPgpoolOps = (r: Resource): boolean => r.kind.apiVersion === 'ops.kubedb.com/v1alpha1' && r.kind.kind === 'PgpoolOpsRequest';

export const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
export const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/**
 * The span to report for a data path: `value` → the value node, `key` → the key of the pair. A path that does not
 * resolve completely falls back to the key of the deepest pair that exists (a missing key → the parent's key), and to
 * the `kind` value for the document root.
 */
export function spanAt(r: Resource, path: readonly (string | number)[], what: 'value' | 'key' = 'value'): Span {
  const segs = path.map(String);
  const steps = locate(r.yaml, segs);
  const complete = steps.length === segs.length + 1;
  if (complete) {
    const last = steps[steps.length - 1]!;
    if (what === 'value' && last.node) return nodeSpan(last.node);
    if (last.key) return nodeSpan(last.key);
    if (last.node) return nodeSpan(last.node);
  }
  for (let i = steps.length - 1; i >= 1; i--) {
    const s = steps[i]!;
    if (s.key) return nodeSpan(s.key);
    // An item of a sequence without a key: underline the item's first line-worth (its node).
    if (!complete && s.node && i === steps.length - 1) return firstLine(r, nodeSpan(s.node));
  }
  const kind = locate(r.yaml, ['kind']);
  const k = kind[1]?.node;
  return k ? nodeSpan(k) : [0, 0];
}

/** A span cut at its first line break (an item of a sequence that is a whole map). */
export function firstLine(r: Resource, [a, b]: Span): Span {
  const nl = r.doc.part.source.slice(a, b).indexOf('\n');
  return nl > 0 ? [a, a + nl] : [a, b];
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go `time.ParseDuration` string in milliseconds (`2h10m`, `1.5h`, `720h0m0s`); `undefined` when it does not parse. */
export function goDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * UNIT_MS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

export const HOUR = 3_600_000;

/**
 * A fix that adds the pair `pair` (one line, e.g. `issuerRef: { name: x }`) to the map at `mapPath`, as its first
 * entry: in a block map before the first key at the same indentation, in a flow map after the brace. `undefined` when
 * the map is not found or has a shape where the insertion would not be obviously right (merge keys, aliases).
 */
export function addPairFix(r: Resource, mapPath: readonly (string | number)[], pair: string, title: string): Fix | undefined {
  const segs = mapPath.map(String);
  const steps = locate(r.yaml, segs);
  if (steps.length !== segs.length + 1) return undefined;
  const map = steps[steps.length - 1]!.node;
  if (!isMap(map) || !map.range) return undefined;
  const src = r.doc.part.source;
  if (map.flow) {
    const open = map.range[0];
    if (src[open] !== '{') return undefined;
    const empty = map.items.length === 0;
    return { title, edits: [{ span: [open + 1, open + 1], newText: empty ? ` ${pair} ` : ` ${pair},` }] };
  }
  const first = map.items[0] as Pair | undefined;
  const key = first?.key as { range?: [number, number, number] } | undefined;
  if (!key?.range) return undefined;
  const at = key.range[0];
  const lineStart = src.lastIndexOf('\n', at - 1) + 1;
  const indent = src.slice(lineStart, at);
  if (!/^[ ]*$/.test(indent)) return undefined; // e.g. the first key of a map that is a sequence item (`- a: b`)
  return { title, edits: [{ span: [at, at], newText: `${pair}\n${indent}` }] };
}

/**
 * A finding kept with a document's text (memoised while the text is unchanged, then reported again): the arguments of
 * a `Reporter`, with document-relative spans.
 */
export interface Held {
  rule: RuleMeta;
  span: Span;
  message: string;
  extra?: FindingExtra;
}

/** A reporter that keeps what it gets in `out`. */
export const hold = (out: Held[]): Reporter => (rule, span, message, extra) => {
  out.push(extra ? { rule, span, message, extra } : { rule, span, message });
};

/**
 * A related place in the same document, kept document-relative with a memoised finding: the document may sit at
 * another offset of its file when the finding is reported again.
 */
export interface DocumentRelated {
  span: Span;
  message: string;
}

/** Related places of `r`'s document as places of its file, for a report. */
export function relatedIn(r: Resource, related: readonly DocumentRelated[] | undefined): Finding['related'] {
  return related?.map(x => ({ ...placeIn(r.path, r.doc, x.span), message: x.message }));
}
