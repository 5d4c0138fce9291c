/**
 * The validity period of a certificate pgtls makes: `--days`, or `--not-before` / `--not-after` given as absolute
 * dates (`2030-01-31`, ISO 8601 `2030-01-31T12:00:00Z`) or relative to now (`-30d`, `+2y`, `12h`), resolved against
 * the caller's `now` and the issuing CA. One module for every generating command (set, ca, server, client,
 * replication, sign) so that they parse and refuse alike. Pure: no clock (the caller passes `now`).
 *
 * Policy:
 * - a period that ends before (or where) it starts is always refused;
 * - a certificate already expired or not yet valid at `now` is refused unless `allowInvalidDates` (such certificates
 *   are only for users' own negative tests);
 * - a leaf never outlives its CA: a notAfter past the issuer's is cut to the issuer's, and the cut is reported in
 *   `clamped` so that the caller says so (cert-manager's CA issuer cuts the same way, silently).
 */
import { CertError, quoteInput } from './algorithms';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 86_400_000;

/** notBefore is backdated by this much, so a peer whose clock is a little behind does not see "not yet valid". */
export const CLOCK_SKEW_MS = 5 * MINUTE_MS;
/** A hundred years: anything longer is a typo (and outlives every toolchain that could read it). */
export const MAX_DAYS = 36500;

/** What the user asked for; every field optional. Dates are Date objects or the strings `parseDateSpec` reads. */
export interface ValidityRequest {
  /** Length of the period in whole days (1..36500); cannot be combined with both dates. */
  days?: number;
  notBefore?: Date | string;
  notAfter?: Date | string;
  /** Accept a period that does not contain `now` (already expired or not yet valid). */
  allowInvalidDates?: boolean;
}

export interface ResolvedValidity {
  notBefore: Date;
  notAfter: Date;
  /** Set when the requested notAfter lay past the issuer's and was cut to it: the requested date. */
  clamped?: Date;
}

/** Units of a relative date: hours, days, weeks, years of 365 days. (No `m`: minutes or months would be a guess.) */
const UNIT_MS: Readonly<Record<string, number>> = { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS, y: 365 * DAY_MS };

/**
 * Reads a date given on the command line, relative to `now`: `-30d`, `+2y`, `12h` (no sign means later), or an
 * absolute UTC date `YYYY-MM-DD` (midnight UTC) or ISO 8601 date-time `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`
 * (without a zone it is read as UTC). Throws a CertError naming `what` and the accepted forms.
 */
export function parseDateSpec(spec: string, now: Date, what: string): Date {
  const s = String(spec).trim();
  const rel = /^([+-]?)(\d{1,6})([hdwy])$/i.exec(s);
  if (rel) {
    const ms = Number(rel[2]) * UNIT_MS[rel[3]!.toLowerCase()]!;
    return wholeSeconds(now.getTime() + (rel[1] === '-' ? -ms : ms));
  }
  const abs = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(s);
  if (abs) {
    const [, y, mo, d, h = '00', mi = '00', sec = '00', zone = 'Z'] = abs;
    const fields = [y, mo, d, h, mi, sec].map(Number) as [number, number, number, number, number, number];
    const utc = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
    const check = new Date(utc);
    // Date.UTC rolls 2030-02-30 over into March; refuse instead of guessing.
    if (check.getUTCMonth() !== fields[1] - 1 || check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
      throw new CertError(`${what}: ${quoteInput(s)} is not a calendar date`);
    }
    return wholeSeconds(utc - zoneOffsetMs(zone));
  }
  throw new CertError(`${what}: cannot read ${quoteInput(s)}; give a date (2030-01-31, 2030-01-31T12:00:00Z) or a time relative to now (-30d, +2y, 12h; units h, d, w, y)`);
}

