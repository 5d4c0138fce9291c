/**
 * `pgtls probe` against real servers on 127.0.0.1 (issue 11, "Proof"): one PostgreSQL 15 reconfigured between cells
 * (a good certificate, a certificate for another host, an expired one, a self-signed one, no client certificates,
 * ssl = off), then Pgpool-II and PgBouncer in front of it, each with certificate authentication. Every answer is
 * checked against what the server was given; the probe dials only the ports these servers listen on.
 *
 *   node --import tsx --test test/interop/probe.test.ts
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import { generateSet } from '../../server/src/certs/generate';
import { probeServer, type ProbeReport } from '../../server/src/node/probe';
import { runCli } from '../../server/src/cli/main';
import { assertTools, missing } from '../requires';
import { freePorts } from '../ports';
import { PgCluster, Pgpool, Sandbox, requiredTools, type PgSslFiles } from './pgCluster';
import { PGBOUNCER, PgBouncer } from './pgbouncer';

const crypto = webcrypto as unknown as Crypto;
const TOOLS = [...requiredTools(), PGBOUNCER, 'openssl'];
const DAY = 86_400_000;
const HBA_CERT = 'local all all trust\nhostssl all all 127.0.0.1/32 cert\n';
const HBA_SCRAM = 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n';
const HBA_BEHIND_POOLERS = 'local all all trust\nhost all all 127.0.0.1/32 trust\n';

const ids = (r: ProbeReport) => r.findings.map(f => f.id);
const show = (r: ProbeReport) => `${JSON.stringify({ ...r, chain: r.chain.map(c => c.subject) }, null, 1)}`;

test('pgtls probe against PostgreSQL 15, Pgpool-II and PgBouncer', { skip: missing(...TOOLS), timeout: 5 * 60_000 }, async t => {
  assertTools(...TOOLS);
  const sb = Sandbox.create('pgtls-probe-');
  let pg: PgCluster | undefined;
  let pool: Pgpool | undefined;
  let bouncer: PgBouncer | undefined;
  try {
    const now = new Date();
    sb.dir('tls');
    const write = (prefix: string, set: Record<string, string>) => ({
      ca: sb.file(`tls/${prefix}ca.crt`, set['ca.crt']!),
      cert: sb.file(`tls/${prefix}server.crt`, set['server.crt']!), key: sb.file(`tls/${prefix}server.key`, set['server.key']!, 0o600),
      clientCert: sb.file(`tls/${prefix}client.crt`, set['client.crt']!), clientKey: sb.file(`tls/${prefix}client.key`, set['client.key']!, 0o600),
    });
    const [goodSet, wrongSet, oldSet] = await Promise.all([
      generateSet({ serverName: 'localhost', sans: ['127.0.0.1'], clientUser: 'postgres', now, crypto }),
      generateSet({ serverName: 'db.example.com', clientUser: 'postgres', now, crypto }),
      // made 500 days ago: the leaf (397 days) has expired, its CA (10 years) has not
      generateSet({ serverName: 'localhost', sans: ['127.0.0.1'], clientUser: 'postgres', now: new Date(now.getTime() - 500 * DAY), crypto }),
    ]);
    const goodCaName = 'pgtls development CA for localhost';
    const good = write('good-', goodSet), wrong = write('wrong-', wrongSet), old = write('old-', oldSet);
    const made = { cert: sb.path('tls', 'openssl-self.crt'), key: sb.path('tls', 'openssl-self.key') };
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '30', '-keyout', made.key, '-out', made.cert], { stdio: 'pipe' });
    // rewritten through the sandbox, so that the server account owns them
    const selfCert = sb.file('tls/self.crt', fs.readFileSync(made.cert, 'utf8'));
    const selfKey = sb.file('tls/self.key', fs.readFileSync(made.key, 'utf8'), 0o600);
    const ssl = (s: { cert: string; key: string }, ca: string, extra?: string[]): PgSslFiles => ({ cert: s.cert, key: s.key, ca, ...(extra ? { extra } : {}) });

    pg = await PgCluster.init(sb);
    await pg.start(ssl(good, good.ca), HBA_CERT);
    const port = pg.port;
    const probe = (o: Partial<Parameters<typeof probeServer>[0]> = {}) =>
      probeServer({ host: '127.0.0.1', port, caFile: good.ca, cwd: sb.root, home: sb.root, timeoutMs: 15_000, ...o });

    await t.test('a good server: verifies, the name matches, cert auth works, a client certificate is requested', async () => {
      const r = await probe({ certFile: good.clientCert, keyFile: good.clientKey, user: 'postgres' });
      assert.equal(r.exitCode, 0, show(r));
      assert.equal(r.answer, 'S');
      assert.equal(r.handshake?.protocol, 'TLSv1.3');
      assert.equal(r.ca?.authorized, true, show(r));
      assert.equal(r.nameMatches, true);
      assert.equal(r.clientCert?.presented, 2, 'server.crt holds the leaf only, yet the Certificate message holds the leaf and the CA: OpenSSL completes the chain from the ssl_ca_file store');
      assert.deepEqual(r.chain.map(c => c.commonName), ['localhost', goodCaName]);
      assert.equal(r.certAuth?.outcome, 'ok', show(r));
      assert.deepEqual([r.clientCert?.requested, r.clientCert?.refused], [true, false], 'PostgreSQL asks (ssl_ca_file) but decides per pg_hba.conf line');
      assert.ok(ids(r).includes('probe/cert-auth-ok'));
      t.diagnostic(`good: ${r.handshake?.protocol} ${r.handshake?.cipher}, ${r.chain[0]!.daysLeft} days left`);
    });

    await t.test('the wrong user for the certificate: the server\'s refusal is shown', async () => {
      await pg!.adminOk('CREATE ROLE someone LOGIN');
      const r = await probe({ certFile: good.clientCert, keyFile: good.clientKey, user: 'someone' });
      assert.equal(r.exitCode, 1);
      assert.equal(r.certAuth?.outcome, 'error', show(r));
      assert.match(r.certAuth?.message ?? '', /certificate authentication failed for user "someone"/);
    });

    await t.test('the CLI: text and JSON, exit codes', async () => {
      let out = '';
      const io = { out: (s: string) => { out += s; }, err: () => undefined };
      assert.equal(await runCli(['probe', `127.0.0.1:${port}`, '--ca', good.ca], io), 0, out);
      assert.match(out, /TLS accepted: +yes/);
      assert.match(out, /Host name: +matches "127\.0\.0\.1"/);
      assert.doesNotMatch(out, /PRIVATE KEY/);
      out = '';
      const [closed] = await freePorts(1);
      assert.equal(await runCli(['probe', `127.0.0.1:${closed}`, '--format', 'json', '--timeout', '5'], io), 2, 'nobody listens there: unreachable');
      out = '';
      assert.equal(await runCli(['probe', `127.0.0.1:${port}`, '--ca', good.ca, '--format', 'json', '--cert', good.clientCert, '--key', good.clientKey, '--user', 'postgres'], io), 0);
      const j = JSON.parse(out) as { certAuth: { outcome: string }; chain: unknown[] };
      assert.equal(j.certAuth.outcome, 'ok');
      assert.equal(j.chain.length, 2);
      assert.doesNotMatch(out, /PRIVATE KEY/);
    });

    await t.test('a certificate for another host: name mismatch, the chain still verifies', async () => {
      await pg!.reconfigure({ ssl: ssl(wrong, wrong.ca) });
      const r = await probe({ caFile: wrong.ca });
      assert.equal(r.exitCode, 1);
      assert.equal(r.ca?.authorized, true, show(r));
      assert.equal(r.nameMatches, false);
      assert.ok(ids(r).includes('probe/name-mismatch'), show(r));
      const byName = await probe({ caFile: wrong.ca, host: '127.0.0.1' });
      assert.equal(byName.nameMatches, false);
    });

    await t.test('an expired certificate: cert/expired and OpenSSL\'s CERT_HAS_EXPIRED', async () => {
      await pg!.reconfigure({ ssl: ssl(old, old.ca) });
      const r = await probe({ caFile: old.ca });
      assert.equal(r.exitCode, 1);
      assert.equal(r.ca?.error, 'CERT_HAS_EXPIRED', show(r));
      assert.equal(r.chain[0]!.validity, 'expired');
      assert.ok(r.chain[0]!.daysLeft < 0);
      assert.ok(ids(r).includes('cert/expired'), show(r));
    });

    await t.test('a self-signed certificate: fails against the CA, verifies against itself, flagged without a CA', async () => {
      await pg!.reconfigure({ ssl: ssl({ cert: selfCert, key: selfKey }, good.ca) });
      const r = await probe();
      assert.equal(r.ca?.error, 'DEPTH_ZERO_SELF_SIGNED_CERT', show(r));
      assert.ok(ids(r).includes('probe/verify-failed'));
      assert.equal(r.exitCode, 1);
      const itself = await probe({ caFile: selfCert });
      assert.equal(itself.ca?.authorized, true, show(itself));
      assert.equal(itself.exitCode, 0, show(itself));
      const none = await probe({ caFile: undefined });
      assert.equal(none.ca, undefined);
      assert.ok(ids(none).includes('probe/self-signed') && ids(none).includes('probe/not-verified'), show(none));
    });

    await t.test('no client certificates: not requested; a password is asked instead of relying on the certificate', async () => {
      await pg!.reconfigure({ ssl: ssl(good, ''), hba: HBA_SCRAM });
      const r = await probe({ certFile: good.clientCert, keyFile: good.clientKey, user: 'postgres' });
      assert.equal(r.clientCert?.requested, false, show(r));
      assert.ok(ids(r).includes('probe/client-cert-not-requested'));
      assert.equal(r.certAuth?.outcome, 'sasl', show(r));
      assert.ok(ids(r).includes('probe/cert-auth-not-used'));
      assert.equal(r.exitCode, 1);
    });

    await t.test('ssl = off: the answer is N', async () => {
      await pg!.reconfigure({ ssl: ssl(good, good.ca, ['ssl = off']), hba: HBA_CERT });
      const r = await probe();
      assert.equal(r.answer, 'N');
      assert.ok(ids(r).includes('probe/tls-refused'));
      assert.equal(r.exitCode, 1);
    });

    await t.test('--direct against PostgreSQL 15: refused, with the reason', async () => {
      const r = await probe({ mode: 'direct' });
      assert.equal(r.handshake?.ok, false, show(r));
      assert.match(r.findings.find(f => f.id === 'probe/handshake-failed')?.message ?? '', /PostgreSQL 17/);
      assert.equal(r.exitCode, 1);
    });

    await pg.reconfigure({ ssl: ssl(good, good.ca), hba: HBA_BEHIND_POOLERS });
    [pool, bouncer] = await Promise.all([
      Pgpool.start(sb, { dir: 'pgpool', backendHost: '127.0.0.1', backendPort: port, ssl: ssl(good, good.ca), poolHba: 'hostssl all all 127.0.0.1/32 cert\n', poolPasswd: '' }),
      PgBouncer.start(sb, {
        dir: 'bouncer', backendPort: port, authType: 'cert', userlist: '"postgres" ""\n',
        extra: ['client_tls_sslmode = verify-full', `client_tls_cert_file = ${good.cert}`, `client_tls_key_file = ${good.key}`, `client_tls_ca_file = ${good.ca}`],
      }),
    ]);

    await t.test('through Pgpool-II: verifies, cert auth works', async () => {
      const r = await probe({ port: pool!.port, certFile: good.clientCert, keyFile: good.clientKey, user: 'postgres' });
      assert.equal(r.exitCode, 0, `${show(r)}\n${pool!.log.slice(-2000)}`);
      assert.equal(r.certAuth?.outcome, 'ok');
      assert.equal(r.nameMatches, true);
      t.diagnostic(`pgpool ${pool!.version}: ${r.handshake?.protocol}, client certificate requested ${String(r.clientCert?.requested)}, refused without ${String(r.clientCert?.refused)}`);
    });

    await t.test('through PgBouncer (client_tls_sslmode = verify-full): a client certificate is required, cert auth works', async () => {
      const r = await probe({ port: bouncer!.port, certFile: good.clientCert, keyFile: good.clientKey, user: 'postgres', database: 'postgres' });
      assert.equal(r.exitCode, 0, `${show(r)}\n${bouncer!.log.slice(-2000)}`);
      assert.equal(r.certAuth?.outcome, 'ok');
      assert.deepEqual([r.clientCert?.requested, r.clientCert?.refused], [true, true], show(r));
      assert.ok(ids(r).includes('probe/client-cert-required'));
    });
  } finally {
    await Promise.all([pool?.stop(), bouncer?.stop()]);
    await pg?.stop();
    sb.dispose();
  }
});
