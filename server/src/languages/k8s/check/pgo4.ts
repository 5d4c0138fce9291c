/**
 * Crunchy PGO 4.x (`crunchydata.com/v1` `Pgcluster`, end of life but still deployed): the certificates of its TLS
 * Secrets against its CA Secret. `spec.tls.caSecret` holds `ca.crt`, the CA the server trusts (PostgreSQL's
 * ssl_ca_file); `spec.tls.tlsSecret` the server key pair and `spec.tls.replicationTLSSecret` the key pair of the
 * replication user `primaryuser`. Replicas and pgBouncer connect to the primary with `sslmode=verify-ca` against that
 * CA, and certificate authentication checks the replication certificate against it, so both leaves must be issued by
 * it. Facts: CrunchyData/postgres-operator@v4.7.9 pkg/apis/crunchydata.com/v1/cluster.go (TLSSpec),
 * docs/content/tutorial/tls.md, docs/content/releases/4.4.0.md and 4.6.0.md. Chains are walked by the X.509 room
 * (`chainsTo`), as for the Percona Secrets (certUsage.ts); unreadable or missing entries are other rules' findings.
 *
 * The custom configuration ConfigMap (`spec.customconfig`, else the namespace's `pgo-custom-pg-config`) is not ours;
 * foreign.ts hands it to `checkPgo4CustomConfig` when its file mentions `pg_hba`.
 */
import type { Certificate } from '../../../core/tlsBackend';
import { chainsTo, commonName, issuedByBackend } from '../../../x509';
import { secretContents } from '../certData';
import { dataOf } from '../data';
import { pgHbaMode, type HbaRecord } from '../../hba';
import type { Resource } from '../model';
import { PGO4 } from '../rules';
import { namePlace, placeIn, type IndexedDocument } from '../workspace';
import { checkPgo4Ident, haLists, locateItems, type Item } from './pgo4Ident';
import type { LiveContext, RuleModule } from './types';
import { get, isObj, isPgo4, spanAt, str } from './util';

/** The Secret's certificates under `key` ([] when the Secret or entry is absent or unreadable). */
function certsIn(ctx: LiveContext, doc: IndexedDocument | undefined, key: string): { certs: Certificate[]; place?: ReturnType<typeof placeIn> } {
  if (!doc || !isObj(dataOf(doc.doc.part).value)) return { certs: [] };
  try {
    const contents = secretContents(doc.doc.part, ctx.env.tls);
    const entry = contents.entries.get(key);
    return { certs: contents.certificates(key)?.certificates ?? [], ...(entry ? { place: placeIn(doc.path, doc.doc, entry.valueSpan) } : {}) };
  } catch {
    return { certs: [] };
  }
}

const cn = (c: Certificate): string => {
  const n = commonName(c.subject);
  return n === undefined ? `subject "${c.subject || '(empty)'}"` : `CN "${n}"`;
};

