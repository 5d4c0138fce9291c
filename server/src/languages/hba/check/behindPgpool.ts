/**
 * A backend's pg_hba.conf seen from the pgpool.conf of the same project: the lines that Pgpool-II's own connections to
 * this server reach (reference/pgpool.md §3.4). pgpool presents no client certificate to its backends, so a `cert`
 * (or `clientcert=verify-*`) line they reach always refuses them (PostgreSQL: "connection requires a valid client
 * certificate"; pgpool: "backend authentication failed"), and without `ssl_ca_cert` pgpool never verifies the
 * certificate of a backend it reaches over `hostssl`.
 *
 * "The same project" is decided conservatively: a `pgpool.conf` in the same folder; else exactly one `pgpool.conf`
 * among the direct subfolders, the parent folders up to the workspace folder holding this file, and the folders beside
 * this one inside that workspace folder (parents and siblings only where the workspace folders are known: the language
 * server's folders, the CLI's checked folders). Several candidates, or none, mean nothing is said. The
 * pgpool.conf must have `ssl = on` and at least one TCP backend (`backend_hostnameN` not a socket folder).
 *
 * Where pgpool connects from is known only as far as the backends tell: all on the loopback (`localhost`, 127.x, ::1)
 * means pgpool runs on this machine; otherwise it is another machine, which a line certainly includes only with `all`
 * or a /0 range of the family used, and probably when its range holds a backend's own numeric address (/24 or wider)
 * or is `samenet`; such lines are reported with that condition spelled out. Host names and narrower ranges are never
 * claimed. A line is only judged when no earlier line may already take pgpool's connections for overlapping
 * databases, users and addresses.
 */
import { pathLocator } from '../../../deploy';
import { workspaceRoots } from '../../../core/deployPaths';
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import {
  backendLeg, dirOf, effectiveSettings, isLoopbackHost, type BackendLeg, type PgpoolConfFile,
} from '../../pgpoolConf';
import { formatIp, parseNumericHost, type IpAddress } from '../address';
import { canMatch, rangeContains } from '../coverage';
import type { HbaAddress, HbaFile, HbaRecord } from '../model';
import { PG_HBA } from '../rules';
import { demandsCertificate } from './reachability';

/** The pgpool.conf of the same project, if exactly one is found (see the module comment). */
export function projectPgpoolConf(docPath: string, ctx: ValidateContext): { path: string; file: PgpoolConfFile } | undefined {
  const dir = dirOf(docPath);
  const parse = (p: string) => {
    const s = ctx.parseSibling<PgpoolConfFile>(p, 'pgpool-conf');
    return s ? { path: p, file: s.file } : undefined;
  };
  const here = parse(join(dir, 'pgpool.conf'));
  if (here) return here;
  const found = new Set<string>();
  for (const p of ctx.env.listFiles?.(dir, { extensions: ['pgpool.conf'], maxDepth: 1, maxFiles: 8 }) ?? []) {
    if (baseName(p) === 'pgpool.conf' && dirOf(p) !== dir) found.add(p);
  }
  const root = [...workspaceRoots(ctx.env), ...(ctx.env.workspace?.roots() ?? [])].filter(r => isUnder(dir, r)).sort((a, b) => b.length - a.length)[0];
  if (root !== undefined) {
    for (let d = dir; d !== trimSep(root) && isUnder(d, root);) {
      const up = dirOf(d);
      if (up === d) break;
      d = up;
      if (ctx.parseSibling(join(d, 'pgpool.conf'), 'pgpool-conf')) found.add(join(d, 'pgpool.conf'));
    }
    // The folders beside this one inside the workspace folder (`./pgpool` beside `./postgres` in one compose project).
    const parent = dirOf(dir);
    if (trimSep(dir) !== trimSep(root) && parent !== dir && isUnder(parent, root)) {
      for (const p of ctx.env.listFiles?.(parent, { extensions: ['pgpool.conf'], maxDepth: 1, maxFiles: 8 }) ?? []) {
        if (baseName(p) === 'pgpool.conf' && dirOf(p) !== dir && dirOf(p) !== parent) found.add(p);
      }
    }
  }
  return found.size === 1 ? parse([...found][0]!) : undefined;
}

