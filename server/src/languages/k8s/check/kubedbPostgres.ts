/**
 * KubeDB Postgres (kubedb.com/v1): what its admission webhook rejects about `sslMode`/`tls`/`clientAuthMode`, the
 * Pgpool's issuer and alias rules where they mean the same, the `kubedb.com/v1alpha1` API KubeDB no longer serves and
 * the fields it renamed; across documents, an AppBinding that dials its Postgres with `sslmode=verify-full` by a name
 * the server certificate does not carry, and a `user_hba.conf` (in the Secret `spec.configSecret` or
 * `spec.configuration.secretName` names) whose `reject` for `postgres` also shuts out pg-coordinator. The pg_hba
 * rules themselves run on that user_hba.conf in embedded.ts. Facts: kubedb/apimachinery v0.66.0
 * (pkg/webhooks/kubedb/v1/postgres.go, apis/kubedb/v1/postgres_helpers.go, postgres_types.go), kubedb/docs#1048.
 */
import { isMap } from 'yaml';
import { isIpAddress, matchesHost } from '../../../x509';
import { dataOf } from '../data';
import { scalarOffsetMap } from '../embeddedText';
import type { Resource } from '../model';
import { KUBEDB, PGPOOL } from '../rules';
import { namePlace, type IndexedDocument } from '../workspace';
import { userHbaScalar } from './embedded';
import { checkIssuerRef } from './kubedb';
import type { DocumentContext, LiveContext, RuleModule } from './types';
import { addPairFix, get, isAppBinding, isKubedbPostgres, isKubedbPostgresV1alpha1, isObj, spanAt, str } from './util';

/** The aliases KubeDB reads for a Postgres (Go enum PostgresCertificateAlias). */
const ALIASES = ['server', 'client', 'archiver', 'grpc-ca', 'grpc-server', 'grpc-client', 'metrics-exporter'];
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

const isSecret = (r: Resource): boolean => r.kind.apiVersion === 'v1' && r.kind.kind === 'Secret';

export const kubedbPostgresModule: RuleModule = {
  name: 'kubedb-postgres',
  appliesTo: (r: Resource) => isKubedbPostgres(r) || isKubedbPostgresV1alpha1(r) || isAppBinding(r) || isSecret(r),
  checkDocument(r, ctx) {
    if (isKubedbPostgresV1alpha1(r)) {
      ctx.report(KUBEDB['old-api-version'], spanAt(r, ['apiVersion']),
        '`kubedb.com/v1alpha1` is no longer served (KubeDB stopped serving it in v0.14): the API server answers `no matches for kind "Postgres" in version "kubedb.com/v1alpha1"`. Use `apiVersion: kubedb.com/v1` and the field names of that version (`authSecret`, `configSecret`, `deletionPolicy`).');
      renamedFields(r, ctx, false);
      return;
    }
    if (!isKubedbPostgres(r)) return;
    renamedFields(r, ctx, true);
    sslModes(r, ctx);
    tlsBlock(r, ctx);
  },
  checkLive(r, ctx) {
    if (isAppBinding(r)) verifyFullHost(r, ctx);
    else if (isSecret(r)) coordinatorReject(r, ctx);
  },
};

function renamedFields(r: Resource, ctx: DocumentContext, v1: boolean): void {
  const spec = get(r.data, ['spec']);
  if (!isObj(spec)) return;
  const renamed: [string, string][] = [['databaseSecret', '`authSecret: { name: <secret> }`'], ['configSource', '`configSecret: { name: <secret> }` (a Secret, no longer a volume source)']];
  if (v1) renamed.push(['terminationPolicy', '`deletionPolicy` (same values)']);
  for (const [old, now] of renamed) {
    if (!(old in spec)) continue;
    ctx.report(KUBEDB['renamed-field'], spanAt(r, ['spec', old], 'key'),
      `\`${old}\` was renamed: the current KubeDB Postgres CRD does not know it, so \`kubectl apply\` rejects the field (unknown field) and the setting never reaches KubeDB. Use ${now}.`);
  }
}

