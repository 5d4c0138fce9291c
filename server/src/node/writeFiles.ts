/**
 * The one place that writes private keys (STYLE.md: "Keys are written by Node fs"): a 0700 folder, keys 0600 and
 * certificates 0644, each file written to a temporary file in the same folder (O_CREAT|O_EXCL), fsynced and then
 * moved into place, so a reader never sees half a key and a crash leaves no partial file. Without `force` nothing is
 * written when any target exists; with `force` targets are replaced atomically. Messages name paths, never contents.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileReadError, formatBytes, kindOf, readRegularFile } from './readFiles';

export interface FileToWrite {
  /** A plain file name inside the folder (no separators). */
  name: string;
  contents: string | Uint8Array;
  /** Private key material: mode 0600 (else 0644). */
  secret: boolean;
}

export interface WriteOptions {
  /** Replace existing files (atomically). Without it, any existing target refuses the whole write. */
  force?: boolean;
  /** Keep `*.key` and `*.pk8` out of git with a `.gitignore` in the folder (default true). */
  gitignore?: boolean;
  /**
   * More files to keep out of git (e.g. a manifest that embeds keys): plain file names, written to `.gitignore`
   * escaped as literal names (`*`, `?`, `[`, `\\`, a leading `#` or `!`, trailing blanks).
   */
  ignore?: readonly string[];
}

export interface WrittenFile {
  name: string;
  path: string;
  mode: number;
  secret: boolean;
  /** An existing file was replaced (only with `force`). */
  replaced: boolean;
}

export interface WriteResult {
  dir: string;
  /** The folder did not exist and was created 0700. */
  createdDir: boolean;
  files: WrittenFile[];
  /** `refused`: the `.gitignore` is a link or not a regular file; a warning says which lines to add by hand. */
  gitignore: 'created' | 'appended' | 'unchanged' | 'skipped' | 'refused';
  /** Things the caller should show the user (a folder others can read ...). */
  warnings: string[];
}

/** Refusal to overwrite: `existing` lists the targets that are already there. Nothing was written. */
export class ExistingFilesError extends Error {
  override readonly name = 'ExistingFilesError';
  constructor(readonly existing: string[]) {
    super(`refusing to overwrite existing file${existing.length === 1 ? '' : 's'}: ${existing.join(', ')}`);
  }
}

/** Bad input to the writer itself (a file name with a separator, a target that is a folder ...). */
export class WriteFilesError extends Error {
  override readonly name = 'WriteFilesError';
}

export const SECRET_MODE = 0o600;
export const PUBLIC_MODE = 0o644;
export const DIR_MODE = 0o700;
export const GITIGNORE_LINES = ['*.key', '*.pk8'] as const;
const IS_WINDOWS = process.platform === 'win32';

