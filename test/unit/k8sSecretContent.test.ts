/**
 * The certificate-content rules on Secret documents (check/secretContent.ts) beyond their fixtures: the encodings a
 * value can come in (CRLF, `!!binary`, DER, base64 twice, null, wrong types), one diagnostic per mistake (the schema
 * owns base64 validity and types), the clock (injected, never the wall clock), bundles and chains, keys that never show
 * up in messages, related information across documents, and a file of 1000 Secrets. Certificates and keys are made by
 * the openssl CLI in a temporary folder at test time (one with an inverted validity period, which that CLI does not
 * make, in memory with @peculiar/x509); nothing is committed.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { DEFAULT_SETTINGS, type Problem, type Settings, type SourceDocument } from '../../server/src/core/types';
import { entryKind, isCaEntryName } from '../../server/src/languages/k8s/check/secretContent';
import { SECRET } from '../../server/src/languages/k8s/rules';
import { CERT } from '../../server/src/x509';
import { describeProblem, testService } from '../helpers';
import { issue } from './pgpoolConfTlsKit';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-secret-content-'));
after(() => fs.rmSync(DIR, { recursive: true, force: true }));
const PATH = path.join(DIR, 'secrets.yaml');

const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: DIR, stdio: ['ignore', 'pipe', 'ignore'] });
const read = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');
const bytes = (f: string) => fs.readFileSync(path.join(DIR, f));
const b64 = (f: string) => bytes(f).toString('base64');

/** A certificate `name.crt` + `name.key`; self-signed or issued by `issuer`; extra `openssl x509` arguments. */
function make(name: string, opts: { issuer?: string; ca?: boolean; days?: number; newkey?: string[]; md?: string } = {}): void {
  const ext = path.join(DIR, `${name}.ext`);
  fs.writeFileSync(ext, opts.ca ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n' : 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n');
  ossl('req', '-new', ...(opts.newkey ?? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  const sign = opts.issuer ? ['-CA', `${opts.issuer}.crt`, '-CAkey', `${opts.issuer}.key`, '-CAcreateserial'] : ['-signkey', `${name}.key`];
  ossl('x509', '-req', '-in', `${name}.csr`, ...sign, '-out', `${name}.crt`, '-days', String(opts.days ?? 365), `-${opts.md ?? 'sha256'}`, '-extfile', ext);
}

make('root', { ca: true, days: 3650 });
make('other', { ca: true });
make('srv', { issuer: 'root' });
make('stranger');
fs.writeFileSync(path.join(DIR, 'bundle.crt'), read('other.crt') + read('root.crt'));
ossl('x509', '-in', 'srv.crt', '-outform', 'der', '-out', 'srv.der');
ossl('pkey', '-in', 'srv.key', '-outform', 'der', '-out', 'srv.key.der');
ossl('ec', '-in', 'srv.key', '-aes128', '-passout', 'pass:secret', '-out', 'srv.enc.key');

const service = testService();
const docOf = (text: string): SourceDocument => ({ path: PATH, text, languageId: 'yaml', version: 1 });
function validate(text: string, settings: Partial<Settings> = {}, svc = service): Problem[] {
  const d = docOf(text);
  return svc.validate(d, svc.parse(d), { ...DEFAULT_SETTINGS, ...settings });
}
const rules = (text: string, settings: Partial<Settings> = {}, svc = service) => validate(text, settings, svc).map(p => p.rule).sort();
const at = (when: string) => testService({ now: () => new Date(when) });

const indent = (pem: string, n = 4) => pem.trimEnd().split(/\r?\n/).map(l => `${' '.repeat(n)}${l}`).join('\n');
const secret = (body: string, name = 'pg-tls', extra = '') => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${extra}type: Opaque\n${body}`;
const pair = (crt: string, key: string) => secret(`stringData:\n  tls.crt: |\n${indent(crt)}\n  tls.key: |\n${indent(key)}\n`);

test('entry names: certificates, keys, PEM files and CA entries', () => {
  assert.equal(entryKind('tls.crt'), 'cert');
  assert.equal(entryKind('Client.CERT'), 'cert');
  assert.equal(entryKind('root.key'), 'key');
  assert.equal(entryKind('bundle.pem'), 'pem');
  assert.equal(entryKind('password'), undefined);
  assert.equal(entryKind('.dockerconfigjson'), undefined);
  for (const k of ['ca.crt', 'root.crt', 'ca-bundle.pem', 'root-ca.crt', 'tls-ca.crt', 'cacert.pem']) assert.ok(isCaEntryName(k), k);
  for (const k of ['tls.crt', 'cable.crt', 'server.crt', 'scary.pem']) assert.ok(!isCaEntryName(k), k);
});

test('a matching pair chained to its CA is clean, in stringData, in data and with CRLF line ends', () => {
  assert.deepEqual(rules(pair(read('srv.crt'), read('srv.key'))), []);
  const crlf = (s: string) => s.replace(/\n/g, '\r\n');
  assert.deepEqual(rules(secret(`data:\n  tls.crt: ${Buffer.from(crlf(read('srv.crt'))).toString('base64')}\n  tls.key: ${b64('srv.key')}\n  ca.crt: ${b64('root.crt')}\n`)), []);
  assert.deepEqual(rules(crlf(pair(read('srv.crt'), read('srv.key')))), []);
  // A CA bundle whose second certificate issued the leaf.
  assert.deepEqual(rules(secret(`stringData:\n  tls.crt: |\n${indent(read('srv.crt'))}\n  ca.crt: |\n${indent(read('bundle.crt'))}\n`)), []);
});

test('CRLF in a block scalar: the span is the BEGIN line without its CR', () => {
  const text = pair(read('srv.crt'), read('stranger.key')).replace(/\n/g, '\r\n');
  const ps = validate(text);
  assert.deepEqual(ps.map(p => p.rule), ['cert/key-mismatch']);
  assert.equal(text.slice(ps[0]!.span[0], ps[0]!.span[1]), '-----BEGIN PRIVATE KEY-----');
});

test('a bundle: the expired certificate among several is the one underlined', () => {
  const svc = at('2200-01-01T00:00:00Z'); // every certificate has expired by then; the root (3650 days) too
  const text = secret(`stringData:\n  ca.crt: |\n${indent(read('bundle.crt'))}\n`);
  const ps = validate(text, {}, svc);
  assert.deepEqual(ps.map(p => p.rule), ['cert/expired', 'cert/expired']);
  const lines = ps.map(p => describeProblem(text, p));
  assert.notEqual(lines[0]!.split(':')[0], lines[1]!.split(':')[0], 'each certificate of the bundle on its own BEGIN line');
  assert.match(ps[0]!.message, /certificate 1 of 2/);
  assert.match(ps[1]!.message, /certificate 2 of 2/);
});

test('the clock decides: not yet valid, valid, expiring (with the days left and the setting), expired', () => {
  const text = pair(read('stranger.crt'), read('stranger.key'));
  const c = new X509Certificate(read('stranger.crt'));
  const from = new Date(c.validFrom).getTime(), to = new Date(c.validTo).getTime();
  const DAY = 86_400_000;
  assert.deepEqual(rules(text, {}, at(new Date(from - DAY).toISOString())), ['cert/not-yet-valid']);
  assert.deepEqual(rules(text, {}, at(new Date(from + DAY).toISOString())), []);
  const tenDaysLeft = at(new Date(to - 10 * DAY - 3_600_000).toISOString());
  const ps = validate(text, {}, tenDaysLeft);
  assert.deepEqual(ps.map(p => [p.rule, p.severity]), [['cert/expiring', 'warning']]);
  assert.match(ps[0]!.message, /in 10 days; pgtls\.expiryWarningDays is 30/);
  assert.match(ps[0]!.message, new RegExp(new Date(to).toISOString().slice(0, 10)));
  assert.deepEqual(rules(text, { expiryWarningDays: 5 }, tenDaysLeft), []);
  assert.deepEqual(rules(text, { expiryWarningDays: 0 }, tenDaysLeft), [], 'a zero setting turns the warning off');
  assert.deepEqual(rules(text, { expiryWarningDays: Number.NaN }, tenDaysLeft), []);
  assert.deepEqual(rules(text, {}, at(new Date(to + DAY).toISOString())), ['cert/expired']);
  // cert-manager renews the Secrets it manages: no expiring warning, but expired is still expired.
  const managed = text.replace('type: Opaque', 'type: Opaque\n').replace('  name: pg-tls\n', '  name: pg-tls\n  annotations: { cert-manager.io/certificate-name: pg-tls }\n');
  assert.deepEqual(rules(managed, {}, tenDaysLeft), []);
  assert.deepEqual(rules(managed, {}, at(new Date(to + DAY).toISOString())), ['cert/expired']);
});

test('one diagnostic per mistake: invalid base64 and wrong types are the schema\'s, null is an empty value', () => {
  assert.deepEqual(rules(secret('data:\n  tls.crt: <value>\n')), ['schema/pattern']);
  assert.deepEqual(rules(secret('stringData:\n  tls.crt: 5\n')), ['schema/wrong-type']);
  assert.deepEqual(rules(secret('stringData:\n  tls.crt: { a: 1 }\n')), ['schema/wrong-type']);
  assert.deepEqual(rules(secret('stringData:\n  tls.crt: [a]\n')), ['schema/wrong-type']);
  assert.deepEqual(rules(secret('data:\n  tls.crt:\n  tls.key: ~\n')), ['secret/not-pem', 'secret/not-pem']);
  // A password is not a certificate: only its base64 matters.
  assert.deepEqual(rules(secret('data:\n  password: aHVudGVyMg==\nstringData:\n  username: x\n')), []);
});

test('wrong shapes anywhere never crash and give no content findings', () => {
  const shapes = [
    'data: "tls.crt"\n', 'data: [1, 2]\n', 'data: null\n', 'stringData: 5\n', 'data: {}\n', 'data:\n  ? [a, b]\n  : c\n',
    'data:\n  tls.crt: &a LS0t\n  ca.crt: *a\n', 'data:\n  <<: { tls.crt: eA== }\n',
  ];
  for (const s of shapes) {
    const ps = validate(secret(s));
    assert.ok(ps.every(p => !p.rule.startsWith('cert/') && p.rule !== 'pgtls/internal-error'), `${s}: ${ps.map(p => p.rule).join()}`);
  }
  for (const doc of ['apiVersion: v1\nkind: Secret\nmetadata: 5\ntype: [x]\ndata: { tls.crt: "" }\n', 'apiVersion: v1\nkind: Secret\n', 'apiVersion: v1\nkind: Secret\nstringData: { tls.crt: "-----BEGIN CERTIFICATE-----\\n-----END CERTIFICATE-----\\n" }\n']) {
    assert.ok(validate(doc).every(p => p.rule !== 'pgtls/internal-error'), doc);
  }
});

test('Secret types that never hold TLS material are skipped', () => {
  for (const type of ['kubernetes.io/dockerconfigjson', 'kubernetes.io/service-account-token', 'bootstrap.kubernetes.io/token']) {
    const text = secret('stringData:\n  ca.crt: not a certificate\n').replace('type: Opaque', `type: ${type}`);
    assert.deepEqual(validate(text).filter(p => p.rule.startsWith('secret/') || p.rule.startsWith('cert/')), [], type);
  }
  assert.deepEqual(rules(secret('stringData:\n  ca.crt: not a certificate\n').replace('type: Opaque', 'type: kubernetes.io/tls')).filter(r => r === 'secret/not-pem'), ['secret/not-pem']);
});

test('what a non-PEM value is: DER certificate, DER key, binary, base64 twice, base64 in stringData, swapped entries', () => {
  const one = (body: string) => {
    const ps = validate(secret(body)).filter(p => p.rule === 'secret/not-pem');
    assert.equal(ps.length, 1, body.slice(0, 60));
    return ps[0]!.message;
  };
  assert.match(one(`data:\n  tls.crt: ${b64('srv.der')}\n`), /DER \(binary\) certificate.*openssl x509 -inform der/);
  assert.match(one(`data:\n  tls.key: ${b64('srv.key.der')}\n`), /DER \(binary\) private key.*openssl pkey -inform der/);
  assert.match(one(`data:\n  tls.crt: ${Buffer.from([0, 1, 2, 3, 255, 254, 0, 9]).toString('base64')}\n`), /binary data/);
  assert.match(one(`data:\n  tls.crt: ${Buffer.from(b64('srv.crt')).toString('base64')}\n`), /base64-encoded twice/);
  assert.match(one(`stringData:\n  tls.crt: ${b64('srv.crt')}\n`), /"stringData" takes the PEM text itself/);
  assert.match(one(`stringData:\n  tls.crt: |\n${indent(read('srv.key'))}\n`), /"PRIVATE KEY".*swapped/);
  assert.match(one(`stringData:\n  tls.crt: ${read('srv.crt').replace(/\n/g, ' ')}\n`), /joined into one/);
  assert.match(one(`stringData:\n  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n"\n`), /incomplete/);
});

