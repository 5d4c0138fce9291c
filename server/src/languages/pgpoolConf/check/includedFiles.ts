/**
 * What the files this pgpool.conf includes make of its start (when `pgtls.checkFiles` is on): Pgpool-II reads an
 * included file in place, so a syntax error or a bad value in it (or in a file it includes) stops Pgpool-II just as
 * one here would; includes nest at most 10 deep ("maximum nesting depth exceeded"), which a file that includes itself
 * through others always reaches. Each `include` of this file gets the first such problem of what it brings in, in
 * Pgpool-II's reading order, with the file and line it is in. The include that names this file itself and a missing
 * file named here are cross.ts's.
 */
import type { ValidateContext } from '../../../core/language';
import type { Reporter } from '../../../core/rules';
import type { RuleMeta, SourceDocument, Span } from '../../../core/types';
import { LineIndex } from '../../../core/text';
import { pathLocator, type PathLocator } from '../../../deploy';
import { openIncluded } from '../effective';
import { dirOf, type Include, type PgpoolConfFile } from '../model';
import { R } from '../rules';
import { pathCode } from './common';
import { checkParams, paramCheck } from './params';
import { templateContext } from './template';

/** Pgpool-II's limit: the top file is level 0, a file it includes level 1, … and a file at level 11 is refused. */
const MAX_DEPTH = 10;
/** Included files read per validation at most (a wide tree of includes is not followed further). */
const MAX_FILES = 200;

/** The first problem in an included file's tree, in reading order. */
interface Problem {
  rule: RuleMeta;
  message: string;
  /** For a problem inside a file: the files from the one this file includes down to that file, its line, how many more. */
  at?: { chain: string[]; line: number; more: number };
}

interface Walk {
  ctx: ValidateContext;
  locator: PathLocator;
  budget: number;
  /** The folder of the file being validated: paths under it are shown relative to it. */
  home: string;
}

export function checkIncludedFiles(doc: SourceDocument, file: PgpoolConfFile, ctx: ValidateContext): void {
  if (!ctx.settings.checkFiles || !(file.includes ?? []).length) return;
  const w: Walk = { ctx, locator: pathLocator(ctx, doc.path), budget: MAX_FILES, home: dirOf(doc.path) };
  for (const inc of file.includes ?? []) {
    if (inc.missingValue || inc.value === '') continue; // cross.ts
    const p = follow(w, inc, doc.path, 1, [doc.path]);
    if (!p) continue;
    const span: Span = inc.valueSpan[1] > inc.valueSpan[0] ? inc.valueSpan : inc.keySpan;
    ctx.report(p.rule, span, message(w, p));
  }
}

function message(w: Walk, p: Problem): string {
  if (!p.at) return `Pgpool-II does not start: ${p.message}`;
  const { chain, line, more } = p.at;
  const via = chain.length > 1 ? ` (included by ${chain.slice(0, -1).map(f => show(w, f)).join(' → ')})` : '';
  const others = more ? ` (and ${more} more error${more === 1 ? '' : 's'} there)` : '';
  return `Pgpool-II does not start because of the included file ${show(w, chain[chain.length - 1]!)}${via}, line ${line}${others}: ${p.message}`;
}

/**
 * The first problem `inc` (in the file at `from`, `depth - 1` levels below this one) brings in: the included file's
 * own errors and those of the files it includes, whichever Pgpool-II meets first. `stack` holds the files being read.
 */
function follow(w: Walk, inc: Include, from: string, depth: number, stack: string[]): Problem | undefined {
  const found = openIncluded(inc.value, dirOf(from), w.ctx.parseSibling, w.locator);
  if (!found) return undefined; // missing here: cross.ts; missing deeper: nestedInclude
  const { target, sib } = found;
  if (depth === 1 && target === from) return undefined; // cross.ts reports an include of the file itself
  const chain = (): string => [...stack, target].map(f => show(w, f)).join(' → ');
  if (stack.includes(target)) {
    return {
      rule: R['include-not-found'],
      message: `the includes lead back to a file that is being read (${chain()}), so Pgpool-II includes the files again and again until its limit of ${MAX_DEPTH} levels ("maximum nesting depth exceeded"); break the loop.`,
    };
  }
  if (depth > MAX_DEPTH) {
    return {
      rule: R['include-not-found'],
      message: `includes nest more than ${MAX_DEPTH} levels deep (${chain()}), and Pgpool-II refuses the file at level ${depth} ("could not open configuration file …: maximum nesting depth exceeded"); include fewer levels.`,
    };
  }
  if (--w.budget < 0) return undefined;
  const own = ownErrors(sib.doc, sib.file, w.ctx);
  let best: { offset: number; p: Problem } | undefined = own[0] && {
    offset: own[0].span[0],
    p: { rule: own[0].rule, message: own[0].message, at: { chain: [target], line: lineOf(sib.doc.text, own[0].span[0]), more: own.length - 1 } },
  };
  for (const next of sib.file.includes ?? []) {
    if (best && next.keySpan[0] > best.offset) break;
    const nested = nestedInclude(w, next, sib.doc, depth + 1, [...stack, target]);
    if (!nested) continue;
    best = { offset: next.keySpan[0], p: nested.at ? { ...nested, at: { ...nested.at, chain: [target, ...nested.at.chain] } } : nested };
    break;
  }
  return best?.p;
}

/** An `include` inside an included file (`fromDoc`): its own mistakes (no name, a missing file) or what it brings in. */
function nestedInclude(w: Walk, inc: Include, fromDoc: SourceDocument, depth: number, stack: string[]): Problem | undefined {
  const line = lineOf(fromDoc.text, inc.keySpan[0]);
  const here = (message: string): Problem => ({ rule: R['include-not-found'], message, at: { chain: [], line, more: 0 } });
  if (inc.missingValue || inc.value === '') return here('`include` has no file name, so Pgpool-II stops with a syntax error.');
  const loc = w.locator.locate(inc.value, dirOf(fromDoc.path));
  if (loc.status === 'seen' && !loc.stat?.isFile) {
    return here(`\`include\`: ${show(w, loc.path)} ${loc.stat ? 'is not a file' : 'does not exist'}, so Pgpool-II cannot open it and stops with a syntax error.`);
  }
  return follow(w, inc, fromDoc.path, depth, stack);
}

/** The errors of an included file's own statements (syntax, names, values), in text order. */
function ownErrors(doc: SourceDocument, file: PgpoolConfFile, ctx: ValidateContext): { rule: RuleMeta; span: Span; message: string }[] {
  const errors: { rule: RuleMeta; span: Span; message: string }[] = [];
  const report: Reporter = (rule, span, message, extra) => {
    if ((extra?.severity ?? rule.severity) === 'error') errors.push({ rule, span, message });
  };
  // A template's placeholder lines are not judged there either (template.ts).
  const inner = templateContext(doc, { ...ctx, report });
  checkParams(paramCheck(doc, inner), file);
  return errors.sort((a, b) => a.span[0] - b.span[0]);
}

function lineOf(text: string, offset: number): number {
  return new LineIndex(text).positionAt(offset).line + 1;
}

/** A path in backticks, relative to the validated file's folder when it is under it. */
function show(w: Walk, p: string): string {
  const home = w.home.endsWith('/') ? w.home : `${w.home}/`;
  return pathCode(p.startsWith(home) ? p.slice(home.length) : p);
}
