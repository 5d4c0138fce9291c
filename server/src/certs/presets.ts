/**
 * Operator-aware presets: for a KubeDB `Pgpool`, a Percona `PerconaPGCluster`, a CYBERTEC `postgresql`, their upstreams
 * (Crunchy PGO `PostgresCluster`, Zalando `postgresql`) or a plain Pgpool-II host, the exact server names its clients dial, the Secrets it expects (with their data keys and the field
 * that references them), the client certificate CN, and the patch that points the resource at the Secrets pgtls
 * writes. Pure data from reference/operators.md (§1.3, §2.2-2.3, §3.2-3.3, §5) and reference/pgpool.md §3; no I/O.
 *
 * `presetFromResource` takes a resource as plain data (what `yaml` parses) so the Kubernetes language features can
 * offer "Create Complete TLS Set for This Resource" from the document under the cursor.
 */
import { CertError, quoteInput } from './algorithms';
import { dnsNameProblem, isIpAddress } from './names';

/**
 * Percona's (and Crunchy's) replication user; its certificate carries it as CN and as DNS SAN (R5). Defined here, not
 * in generate.ts (which re-exports it), so that the Kubernetes rules (certUsage.ts) can use it without loading the
 * certificate generator and @peculiar/x509 when the language server starts.
 */
export const PERCONA_REPLICATION_USER = '_crunchyrepl';

export const OPERATORS = ['kubedb', 'percona', 'cpo', 'pgpool', 'zalando', 'pgo'] as const;
/**
 * `kubedb`: KubeDB Pgpool; `percona`: PerconaPGCluster; `cpo`: CYBERTEC `postgresql`; `pgpool`: plain Pgpool-II;
 * `zalando`: Zalando's `postgresql` (acid.zalan.do, CPO's upstream); `pgo`: Crunchy PGO v5 `PostgresCluster` (Percona's upstream).
 */
export type Operator = (typeof OPERATORS)[number];

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_NAMESPACE = 'default';
/** The database user of the client certificate unless told otherwise; KubeDB's own client certificate has this CN. */
export const DEFAULT_CLIENT_USER = 'postgres';

/** How CPO's CA reaches the pods: in the TLS Secret (`ca.crt` beside `tls.crt`) or in its own Secret (`caSecretName`). */
export type CpoLayout = 'one' | 'two';

export interface PresetInput {
  operator: Operator | string;
  /** The resource's `metadata.name`; for plain Pgpool-II, the host name (or address) clients dial. */
  name: string;
  /** Default `default`. Ignored for plain Pgpool-II. */
  namespace?: string;
  /** Default `cluster.local` (Percona: `spec.clusterServiceDNSSuffix`; CPO: operator option `cluster_domain`). */
  clusterDomain?: string;
  /** More server SANs (host names or addresses), appended after the operator's own. */
  extraSans?: readonly string[];
  /** Client certificate CN(s); for Pgpool-II the pool_hba.conf user names. KubeDB's is always `postgres`. */
  clientUsers?: readonly string[];
  /** CPO only: one Secret (default) or CA in a Secret of its own. */
  cpoLayout?: CpoLayout;
  /** Secret/Issuer names to use instead of the defaults (e.g. the ones an existing resource already references). */
  names?: Partial<Record<SecretRole | 'issuer', string>>;
}

/** What a Secret is for. */
export type SecretRole = 'server' | 'replication' | 'root-ca' | 'ca';

export interface PresetSecret {
  role: SecretRole | 'client' | 'metrics-exporter';
  name: string;
  /** Data keys, in the order they are described (manifests sort them as kubectl does). */
  keys: string[];
  /** `kubernetes.io/tls` when the Secret holds `tls.crt` + `tls.key`; undefined = Opaque (kubectl generic omits `type`). */
  type?: 'kubernetes.io/tls';
  /** The resource field that names this Secret, as a dotted path. */
  reference?: string;
  /** `pgtls`: written by `pgtls cert secrets`; `operator`: created by the operator (through cert-manager). */
  source: 'pgtls' | 'operator';
}

