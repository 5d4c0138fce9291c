/**
 * The YAML mode through the façade: which documents are ours (and silence for everything else), exact ranges in
 * multi-document files, the YAML 1.1 reading kubectl uses, Helm templates, syntax errors reported once, hostile input,
 * and incremental re-parsing of large files.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type Problem, type SourceDocument } from '../../server/src/core/types';
import { parseK8s, splitDocuments, type K8sFile } from '../../server/src/languages/k8s/parse';
import { check, describeProblem, testService } from '../helpers';

const service = testService();
const PATH = '/nonexistent/pgtls-k8s/manifests.yaml';
const run = (text: string, path = PATH): Problem[] => check(service, path, text);
const show = (text: string, ps: Problem[]) => ps.map(p => describeProblem(text, p));

const PGPOOL = `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata:
  name: pp
  namespace: demo
spec:
  version: "4.6.0"
  postgresRef: { name: ha-postgres, namespace: demo }
`;

test('languageOf: .yaml and .yml are YAML, other names unchanged', () => {
  assert.equal(service.languageOf('/x/deploy.yaml'), 'yaml');
  assert.equal(service.languageOf('C:\\x\\cluster.YML'), 'yaml');
  assert.equal(service.languageOf('/x/pgpool.conf'), 'pgpool-conf');
  assert.equal(service.languageOf('/x/values.json'), undefined);
});

test('a file with none of our resources gets no diagnostics at all, even when broken', () => {
  for (const text of [
    'version: "3"\nservices:\n  db: { image: postgres:17 }\n',
    'name: ci\non: [push\njobs: {}\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { replicas: "three", bogus: 1 }\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  a: b\n  a: c\n',
    'apiVersion: cpo.opensource.cybertec.at/v1\nkind: PostgreSQL\nmetadata: { name: x }\n', // kind is lower case upstream
    '', '---\n---\n', '# only a comment\n', '\t\tkey: value\n', '- a\n- b\n', 'just a scalar',
  ]) assert.deepEqual(show(text, run(text)), [], JSON.stringify(text));
});

test('multi-document ranges: unknown key on the key, bad value on the value, missing key on the parent key', () => {
  const text = `apiVersion: v1
kind: ConfigMap
metadata: { name: unrelated }
---
${PGPOOL}  cientAuthMode: cert
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: { name: c, namespace: demo }
spec:
  secretName: c-tls
  issuerRef: { name: ca }
  dnsNames: [c.demo.svc]
  privateKey: { encoding: pkcs8 }
---
apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: acid }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  tls:
    caFile: ca.crt
`;
  const got = show(text, run(text));
  assert.deepEqual(got, [
    '13:3-13:16 schema/unknown-field',
    '22:27-22:32 schema/invalid-value',
    '32:3-32:6 schema/missing-field',
  ]);
});

test('YAML 1.1 as kubectl reads it: yes/on are booleans, 0600 is octal, 12:30 and dates stay strings, << merges', () => {
  const percona = `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata: { name: c1 }
spec:
  postgresVersion: 17
  tlsOnly: yes
  instances: [{ name: a, dataVolumeClaimSpec: {} }]
  backups: { pgbackrest: { repos: [{ name: repo1 }] } }
  secrets:
    customRootCATLSSecret:
      name: ca
      items: [{ key: tls.key, path: root.key, mode: 0600 }]
`;
  // Only the note that Secret `ca` is not in the folder: no type error anywhere.
  assert.deepEqual(show(percona, run(percona)), ['11:13-11:15 secret/not-found']);
  // mode 0600 read as decimal 600 would be above the maximum 511: proves the octal reading.
  assert.deepEqual(show(percona.replace('mode: 0600', 'mode: 0o1000'), run(percona.replace('mode: 0600', 'mode: 0o1000'))).map(s => s.split(' ')[1]), ['secret/not-found', 'schema/wrong-type']);
  const cpo = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: &meta { name: acid, labels: { at: 12:30, day: 2024-01-01 } }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  tls:
    secretName: on
`;
  const got = show(cpo, run(cpo));
  assert.deepEqual(got.map(s => s.split(' ')[1]), ['schema/wrong-type'], 'only secretName: on (a boolean); the labels stay strings');
});

test('Helm templates never produce errors: templated documents are skipped, the others are still checked', () => {
  const text = `{{- if .Values.enabled }}
apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata:
  name: {{ .Release.Name }}
spec:
  version: {{ .Values.version }}
  sslMode: {{ .Values.sslMode | default "disabled" }}
{{- end }}
---
${PGPOOL}  sslMode: disabled
`;
  assert.deepEqual(show(text, run(text)), ['19:12-19:20 schema/invalid-value']);
});

test('a syntax error in our document is reported once, precisely; the document gets nothing else', () => {
  const text = `${PGPOOL}  sslMode: "require\n  clientAuthMode: cert\n  bogus: 1\n`;
  const got = run(text);
  assert.deepEqual(show(text, got), ['9:12-9:20 yaml/syntax-error']);
  const tabs = `${PGPOOL}  tls:\n\tissuerRef: {}\n`;
  const t = run(tabs);
  assert.equal(t.length, 1, show(tabs, t).join('\n'));
  assert.equal(t[0]!.rule, 'yaml/syntax-error');
  // An unclosed flow collection: still one problem, on the line where it is.
  const flow = `${PGPOOL}  tls: { issuerRef: { name: ca }\n  clientAuthMode: cert\n`;
  const f = run(flow);
  assert.equal(f.filter(p => p.rule === 'yaml/syntax-error').length >= 1, true);
  assert.equal(new Set(f.map(p => describeProblem(flow, p).split(':')[0])).size, f.length, 'at most one error per line');
});

test('duplicate keys are found in our documents only, on the repeated key', () => {
  const text = `${PGPOOL}  sslMode: require\n  sslMode: disable\n`;
  assert.deepEqual(show(text, run(text)), ['10:3-10:10 yaml/duplicate-key']);
});

test('a billion-laughs document is refused quickly; deep nesting never crashes the process', () => {
  const lol = ['apiVersion: v1', 'kind: Secret', 'metadata: { name: lol }', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) lol.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  lol.push('stringData: { k: *a9 }');
  const text = lol.join('\n') + '\n';
  assert.deepEqual(run(text).map(p => p.rule), ['yaml/too-complex']);
  const deeps = ['['.repeat(5000), '{a: '.repeat(5000), `\n${'- '.repeat(5000)}`, `\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}`];
  for (const deep of deeps) {
    assert.deepEqual(run(`apiVersion: v1\nkind: Secret\nmetadata: { name: d }\ndata: ${deep}\n`).map(p => p.rule), ['yaml/too-complex'], deep.slice(0, 8));
    assert.deepEqual(run(`x: ${deep}\n`), []);
  }
  // A self-referencing alias does not loop.
  assert.doesNotThrow(() => run('apiVersion: v1\nkind: Secret\nmetadata: &m { name: s, labels: *m }\n'));
});

test('hostile input: binary, huge, noise, tabs, odd keys never throw and never report on files that are not ours (a manifest too large to check is said once)', () => {
  const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
  assert.deepEqual(run(binary), []);
  // Too large to validate: said once for a manifest (core/fileGuard.ts), nothing for another YAML file.
  assert.deepEqual(run('apiVersion: v1\nkind: Secret\n' + 'x'.repeat(17 * 1024 * 1024)).map(p => `${p.severity} ${p.rule} ${p.span}`), ['warning pgtls/file-too-large 0,0']);
  assert.deepEqual(run('values:\n' + 'x'.repeat(17 * 1024 * 1024)), []);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = 'apiVersion: kind Secret v1 {}[],-&*!|>\'"#%@`\t\n  ';
  for (let n = 0; n < 300; n++) {
    let t = n % 2 ? 'apiVersion: v1\nkind: Secret\n' : '';
    const len = Math.floor(rnd() * 400);
    for (let i = 0; i < len; i++) t += alphabet[Math.floor(rnd() * alphabet.length)];
    const doc: SourceDocument = { path: PATH, text: t, languageId: 'yaml', version: 1 };
    const parsed = service.parse(doc);
    for (const p of service.validate(doc, parsed, DEFAULT_SETTINGS)) {
      assert.notEqual(p.rule, 'pgtls/internal-error', p.message);
      assert.ok(p.span[0] >= 0 && p.span[1] <= t.length);
    }
    for (const o of [0, Math.floor(t.length / 2), t.length]) {
      service.hover(doc, parsed, o, DEFAULT_SETTINGS);
      service.complete(doc, parsed, o, DEFAULT_SETTINGS);
    }
  }
  const odd = 'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\n? [complex, key]\n: value\n1: one\non: true\nstringData: { a: b }\n';
  assert.ok(run(odd).every(p => p.rule === 'schema/unknown-field'));
});

test('splitDocuments cuts at document markers only', () => {
  const text = 'a: 1\n---\nb: "---"\n--- # c\nc: |\n  ---x\n...\nd: 4\n';
  const parts = splitDocuments(text).map(([s, e]) => text.slice(s, e));
  assert.deepEqual(parts, ['a: 1\n', '---\nb: "---"\n', '--- # c\nc: |\n  ---x\n...\n', 'd: 4\n']);
  assert.equal(splitDocuments('%YAML 1.1\n---\na: 1\n---\nb: 2\n').length, 1, 'directives: one piece');
});

/** bigFile's Secrets hold placeholders (`c1`), not PEM: the certificate-content rule is not the subject here. */
const PLACEHOLDER_SETTINGS = { ...DEFAULT_SETTINGS, rules: { 'secret/not-pem': 'off' as const } };

