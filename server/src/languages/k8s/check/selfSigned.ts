/**
 * Certificates issued directly by a `selfSigned` Issuer/ClusterIssuer of the workspace (issuers.ts finds its type):
 *
 * - an end-entity certificate (no `isCA: true`) that Crunchy PGO or Percona reads as its server, replication or
 *   PgBouncer certificate: cert-manager signs it with its own key, so it is its own CA and `ca.crt` is `tls.crt`
 *   (cert-manager docs "SelfSigned"); those operators need the server and replication certificates to share one
 *   `ca.crt`, which two self-signed leaves never do (cert-manager/cert-manager#4807);
 * - a certificate with no subject at all (no `commonName`, `subject` or `literalSubject`): the issuer DN of a
 *   self-signed certificate is its subject, so it is empty, which RFC 5280 §4.1.2.4 forbids; cert-manager issues it
 *   with only a warning event (pkg/controller/certificaterequests/selfsigned/selfsigned.go, #3634), and strict clients
 *   such as Java/pgJDBC reject it.
 */
import type { Resource } from '../model';
import { CERT_MANAGER } from '../rules';
import { namePlace, type IndexedDocument } from '../workspace';
import { dataOf } from '../data';
import { isCertificate } from './certificateNames';
import { issuerOf, type FoundIssuer } from './issuers';
import type { LiveContext, RuleModule } from './types';
import { get, isObj, spanAt, str } from './util';

/** The fields through which an operator reads a Secret as one of its TLS certificates that must chain to the cluster's CA. */
const LEAF_USES: readonly { apiVersion: string; kind: string; title: string; path: readonly string[]; role: string }[] = [
  { apiVersion: 'postgres-operator.crunchydata.com/v1beta1', kind: 'PostgresCluster', title: 'PostgresCluster', path: ['spec', 'customTLSSecret', 'name'], role: 'server (`customTLSSecret`)' },
  { apiVersion: 'postgres-operator.crunchydata.com/v1beta1', kind: 'PostgresCluster', title: 'PostgresCluster', path: ['spec', 'customReplicationTLSSecret', 'name'], role: 'replication (`customReplicationTLSSecret`)' },
  { apiVersion: 'postgres-operator.crunchydata.com/v1beta1', kind: 'PostgresCluster', title: 'PostgresCluster', path: ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name'], role: 'PgBouncer' },
  { apiVersion: 'pgv2.percona.com/v2', kind: 'PerconaPGCluster', title: 'PerconaPGCluster', path: ['spec', 'secrets', 'customTLSSecret', 'name'], role: 'server (`customTLSSecret`)' },
  { apiVersion: 'pgv2.percona.com/v2', kind: 'PerconaPGCluster', title: 'PerconaPGCluster', path: ['spec', 'secrets', 'customReplicationTLSSecret', 'name'], role: 'replication (`customReplicationTLSSecret`)' },
  { apiVersion: 'pgv2.percona.com/v2', kind: 'PerconaPGCluster', title: 'PerconaPGCluster', path: ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name'], role: 'PgBouncer' },
];

interface LeafUse { doc: IndexedDocument; title: string; name: string; role: string }

/** The operator resources of `namespace` that read Secret `secretName` as a certificate that must chain to their CA. */
function leafUses(ctx: LiveContext, secretName: string, namespace: string | undefined): LeafUse[] {
  const out: LeafUse[] = [];
  for (const kind of new Set(LEAF_USES.map(u => u.kind))) {
    for (const d of ctx.workspace.documentsOf(kind, secretName)) {
      const h = d.header;
      if (!h.name || (namespace && h.namespace && h.namespace !== namespace)) continue;
      const data = dataOf(d.doc.part).value;
      for (const u of LEAF_USES) {
        if (u.kind === kind && u.apiVersion === h.apiVersion && str(get(data, u.path)) === secretName) out.push({ doc: d, title: u.title, name: h.name, role: u.role });
      }
    }
  }
  return out;
}

const SUBJECT_FIELDS = ['organizations', 'countries', 'organizationalUnits', 'localities', 'provinces', 'streetAddresses', 'postalCodes', 'serialNumber'];

/** Whether the certificate cert-manager makes from this spec has a non-empty subject DN. */
function hasSubject(spec: Record<string, unknown>): boolean {
  if (str(spec.commonName) || str(spec.literalSubject)) return true;
  const subject = spec.subject;
  if (!isObj(subject)) return false;
  return SUBJECT_FIELDS.some(k => {
    const v = subject[k];
    return Array.isArray(v) ? v.some(x => typeof x === 'string' && x !== '') : typeof v === 'string' && v !== '';
  });
}

const issuerLabel = (i: FoundIssuer) => `${i.kind} \`${i.doc.header.name}\``;

function checkCertificate(r: Resource, ctx: LiveContext): void {
  const spec = get(r.data, ['spec']);
  if (!isObj(spec) || !isObj(spec.issuerRef)) return;
  const ref = spec.issuerRef;
  const group = str(ref.group) ?? '';
  const kind = str(ref.kind) || 'Issuer';
  const name = str(ref.name);
  if (!name || (group !== '' && group !== 'cert-manager.io') || (kind !== 'Issuer' && kind !== 'ClusterIssuer')) return;
  const issuer = issuerOf(ctx, kind, name, r.header.namespace);
  if (!issuer || issuer.type !== 'selfSigned') return;
  const related = [{ ...namePlace(issuer.doc), message: `${issuerLabel(issuer)}: a selfSigned issuer` }];

  if (!hasSubject(spec)) {
    ctx.report(CERT_MANAGER['self-signed-empty-subject'], spanAt(r, ['spec'], 'key'),
      `This Certificate has no \`commonName\`, \`subject\` or \`literalSubject\`, and ${issuerLabel(issuer)} is selfSigned: the issuer DN of a self-signed certificate is its subject, so it is empty, which RFC 5280 forbids. cert-manager issues it anyway (with a BadConfig event), and strict clients such as Java and pgJDBC reject it. Set \`commonName\` (e.g. the CA's name) or \`subject.organizations\`.`,
      { related });
  }

  const secretName = str(spec.secretName);
  if (spec.isCA === true || !secretName) return;
  const uses = leafUses(ctx, secretName, r.header.namespace);
  const use = uses[0];
  if (!use) return;
  ctx.report(CERT_MANAGER['self-signed-leaf'], spanAt(r, ['spec', 'issuerRef'], 'key'),
    `This Certificate is issued directly by ${issuerLabel(issuer)}, a selfSigned issuer, and writes Secret \`${secretName}\`, the ${use.role} certificate of ${use.title} \`${use.name}\`: a self-signed leaf is its own CA (\`ca.crt\` equals \`tls.crt\`), so it never shares a CA with the cluster's other certificate and replicas and clients that verify cannot chain to it. Use selfSigned only for a CA Certificate (\`isCA: true\`), make a \`ca:\` Issuer from that CA's Secret, and issue the server and replication certificates from it.`,
    { related: [...related, { ...namePlace(use.doc), message: `${use.title} \`${use.name}\` reads Secret \`${secretName}\`` }] });
}

export const selfSignedModule: RuleModule = {
  name: 'self-signed',
  appliesTo: isCertificate,
  checkLive(r, ctx) {
    checkCertificate(r, ctx);
  },
};
