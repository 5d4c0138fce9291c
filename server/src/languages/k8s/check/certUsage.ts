/**
 * Across documents: what each operator needs from the certificates inside the Secrets a resource references, when
 * those Secrets are in the workspace. Percona (and Crunchy PGO v5, its upstream, with `pgo/*` rules and the
 * projections under `spec`, without a custom root CA): the server and replication certificates come from one CA (R1, or the
 * root CA of `customRootCATLSSecret`, R13), the replication CN is `_crunchyrepl` (R5), the two do not share a
 * certificate (R6), and the server and PgBouncer certificates name the Services clients dial (R7, §2.3). CPO: the one server
 * certificate covers the cluster, replica and enabled pooler Services (C7, C8). KubeDB Pgpool: the server certificate
 * Secret (cert-manager output, §1.3) names the primary Service. Percona, PGO, CPO and Zalando: a server certificate
 * signed with EdDSA breaks libpq's SCRAM channel binding (`<operator>/server-cert-channel-binding`, certs/compat.ts).
 *
 * Host names are matched as libpq does, and chains walked, by the X.509 room (x509/names.ts, x509/chain.ts); what is
 * here is which names each operator's clients dial and which certificate must lead to which CA.
 *
 * Which certificate problems are someone else's: unreadable PEM, expiry, key mismatch, CA flags (secretContent.ts);
 * missing keys (secretKeys.ts). Here a Secret or an entry that cannot be read is simply not judged.
 */
import { channelBindingProblem, isEddsaSignature } from '../../../certs/compat';
import { DEFAULT_CLUSTER_DOMAIN, PERCONA_REPLICATION_USER, nameWithSuffix, serviceNames } from '../../../certs/presets';
import type { FindingExtra } from '../../../core/rules';
import type { Certificate } from '../../../core/tlsBackend';
import type { RuleMeta, Span } from '../../../core/types';
import {
  certNames, chainsTo, commonName, issuedByBackend, matchesHost, sameCertificate, type CertNames, type IssuedBy,
} from '../../../x509';
import { dataOf } from '../data';
import type { Resource } from '../model';
import { CPO, PERCONA, PGO, PGPOOL, ZALANDO } from '../rules';
import { namePlace, placeIn, type IndexedDocument, type Place } from '../workspace';
import { secretContents, type SecretContents } from '../certData';
import { perconaKeyFor } from './percona';
import type { LiveContext, RuleModule } from './types';
import { get, isCpo, isKubedbPgpool, isObj, isPercona, isPgo, isZalando, spanAt, str } from './util';

/** A name clients dial. `anyDomain`: the cluster domain is not known here, so any `<prefix><domain>` name counts. */
export interface WantedName {
  host: string;
  short: boolean;
  anyDomain?: string;
}

/**
 * The names of Services as clients dial them: with a namespace, the four forms of `serviceNames`; without one only the
 * short name (the namespace is decided at apply time). Without a cluster domain the last form shows
 * `cluster.local` but any domain is accepted.
 */
export function wantedNames(services: readonly string[], namespace: string | undefined, domain: string | undefined): WantedName[] {
  const out: WantedName[] = [];
  for (const svc of services) {
    if (!namespace) { out.push({ host: svc, short: true }); continue; }
    const forms = serviceNames(svc, namespace, domain ?? DEFAULT_CLUSTER_DOMAIN);
    forms.forEach((host, i) => out.push({ host, short: i === 0, ...(i === 3 && !domain ? { anyDomain: `${svc}.${namespace}.svc.` } : {}) }));
  }
  return out;
}

/** Whether the certificate answers to a wanted name. */
export function covers(names: CertNames, w: WantedName): boolean {
  if (matchesHost(names, w.host)) return true;
  if (!w.anyDomain) return false;
  const prefix = w.anyDomain.toLowerCase();
  const firstDot = prefix.indexOf('.');
  const afterLabel = prefix.slice(firstDot + 1);
  // A host name with a domain left open is no host libpq could be given, so `matchesHost` cannot judge it: the names
  // are compared by prefix here, from the same pool libpq would use for a host name (the CN only without a DNS SAN).
  const pool = names.dns.length > 0 ? names.dns : names.cn !== undefined ? [names.cn] : [];
  return pool.some(n => {
    const l = n.toLowerCase();
    if (l.startsWith(prefix) && l.length > prefix.length) return true;
    return l.startsWith('*.') && l.slice(2).startsWith(afterLabel) && l.length > afterLabel.length + 2;
  });
}

