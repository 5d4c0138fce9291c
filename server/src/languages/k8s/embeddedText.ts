/**
 * Offsets of an embedded text (a pgpool.conf or pg_hba line held in a YAML string) back to the YAML source.
 *
 * `scalarOffsetMap` aligns a string scalar's value with the source characters it came from, for every scalar style:
 * block literal (`|`, `|-`, `|+`, `|2`), block folded (`>`: folded line breaks map to the break they replace), plain
 * multi-line (line folding), single-quoted (`''`) and double-quoted (escapes `\n`, `\t`, `\"`, `\\`, `\xNN`, `\uNNNN`,
 * `\UNNNNNNNN`, escaped line breaks). CRLF line ends and tabs are handled as YAML does. The alignment is rebuilt from
 * the source and checked against the parser's own value: when the two disagree (a construct not foreseen here), the
 * map is not `exact` and every offset maps to the whole scalar, so a finding is never placed on a wrong character.
 *
 * `VirtualText` joins several pieces (scalars or synthetic words) into one text for an embedded language and maps a
 * span of it back: into the scalar a piece came from, or to the fallback span of a synthetic piece.
 *
 * Pure: no YAML parsing here, only the node's range and CST token and the document source.
 */
import type { Scalar } from 'yaml';
import type { Span } from '../../core/types';

type Style = 'literal' | 'folded' | 'plain' | 'single' | 'double';

export interface ScalarMap {
  /** The scalar's value. */
  readonly text: string;
  /** The scalar node's source span (quotes and block header included), document-relative. */
  readonly whole: Span;
  /** False when the value could not be aligned with the source: then every offset maps to `whole`. */
  readonly exact: boolean;
  readonly style: Style;
  /** Source offset of a value offset (`0..text.length`). */
  at(offset: number): number;
  /** Source span of a value span; across escapes or folded line breaks it covers their source text. */
  span(s: Span): Span;
  /**
   * The source span of a value span that is a verbatim copy of the source (no escape, fold or indentation inside),
   * so that replacing it in the YAML replaces exactly that text of the value; `undefined` otherwise.
   */
  editSpan(s: Span): Span | undefined;
  /** Whether `text` can be written into this scalar verbatim (no character that the style would read differently). */
  safeText(text: string): boolean;
}

/** One source unit: a character, an escape, a line break, or source text that is not part of the value. */
interface Unit {
  start: number;
  end: number;
  /** The value text the unit stands for (`''` for skipped text; the characters of a run). */
  text: string;
  /** `run`: source characters copied verbatim, one value character each (a block scalar's line). */
  kind: 'char' | 'run' | 'esc' | 'nl' | 'skip';
  /** For a line break of a flow scalar, what folding makes of it: a space, a newline, or nothing. */
  fold?: ' ' | '\n' | '';
}

const STYLE: Record<string, Style> = {
  BLOCK_LITERAL: 'literal', BLOCK_FOLDED: 'folded', PLAIN: 'plain', QUOTE_SINGLE: 'single', QUOTE_DOUBLE: 'double',
};

/**
 * The offset map of a string scalar; `undefined` when the node is not a string scalar with a source range.
 * `source` is the text the node's ranges refer to (a document part's source).
 */
export function scalarOffsetMap(node: Scalar, source: string): ScalarMap | undefined {
  const value = node.value;
  const range = node.range;
  if (typeof value !== 'string' || !range) return undefined;
  const whole: Span = [range[0], Math.max(range[0], range[1])];
  const style = STYLE[String(node.type)] ?? guessStyle(source, whole[0]);
  let units: Unit[] | undefined;
  try {
    units = style === 'literal' || style === 'folded' ? blockUnits(node, source, whole) : flowUnits(source, whole, style);
  } catch {
    units = undefined;
  }
  const aligned = units ? align(value, units, style, whole[1]) : undefined;
  return makeMap(value, whole, style, aligned);
}

function guessStyle(source: string, at: number): Style {
  const c = source[at];
  return c === '|' ? 'literal' : c === '>' ? 'folded' : c === '"' ? 'double' : c === "'" ? 'single' : 'plain';
}

