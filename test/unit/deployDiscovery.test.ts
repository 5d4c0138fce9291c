/**
 * Paths the workspace cannot see, end to end through the service on real folders: the mappings a Docker Compose
 * file, a Dockerfile and Kubernetes manifests make certain, the explicit `pgtls.pathMappings`, what stays an error
 * (a mapped file that is missing, a path inside the workspace) and what becomes a note (a path only the container
 * has), in pgpool.conf (ssl_* files, include, pgpool_node_id) and pg_hba.conf/pool_hba.conf (`@file`, include).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';
import { issue } from './pgpoolConfTlsKit';

function workspace(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-deploy-')));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    if (!name.endsWith('/')) fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Validates `rel` in the workspace `dir` (its only folder) and returns `[rule, severity, message]`. */
function run(dir: string, rel: string, settings = {}, roots = [dir]): [string, string, string][] {
  const svc = testService({ roots: () => roots });
  const file = path.join(dir, rel);
  return check(svc, file, fs.readFileSync(file, 'utf8'), settings).map((p: Problem) => [p.rule, p.severity, p.message]);
}
const rules = (r: [string, string, string][]) => r.map(([rule, sev]) => `${rule}:${sev}`).sort();

let pems: { cert: string; key: string; otherKey: string; ca: string } | undefined;
async function certs() {
  if (!pems) {
    // Valid around the real clock (these checks run with the machine's date, not the kit's fixed one).
    const notBefore = new Date(Date.now() - 86_400_000), notAfter = new Date(Date.now() + 3 * 365 * 86_400_000);
    const ca = await issue({ cn: 'deploy-ca', ca: true, notBefore, notAfter });
    const server = await issue({ cn: 'pgpool', issuer: ca, extensions: [], notBefore, notAfter });
    const other = await issue({ cn: 'other', issuer: ca, notBefore, notAfter });
    pems = { cert: server.certPem, key: server.keyPem, otherKey: other.keyPem, ca: ca.certPem };
  }
  return pems;
}

const SSL = "ssl = on\nssl_cert = '/etc/pgpool2/certs/server.crt'\nssl_key = '/etc/pgpool2/certs/server.key'\n";

test('without any mapping, container paths are a note each, never an error, and their content checks are skipped', () => {
  const dir = workspace({ 'pgpool.conf': `${SSL}ssl_ca_cert = '/etc/pgpool2/certs/ca.crt'\nssl_crl_file = '/etc/pgpool2/certs/root.crl'\n` });
  const r = run(dir, 'pgpool.conf');
  assert.deepEqual(rules(r), Array(4).fill('pgtls/path-not-checked:info'));
  assert.match(r[0]![2], /^ssl_cert: "\/etc\/pgpool2\/certs\/server\.crt" is outside the workspace/);
  // The same paths inside the workspace folder are the user's own: missing files are errors, as before.
  assert.deepEqual(rules(run(dir, 'pgpool.conf', {}, ['/etc/pgpool2', dir])), Array(4).fill('pgpool-conf/ssl-file-missing:error'));
});

test('compose bind mounts (short and long syntax) map container paths to the workspace; a missing file is an error naming the mapping', async () => {
  const p = await certs();
  const dir = workspace({
    'docker-compose.yml': [
      'services:',
      '  pgpool:',
      '    image: pgpool/pgpool:4.6',
      '    volumes:',
      '      - ./pgpool/pgpool.conf:/etc/pgpool2/pgpool.conf:ro',
      '      - type: bind',
      '        source: ./certs',
      '        target: /etc/pgpool2/certs',
      '      - pgpool-data:/var/lib/pgpool',
      'volumes:',
      '  pgpool-data: {}',
    ].join('\n'),
    'pgpool/pgpool.conf': `${SSL}ssl_ca_cert = '/etc/pgpool2/certs/ca.crt'\n`,
    'certs/server.crt': p.cert,
    'certs/server.key': p.key,
  });
  fs.chmodSync(path.join(dir, 'certs/server.key'), 0o600);
  const r = run(dir, 'pgpool/pgpool.conf');
  assert.deepEqual(rules(r), ['pgpool-conf/ssl-file-missing:error']);
  assert.match(r[0]![2], /ssl_ca_cert: "\/etc\/pgpool2\/certs\/ca\.crt" \(mapped to \.\/certs\/ca\.crt by docker-compose\.yml, service pgpool\) does not exist/);
  // The content of mapped files is checked like any other: a key that is not the certificate's.
  fs.writeFileSync(path.join(dir, 'certs/ca.crt'), p.ca);
  assert.deepEqual(rules(run(dir, 'pgpool/pgpool.conf')), []);
  fs.writeFileSync(path.join(dir, 'certs/server.key'), p.otherKey);
  const mismatch = run(dir, 'pgpool/pgpool.conf');
  assert.deepEqual(rules(mismatch), ['cert/key-mismatch:error']);
  assert.match(mismatch[0]![2], /\(mapped to \.\/certs\/server\.key by docker-compose\.yml, service pgpool\) is not the key/);
  // Permissions of a bind-mounted key are the local file's.
  fs.writeFileSync(path.join(dir, 'certs/server.key'), p.key);
  fs.chmodSync(path.join(dir, 'certs/server.key'), 0o644);
  assert.deepEqual(rules(run(dir, 'pgpool/pgpool.conf')), ['pgpool-conf/ssl-key-permissions:warning']);
});

