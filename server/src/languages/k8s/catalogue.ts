/**
 * The catalogue of the YAML mode, i.e. the schemas: those of the built-in kinds (the JSON, for hover, completion and null pruning, read lazily through
 * `env.loadJson`, and the precompiled validators, generated/validators.js, see scripts/gen-k8s-validators.ts); the
 * queries on any schema (ours or a user's CRD's) that validation, hover and completion share; and what a field's
 * schema says, as the markdown of hover and completion.
 */
import type { ValidateFunction } from 'ajv';
import type { ServiceEnv } from '../../core/types';
import { listing } from '../../core/text';
import validators from './generated/validators';

export type JsonSchema = { [k: string]: unknown };

const obj = (x: unknown): JsonSchema | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as JsonSchema) : undefined);

/** The sub-schemas that describe `seg` under `s` (properties, additionalProperties, items; through allOf/anyOf/oneOf). */
export function childSchemas(s: JsonSchema | undefined, seg: string): JsonSchema[] {
  if (!s) return [];
  const out: JsonSchema[] = [];
  const props = obj(s.properties);
  const own = props ? obj(props[seg]) : undefined;
  if (own) out.push(own);
  else if (/^\d+$/.test(seg) && obj(s.items)) out.push(obj(s.items)!);
  else if (obj(s.additionalProperties)) out.push(obj(s.additionalProperties)!);
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const list = s[k];
    if (Array.isArray(list)) for (const b of list) out.push(...childSchemas(obj(b), seg));
  }
  return out;
}

/** The first sub-schema at a data path (enough for our schemas, which have no `$ref`). */
export function schemaAt(root: JsonSchema | undefined, path: readonly string[]): JsonSchema | undefined {
  let cur = root;
  for (const seg of path) {
    cur = childSchemas(cur, seg)[0];
    if (!cur) return undefined;
  }
  return cur;
}

/** Field names a schema object declares (own properties and those of allOf/anyOf/oneOf branches). */
export function declaredFields(s: JsonSchema | undefined): string[] {
  if (!s) return [];
  const out = new Set(Object.keys(obj(s.properties) ?? {}));
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const list = s[k];
    if (Array.isArray(list)) for (const b of list) for (const f of declaredFields(obj(b))) out.add(f);
  }
  return [...out];
}

/** A copy of `value` without `null` on fields whose schema is not `nullable` (unknown fields keep it, to be reported). */
export function pruneNulls(value: unknown, schema: JsonSchema | undefined): unknown {
  if (Array.isArray(value)) return value.map((v, i) => pruneNulls(v, childSchemas(schema, String(i))[0]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const sub = childSchemas(schema, k);
      if (v === null && sub.length > 0 && !sub.some(s => s.nullable === true)) continue;
      out[k] = pruneNulls(v, sub[0]);
    }
    return out;
  }
  return value;
}

/** `spec.tls.certificates[0].alias` */
export function fieldPath(path: readonly string[]): string {
  let out = '';
  for (const seg of path) out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || 'the document';
}

/** True when `v`, written plain, stays a string under YAML 1.1 (no boolean, null, number look-alike, no indicator). */
export function plainIsString(v: string): boolean {
  if (v === '' || /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/.test(v)) return false;
  if (/^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$/.test(v) || /^[-+]?0x[0-9a-fA-F_]+$/.test(v) || /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(v)) return false;
  return !/^[-?:,[\]{}#&*!|>'"%@`]|: | #|:$/.test(v) && v.trim() === v;
}

const loaded = new WeakMap<ServiceEnv, Map<string, JsonSchema | undefined>>();

/** The JSON Schema of a built-in kind (`schemas/k8s/<file>`); `undefined` when it cannot be read. */
export function builtinSchema(env: ServiceEnv, file: string): JsonSchema | undefined {
  let m = loaded.get(env);
  if (!m) loaded.set(env, (m = new Map()));
  if (!m.has(file)) {
    let s: JsonSchema | undefined;
    try {
      const v = env.loadJson(`k8s/${file}`);
      s = v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonSchema) : undefined;
    } catch {
      s = undefined;
    }
    m.set(file, s);
  }
  return m.get(file);
}

/** The precompiled validator of a built-in kind's schema. */
export function builtinValidator(file: string): ValidateFunction | undefined {
  return validators[file];
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

/** A field's type in words (`string`, `list of object`, `map of string`, `integer or string`). */
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
