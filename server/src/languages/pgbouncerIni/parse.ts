/**
 * The pgbouncer.ini parser: the statements of lexer.ts grouped by section, and the connection strings of
 * `[databases]`, `[users]` and `[peers]` split the way PgBouncer's src/loader.c splits them (`cstr_get_pair`): pairs
 * separated by spaces (only spaces: a tab is part of a value), `key=value` with optional spaces around `=`, a value
 * either up to the next space or in single quotes with `''` for a quote; an empty value, a key without `=` or an
 * unclosed quote make the whole string invalid. Never throws.
 */
import type { SourceDocument, Span } from '../../core/types';
import { readStatements } from './lexer';
import { CONN_SECTIONS, type ConnPair, type ConnString, type Entry, type PgbouncerIniFile, type Statement } from './model';

/** `startSection`: for a file read through `%include`, the section in effect at the `%include` line (libusual keeps it). */
export function parsePgbouncerIni(doc: SourceDocument, quotedKeys = true, startSection?: string): PgbouncerIniFile {
  const statements = readStatements(doc.text, quotedKeys);
  const entries: Entry[] = [];
  let section: string | undefined = startSection;
  let firstError: Extract<Statement, { kind: 'syntax-error' }> | undefined;
  for (const st of statements) {
    if (st.kind === 'syntax-error') firstError ??= st;
    else if (st.kind === 'section') section = st.name;
    else if (st.kind === 'setting') {
      const e: Entry = { st };
      if (section !== undefined) e.section = section;
      if (section !== undefined && CONN_SECTIONS.has(section)) e.conn = parseConnString(doc.text, st.valueSpan);
      entries.push(e);
    }
  }
  const file: PgbouncerIniFile = { path: doc.path, text: doc.text, statements, entries };
  if (firstError) file.firstError = firstError;
  return file;
}

/** `cstr_get_pair` over `text[span]`. */
export function parseConnString(text: string, span: Span): ConnString {
  const pairs: ConnPair[] = [];
  const end = span[1];
  let p = span[0];
  const skip = (): void => { while (p < end && text.charCodeAt(p) === 32) p++; };
  for (;;) {
    skip();
    if (p >= end) return { pairs };
    const ks = p;
    while (p < end && text.charCodeAt(p) !== 61 && text.charCodeAt(p) !== 32) p++;
    const ke = p;
    skip();
    if (p >= end || text.charCodeAt(p) !== 61 || ks === ke) return { pairs, error: { span: [ks, Math.max(p, ke)], why: 'no-equals' } };
    p++;
    skip();
    const vs = p;
    let value: string;
    let quoted = false;
    if (p < end && text.charCodeAt(p) === 39) {
      quoted = true;
      value = '';
      p++;
      for (;;) {
        if (p >= end) return { pairs, error: { span: [vs, end], why: 'unclosed-quote' } };
        if (text.charCodeAt(p) === 39) {
          if (p + 1 < end && text.charCodeAt(p + 1) === 39) { value += "'"; p += 2; continue; }
          break;
        }
        value += text[p];
        p++;
      }
      p++; // the closing quote
    } else {
      while (p < end && text.charCodeAt(p) !== 32) p++;
      value = text.slice(vs, p);
    }
    if (value === '') return { pairs, error: { span: [ks, p], why: 'empty-value' } };
    pairs.push({ key: text.slice(ks, ke), keySpan: [ks, ke], value, valueSpan: [vs, p], quoted });
    // A value is cut at the character after it (a space, or whatever follows the closing quote).
    if (p < end) p++;
  }
}
