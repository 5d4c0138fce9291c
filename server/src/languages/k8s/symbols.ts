/**
 * The YAML mode's outline and folding. Outline: one entry per Kubernetes resource (`Kind name`, its apiVersion and
 * namespace as the detail) with its TLS-relevant fields: every `spec` field of cert-manager's kinds, the keys of a
 * Secret's `data`/`stringData` (names only, never a value), and elsewhere the fields whose names speak of TLS (tls,
 * ssl, cert, CA, issuer, hba, clientAuth, an embedded pgpool.conf or postgresql.conf) with what is under them.
 * Folding, for a file with at least one resource: each document, each mapping, sequence item and multi-line value,
 * and comment blocks; a YAML file without a resource gets no folding from pgtls (`undefined`), so the editor's own
 * folding applies there.
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import { type FoldSpan, type OutlineSymbol, commentFolds, lineOf, textLines } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
import { keyString } from './data';
import type { K8sDocument, K8sFile } from './parse';

/** Field names that speak of TLS (case-insensitive), and of a CA (case-sensitive, as a word of a camelCase name). */
const TLS_WORDS = /tls|ssl|cert|issuer|hba|clientauth|pgpool\.conf|postgresql\.conf/i;
const CA_WORD = /^ca($|[A-Z._-])|[a-z]CA($|[A-Z._-])|^CA$/;
/** Values never shown, whatever the field. */
const SECRET_KEY = /password|passphrase|token/i;
const CERT_MANAGER = /^cert-manager\.io\//;
/** Bounds: a generated manifest of thousands of fields must not make an outline of thousands of entries. */
const MAX_FIELDS = 300;
const MAX_DEPTH = 4;
const SEARCH_DEPTH = 12;

const isTlsKey = (k: string): boolean => TLS_WORDS.test(k) || CA_WORD.test(k);

interface Walk {
  base: number;
  count: number;
  /** Values are not shown (a Secret's data). */
  hidden: boolean;
}

function rangeOf(n: Node | null | undefined): readonly [number, number] | undefined {
  const r = n?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** A short, one-line scalar (or list of scalars, `server auth, client auth`) as written; never in a Secret's data. */
function scalarDetail(key: string, v: Node | null, w: Walk): string | undefined {
  if (w.hidden || SECRET_KEY.test(key)) return undefined;
  let s: string;
  if (isScalar(v)) s = String((v as Scalar).value ?? '');
  else if (isSeq(v) && v.items.length && v.items.every(isScalar)) s = v.items.map(i => String((i as Scalar).value ?? '')).join(', ');
  else return undefined;
  return s === '' || s.length > 60 || /[\r\n]|BEGIN /.test(s) ? undefined : s;
}

/** A field (a pair) and, for a mapping or sequence value, the fields under it down to `depth` more levels. */
function field(p: Pair, w: Walk, depth: number): OutlineSymbol | undefined {
  const k = p.key as Node | null;
  const kr = rangeOf(k);
  if (!kr || w.count >= MAX_FIELDS) return undefined;
  w.count++;
  const name = keyString(k);
  const v = p.value as Node | null;
  const vr = rangeOf(v);
  const sym: OutlineSymbol = {
    name: name || '(empty key)', kind: 'field', span: [w.base + kr[0], w.base + Math.max(kr[1], vr?.[1] ?? kr[1])], selection: [w.base + kr[0], w.base + kr[1]],
  };
  const detail = scalarDetail(name, v, w);
  if (detail !== undefined) sym.detail = detail;
  if (depth > 0) {
    const children = childFields(v, w, depth - 1);
    if (children.length) sym.children = children;
  }
  return sym;
}

function childFields(v: Node | null, w: Walk, depth: number): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  if (isMap(v)) for (const p of v.items) { const f = field(p, w, depth); if (f) out.push(f); }
  else if (isSeq(v)) {
    v.items.forEach((item, i) => {
      const r = rangeOf(item as Node);
      if (!r || !isMap(item) || w.count >= MAX_FIELDS) return;
      w.count++;
      const children = childFields(item as Node, w, depth);
      out.push({ name: `[${i}]`, kind: 'field', span: [w.base + r[0], w.base + r[1]], selection: [w.base + r[0], w.base + r[0]], ...(children.length ? { children } : {}) });
    });
  }
  return out;
}

/** The fields of `v` whose names speak of TLS, found at any depth, each with what is under it. */
function searchTls(v: Node | null, w: Walk, depth: number, out: OutlineSymbol[]): void {
  if (depth > SEARCH_DEPTH || w.count >= MAX_FIELDS) return;
  if (isMap(v)) {
    for (const p of v.items) {
      const name = keyString(p.key);
      if (isTlsKey(name)) { const f = field(p, w, MAX_DEPTH); if (f) out.push(f); } else searchTls(p.value as Node | null, w, depth + 1, out);
    }
  } else if (isSeq(v)) for (const item of v.items) searchTls(item as Node, w, depth + 1, out);
}