export const pgo4Module: RuleModule = {
  name: 'pgo4',
  appliesTo: isPgo4,
  checkLive(r, ctx) {
    const tls = get(r.data, ['spec', 'tls']);
    if (!isObj(tls)) return;
    const caName = str(tls.caSecret);
    if (!caName) return;
    const ns = r.header.namespace ?? str(get(r.data, ['spec', 'namespace']));
    const find = (name: string) => ctx.workspace.findOne('Secret', name, ns, 'v1');
    const ca = certsIn(ctx, find(caName), 'ca.crt');
    if (!ca.certs.length) return;
    const issuedBy = issuedByBackend(ctx.env.tls);
    for (const field of ['tlsSecret', 'replicationTLSSecret'] as const) {
      const name = str(tls[field]);
      if (!name) continue;
      const leaf = certsIn(ctx, find(name), 'tls.crt');
      if (!leaf.certs.length || chainsTo(leaf.certs, ca.certs, issuedBy)) continue;
      const first = leaf.certs[0]!;
      const why = first.subject === first.issuer ? 'it is self-signed (issuer = subject)' : `it was issued by "${first.issuer}"`;
      const server = field === 'tlsSecret';
      const effect = server
        ? 'replicas and pgBouncer connect to the primary with sslmode=verify-ca against that CA and fail with "certificate verify failed", and so does every client that verifies'
        : 'the primary checks the replication certificate of `primaryuser` against that CA, so the replicas cannot authenticate and replication fails';
      const related = [
        ...(leaf.place ? [{ ...leaf.place, message: `${server ? 'server' : 'replication'} certificate (${cn(first)})` }] : []),
        ...(ca.place ? [{ ...ca.place, message: `ca.crt of Secret ${caName} (${cn(ca.certs[0]!)})` }] : []),
      ];
      ctx.report(PGO4['tls-not-signed-by-ca'], spanAt(r, ['spec', 'tls', field]),
        `The ${server ? 'server' : 'replication'} certificate in Secret \`${name}\` (${cn(first)}) is not issued by the CA in \`ca.crt\` of \`caSecret\` \`${caName}\` (${cn(ca.certs[0]!)}): ${why}. ${effect.charAt(0).toUpperCase()}${effect.slice(1)}. Issue the certificate from that CA (e.g. \`openssl x509 -req -CA ca.crt -CAkey ca.key\`, not \`-signkey\`), or put the CA that issued it into \`ca.crt\`.`,
        related.length ? { related } : undefined);
    }
  },
};

/** The ConfigMap that every PGO 4.x cluster of its namespace uses when it exists (config/labels.go GLOBAL_CUSTOM_CONFIGMAP). */
export const PGO4_GLOBAL_CONFIG = 'pgo-custom-pg-config';

/** The Pgclusters of the workspace that use the ConfigMap `name` of `namespace` as their custom configuration. */
function clustersUsing(ctx: LiveContext, name: string, namespace: string | undefined): IndexedDocument[] {
  return ctx.workspace.documents('Pgcluster').filter(d => d.header.apiVersion === 'crunchydata.com/v1' && d.header.kind === 'Pgcluster'
    && (!namespace || !d.header.namespace || d.header.namespace === namespace)
    && (str(get(dataOf(d.doc.part).value, ['spec', 'customconfig'])) ?? PGO4_GLOBAL_CONFIG) === name);
}

