/**
 * The size of a Secret: the API server refuses one whose values total more than 1 MiB (secret/too-large). Counted
 * without decoding or encoding anything, so a huge value costs one pass over its text.
 */
import type { Resource } from '../model';
import { SECRET } from '../rules';
import type { LiveContext } from './types';
import { get, isObj, spanAt } from './util';

/** The most a Secret's values may total (Kubernetes' core.MaxSecretSize). */
const MAX_SECRET_BYTES = 1024 * 1024;

/** The length of what a `data` value decodes to (Go's base64 decoding skips line breaks), without decoding it. */
function base64Bytes(v: string): number {
  let chars = 0;
  let pad = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 10 || c === 13) continue;
    chars++;
    pad = c === 61 ? pad + 1 : 0; // trailing '='
  }
  return Math.max(0, Math.floor(chars / 4) * 3 + (chars % 4 === 0 ? 0 : Math.max(0, (chars % 4) - 1)) - pad);
}

/** The UTF-8 length of a string, without encoding it. */
function utf8Bytes(v: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) { n += 4; i++; } else n += 3;
  }
  return n;
}

/**
 * A Secret over 1 MiB: the API server merges `stringData` into `data` (a key in both takes the `stringData` value)
 * and refuses the object when the values total more than MaxSecretSize, so it never exists in the cluster.
 */
export function checkSize(r: Resource, ctx: LiveContext): void {
  const data = get(r.data, ['data']);
  const stringData = get(r.data, ['stringData']);
  const sizes = new Map<string, number>();
  if (isObj(data)) for (const [k, v] of Object.entries(data)) if (typeof v === 'string') sizes.set(k, base64Bytes(v));
  if (isObj(stringData)) for (const [k, v] of Object.entries(stringData)) if (typeof v === 'string') sizes.set(k, utf8Bytes(v));
  let total = 0;
  for (const n of sizes.values()) total += n;
  if (total <= MAX_SECRET_BYTES) return;
  const field = isObj(data) ? 'data' : 'stringData';
  const over = total - MAX_SECRET_BYTES;
  const overText = over >= 10 * 1024 ? `${(over / 1024).toFixed(0)} KiB` : `${over.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')} byte${over === 1 ? '' : 's'}`;
  ctx.report(SECRET['too-large'], spanAt(r, [field], 'key'),
    `This Secret's values total ${total.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')} bytes, ${overText} over Kubernetes' limit of 1,048,576 bytes (1 MiB), so the API server refuses it ("Too long: may not be more than 1048576 bytes") and \`kubectl apply\` fails; split the values over several Secrets, or keep large files (bundles, keystores) in a volume.`);
}
