/**
 * certs/sign.ts and `pgtls cert sign`: what is taken from a CSR (CN, first O, DNS/IP SANs) and what is imposed
 * (CA:FALSE, the role's usages, validity), the refusals (weak key, SHA-1, tampered, not a CSR, a client CSR without
 * CN), and the command: one certificate written 0644, no key anywhere. CSRs are made here with @peculiar/x509 on
 * Node's WebCrypto; test/interop/certSignOpenssl.test.ts does the same with `openssl req`.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as nodeCrypto from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import 'reflect-metadata';
import {
  BasicConstraintsExtension, ExtendedKeyUsageExtension, KeyUsageFlags, KeyUsagesExtension, Pkcs10CertificateRequestGenerator,
  SubjectAlternativeNameExtension, X509Certificate,
} from '@peculiar/x509';
import { CertError, createCa, type CertificateAuthority } from '../../server/src/certs/generate';
import { pemDecodeAll, pemEncode } from '../../server/src/certs/keys';
import { signCsr } from '../../server/src/certs/sign';
import { runCertCli } from '../../server/src/cli/cert';

const crypto = nodeCrypto.webcrypto as unknown as Crypto;
const NOW = new Date('2030-01-01T00:00:00Z');
const isCertError = (re: RegExp) => (e: unknown) => e instanceof CertError && re.test(e.message);

type KeyKind = 'ec' | 'rsa2048' | 'rsa1024' | 'ed25519';
const KEYGEN: Record<KeyKind, Algorithm | EcKeyGenParams | RsaHashedKeyGenParams> = {
  ec: { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams,
  rsa2048: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as RsaHashedKeyGenParams,
  rsa1024: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as RsaHashedKeyGenParams,
  ed25519: { name: 'Ed25519' },
};

async function makeCsr(kind: KeyKind, name: string, sans: { type: 'dns' | 'ip' | 'email'; value: string }[] = [], hash = 'SHA-256'): Promise<string> {
  const alg = kind === 'rsa2048' || kind === 'rsa1024' ? { ...KEYGEN[kind], hash } : KEYGEN[kind];
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']) as CryptoKeyPair;
  const signingAlgorithm = kind === 'ec' ? { name: 'ECDSA', hash } : alg;
  const csr = await Pkcs10CertificateRequestGenerator.create({
    name, keys, signingAlgorithm,
    extensions: sans.length ? [new SubjectAlternativeNameExtension(sans)] : [],
  }, crypto);
  return csr.toString('pem');
}

let ca: CertificateAuthority;
before(async () => {
  ca = await createCa({ commonName: 'sign test CA', now: NOW, crypto });
});

function usages(cert: X509Certificate): { ku: number; eku: string[]; ca: boolean | undefined; sans: string[] } {
  return {
    ku: cert.getExtension(KeyUsagesExtension)!.usages,
    eku: Array.from(cert.getExtension(ExtendedKeyUsageExtension)!.usages, String),
    ca: cert.getExtension(BasicConstraintsExtension)?.ca,
    sans: cert.getExtension(SubjectAlternativeNameExtension)?.names.items.map(n => `${n.type}:${n.value}`) ?? [],
  };
}

describe('signCsr: what is taken and what is imposed', () => {
  test('server: CN and requested DNS/IP names taken, the CN first among the SANs, --san added; other SAN types left out with a note', async () => {
    const csr = await makeCsr('ec', 'CN=db.example, O=Acme, OU=Ops', [{ type: 'dns', value: 'db2.example' }, { type: 'ip', value: '10.0.0.5' }, { type: 'email', value: 'ops@example.org' }]);
    const r = await signCsr(ca, csr, { now: NOW, crypto, role: 'server', sans: ['db3.example', '::1'] });
    assert.equal(r.cert.subject, 'O=Acme, CN=db.example');
    const u = usages(r.cert);
    assert.deepEqual(u.sans, ['dns:db.example', 'dns:db2.example', 'dns:db3.example', 'ip:10.0.0.5', 'ip:::1']);
    assert.deepEqual(u.eku, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(u.ku, KeyUsageFlags.digitalSignature, 'an EC key gets no keyEncipherment');
    assert.equal(u.ca, false);
    assert.ok(await r.cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }, crypto), 'issued by the CA');
    assert.equal(r.cert.issuer, ca.cert.subject);
    assert.ok(r.notes.some(n => /subject attributes left out: OU/.test(n)));
    assert.ok(r.notes.some(n => /type email left out/.test(n)));
    assert.deepEqual(r.csr.key, { type: 'EC', bits: 256, curve: 'P-256' });
    assert.equal(r.cert.notAfter.getTime() - NOW.getTime(), 397 * 86_400_000);
  });

  test('the certificate carries the CSR\'s public key, byte for byte (the key is never replaced)', async () => {
    const csrPem = await makeCsr('ed25519', 'CN=db.example');
    const r = await signCsr(ca, csrPem, { now: NOW, crypto, role: 'server' });
    const { Pkcs10CertificateRequest } = await import('@peculiar/x509');
    assert.deepEqual(new Uint8Array(r.cert.publicKey.rawData), new Uint8Array(new Pkcs10CertificateRequest(csrPem).publicKey.rawData));
  });

  test('server with an RSA key: keyEncipherment too; --client-auth adds clientAuth', async () => {
    const r = await signCsr(ca, await makeCsr('rsa2048', 'CN=db.example'), { now: NOW, crypto, role: 'server', clientAuth: true });
    const u = usages(r.cert);
    assert.equal(u.ku, KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment);
    assert.deepEqual(u.eku, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  });

  test('client: the CN is the database user, kept exactly; EKU clientAuth only; requested IPs left out; the note says what the CN means', async () => {
    const r = await signCsr(ca, await makeCsr('ed25519', 'CN=Alice', [{ type: 'ip', value: '10.1.1.1' }]), { now: NOW, crypto, role: 'client' });
    assert.equal(r.cert.subject, 'CN=Alice');
    const u = usages(r.cert);
    assert.deepEqual(u.eku, ['1.3.6.1.5.5.7.3.2']);
    assert.deepEqual(u.sans, []);
    assert.match(r.notes[0]!, /the CN "Alice" is the database user this certificate logs in as/);
    assert.ok(r.notes.some(n => /IP addresses left out \(10\.1\.1\.1\)/.test(n)));
  });

  test('a server CSR without CN takes its first DNS name; a client CSR without CN is refused', async () => {
    const r = await signCsr(ca, await makeCsr('ec', 'O=Acme', [{ type: 'dns', value: 'pool.example' }]), { now: NOW, crypto, role: 'server' });
    assert.equal(r.cert.subject, 'O=Acme, CN=pool.example');
    await assert.rejects(signCsr(ca, await makeCsr('ec', 'O=Acme'), { now: NOW, crypto, role: 'client' }), isCertError(/no CN; a client certificate's CN is the database user/));
  });

  test('names the generator refuses are refused here too', async () => {
    await assert.rejects(signCsr(ca, await makeCsr('ec', 'CN=not a host name'), { now: NOW, crypto, role: 'server' }), isCertError(/neither a host name nor an IP address/));
    await assert.rejects(signCsr(ca, await makeCsr('ec', 'CN= alice'), { now: NOW, crypto, role: 'client' }), isCertError(/white space/));
  });

  test('DER input is read like PEM', async () => {
    const der = pemDecodeAll(await makeCsr('ec', 'CN=db.example'), 'CERTIFICATE REQUEST')[0]!;
    const r = await signCsr(ca, der, { now: NOW, crypto, role: 'server' });
    assert.equal(r.cert.subject, 'CN=db.example');
  });

  test('validity: the generator\'s rules (expired refused unless allowed, cut at the CA)', async () => {
    const csr = await makeCsr('ec', 'CN=alice');
    await assert.rejects(signCsr(ca, csr, { now: NOW, crypto, role: 'client', notAfter: '-1d' }), isCertError(/expired already.*--allow-invalid-dates/));
    const expired = await signCsr(ca, csr, { now: NOW, crypto, role: 'client', notAfter: '-1d', allowInvalidDates: true });
    assert.equal(expired.cert.notAfter.toISOString(), '2029-12-31T00:00:00.000Z');
    const long = await signCsr(ca, csr, { now: NOW, crypto, role: 'client', notAfter: '+20y' });
    assert.equal(long.cert.notAfter.getTime(), ca.cert.notAfter.getTime());
    assert.ok(long.notes.some(n => /not-after cut from/.test(n)));
  });
});

describe('signCsr: refusals', () => {
  test('a 1024-bit RSA key is refused with the generator\'s strength policy', async () => {
    await assert.rejects(signCsr(ca, await makeCsr('rsa1024', 'CN=db.example'), { now: NOW, crypto, role: 'server' }), isCertError(/key is too weak: RSA key of 1024 bits; at least 2048 are required/));
  });
  test('a SHA-1 signed CSR is refused', async () => {
    await assert.rejects(signCsr(ca, await makeCsr('rsa2048', 'CN=db.example', [], 'SHA-1'), { now: NOW, crypto, role: 'server' }), isCertError(/sha1WithRSAEncryption: SHA-1 is broken/));
    await assert.rejects(signCsr(ca, await makeCsr('ec', 'CN=db.example', [], 'SHA-1'), { now: NOW, crypto, role: 'server' }), isCertError(/ecdsa-with-SHA1/));
  });
  test('a tampered CSR (subject changed after signing) is refused', async () => {
    for (const kind of ['ec', 'rsa2048', 'ed25519'] as const) {
      const der = pemDecodeAll(await makeCsr(kind, 'CN=alice'), 'CERTIFICATE REQUEST')[0]!;
      const at = Buffer.from(der).indexOf('alice');
      assert.ok(at > 0);
      der[at] = 'm'.charCodeAt(0); // "mlice"
      await assert.rejects(signCsr(ca, pemEncode(der, 'CERTIFICATE REQUEST'), { now: NOW, crypto, role: 'client' }), isCertError(/signature of the certificate signing request does not verify/), kind);
    }
  });
  test('what is not a CSR is refused without quoting it', async () => {
    await assert.rejects(signCsr(ca, ca.certPem, { now: NOW, crypto, role: 'server' }), isCertError(/this is a certificate, not a certificate signing request/));
    await assert.rejects(signCsr(ca, ca.keyPem, { now: NOW, crypto, role: 'server' }), (e: unknown) => e instanceof CertError && /private key, not/.test(e.message) && !e.message.includes('MI'));
    await assert.rejects(signCsr(ca, 'hello', { now: NOW, crypto, role: 'server' }), isCertError(/no PEM "CERTIFICATE REQUEST" block/));
    await assert.rejects(signCsr(ca, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), { now: NOW, crypto, role: 'server' }), isCertError(/not a PKCS#10/));
  });
});

describe('pgtls cert sign', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-sign-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const run = async (...argv: string[]) => {
    const out: string[] = [], err: string[] = [];
    const code = await runCertCli(argv, { out: s => out.push(s), err: s => err.push(s) }, { now: () => new Date(), crypto });
    return { code, out: out.join(''), err: err.join('') };
  };

  test('writes one certificate (0644) from a CA folder, reports usages and notes, writes no key; refuses to overwrite', async () => {
    assert.equal((await run('cert', 'ca', '--out', path.join(tmp, 'ca'))).code, 0);
    fs.writeFileSync(path.join(tmp, 'alice.csr'), await makeCsr('ec', 'CN=alice'));
    const args = ['cert', 'sign', '--csr', path.join(tmp, 'alice.csr'), '--ca-cert', path.join(tmp, 'ca/ca.crt'), '--ca-key', path.join(tmp, 'ca/ca.key'), '--client', '--out', path.join(tmp, 'out/alice.crt')];
    const r = await run(...args);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /client certificate for the key of .*alice\.csr \(EC P-256\)/);
    assert.match(r.out, /usages {4}digitalSignature, clientAuth/);
    assert.match(r.out, /note: the CN "alice" is the database user/);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'out')), ['alice.crt']);
    assert.equal(fs.statSync(path.join(tmp, 'out/alice.crt')).mode & 0o777, 0o644);
    assert.doesNotMatch(r.out + r.err, /PRIVATE KEY|BEGIN/);
    const again = await run(...args);
    assert.equal(again.code, 2);
    assert.match(again.err, /--force/);
    const json = JSON.parse((await run(...args, '--force', '--format', 'json')).out);
    assert.equal(json.commonName, 'alice');
    assert.deepEqual(json.extendedKeyUsage, ['clientAuth']);
  });

  test('usage errors: the role, the CA, a key-like output name; a weak CSR is refused naming the file', async () => {
    fs.writeFileSync(path.join(tmp, 'weak.csr'), await makeCsr('rsa1024', 'CN=db.example'));
    const ca = ['--ca-cert', path.join(tmp, 'ca/ca.crt'), '--ca-key', path.join(tmp, 'ca/ca.key')];
    const csr = ['--csr', path.join(tmp, 'weak.csr')];
    assert.match((await run('cert', 'sign', ...csr, ...ca, '--out', path.join(tmp, 'x.crt'))).err, /exactly one of --server and --client/);
    assert.match((await run('cert', 'sign', ...csr, '--server', '--out', path.join(tmp, 'x.crt'))).err, /needs --ca-cert FILE --ca-key FILE/);
    assert.match((await run('cert', 'sign', ...csr, ...ca, '--server', '--out', path.join(tmp, 'x.key'))).err, /looks like a key file name/);
    const weak = await run('cert', 'sign', ...csr, ...ca, '--server', '--out', path.join(tmp, 'x.crt'));
    assert.equal(weak.code, 2);
    assert.match(weak.err, /weak\.csr: the CSR's key is too weak/);
    assert.equal(fs.existsSync(path.join(tmp, 'x.crt')), false);
  });

  test('the generating commands take --not-before/--not-after and refuse an expired certificate unless --allow-invalid-dates', async () => {
    const dir = path.join(tmp, 'dated');
    const refused = await run('cert', 'set', '--out', dir, '--server-name', 'db', '--client-user', 'u', '--not-after', '-1d');
    assert.equal(refused.code, 2);
    assert.match(refused.err, /expired already.*--allow-invalid-dates/);
    const ok = await run('cert', 'set', '--out', dir, '--server-name', 'db', '--client-user', 'u', '--not-before', '2020-01-01', '--not-after', '2020-12-31', '--allow-invalid-dates');
    assert.equal(ok.code, 0, ok.err);
    assert.equal(new X509Certificate(fs.readFileSync(path.join(dir, 'server.crt'), 'utf8')).notAfter.toISOString(), '2020-12-31T00:00:00.000Z');
    const cut = await run('cert', 'server', '--out', dir, '--basename', 'long', '--server-name', 'db', '--not-after', '+20y');
    assert.equal(cut.code, 0, cut.err);
    assert.match(cut.err, /note: long\.crt: server certificate: not-after cut from .* when the issuing CA expires/);
    assert.match((await run('cert', 'ca', '--out', path.join(tmp, 'ca2'), '--not-before', 'yesterday')).err, /cannot read "yesterday"/);
  });

  test('an expired CA issues only with --allow-invalid-dates, and only inside its own validity (a leaf it could have issued)', async () => {
    const old = path.join(tmp, 'expired-ca');
    const made = await run('cert', 'ca', '--out', old, '--not-before', '-60d', '--not-after', '-10d', '--allow-invalid-dates');
    assert.equal(made.code, 0, made.err);
    const ca = ['--ca-cert', path.join(old, 'ca.crt'), '--ca-key', path.join(old, 'ca.key')];
    const refused = await run('cert', 'server', '--out', path.join(tmp, 'from-expired'), ...ca, '--server-name', 'db');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /the CA certificate expired on .*pass --allow-invalid-dates/);
    const noDates = await run('cert', 'server', '--out', path.join(tmp, 'from-expired'), ...ca, '--server-name', 'db', '--allow-invalid-dates');
    assert.notEqual(noDates.code, 0);
    assert.match(noDates.err, /the issuing CA expired at .*give --not-before and --not-after within its validity/);
    const issued = await run('cert', 'server', '--out', path.join(tmp, 'from-expired'), ...ca, '--server-name', 'db', '--allow-invalid-dates', '--not-before', '-40d', '--not-after', '-20d');
    assert.equal(issued.code, 0, issued.err);
    const leaf = new nodeCrypto.X509Certificate(fs.readFileSync(path.join(tmp, 'from-expired', 'server.crt'), 'utf8'));
    const root = new nodeCrypto.X509Certificate(fs.readFileSync(path.join(old, 'ca.crt'), 'utf8'));
    assert.ok(leaf.checkIssued(root) && leaf.verify(root.publicKey), 'issued and signed by the expired CA');
    assert.ok(new Date(leaf.validTo) < new Date(root.validTo) && new Date(leaf.validFrom) > new Date(root.validFrom));
  });
});

describe('pgtls/certs/sign (the palette command\'s server side)', () => {
  test('signs and writes, answers "exists" without force, and refuses a weak CSR with a CertError', async () => {
    const { runCertSign } = await import('../../server/src/node/certSign');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-sign-lsp-'));
    const env = { now: () => NOW, crypto };
    const ca2 = await createCa({ commonName: 'palette CA', now: new Date(NOW.getTime() - 86_400_000), crypto });
    fs.writeFileSync(path.join(dir, 'ca.crt'), ca2.certPem);
    fs.writeFileSync(path.join(dir, 'ca.key'), ca2.keyPem, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'db.csr'), await makeCsr('ec', 'CN=db.example'));
    const params = { csr: path.join(dir, 'db.csr'), caCert: path.join(dir, 'ca.crt'), caKey: path.join(dir, 'ca.key'), role: 'server' as const, out: path.join(dir, 'db.crt') };
    const r = await runCertSign(params, env);
    assert.equal(r.status, 'written');
    assert.ok(r.status === 'written' && r.sans.includes('DNS:db.example') && /Signed db\.csr as a server certificate/.test(r.message));
    assert.doesNotMatch(JSON.stringify(r), /PRIVATE KEY/);
    assert.deepEqual(await runCertSign(params, env), { status: 'exists', existing: [path.join(dir, 'db.crt')] });
    assert.equal((await runCertSign({ ...params, force: true }, env)).status, 'written');
    fs.writeFileSync(path.join(dir, 'weak.csr'), await makeCsr('rsa1024', 'CN=db.example'));
    await assert.rejects(runCertSign({ ...params, csr: path.join(dir, 'weak.csr'), out: path.join(dir, 'weak.crt') }, env), isCertError(/too weak/));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
