/**
 * How pgpool.conf writes its TLS settings, for pointing it at generated files (tlsFiles/configEdit.ts): `ssl = on`,
 * `ssl_cert`, `ssl_key`, `ssl_ca_cert` as single-quoted strings (Pgpool-II's lexer keeps a backslash and has no way
 * to write a quote inside), relative paths from pgpool.conf's folder (`pool_ssl_make_absolute_path`).
 */
import type { TlsConfigWriter } from '../../core/language';
import type { SourceDocument } from '../../core/types';
import { type PgpoolConfFile, dirOf, parseBool } from './model';

export function tlsWriter(doc: SourceDocument, file: PgpoolConfFile): TlsConfigWriter {
  const last = (key: string) => [...file.assignments].reverse().find(a => a.key === key && !a.phantom && !a.missingValue);
  return {
    product: 'Pgpool-II',
    keys: { cert: 'ssl_cert', key: 'ssl_key', ca: 'ssl_ca_cert' },
    enable: { key: 'ssl', value: 'on', isOn: v => v !== undefined && parseBool(v) === true },
    current: key => {
      const a = last(key);
      return a ? { value: a.value, span: a.valueSpan } : undefined;
    },
    insertAt: doc.text.length,
    quote: v => (/['\n\r]/.test(v) ? undefined : `'${v}'`),
    comments: '#',
    baseDir: dirOf(doc.path),
    baseWords: 'pgpool.conf\'s folder',
  };
}
