/**
 * The pg_ident.conf rules: metadata only; the checks live in check/. An error is what makes PostgreSQL refuse the
 * whole file (it then starts with no user-name maps at all, so every login through a `map=` line is refused, and a
 * reload keeps the previous maps) or refuses a login the line was written for.
 */
import { defineRules, rulesOf } from '../../core/rules';
import type { RuleMeta } from '../../core/types';

const LOAD = 'PostgreSQL 15–17 src/backend/libpq/hba.c (tokenize_auth_file, parse_ident_line, load_ident; postmaster.c starts without the maps, a reload logs "pg_ident.conf was not reloaded"); checked with PostgreSQL 15';
const REGEX = 'PostgreSQL src/backend/regex/regc_lex.c, regcomp.c (pg_regcomp with REG_ADVANCED, as hba.c regcomp_auth_token calls it); every error case checked against PostgreSQL 15';
const LOGIN = 'PostgreSQL 15–17 src/backend/libpq/hba.c (check_ident_usermap, check_usermap: a failed `\\1` substitution is an error that also stops the search); checked with PostgreSQL 15';

export const R = defineRules('pg-ident', {
  'missing-field': { severity: 'error', description: 'A line with fewer than three fields (map name, system user, database user): PostgreSQL refuses the whole file.', source: LOAD },
  'multiple-values': { severity: 'error', description: 'A comma list in a pg_ident.conf field: each field takes one value, and PostgreSQL refuses the whole file.', source: LOAD },
  'invalid-regex': { severity: 'error', description: 'A system user (or, from 16, a database user) starting with `/` that PostgreSQL\'s regular-expression compiler rejects: the whole file is refused.', source: REGEX },
  'include-needs-pg16': { severity: 'error', description: '`include`, `include_if_exists` and `include_dir` exist in pg_ident.conf from PostgreSQL 16 on; earlier versions read a line with a missing field and refuse the file.', source: LOAD },
  'extra-field': { severity: 'warning', description: 'Fields after the database user: PostgreSQL ignores them silently (often a forgotten `#` or a space inside a name).', source: LOAD },
  'backreference-without-group': { severity: 'error', description: '`\\1` in the database user while the system user\'s regular expression has no capturing group: every login this line matches is refused, and later lines of the map are not tried.', source: LOGIN },
  'backreference-not-substituted': { severity: 'warning', description: '`\\1` in a database user that PostgreSQL does not substitute (the system user is not a regular expression, or from 16 the database user is `+group` or a regular expression): it is taken literally.', source: LOGIN },
  'user-syntax-needs-pg16': { severity: 'warning', description: 'Before PostgreSQL 16, a database user `all`, `+group` or `/regex` is a literal role name.', source: 'PostgreSQL 16 release notes (pg_ident.conf database user: all, +group, regular expressions); hba.c check_role' },
  'regex-backspace': { severity: 'warning', description: '`\\b` in a regular expression is a backspace in PostgreSQL (not a word boundary as in JavaScript or Perl; that is `\\y`).', source: REGEX },
  'unanchored-regex': { severity: 'info', description: 'A system-user regular expression without `^` or `$`: it matches any system user that merely contains it.', source: 'PostgreSQL client authentication documentation (User Name Maps); hba.c check_ident_usermap' },
  'unused-map': { severity: 'hint', description: 'A map that no `map=` option of the pg_hba.conf beside it names.', source: 'PostgreSQL 15–17 src/backend/libpq/hba.c (check_usermap is only called for a `map=` option)' },
  'missing-include-file': { severity: 'error', description: 'From PostgreSQL 16, an `include` file or `include_dir` folder that does not exist (checked when `pgtls.checkFiles` is on): PostgreSQL refuses the whole file.', source: 'PostgreSQL 16–17 src/backend/libpq/hba.c (tokenize_auth_file: tokenize_include_file, GetConfFilesInDir; the error becomes the line\'s, and load_ident refuses the file); checked with a real PostgreSQL 17.12 (pg_ident_file_mappings)' },
});

export const PG_IDENT_RULES: readonly RuleMeta[] = rulesOf(R);
