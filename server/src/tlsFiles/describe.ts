/**
 * Certificates and keys in words, for the hovers that show what a file or a Secret value holds: each certificate's
 * subject, issuer, SANs, validity relative to the environment's clock ("expires in N days", "expired"), key, signature
 * algorithm, CA flag and SHA-256 fingerprint; a private key's type and size only. Key material is never shown. Pure:
 * it describes what the TLS backend (`ServiceEnv.tls`) read.
 */
import type { Certificate, PublicKeyInfo } from '../core/tlsBackend';
import { DAY_MS, ekuName, namedCurve, validityAt } from '../x509';

const isoDate = (d: Date): string => (Number.isNaN(d.getTime()) ? 'invalid date' : d.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** "in 3 days", "less than a day ago"… for a time `ms` from now (negative: in the past). */
function relative(ms: number): string {
  const days = Math.floor(Math.abs(ms) / DAY_MS);
  const amount = days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** `2025-01-01T00:00:00Z to 2026-01-01T00:00:00Z: expires in 212 days`, or **expired …**, **not valid yet …**. */
export function validityText(c: Certificate, now: Date, warningDays: number): string {
  const v = validityAt(c, now, warningDays);
  const toEnd = c.notAfter.getTime() - now.getTime();
  let state: string;
  if (!v) state = 'validity unknown';
  else if (v.state === 'expired') state = `**expired ${relative(toEnd)}**`;
  else if (v.state === 'not-yet-valid') state = `**not valid yet** (starts ${relative(c.notBefore.getTime() - now.getTime())})`;
  else state = `expires ${relative(toEnd)}${v.expiring ? ` (within the ${warningDays}-day warning period, \`pgtls.expiryWarningDays\`)` : ''}`;
  return `${isoDate(c.notBefore)} to ${isoDate(c.notAfter)}: ${state}`;
}

/** An EC curve as `P-256 (prime256v1)` when it has a printed name besides OpenSSL's, else as OpenSSL names it. */
function curveText(curve: string): string {
  const name = namedCurve(curve)?.name;
  return name && name !== curve ? `${name} (${curve})` : curve;
}

/** `RSA 2048 bits`, `EC P-256 (prime256v1)`, `Ed25519`. */
export function keyText(k: PublicKeyInfo): string {
  switch (k.type) {
    case 'rsa': return `RSA${k.bits ? ` ${k.bits} bits` : ''}`;
    case 'rsa-pss': return `RSA-PSS${k.bits ? ` ${k.bits} bits` : ''}`;
    case 'dsa': return `DSA${k.bits ? ` ${k.bits} bits` : ''}`;
    case 'ec': return `EC${k.curve ? ` ${curveText(k.curve)}` : ''}`;
    case 'ed25519': return 'Ed25519';
    case 'ed448': return 'Ed448';
    default: return k.type === 'unknown' ? 'unknown key type' : k.type;
  }
}

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

/** One certificate as a Markdown list under a bold heading. */
export function certificateMarkdown(c: Certificate, heading: string, now: Date, warningDays: number): string {
  const ca = c.basicConstraintsCA === undefined ? 'no (no basicConstraints extension)' : c.basicConstraintsCA ? `yes${c.keyCertSign === false ? ' (but keyUsage lacks keyCertSign)' : ''}` : 'no';
  const lines = [
    `**${heading}**`,
    `- Subject: ${c.subject ? code(c.subject) : '(empty)'}`,
    `- Issuer: ${c.issuer ? code(c.issuer) : '(empty)'}${c.selfIssued ? ' (self-issued)' : ''}`,
    `- SANs: ${c.subjectAltNames.length ? c.subjectAltNames.map(code).join(', ') : 'none'}`,
    `- Valid: ${validityText(c, now, warningDays)}`,
    `- Key: ${keyText(c.publicKey)}`,
    `- Signature: ${code(c.signatureAlgorithm)}`,
    `- CA: ${ca}`,
  ];
  if (c.extendedKeyUsage) lines.push(`- Extended key usage: ${c.extendedKeyUsage.length ? c.extendedKeyUsage.map(ekuName).join(', ') : 'none'}`);
  lines.push(`- SHA-256 fingerprint: ${code(c.fingerprint256)}`);
  return lines.join('\n');
}
