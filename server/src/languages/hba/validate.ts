/**
 * Validation of a parsed HBA file: the parser's issues, then what depends on settings (PostgreSQL version, file
 * checks), on the sibling pgpool.conf (pool_hba.conf only), and the security advice.
 */
import type { ValidateContext } from '../../core/language';
import type { Finding, Fix, Severity, SourceDocument, Span } from '../../core/types';
import { dirOf, effectiveBool, lastAssignment, type Assignment, type PgpoolConfFile } from '../pgpoolConf/model';
import { bitsFromMask, isLoopback } from './address';
import { rejectTail, type HbaFile, type HbaRecord } from './parse';
import { scopeOf, type RuleName } from './rules';
import type { HbaToken } from './tokenize';

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
      ? 'pool_hba.conf has no records, which pgpool treats as an erroneous file: every client login fails; add at least one line such as `hostssl all all 0.0.0.0/0 scram-sha-256`.'
      : 'pg_hba.conf has no records, so PostgreSQL refuses it (nobody could connect): it does not start, and a reload keeps the old rules; add at least one line such as `local all postgres peer`.');
  }

  let sibling: PgpoolConfFile | undefined;
  let siblingPath = '';
  if (file.dialect === 'pgpool') {
    siblingPath = `${dirOf(doc.path)}/pgpool.conf`;
    sibling = ctx.parseSibling<PgpoolConfFile>(siblingPath, 'pgpool-conf')?.file;
    if (sibling) checkWithPgpoolConf(file, sibling, siblingPath, report);
  }
  const sslKnownOff = sibling ? !effectiveBool(sibling, 'ssl', false).value : false;
  for (const r of file.records) advise(file, r, report, sslKnownOff);
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
        report('invalid-regex', t.span, `\`${t.value}\` is treated as a regular expression (it starts with \`/\`), but it does not compile (${bad}); fix the expression, or quote a name that really starts with \`/\`; ${tail}.`);
      }
    }
  }
  return errors;
}

/** A conservative check of a POSIX ARE: only errors that both engines agree on (unbalanced groups and classes, bad repeats). */
export function regexProblem(src: string): string | undefined {
  try {
    new RegExp(src);
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

function relatedAt(path: string, a: Assignment | undefined, message: string): Finding['related'] {
  return [{ file: path, span: a ? [a.keySpan[0], a.valueSpan[1]] : [0, 0], message }];
}

function checkWithPgpoolConf(file: HbaFile, conf: PgpoolConfFile, path: string, report: Report): void {
  const enable = effectiveBool(conf, 'enable_pool_hba', false);
  if (!enable.value) {
    const first: Span = file.lines.find(l => l.fields.length > 0)?.fields[0]?.tokens[0]?.span ?? [0, 0];
    report('hba-disabled', first, `pgpool.conf here has \`enable_pool_hba\` ${enable.at ? `= ${enable.at.value}` : 'unset (default off)'}, so pgpool never reads this file and relays the backends' authentication instead; set \`enable_pool_hba = on\` to use these rules.`,
      { related: relatedAt(path, enable.at, enable.at ? '`enable_pool_hba` is off here' : 'pgpool.conf does not set `enable_pool_hba` (default off)') });
  }
  const ssl = effectiveBool(conf, 'ssl', false);
  const ca = lastAssignment(conf, 'ssl_ca_cert');
  const hasCa = !!ca && ca.value.trim() !== '';
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

function advise(file: HbaFile, r: HbaRecord, report: Report, sslKnownOff: boolean): void {
  const pgpool = file.dialect === 'pgpool';
  const server = pgpool ? 'pgpool' : 'PostgreSQL';
  const network = r.conn !== 'local';
  const encrypted = r.conn === 'hostssl' || r.conn === 'hostgssenc';
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
    if (r.conn === 'host' && !sslKnownOff) fixes.push(toHostssl(r));
    report('clear-text-password', r.methodToken.span, encrypted || !network
      ? `\`password\` makes clients send their password in clear text inside the ${network ? 'encrypted session' : 'socket'}, and ${server} sees it; prefer \`scram-sha-256\`, which never reveals the password.`
      : `\`password\` sends the password in clear text over an unencrypted \`${r.conn}\` connection, where anyone on the network path can read it; use \`scram-sha-256\`, and \`hostssl\` so the session is encrypted.`,
      { severity: encrypted || !network ? 'info' : 'warning', fixes });
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
    } else if (r.conn === 'host' && !sslKnownOff) {
      report('cert-on-non-ssl-line', r.methodToken.span, '`cert` on a `host` line only succeeds over TLS: clients without TLS match this line and are refused instead of falling through to later lines; use `hostssl`.',
        { severity: 'info', fixes: [{ ...toHostssl(r), preferred: true }] });
    }
  }
  if (r.conn === 'host' && !sslKnownOff && r.method !== 'password' && r.method !== 'cert' && !loopback(r)
      && (r.method === 'md5' || r.method === 'scram-sha-256' || r.method === 'pam' || r.method === 'ldap' || r.method === 'radius')) {
    const clear = r.method === 'pam' || r.method === 'ldap' || r.method === 'radius';
    report('prefer-hostssl', r.typeToken.span, `\`host\` also matches connections without TLS, so ${clear ? `the clear-text password that \`${r.method}\` asks for` : 'the whole session'} can cross the network unencrypted; use \`hostssl\` to require TLS for this line.`,
      { severity: clear ? 'warning' : 'info', fixes: [toHostssl(r)] });
  }
}
