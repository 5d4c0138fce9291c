/**
 * `npm run bench`: parse + validate of a large pgpool.conf and pool_hba.conf, p50/p95 over repeated runs, side by side
 * with the floor: a bare tokeniser pass (one regular-expression scan, no semantics) over the same text; then the
 * Kubernetes YAML mode over LSP (bench/yaml.ts), certificate generation (bench/certs.ts), activation cost and
 * package size (bench/activation.ts), and `pgtls check` over a generated 10,000-file tree (bench/cli.ts).
 * Results are written to bench/results.md. This is a benchmark, not a test: nothing here asserts on time.
 *
 * `node --import tsx bench/run.ts SECTION...` (or `npm run bench -- SECTION...`) runs only the named sections (see
 * SECTIONS) and replaces their text in bench/results.md, leaving the other sections as they are.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createService } from '../server/src/service';
import { nodeEnv } from '../server/src/node/env';
import { DEFAULT_SETTINGS, type LanguageId } from '../server/src/core/types';
import { benchActivation } from './activation';
import { benchCerts } from './certs';
import { benchCli } from './cli';
import { benchYaml } from './yaml';

const ROOT = path.resolve(__dirname, '..');
const service = createService(nodeEnv(path.join(ROOT, 'schemas')));
const settings = { ...DEFAULT_SETTINGS, checkFiles: false };

interface CatalogueEntry { type: string; array: boolean; indexRange: [number, number] | null; default: string; versions: string[]; enum?: string[] }

/**
 * A complete, realistic pgpool.conf: every parameter Pgpool-II 4.6 knows, once, with its default, each array
 * parameter for all 128 backend slots, and a comment before every setting (as the sample file has).
 */
function fullPgpoolConf(): string {
  const catalogue = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/pgpool-params.json'), 'utf8')) as { params: Record<string, CatalogueEntry> };
  const special: Record<string, (i: number) => string> = {
    backend_hostname: i => `'pg-${i}.db.internal'`, backend_port: () => '5432', backend_weight: () => '1',
    backend_data_directory: i => `'/var/lib/postgresql/${i}/main'`, backend_flag: () => "'ALLOW_TO_FAILOVER'",
    backend_application_name: i => `'server${i}'`, hostname: i => `'pgpool-${i}'`, wd_port: () => '9000', pgpool_port: () => '9999',
    heartbeat_hostname: i => `'pgpool-${i}'`, heartbeat_port: () => '9694', heartbeat_device: () => "''",
  };
  const out: string[] = [];
  for (const [name, p] of Object.entries(catalogue.params)) {
    if (!p.versions.includes('4.6') || name === 'fail_over_on_backend_error' || name === 'delegate_IP') continue; // old aliases
    const literal = (i: number) => special[name]?.(i)
      ?? (p.type === 'int' || p.type === 'int64' || p.type === 'real' || p.type === 'bool' ? (p.default || '0') : `'${p.default}'`);
    out.push(`# ${name}: ${p.type}${p.array ? ' array' : ''}`);
    if (p.array && p.indexRange) for (let i = p.indexRange[0]; i <= p.indexRange[1]; i++) out.push(`${name}${i} = ${literal(i)}`);
    else out.push(`${name} = ${literal(0)}`);
  }
  return out.join('\n') + '\n';
}

/** A stress file: the realistic file repeated until it has `lines` lines (every repeat is reported as a duplicate). */
function repeatedPgpoolConf(lines: number): string {
  const one = fullPgpoolConf().trimEnd().split('\n');
  return Array.from({ length: lines }, (_, i) => one[i % one.length]).join('\n') + '\n';
}

function poolHba(lines: number): string {
  const rows = [
    'local   all         all                         scram-sha-256',
    'hostssl all         all       10.0.0.0/8        cert',
    'hostssl app,reports alice,bob 192.168.0.0/16    scram-sha-256',
    'host    all         all       ::1/128           scram-sha-256',
    'hostssl "my db"     all       2001:db8::/32     cert',
    '# comment',
    'hostnossl all       all       172.16.0.0/12     reject',
  ];
  return Array.from({ length: lines }, (_, i) => rows[i % rows.length]).join('\n') + '\n';
}

