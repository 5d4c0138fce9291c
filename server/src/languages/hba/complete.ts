/** Completion for both HBA dialects: what may stand in the field at the cursor, from the catalogue. */
import type { CompletionResult, Settings } from '../../core/types';
import { parseNumericHost } from './address';
import {
  CONN_TYPES, INCLUDE_DIRECTIVES, KEYWORDS, METHODS, OPTIONS, PGPOOL_CONN_TYPES, PGPOOL_METHODS, PG_CONN_TYPES, PG_METHODS,
  describeFor, isConnType, isMethod, type ConnType, type Method,
} from './catalogue';
import { lineAround, tokenize, type Dialect, type HbaField } from './lexer';
import type { FieldRole, HbaFile } from './model';

/** The role of field `index` on a line whose earlier fields are `fields` (hover.ts has `guessRoles` for whole lines). */
function roleAt(d: Dialect, fields: readonly HbaField[], index: number, postgresVersion: number): FieldRole | undefined {
  if (index === 0) return 'type';
  const first = fields[0]?.tokens[0]?.value ?? '';
  if (d === 'postgres' && postgresVersion >= 16 && Object.prototype.hasOwnProperty.call(INCLUDE_DIRECTIVES, first)) {
    return index === 1 ? 'include-target' : undefined;
  }
  if (index === 1) return 'database';
  if (index === 2) return 'user';
  if (first === 'local') return index === 3 ? 'method' : 'option';
  if (index === 3) return 'address';
  const addr = fields[3]?.tokens[0]?.value ?? '';
  const needsMask = !addr.includes('/') && !!parseNumericHost(addr);
  if (needsMask) return index === 4 ? 'netmask' : index === 5 ? 'method' : 'option';
  return index === 4 ? 'method' : 'option';
}

export function completeHba(file: HbaFile, offset: number, settings: Settings): CompletionResult[] {
  const d = file.dialect;
  const text = file.text;
  const { start } = lineAround(text, offset, d);
  let prefix = text.slice(start, offset);
  if (d === 'postgres') prefix = prefix.replace(/\\\r?\n/g, '');
  // Inside a comment: nothing to offer.
  let inQuote = false;
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i];
    if (ch === '"') inQuote = !inQuote;
    else if (ch === '#' && !inQuote) return [];
  }
  if (inQuote) return [];
  const lines = tokenize(prefix, { dialect: 'postgres' });
  const fields = lines[0]?.fields ?? [];
  const lastCh = prefix.length ? prefix.charCodeAt(prefix.length - 1) : 32;
  const atBlank = lastCh === 32 || lastCh === 9 || lastCh === 13;
  let index: number;
  let word = '';
  if (fields.length === 0) index = 0;
  else if (atBlank) index = fields.length;
  else if (lastCh === 44) index = fields.length - 1;
  else {
    index = fields.length - 1;
    const f = fields[index]!;
    const tok = f.tokens[f.tokens.length - 1]!;
    word = prefix.slice(tok.span[0]);
  }
  const replace: [number, number] = [offset - word.length, offset];
  const role = roleAt(d, fields, index, settings.postgresVersion);
  const item = (label: string, kind: CompletionResult['kind'], detail: string, documentation?: string, insertText?: string): CompletionResult => {
    const r: CompletionResult = { label, kind, detail, replace };
    if (documentation) r.documentation = documentation;
    if (insertText) r.insertText = insertText;
    return r;
  };
  const out: CompletionResult[] = [];
  switch (role) {
    case 'type': {
      for (const t of d === 'pgpool' ? PGPOOL_CONN_TYPES : PG_CONN_TYPES) out.push(item(t, 'keyword', 'connection type', describeFor(CONN_TYPES[t], d)));
      if (d === 'postgres' && settings.postgresVersion >= 16) {
        for (const [k, doc] of Object.entries(INCLUDE_DIRECTIVES)) out.push(item(k, 'keyword', 'include directive (PostgreSQL 16+)', doc));
      }
      break;
    }
    case 'database':
    case 'user': {
      for (const [k, e] of Object.entries(KEYWORDS)) {
        if (!(e.fields as readonly string[]).includes(role)) continue;
        if (d === 'pgpool' && e.inPgpool !== 'yes') continue;
        out.push(item(k, 'keyword', `${role} keyword`, describeFor(e, d)));
      }
      break;
    }
    case 'address': {
      for (const k of ['all', 'samehost', 'samenet']) out.push(item(k, 'keyword', 'address keyword', describeFor(KEYWORDS[k]!, d)));
      out.push(item('127.0.0.1/32', 'value', 'IPv4 loopback'), item('::1/128', 'value', 'IPv6 loopback'), item('10.0.0.0/8', 'value', 'private network'), item('192.168.0.0/16', 'value', 'private network'));
      break;
    }
    case 'netmask':
      for (const m of ['255.255.255.255', '255.255.255.0', '255.255.0.0', '255.0.0.0']) out.push(item(m, 'value', 'netmask'));
      break;
    case 'method': {
      const conn = fields[0]?.tokens[0]?.value ?? '';
      for (const m of d === 'pgpool' ? PGPOOL_METHODS : PG_METHODS) {
        if (d === 'postgres' && !methodFits(m, conn)) continue;
        // pgpool accepts `cert` on any line, but without TLS it can never succeed (the cert-on-non-ssl-line rule).
        if (d === 'pgpool' && m === 'cert' && (conn === 'local' || conn === 'hostnossl')) continue;
        out.push(item(m, 'enum', 'authentication method', describeFor(METHODS[m], d)));
      }
      break;
    }
    case 'option': {
      const conn = fields[0]?.tokens[0]?.value ?? '';
      const mi = (() => { for (let k = 0; k < fields.length; k++) if (roleAt(d, fields, k, settings.postgresVersion) === 'method') return k; return -1; })();
      const method = mi >= 0 ? fields[mi]!.tokens[0]!.value : '';
      if (word.includes('=')) break;
      for (const [name, e] of Object.entries(OPTIONS)) {
        const methods: readonly string[] = d === 'pgpool' ? e.pgpoolMethods : e.postgresMethods;
        if (!isMethod(method)) continue;
        const effective = d === 'postgres' && method === 'ident' && conn === 'local' ? 'peer' : method;
        if (!methods.includes(effective)) continue;
        if (d === 'postgres' && (name === 'clientcert' || name === 'clientname') && conn !== 'hostssl') continue;
        out.push(item(name, 'property', 'authentication option', describeFor(e, d), `${name}=`));
      }
      break;
    }
    default:
      break;
  }
  return out;
}

function methodFits(m: Method, conn: string): boolean {
  if (!isConnType(conn)) return true;
  const c: ConnType = conn;
  if (m === 'peer') return c === 'local';
  if (m === 'gss' || m === 'ident') return c !== 'local';
  if (m === 'cert') return c === 'hostssl';
  return true;
}
