/**
 * pool_hba.conf (Pgpool-II 4.3–4.7) and pg_hba.conf (PostgreSQL 15–17): one tokenizer and one record parser with a
 * dialect switch, the validator, hover and completion.
 */
import type { LanguageMode } from '../../core/language';
import { completeHba, hoverHba } from './hover';
import { parseHba, type HbaFile } from './parse';
import { PG_HBA_RULES, POOL_HBA_RULES } from './rules';
import { validateHba } from './check';

export type { HbaFile } from './parse';

export const poolHbaMode: LanguageMode<HbaFile> = {
  id: 'pool-hba',
  rules: POOL_HBA_RULES,
  parse: doc => parseHba(doc.text, doc.path, 'pgpool'),
  validate: (doc, file, ctx) => validateHba(doc, file, ctx),
  hover: (_doc, file, offset) => hoverHba(file, offset),
  complete: (_doc, file, offset, ctx) => completeHba(file, offset, ctx.settings),
};

export const pgHbaMode: LanguageMode<HbaFile> = {
  id: 'pg-hba',
  rules: PG_HBA_RULES,
  parse: doc => parseHba(doc.text, doc.path, 'postgres'),
  validate: (doc, file, ctx) => validateHba(doc, file, ctx),
  hover: (_doc, file, offset) => hoverHba(file, offset),
  complete: (_doc, file, offset, ctx) => completeHba(file, offset, ctx.settings),
};
