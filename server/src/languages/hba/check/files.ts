/** Files an HBA file names (`@file` lists; PostgreSQL 16 `include` and `include_dir`) that do not exist, when `pgtls.checkFiles` is on. */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import { dirOf } from '../../pgpoolConf';
import type { HbaToken } from '../lexer';
import type { HbaFile } from '../model';
import { rejectTail } from '../problems';
import { rulesFor } from '../rules';

function resolve(docPath: string, name: string): string {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return name;
  return `${dirOf(docPath)}/${name}`;
}

/** Reports every missing file or folder (each stat once); returns how many errors reject the file. */
export function checkIncludeFiles(doc: SourceDocument, file: HbaFile, ctx: ValidateContext): number {
  if (!ctx.settings.checkFiles) return 0;
  const rule = rulesFor(file.dialect)['missing-include-file'];
  let errors = 0;
  const tail = rejectTail(file.dialect);
  const seen = new Map<string, boolean>();
  const exists = (p: string, dir: boolean): boolean => {
    const key = `${dir ? 'd' : 'f'}${p}`;
    let v = seen.get(key);
    if (v === undefined) {
      const st = ctx.env.stat(p);
      v = !!st && (dir ? !st.isFile : st.isFile);
      seen.set(key, v);
    }
    return v;
  };
  const check = (t: HbaToken, name: string, dir: boolean, what: string): void => {
    const full = resolve(doc.path, name);
    if (exists(full, dir)) return;
    errors++;
    ctx.report(rule, t.span, `${what} \`${t.include !== undefined ? '@' : ''}${name}\` does not exist (${full}); create it or fix the name; ${tail}.`);
  };
  for (const line of file.lines) {
    for (const f of line.fields) for (const t of f.tokens) if (t.include !== undefined) check(t, t.include, false, 'The name list');
  }
  if (file.dialect === 'postgres' && ctx.settings.postgresVersion >= 16) {
    for (const inc of file.includes) {
      if (inc.kind === 'include') check(inc.target, inc.target.value, false, 'The included file');
      else if (inc.kind === 'include_dir') check(inc.target, inc.target.value, true, 'The included folder');
    }
  }
  return errors;
}
