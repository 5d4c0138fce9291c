/**
 * The pg_ident.conf parser, following PostgreSQL 15–17 src/backend/libpq/hba.c: `tokenize_auth_file` (lexer.ts; from
 * 16 a line of exactly two fields whose first word is `include`, `include_if_exists` or `include_dir` is a directive)
 * and `parse_ident_line`: a map name, a system user and a database user, each a single value ("multiple values in ident
 * field"), a line that ends early ("missing entry … at end of line"), fields after the third ignored; a system user that
 * starts with `/` is compiled as a regular expression at load ("invalid regular expression"), and from 16 a database
 * user that starts with `/` too. Any of these errors makes PostgreSQL refuse the whole file. Never throws.
 */
import type { SourceDocument, Span } from '../../core/types';
import { identLines, type IdentField, type IdentLine, type IdentToken } from './lexer';
import type { IdentEntry, IdentInclude, LoadError, PgIdentFile, UserForm } from './model';
import { judgeRegex } from '../../core/pgRegex';

const INCLUDE_KINDS = new Set(['include', 'include_if_exists', 'include_dir']);

const fieldSpan = (f: IdentField): Span => [f.tokens[0]!.start, f.tokens[f.tokens.length - 1]!.end];

/** The database user's meaning from 16 on: keywords and `+` only count unquoted (hba.c make_auth_token's `quoted`). */
function userForm(t: IdentToken): UserForm {
  if (t.value.startsWith('/')) return 'regex';
  if (t.initialQuote) return 'name';
  if (t.value === 'all') return 'all';
  if (t.value.startsWith('+')) return 'group';
  return 'name';
}

export function parsePgIdent(doc: SourceDocument): PgIdentFile {
  const lines = identLines(doc.text);
  const entries: IdentEntry[] = [];
  const includes: IdentInclude[] = [];
  const loadErrors: LoadError[] = [];
  let atFiles = false;
  for (const line of lines) {
    const f = line.fields;
    if (f.some(x => x.tokens.some(t => t.include !== undefined))) atFiles = true;
    const first = f[0]!.tokens[0]!;
    if (f.length === 2 && INCLUDE_KINDS.has(first.value)) {
      includes.push({ line, keyword: first, kind: first.value as IdentInclude['kind'], target: f[1]!.tokens[0]! });
      loadErrors.push({ kind: 'include-needs-pg16', versions: 'before16', line, span: first.span, postgres: 'missing entry at end of line' });
      continue;
    }
    const entry = parseEntry(line, loadErrors);
    if (entry) entries.push(entry);
  }
  const maps = new Map<string, IdentEntry[]>();
  for (const e of entries) {
    const list = maps.get(e.map.value);
    if (list) list.push(e);
    else maps.set(e.map.value, [e]);
  }
  return {
    path: doc.path, text: doc.text, lines, entries, includes, loadErrors, maps, atFiles,
    refused: {
      before16: loadErrors.find(e => e.versions !== 'from16'),
      from16: loadErrors.find(e => e.versions !== 'before16'),
    },
  };
}

/** `parse_ident_line`: the checks in PostgreSQL's order; the first failure ends the line. */
function parseEntry(line: IdentLine, errors: LoadError[]): IdentEntry | undefined {
  const f = line.fields;
  const fail = (kind: LoadError['kind'], span: Span, postgres: string): undefined => {
    errors.push({ kind, versions: 'all', line, span, postgres });
    return undefined;
  };
  for (let i = 0; i < 3; i++) {
    if (i >= f.length) {
      const last = f[f.length - 1]!;
      return fail('missing-field', [fieldSpan(f[0]!)[0], fieldSpan(last)[1]], 'missing entry at end of line');
    }
    if (f[i]!.tokens.length > 1) return fail('multiple-values', fieldSpan(f[i]!), 'multiple values in ident field');
  }
  const [map, system, user] = [f[0]!.tokens[0]!, f[1]!.tokens[0]!, f[2]!.tokens[0]!];
  const entry: IdentEntry = { line, map, system, user, extra: f.slice(3), userForm: userForm(user) };
  if (system.value.startsWith('/')) {
    entry.systemRegex = judgeRegex(system.value.slice(1));
    if (entry.systemRegex.kind === 'error') {
      return fail('invalid-regex', system.span, `invalid regular expression "${system.value.slice(1)}": ${entry.systemRegex.message}`);
    }
  }
  if (user.value.startsWith('/')) {
    entry.userRegex = judgeRegex(user.value.slice(1));
    if (entry.userRegex.kind === 'error') {
      // Only 16+ compiles the database user: 15 still loads the entry (with a literal name).
      errors.push({ kind: 'invalid-regex', versions: 'from16', line, span: user.span, postgres: `invalid regular expression "${user.value.slice(1)}": ${entry.userRegex.message}` });
    }
  }
  return entry;
}
