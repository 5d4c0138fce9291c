/** Completion for the auth_file: the password formats PgBouncer recognises, right after a password's opening quote. */
import type { CompletionResult } from '../../core/types';
import type { UserlistFile } from './model';

const FORMATS: readonly { label: string; documentation: string }[] = [
  { label: 'SCRAM-SHA-256$', documentation: 'A SCRAM secret follows, copied from PostgreSQL (`SELECT rolpassword FROM pg_authid WHERE rolname = …`): it serves `scram-sha-256`, `md5` and `plain` logins.' },
  { label: 'md5', documentation: 'An MD5 hash follows: 32 lower-case hexadecimal digits of md5(password + user name). It cannot serve `scram-sha-256` logins.' },
];

export function complete(file: UserlistFile, offset: number): CompletionResult[] {
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const m = /^\s*"(?:[^"]|"")*"\s+"([A-Za-z0-9-]*)$/.exec(before);
  if (!m) return [];
  const typed = m[1]!;
  return FORMATS.filter(f => f.label.toLowerCase().startsWith(typed.toLowerCase())).map(f => ({
    label: f.label, kind: 'keyword', detail: 'auth_file password format', documentation: f.documentation, replace: [offset - typed.length, offset],
  }));
}
