/**
 * Record parser for pool_hba.conf and pg_hba.conf. It follows `parse_hba_line` of both servers field by field and
 * stops a line at its first error, as they do (the line, and therefore the whole file, is then rejected); options.ts
 * reads the options after the method. Messages the servers only log, and our own advice on a line, do not stop it.
 * Every problem is kept in `HbaFile.problems`: the parser reports nothing and never throws. Version-dependent checks
 * (PostgreSQL 16 include directives and regular expressions) are left to check/.
 */
import { didYouMean, listing } from '../../core/text';
import type { Fix } from '../../core/types';
import {
  bitsFromMask, formatIp, hasHostBits, looksNumeric, maskFromBits, networkOf, parseCidrBits, parseNumericHost,
} from './address';
import {
  INCLUDE_DIRECTIVES, PGPOOL_CONN_TYPES, PGPOOL_METHODS, PG_CONN_TYPES, PG_METHODS, isMethod, serverName,
  type ConnType, type Method,
} from './catalogue';
import { widerThanPrivateBlock } from './coverage';
import { fieldSpan, tokenize, type Dialect, type HbaField, type HbaLine, type HbaToken } from './lexer';
import type { HbaAddress, HbaFile, HbaRecord, IncludeDirective } from './model';
import { checkMandatory, parseOptions } from './options';
import { note, reject, replaceFix, type LineCtx } from './problems';
import { PG_HBA, POOL_HBA, rulesFor } from './rules';

export function parseHba(text: string, path: string, dialect: Dialect): HbaFile {
  const lines = tokenize(text, { dialect });
  const file: HbaFile = { dialect, path, text, lines, records: [], rejectedLines: 0, includes: [], problems: [] };
  for (const line of lines) {
    const ok = parseLine(file, line);
    if (!ok) file.rejectedLines++;
  }
  return file;
}

/** The end of the line's last token: where "end-of-line before ..." problems are shown. */
function lastToken(line: HbaLine): HbaToken {
  const f = line.fields[line.fields.length - 1]!;
  return f.tokens[f.tokens.length - 1]!;
}

function parseLine(file: HbaFile, line: HbaLine): boolean {
  const d = file.dialect;
  const c: LineCtx = { file, line, d, rules: rulesFor(d) };
  if (line.error) {
    if (line.error.kind === 'token-too-long') {
      const head = file.text.slice(line.error.span[0], Math.min(line.error.span[1], line.error.span[0] + 24));
      return reject(c, POOL_HBA['token-too-long'], line.error.span,
        `The token \`${head}…\` is ${line.error.bytes} bytes or more, but pgpool reads at most 255 bytes per token; shorten it (an \`@file\` list helps for long name lists)`);
    }
    const first = /^\s*(\S{1,24})/.exec(file.text.slice(line.span[0], line.span[0] + 64))?.[1] ?? '';
    return reject(c, POOL_HBA['line-too-long'], line.error.span,
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
    return reject(c, c.rules['multiple-values'], fieldSpan(f0), `The connection type field holds a list (\`${f0.tokens.map(t => t.value).join(',')}\`), but each line takes exactly one connection type; split it into one line per type`);
  }
  const types = d === 'pgpool' ? PGPOOL_CONN_TYPES : PG_CONN_TYPES;
  if (!(types as readonly string[]).includes(typeTok.value)) return invalidType(c, typeTok);
  const conn = typeTok.value as ConnType;

  // Database and user.
  if (fields.length < 2) return reject(c, c.rules['missing-field'], typeTok.span, `The line ends after \`${typeTok.value}\`, before the database field; write \`${typeTok.value} DATABASE USER${conn === 'local' ? '' : ' ADDRESS'} METHOD\``);
  const databases = fields[1]!.tokens;
  if (fields.length < 3) return reject(c, c.rules['missing-field'], lastToken(line).span, `The line ends after \`${lastToken(line).value}\`, before the user (role) field; add the user names (or \`all\`) and the rest of the record`);
  const users = fields[2]!.tokens;
  checkNames(c, databases, users);

  let next = 3;
  let address: HbaAddress | undefined;
  if (conn !== 'local') {
    if (fields.length < 4) return reject(c, c.rules['missing-field'], lastToken(line).span, `The line ends after \`${lastToken(line).value}\`, before the client address that \`${conn}\` lines need; add an address such as \`127.0.0.1/32\`, \`all\` or \`samenet\``);
    const a = parseAddress(c, fields, 3);
    if (!a) return false;
    address = a.address;
    next = a.next;
  }

  // Method.
  if (fields.length <= next) return reject(c, c.rules['missing-field'], lastToken(line).span, `The line ends after \`${lastToken(line).value}\`, before the authentication method; add one such as \`scram-sha-256\`${d === 'pgpool' || conn === 'hostssl' ? ' or `cert`' : ''}`);
  const mf = fields[next]!;
  if (mf.tokens.length > 1) return reject(c, c.rules['multiple-values'], fieldSpan(mf), `The method field holds a list (\`${mf.tokens.map(t => t.value).join(',')}\`), but each line takes exactly one authentication method; keep one`);
  const methodTok = mf.tokens[0]!;
  const method = checkMethod(c, methodTok, conn);
  if (!method) return false;

  // Options.
  const options = parseOptions(c, fields, next + 1, conn, method, methodTok);
  if (!options) return false;
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
    core = `Connection type \`${v}\` is not valid${cands.length ? ` (did you mean \`${cands[0]}\`?)` : ''}; ${serverName(d)} accepts ${listing(valid)}`;
    fixes = cands.map(s => replaceFix(`Replace \`${v}\` with \`${s}\``, tok.span, s, true));
  }
  return reject(c, c.rules['invalid-connection-type'], tok.span, core, fixes);
}

