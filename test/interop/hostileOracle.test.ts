/**
 * Hostile configurations (issue 13, item 1) against the real servers: Pgpool-II 4.3.5 and PostgreSQL 15 decide, pgtls
 * must agree (an error ⇔ the server does not start or rejects the file).
 *
 * - pgpool.conf, read in place (`PgpoolOracle.checkConfInPlace`: no wrapper, so include levels count as they do in a
 *   deployment): includes 10 and 11 levels deep, include loops, errors inside included files and deeper, node number
 *   128 with good and bad values, NUL bytes in a comment, a quoted value and elsewhere, a file saved as UTF-16.
 * - pool_hba.conf (`PgpoolOracle.checkHba` with the `@file`s beside it): lists that include themselves (pgpool crashes),
 *   lists that hold no names, alone in their field or beside a name, a list missing deeper down, NUL bytes, UTF-16.
 * - pg_hba.conf and postgresql.conf: the same files, each in a real start of PostgreSQL 15 (ready or FATAL).
 *
 * Needs pgpool, postgres/initdb 15 (and setpriv plus a `postgres` account as root). About 20 s.
 *
 *   node --import tsx --test test/interop/hostileOracle.test.ts
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/core/text';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';
import { assertTools, missing } from '../requires';
import { INITDB, POSTGRES, Sandbox, ServerProcess, describeRun, requiredTools, run } from './pgCluster';
import { PgpoolOracle, pgpoolBinary, showLog } from './pgpoolOracle';

const PGPOOL_TOOLS = [pgpoolBinary() ?? 'pgpool', ...(process.getuid?.() === 0 ? ['setpriv', 'id'] : [])];

interface Case { name: string; files: Record<string, string> }

const utf16 = (s: string): string => Buffer.from(`\ufeff${s}`, 'utf16le').toString('latin1');

function chain(levels: number): Record<string, string> {
  const files: Record<string, string> = { 'pgpool.conf': "include = 'c1.conf'\n" };
  for (let i = 1; i <= levels; i++) files[`c${i}.conf`] = i < levels ? `include = 'c${i + 1}.conf'\n` : 'port = 9999\n';
  return files;
}

/** pgpool.conf cases; texts in `latin1` where they hold bytes that are not UTF-8 (UTF-16). */
const CONF: Case[] = [
  { name: 'includes 10 levels deep', files: chain(10) },
  { name: 'includes 11 levels deep', files: chain(11) },
  { name: 'include loop of two files', files: { 'pgpool.conf': "port = 9999\ninclude = 'b.conf'\n", 'b.conf': "include = 'pgpool.conf'\n" } },
  { name: 'include loop below the top file', files: { 'pgpool.conf': "include = 'b.conf'\n", 'b.conf': "include = 'c.conf'\n", 'c.conf': "include = 'b.conf'\n" } },
  { name: 'a value out of range in an included file', files: { 'pgpool.conf': "include = 'b.conf'\n", 'b.conf': '# tuning\nport = 99999999\n' } },
  { name: 'a syntax error in a file included from an included file', files: { 'pgpool.conf': "include = 'b.conf'\n", 'b.conf': "include = 'c.conf'\n", 'c.conf': "listen_addresses = 'localhost\n" } },
  { name: 'a missing file included from an included file', files: { 'pgpool.conf': "include = 'b.conf'\n", 'b.conf': "port = 9999\ninclude = 'gone.conf'\n" } },
  { name: 'included files without errors', files: { 'pgpool.conf': "include = 'b.conf'\nnum_init_children = 4\n", 'b.conf': "include = 'c.conf'\nunknown_name = 1\n", 'c.conf': 'port = 9999\n' } },
  { name: 'node number 128 with a port out of range', files: { 'pgpool.conf': 'backend_port128 = 99999999\n' } },
  { name: 'node number 128 with a weight out of range', files: { 'pgpool.conf': 'backend_weight128 = -5\n' } },
  { name: 'node number 128 with a good port', files: { 'pgpool.conf': 'backend_port128 = 5432\n' } },
  { name: 'a NUL byte in a comment', files: { 'pgpool.conf': '# a \0 comment\nport = 9999\n' } },
  { name: 'a NUL byte in a quoted value', files: { 'pgpool.conf': "listen_addresses = 'a\0b'\n" } },
  { name: 'a NUL byte in a number', files: { 'pgpool.conf': 'port = 99\u000099\n' } },
  { name: 'saved as UTF-16', files: { 'pgpool.conf': utf16('port = 9999\nnum_init_children = 4\n') } },
];

