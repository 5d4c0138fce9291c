/**
 * Whether a YAML file is a kustomize patch: named as one (`patches[].path`, `patchesStrategicMerge`,
 * `patchesJson6902[].path`) by a kustomization file of the workspace and as a resource by none. A patch carries only
 * the fields it changes, so the checks drop what only a whole resource can be blamed for (required fields, and the
 * rules in PATCH_SILENT that report a field being absent); types, values and the TLS rules on what it does carry stay.
 *
 * The kustomization files come from the language server's index (`env.workspace`); without one (tests) or with the
 * index of one `pgtls check` run (`partial`: it holds only the files checked) from the
 * folders above the file up to its workspace folder (where kustomize users keep patches: beside the kustomization or
 * below it) and from a bounded listing of the workspace folders (the folders checked), made once per environment.
 * What each file says is kustomize.ts's (pure); every read goes through `ServiceEnv`.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { RuleMeta, ServiceEnv } from '../../core/types';
import { isKustomizationPath, kustomizationRefs, KUSTOMIZATION_NAMES, type KustomizeRef, type KustomizeUse } from './kustomize';
import { CERT_MANAGER, CPO, PERCONA, PGPOOL, SCHEMA } from './rules';

/**
 * Rules that report something a resource lacks (a field, a companion setting): a patch is not expected to carry it,
 * the base or another patch does. They stay silent on patches.
 */
export const PATCH_SILENT: ReadonlySet<RuleMeta> = new Set<RuleMeta>([
  SCHEMA['missing-field'],
  PGPOOL['ssl-mode-without-tls'], PGPOOL['cert-auth-without-tls'], PGPOOL['missing-issuer-ref'], PGPOOL['inline-ssl'],
  PGPOOL['reconfigure-tls-without-tls'], PGPOOL['backend-tls'],
  PERCONA['twin-secrets'], PERCONA['secret-name'], PERCONA['items-path'],
  CPO['ca-secret-without-ca-file'], CPO['missing-fs-group'],
  CERT_MANAGER['no-identity'], CERT_MANAGER['keystore-password'], CERT_MANAGER['issuer-type'], CERT_MANAGER['name-constraints'],
]);

/** How many folders above the file are looked at for a kustomization without a workspace index. */
const MAX_UP = 8;
/** The bounded listing of the workspace folders for kustomization files (no index). */
const LIST_DEPTH = 8;
const LIST_MAX = 200;

const norm = (p: string): string => p.replace(/\\/g, '/');
const dirOf = (p: string): string | undefined => {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i <= 0 ? undefined : p.slice(0, i);
};

/** Kustomization files of the workspace folders, per environment without an index (the CLI makes one per run). */
const listed = new WeakMap<ServiceEnv, readonly string[]>();

function listedKustomizations(env: ServiceEnv): readonly string[] {
  const hit = listed.get(env);
  if (hit) return hit;
  const out: string[] = [];
  for (const root of env.roots?.() ?? []) {
    const files = env.listFiles?.(root, { extensions: KUSTOMIZATION_NAMES.map(n => n.toLowerCase()), maxDepth: LIST_DEPTH, maxFiles: LIST_MAX }) ?? [];
    for (const f of files) if (isKustomizationPath(f) && !out.includes(f)) out.push(f);
  }
  listed.set(env, out);
  return out;
}

/** The kustomization files that may name `path`, with a reader of their text. */
function kustomizations(env: ServiceEnv, path: string): { path: string; text: () => string | undefined }[] {
  // A run's index (pgtls check) holds only the files checked: the kustomization files above them are looked for on disk.
  if (env.workspace && !env.workspace.partial) {
    const out: { path: string; text: () => string | undefined }[] = [];
    for (const f of env.workspace.files()) if (isKustomizationPath(f.path)) out.push({ path: f.path, text: () => f.text() });
    return out;
  }
  const paths: string[] = [];
  const roots = (env.roots?.() ?? []).map(norm);
  let dir = dirOf(path);
  for (let up = 0; dir !== undefined && up < MAX_UP; up++, dir = dirOf(dir)) {
    for (const name of KUSTOMIZATION_NAMES) paths.push(`${dir}${dir.includes('\\') && !dir.includes('/') ? '\\' : '/'}${name}`);
    if (roots.includes(norm(dir))) break;
  }
  for (const p of listedKustomizations(env)) if (!paths.some(q => norm(q) === norm(p))) paths.push(p);
  return paths.map(p => ({ path: p, text: () => readInRun(env, p) }));
}

/** The texts a `pgtls check` run read (its files do not change while it runs): each kustomization path read once per run. */
const runReads = new WeakMap<ServiceEnv, Map<string, string | undefined>>();

function readInRun(env: ServiceEnv, p: string): string | undefined {
  if (!env.workspace?.partial) return env.readText(p);
  let reads = runReads.get(env);
  if (!reads) runReads.set(env, (reads = new Map()));
  if (!reads.has(p)) reads.set(p, env.readText(p));
  return reads.get(p);
}

/** kustomizationRefs, memoised by path and text (every validation of every YAML file asks again). */
const refsCache = new Map<string, KustomizeRef[]>();
const REFS_CACHE_MAX = 64;

function refsOf(text: string, path: string): KustomizeRef[] {
  const key = `${path}\0${text}`;
  let refs = refsCache.get(key);
  if (!refs) {
    refs = kustomizationRefs(text, path);
    if (refsCache.size >= REFS_CACHE_MAX) refsCache.delete(refsCache.keys().next().value!);
    refsCache.set(key, refs);
  }
  return refs;
}

/**
 * How the kustomization files use the file at `path`: `patch` (a strategic-merge patch), `json6902` (operations, not
 * a resource), or `undefined` when no kustomization names it as a patch or one names it as a resource.
 */
export function patchUseOf(env: ServiceEnv, path: string): Extract<KustomizeUse, 'patch' | 'json6902'> | undefined {
  const me = norm(path);
  let use: 'patch' | 'json6902' | undefined;
  for (const k of kustomizations(env, path)) {
    const text = k.text();
    if (text === undefined) continue;
    for (const ref of refsOf(text, k.path)) {
      if (norm(ref.path) !== me) continue;
      if (ref.use === 'resource') return undefined;
      if (ref.use === 'patch') use = 'patch';
      else if (ref.use === 'json6902') use ??= 'json6902';
    }
  }
  return use;
}

/**
 * The schema check of a patch: `validate` with the errors a patch may cause left out. A missing required field (and
 * an anyOf/oneOf whose every failed branch is one), and a strategic-merge directive key (`$patch`, `$retainKeys`,
 * `$setElementOrder/…`, `$deleteFromPrimitiveList/…`), which kustomize consumes before the API server sees the object.
 */
export function patchValidator(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown) => {
    const ok = validate(data);
    const all: ErrorObject[] = ok ? [] : [...(validate.errors ?? [])];
    const exempt = (e: ErrorObject) => e.keyword === 'required'
      || (e.keyword === 'additionalProperties' && String((e.params as { additionalProperty?: unknown }).additionalProperty).startsWith('$'));
    const kept = all.filter(e => {
      if (exempt(e)) return false;
      if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') return true;
      const branches = all.filter(b => b !== e && b.schemaPath.startsWith(`${e.schemaPath}/`));
      return !(branches.length && branches.every(exempt));
    });
    wrapped.errors = kept.length ? kept : null;
    return kept.length === 0;
  }) as ValidateFunction;
  wrapped.schema = validate.schema;
  return wrapped;
}