/** A multi-document file of about `lines` lines: Secrets and CPO clusters. */
function bigFile(lines: number): string {
  const docs: string[] = [];
  let n = 0;
  for (let i = 0; n < lines; i++) {
    const d = i % 2
      ? `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s${i}\n  namespace: db\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: c${i}\n  tls.key: k${i}\n`
      : `apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata:\n  name: pg${i}\n  namespace: db\nspec:\n  teamId: acid\n  numberOfInstances: 2\n  volume: { size: 1Gi }\n  spiloFSGroup: 103\n  postgresql:\n    version: "17"\n  tls:\n    secretName: s${i + 1}\n`;
    docs.push(d);
    n += d.split('\n').length;
  }
  return docs.join('---\n');
}

test('incremental: a one-key edit in a 5,000-line file re-parses and re-validates one document', () => {
  const text = bigFile(5000);
  assert.ok(text.split('\n').length >= 5000);
  const doc: SourceDocument = { path: PATH, text, languageId: 'yaml', version: 1 };
  const first = service.parse(doc);
  assert.deepEqual(service.validate(doc, first, PLACEHOLDER_SETTINGS), [], 'the generated file is clean');
  const file1 = first.file as K8sFile;
  const at = text.indexOf('numberOfInstances: 2', Math.floor(text.length / 2));
  const edited = text.slice(0, at) + 'numberOfInstances: "3"' + text.slice(at + 'numberOfInstances: 2'.length);
  const doc2: SourceDocument = { ...doc, text: edited, version: 2 };
  const second = service.parse(doc2, first);
  const file2 = second.file as K8sFile;
  assert.equal(file2.documents.length, file1.documents.length);
  const fresh = file2.documents.filter((d, i) => d.part !== file1.documents[i]!.part);
  assert.equal(fresh.length, 1, 'only the edited document is parsed again');
  // Every reused document keeps its memoised local findings; only the edited one has none yet.
  const memoised = (f: K8sFile) => f.documents.filter(d => [...d.part.memo.keys()].some(k => k.startsWith('local'))).length;
  assert.equal(memoised(file2), file2.documents.length - 1);
  const problems = service.validate(doc2, second, PLACEHOLDER_SETTINGS);
  assert.deepEqual(problems.map(p => p.rule), ['schema/wrong-type']);
  assert.equal(edited.slice(problems[0]!.span[0], problems[0]!.span[1]), '"3"', 'the range is right although the document moved');
  assert.equal(memoised(file2), file2.documents.length);
  // Inserting a line before shifts every later document: still reused, with correct ranges.
  const shifted = `# a comment at the top\n${edited}`;
  const third = service.parse({ ...doc, text: shifted, version: 3 }, second);
  assert.equal((third.file as K8sFile).documents.filter((d, i) => d.part !== file2.documents[i]!.part).length, 1, 'only the first document changed');
  const p3 = service.validate({ ...doc, text: shifted, version: 3 }, third, PLACEHOLDER_SETTINGS);
  assert.equal(shifted.slice(p3[0]!.span[0], p3[0]!.span[1]), '"3"');
});

