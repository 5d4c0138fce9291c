/**
 * The one owner of every user setting: its type, allowed values, default and description. The language server's
 * normalisation (`normalizeSettings`), the CLI's flags (`settingFromFlag`) and the defaults are derived from this
 * table, and a test checks that package.json's contributed settings say the same (type, enum, bounds, default, text).
 */
import { didYouMean } from './text';
import type { Settings, SeverityOverride } from './types';

export const SUPPORTED_PGPOOL_VERSIONS = ['4.3', '4.4', '4.5', '4.6', '4.7'] as const;
export const SUPPORTED_POSTGRES_VERSIONS = [15, 16, 17] as const;
export const SUPPORTED_PGBOUNCER_VERSIONS = ['1.18', '1.19', '1.20', '1.21', '1.22', '1.23', '1.24', '1.25'] as const;
export const SEVERITY_OVERRIDES: readonly SeverityOverride[] = ['off', 'hint', 'info', 'warning', 'error'];

interface Base<T> {
  default: T;
  /** The text of package.json's `description` (and the README settings table). */
  description: string;
  /** The `pgtls check` flag that sets it, if any (a boolean flag sets the opposite of the default). */
  flag?: string;
}
export type SettingSpec =
  | (Base<boolean> & { type: 'boolean' })
  | (Base<string> & { type: 'string'; enum: readonly string[] })
  | (Base<number> & { type: 'number'; enum: readonly number[] })
  | (Base<number> & { type: 'integer'; minimum: number; maximum: number })
  | (Base<string[]> & { type: 'string[]' })
  | (Base<Record<string, SeverityOverride>> & { type: 'severity-map' })
  /** Absolute path prefixes to paths (`FROM` → `TO`); the CLI flag takes one `FROM=TO` per use and may repeat. */
  | (Base<Record<string, string>> & { type: 'path-map' });

export const SETTINGS_SPEC: { readonly [K in keyof Settings]: SettingSpec & { default: Settings[K] } } = {
  enable: {
    type: 'boolean', default: true,
    description: 'Validate pgpool.conf, pool_hba.conf, pool_passwd, postgresql.conf, pg_hba.conf, pg_ident.conf, pgbouncer.ini and PgBouncer\'s auth files, and the Kubernetes resources of KubeDB Pgpool, Percona, CYBERTEC CPO, cert-manager and Secrets in YAML files.',
  },
  pgpoolVersion: {
    type: 'string', enum: SUPPORTED_PGPOOL_VERSIONS, default: '4.6', flag: '--pgpool-version',
    description: 'Pgpool-II version to validate pgpool.conf against: parameters removed in or added after this version are flagged.',
  },
  postgresVersion: {
    type: 'number', enum: SUPPORTED_POSTGRES_VERSIONS, default: 17, flag: '--postgres-version',
    description: 'PostgreSQL major version to validate postgresql.conf, pg_hba.conf and pg_ident.conf against (parameters of other versions are flagged; include directives in pg_hba.conf and pg_ident.conf need 16 or later).',
  },
  pgbouncerVersion: {
    type: 'string', enum: SUPPORTED_PGBOUNCER_VERSIONS, default: '1.25', flag: '--pgbouncer-version',
    description: 'PgBouncer release to validate pgbouncer.ini against: settings, connection-string keys and sections it does not have are flagged (and quoted keys need 1.25).',
  },
  checkFiles: {
    type: 'boolean', default: true, flag: '--no-file-checks',
    description: 'Read the certificate, key and CA files that pgpool.conf, postgresql.conf and pgbouncer.ini name, to check that they exist, parse, match and have safe permissions.',
  },
  expiryWarningDays: {
    type: 'integer', minimum: 0, maximum: 3650, default: 30,
    description: 'Certificates that expire within this many days are reported (in Kubernetes Secrets and in the files pgpool.conf, postgresql.conf and pgbouncer.ini name).',
  },
  certificateLenses: {
    type: 'boolean', default: true,
    description: 'Show "expires in N days" above the certificates of Kubernetes Secrets and of the certificate and CA files that pgpool.conf, postgresql.conf and pgbouncer.ini name, with "Renew" where the folder holds the set\'s ca.crt and ca.key.',
  },
  mapCodeLens: {
    type: 'boolean', default: true,
    description: 'Show "Show TLS Map" above each operator resource (PerconaPGCluster, PostgresCluster, postgresql, KubeDB Pgpool) and at the top of pgpool.conf; it opens the TLS map of the folder with that resource in focus. The command "PG TLS: Show TLS Map" works either way.',
  },
  crdPaths: {
    type: 'string[]', default: [],
    description: 'CustomResourceDefinition (CRD) files or folders, besides those found in the workspace, whose schemas and CEL rules validate the matching resources; relative paths are resolved against each workspace folder.',
  },
  pathMappings: {
    type: 'path-map', default: {}, flag: '--path-map',
    description: 'Where the paths of a deployment are in the workspace, like a debugger\'s source map: { "/etc/pgpool2/certs": "./certs" } lets pgtls check a certificate that pgpool.conf names by its path in the container. Keys are absolute deployment paths (the longest matching one wins); values are folders or files, absolute, relative to the workspace folder, or starting with ${workspaceFolder}. Tried before the mappings pgtls finds itself (Docker Compose bind mounts, Dockerfile COPY, Kubernetes Secret and ConfigMap volumes).',
  },
  validate: {
    type: 'string', enum: ['openFiles', 'workspace'], default: 'openFiles',
    description: 'Which files get diagnostics: the open files only (openFiles), or every file of the workspace folders that pgtls check would check on them (workspace), also closed ones, in the Problems panel. "PG TLS: Check Workspace" runs that check once whatever this says.',
  },
  rules: {
    type: 'severity-map', default: {},
    description: 'Per-rule severity overrides, e.g. { "pool-hba/md5-method": "off" }.',
  },
  reportYamlSyntax: {
    type: 'string', enum: ['auto', 'always', 'never'], default: 'auto',
    description: 'Report YAML syntax errors and duplicate keys in the resources pgtls validates (yaml/syntax-error, yaml/duplicate-key). "auto": not while the Red Hat YAML extension (redhat.vscode-yaml) validates YAML files, which reports them too, so they are not shown twice; "always"; "never" (e.g. in an editor with another YAML language server). The CLI always reports them.',
  },
  maxProblems: {
    type: 'integer', minimum: 1, maximum: 100000, default: 1000, flag: '--max-problems',
    description: 'The most problems reported for one file: errors first, then warnings, notes and hints, each in the order of the file; one note (pgtls/too-many-problems) says how many more there are.',
  },
  'trace.server': {
    type: 'string', enum: ['off', 'messages', 'verbose'], default: 'off',
    description: 'Trace the messages between VS Code and the pgtls language server in the "PG TLS" output channel: "messages" names each request and notification, "verbose" adds their contents.',
  },
};

