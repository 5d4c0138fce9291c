/**
 * Differential test of the postgresql.conf language against the real PostgreSQL 15: 300 seeded postgresql.conf files
 * (valid and broken values of every type, units, octal/hex/decimal numbers, quoting with '' and \', unknown and
 * misspelt names, custom names, `name value` without `=`, includes, include_if_exists and include_dir folders) are
 * each given to `postgres -D <data> -C shared_buffers`, which reads the whole configuration exactly as at startup
 * (ProcessConfigFile in the postmaster context: any error is FATAL "configuration file … contains errors") and prints
 * one value without starting the server. pgtls must report an error exactly when PostgreSQL refuses the file.
 * A sample of the files is also started for real (`postgres -D`, ready or FATAL) to show that -C is a faithful oracle.
 * -C does not load the TLS files or pg_hba.conf: the rules about those (START_ONLY) are left to the real starts of
 * postgresqlTlsDiff.test.ts.
 * The data directory is made once (initdb); each file replaces postgresql.conf and the included files beside it.
 * Only parameters without a check hook, or with one pgtls models (HOOKED: DateStyle, TimeZone, synchronous_standby_names,
 * the recovery targets and their conflicts, ...), are generated.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, prng, testService } from '../helpers';
import { assertTools, missing } from '../requires';
import { INITDB, POSTGRES, Sandbox, ServerProcess, describeRun, run } from './pgCluster';

const FILES = 300;
/** Rules about what PostgreSQL checks only when it really starts (not under -C): judged by postgresqlTlsDiff.test.ts. */
const START_ONLY = /^(postgresql-conf\/(ssl-|hba-file-missing|ident-file-missing|unknown-resource-manager)|cert\/)/;
const REAL_STARTS = 12;

/** Parameters whose values PostgreSQL checks by type and range only (no check hook), one per kind of value. */
const PARAMS: readonly { name: string; kind: 'bool' | 'mem' | 'time' | 'int' | 'real' | 'enum' | 'string'; good: string[] }[] = [
  { name: 'ssl', kind: 'bool', good: ['on', 'off', 'true', 'FALSE', 'y', '0', 'of'] },
  { name: 'log_connections', kind: 'bool', good: ['on', 'no', 'Yes', '1'] },
  { name: 'work_mem', kind: 'mem', good: ['4MB', "'1GB'", '64', "'4 MB'", '0x100', "'1.5MB'", "'65536B'"] },
  { name: 'shared_buffers', kind: 'mem', good: ['128MB', '16384', "'1 GB'", '8MB'] },
  { name: 'maintenance_work_mem', kind: 'mem', good: ['64MB', "'1TB'", '1024'] },
  { name: 'statement_timeout', kind: 'time', good: ['0', '5s', "'1.5min'", "'10 ms'", '1h', '1d', "'250us'"] },
  { name: 'checkpoint_timeout', kind: 'time', good: ['5min', '300', "'30s'", '1d'] },
  { name: 'log_rotation_age', kind: 'time', good: ['1d', '60', "'29s'", '0'] },
  { name: 'max_connections', kind: 'int', good: ['100', '0x64', '010', "' 50 '"] },
  { name: 'port', kind: 'int', good: ['5432', '65535', '1'] },
  { name: 'extra_float_digits', kind: 'int', good: ['-15', '3', '+1'] },
  { name: 'random_page_cost', kind: 'real', good: ['4', '1.1', '.5', "'1e1'", "'0x10'", "'inf'"] },
  { name: 'checkpoint_completion_target', kind: 'real', good: ['0.9', '1', '0'] },
  { name: 'vacuum_cost_delay', kind: 'real', good: ['0', "'2ms'", "'0.5ms'", "'100 ms'"] },
  { name: 'wal_level', kind: 'enum', good: ['replica', 'LOGICAL', 'hot_standby', "'minimal'", 'archive'] },
  { name: 'ssl_min_protocol_version', kind: 'enum', good: ["'TLSv1.2'", "'tlsv1.3'", "'TLSv1'"] },
  { name: 'ssl_max_protocol_version', kind: 'enum', good: ["''", "'TLSv1.3'"] },
  { name: 'huge_pages', kind: 'enum', good: ['try', 'on', 'yes', '0'] },
  { name: 'log_line_prefix', kind: 'string', good: ["'%m [%p] '", "'it''s '", "'a\\'b'", "''", 'x'] },
  { name: 'ssl_ciphers', kind: 'string', good: ["'HIGH:!aNULL'", 'HIGH', "'ALL:!MD5'"] },
  { name: 'listen_addresses', kind: 'string', good: ["'*'", "'localhost, 127.0.0.1'", 'localhost'] },
];

