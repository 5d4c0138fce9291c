/**
 * Percona PerconaPGCluster (pgv2.percona.com/v2), document-local TLS rules: the custom TLS Secret projections (R1,
 * R2, R4b), the CEL rule "TLS is always enabled" (R8), `tlsOnly` and user HBA rules (R9), cert-manager lifetimes
 * (R11; with a custom root CA they have no effect, R10) and name lengths (R12). Across documents: a custom Secret found
 * only in another namespace (R3). The rules that read the keys of the referenced Secrets (R3, R4) are in secretKeys.ts.
 * R13 (a root CA Secret with tls.crt/tls.key mapped to root.crt/root.key through `items`) is accepted by R4 and here.
 * R14 (the `percona.com/delete-ssl` finalizer) is not a rule: it is a deliberate, documented choice that only acts when
 * the cluster is deleted; nothing in the manifest is wrong.
 * Facts: operators.md §2.2.
 */
import type { Certificate } from '../../../core/tlsBackend';
import { chainsTo, issuedByBackend } from '../../../x509';
import type { Resource } from '../model';
import { PROJECTIONS, type ProjectionField } from '../references';
import { PERCONA } from '../rules';
import { namePlace } from '../workspace';
import { secretContents } from '../certData';
import { checkProjection, checkSslParameters, itemsOf, reportTwins as reportCrunchyTwins } from './crunchy';
import type { DocumentContext, LiveContext, RuleModule } from './types';
import { HOUR, get, goDuration, isObj, isPercona, spanAt, str } from './util';

/** The file paths the operator requires of a projection (R4). */
export function requiredPaths(field: ProjectionField, secrets: Record<string, unknown>): string[] {
  if (field === 'customRootCATLSSecret') return ['root.crt', 'root.key'];
  const hasRoot = secrets.customRootCATLSSecret !== undefined && secrets.customRootCATLSSecret !== null;
  return hasRoot ? ['tls.crt', 'tls.key'] : ['tls.crt', 'tls.key', 'ca.crt'];
}

export { itemsOf };

const DURATIONS = ['certValidityDuration', 'caValidityDuration', 'pgBackRestCertValidityDuration'];
const RENEW_BEFORE = 720 * HOUR;
const MAX_CN = 64;