/** The PGO release of a Pgcluster's `ccpimagetag` (`centos7-12.1-4.1.1` → [4, 1]), if it names one. */
function pgoRelease(d: IndexedDocument): [number, number] | undefined {
  const tag = str(get(dataOf(d.doc.part).value, ['spec', 'ccpimagetag']));
  const m = tag ? /-(\d+)\.(\d+)\.\d+(?:-[\w.]+)?$/.exec(tag) : undefined;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const LOOPBACK = (rec: HbaRecord): boolean => {
  const ip = rec.address?.ip;
  if (!ip || rec.address?.kind !== 'ip') return false;
  return ip.family === 4 ? ip.bytes[0] === 127 && (rec.address.bits ?? 32) >= 8 : ip.bytes.slice(0, 15).every(b => b === 0) && ip.bytes[15] === 1;
};

/** Whether a record may match a TCP login of `postgres` to database `postgres` from a pod address (any non-loopback one). */
function mayMatchOperator(rec: HbaRecord): boolean {
  const db = rec.databases.some(t => t.include !== undefined || (!t.quoted && ['all', 'sameuser', 'samerole', 'samegroup'].includes(t.value)) || t.value === 'postgres' || t.value.startsWith('/'));
  const user = rec.users.some(t => t.include !== undefined || (!t.quoted && t.value === 'all') || t.value === 'postgres' || t.value.startsWith('+') || t.value.startsWith('/'));
  return db && user && !LOOPBACK(rec);
}

/** The pg_hba lines of a custom configuration: the `pg_hba.conf` key (before 4.2), else postgres-ha.yaml's `pg_hba`. */
function hbaItems(r: Resource): (Item[] & { key: string }) | undefined {
  const conf = str(get(r.data, ['data', 'pg_hba.conf']));
  if (conf !== undefined) {
    const lines = conf.split('\n').map(l => l.replace(/\r$/, '')).filter(l => l.trim() && !l.trim().startsWith('#'));
    return Object.assign(locateItems(r, 'pg_hba.conf', lines), { key: 'pg_hba.conf' });
  }
  const ha = str(get(r.data, ['data', 'postgres-ha.yaml']));
  if (ha === undefined) return undefined;
  const { hba } = haLists(r, ha);
  return hba.length ? Object.assign(hba, { key: 'postgres-ha.yaml' }) : undefined;
}

/**
 * A custom configuration ConfigMap of PGO 4.x: its replication `cert` lines (pgo4Ident.ts), and a pg_hba that no line
 * lets the operator's own connection through: up to 4.2 the apiserver and the operator log in as `postgres` over TCP
 * from their pod with `sslmode=disable`.
 */
export function checkPgo4CustomConfig(r: Resource, ctx: LiveContext): void {
  const name = r.header.name;
  if (!name) return;
  const clusters = clustersUsing(ctx, name, r.header.namespace);
  if (name !== PGO4_GLOBAL_CONFIG && !clusters.length) return;
  checkPgo4Ident(r, ctx, clusters);
  // PGO 4.3 and later no longer log in without TLS: a release named by the image tag, or TLS settings (new in 4.3).
  const modern = (d: IndexedDocument) => {
    const v = pgoRelease(d);
    return v ? v[0] > 4 || (v[0] === 4 && v[1] >= 3) : isObj(get(dataOf(d.doc.part).value, ['spec', 'tls']));
  };
  if (clusters.length && clusters.every(modern)) return;
  const items = hbaItems(r);
  if (!items) return;
  const parsed = items.flatMap(item => pgHbaMode.parse({ path: '/pgconf/pg_hba.conf', text: item.text, languageId: 'pg-hba' }).records.map(rec => ({ rec, item })));
  const tcp = parsed.filter(p => p.rec.conn !== 'local' && mayMatchOperator(p.rec));
  if (tcp.some(p => ['host', 'hostnossl', 'hostnogssenc'].includes(p.rec.conn))) return;
  const tlsOnly = tcp.find(p => p.rec.conn === 'hostssl');
  const span = tlsOnly?.item.span ?? spanAt(r, ['data', items.key], 'key');
  const who = clusters.length ? `the Pgcluster${clusters.length > 1 ? 's' : ''} ${clusters.map(c => `\`${c.header.name}\``).join(', ')}` : `every PGO 4.x cluster of namespace \`${r.header.namespace ?? '(default)'}\` (the operator's global custom configuration)`;
  ctx.report(PGO4['hba-locks-out-operator'], span,
    `This ${items.key === 'pg_hba.conf' ? 'pg_hba.conf' : 'pg_hba list'}, used by ${who}, admits \`postgres\` from the pod network only ${tlsOnly ? 'over TLS (`hostssl`)' : 'not at all'}, but PGO up to 4.2 connects as \`postgres\` over TCP from the apiserver and operator pods with \`sslmode=disable\`: operator commands (e.g. \`pgo scaledown --query\`, \`pgo user\`, \`pgo df\`) fail with "no pg_hba.conf entry for host ..., user "postgres", ... SSL off". Add a line such as \`host all postgres 0.0.0.0/0 md5\` (restricted to the pod network) before the \`hostssl\` lines, or upgrade to PGO 4.3 or later.`,
    clusters.length ? { related: clusters.map(c => ({ ...namePlace(c), message: `Pgcluster ${c.header.name ?? ''}` })) } : undefined);
}
