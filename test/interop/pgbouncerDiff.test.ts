/**
 * Differential test: pgtls (`--pgbouncer-version 1.18`) against the real PgBouncer 1.18 (Debian's package) on the
 * generated corpus of pgbouncerCorpus.ts (about 340 pgbouncer.ini files with their userlist.txt, auth_hba_file and
 * included files, and certificate files made once per run with openssl).
 *
 * Every file is started for real: `pgbouncer FILE` in the foreground as `postgres` (setpriv, pgCluster.ts's
 * ServerProcess), on 127.0.0.1 and a free port, its Unix socket in the entry's folder, logging to stderr. "Refuses"
 * is an exit before "process up"; a started one gets an SSLRequest + TLS handshake (tlsProbe: 'S' + handshake, or
 * 'N') and is stopped. The verdicts, per file:
 *  - PgBouncer refuses to start ⇒ pgtls reports an error;
 *  - it starts ⇒ pgtls reports no error, unless the error is one of STARTS_BUT (an error for a file PgBouncer loads but
 *    then refuses logins or TLS with): those are checked by what they claim (a TLS handshake that fails, a login by a
 *    user of the userlist refused before any server is asked), or carry the reason they cannot be observed here;
 *  - it starts ⇒ it serves TLS to clients ('S' and a handshake) exactly when the file's effective client_tls_sslmode is
 *    not `disable`, and a failing handshake is a pgtls error (clients cannot use TLS).
 * Disagreements that belong to another part of pgtls are listed in KNOWN with the reason; they run as `todo`.
 *
 * Run: node --import tsx --test test/interop/pgbouncerDiff.test.ts
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, testService } from '../helpers';
import { assertTools, missing } from '../requires';
import { BIND_FAILED, freePorts } from '../ports';
import { LineIndex } from '../../server/src/core/text';
import type { Problem, Settings } from '../../server/src/core/types';
import { PSQL, Sandbox, ServerProcess, describeRun, run, tlsProbe, type RunResult, type TlsProbeResult } from './pgCluster';
import { pool } from './pgpoolOracle';
import { type BouncerEntry, type CertFiles, PGBOUNCER, bouncerCorpus } from './pgbouncerCorpus';

const TOOLS = [PGBOUNCER, 'openssl', 'psql', ...(process.getuid?.() === 0 ? ['setpriv', 'id'] : [])];
const SETTINGS: Partial<Settings> = { pgbouncerVersion: '1.18', checkFiles: true };
const PARALLEL = 6;

/** Entries (by their numbered name; the corpus is seeded) whose disagreement belongs to another part of pgtls, with the reason. */
const KNOWN: Record<string, string> = {
};

/**
 * pgtls errors for files PgBouncer loads: 'login' = every login fails (checked: alice, whose password is in the
 * userlist, is refused before PgBouncer asks a server), 'handshake' = clients cannot complete TLS (checked by the
 * probe), 'no-tls' = PgBouncer serves no TLS to clients (checked by the probe), or the reason it is not observable here.
 */
const STARTS_BUT: Record<string, 'login' | 'handshake' | string> = {
  'pgbouncer-ini/auth-hba-file-required': 'login',
  'pgbouncer-ini/tls-file-missing': 'login',
  'pgbouncer-ini/client-tls-curve': 'handshake',
  'pgbouncer-ini/client-tls-no-modern-protocol': 'handshake',
  'pgbouncer-ini/main-section-reset': 'no-tls',
};

/** The server-side TLS files are only paths at start (libusual `tls_config_set_*_file` keeps the string). */
const SERVER_FILES = 'a server_tls_* file is read at each connection to PostgreSQL, and this test runs no PostgreSQL behind PgBouncer';

interface Verdict {
  started: boolean;
  status: string;
  log: string;
  probe?: TlsProbeResult;
  login?: RunResult;
}

