/**
 * How Pgpool-II turns a value string into a number (pool_config_variables.c `parse_int`, `convert_to_base_unit`),
 * with C's `strtol(…, 0)` / `strtod` / `atof` / `rint` reproduced in TypeScript. Beside the model rather than in
 * check/ because hover shows parsed values too.
 */

export type Unit = 's' | 'ms' | 'min' | 'B' | 'kB';

/** C `isspace` in the C locale. */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Round half to even, as C `rint` does in the default rounding mode. */
export function rint(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.floor(v);
  const diff = v - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

const LONG_MAX = 9223372036854775807;

interface NumParse {
  value: number;
  /** Index just after the number; equal to the start index when nothing was converted. */
  end: number;
  overflow: boolean;
}

/** C `strtol(s, &end, 0)`: blanks, sign, `0x` hex, leading-0 octal or decimal. */
export function strtol(s: string, from = 0): NumParse {
  let i = from;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++; }
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) { base = 16; i += 2; }
  else if (s[i] === '0') base = 8;
  const digitsStart = i;
  let v = 0;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, base);
    if (Number.isNaN(d)) break;
    v = v * base + d;
  }
  if (i === digitsStart) return { value: 0, end: from, overflow: false };
  return { value: neg ? -v : v, end: i, overflow: v > LONG_MAX };
}

/** C `strtod`: decimal or hex floats, `inf`/`infinity`/`nan`; `overflow` when the result is out of double range. */
export function strtod(s: string, from = 0): NumParse {
  let i = from;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let sign = 1;
  if (s[i] === '+' || s[i] === '-') { if (s[i] === '-') sign = -1; i++; }
  const rest = s.slice(i, i + 8).toLowerCase();
  if (rest.startsWith('infinity')) return { value: sign * Infinity, end: i + 8, overflow: false };
  if (rest.startsWith('inf')) return { value: sign * Infinity, end: i + 3, overflow: false };
  if (rest.startsWith('nan')) {
    let e = i + 3;
    const m = /^\([0-9A-Za-z_]*\)/.exec(s.slice(e));
    if (m) e += m[0].length;
    return { value: NaN, end: e, overflow: false };
  }
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
    const m = /^0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([-+]?[0-9]+))?/.exec(s.slice(i));
    if (m) {
      const int = m[1] ?? '';
      const frac = m[2] ?? m[3] ?? '';
      let v = 0;
      for (const ch of int) v = v * 16 + parseInt(ch, 16);
      let scale = 1 / 16;
      for (const ch of frac) { v += parseInt(ch, 16) * scale; scale /= 16; }
      if (m[4] !== undefined) v *= Math.pow(2, Number(m[4]));
      return { value: sign * v, end: i + m[0].length, overflow: !Number.isFinite(v) };
    }
    // "0x" without hex digits: strtod reads the 0 alone
    return { value: 0, end: i + 1, overflow: false };
  }
  const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?/.exec(s.slice(i));
  if (!m) return { value: 0, end: from, overflow: false };
  const v = Number(m[0]);
  const underflow = v === 0 && /[1-9]/.test(m[0].replace(/[eE].*$/, ''));
  return { value: sign * v, end: i + m[0].length, overflow: !Number.isFinite(v) || underflow };
}

/** C `atof`: the longest numeric prefix, 0 when there is none. Pgpool-II uses it for `backend_weightN`, unchecked. */
export function atof(s: string): { value: number; clean: boolean } {
  const r = strtod(s);
  let e = r.end;
  while (e < s.length && isCSpace(s.charCodeAt(e))) e++;
  const value = r.end === 0 && r.value === 0 ? 0 : r.value;
  return { value: Number.isNaN(value) ? 0 : value, clean: r.end > 0 && e === s.length && !Number.isNaN(r.value) };
}

export const MEMORY_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;
export const TIME_UNITS = ['us', 'ms', 's', 'min', 'h', 'd'] as const;

/** Size of one unit in bytes / milliseconds, per family. */
const MEMORY_BYTES: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60000, h: 3600000, d: 86400000 };

export function isMemoryUnit(u: Unit): boolean {
  return u === 'B' || u === 'kB';
}

/** The units a parameter with base unit `base` accepts, in the order Pgpool-II's hint lists them. */
export function validUnits(base: Unit): readonly string[] {
  return isMemoryUnit(base) ? MEMORY_UNITS : TIME_UNITS;
}

/**
 * `convert_to_base_unit`: the unit is at most 3 non-blank characters followed only by blanks, compared
 * case-sensitively. A fractional value is first rounded to a whole number of the next smaller unit.
 */
function convertToBase(value: number, unitText: string, base: Unit): number | undefined {
  let i = 0;
  let unit = '';
  while (i < unitText.length && !isCSpace(unitText.charCodeAt(i)) && unit.length < 3) unit += unitText[i++];
  while (i < unitText.length && isCSpace(unitText.charCodeAt(i))) i++;
  if (i < unitText.length) return undefined;
  const table = isMemoryUnit(base) ? MEMORY_BYTES : TIME_MS;
  const names = isMemoryUnit(base) ? MEMORY_UNITS : TIME_UNITS;
  const m = table[unit];
  if (m === undefined) return undefined;
  const baseSize = table[base]!;
  let v = value * (m / baseSize);
  const idx = (names as readonly string[]).indexOf(unit);
  if (idx > 0) {
    const smaller = table[names[idx - 1]!]! / baseSize;
    v = rint(v / smaller) * smaller;
  }
  return v;
}

export type IntResult =
  | { ok: true; value: number; unitUsed?: string }
  | { ok: false; reason: 'syntax' | 'unit-not-allowed' | 'bad-unit' | 'too-large'; unitText?: string };

/**
 * `parse_int`: `strtol(…, 0)` (hex, octal), falling back to `strtod` when it stops at `.`, `e` or `E`; blanks, then an
 * optional unit (only when the parameter has one); `rint`; then the type's own bounds (`val > max || val < INT_MIN`).
 */
export function parseIntValue(text: string, unit: Unit | undefined, typeMax: number): IntResult {
  let r = strtol(text);
  const stop = text[r.end];
  if (stop === '.' || stop === 'e' || stop === 'E' || r.overflow) r = strtod(text);
  if (r.end === 0 || r.overflow) return { ok: false, reason: r.overflow ? 'too-large' : 'syntax' };
  if (Number.isNaN(r.value)) return { ok: false, reason: 'syntax' };
  let e = r.end;
  while (e < text.length && isCSpace(text.charCodeAt(e))) e++;
  let v = r.value;
  let unitUsed: string | undefined;
  if (e < text.length) {
    const unitText = text.slice(e);
    if (!unit) return { ok: false, reason: 'unit-not-allowed', unitText };
    const converted = convertToBase(v, unitText, unit);
    if (converted === undefined) return { ok: false, reason: 'bad-unit', unitText };
    v = converted;
    unitUsed = unitText.trim();
  }
  v = rint(v);
  if (!Number.isFinite(v) || v > typeMax || v < -2147483648) return { ok: false, reason: 'too-large' };
  return unitUsed ? { ok: true, value: v, unitUsed } : { ok: true, value: v };
}

export const INT_MAX = 2147483647;
export const INT64_MAX = 9223372036854775807;

/** Formats a range bound the way a user would write it (0777-style octal is shown in decimal and octal). */
export function formatBound(n: number): string {
  if (n === INT_MAX) return '2147483647';
  if (n >= 9.2e18) return '9223372036854775807';
  return String(n);
}