export interface CertPreset {
  operator: Operator;
  /** The resource kind (`Pgpool`, `PerconaPGCluster`, `postgresql`), or `Pgpool-II` for a plain host. */
  kind: string;
  name: string;
  namespace?: string;
  clusterDomain?: string;
  server: { commonName: string; dnsNames: string[]; ipAddresses: string[] };
  /** The client CN(s); the first is the default client certificate. */
  clientUsers: string[];
  /** Percona's replication certificate CN (`_crunchyrepl`); undefined for the others. */
  replicationUser?: string;
  /** Secrets pgtls writes (source `pgtls`) and those the operator makes itself (source `operator`). */
  secrets: PresetSecret[];
  /** KubeDB: the cert-manager CA Issuer pgtls writes. */
  issuer?: { kind: 'Issuer'; name: string; secretName: string };
  cpoLayout?: CpoLayout;
  /**
   * The fields to merge into the resource so it uses the Secrets above, as a JSON merge patch. Lists are keyed
   * (`items` by `key`, KubeDB `certificates` by `alias`): merge them into an existing list entry by entry.
   */
  patch: Record<string, unknown>;
  /** For plain Pgpool-II: the pgpool.conf settings and pool_hba.conf lines that use the files. */
  config?: { pgpoolConf: string[]; poolHba: string[] };
  /** One sentence each: what the user must know that the data above cannot say. */
  notes: string[];
}

/** `name-suffix` with `name` shortened so the whole stays within a DNS label (KubeDB's `NameWithSuffix`). */
export function nameWithSuffix(name: string, suffix: string): string {
  const max = 63 - suffix.length - 1;
  return `${name.length > max ? name.slice(0, max) : name}-${suffix}`;
}

/** The four names a Service answers to inside a cluster: `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.domain`. */
export function serviceNames(svc: string, namespace: string, clusterDomain: string): string[] {
  return [svc, `${svc}.${namespace}`, `${svc}.${namespace}.svc`, `${svc}.${namespace}.svc.${clusterDomain}`];
}

/** Normalises an operator name as users type it (`KubeDB`, `pg-operator`, `perconapgcluster` ...). */
export function parseOperator(s: string): Operator {
  const k = String(s).trim().toLowerCase().replace(/[-_\s]/g, '');
  const alias: Record<string, Operator> = {
    kubedb: 'kubedb', pgpool: 'pgpool', pgpoolii: 'pgpool', pgpool2: 'pgpool',
    percona: 'percona', perconapgcluster: 'percona', pgv2: 'percona',
    cpo: 'cpo', cybertec: 'cpo', postgresql: 'cpo',
    zalando: 'zalando', acid: 'zalando', acidzalando: 'zalando', zalandopostgresoperator: 'zalando',
    pgo: 'pgo', crunchy: 'pgo', crunchydata: 'pgo', postgrescluster: 'pgo',
  };
  const op = alias[k];
  if (!op) throw new CertError(`unknown operator ${quoteInput(s)}; valid operators: ${OPERATORS.join(', ')}`);
  return op;
}

/** Builds the preset for an operator and a resource name. Throws a CertError for names Kubernetes would refuse. */
export function preset(input: PresetInput): CertPreset {
  const operator = parseOperator(input.operator);
  const extra = [...(input.extraSans ?? [])];
  const users = [...(input.clientUsers ?? [])];
  if (operator === 'pgpool') return pgpoolPreset(input.name, extra, users);

  checkLabel(input.name, 'the resource name');
  const namespace = input.namespace ?? DEFAULT_NAMESPACE;
  checkLabel(namespace, 'the namespace');
  const clusterDomain = input.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const domainProblem = dnsNameProblem(clusterDomain);
  if (domainProblem || clusterDomain.startsWith('*')) {
    throw new CertError(`the cluster domain ${quoteInput(clusterDomain)} is not a valid DNS name${domainProblem ? `: ${domainProblem}` : ''}`);
  }
  const names = input.names ?? {};
  const ctx: Ctx = { name: input.name, namespace, clusterDomain, extra, users, names };
  switch (operator) {
    case 'kubedb': return kubedbPreset(ctx);
    case 'percona': return perconaPreset(ctx);
    case 'pgo': return pgoPreset(ctx);
    case 'cpo': return cpoPreset(ctx, input.cpoLayout ?? 'one');
    case 'zalando': return cpoPreset(ctx, input.cpoLayout ?? 'one', 'zalando');
  }
}