/** pool_hba.conf / pg_hba.conf cases: `hba` is the file (written under the dialect's name), the rest beside it. */
const HBA: Case[] = [
  { name: 'a list that includes itself', files: { hba: 'local all all trust\nhost all @users 127.0.0.1/32 trust\n', users: 'alice\n@users\n' } },
  { name: 'two lists that include each other', files: { hba: 'local all all trust\nhost @a all 127.0.0.1/32 trust\n', a: 'app\n@b\n', b: '@a\n' } },
  { name: 'a list that names the hba file', files: { hba: 'local all all trust\nhost all @HBA 127.0.0.1/32 trust\n' } },
  { name: 'an empty list alone in the user field', files: { hba: 'local all all trust\nhost all @nobody 127.0.0.1/32 trust\n', nobody: '' } },
  { name: 'a list of comments alone in the database field', files: { hba: 'local all all trust\nhost @nodb all 127.0.0.1/32 md5\n', nodb: '# none yet\n\n' } },
  { name: 'an empty list beside a name', files: { hba: 'local all all trust\nhost all alice,@nobody 127.0.0.1/32 trust\n', nobody: '' } },
  { name: 'nested lists', files: { hba: 'local all all trust\nhost all @a 127.0.0.1/32 trust\n', a: 'alice @b\n', b: 'bob\n' } },
  { name: 'a list missing in a list', files: { hba: 'local all all trust\nhost all @a 127.0.0.1/32 trust\n', a: 'alice @gone\n' } },
  { name: 'a NUL byte after the method', files: { hba: 'local all all trust\0 anything\nhost all all 127.0.0.1/32 trust\n' } },
  { name: 'a NUL byte inside a name', files: { hba: 'local all al\0l trust\n' } },
  { name: 'saved as UTF-16', files: { hba: utf16('local all all trust\n') } },
];

/** PostgreSQL 15 postgresql.conf cases, appended to initdb's file (UTF-16: the whole file). */
const PGCONF: { name: string; tail: string; whole?: (base: string) => string }[] = [
  { name: 'a NUL byte in a comment', tail: '# a \0 comment\n' },
  { name: 'a NUL byte in a quoted value', tail: "application_name = 'a\0b'\n" },
  { name: 'a NUL byte after a value', tail: 'work_mem = 4\0MB\n' },
  { name: 'saved as UTF-16', tail: '', whole: base => utf16(base) },
];

const errorsOf = (ps: Problem[]): Problem[] => ps.filter(p => p.severity === 'error');
const show = (text: string, ps: Problem[]): string => {
  const idx = new LineIndex(text);
  return ps.map(p => `    ${idx.positionAt(p.span[0]).line + 1}:${idx.positionAt(p.span[0]).character + 1} ${p.severity} ${p.rule}: ${p.message}`).join('\n') || '    (no problems)';
};
const bytes = (text: string): Buffer => Buffer.from(text, /[\u0100-\uffff]/.test(text) ? 'utf8' : 'latin1');

/** The case's files as bytes: texts with characters above U+00FF in UTF-8, the others byte for byte (latin1). */
function asBytes(files: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(files).map(([k, body]) => [k, bytes(body)]));
}

/** An hba case's files, the hba file under `name` (and `@HBA` naming it). */
function hbaFiles(c: Case, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(c.files).map(([k, body]) => [k === 'hba' ? name : k, body.replace('@HBA', `@${name}`)]));
}

/** Writes the case into a fresh folder (as bytes) and returns it with each file's text as pgtls reads it (UTF-8). */
function materialise(root: string, name: string, files: Record<string, string>): { dir: string; text: (rel: string) => string } {
  const dir = path.join(root, name.replace(/[^a-z0-9]+/gi, '-'));
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [rel, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), bytes(body));
  return { dir, text: rel => fs.readFileSync(path.join(dir, rel), 'utf8') };
}

