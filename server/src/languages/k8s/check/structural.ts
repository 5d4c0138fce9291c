/**
 * The CRD structure below our own schemas (subtrees marked `x-pgtls-structural` by scripts/gen-k8s-schemas.ts: pod
 * templates, volumes, affinity, sidecars ...), checked from the schema data instead of precompiled ajv code, which for
 * these subtrees would be several times the size of everything else. The checks are those of a structural schema as
 * the API server applies them: unknown fields (closed objects unless `x-kubernetes-preserve-unknown-fields`), types
 * (int-or-string, nullable), enums, required fields (a field with a default counts as present), patterns and bounds.
 * The errors have ajv's shape, so check/schema.ts turns them into findings like ajv's own.
 */
import type { ErrorObject } from 'ajv';
import type { JsonSchema } from '../catalogue';

/** At most this many errors per document (a pasted pod spec in the wrong place must not flood the editor). */
const MAX_ERRORS = 200;

const isObj = (x: unknown): x is JsonSchema => !!x && typeof x === 'object' && !Array.isArray(x);
const pointer = (path: readonly string[]): string => path.map(s => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

const patterns = new Map<string, RegExp | undefined>();
function regexOf(p: string): RegExp | undefined {
  if (!patterns.has(p)) {
    let re: RegExp | undefined;
    try { re = new RegExp(p, 'u'); } catch { re = undefined; }
    patterns.set(p, re);
  }
  return patterns.get(p);
}

function typeOk(type: unknown, v: unknown): boolean {
  switch (type) {
    case 'object': return isObj(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    default: return true;
  }
}

/** Errors in the marked subtrees of `data` (already pruned of nulls and defaulted by ajv above them). */
export function structuralErrors(schema: JsonSchema, data: unknown): (ErrorObject & { alternatives?: ErrorObject[] })[] {
  const out: (ErrorObject & { alternatives?: ErrorObject[] })[] = [];
  const err = (path: string[], keyword: string, params: Record<string, unknown>, message: string) => {
    if (out.length < MAX_ERRORS) out.push({ keyword, instancePath: pointer(path), schemaPath: `#structural${pointer(path)}`, params, message });
  };

  const check = (s: JsonSchema, v: unknown, path: string[]): void => {
    if (out.length >= MAX_ERRORS || v === undefined || (v === null && s.nullable === true)) return;
    if (s['x-kubernetes-int-or-string'] === true) {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
        // As ajv reports a failed anyOf, already folded (check/schema.ts says "must be an integer or a string").
        const alt = (type: string): ErrorObject => ({ keyword: 'type', instancePath: pointer(path), schemaPath: '', params: { type }, message: `must be ${type}` });
        if (out.length < MAX_ERRORS) out.push({ keyword: 'anyOf', instancePath: pointer(path), schemaPath: '', params: {}, message: 'must match a schema in anyOf', alternatives: [alt('integer'), alt('string')] });
        return;
      }
    } else if (s.type !== undefined && !typeOk(s.type, v)) {
      err(path, 'type', { type: s.type }, `must be ${String(s.type)}`);
      return;
    }
    if (Array.isArray(s.enum) && !s.enum.some(e => e === v)) err(path, 'enum', { allowedValues: s.enum }, 'must be equal to one of the allowed values');
    if (typeof v === 'string') {
      const re = typeof s.pattern === 'string' ? regexOf(s.pattern) : undefined;
      if (re && !re.test(v)) err(path, 'pattern', { pattern: s.pattern }, `must match pattern "${String(s.pattern)}"`);
      bound(s, [...v].length, 'minLength', 'maxLength', 'characters', path);
    } else if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) err(path, 'minimum', { limit: s.minimum }, `must be >= ${s.minimum}`);
      if (typeof s.maximum === 'number' && v > s.maximum) err(path, 'maximum', { limit: s.maximum }, `must be <= ${s.maximum}`);
    } else if (Array.isArray(v)) {
      bound(s, v.length, 'minItems', 'maxItems', 'items', path);
      if (isObj(s.items)) v.forEach((item, i) => check(s.items as JsonSchema, item, [...path, String(i)]));
    } else if (isObj(v)) object(s, v, path);
  };

  const bound = (s: JsonSchema, n: number, min: string, max: string, what: string, path: string[]) => {
    if (typeof s[min] === 'number' && n < (s[min] as number)) err(path, min, { limit: s[min] }, `must NOT have fewer than ${String(s[min])} ${what}`);
    if (typeof s[max] === 'number' && n > (s[max] as number)) err(path, max, { limit: s[max] }, `must NOT have more than ${String(s[max])} ${what}`);
  };

  const object = (s: JsonSchema, v: JsonSchema, path: string[]) => {
    const props = isObj(s.properties) ? s.properties : {};
    if (Array.isArray(s.required)) {
      for (const r of s.required as string[]) {
        if (v[r] === undefined && !(isObj(props[r]) && props[r].default !== undefined)) err(path, 'required', { missingProperty: r }, `must have required property '${r}'`);
      }
    }
    const open = s['x-kubernetes-preserve-unknown-fields'] === true;
    for (const [k, child] of Object.entries(v)) {
      if (isObj(props[k])) check(props[k], child, [...path, k]);
      else if (isObj(s.additionalProperties)) check(s.additionalProperties, child, [...path, k]);
      else if (s.additionalProperties === false && !open) err(path, 'additionalProperties', { additionalProperty: k }, 'must NOT have additional properties');
    }
  };

  // Down our own schema to the marked subtrees, following the data.
  const find = (s: JsonSchema, v: unknown, path: string[]): void => {
    if (s['x-pgtls-structural'] === true) { check(s, v, path); return; }
    if (Array.isArray(v)) {
      if (isObj(s.items)) v.forEach((item, i) => find(s.items as JsonSchema, item, [...path, String(i)]));
    } else if (isObj(v)) {
      const props = isObj(s.properties) ? s.properties : {};
      for (const [k, child] of Object.entries(v)) {
        const sub = isObj(props[k]) ? props[k] : isObj(s.additionalProperties) ? s.additionalProperties : undefined;
        if (sub) find(sub, child, [...path, k]);
      }
    }
  };
  find(schema, data, []);
  return out;
}
