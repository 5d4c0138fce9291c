/**
 * The outline, folding and links of every language, through the façade (real parsers, real files in a temp folder for
 * the links): what each language lists, folds and links, and the invariants on every fixture file (a symbol's span
 * holds its selection and its children, names are never empty, folds stay inside the text, every link leads to a file
 * that exists, a Secret's values never appear in the outline).
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, testEnv, testService } from '../helpers';
import { pathLocator } from '../../server/src/deploy';
import { LineIndex } from '../../server/src/core/text';
import type { OutlineSymbol } from '../../server/src/core/structure';
import { DEFAULT_SETTINGS, type LanguageId, type Settings, type SourceDocument } from '../../server/src/core/types';
import type { ParsedFile } from '../../server/src/service';

const service = testService();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-structure-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function open(name: string, text: string, languageId?: LanguageId): { doc: SourceDocument; parsed: ParsedFile } {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const doc: SourceDocument = { path: file, text, languageId: languageId ?? service.languageOf(file)!, version: 1 };
  return { doc, parsed: service.parse(doc) };
}

/** The outline as indented lines: `name · detail`. */
function outline(name: string, text: string): string[] {
  const { doc, parsed } = open(name, text);
  const out: string[] = [];
  const walk = (s: OutlineSymbol, depth: number) => {
    out.push(`${'  '.repeat(depth)}${s.kind} ${s.name}${s.detail ? ` · ${s.detail}` : ''}`);
    for (const c of s.children ?? []) walk(c, depth + 1);
  };
  for (const s of service.symbols(doc, parsed)) walk(s, 0);
  return out;
}

/** Folds as `first-last kind` (1-based lines), those that hide at least one line. */
function folds(name: string, text: string): string[] | undefined {
  const { doc, parsed } = open(name, text);
  const lines = new LineIndex(text);
  const f = service.folding(doc, parsed);
  return f?.map(x => [lines.positionAt(x.span[0]).line + 1, lines.positionAt(x.span[1]).line + 1, x.kind ?? ''] as const)
    .filter(([a, b]) => b > a).map(([a, b, k]) => `${a}-${b}${k ? ` ${k}` : ''}`).sort();
}

/** Links as `written text -> target (relative to the temp folder)`. */
function links(name: string, text: string, settings: Partial<Settings> = {}): string[] {
  const { doc, parsed } = open(name, text);
  return service.links(doc, parsed, { ...DEFAULT_SETTINGS, ...settings }).map(l => `${text.slice(l.span[0], l.span[1])} -> ${path.relative(tmp, l.target)}`);
}

const touch = (...names: string[]) => { for (const n of names) { fs.mkdirSync(path.dirname(path.join(tmp, n)), { recursive: true }); fs.writeFileSync(path.join(tmp, n), 'x\n'); } };

test('pgpool.conf: settings under the sample banners, includes, no password values; folds for sections and comment blocks', () => {
  const text = [
    'ssl = on', '#------------------------------', '# CONNECTIONS', '#------------------------------', '',
    '# - Pool -', "listen_addresses = '*'", "health_check_password = 'secret'", '# one', '# two', "include 'more.conf'", '',
    '#------------------------------', '# TLS', '#------------------------------', "ssl_cert = 'server.crt'", 'child_life_time = 5 min', '',
  ].join('\n');
  assert.deepEqual(outline('a/pgpool.conf', text), [
    'setting ssl · on',
    'section CONNECTIONS',
    '  section Pool',
    "    setting listen_addresses · '*'",
    '    setting health_check_password',
    '    include include · more.conf',
    'section TLS',
    "  setting ssl_cert · 'server.crt'",
    '  setting child_life_time · 5',
  ]);
  assert.deepEqual(folds('a/pgpool.conf', text), ['13-17 region', '2-11 region', '6-11 region', '9-10 comment']);
});