/** Version-independent notes on database and user names (pgpool's keywords that never match, etc.). */
function checkNames(c: LineCtx, databases: HbaToken[], users: HbaToken[]): void {
  if (c.d !== 'pgpool') return;
  // pgpool's check_db/check_user stop at the first group token with "no match": names before it still match.
  const before = (list: HbaToken[], t: HbaToken): string => {
    const i = list.indexOf(t);
    return i === 0 ? 'this line never matches any connection' : `this line only matches ${i === 1 ? `\`${list[0]!.value}\`` : 'the names listed before it'}`;
  };
  for (const t of databases) {
    if (t.quoted) continue;
    if (t.value === 'samerole' || t.value === 'samegroup') {
      note(c, POOL_HBA['group-never-matches'], t.span, `\`${t.value}\` is accepted by pgpool, but it cannot check role membership and stops matching there, so ${before(databases, t)}; list the databases explicitly or use \`all\`.`);
    } else if (t.value === 'replication') {
      note(c, POOL_HBA['postgres-only-syntax'], t.span, '`replication` is not a keyword in pgpool: this line only matches a database literally named "replication" (pgpool does not pool replication connections); remove the line or name real databases.');
    } else if (t.value.startsWith('/')) {
      note(c, POOL_HBA['postgres-only-syntax'], t.span, `\`${t.value}\` is a plain database name in pgpool (regular expressions are a PostgreSQL 16 feature), so it only matches a database with exactly that name; list the databases instead.`);
    }
  }
  for (const t of users) {
    if (t.quoted) continue;
    if (t.value.startsWith('+')) {
      note(c, POOL_HBA['group-never-matches'], t.span, `\`${t.value}\` (role membership) is accepted by pgpool, but it cannot check group membership and stops matching there, so ${before(users, t)}; list the users explicitly (or with an \`@file\`).`);
    } else if (t.value.startsWith('/')) {
      note(c, POOL_HBA['postgres-only-syntax'], t.span, `\`${t.value}\` is a plain user name in pgpool (regular expressions are a PostgreSQL 16 feature), so it only matches a user with exactly that name; list the users instead.`);
    }
  }
}

