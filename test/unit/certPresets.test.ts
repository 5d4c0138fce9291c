/**
 * Operator presets: the exact SAN lists, Secret names and keys, client CNs and resource patches of
 * reference/operators.md (KubeDB §1.3, Percona §2.2-2.3, CPO §3.2-3.3) and plain Pgpool-II (pgpool.md §3).
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CertError } from '../../server/src/certs/algorithms';
import {
  nameWithSuffix,
  operatorOfResource,
  parseOperator,
  preset,
  presetFromResource,
  serviceNames,
} from '../../server/src/certs/presets';

describe('KubeDB Pgpool', () => {
  test('SANs, client CN postgres, the CA Secret and Issuer pgtls writes, the Secrets cert-manager makes', () => {
    const p = preset({ operator: 'kubedb', name: 'pp', namespace: 'demo' });
    assert.equal(p.kind, 'Pgpool');
    assert.deepEqual(p.server.dnsNames, ['pp', 'pp.demo', 'pp.demo.svc', 'pp.demo.svc.cluster.local', '*.pp-pods.demo.svc', 'localhost']);
    assert.deepEqual(p.server.ipAddresses, ['127.0.0.1']);
    assert.equal(p.server.commonName, 'pp');
    assert.deepEqual(p.clientUsers, ['postgres']);
    assert.equal(p.replicationUser, undefined);
    assert.deepEqual(p.secrets.map(s => [s.name, s.source, s.keys.join(',')]), [
      ['pp-ca', 'pgtls', 'tls.crt,tls.key'],
      ['pp-server-cert', 'operator', 'tls.crt,tls.key,ca.crt'],
      ['pp-client-cert', 'operator', 'tls.crt,tls.key,ca.crt'],
      ['pp-metrics-exporter-cert', 'operator', 'tls.crt,tls.key,ca.crt'],
    ]);
    assert.deepEqual(p.issuer, { kind: 'Issuer', name: 'pp-ca-issuer', secretName: 'pp-ca' });
    assert.deepEqual(p.patch, {
      spec: {
        tls: {
          issuerRef: { apiGroup: 'cert-manager.io', kind: 'Issuer', name: 'pp-ca-issuer' },
          certificates: [{ alias: 'server', dnsNames: p.server.dnsNames, ipAddresses: ['127.0.0.1'] }],
        },
      },
    });
  });

  test('the client CN is always postgres; another user is refused with the reason', () => {
    assert.throws(() => preset({ operator: 'kubedb', name: 'pp', clientUsers: ['alice'] }), (e: Error) => e instanceof CertError && /always has CN "postgres"/.test(e.message));
    assert.deepEqual(preset({ operator: 'kubedb', name: 'pp', clientUsers: ['postgres'] }).clientUsers, ['postgres']);
  });

  test('default namespace and cluster domain; a custom domain reaches the FQDN', () => {
    const p = preset({ operator: 'kubedb', name: 'pp' });
    assert.equal(p.namespace, 'default');
    assert.ok(p.server.dnsNames.includes('pp.default.svc.cluster.local'));
    assert.ok(preset({ operator: 'kubedb', name: 'pp', namespace: 'x', clusterDomain: 'corp.internal' }).server.dnsNames.includes('pp.x.svc.corp.internal'));
  });

  test('Secret names are shortened as NameWithSuffix does (63 characters)', () => {
    const long = 'a'.repeat(60);
    const p = preset({ operator: 'kubedb', name: long });
    const server = p.secrets.find(s => s.role === 'server')!;
    assert.equal(server.name.length, 63);
    assert.ok(server.name.endsWith('-server-cert'));
    // The governing Service is shortened the same way, so the pod wildcard stays a valid name.
    assert.ok(p.server.dnsNames.includes(`*.${'a'.repeat(58)}-pods.default.svc`));
    assert.equal(nameWithSuffix('pp', 'client-cert'), 'pp-client-cert');
  });
});

describe('Percona PerconaPGCluster', () => {
  test('primary, replicas and pgbouncer in the operator\'s four forms, CN = primary FQDN', () => {
    const p = preset({ operator: 'percona', name: 'cluster1', namespace: 'pg' });
    const forms = (svc: string) => [`${svc}.pg.svc.cluster.local`, `${svc}.pg.svc`, `${svc}.pg`, svc];
    assert.deepEqual(p.server.dnsNames, [...forms('cluster1-primary'), ...forms('cluster1-replicas'), ...forms('cluster1-pgbouncer')]);
    assert.deepEqual(p.server.ipAddresses, []);
    assert.equal(p.server.commonName, 'cluster1-primary.pg.svc.cluster.local');
    // R7: PgBouncer dials the short primary name with verify-full.
    assert.ok(p.server.dnsNames.includes('cluster1-primary'));
    assert.equal(p.replicationUser, '_crunchyrepl');
    assert.deepEqual(p.clientUsers, ['postgres']);
  });

  test('TLS, replication and root CA Secrets with their keys, and the items mapping in the patch', () => {
    const p = preset({ operator: 'percona', name: 'cluster1', namespace: 'pg' });
    assert.deepEqual(p.secrets.map(s => [s.role, s.name, s.keys.join(','), s.type ?? 'Opaque', s.reference]), [
      ['server', 'cluster1-custom-tls', 'tls.crt,tls.key,ca.crt', 'kubernetes.io/tls', 'spec.secrets.customTLSSecret'],
      ['replication', 'cluster1-custom-replication-tls', 'tls.crt,tls.key,ca.crt', 'kubernetes.io/tls', 'spec.secrets.customReplicationTLSSecret'],
      ['root-ca', 'cluster1-custom-root-ca', 'root.crt,root.key', 'Opaque', 'spec.secrets.customRootCATLSSecret'],
    ]);
    const items = ['tls.crt', 'tls.key', 'ca.crt'].map(k => ({ key: k, path: k }));
    assert.deepEqual(p.patch, {
      spec: {
        secrets: {
          customTLSSecret: { name: 'cluster1-custom-tls', items },
          customReplicationTLSSecret: { name: 'cluster1-custom-replication-tls', items },
          customRootCATLSSecret: { name: 'cluster1-custom-root-ca', items: [{ key: 'root.crt', path: 'root.crt' }, { key: 'root.key', path: 'root.key' }] },
        },
      },
    });
  });

  test('the cluster domain comes from spec.clusterServiceDNSSuffix; existing Secret references are kept', () => {
    const p = presetFromResource({
      apiVersion: 'pgv2.percona.com/v2', kind: 'PerconaPGCluster',
      metadata: { name: 'c2', namespace: 'db' },
      spec: { clusterServiceDNSSuffix: 'example.org.', secrets: { customTLSSecret: { name: 'mine' }, customReplicationTLSSecret: { name: 'mine-repl' } } },
    })!;
    assert.equal(p.clusterDomain, 'example.org');
    assert.equal(p.server.commonName, 'c2-primary.db.svc.example.org');
    assert.deepEqual(p.secrets.map(s => s.name), ['mine', 'mine-repl', 'c2-custom-root-ca']);
  });

  test('server and replication Secrets must differ', () => {
    assert.throws(() => preset({ operator: 'percona', name: 'c', names: { server: 'same', replication: 'same' } }), /must differ/);
  });
});

describe('CPO postgresql', () => {
  test('master, repl, pooler and pooler-repl in their four forms, CN = cluster', () => {
    const p = preset({ operator: 'cpo', name: 'acid-main', namespace: 'db' });
    assert.deepEqual(p.server.dnsNames, ['acid-main', 'acid-main-repl', 'acid-main-pooler', 'acid-main-pooler-repl']
      .flatMap(s => [s, `${s}.db`, `${s}.db.svc`, `${s}.db.svc.cluster.local`]));
    assert.equal(p.server.commonName, 'acid-main');
    assert.equal(p.kind, 'postgresql');
  });

  test('one-Secret layout (default): tls.crt, tls.key, ca.crt; patch sets secretName and caFile', () => {
    const p = preset({ operator: 'cpo', name: 'acid', namespace: 'db' });
    assert.deepEqual(p.secrets.map(s => [s.name, s.keys.join(','), s.reference]), [['acid-tls', 'tls.crt,tls.key,ca.crt', 'spec.tls.secretName']]);
    assert.deepEqual(p.patch, { spec: { tls: { secretName: 'acid-tls', certificateFile: 'tls.crt', privateKeyFile: 'tls.key', caFile: 'ca.crt' } } });
  });

  test('two-Secret layout: the CA in its own Secret, referenced by caSecretName + caFile', () => {
    const p = preset({ operator: 'cpo', name: 'acid', namespace: 'db', cpoLayout: 'two' });
    assert.deepEqual(p.secrets.map(s => [s.name, s.keys.join(','), s.type ?? 'Opaque', s.reference]), [
      ['acid-tls', 'tls.crt,tls.key', 'kubernetes.io/tls', 'spec.tls.secretName'],
      ['acid-tls-ca', 'ca.crt', 'Opaque', 'spec.tls.caSecretName'],
    ]);
    assert.deepEqual(p.patch, { spec: { tls: { secretName: 'acid-tls', certificateFile: 'tls.crt', privateKeyFile: 'tls.key', caSecretName: 'acid-tls-ca', caFile: 'ca.crt' } } });
  });

  test('from a resource: caSecretName selects the two-Secret layout and the names are kept', () => {
    const p = presetFromResource({
      apiVersion: 'cpo.opensource.cybertec.at/v1', kind: 'postgresql', metadata: { name: 'acid' },
      spec: { tls: { secretName: 'pg-tls', caSecretName: 'pg-ca', caFile: 'ca.crt' } },
    })!;
    assert.equal(p.cpoLayout, 'two');
    assert.deepEqual(p.secrets.map(s => s.name), ['pg-tls', 'pg-ca']);
    assert.equal(p.namespace, 'default');
  });

  test('CPO names are DNS-1035: a leading digit is refused', () => {
    assert.throws(() => preset({ operator: 'cpo', name: '1acid' }), /DNS-1035/);
  });
});

describe('plain Pgpool-II', () => {
  test('the host and the given names and addresses; pool_hba lines per user; ssl_ca_cert set', () => {
    const p = preset({ operator: 'pgpool', name: 'pgpool.example.com', extraSans: ['pgpool', '10.0.0.5', '::1'], clientUsers: ['alice', 'Bob'] });
    assert.deepEqual(p.server, { commonName: 'pgpool.example.com', dnsNames: ['pgpool.example.com', 'pgpool'], ipAddresses: ['10.0.0.5', '::1'] });
    assert.deepEqual(p.clientUsers, ['alice', 'Bob']);
    assert.deepEqual(p.secrets, []);
    assert.ok(p.config!.pgpoolConf.includes("ssl_ca_cert = 'ca.crt'"));
    assert.deepEqual(p.config!.poolHba, ['hostssl all alice 0.0.0.0/0 cert', 'hostssl all "Bob" 0.0.0.0/0 cert']);
  });

  test('an address as the host becomes the CN and an IP SAN', () => {
    const p = preset({ operator: 'pgpool', name: '192.0.2.10' });
    assert.deepEqual(p.server, { commonName: '192.0.2.10', dnsNames: [], ipAddresses: ['192.0.2.10'] });
    assert.deepEqual(p.clientUsers, ['postgres']);
  });
});

describe('input handling', () => {
  test('operator names as users type them', () => {
    assert.equal(parseOperator('KubeDB'), 'kubedb');
    assert.equal(parseOperator('PerconaPGCluster'), 'percona');
    assert.equal(parseOperator('cybertec'), 'cpo');
    assert.equal(parseOperator('Pgpool-II'), 'pgpool');
    assert.equal(parseOperator('zalando'), 'zalando');
    assert.equal(parseOperator('PostgresCluster'), 'pgo');
    assert.equal(parseOperator('crunchy'), 'pgo');
    assert.throws(() => parseOperator('stackgres'), /unknown operator "stackgres"; valid operators: kubedb, percona, cpo, pgpool, zalando, pgo/);
  });

  test('names Kubernetes would refuse are refused before anything is generated', () => {
    assert.throws(() => preset({ operator: 'percona', name: 'Cluster1' }), /DNS-1123 label/);
    assert.throws(() => preset({ operator: 'percona', name: 'c', namespace: 'bad_ns' }), /namespace "bad_ns" must be a DNS-1123 label/);
    assert.throws(() => preset({ operator: 'percona', name: 'c', clusterDomain: 'a..b' }), /cluster domain/);
    assert.throws(() => preset({ operator: 'kubedb', name: 'c', names: { ca: 'Not_Valid' } }), /not a valid Kubernetes object name/);
    // A 55-character CPO cluster makes <cluster>-pooler-repl longer than a DNS label.
    assert.throws(() => preset({ operator: 'cpo', name: 'a'.repeat(55) }), /not a valid DNS name/);
  });

  test('extra SANs are appended after the operator\'s, without duplicates, addresses among the IPs', () => {
    const p = preset({ operator: 'cpo', name: 'acid', namespace: 'db', extraSans: ['ACID', 'db.example.com', '10.1.2.3'] });
    assert.equal(p.server.dnsNames.at(-1), 'db.example.com');
    assert.equal(p.server.dnsNames.filter(n => n.toLowerCase() === 'acid').length, 1);
    assert.deepEqual(p.server.ipAddresses, ['10.1.2.3']);
  });

  test('serviceNames gives the four in-cluster forms', () => {
    assert.deepEqual(serviceNames('s', 'n', 'cluster.local'), ['s', 's.n', 's.n.svc', 's.n.svc.cluster.local']);
  });
});

describe('presetFromResource', () => {
  test('recognises the three kinds by apiVersion group and kind, nothing else', () => {
    assert.equal(operatorOfResource({ apiVersion: 'kubedb.com/v1alpha2', kind: 'Pgpool' }), 'kubedb');
    assert.equal(operatorOfResource({ apiVersion: 'pgv2.percona.com/v2', kind: 'PerconaPGCluster' }), 'percona');
    assert.equal(operatorOfResource({ apiVersion: 'cpo.opensource.cybertec.at/v1', kind: 'postgresql' }), 'cpo');
    assert.equal(operatorOfResource({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql' }), 'zalando');
    assert.equal(operatorOfResource({ apiVersion: 'postgres-operator.crunchydata.com/v1beta1', kind: 'PostgresCluster' }), 'pgo');
    for (const other of [
      { apiVersion: 'cpo.opensource.cybertec.at/v1', kind: 'Postgresql' },
      { apiVersion: 'acid.zalan.do/v1', kind: 'Postgresql' },
      { apiVersion: 'postgres-operator.crunchydata.com/v1beta1', kind: 'PerconaPGCluster' },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
      { apiVersion: 'kubedb.com/v1', kind: 'Postgres', metadata: { name: 'x' } },
      null, 'text', 42, [],
    ]) {
      assert.equal(presetFromResource(other), undefined, JSON.stringify(other));
    }
  });

  test('undefined without a usable metadata.name', () => {
    assert.equal(presetFromResource({ apiVersion: 'kubedb.com/v1alpha2', kind: 'Pgpool', metadata: {} }), undefined);
    assert.equal(presetFromResource({ apiVersion: 'kubedb.com/v1alpha2', kind: 'Pgpool' }), undefined);
  });

  test('KubeDB: the referenced Issuer and the server certificate\'s extra SANs are kept', () => {
    const p = presetFromResource({
      apiVersion: 'kubedb.com/v1alpha2', kind: 'Pgpool', metadata: { name: 'pp', namespace: 'demo' },
      spec: { tls: { issuerRef: { apiGroup: 'cert-manager.io', kind: 'Issuer', name: 'my-issuer' }, certificates: [{ alias: 'server', dnsNames: ['pgpool.example.com'], ipAddresses: ['10.0.0.9'] }] } },
    })!;
    assert.equal(p.issuer!.name, 'my-issuer');
    assert.ok(p.server.dnsNames.includes('pgpool.example.com'));
    assert.deepEqual(p.server.ipAddresses, ['127.0.0.1', '10.0.0.9']);
  });

  test('overrides (namespace, extra SANs) apply on top of the resource', () => {
    const p = presetFromResource({ apiVersion: 'pgv2.percona.com/v2', kind: 'PerconaPGCluster', metadata: { name: 'c' } }, { namespace: 'other', extraSans: ['pg.example.com'] })!;
    assert.equal(p.namespace, 'other');
    assert.equal(p.server.dnsNames.at(-1), 'pg.example.com');
  });
});

describe('the upstream operators (issue 10)', () => {
  test('zalando: the CPO names (cluster, -repl, both poolers), no CPO-only clusterpods note, the same tls patch', () => {
    const p = preset({ operator: 'zalando', name: 'acid-main', namespace: 'db' });
    assert.equal(p.operator, 'zalando');
    assert.equal(p.kind, 'postgresql');
    for (const svc of ['acid-main', 'acid-main-repl', 'acid-main-pooler', 'acid-main-pooler-repl']) {
      assert.ok(p.server.dnsNames.includes(`${svc}.db.svc.cluster.local`), svc);
    }
    assert.deepEqual(p.patch, { spec: { tls: { secretName: 'acid-main-tls', certificateFile: 'tls.crt', privateKeyFile: 'tls.key', caFile: 'ca.crt' } } });
    assert.ok(!p.notes.some(n => n.includes('clusterpods')));
    assert.throws(() => preset({ operator: 'zalando', name: '1acid' }), /Zalando cluster names must match DNS-1035/);
  });

  test('pgo: primary/replicas/pgbouncer names, two Secrets with tls.crt, tls.key, ca.crt and no root CA, _crunchyrepl', () => {
    const p = preset({ operator: 'pgo', name: 'hippo', namespace: 'pg' });
    assert.equal(p.kind, 'PostgresCluster');
    assert.equal(p.server.commonName, 'hippo-primary.pg.svc.cluster.local');
    assert.equal(p.server.dnsNames.length, 12);
    assert.ok(p.server.dnsNames.includes('hippo-primary'));
    assert.equal(p.replicationUser, '_crunchyrepl');
    assert.deepEqual(p.secrets.map(s => [s.role, s.name, s.reference, s.keys.join(',')]), [
      ['server', 'hippo-tls', 'spec.customTLSSecret', 'tls.crt,tls.key,ca.crt'],
      ['replication', 'hippo-repl-tls', 'spec.customReplicationTLSSecret', 'tls.crt,tls.key,ca.crt'],
    ]);
    const spec = (p.patch as { spec: Record<string, { name: string }> }).spec;
    assert.deepEqual(Object.keys(spec), ['customTLSSecret', 'customReplicationTLSSecret']);
    assert.throws(() => preset({ operator: 'pgo', name: 'c', names: { server: 'same', replication: 'same' } }), /must differ/);
  });

  test('presetFromResource keeps the Secret names a PostgresCluster or Zalando postgresql already references', () => {
    const pgo = presetFromResource({
      apiVersion: 'postgres-operator.crunchydata.com/v1beta1', kind: 'PostgresCluster', metadata: { name: 'hippo', namespace: 'pg' },
      spec: { customTLSSecret: { name: 'my-tls' }, customReplicationTLSSecret: { name: 'my-repl' } },
    })!;
    assert.deepEqual(pgo.secrets.map(s => s.name), ['my-tls', 'my-repl']);
    const z = presetFromResource({
      apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', metadata: { name: 'acid' }, spec: { tls: { secretName: 'pg-tls', caSecretName: 'pg-ca' } },
    })!;
    assert.equal(z.operator, 'zalando');
    assert.equal(z.cpoLayout, 'two');
    assert.deepEqual(z.secrets.map(s => s.name), ['pg-tls', 'pg-ca']);
  });
});