test('pgpool.conf and pool_hba.conf: pgtls has an error exactly when Pgpool-II 4.3.5 refuses', { skip: missing(...PGPOOL_TOOLS), timeout: 5 * 60_000 }, async t => {
  assertTools(...PGPOOL_TOOLS);
  const oracle = PgpoolOracle.create();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-hostile-'));
  const service = testService();
  const failures: string[] = [];
  try {
    let refused = 0;
    for (const c of CONF) {
      // pgpool gets the bytes (a UTF-16 file as written); pgtls reads the file as UTF-8, as the CLI does.
      const v = await oracle.checkConfInPlace(asBytes(c.files));
      if (!v.accepted) refused++;
      const { dir, text } = materialise(work, `conf-${c.name}`, c.files);
      const top = text('pgpool.conf');
      const ps = check(service, path.join(dir, 'pgpool.conf'), top, { pgpoolVersion: '4.3', checkFiles: true });
      const errs = errorsOf(ps);
      const line = v.errors.map(e => /configuration file "([^"]*)".*parse error at line (\d+)/.exec(e)).find(Boolean);
      const lineMissing = line && line[1]!.endsWith('/pgpool.conf') && !errs.some(p => new LineIndex(top).positionAt(p.span[0]).line + 1 === Number(line[2]));
      if (v.accepted === errs.length > 0 || lineMissing) {
        failures.push(`pgpool.conf, ${c.name}: Pgpool-II ${v.accepted ? 'starts' : `refuses (${v.crashed ? `crash ${v.crashed}` : v.errors.join(' | ')})`}, pgtls ${errs.length ? 'reports errors' : 'reports none'}${lineMissing ? ` (none on line ${line![2]}, where Pgpool-II stops)` : ''}\n${show(top, ps)}\n${showLog(v.log.filter(m => m.level === 'FATAL' || m.level === 'ERROR'))}`);
      }
    }
    t.diagnostic(`pgpool.conf: ${CONF.length} cases, Pgpool-II refuses ${refused}`);
    assert.ok(refused > 5 && refused < CONF.length - 3, `both verdicts: ${refused} of ${CONF.length}`);

    let rejected = 0, crashed = 0;
    for (const c of HBA) {
      const files = hbaFiles(c, 'pool_hba.conf');
      const { 'pool_hba.conf': hbaText, ...beside } = asBytes(files);
      const v = await oracle.checkHba(hbaText!, beside);
      if (v.rejected) rejected++;
      if (v.crashed) crashed++;
      const { dir, text } = materialise(work, `hba-${c.name}`, files);
      const body = text('pool_hba.conf');
      const ps = check(service, path.join(dir, 'pool_hba.conf'), body, { pgpoolVersion: '4.3', checkFiles: true });
      if (v.rejected !== errorsOf(ps).length > 0) {
        failures.push(`pool_hba.conf, ${c.name}: pgpool ${v.crashed ? `crashes (${v.crashed})` : v.rejected ? `rejects the file (lines ${v.errorLines.join(', ')}; ${v.fileErrors.join('; ')})` : 'loads it'}, pgtls ${errorsOf(ps).length ? 'reports errors' : 'reports none'}\n${show(body, ps)}\n${showLog(v.log)}`);
      }
    }
    t.diagnostic(`pool_hba.conf: ${HBA.length} cases, pgpool rejects ${rejected} (crashes on ${crashed})`);
    assert.ok(crashed >= 3 && rejected < HBA.length, `loops crash pgpool, some files load: ${crashed} crashes, ${rejected} of ${HBA.length} rejected`);
  } finally {
    oracle.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
  assert.deepEqual(failures, [], `${failures.length} disagreement(s):\n\n${failures.join('\n\n')}`);
});

