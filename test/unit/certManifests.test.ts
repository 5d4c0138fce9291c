/**
 * Manifests from files: every Secret parses back, its data base64-decodes to the exact file bytes, keys and types
 * are what each operator expects (operators.md §2.2, §3.2, §5), KubeDB gets a cert-manager CA Issuer (and a
 * Certificate on request), and the resource patch is attached as comments. Equivalence with kubectl's own output is
 * in test/interop/kubectlSecrets.test.ts.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parse, parseAllDocuments } from 'yaml';
import { kubectlCommand, operatorManifests, renderManifests, requiredFiles, secretObject, toYaml } from '../../server/src/certs/manifests';
import { preset } from '../../server/src/certs/presets';

const enc = (s: string) => new TextEncoder().encode(s);
/** Stand-ins for the files (not real keys: manifests copy bytes and do not parse them). */
const FILES: Record<string, Uint8Array> = {
  'ca.crt': enc('-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n'),
  'ca.key': enc('-----BEGIN PRIVATE KEY-----\nCAKEY\n-----END PRIVATE KEY-----\n'),
  'server.crt': enc('-----BEGIN CERTIFICATE-----\nSERVER\n-----END CERTIFICATE-----\n'),
  'server.key': new Uint8Array([0, 255, 10, 13, 128, 1]), // binary survives too
  'replication.crt': enc('-----BEGIN CERTIFICATE-----\nREPL\n-----END CERTIFICATE-----\n'),
  'replication.key': enc('-----BEGIN PRIVATE KEY-----\nREPLKEY\n-----END PRIVATE KEY-----\n'),
};

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; type?: string; data?: Record<string, string>; spec?: Record<string, unknown> };

function docs(yamlText: string): Doc[] {
  const all = parseAllDocuments(yamlText);
  assert.ok(Array.isArray(all));
  for (const d of all) assert.deepEqual(d.errors, [], 'YAML must parse without errors');
  return all.map(d => d.toJS() as Doc);
}

const decode = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

function assertData(doc: Doc, expected: Record<string, string>): void {
  assert.deepEqual(Object.keys(doc.data!), Object.keys(expected).sort(), `${doc.metadata.name}: data keys`);
  for (const [key, file] of Object.entries(expected)) assert.deepEqual(decode(doc.data![key]!), FILES[file], `${doc.metadata.name}/${key} = ${file}`);
}

describe('secretObject', () => {
  test('kubectl\'s field order, data keys sorted bytewise, namespace only when given, type only for TLS', () => {
    const o = secretObject({ name: 's', namespace: 'ns', type: 'kubernetes.io/tls', data: { 'tls.key': 'k', 'tls.crt': 'c', 'Z.txt': 'z', 'ca.crt': 'a' } });
    assert.deepEqual(Object.keys(o), ['apiVersion', 'data', 'kind', 'metadata', 'type']);
    assert.deepEqual(Object.keys(o.data as object), ['Z.txt', 'ca.crt', 'tls.crt', 'tls.key']);
    assert.deepEqual(o.metadata, { name: 's', namespace: 'ns' });
    const opaque = secretObject({ name: 's', data: { 'root.crt': 'x' } });
    assert.deepEqual(Object.keys(opaque), ['apiVersion', 'data', 'kind', 'metadata']);
    assert.deepEqual(opaque.metadata, { name: 's' });
  });

  test('long base64 stays on one line', () => {
    const text = toYaml(secretObject({ name: 's', data: { big: new Uint8Array(5000).fill(7) } }));
    const line = text.split('\n').find(l => l.startsWith('  big: '))!;
    assert.equal(line.length, '  big: '.length + Math.ceil(5000 / 3) * 4);
  });

  test('refuses bad names, bad keys, empty data and a TLS Secret without tls.crt/tls.key', () => {
    assert.throws(() => secretObject({ name: 'Bad_Name', data: { a: 'x' } }), /not a valid Kubernetes object name/);
    assert.throws(() => secretObject({ name: 's', data: { 'a/b': 'x' } }), /not a valid Secret data key/);
    assert.throws(() => secretObject({ name: 's', data: {} }), /has no data/);
    assert.throws(() => secretObject({ name: 's', type: 'kubernetes.io/tls', data: { 'tls.crt': 'x' } }), /lacks tls\.crt or tls\.key/);
  });

  test('kubectlCommand quotes what the shell would split', () => {
    assert.equal(kubectlCommand({ name: 's', namespace: 'db', type: 'kubernetes.io/tls' }, { 'tls.key': 'd/server.key', 'tls.crt': 'my certs/server.crt' }),
      "kubectl create secret generic s --type=kubernetes.io/tls '--from-file=tls.crt=my certs/server.crt' --from-file=tls.key=d/server.key --namespace=db --dry-run=client -o yaml");
  });
});

