/**
 * Where the certificate commands write, and what they say afterwards, as plain functions (no VS Code API, so unit
 * tests run them): the folder choices of each command given the CAs the workspace already has, the default a command
 * argument without a folder gets, and the short notification text of a summary.
 *
 * The rule: "Create CA…" and the leaf commands ("Create Server/Client/Replication Certificate…") default to the same
 * folder, `certs/pgtls/`; a leaf command issues from a CA the workspace already has (offered first, or asked about
 * when there are several) and never makes a second CA next to an existing one without the user picking that.
 */
import * as path from 'node:path';
import type { CertCommandKind, CertCreateSummary, TlsFilePaths } from '../../../server/src/protocol';

/** The folder (under the workspace folder) every command but a resource's set defaults to. */
export const DEFAULT_FOLDER_NAME = 'pgtls';

export const isLeafKind = (kind: CertCommandKind): boolean => kind === 'server' || kind === 'client' || kind === 'replication';

/** One entry of the "where to write" question. */
export interface FolderChoice {
  label: string;
  description: string;
  detail?: string;
  /** Absolute output folder. */
  folder: string;
  /** Absolute folder of the existing CA that issues the certificates, when it is not `folder` itself. */
  caFolder?: string;
}

/** `certs/pgtls/` for a folder under the workspace root, else the absolute path; always with a trailing separator. */
export function shownFolder(root: string | undefined, folder: string): string {
  const rel = root ? path.relative(root, folder) : '';
  const shown = root && rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : root && !rel ? '.' : folder;
  return shown.endsWith(path.sep) ? shown : shown + path.sep;
}

/** The CA folders in a stable order: the command's own default folder first, then by path. */
function orderCas(caDirs: readonly string[], preferred: string): string[] {
  return [...new Set(caDirs.map(d => path.resolve(d)))].sort((a, b) => Number(b === preferred) - Number(a === preferred) || a.localeCompare(b));
}

/**
 * The answers the folder question offers, the default first. `caDirs`: the folders of the workspace that hold both
 * ca.crt and ca.key. `name`: the folder name under `certs/` (the resource's name for a set, else `pgtls`).
 */
export function folderChoices(kind: CertCommandKind, root: string, caDirs: readonly string[], name: string): FolderChoice[] {
  const own = path.join(root, 'certs', name);
  const keys = 'Keys 0600 in a 0700 folder, with a .gitignore for *.key';
  if (!isLeafKind(kind)) {
    return [{ label: shownFolder(root, own), description: 'in the workspace (default)', detail: keys, folder: own }];
  }
  const cas = orderCas(caDirs, own);
  const out: FolderChoice[] = cas.map((dir, i) => ({
    label: shownFolder(root, dir),
    description: `${i === 0 ? 'default: ' : ''}issued by the CA in this folder`,
    detail: 'Uses its ca.crt and ca.key; no new CA is made',
    folder: dir,
  }));
  if (!cas.includes(own)) {
    out.push({
      label: shownFolder(root, own),
      description: cas.length ? 'makes a new, separate CA there' : 'default: a new CA is made there too',
      detail: cas.length ? 'Certificates from this CA are not trusted by the CA above' : keys,
      folder: own,
    });
  }
  return out;
}

/**
 * For a folder the user chose by hand: how the certificates are issued. A folder with its own CA uses it; without one,
 * and with no CA in the workspace, a CA is made there; otherwise the user must say (`ask` lists the CAs and "new CA").
 */
export function caChoicesFor(root: string | undefined, folder: string, folderHasCa: boolean, caDirs: readonly string[]): FolderChoice[] | 'own' | 'new' {
  if (folderHasCa) return 'own';
  const cas = orderCas(caDirs, path.resolve(folder));
  if (!cas.length) return 'new';
  return [
    ...cas.map(dir => ({ label: `Issue from the CA in ${shownFolder(root, dir)}`, description: 'ca.crt and ca.key are only read', folder, caFolder: dir })),
    { label: `Make a new CA in ${shownFolder(root, folder)}`, description: 'a second, separate CA', folder },
  ];
}