test('a mapping whose local folder is missing (made by a script) gives a note, not an error', () => {
  const dir = workspace({
    'compose.yaml': 'services:\n  pgpool:\n    volumes: ["./generated-certs:/etc/pgpool2/certs:ro"]\n',
    'pgpool.conf': SSL,
  });
  const r = run(dir, 'pgpool.conf');
  assert.deepEqual(rules(r), ['pgtls/path-not-checked:info', 'pgtls/path-not-checked:info']);
  assert.match(r[0]![2], /mapped to \.\/generated-certs\/server\.crt by compose\.yaml, service pgpool\): \.\/generated-certs is not here/);
});

test('explicit pgtls.pathMappings come first; equal prefixes from two services that disagree map nothing unless one runs this pgpool.conf', () => {
  const files = {
    'docker-compose.yml': [
      'services:',
      '  pgpool:',
      '    volumes: ["./a:/etc/pgpool2/certs"]',
      '  other:',
      '    volumes: ["./b:/etc/pgpool2/certs"]',
    ].join('\n'),
    'pgpool.conf': SSL,
    'a/': '', 'b/': '', 'mine/': '',
  };
  const dir = workspace(files);
  for (const d of ['a', 'b', 'mine']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  assert.deepEqual(rules(run(dir, 'pgpool.conf')), ['pgtls/path-not-checked:info', 'pgtls/path-not-checked:info'], 'two services disagree: not certain');
  const explicit = run(dir, 'pgpool.conf', { pathMappings: { '/etc/pgpool2/certs': './mine' } });
  assert.deepEqual(rules(explicit), ['pgpool-conf/ssl-file-missing:error', 'pgpool-conf/ssl-file-missing:error']);
  assert.match(explicit[0]![2], /\(mapped to \.\/mine\/server\.crt by the path mapping \/etc\/pgpool2\/certs\)/);
  // The service that also mounts this pgpool.conf is the one that runs it.
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), files['docker-compose.yml'].replace('["./a:/etc/pgpool2/certs"]', '["./a:/etc/pgpool2/certs", "./pgpool.conf:/etc/pgpool2/pgpool.conf"]'));
  assert.match(run(dir, 'pgpool.conf')[0]![2], /mapped to \.\/a\/server\.crt by docker-compose\.yml, service pgpool/);
});

test('a Dockerfile COPY (from a compose build) maps the copied files; a file it does not copy may come from the base image', async () => {
  const p = await certs();
  const dir = workspace({
    'compose.yml': 'services:\n  pgpool:\n    build: { context: ./image, dockerfile: pgpool.Dockerfile }\n',
    'image/pgpool.Dockerfile': [
      'FROM pgpool/pgpool:4.6',
      'ENV CONF=/etc/pgpool2',
      'COPY --chown=postgres:postgres --chmod=0600 tls/server.crt tls/server.key $CONF/certs/',
      'COPY conf/ /etc/pgpool2/',
    ].join('\n'),
    'image/tls/server.crt': p.cert,
    'image/tls/server.key': p.otherKey,
    'image/conf/pgpool.conf': `${SSL}include = '/etc/pgpool2/tls.conf'\n`,
  });
  fs.chmodSync(path.join(dir, 'image/tls/server.key'), 0o644);
  const r = run(dir, 'image/conf/pgpool.conf');
  assert.deepEqual(rules(r), ['cert/key-mismatch:error', 'pgtls/path-not-checked:info'], 'no permission warning: COPY --chmod decides the mode in the image');
  assert.match(r.find(x => x[0] === 'cert/key-mismatch')![2], /mapped to \.\/image\/tls\/server\.key by image\/pgpool\.Dockerfile/);
  assert.match(r.find(x => x[0] === 'pgtls/path-not-checked')![2], /^include: "\/etc\/pgpool2\/tls\.conf" \(mapped to \.\/image\/conf\/tls\.conf by image\/pgpool\.Dockerfile\) is not among the files/);
  // Once the included file is there, it is read: its settings count.
  fs.writeFileSync(path.join(dir, 'image/conf/tls.conf'), "ssl_ciphers = 'NOT-A-CIPHER'\n");
  const withInclude = run(dir, 'image/conf/pgpool.conf');
  assert.ok(withInclude.some(([rule, , msg]) => rule === 'pgpool-conf/ssl-ciphers-rejected' && msg.includes(`(set in "${path.join(dir, 'image/conf/tls.conf')}")`)),
    `settings of a mapped include are applied: ${JSON.stringify(withInclude)}`);
});