/** CA, a CA-signed RSA 2048 server pair, an EC pair, a 1024-bit RSA pair, a stray key, garbage, a folder. */
function makeCerts(sb: Sandbox): CertFiles {
  const d = sb.dir('certs', 0o755);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: 'pipe' });
  const subj = (cn: string) => ['-subj', `/CN=${cn}`];
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', ...subj('pgtls diff CA'));
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', ...subj('localhost'));
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '30');
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ec.key', '-out', 'ec.crt', '-days', '30', ...subj('localhost'));
  ssl('req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'weak.key', '-out', 'weak.crt', '-days', '30', ...subj('localhost'));
  ssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'other.key');
  fs.writeFileSync(path.join(d, 'garbage.pem'), 'this is not a PEM file\n');
  fs.mkdirSync(path.join(d, 'folder.pem'));
  for (const f of fs.readdirSync(d)) { fs.chmodSync(path.join(d, f), f.endsWith('.key') ? 0o600 : 0o755); sb.own(path.join(d, f)); }
  const p = (f: string) => path.join(d, f);
  return {
    ca: p('ca.crt'), cert: p('server.crt'), key: p('server.key'), ecCert: p('ec.crt'), ecKey: p('ec.key'),
    weakCert: p('weak.crt'), weakKey: p('weak.key'), otherKey: p('other.key'), garbage: p('garbage.pem'), folder: p('folder.pem'), missing: p('missing.pem'),
  };
}

const fill = (s: string, dir: string, port: number) => s.replaceAll('@DIR@', dir).replaceAll('@PORT@', String(port));

/**
 * client_tls_sslmode as PgBouncer ends up with it: the last one in [pgbouncer], following %include; `disable` if none,
 * and `disable` again at every [pgbouncer] header (libusual's fill_defaults sets the section's settings back there).
 */
