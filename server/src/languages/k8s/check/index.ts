/**
 * The checks of the YAML mode, and THE list of its rule modules. An operator's cross-field rules go into a module of
 * their own (kubedb.ts, percona.ts, cpo.ts, certManager.ts; the Secret rules secretRefs.ts, secretKeys.ts,
 * secretContent.ts, certUsage.ts; embedded.ts runs the embedded languages), listed here; their rule metadata is in
 * ../rules.ts.
 *
 * Only documents that are ours (detect.ts, and kinds of users' CRDs) get diagnostics; a file with none of them gets
 * none at all, since we live beside the YAML extension, except what foreign.ts says about clients and configuration
 * of the workspace's clusters (only in files whose text mentions what it reads, never a schema finding). Per document: YAML syntax errors (once, and nothing else for
 * that document), then the document-local checks (data conversion limits, duplicate keys, schema, the rule modules'
 * `checkDocument`), memoised on the document while its text is unchanged, then the live checks (workspace lookups)
 * on every run. Templated (Helm) documents are skipped.
 *
 * Offsets: the checks report document-relative spans; `atBase` moves each report into the file (spans, fix edits and
 * fix-command offsets, through core/rules.ts's `shiftFinding`) on its way to the context's reporter.
 */
import type { ValidateContext } from '../../../core/language';
import { CORE, extraOf, shiftFinding, toFinding, type Reporter } from '../../../core/rules';
import type { SourceDocument } from '../../../core/types';
import { customKinds, type CustomKind } from '../crd';
import { dataOf, firstLineOf, MAX_VALUES, stringAt } from '../data';
import type { Resource, ResourceKind } from '../model';
import type { K8sDocument, K8sFile, SyntaxError as YamlError } from '../parse';
import { CERT_MANAGER, SCHEMA, YAML } from '../rules';
import { retiredApiVersion } from '../detect';
import type { Part } from '../parse';
import { builtinSchema, builtinValidator } from '../catalogue';
import { PATCH_SILENT, patchUseOf, patchValidator } from '../patches';
import { WorkspaceResources } from '../workspace';
import { certManagerModule } from './certManager';
import { certUsageModule } from './certUsage';
import { certificateNamesModule } from './certificateNames';
import { acmeModule } from './acme';
import { cpoModule } from './cpo';
import { embeddedModule } from './embedded';
import { checkForeign, isForeignCandidate, mayConcernForeign } from './foreign';
import { kubedbModule } from './kubedb';
import { kubedbPostgresModule } from './kubedbPostgres';
import { perconaModule } from './percona';
import { operatorSettingsModule } from './operatorSettings';
import { pgoModule } from './pgo';
import { perconaReleasesModule } from './perconaReleases';
import { perconaV1Module } from './perconaV1';
import { pgo4Module } from './pgo4';
import { zalandoModule } from './zalando';
import { zalandoReleaseModule } from './zalandoRelease';
import { checkSchema, type SchemaSubject } from './schema';
import { secretContentModule } from './secretContent';
import { secretKeysModule } from './secretKeys';
import { secretRefsModule } from './secretRefs';
import { selfSignedModule } from './selfSigned';
import type { DocumentContext, RuleModule } from './types';
import { hold, type Held } from './util';

export const RULE_MODULES: readonly RuleModule[] = [kubedbModule, perconaModule, cpoModule, certManagerModule, secretRefsModule, secretKeysModule,
  certUsageModule, secretContentModule, embeddedModule,
  certificateNamesModule,
  acmeModule, operatorSettingsModule, zalandoModule, pgoModule,
  kubedbPostgresModule,
  selfSignedModule,
  perconaReleasesModule,
  perconaV1Module,
  zalandoReleaseModule,
  pgo4Module,
];

/** A reporter of spans relative to a text that starts at `base` in the file, reporting into `report` in file offsets. */
export function atBase(report: Reporter, base: number): Reporter {
  return (rule, span, message, extra) => {
    const f = shiftFinding(toFinding(rule, span, message, extra), base);
    report(rule, f.span, f.message, extraOf(f));
  };
}

