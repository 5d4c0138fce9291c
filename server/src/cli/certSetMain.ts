/**
 * The entry of the `dist/cli-cert-set.js` bundle: `pgtls cert set` alone, the command users time against their
 * openssl script. bin/pgtls.js runs it for `cert set` without --help and --resource (those go to dist/cli-cert.js,
 * which runs every cert command); it holds the generating half of the façade only (certGenerate.ts), no YAML
 * library and no @peculiar/x509. test/unit/cliBundles.test.ts checks both what it holds and that its output is the
 * full bundle's.
 */
import { createCertGenerator } from '../certGenerate';
import { fastCrypto } from '../node/fastCrypto';
import { parseArgs, type CliIo } from './args';
import { reportError } from './certFiles';
import { CERT_ALIASES, CERT_COMMANDS } from './certFlags';
import { certSet } from './certSet';

/** Runs `cert set …` (argv after the two command words) and resolves with the exit code. Never throws. */
export async function runCertSet(args: string[], io: CliIo): Promise<number> {
  try {
    const at = new Date(); // one clock reading per command, as runCertCli
    const p = parseArgs(args, { flags: CERT_COMMANDS['set']!, aliases: CERT_ALIASES, command: 'cert set' });
    return await certSet(p, { io, certs: createCertGenerator({ now: () => at, crypto: fastCrypto() }) });
  } catch (e) {
    return reportError(e, io);
  }
}

export async function main(): Promise<void> {
  process.stdout.on('error', () => undefined); // a closed pipe is not a failure
  process.exitCode = await runCertSet(process.argv.slice(4), { out: s => process.stdout.write(s), err: s => process.stderr.write(s) });
}
