/**
 * The auth_hba_file record parser: PgBouncer's `parse_line` and `parse_names` (src/hba.c, 1.18.0), token by token over
 * lexer.ts. A line stops at its first problem and is skipped, as PgBouncer skips it; the later releases' additions
 * (`all` as address and `map=` from 1.23, `ldap` from 1.25, catalogue.ts `NEWER`) are noted as such. The parser reports
 * nothing (problems are data) and never throws.
 */
import { didYouMean, listing } from '../../../core/text';
import type { Fix, RuleMeta, Span } from '../../../core/types';
import { formatIp, maskFromBits, parseIpv6, parseStrictIpv4 } from '../address';
import { isMethod, type ConnType, type Method } from '../catalogue';
import type { HbaToken } from '../lexer';
import type { HbaAddress } from '../model';
import { PGB_HBA } from '../rules';
import { BOUNCER_CONN_TYPES, BOUNCER_METHODS, NAME_KEYWORDS, NEWER, SKIP_TAIL } from './catalogue';
import { tokenizeBouncer, type BouncerLine, type BouncerTok } from './lexer';
import type { BouncerHbaFile, BouncerRecord } from './model';

const R = PGB_HBA;

/** `inet_pton(AF_INET6)` then `inet_pton(AF_INET)`: no short IPv4 forms, no zone. */
export function inetPton(s: string): { family: 4 | 6; bytes: number[] } | undefined {
  if (!s.includes('%')) {
    const v6 = parseIpv6(s);
    if (v6) return { family: 6, bytes: v6.bytes };
  }
  const v4 = parseStrictIpv4(s);
  return v4 ? { family: 4, bytes: v4 } : undefined;
}

class Cursor {
  i = 0;
  constructor(readonly line: BouncerLine) {}
  get cur(): BouncerTok | undefined { return this.line.toks[this.i]; }
  next(): void { this.i++; }
  ident(): HbaToken | undefined { const t = this.cur; return t?.kind === 'ident' ? t.token : undefined; }
  /** Where "the line ends here" is shown: the last token. */
  get last(): Span { return this.line.toks[this.line.toks.length - 1]!.span; }
}

class Skip { constructor(readonly rule: RuleMeta, readonly span: Span, readonly message: string, readonly fixes: Fix[] = [], readonly newer?: string) {} }

export function parseBouncerHba(text: string, path: string): BouncerHbaFile {
  const file: BouncerHbaFile = { dialect: 'pgbouncer', path, text, lines: tokenizeBouncer(text), records: [], skipped: 0, problems: [] };
  for (const line of file.lines) {
    const r = parseLine(file, new Cursor(line));
    if (r instanceof Skip) {
      file.skipped++;
      file.problems.push({ rule: r.rule, span: r.span, message: r.newer ? r.message : `${r.message}; ${SKIP_TAIL}.`, extra: { fixes: r.fixes }, skips: r.newer ?? true });
    } else file.records.push(r);
  }
  return file;
}

const replace = (title: string, span: Span, newText: string): Fix => ({ title, edits: [{ span, newText }], preferred: true });

function parseLine(file: BouncerHbaFile, c: Cursor): BouncerRecord | Skip {
  const typeTok = c.ident();
  if (!typeTok || !(BOUNCER_CONN_TYPES as readonly string[]).includes(typeTok.value)) return badType(c);
  const conn = typeTok.value as ConnType;
  c.next();
  const databases = parseNames(c, 'database');
  if (databases instanceof Skip) return databases;
  const users = parseNames(c, 'user');
  if (users instanceof Skip) return users;
  let address: HbaAddress | undefined;
  if (conn !== 'local') {
    const a = parseAddress(file, c);
    if (a instanceof Skip) return a;
    address = a;
  }
  const methodTok = c.ident();
  if (!methodTok || !(BOUNCER_METHODS as readonly string[]).includes(methodTok.value)) return badMethod(c);
  c.next();
  const extra = c.cur;
  if (extra) {
    const span: Span = [extra.span[0], c.last[1]];
    if (extra.kind === 'ident' && extra.token!.value.startsWith('map=')) {
      return new Skip(R['newer-pgbouncer'], span, `PgBouncer accepts ${NEWER.map.what} only from ${NEWER.map.since} on (and only when \`auth_ident_file\` defines that map): 1.18–1.22 skip this line ("unsupported parameters"), so the logins it was meant for fall to a later line or are refused there`, [], NEWER.map.since);
    }
    return new Skip(R['unknown-option'], span, `PgBouncer takes nothing after the method \`${methodTok.value}\`${/^clientcert=/.test(extra.token?.value ?? '') ? ' (it has no `clientcert`: a `cert` line always requires a client certificate)' : ''}, so it reads this as "unsupported parameters"; remove it`,
      [{ title: 'Remove what follows the method', edits: [{ span: [methodTok.span[1], c.last[1]], newText: '' }], preferred: true }]);
  }
  return { line: c.line, typeToken: typeTok, conn, databases, users, ...(address ? { address } : {}), methodToken: methodTok, method: methodTok.value as Method };
}

