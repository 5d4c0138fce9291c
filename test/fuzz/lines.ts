/**
 * Line arbitraries of the line-oriented languages: each line is a real fixture line, a line built from the grammar
 * (the catalogues' parameter names with values of their type or of any other, real keywords, quotes and escapes,
 * include directives, `@file`, suppression comments) or a hostile string. `documentArb` (text.ts) joins them.
 */
import fc from 'fast-check';
import type { LanguageId } from '../../server/src/core/types';
import { RULES } from '../../server/src/languages/registry';
import { catalogue, fixtureLines, opensslNames, type ConfParam } from './corpus';
import { hostileString, longRun, pathValue, quoteStyle, quoted, regexArb, word } from './text';

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

const ruleIds = [...RULES.keys()].sort();

/** `# pgtls-disable-next-line RULE` and friends, with real, misspelt and unknown rule ids. */
function suppressionLine(prefix: string): fc.Arbitrary<string> {
  return fc.tuple(
    pick(['pgtls-disable-next-line', 'pgtls-disable', 'pgtls-enable', 'pgtls-disable-line', 'pgtls-disable-next-line ']),
    fc.array(fc.oneof(pick(ruleIds), pick(['pgtls/nope', 'all', '*', '', 'pgpool-conf/', 'yaml/syntax-error'])), { maxLength: 3 }),
    pick([' ', ',', ', ', '  ']),
  ).map(([kw, ids, sep]) => `${prefix} ${kw} ${ids.join(sep)}`.trimEnd());
}

/** A comment after a value, or none. */
const trailing = (c: string): fc.Arbitrary<string> => pick(['', '', '', ' ', `  ${c} a comment`, `${c}x`, ` ${c} it's "quoted"`, '\t', ` ${c}`]);

// ---------------------------------------------------------------------------------------------- conf values

const BOOLS = ['on', 'off', 'true', 'false', 'yes', 'no', '1', '0', 't', 'f', 'On', 'OFF', 'tru', 'maybe', 'o', ''];
const NUMBERS = ['0', '1', '-1', '5432', '2147483647', '2147483648', '-2147483649', '99999999999999999999', '1e3', '1e309', '0x1F', '0X', '010', '08', '1.5',
  '.5', '128MB', '1GB', '1TB', '8kB', '10s', '10 s', '1min', '5ms', '1h', '1d', '1.5MB', 'NaN', 'inf', '-0', '+5', '1_000', '٣', '1e-400', '0.0000001'];
const CIPHER_PIECES = [':', '!', '+', '-', '@STRENGTH', '@SECLEVEL=0', '@SECLEVEL=2', '@SECLEVEL=9', ',', ' ', 'DEFAULT', 'HIGH', 'MEDIUM', 'LOW', 'aNULL', 'eNULL'];

function cipherString(): fc.Arbitrary<string> {
  const { ciphers } = opensslNames();
  return fc.array(fc.oneof(w(3, pick(ciphers)), w(2, pick(CIPHER_PIECES)), w(1, hostileString)), { maxLength: 10 })
    .map(xs => xs.reduce((s, x, i) => s + (i && !/^[:!+\-@, ]/.test(x) && !/[:!+\-, ]$/.test(s) ? ':' : '') + x, ''));
}

function curveName(): fc.Arbitrary<string> {
  return fc.oneof(w(3, pick(opensslNames().curves)), w(1, word));
}

/** A value of any type, quoted in any way. */
function anyValue(): fc.Arbitrary<string> {
  return fc.tuple(fc.oneof(
    w(2, pick(BOOLS)), w(2, pick(NUMBERS)), w(3, pathValue), w(1, cipherString()), w(1, curveName()), w(2, word), w(1, hostileString),
    w(1, pick(['*', 'localhost', '127.0.0.1', '::1', '*,localhost', 'a,b,c', ' , ', '%m [%p] ', 'ISO, MDY', 'Europe/Paris', 'Nowhere/Land', 'UTC+25',
      'FIRST 2 (s1, "s 2")', 'ANY 1 (*)', '2 (a,b)', 'FIRST x (a)', '"$user", public', 'TLSv1.2', 'TLSv1.4', 'sslv3', 'secure', 'all,-tlsv1', 'tlsv1.2,tlsv1.3',
      'scram-sha-256', 'md5', 'streaming_replication', 'pg_stat_statements,auto_explain', 'cat %p', '${VAR}', '{{ .Values.x }}', '\\047', "\\'", '\\n', '\\x41'])),
    w(1, longRun),
  ), quoteStyle).map(([v, s]) => quoted(v, s));
}

