/**
 * The life of a certificate set after `pgtls cert set` wrote it: renewing its leaves from the same CA, and rotating
 * the CA (a new CA, a bundle of old and new for the transition, the leaves re-issued by the new CA). Pure: the
 * folder's files come in as bytes, the clock and WebCrypto are passed in, and the new files go out as data; the
 * caller (node/certLifecycle.ts) backs up and writes. The order of the rotation's steps is in rotation.ts.
 *
 * A renewed leaf keeps everything but its validity, serial and key identifiers: the subject is copied as encoded,
 * the extensions (basic constraints, key usage, extended key usage, SANs) are copied as they are, and the key is
 * reused unless new keys are asked for. So a renewal can never change which names or usages a peer sees.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints, Certificate, SubjectPublicKeyInfo, id_ce_authorityKeyIdentifier, id_ce_basicConstraints, id_ce_subjectKeyIdentifier,
  type Extension, type Name,
} from '@peculiar/asn1-x509';
import type { X509Certificate } from '@peculiar/x509';
import { x509 } from './x509lib';
import { CertError, algorithmSpec, type KeyAlgorithm, type SignatureHash } from './algorithms';
import {
  authorityKeyId, buildCertificate, caBasicConstraints, caKeyUsage, keyIdentifier, publicKeyInfo, subjectKeyId, subjectOfCertificate,
} from './assemble';
import { CLOCK_SKEW_MS, DEFAULT_CA_DAYS, DEFAULT_LEAF_DAYS, MAX_DAYS } from './generate';
import { equalBytes, exportPrivateKey, pemDecodeAll, pemEncode, pemKeyFormat, type KeyFormat } from './keys';
import { certificateAlgorithm, keyMatchesCertificate, loadCertificateAuthority } from './plan';

/** The folder is not a certificate set (no ca.crt, no leaf): the command was pointed at the wrong place. */
export class NotASetError extends CertError {}

/** The set is there but cannot be renewed or rotated as asked (no CA key, a leaf from another CA, a key that does not match). */
export class SetProblemError extends CertError {}

/** The files of a set's folder, by plain file name. */
export type SetFiles = Readonly<Record<string, Uint8Array>>;

/** The leaf names `pgtls cert set`/`server`/`client`/`replication` write (other `<base>.crt` + `<base>.key` pairs count too). */
export const STANDARD_LEAVES = ['server', 'client', 'replication'] as const;
/** Certificates of the folder that are trust anchors, never leaves. */
export const TRUST_FILES = ['ca.crt', 'ca-bundle.crt', 'root.crt'] as const;
/** What rotate-ca writes for the transition: the old CA, then the new one. */
export const BUNDLE_FILE = 'ca-bundle.crt';

export interface SetLeaf {
  /** File stem: `server` for server.crt/server.key. */
  base: string;
  cert: X509Certificate;
  /** The key file's text, when there is one (never shown). */
  keyPem?: string;
  keyFormat: KeyFormat;
  /** A `<base>.pk8` (PKCS#8 DER for JDBC) sits beside it and must follow a new key. */
  pk8: boolean;
  algorithm: KeyAlgorithm;
}

export interface LoadedSet {
  caCert: X509Certificate;
  caCertPem: string;
  caKeyPem?: string;
  leaves: SetLeaf[];
  /** One sentence each: files looked at and left alone. */
  notes: string[];
}

/** A file the operation produces. `secret`: a private key (write 0600). */
export interface LifecycleFile {
  name: string;
  contents: string | Uint8Array;
  secret: boolean;
}

export interface ReissuedLeaf {
  base: string;
  certPem: string;
  cert: X509Certificate;
  previous: X509Certificate;
  /** The leaf's key pair was kept (its key file is not rewritten). */
  keyReused: boolean;
}

export interface LifecycleResult {
  files: LifecycleFile[];
  leaves: ReissuedLeaf[];
  notes: string[];
}