function badType(c: Cursor): Skip {
  const t = c.cur!;
  const v = t.token?.value ?? '';
  if (t.kind === 'ident' && (v === 'hostgssenc' || v === 'hostnogssenc')) {
    const to = v === 'hostgssenc' ? 'hostssl' : 'host';
    return new Skip(R['invalid-connection-type'], t.span, `PgBouncer has no GSSAPI encryption and does not know \`${v}\` (it accepts ${listing(BOUNCER_CONN_TYPES)}); use \`${to}\``, [replace(`Replace \`${v}\` with \`${to}\``, t.span, to)]);
  }
  if (t.kind !== 'ident') return new Skip(R['invalid-connection-type'], t.span, `A line must start with a connection type (${listing(BOUNCER_CONN_TYPES)}), unquoted`);
  if (v.startsWith('\ufeff')) {
    return new Skip(R['invalid-connection-type'], t.span, `The file starts with a byte-order mark, which PgBouncer reads as part of the first word, so \`${v.slice(1)}\` is not a connection type to it; save the file as UTF-8 without a BOM`,
      [{ title: 'Remove the byte-order mark', edits: [{ span: [t.span[0], t.span[0] + 1], newText: '' }], preferred: true }]);
  }
  const cands = didYouMean(v.toLowerCase() === v ? v : v.toLowerCase(), BOUNCER_CONN_TYPES, 1);
  const exact = BOUNCER_CONN_TYPES.find(x => x === v.toLowerCase());
  const sug = exact ?? cands[0];
  return new Skip(R['invalid-connection-type'], t.span, `Connection type \`${v}\` is not one PgBouncer knows${sug ? ` (did you mean \`${sug}\`?)` : ''}; it accepts ${listing(BOUNCER_CONN_TYPES)}, spelled exactly`, sug ? [replace(`Replace \`${v}\` with \`${sug}\``, t.span, sug)] : []);
}

/** `parse_names` (PgBouncer reads the user field with the database field's keywords too). */
function parseNames(c: Cursor, field: 'database' | 'user'): HbaToken[] | Skip {
  const out: HbaToken[] = [];
  for (;;) {
    const t = c.cur;
    if (!t || t.kind === 'comma' || t.kind === 'fail') {
      const what = out.length ? `a ${field} name after the comma` : `the ${field} field`;
      if (t?.kind === 'fail') return new Skip(R['missing-field'], t.span, `The quote that starts here is not closed on this line, so PgBouncer finds no ${what}; close it`);
      if (!t) return new Skip(R['missing-field'], c.last, `The line ends before ${what}; write \`TYPE DATABASE USER ADDRESS METHOD\` (no address on \`local\` lines)`);
      return new Skip(R['missing-field'], t.span, `PgBouncer expects ${what} here, not a comma; remove the extra comma`);
    }
    const tok = t.token!;
    if (t.kind === 'ident') {
      const kw = NAME_KEYWORDS[tok.value];
      if (kw === 'unsupported') return new Skip(R['unsupported-name'], tok.span, `PgBouncer does not support \`${tok.value}\` (it logs "${tok.value} is not supported"); list the ${field}s by name${tok.value === 'replication' ? ' (PgBouncer does not pool replication connections)' : ''}`);
      if (tok.value.startsWith('+')) return new Skip(R['unsupported-name'], tok.span, `PgBouncer does not support role membership (\`${tok.value}\`); list the users by name or in an \`@file\``);
    }
    out.push(tok);
    c.next();
    if (c.cur?.kind !== 'comma') return out;
    c.next();
  }
}

