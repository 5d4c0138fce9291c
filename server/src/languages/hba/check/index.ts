/**
 * Validation of a parsed HBA file: the parser's issues, then what depends on settings (PostgreSQL version, file
 * checks), on the sibling pgpool.conf (pool_hba.conf only), and the security advice.
 */
import type { ValidateContext } from '../../../core/language';
import type { Finding, Fix, Severity, SourceDocument, Span } from '../../../core/types';
import { dirOf, effectiveSettings, lastSetting, settingBool, type PgpoolConfFile, type Setting } from '../../pgpoolConf';
import { bitsFromMask, isLoopback, networkOf } from '../address';
import { rejectTail, type HbaFile, type HbaRecord } from '../parse';
import { scopeOf, type RuleName } from '../rules';
import type { HbaToken } from '../lexer';

type Extra = { severity?: Severity; fixes?: Fix[]; related?: Finding['related'] };

export function validateHba(doc: SourceDocument, file: HbaFile, ctx: ValidateContext): void {
  const scope = scopeOf(file.dialect);
  const report = (rule: RuleName, span: Span, message: string, extra: Extra = {}): void => {
    const e: Parameters<ValidateContext['report']>[3] = {};
    if (extra.severity) e.severity = extra.severity;
    if (extra.fixes?.length) e.fixes = extra.fixes;
    if (extra.related?.length) e.related = extra.related;
    ctx.report(`${scope}/${rule}`, span, message, e);
  };
  for (const i of file.issues) report(i.rule, i.span, i.message, { ...(i.severity ? { severity: i.severity } : {}), ...(i.fixes ? { fixes: i.fixes } : {}) });

  let versionErrors = 0;
  if (file.dialect === 'postgres') versionErrors = checkPostgresVersion(file, ctx.settings.postgresVersion, report);
  const fileErrors = checkFiles(doc, file, ctx, report);

  if (file.records.length === 0 && file.rejectedLines === 0 && versionErrors === 0 && fileErrors === 0 && file.includes.length === 0) {
    report('no-entries', [0, 0], file.dialect === 'pgpool'
      ? 'pool_hba.conf has no records, which pgpool treats as an erroneous file: after a start every client login fails, and a reload keeps the old rules; add at least one line such as `hostssl all all 0.0.0.0/0 scram-sha-256`.'
      : 'pg_hba.conf has no records, so PostgreSQL refuses it (nobody could connect): it does not start, and a reload keeps the old rules; add at least one line such as `local all postgres peer`.');
  }

  // The pgpool.conf beside this file, with the files it includes: `ssl` or `enable_pool_hba` may be set in one of them.
  let conf: Setting[] | undefined;
  if (file.dialect === 'pgpool') {
    const siblingPath = `${dirOf(doc.path)}/pgpool.conf`;
    const sibling = ctx.parseSibling<PgpoolConfFile>(siblingPath, 'pgpool-conf')?.file;
    if (sibling) {
      conf = effectiveSettings(siblingPath, sibling, ctx.parseSibling);
      checkWithPgpoolConf(file, conf, siblingPath, report);
    }
  }
  const sslKnownOff = conf ? !settingBool(conf, 'ssl', false).value : false;
  const plainRejects: HbaRecord[] = [];
  for (const r of file.records) {
    advise(file, r, report, sslKnownOff, plainRejects.some(p => covers(p, r)));
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

type Report = (rule: RuleName, span: Span, message: string, extra?: Extra) => void;

function checkPostgresVersion(file: HbaFile, version: number, report: Report): number {
  let errors = 0;
  const tail = rejectTail('postgres');
  if (version < 16) {
    for (const inc of file.includes) {
      errors++;
      report('include-needs-pg16', inc.keyword.span, `\`${inc.kind}\` directives exist from PostgreSQL 16 on, and PostgreSQL ${version} reads this line as a record with the invalid connection type \`${inc.kind}\`; copy the included records here or raise \`pgtls.postgresVersion\`; ${tail}.`);
    }
  }
  for (const r of file.records) {
    for (const t of [...r.databases, ...r.users]) {
      if (!t.value.startsWith('/')) continue;
      if (version < 16) {
        report('regex-needs-pg16', t.span, `\`${t.value}\` is a regular expression only from PostgreSQL 16 on; PostgreSQL ${version} takes it as a plain name, so the line only matches a name with exactly that text; list the names instead.`);
        continue;
      }
      const bad = regexProblem(t.value.slice(1));
      if (bad) {
        errors++;
        report('invalid-regex', t.span, `\`${t.value}\` is treated as a regular expression (it starts with \`/\`, quoted or not), but it does not compile (${bad}); fix the expression (a name that itself starts with \`/\` is matched by \`/^/name$\`); ${tail}.`);
      }
    }
  }
  return errors;
}

/**
 * A conservative check of a PostgreSQL advanced regular expression (ARE), run through JavaScript's engine: only errors
 * that both engines agree on (unbalanced groups and classes, bad repeats). ARE syntax JavaScript lacks is removed first:
 * the `***=` (the rest is literal) and `***:` directors, leading embedded options such as `(?i)`, and `(?#…)` comments.
 */
export function regexProblem(src: string): string | undefined {
  let re = src;
  if (re.startsWith('***=')) return undefined;
  if (re.startsWith('***:')) re = re.slice(4);
  const opts = /^\(\?([bceimnpqstwx]*)\)/.exec(re);
  if (opts) {
    if (opts[1]!.includes('q')) return undefined; // the rest is literal
    re = re.slice(opts[0].length);
  }
  re = re.replace(/\(\?#[^)]*\)/g, '');
  try {
    new RegExp(re);
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return msg.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

function resolve(docPath: string, name: string): string {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return name;
  return `${dirOf(docPath)}/${name}`;
}

function checkFiles(doc: SourceDocument, file: HbaFile, ctx: ValidateContext, report: Report): number {
  if (!ctx.settings.checkFiles) return 0;
  let errors = 0;
  const tail = rejectTail(file.dialect);
  const seen = new Map<string, boolean>();
  const exists = (p: string, dir: boolean): boolean => {
    const key = `${dir ? 'd' : 'f'}${p}`;
    let v = seen.get(key);
    if (v === undefined) {
      const st = ctx.env.stat(p);
      v = !!st && (dir ? !st.isFile : st.isFile);
      seen.set(key, v);
    }
    return v;
  };
  const check = (t: HbaToken, name: string, dir: boolean, what: string): void => {
    const full = resolve(doc.path, name);
    if (exists(full, dir)) return;
    errors++;
    report('missing-include-file', t.span, `${what} \`${t.include !== undefined ? '@' : ''}${name}\` does not exist (${full}); create it or fix the name; ${tail}.`);
  };
  for (const line of file.lines) {
    for (const f of line.fields) for (const t of f.tokens) if (t.include !== undefined) check(t, t.include, false, 'The name list');
  }
  if (file.dialect === 'postgres' && ctx.settings.postgresVersion >= 16) {
    for (const inc of file.includes) {
      if (inc.kind === 'include') check(inc.target, inc.target.value, false, 'The included file');
      else if (inc.kind === 'include_dir') check(inc.target, inc.target.value, true, 'The included folder');
    }
  }
  return errors;
}

/** Points at a setting in pgpool.conf or in the file it includes (or at the top of pgpool.conf when unset). */
function relatedAt(path: string, s: Setting | undefined, message: string): Finding['related'] {
  return [{ file: s ? s.path : path, span: s ? [s.a.keySpan[0], Math.max(s.a.keySpan[1], s.a.valueSpan[1])] : [0, 0], message }];
}

function checkWithPgpoolConf(file: HbaFile, conf: Setting[], path: string, report: Report): void {
  const enable = settingBool(conf, 'enable_pool_hba', false);
  if (!enable.value) {
    const first: Span = file.lines.find(l => l.fields.length > 0)?.fields[0]?.tokens[0]?.span ?? [0, 0];
    report('hba-disabled', first, `pgpool.conf here has \`enable_pool_hba\` ${enable.at ? `= ${enable.at.a.value}` : 'unset (default off)'}, so pgpool never reads this file and relays the backends' authentication instead; set \`enable_pool_hba = on\` to use these rules.`,
      { related: relatedAt(path, enable.at, enable.at ? '`enable_pool_hba` is off here' : 'pgpool.conf does not set `enable_pool_hba` (default off)') });
  }
  const ssl = settingBool(conf, 'ssl', false);
  const ca = lastSetting(conf, 'ssl_ca_cert');
  const hasCa = !!ca && ca.a.value.trim() !== '';
  const sslRelated = relatedAt(path, ssl.at, ssl.at ? '`ssl` is off here' : 'pgpool.conf does not set `ssl` (default off)');
  for (const r of file.records) {
    if (!ssl.value && r.conn === 'hostssl') {
      report('hostssl-without-ssl', r.typeToken.span, `\`hostssl\` lines never match while pgpool.conf has \`ssl\` off (pgpool only logs "cannot match"); set \`ssl = on\` with a certificate and key, or use \`host\`.`,
        { related: sslRelated });
    }
    if (r.method !== 'cert') continue;
    if (r.conn === 'local' || r.conn === 'hostnossl') continue; // cert-on-non-ssl-line covers these
    if (!ssl.value) {
      if (r.conn === 'host') {
        report('cert-without-ssl', r.methodToken.span, '`cert` can never succeed while pgpool.conf has `ssl` off: no connection carries a client certificate; set `ssl = on` and `ssl_ca_cert`, or pick another method.',
          { related: sslRelated });
      }
      continue;
    }
    if (!hasCa) {
      report('cert-without-ca-cert', r.methodToken.span, '`cert` logins all fail because pgpool.conf does not set `ssl_ca_cert`: pgpool only asks clients for a certificate when it has a CA to verify it; set `ssl_ca_cert` to the CA that signed the client certificates.',
        { related: relatedAt(path, ca, ca ? '`ssl_ca_cert` is empty here' : 'pgpool.conf does not set `ssl_ca_cert`') });
    }
  }
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

const toHostssl = (r: HbaRecord): Fix => ({ title: 'Replace `host` with `hostssl`', edits: [{ span: r.typeToken.span, newText: 'hostssl' }] });
const toScram = (r: HbaRecord, preferred: boolean): Fix => ({ title: `Replace \`${r.method}\` with \`scram-sha-256\``, edits: [{ span: r.methodToken.span, newText: 'scram-sha-256' }], ...(preferred ? { preferred } : {}) });

/**
 * Security advice for one record. `plainRejected`: an earlier `hostnossl … reject` line already refuses every client
 * without TLS that this line could match, so a `host` line here only ever sees TLS connections.
 */
function advise(file: HbaFile, r: HbaRecord, report: Report, sslKnownOff: boolean, plainRejected: boolean): void {
  const pgpool = file.dialect === 'pgpool';
  const server = pgpool ? 'pgpool' : 'PostgreSQL';
  const network = r.conn !== 'local';
  const encrypted = r.conn === 'hostssl' || r.conn === 'hostgssenc' || (r.conn === 'host' && plainRejected);
  const wide = network && wideAddress(r) && isAll(r.databases) && isAll(r.users) && WEAK_WIDE.has(r.method);
  if (wide) {
    const what = r.method === 'trust' ? 'without any password' : r.method === 'password' ? 'with a clear-text password' : 'with weak MD5 passwords';
    report('wide-open', r.address!.token.span, `\`${r.address!.token.value}\` with \`all all\` and \`${r.method}\` lets any client on any network log in to every database as any user ${what}; narrow the address to your application networks and use \`scram-sha-256\` or \`cert\` on \`hostssl\`.`,
      { fixes: r.method === 'trust' ? [] : [toScram(r, false)] });
  }
  if (r.method === 'trust' && network && !wide) {
    const lo = loopback(r);
    report('trust-on-network', r.methodToken.span, lo
      ? `\`trust\` on a TCP line lets every local user and process log in as any allowed user without a password; use \`scram-sha-256\`${pgpool ? ' (or `cert` on a `hostssl` line)' : ' (or `peer` on a `local` line)'} unless this machine is single-user.`
      : `\`trust\` lets anyone who can reach ${server} from \`${r.address?.token.value ?? 'this address'}\` log in without a password; use \`scram-sha-256\` or \`cert\` on a \`hostssl\` line.`,
      { severity: lo ? 'info' : 'warning', fixes: [{ title: 'Replace `trust` with `scram-sha-256`', edits: [{ span: r.methodToken.span, newText: 'scram-sha-256' }] }] });
  }
  if (r.method === 'password' && !wide) {
    const fixes: Fix[] = [toScram(r, true)];
    if (r.conn === 'host' && !sslKnownOff && !plainRejected) fixes.push(toHostssl(r));
    const local = !network || loopback(r);
    const where = !network ? 'inside the socket' : encrypted ? 'inside the encrypted session' : 'over a connection that stays on this machine';
    report('clear-text-password', r.methodToken.span, encrypted || local
      ? `\`password\` makes clients send their password in clear text ${where}, and ${server} sees it; prefer \`scram-sha-256\`, which never reveals the password.`
      : `\`password\` sends the password in clear text over an unencrypted \`${r.conn}\` connection, where anyone on the network path can read it; use \`scram-sha-256\`, and \`hostssl\` so the session is encrypted.`,
      { severity: encrypted || local ? 'info' : 'warning', fixes });
  }
  if (r.method === 'md5' && !wide) {
    report('md5-method', r.methodToken.span, pgpool
      ? '`md5` uses MD5 password hashes, which are weak and password-equivalent if leaked; use `scram-sha-256` (pool_passwd then needs a SCRAM, AES or TEXT entry for the user).'
      : '`md5` uses MD5 password hashes, which are weak and password-equivalent if leaked (PostgreSQL already switches to SCRAM for roles whose password is stored as SCRAM); use `scram-sha-256`.',
      { fixes: [toScram(r, true)] });
  }
  if (pgpool && r.method === 'cert') {
    if (r.conn === 'local' || r.conn === 'hostnossl') {
      report('cert-on-non-ssl-line', r.methodToken.span, `\`cert\` on a \`${r.conn}\` line can never succeed: ${r.conn === 'local' ? 'Unix-socket connections never use TLS' : '`hostnossl` only matches connections without TLS'}, so no client certificate is ever presented; use a \`hostssl\` line with an address.`);
    } else if (r.conn === 'host' && !sslKnownOff && !plainRejected) {
      report('cert-on-non-ssl-line', r.methodToken.span, '`cert` on a `host` line only succeeds over TLS: clients without TLS match this line and are refused instead of falling through to later lines; use `hostssl`.',
        { severity: 'info', fixes: [{ ...toHostssl(r), preferred: true }] });
    }
  }
  if (r.conn === 'host' && !sslKnownOff && !plainRejected && r.method !== 'password' && r.method !== 'cert' && !loopback(r)
      && (r.method === 'md5' || r.method === 'scram-sha-256' || r.method === 'pam' || r.method === 'ldap' || r.method === 'radius')) {
    const clear = r.method === 'pam' || r.method === 'ldap' || r.method === 'radius';
    report('prefer-hostssl', r.typeToken.span, `\`host\` also matches connections without TLS, so ${clear ? `the clear-text password that \`${r.method}\` asks for` : 'the whole session'} can cross the network unencrypted; use \`hostssl\` to require TLS for this line.`,
      { severity: clear ? 'warning' : 'info', fixes: [toHostssl(r)] });
  }
}
