/**
 * What a Kubernetes YAML file says about the chain of trust, as facts with their places: the certificates and keys of
 * Secrets, the Secrets each operator resource reads and what for (serve its Services, trust a CA, log a user in), and
 * cert-manager's Issuers and Certificates. No judgement: whether a name is covered or a CA is the right one is the
 * checks' (k8s/check/certUsage.ts, secretContent.ts), whose diagnostics the map attaches to these places.
 */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node, type YAMLMap } from 'yaml';
import { decodeBase64 } from '../certs/containers';
import { CERTIFICATE_LABELS, isPrivateKeyLabel, readPemBlocks } from '../core/pem';
import type { Settings, Span } from '../core/types';
import { spiloServices } from '../languages/k8s';

/** One `data`/`stringData` entry of a Secret that holds certificates or a private key. */
export interface SecretEntry {
  key: string;
  /** From the key's start to the value's end. */
  span: Span;
  /** The certificate blocks, as PEM text; empty when the entry holds none. */
  certPem: string;
  hasKey: boolean;
}

export interface SecretFact {
  namespace?: string;
  name: string;
  nameSpan: Span;
  /** The whole document. */
  extent: Span;
  entries: SecretEntry[];
}

/** A Secret a resource reads, what for, and which of its keys. */
export interface SecretUse {
  secret: string;
  /** The field that names it, e.g. `spec.secrets.customTLSSecret`. */
  field: string;
  span: Span;
  role: 'serves' | 'trusts' | 'authenticates';
  /** The Secret key that holds the certificate this use is about. */
  certKey: string;
  /** `serves`: the Services that dial the certificate by name (short names). */
  services?: string[];
  /** `authenticates`: the user the operator logs in with this certificate. */
  user?: string;
  /** `items` of the projection: only these keys, each as the file `path` (absent: every key as its own name). */
  items?: ProjectedItem[];
  /** Where the operator mounts the projected files, when the facts say so (Percona's `/pgconf/tls`). */
  mountPath?: string;
}

/** One `items` entry of a Secret projection or volume: the Secret key and the file it becomes. */
export interface ProjectedItem {
  key: string;
  path: string;
  span: Span;
}

/** A Secret volume mounted into a container of a workload (Deployment, StatefulSet, Pod, ...). */
export interface SecretMount {
  /** "Deployment pgpool, container pgpool". */
  owner: string;
  namespace?: string;
  secret: string;
  /** The volume's `secretName` (or projected source's `name`). */
  span: Span;
  mountPath: string;
  items?: ProjectedItem[];
}

export interface ServerFact {
  kind: string;
  namespace?: string;
  name: string;
  nameSpan: Span;
  uses: SecretUse[];
  /** cert-manager issuer named by the resource (KubeDB `spec.tls.issuerRef`): it signs the served Secret. */
  issuer?: { name: string; kind: string; span: Span; secret?: string };
}

export interface IssuerFact {
  kind: 'Issuer' | 'ClusterIssuer';
  namespace?: string;
  name: string;
  nameSpan: Span;
  type: string;
  /** `spec.ca.secretName`: the CA it signs with. */
  caSecret?: { name: string; span: Span };
}

export interface CertificateRequestFact {
  namespace?: string;
  name: string;
  nameSpan: Span;
  dnsNames: string[];
  secret?: { name: string; span: Span };
  issuer?: { name: string; kind: string; span: Span };
}

export interface YamlFacts {
  secrets: SecretFact[];
  mounts: SecretMount[];
  servers: ServerFact[];
  issuers: IssuerFact[];
  requests: CertificateRequestFact[];
}

const MAX_DEPTH_ITEMS = 10_000;

/** The facts of one YAML file; an unreadable file has none. Never throws. */
export function yamlFacts(text: string): YamlFacts {
  const out: YamlFacts = { secrets: [], mounts: [], servers: [], issuers: [], requests: [] };
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    const parsed = parseAllDocuments(text, { uniqueKeys: false });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch {
    return out;
  }
  for (const doc of docs.slice(0, MAX_DEPTH_ITEMS)) {
    const root = doc.contents as Node | null;
    if (!root || !isMap(root)) continue;
    const items = str(root, ['kind']) === 'List' ? node(root, ['items']) : undefined;
    const resources = isSeq(items) ? items.items.filter(isMap) : [root];
    for (const r of resources) {
      try {
        resource(r as YAMLMap, out);
      } catch {
        // A shape we do not expect gives no facts, never an exception.
      }
    }
  }
  return out;
}

