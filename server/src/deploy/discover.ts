/**
 * The path mappings the workspace makes certain for a configuration file: Docker Compose bind mounts, secrets and
 * configs, the Dockerfile COPY/ADD of the images compose builds (and of Dockerfiles beside the configuration), and the
 * Secret/ConfigMap volumes of Kubernetes workloads whose resources are in the workspace. The files are looked for near
 * the configuration: in its folder and each folder above it up to its workspace folder (at most 8; without one, its
 * folder and the one above), plus the YAML files one level below that workspace folder. Every read goes through the
 * environment; parses are cached per environment by text, so a large workspace is not parsed again on every keystroke.
 *
 * Two mappings of the same deployment path that disagree are not certain: the one of a service or container that also
 * mounts or copies the configuration itself wins; if that does not decide, neither is used.
 */
import {
  type PathMapping, type VirtualFile, type VirtualTree, baseName, dirName, displayPath, isInside, joinPath, normalizePath, rootOf,
} from '../core/deployPaths';
import type { ServiceEnv } from '../core/types';
import { COMPOSE_FILE, composeFacts, type ComposeFacts } from './compose';
import { yamlDocuments } from './data';
import { DOCKERFILE, dockerfileCopies, type DockerCopy } from './dockerfile';
import { type ImageRun, imageConfigPath, imageRun } from './images';
import {
  mountTree, podContainers, podMounts, resourceFiles, type PodContainer, type PodMount, type ResourceFiles, type VolumeSource,
} from './kubernetes';

const MAX_FOLDERS_UP = 8;
const MAX_FILES_PER_FOLDER = 400;
/** The parse cache holds at most this many files and this many characters of their texts (then it starts again). */
const MAX_CACHED = 2000;
const MAX_CACHED_CHARS = 16 * 1024 * 1024;
/** Names probed when the environment cannot list folders. */
const WELL_KNOWN = ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml', 'Dockerfile', 'Containerfile'];

type Env = Pick<ServiceEnv, 'readText' | 'stat' | 'listFiles' | 'workspace'>;

/** A mapping with who made it: mappings of the same `from` are settled by whether their owner runs this configuration. */
interface Candidate { mapping: PathMapping; owner: string }

// ---------------------------------------------------------------------------------------------------------------
// Per-environment parse cache, keyed by path and checked against the text.

interface Cache { entries: Map<string, { text: string; value: unknown }>; chars: number }
const caches = new WeakMap<object, Cache>();

