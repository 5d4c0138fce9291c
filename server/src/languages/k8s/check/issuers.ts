/**
 * cert-manager issuers of the workspace and their type (`acme`, `ca`, `selfSigned`, `vault`, `venafi`), for the rules
 * that depend on what issues a certificate (acme.ts, certificateNames.ts). An issuer that is not in the workspace, or
 * several of one name that disagree, give no answer.
 */
import { dataOf } from '../data';
import { type IndexedDocument } from '../workspace';
import type { LiveContext } from './types';
import { get, isObj } from './util';

export const CM = 'cert-manager.io/v1';
const ISSUER_TYPES = ['acme', 'ca', 'selfSigned', 'vault', 'venafi'] as const;
export type IssuerType = typeof ISSUER_TYPES[number];

/** An issuer of the workspace and what it is. */
export interface FoundIssuer {
  doc: IndexedDocument;
  kind: 'Issuer' | 'ClusterIssuer';
  type: IssuerType;
  spec: Record<string, unknown>;
}

/**
 * The issuer a reference names, with its type: an Issuer in the resource's namespace, or a ClusterIssuer. Undefined
 * when the workspace has none, or several that disagree on the type.
 */
export function issuerOf(ctx: LiveContext, kind: 'Issuer' | 'ClusterIssuer', name: string, namespace: string | undefined): FoundIssuer | undefined {
  const docs = ctx.workspace.find(kind, name, kind === 'ClusterIssuer' ? undefined : namespace, CM)
    .filter(d => kind === 'ClusterIssuer' || !namespace || !d.header.namespace || d.header.namespace === namespace);
  const found: FoundIssuer[] = [];
  for (const d of docs) {
    const spec = get(dataOf(d.doc.part).value, ['spec']);
    if (!isObj(spec)) continue;
    const types = ISSUER_TYPES.filter(t => spec[t] !== undefined && spec[t] !== null);
    if (types.length === 1) found.push({ doc: d, kind, type: types[0]!, spec });
  }
  if (!found.length || found.some(f => f.type !== found[0]!.type)) return undefined;
  return found[0];
}
