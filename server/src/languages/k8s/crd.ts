/**
 * Users' own CustomResourceDefinitions: a CRD found in the workspace (or in a file or folder of `pgtls.crdPaths`)
 * supplies the schema of its kinds and versions, for documents of those kinds, including ours (a newer operator
 * release than our schemas know wins, since it is what the user's cluster runs).
 *
 * The CRD's `openAPIV3Schema` is normalised from OpenAPI/structural-schema form to JSON Schema draft-07 the way the API
 * server reads it (objects with `properties` are closed unless `x-kubernetes-preserve-unknown-fields`, int-or-string,
 * boolean exclusive bounds), compiled lazily with one ajv per service environment and cached by the CRD's text. Its
 * `x-kubernetes-validations` CEL rules are evaluated offline with @bufbuild/cel on the defaulted data; a rule using a
 * function the evaluator lacks is reported once as not checked, never as a failure. Transition rules (`oldSelf`) only
 * apply to updates and are skipped.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { CelInput } from '@bufbuild/cel';
import type { FeatureContext } from '../../core/language';
import type { Reporter } from '../../core/rules';
import type { ServiceEnv, Span } from '../../core/types';
import { dataOf, locate, nodeSpan } from './data';
import { builtinTarget } from './detect';
import type { Resource, ResourceKind } from './model';
import type { K8sFile, Part } from './parse';
import { SCHEMA } from './rules';
import { AJV_OPTIONS, K8S_KEYWORDS, PGTLS_KEYWORDS } from './schemaKeywords';
import { childSchemas, fieldPath, pruneNulls, type JsonSchema } from './catalogue';
import type { WorkspaceResources } from './workspace';

export interface CustomKind {
  kind: ResourceKind;
  /** The normalised schema (draft-07). */
  schema: JsonSchema;
  /** Undefined when the schema does not compile. */
  validate: ValidateFunction | undefined;
  /** Identifies the CRD text and version; part of the memo key of document-local findings. */
  stamp: string;
  /** Reports the CEL findings of one resource (document-relative spans). */
  checkCel(r: Resource, report: Reporter): void;
}

interface CrdVersion {
  gvk: string;
  apiVersion: string;
  kind: string;
  crdName: string;
  clusterScoped: boolean;
  raw: JsonSchema;
  stamp: string;
}

/** At most this many compiled CRD validators are kept per environment (oldest dropped first). */
const MAX_COMPILED = 64;
/** CEL evaluations per document. */
const MAX_CEL_EVALUATIONS = 2000;

interface CrdState {
  ajv: Ajv | undefined;
  compiled: Map<string, { schema: JsonSchema; validate: ValidateFunction | undefined }>;
}
const states = new WeakMap<ServiceEnv, CrdState>();
function stateOf(env: ServiceEnv): CrdState {
  let s = states.get(env);
  if (!s) states.set(env, (s = { ajv: undefined, compiled: new Map() }));
  return s;
}

/** The kinds that CRDs of the workspace and of `pgtls.crdPaths` define, by `apiVersion kind`. */
export function customKinds(ctx: FeatureContext, workspace: WorkspaceResources): Map<string, CustomKind> {
  const versions = new Map<string, CrdVersion>();
  const take = (part: Part) => {
    if (part.header.apiVersion !== 'apiextensions.k8s.io/v1' || part.header.kind !== 'CustomResourceDefinition' || part.templated || !part.doc) return;
    for (const v of crdVersions(part)) if (!versions.has(v.gvk)) versions.set(v.gvk, v);
  };
  for (const d of workspace.documents('CustomResourceDefinition')) take(d.doc.part);
  for (const file of crdPathFiles(ctx)) for (const d of file.documents) take(d.part);
  const out = new Map<string, CustomKind>();
  for (const v of versions.values()) out.set(v.gvk, customKind(ctx.env, v));
  return out;
}

function crdPathFiles(ctx: FeatureContext): K8sFile[] {
  const paths = ctx.settings.crdPaths ?? [];
  if (!paths.length) return [];
  const roots = ctx.env.workspace?.roots() ?? [];
  const out: K8sFile[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' || !p) continue;
    const absolute = /^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(p);
    for (const candidate of absolute ? [p] : roots.map(r => `${r.replace(/[\\/]$/, '')}/${p}`)) {
      const files = /\.ya?ml$/i.test(candidate) ? [candidate] : ctx.env.listFiles?.(candidate, { extensions: ['.yaml', '.yml'], maxDepth: 2, maxFiles: 200 }) ?? [];
      for (const f of files) {
        const s = ctx.parseSibling<K8sFile>(f, 'yaml');
        if (s?.file?.documents) out.push(s.file);
      }
    }
  }
  return out;
}

