/**
 * Crunchy PGO 4.x: the replication user's certificate authentication in a custom configuration ConfigMap
 * (`postgres-ha.yaml`, Patroni's `bootstrap.dcs.postgresql` and local `postgresql` sections with their `pg_hba` and
 * `pg_ident` lists) against the certificate of the Pgcluster's `spec.tls.replicationTLSSecret`. A `cert` line for
 * `primaryuser` takes the user from the certificate's CN: without `map=`, the CN must be `primaryuser`; with `map=M`,
 * some pg_ident line of map M must have the CN (exactly, or a `/regex` matching it) as system user and `primaryuser`
 * as database user. Otherwise replication fails with a certificate authentication error. Facts:
 * CrunchyData/postgres-operator@v4.7.9 docs/content/advanced/custom-configuration.md (postgres-ha.yaml, pg_hba and
 * pg_ident sections), docs/content/releases/4.4.0.md (the replication user `primaryuser`, a custom pg_ident for
 * verify-full); PostgreSQL's cert authentication and user name maps; user report CrunchyData/postgres-operator#1774.
 */
import { parse as parseYaml } from 'yaml';
import type { Span } from '../../../core/types';
import { commonName } from '../../../x509';
import { pgHbaMode } from '../../hba';
import { secretContents } from '../certData';
import { dataOf } from '../data';
import type { Resource } from '../model';
import { PGO4 } from '../rules';
import { namePlace, type IndexedDocument } from '../workspace';
import type { LiveContext } from './types';
import { get, spanAt, str } from './util';

/** The replication user of PGO 4.x. */
export const PGO4_REPLICATION_USER = 'primaryuser';

export interface Item {
  text: string;
  span: Span;
}

/** Each of `texts`, found in order inside the value of `data.<key>`, with its span in the document (else the value's). */
export function locateItems(r: Resource, key: string, texts: readonly string[]): Item[] {
  const value = spanAt(r, ['data', key]);
  const raw = r.doc.part.source.slice(value[0], value[1]);
  let from = 0;
  return texts.map(x => {
    const at = x ? raw.indexOf(x, from) : -1;
    if (at < 0) return { text: x, span: value };
    from = at + x.length;
    return { text: x, span: [value[0] + at, value[0] + at + x.length] as Span };
  });
}

const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : []);

/**
 * The `pg_hba` and `pg_ident` items of a postgres-ha.yaml text, each with its span in the document: the local
 * `postgresql` section's lists, which Patroni prefers, else the ones of `bootstrap.dcs.postgresql`.
 */
export function haLists(r: Resource, text: string): { hba: Item[]; ident: Item[] } {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch {
    return { hba: [], ident: [] };
  }
  const pick = (list: string): string[] => {
    const local = get(data, ['postgresql', list]);
    return strings(Array.isArray(local) ? local : get(data, ['bootstrap', 'dcs', 'postgresql', list]));
  };
  return { hba: locateItems(r, 'postgres-ha.yaml', pick('pg_hba')), ident: locateItems(r, 'postgres-ha.yaml', pick('pg_ident')) };
}

/** Whether a pg_ident line `map system-user db-user` maps `cn` to the replication user. */
function identMaps(fields: string[], cn: string): boolean {
  const [, system, user] = fields;
  if (!system || !user) return false;
  const userOk = user === PGO4_REPLICATION_USER || user === 'all' || user.includes('\\1');
  if (!userOk) return false;
  if (!system.startsWith('/')) return system === cn;
  try {
    return new RegExp(system.slice(1)).test(cn);
  } catch {
    return true; // a pattern JavaScript cannot read: no claim
  }
}

/** The CN of the replication certificate of a Pgcluster, when its Secret is in the workspace and readable. */
function replicationCn(ctx: LiveContext, cluster: IndexedDocument): { cn: string | undefined; secret: string } | undefined {
  const data = dataOf(cluster.doc.part).value;
  const name = str(get(data, ['spec', 'tls', 'replicationTLSSecret']));
  if (!name) return undefined;
  const doc = ctx.workspace.findOne('Secret', name, cluster.header.namespace, 'v1');
  if (!doc) return undefined;
  try {
    const leaf = secretContents(doc.doc.part, ctx.env.tls).certificates('tls.crt')?.certificates[0];
    return leaf ? { cn: commonName(leaf.subject), secret: name } : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the replication user's `cert` lines of a custom configuration used by `clusters`. */
export function checkPgo4Ident(r: Resource, ctx: LiveContext, clusters: readonly IndexedDocument[]): void {
  const text = str(get(r.data, ['data', 'postgres-ha.yaml']));
  if (text === undefined || !text.includes('cert')) return;
  const { hba, ident } = haLists(r, text);
  for (const cluster of clusters) {
    const repl = replicationCn(ctx, cluster);
    if (!repl || repl.cn === undefined) continue;
    const cn = repl.cn;
    for (const line of hba) {
      const rec = pgHbaMode.parse({ path: '/pgconf/pg_hba.conf', text: line.text, languageId: 'pg-hba' }).records[0];
      if (!rec || rec.method !== 'cert' || !rec.databases.some(t => t.value === 'replication')) continue;
      if (!rec.users.some(t => t.value === PGO4_REPLICATION_USER || (!t.quoted && t.value === 'all'))) continue;
      const map = rec.options.find(o => o.name === 'map')?.value;
      const related = [{ ...namePlace(cluster), message: `Pgcluster ${cluster.header.name ?? ''} (replication certificate in Secret ${repl.secret})` }];
      if (map === undefined) {
        if (cn === PGO4_REPLICATION_USER) continue;
        ctx.report(PGO4['replication-cert-user'], line.span,
          `This \`cert\` line takes the replication user from the certificate's CN, but the certificate in Secret \`${repl.secret}\` has CN \`${cn}\`, not \`${PGO4_REPLICATION_USER}\`: replication fails with a certificate authentication error. Issue the replication certificate with CN \`${PGO4_REPLICATION_USER}\`, or add \`map=NAME\` and a pg_ident line \`NAME ${cn} ${PGO4_REPLICATION_USER}\`.`,
          { related });
        continue;
      }
      const lines = ident.map(i => ({ i, fields: i.text.trim().split(/\s+/) })).filter(x => x.fields[0] === map);
      if (lines.some(x => identMaps(x.fields, cn))) continue;
      ctx.report(PGO4['replication-cert-user'], lines[0]?.i.span ?? line.span,
        lines.length
          ? `No pg_ident line of map \`${map}\` has the replication certificate's CN \`${cn}\` (Secret \`${repl.secret}\`) as system user for \`${PGO4_REPLICATION_USER}\`: the certificate authentication of the replicas fails. Write \`${map} ${cn} ${PGO4_REPLICATION_USER}\` (the CN exactly as the certificate has it).`
          : `\`map=${map}\` names a user name map that has no pg_ident line here: the certificate authentication of \`${PGO4_REPLICATION_USER}\` (CN \`${cn}\` in Secret \`${repl.secret}\`) fails. Add \`${map} ${cn} ${PGO4_REPLICATION_USER}\` to \`pg_ident\`.`,
        { related });
    }
  }
}
