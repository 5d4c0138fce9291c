/**
 * pool_hba.conf against the pool_passwd file that its pgpool.conf names, and pgpool.conf's own `pool_passwd` value:
 * reported exactly where pgpool's answer is certain (users named on a line, the entries `all` covers, one backend
 * versus several for md5, `pool_passwd = ''`), silent where pgtls cannot see the file pgpool reads.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Problem, Settings } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const service = testService();
const BOB_MD5 = 'md5e8a48653851e28c69d0506508fb27fc5';
const TWO = "enable_pool_hba = on\nbackend_hostname0 = 'a'\nbackend_port0 = 5432\nbackend_hostname1 = 'b'\nbackend_port1 = 5432\n";
const ONE = "enable_pool_hba = on\nbackend_hostname0 = 'a'\nbackend_port0 = 5432\n";
const QUIET = { rules: { 'pool-hba/md5-method': 'off', 'pool-hba/clear-text-password': 'off', 'pool-hba/prefer-hostssl': 'off' } } as Partial<Settings>;

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-passwd-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The pool-passwd findings of the pool_hba.conf in a folder, as `line rule severity`. */
function hbaFindings(files: Record<string, string>, settings: Partial<Settings> = {}): { list: string[]; problems: Problem[] } {
  const dir = folder(files);
  const file = path.join(dir, 'pool_hba.conf');
  const problems = check(service, file, fs.readFileSync(file, 'utf8'), { ...QUIET, ...settings, rules: { ...QUIET.rules, ...settings.rules } })
    .filter(p => p.rule.startsWith('pool-hba/pool-passwd'));
  const text = fs.readFileSync(file, 'utf8');
  const lineOf = (o: number) => text.slice(0, o).split('\n').length;
  return { list: problems.map(p => `${lineOf(p.span[0])} ${p.rule} ${p.severity}`), problems };
}

test('a scram-sha-256 line and a user with an MD5 hash: error on the user, related to the entry', () => {
  const { list, problems } = hbaFindings({
    'pgpool.conf': TWO, 'pool_passwd': `alice:TEXTsecret\nbob:${BOB_MD5}\n`,
    'pool_hba.conf': 'host all alice 10.0.0.0/8 scram-sha-256\nhost all bob 10.0.0.0/8 scram-sha-256\nhost all bob 10.0.0.0/8 md5\n',
  });
  assert.deepEqual(list, ['2 pool-hba/pool-passwd-entry-type error']);
  assert.match(problems[0]!.message, /"bob" .*an MD5 hash, which cannot serve "scram-sha-256"/);
  assert.ok(problems[0]!.related?.[0]?.file.endsWith('pool_passwd'));
  assert.ok(!problems[0]!.message.includes(BOB_MD5.slice(3, 12)), 'the hash is never shown');
});

test('md5 without an entry: an error with several backends, a warning with one (patch-level dependent), an error on 4.7', () => {
  const hba = 'host all carol 10.0.0.0/8 md5\n';
  const pw = 'alice:TEXTsecret\n';
  assert.deepEqual(hbaFindings({ 'pgpool.conf': TWO, pool_passwd: pw, 'pool_hba.conf': hba }).list, ['1 pool-hba/pool-passwd-no-entry error']);
  const one = hbaFindings({ 'pgpool.conf': ONE, pool_passwd: pw, 'pool_hba.conf': hba }, { pgpoolVersion: '4.6' });
  assert.deepEqual(one.list, ['1 pool-hba/pool-passwd-no-entry warning']);
  assert.match(one.problems[0]!.message, /from Pgpool-II 4\.6\.1 on/);
  assert.deepEqual(hbaFindings({ 'pgpool.conf': ONE, pool_passwd: pw, 'pool_hba.conf': hba }, { pgpoolVersion: '4.7' }).list, ['1 pool-hba/pool-passwd-no-entry error']);
  // scram-sha-256 needs the entry whatever the number of backends.
  assert.deepEqual(hbaFindings({ 'pgpool.conf': ONE, pool_passwd: pw, 'pool_hba.conf': 'host all carol 10.0.0.0/8 scram-sha-256\n' }).list, ['1 pool-hba/pool-passwd-no-entry error']);
});