export interface RenewOptions {
  now: Date;
  crypto: Crypto;
  /** Make new leaf keys (same algorithm) instead of reusing the ones in the folder. */
  newKeys?: boolean;
  /** Leaf validity in days (default 397, cut at the CA's expiry as generation does). */
  days?: number;
}

export interface RotateOptions extends RenewOptions {
  /** The new CA's validity in days (default 3650). */
  caDays?: number;
}

export interface RotateResult extends LifecycleResult {
  oldCa: X509Certificate;
  newCa: X509Certificate;
  /** Why the new CA has the old one's subject, and what that means for chain building. */
  subjectNote: string;
}

const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));

/** Reads a set from its folder's files: the CA (ca.crt, ca.key when there) and every leaf with its key. */
export function readSet(files: SetFiles): LoadedSet {
  const caText = text(files['ca.crt']);
  if (caText === undefined) throw new NotASetError('the folder has no ca.crt, so it is not a certificate set as "pgtls cert set" writes it');
  const caDer = pemDecodeAll(caText, 'CERTIFICATE')[0];
  if (!caDer) throw new NotASetError('ca.crt holds no PEM certificate');
  const caCert = parse(caDer, 'ca.crt');
  const notes: string[] = [];
  const leaves: SetLeaf[] = [];
  const crts = Object.keys(files).filter(n => n.endsWith('.crt') && !(TRUST_FILES as readonly string[]).includes(n)).sort();
  for (const name of crts) {
    const base = name.slice(0, -4);
    const keyPem = text(files[`${base}.key`]);
    if (keyPem === undefined && !(STANDARD_LEAVES as readonly string[]).includes(base)) {
      notes.push(`${name} has no ${base}.key beside it and was left alone`);
      continue;
    }
    const der = pemDecodeAll(text(files[name])!, 'CERTIFICATE')[0];
    if (!der) throw new SetProblemError(`${name} holds no PEM certificate`);
    const cert = parse(der, name);
    let algorithm: KeyAlgorithm;
    try {
      algorithm = certificateAlgorithm(cert);
    } catch (e) {
      throw new SetProblemError(`${name}: ${(e as Error).message.replace(/the CA/g, 'the certificate')}`);
    }
    leaves.push({
      base, cert, ...(keyPem !== undefined ? { keyPem } : {}), keyFormat: pemKeyFormat(keyPem),
      pk8: files[`${base}.pk8`] !== undefined, algorithm,
    });
  }
  if (!leaves.length) throw new NotASetError('the folder has ca.crt but no leaf certificate (server.crt, client.crt, … with their keys)');
  return { caCert, caCertPem: pemEncode(caCert.rawData, 'CERTIFICATE'), ...(files['ca.key'] ? { caKeyPem: text(files['ca.key'])! } : {}), leaves, notes };
}

function parse(der: Uint8Array<ArrayBuffer>, name: string): X509Certificate {
  try {
    return new (x509().X509Certificate)(der);
  } catch {
    throw new SetProblemError(`${name} holds a certificate that cannot be parsed`);
  }
}

/** What signing under a CA needs: its key, algorithm, subject as encoded, key identifier, expiry, intermediates. */
interface Signer {
  privateKey: CryptoKey;
  algorithm: KeyAlgorithm;
  hash: SignatureHash | undefined;
  subject: Name;
  keyId: Uint8Array<ArrayBuffer>;
  notAfter: Date;
  /** PEM of the intermediates a leaf is sent with (empty for a root). */
  chainPem: string;
}

