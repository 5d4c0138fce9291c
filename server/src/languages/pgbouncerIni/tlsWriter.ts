/**
 * How pgbouncer.ini writes its TLS settings towards clients, for pointing it at generated files
 * (tlsFiles/configEdit.ts): `client_tls_sslmode = prefer` (TLS offered, clients without it still served, as
 * PostgreSQL's `ssl = on`), `client_tls_cert_file`, `client_tls_key_file`, `client_tls_ca_file` in the `[pgbouncer]`
 * section (added when the file has none), values as written (no quoting), absolute paths only: PgBouncer opens a
 * relative path from its working directory, / when it runs as a daemon.
 */
import type { TlsConfigWriter } from '../../core/language';
import type { SourceDocument, Span } from '../../core/types';
import type { PgbouncerIniFile } from './model';

export function tlsWriter(doc: SourceDocument, file: PgbouncerIniFile): TlsConfigWriter {
  const text = doc.text;
  const sections = file.statements.filter(st => st.kind === 'section');
  const own = sections.findIndex(st => st.name.toLowerCase() === 'pgbouncer');
  const lineAfter = (offset: number): number => {
    const nl = text.indexOf('\n', offset);
    return nl < 0 ? text.length : nl + 1;
  };
  let range: Span = [0, 0];
  let insertAt = text.length;
  if (own >= 0) {
    const header = sections[own]!;
    const next = sections[own + 1];
    range = [header.span[0], next ? next.span[0] : text.length];
    const entries = file.entries.filter(e => e.section?.toLowerCase() === 'pgbouncer' && !e.included && e.st.span[0] >= range[0] && e.st.span[0] < range[1]);
    insertAt = lineAfter(entries.length ? entries[entries.length - 1]!.st.span[1] : header.span[1]);
  }
  const last = (key: string) => [...file.entries].reverse().find(e => e.section?.toLowerCase() === 'pgbouncer' && !e.included && e.st.key.toLowerCase() === key);
  return {
    product: 'PgBouncer',
    keys: { cert: 'client_tls_cert_file', key: 'client_tls_key_file', ca: 'client_tls_ca_file' },
    enable: { key: 'client_tls_sslmode', value: 'prefer', isOn: v => v !== undefined && v !== '' && v.toLowerCase() !== 'disable' },
    current: key => {
      const e = last(key);
      return e ? { value: e.st.value, span: e.st.valueSpan } : undefined;
    },
    insertAt,
    ...(own < 0 ? { prefix: '[pgbouncer]\n' } : {}),
    quote: v => (/[\n\r]/.test(v) || v !== v.trim() ? undefined : v),
    comments: ';#',
    sampleRange: range,
    baseDir: undefined,
    baseWords: 'PgBouncer\'s working directory',
  };
}
