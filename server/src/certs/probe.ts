/**
 * `pgtls probe`, the verdict half: what the network half (node/probe.ts) saw of a running server, judged. Pure: the
 * facts come in as data (answers, the chain as described by inspect.ts, OpenSSL's verify result, the StartupMessage
 * answer) with `now`; out come findings, an exit code and a text rendering. The host name is judged with libpq's
 * verify-full rules (x509/names.ts `matchesHost`), the leaf with the certificate policy's rules (x509, the `cert/*`
 * ids and severities of x509/rules.ts), so a probe and a file check say the same of the same certificate.
 */
import {
  CERT, OID, allowsPurpose, isIpAddress, matchesHost, weakKey, weakSignature,
} from '../x509';
import { channelBindingProblem, isEddsaSignature } from './compat';
import type { CertificateDescription } from './inspect';

/** How the TLS session was asked for: PostgreSQL's SSLRequest, or PostgreSQL 17's direct TLS (ALPN "postgresql"). */
export type ProbeMode = 'sslrequest' | 'direct';

/** Where the CA the chain was verified against came from. */
export type CaSource = 'flag' | 'current-folder' | 'libpq-default';

export interface ProbeHandshake {
  ok: boolean;
  /** OpenSSL's or Node's words when the handshake failed (never key material). */
  error?: string;
  protocol?: string;
  cipher?: string;
  /** The ALPN protocol the server selected (direct mode); `false` when none. */
  alpn?: string | false;
}

/** What the handshake without a client certificate showed (a TLS 1.2 handshake: its CertificateRequest is readable). */
export interface ClientCertFacts {
  /** The server sent a CertificateRequest; `undefined` when the TLS 1.2 handshake could not show it. */
  requested?: boolean;
  /** The server refused the handshake without a client certificate. */
  refused?: boolean;
  /** How many certificates the server's Certificate message held (the chain it presents, trust store additions aside). */
  presented?: number;
  /** Why the TLS 1.2 handshake told nothing (e.g. the server offers TLS 1.3 only). */
  note?: string;
}

/** The answer to a StartupMessage sent over TLS with the client certificate. */
export interface CertAuthFacts {
  user: string;
  database: string;
  /** ok: AuthenticationOk first; password / sasl: the server asked for a password; error: an ErrorResponse; other: anything else. */
  outcome: 'ok' | 'password' | 'sasl' | 'error' | 'closed' | 'other';
  /** The server's message (ErrorResponse M field) or a description of what came. */
  message?: string;
  /** SQLSTATE of an ErrorResponse. */
  code?: string;
  /** The handshake with the client certificate failed (then no StartupMessage was sent). */
  handshakeError?: string;
}

export interface ProbeFacts {
  host: string;
  port: number;
  mode: ProbeMode;
  /** The TCP connection could not be made (refused, unknown host, timeout): nothing else was learnt. */
  unreachable?: string;
  /** SSLRequest mode: the server's one-byte answer ('S', 'N'), or what came instead. */
  answer?: string;
  /** Bytes the server sent after 'S' before the handshake (CVE-2021-23222's buffer stuffing): a fault. */
  extraBytes?: number;
  handshake?: ProbeHandshake;
  /** The chain the server presented, leaf first, described (inspect.ts). */
  chain: CertificateDescription[];
  /** Certificates of `chain` also found in the CA file (by fingerprint): may come from the trust store, not the server. */
  inCaFile?: string[];
  ca?: { file: string; source: CaSource; authorized: boolean; error?: string };
  clientCert?: ClientCertFacts;
  certAuth?: CertAuthFacts;
}

export type ProbeSeverity = 'error' | 'warning' | 'info';

export interface ProbeFinding {
  severity: ProbeSeverity;
  /** `probe/...` for what the probe itself found, `cert/...` for the certificate policy's rules on the leaf. */
  id: string;
  message: string;
}

