import type { LanguageMode } from '../../core/language';
import type { PgpoolConfFile } from './model';

// STUB: replaced by the pgpool.conf implementation.
export const pgpoolConfMode: LanguageMode<PgpoolConfFile> = {
  id: 'pgpool-conf',
  rules: [],
  parse: doc => ({ path: doc.path, assignments: [], syntaxErrors: [] }),
  validate: () => undefined,
};
