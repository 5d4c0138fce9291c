/**
 * The blocks of a PEM file, found the way OpenSSL's PEM reader finds them (text between blocks is skipped). Only the
 * framing: decoding and parsing the blocks is the TLS backend's job (`tlsBackend.ts`). The rules use the labels for
 * their messages ("it holds only PRIVATE KEY blocks"), the backend hands each block to the crypto library.
 */

export interface PemBlock {
  /** The word(s) after `BEGIN`, e.g. `CERTIFICATE`, `PRIVATE KEY`, `RSA PRIVATE KEY`. */
  label: string;
  /** RFC 1421 headers (`Proc-Type`, `DEK-Info`) of traditional encrypted keys. */
  headers: Record<string, string>;
  /** Character offsets of the `-----BEGIN` line and the end of the `-----END` line in the text. */
  start: number;
  end: number;
  /** The block itself, `-----BEGIN` to `-----END …-----` inclusive, with a final newline. */
  text: string;
}

/** Every PEM block in `text`, in order. Text outside blocks is ignored and a `-----BEGIN` line must start a line, as in OpenSSL. */
export function readPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const begin = /^-----BEGIN ([A-Z0-9 ]+)-----[^\S\r\n]*\r?\n/gm;
  let m: RegExpExecArray | null;
  while ((m = begin.exec(text)) !== null) {
    const label = m[1]!;
    const endMarker = `-----END ${label}-----`;
    const endAt = text.indexOf(endMarker, begin.lastIndex);
    if (endAt < 0) break;
    const body = text.slice(begin.lastIndex, endAt);
    const headers: Record<string, string> = {};
    // Headers come first and end with an empty line (RFC 1421); only traditional encrypted keys have them.
    const headerEnd = /\r?\n\r?\n/.exec(body);
    if (headerEnd && /^[A-Za-z-]+:/.test(body)) {
      for (const line of body.slice(0, headerEnd.index).split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
    }
    const end = endAt + endMarker.length;
    blocks.push({ label, headers, start: m.index, end, text: `${text.slice(m.index, end)}\n` });
    begin.lastIndex = end;
  }
  return blocks;
}

/** PEM labels OpenSSL reads as certificates (PEM_read_bio_X509_AUX). */
export const CERTIFICATE_LABELS: ReadonlySet<string> = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** PEM labels OpenSSL reads as private keys (PEM_read_bio_PrivateKey): `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `RSA PRIVATE KEY`, … */
export const isPrivateKeyLabel = (label: string): boolean => label === 'PRIVATE KEY' || label.endsWith(' PRIVATE KEY');