test('pg_hba.conf and postgresql.conf: pgtls has an error exactly when PostgreSQL 15 does not start', { skip: missing(...requiredTools()), timeout: 5 * 60_000 }, async t => {
  assertTools(...requiredTools());
  const sb = Sandbox.create('pgtls-hostile-pg-');
  const service = testService({ roots: () => [sb.root] });
  const failures: string[] = [];
  try {
    const data = sb.path('data');
    const init = await run(INITDB, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], { env: sb.env, cwd: sb.root, account: sb.account, timeoutMs: 120_000 });
    assert.equal(init.code, 0, describeRun(init));
    const base = fs.readFileSync(path.join(data, 'postgresql.conf'), 'utf8');
    const sock = sb.dir('sock');
    /** A real start with these files; true when PostgreSQL is ready, false on FATAL. */
    const starts = async (hbaFile: string): Promise<{ ready: boolean; log: string }> => {
      const server = ServerProcess.spawn('postgres', POSTGRES, ['-D', data, '-c', 'listen_addresses=', '-c', `unix_socket_directories=${sock}`, '-c', `hba_file=${hbaFile}`],
        { env: sb.env, cwd: sb.root, account: sb.account });
      await server.waitFor(/ready to accept connections|FATAL/, 30_000);
      const ready = /ready to accept connections/.test(server.log);
      await server.stop();
      return { ready, log: server.log.split('\n').filter(l => /FATAL|LOG: {2}(?!database system|listening|starting|shutting|checkpoint|received|aborting|background)/.test(l)).join('\n') };
    };
    let refusedHba = 0;
    for (const [i, c] of HBA.entries()) {
      const dir = sb.dir(`hba${i}`, 0o755);
      for (const [rel, body] of Object.entries(asBytes(hbaFiles(c, 'pg_hba.conf')))) {
        fs.writeFileSync(path.join(dir, rel), body);
        sb.own(path.join(dir, rel));
      }
      const hbaPath = path.join(dir, 'pg_hba.conf');
      const r = await starts(hbaPath);
      if (!r.ready) refusedHba++;
      const text = fs.readFileSync(hbaPath, 'utf8');
      const ps = check(service, hbaPath, text, { postgresVersion: 15, checkFiles: true });
      if (r.ready === errorsOf(ps).length > 0) failures.push(`pg_hba.conf, ${c.name}: PostgreSQL ${r.ready ? 'starts' : 'does not start'}, pgtls ${errorsOf(ps).length ? 'reports errors' : 'reports none'}\n${show(text, ps)}\n${r.log}`);
    }
    const okHba = path.join(sb.dir('okhba', 0o755), 'pg_hba.conf');
    fs.writeFileSync(okHba, 'local all all trust\n');
    let refusedConf = 0;
    for (const c of PGCONF) {
      const text = c.whole ? c.whole(base) : `${base}${c.tail}`;
      fs.writeFileSync(path.join(data, 'postgresql.conf'), bytes(text));
      sb.own(path.join(data, 'postgresql.conf'));
      const r = await starts(okHba);
      if (!r.ready) refusedConf++;
      const read = fs.readFileSync(path.join(data, 'postgresql.conf'), 'utf8');
      const ps = check(service, path.join(data, 'postgresql.conf'), read, { postgresVersion: 15, checkFiles: true });
      if (r.ready === errorsOf(ps).length > 0) failures.push(`postgresql.conf, ${c.name}: PostgreSQL ${r.ready ? 'starts' : 'does not start'}, pgtls ${errorsOf(ps).length ? 'reports errors' : 'reports none'}\n${show(read, errorsOf(ps))}\n${r.log}`);
    }
    fs.writeFileSync(path.join(data, 'postgresql.conf'), base);
    t.diagnostic(`pg_hba.conf: ${HBA.length} cases, PostgreSQL refuses ${refusedHba}; postgresql.conf: ${PGCONF.length} cases, refuses ${refusedConf}`);
    assert.ok(refusedHba >= 5 && refusedHba < HBA.length && refusedConf >= 2 && refusedConf < PGCONF.length, 'both verdicts in each group');
  } finally {
    sb.dispose();
  }
  assert.deepEqual(failures, [], `${failures.length} disagreement(s):\n\n${failures.join('\n\n')}`);
});
