/**
 * `pgtls probe`'s pure half (server/src/certs/probe.ts) and its command line (cli/probe.ts): libpq's verify-full name
 * rules on what a server presents (IP SANs, wildcards as the whole leftmost label, the CN only without a SAN of the
 * dialled kind), the certificate policy on the leaf, the findings and exit codes for each answer, and the target
 * parser. The network half is proved against real servers in test/interop/probe.test.ts.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { generateSet } from '../../server/src/certs/generate';
import { describeCertificates, type CertificateDescription } from '../../server/src/certs/inspect';
import { judgeProbe, leafPolicy, probeJson, renderProbeText, type ProbeFacts } from '../../server/src/certs/probe';
import { parseTarget } from '../../server/src/cli/probe';
import { runCli } from '../../server/src/cli/main';

const crypto = webcrypto as unknown as Crypto;
const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

/** A leaf description with only the fields the verdict reads. */
function leaf(o: { dns?: string[]; ip?: string[]; cn?: string; notAfter?: Date; notBefore?: Date; eku?: string[]; selfIssued?: boolean }): CertificateDescription {
  const notAfter = o.notAfter ?? new Date(NOW.getTime() + 200 * DAY);
  const notBefore = o.notBefore ?? new Date(NOW.getTime() - DAY);
  const validity = NOW < notBefore ? 'not-yet-valid' : NOW > notAfter ? 'expired' : 'valid';
  return {
    subject: o.cn !== undefined ? `CN=${o.cn}` : '', issuer: 'CN=ca', ...(o.cn !== undefined ? { commonName: o.cn } : {}), selfIssued: o.selfIssued ?? false,
    serialNumber: '01', notBefore, notAfter, validity, daysLeft: Math.floor((notAfter.getTime() - NOW.getTime()) / DAY),
    publicKey: { type: 'EC', bits: 256, curve: 'P-256', oid: '1.2.840.10045.2.1' },
    signatureAlgorithm: { oid: '1.2.840.10045.4.3.2', name: 'ecdsa-with-SHA256', hash: 'SHA-256' },
    subjectAltNames: { dns: o.dns ?? [], ip: o.ip ?? [], email: [], uri: [], other: [] },
    ...(o.eku ? { extendedKeyUsage: { critical: false, usages: o.eku } } : {}),
    fingerprintSha256: 'AA', problems: [], text: 'Certificate:\n',
  };
}