test('a Kubernetes Secret volume maps its keys, and the certificate checks read the Secret\'s values', async () => {
  const p = await certs();
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const manifest = (key: string) => [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: { name: pgpool }', 'spec:', '  template:', '    spec:', '      containers:',
    '        - name: pgpool',
    '          volumeMounts:',
    '            - { name: tls, mountPath: /etc/pgpool2/certs, readOnly: true }',
    '            - { name: conf, mountPath: /etc/pgpool2/pgpool.conf, subPath: pgpool.conf }',
    '      volumes:',
    '        - { name: tls, secret: { secretName: pgpool-tls, items: [{ key: tls.crt, path: server.crt }, { key: tls.key, path: server.key }] } }',
    '        - { name: conf, configMap: { name: pgpool-config } }',
    '---',
    'apiVersion: v1', 'kind: Secret', 'metadata: { name: pgpool-tls }', 'type: kubernetes.io/tls', 'data:',
    `  tls.crt: ${b64(p.cert)}`,
    `  tls.key: ${b64(key)}`,
  ].join('\n');
  const dir = workspace({ 'k8s/pgpool.yaml': manifest(p.key), 'config/pgpool.conf': `${SSL}ssl_ca_cert = '/etc/pgpool2/certs/ca.crt'\n` });
  const r = run(dir, 'config/pgpool.conf');
  assert.deepEqual(rules(r), ['pgpool-conf/ssl-file-missing:error'], 'the volume hides the folder: a key it does not have is missing');
  assert.match(r[0]![2], /"\/etc\/pgpool2\/certs\/ca\.crt" \(mapped to ca\.crt of Secret pgpool-tls by k8s\/pgpool\.yaml, Deployment pgpool, container pgpool\) does not exist/);
  fs.writeFileSync(path.join(dir, 'k8s/pgpool.yaml'), manifest(p.otherKey));
  const m = run(dir, 'config/pgpool.conf');
  assert.ok(rules(m).includes('cert/key-mismatch:error'), JSON.stringify(m));
  for (const [, , msg] of m) assert.ok(!msg.includes('PRIVATE KEY-----') && !msg.includes(b64(p.otherKey).slice(0, 40)), 'no key material in messages');
  // A Secret that is not in the workspace maps nothing.
  fs.writeFileSync(path.join(dir, 'k8s/pgpool.yaml'), manifest(p.key).split('---')[0]!);
  assert.deepEqual(rules(run(dir, 'config/pgpool.conf')), Array(3).fill('pgtls/path-not-checked:info'));
});

