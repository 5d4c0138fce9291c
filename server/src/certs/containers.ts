/**
 * Where the certificates and keys of a YAML file are: Kubernetes Secret manifests (`data` in base64, `stringData` as
 * text; any key whose value holds PEM, tls.crt/ca.crt/tls.key by convention), kubeconfig-style files
 * (`clusters[].cluster.certificate-authority-data`, `users[].user.client-certificate-data`/`client-key-data`, base64,
 * the layout `kubectl config view --raw` prints) and any other string that holds a PEM block. Only the finding and the
 * decoding: describing them is inspect.ts's (`pgtls inspect`) and the expiry lens's (tlsFiles/expiry.ts) job.
 *
 * Pure and cheap: only the `yaml` library, no X.509 code, so the language server can use it without loading the
 * certificate code. Never throws; never quotes a value (a key may be in it), not even through a YAML error message.
 */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { readPemBlocks, type PemBlock } from '../core/pem';
import type { Span } from '../core/types';

/** The YAML document an entry is in: its number (1-based, in file order) and the resource's identity when it has one. */
export interface ContainerDocument {
  number: number;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** One value that holds (or should hold) certificates or keys. */
export interface ContainerEntry {
  document: ContainerDocument;
  /** The key path in the document: `data.tls.crt`, `clusters[0].cluster.certificate-authority-data`. */
  path: string;
  /** The mapping key's place in the file (where a code lens goes). */
  keySpan: Span;
  /** How the value was encoded in the YAML. */
  encoding: 'base64' | 'text';
  /** The PEM blocks of the decoded value, in order (empty for DER or a value that did not decode). */
  blocks: PemBlock[];
  /** A DER certificate found in a base64 value instead of PEM. */
  der?: Uint8Array;
  /** Why the value could not be read (never quoting it); the entry then has no blocks. */
  problem?: string;
}

export interface ContainerScan {
  /** `secret` when a document is a Secret, `kubeconfig` for a Config, else `yaml`. */
  shape: 'secret' | 'kubeconfig' | 'yaml';
  documents: number;
  entries: ContainerEntry[];
  /** Syntax errors, as "document N, line L: CODE" (the library's message can quote a line, so it is not used). */
  yamlErrors: string[];
}

/** Keys whose base64 value is expected to be a certificate or key: a bad value there is worth a word. */
const CERTISH = /(crt|cert|certificate|pem|key|ca)(-data)?$/i;
const MAX_DEPTH = 64;

/**
 * The certificate and key values of a YAML text, or `undefined` when the text is not YAML holding any (so that the
 * caller falls back to reading it as PEM or DER). A file that is plainly PEM is never taken for YAML.
 */
export function scanContainers(text: string): ContainerScan | undefined {
  const pemAt = text.search(/^-----BEGIN /m);
  if (pemAt >= 0 && !/^[\w.-]+[ \t]*:/m.test(text.slice(0, pemAt))) return undefined;
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    const parsed = parseAllDocuments(text, { uniqueKeys: false });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch {
    return undefined;
  }
  const entries: ContainerEntry[] = [];
  const yamlErrors: string[] = [];
  let shape: ContainerScan['shape'] = 'yaml';
  let structured = false;
  docs.forEach((doc, i) => {
    const number = i + 1;
    for (const e of doc.errors) yamlErrors.push(`document ${number}, line ${lineOf(text, e.pos[0])}: ${e.code}`);
    const root = doc.contents as Node | null;
    if (!root || !isMap(root)) return;
    structured = true;
    // `kubectl get secrets -o yaml` prints a List: each item is a resource of its own.
    const items = stringAt(root, 'kind') === 'List' ? root.get('items', true) : undefined;
    const resources = isSeq(items)
      ? items.items.flatMap((m, j) => (isMap(m) ? [{ map: m as Node, prefix: ['items', j] as (string | number)[] }] : []))
      : [{ map: root, prefix: [] as (string | number)[] }];
    for (const { map, prefix } of resources) {
      const document = identity(map, number);
      if (document.kind === 'Secret') shape = 'secret';
      else if ((document.kind === 'Config' || (isMap(map) && map.has('clusters'))) && shape === 'yaml') shape = 'kubeconfig';
      walk(map, prefix, { document, secret: document.kind === 'Secret', base: prefix.length, out: entries }, 0);
    }
  });
  // Not YAML of ours (a scalar, a plain text file), or YAML-looking text around PEM blocks (`openssl x509 -text`
  // output: "Certificate:" …): the caller reads the file as PEM or DER.
  if (!structured || (entries.length === 0 && pemAt >= 0)) return undefined;
  return { shape, documents: docs.length, entries, yamlErrors };
}

/** The document (or List item) a resource is: kind, name, namespace. */
function identity(map: Node, number: number): ContainerDocument {
  const kind = stringAt(map, 'kind');
  const meta = isMap(map) ? map.get('metadata', true) : undefined;
  const name = isMap(meta) ? stringAt(meta, 'name') : undefined;
  const namespace = isMap(meta) ? stringAt(meta, 'namespace') : undefined;
  return { number, ...(kind ? { kind } : {}), ...(name ? { name } : {}), ...(namespace ? { namespace } : {}) };
}

interface Walk {
  document: ContainerDocument;
  secret: boolean;
  /** How many leading path elements lead to the resource (`items`, N in a List). */
  base: number;
  out: ContainerEntry[];
}

function walk(node: Node, path: (string | number)[], w: Walk, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const value = pair.value as Node | null;
      if (!value) continue;
      const at = [...path, key];
      if (isScalar(value)) {
        const entry = entryOf(value, at, pair.key, w);
        if (entry) w.out.push(entry);
      } else walk(value, at, w, depth + 1);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item && (isMap(item) || isSeq(item))) walk(item as Node, [...path, i], w, depth + 1);
    });
  }
}

