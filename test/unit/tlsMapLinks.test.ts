/**
 * The TLS map's links beyond the servers' own files (server/src/map/hba.ts, yamlPart.ts), on certificates made by
 * openssl here: the certificate logins of pg_hba.conf and pool_hba.conf (users → the server, its CA file → the users,
 * the client certificates whose CN logs in, directly or through a pg_ident.conf map; a server without a CA breaks the
 * link with the hba check's own diagnostic), the Secret key → file projections (Percona `items`, a Deployment's
 * Secret volume that a pgpool.conf reads by its container path), the node a code lens focuses, and `pgtls map
 * --format json` on the folder.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTlsMap, focusNode, layout, mapLensSpans } from '../../server/src/map';
import type { TlsMap } from '../../server/src/core/tlsMap';
import { defaultSettings } from '../../server/src/core/settings';
import { runCli } from '../../server/src/cli/main';
import { ROOT, testEnv, testService } from '../helpers';
import { missing } from '../requires';

const skip = missing('openssl', 'bash');
let dir = '';

const SETUP = `set -e
. "$LIB/k8s.sh"
mkdir -p pg/clients nocapg pool nocapool k8s hbaonly
printf 'hostssl all erin 0.0.0.0/0 cert\n' > hbaonly/pg_hba.conf
cd pg
k8s_ca ca "PG CA"; k8s_leaf ca server db.example "DNS:db.example"
k8s_leaf ca alice alice; k8s_leaf ca carol carol-cn; k8s_leaf ca mallory mallory
mv alice.crt carol.crt mallory.crt clients/; rm -f alice.key carol.key mallory.key
printf "ssl = on\\nssl_cert_file = '%s/server.crt'\\nssl_key_file = '%s/server.key'\\nssl_ca_file = '%s/ca.crt'\\n" "$PWD" "$PWD" "$PWD" > postgresql.conf
printf 'hostssl all alice 0.0.0.0/0 cert\\nhostssl app bob 10.0.0.0/8 scram-sha-256 clientcert=verify-ca\\nhostssl all all 0.0.0.0/0 cert map=certs\\n' > pg_hba.conf
printf 'certs carol-cn carol\\n' > pg_ident.conf
cd ../nocapg
k8s_ca ca "Other CA"; k8s_leaf ca server db2.example "DNS:db2.example"
printf "ssl = on\\nssl_cert_file = '%s/server.crt'\\nssl_key_file = '%s/server.key'\\n" "$PWD" "$PWD" > postgresql.conf
printf 'hostssl all dave 0.0.0.0/0 cert\\n' > pg_hba.conf
cd ../pool
k8s_ca ca "Pool CA"; k8s_leaf ca pool pgpool.example "DNS:pgpool.example"; k8s_leaf ca frank frank
printf "ssl = on\\nssl_cert = '%s/pool.crt'\\nssl_key = '%s/pool.key'\\nssl_ca_cert = '%s/ca.crt'\\nenable_pool_hba = on\\n" "$PWD" "$PWD" "$PWD" > pgpool.conf
printf 'hostssl all Frank 0.0.0.0/0 cert\\n' > pool_hba.conf
cd ../nocapool
k8s_ca ca "Pool CA 2"; k8s_leaf ca pool pgpool2.example "DNS:pgpool2.example"
printf "ssl = on\nssl_cert = '%s/pool.crt'\nssl_key = '%s/pool.key'\nenable_pool_hba = on\n" "$PWD" "$PWD" > pgpool.conf
printf 'hostssl all gina 0.0.0.0/0 cert\n' > pool_hba.conf
cd ../k8s
k8s_ca ca "K8s CA"; k8s_leaf ca server c2-primary "DNS:c2-primary"; k8s_leaf ca pp pgpool "DNS:pgpool"
{ printf 'apiVersion: pgv2.percona.com/v2\\nkind: PerconaPGCluster\\nmetadata:\\n  name: c2\\n  namespace: db\\nspec:\\n  crVersion: 2.5.0\\n  secrets:\\n    customTLSSecret:\\n      name: c2-tls\\n      items:\\n        - key: server-cert\\n          path: tls.crt\\n        - key: server-key\\n          path: tls.key\\n        - key: root\\n          path: ca.crt\\n'
  k8s_secret c2-tls db kubernetes.io/tls root=ca.crt server-cert=server.crt server-key=server.key; } > cluster.yaml
{ printf 'apiVersion: apps/v1\\nkind: Deployment\\nmetadata:\\n  name: pgpool\\n  namespace: db\\nspec:\\n  template:\\n    spec:\\n      containers:\\n        - name: pgpool\\n          image: pgpool/pgpool\\n          volumeMounts:\\n            - name: tls\\n              mountPath: /etc/pgpool2/tls\\n      volumes:\\n        - name: tls\\n          secret:\\n            secretName: pool-tls\\n            items:\\n              - key: tls.crt\\n                path: server.crt\\n              - key: tls.key\\n                path: server.key\\n'
  k8s_secret pool-tls db kubernetes.io/tls tls.crt=pp.crt tls.key=pp.key; } > pgpool.yaml
printf "ssl = on\\nssl_cert = '/etc/pgpool2/tls/server.crt'\\nssl_key = '/etc/pgpool2/tls/server.key'\\n" > pgpool.conf
`;

before(() => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-maplinks-'));
  execFileSync('bash', ['-c', SETUP], { cwd: dir, env: { ...process.env, LIB: path.join(ROOT, 'test/fixtures/_lib') } });
});
after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

const FILES = ['pg/postgresql.conf', 'pg/pg_hba.conf', 'pg/pg_ident.conf', 'nocapg/postgresql.conf', 'nocapg/pg_hba.conf',
  'pool/pgpool.conf', 'pool/pool_hba.conf', 'nocapool/pgpool.conf', 'nocapool/pool_hba.conf', 'k8s/cluster.yaml', 'k8s/pgpool.yaml', 'k8s/pgpool.conf'];

function buildMap(files = FILES): TlsMap {
  const env = testEnv({ roots: () => [dir] });
  const service = testService({ roots: () => [dir] });
  const inputs = files.map(f => {
    const p = path.join(dir, f);
    return { path: p, text: fs.readFileSync(p, 'utf8'), languageId: service.languageOf(p)! };
  });
  // Places as the CLI shows them: relative inside the folder, a container's path as it is.
  const show = (p: string) => (p.startsWith(`${dir}/`) ? path.relative(dir, p) : p);
  return buildTlsMap(service, env, { files: inputs, settings: defaultSettings(), show });
}

const edges = (m: TlsMap, from: RegExp, kind: string, to: RegExp) => m.edges.filter(e => from.test(e.from) && e.kind === kind && to.test(e.to));
const edge = (m: TlsMap, from: RegExp, kind: string, to: RegExp) => {
  const found = edges(m, from, kind, to);
  assert.equal(found.length, 1, `one ${from} -${kind}-> ${to}; edges:\n${m.edges.map(e => e.id).join('\n')}`);
  return found[0]!;
};
const node = (m: TlsMap, id: string) => {
  const n = m.nodes.find(x => x.id === id);
  assert.ok(n, `node ${id}; nodes: ${m.nodes.map(x => x.id).join(', ')}`);
  return n;
};
/** The certificate node whose CN is `cn`. */
const certOf = (m: TlsMap, cn: string) => m.nodes.find(n => n.kind === 'certificate' && n.label === cn);
const rules = (x: { diagnostics: { rule: string }[] }) => x.diagnostics.map(d => d.rule);

