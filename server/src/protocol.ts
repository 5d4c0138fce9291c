/**
 * The contract between the extension client and the language server: the settings section and its defaults.
 * The only server file the client may import (see eslint.config.mjs).
 */
export { CREATE_TLS_SET_COMMAND, DEFAULT_SETTINGS, GENERATE_TLS_FILES_COMMAND, RENEW_COMMAND, SUPPORTED_PGPOOL_VERSIONS, SUPPORTED_POSTGRES_VERSIONS } from './core/types';
export type { GenerateTlsFilesArgs, TlsFilePaths } from './core/types';
import { CREATE_TLS_SET_COMMAND, GENERATE_TLS_FILES_COMMAND, type TlsFilePaths } from './core/types';
export type { Settings, SeverityOverride } from './core/types';

/** The configuration section all settings live under (`pgtls.*`). */
export const SETTINGS_SECTION = 'pgtls';

/** Language ids the server validates (derived from the one language table). */
export { LANGUAGE_IDS } from './core/languages';
import { LANGUAGE_TABLE as LANGUAGE_FILES } from './core/languages';

/**
 * The public repository, when pgtls has one: rule documentation links then point into its README's rule table, and
 * package.json names it too (vsce packages with --allow-missing-repository while it does not). There is none yet, so
 * the links open the rule reference shipped with pgtls (docs/rules.md, node/ruleDocs.ts).
 */
export const REPOSITORY_URL = undefined as string | undefined;

/** The README as the repository shows it, whose rule table the links point into; `undefined` without a repository. */
export const RULE_DOCS_BASE = REPOSITORY_URL === undefined ? undefined : `${REPOSITORY_URL}/blob/main/README.md`;

/** The anchor of a rule in the README's rule table and in docs/rules.md. */
export function ruleAnchor(ruleId: string): string {
  return `rule-${ruleId.replace(/[^a-z0-9]+/g, '-')}`;
}

/** Where a rule is documented on the web (its row in the repository README's rule table); `undefined` without a repository. */
export function ruleDocsUrl(ruleId: string): string | undefined {
  return RULE_DOCS_BASE === undefined ? undefined : `${RULE_DOCS_BASE}#${ruleAnchor(ruleId)}`;
}

// --- certificate commands (custom requests; the client asks, the server generates and writes) ------------------

/** The key algorithms the server generates (the client offers these), the default, and their labels. */
export { DEFAULT_ALGORITHM, KEY_ALGORITHMS, algorithmSpec, type KeyAlgorithm } from './certs/algorithms';

/** What a certificate command creates. `set`: CA + server + client (+ replication for Percona) (+ Secrets for operators). */
export type CertCommandKind = 'ca' | 'server' | 'client' | 'replication' | 'set';

/** A document and an offset in it: the server picks the YAML document under the cursor. */
export interface CertResourceRef {
  uri: string;
  offset: number;
}

/** `pgtls/certs/preset`: the operator preset of the resource under the cursor, or null when there is none. */
export const CERT_PRESET_REQUEST = 'pgtls/certs/preset';
export type CertPresetParams = CertResourceRef;
export interface CertPresetResult {
  operator: 'kubedb' | 'percona' | 'cpo' | 'pgpool' | 'zalando' | 'pgo';
  kind: string;
  name: string;
  namespace?: string;
  serverName: string;
  /** Server SANs besides serverName (DNS names and IPs). */
  sans: string[];
  clientUser: string;
  /** Percona: `_crunchyrepl`. */
  replicationUser?: string;
  /** Secret (and Issuer) names the set's manifests will hold. */
  secretNames: string[];
}

