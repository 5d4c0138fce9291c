/**
 * The pgpool.conf parameter catalogue (schemas/pgpool-params.json, generated from the reference table by
 * scripts/gen-pgpool-catalogue.ts) and our own descriptions (schemas/pgpool-param-docs.json, optional).
 * Loaded once per environment; answers "what is this key" the way Pgpool-II's lookup does.
 */
import type { ServiceEnv } from '../../core/types';
import { SUPPORTED_PGPOOL_VERSIONS } from '../../core/types';
import type { Unit } from './values';

export type ParamType = 'bool' | 'int' | 'int64' | 'real' | 'enum' | 'string' | 'list';
export type ParamContext = 'init' | 'reload' | 'session';

/** The facts that may differ between versions. */
export interface VersionFacts {
  type: ParamType;
  default: string;
  /** The compiled default is a NULL string (shown as unset). */
  defaultUnset?: boolean;
  min?: number;
  max?: number;
  unit?: Unit;
  enum?: string[];
  listSeparator?: ',' | ';';
  context: ParamContext;
  changeBy: 'restart' | 'reload' | 'reload+session';
}

interface RawEntry extends VersionFacts {
  array: boolean;
  indexRange: [number, number] | null;
  noIndexDefault: boolean;
  versions: string[];
  versionDiffs?: string;
  group: string;
  byVersion?: Record<string, Partial<Record<keyof VersionFacts, unknown>>>;
}

/** One parameter as it is in one version. */
export interface Param extends VersionFacts {
  name: string;
  array: boolean;
  /** Valid node numbers, for array parameters. */
  indexRange: readonly [number, number] | null;
  /** The bare name is allowed and sets the default of every node (health_check_* family, connect_timeout). */
  noIndexDefault: boolean;
  /** Every version that has the parameter. */
  versions: readonly string[];
  versionDiffs?: string;
  group: string;
}

/** What Pgpool-II makes of a key (pool_config_variables.c `find_option` plus the index parsing of array names). */
export type KeyLookup =
  | { kind: 'plain'; name: string }
  | { kind: 'indexed'; name: string; index: number; indexText: string }
  | { kind: 'no-index'; name: string }
  | { kind: 'missing-index'; name: string }
  | { kind: 'bad-index'; name: string; suffix: string }
  | { kind: 'unknown' };

export interface Catalogue {
  readonly versions: readonly string[];
  /** Every parameter name of every version. */
  readonly names: readonly string[];
  /** The parameter as it is in `version`, or its closest version's facts when it does not exist there. */
  param(name: string, version: string): Param | undefined;
  /** True when the parameter exists in `version`. */
  inVersion(name: string, version: string): boolean;
  lookup(key: string): KeyLookup;
  /** Our markdown description of the parameter, when pgpool-param-docs.json has one. */
  docs(name: string): string | undefined;
}

const cache = new WeakMap<ServiceEnv, Catalogue>();

/** The catalogue of `env`, loaded on first use. */
export function catalogueOf(env: ServiceEnv): Catalogue {
  let c = cache.get(env);
  if (!c) {
    c = buildCatalogue(env.loadJson('pgpool-params.json'), loadDocs(env));
    cache.set(env, c);
  }
  return c;
}

function loadDocs(env: ServiceEnv): Record<string, string> {
  try {
    const d = env.loadJson('pgpool-param-docs.json');
    if (d && typeof d === 'object' && !Array.isArray(d)) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(d as Record<string, unknown>)) if (typeof v === 'string' && v.trim() !== '') out[k] = v;
      return out;
    }
  } catch {
    // the descriptions are optional: hover falls back to a line built from the facts
  }
  return {};
}

