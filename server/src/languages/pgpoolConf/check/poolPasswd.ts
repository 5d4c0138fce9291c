/**
 * The `pool_passwd` setting holds the name of Pgpool-II's password file (relative to pgpool.conf's folder; `''`
 * disables it), not a password: a value shaped like a password entry is reported, without ever repeating it.
 */
import type { ValidateContext } from '../../../core/language';
import { entryShape } from '../../poolPasswd';
import type { PgpoolConfFile } from '../model';
import { R } from '../rules';

export function checkPoolPasswdValue(file: PgpoolConfFile, ctx: ValidateContext): void {
  for (const a of file.assignments) {
    if (a.name !== 'pool_passwd' || a.missingValue || a.phantom) continue;
    const shape = entryShape(a.value);
    if (!shape) continue;
    const secret = !shape.startsWith('text with blanks');
    ctx.report(R['pool-passwd-value'], a.valueSpan, `\`pool_passwd\` names the password file, but this value looks like ${shape}, not a file name: Pgpool-II opens (or creates) a file of that name in pgpool.conf's folder and finds no entries in it, so md5 and scram-sha-256 logins that need pool_passwd fail.${secret ? ' It also leaves a secret in pgpool.conf.' : ''} Set \`pool_passwd = 'pool_passwd'\` and put the \`username:password\` lines in that file.`,
      {
        // A password entry certainly is no file name (every login that needs pool_passwd is refused); text with blanks
        // may still be a (strange) file name.
        ...(secret ? {} : { severity: 'warning' as const }),
        ...(a.valueSpan[1] > a.valueSpan[0] ? { fixes: [{ title: "Set pool_passwd = 'pool_passwd'", edits: [{ span: a.valueSpan, newText: "'pool_passwd'" }] }] } : {}),
      });
  }
}
