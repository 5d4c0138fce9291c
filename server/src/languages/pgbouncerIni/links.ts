/**
 * The paths of pgbouncer.ini as links, located as the checks locate them: the TLS files of both sides
 * (`client_tls_*_file`, `server_tls_*_file`), `auth_file`, `auth_hba_file` and `%include`. PgBouncer opens a relative
 * path from its working directory, which pgtls does not know, so only absolute paths are linked (through the path
 * mappings), and only to files pgtls can open.
 */
import type { FeatureContext } from '../../core/language';
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