function parseAddress(c: LineCtx, fields: readonly HbaField[], at: number): { address: HbaAddress; next: number } | undefined {
  const f = fields[at]!;
  if (f.tokens.length > 1) {
    reject(c, c.rules['multiple-values'], fieldSpan(f), `The address field holds a list (\`${f.tokens.map(t => t.value).join(',')}\`), but each line takes one address range; write one line per address`);
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
      reject(c, c.rules['hostname-with-cidr'], tok.span, `\`${str}\` combines a host name with a CIDR mask${why}; write a numeric address such as \`10.0.0.0/8\`, or the host name alone`);
      return undefined;
    }
    const bits = parseCidrBits(str.slice(slash + 1), ip.family);
    if (bits === undefined) {
      const max = ip.family === 4 ? 32 : 128;
      reject(c, c.rules['invalid-cidr-mask'], tok.span, `The CIDR mask in \`${str}\` is not a number from 0 to ${max}; write e.g. \`${hostPart}/${max}\` for a single ${ip.family === 4 ? 'IPv4' : 'IPv6'} address`);
      return undefined;
    }
    const mask = maskFromBits(bits, ip.family);
    const address: HbaAddress = { token: tok, kind: 'ip', ip, mask, bits };
    addressNotes(c, address, `${hostPart}/${bits}`);
    return { address, next: at + 1 };
  }
  if (!ip) {
    if (looksNumeric(str)) {
      note(c, c.rules['suspicious-address'], tok.span, `\`${str}\` is not a valid IP address, so ${serverName(c.d)} takes it as a host name and the line will only match if that name resolves to the client; fix the address (e.g. \`10.0.0.0/8\`).`);
    }
    return { address: { token: tok, kind: 'hostname' }, next: at + 1 };
  }
  // A numeric address without /bits: the next field is the netmask.
  const mf = fields[at + 1];
  if (!mf) {
    reject(c, c.rules['missing-field'], tok.span, `\`${str}\` has no \`/bits\` and the line ends before the netmask field; write \`${str}/${ip.family === 4 ? 32 : 128}\` for this one address, or add a netmask`);
    return undefined;
  }
  if (mf.tokens.length > 1) {
    reject(c, c.rules['multiple-values'], fieldSpan(mf), 'The netmask field holds a list, but it takes one netmask; keep one');
    return undefined;
  }
  const mtok = mf.tokens[0]!;
  const mip = parseNumericHost(mtok.value);
  if (!mip) {
    const methodLike = isMethod(mtok.value);
    reject(c, c.rules['invalid-netmask'], mtok.span, methodLike
      ? `\`${str}\` has no \`/bits\`, so ${serverName(c.d)} reads \`${mtok.value}\` as its netmask; write \`${str}/${ip.family === 4 ? 32 : 128}\` (or add a netmask before the method)`
      : `\`${mtok.value}\` is not a valid netmask for \`${str}\`; write a mask such as \`255.255.255.0\`, or use \`${str}/bits\``,
      methodLike ? [replaceFix(`Write \`${str}/${ip.family === 4 ? 32 : 128}\``, tok.span, `${str}/${ip.family === 4 ? 32 : 128}`, true)] : []);
    return undefined;
  }
  if (mip.family !== ip.family) {
    reject(c, c.rules['address-mask-mismatch'], mtok.span, `The netmask \`${mtok.value}\` is ${mip.family === 4 ? 'IPv4' : 'IPv6'} but the address \`${str}\` is ${ip.family === 4 ? 'IPv4' : 'IPv6'}; use a mask of the same family, or CIDR notation`);
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
    note(c, c.rules['suspicious-address'], tok.span, `\`${hostPart}\` is read as ${real} (short, octal and hex IPv4 forms are expanded that way), so this line matches ${range}, not what it seems to say; write all four decimal parts, e.g. \`10.0.0.0/8\`.`);
    return;
  }
  // A range wider than the private block it was meant to be gets its own advice (check/intent.ts), whose fix differs.
  if (hasHostBits(ip.bytes, mask) && !widerThanPrivateBlock(a)) {
    const net = formatIp(networkOf(ip.bytes, mask));
    const fixText = a.maskToken ? net : `${net}/${a.bits}`;
    note(c, c.rules['host-bits-set'], tok.span, `\`${shown}\` has host bits set, so it matches the whole network ${net}${a.bits !== undefined ? `/${a.bits}` : ''}, not just ${formatIp(ip.bytes)}; write \`${fixText}\` to make that explicit, or a longer mask for fewer hosts.`,
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
      core = `Authentication method \`${v}\` is not valid${cands.length ? ` (did you mean \`${cands[0]}\`?)` : ''}; ${serverName(d)} accepts ${listing(valid)}, spelled exactly (lower case)`;
      fixes = cands.map(s => replaceFix(`Replace \`${v}\` with \`${s}\``, tok.span, s, true));
    }
    reject(c, c.rules['invalid-method'], tok.span, core, fixes);
    return undefined;
  }
  const method = v as Method;
  if (d === 'postgres') {
    if (method === 'ident' && conn === 'local') {
      note(c, PG_HBA['ident-on-local'], tok.span, '`ident` on a `local` line is treated as `peer` by PostgreSQL (the OS user of the socket peer must match); write `peer` to say what happens.',
        { fixes: [replaceFix('Replace `ident` with `peer`', tok.span, 'peer', true)] });
    }
    if (method === 'gss' && conn === 'local') {
      reject(c, PG_HBA['method-connection-type'], tok.span, '`gss` authentication is not supported on `local` (Unix-socket) lines; use `peer` for sockets, or a `host`/`hostgssenc` line for Kerberos');
      return undefined;
    }
    if (method === 'peer' && conn !== 'local') {
      reject(c, PG_HBA['method-connection-type'], tok.span, `\`peer\` authentication only works on \`local\` (Unix-socket) lines, not on \`${conn}\`; use \`ident\`, \`scram-sha-256\` or \`cert\` for TCP connections`);
      return undefined;
    }
    if (method === 'cert' && conn !== 'hostssl') {
      const fixes = conn === 'local' ? [] : [replaceFix(`Replace \`${conn}\` with \`hostssl\``, c.line.fields[0]!.tokens[0]!.span, 'hostssl', true)];
      reject(c, PG_HBA['method-connection-type'], tok.span, `\`cert\` authentication is only supported on \`hostssl\` lines, not on \`${conn}\`; change the connection type to \`hostssl\``, fixes);
      return undefined;
    }
    if (method === 'sspi' || method === 'bsd') {
      note(c, PG_HBA['platform-method'], tok.span, method === 'sspi'
        ? '`sspi` only exists in PostgreSQL builds for Windows; any other build refuses the whole file because of this line, so use `gss` or `scram-sha-256` there.'
        : '`bsd` only exists in PostgreSQL builds for OpenBSD; any other build refuses the whole file because of this line, so use `pam` or `scram-sha-256` there.');
    }
  }
  return method;
}
