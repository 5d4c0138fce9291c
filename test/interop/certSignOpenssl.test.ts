/**
 * `pgtls cert sign` and the validity flags against the openssl binary as the oracle: CSRs made by `openssl req`
 * (RSA 2048, ECDSA P-256, Ed25519) are signed by the real command (runCertCli, the CLI's own code path) and must pass
 * `openssl verify -x509_strict -purpose sslserver|sslclient` with the CA, carry the key of the CSR (x509 -pubkey =
 * req -pubkey) and show the role's usages in `openssl x509 -text`; a 1024-bit RSA CSR and a SHA-1 CSR are refused.
 * Certificates made expired or not yet valid with --allow-invalid-dates are reported so by `openssl verify`.
 * Nothing here prints a private key: openssl writes the CSR keys to files that only openssl reads.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCertCli } from '../../server/src/cli/cert';
import { assertTools, missing } from '../requires';

const OPENSSL = missing('openssl');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-sign-openssl-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function opensslFails(...args: string[]): string {
  const r = spawnSync('openssl', args, { cwd: root, encoding: 'utf8' });
  assert.notEqual(r.status, 0, `openssl ${args.join(' ')} should fail`);
  return `${r.stdout}${r.stderr}`;
}
async function pgtls(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const code = await runCertCli(argv, { out: s => out.push(s), err: s => err.push(s) });
  return { code, out: out.join(''), err: err.join('') };
}

/** `openssl req -new` with a fresh key of `newkey` (its -newkey/-pkeyopt arguments), the subject and SANs given. */
function opensslCsr(name: string, newkey: string[], subj: string, sans?: string, digest = '-sha256'): string {
  const file = `${name}.csr`;
  openssl('req', '-new', ...newkey, '-nodes', '-keyout', `${name}.csrkey`, '-subj', subj, ...(digest ? [digest] : []),
    ...(sans ? ['-addext', `subjectAltName=${sans}`] : []), '-out', file);
  return path.join(root, file);
}

const KEYS: Record<string, { newkey: string[]; text: RegExp; ku: string }> = {
  'rsa-2048': { newkey: ['-newkey', 'rsa:2048'], text: /Public-Key: \(2048 bit\)/, ku: 'Digital Signature, Key Encipherment' },
  'ecdsa-p256': { newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], text: /NIST CURVE: P-256/, ku: 'Digital Signature' },
  ed25519: { newkey: ['-newkey', 'ed25519'], text: /ED25519 Public-Key/, ku: 'Digital Signature' },
};

const ca = ['--ca-cert', path.join(root, 'ca', 'ca.crt'), '--ca-key', path.join(root, 'ca', 'ca.key')];

