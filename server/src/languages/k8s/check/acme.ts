/**
 * ACME issuers (Let's Encrypt and other public CAs through an `acme` Issuer/ClusterIssuer): what such an issuer can
 * never give a database cluster, flagged on the lines that ask for it.
 *
 * - Names no public CA issues: Service names (`.svc`, `.cluster.local`), single-label names, reserved or undelegated
 *   top-level domains (`.local`, `.internal`, `.test`…), IP addresses written as DNS names, private, loopback and
 *   link-local IP addresses, and, from Let's Encrypt, any IP address without the `shortlived` profile. The order is
 *   refused (`rejectedIdentifier`), so the Certificate never becomes Ready (cert-manager/cert-manager#3994,
 *   projectcapsule/capsule-proxy#288). On a Certificate and on KubeDB `spec.tls.certificates[]` entries whose issuer
 *   is ACME.
 * - `isCA: true`: public ACME CAs sign only end-entity certificates.
 * - `ca.crt`: cert-manager's ACME issuer returns the certificate chain without a CA (no `ca.crt` in the Secret,
 *   cert-manager/cert-manager#1571, pkg/controller/certificaterequests/acme/acme.go); Percona needs `ca.crt` in its
 *   custom server and replication Secrets unless `customRootCATLSSecret` is set (operators.md R4), Crunchy PGO v5
 *   always in its server and replication Secrets (no custom root CA field; `ssl_ca_file` is the mounted `ca.crt`), and CPO reads the
 *   `caFile` it names from the TLS Secret unless `caSecretName` is set (C4).
 *
 * The issuer's type is looked up in the workspace (`issuerOf`); an issuer that is not there gets no verdict.
 */
import { isIpAddress } from '../../../x509';
import type { Resource } from '../model';
import { ACME } from '../rules';
import { namePlace } from '../workspace';
import { isCertificate, usesOfSecret } from './certificateNames';
import { issuerOf, type FoundIssuer } from './issuers';
import type { LiveContext, RuleModule } from './types';
import { get, isKubedbPgpool, isObj, spanAt, str } from './util';

const isLetsEncrypt = (i: FoundIssuer) => /(^|[/.])api\.letsencrypt\.org(\/|$)/i.test(str(get(i.spec, ['acme', 'server'])) ?? '');

/** Top-level domains that are reserved or not delegated in the public DNS root (RFC 2606, RFC 6761, RFC 6762, ICANN). */
const PRIVATE_TLDS = new Set(['local', 'localhost', 'internal', 'test', 'example', 'invalid', 'lan', 'home', 'corp', 'intranet', 'localdomain', 'private', 'svc']);

/**
 * Why no public CA issues a DNS name, or undefined when one may. With the `namespace` of the resource that asks for
 * it and the other names it asks for, `<service>.<namespace>` (the short Service name a pod of another namespace
 * dials) counts as a Service name too when the same list also asks for `<service>.<namespace>.svc…`: its last label is
 * then a namespace, not a public top-level domain (cert-manager/cert-manager#3994). A namespace alone is no proof
 * (`app.dev` under a namespace `dev` may well be public).
 */
export function privateDnsReason(raw: string, namespace?: string, names: readonly unknown[] = []): string | undefined {
  const name = raw.toLowerCase().replace(/\.$/, '').replace(/^\*\./, '');
  if (!name) return undefined;
  if (isIpAddress(name)) return 'an IP address written as a DNS name (ACME takes addresses only as `ipAddresses`)';
  if (/\.svc(\.cluster\.local)?$/.test(name) || name.endsWith('.cluster.local')) return 'a Kubernetes Service name, which resolves only inside the cluster';
  if (!name.includes('.')) return 'a single-label name (ACME needs a name under a public domain)';
  const labels = name.split('.');
  const svcForm = (n: unknown) => typeof n === 'string' && n.toLowerCase().startsWith(`${name}.svc`);
  if (namespace && labels.length === 2 && labels[1] === namespace.toLowerCase() && names.some(svcForm)) {
    return `a Kubernetes Service name qualified with its namespace \`${namespace}\` (not a public domain), which resolves only inside the cluster`;
  }
  if (name.endsWith('.home.arpa')) return 'a name under `home.arpa`, which is reserved for home networks';
  const tld = name.slice(name.lastIndexOf('.') + 1);
  if (PRIVATE_TLDS.has(tld)) return `a name under \`.${tld}\`, which is not a public top-level domain`;
  return undefined;
}