interface Ctx {
  name: string;
  namespace: string;
  clusterDomain: string;
  extra: string[];
  users: string[];
  names: Partial<Record<SecretRole | 'issuer', string>>;
}

// --- KubeDB Pgpool (operators.md §1.3, K3, K5, D3) -------------------------------------------------------------

function kubedbPreset(c: Ctx): CertPreset {
  const { name, namespace: ns, clusterDomain: d } = c;
  // The server SANs KubeDB's ops-manager writes are not public; these are operators.md's [DERIVED] proposal: the
  // primary Service in its four forms, the pods behind the governing Service, and what the official example adds.
  // The governing Service is NameWithSuffix(name, "pods"), shortened like the Secret names.
  const dns = [...serviceNames(name, ns, d), `*.${nameWithSuffix(name, 'pods')}.${ns}.svc`, 'localhost'];
  const server = sans(dns, ['127.0.0.1'], c.extra, name);
  if (c.users.some(u => u !== DEFAULT_CLIENT_USER)) {
    throw new CertError(`KubeDB Pgpool's client certificate always has CN "${DEFAULT_CLIENT_USER}" (KubeDB docs, TLS guide); other users need certificates of their own`);
  }
  const caSecret = c.names.ca ?? `${name}-ca`;
  const issuerName = c.names.issuer ?? `${name}-ca-issuer`;
  checkSecretName(caSecret);
  checkSecretName(issuerName);
  const secrets: PresetSecret[] = [
    { role: 'ca', name: caSecret, keys: ['tls.crt', 'tls.key'], type: 'kubernetes.io/tls', reference: 'Issuer spec.ca.secretName', source: 'pgtls' },
    ...(['server', 'client', 'metrics-exporter'] as const).map((alias): PresetSecret => ({
      role: alias, name: nameWithSuffix(name, `${alias}-cert`), keys: ['tls.crt', 'tls.key', 'ca.crt'], type: 'kubernetes.io/tls',
      reference: `spec.tls.certificates[alias=${alias}].secretName`, source: 'operator',
    })),
  ];
  // Put our names among the server certificate's extra SANs: KubeDB passes certificates[].dnsNames/ipAddresses on
  // to cert-manager, so verify-full clients that dial any of them succeed whatever the ops-manager's defaults are.
  const patch = {
    spec: {
      tls: {
        issuerRef: { apiGroup: 'cert-manager.io', kind: 'Issuer', name: issuerName },
        certificates: [{ alias: 'server', dnsNames: server.dnsNames, ipAddresses: server.ipAddresses }],
      },
    },
  };
  return {
    operator: 'kubedb', kind: 'Pgpool', name, namespace: ns, clusterDomain: d, server,
    clientUsers: [DEFAULT_CLIENT_USER], secrets,
    issuer: { kind: 'Issuer', name: issuerName, secretName: caSecret },
    patch,
    notes: [
      `cert-manager issues ${secrets.filter(s => s.source === 'operator').map(s => s.name).join(', ')} from the Issuer ${issuerName}; only the CA Secret ${caSecret} comes from your files.`,
      `The Issuer and its CA Secret must be in the Pgpool's namespace (${ns}); a ClusterIssuer reads its Secret from cert-manager's own namespace instead.`,
      `With clientAuthMode: cert the user name must equal the client certificate's CN, which KubeDB sets to "${DEFAULT_CLIENT_USER}".`,
      'issuerRef uses apiGroup (KubeDB), not group (cert-manager).',
    ],
  };
}

// --- Percona PerconaPGCluster (operators.md §2.2 R1-R7, R13; §2.3) ----------------------------------------------

