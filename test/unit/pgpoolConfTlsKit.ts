/**
 * Test kit for the pgpool.conf TLS rules: hand-built parsed files (independent of the parser), an in-memory
 * environment (files with modes and owners, euid, clock; certificates and keys are read by the real node:crypto TLS
 * backend of `nodeEnv`) and certificates made in memory with @peculiar/x509 over WebCrypto. No key ever touches the disk.
 */
import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { ValidateContext } from '../../server/src/core/language';
import { DEFAULT_SETTINGS, type FileStat, type Finding, type ServiceEnv, type Settings, type SourceDocument } from '../../server/src/core/types';
import type { Assignment, Include, PgpoolConfFile } from '../../server/src/languages/pgpoolConf/model';
import { checkTls } from '../../server/src/languages/pgpoolConf/check/tls';
import { testEnv } from '../helpers';

export const crypto = webcrypto as unknown as Crypto;
export const NOW = new Date('2026-06-01T00:00:00Z');

/** One line of a hand-built pgpool.conf: `[key, value]` (written quoted) or `['include', file]`. */
export type Line = [key: string, value: string];

/** Builds the text and the parsed form of a pgpool.conf from key/value pairs, with exact spans. */
export function conf(path: string, lines: Line[]): { doc: SourceDocument; file: PgpoolConfFile } {
  let text = '';
  const assignments: Assignment[] = [];
  const includes: Include[] = [];
  lines.forEach(([key, value], line) => {
    const start = text.length;
    const quoted = `'${value}'`;
    text += `${key} = ${quoted}\n`;
    const keySpan = [start, start + key.length] as const;
    const valueSpan = [start + key.length + 3, start + key.length + 3 + quoted.length] as const;
    if (key === 'include') includes.push({ keySpan, value, valueSpan, line });
    else assignments.push({ key, keySpan, name: key, value, valueSpan, valueKind: 'string', equalsSpan: [start + key.length + 1, start + key.length + 2], line });
  });
  return { doc: { path, text, languageId: 'pgpool-conf', version: 1 }, file: { path, assignments, syntaxErrors: [], includes } };
}

export interface MemFile { text: string; mode?: number; uid?: number; dir?: boolean }

/** An environment whose files live in a map; `euid` and the clock are fixed. */
export function memEnv(files: Record<string, MemFile>, opts: { euid?: number | null; now?: Date } = {}): ServiceEnv {
  const base = testEnv();
  return {
    ...base,
    readText: p => (files[p] && !files[p]!.dir ? files[p]!.text : undefined),
    readBytes: p => (files[p] && !files[p]!.dir ? new TextEncoder().encode(files[p]!.text) : undefined),
    stat: (p): FileStat | undefined => (files[p] ? { isFile: !files[p]!.dir, mode: files[p]!.mode ?? 0o600, uid: files[p]!.uid ?? 1000 } : undefined),
    euid: () => (opts.euid === null ? undefined : opts.euid ?? 1000),
    crypto,
    now: () => opts.now ?? NOW,
  };
}

export interface Reported extends Finding { text: string }

/** Runs the TLS rules alone on a hand-built file; `siblings` are other hand-built files (for `include`). */
export function runTls(
  built: { doc: SourceDocument; file: PgpoolConfFile }, env: ServiceEnv, settings: Partial<Settings> = {},
  siblings: Record<string, { doc: SourceDocument; file: PgpoolConfFile }> = {},
): Reported[] {
  const out: Reported[] = [];
  const ctx: ValidateContext = {
    settings: { ...DEFAULT_SETTINGS, ...settings },
    env,
    parseSibling: <T>(p: string) => siblings[p] as { doc: SourceDocument; file: T } | undefined,
    report(rule, span, message, extra) {
      out.push({ rule: typeof rule === 'string' ? rule : rule.id, span, message, ...extra, text: built.doc.text.slice(span[0], span[1]) });
    },
  };
  checkTls(built.doc, built.file, ctx);
  return out;
}

export const rulesOf = (r: Reported[]): string[] => r.map(f => f.rule.replace('pgpool-conf/', '')).sort();

// ---------------------------------------------------------------------------------------------------------------
// Certificates

export type KeyKind = 'ec256' | 'ec384' | 'rsa' | 'rsa-pss' | 'ed25519' | 'rsa1024';