test('postgresql.conf: settings and directives under sections; pgbouncer.ini: sections with entries, passwords hidden', () => {
  const pg = ['#---------', '# FILE LOCATIONS', '#---------', "hba_file = '/etc/pg_hba.conf'", "include_dir 'conf.d'", "ssl_passphrase_command = 'echo x'", ''].join('\n');
  assert.deepEqual(outline('b/postgresql.conf', pg), [
    'section FILE LOCATIONS', "  setting hba_file · '/etc/pg_hba.conf'", '  include include_dir · conf.d', '  setting ssl_passphrase_command',
  ]);
  const ini = ['; top', '; comment', '[databases]', "app = host=db password='s e' dbname=app", '', '[pgbouncer]', 'listen_port = 6432', 'auth_file = /x', '%include /etc/pgbouncer/more.ini', ''].join('\n');
  assert.deepEqual(outline('b/pgbouncer.ini', ini), [
    'section [databases]', '  setting app · host=db password=••• dbname=app',
    'section [pgbouncer]', '  setting listen_port · 6432', '  setting auth_file · /x', '  include %include · /etc/pgbouncer/more.ini',
  ]);
  assert.deepEqual(folds('b/pgbouncer.ini', ini), ['1-2 comment', '3-4 region', '6-9 region']);
});

test('HBA files: one record per loaded line with its fields as the detail; include directives; comment folds', () => {
  const text = ['# TYPE DATABASE USER ADDRESS METHOD', '# more', 'local all all peer', 'host  app  alice,bob  10.0.0.0 255.0.0.0  md5', 'hostx all all all md5', 'include_if_exists extra.conf', ''].join('\n');
  assert.deepEqual(outline('c/pg_hba.conf', text), [
    'record line 3 · local all all peer', 'record line 4 · host app alice,bob 10.0.0.0 255.0.0.0 md5', 'include include_if_exists · extra.conf',
  ]);
  assert.deepEqual(folds('c/pg_hba.conf', text), ['1-2 comment']);
  assert.deepEqual(outline('c/pool_hba.conf', 'hostssl all all 0.0.0.0/0 cert\n'), ['record line 1 · hostssl all all 0.0.0.0/0 cert']);
  assert.deepEqual(outline('c/pgbouncer_hba.conf', 'host all , "x y" all 10.0.0.0/8 md5\nlocal all all peer\n'), [
    'record line 1 · host all , "x y" all 10.0.0.0/8 md5', 'record line 2 · local all all peer',
  ]);
  assert.deepEqual(outline('c/pg_ident.conf', 'm1 alice bob\nm2 /^(.*)$ \\1\ninclude other.conf\n'), [
    'map m1 · alice → bob', 'map m2 · /^(.*)$ → \\1', 'include include · other.conf',
  ]);
});

test('password files: users and the kind of their entry, never a value', () => {
  const md5 = `md5${'0123456789abcdef'.repeat(2)}`;
  const passwd = ['alice:' + md5, 'bob:TEXTsecret', '#inert:x', 'carol:', ''].join('\n');
  const got = outline('d/pool_passwd', passwd);
  assert.deepEqual(got, ['entry alice · MD5 hash', 'entry bob · clear text (TEXT prefix)', 'entry carol · empty (skipped)']);
  const userlist = ['; users', '; more', `"alice" "${md5}"`, '"bob" "hunter2"', ''].join('\n');
  assert.deepEqual(outline('d/userlist.txt', userlist), ['entry alice · MD5 hash', 'entry bob · clear text']);
  assert.deepEqual(folds('d/userlist.txt', userlist), ['1-2 comment']);
  for (const s of [...outline('d/pool_passwd', passwd), ...outline('d/userlist.txt', userlist)]) {
    assert.ok(!s.includes('secret') && !s.includes('hunter2') && !s.includes('0123456789'), `a value shows: ${s}`);
  }
});

