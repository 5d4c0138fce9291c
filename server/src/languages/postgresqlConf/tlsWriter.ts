/**
 * How postgresql.conf writes its TLS settings, for pointing it at generated files (tlsFiles/configEdit.ts): `ssl = on`,
 * `ssl_cert_file`, `ssl_key_file`, `ssl_ca_file` as quoted strings (guc-file.l: `''` for a quote, a backslash
 * doubled), relative paths from the data directory when pgtls knows it (links.ts), else absolute.
 */
import type { FeatureContext, TlsConfigWriter } from '../../core/language';
import type { SourceDocument } from '../../core/types';
import { dataDirectoryAt } from './links';
import type { PostgresqlConfFile } from './model';
import { parseBool } from './values';

export function tlsWriter(doc: SourceDocument, file: PostgresqlConfFile, ctx: FeatureContext): TlsConfigWriter {
  const last = (key: string) => [...file.settings].reverse().find(s => s.key === key);
  return {
    product: 'PostgreSQL',
    keys: { cert: 'ssl_cert_file', key: 'ssl_key_file', ca: 'ssl_ca_file' },
    enable: { key: 'ssl', value: 'on', isOn: v => v !== undefined && parseBool(v) === true },
    current: key => {
      const s = last(key);
      return s ? { value: s.value, span: s.valueSpan } : undefined;
    },
    insertAt: doc.text.length,
    quote: v => (/[\n\r]/.test(v) ? undefined : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`),
    comments: '#',
    baseDir: dataDirectoryAt(doc, file, ctx),
    baseWords: 'the data directory',
  };
}
