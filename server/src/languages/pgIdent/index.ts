/**
 * pg_ident.conf (PostgreSQL 15–17 user-name maps): its lines read with pg_hba.conf's tokenizer (lexer.ts), parsed as
 * `parse_ident_line` does (parse.ts), regular expressions judged as PostgreSQL's compiler would without running them
 * (regex.ts), the rules (rules.ts, checks in check/), hover and completion.
 */
import type { LanguageMode } from '../../core/language';
import { continuedLineStart } from '../hba';
import { check } from './check';
import { complete } from './complete';
import { hover } from './hover';
import type { PgIdentFile } from './model';
import { parsePgIdent } from './parse';
import { PG_IDENT_RULES } from './rules';
import { folding, symbols } from './symbols';
import { format } from './format';
import { links } from './links';

export const pgIdentMode: LanguageMode<PgIdentFile> = {
  id: 'pg-ident',
  // The hba tokenizer cuts a line at a NUL byte and joins the next one to it, as PostgreSQL's line reader does.
  nulBytes: { server: 'PostgreSQL', effect: 'PostgreSQL drops the rest of the line after it and reads the next line onto what comes before it, without a blank' },
  rules: PG_IDENT_RULES,
  parse: doc => parsePgIdent(doc),
  validate: check,
  hover: (_doc, file, offset, ctx) => hover(file, offset, ctx),
  complete: (_doc, file, offset, ctx) => complete(file, offset, ctx),
  symbols,
  folding,
  format,
  links,
  commentAnchor: (file, offset) => continuedLineStart(file.text, file.lines, offset),
};

// What other languages may use. Languages import each other only through their index.ts.
// - pg_hba.conf's `map=` checks read the pg_ident.conf beside it (types only: the façade parses it, and the model
//   carries the maps and what refuses the file per version, so the hba room needs none of this room's code).
export type { IdentEntry, LoadError, PgIdentFile } from './model';
