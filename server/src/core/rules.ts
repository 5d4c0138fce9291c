/**
 * The one way to declare and report a rule. Every language declares its rules with `defineRules(scope, {...})`
 * (the key is the rule's kebab-case name, the id is `scope/name`), and every check reports through a `Reporter`
 * that takes the declared `RuleMeta` object, never a string: a misspelt rule is a type error, not a run-time one.
 * `toFinding` is the only place that turns a report into a `Finding`, so no extra (severity, fixes, tags, related
 * places) is dropped on one path and kept on another.
 */
import type { Finding, RuleMeta, Severity, Span } from './types';

/** What a rule declaration holds besides its name. */
export interface RuleSpec {
  /** Default severity; users override it with `pgtls.rules`. */
  severity: Severity;
  /** One line for the README rule table (and the hover on the diagnostic code). */
  description: string;
  /** Where the behaviour comes from (Pgpool-II source function, PostgreSQL docs, the operator's code, ...). */
  source: string;
}

/** The rules of one scope, keyed by rule name; `R['syntax-error'].id === 'pgpool-conf/syntax-error'`. */
export type RuleTable<S extends string, T extends Record<string, RuleSpec>> = {
  readonly [K in keyof T & string]: RuleMeta & { readonly id: `${S}/${K}` };
};

/**
 * Declares the rules of a scope. Names are kebab-case (`ssl-cert-required`); the table is frozen so that the registry
 * and every report see the same objects.
 */
export function defineRules<const S extends string, const T extends Record<string, RuleSpec>>(scope: S, specs: T): RuleTable<S, T> {
  const out: Record<string, RuleMeta> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) throw new Error(`rule name ${scope}/${name} is not kebab-case`);
    out[name] = Object.freeze({ id: `${scope}/${name}`, severity: spec.severity, description: spec.description, source: spec.source });
  }
  return Object.freeze(out) as RuleTable<S, T>;
}

/** The rules of one or more tables, in declaration order, for a language's `rules` list. */
export function rulesOf(...tables: readonly Readonly<Record<string, RuleMeta>>[]): RuleMeta[] {
  return tables.flatMap(t => Object.values(t));
}

/** What a report may carry besides the rule, the span and the message. */
export interface FindingExtra {
  /** Overrides the rule's default severity for this finding. */
  severity?: Severity;
  fixes?: Finding['fixes'];
  /** Rendered faded (`unnecessary`) or struck through (`deprecated`) by editors. */
  tags?: Finding['tags'];
  /** Places in other files (or elsewhere in this one) that explain the finding. */
  related?: Finding['related'];
}

/** How every check reports. Spans are offsets in the domain of whoever handed out the reporter. */
export type Reporter = (rule: RuleMeta, span: Span, message: string, extra?: FindingExtra) => void;

/** The one conversion of a report into a `Finding`; empty lists are left out so that findings compare equal. */
export function toFinding(rule: RuleMeta, span: Span, message: string, extra?: FindingExtra): Finding {
  const f: Finding = { rule: rule.id, span, message };
  if (extra?.severity) f.severity = extra.severity;
  if (extra?.fixes?.length) f.fixes = extra.fixes;
  if (extra?.tags?.length) f.tags = extra.tags;
  if (extra?.related?.length) f.related = extra.related;
  return f;
}

/** The extras of a finding, to report it again through another reporter (e.g. from an embedded text into its host). */
export function extraOf(f: Finding): FindingExtra {
  const e: FindingExtra = {};
  if (f.severity) e.severity = f.severity;
  if (f.fixes?.length) e.fixes = f.fixes;
  if (f.tags?.length) e.tags = f.tags;
  if (f.related?.length) e.related = f.related;
  return e;
}

/**
 * Moves a finding by `base` characters (a text embedded at `base` in a larger one): its span, its fix edits, and the
 * `offset` of fix-command arguments (`FixCommand` convention). Related places name their own file and do not move.
 */
export function shiftFinding(f: Finding, base: number): Finding {
  if (base === 0) return f;
  const s = (sp: Span): Span => [sp[0] + base, sp[1] + base];
  const out: Finding = { ...f, span: s(f.span) };
  if (f.fixes) {
    out.fixes = f.fixes.map(x => {
      const fix = { ...x, edits: x.edits.map(e => ({ ...e, span: s(e.span) })) };
      if (x.command?.arguments) fix.command = { ...x.command, arguments: x.command.arguments.map(a => shiftArg(a, base)) };
      return fix;
    });
  }
  return out;
}

function shiftArg(a: unknown, base: number): unknown {
  if (!a || typeof a !== 'object' || Array.isArray(a)) return a;
  const offset = (a as { offset?: unknown }).offset;
  return typeof offset === 'number' ? { ...a, offset: offset + base } : a;
}

/** Rules of the core itself, independent of any language. */
export const CORE = defineRules('pgtls', {
  'binary-file': { severity: 'warning', description: 'A NUL byte. In pgpool.conf, postgresql.conf, the hba files and pg_ident.conf, whose parsers read NUL bytes as the servers do, the first one, with what the server does with it (a file saved as UTF-16 says so); their other findings carry the verdict. The other files are not validated; a Kubernetes manifest with a NUL byte is an error, since kubectl refuses the whole file ("control characters are not allowed").', source: 'pgtls (core/fileGuard.ts); checked with Pgpool-II 4.3.5, PostgreSQL 15 and kubectl' },
  'file-too-large': { severity: 'warning', description: 'The file is larger than pgtls validates (16 Mi characters) and is not validated (a YAML file only when it looks like a Kubernetes manifest).', source: 'pgtls (core/fileGuard.ts)' },
  'internal-error': { severity: 'error', description: 'pgtls failed on this file; please report it with the file attached.', source: 'pgtls' },
  'suppression-unknown-rule': { severity: 'warning', description: 'A pgtls-disable, pgtls-disable-next-line or pgtls-enable comment names a rule id pgtls does not have (a typo, or a rule of another tool), or an id of another kind of file that silences nothing here (pool-hba/… in a pg_hba.conf), so it silences nothing; the closest ids, or the rule of that name for this file, are suggested.', source: 'pgtls (core/suppress.ts)' },
  'suppression-unused': { severity: 'warning', description: 'A suppression comment, or a rule id in it, that silences nothing (no such problem on the next line or after it) or a pgtls-enable with nothing disabled: remove it, so that it does not hide a problem later.', source: 'pgtls (core/suppress.ts)' },
  'too-many-problems': { severity: 'info', description: 'The file has more problems than `pgtls.maxProblems` (`--max-problems`, default 1000): the first ones are reported (errors first, then warnings, notes and hints), and this note counts the rest. Fix the reported ones, or raise the limit, to see them.', source: 'pgtls (service.ts)' },
  'path-not-checked': { severity: 'info', description: 'An absolute path the configuration names is outside the workspace and not on this machine (most likely a path where the server runs), so its file is not checked; `pgtls.pathMappings` or `--path-map FROM=TO` maps it to a local folder.', source: 'pgtls (core/deployPaths.ts)' },
});
export const CORE_RULES: readonly RuleMeta[] = rulesOf(CORE);
