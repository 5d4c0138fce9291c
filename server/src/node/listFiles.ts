/**
 * The one folder walker: `pgtls check DIR` and the language server's workspace index (through `ServiceEnv.listFiles`)
 * see the same files, because both walk with this function and its one skip list.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ListFilesOptions } from '../core/types';

/**
 * Folders never walked below the folder named: dependencies, VCS data, build output, caches. Hidden folders (a name
 * starting with ".") are skipped as well; the folder a user or the editor names explicitly is always walked.
 */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.e2e', '.cache', '.venv', 'vendor']);

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
}

/**
 * A bounded, breadth-first walk that never follows symbolic links: the files of the shallower folders come first, so
 * that `maxFiles` keeps those; within a folder, entries are sorted by name.
 */
export function walkFiles(dir: string, options: WalkOptions): string[] {
  const out: string[] = [];
  let level = [dir];
  let folders = 0;
  for (let depth = 0; depth <= options.maxDepth && level.length && out.length < options.maxFiles; depth++) {
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
        if (e.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(e.name) && !e.name.startsWith('.')) next.push(p);
        } else if (e.isFile() && options.accept(e.name)) {
          out.push(p);
          if (out.length >= options.maxFiles) return out;
        }
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

/**
 * The files `pgtls check DIR` checks in a folder: those whose names `languageOf` recognises, walked with the one skip
 * list, in path order. The language server's workspace diagnostics and "Check Workspace" list a folder with this
 * function too, so both see the same files. `stopped` says why a bounded walk left files out.
 */
export function checkableFiles(
  dir: string, languageOf: (name: string) => unknown, limits: CheckLimits = { maxFiles: Number.MAX_SAFE_INTEGER },
  hooks: { unreadable?(dir: string, error: Error): void } = {},
): { files: string[]; stopped?: 'files' | 'folders' } {
  let stopped: 'files' | 'folders' | undefined;
  // One file more than the limit tells a walk that stopped at the limit from one that ended there.
  const files = walkFiles(dir, {
    accept: name => languageOf(name) !== undefined,
    maxDepth: CHECK_MAX_DEPTH,
    maxFiles: limits.maxFiles + 1,
    ...(limits.maxFolders !== undefined ? { maxFolders: limits.maxFolders } : {}),
    ...(hooks.unreadable ? { unreadable: hooks.unreadable } : {}),
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
