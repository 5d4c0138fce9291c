/**
 * Finding one's way in a YAML file for the features (hover, completion, definition): the document and the node under
 * an offset, the schema of a document (ours or a user's CRD's), and the workspace as the rules see it.
 */
import { isMap, isSeq, type Node, type Pair } from 'yaml';
import type { FeatureContext } from '../../core/language';
import type { SourceDocument } from '../../core/types';
import { customKinds } from './crd';
import { keyString } from './data';
import { isCustomGroup } from './detect';
import type { K8sDocument, K8sFile } from './parse';
import { builtinSchema, type JsonSchema } from './catalogue';
import { WorkspaceResources } from './workspace';

/** The workspace as the rules see it, for a feature request (hover, completion, definition) on `file`. */
export function featureWorkspace(path: string, file: K8sFile, ctx: FeatureContext): WorkspaceResources {
  return new WorkspaceResources(ctx, path, file);
}

/** The document whose text holds `offset`. */
export function documentAt(file: K8sFile, offset: number): K8sDocument | undefined {
  for (const d of file.documents) if (offset >= d.base && offset <= d.base + d.part.source.length) return d;
  return undefined;
}

export interface NodeAt {
  path: string[];
  /** The key under the cursor, when the cursor is on a key. */
  key?: Node;
  /** The value under the cursor (or the value of the hovered key). */
  value?: Node;
}

/** The data path of the node under a document-relative offset. */
export function nodeAt(root: Node | null | undefined, offset: number): NodeAt | undefined {
  const path: string[] = [];
  let cur: Node | null | undefined = root;
  for (let depth = 0; cur && depth < 256; depth++) {
    if (isMap(cur)) {
      let next: Node | undefined;
      for (const p of cur.items as Pair[]) {
        const k = p.key as Node | null;
        if (k?.range && offset >= k.range[0] && offset <= k.range[1]) {
          return { path: [...path, keyString(k)], key: k, ...(p.value ? { value: p.value as Node } : {}) };
        }
        const v = p.value as Node | null;
        if (v?.range && offset >= v.range[0] && offset <= v.range[1]) {
          // On a scalar value, the field is the pair's key (the hover range is the key).
          if (!isMap(v) && !isSeq(v)) return { path: [...path, keyString(k)], ...(k ? { key: k } : {}), value: v };
          path.push(keyString(k));
          next = v;
          break;
        }
      }
      if (!next) return undefined;
      cur = next;
    } else if (isSeq(cur)) {
      const i = cur.items.findIndex(it => { const r = (it as Node | null)?.range; return !!r && offset >= r[0] && offset <= r[1]; });
      if (i < 0) return undefined;
      path.push(String(i));
      cur = cur.items[i] as Node;
    } else {
      return { path, value: cur };
    }
  }
  return undefined;
}

/**
 * The schema of a document: ours for the built-in kinds, else the one a user's CRD (workspace, `pgtls.crdPaths`)
 * defines for its `apiVersion` and `kind`; `undefined` for anything else.
 */
export function schemaOf(doc: SourceDocument, file: K8sFile, d: K8sDocument, ctx: FeatureContext): JsonSchema | undefined {
  const target = d.part.target;
  if (target) return builtinSchema(ctx.env, target.schema);
  const { apiVersion, kind } = d.part.header;
  if (!kind || !isCustomGroup(apiVersion)) return undefined;
  const custom = customKinds(ctx, featureWorkspace(doc.path, file, ctx)).get(`${apiVersion} ${kind}`);
  if (!custom) return undefined;
  // The title line of hover over `apiVersion`/`kind` names the CRD.
  return typeof custom.schema.title === 'string' ? custom.schema : { ...custom.schema, title: custom.kind.title, description: custom.schema.description ?? '' };
}