test('password lines need no entry, but a SCRAM verifier fails them', () => {
  const verifier = 'SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=:aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
  const { list } = hbaFindings({
    'pgpool.conf': TWO, pool_passwd: `alice:TEXTsecret\ncarol:${verifier}\n`,
    'pool_hba.conf': 'host all nobody 10.0.0.0/8 password\nhost all carol 10.0.0.0/8 password\n',
  });
  assert.deepEqual(list, ['2 pool-hba/pool-passwd-entry-type error']);
});

test("pool_passwd = '' disables the file: named users and all fail on scram-sha-256, password lines pass", () => {
  const { list, problems } = hbaFindings({
    'pgpool.conf': `${TWO}pool_passwd = ''\n`,
    'pool_hba.conf': 'host all alice 10.0.0.0/8 scram-sha-256\nhost all all 10.0.0.0/8 scram-sha-256\nhost all all 10.0.0.0/8 password\n',
  });
  assert.deepEqual(list, ['1 pool-hba/pool-passwd-no-entry error', '2 pool-hba/pool-passwd-no-entry error']);
  assert.ok(problems[0]!.related?.[0]?.file.endsWith('pgpool.conf'));
});

test('all: the entries no earlier line names, grouped; users without an entry are not guessed', () => {
  const { list, problems } = hbaFindings({
    'pgpool.conf': TWO, pool_passwd: `alice:TEXTsecret\nbob:${BOB_MD5}\ndave:${BOB_MD5}\nerin:${BOB_MD5}\n`,
    'pool_hba.conf': 'host all bob 10.0.0.0/8 md5\nhost all all 10.0.0.0/8 scram-sha-256\n',
  });
  assert.deepEqual(list, ['2 pool-hba/pool-passwd-entry-type error']);
  assert.match(problems[0]!.message, /entries of "dave", "erin" .* are MD5 hashes/);
  assert.ok(!problems[0]!.message.includes('"bob"'), 'bob is caught by the md5 line first');
});

test('silent where pgtls cannot see the file pgpool reads', () => {
  const hba = 'host all carol 10.0.0.0/8 scram-sha-256\nhost all all 10.0.0.0/8 scram-sha-256\n';
  // Missing beside pgpool.conf: pgpool creates it empty at start (often filled then by an entrypoint).
  assert.deepEqual(hbaFindings({ 'pgpool.conf': TWO, 'pool_hba.conf': hba }).list, []);
  // An absolute path that does not exist here: a path where pgpool runs.
  assert.deepEqual(hbaFindings({ 'pgpool.conf': `${TWO}pool_passwd = '/nonexistent/pgtls/etc/pool_passwd'\n`, 'pool_hba.conf': hba }).list, []);
  // A file with no entry at all.
  assert.deepEqual(hbaFindings({ 'pgpool.conf': TWO, pool_passwd: '', 'pool_hba.conf': hba }).list, []);
  // pool_hba.conf not in force, or file checks off.
  assert.deepEqual(hbaFindings({ 'pgpool.conf': TWO.replace('on', 'off'), pool_passwd: 'alice:TEXTx\n', 'pool_hba.conf': hba }).list, []);
  assert.deepEqual(hbaFindings({ 'pgpool.conf': TWO, pool_passwd: 'alice:TEXTx\n', 'pool_hba.conf': hba }, { checkFiles: false }).list, []);
  // No pgpool.conf beside pool_hba.conf.
  assert.deepEqual(hbaFindings({ pool_passwd: 'alice:TEXTx\n', 'pool_hba.conf': hba }).list, []);
});

test("a relative pool_passwd is read from pgpool.conf's folder", () => {
  const { list } = hbaFindings({
    'pgpool.conf': `${TWO}pool_passwd = 'auth/pool_passwd'\n`, 'auth/pool_passwd': `bob:${BOB_MD5}\n`,
    'pool_hba.conf': 'host all bob 10.0.0.0/8 scram-sha-256\n',
  });
  assert.deepEqual(list, ['1 pool-hba/pool-passwd-entry-type error']);
});

