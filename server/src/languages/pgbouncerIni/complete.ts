/**
 * Completion for pgbouncer.ini: section names after `[`, `[pgbouncer]` setting names at the start of a line, the
 * values of lookup settings after `=`, connection-string keys in `[databases]`/`[users]`/`[peers]`, and two snippets:
 * a TLS block towards clients and one towards servers.
 */
import type { FeatureContext } from '../../core/language';
import type { CompletionResult, SourceDocument } from '../../core/types';
import { pathCompletions } from '../../core/pathComplete';
import { tlsCurveNames } from '../pgpoolConf';
import { DOCS, catalogue, versionOf } from './catalogue';
import { CONN_SECTIONS, type PgbouncerIniFile } from './model';

export const SNIPPETS: readonly CompletionResult[] = [
  {
    label: 'client TLS block', kind: 'snippet', snippet: true, detail: 'TLS towards clients (verify client certificates)',
    insertText: [
      'client_tls_sslmode = ${1|require,verify-full,verify-ca,prefer|}',
      'client_tls_cert_file = ${2:/etc/pgbouncer/certs/server.crt}',
      'client_tls_key_file = ${3:/etc/pgbouncer/certs/server.key}',
      'client_tls_ca_file = ${4:/etc/pgbouncer/certs/ca.crt}',
      'client_tls_protocols = secure',
      'client_tls_ciphers = secure',
      '$0',
    ].join('\n'),
  },
  {
    label: 'server TLS block', kind: 'snippet', snippet: true, detail: 'TLS towards PostgreSQL, verifying the server',
    insertText: [
      'server_tls_sslmode = ${1|verify-full,verify-ca|}',
      'server_tls_ca_file = ${2:/etc/pgbouncer/certs/ca.crt}',
      'server_tls_protocols = secure',
      '$0',
    ].join('\n'),
  },
];

/**
 * Settings that name a file or folder. PgBouncer opens a relative path from its working directory, which pgtls does
 * not know: only absolute paths are completed.
 */
const PATH_SETTINGS: ReadonlySet<string> = new Set([
  'auth_file', 'auth_hba_file', 'auth_ident_file', 'logfile', 'pidfile', 'unix_socket_dir',
  'client_tls_cert_file', 'client_tls_key_file', 'client_tls_ca_file', 'server_tls_cert_file', 'server_tls_key_file', 'server_tls_ca_file',
]);
const CURVE_SETTINGS: ReadonlySet<string> = new Set(['client_tls_ecdhcurve', 'server_tls_ecdhcurve']);

export function complete(doc: SourceDocument, file: PgbouncerIniFile, offset: number, ctx: FeatureContext): CompletionResult[] {
  const release = catalogue(ctx.env).releases[versionOf(ctx.settings.pgbouncerVersion)];
  const text = doc.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  let section: string | undefined;
  for (const st of file.statements) {
    if (st.span[0] >= lineStart) break;
    if (st.kind === 'section') section = st.name;
  }
  const word = /[A-Za-z0-9_.\-*]*$/.exec(before)![0];
  const replace: [number, number] = [offset - word.length, offset];
  if (/^\s*\[[^\]]*$/.test(before)) return release.sections.map(s => ({ label: s, kind: 'keyword' as const, replace }));
  const include = /^\s*%include\s+(\S*)$/.exec(before);
  if (include) return pathCompletions(ctx.env, include[1]!, offset, undefined);
  const eq = /^\s*([A-Za-z0-9_.\-*]+)\s*=\s*(.*)$/.exec(before);
  if (section === 'pgbouncer' && eq) {
    const name = eq[1]!.toLowerCase();
    if (PATH_SETTINGS.has(name) && release.params[name]) return pathCompletions(ctx.env, eq[2]!, offset, undefined);
    if (CURVE_SETTINGS.has(name) && release.params[name]) {
      return ['auto', ...tlsCurveNames(ctx.env.loadJson('openssl-curves.json'))].map(v => ({ label: v, kind: 'enum' as const, detail: name, replace }));
    }
    // an own entry only: `constructor` or `__proto__` is no parameter (a plain object's lookup would find Object's)
    const p = Object.hasOwn(release.params, eq[1]!) ? release.params[eq[1]!] : undefined;
    return (p?.values ?? []).map(v => ({ label: v, kind: 'enum' as const, replace }));
  }
  if (section !== undefined && CONN_SECTIONS.has(section) && eq) {
    const keys = section === 'databases' ? release.databases : section === 'users' ? release.users : release.peers;
    if (/(^|\s)[a-z_]*$/.test(eq[2]!)) return keys.map(k => ({ label: k, kind: 'property' as const, insertText: `${k}=`, replace }));
    return [];
  }
  if (section === 'pgbouncer' && /^\s*[A-Za-z0-9_]*$/.test(before)) {
    // Settings of [pgbouncer] written on another line are not offered again (the one on this line is).
    const lineEnd = text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset);
    const set = new Set(file.entries.filter(e => e.section === 'pgbouncer' && !e.included && (e.st.keySpan[0] < lineStart || e.st.keySpan[0] > lineEnd)).map(e => e.st.key.toLowerCase()));
    const names = Object.entries(release.params).filter(([name, p]) => p.onlyIf !== 'WIN32' && !set.has(name)).map(([name, p]) => {
      const r: CompletionResult = { label: name, kind: 'property', insertText: `${name} = `, replace, detail: p.default ? `default ${p.default}` : p.type };
      if (DOCS[name]) r.documentation = DOCS[name];
      return r;
    });
    return [...names, ...SNIPPETS.map(s => ({ ...s, replace }))];
  }
  return [];
}
