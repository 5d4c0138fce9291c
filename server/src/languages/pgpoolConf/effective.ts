/**
 * The settings Pgpool-II ends up with for a pgpool.conf: its own statements with the included files' statements
 * spliced in at each `include` (Pgpool-II reads them in place, up to 10 levels deep), in file order. Used by the TLS
 * rules and by the pool_hba.conf rules that depend on pgpool.conf (`enable_pool_hba`, `ssl`, `ssl_ca_cert`), so it sits
 * beside the model rather than in check/, and index.ts exports it to other languages.
 */
import type { ValidateContext } from '../../core/language';
import type { SourceDocument } from '../../core/types';
import type { PathLocator } from '../../deploy';
import { type Assignment, type Include, type PgpoolConfFile, boolOf, dirOf } from './model';
import { parsePgpoolConf } from './parse';

/** An effective setting: an assignment, possibly from an included file. */
export interface Setting {
  a: Assignment;
  /** The `include` statement of the top file that brought the setting in, and the file it names. */
  via?: { include: Include; path: string };
  /** The file the assignment is written in. */
  path: string;
}

/** Whether a path is absolute (POSIX, or a Windows drive path). */
export const isAbsolute = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

/** A path as Pgpool-II resolves an include or a TLS file: absolute as is, else `<conf dir>/<value>`. */
export function resolveConfPath(confDir: string, value: string): string {
  if (isAbsolute(value)) return value;
  return confDir.endsWith('/') || confDir.endsWith('\\') ? `${confDir}${value}` : `${confDir}/${value}`;
}

/**
 * Every assignment of `file` (at `path`) and of the files it includes, in the order Pgpool-II applies them. With a
 * `locator`, an absolute include goes through the path mappings (a file in the container read from the workspace, or
 * from a mounted ConfigMap); without one, it is read where it is written.
 */
export function effectiveSettings(path: string, file: PgpoolConfFile, parseSibling: ValidateContext['parseSibling'], locator?: PathLocator): Setting[] {
  const out: Setting[] = [];
  const visit = (f: PgpoolConfFile, fpath: string, via: Setting['via'], depth: number, seen: Set<string>): void => {
    const incs = [...(f.includes ?? [])].sort((x, y) => x.keySpan[0] - y.keySpan[0]);
    let k = 0;
    for (const a of f.assignments) {
      while (k < incs.length && incs[k]!.keySpan[0] < a.keySpan[0]) expand(incs[k++]!);
      out.push(via ? { a, via, path: fpath } : { a, path: fpath });
    }
    while (k < incs.length) expand(incs[k++]!);

    function expand(inc: Include): void {
      if (depth >= 10 || inc.missingValue || inc.value === '') return;
      const found = openIncluded(inc.value, dirOf(fpath), parseSibling, locator);
      if (!found || seen.has(found.target)) return;
      const { target, sib } = found;
      visit(sib.file, target, via ?? { include: inc, path: target }, depth + 1, new Set([...seen, target]));
    }
  };
  visit(file, path, undefined, 0, new Set([path]));
  return out;
}

/**
 * The file an `include` names, parsed, with the path it was read at (resolved against `dir`, the including file's
 * folder): through the locator when there is one, else where it is written (absolute paths only). `undefined` when
 * it cannot be read.
 */
export function openIncluded(
  value: string, dir: string, parseSibling: ValidateContext['parseSibling'], locator?: PathLocator,
): { target: string; sib: { doc: SourceDocument; file: PgpoolConfFile } } | undefined {
  if (!locator) {
    const target = resolveConfPath(dir, value);
    const sib = isAbsolute(target) ? parseSibling<PgpoolConfFile>(target, 'pgpool-conf') : undefined;
    return sib && { target, sib };
  }
  const loc = locator.locate(value, dir);
  if (loc.status !== 'seen' || !loc.stat?.isFile) return undefined;
  if (loc.via && typeof loc.via.mapping.to !== 'string') {
    const text = loc.read();
    if (text === undefined) return undefined;
    const doc: SourceDocument = { path: loc.path, text, languageId: 'pgpool-conf' };
    return { target: loc.path, sib: { doc, file: parsePgpoolConf(doc) } };
  }
  const sib = parseSibling<PgpoolConfFile>(loc.path, 'pgpool-conf');
  return sib && { target: loc.path, sib };
}

/** The last (winning) setting of `key`. */
export function lastSetting(all: readonly Setting[], key: string): Setting | undefined {
  for (let i = all.length - 1; i >= 0; i--) if (all[i]!.a.key === key) return all[i];
  return undefined;
}

/** A boolean as Pgpool-II ends up with it (see `boolOf`): unset gives `dflt`, an invalid value counts as ON. */
export function settingBool(all: readonly Setting[], key: string, dflt: boolean): { value: boolean; at?: Setting } {
  const s = lastSetting(all, key);
  return s ? { value: boolOf(s.a, dflt), at: s } : { value: dflt };
}

/** The settings of one file alone, its includes not followed (e.g. a pgpool.conf text embedded in a resource). */
export function ownSettings(file: PgpoolConfFile): Setting[] {
  return file.assignments.map(a => ({ a, path: file.path }));
}

/** `settingBool` over one file's own statements: `effectiveBool(file, 'ssl', false).value` is whether SSL is on. */
export function effectiveBool(file: PgpoolConfFile, key: string, dflt: boolean): { value: boolean; at?: Setting } {
  return settingBool(ownSettings(file), key, dflt);
}
