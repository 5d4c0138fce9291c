/**
 * The snippets of postgresql.conf, pg_hba.conf, pg_ident.conf and pgbouncer.ini (snippets/*.json, contributed in
 * package.json): every body, with its placeholders at their defaults (and each other value of a choice placeholder in
 * turn), validates without any problem through the real service, for every PostgreSQL version and PgBouncer release
 * pgtls offers. The TLS file checks need real files and run with checkFiles off here; nothing else is filtered.
 *
 * pgbouncer.ini: the snippets of `[pgbouncer]` settings carry no section header, because a second `[pgbouncer]` header
 * makes PgBouncer reset every setting above it to its default (libusual cfparser.c `fill_defaults`, run at every
 * section header; seen with PgBouncer 1.18.0: a repeated header dropped the `listen_addr`/`listen_port` written above
 * it). They are validated as lines under the section they belong to; only the whole-file snippet has headers.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, check, describeProblem, expandSnippet, testService } from '../helpers';
import { SUPPORTED_PGBOUNCER_VERSIONS, SUPPORTED_POSTGRES_VERSIONS } from '../../server/src/core/settings';
import type { Settings } from '../../server/src/core/types';

interface Snippet { prefix: string | string[]; body: string | string[]; description: string }

const service = testService();
const LANGS = ['pgbouncer-ini', 'postgresql-conf', 'pg-hba', 'pg-ident'] as const;
type Lang = typeof LANGS[number];
const snippets = Object.fromEntries(LANGS.map(l => [l, JSON.parse(fs.readFileSync(path.join(ROOT, `snippets/${l}.json`), 'utf8')) as Record<string, Snippet>])) as Record<Lang, Record<string, Snippet>>;
const bodyOf = (s: Snippet): string => [s.body].flat().join('\n');
const all = (l: Lang): string[] => Object.values(snippets[l]).map(s => expandSnippet(bodyOf(s)));

/** The body with its defaults, then once more for every other value of each choice placeholder (the rest at defaults). */
function expansions(body: string): string[] {
  const out = [expandSnippet(body)];
  for (const m of body.matchAll(/\$\{\d+\|([^|]*)\|\}/g)) {
    for (const choice of m[1]!.split(',').slice(1)) out.push(expandSnippet(body.replace(m[0], choice)));
  }
  return out;
}

/** Where a pgbouncer.ini snippet goes: under [pgbouncer], under [databases], or a whole file. */
const PGBOUNCER_PLACE: Record<string, 'pgbouncer' | 'databases' | 'file'> = {
  'TLS towards clients': 'pgbouncer',
  'TLS towards servers': 'pgbouncer',
  'TLS towards servers with a client certificate': 'pgbouncer',
  'Client certificate authentication': 'pgbouncer',
  'Authentication through an hba file': 'pgbouncer',
  'Database entry': 'databases',
  'New pgbouncer.ini with TLS on both sides': 'file',
};

const PATHS: Record<Lang, string> = {
  'pgbouncer-ini': '/etc/pgbouncer/pgbouncer.ini',
  'postgresql-conf': path.join(ROOT, 'test', 'no-such-folder', 'postgresql.conf'),
  'pg-hba': path.join(ROOT, 'test', 'no-such-folder', 'pg_hba.conf'),
  'pg-ident': path.join(ROOT, 'test', 'no-such-folder', 'pg_ident.conf'),
};

/** Every setting combination a snippet must be clean under. */
function settingsFor(lang: Lang): Partial<Settings>[] {
  if (lang === 'pgbouncer-ini') return SUPPORTED_PGBOUNCER_VERSIONS.map(v => ({ checkFiles: false, pgbouncerVersion: v }));
  return SUPPORTED_POSTGRES_VERSIONS.map(v => ({ checkFiles: false, postgresVersion: v }));
}

test('the four snippet files are contributed for their languages, and every snippet has a prefix and a description', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets: { language: string; path: string }[]; languages: { id: string }[] } };
  const ids = new Set(manifest.contributes.languages.map(l => l.id));
  for (const l of LANGS) {
    assert.ok(manifest.contributes.snippets.some(s => s.language === l && s.path === `./snippets/${l}.json`), l);
    assert.ok(ids.has(l), `${l} is a contributed language`);
  }
  for (const s of manifest.contributes.snippets) assert.ok(fs.existsSync(path.join(ROOT, s.path)), s.path);
  for (const l of LANGS) {
    for (const [name, s] of Object.entries(snippets[l])) {
      assert.ok([s.prefix].flat().length > 0 && [s.prefix].flat().every(p => p.length > 0), `${l}: ${name} prefix`);
      assert.ok(s.description.length > 40, `${l}: ${name} description`);
      assert.doesNotMatch(expandSnippet(bodyOf(s)), /\$\{|\$\d/, `${l}: ${name} placeholders left over`);
    }
  }
});

