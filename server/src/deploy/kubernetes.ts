/**
 * What Kubernetes manifests say about the files a container sees: the volumes of Secrets and ConfigMaps that a Pod (or
 * the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob) mounts into its containers,
 * with `items` (key → path), `subPath` mounts and projected volumes, and the `data`/`stringData`/`binaryData` of the
 * Secrets and ConfigMaps themselves. A mounted key is a file whose content is the resource's value (the Kubernetes
 * API reference: Volume, VolumeMount, KeyToPath). Pure: the caller finds the resources and hands them in.
 */
import type { VirtualFile, VirtualTree } from '../core/deployPaths';
import { arr, obj, str } from './data';

/** One Secret or ConfigMap a volume takes files from. */
export interface VolumeSource {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** `items`: only these keys, each at its `path`; absent: every key at its own name. */
  items?: { key: string; path: string }[];
}

/** A volume mount of one container. */
export interface PodMount {
  /** "Deployment pgpool, container pgpool", for messages and to tell containers apart. */
  owner: string;
  namespace?: string;
  mountPath: string;
  subPath?: string;
  sources: VolumeSource[];
  /** False when the volume has sources pgtls does not model (downwardAPI, serviceAccountToken…). */
  modelled: boolean;
}

/** A Secret's or ConfigMap's files by key. */
export interface ResourceFiles {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  namespace?: string;
  entries: Map<string, VirtualFile>;
}

const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const at = (v: unknown, path: readonly string[]): unknown => path.reduce<unknown>((o, k) => obj(o)?.[k], v);

function items(v: unknown): VolumeSource['items'] {
  const list = arr(v);
  if (!list.length) return undefined;
  const out: { key: string; path: string }[] = [];
  for (const i of list) {
    const key = str(obj(i)?.key), path = str(obj(i)?.path);
    if (key && path) out.push({ key, path });
  }
  return out;
}

/** The Secret and ConfigMap sources of a volume, and whether they are all it has. */
function volumeSources(volume: Record<string, unknown>): { sources: VolumeSource[]; modelled: boolean } | undefined {
  const one = (kind: VolumeSource['kind'], src: unknown, nameKey: string): VolumeSource | undefined => {
    const o = obj(src);
    const name = str(o?.[nameKey]);
    if (!o || !name) return undefined;
    const it = items(o.items);
    return { kind, name, ...(it ? { items: it } : {}) };
  };
  if (volume.secret) {
    const s = one('Secret', volume.secret, 'secretName');
    return s && { sources: [s], modelled: true };
  }
  if (volume.configMap) {
    const s = one('ConfigMap', volume.configMap, 'name');
    return s && { sources: [s], modelled: true };
  }
  const projected = obj(volume.projected);
  if (!projected) return undefined;
  const sources: VolumeSource[] = [];
  let modelled = true;
  for (const p of arr(projected.sources)) {
    const s = obj(p)?.secret ? one('Secret', obj(p)!.secret, 'name') : obj(p)?.configMap ? one('ConfigMap', obj(p)!.configMap, 'name') : undefined;
    if (s) sources.push(s);
    else modelled = false;
  }
  return sources.length ? { sources, modelled } : undefined;
}

/** The Secret/ConfigMap volume mounts of every container of a workload document (none for other documents). */
export function podMounts(doc: unknown): PodMount[] {
  const d = obj(doc);
  const kind = str(d?.kind);
  const specPath = kind ? POD_SPEC_PATHS[kind] : undefined;
  const spec = specPath && obj(at(d, specPath));
  if (!spec) return [];
  const name = str(at(d, ['metadata', 'name'])) ?? '(unnamed)';
  const namespace = str(at(d, ['metadata', 'namespace']));
  const volumes = new Map<string, { sources: VolumeSource[]; modelled: boolean }>();
  for (const v of arr(spec.volumes)) {
    const o = obj(v);
    const vname = str(o?.name);
    const s = o && vname ? volumeSources(o) : undefined;
    if (vname && s) volumes.set(vname, s);
  }
  const out: PodMount[] = [];
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    const container = obj(c);
    for (const m of arr(container?.volumeMounts)) {
      const mo = obj(m);
      const vol = volumes.get(str(mo?.name) ?? '');
      const mountPath = str(mo?.mountPath);
      if (!vol || !mountPath || !mountPath.startsWith('/') || mo?.subPathExpr !== undefined) continue;
      const subPath = str(mo?.subPath);
      out.push({
        owner: `${kind} ${name}, container ${str(container?.name) ?? '?'}`,
        ...(namespace ? { namespace } : {}), mountPath, ...(subPath ? { subPath } : {}), ...vol,
      });
    }
  }
  return out;
}

