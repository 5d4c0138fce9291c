/**
 * Data types shared by every part of the pure core. Nothing here knows about the editor or the LSP connection:
 * positions are character offsets into the document text until `core/text.ts` turns them into lines and columns.
 */
import { defaultSettings } from './settings';
import type { TlsBackend } from './tlsBackend';

/** A half-open range of character offsets `[start, end)` into a document's text. */
export type Span = readonly [start: number, end: number];

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeverityOverride = Severity | 'off';

/** The languages pgtls understands. */
export type LanguageId = 'pgpool-conf' | 'pool-hba' | 'pg-hba' | 'pool-passwd' | 'yaml'
  | 'pgbouncer-ini'
  | 'pg-ident'
  | 'postgresql-conf'
  | 'pgbouncer-userlist'
  | 'pgbouncer-hba';

/** One text replacement; a quick fix is a list of them. */
export interface TextEdit {
  span: Span;
  newText: string;
}

/**
 * An editor command a fix runs (e.g. `pgtls.createTlsSetForResource`). Conventions for `arguments` so that the core
 * stays editor-agnostic: an argument object with a numeric `offset` holds an offset into the finding's document (it
 * moves with the spans, like the edits), and an argument object with `uri: undefined`/no `uri` next to an `offset`
 * gets the document's URI filled in by the LSP glue.
 */
export interface FixCommand {
  title: string;
  command: string;
  arguments?: unknown[];
}

/** A quick fix: text edits, a command, or both. A command-only fix has no edits; code that applies edits must skip it. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Run after the edits are applied (LSP CodeAction.command); the CLI and the tests that apply edits ignore it. */
  command?: FixCommand;
  /** The fix an editor may apply with "auto fix" (e.g. the single did-you-mean candidate). */
  preferred?: boolean;
  /**
   * The fix changes who may connect or how (an authentication method, a TLS requirement, an address range, the
   * operator that manages a resource): applied one at a time on request, never by "Fix all auto-fixable problems" or a
   * save action, which take only a problem's preferred fix without it (core/fixAll.ts).
   */
  changesBehaviour?: boolean;
}

/** The argument object of a fix command that names a place in the finding's document (see `FixCommand`). */
export interface FixLocationArg {
  uri?: string;
  offset: number;
}

/** Absolute paths of the files of a server's TLS set (the paths a configuration names). */
export interface TlsFilePaths {
  cert?: string;
  key?: string;
  ca?: string;
  /** The CA's key (default: beside `ca`, `root.crt` → `root.key`). */
  caKey?: string;
}

/** The client command of the "Generate … here" quick fix on a missing certificate, key or CA file. */
export const GENERATE_TLS_FILES_COMMAND = 'pgtls.generateTlsFiles';

/** The client command of "Create certificates and Secrets for this resource…" (a missing Secret of a resource). */
export const CREATE_TLS_SET_COMMAND = 'pgtls.createTlsSetForResource';

/** The client command of the "Renew" code lens: renews the leaves of a set (`{ dir }` is the folder of ca.crt/ca.key). */
export const RENEW_COMMAND = 'pgtls.renewCertificates';

/** Its argument: the finding's place, what to make (a server certificate and key, or a CA) and where. */
export interface GenerateTlsFilesArgs extends FixLocationArg {
  kind: 'server' | 'ca';
  paths: TlsFilePaths;
  /** The configuration's product, for the questions and the summary (`PostgreSQL`). */
  product: string;
}

/** Registered metadata of a rule; `id` is the diagnostic `code` and never changes once released. */
export interface RuleMeta {
  id: string;
  /** Default severity; users override it with `pgtls.rules`. */
  severity: Severity;
  /** One line for the README rule table. */
  description: string;
  /** Where the behaviour comes from (Pgpool-II source function, PostgreSQL docs, ...). */
  source: string;
}

/** A problem found by a rule, still in offsets. */
export interface Finding {
  rule: string;
  span: Span;
  message: string;
  /** Overrides the rule's default severity for this finding (e.g. the same check is an error in one context, a warning in another). */
  severity?: Severity;
  fixes?: Fix[];
  /** Marks a finding that makes something look unused or deprecated (rendered faded/struck by editors). */
  tags?: ('unnecessary' | 'deprecated')[];
  /** Findings in another file that explain this one. */
  related?: { file: string; span: Span; message: string }[];
}

