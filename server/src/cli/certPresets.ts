/**
 * Operator presets on the command line: the preset that `--operator/--name …` or `--resource FILE` names (used by
 * `cert set`, `server`, `client`, `secrets` and `preset`), and `pgtls cert preset`, which prints it.
 */
import { OPERATORS, presetInText, toYaml, type CertPreset } from '../certService';
import { CommandFailure, UsageError, type ParsedArgs } from './args';
import { MAX_YAML_BYTES } from '../node/readFiles';
import { readText, type CertCtx } from './certFiles';
import { presetFlags } from './certPresetFlags';

/** The preset named by --operator/--name (…) or --resource, or undefined when neither is given. */
export function presetFrom(p: ParsedArgs, command: string): CertPreset | undefined {
  return presetFlags(p, command, (resource, wanted, overrides) => {
    const found = presetInText(readText(resource, 'resource file', MAX_YAML_BYTES), wanted, overrides);
    if (found === 'invalid-yaml') throw new CommandFailure(`${resource} is not valid YAML`);
    if (!found) throw new CommandFailure(`${resource} holds no KubeDB Pgpool, PerconaPGCluster or CPO postgresql${wanted ? ` named "${wanted}"` : ''}`);
    return found;
  });
}

/** `pgtls cert preset`: the names, Secrets and patch of an operator's TLS setup, as text or JSON. */
export function certPreset(p: ParsedArgs, { io }: CertCtx, format: 'text' | 'json'): number {
  const pr = presetFrom(p, 'cert preset');
  if (!pr) throw new UsageError(`cert preset needs --operator (${OPERATORS.join(', ')}) and --name, or --resource FILE`);
  if (format === 'json') {
    io.out(JSON.stringify(pr, null, 2) + '\n');
    return 0;
  }
  const L: string[] = [];
  L.push(pr.operator === 'pgpool' ? `Pgpool-II on ${pr.name}` : `${pr.kind} ${pr.name} in namespace ${pr.namespace} (cluster domain ${pr.clusterDomain})`);
  L.push('', 'Server certificate:', `  CN: ${pr.server.commonName}`);
  for (const d of pr.server.dnsNames) L.push(`  DNS: ${d}`);
  for (const ip of pr.server.ipAddresses) L.push(`  IP: ${ip}`);
  L.push('', `Client certificate CN: ${pr.clientUsers.join(', ')}`);
  if (pr.replicationUser) L.push(`Replication certificate CN: ${pr.replicationUser}`);
  if (pr.secrets.length) {
    L.push('', 'Secrets:');
    for (const s of pr.secrets) {
      L.push(`  ${s.name}  [${s.type ?? 'Opaque'}: ${s.keys.join(', ')}]  ${s.reference ?? ''}  (${s.source === 'pgtls' ? 'pgtls cert secrets writes it' : 'the operator creates it'})`);
    }
  }
  if (pr.issuer) L.push('', `cert-manager ${pr.issuer.kind}: ${pr.issuer.name} (spec.ca.secretName: ${pr.issuer.secretName})`);
  if (Object.keys(pr.patch).length) L.push('', `Patch for the ${pr.kind}:`, ...toYaml(pr.patch).trimEnd().split('\n').map(l => `  ${l}`));
  if (pr.config) {
    L.push('', 'pgpool.conf:', ...pr.config.pgpoolConf.map(l => `  ${l}`), 'pool_hba.conf:', ...pr.config.poolHba.map(l => `  ${l}`));
  }
  if (pr.notes.length) L.push('', 'Notes:', ...pr.notes.map(n => `  - ${n}`));
  const gen = pr.operator === 'pgpool'
    ? `pgtls cert set --out certs/${pr.name} --server-name ${pr.server.commonName}${[...pr.server.dnsNames, ...pr.server.ipAddresses].filter(s => s !== pr.server.commonName).map(s => ` --san ${s}`).join('')} --client-user ${pr.clientUsers[0]}`
    : `pgtls cert set --operator ${pr.operator} --name ${pr.name} --namespace ${pr.namespace} --out certs/${pr.name}`;
  L.push('', `Generate with: ${gen}`);
  io.out(L.join('\n') + '\n');
  return 0;
}
