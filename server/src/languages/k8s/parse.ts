/**
 * Parsing of YAML files into Kubernetes documents, incrementally: the text is cut at its document markers, and every
 * document whose text did not change since the previous parse is reused as it was (with its memoised data and
 * findings), so an edit in a 5,000-line multi-document file re-parses and re-validates one document.
 *
 * All node ranges of a document are relative to the start of its own text (`K8sDocument.base` places it in the file),
 * which is what makes reuse free: a document that moved keeps its AST.
 */
import { Composer, Parser, isMap, isScalar, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions, type Tags } from 'yaml';
import type { Span } from '../../core/types';
import { builtinTarget, isCustomGroup, type Target } from './detect';

/**
 * The YAML dialect, decided once here (C7). Kubernetes reads manifests with sigs.k8s.io/yaml, i.e. go-yaml v2, which
 * resolves plain scalars the YAML 1.1 way: `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0600` is octal (384), `<<` merges
 * maps. Reading them as YAML 1.2 would make pgtls report false errors (`tlsOnly: yes` "not a boolean", `mode: 0600`
 * "above 511") and miss real ones (`sslMode: on` is a boolean to the API server). So: YAML 1.1, minus what go-yaml v2
 * does not do for untyped values: sexagesimal numbers (`12:30` stays a string) and timestamps (kept as strings "for
 * backward compatibility", go-yaml v2 decode.go).
 *
 * `uniqueKeys: false`: duplicate keys are found by our own linear pass over our documents only (the library's check is
 * quadratic in the size of a map, and a foreign file's duplicates are none of our business).
 */
const GO_YAML_V2_TAGS = (tags: Tags): Tags => tags.filter(t => {
  const tag = typeof t === 'string' ? t : t.tag;
  const format = typeof t === 'string' ? undefined : t.format;
  if (tag === 'tag:yaml.org,2002:timestamp') return false;
  if ((tag === 'tag:yaml.org,2002:int' || tag === 'tag:yaml.org,2002:float') && format === 'TIME') return false;
  return true;
});

export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = Object.freeze({
  version: '1.1',
  customTags: GO_YAML_V2_TAGS,
  keepSourceTokens: true,
  prettyErrors: false,
  uniqueKeys: false,
});

/**
 * Deeper documents are not composed: the library composes recursively and, past about a thousand levels, V8 aborts
 * the whole process (not a catchable exception). Real manifests, CRDs included, stay far below this.
 */
export const MAX_DEPTH = 200;

/** `apiVersion`, `kind` and the name of a document, read from the top-level keys without converting anything. */
export interface Header {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface SyntaxError {
  code: string;
  span: Span;
  message: string;
}

/** One document's parse; immutable except for `memo`, and shared between successive parses while its text is unchanged. */
export interface Part {
  /** The document's text (the reuse key). */
  readonly source: string;
  /** The composed document; `undefined` when it was not composed (too deep) or holds nothing. */
  readonly doc: Document.Parsed | undefined;
  readonly errors: readonly SyntaxError[];
  readonly header: Header;
  /** The built-in resource kind, if this document is one. */
  readonly target: Target | undefined;
  /** Helm or other `{{ }}` templating: not YAML until rendered, so nothing but hover and completion is done. */
  readonly templated: boolean;
  /** Nesting deeper than MAX_DEPTH: not composed. */
  readonly tooDeep: boolean;
  /** Derived data (plain data, document-local findings), keyed by what it depends on. */
  readonly memo: Map<string, unknown>;
}

export interface K8sDocument {
  /** Offset of the document's text in the file. */
  base: number;
  part: Part;
}

export interface K8sFile {
  documents: K8sDocument[];
  /** True when some document is a built-in target (documents of users' CRDs are recognised during validation). */
  hasBuiltinTarget: boolean;
  /** True when some document might be a custom resource (apiVersion with a custom group): only then are CRDs looked up. */
  mayBeCustom: boolean;
}

const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/**
 * Cuts the text into document texts at the document markers (`---` and the line after `...`), which the YAML grammar
 * forbids inside content, so every piece parses exactly as it would in the whole stream. A file with directives (`%YAML`)
 * is one piece: a directive belongs to the next document.
 */
export function splitDocuments(text: string): Span[] {
  if (/^%/m.test(text)) return [[0, text.length]];
  const cuts = [0];
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    let at = m.index;
    if (m[0] === '...') {
      const nl = text.indexOf('\n', at);
      at = nl < 0 ? text.length : nl + 1;
    }
    if (at > cuts[cuts.length - 1]!) cuts.push(at);
  }
  const spans: Span[] = [];
  for (let i = 0; i < cuts.length; i++) spans.push([cuts[i]!, i + 1 < cuts.length ? cuts[i + 1]! : text.length]);
  return spans;
}