/** Maps any version string (`4.6`, `4.6.7`, `4.2`, `5`) onto the nearest supported major.minor. */
export function normalizeVersion(v: string): string {
  const supported = SUPPORTED_PGPOOL_VERSIONS as readonly string[];
  if (supported.includes(v)) return v;
  const m = /^(\d+)(?:\.(\d+))?/.exec(String(v ?? '').trim());
  if (!m) return supported[supported.length - 1]!;
  const num = Number(m[1]) * 100 + Number(m[2] ?? 0);
  let best = supported[0]!;
  for (const s of supported) {
    const [a, b] = s.split('.').map(Number);
    if (a! * 100 + b! <= num) best = s;
  }
  return best;
}

export function buildCatalogue(json: unknown, docs: Record<string, string> = {}): Catalogue {
  const raw = (json as { versions: string[]; params: Record<string, RawEntry> });
  const params = new Map<string, RawEntry>(Object.entries(raw.params));
  const arrays = [...params.entries()].filter(([, p]) => p.array).map(([n]) => n).sort((a, b) => b.length - a.length);
  const resolved = new Map<string, Param>();

  const param = (name: string, version: string): Param | undefined => {
    const e = params.get(name);
    if (!e) return undefined;
    const v = normalizeVersion(version);
    // Outside its versions, describe the parameter as it was in the nearest version that has it.
    const eff = e.versions.includes(v) ? v : nearest(e.versions, v);
    const key = `${name}\0${eff}`;
    let p = resolved.get(key);
    if (!p) {
      const { byVersion, ...base } = e;
      const merged: Record<string, unknown> = { ...base, name };
      for (const [field, value] of Object.entries(byVersion?.[eff] ?? {})) {
        if (value === null) delete merged[field];
        else merged[field] = value;
      }
      p = merged as unknown as Param;
      resolved.set(key, p);
    }
    return p;
  };

  return {
    versions: raw.versions,
    names: [...params.keys()],
    param,
    inVersion: (name, version) => params.get(name)?.versions.includes(normalizeVersion(version)) ?? false,
    lookup(key: string): KeyLookup {
      const e = params.get(key);
      if (e) {
        if (!e.array) return { kind: 'plain', name: key };
        return e.noIndexDefault ? { kind: 'no-index', name: key } : { kind: 'missing-index', name: key };
      }
      for (const name of arrays) {
        if (!key.startsWith(name)) continue;
        const suffix = key.slice(name.length);
        if (/^[0-9]+$/.test(suffix)) return { kind: 'indexed', name, index: Number(suffix), indexText: suffix };
        return { kind: 'bad-index', name, suffix };
      }
      return { kind: 'unknown' };
    },
    docs: name => docs[name],
  };
}

function nearest(versions: readonly string[], v: string): string {
  const n = (s: string): number => { const [a, b] = s.split('.').map(Number); return a! * 100 + b!; };
  let best = versions[0]!;
  for (const s of versions) if (Math.abs(n(s) - n(v)) < Math.abs(n(best) - n(v))) best = s;
  return best;
}

/** Whether `a` is an earlier version than `b`. */
export function versionLess(a: string, b: string): boolean {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1! < b1! || (a1 === b1 && a2! < b2!);
}

/**
 * Old names Pgpool-II still accepts for another parameter, with a WARNING at every start, and from which version on
 * they are aliases (FailOverOnBackendErrorAssignMessage since 4.0, DelegateIPAssignMessage since 4.4,
 * LogDirAssignMessage since 4.7, in pool_config_variables.c). Before that version the name is the parameter itself.
 * `appliedSince`: before that version the alias is accepted with its WARNING but its value is thrown away (4.3's
 * FailOverOnBackendErrorAssignMessage only logs "setting failover_on_backend_error has no effect"; 4.4 assigns it).
 */
export const ALIASES: Readonly<Record<string, { target: string; since: string; appliedSince?: string }>> = {
  fail_over_on_backend_error: { target: 'failover_on_backend_error', since: '4.3', appliedSince: '4.4' },
  delegate_IP: { target: 'delegate_ip', since: '4.4' },
  logdir: { target: 'work_dir', since: '4.7' },
};