/** A finding after settings were applied: severity is final. */
export interface Problem extends Finding {
  severity: Severity;
}

/** User settings, as the core sees them. Defaults live in `DEFAULT_SETTINGS`. */
export interface Settings {
  enable: boolean;
  /** Pgpool-II major.minor, e.g. `4.6`. */
  pgpoolVersion: string;
  /** PostgreSQL major version for pg_hba.conf. */
  postgresVersion: number;
  /** PgBouncer major.minor for pgbouncer.ini, e.g. `1.25`. */
  pgbouncerVersion: string;
  /**
   * Read the files that a configuration names (certificates, keys, CA and CRL files, `@file` and `include` targets).
   * The pgpool.conf beside a pool_hba.conf is always read: the cross-file rules need it.
   */
  checkFiles: boolean;
  /** Per-rule severity overrides keyed by rule id. */
  rules: Record<string, SeverityOverride>;
  /** Certificates that expire within this many days are reported (Kubernetes Secrets, pgpool.conf's files). */
  expiryWarningDays: number;
  /** Show the certificate expiry code lens on Secret certificate keys and on the certificate files settings name. */
  certificateLenses: boolean;
  /** Show the "Show TLS Map" code lens on operator resources and at the top of pgpool.conf. */
  mapCodeLens: boolean;
  /**
   * Extra files or folders holding CustomResourceDefinitions whose schemas validate the matching resources, besides the
   * CRDs found in the workspace. Relative paths are resolved against each workspace folder.
   */
  crdPaths: string[];
  /**
   * Deployment path prefixes (where the server runs: a container, a host) mapped to local folders or files, like a
   * debugger's source map: `{ "/etc/pgpool2/certs": "./certs" }`. FROM is absolute; TO is absolute, relative to the
   * workspace folder, or starts with `${workspaceFolder}`. Tried before the mappings pgtls finds in the workspace.
   */
  pathMappings: Record<string, string>;
  /**
   * What the language server validates: the open files only (`openFiles`), or every file of the workspace folders
   * that `pgtls check` would check on them (`workspace`: LSP pull workspace diagnostics). The core never reads it.
   */
  validate: 'openFiles' | 'workspace';
  /**
   * Whether YAML syntax errors and duplicate keys (`yaml/syntax-error`, `yaml/duplicate-key`) are reported: `never`
   * leaves them to another YAML language server. `auto` is decided by the editor client (the VS Code extension sends
   * `never` while the Red Hat YAML extension validates YAML); anywhere else it reports them, as `always` does.
   */
  reportYamlSyntax: 'auto' | 'always' | 'never';
  /** The language client's trace of the LSP traffic (read by the VS Code client only). */
  'trace.server': 'off' | 'messages' | 'verbose';
  /**
   * The most problems reported for one file (errors first, then warnings, …); the rest are counted in one
   * `pgtls/too-many-problems` note, so that a file with a problem on each of its million lines stays usable.
   */
  maxProblems: number;
}

/** The defaults of every setting (owned by `SETTINGS_SPEC` in core/settings.ts). */
export const DEFAULT_SETTINGS: Settings = Object.freeze(defaultSettings());

export { SUPPORTED_PGPOOL_VERSIONS, SUPPORTED_POSTGRES_VERSIONS } from './settings';

/** File metadata the TLS rules need; `undefined` from `stat` means the file does not exist. */
export interface FileStat {
  isFile: boolean;
  /** Permission bits (`mode & 0o777`). */
  mode: number;
  uid: number;
}

/**
 * Everything the core needs from the outside world. The language server, the CLI and the tests each provide one.
 * All paths are absolute file-system paths.
 */
