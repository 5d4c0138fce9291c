/**
 * Record parser for pool_hba.conf and pg_hba.conf. It follows `parse_hba_line` of both servers field by field and
 * stops a line at its first error, as they do (the line, and therefore the whole file, is then rejected).
 * Messages the servers only log, and our own advice, do not stop a line.
 * Version-dependent checks (PostgreSQL 16 include directives and regular expressions) are left to the validator.
 */
import type { Fix, Severity, Span } from '../../core/types';
import { didYouMean, listing } from '../../core/text';
import {
  bitsFromMask, formatIp, hasHostBits, looksNumeric, maskFromBits, networkOf, parseCidrBits, parseNumericHost,
  type IpAddress,
} from './address';
import {
  HOSTSSL_ONLY_OPTIONS, INCLUDE_DIRECTIVES, OPTIONS, PGPOOL_CONN_TYPES, PGPOOL_METHODS, PG_CONN_TYPES,
  PG_METHODS, isMethod, optionEntry, type ConnType, type Method,
} from './catalogue';
import type { RuleName } from './rules';
import { fieldSpan, tokenize, type Dialect, type HbaField, type HbaLine, type HbaToken } from './lexer';

export type FieldRole = 'type' | 'database' | 'user' | 'address' | 'netmask' | 'method' | 'option' | 'include-keyword' | 'include-target';

export interface Issue {
  rule: RuleName;
  span: Span;
  message: string;
  severity?: Severity;
  fixes?: Fix[];
}

export interface HbaAddress {
  token: HbaToken;
  kind: 'all' | 'samehost' | 'samenet' | 'ip' | 'hostname';
  ip?: IpAddress;
  /** The mask in bytes (from `/bits` or the netmask field). */
  mask?: number[];
  bits?: number;
  maskToken?: HbaToken;
}

export interface HbaOption {
  token: HbaToken;
  name: string;
  value: string;
  nameSpan: Span;
  valueSpan: Span;
}

export interface HbaRecord {
  line: HbaLine;
  typeToken: HbaToken;
  conn: ConnType;
  databases: HbaToken[];
  users: HbaToken[];
  address?: HbaAddress;
  methodToken: HbaToken;
  /** The method as written (valid for the dialect). */
  method: Method;
  options: HbaOption[];
}

export interface IncludeDirective {
  line: HbaLine;
  keyword: HbaToken;
  kind: 'include' | 'include_if_exists' | 'include_dir';
  target: HbaToken;
}

export interface HbaFile {
  dialect: Dialect;
  path: string;
  text: string;
  /** Logical lines that hold fields (or a tokenizer error), in order. */
  lines: HbaLine[];
  /** Records that parsed without error: what the server would load. */
  records: HbaRecord[];
  /** Records the server would load despite a logged problem are in `records` too; this counts rejected lines. */
  rejectedLines: number;
  includes: IncludeDirective[];
  issues: Issue[];
}

/** Shared by every record without options (most of them); never written to. */
const NO_OPTIONS: HbaOption[] = Object.freeze([]) as unknown as HbaOption[];

/** The closing words of every message about a problem that makes the server reject the file. */
export function rejectTail(d: Dialect): string {
  return d === 'pgpool'
    ? 'pgpool rejects the whole pool_hba.conf because of this one line: after a start every client login fails, and a reload keeps the old rules'
    : 'PostgreSQL refuses the whole pg_hba.conf because of this one line: it does not start, and a reload keeps the old rules';
}

const product = (d: Dialect): string => (d === 'pgpool' ? 'pgpool' : 'PostgreSQL');

export function parseHba(text: string, path: string, dialect: Dialect): HbaFile {
  const lines = tokenize(text, { dialect });
  const file: HbaFile = { dialect, path, text, lines, records: [], rejectedLines: 0, includes: [], issues: [] };
  for (const line of lines) {
    const ok = parseLine(file, line);
    if (!ok) file.rejectedLines++;
  }
  return file;
}

/** Positional roles, used for hover and completion even on lines with errors. */
export function guessRoles(fields: readonly HbaField[], dialect: Dialect): FieldRole[] {
  const roles: FieldRole[] = [];
  if (fields.length === 0) return roles;
  const first = fields[0]!.tokens[0]!.value;
  if (dialect === 'postgres' && fields.length <= 2 && Object.prototype.hasOwnProperty.call(INCLUDE_DIRECTIVES, first)) {
    return fields.length === 1 ? ['include-keyword'] : ['include-keyword', 'include-target'];
  }
  roles.push('type');
  if (fields.length > 1) roles.push('database');
  if (fields.length > 2) roles.push('user');
  let i = 3;
  if (first !== 'local' && fields.length > 3) {
    roles.push('address');
    const addr = fields[3]!.tokens[0]!.value;
    i = 4;
    if (!addr.includes('/') && parseNumericHost(addr) && fields.length > 5 && parseNumericHost(fields[4]!.tokens[0]!.value)) {
      roles.push('netmask');
      i = 5;
    }
  }
  if (fields.length > i) roles.push('method');
  for (let k = i + 1; k < fields.length; k++) roles.push('option');
  return roles;
}

