/**
 * The paths of pgbouncer.ini as links, located as the checks locate them: the TLS files of both sides
 * (`client_tls_*_file`, `server_tls_*_file`), `auth_file`, `auth_hba_file` and `%include`. PgBouncer opens a relative
 * path from its working directory, which pgtls does not know, so only absolute paths are linked (through the path
 * mappings), and only to files pgtls can open.
 */
import type { FeatureContext, TlsPathContext, TlsPathSetting } from '../../core/language';
import { isAbsolutePath } from '../../core/deployPaths';
import { type PathLink, linkTo } from '../../core/structure';
import type { SourceDocument, Span } from '../../core/types';
import { pathLocator } from '../../deploy';
import type { PgbouncerIniFile } from './model';

const PATHS: Readonly<Record<string, string>> = {
  client_tls_cert_file: 'the certificate', client_tls_key_file: 'the private key', client_tls_ca_file: 'the CA certificates',
  server_tls_cert_file: 'the client certificate', server_tls_key_file: 'the client key', server_tls_ca_file: 'the CA certificates',
  auth_file: 'the auth_file', auth_hba_file: 'the auth_hba_file',
};

export function links(doc: SourceDocument, file: PgbouncerIniFile, ctx: FeatureContext): PathLink[] {
  const locator = pathLocator(ctx, doc.path);
  const out: PathLink[] = [];
  const add = (value: string, span: Span, what: string) => {
    if (!isAbsolutePath(value)) return;
    const link = linkTo(locator.locate(value), span, what);
    if (link) out.push(link);
  };
  for (const e of file.entries) {
    const what = PATHS[e.st.key.toLowerCase()];
    if (what && e.section?.toLowerCase() === 'pgbouncer') add(e.st.value, e.st.valueSpan, what);
  }
  for (const st of file.statements) if (st.kind === 'include') add(st.path, st.valueSpan, 'the included file');
  return out.sort((x, y) => x.span[0] - y.span[0]);
}

const SIDES: readonly { prefix: string; direction: TlsPathContext['direction'] }[] = [
  { prefix: 'client_tls_', direction: 'accept' },
  { prefix: 'server_tls_', direction: 'connect' },
];
const FILE_ROLES: Readonly<Record<string, TlsPathSetting['role']>> = { cert_file: 'cert', key_file: 'key', ca_file: 'ca' };

/**
 * The TLS file settings of this pgbouncer.ini's `[pgbouncer]` section, one context per side (`client_tls_*` towards
 * clients, `server_tls_*` towards servers). PgBouncer opens a relative path from its working directory (/ when it
 * runs as a daemon), which pgtls does not know: only absolute paths are followed.
 */
export function tlsPaths(_doc: SourceDocument, file: PgbouncerIniFile): TlsPathContext[] {
  return SIDES.map(({ prefix, direction }) => {
    const settings: TlsPathSetting[] = [];
    for (const e of file.entries) {
      const key = e.st.key.toLowerCase();
      const role = key.startsWith(prefix) ? FILE_ROLES[key.slice(prefix.length)] : undefined;
      if (role && e.section?.toLowerCase() === 'pgbouncer' && !e.included) settings.push({ key, role, value: e.st.value, span: e.st.valueSpan });
    }
    return {
      product: 'PgBouncer', direction, baseDir: undefined, settings,
      unknownBase: 'PgBouncer opens a relative path from its working directory (/ when it runs as a daemon), which pgtls does not know',
    };
  }).filter(c => c.settings.length > 0);
}
