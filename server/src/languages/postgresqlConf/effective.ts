/**
 * The settings PostgreSQL ends up with for a postgresql.conf: its own lines with the included files spliced in where
 * each directive stands (`ParseConfigFile`/`ParseConfigDirectory` of guc-file.l): `include` (the file must open),
 * `include_if_exists` (a missing file is skipped with a LOG line), `include_dir` (the `*.conf` files of the folder
 * that do not start with `.`, in byte order), relative paths from the including file's folder, at most 10 levels,
 * a file including itself refused. Then postgresql.auto.conf of the same folder (what ALTER SYSTEM wrote), when the
 * file is a postgresql.conf. The last line for a name wins. Also the problems that make PostgreSQL refuse the file
 * on the way (a file or folder it cannot open, an empty name, recursion, too deep, a syntax error in an included
 * file). index.ts exports this for the TLS and cross-file rules that read the effective settings.
 */
import type { ValidateContext } from '../../core/language';
import type { ServiceEnv } from '../../core/types';
import type { Located, PathLocator } from '../../deploy';
import { baseName, dirOf, type Directive, type PostgresqlConfFile, type Setting } from './model';
import { parsePostgresqlConf } from './parse';

/** One setting as PostgreSQL applies it, with the file it is written in. */
export interface EffectiveSetting {
  s: Setting;
  /** The file the line is in. */
  path: string;
  /** The directive of the top file that brought the line in (none for the top file's own lines). */
  via?: Directive;
  /** The line comes from postgresql.auto.conf (ALTER SYSTEM). */
  auto?: boolean;
}

/** Why PostgreSQL cannot read a directive's file(s); reported at the directive of the top file. */
export interface IncludeProblem {
  /** The directive of the top file (its own, or the one that led to the nested problem). */
  at: Directive;
  /** The directive really at fault is in another file. */
  nested?: { path: string; directive: Directive };
  kind: 'empty' | 'recursion' | 'depth' | 'missing' | 'not-a-file' | 'dir-missing' | 'not-a-dir' | 'syntax' | 'unseen';
  /** The path PostgreSQL opens. */
  target?: string;
  /** For `unseen`: where pgtls looked. */
  located?: Extract<Located, { status: 'unseen' }>;
  /** For `syntax`: the first syntax error of the included file. */
  detail?: string;
}

export interface Effective {
  settings: EffectiveSetting[];
  problems: IncludeProblem[];
}

/** PostgreSQL's limit on include nesting (CONF_FILE_MAX_DEPTH). */
const MAX_DEPTH = 10;
/** A bound of ours on the files one expansion reads (an include_dir that includes itself fans out). */
const MAX_VISITS = 500;

export const isAbsolute = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