export const perconaModule: RuleModule = {
  name: 'percona',
  appliesTo: isPercona,
  checkDocument(r, ctx) {
    const spec = get(r.data, ['spec']);
    if (!isObj(spec)) return;
    const secrets = isObj(spec.secrets) ? spec.secrets : {};
    const has = (f: ProjectionField) => secrets[f] !== undefined && secrets[f] !== null;

    // R1: the twins. With a custom root CA the answer depends on that Secret's certificate: checkLive.
    if (has('customTLSSecret') !== has('customReplicationTLSSecret') && !has('customRootCATLSSecret')) reportTwins(r, ctx, has);

    for (const f of PROJECTIONS) {
      if (!has(f)) continue;
      // R2 (the CRD defaults the name to ""), R4b (with items, only the listed keys are mounted). Only the server and
      // replication Secrets are projected into the pods; the root CA is read by the operator.
      checkProjection(r, ctx, { field: f, path: ['spec', 'secrets', f], required: requiredPaths(f, secrets), mounted: f !== 'customRootCATLSSecret' },
        secrets[f], PERCONA, `reconciliation fails ("failed to validate .spec.${f}: secret name is not specified") and the cluster is not reconciled`);
    }

    // R8: TLS is always enabled. When a CustomResourceDefinition of the workspace defines the kind (its title then
    // names the CRD), that CRD's own CEL rules are evaluated instead (schema/cel-rule): no second report.
    if (r.kind.title === r.doc.part.target?.title) checkSslParameters(r, ctx, PERCONA['ssl-parameter'], 'the operator');

    // R9: tlsOnly does not rewrite user rules.
    if (spec.tlsOnly === true) {
      const rules = get(spec, ['authentication', 'rules']);
      if (Array.isArray(rules)) {
        rules.forEach((ru, i) => {
          const conn = str(get(ru, ['connection']));
          const hbaWord = str(get(ru, ['hba']))?.trim().split(/\s+/)[0];
          const field = conn === 'host' || conn === 'hostnossl' ? 'connection' : hbaWord === 'host' || hbaWord === 'hostnossl' ? 'hba' : undefined;
          if (!field) return;
          const word = field === 'connection' ? conn : hbaWord;
          ctx.report(PERCONA['tls-only-user-rules'], spanAt(r, ['spec', 'authentication', 'rules', i, field]),
            `\`${word}\` still accepts plaintext connections: \`tlsOnly: true\` rewrites only the operator's own HBA rules to hostssl, not the rules in \`spec.authentication.rules\`. Use \`hostssl\` if this rule should require TLS.`);
        });
      }
    }

    // R11 and R12 concern the cert-manager path, which a custom root CA turns off (R10).
    const tls = isObj(spec.tls) ? spec.tls : {};
    if (has('customRootCATLSSecret')) {
      for (const d of DURATIONS) {
        if (tls[d] === undefined || tls[d] === null) continue;
        ctx.report(PERCONA['validity-without-cert-manager'], spanAt(r, ['spec', 'tls', d], 'key'),
          `\`${d}\` has no effect here: with \`customRootCATLSSecret\` the operator does not use cert-manager, and its own PKI signs the certificates with your CA and decides their lifetime itself (your CA keeps its own validity), whatever this says. Remove it, or drop \`customRootCATLSSecret\` to let cert-manager issue the certificates.`);
      }
      return;
    }
    for (const d of DURATIONS) {
      const v = str(tls[d]);
      if (v === undefined) continue;
      const ms = goDuration(v);
      if (ms === undefined || ms > RENEW_BEFORE) continue;
      ctx.report(PERCONA['validity-duration'], spanAt(r, ['spec', 'tls', d]),
        `\`${d}: ${v}\` is not longer than 720h: when cert-manager issues the certificates, the operator sets \`renewBefore: 720h\` on each, and cert-manager rejects a renewBefore that is not below the duration, so no certificate is issued. Use more than 720h (e.g. 2160h); it has no effect with the operator's internal PKI.`);
    }
    const cluster = r.header.name;
    if (!cluster) return;
    if (`${cluster}-postgres`.length > MAX_CN) {
      ctx.report(PERCONA['name-length'], spanAt(r, ['metadata', 'name']),
        `With cert-manager, the operator requests a certificate with CN \`${cluster}-postgres\` (${cluster.length + 9} characters) and cert-manager rejects a CN over 64 characters. Use a cluster name of at most 55 characters.`);
      return;
    }
    const instances = spec.instances;
    if (Array.isArray(instances)) {
      instances.forEach((inst, i) => {
        const set = str(get(inst, ['name']));
        if (set === undefined) return;
        const cn = `${cluster}-${set}-xxxx`;
        if (cn.length > MAX_CN) {
          ctx.report(PERCONA['name-length'], spanAt(r, ['spec', 'instances', i, 'name']),
            `With cert-manager, each instance certificate has the StatefulSet name \`${cluster}-${set}-<4 characters>\` as CN (${cn.length} characters), and cert-manager rejects a CN over 64 characters. Shorten the cluster or instance set name.`);
        }
      });
    }
  },
  checkLive(r, ctx) {
    const secrets = get(r.data, ['spec', 'secrets']);
    // R1 with a custom root CA (R10): the operator generates the missing twin from that root, so the pair is consistent
    // when the present certificate chains to the root; only verifiable with both Secrets in the workspace.
    if (isObj(secrets)) {
      const has = (f: ProjectionField) => secrets[f] !== undefined && secrets[f] !== null;
      if (has('customTLSSecret') !== has('customReplicationTLSSecret') && has('customRootCATLSSecret')) {
        const present: ProjectionField = has('customTLSSecret') ? 'customTLSSecret' : 'customReplicationTLSSecret';
        // Verified either way: fine, or percona/twin-secrets-ca (certUsage.ts) reports the certificate off the root.
        if (chainsToCustomRoot(r, ctx, secrets, present) === 'unknown') reportTwins(r, ctx, has);
      }
    }
    // R3: the operator reads each custom Secret from the cluster's namespace.
    const ns = r.header.namespace;
    if (!ns || !isObj(secrets)) return;
    const projections: { path: (string | number)[]; name: string; effect: string }[] = [];
    for (const f of PROJECTIONS) {
      const name = str(get(secrets, [f, 'name']));
      if (name) projections.push({ path: ['spec', 'secrets', f, 'name'], name, effect: 'the operator looks the Secret up in the cluster\'s namespace, so reconciliation fails' });
    }
    const bouncer = str(get(r.data, ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name']));
    if (bouncer) {
      projections.push({ path: ['spec', 'proxy', 'pgBouncer', 'customTLSSecret', 'name'], name: bouncer,
        effect: 'a pod can mount only Secrets of its own namespace, so the PgBouncer pods cannot start' });
    }
    for (const p of projections) {
      const all = ctx.workspace.find('Secret', p.name, undefined, 'v1');
      if (!all.length || all.some(d => !d.header.namespace || d.header.namespace === ns)) continue;
      const where = [...new Set(all.map(d => d.header.namespace))].map(n => `\`${n}\``).join(', ');
      const first = all[0]!;
      ctx.report(PERCONA['secret-namespace'], spanAt(r, p.path),
        `Secret \`${p.name}\` is in namespace ${where} in the workspace, but the cluster is in \`${ns}\`: ${p.effect}. Create the Secret in \`${ns}\`.`,
        { related: [{ ...namePlace(first), message: `Secret \`${p.name}\`` }] });
    }
  },
};

/** The R1 finding: one of the twin Secrets without the other. */
function reportTwins(r: Resource, ctx: DocumentContext, has: (f: ProjectionField) => boolean): void {
  const present = has('customTLSSecret') ? 'customTLSSecret' : 'customReplicationTLSSecret';
  const from = has('customRootCATLSSecret')
    ? `from the root CA of \`customRootCATLSSecret\`, so replication fails unless your \`${present}\` certificate is signed by exactly that CA (pgtls checks it when both Secrets are in the workspace)`
    : 'from its own root CA, so the two certificates have different CAs and replication fails';
  reportCrunchyTwins(r, ctx, PERCONA['twin-secrets'], ['spec', 'secrets'], present, from);
}

/** The Secret data key that ends up as file `path` of a Percona projection: the `items[]` entry mapping it, else the same-named key (R4, R13). */
export function perconaKeyFor(projection: unknown, path: string): string {
  const item = itemsOf(projection).find(i => i.path === path && i.key !== undefined);
  return item?.key ?? path;
}

/**
 * Whether the certificate of the `present` projection (its `tls.crt`, through the certificates after it) chains to
 * the root certificate of `customRootCATLSSecret` (`root.crt`), both Secrets found in the cluster's namespace.
 */
function chainsToCustomRoot(r: Resource, ctx: LiveContext, secrets: Record<string, unknown>, present: ProjectionField): boolean | 'unknown' {
  const ns = r.header.namespace;
  const certsOf = (f: ProjectionField, path: string): Certificate[] => {
    const name = str(get(secrets, [f, 'name']));
    if (!name) return [];
    const found = ctx.workspace.find('Secret', name, ns, 'v1');
    if (found.length !== 1) return [];
    return secretContents(found[0]!.doc.part, ctx.env.tls).certificates(perconaKeyFor(secrets[f], path))?.certificates ?? [];
  };
  const roots = certsOf('customRootCATLSSecret', 'root.crt');
  const chain = certsOf(present, 'tls.crt');
  if (!roots.length || !chain.length) return 'unknown';
  return chainsTo(chain, roots, issuedByBackend(ctx.env.tls));
}
