/**
 * The certificate-content rules on Secret documents (modules/secretContent.ts) beyond their fixtures: the encodings a
 * value can come in (CRLF, `!!binary`, DER, base64 twice, null, wrong types), one diagnostic per mistake (the schema
 * owns base64 validity and types), the clock (injected, never the wall clock), bundles and chains, keys that never show
 * up in messages, related information across documents, and a file of 1000 Secrets. Certificates and keys are made by
 * the openssl CLI in a temporary folder at test time; nothing is committed.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { DEFAULT_SETTINGS, type Problem, type Settings, type SourceDocument } from '../../server/src/core/types';
import { entryKind, isCaEntryName, SECRET_CONTENT_RULES } from '../../server/src/languages/k8s/modules/secretContent';
import { describeProblem, testService } from '../helpers';

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
  assert.match(one(`stringData:\n  tls.crt: ${b64('srv.crt')}\n`), /`stringData` takes the PEM text itself/);
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

test('weak keys and signatures: RSA 1024, DSA, a 192-bit curve, SHA-1 and MD5 leaves; a SHA-1 self-signed root is fine', () => {
  make('rsa1024', { newkey: ['-newkey', 'rsa:1024'] });
  ossl('dsaparam', '-out', 'dsa.param', '2048');
  make('dsa', { newkey: ['-newkey', 'dsa:dsa.param'] });
  make('p192', { newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime192v1'] });
  make('sha1leaf', { issuer: 'root', md: 'sha1' });
  make('md5leaf', { issuer: 'rsa1024', md: 'md5', newkey: ['-newkey', 'rsa:2048'] });
  make('sha1root', { ca: true, md: 'sha1' });
  const cert = (f: string) => secret(`stringData:\n  tls.crt: |\n${indent(read(f))}\n`);
  assert.deepEqual(rules(cert('rsa1024.crt')), ['cert/weak-key']);
  assert.match(validate(cert('rsa1024.crt'))[0]!.message, /1024-bit RSA key/);
  assert.deepEqual(rules(cert('dsa.crt')), ['cert/weak-key']);
  assert.deepEqual(rules(cert('p192.crt')), ['cert/weak-key']);
  assert.deepEqual(rules(cert('sha1leaf.crt')), ['cert/weak-signature']);
  assert.deepEqual(rules(cert('md5leaf.crt')), ['cert/weak-signature']);
  assert.match(validate(cert('md5leaf.crt'))[0]!.message, /md5WithRSAEncryption/);
  assert.deepEqual(rules(secret(`stringData:\n  ca.crt: |\n${indent(read('sha1root.crt'))}\n`)), []);
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
  for (const r of Object.values(SECRET_CONTENT_RULES)) {
    assert.ok(registered.has(r.id), r.id);
    assert.match(r.id, /^(secret|cert)\/[a-z-]+$/);
  }
});
