import type { LanguageMode } from '../../core/language';

// STUB: replaced by the pool_hba.conf / pg_hba.conf implementation.
export const poolHbaMode: LanguageMode<unknown> = { id: 'pool-hba', rules: [], parse: () => ({}), validate: () => undefined };
export const pgHbaMode: LanguageMode<unknown> = { id: 'pg-hba', rules: [], parse: () => ({}), validate: () => undefined };
