/**
 * Clients of the PostgreSQL clusters of the workspace: a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob, Pod) or a ConfigMap that dials a cluster's Service with `sslmode=disable`, while that operator accepts
 * remote logins only over TLS. These documents are not ours (detect.ts): foreign.ts hands them here only when their
 * file mentions `sslmode`, nothing here ever reports a schema finding, and nothing is said unless the host names the
 * Service of a cluster defined in the workspace.
 *
 * Where a connection is read (libpq's rules: an explicit `sslmode` wins, else `PGSSLMODE`, else `prefer`):
 * - a container's `env`: `PGHOST` with `PGSSLMODE`, and values that are URIs (`postgres://`, `postgresql://`,
 *   `jdbc:postgresql://`) or key/value strings (`host=... sslmode=...`);
 * - a ConfigMap's `data`: the same keys and strings (for `envFrom`), and Grafana datasource provisioning files
 *   (`datasources[]` of type `postgres` / `grafana-postgresql-datasource`, `url` host:port, `jsonData.sslmode`).
 * `allow` and `prefer` fall back to TLS when the server refuses plain text, so only `disable` fails.
 *
 * Which operators refuse plain text (facts: CrunchyData/postgres-operator@v5.8.9 internal/postgres/hba.go NewHBAs,
 * internal/controller/postgrescluster/postgres.go, internal/pgbouncer/config.go; operators.md §2 for Percona, a fork
 * of PGO with `tlsOnly`; Spilo's default pg_hba for Zalando and CYBERTEC, whose `hostnossl all all all reject` is
 * replaced by `spec.patroni.pg_hba`): PGO v5 `<name>-primary`/`-replicas`/`-ha` unless user HBA lines allow `host`;
 * PGO and Percona `<name>-pgbouncer` always (PgBouncer's `client_tls_sslmode = require`); Percona `-primary`/
 * `-replicas`/`-ha` with `tlsOnly: true`; Zalando and CYBERTEC `<name>`, `<name>-repl` without `spec.patroni.pg_hba`.
 */
import { parse as parseYaml } from 'yaml';
import type { Span } from '../../../core/types';
import { dataOf } from '../data';
import type { Resource } from '../model';
import { CLIENT } from '../rules';
import { namePlace, type IndexedDocument } from '../workspace';
import type { LiveContext } from './types';
import { get, isObj, spanAt, str } from './util';

/** One place where a client connects: the host it dials and the span of its `sslmode=disable`. */
interface Dial {
  host: string;
  span: Span;
  how: string;
}

const WORKLOADS: Record<string, readonly string[]> = {
  'apps/v1 Deployment': ['spec', 'template', 'spec'],
  'apps/v1 StatefulSet': ['spec', 'template', 'spec'],
  'apps/v1 DaemonSet': ['spec', 'template', 'spec'],
  'apps/v1 ReplicaSet': ['spec', 'template', 'spec'],
  'batch/v1 Job': ['spec', 'template', 'spec'],
  'batch/v1 CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  'v1 Pod': ['spec'],
};

/** True for the documents this module reads (by header only). */
export function isClientCandidate(apiVersion: string | undefined, kind: string | undefined): boolean {
  const k = `${apiVersion} ${kind}`;
  return k in WORKLOADS || k === 'v1 ConfigMap';
}

const GRAFANA_PG = new Set(['postgres', 'grafana-postgresql-datasource']);