test('pg_hba.conf cert lines: each user → the server, the server\'s ssl_ca_file → the user, the client certificate whose CN is the user', { skip }, () => {
  const m = buildMap();
  const server = 'server:pg/postgresql.conf';
  const alice = edge(m, /^user:alice$/, 'uses', new RegExp(`^${server}$`));
  assert.equal(alice.label, 'pg_hba.conf line 1: cert');
  assert.equal(alice.place?.file, 'pg/pg_hba.conf');
  assert.equal(alice.place?.range.start.line, 0);
  assert.equal(alice.broken, false);
  assert.equal(edge(m, /^file:pg\/ca\.crt$/, 'verifies', /^user:alice$/).label, 'ssl_ca_file');
  // The client certificate below the folder whose CN is alice: its file, its CA (the server's), its login.
  const cert = certOf(m, 'alice');
  assert.ok(cert, 'alice\'s certificate is on the map');
  assert.equal(edge(m, new RegExp(`^${cert.id}$`), 'authenticates', /^user:alice$/).label, 'CN alice');
  edge(m, new RegExp(`^${cert.id}$`), 'holds', /^file:pg\/clients\/alice\.crt$/);
  assert.equal(node(m, edge(m, /^ca:/, 'issues', new RegExp(`^${cert.id}$`)).from).label, 'PG CA');
  // clientcert=verify-ca: bob is verified by the CA, but no CN is compared, so no certificate is his.
  assert.equal(edge(m, /^user:bob$/, 'uses', new RegExp(`^${server}$`)).label, 'pg_hba.conf line 2: scram-sha-256 clientcert=verify-ca');
  edge(m, /^file:pg\/ca\.crt$/, 'verifies', /^user:bob$/);
  assert.deepEqual(edges(m, /./, 'authenticates', /^user:bob$/), []);
  // `all` with map=certs: the pg_ident.conf beside it maps CN carol-cn to carol; mallory's CN maps to no one, the
  // server's own certificate is not a client's.
  const all = node(m, 'user:(all)');
  assert.equal(all.label, 'all users');
  assert.equal(edge(m, new RegExp(`^${certOf(m, 'carol-cn')!.id}$`), 'authenticates', /^user:\(all\)$/).label, 'CN carol-cn, map certs → carol');
  assert.equal(certOf(m, 'mallory'), undefined, 'a certificate no line logs in with stays off the map');
  assert.deepEqual(edges(m, new RegExp(`^${certOf(m, 'db.example')!.id}$`), 'authenticates', /./), []);
});

