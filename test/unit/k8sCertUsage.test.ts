/**
 * Cross-resource certificate rules (check/certUsage.ts): libpq's host name matching (wildcards, case, IP SANs, CN
 * fallback), the names each operator's clients dial, Percona's items mapping, and the rules end to end through the
 * real service with certificates made in memory (Secrets in the same multi-document file as the resource).
 */
import 'reflect-metadata';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as x509 from '@peculiar/x509';
import { covers, missingNames, wantedNames } from '../../server/src/languages/k8s/check/certUsage';
import { certNames, commonName, matchesHost, wildcardMatch, type CertNames } from '../../server/src/x509';
import { perconaKeyFor } from '../../server/src/languages/k8s/check/percona';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';
import { issue, type Issued } from './pgpoolConfTlsKit';

const names = (n: Partial<CertNames>): CertNames => ({ dns: [], ips: [], cn: undefined, ...n });

// --- pure helpers -------------------------------------------------------------------------------------------------

test('commonName reads the first CN of an RFC 4514 name, unescaping', () => {
  assert.equal(commonName('C=US, O=Acme, CN=db'), 'db');
  assert.equal(commonName('CN=a\\, b, O=x'), 'a, b');
  assert.equal(commonName('CN=first+O=multi, CN=second'), 'first');
  assert.equal(commonName('O=no cn'), undefined);
  assert.equal(commonName(''), undefined);
  assert.equal(commonName(undefined as unknown as string), undefined);
});

test('certNames splits DNS and IP SANs and ignores other types', () => {
  const n = certNames({ subject: 'CN=x', subjectAltNames: ['DNS:a.b', 'IP:10.0.0.1', 'email:a@b', 'URI:http://x'] });
  assert.deepEqual(n, { dns: ['a.b'], ips: ['10.0.0.1'], cn: 'x' });
  assert.deepEqual(certNames({ subject: 'CN=x', subjectAltNames: null as unknown as string[] }), { dns: [], ips: [], cn: 'x' });
});

test('wildcardMatch: a leading *. stands for exactly one label, any case (libpq)', () => {
  assert.equal(wildcardMatch('*.db.svc', 'primary.db.svc'), true);
  assert.equal(wildcardMatch('*.DB.Svc', 'Primary.db.SVC'), true);
  assert.equal(wildcardMatch('*.db.svc', 'a.b.db.svc'), false, 'two labels');
  assert.equal(wildcardMatch('*.db.svc', 'db.svc'), false, 'no label');
  assert.equal(wildcardMatch('*.db.svc', '.db.svc'), false, 'empty label');
  assert.equal(wildcardMatch('p*.db.svc', 'primary.db.svc'), false, 'partial-label wildcard');
  assert.equal(wildcardMatch('*', 'x'), false);
  assert.equal(wildcardMatch('db.svc', 'db.svc'), false, 'not a wildcard');
});

test('matchesHost: DNS SANs first; the CN only when there is no DNS SAN', () => {
  assert.equal(matchesHost(names({ dns: ['Cluster1-Primary'] }), 'cluster1-primary'), true);
  assert.equal(matchesHost(names({ dns: ['a'], cn: 'cluster1-primary' }), 'cluster1-primary'), false, 'CN ignored when a DNS SAN exists');
  assert.equal(matchesHost(names({ cn: 'Cluster1-Primary' }), 'cluster1-primary'), true, 'CN fallback, any case');
  assert.equal(matchesHost(names({ cn: '*.db.svc' }), 'x.db.svc'), true, 'wildcard CN');
  assert.equal(matchesHost(names({ ips: ['10.0.0.1'], cn: 'cluster1-primary' }), 'cluster1-primary'), true, 'an IP SAN does not hide the CN from a host name');
  assert.equal(matchesHost(names({}), 'x'), false);
});

test('matchesHost: IP addresses against iPAddress SANs, the CN only without one', () => {
  assert.equal(matchesHost(names({ ips: ['10.0.0.1'] }), '10.0.0.1'), true);
  assert.equal(matchesHost(names({ ips: ['10.0.0.1'], cn: '10.0.0.2' }), '10.0.0.2'), false);
  assert.equal(matchesHost(names({ dns: ['a'], cn: '10.0.0.2' }), '10.0.0.2'), true, 'libpq checks the CN for an IP host without IP SANs');
  assert.equal(matchesHost(names({ ips: ['0:0:0:0:0:0:0:1'] }), '::1'), true, 'IPv6 compared canonically');
  assert.equal(matchesHost(names({ ips: ['not-an-ip'] }), '10.0.0.1'), false);
});