/** Whether an IP address is one no public CA issues for (private, loopback, link-local, shared, unspecified). */
export function isPrivateIp(ip: string): boolean {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
      || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  const l = ip.toLowerCase();
  if (l === '::1' || l === '::') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(l);
  if (mapped) return isPrivateIp(mapped[1]!);
  return /^f[cd][0-9a-f]{0,2}:/.test(l) || /^fe[89ab][0-9a-f]?:/.test(l);
}

const issuerLabel = (i: FoundIssuer) => `${i.kind} \`${i.doc.header.name}\``;
const relatedIssuer = (i: FoundIssuer) => ({ related: [{ ...namePlace(i.doc), message: `${issuerLabel(i)}: an ACME issuer` }] });

/**
 * The names a certificate spec at `base` asks for that an ACME issuer cannot get, each reported on its entry. `owner`
 * names what requests the certificate, for messages.
 */
function checkNames(r: Resource, base: (string | number)[], spec: Record<string, unknown>, issuer: FoundIssuer, ctx: LiveContext, owner: string): void {
  const never = `${owner} never becomes Ready: the ACME server refuses the order (\`rejectedIdentifier\`) and cert-manager retries forever, so the Secret is never written`;
  const fix = 'Use a CA or selfSigned issuer of your own for in-cluster names (clients then trust that CA), or ask only for public names this ACME account can validate';
  let said = 0;
  const dns = Array.isArray(spec.dnsNames) ? spec.dnsNames : [];
  dns.forEach((n, i) => {
    if (typeof n !== 'string' || said >= 10) return;
    const why = privateDnsReason(n, r.header.namespace, dns);
    if (!why) return;
    said++;
    ctx.report(ACME['acme-private-name'], spanAt(r, [...base, 'dnsNames', i]),
      `\`${n}\` is ${why}: no public CA issues a certificate for it, and ${issuerLabel(issuer)} is an ACME issuer. ${never}. ${fix}.`, relatedIssuer(issuer));
  });
  const ips = Array.isArray(spec.ipAddresses) ? spec.ipAddresses : [];
  const shortlived = str(get(issuer.spec, ['acme', 'profile'])) === 'shortlived';
  ips.forEach((ip, i) => {
    if (typeof ip !== 'string' || !isIpAddress(ip) || said >= 10) return;
    let why: string | undefined;
    if (isPrivateIp(ip)) why = 'a private, loopback or link-local address, for which no public CA issues a certificate';
    else if (isLetsEncrypt(issuer) && !shortlived) why = 'an IP address, which Let\'s Encrypt certifies only under its `shortlived` profile (`spec.acme.profile: shortlived` on the issuer)';
    if (!why) return;
    said++;
    ctx.report(ACME['acme-private-name'], spanAt(r, [...base, 'ipAddresses', i]),
      `\`${ip}\` is ${why}; ${issuerLabel(issuer)} is an ACME issuer. ${never}. ${fix}.`, relatedIssuer(issuer));
  });
  const cn = str(spec.commonName);
  const cnWhy = cn && !dns.includes(cn) ? privateDnsReason(cn, r.header.namespace, dns) : undefined;
  if (cn && cnWhy) {
    ctx.report(ACME['acme-private-name'], spanAt(r, [...base, 'commonName']),
      `\`commonName: ${cn}\` is ${cnWhy}; cert-manager puts the CN into the ACME order, and no public CA issues it (${issuerLabel(issuer)} is an ACME issuer). ${never}. ${fix}.`, relatedIssuer(issuer));
  }
}

export const acmeModule: RuleModule = {
  name: 'acme',
  appliesTo: r => isCertificate(r) || isKubedbPgpool(r),
  checkLive(r, ctx) {
    if (isCertificate(r)) checkCertificate(r, ctx);
    else checkPgpool(r, ctx);
  },
};

function refOf(ref: unknown, groupKey: 'group' | 'apiGroup', kindDefault: 'Issuer' | undefined): { kind: 'Issuer' | 'ClusterIssuer'; name: string } | undefined {
  if (!isObj(ref)) return undefined;
  const group = str(ref[groupKey]) ?? '';
  const kind = str(ref.kind) || kindDefault;
  const name = str(ref.name);
  if (!name || (group !== '' && group !== 'cert-manager.io') || (kind !== 'Issuer' && kind !== 'ClusterIssuer')) return undefined;
  return { kind, name };
}

