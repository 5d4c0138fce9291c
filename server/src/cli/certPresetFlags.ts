/**
 * The operator preset flags of the cert commands (--operator/--name/--namespace/--cluster-domain/--layout, or
 * --resource FILE), read without the YAML library: a resource file is read by the caller's `readResource`
 * (certPresets.ts), so that `pgtls cert set`'s own bundle (certSetMain.ts) holds none of it.
 */
import { OPERATORS, parseOperator, preset, type CertPreset, type CpoLayout, type PresetInput } from '../certGenerate';
import { UsageError, choiceFlag, many, one, required, type ParsedArgs } from './args';

/** Reads the preset of the resource in a file (its document named `wanted`, else the first resource). */
export type ResourceReader = (resource: string, wanted: string | undefined, overrides: Partial<PresetInput>) => CertPreset;

/** The preset named by --operator/--name (…) or --resource, or undefined when neither is given. */
export function presetFlags(p: ParsedArgs, command: string, readResource: ResourceReader | undefined): CertPreset | undefined {
  const resource = one(p, 'resource');
  const opName = one(p, 'operator');
  const layout = choiceFlag(p, 'layout', ['one', 'two'] as const);
  const extraSans = many(p, 'san');
  const users = many(p, 'client-user');
  const overrides: Partial<PresetInput> = {
    ...(one(p, 'namespace') ? { namespace: one(p, 'namespace') } : {}),
    ...(one(p, 'cluster-domain') ? { clusterDomain: one(p, 'cluster-domain') } : {}),
    ...(layout ? { cpoLayout: layout as CpoLayout } : {}),
    ...(extraSans.length ? { extraSans } : {}),
    ...(users.length ? { clientUsers: users } : {}),
  };
  if (resource !== undefined) {
    // bin/pgtls.js runs a command with --resource from the full cert bundle, which passes a reader
    if (!readResource) throw new UsageError(`${command} --resource: run it as "pgtls ${command} …" (this entry point reads no resource files)`);
    const found = readResource(resource, one(p, 'name'), overrides);
    if (opName !== undefined && parseOperator(opName) !== found.operator) {
      throw new UsageError(`--operator ${opName} does not match the ${found.kind} in ${resource}`);
    }
    return found;
  }
  if (opName === undefined) {
    if (one(p, 'name') !== undefined || one(p, 'namespace') !== undefined || one(p, 'cluster-domain') !== undefined || layout !== undefined) {
      throw new UsageError(`${command}: --name, --namespace, --cluster-domain and --layout need --operator (${OPERATORS.join(', ')}) or --resource`);
    }
    return undefined;
  }
  const name = required(p, 'name', command, '(the resource name, or the Pgpool-II host for --operator pgpool)');
  return preset({ operator: opName, name, ...overrides });
}