interface LineCtx {
  file: HbaFile;
  line: HbaLine;
  d: Dialect;
  failed: boolean;
}

function error(c: LineCtx, rule: RuleName, span: Span, core: string, fixes?: Fix[]): false {
  c.file.issues.push({ rule, span, message: `${core}; ${rejectTail(c.d)}.`, ...(fixes?.length ? { fixes } : {}) });
  c.failed = true;
  return false;
}

function note(c: LineCtx, rule: RuleName, span: Span, message: string, extra: { severity?: Severity; fixes?: Fix[] } = {}): void {
  c.file.issues.push({ rule, span, message, ...(extra.severity ? { severity: extra.severity } : {}), ...(extra.fixes?.length ? { fixes: extra.fixes } : {}) });
}

const replaceFix = (title: string, span: Span, newText: string, preferred = false): Fix => ({ title, edits: [{ span, newText }], ...(preferred ? { preferred } : {}) });

/** The end of the line's last token: where "end-of-line before ..." problems are shown. */
function lastToken(line: HbaLine): HbaToken {
  const f = line.fields[line.fields.length - 1]!;
  return f.tokens[f.tokens.length - 1]!;
}

function parseLine(file: HbaFile, line: HbaLine): boolean {
  const d = file.dialect;
  const c: LineCtx = { file, line, d, failed: false };
  if (line.error) {
    if (line.error.kind === 'token-too-long') {
      const head = file.text.slice(line.error.span[0], Math.min(line.error.span[1], line.error.span[0] + 24));
      return error(c, 'token-too-long', line.error.span,
        `The token \`${head}…\` is ${line.error.bytes} bytes or more, but pgpool reads at most 255 bytes per token; shorten it (an \`@file\` list helps for long name lists)`);
    }
    const first = /^\s*(\S{1,24})/.exec(file.text.slice(line.span[0], line.span[0] + 64))?.[1] ?? '';
    return error(c, 'line-too-long', line.error.span,
      `The line starting with \`${first}\` is ${line.error.bytes} bytes long (newline included), but pgpool reads lines of at most 8190 bytes and cuts it here; split long lists over several lines or move names into an \`@file\``);
  }
  const fields = line.fields;
  const f0 = fields[0]!;
  const typeTok = f0.tokens[0]!;

  if (d === 'postgres' && fields.length === 2 && Object.prototype.hasOwnProperty.call(INCLUDE_DIRECTIVES, typeTok.value)) {
    file.includes.push({ line, keyword: typeTok, kind: typeTok.value as IncludeDirective['kind'], target: fields[1]!.tokens[0]! });
    return true;
  }

  // Connection type.
  if (f0.tokens.length > 1) {
    return error(c, 'multiple-values', fieldSpan(f0), `The connection type field holds a list (\`${f0.tokens.map(t => t.value).join(',')}\`), but each line takes exactly one connection type; split it into one line per type`);
  }
  const types = d === 'pgpool' ? PGPOOL_CONN_TYPES : PG_CONN_TYPES;
  if (!(types as readonly string[]).includes(typeTok.value)) return invalidType(c, typeTok);
  const conn = typeTok.value as ConnType;

  // Database and user.
  if (fields.length < 2) return error(c, 'missing-field', typeTok.span, `The line ends after \`${typeTok.value}\`, before the database field; write \`${typeTok.value} DATABASE USER${conn === 'local' ? '' : ' ADDRESS'} METHOD\``);
  const databases = fields[1]!.tokens;
  if (fields.length < 3) return error(c, 'missing-field', lastToken(line).span, `The line ends after \`${lastToken(line).value}\`, before the user (role) field; add the user names (or \`all\`) and the rest of the record`);
  const users = fields[2]!.tokens;
  checkNames(c, databases, users);

  let next = 3;
  let address: HbaAddress | undefined;
  if (conn !== 'local') {
    if (fields.length < 4) return error(c, 'missing-field', lastToken(line).span, `The line ends after \`${lastToken(line).value}\`, before the client address that \`${conn}\` lines need; add an address such as \`127.0.0.1/32\`, \`all\` or \`samenet\``);
    const a = parseAddress(c, fields, 3);
    if (!a) return false;
    address = a.address;
    next = a.next;
  }

  // Method.
  if (fields.length <= next) return error(c, 'missing-field', lastToken(line).span, `The line ends after \`${lastToken(line).value}\`, before the authentication method; add one such as \`scram-sha-256\`${d === 'pgpool' || conn === 'hostssl' ? ' or `cert`' : ''}`);
  const mf = fields[next]!;
  if (mf.tokens.length > 1) return error(c, 'multiple-values', fieldSpan(mf), `The method field holds a list (\`${mf.tokens.map(t => t.value).join(',')}\`), but each line takes exactly one authentication method; keep one`);
  const methodTok = mf.tokens[0]!;
  const method = checkMethod(c, methodTok, conn);
  if (!method) return false;

  // Options.
  let options: HbaOption[] = NO_OPTIONS;
  for (let k = next + 1; k < fields.length; k++) {
    for (const tok of fields[k]!.tokens) {
      const eq = tok.value.indexOf('=');
      if (eq < 0) {
        const hint = d === 'pgpool' && tok.value === '\\'
          ? 'pgpool has no line continuation, so write the record on one line'
          : 'write options as `name=value` (quote values that contain blanks or commas)';
        return error(c, 'option-format', tok.span, `\`${tok.value}\` after the method is not a \`name=value\` option; ${hint}`);
      }
      const raw = file.text.slice(tok.span[0], tok.span[1]);
      const rawEq = raw.indexOf('=');
      const lead = raw.startsWith('"') ? 1 : 0;
      const valueLead = raw.charCodeAt(rawEq + 1) === 34 ? 1 : 0;
      const trail = tok.quoted && raw.endsWith('"') && raw.length > 1 + lead + valueLead ? 1 : 0;
      const valueStart = tok.span[0] + rawEq + 1 + valueLead;
      const opt: HbaOption = {
        token: tok, name: tok.value.slice(0, eq), value: tok.value.slice(eq + 1),
        nameSpan: [tok.span[0] + lead, tok.span[0] + Math.max(lead, rawEq)],
        valueSpan: [valueStart, Math.max(valueStart, tok.span[1] - trail)],
      };
      if (!checkOption(c, opt, conn, method, methodTok, line)) return false;
      if (options === NO_OPTIONS) options = [];
      options.push(opt);
    }
  }
  const rec: HbaRecord = { line, typeToken: typeTok, conn, databases, users, methodToken: methodTok, method, options, ...(address ? { address } : {}) };
  if (!checkMandatory(c, rec)) return false;
  file.records.push(rec);
  return true;
}