function zoneOffsetMs(zone: string): number {
  if (/^z$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const ms = (Number(m[2]) * 60 + Number(m[3])) * MINUTE_MS;
  return m[1] === '-' ? -ms : ms;
}

/**
 * The period of a certificate made at `now`: by default [now − 5 minutes, now + days]; with dates, those. When only
 * notBefore is given the period lasts `days` (or the default) from it; when only notAfter is given it starts 5 minutes
 * before `now`, or `days` before notAfter when that would not come before it (an expired test certificate).
 * Refusals: see the module comment. `what` names the certificate in messages.
 */
export function resolveValidity(req: ValidityRequest, now: Date, defaultDays: number, what: string, issuerNotAfter?: Date): ResolvedValidity {
  const bothDates = req.notBefore !== undefined && req.notAfter !== undefined;
  if (req.days !== undefined && bothDates) throw new CertError(`${what}: give --days or both --not-before and --not-after, not all three`);
  const days = req.days ?? defaultDays;
  if (!Number.isInteger(days) || days <= 0 || days > MAX_DAYS) {
    throw new CertError(`${what}: days must be a whole number from 1 to ${MAX_DAYS}; got ${String(days)}`);
  }
  const asDate = (v: Date | string | undefined, flag: string) =>
    v === undefined ? undefined : typeof v === 'string' ? parseDateSpec(v, now, `${what}: ${flag}`) : checkDate(v, `${what}: ${flag}`);
  const givenBefore = asDate(req.notBefore, 'not-before');
  const givenAfter = asDate(req.notAfter, 'not-after');
  const span = days * DAY_MS;
  // Whole seconds: the DER time types hold no fractions, and a CA's notAfter read back must equal the one kept here.
  let notBefore: Date, notAfter: Date;
  if (givenBefore && givenAfter) [notBefore, notAfter] = [givenBefore, givenAfter];
  else if (givenBefore) [notBefore, notAfter] = [givenBefore, wholeSeconds(givenBefore.getTime() + span)];
  else {
    notAfter = givenAfter ?? wholeSeconds(now.getTime() + span);
    const skewed = wholeSeconds(now.getTime() - CLOCK_SKEW_MS);
    notBefore = givenAfter && givenAfter <= skewed ? wholeSeconds(givenAfter.getTime() - span) : skewed;
  }
  if (notAfter <= notBefore) {
    throw new CertError(`${what}: not-after (${iso(notAfter)}) must come after not-before (${iso(notBefore)})`);
  }
  let clamped: Date | undefined;
  // Like cert-manager's CA issuer, cut a leaf off at its issuer's expiry: past it the chain cannot verify anyway,
  // and a notAfter that promises more than the chain can keep misleads whoever plans the rotation.
  if (issuerNotAfter && notAfter > issuerNotAfter) {
    clamped = notAfter;
    notAfter = wholeSeconds(issuerNotAfter.getTime());
    if (notAfter <= notBefore) {
      throw new CertError(issuerNotAfter <= now
        ? `${what}: the issuing CA expired at ${iso(issuerNotAfter)}; give --not-before and --not-after within its validity (e.g. --not-before -30d --not-after -2d) for a certificate it could have issued`
        : `${what}: the issuing CA expires at ${iso(notAfter)}, before the certificate's not-before (${iso(notBefore)})`);
    }
  }
  if (notBefore.getUTCFullYear() < 1950 || notAfter.getUTCFullYear() > 9999) {
    throw new CertError(`${what}: certificate dates must lie between the years 1950 and 9999 (now is ${now.toISOString()}, ${days} days)`);
  }
  if (!req.allowInvalidDates) {
    if (notAfter.getTime() < now.getTime()) {
      throw new CertError(`${what}: it would be expired already (not-after ${iso(notAfter)}); pass --allow-invalid-dates to make an expired certificate for a negative test`);
    }
    if (notBefore.getTime() > now.getTime()) {
      throw new CertError(`${what}: it would not be valid yet (not-before ${iso(notBefore)}); pass --allow-invalid-dates to make a not-yet-valid certificate for a negative test`);
    }
  }
  return clamped ? { notBefore, notAfter, clamped } : { notBefore, notAfter };
}

function checkDate(d: Date, what: string): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new CertError(`${what} must be a valid date`);
  return wholeSeconds(d.getTime());
}

export function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

/** `2030-01-31 12:00:00 UTC`. */
export function iso(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

/** The sentence a caller prints when a leaf was cut to its CA's expiry. */
export function clampNote(what: string, v: ResolvedValidity): string | undefined {
  return v.clamped ? `${what}: not-after cut from ${iso(v.clamped)} to ${iso(v.notAfter)}, when the issuing CA expires (a leaf never outlives its CA)` : undefined;
}