const trimSep = (p: string): string => (p.length > 1 ? p.replace(/[\\/]+$/, '') : p);
const join = (d: string, name: string): string => (/[\\/]$/.test(d) ? `${d}${name}` : `${d}/${name}`);
const baseName = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/** Whether folder `p` is `root` or below it (same separators assumed, as the workspace gives them). */
function isUnder(p: string, root: string): boolean {
  const r = trimSep(root);
  return p === r || p.startsWith(`${r}/`) || p.startsWith(`${r}\\`);
}

/** Where pgpool's connections to this server come from, as far as its backends tell. */
interface Source {
  /** pgpool runs on this machine (every TCP backend is a loopback name or address). */
  loopback: boolean;
  /** The backends' numeric addresses (remote case), for "probably from this network". */
  numeric: { host: string; ip: IpAddress }[];
  /** The address families pgpool certainly uses: known only when every backend is numeric. */
  families: Set<4 | 6> | undefined;
}

function sourceOf(leg: BackendLeg): Source {
  const loopback = leg.tcp.every(b => isLoopbackHost(b.host));
  const numeric: Source['numeric'] = [];
  for (const b of leg.tcp) {
    const ip = parseNumericHost(b.host);
    if (ip && ip.canonicalForm) numeric.push({ host: b.host, ip });
  }
  const families = numeric.length === leg.tcp.length ? new Set(numeric.map(n => n.ip.family)) : undefined;
  return { loopback, numeric, families };
}

const LOOPBACK_V4 = [127, 0, 0, 1];
const LOOPBACK_V6 = [...new Array<number>(15).fill(0), 1];

/**
 * Whether pgpool's connections reach a line with this address: `certain`, the condition to append to "every
 * connection pgpool makes" (an address family, or a probable origin in parentheses), or undefined (not claimed). `permissive` answers "may they?" instead, for the earlier lines that could take them first.
 */
function reach(a: HbaAddress | undefined, src: Source, permissive: boolean): 'certain' | string | undefined {
  if (!a) return undefined;
  if (a.kind === 'all') return 'certain';
  if (src.loopback) {
    if (a.kind === 'samehost' || a.kind === 'samenet') return 'certain';
    if (a.kind === 'hostname') return permissive ? 'maybe' : undefined;
    const v4 = rangeContains(a, LOOPBACK_V4);
    const v6 = rangeContains(a, LOOPBACK_V6);
    if (permissive) return v4 || v6 ? 'maybe' : undefined;
    // `localhost` may be 127.0.0.1 or ::1: only a line holding every loopback address pgpool may use is certain.
    const needV4 = !src.families || src.families.has(4);
    const needV6 = !src.families || src.families.has(6);
    return (!needV4 || v4) && (!needV6 || v6) ? 'certain' : undefined;
  }
  if (permissive) {
    if (a.kind === 'ip' && a.ip && a.mask && (rangeContains(a, LOOPBACK_V4) || rangeContains(a, LOOPBACK_V6)) && (a.bits ?? 0) >= 8) return undefined;
    return 'maybe';
  }
  if (a.kind === 'samenet') return ' (if pgpool runs in one of this server\'s own subnets)';
  if (a.kind !== 'ip' || !a.ip || a.bits === undefined) return undefined;
  if (a.bits === 0) {
    const over = a.ip.family === 4 ? ' over IPv4' : ' over IPv6';
    if (!src.families) return over;
    if (!src.families.has(a.ip.family)) return undefined;
    return src.families.size === 1 ? 'certain' : over;
  }
  if (a.bits > (a.ip.family === 4 ? 24 : 64)) return undefined;
  const inside = src.numeric.find(n => n.ip.family === a.ip!.family && rangeContains(a, n.ip.bytes));
  return inside ? ` (if it connects from within ${formatIp(a.ip.bytes)}/${a.bits}, the network of its backend \`${inside.host}\`)` : undefined;
}

/** Whether two name fields may match a common name (only two lists of distinct plain names certainly do not). */
function mayOverlap(x: HbaRecord['users'], y: HbaRecord['users']): boolean {
  const plain = (t: HbaRecord['users'][number]): boolean =>
    t.include === undefined && (t.quoted || !(t.value === 'all' || t.value === 'replication' || t.value.startsWith('+') || t.value.startsWith('/') || t.value.startsWith('same')));
  if (!x.every(plain) || !y.every(plain)) return true;
  const names = new Set(x.map(t => t.value));
  return y.some(t => names.has(t.value));
}

