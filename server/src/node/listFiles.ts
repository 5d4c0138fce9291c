/**
 * The one folder walker: `pgtls check DIR` and the language server's workspace index (through `ServiceEnv.listFiles`)
 * see the same files, because both walk with this function and its one skip list.
 *
 * What it does with what it meets (README "The command line"):
 * - folders named in `SKIPPED_FOLDERS` and hidden folders are not walked (an `--include` glob that names one walks it);
 * - a symbolic link to a regular file is followed, wherever it points; a file outside the folder walked is reported
 *   through `linkedOutside` (checked, and said so); a link to a folder is not followed (so no walk can loop or
 *   leave the tree through a link); a broken link or a loop of links is skipped;
 * - a FIFO, socket or device is never opened;
 * - every entry it leaves out that the user could have meant (by folder, or a file whose name pgtls recognises) is
 *   reported through `skipped` with its reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import type { ListFilesOptions } from '../core/types';
import { kindOf } from './readFiles';

/**
 * Folders never walked below the folder named: dependencies, VCS data, build output, caches. Hidden folders (a name
 * starting with ".") are skipped as well; the folder a user or the editor names explicitly is always walked.
 */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.e2e', '.cache', '.venv', 'vendor']);

/**
 * Why the walk (or `pgtls check`) left something out: a folder on the skip list, a hidden folder, a link to a folder,
 * a file that is not a regular file, a broken link, a glob's choice, a folder it could not read, a folder below the
 * depth limit, a file named on the command line whose name pgtls does not recognise.
 */
export type SkipReason =
  | 'skipped-folder' | 'hidden-folder' | 'folder-link' | 'not-regular' | 'broken-link' | 'excluded' | 'not-included'
  | 'unreadable-folder' | 'too-deep' | 'unrecognised';

export interface SkippedEntry {
  path: string;
  reason: SkipReason;
  /** What the entry is or why it failed (`a FIFO`, `ENOENT` …). */
  detail?: string;
}

/** `--include` / `--exclude`: globs on the path relative to the folder walked (`/` separators). */
export interface PathFilter {
  /** Whether a file or folder is excluded (it or one of its folders matches an exclude glob). */
  excludes(rel: string): boolean;
  /** Whether a file is included (no include glob, or it or one of its folders matches one). */
  includes(rel: string): boolean;
  /** Whether an include glob names this skipped folder: its name is a literal part of the glob, which can match below it. */
  opens(rel: string): boolean;
}

/**
 * The filter of `--include`/`--exclude` globs (minimatch; `**`, `*`, `?`, `[…]`, `{a,b}`; dot files match; a glob
 * without `/` matches a name at any depth, as in .gitignore). A glob matching a folder matches everything in it.
 */