function invalidType(c: LineCtx, tok: HbaToken): false {
  const d = c.d;
  const v = tok.value;
  const valid = d === 'pgpool' ? PGPOOL_CONN_TYPES : PG_CONN_TYPES;
  let core: string;
  let fixes: Fix[] = [];
  if (d === 'pgpool' && (v === 'hostgssenc' || v === 'hostnogssenc')) {
    const to = v === 'hostgssenc' ? 'hostssl' : 'host';
    core = `Connection type \`${v}\` is PostgreSQL-only: pgpool has no GSSAPI encryption and accepts only ${listing(valid)}; use \`${to}\``;
    fixes = [replaceFix(`Replace \`${v}\` with \`${to}\``, tok.span, to, true)];
  } else if (Object.prototype.hasOwnProperty.call(INCLUDE_DIRECTIVES, v)) {
    core = d === 'pgpool'
      ? `\`${v}\` is a PostgreSQL 16 directive; pool_hba.conf has no include directives, so write the records here (or use \`@file\` lists for names)`
      : `\`${v}\` takes exactly one file name; write \`${v} FILE\``;
  } else {
    const cands = didYouMean(v, valid, 1);
    core = `Connection type \`${v}\` is not valid${cands.length ? ` (did you mean \`${cands[0]}\`?)` : ''}; ${product(d)} accepts ${listing(valid)}`;
    fixes = cands.map(s => replaceFix(`Replace \`${v}\` with \`${s}\``, tok.span, s, true));
  }
  return error(c, 'invalid-connection-type', tok.span, core, fixes);
}

/** Version-independent notes on database and user names (pgpool's keywords that never match, etc.). */
function checkNames(c: LineCtx, databases: HbaToken[], users: HbaToken[]): void {
  if (c.d !== 'pgpool') return;
  for (const t of databases) {
    if (t.quoted) continue;
    if (t.value === 'samerole' || t.value === 'samegroup') {
      note(c, 'group-never-matches', t.span, `\`${t.value}\` is accepted by pgpool, but it cannot check role membership, so this line never matches any connection; list the databases explicitly or use \`all\`.`);
    } else if (t.value === 'replication') {
      note(c, 'postgres-only-syntax', t.span, '`replication` is not a keyword in pgpool: this line only matches a database literally named "replication" (pgpool does not pool replication connections); remove the line or name real databases.');
    } else if (t.value.startsWith('/')) {
      note(c, 'postgres-only-syntax', t.span, `\`${t.value}\` is a plain database name in pgpool (regular expressions are a PostgreSQL 16 feature), so it only matches a database with exactly that name; list the databases instead.`);
    }
  }
  for (const t of users) {
    if (t.quoted) continue;
    if (t.value.startsWith('+')) {
      note(c, 'group-never-matches', t.span, `\`${t.value}\` (role membership) is accepted by pgpool, but it cannot check group membership, so this line never matches any connection; list the users explicitly (or with an \`@file\`).`);
    } else if (t.value.startsWith('/')) {
      note(c, 'postgres-only-syntax', t.span, `\`${t.value}\` is a plain user name in pgpool (regular expressions are a PostgreSQL 16 feature), so it only matches a user with exactly that name; list the users instead.`);
    }
  }
}

