/**
 * pool_passwd against the real Pgpool-II (Debian's 4.3.5, in front of PostgreSQL 15): for every case a user, the
 * lines pool_passwd holds for it, the pool_hba.conf method of its line and the password a client logs in with.
 * Pgpool-II must answer as the case says (so the behaviour pgtls encodes is the server's), and pgtls must have an
 * error on that user (its pool_hba.conf line or its pool_passwd lines) exactly when the case says so: every pgtls
 * error is a refused login, and every refused login is a pgtls error or, where the refusal depends on what the author
 * meant (a blank, a colon, a backslash kept or dropped), a warning.
 *
 * Two runs (and pg_md5's own append, which the no-final-newline rule is about): two backends (native replication, both the same PostgreSQL) and one backend (raw mode), where md5 without
 * an entry is refused since the fix for CVE-2025-46801 that Debian's 4.3.5-1+deb12u1 carries: pgtls says so as a
 * warning for 4.3 (upstream 4.3 releases before 4.3.15 passed md5 on to the backend).
 *
 *   node --import tsx --test test/interop/poolPasswdOracle.test.ts
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSet } from '../../server/src/certs/generate';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';
import { missing, which } from '../requires';
import { PgCluster, Pgpool, Sandbox, describeRun, leftoverShm, psql, requiredTools, type PgSslFiles } from './pgCluster';

const SKIP = missing(...requiredTools(), 'pg_enc');
const SKIP_MD5 = missing('pg_md5');
const crypto = webcrypto as unknown as Crypto;
const service = testService();
const PW = 'Pw7secret';
const KEY = 'pgtls oracle key';

type Verdict = 'error' | 'warning' | 'none';
interface Case {
  user: string;
  /** pool_passwd lines for the user (`$AES` is replaced by pg_enc's entry for PW); none: no entry. */
  lines: string[];
  method: 'scram-sha-256' | 'md5' | 'password';
  /** The password the client sends (the one the author of the entry meant). */
  password?: string;
  pgpool: 'ok' | 'refused';
  pgtls: Verdict;
}

const md5 = (pw: string, user: string) => `md5${createHash('md5').update(pw + user).digest('hex')}`;
const verifier = 'SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=:aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