/** A value of the parameter's own type (enumerated values included), quoted or not. */
function typedValue(p: ConfParam): fc.Arbitrary<string> {
  const own: fc.Arbitrary<string> =
    p.values.length ? fc.oneof(w(3, pick(p.values)), w(1, pick(p.values).map(v => v.toUpperCase()))) :
    /bool/.test(p.type) ? pick(BOOLS) :
    /int|real|time|uint/.test(p.type) ? pick(NUMBERS) :
    /cipher/.test(p.name) ? cipherString() :
    /curve/.test(p.name) ? curveName() :
    /file|cert|key|crl|_dir|directory|passwd|_ca/.test(p.name) ? pathValue : fc.oneof(word, pathValue);
  return fc.oneof(w(4, fc.tuple(own, pick([0, 0, 1, 1, 4, 3, 5, 6])).map(([v, s]) => quoted(v, s))), w(1, anyValue()));
}

function nameOf(p: ConfParam): fc.Arbitrary<string> {
  const base = p.indexed ? pick(['0', '1', '2', '127', '128', '01', '', '-1', 'x']).map(i => p.name + i) : fc.constant(p.name);
  return fc.oneof(w(8, base), w(1, base.map(n => n.toUpperCase())), w(1, base.map(n => n.slice(0, -1))), w(1, base.map(n => `${n}.x`)));
}

/** `name = value` lines of a conf catalogue, with every separator the readers accept or refuse. */
function assignment(params: readonly ConfParam[], comment: string): fc.Arbitrary<string> {
  return pick(params).chain(p => fc.tuple(
    pick(['', '', '', ' ', '\t', '  ']), nameOf(p), pick([' = ', ' = ', '=', ' ', '\t=\t', ' == ', ' =', ':', ' :', '= ']), typedValue(p), trailing(comment),
  )).map(([indent, n, sep, v, t]) => `${indent}${n}${sep}${v}${t}`);
}

/** Lines of any language: fixture lines, grammar lines, hostile lines. */
function mixed(languageId: LanguageId, grammar: fc.Arbitrary<string>, comment: string | undefined): fc.Arbitrary<string> {
  const fixtures = fixtureLines(languageId);
  return fc.oneof(
    w(3, pick(fixtures)),
    w(5, grammar),
    w(1, fc.oneof(hostileString, longRun)),
    ...(comment ? [w(1, suppressionLine(comment)), w(1, pick([comment, `${comment} comment`, `${comment}---- TLS ----`, `${comment}------------------------------------------------------------------------------`, `  ${comment} indented`]))] : []),
  );
}

export function pgpoolConfLine(): fc.Arbitrary<string> {
  const { pgpool } = catalogue();
  const grammar = fc.oneof(w(6, assignment(pgpool, '#')), w(1, pick(['include = \'x.conf\'', 'ssl', '= on', 'backend_hostname = ', "pool_passwd = ''", 'ssl=on#', "a = 'b' c"])));
  return mixed('pgpool-conf', grammar, '#');
}

