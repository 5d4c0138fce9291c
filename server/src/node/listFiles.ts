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
}

/**
 * A bounded, breadth-first walk that never follows symbolic links: the files of the shallower folders come first, so
 * that `maxFiles` keeps those; within a folder, entries are sorted by name.
 */
export function walkFiles(dir: string, options: WalkOptions): string[] {
  const out: string[] = [];
  let level = [dir];
  for (let depth = 0; depth <= options.maxDepth && level.length && out.length < options.maxFiles; depth++) {
    const next: string[] = [];
    for (const d of level) {
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
