/**
 * How the record parser (parse.ts and options.ts) records problems as data in the model: `reject` for what makes the
 * server refuse the line (and so the whole file), `note` for what the server only logs, and our advice on a line. Also
 * the fix builders both parser files use, and the closing words of every "rejects the file" message (checks use them).
 */
import type { FindingExtra } from '../../core/rules';
import type { Fix, RuleMeta, Span } from '../../core/types';
import type { Dialect, HbaLine, HbaToken } from './lexer';
import type { HbaFile } from './model';
import type { HbaRules } from './rules';

/** The line being parsed. */
export interface LineCtx {
  file: HbaFile;
  line: HbaLine;
  d: Dialect;
  /** The rules of the file's dialect. */
  rules: HbaRules;
}

/** The closing words of every message about a problem that makes the server reject the file. */
export function rejectTail(d: Dialect): string {
  return d === 'pgpool'
    ? 'pgpool rejects the whole pool_hba.conf because of this one line: after a start every client login fails, and a reload keeps the old rules'
    : 'PostgreSQL refuses the whole pg_hba.conf because of this one line: it does not start, and a reload keeps the old rules';
}

/** Records a problem that makes the server reject the line; the parser stops the line there, as the servers do. */
export function reject(c: LineCtx, rule: RuleMeta, span: Span, core: string, fixes: Fix[] = []): false {
  c.file.problems.push({ rule, span, message: `${core}; ${rejectTail(c.d)}.`, extra: { fixes } });
  return false;
}

/** Records a problem the server only logs (or advice): the line still loads. */
export function note(c: LineCtx, rule: RuleMeta, span: Span, message: string, extra: FindingExtra = {}): void {
  c.file.problems.push({ rule, span, message, extra });
}

export const replaceFix = (title: string, span: Span, newText: string, preferred = false): Fix => ({ title, edits: [{ span, newText }], ...(preferred ? { preferred } : {}) });

/** Removes an option token with the blank or comma before it (or the comma after it, for the first of a list). */
export function removeOptionFix(line: HbaLine, tok: HbaToken, title: string): Fix {
  const all: HbaToken[] = line.fields.flatMap(f => f.tokens);
  const i = all.indexOf(tok);
  const field = line.fields.find(f => f.tokens.includes(tok))!;
  const k = field.tokens.indexOf(tok);
  let span: Span;
  if (k === 0 && field.tokens.length > 1) span = [tok.span[0], field.tokens[1]!.span[0]];
  else span = [i > 0 ? all[i - 1]!.span[1] : tok.span[0], tok.span[1]];
  return { title, edits: [{ span, newText: '' }], preferred: true };
}
