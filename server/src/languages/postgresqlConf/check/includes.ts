/**
 * The include directives PostgreSQL cannot follow (from effective.ts): each makes it refuse to start. A path pgtls
 * cannot see gets only the `pgtls/path-not-checked` note; `include_if_exists` of a missing file is what it is for.
 */
import type { ValidateContext } from '../../../core/language';
import { reportNotChecked } from '../../../deploy';
import type { IncludeProblem } from '../effective';
import { R } from '../rules';

const REFUSES = 'PostgreSQL refuses to start';

export function checkIncludes(problems: readonly IncludeProblem[], ctx: ValidateContext): void {
  for (const p of problems) {
    const d = p.nested?.directive ?? p.at;
    const where = p.nested ? `(in ${p.nested.path}) ` : '';
    const span = p.nested ? p.at.valueSpan : d.valueSpan;
    const t = `\`${p.target ?? d.value}\``;
    switch (p.kind) {
      case 'unseen':
        if (!p.nested) reportNotChecked(ctx, p.located!, span, `\`${d.kind}\`: `);
        break;
      case 'empty':
        ctx.report(R['include-not-found'], p.nested ? span : d.keySpan, `${where}\`${d.kind}\` has an empty ${d.kind === 'include_dir' ? 'folder' : 'file'} name, so ${REFUSES}; name the ${d.kind === 'include_dir' ? 'folder' : 'file'}.`);
        break;
      case 'recursion':
        ctx.report(R['include-not-found'], span, `${where}\`${d.kind}\` names the file it is in ("configuration file recursion"), so ${REFUSES}; remove the line.`);
        break;
      case 'depth':
        ctx.report(R['include-not-found'], span, `${where}includes nest more than 10 levels deep (a file including itself through others?), so ${REFUSES} ("maximum nesting depth exceeded"); break the loop.`);
        break;
      case 'missing':
        ctx.report(R['include-not-found'], span, `${where}\`${d.kind}\`: ${t} does not exist, so ${REFUSES}; fix the path (relative paths start at the including file's folder) or use \`include_if_exists\`.`);
        break;
      case 'not-a-file':
        ctx.report(R['include-not-found'], span, `${where}\`${d.kind}\`: ${t} is not a file, so ${REFUSES}; ${d.kind === 'include_if_exists' ? 'name a file' : 'use `include_dir` for a folder'}.`);
        break;
      case 'dir-missing':
        ctx.report(R['include-not-found'], span, `${where}\`include_dir\`: the folder ${t} does not exist, so ${REFUSES} ("could not open configuration directory"); create it or fix the path.`);
        break;
      case 'not-a-dir':
        ctx.report(R['include-not-found'], span, `${where}\`include_dir\`: ${t} is a file, not a folder, so ${REFUSES}; use \`include\` for a file.`);
        break;
      case 'syntax':
        ctx.report(R['include-not-found'], span, `The included file ${t} has a syntax error, so ${REFUSES}: ${p.detail}`);
        break;
    }
  }
}