function join(dir: string, rel: string): string {
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${rel}` : `${dir}/${rel}`;
}

/** PostgreSQL's canonicalize_path, enough for comparing paths: no `.`, no `..`, no doubled or trailing `/`. */
export function canonical(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (seg !== '..' || !abs) out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/');
}

interface Opener {
  parseSibling: ValidateContext['parseSibling'];
  env: ServiceEnv;
  /** With file checks on: where a path is (mappings, what pgtls can see). */
  locator?: PathLocator;
}

/** Every setting of `file` and of what it includes, in the order PostgreSQL applies them, and the include problems. */
export function effectiveSettings(path: string, file: PostgresqlConfFile, o: Opener): Effective {
  const settings: EffectiveSetting[] = [];
  const problems: IncludeProblem[] = [];
  let visits = 0;
  const visit = (f: PostgresqlConfFile, fpath: string, top: Directive | undefined, depth: number): void => {
    let k = 0;
    const dirs = f.directives;
    for (const s of f.settings) {
      while (k < dirs.length && dirs[k]!.keySpan[0] < s.nameSpan[0]) expand(dirs[k++]!);
      settings.push(top ? { s, path: fpath, via: top } : { s, path: fpath });
    }
    while (k < dirs.length) expand(dirs[k++]!);
    if (top && f.syntaxErrors.length) problems.push({ at: top, kind: 'syntax', target: fpath, detail: f.syntaxErrors[0]!.message });

    function expand(d: Directive): void {
      const at = top ?? d;
      const nested = top ? { path: fpath, directive: d } : undefined;
      const problem = (p: Omit<IncludeProblem, 'at' | 'nested'>): void => { problems.push({ at, ...(nested ? { nested } : {}), ...p }); };
      if (/^[ \t\r\n]*$/.test(d.value)) { problem({ kind: 'empty' }); return; }
      const next = depth + 1;
      if (next > MAX_DEPTH) { problem({ kind: 'depth' }); return; }
      if (++visits > MAX_VISITS) return;
      const dir = dirOf(fpath);
      if (d.kind === 'include_dir') {
        const listed = listConf(d.value, dir, problem);
        for (const file of listed ?? []) openFile(file, undefined, at, next, true, problem, fpath);
        return;
      }
      openFile(d.value, dir, at, next, d.kind === 'include', problem, fpath);
    }
  };

  /** The `.conf` files of an include_dir folder PostgreSQL reads, or undefined when pgtls cannot tell. */
  const listConf = (written: string, dir: string, problem: (p: Omit<IncludeProblem, 'at' | 'nested'>) => void): string[] | undefined => {
    const target = isAbsolute(written) ? written : join(dir, written);
    const loc = locate(written, dir);
    if (!loc) return undefined;
    if (loc.status === 'unseen') { problem({ kind: 'unseen', target, located: loc }); return undefined; }
    if (loc.status !== 'seen' || loc.via) return undefined;
    const st = o.env.stat(loc.path);
    if (!st) { problem({ kind: 'dir-missing', target }); return undefined; }
    if (st.isFile) { problem({ kind: 'not-a-dir', target }); return undefined; }
    if (!o.env.listFiles) return undefined;
    return o.env.listFiles(loc.path, { extensions: ['.conf'], maxDepth: 0, maxFiles: 1000 })
      .map(baseName).filter(n => n.length >= 6 && !n.startsWith('.') && n.endsWith('.conf'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(n => join(loc.path, n));
  };

  /** Where a written path is: through the path mappings with file checks on, else where it is written. */
  const locate = (written: string, dir: string | undefined): Located | undefined => {
    const target = isAbsolute(written) || dir === undefined ? written : join(dir, written);
    if (!isAbsolute(target)) return undefined;
    if (o.locator && dir !== undefined) return o.locator.locate(written, dir);
    return { status: 'seen', written: target, path: target, stat: o.env.stat(target), permissionsKnown: true, read: () => o.env.readText(target) };
  };

  /** Opens an included file: `written` relative to `dir`, or (dir undefined) a path listed from an include_dir folder. */
  function openFile(written: string, dir: string | undefined, top: Directive, depth: number, strict: boolean, problem: (p: Omit<IncludeProblem, 'at' | 'nested'>) => void, calling: string): void {
    const target = isAbsolute(written) || dir === undefined ? written : join(dir, written);
    if (canonical(target) === canonical(calling)) { problem({ kind: 'recursion', target }); return; }
    const loc = locate(written, dir);
    if (!loc) return;
    if (loc.status === 'unseen') { if (strict) problem({ kind: 'unseen', target, located: loc }); return; }
    if (loc.status !== 'seen') return;
    if (!loc.stat) { if (strict) problem({ kind: 'missing', target }); return; }
    if (!loc.stat.isFile) { problem({ kind: 'not-a-file', target }); return; }
    let sib: PostgresqlConfFile | undefined;
    if (loc.via && typeof loc.via.mapping.to !== 'string') {
      const text = loc.read();
      sib = text === undefined ? undefined : parsePostgresqlConf({ path: loc.path, text, languageId: 'postgresql-conf' });
    } else sib = o.parseSibling<PostgresqlConfFile>(loc.path, 'postgresql-conf')?.file;
    if (sib) visit(sib, loc.path, top, depth);
  }

  visit(file, path, undefined, 0);
  if (baseName(path) === 'postgresql.conf' && isAbsolute(path)) {
    const auto = o.parseSibling<PostgresqlConfFile>(join(dirOf(path), 'postgresql.auto.conf'), 'postgresql-conf')?.file;
    for (const s of auto?.settings ?? []) settings.push({ s, path: auto!.path, auto: true });
  }
  return { settings, problems };
}

/** The settings of one file alone, its includes not followed (a text embedded in a resource). */
export function ownSettings(file: PostgresqlConfFile): EffectiveSetting[] {
  return file.settings.map(s => ({ s, path: file.path }));
}

/** The winning line for `name` (ignoring case), if any. */
export function lastSetting(all: readonly EffectiveSetting[], name: string): EffectiveSetting | undefined {
  const key = name.toLowerCase();
  for (let i = all.length - 1; i >= 0; i--) if (all[i]!.s.key === key) return all[i];
  return undefined;
}
