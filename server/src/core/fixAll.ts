/**
 * "Fix all auto-fixable problems": which fix of a problem is applied without a look (`autoFix`), the set of them that
 * can be applied together (`selectAutoFixes`: no two edits overlap or insert at the same place), applying edits to a
 * text, and the line diff that turns a text fixed over several passes back into small edits of the original
 * (`lineDiff`, Myers' O(ND) algorithm). The passes themselves (fix, parse and validate again) are the façade's
 * (service.ts `fixAll`).
 */
import { CORE } from './rules';
import type { Finding, Fix, Span, TextEdit } from './types';

/** The fix applied to a problem without asking: its preferred fix, when that is only edits and changes no behaviour. */
export function autoFix(f: Finding): Fix | undefined {
  const fix = f.fixes?.find(x => x.preferred);
  return fix && fix.edits.length && !fix.command && !fix.changesBehaviour ? fix : undefined;
}

const sameEdit = (a: TextEdit, b: TextEdit) => a.span[0] === b.span[0] && a.span[1] === b.span[1] && a.newText === b.newText;

/** Two edits that cannot both be applied in one go: they overlap, or both start at one place (the order would be a guess). */
function conflict(a: Span, b: Span): boolean {
  return a[0] === b[0] || (a[0] < b[1] && b[0] < a[1]);
}

/**
 * The auto fixes of `findings` that apply together, as edits sorted by position, and how many findings they fix.
 * Findings are taken in text order; a fix that conflicts with one taken already waits for the next pass; a fix equal
 * to one taken (the same problem reported twice) counts as fixed by it. Corrected rule ids in suppression comments
 * make a pass of their own, the first.
 */
export function selectAutoFixes(findings: readonly Finding[], length: number): { edits: TextEdit[]; fixed: number } {
  const taken: TextEdit[] = [];
  let fixed = 0;
  // A corrected rule id in a suppression comment decides which problems are silenced: those fixes go alone, first.
  const comments = findings.filter(f => f.rule === CORE['suppression-unknown-rule'].id && autoFix(f));
  const ordered = [...(comments.length ? comments : findings)].sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  for (const f of ordered) {
    const fix = autoFix(f);
    if (!fix || fix.edits.some(e => e.span[0] < 0 || e.span[1] > length || e.span[0] > e.span[1])) continue;
    if (fix.edits.every(e => taken.some(t => sameEdit(t, e)))) { fixed++; continue; }
    if (fix.edits.some((e, i) => taken.some(t => conflict(t.span, e.span)) || fix.edits.some((o, j) => j !== i && conflict(o.span, e.span)))) continue;
    taken.push(...fix.edits);
    fixed++;
  }
  taken.sort((a, b) => a.span[0] - b.span[0]);
  return { edits: taken, fixed };
}

/** Applies edits that do not conflict (as `selectAutoFixes` returns them). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.span[0] - b.span[0]);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.span[0]) + e.newText;
    at = e.span[1];
  }
  return out + text.slice(at);
}

/** The lines of a text, each with its line break. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Past this many differing lines the diff is one edit over the changed middle (bounded time and memory). */
const MAX_DIFF = 1000;

/** Edits that turn `a` into `b`, line by line: the lines both keep stay untouched (so do cursors and markers on them). */
export function lineDiff(a: string, b: string): TextEdit[] {
  if (a === b) return [];
  const x = splitLines(a), y = splitLines(b);
  const matches = myers(x, y);
  const offsets = [0];
  for (const l of x) offsets.push(offsets[offsets.length - 1]! + l.length);
  if (!matches) {
    let pre = 0, post = 0;
    while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
    while (post < a.length - pre && post < b.length - pre && a[a.length - 1 - post] === b[b.length - 1 - post]) post++;
    return [{ span: [pre, a.length - post], newText: b.slice(pre, b.length - post) }];
  }
  const edits: TextEdit[] = [];
  let i = 0, j = 0;
  for (const [mi, mj] of [...matches, [x.length, y.length] as const]) {
    if (mi > i || mj > j) edits.push({ span: [offsets[i]!, offsets[mi]!], newText: y.slice(j, mj).join('') });
    i = mi + 1;
    j = mj + 1;
  }
  return edits;
}

/** The pairs of equal lines of a shortest edit script from `x` to `y`, in order; `undefined` past MAX_DIFF differences. */
function myers(x: readonly string[], y: readonly string[]): [number, number][] | undefined {
  const n = x.length, m = y.length, max = Math.min(n + m, MAX_DIFF);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let px = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let py = px - k;
      while (px < n && py < m && x[px] === y[py]) { px++; py++; }
      v[off + k] = px;
      if (px >= n && py >= m) {
        trace.push(v.slice(off - d, off + d + 1));
        return backtrack(trace, x.length, y.length);
      }
    }
    trace.push(v.slice(off - d, off + d + 1));
  }
  return undefined;
}

/** Walks the saved rounds back from the end; `trace[d][k + d]` is the furthest x on diagonal k after round d. */
function backtrack(trace: readonly Int32Array[], n: number, m: number): [number, number][] {
  const pairs: [number, number][] = [];
  let px = n, py = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const prev = trace[d - 1]!;
    const at = (k: number) => prev[k + d - 1]!;
    const k = px - py;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const pk = down ? k + 1 : k - 1;
    const sx = at(pk), sy = sx - pk;
    const mx = down ? sx : sx + 1, my = mx - k;
    while (px > mx && py > my) pairs.push([--px, --py]);
    px = sx;
    py = sy;
  }
  while (px > 0 && py > 0) pairs.push([--px, --py]);
  return pairs.reverse();
}
