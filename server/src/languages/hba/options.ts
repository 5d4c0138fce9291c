/**
 * The authentication options of a record, as the servers' parsers read them (PostgreSQL's `parse_hba_auth_opt` and
 * pgpool's copy of it), and the options a method requires (the end of `parse_hba_line`). Part of the record parser:
 * a problem here rejects the line, like any other parse error.
 */
import type { Fix } from '../../core/types';
import { didYouMean } from '../../core/text';
import { HOSTSSL_ONLY_OPTIONS, OPTIONS, optionEntry, serverName, type ConnType, type Method } from './catalogue';
import type { HbaField, HbaLine, HbaToken } from './lexer';
import type { HbaOption, HbaRecord } from './model';
import { note, reject, removeOptionFix, replaceFix, type LineCtx } from './problems';
import { PG_HBA, POOL_HBA } from './rules';

/** Shared by every record without options (most of them); never written to. */
const NO_OPTIONS: HbaOption[] = Object.freeze([]) as unknown as HbaOption[];

/** The `name=value` options in the fields from `from` on; `undefined` when one of them rejects the line. */
export function parseOptions(c: LineCtx, fields: readonly HbaField[], from: number, conn: ConnType, method: Method, methodTok: HbaToken): HbaOption[] | undefined {
  const d = c.d;
  const text = c.file.text;
  let options: HbaOption[] = NO_OPTIONS;
  for (let k = from; k < fields.length; k++) {
    for (const tok of fields[k]!.tokens) {
      const eq = tok.value.indexOf('=');
      if (eq < 0) {
        const hint = d === 'pgpool' && tok.value === '\\'
          ? 'pgpool has no line continuation, so write the record on one line'
          : 'write options as `name=value` (quote values that contain blanks or commas)';
        reject(c, c.rules['option-format'], tok.span, `\`${tok.value}\` after the method is not a \`name=value\` option; ${hint}`);
        return undefined;
      }
      const raw = text.slice(tok.span[0], tok.span[1]);
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
      if (!checkOption(c, opt, conn, method, methodTok, c.line)) return undefined;
      if (options === NO_OPTIONS) options = [];
      options.push(opt);
    }
  }
  return options;
}

