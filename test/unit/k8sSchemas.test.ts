/**
 * The Kubernetes schemas in schemas/k8s: they compile under ajv strict mode with the Kubernetes keywords declared,
 * they accept the published examples and reject the known mistakes, and (when ../shared/reference/crds is present)
 * they agree with the upstream CRDs on field names, types, enums, required lists and defaults.
 */
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import {
  CRD_DIR, K8S_KEYWORDS, PGTLS_KEYWORDS, SCHEMA_DIR, TARGETS, at, compare, descriptions, loadCrd, loadSchema, type Schema,
} from '../../scripts/k8s-schema-drift';

const SCHEMA_FILES = fs.readdirSync(SCHEMA_DIR).filter(f => f.endsWith('.json')).sort();
const EXPECTED_FILES = [
  'cert-manager-certificate.json', 'cert-manager-issuer.json', 'cpo-postgresql.json', 'kubedb-appbinding.json', 'kubedb-pgpool.json', 'kubedb-pgpoolopsrequest.json', 'kubedb-postgres-v1alpha1.json', 'kubedb-postgres.json', 'percona-perconapgcluster.json', 'percona-v1-perconapgcluster.json', 'pgo-postgrescluster.json', 'pgo4-pgcluster.json', 'secret.json', 'zalando-postgresql.json',
];

function makeAjv(options: Options = {}): Ajv {
  // The CRDs put `required` alone in oneOf branches (one of two fields, e.g. CPO spec.standby): strictRequired refuses that.
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, ...options });
  ajv.addVocabulary([...K8S_KEYWORDS, ...PGTLS_KEYWORDS]);
  return ajv;
}

// One ajv that applies defaults before `required`, as the API server does; one compiled validator per schema.
const validating = makeAjv({ useDefaults: true });
const validators = new Map<string, ValidateFunction>();
function validator(file: string): ValidateFunction {
  let v = validators.get(file);
  if (!v) validators.set(file, (v = validating.compile(loadSchema(file))));
  return v;
}

/** Validates a YAML document against a schema; returns ajv's errors (empty when valid). */
function check(file: string, yamlText: string): ErrorObject[] {
  const data: unknown = parse(yamlText);
  const v = validator(file);
  return v(data) ? [] : [...(v.errors ?? [])];
}

const show = (errors: ErrorObject[]) => errors.map(e => `${e.instancePath || '/'} ${e.keyword} ${JSON.stringify(e.params)}`).join('\n');

function valid(file: string, yamlText: string): void {
  const errors = check(file, yamlText);
  assert.deepEqual(errors, [], `expected no errors, got:\n${show(errors)}`);
}

/** Asserts that one error has this keyword at this instance path (and, if given, these params). */
function invalid(file: string, yamlText: string, keyword: string, instancePath: string, params: Record<string, unknown> = {}): void {
  const errors = check(file, yamlText);
  const hit = errors.some(e => e.keyword === keyword && e.instancePath === instancePath
    && Object.entries(params).every(([k, v]) => (e.params as Record<string, unknown>)[k] === v));
  assert.ok(hit, `expected ${keyword} at ${instancePath || '/'} ${JSON.stringify(params)}, got:\n${show(errors) || '(no errors)'}`);
}

/** Walks every schema node reachable through properties/items/additionalProperties. */
function walk(s: Schema, visit: (node: Schema, p: string, viaProperties: boolean) => void, p = '', viaProperties = false): void {
  // Below `x-pgtls-structural` is the CRD's own structure (scripts/gen-k8s-schemas.ts): facts without words of ours.
  if (s['x-pgtls-structural'] === true) return;
  visit(s, p, viaProperties);
  const props = (s.properties ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(props)) if (v && typeof v === 'object') walk(v as Schema, visit, `${p}.${k}`, true);
  if (s.items && typeof s.items === 'object') walk(s.items as Schema, visit, `${p}.[]`, false);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties as Schema, visit, `${p}.{}`, false);
}

