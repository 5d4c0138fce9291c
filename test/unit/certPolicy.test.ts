/**
 * One certificate policy: the same weak key, bad chain, expired certificate, wrong CA or mismatched key gets the same
 * `cert/*` rule with the same severity whether it is a file pgpool.conf names (`ssl_cert`, `ssl_key`, `ssl_ca_cert`) or
 * an entry of a `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`, `ca.crt`). Both go through the façade with the real
 * Node.js environment; the certificates are made by the openssl CLI in a temporary folder (nothing is committed).
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Settings } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-cert-policy-'));
after(() => fs.rmSync(DIR, { recursive: true, force: true }));

const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: DIR, stdio: ['ignore', 'pipe', 'ignore'] });
const b64 = (f: string) => fs.readFileSync(path.join(DIR, f)).toString('base64');

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

/**
 * A certificate `name.crt` + `name.key` (mode 0600): self-signed, or issued by `issuer`. `subj` replaces `/CN=<name>`,
 * `ext` adds extension lines, `noKeyIds` leaves out the key identifiers OpenSSL adds by default.
 */
function make(name: string, opts: { issuer?: string; ca?: boolean; days?: number; newkey?: string[]; md?: string; subj?: string; ext?: string; noKeyIds?: boolean } = {}): void {
  fs.writeFileSync(path.join(DIR, `${name}.ext`), (opts.ca
    ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n'
    : 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nsubjectAltName=DNS:db.example\n')
    + (opts.ext ?? '') + (opts.noKeyIds ? 'subjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n' : ''));
  ossl('req', '-new', ...(opts.newkey ?? EC), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', opts.subj ?? `/CN=${name}`);
  const sign = opts.issuer ? ['-CA', `${opts.issuer}.crt`, '-CAkey', `${opts.issuer}.key`, '-CAcreateserial'] : ['-signkey', `${name}.key`];
  ossl('x509', '-req', '-in', `${name}.csr`, ...sign, '-out', `${name}.crt`, '-days', String(opts.days ?? 365), `-${opts.md ?? 'sha256'}`, '-extfile', `${name}.ext`);
  fs.chmodSync(path.join(DIR, `${name}.key`), 0o600);
}

make('root', { ca: true, days: 3650 });
make('client-ca', { ca: true, days: 3650 });
make('srv', { issuer: 'root' });
make('rsa1024', { newkey: ['-newkey', 'rsa:1024'] });
make('p192', { newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime192v1'] });
make('sha1', { issuer: 'root', md: 'sha1' });
make('stranger');
make('short', { issuer: 'root', days: 60 });
// The new checks: an empty subject, a CA named like its server, usages that do not fit the role, a short-lived CA.
make('nosubject', { issuer: 'root', subj: '/' });
make('twin', { ca: true, subj: '/CN=db.example' });
make('samename', { issuer: 'twin', subj: '/CN=db.example', noKeyIds: true });
make('codesign', { issuer: 'root', ext: 'extendedKeyUsage=codeSigning\n' });
make('anyeku', { issuer: 'root', ext: 'extendedKeyUsage=anyExtendedKeyUsage\n' });
make('shortca', { ca: true, days: 30 });
make('fromshort', { issuer: 'shortca' });
fs.writeFileSync(path.join(DIR, 'srvplus.crt'), Buffer.concat(['srv.crt', 'shortca.crt'].map(f => fs.readFileSync(path.join(DIR, f)))));
fs.writeFileSync(path.join(DIR, 'mixed.crt'), Buffer.concat(['shortca.crt', 'root.crt'].map(f => fs.readFileSync(path.join(DIR, f)))));

interface Material {
  /** The server certificate and its key (`ssl_cert`/`ssl_key`, `tls.crt`/`tls.key`). */
  crt: string; key: string;
  /** The CA of client certificates (`ssl_ca_cert`; `ca.crt` of a Secret that CPO mounts with `caFile`). */
  ca?: string;
}

/** The `cert/*` findings as `rule severity`, sorted. */
const graded = (ps: readonly { rule: string; severity: string }[]): string[] => ps.filter(p => p.rule.startsWith('cert/')).map(p => `${p.rule} ${p.severity}`).sort();

/** The same material as pgpool.conf's files and as a Secret's entries: the `cert/*` findings of each. */
function both(m: Material, now?: Date, settings: Partial<Settings> = {}): { pgpoolConf: string[]; secret: string[] } {
  const service = testService(now ? { now: () => now } : {});
  const conf = ['ssl = on', `ssl_cert = '${m.crt}'`, `ssl_key = '${m.key}'`, ...(m.ca ? [`ssl_ca_cert = '${m.ca}'`] : []), ''].join('\n');
  const secret = [
    'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: pg-tls', '  namespace: db', 'type: kubernetes.io/tls', 'data:',
    `  tls.crt: ${b64(m.crt)}`, `  tls.key: ${b64(m.key)}`, ...(m.ca ? [`  ca.crt: ${b64(m.ca)}`] : []),
    // CPO mounts ca.crt as PostgreSQL's ssl_ca_file: the CA of client certificates, as ssl_ca_cert is for Pgpool-II.
    ...(m.ca ? ['---', 'apiVersion: cpo.opensource.cybertec.at/v1', 'kind: postgresql', 'metadata:', '  name: acid', '  namespace: db', 'spec:', '  tls: { secretName: pg-tls, caFile: ca.crt }'] : []),
    '',
  ].join('\n');
  return {
    pgpoolConf: graded(check(service, path.join(DIR, 'pgpool.conf'), conf, settings)),
    secret: graded(check(service, path.join(DIR, 'secrets.yaml'), secret, settings)),
  };
}

test('a weak key: cert/weak-key, an error, in pgpool.conf and in a Secret', () => {
  for (const weak of ['rsa1024', 'p192']) {
    const r = both({ crt: `${weak}.crt`, key: `${weak}.key` });
    assert.deepEqual(r.pgpoolConf, ['cert/weak-key error'], weak);
    assert.deepEqual(r.secret, r.pgpoolConf, weak);
  }
});

test('a bad chain: the server certificate not issued by the client CA is cert/not-signed-by-ca, info, in both', () => {
  const r = both({ crt: 'srv.crt', key: 'srv.key', ca: 'client-ca.crt' });
  assert.deepEqual(r.pgpoolConf, ['cert/not-signed-by-ca info']);
  assert.deepEqual(r.secret, r.pgpoolConf);
  const good = both({ crt: 'srv.crt', key: 'srv.key', ca: 'root.crt' });
  assert.deepEqual(good, { pgpoolConf: [], secret: [] }, 'issued by the CA given');
});

test('an expired certificate: cert/expired, an error, in both (the clock is the environment\'s)', () => {
  const later = new Date(Date.now() + 90 * 86_400_000);
  const r = both({ crt: 'short.crt', key: 'short.key' }, later);
  assert.deepEqual(r.pgpoolConf, ['cert/expired error']);
  assert.deepEqual(r.secret, r.pgpoolConf);
  assert.deepEqual(both({ crt: 'short.crt', key: 'short.key' }), { pgpoolConf: [], secret: [] }, 'still valid today (and not within the 30 days of the expiry warning)');
});

test('a certificate not valid yet: cert/not-yet-valid, an error, in both', () => {
  const earlier = new Date(Date.now() - 2 * 86_400_000);
  const r = both({ crt: 'srv.crt', key: 'srv.key' }, earlier);
  assert.deepEqual(r.pgpoolConf, ['cert/not-yet-valid error']);
  assert.deepEqual(r.secret, r.pgpoolConf);
});

test('the CA\'s role, not the file type, grades a bad chain: info for a CA of client certificates, an error for an anchor', () => {
  const secret = (annotations: string) => [
    'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: pg-tls', annotations, 'type: kubernetes.io/tls', 'data:',
    `  tls.crt: ${b64('srv.crt')}`, `  tls.key: ${b64('srv.key')}`, `  ca.crt: ${b64('client-ca.crt')}`, '',
  ].filter(Boolean).join('\n');
  const service = testService();
  const at = path.join(DIR, 'secret.yaml');
  assert.deepEqual(graded(check(service, at, secret(''))), ['cert/not-signed-by-ca info'], 'unreferenced: ca.crt may be a client CA');
  // cert-manager wrote it: its ca.crt is the CA that issued tls.crt, so clients verifying the server fail.
  assert.deepEqual(graded(check(service, at, secret('  annotations: { cert-manager.io/certificate-name: pg-tls }'))), ['cert/not-signed-by-ca error']);
  // pgpool.conf's ssl_ca_cert is always the CA of client (and backend) certificates.
  assert.deepEqual(both({ crt: 'srv.crt', key: 'srv.key', ca: 'client-ca.crt' }).pgpoolConf, ['cert/not-signed-by-ca info']);
});

test('a SHA-1 signature, a CA file without a CA and a mismatched key get the same rules and severities in both', () => {
  const sha1 = both({ crt: 'sha1.crt', key: 'sha1.key' });
  assert.deepEqual(sha1.pgpoolConf, ['cert/weak-signature error']);
  assert.deepEqual(sha1.secret, sha1.pgpoolConf);
  const notCa = both({ crt: 'srv.crt', key: 'srv.key', ca: 'stranger.crt' });
  assert.deepEqual(notCa.pgpoolConf, ['cert/ca-flags error', 'cert/not-signed-by-ca info']);
  assert.deepEqual(notCa.secret, notCa.pgpoolConf);
  const mismatch = both({ crt: 'srv.crt', key: 'stranger.key' });
  assert.deepEqual(mismatch.pgpoolConf, ['cert/key-mismatch error']);
  assert.deepEqual(mismatch.secret, mismatch.pgpoolConf);
});

test('an empty subject without a critical subjectAltName: cert/empty-name, a warning (Java refuses it, OpenSSL does not), in both', () => {
  const r = both({ crt: 'nosubject.crt', key: 'nosubject.key', ca: 'root.crt' });
  assert.deepEqual(r.pgpoolConf, ['cert/empty-name warning']);
  assert.deepEqual(r.secret, r.pgpoolConf);
});

test('a server certificate named like its CA, without key identifiers: cert/same-name-as-issuer, an error, in both', () => {
  const r = both({ crt: 'samename.crt', key: 'samename.key', ca: 'twin.crt' });
  assert.deepEqual(r.pgpoolConf, ['cert/same-name-as-issuer error']);
  assert.deepEqual(r.secret, r.pgpoolConf);
});

test('an extended key usage that allows no TLS role (codeSigning, or anyExtendedKeyUsage alone): an error in both', () => {
  for (const c of ['codesign', 'anyeku']) {
    const r = both({ crt: `${c}.crt`, key: `${c}.key`, ca: 'root.crt' });
    assert.deepEqual(r.pgpoolConf, ['cert/extended-key-usage error'], c);
    assert.deepEqual(r.secret, r.pgpoolConf, c);
  }
});

test('expiring within pgtls.expiryWarningDays: cert/expiring, a warning, in both', () => {
  const r = both({ crt: 'short.crt', key: 'short.key' }, undefined, { expiryWarningDays: 90 });
  assert.deepEqual(r.pgpoolConf, ['cert/expiring warning']);
  assert.deepEqual(r.secret, r.pgpoolConf);
});

test('an expired CA in a bundle or chain: an error when it is the anchor in use, info when it is an unused extra, in both', () => {
  const later = new Date(Date.now() + 60 * 86_400_000); // shortca has expired, root has not
  const extra = both({ crt: 'srv.crt', key: 'srv.key', ca: 'mixed.crt' }, later);
  assert.deepEqual(extra.pgpoolConf, ['cert/expired info']);
  assert.deepEqual(extra.secret, extra.pgpoolConf);
  const inUse = both({ crt: 'fromshort.crt', key: 'fromshort.key', ca: 'mixed.crt' }, later);
  assert.deepEqual(inUse.pgpoolConf, ['cert/expired error']);
  assert.deepEqual(inUse.secret, inUse.pgpoolConf);
  const offPath = both({ crt: 'srvplus.crt', key: 'srv.key' }, later);
  assert.deepEqual(offPath.pgpoolConf, ['cert/expired info'], 'sent after the server certificate but issued none of it');
  assert.deepEqual(offPath.secret, offPath.pgpoolConf);
  const alone = both({ crt: 'fromshort.crt', key: 'fromshort.key', ca: 'shortca.crt' }, later);
  assert.deepEqual(alone.pgpoolConf, ['cert/expired error'], 'a single CA always matters');
  assert.deepEqual(alone.secret, alone.pgpoolConf);
});
