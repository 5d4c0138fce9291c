/**
 * Signing a certificate signing request (PKCS#10, RFC 2986) made elsewhere, e.g. by `openssl req`: its self-signature
 * is verified, its key and signature hash are held to the strength policy of generated certificates (x509/strength.ts
 * `pgtls` column, through plan.ts `describeKeys`), and a server or client leaf is issued with the generator's own
 * names, usages and validity rules (generate.ts `issueForKey`). The result is checked with the certificate policy
 * that `pgtls inspect` reports (inspect.ts). The CSR's private key is never seen. Pure: text or bytes in, `now` and
 * WebCrypto injected; the CLI reads and writes the files.
 *
 * Taken from the CSR: the subject CN (for a client certificate: the database user it logs in as) and the first O;
 * the requested DNS and IP subject alternative names. Imposed by pgtls: CA:FALSE, the key usages and extended key
 * usages of the role, the validity, the key identifiers. Everything else the CSR asks for (other subject attributes,
 * other SAN types, other extensions such as CA:TRUE) is left out and listed in `notes`.
 */
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name as AsnName, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { Pkcs10CertificateRequest } from '@peculiar/x509';
import { x509 } from './x509lib';
import { keyTypeOfOid, signatureAlgorithm, weakSignature } from '../x509';
import { CertError } from './algorithms';
import { issueForKey, type CertificateAuthority, type SignedCertificate } from './generate';
import { describeCertificate } from './inspect';
import { pemDecodeAll, pemEncode, toBytes } from './keys';
import { splitSans } from './names';
import { describeKeys, type KeyDescription } from './plan';

export type CsrRole = 'server' | 'client';

/** What a CSR holds and asks for, for the summary (never key material). */
export interface CsrInfo {
  subject: string;
  commonName?: string;
  organization?: string;
  dns: string[];
  ip: string[];
  key: Pick<KeyDescription, 'type' | 'bits' | 'curve'>;
  signatureAlgorithm: string;
}

export interface SignCsrOptions {
  now: Date;
  crypto: Crypto;
  role: CsrRole;
  /** Validity, as for generated leaves (validity.ts): days, or dates; refused when not valid now unless allowed. */
  days?: number;
  notBefore?: Date | string;
  notAfter?: Date | string;
  allowInvalidDates?: boolean;
  /** More SANs to add to those the CSR requests (IP addresses or DNS names; a client certificate takes DNS names only). */
  sans?: readonly string[];
  /** A server certificate that may also be used as a TLS client (serverAuth + clientAuth). */
  clientAuth?: boolean;
}

export interface SignedCsr extends SignedCertificate {
  csr: CsrInfo;
  /** What was left out of the request, what the CN means, and validity notes: one sentence each. */
  notes: string[];
}

interface ParsedCsr {
  asn: CertificationRequest;
  request: Pkcs10CertificateRequest;
  spki: SubjectPublicKeyInfo;
  key: KeyDescription;
}