/** Host and sslmode of a URI or key/value connection string (undefined when it is neither). */
export function parseConnString(text: string): { host?: string; sslmode?: string } | undefined {
  const uri = /(?:jdbc:)?postgres(?:ql)?:\/\/([^\s'"]*)/.exec(text);
  if (uri) {
    const rest = uri[1]!;
    const q = rest.indexOf('?');
    const authority = (q < 0 ? rest : rest.slice(0, q)).split('/')[0]!;
    const hostPart = authority.slice(authority.lastIndexOf('@') + 1).split(',')[0]!;
    const host = hostPart.startsWith('[') ? undefined : hostPart.split(':')[0] || undefined;
    const query = q < 0 ? '' : rest.slice(q + 1);
    const mode = /(?:^|&)sslmode=([^&#]*)/.exec(query)?.[1];
    return { ...(host ? { host } : {}), ...(mode ? { sslmode: decodeURIComponent(mode) } : {}) };
  }
  if (!/\b(?:host|sslmode)\s*=/.test(text)) return undefined;
  const host = /(?:^|\s)host\s*=\s*'?([^\s',]+)/.exec(text)?.[1];
  const mode = /(?:^|\s)sslmode\s*=\s*'?([a-z-]+)/.exec(text)?.[1];
  return { ...(host ? { host } : {}), ...(mode ? { sslmode: mode } : {}) };
}

/** The span of the first `sslmode=disable` (or `sslmode: disable`) inside `span` of the document, else `span`. */
function disableSpan(r: Resource, span: Span): Span {
  const text = r.doc.part.source.slice(span[0], span[1]);
  const m = /sslmode["']?\s*[:=]\s*["']?(disable)\b/.exec(text);
  if (!m) return span;
  const at = span[0] + m.index + m[0].length - m[1]!.length;
  return [at, at + m[1]!.length];
}

/** The connections of one set of named values (a container's env, a ConfigMap's data). */
function dialsOf(r: Resource, values: { name: string; value: string; path: (string | number)[] }[]): Dial[] {
  const out: Dial[] = [];
  const byName = new Map(values.map(v => [v.name, v]));
  const envMode = byName.get('PGSSLMODE');
  for (const v of values) {
    const c = parseConnString(v.value);
    if (!c?.host) continue;
    const span = spanAt(r, v.path);
    if (c.sslmode === 'disable') out.push({ host: c.host, span: disableSpan(r, span), how: `\`${v.name}\` sets sslmode=disable` });
    else if (c.sslmode === undefined && envMode?.value === 'disable') {
      out.push({ host: c.host, span: spanAt(r, envMode.path), how: `\`PGSSLMODE=disable\` applies to \`${v.name}\`` });
    }
  }
  const host = byName.get('PGHOST');
  if (host && envMode?.value === 'disable') out.push({ host: host.value.split(',')[0]!, span: spanAt(r, envMode.path), how: '`PGHOST` with `PGSSLMODE=disable`' });
  return out;
}

/** Grafana datasource provisioning inside a ConfigMap value. */
function grafanaDials(r: Resource, key: string, text: string): Dial[] {
  if (!text.includes('datasources')) return [];
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch {
    return [];
  }
  const list = get(data, ['datasources']);
  if (!Array.isArray(list)) return [];
  const valueSpan = spanAt(r, ['data', key]);
  const raw = r.doc.part.source.slice(valueSpan[0], valueSpan[1]);
  const hits = [...raw.matchAll(/sslmode["']?\s*:\s*["']?disable\b/g)].map(m => {
    const at = valueSpan[0] + m.index + m[0].length - 'disable'.length;
    return [at, at + 'disable'.length] as Span;
  });
  const out: Dial[] = [];
  let n = 0;
  for (const ds of list) {
    if (get(ds, ['jsonData', 'sslmode']) !== 'disable') continue;
    const span = hits[n++] ?? valueSpan;
    const url = str(get(ds, ['url']));
    if (!GRAFANA_PG.has(String(get(ds, ['type']))) || !url) continue;
    out.push({ host: url.replace(/^[a-z]+:\/\//, '').split(/[:/]/)[0]!, span, how: `the Grafana datasource \`${String(get(ds, ['name']) ?? url)}\` sets \`jsonData.sslmode: disable\`` });
  }
  return out;
}

/** Every `sslmode=disable` connection of a client document. */
function dialsOfDocument(r: Resource): Dial[] {
  const k = `${r.header.apiVersion} ${r.header.kind}`;
  if (k === 'v1 ConfigMap') {
    const data = get(r.data, ['data']);
    if (!isObj(data)) return [];
    const values = Object.entries(data).flatMap(([name, v]) => (typeof v === 'string' ? [{ name, value: v, path: ['data', name] }] : []));
    return [...dialsOf(r, values), ...values.flatMap(v => grafanaDials(r, v.name, v.value))];
  }
  const podPath = WORKLOADS[k];
  if (!podPath) return [];
  const out: Dial[] = [];
  for (const list of ['initContainers', 'containers']) {
    const containers = get(r.data, [...podPath, list]);
    if (!Array.isArray(containers)) continue;
    containers.forEach((c, ci) => {
      const env = get(c, ['env']);
      if (!Array.isArray(env)) return;
      const values = env.flatMap((e, ei) => {
        const name = str(get(e, ['name']));
        const value = get(e, ['value']);
        return name && typeof value === 'string' ? [{ name, value, path: [...podPath, list, ci, 'env', ei, 'value'] }] : [];
      });
      out.push(...dialsOf(r, values));
    });
  }
  return out;
}

/** A Service of a cluster of the workspace that refuses plain-text logins, and why. */
interface Refusing {
  cluster: IndexedDocument;
  title: string;
  why: string;
}

/** The in-cluster Service name and namespace a host names (`svc`, `svc.ns`, `svc.ns.svc[.domain]`), else undefined. */
export function serviceOfHost(host: string, clientNamespace: string | undefined): { service: string; namespace: string | undefined } | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h || /^[\d.]+$/.test(h) || h.includes(':')) return undefined;
  const labels = h.split('.');
  if (labels.length === 1) return { service: labels[0]!, namespace: clientNamespace };
  if (labels.length === 2 || labels[2] === 'svc') return { service: labels[0]!, namespace: labels[1] };
  return undefined;
}

/** True when user pg_hba lines may let plain-text TCP logins in (a `host`/`hostnossl` line that does not reject). */
function userHbaAllowsPlain(lines: unknown[]): boolean {
  return lines.some(l => {
    if (typeof l === 'string') return /^\s*host(nossl)?\s/.test(l) && !/\sreject\s*$/.test(l);
    const conn = str(get(l, ['connection']));
    const hba = str(get(l, ['hba']));
    if (hba !== undefined) return /^\s*host(nossl)?\s/.test(hba) && !/\sreject\s*$/.test(hba);
    return (conn === 'host' || conn === 'hostnossl') && str(get(l, ['method'])) !== 'reject';
  });
}

const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

/** What a cluster document refuses on `service`, or undefined. */
function refusing(d: IndexedDocument, service: string, data: unknown): Refusing | undefined {
  const { apiVersion, kind, name } = d.header;
  if (!name) return undefined;
  const spec = get(data, ['spec']);
  const crunchy = apiVersion === 'postgres-operator.crunchydata.com/v1beta1' && kind === 'PostgresCluster';
  const percona = apiVersion === 'pgv2.percona.com/v2' && kind === 'PerconaPGCluster';
  if (crunchy || percona) {
    const title = crunchy ? `PGO PostgresCluster \`${name}\`` : `Percona PerconaPGCluster \`${name}\``;
    if (service === `${name}-pgbouncer` && isObj(get(spec, ['proxy', 'pgBouncer']))) {
      return { cluster: d, title, why: 'its PgBouncer requires TLS from clients (`client_tls_sslmode = require`), so the login fails with "SSL required"' };
    }
    if (![`${name}-primary`, `${name}-replicas`, `${name}-ha`].includes(service)) return undefined;
    if (percona && get(spec, ['tlsOnly']) !== true) return undefined;
    const user = [...arr(get(spec, ['authentication', 'rules'])), ...arr(get(spec, ['patroni', 'dynamicConfiguration', 'postgresql', 'pg_hba']))];
    if (userHbaAllowsPlain(user)) return undefined;
    return { cluster: d, title, why: `its pg_hba admits remote logins only over TLS (\`hostssl\`${percona ? ', `tlsOnly: true`' : ''}), so the login fails with "no pg_hba.conf entry ... SSL off"` };
  }
  const spilo = (apiVersion === 'acid.zalan.do/v1' || apiVersion === 'cpo.opensource.cybertec.at/v1') && kind === 'postgresql';
  if (spilo && (service === name || service === `${name}-repl`) && get(spec, ['patroni', 'pg_hba']) === undefined) {
    const title = `${apiVersion === 'acid.zalan.do/v1' ? 'Zalando' : 'CYBERTEC'} postgresql \`${name}\``;
    return { cluster: d, title, why: 'Spilo\'s default pg_hba ends remote plain-text logins with `hostnossl all all all reject`, so the login fails with "pg_hba.conf rejects connection ... SSL off" (unless the operator configuration sets ALLOW_NOSSL)' };
  }
  return undefined;
}

const CLUSTER_KINDS = ['PostgresCluster', 'PerconaPGCluster', 'postgresql'];

/** Reports each `sslmode=disable` connection of a client document to a cluster of the workspace that refuses it. */
export function checkClient(r: Resource, ctx: LiveContext): void {
  const dials = dialsOfDocument(r);
  if (!dials.length) return;
  for (const dial of dials) {
    const svc = serviceOfHost(dial.host, r.header.namespace);
    if (!svc) continue;
    let hit: Refusing | undefined;
    const names = [...new Set([svc.service, svc.service.replace(/-(primary|replicas|ha|pgbouncer|repl)$/, '')])];
    for (const kind of CLUSTER_KINDS) {
      for (const d of names.flatMap(n => ctx.workspace.find(kind, n, svc.namespace))) {
        hit = refusing(d, svc.service, dataOf(d.doc.part).value);
        if (hit) break;
      }
      if (hit) break;
    }
    if (!hit) continue;
    ctx.report(CLIENT['sslmode-disable'], dial.span,
      `This client dials \`${dial.host}\`, a Service of ${hit.title}, without TLS (${dial.how}): ${hit.why}. Use \`sslmode=require\` (or \`verify-full\` with the cluster's CA).`,
      { related: [{ ...namePlace(hit.cluster), message: hit.title.replace(/`/g, '') }] });
  }
}
