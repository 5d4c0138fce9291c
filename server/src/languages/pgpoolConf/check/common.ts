/**
 * What the parameter checks (params.ts, values.ts, cross.ts) share: the state of one validation run (`ParamCheck`)
 * and the helpers that write values, lists and quick fixes into messages the same way everywhere.
 */
import type { Reporter } from '../../../core/rules';
import type { Fix, SourceDocument } from '../../../core/types';
import type { Catalogue } from '../catalogue';
import type { Assignment } from '../model';

/** The message and the did-you-mean candidates for an unknown key (computed once per key and validation). */
export interface UnknownAdvice {
  message: string;
  replacements: string[];
  preferFirst: boolean;
}

/** One validation run of the parameter checks: the document, the catalogue of the selected version, the reporter. */
export interface ParamCheck {
  doc: SourceDocument;
  cat: Catalogue;
  /** The Pgpool-II version the file is checked against (normalised `pgtls.pgpoolVersion`). */
  version: string;
  report: Reporter;
  /** Per-validation caches. */
  unknownAdvice: Map<string, UnknownAdvice>;
  /** The file's statements, for messages that depend on other lines (what old mode settings meant). */
  assignments?: readonly Assignment[];
}

/** `a`, `b` or `c`. */
export const orList = (items: readonly string[]): string =>
  items.length <= 1 ? items.map(i => `\`${i}\``).join('') : `${items.slice(0, -1).map(i => `\`${i}\``).join(', ')} or \`${items[items.length - 1]}\``;
export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
/** A file path in backticks, never shortened. */
export const pathCode = (s: string): string => `\`${s}\``;
/** A value in backticks, cut after `max` characters. */
export const code = (s: string, max = 60): string => `\`${s.length > max ? `${s.slice(0, max)}…` : s}\``;
/** The value as written: a quoted string keeps its quotes. */
export const valueText = (a: Assignment): string => (a.valueKind === 'string' ? `'${a.value}'` : a.value);
/** A fix that replaces the value, keeping its quotes. */
export const replaceValue = (a: Assignment, newText: string, title: string, preferred = false): Fix =>
  ({ title, edits: [{ span: a.valueSpan, newText: a.valueKind === 'string' ? `'${newText}'` : newText }], ...(preferred ? { preferred } : {}) });
