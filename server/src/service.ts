/**
 * The pure façade of pgtls: the language server, the CLI and the tests all go through `createService(env)`, and
 * through `loadCertService(env)` (or certService.ts directly) for certificates.
 * It owns no cache; callers keep the parsed file per document version and hand it back.
 */
import type { CertEnv, CertService } from './certService';
import type { DefinitionLocation, FeatureContext, LanguageMode, SeenTlsFile, TlsFileAt, ValidateContext } from './core/language';
import { LANGUAGE_TABLE, languageOf } from './core/languages';
import { CORE, toFinding } from './core/rules';
import type { Severity } from './core/types';
import { applyEdits, lineDiff, selectAutoFixes } from './core/fixAll';
import { applySuppressions, suppressionFixes } from './core/suppress';
import { nulNotice, skipReason } from './core/fileGuard';
import { plainMessage } from './core/text';
import { createTextCache } from './core/textCache';
import { MODES, RULES } from './languages/registry';
import { fileLenses, secretLenses, type CertLens } from './tlsFiles/expiry';
import { tlsFileAt } from './tlsFiles';
import { tlsConfigEdit, type TlsConfigEdit } from './tlsFiles/configEdit';
import type { FoldSpan, FormatOptions, OutlineSymbol, PathLink } from './core/structure';
import type {
  CompletionResult, Finding, Fix, HoverResult, LanguageId, Problem, RuleMeta, ServiceEnv, Settings, SourceDocument, Span, TextEdit, TlsFilePaths,
} from './core/types';

export type { DefinitionLocation, SeenTlsFile, TlsFileAt } from './core/language';
export { LANGUAGE_TABLE, languageOf } from './core/languages';
// The vocabulary the front ends need from the core: offsets to lines, and the settings spec (normalisation, CLI flags).
export { LineIndex } from './core/text';
export { SETTINGS_SPEC, SETTING_KEYS, defaultSettings, flagTakesValue, normalizeSettings, settingFromFlag, settingOfFlag, unknownRuleIds, unknownRulesMessage } from './core/settings';
export type { CertEnv, CertService } from './certService';
export type { CertLens } from './tlsFiles/expiry';
export type { TlsConfigEdit } from './tlsFiles/configEdit';
export type { FoldSpan, FormatOptions, OutlineSymbol, PathLink } from './core/structure';

/**
 * The certificate half of the façade (certService.ts: presets of resources, certificate sets as data, inspection),
 * loaded on first use: the bundler turns this dynamic import into a lazily initialised module, so the language
 * server's start does not evaluate the certificate code (@peculiar/x509 and its ASN.1 modules). The CLI imports
 * certService.ts directly.
 */
export async function loadCertService(env: CertEnv): Promise<CertService> {
  const { createCertService } = await import('./certService');
  return createCertService(env);
}

export { MAX_FILE_CHARS } from './core/fileGuard';
export { RunIndex, type RunIndexIo, type RunIndexOptions } from './languages/k8s/runIndex';

/** A parsed document, opaque to callers. */
export interface ParsedFile {
  readonly languageId: LanguageId;
  readonly version: number | undefined;
  /** Set when the text is not validated at all (binary, too large). */
  readonly skipped?: Finding;
  /** The skip is not reported (a YAML file that does not look like one of ours). */
  readonly silent?: boolean;
  readonly file: unknown;
}