function checkCertificate(r: Resource, ctx: LiveContext): void {
  const spec = get(r.data, ['spec']);
  if (!isObj(spec)) return;
  const ref = refOf(spec.issuerRef, 'group', 'Issuer');
  if (!ref) return;
  const issuer = issuerOf(ctx, ref.kind, ref.name, r.header.namespace);
  if (!issuer || issuer.type !== 'acme') return;
  checkNames(r, ['spec'], spec, issuer, ctx, 'This Certificate');
  if (spec.isCA === true) {
    ctx.report(ACME['acme-is-ca'], spanAt(r, ['spec', 'isCA']),
      `\`isCA: true\` with ${issuerLabel(issuer)}, an ACME issuer: public ACME CAs sign only end-entity certificates, never a CA for a subscriber, so the Secret never holds a CA that could sign the cluster's certificates (a CA Issuer or an operator root CA built on it fails). Make the CA with a selfSigned issuer (or your own CA issuer) instead.`,
      relatedIssuer(issuer));
  }
  const secretName = str(spec.secretName);
  if (secretName) checkCaCrt(r, ctx, issuer, secretName);
}

/** The operators that need `ca.crt` in the Secret this Certificate writes. */
function checkCaCrt(r: Resource, ctx: LiveContext, issuer: FoundIssuer, secretName: string): void {
  for (const use of usesOfSecret(ctx, secretName, r.header.namespace)) {
    let why: string | undefined;
    if (use.operator === 'percona' && (use.role === 'server' || use.role === 'replication')
      && !str(get(use.data, ['spec', 'secrets', 'customRootCATLSSecret', 'name']))) {
      const field = use.role === 'server' ? 'customTLSSecret' : 'customReplicationTLSSecret';
      why = `PerconaPGCluster \`${use.cluster}\` reads it as \`${field}\` without \`customRootCATLSSecret\`, so the operator requires \`ca.crt\` in it ("required path ca.crt was not found") and does not reconcile the cluster`;
    } else if (use.operator === 'pgo' && use.role !== 'pgbouncer') {
      why = use.role === 'server'
        ? `PostgresCluster \`${use.cluster}\` mounts it as \`customTLSSecret\` at /pgconf/tls and always sets \`ssl_ca_file = /pgconf/tls/ca.crt\` (PGO has no separate CA field), so the file is missing and PostgreSQL does not start`
        : `PostgresCluster \`${use.cluster}\` reads it as \`customReplicationTLSSecret\` and PGO has no separate CA field: replicas verify the primary with the \`ca.crt\` of the replication Secret, so without it they cannot connect`;
    } else if (use.operator === 'cpo') {
      const caFile = str(get(use.data, ['spec', 'tls', 'caFile']));
      const caSecret = str(get(use.data, ['spec', 'tls', 'caSecretName']));
      if (caFile && !caSecret && !caFile.startsWith('/')) {
        why = `CYBERTEC postgresql \`${use.cluster}\` names \`caFile: ${caFile}\` in that Secret (no \`caSecretName\`), so PostgreSQL's \`ssl_ca_file\` points at a file that does not exist and the server does not start`;
      }
    }
    if (!why) continue;
    ctx.report(ACME['acme-no-ca-crt'], spanAt(r, ['spec', 'issuerRef', 'name']),
      `This Certificate writes Secret \`${secretName}\` through ${issuerLabel(issuer)}, an ACME issuer, which leaves out \`ca.crt\` (cert-manager's ACME issuer returns no CA). ${why}. Issue this certificate from a CA issuer of your own${use.operator === 'pgo' ? '' : `, or give the CA separately (${use.operator === 'percona' ? '`customRootCATLSSecret`' : '`caSecretName` with `caFile`'})`}.`,
      { related: [{ ...namePlace(use.doc), message: `reads Secret \`${secretName}\`` }, ...relatedIssuer(issuer).related] });
  }
}

/** KubeDB Pgpool: the names its `tls.certificates[]` entries ask for, when the entry's issuer is ACME. */
function checkPgpool(r: Resource, ctx: LiveContext): void {
  const tls = get(r.data, ['spec', 'tls']);
  if (!isObj(tls)) return;
  const certs = Array.isArray(tls.certificates) ? tls.certificates : [];
  const ns = r.header.namespace;
  certs.forEach((c, i) => {
    if (!isObj(c)) return;
    const ref = refOf(c.issuerRef ?? tls.issuerRef, 'apiGroup', undefined);
    if (!ref) return;
    const issuer = issuerOf(ctx, ref.kind, ref.name, ns);
    if (!issuer || issuer.type !== 'acme') return;
    checkNames(r, ['spec', 'tls', 'certificates', i], c, issuer, ctx, `The Certificate KubeDB creates for \`${str(c.alias) ?? `entry ${i}`}\``);
  });
}
