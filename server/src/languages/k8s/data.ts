/**
 * From YAML nodes to plain data, the way Kubernetes sees it (sigs.k8s.io/yaml turns YAML into JSON: keys become
 * strings, the last of duplicate keys wins, `<<` merges), and back from a data path to the YAML node it came from.
 *
 * `toJS` of the library is never used: its alias expansion is what makes a billion-laughs document explode. Here
 * every produced value counts against a budget, aliases included, and cycles stop.
 */
import { isAlias, isMap, isScalar, isSeq, visit, type Alias, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Span } from '../../core/types';
import type { Part } from './parse';

/** Values produced per document, aliases expanded; go-yaml refuses "excessive aliasing" long before. */
export const MAX_VALUES = 200_000;

export interface DocData {
  /** The document as plain data (objects, arrays, strings, numbers, booleans, null). */
  value: unknown;
  /** Keys that repeat an earlier key of the same map (document-relative spans). */
  duplicates: { span: Span; key: string }[];
  /** Set when alias expansion exceeded MAX_VALUES: where it happened; `value` is then incomplete. */
  overflow?: Span;
}

export const nodeSpan = (n: Node): Span => {
  const r = n.range;
  return r ? [r[0], Math.max(r[0], r[1])] : [0, 0];
};

/** The first line of a document's text that is not blank: where a finding or a place about the whole document goes. */
export function firstLineOf(source: string): Span {
  const start = Math.max(0, source.search(/\S/));
  const nl = source.indexOf('\n', start);
  return [start, nl < 0 ? source.length : nl];
}

const isMergeKey = (k: unknown): boolean => isScalar(k) && typeof k.value === 'symbol';

/** The string a key becomes in JSON (sigs.k8s.io/yaml: booleans and numbers are formatted, `on:` is `"true"`). */
export function keyString(k: unknown): string {
  if (isScalar(k)) {
    const v = k.value;
    if (typeof v === 'string') return v;
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'symbol') return '<<';
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    return String(v);
  }
  if (k === null || k === undefined) return 'null';
  return JSON.stringify(k);
}

/**
 * Each alias's anchor node, for a whole document from one walk. The library's `Alias.resolve` walks the document
 * for every alias it resolves, so a document with thousands of aliases cost time in the square of their number
 * (10,000 aliases: minutes). The same answer: the last node carrying the alias's anchor before it, in the order
 * the library walks the document.
 */
const anchorsOf = new WeakMap<Document, Map<Alias, Node | undefined>>();

export function resolveAlias(doc: Document, alias: Alias): Node | undefined {
  let index = anchorsOf.get(doc);
  if (!index) {
    const built = new Map<Alias, Node | undefined>();
    const last = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) built.set(node, last.get(node.source));
        else if (node.anchor) last.set(node.anchor, node);
      },
    });
    anchorsOf.set(doc, (index = built));
  }
  return index.get(alias);
}

/** Plain data of a document, memoised on its part. */
export function dataOf(part: Part): DocData {
  const hit = part.memo.get('data') as DocData | undefined;
  if (hit) return hit;
  const out = convert(part.doc);
  part.memo.set('data', out);
  return out;
}

function convert(doc: Document.Parsed | undefined): DocData {
  const result: DocData = { value: null, duplicates: [] };
  if (!doc) return result;
  let budget = MAX_VALUES;
  const active = new Set<Node>();
  const overflow = (n: Node) => { if (!result.overflow) result.overflow = nodeSpan(n); };

  const conv = (node: unknown, viaAlias: boolean): unknown => {
    if (result.overflow) return null;
    if (--budget < 0) { overflow(node as Node); return null; }
    if (isAlias(node)) {
      const target = resolveAlias(doc, node);
      if (!target || active.has(target)) return null;
      active.add(target);
      try { return conv(target, true); } finally { active.delete(target); }
    }
    if (isScalar(node)) {
      const v = node.value;
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'symbol') return '<<';
      return v ?? null;
    }
    if (isSeq(node)) return node.items.map(i => conv(i, viaAlias));
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      const explicit = new Set<string>();
      const merges: unknown[] = [];
      for (const p of node.items as Pair[]) {
        if (isMergeKey(p.key)) { merges.push(p.value); continue; }
        const k = isScalar(p.key) || p.key == null ? keyString(p.key) : keyString(conv(p.key, viaAlias));
        if (explicit.has(k) && !viaAlias && p.key && (p.key as Node).range) result.duplicates.push({ span: nodeSpan(p.key as Node), key: k });
        explicit.add(k);
        obj[k] = conv(p.value, viaAlias);
      }
      // YAML 1.1 merge: explicit keys win; earlier merged maps win over later ones.
      for (const m of merges) {
        const sources = isSeq(m) ? m.items : [m];
        for (const s of sources) {
          const v = conv(s, true);
          if (v && typeof v === 'object' && !Array.isArray(v)) {
            for (const [k, x] of Object.entries(v)) if (!(k in obj)) obj[k] = x;
          }
        }
      }
      return obj;
    }
    return null;
  };
  result.value = conv(doc.contents, false);
  return result;
}