function parseAddress(c: LineCtx, fields: readonly HbaField[], at: number): { address: HbaAddress; next: number } | undefined {
  const f = fields[at]!;
  if (f.tokens.length > 1) {
    error(c, 'multiple-values', fieldSpan(f), `The address field holds a list (\`${f.tokens.map(t => t.value).join(',')}\`), but each line takes one address range; write one line per address`);
    return undefined;
  }
  const tok = f.tokens[0]!;
  if (!tok.quoted && (tok.value === 'all' || tok.value === 'samehost' || tok.value === 'samenet')) {
    return { address: { token: tok, kind: tok.value }, next: at + 1 };
  }
  const str = tok.value;
  const slash = str.indexOf('/');
  const hostPart = slash >= 0 ? str.slice(0, slash) : str;
  const ip = parseNumericHost(hostPart);
  if (slash >= 0) {
    if (!ip) {
      const why = looksNumeric(hostPart) ? ` (\`${hostPart}\` is not a valid IP address, so it is read as a host name)` : '';
      error(c, 'hostname-with-cidr', tok.span, `\`${str}\` combines a host name with a CIDR mask${why}; write a numeric address such as \`10.0.0.0/8\`, or the host name alone`);
      return undefined;
    }
    const bits = parseCidrBits(str.slice(slash + 1), ip.family);
    if (bits === undefined) {
      const max = ip.family === 4 ? 32 : 128;
      error(c, 'invalid-cidr-mask', tok.span, `The CIDR mask in \`${str}\` is not a number from 0 to ${max}; write e.g. \`${hostPart}/${max}\` for a single ${ip.family === 4 ? 'IPv4' : 'IPv6'} address`);
      return undefined;
    }
    const mask = maskFromBits(bits, ip.family);
    const address: HbaAddress = { token: tok, kind: 'ip', ip, mask, bits };
    addressNotes(c, address, `${hostPart}/${bits}`);
    return { address, next: at + 1 };
  }
  if (!ip) {
    if (looksNumeric(str)) {
      note(c, 'suspicious-address', tok.span, `\`${str}\` is not a valid IP address, so ${product(c.d)} takes it as a host name and the line will only match if that name resolves to the client; fix the address (e.g. \`10.0.0.0/8\`).`);
    }
    return { address: { token: tok, kind: 'hostname' }, next: at + 1 };
  }
  // A numeric address without /bits: the next field is the netmask.
  const mf = fields[at + 1];
  if (!mf) {
    error(c, 'missing-field', tok.span, `\`${str}\` has no \`/bits\` and the line ends before the netmask field; write \`${str}/${ip.family === 4 ? 32 : 128}\` for this one address, or add a netmask`);
    return undefined;
  }
  if (mf.tokens.length > 1) {
    error(c, 'multiple-values', fieldSpan(mf), 'The netmask field holds a list, but it takes one netmask; keep one');
    return undefined;
  }
  const mtok = mf.tokens[0]!;
  const mip = parseNumericHost(mtok.value);
  if (!mip) {
    const methodLike = isMethod(mtok.value);
    error(c, 'invalid-netmask', mtok.span, methodLike
      ? `\`${str}\` has no \`/bits\`, so ${product(c.d)} reads \`${mtok.value}\` as its netmask; write \`${str}/${ip.family === 4 ? 32 : 128}\` (or add a netmask before the method)`
      : `\`${mtok.value}\` is not a valid netmask for \`${str}\`; write a mask such as \`255.255.255.0\`, or use \`${str}/bits\``,
      methodLike ? [replaceFix(`Write \`${str}/${ip.family === 4 ? 32 : 128}\``, tok.span, `${str}/${ip.family === 4 ? 32 : 128}`, true)] : []);
    return undefined;
  }
  if (mip.family !== ip.family) {
    error(c, 'address-mask-mismatch', mtok.span, `The netmask \`${mtok.value}\` is ${mip.family === 4 ? 'IPv4' : 'IPv6'} but the address \`${str}\` is ${ip.family === 4 ? 'IPv4' : 'IPv6'}; use a mask of the same family, or CIDR notation`);
    return undefined;
  }
  const address: HbaAddress = { token: tok, kind: 'ip', ip, mask: mip.bytes, maskToken: mtok };
  const b = bitsFromMask(mip.bytes);
  if (b !== undefined) address.bits = b;
  addressNotes(c, address, str);
  return { address, next: at + 2 };
}