export function postgresqlConfLine(): fc.Arbitrary<string> {
  const { postgresql } = catalogue();
  const directive = fc.tuple(pick(['include', 'include_if_exists', 'include_dir', 'INCLUDE', 'include_dir', 'include =', 'include_if_exists=']), pick([' ', '\t', '']), pathValue, quoteStyle, trailing('#'))
    .map(([kw, sp, p, s, t]) => `${kw}${sp}${quoted(p, s)}${t}`);
  const custom = fc.tuple(pick(['my_ext', 'pg_stat_statements', 'auto_explain', 'a.b', 'x', 'plpgsql', 'ÿ']), pick(['.setting', '.max', '.', '.log_min_duration']), pick([' = ', '=']), anyValue())
    .map(([a, b, sep, v]) => `${a}${b}${sep}${v}`);
  const grammar = fc.oneof(w(8, assignment(postgresql, '#')), w(2, directive), w(1, custom));
  return mixed('postgresql-conf', grammar, '#');
}

export function pgbouncerIniLine(): fc.Arbitrary<string> {
  const { pgbouncer, connectionKeys } = catalogue();
  const section = pick(['[databases]', '[pgbouncer]', '[users]', '[peers]', '[Databases]', '[ pgbouncer ]', '[pgbouncer', '[]', '[x]', '[databases] ; c', ' [users]', '[pgbouncer]]']);
  const pair = fc.tuple(fc.oneof(w(5, pick(connectionKeys)), w(1, pick(['sslmode', 'foo', 'host ', 'DBNAME', '']))), pick(['=', ' = ', '= ', '==']),
    fc.oneof(w(3, pick(['127.0.0.1', 'db', '5432', 'five', 'app', '10', 'session', 'transaction', '', "''", "'a b'", "'it''s'", "'unterminated", '/tmp', '@host', 'x,y'])), w(1, word)))
    .map(([k, sep, v]) => `${k}${sep}${v}`);
  const database = fc.tuple(fc.oneof(pick(['app', '*', 'pgbouncer', 'db-1', '"quoted db"', 'über']), word), pick([' = ', '=', ' ']), fc.array(pair, { maxLength: 6 }), pick([' ', '  ', '\t']))
    .map(([n, sep, ps, sp]) => `${n}${sep}${ps.join(sp)}`);
  const include = fc.tuple(pick(['%include ', '%include', '%INCLUDE ', '%include\t', '%inc ']), pathValue).map(([k, p]) => k + p);
  const grammar = fc.oneof(w(2, section), w(6, assignment(pgbouncer, ';')), w(4, database), w(1, include));
  return mixed('pgbouncer-ini', grammar, ';');
}

// ---------------------------------------------------------------------------------------------- hba and ident

const TYPES_POOL = ['local', 'host', 'hostssl', 'hostnossl'];
const TYPES_PG = [...TYPES_POOL, 'hostgssenc', 'hostnogssenc'];
const METHODS = ['trust', 'reject', 'scram-sha-256', 'md5', 'password', 'cert', 'pam', 'ldap', 'gss', 'sspi', 'ident', 'peer', 'radius', 'bsd', 'any', 'hba', 'plain',
  'md6', 'SCRAM-SHA-256', 'scram', 'Trust'];
const OPTIONS = ['clientcert=verify-full', 'clientcert=verify-ca', 'clientcert=1', 'clientcert=0', 'clientcert=no-verify', 'clientcert=', 'map=m', 'map=', 'clientname=CN', 'clientname=DN',
  'clientname=x', 'pamservice=pgpool', 'pam_use_hostname=1', 'ldapserver=ldap.example', 'ldapport=636', 'ldapport=x', 'ldaptls=1', 'ldapscheme=ldaps', 'ldapprefix="cn="',
  'ldapsuffix=",dc=example,dc=org"', 'ldapbasedn="dc=x"', 'ldapsearchattribute=uid', 'ldapsearchfilter="(uid=$username)"', 'ldapurl="ldap://h/dc=x?uid?sub"', 'ldapbinddn=x',
  'radiusservers="a,b"', 'radiussecrets=s', 'radiusports=1812', 'radiusidentifiers=x', 'include_realm=0', 'krb_realm=EXAMPLE', 'compat_realm=1', 'upn_username=1',
  'backend_use_passwd=1', 'noequals', '=x', 'a=b=c', 'map="a b"'];
