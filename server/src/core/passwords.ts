/**
 * Helpers every password-file language needs (pool_passwd, PgBouncer's auth_file): PostgreSQL's base64 decoder, which
 * Pgpool-II and PgBouncer both carry (`pg_b64_decode`, src/common/base64.c), UTF-8 lengths of the byte limits the
 * servers apply, and a user name as a message shows it. Never a value: messages name users, lengths and formats only.
 */

const B64 = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => { B64[c.charCodeAt(0)] = i; });

/**
 * `pg_b64_decode` (PostgreSQL src/common/base64.c; the copies in Pgpool-II src/utils/base64.c and PgBouncer
 * src/common/base64.c are the same), returning only the decoded length: -1 for a blank, a character outside the
 * alphabet, a misplaced `=` or a length that is not a multiple of 4.
 */
export function b64DecodedLength(s: string): number {
  let out = 0;
  let pos = 0;
  let end = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) return -1;
    if (c === 61 /* = */) {
      if (!end) {
        if (pos === 2) end = 1;
        else if (pos === 3) end = 2;
        else return -1;
      }
    } else if (c <= 0 || c >= 127 || B64[c]! < 0) return -1;
    pos++;
    if (pos === 4) {
      out += end === 0 ? 3 : end === 1 ? 1 : 2;
      pos = 0;
    }
  }
  return pos === 0 ? out : -1;
}

/** UTF-8 length of the UTF-16 code unit `c` (a surrogate counts half of its 4-byte pair). */
export function utf8Units(c: number): number {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdfff) return 2;
  return 3;
}

/** UTF-8 length of `text[start, end)`. */
export function utf8Length(text: string, start = 0, end = text.length): number {
  let n = 0;
  for (let i = start; i < end; i++) n += utf8Units(text.charCodeAt(i));
  return n;
}

/** A user name for a message: as written, with the byte-order mark and control characters made visible. */
export function shownUser(name: string): string {
  const clean = name.replace(/\ufeff/g, '\\uFEFF').replace(/[\u0000-\u001f\u007f]/g, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.includes('`') ? `"${clean}"` : `\`${clean}\``;
}

/**
 * A placeholder that an entrypoint or a template engine fills in before the server reads the file (`$PASSWORD`,
 * `${USER}`, `{{ .Values.password }}`): what it becomes cannot be checked here.
 */
export const isPlaceholder = (s: string): boolean => /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(s) || /\{\{[^}]*\}\}/.test(s);
