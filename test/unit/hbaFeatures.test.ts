/** Hover and completion in pool_hba.conf and pg_hba.conf. The cursor is marked with `|` in the text. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type LanguageId, type Settings, type SourceDocument } from '../../server/src/core/types';
import { CONN_TYPES, KEYWORDS, METHODS, OPTIONS } from '../../server/src/languages/hba/catalogue';
import { testService } from '../helpers';

const service = testService();

function at(lang: LanguageId, marked: string) {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'cursor marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const doc: SourceDocument = { path: lang === 'pool-hba' ? '/nonexistent/pool_hba.conf' : '/nonexistent/pg_hba.conf', text, languageId: lang, version: 1 };
  return { doc, parsed: service.parse(doc), offset, text };
}

function hover(lang: LanguageId, marked: string, settings: Settings = DEFAULT_SETTINGS) {
  const { doc, parsed, offset, text } = at(lang, marked);
  const h = service.hover(doc, parsed, offset, settings);
  return h ? { md: h.markdown, word: text.slice(h.span[0], h.span[1]) } : undefined;
}

function complete(lang: LanguageId, marked: string, settings: Partial<Settings> = {}) {
  const { doc, parsed, offset, text } = at(lang, marked);
  const items = service.complete(doc, parsed, offset, { ...DEFAULT_SETTINGS, ...settings });
  return { labels: items.map(i => i.label), items, text };
}

test('hover: every connection type, method, keyword and option has text in both dialects', () => {
  for (const lang of ['pool-hba', 'pg-hba'] as const) {
    for (const t of Object.keys(CONN_TYPES)) {
      const h = hover(lang, `${t[0]}|${t.slice(1)} all all 10.0.0.0/8 reject`);
      assert.ok(h && h.word === t && h.md.includes(`**${t}**`), `${lang} ${t}`);
    }
    for (const m of Object.keys(METHODS)) {
      const h = hover(lang, `hostssl all all 10.0.0.0/8 ${m}|`);
      assert.ok(h && h.word === m && h.md.includes('authentication method'), `${lang} ${m}`);
    }
    for (const [k, e] of Object.entries(KEYWORDS)) {
      const line = e.fields.includes('address') && !e.fields.includes('database') ? `host all all ${k}| reject` : `host ${k}| all all reject`;
      const h = hover(lang, line);
      assert.ok(h && h.word === k && h.md.length > 40, `${lang} ${k}`);
    }
    for (const o of Object.keys(OPTIONS)) {
      const h = hover(lang, `hostssl all all 10.0.0.0/8 ldap ${o}|=x`);
      assert.ok(h && h.word === `${o}=x` && h.md.includes(`**${o}**`), `${lang} ${o}`);
    }
  }
});

test('hover texts differ where pgpool and PostgreSQL differ', () => {
  assert.match(hover('pool-hba', 'hostssl all all 10.0.0.0/8 ce|rt')!.md, /CN/);
  assert.match(hover('pool-hba', 'hostssl all all 10.0.0.0/8 ce|rt')!.md, /ssl_ca_cert/);
  assert.match(hover('pg-hba', 'hostssl all all 10.0.0.0/8 ce|rt')!.md, /verify-full/);
  assert.match(hover('pool-hba', 'host repl|ication all all reject')!.md, /ordinary database name/);
  assert.match(hover('pg-hba', 'host repl|ication all all reject')!.md, /replication connections/);
  assert.match(hover('pool-hba', 'host|gssenc all all all reject')!.md, /not supported by pgpool/);
  assert.match(hover('pool-hba', 'hostssl all all 10.0.0.0/8 cert client|cert=verify-full')!.md, /PostgreSQL-only/);
  assert.match(hover('pg-hba', 'hostssl all all 10.0.0.0/8 ldap ldapbasedn=x backend_use|_passwd=1')!.md, /not known to PostgreSQL/);
});

test('hover on names, groups, files, addresses and include directives', () => {
  assert.match(hover('pool-hba', 'host app|db all all reject')!.md, /database name/);
  assert.match(hover('pool-hba', 'host "al|l" all all reject')!.md, /quoted, so never a keyword/);
  assert.match(hover('pool-hba', 'host all +adm|ins all reject')!.md, /never matches/);
  assert.match(hover('pg-hba', 'host all +adm|ins all reject')!.md, /member/);
  assert.match(hover('pg-hba', 'host all /^svc|_ all reject')!.md, /regular expression/);
  assert.match(hover('pool-hba', 'host @db|s all all reject')!.md, /file of database names/);
  const range = hover('pool-hba', 'host all all 10.0.0.0/|8 reject')!;
  assert.equal(range.word, '10.0.0.0/8');
  assert.match(range.md, /10\.0\.0\.0 – 10\.255\.255\.255 \(16777216 addresses\)/);
  assert.match(hover('pool-hba', 'host all all 192.168.1.0| 255.255.255.0 reject')!.md, /192\.168\.1\.0 – 192\.168\.1\.255/);
  assert.match(hover('pool-hba', 'host all all 192.168.1.0 255.255|.255.0 reject')!.md, /\/24/);
  assert.match(hover('pool-hba', 'host all all 2001:db8::|/32 reject')!.md, /2001:db8:: – 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/);
  assert.match(hover('pool-hba', 'host all all .example.|com reject')!.md, /ends in/);
  assert.match(hover('pg-hba', 'incl|ude other.conf')!.md, /PostgreSQL 16/);
  assert.equal(hover('pool-hba', '# a comment with hostssl| in it'), undefined);
  assert.equal(hover('pool-hba', 'hostssl all all 10.0.0.0/8 reject   |  '), undefined);
});

test('completion: connection types at the start of a line, per dialect and version', () => {
  assert.deepEqual(complete('pool-hba', '|').labels, ['local', 'host', 'hostssl', 'hostnossl']);
  assert.deepEqual(complete('pool-hba', 'hos|').labels, ['local', 'host', 'hostssl', 'hostnossl']);
  assert.deepEqual(complete('pool-hba', 'hos|').items[0]!.replace, [0, 3]);
  assert.deepEqual(complete('pg-hba', '|', { postgresVersion: 15 }).labels, ['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc']);
  assert.deepEqual(complete('pg-hba', 'local all all peer\n|', { postgresVersion: 16 }).labels.slice(-3), ['include', 'include_if_exists', 'include_dir']);
});

test('completion: keywords in the database, user and address fields', () => {
  assert.deepEqual(complete('pool-hba', 'host |').labels, ['all', 'sameuser']);
  assert.deepEqual(complete('pg-hba', 'host |').labels, ['all', 'sameuser', 'samerole', 'samegroup', 'replication']);
  assert.deepEqual(complete('pg-hba', 'host db1,|').labels, ['all', 'sameuser', 'samerole', 'samegroup', 'replication'], 'after a comma: same field');
  assert.deepEqual(complete('pool-hba', 'host all |').labels, ['all']);
  assert.ok(complete('pool-hba', 'host all all |').labels.includes('samenet'));
  assert.ok(complete('pool-hba', 'host all all |').labels.includes('127.0.0.1/32'));
  assert.deepEqual(complete('pool-hba', 'host all all 10.0.0.0 |').labels[0], '255.255.255.255', 'netmask after an address without /bits');
});

test('completion: methods filtered by dialect and connection type', () => {
  assert.deepEqual(complete('pool-hba', 'hostssl all all 10.0.0.0/8 |').labels, ['trust', 'reject', 'scram-sha-256', 'md5', 'password', 'cert', 'pam', 'ldap']);
  // pgpool accepts `cert` on local and hostnossl lines, but it can never succeed there (cert-on-non-ssl-line warns).
  assert.deepEqual(complete('pool-hba', 'local all all |').labels.includes('cert'), false);
  assert.deepEqual(complete('pool-hba', 'hostnossl all all 10.0.0.0/8 |').labels.includes('cert'), false);
  assert.deepEqual(complete('pool-hba', 'host all all 10.0.0.0/8 |').labels.includes('cert'), true);
  const hostssl = complete('pg-hba', 'hostssl all all 10.0.0.0/8 sc|');
  assert.ok(hostssl.labels.includes('cert') && hostssl.labels.includes('ident') && !hostssl.labels.includes('peer'));
  assert.deepEqual(hostssl.items[0]!.replace, [27, 29]);
  const local = complete('pg-hba', 'local all all |').labels;
  assert.ok(local.includes('peer') && !local.includes('cert') && !local.includes('gss') && !local.includes('ident'));
  assert.ok(!complete('pg-hba', 'host all all all |').labels.includes('cert'), 'cert only on hostssl');
  assert.ok(complete('pg-hba', 'host all all 10.0.0.0 255.0.0.0 |').labels.includes('scram-sha-256'), 'method after a netmask');
});

test('completion: options for the method', () => {
  const ldap = complete('pool-hba', 'hostssl all all 10.0.0.0/8 ldap |');
  assert.ok(ldap.labels.includes('ldapbasedn') && ldap.labels.includes('backend_use_passwd') && !ldap.labels.includes('clientcert'));
  assert.equal(ldap.items.find(i => i.label === 'ldapbasedn')!.insertText, 'ldapbasedn=');
  assert.deepEqual(complete('pool-hba', 'hostssl all all 10.0.0.0/8 cert |').labels, [], 'pgpool: cert takes no options');
  const pgCert = complete('pg-hba', 'hostssl all all 10.0.0.0/8 cert |').labels;
  assert.deepEqual(pgCert.sort(), ['clientcert', 'clientname', 'map']);
  assert.ok(!complete('pg-hba', 'host all all 10.0.0.0/8 scram-sha-256 |').labels.includes('clientcert'), 'clientcert only on hostssl');
  assert.deepEqual(complete('pg-hba', 'local all all ident |').labels, ['map'], 'ident on local is peer');
  assert.deepEqual(complete('pg-hba', 'hostssl all all 10.0.0.0/8 cert clientcert=|').labels, [], 'no option names inside a value');
});

test('completion: nothing inside comments or quotes', () => {
  assert.deepEqual(complete('pool-hba', '# host |').labels, []);
  assert.deepEqual(complete('pool-hba', 'host all all all trust # |').labels, []);
  assert.deepEqual(complete('pool-hba', 'host "my |').labels, []);
});

test('completion: continuation lines in pg_hba.conf', () => {
  assert.ok(complete('pg-hba', 'hostssl all all \\\n  10.0.0.0/8 |').labels.includes('cert'));
});
