/**
 * The paths of postgresql.conf as links, located as the checks locate them: the TLS files (`ssl_cert_file`,
 * `ssl_key_file`, `ssl_ca_file`, `ssl_crl_file`, `ssl_dh_params_file`) from the data directory (check/tls.ts
 * `dataDirectoryOf`: relative paths are not linked where it is unknown), `include`/`include_if_exists` from this file's
 * folder, and `hba_file`/`ident_file` when absolute (relative ones start at the server's working directory). Absolute
 * paths go through the path mappings. Only files pgtls can open are linked.
 */
import type { FeatureContext, TlsPathContext, TlsPathSetting } from '../../core/language';
import { type PathLink, linkTo } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
import { pathLocator } from '../../deploy';
import { dataDirectoryOf } from './check/tls';
import { effectiveSettings, isAbsolute, lastSetting } from './effective';
import type { PostgresqlConfFile } from './model';
import { dirOf } from './model';

const TLS_FILES: Readonly<Record<string, string>> = {
  ssl_cert_file: 'the certificate', ssl_key_file: 'the private key', ssl_ca_file: 'the CA certificates', ssl_crl_file: 'the CRL',
  ssl_dh_params_file: 'the DH parameters',
};
const AUTH_FILES: Readonly<Record<string, string>> = { hba_file: 'pg_hba.conf', ident_file: 'pg_ident.conf' };

/** The path inside a quoted value's quotes. */
const inner = (text: string, span: Span): Span => (text.charAt(span[0]) === "'" && span[1] - span[0] >= 2 ? [span[0] + 1, span[1] - 1] : span);

export function links(doc: SourceDocument, file: PostgresqlConfFile, ctx: FeatureContext): PathLink[] {
  const locator = pathLocator(ctx, doc.path);
  const out: PathLink[] = [];
  const add = (value: string, span: Span, what: string, base: string | undefined) => {
    if (value === '' || (base === undefined && !isAbsolute(value))) return;
    const link = linkTo(locator.locate(value, base), inner(doc.text, span), what);
    if (link) out.push(link);
  };
  const here = isAbsolute(doc.path) ? dirOf(doc.path) : undefined;
  let dataDir: string | null = null;
  const data = () => {
    if (dataDir === null) {
      const all = effectiveSettings(doc.path, file, { parseSibling: ctx.parseSibling, env: ctx.env, locator }).settings;
      dataDir = dataDirectoryOf(doc.path, lastSetting(all, 'data_directory')?.s.value, ctx.env) ?? '';
    }
    return dataDir === '' ? undefined : dataDir;
  };
  for (const s of file.settings) {
    if (TLS_FILES[s.key]) add(s.value, s.valueSpan, TLS_FILES[s.key]!, isAbsolute(s.value) ? undefined : data());
    else if (AUTH_FILES[s.key] && isAbsolute(s.value)) add(s.value, s.valueSpan, AUTH_FILES[s.key]!, undefined);
  }
  for (const d of file.directives) if (d.kind !== 'include_dir') add(d.value, d.valueSpan, 'the included file', here);
  return out.sort((x, y) => x.span[0] - y.span[0]);
}

const TLS_ROLES: Readonly<Record<string, TlsPathSetting['role']>> = {
  ssl_cert_file: 'cert', ssl_key_file: 'key', ssl_ca_file: 'ca', ssl_crl_file: 'crl',
};

/**
 * The TLS file settings of this postgresql.conf (hover, Inspect Certificate): relative paths start at the data
 * directory (`data_directory`, else this file's folder when PG_VERSION is beside it), as the checks resolve them.
 */
export function tlsPaths(doc: SourceDocument, file: PostgresqlConfFile, ctx: FeatureContext): TlsPathContext[] {
  // As the checks read them (check/index.ts): the included files' lines in place, then postgresql.auto.conf.
  const all = effectiveSettings(doc.path, file, { parseSibling: ctx.parseSibling, env: ctx.env, locator: pathLocator(ctx, doc.path) }).settings;
  const settings: TlsPathSetting[] = [];
  for (const e of all) {
    const role = Object.prototype.hasOwnProperty.call(TLS_ROLES, e.s.key) ? TLS_ROLES[e.s.key] : undefined;
    if (role) settings.push({ key: e.s.key, role, value: e.s.value, span: e.s.valueSpan, ...(e.path !== doc.path ? { file: e.path } : {}) });
  }
  if (!settings.some(s => s.file === undefined)) return [];
  const base = settings.some(s => s.value !== '' && !isAbsolute(s.value)) ? dataDirectoryOf(doc.path, lastSetting(all, 'data_directory')?.s.value, ctx.env) : undefined;
  return [{
    product: 'PostgreSQL', direction: 'accept', baseDir: base, settings,
    unknownBase: 'PostgreSQL opens a relative path from its data directory, which pgtls does not know here (no absolute `data_directory`, and no PG_VERSION beside postgresql.conf)',
  }];
}

/** The data directory of this postgresql.conf, when pgtls knows it (where tlsWriter.ts writes relative paths from). */
export function dataDirectoryAt(doc: SourceDocument, file: PostgresqlConfFile, ctx: FeatureContext): string | undefined {
  const all = effectiveSettings(doc.path, file, { parseSibling: ctx.parseSibling, env: ctx.env, locator: pathLocator(ctx, doc.path) }).settings;
  return dataDirectoryOf(doc.path, lastSetting(all, 'data_directory')?.s.value, ctx.env);
}
