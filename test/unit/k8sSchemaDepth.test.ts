/**
 * The Kubernetes schemas as deep as the pinned CRDs (issue 10, "Schemas"): unknown keys deep in a spec (pod templates,
 * volume claims, solvers) are flagged as `kubectl apply` flags them, every missing required field of an object is
 * named, and a PerconaPGCluster is checked against the CRD of its `spec.crVersion`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type Problem, type SourceDocument } from '../../server/src/core/types';
import { expandReleases, keepsError, releaseOf } from '../../server/src/languages/k8s/check/crVersion';
import { structuralErrors } from '../../server/src/languages/k8s/check/structural';
import { testService } from '../helpers';

const service = testService();
const PATH = '/nonexistent/pgtls-k8s-depth/manifests.yaml';
const validate = (text: string): Problem[] => {
  const d: SourceDocument = { path: PATH, text, languageId: 'yaml', version: 1 };
  return service.validate(d, service.parse(d), { ...DEFAULT_SETTINGS });
};
const schemaFindings = (text: string) => validate(text).filter(p => p.rule.startsWith('schema/')).map(p => `${p.rule} ${text.slice(p.span[0], p.span[1])}`);
const messages = (text: string, rule: string) => validate(text).filter(p => p.rule === rule).map(p => p.message);

const PERCONA = (crVersion: string, instance: string, extra = '') => `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata: { name: cluster1 }
spec:
${crVersion ? `  crVersion: ${crVersion}\n` : ''}  postgresVersion: 17
  instances:
    - name: instance1
${instance}
  backups:
    volumeSnapshots: { className: csi-snapclass }
${extra}`;
const CLAIM = '      dataVolumeClaimSpec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }';

test('an unknown key deep in a Percona spec (an instance\'s affinity) is an unknown field, with a did-you-mean', () => {
  const text = PERCONA('3.0.0', `${CLAIM}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpresions: [{ key: zone, operator: In, values: [a] }]`);
  assert.deepEqual(schemaFindings(text), ['schema/unknown-field matchExpresions']);
  assert.match(messages(text, 'schema/unknown-field')[0]!, /"matchExpresions" is not a field of "spec\.instances\[0\]\.affinity\..*nodeSelectorTerms\[0\]".*Did you mean "matchExpressions"/);
});

test('types, enums and required fields deep in a spec are checked too; a valid deep spec is silent', () => {
  const deep = PERCONA('', `${CLAIM}
      tolerations: [{ key: dedicated, operator: Equal, effect: NoSchedule, tolerationSeconds: soon }]
      topologySpreadConstraints: [{ maxSkew: 1, whenUnsatisfiable: DoNotSchedule }]`);
  assert.deepEqual(schemaFindings(deep).sort(), ['schema/missing-field maxSkew', 'schema/wrong-type soon'].sort());
  assert.match(messages(deep, 'schema/missing-field')[0]!, /needs "topologyKey"/);
  const fine = PERCONA('', `${CLAIM}
      tolerations: [{ key: dedicated, operator: Equal, value: db, effect: NoSchedule }]
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule }]
      resources: { limits: { cpu: "2", memory: 4Gi } }`);
  assert.deepEqual(schemaFindings(fine), []);
});

test('deep unknown keys in KubeDB, CYBERTEC and cert-manager resources', () => {
  const kubedb = `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata: { name: pp, namespace: demo }
spec:
  version: "4.6.0"
  postgresRef: { name: ha-postgres }
  podTemplate:
    spec:
      containers:
        - name: pgpool
          resources: { limits: { memory: 1Gi } }
          securityContext: { runAsUser: 70, readOnlyRootFS: true }
`;
  assert.deepEqual(schemaFindings(kubedb), ['schema/unknown-field readOnlyRootFS']);
  const cpo = `apiVersion: cpo.opensource.cybertec.at/v1
kind: postgresql
metadata: { name: cluster-1 }
spec:
  teamId: acid
  numberOfInstances: 1
  volume: { size: 1Gi }
  postgresql: { version: "17" }
  clone:
    cluster: cluster-0
    s3_wal_pth: s3://x
`;
  assert.deepEqual(schemaFindings(cpo), ['schema/unknown-field s3_wal_pth']);
  const issuer = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata: { name: le, namespace: db }
spec:
  acme:
    server: https://acme.example/directory
    privateKeySecretRef: { name: le-key }
    solvers:
      - http01: { ingress: { ingressClassName: nginx, podTemplate: { spec: { nodeSelector: { a: b }, priorityClass: high } } } }
`;
  assert.deepEqual(schemaFindings(issuer), ['schema/unknown-field priorityClass']);
});

test('every missing required field of an object is named in one finding, as kubectl lists them', () => {
  const text = `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata: { name: cluster1 }
spec:
  crVersion: 3.0.0
`;
  const missing = validate(text).filter(p => p.rule === 'schema/missing-field');
  assert.equal(missing.length, 1);
  assert.match(missing[0]!.message, /needs "backups", "instances" and "postgresVersion": the API server rejects the object without them/);
  const one = messages(PERCONA('3.0.0', '      replicas: 1'), 'schema/missing-field');
  assert.equal(one.length, 1);
  assert.match(one[0]!, /needs "dataVolumeClaimSpec": the API server rejects the object without it\./);
});

test('a PerconaPGCluster is checked against the CRD of its crVersion, naming the release', () => {
  const tlsOnly = (v: string) => PERCONA(v, CLAIM, '  tlsOnly: true\n');
  const old = messages(tlsOnly('2.5.0'), 'schema/not-in-cr-version');
  assert.equal(old.length, 3); // tlsOnly (2.6.0), backups.volumeSnapshots (2.9.0), backups.pgbackrest (required until 2.6.0)
  assert.ok(old.some(m => /"spec\.tlsOnly" is not a field of PerconaPGCluster in operator 2\.5\.0 \("spec\.crVersion: 2\.5\.0"\): it came with 2\.6\.0/.test(m)), old.join('\n'));
  assert.deepEqual(messages(tlsOnly('3.0.0'), 'schema/not-in-cr-version'), []);
  assert.deepEqual(messages(tlsOnly('2.9.3'), 'schema/not-in-cr-version'), [], 'a patch release uses its minor release\'s CRD');
  // 2.3.0 and 2.4.0 did not require pmm.serverHost/secret/querySource; 3.0.0 does (the API server defaults querySource).
  const pmm = (v: string) => PERCONA(v, CLAIM, '  pmm: { enabled: false, image: percona/pmm-client:2 }\n').replace('  backups:\n    volumeSnapshots: { className: csi-snapclass }\n', '  backups: { pgbackrest: { repos: [{ name: repo1 }] } }\n');
  assert.deepEqual(validate(pmm('2.4.0')).filter(p => p.rule.startsWith('schema/')).map(p => p.rule), []);
  assert.match(messages(pmm('3.0.0'), 'schema/missing-field').join('\n'), /"spec\.pmm" needs "secret" and "serverHost"/);
});

test('an unknown crVersion is checked as the newest release, with a note; no crVersion means the newest release', () => {
  const note = validate(PERCONA('9.9.9', CLAIM)).filter(p => p.rule === 'schema/unknown-cr-version');
  assert.equal(note.length, 1);
  assert.equal(note[0]!.severity, 'info');
  assert.match(note[0]!.message, /not 9\.9\.9: this resource is checked against 3\.0\.0's/);
  assert.deepEqual(validate(PERCONA('', CLAIM)).filter(p => p.rule.startsWith('schema/')), []);
});

test('release helpers: ranges expand, patch versions map to their minor release, union-only requirements drop', () => {
  const releases = ['2.3.0', '2.4.0', '2.5.0'];
  assert.deepEqual(expandReleases(['2.4.0..2.5.0'], releases), ['2.4.0', '2.5.0']);
  assert.deepEqual(expandReleases(['2.3.0'], releases), ['2.3.0']);
  const schema = { 'x-pgtls-versions': { releases, fields: {}, required: { spec: { '2.3.0': ['-backups'] } } } };
  assert.equal(releaseOf(schema, { spec: { crVersion: 'v2.4.1' } })?.release, '2.4.0');
  assert.equal(releaseOf(schema, { spec: { crVersion: '2.2.0' } })?.unknown, '2.2.0');
  assert.equal(releaseOf({}, { spec: { crVersion: '2.4.0' } }), undefined);
  const r = releaseOf(schema, { spec: { crVersion: '2.3.0' } })!;
  const req = (missingProperty: string) => ({ keyword: 'required', instancePath: '/spec', schemaPath: '', params: { missingProperty } });
  assert.equal(keepsError(r, req('backups')), false);
  assert.equal(keepsError(r, req('instances')), true);
});

test('the structural check: never throws on odd data, bounded errors, nullable and int-or-string', () => {
  const s = { type: 'object', properties: { spec: { 'x-pgtls-structural': true, type: 'object', additionalProperties: false, properties: {
    n: { type: 'integer', nullable: true }, q: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
  } } } };
  assert.deepEqual(structuralErrors(s, { spec: { n: null, q: 3 } }), []);
  assert.deepEqual(structuralErrors(s, { spec: { q: true } }).map(e => e.keyword), ['anyOf']);
  const e = { type: 'object', properties: { spec: { 'x-pgtls-structural': true, type: 'string', enum: ['a', 'b'], pattern: '^a' } } };
  assert.deepEqual(structuralErrors(e, { spec: 'b' }).map(x => `${x.keyword} ${x.instancePath}`), ['pattern /spec']);
  assert.deepEqual(structuralErrors(e, { spec: 'c' }).map(x => x.keyword), ['enum', 'pattern']);
  const many: Record<string, number> = {};
  for (let i = 0; i < 1000; i++) many[`k${i}`] = i;
  assert.equal(structuralErrors(s, { spec: many }).length, 200);
  for (const odd of [null, 1, 'x', [], { spec: [] }, { spec: 'x' }]) assert.doesNotThrow(() => structuralErrors(s, odd));
});
