/**
 * Security advice on the records an HBA file loads: logins without a password or with a clear-text or MD5 one, and
 * `host` lines that also accept sessions without TLS (a warning when a `hostssl` line above has the same databases, users
 * and address: TLS is then optional for exactly the clients it was written for). Advice only: none of it makes the server reject the file.
 */
import type { ValidateContext } from '../../../core/language';
import type { Fix } from '../../../core/types';
import { bitsFromMask, isLoopback, networkOf } from '../address';
import type { HbaToken } from '../lexer';
import type { HbaFile, HbaRecord } from '../model';
import { POOL_HBA, rulesFor } from '../rules';

/** Advises on every record; `sslKnownOff`: the sibling pgpool.conf has `ssl` off, so `hostssl` is no remedy there. */
export function adviseRecords(file: HbaFile, ctx: ValidateContext, sslKnownOff: boolean): void {
  const plainRejects: HbaRecord[] = [];
  const sslLines: HbaRecord[] = [];
  for (const r of file.records) {
    const twin = r.conn === 'host' ? sslLines.find(p => sameScope(p, r)) : undefined;
    advise(file, r, ctx, sslKnownOff, plainRejects.some(p => covers(p, r)), twin);
    if (r.conn === 'hostssl' && r.method !== 'reject' && sslLines.length < 64) sslLines.push(r);
    // Keep the list short: a reject line already covered by an earlier one adds nothing, and a cap bounds the work
    // on files with thousands of distinct reject lines (otherwise every record scans every earlier reject).
    if (r.conn === 'hostnossl' && r.method === 'reject' && isAll(r.databases) && isAll(r.users)
      && plainRejects.length < 64 && !plainRejects.some(p => covers(p, r))) plainRejects.push(r);
  }
}

/**
 * Whether the address of `p` (an earlier `hostnossl all all … reject` line) includes every client `r` can match: then
 * no connection without TLS ever reaches `r`, since the first matching line wins. Host names, `samehost` and `samenet`
 * are only known to be covered by `all`.
 */
function covers(p: HbaRecord, r: HbaRecord): boolean {
  const pa = p.address;
  const ra = r.address;
  if (!pa || !ra) return false;
  if (pa.kind === 'all') return true;
  if (pa.kind !== 'ip' || ra.kind !== 'ip' || !pa.ip || !ra.ip || !pa.mask || !ra.mask) return false;
  if (pa.ip.family !== ra.ip.family || pa.bits === undefined || ra.bits === undefined || pa.bits > ra.bits) return false;
  const a = networkOf(pa.ip.bytes, pa.mask);
  const b = networkOf(ra.ip.bytes, pa.mask);
  return a.every((x, i) => x === b[i]);
}

/** The same databases, users and address, written the same way (`hostssl X` then `host X`). */
function sameScope(a: HbaRecord, b: HbaRecord): boolean {
  const words = (ts: HbaToken[]) => ts.map(t => `${t.quoted ? '"' : ''}${t.value}`).join(',');
  return !!a.address && !!b.address && a.address.token.value.toLowerCase() === b.address.token.value.toLowerCase()
    && words(a.databases) === words(b.databases) && words(a.users) === words(b.users);
}

const WEAK_WIDE = new Set(['trust', 'password', 'md5']);

function isAll(tokens: HbaToken[]): boolean {
  return tokens.some(t => !t.quoted && t.value === 'all');
}

function wideAddress(r: HbaRecord): boolean {
  const a = r.address;
  if (!a) return false;
  if (a.kind === 'all') return true;
  return a.kind === 'ip' && !!a.mask && bitsFromMask(a.mask) === 0;
}

function loopback(r: HbaRecord): boolean {
  const a = r.address;
  if (!a) return false;
  if (a.kind === 'samehost') return true;
  return a.kind === 'ip' && !!a.ip && !!a.mask && isLoopback(a.ip, a.mask);
}

const toHostssl = (r: HbaRecord): Fix => ({ title: 'Replace `host` with `hostssl`', edits: [{ span: r.typeToken.span, newText: 'hostssl' }], changesBehaviour: true });
const toScram = (r: HbaRecord, preferred: boolean): Fix => ({ title: `Replace \`${r.method}\` with \`scram-sha-256\``, edits: [{ span: r.methodToken.span, newText: 'scram-sha-256' }], changesBehaviour: true, ...(preferred ? { preferred } : {}) });

/**
 * Security advice for one record. `plainRejected`: an earlier `hostnossl … reject` line already refuses every client
 * without TLS that this line could match, so a `host` line here only ever sees TLS connections.
 */