export const SETTING_KEYS = Object.keys(SETTINGS_SPEC) as (keyof Settings)[];

/** A fresh copy of the defaults (lists and maps are new objects, so callers may fill them). */
export function defaultSettings(): Settings {
  const s = {} as Record<string, unknown>;
  for (const k of SETTING_KEYS) {
    const d = SETTINGS_SPEC[k].default;
    s[k] = Array.isArray(d) ? [...d] : d && typeof d === 'object' ? { ...d } : d;
  }
  return s as unknown as Settings;
}

/** The value of one setting as the spec allows it, or `undefined` when `raw` is not allowed (the default applies). */
export function normalizeSetting(spec: SettingSpec, raw: unknown): unknown {
  if (raw === undefined || raw === null) return undefined;
  switch (spec.type) {
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'string':
      return typeof raw === 'string' && spec.enum.includes(raw) ? raw : undefined;
    case 'number': {
      const n = typeof raw === 'number' || typeof raw === 'string' ? Number(raw) : NaN;
      return spec.enum.includes(n) ? n : undefined;
    }
    case 'integer': {
      const n = typeof raw === 'number' || (typeof raw === 'string' && raw.trim() !== '') ? Number(raw) : NaN;
      return Number.isInteger(n) && n >= spec.minimum && n <= spec.maximum ? n : undefined;
    }
    case 'string[]':
      return Array.isArray(raw) ? raw.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : undefined;
    case 'severity-map': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
      const out: Record<string, SeverityOverride> = {};
      for (const [k, v] of Object.entries(raw)) if ((SEVERITY_OVERRIDES as readonly unknown[]).includes(v)) out[k] = v as SeverityOverride;
      return out;
    }
    case 'path-map': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (isMappingEntry(k, v)) out[k] = v;
      return out;
    }
  }
}

/** A deployment path: absolute (POSIX, a Windows drive or UNC path), one line, no NUL. */
const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\)[^\0\n\r]*$/;