/** The wanted names the certificate does not answer to. */
export function missingNames(cert: Pick<Certificate, 'subject' | 'subjectAltNames'>, wanted: readonly WantedName[]): WantedName[] {
  const names = certNames(cert);
  return wanted.filter(w => !covers(names, w));
}

// --- Secrets of the workspace -------------------------------------------------------------------------------------

interface FoundSecret {
  name: string;
  doc: IndexedDocument;
  contents: SecretContents;
}

function lookup(ctx: LiveContext, r: Resource, name: string): FoundSecret | undefined {
  const ns = r.header.namespace;
  const doc = ctx.workspace.findOne('Secret', name, ns, 'v1');
  if (!doc) return undefined;
  // Only a Secret whose data parses is judged (a wrong shape is the schema's finding).
  if (!isObj(dataOf(doc.doc.part).value)) return undefined;
  return { name, doc, contents: secretContents(doc.doc.part, ctx.env.tls) };
}

const certsOf = (s: FoundSecret | undefined, key: string): Certificate[] => {
  if (!s) return [];
  try {
    return s.contents.certificates(key)?.certificates ?? [];
  } catch {
    return [];
  }
};

/** A place in the Secret: the value of `key`, or the Secret's name when the entry has no span. */
function placeOf(s: FoundSecret, key: string | undefined): Place {
  const entry = key !== undefined ? s.contents.entries.get(key) : undefined;
  if (entry) return placeIn(s.doc.path, s.doc.doc, entry.valueSpan);
  return namePlace(s.doc);
}

const relatedTo = (...items: { s: FoundSecret; key?: string; message: string }[]): FindingExtra => ({
  related: items.map(i => ({ ...placeOf(i.s, i.key), message: i.message })),
});

const cnText = (c: Certificate) => {
  const cn = commonName(c.subject);
  return cn === undefined ? `subject \`${c.subject || '(empty)'}\`` : `CN \`${cn}\``;
};
const issuerText = (c: Certificate) => {
  const cn = commonName(c.issuer);
  return cn === undefined ? `\`${c.issuer || '(empty)'}\`` : `CN \`${cn}\``;
};
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const listNames = (ws: readonly WantedName[]) => ws.map(w => `\`${w.host}\``).join(', ');
const describeNames = (n: CertNames): string => {
  if (n.dns.length) return `its DNS names are ${n.dns.slice(0, 8).map(x => `\`${x}\``).join(', ')}${n.dns.length > 8 ? ` and ${n.dns.length - 8} more` : ''}`;
  return n.cn !== undefined ? `it has no DNS name, so clients compare its CN \`${n.cn}\`` : 'it has no DNS name and no CN';
};

// --- the module ---------------------------------------------------------------------------------------------------

export const certUsageModule: RuleModule = {
  name: 'cert-usage',
  appliesTo: (r: Resource) => isPercona(r) || isPgo(r) || isCpo(r) || isZalando(r) || isKubedbPgpool(r),
  checkLive(r, ctx) {
    if (isPercona(r)) checkPercona(r, ctx, PERCONA_WAY);
    else if (isPgo(r)) checkPercona(r, ctx, PGO_WAY);
    else if (isCpo(r) || isZalando(r)) checkSpilo(r, ctx);
    else checkPgpool(r, ctx);
  },
};

interface Projection {
  field: 'customTLSSecret' | 'customReplicationTLSSecret' | 'customRootCATLSSecret';
  name: string;
  secret: FoundSecret | undefined;
  key(path: string): string;
}

/**
 * Where Percona and its upstream PGO differ for these rules: the rule table, where the custom Secret projections live
 * (`spec.secrets.*` / `spec.*`), and whether the cluster domain is in the resource.
 */
