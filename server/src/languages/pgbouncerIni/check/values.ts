/**
 * How PgBouncer reads a setting's value, by type (libusual usual/cfparser.c): `cf_set_int`/`cf_set_uint` (C `strtol`
 * / `strtoul` with base 0: decimal, `0x` hex, leading-0 octal, the whole value or nothing), `cf_set_time_usec`
 * (seconds as a decimal number, fractions allowed, no unit, not negative), `cf_set_lookup` (one of a list, case
 * ignored). Pure functions; the checks report.
 */
import type { Param } from '../catalogue';

const INT = /^[ \t\n\v\f\r]*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;
const TIME = /^[ \t\n\v\f\r]*([+-]?)(?:(0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?)|((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)|(inf(?:inity)?)|(nan(?:\([0-9A-Za-z_]*\))?))$/i;

/** `strtod` reads the whole value and the number is not below zero (`parse_time` refuses only `v < 0`). */
function timeOk(value: string): boolean {
  const m = TIME.exec(value);
  if (!m) return false;
  if (m[1] !== '-' || m[5] !== undefined) return true;
  if (m[4] !== undefined) return false;
  const digits = (m[2] ?? m[3]!).replace(/^0[xX]/, '').replace(/[pPeE].*$/, '');
  return /^[0.]*$/.test(digits);
}

/** Why PgBouncer refuses `value` for `p`, or `undefined` when it accepts it. */
export function valueProblem(p: Param, value: string): string | undefined {
  switch (p.type) {
    case 'int':
    case 'uint':
      if (INT.test(value)) return undefined;
      if (/^\d+(\.\d+)?\s*[a-zA-Z]+$/.test(value)) return 'is not a plain integer (PgBouncer takes no units)';
      return 'is not an integer';
    case 'time':
      if (timeOk(value)) return undefined;
      if (/^-/.test(value.trim())) return 'is negative';
      if (/^\d+(\.\d+)?\s*[a-zA-Z]+$/.test(value)) return 'is not a number of seconds (PgBouncer takes no units: write e.g. `30` or `0.5`)';
      return 'is not a number of seconds';
    case 'enum':
      return p.values!.some(v => v.toLowerCase() === value.toLowerCase()) ? undefined : `is not one of ${p.values!.map(v => `\`${v}\``).join(', ')}`;
    default:
      return undefined;
  }
}

/** The lookup value as PgBouncer stores it (case ignored), or `undefined`. */
export function lookup(p: Param | undefined, value: string | undefined): string | undefined {
  if (!p?.values || value === undefined) return undefined;
  return p.values.find(v => v.toLowerCase() === value.toLowerCase());
}
