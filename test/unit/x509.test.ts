/**
 * The X.509 room (server/src/x509/): the bounded chain walk and its anchor identity, both columns of the strength
 * table, libpq's host-name matching, validity as data, CA and usage facts, and the OID tables (checked against the
 * ASN.1 library's constants). Also that the room stays pure.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { id_ecdsaWithSHA256, id_ecdsaWithSHA384, id_ecdsaWithSHA512, id_ecPublicKey, id_secp256r1, id_secp384r1, id_secp521r1 } from '@peculiar/asn1-ecc';
import { id_rsaEncryption, id_sha256WithRSAEncryption, id_sha384WithRSAEncryption, id_sha512WithRSAEncryption } from '@peculiar/asn1-rsa';
import { id_kp_clientAuth, id_kp_serverAuth } from '@peculiar/asn1-x509';
import {
  MAX_ANCHORS, MAX_CHAIN, OID, STRENGTH, allowsPurpose, allowsTls, anchorOf, certLabel, certNames, chainsTo, commonName, curveBits, ekuLabel, ekuName,
  isCA, issuedByBackend, issuerProblem, keyFamily, keyOfPublicKeyInfo, keyTypeOfOid, matchesHost, misplacedEncipherment, namedCurve, notCaReason,
  signatureName, signatureOid, validityAt, weakHashes, weakKey, weakSignature, wildcardMatch, type CertNames,
  canonicalName, chainPath, mattersInBundle, mistakenForSelfSigned, nameProblem, nameProblemText, opensslSelfSigned, sameName, warningDays,
} from '../../server/src/x509';
import { MIN_RSA_BITS, WEAK_HASHES } from '../../server/src/certs/algorithms';
import type { Certificate, TlsBackend } from '../../server/src/core/tlsBackend';

// --- chain ----------------------------------------------------------------------------------------------------------

interface Fake { fingerprint256: string; name: string }
const cert = (name: string, fingerprint = `fp-${name}`): Fake => ({ name, fingerprint256: fingerprint });

/** `issuedBy` from a list of "child<-issuer" edges, counting its calls. */
function edges(...pairs: [Fake, Fake][]): { issuedBy: (c: Fake, i: Fake) => boolean; calls: () => number } {
  let n = 0;
  return {
    issuedBy: (c, i) => { n++; return pairs.some(([a, b]) => a === c && b === i); },
    calls: () => n,
  };
}

