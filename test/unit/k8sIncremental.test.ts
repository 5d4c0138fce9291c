/**
 * The single-scalar patch of parseK8s (issue 3): an edit inside one scalar value is applied to a copy of the previous
 * document instead of re-parsing it. Proof by comparison: thousands of random edits inside (and around) scalars of
 * realistic manifests, each checked against a fresh parse of the same text (documents, values, every node's range and
 * style, comments, errors, header) and against the findings of a full validation; the previous parse must stay intact.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isNode, isPair, isScalar, isSeq, type Document } from 'yaml';
import { DEFAULT_SETTINGS, type SourceDocument } from '../../server/src/core/types';
import { PATCHING, parseK8s, type K8sFile } from '../../server/src/languages/k8s/parse';
import type { ParsedFile } from '../../server/src/service';
import { ROOT, testService, prng as random } from '../helpers';

const service = testService();
// Random edits make keys out of collections; the library's warning about them is noise here.
process.emitWarning = () => undefined;
const PATH = '/nonexistent/pgtls-incremental/manifests.yaml';

const published = (name: string) => fs.readFileSync(path.join(ROOT, 'test/fixtures/published', name), 'utf8');

/** Shapes the fixtures lack: flow collections, quoting styles, YAML 1.1 booleans and octals, anchors, comments. */
const HANDWRITTEN = `apiVersion: v1
kind: Secret
metadata:
  name: "app-tls"
  namespace: 'demo'
  labels: { tier: db, "quoted": 'single', n: 3 }
type: kubernetes.io/tls
stringData:
  mode: 0600 # octal in YAML 1.1
  enabled: yes
  ratio: 1.50
  hex: 0x1F
  list: [a, "b", 'c', 4, on]
  empty: ""
  nothing: ~
  anchored: &base plain-value
  again: *base
  url: https://example.com:8443/path#frag
data:
  ca.crt: ""
`;

const CERT = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: pg-server
  namespace: demo
spec:
  secretName: pg-server-tls
  duration: 2160h
  renewBefore: 360h
  commonName: pg.demo.svc
  dnsNames:
    - pg.demo.svc
    - pg.demo.svc.cluster.local
  ipAddresses: ["10.0.0.1"]
  privateKey: { algorithm: ECDSA, size: 256 }
  usages: [server auth, client auth]
  issuerRef:
    name: ca-issuer
    kind: Issuer
