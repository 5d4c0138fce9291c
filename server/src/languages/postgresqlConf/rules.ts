/**
 * The postgresql.conf rules: metadata only; the checks live in check/. At startup PostgreSQL reads the whole file
 * (and what it includes), and any error in it — a syntax error, a name it does not know, a value it refuses for any
 * parameter, whatever its context — ends in `FATAL: configuration file "…" contains errors`: the server does not
 * start. So those rules are errors. (At a reload a running server logs the same messages and keeps going.)
 */
import { defineRules } from '../../core/rules';

const GUC = 'PostgreSQL src/backend/utils/misc/guc.c';
const FILE = 'PostgreSQL src/backend/utils/misc/guc-file.l';

export const R = defineRules('postgresql-conf', {
  'syntax-error': { severity: 'error', description: 'A line PostgreSQL\'s configuration reader rejects ("syntax error in file … near token …"): the server does not start.', source: `${FILE} (lexer rules, ParseConfigFp)` },
  'unknown-parameter': { severity: 'error', description: 'A name (without a `.`) that the selected PostgreSQL version does not know ("unrecognized configuration parameter"): the server does not start. Names with a `.` are extension placeholders and always accepted.', source: `${FILE} (ProcessConfigFileInternal: find_option, valid_custom_variable_name)` },
  'read-only-parameter': { severity: 'error', description: 'A parameter that only reports a fact of the server (server_version, block_size, …): setting it in the file is refused ("cannot be changed") and the server does not start.', source: `${GUC} (set_config_option, PGC_INTERNAL)` },
  'invalid-bool': { severity: 'error', description: 'A boolean that is not a prefix of true/false/yes/no, not on/off or 1/0 ("requires a Boolean value"): the server does not start.', source: `${GUC} (parse_bool)` },
  'invalid-number': { severity: 'error', description: 'A numeric value PostgreSQL cannot read as a number (or a unit on a parameter without one): the server does not start.', source: `${GUC} (parse_int, parse_real)` },
  'invalid-unit': { severity: 'error', description: 'A unit the parameter does not take (units are case-sensitive: kB, MB, GB, TB, B; us, ms, s, min, h, d): the server does not start.', source: `${GUC} (convert_to_base_unit)` },
  'out-of-range': { severity: 'error', description: 'A number outside the parameter\'s range after unit conversion and rounding ("is outside the valid range"): the server does not start.', source: `${GUC} (parse_and_validate_value)` },
  'invalid-enum': { severity: 'error', description: 'A value that is none of the parameter\'s values (compared ignoring case): the server does not start.', source: `${GUC} (config_enum_lookup_by_name)` },
  'include-not-found': { severity: 'error', description: 'An `include` or `include_dir` PostgreSQL cannot follow (missing file or folder, empty name, a file including itself, more than 10 levels, or a syntax error inside): the server does not start.', source: `${FILE} (ParseConfigFile, ParseConfigDirectory)` },
  'overridden': { severity: 'hint', description: 'A setting that a later line with the same name spelt the same way (here, in an included file or in postgresql.auto.conf) sets again: PostgreSQL does not even check this one.', source: `${FILE} (ProcessConfigFileInternal: earlier duplicates are ignored)` },
});
