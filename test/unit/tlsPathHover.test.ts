/**
 * Hover over the certificate, key, CA and CRL path values of pgpool.conf, postgresql.conf and pgbouncer.ini
 * (tlsFiles/paths.ts), through the façade on real files: where the path resolves (the checks' locator: relative paths
 * from the server's folder, absolute ones through the path mappings), what the file holds (subject, SANs, issuer,
 * validity against the environment's clock, key type, whether a key belongs to the configured certificate), and why a
 * path cannot be read. Key material never appears. Also the façade's `tlsFileAt`, which Inspect Certificate follows.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { webcrypto } from 'node:crypto';
import { createCertService, type CertificateAuthority, type IssuedSet } from '../../server/src/certService';
import { DEFAULT_SETTINGS, type Settings, type SourceDocument } from '../../server/src/core/types';
import { testService } from '../helpers';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-pathhover-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const T0 = new Date('2040-01-01T00:00:00Z');
const DAY = 86_400_000;
let set: IssuedSet & { ca: CertificateAuthority };
let other: IssuedSet & { ca: CertificateAuthority };

before(async () => {
  const certs = createCertService({ now: () => T0, crypto: webcrypto as unknown as Crypto });
  set = await certs.createSet({
    ca: { algorithm: 'ecdsa-p256', commonName: 'Hover CA', days: 3650 },
    server: { commonName: 'db.example.com', dnsNames: ['db.example.com', 'db'], ipAddresses: ['10.0.0.5'] },
    leaves: { days: 90 },
  });
  other = await certs.createSet({ ca: { algorithm: 'rsa-2048', commonName: 'Other CA', days: 3650 }, server: { commonName: 'other.example.com', dnsNames: [], ipAddresses: [] } });
  const w = (rel: string, text: string, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text, { mode });
  };
  w('pgpool/certs/server.crt', set.server!.certPem);
  w('pgpool/certs/server.key', set.server!.keyPem, 0o600);
  w('pgpool/certs/other.key', other.server!.keyPem, 0o600);
  w('pgpool/certs/bundle.crt', set.ca.certPem + other.ca.certPem);
  w('pgpool/certs/not-pem.crt', 'hello\n');
  w('pg/data/PG_VERSION', '17\n');
  w('pg/data/server.crt', set.server!.certPem);
  w('pg/nodata/server.crt', set.server!.certPem);
});

function hoverAt(file: string, text: string, needle: string, opts: { settings?: Partial<Settings>; now?: Date } = {}): string | undefined {
  const service = testService({ roots: () => [root], now: () => opts.now ?? new Date(T0.getTime() + 10 * DAY) });
  const abs = path.join(root, file);
  const languageId = service.languageOf(abs)!;
  const doc: SourceDocument = { path: abs, text, languageId, version: 1 };
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in the text`);
  return service.hover(doc, service.parse(doc), at + 1, { ...DEFAULT_SETTINGS, ...opts.settings })?.markdown;
}

const noKeyMaterial = (md: string | undefined) => {
  assert.ok(md);
  assert.doesNotMatch(md, /BEGIN|PRIVATE KEY-----|MI[GIJ][A-Za-z0-9+/]{20}/, 'key material or PEM in the hover');
};

test('pgpool.conf ssl_cert: the relative path resolved from pgpool.conf\'s folder, the certificate described', () => {
  const md = hoverAt('pgpool/pgpool.conf', "ssl = on\nssl_cert = 'certs/server.crt'\n", 'certs/server.crt');
  noKeyMaterial(md);
  assert.match(md!, /\*\*ssl_cert\*\* · the certificate \(chain\) Pgpool-II serves to clients/);
  assert.match(md!, /relative to `\.\/pgpool`: `\.\/pgpool\/certs\/server\.crt`/);
  assert.match(md!, /Subject: `CN=db\.example\.com`/);
  assert.match(md!, /SANs: `DNS:db\.example\.com`, `DNS:db`, `IP:10\.0\.0\.5`/);
  assert.match(md!, /Issuer: `CN=Hover CA`/);
  assert.match(md!, /expires in 80 days/);
  assert.match(md!, /Key: EC P-256/);
});

test('an expired certificate says so', () => {
  const md = hoverAt('pgpool/pgpool.conf', "ssl_cert = 'certs/server.crt'\n", 'certs/server.crt', { now: new Date(T0.getTime() + 100 * DAY) });
  assert.match(md!, /\*\*expired 10 days ago\*\*/);
});