test('YAML: resources with their TLS fields (Secret keys by name only); folding only where a resource is', () => {
  const text = [
    '# a', '# b', 'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: pg-tls', 'type: kubernetes.io/tls', 'data:',
    '  tls.crt: QUJD', '  tls.key: REVG', '---', 'apiVersion: kubedb.com/v1alpha2', 'kind: Pgpool', 'metadata: {name: pp, namespace: db}',
    'spec:', '  replicas: 1', '  sslMode: require', '  tls:', '    issuerRef: {name: ca, kind: Issuer}', '  podTemplate:', '    spec:',
    '      containers: [{name: x}]', '---', 'apiVersion: cert-manager.io/v1', 'kind: Certificate', 'metadata: {name: srv}', 'spec:',
    '  secretName: srv-tls', '  dnsNames: [a.example, b.example]', '  issuerRef:', '    name: ca', '',
  ].join('\n');
  assert.deepEqual(outline('e/r.yaml', text), [
    'resource Secret pg-tls · v1', '  field type · kubernetes.io/tls', '  field data', '    field tls.crt', '    field tls.key',
    'resource Pgpool pp · kubedb.com/v1alpha2 · db', '  field sslMode · require', '  field tls', '    field issuerRef', '      field name · ca', '      field kind · Issuer',
    'resource Certificate srv · cert-manager.io/v1', '  field secretName · srv-tls', '  field dnsNames · a.example, b.example', '  field issuerRef', '    field name · ca',
  ]);
  assert.ok(!outline('e/r.yaml', text).some(l => l.includes('QUJD') || l.includes('REVG')));
  assert.deepEqual(folds('e/r.yaml', text), [
    '1-10 region', '11-22 region', '15-22', '18-19', '20-22', '21-22', '23-31 region', '27-31', '30-31', '5-6', '8-10',
  ]);
  assert.equal(folds('e/workflow.yaml', 'on: push\njobs:\n  a:\n    runs-on: x\n'), undefined, 'no folding from pgtls in a YAML file without a resource');
  assert.deepEqual(outline('e/workflow.yaml', 'on: push\njobs:\n  a:\n    runs-on: x\n'), []);
});

test('links: the TLS files, includes and name lists each language names, located as the checks locate them', () => {
  touch('l/certs/server.crt', 'l/certs/server.key', 'l/pool_passwd', 'l/inc.conf', 'l/admins', 'l/extra.conf', 'l/data/PG_VERSION', 'l/data/server.crt', 'l/mnt/ca.crt');
  fs.mkdirSync(path.join(tmp, 'l/conf.d'), { recursive: true });
  const pool = ["ssl_cert = 'certs/server.crt'", 'ssl_key = certs/server.key', "ssl_ca_cert = 'certs/missing.crt'", "pool_passwd = 'pool_passwd'",
    "include = 'inc.conf'", "ssl_crl_file = '/nonexistent/crl.pem'", "ssl_ca_cert_dir = 'certs'", ''].join('\n');
  assert.deepEqual(links('l/pgpool.conf', pool), [
    'certs/server.crt -> l/certs/server.crt', 'certs/server.key -> l/certs/server.key', 'pool_passwd -> l/pool_passwd', 'inc.conf -> l/inc.conf',
  ]);
  // Absolute deployment paths through pgtls.pathMappings; a path pgtls cannot see gets no link.
  const mapped = links('l/pgpool2.pgpool.conf', "ssl_ca_cert = '/etc/pgpool/tls/ca.crt'\nssl_cert = '/etc/other/x.crt'\n", { pathMappings: { '/etc/pgpool/tls': path.join(tmp, 'l/mnt') } });
  assert.deepEqual(mapped, ['/etc/pgpool/tls/ca.crt -> l/mnt/ca.crt']);
  // postgresql.conf: TLS files from the data directory (PG_VERSION beside it), includes from the file's folder.
  const pg = "ssl_cert_file = 'server.crt'\ninclude 'extra.conf'\ninclude_dir 'conf.d'\nhba_file = 'pg_hba.conf'\n";
  assert.deepEqual(links('l/data/postgresql.conf', pg), ['server.crt -> l/data/server.crt']);
  assert.deepEqual(links('l/postgresql.conf', pg), ['extra.conf -> l/extra.conf'], 'no data directory known: relative TLS paths are not linked');
  // pgbouncer.ini: only absolute paths (PgBouncer opens relative ones from its working directory).
  const ini = `[pgbouncer]\nauth_file = ${path.join(tmp, 'l/pool_passwd')}\nclient_tls_cert_file = certs/server.crt\n%include ${path.join(tmp, 'l/inc.conf')}\n`;
  assert.deepEqual(links('l/pgbouncer.ini', ini).map(l => l.replace(tmp, '<tmp>')), ['<tmp>/l/pool_passwd -> l/pool_passwd', '<tmp>/l/inc.conf -> l/inc.conf']);
  // HBA: @file lists and PostgreSQL 16 includes; pg_ident.conf includes.
  assert.deepEqual(links('l/pg_hba.conf', 'host all @admins 10.0.0.0/8 md5\ninclude "extra.conf"\ninclude_dir conf.d\nlocal all @missing peer\n'), [
    'admins -> l/admins', 'extra.conf -> l/extra.conf',
  ]);
  assert.deepEqual(links('l/pgbouncer_hba.conf', 'host all @admins 10.0.0.0/8 md5\n'), ['admins -> l/admins']);
  assert.deepEqual(links('l/pg_ident.conf', 'include extra.conf\nm a b\n'), ['extra.conf -> l/extra.conf']);
});

