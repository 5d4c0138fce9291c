/**
 * The one table of the file languages pgtls handles: which file names belong to which language. `languageOf` (the
 * façade, the CLI's folder walk) and `LANGUAGE_IDS` (the client's document selector) are derived from it, and a test
 * checks that package.json's `contributes.languages` says the same.
 */
import type { LanguageId } from './types';

export interface LanguageFiles {
  /** Names shown for the language in the editor (package.json `aliases`). */
  readonly aliases: readonly string[];
  /** Exact file names (package.json `filenames`). */
  readonly filenames: readonly string[];
  /** File name globs; `*` is the only wildcard (package.json `filenamePatterns`). */
  readonly filenamePatterns: readonly string[];
  /** Whether the patterns ignore case (`*.YML` is YAML too). */
  readonly ignoreCase?: boolean;
  /**
   * Whether package.json contributes the language. YAML is the editor's own language: pgtls only validates it (any
   * YAML file; the YAML mode stays silent unless a document is one of the resources pgtls knows).
   */
  readonly contributed: boolean;
  /**
   * What starts a whole-line comment, as the server reading the file sees it; the first is the one pgtls writes (the
   * suppression-comment quick fixes) and package.json's language configuration toggles. Empty: the format has no
   * comments (pool_passwd), so suppression comments are neither read nor offered there.
   */
  readonly lineComments: readonly string[];
}

/** Keyed by every LanguageId (the type makes the table complete); the order is the order `languageOf` tries them in. */
export const LANGUAGE_TABLE: { readonly [K in LanguageId]: LanguageFiles } = {
  'pgpool-conf': {
    aliases: ['pgpool.conf', 'Pgpool-II configuration'],
    filenames: ['pgpool.conf'],
    filenamePatterns: ['*.pgpool.conf', 'pgpool.conf.sample*'],
    contributed: true,
    lineComments: ['#'],
  },
  'pool-hba': {
    aliases: ['pool_hba.conf', 'Pgpool-II host-based authentication'],
    filenames: ['pool_hba.conf'],
    filenamePatterns: ['*.pool_hba.conf', 'pool_hba.conf.sample*'],
    contributed: true,
    lineComments: ['#'],
  },
  'pg-hba': {
    aliases: ['pg_hba.conf', 'PostgreSQL host-based authentication'],
    filenames: ['pg_hba.conf'],
    filenamePatterns: ['*.pg_hba.conf'],
    contributed: true,
    lineComments: ['#'],
  },
  'pool-passwd': {
    aliases: ['pool_passwd', 'Pgpool-II password file'],
    filenames: ['pool_passwd'],
    filenamePatterns: ['*.pool_passwd'],
    contributed: true,
    // pool_passwd.c reads every line as `user:password`: a `#` line is a user entry, not a comment.
    lineComments: [],
  },
  'pgbouncer-ini': {
    aliases: ['pgbouncer.ini', 'PgBouncer configuration'],
    filenames: ['pgbouncer.ini'],
    filenamePatterns: ['*.pgbouncer.ini'],
    contributed: true,
    // libusual's cfparser.c: `;` or `#` at the start of a statement.
    lineComments: [';', '#'],
  },
  'pg-ident': {
    aliases: ['pg_ident.conf', 'PostgreSQL user name maps'],
    filenames: ['pg_ident.conf'],
    filenamePatterns: ['*.pg_ident.conf'],
    contributed: true,
    lineComments: ['#'],
  },
  'postgresql-conf': {
    aliases: ['postgresql.conf', 'PostgreSQL configuration'],
    filenames: ['postgresql.conf', 'postgresql.auto.conf'],
    filenamePatterns: ['*.postgresql.conf'],
    contributed: true,
    lineComments: ['#'],
  },
  'pgbouncer-userlist': {
    aliases: ['userlist.txt', 'PgBouncer auth_file'],
    filenames: ['userlist.txt'],
    filenamePatterns: ['*.userlist.txt'],
    contributed: true,
    // load_auth_file skips `;` lines; a `#` line ends the reading ("broken auth file").
    lineComments: [';'],
  },
  'pgbouncer-hba': {
    aliases: ['pgbouncer_hba.conf', 'PgBouncer host-based authentication'],
    // `pgbouncer-hba.conf` seen in public setups too; the most common name, `pg_hba.conf` in /etc/pgbouncer, stays pg-hba.
    filenames: ['pgbouncer_hba.conf', 'pgbouncer-hba.conf'],
    filenamePatterns: ['*.pgbouncer_hba.conf'],
    contributed: true,
    lineComments: ['#'],
  },
  yaml: {
    aliases: [],
    filenames: [],
    filenamePatterns: ['*.yaml', '*.yml'],
    ignoreCase: true,
    contributed: false,
    lineComments: ['#'],
  },
};

/** Language ids the server validates, in table order. */
export const LANGUAGE_IDS = Object.keys(LANGUAGE_TABLE) as readonly LanguageId[];

/** A glob with `*` as its only wildcard, as an anchored regular expression. */
function globToRegExp(glob: string, ignoreCase: boolean): RegExp {
  const body = glob.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
  return new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
}

const MATCHERS: readonly { id: LanguageId; names: ReadonlySet<string>; patterns: readonly RegExp[] }[] = LANGUAGE_IDS.map(id => {
  const l = LANGUAGE_TABLE[id];
  return { id, names: new Set(l.filenames), patterns: l.filenamePatterns.map(g => globToRegExp(g, !!l.ignoreCase)) };
});

/** The language of a file, chosen by its name (the last segment of a `/` or `\` path); `undefined` when it is none of ours. */
export function languageOf(path: string): LanguageId | undefined {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  for (const m of MATCHERS) if (m.names.has(base) || m.patterns.some(p => p.test(base))) return m.id;
  return undefined;
}
