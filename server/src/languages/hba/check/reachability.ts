/**
 * What line order does to an HBA file. Both servers take the first line whose connection type, address, database and
 * user match, and never fall through to a later line (PostgreSQL's `check_hba`, Pgpool-II's fork of it in
 * pool_hba.c; pg_hba.conf documentation: "There is no fall-through or backup"). So:
 *  - a line can never match when an earlier line matches every connection it would (`unreachable-line`);
 *  - a certificate line refuses every TLS client without a certificate before a later line meant for those clients
 *    is reached (`cert-line-order`).
 * Claims are certainties only (coverage.ts decides); the work is bounded by a comparison budget per file, after which
 * nothing more is claimed.
 */
import type { ValidateContext } from '../../../core/language';
import type { Finding, Span } from '../../../core/types';
import { canMatch, covers, matchesTls, matchSet, type MatchSet } from '../coverage';
import type { HbaAddress, HbaFile, HbaOption, HbaRecord } from '../model';
import { rulesFor } from '../rules';

/** Earlier lines kept to compare later ones with (the first reachable ones, in order). */
const MAX_EARLIER = 256;
/** Record comparisons per file; a file with tens of thousands of distinct lines stops being analysed here. */
const MAX_COMPARISONS = 1_000_000;

/** The span of a record, from its connection type to its last token. */
export function recordSpan(r: HbaRecord): Span {
  const f = r.line.fields[r.line.fields.length - 1]!;
  return [r.typeToken.span[0], f.tokens[f.tokens.length - 1]!.span[1]];
}

/** The record as the user wrote it (for messages), shortened. */
function shown(file: HbaFile, r: HbaRecord): string {
  const [a, b] = recordSpan(r);
  const t = file.text.slice(a, b).replace(/\s+/g, ' ');
  return t.length > 70 ? `${t.slice(0, 70)}…` : t;
}

const lineNo = (r: HbaRecord): number => r.line.line + 1;

/** The option that makes a line demand a client certificate without the `cert` method (PostgreSQL's `clientcert`). */
function clientCertOption(r: HbaRecord): HbaOption | undefined {
  return r.options.find(o => o.name === 'clientcert' && (o.value === 'verify-ca' || o.value === 'verify-full'));
}

/** Whether a TLS client without a certificate is refused by this line. */
export function demandsCertificate(r: HbaRecord): boolean {
  return r.method === 'cert' || !!clientCertOption(r);
}

/**
 * Reports unreachable lines and certificate lines placed before the lines meant for TLS clients without a
 * certificate. `sslKnownOff`: pool_hba.conf beside a pgpool.conf with `ssl` off, where `hostssl` lines match nothing
 * (reported by the cross-file rules, so they neither hide later lines nor are reported here).
 */
export function checkLineOrder(file: HbaFile, ctx: ValidateContext, sslKnownOff: boolean): void {
  const d = file.dialect;
  const rules = rulesFor(d);
  const budget = { left: MAX_COMPARISONS };
  const earlier: MatchSet[] = [];
  const sets: MatchSet[] = [];
  /** The earlier line each unreachable line is hidden by. */
  const hiddenBy = new Map<HbaRecord, HbaRecord>();
  /** What is said about each hiding line, built once (a file may repeat one line thousands of times). */
  const messages = new Map<HbaRecord, { text: string; related: Finding['related'] }>();
  for (const r of file.records) {
    if (budget.left <= 0) return; // out of budget: claim nothing more, not even certificate order
    if (!canMatch(d, r) || (sslKnownOff && r.conn === 'hostssl')) continue;
    const m = matchSet(d, r);
    sets.push(m);
    let by: MatchSet | undefined;
    budget.left -= earlier.length + 1;
    for (const e of earlier) {
      if (covers(e, m)) { by = e; break; }
    }
    if (by) {
      hiddenBy.set(r, by.record);
      const c = by.record;
      let said = messages.get(c);
      if (!said) {
        said = {
          text: `This line can never match: line ${lineNo(c)} (\`${shown(file, c)}\`) comes first and matches every connection this one would (connection type, address, database and user), and ${d === 'pgpool' ? 'pgpool' : 'PostgreSQL'} uses the first matching line only.`,
          related: [{ file: file.path, span: recordSpan(c), message: 'this earlier line matches first' }],
        };
        messages.set(c, said);
      }
      const why = demandsCertificate(c) && !demandsCertificate(r) && r.method !== 'reject'
        ? ' Clients without a client certificate are refused there instead of reaching this line.'
        : '';
      ctx.report(rules['unreachable-line'], recordSpan(r), `${said.text}${why} Remove this line, or move it above line ${lineNo(c)} if it is meant as an exception.`,
        { tags: ['unnecessary'], related: said.related });
    } else if (earlier.length < MAX_EARLIER) {
      earlier.push(m);
    }
  }
  if (!sslKnownOff) checkCertOrder(file, ctx, sets, hiddenBy, budget);
}

