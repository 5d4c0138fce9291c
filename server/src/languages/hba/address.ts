/**
 * Numeric addresses as both servers read them: `getaddrinfo(AI_NUMERICHOST)` on glibc, which accepts the old
 * `inet_aton` IPv4 forms (`10` = 0.0.0.10, `127.1` = 127.0.0.1, octal `010`, hex `0x0a`) and `inet_pton` IPv6
 * with an optional `%scope`. Anything else is taken as a host name. CIDR suffixes follow `pg_sockaddr_cidr_mask`
 * (a `strtol` number from 0 to 32 / 128).
 */

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: number[];
  /** Written as a plain dotted quad / standard IPv6 text (for IPv4: four decimal parts without leading zeros). */
  canonicalForm: boolean;
  /** An IPv6 zone (`%eth0`), if any. */
  scope?: string;
}

function parseIpv4Part(s: string): number | undefined {
  if (s.length === 0) return undefined;
  let base = 10;
  let i = 0;
  if (s[0] === '0') {
    if (s.length > 1 && (s[1] === 'x' || s[1] === 'X')) {
      if (s.length === 2) return undefined; // glibc wants at least one hex digit after 0x
      base = 16;
      i = 2;
    }
    else { base = 8; i = 1; }
  }
  let v = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (base === 16 && ((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) d = (c | 32) - 87;
    else return undefined;
    if (d >= base) return undefined;
    v = v * base + d;
    if (v > 0xffffffff) return undefined;
  }
  return v;
}

/** IPv4 the way `inet_aton` reads it (1 to 4 parts), or undefined. */
export function parseIpv4(s: string): IpAddress | undefined {
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const vals: number[] = [];
  for (const p of parts) {
    const v = parseIpv4Part(p);
    if (v === undefined) return undefined;
    vals.push(v);
  }
  const limits = [[0xffffffff], [0xff, 0xffffff], [0xff, 0xff, 0xffff], [0xff, 0xff, 0xff, 0xff]][vals.length - 1]!;
  for (let i = 0; i < vals.length; i++) if (vals[i]! > limits[i]!) return undefined;
  let n: number;
  if (vals.length === 1) n = vals[0]!;
  else if (vals.length === 2) n = vals[0]! * 2 ** 24 + vals[1]!;
  else if (vals.length === 3) n = vals[0]! * 2 ** 24 + vals[1]! * 2 ** 16 + vals[2]!;
  else n = ((vals[0]! * 256 + vals[1]!) * 256 + vals[2]!) * 256 + vals[3]!;
  const bytes = [Math.floor(n / 2 ** 24) & 255, Math.floor(n / 2 ** 16) & 255, Math.floor(n / 256) & 255, n & 255];
  const canonicalForm = parts.length === 4 && parts.every(p => /^(0|[1-9][0-9]{0,2})$/.test(p));
  return { family: 4, bytes, canonicalForm };
}

/** Strict dotted quad as `inet_pton` wants it (also inside IPv6): four decimal parts without leading zeros. */
export function parseStrictIpv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out.push(v);
  }
  return out;
}

/** IPv6 per `inet_pton`, with an optional `%zone`. */
export function parseIpv6(input: string): IpAddress | undefined {
  let s = input;
  let scope: string | undefined;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    scope = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (scope.length === 0) return undefined;
  }
  if (s.length < 2 || !s.includes(':')) return undefined;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseStrictIpv4(g);
        if (!v4) return undefined;
        out.push(v4[0]! * 256 + v4[1]!, v4[2]! * 256 + v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let words: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    if (!head || !tail) return undefined;
    if (head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s, true);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  const bytes: number[] = [];
  for (const w of words) bytes.push(w >> 8, w & 255);
  const out: IpAddress = { family: 6, bytes, canonicalForm: true };
  if (scope !== undefined) out.scope = scope;
  return out;
}

/** A numeric host as `getaddrinfo(AI_NUMERICHOST)` accepts it; undefined means "a host name". */
export function parseNumericHost(s: string): IpAddress | undefined {
  return parseIpv4(s) ?? parseIpv6(s);
}

/** `pg_sockaddr_cidr_mask`: the bit count after `/`, or undefined when it is not a number in range. */
export function parseCidrBits(s: string, family: 4 | 6): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = Number(s);
  const max = family === 4 ? 32 : 128;
  if (!Number.isFinite(v) || v < 0 || v > max) return undefined;
  return v === 0 ? 0 : v; // -0 is 0
}

export function maskFromBits(bits: number, family: 4 | 6): number[] {
  const n = family === 4 ? 4 : 16;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = Math.max(0, Math.min(8, bits - i * 8));
    out.push(b === 0 ? 0 : (0xff << (8 - b)) & 0xff);
  }
  return out;
}

/** The prefix length of a contiguous mask, or undefined for masks such as 255.0.255.0. */
export function bitsFromMask(mask: number[]): number | undefined {
  let bits = 0;
  let ended = false;
  for (const byte of mask) {
    for (let k = 7; k >= 0; k--) {
      const set = (byte >> k) & 1;
      if (set && ended) return undefined;
      if (set) bits++;
      else ended = true;
    }
  }
  return bits;
}

export function networkOf(addr: number[], mask: number[]): number[] {
  return addr.map((b, i) => b & (mask[i] ?? 0));
}

export function hasHostBits(addr: number[], mask: number[]): boolean {
  return addr.some((b, i) => (b & ~(mask[i] ?? 0) & 0xff) !== 0);
}

export function formatIp(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(bytes[i]! * 256 + bytes[i + 1]!);
  // Compress the longest run of zero words (length >= 2), as inet_ntop does.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map(w => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** The last address of a network (for hover text). */
export function lastOf(addr: number[], mask: number[]): number[] {
  return addr.map((b, i) => (b & (mask[i] ?? 0)) | (~(mask[i] ?? 0) & 0xff));
}

export function isLoopback(ip: IpAddress, mask: number[]): boolean {
  const net = networkOf(ip.bytes, mask);
  if (ip.family === 4) return net[0] === 127 && (mask[0] ?? 0) === 255;
  return bitsFromMask(mask) === 128 && ip.bytes.slice(0, 15).every(b => b === 0) && ip.bytes[15] === 1;
}

/** Looks like someone meant a numeric address (digits and dots, or hex and colons). */
export function looksNumeric(s: string): boolean {
  return /^[0-9.]+$/.test(s) || (/^[0-9a-fA-F:.]+$/.test(s) && s.includes(':'));
}