test('wantedNames: four forms per Service with a namespace, the short name only without', () => {
  const w = wantedNames(['c-primary'], 'db', undefined);
  assert.deepEqual(w.map(x => x.host), ['c-primary', 'c-primary.db', 'c-primary.db.svc', 'c-primary.db.svc.cluster.local']);
  assert.deepEqual(w.map(x => x.short), [true, false, false, false]);
  assert.equal(w[3]!.anyDomain, 'c-primary.db.svc.');
  assert.equal(wantedNames(['c-primary'], 'db', 'corp.example')[3]!.anyDomain, undefined);
  assert.equal(wantedNames(['c-primary'], 'db', 'corp.example')[3]!.host, 'c-primary.db.svc.corp.example');
  assert.deepEqual(wantedNames(['a', 'b'], undefined, undefined), [{ host: 'a', short: true }, { host: 'b', short: true }]);
});

test('covers: an unknown cluster domain accepts any domain, by name or wildcard', () => {
  const fq = wantedNames(['x'], 'db', undefined)[3]!;
  assert.equal(covers(names({ dns: ['x.db.svc.corp.example'] }), fq), true);
  assert.equal(covers(names({ dns: ['*.db.svc.corp.example'] }), fq), true);
  assert.equal(covers(names({ dns: ['*.other.svc.corp.example'] }), fq), false);
  assert.equal(covers(names({ dns: ['y.db.svc.corp.example'] }), fq), false);
  assert.equal(covers(names({ cn: 'x.db.svc.corp' }), fq), true, 'CN fallback');
  const known = wantedNames(['x'], 'db', 'corp.example')[3]!;
  assert.equal(covers(names({ dns: ['x.db.svc.cluster.local'] }), known), false, 'a known domain is exact');
  assert.deepEqual(missingNames({ subject: 'CN=x', subjectAltNames: ['DNS:x', 'DNS:*.db'] }, wantedNames(['x'], 'db', undefined)).map(m => m.host),
    ['x.db.svc', 'x.db.svc.cluster.local']);
});

test('perconaKeyFor: the items entry that maps a path, else the same-named key', () => {
  assert.equal(perconaKeyFor({ name: 'r', items: [{ key: 'tls.crt', path: 'root.crt' }, { key: 'tls.key', path: 'root.key' }] }, 'root.crt'), 'tls.crt');
  assert.equal(perconaKeyFor({ name: 'r', items: [{ key: 'tls.crt', path: 'root.crt' }] }, 'root.key'), 'root.key');
  assert.equal(perconaKeyFor({ name: 's' }, 'tls.crt'), 'tls.crt');
  assert.equal(perconaKeyFor({ items: 'oops' }, 'ca.crt'), 'ca.crt');
  assert.equal(perconaKeyFor({ items: [null, 'x', { path: 'ca.crt' }, { key: 7, path: 'ca.crt' }] }, 'ca.crt'), 'ca.crt');
  assert.equal(perconaKeyFor(null, 'ca.crt'), 'ca.crt');
});

// --- through the service ------------------------------------------------------------------------------------------

const service = testService();
const PATH = '/nonexistent/pgtls-cert-usage/manifests.yaml';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const run = (text: string): Problem[] => check(service, PATH, text);
const ours = (ps: Problem[]) => ps.filter(p => /^(percona\/(twin-secrets-ca|replication-cn|shared-certificate|primary-san|server-san|pgbouncer-san)|cpo\/server-san|pgpool\/server-san)$/.test(p.rule));

const san = (...dns: string[]) => new x509.SubjectAlternativeNameExtension(dns.map(d => ({ type: 'dns' as const, value: d })));
const CA_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;

let ca: Issued;
let otherCa: Issued;
async function leaf(cn: string, dns: string[], issuer: Issued = ca): Promise<Issued> {
  return issue({ cn, issuer, keyUsage: x509.KeyUsageFlags.digitalSignature, extensions: dns.length ? [san(...dns)] : [] });
}