export interface ProbeReport extends ProbeFacts {
  findings: ProbeFinding[];
  /** Whether the leaf answers to the host dialled by libpq's verify-full rules; undefined without a leaf. */
  nameMatches?: boolean;
  /** 0 nothing wrong, 1 problems (any error finding), 2 the server could not be reached. */
  exitCode: 0 | 1 | 2;
}

/** Days before notAfter from which the probe warns (the editor's `pgtls.expiryWarningDays` default). */
export const PROBE_EXPIRY_WARNING_DAYS = 30;

const VERIFY_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and is not the CA given',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed certificate that is not the CA given',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate was not issued by the CA given (nor by a certificate it sent)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of the chain is not in the CA given',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer of a chain certificate is not in the CA given',
  CERT_HAS_EXPIRED: 'a certificate of the chain has expired',
  CERT_NOT_YET_VALID: 'a certificate of the chain is not yet valid',
  CERT_SIGNATURE_FAILURE: 'a signature of the chain does not verify',
  INVALID_PURPOSE: 'a certificate of the chain does not allow serverAuth (extended key usage)',
  INVALID_CA: 'an issuer of the chain is not a CA',
};

/** The server certificate's names as libpq compares them. */
function leafNames(leaf: CertificateDescription): { dns: string[]; ips: string[]; cn: string | undefined } {
  return { dns: leaf.subjectAltNames.dns, ips: leaf.subjectAltNames.ip, cn: leaf.commonName };
}

/** The names a leaf answers to, for a message. */
function namesText(leaf: CertificateDescription): string {
  const n = leafNames(leaf);
  const sans = [...n.dns.map(d => `DNS:${d}`), ...n.ips.map(i => `IP:${i}`)];
  return sans.length ? `SAN ${sans.join(', ')}` : n.cn !== undefined ? `no SAN, CN "${n.cn}"` : 'no SAN and no CN';
}

/**
 * The certificate policy on the presented leaf: validity, OpenSSL security level 2's key and signature strength, and
 * the extended key usage a verifying client checks; the ids and severities are the `cert/*` rules'.
 */
export function leafPolicy(leaf: CertificateDescription, now: Date, warnDays = PROBE_EXPIRY_WARNING_DAYS): ProbeFinding[] {
  const out: ProbeFinding[] = [];
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (leaf.validity === 'expired') {
    out.push({ severity: CERT.expired.severity as ProbeSeverity, id: CERT.expired.id, message: `The server certificate expired on ${day(leaf.notAfter)}: clients with sslmode=verify-ca or verify-full refuse the server; issue a new one (pgtls cert renew, or pgtls cert server).` });
  } else if (leaf.validity === 'not-yet-valid') {
    out.push({ severity: CERT['not-yet-valid'].severity as ProbeSeverity, id: CERT['not-yet-valid'].id, message: `The server certificate is not valid before ${day(leaf.notBefore)} (it is ${day(now)} now): verifying clients refuse the server until then.` });
  } else if (leaf.notAfter.getTime() - now.getTime() < warnDays * 86_400_000) {
    out.push({ severity: CERT.expiring.severity as ProbeSeverity, id: CERT.expiring.id, message: `The server certificate expires on ${day(leaf.notAfter)} (${leaf.daysLeft} day${leaf.daysLeft === 1 ? '' : 's'} left): renew it before then.` });
  }
  const weak = weakKey({ type: leaf.publicKey.type === 'unknown' ? 'unknown' : leaf.publicKey.type, ...(leaf.publicKey.bits !== undefined ? { bits: leaf.publicKey.bits } : {}), ...(leaf.publicKey.curve ? { curve: leaf.publicKey.curve } : {}) }, 'openssl');
  if (weak) out.push({ severity: CERT['weak-key'].severity as ProbeSeverity, id: CERT['weak-key'].id, message: `The server certificate has ${weak.key}, below OpenSSL security level 2: clients on Debian, Ubuntu or RHEL based systems refuse it.` });
  const sig = weakSignature(leaf.signatureAlgorithm.oid, false, 'openssl');
  if (sig) out.push({ severity: CERT['weak-signature'].severity as ProbeSeverity, id: CERT['weak-signature'].id, message: `The server certificate is ${sig.problem}: verifying clients refuse it.` });
  const eku = leaf.extendedKeyUsage?.usages.map(u => (OID as Record<string, string>)[u] ?? u);
  if (!allowsPurpose(eku, 'serverAuth')) {
    out.push({ severity: CERT['extended-key-usage'].severity as ProbeSeverity, id: CERT['extended-key-usage'].id, message: `The server certificate's extended key usage (${leaf.extendedKeyUsage!.usages.join(', ')}) does not allow serverAuth: verifying clients refuse it ("unsuitable certificate purpose").` });
  }
  return out;
}