/** A CSR from PEM text (`CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST`) or DER bytes; CertError otherwise. */
export function readCsr(input: string | Uint8Array): ParsedCsr {
  const text = typeof input === 'string' ? input : /-----BEGIN /.test(latin1(input)) ? latin1(input) : undefined;
  let der: Uint8Array<ArrayBuffer>;
  if (text === undefined) der = toBytes(input as Uint8Array<ArrayBuffer>);
  else {
    const found = pemDecodeAll(text, 'CERTIFICATE REQUEST')[0] ?? pemDecodeAll(text, 'NEW CERTIFICATE REQUEST')[0];
    if (!found) {
      if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new CertError('this is a private key, not a certificate signing request');
      if (/-----BEGIN CERTIFICATE-----/.test(text)) throw new CertError('this is a certificate, not a certificate signing request');
      throw new CertError('no PEM "CERTIFICATE REQUEST" block found');
    }
    der = found;
  }
  let asn: CertificationRequest;
  let request: Pkcs10CertificateRequest;
  try {
    asn = AsnConvert.parse(der, CertificationRequest);
    request = new (x509().Pkcs10CertificateRequest)(der);
  } catch {
    throw new CertError('not a PKCS#10 certificate signing request (its DER could not be parsed)');
  }
  const spki = asn.certificationRequestInfo.subjectPKInfo;
  let key: KeyDescription;
  try {
    key = describeKeys(pemEncode(AsnConvert.serialize(spki), 'PUBLIC KEY'))[0]!;
  } catch {
    throw new CertError('the public key of the certificate signing request could not be read');
  }
  return { asn, request, spki, key };
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < Math.min(bytes.length, 1 << 20); i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

const SUPPORTED_CURVES = new Set(['P-256', 'P-384', 'P-521']);

/**
 * Refuses what pgtls would not generate (a weak key, an MD5/SHA-1 signature, a key type it does not issue for) and a
 * CSR whose self-signature does not verify (altered, or signed with another key).
 */
export async function verifyCsr(csr: ParsedCsr, crypto: Crypto): Promise<void> {
  const k = csr.key;
  const keyOid = csr.spki.algorithm.algorithm;
  if (keyTypeOfOid(keyOid) === 'DSA') throw new CertError('the CSR has a DSA key; DSA keys are refused (TLS 1.3 cannot use them); make the CSR with an RSA (2048+), ECDSA P-256 or Ed25519 key');
  if (k.type === 'RSA-PSS' || k.type === 'Ed448' || k.type === 'unknown' || (k.type === 'EC' && !SUPPORTED_CURVES.has(k.curve ?? ''))) {
    const what = k.type === 'EC' ? `an EC key on ${k.curve ?? 'an unknown curve'}` : k.type === 'unknown' ? `a key of algorithm ${keyOid}` : `an ${k.type} key`;
    throw new CertError(`the CSR has ${what}; pgtls signs CSRs with RSA (2048 bits or more), ECDSA (P-256, P-384, P-521) or Ed25519 keys`);
  }
  if (k.problems.length) throw new CertError(`the CSR's key is too weak: ${k.problems.join('; ')}`);
  const sigOid = csr.asn.signatureAlgorithm.algorithm;
  const weak = weakSignature(sigOid, false, 'pgtls');
  if (weak) throw new CertError(`the CSR is ${weak.problem}; make it again with SHA-256 (openssl req -sha256)`);
  const sig = signatureAlgorithm(sigOid);
  const family = k.type === 'EC' ? 'EC' : k.type;
  if (!sig || sig.key !== family || (family !== 'Ed25519' && !['SHA-256', 'SHA-384', 'SHA-512'].includes(sig.hash ?? ''))) {
    throw new CertError(`the CSR's signature algorithm ${sig?.name ?? sigOid} is not supported for its ${k.type} key; use SHA-256, SHA-384 or SHA-512`);
  }
  const importAlg = family === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5', hash: sig.hash } : family === 'EC' ? { name: 'ECDSA', namedCurve: k.curve } : { name: 'Ed25519' };
  let publicKey: CryptoKey;
  try {
    publicKey = await crypto.subtle.importKey('spki', AsnConvert.serialize(csr.spki), importAlg as Algorithm, true, ['verify']);
  } catch {
    throw new CertError('the public key of the certificate signing request could not be imported');
  }
  let signature: ArrayBuffer | null = csr.asn.signature;
  if (family === 'EC') signature = new (x509().AsnEcSignatureFormatter)().toWebSignature(importAlg as Algorithm, signature);
  const tbs = csr.asn.certificationRequestInfoRaw ?? AsnConvert.serialize(csr.asn.certificationRequestInfo);
  const verifyAlg = family === 'EC' ? { name: 'ECDSA', hash: sig.hash } : { name: importAlg.name };
  const ok = signature !== null && await crypto.subtle.verify(verifyAlg as Algorithm, publicKey, signature, tbs).catch(() => false);
  if (!ok) throw new CertError('the signature of the certificate signing request does not verify: it was changed after it was made or signed with another key; make the CSR again');
}

/** The subject, SANs and the parts of the request pgtls leaves out (as notes). */
function requested(csr: ParsedCsr, role: CsrRole): { info: Omit<CsrInfo, 'key' | 'signatureAlgorithm'>; notes: string[] } {
  const notes: string[] = [];
  const subject = new (x509().Name)(AsnConvert.serialize(csr.asn.certificationRequestInfo.subject as AsnName));
  const cns = subject.getField('CN');
  if (cns.length > 1) throw new CertError(`the CSR's subject has ${cns.length} CNs; pgtls takes exactly one (make the CSR with a single CN)`);
  const orgs = subject.getField('O');
  const others = subject.toJSON().flatMap(rdn => Object.keys(rdn)).filter(t => t !== 'CN' && t !== 'O');
  if (others.length || orgs.length > 1) notes.push(`subject attributes left out: ${[...new Set(others)].join(', ')}${orgs.length > 1 ? `${others.length ? ', ' : ''}all but the first O` : ''} (pgtls writes O and CN only)`);
  const dns: string[] = [], ip: string[] = [], dropped = new Set<string>(), ignored: string[] = [];
  for (const ext of csr.request.extensions) {
    if (ext instanceof x509().SubjectAlternativeNameExtension) {
      for (const n of ext.names.items) {
        if (n.type === 'dns') dns.push(n.value);
        else if (n.type === 'ip') ip.push(n.value);
        else dropped.add(n.type);
      }
    } else ignored.push(EXTENSION_NAMES[ext.type] ?? ext.type);
  }
  if (dropped.size) notes.push(`requested subject alternative names of type ${[...dropped].join(', ')} left out (pgtls writes DNS and IP names only)`);
  if (ignored.length) notes.push(`requested extensions left out: ${ignored.join(', ')} (pgtls sets the usages of a ${role} certificate itself)`);
  const attrs = csr.asn.certificationRequestInfo.attributes.filter(a => a.type !== OID_EXTENSION_REQUEST);
  if (attrs.length) notes.push(`CSR attributes other than the extension request left out (${attrs.length})`);
  const commonName = cns[0];
  return { info: { subject: subject.toString(), ...(commonName !== undefined ? { commonName } : {}), ...(orgs[0] !== undefined ? { organization: orgs[0] } : {}), dns, ip }, notes };
}

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.19': 'basicConstraints', '2.5.29.15': 'keyUsage', '2.5.29.37': 'extendedKeyUsage', '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.35': 'authorityKeyIdentifier', '2.5.29.31': 'cRLDistributionPoints', '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
};

