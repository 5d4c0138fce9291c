/**
 * Go-to-definition in the YAML mode: from a field that names another resource (a Secret, a cert-manager Issuer or
 * ClusterIssuer) to that resource's `metadata.name` in the workspace. The workspace is the one the rules see
 * (`WorkspaceResources`: the language server's index with open buffers first, else the YAML files beside the file).
 *
 * The Secret references start from the rule modules' own tables (`SECRET_REFERENCES` of secretRefs.ts and Percona's
 * `PROJECTIONS`), so a reference the rules learn about is navigable too; the fields no rule checks yet (the cert-manager
 * CA Issuer's Secret, KubeDB's issuer references, pull secrets…) are added here.
 */
import { isScalar, type Node } from 'yaml';
import type { DefinitionLocation, FeatureContext } from '../../core/language';
import type { SourceDocument, Span } from '../../core/types';
import { stringAt } from './data';
import { documentAt, featureWorkspace, nodeAt } from './hover';
import { PROJECTIONS } from './modules/percona';
import { SECRET_REFERENCES } from './modules/secretRefs';
import type { K8sFile } from './parse';
import type { IndexedDocument, WorkspaceResources } from './workspace';

/** A field of a resource that holds the name of another resource. */
export interface ResourceReference {
  apiVersion: string;
  kind: string;
  /** Data path of the name; `*` stands for any list index. */
  path: readonly string[];
  /** What the name refers to: a Secret, or a cert-manager issuer whose kind the sibling `kind` field says. */
  target: 'Secret' | 'issuer';
  /**
   * The Secret is not in the resource's namespace: a ClusterIssuer's CA Secret lives in cert-manager's cluster
   * resource namespace (a flag of the cert-manager deployment), so any namespace matches.
   */
  anyNamespace?: boolean;
}

const CPO = 'cpo.opensource.cybertec.at/v1';
const PERCONA = 'pgv2.percona.com/v2';
const CM = 'cert-manager.io/v1';
const KUBEDB = 'kubedb.com/v1alpha2';
const KUBEDB_OPS = 'ops.kubedb.com/v1alpha1';

const secretRef = (apiVersion: string, kind: string, path: readonly string[], anyNamespace = false): ResourceReference =>
  ({ apiVersion, kind, path, target: 'Secret', ...(anyNamespace ? { anyNamespace } : {}) });

