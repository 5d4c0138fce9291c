/**
 * postgresql.conf parser: PostgreSQL's statement loop (`ParseConfigFp` in src/backend/utils/misc/guc-file.l, 15–17)
 * over the exact lexer of lexer.ts. A line is `name [=] value` and then the end of the line (or of the file); the name
 * is an ID or a QUALIFIED_ID, the value an ID, STRING, INTEGER, REAL or UNQUOTED_STRING (not a QUALIFIED_ID:
 * `search_path = public.x` is a syntax error). On a syntax error PostgreSQL logs it, skips to the next line and reads
 * on; at the end it refuses to start. `include`, `include_if_exists` and `include_dir` (any letter case) are
 * directives, not settings. Never throws; linear in the text length.
 */
import type { SourceDocument, Span } from '../../core/types';
import { deescape, Lexer, Tok } from './lexer';
import type { Directive, DirectiveKind, PostgresqlConfFile, Setting, SyntaxError, ValueKind } from './model';

const VALUE_KIND: Partial<Record<Tok, ValueKind>> = {
  [Tok.Id]: 'id', [Tok.String]: 'string', [Tok.Unquoted]: 'unquoted', [Tok.Integer]: 'integer', [Tok.Real]: 'real',
};
const DIRECTIVES: readonly DirectiveKind[] = ['include', 'include_if_exists', 'include_dir'];

/** Parses a postgresql.conf the way PostgreSQL does. */
export function parsePostgresqlConf(doc: SourceDocument): PostgresqlConfFile {
  const text = doc.text;
  const lx = new Lexer(text);
  const settings: Setting[] = [];
  const directives: Directive[] = [];
  const syntaxErrors: SyntaxError[] = [];
  const tokText = (): string => text.slice(lx.start, lx.end);
  for (;;) {
    let t = lx.next();
    if (t === Tok.Eof) break;
    if (t === Tok.Eol) continue;
    let error: SyntaxError | undefined;
    statement: {
      if (t !== Tok.Id && t !== Tok.QualifiedId) { error = nameError(t, [lx.start, lx.end], tokText()); break statement; }
      const nameSpan: Span = [lx.start, lx.end];
      const name = tokText();
      let last: Span = nameSpan;
      t = lx.next();
      let equalsSpan: Span | undefined;
      if (t === Tok.Equals) { equalsSpan = [lx.start, lx.end]; last = equalsSpan; t = lx.next(); }
      const kind = VALUE_KIND[t];
      if (!kind) { error = valueError(t, name, last, [lx.start, lx.end], tokText()); break statement; }
      const valueSpan: Span = [lx.start, lx.end];
      const raw = tokText();
      const value = t === Tok.String ? deescape(raw) : raw;
      t = lx.next();
      if (t !== Tok.Eol && t !== Tok.Eof) { error = trailingError(t, name, [lx.start, lx.end], tokText()); break statement; }
      const lower = name.toLowerCase();
      const directive = DIRECTIVES.find(d => d === lower);
      if (directive) directives.push({ kind: directive, keySpan: nameSpan, value, valueSpan });
      else {
        const s: Setting = { name, nameSpan, key: lower, qualified: name.includes('.'), value, valueSpan, valueKind: kind };
        if (equalsSpan) s.equalsSpan = equalsSpan;
        settings.push(s);
      }
      if (t === Tok.Eof) break;
      continue;
    }
    syntaxErrors.push(error);
    // Resynchronise at the next line, as PostgreSQL does.
    while (t !== Tok.Eol && t !== Tok.Eof) t = lx.next();
    if (t === Tok.Eof) break;
  }
  return { path: doc.path, settings, directives, syntaxErrors };
}

const REFUSES = 'PostgreSQL logs a syntax error and refuses to start';

function shown(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** A line that does not start with a name. */
function nameError(t: Tok, span: Span, text: string): SyntaxError {
  const near = { span, near: text };
  if (t === Tok.Unquoted) {
    const why = /^[^.]*\.[^.]*\./.test(text) ? 'a name has at most one `.` (`prefix.name`)'
      : /\.[^A-Za-z_\u0080-\uffff]/.test(text) ? 'the part after the `.` must start with a letter or `_`'
        : 'a name holds only letters, digits, `_` and one `.`';
    return { ...near, message: `\`${shown(text)}\` is not a parameter name (${why}), so ${REFUSES}; check the name.` };
  }
  if (t === Tok.Integer || t === Tok.Real) return { ...near, message: `A line cannot start with \`${shown(text)}\`: a parameter name starts with a letter or \`_\`, so ${REFUSES}.` };
  if (t === Tok.String) return { ...near, message: `A line cannot start with a quoted string, so ${REFUSES}; write \`name = value\`.` };
  if (t === Tok.Equals) return { ...near, message: `The parameter name is missing before \`=\`, so ${REFUSES}; write \`name = value\`.` };
  if (text === '[') return { ...near, message: `postgresql.conf has no \`[section]\` headers, so ${REFUSES}; remove the line.` };
  return { ...near, message: `\`${shown(text)}\` cannot start a line, so ${REFUSES}; write \`name = value\`.` };
}

/** The token after the name (and `=`) is not a value. */
function valueError(t: Tok, name: string, last: Span, span: Span, text: string): SyntaxError {
  if (t === Tok.Eol || t === Tok.Eof) {
    return { span: last, message: `\`${name}\` has no value, so ${REFUSES} ("near end of line"); write a value, \`''\` for an empty string.` };
  }
  const near = { span, near: text };
  if (t === Tok.QualifiedId) return { ...near, message: `\`${name}\`: an unquoted value cannot have the form \`word.word\`, so ${REFUSES}; quote it: \`'${shown(text)}'\`.` };
  if (t === Tok.Equals) return { ...near, message: `\`${name}\`: a second \`=\`, so ${REFUSES}; write one \`=\`.` };
  if (text === '"') return { ...near, message: `\`${name}\`: double quotes are not quotes in postgresql.conf, so ${REFUSES}; use single quotes.` };
  if (text === "'") return { ...near, message: `\`${name}\`: the quoted value has no closing quote on this line, so ${REFUSES}; end it with \`'\` (write \`''\` or \`\\'\` for a quote inside).` };
  return { ...near, message: `\`${name}\`: \`${shown(text)}\` cannot start an unquoted value, so ${REFUSES}; quote the value.` };
}

/** Something follows the value on the same line. */
function trailingError(t: Tok, name: string, span: Span, text: string): SyntaxError {
  const near = { span, near: text };
  if (t === Tok.Id && /^(k|M|G|T)?B$|^(us|ms|s|min|h|d)$/.test(text)) {
    return { ...near, message: `\`${name}\`: the unit \`${text}\` is a separate word here (after a blank, or after a decimal number), so ${REFUSES}; quote the value, e.g. \`'1.5GB'\`.` };
  }
  return { ...near, message: `\`${name}\`: \`${shown(text)}\` after the value, so ${REFUSES}; quote the whole value or start a comment with \`#\`.` };
}