/** One `pathMappings` entry pgtls can use: an absolute FROM and a non-empty one-line TO. */
function isMappingEntry(from: string, to: unknown): to is string {
  return ABSOLUTE.test(from) && typeof to === 'string' && to.trim() !== '' && !/[\0\n\r]/.test(to);
}

/** `FROM=TO` (the CLI flag's value) as a one-entry map; `undefined` when malformed. */
function pathMapFlag(value: string): Record<string, string> | undefined {
  const eq = value.indexOf('=');
  if (eq <= 0) return undefined;
  const from = value.slice(0, eq), to = value.slice(eq + 1);
  return isMappingEntry(from, to) ? { [from]: to } : undefined;
}

/** `raw[key]`, or for a dotted key (`trace.server`) the nested value an editor sends for it. */
function valueAt(raw: Record<string, unknown>, key: string): unknown {
  if (key in raw || !key.includes('.')) return raw[key];
  let v: unknown = raw;
  for (const part of key.split('.')) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** Fills missing or invalid settings with defaults, so a bad user setting never breaks validation. */
export function normalizeSettings(raw: unknown): Settings {
  const s = defaultSettings() as unknown as Record<string, unknown>;
  if (!raw || typeof raw !== 'object') return s as unknown as Settings;
  for (const k of SETTING_KEYS) {
    const v = normalizeSetting(SETTINGS_SPEC[k], valueAt(raw as Record<string, unknown>, k));
    if (v !== undefined) s[k] = v;
  }
  return s as unknown as Settings;
}

/** The setting a CLI flag sets, if any. */
export function settingOfFlag(flag: string): keyof Settings | undefined {
  return SETTING_KEYS.find(k => SETTINGS_SPEC[k].flag === flag);
}

/** Whether the flag of `key` takes a value (a boolean flag does not: it sets the opposite of the default). */
export function flagTakesValue(key: keyof Settings): boolean {
  return SETTINGS_SPEC[key].type !== 'boolean';
}

/**
 * The value a CLI flag gives its setting; a boolean flag (no value) flips the default. Throws a one-line message that
 * names the allowed values when `value` is not one of them.
 */
export function settingFromFlag(key: keyof Settings, value: string | undefined): unknown {
  const spec = SETTINGS_SPEC[key];
  if (spec.type === 'boolean') return !spec.default;
  const v = spec.type === 'path-map' ? pathMapFlag(value ?? '') : normalizeSetting(spec, value);
  if (v !== undefined) return v;
  throw new Error(`${spec.flag} must be ${allowedText(spec)}, not "${value ?? ''}"`);
}

/** "one of 4.3, 4.4 …" / "an integer from 0 to 3650", for messages and help texts. */
export function allowedText(spec: SettingSpec): string {
  switch (spec.type) {
    case 'string': case 'number': return `one of ${spec.enum.join(', ')}`;
    case 'integer': return `an integer from ${spec.minimum} to ${spec.maximum}`;
    case 'boolean': return 'true or false';
    case 'string[]': return 'a list of paths';
    case 'severity-map': return `a map of rule ids to ${SEVERITY_OVERRIDES.join(', ')}`;
    case 'path-map': return 'FROM=TO with an absolute FROM (a path where the server runs) and a local TO';
  }
}

/**
 * The keys of `pgtls.rules` that name no rule (a misspelt id has no effect at all), each with the closest rule ids.
 * The editor's settings schema lists the ids too (package.json, generated by `npm run gen:docs`); this is for what
 * the schema cannot stop (settings.json edited by hand, another client).
 */
export function unknownRuleIds(rules: Readonly<Record<string, unknown>>, known: ReadonlySet<string>): { id: string; suggestions: string[] }[] {
  return Object.keys(rules).filter(id => !known.has(id)).sort().map(id => ({ id, suggestions: didYouMean(id, known, 2) }));
}

/** One sentence per unknown id, for the editor's warning and the log. */
export function unknownRulesMessage(unknown: readonly { id: string; suggestions: string[] }[]): string {
  const parts = unknown.map(u => `"${u.id}"${u.suggestions.length ? ` (did you mean ${u.suggestions.map(x => `"${x}"`).join(' or ')}?)` : ''}`);
  return `pgtls.rules names ${unknown.length === 1 ? 'a rule that does not exist' : 'rules that do not exist'}: ${parts.join(', ')}; ${unknown.length === 1 ? 'it has' : 'they have'} no effect. "pgtls rules" lists the rule ids.`;
}
