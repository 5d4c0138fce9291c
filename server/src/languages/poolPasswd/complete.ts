/** Completion for pool_passwd: the value prefixes Pgpool-II recognises, right after a user name's `:`. */
import type { CompletionResult } from '../../core/types';
import { AES_PREFIX, MD5_PREFIX, TEXT_PREFIX } from './catalogue';
import type { PoolPasswdFile } from './model';

const PREFIXES: readonly { label: string; documentation: string }[] = [
  { label: TEXT_PREFIX, documentation: 'A clear-text password follows (`alice:TEXTsecret`); it serves scram-sha-256, md5 and password logins.' },
  { label: AES_PREFIX, documentation: 'An AES-256 encrypted password follows, as `pg_enc -m` writes it; decrypted with pgpool\'s key file.' },
  { label: MD5_PREFIX, documentation: 'An MD5 hash of password + user name follows (32 hex digits, as `pg_md5 --md5auth` writes it); it cannot serve scram-sha-256.' },
];

export function complete(file: PoolPasswdFile, offset: number): CompletionResult[] {
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const m = /^((?:[^\\:]|\\.)+):([A-Za-z0-9]*)$/.exec(before);
  if (!m || before.startsWith('#')) return [];
  const typed = m[2]!;
  return PREFIXES.filter(p => p.label.toLowerCase().startsWith(typed.toLowerCase())).map(p => ({
    label: p.label, kind: 'keyword', detail: 'pool_passwd value prefix', documentation: p.documentation, replace: [offset - typed.length, offset],
  }));
}