/**
 * Whether an earlier line with address `a` may take pgpool's connections before a line with address `b` sees them:
 * only disjoint numeric ranges say no, and ranges of different families only when pgpool's families are known (with
 * backends named by host names, pgpool may use either family, so a line for one family may be the one it uses).
 */
function addressesMayOverlap(a: HbaAddress | undefined, b: HbaAddress | undefined, src: Source): boolean {
  if (a?.kind !== 'ip' || b?.kind !== 'ip' || !a.ip || !b.ip || a.bits === undefined || b.bits === undefined) return true;
  if (a.ip.family !== b.ip.family) return !src.families;
  return a.bits <= b.bits ? rangeContains(a, b.ip.bytes) : rangeContains(b, a.ip.bytes);
}

/** Only the `replication` keyword: physical replication, which never goes through pgpool. */
const replicationOnly = (r: HbaRecord): boolean => r.databases.every(t => !t.quoted && t.value === 'replication');

export function checkBehindPgpool(doc: SourceDocument, file: HbaFile, ctx: ValidateContext): void {
  if (file.dialect !== 'postgres') return;
  const conf = projectPgpoolConf(doc.path, ctx);
  if (!conf) return;
  const leg = backendLeg(effectiveSettings(conf.path, conf.file, ctx.parseSibling, ctx.settings.checkFiles ? pathLocator(ctx, conf.path) : undefined));
  if (!leg.ssl.value || !leg.ssl.at || leg.tcp.length === 0) return;
  const src = sourceOf(leg);
  const sslAt = leg.ssl.at;
  const related = [{ file: sslAt.path, span: [sslAt.a.keySpan[0], Math.max(sslAt.a.keySpan[1], sslAt.a.valueSpan[1])] as [number, number], message: 'pgpool uses TLS towards its backends here' }];
  const earlier: HbaRecord[] = [];
  let unverifiedSaid = false;
  for (const r of file.records) {
    if (earlier.length >= 256) return;
    // Lines that pgpool's TLS connections to this server can match at all.
    if (!(r.conn === 'host' || r.conn === 'hostssl' || r.conn === 'hostnogssenc') || replicationOnly(r) || !canMatch('postgres', r)) continue;
    const taken = earlier.some(e => mayOverlap(e.databases, r.databases) && mayOverlap(e.users, r.users) && addressesMayOverlap(e.address, r.address, src));
    const how = taken ? undefined : reach(r.address, src, false);
    if (how !== undefined) {
      const who = `every connection pgpool makes${how === 'certain' ? (src.loopback ? ' from this machine' : ' to this server') : how}`;
      if (demandsCertificate(r) && r.conn === 'hostssl') {
        const span = r.method === 'cert' ? r.methodToken.span : r.options.find(o => o.name === 'clientcert')!.token.span;
        ctx.report(PG_HBA['cert-through-pgpool'], span, `pgpool presents no client certificate to its backends, so ${who} that reaches this line is refused ("connection requires a valid client certificate"), and pgpool's clients get "backend authentication failed" (pgpool.conf: ${conf.path}). Certificate authentication only works between clients and pgpool: put a line for pgpool's address with a password method above this one, e.g. \`hostssl all all <pgpool address>/32 scram-sha-256\`, with the users' passwords in pool_passwd.`,
          { related });
      } else if (r.conn === 'hostssl' && !leg.caCert && !leg.caCertDir && !unverifiedSaid && r.method !== 'reject') {
        unverifiedSaid = true;
        ctx.report(PG_HBA['pgpool-tls-unverified'], r.typeToken.span, `${who.charAt(0).toUpperCase()}${who.slice(1)} arrives here over TLS, but pgpool.conf (${conf.path}) sets neither \`ssl_ca_cert\` nor \`ssl_ca_cert_dir\`, so pgpool never verifies this server's certificate: the leg is encrypted but not authenticated. Set \`ssl_ca_cert\` in pgpool.conf to the CA that signed this server's certificate (pgpool checks the chain, never the host name).`,
          { related });
      }
    }
    if (reach(r.address, src, true) !== undefined) earlier.push(r);
  }
}