test('a cert line on a server without ssl_ca_file: the link is red with pg-hba/cert-without-ssl-ca-file, at the line', { skip }, () => {
  const m = buildMap();
  const dave = edge(m, /^user:dave$/, 'uses', /^server:nocapg\/postgresql\.conf$/);
  assert.equal(dave.broken, true);
  assert.deepEqual(rules(dave), ['pg-hba/cert-without-ssl-ca-file']);
  const d = dave.diagnostics[0]!;
  assert.equal(d.place.file, 'nocapg/pg_hba.conf');
  assert.equal(d.severity, 'error');
  assert.match(d.message, /ssl_ca_file/);
  assert.deepEqual(edges(m, /./, 'verifies', /^user:dave$/), [], 'no CA verifies dave');
});

test('pool_hba.conf cert lines: pgpool compares the CN without case; its CA is ssl_ca_cert', { skip }, () => {
  const m = buildMap();
  edge(m, /^user:Frank$/, 'uses', /^server:pool\/pgpool\.conf$/);
  assert.equal(edge(m, /^file:pool\/ca\.crt$/, 'verifies', /^user:Frank$/).label, 'ssl_ca_cert');
  assert.equal(edge(m, new RegExp(`^${certOf(m, 'frank')!.id}$`), 'authenticates', /^user:Frank$/).label, 'CN frank');
  // Without ssl_ca_cert: red with pool_hba.conf's own finding (a warning: pgpool starts, the logins fail).
  const gina = edge(m, /^user:gina$/, 'uses', /^server:nocapool\/pgpool\.conf$/);
  assert.deepEqual(rules(gina), ['pool-hba/cert-without-ca-cert']);
  assert.equal(gina.broken, true);
});

test('a pg_hba.conf alone: its users and lines, no CA and no verdict of the map\'s own', { skip }, () => {
  const m = buildMap(['hbaonly/pg_hba.conf']);
  const erin = edge(m, /^user:erin$/, 'uses', /^server:hbaonly\/postgresql\.conf$/);
  // The check needs the postgresql.conf beside it: there is none, nothing is reported, and the link is not red.
  assert.equal(erin.broken, false);
  assert.deepEqual(erin.diagnostics, []);
  assert.equal(node(m, 'server:hbaonly/postgresql.conf').label, 'PostgreSQL (pg_hba.conf)');
  assert.deepEqual(edges(m, /./, 'verifies', /^user:erin$/), []);
});

test('Percona items: each Secret key → the file it becomes under /pgconf/tls; the served certificate is the key whose path is tls.crt', { skip }, () => {
  const m = buildMap();
  const p = (to: string) => edge(m, /^secret:db\/c2-tls$/, 'projects', new RegExp(`^${to.replace(/[/.]/g, '\\$&')}$`));
  assert.equal(p('file:PerconaPGCluster/db/c2:/pgconf/tls/tls.crt').label, 'server-cert → tls.crt');
  assert.equal(p('key:PerconaPGCluster/db/c2:/pgconf/tls/tls.key').label, 'server-key → tls.key');
  assert.equal(p('file:PerconaPGCluster/db/c2:/pgconf/tls/ca.crt').label, 'root → ca.crt');
  const file = node(m, 'file:PerconaPGCluster/db/c2:/pgconf/tls/tls.crt');
  assert.deepEqual(file.details, ['/pgconf/tls/tls.crt', 'from key server-cert']);
  assert.equal(file.place?.file, 'k8s/cluster.yaml', 'click-through to the items entry');
  // The certificate under server-cert names c2-primary only: the check's SAN finding reaches the Service it misses.
  assert.deepEqual(rules(edge(m, /^server:PerconaPGCluster\/db\/c2$/, 'answers', /^service:db\/c2-replicas$/)), ['percona/server-san']);
  assert.deepEqual(rules(edge(m, /^server:PerconaPGCluster\/db\/c2$/, 'answers', /^service:db\/c2-primary$/)), []);
  // Projected files stand after the Secret, not in its column.
  const l = layout(m);
  assert.ok(l.boxes.get(file.id)!.x > l.boxes.get('secret:db/c2-tls')!.x);
});

