/**
 * A certificate's validity period against a clock, as data: not yet valid, expired, valid (and whether it ends within
 * a warning period). The caller passes `now`; the words of a message are the caller's.
 */

export const DAY_MS = 86_400_000;

export type ValidityState = 'valid' | 'not-yet-valid' | 'expired';

export interface Validity {
  /** OpenSSL's order (`check_cert_time`): a certificate before its notBefore is not yet valid, even when its notAfter has passed too. */
  state: ValidityState;
  /** Whole days from `now` to notAfter, rounded down (negative once expired). */
  daysLeft: number;
  /** Valid now but ending within `warnDays` days (never when `warnDays` is not positive). */
  expiring: boolean;
}

/** The validity of `c` at `now`; `undefined` when one of its dates is unreadable (an invalid Date). */
export function validityAt(c: { notBefore: Date; notAfter: Date }, now: Date, warnDays = 0): Validity | undefined {
  const before = c.notBefore.getTime(), after = c.notAfter.getTime(), t = now.getTime();
  if (Number.isNaN(before) || Number.isNaN(after) || Number.isNaN(t)) return undefined;
  const state: ValidityState = t < before ? 'not-yet-valid' : t > after ? 'expired' : 'valid';
  const left = after - t;
  return {
    state,
    daysLeft: Math.floor(left / DAY_MS),
    expiring: state === 'valid' && warnDays > 0 && left < warnDays * DAY_MS,
  };
}

/**
 * Whether the validity of certificate `c` of a CA file or entry matters. A single certificate always does. In a bundle
 * of several, OpenSSL picks, among the certificates named like an issuer, one that is valid now, so an expired or
 * not yet valid extra is skipped as long as it is not the anchor in use: it matters when it is in `used` (the anchors
 * the certificates seen beside it chain to), or when no certificate of the bundle is valid now.
 */
export function mattersInBundle(
  bundle: readonly { fingerprint256: string; notBefore: Date; notAfter: Date }[], c: { fingerprint256: string }, used: ReadonlySet<string>, now: Date,
): boolean {
  if (bundle.length < 2 || used.has(c.fingerprint256)) return true;
  return bundle.every(x => validityAt(x, now)?.state !== 'valid');
}

/** The `pgtls.expiryWarningDays` setting as a number of days: 0 (no warning) unless a positive finite number. */
export function warningDays(setting: unknown): number {
  return typeof setting === 'number' && Number.isFinite(setting) && setting > 0 ? setting : 0;
}