function resource(r: YAMLMap, out: YamlFacts): void {
  const kind = str(r, ['kind']);
  const api = str(r, ['apiVersion']) ?? '';
  const name = str(r, ['metadata', 'name']);
  const nameNode = node(r, ['metadata', 'name']);
  if (!kind || !name || !nameNode) return;
  const namespace = str(r, ['metadata', 'namespace']);
  const head = { name, nameSpan: spanOf(nameNode), ...(namespace ? { namespace } : {}) };
  const group = api.split('/')[0] ?? '';
  if (kind === 'Secret' && (api === 'v1' || api === '')) out.secrets.push({ ...head, extent: spanOf(r), entries: secretEntries(r) });
  else if (kind === 'PerconaPGCluster' && group === 'pgv2.percona.com') out.servers.push(crunchy(r, kind, head, ['spec', 'secrets'], true));
  else if (kind === 'PostgresCluster' && group === 'postgres-operator.crunchydata.com') out.servers.push(crunchy(r, kind, head, ['spec'], false));
  else if (kind === 'postgresql' && (group === 'acid.zalan.do' || group === 'cpo.opensource.cybertec.at')) out.servers.push(spilo(r, kind, head));
  else if (kind === 'Pgpool' && group === 'kubedb.com') out.servers.push(kubedbPgpool(r, kind, head));
  else if ((kind === 'Issuer' || kind === 'ClusterIssuer') && group === 'cert-manager.io') out.issuers.push(issuer(r, kind, head));
  else if (kind === 'Certificate' && group === 'cert-manager.io') out.requests.push(request(r, head));
  else if (POD_SPEC[kind] && (group === 'apps' || group === 'batch' || api === 'v1')) out.mounts.push(...secretMounts(r, kind, head));
}

