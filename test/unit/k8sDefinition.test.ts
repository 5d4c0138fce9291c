/**
 * Go-to-definition in the YAML mode through the façade: from a reference (CPO `tls.secretName`, Percona
 * `spec.secrets.*.name`, a CA Issuer's `ca.secretName`, cert-manager and KubeDB `issuerRef.name`) to the
 * `metadata.name` of what it names, in the same file, in a sibling file, or in an unsaved buffer of `env.workspace`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type SourceDocument, type WorkspaceFile } from '../../server/src/core/types';
import type { Service } from '../../server/src/service';
import { testEnv, testService } from '../helpers';
import type { FeatureContext } from '../../server/src/core/language';
import { k8sMode, type K8sFile } from '../../server/src/languages/k8s';

const service = testService();

const docOf = (text: string, p: string): SourceDocument => ({ path: p, text, languageId: 'yaml', version: 1 });
/** The definitions of the reference at the first occurrence of `needle` (plus `delta` characters), as `file:text`. */
function defs(text: string, needle: string, p: string, svc: Service = service, delta = 1): { file: string; text: string }[] {
  const d = docOf(text, p);
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the text`);
  return svc.definition(d, svc.parse(d), at + delta, DEFAULT_SETTINGS).map(l => {
    const src = l.file === p ? text : fs.readFileSync(l.file, 'utf8');
    return { file: l.file, text: src.slice(l.span[0], l.span[1]) };
  });
}

const CPO = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: c1, namespace: db }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  tls:
    secretName: c1-tls
    caSecretName: c1-ca
    caFile: ca.crt
`;
const secret = (name: string, ns = 'db') => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ntype: kubernetes.io/tls\nstringData: { tls.crt: a, tls.key: b }\n`;

test('same file: a CPO secretName and caSecretName lead to the Secrets\' names in other documents of the file', () => {
  const text = `${secret('c1-tls')}---\n${CPO}---\n${secret('c1-ca')}`;
  const p = '/nonexistent/pgtls-def/all.yaml';
  const a = defs(text, 'secretName: c1-tls', p, service, 14);
  assert.deepEqual(a, [{ file: p, text: 'c1-tls' }]);
  assert.equal(service.definition(docOf(text, p), service.parse(docOf(text, p)), text.indexOf('secretName: c1-tls') + 14, DEFAULT_SETTINGS)[0]!.span[0], text.indexOf('c1-tls'), 'the first document\'s name');
  assert.deepEqual(defs(text, 'c1-ca\n    caFile', p, service, 0), [{ file: p, text: 'c1-ca' }]);
  // The cursor on the key, on another field, or on the Secret's own name: nothing.
  assert.deepEqual(defs(text, 'secretName: c1-tls', p, service, 2), []);
  assert.deepEqual(defs(text, 'teamId: acid', p, service, 9), []);
  assert.deepEqual(defs(text, 'name: c1-tls', p, service, 7), []);
});

test('across files (the YAML files beside the file); another namespace is only a fallback; not found → empty', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-def-'));
  fs.writeFileSync(path.join(dir, 'secrets.yaml'), `${secret('c1-tls', 'other')}---\n${secret('c1-tls')}`);
  const p = path.join(dir, 'cpo.yaml');
  const got = defs(CPO, 'c1-tls', p, service, 0);
  assert.deepEqual(got, [{ file: path.join(dir, 'secrets.yaml'), text: 'c1-tls' }]);
  const located = service.definition(docOf(CPO, p), service.parse(docOf(CPO, p)), CPO.indexOf('c1-tls'), DEFAULT_SETTINGS);
  const disk = fs.readFileSync(path.join(dir, 'secrets.yaml'), 'utf8');
  assert.equal(located[0]!.span[0], disk.lastIndexOf('c1-tls'), 'the Secret of namespace db, not the one of namespace other');
  assert.deepEqual(defs(CPO, 'c1-ca', p, service, 0), [], 'a Secret that is nowhere');
  // Broken YAML, wrong types, an empty name: empty, never a throw.
  assert.deepEqual(defs(CPO.replace('secretName: c1-tls', 'secretName: [c1-tls]'), 'c1-tls', p, service, 0), []);
  assert.deepEqual(defs(CPO.replace('secretName: c1-tls', 'secretName: ""'), 'secretName', p, service, 13), []);
  // A syntax error elsewhere in the document: the parser recovers, and the reference still leads to its Secret.
  assert.deepEqual(defs(`${CPO}  broken: [\n`, 'c1-tls', p, service, 0).map(d => d.text), ['c1-tls']);
  assert.deepEqual(defs(`${CPO.slice(0, -30)}\n\t: : [{\n`, 'c1-tls', p, service, 0).length <= 1, true);
  assert.deepEqual(defs('spec: 3\n', 'spec', p, service, 0), []);
});

test('an unsaved buffer of env.workspace is where the definition leads', () => {
  const files = new Map<string, string>([['/ws/a/secret.yaml', secret('c1-tls')]]);
  const svc = testService({
    workspace: {
      roots: () => ['/ws'],
      *files(): Iterable<WorkspaceFile> {
        for (const [p, t] of files) yield { path: p, languageId: 'yaml', version: t, text: () => t };
      },
    },
  });
  const d = docOf(CPO, '/ws/cpo.yaml');
  assert.deepEqual(svc.definition(d, svc.parse(d), CPO.indexOf('c1-tls'), DEFAULT_SETTINGS).map(l => l.file), ['/ws/a/secret.yaml']);
  files.set('/ws/a/secret.yaml', `# moved down\n\n${secret('c1-tls')}`);
  const [loc] = svc.definition(d, svc.parse(d), CPO.indexOf('c1-tls'), DEFAULT_SETTINGS);
  assert.equal(loc!.span[0], files.get('/ws/a/secret.yaml')!.indexOf('c1-tls'), 'the buffer\'s text, not the disk');
  files.clear();
  assert.deepEqual(svc.definition(d, svc.parse(d), CPO.indexOf('c1-tls'), DEFAULT_SETTINGS), []);
});

test('Percona projections, a CA Issuer\'s Secret, a ClusterIssuer\'s Secret in any namespace, issuerRef of Certificate and Pgpool', () => {
  const p = '/nonexistent/pgtls-def/cm.yaml';
  const percona = `apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata: { name: c, namespace: db }\nspec:\n  secrets:\n    customTLSSecret: { name: c-server-tls }\n    customReplicationTLSSecret:\n      name: c-repl-tls\n`;
  const text1 = `${percona}---\n${secret('c-server-tls')}---\n${secret('c-repl-tls')}`;
  assert.deepEqual(defs(text1, 'name: c-server-tls }', p, service, 7).map(d => d.text), ['c-server-tls']);
  assert.deepEqual(defs(text1, 'c-repl-tls', p, service, 0).map(d => d.text), ['c-repl-tls']);

  const issuer = `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: ca, namespace: db }\nspec:\n  ca: { secretName: ca-key-pair }\n`;
  const cluster = `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: { name: root }\nspec:\n  ca: { secretName: root-ca }\n`;
  const cert = `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: srv, namespace: db }\nspec:\n  secretName: srv-tls\n  dnsNames: [a]\n  issuerRef: { name: ca }\n`;
  const certCluster = cert.replace('name: srv,', 'name: srv2,').replace('{ name: ca }', '{ name: root, kind: ClusterIssuer, group: cert-manager.io }');
  const external = cert.replace('name: srv,', 'name: srv3,').replace('{ name: ca }', '{ name: ca, kind: Issuer, group: example.com }');
  const pgpool = `apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: pp, namespace: db }\nspec:\n  tls:\n    issuerRef: { apiGroup: cert-manager.io, kind: ClusterIssuer, name: root }\n    certificates:\n      - alias: server\n        secretName: ca-key-pair\n`;
  const text = [issuer, cluster, cert, certCluster, external, pgpool, secret('ca-key-pair'), secret('root-ca', 'cert-manager')].join('---\n');
  assert.deepEqual(defs(text, 'ca-key-pair }', p, service, 0).map(d => d.text), ['ca-key-pair']);
  assert.deepEqual(defs(text, 'root-ca }', p, service, 0).map(d => d.text), ['root-ca'], 'a ClusterIssuer\'s Secret is in cert-manager\'s namespace');
  const certAt = text.indexOf('issuerRef: { name: ca }') + 'issuerRef: { name: '.length;
  const d = docOf(text, p);
  const [toIssuer] = service.definition(d, service.parse(d), certAt, DEFAULT_SETTINGS);
  assert.equal(toIssuer!.span[0], text.indexOf('name: ca,') + 6, 'the Issuer (the default kind)');
  const [toCluster] = service.definition(d, service.parse(d), text.indexOf('{ name: root, kind') + 8, DEFAULT_SETTINGS);
  assert.equal(toCluster!.span[0], text.indexOf('name: root }') + 6, 'the ClusterIssuer');
  assert.deepEqual(service.definition(d, service.parse(d), text.indexOf('name: ca, kind: Issuer, group: example.com') + 7, DEFAULT_SETTINGS), [], 'an external issuer');
  const [fromPgpool] = service.definition(d, service.parse(d), text.indexOf('kind: ClusterIssuer, name: root') + 27, DEFAULT_SETTINGS);
  assert.equal(fromPgpool!.span[0], text.indexOf('name: root }') + 6);
  assert.deepEqual(defs(text, 'secretName: ca-key-pair\n', p, service, 13).map(d => d.text), ['ca-key-pair'], 'KubeDB certificates[].secretName');
  assert.deepEqual(defs(text, 'srv-tls', p, service, 0), [], 'a Certificate\'s target Secret that is not in the workspace');
});

test('bad input never throws: definition, hover and completion at every offset of malformed and mistyped documents', () => {
  const inputs = [
    'apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nspec:\n  tls: { secretName: { a: 1 } }\n',
    'apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nspec:\n  tls:\n    secretName: ~\n---\nkind: Secret\napiVersion: v1\nmetadata: 3\n',
    'apiVersion: cert-manager.io/v1\nkind: Certificate\nspec: { issuerRef: [a, b], secretName: [x] }\n---\napiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: [x] }\n',
    'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nspec:\n  tls:\n    certificates: { alias: x }\n    issuerRef: { kind: 7, name: &a x, apiGroup: *a }\n',
    'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata: { tls.crt: null, tls.key: [1], ca.crt: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==", x: !!binary aGk= }\nstringData: 3\n',
    'apiVersion: v1\nkind: Secret\nstringData:\n  tls.crt: |\n    -----BEGIN CERTIFICATE-----\n    AAAA\n    -----END CERTIFICATE-----\n  tls.key: "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n"\n',
    'apiVersion: example.com/v1\nkind: Widget\nspec: { a: [\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: { group: example.com, names: { kind: Widget }, versions: [{ name: v1, schema: { openAPIV3Schema: { properties: 3 } } }] }\n',
    '{{ if .Values.x }}\napiVersion: v1\nkind: Secret\n{{ end }}\n',
  ];
  const p = '/nonexistent/pgtls-def-robust/x.yaml';
  // The mode itself, not the façade (which would hide a throw behind its catch).
  const ctx: FeatureContext = { settings: DEFAULT_SETTINGS, env: testEnv(), parseSibling: () => undefined };
  for (const text of inputs) {
    const d = docOf(text, p);
    const file = k8sMode.parse(d) as K8sFile;
    for (let offset = 0; offset <= text.length; offset++) {
      const defs = k8sMode.definition!(d, file, offset, ctx);
      for (const l of defs) assert.ok(l.span[0] >= 0 && l.span[1] >= l.span[0], JSON.stringify(l));
      k8sMode.hover!(d, file, offset, ctx);
      assert.ok(Array.isArray(k8sMode.complete!(d, file, offset, ctx)));
    }
  }
});
