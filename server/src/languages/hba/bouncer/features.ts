/**
 * Hover and completion for the auth_hba_file, from the shared HBA catalogue with what PgBouncer adds or lacks
 * (catalogue.ts here): what a connection type, name keyword or method means to PgBouncer.
 */
import type { CompletionResult, HoverResult } from '../../../core/types';
import { CONN_TYPES, METHODS, isConnType, isMethod, type Method } from '../catalogue';
import { BOUNCER_CONN_TYPES, BOUNCER_METHODS } from './catalogue';
import type { BouncerHbaFile } from './model';

/** What PgBouncer does differently from PostgreSQL with each of its methods (src/client.c). */
const BOUNCER_NOTE: Partial<Record<Method, string>> = {
  md5: 'PgBouncer checks the password against the auth_file entry (clear text or `md5…`); when the user\'s entry is a SCRAM secret it asks for SCRAM instead.',
  password: 'PgBouncer calls this `plain`: the client sends its password in clear text and PgBouncer checks it against any kind of auth_file entry.',
  'scram-sha-256': 'Needs a clear-text or SCRAM auth_file entry; an `md5…` entry is refused ("SASL authentication failed").',
  cert: 'The client certificate\'s common name must be the user name; needs `client_tls_sslmode` with a `client_tls_ca_file` in pgbouncer.ini.',
  peer: 'The operating-system user on the other end of PgBouncer\'s Unix socket must be the database user name.',
};

export function hoverBouncerHba(file: BouncerHbaFile, offset: number): HoverResult | undefined {
  const line = file.lines.find(l => l.span[0] <= offset && offset <= l.span[1]);
  if (!line) return undefined;
  const tok = line.toks.find(t => t.span[0] <= offset && offset <= t.span[1]);
  if (!tok?.token) return undefined;
  const v = tok.token.value;
  const rec = file.records.find(r => r.line === line);
  if (!rec) return tok === line.toks[0] ? { span: tok.span, markdown: 'PgBouncer skips this line (see the problem reported on it).' } : undefined;
  if (tok.token === rec.typeToken && isConnType(v)) return { span: tok.span, markdown: `**${v}** · connection type\n\n${CONN_TYPES[v].common}` };
  if (tok.token === rec.methodToken && isMethod(v)) {
    return { span: tok.span, markdown: `**${v}** · authentication method\n\n${METHODS[v].common}${BOUNCER_NOTE[v] ? `\n\nIn PgBouncer: ${BOUNCER_NOTE[v]}` : ''}` };
  }
  if (!tok.token.quoted && (v === 'all' || v === 'sameuser')) {
    return { span: tok.span, markdown: v === 'all' ? `**all** · keyword\n\nMatches every ${rec.databases.includes(tok.token) ? 'database' : 'user'}.` : '**sameuser** · keyword\n\nMatches when the database has the same name as the user (PgBouncer accepts it in the user field too, comparing the other way round).' };
  }
  if (tok.token.include !== undefined) return { span: tok.span, markdown: `**@${tok.token.include}** · name list\n\nPgBouncer reads the names from this file, relative to the auth_hba_file's folder; if it cannot open it, it skips the line.` };
  return undefined;
}

export function completeBouncerHba(file: BouncerHbaFile, offset: number): CompletionResult[] {
  const text = file.text;
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const prefix = text.slice(start, offset);
  if (prefix.includes('#') || (prefix.match(/"/g)?.length ?? 0) % 2 === 1) return [];
  const words = prefix.split(/[ \t]+/);
  const word = words[words.length - 1]!;
  const index = words.filter(w => w !== '').length - (word === '' ? 0 : 1);
  const replace: [number, number] = [offset - word.length, offset];
  const first = words.find(w => w !== '');
  const methodAt = first === 'local' ? 3 : 4;
  if (index === 0) {
    return BOUNCER_CONN_TYPES.map(t => ({ label: t, kind: 'keyword', detail: 'connection type', documentation: CONN_TYPES[t].common, replace }));
  }
  if (index === methodAt || (index === methodAt + 1 && first !== 'local' && !words[4]?.includes('/'))) {
    return BOUNCER_METHODS.map(m => ({ label: m, kind: 'keyword', detail: 'authentication method', documentation: `${METHODS[m].common}${BOUNCER_NOTE[m] ? `\n\nIn PgBouncer: ${BOUNCER_NOTE[m]}` : ''}`, replace }));
  }
  if (index === 1 || index === 2) return [{ label: 'all', kind: 'keyword', detail: 'every name', replace }];
  return [];
}
