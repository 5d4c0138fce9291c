/**
 * Hover over a field of one of our resources: the field's description from the same schema the validator uses (C9),
 * its type, allowed values, the default the API server applies and the default the operator applies at run time
 * (`x-pgtls-runtime-default`), and version notes (`x-pgtls-since`). The hover range is the key.
 */
import { isMap, isSeq, type Node, type Pair } from 'yaml';
import type { FeatureContext } from '../../core/language';
import type { HoverResult, SourceDocument, Span } from '../../core/types';
import { listing } from '../../core/text';
import { keyString, nodeSpan } from './data';
import type { K8sDocument, K8sFile } from './parse';
import { fieldPath, schemaAt, type JsonSchema } from './schemaCheck';
import { builtinSchema } from './schemas';

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

export function hover(_doc: SourceDocument, file: K8sFile, offset: number, ctx: FeatureContext): HoverResult | undefined {
  const d = documentAt(file, offset);
  const target = d?.part.target;
  if (!d || !target || !d.part.doc) return undefined;
  const schema = builtinSchema(ctx.env, target.schema);
  const at = nodeAt(d.part.doc.contents as Node | null, offset - d.base);
  if (!schema || !at || at.path.length === 0) return undefined;
  const field = schemaAt(schema, at.path);
  if (!field) return undefined;
  const anchor = at.key ?? at.value;
  if (!anchor) return undefined;
  const span: Span = [nodeSpan(anchor)[0] + d.base, nodeSpan(anchor)[1] + d.base];
  const isRootId = at.path.length === 1 && (at.path[0] === 'apiVersion' || at.path[0] === 'kind');
  return { span, markdown: fieldMarkdown(at.path, field, isRootId ? schema : undefined) };
}

/** Markdown for a field: heading, description, allowed values, defaults, version notes. */
export function fieldMarkdown(path: readonly string[], field: JsonSchema, resource?: JsonSchema): string {
  const lines: string[] = [];
  lines.push(`**${path[path.length - 1]}** · ${typeText(field)} · \`${fieldPath(path)}\``);
  lines.push('');
  if (resource && typeof resource.title === 'string') lines.push(`${resource.title}: ${String(resource.description ?? '')}`, '');
  if (typeof field.description === 'string') lines.push(field.description, '');
  const facts: string[] = [];
  if (Array.isArray(field.enum)) facts.push(`Allowed values: ${listing(field.enum.map(String))} (exact spelling)`);
  if (field.const !== undefined) facts.push(`Must be \`${String(field.const)}\``);
  if (field.default !== undefined) facts.push(`Default (applied by the API server): \`${JSON.stringify(field.default)}\``);
  if (field['x-pgtls-runtime-default'] !== undefined) facts.push(`When unset, the operator uses \`${String(field['x-pgtls-runtime-default'])}\` at run time (not written into the object)`);
  const since = field['x-pgtls-since'];
  if (since && typeof since === 'object') {
    const { change, ...versions } = since as Record<string, unknown>;
    facts.push(`Since ${Object.entries(versions).map(([k, v]) => `${k} ${String(v)}`).join(', ')}${change ? `: ${String(change)}` : ''}`);
  }
  if (typeof field.minimum === 'number' || typeof field.maximum === 'number') facts.push(`Range: ${field.minimum ?? '…'} to ${field.maximum ?? '…'}`);
  if (typeof field.pattern === 'string') facts.push(`Pattern: \`${field.pattern}\``);
  if (Array.isArray(field.examples) && field.examples.length) facts.push(`Examples: ${listing(field.examples.map(e => (typeof e === 'string' ? e : JSON.stringify(e))))}`);
  for (const f of facts) lines.push(`- ${f}`);
  return lines.join('\n').trim();
}

export function typeText(s: JsonSchema): string {
  const t = s.type;
  if (Array.isArray(s.anyOf) && t === undefined) {
    const ts = (s.anyOf as JsonSchema[]).map(b => (typeof b.type === 'string' ? b.type : undefined)).filter(Boolean);
    if (ts.length) return ts.join(' or ');
  }
  if (t === 'array') {
    const items = s.items && typeof s.items === 'object' ? typeText(s.items as JsonSchema) : 'values';
    return `list of ${items}`;
  }
  if (t === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) {
    return `map of ${typeText(s.additionalProperties as JsonSchema)}`;
  }
  return typeof t === 'string' ? `${t}${s.nullable ? ' (or null)' : ''}` : 'any';
}