/** A container's image and the environment values written out in the manifest (`env[].value`). */
export interface PodContainer {
  /** As `PodMount.owner`: "Deployment pgpool, container pgpool". */
  owner: string;
  image?: string;
  env: Record<string, string>;
}

/** The image and literal environment of every container of a workload document (none for other documents). */
export function podContainers(doc: unknown): PodContainer[] {
  const d = obj(doc);
  const kind = str(d?.kind);
  const specPath = kind ? POD_SPEC_PATHS[kind] : undefined;
  const spec = specPath && obj(at(d, specPath));
  if (!spec) return [];
  const name = str(at(d, ['metadata', 'name'])) ?? '(unnamed)';
  const out: PodContainer[] = [];
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    const container = obj(c);
    if (!container) continue;
    const env: Record<string, string> = {};
    for (const e of arr(container.env)) {
      const k = str(obj(e)?.name), v = obj(e)?.value;
      if (k && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) env[k] = String(v);
    }
    const image = str(container.image);
    out.push({ owner: `${kind} ${name}, container ${str(container.name) ?? '?'}`, ...(image ? { image } : {}), env });
  }
  return out;
}

/** Base64 as the API server decodes `data` (line breaks from YAML folding removed); `undefined` when invalid. */
function decodeBase64(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return undefined;
  try {
    const bin = atob(t);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}

/** The files of a Secret or ConfigMap document (`stringData` over `data`); `undefined` for other documents. */
export function resourceFiles(doc: unknown): ResourceFiles | undefined {
  const d = obj(doc);
  const kind = str(d?.kind);
  const name = str(at(d, ['metadata', 'name']));
  if (!d || !name || (kind !== 'Secret' && kind !== 'ConfigMap')) return undefined;
  const namespace = str(at(d, ['metadata', 'namespace']));
  const entries = new Map<string, VirtualFile>();
  const put = (section: unknown, decode: (v: unknown) => string | undefined) => {
    for (const [k, v] of Object.entries(obj(section) ?? {})) entries.set(k, { text: decode(v) });
  };
  const plain = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (kind === 'Secret') {
    put(d.data, decodeBase64);
    put(d.stringData, plain);
  } else {
    put(d.binaryData, decodeBase64);
    put(d.data, plain);
  }
  return { kind, name, ...(namespace ? { namespace } : {}), entries };
}

/**
 * The files a mount shows below its `mountPath` (a `subPath` mount: the one file or folder, at key `''` for a file),
 * given the resources it names; `undefined` when a source is not found (nothing certain is known).
 */
export function mountTree(m: PodMount, find: (s: VolumeSource, namespace?: string) => ResourceFiles | undefined): VirtualTree | undefined {
  const all = new Map<string, VirtualFile>();
  for (const s of m.sources) {
    const r = find(s, m.namespace);
    if (!r) return undefined;
    if (s.items) {
      for (const it of s.items) {
        const f = r.entries.get(it.key);
        if (f) all.set(it.path.replace(/^\/+|\/+$/g, ''), f);
      }
    } else for (const [k, f] of r.entries) all.set(k, f);
  }
  if (m.subPath === undefined) return { files: all, complete: m.modelled };
  const sub = m.subPath.replace(/^\/+|\/+$/g, '');
  const files = new Map<string, VirtualFile>();
  const whole = all.get(sub);
  if (whole) files.set('', whole);
  for (const [k, f] of all) if (k.startsWith(`${sub}/`)) files.set(k.slice(sub.length + 1), f);
  return { files, complete: m.modelled };
}
