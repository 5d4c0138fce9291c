/**
 * The generated pgbouncer.ini corpus of the PgBouncer differential test (pgbouncerDiff.test.ts): seeded (`prng` of
 * test/helpers.ts), so a failure replays. Every entry is a pgbouncer.ini template plus the files beside it
 * (userlist.txt, an auth_hba_file, an included ini); `@DIR@` is the entry's folder and `@PORT@` its free port, filled
 * in when it runs. The [pgbouncer] section always starts with the listen block (127.0.0.1, the port, the Unix socket
 * in the folder) so that no two PgBouncers ever share a socket; the variations come after it.
 *
 * Families, each valid and broken: settings drawn from the 1.18 catalogue with good values; bad values (units,
 * signs, words, empty, bad enums); unknown and misspelt names (and names of later releases); ini syntax (no `=`,
 * unclosed headers, settings before any section, unknown sections, comments, CRLF); [databases]/[users] connection
 * strings; `%include`; TLS towards clients and towards servers with real certificate files (good, 1024-bit RSA,
 * key that belongs to another certificate, garbage, a folder, missing) and their protocol/cipher/curve/DH keywords;
 * auth_type with its auth_file / auth_hba_file; a second [pgbouncer] header (resetting the settings above it). The shapes follow PgBouncer 1.18's etc/pgbouncer.ini and doc/config.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMAS, prng } from '../helpers';
import { which } from '../requires';

/** The PgBouncer binary the interop tests start (Debian's package: /usr/sbin, often not on a user's PATH). */
export const PGBOUNCER = process.env.PGBOUNCER ?? which('pgbouncer') ?? '/usr/sbin/pgbouncer';

/** The certificate files made once per run (absolute paths). */
export interface CertFiles {
  ca: string; cert: string; key: string;
  ecCert: string; ecKey: string;
  weakCert: string; weakKey: string;
  otherKey: string; garbage: string; folder: string; missing: string;
}

export interface BouncerEntry {
  name: string;
  note: string;
  /** pgbouncer.ini, with `@DIR@` and `@PORT@`. */
  ini: string;
  /** Files beside it (relative name → text, with `@DIR@`). */
  files: Record<string, string>;
}

type Rnd = () => number;
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rnd, p: number): boolean => r() < p;

/** Settings the generator never varies at random: where PgBouncer listens, logs, runs as, or reads files. */
const FIXED = /^(listen_addr|listen_port|unix_socket_dir|unix_socket_group|unix_socket_mode|user|logfile|pidfile|syslog.*|conffile|service_name|job_name|resolv_conf|so_reuseport|auth_file|auth_hba_file|auth_user|auth_query|.*_tls_.*|auth_type)$/;

interface Param { type: string; values?: string[] }

const USERLISTS: readonly { note: string; text: string }[] = [
  { note: 'plain and md5 entries', text: '"alice" "alicepw"\n"bob" "md5d2a8a4ab06fbd3ec5ac1c5a4fb7e8a54"\n' },
  { note: 'a SCRAM entry', text: '"carol" "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmE=:YmFyYmF6YmFyYmF6YmFyYmF6YmFyYmF6YmFyYmE="\n' },
  { note: 'a broken line', text: 'alice alicepw\n"bob" "pw"\n' },
  { note: 'empty', text: '' },
  { note: 'comments and blank lines', text: ';; users\n\n"dave" "davepw"\n' },
];

const HBAS: readonly { note: string; text: string }[] = [
  { note: 'host md5', text: 'host all all 127.0.0.1/32 md5\n' },
  { note: 'hostssl cert', text: 'hostssl all all 127.0.0.1/32 cert\n' },
  { note: 'local trust + host scram', text: 'local all all trust\nhost all all 0.0.0.0/0 scram-sha-256\n' },
  { note: 'an unknown method', text: 'host all all 127.0.0.1/32 kerberos\n' },
  { note: 'a broken address', text: 'host all all 300.1.1.1/33 md5\n' },
];

export function listenBlock(): string {
  return 'listen_addr = 127.0.0.1\nlisten_port = @PORT@\nunix_socket_dir = @DIR@\n';
}