/** The floor: one pass of a bare tokeniser (words, quoted strings, single punctuation), counting tokens. */
function bareTokenise(text: string): number {
  const re = /[A-Za-z_0-9][A-Za-z_0-9.:/\-]*|'(?:[^'\n\\]|\\.)*'|"(?:[^"\n]|"")*"|#[^\n]*|\n|[^\s]/g;
  let n = 0;
  while (re.exec(text)) n++;
  return n;
}

function measure(fn: () => unknown, runs: number): { p50: number; p95: number; min: number } {
  for (let i = 0; i < Math.min(5, runs); i++) fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(t.length * 0.5)]!, p95: t[Math.min(t.length - 1, Math.floor(t.length * 0.95))]!, min: t[0]! };
}
/** Every PostgreSQL 17 parameter a file may set, once, with its default (from the generated catalogue). */
function fullPostgresqlConf(): string {
  const cat = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/postgresql-params.json'), 'utf8')) as
    { params: Record<string, { type: string; context: string; default?: string; versions: number[] }> };
  const out: string[] = [];
  for (const [name, p] of Object.entries(cat.params)) {
    if (!p.versions.includes(17) || p.context === 'internal' || p.default === undefined) continue;
    const v = p.type === 'bool' || p.type === 'integer' || p.type === 'real' || p.type === 'int' ? p.default : `'${p.default.replace(/'/g, "''")}'`;
    out.push(`# ${name} (${p.context})`, `${name} = ${v}`);
  }
  return out.join('\n') + '\n';
}

/** A large PgBouncer setup: every [pgbouncer] setting of 1.25 with its default, `dbs` databases and 1,000 users. */
function largePgbouncerIni(dbs: number): string {
  const cat = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/pgbouncer-params.json'), 'utf8')) as
    { releases: Record<string, { params: Record<string, { type: string; default: string | null }> }> };
  const out = ['[databases]'];
  for (let i = 0; i < dbs; i++) out.push(`db${i} = host=pg-${i % 50}.db.internal port=5432 dbname=db${i} pool_size=20`);
  out.push('', '[users]');
  for (let i = 0; i < 1000; i++) out.push(`user${i} = pool_mode=transaction max_user_connections=50`);
  out.push('', '[pgbouncer]');
  for (const [name, p] of Object.entries(cat.releases['1.25']!.params)) if (p.default) out.push(`; ${name}: ${p.type}`, `${name} = ${p.default}`);
  return out.join('\n') + '\n';
}

const cases: { name: string; file: string; lang: LanguageId; text: string }[] = [
  { name: `pgpool.conf, every 4.6 parameter (${fullPgpoolConf().split('\n').length - 1} lines)`, file: '/bench/pgpool.conf', lang: 'pgpool-conf', text: fullPgpoolConf() },
  { name: 'pgpool.conf, 100,000 lines (repeats: many duplicates)', file: '/bench/pgpool.conf', lang: 'pgpool-conf', text: repeatedPgpoolConf(100_000) },
  { name: 'pool_hba.conf, 1,000 lines', file: '/bench/pool_hba.conf', lang: 'pool-hba', text: poolHba(1_000) },
  { name: 'pool_hba.conf, 100,000 lines', file: '/bench/pool_hba.conf', lang: 'pool-hba', text: poolHba(100_000) },
  { name: `postgresql.conf, every PostgreSQL 17 parameter (${fullPostgresqlConf().split('\n').length - 1} lines)`, file: '/bench/postgresql.conf', lang: 'postgresql-conf', text: fullPostgresqlConf() },
  {
    name: 'postgresql.conf, 100,000 lines (repeats: many overridden)', file: '/bench/postgresql.conf', lang: 'postgresql-conf',
    text: (() => { const one = fullPostgresqlConf().trimEnd().split('\n'); return Array.from({ length: 100_000 }, (_, i) => one[i % one.length]).join('\n') + '\n'; })(),
  },
  { name: 'pgbouncer.ini, 1,000 databases', file: '/bench/pgbouncer.ini', lang: 'pgbouncer-ini', text: largePgbouncerIni(1_000) },
  { name: 'pgbouncer.ini, 50,000 databases', file: '/bench/pgbouncer.ini', lang: 'pgbouncer-ini', text: largePgbouncerIni(50_000) },
];