/** Writes `files` into `dir` as described in the module comment; resolves with what was done. */
export async function writeCertFiles(dir: string, files: readonly FileToWrite[], opts: WriteOptions = {}): Promise<WriteResult> {
  const names = new Set<string>();
  for (const f of files) {
    if (!f.name || f.name !== path.basename(f.name) || f.name === '.' || f.name === '..' || /[/\\\0]/.test(f.name)) {
      throw new WriteFilesError(`not a plain file name: ${JSON.stringify(f.name)}`);
    }
    // A line break in a name would end its .gitignore line (and the rest would be a pattern of its own).
    if (CONTROL.test(f.name)) throw new WriteFilesError(`not a plain file name: ${JSON.stringify(f.name)} has a line break or another control character`);
    if (names.has(f.name)) throw new WriteFilesError(`file name given twice: ${f.name}`);
    if (f.name === '.gitignore') throw new WriteFilesError('.gitignore is managed by the writer');
    names.add(f.name);
  }
  const ignore = (opts.ignore ?? []).map(gitignoreLiteral);
  const abs = path.resolve(dir);
  const warnings: string[] = [];
  const createdDir = await ensurePrivateDir(abs, warnings);

  // Check every target before writing any, so a refusal leaves the folder exactly as it was.
  const existing: string[] = [];
  for (const f of files) {
    const st = await lstatOrUndefined(path.join(abs, f.name));
    if (!st) continue;
    if (st.isDirectory()) throw new WriteFilesError(`${path.join(abs, f.name)} is a folder`);
    existing.push(path.join(abs, f.name));
  }
  if (existing.length && !opts.force) throw new ExistingFilesError(existing);

  // Stage every file first: a failure while writing (disk full ...) then leaves no target touched.
  const staged: { file: FileToWrite; tmp: string; target: string; mode: number }[] = [];
  const results: WrittenFile[] = [];
  try {
    for (const file of files) {
      const mode = file.secret ? SECRET_MODE : PUBLIC_MODE;
      const tmp = path.join(abs, `.${file.name}.${randomBytes(6).toString('hex')}.tmp`);
      staged.push({ file, tmp, target: path.join(abs, file.name), mode });
      await writeNewFile(tmp, file.contents, mode);
    }
    for (const s of staged) {
      const replaced = existing.includes(s.target);
      await placeFile(s.tmp, s.target, replaced);
      results.push({ name: s.file.name, path: s.target, mode: s.mode, secret: s.file.secret, replaced });
    }
  } catch (e) {
    await Promise.all(staged.map(s => fs.promises.rm(s.tmp, { force: true }).catch(() => undefined)));
    if (e instanceof ExistingFilesError || e instanceof WriteFilesError) throw e;
    const done = results.length ? ` (already in place: ${results.map(r => r.name).join(', ')})` : '';
    throw new WriteFilesError(`could not write into ${abs}: ${describeFsError(e)}${done}`);
  }
  await syncDir(abs);

  const gitignore = opts.gitignore === false ? 'skipped' : await ensureGitignore(abs, [...GITIGNORE_LINES, ...ignore], warnings);
  return { dir: abs, createdDir, files: results, gitignore, warnings };
}

/** Creates `dir` 0700 (with missing parents), or checks an existing one; returns whether it was created. */
async function ensurePrivateDir(dir: string, warnings: string[]): Promise<boolean> {
  // The nearest folder that exists: where the file system is judged before anything is created.
  const missing: string[] = [];
  let existing = dir;
  let st = await statOrUndefined(existing);
  while (!st) {
    missing.unshift(existing);
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
    st = await statOrUndefined(existing);
  }
  if (!st) throw new WriteFilesError(`cannot create ${dir}: no folder on its path exists`);
  if (!st.isDirectory()) throw new WriteFilesError(`${existing} exists and is not a folder`);
  await refuseSpecialFolder(existing, dir);
  if (missing.length) {
    // One level at a time: Node's recursive mkdir loops for ever where mkdir fails with ENOENT (under /proc).
    for (const d of missing) {
      try {
        await fs.promises.mkdir(d, { mode: DIR_MODE });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST' && (await statOrUndefined(d))?.isDirectory()) continue;
        throw new WriteFilesError(`could not create the folder ${d}: ${describeFsError(e)}`);
      }
    }
    // mkdir's mode passes through the umask; set it exactly.
    if (!IS_WINDOWS) await fs.promises.chmod(dir, DIR_MODE);
    return true;
  }
  if (!IS_WINDOWS) {
    try {
      await fs.promises.access(dir, fs.constants.W_OK | fs.constants.X_OK);
    } catch (e) {
      throw new WriteFilesError(`cannot write into ${dir}: ${describeFsError(e)}; choose a folder of your own`);
    }
  }
  if (IS_WINDOWS) return false;
  const mode = st.mode & 0o777;
  if ((mode & 0o077) === 0) return false;
  // An empty folder is as good as new; a populated one is the user's, and its mode may be deliberate (a shared
  // config folder), so only say what the risk is.
  const entries = await fs.promises.readdir(dir);
  if (entries.length === 0) {
    await fs.promises.chmod(dir, DIR_MODE);
    st = await fs.promises.stat(dir);
    if ((st.mode & 0o077) === 0) return false;
  }
  warnings.push(`${dir} is accessible to group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); the keys are 0600, but consider "chmod 700 ${dir}"`);
  return false;
}

