/**
 * pool_hba.conf (Pgpool-II 4.3–4.7) and pg_hba.conf (PostgreSQL 15–17): one lexer and one record parser with a
 * dialect switch, the checks, hover and completion; PgBouncer's auth_hba_file (bouncer/) on the same catalogue and rules table. Other languages use only what this file exports.
 */
import type { LanguageMode } from '../../core/language';
import { check } from './check';
import { completeHba } from './complete';
import { hoverHba } from './hover';
import { continuedLineStart, type Dialect } from './lexer';
import type { HbaFile } from './model';
import { parseHba } from './parse';
import { PGB_HBA_RULES, PG_HBA_RULES, POOL_HBA_RULES } from './rules';
import { checkBouncerHba } from './bouncer/check';
import { completeBouncerHba, hoverBouncerHba } from './bouncer/features';
import type { BouncerHbaFile } from './bouncer/model';
import { parseBouncerHba } from './bouncer/parse';
import { formatBouncerHba, formatHba } from './format';
import { linksBouncerHba, linksHba } from './links';
import { foldingHba, symbolsBouncerHba, symbolsHba } from './symbols';

export type { HbaFile } from './model';

/** One mode per dialect: the same parser, checks and features, with the dialect's rules. */
function hbaMode(id: 'pool-hba' | 'pg-hba', dialect: Dialect, rules: LanguageMode['rules']): LanguageMode<HbaFile> {
  return {
    id,
    rules,
    // The tokenizer cuts each physical line at a NUL byte, as both servers' C strings do (lexer.ts).
    nulBytes: dialect === 'pgpool'
      ? { server: 'Pgpool-II', effect: 'Pgpool-II reads each line only up to its first NUL byte and ignores the rest of the line' }
      : { server: 'PostgreSQL', effect: 'PostgreSQL drops the rest of the line after it and reads the next line onto what comes before it, without a blank' },
    parse: doc => parseHba(doc.text, doc.path, dialect),
    validate: check,
    hover: (_doc, file, offset) => hoverHba(file, offset),
    complete: (_doc, file, offset, ctx) => completeHba(file, offset, ctx.settings),
    symbols: symbolsHba,
    folding: foldingHba,
    format: formatHba,
    links: linksHba,
    commentAnchor: (file, offset) => continuedLineStart(file.text, file.lines, offset),
  };
}

export const poolHbaMode = hbaMode('pool-hba', 'pgpool', POOL_HBA_RULES);
export const pgHbaMode = hbaMode('pg-hba', 'postgres', PG_HBA_RULES);

// What other languages may use: pg_ident.conf is read by the same tokenizer as pg_hba.conf (PostgreSQL's
// tokenize_auth_file), so the pgIdent room takes its lines and tokens from here.
export { continuedLineStart, tokenize, type HbaLine, type HbaToken, type HbaField } from './lexer';
export type { HbaRecord, HbaOption } from './model';
/** PgBouncer's auth_hba_file: the pg_hba.conf subset src/hba.c reads, with its own tokenizer and parser (bouncer/). */
export const pgbouncerHbaMode: LanguageMode<BouncerHbaFile> = {
  id: 'pgbouncer-hba',
  rules: PGB_HBA_RULES,
  parse: doc => parseBouncerHba(doc.text, doc.path),
  validate: checkBouncerHba,
  hover: (_doc, file, offset) => hoverBouncerHba(file, offset),
  complete: (_doc, file, offset) => completeBouncerHba(file, offset),
  symbols: symbolsBouncerHba,
  folding: foldingHba,
  format: formatBouncerHba,
  links: linksBouncerHba,
};
export type { BouncerHbaFile, BouncerRecord } from './bouncer/model';
// - pgbouncer.ini reads the auth_hba_file it names in PgBouncer's dialect, whatever the file is called.
export { parseBouncerHba } from './bouncer/parse';
