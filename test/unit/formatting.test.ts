/**
 * Formatting never changes meaning, proved on every fixture: for each file under test/fixtures of a language that
 * formats (pgpool.conf, postgresql.conf, pgbouncer.ini, pool_hba.conf, pg_hba.conf, auth_hba_file, pg_ident.conf),
 * the formatted text gives the same parse (every value, token and structure, positions aside) and the same findings
 * (rule, line, severity, message), keeps every character but blanks (and the `=` the conf formats add), keeps every
 * comment line, and formatting it again changes nothing. Folders with a setup.sh are checked on a prepared copy, as the
 * fixture suite does. Then what the formatter does, language by language, and range formatting.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, check, testService } from '../helpers';
import { LineIndex } from '../../server/src/core/text';
import type { LanguageId, SourceDocument, TextEdit } from '../../server/src/core/types';

const FIXTURES = path.join(ROOT, 'test/fixtures');
const service = testService();
const FORMATS = new Set(service.formattingLanguages());
const temps: string[] = [];
after(() => { for (const t of temps) fs.rmSync(t, { recursive: true, force: true }); });

function apply(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span[0] - a.span[0])) out = out.slice(0, e.span[0]) + e.newText + out.slice(e.span[1]);
  return out;
}

function formatText(file: string, text: string, languageId: LanguageId, range?: [number, number]): string {
  const doc: SourceDocument = { path: file, text, languageId, version: 1 };
  return apply(text, service.format(doc, service.parse(doc), range ? { range } : {}));
}

/** The parse without positions: spans (pairs of offsets), `start`/`end` fields and whole texts dropped. */
function meaning(file: string, text: string, languageId: LanguageId): string {
  const doc: SourceDocument = { path: file, text, languageId, version: 1 };
  return JSON.stringify(service.parse(doc).file, (k, v) => {
    if (k === 'start' || k === 'end' || k === 'text' || k === 'source') return undefined;
    if (Array.isArray(v) && v.length === 2 && v.every(x => typeof x === 'number')) return undefined;
    if (v instanceof Map) return [...v.entries()];
    return v;
  });
}

/** The findings as the user reads them: line, rule, severity and message (columns move with the blanks). */
function findings(file: string, text: string, languageId: LanguageId, settings: Record<string, unknown>): string[] {
  const index = new LineIndex(text);
  return check(service, file, text, settings, languageId).map(p => `${index.positionAt(p.span[0]).line + 1} ${p.rule} ${p.severity} ${p.message}`).sort();
}

/** Fixture folders (`scope/rule/kind`) prepared when they have a setup.sh; other folders as they are. */
function* roots(): Generator<{ dir: string; settings: Record<string, unknown> }> {
  const walk = function* (dir: string, settings: Record<string, unknown>): Generator<{ dir: string; settings: Record<string, unknown> }> {
    const own = path.join(dir, 'settings.json');
    const here = fs.existsSync(own) ? { ...settings, ...JSON.parse(fs.readFileSync(own, 'utf8')) } : settings;
    let at = dir;
    // A folder's setup.sh makes its certificates and file modes; only worth running where something formats.
    const formats = fs.readdirSync(dir).some(n => FORMATS.has(service.languageOf(n)!));
    if (formats && fs.existsSync(path.join(dir, 'setup.sh'))) {
      at = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-format-'));
      temps.push(at);
      fs.cpSync(dir, at, { recursive: true });
      execFileSync('bash', ['setup.sh'], { cwd: at, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PGTLS_FIXTURE_LIB: path.join(FIXTURES, '_lib') } });
    }
    yield { dir: at, settings: here };
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) yield* walk(path.join(dir, e.name), here);
  };
  yield* walk(FIXTURES, {});
}