/** `atoi`: leading blanks, a sign, digits; 0 when there are none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) || 0 : 0;
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
        return reject(c, c.rules['unknown-option'], o.token.span, `\`${o.name}\` is a PostgreSQL option that pgpool does not know${extra}; remove it`,
          [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
      }
      const cands = didYouMean(o.name, POOL_OPTION_NAMES, 1);
      return reject(c, c.rules['unknown-option'], o.nameSpan, `\`${o.name}\` is not an authentication option pgpool knows${cands.length ? ` (did you mean \`${cands[0]}\`?)` : ''}; fix or remove it`,
        cands.map(s => replaceFix(`Replace \`${o.name}\` with \`${s}\``, o.nameSpan, s, true)));
    }
    if (!e.pgpoolMethods.includes(method)) {
      if (o.name === 'pamservice' || o.name === 'pam_use_hostname') {
        note(c, POOL_HBA['pam-option-ignored'], o.token.span, `\`${o.name}\` only applies to \`pam\` lines; pgpool logs a message and ignores it on this \`${method}\` line, so remove it.`,
          { fixes: [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)] });
        return true;
      }
      return reject(c, c.rules['option-wrong-method'], o.token.span, `\`${o.name}\` is only valid for the \`ldap\` method, not \`${method}\`; remove it or change the method`,
        [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
    }
    return checkLdapOption(c, o);
  }
  // PostgreSQL
  if (!e || e.postgresMethods.length === 0) {
    if (e && e.pgpoolMethods.length > 0) {
      return reject(c, c.rules['unknown-option'], o.token.span, `\`${o.name}\` is a pgpool-only option that PostgreSQL does not know; remove it`,
        [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
    }
    const cands = didYouMean(o.name, PG_OPTION_NAMES, 1);
    return reject(c, c.rules['unknown-option'], o.nameSpan, `\`${o.name}\` is not an authentication option PostgreSQL knows${cands.length ? ` (did you mean \`${cands[0]}\`?)` : ''}; fix or remove it`,
      cands.map(s => replaceFix(`Replace \`${o.name}\` with \`${s}\``, o.nameSpan, s, true)));
  }
  if (HOSTSSL_ONLY_OPTIONS.has(o.name)) return checkClientcert(c, o, conn, method, line);
  // ident on local is peer by the time options are read.
  const effective: Method = method === 'ident' && conn === 'local' ? 'peer' : method;
  if (!e.postgresMethods.includes(effective)) {
    const text = e.postgresMethodsText ?? e.postgresMethods.join(', ');
    return reject(c, c.rules['option-wrong-method'], o.token.span, `\`${o.name}\` is only valid for the method${e.postgresMethods.length > 1 ? 's' : ''} ${text}, not \`${methodTok.value}\`; remove it or change the method`,
      [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
  }
  if (o.name.startsWith('ldap')) return checkLdapOption(c, o);
  if (o.name === 'radiusports') {
    const list = splitList(o.value);
    if (list === undefined) return reject(c, PG_HBA['radius-options'], o.valueSpan, `\`${o.value}\` is not a valid list of RADIUS ports; write numbers separated by commas, quoted, e.g. \`radiusports="1812,1812"\``);
    for (const p of list) {
      if (atoi(p) === 0) return reject(c, PG_HBA['radius-options'], o.valueSpan, `\`${p}\` is not a valid RADIUS port number; write a port such as \`1812\``);
    }
  }
  if (o.name.startsWith('radius') && splitList(o.value) === undefined) {
    return reject(c, PG_HBA['radius-options'], o.valueSpan, `\`${o.value}\` is not a valid comma-separated list for \`${o.name}\`; remove empty entries and quote the whole value`);
  }
  return true;
}

const POOL_OPTION_NAMES = Object.keys(OPTIONS).filter(n => OPTIONS[n]!.pgpoolMethods.length > 0);
const PG_OPTION_NAMES = Object.keys(OPTIONS).filter(n => OPTIONS[n]!.postgresMethods.length > 0);

/** `SplitGUCList` approximated: comma-separated, blanks around items allowed, empty items invalid; "" is an empty list. */
function splitList(s: string): string[] | undefined {
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
    return reject(c, PG_HBA['invalid-clientcert'], o.token.span, `\`${o.name}\` can only be set on \`hostssl\` lines, not on \`${conn}\` (without TLS there is no client certificate); make the line \`hostssl\` or remove the option`, fixes);
  }
  if (o.name === 'clientname') {
    if (o.value === 'CN' || o.value === 'DN') return true;
    const up = o.value.toUpperCase();
    return reject(c, PG_HBA['invalid-clientcert'], o.valueSpan, `\`clientname=${o.value}\` is not valid; PostgreSQL accepts \`CN\` or \`DN\` (upper case)`,
      up === 'CN' || up === 'DN' ? [replaceFix(`Write \`${up}\``, o.valueSpan, up, true)] : []);
  }
  if (o.value === 'verify-full') return true;
  if (o.value === 'verify-ca') {
    if (method === 'cert') {
      return reject(c, PG_HBA['invalid-clientcert'], o.valueSpan, '`clientcert=verify-ca` contradicts `cert`, which always checks that the certificate name matches the user (verify-full); write `clientcert=verify-full` or drop the option',
        [replaceFix('Write `verify-full`', o.valueSpan, 'verify-full', true), removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)]);
    }
    return true;
  }
  const legacy: Record<string, string | null> = { '1': 'verify-ca', '0': null, 'no-verify': null };
  if (Object.prototype.hasOwnProperty.call(legacy, o.value)) {
    const to = legacy[o.value];
    const fixes: Fix[] = to && method !== 'cert' ? [replaceFix(`Write \`${to}\``, o.valueSpan, to, true)] : [removeOptionFix(line, o.token, `Remove \`${o.token.value}\``)];
    return reject(c, PG_HBA['invalid-clientcert'], o.valueSpan, `\`clientcert=${o.value}\` was removed in PostgreSQL 14; ${to ? `write \`clientcert=${method === 'cert' ? 'verify-full' : to}\`` : 'remove the option (no client certificate is required by default)'}`, fixes);
  }
  return reject(c, PG_HBA['invalid-clientcert'], o.valueSpan, `\`clientcert=${o.value}\` is not valid; PostgreSQL accepts \`verify-ca\` or \`verify-full\``);
}

