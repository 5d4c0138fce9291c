/**
 * Names without Secrets: a cert-manager `Certificate` whose `spec.secretName` is the TLS Secret an operator's cluster
 * in the workspace reads gets the same name rules as that Secret's certificate would (certUsage.ts): its `dnsNames`,
 * `ipAddresses` and `commonName` are compared, as libpq compares a certificate's names, with the Services the
 * operator's clients dial. GitOps repositories hold the Certificate, not the Secret cert-manager writes, so this is
 * where the `.svc` / `.svc.cluster.local` mistakes users report can be seen (open-cluster-management-io/ocm#1533,
 * CrunchyData/postgres-operator#3161).
 *
 * Ties (operators.md): Crunchy PGO v5 `spec.customTLSSecret`, `spec.customReplicationTLSSecret` and
 * `spec.proxy.pgBouncer.customTLSSecret` (the same roles and names as Percona's, with `pgo/*` rules); Percona `spec.secrets.customTLSSecret` (server: primary and replica Services, R6/R7),
 * `customReplicationTLSSecret` (CN `_crunchyrepl`, R5), `spec.proxy.pgBouncer.customTLSSecret` (the PgBouncer
 * Service); CPO and Zalando `spec.tls.secretName` (cluster, replica and enabled pooler Services, C7/C8); KubeDB Pgpool
 * `tls.certificates[alias=server].secretName` (default `<name>-server-cert`, D3; the primary Service). Findings are on
 * the Certificate's lines: the `dnsNames` sequence (or `commonName`, or `secretName` when it asks for neither).
 */
import { PERCONA_REPLICATION_USER, nameWithSuffix } from '../../../certs/presets';
import type { RuleMeta, Span } from '../../../core/types';
import { matchesHost, type CertNames } from '../../../x509';
import { dataOf } from '../data';
import type { Resource } from '../model';
import { CPO, PERCONA, PGO, PGPOOL, ZALANDO } from '../rules';
import { namePlace, type IndexedDocument } from '../workspace';
import { perconaAppHosts, reportMissingNames, spiloServices, wantedNames } from './certUsage';
import { privateDnsReason } from './acme';
import { issuerOf } from './issuers';
import type { LiveContext, RuleModule } from './types';
import { get, isObj, spanAt, str } from './util';

export const isCertificate = (r: Resource): boolean => r.kind.apiVersion === 'cert-manager.io/v1' && r.kind.kind === 'Certificate';

/** What a cluster of the workspace does with the Secret a Certificate writes. */
export interface SecretUse {
  operator: 'percona' | 'pgo' | 'cpo' | 'zalando' | 'kubedb';
  role: 'server' | 'replication' | 'pgbouncer';
  /** The cluster's name and namespace (as written), its document, and its plain data. */
  cluster: string;
  namespace: string | undefined;
  doc: IndexedDocument;
  data: unknown;
}

const sameNs = (a: string | undefined, b: string | undefined) => !a || !b || a === b;

