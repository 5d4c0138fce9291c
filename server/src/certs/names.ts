/**
 * Syntax checks for what goes into a certificate's subject and subjectAltName. They run before any key is generated,
 * so a typo fails fast and with a message that says which entry is wrong. What an address is, and how names match,
 * is the X.509 room's (x509/names.ts).
 */
import { canonicalIp, isIpAddress } from '../x509';
import { CertError, quoteInput } from './algorithms';

export { canonicalIp, isIpAddress } from '../x509';

/** RFC 5280 `ub-common-name`; cert-manager rejects longer CNs too. */
export const MAX_COMMON_NAME = 64;
/** PostgreSQL's NAMEDATALEN - 1: longer role names are truncated, so a longer CN could never match the user. */
export const MAX_PG_IDENTIFIER_BYTES = 63;

// Underscores are allowed although RFC 1123 host names have none: Percona's replication certificate carries the
// dNSName `_crunchyrepl`, and SRV-style names (`_postgresql._tcp`) use them. OpenSSL and Go accept them in SANs.
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Why `s` is not usable as a dNSName, or `undefined` when it is. A leftmost `*` label makes a wildcard. */
export function dnsNameProblem(s: string): string | undefined {
  if (s.length === 0) return 'it is empty';
  if (s.length > 253) return 'it is longer than 253 characters';
  if (/[^\u0000-\u007f]/.test(s)) return 'it is not ASCII; write internationalised names in their punycode (xn--) form';
  if (s.endsWith('.')) return 'it ends with a dot; clients compare the name they dial without it, so drop the dot';
  const labels = s.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === '*' && i === 0 && labels.length > 1) continue;
    if (label.includes('*')) return 'a wildcard must be the whole leftmost label, as in *.example.svc';
    if (label.length === 0) return 'it has an empty label (two dots in a row, or a leading dot)';
    if (label.length > 63) return `a label is ${label.length} characters long; at most 63 are allowed`;
    if (!LABEL.test(label)) return `its label ${quoteInput(label)} may only hold letters, digits, hyphens and underscores, and may not start or end with a hyphen`;
  }
  if (labels.length > 1 && /^\d+$/.test(labels[labels.length - 1])) return 'it looks like an IP address but is not a valid one';
  return undefined;
}

export function isDnsName(s: string): boolean {
  return dnsNameProblem(s) === undefined;
}

/** Validates a subject common name: non-empty, at most 64 characters, no control characters. */
export function checkCommonName(cn: string, what: string): void {
  if (typeof cn !== 'string' || cn.length === 0) throw new CertError(`${what} must not be empty`);
  if ([...cn].length > MAX_COMMON_NAME) {
    throw new CertError(`${what} is ${[...cn].length} characters long; X.509 allows at most ${MAX_COMMON_NAME} (put long host names in the subject alternative names instead)`);
  }
  if (/[\u0000-\u001f\u007f]/.test(cn)) throw new CertError(`${what} must not contain control characters`);
}

export interface SubjectAltNames {
  dns: string[];
  ip: string[];
}

/**
 * Checks and de-duplicates SAN entries. DNS names compare case-insensitively (as libpq and OpenSSL match them),
 * addresses by their canonical form. The first spelling wins; order is kept.
 */
export function collectSans(dnsNames: readonly string[], ipAddresses: readonly string[], what: string): SubjectAltNames {
  const dns: string[] = [];
  const ip: string[] = [];
  const seenDns = new Set<string>();
  const seenIp = new Set<string>();
  for (const name of dnsNames) {
    if (typeof name !== 'string') throw new CertError(`${what}: every DNS name must be a string`);
    if (isIpAddress(name)) throw new CertError(`${what}: ${quoteInput(name)} is an IP address; list it among the IP addresses, not the DNS names`);
    const problem = dnsNameProblem(name);
    if (problem) throw new CertError(`${what}: ${quoteInput(name)} is not a valid DNS name: ${problem}`);
    const key = name.toLowerCase();
    if (!seenDns.has(key)) { seenDns.add(key); dns.push(name); }
  }
  for (const addr of ipAddresses) {
    if (typeof addr !== 'string' || !isIpAddress(addr)) {
      throw new CertError(`${what}: ${quoteInput(addr)} is not an IPv4 or IPv6 address (dotted quad without leading zeros, or IPv6 without a %zone)`);
    }
    const key = canonicalIp(addr);
    if (!seenIp.has(key)) { seenIp.add(key); ip.push(addr); }
  }
  return { dns, ip };
}

/** Sorts free-form SAN entries (as a CLI's `--san` list gives them) into IP addresses and DNS names. */
export function splitSans(entries: readonly string[]): SubjectAltNames {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const e of entries) (isIpAddress(e) ? ip : dns).push(e);
  return { dns, ip };
}