export interface Service {
  /** The language of a file, chosen by its name; `undefined` for files pgtls does not handle. */
  languageOf(path: string): LanguageId | undefined;
  /**
   * Parses a document. `previous` is the caller's last parse of the same document (any version): a language may reuse
   * the unchanged parts of it (YAML re-parses only the documents whose text changed).
   */
  parse(doc: SourceDocument, previous?: ParsedFile): ParsedFile;
  validate(doc: SourceDocument, parsed: ParsedFile, settings: Settings): Problem[];
  hover(doc: SourceDocument, parsed: ParsedFile, offset: number, settings: Settings): HoverResult | undefined;
  complete(doc: SourceDocument, parsed: ParsedFile, offset: number, settings: Settings): CompletionResult[];
  /**
   * Where the reference under `offset` leads: the Secret, Issuer or ClusterIssuer it names, found in the workspace
   * (`env.workspace`, else the files beside the document). Empty when the cursor is on no reference or nothing is found.
   */
  definition(doc: SourceDocument, parsed: ParsedFile, offset: number, settings: Settings): DefinitionLocation[];
  /** Quick fixes of the problems that touch `span`: edits, commands (`Fix.command`, e.g. command-only fixes) or both. */
  fixes(problems: readonly Problem[], span: Span): { problem: Problem; fix: Fix }[];
  /**
   * The suppression comments that silence each of `problems` (core/suppress.ts: for its line, for the whole file), as
   * fixes, one list per problem; empty where the language has no comments, and for the findings about suppression
   * comments themselves.
   */
  suppressions(doc: SourceDocument, parsed: ParsedFile, problems: readonly Problem[]): Fix[][];
  /**
   * "Fix all auto-fixable problems": every problem's auto fix (core/fixAll.ts) applied together, then the file
   * validated again and fixed again while that fixes more (at most a few passes), as edits of `doc.text`; `fixed`
   * counts the problems fixed.
   */
  fixAll(doc: SourceDocument, parsed: ParsedFile, settings: Settings): { edits: TextEdit[]; fixed: number };
  /** Every registered rule. */
  rules(): RuleMeta[];
  /**
   * The certificate expiry lenses of a document (tlsFiles/expiry.ts): Secret certificate keys in YAML, the certificate
   * and CA files a configuration's settings name (found by running its checks with nothing reported). Empty when the
   * `certificateLenses` setting is off.
   */
  certLenses(doc: SourceDocument, parsed: ParsedFile, settings: Settings): CertLens[];
  /** The outline of a document; empty for a language without one or a file pgtls does not read (binary, too large). */
  symbols(doc: SourceDocument, parsed: ParsedFile): OutlineSymbol[];
  /** Folding regions; `undefined` when the editor's own folding should apply. */
  folding(doc: SourceDocument, parsed: ParsedFile): FoldSpan[] | undefined;
  /** Formatting edits (non-overlapping, in text order); empty when nothing changes or the language does not format. */
  format(doc: SourceDocument, parsed: ParsedFile, options: FormatOptions): TextEdit[];
  /** Links from the paths a document names to the local files they lead to. */
  links(doc: SourceDocument, parsed: ParsedFile, settings: Settings): PathLink[];
  /** The languages that format (the glue offers formatting for these only, not for every YAML file). */
  formattingLanguages(): LanguageId[];
  /**
   * The TLS files a configuration's settings name, as its checks locate them (`ValidateContext.onTlsFile`, reported by
   * tlsFiles/files.ts): the TLS map's facts about pgpool.conf, postgresql.conf and pgbouncer.ini. Empty for YAML.
   */
  tlsFiles(doc: SourceDocument, parsed: ParsedFile, settings: Settings): SeenTlsFile[];
  /**
   * The TLS file named by the certificate, key, CA or CRL path value under `offset` (tlsFiles/paths.ts), located as the
   * checks locate it, with its text when pgtls can read it: what Inspect Certificate opens. `undefined` off such a value.
   */
  tlsFileAt(doc: SourceDocument, parsed: ParsedFile, offset: number, settings: Settings): TlsFileAt | undefined;
  /**
   * The edits that point a pgpool.conf, postgresql.conf or pgbouncer.ini at certificate files (tlsFiles/configEdit.ts):
   * TLS on, the certificate, key and CA settings, paths written as the server resolves them. `undefined` for another
   * language or a file pgtls does not read.
   */
  tlsConfigEdit(doc: SourceDocument, parsed: ParsedFile, files: TlsFilePaths, settings: Settings): TlsConfigEdit | undefined;
}

const byId = new Map<LanguageId, LanguageMode>(MODES.map(m => [m.id, m]));

/** The sibling parses one service keeps across runs: up to 8 Mi characters of their texts (a parse holds many times its text), 1,024 files. */
const SIBLING_CACHE_CHARS = 8 * 1024 * 1024;
const SIBLING_CACHE_ENTRIES = 1024;