/** The address family of a `0.0.0.0/0` or `::/0` range, else undefined. */
function zeroFamily(a: HbaAddress | undefined): number | undefined {
  return a?.kind === 'ip' && a.bits === 0 && a.ip?.scope === undefined ? a.ip?.bytes.length : undefined;
}

/** Certificate lines of a `/0` range, by address family (the first few of each, so that the pairing stays cheap). */
function zeroCertLines(sets: readonly MatchSet[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let k = 0; k < sets.length; k++) {
    const o = sets[k]!.record;
    const fam = zeroFamily(o.address);
    if (fam === undefined || !demandsCertificate(o) || !(o.conn === 'hostssl' || o.conn === 'host')) continue;
    const list = out.get(fam) ?? [];
    if (list.length < 4) out.set(fam, [...list, k]);
  }
  return out;
}

/**
 * Whether the certificate line `i`, a `/0` range of one address family, together with an earlier-than-`j` certificate
 * line of the other family's `/0`, takes every connection of line `j` whose address is `all` (`0.0.0.0/0` and `::/0`
 * together are every client address): the shape of generated files that list both before the password lines.
 */
function zeroPairCovers(sets: readonly MatchSet[], zeros: ReadonlyMap<number, number[]>, i: number, j: number): boolean {
  const l = sets[j]!.record;
  const fam = zeroFamily(sets[i]!.record.address);
  if (fam === undefined || l.address?.kind !== 'all') return false;
  const asAll = (m: MatchSet): MatchSet => ({ ...m, record: { ...m.record, address: l.address } });
  if (!covers(asAll(sets[i]!), sets[j]!, true)) return false;
  for (const [other, list] of zeros) {
    if (other === fam) continue;
    for (const k of list) if (k < j && covers(asAll(sets[k]!), sets[j]!, true)) return true;
  }
  return false;
}

/**
 * A line that demands a client certificate, followed by a line meant for TLS clients without one (a password method
 * or `trust` on `hostssl`, `host` or `hostnogssenc`) whose address, databases and users it all covers: every such
 * client reaches the certificate line first and is refused. One report per certificate line, at its first victim.
 */
function checkCertOrder(file: HbaFile, ctx: ValidateContext, sets: MatchSet[], hiddenBy: Map<HbaRecord, HbaRecord>, budget: { left: number }): void {
  const rules = rulesFor(file.dialect);
  const zeros = zeroCertLines(sets);
  for (let i = 0; i < sets.length; i++) {
    const c = sets[i]!.record;
    if (hiddenBy.has(c) || !demandsCertificate(c) || !(c.conn === 'hostssl' || c.conn === 'host')) continue;
    for (let j = i + 1; j < sets.length; j++) {
      if (budget.left-- <= 0) return;
      const l = sets[j]!.record;
      const hider = hiddenBy.get(l);
      if (hider && hider !== c) continue;
      if (!matchesTls(l.conn) || demandsCertificate(l) || l.method === 'reject') continue;
      if (!covers(sets[i]!, sets[j]!, true) && !zeroPairCovers(sets, zeros, i, j)) continue;
      const opt = clientCertOption(c);
      const span: Span = c.method === 'cert' ? c.methodToken.span : opt!.token.span;
      const what = c.method === 'cert' ? '`cert` line' : `\`${opt!.name}=${opt!.value}\` line`;
      const related: Finding['related'] = [{ file: file.path, span: recordSpan(l), message: 'the line meant for TLS clients without a certificate' }];
      const plainReachesL = c.conn === 'hostssl' && (l.conn === 'host' || l.conn === 'hostnogssenc');
      const message = plainReachesL
        ? `This ${what} refuses every TLS client without a client certificate, while the same clients connecting without TLS reach line ${lineNo(l)} and can log in there with \`${l.method}\`: the order pushes them to drop TLS. There is no fall-through to later lines. Limit this line to the users or client addresses that have certificates, and make line ${lineNo(l)} \`hostssl\` if it should only serve encrypted sessions.`
        : `Every TLS client that line ${lineNo(l)} (\`${l.method}\`) is meant for matches this ${what} first, so those without a client certificate are refused here and never reach line ${lineNo(l)}: there is no fall-through to later lines. Limit this line to the users or client addresses that have certificates, so that the others reach line ${lineNo(l)}.`;
      ctx.report(rules['cert-line-order'], span, message, { related });
      break;
    }
  }
}
