/**
 * The one way pgtls reads a file a user or a configuration names: only a regular file, and at most a size limit.
 *
 * A FIFO would block `open` (and then `read`) for ever, and a character device such as `/dev/zero` never ends, so a
 * plain `readFileSync` of such a path hangs or grows without bound. Here the path is first `stat`ed (a device or a
 * FIFO is refused without being opened, so opening has no side effect on it), then opened with `O_NONBLOCK` (an open
 * that can never block) and `fstat`ed on the handle, which is what decides: a path swapped for a FIFO between the two
 * calls is still refused. At most `maxBytes + 1` bytes are read, so a file that grows while it is read, or a kernel
 * file whose size says 0, cannot make the read unbounded.
 *
 * The limits (documented in README "The command line"):
 * - configuration files (`pgtls check`, `pgtls map`, the files the language server reads from disk): 16 MiB, the size
 *   the façade validates (`MAX_FILE_CHARS`); `pgtls check --max-file-size` changes it;
 * - certificate, key and CSR files (`--ca-cert`, `--ca-key`, `--csr`, `probe --ca/--cert/--key`, the files of
 *   `cert secrets --from` and of a set's folder): 1 MiB, a CA bundle of every public root is a fifth of it;
 * - files `pgtls inspect` reads (PEM, DER, or YAML with Secrets and kubeconfigs) and `--resource` files: 16 MiB.
 */
import * as fs from 'node:fs';

const MiB = 1024 * 1024;
/** Configuration files: what the façade validates. */
export const MAX_CONFIG_BYTES = 16 * MiB;
/** Certificates, keys and CSRs (PEM or DER). */
export const MAX_CERT_BYTES = 1 * MiB;
/** Files of `pgtls inspect` and resource files (YAML streams of Secrets, kubeconfigs, bundles). */
export const MAX_YAML_BYTES = 16 * MiB;

export type ReadFailure = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

/** Why a file was not read; the message names the path and what to do, never the contents. */
export class FileReadError extends Error {
  override readonly name = 'FileReadError';
  constructor(
    readonly reason: ReadFailure,
    readonly file: string,
    message: string,
    /** The errno code (`ENOENT`, `EACCES` …) when the system refused. */
    readonly code?: string,
    /** `not-regular`: what the path is ("a FIFO"); `too-large`: its size in bytes. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface ReadOptions {
  /** The largest file read; a larger one is refused as `too-large`. */
  maxBytes: number;
  /** How to raise the limit, appended to the too-large message (e.g. "raise it with --max-file-size"). */
  raiseHint?: string;
  /** Refuse a symbolic link instead of following it (the `.gitignore` the writer appends to). */
  noFollow?: boolean;
}

/** What a path that is not a regular file is, in words. */
export function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** `1.5 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(n: number): string {
  if (n >= MiB) return `${Number((n / MiB).toFixed(1))} MiB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KiB`;
  return `${n} byte${n === 1 ? '' : 's'}`;
}

function notRegular(file: string, st: fs.Stats): FileReadError {
  const kind = kindOf(st);
  return new FileReadError('not-regular', file, `${file} is not a regular file: it is ${kind.replace(/^not a regular file$/, 'something else')}; pgtls reads only regular files`, undefined, kind);
}

function tooLarge(file: string, size: number | undefined, opts: ReadOptions): FileReadError {
  const has = size === undefined ? 'more than' : `${formatBytes(size)}, more than`;
  return new FileReadError('too-large', file, `${file} is too large (${has} the ${formatBytes(opts.maxBytes)} pgtls reads${opts.raiseHint ? `; ${opts.raiseHint}` : ''})`, undefined, size === undefined ? undefined : String(size));
}

function systemError(file: string, e: unknown): FileReadError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileReadError('missing', file, `${file} does not exist`, code);
  if (code === 'ELOOP') return new FileReadError('not-regular', file, `${file} is a symbolic link that is not followed here (or a loop of links)`, code, 'a symbolic link');
  return new FileReadError('unreadable', file, `cannot read ${file}: ${code ?? (e instanceof Error ? e.message : String(e))}`, code);
}

const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const O_NOCTTY = fs.constants.O_NOCTTY ?? 0;
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const CHUNK = 64 * 1024;

/** The bytes of a regular file of at most `opts.maxBytes`; throws `FileReadError` otherwise. Never blocks on a FIFO. */
export function readRegularFile(file: string, opts: ReadOptions): Buffer {
  let st: fs.Stats;
  try {
    st = opts.noFollow ? fs.lstatSync(file) : fs.statSync(file);
  } catch (e) {
    throw systemError(file, e);
  }
  if (!st.isFile()) throw notRegular(file, st);
  if (st.size > opts.maxBytes) throw tooLarge(file, st.size, opts);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NONBLOCK | O_NOCTTY | (opts.noFollow ? O_NOFOLLOW : 0));
  } catch (e) {
    throw systemError(file, e);
  }
  try {
    // The handle decides: the path may have been replaced since the stat.
    const fst = fs.fstatSync(fd);
    if (!fst.isFile()) throw notRegular(file, fst);
    if (fst.size > opts.maxBytes) throw tooLarge(file, fst.size, opts);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, opts.maxBytes + 1 - total));
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw systemError(file, e);
      }
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > opts.maxBytes) throw tooLarge(file, undefined, opts);
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** `readRegularFile` as UTF-8 text. */
export function readRegularText(file: string, opts: ReadOptions): string {
  return readRegularFile(file, opts).toString('utf8');
}

/** `readRegularFile`, or `undefined` for any failure (the `ServiceEnv` contract: a file it cannot read is absent). */
export function tryReadRegularFile(file: string, opts: ReadOptions): Buffer | undefined {
  try {
    return readRegularFile(file, opts);
  } catch {
    return undefined;
  }
}

/**
 * Parses a size flag: bytes, or a number with `k`/`K`/`KiB`, `m`/`M`/`MiB`, `g`/`G`/`GiB` (binary units). `undefined` for
 * anything else or a size below 1 byte.
 */
export function parseByteSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)$/i.exec(s.trim());
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase()[0];
  const n = Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? MiB : unit === 'g' ? 1024 * MiB : 1);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;
}

/**
 * All of an open descriptor (standard input: `pgtls check -`) up to `maxBytes`, as UTF-8; `FileReadError` `too-large`
 * beyond it, so `pgtls check - < /dev/zero` stops at the limit instead of growing. A non-blocking pipe that has no
 * data yet (EAGAIN) is waited for in short sleeps.
 */
export function readDescriptorText(fd: number, name: string, opts: ReadOptions): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, opts.maxBytes + 1 - total));
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(nap, 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break; // Windows: a closed pipe
      throw systemError(name, e);
    }
    if (n === 0) break;
    chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    total += n;
    if (total > opts.maxBytes) throw tooLarge(name, undefined, opts);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** Why `readRegularFile` would refuse `file` (from `stat` alone: nothing is opened), for a message after a failed read. */
export function whyUnreadable(file: string, maxBytes: number): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : `cannot read it (${code ?? 'error'})`;
  }
  if (!st.isFile()) return `not a regular file: ${kindOf(st)}`;
  if (st.size > maxBytes) return `too large (${formatBytes(st.size)}, more than the ${formatBytes(maxBytes)} pgtls reads)`;
  return 'unreadable';
}
