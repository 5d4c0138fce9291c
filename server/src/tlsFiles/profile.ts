/**
 * What differs between the servers whose TLS files the shared checks read (Pgpool-II, PgBouncer, later PostgreSQL):
 * the product's name, what a file it cannot use does to it (TLS silently off, no start, every server connection
 * failing), the log lines it writes, its key permission rule and the rule ids each language reports with. The checks
 * (files.ts, certs.ts) hold what OpenSSL does with the files; a profile holds only the words and the rules of one
 * product (and one side of it: PgBouncer loads its client-side files at start, its server-side ones per connection).
 */
import type { ValidateContext } from '../core/language';
import type { FindingExtra } from '../core/rules';
import type { RuleMeta, Span } from '../core/types';

/** The files of one TLS context: the certificate (chain) it presents, its key, the CAs it verifies peers with, a CRL. */
export type FileRole = 'cert' | 'key' | 'ca' | 'crl';

/** What went wrong with a file, for the product's log line (`ServerTlsProfile.log`). */
export type Failure =
  | 'missing' | 'cert-invalid' | 'key-invalid' | 'key-encrypted' | 'key-mismatch' | 'key-type-mismatch'
  | 'weak-leaf' | 'weak-chain' | 'weak-signature' | 'ca-invalid' | 'crl-invalid';

/** A setting that names a TLS file, as the language read it. */
export interface TlsFileSetting {
  /** The setting's name (`ssl_ca_cert`, `client_tls_ca_file`). */
  key: string;
  /** The path as written. */
  value: string;
  /** Where findings about the file go. */
  span: Span;
  /** The setting for messages, in backticks (with the included file it comes from, if any). */
  ref: string;
}

/**
 * Which peer the context faces. `accept`: it serves `cert` to clients and verifies client certificates with `ca`
 * (Pgpool-II, PgBouncer's client side, PostgreSQL). `connect`: it presents `cert` as a client certificate to servers and
 * verifies their certificates with `ca` (PgBouncer's server side).
 */
export type Direction = 'accept' | 'connect';

/** The rules a language reports the file findings with (each language keeps its own ids). */
export interface TlsFileRules {
  missing: RuleMeta;
  certInvalid: RuleMeta;
  keyInvalid: RuleMeta;
  keyEncrypted: RuleMeta;
  /** Absent: the product does not check key permissions (PgBouncer). */
  keyPermissions?: RuleMeta;
}

export interface ServerTlsProfile {
  /** The product, as messages name it: `Pgpool-II`, `PgBouncer`. */
  product: string;
  direction: Direction;
  rules: TlsFileRules;
  /**
   * What happens when a file of `role` cannot be used, as the end of "…, so <effect>" (e.g. "Pgpool-II only logs a
   * WARNING at start and then turns SSL off for every client"), with the product's `log` line when given.
   */
  unusable(role: FileRole, log?: string): string;
  /** The product's log line for a failure (without quotes; `…` where it prints a path or detail). */
  log(role: FileRole, failure: Failure): string;
  /** Said after "fix the path" for a relative path that resolved to a missing file (e.g. where it starts). */
  relativeHint: string;
  /**
   * An encrypted key: why the product cannot decrypt it (" and `ssl_passphrase_command` is not set") and the fix;
   * `undefined` when it can (a passphrase command is set).
   */
  encrypted(): { why: string; fix: string } | undefined;
  /**
   * The key permission rule: `postgres` is PostgreSQL's and Pgpool-II's (0600 or less when the server's user owns it,
   * 0640 or less when root does); `none` is no check (PgBouncer). `permissionEffect` ends the message.
   */
  keyPermissions: 'postgres' | 'none';
  permissionEffect: string;
  /** Said after "Renew it … and": how the product picks up a renewed file of `role` ("restart Pgpool-II"). */
  renew(role: FileRole): string;
  /** The same `ca` file also verifies the servers behind the product (Pgpool-II's `ssl_ca_cert` verifies backends). */
  caAlsoVerifiesBackends: boolean;
}

/** One run of the file checks: the language's context, the profile, the settings of each role and where they resolve. */
export interface TlsFilesContext {
  ctx: ValidateContext;
  /** The configuration file's path (for the path mappings). */
  configPath: string;
  /** The folder relative paths start at; `undefined` when the product opens them from a folder pgtls does not know. */
  baseDir: string | undefined;
  profile: ServerTlsProfile;
  files: Partial<Record<FileRole, TlsFileSetting>>;
  /** Reports a finding at a setting. */
  report(rule: RuleMeta, at: TlsFileSetting, message: string, extra?: FindingExtra): void;
}

/** A context for `files` of one side, reporting at each setting's span. */
export function tlsFilesContext(
  ctx: ValidateContext, configPath: string, baseDir: string | undefined, profile: ServerTlsProfile,
  files: Partial<Record<FileRole, TlsFileSetting>>,
): TlsFilesContext {
  return { ctx, configPath, baseDir, profile, files, report: (rule, at, message, extra) => ctx.report(rule, at.span, message, extra) };
}
