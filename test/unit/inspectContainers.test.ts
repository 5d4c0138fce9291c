/**
 * `pgtls inspect` on containers: Secret manifests (multi-document, `data` base64 and `stringData`), kubeconfig-style
 * YAML, PEM bundles with a key; malformed base64 and YAML (no crash, a clear message) and no key material in any
 * output. Certificates are made in process (ECDSA P-256, fast) with a pinned clock.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { webcrypto } from 'node:crypto';
import { runCertCli } from '../../server/src/cli/cert';
import { createCertService, type IssuedCertificate, type CertificateAuthority } from '../../server/src/certService';
import { scanContainers } from '../../server/src/certs/containers';
import { expiryTitle } from '../../server/src/tlsFiles/expiry';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-inspect-containers-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

interface Run { code: number; out: string; err: string }
const keyLines = new Set<string>();
function remember(pem: string): void {
  for (const line of pem.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) keyLines.add(line.slice(0, 40));
  keyLines.add(b64(pem).slice(0, 40));
  keyLines.add(b64(pem).slice(40, 80));
}
async function cli(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCertCli(argv, { out: s => out.push(s), err: s => err.push(s) });
  const r = { code, out: out.join(''), err: err.join('') };
  const all = r.out + r.err;
  assert.doesNotMatch(all, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'output must never contain a PEM private key');
  for (const l of keyLines) assert.ok(!all.includes(l), 'output must never contain key bytes');
  return r;
}
const b64 = (s: string) => Buffer.from(s).toString('base64');
const write = (name: string, text: string) => {
  const f = path.join(root, name);
  fs.writeFileSync(f, text);
  return f;
};
const indent = (s: string, n: number) => s.trimEnd().split('\n').map(l => `${' '.repeat(n)}${l}`).join('\n');

let ca: CertificateAuthority;
let server: IssuedCertificate;
let client: IssuedCertificate;
let other: IssuedCertificate;

before(async () => {
  const certs = createCertService({ now: () => new Date(), crypto: webcrypto as unknown as Crypto });
  const set = await certs.createSet({
    ca: { algorithm: 'ecdsa-p256', commonName: 'Inspect Test CA' },
    server: { commonName: 'db.example.com', dnsNames: ['db.example.com'], ipAddresses: [] },
    client: { user: 'alice' },
  });
  ca = set.ca;
  server = set.server!;
  client = set.client!;
  other = (await certs.issue(ca, { client: { user: 'bob' } })).client!;
  for (const k of [ca.keyPem, server.keyPem, client.keyPem, other.keyPem]) remember(k);
});

describe('Secret manifests', () => {
  test('data (base64) and stringData, several documents: document, key path, bundle position, findings, key match', async () => {
    const f = write('secrets.yaml', [
      '# a Secret of the server set (kubectl create secret tls shape, plus ca.crt)',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: pg-tls',
      '  namespace: db',
      'type: kubernetes.io/tls',
      'data:',
      `  tls.crt: ${b64(server.certPem + ca.certPem)}`,
      `  tls.key: ${b64(server.keyPem)}`,
      `  ca.crt: ${b64(ca.certPem)}`,
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: pg-client',
      'stringData:',
      '  tls.crt: |',
      indent(client.certPem, 4),
      '  tls.key: |',
      indent(other.keyPem, 4),
      '  password: not-a-certificate',
      '',
    ].join('\n'));
    const r = await cli('inspect', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /secrets\.yaml: 4 certificates, 2 keys in 2 documents \(Secret manifests\)/);
    assert.match(r.out, /--- document 1 \(Secret db\/pg-tls\) data\.tls\.crt, certificate 1 of 2 \(leaf\)\nCertificate:\n {4}Subject: CN=db\.example\.com/);
    assert.match(r.out, /--- document 1 \(Secret db\/pg-tls\) data\.tls\.crt, certificate 2 of 2\nCertificate:\n {4}Subject: CN=Inspect Test CA/);
    assert.match(r.out, /--- document 1 \(Secret db\/pg-tls\) data\.ca\.crt\nCertificate:/);
    assert.match(r.out, /--- document 2 \(Secret pg-client\) stringData\.tls\.crt\nCertificate:\n {4}Subject: CN=alice/);
    assert.match(r.out, /data\.tls\.key: private key: EC P-256 \(256 bit\), PKCS#8, unencrypted; belongs to data\.tls\.crt certificate 1/);
    assert.match(r.out, /stringData\.tls\.key: private key: EC P-256 \(256 bit\), PKCS#8, unencrypted; belongs to none of the certificates of its document/);
    assert.doesNotMatch(r.out, /password/);

    const j = await cli('inspect', f, '--format', 'json');
    assert.equal(j.code, 0);
    const rep = JSON.parse(j.out) as { shape: string; certificates: { document: { number: number; kind: string; name: string; namespace?: string }; path: string; position?: { index: number; of: number }; subject: string; problems: string[] }[]; keys: { path: string; matches: string | null }[] }[];
    assert.equal(rep[0]!.shape, 'secret');
    assert.deepEqual(rep[0]!.certificates.map(c => [c.document.number, c.path, c.position?.index ?? 0]), [[1, 'data.tls.crt', 1], [1, 'data.tls.crt', 2], [1, 'data.ca.crt', 0], [2, 'stringData.tls.crt', 0]]);
    assert.deepEqual(rep[0]!.certificates[0]!.document, { number: 1, kind: 'Secret', name: 'pg-tls', namespace: 'db' });
    assert.deepEqual(rep[0]!.keys.map(k => [k.path, k.matches]), [['data.tls.key', 'data.tls.crt certificate 1'], ['stringData.tls.key', null]]);
  });

  test('the one certificate policy: an expired certificate in a Secret gets the finding inspect prints for a file', async () => {
    const certs = createCertService({ now: () => new Date(Date.now() - 400 * 86_400_000), crypto: webcrypto as unknown as Crypto });
    const old = await certs.createSet({ ca: { algorithm: 'ecdsa-p256', commonName: 'Old CA', days: 10 }, server: { commonName: 'old.example', dnsNames: [], ipAddresses: [] }, leaves: { days: 5 } });
    remember(old.ca.keyPem);
    remember(old.server!.keyPem);
    const f = write('expired.yaml', `kind: Secret\nmetadata:\n  name: old\ndata:\n  tls.crt: ${b64(old.server!.certPem)}\n`);
    const pem = write('expired.crt', old.server!.certPem);
    const [y, p] = [await cli('inspect', f), await cli('inspect', pem)];
    const problems = (s: string) => s.slice(s.indexOf('    Problems:'));
    assert.match(y.out, /Problems:\n {8}- expired on/);
    assert.equal(problems(y.out), problems(p.out));
  });

  test('malformed base64 and a broken certificate: named by key path, never quoted, no crash', async () => {
    const f = write('bad.yaml', [
      'kind: Secret', 'metadata: {name: broken}', 'data:',
      '  tls.crt: "!!!not base64!!!"',
      `  ca.crt: ${b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')}`,
      `  tls.key: ${b64(server.keyPem).slice(0, 60)}`,
      `  note: ${b64('just text')}`,
      '',
    ].join('\n'));
    const r = await cli('inspect', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /document 1 \(Secret broken\) data\.tls\.crt: the value is not valid base64/);
    assert.match(r.out, /document 1 \(Secret broken\) data\.ca\.crt: not a valid X\.509 certificate/);
    assert.doesNotMatch(r.out, /not base64!!!|AAAA|note/);
  });

  test('malformed YAML: what can be read is, errors by line and code only; nothing decodable is exit 1', async () => {
    const partial = write('partial.yaml', `kind: Secret\nmetadata:\n  name: x\ndata:\n  tls.crt: ${b64(server.certPem)}\n  tls.key: [${b64(server.keyPem)}\n`);
    const r = await cli('inspect', partial);
    assert.ok(r.code === 0 || r.code === 1);
    assert.doesNotMatch(r.out + r.err, /at line \d+, column/);
    const empty = write('empty.yaml', 'kind: Secret\nmetadata:\n  name: nothing\ndata:\n  password: cGFzcw==\n');
    const e = await cli('inspect', empty);
    assert.equal(e.code, 1);
    assert.match(e.err, /empty\.yaml: no certificate or key found in 1 YAML document/);
    const garbage = write('garbage.yaml', 'a: [1, 2\n  b: {\n');
    const g = await cli('inspect', garbage);
    assert.equal(g.code, 1);
    assert.match(g.err, /garbage\.yaml: /);
  });
});

describe('kubectl get -o yaml and openssl output', () => {
  test('a List of Secrets (kubectl get secrets -o yaml): each item is named by its own kind and name', async () => {
    const f = write('list.yaml', [
      'apiVersion: v1', 'kind: List', 'items:',
      '- apiVersion: v1', '  kind: Secret', '  metadata: {name: a, namespace: db}', '  data:', `    tls.crt: ${b64(server.certPem)}`, `    tls.key: ${b64(server.keyPem)}`,
      '- apiVersion: v1', '  kind: Secret', '  metadata: {name: b, namespace: db}', '  data:', `    ca.crt: ${b64(ca.certPem)}`,
      'metadata: {resourceVersion: ""}', '',
    ].join('\n'));
    const r = await cli('inspect', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /--- document 1 \(Secret db\/a\) items\[0\]\.data\.tls\.crt\nCertificate:/);
    assert.match(r.out, /--- document 1 \(Secret db\/b\) items\[1\]\.data\.ca\.crt\nCertificate:/);
    assert.match(r.out, /items\[0\]\.data\.tls\.key: private key: EC P-256 \(256 bit\), PKCS#8, unencrypted; belongs to items\[0\]\.data\.tls\.crt/);
  });

  test('PEM with text before it ("Certificate:" lines of openssl x509 -text) is read as PEM, not YAML', async () => {
    const f = write('text.pem', `Certificate:\n    Data:\n        Version: 3 (0x2)\n${server.certPem}`);
    const r = await cli('inspect', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /text\.pem: 1 certificate\nCertificate:/);
  });
});

describe('kubeconfig and bundles', () => {
  test('kubeconfig: clusters[].cluster.certificate-authority-data and users[].user client certificate and key', async () => {
    const f = write('kubeconfig', [
      'apiVersion: v1', 'kind: Config',
      'clusters:', '- name: dev', '  cluster:', '    server: https://127.0.0.1:6443', `    certificate-authority-data: ${b64(ca.certPem)}`,
      'users:', '- name: alice', '  user:', `    client-certificate-data: ${b64(client.certPem)}`, `    client-key-data: ${b64(client.keyPem)}`,
      'contexts: []', '',
    ].join('\n'));
    const r = await cli('inspect', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2 certificates, 1 key in 1 document \(kubeconfig\)/);
    assert.match(r.out, /--- document 1 \(Config\) clusters\[0\]\.cluster\.certificate-authority-data\nCertificate:\n {4}Subject: CN=Inspect Test CA/);
    assert.match(r.out, /--- document 1 \(Config\) users\[0\]\.user\.client-certificate-data\nCertificate:\n {4}Subject: CN=alice/);
    assert.match(r.out, /users\[0\]\.user\.client-key-data: private key: EC P-256 \(256 bit\), PKCS#8, unencrypted; belongs to users\[0\]\.user\.client-certificate-data/);
  });

  test('a PEM bundle with several certificates and a key: positions as before, and which certificate the key belongs to', async () => {
    const f = write('bundle.pem', server.certPem + ca.certPem + server.keyPem);
    const r = await cli('inspect', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /bundle\.pem: 2 certificates\n--- certificate 1 of 2 \(leaf\)/);
    assert.match(r.out, /bundle\.pem: private key: EC P-256 \(256 bit\), PKCS#8, unencrypted; file mode 0\d{3}; belongs to certificate 1 of 2/);
    const wrong = write('wrong.pem', client.certPem + other.keyPem);
    assert.match((await cli('inspect', wrong)).out, /belongs to none of the certificates in this file/);
    const j = JSON.parse((await cli('inspect', f, '--format', 'json')).out) as { keys: { matchesCertificate: number }[] }[];
    assert.equal(j[0]!.keys[0]!.matchesCertificate, 1);
  });

  test('a single PEM certificate keeps its shape (no YAML reading of PEM files)', async () => {
    const r = await cli('inspect', write('server.crt', server.certPem));
    assert.match(r.out, /^.*server\.crt: 1 certificate\nCertificate:\n/);
  });
});

describe('scanContainers (pure)', () => {
  test('never throws on odd input, and is not fooled by PEM or plain text', () => {
    for (const s of ['', 'hello', '- a\n- b', '{', ': :', '---\n---\n', 'a: !!binary "%%%"', '&a [*a]', 'x: ' + '['.repeat(200)]) {
      assert.doesNotThrow(() => scanContainers(s));
    }
    assert.equal(scanContainers(server.certPem), undefined);
    assert.equal(scanContainers('hello'), undefined);
    const s = scanContainers(`kind: Secret\ndata:\n  tls.crt: ${b64(server.certPem)}\n`)!;
    assert.equal(s.entries[0]!.path, 'data.tls.crt');
    assert.deepEqual(s.entries[0]!.keySpan, [21, 28]); // `tls.crt` after "kind: Secret\ndata:\n  "
  });
});

describe('expiry lens wording (tlsFiles/expiry.ts)', () => {
  test('days are whole days, counted down to "today", and up again after expiry', () => {
    const at = new Date('2030-01-10T12:00:00Z');
    const c = { notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2030-01-12T00:00:00Z') };
    assert.equal(expiryTitle(c, at), 'expires in 1 day');
    assert.equal(expiryTitle(c, new Date('2030-01-11T12:00:00Z')), 'expires today');
    assert.equal(expiryTitle(c, new Date('2030-01-12T06:00:00Z')), 'expired today');
    assert.equal(expiryTitle(c, new Date('2030-01-14T06:00:00Z')), 'expired 2 days ago');
    assert.equal(expiryTitle(c, new Date('2029-12-31T00:00:00Z')), 'not yet valid (from 2030-01-01)');
    assert.equal(expiryTitle({ notBefore: new Date(NaN), notAfter: c.notAfter }, at), undefined);
  });
});