const POD_SPEC: Record<string, string[]> = {
  Pod: ['spec'], Deployment: ['spec', 'template', 'spec'], StatefulSet: ['spec', 'template', 'spec'], DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'], Job: ['spec', 'template', 'spec'], CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** `items: [{ key, path }]` of a projection or a volume source, with each entry's place. */
function projectedItems(list: Node | undefined): ProjectedItem[] | undefined {
  if (!isSeq(list) || !list.items.length) return undefined;
  const out: ProjectedItem[] = [];
  for (const i of list.items) {
    if (!isMap(i)) continue;
    const key = str(i, ['key']);
    const path = str(i, ['path']);
    if (key && path) out.push({ key, path, span: spanOf(i) });
  }
  return out;
}

/**
 * The Secret volumes a workload's containers mount (whole mounts, not `subPath` ones), as the Kubernetes API reads
 * them (Volume, VolumeMount, KeyToPath): `secret.secretName` and the `secret` sources of a projected volume.
 */
function secretMounts(r: YAMLMap, kind: string, head: Head): SecretMount[] {
  const spec = node(r, POD_SPEC[kind]!);
  if (!isMap(spec)) return [];
  const volumes = new Map<string, { secret: string; span: Span; items?: ProjectedItem[] }[]>();
  const vols = node(spec, ['volumes']);
  for (const v of isSeq(vols) ? vols.items : []) {
    if (!isMap(v)) continue;
    const name = str(v, ['name']);
    if (!name) continue;
    const sources: Node[] = [];
    const single = node(v, ['secret']);
    if (isMap(single)) sources.push(single);
    const projected = node(v, ['projected', 'sources']);
    for (const p of isSeq(projected) ? projected.items : []) {
      const sec = isMap(p) ? node(p, ['secret']) : undefined;
      if (isMap(sec)) sources.push(sec);
    }
    const list = sources.flatMap(src => {
      const key = node(src, ['secretName']) ? 'secretName' : 'name';
      const secret = str(src, [key]);
      const at = node(src, [key]);
      const items = projectedItems(node(src, ['items']));
      return secret && at ? [{ secret, span: spanOf(at), ...(items ? { items } : {}) }] : [];
    });
    if (list.length) volumes.set(name, list);
  }
  const out: SecretMount[] = [];
  const containers = [node(spec, ['initContainers']), node(spec, ['containers'])].flatMap(c => (isSeq(c) ? c.items : []));
  for (const c of containers) {
    if (!isMap(c)) continue;
    const mounts = node(c, ['volumeMounts']);
    for (const m of isSeq(mounts) ? mounts.items : []) {
      if (!isMap(m) || str(m, ['subPath']) || str(m, ['subPathExpr'])) continue;
      const mountPath = str(m, ['mountPath']);
      const vol = volumes.get(str(m, ['name']) ?? '');
      if (!vol || !mountPath?.startsWith('/')) continue;
      const owner = `${kind} ${head.name}, container ${str(c, ['name']) ?? '?'}`;
      for (const v of vol) out.push({ owner, ...(head.namespace ? { namespace: head.namespace } : {}), mountPath, ...v });
    }
  }
  return out;
}

type Head = { name: string; nameSpan: Span; namespace?: string };

function secretEntries(r: YAMLMap): SecretEntry[] {
  const out: SecretEntry[] = [];
  for (const field of ['data', 'stringData']) {
    const m = node(r, [field]);
    if (!isMap(m)) continue;
    for (const pair of m.items) {
      if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') continue;
      const key = String(pair.key.value);
      const text = field === 'data' ? latin1(decodeBase64(pair.value.value)) : pair.value.value;
      if (!text) continue;
      const blocks = readPemBlocks(text);
      const certPem = blocks.filter(b => CERTIFICATE_LABELS.has(b.label)).map(b => b.text).join('');
      const hasKey = blocks.some(b => isPrivateKeyLabel(b.label));
      if (!certPem && !hasKey) continue;
      out.push({ key, span: [spanOf(pair.key as Node)[0], spanOf(pair.value as Node)[1]], certPem, hasKey });
    }
  }
  return out;
}

/** Percona (`spec.secrets.*`, with a root CA Secret) and Crunchy PGO v5 (`spec.*`): the Secrets of k8s/check/crunchy.ts. */
function crunchy(r: YAMLMap, kind: string, head: Head, base: string[], rootCa: boolean): ServerFact {
  const uses: SecretUse[] = [];
  const cluster = head.name;
  const pgBouncer = isMap(node(r, ['spec', 'proxy', 'pgBouncer']));
  const ref = (path: string[], u: Omit<SecretUse, 'secret' | 'field' | 'span'>) => {
    const n = node(r, [...path, 'name']);
    const secret = str(r, [...path, 'name']);
    const items = projectedItems(node(r, [...path, 'items']));
    if (n && secret) uses.push({ secret, field: path.join('.'), span: spanOf(n), ...u, ...(items ? { items } : {}) });
  };
  // Percona mounts the cluster certificate at /pgconf/tls (reference/operators.md §2.1).
  ref([...base, 'customTLSSecret'], { role: 'serves', certKey: 'tls.crt', services: [`${cluster}-primary`, `${cluster}-replicas`], ...(rootCa ? { mountPath: '/pgconf/tls' } : {}) });
  ref([...base, 'customReplicationTLSSecret'], { role: 'authenticates', certKey: 'tls.crt', user: '_crunchyrepl' });
  if (rootCa) ref([...base, 'customRootCATLSSecret'], { role: 'trusts', certKey: 'root.crt' });
  if (pgBouncer) ref(['spec', 'proxy', 'pgBouncer', 'customTLSSecret'], { role: 'serves', certKey: 'tls.crt', services: [`${cluster}-pgbouncer`] });
  return { kind, ...head, uses };
}

/** CYBERTEC CPO and Zalando: `spec.tls` (the served certificate and the CA Secret). */
function spilo(r: YAMLMap, kind: string, head: Head): ServerFact {
  const uses: SecretUse[] = [];
  const services = spiloServices(head.name, r.toJSON());
  const secret = str(r, ['spec', 'tls', 'secretName']);
  const n = node(r, ['spec', 'tls', 'secretName']);
  if (secret && n) uses.push({ secret, field: 'spec.tls.secretName', span: spanOf(n), role: 'serves', certKey: str(r, ['spec', 'tls', 'certificateFile']) || 'tls.crt', services });
  const ca = str(r, ['spec', 'tls', 'caSecretName']);
  const c = node(r, ['spec', 'tls', 'caSecretName']);
  if (ca && c) uses.push({ secret: ca, field: 'spec.tls.caSecretName', span: spanOf(c), role: 'trusts', certKey: str(r, ['spec', 'tls', 'caFile']) || 'ca.crt' });
  return { kind, ...head, uses };
}

/** KubeDB Pgpool: the `server` certificate's Secret (defaulted to `<name>-server-cert`) and its issuer. */
function kubedbPgpool(r: YAMLMap, kind: string, head: Head): ServerFact {
  const uses: SecretUse[] = [];
  const certs = node(r, ['spec', 'tls', 'certificates']);
  const list = isSeq(certs) ? certs.items : [];
  const index = list.findIndex(c => isMap(c) && str(c as YAMLMap, ['alias']) === 'server');
  const entry = index >= 0 ? list[index] as YAMLMap : undefined;
  const explicit = entry ? str(entry, ['secretName']) : undefined;
  const issuerNode = node(r, ['spec', 'tls', 'issuerRef']);
  const secretName = explicit ?? (isMap(issuerNode) ? `${head.name}-server-cert` : undefined);
  const at = explicit ? node(entry!, ['secretName']) : index >= 0 ? node(entry!, ['alias']) : issuerNode;
  if (secretName && at) uses.push({ secret: secretName, field: 'spec.tls.certificates[server]', span: spanOf(at), role: 'serves', certKey: 'tls.crt', services: [head.name] });
  const issuerName = str(r, ['spec', 'tls', 'issuerRef', 'name']);
  const issuerAt = node(r, ['spec', 'tls', 'issuerRef', 'name']);
  const fact: ServerFact = { kind, ...head, uses };
  if (issuerName && issuerAt) {
    fact.issuer = { name: issuerName, kind: str(r, ['spec', 'tls', 'issuerRef', 'kind']) ?? 'Issuer', span: spanOf(issuerAt), ...(secretName ? { secret: secretName } : {}) };
  }
  return fact;
}

function issuer(r: YAMLMap, kind: 'Issuer' | 'ClusterIssuer', head: Head): IssuerFact {
  const spec = node(r, ['spec']);
  const type = isMap(spec) ? spec.items.map(p => (isPair(p) && isScalar(p.key) ? String(p.key.value) : '')).find(k => ['ca', 'selfSigned', 'acme', 'vault', 'venafi'].includes(k)) ?? 'unknown' : 'unknown';
  const fact: IssuerFact = { kind, ...head, type };
  const ca = str(r, ['spec', 'ca', 'secretName']);
  const at = node(r, ['spec', 'ca', 'secretName']);
  if (ca && at) fact.caSecret = { name: ca, span: spanOf(at) };
  return fact;
}

function request(r: YAMLMap, head: Head): CertificateRequestFact {
  const names = node(r, ['spec', 'dnsNames']);
  const dnsNames = isSeq(names) ? names.items.flatMap(n => (isScalar(n) && typeof n.value === 'string' ? [n.value] : [])) : [];
  const fact: CertificateRequestFact = { ...head, dnsNames };
  const secret = str(r, ['spec', 'secretName']);
  const at = node(r, ['spec', 'secretName']);
  if (secret && at) fact.secret = { name: secret, span: spanOf(at) };
  const iname = str(r, ['spec', 'issuerRef', 'name']);
  const iat = node(r, ['spec', 'issuerRef', 'name']);
  if (iname && iat) fact.issuer = { name: iname, kind: str(r, ['spec', 'issuerRef', 'kind']) ?? 'Issuer', span: spanOf(iat) };
  return fact;
}

function node(m: Node, path: readonly (string | number)[]): Node | undefined {
  let cur: unknown = m;
  for (const p of path) {
    if (!isMap(cur) && !isSeq(cur)) return undefined;
    cur = (cur as YAMLMap).get(p, true);
  }
  return (cur ?? undefined) as Node | undefined;
}

function str(m: Node, path: readonly (string | number)[]): string | undefined {
  const n = node(m, path);
  return isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') && String(n.value) !== '' ? String(n.value) : undefined;
}

function spanOf(n: Node): Span {
  const r = n.range;
  return r ? [r[0], r[1]] : [0, 0];
}

function latin1(bytes: Uint8Array | undefined): string {
  if (!bytes) return '';
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * Where the "Show TLS Map" code lens goes: each operator resource's name, the top of a pgpool.conf; none with
 * `pgtls.mapCodeLens` off.
 */
export function mapLensSpans(text: string, languageId: string, settings: Pick<Settings, 'mapCodeLens'>): Span[] {
  if (!settings.mapCodeLens) return [];
  if (languageId === 'pgpool-conf') return [[0, 0]];
  if (languageId !== 'yaml' || !/\b(PerconaPGCluster|PostgresCluster|postgresql|Pgpool)\b/.test(text)) return [];
  return yamlFacts(text).servers.map(s => s.nameSpan);
}