/** Findings on the TLS session itself: the answer, the handshake, the verification, the name. */
function sessionFindings(f: ProbeFacts, out: ProbeFinding[]): boolean | undefined {
  const add = (severity: ProbeSeverity, id: string, message: string) => out.push({ severity, id, message });
  if (f.mode === 'sslrequest' && f.answer !== 'S') {
    if (f.answer === 'N') add('error', 'probe/tls-refused', 'The server answered the SSLRequest with \'N\': it does not serve TLS on this port (ssl = off, or a Pgpool-II/PgBouncer whose certificate or key did not load). Clients with sslmode=require or stricter cannot connect.');
    else add('error', 'probe/not-postgres', `The server did not answer the SSLRequest with 'S' or 'N' (${f.answer ?? 'nothing'}): is this a PostgreSQL port?`);
    return undefined;
  }
  if (f.extraBytes) add('error', 'probe/data-after-s', `The server sent ${f.extraBytes} unencrypted byte(s) after 'S' and before the TLS handshake (the pattern of CVE-2021-23222): libpq since 14.1 refuses this.`);
  const h = f.handshake;
  if (!h?.ok) {
    const hint = f.mode === 'direct' ? ' Direct TLS needs PostgreSQL 17 or later (and no Pgpool-II or PgBouncer in between); try without --direct.' : '';
    add('error', 'probe/handshake-failed', `The TLS handshake failed: ${h?.error ?? 'no answer'}.${hint}`);
    return undefined;
  }
  if (f.mode === 'direct' && h.alpn !== 'postgresql') add('warning', 'probe/alpn', 'The server completed a direct TLS handshake without selecting ALPN "postgresql": libpq 17 refuses such a server.');
  const leaf = f.chain[0];
  if (!leaf) {
    add('error', 'probe/no-certificate', 'The server presented no certificate.');
    return undefined;
  }
  if (f.ca) {
    if (!f.ca.authorized) {
      const why = f.ca.error ? VERIFY_WORDS[f.ca.error] ?? f.ca.error : 'unknown reason';
      add('error', 'probe/verify-failed', `The chain does not verify against ${f.ca.file} (${why}${f.ca.error && VERIFY_WORDS[f.ca.error] ? `; OpenSSL: ${f.ca.error}` : ''}): clients with sslmode=verify-ca or verify-full and this CA as sslrootcert refuse the server.`);
    }
  } else {
    add('info', 'probe/not-verified', 'No CA was given (--ca FILE) or found (./ca.crt, ./root.crt, ~/.postgresql/root.crt): the chain was not verified.');
    if (leaf.selfIssued) add('warning', 'probe/self-signed', 'The server certificate is self-issued: a verifying client needs this very certificate as its sslrootcert.');
  }
  const matches = matchesHost(leafNames(leaf), f.host);
  if (!matches) {
    const kind = isIpAddress(f.host) ? 'address' : 'host name';
    add('error', 'probe/name-mismatch', `The server certificate (${namesText(leaf)}) does not name the ${kind} "${f.host}" by libpq's rules: clients with sslmode=verify-full refuse it ("server certificate for … does not match host name"). Add ${isIpAddress(f.host) ? `IP:${f.host}` : `DNS:${f.host}`} to its SANs, or dial a name it has.`);
  }
  return matches;
}