export interface ServiceEnv {
  /** Reads a JSON data file shipped in `schemas/` (e.g. `pgpool-params.json`). */
  loadJson(name: string): unknown;
  /** Reads a file's text (open editor buffers take precedence over the disk); `undefined` when it cannot be read. */
  readText(path: string): string | undefined;
  /** Reads a file's bytes; `undefined` when it cannot be read. */
  readBytes(path: string): Uint8Array | undefined;
  stat(path: string): FileStat | undefined;
  /** The effective user id that Pgpool-II would run as, for the key-permission rule (`undefined`: unknown). */
  euid(): number | undefined;
  /** WebCrypto for certificate checks. */
  crypto: Crypto;
  /** Synchronous certificate and private-key reading for the TLS file checks (OpenSSL through `node:crypto` in Node.js). */
  tls: TlsBackend;
  now(): Date;
  /**
   * The folders the user works in: the workspace folders (language server), or the current folder and the folders
   * named on the command line and those of the files named there (CLI). A path inside one is the user's own, and a
   * missing file there is a real problem; an absolute path outside all of them that does not exist here is most likely
   * a path where the server runs. Absent or empty: no folder is known.
   */
  roots?(): readonly string[];
  /**
   * Lists the files under `dir` (recursively, bounded, skipping `node_modules`, `.git` and the like) whose names end
   * with one of `extensions`; absolute paths, sorted. Absent where there is no file system.
   */
  listFiles?(dir: string, options: ListFilesOptions): string[];
  /**
   * The workspace as the language server tracks it (YAML files of the workspace folders, open buffers over the disk),
   * for rules that look a resource up across files. Absent in the CLI and the tests: the core then looks at the files
   * beside the validated one.
   */
  workspace?: WorkspaceView;
  /**
   * Where rule `ruleId` is documented, for a diagnostic's link (`codeDescription`): the rule reference shipped with
   * pgtls (docs/rules.md, opened at the rule's line). Absent or `undefined`: no link.
   */
  ruleDocsUrl?(ruleId: string): string | undefined;
}

export interface ListFilesOptions {
  /** File name endings, e.g. `['.yaml', '.yml']`. */
  extensions: readonly string[];
  /** Folder depth below `dir` (0: only `dir` itself). */
  maxDepth: number;
  /** Stop after this many files. */
  maxFiles: number;
}

/** One file of the workspace index. */
export interface WorkspaceFile {
  /** Absolute path. */
  path: string;
  languageId: LanguageId;
  /** Changes whenever the text changes (editor version, or a stamp of the disk read). */
  version: number | string;
  /** The current text (an open buffer, else the disk); `undefined` when it cannot be read. */
  text(): string | undefined;
}

/** The glue's view of the workspace, handed to the core through `ServiceEnv.workspace`. */
export interface WorkspaceView {
  /** The workspace folders (absolute paths). */
  roots(): readonly string[];
  /** Every tracked file. */
  files(): Iterable<WorkspaceFile>;
  /**
   * The façade's parse of a file (the glue's cache, keyed by version), so that looking across the workspace costs no
   * re-parse; `undefined` lets the core parse the text itself.
   */
  parsed?(file: WorkspaceFile): unknown;
  /**
   * An index's answer to "which files may hold `needle`" (absent: the core reads every file's text): a needle shaped
   * like a Kubernetes name or kind (letters, digits, `.`, `-`) gives the files that hold it as a whole key or string
   * value of a YAML document (callers compare whole values); any other needle the files whose text contains it.
   */
  containing?(needle: string): Iterable<WorkspaceFile>;
  /**
   * True when the view holds only the files of one run (`pgtls check`: the YAML files checked and the folders of the
   * files named), not every file of the workspace folders: what lies outside it is looked for on disk as without a view.
   */
  readonly partial?: boolean;
}

/** A document handed to the core: its path (for relative file references and the language), and its text. */
export interface SourceDocument {
  /** Absolute path (or a URI-like name for untitled buffers). */
  path: string;
  text: string;
  languageId: LanguageId;
  /** Document version; the glue keys its caches by it. */
  version?: number;
}

export interface HoverResult {
  span: Span;
  markdown: string;
}

export type CompletionKind = 'property' | 'value' | 'keyword' | 'enum' | 'snippet' | 'file' | 'folder';

export interface CompletionResult {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert; defaults to `label`. May be an LSP snippet when `snippet` is true. */
  insertText?: string;
  snippet?: boolean;
  /** The span the completion replaces (the word under the cursor). */
  replace?: Span;
}