test('pgpool.conf ssl_key: type and mode, and whether it belongs to ssl_cert; never the key', () => {
  const good = hoverAt('pgpool/pgpool.conf', "ssl_cert = 'certs/server.crt'\nssl_key = 'certs/server.key'\n", 'certs/server.key');
  noKeyMaterial(good);
  assert.match(good!, /\*\*private key\*\* · EC P-256 \(prime256v1\) \(`PRIVATE KEY`\) · file mode 0600/);
  assert.match(good!, /It is the key of the certificate in `ssl_cert` \(`CN=db\.example\.com`\)/);
  const bad = hoverAt('pgpool/pgpool.conf', "ssl_cert = 'certs/server.crt'\nssl_key = 'certs/other.key'\n", 'certs/other.key');
  noKeyMaterial(bad);
  assert.match(bad!, /RSA 2048 bits/);
  assert.match(bad!, /It is \*\*not\*\* the key of the certificate in `ssl_cert`/);
});

test('pgpool.conf ssl_ca_cert: a bundle, each certificate', () => {
  const md = hoverAt('pgpool/pgpool.conf', "ssl_ca_cert = 'certs/bundle.crt'\n", 'bundle.crt');
  assert.match(md!, /It holds 2 CA certificates\./);
  assert.match(md!, /Certificate 1 of 2[\s\S]*CN=Hover CA[\s\S]*Certificate 2 of 2[\s\S]*CN=Other CA/);
  assert.match(md!, /CA: yes/);
});

test('a file that is not PEM, a missing file, a path only the server sees', () => {
  assert.match(hoverAt('pgpool/pgpool.conf', "ssl_cert = 'certs/not-pem.crt'\n", 'not-pem')!, /It holds \*\*no certificate\*\*/);
  assert.match(hoverAt('pgpool/pgpool.conf', "ssl_cert = 'certs/gone.crt'\n", 'gone')!, /\*\*It does not exist\*\*, so Pgpool-II cannot load it/);
  const unseen = hoverAt('pgpool/pgpool.conf', "ssl_cert = '/etc/pgpool-hover-test/server.crt'\n", '/etc/pgpool-hover');
  assert.match(unseen!, /outside the workspace and does not exist on this machine/);
  assert.match(unseen!, /where the server runs, e\.g\. in its container/);
  assert.match(unseen!, /pgtls\.pathMappings/);
});

test('an absolute path through pgtls.pathMappings: the mapping is named and the file described', () => {
  const md = hoverAt('pgpool/pgpool.conf', "ssl_cert = '/etc/pgpool2/certs/server.crt'\n", '/etc/pgpool2', {
    settings: { pathMappings: { '/etc/pgpool2/certs': path.join(root, 'pgpool/certs') } },
  });
  assert.match(md!, /Resolves to `\/etc\/pgpool2\/certs\/server\.crt` \(mapped to \.\/pgpool\/certs\/server\.crt by the path mapping \/etc\/pgpool2\/certs\)/);
  assert.match(md!, /CN=db\.example\.com/);
});

test('pgtls.checkFiles off: the hover says pgtls does not look; a value that is not a path has the usual hover', () => {
  assert.match(hoverAt('pgpool/pgpool.conf', "ssl_cert = 'certs/server.crt'\n", 'certs/', { settings: { checkFiles: false } })!, /`pgtls\.checkFiles` is off/);
  assert.match(hoverAt('pgpool/pgpool.conf', 'ssl = on\n', 'on')!, /Pgpool-II reads this as \*\*ON\*\*/);
});