/** Re-issues every leaf of the set from its own CA (ca.crt + ca.key), same names, fresh validity. */
export async function renewSet(files: SetFiles, opts: RenewOptions): Promise<LifecycleResult> {
  const set = readSet(files);
  if (set.caKeyPem === undefined) {
    throw new SetProblemError('ca.key is missing: renewing signs the leaves with the CA\'s private key (without it, "pgtls cert rotate-ca" makes a new CA instead)');
  }
  let ca;
  try {
    ca = await loadCertificateAuthority(text(files['ca.crt'])!, set.caKeyPem, opts.now, opts.crypto);
  } catch (e) {
    throw new SetProblemError(`ca.crt / ca.key: ${(e as Error).message}`);
  }
  await checkLeaves(set, set.caCert, 'ca.crt', opts);
  const caInfo = await signerFromCertificate(ca.cert, ca.keys.privateKey, ca.algorithm, ca.hash, ca.chain.map(c => pemEncode(c.rawData, 'CERTIFICATE')).join(''), opts.crypto);
  const out = await reissueAll(set, caInfo, opts);
  return { ...out, notes: [...set.notes, ...out.notes] };
}

/** Every leaf is signed by `ca` (name and signature) and, unless new keys are made, its key file belongs to it. */
async function checkLeaves(set: LoadedSet, ca: X509Certificate, caFile: string, opts: RenewOptions): Promise<void> {
  for (const leaf of set.leaves) {
    const sameName = equalBytes(leaf.cert.issuerName.toArrayBuffer(), ca.subjectName.toArrayBuffer());
    const signed = sameName && await leaf.cert.verify({ publicKey: ca.publicKey, signatureOnly: true }, opts.crypto).catch(() => false);
    if (!signed) {
      throw new SetProblemError(`${leaf.base}.crt was not issued by ${caFile} (its issuer is "${leaf.cert.issuer}"${sameName ? ', but the signature does not verify with that CA\'s key' : ''}); put the CA that issued it in ${caFile}, or make a new set with "pgtls cert set"`);
    }
    if (opts.newKeys) continue;
    if (leaf.keyPem === undefined) throw new SetProblemError(`${leaf.base}.crt has no ${leaf.base}.key beside it; run with --new-keys to make a new key`);
    let matches: boolean;
    try {
      matches = await keyMatchesCertificate(leaf.cert, leaf.keyPem, opts.crypto);
    } catch (e) {
      throw new SetProblemError(`${leaf.base}.key cannot be used with ${leaf.base}.crt: ${(e as Error).message}; run with --new-keys to make a new key`);
    }
    if (!matches) {
      throw new SetProblemError(`${leaf.base}.key does not belong to ${leaf.base}.crt (the certificate's public key is not the key file's); run with --new-keys to make a new key, or put the matching key back`);
    }
  }
}

async function signerFromCertificate(
  cert: X509Certificate, privateKey: CryptoKey, algorithm: KeyAlgorithm, hash: SignatureHash | undefined, chainPem: string, crypto: Crypto,
): Promise<Signer> {
  // The authority key identifier must repeat the CA's own subject key identifier, however that was computed.
  const ski = cert.getExtension(x509().SubjectKeyIdentifierExtension);
  const keyId = ski
    ? Uint8Array.from(ski.keyId.match(/../g) ?? [], h => parseInt(h, 16))
    : await keyIdentifier(AsnConvert.parse(cert.publicKey.rawData, SubjectPublicKeyInfo), crypto);
  let subject: Name;
  try {
    subject = subjectOfCertificate(cert.rawData);
  } catch (e) {
    throw new SetProblemError((e as Error).message);
  }
  return { privateKey, algorithm, hash, subject, keyId, notAfter: cert.notAfter, chainPem };
}

async function reissueAll(set: LoadedSet, ca: Signer, opts: RenewOptions): Promise<LifecycleResult> {
  const leaves = await Promise.all(set.leaves.map(l => reissue(l, ca, opts)));
  const files: LifecycleFile[] = [];
  for (const r of leaves) files.push(...r.files);
  return { files, leaves: leaves.map(r => r.leaf), notes: [] };
}

