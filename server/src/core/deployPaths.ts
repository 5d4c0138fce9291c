/**
 * Where a path that a configuration file names is, seen from this machine. Pgpool-II and PostgreSQL read their
 * certificates, includes and `@file` lists where they run (a container, a server); pgtls sees only the workspace and
 * this machine. A relative path is resolved against the configuration's folder, as the server does. An absolute path
 * is first translated by the path mappings (like a debugger's source map: a deployment path prefix FROM stands for a
 * local folder or file TO; the explicit ones from `pgtls.pathMappings` / `--path-map`, then those the workspace makes
 * certain, found by deploy/), the longest matching FROM winning. What is then inside a workspace folder or exists on
 * this machine is checked as before; anything else is "unseen": never an error, at most a note that says how to let
 * pgtls check it. A mapping may also point at the content of a resource (a Secret key mounted as a file): a virtual
 * file whose text the checks read like a file on disk.
 */
import type { FileStat, ServiceEnv } from './types';

/** A file whose content comes from a resource, not from the disk (a key of a Kubernetes Secret or ConfigMap). */
export interface VirtualFile {
  /** The decoded text; `undefined` when it cannot be decoded (invalid base64, not a string). */
  text: string | undefined;
}

/** A folder of virtual files: the keys of the resources a volume mounts, by path below the mount. */
export interface VirtualTree {
  /** Relative paths below the mapping's `from` (`''`: `from` is the file itself, a `subPath` mount). */
  files: ReadonlyMap<string, VirtualFile>;
  /** Whether every file of the mount is known (a projected volume with other sources is not): only then is a name missing from `files` missing in the deployment. */
  complete: boolean;
}

/** One mapping: the deployment path prefix `from` stands for a local path or for a resource's files. */
export interface PathMapping {
  /** Absolute deployment path (a folder or a file). */
  from: string;
  /** The local folder or file (absolute), or the files of a resource volume. */
  to: string | VirtualTree;
  /** Who says so, for messages: "the path mapping /etc/pgpool2", "docker-compose.yml (service pgpool)", … */
  origin: string;
  /** How `to` is shown in messages (a path relative to the workspace, or "Secret pgpool-tls"). */
  shown: string;
  /**
   * Whether a local file's permission bits and owner are those the server sees (a bind mount or an explicit
   * mapping). A Dockerfile COPY changes the owner, and a resource's mode and owner are the kubelet's.
   */
  keepsPermissions: boolean;
  /**
   * Whether the mapping hides whatever was at `from` before (a bind mount, a volume, an explicit mapping), so that a
   * file missing locally is missing there too. A Dockerfile COPY adds files to the base image's folder instead: a file
   * it does not copy may still be there.
   */
  shadows: boolean;
}

/** The mapping a located path went through. */
export interface MappingUse {
  mapping: PathMapping;
  /** The local path (or the path below a resource mount) the written path became. */
  shown: string;
}

/**
 * A path as pgtls can see it: `seen` (check it; `stat` undefined means it does not exist), `unseen` (it exists at
 * most where the server runs: never an error), or `unresolved` (a relative path in a document that has no folder).
 */
export type Located =
  | { status: 'unresolved'; written: string }
  | {
    status: 'unseen';
    written: string;
    /** The absolute path the server opens. */
    path: string;
    /**
     * Why: no mapping and not here (`outside`); a mapping whose local target is missing (`target-missing`: made by a
     * script, ignored by git); a mapping that adds files to a folder without hiding it (`not-added`: a Dockerfile COPY,
     * the file may come from the base image); a volume with sources pgtls does not model (`not-modelled`).
     */
    reason: 'outside' | 'target-missing' | 'not-added' | 'not-modelled';
    via?: MappingUse;
  }
  | {
    status: 'seen';
    written: string;
    /** The local path to stat and read (for a resource's key: the deployment path). */
    path: string;
    via?: MappingUse;
    /** The file's metadata; `undefined` when it does not exist. */
    stat: FileStat | undefined;
    /** Whether `stat`'s mode and owner are what the server sees (false for a resource's key or a copied file). */
    permissionsKnown: boolean;
    /** The text (the disk, an open buffer, or the resource's value); `undefined` when unreadable. */
    read(): string | undefined;
  };

// ---------------------------------------------------------------------------------------------------------------
// Paths: POSIX and Windows spellings, compared segment by segment.