interface Aligned {
  starts: Int32Array;
  ends: Int32Array;
  /** 1 when the value character is a verbatim copy of one source character. */
  literal: Uint8Array;
}

function makeMap(text: string, whole: Span, style: Style, a: Aligned | undefined): ScalarMap {
  const n = text.length;
  const at = (o: number): number => {
    if (!a) return whole[0];
    const i = Math.max(0, Math.min(o, n));
    if (i < n) return a.starts[i]!;
    return n > 0 ? a.ends[n - 1]! : whole[0];
  };
  const span = (s: Span): Span => {
    if (!a) return whole;
    const x = Math.max(0, Math.min(s[0], n));
    const y = Math.max(x, Math.min(s[1], n));
    if (y === x) { const p = at(x); return [p, p]; }
    return [a.starts[x]!, Math.max(a.starts[x]!, a.ends[y - 1]!)];
  };
  const editSpan = (s: Span): Span | undefined => {
    if (!a) return undefined;
    const x = s[0];
    const y = s[1];
    if (x < 0 || y > n || y < x) return undefined;
    if (x === y) {
      // An insertion point between two verbatim characters (or at an end next to one).
      const before = x === 0 || a.literal[x - 1] === 1;
      const after = x === n || a.literal[x] === 1;
      if (!before || !after || n === 0) return undefined;
      if (x > 0 && x < n && a.ends[x - 1] !== a.starts[x]) return undefined;
      return [at(x), at(x)];
    }
    for (let i = x; i < y; i++) {
      if (a.literal[i] !== 1) return undefined;
      if (i > x && a.starts[i] !== a.ends[i - 1]) return undefined;
    }
    return [a.starts[x]!, a.ends[y - 1]!];
  };
  return { text, whole, exact: !!a, style, at, span, editSpan, safeText: t => safeIn(style, t) };
}