const ADDRESSES = ['127.0.0.1/32', '0.0.0.0/0', '::1/128', '::/0', '10.0.0.0/8', '192.168.1.0/24', '10.0.0.1/33', '999.0.0.1/32', '1.2.3.4/-1', '1.2.3.4/', '/24',
  'fe80::1%eth0/64', '127.0.0.1 255.255.255.255', '10.0.0.0 255.0.0.0', '10.0.0.0 255.0.255.0', 'samehost', 'samenet', 'all', '.example.com', 'db.example.com', 'localhost',
  '"127.0.0.1/32"', '10.0.0.1', '::ffff:10.0.0.1/128', '1.2.3.4/08', '0x7f000001/32'];

function hbaToken(kind: 'db' | 'user'): fc.Arbitrary<string> {
  const names = kind === 'db' ? ['all', 'sameuser', 'samerole', 'samegroup', 'replication', 'app', 'postgres', '"all"', '"a b"', '@dbs.txt', '@', '@missing', '"@x"']
    : ['all', 'postgres', 'alice', '+admins', '+', '@users.txt', '"quoted"', '"with ""quotes"""', '"all"', 'pgpool'];
  const one = fc.oneof(w(6, pick(names)), w(1, regexArb.map(r => `/${r}`)), w(1, word));
  return fc.array(one, { minLength: 1, maxLength: 3 }).chain(xs => pick([',', ', ', ',,']).map(sep => xs.join(sep)));
}

function hbaRecord(types: readonly string[]): fc.Arbitrary<string> {
  const address = fc.oneof(w(4, pick(ADDRESSES)), w(1, fc.tuple(fc.ipV4(), fc.nat({ max: 40 })).map(([ip, n]) => `${ip}/${n}`)),
    w(1, fc.tuple(fc.ipV6(), fc.nat({ max: 140 })).map(([ip, n]) => `${ip}/${n}`)), w(1, fc.domain()));
  const type = fc.oneof(w(8, pick(types)), w(1, pick(['hostSSL', 'hosts', 'include', 'include_dir', 'include_if_exists'])), w(1, word));
  return fc.tuple(type, hbaToken('db'), hbaToken('user'), fc.option(address, { freq: 4 }), fc.oneof(w(6, pick(METHODS)), w(1, word)),
    fc.array(fc.oneof(w(5, pick(OPTIONS)), w(1, word)), { maxLength: 3 }), pick([' ', ' ', '\t', '  ', ' \\\n', '\t\t']), trailing('#'))
    .map(([t, db, user, addr, method, opts, sep, tail]) => {
      const fields = t === 'local' ? [t, db, user, method, ...opts] : [t, db, user, ...(addr === null ? [] : [addr]), method, ...opts];
      return fields.join(sep) + tail;
    });
}

function includeLine(): fc.Arbitrary<string> {
  return fc.tuple(pick(['include', 'include_if_exists', 'include_dir', 'INCLUDE']), pick([' ', '\t']), pathValue, quoteStyle).map(([k, sp, p, s]) => `${k}${sp}${quoted(p, s, '"')}`);
}

export function hbaLine(languageId: 'pool-hba' | 'pg-hba' | 'pgbouncer-hba'): fc.Arbitrary<string> {
  const grammar = fc.oneof(w(8, hbaRecord(languageId === 'pool-hba' ? TYPES_POOL : TYPES_PG)), w(1, includeLine()));
  return mixed(languageId, grammar, '#');
}

export function pgIdentLine(): fc.Arbitrary<string> {
  const system = fc.oneof(w(3, pick(['alice', 'root', 'alice@EXAMPLE.COM', '"a b"', 'all', '+grp', '@file', 'CN=alice'])), w(3, regexArb.map(r => `/${r}`)), w(1, word));
  const user = fc.oneof(w(3, pick(['postgres', 'alice', '\\1', '"\\1"', 'x\\1y', '\\2', 'all', '+grp', '@users', '"all"', '\\\\1'])), w(1, word));
  const map = fc.tuple(fc.oneof(w(4, pick(['certs', 'krb', 'm', 'map-1'])), w(1, word)), system, user, fc.option(word, { freq: 6 }), pick([' ', '\t', '  ', ' \\\n']), trailing('#'))
    .map(([m, s, u, extra, sep, t]) => [m, s, u, ...(extra === null ? [] : [extra])].join(sep) + t);
  return mixed('pg-ident', fc.oneof(w(8, map), w(1, includeLine())), '#');
}