interface Split {
  /** `/`, a drive (`C:`, upper case), or `//` for a UNC path. */
  root: string;
  parts: string[];
  windows: boolean;
}

/** Whether `p` is absolute: `/…`, `C:\…`, `C:/…` or `\\server\…`. */
export function isAbsolutePath(p: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p);
}

function split(p: string): Split | undefined {
  const drive = /^([A-Za-z]):[\\/]/.exec(p);
  const windows = !!drive || p.startsWith('\\\\');
  if (!windows && !p.startsWith('/')) return undefined;
  const root = drive ? `${drive[1]!.toUpperCase()}:` : windows ? '//' : '/';
  const body = drive ? p.slice(2) : p;
  const parts: string[] = [];
  for (const seg of (windows ? body.replace(/\\/g, '/') : body).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return { root, parts, windows };
}

function join(s: Split, parts: readonly string[], sep = '/'): string {
  const all = [...s.parts, ...parts];
  if (s.root === '/') return `/${all.join('/')}`;
  if (s.root === '//') return `${sep}${sep}${all.join(sep)}`;
  return `${s.root}${sep}${all.join(sep)}`;
}

/** `p` without `.`, `..` and repeated separators; `undefined` when it is not absolute. */
export function normalizePath(p: string): string | undefined {
  const s = split(p);
  return s && join(s, [], s.windows && !p.includes('/') ? '\\' : '/');
}

const sameSeg = (a: string, b: string, windows: boolean): boolean => a === b || (windows && a.toLowerCase() === b.toLowerCase());

/** The segments of `p` below `prefix`, or `undefined` when `p` is not `prefix` or below it. */
function below(p: Split, prefix: Split): string[] | undefined {
  if (p.root !== prefix.root || p.parts.length < prefix.parts.length) return undefined;
  for (let i = 0; i < prefix.parts.length; i++) if (!sameSeg(p.parts[i]!, prefix.parts[i]!, p.windows)) return undefined;
  return p.parts.slice(prefix.parts.length);
}

/** Whether the absolute path `p` is `folder` or inside it. */
export function isInside(p: string, folder: string): boolean {
  const a = split(p), b = split(folder);
  return !!a && !!b && below(a, b) !== undefined;
}

/** `rel` (relative, or absolute: then as is) against the absolute folder `dir`, normalised; the separator of `dir`. */
export function joinPath(dir: string, rel: string): string {
  if (isAbsolutePath(rel)) return normalizePath(rel) ?? rel;
  const s = split(dir);
  if (!s) return `${dir.replace(/[\\/]+$/, '')}/${rel}`;
  const sep = s.windows && !dir.includes('/') ? '\\' : '/';
  return normalizePath(join(s, rel.split(/[\\/]/), sep)) ?? rel;
}

/** The folder of an absolute path (the root for a root). */
export function dirName(p: string): string {
  const s = split(p);
  if (!s) {
    const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
    return i <= 0 ? p.slice(0, i + 1) : p.slice(0, i);
  }
  return join({ ...s, parts: s.parts.slice(0, -1) }, [], s.windows && !p.includes('/') ? '\\' : '/');
}

/** The last segment of a path. */
export function baseName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

/** `p` for messages: `./x/y` when inside one of `roots` (the innermost), else as is. */
export function displayPath(p: string, roots: readonly string[]): string {
  const s = split(p);
  if (!s) return p;
  let best: string[] | undefined;
  for (const r of roots) {
    const rs = split(r);
    const rest = rs && below(s, rs);
    if (rest && (!best || rest.length < best.length)) best = rest;
  }
  return best ? (best.length ? `./${best.join('/')}` : '.') : p;
}

/** The workspace folders the environment knows (none when it knows none). */
export function workspaceRoots(env: Pick<ServiceEnv, 'roots'>): readonly string[] {
  try {
    return (env.roots?.() ?? []).filter(isAbsolutePath);
  } catch {
    return [];
  }
}

/** The innermost workspace folder holding `p`. */
export function rootOf(p: string, roots: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const r of roots) if (isInside(p, r) && (!best || r.length > best.length)) best = r;
  return best;
}

// ---------------------------------------------------------------------------------------------------------------
// Mappings

/**
 * The explicit mappings of `pgtls.pathMappings` / `--path-map` for a configuration at `docPath`: FROM must be
 * absolute; TO may be absolute, start with `${workspaceFolder}`, or be relative to the workspace folder holding the
 * configuration (the first folder, else the configuration's own folder). Entries that are not so are skipped.
 */