describe('schemas/k8s compile', () => {
  test('the expected schema files exist', () => {
    assert.deepEqual(SCHEMA_FILES, [...EXPECTED_FILES].sort());
  });

  for (const file of SCHEMA_FILES) {
    test(`${file} compiles with ajv strict + allErrors (with and without useDefaults)`, () => {
      const schema = loadSchema(file);
      assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
      assert.match(String(schema.$id), new RegExp(`/schemas/k8s/${file.replace('.', '\\.')}$`));
      assert.ok(schema['x-pgtls-upstream'], 'x-pgtls-upstream names the source of the facts');
      makeAjv().compile(schema);
      makeAjv({ useDefaults: true }).compile(schema);
    });
  }

  test('all schemas load into one ajv (their $ids are unique)', () => {
    const ajv = makeAjv();
    for (const file of SCHEMA_FILES) ajv.addSchema(loadSchema(file));
    for (const file of SCHEMA_FILES) assert.ok(ajv.getSchema(String(loadSchema(file).$id)), file);
  });

  test('every field has a description (hover shows it); runtime defaults are never schema defaults', () => {
    for (const file of SCHEMA_FILES) {
      walk(loadSchema(file), (node, p, viaProperties) => {
        if (viaProperties) assert.ok(typeof node.description === 'string' && node.description.length > 2, `${file}${p} needs a description`);
        if ('x-pgtls-runtime-default' in node) assert.equal(node.default, undefined, `${file}${p}: a runtime default must not be a schema default`);
      });
    }
  });
});

describe('KubeDB Pgpool', () => {
  const F = 'kubedb-pgpool.json';
  const base = `apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata: { name: pgpool-test, namespace: demo }
spec:
  version: "4.6.0"
  replicas: 1
  postgresRef: { name: ha-postgres, namespace: demo }
`;

  test('accepts the published TLS example (sslMode require, clientAuthMode cert, cert-manager issuer)', () => {
    valid(F, `${base}  sslMode: require
  clientAuthMode: cert
  tls:
    issuerRef: { apiGroup: cert-manager.io, name: pgpool-ca-issuer, kind: Issuer }
    certificates:
      - alias: server
        subject: { organizations: ["kubedb:server"] }
        dnsNames: [localhost]
        ipAddresses: ["127.0.0.1"]
      - alias: client
        secretName: pgpool-test-client-cert
        duration: 8760h
        privateKey: { encoding: PKCS8 }
  syncUsers: true
  deletionPolicy: WipeOut
`);
  });

  test('accepts the quickstart and configuration examples', () => {
    valid(F, `${base}  sslMode: disable
  clientAuthMode: md5
  syncUsers: true
  deletionPolicy: WipeOut
`);
    valid(F, `${base}  configuration:
    inline:
      pgpool.conf: |
        num_init_children=6
        max_pool=65
  podTemplate:
    spec:
      tolerations: [{ key: key1, operator: Equal, value: node1, effect: NoSchedule }]
  monitor:
    agent: prometheus.io/operator
    prometheus: { serviceMonitor: { labels: { release: prometheus }, interval: 10s } }
  deletionPolicy: WipeOut
`);
  });

  test('applies CRD defaults before required (clientAuthMode, authSecret.kind, healthChecker)', () => {
    const data = parse(`${base}  authSecret: { name: my-auth }\n`) as { spec: Record<string, unknown> };
    assert.ok(validator(F)(data), show(validator(F).errors ?? []));
    assert.equal(data.spec.clientAuthMode, 'md5');
    assert.deepEqual(data.spec.authSecret, { name: 'my-auth', kind: 'Secret', apiGroup: '' });
    assert.deepEqual(data.spec.healthChecker, { failureThreshold: 1, periodSeconds: 10, timeoutSeconds: 10 });
    assert.equal(data.spec.sslMode, undefined, 'the sslMode default comes from the webhook, not the CRD');
  });

  test('rejects the docs typo cientAuthMode (unknown field under spec)', () => {
    invalid(F, `${base}  cientAuthMode: cert\n`, 'additionalProperties', '/spec', { additionalProperty: 'cientAuthMode' });
  });

  test('rejects sslMode "disabled" (the enum value is disable)', () => {
    invalid(F, `${base}  sslMode: disabled\n`, 'enum', '/spec/sslMode');
  });

  test('rejects lower-case privateKey encoding, and algorithm/size that KubeDB does not have', () => {
    const tls = (pk: string) => `${base}  tls:\n    issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: ca }\n    certificates:\n      - alias: server\n        privateKey: ${pk}\n`;
    invalid(F, tls('{ encoding: pkcs8 }'), 'enum', '/spec/tls/certificates/0/privateKey/encoding');
    invalid(F, tls('{ algorithm: ECDSA }'), 'additionalProperties', '/spec/tls/certificates/0/privateKey', { additionalProperty: 'algorithm' });
  });

  test('rejects cert-manager spelling group in issuerRef, a missing kind, and a certificate without alias', () => {
    invalid(F, `${base}  tls:\n    issuerRef: { group: cert-manager.io, kind: Issuer, name: ca }\n`, 'additionalProperties', '/spec/tls/issuerRef', { additionalProperty: 'group' });
    invalid(F, `${base}  tls:\n    issuerRef: { apiGroup: cert-manager.io, name: ca }\n`, 'required', '/spec/tls/issuerRef', { missingProperty: 'kind' });
    invalid(F, `${base}  tls:\n    certificates: [{ secretName: x }]\n`, 'required', '/spec/tls/certificates/0', { missingProperty: 'alias' });
  });

  test('accepts any certificate alias (the CRD has no enum) and requires postgresRef and version', () => {
    valid(F, `${base}  tls:\n    certificates: [{ alias: custom }]\n`);
    invalid(F, 'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: p }\nspec: { version: "4.6.0" }\n', 'required', '/spec', { missingProperty: 'postgresRef' });
  });

  test('rejects a name the CRD forbids', () => {
    invalid(F, base.replace('pgpool-test', 'PgPool_Test'), 'pattern', '/metadata/name');
  });
});

