/**
 * `pgtls check` and `pgtls rules`: validate files through the façade and print the findings (text, JSON or SARIF),
 * or list the rules. The check flags that set a setting come from the settings spec (core/settings.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LANGUAGE_TABLE, LineIndex, SETTINGS_SPEC, SETTING_KEYS, defaultSettings, flagTakesValue, settingFromFlag, settingOfFlag } from '../service';
import type { Problem, Settings } from '../core/types';
import { checkableFiles, pathFilter, type PathFilter } from '../node/listFiles';
import { FileReadError, MAX_CONFIG_BYTES, formatBytes, kindOf, parseByteSize, readDescriptorText, readRegularText } from '../node/readFiles';
import type { Service } from '../service';
import { REPOSITORY_URL } from '../protocol';
import { UsageError, choiceFlag, many, one, parseArgs, type CliIo, type Flags } from './args';
import { emptyReport, jsonSummary, nothingChecked, textSummary, type CheckReport } from './checkSummary';
import { STDIN_NAME, placeOf, sourcedDocuments } from './stream';

/** The version `pgtls --version` and the SARIF output report. */
export const VERSION = '0.1.0';

const FORMATS = ['text', 'json', 'sarif'] as const;

/** The settings that have a `pgtls check` flag, in the spec's order. */
const FLAG_SETTINGS = SETTING_KEYS.filter(k => SETTINGS_SPEC[k].flag !== undefined);

/** `check`'s flags: --format and one per flagged setting (a value flag may repeat: each value is checked, the last counts). */
const CHECK_FLAGS: Flags = {
  format: 'list', include: 'list', exclude: 'list', 'max-file-size': 'string',
  ...Object.fromEntries(FLAG_SETTINGS.map(k => [SETTINGS_SPEC[k].flag!.slice(2), flagTakesValue(k) ? 'list' : 'bool'])),
};

/** How the help names a setting flag's value and what the flag does; the allowed values and the default come from the spec. */
const FLAG_HELP: Partial<Record<keyof Settings, { value?: string; text: string }>> = {
  pgpoolVersion: { value: 'X.Y', text: 'Pgpool-II version' },
  postgresVersion: { value: 'N', text: 'PostgreSQL major version' },
  pgbouncerVersion: { value: 'X.Y', text: 'PgBouncer release' },
  checkFiles: { text: 'do not read the certificate, key and CA files the configuration names' },
  pathMappings: { value: 'FROM=TO', text: 'read files of the container path FROM from the local folder TO (repeatable)' },
  maxProblems: { value: 'N', text: 'report at most N problems per file (errors first)' },
};

/** The "Options of check" lines of the help. */
export function checkOptionsHelp(): string {
  const line = (flag: string, text: string) => `  ${flag.padEnd(27)}${text}`;
  const lines = [
    line('--format text|json|sarif', 'output format (default text)'),
    line('--include GLOB', 'in folders, check only the files matching GLOB (repeatable); a GLOB naming a skipped folder walks it'),
    line('--exclude GLOB', 'in folders, leave out the files and folders matching GLOB (repeatable)'),
    line('--max-file-size SIZE', `the largest file read, e.g. 64M (default ${formatBytes(MAX_CONFIG_BYTES)})`),
  ];
  for (const k of FLAG_SETTINGS) {
    const spec = SETTINGS_SPEC[k];
    const help = FLAG_HELP[k] ?? { text: spec.description };
    const values = 'enum' in spec ? `: ${spec.enum.join(', ')} (default ${String(spec.default)})` : '';
    lines.push(line(`${spec.flag!}${help.value ? ` ${help.value}` : ''}`, `${help.text}${values}`));
  }
  return lines.join('\n');
}

interface CheckOptions {
  format: (typeof FORMATS)[number];
  settings: Settings;
  paths: string[];
  /** `--include`/`--exclude`, when given. */
  filter?: PathFilter;
  /** `--max-file-size`. */
  maxFileBytes: number;
}

