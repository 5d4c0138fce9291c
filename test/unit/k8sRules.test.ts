/**
 * The operator rule modules of the YAML mode (modules/kubedb.ts, percona.ts, cpo.ts, certManager.ts, secretKeys.ts)
 * beyond their fixtures: rule metadata, Go durations, the edges of each rule (schema-invalid input is left to the
 * schema, user CRDs, Helm), severity overrides, and workspace-wide updates (a changed Secret or Issuer file changes the
 * diagnostics of the resource that refers to it).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type Problem, type Settings, type SourceDocument, type WorkspaceFile } from '../../server/src/core/types';
import { RULE_MODULES } from '../../server/src/languages/k8s/modules';
import { goDuration, HOUR } from '../../server/src/languages/k8s/modules/util';
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
  tls: { secretName: cluster-1-tls }
`;

test('every module rule: scoped id, one-line description, a source naming operators.md and an upstream place', () => {
  const scopes = ['pgpool', 'percona', 'cpo', 'cert-manager', 'secret'];
  const ids = new Set<string>();
  for (const m of RULE_MODULES) {
    for (const r of m.rules) {
      assert.match(r.id, /^[a-z-]+\/[a-z0-9-]+$/, r.id);
      assert.ok(scopes.includes(r.id.split('/')[0]!), `${r.id} scope`);
      assert.ok(!ids.has(r.id), `${r.id} registered twice`);
      ids.add(r.id);
      assert.ok(r.description.length > 20 && !r.description.includes('\n'), `${r.id} description`);
      if (r.id !== 'secret/not-found') assert.match(r.source, /operators\.md/, `${r.id} source names operators.md`);
      assert.match(r.source, /[a-z]\.(go|md|yaml)|\(/, `${r.id} source names an upstream file or function`);
    }
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
  // An item without path is the schema's problem; no second report.
  assert.deepEqual(rules(secrets('    customTLSSecret: { name: a, items: [{ key: tls.crt }] }\n    customReplicationTLSSecret: { name: b }\n')), ['schema/missing-field']);
  assert.deepEqual(rules(secrets('    customTLSSecret: { name: a }\n    customReplicationTLSSecret: { name: b }\n    customRootCATLSSecret: { name: c, items: [{ key: k, path: root.key }] }\n')), []);
  const tlsOnly = `${PERCONA}  tlsOnly: yes\n  authentication:\n    rules:\n      - { connection: hostssl, method: md5, hba: "host all all 0.0.0.0/0 md5" }\n`;
  assert.deepEqual(show(tlsOnly, validate(tlsOnly)), ['11:50-11:78 percona/tls-only-user-rules']);
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
  assert.match(cpo[0]!.message, /no key `tls\.key`/);
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
  for (const [text, rule, shape] of cases) {
    const ps = validate(text);
    assert.deepEqual(ps.map(p => p.rule), [rule], text);
    assert.equal(ps[0]!.fixes?.length, 1, `${rule} offers a fix`);
    const fixed = applyFix(text, ps[0]!);
    assert.match(fixed, shape);
    assert.deepEqual(validate(fixed).map(p => p.rule), [], fixed);
  }
});