describe('KubeDB PgpoolOpsRequest', () => {
  const F = 'kubedb-pgpoolopsrequest.json';
  const head = 'apiVersion: ops.kubedb.com/v1alpha1\nkind: PgpoolOpsRequest\nmetadata: { name: ppops, namespace: demo }\n';

  test('accepts the published ReconfigureTLS examples (add, change issuer, rotate, remove) and other types', () => {
    valid(F, `${head}spec:
  type: ReconfigureTLS
  databaseRef: { name: pgpool }
  tls:
    sslMode: require
    clientAuthMode: cert
    issuerRef: { name: pgpool-issuer, kind: Issuer, apiGroup: "cert-manager.io" }
    certificates:
      - alias: client
        subject: { organizations: [pgpool], organizationalUnits: [client] }
  timeout: 5m
  apply: IfReady
`);
    valid(F, `${head}spec:\n  type: ReconfigureTLS\n  databaseRef: { name: pgpool }\n  tls:\n    issuerRef: { name: pp-new-issuer, kind: Issuer, apiGroup: "cert-manager.io" }\n`);
    valid(F, `${head}spec:\n  type: ReconfigureTLS\n  databaseRef: { name: pgpool }\n  tls: { rotateCertificates: true }\n`);
    valid(F, `${head}spec:\n  type: ReconfigureTLS\n  databaseRef: { name: pgpool }\n  tls: { remove: true }\n`);
    valid(F, `${head}spec:
  type: VerticalScaling
  databaseRef: { name: pp-vertical }
  verticalScaling:
    node: { resources: { requests: { memory: "2Gi", cpu: "1" }, limits: { memory: "2Gi", cpu: "1" } } }
  timeout: 5m
  apply: IfReady
`);
  });

  test('does not default clientAuthMode in the request (only apply)', () => {
    const data = parse(`${head}spec:\n  type: ReconfigureTLS\n  databaseRef: { name: pgpool }\n  tls: { rotateCertificates: true }\n`) as { spec: { tls: Record<string, unknown>; apply?: string } };
    assert.ok(validator(F)(data));
    assert.equal(data.spec.tls.clientAuthMode, undefined);
    assert.equal(data.spec.apply, 'IfReady');
  });

  test('rejects a wrong sslMode, a mis-cased type, an unknown tls field and a missing databaseRef', () => {
    invalid(F, `${head}spec:\n  type: ReconfigureTLS\n  databaseRef: { name: p }\n  tls: { sslMode: disabled }\n`, 'enum', '/spec/tls/sslMode');
    invalid(F, `${head}spec:\n  type: ReconfigureTls\n  databaseRef: { name: p }\n`, 'enum', '/spec/type');
    invalid(F, `${head}spec:\n  type: ReconfigureTLS\n  databaseRef: { name: p }\n  tls: { rotate: true }\n`, 'additionalProperties', '/spec/tls', { additionalProperty: 'rotate' });
    invalid(F, `${head}spec:\n  type: ReconfigureTLS\n`, 'required', '/spec', { missingProperty: 'databaseRef' });
  });
});