function effectiveClientMode(text: string, files: Record<string, string>, dir: string): string {
  let mode = 'disable';
  let section = '';
  const walk = (t: string, depth: number) => {
    for (const raw of t.split(/\r?\n/)) {
      const line = raw.trim();
      const inc = /^%include\s+(\S+)/.exec(line);
      if (inc && depth < 5) { const rel = path.relative(dir, inc[1]!); if (files[rel] !== undefined) walk(files[rel]!, depth + 1); continue; }
      const sec = /^\[([^\]]*)\]/.exec(line);
      if (sec) { section = sec[1]!.trim().toLowerCase(); if (section === 'pgbouncer') mode = 'disable'; continue; }
      const kv = /^([^=;#]+?)\s*=\s*(.*)$/.exec(line);
      if (kv && section === 'pgbouncer' && kv[1]!.toLowerCase() === 'client_tls_sslmode') mode = kv[2]!.trim().toLowerCase();
    }
  };
  walk(text, 0);
  return mode;
}

async function startOnce(sb: Sandbox, e: BouncerEntry, port: number, needLogin: boolean): Promise<Verdict & { bindFailed: boolean }> {
  const rel = `c/${e.name}`;
  const dir = sb.path(rel);
  const ini = path.join(dir, 'pgbouncer.ini');
  const srv = ServerProcess.spawn('pgbouncer', PGBOUNCER, [ini], { env: sb.env, cwd: dir, account: sb.account });
  const started = await srv.waitFor(/ process up: /, 15_000);
  const v: Verdict = { started, status: srv.exitStatus, log: '' };
  if (started) {
    v.probe = await tlsProbe(port, 5000);
    if (needLogin) {
      v.login = await run(PSQL, ['-X', '-w', '-c', 'select 1', `host=127.0.0.1 port=${port} dbname=app user=alice password=alicepw sslmode=prefer connect_timeout=3`],
        { env: sb.env, cwd: dir, account: sb.account, timeoutMs: 4000 });
    }
  }
  await srv.stop(3000);
  v.log = srv.log;
  return { ...v, bindFailed: !started && BIND_FAILED.test(srv.log) };
}

function numbered(text: string): string {
  return text.split('\n').map((l, i) => `${String(i + 1).padStart(4)}| ${JSON.stringify(l).slice(1, -1)}`).join('\n');
}

function describe(text: string, problems: readonly Problem[]): string {
  if (problems.length === 0) return '    (no problems)';
  const idx = new LineIndex(text);
  return problems.map(p => `    ${idx.positionAt(p.span[0]).line + 1}:${idx.positionAt(p.span[0]).character + 1} ${p.severity} ${p.rule}: ${p.message}`).join('\n');
}

function lineOf(text: string, at: number): string {
  return text.slice(text.lastIndexOf('\n', at - 1) + 1, (text.indexOf('\n', at) + 1 || text.length + 1) - 1);
}

/**
 * The login was refused by PgBouncer itself: psql failed at once. After a successful authentication PgBouncer waits
 * for the server of [databases] (port 1, where nothing listens), so psql times out instead.
 */
const loginRefused = (r: RunResult | undefined): boolean => !!r && !r.timedOut && r.code !== 0 && !/server login has been failing|server conn crashed|no more connections/i.test(r.stderr);

test('differential: pgtls vs the real PgBouncer 1.18', { skip: missing(...TOOLS), timeout: 10 * 60_000 }, async t => {
  assertTools(...TOOLS);
  const version = execFileSync(PGBOUNCER, ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  assert.match(version, /PgBouncer 1\.18\./, `this test compares with PgBouncer 1.18; found ${version}`);
  const sb = Sandbox.create('pgtls-bouncer-diff-');
  // pgtls runs as `pgtls check` on the sandbox would: the sandbox is the workspace, so a missing file there is real.
  const service = testService({ roots: () => [sb.root] });
  try {
    const certs = makeCerts(sb);
    const corpus = bouncerCorpus(certs);
    const t0 = Date.now();
    const texts = new Map<string, { text: string; problems: Problem[]; mode: string }>();
    const verdicts = await pool(corpus, PARALLEL, async e => {
      const rel = `c/${e.name}`;
      const dir = sb.dir(rel, 0o755);
      for (let attempt = 1; ; attempt++) {
        const [port] = await freePorts(1);
        const text = fill(e.ini, dir, port!);
        const files = Object.fromEntries(Object.entries(e.files).map(([k, v]) => [k, fill(v, dir, port!)]));
        for (const [f, body] of Object.entries(files)) sb.file(`${rel}/${f}`, body, 0o644);
        sb.file(`${rel}/pgbouncer.ini`, text, 0o644);
        const problems = check(service, path.join(dir, 'pgbouncer.ini'), text, SETTINGS, 'pgbouncer-ini');
        texts.set(e.name, { text, problems, mode: effectiveClientMode(text, files, dir) });
        const needLogin = problems.some(p => p.severity === 'error' && STARTS_BUT[p.rule] === 'login');
        const v = await startOnce(sb, e, port!, needLogin);
        if (!v.bindFailed || attempt >= 3) return v;
      }
    });
    const started = verdicts.filter(v => v.started).length;
    const tlsServed = verdicts.filter(v => v.probe?.answer === 'S').length;
    const disagreements: string[] = [];
    t.diagnostic(`${corpus.length} files: PgBouncer starts ${started}, refuses ${corpus.length - started}; serves TLS on ${tlsServed} (${Date.now() - t0} ms)`);

    await t.test('corpus: at least 300 files, both verdicts, TLS both ways', () => {
      assert.ok(corpus.length >= 300, `only ${corpus.length} files`);
      assert.equal(new Set(corpus.map(e => e.name)).size, corpus.length, 'names are unique');
      assert.ok(started > 50 && corpus.length - started > 50, `PgBouncer starts ${started} of ${corpus.length}`);
      assert.ok(tlsServed > 10, `TLS served by only ${tlsServed}`);
    });
    await t.test('oracle calibration: a good TLS file serves TLS, no certificate refuses to start', () => {
      const good = corpus.findIndex(e => e.name.endsWith('client-tls-good'));
      assert.ok(verdicts[good]?.started && verdicts[good]!.probe?.answer === 'S' && !verdicts[good]!.probe?.error, `good TLS file: ${verdicts[good]?.status}\n${verdicts[good]?.log}`);
      const none = corpus.findIndex(e => e.name.endsWith('include-tls-no-files'));
      assert.ok(!verdicts[none]!.started, `client_tls_sslmode = require without files started:\n${verdicts[none]!.log}`);
    });

    for (const [i, e] of corpus.entries()) {
      const v = verdicts[i]!;
      const { text, problems, mode } = texts.get(e.name)!;
      await t.test(e.name, { todo: KNOWN[e.name] }, () => {
        const report = (why: string) => [
          `${e.name} (${e.note}): ${why}`, '--- pgbouncer.ini ---', numbered(text),
          ...Object.entries(e.files).map(([f, b]) => `--- ${f} ---\n${numbered(b)}`),
          `--- PgBouncer: ${v.started ? `STARTED; SSLRequest → ${v.probe?.answer}${v.probe?.error ? ` (${v.probe.error})` : ''}` : `REFUSED (${v.status})`} ---`,
          v.log.split('\n').filter(l => / (ERROR|FATAL|WARNING) /.test(l)).map(l => `    ${l.replace(/^\S+ \S+ \S+ \[\d+\] /, '')}`).join('\n') || '    (no errors logged)',
          ...(v.login ? [`--- login as alice: ${describeRun(v.login)}`] : []),
          '--- pgtls problems ---', describe(text, problems),
        ].join('\n');
        const fail = (why: string) => { disagreements.push(e.name); assert.fail(report(why)); };
        assert.equal(problems.filter(p => p.rule === 'pgtls/internal-error').length, 0, report('pgtls failed internally'));
        const errors = problems.filter(p => p.severity === 'error');
        if (!v.started) {
          if (errors.length === 0) fail('PgBouncer refuses to start, but pgtls reports no error');
          return;
        }
        const handshakeFailed = v.probe?.answer === 'S' && !!v.probe.error;
        if (handshakeFailed && errors.length === 0) fail('PgBouncer answers S but the TLS handshake fails (clients cannot use TLS), and pgtls reports no error');
        if (mode !== 'disable' && v.probe?.answer !== 'S' && errors.length === 0) fail(`client_tls_sslmode = ${mode}, but PgBouncer serves no TLS, and pgtls reports no error`);
        if (mode === 'disable' && v.probe?.answer === 'S') fail('the file leaves client TLS off, but PgBouncer serves TLS: the test\'s prediction is wrong');
        // An error on a server_tls_* line claims that connections to PostgreSQL fail: not observable here (SERVER_FILES).
        const serverSide = (p: { span: readonly number[] }): boolean => /^\s*server_tls_/i.test(lineOf(text, p.span[0]!));
        for (const p of errors) {
          if (serverSide(p)) continue;
          const how = STARTS_BUT[p.rule];
          if (how === undefined) fail(`pgtls reports ${p.rule}, but PgBouncer starts${v.probe?.answer === 'S' && !handshakeFailed ? ' and serves TLS' : ''}`);
          else if (how === 'handshake' && !handshakeFailed) fail(`pgtls reports ${p.rule} (TLS handshakes fail), but the handshake succeeds`);
          else if (how === 'no-tls' && v.probe?.answer === 'S') fail(`pgtls reports ${p.rule} (client TLS off), but PgBouncer serves TLS`);
          else if (how === 'login' && !loginRefused(v.login)) {
            fail(`pgtls reports ${p.rule} (logins fail), but PgBouncer let alice through to the server`);
          }
        }
      });
    }
    t.diagnostic(`disagreements (known ones included): ${disagreements.length}${disagreements.length ? ` (${disagreements.join(', ')})` : ''}; known: ${Object.keys(KNOWN).length}; ${SERVER_FILES} (server-side missing files are not observed)`);
  } finally {
    sb.dispose();
  }
});
