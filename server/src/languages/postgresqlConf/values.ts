/**
 * How PostgreSQL turns a postgresql.conf value into a setting (src/backend/utils/misc/guc.c of 15–17): `parse_bool`,
 * `parse_int` (strtol with base 0, then strtod when it stops at `.`/`e` or overflows; a blank may separate the unit;
 * `convert_to_base_unit` rounds a fraction to the next smaller unit; `rint`, round half to even; the int range),
 * `parse_real` (strtod, including hex, `inf` and `nan`, which is refused), enum lookup ignoring case. Pure functions
 * of the value text and the parameter's unit, so that the checks, hover and the differential test agree.
 */

/** Base units as pg_settings shows them (`8kB` is a block: shared_buffers, wal_buffers, ...). */
export type Unit = 'B' | 'kB' | 'MB' | '8kB' | 'ms' | 's' | 'min';

const MEMORY_UNITS = ['TB', 'GB', 'MB', 'kB', 'B'] as const;
const TIME_UNITS = ['d', 'h', 'min', 's', 'ms', 'us'] as const;
const KB = 1024;

/** Multipliers from each unit a user writes to each base unit, in the order of PostgreSQL's tables. */
const TABLE: Record<Unit, readonly (readonly [string, number])[]> = {
  B: [['TB', KB * KB * KB * KB], ['GB', KB * KB * KB], ['MB', KB * KB], ['kB', KB], ['B', 1]],
  kB: [['TB', KB * KB * KB], ['GB', KB * KB], ['MB', KB], ['kB', 1], ['B', 1.0 / KB]],
  MB: [['TB', KB * KB], ['GB', KB], ['MB', 1], ['kB', 1.0 / KB], ['B', 1.0 / (KB * KB)]],
  '8kB': [['TB', (KB * KB * KB) / 8], ['GB', (KB * KB) / 8], ['MB', KB / 8], ['kB', 1.0 / 8], ['B', 1.0 / 8192]],
  ms: [['d', 1000 * 60 * 60 * 24], ['h', 1000 * 60 * 60], ['min', 1000 * 60], ['s', 1000], ['ms', 1], ['us', 1.0 / 1000]],
  s: [['d', 60 * 60 * 24], ['h', 60 * 60], ['min', 60], ['s', 1], ['ms', 1.0 / 1000], ['us', 1.0 / (1000 * 1000)]],
  min: [['d', 60 * 24], ['h', 60], ['min', 1], ['s', 1.0 / 60], ['ms', 1.0 / (1000 * 60)], ['us', 1.0 / (1000 * 1000 * 60)]],
};

export const INT_MAX = 2147483647;
export const INT_MIN = -2147483648;

export function isMemoryUnit(u: Unit): boolean {
  return u === 'B' || u === 'kB' || u === 'MB' || u === '8kB';
}

/** The units a value of a parameter with base unit `u` may carry. */
export function unitsFor(u: Unit): readonly string[] {
  return isMemoryUnit(u) ? MEMORY_UNITS : TIME_UNITS;
}

/** C `isspace` in the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** `rint` in the default rounding mode: to nearest, ties to even. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** PostgreSQL's `parse_bool`: case-insensitive unique prefixes of true/false/yes/no, `on`/`off` (two letters at least), 1, 0. */
export function parseBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  const n = v.length;
  if (n === 0) return undefined;
  const prefixOf = (word: string, min = 1): boolean => n >= min && n <= word.length && word.startsWith(v);
  switch (v[0]) {
    case 't': return prefixOf('true') ? true : undefined;
    case 'f': return prefixOf('false') ? false : undefined;
    case 'y': return prefixOf('yes') ? true : undefined;
    case 'n': return prefixOf('no') ? false : undefined;
    case 'o': return prefixOf('on', 2) ? true : prefixOf('off', 2) ? false : undefined;
    case '1': return n === 1 ? true : undefined;
    case '0': return n === 1 ? false : undefined;
    default: return undefined;
  }
}

interface Scan { value: number; end: number; erange: boolean }

/** glibc `strtol(s, &end, 0)` on a 64-bit long: blanks, a sign, `0x` hex, leading-0 octal or decimal. */
export function strtol0(s: string): Scan {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++; }
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) { base = 16; i += 2; } else if (s[i] === '0') base = 8;
  const start = i;
  let v = 0n;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, base);
    if (Number.isNaN(d)) break;
    v = v * BigInt(base) + BigInt(d);
  }
  if (i === start) return { value: 0, end: 0, erange: false };
  const signed = neg ? -v : v;
  const erange = signed > 9223372036854775807n || signed < -9223372036854775808n;
  return { value: Number(signed), end: i, erange };
}