describe('Percona PerconaPGCluster', () => {
  const F = 'percona-perconapgcluster.json';
  const head = `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata:
  name: cluster1
  finalizers: [percona.com/delete-ssl]
spec:
  crVersion: 3.0.0
  postgresVersion: 17
  instances:
    - name: instance1
      replicas: 3
      dataVolumeClaimSpec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
  backups:
    pgbackrest:
      repos:
        - name: repo1
          volume: { volumeClaimSpec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } } }
`;

  test('accepts a cluster with custom TLS, a custom root CA mapped through items, tlsOnly and hostssl rules', () => {
    valid(F, `${head}  tlsOnly: true
  tls: { caValidityDuration: 26280h, certValidityDuration: 2160h }
  secrets:
    customTLSSecret: { name: cluster1-cert }
    customReplicationTLSSecret: { name: replication1-cert }
    customRootCATLSSecret:
      name: cluster1-ssl-ca
      items:
        - { key: tls.crt, path: root.crt }
        - { key: tls.key, path: root.key, mode: 384 }
  authentication:
    rules:
      - { connection: hostssl, databases: [app], users: [app], method: cert, options: { clientcert: verify-full } }
      - { connection: hostssl, method: scram-sha-256, hba: "hostssl all all 0.0.0.0/0 scram-sha-256" }
  config:
    parameters: { max_connections: 200, ssl_ecdh_curve: prime256v1 }
  proxy:
    pgBouncer:
      replicas: 3
      image: percona/percona-pgbouncer:1.24.1
      customTLSSecret: { name: cluster1-pgbouncer-tls }
      config: { global: { client_tls_sslmode: require } }
`);
  });

  test('applies the port default and keeps the required list of the CRD', () => {
    const data = parse(head) as { spec: Record<string, unknown> };
    assert.ok(validator(F)(data));
    assert.equal(data.spec.port, 5432);
    invalid(F, head.replace(/ {2}postgresVersion: 17\n/, ''), 'required', '/spec', { missingProperty: 'postgresVersion' });
  });

  // Issue 3: yaml-language-server reports "Missing property querySource" on deploy/cr.yaml, whose pmm block leaves
  // out querySource; the CRD requires it but defaults it, and the API server defaults before it checks `required`.
  const pmm = '  pmm:\n    enabled: false\n    image: docker.io/percona/pmm-client:3.2.0\n    secret: cluster1-pmm-secret\n    serverHost: monitoring-service\n';

  test('applies the pmm.querySource default before required (the deploy/cr.yaml pmm block has no querySource)', () => {
    const data = parse(`${head}${pmm}`) as { spec: { pmm: Record<string, unknown> } };
    assert.ok(validator(F)(data), show(validator(F).errors ?? []));
    assert.equal(data.spec.pmm.querySource, 'pgstatstatements');
    valid(F, `${head}${pmm}    querySource: pgstatmonitor\n`);
  });

  test('still requires the pmm fields that have no default, and checks an explicit querySource', () => {
    invalid(F, `${head}${pmm.replace(/ {4}serverHost: .*\n/, '')}`, 'required', '/spec/pmm', { missingProperty: 'serverHost' });
    invalid(F, `${head}${pmm.replace(/ {4}image: .*\n/, '')}`, 'required', '/spec/pmm', { missingProperty: 'image' });
    invalid(F, `${head}${pmm}    querySource: pg_stat_statements\n`, 'enum', '/spec/pmm/querySource');
    // No default in a branch that is absent: without pmm nothing is added.
    const bare = parse(head) as { spec: Record<string, unknown> };
    assert.ok(validator(F)(bare));
    assert.equal(bare.spec.pmm, undefined);
  });

  test('rejects a typo in a secrets field name and an items entry without path', () => {
    invalid(F, `${head}  secrets:\n    customTlsSecret: { name: c }\n`, 'additionalProperties', '/spec/secrets', { additionalProperty: 'customTlsSecret' });
    invalid(F, `${head}  secrets:\n    customTLSSecret: { name: c, items: [{ key: tls.crt }] }\n`, 'required', '/spec/secrets/customTLSSecret/items/0', { missingProperty: 'path' });
  });

  test('rejects tlsOnly as a string and the 3.1-only tls.certManagementPolicy on a 3.0.0 CRD', () => {
    invalid(F, `${head}  tlsOnly: "true"\n`, 'type', '/spec/tlsOnly');
    invalid(F, `${head}  tls: { certManagementPolicy: userProvidedOnly }\n`, 'additionalProperties', '/spec/tls', { additionalProperty: 'certManagementPolicy' });
  });

  test('a raw hba rule still needs connection and method; proxy needs pgBouncer; port at least 1024', () => {
    invalid(F, `${head}  authentication: { rules: [{ hba: "hostssl all all all cert" }] }\n`, 'required', '/spec/authentication/rules/0', { missingProperty: 'connection' });
    invalid(F, `${head}  proxy: {}\n`, 'required', '/spec/proxy', { missingProperty: 'pgBouncer' });
    invalid(F, `${head}  port: 443\n`, 'minimum', '/spec/port');
  });
});