/** The server SANs of a Crunchy-family cluster (Percona, PGO): primary, replicas and PgBouncer in four forms each. */
function crunchyServer(c: Ctx): CertPreset['server'] {
  const { name, namespace: ns, clusterDomain: d } = c;
  const forms = (svc: string) => [`${svc}.${ns}.svc.${d}`, `${svc}.${ns}.svc`, `${svc}.${ns}`, svc];
  return sans([...forms(`${name}-primary`), ...forms(`${name}-replicas`), ...forms(`${name}-pgbouncer`)], [], c.extra, name);
}

function perconaPreset(c: Ctx): CertPreset {
  const { name, namespace: ns, clusterDomain: d } = c;
  // The operator's own server certificate: primary and replicas, each as svc.ns.svc.domain, svc.ns.svc, svc.ns, svc,
  // CN = the first (operators.md §2.3). <cluster>-primary (short) is also what PgBouncer dials with verify-full (R7).
  // PgBouncer's four forms are added so the same certificate can serve spec.proxy.pgBouncer.customTLSSecret too.
  const server = crunchyServer(c);
  const tls = c.names.server ?? `${name}-custom-tls`;
  const repl = c.names.replication ?? `${name}-custom-replication-tls`;
  const root = c.names['root-ca'] ?? `${name}-custom-root-ca`;
  for (const s of [tls, repl, root]) checkSecretName(s);
  if (tls === repl) throw new CertError('Percona: the server and replication Secrets must differ (they must not share tls.crt)');
  const leafItems = ['tls.crt', 'tls.key', 'ca.crt'].map(k => ({ key: k, path: k }));
  const secrets: PresetSecret[] = [
    { role: 'server', name: tls, keys: ['tls.crt', 'tls.key', 'ca.crt'], type: 'kubernetes.io/tls', reference: 'spec.secrets.customTLSSecret', source: 'pgtls' },
    { role: 'replication', name: repl, keys: ['tls.crt', 'tls.key', 'ca.crt'], type: 'kubernetes.io/tls', reference: 'spec.secrets.customReplicationTLSSecret', source: 'pgtls' },
    { role: 'root-ca', name: root, keys: ['root.crt', 'root.key'], reference: 'spec.secrets.customRootCATLSSecret', source: 'pgtls' },
  ];
  // Explicit items, although the keys already have the required names: with items present Kubernetes projects only
  // the listed keys, and R4b's stricter reading wants every required path among them.
  const patch = {
    spec: {
      secrets: {
        customTLSSecret: { name: tls, items: leafItems },
        customReplicationTLSSecret: { name: repl, items: leafItems },
        customRootCATLSSecret: { name: root, items: ['root.crt', 'root.key'].map(k => ({ key: k, path: k })) },
      },
    },
  };
  return {
    operator: 'percona', kind: 'PerconaPGCluster', name, namespace: ns, clusterDomain: d, server,
    clientUsers: c.users.length ? c.users : [DEFAULT_CLIENT_USER], replicationUser: PERCONA_REPLICATION_USER,
    secrets, patch,
    notes: [
      'customTLSSecret and customReplicationTLSSecret must be set together and carry the same ca.crt (R1).',
      `The replication certificate's CN must be ${PERCONA_REPLICATION_USER} (R5); pgtls writes it as CN and DNS SAN.`,
      `PgBouncer dials ${name}-primary with verify-full (R7), so that short name must stay among the SANs.`,
      'customRootCATLSSecret hands the CA key to the operator, which then signs its own instance certificates with it and turns off its cert-manager integration (R10).',
      'Set spec.clusterServiceDNSSuffix if the cluster domain is not cluster.local, and generate again with that domain.',
    ],
  };
}

// --- Crunchy Data PGO v5 PostgresCluster (Percona's upstream; CrunchyData/postgres-operator@v5.8.9) ---------------

/**
 * PGO's own certificate names the primary and replica Services (internal/controller/postgrescluster/pki.go,
 * internal/naming/dns.go), as Percona's does; PgBouncer's names are added so one certificate can serve
 * spec.proxy.pgBouncer.customTLSSecret too. PGO has no custom root CA field: both Secrets carry ca.crt.
 */