/** The clusters of the workspace (namespace-compatible with `namespace`) that read Secret `secretName`, and how. */
export function usesOfSecret(ctx: LiveContext, secretName: string, namespace: string | undefined): SecretUse[] {
  const out: SecretUse[] = [];
  const each = (kind: string, apiVersion: string, f: (data: unknown, add: (operator: SecretUse['operator'], role: SecretUse['role']) => void) => void) => {
    for (const d of ctx.workspace.documentsOf(kind, secretName)) {
      const h = d.header;
      if (h.apiVersion !== apiVersion || !h.name || !sameNs(h.namespace, namespace)) continue;
      const data = dataOf(d.doc.part).value;
      f(data, (operator, role) => out.push({ operator, role, cluster: h.name!, namespace: h.namespace ?? namespace, doc: d, data }));
    }
  };
  each('PerconaPGCluster', 'pgv2.percona.com/v2', (data, add) => {
    if (str(get(data, ['spec', 'secrets', 'customTLSSecret', 'name'])) === secretName) add('percona', 'server');
    if (str(get(data, ['spec', 'secrets', 'customReplicationTLSSecret', 'name'])) === secretName) add('percona', 'replication');
    if (str(get(data, ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name'])) === secretName) add('percona', 'pgbouncer');
  });
  each('PostgresCluster', 'postgres-operator.crunchydata.com/v1beta1', (data, add) => {
    if (str(get(data, ['spec', 'customTLSSecret', 'name'])) === secretName) add('pgo', 'server');
    if (str(get(data, ['spec', 'customReplicationTLSSecret', 'name'])) === secretName) add('pgo', 'replication');
    if (str(get(data, ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name'])) === secretName) add('pgo', 'pgbouncer');
  });
  for (const [apiVersion, operator] of [['cpo.opensource.cybertec.at/v1', 'cpo'], ['acid.zalan.do/v1', 'zalando']] as const) {
    each('postgresql', apiVersion, (data, add) => {
      const file = str(get(data, ['spec', 'tls', 'certificateFile'])) ?? 'tls.crt';
      // cert-manager writes `tls.crt`; another certificateFile is not this Certificate's output.
      if (str(get(data, ['spec', 'tls', 'secretName'])) === secretName && (file === 'tls.crt' || file === '/tls/tls.crt')) add(operator, 'server');
    });
  }
  each('Pgpool', 'kubedb.com/v1alpha2', (data, add) => {
    const tls = get(data, ['spec', 'tls']);
    if (!isObj(tls)) return;
    const certs = Array.isArray(tls.certificates) ? tls.certificates : [];
    const entry = certs.find(c => isObj(c) && c.alias === 'server');
    const name = str(get(data, ['metadata', 'name']));
    const explicit = str(get(entry, ['secretName']));
    const effective = explicit || (isObj(tls.issuerRef) && name ? nameWithSuffix(name, 'server-cert') : undefined);
    if (effective === secretName) add('kubedb', 'server');
  });
  return out;
}

/** The names a Certificate asks for, as the certificate cert-manager issues will carry them. */
export function requestedNames(spec: Record<string, unknown>): CertNames {
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string' && s !== '') : []);
  const cn = str(spec.commonName);
  return { dns: strings(spec.dnsNames), ips: strings(spec.ipAddresses), cn: cn || undefined };
}

/** Where a name finding goes: the `dnsNames` sequence, else `commonName`, else `secretName`. */
function namesSpan(r: Resource): Span {
  const src = r.doc.part.source;
  for (const k of ['dnsNames', 'commonName', 'ipAddresses', 'secretName']) {
    if (get(r.data, ['spec', k]) === undefined) continue;
    // A block sequence's range runs to the next key: end it with its last item.
    const [start, end] = spanAt(r, ['spec', k]);
    let e = end;
    while (e > start && /\s/.test(src.charAt(e - 1))) e--;
    return [start, e];
  }
  return spanAt(r, ['spec']);
}

export const certificateNamesModule: RuleModule = {
  name: 'certificate-names',
  appliesTo: isCertificate,
  checkLive(r, ctx) {
    const spec = get(r.data, ['spec']);
    if (!isObj(spec)) return;
    const secretName = str(spec.secretName);
    if (!secretName) return;
    // From an ACME issuer, names no public CA issues are acme.ts's finding (adding Service names there would never be
    // issued): the name rules stay silent then. An ACME Certificate asking for public names only is taken as meant for
    // external clients: only what certainly fails is said (the replication CN, and PgBouncer's `<cluster>-primary`),
    // with another issuer as the advice.
    const ref = get(spec, ['issuerRef']);
    const refName = str(get(ref, ['name']));
    const refKind = str(get(ref, ['kind'])) === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer';
    const issuer = refName ? issuerOf(ctx, refKind, refName, r.header.namespace) : undefined;
    const names = requestedNames(spec);
    if (issuer?.type === 'acme' && (names.dns.some(n => privateDnsReason(n)) || names.ips.length > 0 || (names.cn && privateDnsReason(names.cn)))) return;
    const acme = issuer?.type === 'acme' ? `${issuer.kind} \`${issuer.doc.header.name}\`` : undefined;
    for (const use of usesOfSecret(ctx, secretName, r.header.namespace)) checkUse(r, ctx, use, names, secretName, acme);
  },
};

/** `acme`: the ACME issuer of this Certificate (public names only), which can never issue the missing in-cluster names. */
function checkUse(r: Resource, ctx: LiveContext, use: SecretUse, names: CertNames, secretName: string, acme?: string): void {
  const { cluster, namespace } = use;
  const where = { percona: 'PerconaPGCluster', pgo: 'PostgresCluster', cpo: 'CYBERTEC postgresql', zalando: 'Zalando postgresql', kubedb: 'KubeDB Pgpool' }[use.operator];
  const related = { related: [{ ...namePlace(use.doc), message: `${where} \`${cluster}\`, which reads Secret \`${secretName}\`` }] };
  const subject = `This Certificate writes Secret \`${secretName}\`, the ${use.role === 'pgbouncer' ? 'PgBouncer' : use.role} certificate of ${where} \`${cluster}\``;
  const asked = `${subject}; the certificate it asks for`;
  const fix = acme
    ? `${acme} is an ACME issuer, and no public CA issues in-cluster Service names: issue this certificate from a CA issuer of your own with these names in \`dnsNames\``
    : 'Add the missing names to `dnsNames`: cert-manager reissues the certificate with them (clients compare only the DNS names when there are any, not the CN)';
  const report = (meta: RuleMeta, services: string[], domain: string | undefined, appHosts: string[] = []) => acme ? undefined :
    reportMissingNames(ctx, meta, namesSpan(r), names, wantedNames(services, namespace, domain), related,
      asked, use.operator, cluster, namespace, domain, fix, appHosts);

  if (use.operator === 'percona' || use.operator === 'pgo') {
    const rules = use.operator === 'pgo' ? PGO : PERCONA;
    const op = use.operator === 'pgo' ? 'PGO' : 'Percona';
    // PGO takes the cluster domain from the Kubernetes environment; Percona names it in the resource.
    const raw = use.operator === 'percona' ? str(get(use.data, ['spec', 'clusterServiceDNSSuffix'])) : undefined;
    const domain = raw ? raw.replace(/\.$/, '') || undefined : undefined;
    if (use.role === 'replication') {
      if (names.cn !== PERCONA_REPLICATION_USER) {
        ctx.report(rules['replication-cn'], get(r.data, ['spec', 'commonName']) !== undefined ? spanAt(r, ['spec', 'commonName']) : spanAt(r, ['spec', 'secretName']),
          `${subject}, asks for ${names.cn === undefined ? 'no CN' : `CN \`${names.cn}\``}: ${op}'s pg_hba lets only \`${PERCONA_REPLICATION_USER}\` replicate, with \`cert\` authentication that takes the user from the CN, so replicas cannot connect. Set \`commonName: ${PERCONA_REPLICATION_USER}\` (and the DNS name \`${PERCONA_REPLICATION_USER}\`), issued by the CA of the server certificate.`,
          related);
      }
      return;
    }
    if (use.role === 'pgbouncer') {
      report(rules['pgbouncer-san'], [`${cluster}-pgbouncer`], domain, perconaAppHosts(cluster, namespace, true));
      return;
    }
    const primary = `${cluster}-primary`;
    const services = [primary, `${cluster}-replicas`];
    if (isObj(get(use.data, ['spec', 'proxy', 'pgBouncer']))) {
      if (!matchesHost(names, primary)) {
        ctx.report(rules['primary-san'], namesSpan(r),
          `${subject}, does not ask for \`${primary}\`: PgBouncer connects to PostgreSQL as \`host=${primary}\` with \`server_tls_sslmode = verify-full\`, so every PgBouncer connection fails. ${acme ? `${fix}, among them \`${primary}\`` : `Add \`${primary}\` to \`dnsNames\``}.`,
          related);
      }
      // server-san does not repeat the short primary name (certUsage.ts does the same for a Secret).
      const wanted = wantedNames(services, namespace, domain).filter(w => w.host !== primary);
      if (!acme) reportMissingNames(ctx, rules['server-san'], namesSpan(r), names, wanted, related, asked,
        use.operator, cluster, namespace, domain, fix, perconaAppHosts(cluster, namespace));
      return;
    }
    report(rules['server-san'], services, domain, perconaAppHosts(cluster, namespace));
  } else if (use.operator === 'cpo' || use.operator === 'zalando') {
    report(use.operator === 'cpo' ? CPO['server-san'] : ZALANDO['server-san'], spiloServices(cluster, use.data), undefined);
  } else {
    report(PGPOOL['server-san'], [cluster], undefined);
  }
}