test('pgbouncer.ini: a TLS block for each side, certificate authentication, an hba setup and a [databases] entry', () => {
  const b = all('pgbouncer-ini');
  const has = (...res: RegExp[]): boolean => b.some(x => res.every(r => r.test(x)));
  assert.ok(has(/^client_tls_sslmode = /m, /^client_tls_key_file = /m, /^client_tls_cert_file = /m, /^client_tls_ca_file = /m, /^client_tls_protocols = secure$/m), 'TLS towards clients');
  assert.ok(has(/^server_tls_sslmode = verify-full$/m, /^server_tls_ca_file = /m), 'TLS towards servers');
  assert.ok(has(/^server_tls_sslmode = verify-full$/m, /^server_tls_cert_file = /m, /^server_tls_key_file = /m), 'a client certificate for the servers');
  assert.ok(has(/^auth_type = cert$/m, /^client_tls_sslmode = verify-full$/m, /^client_tls_ca_file = /m), 'auth_type = cert with what it needs');
  assert.ok(has(/^auth_type = hba$/m, /^auth_hba_file = /m), 'auth_type = hba with auth_hba_file');
  assert.deepEqual(Object.keys(snippets['pgbouncer-ini']).sort(), Object.keys(PGBOUNCER_PLACE).sort(), 'every snippet has its place listed');
  for (const [name, s] of Object.entries(snippets['pgbouncer-ini'])) {
    const headers = bodyOf(s).match(/^\[[a-z]+\]$/gm) ?? [];
    if (PGBOUNCER_PLACE[name] === 'file') assert.deepEqual(headers.sort(), ['[databases]', '[pgbouncer]'], name);
    else {
      assert.deepEqual(headers, [], `${name}: no header (a repeated [pgbouncer] resets the settings above it)`);
      assert.match(s.description, new RegExp(`^(Under|One line under) \\[${PGBOUNCER_PLACE[name]}\\]`), `${name}: the description says where it goes`);
    }
  }
});

test('postgresql.conf, pg_hba.conf and pg_ident.conf: TLS, certificate authentication, SCRAM, and the maps', () => {
  const pc = all('postgresql-conf');
  assert.ok(pc.some(x => /^ssl = on$/m.test(x) && /^ssl_cert_file = /m.test(x) && /^ssl_key_file = /m.test(x) && /^ssl_ca_file = /m.test(x) && /^ssl_min_protocol_version = 'TLSv1\.2'$/m.test(x)), 'TLS block');
  assert.ok(pc.some(x => /^ssl_ca_file = /m.test(x) && /^# pg_hba\.conf: hostssl .* cert$/m.test(x)), 'certificate authentication, pointing to pg_hba.conf');
  assert.ok(pc.some(x => /^password_encryption = scram-sha-256$/m.test(x)), 'SCRAM storage');
  const hba = all('pg-hba');
  assert.ok(hba.some(x => /^hostssl \S+ \S+ \S+ cert map=\S+$/.test(x)), 'hostssl cert with map=');
  assert.ok(hba.some(x => /^hostssl \S+ \S+ \S+ scram-sha-256 clientcert=verify-full$/.test(x)), 'clientcert=');
  assert.ok(hba.some(x => /^hostssl \S+ \S+ \S+ scram-sha-256$/.test(x)), 'SCRAM over TLS');
  assert.ok(hba.some(x => /^hostnossl \S+ \S+ \S+ reject$/.test(x)), 'hostnossl reject');
  const ident = all('pg-ident');
  assert.ok(ident.includes('certmap alice alice'), 'a map line');
  assert.ok(ident.includes('certmap /^(.*)@example\\.com$ \\1'), 'a regular-expression map line with \\1');
});

for (const lang of LANGS) {
  for (const [name, s] of Object.entries(snippets[lang])) {
    test(`${lang} snippet "${name}" validates clean with its defaults and each choice, on every version`, () => {
      for (const body of expansions(bodyOf(s))) {
        const place = lang === 'pgbouncer-ini' ? PGBOUNCER_PLACE[name] : undefined;
        const text = place === 'pgbouncer' ? `[pgbouncer]\n${body}\n` : place === 'databases' ? `[pgbouncer]\n[databases]\n${body}\n` : `${body}\n`;
        for (const settings of settingsFor(lang)) {
          const problems = check(service, PATHS[lang], text, settings);
          assert.deepEqual(problems.map(p => `${describeProblem(text, p)} ${p.message}`), [], `${JSON.stringify(settings)}\n${text}`);
        }
      }
    });
  }
}

test('together: the postgresql.conf, pg_hba.conf and pg_ident.conf snippets in one folder validate clean across files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-snippets-pg-'));
  const write = (name: string, text: string): string => { fs.writeFileSync(path.join(dir, name), text); return text; };
  const clean = (name: string, text: string, version: number, why: string): void => {
    const problems = check(service, path.join(dir, name), text, { checkFiles: false, postgresVersion: version });
    // The postgresql.conf snippets repeat the ssl_* settings: only the later lines count, which is all the hint says.
    const shown = problems.filter(p => !(name === 'postgresql.conf' && p.rule === 'postgresql-conf/overridden'));
    assert.deepEqual(shown.map(p => `${describeProblem(text, p)} ${p.message}`), [], `${name} on ${version} (${why})\n${text}`);
  };
  try {
    const conf = write('postgresql.conf', `${all('postgresql-conf').join('\n')}\n`);
    const ident = write('pg_ident.conf', `${all('pg-ident').join('\n')}\n`);
    // Each pg_hba.conf line behind the reject line, as the reject snippet says (together they would hide each other:
    // a `cert` line for all users takes every TLS client first, which pgtls rightly reports).
    const hbaBodies = all('pg-hba');
    const reject = hbaBodies.find(b => b.startsWith('hostnossl'))!;
    for (const line of hbaBodies) {
      const hba = write('pg_hba.conf', line === reject ? `${reject}\n` : `${reject}\n${line}\n`);
      for (const version of SUPPORTED_POSTGRES_VERSIONS) {
        clean('pg_hba.conf', hba, version, 'beside the postgresql.conf and pg_ident.conf snippets');
        clean('postgresql.conf', conf, version, `beside ${line}`);
        if (line.includes('map=')) clean('pg_ident.conf', ident, version, `beside ${line}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