test('a byte-order mark hides the first user; a quoted "all" is a user named all', () => {
  const { list } = hbaFindings({
    'pgpool.conf': TWO, pool_passwd: '\uFEFFalice:TEXTsecret\nbob:TEXTsecret\n',
    'pool_hba.conf': 'host all alice 10.0.0.0/8 scram-sha-256\nhost all "all" 10.0.0.0/8 scram-sha-256\n',
  });
  assert.deepEqual(list, ['1 pool-hba/pool-passwd-no-entry error', '2 pool-hba/pool-passwd-no-entry error']);
});

test('a pool_passwd value shaped like a password: pgpool.conf reports an error without repeating it, pool_hba.conf stays silent', () => {
  const hash = 'md5a3556571e93b0d20722ba62be61e8c2d';
  const dir = folder({ 'pgpool.conf': `${TWO}pool_passwd = '${hash}'\n`, 'pool_hba.conf': 'host all bob 10.0.0.0/8 scram-sha-256\n' });
  const conf = check(service, path.join(dir, 'pgpool.conf'), fs.readFileSync(path.join(dir, 'pgpool.conf'), 'utf8'));
  const p = conf.filter(x => x.rule === 'pgpool-conf/pool-passwd-value');
  assert.equal(p.length, 1);
  assert.equal(p[0]!.severity, 'error'); // the file pgpool reads has no entry: logins that need pool_passwd are refused
  assert.match(p[0]!.message, /an MD5 password hash/);
  assert.ok(!p[0]!.message.includes(hash.slice(3, 11)));
  assert.equal(p[0]!.fixes?.[0]?.edits[0]?.newText, "'pool_passwd'");
  const hba = check(service, path.join(dir, 'pool_hba.conf'), fs.readFileSync(path.join(dir, 'pool_hba.conf'), 'utf8'));
  assert.ok(hba.every(x => !x.message.includes(hash.slice(3, 11))));
  assert.deepEqual(hba.filter(x => x.rule.startsWith('pool-hba/pool-passwd')), []);
});

test('pool_passwd value shapes: file names pass, entries do not', () => {
  const shapeOf = (v: string) => check(service, '/nonexistent/pgtls/pgpool.conf', `pool_passwd = '${v}'\n`)
    .filter(p => p.rule === 'pgpool-conf/pool-passwd-value').map(p => /looks like (.*?), not a file name/.exec(p.message)?.[1]);
  for (const ok of ['pool_passwd', '/etc/pgpool-II/pool_passwd', 'conf/pool_passwd', 'C:\\pgpool\\pool_passwd', '', 'TEXT.d/pool_passwd', '/opt/my files/pool_passwd']) {
    assert.deepEqual(shapeOf(ok), [], ok);
  }
  assert.deepEqual(shapeOf('MD5A3556571E93B0D20722BA62BE61E8C2D'), ['an MD5 password hash']);
  assert.deepEqual(shapeOf('SCRAM-SHA-256$4096:abc$def:ghi'), ['a SCRAM-SHA-256 verifier']);
  assert.deepEqual(shapeOf('AESlJlM3wBTcV9aW0Y0BHaXBA=='), ['an AES-encrypted password']);
  assert.deepEqual(shapeOf('postgres:secret'), ['a "username:password" line']);
  // Text with blanks may still be a file name: only a warning.
  const blanks = check(service, '/nonexistent/pgtls/pgpool.conf', "pool_passwd = 'my secret words'\n").filter(p => p.rule === 'pgpool-conf/pool-passwd-value');
  assert.deepEqual(blanks.map(p => p.severity), blanks.length ? ['warning'] : []);
  assert.deepEqual(shapeOf('TEXTsecret'), ['a "TEXT" password']);
  assert.deepEqual(shapeOf('my secret password'), ['text with blanks rather than a file name']);
});