function addressNotes(c: LineCtx, a: HbaAddress, shown: string): void {
  const ip = a.ip!;
  const mask = a.mask!;
  const tok = a.token;
  const hostPart = tok.value.split('/')[0]!;
  if (ip.family === 4 && !ip.canonicalForm) {
    const real = formatIp(ip.bytes);
    const range = a.bits === 32 ? real : `${formatIp(networkOf(ip.bytes, mask))}${a.bits !== undefined ? `/${a.bits}` : ` with mask ${formatIp(mask)}`}`;
    note(c, 'suspicious-address', tok.span, `\`${hostPart}\` is read as ${real} (short, octal and hex IPv4 forms are expanded that way), so this line matches ${range}, not what it seems to say; write all four decimal parts, e.g. \`10.0.0.0/8\`.`);
    return;
  }
  if (hasHostBits(ip.bytes, mask)) {
    const net = formatIp(networkOf(ip.bytes, mask));
    const fixText = a.maskToken ? net : `${net}/${a.bits}`;
    note(c, 'host-bits-set', tok.span, `\`${shown}\` has host bits set, so it matches the whole network ${net}${a.bits !== undefined ? `/${a.bits}` : ''}, not just ${formatIp(ip.bytes)}; write \`${fixText}\` to make that explicit, or a longer mask for fewer hosts.`,
      { fixes: [replaceFix(`Write the network address \`${fixText}\``, tok.span, fixText)] });
  }
}

function checkMethod(c: LineCtx, tok: HbaToken, conn: ConnType): Method | undefined {
  const d = c.d;
  const v = tok.value;
  const valid = d === 'pgpool' ? PGPOOL_METHODS : PG_METHODS;
  if (!(valid as readonly string[]).includes(v)) {
    let core: string;
    let fixes: Fix[] = [];
    if (d === 'pgpool' && isMethod(v)) {
      core = `Authentication method \`${v}\` exists in PostgreSQL but not in pgpool, which accepts ${listing(PGPOOL_METHODS)}; pick one of those (for TLS client certificates use \`cert\` on a \`hostssl\` line)`;
      fixes = [replaceFix(`Replace \`${v}\` with \`scram-sha-256\``, tok.span, 'scram-sha-256')];
      if (conn === 'hostssl') fixes.push(replaceFix(`Replace \`${v}\` with \`cert\``, tok.span, 'cert'));
    } else if (parseNumericHost(v.split('/')[0]!) && conn === 'local') {
      core = `\`${v}\` stands where the method belongs: \`local\` lines have no address field; remove the address, or use \`host\`/\`hostssl\` for TCP connections`;
    } else {
      const cands = didYouMean(v === 'scram' || /^scram/i.test(v) ? 'scram-sha-256' : v, valid, 1);
      core = `Authentication method \`${v}\` is not valid${cands.length ? ` (did you mean \`${cands[0]}\`?)` : ''}; ${product(d)} accepts ${listing(valid)}, spelled exactly (lower case)`;
      fixes = cands.map(s => replaceFix(`Replace \`${v}\` with \`${s}\``, tok.span, s, true));
    }
    error(c, 'invalid-method', tok.span, core, fixes);
    return undefined;
  }
  const method = v as Method;
  if (d === 'postgres') {
    if (method === 'ident' && conn === 'local') {
      note(c, 'ident-on-local', tok.span, '`ident` on a `local` line is treated as `peer` by PostgreSQL (the OS user of the socket peer must match); write `peer` to say what happens.',
        { fixes: [replaceFix('Replace `ident` with `peer`', tok.span, 'peer', true)] });
    }
    if (method === 'gss' && conn === 'local') {
      error(c, 'method-connection-type', tok.span, '`gss` authentication is not supported on `local` (Unix-socket) lines; use `peer` for sockets, or a `host`/`hostgssenc` line for Kerberos');
      return undefined;
    }
    if (method === 'peer' && conn !== 'local') {
      error(c, 'method-connection-type', tok.span, `\`peer\` authentication only works on \`local\` (Unix-socket) lines, not on \`${conn}\`; use \`ident\`, \`scram-sha-256\` or \`cert\` for TCP connections`);
      return undefined;
    }
    if (method === 'cert' && conn !== 'hostssl') {
      const fixes = conn === 'local' ? [] : [replaceFix(`Replace \`${conn}\` with \`hostssl\``, c.line.fields[0]!.tokens[0]!.span, 'hostssl', true)];
      error(c, 'method-connection-type', tok.span, `\`cert\` authentication is only supported on \`hostssl\` lines, not on \`${conn}\`; change the connection type to \`hostssl\``, fixes);
      return undefined;
    }
    if (method === 'sspi' || method === 'bsd') {
      note(c, 'platform-method', tok.span, method === 'sspi'
        ? '`sspi` only exists in PostgreSQL builds for Windows; any other build refuses the whole file because of this line, so use `gss` or `scram-sha-256` there.'
        : '`bsd` only exists in PostgreSQL builds for OpenBSD; any other build refuses the whole file because of this line, so use `pam` or `scram-sha-256` there.');
    }
  }
  return method;
}

