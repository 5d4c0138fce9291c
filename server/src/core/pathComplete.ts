/**
 * Completion of a file path a configuration names (a certificate, a key, an include, an auth file): the entries of the
 * folder the typed text names, resolved as the server resolves it (a relative path against `baseDir`, which the
 * language gives: pgpool.conf's folder, PostgreSQL's data directory…; an absolute one as written). The folder is read
 * through `ServiceEnv.listFiles` (the one bounded walker, which skips hidden folders and `node_modules`), never the
 * disk directly. A sub-folder is offered when it holds a file.
 */
import { isAbsolutePath, joinPath, normalizePath } from './deployPaths';
import type { CompletionResult, ServiceEnv } from './types';

const MAX_ENTRIES = 500;

/**
 * Items for `typed` (the value from its first character to the cursor at `offset`, without a quote); each replaces the
 * last path segment typed. Empty when the folder cannot be known (a relative path and no `baseDir`) or listed.
 */
export function pathCompletions(env: Pick<ServiceEnv, 'listFiles'>, typed: string, offset: number, baseDir: string | undefined): CompletionResult[] {
  if (!env.listFiles || /[\0\n\r]/.test(typed)) return [];
  const cut = Math.max(typed.lastIndexOf('/'), typed.lastIndexOf('\\'));
  const dirPart = typed.slice(0, cut + 1);
  const namePart = typed.slice(cut + 1);
  let folder: string | undefined;
  if (isAbsolutePath(typed)) folder = dirPart;
  else if (baseDir !== undefined && isAbsolutePath(baseDir)) folder = dirPart ? joinPath(baseDir, dirPart) : baseDir;
  const norm = folder !== undefined ? normalizePath(folder) : undefined;
  if (norm === undefined) return [];
  let listed: string[];
  try {
    listed = env.listFiles(norm, { extensions: [''], maxDepth: 1, maxFiles: MAX_ENTRIES });
  } catch {
    return [];
  }
  const prefix = norm.replace(/[\\/]+$/, '');
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const p of listed) {
    const rest = p.replace(/\\/g, '/').slice(prefix.replace(/\\/g, '/').length).replace(/^\/+/, '');
    if (!rest) continue;
    const slash = rest.indexOf('/');
    if (slash < 0) files.add(rest);
    else folders.add(rest.slice(0, slash));
  }
  const replace: [number, number] = [offset - namePart.length, offset];
  return [
    ...[...folders].sort().map(f => ({ label: `${f}/`, kind: 'folder' as const, detail: `folder in ${norm}`, replace })),
    ...[...files].sort().map(f => ({ label: f, kind: 'file' as const, detail: `file in ${norm}`, replace })),
  ];
}
