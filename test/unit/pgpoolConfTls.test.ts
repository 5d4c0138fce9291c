/**
 * The pgpool.conf TLS rules on hand-built parsed files (independent of the parser) with an in-memory environment,
 * plus a few runs through the real service and parser.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { check, testService } from '../helpers';
import { TLS_RULES } from '../../server/src/languages/pgpoolConf/rules';
import {
  type Issued, type MemFile, NOW, conf, encryptedPem, issue, memEnv, rulesOf, runTls, traditionalPem,
} from './pgpoolConfTlsKit';

const DIR = '/etc/pgpool-II';
const CONF = `${DIR}/pgpool.conf`;
const BASE: [string, string][] = [['ssl', 'on'], ['ssl_cert', 'server.crt'], ['ssl_key', 'server.key']];

interface World { ca: Issued; server: Issued; files: Record<string, MemFile> }

async function world(kind: Issued['kind'] = 'ec256'): Promise<World> {
  const ca = await issue({ cn: 'test-ca', ca: true });
  const server = await issue({ cn: 'localhost', kind, issuer: ca });
  return {
    ca, server,
    files: {
      [`${DIR}/server.crt`]: { text: server.certPem, mode: 0o644 },
      [`${DIR}/server.key`]: { text: server.keyPem, mode: 0o600 },
      [`${DIR}/root.crt`]: { text: ca.certPem, mode: 0o644 },
    },
  };
}

const run = (lines: [string, string][], files: Record<string, MemFile> = {}, opts: Parameters<typeof memEnv>[1] = {}, settings = {}) =>
  runTls(conf(CONF, lines), memEnv(files, opts), settings);

test('every TLS rule is registered with an ssl- id, a source and a one-line description', () => {
  const ids = new Set(testService().rules().map(r => r.id));
  for (const r of TLS_RULES) {
    assert.match(r.id, /^pgpool-conf\/ssl-[a-z0-9-]+$/);
    assert.ok(ids.has(r.id), r.id);
    assert.match(r.source, /Pgpool-II src\/utils\/pool_ssl\.c/);
    assert.ok(!r.description.includes('\n'));
  }
  assert.equal(TLS_RULES.find(r => r.id.endsWith('dh-params-unused'))?.severity, 'hint');
});

test('nothing is checked unless ssl is effectively on', () => {
  assert.deepEqual(run([['ssl_cert', ''], ['ssl_ciphers', 'NOTACIPHER']]), []);
  assert.deepEqual(run([['ssl', 'off'], ['ssl_ciphers', 'NOTACIPHER']]), []);
  assert.deepEqual(run([['ssl', 'on'], ['ssl', 'of'], ['ssl_ciphers', 'NOTACIPHER']]), [], 'the last assignment wins; "of" is a prefix of off');
});

test('an invalid boolean counts as on; a missing certificate and key are reported on the ssl line', () => {
  const r = run([['ssl', 'maybe']]);
  assert.deepEqual(rulesOf(r), ['ssl-cert-required', 'ssl-key-required']);
  assert.equal(r[0]!.text, "ssl = 'maybe'");
  assert.match(r[0]!.message, /only logs a WARNING at start and then turns SSL off for every client/);
  const empty = run([['ssl', 'on'], ['ssl_cert', ''], ['ssl_key', '']], {}, {}, { checkFiles: false });
  assert.deepEqual(empty.map(f => [f.rule.slice(16), f.text]), [['cert-required', "''"], ['key-required', "''"]]);
});

test('file checks resolve relative paths against pgpool.conf\'s folder and only run with checkFiles', async () => {
  const w = await world();
  assert.deepEqual(run(BASE, w.files), []);
  assert.deepEqual(run([...BASE, ['ssl_ca_cert', '/elsewhere/root.crt']], {}, {}, { checkFiles: false }), []);
  const r = run([['ssl', 'on'], ['ssl_cert', 'missing.crt'], ['ssl_key', 'keys'], ['ssl_ca_cert', '/abs/root.crt'], ['ssl_crl_file', 'sub/../root.crl']],
    { ...w.files, [`${DIR}/keys`]: { text: '', dir: true } });
  // issue 8: an absolute path outside the workspace that does not exist here is a path where Pgpool-II runs: a note.
  assert.deepEqual(rulesOf(r), ['pgtls/path-not-checked', 'ssl-file-missing', 'ssl-file-missing', 'ssl-file-missing']);
  assert.equal(r.find(f => f.rule === 'pgtls/path-not-checked')?.text, "'/abs/root.crt'");
  const inWorkspace = runTls(conf(CONF, [['ssl', 'on'], ['ssl_cert', 'server.crt'], ['ssl_key', 'server.key'], ['ssl_ca_cert', '/abs/root.crt']]),
    { ...memEnv(w.files), roots: () => ['/abs'] });
  assert.deepEqual(rulesOf(inWorkspace), ['ssl-file-missing'], 'inside a workspace folder, a missing absolute path stays an error');
  assert.match(r[0]!.message, /`missing\.crt` does not exist/);
  assert.match(r[0]!.message, /could not load server certificate file/);
  assert.match(r[1]!.message, /`keys` is not a regular file/);
  assert.match(r[2]!.message, /`\/abs\/root\.crt` is outside the workspace and does not exist on this machine, so pgtls cannot check it.*pgtls\.pathMappings.*--path-map \/abs=/);
  assert.match(inWorkspace[0]!.message, /`\/abs\/root\.crt` does not exist.*could not load root certificate file/);
  assert.match(r[3]!.message, /revocation list/);
});

test('certificate files that hold no certificate, and CRL files without a CRL', async () => {
  const w = await world();
  const files = { ...w.files, [`${DIR}/notes.txt`]: { text: 'see wiki' }, [`${DIR}/broken.crt`]: { text: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } };
  const r = run([['ssl', 'on'], ['ssl_cert', 'server.key'], ['ssl_key', 'server.key'], ['ssl_ca_cert', 'notes.txt'], ['ssl_crl_file', 'root.crt']], files);
  assert.deepEqual(rulesOf(r), ['ssl-cert-invalid', 'ssl-cert-invalid', 'ssl-cert-invalid']);
  assert.match(r[0]!.message, /holds only "PRIVATE KEY" block/);
  assert.match(r[1]!.message, /not PEM text/);
  assert.match(r[2]!.message, /certificates but no CRL/);
  const broken = run([['ssl', 'on'], ['ssl_cert', 'broken.crt'], ['ssl_key', 'server.key']], files);
  assert.deepEqual(rulesOf(broken), ['ssl-cert-invalid']);
  assert.match(broken[0]!.message, /CERTIFICATE block cannot be decoded/);
});

test('keys: not a key, encrypted with and without ssl_passphrase_command, mismatched, and every matching format', async () => {
  for (const kind of ['ec256', 'ec384', 'rsa', 'rsa-pss', 'ed25519'] as const) {
    const w = await world(kind);
    assert.deepEqual(run(BASE, w.files), [], `${kind} PKCS #8`);
    if (kind === 'rsa' || kind === 'ec256' || kind === 'ec384') {
      assert.deepEqual(run(BASE, { ...w.files, [`${DIR}/server.key`]: { text: traditionalPem(w.server.keyPem) } }), [], `${kind} traditional`);
    }
  }
  const w = await world();
  const other = await issue({ cn: 'other', kind: 'rsa' });
  const files = {
    ...w.files,
    [`${DIR}/enc.key`]: { text: encryptedPem(w.server.keyPem) },
    [`${DIR}/other.key`]: { text: other.keyPem },
    [`${DIR}/ca.key`]: { text: w.ca.keyPem },
  };
  const asKey = (k: string, extra: [string, string][] = []) => run([['ssl', 'on'], ['ssl_cert', 'server.crt'], ['ssl_key', k], ...extra], files);
  const notKey = asKey('server.crt');
  assert.deepEqual(rulesOf(notKey), ['ssl-key-invalid', 'ssl-key-permissions'], 'server.crt is 0644, so the permission rule fires too');
  assert.match(notKey.find(f => f.rule.endsWith('key-invalid'))!.message, /holds no private key \(it holds only "CERTIFICATE" block\)/);
  assert.deepEqual(rulesOf(asKey('enc.key')), ['ssl-key-encrypted']);
  assert.deepEqual(rulesOf(asKey('enc.key', [['ssl_passphrase_command', '']])), ['ssl-key-encrypted']);
  assert.deepEqual(asKey('enc.key', [['ssl_passphrase_command', 'cat /run/secret']]), []);
  for (const [k, logged] of [['other.key', /check of private key failed: no certificate assigned/], ['ca.key', /key values mismatch/]] as const) {
    const r = asKey(k);
    assert.deepEqual(rulesOf(r), ['cert/key-mismatch'], k);
    assert.match(r[0]!.message, logged);
  }
});

test('no message ever quotes key material', async () => {
  const w = await world('rsa');
  const files = { ...w.files, [`${DIR}/server.crt`]: { text: w.server.keyPem, mode: 0o644 }, [`${DIR}/server.key`]: { text: w.server.keyPem, mode: 0o666 } };
  const r = run([...BASE, ['ssl_ca_cert', 'server.key']], files);
  assert.ok(r.length >= 3);
  const body = w.server.keyPem.split('\n').filter(l => l && !l.startsWith('-----'));
  for (const f of r) for (const line of body) assert.ok(!f.message.includes(line.slice(0, 16)), f.message);
});

test('key permissions follow Pgpool-II\'s rule for the owner, root and an unknown euid', async () => {
  const w = await world();
  const cases: [mode: number, uid: number, euid: number | null, warns: boolean][] = [
    [0o600, 1000, 1000, false], [0o400, 1000, 1000, false], [0o640, 1000, 1000, true], [0o604, 1000, 1000, true],
    [0o640, 0, 1000, false], [0o660, 0, 1000, true], [0o650, 0, 1000, true], [0o644, 0, 1000, true],
    [0o640, 0, 0, true], [0o600, 0, 0, false],
    [0o644, 2000, 1000, false],
    [0o600, 0, null, false], [0o640, 0, null, true], [0o640, 1000, null, true],
  ];
  for (const [mode, uid, euid, warns] of cases) {
    const r = run(BASE, { ...w.files, [`${DIR}/server.key`]: { text: w.server.keyPem, mode, uid } }, { euid });
    assert.deepEqual(rulesOf(r), warns ? ['ssl-key-permissions'] : [], `mode ${mode.toString(8)} uid ${uid} euid ${euid}`);
    if (warns) assert.match(r[0]!.message, new RegExp(`mode 0${mode.toString(8)}.*still loads the key.*chmod 06[04]0 /etc/pgpool-II/server\\.key`));
  }
});

test('validity dates of the server and CA certificates', async () => {
  const ca = await issue({ cn: 'ca', ca: true, notBefore: new Date('2019-01-01') });
  const old = await issue({ cn: 'old', issuer: ca, notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
  const future = await issue({ cn: 'future', issuer: ca, notBefore: new Date('2099-01-01'), notAfter: new Date('2100-01-01') });
  const oldCa = await issue({ cn: 'old-ca', ca: true, notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
  const files = (s: Issued, caPem = ca.certPem) => ({ [`${DIR}/server.crt`]: { text: s.certPem }, [`${DIR}/server.key`]: { text: s.keyPem }, [`${DIR}/root.crt`]: { text: caPem } });
  const r1 = run([...BASE, ['ssl_ca_cert', 'root.crt']], files(old));
  assert.deepEqual(rulesOf(r1), ['cert/expired']);
  assert.match(r1[0]!.message, /expired on 2021-01-01.*verify-ca or verify-full/);
  const r2 = run(BASE, files(future));
  assert.match(r2[0]!.message, /not valid before 2099-01-01/);
  const fresh = await issue({ cn: 'fresh', issuer: ca });
  const r3 = run([...BASE, ['ssl_ca_cert', 'root.crt']], files(fresh, ca.certPem + oldCa.certPem));
  assert.deepEqual(rulesOf(r3), ['cert/expired']);
  assert.match(r3[0]!.message, /CA certificate "CN=old-ca".*expired/);
  assert.deepEqual(run([...BASE, ['ssl_ca_cert', 'root.crt']], files(old), { now: new Date('2020-06-01') }), [], 'the clock comes from env.now()');
  assert.ok(NOW > new Date('2026-01-01'));
});

test('ssl_ca_cert: not a CA, and a server certificate from another CA', async () => {
  const w = await world();
  const otherCa = await issue({ cn: 'client-ca', ca: true });
  const inter = await issue({ cn: 'intermediate', kind: 'ec384', ca: true, issuer: w.ca });
  const leaf = await issue({ cn: 'chained', kind: 'rsa', issuer: inter });
  const files = {
    ...w.files,
    [`${DIR}/client-ca.crt`]: { text: otherCa.certPem },
    [`${DIR}/chain.crt`]: { text: leaf.certPem + inter.certPem },
    [`${DIR}/chain.key`]: { text: leaf.keyPem },
    [`${DIR}/bundle.crt`]: { text: w.server.certPem + w.ca.certPem },
  };
  assert.deepEqual(rulesOf(run([...BASE, ['ssl_ca_cert', 'server.crt']], files)), ['cert/ca-flags']);
  assert.deepEqual(run([...BASE, ['ssl_ca_cert', 'bundle.crt']], files), [], 'one CA in the bundle is enough');
  const r = run([...BASE, ['ssl_ca_cert', 'client-ca.crt']], files);
  assert.deepEqual(rulesOf(r), ['cert/not-signed-by-ca']);
  assert.equal(r[0]!.severity, 'info', 'info: ssl_cert need not come from the CA of client certificates');
  assert.deepEqual(run([['ssl', 'on'], ['ssl_cert', 'chain.crt'], ['ssl_key', 'chain.key'], ['ssl_ca_cert', 'root.crt']], files), [], 'through the intermediate in the chain file');
  assert.deepEqual(rulesOf(run([['ssl', 'on'], ['ssl_cert', 'chain.crt'], ['ssl_key', 'chain.key'], ['ssl_ca_cert', 'client-ca.crt']], files)), ['cert/not-signed-by-ca']);
});

test('ssl_ecdh_curve', () => {
  const r = (v: string) => run([...BASE, ['ssl_ecdh_curve', v]], {}, {}, { checkFiles: false });
  assert.deepEqual(r('prime256v1'), []);
  assert.match(r('P-256')[0]!.message, /ECDH: unrecognized curve name.*write `prime256v1`/);
  assert.match(r('X25519')[0]!.message, /ECDH: could not create key/);
  assert.match(r('')[0]!.message, /an empty name/);
  const ignored = r('secp112r1');
  assert.equal(ignored[0]!.severity, 'warning');
  assert.match(ignored[0]!.message, /keeps OpenSSL's default groups/);
});

test('ssl_ciphers: rejected, ignored words, weak suites, suites the key cannot use', async () => {
  const r = (v: string, files: Record<string, MemFile> = {}, checkFiles = false) => run([...BASE, ['ssl_ciphers', v]], files, {}, { checkFiles });
  assert.deepEqual(r('HIGH:!aNULL'), []);
  const none = r('NOTACIPHER');
  assert.deepEqual(rulesOf(none), ['ssl-ciphers-rejected']);
  assert.match(none[0]!.message, /OpenSSL ignored `NOTACIPHER`.*without logging anything/);
  const bad = r('HIGH:!aNULL_MD5');
  assert.equal(bad[0]!.text, '_', 'points at the character');
  assert.equal(r('HIGH:@SECLEVEL=6')[0]!.text, '@SECLEVEL=6');
  assert.match(r('TLS_AES_128_GCM_SHA256')[0]!.message, /TLS 1\.3 suites cannot be chosen/);

  const typo = r('HIGH:ECDHE-RSA-AES256-GCM-SHA348:!RC4');
  assert.deepEqual(typo.map(f => [f.rule.slice(16), f.text]), [['ciphers-unknown', 'ECDHE-RSA-AES256-GCM-SHA348']]);
  assert.match(typo[0]!.message, /did you mean `ECDHE-RSA-AES256-GCM-SHA384`\?/);

  const weak = r('HIGH:MEDIUM:+3DES:!aNULL');
  assert.deepEqual(rulesOf(weak), ['ssl-ciphers-weak']);
  assert.match(weak[0]!.message, /3DES.*OpenSSL 1\.1\.1.*add `:!3DES`/);
  assert.deepEqual(r('HIGH:MEDIUM:+3DES:!aNULL:!3DES'), []);
  assert.match(r('ALL:eNULL:@SECLEVEL=0')[0]!.message, /no encryption.*at security level 0/);

  assert.match(r('aNULL')[0]!.message, /none of its 13 TLS 1\.2 suites can be used.*TLS 1\.3 clients still can/);
  assert.deepEqual(rulesOf(r('PSK')), ['ssl-ciphers-unusable']);
  const w = await world('ec256');
  const rsaOnly = r('ECDHE-RSA-AES128-GCM-SHA256', w.files, true);
  assert.deepEqual(rulesOf(rsaOnly), ['ssl-ciphers-unusable']);
  assert.match(rsaOnly[0]!.message, /with this EC server key/);
  assert.deepEqual(r('ECDHE-ECDSA-AES128-GCM-SHA256', w.files, true), []);
});

test('ssl_dh_params_file and ssl_ca_cert_dir', () => {
  const r = (lines: [string, string][]) => run([...BASE, ...lines], {}, {}, { checkFiles: false });
  const dh = r([['ssl_dh_params_file', 'dh.pem']]);
  assert.deepEqual(dh.map(f => [f.rule.slice(16), f.tags]), [['dh-params-unused', ['unnecessary']]]);
  assert.deepEqual(r([['ssl_dh_params_file', '']]), []);
  assert.deepEqual(rulesOf(r([['ssl_ca_cert_dir', '/etc/ssl/certs']])), ['ssl-ca-cert-dir-without-ca-cert']);
  assert.deepEqual(r([['ssl_ca_cert', 'root.crt'], ['ssl_ca_cert_dir', '/etc/ssl/certs']]), []);
  const rel = r([['ssl_ca_cert', 'root.crt'], ['ssl_ca_cert_dir', 'certs']]);
  assert.deepEqual(rulesOf(rel), ['ssl-ca-cert-dir-relative']);
  assert.match(rel[0]!.message, /`\/certs`/);
});

test('settings from included files count, and are reported at the include', () => {
  const inc = conf(`${DIR}/tls.conf`, [['ssl_cert', '/etc/pgpool-II/server.crt'], ['ssl_key', '/etc/pgpool-II/server.key'], ['ssl_ciphers', 'NOPE']]);
  const main = conf(CONF, [['ssl', 'on'], ['include', 'tls.conf']]);
  const r = runTls(main, memEnv({}), { checkFiles: false }, { [`${DIR}/tls.conf`]: inc });
  assert.deepEqual(r.map(f => [f.rule.slice(16), f.text]), [['ciphers-rejected', "'tls.conf'"]]);
  assert.match(r[0]!.message, /`ssl_ciphers` \(set in `\/etc\/pgpool-II\/tls\.conf`\)/);
  const after = conf(CONF, [['include', 'tls.conf'], ['ssl', 'on'], ['ssl_ciphers', 'HIGH']]);
  assert.deepEqual(runTls(after, memEnv({}), { checkFiles: false }, { [`${DIR}/tls.conf`]: inc }), [], 'a later assignment wins over the include');
});

test('through the real service and parser', () => {
  // The paths are inside the workspace folder, so a missing file is an error (issue 8: outside it, only a note).
  const svc = testService({ roots: () => ['/nonexistent/pgtls'] });
  const text = "ssl = on\nssl_cert = '/nonexistent/pgtls/server.crt'\nssl_key = '/nonexistent/pgtls/server.key'\nssl_ciphers = 'HIGH:!aNULL'\n";
  const unseen = check(testService(), '/nonexistent/pgtls/pgpool.conf', text).filter(p => p.rule.includes('/ssl-') || p.rule.startsWith('pgtls/'));
  assert.deepEqual(unseen.map(p => [p.rule, p.severity]), [['pgtls/path-not-checked', 'info'], ['pgtls/path-not-checked', 'info']]);
  const got = check(svc, '/nonexistent/pgtls/pgpool.conf', text).filter(p => p.rule.includes('/ssl-'));
  assert.deepEqual(got.map(p => [p.rule, p.severity]), [['pgpool-conf/ssl-file-missing', 'error'], ['pgpool-conf/ssl-file-missing', 'error']]);
  const off = check(svc, '/nonexistent/pgtls/pgpool.conf', text, { rules: { 'pgpool-conf/ssl-file-missing': 'off' } }).filter(p => p.rule.includes('/ssl-'));
  assert.deepEqual(off, []);
});

test('the served chain: an expired certificate after the leaf in ssl_cert is cert/expired as well', async () => {
  const root = await issue({ cn: 'root', ca: true, notBefore: new Date('2019-01-01') });
  const inter = await issue({ cn: 'old-inter', ca: true, issuer: root, notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
  const leaf = await issue({ cn: 'leaf', issuer: inter, notBefore: new Date('2020-01-01') });
  const files = {
    [`${DIR}/server.crt`]: { text: leaf.certPem + inter.certPem },
    [`${DIR}/server.key`]: { text: leaf.keyPem },
    [`${DIR}/root.crt`]: { text: root.certPem },
  };
  const r = run([...BASE, ['ssl_ca_cert', 'root.crt']], files);
  assert.deepEqual(r.map(f => [f.rule, f.severity]), [['cert/expired', undefined]], 'an error: the default severity');
  assert.match(r[0]!.message, /chain certificate "CN=old-inter" \(certificate 2 of 2 in `server\.crt`\) expired on 2021-01-01.*through it/);
  assert.deepEqual(run([...BASE, ['ssl_ca_cert', 'root.crt']], files, { now: new Date('2020-06-01') }), []);
});

test('key strength by OpenSSL security level 2: the served certificate, its chain and the client CAs', async () => {
  const weakCa = await issue({ cn: 'weak-ca', kind: 'rsa1024', ca: true });
  const weakLeaf = await issue({ cn: 'weak-leaf', kind: 'rsa1024' });
  const leaf = await issue({ cn: 'leaf', issuer: weakCa });
  const files = {
    [`${DIR}/weak.crt`]: { text: weakLeaf.certPem }, [`${DIR}/weak.key`]: { text: weakLeaf.keyPem },
    [`${DIR}/chain.crt`]: { text: leaf.certPem + weakCa.certPem }, [`${DIR}/leaf.crt`]: { text: leaf.certPem }, [`${DIR}/leaf.key`]: { text: leaf.keyPem },
    [`${DIR}/weak-ca.crt`]: { text: weakCa.certPem },
  };
  const served = run([['ssl', 'on'], ['ssl_cert', 'weak.crt'], ['ssl_key', 'weak.key']], files);
  assert.deepEqual(served.map(f => [f.rule, f.severity, f.text]), [['cert/weak-key', undefined, "'weak.crt'"]], 'an error: the default severity');
  assert.match(served[0]!.message, /server certificate "CN=weak-leaf".*a 1024-bit RSA key.*"ee key too small".*turns SSL off for every client.*at least 2048 bits or an EC P-256 key \(`pgtls cert server`\)/);
  const chain = run([['ssl', 'on'], ['ssl_cert', 'chain.crt'], ['ssl_key', 'leaf.key']], files);
  assert.deepEqual(rulesOf(chain), ['cert/weak-key']);
  assert.match(chain[0]!.message, /chain certificate "CN=weak-ca" \(certificate 2 of 2.*"ca key too small".*turns SSL off/);
  const clients = run([['ssl', 'on'], ['ssl_cert', 'leaf.crt'], ['ssl_key', 'leaf.key'], ['ssl_ca_cert', 'weak-ca.crt']], files);
  assert.deepEqual(clients.map(f => [f.rule, f.text]), [['cert/weak-key', "'weak-ca.crt'"]]);
  assert.match(clients[0]!.message, /CA certificate "CN=weak-ca".*Pgpool-II loads it, but OpenSSL refuses it when verifying a client certificate \("CA certificate key too weak"\).*`cert` logins fail/);
});

test('signature strength: SHA-1 on the served certificate and on an intermediate client CA; never a self-signed root\'s own', async () => {
  const root = await issue({ cn: 'root', ca: true });
  const sha1Root = await issue({ cn: 'sha1-root', ca: true, hash: 'SHA-1' });
  const sha1Leaf = await issue({ cn: 'sha1-leaf', issuer: root, hash: 'SHA-1' });
  const sha1Inter = await issue({ cn: 'sha1-inter', ca: true, issuer: root, hash: 'SHA-1' });
  const leaf = await issue({ cn: 'leaf', issuer: sha1Root });
  const files = {
    [`${DIR}/sha1.crt`]: { text: sha1Leaf.certPem }, [`${DIR}/sha1.key`]: { text: sha1Leaf.keyPem },
    [`${DIR}/leaf.crt`]: { text: leaf.certPem }, [`${DIR}/leaf.key`]: { text: leaf.keyPem },
    [`${DIR}/sha1-root.crt`]: { text: sha1Root.certPem }, [`${DIR}/cas.crt`]: { text: sha1Inter.certPem + root.certPem },
  };
  const served = run([['ssl', 'on'], ['ssl_cert', 'sha1.crt'], ['ssl_key', 'sha1.key']], files);
  assert.deepEqual(served.map(f => [f.rule, f.severity]), [['cert/weak-signature', undefined]]);
  assert.match(served[0]!.message, /server certificate "CN=sha1-leaf".*signed with ecdsa-with-SHA1.*"ca md too weak".*turns SSL off for every client/);
  assert.deepEqual(run([['ssl', 'on'], ['ssl_cert', 'leaf.crt'], ['ssl_key', 'leaf.key'], ['ssl_ca_cert', 'sha1-root.crt']], files), [], 'a self-signed root\'s own signature is never checked');
  const inter = run([['ssl', 'on'], ['ssl_cert', 'leaf.crt'], ['ssl_key', 'leaf.key'], ['ssl_ca_cert', 'cas.crt']], files);
  assert.deepEqual(rulesOf(inter), ['cert/not-signed-by-ca', 'cert/weak-signature']);
  assert.match(inter.find(f => f.rule === 'cert/weak-signature')!.message, /CA certificate "CN=sha1-inter".*verifying a client certificate through it fails \("CA signature digest algorithm too weak"\)/);
});
