/**
 * PgBouncer's auth files against the real PgBouncer (Debian's 1.18.0) in front of PostgreSQL 15 (pgCluster.ts), with
 * real psql logins on loopback. Generated files (seeded `prng`):
 *  - 100 auth_files (userlist.txt) of six users each, every line a variant of how people write (or break) an entry,
 *    under `auth_type` scram-sha-256, md5 or plain, PostgreSQL asking PgBouncer for SCRAM: PgBouncer must refuse
 *    exactly the users pgtls predicts (an error on the user's line or above it where PgBouncer stops reading, no entry
 *    in pgtls's model, or an entry `serves` says cannot serve the auth_type or PgBouncer's SCRAM login to the server).
 *    The pgbouncer.ini that names each file must say the same (`auth-file-entries` names exactly the users whose
 *    entries cannot serve the auth_type; `auth-file-stops` exactly when PgBouncer stops reading).
 *    PgBouncer is restarted for every file, so that no pooled server connection hides a failing server login.
 *  - 100 auth_hba_files (auth_type = hba) of six lines each, one per user, plus noise: a user gets in exactly when the
 *    first line pgtls loads for a plain TCP login from 127.0.0.1 to `postgres` lets it in, with no error on that line.
 * Run: node --import tsx --test test/interop/pgbouncerAuthOracle.test.ts
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import { generateSet } from '../../server/src/certs/generate';
import type { BouncerHbaFile, BouncerRecord } from '../../server/src/languages/hba';
import { logsInToScramServer, serves, type ClientMethod, type UserlistFile } from '../../server/src/languages/pgbouncerUserlist';
import { LineIndex } from '../../server/src/core/text';
import type { Problem, SourceDocument } from '../../server/src/core/types';
import { DEFAULT_SETTINGS } from '../../server/src/core/types';
import { prng, testService } from '../helpers';
import { missing } from '../requires';
import { INITDB, POSTGRES, PgCluster, Sandbox, describeRun, leftoverShm } from './pgCluster';
import { PGBOUNCER, PgBouncer } from './pgbouncer';

const SKIP = missing('psql', POSTGRES, INITDB, PGBOUNCER, ...(process.getuid?.() === 0 ? ['setpriv'] : []));
const crypto = webcrypto as unknown as Crypto;
const service = testService();
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
const PW = 'pw';
const md5 = (pw: string, u: string) => `md5${createHash('md5').update(pw + u).digest('hex')}`;

let sandbox: Sandbox | undefined;
let pg: PgCluster | undefined;
const verifier = new Map<string, string>();

before(async () => {
  if (SKIP) return;
  sandbox = Sandbox.create('pgtls-pgbouncer-');
  const pems = await generateSet({ algorithm: 'ecdsa-p256', serverName: 'localhost', sans: ['127.0.0.1'], clientUser: 'postgres', now: new Date(), crypto });
  sandbox.dir('certs');
  const ssl = { ca: sandbox.file('certs/ca.crt', pems['ca.crt']), cert: sandbox.file('certs/server.crt', pems['server.crt']), key: sandbox.file('certs/server.key', pems['server.key'], 0o600) };
  pg = await PgCluster.init(sandbox);
  await pg.start(ssl, 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
  await pg.adminOk(USERS.map(u => `CREATE ROLE ${u} LOGIN PASSWORD '${PW}';`).join(' '));
  for (const line of (await pg.adminOk(`SELECT rolname || ' ' || rolpassword FROM pg_authid WHERE rolname LIKE 'u_'`)).trim().split('\n')) {
    const [u, v] = line.split(' ');
    verifier.set(u!, v!);
  }
});

after(async () => {
  await pg?.stop();
  sandbox?.dispose();
  if (!SKIP) assert.deepEqual(leftoverShm(), [], 'SysV shared memory left behind');
});

function validate(path: string, text: string, languageId: SourceDocument['languageId']): { parsed: unknown; problems: Problem[] } {
  const doc: SourceDocument = { path, text, languageId, version: 1 };
  const parsed = service.parse(doc);
  return { parsed: (parsed as { file: unknown }).file, problems: service.validate(doc, parsed, DEFAULT_SETTINGS) };
}

// ---------------------------------------------------------------------------------------------------------------
// auth_file

/** Line variants of a user's entry (all meant for the password PW); `$V` is the user's SCRAM secret from PostgreSQL. */
const ENTRY: readonly ((u: string) => string)[] = [
  u => `"${u}" "${PW}"`,
  u => `"${u}" "$V"`,
  u => `  "${u}"   "$V"   ; a trailing comment`,
  u => `"${u}" "${md5(PW, u)}"`,
  u => `"${u}" "${md5(PW, u).toUpperCase().replace('MD5', 'md5')}"`,
  u => `"${u}" "MD5${md5(PW, u).slice(3)}"`,
  u => `"${u}" "$V"`.replace(/=:/, ':'),
  u => `"${u}" "$V"`.replace('SCRAM-SHA-256', 'scram-sha-256'),
  u => `"${u}" ""`,
  u => `# "${u}" "${PW}"`,
  u => `${u} ${PW}`,
  u => `"${u}" "${PW}" extra words`,
  u => `"${u}" = "${PW}"`,
  u => `"${u}"`,
  u => `"${u}" "${PW}`,
  u => `"${u}" "wrong"\n"${u}" "$V"`,
  u => `; "${u}" "${PW}"\n"${u}" "${PW}"`,
];