const hex = (n: number) => fc.string({ unit: pick([...'0123456789abcdefABCDEFg']), minLength: n, maxLength: n });
const b64 = fc.oneof(w(3, fc.base64String({ maxLength: 48 })), w(1, pick(['AAAA', '====', 'A', 'AB=C', '*', ''])));
const scram = fc.tuple(pick(['SCRAM-SHA-256$4096:', 'SCRAM-SHA-256$0:', 'SCRAM-SHA-256$x:', 'SCRAM-SHA-256$', 'scram-sha-256$4096:', 'SCRAM-SHA-1$4096:']), b64, b64, b64)
  .map(([p, s, k, v]) => `${p}${s}$${k}:${v}`);
const secret = fc.oneof(
  w(3, fc.tuple(pick(['md5', 'MD5', 'md5 ']), fc.oneof(w(4, hex(32)), w(1, hex(31)), w(1, hex(33)))).map(([p, h]) => p + h)),
  w(2, fc.tuple(pick(['TEXT', 'text', 'AES', 'aes']), fc.oneof(word, b64)).map(([p, v]) => p + v)),
  w(2, scram), w(1, word), w(1, pick(['', ' ', '::', '\\', 'pa:ss', "'quoted'", '"x"'])),
);

export function poolPasswdLine(): fc.Arbitrary<string> {
  const entry = fc.tuple(fc.oneof(w(4, pick(['alice', 'bob', 'postgres', 'pgpool', '#alice', ' alice', ''])), w(1, word)), pick([':', ':', '::', ' : ', '']), secret, pick(['', '', ' ', '\t', ':extra', '\\']))
    .map(([u, sep, s, t]) => `${u}${sep}${s}${t}`);
  return mixed('pool-passwd', fc.oneof(w(8, entry), w(1, longRun.map(l => `u:TEXT${l}`))), undefined);
}

export function userlistLine(): fc.Arbitrary<string> {
  const q = (v: string, s: number) => (s === 0 ? `"${v.replace(/"/g, '""')}"` : s === 1 ? `"${v}` : s === 2 ? v : `"${v}"`);
  const entry = fc.tuple(fc.oneof(w(4, pick(['alice', 'bob', 'pgbouncer', 'a"b', 'über'])), w(1, word)), fc.nat({ max: 3 }), secret, fc.nat({ max: 3 }), pick([' ', '\t', '', '  ']), pick(['', '', ' ""', ' "x"', ' ;c', ' #']))
    .map(([u, su, s, sp, sep, t]) => `${q(u, su === 3 ? 0 : su)}${sep}${q(s, sp === 3 ? 0 : sp)}${t}`);
  return mixed('pgbouncer-userlist', fc.oneof(w(8, entry), w(1, pick(['#', '# stop', ';', '"', '""', '"" ""']))), ';');
}

/** The line arbitrary of each line-oriented language. */
export function lineArbitrary(languageId: Exclude<LanguageId, 'yaml'>): fc.Arbitrary<string> {
  switch (languageId) {
    case 'pgpool-conf': return pgpoolConfLine();
    case 'postgresql-conf': return postgresqlConfLine();
    case 'pgbouncer-ini': return pgbouncerIniLine();
    case 'pool-hba': case 'pg-hba': case 'pgbouncer-hba': return hbaLine(languageId);
    case 'pg-ident': return pgIdentLine();
    case 'pool-passwd': return poolPasswdLine();
    case 'pgbouncer-userlist': return userlistLine();
  }
}
