/**
 * CYBERTEC CPO `postgresql` (cpo.opensource.cybertec.at/v1), document-local TLS rules: an empty `tls.secretName`
 * turns TLS off (C2), `caSecretName` without `caFile` is ignored (C3), custom TLS without `spiloFSGroup` (C6, a note:
 * OpenShift and the operator-wide `spilo_fsgroup` are invisible from here), the clone source name (C11). A missing
 * `secretName` is the schema's `required` (C1). C10 (team-id prefix) is not checked: it depends on an operator option
 * that is off by default, so a name without the prefix is normal. The keys of the referenced Secrets are checked in
 * secretKeys.ts. Facts: operators.md §3.2.
 */
import type { Resource } from '../model';
import { CPO } from '../rules';
import type { WorkspaceResources } from '../workspace';
import type { DocumentContext, RuleModule } from './types';
import { addPairFix, get, isCpo, isObj, spanAt, str } from './util';

export const cpoModule: RuleModule = {
  name: 'cpo',
  appliesTo: isCpo,
  checkDocument(r, ctx) {
    checkClone(r, ctx);
    const tls = get(r.data, ['spec', 'tls']);
    if (!isObj(tls)) return;
    const secretName = str(tls.secretName);
    if (secretName === '') {
      const others = ['certificateFile', 'privateKeyFile', 'caFile', 'caSecretName'].filter(k => str(tls[k]));
      ctx.report(CPO['empty-secret-name'], spanAt(r, ['spec', 'tls', 'secretName']),
        `An empty \`secretName\` turns custom TLS off: CPO ignores the whole \`tls\` block${others.length ? ` (${others.map(k => `\`${k}\``).join(', ')} included)` : ''} and the cluster serves its self-signed certificate, which clients cannot verify. Set \`secretName\` to the Secret holding tls.crt and tls.key, or remove \`tls\`.`);
      return;
    }
    const caSecret = str(tls.caSecretName);
    const caFile = str(tls.caFile);
    if (caSecret && !caFile) {
      ctx.report(CPO['ca-secret-without-ca-file'], spanAt(r, ['spec', 'tls', 'caSecretName']),
        `\`caSecretName: ${caSecret}\` has no effect without \`caFile\`: CPO mounts the CA Secret at /tlsca and sets SSL_CA_FILE only when \`caFile\` is set, so no CA is configured and client certificates cannot be verified. Add \`caFile: ca.crt\` (the key of the CA in that Secret).`);
    }
  },
  checkLive(r, ctx) {
    // C6. Live, not document-local: the operator-wide `spilo_fsgroup` and OpenShift (which assigns the group itself)
    // can only be guessed from the other files of the workspace.
    const tls = get(r.data, ['spec', 'tls']);
    if (!isObj(tls) || !str(tls.secretName)) return;
    const fsGroup = get(r.data, ['spec', 'spiloFSGroup']);
    if (fsGroup !== undefined && fsGroup !== null) return;
    if (groupProvided(ctx.workspace)) return;
    const fix = addPairFix(r, ['spec'], 'spiloFSGroup: 103', 'Add spiloFSGroup: 103 (the group of the Spilo images)');
    ctx.report(CPO['missing-fs-group'], spanAt(r, ['spec', 'tls'], 'key'),
      'Custom TLS without `spiloFSGroup`: CPO mounts the certificate Secret readable by owner and group only (0640), and Spilo runs PostgreSQL as a non-root user, so unless the pod\'s fsGroup is that user\'s group PostgreSQL cannot read the private key. Add `spiloFSGroup: 103` (the group of the Spilo images); not needed when the operator configuration sets `spilo_fsgroup` or on OpenShift, which assigns the group itself.',
      fix ? { fixes: [fix] } : undefined);
  },
};

/** `spilo_fsgroup: 103` in an operator ConfigMap, OperatorConfiguration or Helm values file. */
const SPILO_FSGROUP = /\bspilo_fsgroup["']?\s*:\s*["']?\d+/;

/** Per validation run (one WorkspaceResources each): whether the workspace sets `spilo_fsgroup` or looks like OpenShift. */
const groupProvidedMemo = new WeakMap<WorkspaceResources, boolean>();

function groupProvided(ws: WorkspaceResources): boolean {
  let v = groupProvidedMemo.get(ws);
  if (v === undefined) {
    v = ws.documents('spilo_fsgroup').some(d => SPILO_FSGROUP.test(d.doc.part.source))
      || ws.documents('openshift.io/').some(d => /\.openshift\.io\//.test(d.header.apiVersion ?? ''));
    groupProvidedMemo.set(ws, v);
  }
  return v;
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** C11: a clone source named without a timestamp is a cluster name, validated as a DNS-1035 label. */
function checkClone(r: Resource, ctx: DocumentContext): void {
  const clone = get(r.data, ['spec', 'clone']);
  if (!isObj(clone)) return;
  const ts = clone.timestamp;
  if (typeof ts === 'string' && ts !== '') return;
  const name = str(clone.cluster);
  if (name === undefined || (name.length <= 63 && DNS_1035.test(name))) return;
  ctx.report(CPO['clone-cluster-name'], spanAt(r, ['spec', 'clone', 'cluster']),
    `\`cluster: ${JSON.stringify(name)}\` is not a valid cluster name to clone from: without \`timestamp\` CPO requires a DNS-1035 label (lower-case letters, digits and \`-\`, starting with a letter, at most 63 characters), marks this cluster Invalid and does not create it. Write the source cluster's name exactly.`);
}
