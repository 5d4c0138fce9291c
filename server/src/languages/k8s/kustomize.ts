/**
 * What a kustomization file says about the files beside it: which of them are patches (merged into a resource of a
 * base, so they carry only the fields they change) and which are whole resources. Pure: it is handed the text and
 * the path of one kustomization file and never reads another; patches.ts finds the kustomization files.
 *
 * The fields, as kustomize's `Kustomization` type has them (sigs.k8s.io/kustomize api/types/kustomization.go):
 * `patches[].path` (a strategic-merge patch or a JSON 6902 operations file; kustomize tells them apart by content),
 * `patchesStrategicMerge[]` (each entry a relative path or an inline patch), `patchesJson6902[].path` (operations,
 * never a resource), `resources[]` and the deprecated `bases[]` (files or folders), `components[]` (folders holding a
 * `kind: Component` kustomization, whose own `patches` are listed by that file). Remote references (URLs,
 * `github.com/…`) are left out: pgtls cannot see them.
 */
import { parseDocument } from 'yaml';

/** The names kustomize looks for in a folder (konfig.RecognizedKustomizationFileNames). */
export const KUSTOMIZATION_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** How a kustomization uses a file it names. */
export type KustomizeUse = 'patch' | 'json6902' | 'resource' | 'component';

export interface KustomizeRef {
  /** The path, resolved against the kustomization's folder (same separators as the kustomization's path). */
  path: string;
  use: KustomizeUse;
}

/** Entries read from one kustomization, at most this many (a real one lists a few dozen). */
const MAX_REFS = 1000;

const baseName = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/** Whether `path` names a kustomization file (by its name, as kustomize finds one in a folder). */
export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION_NAMES.includes(baseName(path));
}

/**
 * `rel` (a kustomization entry) resolved against `dir`, with `.` and `..` segments folded; `undefined` for a remote
 * reference or an absolute path (kustomize refuses those outside its root, and they are not the user's files here).
 */
export function resolveEntry(dir: string, rel: string): string | undefined {
  const r = rel.trim();
  if (!r || /^[a-z][a-z0-9+.-]*:\/\//i.test(r) || /^(?:github\.com|gitlab\.com|bitbucket\.org)\//.test(r) || r.startsWith('git@')) return undefined;
  if (r.startsWith('/') || /^[A-Za-z]:[\\/]/.test(r)) return undefined;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  const drive = /^[A-Za-z]:/.exec(dir)?.[0] ?? '';
  const absolute = dir.slice(drive.length).startsWith('/') || dir.slice(drive.length).startsWith('\\');
  const parts = dir.slice(drive.length).split(/[\\/]/).filter(s => s && s !== '.');
  for (const seg of r.split(/[\\/]/)) {
    if (!seg || seg === '.') continue;
    if (seg === '..') {
      if (parts.length && parts[parts.length - 1] !== '..') parts.pop();
      else if (!absolute) parts.push('..');
    } else parts.push(seg);
  }
  return `${drive}${absolute ? sep : ''}${parts.join(sep)}` || '.';
}

const dirOf = (p: string): string => {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? '.' : i === 0 ? p.slice(0, 1) : p.slice(0, i);
};

/**
 * The files a kustomization names and how it uses them, in its order. Bad input (not YAML, not a map, wrong types)
 * gives the entries that could be read, never an exception.
 */
export function kustomizationRefs(text: string, path: string): KustomizeRef[] {
  let data: unknown;
  try {
    const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length) return [];
    data = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return [];
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  const k = data as Record<string, unknown>;
  const dir = dirOf(path);
  const out: KustomizeRef[] = [];
  const add = (entry: unknown, use: KustomizeUse) => {
    if (typeof entry !== 'string' || out.length >= MAX_REFS) return;
    // An inline patch (patchesStrategicMerge allows one) is YAML text, not a path.
    if (entry.includes('\n') || /:\s/.test(entry)) return;
    const p = resolveEntry(dir, entry);
    if (p !== undefined) out.push({ path: p, use });
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const pathOf = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).path : undefined);
  for (const e of list(k.resources)) add(e, 'resource');
  for (const e of list(k.bases)) add(e, 'resource');
  for (const e of list(k.components)) add(e, 'component');
  for (const e of list(k.patches)) add(pathOf(e), 'patch');
  for (const e of list(k.patchesStrategicMerge)) add(e, 'patch');
  for (const e of list(k.patchesJson6902)) add(pathOf(e), 'json6902');
  return out;
}