`;

const CORPUS = [
  published('percona-cr.yaml'),
  published('percona-custom-tls-cert-manager.yaml'),
  published('cpo-complete.yaml'),
  published('kubedb-pgpool-tls.yaml'),
  HANDWRITTEN,
  CERT,
].map(t => (t.endsWith('\n') ? t : `${t}\n`)).join('---\n');


/** Everything a consumer can read from a node tree, in document order. */
function shape(doc: Document.Parsed | undefined): unknown[] {
  const out: unknown[] = [];
  if (!doc) return out;
  out.push(['doc', doc.range, doc.comment, doc.commentBefore]);
  const walk = (n: unknown, depth: number): void => {
    if (depth > 300) return;
    if (isPair(n)) {
      out.push('pair');
      walk(n.key, depth + 1);
      walk(n.value, depth + 1);
      return;
    }
    if (!isNode(n)) { out.push(['raw', n]); return; }
    const common = [n.range, n.anchor, n.tag, n.comment, n.commentBefore, n.spaceBefore];
    if (isScalar(n)) {
      const tok = (n as { srcToken?: { source?: string } }).srcToken;
      out.push(['scalar', n.type, n.value, n.source, n.format, n.minFractionDigits, tok?.source, ...common]);
    } else if (isMap(n) || isSeq(n)) {
      out.push([isMap(n) ? 'map' : 'seq', n.flow, n.items.length, ...common]);
      for (const it of n.items as unknown[]) walk(it, depth + 1);
    } else {
      out.push(['alias', (n as { source?: string }).source, ...common]);
    }
  };
  walk(doc.contents, 0);
  return out;
}

/** The plain value, or the error converting it (random edits make unresolved aliases). */
function js(doc: Document.Parsed | undefined): unknown {
  try { return doc?.toJS({ maxAliasCount: -1 }); } catch (e) { return `throws: ${String(e)}`; }
}

/** `skip`: parts checked before and shared with another parse, compared by text and position only (for speed). */
function assertSame(actual: K8sFile, expected: K8sFile, what: string, skip?: K8sFile): void {
  const known = new Set(skip?.documents.map(d => d.part));
  assert.equal(actual.documents.length, expected.documents.length, `${what}: number of documents`);
  assert.equal(actual.hasBuiltinTarget, expected.hasBuiltinTarget, what);
  assert.equal(actual.mayBeCustom, expected.mayBeCustom, what);
  actual.documents.forEach((a, i) => {
    const e = expected.documents[i]!;
    const at = `${what}: document ${i}`;
    assert.equal(a.base, e.base, at);
    assert.equal(a.part.source, e.part.source, at);
    if (known.has(a.part)) return;
    assert.deepEqual(a.part.header, e.part.header, at);
    assert.deepEqual(a.part.target, e.part.target, at);
    assert.equal(a.part.templated, e.part.templated, at);
    assert.equal(a.part.tooDeep, e.part.tooDeep, at);
    assert.deepEqual(a.part.errors, e.part.errors, at);
    assert.deepEqual(a.part.doc?.errors.map(x => [x.code, x.pos]), e.part.doc?.errors.map(x => [x.code, x.pos]), at);
    assert.deepEqual(a.part.doc?.warnings.map(x => [x.code, x.pos]), e.part.doc?.warnings.map(x => [x.code, x.pos]), at);
    assert.deepEqual(js(a.part.doc), js(e.part.doc), at);
    assert.deepEqual(shape(a.part.doc), shape(e.part.doc), at);
  });
}

/** Value scalars (not keys) of a file, as file offsets [start, end]. */
function valueScalars(file: K8sFile): [number, number][] {
  const out: [number, number][] = [];
  for (const d of file.documents) {
    const stack: unknown[] = [d.part.doc?.contents];
    while (stack.length) {
      const n = stack.pop();
      if (isScalar(n) && n.range) out.push([d.base + n.range[0], d.base + n.range[1]]);
      else if (isMap(n)) for (const p of n.items) stack.push(p.value);
      else if (isSeq(n)) for (const it of n.items) stack.push(it);
    }
  }
  return out;
}

const CHARS = ['a', 'z', 'Q', '0', '7', '1', '.', '-', '_', '/', ' ', ':', '#', '"', "'", '\n', '\t', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '\\', '~', 'x', 'e', 's', 'y', 'o', 'n', '{{'];
const WORDS = ['yes', 'no', 'on', 'off', 'true', 'null', '0600', '1.5', '17', 'v1', '0x1F', '~', '-', '---', '...', '1e3', '.inf', '12:30'];

function randomEdit(text: string, file: K8sFile, rnd: () => number): string {
  const scalars = valueScalars(file);
  let at: number;
  if (scalars.length && rnd() < 0.9) {
    const [s, e] = scalars[Math.floor(rnd() * scalars.length)]!;
    at = s + Math.floor(rnd() * (e - s + 1));
  } else at = Math.floor(rnd() * (text.length + 1));
  const pick = () => (rnd() < 0.15 ? WORDS[Math.floor(rnd() * WORDS.length)]! : CHARS[Math.floor(rnd() * CHARS.length)]!);
  const op = rnd();
  if (op < 0.4) return text.slice(0, at) + pick() + text.slice(at);
  const len = 1 + Math.floor(rnd() * 3);
  if (op < 0.7) return text.slice(0, at) + text.slice(at + len);
  return text.slice(0, at) + pick() + text.slice(at + len);
}

const sdoc = (text: string, version: number): SourceDocument => ({ path: PATH, text, languageId: 'yaml', version });
const fileOf = (p: ParsedFile): K8sFile => p.file as K8sFile;

/**
 * The reference: a parse without the patch. Reusing unchanged documents by their text is the parser's older mechanism
 * (tested in k8sYaml.test.ts) and keeps this test fast; every changed document is parsed from scratch.
 */
function reference(text: string, previous?: K8sFile): K8sFile {
  PATCHING.enabled = false;
  try { return parseK8s(text, previous); } finally { PATCHING.enabled = true; }
}

test('random edits inside scalars: the patched parse equals a fresh parse, and so do the findings', t => {
  const rnd = random(20261123);
  const before = PATCHING.count;
  let text = CORPUS;
  let version = 1;
  let parsed = service.parse(sdoc(text, version));
  let edits = 0;
  for (let round = 0; round < 30; round++) {
    text = CORPUS;
    parsed = service.parse(sdoc(text, ++version), parsed); // undo of everything: back to the original text
    let ref = reference(text);
    assertSame(fileOf(parsed), ref, `round ${round} start`);
    for (let step = 0; step < 100; step++, edits++) {
      const prevText = text;
      const prevParsed = parsed;
      const prevRef = ref;
      text = randomEdit(text, fileOf(parsed), rnd);
      const d = sdoc(text, ++version);
      parsed = service.parse(d, prevParsed);
      ref = reference(text, prevRef);
      const what = `round ${round} step ${step}`;
      assertSame(fileOf(parsed), ref, what, fileOf(prevParsed));
      // The previous parse is untouched, so it can still be reused (undo).
      assertSame(fileOf(prevParsed), prevRef, `${what} (previous)`, fileOf(parsed));
      if (step % 10 === 0) {
        const fresh: ParsedFile = { languageId: 'yaml', version, file: ref };
        assert.deepEqual(service.validate(d, parsed, DEFAULT_SETTINGS), service.validate(d, fresh, DEFAULT_SETTINGS), `${what}: findings`);
      }
      if (step % 17 === 0) {
        // Undo: back to the previous text, from the new parse.
        const u = service.parse(sdoc(prevText, ++version), parsed);
        assertSame(fileOf(u), prevRef, `${what} (undo)`);
      }
    }
  }
  const fast = PATCHING.count - before;
  assert.ok(edits >= 3000);
  t.diagnostic(`${fast} of ${edits} random edits took the fast path`);
  assert.ok(fast > edits / 10, `only ${fast} of ${edits} edits took the fast path`);
});

test('a chain of 100 value edits all take the fast path and stay correct, with identical findings', () => {
  const doc = published('percona-cr.yaml');
  const rnd = random(7);
  let text = doc;
  let parsed = service.parse(sdoc(text, 1));
  const before = PATCHING.count;
  for (let i = 0; i < 100; i++) {
    // Replace a character of a value scalar's text (not the first) with a letter: always the same kind of scalar.
    const candidates = valueScalars(fileOf(parsed)).filter(([s, e]) => e - s >= 3 && /^[a-z][a-z0-9-]*$/.test(text.slice(s, e)));
    const [s, e] = candidates[Math.floor(rnd() * candidates.length)]!;
    const at = s + 1 + Math.floor(rnd() * (e - s - 1));
    text = `${text.slice(0, at)}${'bcdk'[i % 4]}${text.slice(at + 1)}`;
    const d = sdoc(text, i + 2);
    const next = service.parse(d, parsed);
    const fresh = service.parse(d);
    assertSame(fileOf(next), fileOf(fresh), `edit ${i}`);
    assert.deepEqual(service.validate(d, next, DEFAULT_SETTINGS), service.validate(d, fresh, DEFAULT_SETTINGS), `edit ${i}: findings`);
    parsed = next;
  }
  // Header values (metadata.name) are never patched; every other such edit is.
  assert.ok(PATCHING.count - before >= 50, `${PATCHING.count - before} fast-path edits`);
});

test('the fast path is not taken for header values, keys, type-changing syntax, or documents with errors', () => {
  const base = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: abc\n  labels:\n    x: abc\nstringData:\n  k: "v"\n';
  const cases: [string, boolean][] = [
    [base.replace('x: abc', 'x: abd'), true],
    [base.replace('k: "v"', 'k: "vw"'), true],
    [base.replace('name: abc', 'name: abd'), false], // header
    [base.replace('x: abc', 'y: abc'), false], // key
    [base.replace('x: abc', 'x: a: c'), false], // now a nested map
    [base.replace('x: abc', 'x: a #c'), false], // now a comment
    [base.replace('k: "v"', 'k: "v"w"'), false], // broken quote
    [base.replace('x: abc', 'x: {{ .Values.x }}'), false],
  ];
  const first = parseK8s(base);
  for (const [text, fast] of cases) {
    const before = PATCHING.count;
    const got = parseK8s(text, first);
    assert.equal(PATCHING.count - before, fast ? 1 : 0, text);
    assertSame(got, parseK8s(text), text);
  }
  // Flow collections, YAML 1.1 types (a type change is set, not refused), anchors and aliases around the value.
  const rich = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  l: [a, "b", 3]\n  m: { x: 0600, y: yes }\n  s: &s { z: one }\n  t: *s\n  u: 1.50 # c\n';
  const richCases: [string, string, boolean][] = [
    ['[a, "b"', '[ab, "b"', true],
    ['"b", 3]', '"bc", 3]', true],
    ['"b", 3]', '"b", 4]', true],
    ['0600', '0700', true],
    ['0600', '0609', true], // octal → decimal... or string: whatever the library reads, the patch must agree
    ['y: yes', 'y: yess', true], // boolean → string
    ['y: yes', 'y: ye', true],
    ['z: one', 'z: ones', true], // inside an anchored map, read again through the alias
    ['u: 1.50', 'u: 1.5', true],
    ['u: 1.50', 'u: 1.50x', true],
    ['[a, "b"', '[a:, "b"', false],
    ['{ x: 0600', '{ x: 06,00', false],
    ['&s {', '&t {', false],
  ];
  const richFirst = parseK8s(rich);
  for (const [from, to, fast] of richCases) {
    const text = rich.replace(from, to);
    const before = PATCHING.count;
    const got = parseK8s(text, richFirst);
    assert.equal(PATCHING.count - before, fast ? 1 : 0, text);
    assertSame(got, parseK8s(text), text);
    assertSame(richFirst, parseK8s(rich), `${text} (previous)`);
  }
  // A document with a syntax error is never patched.
  const broken = `${base}  bad: [\n`;
  const b = parseK8s(broken);
  const before = PATCHING.count;
  parseK8s(broken.replace('x: abc', 'x: abd'), b);
  assert.equal(PATCHING.count - before, 0);
});

test('reuse brings back every document of a piece the parser splits (a %YAML directive makes the file one piece)', () => {
  const text = '%YAML 1.1\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: a }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: b }\n';
  const first = parseK8s(text);
  assert.equal(first.documents.length, 2);
  const again = parseK8s(text, first);
  assert.deepEqual(again.documents.map(d => d.part.header.name), ['a', 'b']);
  assert.equal(again.documents[1]!.part, first.documents[1]!.part, 'the second document is reused, not re-parsed');
});
