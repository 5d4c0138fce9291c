/**
 * What a Docker Compose file says about the files its services see (the Compose specification, services.volumes,
 * services.secrets, services.configs and services.build): bind mounts of local files and folders, in the short
 * (`./certs:/etc/pgpool2/certs:ro`) and the long (`type: bind`) syntax, file-backed secrets and configs, and build
 * contexts whose Dockerfile may COPY files into the image. Named and anonymous volumes, `~` and values with variables
 * say nothing certain about local files and are left out. Relative sources start at the compose file's folder.
 */
import { isAbsolutePath, joinPath } from '../core/deployPaths';
import { arr, obj, str } from './data';

/** File names Docker Compose reads: docker-compose*.yml / compose*.yaml (also with a suffix, e.g. compose.prod.yml). */
export const COMPOSE_FILE = /^(docker-)?compose[\w.-]*\.ya?ml$/i;

/** A local file or folder a service sees at `target`. */
export interface ComposeMount {
  service: string;
  /** The path inside the container (absolute). */
  target: string;
  /** The local file or folder (absolute). */
  source: string;
  /** `bind` keeps the local owner and mode; `secret` and `config` files get their own. */
  kind: 'bind' | 'secret' | 'config';
}

/** A service built from a local Dockerfile. */
export interface ComposeBuild {
  service: string;
  /** The build context (absolute). */
  context: string;
  /** The Dockerfile (absolute). */
  dockerfile: string;
  /** The build stage (`build.target`), when set. */
  target?: string;
}

/** A service's image and the environment values written out in the compose file (for the images.ts knowledge). */
export interface ComposeService {
  service: string;
  image?: string;
  /** `environment` (list or map syntax); values with variables or from `env_file` are not known and left out. */
  env: Record<string, string>;
}

export interface ComposeFacts {
  mounts: ComposeMount[];
  builds: ComposeBuild[];
  services: ComposeService[];
}

/**
 * A host path as written in a compose file, made absolute; `undefined` for `~` and variables. In the short syntax a
 * relative path starts with `.` (anything else is a volume name); a long-syntax bind source is always a path.
 */
function hostPath(dir: string, source: string | undefined, alwaysPath = false): string | undefined {
  if (!source || source.includes('$') || source.startsWith('~')) return undefined;
  if (isAbsolutePath(source)) return joinPath(source, '.');
  if (alwaysPath || source === '.' || source === '..' || /^\.\.?[\\/]/.test(source)) return joinPath(dir, source);
  return undefined;
}

/** The container path of a secret or config: absolute as written, else below `base` (`/run/secrets` for secrets). */
function fileTarget(base: string, target: string | undefined, source: string): string | undefined {
  const t = target ?? source;
  if (t.includes('$')) return undefined;
  return t.startsWith('/') ? t : `${base}/${t}`;
}

/** `SOURCE:TARGET[:MODE]` of the short volume syntax (a Windows drive in SOURCE is kept whole). */
function shortVolume(spec: string): { source: string; target: string } | undefined {
  const drive = /^[A-Za-z]:[\\/]/.test(spec) ? spec.slice(0, 2) : '';
  const parts = spec.slice(drive.length).split(':');
  if (parts.length < 2 || parts.length > 3) return undefined;
  return { source: drive + parts[0]!, target: parts[1]! };
}

function volumeMounts(service: string, dir: string, volumes: unknown): ComposeMount[] {
  const out: ComposeMount[] = [];
  for (const v of arr(volumes)) {
    let source: string | undefined, target: string | undefined;
    if (typeof v === 'string') {
      const s = shortVolume(v);
      source = s?.source;
      target = s?.target;
    } else {
      const o = obj(v);
      if (o?.type !== 'bind') continue;
      source = str(o.source);
      target = str(o.target);
    }
    const local = hostPath(dir, source, typeof v !== 'string');
    if (local && target && target.startsWith('/') && !target.includes('$')) out.push({ service, target, source: local, kind: 'bind' });
  }
  return out;
}

/** Top-level `secrets`/`configs` with a `file`: name → absolute local path. */
function fileBacked(dir: string, section: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, def] of Object.entries(obj(section) ?? {})) {
    // Unlike a volume source, a `file` needs no leading `./` to be a path.
    const file = str(obj(def)?.file);
    if (file && !file.includes('$') && !file.startsWith('~')) out.set(name, joinPath(dir, file));
  }
  return out;
}

function fileMounts(service: string, refs: unknown, files: Map<string, string>, kind: 'secret' | 'config'): ComposeMount[] {
  const out: ComposeMount[] = [];
  for (const r of arr(refs)) {
    const source = typeof r === 'string' ? r : str(obj(r)?.source);
    const local = source && files.get(source);
    if (!source || !local) continue;
    const target = fileTarget(kind === 'secret' ? '/run/secrets' : '', typeof r === 'string' ? undefined : str(obj(r)?.target), source);
    if (target) out.push({ service, target, source: local, kind });
  }
  return out;
}

function build(service: string, dir: string, b: unknown): ComposeBuild | undefined {
  const o = obj(b);
  const ctxText = typeof b === 'string' ? b : str(o?.context) ?? '.';
  // A git or HTTP context is not a local folder.
  if (ctxText.includes('$') || /^[a-z][a-z0-9+.-]*:\/\//i.test(ctxText) || /^git@|\.git(#|$)/.test(ctxText)) return undefined;
  const context = joinPath(dir, ctxText);
  const file = str(o?.dockerfile) ?? 'Dockerfile';
  if (file.includes('$')) return undefined;
  const target = str(o?.target);
  return { service, context, dockerfile: joinPath(context, file), ...(target ? { target } : {}) };
}

/** `environment:` as a list (`KEY=value`) or a map; entries with a variable or without a value are left out. */
export function environmentOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, val: unknown): void => {
    const text = typeof val === 'number' || typeof val === 'boolean' ? String(val) : val;
    if (k !== '' && typeof text === 'string' && !text.includes('$')) out[k] = text;
  };
  if (Array.isArray(v)) {
    for (const e of v) if (typeof e === 'string' && e.includes('=')) put(e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1));
  } else {
    for (const [k, val] of Object.entries(obj(v) ?? {})) put(k, val);
  }
  return out;
}

/** The mounts and builds of a compose file's data (`dir`: its folder). Anything else, or junk, yields nothing. */
export function composeFacts(data: unknown, dir: string): ComposeFacts {
  const facts: ComposeFacts = { mounts: [], builds: [], services: [] };
  const root = obj(data);
  const services = obj(root?.services);
  if (!root || !services) return facts;
  const secrets = fileBacked(dir, root.secrets);
  const configs = fileBacked(dir, root.configs);
  for (const [name, def] of Object.entries(services)) {
    const s = obj(def);
    if (!s) continue;
    const image = str(s.image);
    facts.services.push({ service: name, ...(image && !image.includes('$') ? { image } : {}), env: environmentOf(s.environment) });
    facts.mounts.push(...volumeMounts(name, dir, s.volumes), ...fileMounts(name, s.secrets, secrets, 'secret'), ...fileMounts(name, s.configs, configs, 'config'));
    if (s.build !== undefined) {
      const b = build(name, dir, s.build);
      if (b) facts.builds.push(b);
    }
  }
  return facts;
}