interface LdapUrl { scheme: string; host?: string; dn?: string; attr?: string; filter?: string }

/** A small `ldap_url_parse`: scheme://host[:port][/dn[?attrs[?scope[?filter]]]]. Returns an error text on failure. */
function parseLdapUrl(s: string): LdapUrl | string {
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
    return reject(c, c.rules['ldap-invalid-value'], o.valueSpan, `\`ldapport=${o.value}\` is not a valid port number; write a number such as \`389\` (or \`636\` for ldaps)`);
  }
  if (o.name === 'ldapurl') {
    const u = parseLdapUrl(o.value);
    if (typeof u === 'string') return reject(c, c.rules['ldap-invalid-value'], o.valueSpan, `\`${o.value}\` cannot be parsed as an LDAP URL (${u}); write e.g. \`ldaps://ldap.example.net/dc=example,dc=net\``);
    if (u.scheme !== 'ldap' && u.scheme !== 'ldaps') return reject(c, c.rules['ldap-invalid-value'], o.valueSpan, `LDAP URL scheme \`${u.scheme}\` is not supported; use \`ldap://\` or \`ldaps://\``);
  }
  if (o.name === 'ldapscheme' && o.value !== 'ldap' && o.value !== 'ldaps') {
    note(c, c.rules['ldapscheme-invalid'], o.valueSpan, `\`ldapscheme=${o.value}\` is not \`ldap\` or \`ldaps\`; ${serverName(c.d)} only logs this and then talks to the LDAP server without TLS, so write \`ldaps\` (or \`ldap\` with \`ldaptls=1\`).`,
      { fixes: [replaceFix('Write `ldaps`', o.valueSpan, 'ldaps', /^ldaps/i.test(o.value))] });
  }
  return true;
}

/** The options a method needs, and combinations the servers refuse (LDAP modes, RADIUS lists). */
export function checkMandatory(c: LineCtx, r: HbaRecord): boolean {
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
        return reject(c, c.rules['ldap-conflicting-options'], simple.token.span, `\`${simple.name}\` selects LDAP simple bind, but \`${search.name}\` belongs to search+bind mode; keep either \`ldapprefix\`/\`ldapsuffix\` or the search options (\`ldapbasedn\`, \`ldapbinddn\`, …)`);
      }
    } else if (!basedn) {
      return reject(c, c.rules['ldap-missing-base'], r.methodToken.span, '`ldap` needs `ldapbasedn` (search+bind), or `ldapprefix`/`ldapsuffix` (simple bind); add one of them (an `ldapurl` with a base DN also works)');
    }
    if (attr && filter) {
      const later = r.options.indexOf(attr) > r.options.indexOf(filter) ? attr : filter;
      return reject(c, c.rules['ldap-conflicting-options'], later.token.span, '`ldapsearchattribute` and `ldapsearchfilter` cannot be used together; keep the filter (it can use `$username`) or the attribute');
    }
  }
  if (c.d === 'postgres' && r.method === 'radius') {
    const servers = opt('radiusservers');
    const secrets = opt('radiussecrets');
    const sl = servers ? splitList(servers.value) ?? [] : [];
    const kl = secrets ? splitList(secrets.value) ?? [] : [];
    if (!servers || sl.length === 0) return reject(c, PG_HBA['radius-options'], (servers?.token ?? r.methodToken).span, '`radius` needs `radiusservers` with at least one server; add e.g. `radiusservers="radius1.example.net"`');
    if (!secrets || kl.length === 0) return reject(c, PG_HBA['radius-options'], (secrets?.token ?? r.methodToken).span, '`radius` needs `radiussecrets` with the shared secret; add e.g. `radiussecrets="..."`');
    const counts: [HbaOption | undefined, string][] = [[secrets, 'secrets'], [opt('radiusports'), 'ports'], [opt('radiusidentifiers'), 'identifiers']];
    for (const [o, what] of counts) {
      if (!o) continue;
      const n = (splitList(o.value) ?? []).length;
      if (n > 1 && n !== sl.length) {
        return reject(c, PG_HBA['radius-options'], o.token.span, `There are ${n} RADIUS ${what} for ${sl.length} server${sl.length === 1 ? '' : 's'}; give one value for all servers or exactly one per server`);
      }
    }
  }
  return true;
}