interface CrunchyWay {
  operator: 'percona' | 'pgo';
  label: string;
  rules: { 'replication-cn': RuleMeta; 'primary-san': RuleMeta; 'server-san': RuleMeta; 'pgbouncer-san': RuleMeta; 'server-cert-channel-binding': RuleMeta };
  shared: RuleMeta;
  ca: RuleMeta;
  base: readonly string[];
  domainField?: string;
}
const PERCONA_WAY: CrunchyWay = {
  operator: 'percona', label: 'Percona', rules: PERCONA, shared: PERCONA['shared-certificate'], ca: PERCONA['twin-secrets-ca'],
  base: ['spec', 'secrets'], domainField: 'clusterServiceDNSSuffix',
};
// PGO takes the cluster domain from the Kubernetes environment, not from the resource.
const PGO_WAY: CrunchyWay = {
  operator: 'pgo', label: 'PGO', rules: PGO, shared: PGO['shared-certificate'], ca: PGO['twin-secrets-ca'], base: ['spec'],
};

function checkPercona(r: Resource, ctx: LiveContext, way: CrunchyWay): void {
  const spec = get(r.data, ['spec']);
  const cluster = r.header.name;
  const domainRaw = way.domainField ? str(get(spec, [way.domainField])) : undefined;
  const domain = domainRaw ? domainRaw.replace(/\.$/, '') || undefined : undefined;
  if (cluster) checkPgbouncer(r, ctx, cluster, domain, way);
  const secrets = get(r.data, way.base);
  if (!isObj(secrets)) return;
  const projection = (field: Projection['field']): Projection | undefined => {
    const p = secrets[field];
    const name = str(get(p, ['name']));
    if (!name) return undefined;
    return { field, name, secret: lookup(ctx, r, name), key: (path: string) => perconaKeyFor(p, path) };
  };
  const server = projection('customTLSSecret');
  const repl = projection('customReplicationTLSSecret');
  const root = way.operator === 'percona' ? projection('customRootCATLSSecret') : undefined;
  const nameSpan = (pr: Projection) => spanAt(r, [...way.base, pr.field, 'name']);
  const tlsCrt = (pr: Projection | undefined) => (pr ? certsOf(pr.secret, pr.key('tls.crt')) : []);
  const serverChain = tlsCrt(server);
  const replChain = tlsCrt(repl);
  const serverLeaf = serverChain[0];
  const replLeaf = replChain[0];
  const issuedBy = issuedByBackend(ctx.env.tls);

  // R6: one certificate for both roles.
  let shared = false;
  if (server && repl) {
    const sameEntry = server.name === repl.name && server.key('tls.crt') === repl.key('tls.crt');
    if (sameEntry || (serverLeaf && replLeaf && sameCertificate(serverLeaf, replLeaf))) {
      shared = true;
      const where = sameEntry
        ? `both read key \`${repl.key('tls.crt')}\` of Secret \`${repl.name}\``
        : `Secrets \`${server.name}\` and \`${repl.name}\` hold the same \`tls.crt\` (${cnText(replLeaf!)})`;
      const extra = server.secret && repl.secret
        ? relatedTo({ s: server.secret, key: server.key('tls.crt'), message: 'server certificate' }, { s: repl.secret, key: repl.key('tls.crt'), message: 'replication certificate' })
        : undefined;
      ctx.report(way.shared, nameSpan(repl),
        `The server and replication certificates are one and the same: ${where}. The replication certificate is a client certificate with CN \`${PERCONA_REPLICATION_USER}\`, the server certificate names the cluster's Services; they must be separate certificates from the same CA. Issue a replication certificate of its own from the same CA (\`pgtls cert replication --out DIR --ca-cert CA.crt --ca-key CA.key\`) and store it in a separate Secret.`,
        extra);
    }
  }

  // R5: the replication CN.
  if (repl?.secret && replLeaf) {
    const cn = commonName(replLeaf.subject);
    if (cn !== PERCONA_REPLICATION_USER) {
      ctx.report(way.rules['replication-cn'], nameSpan(repl),
        `The replication certificate in Secret \`${repl.name}\` has ${cn === undefined ? 'no CN' : `CN \`${cn}\``}, but ${way.label}'s pg_hba lets only \`${PERCONA_REPLICATION_USER}\` replicate, with \`cert\` authentication that takes the user from the CN, so replicas cannot connect. Issue it with CN (and DNS name) \`${PERCONA_REPLICATION_USER}\`, from the CA of the server certificate, e.g. \`pgtls cert replication --out DIR --ca-cert CA.crt --ca-key CA.key\`.`,
        relatedTo({ s: repl.secret, key: repl.key('tls.crt'), message: `replication certificate (${cnText(replLeaf)})` }));
    }
  }

  if (server?.secret && serverLeaf) {
    reportChannelBinding(ctx, way.rules['server-cert-channel-binding'], nameSpan(server), serverLeaf,
      relatedTo({ s: server.secret, key: server.key('tls.crt'), message: `server certificate (${cnText(serverLeaf)})` }), `Secret \`${server.name}\``);
  }

  // R1 / R13: one CA.
  if (!shared) checkPerconaCa(ctx, way.ca, { server, repl, root, serverChain, replChain, issuedBy, nameSpan });

  // R7, §2.3: the names of the server certificate.
  if (!cluster || !server?.secret || !serverLeaf) return;
  const pgBouncer = isObj(get(spec, ['proxy', 'pgBouncer']));
  const primary = `${cluster}-primary`;
  const related = relatedTo({ s: server.secret, key: server.key('tls.crt'), message: `server certificate (${cnText(serverLeaf)})` });
  const names = certNames(serverLeaf);
  let wanted = wantedNames([primary, `${cluster}-replicas`], r.header.namespace, domain);
  if (pgBouncer) {
    if (!matchesHost(names, primary)) {
      ctx.report(way.rules['primary-san'], nameSpan(server),
        `The server certificate in Secret \`${server.name}\` does not answer to \`${primary}\`: PgBouncer connects to PostgreSQL as \`host=${primary}\` with \`server_tls_sslmode = verify-full\`, so every PgBouncer connection fails. ${cap(describeNames(names))}. Add the DNS name \`${primary}\`: regenerate with "PG TLS: Create Complete TLS Set for This Resource" or \`${certCommand(way.operator, cluster, r.header.namespace, domain)}\`.`,
        related);
    }
    wanted = wanted.filter(w => w.host !== primary);
  }
  reportMissingNames(ctx, way.rules['server-san'], nameSpan(server), names, wanted, related,
    `The server certificate in Secret \`${server.name}\``, way.operator, cluster, r.header.namespace, domain, undefined, perconaAppHosts(cluster, r.header.namespace));
}