/**
 * Signs a CSR with `ca` as a server or client certificate (see the module comment for what is taken and imposed).
 * Throws a CertError for an unusable, weak or tampered CSR, for names the generator would refuse, and when the
 * result would fail the certificate policy.
 */
export async function signCsr(ca: CertificateAuthority, input: string | Uint8Array, opts: SignCsrOptions): Promise<SignedCsr> {
  const csr = readCsr(input);
  await verifyCsr(csr, opts.crypto);
  const { info, notes } = requested(csr, opts.role);
  const extra = splitSans(opts.sans ?? []);
  const validity = {
    now: opts.now, crypto: opts.crypto, ...(opts.days !== undefined ? { days: opts.days } : {}),
    ...(opts.notBefore !== undefined ? { notBefore: opts.notBefore } : {}), ...(opts.notAfter !== undefined ? { notAfter: opts.notAfter } : {}),
    allowInvalidDates: opts.allowInvalidDates === true,
  };
  const organization = info.organization !== undefined ? { organization: info.organization } : {};
  const key = { spki: csr.spki, keyEncipherment: csr.key.type === 'RSA' };
  let signed: SignedCertificate;
  if (opts.role === 'server') {
    signed = await issueForKey(ca, 'server', key, {
      ...validity, ...organization, ...(info.commonName !== undefined ? { commonName: info.commonName } : {}),
      dnsNames: [...info.dns, ...extra.dns], ipAddresses: [...info.ip, ...extra.ip], clientAuth: opts.clientAuth === true,
    });
  } else {
    if (info.commonName === undefined) throw new CertError('the CSR has no CN; a client certificate\'s CN is the database user it logs in as (make the CSR with -subj "/CN=USER")');
    if (extra.ip.length) throw new CertError('a client certificate takes DNS names only in --san');
    if (info.ip.length) notes.push(`requested IP addresses left out (${info.ip.join(', ')}): a client certificate carries DNS names only`);
    signed = await issueForKey(ca, 'client', key, { ...validity, ...organization, user: info.commonName, dnsNames: [...info.dns, ...extra.dns] });
    notes.unshift(`the CN "${info.commonName}" is the database user this certificate logs in as with cert authentication (PostgreSQL compares it exactly; map other names with pg_ident.conf)`);
  }
  const problems = (await describeCertificate(signed.certPem, opts.now, opts.crypto)).problems
    .filter(p => !(opts.allowInvalidDates && /^(expired on|not valid before) /.test(p)));
  if (problems.length) throw new CertError(`the signed certificate would fail pgtls's certificate policy: ${problems.join('; ')}`);
  const k = csr.key;
  return {
    ...signed,
    notes: [...notes, ...(signed.notes ?? [])],
    csr: { ...info, key: { type: k.type, ...(k.bits !== undefined ? { bits: k.bits } : {}), ...(k.curve !== undefined ? { curve: k.curve } : {}) }, signatureAlgorithm: signatureAlgorithm(csr.asn.signatureAlgorithm.algorithm)?.name ?? csr.asn.signatureAlgorithm.algorithm },
  };
}

/** The subject key type in words for summaries: `RSA 2048`, `EC P-256`, `Ed25519`. */
export function csrKeyLabel(k: CsrInfo['key']): string {
  return k.type === 'EC' ? `EC ${k.curve ?? ''}`.trim() : k.type === 'RSA' && k.bits ? `RSA ${k.bits}` : k.type;
}
