/**
 * The server side of the editor's certificate commands (server/src/node/certCommands.ts), in process: files and modes,
 * refusal to overwrite (nothing generated or written) and replacement with force, the preset of the resource under
 * the cursor, the Secrets file of a complete set, and inspection of PEM / base64 / DER input.
 */
import 'reflect-metadata';
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { assertTools, missing } from '../requires';
import { SECRETS_FILE, runCertCommand, type CertCommandEnv } from '../../server/src/node/certCommands';
import { inspectCertificates, presetAt, presetSummary, resourcePatchEdit } from '../../server/src/certService';
import type { CertCreateResult, CertCreateSummary } from '../../server/src/protocol';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-cmd-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, `d${++n}`);
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const NOW = new Date('2026-03-01T12:00:00Z');
const env: CertCommandEnv = { now: () => NOW, crypto: webcrypto as unknown as Crypto };
const POSIX = process.platform !== 'win32';

function written(r: CertCreateResult): CertCreateSummary {
  assert.equal(r.status, 'written', r.status === 'exists' ? `unexpected existing files: ${r.existing.join(', ')}` : '');
  return (r as { summary: CertCreateSummary }).summary;
}

const TWO_DOCS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
---
apiVersion: kubedb.com/v1alpha2
kind: Pgpool
metadata:
  name: pp
  namespace: demo
spec:
  version: "4.6.0"
---
apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata:
  name: cluster1
  namespace: pg
spec:
  postgresVersion: 17