function secret(name: string, ns: string, data: Record<string, string>): string {
  return `---\napiVersion: v1\nkind: Secret\nmetadata: { name: ${name}, namespace: ${ns} }\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: ${b64(v)}\n`).join('')}`;
}

function percona(secrets: string, extra = '', ns = 'db'): string {
  return `apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata: { name: c1${ns ? `, namespace: ${ns}` : ''} }\nspec:\n  postgresVersion: 17\n  instances: [{ name: i1, dataVolumeClaimSpec: {} }]\n  backups: { pgbackrest: { repos: [{ name: repo1 }] } }\n${extra}  secrets:\n${secrets}\n`;
}
const TWINS = '    customTLSSecret: { name: s }\n    customReplicationTLSSecret: { name: r }';
const serverNames = (ns = 'db', d = 'cluster.local') => ['c1-primary', 'c1-replicas'].flatMap(s => [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.${d}`]);

test('setup: certificates', async () => {
  ca = await issue({ cn: 'test-ca', ca: true, keyUsage: CA_USAGE });
  otherCa = await issue({ cn: 'other-ca', ca: true, keyUsage: CA_USAGE });
});

async function perconaSet(serverDns: string[], opts: { replCn?: string; replIssuer?: Issued } = {}) {
  const server = await leaf('c1-primary', serverDns);
  const repl = await leaf(opts.replCn ?? '_crunchyrepl', [opts.replCn ?? '_crunchyrepl'], opts.replIssuer ?? ca);
  return secret('s', 'db', { 'tls.crt': server.certPem, 'tls.key': server.keyPem, 'ca.crt': ca.certPem })
    + secret('r', 'db', { 'tls.crt': repl.certPem, 'tls.key': repl.keyPem, 'ca.crt': (opts.replIssuer ?? ca).certPem });
}

test('Percona: a complete, consistent set gives no finding', async () => {
  assert.deepEqual(ours(run(percona(TWINS, '  proxy: { pgBouncer: { replicas: 1 } }\n') + await perconaSet(serverNames()))), []);
});

test('Percona server-san: warning when a short name is missing, information when only qualified forms are', async () => {
  const noReplicas = ours(run(percona(TWINS) + await perconaSet(serverNames().filter(n => !n.startsWith('c1-replicas')))));
  assert.deepEqual(noReplicas.map(p => [p.rule, p.severity]), [['percona/server-san', 'warning']]);
  assert.match(noReplicas[0]!.message, /"c1-replicas", "c1-replicas\.db"/);
  // Issue 10: without `c1-primary.db.svc`, the host of the operator's user Secrets, it is a warning.
  const shortOnly = ours(run(percona(TWINS) + await perconaSet(['c1-primary', 'c1-replicas'])));
  assert.deepEqual(shortOnly.map(p => [p.rule, p.severity]), [['percona/server-san', 'warning']]);
  assert.match(shortOnly[0]!.message, /user Secrets \("c1-pguser-<user>"\) give applications "c1-primary\.db\.svc"/);
  const withAppHost = ours(run(percona(TWINS) + await perconaSet(['c1-primary', 'c1-replicas', 'c1-primary.db.svc'])));
  assert.deepEqual(withAppHost.map(p => [p.rule, p.severity]), [['percona/server-san', 'info']]);
  assert.match(withAppHost[0]!.message, /other namespaces/);
});

test('Percona server-san: a set clusterServiceDNSSuffix is matched exactly (trailing dot dropped)', async () => {
  const text = percona(TWINS, '  clusterServiceDNSSuffix: corp.example.\n') + await perconaSet(serverNames());
  const found = ours(run(text));
  assert.deepEqual(found.map(p => p.rule), ['percona/server-san']);
  assert.match(found[0]!.message, /"c1-primary\.db\.svc\.corp\.example"/);
  assert.match(found[0]!.message, /--cluster-domain corp\.example/);
  assert.deepEqual(ours(run(percona(TWINS, '  clusterServiceDNSSuffix: corp.example.\n') + await perconaSet(serverNames('db', 'corp.example')))), []);
});

test('Percona primary-san only with PgBouncer, and then not repeated by server-san', async () => {
  const set = await perconaSet(serverNames().filter(n => n !== 'c1-primary'));
  const withBouncer = ours(run(percona(TWINS, '  proxy: { pgBouncer: { replicas: 1 } }\n') + set));
  assert.deepEqual(withBouncer.map(p => [p.rule, p.severity]), [['percona/primary-san', 'error']]);
  const without = ours(run(percona(TWINS) + set));
  assert.deepEqual(without.map(p => [p.rule, p.severity]), [['percona/server-san', 'warning']]);
  assert.match(without[0]!.message, /"c1-primary"/);
});

