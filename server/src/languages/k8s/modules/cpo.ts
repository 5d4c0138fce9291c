/**
 * CYBERTEC CPO `postgresql` (cpo.opensource.cybertec.at/v1), document-local TLS rules: an empty `tls.secretName`
 * turns TLS off (C2), `caSecretName` without `caFile` is ignored (C3). A missing `secretName` is the schema's
 * `required` (C1). The keys of the referenced Secrets are checked in secretKeys.ts. Facts: operators.md §3.2.
 */
import type { Resource, RuleModule } from './types';
import { get, isObj, rule, spanAt, str } from './util';

const K8SRES = 'cybertec-postgresql/CYBERTEC-pg-operator@v0.9.2:pkg/cluster/k8sres.go';

export const CPO_RULES = {
  emptySecretName: rule('cpo/empty-secret-name', 'warning',
    '`spec.tls.secretName: ""` passes the CRD but turns custom TLS off: the whole `tls` block is ignored and the cluster serves a self-signed certificate nobody can verify.',
    `operators.md C1, C2; ${K8SRES} (~l.1511), pkg/cluster/connection_pooler.go (~l.362); manifests/complete-postgres-manifest.yaml comment`),
  caSecretWithoutCaFile: rule('cpo/ca-secret-without-ca-file', 'warning',
    '`spec.tls.caSecretName` without `caFile`: CPO mounts the CA Secret and sets SSL_CA_FILE only when `caFile` is set, so the CA is silently ignored.',
    `operators.md C3; ${K8SRES} (generateTlsMounts)`),
} as const;

export const cpoModule: RuleModule = {
  name: 'cpo',
  rules: Object.values(CPO_RULES),
  appliesTo: (r: Resource) => r.kind.apiVersion === 'cpo.opensource.cybertec.at/v1' && r.kind.kind === 'postgresql',
  checkDocument(r, ctx) {
    const tls = get(r.data, ['spec', 'tls']);
    if (!isObj(tls)) return;
    const secretName = str(tls.secretName);
    if (secretName === '') {
      const others = ['certificateFile', 'privateKeyFile', 'caFile', 'caSecretName'].filter(k => str(tls[k]));
      ctx.report(CPO_RULES.emptySecretName, spanAt(r, ['spec', 'tls', 'secretName']),
        `An empty \`secretName\` turns custom TLS off: CPO ignores the whole \`tls\` block${others.length ? ` (${others.map(k => `\`${k}\``).join(', ')} included)` : ''} and the cluster serves its self-signed certificate, which clients cannot verify. Set \`secretName\` to the Secret holding tls.crt and tls.key, or remove \`tls\`.`);
      return;
    }
    const caSecret = str(tls.caSecretName);
    const caFile = str(tls.caFile);
    if (caSecret && !caFile) {
      ctx.report(CPO_RULES.caSecretWithoutCaFile, spanAt(r, ['spec', 'tls', 'caSecretName']),
        `\`caSecretName: ${caSecret}\` has no effect without \`caFile\`: CPO mounts the CA Secret at /tlsca and sets SSL_CA_FILE only when \`caFile\` is set, so no CA is configured and client certificates cannot be verified. Add \`caFile: ca.crt\` (the key of the CA in that Secret).`);
    }
  },
};