test('links through the mappings the workspace makes certain: a compose bind mount links, a Secret volume does not', () => {
  touch('m/tls/server.crt', 'm/tls/ca.crt');
  fs.writeFileSync(path.join(tmp, 'm/docker-compose.yml'), [
    'services:', '  pgpool:', '    image: pgpool/pgpool:4.6.1', '    volumes:', '      - ./pgpool:/etc/pgpool:ro', '      - ./tls:/etc/pgpool/tls:ro', '',
  ].join('\n'));
  assert.deepEqual(links('m/pgpool/pgpool.conf', "ssl_cert = '/etc/pgpool/tls/server.crt'\nssl_ca_cert = '/etc/pgpool/tls/missing.crt'\n"), [
    '/etc/pgpool/tls/server.crt -> m/tls/server.crt',
  ]);
  // A Secret mounted as a volume gives virtual files (their text is the Secret's): nothing on the disk to open.
  fs.mkdirSync(path.join(tmp, 'k'), { recursive: true });
  const b64 = Buffer.from('-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n').toString('base64');
  fs.writeFileSync(path.join(tmp, 'k/deploy.yaml'), [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: pgpool}', 'spec:', '  template:', '    spec:', '      containers:', '      - name: pgpool',
    '        image: pgpool/pgpool:4.6.1', '        volumeMounts:', '        - {name: tls, mountPath: /etc/pgpool/tls}', '        - {name: conf, mountPath: /etc/pgpool/conf}',
    '      volumes:', '      - {name: tls, secret: {secretName: pgpool-tls}}', '      - {name: conf, configMap: {name: pgpool-conf}}',
    '---', 'apiVersion: v1', 'kind: Secret', 'metadata: {name: pgpool-tls}', 'data:', `  tls.crt: ${b64}`, '',
  ].join('\n'), { flag: 'w' });
  assert.deepEqual(links('k/pgpool.conf', "ssl_cert = '/etc/pgpool/tls/tls.crt'\n"), []);
  const seen = pathLocator({ settings: DEFAULT_SETTINGS, env: testEnv() }, path.join(tmp, 'k/pgpool.conf')).locate('/etc/pgpool/tls/tls.crt');
  assert.ok(seen.status === 'seen' && seen.stat?.isFile && seen.via && typeof seen.via.mapping.to !== 'string', `the checks see the Secret's key: ${JSON.stringify(seen)}`);
});