function pgoPreset(c: Ctx): CertPreset {
  const { name, namespace: ns, clusterDomain: d } = c;
  const server = crunchyServer(c);
  const tls = c.names.server ?? `${name}-tls`;
  const repl = c.names.replication ?? `${name}-repl-tls`;
  for (const s of [tls, repl]) checkSecretName(s);
  if (tls === repl) throw new CertError('PGO: the server and replication Secrets must differ (they must not share tls.crt)');
  const keys = ['tls.crt', 'tls.key', 'ca.crt'];
  const secrets: PresetSecret[] = [
    { role: 'server', name: tls, keys, type: 'kubernetes.io/tls', reference: 'spec.customTLSSecret', source: 'pgtls' },
    { role: 'replication', name: repl, keys, type: 'kubernetes.io/tls', reference: 'spec.customReplicationTLSSecret', source: 'pgtls' },
  ];
  const items = keys.map(k => ({ key: k, path: k }));
  return {
    operator: 'pgo', kind: 'PostgresCluster', name, namespace: ns, clusterDomain: d, server,
    clientUsers: c.users.length ? c.users : [DEFAULT_CLIENT_USER], replicationUser: PERCONA_REPLICATION_USER,
    secrets, patch: { spec: { customTLSSecret: { name: tls, items }, customReplicationTLSSecret: { name: repl, items } } },
    notes: [
      'customTLSSecret and customReplicationTLSSecret must be set together and carry the same ca.crt (the CRD says so).',
      `The replication certificate's CN must be ${PERCONA_REPLICATION_USER}; pgtls writes it as CN and DNS SAN.`,
      `Applications get host ${name}-primary.${ns}.svc from PGO's user Secrets; PgBouncer dials ${name}-primary with verify-full.`,
      'PGO has no custom root CA field: its own root CA (Secret pgo-root-cacert) still signs the instance certificates.',
    ],
  };
}

// --- CYBERTEC postgresql (operators.md §3.2 C2-C8, §3.3) and Zalando's, its upstream -------------------------------

function cpoPreset(c: Ctx, layout: CpoLayout, operator: 'cpo' | 'zalando' = 'cpo'): CertPreset {
  const { name, namespace: ns, clusterDomain: d } = c;
  const product = operator === 'cpo' ? 'CPO' : 'Zalando';
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new CertError(`${product} cluster names must match DNS-1035 (start with a letter): ${quoteInput(name)}`);
  }
  // The same TLS Secret is mounted into the connection pooler pods (C7), so one certificate covers all four Services.
  const dns = [name, `${name}-repl`, `${name}-pooler`, `${name}-pooler-repl`].flatMap(svc => serviceNames(svc, ns, d));
  const server = sans(dns, [], c.extra, name);
  const tls = c.names.server ?? `${name}-tls`;
  const ca = c.names.ca ?? `${name}-tls-ca`;
  checkSecretName(tls);
  if (layout === 'two') {
    checkSecretName(ca);
    if (ca === tls) throw new CertError(`${product} two-Secret layout: the CA Secret needs a name of its own`);
  }
  const secrets: PresetSecret[] = layout === 'one'
    ? [{ role: 'server', name: tls, keys: ['tls.crt', 'tls.key', 'ca.crt'], type: 'kubernetes.io/tls', reference: 'spec.tls.secretName', source: 'pgtls' }]
    : [
      { role: 'server', name: tls, keys: ['tls.crt', 'tls.key'], type: 'kubernetes.io/tls', reference: 'spec.tls.secretName', source: 'pgtls' },
      { role: 'ca', name: ca, keys: ['ca.crt'], reference: 'spec.tls.caSecretName', source: 'pgtls' },
    ];
  // caFile is set in both layouts: without it no CA is configured at all, and caSecretName alone is ignored (C3).
  const tlsPatch: Record<string, string> = layout === 'one'
    ? { secretName: tls, certificateFile: 'tls.crt', privateKeyFile: 'tls.key', caFile: 'ca.crt' }
    : { secretName: tls, certificateFile: 'tls.crt', privateKeyFile: 'tls.key', caSecretName: ca, caFile: 'ca.crt' };
  return {
    operator, kind: 'postgresql', name, namespace: ns, clusterDomain: d, server,
    clientUsers: c.users.length ? c.users : [DEFAULT_CLIENT_USER], secrets, cpoLayout: layout,
    patch: { spec: { tls: tlsPatch } },
    notes: [
      'The TLS Secret is also mounted into the connection pooler pods, so the certificate covers the -pooler Services too (C7).',
      'Outside OpenShift set spec.spiloFSGroup (103 in the Spilo images) so postgres can read the key (C6).',
      ...(operator === 'cpo' ? [`Pods are ${name}-<i>.${name}-clusterpods.${ns}.svc.${d}; add --san '*.${name}-clusterpods.${ns}.svc.${d}' if clients dial them.`] : []),
    ],
  };
}