function parsedOnce<T>(env: Env, kind: string, path: string, parse: (text: string) => T, text = env.readText(path)): T | undefined {
  if (text === undefined) return undefined;
  let cache = caches.get(env);
  if (!cache) caches.set(env, (cache = { entries: new Map(), chars: 0 }));
  const key = `${kind}\0${path}`;
  const hit = cache.entries.get(key);
  if (hit && hit.text === text) return hit.value as T;
  const value = parse(text);
  if (hit) cache.chars -= hit.text.length;
  if (cache.entries.size >= MAX_CACHED || cache.chars + text.length > MAX_CACHED_CHARS) {
    cache.entries.clear();
    cache.chars = 0;
  }
  cache.entries.set(key, { text, value });
  cache.chars += text.length;
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Which files to read

/** The folders from the configuration's up to its workspace folder (bounded), and the top one reached. */
function walkedFolders(configPath: string, roots: readonly string[]): { folders: string[]; root?: string } {
  const root = rootOf(configPath, roots);
  const folders: string[] = [];
  let dir = dirName(configPath);
  const limit = root ? MAX_FOLDERS_UP : 2;
  for (let i = 0; i < limit; i++) {
    folders.push(dir);
    const up = dirName(dir);
    if ((root && !isInside(up, root)) || up === dir || (!root && dirName(up) === up)) break;
    dir = up;
  }
  const top = folders[folders.length - 1]!;
  return root && isInside(root, top) ? { folders, root } : { folders };
}

function listed(env: Env, folder: string, depth: number, yamlOnly: boolean): string[] {
  try {
    const ext = yamlOnly ? ['.yaml', '.yml'] : [''];
    return env.listFiles?.(folder, { extensions: ext, maxDepth: depth, maxFiles: MAX_FILES_PER_FOLDER }) ?? [];
  } catch {
    return [];
  }
}

/** The compose files, Dockerfiles and other YAML files near the configuration. */
function nearbyFiles(env: Env, configPath: string, roots: readonly string[]): { compose: string[]; docker: string[]; yaml: string[] } {
  const { folders, root } = walkedFolders(configPath, roots);
  const files = new Set<string>();
  for (const f of folders) {
    if (env.listFiles) for (const p of listed(env, f, 0, false)) files.add(p);
    else for (const n of WELL_KNOWN) if (env.stat(joinPath(f, n))?.isFile) files.add(joinPath(f, n));
  }
  if (root) for (const p of listed(env, root, 1, true)) files.add(p);
  // The language server's index also has the YAML buffers not saved yet (a compose file being typed).
  try {
    const near = new Set(folders.map(f => normalizePath(f) ?? f));
    const top = root && normalizePath(root);
    for (const f of env.workspace?.files() ?? []) {
      const dir = normalizePath(dirName(f.path)) ?? '';
      if (near.has(dir) || (top && normalizePath(dirName(dir)) === top)) files.add(f.path);
    }
  } catch {
    // the index is the glue's; the listed files stay
  }
  const out = { compose: [] as string[], docker: [] as string[], yaml: [] as string[] };
  for (const p of files) {
    const name = baseName(p);
    if (COMPOSE_FILE.test(name)) out.compose.push(p);
    else if (DOCKERFILE.test(name)) out.docker.push(p);
    else if (/\.ya?ml$/i.test(name)) out.yaml.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Mappings from each kind of file

interface Run {
  env: Env;
  config: string;
  roots: readonly string[];
  out: Candidate[];
  /** Owners that mount or copy the configuration itself. */
  runsConfig: Set<string>;
}

const show = (run: Run, p: string): string => displayPath(p, run.roots);
/** A file that makes mappings, for messages: its path in the workspace without the leading `./`. */
const origin = (run: Run, p: string): string => show(run, p).replace(/^\.\//, '');

/** A compose file's facts (parsed once per text). */
const composeFactsOf = (run: Run, file: string): ComposeFacts[] =>
  parsedOnce<ComposeFacts[]>(run.env, 'compose', file, t => yamlDocuments(t).map(d => composeFacts(d, dirName(file)))) ?? [];

function fromCompose(run: Run, file: string, facts: ComposeFacts[], usedDockerfiles: Set<string>): void {
  for (const f of facts) {
    for (const m of f.mounts) {
      const owner = `${file}#${m.service}`;
      if (isInside(run.config, m.source)) run.runsConfig.add(owner);
      run.out.push({
        owner,
        mapping: {
          from: normalizePath(m.target)!, to: m.source, origin: `${origin(run, file)}, service ${m.service}`, shown: show(run, m.source),
          keepsPermissions: m.kind === 'bind', shadows: true,
        },
      });
    }
    for (const b of f.builds) {
      usedDockerfiles.add(b.dockerfile);
      fromDockerfile(run, b.dockerfile, b.context, `${file}#${b.service}`, b.target);
    }
  }
}

/** The local files a COPY source names (a wildcard in the last segment is expanded in its folder). */
function sourceFiles(run: Run, context: string, source: string): string[] {
  const path = joinPath(context, source);
  if (!isInside(path, context)) return [];
  if (!/[*?[]/.test(baseName(source))) return [path];
  if (/[*?[]/.test(dirName(source))) return [];
  const re = new RegExp(`^${baseName(source).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
  return listed(run.env, dirName(path), 0, false).filter(p => re.test(baseName(p)));
}

function fromDockerfile(run: Run, file: string, context: string, owner: string, target?: string): void {
  const copies = parsedOnce<DockerCopy[]>(run.env, `docker:${target ?? ''}`, file, t => dockerfileCopies(t, target));
  for (const c of copies ?? []) {
    for (const src of c.sources) {
      for (const local of sourceFiles(run, context, src)) {
        const st = run.env.stat(local);
        if (!st) continue;
        if (isInside(run.config, local)) run.runsConfig.add(owner);
        // A folder's contents go to the destination; a file goes into it when it is a folder, else becomes it (a
        // destination without a trailing slash that is a folder of the base image is not known here: not mapped then).
        const from = !st.isFile || !c.destIsDir ? c.dest : joinPath(c.dest, baseName(local));
        run.out.push({ owner, mapping: { from, to: local, origin: origin(run, file), shown: show(run, local), keepsPermissions: false, shadows: false } });
      }
    }
  }
}

interface Manifest { mounts: PodMount[]; resources: ResourceFiles[]; containers: PodContainer[] }

function manifestOf(text: string): Manifest {
  const m: Manifest = { mounts: [], resources: [], containers: [] };
  if (!/\b(Secret|ConfigMap|volumes)\b/.test(text)) return m;
  for (const d of yamlDocuments(text)) {
    m.mounts.push(...podMounts(d));
    m.containers.push(...podContainers(d));
    const r = resourceFiles(d);
    if (r) m.resources.push(r);
  }
  return m;
}

/** Every Secret and ConfigMap pgtls reads: the workspace's (language server), else those of the nearby files. */
function resourcesOf(run: Run, nearby: Map<string, Manifest>): ResourceFiles[] {
  const out: ResourceFiles[] = [];
  const seen = new Set<string>();
  for (const [p, m] of nearby) {
    seen.add(p);
    out.push(...m.resources);
  }
  try {
    const ws = run.env.workspace;
    // Perf: an index (pgtls check) names the files that hold a Secret or ConfigMap; else every file's text is read.
    const files = ws?.containing ? [...new Set([...ws.containing('Secret'), ...ws.containing('ConfigMap')])] : ws?.files() ?? [];
    for (const f of files) {
      if (f.languageId !== 'yaml' || seen.has(f.path)) continue;
      const text = f.text();
      if (text === undefined || !/\b(Secret|ConfigMap)\b/.test(text)) continue;
      out.push(...(parsedOnce<Manifest>(run.env, 'k8s', f.path, manifestOf, text)?.resources ?? []));
    }
  } catch {
    // the index is the glue's; a failure there leaves the nearby resources
  }
  return out;
}

/** Content equality of two resources' files (the same Secret written twice is still one answer). */
const sameFiles = (a: ResourceFiles, b: ResourceFiles): boolean =>
  a.entries.size === b.entries.size && [...a.entries].every(([k, v]) => b.entries.get(k)?.text === v.text);

/** The nearby manifests with mounts or resources, and how to find a mounted Secret/ConfigMap among the resources. */
interface KubernetesView { nearby: Map<string, Manifest>; find: (s: VolumeSource, namespace?: string) => ResourceFiles | undefined }

function kubernetesView(run: Run, files: string[]): KubernetesView | undefined {
  const nearby = new Map<string, Manifest>();
  for (const f of files) {
    const m = parsedOnce<Manifest>(run.env, 'k8s', f, manifestOf);
    if (m && (m.mounts.length || m.resources.length)) nearby.set(f, m);
  }
  if (![...nearby.values()].some(m => m.mounts.length)) return undefined;
  const resources = resourcesOf(run, nearby);
  const find = (s: VolumeSource, namespace?: string): ResourceFiles | undefined => {
    const found = resources.filter(r => r.kind === s.kind && r.name === s.name && (!namespace || !r.namespace || r.namespace === namespace));
    // Several different resources of that name (overlays, environments): not certain which one the cluster has.
    return found.length && found.every(r => sameFiles(r, found[0]!)) ? found[0] : undefined;
  };
  return { nearby, find };
}

/** Whether the mount shows the configuration (a key of its name, or a subPath mount of that name). */
const mountShowsConfig = (mount: PodMount, tree: VirtualTree, configName: string): boolean =>
  tree.files.has(configName) || (mount.subPath !== undefined && baseName(mount.mountPath) === configName && tree.files.has(''));

function fromKubernetes(run: Run, view: KubernetesView): void {
  const { nearby, find } = view;
  const configName = baseName(run.config);
  for (const [file, m] of nearby) {
    for (const mount of m.mounts) {
      const tree: VirtualTree | undefined = mountTree(mount, find);
      if (!tree) continue;
      const owner = `${file}#${mount.owner}`;
      if (mountShowsConfig(mount, tree, configName)) run.runsConfig.add(owner);
      const what = mount.sources.map(s => `${s.kind} ${s.name}`).join(' + ');
      run.out.push({
        owner,
        mapping: {
          from: normalizePath(mount.mountPath)!, to: tree, origin: `${origin(run, file)}, ${mount.owner}`,
          shown: mount.subPath ? `${mount.subPath} of ${what}` : what, keepsPermissions: false, shadows: true,
        },
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Settling

/** What a mapping points at, to tell agreeing mappings of one path from disagreeing ones. */
function targetKey(m: PathMapping): string {
  if (typeof m.to === 'string') return `file:${m.to}`;
  const files: [string, VirtualFile][] = [...m.to.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `tree:${m.to.complete}:${JSON.stringify(files.map(([k, v]) => [k, v.text ?? null]))}`;
}

function settle(cands: Candidate[], runsConfig: ReadonlySet<string>): PathMapping[] {
  const byFrom = new Map<string, Candidate[]>();
  for (const c of cands) {
    const list = byFrom.get(c.mapping.from);
    if (list) list.push(c);
    else byFrom.set(c.mapping.from, [c]);
  }
  const out: PathMapping[] = [];
  for (const list of byFrom.values()) {
    const agree = (l: Candidate[]) => l.length > 0 && l.every(c => targetKey(c.mapping) === targetKey(l[0]!.mapping));
    if (agree(list)) out.push(list[0]!.mapping);
    else {
      const owners = list.filter(c => runsConfig.has(c.owner));
      if (agree(owners)) out.push(owners[0]!.mapping);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The images that run the configuration (images.ts knows what their entrypoints add)

function composeRuns(run: Run, file: string, facts: ComposeFacts[], out: ImageRun[]): void {
  for (const f of facts) {
    for (const svc of f.services) {
      if (!svc.image) continue;
      const mounts = f.mounts.filter(m => m.service === svc.service);
      const m = mounts.find(x => isInside(run.config, x.source));
      if (!m) continue;
      const rest = normalizePath(run.config)!.slice(normalizePath(m.source)!.length);
      const r = imageRun({
        image: svc.image, env: svc.env, where: `${origin(run, file)}, service ${svc.service}`, certain: true,
        deployPath: normalizePath(m.target + rest)!, mountPaths: mounts.map(x => x.target),
      });
      if (r) out.push(r);
    }
  }
}

function kubernetesRuns(run: Run, view: KubernetesView, out: ImageRun[]): void {
  const configName = baseName(run.config);
  for (const [file, m] of view.nearby) {
    for (const c of m.containers) {
      if (!c.image) continue;
      const mounts = m.mounts.filter(x => x.owner === c.owner);
      const readsAt = imageConfigPath(c.image, c.env);
      let deployPath: string | undefined, certain = false;
      for (const mount of mounts) {
        const tree = mountTree(mount, view.find);
        if (tree && mountShowsConfig(mount, tree, configName)) {
          deployPath = mount.subPath !== undefined ? mount.mountPath : joinPath(mount.mountPath, configName);
          certain = true;
          break;
        }
        // A ConfigMap that is not in the workspace, mounted where the image reads a file of this name: probably this one.
        const absent = mount.sources.every(s => s.kind === 'ConfigMap' && !view.find(s, mount.namespace));
        const at = mount.subPath !== undefined ? mount.mountPath : joinPath(mount.mountPath, configName);
        if (!tree && absent && readsAt && normalizePath(at) === readsAt) deployPath = readsAt;
      }
      if (!deployPath) continue;
      const r = imageRun({
        image: c.image, env: c.env, where: `${origin(run, file)}, ${c.owner}`, certain, deployPath: normalizePath(deployPath)!,
        mountPaths: mounts.map(x => x.mountPath),
      });
      if (r) out.push(r);
    }
  }
}

/** The image runs found, settled: the certain ones if any; none when they disagree. */
function settleImages(found: ImageRun[]): ImageRun | undefined {
  const pick = found.some(r => r.certain) ? found.filter(r => r.certain) : found;
  return pick.length && pick.every(r => r.name === pick[0]!.name && r.role === pick[0]!.role) ? pick[0] : undefined;
}

/** What the files near a configuration say about where it runs. */
export interface Deployment {
  /** The automatic mappings (settled: disagreeing ones dropped). */
  mappings: PathMapping[];
  /** The known image that runs the configuration (images.ts), when one does and the containers found agree. */
  image?: ImageRun;
}

/**
 * The automatic mappings for the configuration at `configPath`, and the known image that runs it, in one pass over
 * the files near it (each read once). Never throws; bad files give no mapping.
 */
export function discoverDeployment(env: Env, configPath: string, roots: readonly string[]): Deployment {
  try {
    const run: Run = { env, config: configPath, roots, out: [], runsConfig: new Set() };
    const near = nearbyFiles(env, configPath, roots);
    const usedDockerfiles = new Set<string>();
    const images: ImageRun[] = [];
    for (const f of near.compose) {
      const facts = composeFactsOf(run, f);
      fromCompose(run, f, facts, usedDockerfiles);
      composeRuns(run, f, facts, images);
    }
    for (const f of near.docker) if (!usedDockerfiles.has(f)) fromDockerfile(run, f, dirName(f), f);
    const view = kubernetesView(run, near.yaml);
    if (view) {
      fromKubernetes(run, view);
      kubernetesRuns(run, view, images);
    }
    const image = settleImages(images);
    return { mappings: settle(run.out, run.runsConfig), ...(image ? { image } : {}) };
  } catch {
    return { mappings: [] };
  }
}