test('postgresql.conf: relative paths from the data directory, or why not', () => {
  const inData = hoverAt('pg/data/postgresql.conf', "ssl = on\nssl_cert_file = 'server.crt'\n", "'server.crt'");
  assert.match(inData!, /\*\*ssl_cert_file\*\* · the certificate \(chain\) PostgreSQL serves to clients/);
  assert.match(inData!, /relative to `\.\/pg\/data`/);
  assert.match(inData!, /CN=db\.example\.com/);
  const unknown = hoverAt('pg/nodata/postgresql.conf', "ssl_cert_file = 'server.crt'\n", "'server.crt'");
  assert.match(unknown!, /PostgreSQL opens a relative path from its data directory, which pgtls does not know here/);
  const absolute = hoverAt('pg/nodata/postgresql.conf', `ssl_ca_file = '${path.join(root, 'pgpool/certs/bundle.crt')}'\n`, 'bundle');
  assert.match(absolute!, /It holds 2 CA certificates/);
});

test('pgbouncer.ini: both sides, relative paths not followed, the key matched against its own side\'s certificate', () => {
  const certs = path.join(root, 'pgpool/certs');
  const ini = [
    '[pgbouncer]',
    `client_tls_cert_file = ${certs}/server.crt`,
    `client_tls_key_file = ${certs}/server.key`,
    'client_tls_ca_file = root.crt',
    `server_tls_cert_file = ${certs}/server.crt`,
    `server_tls_key_file = ${certs}/other.key`,
    '',
  ].join('\n');
  const clientKey = hoverAt('bouncer/pgbouncer.ini', ini, `${certs}/server.key`);
  assert.match(clientKey!, /the private key of that certificate/);
  assert.match(clientKey!, /It is the key of the certificate in `client_tls_cert_file`/);
  const serverKey = hoverAt('bouncer/pgbouncer.ini', ini, `${certs}/other.key`);
  assert.match(serverKey!, /the private key of that client certificate/);
  assert.match(serverKey!, /\*\*not\*\* the key of the certificate in `server_tls_cert_file`/);
  const rel = hoverAt('bouncer/pgbouncer.ini', ini, 'root.crt');
  assert.match(rel!, /PgBouncer opens a relative path from its working directory/);
  const serverCert = hoverAt('bouncer/pgbouncer.ini', ini, `${certs}/server.crt\nserver_tls_key`);
  assert.match(serverCert!, /the client certificate PgBouncer presents to servers/);
});

// Settings in included files count as the checks count them (issue 12: the key set in an included file still pairs).
test('pgpool.conf: ssl_cert here, ssl_key in an included file (a real file on disk): each hover pairs with the other', () => {
  const dir = path.join(root, 'pgpool-inc');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(root, 'pgpool/certs/server.crt'), path.join(dir, 'server.crt'));
  fs.writeFileSync(path.join(dir, 'tls.conf'), "ssl_key = '/dev/null'\nssl_key = 'keys/server.key'\n");
  fs.mkdirSync(path.join(dir, 'keys'), { recursive: true });
  fs.copyFileSync(path.join(root, 'pgpool/certs/server.key'), path.join(dir, 'keys/server.key'));
  fs.chmodSync(path.join(dir, 'keys/server.key'), 0o600);
  const text = "ssl = on\nssl_cert = 'server.crt'\ninclude = 'tls.conf'\n";
  const cert = hoverAt('pgpool-inc/pgpool.conf', text, "'server.crt'");
  noKeyMaterial(cert);
  assert.match(cert!, /Subject: `CN=db\.example\.com`/);
  assert.match(cert!, /Its private key is the one in `ssl_key` \(set in `\.\/pgpool-inc\/tls\.conf`\)\./);
  // The included key is not one of this document's values: no hover on a place that is only in tls.conf.
  assert.doesNotMatch(hoverAt('pgpool-inc/pgpool.conf', text, "'tls.conf'") ?? '', /ssl_key/);
  // The other way round: the key here, the certificate in the included file; a key that is not the certificate's.
  fs.writeFileSync(path.join(dir, 'cert.conf'), "ssl_cert = 'server.crt'\n");
  fs.copyFileSync(path.join(root, 'pgpool/certs/other.key'), path.join(dir, 'keys/other.key'));
  const both = "ssl = on\ninclude = 'cert.conf'\nssl_key = 'keys/other.key'\n";
  const key = hoverAt('pgpool-inc/pgpool.conf', both, 'keys/other.key');
  noKeyMaterial(key);
  assert.match(key!, /It is \*\*not\*\* the key of the certificate in `ssl_cert` \(set in `\.\/pgpool-inc\/cert\.conf`\) \(`CN=db\.example\.com`\): Pgpool-II cannot use the pair/);
  // Without the include line the certificate is not paired (nothing is made up).
  assert.doesNotMatch(hoverAt('pgpool-inc/pgpool.conf', "ssl = on\nssl_cert = 'server.crt'\n", "'server.crt'")!, /private key/);
});