function userlistFor(rnd: () => number): { text: string; lineOf: Map<string, number> } {
  const lines: string[] = [];
  const lineOf = new Map<string, number>();
  if (rnd() < 0.05) lines.push('\ufeff; a byte-order mark');
  for (const u of USERS) {
    const v = ENTRY[Math.floor(rnd() * ENTRY.length)]!(u).replace('$V', verifier.get(u)!);
    if (rnd() < 0.1) lines.push('; comment');
    const parts = v.split('\n');
    lineOf.set(u, lines.length + parts.length - 1);
    lines.push(...parts);
  }
  const eol = rnd() < 0.1 ? '\r\n' : '\n';
  return { text: lines.join(eol) + eol, lineOf };
}

/** pgtls's prediction for a login of `u` with PW under `authType`, behind a PostgreSQL that asks for SCRAM. */
function predictUserlist(file: UserlistFile, problems: Problem[], u: string, line: number, authType: ClientMethod): 'ok' | 'refused' {
  const index = new LineIndex(file.text);
  const errorLines = new Set(problems.filter(p => p.severity === 'error').map(p => index.positionAt(p.span[0]).line));
  if (file.stop && file.stop.line <= line) return 'refused';
  if (errorLines.has(line)) return 'refused';
  const e = file.effective.get(u);
  if (!e) return 'refused';
  if (!serves(e.kind, authType).ok) return 'refused';
  // PgBouncer's own SCRAM login to PostgreSQL (an MD5 hash cannot do it, a SCRAM secret only after a SCRAM client login).
  if (!logsInToScramServer(e.kind, authType)) return 'refused';
  return 'ok';
}