/** Validates a YAML file: the documents that are ours. */
export function check(doc: SourceDocument, file: K8sFile, ctx: ValidateContext): void {
  const ours = file.hasBuiltinTarget || file.mayBeCustom;
  // Clients and configuration of the workspace's clusters (foreign.ts): only files that mention what it reads.
  const foreign = mayConcernForeign(doc.text);
  if (!ours && !foreign) return;
  const workspace = new WorkspaceResources(ctx, doc.path, file);
  // Users' CRDs: always for custom groups; for our own kinds (a user's newer CRD wins) only where looking is cheap,
  // i.e. the language server's cached index or an explicit pgtls.crdPaths, not a re-parse of every sibling file.
  const lookForCrds = ours && (file.mayBeCustom || !!ctx.env.workspace || (ctx.settings.crdPaths?.length ?? 0) > 0);
  const custom = lookForCrds ? customKinds(ctx, workspace) : undefined;
  // "Not checked" notes are said once per file, not once per resource.
  const notCheckedSaid = new Set<string>();
  // A kustomize patch carries only what it changes: no finding for what it lacks (patches.ts).
  const patch = patchUseOf(ctx.env, doc.path) !== undefined;
  // Plain YAML problems that another YAML language server in the editor reports too (settings.ts reportYamlSyntax).
  const leaveYamlSyntax = ctx.settings.reportYamlSyntax === 'never';
  const emit: Reporter = (rule, span, message, extra) => {
    if (patch && PATCH_SILENT.has(rule)) return;
    if (leaveYamlSyntax && (rule === YAML['syntax-error'] || rule === YAML['duplicate-key'])) return;
    if (rule === SCHEMA['cel-not-checked']) {
      if (notCheckedSaid.has(message)) return;
      notCheckedSaid.add(message);
    }
    ctx.report(rule, span, message, extra);
  };

  for (const d of file.documents) {
    const part = d.part;
    const customKind = custom?.get(`${part.header.apiVersion} ${part.header.kind}`);
    if (part.templated) continue; // Helm: not YAML until rendered; never a false error
    const report = atBase(emit, d.base);
    if (!part.target && !customKind) {
      // A cert-manager kind under a retired apiVersion (one finding), else perhaps a client of a cluster (foreign.ts).
      reportRetiredApiVersion(part, report);
      if (foreign) checkForeignDocument(d, doc.path, ctx, workspace, report);
      continue;
    }
    try {
      if (part.tooDeep) {
        report(YAML['too-complex'], firstLineOf(part.source), `This document is nested more than 200 levels deep; kubectl would not read it either, and pgtls does not validate it. Flatten it.`);
        continue;
      }
      if (part.errors.length) {
        reportSyntax(part.errors, part.source, report);
        continue;
      }
      if (!part.doc) continue;
      const kind: ResourceKind = customKind?.kind ?? { ...part.target!, operator: part.target!.operator };
      const resource: Resource = { path: doc.path, doc: d, yaml: part.doc, kind, header: part.header, data: dataOf(part).value };
      for (const h of localFindings(d, resource, customKind, ctx, patch)) report(h.rule, h.span, h.message, h.extra);
      for (const m of RULE_MODULES) {
        if (m.checkLive && m.appliesTo(resource)) m.checkLive(resource, { settings: ctx.settings, env: ctx.env, workspace, report });
      }
    } catch (e) {
      report(CORE['internal-error'], firstLineOf(part.source), `pgtls failed on this document (${e instanceof Error ? e.message : String(e)}); please report it with the file attached.`);
    }
  }
}

/** A cert-manager kind under an apiVersion cert-manager does not serve (detect.ts): one finding on that line, nothing else. */
function reportRetiredApiVersion(part: Part, report: Reporter): void {
  const why = part.doc && !part.errors.length ? retiredApiVersion(part.header.apiVersion, part.header.kind) : undefined;
  const at = why ? stringAt(part.doc!, ['apiVersion']) : undefined;
  if (!why || !at) return;
  const to = 'cert-manager.io/v1';
  report(CERT_MANAGER['api-version'], at.span,
    `\`apiVersion: ${at.value}\`: ${why}. The API server answers "no matches for kind ${part.header.kind ?? ''}", so this resource is never created, and pgtls does not check it further. Use \`apiVersion: ${to}\` (\`cmctl convert\` also rewrites the fields that changed since).`,
    { fixes: [{ title: `Use apiVersion: ${to}`, edits: [{ span: at.span, newText: to }] }] });
}

/** A document that is not ours, for foreign.ts: silent on anything it cannot read (no syntax or schema finding). */
function checkForeignDocument(d: K8sDocument, path: string, ctx: ValidateContext, workspace: WorkspaceResources, report: Reporter): void {
  const part = d.part;
  if (!part.doc || part.errors.length || part.tooDeep || !isForeignCandidate(part.header.apiVersion, part.header.kind)) return;
  const kind: ResourceKind = { apiVersion: part.header.apiVersion!, kind: part.header.kind!, title: part.header.kind!, operator: 'core' };
  const data = dataOf(part);
  if (data.overflow) return;
  try {
    checkForeign({ path, doc: d, yaml: part.doc, kind, header: part.header, data: data.value }, { settings: ctx.settings, env: ctx.env, workspace, report }, part.source);
  } catch (e) {
    report(CORE['internal-error'], firstLineOf(part.source), `pgtls failed on this document (${e instanceof Error ? e.message : String(e)}); please report it with the file attached.`);
  }
}

/**
 * The document-local findings, memoised on the document: they depend only on its text, the schema (ours, or the
 * CRD's, identified by `customKind.stamp`) and the settings.
 */
function localFindings(d: K8sDocument, r: Resource, customKind: CustomKind | undefined, ctx: ValidateContext, patch: boolean): Held[] {
  const key = `local\0${customKind?.stamp ?? ''}\0${ctx.settings.expiryWarningDays}\0${patch}`;
  const hit = d.part.memo.get(key) as Held[] | undefined;
  if (hit) return hit;
  const out: Held[] = [];
  const report = hold(out);
  const data = dataOf(d.part);
  if (data.overflow) {
    report(YAML['too-complex'], data.overflow, `The aliases of this document expand to more than ${MAX_VALUES} values (a "billion laughs" document); kubectl refuses such documents ("excessive aliasing") and pgtls does not validate it.`);
  } else {
    for (const dup of data.duplicates) {
      report(YAML['duplicate-key'], dup.span, `\`${dup.key}\` is already set in this map: kubectl's strict field validation rejects the duplicate, and other clients keep only the last value. Remove one of them.`);
    }
    const subject = schemaSubject(r, customKind, ctx);
    if (subject) checkSchema(patch ? { ...subject, validate: patchValidator(subject.validate) } : subject, report);
    if (customKind) customKind.checkCel(r, report);
    const dctx: DocumentContext = { settings: ctx.settings, report };
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
function reportSyntax(errors: readonly YamlError[], source: string, report: Reporter): void {
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
    // An empty place gets its character, but never one past the document (an error at its very end).
    const start = Math.min(e.span[0], source.length);
    const end = Math.min(e.span[1] > e.span[0] ? e.span[1] : e.span[0] + 1, source.length);
    report(YAML['syntax-error'], [start, end], `${e.message.replace(/\.?$/, '.')} kubectl cannot read this document (${e.code}).`);
    if (lines.size >= 5) break;
  }
}