export function createService(env: ServiceEnv): Service {
  const parsedSiblings = createTextCache<{ doc: SourceDocument; file: unknown } | undefined>(SIBLING_CACHE_CHARS, SIBLING_CACHE_ENTRIES);
  const parse = (doc: SourceDocument, previous?: ParsedFile): ParsedFile => {
    const mode = byId.get(doc.languageId);
    if (!mode) throw new Error(`unknown language ${doc.languageId}`);
    // The size and binary guards (core/fileGuard.ts); a YAML file that is not a manifest is skipped silently.
    const skip = skipReason(mode, doc.text);
    if (skip) return { languageId: doc.languageId, version: doc.version, file: undefined, skipped: skip.finding, ...(skip.silent ? { silent: true } : {}) };
    try {
      const reuse = previous && previous.languageId === doc.languageId && !previous.skipped ? previous.file : undefined;
      return { languageId: doc.languageId, version: doc.version, file: mode.parse(doc, reuse) };
    } catch (e) {
      return { languageId: doc.languageId, version: doc.version, file: undefined, skipped: internalError('parsing', e) };
    }
  };

  /**
   * A `parseSibling` that reads each sibling file once per validation run or feature request, and parses it again
   * only when its text changed since an earlier run (`parsedSiblings`: a 2 MB CRD of `pgtls.crdPaths` is not parsed
   * on every keystroke).
   */
  const siblingParser = (): ValidateContext['parseSibling'] => {
    const siblings = new Map<string, { doc: SourceDocument; file: unknown } | undefined>();
    return <T>(path: string, languageId: LanguageId) => {
      const key = `${languageId}\0${path}`;
      if (!siblings.has(key)) {
        const text = env.readText(path);
        let entry: { doc: SourceDocument; file: unknown } | undefined;
        if (text !== undefined && !skipReason(byId.get(languageId)!, text)) {
          entry = parsedSiblings.get(key, text, () => {
            const sdoc: SourceDocument = { path, text, languageId };
            try { return { doc: sdoc, file: byId.get(languageId)!.parse(sdoc) }; } catch { return undefined; }
          });
        }
        siblings.set(key, entry);
      }
      return siblings.get(key) as { doc: SourceDocument; file: T } | undefined;
    };
  };
  const featureContext = (settings: Settings): FeatureContext => ({ settings, env, parseSibling: siblingParser() });

  const validate = (doc: SourceDocument, parsed: ParsedFile, settings: Settings): Problem[] => {
    const findings: Finding[] = [];
    if (parsed.skipped && parsed.silent) return [];
    if (parsed.skipped) findings.push(parsed.skipped);
    else {
      const mode = byId.get(parsed.languageId)!;
      const nul = nulNotice(mode, doc.text);
      if (nul) findings.push(nul);
      const ctx: ValidateContext = {
        settings, env,
        parseSibling: siblingParser(),
        report(rule, span, message, extra) {
          if (RULES.get(rule.id) !== rule) throw new Error(`rule ${rule.id} is not registered`);
          findings.push(toFinding(rule, span, message, extra));
        },
      };
      try {
        mode.validate(doc, parsed.file, ctx);
      } catch (e) {
        findings.push(internalError('validation', e));
      }
      return finalize(suppress(doc, parsed, findings), settings, doc.text.length);
    }
    return finalize(findings, settings, doc.text.length);
  };

  /** The suppression comments applied (before the settings, so a comment for a rule turned off still counts as used). */
  const suppress = (doc: SourceDocument, parsed: ParsedFile, findings: Finding[]): Finding[] => {
    const mode = byId.get(parsed.languageId)!;
    return applySuppressions(findings, {
      text: doc.text,
      prefixes: LANGUAGE_TABLE[parsed.languageId].lineComments,
      known: id => RULES.has(id),
      ids: () => RULES.keys(),
      ...(mode.commentAnchor ? { anchor: (offset: number) => mode.commentAnchor!(parsed.file, offset) } : {}),
      ...(mode.checksAt ? { checked: (offset: number) => mode.checksAt!(parsed.file, offset) } : {}),
      local: id => localRule(mode, id),
    });
  };

  return {
    languageOf,
    parse,
    validate,
    hover(doc, parsed, offset, settings) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.hover || parsed.skipped) return undefined;
      try { return mode.hover(doc, parsed.file, offset, featureContext(settings)); } catch { return undefined; }
    },
    complete(doc, parsed, offset, settings) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.complete || parsed.skipped) return [];
      try { return mode.complete(doc, parsed.file, offset, featureContext(settings)); } catch { return []; }
    },
    definition(doc, parsed, offset, settings) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.definition || parsed.skipped) return [];
      try { return mode.definition(doc, parsed.file, offset, featureContext(settings)); } catch { return []; }
    },
    fixes(problems, span) {
      const out: { problem: Problem; fix: Fix }[] = [];
      for (const p of problems) {
        if (p.span[1] < span[0] || p.span[0] > span[1]) continue;
        // A fix is edits, a command (FixCommand), or both; one with neither does nothing and is not offered.
        for (const fix of p.fixes ?? []) if (fix.edits.length || fix.command) out.push({ problem: p, fix });
      }
      return out;
    },
    suppressions(doc, parsed, problems) {
      if (parsed.skipped) return problems.map(() => []);
      const mode = byId.get(parsed.languageId)!;
      const targets = problems.map(p => {
        const anchor = mode.commentAnchor?.(parsed.file, p.span[0]);
        return { rule: p.rule, span: p.span, ...(anchor !== undefined ? { anchor } : {}) };
      });
      const fixes = suppressionFixes(doc.text, LANGUAGE_TABLE[parsed.languageId].lineComments, targets);
      return fixes.map((f, i) => (NOT_SUPPRESSIBLE.has(problems[i]!.rule) ? [] : f));
    },
    fixAll(doc, parsed, settings) {
      let current = doc, file = parsed, fixed = 0, first: TextEdit[] = [], passes = 0;
      for (; passes < FIX_PASSES; passes++) {
        const step = selectAutoFixes(validate(current, file, settings), current.text.length);
        if (!step.edits.length) break;
        if (passes === 0) first = step.edits;
        fixed += step.fixed;
        current = { ...current, text: applyEdits(current.text, step.edits), version: undefined };
        file = parse(current, file);
      }
      return { edits: passes <= 1 ? first : lineDiff(doc.text, current.text), fixed };
    },
    rules: () => [...RULES.values()],
    tlsFileAt(doc, parsed, offset, settings) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.tlsPaths || parsed.skipped) return undefined;
      const ctx = featureContext(settings);
      try { return tlsFileAt(ctx, doc.path, mode.tlsPaths(doc, parsed.file, ctx), offset); } catch { return undefined; }
    },
    tlsConfigEdit(doc, parsed, files, settings) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.tlsWriter || parsed.skipped) return undefined;
      const ctx = featureContext(settings);
      try { return tlsConfigEdit(ctx, doc, mode.tlsWriter(doc, parsed.file, ctx), files); } catch { return undefined; }
    },
    ...structureFeatures(featureContext),
    ...tlsFileFeatures(env, siblingParser),
  };
}

