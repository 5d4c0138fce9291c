/**
 * The YAML mode: Kubernetes resources of the three PostgreSQL operators, cert-manager and core Secrets in any
 * `.yaml`/`.yml` file. Only documents that are ours (detect.ts, and kinds of users' CRDs) get diagnostics; a file with
 * none of them gets none at all, since we live beside the YAML extension.
 *
 * Per document: YAML syntax errors (once, and nothing else for that document), then the document-local checks (data
 * conversion limits, duplicate keys, schema, the rule modules' `checkDocument`), memoised on the document while its
 * text is unchanged, then the live checks (workspace lookups) on every run. Templated (Helm) documents are skipped.
 */
import type { LanguageMode, ValidateContext } from '../../core/language';
import type { Finding, Fix, RuleMeta, SourceDocument, Span } from '../../core/types';
import { dataOf } from './data';
import { customKinds, type CustomKind } from './crd';
import { complete } from './complete';
import { definition } from './definition';
import { hover } from './hover';
import { RULE_MODULES } from './modules';
import type { DocumentContext, ReportExtra, Resource, ResourceKind } from './modules/types';
import { parseK8s, type K8sDocument, type K8sFile } from './parse';
import { K8S_BASE_RULES, SCHEMA_RULES, YAML_RULES } from './rules';
import { checkSchema, type SchemaSubject } from './schemaCheck';
import { builtinSchema, builtinValidator } from './schemas';
import { WorkspaceResources } from './workspace';

export type { K8sFile } from './parse';

export const k8sMode: LanguageMode<K8sFile> = {
  id: 'yaml',
  rules: [...K8S_BASE_RULES, ...RULE_MODULES.flatMap(m => m.rules)],
  // The façade hands back the previous parse of the same document (see service.ts): unchanged documents are reused.
  parse: ((doc: SourceDocument, previous?: K8sFile) => parseK8s(doc.text, previous)) as LanguageMode<K8sFile>['parse'],
  validate: validateK8s,
  hover,
  complete,
  definition,
};

/** Shifts a document-relative finding into the file. */
function shift(f: Finding, base: number): Finding {
  const s = (sp: Span): Span => [sp[0] + base, sp[1] + base];
  const out: Finding = { ...f, span: s(f.span) };
  if (f.fixes) {
    out.fixes = f.fixes.map(x => {
      const fix: Fix = { ...x, edits: x.edits.map(e => ({ ...e, span: s(e.span) })) };
      if (x.command) fix.command = { ...x.command, ...(x.command.arguments ? { arguments: x.command.arguments.map(a => shiftArg(a, base)) } : {}) };
      return fix;
    });
  }
  return out;
}

/** A command argument that names a document offset (`FixCommand` convention) moves with the spans. */
function shiftArg(a: unknown, base: number): unknown {
  if (!a || typeof a !== 'object' || Array.isArray(a)) return a;
  const offset = (a as { offset?: unknown }).offset;
  return typeof offset === 'number' ? { ...a, offset: offset + base } : a;
}

function validateK8s(doc: SourceDocument, file: K8sFile, ctx: ValidateContext): void {
  if (!file.hasBuiltinTarget && !file.mayBeCustom) return;
  const workspace = new WorkspaceResources(ctx, doc.path, file);
  // Users' CRDs: always for custom groups; for our own kinds (a user's newer CRD wins) only where looking is cheap,
  // i.e. the language server's cached index or an explicit pgtls.crdPaths, not a re-parse of every sibling file.
  const lookForCrds = file.mayBeCustom || !!ctx.env.workspace || (ctx.settings.crdPaths?.length ?? 0) > 0;
  const custom = lookForCrds ? customKinds(ctx, workspace) : undefined;
  // "Not checked" notes are said once per file, not once per resource.
  const notCheckedSaid = new Set<string>();
  const emit = (f: Finding) => {
    if (f.rule === SCHEMA_RULES.celNotChecked.id) {
      if (notCheckedSaid.has(f.message)) return;
      notCheckedSaid.add(f.message);
    }
    report(f);
  };
  const report = (f: Finding) => ctx.report(f.rule, f.span, f.message, {
    ...(f.severity ? { severity: f.severity } : {}), ...(f.fixes ? { fixes: f.fixes } : {}), ...(f.related ? { related: f.related } : {}),
  });

  for (const d of file.documents) {
    const part = d.part;
    const gvk = `${part.header.apiVersion} ${part.header.kind}`;
    const customKind = custom?.get(gvk);
    if (!part.target && !customKind) continue;
    if (part.templated) continue; // Helm: not YAML until rendered; never a false error
    try {
      if (part.tooDeep) {
        emit(shift({ rule: YAML_RULES.tooComplex.id, span: firstLine(part.source), message: `This document is nested more than 200 levels deep; kubectl would not read it either, and pgtls does not validate it. Flatten it.` }, d.base));
        continue;
      }
      if (part.errors.length) {
        for (const f of syntaxFindings(part.errors, part.source)) emit(shift(f, d.base));
        continue;
      }
      if (!part.doc) continue;
      const kind: ResourceKind = customKind?.kind ?? { ...part.target!, operator: part.target!.operator };
      const resource: Resource = { path: doc.path, doc: d, yaml: part.doc, kind, header: part.header, data: dataOf(part).value };
      for (const f of localFindings(d, resource, customKind, ctx)) emit(shift(f, d.base));
      for (const m of RULE_MODULES) {
        if (!m.checkLive || !m.appliesTo(resource)) continue;
        m.checkLive(resource, {
          settings: ctx.settings, env: ctx.env, workspace,
          report: (rule, span, message, extra) => emit(shift(finding(rule, span, message, extra), d.base)),
        });
      }
    } catch (e) {
      emit(shift({ rule: 'pgtls/internal-error', span: firstLine(part.source), message: `pgtls failed on this document (${e instanceof Error ? e.message : String(e)}); please report it with the file attached.` }, d.base));
    }
  }
}

