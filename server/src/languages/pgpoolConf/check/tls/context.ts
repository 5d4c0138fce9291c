/**
 * What the TLS checks share: the effective-setting view (with included files), where to report a setting, and the
 * message helpers.
 */
import type { ValidateContext } from '../../../../core/language';
import type { FindingExtra } from '../../../../core/rules';
import type { RuleMeta, SourceDocument, Span } from '../../../../core/types';
import type { PgpoolConfFile } from '../../model';
import type { Setting } from '../../effective';
import { code as quote } from '../common';

export type { Setting } from '../../effective';
export { isAbsolute, resolveConfPath } from '../../effective';

/** What the TLS checks share. */
export interface TlsContext {
  doc: SourceDocument;
  file: PgpoolConfFile;
  ctx: ValidateContext;
  /** The folder Pgpool-II resolves relative `ssl_cert`, `ssl_key`, `ssl_ca_cert` and `ssl_crl_file` against. */
  confDir: string;
  /** The winning setting of `key`, from this file or an included one. */
  get(key: string): Setting | undefined;
  /** Reports through `ctx.report`, at a span or at a setting (see `spanOf`). */
  report(rule: RuleMeta, at: Setting | Span, message: string, extra?: FindingExtra): void;
}

/** `key` in backticks, with the included file it comes from. */
export function keyRef(s: Setting): string {
  return s.via ? `\`${s.a.key}\` (set in ${code(s.via.path)})` : `\`${s.a.key}\``;
}

/** What Pgpool-II does when `SSL_ServerSide_init` fails: the end of every "no TLS at all" message. */
export const OFF = 'Pgpool-II only logs a WARNING at start and then turns SSL off for every client';

/** A path or cipher string in backticks; these run longer than parameter values, so the cut is later. */
export const code = (s: string): string => quote(s, 80);

/** The span to report a setting at: its value (quotes included), or its key when the value is missing. */
export function spanOf(s: Setting): Span {
  if (s.via) return s.via.include.valueSpan[1] > s.via.include.valueSpan[0] ? s.via.include.valueSpan : s.via.include.keySpan;
  return s.a.valueSpan[1] > s.a.valueSpan[0] ? s.a.valueSpan : s.a.keySpan;
}
