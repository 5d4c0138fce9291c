/**
 * Private-key encodings. WebCrypto exports PKCS#8 only; KubeDB's `privateKey.encoding: PKCS1` (and old tools) want
 * the RSA-only PKCS#1 `RSA PRIVATE KEY`, and JDBC's `sslkey` wants PKCS#8 DER (`.pk8`).
 * Errors here never quote the key: a parse failure says what was expected, not what was found.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { RSAPrivateKey, id_rsaEncryption } from '@peculiar/asn1-rsa';
import { CertError, quoteInput } from './algorithms';

/** `pkcs8`: `-----BEGIN PRIVATE KEY-----` (any algorithm). `pkcs1`: `-----BEGIN RSA PRIVATE KEY-----` (RSA only). */
export type KeyFormat = 'pkcs8' | 'pkcs1';
export const KEY_FORMATS: readonly KeyFormat[] = ['pkcs8', 'pkcs1'];

/** Normalises `PKCS1`/`pkcs8` (KubeDB spells them in upper case); throws a CertError listing the valid ones. */
export function parseKeyFormat(name: string): KeyFormat {
  const f = String(name).trim().toLowerCase().replace(/[-_#\s]/g, '');
  if (f === 'pkcs8' || f === 'pkcs1') return f;
  throw new CertError(`unknown key format ${quoteInput(name)}; valid formats: ${KEY_FORMATS.join(', ')}`);
}

/** The format of the first private key in a PEM text, to write its replacement the same way: `pkcs1` for an `RSA PRIVATE KEY` block, else `pkcs8`. */
export function pemKeyFormat(pem: string | undefined): KeyFormat {
  return pem !== undefined && /-----BEGIN ([A-Z ]*PRIVATE KEY)-----/.exec(pem)?.[1] === 'RSA PRIVATE KEY' ? 'pkcs1' : 'pkcs8';
}

/** PEM text: base64 in 64-character lines, LF line ends, a final newline (what OpenSSL writes). */
export function pemEncode(der: BufferSource, label: string): string {
  const b64 = toBase64(toBytes(der));
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The contents of every PEM block with the given label, in file order. */
export function pemDecodeAll(text: string, label: string): Uint8Array<ArrayBuffer>[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`, 'g');
  const out: Uint8Array<ArrayBuffer>[] = [];
  for (const m of text.matchAll(re)) out.push(fromBase64(m[1].replace(/\s+/g, '')));
  return out;
}

/** A copy of the bytes, backed by a plain ArrayBuffer (what WebCrypto and the ASN.1 parser accept). */
export function toBytes(src: BufferSource): Uint8Array<ArrayBuffer> {
  const view = ArrayBuffer.isView(src) ? new Uint8Array(src.buffer, src.byteOffset, src.byteLength) : new Uint8Array(src);
  return new Uint8Array(view);
}

// btoa/atob exist in Node >= 16 and in browsers and workers; Buffer would tie the core to Node.
function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new CertError('a PEM block is not valid base64');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Extracts the PKCS#1 RSAPrivateKey from an RSA PKCS#8 PrivateKeyInfo (RFC 5208 wraps it as an OCTET STRING). */
export function pkcs8ToPkcs1(pk8Der: BufferSource): Uint8Array<ArrayBuffer> {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(pk8Der, PrivateKeyInfo);
  } catch {
    throw new CertError('the private key is not a PKCS#8 PrivateKeyInfo');
  }
  if (info.privateKeyAlgorithm.algorithm !== id_rsaEncryption) {
    throw new CertError('PKCS#1 encoding exists only for RSA keys; use pkcs8 for ECDSA and Ed25519 keys');
  }
  const inner = new Uint8Array(info.privateKey.buffer);
  try {
    AsnConvert.parse(inner, RSAPrivateKey); // a sanity check that the wrapped bytes are what PKCS#1 says
  } catch {
    throw new CertError('the RSA private key inside the PKCS#8 structure is malformed');
  }
  return inner;
}

export interface ExportedKey {
  /** PEM in the requested format. */
  pem: string;
  /** PKCS#8 DER, whatever `pem` holds (JDBC reads `.pk8` files in this form). */
  pk8Der: Uint8Array<ArrayBuffer>;
}

/** Exports an extractable private key. */
export async function exportPrivateKey(key: CryptoKey, format: KeyFormat, crypto: Crypto): Promise<ExportedKey> {
  const pk8Der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', key));
  const pem = format === 'pkcs1' ? pemEncode(pkcs8ToPkcs1(pk8Der), 'RSA PRIVATE KEY') : pemEncode(pk8Der, 'PRIVATE KEY');
  return { pem, pk8Der };
}

/** Whether two byte strings are equal (e.g. a certificate's subject and issuer names as encoded). */
export function equalBytes(a: BufferSource, b: BufferSource): boolean {
  const x = toBytes(a), y = toBytes(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