/**
 * The output folder (and CA folder) of a command argument without a folder: the interactive default. Throws when a
 * leaf command cannot tell which of several CAs to use.
 */
export function defaultTarget(kind: CertCommandKind, root: string, caDirs: readonly string[], name: string): { folder: string; caFolder?: string } {
  const own = path.join(root, 'certs', name);
  if (!isLeafKind(kind)) return { folder: own };
  const cas = orderCas(caDirs, own);
  if (cas.length <= 1 || cas[0] === own) return { folder: cas[0] ?? own };
  throw new Error(`the workspace has ${cas.length} CAs (${cas.map(d => shownFolder(root, d)).join(', ')}): say which with "folder" (or "caFolder")`);
}

/** The configurations the create commands offer to point at their files (their usual names). */
export const CONFIG_NAMES = ['postgresql.conf', 'pgpool.conf', 'pgbouncer.ini'] as const;

/**
 * The configurations next to an output folder: those of the nearest folder, from the output folder up to the
 * workspace folder (`root`), that holds any of CONFIG_NAMES (none when the output folder is outside the workspace and
 * has none itself).
 */
export function configsNear(dir: string, root: string | undefined, exists: (file: string) => boolean): string[] {
  let at = path.resolve(dir);
  const top = root ? path.resolve(root) : at;
  for (;;) {
    const found = CONFIG_NAMES.map(n => path.join(at, n)).filter(exists);
    if (found.length) return found;
    const rel = path.relative(top, at);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return [];
    at = path.dirname(at);
  }
}

/** The files of a summary a configuration names: the server certificate, its key and the CA that issued it; or a new CA alone. */
export function filesOf(s: CertCreateSummary): TlsFilePaths | undefined {
  const by = (role: string) => s.files.find(f => f.role === role)?.path;
  const cert = by('server certificate'), key = by('server certificate private key');
  const ca = by('CA certificate') ?? (s.caDir ? path.join(s.caDir, 'ca.crt') : undefined);
  if (cert && key) return { cert, key, ...(ca ? { ca } : {}) };
  const leaves = s.files.some(f => f.kind === 'certificate' && f.role !== 'CA certificate');
  return ca && !leaves ? { ca } : undefined;
}

const list = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/**
 * The notification after a create command: what was made and where (relative to the workspace), one sentence or
 * two; the full summary (every SAN, paths, validity, warnings) goes to the output channel behind "Show Details".
 */
export function notificationText(s: CertCreateSummary, root: string | undefined, resourcePatched?: boolean): string {
  const where = shownFolder(root, s.dir);
  const certs = s.files.filter(f => f.kind === 'certificate').map(f => f.name);
  const manifest = s.files.find(f => f.kind === 'manifest');
  const made = s.resource
    ? `Created the TLS set for the ${s.resource.kind} ${s.resource.name} in ${where} (${list([...certs, ...(manifest ? [manifest.name] : [])])}).`
    : `Created ${list(certs.length ? certs : s.files.map(f => f.name))} in ${where}${certs.length === 1 ? ' with its key' : certs.length ? ' with their keys' : ''}.`;
  const parts = [made];
  if (s.caDir) parts.push(s.caDir === s.dir ? 'Issued by the CA in that folder.' : `Issued by the CA in ${shownFolder(root, s.caDir)}.`);
  if (resourcePatched && s.resource) parts.push(`${s.resource.name} now references them (unsaved edit).`);
  if (s.warnings.length) parts.push(`${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'}: see the details.`);
  return parts.join(' ');
}

/** The details the output channel shows: the server's summary message, then one line per file. */
export function detailLines(s: CertCreateSummary, root: string | undefined): string[] {
  const lines = [s.message];
  for (const f of s.files) {
    const facts = [f.role, `mode ${f.mode}`];
    if (f.subject) facts.push(f.subject);
    if (f.sans?.length) facts.push(`SANs ${f.sans.join(', ')}`);
    if (f.notAfter) facts.push(`valid until ${f.notAfter.slice(0, 10)}`);
    lines.push(`  ${shownFolder(root, s.dir)}${f.name}: ${facts.join('; ')}`);
  }
  return lines;
}
