/**
 * Snippets are fixtures too: every pgpool.conf snippet body, with its placeholders at their defaults, validates
 * without a problem (apart from the TLS file checks, which need real files and run with checkFiles off here).
 * Also checks the shape of the grammar and the language configuration the package contributes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, check, expandSnippet, testService } from '../helpers';

const service = testService();
const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/pgpool-conf.json'), 'utf8')) as
  Record<string, { prefix: string | string[]; body: string | string[]; description: string }>;

test('snippet expansion helper', () => {
  assert.equal(expandSnippet("a = '${1:x.crt}'"), "a = 'x.crt'");
  assert.equal(expandSnippet('a = ${1|on,off|}'), 'a = on');
  assert.equal(expandSnippet('$0a${2}b$1'), 'ab');
  assert.equal(expandSnippet('${1:outer ${2:inner}}'), 'outer inner');
});

test('there are TLS and certificate-authentication snippets', () => {
  const bodies = Object.values(snippets).map(s => (Array.isArray(s.body) ? s.body.join('\n') : s.body));
  assert.ok(bodies.some(b => /^ssl = on$/m.test(b) && /ssl_key/.test(b) && /ssl_cert/.test(b) && /ssl_ca_cert/.test(b)));
  assert.ok(bodies.some(b => /^enable_pool_hba = on$/m.test(b)));
  for (const [name, s] of Object.entries(snippets)) {
    assert.ok(s.prefix.length > 0 && s.description.length > 20, name);
  }
});

for (const [name, s] of Object.entries(snippets)) {
  test(`snippet "${name}" validates clean with its defaults`, () => {
    const body = expandSnippet(Array.isArray(s.body) ? s.body.join('\n') : s.body);
    assert.doesNotMatch(body, /\$\{|\$\d/, 'placeholders left over');
    for (const version of ['4.4', '4.5', '4.6', '4.7']) {
      const problems = check(service, '/etc/pgpool2/pgpool.conf', `${body}\n`, { checkFiles: false, pgpoolVersion: version })
        .filter(p => !p.rule.startsWith('pgpool-conf/ssl-'));
      assert.deepEqual(problems.map(p => `${p.rule}: ${p.message}`), [], `${name} on ${version}`);
    }
  });
}

test('grammar and language configuration', () => {
  const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes/pgpool-conf.tmLanguage.json'), 'utf8'));
  assert.equal(grammar.scopeName, 'source.pgpool-conf');
  for (const ref of JSON.stringify(grammar).match(/"include":"#[a-z]+"/g) ?? []) {
    const key = ref.slice(12, -1);
    assert.ok(grammar.repository[key], `missing repository entry ${key}`);
  }
  const conf = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes/conf.language-configuration.json'), 'utf8'));
  assert.equal(conf.comments.lineComment, '#');
  const pairs = conf.autoClosingPairs.map((p: { open: string }) => p.open);
  assert.ok(pairs.includes("'") && pairs.includes('"'));
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  // pool_passwd has its own: no quotes or brackets are closed automatically inside a password file.
  // pgbouncer.ini has its own: `;` comments and [sections].
  const own: Record<string, string> = {
    'pool-passwd': './syntaxes/pool-passwd.language-configuration.json',
    'pgbouncer-ini': './syntaxes/pgbouncer-ini.language-configuration.json',
    'pgbouncer-userlist': './syntaxes/pgbouncer-userlist.language-configuration.json',
  };
  for (const lang of manifest.contributes.languages) {
    assert.equal(lang.configuration, own[lang.id] ?? './syntaxes/conf.language-configuration.json');
  }
  const passwd = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes/pool-passwd.language-configuration.json'), 'utf8'));
  assert.equal(passwd.autoClosingPairs, undefined);
  const passwdGrammar = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes/pool-passwd.tmLanguage.json'), 'utf8'));
  assert.equal(passwdGrammar.scopeName, 'source.pool-passwd');
  for (const ref of JSON.stringify(passwdGrammar).match(/"include":"#[a-z]+"/g) ?? []) assert.ok(passwdGrammar.repository[ref.slice(12, -1)], ref);
});