/** The entry of one scalar: base64 in a Secret's `data` or a kubeconfig `…-data` key, text elsewhere. */
function entryOf(value: Node, path: (string | number)[], keyNode: Node, w: Walk): ContainerEntry | undefined {
  if (!isScalar(value) || typeof value.value !== 'string') return undefined;
  const raw = value.value;
  const key = String(path[path.length - 1]);
  const keySpan: Span = keyNode.range ? [keyNode.range[0], keyNode.range[1]] : [0, 0];
  const base = { document: w.document, path: pathText(path), keySpan };
  const rel = path.slice(w.base);
  const base64 = (w.secret && rel.length === 2 && rel[0] === 'data') || (!w.secret && /-data$/.test(key));
  if (!base64) {
    const blocks = readPemBlocks(raw);
    return blocks.length ? { ...base, encoding: 'text', blocks } : undefined;
  }
  const bytes = decodeBase64(raw);
  if (!bytes) return CERTISH.test(key) ? { ...base, encoding: 'base64', blocks: [], problem: 'the value is not valid base64' } : undefined;
  const decoded = latin1(bytes);
  const blocks = readPemBlocks(decoded);
  if (blocks.length) return { ...base, encoding: 'base64', blocks };
  // A DER certificate starts with a SEQUENCE of a SEQUENCE (30 82 .. .. 30 82).
  if (bytes.length > 64 && bytes[0] === 0x30 && bytes[1] === 0x82 && bytes[4] === 0x30) return { ...base, encoding: 'base64', blocks: [], der: bytes };
  if (/(crt|cert|certificate|pem|ca)(-data)?$/i.test(key)) {
    return { ...base, encoding: 'base64', blocks: [], problem: decoded.includes('-----BEGIN') ? 'the value holds an incomplete PEM block' : 'the decoded value is neither PEM nor a DER certificate' };
  }
  return undefined;
}

/** Strict base64 (whitespace allowed, as kubectl and the API server accept it); `undefined` when it is not. */
export function decodeBase64(s: string): Uint8Array | undefined {
  const b = s.replace(/\s+/g, '');
  if (b.length === 0 || b.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b)) return undefined;
  try {
    const bin = atob(b);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function stringAt(map: Node, key: string): string | undefined {
  if (!isMap(map)) return undefined;
  const v = map.get(key, true);
  return isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value) : undefined;
}

/** `data.tls.crt`, `clusters[0].cluster.certificate-authority-data`. */
function pathText(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** How a document is named in output: `Secret db/pg-tls`, `Config`, or nothing for a plain mapping. */
export function documentLabel(d: ContainerDocument): string {
  const id = d.name ? `${d.namespace ? `${d.namespace}/` : ''}${d.name}` : '';
  return [d.kind, id].filter(Boolean).join(' ');
}
