/**
 * The entry of the `dist/cli-cert.js` bundle: `pgtls cert …` and `pgtls inspect …` only, so that these commands
 * start without loading the check machinery (languages, the service, schemas, ajv). bin/pgtls.js picks this bundle
 * by the top-level command name (CERT_BUNDLE_COMMANDS there); everything cert.ts reaches is in it, so a new
 * `cert` subcommand or inspect input lands here by its dispatch line alone. dist/cli.js (cli/main.ts) still runs
 * every command, these included. test/unit/cliBundles.test.ts fails if this bundle's inputs reach the machinery.
 */
import { runCertCli } from './cert';

export { runCertCli };

/** Runs `cert …`/`inspect …` on this process's arguments and sets the exit code. */
export async function main(): Promise<void> {
  process.stdout.on('error', () => undefined); // a closed pipe (pgtls inspect … | head) is not a failure
  process.exitCode = await runCertCli(process.argv.slice(2), { out: s => process.stdout.write(s), err: s => process.stderr.write(s) });
}