/** What the checks locate of a configuration's TLS files: the expiry lenses and the TLS map's facts. */
function tlsFileFeatures(env: ServiceEnv, siblingParser: () => ValidateContext['parseSibling']): Pick<Service, 'certLenses' | 'tlsFiles'> {
  /** The TLS files a run of the checks located (a crash ends the list: it is the validation's pgtls/internal-error). */
  const seenBy = (doc: SourceDocument, parsed: ParsedFile, settings: Settings): SeenTlsFile[] => {
    const seen: SeenTlsFile[] = [];
    try {
      const ctx: ValidateContext = { settings, env, parseSibling: siblingParser(), report: () => undefined, onTlsFile: f => seen.push(f) };
      byId.get(parsed.languageId)!.validate(doc, parsed.file, ctx);
    } catch {
      // keep what was seen before it
    }
    return seen;
  };
  return {
    certLenses(doc, parsed, settings) {
      if (!settings.certificateLenses || parsed.skipped) return [];
      try {
        return parsed.languageId === 'yaml' ? secretLenses(doc.text, doc.path, env) : fileLenses(seenBy(doc, parsed, settings), env);
      } catch {
        return [];
      }
    },
    tlsFiles: (doc, parsed, settings) => (parsed.skipped || parsed.languageId === 'yaml' ? [] : seenBy(doc, parsed, settings)),
  };
}

/** The structure features (outline, folding, formatting, links): each language's own, guarded like the others. */
function structureFeatures(featureContext: (settings: Settings) => FeatureContext): Pick<Service, 'symbols' | 'folding' | 'format' | 'links' | 'formattingLanguages'> {
  return {
    symbols(doc, parsed) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.symbols || parsed.skipped) return [];
      try { return mode.symbols(doc, parsed.file); } catch { return []; }
    },
    folding(doc, parsed) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.folding || parsed.skipped) return undefined;
      try { return mode.folding(doc, parsed.file); } catch { return undefined; }
    },
    format(doc, parsed, options) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.format || parsed.skipped) return [];
      try { return ordered(mode.format(doc, parsed.file, options)); } catch { return []; }
    },
    links(doc, parsed, settings) {
      const mode = byId.get(parsed.languageId);
      if (!mode?.links || parsed.skipped) return [];
      try { return mode.links(doc, parsed.file, featureContext(settings)); } catch { return []; }
    },
    formattingLanguages: () => MODES.filter(m => m.format).map(m => m.id),
  };
}

