/**
 * `pgtls`, the command-line front end of the same core the language server uses.
 *
 *   pgtls check [--format text|json|sarif] [--pgpool-version X.Y] [--postgres-version N] [--no-file-checks] PATH...
 *
 * Exit codes: 0 no errors, 1 errors found, 2 bad usage. Findings go to stdout, usage errors to stderr.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from './core/text';
import { defaultSettings, flagTakesValue, settingFromFlag, settingOfFlag } from './core/settings';
import { DEFAULT_SETTINGS, SUPPORTED_PGPOOL_VERSIONS, SUPPORTED_POSTGRES_VERSIONS, type Problem, type Settings } from './core/types';
import { findSchemasDir, nodeEnv } from './node/env';
import { createService, type Service } from './service';
import { runCertCli } from './certs/cli';

const VERSION = '0.1.0';

export class UsageError extends Error {}

const HELP = `pgtls ${VERSION}: checks TLS and authentication configuration of Pgpool-II and PostgreSQL.

Usage:
  pgtls check [options] PATH...     validate files; folders are walked
  pgtls rules [--format text|json]  list every rule
  pgtls cert set --out DIR --server-name NAME [--san NAME_OR_IP]... --client-user USER [--algorithm A]
                                    write a CA and server and client certificates (see "pgtls cert --help")
  pgtls cert ca|server|client|replication|secrets|preset ...
  pgtls inspect FILE...             decode certificates and describe keys (never prints key material)
  pgtls --help | --version

Files are recognised by name: pgpool.conf (and *.pgpool.conf), pool_hba.conf, pg_hba.conf, and *.yaml/*.yml
(Kubernetes manifests: only KubeDB Pgpool, Percona PerconaPGCluster, CYBERTEC postgresql, cert-manager and Secret
documents are checked; other YAML stays silent).

Options of check:
  --format text|json|sarif   output format (default text)
  --pgpool-version X.Y       Pgpool-II version: ${SUPPORTED_PGPOOL_VERSIONS.join(', ')} (default ${DEFAULT_SETTINGS.pgpoolVersion})
  --postgres-version N       PostgreSQL major version: ${SUPPORTED_POSTGRES_VERSIONS.join(', ')} (default ${DEFAULT_SETTINGS.postgresVersion})
  --no-file-checks           do not read the certificate, key and CA files the configuration names

Exit status: 0 no errors, 1 errors found, 2 bad usage.
`;

interface CheckOptions {
  format: 'text' | 'json' | 'sarif';
  settings: Settings;
  paths: string[];
}

export function parseCheckArgs(args: string[]): CheckOptions {
  const opts: CheckOptions = { format: 'text', settings: defaultSettings(), paths: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const setting = settingOfFlag(flag);
    if (setting) {
      try {
        (opts.settings as unknown as Record<string, unknown>)[setting] = settingFromFlag(setting, flagTakesValue(setting) ? value() : undefined);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError((e as Error).message);
      }
      continue;
    }
    switch (flag) {
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${v}"`);
        opts.format = v;
        break;
      }
      case '--':
        opts.paths.push(...args.slice(i + 1));
        i = args.length;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        opts.paths.push(a);
    }
  }
  if (opts.paths.length === 0) throw new UsageError('check needs at least one file or folder');
  return opts;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out']);

/** Expands folders (recursively, sorted) into the files pgtls recognises; explicit files are kept as given. */
export function collectFiles(service: Service, paths: string[], warn: (msg: string) => void): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 32) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      warn(`cannot read folder ${dir}: ${(e as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p, depth + 1);
      } else if (e.isFile() && service.languageOf(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`);
    }
    if (st.isDirectory()) walk(p, 0);
    else if (service.languageOf(p)) out.push(p);
    else warn(`skipped ${p}: pgtls recognises pgpool.conf, *.pgpool.conf, pool_hba.conf, pg_hba.conf and *.yaml/*.yml by name`);
  }
  return [...new Set(out)];
}

export interface FileResult {
  file: string;
  text: string;
  problems: Problem[];
}

