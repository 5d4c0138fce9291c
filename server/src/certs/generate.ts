/**
 * The pure certificate generator: development CAs and the server, client and replication certificates that
 * Pgpool-II, PostgreSQL and the operators' clients accept. No fs, no clock, no global crypto: the caller passes
 * `now` and a WebCrypto `Crypto` (ServiceEnv), and gets PEM text and X509Certificate objects back. Writing the files
 * (0600 keys in a 0700 folder) is the caller's job.
 *
 * What the certificates must satisfy (reference/pgpool.md §3, reference/operators.md):
 * - a server certificate may be sent with its intermediates (`ssl_cert` is read as a chain file);
 * - for `cert` authentication only the client certificate's CN is compared with the user name (pgpool:
 *   case-insensitively; PostgreSQL: exactly), so the CN is written exactly as given;
 * - ECDSA and Ed25519 keys cannot encipher, so `keyEncipherment` is set for RSA keys only;
 * - Percona's replication user authenticates with CN = DNS SAN = `_crunchyrepl`.
 */
// @peculiar/x509 registers its ASN.1 classes through tsyringe, which needs the Reflect metadata polyfill first.
import { id_kp_clientAuth, id_kp_serverAuth, type Extension, type Name, type SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { X509Certificate } from '@peculiar/x509';
import { x509 } from './x509lib';
import {
  CertError,
  DEFAULT_ALGORITHM,
  algorithmSpec,
  assertStrong,
  parseAlgorithm,
  quoteInput,
  type KeyAlgorithm,
  type SignatureHash,
} from './algorithms';
import {
  authorityKeyId, buildCertificate, caBasicConstraints, caKeyUsage, keyIdentifier, leafExtensions, publicKeyInfo, subjectKeyId,
  subjectName, subjectOfCertificate, type IssuerInfo, type ResolvedBase,
} from './assemble';
import { exportPrivateKey, parseKeyFormat, pemEncode, type KeyFormat } from './keys';
import { PERCONA_REPLICATION_USER } from './presets';
import { MAX_PG_IDENTIFIER_BYTES, checkCommonName, collectSans, isDnsName, isIpAddress, splitSans } from './names';
import { clampNote, resolveValidity } from './validity';

export { CertError, DEFAULT_ALGORITHM, KEY_ALGORITHMS, assertStrong, parseAlgorithm, parseHash } from './algorithms';
export type { KeyAlgorithm, SignatureHash } from './algorithms';
export type { KeyFormat } from './keys';

// The validity rules (clock skew, the 100-year cap, dates, refusals, the cut at the CA's expiry) live in validity.ts.
export { CLOCK_SKEW_MS, MAX_DAYS } from './validity';
/** Ten years: a development CA should outlive many leaf rotations without becoming a long-term trust anchor. */
export const DEFAULT_CA_DAYS = 3650;
/**
 * 397 days = 13 months, the CA/Browser Forum Baseline Requirements cap on TLS server certificates since
 * September 2020. Apple's TLS stack and several clients reject longer-lived leaves even from private CAs, and a
 * year plus a month of slack makes yearly rotation the natural habit.
 */
export const DEFAULT_LEAF_DAYS = 397;
// Percona's (and Crunchy's) replication user: defined with the presets, which the Kubernetes rules load without the
// generator; re-exported here for the generator's callers.
export { PERCONA_REPLICATION_USER };

/** Options every certificate takes. */
export interface BaseCertOptions {
  /** The generation time; notBefore = now − 5 minutes. Never read from a clock here. */
  now: Date;
  /** WebCrypto used for keys, signatures, key identifiers and serial numbers. */
  crypto: Crypto;
  /** Key algorithm; a CA defaults to ecdsa-p256, a leaf to its issuer's algorithm. */
  algorithm?: KeyAlgorithm | string;
  /** Validity in whole days, 1..36500; defaults: CA 3650, leaves 397. A leaf never outlives its issuer. */
  days?: number;
  /** Start of the validity (a Date, or `2030-01-31`, `-30d` … as validity.ts reads them); default now − 5 minutes. */
  notBefore?: Date | string;
  /** End of the validity, same forms; default notBefore + days. Cut to the issuer's notAfter (reported in `notes`). */
  notAfter?: Date | string;
  /** Allow a certificate that is already expired or not yet valid at `now` (for negative tests). */
  allowInvalidDates?: boolean;
  /** Encoding of `keyPem`: `pkcs8` (default) or `pkcs1` (RSA only). */
  keyFormat?: KeyFormat | string;
}

export interface CaOptions extends BaseCertOptions {
  commonName: string;
  organization?: string;
  /** basicConstraints pathLenConstraint: how many intermediates may follow. Default 0 (signs leaves only). */
  pathLength?: number;
  /** Hash for the signatures this CA makes (default: SHA-384 for P-384, SHA-256 otherwise; none for Ed25519). */
  hash?: SignatureHash | string;
}

export interface ServerCertOptions extends BaseCertOptions {
  /** Subject CN; defaults to the first DNS name, else the first IP. Added to the SANs when it is a host name or IP. */
  commonName?: string;
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  organization?: string;
  /** Also allow TLS client use (Percona's operator-made server certificates carry both serverAuth and clientAuth). */
  clientAuth?: boolean;
}

export interface ClientCertOptions extends BaseCertOptions {
  /** The database user the certificate logs in as; becomes the CN exactly as written. */
  user: string;
  /** Optional DNS SANs (not needed for cert authentication, which reads the CN only). */
  dnsNames?: readonly string[];
  organization?: string;
}

export type ReplicationCertOptions = BaseCertOptions;

/** A certificate with its freshly generated key pair. */
export interface IssuedCertificate {
  algorithm: KeyAlgorithm;
  cert: X509Certificate;
  /** This certificate alone, PEM. */
  certPem: string;
  /** This certificate followed by the intermediates that issued it, never the root: what `ssl_cert` should hold. */
  chainPem: string;
  keys: CryptoKeyPair;
  /** The private key, unencrypted, in the requested format. */
  keyPem: string;
  /** The private key as PKCS#8 DER (JDBC's `.pk8`). */
  pk8Der: Uint8Array<ArrayBuffer>;
  /** This certificate's DER as built here (absent for a CA loaded from files): describing it needs no parse. */
  certDer?: Uint8Array<ArrayBuffer>;
  /** What the caller should tell the user about how it was made (e.g. its notAfter cut to the CA's); absent when nothing. */
  notes?: string[];
}

export interface CertificateAuthority extends IssuedCertificate {
  /** Hash of the signatures this CA makes; undefined for Ed25519. */
  hash: SignatureHash | undefined;
  pathLength: number;
  /** What a leaf issued by this CA is sent with: this CA when it is an intermediate, then the ones above it. Empty for a root. */
  chain: X509Certificate[];
}

/** Creates a self-signed root CA: basicConstraints CA:TRUE (critical, pathLen), keyCertSign + cRLSign (critical), SKI, AKI. */
export async function createCa(opts: CaOptions): Promise<CertificateAuthority> {
  return createCaWith(opts);
}

async function createCaWith(opts: CaOptions, pending?: Promise<CryptoKeyPair>): Promise<CertificateAuthority> {
  const base = resolveBase(opts, DEFAULT_ALGORITHM, DEFAULT_CA_DAYS, 'CA');
  checkCommonName(opts.commonName, 'the CA common name');
  const pathLength = checkPathLength(opts.pathLength ?? 0);
  const { hash } = assertStrong(base.algorithm, opts.hash);
  const subject = subjectName(opts.commonName, opts.organization);

  const keys = await (pending ?? generateKeys(base.algorithm, hash, opts.crypto));
  const spki = await publicKeyInfo(keys.publicKey, opts.crypto);
  const keyId = await keyIdentifier(spki, opts.crypto);
  const aki = authorityKeyId(keyId);
  const certDer = await buildCertificate({
    subject, issuer: subject, spki, base, crypto: opts.crypto,
    signingKey: keys.privateKey, signingAlgorithm: base.algorithm, hash,
    // A self-signed AKI repeats the SKI, as `openssl req -x509` writes it; -x509_strict wants AKI on every cert.
    extensions: [caBasicConstraints(pathLength), caKeyUsage(), subjectKeyId(keyId), aki],
  });
  return finishCa(certDer, { subject, keyId, notAfter: base.notAfter, authorityKeyId: aki }, keys, base, hash, pathLength, [], opts.crypto);
}

/** Creates an intermediate CA under `parent`, which must allow it (parent pathLength ≥ 1). */
export async function createIntermediate(parent: CertificateAuthority, opts: CaOptions): Promise<CertificateAuthority> {
  const issuer = issuerOf(parent);
  const base = resolveBase(opts, parent.algorithm, DEFAULT_CA_DAYS, 'intermediate CA', issuer.notAfter);
  checkCommonName(opts.commonName, 'the intermediate CA common name');
  if (parent.pathLength < 1) {
    throw new CertError(`the parent CA "${parent.cert.subjectName.getField('CN')[0] ?? parent.cert.subject}" has pathLength ${parent.pathLength} and may not sign intermediates; create it with pathLength ≥ 1`);
  }
  const pathLength = checkPathLength(opts.pathLength ?? 0);
  if (pathLength >= parent.pathLength) {
    throw new CertError(`an intermediate's pathLength must be below its parent's (${parent.pathLength}); got ${pathLength}`);
  }
  const { hash } = assertStrong(base.algorithm, opts.hash);
  const keys = await generateKeys(base.algorithm, hash, opts.crypto);
  const subject = subjectName(opts.commonName, opts.organization);
  const spki = await publicKeyInfo(keys.publicKey, opts.crypto);
  const { certDer, keyId } = await signLeafOrIntermediate(parent, issuer, spki, subject, base, [caBasicConstraints(pathLength), caKeyUsage()], opts.crypto);
  const info = { subject, keyId, notAfter: base.notAfter, authorityKeyId: authorityKeyId(keyId) };
  const cert = new (x509().X509Certificate)(certDer);
  return finishCa(certDer, info, keys, base, hash, pathLength, [cert, ...parent.chain], opts.crypto, cert);
}

/**
 * Issues a TLS server certificate: EKU serverAuth (+ clientAuth on request), digitalSignature (+ keyEncipherment
 * for RSA), CA:FALSE, SANs from `dnsNames`/`ipAddresses` plus the CN when it is a host name or an address.
 */
export async function issueServer(ca: CertificateAuthority, opts: ServerCertOptions): Promise<IssuedCertificate> {
  return issueServerWith(ca, opts);
}

async function issueServerWith(ca: CertificateAuthority, opts: ServerCertOptions, pending?: Promise<CryptoKeyPair>): Promise<IssuedCertificate> {
  const issuer = issuerOf(ca);
  const base = resolveBase(opts, ca.algorithm, DEFAULT_LEAF_DAYS, 'server certificate', issuer.notAfter);
  return issueLeaf(ca, issuer, base, leafPlan('server', opts), opts.crypto, pending);
}

/**
 * Issues a TLS client certificate for `cert` authentication: EKU clientAuth, CN = the database user exactly
 * (PostgreSQL compares it byte for byte; pgpool ignores case), no SAN unless DNS names are given.
 */
export async function issueClient(ca: CertificateAuthority, opts: ClientCertOptions): Promise<IssuedCertificate> {
  return issueClientWith(ca, opts);
}

async function issueClientWith(ca: CertificateAuthority, opts: ClientCertOptions, pending?: Promise<CryptoKeyPair>): Promise<IssuedCertificate> {
  const issuer = issuerOf(ca);
  const base = resolveBase(opts, ca.algorithm, DEFAULT_LEAF_DAYS, 'client certificate', issuer.notAfter);
  return issueLeaf(ca, issuer, base, leafPlan('client', opts), opts.crypto, pending);
}

/** The subject, extended key usages and SANs of a server or client leaf: the one place they are decided. */
interface LeafPlan { subject: Name; usages: string[]; dns: string[]; ip: string[] }

function leafPlan(role: 'server', opts: ServerCertOptions): LeafPlan;
function leafPlan(role: 'client', opts: ClientCertOptions): LeafPlan;
function leafPlan(role: 'server' | 'client', opts: ServerCertOptions | ClientCertOptions): LeafPlan {
  if (role === 'server') {
    const o = opts as ServerCertOptions;
    const names = serverNames(o.commonName, o.dnsNames ?? [], o.ipAddresses ?? []);
    const usages = o.clientAuth ? [id_kp_serverAuth, id_kp_clientAuth] : [id_kp_serverAuth];
    return { subject: subjectName(names.commonName, o.organization), usages, dns: names.dns, ip: names.ip };
  }
  const o = opts as ClientCertOptions;
  checkUser(o.user);
  const sans = collectSans(o.dnsNames ?? [], [], 'client certificate');
  return { subject: subjectName(o.user, o.organization), usages: [id_kp_clientAuth], dns: sans.dns, ip: [] };
}

/** A certificate issued for a public key made elsewhere: no private key ever passes through pgtls. */
export interface SignedCertificate {
  cert: X509Certificate;
  certPem: string;
  /** The DER as built: describing it needs no parse. */
  certDer: Uint8Array<ArrayBuffer>;
  /** The certificate followed by the CA's intermediates, never the root. */
  chainPem: string;
  notes?: string[];
}

/** The public key of a key pair pgtls never sees (a CSR's), and whether it can do RSA key transport. */
export interface ForeignKey {
  spki: SubjectPublicKeyInfo;
  keyEncipherment: boolean;
}

/**
 * Issues a server or client certificate for a key made elsewhere (certs/sign.ts, a CSR's key) with exactly the
 * names, usages, extensions and validity rules of issueServer / issueClient. `opts.algorithm`/`keyFormat` are unused.
 */
export async function issueForKey(
  ca: CertificateAuthority, role: 'server' | 'client', key: ForeignKey, opts: ServerCertOptions | ClientCertOptions,
): Promise<SignedCertificate> {
  const issuer = issuerOf(ca);
  const what = `${role} certificate`;
  const base = resolveBase({ ...opts, algorithm: undefined, keyFormat: undefined }, ca.algorithm, DEFAULT_LEAF_DAYS, what, issuer.notAfter);
  const plan = role === 'server' ? leafPlan('server', opts as ServerCertOptions) : leafPlan('client', opts as ClientCertOptions);
  const extensions = leafExtensions(key.keyEncipherment, plan.usages, plan.dns, plan.ip);
  const { certDer } = await signLeafOrIntermediate(ca, issuer, key.spki, plan.subject, base, extensions, opts.crypto);
  const certPem = pemEncode(certDer, 'CERTIFICATE');
  return withLazyCertificate({
    certPem, chainPem: certPem + ca.chain.map(c => pemEncode(c.rawData, 'CERTIFICATE')).join(''), ...(base.notes ? { notes: base.notes } : {}),
  }, certDer);
}

/**
 * Issues Percona's replication client certificate (`customReplicationTLSSecret`): CN and DNS SAN `_crunchyrepl`,
 * as the operator's own certificate has them; pg_hba maps the CN to the replication user.
 */
export async function issueReplication(ca: CertificateAuthority, opts: ReplicationCertOptions): Promise<IssuedCertificate> {
  return issueClient(ca, { ...opts, user: PERCONA_REPLICATION_USER, dnsNames: [PERCONA_REPLICATION_USER] });
}

export interface CertSetOptions {
  now: Date;
  crypto: Crypto;
  /** Default ecdsa-p256. Every key in the set uses it. */
  algorithm?: KeyAlgorithm | string;
  /** The server certificate's CN (and first SAN when it is a host name or address). */
  serverName: string;
  /** More SANs; each entry is taken as an IP address when it parses as one, else as a DNS name. */
  sans?: readonly string[];
  /** The database user of the client certificate (its CN). */
  clientUser: string;
  /** Leaf validity, default 397 days. */
  days?: number;
  /** CA validity, default 3650 days. */
  caDays?: number;
  /** CA common name; default "pgtls development CA for <serverName>" (shortened to 64 characters). */
  caName?: string;
  keyFormat?: KeyFormat | string;
}

export const CERT_SET_FILES = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key'] as const;
export type CertSetFile = (typeof CERT_SET_FILES)[number];
/** File name → PEM text. The `.key` entries are unencrypted private keys: write them 0600. */
export type CertSet = Record<CertSetFile, string>;

/** A CA, a server and a client certificate with their keys, as the PEM files pgpool.conf and psql name. */
export async function generateSet(opts: CertSetOptions): Promise<CertSet> {
  const algorithm = parseAlgorithm(opts.algorithm ?? DEFAULT_ALGORITHM);
  const keyFormat = parseKeyFormat(opts.keyFormat ?? 'pkcs8');
  // Validate everything the leaves need before spending time on any key.
  checkUser(opts.clientUser);
  const extra = splitSans(opts.sans ?? []);
  serverNames(opts.serverName, extra.dns, extra.ip);
  const common = { now: opts.now, crypto: opts.crypto, algorithm, keyFormat };
  resolveBase({ ...common, days: opts.days }, algorithm, DEFAULT_LEAF_DAYS, 'server certificate');
  const caName = opts.caName ?? [...`pgtls development CA for ${opts.serverName}`].slice(0, 64).join('').trim();
  checkCommonName(caName, 'the CA common name');
  const caDays = opts.caDays ?? DEFAULT_CA_DAYS;
  resolveBase({ ...common, days: caDays }, algorithm, DEFAULT_CA_DAYS, 'CA');

  // The three key pairs do not depend on each other: start them together, so that a WebCrypto that generates on
  // a thread pool (RSA above all) overlaps them. A failure is reported by whichever step awaits that key.
  const spec = algorithmSpec(algorithm);
  const pending = [spec.defaultHash, spec.defaultHash, spec.defaultHash].map(h => generateKeys(algorithm, h, opts.crypto));
  for (const p of pending) p.catch(() => undefined);
  const ca = await createCaWith({ ...common, commonName: caName, days: caDays }, pending[0]);
  const [server, client] = await Promise.all([
    issueServerWith(ca, { ...common, days: opts.days, commonName: opts.serverName, dnsNames: extra.dns, ipAddresses: extra.ip }, pending[1]),
    issueClientWith(ca, { ...common, days: opts.days, user: opts.clientUser }, pending[2]),
  ]);
  return {
    'ca.crt': ca.certPem,
    'ca.key': ca.keyPem,
    'server.crt': server.chainPem,
    'server.key': server.keyPem,
    'client.crt': client.chainPem,
    'client.key': client.keyPem,
  };
}

// ---------------------------------------------------------------------------------------------------------------

function resolveBase(o: BaseCertOptions, fallback: KeyAlgorithm, defaultDays: number, what: string, issuerNotAfter?: Date): ResolvedBase {
  if (!(o.now instanceof Date) || Number.isNaN(o.now.getTime())) throw new CertError(`${what}: "now" must be a valid Date`);
  if (!o.crypto || typeof o.crypto.getRandomValues !== 'function' || !o.crypto.subtle) {
    throw new CertError(`${what}: a WebCrypto "crypto" must be passed in`);
  }
  const algorithm = o.algorithm === undefined ? fallback : parseAlgorithm(o.algorithm);
  const keyFormat = parseKeyFormat(o.keyFormat ?? 'pkcs8');
  if (keyFormat === 'pkcs1' && algorithmSpec(algorithm).family !== 'RSA') {
    throw new CertError(`${what}: the pkcs1 key format exists only for RSA keys; use pkcs8 with ${algorithm}`);
  }
  const validity = resolveValidity(o, o.now, defaultDays, what, issuerNotAfter);
  const note = clampNote(what, validity);
  return { algorithm, keyFormat, notBefore: validity.notBefore, notAfter: validity.notAfter, ...(note ? { notes: [note] } : {}) };
}

/** The server subject CN and SAN lists, checked; shared by issueServer and generateSet's up-front validation. */
function serverNames(cn: string | undefined, dnsNames: readonly string[], ipAddresses: readonly string[]): { commonName: string; dns: string[]; ip: string[] } {
  const sans = collectSans(dnsNames, ipAddresses, 'server certificate');
  const commonName = cn ?? sans.dns[0] ?? sans.ip[0];
  if (commonName === undefined) throw new CertError('a server certificate needs a common name, a DNS name or an IP address');
  checkCommonName(commonName, 'the server common name');
  // The CN goes first among the SANs: clients that verify the host (libpq verify-full, JDBC, Go) look only at the
  // SANs once there are any, so a CN missing from them would silently stop matching.
  const withCn = isIpAddress(commonName)
    ? collectSans(sans.dns, [commonName, ...sans.ip], 'server certificate')
    : isDnsName(commonName) ? collectSans([commonName, ...sans.dns], sans.ip, 'server certificate') : sans;
  if (withCn.dns.length + withCn.ip.length === 0) {
    throw new CertError(`the server common name ${quoteInput(commonName)} is neither a host name nor an IP address; give at least one DNS name or IP address for clients to verify`);
  }
  return { commonName, ...withCn };
}

function checkPathLength(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new CertError(`pathLength must be a whole number from 0 to 10; got ${String(n)}`);
  return n;
}

function checkUser(user: string): void {
  if (typeof user !== 'string' || user.length === 0) throw new CertError('the client user must not be empty: it becomes the certificate CN that cert authentication compares with the user name');
  if (user.trim() !== user) throw new CertError('the client user has leading or trailing white space, which would never match a user name');
  checkCommonName(user, 'the client user');
  if (new TextEncoder().encode(user).length > MAX_PG_IDENTIFIER_BYTES) {
    throw new CertError(`the client user is longer than ${MAX_PG_IDENTIFIER_BYTES} bytes; PostgreSQL truncates role names there, so the CN could never match`);
  }
}

async function generateKeys(algorithm: KeyAlgorithm, hash: SignatureHash | undefined, crypto: Crypto): Promise<CryptoKeyPair> {
  const params = algorithmSpec(algorithm).keyGen(hash);
  // Extractable, because the whole point is to write the key to a file.
  return await crypto.subtle.generateKey(params, true, ['sign', 'verify']) as CryptoKeyPair;
}

/** Kept for the CAs made here, so issuing never has to parse the CA's certificate. */
const issuers = new WeakMap<object, IssuerInfo>();

function issuerOf(ca: CertificateAuthority): IssuerInfo {
  const known = issuers.get(ca);
  if (known) return known;
  // A CA from elsewhere (loadCertificateAuthority, or a copy of one of ours): read the same facts off its certificate.
  const cert = ca.cert;
  const ski = cert.getExtension(x509().SubjectKeyIdentifierExtension);
  if (!ski) throw new CertError('the issuing CA certificate has no subject key identifier');
  const keyId = Uint8Array.from(ski.keyId.match(/../g) ?? [], h => parseInt(h, 16));
  const info = { subject: subjectOfCertificate(cert.rawData), keyId, notAfter: cert.notAfter, authorityKeyId: authorityKeyId(keyId) };
  issuers.set(ca, info);
  return info;
}

/** Signs a certificate under `issuer` for `keys`, adding SKI and AKI after `extensions`. */
async function signLeafOrIntermediate(
  ca: CertificateAuthority, issuer: IssuerInfo, spki: SubjectPublicKeyInfo, subject: Name, base: ResolvedBase, extensions: Extension[], crypto: Crypto,
): Promise<{ certDer: Uint8Array<ArrayBuffer>; keyId: Uint8Array<ArrayBuffer> }> {
  const keyId = await keyIdentifier(spki, crypto);
  const certDer = await buildCertificate({
    subject, issuer: issuer.subject, spki, base, crypto,
    extensions: [...extensions, subjectKeyId(keyId), issuer.authorityKeyId],
    signingKey: ca.keys.privateKey, signingAlgorithm: ca.algorithm, hash: ca.hash,
  });
  return { certDer, keyId };
}

async function issueLeaf(
  ca: CertificateAuthority, issuer: IssuerInfo, base: ResolvedBase, plan: LeafPlan, crypto: Crypto, pending?: Promise<CryptoKeyPair>,
): Promise<IssuedCertificate> {
  const spec = algorithmSpec(base.algorithm);
  const keys = await (pending ?? generateKeys(base.algorithm, spec.defaultHash, crypto));
  const extensions = leafExtensions(spec.keyEncipherment, plan.usages, plan.dns, plan.ip);
  const spki = await publicKeyInfo(keys.publicKey, crypto);
  const { certDer } = await signLeafOrIntermediate(ca, issuer, spki, plan.subject, base, extensions, crypto);
  const key = await exportPrivateKey(keys.privateKey, base.keyFormat, crypto);
  const certPem = pemEncode(certDer, 'CERTIFICATE');
  return withLazyCertificate({
    algorithm: base.algorithm, certPem, chainPem: certPem + ca.chain.map(c => pemEncode(c.rawData, 'CERTIFICATE')).join(''),
    keys, keyPem: key.pem, pk8Der: key.pk8Der, ...(base.notes ? { notes: base.notes } : {}),
  }, certDer);
}

async function finishCa(
  certDer: Uint8Array<ArrayBuffer>, info: IssuerInfo, keys: CryptoKeyPair, base: ResolvedBase, hash: SignatureHash | undefined, pathLength: number,
  chain: X509Certificate[], crypto: Crypto, cert?: X509Certificate,
): Promise<CertificateAuthority> {
  const key = await exportPrivateKey(keys.privateKey, base.keyFormat, crypto);
  const certPem = pemEncode(certDer, 'CERTIFICATE');
  const fields = {
    algorithm: base.algorithm, certPem, chainPem: chain.map(c => pemEncode(c.rawData, 'CERTIFICATE')).join('') || certPem,
    keys, keyPem: key.pem, pk8Der: key.pk8Der, hash, pathLength, chain, ...(base.notes ? { notes: base.notes } : {}),
  };
  const ca = cert ? { ...fields, cert, certDer } : withLazyCertificate(fields, certDer);
  issuers.set(ca, info);
  return ca;
}

/**
 * Adds `cert` as a property that parses the DER on first use. Parsing with @peculiar/x509 costs more than making
 * an ECDSA certificate, and generating a set of PEM files never needs the object.
 */
function withLazyCertificate<T extends object>(fields: T, certDer: Uint8Array<ArrayBuffer>): T & { cert: X509Certificate; certDer: Uint8Array<ArrayBuffer> } {
  let cert: X509Certificate | undefined;
  return Object.defineProperty(Object.assign(fields, { certDer }), 'cert', {
    enumerable: true,
    configurable: true,
    get: () => (cert ??= new (x509().X509Certificate)(certDer)),
  }) as T & { cert: X509Certificate; certDer: Uint8Array<ArrayBuffer> };
}
