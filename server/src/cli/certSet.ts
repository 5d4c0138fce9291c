/**
 * `pgtls cert set`, shared by the full cert bundle (cert.ts) and the bundle of its own that bin/pgtls.js runs for it
 * (certSetMain.ts): it imports only the generating half of the façade (certGenerate.ts), so that the command's
 * process loads no YAML library, no @peculiar/x509 and nothing of inspection, signing or the lifecycle.
 */
import { DEFAULT_CA_DAYS, assertStrong, splitSans, type CertPreset } from '../certGenerate';
import { UsageError, intFlag, many, one, required, type ParsedArgs } from './args';
import { caFiles, leafFiles, precheck, writeAndReport, type GenCtx, type Planned } from './certFiles';
import { algorithmFlag, formatFlag, keyFormatFlag, validityFlags } from './certFlags';
import { presetFlags } from './certPresetFlags';

/** The operator preset of the command's flags (certPresets.ts `presetFrom`, or `presetFlags` without a resource reader). */
export type PresetOf = (p: ParsedArgs, command: string) => CertPreset | undefined;

/**
 * `pgtls cert set`: a CA, a server and a client certificate (+ replication), written to --out. `presetOf` reads the
 * preset flags: the full cert bundle passes one that reads --resource files (YAML); certSetMain.ts one that does not.
 */
export async function certSet(p: ParsedArgs, ctx: GenCtx, presetOf: PresetOf = (q, command) => presetFlags(q, command, undefined)): Promise<number> {
  const out = required(p, 'out', 'cert set', '(the folder to write into)');
  const format = formatFlag(p);
  const pr = presetOf(p, 'cert set');
  const algorithm = algorithmFlag(p) ?? 'ecdsa-p256';
  const { hash } = assertStrong(algorithm, one(p, 'hash'));
  const keyFormat = keyFormatFlag(p, algorithm);
  const days = intFlag(p, 'days', 1, 36500);
  const caDays = intFlag(p, 'ca-days', 1, 36500);
  let serverName = one(p, 'server-name');
  let sans = many(p, 'san');
  let clientUser = one(p, 'client-user');
  if (pr) {
    serverName ??= pr.server.commonName;
    sans = [...pr.server.dnsNames, ...pr.server.ipAddresses].filter(s => s !== serverName);
    clientUser ??= pr.clientUsers[0];
  }
  if (!serverName) throw new UsageError('cert set needs --server-name (the host name or address clients dial), or --operator/--resource');
  if (!clientUser) throw new UsageError('cert set needs --client-user (the database user the client certificate logs in as; it becomes the CN)');
  const replication = p.bools.has('replication') || pr?.replicationUser !== undefined;
  const pk8 = p.bools.has('pk8');
  const names = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key',
    ...(pk8 ? ['client.pk8'] : []), ...(replication ? ['replication.crt', 'replication.key'] : [])];
  precheck(out, names, p.bools.has('force'));
  const extra = splitSans(sans);

  const caName = one(p, 'ca-name') ?? [...`pgtls development CA for ${serverName}`].slice(0, 64).join('').trim();
  const set = await ctx.certs.createSet({
    ca: { algorithm, keyFormat, commonName: caName, ...(hash ? { hash } : {}), days: caDays ?? DEFAULT_CA_DAYS },
    leaves: { algorithm, keyFormat, ...(days ? { days } : {}), ...validityFlags(p) },
    server: { commonName: serverName, dnsNames: extra.dns, ipAddresses: extra.ip },
    client: { user: clientUser },
    replication,
  });
  const files: Planned[] = [
    ...caFiles(set.ca),
    ...leafFiles(set.server!, 'server', 'server certificate', false),
    ...leafFiles(set.client!, 'client', 'client certificate', pk8),
    ...(set.replication ? leafFiles(set.replication, 'replication', 'replication certificate', false) : []),
  ];
  return await writeAndReport(out, files, p, ctx, format, algorithm);
}