/** `pgtls/certs/create`: generate and write. Key material never travels back. */
export const CERT_CREATE_REQUEST = 'pgtls/certs/create';
export interface CertCreateParams {
  kind: CertCommandKind;
  /** Absolute folder to write into (created 0700). */
  folder: string;
  /** One of KEY_ALGORITHMS (default DEFAULT_ALGORITHM); any other text is refused with a message. */
  algorithm?: string;
  /** Validity of the leaves (or of the CA for `ca`), in days. */
  days?: number;
  serverName?: string;
  sans?: string[];
  clientUser?: string;
  /** CA common name (kind `ca`, or the CA of a `set`). */
  caName?: string;
  /** Replace existing files; without it the result lists them and nothing is written. */
  force?: boolean;
  /** Leaf kinds: create ca.crt/ca.key in the folder when they are missing (default true). */
  createCaIfMissing?: boolean;
  /**
   * Leaf kinds: the absolute folder whose ca.crt and ca.key issue the certificates (default `folder`). The CA is only
   * read there; no CA is made in `folder`.
   */
  caFolder?: string;
  /** `set`: take names from the resource under the cursor (and write its Secrets next to the certificates). */
  resource?: CertResourceRef;
  /**
   * `server` and `ca`: write the files at these absolute paths instead of `folder`/ca.crt … (the "Generate … here"
   * quick fix: the paths a configuration names). A server certificate is issued by the CA at `ca` + `caKey` when both
   * exist, by a new CA written there when `ca` does not, else as without paths (ca.crt/ca.key beside the certificate).
   */
  paths?: TlsFilePaths;
}

/** A text replacement in the resource document: character offsets into the text the server saw. */
export interface CertResourceEdit {
  uri: string;
  start: number;
  end: number;
  newText: string;
}
export interface CertFileSummary {
  name: string;
  path: string;
  /** Octal, e.g. "0600". */
  mode: string;
  kind: 'private-key' | 'certificate' | 'manifest';
  role: string;
  replaced: boolean;
  subject?: string;
  sans?: string[];
  notBefore?: string;
  notAfter?: string;
  days?: number;
}
export interface CertCreateSummary {
  dir: string;
  /** Leaf kinds: the folder of the existing CA that issued the certificates (absent when a CA was made). */
  caDir?: string;
  createdDir: boolean;
  algorithm: string;
  files: CertFileSummary[];
  /** `refused`: the folder's .gitignore is a link or not a regular file; a warning says what to add. */
  gitignore: 'created' | 'appended' | 'unchanged' | 'skipped' | 'refused';
  warnings: string[];
  /** The resource the set was made for. */
  resource?: { operator: string; kind: string; name: string; namespace?: string };
  /** `set` for an operator: the merge patch that points the resource at the Secrets. */
  patch?: Record<string, unknown>;
  /** `set`: that patch as an edit of the resource document (the client applies it as an undoable WorkspaceEdit). */
  resourceEdit?: CertResourceEdit;
  /** One-paragraph human summary (what the notification shows). */
  message: string;
}
/**
 * `pgtls/certs/configEdit`: the edit that points a pgpool.conf, postgresql.conf or pgbouncer.ini at certificate files
 * (TLS on, the certificate, key and CA settings; paths as the server resolves them). `null` for another file.
 */
export const CERT_CONFIG_EDIT_REQUEST = 'pgtls/certs/configEdit';
export interface CertConfigEditParams {
  /** The configuration (file: URI); its open buffer when there is one, else the file. */
  uri: string;
  /** Absolute paths of the files (a CA alone sets only the CA setting). */
  files: TlsFilePaths;
}
export interface CertConfigEditResult {
  /** Replacements in the text the server read (empty: the configuration names these files already). */
  edits: CertResourceEdit[];
  /** The settings written, with their values as written. */
  settings: { key: string; value: string }[];
  /** What the user should know (a CA file the configuration named otherwise, a folder not mounted in its container). */
  notes: string[];
}

/** `existing`: files that are there and were not replaced (nothing was written; retry with force). */
export type CertCreateResult = { status: 'written'; summary: CertCreateSummary } | { status: 'exists'; existing: string[] };

/** `pgtls/certs/inspect`: a decoded view (like `openssl x509 -text`) of a PEM/DER file or a PEM / base64 text. */
export const CERT_INSPECT_REQUEST = 'pgtls/certs/inspect';
export interface CertInspectParams {
  /** A PEM text, or base64 of a PEM or DER certificate (a Secret's data value). */
  text?: string;
  /** Or a file (file: URI) holding PEM or DER. */
  uri?: string;
  /**
   * With `uri` of a pgpool.conf, postgresql.conf or pgbouncer.ini: the cursor's offset in it. The certificate file the
   * path value there names is inspected, located as the checks locate it (a refusal says why it cannot be).
   */
  offset?: number;
}
export interface CertInspectResult {
  count: number;
  text: string;
  /** The file inspected, when it was followed from a configuration's path value (its path, or its deployment path). */
  file?: string;
  /** The setting that named it (`ssl_cert_file`). */
  setting?: string;
}