// --- plain Pgpool-II (pgpool.md §3.1, §3.3, §3.5) ---------------------------------------------------------------

function pgpoolPreset(host: string, extra: string[], users: string[]): CertPreset {
  if (typeof host !== 'string' || host === '') throw new CertError('plain Pgpool-II needs the host name or address clients dial (--name)');
  const server = isIpAddress(host) ? sans([], [host], extra, host) : sans([host], [], extra, host);
  const clientUsers = users.length ? users : [DEFAULT_CLIENT_USER];
  return {
    operator: 'pgpool', kind: 'Pgpool-II', name: host, server, clientUsers, secrets: [], patch: {},
    config: {
      // ssl_ca_cert is what makes pgpool ask for client certificates at all; without it every cert login fails.
      pgpoolConf: ["ssl = on", "ssl_cert = 'server.crt'", "ssl_key = 'server.key'", "ssl_ca_cert = 'ca.crt'", 'enable_pool_hba = on'],
      poolHba: clientUsers.map(u => `hostssl all ${/^[a-z_][a-z0-9_$]*$/.test(u) ? u : `"${u.replace(/"/g, '""')}"`} 0.0.0.0/0 cert`),
    },
    notes: [
      'Relative ssl_* paths are resolved against the folder of pgpool.conf; all ssl_* settings need a restart.',
      'Without ssl_ca_cert pgpool never asks for a client certificate, so every cert login fails.',
      'pgpool compares the client certificate CN with the user name ignoring case (PostgreSQL compares exactly).',
      'pgpool presents no client certificate to its backends: cert authentication works only between clients and pgpool.',
      'pgpool warns about a key file with group or other access; pgtls writes keys 0600.',
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** The operator's SANs first, in their order, then extra entries (addresses among the IPs); duplicates dropped. */
function sans(dns: string[], ips: string[], extra: readonly string[], resource: string): CertPreset['server'] {
  const outDns: string[] = [];
  const outIp: string[] = [];
  for (const n of [...dns, ...extra.filter(e => !isIpAddress(e))]) {
    const problem = dnsNameProblem(n);
    if (problem) throw new CertError(`the server name ${quoteInput(n)} derived from ${quoteInput(resource)} is not a valid DNS name: ${problem}`);
    if (!outDns.some(x => x.toLowerCase() === n.toLowerCase())) outDns.push(n);
  }
  for (const a of [...ips, ...extra.filter(e => isIpAddress(e))]) if (!outIp.includes(a)) outIp.push(a);
  const commonName = outDns[0] ?? outIp[0]!;
  return { commonName, dnsNames: outDns, ipAddresses: outIp };
}

/** A DNS-1123 label: what Kubernetes requires of Service names (and so of cluster names that become them) and namespaces. */
function checkLabel(s: string, what: string): void {
  if (typeof s !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) || s.length > 63) {
    throw new CertError(`${what} ${quoteInput(s)} must be a DNS-1123 label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit`);
  }
}

/** A DNS-1123 subdomain: what Kubernetes requires of Secret and Issuer names. */
export function checkSecretName(s: string): void {
  if (typeof s !== 'string' || s.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s)) {
    throw new CertError(`the name ${quoteInput(s)} is not a valid Kubernetes object name (lower-case letters, digits, "-" and ".", at most 253 characters)`);
  }
}

