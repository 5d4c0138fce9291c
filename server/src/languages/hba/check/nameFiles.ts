/**
 * What the `@file` name lists of an HBA file hold, as both servers read them (PostgreSQL's tokenize_inc_file, which
 * pgpool's pool_hba.c copies): every token of the file, whatever its lines, with the `@file`s inside it read in turn,
 * relative to the file that names them. Two ways this stops the server (checked when `pgtls.checkFiles` is on):
 *  - a list that includes itself, directly or through others (or names the HBA file): PostgreSQL keeps every file
 *    open until it fails ("exceeded maxAllocatedDescs") and does not start; pgpool recurses until it crashes;
 *  - a field made only of lists that hold no names: the server leaves the field out, the fields after it move one
 *    place to the left, and the line it reads then (parsed again here) is rejected, with the whole file.
 * A list whose file is missing deeper down is reported at the outer `@file` with the missing-file rule.
 */
import type { ValidateContext } from '../../../core/language';
import { dirName } from '../../../core/deployPaths';
import type { RuleMeta, Span } from '../../../core/types';
import type { Located, PathLocator } from '../../../deploy';
import { type Dialect, type HbaLine, type HbaToken, fieldSpan, tokenize } from '../lexer';
import type { HbaFile } from '../model';
import { parseHba } from '../parse';
import { rejectTail } from '../problems';
import { rulesFor } from '../rules';

/** Name-list files read per validation at most, and how deep lists may nest before pgtls stops following them. */
const MAX_FILES = 200;
const MAX_DEPTH = 64;

/** What one `@file` expands to. */
interface Expansion {
  /** How many names it yields (0: an empty list). */
  tokens: number;
  /** The files of a loop, from the HBA file to the file named again. */
  loop?: string[];
  /** A list named inside it whose file does not exist. */
  missing?: { name: string; path: string; in: string };
  /** Something pgtls cannot see or stopped following: no verdict. */
  unknown?: true;
}

interface Walk {
  dialect: Dialect;
  locator: PathLocator;
  locate: (name: string, dir?: string) => Located;
  budget: number;
}

/**
 * Follows every `@file` of `file` whose own file exists (check/files.ts reports the missing ones) and reports loops,
 * lists missing deeper down and fields that vanish; returns how many errors reject the file.
 */
export function checkNameFiles(docPath: string, file: HbaFile, ctx: ValidateContext, locate: (name: string, dir?: string) => Located, locator: PathLocator): number {
  const rules = rulesFor(file.dialect);
  const w: Walk = { dialect: file.dialect, locator, locate, budget: MAX_FILES };
  const server = file.dialect === 'pgpool' ? 'pgpool' : 'PostgreSQL';
  let errors = 0;
  for (const line of file.lines) {
    const vanished: Span[] = [];
    const names: HbaToken[] = [];
    for (const f of line.fields) {
      let empty = f.tokens.length > 0;
      for (const t of f.tokens) {
        if (t.include === undefined) { empty = false; continue; }
        const x = expand(w, t.include, undefined, [docPath], 1);
        if (x.loop) {
          errors++;
          const crash = file.dialect === 'pgpool' ? 'pgpool reads the lists again and again until it crashes (segmentation fault), so it does not start'
            : 'PostgreSQL opens the lists again and again, keeping each open, until it fails with "exceeded maxAllocatedDescs", so it does not start';
          ctx.report(rules['include-file-loop'], t.span, `The name list \`@${t.include}\` includes itself (${x.loop.map(p => `\`${shortName(p, docPath)}\``).join(' → ')}): ${crash}; remove the \`@\` line that closes the loop.`);
        } else if (x.missing) {
          errors++;
          ctx.report(rules['missing-include-file'], t.span, `The name list \`@${t.include}\` names \`@${x.missing.name}\` in ${shortName(x.missing.in, docPath)}, which does not exist (${x.missing.path}); create it or fix the name; ${rejectTail(file.dialect)}.`);
        }
        if (x.tokens > 0 || x.unknown || x.loop || x.missing) empty = false;
        else names.push(t);
      }
      if (empty) vanished.push(fieldSpan(f));
    }
    if (vanished.length) errors += reportVanished(line, vanished, names, file, ctx, server, rules['empty-include-file']);
  }
  return errors;
}

/** A line whose `vanished` fields (only empty lists) the server leaves out: the line it then reads, parsed again. */
function reportVanished(line: HbaLine, vanished: Span[], names: HbaToken[], file: HbaFile, ctx: ValidateContext, server: string, rule: RuleMeta): number {
  const [start, end] = line.span;
  let text = file.text.slice(start, end);
  for (const [s, e] of vanished) text = `${text.slice(0, s - start)}${' '.repeat(e - s)}${text.slice(e - start)}`;
  const shifted = parseHba(text, file.path, file.dialect);
  const reject = shifted.problems.find(p => p.rule.severity === 'error');
  const lists = names.filter(t => vanished.some(([s, e]) => t.start >= s && t.end <= e)).map(t => `\`@${t.include}\``);
  const reads = text.replace(/\s+/g, ' ').trim();
  const shown = reads.length > 80 ? `${reads.slice(0, 77)}...` : reads;
  const what = `${lists.join(', ')} ${lists.length === 1 ? 'holds' : 'hold'} no names, so ${server} leaves the field out and the fields after it move one place to the left: it reads this line as \`${shown}\``;
  const span: Span = [vanished[0]![0], vanished[vanished.length - 1]![1]];
  if (reject) {
    const why = reject.message.split('; ')[0]!;
    ctx.report(rule, span, `${what}, which it rejects (${why.charAt(0).toLowerCase()}${why.slice(1)}); ${rejectTail(file.dialect)}. Put the names in the list file, or write them here instead.`);
    return 1;
  }
  ctx.report(rule, span, `${what}, which is not what the line says; put the names in the file (or write them here).`, { severity: 'warning' });
  return 0;
}

/** What `@name` (written in the file at `from`, or in the HBA file) yields; `stack` holds the files being read. */
function expand(w: Walk, name: string, from: string | undefined, stack: string[], depth: number): Expansion {
  const loc = from === undefined ? w.locate(name) : w.locator.locate(name, dirName(from));
  if (loc.status !== 'seen') return { tokens: 0, unknown: true };
  if (!loc.stat) return from === undefined ? { tokens: 0, unknown: true } : { tokens: 0, missing: { name, path: loc.path, in: from } };
  if (!loc.stat.isFile) return { tokens: 0, unknown: true };
  if (stack.includes(loc.path)) return { tokens: 0, loop: [...stack.slice(stack.indexOf(loc.path)), loc.path] };
  if (depth > MAX_DEPTH || --w.budget < 0) return { tokens: 0, unknown: true };
  const text = loc.read();
  if (text === undefined) return { tokens: 0, unknown: true };
  const out: Expansion = { tokens: 0 };
  for (const l of tokenize(text, { dialect: w.dialect })) {
    for (const f of l.fields) {
      for (const t of f.tokens) {
        if (t.include === undefined) { out.tokens++; continue; }
        const x = expand(w, t.include, loc.path, [...stack, loc.path], depth + 1);
        if (x.loop || x.missing) return { ...x, tokens: out.tokens + x.tokens };
        out.tokens += x.tokens;
        if (x.unknown) out.unknown = true;
      }
    }
  }
  return out;
}

/** A path relative to the HBA file's folder when it is in it. */
function shortName(p: string, docPath: string): string {
  const dir = dirName(docPath);
  const home = dir.endsWith('/') ? dir : `${dir}/`;
  return p.startsWith(home) ? p.slice(home.length) : p;
}
