/**
 * The one place where character offsets become line/column positions (0-based, UTF-16 code units, as LSP counts).
 * Everything before this works in offsets taken from parser nodes.
 */
export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo]! };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line]!;
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1]! : this.text.length;
    return Math.min(start + Math.max(0, pos.character), next);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }
}

/**
 * Edit distance, bounded: returns `max + 1` as soon as the distance exceeds `max`. Levenshtein by default; with
 * `transpositions` the optimal string alignment distance, where swapping two neighbours counts as one edit.
 */
export function editDistance(a: string, b: string, max = 3, transpositions = false): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidates to `word` (case-insensitive), best first; empty when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const w = word.toLowerCase();
  const max = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
  const scored: [string, number][] = [];
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (lc === w) { scored.push([c, 0]); continue; }
    const d = editDistance(w, lc, max);
    if (d <= max) scored.push([c, d]);
    else if (w.length >= 5 && (lc.includes(w) || w.includes(lc)) && Math.abs(lc.length - w.length) <= 6) scored.push([c, max + 0.5]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return scored.slice(0, limit).map(s => s[0]);
}

/**
 * A message as the Problems panel, Neovim and a terminal show it: plain text. Checks write names as Markdown code
 * spans (`ssl_cert`), which would show their backticks there; each span becomes a quoted name, in double quotes as
 * PostgreSQL's own messages quote names ("ssl_cert"), or in single quotes when it holds a double quote; a span that
 * opens the message as its label (`ssl_cert`: …) loses its backticks only.
 */
export function plainMessage(s: string): string {
  if (!s.includes('`')) return s;
  // A leading label (`ssl_cert`: …) needs no quotes.
  return s.replace(/^`([^`\n]+)`:/, '$1:').replace(/`([^`\n]+)`/g, (_m, x: string) => (x.includes('"') ? `'${x}'` : `"${x}"`));
}

/** Formats a list for a message: `a`, `b` and `c`. */
export function listing(items: readonly string[], quote = '`'): string {
  const q = items.map(i => `${quote}${i}${quote}`);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}
