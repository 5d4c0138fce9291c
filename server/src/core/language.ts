import type { Reporter } from './rules';
import type { FoldSpan, FormatOptions, OutlineSymbol, PathLink } from './structure';
import type {
  CompletionResult, HoverResult, LanguageId, RuleMeta, ServiceEnv, Settings, SourceDocument, Span, TextEdit,
} from './types';

/** What a language's `validate` gets: the settings, the environment and a `report` that only accepts spans. */
export interface ValidateContext {
  settings: Settings;
  env: ServiceEnv;
  /** Parses a sibling document of another language (cached by the façade per validation run). */
  parseSibling<T>(path: string, languageId: LanguageId): { doc: SourceDocument; file: T } | undefined;
  /** Reports a finding: the one `Reporter` of core/rules.ts, with a declared rule (`R['name']`), never an id string. */
  report: Reporter;
  /**
   * Told of every TLS file a server's settings name that pgtls located and could see (tlsFiles/files.ts), for the
   * features that show what the files hold (the certificate expiry lens); validation itself leaves it unset.
   */
  onTlsFile?(file: SeenTlsFile): void;
}

/** A TLS file a setting names, as located: the setting's name and span, where it was read, and its text. */
export interface SeenTlsFile {
  role: 'cert' | 'key' | 'ca' | 'crl';
  /** The setting (`ssl_cert_file`). */
  key: string;
  span: Span;
  /** Where the file was read (a workspace path, or a resource key's deployment path). */
  path: string;
  /** The file's text; `undefined` when pgtls may not read it. */
  text: string | undefined;
  /** The file is not there (or is not a regular file): the check reported it missing. */
  missing?: boolean;
}

/** A setting that names a server TLS file (or pgpool.conf's CA folder), as written, for the features that follow it. */
export interface TlsPathSetting {
  /** The setting (`ssl_cert_file`). */
  key: string;
  role: SeenTlsFile['role'] | 'cadir';
  /** The path as written. */
  value: string;
  /** The value in the document (quotes included). */
  span: Span;
  /** Set when the server does not resolve this setting's relative path from the context's `baseDir`: why. */
  unknownBase?: string;
  /**
   * Set for a setting written in another file that this one includes (its path; `span` is then in that file): it
   * counts as the checks count it (the key paired with the certificate), but is never hovered in this document.
   */
  file?: string;
}

/**
 * One TLS context of a configuration (a server accepting clients, or PgBouncer connecting to servers) and the settings
 * that name its files, in the order the server applies them (this document's, and those of the files it includes, as
 * the checks read them), with the folder a relative path starts at (the checks' rules).
 */
export interface TlsPathContext {
  /** `Pgpool-II`, `PostgreSQL`, `PgBouncer`. */
  product: string;
  /** `accept`: it serves the certificate to clients; `connect`: it presents it to servers (tlsFiles/profile.ts). */
  direction: 'accept' | 'connect';
  /** The folder relative paths start at; `undefined` when pgtls does not know it (`unknownBase` says why). */
  baseDir: string | undefined;
  unknownBase?: string;
  settings: TlsPathSetting[];
}

/**
 * How a configuration writes its server TLS settings (the façade's `tlsConfigEdit`, tlsFiles/configEdit.ts): the
 * settings of the certificate, key and CA files and of TLS itself, this file's lines of them, where new lines go and
 * how a value is written.
 */
export interface TlsConfigWriter {
  /** `Pgpool-II`, `PostgreSQL`, `PgBouncer`. */
  product: string;
  /** The settings that name the certificate, key and CA file of the side that accepts clients. */
  keys: { cert: string; key: string; ca: string };
  /** The setting that turns TLS on, the value written, and whether its current value (`undefined`: unset) already does. */
  enable: { key: string; value: string; isOn(current: string | undefined): boolean };
  /** This file's last line of `key`: its value and the value's span (quotes included). */
  current(key: string): { value: string; span: Span } | undefined;
  /** Where new lines go when the file has no commented-out sample line of the key: a line start or the end. */
  insertAt: number;
  /** Written once before the new lines at `insertAt` (pgbouncer.ini's `[pgbouncer]` header when it has none). */
  prefix?: string;
  /** A value as this file writes it; `undefined` when it cannot be written (a quote in a pgpool.conf path). */
  quote(value: string): string | undefined;
  /** The characters that start a comment line (`#`; `;#` in pgbouncer.ini). */
  comments: string;
  /** Where a commented-out sample line may be used (pgbouncer.ini: its `[pgbouncer]` section); default the whole file. */
  sampleRange?: Span;
  /** The folder the server resolves relative paths from (a file inside it is written relative); `undefined`: absolute. */
  baseDir: string | undefined;
  /** What relative paths start at, in words (`pgpool.conf's folder`). */
  baseWords: string;
}

