/**
 * The certificate policy against real OpenSSL (the `openssl` binary, the library libpq, PostgreSQL and Pgpool-II
 * verify with): where pgtls reports a `cert/*` error for a pgpool.conf file or a Secret entry, OpenSSL really refuses,
 * and where OpenSSL accepts, pgtls says no error.
 *
 * - an RSA-1024 server certificate: `SSL_CTX_use_certificate` at security level 2 fails with "ee key too small" (what
 *   Pgpool-II 4.3.5 logs too), and verification at level 2 with "EE certificate key too weak";
 * - a server certificate named like its CA (no key identifiers): "self-signed certificate" (error 18), also in a real
 *   handshake; an intermediate named like its root: "self-signed certificate in certificate chain" (error 19), or
 *   "certificate signature failure" (error 7) when nothing tells the two apart; with an authorityKeyIdentifier on the
 *   server certificate OpenSSL tells it from its CA and verifies;
 * - anyExtendedKeyUsage alone: "unsuitable certificate purpose" for a TLS server;
 * - an empty subject: OpenSSL verifies it (pgtls only warns: Java, not OpenSSL, refuses it).
 *
 * Certificates are made with the openssl CLI in a 0700 temp folder; nothing is committed and no key is printed.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { check, testService } from '../helpers';
import { missing } from '../requires';

const SKIP = missing('openssl');
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-policy-openssl-'));
after(() => fs.rmSync(DIR, { recursive: true, force: true }));

const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: DIR, stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs openssl; returns its exit status and combined output (openssl never prints key bytes on these commands). */
function run(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { cwd: DIR, encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A certificate `name.crt` + `name.key`: self-signed or issued by `issuer`; `noKeyIds` leaves out the key identifiers. */
function make(name: string, o: { issuer?: string; ca?: boolean; subj?: string; newkey?: string[]; ext?: string; noKeyIds?: boolean } = {}): void {
  fs.writeFileSync(path.join(DIR, `${name}.ext`), (o.ca ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n'
    : 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nsubjectAltName=DNS:db.example\nextendedKeyUsage=serverAuth\n')
    + (o.ext ?? '') + (o.noKeyIds ? 'subjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n' : ''));
  ossl('req', '-new', ...(o.newkey ?? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', o.subj ?? `/CN=${name}`);
  const sign = o.issuer ? ['-CA', `${o.issuer}.crt`, '-CAkey', `${o.issuer}.key`, '-CAcreateserial'] : ['-signkey', `${name}.key`];
  ossl('x509', '-req', '-in', `${name}.csr`, ...sign, '-out', `${name}.crt`, '-days', '365', '-sha256', '-extfile', `${name}.ext`);
  fs.chmodSync(path.join(DIR, `${name}.key`), 0o600);
}

const concat = (out: string, ...files: string[]) => fs.writeFileSync(path.join(DIR, out), files.map(f => fs.readFileSync(path.join(DIR, f), 'utf8')).join(''));

const service = testService();

/** The `cert/*` findings, as `rule severity`, of pgpool.conf naming the files and of a kubernetes.io/tls Secret holding them. */
function pgtls(crt: string, key: string, ca?: string): { pgpoolConf: string[]; secret: string[] } {
  const graded = (ps: readonly { rule: string; severity: string }[]) => ps.filter(p => p.rule.startsWith('cert/')).map(p => `${p.rule} ${p.severity}`).sort();
  const conf = ['ssl = on', `ssl_cert = '${crt}'`, `ssl_key = '${key}'`, ...(ca ? [`ssl_ca_cert = '${ca}'`] : []), ''].join('\n');
  const b64 = (f: string) => fs.readFileSync(path.join(DIR, f)).toString('base64');
  const secret = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: pg-tls', 'type: kubernetes.io/tls', 'data:',
    `  tls.crt: ${b64(crt)}`, `  tls.key: ${b64(key)}`, ...(ca ? [`  ca.crt: ${b64(ca)}`] : []), ''].join('\n');
  return {
    pgpoolConf: graded(check(service, path.join(DIR, 'pgpool.conf'), conf)),
    secret: graded(check(service, path.join(DIR, 'secret.yaml'), secret)),
  };
}

if (!SKIP) {
  make('rsa1024', { newkey: ['-newkey', 'rsa:1024'] });
  make('rsa2048', { newkey: ['-newkey', 'rsa:2048'] });
  make('weakca', { ca: true, newkey: ['-newkey', 'rsa:1024'] });
  make('fromweak', { issuer: 'weakca' });
  make('strong', { issuer: 'rsa2048' });
  make('twin', { ca: true, subj: '/CN=db.example' });
  make('samename', { issuer: 'twin', subj: '/CN=db.example', noKeyIds: true });
  make('keyid', { issuer: 'twin', subj: '/CN=db.example' });
  make('root', { ca: true, subj: '/CN=Acme' });
  make('inter', { issuer: 'root', ca: true, subj: '/CN=Acme', noKeyIds: true });
  // OpenSSL's default authorityKeyIdentifier: the intermediate has no key identifier, so its issuer name and serial.
  make('leaf', { issuer: 'inter' });
  concat('chain.crt', 'leaf.crt', 'inter.crt');
  make('bareleaf', { issuer: 'inter', noKeyIds: true });
  concat('barechain.crt', 'bareleaf.crt', 'inter.crt');
  make('anyeku', { issuer: 'root', ext: 'extendedKeyUsage=anyExtendedKeyUsage\n' });
  make('nosubject', { issuer: 'root', subj: '/' });
}

describe('the certificate policy against real OpenSSL', { skip: SKIP }, () => {
  test('RSA-1024: OpenSSL at security level 2 will not serve it ("ee key too small") nor verify it; pgtls: cert/weak-key error', () => {
    // The cipher string pins the level, so the result does not depend on the distribution's default (Debian: 2).
    const serve = (name: string) => run('s_server', '-accept', '127.0.0.1:1', '-cipher', 'DEFAULT:@SECLEVEL=2', '-cert', `${name}.crt`, '-key', `${name}.key`, '-naccept', '1');
    const weak = serve('rsa1024');
    assert.notEqual(weak.status, 0);
    assert.match(weak.out, /ee key too small/);
    assert.match(run('verify', '-auth_level', '2', '-CAfile', 'rsa1024.crt', 'rsa1024.crt').out, /EE certificate key too weak/);
    assert.match(run('verify', '-auth_level', '2', '-CAfile', 'rsa2048.crt', 'rsa2048.crt').out, /rsa2048\.crt: OK/);
    assert.deepEqual(pgtls('rsa1024.crt', 'rsa1024.key'), { pgpoolConf: ['cert/weak-key error'], secret: ['cert/weak-key error'] });
    assert.deepEqual(pgtls('rsa2048.crt', 'rsa2048.key'), { pgpoolConf: [], secret: [] });
  });

  test('an RSA-1024 CA of client certificates: verification at level 2 fails ("CA certificate key too weak"); pgtls: an error', () => {
    const v = run('verify', '-auth_level', '2', '-CAfile', 'weakca.crt', 'fromweak.crt');
    assert.notEqual(v.status, 0);
    assert.match(v.out, /CA certificate key too weak/);
    const r = check(service, path.join(DIR, 'pgpool.conf'), `ssl = on\nssl_cert = 'strong.crt'\nssl_key = 'strong.key'\nssl_ca_cert = 'weakca.crt'\n`);
    const weak = r.filter(p => p.rule === 'cert/weak-key');
    assert.deepEqual(weak.map(p => p.severity), ['error']);
    assert.match(weak[0]!.message, /CA certificate key too weak/);
  });

  test('a server certificate named like its CA: OpenSSL takes it for self-signed (error 18); with key identifiers it verifies', () => {
    const v = run('verify', '-CAfile', 'twin.crt', 'samename.crt');
    assert.notEqual(v.status, 0);
    assert.match(v.out, /error 18 at 0 depth lookup: self-signed certificate/);
    assert.deepEqual(pgtls('samename.crt', 'samename.key', 'twin.crt'), { pgpoolConf: ['cert/same-name-as-issuer error'], secret: ['cert/same-name-as-issuer error'] });
    assert.match(run('verify', '-CAfile', 'twin.crt', 'keyid.crt').out, /keyid\.crt: OK/);
    assert.deepEqual(pgtls('keyid.crt', 'keyid.key', 'twin.crt'), { pgpoolConf: [], secret: [] });
  });

  test('an intermediate named like its root: "self-signed certificate in certificate chain" (error 19), or error 7 without key identifiers', () => {
    const v = run('verify', '-CAfile', 'root.crt', '-untrusted', 'inter.crt', 'leaf.crt');
    assert.notEqual(v.status, 0);
    assert.match(v.out, /error 19 at 1 depth lookup: self-signed certificate in certificate chain/);
    assert.deepEqual(pgtls('chain.crt', 'leaf.key', 'root.crt'), { pgpoolConf: ['cert/same-name-as-issuer error'], secret: ['cert/same-name-as-issuer error'] });
    // Nothing tells the root and the intermediate apart for the certificate below them: the trusted root is tried first.
    const bare = run('verify', '-CAfile', 'root.crt', '-untrusted', 'inter.crt', 'bareleaf.crt');
    assert.notEqual(bare.status, 0);
    assert.match(bare.out, /error 7 at 0 depth lookup: certificate signature failure/);
    assert.ok(pgtls('barechain.crt', 'bareleaf.key', 'root.crt').pgpoolConf.includes('cert/same-name-as-issuer error'));
  });

  test('a real handshake: openssl s_client verifying a server that sends the certificate named like its CA fails with code 18', async () => {
    const server = tls.createServer({ cert: fs.readFileSync(path.join(DIR, 'samename.crt')), key: fs.readFileSync(path.join(DIR, 'samename.key')) }, s => s.end());
    server.on('tlsClientError', () => { /* the client aborts the handshake: expected */ });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', 'twin.crt', '-verify_return_error', '-servername', 'db.example'], { cwd: DIR });
      let out = '';
      client.stdout.on('data', d => { out += d; });
      client.stderr.on('data', d => { out += d; });
      client.stdin.end();
      const [code] = await once(client, 'exit') as [number | null];
      assert.notEqual(code, 0);
      assert.match(out, /self-signed certificate/);
    } finally {
      server.close();
    }
  });

  test('anyExtendedKeyUsage alone: "unsuitable certificate purpose" for a TLS server; pgtls: cert/extended-key-usage error', () => {
    const v = run('verify', '-purpose', 'sslserver', '-CAfile', 'root.crt', 'anyeku.crt');
    assert.notEqual(v.status, 0);
    assert.match(v.out, /unsuitable certificate purpose/);
    assert.deepEqual(pgtls('anyeku.crt', 'anyeku.key', 'root.crt'), { pgpoolConf: ['cert/extended-key-usage error'], secret: ['cert/extended-key-usage error'] });
  });

  test('an empty subject: OpenSSL verifies it, so pgtls only warns (cert/empty-name: Java refuses it)', () => {
    assert.match(run('verify', '-purpose', 'sslserver', '-CAfile', 'root.crt', 'nosubject.crt').out, /nosubject\.crt: OK/);
    assert.deepEqual(pgtls('nosubject.crt', 'nosubject.key', 'root.crt'), { pgpoolConf: ['cert/empty-name warning'], secret: ['cert/empty-name warning'] });
  });
});