/** Sections that can run alone; each returns its markdown, starting with its `## ` heading. */
const SECTIONS: Record<string, () => Promise<string>> = { activation: benchActivation, certs: () => benchCerts(), cli: benchCli };

/** `results` with the section that starts with `section`'s heading line replaced (up to the next `## `), or appended. */
function spliceSection(results: string, section: string): string {
  const heading = section.slice(0, section.indexOf('\n'));
  const lines = results.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) return `${results.trimEnd()}\n\n${section.trimEnd()}\n`;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  const after = lines.slice(end).join('\n');
  return `${lines.slice(0, start).join('\n')}\n${section.trimEnd()}\n${after ? `\n${after}` : ''}`;
}

async function runSections(names: string[]): Promise<void> {
  const unknown = names.filter(n => !SECTIONS[n]);
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  const file = path.join(ROOT, 'bench/results.md');
  let results = fs.readFileSync(file, 'utf8');
  for (const name of names) results = spliceSection(results, await SECTIONS[name]!());
  fs.writeFileSync(file, results);
  console.log(`\n${names.join(', ')} written to bench/results.md`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  if (only.length) return runSections(only);
  // The inputs are written to bench/.work/ (ignored by git) so that any figure can be reproduced with the CLI.
  const work = path.join(ROOT, 'bench/.work');
  fs.mkdirSync(work, { recursive: true });
  cases.forEach((c, i) => fs.writeFileSync(path.join(work, `case${i + 1}.${path.basename(c.file)}`), c.text));

  const rows: string[] = [];
  for (const c of cases) {
    const runs = c.text.length > 2_000_000 ? 15 : 60;
    const doc = { path: c.file, text: c.text, languageId: c.lang };
    let problems = 0;
    const full = measure(() => { problems = service.validate(doc, service.parse(doc), settings).length; }, runs);
    const parseOnly = measure(() => service.parse(doc), runs);
    const floor = measure(() => bareTokenise(c.text), runs);
    const kb = (c.text.length / 1024).toFixed(0);
    rows.push(`| ${c.name} (${kb} KiB) | ${runs} | ${full.p50.toFixed(2)} | ${full.p95.toFixed(2)} | ${parseOnly.p50.toFixed(2)} | ${floor.p50.toFixed(2)} | ${floor.p95.toFixed(2)} | ${(full.p50 / floor.p50).toFixed(1)}× | ${problems} |`);
    console.log(rows[rows.length - 1]);
  }

  const md = `# Benchmarks

Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}.
Times in milliseconds per file, in-process, warm (after 5 warm-up runs). Settings: defaults with file checks off.

## pgpool.conf, pool_hba.conf, postgresql.conf and pgbouncer.ini: parse + validate vs. a bare tokeniser pass

"parse + validate" is what the language server does for a document version: the full parse and every rule.
The floor is a single regular-expression scan that splits the same text into words, quoted strings and punctuation,
without any semantics: no implementation can tokenise the text faster than that.

| file | runs | parse + validate p50 | p95 | parse only p50 | floor p50 | floor p95 | ratio (p50) | problems found |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
  const yaml = await benchYaml();
  const certs = await benchCerts();
  const activation = await benchActivation();
  const cli = await benchCli();
  fs.writeFileSync(path.join(ROOT, 'bench/results.md'), `${md}\n${yaml}\n${certs}\n${activation}\n${cli}`);
  console.log('\nwritten to bench/results.md');
}

void main();