function parseAddress(file: BouncerHbaFile, c: Cursor): HbaAddress | Skip {
  const t = c.cur;
  if (!t) return new Skip(R['missing-field'], c.last, 'The line ends before the client address that TCP lines need; add one such as `127.0.0.1/32`');
  if (t.kind !== 'ident') return new Skip(R['invalid-address'], t.span, t.kind === 'string' ? 'PgBouncer does not accept a quoted address ("did not find address"); remove the quotes' : 'PgBouncer finds no address here ("did not find address"); write one such as `10.0.0.0/8`');
  const tok = t.token!;
  const str = tok.value;
  if (str === 'all') return new Skip(R['newer-pgbouncer'], tok.span, `PgBouncer accepts ${NEWER['all-address'].what} only from ${NEWER['all-address'].since} on: 1.18–1.22 skip this line ("failed to parse address"); write \`0.0.0.0/0\` (and a \`::/0\` line) for every address`, [], NEWER['all-address'].since);
  const slash = str.indexOf('/');
  const host = slash >= 0 ? str.slice(0, slash) : str;
  const ip = inetPton(host);
  if (!ip) {
    const why = host === 'samehost' || host === 'samenet' ? `\`${host}\` is a PostgreSQL keyword PgBouncer does not have`
      : /^[0-9.]+$/.test(host) ? `\`${host}\` is not four decimal parts from 0 to 255 without leading zeros, the only IPv4 form PgBouncer reads`
        : `\`${host}\` is not a numeric address, and PgBouncer does not resolve host names`;
    return new Skip(R['invalid-address'], tok.span, `${why} ("failed to parse address"); write a numeric address such as \`10.0.0.0/8\``);
  }
  const max = ip.family === 4 ? 32 : 128;
  let mask: number[];
  let bits: number | undefined;
  let maskToken: HbaToken | undefined;
  if (slash >= 0) {
    const m = str.slice(slash + 1);
    // strtoul: an empty suffix reads as 0; a sign is allowed; nothing may follow the digits.
    const n = m === '' ? 0 : Number(m.replace(/^[+-]/, ''));
    // `-0` is 0; any other negative number wraps to a huge unsigned one.
    if (!(m === '' || /^[+-]?[0-9]+$/.test(m)) || (m.startsWith('-') && n !== 0) || n > max) {
      return new Skip(R['invalid-cidr-mask'], tok.span, `The mask in \`${str}\` is not a number from 0 to ${max} ("invalid mask"); write e.g. \`${host}/${max}\` for this one address`);
    }
    bits = n;
    mask = maskFromBits(bits, ip.family);
    c.next();
  } else {
    c.next();
    const mt = c.cur;
    if (!mt) return new Skip(R['missing-field'], tok.span, `\`${str}\` has no \`/bits\` and the line ends before the netmask; write \`${str}/${max}\` for this one address`, [replace(`Write \`${str}/${max}\``, tok.span, `${str}/${max}`)]);
    const mv = mt.kind === 'ident' ? inetPton(mt.token!.value) : undefined;
    if (!mv || mv.family !== ip.family) {
      const shown = mt.token?.value ?? file.text.slice(mt.span[0], mt.span[1]);
      const methodLike = isMethod(shown);
      return new Skip(R['invalid-netmask'], mt.span, methodLike
        ? `\`${str}\` has no \`/bits\`, so PgBouncer reads \`${shown}\` as its netmask ("failed to parse mask"); write \`${str}/${max}\``
        : `\`${shown}\` is not an ${ip.family === 4 ? 'IPv4' : 'IPv6'} netmask for \`${str}\` ("failed to parse mask"); write a mask such as \`255.255.255.0\`, or \`${str}/bits\``,
        methodLike ? [replace(`Write \`${str}/${max}\``, tok.span, `${str}/${max}`)] : []);
    }
    mask = mv.bytes;
    maskToken = mt.token;
    c.next();
  }
  const address: HbaAddress = { token: tok, kind: 'ip', ip: { family: ip.family, bytes: ip.bytes, canonicalForm: true }, mask, ...(bits !== undefined ? { bits } : {}), ...(maskToken ? { maskToken } : {}) };
  if (ip.bytes.some((b, i) => (b & ~mask[i]!) !== 0)) {
    const net = formatIp(ip.bytes.map((b, i) => b & mask[i]!));
    const span: Span = maskToken ? [tok.span[0], maskToken.span[1]] : tok.span;
    const fixText = maskToken ? net : `${net}/${bits}`;
    file.problems.push({ rule: R['address-never-matches'], span, message: `\`${host}\` has host bits set under its mask: PgBouncer compares the masked client address with it unmasked ("address does not match mask"), so this line never matches any client. Write the network address \`${fixText}\`, or \`${host}/${max}\` for this one address.`,
      extra: { fixes: [replace(`Write the network address \`${fixText}\``, tok.span, fixText)] } });
  }
  return address;
}

function badMethod(c: Cursor): Skip {
  const t = c.cur;
  if (!t) return new Skip(R['missing-field'], c.last, 'The line ends before the authentication method; add one such as `scram-sha-256`');
  const v = t.token?.value ?? '';
  if (t.kind === 'ident' && v === 'ldap') {
    return new Skip(R['newer-pgbouncer'], t.span, `PgBouncer accepts ${NEWER.ldap.what} only from ${NEWER.ldap.since} on: older releases skip this line ("unsupported method"), so the logins it was meant for fall to a later line or are refused there`, [], NEWER.ldap.since);
  }
  if (t.kind === 'string') return new Skip(R['invalid-method'], t.span, `PgBouncer does not accept a quoted method ("unsupported method"); write \`${v}\` without quotes`, BOUNCER_METHODS.includes(v as Method) ? [replace('Remove the quotes', t.span, v)] : []);
  if (t.kind !== 'ident') return new Skip(R['invalid-method'], t.span, 'PgBouncer finds no method here ("unsupported method"); write one such as `scram-sha-256`');
  const lower = BOUNCER_METHODS.find(m => m === v.toLowerCase());
  const sug = lower ?? (isMethod(v) ? undefined : didYouMean(v, BOUNCER_METHODS, 1)[0]);
  const known = isMethod(v) ? `\`${v}\` is a PostgreSQL method that PgBouncer does not have` : `\`${v}\` is not a method PgBouncer knows${sug ? ` (did you mean \`${sug}\`?)` : ''}`;
  return new Skip(R['invalid-method'], t.span, `${known} ("unsupported method"); PgBouncer accepts ${listing(BOUNCER_METHODS)}`, sug ? [replace(`Replace \`${v}\` with \`${sug}\``, t.span, sug)] : []);
}
