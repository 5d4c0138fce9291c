/**
 * The requests of the server's own certificate commands (lsp/serverCommands.ts, protocol.ts SERVER_COMMANDS), planned
 * from the code action's argument without asking anything: "Generate … here" writes at the paths the configuration
 * names, "Create certificates and Secrets for this resource…" into `certs/<resource name>` under the resource's
 * workspace folder (the VS Code command's default folder). An argument that is not the code action's is refused with
 * a CertError. Names for messages are base names or workspace-relative folders, never a wall of absolute paths.
 */
import * as path from 'node:path';
import { CertError } from '../certService';
import type { CertCreateParams, GenerateTlsFilesArgs, TlsFilePaths } from '../protocol';
import { presetAt } from './certCommands';

/** The answers a client may add to the argument (as the VS Code commands' arguments take them). */
const ANSWERS = ['algorithm', 'days', 'serverName', 'sans', 'clientUser', 'caName'] as const;

/** The defaults the VS Code questions offer for a server certificate (client/src/commands/certGenerateHere.ts). */
export const DEFAULT_SERVER_NAME = 'localhost';
export const DEFAULT_SANS: readonly string[] = ['127.0.0.1'];

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function answersOf(a: Record<string, unknown>): Partial<CertCreateParams> {
  const out: Record<string, unknown> = {};
  for (const k of ANSWERS) if (a[k] !== undefined) out[k] = a[k];
  return out as Partial<CertCreateParams>;
}

/** "Generate … here": the request of the quick fix's GenerateTlsFilesArgs (plus answers a client added). */
export function generateHereParams(arg: unknown): { params: CertCreateParams; product: string | undefined } {
  if (!isObject(arg) || (arg.kind !== 'server' && arg.kind !== 'ca') || !isObject(arg.paths)) throw new CertError('this command runs from the quick fix on a missing certificate, key or CA file');
  const a = arg as unknown as GenerateTlsFilesArgs & Record<string, unknown>;
  const paths: TlsFilePaths = {};
  for (const k of ['cert', 'key', 'ca', 'caKey'] as const) {
    const v = a.paths[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !path.isAbsolute(v)) throw new CertError('the quick fix names a file that is not an absolute path');
    paths[k] = v;
  }
  const first = paths.cert ?? paths.ca;
  if (!first) throw new CertError('the quick fix names no file to generate');
  const params: CertCreateParams = { ...answersOf(a), kind: a.kind, folder: path.dirname(first), paths };
  if (a.kind === 'server') {
    params.serverName ??= DEFAULT_SERVER_NAME;
    params.sans ??= [...DEFAULT_SANS];
  }
  return { params, product: typeof a.product === 'string' ? a.product : undefined };
}

/**
 * "Create certificates and Secrets for this resource…": the `set` request for the resource at `{ uri, offset }` of
 * `text` (the document at `file`), written into `certs/<name>` under the innermost workspace folder holding the file
 * (else beside it).
 */
export function createSetParams(arg: unknown, text: string, file: string, roots: readonly string[]): { params: CertCreateParams; what: string } {
  if (!isObject(arg) || typeof arg.uri !== 'string' || typeof arg.offset !== 'number') throw new CertError('this command runs from the quick fix on a resource\'s missing Secret');
  const preset = presetAt(text, arg.offset);
  if (!preset) throw new CertError('no KubeDB Pgpool, PerconaPGCluster, CYBERTEC or Zalando postgresql or PGO PostgresCluster resource there');
  const root = roots.filter(r => isInside(file, r)).sort((x, y) => y.length - x.length)[0] ?? path.dirname(file);
  const params: CertCreateParams = { ...answersOf(arg), kind: 'set', folder: path.join(root, 'certs', preset.name), resource: { uri: arg.uri, offset: arg.offset } };
  return { params, what: `the ${preset.kind} ${preset.name}` };
}

const isInside = (p: string, dir: string): boolean => {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** A folder for a message: `certs/c1/` under a workspace folder, else the absolute path. */
export function shownFolder(dir: string, roots: readonly string[]): string {
  const root = roots.filter(r => isInside(dir, r)).sort((x, y) => y.length - x.length)[0];
  return `${root ? path.relative(root, dir) : dir}${path.sep}`;
}

/** `a`, `a and b`, `a, b and c` of the files' base names. */
export function fileNames(files: readonly string[]): string {
  const names = files.map(f => path.basename(f));
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}