/** The TLS file a setting under the cursor names, located as the checks locate it (the façade's `tlsFileAt`). */
export interface TlsFileAt {
  key: string;
  role: TlsPathSetting['role'];
  written: string;
  /** Where pgtls reads it (a local path, or a resource key's deployment path); absent when it cannot be located. */
  path?: string;
  /** `path` is a file on this machine (not a Kubernetes resource's key). */
  onDisk: boolean;
  /** The file's text when pgtls can read it. */
  text?: string;
  /** Why pgtls cannot read it (a sentence in Markdown), when it cannot. */
  unreadable?: string;
}

export interface FeatureContext {
  settings: Settings;
  env: ServiceEnv;
  /** As in `ValidateContext`: features that look at other files (definition, users' CRDs) parse them through it. */
  parseSibling: ValidateContext['parseSibling'];
}

/** A place a go-to-definition request leads to: a file and a span of its text. */
export interface DefinitionLocation {
  /** Absolute path (as `SourceDocument.path`). */
  file: string;
  span: Span;
}

/**
 * One language: a parser and its features. `F` is the parsed file type; the glue caches it per document version.
 * Modes never throw on any input: bad input yields findings, not exceptions.
 */
export interface LanguageMode<F = unknown> {
  id: LanguageId;
  /** Rules this language reports; registered once in `languages/registry.ts`. */
  rules: readonly RuleMeta[];
  /**
   * Parses a document. `previous` is the last parse of the same document, handed back by the façade so that a mode may
   * reuse what did not change (YAML reuses unchanged documents); a mode may ignore it.
   */
  parse(doc: SourceDocument, previous?: F): F;
  validate(doc: SourceDocument, file: F, ctx: ValidateContext): void;
  hover?(doc: SourceDocument, file: F, offset: number, ctx: FeatureContext): HoverResult | undefined;
  complete?(doc: SourceDocument, file: F, offset: number, ctx: FeatureContext): CompletionResult[];
  /** The declarations of what the reference under `offset` names (e.g. the Secret a resource refers to). */
  definition?(doc: SourceDocument, file: F, offset: number, ctx: FeatureContext): DefinitionLocation[];
  /** The outline: sections, settings, records, resources (core/structure.ts); every `span` holds its children's. */
  symbols?(doc: SourceDocument, file: F): OutlineSymbol[];
  /** Folding regions; `undefined` leaves folding to the editor (e.g. a YAML file with no resource). */
  folding?(doc: SourceDocument, file: F): FoldSpan[] | undefined;
  /**
   * Formatting edits (of the lines `options.range` touches, or all): only blanks between what the server reads move,
   * so the parse and the findings of the result are those of the original, and formatting it again changes nothing.
   */
  format?(doc: SourceDocument, file: F, options: FormatOptions): TextEdit[];
  /** The certificate, key, CA, CRL and include paths the document names that lead to a file pgtls can open. */
  links?(doc: SourceDocument, file: F, ctx: FeatureContext): PathLink[];
  /** The settings that name server TLS files, per TLS context (hover on their values, Inspect Certificate). */
  tlsPaths?(doc: SourceDocument, file: F, ctx: FeatureContext): TlsPathContext[];
  /** How this configuration writes its server TLS settings (pointing it at generated files). */
  tlsWriter?(doc: SourceDocument, file: F, ctx: FeatureContext): TlsConfigWriter;
  /**
   * Where the statement that holds `offset` starts, when that is on an earlier line and a comment line put just above
   * the line of `offset` would change the file (a continued pg_hba.conf line, a multi-line YAML scalar): suppression
   * comments (core/suppress.ts) go above that line, and a `pgtls-disable-next-line` there silences the finding.
   */
  commentAnchor?(file: F, offset: number): number | undefined;
  /** False where pgtls does not check the text (a templated YAML document): unused suppression comments there are not reported. */
  checksAt?(file: F, offset: number): boolean;
  /**
   * Set when the parser reads NUL bytes the way the server does (a byte it refuses, a line it cuts there): the façade
   * then validates a file that holds them instead of skipping it as binary, and points at the first one with what the
   * server does with it (core/fileGuard.ts).
   */
  nulBytes?: { server: string; effect: string };
}