function advise(file: HbaFile, r: HbaRecord, ctx: ValidateContext, sslKnownOff: boolean, plainRejected: boolean, sslTwin?: HbaRecord): void {
  const rules = rulesFor(file.dialect);
  const pgpool = file.dialect === 'pgpool';
  const server = pgpool ? 'pgpool' : 'PostgreSQL';
  const network = r.conn !== 'local';
  const encrypted = r.conn === 'hostssl' || r.conn === 'hostgssenc' || (r.conn === 'host' && plainRejected);
  const wide = network && wideAddress(r) && isAll(r.databases) && isAll(r.users) && WEAK_WIDE.has(r.method);
  if (wide) {
    const what = r.method === 'trust' ? 'without any password' : r.method === 'password' ? 'with a clear-text password' : 'with weak MD5 passwords';
    ctx.report(rules['wide-open'], r.address!.token.span, `\`${r.address!.token.value}\` with \`all all\` and \`${r.method}\` lets any client on any network log in to every database as any user ${what}; narrow the address to your application networks and use \`scram-sha-256\` or \`cert\` on \`hostssl\`.`,
      { fixes: r.method === 'trust' ? [] : [toScram(r, false)] });
  }
  if (r.method === 'trust' && network && !wide) {
    const lo = loopback(r);
    ctx.report(rules['trust-on-network'], r.methodToken.span, lo
      ? `\`trust\` on a TCP line lets every local user and process log in as any allowed user without a password; use \`scram-sha-256\`${pgpool ? ' (or `cert` on a `hostssl` line)' : ' (or `peer` on a `local` line)'} unless this machine is single-user.`
      : `\`trust\` lets anyone who can reach ${server} from \`${r.address?.token.value ?? 'this address'}\` log in without a password; use \`scram-sha-256\` or \`cert\` on a \`hostssl\` line.`,
      { severity: lo ? 'info' : 'warning', fixes: [{ title: 'Replace `trust` with `scram-sha-256`', edits: [{ span: r.methodToken.span, newText: 'scram-sha-256' }], changesBehaviour: true }] });
  }
  if (r.method === 'password' && !wide) {
    const fixes: Fix[] = [toScram(r, true)];
    if (r.conn === 'host' && !sslKnownOff && !plainRejected) fixes.push(toHostssl(r));
    const local = !network || loopback(r);
    const where = !network ? 'inside the socket' : encrypted ? 'inside the encrypted session' : 'over a connection that stays on this machine';
    ctx.report(rules['clear-text-password'], r.methodToken.span, encrypted || local
      ? `\`password\` makes clients send their password in clear text ${where}, and ${server} sees it; prefer \`scram-sha-256\`, which never reveals the password.`
      : `\`password\` sends the password in clear text over an unencrypted \`${r.conn}\` connection, where anyone on the network path can read it; use \`scram-sha-256\`, and \`hostssl\` so the session is encrypted.`,
      { severity: encrypted || local ? 'info' : 'warning', fixes });
  }
  if (r.method === 'md5' && !wide) {
    ctx.report(rules['md5-method'], r.methodToken.span, pgpool
      ? '`md5` uses MD5 password hashes, which are weak and password-equivalent if leaked; use `scram-sha-256` (pool_passwd then needs an AES, TEXT or clear-text entry for the user: an MD5 hash does not serve it).'
      : '`md5` uses MD5 password hashes, which are weak and password-equivalent if leaked (PostgreSQL already switches to SCRAM for roles whose password is stored as SCRAM); use `scram-sha-256`.',
      { fixes: [toScram(r, true)] });
  }
  if (pgpool && r.method === 'cert') {
    if (r.conn === 'local' || r.conn === 'hostnossl') {
      ctx.report(POOL_HBA['cert-on-non-ssl-line'], r.methodToken.span, `\`cert\` on a \`${r.conn}\` line can never succeed: ${r.conn === 'local' ? 'Unix-socket connections never use TLS' : '`hostnossl` only matches connections without TLS'}, so no client certificate is ever presented; use a \`hostssl\` line with an address.`);
    } else if (r.conn === 'host' && !sslKnownOff && !plainRejected) {
      ctx.report(POOL_HBA['cert-on-non-ssl-line'], r.methodToken.span, '`cert` on a `host` line only succeeds over TLS: clients without TLS match this line and are refused instead of falling through to later lines; use `hostssl`.',
        { severity: 'info', fixes: [{ ...toHostssl(r), preferred: true }] });
    }
  }
  if (r.conn === 'host' && !sslKnownOff && !plainRejected && r.method !== 'password' && r.method !== 'cert' && !loopback(r)
      && (r.method === 'md5' || r.method === 'scram-sha-256' || r.method === 'pam' || r.method === 'ldap' || r.method === 'radius')) {
    const clear = r.method === 'pam' || r.method === 'ldap' || r.method === 'radius';
    if (sslTwin) {
      // `hostssl X` then `host X`: clients with TLS take the first line, clients without it this one, so TLS is optional.
      ctx.report(rules['prefer-hostssl'], r.typeToken.span, `TLS is optional for these clients: the \`hostssl\` line above has the same databases, users and address, so clients with TLS match it and clients without TLS fall through to this \`host\` line, and ${clear ? `the clear-text password that \`${r.method}\` asks for` : 'the whole session'} crosses the network unencrypted. Remove this line if TLS is meant to be required.`,
        { severity: 'warning', related: [{ file: file.path, span: sslTwin.typeToken.span, message: 'the `hostssl` line for the same clients' }] });
      return;
    }
    ctx.report(rules['prefer-hostssl'], r.typeToken.span, `\`host\` also matches connections without TLS, so ${clear ? `the clear-text password that \`${r.method}\` asks for` : 'the whole session'} can cross the network unencrypted; use \`hostssl\` to require TLS for this line.`,
      { severity: clear ? 'warning' : 'info', fixes: [toHostssl(r)] });
  }
}
