/**
 * The TLS map (server/src/map/): a folder with real certificates made by openssl here (test/fixtures/_lib helpers) —
 * a Percona cluster whose server certificate misses a Service name and whose replication certificate comes from another
 * CA, a pgpool.conf whose key is another certificate's and whose CA file is missing, a postgresql.conf serving an
 * expired certificate, cert-manager resources — and the map's nodes, edges and the diagnostics `pgtls check` reports,
 * each on the link it breaks. Then `pgtls map` in its three formats.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTlsMap, toDot, toSvg } from '../../server/src/map';
import type { TlsMap } from '../../server/src/core/tlsMap';
import { defaultSettings } from '../../server/src/core/settings';
import { runCli } from '../../server/src/cli/main';
import { ROOT, testEnv, testService } from '../helpers';
import { missing } from '../requires';

const skip = missing('openssl', 'bash');
let dir = '';

const SETUP = `set -e
. "$LIB/k8s.sh"; . "$LIB/certs.sh"
mkdir -p k8s pgpool pg
cd k8s
k8s_ca ca "Root CA"; k8s_ca other "Other CA"
k8s_leaf ca server cluster1-primary "DNS:cluster1-primary"
k8s_leaf other repl _crunchyrepl "DNS:_crunchyrepl"
{ printf 'apiVersion: pgv2.percona.com/v2\\nkind: PerconaPGCluster\\nmetadata:\\n  name: cluster1\\n  namespace: db\\nspec:\\n  crVersion: 2.5.0\\n  secrets:\\n    customTLSSecret:\\n      name: cluster1-tls\\n    customReplicationTLSSecret:\\n      name: cluster1-repl\\n'
  k8s_secret cluster1-tls db kubernetes.io/tls ca.crt=ca.crt tls.crt=server.crt tls.key=server.key
  k8s_secret cluster1-repl db kubernetes.io/tls ca.crt=ca.crt tls.crt=repl.crt tls.key=repl.key; } > cluster.yaml
{ printf 'apiVersion: cert-manager.io/v1\\nkind: Issuer\\nmetadata:\\n  name: db-ca\\n  namespace: db\\nspec:\\n  ca:\\n    secretName: root-ca\\n'
  printf -- '---\\napiVersion: cert-manager.io/v1\\nkind: Certificate\\nmetadata:\\n  name: app\\n  namespace: db\\nspec:\\n  secretName: app-tls\\n  dnsNames: [app.db.svc]\\n  issuerRef:\\n    name: db-ca\\n'
  k8s_secret root-ca db kubernetes.io/tls tls.crt=ca.crt tls.key=ca.key; } > issuer.yaml
cd ../pgpool
k8s_ca pca "Pool CA"; k8s_leaf pca pool pgpool.example.com "DNS:pgpool.example.com"; k8s_leaf pca stray stray "DNS:stray"
printf "ssl = on\\nssl_cert = '%s/pool.crt'\\nssl_key = '%s/stray.key'\\nssl_ca_cert = '%s/missing-ca.crt'\\n" "$PWD" "$PWD" "$PWD" > pgpool.conf
cd ../pg
dated old 20200101000000Z 20210101000000Z
printf "ssl = on\\nssl_cert_file = '%s/old.crt'\\nssl_key_file = '%s/old.key'\\n" "$PWD" "$PWD" > postgresql.conf
`;

before(() => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-map-'));
  execFileSync('bash', ['-c', SETUP], { cwd: dir, env: { ...process.env, LIB: path.join(ROOT, 'test/fixtures/_lib') } });
});
after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

const FILES = ['k8s/cluster.yaml', 'k8s/issuer.yaml', 'pgpool/pgpool.conf', 'pg/postgresql.conf'];

function buildMap(): TlsMap {
  // The folder is the workspace (as \`pgtls map\` makes it): a missing file there is a real problem.
  const env = testEnv({ roots: () => [dir] });
  const service = testService({ roots: () => [dir] });
  const files = FILES.map(f => {
    const p = path.join(dir, f);
    return { path: p, text: fs.readFileSync(p, 'utf8'), languageId: service.languageOf(p)! };
  });
  return buildTlsMap(service, env, { files, settings: defaultSettings(), show: p => path.relative(dir, p) });
}

const edge = (m: TlsMap, from: RegExp, kind: string, to: RegExp) => {
  const found = m.edges.filter(e => from.test(e.from) && e.kind === kind && to.test(e.to));
  assert.equal(found.length, 1, `one ${from} -${kind}-> ${to}; edges: ${m.edges.map(e => e.id).join('\n')}`);
  return found[0]!;
};
const node = (m: TlsMap, id: string) => {
  const n = m.nodes.find(x => x.id === id);
  assert.ok(n, `node ${id}; nodes: ${m.nodes.map(x => x.id).join(', ')}`);
  return n;
};

test('the chain of a Percona cluster: CA → certificate → Secret → cluster → Services, the replication user', { skip }, () => {
  const m = buildMap();
  const secret = node(m, 'secret:db/cluster1-tls');
  assert.equal(secret.place?.file, 'k8s/cluster.yaml');
  const server = node(m, 'server:PerconaPGCluster/db/cluster1');
  assert.equal(server.label, 'PerconaPGCluster cluster1');
  const leaf = edge(m, /^certificate:/, 'holds', /^secret:db\/cluster1-tls$/);
  const cert = node(m, leaf.from);
  assert.deepEqual(cert.certificate?.subjectAltNames, ['DNS:cluster1-primary']);
  assert.match(cert.certificate!.expiry, /^expires in 36[45] days$/);
  assert.ok(cert.details.some(d => /^expires in/.test(d)), 'expiry in the labels');
  const issues = edge(m, /^ca:/, 'issues', new RegExp(`^${leaf.from}$`));
  assert.equal(node(m, issues.from).label, 'Root CA');
  edge(m, /^user:_crunchyrepl$/, 'uses', /^server:PerconaPGCluster/);
  // Places for click-through: the field that names the Secret, as 0-based line/character.
  const serves = edge(m, /^secret:db\/cluster1-tls$/, 'serves', /^server:/);
  assert.equal(serves.label, 'spec.secrets.customTLSSecret');
  assert.deepEqual(serves.place?.range.start, { line: 9, character: 12 });
});

test('every kind of broken link carries the diagnostic pgtls check reports, on the link it breaks', { skip }, () => {
  const m = buildMap();
  const only = (e: { diagnostics: { rule: string; kind: string }[] }) => e.diagnostics.map(d => `${d.kind} ${d.rule}`);
  // Name not covered: the serving link and the one Service the certificate does not answer to; the other stays whole.
  const serves = edge(m, /^secret:db\/cluster1-tls$/, 'serves', /^server:/);
  assert.deepEqual(only(serves), ['name-not-covered percona/server-san']);
  assert.equal(serves.broken, true);
  const replicas = edge(m, /^server:/, 'answers', /^service:db\/cluster1-replicas$/);
  assert.deepEqual(only(replicas), ['name-not-covered percona/server-san']);
  const primary = edge(m, /^server:/, 'answers', /^service:db\/cluster1-primary$/);
  assert.deepEqual(primary.diagnostics, []);
  assert.equal(primary.broken, false);
  // Another CA: the replication certificate, where the Secret holds it and where the cluster reads it.
  assert.deepEqual(only(edge(m, /^certificate:/, 'holds', /^secret:db\/cluster1-repl$/)), ['other-ca cert/not-signed-by-ca']);
  assert.deepEqual(only(edge(m, /^secret:db\/cluster1-repl$/, 'authenticates', /^user:_crunchyrepl$/)), ['other-ca percona/twin-secrets-ca']);
  const otherCa = node(m, 'ca:unknown:CN=Other CA');
  assert.equal(otherCa.missing, true);
  // Key mismatch, missing file, expired.
  const key = edge(m, /^key:pgpool\/stray\.key$/, 'key-of', /^server:pgpool\/pgpool\.conf$/);
  assert.deepEqual(only(key), ['key-mismatch cert/key-mismatch']);
  const d = key.diagnostics[0]!;
  assert.equal(d.place.file, 'pgpool/pgpool.conf');
  assert.equal(d.place.range.start.line, 2);
  assert.match(d.message, /is not the key of the EC certificate/);
  const ca = edge(m, /^file:pgpool\/missing-ca\.crt$/, 'trusts', /^server:pgpool/);
  assert.deepEqual(only(ca), ['file-missing pgpool-conf/ssl-file-missing']);
  assert.equal(node(m, 'file:pgpool/missing-ca.crt').missing, true);
  const expired = edge(m, /^file:pg\/old\.crt$/, 'serves', /^server:pg\/postgresql\.conf$/);
  assert.deepEqual(only(expired), ['expired cert/expired']);
  assert.match(node(m, m.edges.find(e => e.kind === 'holds' && e.to === 'file:pg/old.crt')!.from).certificate!.expiry, /^expired \d+ days ago$/);
  // Sound links stay black.
  assert.equal(edge(m, /^file:pgpool\/pool\.crt$/, 'serves', /^server:pgpool/).broken, false);
});

test('cert-manager: an Issuer signs a Certificate that writes a Secret; the CA Secret the Issuer uses; a Secret not in the files', { skip }, () => {
  const m = buildMap();
  edge(m, /^secret:db\/root-ca$/, 'uses', /^issuer:Issuer\/db\/db-ca$/);
  edge(m, /^issuer:Issuer\/db\/db-ca$/, 'signs', /^certificate-request:db\/app$/);
  edge(m, /^certificate-request:db\/app$/, 'writes', /^secret:db\/app-tls$/);
  assert.equal(node(m, 'secret:db/app-tls').missing, true);
  assert.deepEqual(node(m, 'certificate-request:db/app').details, ['app.db.svc']);
  // The root CA Secret holds the same Root CA certificate as the cluster's Secrets: one node.
  assert.equal(m.nodes.filter(n => n.label === 'Root CA').length, 1);
});

test('the map is deterministic: sorted ids, the same output twice', { skip }, () => {
  const a = buildMap();
  const b = buildMap();
  assert.deepEqual(a, b);
  const ids = a.nodes.map(n => n.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.equal(new Set(ids).size, ids.length);
  const eids = a.edges.map(e => e.id);
  assert.deepEqual(eids, [...eids].sort());
  for (const e of a.edges) assert.ok(ids.includes(e.from) && ids.includes(e.to), e.id);
  assert.equal(toSvg(a), toSvg(b));
  assert.equal(toDot(a), toDot(b));
});

// --- the CLI ------------------------------------------------------------------------------------------------------

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: s => { out += s; }, err: s => { err += s; } });
  return { code, out, err };
}

test('pgtls map --format json: the model, exit 1 when a link breaks with an error', { skip }, async () => {
  const r = await cli(['map', '--format', 'json', dir]);
  assert.equal(r.code, 1, r.err);
  const m = JSON.parse(r.out) as TlsMap;
  assert.equal(m.version, 1);
  assert.equal(m.files.length, 4);
  for (const n of m.nodes) assert.deepEqual(Object.keys(n).filter(k => ['id', 'kind', 'label', 'details', 'broken', 'diagnostics'].includes(k)).sort(), ['broken', 'details', 'diagnostics', 'id', 'kind', 'label']);
  assert.ok(m.edges.some(e => e.diagnostics.some(d => d.rule === 'cert/key-mismatch')));
  // Default format is json; a sound folder exits 0.
  const ok = await cli(['map', path.join(dir, 'k8s', 'issuer.yaml')]);
  assert.equal(ok.code, 0, ok.err);
  assert.equal((JSON.parse(ok.out) as TlsMap).version, 1);
});

test('pgtls map --format dot: a digraph with one statement per node and per edge', { skip }, async () => {
  const m = JSON.parse((await cli(['map', dir])).out) as TlsMap;
  const r = await cli(['map', '--format', 'dot', dir]);
  assert.equal(r.code, 1);
  const g = parseDot(r.out);
  assert.equal(g.name, 'tls-map');
  assert.deepEqual(g.nodes.sort(), m.nodes.map(n => n.id).sort());
  assert.equal(g.edges.length, m.edges.length);
  assert.ok(g.edges.every(([a, b]) => g.nodes.includes(a) && g.nodes.includes(b)));
  assert.match(r.out, /color=red/);
});

test('pgtls map --format svg: well-formed XML, one node group per model node, broken links red', { skip }, async () => {
  const m = JSON.parse((await cli(['map', dir])).out) as TlsMap;
  const r = await cli(['map', '--format', 'svg', dir]);
  assert.equal(r.code, 1);
  const tags = checkXml(r.out);
  assert.equal(tags[0], 'svg');
  const groups = [...r.out.matchAll(/<g class="node[ "][^>]*data-id="([^"]*)"/g)].map(x => x[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  assert.deepEqual(groups.sort(), m.nodes.map(n => n.id).sort());
  assert.equal((r.out.match(/<path class="edge( broken)?"/g) ?? []).length, m.edges.length);
  assert.equal((r.out.match(/<path class="edge broken"/g) ?? []).length, m.edges.filter(e => e.broken).length);
  assert.match(r.out, /expires in \d+ days/);
});

test('pgtls map: usage errors exit 2', async () => {
  assert.equal((await cli(['map'])).code, 2);
  assert.equal((await cli(['map', '--format', 'png', '.'])).code, 2);
  assert.equal((await cli(['map', 'a', 'b'])).code, 2);
  assert.equal((await cli(['map', '-'])).code, 2);
  assert.equal((await cli(['map', path.join(os.tmpdir(), 'pgtls-no-such-folder-xyz')])).code, 2);
  const help = await cli(['--help']);
  assert.match(help.out, /pgtls map \[--format json\|dot\|svg\] PATH/);
});

/** A strict reading of the DOT subset: `digraph "name" { stmt; … }` with quoted ids and `[k=v, …]` lists. */
function parseDot(text: string): { name: string; nodes: string[]; edges: [string, string][] } {
  const head = /^digraph "((?:[^"\\]|\\.)*)" \{\n/.exec(text);
  assert.ok(head, 'starts with digraph "name" {');
  assert.ok(text.endsWith('}\n'), 'ends with }');
  const body = text.slice(head[0].length, -2).split('\n').filter(Boolean);
  const id = '"((?:[^"\\\\]|\\\\.)*)"';
  const attrs = `\\[(?:[a-z]+=(?:${id}|[\\w.,]+)(?:, )?)+\\]`;
  const nodes: string[] = [];
  const edges: [string, string][] = [];
  for (const line of body) {
    if (/^ {2}(rankdir=LR|node \[.*\]|edge \[.*\]);$/.test(line)) continue;
    const e = new RegExp(`^ {2}${id} -> ${id} ${attrs};$`).exec(line);
    if (e) { edges.push([unq(e[1]!), unq(e[2]!)]); continue; }
    const n = new RegExp(`^ {2}${id} ${attrs};$`).exec(line);
    assert.ok(n, `a DOT statement: ${line}`);
    nodes.push(unq(n[1]!));
  }
  return { name: head[1]!, nodes, edges };
}
const unq = (s: string) => s.replace(/\\(.)/g, '$1');

/** Checks that `text` is well-formed XML (one root, nested tags, quoted attributes, known entities); returns the tag names in order. */
function checkXml(text: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  let roots = 0;
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of text.matchAll(re)) {
    if (m[6]) assert.fail(`a stray < at ${m.index}`);
    const chars = m[5] ?? m[3] ?? '';
    for (const ent of chars.matchAll(/&([^;\s]*);?/g)) assert.ok(/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);$/i.test(ent[0]), `entity ${ent[0]}`);
    if (m[5] !== undefined) { assert.ok(stack.length || !m[5].trim(), 'text outside the root'); continue; }
    const [, close, name, , self] = m;
    if (close) { assert.equal(stack.pop(), name, `</${name}> closes the open tag`); continue; }
    if (!stack.length) roots++;
    names.push(name!);
    if (!self) stack.push(name!);
  }
  assert.deepEqual(stack, [], 'every tag is closed');
  assert.equal(roots, 1, 'one root element');
  return names;
}
