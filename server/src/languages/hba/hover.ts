/** Hover and completion for both HBA dialects, from the catalogue in catalog.ts. */
import type { CompletionResult, HoverResult, Settings } from '../../core/types';
import { bitsFromMask, formatIp, lastOf, maskFromBits, networkOf, parseCidrBits, parseNumericHost } from './address';
import {
  CONN_TYPES, INCLUDE_DIRECTIVES, KEYWORDS, METHODS, OPTIONS, PGPOOL_CONN_TYPES, PGPOOL_METHODS, PG_CONN_TYPES, PG_METHODS,
  describeFor, isConnType, isMethod, optionEntry, type ConnType, type Method,
} from './catalogue';
import { guessRoles, type FieldRole, type HbaFile } from './parse';
import { lineAround, tokenize, type Dialect, type HbaField, type HbaToken } from './lexer';

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

const serverName = (d: Dialect): string => (d === 'pgpool' ? 'pgpool' : 'PostgreSQL');

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

/** The role of field `index` on a line whose earlier fields are `fields`. */
function roleAt(d: Dialect, fields: readonly HbaField[], index: number, postgresVersion: number): FieldRole | undefined {
  if (index === 0) return 'type';
  const first = fields[0]?.tokens[0]?.value ?? '';
  if (d === 'postgres' && postgresVersion >= 16 && Object.prototype.hasOwnProperty.call(INCLUDE_DIRECTIVES, first)) {
    return index === 1 ? 'include-target' : undefined;
  }
  if (index === 1) return 'database';
  if (index === 2) return 'user';
  if (first === 'local') return index === 3 ? 'method' : 'option';
  if (index === 3) return 'address';
  const addr = fields[3]?.tokens[0]?.value ?? '';
  const needsMask = !addr.includes('/') && !!parseNumericHost(addr);
  if (needsMask) return index === 4 ? 'netmask' : index === 5 ? 'method' : 'option';
  return index === 4 ? 'method' : 'option';
}

export function completeHba(file: HbaFile, offset: number, settings: Settings): CompletionResult[] {
  const d = file.dialect;
  const text = file.text;
  const { start } = lineAround(text, offset, d);
  let prefix = text.slice(start, offset);
  if (d === 'postgres') prefix = prefix.replace(/\\\r?\n/g, '');
  // Inside a comment: nothing to offer.
  let inQuote = false;
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i];
    if (ch === '"') inQuote = !inQuote;
    else if (ch === '#' && !inQuote) return [];
  }
  if (inQuote) return [];
  const lines = tokenize(prefix, { dialect: 'postgres' });
  const fields = lines[0]?.fields ?? [];
  const lastCh = prefix.length ? prefix.charCodeAt(prefix.length - 1) : 32;
  const atBlank = lastCh === 32 || lastCh === 9 || lastCh === 13;
  let index: number;
  let word = '';
  if (fields.length === 0) index = 0;
  else if (atBlank) index = fields.length;
  else if (lastCh === 44) index = fields.length - 1;
  else {
    index = fields.length - 1;
    const f = fields[index]!;
    const tok = f.tokens[f.tokens.length - 1]!;
    word = prefix.slice(tok.span[0]);
  }
  const replace: [number, number] = [offset - word.length, offset];
  const role = roleAt(d, fields, index, settings.postgresVersion);
  const item = (label: string, kind: CompletionResult['kind'], detail: string, documentation?: string, insertText?: string): CompletionResult => {
    const r: CompletionResult = { label, kind, detail, replace };
    if (documentation) r.documentation = documentation;
    if (insertText) r.insertText = insertText;
    return r;
  };
  const out: CompletionResult[] = [];
  switch (role) {
    case 'type': {
      for (const t of d === 'pgpool' ? PGPOOL_CONN_TYPES : PG_CONN_TYPES) out.push(item(t, 'keyword', 'connection type', describeFor(CONN_TYPES[t], d)));
      if (d === 'postgres' && settings.postgresVersion >= 16) {
        for (const [k, doc] of Object.entries(INCLUDE_DIRECTIVES)) out.push(item(k, 'keyword', 'include directive (PostgreSQL 16+)', doc));
      }
      break;
    }
    case 'database':
    case 'user': {
      for (const [k, e] of Object.entries(KEYWORDS)) {
        if (!(e.fields as readonly string[]).includes(role)) continue;
        if (d === 'pgpool' && e.inPgpool !== 'yes') continue;
        out.push(item(k, 'keyword', `${role} keyword`, describeFor(e, d)));
      }
      break;
    }
    case 'address': {
      for (const k of ['all', 'samehost', 'samenet']) out.push(item(k, 'keyword', 'address keyword', describeFor(KEYWORDS[k]!, d)));
      out.push(item('127.0.0.1/32', 'value', 'IPv4 loopback'), item('::1/128', 'value', 'IPv6 loopback'), item('10.0.0.0/8', 'value', 'private network'), item('192.168.0.0/16', 'value', 'private network'));
      break;
    }
    case 'netmask':
      for (const m of ['255.255.255.255', '255.255.255.0', '255.255.0.0', '255.0.0.0']) out.push(item(m, 'value', 'netmask'));
      break;
    case 'method': {
      const conn = fields[0]?.tokens[0]?.value ?? '';
      for (const m of d === 'pgpool' ? PGPOOL_METHODS : PG_METHODS) {
        if (d === 'postgres' && !methodFits(m, conn)) continue;
        // pgpool accepts `cert` on any line, but without TLS it can never succeed (the cert-on-non-ssl-line rule).
        if (d === 'pgpool' && m === 'cert' && (conn === 'local' || conn === 'hostnossl')) continue;
        out.push(item(m, 'enum', 'authentication method', describeFor(METHODS[m], d)));
      }
      break;
    }
    case 'option': {
      const conn = fields[0]?.tokens[0]?.value ?? '';
      const mi = (() => { for (let k = 0; k < fields.length; k++) if (roleAt(d, fields, k, settings.postgresVersion) === 'method') return k; return -1; })();
      const method = mi >= 0 ? fields[mi]!.tokens[0]!.value : '';
      if (word.includes('=')) break;
      for (const [name, e] of Object.entries(OPTIONS)) {
        const methods: readonly string[] = d === 'pgpool' ? e.pgpoolMethods : e.postgresMethods;
        if (!isMethod(method)) continue;
        const effective = d === 'postgres' && method === 'ident' && conn === 'local' ? 'peer' : method;
        if (!methods.includes(effective)) continue;
        if (d === 'postgres' && (name === 'clientcert' || name === 'clientname') && conn !== 'hostssl') continue;
        out.push(item(name, 'property', 'authentication option', describeFor(e, d), `${name}=`));
      }
      break;
    }
    default:
      break;
  }
  return out;
}

function methodFits(m: Method, conn: string): boolean {
  if (!isConnType(conn)) return true;
  const c: ConnType = conn;
  if (m === 'peer') return c === 'local';
  if (m === 'gss' || m === 'ident') return c !== 'local';
  if (m === 'cert') return c === 'hostssl';
  return true;
}
