/**
 * Completion for postgresql.conf: parameter names of the selected version (and the include directives) at the start
 * of a line; after `name =`, the enum values or on/off of that parameter. Every item replaces the word typed so far
 * (`replace`), so that clients without the language's word pattern do not insert `TLSv1.2` after a typed `TLSv1.`.
 */
import type { FeatureContext } from '../../core/language';
import type { CompletionResult, SourceDocument } from '../../core/types';
import { isAbsolutePath } from '../../core/deployPaths';
import { pathCompletions } from '../../core/pathComplete';
import { tlsCurveNames } from '../pgpoolConf';
import { catalogueOf } from './catalogue';
import { dirOf, type PostgresqlConfFile } from './model';
import { nameStatus } from './names';

/** Parameters that name a file or folder; PostgreSQL opens a relative one from the data directory. */
const PATH_PARAMS: ReadonlySet<string> = new Set([
  'ssl_cert_file', 'ssl_key_file', 'ssl_ca_file', 'ssl_crl_file', 'ssl_crl_dir', 'ssl_dh_params_file', 'hba_file', 'ident_file',
]);
const DIRECTIVES: ReadonlySet<string> = new Set(['include', 'include_if_exists', 'include_dir']);

/**
 * The folder a relative path of this file starts at: this file's folder for an include directive; for a parameter the
 * data directory (`data_directory` when absolute, else this file's folder when it holds PG_VERSION), as the TLS checks
 * resolve it; `undefined` when unknown (then only absolute paths are completed).
 */
function baseDir(doc: SourceDocument, file: PostgresqlConfFile, name: string, ctx: FeatureContext): string | undefined {
  if (!isAbsolutePath(doc.path)) return undefined;
  const dir = dirOf(doc.path);
  if (DIRECTIVES.has(name)) return dir;
  const dd = [...file.settings].reverse().find(x => x.key === 'data_directory');
  if (dd && dd.value !== '') return isAbsolutePath(dd.value) ? dd.value : undefined;
  return ctx.env.stat(`${dir.endsWith('/') ? dir : `${dir}/`}PG_VERSION`)?.isFile ? dir : undefined;
}

export function complete(doc: SourceDocument, file: PostgresqlConfFile, offset: number, ctx: FeatureContext): CompletionResult[] {
  const lineStart = doc.text.lastIndexOf('\n', offset - 1) + 1;
  const before = doc.text.slice(lineStart, offset);
  if (before.includes('#')) return [];
  const cat = catalogueOf(ctx.env);
  const version = ctx.settings.postgresVersion;
  // A path inside the quotes of a path parameter or an include directive.
  const quotedPath = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=?\s*'([^']*)$/.exec(before);
  if (quotedPath && (PATH_PARAMS.has(quotedPath[1]!.toLowerCase()) || DIRECTIVES.has(quotedPath[1]!))) {
    return pathCompletions(ctx.env, quotedPath[2]!, offset, baseDir(doc, file, quotedPath[1]!.toLowerCase(), ctx));
  }
  const value = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=?\s+'?([A-Za-z0-9_.-]*)$|^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*'?([A-Za-z0-9_.-]*)$/.exec(before);
  if (value) {
    const name = value[1] ?? value[3]!;
    const st = nameStatus(cat, name, version);
    if (st.kind !== 'known') return [];
    const p = st.param;
    const values = p.name === 'ssl_ecdh_curve' ? tlsCurveNames(ctx.env.loadJson('openssl-curves.json'))
      : p.type === 'bool' ? ['on', 'off'] : p.type === 'enum' ? (p.enum ?? []).filter(v => v !== '') : [];
    const typed = value[2] ?? value[4]!;
    const replace: [number, number] = [offset - typed.length, offset];
    return values.map(v => ({ label: v, kind: 'value' as const, detail: p.name, replace }));
  }
  if (!/^\s*[A-Za-z_]*$/.test(before)) return [];
  const replace: [number, number] = [offset - /[A-Za-z_]*$/.exec(before)![0].length, offset];
  // Parameters set on another line are not offered again (the one on this line is).
  const lineEnd = doc.text.indexOf('\n', offset) < 0 ? doc.text.length : doc.text.indexOf('\n', offset);
  const set = new Set(file.settings.filter(x => x.nameSpan[0] < lineStart || x.nameSpan[0] > lineEnd).map(x => x.key));
  const out: CompletionResult[] = [];
  for (const n of cat.names) {
    const p = cat.param(n, version)!;
    if (!p.versions.includes(version) || p.context === 'internal' || set.has(n.toLowerCase())) continue;
    out.push({ label: n, kind: 'property', detail: p.desc, replace });
  }
  for (const d of ['include', 'include_if_exists', 'include_dir']) out.push({ label: d, kind: 'keyword', detail: 'read another configuration file here', replace });
  return out;
}
