/**
 * Clients of the workspace's clusters (k8s/check/clients.ts through foreign.ts): how connection strings and hosts are
 * read, and that documents which are not ours stay silent unless a cluster of the workspace is dialled without TLS
 * (no schema finding on a Deployment, nothing for a host no cluster has, nothing where the operator accepts plain text).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConnString, serviceOfHost } from '../../server/src/languages/k8s/check/clients';
import { check, testService } from '../helpers';

test('parseConnString: URIs (postgres, postgresql, jdbc), key/value strings, anything else', () => {
  assert.deepEqual(parseConnString('postgresql://u:p@hippo-primary.prod.svc:5432/app?sslmode=disable&x=1'), { host: 'hippo-primary.prod.svc', sslmode: 'disable' });
  assert.deepEqual(parseConnString('postgres://hippo/app'), { host: 'hippo' });
  assert.deepEqual(parseConnString('jdbc:postgresql://db,db2:5432/app?sslmode=require'), { host: 'db', sslmode: 'require' });
  assert.deepEqual(parseConnString('host=hippo-pgbouncer port=5432 sslmode=disable'), { host: 'hippo-pgbouncer', sslmode: 'disable' });
  assert.deepEqual(parseConnString("host='a' sslmode='disable'"), { host: 'a', sslmode: 'disable' });
  assert.equal(parseConnString('just some text'), undefined);
  assert.deepEqual(parseConnString('postgresql://[::1]:5432/app?sslmode=disable'), { sslmode: 'disable' }, 'an IP literal names no Service');
});

test('serviceOfHost: short names, name.namespace, .svc and .svc.<domain>; external names and IPs are not Services', () => {
  assert.deepEqual(serviceOfHost('hippo-primary', 'prod'), { service: 'hippo-primary', namespace: 'prod' });
  assert.deepEqual(serviceOfHost('hippo-primary', undefined), { service: 'hippo-primary', namespace: undefined });
  assert.deepEqual(serviceOfHost('Hippo-Primary.other', 'prod'), { service: 'hippo-primary', namespace: 'other' });
  assert.deepEqual(serviceOfHost('hippo-primary.other.svc.cluster.local.', 'prod'), { service: 'hippo-primary', namespace: 'other' });
  assert.equal(serviceOfHost('db.example.com', 'prod'), undefined);
  assert.equal(serviceOfHost('10.0.0.12', 'prod'), undefined);
  assert.equal(serviceOfHost('', 'prod'), undefined);
});

const CLUSTER = `apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata: { name: hippo, namespace: prod }
spec:
  postgresVersion: 16
  instances: [{ name: i1, dataVolumeClaimSpec: {} }]
`;

function deployment(env: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: app, namespace: prod }
spec:
  selector: { matchLabels: { app: app } }${extra}
  template:
    spec:
      containers:
        - name: app
          env:
${env}`;
}

/** Checks app.yaml in a folder that holds it and, when given, the cluster. */
function run(app: string, cluster: string | undefined): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-clients-'));
  try {
    if (cluster !== undefined) fs.writeFileSync(path.join(dir, 'cluster.yaml'), cluster);
    const file = path.join(dir, 'app.yaml');
    fs.writeFileSync(file, app);
    return check(testService(), file, app).map(p => `${p.rule}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const DISABLE = '            - { name: PGHOST, value: hippo-primary }\n            - { name: PGSSLMODE, value: disable }\n';

test('a Deployment that dials the PGO primary without TLS gets the warning; without the cluster in the workspace, nothing', () => {
  assert.deepEqual(run(deployment(DISABLE), CLUSTER), ['client/sslmode-disable']);
  assert.deepEqual(run(deployment(DISABLE), undefined), []);
});

test('a Deployment is not ours: unknown keys and wrong types get no schema finding, with or without a cluster', () => {
  const odd = deployment(DISABLE, '\n  replicas: many\n  bogusField: 1');
  assert.deepEqual(run(odd, CLUSTER), ['client/sslmode-disable']);
  assert.deepEqual(run(odd, undefined), []);
});

test('TLS modes that work, and a cluster whose own rules admit plain text, are silent', () => {
  for (const mode of ['require', 'prefer', 'allow', 'verify-full']) {
    assert.deepEqual(run(deployment(`            - { name: PGHOST, value: hippo-primary }\n            - { name: PGSSLMODE, value: ${mode} }\n`), CLUSTER), [], mode);
  }
  const open = `${CLUSTER}  authentication:\n    rules: [{ hba: "host all all 10.0.0.0/8 scram-sha-256" }]\n`;
  assert.deepEqual(run(deployment(DISABLE), open), []);
  // A URI's own sslmode wins over PGSSLMODE (libpq).
  const uri = '            - { name: PGSSLMODE, value: disable }\n            - { name: DATABASE_URL, value: "postgresql://hippo-primary/app?sslmode=require" }\n';
  assert.deepEqual(run(deployment(uri), CLUSTER), []);
});

test('another namespace, or a PgBouncer Service of a cluster without PgBouncer, is not that cluster', () => {
  const other = '            - { name: PGHOST, value: hippo-primary.staging.svc }\n            - { name: PGSSLMODE, value: disable }\n';
  assert.deepEqual(run(deployment(other), CLUSTER), []);
  const bouncer = '            - { name: PGHOST, value: hippo-pgbouncer }\n            - { name: PGSSLMODE, value: disable }\n';
  assert.deepEqual(run(deployment(bouncer), CLUSTER), []);
  assert.deepEqual(run(deployment(bouncer), `${CLUSTER}  proxy: { pgBouncer: {} }\n`), ['client/sslmode-disable']);
});

test('a templated (Helm) client or one with a YAML error is silent', () => {
  assert.deepEqual(run(deployment('            - { name: PGHOST, value: "{{ .Values.host }}" }\n            - { name: PGSSLMODE, value: disable }\n'), CLUSTER), []);
  assert.deepEqual(run(`${deployment(DISABLE)}  bad: [unclosed\n`, CLUSTER), []);
});