test('Percona: without a namespace only the short names are required; the CN counts when there is no DNS SAN', async () => {
  const server = await leaf('c1-primary', []);
  const repl = await leaf('_crunchyrepl', ['_crunchyrepl']);
  const set = secret('s', 'db', { 'tls.crt': server.certPem, 'tls.key': server.keyPem, 'ca.crt': ca.certPem })
    + secret('r', 'db', { 'tls.crt': repl.certPem, 'tls.key': repl.keyPem, 'ca.crt': ca.certPem });
  const found = ours(run(percona(TWINS, '', '') + set));
  assert.deepEqual(found.map(p => p.rule), ['percona/server-san']);
  assert.match(found[0]!.message, /does not answer to "c1-replicas":/);
  assert.match(found[0]!.message, /no DNS name, so clients compare its CN "c1-primary"/);
});

test('Percona: twin CA, replication CN and related information', async () => {
  const text = percona(TWINS) + await perconaSet(serverNames(), { replCn: 'replicator', replIssuer: otherCa });
  const found = ours(run(text));
  assert.deepEqual(found.map(p => p.rule).sort(), ['percona/replication-cn', 'percona/twin-secrets-ca']);
  for (const p of found) {
    assert.equal(text.slice(p.span[0], p.span[1]), 'r', `${p.rule} underlines the replication Secret name`);
    assert.ok(p.related && p.related.length > 0);
    const value = text.slice(p.related[0]!.span[0], p.related[0]!.span[1]);
    assert.match(value, /^[A-Za-z0-9+/=]{40,}$/, 'related points at a base64 value of the Secret');
  }
});

test('Percona: one CA in different ca.crt bundles is fine; a leaf whose CA is missing from the other bundle is not', async () => {
  const server = await leaf('c1-primary', serverNames());
  const repl = await leaf('_crunchyrepl', ['_crunchyrepl']);
  const bundles = (serverCa: string, replCa: string) => percona(TWINS)
    + secret('s', 'db', { 'tls.crt': server.certPem, 'tls.key': server.keyPem, 'ca.crt': serverCa })
    + secret('r', 'db', { 'tls.crt': repl.certPem, 'tls.key': repl.keyPem, 'ca.crt': replCa });
  assert.deepEqual(ours(run(bundles(otherCa.certPem + ca.certPem, ca.certPem))), []);
  assert.deepEqual(ours(run(bundles(ca.certPem, otherCa.certPem))).map(p => p.rule), ['percona/twin-secrets-ca']);
});

test('Percona: shared certificate by Secret name does not need the Secret in the workspace', () => {
  const found = ours(run(percona('    customTLSSecret: { name: same }\n    customReplicationTLSSecret: { name: same }')));
  assert.deepEqual(found.map(p => p.rule), ['percona/shared-certificate']);
  const differentKeys = '    customTLSSecret: { name: same }\n    customReplicationTLSSecret:\n      name: same\n      items: [{ key: repl.crt, path: tls.crt }]';
  assert.deepEqual(ours(run(percona(differentKeys))), [], 'items map another key to tls.crt');
});

test('Percona pgbouncer-san: the PgBouncer frontend certificate, read through items, also without spec.secrets', async () => {
  const cert = await leaf('c1-pgbouncer', ['c1-primary']);
  const text = 'apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata: { name: c1, namespace: db }\nspec:\n  postgresVersion: 17\n  instances: [{ name: i1, dataVolumeClaimSpec: {} }]\n  backups: { pgbackrest: { repos: [{ name: repo1 }] } }\n'
    + '  proxy:\n    pgBouncer:\n      customTLSSecret: { name: b, items: [{ key: f.crt, path: tls.crt }, { key: f.key, path: tls.key }] }\n'
    + secret('b', 'db', { 'f.crt': cert.certPem, 'f.key': cert.keyPem, 'tls.crt': (await leaf('c1-pgbouncer', ['c1-pgbouncer', '*.db', '*.db.svc', '*.db.svc.x'])).certPem });
  const found = ours(run(text));
  assert.deepEqual(found.map(p => [p.rule, p.severity]), [['percona/pgbouncer-san', 'warning']], 'f.crt is read, not the unmapped tls.crt');
  assert.match(found[0]!.message, /"c1-pgbouncer", "c1-pgbouncer\.db"/);
  assert.equal(text.slice(found[0]!.span[0], found[0]!.span[1]), 'b');
});