describe('chain walk', () => {
  test('a leaf issued by an anchor, directly and through intermediates; anchorOf names the anchor', () => {
    const root = cert('root'), inter = cert('inter'), leaf = cert('leaf'), other = cert('other');
    const e = edges([leaf, inter], [inter, root]);
    assert.equal(chainsTo([leaf], [root], e.issuedBy), false, 'the intermediate is not sent');
    assert.equal(chainsTo([leaf, inter], [root], e.issuedBy), true);
    assert.equal(anchorOf([leaf, inter], [other, root], e.issuedBy), root);
    assert.equal(chainsTo([leaf, inter], [other], e.issuedBy), false);
    assert.equal(chainsTo([], [root], e.issuedBy), false, 'an empty chain leads nowhere');
  });

  test('anchor identity is the same certificate (fingerprint), not the same subject and key', () => {
    const pinned = cert('self-signed', 'fp-same');
    const copy = cert('a copy of it, another object', 'fp-same');
    const renewed = cert('same subject and key, new dates', 'fp-renewed');
    const none = edges();
    assert.equal(chainsTo([pinned], [copy], none.issuedBy), true);
    assert.equal(none.calls(), 0, 'identity is decided without a signature check');
    assert.equal(chainsTo([pinned], [renewed], none.issuedBy), false, 'not the anchor unless it issued the certificate');
    assert.equal(chainsTo([pinned], [renewed], edges([pinned, renewed]).issuedBy), true, 'reached through issuedBy');
  });

  test('a loop in the chain ends (A issued by B issued by A), with few signature checks', () => {
    const a = cert('a'), b = cert('b'), root = cert('root');
    const e = edges([a, b], [b, a]);
    assert.equal(chainsTo([a, b], [root], e.issuedBy), false);
    assert.ok(e.calls() <= 2 * (1 + 2), `${e.calls()} issuedBy calls`);
    // The same with the leaf repeated in the chain (a file that lists it twice).
    assert.equal(chainsTo([a, b, a, b], [root], edges([a, b], [b, a]).issuedBy), false);
  });

  test(`only the first ${MAX_CHAIN} certificates of the chain are followed`, () => {
    const links = Array.from({ length: MAX_CHAIN + 4 }, (_, i) => cert(`c${i}`));
    const root = cert('root');
    const pairs: [Fake, Fake][] = links.slice(0, -1).map((c, i) => [c, links[i + 1]!]);
    // The root issued the last certificate within the bound: reached.
    assert.equal(chainsTo(links, [root], edges(...pairs, [links[MAX_CHAIN - 1]!, root]).issuedBy), true);
    // The root issued only the first certificate beyond it: not reached.
    assert.equal(chainsTo(links, [root], edges(...pairs, [links[MAX_CHAIN]!, root]).issuedBy), false);
  });

  test(`only the first ${MAX_ANCHORS} anchors are tried, and the cost is bounded`, () => {
    const leaf = cert('leaf');
    const anchors = Array.from({ length: MAX_ANCHORS + 1 }, (_, i) => cert(`ca${i}`));
    assert.equal(chainsTo([leaf], anchors, edges([leaf, anchors[MAX_ANCHORS - 1]!]).issuedBy), true);
    const e = edges([leaf, anchors[MAX_ANCHORS]!]);
    assert.equal(chainsTo([leaf], anchors, e.issuedBy), false);
    // A long chain against a huge bundle: at most (anchors + chain) checks per followed certificate.
    const links = Array.from({ length: 40 }, (_, i) => cert(`l${i}`));
    const long = edges(...links.slice(0, -1).map((c, i): [Fake, Fake] => [c, links[i + 1]!]));
    assert.equal(chainsTo(links, Array.from({ length: 2000 }, (_, i) => cert(`b${i}`)), long.issuedBy), false);
    assert.ok(long.calls() <= MAX_CHAIN * (MAX_ANCHORS + MAX_CHAIN), `${long.calls()} issuedBy calls`);
  });

  test('an issuedBy that throws counts as "not issued"', () => {
    const leaf = cert('leaf'), root = cert('root');
    assert.equal(chainsTo([leaf], [root], () => { throw new Error('backend failure'); }), false);
  });

  test('issuedByBackend asks the TLS backend about the certificates\' handles, issued first', () => {
    const asked: [unknown, unknown][] = [];
    const tls = { issuedBy: (c: unknown, i: unknown) => { asked.push([c, i]); return c === 'h-leaf' && i === 'h-root'; } };
    const leaf = { fingerprint256: 'fp-leaf', handle: 'h-leaf' } as unknown as Certificate;
    const root = { fingerprint256: 'fp-root', handle: 'h-root' } as unknown as Certificate;
    const issuedBy = issuedByBackend(tls as unknown as Pick<TlsBackend, 'issuedBy'>);
    assert.equal(issuedBy(leaf, root), true);
    assert.equal(issuedBy(root, leaf), false);
    assert.deepEqual(asked, [['h-leaf', 'h-root'], ['h-root', 'h-leaf']]);
    assert.equal(chainsTo([leaf], [root], issuedBy), true);
  });
});

// --- strength -------------------------------------------------------------------------------------------------------