function assemble(main: string[], opts: { databases?: string[]; users?: string[]; before?: string; after?: string; eol?: string } = {}): string {
  const lines = [
    ...(opts.before ? [opts.before] : []),
    '[databases]', ...(opts.databases ?? ['app = host=127.0.0.1 port=1 dbname=app']),
    ...(opts.users ? ['[users]', ...opts.users] : []),
    '[pgbouncer]', listenBlock().trimEnd(), ...main,
    ...(opts.after ? [opts.after] : []),
  ];
  return lines.join(opts.eol ?? '\n') + (opts.eol ?? '\n');
}

function goodValue(r: Rnd, name: string, p: Param): string {
  if (p.type === 'enum') {
    const v = pick(r, p.values!.filter(x => x !== 'pam'));
    return chance(r, 0.2) ? v.toUpperCase() : v;
  }
  if (p.type === 'time') return pick(r, ['0', '1', '30', '0.5', '3600', '15.25', '1e2']);
  if (p.type === 'int' || p.type === 'uint') {
    if (/pool_size|connections|max_client_conn/.test(name)) return pick(r, ['0', '5', '20', '100', '0x10', '010']);
    if (/pkt_buf|max_packet_size|tcp_socket_buffer/.test(name)) return pick(r, ['4096', '8192', '65536', '2147483647']);
    return pick(r, ['0', '1', '2', '30']);
  }
  if (name === 'admin_users' || name === 'stats_users') return pick(r, ['admin', 'admin, stats', '']);
  if (name === 'ignore_startup_parameters') return pick(r, ['extra_float_digits', 'extra_float_digits, search_path', '']);
  if (name === 'server_reset_query' || name === 'server_check_query') return pick(r, ['DISCARD ALL', 'select 1', '']);
  return 'x';
}

function badValue(r: Rnd, p: Param): string {
  if (p.type === 'enum') return pick(r, ['bogus', 'on', '1', '', `${p.values![0]} `, `'${p.values![0]}'`, `${p.values![0]}x`]);
  if (p.type === 'time') return pick(r, ['30s', '1min', '5 ms', '-1', 'abc', '', '1,5', '0x10', 'infinity', '30 # comment', 'nan', '-0', '0x1p3', '-inf', '-0.5', '1e400']);
  return pick(r, ['10s', '1kB', '-', 'abc', '', '1.5', '12abc', 'true', '5 ; note', '99999999999999999999']);
}

function misspell(r: Rnd, name: string): string {
  const i = 1 + Math.floor(r() * (name.length - 2));
  switch (Math.floor(r() * 4)) {
    case 0: return name.slice(0, i) + name.slice(i + 1);
    case 1: return name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
    case 2: return `${name}s`;
    default: return name.replace(/_/g, '-');
  }
}

/** The whole corpus (about 340 entries). */
export function bouncerCorpus(certs: CertFiles, seed = 0x9b0c): BouncerEntry[] {
  const r = prng(seed);
  const out: BouncerEntry[] = [];
  const add = (name: string, note: string, ini: string, files: Record<string, string> = {}) => {
    out.push({ name: `${String(out.length).padStart(3, '0')}-${name}`, note, ini, files: { 'userlist.txt': '"alice" "alicepw"\n', ...files } });
  };
  return generate(r, certs, add, out);
}

type Add = (name: string, note: string, ini: string, files?: Record<string, string>) => void;