/** The versions of one CRD document, memoised on it. */
function crdVersions(part: Part): CrdVersion[] {
  const hit = part.memo.get('crd') as CrdVersion[] | undefined;
  if (hit) return hit;
  const out: CrdVersion[] = [];
  const crd = dataOf(part).value as { metadata?: { name?: unknown }; spec?: Record<string, unknown> } | null;
  const spec = crd?.spec;
  const group = typeof spec?.group === 'string' ? spec.group : undefined;
  const kind = typeof (spec?.names as { kind?: unknown } | undefined)?.kind === 'string' ? (spec!.names as { kind: string }).kind : undefined;
  if (group && kind && Array.isArray(spec?.versions)) {
    const hash = fnv(part.source);
    for (const v of spec.versions as { name?: unknown; served?: unknown; schema?: { openAPIV3Schema?: unknown } }[]) {
      if (typeof v?.name !== 'string' || v.served === false) continue;
      const raw = v.schema?.openAPIV3Schema;
      if (!raw || typeof raw !== 'object') continue;
      const apiVersion = `${group}/${v.name}`;
      out.push({
        gvk: `${apiVersion} ${kind}`, apiVersion, kind, crdName: String(crd?.metadata?.name ?? `${kind}.${group}`),
        clusterScoped: spec.scope === 'Cluster', raw: raw as JsonSchema, stamp: `${hash}:${part.source.length}:${v.name}`,
      });
    }
  }
  part.memo.set('crd', out);
  return out;
}

function customKind(env: ServiceEnv, v: CrdVersion): CustomKind {
  const state = stateOf(env);
  let compiled = state.compiled.get(v.stamp);
  if (compiled) {
    state.compiled.delete(v.stamp); // re-insert: most recently used last
    state.compiled.set(v.stamp, compiled);
  } else {
    const schema = normalize(v.raw, true);
    let validate: ValidateFunction | undefined;
    try {
      if (!state.ajv) {
        // Users' CRDs are OpenAPI, not draft-07: after normalisation, leftovers must not stop the compilation.
        state.ajv = new Ajv({ ...AJV_OPTIONS, strict: false });
        state.ajv.addVocabulary([...K8S_KEYWORDS, ...PGTLS_KEYWORDS]);
      }
      validate = state.ajv.compile(schema);
    } catch {
      validate = undefined;
    }
    compiled = { schema, validate };
    state.compiled.set(v.stamp, compiled);
    while (state.compiled.size > MAX_COMPILED) state.compiled.delete(state.compiled.keys().next().value!);
  }
  const builtin = builtinTarget(v.apiVersion, v.kind);
  const kind: ResourceKind = {
    apiVersion: v.apiVersion, kind: v.kind, title: builtin ? `${builtin.title} (CRD ${v.crdName})` : `${v.kind} (CRD ${v.crdName})`,
    operator: builtin?.operator ?? 'custom', ...(v.clusterScoped ? { clusterScoped: true } : {}),
  };
  const { schema, validate } = compiled;
  return { kind, schema, validate, stamp: v.stamp, checkCel: (r, report) => checkCel(r, report, schema, validate, v.crdName) };
}