export function parseCheckArgs(args: string[]): CheckOptions {
  const p = parseArgs(args, { flags: CHECK_FLAGS, positional: true });
  const format = choiceFlag(p, 'format', FORMATS) ?? 'text';
  const settings = defaultSettings() as unknown as Record<string, unknown>;
  const given: [string, (string | undefined)[]][] = [...p.values, ...[...p.bools].map(b => [b, [undefined]] as [string, undefined[]])];
  for (const [name, values] of given) {
    const setting = settingOfFlag(`--${name}`);
    if (!setting) continue;
    for (const v of values) {
      let value: unknown;
      try {
        value = settingFromFlag(setting, v);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      // --path-map repeats: each use adds a mapping, its local side taken from the current folder.
      if (SETTINGS_SPEC[setting].type === 'path-map') {
        const [[from, to]] = Object.entries(value as Record<string, string>) as [[string, string]];
        value = { ...(settings[setting] as Record<string, string>), [from]: to.includes('${workspaceFolder}') ? to : path.resolve(to) };
      }
      settings[setting] = value;
    }
  }
  if (p.positional.length === 0) throw new UsageError('check needs at least one file or folder');
  const size = one(p, 'max-file-size');
  const maxFileBytes = size === undefined ? MAX_CONFIG_BYTES : parseByteSize(size);
  if (maxFileBytes === undefined) throw new UsageError(`--max-file-size must be a size such as 65536, 512K or 64M, not "${size}"`);
  const include = many(p, 'include'), exclude = many(p, 'exclude');
  for (const g of [...include, ...exclude]) if (!g.trim()) throw new UsageError('--include and --exclude need a glob, not an empty value');
  const filter = include.length || exclude.length ? pathFilter(include, exclude) : undefined;
  return { format, settings: settings as unknown as Settings, paths: p.positional, maxFileBytes, ...(filter ? { filter } : {}) };
}

/**
 * The workspace of a `check` run: the current folder, each folder named and the folder of each file named. Paths
 * inside them are the user's own; an absolute path outside them that does not exist here is not an error.
 */
export function checkRoots(paths: readonly string[]): string[] {
  const roots = [process.cwd()];
  for (const p of paths) {
    const abs = path.resolve(p);
    let dir = abs;
    try {
      if (!fs.statSync(abs).isDirectory()) dir = path.dirname(abs);
    } catch {
      continue;
    }
    if (!roots.includes(dir)) roots.push(dir);
  }
  return roots;
}

/** The file names pgtls checks, from the languages table (`pgpool.conf, *.pgpool.conf, …, *.yaml, *.yml`). */
const RECOGNISED = (() => {
  const names = Object.values(LANGUAGE_TABLE).flatMap(l => [...l.filenames, ...l.filenamePatterns.filter(g => !/\*$/.test(g))]);
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
})();

/**
 * Expands folders (recursively, with the walker the language server uses too) into the files pgtls recognises,
 * reported in path order; explicit files are kept as given (`--include`/`--exclude` apply inside folders only). What
 * is left out goes to `report` (and, for paths named explicitly or folders it cannot read, to `warn`).
 */
export function collectFiles(service: Service, paths: string[], warn: (msg: string) => void, walk: { filter?: PathFilter; report?: CheckReport } = {}): string[] {
  const out: string[] = [];
  const report = walk.report ?? emptyReport();
  for (const p of paths) {
    if (p === STDIN_NAME) {
      out.push(p);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`);
    }
    if (st.isDirectory()) {
      // Every recognised file (no count limit), with the walk the language server's workspace check uses too.
      const { files } = checkableFiles(p, name => service.languageOf(name), undefined, {
        unreadable: (dir, e) => {
          warn(`cannot read folder ${dir}: ${e.message}`);
          report.skipped.push({ path: dir, reason: 'unreadable-folder', detail: (e as NodeJS.ErrnoException).code ?? e.message });
        },
        skipped: entry => report.skipped.push(entry),
        linkedOutside: (file, target) => report.linkedOutside.push({ path: file, target }),
        ...(walk.filter ? { filter: walk.filter } : {}),
      });
      out.push(...files);
    } else if (!st.isFile()) {
      warn(`skipped ${p}: not a regular file (${kindOf(st)}); pgtls reads only regular files`);
      report.skipped.push({ path: p, reason: 'not-regular', detail: kindOf(st) });
    } else if (service.languageOf(p)) out.push(p);
    else {
      warn(`skipped ${p}: pgtls recognises ${RECOGNISED} by name`);
      report.skipped.push({ path: p, reason: 'unrecognised' });
    }
  }
  return [...new Set(out)];
}

export interface FileResult {
  file: string;
  text: string;
  problems: Problem[];
  /** Read from standard input: a YAML stream whose documents may name their Helm templates. */
  stream?: boolean;
  /** Not checked after all: it was no regular file when it was opened. */
  skipped?: { reason: 'not-regular'; detail?: string };
}

/** How `checkFiles` reads standard input (`-`), and the service that checks it (one that reads no file beside it). */
export interface StdinInput {
  read(): string;
  service(): Service;
}

/** A file `--max-file-size` keeps out: one `pgtls/file-too-large` finding (the façade's rule for a file it does not validate). */
function tooLargeResult(file: string, e: FileReadError, maxBytes: number): FileResult {
  const size = e.detail ? `${formatBytes(Number(e.detail))}, ` : '';
  return { file, text: '', problems: [{
    rule: 'pgtls/file-too-large', span: [0, 0], severity: 'warning',
    message: `This file is too large to check (${size}more than the ${formatBytes(maxBytes)} pgtls check reads), so it was not read. Split it with include files, or raise the limit with --max-file-size.`,
  }] };
}

export function checkFiles(service: Service, files: string[], settings: Settings, stdin?: StdinInput, maxBytes = MAX_CONFIG_BYTES): FileResult[] {
  const results: FileResult[] = [];
  for (const file of files) {
    if (file === STDIN_NAME && stdin) {
      results.push(checkStdin(stdin, settings, maxBytes));
      continue;
    }
    const abs = path.resolve(file);
    let text: string;
    try {
      text = readRegularText(abs, { maxBytes });
    } catch (e) {
      if (e instanceof FileReadError && e.reason === 'too-large') results.push(tooLargeResult(file, e, maxBytes));
      else if (e instanceof FileReadError && e.reason === 'not-regular') results.push({ file, text: '', problems: [], skipped: { reason: 'not-regular', ...(e.detail ? { detail: e.detail } : {}) } });
      else results.push({ file, text: '', problems: [{ rule: 'pgtls/internal-error', span: [0, 0], severity: 'error', message: `Cannot read the file: ${(e as Error).message}.` }] });
      continue;
    }
    const languageId = service.languageOf(abs)!;
    const doc = { path: abs, text, languageId };
    results.push({ file, text, problems: service.validate(doc, service.parse(doc), settings) });
  }
  return results;
}

/**
 * A YAML stream on standard input, checked as one file: the documents of a rendered overlay or chart are complete
 * resources, and the resources they refer to are in the stream, not in the current folder.
 */
function checkStdin(stdin: StdinInput, settings: Settings, maxBytes: number): FileResult {
  let text: string;
  try {
    text = stdin.read();
  } catch (e) {
    if (e instanceof FileReadError && e.reason === 'too-large') {
      return { file: STDIN_NAME, text: '', stream: true, problems: [{
        rule: 'pgtls/file-too-large', span: [0, 0], severity: 'warning', message: `Standard input holds more than the ${formatBytes(maxBytes)} pgtls check reads, so it was not checked; raise the limit with --max-file-size.`,
      }] };
    }
    return { file: STDIN_NAME, text: '', stream: true, problems: [{ rule: 'pgtls/internal-error', span: [0, 0], severity: 'error', message: `Cannot read standard input: ${(e as Error).message}.` }] };
  }
  const service = stdin.service();
  const doc = { path: path.resolve(STDIN_NAME), text, languageId: 'yaml' as const };
  return { file: STDIN_NAME, text, stream: true, problems: service.validate(doc, service.parse(doc), settings) };
}

/** 1-based positions of a finding. */
interface Positions {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface JsonDiagnostic extends Positions {
  /** The path as given; for standard input `-`, or the Helm template (`# Source:`) the finding's document came from. */
  file: string;
  severity: Problem['severity'];
  rule: string;
  message: string;
  /** Standard input only: the Helm template of the finding's document (`line` then counts from the line after its `# Source:` comment). */
  source?: string;
  /** Standard input only: where the finding is in the stream. */
  stream?: Positions;
}

export function toJsonDiagnostics(results: FileResult[]): JsonDiagnostic[] {
  const out: JsonDiagnostic[] = [];
  for (const r of results) {
    const index = new LineIndex(r.text);
    const docs = r.stream ? sourcedDocuments(r.text) : [];
    for (const p of r.problems) {
      const s = index.positionAt(p.span[0]);
      const e = index.positionAt(p.span[1]);
      const at: Positions = { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
      const base = { severity: p.severity, rule: p.rule, message: p.message };
      if (!r.stream) {
        out.push({ file: r.file, ...at, ...base });
        continue;
      }
      const place = placeOf(docs, r.text, p.span[0]);
      if (place.source === undefined || place.firstLine === undefined) {
        out.push({ file: r.file, ...at, ...base, stream: at });
        continue;
      }
      const first = place.firstLine;
      out.push({
        file: place.source, line: Math.max(1, at.line - first), column: at.column, endLine: Math.max(1, at.endLine - first), endColumn: at.endColumn,
        ...base, source: place.source, stream: at,
      });
    }
  }
  return out;
}

function formatText(diags: JsonDiagnostic[], files: number, report: CheckReport): string {
  const lines = diags.map(d => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.rule}: ${d.message}${d.source && d.stream ? ` (standard input ${d.stream.line}:${d.stream.column})` : ''}`);
  const count = (s: string) => diags.filter(d => d.severity === s).length;
  const summary = `${files} file${files === 1 ? '' : 's'} checked: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info') + count('hint')} note(s).`;
  return [...lines, summary, ...textSummary(report)].join('\n') + '\n';
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
          name: 'pgtls', version: VERSION, ...(REPOSITORY_URL === undefined ? {} : { informationUri: REPOSITORY_URL }),
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

/**
 * `pgtls check …` (after the command word): exit 0 without errors, 1 with errors, 2 when no file was checked (like
 * eslint's "No files matching the pattern"); usage errors throw. `service` is made for the run's workspace folders
 * (`checkRoots`) and the largest file it may read.
 */
export function runCheck(
  args: string[], io: CliIo, makeService: (roots: readonly string[], options?: { stdin?: boolean; maxFileBytes?: number }) => Service,
): number {
  const opts = parseCheckArgs(args);
  const roots = checkRoots(opts.paths);
  const service = makeService(roots, { maxFileBytes: opts.maxFileBytes });
  const report = emptyReport();
  const files = collectFiles(service, opts.paths, m => io.err(`pgtls: ${m}\n`), { report, ...(opts.filter ? { filter: opts.filter } : {}) });
  const stdin: StdinInput = {
    read: () => io.readStdin?.() ?? readDescriptorText(0, 'standard input', { maxBytes: opts.maxFileBytes, raiseHint: 'raise the limit with --max-file-size' }),
    service: () => makeService(roots, { stdin: true, maxFileBytes: opts.maxFileBytes }),
  };
  const results = checkFiles(service, files, opts.settings, stdin, opts.maxFileBytes).filter(r => {
    if (!r.skipped) return true;
    io.err(`pgtls: skipped ${r.file}: not a regular file${r.skipped.detail ? ` (${r.skipped.detail})` : ''}; pgtls reads only regular files\n`);
    report.skipped.push({ path: r.file, ...r.skipped });
    return false;
  });
  const diags = toJsonDiagnostics(results);
  if (opts.format === 'json') io.out(JSON.stringify({ diagnostics: diags, summary: jsonSummary(results.length, report) }, null, 2) + '\n');
  else if (opts.format === 'sarif') io.out(formatSarif(service, diags));
  else io.out(formatText(diags, results.length, report));
  if (results.length === 0) {
    io.err(`pgtls: warning: ${nothingChecked(opts.paths, report)}\n`);
    return 2;
  }
  return diags.some(d => d.severity === 'error') ? 1 : 0;
}

/** `pgtls rules [--format text|json]`: every rule, one per line or as JSON. */
export function runRules(args: string[], io: CliIo, service: Service): number {
  const format = choiceFlag(parseArgs(args, { flags: { format: 'list' } }), 'format', ['text', 'json'] as const) ?? 'text';
  const rules = service.rules();
  io.out(format === 'json' ? JSON.stringify(rules, null, 2) + '\n' : rules.map(r => `${r.id}\t${r.severity}\t${r.description}`).join('\n') + '\n');
  return 0;
}