/** The webhook's sslMode rules (validateSpecForDB), with the defaults SetDefaults applies first. */
function sslModes(r: Resource, ctx: DocumentContext): void {
  const spec = get(r.data, ['spec']);
  if (!isObj(spec)) return;
  const hasTls = spec.tls !== undefined && spec.tls !== null;
  const written = str(spec.sslMode);
  // Values outside the enum are the schema's.
  if (written !== undefined && !SSL_MODES.includes(written)) return;
  const sslMode = written ?? (hasTls ? 'verify-full' : 'disable');
  const authMode = str(spec.clientAuthMode);
  if (hasTls && written === 'disable') {
    ctx.report(KUBEDB['ssl-mode-tls'], spanAt(r, ['spec', 'sslMode']),
      '`sslMode: disable` with `spec.tls`: the KubeDB webhook rejects the Postgres ("can\'t have disable set to postgres.spec.sslMode when postgres.spec.TLS is set"). Set `sslMode: require`, `verify-ca` or `verify-full`, or remove `spec.tls`.');
  } else if (!hasTls && written !== undefined && written !== 'disable') {
    ctx.report(KUBEDB['ssl-mode-tls'], spanAt(r, ['spec', 'sslMode']),
      `\`sslMode: ${written}\` without \`spec.tls\`: the KubeDB webhook rejects the Postgres ("can't have ${written} set to postgres.Spec.SSLMode when postgres.Spec.TLS is null"). Add \`spec.tls\` with an \`issuerRef\`, or set \`sslMode: disable\`.`);
  } else if (authMode === 'cert' && sslMode === 'disable') {
    ctx.report(KUBEDB['ssl-mode-tls'], spanAt(r, ['spec', 'clientAuthMode']),
      `\`clientAuthMode: cert\` with ${written ? '`sslMode: disable`' : 'no `spec.tls` (sslMode defaults to disable)'}: the KubeDB webhook rejects the Postgres ("can't have disable set to postgres.spec.sslMode when postgres.spec.ClientAuthMode is set to cert"). Add \`spec.tls\` with an \`issuerRef\` and an sslMode other than disable, or use \`md5\`/\`scram\`.`);
  }
}