/** Findings on client certificates: requested or required, and the outcome of the login with one. */
function clientFindings(f: ProbeFacts, out: ProbeFinding[]): void {
  const add = (severity: ProbeSeverity, id: string, message: string) => out.push({ severity, id, message });
  const c = f.clientCert;
  if (c?.refused) add('info', 'probe/client-cert-required', 'The server refuses a TLS handshake without a client certificate.');
  else if (c?.requested === true) add('info', 'probe/client-cert-requested', 'The server asks for a client certificate but accepts a handshake without one (PostgreSQL decides per pg_hba.conf line: `cert` or clientcert= refuse the login later).');
  else if (c?.requested === false) add('info', 'probe/client-cert-not-requested', 'The server does not ask for a client certificate (no ssl_ca_file / ssl_ca_cert / client_tls_ca_file, or client certificates not verified): certificate authentication cannot work here.');
  const a = f.certAuth;
  if (!a) return;
  if (a.handshakeError) {
    add('error', 'probe/cert-auth-refused', `The TLS handshake with the client certificate failed: ${a.handshakeError}.`);
    return;
  }
  const who = `user "${a.user}", database "${a.database}"`;
  if (a.outcome === 'ok' && c?.requested === false) add('warning', 'probe/cert-auth-not-used', `The login (${who}) succeeded without a password, but the server never asked for the client certificate: a \`trust\` line let it in, not the certificate.`);
  else if (a.outcome === 'ok') add('info', 'probe/cert-auth-ok', `Certificate authentication worked (${who}): AuthenticationOk without a password request.`);
  else if (a.outcome === 'password' || a.outcome === 'sasl') add('error', 'probe/cert-auth-not-used', `The server asked for a password (${a.message ?? a.outcome}) for ${who}: it did not rely on the client certificate (its pg_hba.conf / pool_hba.conf / auth_type line for this connection is not \`cert\`).`);
  else if (a.outcome === 'error') add('error', 'probe/cert-auth-refused', `The server refused the login with the client certificate (${who}): ${a.message ?? 'no message'}${a.code ? ` (SQLSTATE ${a.code})` : ''}.`);
  else add('error', 'probe/cert-auth-refused', `The login with the client certificate (${who}) got no answer: ${a.message ?? a.outcome}.`);
}

/** `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address (port 5432); `undefined` when the port is not 1-65535. */
export function probeTarget(s: string): { host: string; port: number } | undefined {
  let host = s, port = '5432';
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    host = bracket[1]!;
    port = bracket[2] ?? port;
  } else if ((s.match(/:/g) ?? []).length === 1) {
    [host, port] = s.split(':') as [string, string];
  }
  if (!host || !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return undefined;
  return { host, port: Number(port) };
}

/**
 * A leaf signed with EdDSA: libpq's SCRAM logins to PostgreSQL fail on channel binding (certs/compat.ts). A warning:
 * the probe cannot tell whether the server is PostgreSQL (Pgpool-II and PgBouncer offer no binding) or uses SCRAM.
 */
export function channelBindingFindings(leaf: CertificateDescription): ProbeFinding[] {
  if (!isEddsaSignature(leaf.signatureAlgorithm.oid) && !isEddsaSignature(leaf.signatureAlgorithm.name)) return [];
  const p = channelBindingProblem();
  return [{ severity: 'warning', id: 'probe/channel-binding', message: `The server certificate is signed with ${leaf.signatureAlgorithm.name} (by ${leaf.issuer || 'an issuer without a name'}): ${p.reason}. To make it work, ${p.fixes.join('; or ')}.` }];
}