const facts = (host: string, l: CertificateDescription, extra: Partial<ProbeFacts> = {}): ProbeFacts => ({
  host, port: 5432, mode: 'sslrequest', answer: 'S', handshake: { ok: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' }, chain: [l],
  ca: { file: 'ca.crt', source: 'flag', authorized: true }, ...extra,
});
const ids = (f: ProbeFacts) => judgeProbe(f, NOW).findings.map(x => x.id);

describe('libpq verify-full name rules on the presented leaf', () => {
  const cases: [string, Parameters<typeof leaf>[0], string, boolean][] = [
    ['DNS SAN, same name in another case', { dns: ['DB.example.com'] }, 'db.example.com', true],
    ['wildcard stands for one whole leftmost label', { dns: ['*.example.com'] }, 'db.example.com', true],
    ['wildcard does not span two labels', { dns: ['*.example.com'] }, 'a.db.example.com', false],
    ['wildcard does not match the bare domain', { dns: ['*.example.com'] }, 'example.com', false],
    ['a partial-label wildcard is no wildcard', { dns: ['d*.example.com'] }, 'db.example.com', false],
    ['CN ignored once there is a DNS SAN', { dns: ['other.example.com'], cn: 'db.example.com' }, 'db.example.com', false],
    ['CN used when there is no SAN', { cn: 'db.example.com' }, 'db.example.com', true],
    ['CN used for a host name when only IP SANs exist', { ip: ['10.0.0.1'], cn: 'db.example.com' }, 'db.example.com', true],
    ['IP SAN matches the address dialled', { ip: ['127.0.0.1'] }, '127.0.0.1', true],
    ['IPv6 SAN matches another spelling of the address', { ip: ['0:0:0:0:0:0:0:1'] }, '::1', true],
    ['IP SAN present: the CN is not consulted for an address', { ip: ['10.0.0.2'], cn: '127.0.0.1' }, '127.0.0.1', false],
    ['no IP SAN: the CN is consulted for an address', { dns: ['localhost'], cn: '127.0.0.1' }, '127.0.0.1', true],
    ['a DNS SAN holding the address text matches (libpq compares every SAN)', { dns: ['127.0.0.1'] }, '127.0.0.1', true],
    ['a host name never matches an IP SAN', { ip: ['127.0.0.1'] }, 'localhost', false],
  ];
  for (const [name, l, host, want] of cases) {
    test(name, () => {
      const r = judgeProbe(facts(host, leaf(l)), NOW);
      assert.equal(r.nameMatches, want);
      assert.equal(r.findings.some(f => f.id === 'probe/name-mismatch'), !want);
      assert.equal(r.exitCode, want ? 0 : 1);
    });
  }
});

describe('the verdict', () => {
  const good = leaf({ dns: ['db'], cn: 'db' });
  test('a good server: exit 0, no error', () => {
    const r = judgeProbe(facts('db', good), NOW);
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.findings.filter(f => f.severity === 'error'), []);
  });
  test("'N': TLS refused, exit 1", () => {
    const r = judgeProbe({ host: 'db', port: 5432, mode: 'sslrequest', answer: 'N', chain: [] }, NOW);
    assert.deepEqual(r.findings.map(f => f.id), ['probe/tls-refused']);
    assert.equal(r.exitCode, 1);
  });
  test('unreachable: exit 2', () => {
    assert.equal(judgeProbe({ host: 'db', port: 5432, mode: 'sslrequest', unreachable: 'ECONNREFUSED', chain: [] }, NOW).exitCode, 2);
  });
  test('bytes after S are a fault', () => assert.ok(ids(facts('db', good, { extraBytes: 3 })).includes('probe/data-after-s')));
  test('verify failure names the OpenSSL reason in words', () => {
    const r = judgeProbe(facts('db', good, { ca: { file: 'ca.crt', source: 'flag', authorized: false, error: 'DEPTH_ZERO_SELF_SIGNED_CERT' } }), NOW);
    assert.match(r.findings.find(f => f.id === 'probe/verify-failed')!.message, /self-signed/);
    assert.equal(r.exitCode, 1);
  });
  test('no CA: not verified (info), a self-issued leaf is a warning, exit 0', () => {
    const f = facts('db', leaf({ dns: ['db'], selfIssued: true }));
    delete f.ca;
    const r = judgeProbe(f, NOW);
    assert.deepEqual(r.findings.map(x => `${x.severity} ${x.id}`), ['info probe/not-verified', 'warning probe/self-signed']);
    assert.equal(r.exitCode, 0);
  });
  test('direct mode without ALPN postgresql is a warning', () => {
    assert.ok(ids(facts('db', good, { mode: 'direct', handshake: { ok: true, alpn: false } })).includes('probe/alpn'));
  });
  test('a failed direct handshake points at PostgreSQL 17', () => {
    const r = judgeProbe({ host: 'db', port: 5432, mode: 'direct', handshake: { ok: false, error: 'socket hang up' }, chain: [] }, NOW);
    assert.match(r.findings[0]!.message, /PostgreSQL 17/);
  });
  test('cert login: ok, password asked, refused, trust without a certificate request', () => {
    const auth = (outcome: 'ok' | 'sasl' | 'error', requested = true) => judgeProbe(facts('db', good, {
      clientCert: { requested, refused: false }, certAuth: { user: 'u', database: 'd', outcome, ...(outcome === 'error' ? { message: 'certificate authentication failed for user "u"', code: '28000' } : {}) },
    }), NOW);
    assert.equal(auth('ok').exitCode, 0);
    assert.ok(auth('ok').findings.some(f => f.id === 'probe/cert-auth-ok'));
    assert.equal(auth('sasl').exitCode, 1);
    assert.ok(auth('sasl').findings.some(f => f.id === 'probe/cert-auth-not-used'));
    assert.match(auth('error').findings.find(f => f.id === 'probe/cert-auth-refused')!.message, /certificate authentication failed for user "u".*28000/);
    const trust = auth('ok', false);
    assert.ok(trust.findings.some(f => f.id === 'probe/cert-auth-not-used' && f.severity === 'warning'));
    assert.equal(trust.exitCode, 0);
  });
});