/** Several backends: the frontend matrix of pool_hba.c / pool_auth.c, and how pool_passwd.c reads lines. */
const SEVERAL: Case[] = [
  { user: 's_bom', lines: [`\uFEFFs_bom:TEXT${PW}`], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  { user: 's_text', lines: [`s_text:TEXT${PW}`], method: 'scram-sha-256', pgpool: 'ok', pgtls: 'none' },
  { user: 's_plain', lines: [`s_plain:${PW}`], method: 'scram-sha-256', pgpool: 'ok', pgtls: 'none' },
  { user: 's_aes', lines: ['s_aes:$AES'], method: 'scram-sha-256', pgpool: 'ok', pgtls: 'none' },
  { user: 's_md5', lines: [`s_md5:${md5(PW, 's_md5')}`], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  { user: 's_scram', lines: [`s_scram:${verifier}`], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  { user: 's_scramesc', lines: [`s_scramesc:${verifier.replace(/:/g, '\\:')}`], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  { user: 's_none', lines: [], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  { user: 's_crlf', lines: [`s_crlf:TEXT${PW}\r`], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  { user: 's_aescrlf', lines: ['s_aescrlf:$AES\r'], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  { user: 's_trail', lines: [`s_trail:TEXT${PW} `], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'warning' },
  { user: 's_lead', lines: [`s_lead: TEXT${PW}`], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  // pgtls warns about the skipped and the shadowed line; the login works.
  { user: 's_empty', lines: ['s_empty:', `s_empty:TEXT${PW}`], method: 'scram-sha-256', pgpool: 'ok', pgtls: 'warning' },
  { user: 's_dup', lines: [`s_dup:TEXT${PW}`, 's_dup:TEXTother'], method: 'scram-sha-256', pgpool: 'ok', pgtls: 'warning' },
  { user: 's_colon', lines: ['s_colon:TEXTp:w'], method: 'scram-sha-256', password: 'p:w', pgpool: 'refused', pgtls: 'warning' },
  { user: 's_esc', lines: ['s_esc:TEXTp\\:w'], method: 'scram-sha-256', password: 'p:w', pgpool: 'ok', pgtls: 'none' },
  { user: 's_bs', lines: ['s_bs:TEXTa\\b'], method: 'scram-sha-256', password: 'a\\b', pgpool: 'refused', pgtls: 'warning' },
  { user: 's_long', lines: [`s_long:TEXT${'x'.repeat(130)}`], method: 'scram-sha-256', password: 'x'.repeat(130), pgpool: 'refused', pgtls: 'error' },
  { user: 's_long124', lines: [`s_long124:TEXT${'x'.repeat(124)}`], method: 'scram-sha-256', password: 'x'.repeat(124), pgpool: 'ok', pgtls: 'none' },
  { user: 's_aesbad', lines: ['s_aesbad:AESnot-base64'], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
  { user: 'm_md5', lines: [`m_md5:${md5(PW, 'm_md5')}`], method: 'md5', pgpool: 'ok', pgtls: 'none' },
  { user: 'm_text', lines: [`m_text:TEXT${PW}`], method: 'md5', pgpool: 'ok', pgtls: 'none' },
  { user: 'm_aes', lines: ['m_aes:$AES'], method: 'md5', pgpool: 'ok', pgtls: 'none' },
  { user: 'm_scram', lines: [`m_scram:${verifier}`], method: 'md5', pgpool: 'refused', pgtls: 'error' },
  { user: 'm_none', lines: [], method: 'md5', pgpool: 'refused', pgtls: 'error' },
  { user: 'm_upper', lines: [`m_upper:md5${md5(PW, 'm_upper').slice(3).toUpperCase()}`], method: 'md5', pgpool: 'refused', pgtls: 'error' },
  { user: 'm_prefix', lines: [`m_prefix:MD5${md5(PW, 'm_prefix').slice(3)}`], method: 'md5', pgpool: 'refused', pgtls: 'error' },
  { user: 'm_short', lines: [`m_short:${md5(PW, 'm_short').slice(0, 30)}`], method: 'md5', pgpool: 'refused', pgtls: 'warning' },
  { user: 'm_crlf', lines: [`m_crlf:${md5(PW, 'm_crlf')}\r`], method: 'md5', pgpool: 'refused', pgtls: 'error' },
  { user: 'p_scram', lines: [`p_scram:${verifier}`], method: 'password', pgpool: 'refused', pgtls: 'error' },
  { user: 'p_md5', lines: [`p_md5:${md5(PW, 'p_md5')}`], method: 'password', pgpool: 'ok', pgtls: 'none' },
  { user: 'p_none', lines: [], method: 'password', pgpool: 'ok', pgtls: 'none' },
];

/** One backend (raw mode): md5 needs the entry too on this build; pgtls warns for 4.3 (patch-level dependent). */
const ONE: Case[] = [
  { user: 'r_text', lines: [`r_text:TEXT${PW}`], method: 'md5', pgpool: 'ok', pgtls: 'none' },
  { user: 'r_none', lines: [], method: 'md5', pgpool: 'refused', pgtls: 'warning' },
  { user: 'r_scram', lines: [`r_scram:${verifier}`], method: 'md5', pgpool: 'refused', pgtls: 'warning' },
  { user: 'r_scram_s', lines: [`r_scram_s:${verifier}`], method: 'scram-sha-256', pgpool: 'refused', pgtls: 'error' },
];

let sandbox: Sandbox | undefined;
let pg: PgCluster | undefined;
let ssl: PgSslFiles;
let aesEntry = '';

before(async () => {
  if (SKIP) return;
  sandbox = Sandbox.create('pgtls-passwd-');
  const pems = await generateSet({ algorithm: 'ecdsa-p256', serverName: 'localhost', sans: ['127.0.0.1', 'localhost'], clientUser: 'postgres', now: new Date(), crypto });
  sandbox.dir('certs');
  ssl = {
    ca: sandbox.file('certs/ca.crt', pems['ca.crt']),
    cert: sandbox.file('certs/server.crt', pems['server.crt']),
    key: sandbox.file('certs/server.key', pems['server.key'], 0o600),
  };
  // pgpool reads the AES key from PGPOOLKEYFILE (else .pgpoolkey in its account's home directory from the password
  // database, not $HOME); pg_enc -K makes the entry with the same key.
  sandbox.env.PGPOOLKEYFILE = sandbox.file('pgpoolkey', `${KEY}\n`, 0o600);
  const out = execFileSync(which('pg_enc')!, ['-K', KEY, PW], { encoding: 'utf8' });
  aesEntry = /pool_passwd string: (AES\S+)/.exec(out)?.[1] ?? '';
  assert.ok(aesEntry, `pg_enc printed no entry: ${out}`);
  pg = await PgCluster.init(sandbox);
  await pg.start(ssl, 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  await pg.adminOk([...SEVERAL, ...ONE].map(c => `CREATE ROLE ${c.user} LOGIN;`).join(' '));
});

after(async () => {
  await pg?.stop();
  sandbox?.dispose();
  if (!SKIP) assert.deepEqual(leftoverShm(), [], 'SysV shared memory left behind');
});

/** pool_passwd for the cases, and the 1-based lines each case's entries take. */
function passwdFor(cases: readonly Case[]): { text: string; linesOf: Map<string, number[]> } {
  const linesOf = new Map<string, number[]>();
  const out: string[] = [];
  // A byte-order mark only means something at the very start of the file.
  const ordered = [...cases].sort((a, b) => Number(b.lines.some(l => l.startsWith('\uFEFF'))) - Number(a.lines.some(l => l.startsWith('\uFEFF'))));
  for (const c of ordered) {
    linesOf.set(c.user, c.lines.map((_, i) => out.length + i + 1));
    out.push(...c.lines.map(l => l.replace('$AES', aesEntry)));
  }
  return { text: out.map(l => `${l}\n`).join(''), linesOf };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** pgtls's verdict per user: its worst finding on the user's pool_hba.conf line or pool_passwd lines. */
function pgtlsVerdicts(dir: string, cases: readonly Case[], linesOf: Map<string, number[]>): Map<string, { verdict: Verdict; found: string[] }> {
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  const hbaText = read('pool_hba.conf');
  const passwdText = read('pool_passwd');
  const settings = { pgpoolVersion: '4.3' };
  const hba = check(service, path.join(dir, 'pool_hba.conf'), hbaText, settings);
  const passwd = check(service, path.join(dir, 'pool_passwd'), passwdText, settings);
  const out = new Map<string, { verdict: Verdict; found: string[] }>();
  cases.forEach((c, i) => {
    const mine: Problem[] = [
      ...hba.filter(p => p.rule.startsWith('pool-hba/pool-passwd') && lineOf(hbaText, p.span[0]) === i + 1),
      // the security advice (clear text, AES key) says nothing about whether the login works
      ...passwd.filter(p => linesOf.get(c.user)!.includes(lineOf(passwdText, p.span[0])) && p.severity !== 'info' && p.rule !== 'pool-passwd/clear-text-password'),
    ];
    const verdict: Verdict = mine.some(p => p.severity === 'error') ? 'error' : mine.some(p => p.severity === 'warning') ? 'warning' : 'none';
    out.set(c.user, { verdict, found: mine.map(p => `${p.rule} ${p.severity}`) });
  });
  return out;
}

const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

async function runCases(name: string, cases: readonly Case[], extra: string[]): Promise<void> {
  const { text, linesOf } = passwdFor(cases);
  const pool = await Pgpool.start(sandbox!, {
    dir: name, backendHost: '127.0.0.1', backendPort: pg!.port, ssl,
    poolHba: cases.map(c => `host all ${c.user} 127.0.0.1/32 ${c.method}\n`).join(''), poolPasswd: text, extra,
  });
  try {
    const verdicts = pgtlsVerdicts(sandbox!.path(name), cases, linesOf);
    const wrong: string[] = [];
    for (const c of cases) {
      const conninfo = `host=127.0.0.1 port=${pool.port} dbname=postgres user=${c.user} password=${quote(c.password ?? PW)} sslmode=disable`;
      const r = await psql(sandbox!, conninfo, ['SELECT current_user']);
      const got = r.code === 0 ? 'ok' : 'refused';
      const v = verdicts.get(c.user)!;
      if (got !== c.pgpool) wrong.push(`${c.user}: Pgpool-II ${got}, the case says ${c.pgpool}\n${describeRun(r)}`);
      if (v.verdict !== c.pgtls) wrong.push(`${c.user}: pgtls ${v.verdict} (${v.found.join(', ') || 'nothing'}), the case says ${c.pgtls}`);
      if (v.verdict === 'error' && got === 'ok') wrong.push(`${c.user}: a pgtls error on a login Pgpool-II accepts`);
    }
    assert.deepEqual(wrong, [], `${wrong.join('\n')}\n--- pgpool log ---\n${pool.log.split('\n').filter(l => /FATAL|ERROR|DETAIL|WARNING/.test(l)).join('\n')}`);
  } finally {
    await pool.stop();
  }
}

test('two backends: pgpool refuses exactly the logins pgtls reports', { skip: SKIP }, async () => {
  await runCases('several', SEVERAL, [
    "backend_clustering_mode = 'native_replication'",
    "backend_hostname1 = 'localhost'", `backend_port1 = ${pg!.port}`, 'backend_weight1 = 1', "backend_flag1 = 'ALLOW_TO_FAILOVER'",
    'ssl = off',
  ]);
});

test('one backend (raw mode): md5 needs the entry on this build; pgtls warns for 4.3', { skip: SKIP }, async () => {
  await runCases('one', ONE, ['ssl = off']);
});

test('pg_md5 -m appends its entry right after a last line without a newline (pool-passwd/no-final-newline)', { skip: SKIP_MD5 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-pgmd5-'));
  try {
    fs.writeFileSync(path.join(dir, 'pgpool.conf'), "pool_passwd = 'pool_passwd'\n");
    const before = `alice:TEXT${PW}`;
    fs.writeFileSync(path.join(dir, 'pool_passwd'), before);
    const flagged = check(service, path.join(dir, 'pool_passwd'), before).map(p => p.rule);
    assert.deepEqual(flagged, ['pool-passwd/no-final-newline']);
    execFileSync(which('pg_md5')!, ['-m', '-f', path.join(dir, 'pgpool.conf'), '-u', 'bob', PW], { encoding: 'utf8' });
    const after = fs.readFileSync(path.join(dir, 'pool_passwd'), 'utf8');
    assert.equal(after, `${before}bob:${md5(PW, 'bob')}\n`, 'the two entries are glued into one line');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