describe('strength table', () => {
  test('one table, two columns: pgtls makes RSA 2048 / P-256 and up; OpenSSL level 2 refuses RSA/DSA < 2048, EC < 224', () => {
    assert.deepEqual(STRENGTH.keys.RSA, { pgtls: 2048, openssl: 2048 });
    assert.deepEqual(STRENGTH.keys.DSA, { pgtls: 2048, openssl: 2048 });
    assert.deepEqual(STRENGTH.keys.EC, { pgtls: 256, openssl: 224 });
    assert.equal(MIN_RSA_BITS, STRENGTH.keys.RSA.pgtls, 'the generator reads its minimum from the table');
    assert.deepEqual([...WEAK_HASHES], weakHashes('pgtls'));
    assert.deepEqual(weakHashes('openssl'), ['MD2', 'MD4', 'MD5', 'SHA-1']);
  });

  test('RSA: 1024 bits is weak in both columns, with the words each caller prints', () => {
    const k = { type: 'RSA' as const, bits: 1024 };
    assert.deepEqual(weakKey(k, 'pgtls'), { key: 'a 1024-bit RSA key', minimum: 2048, problem: 'RSA key of 1024 bits; at least 2048 are required' });
    assert.deepEqual(weakKey(k, 'openssl'), { key: 'a 1024-bit RSA key', minimum: 2048, problem: 'a 1024-bit RSA key: OpenSSL security level 2 requires at least 2048 bits' });
    assert.equal(weakKey({ type: 'RSA', bits: 2048 }, 'pgtls'), undefined);
    assert.equal(weakKey({ type: 'RSA', bits: 2048 }, 'openssl'), undefined);
    assert.equal(weakKey({ type: 'RSA-PSS', bits: 1536 }, 'openssl')?.key, 'a 1536-bit RSA key');
    assert.equal(weakKey({ type: 'RSA' }, 'openssl'), undefined, 'an unknown size is not judged');
  });

  test('EC: P-224 is weak for pgtls only; P-192 for both; an unknown curve for pgtls only', () => {
    assert.equal(weakKey({ type: 'EC', curve: 'P-224', bits: 224 }, 'pgtls')?.problem, 'EC key on P-224; use P-256 or P-384');
    assert.equal(weakKey({ type: 'EC', curve: 'P-224', bits: 224 }, 'openssl'), undefined);
    assert.equal(weakKey({ type: 'EC', curve: 'P-256', bits: 256 }, 'pgtls'), undefined);
    const p192 = keyOfPublicKeyInfo({ type: 'ec', curve: 'prime192v1' });
    assert.deepEqual(p192, { type: 'EC', curve: 'prime192v1', bits: 192 });
    assert.equal(weakKey(p192, 'openssl')?.key, 'an EC key on the 192-bit curve prime192v1');
    assert.equal(weakKey(keyOfPublicKeyInfo({ type: 'ec', curve: 'sect163k1' }), 'openssl')?.key, 'an EC key on the 163-bit curve sect163k1');
    assert.equal(weakKey(keyOfPublicKeyInfo({ type: 'ec', curve: 'secp224r1' }), 'openssl'), undefined);
    assert.equal(weakKey(keyOfPublicKeyInfo({ type: 'ec', curve: 'prime256v1' }), 'pgtls'), undefined);
    assert.equal(weakKey({ type: 'EC', curve: 'explicit parameters' }, 'pgtls')?.problem, 'EC key on explicit parameters; use P-256 or P-384');
    assert.equal(weakKey({ type: 'EC' }, 'pgtls')?.problem, 'EC key on an unknown curve; use P-256 or P-384');
    assert.equal(weakKey({ type: 'EC', curve: 'SM2' }, 'openssl'), undefined, 'OpenSSL judges curves it knows; pgtls does not guess');
  });

  test('DSA below 2048 bits is weak; EdDSA and unknown keys never are', () => {
    assert.equal(weakKey(keyOfPublicKeyInfo({ type: 'dsa', bits: 1024 }), 'openssl')?.key, 'a 1024-bit DSA key');
    assert.equal(weakKey(keyOfPublicKeyInfo({ type: 'ed25519' }), 'pgtls'), undefined);
    assert.equal(weakKey(keyOfPublicKeyInfo({ type: 'ed448' }), 'openssl'), undefined);
    assert.equal(weakKey({ type: 'unknown', bits: 8 }, 'openssl'), undefined);
  });

  test('signatures: MD5 and SHA-1 by OID or OpenSSL name; a self-signed anchor\'s own signature does not count', () => {
    assert.deepEqual(weakSignature('1.2.840.113549.1.1.5', false, 'pgtls'), {
      name: 'sha1WithRSAEncryption', hash: 'SHA-1',
      problem: 'signed with sha1WithRSAEncryption: SHA-1 is broken and OpenSSL 3 refuses such signatures at its default security level',
    });
    assert.equal(weakSignature('ecdsa-with-SHA1', false, 'openssl')?.hash, 'SHA-1');
    assert.equal(weakSignature('md5WithRSAEncryption', false, 'openssl')?.hash, 'MD5');
    assert.equal(weakSignature('RSA-SHA1', false, 'openssl')?.hash, 'SHA-1', 'a name outside the table is read by its digest');
    assert.equal(weakSignature('sha1WithRSAEncryption', true, 'openssl'), undefined);
    for (const ok of ['sha256WithRSAEncryption', 'ecdsa-with-SHA224', 'ED25519', 'rsassaPss', '1.2.3.4', 'sha512-256WithRSAEncryption']) {
      assert.equal(weakSignature(ok, false, 'openssl'), undefined, ok);
    }
  });
});