/** Parses a YAML file; documents whose text equals one of `previous` are reused. */
export function parseK8s(text: string, previous?: K8sFile): K8sFile {
  const reusable = new Map<string, Part[]>();
  for (const d of previous?.documents ?? []) {
    const list = reusable.get(d.part.source);
    if (list) list.push(d.part);
    else reusable.set(d.part.source, [d.part]);
  }
  const documents: K8sDocument[] = [];
  for (const [start, end] of splitDocuments(text)) {
    const source = text.slice(start, end);
    const again = reusable.get(source)?.shift();
    if (again) {
      documents.push({ base: start, part: again });
      continue;
    }
    for (const part of parsePiece(source)) documents.push({ base: start, part });
  }
  return {
    documents,
    hasBuiltinTarget: documents.some(d => d.part.target),
    mayBeCustom: documents.some(d => !d.part.target && isCustomGroup(d.part.header.apiVersion) && !!d.part.header.kind),
  };
}

/** Parses one piece; normally one document (a piece the parser still splits yields several, all with the same source). */
function parsePiece(source: string): Part[] {
  const templated = /\{\{[\s\S]*?\}\}/.test(source);
  const tokens = [...new Parser().parse(source)];
  if (cstDepth(tokens) > MAX_DEPTH) {
    const header = headerFromText(source);
    return [{ source, doc: undefined, errors: [], header, target: builtinTarget(header.apiVersion, header.kind), templated, tooDeep: true, memo: new Map() }];
  }
  const composer = new Composer(YAML_OPTIONS);
  const docs: Document.Parsed[] = [];
  for (const t of tokens) for (const d of composer.next(t)) docs.push(d);
  for (const d of composer.end(false, source.length)) docs.push(d);
  if (docs.length === 0) return [{ source, doc: undefined, errors: [], header: {}, target: undefined, templated, tooDeep: false, memo: new Map() }];
  return docs.map(doc => {
    const header = headerOf(doc);
    return {
      source, doc, templated, tooDeep: false, memo: new Map(), header,
      target: builtinTarget(header.apiVersion, header.kind),
      errors: doc.errors.map(e => ({ code: e.code, span: preciseSpan(source, e.code, [e.pos[0], Math.max(e.pos[0], e.pos[1])]), message: e.message })),
    };
  });
}

/** Nesting depth of the CST, without recursion. */
function cstDepth(tokens: CST.Token[]): number {
  let max = 0;
  const stack: [CST.Token, number][] = tokens.map(t => [t, 1]);
  while (stack.length) {
    const [t, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > MAX_DEPTH) return max;
    if ('items' in t && Array.isArray(t.items)) {
      for (const it of t.items as CST.CollectionItem[]) {
        if (it.key) stack.push([it.key, d + 1]);
        if (it.value) stack.push([it.value, d + 1]);
      }
    }
    if (t.type === 'document' && t.value) stack.push([t.value, d + 1]);
  }
  return max;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function headerOf(doc: Document.Parsed): Header {
  const root = doc.contents;
  if (!isMap(root)) return {};
  const h: Header = {};
  for (const p of root.items) {
    if (!isScalar(p.key)) continue;
    const k = p.key.value;
    if ((k === 'apiVersion' || k === 'kind') && isScalar(p.value)) h[k] = str(p.value.value);
    else if (k === 'metadata' && isMap(p.value)) {
      for (const q of p.value.items) {
        if (isScalar(q.key) && (q.key.value === 'name' || q.key.value === 'namespace') && isScalar(q.value)) h[q.key.value] = str(q.value.value);
      }
    }
  }
  return h;
}

/** For documents too deep to compose: the top-level `apiVersion:` and `kind:` lines. */
function headerFromText(source: string): Header {
  const pick = (key: string) => new RegExp(`^${key}:[ \\t]*["']?([^"'\\s#]+)`, 'm').exec(source)?.[1];
  const h: Header = {};
  const apiVersion = pick('apiVersion');
  const kind = pick('kind');
  if (apiVersion) h.apiVersion = apiVersion;
  if (kind) h.kind = kind;
  return h;
}

/**
 * The parser reports an unterminated quoted string where the string ends (often the end of the document); the mistake
 * is where it starts. For MISSING_CHAR errors about quotes, point at the opening quote and the rest of its line.
 */
function preciseSpan(source: string, code: string, span: Span): Span {
  if (code !== 'MISSING_CHAR') return span;
  const end = Math.min(span[0], source.length);
  // The last quote character before the error that opens a scalar (after `: `, `- `, `[`, `{`, `,` or a line start).
  const re = /(?:^|[:\-[{,]\s*|\s)(["'])/gm;
  let open = -1;
  for (let m = re.exec(source); m && m.index < end; m = re.exec(source)) {
    const q = m.index + m[0].length - 1;
    if (q >= end) break;
    const close = source.indexOf(m[1]!, q + 1);
    if (close < 0 || close >= end) { open = q; break; }
    re.lastIndex = close + 1;
  }
  if (open < 0) return span;
  const nl = source.indexOf('\n', open);
  return [open, nl < 0 ? source.length : nl];
}