/** Values that break a parameter of this kind (some only sometimes: PostgreSQL decides, the test compares). */
const BAD: Record<string, string[]> = {
  bool: ['maybe', 'o', "''", '2', 'onn', "'on '"],
  mem: ['4mb', "'4 mB'", '1.5MB', '4TB', '08', '-1', '1', "'4MBx'", '2147483648', "'1e2MB'", 'abc', "'63.5'", "'65535.5B'", "'64 kB x'"],
  time: ["'5 sec'", '1.5min', '5S', "'-1'", '10y', '1e3', "'1e3ms'", "'0.4ms'", "'-0.5'"],
  int: ['many', '100x', '0', '65536', "'1.5'", '1e9', '0x', "'08'", "'-16'"],
  real: ['nan', "'-inf'", '1e400', "'1e-400'", '-1', '1.0000001', "'1x'", '2'],
  enum: ["'hot standby'", 'Replica', "''", 'TLSv1.4', 'true', 'maybe', "'off '"],
  string: ['public.x', '"double"', "'unterminated", "'a' 'b'", '*', 'a b'],
};

/** String parameters whose check hooks pgtls models (check/hooks.ts): values PostgreSQL takes and values it refuses. */
const HOOKED: readonly { name: string; good: string[]; bad: string[] }[] = [
  { name: 'DateStyle', good: ["'ISO, MDY'", "'sql,dmy'", "'German'", "'Postgres, YMD'", "'euro'", "'\"ISO\", US'", "''", "'iso, iso'", "'DEFAULT, DMY'", "'PostgresQL'"],
    bad: ["'ISO, SQL'", "'DMY, MDY'", "'ISO DMY'", "'iso,'", "'British'", "'ISO, \"DMY'", "'euro, us'"] },
  { name: 'log_destination', good: ["'stderr'", "'stderr,csvlog'", "'Syslog, JSONLOG'", "''", "'\"stderr\"'", "'\"Stderr\"'"],
    bad: ["'file'", "'eventlog'", "'stderr,'", "'stderr csvlog'", "'syslog,,stderr'"] },
  { name: 'search_path', good: ["'\"$user\", public'", "'a, b'", "''", "'\"My Schema\"'", "'x.y'"],
    bad: ["'a,,b'", "'a b'", "'\"abc'", "','", "'a,'"] },
  { name: 'client_encoding', good: ["'UTF8'", "'utf-8'", "'latin1'", "'SQL_ASCII'", "'win-1252'", "'Shift_JIS'", "'unicode'", "'EUC_JIS_2004'"],
    bad: ["'utf16'", "''", "'ascii'", "'iso-8859-11'", "'cp1252'"] },
  { name: 'synchronous_standby_names', good: ["'s1'", "'*'", "'FIRST 2 (s1, s2)'", "'ANY 1 (\"a b\", *)'", "'2(a,b)'", "''", "'Anya, firsts'", "'99999999999 (a)'", "'1'"],
    bad: ["'ANY (a)'", "'FIRST 0 (a)'", "'a b'", "'first'", "'s-1'", "'1a'", "'2 (a'", "'(a)'", "'\"a'"] },
  { name: 'TimeZone', good: ["'UTC'", "'europe/berlin'", "'Etc/GMT+5'", "'EST5EDT'", "'<+03>-3'", "'+5'", "'-13.5'", "'posix/Asia/Tokyo'", "'Factory'", "'ABC5DEF'"],
    bad: ["'Mars/Olympus'", "'XYZ'", "'200'", "'right/UTC'", "'Europe'", "''", "'zone.tab'", "'Local'", "'inf'"] },
  { name: 'log_timezone', good: ["'UTC'", "'America/New_York'", "'PST8PDT'", "'GMT'", "'+5'", "'-3:30'"], bad: ["':Mars'", "'Nowhere'", "''", "'right/Europe/Paris'"] },
  { name: 'recovery_target', good: ["'immediate'", "''"], bad: ["'Immediate'", "'latest'"] },
  { name: 'recovery_target_lsn', good: ["'0/16B3748'", "'FFFFFFFF/0'", "''"], bad: ["'16B3748'", "'123456789/0'", "'0/'", "'0/1 '"] },
  { name: 'recovery_target_name', good: ["'before_upgrade'", "''"], bad: [`'${'n'.repeat(64)}'`] },
  { name: 'recovery_target_time', good: ["''", "'2024-01-01 10:00:00+00'"], bad: ["'now'", "'today'"] },
  { name: 'recovery_target_xid', good: ["'1234'", "'abc'", "''"], bad: ["'99999999999999999999999'"] },
  { name: 'role', good: ['none', "'none'"], bad: ["'NONE'", "'postgres'"] },
  { name: 'session_authorization', good: [], bad: ["'postgres'", "''"] },
  { name: 'default_with_oids', good: ['off', 'no', '0'], bad: ['on', 'yes'] },
  { name: 'wal_consistency_checking', good: ["'heap, btree'", "'all'", "''", "'\"Gin\",spgist'", "'xlog'", "'bogus'"], bad: ["'heap,'", "'a b'"] },
  { name: 'recovery_target_timeline', good: ["'latest'", "'current'", "'2'", "'0x10'"], bad: ["'0x1ffffffffffffffff'"] },
];

