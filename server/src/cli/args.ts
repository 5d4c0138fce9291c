/**
 * The one argument parser and the one usage-error path of every `pgtls` command (check, rules, cert …, inspect).
 * A command declares its flags; the parser refuses unknown options, missing values and stray arguments with a
 * `UsageError`, which every command reports the same way (`usageFailed`, exit 2).
 */

/** Where a command writes: results to `out` (stdout), messages to `err` (stderr). */
export interface CliIo {
  out(s: string): void;
  err(s: string): void;
  /** Reads all of standard input (`pgtls check -`); absent: the process's own. */
  readStdin?(): string;
}

/** A mistake in the command line: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command was understood but could not be carried out (an unusable input file, I/O): exit 1. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** Prints a usage error as every command does (`pgtls: …` and where the help is) and returns its exit code, 2. */
export function usageFailed(io: CliIo, message: string, help = 'pgtls --help'): number {
  io.err(`pgtls: ${message}\nRun "${help}" for usage.\n`);
  return 2;
}

/** `string`: a value, given at most once; `list`: a value, may be repeated (all kept, in order); `bool`: no value. */
export type FlagKind = 'string' | 'list' | 'bool';
export type Flags = Readonly<Record<string, FlagKind>>;

export interface ArgSpec {
  /** The flags by name without the leading `--`. */
  flags: Flags;
  /** Other names of flags (`--user` for `--client-user`), used when the command does not declare the name itself. */
  aliases?: Readonly<Record<string, string>>;
  /** Whether the command takes file arguments (also after `--`). */
  positional?: boolean;
  /** The command named in messages ("unknown option --x for cert set"); absent, messages name none. */
  command?: string;
}

export interface ParsedArgs {
  values: Map<string, string[]>;
  bools: Set<string>;
  positional: string[];
}

/** Parses `--name value`, `--name=value`, boolean `--name`, file arguments and `--` (the rest are file arguments). */
export function parseArgs(args: readonly string[], spec: ArgSpec): ParsedArgs {
  const p: ParsedArgs = { values: new Map(), bools: new Set(), positional: [] };
  const where = spec.command ? ` for ${spec.command}` : '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      if (!spec.positional) throw new UsageError(`${spec.command ?? 'pgtls'} takes no file arguments`);
      p.positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}${where}`);
      if (!spec.positional) throw new UsageError(`unexpected argument "${a}"${where}`);
      p.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    let name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const alias = spec.aliases?.[name];
    if (!(name in spec.flags) && alias !== undefined && alias in spec.flags) name = alias;
    const kind = spec.flags[name];
    if (!kind) throw new UsageError(`unknown option --${name}${where}`);
    if (kind === 'bool') {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      p.bools.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      value = args[++i];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name} needs a value`);
    }
    const list = p.values.get(name) ?? [];
    if (kind === 'string' && list.length) throw new UsageError(`--${name} given more than once`);
    list.push(value);
    p.values.set(name, list);
  }
  return p;
}

/** The value of a `string` flag (of a `list` flag: its first). */
export const one = (p: ParsedArgs, name: string): string | undefined => p.values.get(name)?.[0];
/** Every value of a `list` flag, in order. */
export const many = (p: ParsedArgs, name: string): string[] => p.values.get(name) ?? [];

/** The value of a flag the command cannot do without. */
export function required(p: ParsedArgs, name: string, command: string, why = ''): string {
  const v = one(p, name);
  if (v === undefined || v === '') throw new UsageError(`${command} needs --${name}${why ? ` ${why}` : ''}`);
  return v;
}

/** A whole number flag within bounds. */
export function intFlag(p: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${v}"`);
  return Number(v);
}

/** A flag with a fixed set of values ("--format must be text or json, not …"); every value given is checked, the last one counts. */
export function choiceFlag<T extends string>(p: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const values = many(p, name);
  for (const v of values) {
    if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be ${orList(choices)}, not "${v}"`);
  }
  return values.at(-1) as T | undefined;
}

/** "a or b", "a, b or c". */
function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}`;
}
