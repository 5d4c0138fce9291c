/**
 * The operator rule modules of the YAML mode (check/kubedb.ts, percona.ts, cpo.ts, certManager.ts, secretKeys.ts)
 * beyond their fixtures: rule metadata, Go durations, the edges of each rule (schema-invalid input is left to the
 * schema, user CRDs, Helm), severity overrides, and workspace-wide updates (a changed Secret or Issuer file changes the
 * diagnostics of the resource that refers to it).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEFAULT_SETTINGS, type Problem, type Settings, type SourceDocument, type WorkspaceFile } from '../../server/src/core/types';
import { rulesOf } from '../../server/src/core/rules';
import * as K8S from '../../server/src/languages/k8s/rules';
import { CERT as CERT_RULES } from '../../server/src/x509';
import { goDuration, HOUR } from '../../server/src/languages/k8s/check/util';
import { isBareEmail, isDnsSubdomain } from '../../server/src/languages/k8s/check/certManagerSpec';
import { isIpAddress } from '../../server/src/x509';
import { describeProblem, testService } from '../helpers';

const service = testService();
const PATH = '/nonexistent/pgtls-k8s-rules/manifests.yaml';
const docOf = (text: string, p = PATH): SourceDocument => ({ path: p, text, languageId: 'yaml', version: 1 });
const validate = (text: string, settings: Partial<Settings> = {}, svc = service, p = PATH): Problem[] => {
  const d = docOf(text, p);
  return svc.validate(d, svc.parse(d), { ...DEFAULT_SETTINGS, ...settings });
};
const rules = (text: string, settings: Partial<Settings> = {}) => validate(text, settings).map(p => p.rule);
const show = (text: string, ps: Problem[]) => ps.map(p => describeProblem(text, p));

const PGPOOL = `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata: { name: pp, namespace: demo }
spec:
  version: "4.6.0"
  postgresRef: { name: ha-postgres }
`;
const PERCONA = `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata: { name: cluster1, namespace: db }
spec:
  postgresVersion: 17
  instances: [{ name: instance1, dataVolumeClaimSpec: {} }]
  backups: { pgbackrest: { repos: [{ name: repo1 }] } }
`;
const CPO = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: cluster-1, namespace: db }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  spiloFSGroup: 103
  tls: { secretName: cluster-1-tls }
`;

test('every module rule: scoped id, one-line description, a source naming operators.md and an upstream place', () => {
  const scopes = ['pgpool', 'percona', 'cpo', 'cert-manager', 'secret', 'cert'];
  const ids = new Set<string>();
  // The rules of the modules: the tables of their scopes (k8s/rules.ts).
  for (const r of rulesOf(K8S.PGPOOL, K8S.PERCONA, K8S.CPO, K8S.CERT_MANAGER, K8S.SECRET, CERT_RULES)) {
    assert.match(r.id, /^[a-z-]+\/[a-z0-9-]+$/, r.id);
    assert.ok(scopes.includes(r.id.split('/')[0]!), `${r.id} scope`);
    assert.ok(!ids.has(r.id), `${r.id} registered twice`);
    ids.add(r.id);
    assert.ok(r.description.length > 20 && !r.description.includes('\n'), `${r.id} description`);
    if (r.id !== 'secret/not-found') assert.match(r.source, /operators\.md/, `${r.id} source names operators.md`);
    assert.match(r.source, /[a-z]\.(go|md|yaml)|\(/, `${r.id} source names an upstream file or function`);
  }
  const registered = new Set(service.rules().map(r => r.id));
  for (const id of ids) assert.ok(registered.has(id), `${id} reaches the service`);
});

test('Go durations as time.ParseDuration reads them', () => {
  assert.equal(goDuration('720h'), 720 * HOUR);
  assert.equal(goDuration('2h10m'), 2 * HOUR + 10 * 60_000);
  assert.equal(goDuration('1.5h'), 1.5 * HOUR);
  assert.equal(goDuration('720h0m0s'), 720 * HOUR);
  assert.equal(goDuration('300ms'), 300);
  assert.equal(goDuration('0'), 0);
  for (const bad of ['90d', '1 h', 'h', '', '10', '1y', '2160']) assert.equal(goDuration(bad), undefined, bad);
});

test('KubeDB: values outside the enum are the schema\'s alone; cert without tls and sslMode without tls both reported', () => {
  assert.deepEqual(rules(`${PGPOOL}  sslMode: disabled\n`), ['schema/invalid-value']);
  assert.deepEqual(rules(`${PGPOOL}  sslMode: prefer\n  clientAuthMode: cert\n`).sort(), ['pgpool/cert-auth-without-tls', 'pgpool/ssl-mode-without-tls']);
  assert.deepEqual(rules(`${PGPOOL}  sslMode: allow\n  tls:\n    issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: ca }\n`), []);
  // `tls: {}` is TLS for the webhook (P1 passes) but has no issuerRef (K1).
  assert.deepEqual(rules(`${PGPOOL}  sslMode: require\n  tls: {}\n`), ['pgpool/missing-issuer-ref']);
  // cert-manager's `group` spelling is the schema's unknown field, not also a missing apiGroup.
  assert.deepEqual(rules(`${PGPOOL}  tls:\n    issuerRef: { group: cert-manager.io, kind: Issuer, name: ca }\n`), ['schema/unknown-field']);
});

test('KubeDB P5: mount paths are compared exactly, and initContainers only when containers are set (as the webhook does)', () => {
  const tpl = (s: string) => `${PGPOOL}  podTemplate:\n    spec:\n${s}`;
  assert.deepEqual(rules(tpl('      containers: [{ name: pgpool, volumeMounts: [{ name: x, mountPath: /config/ }] }]\n')), []);
  assert.deepEqual(rules(tpl('      initContainers: [{ name: i, volumeMounts: [{ name: x, mountPath: /config }] }]\n')), []);
  assert.deepEqual(rules(tpl('      containers: []\n      initContainers: [{ name: i, volumeMounts: [{ name: x, mountPath: /config }] }]\n')), ['pgpool/reserved-volume']);
  assert.deepEqual(rules(tpl('      volumes: [{ name: pgpool-config, emptyDir: {} }]\n')), ['pgpool/reserved-volume']);
});

test('Percona: R4b needs complete items, skips the root CA; R8 quotes the CEL message; R9 also reads raw hba lines', () => {
  const secrets = (s: string) => `${PERCONA}  secrets:\n${s}`;
  // The Secrets are not in the folder (secret/not-found notes, tested elsewhere).
  const noNote = { rules: { 'secret/not-found': 'off' as const } };
  // An item without path is the schema's problem; no second report.
  assert.deepEqual(rules(secrets('    customTLSSecret: { name: a, items: [{ key: tls.crt }] }\n    customReplicationTLSSecret: { name: b }\n'), noNote), ['schema/missing-field']);
  assert.deepEqual(rules(secrets('    customTLSSecret: { name: a }\n    customReplicationTLSSecret: { name: b }\n    customRootCATLSSecret: { name: c, items: [{ key: k, path: root.key }] }\n'), noNote), []);
  const tlsOnly = `${PERCONA}  tlsOnly: yes\n  authentication:\n    rules:\n      - { connection: hostssl, method: md5, hba: "host all all 0.0.0.0/0 md5" }\n`;
  // The raw line is also checked as pg_hba (check/embedded.ts): open to all with md5.
  assert.deepEqual(show(tlsOnly, validate(tlsOnly)), ['11:50-11:78 percona/tls-only-user-rules', '11:64-11:73 pg-hba/wide-open']);
  const p = validate(`${PERCONA}  config: { parameters: { ssl_cert_file: /x } }\n`);
  assert.deepEqual(p.map(x => `${x.rule} ${x.severity}`), ['percona/ssl-parameter error']);
  assert.match(p[0]!.message, /TLS is always enabled/);
});

test('Percona R11/R12 apply only on the cert-manager path (no custom root CA); unparsable durations are left alone', () => {
  assert.deepEqual(rules(`${PERCONA}  tls: { certValidityDuration: 100h }\n`), ['percona/validity-duration']);
  assert.deepEqual(rules(`${PERCONA}  tls: { certValidityDuration: 30d }\n`), []);
  const long = PERCONA.replace('name: cluster1,', `name: ${'c'.repeat(56)},`);
  assert.deepEqual(rules(long), ['percona/name-length']);
  const at55 = PERCONA.replace('name: cluster1,', `name: ${'c'.repeat(55)},`);
  // <cluster>-<set>-xxxx: 55 + 1 + 9 + 5 = 70 characters with instance1, 62 with a set named `a`.
  assert.deepEqual(rules(at55), ['percona/name-length']);
  assert.deepEqual(rules(at55.replace('name: instance1', 'name: a')), []);
});

test('CPO: an empty secretName reports once (not also caSecretName); severities follow pgtls.rules overrides', () => {
  const empty = CPO.replace('tls: { secretName: cluster-1-tls }', 'tls: { secretName: "", caSecretName: ca }');
  assert.deepEqual(rules(empty), ['cpo/empty-secret-name']);
  assert.deepEqual(rules(empty, { rules: { 'cpo/empty-secret-name': 'off' } }), []);
  const p = validate(empty, { rules: { 'cpo/empty-secret-name': 'error' } });
  assert.deepEqual(p.map(x => x.severity), ['error']);
});

test('Helm-templated documents get none of the operator rules', () => {
  const text = `${PGPOOL}  sslMode: require\n  clientAuthMode: cert\n  podTemplate: { spec: { volumes: [{ name: certs }] } }\n  replicas: {{ .Values.replicas }}\n`;
  assert.deepEqual(rules(text), []);
});

test('workspace: editing the Secret or Issuer file changes the diagnostics of the resource that refers to it', () => {
  const secret = (keys: string) => `apiVersion: v1\nkind: Secret\nmetadata: { name: cluster-1-tls, namespace: db }\nstringData: { ${keys} }\n`;
  const issuer = (ns: string) => `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: db-ca, namespace: ${ns} }\nspec: { ca: { secretName: db-ca } }\n`;
  const files = new Map<string, string>([['/ws/secret.yaml', secret('tls.crt: x')], ['/ws/issuer.yaml', issuer('ops')]]);
  let version = 0;
  const svc = testService({
    workspace: {
      roots: () => ['/ws'],
      *files(): Iterable<WorkspaceFile> {
        for (const [p, t] of files) yield { path: p, languageId: 'yaml', version: `${version}:${t.length}`, text: () => t };
      },
    },
  });
  const cpo = validate(CPO, {}, svc, '/ws/cpo.yaml');
  assert.deepEqual(cpo.map(p => p.rule), ['secret/missing-key']);
  assert.match(cpo[0]!.message, /no key "tls\.key"/);
  assert.equal(cpo[0]!.related?.[0]?.file, '/ws/secret.yaml', 'points at the Secret');
  files.set('/ws/secret.yaml', secret('tls.crt: x, tls.key: k'));
  version++;
  assert.deepEqual(validate(CPO, {}, svc, '/ws/cpo.yaml'), []);
  files.delete('/ws/secret.yaml');
  assert.deepEqual(validate(CPO, {}, svc, '/ws/cpo.yaml').map(p => `${p.rule} ${p.severity}`), ['secret/not-found info'], 'absent: a note, never missing-key');

  const cert = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: c, namespace: db }\nspec:\n  secretName: c-tls\n  commonName: c\n  issuerRef: { name: db-ca }\n';
  assert.deepEqual(validate(cert, {}, svc, '/ws/cert.yaml').map(p => p.rule), ['cert-manager/issuer-scope']);
  files.set('/ws/issuer.yaml', issuer('db'));
  version++;
  assert.deepEqual(validate(cert, {}, svc, '/ws/cert.yaml'), []);
});

const applyFix = (text: string, p: Problem, i = 0): string => {
  const edits = [...p.fixes![i]!.edits].sort((a, b) => b.span[0] - a.span[0]);
  let out = text;
  for (const e of edits) out = out.slice(0, e.span[0]) + e.newText + out.slice(e.span[1]);
  return out;
};

test('quick fixes: a tls.issuerRef skeleton and the missing twin Secret, in block and flow maps; the result validates clean', () => {
  const cases: [string, string, RegExp][] = [
    [`${PGPOOL}  sslMode: require\n  tls:\n    certificates:\n      - alias: server\n`, 'pgpool/missing-issuer-ref',
      /\n  tls:\n    issuerRef: \{ apiGroup: cert-manager\.io, kind: Issuer, name: pp-ca-issuer \}\n    certificates:\n/],
    [`${PGPOOL}  tls: {}\n`, 'pgpool/missing-issuer-ref', /tls: \{ issuerRef: \{ apiGroup: cert-manager\.io, kind: Issuer, name: pp-ca-issuer \} \}\n/],
    [`${PGPOOL}  tls: { certificates: [{ alias: server }] }\n`, 'pgpool/missing-issuer-ref', /tls: \{ issuerRef: \{[^}]*\}, certificates:/],
    [`${PERCONA}  secrets:\n    customTLSSecret:\n      name: c1-cert\n`, 'percona/twin-secrets',
      /\n  secrets:\n    customReplicationTLSSecret: \{ name: cluster1-replication-tls \}\n    customTLSSecret:\n/],
    [`${PERCONA}  secrets: { customReplicationTLSSecret: { name: r } }\n`, 'percona/twin-secrets', /secrets: \{ customTLSSecret: \{ name: cluster1-server-tls \}, customReplicationTLSSecret/],
  ];
  // The Percona Secrets named are not in the folder: their secret/not-found notes are not what this test is about.
  const noNote = { rules: { 'secret/not-found': 'off' as const } };
  for (const [text, rule, shape] of cases) {
    const ps = validate(text, noNote);
    assert.deepEqual(ps.map(p => p.rule), [rule], text);
    assert.equal(ps[0]!.fixes?.length, 1, `${rule} offers a fix`);
    const fixed = applyFix(text, ps[0]!);
    assert.match(fixed, shape);
    assert.deepEqual(validate(fixed, noNote).map(p => p.rule), [], fixed);
  }
});

// ------------------------------------------------------------------ issue 3: the remaining operator and cert-manager rules

const CERT = (spec: string, name = 'c') => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: ${name}, namespace: db }\nspec:\n  secretName: ${name}-tls\n  issuerRef: { name: db-ca, kind: ClusterIssuer }\n${spec}`;
const ISSUER = (kind: string, spec: string) => `apiVersion: cert-manager.io/v1\nkind: ${kind}\nmetadata: { name: i${kind === 'Issuer' ? ', namespace: db' : ''} }\n${spec}`;

test('cert-manager helpers: IP addresses as Go net.ParseIP reads them, bare e-mail addresses, DNS subdomains', () => {
  for (const ok of ['10.0.0.1', '0.0.0.0', '255.255.255.255', '::', '::1', '1::', 'fe80::1', '2001:db8::8a2e:370:7334', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', '1:2:3:4:5:6:1.2.3.4']) {
    assert.ok(isIpAddress(ok), ok);
  }
  for (const bad of ['256.0.0.1', '10.0.0', '10.0.0.1.2', '010.0.0.1', '10.0.0.0/8', 'localhost', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1:2:3:4:5:6:7', 'fe80::1%eth0', '::ffff:300.0.0.1', '12345::', '', ' 10.0.0.1']) {
    assert.ok(!isIpAddress(bad), bad);
  }
  for (const ok of ['dba@example.com', 'first.last+tag@db.example.org', 'a@b']) assert.ok(isBareEmail(ok), ok);
  for (const bad of ['DBA <dba@example.com>', '<dba@example.com>', 'dba', 'dba@', '@example.com', 'a b@example.com', '.a@example.com', 'a..b@example.com', 'a@-x.com']) {
    assert.ok(!isBareEmail(bad), bad);
  }
  assert.ok(isDnsSubdomain('cluster1.server-tls'));
  assert.ok(isDnsSubdomain(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`), '253 characters');
  assert.ok(!isDnsSubdomain(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`), '254 characters');
  for (const bad of ['', 'A', 'a_b', '-a', 'a-', 'a..b', '.a']) assert.ok(!isDnsSubdomain(bad), bad);
});

test('cert-manager C6/C7: a weak RSA key is an error, 2048 is fine, the default algorithm is RSA, Ed25519 ignores size', () => {
  const pk = (s: string) => rules(CERT(`  dnsNames: [c.db.svc]\n  privateKey: ${s}\n`));
  assert.deepEqual(pk('{ algorithm: RSA, size: 1024 }'), ['cert-manager/key-size']);
  assert.deepEqual(pk('{ algorithm: RSA, size: 2047 }'), ['cert-manager/key-size']);
  assert.deepEqual(pk('{ algorithm: RSA, size: 2048 }'), []);
  assert.deepEqual(pk('{ size: 1024 }'), ['cert-manager/key-size'], 'no algorithm: RSA');
  assert.deepEqual(pk('{ size: 0 }'), [], '0 is the unset default');
  assert.deepEqual(pk('{ algorithm: ECDSA, size: 521 }'), []);
  assert.deepEqual(pk('{ algorithm: ECDSA, size: 512 }'), ['cert-manager/key-size']);
  assert.deepEqual(pk('{ algorithm: Ed25519, size: 99 }'), []);
  // A string size is the schema's; a weak key is reported with its value as the span.
  assert.deepEqual(pk('{ algorithm: RSA, size: "1024" }'), ['schema/wrong-type']);
  const text = CERT('  dnsNames: [c.db.svc]\n  privateKey: { algorithm: RSA, size: 1024 }\n');
  const [p] = validate(text);
  assert.equal(text.slice(p!.span[0], p!.span[1]), '1024');
  assert.equal(p!.severity, 'error');
  assert.match(p!.message, /2048 to 8192/);
  // C7: an unknown algorithm is the schema's (enum), not also a mismatch.
  assert.deepEqual(rules(CERT('  dnsNames: [c.db.svc]\n  signatureAlgorithm: MD5WithRSA\n')), ['schema/invalid-value']);
  assert.deepEqual(rules(CERT('  dnsNames: [c.db.svc]\n  privateKey: { algorithm: ECDSA }\n  signatureAlgorithm: PureEd25519\n')), ['cert-manager/signature-algorithm']);
});

test('cert-manager C1/C3/C4: identities counted as the webhook does; a missing secretName is the schema\'s alone', () => {
  const noSecret = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: c, namespace: db }\nspec:\n  issuerRef: { name: x }\n  dnsNames: [a]\n';
  assert.deepEqual(rules(noSecret), ['schema/missing-field']);
  assert.deepEqual(rules(CERT('  commonName: ""\n  uris: []\n')), ['cert-manager/no-identity']);
  assert.deepEqual(rules(CERT('  uris: [spiffe://cluster.local/ns/db/sa/pg]\n')), []);
  assert.deepEqual(rules(CERT('  otherNames: [{ oid: 1.2.3, utf8Value: x }]\n')), []);
  assert.deepEqual(rules(CERT('  literalSubject: "O=x, CN=app"\n')), []);
  assert.deepEqual(rules(CERT('  literalSubject: "2.5.4.3=app"\n')), []);
  assert.deepEqual(rules(CERT('  literalSubject: "O=CN\\\\=x"\n')), ['cert-manager/no-identity']);
  assert.deepEqual(rules(CERT(`  commonName: ${'x'.repeat(64)}\n`)), []);
  assert.deepEqual(rules(CERT(`  commonName: ${'x'.repeat(65)}\n`)), ['cert-manager/common-name']);
});

test('cert-manager Issuer I1-I4 and ClusterIssuer I5; an Issuer\'s own Secret is not this rule\'s', () => {
  assert.deepEqual(rules(ISSUER('Issuer', 'spec: {}\n')), ['cert-manager/issuer-type']);
  assert.deepEqual(rules(ISSUER('Issuer', 'spec: { selfSigned: {} }\n')), []);
  // acme with only required fields: schema-valid, one type.
  assert.deepEqual(rules(ISSUER('ClusterIssuer', 'spec:\n  acme: { server: https://a, privateKeySecretRef: { name: k } }\n  vault: { server: https://v, path: p, auth: {} }\n  venafi: { zone: z, tpp: { url: https://t, credentialsRef: { name: c } } }\n')),
    ['cert-manager/issuer-type', 'cert-manager/issuer-type']);
  assert.deepEqual(rules(ISSUER('Issuer', 'spec:\n  acme: { server: https://a, privateKeySecretRef: { name: k }, solvers: [{}] }\n')), ['cert-manager/issuer-config']);
  assert.deepEqual(rules(ISSUER('Issuer', 'spec:\n  vault: { server: https://v, path: "pki..x/sign", auth: {} }\n')), [], '".." only as a path segment');
  const secretIn = (ns: string) => `---\napiVersion: v1\nkind: Secret\nmetadata: { name: root-ca, namespace: ${ns} }\n`;
  const cluster = ISSUER('ClusterIssuer', 'spec: { ca: { secretName: root-ca } }\n');
  assert.deepEqual(validate(cluster + secretIn('db')).map(p => `${p.rule} ${p.severity}`), ['cert-manager/cluster-issuer-secret info']);
  assert.deepEqual(rules(cluster + secretIn('db') + secretIn('cert-manager')), []);
  assert.deepEqual(rules(cluster), [], 'a Secret not in the workspace is not judged');
  assert.deepEqual(rules(ISSUER('Issuer', 'spec: { ca: { secretName: root-ca } }\n') + secretIn('ops')), []);
});

test('cert-manager rules never throw on wrong types (strings, nulls, lists where maps are expected)', () => {
  const shapes = ['null', '"x"', '[]', '[1, null]', '{}', '7', 'true'];
  const fields = ['privateKey', 'ipAddresses', 'emailAddresses', 'otherNames', 'secretTemplate', 'nameConstraints', 'keystores',
    'additionalOutputFormats', 'renewal', 'revisionHistoryLimit', 'subject', 'literalSubject', 'commonName', 'secretName'];
  for (const f of fields) for (const v of shapes) assert.doesNotThrow(() => validate(CERT(`  ${f}: ${v}\n`)), `${f}: ${v}`);
  for (const v of shapes) {
    assert.doesNotThrow(() => validate(CERT(`  secretTemplate: { annotations: ${v}, labels: ${v} }\n  keystores: { jks: ${v}, pkcs12: ${v} }\n  renewal: { windows: ${v} }\n`)), v);
    for (const t of ['ca', 'acme', 'vault', 'venafi']) {
      assert.doesNotThrow(() => validate(ISSUER('ClusterIssuer', `spec: { ${t}: ${v} }\n`)), `${t}: ${v}`);
      assert.doesNotThrow(() => validate(ISSUER('ClusterIssuer', `spec: { ${t}: { solvers: ${v}, ocspServers: ${v}, secretName: ${v} } }\n`)), `${t}.*: ${v}`);
    }
    assert.doesNotThrow(() => validate(ISSUER('Issuer', `spec: ${v}\n`)), `spec: ${v}`);
    assert.doesNotThrow(() => validate(`${PERCONA}  tls: ${v}\n  secrets: { customRootCATLSSecret: ${v}, customTLSSecret: ${v} }\n  proxy: { pgBouncer: ${v} }\n`), `percona ${v}`);
    assert.doesNotThrow(() => validate(`${CPO}  clone: ${v}\n  spiloFSGroup: ${v}\n`), `cpo ${v}`);
    assert.doesNotThrow(() => validate(`${PGPOOL.replace('postgresRef: { name: ha-postgres }', `postgresRef: ${v}`)}---\napiVersion: appcatalog.appscode.com/v1alpha1\nkind: AppBinding\nmetadata: { name: ha-postgres, namespace: demo }\nspec: ${v}\n`), `pgpool ${v}`);
  }
});

test('Percona R13: a root CA Secret with tls.crt/tls.key mapped to root.crt/root.key via items is accepted; R10 is a note', () => {
  const text = `${PERCONA}  secrets:
    customTLSSecret: { name: c1-server }
    customReplicationTLSSecret: { name: c1-repl }
    customRootCATLSSecret:
      name: c1-ca
      items:
        - { key: tls.crt, path: root.crt }
        - { key: tls.key, path: root.key }
---
apiVersion: v1
kind: Secret
metadata: { name: c1-ca, namespace: db }
type: kubernetes.io/tls
data: { tls.crt: "", tls.key: "" }
`;
  assert.deepEqual(validate(text, { rules: { 'secret/not-pem': 'off' } }).map(p => p.rule).filter(r => !r.startsWith('secret/not-')), []);
  const unknown = text.replace('- { key: tls.key, path: root.key }', '- { key: root.key, path: root.key }');
  assert.deepEqual(validate(unknown, { rules: { 'secret/not-pem': 'off' } }).map(p => p.rule).filter(r => r === 'secret/missing-key'), ['secret/missing-key']);
  const r10 = validate(`${PERCONA}  tls: { caValidityDuration: 100h }\n  secrets: { customRootCATLSSecret: { name: c1-ca } }\n`);
  assert.deepEqual(r10.map(p => `${p.rule} ${p.severity}`), ['percona/validity-without-cert-manager info', 'secret/not-found info'], 'R10 replaces R11 (no validity-duration); c1-ca is not in the folder');
});

test('Percona R3: a Secret only in another namespace; a cluster without namespace is not judged', () => {
  const sec = '---\napiVersion: v1\nkind: Secret\nmetadata: { name: c1-server, namespace: ops }\nstringData: { tls.crt: a, tls.key: b, ca.crt: c }\n';
  const text = `${PERCONA}  secrets: { customTLSSecret: { name: c1-server }, customReplicationTLSSecret: { name: c1-repl } }\n${sec}`;
  const off = { rules: { 'secret/not-pem': 'off' as const, 'secret/not-found': 'off' as const } };
  const ps = validate(text, off);
  assert.deepEqual(ps.map(p => p.rule), ['percona/secret-namespace']);
  assert.equal(text.slice(ps[0]!.span[0], ps[0]!.span[1]), 'c1-server');
  assert.equal(ps[0]!.related?.[0]?.file, PATH);
  assert.deepEqual(validate(text.replace('namespace: db }', '}'), off).map(p => p.rule), []);
});

test('CPO C6: a spilo_fsgroup in the operator configuration or an OpenShift resource in the workspace silences it; the fix adds spiloFSGroup: 103', () => {
  const bare = CPO.replace('  spiloFSGroup: 103\n', '');
  const ps = validate(bare);
  assert.deepEqual(ps.map(p => `${p.rule} ${p.severity}`), ['cpo/missing-fs-group warning', 'secret/not-found info']);
  const fixed = applyFix(bare, ps[0]!);
  assert.match(fixed, /\nspec:\n  spiloFSGroup: 103\n  teamId: acid\n/);
  assert.deepEqual(rules(fixed), ['secret/not-found']);
  const configMap = '---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: postgres-operator, namespace: cpo }\ndata:\n  spilo_fsgroup: "103"\n';
  assert.deepEqual(rules(bare + configMap), ['secret/not-found']);
  const opConfig = '---\napiVersion: cpo.opensource.cybertec.at/v1\nkind: OperatorConfiguration\nmetadata: { name: cfg }\nconfiguration:\n  kubernetes: { spilo_fsgroup: 103 }\n';
  assert.deepEqual(rules(bare + opConfig), ['secret/not-found']);
  const route = '---\napiVersion: route.openshift.io/v1\nkind: Route\nmetadata: { name: r, namespace: db }\nspec: { to: { kind: Service, name: cluster-1 } }\n';
  assert.deepEqual(rules(bare + route), ['secret/not-found']);
  assert.deepEqual(rules(`${bare}---\n# spilo_fsgroup is documented, but not set here\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n`), ['cpo/missing-fs-group', 'secret/not-found']);
  // TLS off: no custom certificate to read.
  assert.deepEqual(rules(bare.replace('tls: { secretName: cluster-1-tls }', 'tls: { secretName: "" }')), ['cpo/empty-secret-name']);
});

test('CPO C11 and KubeDB P3: edges', () => {
  assert.deepEqual(rules(`${CPO}  clone: { cluster: ${'a'.repeat(63)} }\n`).filter(r => r.startsWith('cpo/')), []);
  assert.deepEqual(rules(`${CPO}  clone: { cluster: ${'a'.repeat(64)} }\n`).filter(r => r.startsWith('cpo/')), ['cpo/clone-cluster-name']);
  assert.deepEqual(rules(`${CPO}  clone: { cluster: a- }\n`).filter(r => r.startsWith('cpo/')), ['cpo/clone-cluster-name']);
  const ab = (ns: string, spec: string) => `---\napiVersion: appcatalog.appscode.com/v1alpha1\nkind: AppBinding\nmetadata: { name: ha-postgres, namespace: ${ns} }\nspec: ${spec}\n`;
  assert.deepEqual(rules(PGPOOL + ab('demo', '{ tlsSecret: { name: t } }')), ['pgpool/backend-tls']);
  assert.deepEqual(rules(PGPOOL + ab('other', '{ tlsSecret: { name: t } }')), [], 'postgresRef without namespace: the Pgpool\'s namespace');
  assert.deepEqual(rules(PGPOOL.replace('{ name: ha-postgres }', '{ name: ha-postgres, namespace: other }') + ab('other', '{ tlsSecret: { name: t } }')), ['pgpool/backend-tls']);
  assert.deepEqual(rules(PGPOOL + ab('demo', '{ clientConfig: { service: { query: "sslmode=require=x" } } }')), [], 'not two parts: the webhook errors differently');
  assert.deepEqual(rules(PGPOOL + ab('demo', '{ clientConfig: { service: { query: "sslmode=disable" }, caBundle: "" } }')), []);
  const withTls = PGPOOL.replace('postgresRef: { name: ha-postgres }', 'postgresRef: { name: ha-postgres }\n  tls: { issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: ca } }');
  assert.deepEqual(rules(withTls + ab('demo', '{ tlsSecret: { name: t } }')), []);
});

test('cert-manager quick fixes: RSA size, signature algorithm of the same hash, the bare e-mail address; each result validates clean', () => {
  const cases: [string, string, string][] = [
    [CERT('  dnsNames: [c.db.svc]\n  privateKey: { algorithm: RSA, size: 1024 }\n'), 'cert-manager/key-size', 'size: 2048 }'],
    [CERT('  dnsNames: [c.db.svc]\n  privateKey:\n    size: 16384\n'), 'cert-manager/key-size', 'size: 8192\n'],
    [CERT('  dnsNames: [c.db.svc]\n  signatureAlgorithm: ECDSAWithSHA384\n'), 'cert-manager/signature-algorithm', 'signatureAlgorithm: SHA384WithRSA\n'],
    [CERT('  dnsNames: [c.db.svc]\n  privateKey: { algorithm: Ed25519 }\n  signatureAlgorithm: SHA512WithRSA\n'), 'cert-manager/signature-algorithm', 'signatureAlgorithm: PureEd25519\n'],
    [CERT('  emailAddresses: ["DBA <dba@example.com>"]\n'), 'cert-manager/invalid-san', 'emailAddresses: [dba@example.com]\n'],
  ];
  for (const [text, rule, shape] of cases) {
    const ps = validate(text);
    assert.deepEqual(ps.map(p => p.rule), [rule], text);
    assert.equal(ps[0]!.fixes?.length, 1, `${rule} offers a fix`);
    const fixed = applyFix(text, ps[0]!);
    assert.ok(fixed.includes(shape), fixed);
    assert.deepEqual(validate(fixed).map(p => p.rule), [], fixed);
  }
  // No fix where the right value is a choice: an ECDSA size, a display name without an address.
  assert.equal(validate(CERT('  dnsNames: [c.db.svc]\n  privateKey: { algorithm: ECDSA, size: 1024 }\n'))[0]!.fixes, undefined);
  assert.equal(validate(CERT('  emailAddresses: ["DBA at example"]\n'))[0]!.fixes, undefined);
});

test('cert-manager schema: an ACME account key reference needs a name (CRD), beside the webhook rules', () => {
  assert.deepEqual(rules(ISSUER('Issuer', 'spec:\n  acme: { server: https://a, privateKeySecretRef: {} }\n')), ['schema/missing-field']);
  assert.deepEqual(rules(ISSUER('Issuer', 'spec:\n  acme: { server: https://a, privateKeySecretRef: { name: k, key: tls.key } }\n')), []);
  assert.deepEqual(rules(ISSUER('Issuer', 'spec: { ca: { secretName: "" } }\n')), ['cert-manager/ca-issuer']);
});

test('cert-manager: findings per list or map are capped at 100; a key with two slashes is no qualified name', () => {
  const ips = Array.from({ length: 150 }, (_, i) => `    - host${i}`).join('\n');
  assert.equal(rules(CERT(`  dnsNames: [c]\n  ipAddresses:\n${ips}\n`)).filter(r => r === 'cert-manager/invalid-san').length, 100);
  const keys = Array.from({ length: 150 }, (_, i) => `      "bad key ${i}": x`).join('\n');
  assert.equal(rules(CERT(`  dnsNames: [c]\n  secretTemplate:\n    annotations:\n${keys}\n`)).length, 100);
  assert.deepEqual(rules(CERT('  dnsNames: [c]\n  secretTemplate: { labels: { a/b/c: x, example.com/app: db } }\n')), ['cert-manager/secret-template']);
  // renewBeforePercentage alone: 25% of the default 2160h is fine; of 1h, 5% is 3m, under the 5m minimum.
  assert.deepEqual(rules(CERT('  dnsNames: [c]\n  renewBeforePercentage: 25\n')), []);
  assert.deepEqual(rules(CERT('  dnsNames: [c]\n  duration: 1h\n  renewBeforePercentage: 5\n')), ['cert-manager/renew-before']);
  assert.deepEqual(rules(CERT('  dnsNames: [c]\n  renewBeforePercentage: 0\n')), ['cert-manager/renew-before']);
});

test('cert-manager I3 (a CRD CEL rule): with the upstream CRD in the workspace its own rule reports, not a second one of ours', () => {
  const crd = `${__dirname}/../../../shared/reference/crds/cert-manager.io_issuers.yaml`;
  const text = ISSUER('Issuer', 'spec:\n  venafi: { zone: z }\n');
  assert.deepEqual(rules(text), ['cert-manager/issuer-config']);
  if (!existsSync(crd)) return; // the reference CRDs are a data folder beside the repository
  assert.deepEqual(rules(text, { crdPaths: [crd] }), ['schema/cel-rule']);
});