function generate(r: Rnd, c: CertFiles, add: Add, out: BouncerEntry[]): BouncerEntry[] {
  const cat = catalogue118();
  const names = Object.keys(cat).filter(n => !FIXED.test(n));
  const AUTH = 'auth_file = @DIR@/userlist.txt';

  // 1. good values of catalogue settings (80)
  for (let i = 0; i < 80; i++) {
    const chosen = Array.from({ length: 2 + Math.floor(r() * 5) }, () => pick(r, names));
    add('values-good', 'catalogue settings with values PgBouncer reads', assemble([AUTH, ...chosen.map(n => `${n} = ${goodValue(r, n, cat[n]!)}`)]));
  }
  // 2. one bad value among good ones (50)
  for (let i = 0; i < 50; i++) {
    const n = pick(r, names.filter(x => cat[x]!.type !== 'str'));
    const other = pick(r, names);
    add('values-bad', `a bad value for ${n}`, assemble([AUTH, `${other} = ${goodValue(r, other, cat[other]!)}`, `${n} = ${badValue(r, cat[n]!)}`]));
  }
  // 3. unknown and misspelt names (30)
  const foreign = ['ssl', 'ssl_cert_file', 'max_connections', 'port', 'peer_id', 'max_prepared_statements', 'client_tls13_ciphers', 'scram_iterations', 'auth_dbname', 'transaction_timeout', 'track_extra_parameters', 'query_wait_notify'];
  for (let i = 0; i < 30; i++) {
    const n = i < foreign.length ? foreign[i]! : misspell(r, pick(r, names));
    add('unknown-setting', `unknown name ${n}`, assemble([AUTH, `${n} = 1`]));
  }
  // 4. ini syntax (34)
  const syntax: [string, string][] = [
    ['no-equals', assemble([AUTH, 'max_client_conn 100'])],
    ['no-equals-word', assemble([AUTH, 'verbose'])],
    ['unclosed-header', assemble([AUTH], { after: '[users' })],
    ['header-trailing-text', assemble([AUTH], { after: '[users] extra' })],
    ['setting-before-section', assemble([AUTH], { before: 'verbose = 1' })],
    ['unknown-section', assemble([AUTH], { after: '[pgbouncr]\nverbose = 1' })],
    ['peers-section', assemble([AUTH], { after: '[peers]\n1 = host=127.0.0.1' })],
    ['upper-section', assemble([AUTH], { after: '[PGBOUNCER]\nverbose = 1' })],
    ['empty-value', assemble([AUTH, 'max_client_conn ='])],
    ['empty-key', assemble([AUTH, '= 5'])],
    ['comments', assemble([';; comment', AUTH, '# another', 'verbose = 1'])],
    ['inline-comment-int', assemble([AUTH, 'verbose = 1 ; loud'])],
    ['inline-comment-str', assemble([AUTH, 'admin_users = admin # the admins'])],
    ['crlf', assemble([AUTH, 'verbose = 1'], { eol: '\r\n' })],
    ['tabs', assemble([AUTH, '\tverbose\t=\t1'])],
    ['quoted-value', assemble([AUTH, "admin_users = 'admin'"])],
    ['double-quoted-value', assemble([AUTH, 'admin_users = "admin"'])],
    ['unclosed-quote', assemble([AUTH, "admin_users = 'admin"])],
    ['quoted-key', assemble([AUTH, "'verbose' = 1"])],
    ['spaces-in-key', assemble([AUTH, 'max client conn = 5'])],
    ['duplicate-setting', assemble([AUTH, 'verbose = 1', 'verbose = 2'])],
    ['duplicate-section', assemble([AUTH], { after: '[databases]\nother = host=127.0.0.1' })],
    ['upper-key', assemble([AUTH, 'VERBOSE = 1'])],
    ['no-final-newline', assemble([AUTH, 'verbose = 1']).trimEnd()],
    ['blank-lines', assemble([AUTH, '', '   ', 'verbose = 1'])],
    ['semicolon-key', assemble([AUTH, ';verbose = 1'])],
    ['equals-in-value', assemble([AUTH, 'server_reset_query = SET a = 1'])],
    ['only-header', '[pgbouncer]\n' + listenBlock()],
    ['no-main-section', '[databases]\napp = host=127.0.0.1\n'],
    ['unicode-key', assemble([AUTH, 'verbosé = 1'])],
    ['bracket-value', assemble([AUTH, 'admin_users = [admin]'])],
    ['header-spaces', assemble([AUTH], { after: '[ users ]' })],
    ['empty-file-section', assemble([AUTH], { after: '[users]' })],
    ['percent-word', assemble([AUTH, '%verbose = 1'])],
  ];
  for (const [n, ini] of syntax) add(`syntax-${n}`, n, ini);

  // 5. connection strings (44)
  const dbs: [string, string[], string[]?][] = [
    ['plain', ['app = host=127.0.0.1 port=1 dbname=app']],
    ['wildcard', ['* = host=127.0.0.1']],
    ['empty-connstr', ['app =']],
    ['unknown-key', ['app = hots=127.0.0.1']],
    ['bad-port', ['app = host=127.0.0.1 port=abc']],
    ['port-range', ['app = host=127.0.0.1 port=99999']],
    ['bad-pool-mode', ['app = host=127.0.0.1 pool_mode=bogus']],
    ['good-pool-mode', ['app = host=127.0.0.1 pool_mode=Transaction']],
    ['bad-pool-size', ['app = host=127.0.0.1 pool_size=x']],
    ['good-pool-size', ['app = host=127.0.0.1 pool_size=5 reserve_pool=2 min_pool_size=1 max_db_connections=10']],
    ['quoted-password', ["app = host=127.0.0.1 user=u password='a b''c'"]],
    ['unclosed-quote', ["app = host=127.0.0.1 dbname='app"]],
    ['empty-host', ['app = host= port=5432']],
    ['no-equals', ['app = host']],
    ['auth-user', ['app = host=127.0.0.1 auth_user=admin']],
    ['client-encoding', ['app = host=127.0.0.1 client_encoding=UTF8 datestyle=ISO timezone=UTC']],
    ['application-name', ['app = host=127.0.0.1 application_name=bouncer']],
    ['connect-query', ["app = host=127.0.0.1 connect_query='SELECT 1'"]],
    ['reserved-name', ['pgbouncer = host=127.0.0.1']],
    ['multi-host', ['app = host=127.0.0.1,127.0.0.2 port=5432']],
    ['unix-host', ['app = host=/var/run/postgresql']],
    ['two-dbs', ['app = host=127.0.0.1', 'other = host=127.0.0.1 dbname=app']],
    ['upper-key', ['app = HOST=127.0.0.1']],
    ['dbname-key-only', ['app = dbname=other']],
    ['trailing-space', ['app = host=127.0.0.1   ']],
    ['sslmode-key', ['app = host=127.0.0.1 sslmode=require']],
    ['weird-spaces', ['app = host = 127.0.0.1']],
    ['max-db-bad', ['app = host=127.0.0.1 max_db_connections=-']],
    ['negative-port', ['app = host=127.0.0.1 port=-1']],
    ['hex-pool', ['app = host=127.0.0.1 pool_size=0x5']],
  ];
  for (const [n, d] of dbs) add(`databases-${n}`, `[databases] ${n}`, assemble([AUTH], { databases: d }));
  const users: [string, string[]][] = [
    ['pool-mode', ['alice = pool_mode=session']],
    ['bad-pool-mode', ['alice = pool_mode=bogus']],
    ['max-conns', ['alice = max_user_connections=5']],
    ['bad-max-conns', ['alice = max_user_connections=five']],
    ['unknown-key', ['alice = pool_size=5']],
    ['empty', ['alice =']],
    ['two', ['alice = pool_mode=transaction', 'bob = max_user_connections=1']],
    ['quoted', ["alice = pool_mode='statement'"]],
    ['no-equals', ['alice = pool_mode']],
    ['upper', ['alice = POOL_MODE=session']],
    ['bad-int-units', ['alice = max_user_connections=5k']],
    ['hex', ['alice = max_user_connections=0x10']],
    ['empty-quote', ["alice = pool_mode=''"]],
    ['dup', ['alice = pool_mode=session', 'alice = pool_mode=transaction']],
  ];
  for (const [n, u] of users) add(`users-${n}`, `[users] ${n}`, assemble([AUTH], { users: u }));

  // 6. %include (14)
  const incs: [string, string, Record<string, string>][] = [
    ['good', '%include @DIR@/inc.ini', { 'inc.ini': 'verbose = 1\n' }],
    ['bad-value', '%include @DIR@/inc.ini', { 'inc.ini': 'verbose = loud\n' }],
    ['unknown', '%include @DIR@/inc.ini', { 'inc.ini': 'verbos = 1\n' }],
    ['missing', '%include @DIR@/nowhere.ini', {}],
    ['section', '%include @DIR@/inc.ini', { 'inc.ini': '[users]\nalice = pool_mode=session\n' }],
    ['syntax', '%include @DIR@/inc.ini', { 'inc.ini': 'verbose\n' }],
    ['tls-on', '%include @DIR@/inc.ini', { 'inc.ini': `client_tls_sslmode = require\nclient_tls_key_file = ${c.key}\nclient_tls_cert_file = ${c.cert}\n` }],
    ['tls-no-files', '%include @DIR@/inc.ini', { 'inc.ini': 'client_tls_sslmode = require\n' }],
    ['empty', '%include @DIR@/inc.ini', { 'inc.ini': '' }],
    ['nested', '%include @DIR@/inc.ini', { 'inc.ini': '%include @DIR@/inc2.ini\n', 'inc2.ini': 'verbose = 2\n' }],
    ['nested-missing', '%include @DIR@/inc.ini', { 'inc.ini': '%include @DIR@/gone.ini\n' }],
    ['folder', '%include @DIR@', {}],
    ['no-path', '%include', {}],
    ['auth-in-inc', '%include @DIR@/inc.ini', { 'inc.ini': 'auth_type = cert\n' }],
  ];
  for (const [n, line, files] of incs) add(`include-${n}`, `%include ${n}`, assemble([AUTH, line]), files);

  // 7. client TLS (70)
  const keyPairs: [string, string, string][] = [
    ['good', c.cert, c.key], ['ec', c.ecCert, c.ecKey], ['weak-1024', c.weakCert, c.weakKey], ['mismatched', c.cert, c.otherKey],
    ['garbage-cert', c.garbage, c.key], ['garbage-key', c.cert, c.garbage], ['missing-cert', c.missing, c.key], ['missing-key', c.cert, c.missing],
    ['folder-cert', c.folder, c.key], ['ca-as-cert', c.ca, c.key], ['swapped', c.key, c.cert],
  ];
  const modes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
  for (let i = 0; i < 40; i++) {
    const [kn, cert, key] = i < keyPairs.length ? keyPairs[i]! : pick(r, keyPairs);
    const mode = i < keyPairs.length ? 'require' : pick(r, modes);
    const lines = [AUTH, `client_tls_sslmode = ${mode}`];
    if (!chance(r, 0.1)) lines.push(`client_tls_cert_file = ${cert}`);
    if (!chance(r, 0.1)) lines.push(`client_tls_key_file = ${key}`);
    if (chance(r, 0.5)) lines.push(`client_tls_ca_file = ${pick(r, [c.ca, c.ca, c.missing, c.garbage])}`);
    add(`client-tls-${kn}`, `client_tls_sslmode = ${mode} with the ${kn} pair`, assemble(lines));
  }
  const tlsBase = [AUTH, 'client_tls_sslmode = require', `client_tls_cert_file = ${c.cert}`, `client_tls_key_file = ${c.key}`];
  const knobs: [string, string][] = [
    ['protocols', 'secure'], ['protocols', 'tlsv1.2'], ['protocols', 'tlsv1.3'], ['protocols', 'TLSv1.2,TLSv1.3'], ['protocols', 'all'],
    ['protocols', 'legacy'], ['protocols', 'tlsv1.4'], ['protocols', 'sslv3'], ['protocols', '!tlsv1.3'], ['protocols', 'tls1.2'], ['protocols', 'secure, tlsv1.3'], ['protocols', 'tlsv1.0'],
    ['ciphers', 'fast'], ['ciphers', 'HIGH:!aNULL'], ['ciphers', 'NOTACIPHER'], ['ciphers', 'secure'], ['ciphers', 'ECDHE-RSA-AES128-GCM-SHA256'],
    ['ciphers', 'TLS_AES_128_GCM_SHA256'], ['ciphers', 'compat'], ['ciphers', 'high'], ['ciphers', 'aNULL'],
    ['dheparams', 'auto'], ['dheparams', 'legacy'], ['dheparams', 'none'], ['dheparams', 'AUTO'], ['dheparams', '2048'], ['dheparams', 'bogus'],
    ['ecdhcurve', 'prime256v1'], ['ecdhcurve', 'secp384r1'], ['ecdhcurve', 'P-256'], ['ecdhcurve', 'X25519'], ['ecdhcurve', 'auto'], ['ecdhcurve', 'secp112r1'],
    ['ecdhcurve', 'brainpoolP256r1'], ['ecdhcurve', 'PRIME256V1'], ['ecdhcurve', 'sha256'], ['ecdhcurve', 'None'], ['ecdhcurve', '1.2.840.10045.3.1.7'],
  ];
  for (const [k, v] of knobs) add(`client-tls-${k}`, `client_tls_${k} = ${v}`, assemble([...tlsBase, `client_tls_${k} = ${v}`]));
  // the same knobs with client TLS off: PgBouncer does not parse them (1.18 sets up only an enabled side)
  for (const [k, v] of knobs.filter((_, i) => i % 4 === 2)) add(`client-tls-off-${k}`, `client_tls_${k} = ${v} with client TLS off`, assemble([AUTH, `client_tls_${k} = ${v}`]));

  // 8. server TLS (34)
  for (let i = 0; i < 22; i++) {
    const mode = modes[i % modes.length]!;
    const lines = [AUTH, `server_tls_sslmode = ${mode}`];
    if (chance(r, 0.6)) lines.push(`server_tls_ca_file = ${pick(r, [c.ca, c.ca, c.missing, c.garbage])}`);
    if (chance(r, 0.3)) lines.push(`server_tls_cert_file = ${pick(r, [c.cert, c.missing])}`, `server_tls_key_file = ${pick(r, [c.key, c.weakKey, c.missing])}`);
    add(`server-tls-${mode}`, `server_tls_sslmode = ${mode}`, assemble(lines));
  }
  for (const [k, v] of knobs.filter(([k]) => k === 'protocols' || k === 'ciphers').filter((_, i) => i % 2 === 0)) {
    add(`server-tls-${k}`, `server_tls_${k} = ${v}`, assemble([AUTH, 'server_tls_sslmode = require', `server_tls_${k} = ${v}`]));
  }

  // 9. auth_type with its files (36)
  const auths = ['any', 'trust', 'plain', 'md5', 'scram-sha-256', 'hba', 'cert', 'pam', 'MD5', 'password', 'scram'];
  for (let i = 0; i < 36; i++) {
    const auth = auths[i % auths.length]!;
    const ul = pick(r, USERLISTS);
    const hba = pick(r, HBAS);
    const lines = [`auth_type = ${auth}`];
    const files: Record<string, string> = { 'userlist.txt': ul.text };
    const fileMode = Math.floor(r() * 3);
    if (fileMode === 0) lines.push(AUTH);
    else if (fileMode === 1) lines.push('auth_file = @DIR@/no-userlist.txt');
    if (auth === 'hba' && chance(r, 0.7)) { lines.push('auth_hba_file = @DIR@/hba.conf'); files['hba.conf'] = hba.text; }
    if (auth === 'cert' || chance(r, 0.15)) {
      const mode = pick(r, ['verify-full', 'verify-full', 'verify-ca', 'require']);
      lines.push(`client_tls_sslmode = ${mode}`, `client_tls_cert_file = ${c.cert}`, `client_tls_key_file = ${c.key}`);
      if (chance(r, 0.75)) lines.push(`client_tls_ca_file = ${c.ca}`);
    }
    add(`auth-${auth}`, `auth_type = ${auth}, userlist: ${ul.note}${files['hba.conf'] ? `, hba: ${hba.note}` : ''}`, assemble(lines), files);
  }

  // 10. a second [pgbouncer] header, here or in an included file: the settings above it go back to their defaults
  // (libusual fill_defaults). The listen block is repeated below the header so that PgBouncer still listens on its own port.
  const clientTls = ['client_tls_sslmode = require', `client_tls_cert_file = ${c.cert}`, `client_tls_key_file = ${c.key}`];
  const again = `[pgbouncer]\n${listenBlock()}${AUTH}\n`;
  add('reset-tls-above', 'client TLS above a second [pgbouncer] header', assemble([AUTH, ...clientTls], { after: again.trimEnd() }));
  add('reset-tls-below', 'client TLS below a second [pgbouncer] header', assemble([AUTH], { after: `${again}${clientTls.join('\n')}` }));
  add('reset-mode-only-below', 'the files above a second header, the mode below it', assemble([AUTH, ...clientTls.slice(1)], { after: `${again}client_tls_sslmode = require` }));
  add('reset-by-include', 'client TLS above an %include of a file with a [pgbouncer] header', assemble([AUTH, ...clientTls, '%include @DIR@/inc.ini']), { 'inc.ini': again });
  add('reset-include-no-header', 'client TLS above an %include of a file without a header', assemble([AUTH, ...clientTls, '%include @DIR@/inc.ini']), { 'inc.ini': 'verbose = 1\n' });
  return out;
}

/** The 1.18 settings of the generated catalogue (read here so that the corpus follows the catalogue). */
function catalogue118(): Record<string, Param> {
  const json = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'pgbouncer-params.json'), 'utf8')) as { releases: Record<string, { params: Record<string, Param> }> };
  return json.releases['1.18']!.params;
}
