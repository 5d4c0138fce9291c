/**
 * The rules of the YAML mode that are not specific to one operator: YAML itself, schema validation, and the
 * cross-document references. Operator rule modules (modules.ts) add their own.
 */
import type { RuleMeta } from '../../core/types';

const rule = (id: string, severity: RuleMeta['severity'], description: string, source: string): RuleMeta => ({ id, severity, description, source });

export const YAML_RULES = {
  syntaxError: rule('yaml/syntax-error', 'error', 'YAML that does not parse, in a document that is one of the resources pgtls validates (kubectl refuses the file).', 'YAML 1.1 as read by sigs.k8s.io/yaml (go-yaml v2); errors as reported by the eemeli/yaml parser'),
  duplicateKey: rule('yaml/duplicate-key', 'error', 'A key that appears twice in the same map: kubectl\'s strict field validation rejects it, other clients silently keep the last value.', 'Kubernetes strict field validation (kubectl --validate=strict, the default), go-yaml v2 decoding'),
  tooComplex: rule('yaml/too-complex', 'error', 'A document nested too deeply or whose aliases expand too far (a "billion laughs" document): neither kubectl nor pgtls reads it.', 'go-yaml v2 limits ("excessive aliasing"); pgtls nesting limit'),
} as const;

export const SCHEMA_RULES = {
  unknownField: rule('schema/unknown-field', 'error', 'A field the resource\'s schema does not have (often a typo such as the KubeDB docs\' `cientAuthMode`); kubectl rejects it and the API server would drop it.', 'the operator\'s CRD (schemas/k8s), Kubernetes strict field validation and pruning'),
  invalidValue: rule('schema/invalid-value', 'error', 'A value outside the field\'s allowed values (enums are exact: `disable`, not `disabled`; `PKCS8`, not `pkcs8`).', 'the operator\'s CRD (schemas/k8s) enum and const constraints'),
  wrongType: rule('schema/wrong-type', 'error', 'A value of the wrong type, e.g. an unquoted `17` where the CRD wants the string "17", or `yes` where it wants a string.', 'the operator\'s CRD (schemas/k8s) types, with YAML 1.1 scalars as kubectl reads them'),
  missingField: rule('schema/missing-field', 'error', 'A required field is missing (after the CRD defaults are applied, as the API server does).', 'the operator\'s CRD (schemas/k8s) required lists and defaults'),
  outOfRange: rule('schema/out-of-range', 'error', 'A number, length or count outside the bounds the schema allows.', 'the operator\'s CRD (schemas/k8s) minimum/maximum/length constraints'),
  pattern: rule('schema/pattern', 'error', 'A string (or key) that does not match the form the schema requires, e.g. a resource name or base64 Secret data.', 'the operator\'s CRD (schemas/k8s) patterns; Kubernetes name and Secret data rules'),
  celRule: rule('schema/cel-rule', 'error', 'A CEL validation rule (`x-kubernetes-validations`) of a CustomResourceDefinition in the workspace fails for this resource.', 'the CustomResourceDefinition\'s x-kubernetes-validations, evaluated offline with @bufbuild/cel'),
  celNotChecked: rule('schema/cel-not-checked', 'info', 'A CEL validation rule of a CustomResourceDefinition in the workspace that pgtls cannot evaluate offline (a function it lacks); it is not checked.', 'the CustomResourceDefinition\'s x-kubernetes-validations'),
} as const;

export const SECRET_RULES = {
  notFound: rule('secret/not-found', 'info', 'A Secret a resource refers to is not in the workspace; it may exist only in the cluster, so this is a note, not an error.', 'the operators\' Secret references (operators.md: CPO spec.tls.secretName, ...)'),
} as const;

/** Rules of the mode itself; the rule modules register theirs (modules/index.ts). */
export const K8S_BASE_RULES: readonly RuleMeta[] = [...Object.values(YAML_RULES), ...Object.values(SCHEMA_RULES)];