function resource(d: K8sDocument): OutlineSymbol | undefined {
  const doc = d.part.doc;
  const { apiVersion, kind, name, namespace } = d.part.header;
  const root = doc?.contents;
  const rr = rangeOf(root as Node);
  if (!kind || !isMap(root) || !rr) return undefined;
  const base = d.base;
  const pair = (m: Node | null | undefined, key: string): Pair | undefined => (isMap(m) ? m.items.find(p => isPair(p) && keyString(p.key) === key) : undefined);
  const nameNode = pair(pair(root, 'metadata')?.value as Node, 'name')?.value as Node | undefined;
  const sel = rangeOf(nameNode) ?? rangeOf(pair(root, 'kind')?.value as Node) ?? [rr[0], rr[0]];
  const fields: OutlineSymbol[] = [];
  const w: Walk = { base, count: 0, hidden: false };
  if (kind === 'Secret' && !CERT_MANAGER.test(apiVersion ?? '')) {
    const type = pair(root, 'type');
    if (type) { const f = field(type, w, 0); if (f) fields.push(f); }
    for (const key of ['data', 'stringData']) {
      const p = pair(root, key);
      if (p) { const f = field(p, { ...w, hidden: true }, 1); if (f) fields.push(f); }
    }
  } else if (CERT_MANAGER.test(apiVersion ?? '')) {
    fields.push(...childFields(pair(root, 'spec')?.value as Node, w, MAX_DEPTH));
  } else {
    for (const key of ['spec', 'data', 'stringData']) searchTls(pair(root, key)?.value as Node, w, 0, fields);
  }
  return {
    name: `${kind} ${name ?? '(no name)'}`, kind: 'resource', detail: [apiVersion, namespace].filter(Boolean).join(' · '),
    span: [base + rr[0], base + rr[1]], selection: [base + sel[0], base + sel[1]], ...(fields.length ? { children: fields } : {}),
  };
}

export function symbols(_doc: SourceDocument, file: K8sFile): OutlineSymbol[] {
  return file.documents.map(resource).filter((s): s is OutlineSymbol => !!s).map(enclose);
}

/**
 * A symbol's span widened to hold its selection and its children's spans: after a syntax error the yaml library's
 * recovery can end a collection's range before the range of a pair it holds (an unclosed `{` inside a block map).
 */
function enclose(s: OutlineSymbol): OutlineSymbol {
  let [start, end] = s.span;
  for (const c of s.children ?? []) {
    enclose(c);
    start = Math.min(start, c.span[0]);
    end = Math.max(end, c.span[1]);
  }
  s.span = [Math.min(start, s.selection[0]), Math.max(end, s.selection[1])];
  return s;
}

/** The end of a node's text without the blanks and line breaks after it (an offset on its last line). */
function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text.charAt(end - 1))) end--;
  return end;
}

/** Folds of every multi-line mapping entry, sequence item and block scalar of a document; block scalars also go to `blocks`. */
function nodeFolds(text: string, d: K8sDocument, out: FoldSpan[], blocks: Span[]): void {
  const base = d.base;
  const stack: (Node | null | undefined)[] = [d.part.doc?.contents as Node];
  const add = (start: number, end: number) => out.push({ span: [base + start, trimmedEnd(text, base + start, base + end)] });
  while (stack.length) {
    const n = stack.pop();
    if (isMap(n)) {
      for (const p of n.items) {
        const kr = rangeOf(p.key as Node);
        const v = p.value as Node | null;
        const vr = rangeOf(v);
        if (kr && vr) add(kr[0], vr[1]);
        if (isScalar(v) && vr && (v.type === 'BLOCK_LITERAL' || v.type === 'BLOCK_FOLDED')) blocks.push([base + vr[0], base + vr[1]]);
        stack.push(v);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) {
        const r = rangeOf(item as Node);
        if (r && (isMap(item) || isSeq(item))) add(r[0], r[1]);
        stack.push(item as Node);
      }
    }
  }
}

export function folding(doc: SourceDocument, file: K8sFile): FoldSpan[] | undefined {
  if (!file.documents.some(d => d.part.header.kind)) return undefined;
  const text = doc.text;
  const out: FoldSpan[] = [];
  const blocks: Span[] = [];
  const pieces = new Set<number>();
  for (const d of file.documents) {
    if (!pieces.has(d.base)) {
      pieces.add(d.base);
      out.push({ span: [d.base, trimmedEnd(text, d.base, d.base + d.part.source.length)], kind: 'region' });
    }
    nodeFolds(text, d, out, blocks);
  }
  const lines = textLines(text);
  // Lines inside a block scalar (an embedded pgpool.conf's `#` lines) are text, not YAML comments.
  const inBlock = new Set<number>();
  for (const [s, e] of blocks) for (let l = lineOf(lines, s); l <= lineOf(lines, Math.max(s, e - 1)); l++) inBlock.add(l);
  // A comment block at the top of a document would start on the document's own fold line: the document fold wins.
  for (const b of pieces) inBlock.add(lineOf(lines, b));
  out.push(...commentFolds(text, lines, l => l.startsWith('#'), inBlock));
  return out;
}