describe('pgtls cert sign: CSRs from openssl req, verified by openssl', { skip: OPENSSL }, () => {
  before(async () => {
    assertTools('openssl');
    const r = await pgtls('cert', 'ca', '--out', path.join(root, 'ca'), '--common-name', 'sign oracle CA');
    assert.equal(r.code, 0, r.err);
  });

  for (const [alg, k] of Object.entries(KEYS)) {
    test(`${alg}: server and client certificates verify with -x509_strict and their purpose; usages and key as expected`, () => assertSigned(alg, k));
  }

  async function assertSigned(alg: string, k: (typeof KEYS)[string]): Promise<void> {
    const serverCsr = opensslCsr(`server-${alg}`, k.newkey, '/CN=db.example/OU=ignored', 'DNS:db2.example,IP:127.0.0.1');
    const s = await pgtls('cert', 'sign', '--csr', serverCsr, ...ca, '--server', '--out', path.join(root, `server-${alg}.crt`));
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, /note: subject attributes left out: OU/);
    const strict = ['verify', '-x509_strict', '-CAfile', 'ca/ca.crt'];
    assert.match(openssl(...strict, '-purpose', 'sslserver', '-verify_hostname', 'db2.example', `server-${alg}.crt`), /: OK/);
    assert.match(openssl(...strict, '-purpose', 'sslserver', '-verify_ip', '127.0.0.1', `server-${alg}.crt`), /: OK/);
    assert.match(opensslFails(...strict, '-purpose', 'sslclient', `server-${alg}.crt`), /unsuitable certificate purpose/);
    const text = openssl('x509', '-in', `server-${alg}.crt`, '-noout', '-text');
    assert.match(text, k.text);
    assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, new RegExp(`Key Usage: critical\\s+${k.ku}\\n`));
    assert.match(text, /Extended Key Usage: ?\s+TLS Web Server Authentication\n/);
    assert.match(text, /DNS:db\.example, DNS:db2\.example, IP Address:127\.0\.0\.1/);
    assert.match(text, /Subject: CN ?= ?db\.example\n/);
    // The certificate holds the CSR's key: the same public key, and the key openssl made matches the certificate.
    assert.equal(openssl('x509', '-in', `server-${alg}.crt`, '-noout', '-pubkey'), openssl('req', '-in', serverCsr, '-noout', '-pubkey'));

    const clientCsr = opensslCsr(`client-${alg}`, k.newkey, '/CN=alice');
    const c = await pgtls('cert', 'sign', '--csr', clientCsr, ...ca, '--client', '--out', path.join(root, `client-${alg}.crt`));
    assert.equal(c.code, 0, c.err);
    assert.match(c.out, /the CN "alice" is the database user/);
    assert.match(openssl(...strict, '-purpose', 'sslclient', `client-${alg}.crt`), /: OK/);
    assert.match(opensslFails(...strict, '-purpose', 'sslserver', `client-${alg}.crt`), /unsuitable certificate purpose/);
    const ctext = openssl('x509', '-in', `client-${alg}.crt`, '-noout', '-text');
    assert.match(ctext, /Extended Key Usage: ?\s+TLS Web Client Authentication\n/);
    assert.match(ctext, new RegExp(`Key Usage: critical\\s+${k.ku}\\n`));
    assert.doesNotMatch(ctext, /Subject Alternative Name/);
  }

  test('DER CSRs (openssl req -outform DER) are signed too', async () => {
    const pem = opensslCsr('der', KEYS['ecdsa-p256']!.newkey, '/CN=db.example');
    openssl('req', '-in', pem, '-outform', 'DER', '-out', 'der.csr.der');
    const r = await pgtls('cert', 'sign', '--csr', path.join(root, 'der.csr.der'), ...ca, '--server', '--out', path.join(root, 'der.crt'));
    assert.equal(r.code, 0, r.err);
    assert.match(openssl('verify', '-x509_strict', '-CAfile', 'ca/ca.crt', 'der.crt'), /: OK/);
  });

  test('a 1024-bit RSA CSR and a SHA-1 CSR are refused, and nothing is written', async () => {
    const weak = opensslCsr('weak', ['-newkey', 'rsa:1024'], '/CN=db.example');
    const w = await pgtls('cert', 'sign', '--csr', weak, ...ca, '--server', '--out', path.join(root, 'weak.crt'));
    assert.equal(w.code, 2);
    assert.match(w.err, /RSA key of 1024 bits; at least 2048 are required/);
    const sha1 = opensslCsr('sha1', ['-newkey', 'rsa:2048'], '/CN=db.example', undefined, '-sha1');
    assert.match(openssl('req', '-in', sha1, '-noout', '-text'), /sha1WithRSAEncryption/);
    const h = await pgtls('cert', 'sign', '--csr', sha1, ...ca, '--server', '--out', path.join(root, 'sha1.crt'));
    assert.equal(h.code, 2);
    assert.match(h.err, /SHA-1 is broken/);
    assert.equal(fs.existsSync(path.join(root, 'weak.crt')) || fs.existsSync(path.join(root, 'sha1.crt')), false);
  });

  test('a CSR changed after openssl signed it is refused', async () => {
    const csr = opensslCsr('tamper', KEYS['ecdsa-p256']!.newkey, '/CN=alice');
    const der = execFileSync('openssl', ['req', '-in', csr, '-outform', 'DER'], { stdio: ['ignore', 'pipe', 'pipe'] });
    der[der.indexOf('alice')] = 'm'.charCodeAt(0);
    fs.writeFileSync(path.join(root, 'tamper.der'), der);
    // openssl 3.0's `req -verify` reports the failure but exits 0, so its words are the verdict.
    const check = spawnSync('openssl', ['req', '-in', 'tamper.der', '-inform', 'DER', '-verify', '-noout'], { cwd: root, encoding: 'utf8' });
    assert.match(`${check.stdout}${check.stderr}`, /self-signature verify failure|verification failure/i);
    const r = await pgtls('cert', 'sign', '--csr', path.join(root, 'tamper.der'), ...ca, '--client', '--out', path.join(root, 'tamper.crt'));
    assert.equal(r.code, 2);
    assert.match(r.err, /does not verify/);
  });
});

describe('test certificates with chosen dates, as openssl verify sees them', { skip: OPENSSL }, () => {
  test('expired and not-yet-valid leaves (cert server, cert client, cert sign) are reported so; a backdated valid one verifies', async () => {
    assertTools('openssl');
    const dir = path.join(root, 'dated');
    assert.equal((await pgtls('cert', 'ca', '--out', dir)).code, 0);
    const refused = await pgtls('cert', 'server', '--out', dir, '--basename', 'expired', '--server-name', 'db', '--not-after', '-1d');
    assert.equal(refused.code, 2);
    assert.match(refused.err, /--allow-invalid-dates/);
    const cases: [string[], string][] = [
      [['cert', 'server', '--out', dir, '--basename', 'expired', '--server-name', 'db', '--not-before', '-30d', '--not-after', '-1d', '--allow-invalid-dates'], 'certificate has expired'],
      [['cert', 'client', '--out', dir, '--basename', 'future', '--client-user', 'alice', '--not-before', '+2d', '--allow-invalid-dates'], 'certificate is not yet valid'],
      [['cert', 'sign', '--csr', opensslCsr('dated', KEYS.ed25519!.newkey, '/CN=bob'), '--ca-cert', path.join(dir, 'ca.crt'), '--ca-key', path.join(dir, 'ca.key'),
        '--client', '--out', path.join(dir, 'signed-expired.crt'), '--not-after', '2021-01-01', '--allow-invalid-dates'], 'certificate has expired'],
    ];
    for (const [argv, verdict] of cases) {
      const r = await pgtls(...argv);
      assert.equal(r.code, 0, r.err);
      const file = argv.includes('--basename') ? `${argv[argv.indexOf('--basename') + 1]}.crt` : path.basename(argv[argv.indexOf('--out') + 1]!);
      assert.match(opensslFails('verify', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, file)), new RegExp(verdict));
    }
    const back = await pgtls('cert', 'server', '--out', dir, '--basename', 'backdated', '--server-name', 'db', '--not-before', '-30d', '--days', '60');
    assert.equal(back.code, 0, back.err);
    assert.match(openssl('verify', '-x509_strict', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, 'backdated.crt')), /: OK/);
    const dates = openssl('x509', '-in', path.join(dir, 'expired.crt'), '-noout', '-enddate');
    assert.match(dates, /notAfter=/);
    assert.ok(new Date(dates.trim().slice('notAfter='.length)).getTime() < Date.now());
  });
});