test('postgresql.conf: ssl_key_file in an include_dir file, ssl_cert_file in an include_if_exists file, both read from the data directory', () => {
  const data = path.join(root, 'pg-inc');
  fs.mkdirSync(path.join(data, 'conf.d'), { recursive: true });
  fs.writeFileSync(path.join(data, 'PG_VERSION'), '17\n');
  fs.copyFileSync(path.join(root, 'pgpool/certs/server.crt'), path.join(data, 'server.crt'));
  fs.copyFileSync(path.join(root, 'pgpool/certs/server.key'), path.join(data, 'server.key'));
  fs.chmodSync(path.join(data, 'server.key'), 0o600);
  fs.writeFileSync(path.join(data, 'conf.d', '10-tls.conf'), "ssl_key_file = 'server.key'\n");
  fs.writeFileSync(path.join(data, 'tls-cert.conf'), "ssl_cert_file = 'server.crt'\n");
  const withDir = "ssl = on\nssl_cert_file = 'server.crt'\ninclude_dir 'conf.d'\n";
  assert.match(hoverAt('pg-inc/postgresql.conf', withDir, "'server.crt'")!, /Its private key is the one in `ssl_key_file` \(set in `\.\/pg-inc\/conf\.d\/10-tls\.conf`\)/);
  const withFile = "ssl = on\ninclude_if_exists 'tls-cert.conf'\nssl_key_file = 'server.key'\n";
  assert.match(hoverAt('pg-inc/postgresql.conf', withFile, "'server.key'")!, /It is the key of the certificate in `ssl_cert_file` \(set in `\.\/pg-inc\/tls-cert\.conf`\)/);
});

test('tlsFileAt: the file under the cursor for Inspect Certificate, or why there is none', () => {
  const service = testService({ roots: () => [root], now: () => T0 });
  const abs = path.join(root, 'pgpool/pgpool.conf');
  const text = "ssl_cert = 'certs/server.crt'\nssl_ca_cert = '/etc/pgpool-hover-test/ca.crt'\nport = 9999\n";
  const doc: SourceDocument = { path: abs, text, languageId: 'pgpool-conf', version: 1 };
  const parsed = service.parse(doc);
  const at = (needle: string) => service.tlsFileAt(doc, parsed, text.indexOf(needle) + 2, DEFAULT_SETTINGS);
  const cert = at('certs/server.crt');
  assert.equal(cert?.path, path.join(root, 'pgpool/certs/server.crt'));
  assert.equal(cert?.onDisk, true);
  assert.equal(cert?.role, 'cert');
  assert.ok(cert?.text?.includes('BEGIN CERTIFICATE'));
  const unseen = at('/etc/pgpool-hover-test');
  assert.equal(unseen?.text, undefined);
  assert.match(unseen!.unreadable!, /outside the workspace/);
  assert.equal(at('9999'), undefined);
});