const NAMES_WRONG = ['shared_bufers', 'work_mem2', 'Work_Mem', 'sort_mem', 'summarize_wal', 'force_parallel_mode', 'db_user_namespace',
  'server_version', 'block_size', 'myext.setting', 'a.b.c', '_x.y', 'x.1y', 'include_dirs', 'ssl_mode', 'wal_levels', 'is_superuser'];

interface Generated { main: string; extra: Record<string, string> }

function generate(seed: number): Generated {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const extra: Record<string, string> = {};
  const line = (): string => {
    const r = rnd();
    if (r < 0.07) return pick(['', '# a comment', "   # indented 'comment", '\t']);
    if (r < 0.14) return `${pick(NAMES_WRONG)} = ${pick(['1', 'on', "'x'", '5MB'])}`;
    if (r < 0.3) {
      const h = pick(HOOKED);
      return `${h.name} = ${rnd() < 0.75 && h.good.length ? pick(h.good) : pick(h.bad)}`;
    }
    const p = pick(PARAMS);
    const value = rnd() < 0.8 ? pick(p.good) : pick(BAD[p.kind]!);
    const sep = pick([' = ', '=', ' ', ' = ', '\t=\t']);
    const tail = rnd() < 0.15 ? pick([' # note', '   ', ' # x = y']) : '';
    return `${p.name}${sep}${value}${tail}`;
  };
  const include = (): string => {
    const r = rnd();
    const name = `inc${Math.floor(rnd() * 3)}.conf`;
    if (r < 0.35) { extra[name] = Array.from({ length: 1 + Math.floor(rnd() * 3) }, line).join('\n') + '\n'; return `include '${name}'`; }
    if (r < 0.5) return `include '${pick(['missing.conf', 'sub/none.conf'])}'`;
    if (r < 0.65) return `include_if_exists '${pick(['missing.conf', name])}'`;
    if (r < 0.85) {
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
        const f = pick(['10-a.conf', '20-b.conf', '.hidden.conf', 'notes.txt', 'x.conf']);
        extra[`conf.d/${f}`] = Array.from({ length: 1 + Math.floor(rnd() * 2) }, line).join('\n') + '\n';
      }
      return "include_dir 'conf.d'";
    }
    return pick(["include ''", "include_dir 'nodir'", "include 'postgresql.conf'"]);
  };
  const n = 1 + Math.floor(rnd() * 8);
  const lines = Array.from({ length: n }, () => (rnd() < 0.12 ? include() : line()));
  const end = rnd() < 0.1 ? '' : '\n';
  return { main: lines.join('\n') + end, extra };
}