// --- names ----------------------------------------------------------------------------------------------------------

const names = (n: Partial<CertNames>): CertNames => ({ dns: [], ips: [], cn: undefined, ...n });

describe('libpq host-name matching', () => {
  test('wildcards: the whole leftmost label, exactly one label, any case', () => {
    assert.equal(wildcardMatch('*.db.svc', 'primary.db.svc'), true);
    assert.equal(wildcardMatch('*.DB.Svc', 'Primary.db.SVC'), true);
    assert.equal(wildcardMatch('*.db.svc', 'a.b.db.svc'), false, 'two labels');
    assert.equal(wildcardMatch('*.db.svc', 'db.svc'), false, 'no label');
    assert.equal(wildcardMatch('*.db.svc', '.db.svc'), false, 'empty label');
    assert.equal(wildcardMatch('p*.db.svc', 'primary.db.svc'), false, 'partial-label wildcard');
    assert.equal(wildcardMatch('*', 'x'), false);
    assert.equal(wildcardMatch('*.', 'x.'), false, 'a pattern needs three characters');
  });

  test('a host name: the dNSName SANs; the CN only when there is no dNSName SAN', () => {
    assert.equal(matchesHost(names({ dns: ['db.example'], cn: 'other' }), 'DB.example'), true);
    assert.equal(matchesHost(names({ dns: ['db.example'], cn: 'other' }), 'other'), false, 'the CN is ignored beside a DNS SAN');
    assert.equal(matchesHost(names({ ips: ['10.0.0.1'], cn: 'db' }), 'db'), true, 'an IP SAN does not hide the CN from a host name');
    assert.equal(matchesHost(names({ cn: '*.example' }), 'db.example'), true, 'the CN may be a wildcard');
    assert.equal(matchesHost(names({}), 'db'), false);
  });

  test('an IP address: the iPAddress SANs (and DNS SANs as text); the CN only without an iPAddress SAN', () => {
    assert.equal(matchesHost(names({ ips: ['2001:DB8::1'] }), '2001:db8:0:0::1'), true, 'IPv6 compared by value');
    assert.equal(matchesHost(names({ ips: ['::ffff:10.0.0.1'] }), '10.0.0.1'), false, 'an IPv4-mapped address is another address');
    assert.equal(matchesHost(names({ dns: ['10.0.0.1'] }), '10.0.0.1'), true, 'a DNS SAN written as the address');
    assert.equal(matchesHost(names({ cn: '10.0.0.1' }), '10.0.0.1'), true);
    assert.equal(matchesHost(names({ ips: ['10.0.0.2'], cn: '10.0.0.1' }), '10.0.0.1'), false);
    assert.equal(matchesHost(names({ dns: ['db'], cn: '10.0.0.1' }), '10.0.0.1'), true, 'a DNS SAN does not hide the CN from an address');
  });

  test('certNames and commonName read what the TLS backend reports', () => {
    assert.deepEqual(certNames({ subject: 'O=x, CN=a\\, b', subjectAltNames: ['DNS:a.b', 'IP:10.0.0.1', 'email:a@b'] }), { dns: ['a.b'], ips: ['10.0.0.1'], cn: 'a, b' });
    assert.equal(commonName('CN=first+O=multi, CN=second'), 'first');
    assert.equal(commonName('O=no cn'), undefined);
    assert.equal(certLabel({ subject: 'CN=db', issuer: 'CN=ca' }), '"CN=db"');
    assert.equal(certLabel({ subject: '', issuer: 'CN=ca' }), '(empty subject, issued by "CN=ca")');
  });
});

// --- validity -------------------------------------------------------------------------------------------------------