function finding(rule: RuleMeta, span: Span, message: string, extra?: ReportExtra): Finding {
  const f: Finding = { rule: rule.id, span, message };
  if (extra?.severity) f.severity = extra.severity;
  if (extra?.fixes) f.fixes = extra.fixes;
  if (extra?.related) f.related = extra.related.map(r => ({ file: r.place.file, span: r.place.span, message: r.message }));
  return f;
}

/**
 * The document-local findings, memoised on the document: they depend only on its text, the schema (ours, or the
 * CRD's, identified by `customKind.stamp`) and the settings.
 */
function localFindings(d: K8sDocument, r: Resource, customKind: CustomKind | undefined, ctx: ValidateContext): Finding[] {
  const key = `local\0${customKind?.stamp ?? ''}\0${ctx.settings.expiryWarningDays}`;
  const hit = d.part.memo.get(key) as Finding[] | undefined;
  if (hit) return hit;
  const out: Finding[] = [];
  const data = dataOf(d.part);
  if (data.overflow) {
    out.push({ rule: YAML_RULES.tooComplex.id, span: data.overflow, message: `The aliases of this document expand to more than ${200_000} values (a "billion laughs" document); kubectl refuses such documents ("excessive aliasing") and pgtls does not validate it.` });
  } else {
    for (const dup of data.duplicates) {
      out.push({ rule: YAML_RULES.duplicateKey.id, span: dup.span, message: `\`${dup.key}\` is already set in this map: kubectl's strict field validation rejects the duplicate, and other clients keep only the last value. Remove one of them.` });
    }
    const subject = schemaSubject(r, customKind, ctx);
    if (subject) out.push(...checkSchema(subject));
    if (customKind) out.push(...customKind.checkCel(r));
    const dctx: DocumentContext = { settings: ctx.settings, report: (rule, span, message, extra) => out.push(finding(rule, span, message, extra)) };
    for (const m of RULE_MODULES) if (m.checkDocument && m.appliesTo(r)) m.checkDocument(r, dctx);
  }
  // Keep only the newest variant per document: settings or CRD changes would otherwise pile up.
  for (const k of [...d.part.memo.keys()]) if (k.startsWith('local\0')) d.part.memo.delete(k);
  d.part.memo.set(key, out);
  return out;
}

function schemaSubject(r: Resource, customKind: CustomKind | undefined, ctx: ValidateContext): SchemaSubject | undefined {
  if (customKind) return customKind.validate ? { part: r.doc.part, title: r.kind.title, schema: customKind.schema, validate: customKind.validate } : undefined;
  const t = r.doc.part.target!;
  const schema = builtinSchema(ctx.env, t.schema);
  const validate = builtinValidator(t.schema);
  return schema && validate ? { part: r.doc.part, title: t.title, schema, validate } : undefined;
}

/**
 * Syntax errors of one document, each reported once: the parser often reports one mistake several times (e.g. a bad
 * indentation and the unterminated collection it causes); only the first error of each line is kept, at most five.
 */
function syntaxFindings(errors: readonly { code: string; span: Span; message: string }[], source: string): Finding[] {
  const out: Finding[] = [];
  const lines = new Set<number>();
  const lineOf = (offset: number) => {
    let n = 0;
    for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) n++;
    return n;
  };
  for (const e of errors) {
    const line = lineOf(e.span[0]);
    if (lines.has(line)) continue;
    lines.add(line);
    out.push({ rule: YAML_RULES.syntaxError.id, span: e.span[1] > e.span[0] ? e.span : [e.span[0], e.span[0] + 1], message: `${e.message.replace(/\.?$/, '.')} kubectl cannot read this document (${e.code}).` });
    if (out.length >= 5) break;
  }
  return out;
}

function firstLine(source: string): Span {
  const start = source.search(/\S/);
  const s = start < 0 ? 0 : start;
  const nl = source.indexOf('\n', s);
  return [s, nl < 0 ? source.length : nl];
}