describe('CYBERTEC postgresql', () => {
  const F = 'cpo-postgresql.json';
  const head = `apiVersion: "cpo.opensource.cybertec.at/v1"
kind: postgresql
metadata: { name: acid-test-cluster }
spec:
  teamId: "acid"
  numberOfInstances: 2
  volume: { size: 1Gi }
  postgresql:
    version: "17"
    parameters: { shared_buffers: "32MB", max_connections: "10" }
`;

  test('accepts the sample manifest pieces: users with null flags, TLS off with secretName "", poolers', () => {
    valid(F, `${head}  users:
    zalando: [superuser, createdb]
    foo_user: []
    bar_user:
  databases: { foo: zalando }
  enableConnectionPooler: false
  enableReplicaConnectionPooler: false
  allowedSourceRanges: [127.0.0.1/32]
  resources: { requests: { cpu: 10m, memory: 100Mi }, limits: { cpu: 500m, memory: 500Mi } }
  patroni: { failsafe_mode: false, initdb: { encoding: "UTF8" }, ttl: 30, loop_wait: 10 }
  initContainers: [{ name: date, image: busybox, command: ["/bin/date"] }]
  tls:
    secretName: ""
    certificateFile: "tls.crt"
    privateKeyFile: "tls.key"
    caFile: ""
    caSecretName: ""
`);
  });

  test('accepts custom TLS with a separate CA Secret, poolers and hostssl pg_hba', () => {
    valid(F, `${head}  spiloFSGroup: 103
  enableConnectionPooler: true
  connectionPooler:
    numberOfInstances: 2
    mode: transaction
    resources: { requests: { cpu: 300m, memory: 100Mi }, limits: { cpu: "1", memory: 100Mi } }
  patroni:
    pg_hba: ["hostssl all all 0.0.0.0/0 scram-sha-256", "hostssl all +pamrole all pam"]
  tls: { secretName: pg-tls, caSecretName: pg-root-ca, caFile: ca.crt }
`);
  });

  test('rejects kind PostgreSQL, tls without secretName, unknown tls and pooler fields, a numeric version', () => {
    invalid(F, head.replace('kind: postgresql', 'kind: PostgreSQL'), 'enum', '/kind');
    invalid(F, `${head}  tls: { caFile: ca.crt }\n`, 'required', '/spec/tls', { missingProperty: 'secretName' });
    invalid(F, `${head}  tls: { secretName: s, caSecret: ca }\n`, 'additionalProperties', '/spec/tls', { additionalProperty: 'caSecret' });
    invalid(F, `${head}  connectionPooler: { tls: { secretName: s } }\n`, 'additionalProperties', '/spec/connectionPooler', { additionalProperty: 'tls' });
    invalid(F, head.replace('version: "17"', 'version: 17'), 'type', '/spec/postgresql/version');
  });
});

