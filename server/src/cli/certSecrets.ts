/**
 * `pgtls cert secrets`: the Kubernetes Secrets (and KubeDB's Issuer) of an operator, from a folder of certificate
 * files, checked first (keys match, leaves come from ca.crt), printed or written 0600.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { operatorManifests, renderManifests, requiredFiles } from '../certService';
import { writeCertFiles } from '../node/writeFiles';
import { UsageError, intFlag, one, required, type ParsedArgs } from './args';
import { readInput, type CertCtx } from './certFiles';
import { algorithmFlag } from './certFlags';
import { presetFrom } from './certPresets';

export async function certSecrets(p: ParsedArgs, ctx: CertCtx): Promise<number> {
  const from = required(p, 'from', 'cert secrets', '(the folder with ca.crt, server.crt … as "pgtls cert set" writes it)');
  const pr = presetFrom(p, 'cert secrets');
  if (!pr) throw new UsageError('cert secrets needs --operator percona|cpo|kubedb|pgo|zalando and --name CLUSTER, or --resource FILE');
  if (pr.operator === 'pgpool') throw new UsageError('cert secrets is for Kubernetes operators (percona, cpo, kubedb, pgo, zalando); plain Pgpool-II reads the files directly');
  if (p.bools.has('certificate') && pr.operator !== 'kubedb') throw new UsageError('--certificate is for --operator kubedb');
  if (p.bools.has('no-root-ca') && pr.operator !== 'percona') throw new UsageError('--no-root-ca is for --operator percona');
  const algorithm = algorithmFlag(p);
  const days = intFlag(p, 'days', 1, 36500);
  const includeRootCa = !p.bools.has('no-root-ca');
  const needed = requiredFiles(pr, { includeRootCa });
  const missingFiles = needed.filter(f => !fs.existsSync(path.join(from, f)));
  if (missingFiles.length) {
    const hint = missingFiles.some(f => f.startsWith('replication.'))
      ? ` (create the replication certificate with "pgtls cert replication --out ${from}")`
      : ` (create them with "pgtls cert set --operator ${pr.operator} --name ${pr.name} --out ${from}")`;
    throw new UsageError(`${from} lacks ${missingFiles.join(', ')}${hint}`);
  }
  const files: Record<string, Uint8Array> = {};
  for (const f of needed) files[f] = readInput(path.join(from, f), 'the set\'s file');
  const lacking = await ctx.certs.checkSetFiles(files, pr, f => path.join(from, f));
  if (lacking.length) {
    ctx.io.err(`pgtls: warning: server.crt lacks ${lacking.length} of the names ${pr.kind} clients dial: ${lacking.slice(0, 4).join(', ')}${lacking.length > 4 ? ', …' : ''} (regenerate with "pgtls cert set --operator ${pr.operator} --name ${pr.name} --namespace ${pr.namespace} --out DIR --force")\n`);
  }
  const manifests = operatorManifests(pr, files, { includeRootCa, certificate: p.bools.has('certificate'), ...(algorithm ? { algorithm } : {}), ...(days ? { days } : {}), sourceDir: from });
  const yaml = renderManifests(manifests, { kind: pr.kind, name: pr.name });
  const out = one(p, 'out') ?? '-';
  // Its name goes into the .gitignore beside it: a line break would start a pattern of its own (`!*.key`).
  if (/[\u0000-\u001f\u007f]/.test(path.basename(out))) throw new UsageError(`--out ${JSON.stringify(out)}: a file name with a line break or another control character cannot be listed in .gitignore; choose a plain name`);
  const secretNames = manifests.documents.map(d => `${String(d.object.kind)}/${String((d.object.metadata as { name: string }).name)}`);
  if (out === '-') {
    ctx.io.out(yaml);
    ctx.io.err(`pgtls: printed ${secretNames.join(', ')}; the Secrets hold private keys.\n`);
    return 0;
  }
  const result = await writeCertFiles(path.dirname(path.resolve(out)), [{ name: path.basename(out), contents: yaml, secret: true }], {
    force: p.bools.has('force'), gitignore: !p.bools.has('no-gitignore'), ignore: [path.basename(out)],
  });
  for (const w of result.warnings) ctx.io.err(`pgtls: warning: ${w}\n`);
  ctx.io.out(`Wrote ${result.files[0]!.path} (mode 0600): ${secretNames.join(', ')}.\nApply with: kubectl apply -f ${out}; then merge the patch at the end of the file into the ${pr.kind} ${pr.name}.\n`);
  return 0;
}
