/**
 * Bad input never crashes anything: for every language, hostile or odd input yields problems or nothing, never an
 * exception; every problem carries a registered rule id, a range inside the text and a non-empty message.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type LanguageId, type Problem } from '../../server/src/core/types';
import { MODES } from '../../server/src/languages/registry';
import { testService } from '../helpers';

const service = testService();
/** The languages whose parsers read NUL bytes as their servers do (`LanguageMode.nulBytes`). */
const NUL_READERS = new Set(MODES.filter(m => m.nulBytes).map(m => m.id));
const registered = new Set(service.rules().map(r => r.id));
const FILES: [LanguageId, string][] = [['pgpool-conf', '/nonexistent/pgtls/pgpool.conf'], ['pool-hba', '/nonexistent/pgtls/pool_hba.conf'], ['pg-hba', '/nonexistent/pgtls/pg_hba.conf'],
  ['pg-ident', '/nonexistent/pgtls/pg_ident.conf'], ['postgresql-conf', '/nonexistent/pgtls/postgresql.conf'],
  ['pgbouncer-hba', '/nonexistent/pgtls/pgbouncer_hba.conf']];

function run(languageId: LanguageId, path: string, text: string): Problem[] {
  const doc = { path, text, languageId, version: 1 };
  const parsed = service.parse(doc);
  const problems = service.validate(doc, parsed, DEFAULT_SETTINGS);
  for (const p of problems) {
    assert.ok(registered.has(p.rule), `unregistered rule ${p.rule}`);
    assert.ok(p.span[0] >= 0 && p.span[0] <= p.span[1] && p.span[1] <= text.length, `span ${p.span} outside text of ${text.length}`);
    assert.ok(p.message.length > 10, `message too short: ${p.message}`);
    assert.notEqual(p.rule, 'pgtls/internal-error', `internal error: ${p.message}`);
  }
  // The editor features must not throw either, anywhere in the text.
  for (const offset of [0, Math.floor(text.length / 2), text.length]) {
    service.hover(doc, parsed, offset, DEFAULT_SETTINGS);
    service.complete(doc, parsed, offset, DEFAULT_SETTINGS);
  }
  return problems;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

const SAMPLE: Record<LanguageId, string> = {
  'pgpool-conf': "port = 9999\nssl = off\nlisten_addresses = '*'\nbackend_hostname0 = 'db'\n",
  'pool-hba': 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n',
  'pg-hba': 'local all all peer\nhostssl all all 0.0.0.0/0 scram-sha-256\n',
  // pool_passwd has its own robustness suite (poolPasswdParser.test.ts): CRLF and a BOM change what pgpool reads there.
  'pool-passwd': 'alice:TEXTsecret\nbob:md5e8a48653851e28c69d0506508fb27fc5\n',
  // YAML has its own robustness suite (k8sRobustness.test.ts): binary YAML is silent there, not a warning.
  'postgresql-conf': "listen_addresses = '*'\nssl = on\nshared_buffers = 128MB\ninclude_if_exists 'local.conf'\n",
  yaml: 'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData: { a: b }\n',
  'pgbouncer-ini': '[databases]\nd = host=127.0.0.1 dbname=d\n[pgbouncer]\nlisten_port = 6432\nauth_type = trust\nauth_file = users.txt\n',
  'pg-ident': 'certs /^(.*)@example\\.com$ \\1\nlocal postgres postgres\n',
  // PgBouncer's auth_file has its own robustness suite (pgbouncerUserlist.test.ts): a BOM stops PgBouncer's reading there.
  'pgbouncer-userlist': '"alice" "SCRAM-SHA-256$4096:c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=:aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g="\n',
  'pgbouncer-hba': 'local all all peer\nhostssl all all 0.0.0.0/0 scram-sha-256\n',
};

for (const [lang, path] of FILES) {
  test(`${lang}: empty and whitespace-only input`, () => {
    for (const t of ['', '\n', '   \t  ', '\r\n\r\n', '#', '# only a comment\n']) run(lang, path, t);
  });

  test(`${lang}: binary input gives one pgtls/binary-file warning, at the first NUL byte`, () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const text = bytes.toString('latin1');
    const problems = run(lang, path, text);
    const notes = problems.filter(p => p.rule === 'pgtls/binary-file');
    assert.deepEqual(notes.map(p => `${p.severity} ${p.span}`), [`warning ${text.indexOf('\0')},${text.indexOf('\0') + 1}`]);
    // A language whose parser reads NUL bytes as its server does (core/fileGuard.ts) checks the file as its server
    // reads it (test/interop/hostileOracle.test.ts compares with the servers); the others are not validated.
    if (!NUL_READERS.has(lang)) assert.equal(problems.length, 1);
  });

  test(`${lang}: invalid UTF-8 decoded with replacement characters`, () => {
    const text = Buffer.from([0x70, 0x6f, 0x72, 0x74, 0x20, 0x3d, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a]).toString('utf8');
    assert.ok(text.includes('\uFFFD'));
    run(lang, path, text);
  });

  test(`${lang}: a BOM and CRLF line ends validate like the plain text`, () => {
    const plain = run(lang, path, SAMPLE[lang]).map(p => `${p.rule}`);
    const crlf = run(lang, path, SAMPLE[lang].replace(/\n/g, '\r\n')).map(p => `${p.rule}`);
    const bom = run(lang, path, '\uFEFF' + SAMPLE[lang]).map(p => `${p.rule}`);
    assert.deepEqual(crlf, plain);
    // Pgpool-II reads a BOM as part of the first parameter name, so pgtls says so; the other rules see through it.
    const expectedBom = lang === 'pgpool-conf' ? [...plain, 'pgpool-conf/byte-order-mark'].sort()
      // PostgreSQL too: the mark becomes part of the first name, which it then does not know (it refuses to start).
      : lang === 'postgresql-conf' ? [...plain, 'postgresql-conf/unknown-parameter'].sort()
      // PgBouncer too, in its auth_hba_file: the first line's connection type is then not one it knows.
      : lang === 'pgbouncer-hba' ? [...plain, 'pgbouncer-hba/invalid-connection-type'].sort() : plain;
    assert.deepEqual(bom.sort(), expectedBom);
  });

  test(`${lang}: random printable noise`, () => {
    const rnd = prng(lang.length * 1000 + 7);
    const alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789 \t='\"#,/.:+-!@\\\n\r\u00e9\u4e2d";
    for (let n = 0; n < 200; n++) {
      let t = '';
      const len = Math.floor(rnd() * 300);
      for (let i = 0; i < len; i++) t += alphabet[Math.floor(rnd() * alphabet.length)];
      run(lang, path, t);
    }
  });

  test(`${lang}: 100,000 lines`, () => {
    const lines = SAMPLE[lang].trimEnd().split('\n');
    const text = Array.from({ length: 100_000 }, (_, i) => lines[i % lines.length]).join('\n');
    run(lang, path, text);
  });

  test(`${lang}: a 10 MB file (one very long line and many lines)`, () => {
    run(lang, path, 'x'.repeat(10 * 1024 * 1024));
    const line = SAMPLE[lang].split('\n')[0]! + '\n';
    run(lang, path, line.repeat(Math.ceil((10 * 1024 * 1024) / line.length)));
  });

  test(`${lang}: deeply quoted, unterminated and control-character lines`, () => {
    run(lang, path, `"${'"'.repeat(5000)}\n'${"\\'".repeat(5000)}\n\u0001\u0002\u001b[31m\n\u2028\u2029\n`);
  });
}

test('a file over the size limit is reported, not parsed', () => {
  const problems = run('pgpool-conf', '/nonexistent/pgtls/pgpool.conf', '#'.repeat(17 * 1024 * 1024));
  assert.deepEqual(problems.map(p => p.rule), ['pgtls/file-too-large']);
});