/** The leaf again, signed by `ca`: same subject and extensions, new validity, serial and key identifiers. */
async function reissue(leaf: SetLeaf, ca: Signer, opts: RenewOptions): Promise<{ leaf: ReissuedLeaf; files: LifecycleFile[] }> {
  const { notBefore, notAfter } = freshValidity(opts.now, opts.days ?? DEFAULT_LEAF_DAYS, ca.notAfter, `${leaf.base}.crt`);
  let subject: Name;
  try {
    subject = subjectOfCertificate(leaf.cert.rawData);
  } catch {
    throw new SetProblemError(`${leaf.base}.crt has a subject name that is not in DER form and cannot be copied exactly`);
  }
  const kept = (AsnConvert.parse(leaf.cert.rawData, Certificate).tbsCertificate.extensions ?? [])
    .filter(e => e.extnID !== id_ce_subjectKeyIdentifier && e.extnID !== id_ce_authorityKeyIdentifier);
  const spec = algorithmSpec(leaf.algorithm);
  const keys = opts.newKeys ? await opts.crypto.subtle.generateKey(spec.keyGen(spec.defaultHash), true, ['sign', 'verify']) as CryptoKeyPair : undefined;
  const spki = keys ? await publicKeyInfo(keys.publicKey, opts.crypto) : AsnConvert.parse(leaf.cert.publicKey.rawData, SubjectPublicKeyInfo);
  const keyId = await keyIdentifier(spki, opts.crypto);
  const der = await buildCertificate({
    subject, issuer: ca.subject, spki, crypto: opts.crypto,
    base: { algorithm: leaf.algorithm, keyFormat: leaf.keyFormat, notBefore, notAfter },
    extensions: [...kept, subjectKeyId(keyId), authorityKeyId(ca.keyId)],
    signingKey: ca.privateKey, signingAlgorithm: ca.algorithm, hash: ca.hash,
  });
  const certPem = pemEncode(der, 'CERTIFICATE');
  const files: LifecycleFile[] = [{ name: `${leaf.base}.crt`, contents: certPem + ca.chainPem, secret: false }];
  if (keys) {
    const key = await exportPrivateKey(keys.privateKey, leaf.keyFormat, opts.crypto);
    files.push({ name: `${leaf.base}.key`, contents: key.pem, secret: true });
    if (leaf.pk8) files.push({ name: `${leaf.base}.pk8`, contents: key.pk8Der, secret: true });
  }
  return { leaf: { base: leaf.base, certPem, cert: new (x509().X509Certificate)(der), previous: leaf.cert, keyReused: !keys }, files };
}

/** notBefore = now − 5 minutes, notAfter = now + days, cut at the issuer's expiry (as the generator does). */
function freshValidity(now: Date, days: number, issuerNotAfter: Date, what: string): { notBefore: Date; notAfter: Date } {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new CertError('"now" must be a valid Date');
  if (!Number.isInteger(days) || days <= 0 || days > MAX_DAYS) throw new CertError(`days must be a whole number from 1 to ${MAX_DAYS}; got ${String(days)}`);
  const whole = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
  const notBefore = whole(now.getTime() - CLOCK_SKEW_MS);
  let notAfter = whole(now.getTime() + days * 86_400_000);
  if (notAfter > issuerNotAfter) notAfter = whole(issuerNotAfter.getTime());
  if (notAfter <= notBefore) throw new SetProblemError(`${what}: the CA expired on ${issuerNotAfter.toISOString()}; rotate the CA instead ("pgtls cert rotate-ca")`);
  return { notBefore, notAfter };
}

export const SUBJECT_NOTE =
  'The new CA has the old CA\'s subject name, so every leaf keeps the issuer name it had and nothing that matches on ' +
  'the issuer name changes. The two CAs differ in key, serial and subject key identifier: every pgtls certificate names ' +
  'its issuer\'s key identifier (authority key identifier), and OpenSSL (PostgreSQL, Pgpool-II, PgBouncer, libpq) tries ' +
  'each trusted CA of that name and keeps the one whose key identifier and signature match, so old and new leaves both ' +
  'verify against the bundle. A verifier that stopped at the first CA of a matching name would fail for half the leaves ' +
  'during the transition: keep the transition short and finish with the new CA alone.';

