/**
 * The quick fix "Generate … here" on a missing certificate, key or CA file of pgpool.conf, postgresql.conf or
 * pgbouncer.ini (GENERATE_TLS_FILES_COMMAND): the server put the exact paths the configuration names in the argument
 * (only paths on this machine); this asks for the server's names, has the server generate and write the files there
 * (`pgtls/certs/create` with `paths`: keys 0600, atomic, nothing replaced without the Replace answer) and says what
 * it wrote. The diagnostics clear by themselves: the files are watched.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CertCreateParams, CertCreateResult, GenerateTlsFilesArgs } from '../../../server/src/protocol';
import { ask, confirmReplace, shownPath } from './certQuestions';

/** The quick fix's argument; tests and keybindings may add the answers (then nothing is asked, nothing confirmed). */
export type GenerateHereArgs = GenerateTlsFilesArgs & Partial<Pick<CertCreateParams, 'serverName' | 'sans' | 'algorithm' | 'force'>>;

/** Whether the command runs for a person (from the light bulb): it then asks, confirms and shows its errors. */
export const asksHere = (arg: unknown): boolean => !arg || typeof arg !== 'object' || (arg as GenerateHereArgs).serverName === undefined;

export async function generateHere(send: (params: CertCreateParams) => Promise<CertCreateResult>, args: GenerateHereArgs | undefined, output: vscode.LogOutputChannel): Promise<CertCreateResult> {
  if (!args || (args.kind !== 'server' && args.kind !== 'ca') || !args.paths) throw new Error('this command runs from the quick fix on a missing certificate, key or CA file');
  const interactive = asksHere(args);
  const first = args.paths.cert ?? args.paths.ca;
  if (!first) throw new Error('the quick fix names no file to generate');
  const params: CertCreateParams = { kind: args.kind, folder: path.dirname(first), paths: args.paths };
  if (args.algorithm) params.algorithm = args.algorithm;
  if (args.force) params.force = true;
  if (args.kind === 'server') {
    params.serverName = args.serverName ?? await ask(`${args.product} server certificate: the host name or address clients dial (the CN)`, 'localhost');
    params.sans = args.sans ?? (await ask('More host names and IP addresses (SANs), comma-separated', '127.0.0.1', true)).split(/[,\s]+/).filter(Boolean);
  }
  let result = await send(params);
  if (result.status === 'exists') {
    if (!interactive) return result;
    await confirmReplace(result.existing, path.dirname(result.existing[0]!));
    result = await send({ ...params, force: true });
    if (result.status === 'exists') throw new Error(`${result.existing.join(', ')} could not be replaced`);
  }
  const s = result.summary;
  output.info(`generate here: ${s.message}`);
  const names = s.files.map(f => shownPath(f.path)).join(', ');
  void vscode.window.showInformationMessage(`PG TLS: Created ${names} at the paths the configuration names.`, 'Show Details')
    .then(choice => { if (choice === 'Show Details') output.show(true); });
  return result;
}