`;

describe('certificate commands (server side)', { skip: POSIX ? undefined : 'file modes are POSIX-only' }, () => {
  test('server certificate into a new folder: CA made too, keys 0600, certs 0644, folder 0700, summary without keys', async () => {
    const dir = fresh();
    const s = written(await runCertCommand({ kind: 'server', folder: dir, serverName: 'db.example.com', sans: ['10.0.0.5', 'db'] }, env));
    assert.deepEqual(s.files.map(f => f.name).sort(), ['ca.crt', 'ca.key', 'server.crt', 'server.key']);
    assert.equal(mode(dir), 0o700);
    for (const f of s.files) {
      assert.equal(mode(f.path), f.kind === 'private-key' ? 0o600 : 0o644, f.name);
      assert.equal(f.mode, f.kind === 'private-key' ? '0600' : '0644');
    }
    const server = s.files.find(f => f.name === 'server.crt')!;
    assert.deepEqual(server.sans, ['DNS:db.example.com', 'DNS:db', 'IP:10.0.0.5']);
    assert.equal(server.days, 397);
    assert.match(s.message, /server\.crt/);
    assert.match(s.message, /IP:10\.0\.0\.5/);
    const json = JSON.stringify(s);
    assert.ok(!json.includes('PRIVATE KEY') && !json.includes('BEGIN'), 'the summary must not carry PEM');
    assert.equal(s.gitignore, 'created');
    const x = new X509Certificate(fs.readFileSync(server.path));
    assert.ok(x.verify(new X509Certificate(fs.readFileSync(path.join(dir, 'ca.crt'))).publicKey));
  });

  test('a leaf in a folder with a CA is issued by that CA, which is left untouched', async () => {
    const dir = fresh();
    written(await runCertCommand({ kind: 'ca', folder: dir, algorithm: 'ecdsa-p384', caName: 'Test CA' }, env));
    const caBefore = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    const s = written(await runCertCommand({ kind: 'client', folder: dir, clientUser: 'app_user' }, env));
    assert.deepEqual(s.files.map(f => f.name), ['client.crt', 'client.key']);
    assert.equal(s.algorithm, 'ecdsa-p384');
    assert.match(s.files[0]!.subject!, /CN=app_user/);
    assert.match(s.message, /existing ca\.crt/);
    assert.equal(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'), caBefore);
    const r = written(await runCertCommand({ kind: 'replication', folder: dir }, env));
    assert.match(r.files[0]!.subject!, /CN=_crunchyrepl/);
  });

  test('existing files: refused before anything is generated or written, then replaced with force', async () => {
    const dir = fresh();
    written(await runCertCommand({ kind: 'server', folder: dir, serverName: 'a.example' }, env));
    const before = fs.readFileSync(path.join(dir, 'server.key'), 'utf8');
    const refused = await runCertCommand({ kind: 'server', folder: dir, serverName: 'b.example' }, env);
    assert.equal(refused.status, 'exists');
    assert.deepEqual((refused as { existing: string[] }).existing.map(f => path.basename(f)), ['server.crt', 'server.key']);
    assert.equal(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), before);
    const forced = written(await runCertCommand({ kind: 'server', folder: dir, serverName: 'b.example', force: true }, env));
    assert.ok(forced.files.every(f => f.replaced));
    assert.notEqual(fs.readFileSync(path.join(dir, 'server.key'), 'utf8'), before);
    assert.equal(mode(path.join(dir, 'server.key')), 0o600);
    assert.match(forced.files.find(f => f.name === 'server.crt')!.subject!, /CN=b\.example/);
  });

  test('bad input is a clear error: weak algorithm, relative folder, missing server name', async () => {
    await assert.rejects(runCertCommand({ kind: 'ca', folder: fresh(), algorithm: 'rsa-1024' }, env), /1024|RSA|algorithm/i);
    await assert.rejects(runCertCommand({ kind: 'ca', folder: 'relative/dir' }, env), /absolute/);
    await assert.rejects(runCertCommand({ kind: 'server', folder: fresh() }, env), /host name/);
  });

  test('presetAt picks the resource document under the cursor (else the first resource)', () => {
    const atPercona = TWO_DOCS.indexOf('cluster1');
    const percona = presetAt(TWO_DOCS, atPercona)!;
    assert.equal(percona.operator, 'percona');
    assert.equal(percona.name, 'cluster1');
    const atKubedb = TWO_DOCS.indexOf('namespace: demo');
    assert.equal(presetAt(TWO_DOCS, atKubedb)!.operator, 'kubedb');
    // On the ConfigMap: no resource there, so the first resource of the file.
    assert.equal(presetAt(TWO_DOCS, 5)!.name, 'pp');
    assert.equal(presetAt('kind: ConfigMap\n', 0), undefined);
    assert.equal(presetAt(': : [', 0), undefined);
    const sum = presetSummary(presetAt(TWO_DOCS, atKubedb)!);
    assert.equal(sum.clientUser, 'postgres');
    assert.ok(sum.sans.some(s => s.includes('pp.demo.svc')), sum.sans.join(', '));
  });

  test('complete set for a Percona resource: CA, server, client, replication and secrets.yaml (0600, git-ignored)', async () => {
    const dir = fresh();
    const s = written(await runCertCommand({ kind: 'set', folder: dir, resource: { uri: 'file:///x.yaml', offset: TWO_DOCS.indexOf('cluster1') } }, env, TWO_DOCS));
    assert.deepEqual(s.files.map(f => f.name).sort(),
      ['ca.crt', 'ca.key', 'client.crt', 'client.key', 'replication.crt', 'replication.key', 'secrets.yaml', 'server.crt', 'server.key']);
    assert.equal(mode(path.join(dir, SECRETS_FILE)), 0o600);
    assert.equal(s.files.find(f => f.name === SECRETS_FILE)!.kind, 'manifest');
    assert.deepEqual(s.resource, { operator: 'percona', kind: 'PerconaPGCluster', name: 'cluster1', namespace: 'pg' });
    assert.ok(s.patch && JSON.stringify(s.patch).includes('customTLSSecret'));
    const server = s.files.find(f => f.name === 'server.crt')!;
    assert.ok(server.sans!.some(x => x.includes('cluster1-primary.pg.svc')), server.sans!.join(', '));
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir, SECRETS_FILE), 'utf8')).map(d => d.toJS() as { kind: string; metadata: { namespace: string } });
    assert.ok(docs.length >= 2 && docs.every(d => d.kind === 'Secret' && d.metadata.namespace === 'pg'));
    assert.ok(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').includes(SECRETS_FILE));
    // A second run refuses, listing secrets.yaml too.
    const again = await runCertCommand({ kind: 'set', folder: dir, resource: { uri: 'file:///x.yaml', offset: 0 } }, env, TWO_DOCS);
    assert.equal(again.status, 'exists');
    assert.ok((again as { existing: string[] }).existing.some(f => f.endsWith(SECRETS_FILE)));
  });

  test('the resource patch: merged into the document under the cursor only, keyed lists merged, comments kept', () => {
    const text = TWO_DOCS.replace('  name: cluster1\n', '  name: cluster1   # mine\n') + `  secrets:
    customRootCATLSSecret:
      name: old-root
      items:
        - key: root.crt
          path: root.crt