/** Every reference go-to-definition follows. */
export const RESOURCE_REFERENCES: readonly ResourceReference[] = dedupe([
  ...SECRET_REFERENCES.map(r => secretRef(r.apiVersion, r.kind, r.path)),
  ...PROJECTIONS.map(f => secretRef(PERCONA, 'PerconaPGCluster', ['spec', 'secrets', f, 'name'])),
  secretRef(PERCONA, 'PerconaPGCluster', ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name']),
  secretRef(PERCONA, 'PerconaPGCluster', ['spec', 'imagePullSecrets', '*', 'name']),
  secretRef(CPO, 'postgresql', ['spec', 'tls', 'secretName']),
  secretRef(CPO, 'postgresql', ['spec', 'tls', 'caSecretName']),
  secretRef(CPO, 'postgresql', ['spec', 'patroni', 'multisite', 'etcd', 'certSecretName']),
  secretRef(CM, 'Issuer', ['spec', 'ca', 'secretName']),
  secretRef(CM, 'ClusterIssuer', ['spec', 'ca', 'secretName'], true),
  secretRef(CM, 'Issuer', ['spec', 'acme', 'privateKeySecretRef', 'name']),
  secretRef(CM, 'ClusterIssuer', ['spec', 'acme', 'privateKeySecretRef', 'name'], true),
  secretRef(CM, 'Certificate', ['spec', 'secretName']),
  secretRef(CM, 'Certificate', ['spec', 'keystores', 'jks', 'passwordSecretRef', 'name']),
  secretRef(CM, 'Certificate', ['spec', 'keystores', 'pkcs12', 'passwordSecretRef', 'name']),
  { apiVersion: CM, kind: 'Certificate', path: ['spec', 'issuerRef', 'name'], target: 'issuer' },
  secretRef(KUBEDB, 'Pgpool', ['spec', 'tls', 'certificates', '*', 'secretName']),
  secretRef(KUBEDB, 'Pgpool', ['spec', 'authSecret', 'name']),
  secretRef(KUBEDB, 'Pgpool', ['spec', 'configuration', 'secretName']),
  { apiVersion: KUBEDB, kind: 'Pgpool', path: ['spec', 'tls', 'issuerRef', 'name'], target: 'issuer' },
  { apiVersion: KUBEDB, kind: 'Pgpool', path: ['spec', 'tls', 'certificates', '*', 'issuerRef', 'name'], target: 'issuer' },
  secretRef(KUBEDB_OPS, 'PgpoolOpsRequest', ['spec', 'tls', 'certificates', '*', 'secretName']),
  { apiVersion: KUBEDB_OPS, kind: 'PgpoolOpsRequest', path: ['spec', 'tls', 'issuerRef', 'name'], target: 'issuer' },
  { apiVersion: KUBEDB_OPS, kind: 'PgpoolOpsRequest', path: ['spec', 'tls', 'certificates', '*', 'issuerRef', 'name'], target: 'issuer' },
]);

function dedupe(refs: ResourceReference[]): ResourceReference[] {
  const seen = new Set<string>();
  return refs.filter(r => {
    const k = `${r.apiVersion} ${r.kind} ${r.path.join('.')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const matches = (pattern: readonly string[], path: readonly string[]): boolean =>
  pattern.length === path.length && pattern.every((p, i) => (p === '*' ? /^\d+$/.test(path[i]!) : p === path[i]));

/** The reference under a file offset: what it names, and the reference's own span (file-relative). */
export function referenceAt(file: K8sFile, offset: number): { ref: ResourceReference; name: string; span: Span; namespace: string | undefined; issuerKind?: 'Issuer' | 'ClusterIssuer' } | undefined {
  const d = documentAt(file, offset);
  const doc = d?.part.doc;
  if (!d || !doc) return undefined;
  const { apiVersion, kind, namespace } = d.part.header;
  const at = nodeAt(doc.contents as Node | null, offset - d.base);
  if (!at || !at.value || !isScalar(at.value) || typeof at.value.value !== 'string' || at.value.value === '') return undefined;
  // On the name itself, not on its key.
  const range = at.value.range;
  if (!range || offset - d.base < range[0] || offset - d.base > range[1]) return undefined;
  const ref = RESOURCE_REFERENCES.find(r => r.apiVersion === apiVersion && r.kind === kind && matches(r.path, at.path));
  if (!ref) return undefined;
  const value = stringAt(doc, at.path);
  if (!value) return undefined;
  const span: Span = [value.span[0] + d.base, value.span[1] + d.base];
  const out = { ref, name: value.value, span, namespace };
  if (ref.target === 'Secret') return out;
  // An issuer: cert-manager's own kinds only (an external issuer's group names some other API).
  const parent = at.path.slice(0, -1);
  const group = stringAt(doc, [...parent, kind === 'Certificate' ? 'group' : 'apiGroup'])?.value ?? '';
  if (group !== '' && group !== 'cert-manager.io') return undefined;
  const issuerKind = stringAt(doc, [...parent, 'kind'])?.value ?? 'Issuer';
  if (issuerKind !== 'Issuer' && issuerKind !== 'ClusterIssuer') return undefined;
  return { ...out, issuerKind };
}

/** The declarations of the resource that the reference under `offset` names; empty when there is none. */
export function definition(doc: SourceDocument, file: K8sFile, offset: number, ctx: FeatureContext): DefinitionLocation[] {
  const at = referenceAt(file, offset);
  if (!at) return [];
  const ws = featureWorkspace(doc.path, file, ctx);
  let found: IndexedDocument[];
  if (at.ref.target === 'Secret') {
    const ns = at.ref.anyNamespace ? undefined : at.namespace;
    found = ws.find('Secret', at.name, ns, 'v1');
    // Same namespace first: a Secret without a namespace in its manifest matches any, but an exact match wins.
    const exact = ns ? found.filter(f => f.header.namespace === ns) : [];
    if (exact.length) found = exact;
  } else {
    const other = at.issuerKind === 'ClusterIssuer' ? 'Issuer' : 'ClusterIssuer';
    found = lookIssuer(ws, at.issuerKind!, at.name, at.namespace);
    // A reference with the wrong kind still leads somewhere useful (cert-manager/issuer-scope reports the mismatch).
    if (!found.length) found = lookIssuer(ws, other, at.name, at.namespace);
  }
  return found.map(f => ({ file: f.path, span: nameSpan(f) }));
}

function lookIssuer(ws: WorkspaceResources, kind: 'Issuer' | 'ClusterIssuer', name: string, namespace: string | undefined): IndexedDocument[] {
  if (kind === 'ClusterIssuer') return ws.find('ClusterIssuer', name, undefined, CM);
  const all = ws.find('Issuer', name, undefined, CM);
  const same = namespace ? all.filter(f => !f.header.namespace || f.header.namespace === namespace) : all;
  return same.length ? same : all;
}

/** The span of a found document's `metadata.name` value (file-relative), else of its first line. */
function nameSpan(f: IndexedDocument): Span {
  const part = f.doc.part;
  const at = part.doc ? stringAt(part.doc, ['metadata', 'name']) : undefined;
  if (at) return [at.span[0] + f.doc.base, at.span[1] + f.doc.base];
  const start = Math.max(0, part.source.search(/\S/));
  const nl = part.source.indexOf('\n', start);
  return [start + f.doc.base, (nl < 0 ? part.source.length : nl) + f.doc.base];
}