describe('cert-manager Issuer / ClusterIssuer', () => {
  const F = 'cert-manager-issuer.json';
  test('accepts a CA Issuer and a selfSigned ClusterIssuer', () => {
    valid(F, 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: pgpool-ca-issuer, namespace: demo }\nspec:\n  ca:\n    secretName: pgpool-ca\n');
    valid(F, 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: { name: selfsigned }\nspec:\n  selfSigned: {}\n');
  });
  test('rejects a CA issuer without secretName, unknown fields and a wrong kind', () => {
    invalid(F, 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: i }\nspec:\n  ca: {}\n', 'required', '/spec/ca', { missingProperty: 'secretName' });
    invalid(F, 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: i }\nspec:\n  ca: { secret: x }\n', 'additionalProperties', '/spec/ca', { additionalProperty: 'secret' });
    invalid(F, 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: i }\nspec:\n  selfsigned: {}\n', 'additionalProperties', '/spec', { additionalProperty: 'selfsigned' });
    invalid(F, 'apiVersion: cert-manager.io/v1\nkind: Issuers\nmetadata: { name: i }\nspec: { selfSigned: {} }\n', 'enum', '/kind');
  });
});

describe('cert-manager Certificate', () => {
  const F = 'cert-manager-certificate.json';
  const head = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: c, namespace: demo }\n';
  test('accepts a CA certificate and a server certificate as the operators make them', () => {
    valid(F, `${head}spec:
  isCA: true
  commonName: cluster1-ca
  secretName: cluster1-cluster-ca-cert
  duration: 26280h
  privateKey: { algorithm: ECDSA, size: 256 }
  issuerRef: { name: cluster1-ca-issuer, kind: Issuer, group: cert-manager.io }
`);
    valid(F, `${head}spec:
  secretName: cluster1-cluster-cert
  commonName: cluster1-primary.demo.svc.cluster.local
  dnsNames: [cluster1-primary, cluster1-primary.demo, cluster1-primary.demo.svc, cluster1-primary.demo.svc.cluster.local]
  ipAddresses: ["10.0.0.1"]
  usages: [server auth, client auth, digital signature, key encipherment]
  duration: 2160h
  renewBefore: 720h
  privateKey: { algorithm: ECDSA, size: 256, encoding: PKCS8, rotationPolicy: Never }
  subject: { organizations: [example] }
  secretTemplate: { labels: { app: pg } }
  issuerRef: { name: cluster1-tls-issuer }
`);
  });
  test('rejects lower-case encodings and algorithms, camel-case usages, KubeDB apiGroup and a missing secretName', () => {
    const spec = (s: string) => `${head}spec:\n  secretName: s\n  issuerRef: { name: ca }\n${s}`;
    invalid(F, spec('  privateKey: { encoding: pkcs8 }\n'), 'enum', '/spec/privateKey/encoding');
    invalid(F, spec('  privateKey: { algorithm: ecdsa }\n'), 'enum', '/spec/privateKey/algorithm');
    invalid(F, spec('  usages: [serverAuth]\n'), 'enum', '/spec/usages/0');
    invalid(F, `${head}spec:\n  secretName: s\n  issuerRef: { name: ca, apiGroup: cert-manager.io }\n`, 'additionalProperties', '/spec/issuerRef', { additionalProperty: 'apiGroup' });
    invalid(F, `${head}spec:\n  issuerRef: { name: ca }\n  dnsNames: [a]\n`, 'required', '/spec', { missingProperty: 'secretName' });
    invalid(F, spec('  dnsName: [a]\n'), 'additionalProperties', '/spec', { additionalProperty: 'dnsName' });
  });
});

