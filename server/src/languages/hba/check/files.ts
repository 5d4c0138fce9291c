/**
 * Files an HBA file names (`@file` lists; PostgreSQL 16 `include` and `include_dir`) that do not exist, when
 * `pgtls.checkFiles` is on, and what the `@file` lists hold (nameFiles.ts). An absolute name goes through the path mappings (deploy/); one pgtls cannot see (a path
 * where the server runs) is only a note, never counted as an error.
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import { pathLocator, reportNotChecked, type Located } from '../../../deploy';
import type { HbaToken } from '../lexer';
import type { HbaFile } from '../model';
import { rejectTail } from '../problems';
import { rulesFor } from '../rules';
import { checkNameFiles } from './nameFiles';

/** Reports every missing file or folder (each located once); returns how many errors reject the file. */
export function checkIncludeFiles(doc: SourceDocument, file: HbaFile, ctx: ValidateContext): number {
  if (!ctx.settings.checkFiles) return 0;
  const rule = rulesFor(file.dialect)['missing-include-file'];
  let errors = 0;
  const tail = rejectTail(file.dialect);
  const locator = pathLocator(ctx, doc.path);
  const located = new Map<string, Located>();
  const locate = (name: string): Located => {
    let loc = located.get(name);
    if (!loc) located.set(name, (loc = locator.locate(name)));
    return loc;
  };
  const check = (t: HbaToken, name: string, dir: boolean, what: string): void => {
    const loc = locate(name);
    const shownName = `\`${t.include !== undefined ? '@' : ''}${name}\``;
    if (loc.status === 'unresolved') return; // an unsaved document: no folder to resolve against
    if (loc.status === 'unseen') {
      reportNotChecked(ctx, loc, t.span, `${what} ${shownName}: `);
      return;
    }
    const st = loc.stat;
    if (st && (dir ? !st.isFile : st.isFile)) return;
    errors++;
    const where = loc.via ? `${loc.via.shown}, mapped by ${loc.via.mapping.origin}` : loc.path;
    ctx.report(rule, t.span, `${what} ${shownName} does not exist (${where}); create it or fix the name${loc.via ? ' or the mapping' : ''}; ${tail}.`);
  };
  for (const line of file.lines) {
    for (const f of line.fields) for (const t of f.tokens) if (t.include !== undefined) check(t, t.include, false, 'The name list');
  }
  // What the lists that exist hold: loops, lists missing deeper down, fields that hold no names (nameFiles.ts).
  errors += checkNameFiles(doc.path, file, ctx, locate, locator);
  if (file.dialect === 'postgres' && ctx.settings.postgresVersion >= 16) {
    for (const inc of file.includes) {
      if (inc.kind === 'include') check(inc.target, inc.target.value, false, 'The included file');
      else if (inc.kind === 'include_dir') check(inc.target, inc.target.value, true, 'The included folder');
    }
  }
  return errors;
}