/** Edits in text order; none at all when two overlap (an editor refuses the whole set then anyway). */
function ordered(edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.span[0] < sorted[i - 1]!.span[1]) return [];
  return sorted;
}

/** This language's rule named like `id` (a rule of another language), when exactly one has that name. */
function localRule(mode: LanguageMode, id: string): string | undefined {
  if (mode.rules.some(r => r.id === id)) return undefined;
  const name = id.slice(id.indexOf('/') + 1);
  const same = mode.rules.filter(r => r.id.endsWith(`/${name}`));
  return same.length === 1 ? same[0]!.id : undefined;
}

/** Findings that a suppression comment does not help with: pgtls could not check the file, or they are about the comments. */
const NOT_SUPPRESSIBLE: ReadonlySet<string> = new Set([
  CORE['internal-error'].id, CORE['binary-file'].id, CORE['file-too-large'].id, CORE['suppression-unknown-rule'].id, CORE['suppression-unused'].id,
  CORE['too-many-problems'].id,
]);

/** `pgtls.maxProblems`' default, for settings objects made before it existed. */
const DEFAULT_MAX_PROBLEMS = 1000;
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Fix-all stops after this many rounds of fixing and validating again (a fix that keeps producing fixable problems). */
const FIX_PASSES = 5;

function internalError(what: string, e: unknown): Finding {
  const detail = e instanceof Error ? e.message : String(e);
  return {
    rule: CORE['internal-error'].id, span: [0, 0],
    message: `pgtls failed while ${what} this file (${detail}). Nothing else was checked; please report this with the file attached.`,
  };
}

/** A finding's texts (message, fix titles, related places' messages) as plain text, for every front end alike. */
function plainTexts(f: Finding): Finding {
  const out: Finding = { ...f, message: plainMessage(f.message) };
  if (f.fixes) out.fixes = f.fixes.map(x => ({ ...x, title: plainMessage(x.title) }));
  if (f.related) out.related = f.related.map(r => ({ ...r, message: plainMessage(r.message) }));
  return out;
}

/**
 * Applies severity overrides, drops `off` rules, makes the texts plain (no Markdown backticks), removes exact
 * duplicates and sorts by position.
 */
function finalize(findings: Finding[], settings: Settings, length: number): Problem[] {
  const seen = new Set<string>();
  const kept: { f: Finding; span: Span; severity: Severity }[] = [];
  for (const f of findings) {
    const override = settings.rules?.[f.rule];
    if (override === 'off') continue;
    const meta = RULES.get(f.rule) ?? CORE['internal-error'];
    const severity = override ?? f.severity ?? meta.severity;
    const start = Math.max(0, Math.min(f.span[0], length));
    const end = Math.max(start, Math.min(f.span[1], length));
    const key = `${start}:${end}:${f.rule}:${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push({ f, span: [start, end], severity });
  }
  const byPlace = (a: { span: Span; f: Finding }, b: { span: Span; f: Finding }) => a.span[0] - b.span[0] || a.span[1] - b.span[1] || a.f.rule.localeCompare(b.f.rule);
  const max = Math.max(1, settings.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  let shown = kept;
  if (kept.length > max) {
    // the most severe first, each severity in the order of the file; the texts of the rest are never made
    shown = [...kept].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || byPlace(a, b)).slice(0, max);
  }
  const out: Problem[] = shown.sort(byPlace).map(k => ({ ...plainTexts(k.f), span: k.span, severity: k.severity }));
  if (kept.length > max) {
    const rest = kept.length - max;
    const errors = kept.filter(k => k.severity === 'error').length - out.filter(p => p.severity === 'error').length;
    out.unshift({
      rule: CORE['too-many-problems'].id, span: [0, 0], severity: CORE['too-many-problems'].severity,
      message: `${rest} more problem${rest === 1 ? '' : 's'} in this file ${rest === 1 ? 'is' : 'are'} not shown${errors ? ` (${errors} of them error${errors === 1 ? '' : 's'})` : ''}: pgtls reports the first ${max} of each file, errors first. Fix those, or raise pgtls.maxProblems (pgtls check --max-problems N), to see the rest.`,
    });
  }
  return out;
}