describe('Secret', () => {
  const F = 'secret.json';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const head = 'apiVersion: v1\nkind: Secret\nmetadata: { name: pg-tls, namespace: demo }\n';

  test('accepts kubernetes.io/tls with base64 data, with stringData PEM, and base64 wrapped over lines', () => {
    valid(F, `${head}type: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(pem)}\n  tls.key: ${b64('key')}\n  ca.crt: ${b64(pem)}\n`);
    valid(F, `${head}type: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${pem.split('\n').filter(Boolean).map(l => `    ${l}`).join('\n')}\n  tls.key: x\n`);
    valid(F, `${head}type: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(pem)}\nstringData:\n  tls.key: x\n`);
    const long = b64(pem.repeat(4));
    valid(F, `${head}type: Opaque\ndata:\n  root.crt: |\n    ${long.slice(0, 40)}\n    ${long.slice(40)}\n  root.key: ""\nimmutable: true\n`);
  });

  test('defaults type to Opaque', () => {
    const data = parse(`${head}stringData: { a: b }\n`) as { type?: string };
    assert.ok(validator(F)(data));
    assert.equal(data.type, 'Opaque');
  });

  test('rejects raw PEM and placeholders in data, bad key names, a tls Secret without tls.key, unknown fields', () => {
    invalid(F, `${head}type: Opaque\ndata:\n  tls.crt: "${pem.replace(/\n/g, '\\n')}"\n`, 'pattern', '/data/tls.crt');
    invalid(F, `${head}data:\n  ca.crt: <value>\n`, 'pattern', '/data/ca.crt');
    // A length that is not a multiple of four is the check's (k8s/check/schema.ts base64LengthErrors, a loop rather
    // than a pattern that overflows V8's regular expression stack on megabytes): test/unit/hostileInput.test.ts.
    invalid(F, `${head}stringData:\n  certs/tls.crt: x\n`, 'pattern', '/stringData');
    invalid(F, `${head}type: kubernetes.io/tls\nstringData:\n  tls.crt: x\n`, 'required', '/stringData', { missingProperty: 'tls.key' });
    invalid(F, `${head}stringdata: { a: b }\n`, 'additionalProperties', '', { additionalProperty: 'stringdata' });
  });
});