test('pgpool_node_id: beside pgpool.conf where it runs; a container-only file is a note, a folder mount is checked', () => {
  const conf = "use_watchdog = on\nhostname0 = 'a'\nwd_port0 = 9000\npgpool_port0 = 9999\n";
  const dir = workspace({
    'docker-compose.yml': 'services:\n  pgpool:\n    volumes: ["./pgpool.conf:/etc/pgpool2/pgpool.conf"]\n',
    'pgpool.conf': conf,
  });
  const r = run(dir, 'pgpool.conf');
  assert.deepEqual(rules(r), ['pgtls/path-not-checked:info']);
  assert.match(r[0]![2], /^"use_watchdog" is on; its node id file "\/etc\/pgpool2\/pgpool_node_id" is outside the workspace/);
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  pgpool:\n    volumes: ["./:/etc/pgpool2"]\n');
  const folder = run(dir, 'pgpool.conf');
  assert.deepEqual(rules(folder), ['pgpool-conf/watchdog-node-id:warning']);
  assert.match(folder[0]![2], /"\/etc\/pgpool2\/pgpool_node_id" \(mapped to \.\/pgpool_node_id by docker-compose\.yml, service pgpool\) does not exist/);
  fs.writeFileSync(path.join(dir, 'pgpool_node_id'), '0\n');
  assert.deepEqual(rules(run(dir, 'pgpool.conf')), []);
  // Without any compose file: beside pgpool.conf here, as before.
  fs.rmSync(path.join(dir, 'docker-compose.yml'));
  fs.rmSync(path.join(dir, 'pgpool_node_id'));
  assert.deepEqual(rules(run(dir, 'pgpool.conf')), ['pgpool-conf/watchdog-node-id:warning']);
  // An image that copies pgpool.conf alone (the entrypoint writes the node id): a note.
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM pgpool/pgpool:4.6\nCOPY pgpool.conf /etc/pgpool2/pgpool.conf\n');
  assert.deepEqual(rules(run(dir, 'pgpool.conf')), ['pgtls/path-not-checked:info']);
});

test('include: a container path is a note; relative includes keep their errors', () => {
  const dir = workspace({ 'pgpool.conf': "include = '/etc/pgpool2/conf.d/extra.conf'\ninclude = 'missing.conf'\n" });
  assert.deepEqual(rules(run(dir, 'pgpool.conf')), ['pgpool-conf/include-not-found:error', 'pgtls/path-not-checked:info']);
});

test('HBA @file and include: an absolute path only the server has is a note and does not reject the file', () => {
  const dir = workspace({
    'pg_hba.conf': 'local all @/etc/postgresql/admins.txt peer\nhost all @missing.txt 10.0.0.0/8 scram-sha-256\ninclude /etc/postgresql/16/main/hba.d/extra.conf\n',
    'pool_hba.conf': 'host all @/etc/pgpool2/users.txt 10.0.0.0/8 scram-sha-256\n',
  });
  const pg = run(dir, 'pg_hba.conf', { postgresVersion: 16 });
  assert.deepEqual(rules(pg).filter(x => !x.startsWith('pg-hba/') || x.includes('missing-include-file')),
    ['pg-hba/missing-include-file:error', 'pgtls/path-not-checked:info', 'pgtls/path-not-checked:info']);
  assert.match(pg.find(x => x[0] === 'pgtls/path-not-checked')![2], /^The name list "@\/etc\/postgresql\/admins\.txt": "\/etc\/postgresql\/admins\.txt" is outside the workspace/);
  const pool = run(dir, 'pool_hba.conf');
  assert.deepEqual(rules(pool).filter(x => x.includes('missing-include') || x.startsWith('pgtls/')), ['pgtls/path-not-checked:info']);
});

test('each deployment file is read once per validation, and broken ones never throw', () => {
  const dir = workspace({
    'docker-compose.yml': 'services: {pgpool: {volumes: ["./certs:/etc/pgpool2/certs"]}}\n',
    'compose.override.yml': 'services: [unclosed\n',
    'Dockerfile': 'FROM x\nCOPY ["broken\n',
    'k8s.yaml': 'kind: Pod\nspec: { volumes: 3, containers: [{ volumeMounts: [{ name: x }] }] }\n---\n: : :\n',
    'pgpool.conf': `${SSL}ssl_ca_cert = '/etc/pgpool2/certs/ca.crt'\nssl_crl_file = '/etc/other/root.crl'\ninclude = '/etc/pgpool2/x.conf'\n`,
    'certs/': '',
  });
  fs.mkdirSync(path.join(dir, 'certs'));
  const reads = new Map<string, number>();
  const counting = testService({
    roots: () => [dir],
    readText: (p: string) => {
      reads.set(p, (reads.get(p) ?? 0) + 1);
      try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; }
    },
  });
  const file = path.join(dir, 'pgpool.conf');
  const got = check(counting, file, fs.readFileSync(file, 'utf8'));
  assert.ok(got.every(p => p.rule !== 'pgtls/internal-error'), JSON.stringify(got));
  for (const name of ['docker-compose.yml', 'compose.override.yml', 'Dockerfile', 'k8s.yaml']) {
    assert.ok((reads.get(path.join(dir, name)) ?? 0) <= 1, `${name} read ${reads.get(path.join(dir, name))} times`);
  }
  assert.equal(reads.get(path.join(dir, 'docker-compose.yml')), 1, 'the compose file was read');
});