/** `atoi`: leading blanks, a sign, digits; 0 when there are none. */
export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) || 0 : 0;
}

function removeOptionFix(line: HbaLine, tok: HbaToken, title: string): Fix {
  const all: HbaToken[] = line.fields.flatMap(f => f.tokens);
  const i = all.indexOf(tok);
  const field = line.fields.find(f => f.tokens.includes(tok))!;
  const k = field.tokens.indexOf(tok);
  let span: Span;
  if (k === 0 && field.tokens.length > 1) span = [tok.span[0], field.tokens[1]!.span[0]];
  else span = [i > 0 ? all[i - 1]!.span[1] : tok.span[0], tok.span[1]];
  return { title, edits: [{ span, newText: '' }], preferred: true };
}

function checkOption(c: LineCtx, o: HbaOption, conn: ConnType, method: Method, methodTok: HbaToken, line: HbaLine): boolean {
  const d = c.d;
  const e = optionEntry(o.name);
  if (d === 'pgpool') {
    if (!e || e.pgpoolMethods.length === 0) {
      if (e && e.postgresMethods.length > 0) {
        const extra = o.name === 'clientcert'
          ? ' (pgpool\'s `cert` method always checks the certificate against `ssl_ca_cert` and compares its CN with the user name)'
          : o.name === 'map' ? ' (pgpool has no pg_ident maps; `cert` compares the certificate CN with the user name)' : '';
        return error(c, 'unknown-option', o.token.span, `\`${o.name}\` is a PostgreSQL option that pgpool does not know${extra}; remove it`,
          [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
      }
      const cands = didYouMean(o.name, POOL_OPTION_NAMES, 1);
      return error(c, 'unknown-option', o.nameSpan, `\`${o.name}\` is not an authentication option pgpool knows${cands.length ? ` (did you mean \`${cands[0]}\`?)` : ''}; fix or remove it`,
        cands.map(s => replaceFix(`Replace \`${o.name}\` with \`${s}\``, o.nameSpan, s, true)));
    }
    if (!e.pgpoolMethods.includes(method)) {
      if (o.name === 'pamservice' || o.name === 'pam_use_hostname') {
        note(c, 'pam-option-ignored', o.token.span, `\`${o.name}\` only applies to \`pam\` lines; pgpool logs a message and ignores it on this \`${method}\` line, so remove it.`,
          { fixes: [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)] });
        return true;
      }
      return error(c, 'option-wrong-method', o.token.span, `\`${o.name}\` is only valid for the \`ldap\` method, not \`${method}\`; remove it or change the method`,
        [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
    }
    return checkLdapOption(c, o);
  }
  // PostgreSQL
  if (!e || e.postgresMethods.length === 0) {
    if (e && e.pgpoolMethods.length > 0) {
      return error(c, 'unknown-option', o.token.span, `\`${o.name}\` is a pgpool-only option that PostgreSQL does not know; remove it`,
        [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
    }
    const cands = didYouMean(o.name, PG_OPTION_NAMES, 1);
    return error(c, 'unknown-option', o.nameSpan, `\`${o.name}\` is not an authentication option PostgreSQL knows${cands.length ? ` (did you mean \`${cands[0]}\`?)` : ''}; fix or remove it`,
      cands.map(s => replaceFix(`Replace \`${o.name}\` with \`${s}\``, o.nameSpan, s, true)));
  }
  if (HOSTSSL_ONLY_OPTIONS.has(o.name)) return checkClientcert(c, o, conn, method, line);
  // ident on local is peer by the time options are read.
  const effective: Method = method === 'ident' && conn === 'local' ? 'peer' : method;
  if (!e.postgresMethods.includes(effective)) {
    const text = e.postgresMethodsText ?? e.postgresMethods.join(', ');
    return error(c, 'option-wrong-method', o.token.span, `\`${o.name}\` is only valid for the method${e.postgresMethods.length > 1 ? 's' : ''} ${text}, not \`${methodTok.value}\`; remove it or change the method`,
      [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
  }
  if (o.name.startsWith('ldap')) return checkLdapOption(c, o);
  if (o.name === 'radiusports') {
    const list = splitList(o.value);
    if (list === undefined) return error(c, 'radius-options', o.valueSpan, `\`${o.value}\` is not a valid list of RADIUS ports; write numbers separated by commas, quoted, e.g. \`radiusports="1812,1812"\``);
    for (const p of list) {
      if (atoi(p) === 0) return error(c, 'radius-options', o.valueSpan, `\`${p}\` is not a valid RADIUS port number; write a port such as \`1812\``);
    }
  }
  if (o.name.startsWith('radius') && splitList(o.value) === undefined) {
    return error(c, 'radius-options', o.valueSpan, `\`${o.value}\` is not a valid comma-separated list for \`${o.name}\`; remove empty entries and quote the whole value`);
  }
  return true;
}

const POOL_OPTION_NAMES = Object.keys(OPTIONS).filter(n => OPTIONS[n]!.pgpoolMethods.length > 0);
const PG_OPTION_NAMES = Object.keys(OPTIONS).filter(n => OPTIONS[n]!.postgresMethods.length > 0);

/** `SplitGUCList` approximated: comma-separated, blanks around items allowed, empty items invalid; "" is an empty list. */
export function splitList(s: string): string[] | undefined {
  if (s.trim() === '') return [];
  const out: string[] = [];
  for (const part of s.split(',')) {
    const t = part.trim().replace(/^"(.*)"$/, '$1');
    if (t === '') return undefined;
    out.push(t);
  }
  return out;
}

function checkClientcert(c: LineCtx, o: HbaOption, conn: ConnType, method: Method, line: HbaLine): boolean {
  if (conn !== 'hostssl') {
    const fixes: Fix[] = [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)];
    if (conn === 'host' || conn === 'hostnossl') fixes.push(replaceFix(`Replace \`${conn}\` with \`hostssl\``, line.fields[0]!.tokens[0]!.span, 'hostssl'));
    return error(c, 'invalid-clientcert', o.token.span, `\`${o.name}\` can only be set on \`hostssl\` lines, not on \`${conn}\` (without TLS there is no client certificate); make the line \`hostssl\` or remove the option`, fixes);
  }
  if (o.name === 'clientname') {
    if (o.value === 'CN' || o.value === 'DN') return true;
    const up = o.value.toUpperCase();
    return error(c, 'invalid-clientcert', o.valueSpan, `\`clientname=${o.value}\` is not valid; PostgreSQL accepts \`CN\` or \`DN\` (upper case)`,
      up === 'CN' || up === 'DN' ? [replaceFix(`Write \`${up}\``, o.valueSpan, up, true)] : []);
  }
  if (o.value === 'verify-full') return true;
  if (o.value === 'verify-ca') {
    if (method === 'cert') {
      return error(c, 'invalid-clientcert', o.valueSpan, '`clientcert=verify-ca` contradicts `cert`, which always checks that the certificate name matches the user (verify-full); write `clientcert=verify-full` or drop the option',
        [replaceFix('Write `verify-full`', o.valueSpan, 'verify-full', true), removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
    }
    return true;
  }
  const legacy: Record<string, string | null> = { '1': 'verify-ca', '0': null, 'no-verify': null };
  if (Object.prototype.hasOwnProperty.call(legacy, o.value)) {
    const to = legacy[o.value];
    const fixes: Fix[] = to && method !== 'cert' ? [replaceFix(`Write \`${to}\``, o.valueSpan, to, true)] : [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)];
    return error(c, 'invalid-clientcert', o.valueSpan, `\`clientcert=${o.value}\` was removed in PostgreSQL 14; ${to ? `write \`clientcert=${method === 'cert' ? 'verify-full' : to}\`` : 'remove the option (no client certificate is required by default)'}`, fixes);
  }
  return error(c, 'invalid-clientcert', o.valueSpan, `\`clientcert=${o.value}\` is not valid; PostgreSQL accepts \`verify-ca\` or \`verify-full\``);
}

interface LdapUrl { scheme: string; host?: string; dn?: string; attr?: string; filter?: string }

/** A small `ldap_url_parse`: scheme://host[:port][/dn[?attrs[?scope[?filter]]]]. Returns an error text on failure. */
export function parseLdapUrl(s: string): LdapUrl | string {
  let u = s.trim();
  if (u.startsWith('<') && u.endsWith('>')) u = u.slice(1, -1);
  if (/^url:/i.test(u)) u = u.slice(4);
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(u);
  if (!m) return 'it is not a URL of the form `ldap://host/basedn`';
  const scheme = m[1]!.toLowerCase();
  if (!['ldap', 'ldaps', 'ldapi', 'cldap'].includes(scheme)) return `the scheme \`${m[1]}\` is not an LDAP scheme`;
  const rest = m[2]!;
  const slash = rest.indexOf('/');
  const hostport = slash < 0 ? rest : rest.slice(0, slash);
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport);
  if (!hp) return 'the host part is malformed';
  if (hp[2] !== undefined && hp[2] !== '' && !/^[0-9]+$/.test(hp[2])) return `the port \`${hp[2]}\` is not a number`;
  const out: LdapUrl = { scheme };
  if (hp[1]) out.host = hp[1];
  if (slash >= 0) {
    const parts = rest.slice(slash + 1).split('?');
    const dec = (x: string): string => { try { return decodeURIComponent(x); } catch { return x; } };
    out.dn = dec(parts[0] ?? '');
    if (parts[1]) out.attr = dec(parts[1].split(',')[0]!);
    if (parts[2] && !['base', 'one', 'sub', 'children', ''].includes(parts[2].toLowerCase())) return `the scope \`${parts[2]}\` is not base, one or sub`;
    if (parts[3]) out.filter = dec(parts[3]);
  }
  return out;
}

function checkLdapOption(c: LineCtx, o: HbaOption): boolean {
  if (o.name === 'ldapport' && atoi(o.value) === 0) {
    return error(c, 'ldap-invalid-value', o.valueSpan, `\`ldapport=${o.value}\` is not a valid port number; write a number such as \`389\` (or \`636\` for ldaps)`);
  }
  if (o.name === 'ldapurl') {
    const u = parseLdapUrl(o.value);
    if (typeof u === 'string') return error(c, 'ldap-invalid-value', o.valueSpan, `\`${o.value}\` cannot be parsed as an LDAP URL (${u}); write e.g. \`ldaps://ldap.example.net/dc=example,dc=net\``);
    if (u.scheme !== 'ldap' && u.scheme !== 'ldaps') return error(c, 'ldap-invalid-value', o.valueSpan, `LDAP URL scheme \`${u.scheme}\` is not supported; use \`ldap://\` or \`ldaps://\``);
  }
  if (o.name === 'ldapscheme' && o.value !== 'ldap' && o.value !== 'ldaps') {
    note(c, 'ldapscheme-invalid', o.valueSpan, `\`ldapscheme=${o.value}\` is not \`ldap\` or \`ldaps\`; ${product(c.d)} only logs this and then talks to the LDAP server without TLS, so write \`ldaps\` (or \`ldap\` with \`ldaptls=1\`).`,
      { fixes: [replaceFix('Write `ldaps`', o.valueSpan, 'ldaps', /^ldaps/i.test(o.value))] });
  }
  return true;
}

function checkMandatory(c: LineCtx, r: HbaRecord): boolean {
  const opt = (n: string): HbaOption | undefined => {
    for (let i = r.options.length - 1; i >= 0; i--) if (r.options[i]!.name === n) return r.options[i];
    return undefined;
  };
  if (r.method === 'ldap') {
    let basedn: HbaOption | undefined = opt('ldapbasedn');
    let attr: HbaOption | undefined = opt('ldapsearchattribute');
    let filter: HbaOption | undefined = opt('ldapsearchfilter');
    const url = opt('ldapurl');
    if (url) {
      const u = parseLdapUrl(url.value);
      if (typeof u !== 'string') {
        if (u.dn !== undefined) basedn ??= url;
        if (u.attr) attr ??= url;
        if (u.filter) filter ??= url;
      }
    }
    const simple = opt('ldapprefix') ?? opt('ldapsuffix');
    if (simple) {
      const search = basedn ?? opt('ldapbinddn') ?? opt('ldapbindpasswd') ?? attr ?? filter;
      if (search) {
        return error(c, 'ldap-conflicting-options', simple.token.span, `\`${simple.name}\` selects LDAP simple bind, but \`${search.name}\` belongs to search+bind mode; keep either \`ldapprefix\`/\`ldapsuffix\` or the search options (\`ldapbasedn\`, \`ldapbinddn\`, …)`);
      }
    } else if (!basedn) {
      return error(c, 'ldap-missing-base', r.methodToken.span, '`ldap` needs `ldapbasedn` (search+bind), or `ldapprefix`/`ldapsuffix` (simple bind); add one of them (an `ldapurl` with a base DN also works)');
    }
    if (attr && filter) {
      const later = r.options.indexOf(attr) > r.options.indexOf(filter) ? attr : filter;
      return error(c, 'ldap-conflicting-options', later.token.span, '`ldapsearchattribute` and `ldapsearchfilter` cannot be used together; keep the filter (it can use `$username`) or the attribute');
    }
  }
  if (c.d === 'postgres' && r.method === 'radius') {
    const servers = opt('radiusservers');
    const secrets = opt('radiussecrets');
    const sl = servers ? splitList(servers.value) ?? [] : [];
    const kl = secrets ? splitList(secrets.value) ?? [] : [];
    if (!servers || sl.length === 0) return error(c, 'radius-options', (servers?.token ?? r.methodToken).span, '`radius` needs `radiusservers` with at least one server; add e.g. `radiusservers="radius1.example.net"`');
    if (!secrets || kl.length === 0) return error(c, 'radius-options', (secrets?.token ?? r.methodToken).span, '`radius` needs `radiussecrets` with the shared secret; add e.g. `radiussecrets="..."`');
    const counts: [HbaOption | undefined, string][] = [[secrets, 'secrets'], [opt('radiusports'), 'ports'], [opt('radiusidentifiers'), 'identifiers']];
    for (const [o, what] of counts) {
      if (!o) continue;
      const n = (splitList(o.value) ?? []).length;
      if (n > 1 && n !== sl.length) {
        return error(c, 'radius-options', o.token.span, `There are ${n} RADIUS ${what} for ${sl.length} server${sl.length === 1 ? '' : 's'}; give one value for all servers or exactly one per server`);
      }
    }
  }
  return true;
}