test('100 auth_files: PgBouncer refuses exactly the logins pgtls predicts', { skip: SKIP }, async () => {
  const rnd = prng(1801);
  const wrong: string[] = [];
  const authTypes: ClientMethod[] = ['scram-sha-256', 'md5', 'plain'];
  let logins = 0;
  const seen = { ok: 0, refused: 0 };
  for (let n = 0; n < 100; n++) {
    const { text, lineOf } = userlistFor(rnd);
    const authType = authTypes[n % 3]!;
    const dir = `ul${n}`;
    const b = await PgBouncer.start(sandbox!, { dir, backendPort: pg!.port, authType, userlist: text });
    try {
      const { parsed, problems } = validate(b.file('userlist.txt'), text, 'pgbouncer-userlist');
      const list = parsed as UserlistFile;
      // The same file seen from the pgbouncer.ini that names it (check/authFiles.ts): the users it says are refused.
      const ini = validate(b.file('pgbouncer.ini'), fs.readFileSync(b.file('pgbouncer.ini'), 'utf8'), 'pgbouncer-ini').problems;
      const named = new Set(ini.filter(p => p.rule === 'pgbouncer-ini/auth-file-entries').flatMap(p => p.related ?? [])
        .map(r => [...list.effective.values()].find(e => e.user.span[0] === r.span[0])?.user.value));
      const stops = ini.some(p => p.rule === 'pgbouncer-ini/auth-file-stops');
      if (stops !== !!list.stop) wrong.push(`file ${n}: pgbouncer.ini ${stops ? 'says' : 'does not say'} that PgBouncer stops reading the auth_file\n${text}`);
      for (const u of USERS) {
        const want = predictUserlist(list, problems, u, lineOf.get(u)!, authType);
        const r = await b.login(u, PW);
        logins++;
        const got = r.code === 0 ? 'ok' : 'refused';
        seen[got]++;
        if (got !== want) wrong.push(`file ${n} (${authType}), ${u}: PgBouncer ${got}, pgtls predicts ${want}\n${text}\n${problems.map(p => `${p.severity} ${p.rule}`).join('; ')}\n${describeRun(r)}`);
        const e = list.effective.get(u);
        const kindRefused = !!e && !serves(e.kind, authType).ok && !(list.stop && list.stop.line <= lineOf.get(u)!);
        if (named.has(u) && got === 'ok') wrong.push(`file ${n} (${authType}), ${u}: pgbouncer.ini's auth-file-entries names the user, but PgBouncer lets it in\n${text}`);
        if (kindRefused && !named.has(u)) wrong.push(`file ${n} (${authType}), ${u}: PgBouncer ${got}, its ${e!.kind} entry cannot serve ${authType}, and pgbouncer.ini's auth-file-entries does not name the user\n${text}`);
      }
    } finally {
      await b.stop();
    }
  }
  assert.ok(logins >= 600);
  // both outcomes, often: the generated files are not all good or all broken
  assert.ok(seen.ok > 100 && seen.refused > 100, JSON.stringify(seen));
  assert.equal(wrong.length, 0, `${wrong.length} disagreements:\n${wrong.slice(0, 8).join('\n----\n')}`);
});

// ---------------------------------------------------------------------------------------------------------------
// auth_hba_file

const HBA: readonly ((u: string) => string)[] = [
  u => `host postgres ${u} 127.0.0.1/32 trust`,
  u => `host all ${u} 127.0.0.0/8 md5`,
  u => `host "postgres" "${u}" 127.0.0.1/32 scram-sha-256`,
  u => `hostnossl postgres ${u},nobody 127.0.0.1 255.255.255.255 password`,
  u => `host postgres ${u} 127.0.0.1 trust`,
  u => `host postgres ${u} localhost trust`,
  u => `host postgres ${u} 127.0.0.1/33 trust`,
  u => `host postgres ${u} 127.0.0.5/24 trust`,
  u => `host postgres ${u} 127.0.0.1/ trust`,
  u => `host postgres ${u} 127.0.0.1/+32 trust`,
  u => `host postgres ${u} 127.0.0.1/32 trust clientcert=verify-ca`,
  u => `host postgres ${u} 127.0.0.1/32 trust map=m`,
  u => `host postgres ${u} all trust`,
  u => `host postgres ${u} samenet trust`,
  u => `host postgres ${u} 127.0.0.1/32 ident`,
  u => `host postgres ${u} 127.0.0.1/32 "trust"`,
  u => `host postgres ${u} 127.0.0.1/32 peer`,
  u => `host postgres ${u} 127.0.0.1/32 reject`,
  u => `HOST postgres ${u} 127.0.0.1/32 trust`,
  u => `hostgssenc postgres ${u} 127.0.0.1/32 trust`,
  u => `host postgres +${u} 127.0.0.1/32 trust`,
  u => `host replication ${u} 127.0.0.1/32 trust`,
  u => `host postgres @missing_users 127.0.0.1/32 trust`.replace('@missing_users', `${u},@missing_users`),
  u => `host postgres ${u} 127.0.0.1/32 trust # comment`,
  u => `host postgres,, ${u} 127.0.0.1/32 trust`,
  u => `host postgres ${u} ::1/128 trust`,
  u => `hostssl postgres ${u} 127.0.0.1/32 trust`,
  u => `host postgres ${u} 127.00.0.1/32 trust`,
];
const NOISE = ['', '# a comment', 'this is not a line', 'local all all peer', '   '];