test('CPO: pooler names only when the manifest enables the poolers; custom and absolute certificateFile', async () => {
  const cert = await leaf('c', ['c', 'c-repl', '*.db', '*.db.svc', '*.db.svc.cluster.local']);
  const cpo = (extra: string, tls: string) => `apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata: { name: c, namespace: db }\nspec:\n  teamId: acid\n  spiloFSGroup: 103\n  numberOfInstances: 1\n  volume: { size: 1Gi }\n  postgresql: { version: "17" }\n${extra}  tls:\n${tls}\n`
    + secret('t', 'db', { 'server.crt': cert.certPem, 'tls.crt': cert.certPem, 'tls.key': cert.keyPem });
  assert.deepEqual(ours(run(cpo('', '    secretName: t'))), []);
  assert.deepEqual(ours(run(cpo('  enableConnectionPooler: false\n', '    secretName: t'))), []);
  const pooler = ours(run(cpo('  enableConnectionPooler: true\n  enableReplicaConnectionPooler: true\n', '    secretName: t\n    certificateFile: server.crt')));
  assert.deepEqual(pooler.map(p => [p.rule, p.severity]), [['cpo/server-san', 'warning']]);
  assert.match(pooler[0]!.message, /"c-pooler", "c-pooler-repl"/);
  assert.doesNotMatch(pooler[0]!.message, /"c-pooler\.db"/, 'the wildcards cover the qualified forms');
  assert.deepEqual(ours(run(cpo('  enableConnectionPooler: true\n', '    secretName: t\n    certificateFile: /etc/ssl/server.crt'))), []);
});

test('KubeDB Pgpool: the default server Secret name is used only with an issuerRef', async () => {
  const cert = await leaf('other', ['other']);
  const pp = (tls: string) => `apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: pp, namespace: demo }\nspec:\n  version: "4.6.0"\n  postgresRef: { name: pg, namespace: demo }\n  tls:\n${tls}\n`
    + secret('pp-server-cert', 'demo', { 'tls.crt': cert.certPem, 'tls.key': cert.keyPem, 'ca.crt': ca.certPem });
  assert.deepEqual(ours(run(pp('    issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: ca }'))).map(p => p.rule), ['pgpool/server-san']);
  assert.deepEqual(ours(run(pp('    certificates: [{ alias: server }]'))), [], 'no issuerRef: nothing is defaulted (D3)');
  const named = pp('    issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: ca }\n    certificates: [{ alias: server, secretName: elsewhere }]');
  assert.deepEqual(ours(run(named)), [], 'the named Secret is not in the workspace');
});

test('bad input never crashes and gives none of these findings', async () => {
  const good = await leaf('c1-primary', serverNames());
  const texts = [
    percona('    customTLSSecret: oops\n    customReplicationTLSSecret: null'),
    percona('    customTLSSecret: { name: [1] }\n    customReplicationTLSSecret: { name: r, items: oops }'),
    percona(TWINS) + '---\napiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: db }\ndata: oops\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: r, namespace: db }\ndata: { tls.crt: 12, ca.crt: "!!notbase64", tls.key: null }\n',
    percona(TWINS) + secret('s', 'db', { 'tls.crt': 'not a certificate', 'ca.crt': '' }) + secret('r', 'db', { 'tls.crt': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }),
    percona(TWINS) + '---\napiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: db }\nstringData:\n  tls.crt: |\n' + good.certPem.replace(/^/gm, '    ') + '---\n[unclosed\n',
    percona('') ,
    'apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata: { name: c1 }\nspec: 7\n',
    'apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata: { name: c }\nspec: { tls: { secretName: [x], certificateFile: 3 } }\n',
    'apiVersion: kubedb.com/v1alpha2\nkind: Pgpool\nmetadata: { name: pp }\nspec: { tls: { issuerRef: x, certificates: [null, 3, { alias: server, secretName: {} }] } }\n',
  ];
  for (const t of texts) assert.deepEqual(ours(run(t)), [], t.slice(0, 200));
});
