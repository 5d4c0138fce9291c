/**
 * The pgbouncer.ini reader and loader (libusual cfparser.c, PgBouncer loader.c) on the cases PgBouncer 1.18.0 was
 * run with here (see the language's rules.ts), the catalogue generated from PgBouncer's source, the editor features,
 * and hostile input: noise, huge lines, NUL, CRLF; never a throw.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type Problem, type Settings } from '../../server/src/core/types';
import { readStatements } from '../../server/src/languages/pgbouncerIni/lexer';
import { parseConnString, parsePgbouncerIni } from '../../server/src/languages/pgbouncerIni/parse';
import { valueProblem } from '../../server/src/languages/pgbouncerIni/check/values';
import { catalogue } from '../../server/src/languages/pgbouncerIni/catalogue';
import { ROOT, prng, testService } from '../helpers';

const service = testService();
const registered = new Set(service.rules().map(r => r.id));
const PATH = '/nonexistent/pgtls/pgbouncer.ini';

function validate(text: string, settings: Partial<Settings> = {}): Problem[] {
  const doc = { path: PATH, text, languageId: 'pgbouncer-ini' as const, version: 1 };
  const parsed = service.parse(doc);
  const problems = service.validate(doc, parsed, { ...DEFAULT_SETTINGS, ...settings });
  for (const p of problems) {
    assert.ok(registered.has(p.rule), `unregistered rule ${p.rule}`);
    assert.ok(p.span[0] >= 0 && p.span[0] <= p.span[1] && p.span[1] <= text.length, `span ${p.span} outside text of ${text.length}`);
    assert.notEqual(p.rule, 'pgtls/internal-error', p.message);
  }
  for (const offset of [0, Math.floor(text.length / 3), Math.floor(text.length / 2), text.length]) {
    service.hover(doc, parsed, offset, DEFAULT_SETTINGS);
    service.complete(doc, parsed, offset, DEFAULT_SETTINGS);
  }
  return problems;
}
const rules = (text: string, settings?: Partial<Settings>): string[] => validate(text, settings).map(p => p.rule);

const kinds = (text: string, quoted = true): string[] => readStatements(text, quoted).map(s => s.kind === 'setting' ? `${s.key}=${s.value}` : s.kind === 'section' ? `[${s.name}]` : s.kind === 'include' ? `%${s.path}` : `!${s.why}`);

test('statements as cfparser.c reads them: comments only at a statement start, values to the end of the line', () => {
  assert.deepEqual(kinds('; c\n# c\n  [pgbouncer]\nlisten_port = 6432 ; not a comment\n\tkey.with-*_chars=  v  \r\n'),
    ['[pgbouncer]', 'listen_port=6432 ; not a comment', 'key.with-*_chars=v']);
  // After `]` reading goes on on the same line: a comment is fine, a word is a key without `=`.
  assert.deepEqual(kinds('[a] ; c\n[b] x\n'), ['[a]', '[b]', '!no-equals']);
  assert.deepEqual(kinds('[unclosed\nk = v\n'), ['!unclosed-section', 'k=v']);
  assert.deepEqual(kinds('%include /etc/x.ini  \n%includes = 1\n'), ['%/etc/x.ini', '!no-equals']);
  assert.deepEqual(kinds('k = v\0rest = 1\n'), ['k=v']);
  assert.deepEqual(kinds("'quoted key' = 1\n"), ['quoted key=1']);
  assert.deepEqual(kinds("'quoted key' = 1\n", false), ['!no-equals']);
  assert.deepEqual(kinds("'' = 1\n"), ['!empty-quoted-key']);
  assert.deepEqual(kinds('= 1\n'), ['=1'], 'an empty key is read (PgBouncer then finds no such parameter)');
});

test('connection strings as loader.c splits them', () => {
  const pairs = (s: string) => {
    const c = parseConnString(s, [0, s.length]);
    return { pairs: c.pairs.map(p => `${p.key}=${p.value}`), error: c.error?.why };
  };
  assert.deepEqual(pairs("host=db port = 5432 dbname='my db' password='it''s'"), { pairs: ['host=db', 'port=5432', 'dbname=my db', "password=it's"], error: undefined });
  assert.deepEqual(pairs("dbname=''"), { pairs: [], error: 'empty-value' });
  assert.deepEqual(pairs("host='open"), { pairs: [], error: 'unclosed-quote' });
  assert.deepEqual(pairs('host'), { pairs: [], error: 'no-equals' });
  assert.deepEqual(pairs('host=a\tport=1'), { pairs: ['host=a\tport=1'], error: undefined }, 'only spaces separate pairs');
});

test('value types as cf_set_int, cf_set_time_usec and cf_set_lookup read them (observed on PgBouncer 1.18.0)', () => {
  const p = catalogue(testEnvJson()).releases['1.18'].params;
  assert.equal(valueProblem(p.client_idle_timeout!, '1.5'), undefined, 'fractions of seconds start');
  assert.match(valueProblem(p.client_idle_timeout!, '10s')!, /no units/);
  assert.match(valueProblem(p.listen_backlog!, 'abc')!, /not an integer/);
  assert.equal(valueProblem(p.listen_backlog!, '0x10'), undefined);
  assert.match(valueProblem(p.listen_backlog!, '08')!, /not an integer/, 'strtol base 0 reads 08 as octal 0 and stops');
  assert.equal(valueProblem(p.auth_type!, 'SCRAM-SHA-256'), undefined, 'lookups ignore case');
  assert.match(valueProblem(p.auth_type!, 'ldap')!, /not one of/, '1.18 has no ldap');
});

/** The catalogue reads only `loadJson`: the committed schemas/ file, read once. */
const schemaJson = new Map<string, unknown>();
function testEnvJson() {
  return { loadJson: (name: string) => schemaJson.get(name) ?? schemaJson.set(name, JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', name), 'utf8'))).get(name) };
}

test('the generated catalogue holds the facts of each release', () => {
  const c = catalogue(testEnvJson());
  assert.equal(c.releases['1.18'].params.server_tls_sslmode!.default, 'disable');
  assert.equal(c.releases['1.25'].params.server_tls_sslmode!.default, 'prefer');
  assert.equal(c.releases['1.18'].params.listen_port!.reload, false);
  assert.deepEqual(c.releases['1.18'].sections, ['pgbouncer', 'databases', 'users']);
  assert.ok(c.releases['1.19'].sections.includes('peers'));
  assert.equal(c.since.get('client_tls13_ciphers'), '1.25');
  assert.equal(c.releases['1.18'].quotedKeys, false);
  assert.equal(c.releases['1.25'].quotedKeys, true);
});

test('what PgBouncer 1.18.0 refuses, pgtls reports as an error; what it accepts, not', () => {
  const base = '[databases]\nd = host=127.0.0.1 port=5432\n[pgbouncer]\nlisten_port = 6432\nauth_file = userlist.txt\n';
  const v118 = { pgbouncerVersion: '1.18' };
  assert.deepEqual(rules(base, v118), []);
  assert.deepEqual(rules(`${base}bogus_key = 1\n`, v118), ['pgbouncer-ini/unknown-setting']);
  assert.deepEqual(rules(`${base}[weird]\n`, v118), ['pgbouncer-ini/unknown-section']);
  assert.deepEqual(rules(`${base}[peers]\n`, v118), ['pgbouncer-ini/unknown-section']);
  assert.deepEqual(rules(`${base}[peers]\n`), []);
  assert.deepEqual(rules(`${base}'auth_type' = md5\n`, v118), ['pgbouncer-ini/syntax-error']);
  assert.deepEqual(rules(`${base}'auth_type' = md5\n`), []);
  assert.deepEqual(rules(`${base}client_idle_timeout = 1.5\n`, v118), []);
  assert.deepEqual(rules(`${base}auth_type = foo\n`, v118), ['pgbouncer-ini/invalid-value']);
  assert.deepEqual(rules(`${base}client_tls_sslmode = allow\n`, v118), ['pgbouncer-ini/client-tls-files-required']);
  assert.deepEqual(rules(`${base}client_tls_sslmode = verify-ca\nclient_tls_key_file = k\nclient_tls_cert_file = c\n`, v118), ['pgbouncer-ini/client-verify-ca-without-ca']);
  assert.deepEqual(rules(`${base}auth_type = cert\nclient_tls_sslmode = require\nclient_tls_key_file = k\nclient_tls_cert_file = c\nclient_tls_ca_file = ca\n`, v118), ['pgbouncer-ini/auth-cert-requirements']);
  assert.deepEqual(rules(`${base}server_tls_sslmode = require\nserver_tls_ciphers = BOGUS\n`, v118).sort(), ['pgbouncer-ini/server-tls-no-verify', 'pgbouncer-ini/tls-ciphers']);
  assert.deepEqual(rules(`${base}server_tls_sslmode = disable\nserver_tls_ciphers = BOGUS\n`, v118), [], 'ciphers of a disabled side are not read');
  assert.deepEqual(rules(base.replace('port=5432', 'port=5432 bogus=1'), v118), ['pgbouncer-ini/connection-string']);
  assert.deepEqual(rules(`${base}[databases]\npgbouncer = host=x\n`, v118), ['pgbouncer-ini/connection-string']);
});

test('an included file may set what is missing here: no "not set" findings', () => {
  assert.deepEqual(rules('[pgbouncer]\n%include tls.ini\nclient_tls_sslmode = require\nauth_type = hba\n'), []);
});

test('hover and completion', () => {
  const text = '[pgbouncer]\nserver_tls_sslmode = verify-full\n\n[databases]\nd = host=x \n';
  const doc = { path: PATH, text, languageId: 'pgbouncer-ini' as const, version: 1 };
  const parsed = service.parse(doc);
  const h = service.hover(doc, parsed, text.indexOf('server_tls_sslmode') + 3, DEFAULT_SETTINGS);
  assert.match(h!.markdown, /verify-full.*host name/s);
  assert.match(h!.markdown, /Default: `prefer`/);
  const names = service.complete(doc, parsed, text.indexOf('\n\n') + 1, DEFAULT_SETTINGS).map(c => c.label);
  assert.ok(names.includes('client_tls_sslmode') && names.includes('client TLS block') && names.includes('server TLS block'));
  const values = service.complete(doc, parsed, text.indexOf('verify-full'), DEFAULT_SETTINGS).map(c => c.label);
  assert.ok(values.includes('verify-ca'));
  const keys = service.complete(doc, parsed, text.length - 1, DEFAULT_SETTINGS).map(c => c.label);
  assert.ok(keys.includes('dbname') && keys.includes('pool_mode'));
});

test('the TLS snippets expand to files with no error', () => {
  const doc = { path: PATH, text: '[pgbouncer]\n', languageId: 'pgbouncer-ini' as const, version: 1 };
  const snippets = service.complete(doc, service.parse(doc), doc.text.length, DEFAULT_SETTINGS).filter(c => c.snippet);
  for (const s of snippets) {
    const body = s.insertText!.replace(/\$\{\d+\|([^|,]*)[^|]*\|\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d/g, '');
    const found = validate(`[pgbouncer]\nauth_type = scram-sha-256\nauth_file = userlist.txt\n${body}`).filter(p => p.severity === 'error');
    assert.deepEqual(found.map(p => p.rule), [], s.label);
  }
});

test('hostile input never throws', () => {
  const rnd = prng(9);
  const alphabet = '[]=%;#\'" \t\r\n\0abcdefgh_.-*=pgbouncer_tls';
  for (let i = 0; i < 300; i++) {
    let s = '';
    const n = Math.floor(rnd() * 200);
    for (let k = 0; k < n; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    validate(s);
    parsePgbouncerIni({ path: PATH, text: s, languageId: 'pgbouncer-ini' });
  }
  validate(`[pgbouncer]\nlogfile = ${'x'.repeat(200_000)}\n`);
  validate(`[databases]\n${'d = host=a\n'.repeat(20_000)}`);
  validate(`[databases]\nd = ${"host='".repeat(5000)}\n`);
});