function safeIn(style: Style, t: string): boolean {
  if (/[\r\n\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t)) return false;
  switch (style) {
    case 'literal':
    case 'folded': return true;
    case 'double': return !/["\\]/.test(t);
    case 'single': return !t.includes("'");
    // Plain: only characters that never start a comment, a mapping or a flow collection, nor change the type.
    case 'plain': return /^[A-Za-z0-9 _.\-/=+@%()*~^$]*$/.test(t) && !/^\s|\s$/.test(t);
  }
}

/** Units of a block scalar: the content lines after the header, with the block's indentation removed. */
function blockUnits(node: Scalar, source: string, whole: Span): Unit[] | undefined {
  const tok = (node as { srcToken?: { source?: unknown; indent?: unknown } }).srcToken;
  const end = whole[1];
  let contentStart: number;
  if (tok && typeof tok.source === 'string') contentStart = end - tok.source.length;
  else {
    const nl = source.indexOf('\n', whole[0]);
    contentStart = nl < 0 || nl >= end ? end : nl + 1;
  }
  if (contentStart < whole[0] || contentStart > end) return undefined;
  // The header: `|` or `>`, then an indentation digit and/or a chomping indicator in either order.
  const header = /^[|>]([1-9]?)[+-]?([1-9]?)/.exec(source.slice(whole[0], Math.min(end, whole[0] + 4)));
  if (!header) return undefined;
  const digit = Number(header[1] || header[2] || 0);
  const content = source.slice(contentStart, end);
  const lines = content.split('\n');
  let indent: number;
  if (digit) {
    const parent = typeof tok?.indent === 'number' ? tok.indent : 0;
    indent = Math.max(0, parent) + digit;
  } else {
    indent = 0;
    for (const l of lines) {
      const body = l.replace(/\r$/, '');
      if (/[^ ]/.test(body)) { indent = body.length - body.replace(/^ +/, '').length; break; }
    }
  }
  const units: Unit[] = [];
  let pos = contentStart;
  lines.forEach((line, li) => {
    let k = 0;
    while (k < indent && line[k] === ' ') k++;
    if (k < line.length) units.push({ start: pos + k, end: pos + line.length, text: line.slice(k), kind: 'run' });
    pos += line.length;
    if (li < lines.length - 1) {
      units.push({ start: pos, end: pos + 1, text: '\n', kind: 'nl' });
      pos += 1;
    }
  });
  return units;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

/** Units of a flow scalar (plain, single- or double-quoted), with YAML line folding. */
function flowUnits(source: string, whole: Span, style: Style): Unit[] | undefined {
  let from = whole[0];
  let to = whole[1];
  if (style === 'single' || style === 'double') {
    const q = style === 'single' ? "'" : '"';
    if (source[from] !== q || source[to - 1] !== q || to - from < 2) return undefined;
    from++;
    to--;
  }
  const units: Unit[] = [];
  /** Marks the blanks before a line break as not part of the value (folding trims them). */
  const trimTrailing = () => {
    for (let j = units.length - 1; j >= 0; j--) {
      const u = units[j]!;
      if (u.kind === 'char' && (u.text === ' ' || u.text === '\t')) { u.kind = 'skip'; u.text = ''; continue; }
      if (u.kind === 'skip' && u.end - u.start === 1 && source[u.start] === '\r') continue;
      break;
    }
  };
  const skipLeading = (i: number): number => {
    while (i < to && (source[i] === ' ' || source[i] === '\t')) { units.push({ start: i, end: i + 1, text: '', kind: 'skip' }); i++; }
    return i;
  };
  let i = from;
  while (i < to) {
    const c = source[i]!;
    if (c === '\r' && source[i + 1] === '\n') { units.push({ start: i, end: i + 1, text: '', kind: 'skip' }); i++; continue; }
    if (c === '\n') {
      trimTrailing();
      units.push({ start: i, end: i + 1, text: '\n', kind: 'nl' });
      i = skipLeading(i + 1);
      continue;
    }
    if (style === 'single' && c === "'" && source[i + 1] === "'") {
      units.push({ start: i, end: i + 2, text: "'", kind: 'esc' });
      i += 2;
      continue;
    }
    if (style === 'double' && c === '\\') {
      const n = source[i + 1];
      if (n === undefined || i + 1 >= to) return undefined;
      if (n === '\n' || (n === '\r' && source[i + 2] === '\n')) {
        const len = n === '\n' ? 2 : 3;
        units.push({ start: i, end: i + len, text: '', kind: 'skip' });
        i = skipLeading(i + len);
        continue;
      }
      const simple = SIMPLE_ESCAPES[n];
      if (simple !== undefined) {
        units.push({ start: i, end: i + 2, text: simple, kind: 'esc' });
        i += 2;
        continue;
      }
      const hex = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
      const digits = source.slice(i + 2, i + 2 + hex);
      if (!hex || digits.length !== hex || !/^[0-9A-Fa-f]+$/.test(digits)) return undefined;
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff) return undefined;
      units.push({ start: i, end: i + 2 + hex, text: String.fromCodePoint(cp), kind: 'esc' });
      i += 2 + hex;
      continue;
    }
    units.push({ start: i, end: i + 1, text: c, kind: 'char' });
    i++;
  }
  // Line folding: a single break becomes a space; in a run of k breaks the first is dropped and the others are kept.
  for (let j = 0; j < units.length;) {
    if (units[j]!.kind !== 'nl') { j++; continue; }
    const run: Unit[] = [];
    let k = j;
    for (; k < units.length && (units[k]!.kind === 'nl' || (units[k]!.kind === 'skip' && units[k]!.text === '')); k++) {
      if (units[k]!.kind === 'nl') run.push(units[k]!);
    }
    run.forEach((u, idx) => { u.fold = run.length === 1 ? ' ' : idx === 0 ? '' : '\n'; });
    j = k;
  }
  return units;
}

/**
 * Walks the units and the value together. A line break stands for `\n` or, where YAML folds, for a space, or for
 * nothing (the first break of a run of empty lines); a blank that does not match is trimmed text. Anything else
 * that does not match means the rebuilt value differs from the parser's, and the alignment is given up.
 */
function align(value: string, units: Unit[], style: Style, end: number): Aligned | undefined {
  const n = value.length;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const literal = new Uint8Array(n);
  const folds = style !== 'literal';
  let v = 0;
  for (const u of units) {
    if (u.kind === 'skip') continue;
    if (u.kind === 'nl' && u.fold !== undefined) {
      if (u.fold === '') continue;
      if (value[v] !== u.fold) return undefined;
      starts[v] = u.start; ends[v] = u.end; literal[v] = 0; v++;
      continue;
    }
    if (u.kind === 'nl') {
      if (v < n && (value[v] === '\n' || (folds && value[v] === ' '))) {
        starts[v] = u.start; ends[v] = u.end; literal[v] = 0; v++;
      }
      continue;
    }
    if (u.kind === 'esc') {
      if (!value.startsWith(u.text, v)) return undefined;
      for (let k = 0; k < u.text.length; k++) { starts[v] = u.start; ends[v] = u.end; literal[v] = 0; v++; }
      continue;
    }
    if (u.kind === 'run' && value.startsWith(u.text, v)) {
      for (let k = 0; k < u.text.length; k++) { starts[v] = u.start + k; ends[v] = u.start + k + 1; literal[v] = 1; v++; }
      continue;
    }
    // Character by character (a run that is not copied whole: its trailing blanks were chomped).
    for (let k = 0; k < u.text.length; k++) {
      const c = u.text[k]!;
      if (v < n && value[v] === c) {
        starts[v] = u.start + k; ends[v] = u.start + k + 1; literal[v] = 1; v++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') continue; // trailing blanks of a block scalar, chomped
      return undefined;
    }
  }
  // A block scalar ending at the end of the text without a line break still gets its final newline.
  while (v < n) {
    if (value[v] !== '\n' || (style !== 'literal' && style !== 'folded')) return undefined;
    starts[v] = end; ends[v] = end; literal[v] = 0; v++;
  }
  return { starts, ends, literal };
}

/** A piece of a virtual text: a scalar's value (or a slice of it), or synthetic text with a fallback span. */
interface Piece {
  from: number;
  to: number;
  map?: ScalarMap;
  /** Offset of the piece's first character in the scalar's value. */
  offset: number;
  fallback: Span;
}

/**
 * A text assembled for an embedded language from YAML scalars and synthetic words, with the way back: `span` turns a
 * span of the text into a span of the YAML document, `editSpan` does so only where an edit can be made verbatim.
 */
export class VirtualText {
  private readonly pieces: Piece[] = [];
  private parts: string[] = [];
  private length = 0;

  /** Appends `map.text.slice(from, to)` (the whole value by default). */
  addScalar(map: ScalarMap, from = 0, to = map.text.length): this {
    const t = map.text.slice(from, to);
    this.pieces.push({ from: this.length, to: this.length + t.length, map, offset: from, fallback: map.whole });
    this.parts.push(t);
    this.length += t.length;
    return this;
  }

  /** Appends text that is in no scalar; findings on it are reported on `fallback`. */
  addSynthetic(text: string, fallback: Span): this {
    this.pieces.push({ from: this.length, to: this.length + text.length, offset: 0, fallback });
    this.parts.push(text);
    this.length += text.length;
    return this;
  }

  get text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }

  /** The first piece that ends after `o` (the last piece for the end of the text). */
  private pieceAt(o: number): Piece | undefined {
    let lo = 0;
    let hi = this.pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pieces[mid]!.to > o) hi = mid;
      else lo = mid + 1;
    }
    return this.pieces[lo] ?? this.pieces[this.pieces.length - 1];
  }

  /** The YAML span of a span of the text. A span that crosses pieces is cut at the end of its first piece. */
  span(s: Span): Span {
    const a = Math.max(0, Math.min(s[0], this.length));
    const b = Math.max(a, Math.min(s[1], this.length));
    const p = this.pieceAt(a);
    if (!p) return [0, 0];
    if (!p.map) return p.fallback;
    const end = Math.min(b, p.to);
    return p.map.span([a - p.from + p.offset, end - p.from + p.offset]);
  }

  /** The YAML span for an edit of a span of the text, or `undefined` when no verbatim edit is possible there. */
  editSpan(s: Span, newText: string): Span | undefined {
    const [a, b] = s;
    if (a < 0 || b > this.length || b < a) return undefined;
    const p = this.pieceAt(a);
    if (!p?.map || b > p.to || a < p.from) return undefined;
    if (!p.map.safeText(newText)) return undefined;
    return p.map.editSpan([a - p.from + p.offset, b - p.from + p.offset]);
  }
}