/** C0 control characters and DEL: never part of a name pgtls writes. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Kernel and pseudo file systems (statfs(2) magic numbers): not storage, and some make ordinary calls misbehave
 * (mkdir under /proc fails with ENOENT, on which Node's recursive mkdir loops for ever).
 */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x1cd1, 'devpts'], [0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'], [0x74726163, 'tracefs'], [0x73636673, 'securityfs'], [0xcafe4a11, 'bpf'], [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'], [0xde5e81e4, 'efivarfs'], [0x42494e4d, 'binfmt_misc'], [0x65735543, 'fusectl'], [0x19800202, 'mqueue'],
]);

/**
 * Refuses an output folder on a kernel interface (/proc, /sys, /dev but /dev/shm, or any pseudo file system by its
 * statfs type): pgtls writes keys only into ordinary folders. `existing` is the nearest existing folder of `dir`.
 */
async function refuseSpecialFolder(existing: string, dir: string): Promise<void> {
  if (IS_WINDOWS) return;
  let real = existing;
  try {
    real = await fs.promises.realpath(existing);
  } catch {
    // judged by its name
  }
  const under = (root: string) => real === root || real.startsWith(`${root}/`);
  let fsName = under('/proc') ? 'proc' : under('/sys') ? 'sysfs' : under('/dev') && !under('/dev/shm') ? 'devtmpfs' : undefined;
  if (!fsName && typeof fs.promises.statfs === 'function') {
    try {
      fsName = PSEUDO_FILE_SYSTEMS.get(Number((await fs.promises.statfs(existing)).type));
    } catch {
      // no statfs here: the names above decide
    }
  }
  if (fsName) throw new WriteFilesError(`${dir} is on the ${fsName} file system (a kernel interface, not storage); choose an ordinary folder for certificates and keys`);
}

/**
 * A file name as a `.gitignore` line that matches that name only: glob characters, a leading `#` or `!` and trailing
 * blanks escaped with a backslash (gitignore(5)). A name with a line break cannot be a line: refused.
 */
