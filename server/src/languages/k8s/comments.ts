/**
 * Where suppression comments (core/suppress.ts) may go in a YAML file. A comment line inside a multi-line scalar
 * would become part of its value (a certificate in a block scalar, a pg_hba text), so a finding there is anchored at
 * the line where the scalar starts (`key: |`), above which a comment changes nothing. And templated documents (Helm)
 * are not checked, so a suppression comment there, meant for the rendered output, is never reported unused.
 */
import { isCollection, isScalar, visit, type Node } from 'yaml';
import type { K8sDocument, K8sFile } from './parse';

function documentAt(file: K8sFile, offset: number): K8sDocument | undefined {
  let hit: K8sDocument | undefined;
  for (const d of file.documents) if (d.base <= offset) hit = d;
  return hit && offset <= hit.base + hit.part.source.length ? hit : undefined;
}

/** The start of the multi-line scalar holding `offset` on one of its later lines; `undefined` elsewhere. */
export function commentAnchor(file: K8sFile, offset: number): number | undefined {
  const d = documentAt(file, offset);
  if (!d?.part.doc) return undefined;
  const rel = offset - d.base;
  const inside = (n: Node) => !!n.range && n.range[0] <= rel && rel < n.range[2];
  let anchor: number | undefined;
  visit(d.part.doc, {
    Node(_key, node) {
      if (isScalar(node)) {
        if (inside(node) && d.part.source.lastIndexOf('\n', rel - 1) >= node.range![0]) anchor = d.base + node.range![0];
        return visit.SKIP;
      }
      return isCollection(node) && node.range && !inside(node) ? visit.SKIP : undefined;
    },
  });
  return anchor;
}

/** False inside a templated document. */
export function checksAt(file: K8sFile, offset: number): boolean {
  return !documentAt(file, offset)?.part.templated;
}