test('parse reuse ignores a previous parse of another language and identical documents stay distinct', () => {
  const text = `${PGPOOL}---\n${PGPOOL}`;
  const a = parseK8s(text);
  const b = parseK8s(text, a);
  assert.equal(b.documents[0]!.part, a.documents[0]!.part);
  assert.equal(b.documents[1]!.part, a.documents[1]!.part);
  assert.notEqual(b.documents[0]!.base, b.documents[1]!.base);
  const doc: SourceDocument = { path: PATH, text, languageId: 'yaml', version: 1 };
  const conf = service.parse({ path: '/x/pgpool.conf', text: 'port = 1\n', languageId: 'pgpool-conf' });
  assert.doesNotThrow(() => service.parse(doc, conf));
});

test('CRLF line ends and a byte-order mark give the same problems at the same places', () => {
  const text = `${PGPOOL}  sslMode: disabled\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringdata: {}\n`;
  const want = show(text, run(text));
  assert.deepEqual(want, ['9:12-9:20 schema/invalid-value', '14:1-14:11 schema/unknown-field']);
  const crlf = text.replace(/\n/g, '\r\n');
  assert.deepEqual(show(crlf, run(crlf)), want);
  const bom = `\uFEFF${text}`;
  assert.deepEqual(show(bom, run(bom)), want);
});