describe('drift against the upstream CRDs', () => {
  const absent = fs.existsSync(CRD_DIR) ? false : `SKIPPED: no upstream CRDs at ${CRD_DIR} (a data folder; the drift test needs it)`;
  if (absent) process.stderr.write(`\n*** ${absent} ***\n`);

  // A CRD that the reference set does not hold (today the PgpoolOpsRequest one) is compared as soon as it is added.
  // Until then this is a passing note, not a skip: under CI=true every skip fails the run.
  const notInSet = TARGETS.flatMap(t => t.crds.filter(f => !fs.existsSync(path.join(CRD_DIR, f))).map(f => `${t.schema}: ${f}`));
  test('CRDs not in the reference set are listed', { skip: absent }, t => {
    for (const n of notInSet) t.diagnostic(`not compared (CRD absent, schema follows operators.md and the Go types): ${n}`);
    assert.ok(notInSet.every(n => n.startsWith('kubedb-pgpoolopsrequest.json')), `unexpectedly absent: ${notInSet.join(', ')}`);
  });

  for (const target of TARGETS) {
    for (const file of target.crds) {
      if (!absent && !fs.existsSync(path.join(CRD_DIR, file))) continue;
      test(`${target.schema} agrees with ${file}`, { skip: absent }, t => {
        const drift = compare(target, loadSchema(target.schema), loadCrd(file));
        for (const [p, n] of Object.entries(drift.covered)) t.diagnostic(`strict: ${p} (${n} upstream field(s))`);
        for (const [p, m] of Object.entries(drift.missing)) if (m.length) t.diagnostic(`upstream fields we lack under ${p}: ${m.join(', ')}`);
        assert.deepEqual(drift.problems, []);
        assert.deepEqual(Object.values(drift.missing).flat(), [], 'strict subtrees must have every upstream field');
        assert.deepEqual(Object.keys(drift.covered).sort(), [...target.strict].sort(), 'every strict subtree was compared');
      });
    }
  }

  test('Issuer and ClusterIssuer CRDs have the same spec, so one schema serves both', { skip: absent }, () => {
    const strip = (s: unknown): unknown => JSON.parse(JSON.stringify(s, (k, v: unknown) => (k === 'description' ? undefined : v)));
    const a = at(loadCrd('cert-manager.io_issuers.yaml').schema, 'spec');
    const b = at(loadCrd('cert-manager.io_clusterissuers.yaml').schema, 'spec');
    assert.deepEqual(strip(a), strip(b));
  });

  test('the comparison catches drift (a changed enum, a dropped field, an invented default)', { skip: absent }, () => {
    const target = TARGETS.find(t => t.schema === 'kubedb-pgpool.json')!;
    const crd = loadCrd(target.crds[0]!);
    const mutate = (f: (s: Schema) => void): string[] => {
      const s = structuredClone(loadSchema(target.schema));
      f(s);
      return compare(target, s, crd).problems;
    };
    assert.deepEqual(mutate(() => undefined), []);
    assert.ok(mutate(s => { (at(s, 'spec.sslMode')!.enum as string[]).push('disabled'); }).some(p => p.startsWith('spec.sslMode: enum')));
    assert.ok(mutate(s => { delete (at(s, 'spec.tls.certificates.[]')!.properties as Schema).uris; }).some(p => p.includes('uris')));
    assert.ok(mutate(s => { at(s, 'spec.sslMode')!.default = 'verify-full'; }).some(p => p.startsWith('spec.sslMode: default')));
    assert.ok(mutate(s => { at(s, 'spec.tls.issuerRef')!.required = ['name']; }).some(p => p.startsWith('spec.tls.issuerRef: required')));
    assert.ok(mutate(s => { (at(s, 'spec.tls')!.properties as Schema).sslMode = { type: 'string', description: 'x' }; }).some(p => p.includes('fields not upstream: sslMode')));
  });

  test('our descriptions are our own words (no 8-word run shared with an upstream description)', { skip: absent }, () => {
    // Words only: numbers (OIDs, sizes, ports) are facts that both texts may quote.
    const words = (s: string) => s.toLowerCase().replace(/[^a-z]+/g, ' ').trim().split(' ').filter(Boolean);
    const shingles = new Set<string>();
    for (const f of fs.readdirSync(CRD_DIR).filter(x => x.endsWith('.yaml'))) {
      for (const [, d] of descriptions(loadCrd(f).schema)) {
        const w = words(d);
        for (let i = 0; i + 8 <= w.length; i++) shingles.add(w.slice(i, i + 8).join(' '));
      }
    }
    const copied: string[] = [];
    for (const file of SCHEMA_FILES) {
      for (const [p, d] of descriptions(loadSchema(file))) {
        const w = words(d);
        for (let i = 0; i + 8 <= w.length; i++) if (shingles.has(w.slice(i, i + 8).join(' '))) { copied.push(`${file}${p}: "${w.slice(i, i + 8).join(' ')}"`); break; }
      }
    }
    assert.deepEqual(copied, []);
  });
});
