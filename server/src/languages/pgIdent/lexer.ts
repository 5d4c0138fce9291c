/**
 * pg_ident.conf's lines and tokens: PostgreSQL reads the file with the tokenizer it uses for pg_hba.conf
 * (src/backend/libpq/hba.c tokenize_auth_file/next_token: blanks separate fields, commas make lists, `#` comments,
 * double quotes, `""`, backslash continuation from 14 on, `@file` expansion), so this room reuses the hba room's
 * tokenizer in its PostgreSQL dialect rather than a second copy.
 */
import { tokenize, type HbaLine } from '../hba';

export type { HbaField as IdentField, HbaLine as IdentLine, HbaToken as IdentToken } from '../hba';

/** The logical lines of a pg_ident.conf that hold at least one field. Never throws; linear in the text. */
export function identLines(text: string): HbaLine[] {
  return tokenize(text, { dialect: 'postgres' });
}