test('settings from the editor: expiryWarningDays and crdPaths are normalised, bad values fall back to defaults', async () => {
  const { normalizeSettings } = await import('../../server/src/core/settings');
  assert.equal(normalizeSettings({}).expiryWarningDays, 30);
  assert.deepEqual(normalizeSettings({}).crdPaths, []);
  assert.equal(normalizeSettings({ expiryWarningDays: 7 }).expiryWarningDays, 7);
  assert.equal(normalizeSettings({ expiryWarningDays: -1 }).expiryWarningDays, 30);
  assert.equal(normalizeSettings({ expiryWarningDays: 'x' as unknown as number }).expiryWarningDays, 30);
  assert.deepEqual(normalizeSettings({ crdPaths: ['crds', '', 3 as unknown as string] }).crdPaths, ['crds']);
});

test('reportYamlSyntax "never" leaves duplicate keys and YAML syntax errors to another YAML server; pgtls\'s own findings stay', () => {
  const s = testService();
  const file = path.join(os.tmpdir(), 'pgtls-yaml-syntax', 'pool.yaml');
  const dup = 'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata:\n  name: pp\n  name: pp2\nspec:\n  version: "4.6.0"\n  sslMode: disabled\n';
  const rules = (text: string, reportYamlSyntax?: 'auto' | 'always' | 'never') =>
    check(s, file, text, reportYamlSyntax ? { reportYamlSyntax } : {}).map(p => p.rule);
  for (const mode of [undefined, 'auto', 'always'] as const) {
    assert.ok(rules(dup, mode).includes('yaml/duplicate-key'), `${mode ?? 'default'}: reported`);
  }
  const without = rules(dup, 'never');
  assert.ok(!without.includes('yaml/duplicate-key'), without.join(', '));
  assert.ok(without.includes('schema/invalid-value'), `the schema finding stays: ${without.join(', ')}`);
  const broken = 'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: {name: pp\n';
  assert.ok(rules(broken).includes('yaml/syntax-error'));
  assert.ok(!rules(broken, 'never').includes('yaml/syntax-error'));
});
