/**
 * The paths of YAML files as links: where a YAML file names a certificate, key, CA file or another manifest by its
 * path. That is a kustomization (kustomize's `Kustomization` type: `resources`, `bases`, `components`, the patch
 * fields, and `secretGenerator`/`configMapGenerator` `files` (`tls.crt=certs/server.crt`) and `envs`) and a Docker
 * Compose file (a service's bind mounts, short `./certs:/etc/pgpool2/certs` or long `{ type: bind, source }`, its
 * `env_file`, and the top-level `secrets`/`configs` `file`). Paths start at the YAML file's folder, as kustomize and
 * Compose read them; a folder a kustomization names links to its kustomization file. Only files pgtls can open are
 * linked; a remote reference (URL, `github.com/…`) never is.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { FeatureContext } from '../../core/language';
import { type PathLink, linkTo } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
import { joinPath } from '../../core/deployPaths';
import { pathLocator } from '../../deploy';
import { keyString, nodeSpan } from './data';
import { KUSTOMIZATION_NAMES, isKustomizationPath } from './kustomize';
import type { K8sFile } from './parse';

/** Compose's default file names (the deployment discovery reads the same). */
const COMPOSE_NAMES = /(^|[\\/])(docker-)?compose(\.[\w-]+)?\.ya?ml$/;

/** Entries looked at per list (a real file lists a few dozen). */
const MAX_ENTRIES = 1000;

/** A string scalar with the span of its text (inside the quotes of a quoted one); a block scalar is not a path. */
interface PathText { value: string; span: Span }

function pathText(node: unknown, source: string, base: number): PathText | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') return undefined;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return undefined;
  const [from, to] = nodeSpan(node as Node);
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const span: Span = quoted ? [from + 1, to - 1] : [from, to];
  // Escapes in a double-quoted scalar make the text differ from the value: link the value only when it is the text.
  if (source.slice(span[0], span[1]) !== node.value) return undefined;
  return { value: node.value, span: [span[0] + base, span[1] + base] };
}

const remote = (p: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(p) || p.startsWith('git@');

function get(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  for (const pair of (map as YAMLMap).items.slice(0, MAX_ENTRIES)) if (keyString(pair.key) === key) return pair.value;
  return undefined;
}

const itemsOf = (seq: unknown): unknown[] => (isSeq(seq) ? seq.items.slice(0, MAX_ENTRIES) : []);
const valuesOf = (map: unknown): unknown[] => (isMap(map) ? (map as YAMLMap).items.slice(0, MAX_ENTRIES).map(p => p.value) : []);

export function links(doc: SourceDocument, file: K8sFile, ctx: FeatureContext): PathLink[] {
  const kustomization = isKustomizationPath(doc.path);
  const compose = COMPOSE_NAMES.test(doc.path);
  if (!kustomization && !compose) return [];
  const locator = pathLocator(ctx, doc.path);
  const out: PathLink[] = [];
  const add = (p: PathText | undefined, what: string, folderLinksTo?: readonly string[]) => {
    if (!p || remote(p.value)) return;
    const loc = locator.locate(p.value);
    let link = linkTo(loc, p.span, what);
    if (!link && folderLinksTo && loc.status === 'seen' && loc.stat && !loc.stat.isFile) {
      // A folder: its kustomization file (kustomize reads the folder through it).
      for (const name of folderLinksTo) {
        link = linkTo(locator.locate(joinPath(p.value, name)), p.span, `the kustomization of ${p.value}`);
        if (link) break;
      }
    }
    if (link) out.push(link);
  };
  for (const d of file.documents) {
    const root = d.part.doc?.contents;
    if (!isMap(root)) continue;
    const source = d.part.source;
    const text = (n: unknown) => pathText(n, source, d.base);
    if (kustomization) kustomizationLinks(root, text, add);
    else composeLinks(root, text, add);
  }
  return out.sort((x, y) => x.span[0] - y.span[0]);
}

type Add = (p: PathText | undefined, what: string, folderLinksTo?: readonly string[]) => void;
type Text = (n: unknown) => PathText | undefined;

function kustomizationLinks(root: unknown, text: Text, add: Add): void {
  for (const key of ['resources', 'bases', 'components']) {
    for (const item of itemsOf(get(root, key))) add(text(item), 'the resource', KUSTOMIZATION_NAMES);
  }
  for (const item of itemsOf(get(root, 'patchesStrategicMerge'))) add(text(item), 'the patch');
  for (const key of ['patches', 'patchesJson6902']) {
    for (const item of itemsOf(get(root, key))) add(text(get(item, 'path')), 'the patch');
  }
  for (const key of ['secretGenerator', 'configMapGenerator']) {
    for (const gen of itemsOf(get(root, key))) {
      for (const f of itemsOf(get(gen, 'files'))) {
        const t = text(f);
        // `key=path`: the path is after the first `=`.
        const eq = t ? t.value.indexOf('=') : -1;
        add(t && eq >= 0 ? { value: t.value.slice(eq + 1), span: [t.span[0] + eq + 1, t.span[1]] } : t, 'the file');
      }
      for (const e of itemsOf(get(gen, 'envs'))) add(text(e), 'the env file');
      add(text(get(gen, 'env')), 'the env file');
    }
  }
}

function composeLinks(root: unknown, text: Text, add: Add): void {
  for (const service of valuesOf(get(root, 'services'))) {
    for (const v of itemsOf(get(service, 'volumes'))) {
      if (isMap(v)) {
        if (text(get(v, 'type'))?.value === 'bind') add(text(get(v, 'source')), 'the mounted file');
        continue;
      }
      const t = text(v);
      // Short syntax SOURCE:TARGET[:MODE]; a bind mount's source is a path (`.`, `/` or `~`), else it names a volume.
      if (!t || !/^[./~]/.test(t.value)) continue;
      const colon = t.value.indexOf(':');
      if (colon <= 0) continue;
      add({ value: t.value.slice(0, colon), span: [t.span[0], t.span[0] + colon] }, 'the mounted file');
    }
    const envFile = get(service, 'env_file');
    for (const e of isSeq(envFile) ? itemsOf(envFile) : [envFile]) add(text(isMap(e) ? get(e, 'path') : e), 'the env file');
  }
  for (const key of ['secrets', 'configs']) {
    for (const entry of valuesOf(get(root, key))) add(text(get(entry, 'file')), key === 'secrets' ? 'the secret file' : 'the config file');
  }
}
