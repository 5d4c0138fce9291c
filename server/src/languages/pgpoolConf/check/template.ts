/**
 * Templates: a pgpool.conf with `${VAR}` (envsubst, shell heredocs) or `{{ … }}` / `{% … %}` (Helm, Jinja/Ansible)
 * placeholders is rendered before Pgpool-II reads it, so what a placeholder line says about its value (syntax, number,
 * range, enumeration, file) is not what the server will see. The findings on such lines are dropped, except those about
 * the parameter name itself, and one note says that those values were not checked and how to check them.
 */
import type { ValidateContext } from '../../../core/language';
import type { Reporter } from '../../../core/rules';
import type { SourceDocument, Span } from '../../../core/types';
import { R } from '../rules';

/** A placeholder: `${NAME}` (with envsubst/shell modifiers), `{{ … }}`, `{% … %}`, all on one line. */
const PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+\-=#%/][^}\n]*)?\}|\{\{[^\n]*?\}\}|\{%[^\n]*?%\}/g;

/** A statement setting one of the `*_command` parameters (failover, recovery, passphrase …), whose value is shell text. */
const COMMAND_LINE = /^\s*[A-Za-z_]+_command\s*=?\s*'/;

/** Findings about the name (not the value) that stay on a placeholder line. */
const NAME_RULES: ReadonlySet<string> = new Set([
  R['unknown-parameter'].id, R['deprecated-alias'].id, R['obsolete-parameter'].id, R['duplicate'].id, R['array-index'].id,
]);

export interface Template {
  /** The line spans ([start, end) offsets) that hold a placeholder outside a comment, in order. */
  lines: Span[];
  /** The first placeholder, where the note goes. */
  first: Span;
}

/** The placeholder lines of `text`, or `undefined` when the file is no template. Linear in the text length. */
export function findTemplate(text: string): Template | undefined {
  if (!text.includes('${') && !text.includes('{{') && !text.includes('{%')) return undefined;
  const lines: Span[] = [];
  let first: Span | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    // A `*_command` value is shell text that Pgpool-II runs: `${VAR}` there is the shell's, not a template's.
    if ((line.includes('${') || line.includes('{{') || line.includes('{%')) && !COMMAND_LINE.test(line)) {
      const code = line.slice(0, commentStart(line));
      PLACEHOLDER.lastIndex = 0;
      const m = PLACEHOLDER.exec(code);
      if (m) {
        lines.push([start, end]);
        first ??= [start + m.index, start + m.index + m[0].length];
      }
    }
    start = end + 1;
  }
  return first ? { lines, first } : undefined;
}

/** Where a `#` comment starts on a pgpool.conf line (outside single quotes; `\'` does not end a string). */
function commentStart(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '\\') i++;
    else if (c === "'") quoted = !quoted;
    else if (c === '#' && !quoted) return i;
  }
  return line.length;
}

function onLine(lines: readonly Span[], offset: number): boolean {
  let lo = 0, hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = lines[mid]!;
    if (offset < s) hi = mid - 1;
    else if (offset > e) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The context the checks of a template run with: its reporter drops what the placeholder lines say about values.
 * Reports the one note. A file without placeholders gets `ctx` itself.
 */
export function templateContext(doc: SourceDocument, ctx: ValidateContext): ValidateContext {
  const t = findTemplate(doc.text);
  if (!t) return ctx;
  const n = t.lines.length;
  ctx.report(
    R['template-placeholders'], t.first,
    `This file is a template: ${n} line${n === 1 ? '' : 's'} hold${n === 1 ? 's' : ''} a placeholder that is replaced (by envsubst, Helm or Ansible) before Pgpool-II reads the file, so pgtls does not check ${n === 1 ? 'its value' : 'their values'}; to check them, run pgtls on the rendered file.`,
  );
  const report: Reporter = (rule, span, message, extra) => {
    if (!NAME_RULES.has(rule.id) && onLine(t.lines, span[0])) return;
    ctx.report(rule, span, message, extra);
  };
  return { ...ctx, report };
}
