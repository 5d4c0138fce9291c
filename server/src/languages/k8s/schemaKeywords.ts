/**
 * The schema keywords ajv must accept besides JSON Schema draft-07 (C8): the Kubernetes structural-schema extensions,
 * which are annotations for validation purposes (CEL rules under `x-kubernetes-validations` are evaluated by crd.ts),
 * and our own `x-pgtls-*` annotations (see scripts/k8s-schema-drift.ts for their meaning). `nullable` is built into ajv.
 */
export const K8S_KEYWORDS = [
  'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations',
  'x-kubernetes-embedded-resource',
] as const;

export const PGTLS_KEYWORDS = ['x-pgtls-upstream', 'x-pgtls-runtime-default', 'x-pgtls-since', 'x-pgtls-versions', 'x-pgtls-structural'] as const;

/** Options shared by the build-time precompilation and the runtime ajv (users' CRDs), so both behave alike. */
export const AJV_OPTIONS = {
  strict: true,
  allErrors: true,
  // Defaults are applied before `required` is checked, as the API server does (on a copy of the document's data).
  useDefaults: true,
  logger: false,
} as const;
