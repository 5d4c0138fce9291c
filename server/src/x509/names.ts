/**
 * The names a certificate answers to, and host-name verification as libpq does it (`verify-full`,
 * fe-secure-common.c and fe-secure-openssl.c): case-insensitive, a `*.` wildcard only as the whole leftmost label
 * standing for exactly one label, and the subject CN consulted only when the certificate has no SAN of the dialled
 * kind (no dNSName SAN for a host name, no iPAddress SAN for an address). PgBouncer's libtls check behaves the same.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Dotted-quad IPv4 (no leading zeros, which some parsers read as octal) or IPv6 without a zone id. */
export function isIpAddress(s: string): boolean {
  if (IPV4.test(s)) return true;
  if (!s.includes(':') || /[^0-9A-Fa-f:.]/.test(s)) return false;
  try {
    // The WHATWG URL parser implements the full RFC 4291 text grammar, including `::ffff:1.2.3.4`.
    return new URL(`http://[${s}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** A canonical form for comparing addresses (`::FFFF:7f00:1` and `::ffff:127.0.0.1` are the same). */
export function canonicalIp(s: string): string {
  return IPV4.test(s) ? s : new URL(`http://[${s}]/`).hostname.slice(1, -1);
}

/** Whether two texts are the same IP address (an IPv4 address and its IPv4-mapped IPv6 form are not, as for libpq). */
export function sameIp(a: string, b: string): boolean {
  try {
    return isIpAddress(a) && isIpAddress(b) && canonicalIp(a).toLowerCase() === canonicalIp(b).toLowerCase();
  } catch {
    return false;
  }
}

/** The names of a certificate: dNSName and iPAddress SANs and the subject CN. */
export interface CertNames {
  dns: string[];
  ips: string[];
  cn: string | undefined;
}

/**
 * The first CN of an RFC 4514 style distinguished name (`C=US, O=Acme, CN=db`), unescaped; `undefined` when there is
 * none. PostgreSQL reads the first CN of the subject too (`X509_NAME_get_text_by_NID`).
 */
export function commonName(dn: string): string | undefined {
  if (typeof dn !== 'string') return undefined;
  // Split on unescaped `,` and `+` (RDN and multi-valued RDN separators).
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === '\\' && i + 1 < dn.length) { cur += ch + dn[i + 1]; i++; continue; }
    if (ch === ',' || ch === '+') { parts.push(cur); cur = ''; continue; }
    cur += ch;
  }
  parts.push(cur);
  for (const p of parts) {
    const m = /^\s*(?:CN|commonName|2\.5\.4\.3)\s*=(.*)$/i.exec(p);
    if (!m) continue;
    let v = m[1]!.trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    return v.replace(/\\([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\(.)/g, '$1');
  }
  return undefined;
}

/** A certificate in a message: its subject in quotes, or its issuer when the subject is empty. */
export function certLabel(c: { subject: string; issuer: string }): string {
  if (c.subject) return `"${c.subject}"`;
  return c.issuer ? `(empty subject, issued by "${c.issuer}")` : '(no subject or issuer name)';
}

/** The names of a certificate as the TLS backend reports them (`DNS:x`, `IP:y`; other SAN types are ignored). */
export function certNames(cert: { subject: string; subjectAltNames: readonly string[] }): CertNames {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const s of Array.isArray(cert.subjectAltNames) ? cert.subjectAltNames : []) {
    if (typeof s !== 'string') continue;
    if (s.startsWith('DNS:')) dns.push(s.slice(4));
    else if (s.startsWith('IP:')) ips.push(s.slice(3));
  }
  return { dns, ips, cn: commonName(cert.subject) };
}

/**
 * libpq's `wildcard_certificate_match`, step by step: the pattern starts with `*.` and is no longer than the host,
 * the host ends with the pattern after its `*` (any case), and no dot comes before the last character the `*`
 * stands for.
 */
export function wildcardMatch(pattern: string, host: string): boolean {
  const lenpat = pattern.length, lenstr = host.length;
  if (lenpat < 3 || !pattern.startsWith('*.')) return false;
  if (lenpat > lenstr) return false;
  if (pattern.slice(1).toLowerCase() !== host.slice(lenstr - lenpat + 1).toLowerCase()) return false;
  const dot = host.indexOf('.');
  return !(dot >= 0 && dot < lenstr - lenpat);
}

/** libpq's comparison of one certificate name with the host: the same text in any case, or a wildcard match. */
export function nameMatches(name: string, host: string): boolean {
  return name.toLowerCase() === host.toLowerCase() || wildcardMatch(name, host);
}

/**
 * Whether a client verifying the host name (`verify-full`) accepts the certificate for `host`, as libpq decides: a host
 * name against the dNSName SANs, falling back to the CN only when there is no dNSName SAN; an IP address against the
 * iPAddress SANs (and, as text, the dNSName SANs), falling back to the CN only when there is no iPAddress SAN.
 */
export function matchesHost(names: CertNames, host: string): boolean {
  if (isIpAddress(host)) {
    if (names.ips.some(ip => sameIp(ip, host))) return true;
    if (names.dns.some(n => nameMatches(n, host))) return true;
    return names.ips.length === 0 && names.cn !== undefined && nameMatches(names.cn, host);
  }
  if (names.dns.length > 0) return names.dns.some(n => nameMatches(n, host));
  return names.cn !== undefined && nameMatches(names.cn, host);
}
