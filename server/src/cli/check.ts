/**
 * `pgtls check` and `pgtls rules`: validate files through the façade and print the findings (text, JSON or SARIF),
 * or list the rules. The check flags that set a setting come from the settings spec (core/settings.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LANGUAGE_TABLE, SETTINGS_SPEC, SETTING_KEYS, defaultSettings, flagTakesValue, settingFromFlag, settingOfFlag } from '../service';
import type { Settings } from '../core/types';
import * as os from 'node:os';
import { checkableFiles, listFiles, pathFilter, type PathFilter } from '../node/listFiles';
import { MAX_CONFIG_BYTES, formatBytes, kindOf, parseByteSize, readDescriptorText } from '../node/readFiles';
import type { Service } from '../service';
import { UsageError, choiceFlag, many, one, parseArgs, type CliIo, type Flags } from './args';
import { emptyReport, nothingChecked, type CheckReport } from './checkSummary';
import { checkInWorkers } from './checkJobs';
import { checkOne, type StdinInput } from './checkOne';
import { CheckPrinter, FORMATS, type FileOutcome } from './checkOutput';
import { indexedService, type CheckServiceOptions } from './checkService';
import { STDIN_NAME } from './stream';

export { VERSION } from './checkOutput';

/** The settings that have a `pgtls check` flag, in the spec's order. */
const FLAG_SETTINGS = SETTING_KEYS.filter(k => SETTINGS_SPEC[k].flag !== undefined);

/** `check`'s flags: --format and one per flagged setting (a value flag may repeat: each value is checked, the last counts). */
const CHECK_FLAGS: Flags = {
  format: 'list', include: 'list', exclude: 'list', 'max-file-size': 'string', jobs: 'string',
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
    line('--jobs N', 'check files in N worker threads (default: the number of cores); output order and bytes do not depend on N'),
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
  /** `--jobs`: at most this many worker threads (1: in this thread). */
  jobs: number;
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
  const jobsFlag = one(p, 'jobs');
  const jobs = jobsFlag === undefined ? os.availableParallelism() : /^[1-9]\d{0,3}$/.test(jobsFlag) ? Number(jobsFlag) : undefined;
  if (jobs === undefined) throw new UsageError(`--jobs must be a whole number from 1 to 9999, not "${jobsFlag}"`);
  return { format, settings: settings as unknown as Settings, paths: p.positional, maxFileBytes, jobs, ...(filter ? { filter } : {}) };
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

/** Below this many files per worker, starting a worker (loading the bundle, building its index) costs more than it saves. */
const MIN_FILES_PER_WORKER = 32;

/** The YAML files the run's index holds: those checked, and those beside each file named (its folder, as without an index). */
export function indexFilesOf(service: Service, files: readonly string[], paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) if (f !== STDIN_NAME && service.languageOf(f) === 'yaml') out.add(path.resolve(f));
  for (const p of paths) {
    if (p === STDIN_NAME || service.languageOf(p) !== 'yaml') continue;
    try {
      if (!fs.statSync(p).isFile()) continue;
    } catch {
      continue;
    }
    for (const f of listFiles(path.dirname(path.resolve(p)), { extensions: ['.yaml', '.yml'], maxDepth: 0, maxFiles: Number.MAX_SAFE_INTEGER })) out.add(f);
  }
  return [...out];
}

/** What the CLI's entry gives `runCheck`: the service maker, whether workers may be started, and test hooks. */
export interface CheckRunOptions {
  /** Workers start their own service (cli/checkService.ts); false when the caller hands in a service of its own. */
  workers?: boolean;
  /** Called when a file's outcome is known to the main thread, before it is printed (tests: streaming order). */
  done?(file: string): void;
}

export type MakeService = (roots: readonly string[], options?: CheckServiceOptions) => Service;

/**
 * `pgtls check …` (after the command word): exit 0 without errors, 1 with errors, 2 when no file was checked (like
 * eslint's "No files matching the pattern"); usage errors throw. `service` is made for the run's workspace folders
 * (`checkRoots`), the largest file it may read and the run's index of YAML files (`env.workspace`). Each file's
 * findings are printed once it and every file before it are checked (cli/checkOutput.ts); with `--jobs` above 1 and
 * enough files, worker threads check them (cli/checkJobs.ts).
 */
export async function runCheck(args: string[], io: CliIo, makeService: MakeService, run: CheckRunOptions = {}): Promise<number> {
  const opts = parseCheckArgs(args);
  const roots = checkRoots(opts.paths);
  const plain = makeService(roots, { maxFileBytes: opts.maxFileBytes });
  const report = emptyReport();
  const files = collectFiles(plain, opts.paths, m => io.err(`pgtls: ${m}\n`), { report, ...(opts.filter ? { filter: opts.filter } : {}) });
  const indexFiles = indexFilesOf(plain, files, opts.paths);
  const printer = new CheckPrinter(opts.format, io, () => plain.rules(), report);
  const take = (o: FileOutcome, file: string) => {
    run.done?.(file);
    printer.add(o);
  };
  const workers = Math.min(opts.jobs, Math.floor(files.length / MIN_FILES_PER_WORKER));
  if (run.workers && workers > 1 && !files.includes(STDIN_NAME)) {
    await checkInWorkers(files, workers, { roots, settings: opts.settings, maxFileBytes: opts.maxFileBytes, indexFiles }, take);
  } else {
    const { service, index } = indexedService(roots, indexFiles, opts.maxFileBytes, o => makeService(roots, o));
    const stdin: StdinInput = {
      read: () => io.readStdin?.() ?? readDescriptorText(0, 'standard input', { maxBytes: opts.maxFileBytes, raiseHint: 'raise the limit with --max-file-size' }),
      service: () => makeService(roots, { stdin: true, maxFileBytes: opts.maxFileBytes }),
    };
    for (const file of files) take(checkOne(service, file, opts.settings, opts.maxFileBytes, index, stdin), file);
  }
  printer.finish();
  if (printer.filesChecked === 0) {
    io.err(`pgtls: warning: ${nothingChecked(opts.paths, report)}\n`);
    return 2;
  }
  return printer.errors > 0 ? 1 : 0;
}

/** `pgtls rules [--format text|json]`: every rule, one per line or as JSON. */
export function runRules(args: string[], io: CliIo, service: Service): number {
  const format = choiceFlag(parseArgs(args, { flags: { format: 'list' } }), 'format', ['text', 'json'] as const) ?? 'text';
  const rules = service.rules();
  io.out(format === 'json' ? JSON.stringify(rules, null, 2) + '\n' : rules.map(r => `${r.id}\t${r.severity}\t${r.description}`).join('\n') + '\n');
  return 0;
}