/**
 * `pgtls/probe`: probe a running server as `pgtls probe HOST[:PORT]` does (the language server dials it, never with
 * key material in the answer). `target`: HOST, HOST:PORT or [IPv6]:PORT; `ca`: a CA file (else the workspace folder's
 * ca.crt / root.crt or ~/.postgresql/root.crt).
 */
export const PROBE_REQUEST = 'pgtls/probe';
export interface ProbeParams {
  target: string;
  ca?: string;
  direct?: boolean;
  /** The folder a CA is looked for in when `ca` is absent (the first workspace folder). */
  folder?: string;
  timeoutSeconds?: number;
}
export interface ProbeResult {
  /** 0 nothing wrong, 1 problems found, 2 unreachable (as the CLI's exit codes). */
  exitCode: number;
  /** The report as `pgtls probe` prints it. */
  text: string;
  /** The findings' ids and severities. */
  findings: { id: string; severity: string }[];
}

/** `pgtls/certs/renew`: re-issue the leaves of the set in `dir` from its CA (node/certLifecycle.ts). No key material travels. */
export const CERT_RENEW_REQUEST = 'pgtls/certs/renew';
/** `pgtls/certs/rotateCa`: a new CA, the bundle and the leaves from it, with the steps (and Secrets for an operator). */
export const CERT_ROTATE_CA_REQUEST = 'pgtls/certs/rotateCa';
export interface CertLifecycleParams {
  /** Absolute folder holding the set (ca.crt, ca.key, server.crt, …). */
  dir: string;
  /** Make new leaf keys instead of reusing the ones in the folder. */
  newKeys?: boolean;
  /** Keep the replaced files in DIR/backup-YYYYMMDD-HHMMSS/ (default true). */
  backup?: boolean;
  /** rotateCa: write each step's Secrets for this operator (percona, pgo, cpo, zalando, kubedb) and cluster. */
  operator?: string;
  name?: string;
  namespace?: string;
}
export interface CertLifecycleResult {
  dir: string;
  backupDir?: string;
  /** File names written in `dir`. */
  files: string[];
  /** One-paragraph summary (what the notification shows). */
  message: string;
  /** rotateCa: the numbered steps, with the manifest file of each step for an operator. */
  steps?: { title: string; text: string; manifest?: string }[];
}

/** `pgtls/certs/sign`: sign a CSR file with a CA (certificate + key files) and write the certificate. No key travels. */
export const CERT_SIGN_REQUEST = 'pgtls/certs/sign';
export interface CertSignParams {
  /** Absolute paths. */
  csr: string;
  caCert: string;
  caKey: string;
  /** The certificate file to write (0644). */
  out: string;
  role: 'server' | 'client';
  /** More SANs besides those the CSR requests. */
  sans?: string[];
  days?: number;
  notBefore?: string;
  notAfter?: string;
  allowInvalidDates?: boolean;
  /** Replace an existing `out`; without it the result says it exists and nothing is written. */
  force?: boolean;
}
export type CertSignResult =
  | { status: 'written'; path: string; subject: string; sans: string[]; notBefore: string; notAfter: string; notes: string[]; message: string }
  | { status: 'exists'; existing: string[] };

// --- linter conventions: rule settings from a quick fix, fix-all -------------------------------------------------

/**
 * The client command that turns a rule off in the workspace settings (`"pgtls.rules": { "<id>": "off" }`), run by the
 * "Turn off … in the workspace settings" quick fix with `[{ rule, uri }]`. The server offers that fix only to a client
 * that lists this command in `initializationOptions.clientCommands` (VS Code does; an editor without it would get a
 * code action it cannot run).
 */
export const DISABLE_RULE_COMMAND = 'pgtls.disableRule';
export interface DisableRuleArgs {
  rule: string;
  /** The document the quick fix was offered on (the settings scope). */
  uri?: string;
}