test('a Deployment\'s Secret volume with items: key → file at the mount path, the same file the pgpool.conf beside it serves', { skip }, () => {
  const m = buildMap();
  const crt = edge(m, /^secret:db\/pool-tls$/, 'projects', /^file:\/etc\/pgpool2\/tls\/server\.crt$/);
  assert.equal(crt.label, 'tls.crt → server.crt');
  edge(m, /^secret:db\/pool-tls$/, 'projects', /^key:\/etc\/pgpool2\/tls\/server\.key$/);
  assert.deepEqual(node(m, 'file:/etc/pgpool2/tls/server.crt').details.slice(0, 1), ['/etc/pgpool2/tls/server.crt']);
  // The chain runs through: Secret → file → the pgpool.conf that names the path in the container.
  edge(m, /^file:\/etc\/pgpool2\/tls\/server\.crt$/, 'serves', /^server:k8s\/pgpool\.conf$/);
  edge(m, /^key:\/etc\/pgpool2\/tls\/server\.key$/, 'key-of', /^server:k8s\/pgpool\.conf$/);
});

test('focus: the node a code lens stands on (a resource\'s name, the top of a configuration); none elsewhere', { skip }, () => {
  const m = buildMap();
  const cluster = path.join('k8s', 'cluster.yaml');
  const text = fs.readFileSync(path.join(dir, cluster), 'utf8');
  assert.equal(focusNode(m, cluster, text.indexOf('c2\n')), 'server:PerconaPGCluster/db/c2');
  assert.equal(focusNode(m, 'pool/pgpool.conf', 0), 'server:pool/pgpool.conf');
  assert.equal(focusNode(m, cluster, text.indexOf('crVersion')), undefined);
  // The lens offsets are the resource names', so each lens focuses its own resource.
  for (const [s] of mapLensSpans(text, 'yaml', { mapCodeLens: true })) assert.equal(focusNode(m, cluster, s), 'server:PerconaPGCluster/db/c2');
  assert.deepEqual(mapLensSpans(text, 'yaml', { mapCodeLens: false }), []);
  assert.deepEqual(mapLensSpans('ssl = on\n', 'pgpool-conf', { mapCodeLens: false }), []);
});

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: s => { out += s; }, err: s => { err += s; } });
  return { code, out, err };
}

test('pgtls map --format json on the folder: the hba links and the projections, exit 1 for the red cert line', { skip }, async () => {
  const r = await cli(['map', '--format', 'json', dir]);
  assert.equal(r.code, 1, r.err);
  const m = JSON.parse(r.out) as TlsMap;
  const kinds = new Set(m.edges.map(e => e.kind));
  for (const k of ['verifies', 'projects', 'authenticates', 'uses']) assert.ok(kinds.has(k as never), `a ${k} link`);
  const dave = m.edges.find(e => e.kind === 'uses' && e.from === 'user:dave');
  assert.deepEqual(dave && rules(dave), ['pg-hba/cert-without-ssl-ca-file']);
  const carol = m.edges.find(e => e.kind === 'authenticates' && e.label === 'CN carol-cn, map certs → carol');
  assert.ok(carol, 'the pg_ident mapping');
  assert.ok(m.edges.some(e => e.kind === 'projects' && e.label === 'tls.crt → server.crt'));
  const dot = await cli(['map', '--format', 'dot', dir]);
  assert.match(dot.out, /-> "user:dave" \[label="verifies|"user:dave" -> "server:[^"]*nocapg\/postgresql\.conf" \[label="uses: pg_hba\.conf line 1: cert", color=red/);
});

test('a generated pg_hba.conf of 20,000 cert lines: the map stays a picture (bounded lines per user, no quadratic walk)', { skip }, () => {
  const big = path.join(dir, 'big');
  fs.mkdirSync(big, { recursive: true });
  const lines = Array.from({ length: 20000 }, (_, i) => `hostssl db${i} u${i % 3} 10.${(i >> 8) & 255}.${i & 255}.0/24 cert`);
  fs.writeFileSync(path.join(big, 'pg_hba.conf'), `${lines.join('\n')}\n`);
  const m = buildMap(['big/pg_hba.conf']);
  const users = m.nodes.filter(n => n.kind === 'user');
  assert.deepEqual(users.map(u => u.id).sort(), ['user:u0', 'user:u1', 'user:u2']);
  for (const u of users) assert.ok(u.details.length <= 8, `${u.id}: ${u.details.length} lines listed`);
  assert.equal(edge(m, /^user:u2$/, 'uses', /^server:big\/postgresql\.conf$/).label, 'pg_hba.conf line 3: cert');
});