export function checkFiles(service: Service, files: string[], settings: Settings): FileResult[] {
  const results: FileResult[] = [];
  for (const file of files) {
    const abs = path.resolve(file);
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      results.push({ file, text: '', problems: [{ rule: 'pgtls/internal-error', span: [0, 0], severity: 'error', message: `Cannot read the file: ${(e as Error).message}.` }] });
      continue;
    }
    const languageId = service.languageOf(abs)!;
    const doc = { path: abs, text, languageId };
    results.push({ file, text, problems: service.validate(doc, service.parse(doc), settings) });
  }
  return results;
}

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Problem['severity'];
  rule: string;
  message: string;
}

export function toJsonDiagnostics(results: FileResult[]): JsonDiagnostic[] {
  const out: JsonDiagnostic[] = [];
  for (const r of results) {
    const index = new LineIndex(r.text);
    for (const p of r.problems) {
      const s = index.positionAt(p.span[0]);
      const e = index.positionAt(p.span[1]);
      out.push({
        file: r.file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1,
        severity: p.severity, rule: p.rule, message: p.message,
      });
    }
  }
  return out;
}

function formatText(diags: JsonDiagnostic[], files: number): string {
  const lines = diags.map(d => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.rule}: ${d.message}`);
  const count = (s: string) => diags.filter(d => d.severity === s).length;
  const summary = `${files} file${files === 1 ? '' : 's'} checked: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info') + count('hint')} note(s).`;
  return [...lines, summary].join('\n') + '\n';
}

function formatSarif(service: Service, diags: JsonDiagnostic[]): string {
  const level = (s: Problem['severity']) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');
  const rules = service.rules();
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const sarif = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: {
        driver: {
          name: 'pgtls', version: VERSION, informationUri: 'https://example.invalid/pgtls',
          rules: rules.map(r => ({ id: r.id, shortDescription: { text: r.description }, defaultConfiguration: { level: level(r.severity) } })),
        },
      },
      results: diags.map(d => ({
        ruleId: d.rule,
        ruleIndex: ruleIndex.get(d.rule),
        level: level(d.severity),
        message: { text: d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: d.file.split(path.sep).join('/') },
            region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
          },
        }],
      })),
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

export async function runCli(argv: string[], io: { out: (s: string) => void; err: (s: string) => void }, service?: Service): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP);
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      io.out(`${VERSION}\n`);
      return 0;
    }
    if (command === 'cert' || command === 'inspect') return await runCertCli(argv, io);
    const svc = service ?? createService(nodeEnv(findSchemasDir(__dirname)));
    if (command === 'check') {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.out(HELP);
        return 0;
      }
      const opts = parseCheckArgs(rest);
      const files = collectFiles(svc, opts.paths, m => io.err(`pgtls: ${m}\n`));
      const results = checkFiles(svc, files, opts.settings);
      const diags = toJsonDiagnostics(results);
      if (opts.format === 'json') io.out(JSON.stringify({ diagnostics: diags }, null, 2) + '\n');
      else if (opts.format === 'sarif') io.out(formatSarif(svc, diags));
      else io.out(formatText(diags, files.length));
      return diags.some(d => d.severity === 'error') ? 1 : 0;
    }
    if (command === 'rules') {
      const json = rest.includes('--format=json') || (rest.includes('--format') && rest[rest.indexOf('--format') + 1] === 'json');
      const rules = svc.rules();
      io.out(json ? JSON.stringify(rules, null, 2) + '\n' : rules.map(r => `${r.id}\t${r.severity}\t${r.description}`).join('\n') + '\n');
      return 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`pgtls: ${e.message}\nRun "pgtls --help" for usage.\n`);
      return 2;
    }
    io.err(`pgtls: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}

/** Runs the CLI on this process's arguments and sets the exit code. */
export async function main(): Promise<void> {
  process.stdout.on('error', () => undefined); // a closed pipe (pgtls check | head) is not a failure
  process.exitCode = await runCli(process.argv.slice(2), { out: s => process.stdout.write(s), err: s => process.stderr.write(s) });
}

if (require.main === module) void main();