/** glibc `strtod`: blanks, a sign, `inf`/`infinity`/`nan[(…)]`, hex (`0x1.8p3`) or decimal with exponent; ERANGE on overflow and underflow. */
export function strtod(s: string): Scan {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let sign = 1;
  if (s[i] === '+' || s[i] === '-') { if (s[i] === '-') sign = -1; i++; }
  const rest = s.slice(i);
  const special = /^(infinity|inf|nan(\([0-9A-Za-z_]*\))?)/i.exec(rest);
  if (special) {
    const v = special[1]!.toLowerCase().startsWith('nan') ? NaN : sign * Infinity;
    return { value: v, end: i + special[0].length, erange: false };
  }
  const hex = /^0[xX](([0-9a-fA-F]+)(\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))([pP][-+]?[0-9]+)?/.exec(rest);
  if (hex) {
    const intPart = hex[2] ?? '';
    const frac = hex[4] ?? hex[5] ?? '';
    let v = 0;
    for (const ch of intPart + frac) v = v * 16 + parseInt(ch, 16);
    const exp = hex[6] ? parseInt(hex[6].slice(1), 10) : 0;
    v = v * 2 ** (exp - 4 * frac.length);
    return finish(sign * v, i + hex[0].length, /[1-9a-fA-F]/.test(intPart + frac));
  }
  const dec = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?/.exec(rest);
  if (dec) return finish(sign * Number(dec[0]), i + dec[0].length, /[1-9]/.test(dec[1]!));
  return { value: 0, end: 0, erange: false };
}

function finish(value: number, end: number, nonZero: boolean): Scan {
  const erange = !Number.isFinite(value) || (nonZero && Math.abs(value) < 2.2250738585072014e-308);
  return { value, end, erange };
}

export type NumberResult =
  | { ok: true; value: number }
  /** Not a number at all (or NaN, or overflowing a double); PostgreSQL gives no hint. */
  | { ok: false; why: 'syntax' }
  /** Something after the number on a parameter without a unit. */
  | { ok: false; why: 'no-unit'; rest: string }
  /** A unit the parameter does not take, or garbage after the unit (hint: the valid units). */
  | { ok: false; why: 'unit'; rest: string }
  /** Outside the int range after conversion ("Value exceeds integer range."). */
  | { ok: false; why: 'int-range'; value: number };

/** `convert_to_base_unit`: the unit (at most 3 characters, then only blanks) and the rounding to the next smaller unit. */
function convert(value: number, rest: string, base: Unit): number | undefined {
  let i = 0;
  let unit = '';
  while (i < rest.length && !isSpace(rest.charCodeAt(i)) && unit.length < 3) unit += rest[i++];
  while (i < rest.length && isSpace(rest.charCodeAt(i))) i++;
  if (i < rest.length) return undefined;
  const table = TABLE[base];
  const k = table.findIndex(([u]) => u === unit);
  if (k < 0) return undefined;
  let v = value * table[k]![1];
  const next = table[k + 1];
  if (next) v = rint(v / next[1]) * next[1];
  return v;
}

/** After the number: blanks, then nothing or a unit. */
function withUnit(value: number, s: string, end: number, unit: Unit | undefined): NumberResult {
  let i = end;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (i >= s.length) return { ok: true, value };
  const rest = s.slice(i);
  if (!unit) return { ok: false, why: 'no-unit', rest };
  const v = convert(value, rest, unit);
  return v === undefined ? { ok: false, why: 'unit', rest } : { ok: true, value: v };
}

/** `parse_int`: the integer PostgreSQL stores for `value` (before the parameter's own range check). */
export function parseIntValue(value: string, unit: Unit | undefined): NumberResult {
  let scan = strtol0(value);
  const stop = value[scan.end];
  if (stop === '.' || stop === 'e' || stop === 'E' || scan.erange) scan = strtod(value);
  if (scan.end === 0 || scan.erange || Number.isNaN(scan.value)) return { ok: false, why: 'syntax' };
  const r = withUnit(scan.value, value, scan.end, unit);
  if (!r.ok) return r;
  const v = rint(r.value);
  if (v > INT_MAX || v < INT_MIN) return { ok: false, why: 'int-range', value: v };
  return { ok: true, value: v };
}

/** `parse_real`: the number PostgreSQL stores for `value` (before the range check). */
export function parseRealValue(value: string, unit: Unit | undefined): NumberResult {
  const scan = strtod(value);
  if (scan.end === 0 || scan.erange || Number.isNaN(scan.value)) return { ok: false, why: 'syntax' };
  return withUnit(scan.value, value, scan.end, unit);
}

/** A number as PostgreSQL's `%g` prints it (six significant digits). */
export function formatG(n: number): string {
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = n.toExponential(5).split('e');
    const mant = m!.replace(/\.?0+$/, '');
    const ee = Number(e);
    return `${mant}e${ee < 0 ? '-' : '+'}${String(Math.abs(ee)).padStart(2, '0')}`;
  }
  return String(Number(n.toPrecision(6)));
}