describe('validity', () => {
  const DAY = 86_400_000;
  const now = new Date('2030-01-01T00:00:00Z');
  const cert = (fromDays: number, toDays: number) => ({ notBefore: new Date(now.getTime() + fromDays * DAY), notAfter: new Date(now.getTime() + toDays * DAY) });

  test('expired, not yet valid, valid with the days left, expiring within the warning period', () => {
    assert.deepEqual(validityAt(cert(-10, -1), now), { state: 'expired', daysLeft: -1, expiring: false });
    assert.deepEqual(validityAt(cert(1, 10), now), { state: 'not-yet-valid', daysLeft: 10, expiring: false });
    assert.deepEqual(validityAt(cert(-1, 10.5), now, 30), { state: 'valid', daysLeft: 10, expiring: true });
    assert.deepEqual(validityAt(cert(-1, 10.5), now, 10), { state: 'valid', daysLeft: 10, expiring: false });
    assert.equal(validityAt(cert(-1, 0.5), now, 0)?.expiring, false, 'no warning period');
  });

  test('an inverted period is "not yet valid", as OpenSSL checks notBefore first; an unreadable date gives no verdict', () => {
    assert.equal(validityAt(cert(5, -5), now)?.state, 'not-yet-valid');
    assert.equal(validityAt({ notBefore: new Date(NaN), notAfter: new Date() }, now), undefined);
  });

  test('in a CA bundle, validity matters for a single CA, the anchor in use, or when no CA of the bundle is valid', () => {
    const ca = (fp: string, from: number, to: number) => ({ fingerprint256: fp, ...cert(from, to) });
    const old = ca('old', -100, -1), cur = ca('cur', -100, 100), later = ca('later', 5, 100);
    assert.equal(mattersInBundle([old], old, new Set(), now), true, 'a single CA');
    assert.equal(mattersInBundle([old, cur], old, new Set(), now), false, 'an expired extra next to a valid CA');
    assert.equal(mattersInBundle([old, cur], old, new Set(['old']), now), true, 'the anchor in use');
    assert.equal(mattersInBundle([old, later], old, new Set(), now), true, 'no CA of the bundle is valid now');
    assert.equal(mattersInBundle([old, later], later, new Set(), now), true);
  });

  test('the expiry warning setting: a positive finite number of days, else none', () => {
    assert.equal(warningDays(30), 30);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, '30', undefined]) assert.equal(warningDays(bad), 0, String(bad));
  });
});

// --- identity -------------------------------------------------------------------------------------------------------

describe('identity: empty names and OpenSSL\'s self-signed test', () => {
  const EC_KEY = { type: 'ec', curve: 'prime256v1' };
  const base = { subject: 'CN=db.example', issuer: 'CN=db.example', signatureAlgorithm: 'ecdsa-with-SHA256', publicKey: EC_KEY };

  test('an empty issuer, or an empty subject without a critical subjectAltName, is what Java refuses', () => {
    const c = (subject: string, issuer: string, sans: string[] = [], critical?: boolean) => ({ subject, issuer, subjectAltNames: sans, subjectAltNameCritical: critical });
    assert.equal(nameProblem(c('CN=a', 'CN=ca')), undefined);
    assert.equal(nameProblem(c('CN=a', '')), 'empty-issuer');
    assert.equal(nameProblem(c('', '')), 'empty-issuer', 'a self-signed certificate without names: its issuer is empty too');
    assert.equal(nameProblem(c('', 'CN=ca')), 'empty-subject-no-san');
    assert.equal(nameProblem(c('', 'CN=ca', ['DNS:db.example'], false)), 'empty-subject-san-not-critical');
    assert.equal(nameProblem(c('', 'CN=ca', ['DNS:db.example'], true)), undefined, 'RFC 5280: an empty subject with a critical SAN');
    assert.equal(nameProblem(c('', 'CN=ca', ['DNS:db.example'])), undefined, 'criticality unknown: not judged');
    assert.match(nameProblemText('empty-issuer').java, /Empty issuer DN not allowed/);
  });

  test('names compare as OpenSSL compares them: case and runs of spaces do not count', () => {
    assert.equal(canonicalName('CN=DB.Example,  O=Acme  Inc'), 'cn=db.example,o=acme inc');
    assert.equal(sameName('CN=DB.example', 'cn=db.example'), true);
    assert.equal(sameName('CN=a', 'CN=b'), false);
  });

  test('OpenSSL 3 takes a certificate for self-signed by its names and key identifiers, not its signature', () => {
    assert.equal(opensslSelfSigned({ ...base, keyIds: { serial: '01' } }), true, 'same names, no key identifiers');
    assert.equal(opensslSelfSigned({ ...base, keyIds: { serial: '01', authority: 'ab' } }), true, 'an AKID and no SKID to contradict it');
    assert.equal(opensslSelfSigned({ ...base, keyIds: { serial: '01', subject: 'ab', authority: '00ab' } }), true, 'AKID = SKID');
    assert.equal(opensslSelfSigned({ ...base, keyIds: { serial: '01', subject: 'cd', authority: 'ab' } }), false, 'the AKID names another key');
    assert.equal(opensslSelfSigned({ ...base, keyIds: { serial: '01', authoritySerial: '02' } }), false, 'the AKID names another serial');
    assert.equal(opensslSelfSigned({ ...base, keyIds: { serial: '01', authorityIssuer: 'CN=root' } }), false, 'the AKID names another issuer');
    assert.equal(opensslSelfSigned({ ...base, signatureAlgorithm: 'sha256WithRSAEncryption', keyIds: { serial: '01' } }), false, 'an RSA signature on an EC key');
    assert.equal(opensslSelfSigned({ ...base, issuer: 'CN=ca', keyIds: { serial: '01' } }), false, 'different names');
    assert.equal(opensslSelfSigned(base), undefined, 'key identifiers unknown');
    assert.equal(opensslSelfSigned({ ...base, publicKey: { type: 'rsa', bits: 2048 }, signatureAlgorithm: 'rsassaPss', keyIds: { serial: '01' } }), true, 'RSA-PSS signatures fit RSA keys');
  });

  test('the path a verifying peer walks through a served chain: by issuer name from the leaf, ending at a self-issued one', () => {
    const c = (subject: string, issuer: string) => ({ subject, issuer });
    assert.deepEqual([...chainPath([c('CN=leaf', 'CN=inter'), c('CN=other', 'CN=other'), c('CN=inter', 'CN=root'), c('CN=root', 'CN=root')])], [0, 2, 3]);
    assert.deepEqual([...chainPath([c('CN=leaf', 'CN=Acme'), c('CN=Acme', 'CN=Acme'), c('CN=Acme', 'CN=Acme')])], [0, 1], 'stops at the first self-issued one');
    assert.deepEqual([...chainPath([c('CN=db', 'CN=db'), c('CN=db', 'CN=db')])], [0], 'a leaf named like its issuer is the whole path');
    assert.deepEqual([...chainPath([])], []);
  });

  test('mistaken for self-signed: OpenSSL\'s test passes but the certificate\'s own key does not verify its signature', () => {
    let asked = 0;
    const own = (ok: boolean) => () => { asked++; return ok; };
    assert.equal(mistakenForSelfSigned({ ...base, keyIds: { serial: '01' } }, own(false)), true);
    assert.equal(mistakenForSelfSigned({ ...base, keyIds: { serial: '01' } }, own(true)), false, 'really self-signed');
    asked = 0;
    assert.equal(mistakenForSelfSigned({ ...base, issuer: 'CN=ca', keyIds: { serial: '01' } }, own(false)), false);
    assert.equal(asked, 0, 'no signature check unless the names agree');
  });
});