const ALGS: Record<KeyKind, RsaHashedKeyGenParams | EcKeyGenParams | Algorithm> = {
  ec256: { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams,
  ec384: { name: 'ECDSA', namedCurve: 'P-384' } as EcKeyGenParams,
  rsa: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as RsaHashedKeyGenParams,
  /** Below OpenSSL security level 2: for the certificate policy's weak-key checks. */
  rsa1024: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as RsaHashedKeyGenParams,
  'rsa-pss': { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as RsaHashedKeyGenParams,
  ed25519: { name: 'Ed25519' },
};

function signingAlg(kind: KeyKind): Algorithm & Record<string, unknown> {
  if (kind === 'ec256') return { name: 'ECDSA', hash: 'SHA-256' };
  if (kind === 'ec384') return { name: 'ECDSA', hash: 'SHA-384' };
  if (kind === 'rsa' || kind === 'rsa1024') return { name: 'RSASSA-PKCS1-v1_5' };
  if (kind === 'rsa-pss') return { name: 'RSA-PSS', saltLength: 32 };
  return { name: 'Ed25519' };
}

export interface Issued {
  kind: KeyKind;
  keys: CryptoKeyPair;
  cert: x509.X509Certificate;
  certPem: string;
  /** PKCS #8 PEM. */
  keyPem: string;
}

export async function keyPair(kind: KeyKind): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGS[kind], true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function pkcs8Pem(keys: CryptoKeyPair): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

/**
 * The default validity of the kit's certificates: from before the kit's fixed clock (`NOW`) to two years after the
 * day the tests run (at least 2027-01-01), so that they are valid both for the kit's environment and for tests that
 * run on the real clock; fixed end dates would make them expire one day and the tests fail with it.
 */
const DAY = 86_400_000;
export const KIT_NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
export const KIT_NOT_AFTER = new Date(Math.max(Date.parse('2027-01-01T00:00:00Z'), Math.floor(Date.now() / DAY) * DAY + 730 * DAY));

/** A certificate: self-signed when `issuer` is absent. */
export async function issue(opts: {
  cn: string; kind?: KeyKind; issuer?: Issued; ca?: boolean; notBefore?: Date; notAfter?: Date; keyUsage?: x509.KeyUsageFlags; noExtensions?: boolean;
  /** More extensions (subjectAltName, extendedKeyUsage, …). */
  extensions?: x509.Extension[];
  /** The digest of the issuer's signature when the issuer's key is EC (ECDSA takes it per signature): e.g. `SHA-1`. */
  hash?: string;
}): Promise<Issued> {
  const kind = opts.kind ?? 'ec256';
  const keys = await keyPair(kind);
  const extensions: x509.Extension[] = opts.noExtensions ? [] : [new x509.BasicConstraintsExtension(opts.ca ?? false, undefined, true)];
  if (opts.keyUsage !== undefined) extensions.push(new x509.KeyUsagesExtension(opts.keyUsage, true));
  extensions.push(...(opts.extensions ?? []));
  const signer = opts.issuer ?? { kind, keys };
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Math.floor(Math.random() * 1e9).toString(16).padStart(8, '1'),
    subject: `CN=${opts.cn}`,
    issuer: opts.issuer ? opts.issuer.cert.subject : `CN=${opts.cn}`,
    notBefore: opts.notBefore ?? KIT_NOT_BEFORE,
    notAfter: opts.notAfter ?? KIT_NOT_AFTER,
    publicKey: keys.publicKey,
    signingKey: signer.keys.privateKey,
    signingAlgorithm: { ...ALGS[signer.kind], ...signingAlg(signer.kind), ...(opts.hash ? { hash: opts.hash } : {}) },
    extensions,
  }, crypto);
  // Ending in a newline like real PEM files, so that concatenated files keep every BEGIN line at a line start.
  return { kind, keys, cert, certPem: `${cert.toString('pem')}\n`, keyPem: `${await pkcs8Pem(keys)}\n` };
}

/** The same private key as a traditional PEM: PKCS #1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY`. */
export function traditionalPem(keyPem: string): string {
  const k = createPrivateKey(keyPem);
  return k.export({ format: 'pem', type: k.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1' }).toString();
}

/** The same private key, encrypted (PKCS #8 `ENCRYPTED PRIVATE KEY`). */
export function encryptedPem(keyPem: string): string {
  return createPrivateKey(keyPem).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
}
