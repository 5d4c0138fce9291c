/** Hover for both HBA dialects: what a word means to the file's server, from the catalogue. */
import type { HoverResult } from '../../core/types';
import { bitsFromMask, formatIp, lastOf, maskFromBits, networkOf, parseCidrBits, parseNumericHost } from './address';
import { CONN_TYPES, INCLUDE_DIRECTIVES, KEYWORDS, METHODS, describeFor, isConnType, isMethod, optionEntry, serverName } from './catalogue';
import type { Dialect, HbaField, HbaToken } from './lexer';
import type { FieldRole, HbaFile } from './model';

function findLine(file: HbaFile, offset: number): number {
  let lo = 0;
  let hi = file.lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const sp = file.lines[mid]!.span;
    if (offset < sp[0]) hi = mid - 1;
    else if (offset > sp[1]) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function hoverHba(file: HbaFile, offset: number): HoverResult | undefined {
  const li = findLine(file, offset);
  if (li < 0) return undefined;
  const line = file.lines[li]!;
  const roles = guessRoles(line.fields, file.dialect);
  for (let fi = 0; fi < line.fields.length; fi++) {
    for (const t of line.fields[fi]!.tokens) {
      if (offset < t.span[0] || offset > t.span[1]) continue;
      const md = describeToken(file.dialect, roles[fi], t, line.fields, roles);
      return md ? { span: t.span, markdown: md } : undefined;
    }
  }
  return undefined;
}

function describeToken(d: Dialect, role: FieldRole | undefined, t: HbaToken, fields: readonly HbaField[], roles: readonly FieldRole[]): string | undefined {
  const v = t.value;
  switch (role) {
    case 'type': {
      if (!isConnType(v)) return undefined;
      const e = CONN_TYPES[v];
      const missing = d === 'pgpool' && !e.inPgpool ? ' · *not supported by pgpool*' : '';
      return `**${v}** · connection type${missing}\n\n${describeFor(e, d)}`;
    }
    case 'include-keyword':
      return INCLUDE_DIRECTIVES[v] ? `**${v}** · include directive\n\n${INCLUDE_DIRECTIVES[v]}` : undefined;
    case 'database':
    case 'user':
      return describeName(d, role, t);
    case 'address':
      return describeAddress(d, t, fields, roles);
    case 'netmask': {
      const ip = parseNumericHost(v);
      if (!ip) return undefined;
      const bits = bitsFromMask(ip.bytes);
      return `**${v}** · netmask\n\n${bits === undefined ? 'Not a contiguous mask: the matched addresses are scattered, which is rarely intended.' : `Equivalent to \`/${bits}\` after the address.`}`;
    }
    case 'method': {
      if (!isMethod(v)) return undefined;
      const e = METHODS[v];
      const missing = d === 'pgpool' && !e.inPgpool ? ' · *not supported by pgpool*' : '';
      return `**${v}** · authentication method${missing}\n\n${describeFor(e, d)}`;
    }
    case 'option': {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v : v.slice(0, eq);
      const e = optionEntry(name);
      if (!e) return undefined;
      const known = d === 'pgpool' ? e.pgpoolMethods : e.postgresMethods;
      const where = known.length === 0
        ? ` · *not known to ${serverName(d)}*`
        : known.length >= 10 ? ' · `hostssl` lines' : ` · for ${known.map(m => `\`${m}\``).join(', ')}`;
      return `**${name}** · option${where}\n\n${describeFor(e, d)}`;
    }
    default:
      return undefined;
  }
}

function describeName(d: Dialect, role: 'database' | 'user', t: HbaToken): string | undefined {
  const v = t.value;
  if (t.include !== undefined) {
    return `**@${t.include}** · file of ${role} names\n\nThe names (separated by blanks, commas or newlines) are read from this file, relative to this file's folder. A missing file makes ${serverName(d)} reject the whole file.`;
  }
  if (!t.quoted && Object.prototype.hasOwnProperty.call(KEYWORDS, v)) {
    const k = KEYWORDS[v]!;
    if (!(k.fields as readonly string[]).includes(role)) return `**${v}** · ${role} name\n\nAn ordinary ${role} name here.`;
    return `**${v}** · keyword\n\n${describeFor(k, d)}`;
  }
  if (!t.quoted && role === 'user' && v.startsWith('+')) {
    return d === 'pgpool'
      ? `**${v}** · group membership\n\npgpool accepts \`+group\` but cannot check role membership: the line never matches.`
      : `**${v}** · group membership\n\nMatches every role that is a member (directly or indirectly) of role \`${v.slice(1)}\`. Superusers are not members just by being superusers.`;
  }
  if (v.startsWith('/')) {
    return d === 'pgpool'
      ? `**${v}** · ${role} name\n\npgpool has no regular expressions here: this is a literal name.`
      : `**${v}** · regular expression (PostgreSQL 16+)\n\nFrom PostgreSQL 16, a name starting with \`/\` is a regular expression matched against the ${role} name (anchor it with \`^…$\`). Earlier versions take it literally.`;
  }
  return `**${v}** · ${role} name\n\nMatched exactly (case-sensitive)${t.quoted ? '; quoted, so never a keyword' : ''}.`;
}

function describeAddress(d: Dialect, t: HbaToken, fields: readonly HbaField[], roles: readonly FieldRole[]): string | undefined {
  const v = t.value;
  if (!t.quoted && Object.prototype.hasOwnProperty.call(KEYWORDS, v) && KEYWORDS[v]!.fields.includes('address')) {
    return `**${v}** · address keyword\n\n${describeFor(KEYWORDS[v]!, d)}`;
  }
  const slash = v.indexOf('/');
  const host = slash >= 0 ? v.slice(0, slash) : v;
  const ip = parseNumericHost(host);
  if (!ip) {
    const suffix = v.startsWith('.');
    return `**${v}** · host name\n\n${suffix ? `Matches clients whose host name ends in \`${v}\`.` : 'Matches the client whose host name is exactly this.'} ${serverName(d)} looks up the client address in reverse DNS and then checks that the name resolves back to that address, on every connection: slow or broken DNS delays or refuses logins.`;
  }
  let mask: number[] | undefined;
  if (slash >= 0) {
    const bits = parseCidrBits(v.slice(slash + 1), ip.family);
    if (bits !== undefined) mask = maskFromBits(bits, ip.family);
  } else {
    const mi = roles.indexOf('netmask');
    const m = mi >= 0 ? parseNumericHost(fields[mi]!.tokens[0]!.value) : undefined;
    if (m && m.family === ip.family) mask = m.bytes;
  }
  if (!mask) return `**${v}** · IP address\n\nThe address ${formatIp(ip.bytes)}.`;
  const first = networkOf(ip.bytes, mask);
  const last = lastOf(ip.bytes, mask);
  const bits = bitsFromMask(mask);
  const count = bits === undefined ? undefined : (ip.family === 4 ? 32 : 128) - bits;
  const size = count === undefined ? '' : count === 0 ? ' (one address)' : count <= 52 ? ` (${2 ** count} addresses)` : ` (2^${count} addresses)`;
  return `**${v}** · client address range\n\nMatches ${formatIp(first)} – ${formatIp(last)}${size}.${ip.family === 6 ? ' IPv4 clients never match an IPv6 range.' : ''}`;
}

/**
 * The role of every field of a whole line, by position, also on lines with errors. Completion has its own `roleAt`
 * (complete.ts) on purpose: it sees only the fields before the cursor, so it must predict a netmask field from the
 * address alone, where this one sees whether the line really holds one.
 */
function guessRoles(fields: readonly HbaField[], dialect: Dialect): FieldRole[] {
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
