/**
 * The paths of pgpool.conf as links: the TLS files (`ssl_cert`, `ssl_key`, `ssl_ca_cert`, `ssl_crl_file`), the
 * `include`d files and `pool_passwd`, located as the checks locate them (deploy's locator: relative to pgpool.conf's
 * folder, absolute ones through the path mappings). Only files pgtls can open are linked.
 */
import type { FeatureContext, TlsPathContext, TlsPathSetting } from '../../core/language';
import { type PathLink, linkTo } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
import { pathLocator } from '../../deploy';
import { effectiveSettings } from './effective';
import { type PgpoolConfFile, dirOf } from './model';

const PATHS: Readonly<Record<string, string>> = {
  ssl_cert: 'the certificate', ssl_key: 'the private key', ssl_ca_cert: 'the CA certificates', ssl_crl_file: 'the CRL',
  pool_passwd: 'the password file',
};

/** The path inside a quoted value's quotes. */
function inner(text: string, span: Span): Span {
  return text.charAt(span[0]) === "'" && span[1] - span[0] >= 2 ? [span[0] + 1, span[1] - 1] : span;
}

export function links(doc: SourceDocument, file: PgpoolConfFile, ctx: FeatureContext): PathLink[] {
  const locator = pathLocator(ctx, doc.path);
  const out: PathLink[] = [];
  const add = (value: string, span: Span, what: string) => {
    if (value === '') return;
    const link = linkTo(locator.locate(value), inner(doc.text, span), what);
    if (link) out.push(link);
  };
  for (const a of file.assignments) {
    const what = PATHS[a.key];
    if (what && !a.phantom && !a.missingValue) add(a.value, a.valueSpan, what);
  }
  for (const inc of file.includes ?? []) if (!inc.missingValue) add(inc.value, inc.valueSpan, 'the included file');
  return out.sort((x, y) => x.span[0] - y.span[0]);
}

const TLS_ROLES: Readonly<Record<string, TlsPathSetting['role']>> = {
  ssl_cert: 'cert', ssl_key: 'key', ssl_ca_cert: 'ca', ssl_crl_file: 'crl', ssl_ca_cert_dir: 'cadir',
};

/**
 * The TLS file settings of this pgpool.conf (hover, Inspect Certificate), with those of the files it `include`s in
 * place (the TLS checks' effective settings: effective.ts): relative paths start at its folder
 * (`pool_ssl_make_absolute_path`), except `ssl_ca_cert_dir`, which OpenSSL opens from the working directory.
 */
export function tlsPaths(doc: SourceDocument, file: PgpoolConfFile, ctx: FeatureContext): TlsPathContext[] {
  const settings: TlsPathSetting[] = [];
  const all = effectiveSettings(doc.path, file, ctx.parseSibling, ctx.settings.checkFiles ? pathLocator(ctx, doc.path) : undefined);
  for (const { a, via, path } of all) {
    const role = Object.prototype.hasOwnProperty.call(TLS_ROLES, a.key) ? TLS_ROLES[a.key] : undefined;
    if (!role || a.phantom || a.missingValue) continue;
    settings.push({
      key: a.key, role, value: a.value, span: a.valueSpan,
      ...(via ? { file: path } : {}),
      ...(role === 'cadir' ? { unknownBase: 'Pgpool-II does not resolve `ssl_ca_cert_dir` against pgpool.conf\'s folder: OpenSSL opens a relative folder from the working directory, which is / once Pgpool-II runs as a daemon' } : {}),
    });
  }
  return [{ product: 'Pgpool-II', direction: 'accept', baseDir: dirOf(doc.path), settings }];
}