test('!!binary values are decoded by the parser and checked like data', () => {
  const text = secret(`data:\n  tls.crt: !!binary ${b64('srv.crt')}\n  tls.key: !!binary |\n    ${b64('stranger.key').replace(/(.{60})/g, '$1\n    ')}\n`);
  assert.deepEqual(rules(text), ['cert/key-mismatch']);
  assert.deepEqual(rules(secret(`data:\n  tls.crt: !!binary ${b64('srv.der')}\n`)), ['secret/not-pem']);
});

test('keys: encrypted (traditional PEM with DEK-Info), mismatched with related information, never quoted', () => {
  const enc = validate(pair(read('srv.crt'), read('srv.enc.key')));
  assert.deepEqual(enc.map(p => p.rule), ['cert/key-encrypted']);
  assert.match(enc[0]!.message, /AES-128-CBC/);
  // The mismatch in the second document of a file: related information points at tls.crt of that document.
  const first = secret('stringData:\n  password: x\n', 'first');
  const text = `${first}---\n${pair(read('srv.crt'), read('stranger.key'))}`;
  const ps = validate(text);
  assert.deepEqual(ps.map(p => p.rule), ['cert/key-mismatch']);
  const rel = ps[0]!.related!;
  assert.equal(rel.length, 1);
  assert.equal(rel[0]!.file, PATH);
  assert.equal(text.slice(rel[0]!.span[0], rel[0]!.span[1]), '-----BEGIN CERTIFICATE-----');
  assert.ok(rel[0]!.span[0] > first.length, 'the related span is file-relative');
  // The document moves (a line inserted above) and is reused with its memoised findings: spans follow it.
  const d1 = docOf(text);
  const p1 = service.parse(d1);
  service.validate(d1, p1, DEFAULT_SETTINGS);
  const shifted = `# a comment\n${text}`;
  const d2 = { ...docOf(shifted), version: 2 };
  const moved = service.validate(d2, service.parse(d2, p1), DEFAULT_SETTINGS);
  assert.equal(shifted.slice(moved[0]!.span[0], moved[0]!.span[1]), '-----BEGIN PRIVATE KEY-----');
  assert.equal(shifted.slice(moved[0]!.related![0]!.span[0], moved[0]!.related![0]!.span[1]), '-----BEGIN CERTIFICATE-----');
  const keyBody = read('stranger.key').split('\n')[1]!;
  for (const p of [...ps, ...enc]) assert.ok(!p.message.includes(keyBody), 'no key material in messages');
  // A key alone (no certificate of the same name) is not compared with anything.
  assert.deepEqual(rules(secret(`stringData:\n  other.key: |\n${indent(read('stranger.key'))}\n  tls.crt: |\n${indent(read('srv.crt'))}\n`)), []);
});