/** The rule PgBouncer applies to a plain TCP login from 127.0.0.1 to `postgres` (hba_eval, over pgtls's records). */
function firstMatch(file: BouncerHbaFile, u: string): BouncerRecord | undefined {
  const name = (toks: BouncerRecord['databases'], v: string, other: string) => toks.some(t =>
    (!t.quoted && t.value === 'all') || (!t.quoted && t.value === 'sameuser' && v === other) || t.value === v);
  return file.records.find(r => {
    if (r.conn === 'local' || r.conn === 'hostssl' || !r.address?.ip) return false;
    const a = r.address;
    if (a.ip!.family !== 4) return false;
    if (![127, 0, 0, 1].every((b, i) => (b & a.mask![i]!) === a.ip!.bytes[i])) return false;
    return name(r.databases, 'postgres', u) && name(r.users, u, 'postgres');
  });
}

function predictHba(file: BouncerHbaFile, problems: Problem[], u: string): 'ok' | 'refused' {
  const r = firstMatch(file, u);
  if (!r) return 'refused';
  const [s, e] = r.line.span;
  if (problems.some(p => p.severity === 'error' && p.span[0] >= s && p.span[0] <= e)) return 'refused';
  return r.method === 'reject' ? 'refused' : 'ok';
}

test('100 auth_hba_files: PgBouncer lets in exactly the users pgtls predicts', { skip: SKIP }, async () => {
  const rnd = prng(1802);
  const userlist = USERS.map(u => `"${u}" "${PW}"\n`).join('');
  const b = await PgBouncer.start(sandbox!, { dir: 'hba', backendPort: pg!.port, authType: 'hba', userlist, hba: 'local all all peer\n' });
  const wrong: string[] = [];
  const seen = { ok: 0, refused: 0 };
  try {
    for (let n = 0; n < 100; n++) {
      const lines: string[] = [];
      for (const u of USERS) {
        if (rnd() < 0.2) lines.push(NOISE[Math.floor(rnd() * NOISE.length)]!);
        lines.push(HBA[Math.floor(rnd() * HBA.length)]!(u));
      }
      const text = `${lines.join('\n')}\n`;
      await b.reload({ hba: text });
      const { parsed, problems } = validate(b.file('pgbouncer_hba.conf'), text, 'pgbouncer-hba');
      for (const u of USERS) {
        const want = predictHba(parsed as BouncerHbaFile, problems, u);
        const r = await b.login(u, PW);
        const got = r.code === 0 ? 'ok' : 'refused';
        seen[got]++;
        if (got !== want) wrong.push(`file ${n}, ${u}: PgBouncer ${got}, pgtls predicts ${want}\n${text}${problems.map(p => `${p.severity} ${p.rule}`).join('; ')}\n${describeRun(r)}`);
      }
    }
  } finally {
    await b.stop();
  }
  assert.ok(seen.ok > 100 && seen.refused > 100, JSON.stringify(seen));
  assert.equal(wrong.length, 0, `${wrong.length} disagreements:\n${wrong.slice(0, 8).join('\n----\n')}`);
});
