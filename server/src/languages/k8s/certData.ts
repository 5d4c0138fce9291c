/**
 * The certificate and key contents of a Secret document: each `data` entry base64-decoded, each `stringData` entry as
 * written, read through the injected TLS backend (OpenSSL in Node). Memoised on the document part, so a Secret looked
 * up by several resources, or re-validated while its text is unchanged, is decoded once.
 *
 * Spans are relative to the Secret's own document (add `doc.base` for file offsets). `stringData` wins over `data` for
 * the same key, as the API server merges them.
 *
 * Beside the checks rather than in check/: the Secret checks (check/secretContent.ts, check/certUsage.ts,
 * check/percona.ts) and the hover over a Secret's value (hover.ts) read the same decoded entries.
 */
import { isMap, isScalar, type Document, type Node } from 'yaml';
import type { TlsBackend, PemCertificates, PrivateKeyRead } from '../../core/tlsBackend';
import type { Span } from '../../core/types';
import { keyString, locate, nodeSpan } from './data';
import type { Part } from './parse';

export interface SecretEntry {
  key: string;
  source: 'data' | 'stringData';
  /** Span of the key and of the value node (document-relative). */
  keySpan: Span;
  valueSpan: Span;
  /** The decoded text; `undefined` when `data` holds invalid base64 or the value is not a string scalar. */
  text: string | undefined;
  /** Why `text` is missing: `base64` (not valid base64) or `not-string` (a map, a list, a number, null…). */
  problem?: 'base64' | 'not-string';
  /** Decoded bytes contain NUL or invalid UTF-8: binary content (DER, PKCS#12…), never PEM. */
  binary?: boolean;
  /** The value is YAML null (`key:` or `key: ~`): Kubernetes stores an empty value. `problem` is then `not-string`. */
  nullValue?: boolean;
  /** The decoded bytes of a `data` entry (or of a `!!binary` value); absent for `stringData` and when not decodable. */
  bytes?: Buffer;
}

export interface SecretContents {
  /** Every entry by key (stringData over data). */
  entries: Map<string, SecretEntry>;
  /** The certificates of an entry's text (cached); `undefined` when the entry is absent or has no text. */
  certificates(key: string): PemCertificates | undefined;
  /** The private key of an entry's text (cached); `undefined` when the entry is absent or has no text. */
  privateKey(key: string): PrivateKeyRead | undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 as the API server decodes `data` (Go's StdEncoding; whitespace and newlines are not allowed in JSON, but YAML folding may add line breaks in block scalars, which kubectl strips). */
export function decodeBase64(s: string): Buffer | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !BASE64.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

function bytesToText(b: Buffer): { text: string; binary: boolean } {
  const text = b.toString('utf8');
  const binary = b.includes(0) || text.includes('\uFFFD');
  return { text, binary };
}

/**
 * Reads by text, shared across documents per backend: the same CA bundle in many Secrets, or a Secret re-parsed after
 * an edit elsewhere in it, is read once (reading a certificate costs milliseconds). Bounded; very long texts are not kept.
 */
const READ_CACHE = new WeakMap<TlsBackend, { certs: Map<string, PemCertificates>; keys: Map<string, PrivateKeyRead> }>();
const CACHE_ENTRIES = 512;
const CACHE_MAX_TEXT = 65_536;

function cachedRead<T>(cache: Map<string, T>, text: string, read: () => T): T {
  if (text.length > CACHE_MAX_TEXT) return read();
  const hit = cache.get(text);
  if (hit !== undefined) {
    cache.delete(text);
    cache.set(text, hit); // most recently used last
    return hit;
  }
  const v = read();
  cache.set(text, v);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return v;
}

function readCache(tls: TlsBackend) {
  let c = READ_CACHE.get(tls);
  if (!c) READ_CACHE.set(tls, c = { certs: new Map(), keys: new Map() });
  return c;
}

/** The certificate contents of a Secret document part. */
export function secretContents(part: Part, tls: TlsBackend): SecretContents {
  const hit = part.memo.get('certData') as SecretContents | undefined;
  if (hit) return hit;
  const entries = new Map<string, SecretEntry>();
  const doc: Document.Parsed | undefined = part.doc;
  if (doc) {
    for (const source of ['data', 'stringData'] as const) {
      const steps = locate(doc, [source]);
      const map = steps.length === 2 ? steps[1]!.node : undefined;
      if (!map || !isMap(map)) continue;
      for (const pair of map.items) {
        if (!pair.key) continue;
        const key = keyString(pair.key);
        const keySpan = nodeSpan(pair.key as Node);
        const v = pair.value;
        const valueSpan = v ? nodeSpan(v as Node) : keySpan;
        const entry: SecretEntry = { key, source, keySpan, valueSpan, text: undefined };
        if (isScalar(v) && v.value instanceof Uint8Array) {
          // `!!binary` (YAML 1.1): already decoded by the parser
          const bytes = Buffer.from(v.value);
          const { text, binary } = bytesToText(bytes);
          entry.text = text;
          entry.bytes = bytes;
          if (binary) entry.binary = true;
        } else if (!isScalar(v) || typeof v.value !== 'string') {
          entry.problem = 'not-string';
          if (!v || (isScalar(v) && v.value === null)) entry.nullValue = true;
        }
        else if (source === 'stringData') entry.text = v.value;
        else {
          const bytes = decodeBase64(v.value);
          if (!bytes) entry.problem = 'base64';
          else {
            const { text, binary } = bytesToText(bytes);
            entry.text = text;
            entry.bytes = bytes;
            if (binary) entry.binary = true;
          }
        }
        if (source === 'stringData' || !entries.has(key) || entries.get(key)!.source === 'data') entries.set(key, entry);
      }
    }
  }
  const certs = new Map<string, PemCertificates | undefined>();
  const keys = new Map<string, PrivateKeyRead | undefined>();
  const out: SecretContents = {
    entries,
    certificates(key) {
      if (!certs.has(key)) {
        const t = entries.get(key)?.text;
        certs.set(key, t === undefined ? undefined : cachedRead(readCache(tls).certs, t, () => tls.readCertificates(t)));
      }
      return certs.get(key);
    },
    privateKey(key) {
      if (!keys.has(key)) {
        const t = entries.get(key)?.text;
        keys.set(key, t === undefined ? undefined : cachedRead(readCache(tls).keys, t, () => tls.readPrivateKey(t)));
      }
      return keys.get(key);
    },
  };
  part.memo.set('certData', out);
  return out;
}