test('postgresql.conf: pgtls reports an error exactly when PostgreSQL 15 refuses the file', { skip: missing(POSTGRES, INITDB) }, async t => {
  assertTools(POSTGRES, INITDB);
  const sb = Sandbox.create('pgtls-pgconf-');
  try {
    const data = sb.path('data');
    const init = await run(INITDB, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], { env: sb.env, cwd: sb.root, account: sb.account, timeoutMs: 120_000 });
    assert.equal(init.code, 0, describeRun(init));
    const service = testService({ roots: () => [sb.root] });
    const disagreements: string[] = [];
    let refused = 0;
    /** Files refused only for what check/hooks.ts finds (so those checks alone are what the server confirms). */
    let hookDecides = 0;
    const written = new Set<string>();
    const realStarts: { i: number; refused: boolean }[] = [];
    const sock = sb.dir('sock');
    for (let i = 0; i < FILES; i++) {
      const g = generate(9000 + i);
      for (const f of written) fs.rmSync(path.join(data, f), { force: true });
      written.clear();
      for (const [rel, text] of Object.entries(g.extra)) {
        if (rel.includes('/')) sb.dir(path.join('data', path.dirname(rel)));
        sb.file(path.join('data', rel), text, 0o600);
        written.add(rel);
      }
      sb.file('data/postgresql.conf', g.main, 0o600);
      const r = await run(POSTGRES, ['-D', data, '-C', 'shared_buffers'], { env: sb.env, cwd: sb.root, account: sb.account, timeoutMs: 30_000 });
      assert.ok(!r.timedOut, describeRun(r));
      const pgRefuses = r.code !== 0;
      if (pgRefuses) refused++;
      const problems = check(service, path.join(data, 'postgresql.conf'), g.main, { postgresVersion: 15, checkFiles: true }, 'postgresql-conf');
      // `postgres -C` reads the configuration only: what PostgreSQL checks later in a real start (the TLS files and
      // settings, be_tls_init; pg_hba.conf, load_hba) is judged by real starts in postgresqlTlsDiff.test.ts.
      const errors = problems.filter(p => p.severity === 'error' && !START_ONLY.test(p.rule));
      if (errors.length > 0 && errors.every(p => /\/(invalid-value|recovery-target-conflict)$/.test(p.rule))) hookDecides++;
      if (pgRefuses !== errors.length > 0) {
        disagreements.push(`#${i} PostgreSQL ${pgRefuses ? 'refuses' : 'starts'}, pgtls ${errors.length ? 'reports errors' : 'reports none'}\n--- postgresql.conf ---\n${g.main}${Object.entries(g.extra).map(([k, v]) => `--- ${k} ---\n${v}`).join('')}--- postgres ---\n${r.stdout}${r.stderr}--- pgtls ---\n${problems.map(p => `${p.severity} ${p.rule}: ${p.message}`).join('\n')}`);
      }
      // A real start for a sample: files that do not depend on this machine (TLS files, memory, huge pages, ports).
      const all = g.main + Object.values(g.extra).join('');
      if (realStarts.length < REAL_STARTS && i % 7 === 0 && !/\b(ssl|listen_addresses|shared_buffers|huge_pages|port|wal_consistency_checking)\b/i.test(all)) {
        const server = ServerProcess.spawn('postgres', POSTGRES, ['-D', data, '-c', 'listen_addresses=', '-c', `unix_socket_directories=${sock}`], { env: sb.env, cwd: sb.root, account: sb.account });
        await server.waitFor(/ready to accept connections|FATAL/, 30_000);
        const started = /ready to accept connections/.test(server.log);
        await server.stop();
        assert.equal(!started, pgRefuses, `#${i}: postgres -C and a real start disagree\n${g.main}\n${server.log}`);
        realStarts.push({ i, refused: !started });
      }
    }
    t.diagnostic(`PostgreSQL refused ${refused} of ${FILES} files; ${realStarts.length} real starts agreed with postgres -C (${realStarts.filter(x => x.refused).length} refused); ${hookDecides} refused for a string check hook alone`);
    assert.ok(hookDecides >= 10, `only ${hookDecides} files test the string check hooks alone`);
    assert.deepEqual(disagreements, [], `${disagreements.length} disagreement(s):\n\n${disagreements.slice(0, 5).join('\n\n')}`);
    // Both outcomes must be well represented, or the test proves little.
    assert.ok(refused > FILES / 5 && refused < (FILES * 4) / 5, `PostgreSQL refused ${refused} of ${FILES} files`);
    assert.ok(realStarts.some(s => s.refused) && realStarts.some(s => !s.refused), 'the real-start sample has both outcomes');
  } finally {
    sb.dispose();
  }
});

/** wal_consistency_checking names are judged after the preloaded libraries load: only a real start shows it. */
const WAL_CHECKS: readonly string[] = ["'heap, btree'", "'all'", "'xlog'", "'Heap2, bogus'", "'generic'", "'heap,'"];

test('wal_consistency_checking: pgtls reports an error exactly when a real start of PostgreSQL 15 fails', { skip: missing(POSTGRES, INITDB) }, async () => {
  assertTools(POSTGRES, INITDB);
  const sb = Sandbox.create('pgtls-pgwal-');
  try {
    const data = sb.path('data');
    const init = await run(INITDB, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], { env: sb.env, cwd: sb.root, account: sb.account, timeoutMs: 120_000 });
    assert.equal(init.code, 0, describeRun(init));
    const service = testService({ roots: () => [sb.root] });
    const sock = sb.dir('sock');
    const seen: string[] = [];
    for (const value of WAL_CHECKS) {
      const text = `wal_consistency_checking = ${value}\n`;
      sb.file('data/postgresql.conf', text, 0o600);
      const server = ServerProcess.spawn('postgres', POSTGRES, ['-D', data, '-c', 'listen_addresses=', '-c', `unix_socket_directories=${sock}`], { env: sb.env, cwd: sb.root, account: sb.account });
      await server.waitFor(/ready to accept connections|FATAL/, 30_000);
      const started = /ready to accept connections/.test(server.log);
      await server.stop();
      const errors = check(service, path.join(data, 'postgresql.conf'), text, { postgresVersion: 15, checkFiles: true }, 'postgresql-conf').filter(p => p.severity === 'error');
      assert.equal(errors.length > 0, !started, `${text}${server.log}\n${errors.map(p => p.message).join('\n')}`);
      seen.push(started ? 'starts' : 'refuses');
    }
    assert.ok(seen.includes('starts') && seen.includes('refuses'), seen.join(' '));
  } finally {
    sb.dispose();
  }
});