/** A step of a located path: the value node, and the key node of the pair that holds it (none for items and the root). */
export interface Step {
  node: Node | undefined;
  key: Node | undefined;
}

/**
 * Follows a data path (`['spec', 'tls', 'certificates', '0']`) through the YAML nodes, through aliases and merge keys.
 * Returns one step per resolved segment (after the root step); it stops at the first segment that has no node.
 */
export function locate(doc: Document.Parsed, path: readonly string[]): Step[] {
  const steps: Step[] = [{ node: deref(doc, doc.contents as Node | null), key: undefined }];
  let cur = steps[0]!.node;
  for (const seg of path) {
    if (!cur) break;
    let next: Step | undefined;
    if (isMap(cur)) {
      const pair = findPair(doc, cur, seg, 0);
      if (pair) next = { node: deref(doc, pair.value as Node | null), key: pair.key as Node };
    } else if (isSeq(cur) && /^\d+$/.test(seg)) {
      const item = cur.items[Number(seg)];
      if (item !== undefined) next = { node: deref(doc, item as Node), key: undefined };
    }
    if (!next) break;
    steps.push(next);
    cur = next.node;
  }
  return steps;
}

function deref(doc: Document.Parsed, n: Node | null | undefined): Node | undefined {
  let cur = n ?? undefined;
  for (let i = 0; i < 32 && isAlias(cur); i++) cur = resolveAlias(doc, cur);
  return isAlias(cur) ? undefined : cur;
}

/**
 * The explicit (non-merge) pairs of a map by key string, the last one per key, built once per map node (perf: rules
 * locate the same paths on every run, and parsed documents are never changed).
 */
const explicitPairs = new WeakMap<YAMLMap, Map<string, Pair>>();

function explicitPair(map: YAMLMap, key: string): Pair | undefined {
  let index = explicitPairs.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items as Pair[]) if (!isMergeKey(p.key)) index.set(keyString(p.key), p);
    explicitPairs.set(map, index);
  }
  return index.get(key);
}

/** The pair that gives `key` its value: the last explicit one, else the first merge source that has it. */
export function findPair(doc: Document.Parsed, map: YAMLMap, key: string, depth: number): Pair | undefined {
  const found = explicitPair(map, key);
  if (found || depth > 8) return found;
  for (const p of map.items as Pair[]) {
    if (!isMergeKey(p.key)) continue;
    const v = deref(doc, p.value as Node | null);
    const sources = isSeq(v) ? v.items.map(i => deref(doc, i as Node)) : [v];
    for (const s of sources) {
      if (isMap(s)) {
        const hit = findPair(doc, s, key, depth + 1);
        if (hit) return hit;
      }
    }
  }
  return undefined;
}

/** The string value of a scalar at `path`, with its span; `undefined` when absent or not a string. */
export function stringAt(doc: Document.Parsed, path: readonly string[]): { value: string; span: Span; keySpan: Span | undefined } | undefined {
  const steps = locate(doc, path);
  if (steps.length !== path.length + 1) return undefined;
  const last = steps[steps.length - 1]!;
  if (!isScalar(last.node) || typeof last.node.value !== 'string') return undefined;
  return { value: last.node.value, span: nodeSpan(last.node), keySpan: last.key ? nodeSpan(last.key) : undefined };
}