export function explicitMappings(raw: Readonly<Record<string, string>> | undefined, docPath: string, roots: readonly string[]): PathMapping[] {
  const out: PathMapping[] = [];
  if (!raw || typeof raw !== 'object') return out;
  const base = rootOf(docPath, roots) ?? roots[0] ?? (isAbsolutePath(docPath) ? dirName(docPath) : undefined);
  for (const [from, to] of Object.entries(raw)) {
    if (typeof to !== 'string' || !isAbsolutePath(from) || to.trim() === '') continue;
    let target = to;
    if (target.includes('${workspaceFolder}')) {
      if (!base) continue;
      target = target.split('${workspaceFolder}').join(base.replace(/[\\/]+$/, ''));
    }
    if (!isAbsolutePath(target)) {
      if (!base) continue;
      target = joinPath(base, target);
    }
    const f = normalizePath(from)!;
    const t = normalizePath(target) ?? target;
    out.push({ from: f, to: t, origin: `the path mapping ${f}`, shown: displayPath(t, roots), keepsPermissions: true, shadows: true });
  }
  return out;
}

/** The mapping that applies to `path`: the longest `from` that is `path` or a folder above it; the first of equals. */
export function matchMapping(path: string, mappings: readonly PathMapping[]): { mapping: PathMapping; rest: string[] } | undefined {
  const p = split(path);
  if (!p) return undefined;
  let best: { mapping: PathMapping; rest: string[]; depth: number } | undefined;
  for (const m of mappings) {
    const f = split(m.from);
    const rest = f && below(p, f);
    if (rest && (!best || f.parts.length > best.depth)) best = { mapping: m, rest, depth: f.parts.length };
  }
  return best && { mapping: best.mapping, rest: best.rest };
}

export interface LocateOptions {
  /** The folder a relative path starts at (the configuration's); `undefined` for a document with no folder. */
  baseDir: string | undefined;
  /** Explicit mappings first, then automatic ones (the order breaks ties between equally long prefixes). */
  mappings: readonly PathMapping[];
  roots: readonly string[];
  env: Pick<ServiceEnv, 'stat' | 'readText'>;
}

const seenOnDisk = (written: string, path: string, env: LocateOptions['env'], via?: MappingUse, permissionsKnown = true): Located => ({
  status: 'seen', written, path, stat: env.stat(path), permissionsKnown, read: () => env.readText(path), ...(via ? { via } : {}),
});

/** Where `written` (a path as a configuration writes it) is, for pgtls. */
export function locatePath(written: string, o: LocateOptions): Located {
  // Unmapped paths are handed to the file system as the server would (not normalised: `missing/../x` fails there too).
  if (!isAbsolutePath(written)) {
    if (!o.baseDir || !isAbsolutePath(o.baseDir)) return { status: 'unresolved', written };
    const sep = /[\\/]$/.test(o.baseDir) ? '' : '/';
    return seenOnDisk(written, `${o.baseDir}${sep}${written}`, o.env);
  }
  const hit = matchMapping(written, o.mappings);
  if (hit) return throughMapping(written, normalizePath(written) ?? written, hit.mapping, hit.rest, o);
  if (o.roots.some(r => isInside(written, r))) return seenOnDisk(written, written, o.env);
  const st = o.env.stat(written);
  if (st) return { status: 'seen', written, path: written, stat: st, permissionsKnown: true, read: () => o.env.readText(written) };
  return { status: 'unseen', reason: 'outside', written, path: written };
}

function throughMapping(written: string, path: string, m: PathMapping, rest: string[], o: LocateOptions): Located {
  const relative = rest.join('/');
  if (typeof m.to !== 'string') {
    const via: MappingUse = { mapping: m, shown: relative ? `${relative} of ${m.shown}` : m.shown };
    const file = m.to.files.get(relative);
    if (file) {
      return { status: 'seen', written, path, via, stat: { isFile: true, mode: 0o644, uid: 0 }, permissionsKnown: false, read: () => file.text };
    }
    const folder = relative === '' || [...m.to.files.keys()].some(k => k.startsWith(`${relative}/`));
    if (folder) return { status: 'seen', written, path, via, stat: { isFile: false, mode: 0o755, uid: 0 }, permissionsKnown: false, read: () => undefined };
    if (!m.to.complete) return { status: 'unseen', reason: 'not-modelled', written, path, via };
    return { status: 'seen', written, path, via, stat: undefined, permissionsKnown: false, read: () => undefined };
  }
  const to = normalizePath(m.to) ?? m.to;
  const local = relative ? joinPath(to, relative) : to;
  const via: MappingUse = { mapping: m, shown: displayPath(local, o.roots) };
  // A mapping whose own target is missing (certificates made by a script, ignored by git) says nothing certain.
  if (!o.env.stat(to)) return { status: 'unseen', reason: 'target-missing', written, path, via };
  const found = seenOnDisk(written, local, o.env, via, m.keepsPermissions);
  return found.status === 'seen' && !found.stat && !m.shadows ? { status: 'unseen', reason: 'not-added', written, path, via } : found;
}