/**
 * A new root CA with the old one's subject name, algorithm and path length (new key, serial and key identifier),
 * the bundle of both for the transition, and the leaves re-issued by the new CA. The old CA's key is not needed.
 */
export async function rotateCa(files: SetFiles, opts: RotateOptions): Promise<RotateResult> {
  const set = readSet(files);
  const old = set.caCert;
  if (!equalBytes(old.subjectName.toArrayBuffer(), old.issuerName.toArrayBuffer())) {
    throw new SetProblemError(`ca.crt is an intermediate CA (issued by "${old.issuer}"); rotate-ca replaces a root CA: issue a new intermediate with "pgtls cert ca --ca-cert ROOT.crt --ca-key ROOT.key" instead`);
  }
  await checkLeaves(set, old, 'ca.crt', opts);
  let algorithm: KeyAlgorithm;
  try {
    algorithm = certificateAlgorithm(old);
  } catch (e) {
    throw new SetProblemError(`ca.crt: ${(e as Error).message}`);
  }
  const spec = algorithmSpec(algorithm);
  const bcExt = AsnConvert.parse(old.rawData, Certificate).tbsCertificate.extensions?.find(e => e.extnID === id_ce_basicConstraints);
  const pathLength = bcExt ? Math.min(AsnConvert.parse(bcExt.extnValue.buffer, BasicConstraints).pathLenConstraint ?? 0, 10) : 0;
  const caDays = opts.caDays ?? DEFAULT_CA_DAYS;
  const validity = freshValidity(opts.now, caDays, new Date(Date.UTC(9999, 11, 31)), 'the new CA');
  let subject: Name;
  try {
    subject = subjectOfCertificate(old.rawData);
  } catch (e) {
    throw new SetProblemError((e as Error).message);
  }
  const keys = await opts.crypto.subtle.generateKey(spec.keyGen(spec.defaultHash), true, ['sign', 'verify']) as CryptoKeyPair;
  const spki = await publicKeyInfo(keys.publicKey, opts.crypto);
  const keyId = await keyIdentifier(spki, opts.crypto);
  const extensions: Extension[] = [caBasicConstraints(pathLength), caKeyUsage(), subjectKeyId(keyId), authorityKeyId(keyId)];
  const caKeyFormat = pemKeyFormat(set.caKeyPem);
  const der = await buildCertificate({
    subject, issuer: subject, spki, crypto: opts.crypto, base: { algorithm, keyFormat: caKeyFormat, ...validity },
    extensions, signingKey: keys.privateKey, signingAlgorithm: algorithm, hash: spec.defaultHash,
  });
  const newCaPem = pemEncode(der, 'CERTIFICATE');
  const newCa = new (x509().X509Certificate)(der);
  const signer: Signer = { privateKey: keys.privateKey, algorithm, hash: spec.defaultHash, subject, keyId, notAfter: newCa.notAfter, chainPem: '' };
  const out = await reissueAll(set, signer, opts);
  const caKey = await exportPrivateKey(keys.privateKey, caKeyFormat, opts.crypto);
  return {
    files: [
      { name: 'ca.crt', contents: newCaPem, secret: false },
      { name: 'ca.key', contents: caKey.pem, secret: true },
      { name: BUNDLE_FILE, contents: set.caCertPem + newCaPem, secret: false },
      ...out.files,
    ],
    leaves: out.leaves,
    notes: files['root.crt'] ? [...set.notes, 'root.crt (libpq\'s sslrootcert) was left as it is: it follows the steps, ca-bundle.crt in step 1 and the new ca.crt in step 3'] : set.notes,
    oldCa: old,
    newCa,
    subjectNote: SUBJECT_NOTE,
  };
}