/** §2.3: PgBouncer's frontend certificate names the `<cluster>-pgbouncer` Service (items map keys as for the others). */
function checkPgbouncer(r: Resource, ctx: LiveContext, cluster: string, domain: string | undefined, way: CrunchyWay): void {
  const p = get(r.data, ['spec', 'proxy', 'pgBouncer', 'customTLSSecret']);
  const name = str(get(p, ['name']));
  if (!name) return;
  const secret = lookup(ctx, r, name);
  const key = perconaKeyFor(p, 'tls.crt');
  const leaf = certsOf(secret, key)[0];
  if (!secret || !leaf) return;
  reportMissingNames(ctx, way.rules['pgbouncer-san'], spanAt(r, ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name']), certNames(leaf),
    wantedNames([`${cluster}-pgbouncer`], r.header.namespace, domain),
    relatedTo({ s: secret, key, message: `PgBouncer certificate (${cnText(leaf)})` }),
    `The PgBouncer certificate in Secret \`${name}\``, way.operator, cluster, r.header.namespace, domain,
    `Issue it with these names, or use the server certificate that \`${certCommand(way.operator, cluster, r.header.namespace, domain, false)}\` makes: it covers the \`${cluster}-pgbouncer\` names too`,
    perconaAppHosts(cluster, r.header.namespace, true));
}

function checkPerconaCa(ctx: LiveContext, rule: RuleMeta, a: {
  server: Projection | undefined; repl: Projection | undefined; root: Projection | undefined;
  serverChain: Certificate[]; replChain: Certificate[];
  issuedBy: IssuedBy<Certificate>; nameSpan: (p: Projection) => Span;
}): void {
  const { server, repl, root, serverChain, replChain, issuedBy, nameSpan } = a;
  // With a root CA Secret in the workspace, both leaves must come from its root.crt (ca.crt is then optional).
  const rootCerts = root ? certsOf(root.secret, root.key('root.crt')) : [];
  if (root?.secret && rootCerts.length) {
    for (const [pr, chain] of [[server, serverChain], [repl, replChain]] as const) {
      if (!pr?.secret || !chain.length || chainsTo(chain, rootCerts, issuedBy)) continue;
      const what = pr.field === 'customTLSSecret' ? 'server' : 'replication';
      ctx.report(rule, nameSpan(pr),
        `The ${what} certificate in Secret \`${pr.name}\` (${cnText(chain[0]!)}, issuer ${issuerText(chain[0]!)}) is not issued by the root CA of \`customRootCATLSSecret\` (Secret \`${root.name}\`, ${cnText(rootCerts[0]!)}): the operator trusts that root only, so ${what === 'server' ? 'clients and replicas cannot verify the server' : 'the primary rejects the replicas\' certificate'}. Issue it from that root CA.`,
        relatedTo({ s: pr.secret, key: pr.key('tls.crt'), message: `${what} certificate` }, { s: root.secret, key: root.key('root.crt'), message: 'root CA (root.crt)' }));
    }
    return;
  }
  if (!server?.secret || !repl?.secret) return;
  const serverCa = certsOf(server.secret, server.key('ca.crt'));
  const replCa = certsOf(repl.secret, repl.key('ca.crt'));
  if (!serverCa.length || !replCa.length) return; // no ca.crt (secret/missing-key) or unreadable (certificate content rules)
  const extra = relatedTo(
    { s: server.secret, key: server.key('ca.crt'), message: `ca.crt of Secret ${server.name}` },
    { s: repl.secret, key: repl.key('ca.crt'), message: `ca.crt of Secret ${repl.name}` },
  );
  if (serverChain.length && replChain.length) {
    const replOk = chainsTo(replChain, serverCa, issuedBy);
    const serverOk = chainsTo(serverChain, replCa, issuedBy);
    if (replOk && serverOk) return;
    const detail = !replOk
      ? `the replication certificate (issuer ${issuerText(replChain[0]!)}) is not issued by the \`ca.crt\` of Secret \`${server.name}\` (${cnText(serverCa[0]!)})`
      : `the server certificate (issuer ${issuerText(serverChain[0]!)}) is not issued by the \`ca.crt\` of Secret \`${repl.name}\` (${cnText(replCa[0]!)})`;
    ctx.report(rule, nameSpan(repl),
      `\`customTLSSecret\` and \`customReplicationTLSSecret\` must carry certificates of one CA with the same \`ca.crt\`, but ${detail}, so replicas fail to authenticate to the primary. Issue both certificates from one CA and put that CA in both Secrets' \`ca.crt\`.`,
      extra);
    return;
  }
  // A leaf is unreadable: compare the CA certificates themselves.
  // The same certificate in both (x509's sameCertificate, by its fingerprint; a Set since CA bundles can be long).
  const fps = new Set(serverCa.map(c => c.fingerprint256));
  if (replCa.some(c => fps.has(c.fingerprint256))) return;
  ctx.report(rule, nameSpan(repl),
    `\`customTLSSecret\` and \`customReplicationTLSSecret\` must have the same \`ca.crt\`, but Secret \`${server.name}\` holds ${cnText(serverCa[0]!)} and Secret \`${repl.name}\` ${cnText(replCa[0]!)} (different certificates), so replicas fail to authenticate to the primary. Issue both certificates from one CA and put that CA in both Secrets' \`ca.crt\`.`,
    extra);
}

/**
 * The Services a Spilo cluster's `spec.tls` certificate serves: the cluster and its replicas, and the poolers the
 * manifest enables (they mount the same Secret). Unset pooler flags leave it to the operator configuration, which
 * pgtls cannot see, so those Services are not required then.
 */
export function spiloServices(cluster: string, data: unknown): string[] {
  const services = [cluster, `${cluster}-repl`];
  if (get(data, ['spec', 'enableConnectionPooler']) === true) services.push(`${cluster}-pooler`);
  if (get(data, ['spec', 'enableReplicaConnectionPooler']) === true) services.push(`${cluster}-pooler-repl`);
  return services;
}

/** CYBERTEC CPO and Zalando: the `spec.tls.secretName` certificate against the Services it serves (C7/C8). */
function checkSpilo(r: Resource, ctx: LiveContext): void {
  const spec = get(r.data, ['spec']);
  const tls = get(spec, ['tls']);
  if (!isObj(tls)) return;
  const secretName = str(tls.secretName);
  const cluster = r.header.name;
  if (!secretName || !cluster) return; // empty: TLS off (C2)
  const file = str(tls.certificateFile) || 'tls.crt';
  if (file.startsWith('/')) return; // an absolute path is not a key of the Secret
  const secret = lookup(ctx, r, secretName);
  const leaf = certsOf(secret, file)[0];
  if (!secret || !leaf) return;
  // The cluster domain is the operator option cluster_domain: not in the manifest.
  const wanted = wantedNames(spiloServices(cluster, r.data), r.header.namespace, undefined);
  const zalando = isZalando(r);
  const related = relatedTo({ s: secret, key: file, message: `server certificate (${cnText(leaf)})` });
  reportChannelBinding(ctx, (zalando ? ZALANDO : CPO)['server-cert-channel-binding'], spanAt(r, ['spec', 'tls', 'secretName']), leaf, related,
    `Secret \`${secretName}\` (\`${file}\`)`);
  reportMissingNames(ctx, zalando ? ZALANDO['server-san'] : CPO['server-san'], spanAt(r, ['spec', 'tls', 'secretName']), certNames(leaf), wanted,
    related, `The certificate in Secret \`${secretName}\` (\`${file}\`)`, zalando ? 'zalando' : 'cpo', cluster, r.header.namespace, undefined);
}

/**
 * A server certificate signed with EdDSA: libpq's SCRAM logins with channel binding fail (certs/compat.ts). Pgpool-II
 * offers no channel binding, so KubeDB's Pgpool is not asked.
 */
function reportChannelBinding(ctx: LiveContext, meta: RuleMeta, span: Span, leaf: Certificate, related: FindingExtra, where: string): void {
  if (!isEddsaSignature(leaf.signatureAlgorithm)) return;
  const p = channelBindingProblem();
  ctx.report(meta, span,
    `The server certificate in ${where} (${cnText(leaf)}) is signed with ${leaf.signatureAlgorithm} by ${issuerText(leaf)}, so ${p.reason}. To make it work, ${p.fixes.join('; or ')}.`,
    related);
}

function checkPgpool(r: Resource, ctx: LiveContext): void {
  const tls = get(r.data, ['spec', 'tls']);
  const name = r.header.name;
  if (!isObj(tls) || !name) return;
  const certs = Array.isArray(tls.certificates) ? tls.certificates : [];
  const index = certs.findIndex(c => isObj(c) && c.alias === 'server');
  const entry = index >= 0 ? certs[index] : undefined;
  const explicit = str(get(entry, ['secretName']));
  // D3: with an issuerRef, a missing server entry or secretName is defaulted to <name>-server-cert.
  const secretName = explicit || (isObj(tls.issuerRef) ? nameWithSuffix(name, 'server-cert') : undefined);
  if (!secretName) return;
  const secret = lookup(ctx, r, secretName);
  const leaf = certsOf(secret, 'tls.crt')[0];
  if (!secret || !leaf) return;
  const span = explicit ? spanAt(r, ['spec', 'tls', 'certificates', index, 'secretName'])
    : index >= 0 ? spanAt(r, ['spec', 'tls', 'certificates', index, 'alias'])
      : spanAt(r, ['spec', 'tls', 'issuerRef'], 'key');
  const wanted = wantedNames([name], r.header.namespace, undefined);
  reportMissingNames(ctx, PGPOOL['server-san'], span, certNames(leaf), wanted,
    relatedTo({ s: secret, key: 'tls.crt', message: `server certificate (${cnText(leaf)})` }),
    `The server certificate in Secret \`${secretName}\``, 'kubedb', name, r.header.namespace, undefined);
}

/** The CLI commands that generate the operator's complete set and its Secrets (to be put between backticks). */
export function certCommand(operator: string, name: string, namespace: string | undefined, domain: string | undefined, secrets = true): string {
  const where = `--name ${name}${namespace ? ` --namespace ${namespace}` : ''}${domain ? ` --cluster-domain ${domain}` : ''}`;
  const set = `pgtls cert set --operator ${operator} ${where} --out certs/${name}`;
  return secrets ? `${set}\` then \`pgtls cert secrets --operator ${operator} ${where} --from certs/${name}` : set;
}

/**
 * The hosts the operator's user Secrets (`<cluster>-pguser-<user>`) hand to applications: `host` is
 * `<cluster>-primary.<ns>.svc`, and with PgBouncer `pgbouncer-host` is `<cluster>-pgbouncer.<ns>.svc` (Crunchy PGO v5,
 * which Percona forks: internal/controller/postgrescluster/postgres.go; CrunchyData/postgres-operator#3161). Unknown
 * without a namespace.
 */
export function perconaAppHosts(cluster: string, namespace: string | undefined, pgBouncer = false): string[] {
  if (!namespace) return [];
  return [`${cluster}-${pgBouncer ? 'pgbouncer' : 'primary'}.${namespace}.svc`];
}

/**
 * Reports the wanted names a certificate (a Secret's, or the names a cert-manager Certificate asks for) does not answer
 * to. Warning when a short name or a host of `appHosts` (what the operator's user Secret gives applications) is
 * missing, information when only other qualified forms are. `fixText` replaces the default advice.
 */
export function reportMissingNames(ctx: LiveContext, meta: RuleMeta, span: Span, names: CertNames,
  wanted: readonly WantedName[], related: FindingExtra | undefined, subject: string, operator: string, name: string, namespace: string | undefined, domain: string | undefined,
  fixText?: string, appHosts: readonly string[] = []): void {
  const missing = wanted.filter(w => !covers(names, w));
  if (!missing.length) return;
  const shortMissing = missing.some(w => w.short);
  const appMissing = missing.filter(w => appHosts.includes(w.host));
  const fix = fixText ?? (operator === 'kubedb'
    ? 'Add the names to `spec.tls.certificates[alias=server].dnsNames` (on a running Pgpool through a `PgpoolOpsRequest` of type `ReconfigureTLS`) so that the certificate is reissued with them; "PG TLS: Create Complete TLS Set for This Resource" writes them'
    : `Regenerate it with "PG TLS: Create Complete TLS Set for This Resource" or \`${certCommand(operator, name, namespace, domain)}\`, or add the names to your own certificate's SANs`);
  const anyDomain = missing.some(w => w.anyDomain) ? '; for the `.svc.<domain>` form any cluster domain would do (`cluster.local` is shown)' : '';
  const why = shortMissing
    ? 'clients with `sslmode=verify-full` that dial one of these names fail'
    : appMissing.length
      ? `the operator's user Secrets (\`${name}-pguser-<user>\`) give applications \`${appMissing[0]!.host}\` as their host (\`${appMissing[0]!.host.includes('-pgbouncer.') ? 'pgbouncer-host' : 'host'}\`, and in \`uri\`), so an application that connects with it and \`sslmode=verify-full\` is refused (the host name does not match the certificate)`
      : 'clients in other namespaces that dial a qualified name with `sslmode=verify-full` fail';
  ctx.report(meta, span,
    `${subject} does not answer to ${listNames(missing)}: ${why}. ${cap(describeNames(names))}${anyDomain}. ${fix}.`,
    { ...related, ...(shortMissing || appMissing.length ? {} : { severity: 'info' as const }) });
}
