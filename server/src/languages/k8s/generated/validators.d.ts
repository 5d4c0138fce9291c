// Types of the generated module (scripts/gen-k8s-validators.ts): one precompiled ajv validator per schemas/k8s file.
import type { ValidateFunction } from 'ajv';

declare const validators: { readonly [schemaFile: string]: ValidateFunction | undefined };
export = validators;