/** `pgpool/missing-issuer-ref`, `pgpool/issuer-ref` and `pgpool/unknown-alias`, with the Postgres's aliases. */
function tlsBlock(r: Resource, ctx: DocumentContext): void {
  const tls = get(r.data, ['spec', 'tls']);
  if (!isObj(tls)) return;
  if (tls.issuerRef === undefined || tls.issuerRef === null) {
    const fix = addPairFix(r, ['spec', 'tls'], `issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: ${r.header.name ?? 'postgres'}-ca-issuer }`,
      'Add a tls.issuerRef skeleton (cert-manager Issuer)');
    ctx.report(PGPOOL['missing-issuer-ref'], spanAt(r, ['spec', 'tls'], 'key'),
      '`spec.tls` has no `issuerRef`: KubeDB then defaults no certificates (server, client, metrics-exporter) and nothing issues them, so TLS cannot come up. Add `issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: <issuer> }`.',
      fix ? { fixes: [fix] } : undefined);
  }
  checkIssuerRef(r, ['spec', 'tls', 'issuerRef'], tls.issuerRef, ctx, 'Postgres');
  const certs = tls.certificates;
  if (!Array.isArray(certs)) return;
  certs.forEach((c, i) => {
    if (!isObj(c)) return;
    checkIssuerRef(r, ['spec', 'tls', 'certificates', i, 'issuerRef'], c.issuerRef, ctx, 'Postgres');
    const alias = str(c.alias);
    if (alias !== undefined && !ALIASES.includes(alias)) {
      ctx.report(PGPOOL['unknown-alias'], spanAt(r, ['spec', 'tls', 'certificates', i, 'alias']),
        `Alias \`${alias}\` is not one KubeDB reads for a Postgres: the CRD accepts it, but only ${ALIASES.map(a => `\`${a}\``).join(', ')} certificates are made, so this entry has no effect.`);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// AppBinding → Postgres: verify-full to a name the server certificate lacks.

/** Host and sslmode of a `postgres://` URL; `undefined` when it does not parse. */
export function parsePostgresUrl(url: string): { host: string; sslmode: string | undefined } | undefined {
  const m = /^postgres(?:ql)?:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#,]+)(?::\d*)?[^?#]*(?:\?([^#]*))?/i.exec(url.trim());
  if (!m) return undefined;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const q = (m[2] ?? '').split('&').map(p => p.split('=')).find(([k]) => k === 'sslmode');
  return { host: decodeURIComponent(host), sslmode: q?.[1] };
}

/** A host a KubeDB server certificate names by default or that cannot be judged here (in-cluster, loopback). */
function inCluster(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return !h.includes('.') || /\.svc(\.|$)/.test(h) || h.endsWith('.cluster.local') || h === 'localhost' || h === '127.0.0.1' || h === '::1';
}

/** The KubeDB Postgres an AppBinding connects to: `appRef`, else the same name, else the longest name its own name starts with. */
function postgresOf(r: Resource, ctx: LiveContext): { doc: IndexedDocument; how: string } | undefined {
  const ns = r.header.namespace;
  const ref = get(r.data, ['spec', 'appRef']);
  const refName = str(get(ref, ['name']));
  if (refName && (str(get(ref, ['kind'])) ?? 'Postgres') === 'Postgres') {
    const d = ctx.workspace.findOne('Postgres', refName, str(get(ref, ['namespace'])) || ns, 'kubedb.com/v1');
    return d ? { doc: d, how: '`appRef`' } : undefined;
  }
  const name = r.header.name;
  if (!name) return undefined;
  const same = ctx.workspace.findOne('Postgres', name, ns, 'kubedb.com/v1');
  if (same) return { doc: same, how: 'the same name' };
  let best: IndexedDocument | undefined;
  for (const d of ctx.workspace.documents('Postgres')) {
    const h = d.header;
    if (h.apiVersion !== 'kubedb.com/v1' || h.kind !== 'Postgres' || !h.name || (ns && h.namespace && h.namespace !== ns)) continue;
    if (name.startsWith(`${h.name}-`) && (!best || h.name.length > best.header.name!.length)) best = d;
  }
  return best ? { doc: best, how: `its name (\`${name}\` starts with \`${best.header.name}-\`)` } : undefined;
}

function verifyFullHost(r: Resource, ctx: LiveContext): void {
  const url = str(get(r.data, ['spec', 'clientConfig', 'url']));
  const target = url ? parsePostgresUrl(url) : undefined;
  if (!target || target.sslmode !== 'verify-full' || inCluster(target.host)) return;
  const pg = postgresOf(r, ctx);
  if (!pg) return;
  const data = dataOf(pg.doc.doc.part).value;
  const tls = get(data, ['spec', 'tls']);
  if (!isObj(tls) || !isObj(tls.issuerRef)) return; // no KubeDB-issued certificate to judge
  const certs = Array.isArray(tls.certificates) ? tls.certificates : [];
  const server = certs.find(c => str(get(c, ['alias'])) === 'server');
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  const names = { dns: strings(get(server, ['dnsNames'])), ips: strings(get(server, ['ipAddresses'])), cn: undefined };
  if (matchesHost(names, target.host)) return;
  const pgName = pg.doc.header.name!;
  const field = isIpAddress(target.host) ? 'ipAddresses' : 'dnsNames';
  ctx.report(KUBEDB['verify-full-host'], spanAt(r, ['spec', 'clientConfig', 'url']),
    `\`sslmode=verify-full\` to \`${target.host}\`, which the server certificate of Postgres \`${pgName}\` (found by ${pg.how}) does not name: it has only KubeDB's in-cluster names${names.dns.length + names.ips.length ? ` and ${[...names.dns, ...names.ips].map(n => `\`${n}\``).join(', ')}` : ''}. libpq refuses the certificate, so a remote replica loops on "Attempting pg_isready on primary". Add \`${target.host}\` to \`spec.tls.certificates[alias=server].${field}\` of \`${pgName}\` (a running one through a \`PostgresOpsRequest\` of type \`ReconfigureTLS\`), or use \`sslmode=verify-ca\`.`,
    { related: [{ ...namePlace(pg.doc), message: `Postgres \`${pgName}\`` }] });
}

// ---------------------------------------------------------------------------------------------------------------
// user_hba.conf: a reject for postgres that also shuts out pg-coordinator.

/** The KubeDB Postgres of the workspace that reads this Secret as its configuration Secret. */
function postgresReading(r: Resource, ctx: LiveContext): IndexedDocument | undefined {
  const name = r.header.name;
  if (!name) return undefined;
  for (const d of ctx.workspace.documents(name)) {
    const h = d.header;
    if (h.apiVersion !== 'kubedb.com/v1' || h.kind !== 'Postgres') continue;
    if (r.header.namespace && h.namespace && h.namespace !== r.header.namespace) continue;
    const data = dataOf(d.doc.part).value;
    if (str(get(data, ['spec', 'configSecret', 'name'])) === name || str(get(data, ['spec', 'configuration', 'secretName'])) === name) return d;
  }
  return undefined;
}

const listHas = (field: string, want: string[]): boolean => field.split(',').some(x => want.includes(x));

function coordinatorReject(r: Resource, ctx: LiveContext): void {
  const node = userHbaScalar(r);
  if (!node || !isMap(r.yaml.contents)) return;
  const map = scalarOffsetMap(node, r.doc.part.source);
  if (!map) return;
  const pg = postgresReading(r, ctx);
  const tls = pg ? isObj(get(dataOf(pg.doc.part).value, ['spec', 'tls'])) : undefined;
  // Which line types pg-coordinator's TCP connections match: `host` always; hostssl/hostnossl when the TLS is known.
  const types = ['host', ...(tls === true ? ['hostssl'] : tls === false ? ['hostnossl'] : [])];
  let offset = 0;
  for (const raw of map.text.split('\n')) {
    const start = offset;
    offset += raw.length + 1;
    const line = raw.replace(/#.*$/, '').trim();
    // Quoted names, includes and continuations are not judged: never a guess.
    if (!line || /["\\@]/.test(line) || /^include/.test(line)) continue;
    const [type, db, user, address, method] = line.split(/\s+/);
    if (!type || !db || !user || !address || !method || !type.startsWith('host')) continue;
    const forPostgres = listHas(user, ['all', 'postgres']) && listHas(db, ['all', 'postgres', 'sameuser']);
    if (!forPostgres) continue;
    // An earlier TCP line that lets postgres in (the docs' pod-network allow) may decide first: no finding after it.
    if (method !== 'reject') return;
    if (!types.includes(type) || !['all', '0.0.0.0/0', '::/0'].includes(address)) continue;
    const lead = raw.length - raw.trimStart().length;
    ctx.report(KUBEDB['hba-rejects-coordinator'], map.span([start + lead, start + raw.trimEnd().length]),
      `This \`reject\` for \`postgres\` from ${address === 'all' ? 'every address' : `\`${address}\``} also shuts out pg-coordinator: KubeDB places user_hba.conf above its own catch-all rules, and pg-coordinator connects to its peer pods as \`postgres\` over the pod network, so failover and standby sync break. Put a line that allows \`postgres\` from the pod network (e.g. \`host all postgres 10.42.0.0/16 scram-sha-256\`, with your pod CIDR) before it.`);
    return;
  }
}
