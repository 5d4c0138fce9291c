/**
 * Names without Secrets and ACME issuers (k8s/check/certificateNames.ts, acme.ts, issuers.ts): the pure judgements
 * (names no public CA issues, private addresses, the names a Certificate asks for) and the rules end to end through
 * the real service, on manifests shaped like the ones users reported (sources in the test names and the fixtures).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isPrivateIp, privateDnsReason } from '../../server/src/languages/k8s/check/acme';
import { requestedNames } from '../../server/src/languages/k8s/check/certificateNames';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const service = testService();
const PATH = '/nonexistent/pgtls-certificate-names/manifests.yaml';
const run = (text: string): Problem[] => check(service, PATH, text);
const ours = (ps: Problem[]) => ps.filter(p => /^(cert-manager\/acme-|percona\/(server|primary|pgbouncer)-san|percona\/replication-cn|cpo\/server-san|pgpool\/server-san)/.test(p.rule));
const lineOf = (text: string, p: Problem) => text.slice(0, p.span[0]).split('\n').length;

test('privateDnsReason: Service names, single labels, reserved TLDs and IPs are refused; public names pass', () => {
  for (const n of ['db.ns.svc', 'db.ns.svc.cluster.local', 'x.cluster.local', 'localhost', 'orders-db', 'pg.corp.internal', 'a.local', 'b.test', 'c.home.arpa', '10.0.0.1', '*.db.ns.svc']) {
    assert.ok(privateDnsReason(n), n);
  }
  for (const n of ['db.example.com', '*.db.example.com', 'svc.example.org', 'x.svc.example.com', 'db.example.com.']) {
    assert.equal(privateDnsReason(n), undefined, n);
  }
  assert.equal(privateDnsReason(''), undefined);
});

test('isPrivateIp: RFC 1918, loopback, link-local, CGNAT, ULA; public addresses are not', () => {
  for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
    assert.equal(isPrivateIp(ip), true, ip);
  }
  for (const ip of ['8.8.8.8', '172.32.0.1', '203.0.113.10', '2001:db8::1', '100.128.0.1']) assert.equal(isPrivateIp(ip), false, ip);
});

test('requestedNames reads dnsNames, ipAddresses and commonName, skipping non-strings and empties', () => {
  assert.deepEqual(requestedNames({ dnsNames: ['a', 3, '', 'b'], ipAddresses: ['10.0.0.1'], commonName: '' }), { dns: ['a', 'b'], ips: ['10.0.0.1'], cn: undefined });
  assert.deepEqual(requestedNames({}), { dns: [], ips: [], cn: undefined });
});

const percona = (name: string, ns: string, extra = '') => `apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata: { name: ${name}, namespace: ${ns} }
spec:
  postgresVersion: 17
  instances: [{ name: instance1, dataVolumeClaimSpec: {} }]
  backups: { pgbackrest: { repos: [{ name: repo1 }] } }
${extra}  secrets:
    customTLSSecret: { name: ${name}-tls }
    customReplicationTLSSecret: { name: ${name}-repl }
---
`;
const certificate = (name: string, ns: string, body: string, issuer = 'issuerRef: { name: internal-ca, kind: ClusterIssuer }') =>
  `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n  secretName: ${name}\n  ${issuer}\n${body}---\n`;
const LE = `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: { name: letsencrypt }
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: { name: letsencrypt-account }
    solvers: [{ http01: { ingress: { ingressClassName: nginx } } }]
---
`;

test('Percona: a Certificate whose dnsNames stop at .svc is reported on its dnsNames (ocm#1533 shape), a complete one is not', () => {
  const svcOnly = percona('c1', 'db') + certificate('c1-tls', 'db', '  dnsNames:\n    - c1-primary\n    - c1-primary.db.svc\n    - c1-replicas\n    - c1-replicas.db.svc\n');
  const found = ours(run(svcOnly));
  assert.deepEqual(found.map(p => [p.rule, p.severity]), [['percona/server-san', 'info']]);
  assert.match(found[0]!.message, /"c1-primary\.db\.svc\.cluster\.local"/);
  assert.match(found[0]!.message, /other namespaces/);
  assert.equal(svcOnly.slice(found[0]!.span[0], found[0]!.span[1]), '- c1-primary\n    - c1-primary.db.svc\n    - c1-replicas\n    - c1-replicas.db.svc');
  const all = ['c1-primary', 'c1-replicas'].flatMap(s => [s, `${s}.db`, `${s}.db.svc`, `${s}.db.svc.cluster.local`]);
  assert.deepEqual(ours(run(percona('c1', 'db') + certificate('c1-tls', 'db', `  dnsNames: [${all.join(', ')}]\n`))), []);
});

test('Percona: without <cluster>-primary.<ns>.svc (the pguser Secret host, CrunchyData/postgres-operator#3161) it is a warning', () => {
  const text = percona('c1', 'db') + certificate('c1-tls', 'db', '  dnsNames: [c1-primary, c1-replicas, c1-primary.db.svc.cluster.local, c1-replicas.db.svc.cluster.local]\n');
  const found = ours(run(text));
  assert.deepEqual(found.map(p => [p.rule, p.severity]), [['percona/server-san', 'warning']]);
  assert.match(found[0]!.message, /give applications "c1-primary\.db\.svc" as their host/);
  assert.match(found[0]!.message, /verify-full/);
});

test('Percona: PgBouncer needs the short primary name (primary-san), the replication Certificate the CN _crunchyrepl', () => {
  const all = ['c1-primary', 'c1-replicas'].flatMap(s => [s, `${s}.db`, `${s}.db.svc`, `${s}.db.svc.cluster.local`]).filter(n => n !== 'c1-primary');
  const text = percona('c1', 'db', '  proxy: { pgBouncer: { replicas: 1 } }\n') + certificate('c1-tls', 'db', `  dnsNames: [${all.join(', ')}]\n`)
    + certificate('c1-repl', 'db', '  commonName: replicator\n');
  const found = ours(run(text));
  assert.deepEqual(found.map(p => [p.rule, p.severity]).sort(), [['percona/primary-san', 'error'], ['percona/replication-cn', 'error']]);
  assert.ok(found.find(p => p.rule === 'percona/primary-san')!.related?.some(r => r.message.includes('PerconaPGCluster "c1"')));
});

test('Ties follow namespaces: a Certificate in another namespace is not the cluster\'s', () => {
  const text = percona('c1', 'db') + certificate('c1-tls', 'other', '  dnsNames: [x]\n');
  assert.deepEqual(ours(run(text)), []);
});

test('CPO: the pooler Services are required only when enabled; KubeDB Pgpool: the default <name>-server-cert is tied', () => {
  const cpo = (pooler: string) => `apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata: { name: acid, namespace: pg }\nspec:\n  teamId: acid\n  numberOfInstances: 1\n  postgresql: { version: "17" }\n  volume: { size: 1Gi }\n  spiloFSGroup: 103\n${pooler}  tls: { secretName: acid-tls }\n---\n`;
  const names = ['acid', 'acid-repl'].flatMap(s => [s, `${s}.pg`, `${s}.pg.svc`, `${s}.pg.svc.cluster.local`]);
  const cert = certificate('acid-tls', 'pg', `  dnsNames: [${names.join(', ')}]\n`);
  assert.deepEqual(ours(run(cpo('') + cert)), []);
  const withPooler = ours(run(cpo('  enableConnectionPooler: true\n') + cert));
  assert.deepEqual(withPooler.map(p => [p.rule, p.severity]), [['cpo/server-san', 'warning']]);
  assert.match(withPooler[0]!.message, /"acid-pooler"/);
  const pgpool = `apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: pp, namespace: demo }\nspec:\n  version: "4.6.0"\n  postgresRef: { name: pg }\n  tls:\n    issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: pp-ca }\n---\n`;
  const found = ours(run(pgpool + certificate('pp-server-cert', 'demo', '  dnsNames: [localhost]\n  ipAddresses: ["127.0.0.1"]\n')));
  assert.deepEqual(found.map(p => [p.rule, p.severity]), [['pgpool/server-san', 'warning']]);
  assert.match(found[0]!.message, /"pp"/);
});

test('ACME: in-cluster names are errors on their entries, and the name rules stay silent (their advice could not be issued)', () => {
  const text = LE + percona('c1', 'db') + certificate('c1-tls', 'db', '  dnsNames:\n    - db.example.com\n    - c1-primary.db.svc\n  ipAddresses: ["10.1.2.3"]\n', 'issuerRef: { name: letsencrypt, kind: ClusterIssuer }');
  const found = ours(run(text));
  assert.deepEqual(found.map(p => p.rule).sort(), ['cert-manager/acme-no-ca-crt', 'cert-manager/acme-private-name', 'cert-manager/acme-private-name']);
  const names = found.filter(p => p.rule === 'cert-manager/acme-private-name').map(p => text.slice(p.span[0], p.span[1]));
  assert.deepEqual(names.sort(), ['"10.1.2.3"', 'c1-primary.db.svc']);
  assert.ok(found.every(p => p.severity === 'error'));
  assert.match(found.find(p => p.rule === 'cert-manager/acme-no-ca-crt')!.message, /required path ca\.crt was not found/);
});

test('ACME: an Issuer of the same name that is a CA issuer, or one in another namespace, gives no ACME verdict', () => {
  const caIssuer = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: { name: letsencrypt, namespace: db }\nspec:\n  ca: { secretName: ca }\n---\n';
  const acmeElsewhere = LE.replace('kind: ClusterIssuer\nmetadata: { name: letsencrypt }', 'kind: Issuer\nmetadata: { name: letsencrypt, namespace: other }');
  for (const issuer of [caIssuer, acmeElsewhere]) {
    const text = issuer + certificate('x', 'db', '  isCA: true\n  dnsNames: [x.db.svc]\n', 'issuerRef: { name: letsencrypt }');
    assert.deepEqual(ours(run(text)).filter(p => p.rule.startsWith('cert-manager/acme-')), []);
  }
});

test('ACME: isCA true is reported on isCA; a public IP needs the shortlived profile only from Let\'s Encrypt', () => {
  const ca = LE + certificate('root', 'db', '  isCA: true\n  commonName: ca.example.com\n  dnsNames: [ca.example.com]\n', 'issuerRef: { name: letsencrypt, kind: ClusterIssuer }');
  const found = ours(run(ca));
  assert.deepEqual(found.map(p => p.rule), ['cert-manager/acme-is-ca']);
  assert.equal(lineOf(ca, found[0]!), ca.split('\n').findIndex(l => l.includes('isCA: true')) + 1);
  const ip = (issuer: string) => ours(run(issuer + certificate('pub', 'db', '  ipAddresses: ["203.0.113.10"]\n', 'issuerRef: { name: letsencrypt, kind: ClusterIssuer }'))).map(p => p.rule);
  assert.deepEqual(ip(LE), ['cert-manager/acme-private-name']);
  assert.deepEqual(ip(LE.replace('    privateKeySecretRef', '    profile: shortlived\n    privateKeySecretRef')), []);
  assert.deepEqual(ip(LE.replace('acme-v02.api.letsencrypt.org', 'acme.zerossl.com/v2/DV90').replace('/directory', '')), []);
});

test('ACME: KubeDB tls.certificates entries asking for localhost (the KubeDB docs example) are errors', () => {
  const text = LE.replace('kind: ClusterIssuer\nmetadata: { name: letsencrypt }', 'kind: Issuer\nmetadata: { name: letsencrypt, namespace: demo }')
    + 'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: pp, namespace: demo }\nspec:\n  version: "4.6.0"\n  postgresRef: { name: pg }\n  tls:\n    issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: letsencrypt }\n    certificates:\n      - alias: server\n        dnsNames: [localhost, pp.example.com]\n';
  const found = ours(run(text));
  assert.deepEqual(found.map(p => [p.rule, text.slice(p.span[0], p.span[1])]), [['cert-manager/acme-private-name', 'localhost']]);
  assert.match(found[0]!.message, /The Certificate KubeDB creates for "server"/);
});

test('bad input never throws', () => {
  for (const body of ['  dnsNames: 7\n', '  dnsNames: [~, {a: 1}]\n', '  ipAddresses: [999.1.1.1, "::zz"]\n', '  isCA: "yes"\n']) {
    assert.doesNotThrow(() => run(LE + percona('c1', 'db') + certificate('c1-tls', 'db', body, 'issuerRef: { name: letsencrypt, kind: ClusterIssuer }')));
  }
  assert.doesNotThrow(() => run('apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: { name: x }\nspec:\n  secretName: x\n  issuerRef: 5\n'));
});