`;
    const at = text.indexOf('cluster1');
    const pr = presetAt(text, at)!;
    const e = resourcePatchEdit(text, at, pr.patch)!;
    assert.ok(e.start > text.indexOf('PerconaPGCluster'), 'the edit must not touch the documents before');
    const out = text.slice(0, e.start) + e.newText + text.slice(e.end);
    assert.ok(out.startsWith(text.slice(0, text.indexOf('kind: PerconaPGCluster'))));
    assert.match(out, /# mine/);
    const docs = parseAllDocuments(out).map(d => d.toJS() as { spec?: { secrets?: Record<string, { name: string; items: { key: string }[] }> } });
    assert.equal(docs.length, 3);
    const secrets = docs[2]!.spec!.secrets!;
    assert.equal(secrets.customTLSSecret!.name, 'cluster1-custom-tls');
    assert.equal(secrets.customReplicationTLSSecret!.name, 'cluster1-custom-replication-tls');
    // The existing root CA reference keeps its name and gains the missing item, once.
    assert.equal(secrets.customRootCATLSSecret!.name, 'old-root');
    assert.deepEqual(secrets.customRootCATLSSecret!.items.map(i => i.key), ['root.crt', 'root.key']);
    // Applying it again changes nothing.
    assert.equal(resourcePatchEdit(out, out.indexOf('cluster1'), presetAt(out, out.indexOf('cluster1'))!.patch), undefined);
  });

  test('a set returns the resource edit for the client to apply', async () => {
    const s = written(await runCertCommand({ kind: 'set', folder: fresh(), resource: { uri: 'file:///r.yaml', offset: TWO_DOCS.indexOf('pp') } }, env, TWO_DOCS));
    assert.equal(s.resourceEdit?.uri, 'file:///r.yaml');
    const out = TWO_DOCS.slice(0, s.resourceEdit!.start) + s.resourceEdit!.newText + TWO_DOCS.slice(s.resourceEdit!.end);
    const pool = parseAllDocuments(out)[1]!.toJS() as { spec: { tls: { issuerRef: { name: string } } } };
    assert.equal(pool.spec.tls.issuerRef.name, 'pp-ca-issuer');
    assert.match(fs.readFileSync(path.join(s.dir, SECRETS_FILE), 'utf8'), /name: pp-ca-issuer/);
  });

  test('a set needs a resource under the cursor', async () => {
    await assert.rejects(runCertCommand({ kind: 'set', folder: fresh(), resource: { uri: 'file:///x.yaml', offset: 0 } }, env, 'kind: ConfigMap\n'), /resource under the cursor/);
  });

  test('inspect: PEM text, base64 of the PEM (Secret data), DER bytes; keys are refused', async () => {
    const dir = fresh();
    written(await runCertCommand({ kind: 'server', folder: dir, serverName: 'db.example.com' }, env));
    const pem = fs.readFileSync(path.join(dir, 'server.crt'), 'utf8');
    const fromPem = await inspectCertificates({ text: pem }, env);
    assert.equal(fromPem.count, 1);
    assert.match(fromPem.text, /db\.example\.com/);
    const b64 = Buffer.from(pem).toString('base64');
    assert.equal((await inspectCertificates({ text: `  ${b64.slice(0, 30)}\n${b64.slice(30)}` }, env)).text, fromPem.text);
    const der = new X509Certificate(pem).raw;
    assert.match((await inspectCertificates({ bytes: new Uint8Array(der) }, env)).text, /db\.example\.com/);
    assert.match((await inspectCertificates({ text: der.toString('base64') }, env)).text, /db\.example\.com/);
    const keyB64 = Buffer.from(fs.readFileSync(path.join(dir, 'server.key'))).toString('base64');
    await assert.rejects(inspectCertificates({ text: keyB64 }, env), /key, not a certificate/);
    await assert.rejects(inspectCertificates({ text: 'hello world' }, env), /not a certificate/);
    await assert.rejects(inspectCertificates({ text: '{not: base64}' }, env), /no certificate/);
  });

  test('a leaf issued from the CA of another folder (caFolder): no second CA is made, and openssl verifies the leaf against that CA', { skip: missing('openssl') }, async () => {
    assertTools('openssl');
    const caDir = fresh();
    written(await runCertCommand({ kind: 'ca', folder: caDir }, env));
    const caBefore = fs.readFileSync(path.join(caDir, 'ca.crt'), 'utf8');
    const dir = fresh();
    const s = written(await runCertCommand({ kind: 'server', folder: dir, caFolder: caDir, serverName: 'localhost' }, env));
    assert.deepEqual(s.files.map(f => f.name), ['server.crt', 'server.key'], 'no CA may be made next to the server certificate');
    assert.equal(s.caDir, caDir);
    assert.ok(!fs.existsSync(path.join(dir, 'ca.key')) && !fs.existsSync(path.join(dir, 'ca.crt')));
    assert.equal(fs.readFileSync(path.join(caDir, 'ca.crt'), 'utf8'), caBefore, 'the CA is only read');
    assert.match(s.message, /Issued by the existing CA in /);
    // The NOW of this file is in the past of the real clock or not: pin openssl's verification time to it.
    const at = String(Math.floor(NOW.getTime() / 1000) + 60);
    const out = execFileSync('openssl', ['verify', '-attime', at, '-CAfile', path.join(caDir, 'ca.crt'), path.join(dir, 'server.crt')], { encoding: 'utf8' });
    assert.match(out, /server\.crt: OK/);
    // A CA folder without a CA is refused, and nothing is written.
    const empty = fresh();
    await assert.rejects(runCertCommand({ kind: 'client', folder: fresh(), caFolder: empty, clientUser: 'app' }, env), /has no ca\.crt and ca\.key/);
    await assert.rejects(runCertCommand({ kind: 'ca', folder: fresh(), caFolder: caDir }, env), /makes its own CA/);
    await assert.rejects(runCertCommand({ kind: 'server', folder: fresh(), caFolder: 'relative', serverName: 'x' }, env), /absolute/);
  });

  test('the resource patch never writes YAML anchors or aliases into the user\'s manifest (one object used twice in the patch)', () => {
    const resources = [
      TWO_DOCS,
      'apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata:\n  name: c2\nspec:\n  postgresVersion: 17\n',
      'apiVersion: postgres-operator.crunchydata.com/v1beta1\nkind: PostgresCluster\nmetadata:\n  name: hippo\nspec:\n  postgresVersion: 16\n',
      'apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata:\n  name: cluster-1\nspec:\n  teamId: acid\n',
      'apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: acid-minimal\nspec:\n  teamId: acid\n',
    ];
    let patched = 0;
    for (const text of resources) {
      for (const doc of parseAllDocuments(text)) {
        const at = doc.range[0] + text.slice(doc.range[0]).indexOf('name:');
        const pr = presetAt(text, at);
        if (!pr || !Object.keys(pr.patch).length) continue;
        const e = resourcePatchEdit(text, at, pr.patch);
        if (!e) continue;
        patched++;
        assert.doesNotMatch(e.newText, /(^|[\s:\-\[,])[&*][A-Za-z0-9_-]+/m, `anchor or alias written for ${pr.kind} ${pr.name}:\n${e.newText}`);
        const out = text.slice(0, e.start) + e.newText + text.slice(e.end);
        // The same data as the patch says, spelled out at every place.
        const obj = parseAllDocuments(out).map(d => d.toJS()).find(o => (o as { metadata?: { name?: string } }).metadata?.name === pr.name);
        const merged = JSON.stringify(obj);
        for (const s of JSON.stringify(pr.patch).match(/"name":"[^"]+"/g) ?? []) assert.ok(merged.includes(s), `${s} missing after the patch`);
      }
    }
    assert.ok(patched >= 3, `only ${patched} resources were patched`);
    const percona = resourcePatchEdit(resources[1]!, resources[1]!.indexOf('c2'), presetAt(resources[1]!, resources[1]!.indexOf('c2'))!.patch)!;
    assert.equal((percona.newText.match(/items:\n/g) ?? []).length, 3, `every Secret reference has its own items list:\n${percona.newText}`);
  });
});