describe('Percona', () => {
  const p = preset({ operator: 'percona', name: 'cluster1', namespace: 'pg' });

  test('TLS, replication and root CA Secrets with the right files under the right keys', () => {
    const m = operatorManifests(p, FILES, { sourceDir: 'certs/cluster1' });
    const [tls, repl, root, ...rest] = docs(renderManifests(m));
    assert.equal(rest.length, 0);
    for (const d of [tls!, repl!, root!]) {
      assert.equal(d.apiVersion, 'v1');
      assert.equal(d.kind, 'Secret');
      assert.equal(d.metadata.namespace, 'pg');
    }
    assert.equal(tls!.metadata.name, 'cluster1-custom-tls');
    assert.equal(tls!.type, 'kubernetes.io/tls');
    assertData(tls!, { 'tls.crt': 'server.crt', 'tls.key': 'server.key', 'ca.crt': 'ca.crt' });
    assert.equal(repl!.metadata.name, 'cluster1-custom-replication-tls');
    assertData(repl!, { 'tls.crt': 'replication.crt', 'tls.key': 'replication.key', 'ca.crt': 'ca.crt' });
    // Both leaf Secrets carry the same ca.crt (R1).
    assert.equal(tls!.data!['ca.crt'], repl!.data!['ca.crt']);
    assert.equal(root!.metadata.name, 'cluster1-custom-root-ca');
    assert.equal(root!.type, undefined);
    assertData(root!, { 'root.crt': 'ca.crt', 'root.key': 'ca.key' });
  });

  test('the patch with the items mapping and the notes are comments after the documents; kubectl commands above each', () => {
    const text = renderManifests(operatorManifests(p, FILES, { sourceDir: 'certs/cluster1' }), { kind: 'PerconaPGCluster', name: 'cluster1' });
    assert.match(text, /^# kubectl create secret generic cluster1-custom-tls --type=kubernetes\.io\/tls --from-file=ca\.crt=certs\/cluster1\/ca\.crt --from-file=tls\.crt=certs\/cluster1\/server\.crt --from-file=tls\.key=certs\/cluster1\/server\.key --namespace=pg --dry-run=client -o yaml$/m);
    const patchText = text.split('\n').filter(l => l.startsWith('#   ')).map(l => l.slice(4)).join('\n');
    assert.deepEqual(parse(patchText), p.patch);
    assert.doesNotMatch(patchText, /[&*]a\d/, 'no YAML anchors or aliases in the patch');
    assert.match(text, /# Note: .*_crunchyrepl/);
  });

  test('--no-root-ca: no root Secret and no customRootCATLSSecret; ca.crt stays in the leaf Secrets (R4)', () => {
    const m = operatorManifests(p, FILES, { includeRootCa: false });
    const d = docs(renderManifests(m));
    assert.deepEqual(d.map(x => x.metadata.name), ['cluster1-custom-tls', 'cluster1-custom-replication-tls']);
    assert.deepEqual(Object.keys((m.patch.spec as { secrets: object }).secrets), ['customTLSSecret', 'customReplicationTLSSecret']);
    assert.deepEqual(requiredFiles(p, { includeRootCa: false }), ['ca.crt', 'replication.crt', 'replication.key', 'server.crt', 'server.key']);
  });

  test('a missing input file is named', () => {
    const partial = { ...FILES };
    delete partial['replication.key'];
    assert.throws(() => operatorManifests(p, partial), /missing input file\(s\): replication\.key/);
  });
});

describe('CPO', () => {
  test('one Secret: tls.crt, tls.key, ca.crt', () => {
    const p = preset({ operator: 'cpo', name: 'acid', namespace: 'db' });
    const d = docs(renderManifests(operatorManifests(p, FILES)));
    assert.equal(d.length, 1);
    assert.equal(d[0]!.metadata.name, 'acid-tls');
    assert.equal(d[0]!.type, 'kubernetes.io/tls');
    assertData(d[0]!, { 'tls.crt': 'server.crt', 'tls.key': 'server.key', 'ca.crt': 'ca.crt' });
    assert.deepEqual(requiredFiles(p), ['ca.crt', 'server.crt', 'server.key']);
  });

  test('two Secrets: the CA certificate alone in its own Opaque Secret, never the CA key', () => {
    const p = preset({ operator: 'cpo', name: 'acid', namespace: 'db', cpoLayout: 'two' });
    const [tls, ca] = docs(renderManifests(operatorManifests(p, FILES)));
    assertData(tls!, { 'tls.crt': 'server.crt', 'tls.key': 'server.key' });
    assert.equal(ca!.metadata.name, 'acid-tls-ca');
    assert.equal(ca!.type, undefined);
    assertData(ca!, { 'ca.crt': 'ca.crt' });
  });
});

describe('KubeDB', () => {
  const p = preset({ operator: 'kubedb', name: 'pp', namespace: 'demo' });

  test('the CA key pair as tls.crt/tls.key and a cert-manager CA Issuer in the same namespace', () => {
    const [secret, issuer, ...rest] = docs(renderManifests(operatorManifests(p, FILES)));
    assert.equal(rest.length, 0);
    assert.equal(secret!.metadata.name, 'pp-ca');
    assert.equal(secret!.type, 'kubernetes.io/tls');
    assertData(secret!, { 'tls.crt': 'ca.crt', 'tls.key': 'ca.key' });
    assert.deepEqual(issuer, { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'pp-ca-issuer', namespace: 'demo' }, spec: { ca: { secretName: 'pp-ca' } } });
    assert.deepEqual(requiredFiles(p), ['ca.crt', 'ca.key']);
  });

  test('--certificate adds a client Certificate for postgres issued by that Issuer, key matching the algorithm', () => {
    const d = docs(renderManifests(operatorManifests(p, FILES, { certificate: true, algorithm: 'rsa-3072', days: 90 })));
    const cert = d.find(x => x.kind === 'Certificate')!;
    assert.equal(cert.apiVersion, 'cert-manager.io/v1');
    assert.equal(cert.metadata.namespace, 'demo');
    assert.deepEqual(cert.spec, {
      secretName: 'pp-postgres-client-cert',
      commonName: 'postgres',
      duration: '2160h',
      usages: ['client auth', 'digital signature', 'key encipherment'],
      privateKey: { algorithm: 'RSA', size: 3072, encoding: 'PKCS8', rotationPolicy: 'Always' },
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'pp-ca-issuer' },
    });
    const ec = docs(renderManifests(operatorManifests(p, FILES, { certificate: true }))).find(x => x.kind === 'Certificate')!;
    assert.deepEqual((ec.spec as { privateKey: object }).privateKey, { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' });
    assert.deepEqual((ec.spec as { usages: string[] }).usages, ['client auth', 'digital signature']);
  });
});

test('plain Pgpool-II has no manifests', () => {
  assert.throws(() => operatorManifests(preset({ operator: 'pgpool', name: 'h' }), FILES), /no Kubernetes Secrets/);
});

test('without a namespace the Secrets have none, as kubectl without --namespace prints them', () => {
  const p = { ...preset({ operator: 'cpo', name: 'acid' }), namespace: undefined };
  const d = docs(renderManifests(operatorManifests(p, FILES)));
  assert.deepEqual(d[0]!.metadata, { name: 'acid-tls' });
});