test('YAML links: a kustomization\'s resources, patches and generator files, and a Compose file\'s bind mounts, secrets and env files', () => {
  touch('y/base/kustomization.yaml', 'y/secret.yaml', 'y/patch.yaml', 'y/certs/server.crt', 'y/certs/ca.crt', 'y/pgpool.conf', 'y/app.env', 'y/certs/server.key');
  fs.mkdirSync(path.join(tmp, 'y/empty'), { recursive: true });
  const kustomization = [
    'resources:', '  - base', '  - secret.yaml', '  - empty', '  - https://github.com/acme/deploy//base?ref=v1', '  - missing.yaml',
    'patches:', '  - path: patch.yaml', '    target: { kind: Secret }',
    'secretGenerator:', '  - name: tls', '    files:', '      - tls.crt=certs/server.crt', '      - "certs/ca.crt"', '      - gone.crt',
    '    envs: [app.env]',
    'configMapGenerator:', '  - name: pgpool', '    files: [pgpool.conf]',
  ].join('\n');
  assert.deepEqual(links('y/kustomization.yaml', kustomization), [
    'base -> y/base/kustomization.yaml', 'secret.yaml -> y/secret.yaml', 'patch.yaml -> y/patch.yaml',
    'certs/server.crt -> y/certs/server.crt', 'certs/ca.crt -> y/certs/ca.crt', 'app.env -> y/app.env', 'pgpool.conf -> y/pgpool.conf',
  ]);
  const compose = [
    'services:', '  pgpool:', '    image: pgpool/pgpool', '    volumes:', '      - ./certs/server.crt:/etc/pgpool2/server.crt:ro', '      - pgdata:/var/lib/data',
    '      - type: bind', '        source: ./certs/ca.crt', '        target: /etc/pgpool2/ca.crt', '    env_file: app.env',
    'secrets:', '  key:', '    file: ./certs/server.key',
  ].join('\n');
  assert.deepEqual(links('y/docker-compose.yml', compose), [
    './certs/server.crt -> y/certs/server.crt', './certs/ca.crt -> y/certs/ca.crt', 'app.env -> y/app.env', './certs/server.key -> y/certs/server.key',
  ]);
  assert.deepEqual(links('y/deployment.yaml', 'resources:\n  - secret.yaml\n'), [], 'another YAML file names no paths');
});

/** Every fixture file, with its language. */
function* fixtureFiles(dir = path.join(ROOT, 'test/fixtures')): Generator<[string, LanguageId]> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* fixtureFiles(p);
    else { const l = service.languageOf(e.name); if (l) yield [p, l]; }
  }
}

test('on every fixture: symbols hold their selection and children, names are not empty, folds and links are sound', () => {
  let symbols = 0;
  for (const [file, languageId] of fixtureFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    const doc: SourceDocument = { path: file, text, languageId, version: 1 };
    const parsed = service.parse(doc);
    const rel = path.relative(ROOT, file);
    const inside = (outer: readonly [number, number], inner: readonly [number, number]) => outer[0] <= inner[0] && inner[1] <= outer[1];
    const check = (s: OutlineSymbol, parent?: OutlineSymbol) => {
      symbols++;
      assert.ok(s.name.trim() !== '', `${rel}: an empty symbol name`);
      assert.ok(inside(s.span, s.selection), `${rel}: ${s.name}'s selection is outside its span`);
      assert.ok(s.span[0] >= 0 && s.span[1] <= text.length && s.span[0] <= s.span[1], `${rel}: ${s.name}'s span is outside the text`);
      if (parent) assert.ok(inside(parent.span, s.span), `${rel}: ${s.name} is outside its parent ${parent.name}`);
      for (const c of s.children ?? []) check(c, s);
    };
    for (const s of service.symbols(doc, parsed)) check(s);
    for (const f of service.folding(doc, parsed) ?? []) assert.ok(f.span[0] >= 0 && f.span[0] <= f.span[1] && f.span[1] <= text.length, `${rel}: fold ${f.span}`);
    for (const l of service.links(doc, parsed, DEFAULT_SETTINGS)) assert.ok(fs.statSync(l.target).isFile(), `${rel}: link to ${l.target}`);
    if (languageId === 'yaml' && /kind:\s*Secret/.test(text)) {
      const details = JSON.stringify(service.symbols(doc, parsed));
      for (const m of text.matchAll(/^\s+[\w.-]+:\s+([A-Za-z0-9+/=]{16,})\s*$/gm)) assert.ok(!details.includes(m[1]!), `${rel}: a Secret value shows in the outline`);
    }
  }
  assert.ok(symbols > 2000, `only ${symbols} symbols over the fixtures`);
});