describe('the certificate policy on the leaf', () => {
  test('expired, not yet valid, expiring: the cert/* ids and severities', () => {
    assert.deepEqual(leafPolicy(leaf({ notAfter: new Date(NOW.getTime() - DAY) }), NOW).map(f => `${f.severity} ${f.id}`), ['error cert/expired']);
    assert.deepEqual(leafPolicy(leaf({ notBefore: new Date(NOW.getTime() + DAY) }), NOW).map(f => `${f.severity} ${f.id}`), ['error cert/not-yet-valid']);
    assert.deepEqual(leafPolicy(leaf({ notAfter: new Date(NOW.getTime() + 10 * DAY) }), NOW).map(f => `${f.severity} ${f.id}`), ['warning cert/expiring']);
    assert.deepEqual(leafPolicy(leaf({}), NOW), []);
  });
  test('an extended key usage without serverAuth', () => {
    assert.deepEqual(leafPolicy(leaf({ eku: ['clientAuth'] }), NOW).map(f => f.id), ['cert/extended-key-usage']);
    assert.deepEqual(leafPolicy(leaf({ eku: ['serverAuth', 'clientAuth'] }), NOW), []);
  });
  test('on a real generated chain: nothing wrong, and the text and JSON never carry key material', async () => {
    const set = await generateSet({ serverName: 'db.example.com', sans: ['10.1.2.3'], clientUser: 'app', now: NOW, crypto });
    const chain = await describeCertificates(set['server.crt'], NOW, crypto);
    const r = judgeProbe(facts('10.1.2.3', chain[0]!, { chain }), NOW);
    assert.equal(r.exitCode, 0, JSON.stringify(r.findings));
    assert.equal(r.nameMatches, true);
    const text = renderProbeText(r);
    assert.match(text, /Host name: +matches "10\.1\.2\.3"/);
    assert.match(text, /--- certificate 1 of 1 \(leaf\)/);
    const json = JSON.stringify(probeJson(r));
    for (const out of [text, json]) assert.doesNotMatch(out, /PRIVATE KEY|BEGIN/);
  });
});

describe('pgtls probe: the command line', () => {
  test('HOST[:PORT] forms', () => {
    assert.deepEqual(parseTarget('db'), { host: 'db', port: 5432 });
    assert.deepEqual(parseTarget('db:6432'), { host: 'db', port: 6432 });
    assert.deepEqual(parseTarget('[::1]:9999'), { host: '::1', port: 9999 });
    assert.deepEqual(parseTarget('::1'), { host: '::1', port: 5432 });
    assert.throws(() => parseTarget('db:0'), /port/);
    assert.throws(() => parseTarget('db:x'), /port/);
  });
  test('usage errors exit 2 without dialling', async () => {
    const io = { out: () => undefined, err: () => undefined };
    assert.equal(await runCli(['probe'], io), 2);
    assert.equal(await runCli(['probe', 'db', '--cert', 'c.crt'], io), 2);
    assert.equal(await runCli(['probe', 'db', '--user', 'u'], io), 2);
    assert.equal(await runCli(['probe', 'db', '--format', 'xml'], io), 2);
    assert.equal(await runCli(['probe', 'db', '--ca', '/nonexistent/ca.crt'], io), 2);
  });
});

describe('channel binding: a leaf signed with EdDSA', () => {
  const signedWith = (oid: string, name: string): CertificateDescription => ({ ...leaf({ dns: ['db'] }), signatureAlgorithm: { oid, name } });
  test('Ed25519 and Ed448 signatures are a warning with what fails and the fixes; exit stays 0', () => {
    for (const [oid, name] of [['1.3.101.112', 'ED25519'], ['1.3.101.113', 'ED448']] as const) {
      const r = judgeProbe(facts('db', signedWith(oid, name)), NOW);
      const f = r.findings.filter(x => x.id === 'probe/channel-binding');
      assert.equal(f.length, 1, name);
      assert.equal(f[0]!.severity, 'warning');
      assert.match(f[0]!.message, new RegExp(`signed with ${name}`));
      assert.match(f[0]!.message, /SCRAM.*libpq.*could not find digest for NID UNDEF/);
      assert.match(f[0]!.message, /CA of another algorithm.*channel_binding=disable.*certificate authentication/);
      assert.equal(r.exitCode, 0);
    }
  });
  test('ECDSA and RSA signatures are silent', () => {
    assert.ok(!ids(facts('db', leaf({ dns: ['db'] }))).includes('probe/channel-binding'));
    assert.ok(!ids(facts('db', signedWith('1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'))).includes('probe/channel-binding'));
  });
  test('on a real generated Ed25519 set: the warning; no verdict when the handshake failed', async () => {
    const set = await generateSet({ algorithm: 'ed25519', serverName: 'db', clientUser: 'app', now: NOW, crypto });
    const chain = await describeCertificates(set['server.crt'], NOW, crypto);
    assert.ok(ids(facts('db', chain[0]!, { chain })).includes('probe/channel-binding'));
    assert.ok(!ids({ host: 'db', port: 5432, mode: 'sslrequest', answer: 'S', handshake: { ok: false, error: 'x' }, chain: [] }).includes('probe/channel-binding'));
  });
});