export function gitignoreLiteral(name: string): string {
  if (CONTROL.test(name) || name.includes('/')) throw new WriteFilesError(`cannot list ${JSON.stringify(name)} in .gitignore: not a plain file name`);
  let line = name.replace(/[*?[\\]/g, c => `\\${c}`);
  if (/^[#!]/.test(line)) line = `\\${line}`;
  return line.replace(/ +$/, blanks => blanks.replace(/ /g, '\\ '));
}

/** Creates `file` exclusively with `mode`, writes and fsyncs it. */
async function writeNewFile(file: string, contents: string | Uint8Array, mode: number): Promise<void> {
  const { O_CREAT, O_EXCL, O_WRONLY } = fs.constants;
  const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
  const fh = await fs.promises.open(file, O_CREAT | O_EXCL | O_WRONLY | NOFOLLOW, mode);
  try {
    // The umask may have removed bits from `mode` (a 0644 certificate under umask 027); set it exactly.
    if (!IS_WINDOWS) await fh.chmod(mode);
    await fh.writeFile(contents);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Moves a staged file into place. Replacing: rename(2), atomic. Not replacing: link(2), which fails with EEXIST if a
 * file appeared since the check, so a file created meanwhile is still never overwritten; where hard links are not
 * supported, a last check and rename.
 */
async function placeFile(tmp: string, target: string, replace: boolean): Promise<void> {
  if (replace) {
    await fs.promises.rename(tmp, target);
    return;
  }
  try {
    await fs.promises.link(tmp, target);
    await fs.promises.unlink(tmp);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ExistingFilesError([target]);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
    if (await lstatOrUndefined(target)) throw new ExistingFilesError([target]);
    await fs.promises.rename(tmp, target);
  }
}

/** The largest .gitignore pgtls reads before appending to it. */
const MAX_GITIGNORE_BYTES = 1024 * 1024;

/**
 * Adds the lines that are missing; never rewrites or reorders what the user has. A .gitignore that is a symbolic
 * link, not a regular file (a FIFO …) or too large is left alone: `refused`, and a warning names the lines to add.
 */
async function ensureGitignore(dir: string, lines: string[], warnings: string[]): Promise<WriteResult['gitignore']> {
  const file = path.join(dir, '.gitignore');
  const wanted = [...new Set(lines)];
  const refuse = (why: string): WriteResult['gitignore'] => {
    warnings.push(`${file} ${why}, so pgtls did not add to it: add these lines to the .gitignore that applies, to keep the keys out of git: ${wanted.join(' ')}`);
    return 'refused';
  };
  const st = await lstatOrUndefined(file);
  if (st && !st.isFile()) return refuse(`is ${kindOf(st)}`);
  let current: string | undefined;
  if (st) {
    try {
      current = readRegularFile(file, { maxBytes: MAX_GITIGNORE_BYTES, noFollow: true }).toString('utf8');
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      if (e.reason !== 'missing') return refuse(e.reason === 'too-large' ? `is larger than ${formatBytes(MAX_GITIGNORE_BYTES)}` : e.reason === 'not-regular' ? `is ${e.detail ?? 'not a regular file'}` : `cannot be read (${e.code ?? 'error'})`);
    }
  }
  if (current === undefined) {
    const tmp = path.join(dir, `..gitignore.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeNewFile(tmp, `# Written by pgtls: private keys stay out of version control.\n${wanted.join('\n')}\n`, PUBLIC_MODE);
      await placeFile(tmp, file, false);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      if (e instanceof ExistingFilesError) return ensureGitignore(dir, lines, warnings);
      throw new WriteFilesError(`could not write ${file}: ${describeFsError(e)}`);
    }
    return 'created';
  }
  const have = new Set(current.split(/\r?\n/).map(l => l.trim()));
  const missing = wanted.filter(l => !have.has(l));
  if (missing.length === 0) return 'unchanged';
  const sep = current.length === 0 || current.endsWith('\n') ? '' : '\n';
  // Appended through a handle that cannot be a link (O_NOFOLLOW), cannot block (O_NONBLOCK) and is checked to be a
  // regular file: the file may have been swapped since it was read.
  const { O_APPEND, O_WRONLY } = fs.constants;
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, O_WRONLY | O_APPEND | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return refuse(`cannot be opened for appending (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const now = await fh.stat();
    if (!now.isFile()) return refuse(`is ${kindOf(now)}`);
    await fh.appendFile(`${sep}${missing.join('\n')}\n`);
  } finally {
    await fh.close();
  }
  return 'appended';
}

async function syncDir(dir: string): Promise<void> {
  if (IS_WINDOWS) return;
  // Makes the renames durable; best effort, since some file systems refuse fsync on a folder.
  try {
    const fh = await fs.promises.open(dir, fs.constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // ignored on purpose
  }
}

async function statOrUndefined(p: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WriteFilesError(`cannot access ${p}: ${describeFsError(e)}`);
  }
}

async function lstatOrUndefined(p: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WriteFilesError(`cannot access ${p}: ${describeFsError(e)}`);
  }
}

/** The error code and message of an fs error; these carry paths, never file contents. */
function describeFsError(e: unknown): string {
  if (e instanceof WriteFilesError || e instanceof ExistingFilesError) return e.message;
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message}` : String((e as Error)?.message ?? e);
}