/** Judges what a probe saw. */
export function judgeProbe(facts: ProbeFacts, now: Date): ProbeReport {
  if (facts.unreachable !== undefined) {
    return { ...facts, findings: [{ severity: 'error', id: 'probe/unreachable', message: `Cannot reach ${facts.host}:${facts.port}: ${facts.unreachable}.` }], exitCode: 2 };
  }
  const findings: ProbeFinding[] = [];
  const nameMatches = sessionFindings(facts, findings);
  if (facts.chain[0]) findings.push(...leafPolicy(facts.chain[0], now), ...channelBindingFindings(facts.chain[0]));
  clientFindings(facts, findings);
  const exitCode = findings.some(x => x.severity === 'error') ? 1 : 0;
  return { ...facts, findings, ...(nameMatches !== undefined ? { nameMatches } : {}), exitCode };
}

const CA_SOURCE: Record<CaSource, string> = {
  'flag': '--ca',
  'current-folder': 'found in the current folder',
  'libpq-default': "libpq's default sslrootcert",
};

/** The text form of a report (what `pgtls probe` prints and the editor shows). */
export function renderProbeText(r: ProbeReport): string {
  const L: string[] = [`pgtls probe ${r.host}:${r.port} (${r.mode === 'direct' ? 'direct TLS, ALPN postgresql' : 'SSLRequest'})`];
  if (r.unreachable === undefined) {
    if (r.mode === 'sslrequest') L.push(`  TLS accepted:   ${r.answer === 'S' ? "yes ('S')" : r.answer === 'N' ? "no ('N')" : `no answer (${r.answer ?? 'none'})`}`);
    const h = r.handshake;
    if (h?.ok) L.push(`  Negotiated:     ${h.protocol ?? '?'}, ${h.cipher ?? '?'}${h.alpn ? `, ALPN ${h.alpn}` : ''}`);
    if (r.ca) L.push(`  Verification:   ${r.ca.authorized ? 'verifies' : `FAILS (${r.ca.error ?? 'unknown'})`} against ${r.ca.file} (${CA_SOURCE[r.ca.source]})`);
    if (r.nameMatches !== undefined) L.push(`  Host name:      ${r.nameMatches ? 'matches' : 'DOES NOT MATCH'} "${r.host}" (libpq verify-full rules)`);
    const leaf = r.chain[0];
    if (leaf) L.push(`  Expiry:         ${leaf.validity === 'valid' ? `${leaf.daysLeft} day${leaf.daysLeft === 1 ? '' : 's'} left` : leaf.validity === 'expired' ? 'EXPIRED' : 'NOT YET VALID'} (not after ${leaf.notAfter.toISOString().slice(0, 10)})`);
    const c = r.clientCert;
    if (c) L.push(`  Client cert:    ${c.refused ? 'required (handshake without one refused)' : c.requested === true ? 'requested, not required at the handshake' : c.requested === false ? 'not requested' : `unknown${c.note ? ` (${c.note})` : ''}`}`);
    if (r.certAuth) L.push(`  Cert login:     ${r.certAuth.handshakeError ? 'handshake failed' : r.certAuth.outcome}${r.certAuth.message ? ` (${r.certAuth.message})` : ''}`);
  }
  if (r.findings.length) {
    L.push('', 'Findings:');
    for (const f of r.findings) L.push(`  ${f.severity} ${f.id}: ${f.message}`);
  }
  if (r.chain.length) {
    L.push('', `Chain presented (${r.chain.length} certificate${r.chain.length === 1 ? '' : 's'}):`);
    r.chain.forEach((c, i) => {
      const extra = r.inCaFile?.includes(c.fingerprintSha256) ? ' (also in the CA file)' : '';
      L.push(`--- certificate ${i + 1} of ${r.chain.length}${i === 0 ? ' (leaf)' : ''}${extra}`, c.text.trimEnd());
    });
  }
  return L.join('\n') + '\n';
}

/** The JSON form: dates as ISO strings, the rendered certificate text left out (the fields carry it). */
export function probeJson(r: ProbeReport): unknown {
  return { ...r, chain: r.chain.map(c => ({ ...c, text: undefined })) };
}