test('weak keys and signatures: RSA 1024, DSA 1024, a 192-bit curve, SHA-1 and MD5 leaves; DSA 2048 and a SHA-1 self-signed root are fine', () => {
  make('rsa1024', { newkey: ['-newkey', 'rsa:1024'] });
  ossl('dsaparam', '-out', 'dsa.param', '1024');
  make('dsa', { newkey: ['-newkey', 'dsa:dsa.param'] });
  ossl('dsaparam', '-out', 'dsa2048.param', '2048');
  make('dsa2048', { newkey: ['-newkey', 'dsa:dsa2048.param'] });
  make('p192', { newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime192v1'] });
  make('sha1leaf', { issuer: 'root', md: 'sha1' });
  make('md5leaf', { issuer: 'rsa1024', md: 'md5', newkey: ['-newkey', 'rsa:2048'] });
  make('sha1root', { ca: true, md: 'sha1' });
  const cert = (f: string) => secret(`stringData:\n  tls.crt: |\n${indent(read(f))}\n`);
  assert.deepEqual(rules(cert('rsa1024.crt')), ['cert/weak-key']);
  assert.match(validate(cert('rsa1024.crt'))[0]!.message, /1024-bit RSA key/);
  // The served certificate is checked as "ee", never as "ca" (even when self-signed).
  assert.match(validate(cert('rsa1024.crt'))[0]!.message, /"ee key too small"/);
  assert.match(validate(secret(`stringData:\n  ca.crt: |\n${indent(read('rsa1024.crt'))}\n`)).find(p => p.rule === 'cert/weak-key')!.message, /"ca key too small"/);
  assert.deepEqual(rules(cert('dsa.crt')), ['cert/weak-key']);
  assert.match(validate(cert('dsa.crt'))[0]!.message, /1024-bit DSA key/);
  // OpenSSL at security level 2 accepts DSA of 2048 bits (`openssl verify -auth_level 2`).
  assert.deepEqual(rules(cert('dsa2048.crt')), []);
  assert.deepEqual(rules(cert('p192.crt')), ['cert/weak-key']);
  assert.deepEqual(rules(cert('sha1leaf.crt')), ['cert/weak-signature']);
  assert.deepEqual(rules(cert('md5leaf.crt')), ['cert/weak-signature']);
  assert.match(validate(cert('md5leaf.crt'))[0]!.message, /md5WithRSAEncryption/);
  assert.deepEqual(rules(secret(`stringData:\n  ca.crt: |\n${indent(read('sha1root.crt'))}\n`)), []);
});

test('weak signatures by the strength table: a DSA CA\'s SHA-1 signature too', () => {
  if (!fs.existsSync(path.join(DIR, 'dsa2048.param'))) ossl('dsaparam', '-out', 'dsa2048.param', '2048');
  make('dsaca', { ca: true, newkey: ['-newkey', 'dsa:dsa2048.param'] });
  make('dsasha1', { issuer: 'dsaca', md: 'sha1' });
  const ps = validate(secret(`stringData:\n  tls.crt: |\n${indent(read('dsasha1.crt'))}\n`));
  assert.deepEqual(ps.map(p => p.rule), ['cert/weak-signature']);
  assert.match(ps[0]!.message, /signed with dsaWithSHA1/);
});

test('an inverted validity period is not yet valid before its start and expired after it, in OpenSSL\'s order', async () => {
  const c = await issue({ cn: 'inverted', notBefore: new Date('2026-06-10T00:00:00Z'), notAfter: new Date('2026-06-05T00:00:00Z') });
  const text = secret(`stringData:\n  tls.crt: |\n${indent(c.certPem)}\n`);
  // OpenSSL's check_cert_time tests notBefore first: between the two dates the certificate is not yet valid.
  assert.deepEqual(rules(text, {}, at('2026-06-07T00:00:00Z')), ['cert/not-yet-valid']);
  assert.deepEqual(rules(text, {}, at('2026-06-20T00:00:00Z')), ['cert/expired']);
});

test('chains: an intermediate in tls.crt leads to the root; a certificate of another CA does not', () => {
  make('inter', { issuer: 'root', ca: true });
  make('leaf2', { issuer: 'inter' });
  const withCa = (crt: string, ca: string) => secret(`stringData:\n  tls.crt: |\n${indent(crt)}\n  ca.crt: |\n${indent(ca)}\n`);
  assert.deepEqual(rules(withCa(read('leaf2.crt') + read('inter.crt'), read('root.crt'))), []);
  assert.deepEqual(rules(withCa(read('leaf2.crt'), read('inter.crt'))), [], 'the intermediate as the CA entry');
  assert.deepEqual(rules(withCa(read('leaf2.crt'), read('root.crt'))), ['cert/not-signed-by-ca'], 'the intermediate is missing');
  assert.deepEqual(rules(withCa(read('srv.crt'), read('other.crt'))), ['cert/not-signed-by-ca']);
  // Percona's root CA Secret: root.crt is the anchor, root.key its key; no leaf to chain.
  assert.deepEqual(rules(secret(`data:\n  root.crt: ${b64('root.crt')}\n  root.key: ${b64('root.key')}\n`)), []);
});

test('1000 Secrets in one file: each checked once, findings memoised while the text is unchanged', () => {
  const one = (i: number) => secret(`data:\n  tls.crt: ${b64('srv.crt')}\n  tls.key: ${b64('stranger.key')}\n  ca.crt: ${b64('root.crt')}\n`, `s${i}`);
  const text = Array.from({ length: 1000 }, (_, i) => one(i)).join('---\n');
  const d = docOf(text);
  const parsed = service.parse(d);
  const first = service.validate(d, parsed, DEFAULT_SETTINGS);
  assert.equal(first.length, 1000);
  assert.ok(first.every(p => p.rule === 'cert/key-mismatch'));
  assert.equal(new Set(first.map(p => p.span[0])).size, 1000, 'each Secret has its own span');
  const again = service.validate(d, parsed, DEFAULT_SETTINGS);
  assert.deepEqual(again, first);
});

test('every rule of the module is registered with a source and a fixture-backed id', () => {
  const registered = new Set(service.rules().map(r => r.id));
  for (const r of [SECRET['not-pem'], ...Object.values(CERT)]) {
    assert.ok(registered.has(r.id), r.id);
    assert.match(r.id, /^(secret|cert)\/[a-z-]+$/);
  }
});

/** Problems as `rule severity` (sorted), for the tests where the severity is the point. */
const graded = (text: string, svc = service) => validate(text, {}, svc).filter(p => /^(cert|secret)\//.test(p.rule)).map(p => `${p.rule} ${p.severity}`).sort();

test('Secrets of other applications with *.key/*.pem/*.cert entries are not read; TLS Secrets are, and foreign keys are named', () => {
  ossl('pkey', '-in', 'srv.key', '-pubout', '-out', 'pub.pem');
  const openssh = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n';
  const app = (type: string, name = 'app-keys') => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: ${type}\nstringData:\n  encryption.key: "s3cr3tPassphrase"\n  license.key: ABCD-EFGH\n  public.pem: |\n${indent(read('pub.pem'))}\n  ssh.key: |\n${indent(openssh)}\n  server.cert: not a certificate\n`;
  assert.deepEqual(rules(app('Opaque')), []);
  // The same entries in a kubernetes.io/tls Secret are read: each is reported, the foreign keys for what they are.
  const ps = validate(app('kubernetes.io/tls')).filter(p => p.rule !== 'schema/missing-field'); // no tls.crt
  assert.deepEqual(ps.map(p => p.rule), Array(5).fill('secret/not-pem'));
  const byKey = (k: string) => ps.find(p => p.message.startsWith(`stringData.${k}:`) || p.message.startsWith(`"stringData.${k}"`))!.message;
  assert.match(byKey('ssh.key'), /an OpenSSH key \(OPENSSH PRIVATE KEY\), not a PEM private key PostgreSQL can load/);
  assert.match(byKey('public.pem'), /a public key \(PUBLIC KEY\)/);
  for (const p of ps) assert.doesNotMatch(p.message, /damaged|truncated/);
  // Referenced as a TLS Secret by a resource of the workspace (here the same file): read.
  const cpo = `apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata:\n  name: acid\nspec:\n  teamId: acid\n  numberOfInstances: 1\n  postgresql: { version: "17" }\n  volume: { size: 1Gi }\n  tls: { secretName: app-keys, certificateFile: server.cert }\n`;
  assert.ok(rules(`${app('Opaque')}---\n${cpo}`).includes('secret/not-pem'));
  // A pull-secret reference is no evidence.
  const pull = `apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata:\n  name: c1\nspec:\n  imagePullSecrets: [{ name: app-keys }]\n`;
  assert.ok(!rules(`${app('Opaque')}---\n${pull}`).includes('secret/not-pem'));
});

test('an empty kubernetes.io/tls Secret is a placeholder when a cert-manager Certificate of the workspace targets it', () => {
  const empty = (ns: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-tls\n  namespace: ${ns}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ""\n  tls.key: ""\n`;
  const certificate = (ns?: string) => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: app\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  secretName: app-tls\n  dnsNames: [app.demo.svc]\n  issuerRef: { name: ca, kind: ClusterIssuer }\n`;
  assert.deepEqual(rules(empty('demo')), ['secret/not-pem', 'secret/not-pem']);
  assert.deepEqual(rules(`${empty('demo')}---\n${certificate('demo')}`), []);
  assert.deepEqual(rules(`${empty('demo')}---\n${certificate()}`), [], 'a Certificate without a namespace');
  assert.deepEqual(rules(`${empty('demo')}---\n${certificate('other')}`), ['secret/not-pem', 'secret/not-pem'], 'another namespace');
});

test('not-signed-by-ca: an error where ca.crt anchors the server certificate, info where it may be the client CA', () => {
  const s = (extra = '', type = 'Opaque') => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: pg-tls\n  namespace: db\n${extra}type: ${type}\nstringData:\n  tls.crt: |\n${indent(read('srv.crt'))}\n  ca.crt: |\n${indent(read('other.crt'))}\n`;
  assert.deepEqual(graded(s()), ['cert/not-signed-by-ca info'], 'unreferenced');
  const info = validate(s()).find(p => p.rule === 'cert/not-signed-by-ca')!;
  assert.match(info.message, /ssl_ca_file/);
  const cpo = `apiVersion: cpo.opensource.cybertec.at/v1\nkind: postgresql\nmetadata:\n  name: acid\n  namespace: db\nspec:\n  tls: { secretName: pg-tls, caFile: ca.crt }\n`;
  assert.ok(graded(`${s()}---\n${cpo}`).includes('cert/not-signed-by-ca info'), 'CPO caFile');
  assert.deepEqual(graded(s('  annotations: { cert-manager.io/certificate-name: pg }\n', 'kubernetes.io/tls')), ['cert/not-signed-by-ca error'], 'written by cert-manager');
  const percona = `apiVersion: pgv2.percona.com/v2\nkind: PerconaPGCluster\nmetadata:\n  name: c1\n  namespace: db\nspec:\n  secrets:\n    customTLSSecret: { name: pg-tls }\n`;
  assert.ok(graded(`${s()}---\n${percona}`).includes('cert/not-signed-by-ca error'), 'Percona customTLSSecret');
  // Issue 10, the upstreams: PGO's projections anchor as Percona's do; Zalando's caFile is CPO's (the client CA).
  const pgo = `apiVersion: postgres-operator.crunchydata.com/v1beta1\nkind: PostgresCluster\nmetadata:\n  name: c1\n  namespace: db\nspec:\n  customTLSSecret: { name: pg-tls }\n`;
  assert.ok(graded(`${s()}---\n${pgo}`).includes('cert/not-signed-by-ca error'), 'PGO customTLSSecret');
  assert.ok(graded(`${s()}---\n${cpo.replace('cpo.opensource.cybertec.at/v1', 'acid.zalan.do/v1')}`).includes('cert/not-signed-by-ca info'), 'Zalando caFile');
  const issuer = `apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  name: ca\n  namespace: db\nspec:\n  ca: { secretName: pg-tls }\n`;
  assert.ok(graded(`${s()}---\n${issuer}`).includes('cert/not-signed-by-ca error'), 'a CA Issuer\'s Secret');
});

test('a CA bundle: only the anchors the Secret\'s certificates chain to are errors when expired, unless all expired; an unused extra is info', () => {
  make('longleaf', { issuer: 'root', days: 3000 });
  make('otherleaf', { issuer: 'other', days: 3000 });
  // bundle.crt = other (1 year) + root (10 years); two years on, `other` has expired.
  const later = at(new Date(Date.now() + 2 * 365 * 86_400_000).toISOString());
  const muchLater = at(new Date(Date.now() + 11 * 365 * 86_400_000).toISOString());
  const withBundle = (leaf?: string) => secret(`stringData:\n${leaf ? `  tls.crt: |\n${indent(read(leaf))}\n` : ''}  ca.crt: |\n${indent(read('bundle.crt'))}\n`);
  // The expired CA issued nothing the Secret holds: at most info (it may still be the CA of other certificates).
  const graded = (ps: readonly Problem[]) => ps.map(p => `${p.rule} ${p.severity}`).sort();
  assert.deepEqual(graded(validate(withBundle('longleaf.crt'), {}, later)), ['cert/expired info'], 'the expired CA issued nothing here');
  const ps = validate(withBundle('otherleaf.crt'), {}, later);
  assert.deepEqual(graded(ps), ['cert/expired error']);
  assert.match(ps[0]!.message, /CN=other/);
  assert.deepEqual(graded(validate(withBundle(), {}, later)), ['cert/expired info'], 'a bundle alone, one CA still valid');
  assert.deepEqual(rules(withBundle(), {}, muchLater), ['cert/expired', 'cert/expired'], 'every CA of the bundle expired');
  // A single CA keeps today's behaviour.
  assert.deepEqual(rules(secret(`stringData:\n  ca.crt: |\n${indent(read('other.crt'))}\n`), {}, later), ['cert/expired']);
});

test('expiring: not reported for a Secret a cert-manager Certificate of the workspace renews', () => {
  const soon = at(new Date(Date.now() + 360 * 86_400_000).toISOString());
  const tlsSecret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-tls\n  namespace: demo\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${indent(read('srv.crt'))}\n  tls.key: |\n${indent(read('srv.key'))}\n`;
  const certificate = `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: app\n  namespace: demo\nspec:\n  secretName: app-tls\n  dnsNames: [app.demo.svc]\n  issuerRef: { name: ca, kind: ClusterIssuer }\n`;
  assert.deepEqual(rules(tlsSecret, {}, soon), ['cert/expiring']);
  assert.deepEqual(rules(`${tlsSecret}---\n${certificate}`, {}, soon), []);
});

test('secret/too-large: the values over 1 MiB as the API server counts them (data decoded, line breaks skipped, stringData merged over data)', () => {
  const MiB = 1024 * 1024;
  const b64 = (n: number, wrap = false) => {
    const t = Buffer.alloc(n, 7).toString('base64');
    return wrap ? t.replace(/.{76}/g, '$&\n') : t;
  };
  const sized = (body: string) => rules(secret(body)).filter(r => r === 'secret/too-large').length;
  assert.equal(sized(`data:\n  a: ${b64(MiB)}\n`), 0, 'exactly 1 MiB is allowed');
  assert.equal(sized(`data:\n  a: ${b64(MiB + 1)}\n`), 1, 'one byte more is not');
  assert.equal(sized(`data:\n  a: ${b64(MiB - 10)}\n  b: ${b64(11)}\n`), 1, 'the values add up');
  assert.equal(sized(`data:\n  a: |\n    ${b64(MiB, true).replace(/\n/g, '\n    ')}\n`), 0, 'line breaks in base64 are not bytes');
  // stringData replaces a data value of the same key: the small stringData value counts, not the big data one.
  assert.equal(sized(`data:\n  a: ${b64(MiB + 100)}\nstringData:\n  a: small\n`), 0);
  assert.equal(sized(`stringData:\n  a: "${'é'.repeat(MiB / 2)}x"\n`), 1, 'stringData counts UTF-8 bytes');
  const p = validate(secret(`data:\n  a: ${b64(MiB + 1)}\n`)).find(x => x.rule === 'secret/too-large')!;
  assert.equal(p.severity, SECRET['too-large'].severity);
  assert.match(p.message, /total 1,048,577 bytes, 1 byte over .* refuses it/);
});
