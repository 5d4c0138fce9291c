/**
 * Go-to-definition in the YAML mode: from a field that names another resource (a Secret, a cert-manager Issuer or
 * ClusterIssuer) to that resource's `metadata.name` in the workspace. The workspace is the one the rules see
 * (`WorkspaceResources`: the language server's index with open buffers first, else the YAML files beside the file).
 * The fields it follows are references.ts's table, which the rules read too.
 */
import { isScalar, type Node } from 'yaml';
import type { DefinitionLocation, FeatureContext } from '../../core/language';
import type { SourceDocument, Span } from '../../core/types';
import { firstLineOf, stringAt } from './data';
import { documentAt, featureWorkspace, nodeAt } from './nav';
import type { K8sFile } from './parse';
import { CERT_MANAGER_API, RESOURCE_REFERENCES, type ResourceReference } from './references';
import type { IndexedDocument, WorkspaceResources } from './workspace';

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
  if (kind === 'ClusterIssuer') return ws.find('ClusterIssuer', name, undefined, CERT_MANAGER_API);
  const all = ws.find('Issuer', name, undefined, CERT_MANAGER_API);
  const same = namespace ? all.filter(f => !f.header.namespace || f.header.namespace === namespace) : all;
  return same.length ? same : all;
}

/** The span of a found document's `metadata.name` value (file-relative), else of its first line. */
function nameSpan(f: IndexedDocument): Span {
  const part = f.doc.part;
  const at = part.doc ? stringAt(part.doc, ['metadata', 'name']) : undefined;
  const span = at?.span ?? firstLineOf(part.source);
  return [span[0] + f.doc.base, span[1] + f.doc.base];
}