// --- from a parsed resource -------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** Which operator a resource belongs to, by `apiVersion` group and `kind`; undefined for anything else. */
export function operatorOfResource(obj: unknown): Exclude<Operator, 'pgpool'> | undefined {
  if (!isObj(obj)) return undefined;
  const group = typeof obj.apiVersion === 'string' ? obj.apiVersion.split('/')[0] : undefined;
  if (group === 'kubedb.com' && obj.kind === 'Pgpool') return 'kubedb';
  if (group === 'pgv2.percona.com' && obj.kind === 'PerconaPGCluster') return 'percona';
  if (group === 'cpo.opensource.cybertec.at' && obj.kind === 'postgresql') return 'cpo';
  if (group === 'acid.zalan.do' && obj.kind === 'postgresql') return 'zalando';
  if (group === 'postgres-operator.crunchydata.com' && obj.kind === 'PostgresCluster') return 'pgo';
  return undefined;
}

/**
 * The preset for a parsed KubeDB Pgpool, PerconaPGCluster or CPO postgresql; undefined for any other kind or when the
 * resource has no usable `metadata.name`. Names the resource already references (Secrets, Issuer, extra SANs, the
 * cluster domain, the CPO layout) are kept, so the generated Secrets fit the resource as it is.
 */
export function presetFromResource(obj: unknown, overrides: Partial<PresetInput> = {}): CertPreset | undefined {
  const operator = operatorOfResource(obj);
  if (!operator || !isObj(obj)) return undefined;
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const name = str(meta.name);
  if (!name) return undefined;
  const spec = isObj(obj.spec) ? obj.spec : {};
  const input: PresetInput = { operator, name, ...(str(meta.namespace) ? { namespace: str(meta.namespace) } : {}) };
  const names: PresetInput['names'] = {};
  if (operator === 'kubedb') {
    const tls = isObj(spec.tls) ? spec.tls : {};
    const issuer = isObj(tls.issuerRef) ? str(tls.issuerRef.name) : undefined;
    if (issuer && (!isObj(tls.issuerRef) || tls.issuerRef.kind === undefined || tls.issuerRef.kind === 'Issuer')) names.issuer = issuer;
    const certs = Array.isArray(tls.certificates) ? tls.certificates.filter(isObj) : [];
    const serverCert = certs.find(c => c.alias === 'server');
    if (serverCert) input.extraSans = [...strings(serverCert.dnsNames), ...strings(serverCert.ipAddresses)];
  } else if (operator === 'percona') {
    const domain = str(spec.clusterServiceDNSSuffix);
    if (domain) input.clusterDomain = domain.replace(/\.$/, '');
    const secrets = isObj(spec.secrets) ? spec.secrets : {};
    const ref = (k: string) => (isObj(secrets[k]) ? str(secrets[k].name) : undefined);
    if (ref('customTLSSecret')) names.server = ref('customTLSSecret');
    if (ref('customReplicationTLSSecret')) names.replication = ref('customReplicationTLSSecret');
    if (ref('customRootCATLSSecret')) names['root-ca'] = ref('customRootCATLSSecret');
  } else if (operator === 'pgo') {
    const ref = (k: string) => (isObj(spec[k]) ? str((spec[k] as Obj).name) : undefined);
    if (ref('customTLSSecret')) names.server = ref('customTLSSecret');
    if (ref('customReplicationTLSSecret')) names.replication = ref('customReplicationTLSSecret');
  } else {
    const tls = isObj(spec.tls) ? spec.tls : {};
    if (str(tls.secretName)) names.server = str(tls.secretName);
    if (str(tls.caSecretName)) {
      names.ca = str(tls.caSecretName);
      input.cpoLayout = 'two';
    }
  }
  if (Object.keys(names).length) input.names = names;
  return preset({ ...input, ...overrides, names: { ...names, ...(overrides.names ?? {}) } });
}
