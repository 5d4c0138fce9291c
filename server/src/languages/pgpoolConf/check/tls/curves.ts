/**
 * What Pgpool-II's `initialize_ecdh` does with `ssl_ecdh_curve`: `OBJ_sn2nid(name)` (exact, case-sensitive short
 * name), then `EC_KEY_new_by_curve_name(nid)`, then `SSL_CTX_set_tmp_ecdh` whose result it ignores. The data is
 * `schemas/openssl-curves.json`.
 */
import { didYouMean } from '../../../../core/text';

interface CurveData {
  curves: { name: string; fieldBits: number | null; tlsGroup: boolean }[];
  notCurves: string[];
  nistNames: Record<string, string>;
}

export type CurveVerdict =
  /** A curve OpenSSL can use as the single ECDHE group. */
  | { kind: 'ok' }
  /** `OBJ_sn2nid` fails: "ECDH: unrecognized curve name", SSL off. `suggestion` is the short name to use. */
  | { kind: 'unknown'; suggestion?: string }
  /** A known object that is not an EC curve (X25519, ED25519, ffdhe2048...): "ECDH: could not create key", SSL off. */
  | { kind: 'not-ec' }
  /** An EC curve that is not a TLS group: OpenSSL refuses it silently and keeps its default groups. */
  | { kind: 'not-tls-group' };

/** Classifies a `ssl_ecdh_curve` value. */
export function classifyCurve(json: unknown, name: string): CurveVerdict {
  const data = json as CurveData;
  const curve = data.curves.find(c => c.name === name);
  if (curve) return curve.tlsGroup ? { kind: 'ok' } : { kind: 'not-tls-group' };
  if (data.notCurves.includes(name)) return { kind: 'not-ec' };
  const nist = data.nistNames[name];
  if (nist) return { kind: 'unknown', suggestion: data.curves.some(c => c.name === nist) ? nist : undefined };
  const names = data.curves.filter(c => c.tlsGroup).map(c => c.name);
  const [best] = didYouMean(name, names, 1);
  return best ? { kind: 'unknown', suggestion: best } : { kind: 'unknown' };
}

/**
 * The curve names completion offers: those `classifyCurve` accepts (EC curves OpenSSL uses as a TLS group) of at least
 * 256 bits (the smaller ones give less than 128-bit security), the common NIST ones first.
 */
export function tlsCurveNames(json: unknown): string[] {
  const data = json as CurveData;
  const first = ['prime256v1', 'secp384r1', 'secp521r1'];
  const ok = data.curves.filter(c => (c.fieldBits ?? 0) >= 256).map(c => c.name).filter(n => classifyCurve(json, n).kind === 'ok');
  return [...first.filter(n => ok.includes(n)), ...ok.filter(n => !first.includes(n))];
}