// --- usage ----------------------------------------------------------------------------------------------------------

describe('usage facts', () => {
  const flags = (o: Partial<Parameters<typeof isCA>[0]>) => ({ version: 3, selfIssued: false, basicConstraintsCA: undefined, keyCertSign: undefined, ...o });

  test('isCA is OpenSSL\'s check_ca; issuerProblem is RFC 5280\'s stricter rule', () => {
    assert.equal(isCA(flags({ basicConstraintsCA: true })), true);
    assert.equal(isCA(flags({ basicConstraintsCA: true, keyCertSign: false })), false);
    assert.equal(isCA(flags({ version: 1, selfIssued: true })), true, 'a v1 self-issued root');
    assert.equal(isCA(flags({ keyCertSign: true })), true, 'keyCertSign without basicConstraints');
    assert.equal(isCA(flags({})), false);
    assert.equal(notCaReason({ basicConstraintsCA: true, keyCertSign: false }), 'its keyUsage lacks keyCertSign');
    assert.equal(notCaReason({ basicConstraintsCA: false, keyCertSign: undefined }), 'its basicConstraints say CA:FALSE');
    assert.equal(notCaReason({ basicConstraintsCA: undefined, keyCertSign: undefined }), 'it has no basicConstraints CA:TRUE');
    assert.equal(issuerProblem({ basicConstraintsCA: undefined, keyCertSign: true }), 'not-ca');
    assert.equal(issuerProblem({ basicConstraintsCA: true, keyCertSign: false }), 'no-key-cert-sign');
    assert.equal(issuerProblem({ basicConstraintsCA: true, keyCertSign: undefined }), undefined);
  });

  test('extended key usage: absent allows everything; serverAuth or clientAuth allow their role, anyExtendedKeyUsage alone neither', () => {
    assert.equal(allowsTls(undefined), true);
    assert.equal(allowsTls([]), true);
    assert.equal(allowsTls(['1.3.6.1.5.5.7.3.4']), false);
    assert.equal(allowsPurpose([OID.clientAuth], 'serverAuth'), false);
    assert.equal(allowsPurpose([OID.serverAuth, OID.clientAuth], 'clientAuth'), true);
    // OpenSSL keeps anyExtendedKeyUsage as a bit of its own (XKU_ANYEKU) that no TLS purpose accepts: "unsuitable
    // certificate purpose" with OpenSSL 3.0 (test/interop/certPolicyOpenssl.test.ts shows it with real openssl).
    assert.equal(allowsPurpose([OID.anyExtendedKeyUsage], 'serverAuth'), false);
    assert.equal(allowsTls([OID.anyExtendedKeyUsage]), false);
    assert.equal(allowsPurpose(['2.16.840.1.113730.4.1'], 'serverAuth'), true, 'Netscape SGC counts as serverAuth (XKU_SGC)');
    assert.equal(allowsPurpose(['2.16.840.1.113730.4.1'], 'clientAuth'), false);
    assert.equal(ekuName(OID.serverAuth), 'serverAuth');
    assert.equal(ekuName('1.2.3'), '1.2.3');
    assert.equal(ekuLabel('clientAuth'), 'TLS Web Client Authentication');
  });

  test('keyEncipherment and dataEncipherment are misplaced on EC and EdDSA keys only', () => {
    assert.deepEqual(misplacedEncipherment('EC', ['digitalSignature', 'keyEncipherment', 'dataEncipherment']), ['keyEncipherment', 'dataEncipherment']);
    assert.deepEqual(misplacedEncipherment('RSA', ['keyEncipherment']), []);
    assert.deepEqual(misplacedEncipherment('Ed25519', ['keyAgreement']), []);
  });
});