/** What the client tells the server in `initialize` besides its capabilities. */
export interface PgtlsInitializationOptions {
  /**
   * Commands the client itself runs (so code actions may use them), e.g. DISABLE_RULE_COMMAND. A client command with a
   * server counterpart (SERVER_COMMANDS) that the client does not list is replaced by that counterpart.
   */
  clientCommands?: string[];
}

/**
 * The server's own versions of the code actions' certificate commands (`workspace/executeCommand`, announced in
 * `executeCommandProvider`), for editors that do not run the client commands (Neovim, Helix, Emacs…): the code actions
 * name them unless the client lists the client command in `initializationOptions.clientCommands` (VS Code does). Their
 * ids differ from the client's because vscode-languageclient registers every announced id as a VS Code command. Same
 * argument as the client command; the server asks before replacing a file (`window/showMessageRequest`, refused
 * without it) and reports with `window/showMessage`.
 */
export const GENERATE_TLS_FILES_SERVER_COMMAND = 'pgtls.server.generateTlsFiles';
export const CREATE_TLS_SET_SERVER_COMMAND = 'pgtls.server.createTlsSetForResource';
export const SERVER_COMMANDS: Readonly<Record<string, string>> = {
  [GENERATE_TLS_FILES_COMMAND]: GENERATE_TLS_FILES_SERVER_COMMAND,
  [CREATE_TLS_SET_COMMAND]: CREATE_TLS_SET_SERVER_COMMAND,
};

/**
 * The code action kind of "Fix all auto-fixable problems", for `"editor.codeActionsOnSave": { "source.fixAll.pgtls":
 * "explicit" }` (a kind under `source.fixAll`, so `"source.fixAll"` runs it too).
 */
export const FIX_ALL_KIND = 'source.fixAll.pgtls';

/**
 * `pgtls/tlsMap`: the TLS map (core/tlsMap.ts) of the folder of `uri` (its files as the workspace has them, open
 * buffers first), with the SVG the server draws of it; places are absolute paths. "PG TLS: Show TLS Map"
 * (`pgtls.showTlsMap`) asks for it; `focus` (an offset in `uri`) picks the node of the resource the code lens is on.
 */
export const TLS_MAP_REQUEST = 'pgtls/tlsMap';
export const SHOW_TLS_MAP_COMMAND = 'pgtls.showTlsMap';
export interface TlsMapParams {
  uri: string;
  /** An offset in `uri` (the code lens's): the node placed there is the answer's `focus`. */
  focus?: number;
}
export interface TlsMapResult {
  /** The folder the map was built from. */
  folder: string;
  map: import('./core/tlsMap').TlsMap;
  svg: string;
  /** The id of the node `focus` picked (the resource or server the lens is on), when one is placed there. */
  focus?: string;
}

/**
 * `pgtls/checkWorkspace`: "PG TLS: Check Workspace". The server lists every workspace folder as `pgtls check` lists a
 * folder (lsp/workspaceCheck.ts), checks each file (an open one as its buffer reads) and answers each file's LSP
 * diagnostics, whatever `pgtls.validate` says. It reports work-done progress on `workDoneToken` and stops when the
 * request is cancelled (then `cancelled` is true and `files` holds what was checked).
 */
export const CHECK_WORKSPACE_REQUEST = 'pgtls/checkWorkspace';
export interface CheckWorkspaceParams {
  workDoneToken?: string | number;
}
export interface CheckWorkspaceResult {
  /** Every file checked, with its diagnostics (LSP `Diagnostic[]`, as a pull would answer them). */
  files: { uri: string; diagnostics: unknown[] }[];
  /** Set when the walk stopped early (too many files or folders, too many bytes): the sentence says where and why. */
  stoppedEarly?: string;
  cancelled?: boolean;
}

/**
 * The files of the languages other than YAML as one glob (`**\/{pgpool.conf,*.pgpool.conf,…}`): the client watches
 * them so that the server's workspace diagnostics learn of every change on disk. Derived from the language table.
 */
export const CONF_FILES_GLOB = `**/{${Object.entries(LANGUAGE_FILES).filter(([id]) => id !== 'yaml').flatMap(([, l]) => [...l.filenames, ...l.filenamePatterns]).join(',')}}`;