test('formatting every fixture keeps its parse and its findings, touches only blanks, and is idempotent', () => {
  let files = 0;
  let changed = 0;
  const byLanguage = new Map<string, number>();
  for (const { dir, settings } of roots()) {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      const languageId = service.languageOf(name);
      if (!languageId || !FORMATS.has(languageId) || !fs.statSync(file).isFile()) continue;
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(FIXTURES, file);
      const formatted = formatText(file, text, languageId);
      files++;
      byLanguage.set(languageId, (byLanguage.get(languageId) ?? 0) + 1);
      if (formatted === text) continue;
      changed++;
      const strip = (s: string) => s.replace(/[ \t=]/g, '');
      assert.equal(strip(formatted), strip(text), `${rel}: formatting changed more than blanks`);
      const lines = (s: string) => s.split('\n');
      assert.equal(lines(formatted).length, lines(text).length, `${rel}: formatting added or removed lines`);
      const comments = (s: string) => lines(s).filter(l => /^\s*[#;]/.test(l)).map(l => l.replace(/[ \t]+/g, ' ').trim());
      assert.deepEqual(comments(formatted), comments(text), `${rel}: a comment line changed`);
      assert.equal(meaning(file, formatted, languageId), meaning(file, text, languageId), `${rel}: the parse changed`);
      assert.deepEqual(findings(file, formatted, languageId, settings), findings(file, text, languageId, settings), `${rel}: the findings changed`);
      assert.equal(formatText(file, formatted, languageId), formatted, `${rel}: formatting again changes the text`);
    }
  }
  assert.ok(files > 300, `only ${files} fixture files formatted`);
  assert.ok(changed > 50, `only ${changed} fixture files changed by formatting (the proof must exercise the formatter)`);
  for (const id of FORMATS) assert.ok((byLanguage.get(id) ?? 0) > 0, `no fixture of ${id}`);
  if (process.env.PGTLS_FORMAT_STATS) process.stderr.write(`${files} files, ${changed} changed, ${JSON.stringify([...byLanguage])}\n`);
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-format-cases-'));
temps.push(scratch);

/** Formats `text` as the file `name` (in a scratch folder), and checks the proof's promises on it. */
function fmt(name: string, text: string, range?: [number, number]): string {
  const file = path.join(scratch, name);
  const languageId = service.languageOf(name)!;
  const out = formatText(file, text, languageId, range);
  assert.equal(meaning(file, out, languageId), meaning(file, text, languageId), `${name}: the parse changed:\n${out}`);
  assert.deepEqual(findings(file, out, languageId, {}), findings(file, text, languageId, {}), `${name}: the findings changed:\n${out}`);
  if (!range) assert.equal(formatText(file, out, languageId), out, `${name}: not idempotent:\n${out}`);
  return out;
}

test('pgpool.conf: name = value, comments and quoting kept; split values, missing values, errors and CRLF lines handled', () => {
  const text = [
    'listen_addresses=\'*\'      # where', 'port 9999', '  num_init_children   =   32  ', "log_line_prefix = '%t: # not a comment'\t# real",
    "sr_check_user='it\\'s'", 'child_life_time = 5 min', 'listen_backlog_multiplier =', 'a = 1 b = 2', 'ssl = on\r', 'ssl_cert=x.crt\r',
    "include'other.conf'", 'bad line here !', '# last',
  ].join('\n');
  assert.equal(fmt('pgpool.conf', text), [
    "listen_addresses = '*'      # where", 'port = 9999', 'num_init_children = 32', "log_line_prefix = '%t: # not a comment'\t# real",
    "sr_check_user = 'it\\'s'", 'child_life_time = 5 min', 'listen_backlog_multiplier =', 'a = 1 b = 2', 'ssl = on\r', 'ssl_cert = x.crt\r',
    "include = 'other.conf'", 'bad line here !', '# last',
  ].join('\n'));
  // A byte-order mark is part of the first name for Pgpool-II: that line stays as it is.
  assert.equal(fmt('pgpool.conf', '\ufeffport=1\nssl=on\n'), '\ufeffport=1\nssl = on\n');
});

test('postgresql.conf and pgbouncer.ini: canonical spacing; directives keep their form; same-line statements untouched', () => {
  const pg = ["include 'a.conf'", "include_if_exists='b.conf'  # c", 'shared_buffers 128MB', '  work_mem=4MB', 'search_path = public.x', "ssl=on\t# on", ''].join('\n');
  assert.equal(fmt('postgresql.conf', pg), ["include 'a.conf'", "include_if_exists = 'b.conf'  # c", 'shared_buffers = 128MB', 'work_mem = 4MB', 'search_path = public.x', "ssl = on\t# on", ''].join('\n'));
  const ini = ['[databases] foo = host=x', '  app=host=y   ', "'quoted key' = 1", '%include    /etc/x.ini  ', '  [pgbouncer]   ; c', 'listen_port =', 'ignore_startup_parameters = extra_float_digits;x # not a comment', 'oops', ''].join('\n');
  assert.equal(fmt('pgbouncer.ini', ini), ['[databases] foo = host=x', 'app = host=y', "'quoted key' = 1", '%include /etc/x.ini', '[pgbouncer]   ; c', 'listen_port =', 'ignore_startup_parameters = extra_float_digits;x # not a comment', 'oops', ''].join('\n'));
});

test('HBA files: records aligned under the header comment, comments and quoting kept, refused and continued lines untouched', () => {
  const text = [
    '# TYPE DATABASE USER ADDRESS METHOD', 'local all all trust', 'host "my db" "bob smith" 10.0.0.0 255.0.0.0 md5 # legacy',
    'hostssl db1, db2 @admins 192.168.1.0/24 cert clientcert=verify-full', 'host all all 127.0.0.1/32 \\', '   scram-sha-256', 'hostx all all all md5',
    'include   extra.conf', 'host all all all trust#x', '',
  ].join('\n');
  assert.equal(fmt('pg_hba.conf', text), [
    '# TYPE   DATABASE        USER            ADDRESS                 METHOD',
    'local    all             all                                     trust',
    'host     "my db"         "bob smith"     10.0.0.0 255.0.0.0      md5 # legacy',
    'hostssl  db1, db2        @admins         192.168.1.0/24          cert    clientcert=verify-full',
    'host all all 127.0.0.1/32 \\', '   scram-sha-256', 'hostx all all all md5', 'include extra.conf',
    'host     all             all             all                     trust#x', '',
  ].join('\n'));
  // pgpool keeps a trailing backslash as text (an option it refuses): that line stays, the next one is a record.
  assert.equal(fmt('pool_hba.conf', 'host all all 10.0.0.0/8 md5 \\\nlocal   all all   trust\n'), [
    'host all all 10.0.0.0/8 md5 \\', 'local   all             all                                     trust', '',
  ].join('\n'));
  assert.equal(fmt('pgbouncer_hba.conf', 'host all"bob" 10.0.0.0/8 md5\nhostssl  db1 , db2   all  0.0.0.0/0   cert\nhost all all 10.0.0.0/8 md5 map=x\n'), [
    'host     all             "bob"           10.0.0.0/8              md5', 'hostssl  db1 , db2       all             0.0.0.0/0               cert', 'host all all 10.0.0.0/8 md5 map=x', '',
  ].join('\n'));
  assert.equal(fmt('pg_ident.conf', '# MAPNAME SYSTEM-USERNAME PG-USERNAME\nm1 alice  bob\nm2 /^(.*)@x$ \\1 # c\ninclude   other\n'), [
    '# MAPNAME       SYSTEM-USERNAME         PG-USERNAME', 'm1              alice                   bob', 'm2              /^(.*)@x$               \\1 # c', 'include other', '',
  ].join('\n'));
});

test('pool_hba.conf: a line alignment would make longer than pgpool reads gets single spaces, or stays as it is', () => {
  const users = Array.from({ length: 1500 }, (_, i) => `u${i}`).join(',');
  const near = `host all ${users} 10.0.0.0/8`;
  const line = `${near}${' '.repeat(8185 - near.length - 3)}md5`;
  assert.equal(Buffer.byteLength(line) + 1, 8186);
  const out = fmt('pool_hba.conf', `${line}\nlocal all all trust\n`);
  const first = out.split('\n')[0]!;
  assert.ok(Buffer.byteLength(first) + 1 < 8191, `the formatted line is ${Buffer.byteLength(first) + 1} bytes`);
  assert.ok(first.startsWith('host    all             u0,u1,'), first.slice(0, 40));
});

test('range formatting touches only the lines of the range, on the columns of the whole file', () => {
  const text = 'local all all trust\nhost all all 10.0.0.0/8 md5\nhost all all ::1/128 md5\n';
  const second: [number, number] = [text.indexOf('host'), text.indexOf('host') + 4];
  const out = fmt('pg_hba.conf', text, second);
  const whole = fmt('pg_hba.conf', text);
  assert.deepEqual(out.split('\n'), [text.split('\n')[0], whole.split('\n')[1], text.split('\n')[2], '']);
  const conf = 'port=1\nssl=on\nssl_cert=x\n';
  assert.equal(fmt('pgpool.conf', conf, [conf.indexOf('ssl=on'), conf.indexOf('ssl_cert') + 3]), 'port=1\nssl = on\nssl_cert = x\n');
});
