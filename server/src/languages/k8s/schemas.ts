/**
 * The schemas of the built-in kinds: the JSON (for hover, completion and null pruning) read lazily through
 * `env.loadJson`, and the precompiled validators (generated/validators.js, see scripts/gen-k8s-validators.ts).
 */
import type { ValidateFunction } from 'ajv';
import type { ServiceEnv } from '../../core/types';
import validators from './generated/validators';
import type { JsonSchema } from './schemaCheck';

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