/**
 * Where the local file `local` is in the deployment, when the mappings say so without doubt (one deployment path);
 * `undefined` otherwise. Resource mappings are not reversed: their files are not on the disk.
 */
export function deployPathOf(local: string, mappings: readonly PathMapping[]): string | undefined {
  const l = split(local);
  if (!l) return undefined;
  const found = new Set<string>();
  for (const m of mappings) {
    if (typeof m.to !== 'string') continue;
    const t = split(m.to);
    const rest = t && below(l, t);
    if (!rest) continue;
    const f = split(m.from);
    if (f) found.add(join(f, rest));
  }
  return found.size === 1 ? [...found][0] : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

/** A located path for messages: `` `/etc/pgpool2/certs/server.crt` (mapped to ./certs/server.crt by docker-compose.yml) ``. */
export function describeLocated(loc: Located, quote: (s: string) => string = s => `\`${s}\``): string {
  if (loc.status === 'unresolved') return quote(shortenPath(loc.written));
  // A relative path as written (the folder it is read from is the configuration's, which the diagnostic names), an
  // absolute one without `.`/`..` segments: never the long joined path at the head of a message.
  if (!loc.via) return quote(shortenPath(isAbsolutePath(loc.written) ? normalizePath(loc.written) ?? loc.written : loc.written));
  return `${quote(shortenPath(loc.written))} (mapped to ${loc.via.shown} by ${loc.via.mapping.origin})`;
}

/** The longest path a message shows whole. */
const SHOWN_PATH_MAX = 60;

/**
 * A path for the text of a message: whole when short, else its last folders and the file name after `…/`, so that the
 * name that tells files apart stays visible when an editor cuts a long message (the diagnostic's range shows the whole
 * path). Cuts only at separators; a file name longer than the limit is kept whole.
 */
export function shortenPath(p: string, max = SHOWN_PATH_MAX): string {
  if (p.length <= max) return p;
  const sep = p.includes('/') ? '/' : '\\';
  const parts = p.split(sep);
  let out = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i > 0; i--) {
    const next = `${parts[i]}${sep}${out}`;
    if (next.length + 2 > max) break;
    out = next;
  }
  return out === p ? p : `…${sep}${out}`;
}

/** What to do about a path pgtls cannot see, ending the note of `pgtls/path-not-checked`. */
export function notCheckedMessage(loc: Extract<Located, { status: 'unseen' }>, what: string): string {
  const folder = dirName(loc.path);
  const local = `./${baseName(folder) || 'deploy'}`;
  const how = `map it to a local folder with the \`pgtls.pathMappings\` setting (e.g. { "${folder}": "${local}" }) or \`pgtls check --path-map ${folder}=${local}\``;
  const m = loc.via?.mapping;
  if (m && loc.reason === 'target-missing') {
    return `${what}${describeLocated(loc)}: ${m.shown} is not here (made by a script, or ignored by git?), so pgtls cannot check this file; create it, or ${how}.`;
  }
  if (m && loc.reason === 'not-added') {
    return `${what}${describeLocated(loc)} is not among the files ${m.origin} copies, and the image may have it from its base or make it at start, so pgtls cannot check it; to have it checked, ${how}.`;
  }
  if (m) {
    return `${what}${describeLocated(loc)} is not among the files pgtls knows in that volume (it has sources pgtls does not read), so pgtls cannot check it; to have it checked, ${how}.`;
  }
  return `${what}\`${loc.path}\` is outside the workspace and does not exist on this machine, so pgtls cannot check it (it is most likely a path where the server runs, e.g. in its container); to have it checked, ${how}.`;
}