export function pathFilter(include: readonly string[], exclude: readonly string[]): PathFilter {
  const compile = (g: string) => {
    const glob = g.replace(/^\.\//, '').replace(/\/+$/, '');
    return { glob, mm: new Minimatch(glob, { dot: true, matchBase: true, nocomment: true, nonegate: true }) };
  };
  const inc = include.map(compile);
  const exc = exclude.map(compile);
  const prefixes = (rel: string) => rel.split('/').map((_, i, a) => a.slice(0, i + 1).join('/'));
  const any = (globs: typeof inc, rel: string) => prefixes(rel).some(p => globs.some(g => g.mm.match(p)));
  return {
    excludes: rel => exc.length > 0 && any(exc, rel),
    includes: rel => inc.length === 0 || any(inc, rel),
    opens: rel => {
      const name = rel.split('/').pop()!;
      return inc.some(g => g.glob.split('/').includes(name) && g.mm.match(rel, true));
    },
  };
}

export interface WalkOptions {
  /** Whether a file (by its name) is listed. */
  accept(name: string): boolean;
  /** Folder depth below the named folder (0: only its own entries). */
  maxDepth: number;
  /** Stop after this many files. */
  maxFiles: number;
  /** Called for a folder that cannot be read (it is then left out). */
  unreadable?(dir: string, error: Error): void;
  /** Stop after reading this many folders (a huge tree with few files of ours); default: no limit. */
  maxFolders?: number;
  /** Called when the walk stops at `maxFolders` before the end of the tree. */
  stopped?(why: 'folders'): void;
  /** `--include`/`--exclude`. */
  filter?: PathFilter;
  /** Told of each folder, and each file whose name `accept`s, that the walk leaves out, and why. */
  skipped?(entry: SkippedEntry): void;
  /** Told of a listed file that is a symbolic link to a file outside the folder walked. */
  linkedOutside?(file: string, target: string): void;
}

/** What a directory entry that is neither a folder, a file nor a link is. */
function direntKind(e: fs.Dirent): string {
  if (e.isFIFO()) return 'a FIFO';
  if (e.isSocket()) return 'a socket';
  if (e.isCharacterDevice()) return 'a character device';
  if (e.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * A bounded, breadth-first walk (see the module comment for links and skips): the files of the shallower folders
 * come first, so that `maxFiles` keeps those; within a folder, entries are sorted by name.
 */
export function walkFiles(dir: string, options: WalkOptions): string[] {
  const out: string[] = [];
  let level = [dir];
  let folders = 0;
  let realRoot: string | undefined;
  const rel = (p: string) => path.relative(dir, p).split(path.sep).join('/');
  const skip = (p: string, reason: SkipReason, detail?: string) => options.skipped?.({ path: p, reason, ...(detail ? { detail } : {}) });
  const { filter } = options;
  /** A folder: walked (pushed to `next`) unless excluded or skipped by name. */
  const folder = (p: string, name: string, next: string[], link: boolean) => {
    if (filter?.excludes(rel(p))) return skip(p, 'excluded');
    const byName = SKIPPED_FOLDERS.has(name) ? 'skipped-folder' : name.startsWith('.') ? 'hidden-folder' : undefined;
    if (byName && !filter?.opens(rel(p))) return skip(p, byName);
    if (link) return skip(p, 'folder-link');
    next.push(p);
  };
  /** A file whose name is accepted: listed unless a glob says no; true when `maxFiles` is reached. */
  const file = (p: string, link: boolean): boolean => {
    if (filter?.excludes(rel(p))) { skip(p, 'excluded'); return false; }
    if (filter && !filter.includes(rel(p))) { skip(p, 'not-included'); return false; }
    if (link && options.linkedOutside) {
      try {
        realRoot ??= fs.realpathSync(dir);
        const target = fs.realpathSync(p);
        const r = path.relative(realRoot, target);
        if (r.startsWith('..') || path.isAbsolute(r)) options.linkedOutside(p, target);
      } catch {
        // It was a regular file a moment ago; reading it will say what is wrong.
      }
    }
    out.push(p);
    return out.length >= options.maxFiles;
  };
  for (let depth = 0; level.length && out.length < options.maxFiles; depth++) {
    if (depth > options.maxDepth) {
      for (const d of level) skip(d, 'too-deep');
      break;
    }
    const next: string[] = [];
    for (const d of level) {
      if (options.maxFolders !== undefined && folders++ >= options.maxFolders) {
        options.stopped?.('folders');
        return out;
      }
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch (e) {
        options.unreadable?.(d, e as Error);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) folder(p, e.name, next, false);
        else if (e.isFile()) {
          if (options.accept(e.name) && file(p, false)) return out;
        } else if (e.isSymbolicLink()) {
          let st: fs.Stats;
          try {
            st = fs.statSync(p);
          } catch (err) {
            if (options.accept(e.name)) skip(p, 'broken-link', (err as NodeJS.ErrnoException).code);
            continue;
          }
          if (st.isDirectory()) folder(p, e.name, next, true);
          else if (!options.accept(e.name)) continue;
          else if (st.isFile()) {
            if (file(p, true)) return out;
          } else if (!filter?.excludes(rel(p))) skip(p, 'not-regular', kindOf(st));
        } else if (options.accept(e.name) && !filter?.excludes(rel(p))) skip(p, 'not-regular', direntKind(e));
      }
    }
    level = next;
  }
  return out;
}

/** `ServiceEnv.listFiles`: the files under `dir` whose names end with one of `options.extensions`; absolute paths. */
export function listFiles(dir: string, options: ListFilesOptions): string[] {
  const exts = options.extensions.map(e => e.toLowerCase());
  return walkFiles(path.resolve(dir), { accept: name => exts.some(x => name.toLowerCase().endsWith(x)), maxDepth: options.maxDepth, maxFiles: options.maxFiles });
}

/**
 * Orders paths as a depth-first walk with sorted entries lists them (a folder's files and subfolders by name, each
 * subfolder's contents at its place): the order `pgtls check` reports files in.
 */
export function byPathOrder(a: string, b: string): number {
  const x = a.split(path.sep);
  const y = b.split(path.sep);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** How deep `pgtls check DIR` (and the language server's workspace check) walks a folder. */
export const CHECK_MAX_DEPTH = 32;

/** Bounds of a folder check; the CLI's are none (every recognised file), the language server's are finite. */
export interface CheckLimits {
  maxFiles: number;
  maxFolders?: number;
}

/** What `checkableFiles` tells besides the files: `filter` narrows the walk, the others are told what it left out. */
export interface CheckHooks {
  unreadable?(dir: string, error: Error): void;
  filter?: PathFilter;
  skipped?(entry: SkippedEntry): void;
  linkedOutside?(file: string, target: string): void;
}

/**
 * The files `pgtls check DIR` checks in a folder: those whose names `languageOf` recognises, walked with the one skip
 * list, in path order. The language server's workspace diagnostics and "Check Workspace" list a folder with this
 * function too, so both see the same files. `stopped` says why a bounded walk left files out.
 */
export function checkableFiles(
  dir: string, languageOf: (name: string) => unknown, limits: CheckLimits = { maxFiles: Number.MAX_SAFE_INTEGER }, hooks: CheckHooks = {},
): { files: string[]; stopped?: 'files' | 'folders' } {
  let stopped: 'files' | 'folders' | undefined;
  // One file more than the limit tells a walk that stopped at the limit from one that ended there.
  const files = walkFiles(dir, {
    accept: name => languageOf(name) !== undefined,
    maxDepth: CHECK_MAX_DEPTH,
    maxFiles: limits.maxFiles + 1,
    ...(limits.maxFolders !== undefined ? { maxFolders: limits.maxFolders } : {}),
    ...hooks,
    stopped: why => { stopped = why; },
  });
  if (files.length > limits.maxFiles) {
    files.length = limits.maxFiles;
    stopped = 'files';
  }
  return { files: files.sort(byPathOrder), ...(stopped ? { stopped } : {}) };
}

/** A stamp of a file's content on disk (modification time and size), or `undefined` when it is not a readable file. */
export function fileStamp(p: string): string | undefined {
  try {
    const st = fs.statSync(p);
    return st.isFile() ? `${st.mtimeMs}:${st.size}` : undefined;
  } catch {
    return undefined;
  }
}
