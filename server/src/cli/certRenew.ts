/**
 * `pgtls cert renew` and `pgtls cert rotate-ca`: the command-line front end of node/certLifecycle.ts. Parses the
 * flags, maps the core's refusals to exit codes (a folder that is not a set: 2; a set that cannot be renewed as
 * asked: 1) and prints what changed, the backup folder and, for rotate-ca, the numbered steps. Never key material.
 */
import { NotASetError, RELOAD, SetProblemError } from '../certService';
import { renewFolder, rotateFolder, type LifecycleSummary, type RotateSummary } from '../node/certLifecycle';
import { CommandFailure, UsageError, intFlag, required, type ParsedArgs } from './args';
import type { CertCtx } from './certFiles';
import { formatFlag } from './certFlags';
import { presetFrom } from './certPresets';

export const LIFECYCLE_HELP = `  pgtls cert renew --out DIR [--new-keys] [--days N] [--no-backup] [--format text|json]
      Re-issues every leaf of the set in DIR (server.crt, client.crt, replication.crt, …) from DIR/ca.crt + ca.key:
      same subject, SANs, key usages and algorithm, a fresh validity (default 397 days). The leaf keys are reused
      (each must match its certificate) unless --new-keys. The replaced files go to DIR/backup-YYYYMMDD-HHMMSS/
      first (UTC), unless --no-backup.

  pgtls cert rotate-ca --out DIR [--operator percona|pgo|cpo|zalando|kubedb --name CLUSTER [--namespace NS]
                       [--layout one|two] | --resource FILE] [--new-keys] [--days N] [--ca-days N] [--no-backup]
                       [--format text|json]
      A new CA with the old one's subject name and algorithm (new key and serial): ca.crt + ca.key, ca-bundle.crt
      (old + new CA) for the transition, and the leaves re-issued by the new CA. Prints the order of the steps
      (trust the bundle everywhere, swap the leaves, drop the old CA); with --operator it also writes each step's
      Secrets to DIR/rotate-ca-N-*.yaml (mode 0600: they hold keys). The old CA key is not needed.
`;

/** Runs `cert renew` or `cert rotate-ca` with parsed flags; resolves with the exit code. */
export async function certLifecycle(sub: 'renew' | 'rotate-ca', p: ParsedArgs, ctx: CertCtx, now: Date, crypto: Crypto): Promise<number> {
  const dir = required(p, 'out', `cert ${sub}`, '(the folder that holds the set: ca.crt, ca.key, server.crt, …)');
  const format = formatFlag(p);
  const days = intFlag(p, 'days', 1, 36500);
  const run = { dir, now, crypto, newKeys: p.bools.has('new-keys'), backup: !p.bools.has('no-backup'), ...(days ? { days } : {}) };
  try {
    if (sub === 'renew') {
      const s = await renewFolder(run);
      ctx.io.out(format === 'json' ? JSON.stringify(s, null, 2) + '\n' : renewText(s));
      for (const w of s.warnings) ctx.io.err(`pgtls: warning: ${w}\n`);
      return 0;
    }
    const preset = presetFrom(p, 'cert rotate-ca');
    const caDays = intFlag(p, 'ca-days', 1, 36500);
    const s = await rotateFolder({ ...run, ...(preset ? { preset } : {}), ...(caDays ? { caDays } : {}) });
    ctx.io.out(format === 'json' ? JSON.stringify(s, null, 2) + '\n' : rotateText(s));
    for (const w of s.warnings) ctx.io.err(`pgtls: warning: ${w}\n`);
    return 0;
  } catch (e) {
    if (e instanceof NotASetError) throw new UsageError(`${dir}: ${e.message}`);
    if (e instanceof SetProblemError) throw new CommandFailure(`${dir}: ${e.message}`);
    throw e;
  }
}

const day = (iso: string) => iso.slice(0, 10);

function common(s: LifecycleSummary, L: string[]): void {
  for (const l of s.leaves) {
    L.push(`  ${l.file}: ${l.subject}${l.sans.length ? `, SANs ${l.sans.join(', ')}` : ''}`);
    L.push(`    valid ${day(l.notBefore)} to ${day(l.notAfter)} (${l.days} days; was until ${day(l.previousNotAfter)}), key ${l.key === 'reused' ? 'reused' : 'new (0600)'}`);
  }
  for (const n of s.notes) L.push(`  Note: ${n}`);
  L.push(s.backupDir
    ? `The replaced files (${s.backedUp.join(', ')}) are in ${s.backupDir}.`
    : s.backedUp.length === 0 && s.written.some(w => w.replaced) ? 'No backup was kept (--no-backup).' : 'Nothing was replaced.');
}

function renewText(s: LifecycleSummary): string {
  const L = [`Renewed ${s.leaves.length} certificate${s.leaves.length === 1 ? '' : 's'} in ${s.dir}:`];
  common(s, L);
  L.push(`Then ${RELOAD}. Clients read their certificates at each new connection.`);
  return L.join('\n') + '\n';
}

function rotateText(s: RotateSummary): string {
  const L = [
    `Rotated the CA in ${s.dir}:`,
    `  old CA: ${s.oldCa.subject}, serial ${s.oldCa.serialNumber}, valid until ${day(s.oldCa.notAfter)}`,
    `  new CA: ${s.newCa.subject}, serial ${s.newCa.serialNumber}, valid ${day(s.newCa.notBefore)} to ${day(s.newCa.notAfter)} (ca.crt, ca.key)`,
    '  ca-bundle.crt: the old CA, then the new one',
    `  ${s.sameSubject ? 'Same subject name.' : 'The subject name changed.'} ${s.subjectNote}`,
    'Leaves re-issued by the new CA:',
  ];
  common(s, L);
  L.push('', 'Do it in this order (each step only once the previous one is in effect everywhere):');
  s.steps.forEach((st, i) => {
    L.push(`  ${i + 1}. ${st.title}: ${st.text}`);
    if (st.manifest) L.push(`     Secrets: ${st.secrets!.join(', ')} in ${st.manifest} (kubectl apply -f ${st.manifest}; mode 0600, it holds keys)`);
  });
  return L.join('\n') + '\n';
}