/** OpenAPI v3 structural schema → JSON Schema draft-07 with the API server's reading. */
function normalize(s: JsonSchema, root = false): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case 'properties': {
        const props: JsonSchema = {};
        for (const [name, sub] of Object.entries((v ?? {}) as JsonSchema)) if (sub && typeof sub === 'object') props[name] = normalize(sub as JsonSchema);
        out.properties = props;
        break;
      }
      case 'items':
        if (v && typeof v === 'object' && !Array.isArray(v)) out.items = normalize(v as JsonSchema);
        break;
      case 'additionalProperties':
        out.additionalProperties = v && typeof v === 'object' ? normalize(v as JsonSchema) : v;
        break;
      case 'allOf': case 'anyOf': case 'oneOf':
        if (Array.isArray(v)) out[k] = v.map(b => normalize((b ?? {}) as JsonSchema));
        break;
      case 'not':
        if (v && typeof v === 'object') out.not = normalize(v as JsonSchema);
        break;
      case 'exclusiveMinimum': case 'exclusiveMaximum':
        if (v === true) {
          const bound = k === 'exclusiveMinimum' ? 'minimum' : 'maximum';
          if (typeof s[bound] === 'number') out[k] = s[bound];
        } else if (typeof v === 'number') out[k] = v;
        break;
      case 'minimum': case 'maximum':
        if (s[k === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] !== true) out[k] = v;
        break;
      case 'format': case 'example': case 'externalDocs': case '$schema': case 'id': case '$id':
        break; // formats are not validated here; the rest are documentation
      default:
        out[k] = v;
    }
  }
  if (out.nullable !== undefined && out.type === undefined) delete out.nullable;
  if (out['x-kubernetes-int-or-string'] === true && out.type === undefined && !out.anyOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  const embedded = out['x-kubernetes-embedded-resource'] === true;
  if (root || embedded) {
    const props = (out.properties ?? {}) as JsonSchema;
    props.apiVersion ??= { type: 'string' };
    props.kind ??= { type: 'string' };
    props.metadata ??= { type: 'object' };
    out.properties = props;
    // The API server checks metadata as ObjectMeta; a CRD may only add restrictions to `name`/`generateName`, so the
    // CRD's `metadata.properties` never close the object (KubeDB's CRD lists only `name`: `namespace` is fine).
    const meta = props.metadata as JsonSchema;
    if (meta && typeof meta === 'object' && meta.additionalProperties === false) delete meta.additionalProperties;
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

// ---------------------------------------------------------------------------------------------------------- CEL

interface CelRule {
  rule: string;
  message?: string;
}

/**
 * The CEL evaluator, loaded on first use: it takes about 300 ms to load, which start-up must not pay for the CRDs few
 * workspaces have (esbuild keeps a `require` inside a function lazy).
 */
function cel(): { run: typeof import('@bufbuild/cel').run; isCelError: typeof import('@bufbuild/cel').isCelError; strings: typeof import('@bufbuild/cel/ext').strings } {
  const core = require('@bufbuild/cel') as typeof import('@bufbuild/cel');
  const ext = require('@bufbuild/cel/ext') as typeof import('@bufbuild/cel/ext');
  return { run: core.run, isCelError: core.isCelError, strings: ext.strings };
}

const UNSUPPORTED = /unbound function|no such overload|unknown function|undeclared reference|unsupported/i;

function checkCel(r: Resource, report: Reporter, schema: JsonSchema, validate: ValidateFunction | undefined, crdName: string): void {
  // CEL sees the object after pruning and defaulting, like the API server.
  const data = pruneNulls(r.data, schema);
  try { validate?.(data); } catch { /* defaults are best effort */ }
  const reported = new Set<string>();
  let budget = MAX_CEL_EVALUATIONS;
  let evaluator: ReturnType<typeof cel> | undefined;

  const spanOf = (path: string[]): Span => {
    const steps = locate(r.yaml, path);
    for (let i = steps.length - 1; i > 0; i--) {
      const st = steps[i]!;
      if (i === path.length && st.key) return nodeSpan(st.key);
      if (i === path.length && st.node) return nodeSpan(st.node);
      if (st.key) return nodeSpan(st.key);
    }
    const root = r.yaml.contents;
    return root ? [nodeSpan(root)[0], nodeSpan(root)[0]] : [0, 0];
  };

  const walk = (value: unknown, s: JsonSchema | undefined, path: string[]) => {
    if (!s || value === undefined || budget <= 0) return;
    const rules = s['x-kubernetes-validations'];
    if (Array.isArray(rules)) {
      for (const rule of rules as CelRule[]) {
        if (!rule || typeof rule.rule !== 'string' || /\boldSelf\b/.test(rule.rule)) continue;
        if (--budget < 0) return;
        let result: unknown;
        try {
          evaluator ??= cel();
          result = evaluator.run(rule.rule, { self: toCel(value, s) as CelInput }, { funcs: evaluator.strings });
        } catch (e) {
          result = e;
        }
        if (result === true) continue;
        if (result === false) {
          report(SCHEMA['cel-rule'], spanOf(path),
            `${rule.message ? rule.message.replace(/\.?$/, '.') : `The rule \`${rule.rule}\` fails.`} The API server rejects the object (CEL validation of CRD ${crdName} at \`${fieldPath(path)}\`).`);
          continue;
        }
        const detail = evaluator?.isCelError(result) || result instanceof Error ? (result as { message: string }).message : `result ${String(result)}`;
        if (reported.has(rule.rule)) continue;
        reported.add(rule.rule);
        report(SCHEMA['cel-not-checked'], spanOf(path),
          `pgtls cannot evaluate the CEL rule \`${rule.rule}\` of CRD ${crdName} offline (${UNSUPPORTED.test(detail) ? detail : `evaluation error: ${detail}`}); it is not checked here, the API server will.`);
      }
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, childSchemas(s, String(i))[0], [...path, String(i)]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, childSchemas(s, k)[0], [...path, k]);
  };
  walk(data, schema, []);
}

/** Plain data → CEL input: integers are CEL `int` (bigint) unless the schema says `number`; maps are Maps. */
function toCel(value: unknown, s: JsonSchema | undefined): unknown {
  if (typeof value === 'number') return Number.isInteger(value) && s?.type !== 'number' ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v, i) => toCel(v, childSchemas(s, String(i))[0]));
  if (value && typeof value === 'object') {
    const m = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) m.set(k, toCel(v, childSchemas(s, k)[0]));
    return m;
  }
  return value;
}

/** FNV-1a, 32 bits, hex: a cheap identity of a CRD's text. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