// --- OID tables -----------------------------------------------------------------------------------------------------

describe('OID tables', () => {
  test('agree with the ASN.1 library\'s constants', () => {
    assert.equal(namedCurve('P-256')?.oid, id_secp256r1);
    assert.equal(namedCurve('secp384r1')?.oid, id_secp384r1);
    assert.equal(namedCurve(id_secp521r1)?.name, 'P-521');
    assert.equal(OID.ecPublicKey, id_ecPublicKey);
    assert.equal(OID.rsaEncryption, id_rsaEncryption);
    assert.equal(OID.serverAuth, id_kp_serverAuth);
    assert.equal(OID.clientAuth, id_kp_clientAuth);
    assert.equal(signatureOid('EC', 'SHA-256'), id_ecdsaWithSHA256);
    assert.equal(signatureOid('EC', 'SHA-384'), id_ecdsaWithSHA384);
    assert.equal(signatureOid('EC', 'SHA-512'), id_ecdsaWithSHA512);
    assert.equal(signatureOid('RSA', 'SHA-256'), id_sha256WithRSAEncryption);
    assert.equal(signatureOid('RSA', 'SHA-384'), id_sha384WithRSAEncryption);
    assert.equal(signatureOid('RSA', 'SHA-512'), id_sha512WithRSAEncryption);
  });

  test('names and sizes', () => {
    assert.equal(signatureName(OID.ed25519), 'ED25519');
    assert.equal(signatureName('1.2.3.4'), '1.2.3.4');
    assert.equal(curveBits('prime256v1'), 256);
    assert.equal(curveBits('brainpoolP320r1'), 320);
    assert.equal(curveBits('SM2'), undefined);
    assert.equal(keyTypeOfOid(OID.ed448), 'Ed448');
    assert.equal(keyTypeOfOid('1.2.3'), 'unknown');
    assert.equal(keyFamily({ type: 'RSA-PSS' }), 'RSA');
    assert.equal(keyFamily({ type: 'unknown' }), 'other');
  });
});

test('the room is pure: no node:*, no node/ or LSP imports, no ASN.1 library', () => {
  const dir = path.join(__dirname, '../../server/src/x509');
  for (const f of fs.readdirSync(dir).filter(n => n.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s+'([^']+)'|\brequire\('([^']+)'\)/g)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      // Its own files and the core below it (types, the rule declaration), nothing else.
      assert.ok(/^\.\/[a-z]+$/i.test(spec) || /^\.\.\/core\/[a-zA-Z]+$/.test(spec), `${f} imports ${spec}`);
    }
  }
});
