/**
 * cert-manager rules: a Certificate's `duration` and `renewBefore` (webhook C8, C9, also applied to the durations a
 * KubeDB Pgpool passes on to its Certificates), `issuerRef` kinds (C2), and, across the workspace, a referenced Issuer
 * that exists only in another namespace or only as the other kind (C13, KubeDB K5). An issuer that is not in the
 * workspace at all is not reported: it may exist only in the cluster. The other webhook rules of a Certificate and of
 * an Issuer are in certManagerSpec.ts. Across the workspace, a ClusterIssuer's CA Secret outside cert-manager's
 * namespace (I5). Facts: operators.md §4 and §1.2.
 */
import type { Span } from '../../../core/types';
import type { Resource } from '../model';
import { CERT_MANAGER } from '../rules';
import { namePlace } from '../workspace';
import { checkCertificateSpec, checkIssuerSpec, checkSecretNameAndSans } from './certManagerSpec';
import type { DocumentContext, LiveContext, RuleModule } from './types';
import { HOUR, get, goDuration, isKubedbPgpool, isObj, spanAt, str } from './util';

const MIN_DURATION = HOUR;
const MIN_RENEW_BEFORE = 5 * 60_000;
const DEFAULT_DURATION = 2160 * HOUR;

const isCertificate = (r: Resource) => r.kind.apiVersion === 'cert-manager.io/v1' && r.kind.kind === 'Certificate';
const isIssuerKind = (r: Resource) => r.kind.apiVersion === 'cert-manager.io/v1' && (r.kind.kind === 'Issuer' || r.kind.kind === 'ClusterIssuer');

/** Checks `duration`/`renewBefore` of a certificate spec at `base`; `defaultDuration` when cert-manager's default applies. */
function checkDurations(r: Resource, base: (string | number)[], spec: Record<string, unknown>, ctx: DocumentContext, defaultDuration: number | undefined): void {
  const durText = str(spec.duration);
  let duration = defaultDuration;
  if (durText !== undefined) {
    const ms = goDuration(durText);
    if (ms === undefined) {
      ctx.report(CERT_MANAGER.duration, spanAt(r, [...base, 'duration']),
        `\`duration: ${durText}\` is not a Go duration (a metav1.Duration), so the resource is rejected when it is decoded. Write hours, minutes and seconds such as \`2160h\` or \`1h30m\` (there is no unit for days).`);
      return;
    }
    if (ms < MIN_DURATION) {
      ctx.report(CERT_MANAGER.duration, spanAt(r, [...base, 'duration']),
        `\`duration: ${durText}\` is shorter than 1h: the cert-manager webhook rejects the Certificate, so no certificate is issued. Use at least \`1h\`.`);
      return;
    }
    duration = ms;
  }
  const rbText = str(spec.renewBefore);
  const pct = spec.renewBeforePercentage;
  if (rbText === undefined && typeof pct === 'number' && Number.isInteger(pct) && duration !== undefined) {
    // renewBefore = duration × percentage / 100, which must land in [5m, duration) like an explicit renewBefore.
    const rb = duration * pct / 100;
    if (rb < MIN_RENEW_BEFORE || rb >= duration) {
      ctx.report(CERT_MANAGER['renew-before'], spanAt(r, [...base, 'renewBeforePercentage']),
        `\`renewBeforePercentage: ${pct}\` gives a renewBefore of ${pct >= 100 ? 'the whole duration or more' : 'under 5m'} (of ${durText ?? '2160h, the default duration'}): the cert-manager webhook rejects the Certificate. Use a percentage between 1 and 99 that leaves at least 5m, typically 33.`);
    }
    return;
  }
  if (rbText === undefined) return;
  const rb = goDuration(rbText);
  const at: Span = spanAt(r, [...base, 'renewBefore']);
  if (rb === undefined) {
    ctx.report(CERT_MANAGER['renew-before'], at, `\`renewBefore: ${rbText}\` is not a Go duration (a metav1.Duration), so the resource is rejected when it is decoded. Write e.g. \`720h\`.`);
  } else if (spec.renewBeforePercentage !== undefined && spec.renewBeforePercentage !== null) {
    ctx.report(CERT_MANAGER['renew-before'], at, '`renewBefore` and `renewBeforePercentage` are both set: the cert-manager webhook rejects the Certificate (they are mutually exclusive). Keep one.');
  } else if (rb < MIN_RENEW_BEFORE) {
    ctx.report(CERT_MANAGER['renew-before'], at, `\`renewBefore: ${rbText}\` is under 5m: the cert-manager webhook rejects the Certificate. Use at least \`5m\` (typically a third of the duration).`);
  } else if (duration !== undefined && rb >= duration) {
    ctx.report(CERT_MANAGER['renew-before'], at,
      `\`renewBefore: ${rbText}\` is not below the certificate duration (${durText ?? '2160h, the default'}): the cert-manager webhook rejects the Certificate. Shorten renewBefore or lengthen duration.`);
  }
}

interface IssuerRef { path: (string | number)[]; name: string; kind: 'Issuer' | 'ClusterIssuer' }

/** The cert-manager issuers a resource refers to. */
function issuerRefs(r: Resource): IssuerRef[] {
  const out: IssuerRef[] = [];
  if (isCertificate(r)) {
    const ref = get(r.data, ['spec', 'issuerRef']);
    if (!isObj(ref)) return out;
    const group = str(ref.group) ?? '';
    const kind = str(ref.kind) ?? '';
    const name = str(ref.name);
    if (name && (group === '' || group === 'cert-manager.io') && (kind === '' || kind === 'Issuer' || kind === 'ClusterIssuer')) {
      out.push({ path: ['spec', 'issuerRef'], name, kind: kind === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer' });
    }
  } else if (isKubedbPgpool(r)) {
    const add = (path: (string | number)[]) => {
      const ref = get(r.data, path);
      if (!isObj(ref) || ref.apiGroup !== 'cert-manager.io') return;
      const name = str(ref.name);
      if (name && (ref.kind === 'Issuer' || ref.kind === 'ClusterIssuer')) out.push({ path, name, kind: ref.kind });
    };
    add(['spec', 'tls', 'issuerRef']);
    const certs = get(r.data, ['spec', 'tls', 'certificates']);
    if (Array.isArray(certs)) certs.forEach((_c, i) => add(['spec', 'tls', 'certificates', i, 'issuerRef']));
  }
  return out;
}

/**
 * `issuerRef.group` written as an apiVersion (`cert-manager.io/v1`): an API group never contains `/`, cert-manager's
 * own controllers take only requests whose group is empty or `cert-manager.io` (pkg/controller/certificaterequests/
 * sync.go), and no external issuer can serve such a group, so the Certificate is never issued (kubernetes-sigs/jobset#857).
 */
function checkIssuerGroup(r: Resource, ref: Record<string, unknown>, ctx: DocumentContext): void {
  const group = str(ref.group);
  if (!group || !group.includes('/')) return;
  const bare = group.slice(0, group.indexOf('/'));
  const at = spanAt(r, ['spec', 'issuerRef', 'group']);
  ctx.report(CERT_MANAGER['issuer-group'], at,
    `\`group: ${group}\` is an apiVersion, not an API group: cert-manager's controllers sign only requests whose group is empty or \`cert-manager.io\`, and no issuer serves a group with \`/\`, so the Certificate stays pending and the Secret is never written. Write the group without the version${bare ? `: \`${bare}\`` : ''}.`,
    bare ? { fixes: [{ title: `Set group: ${bare}`, edits: [{ span: at, newText: bare }] }] } : undefined);
}

export const certManagerModule: RuleModule = {
  name: 'cert-manager',
  appliesTo: (r: Resource) => isCertificate(r) || isKubedbPgpool(r) || isIssuerKind(r),
  checkDocument(r, ctx) {
    if (isIssuerKind(r)) {
      const spec = get(r.data, ['spec']);
      if (isObj(spec)) checkIssuerSpec(r, spec, ctx);
      return;
    }
    if (isCertificate(r)) {
      const spec = get(r.data, ['spec']);
      if (!isObj(spec)) return;
      checkDurations(r, ['spec'], spec, ctx, DEFAULT_DURATION);
      checkCertificateSpec(r, spec, ctx);
      const ref = spec.issuerRef;
      if (isObj(ref)) checkIssuerGroup(r, ref, ctx);
      if (isObj(ref)) {
        const group = str(ref.group) ?? '';
        const kind = str(ref.kind);
        if ((group === '' || group === 'cert-manager.io') && kind !== undefined && kind !== '' && kind !== 'Issuer' && kind !== 'ClusterIssuer') {
          ctx.report(CERT_MANAGER['issuer-kind'], spanAt(r, ['spec', 'issuerRef', 'kind']),
            `\`kind: ${kind}\` is not a cert-manager issuer kind: with ${group ? '`group: cert-manager.io`' : 'no `group`'} the webhook accepts only \`Issuer\` or \`ClusterIssuer\` and rejects the Certificate. Fix the kind, or, for an external issuer, set \`group\` to its API group.`);
        }
      }
    } else {
      const certs = get(r.data, ['spec', 'tls', 'certificates']);
      if (!Array.isArray(certs)) return;
      // KubeDB's own default duration is not public: compare renewBefore only with an explicit duration.
      certs.forEach((c, i) => {
        if (!isObj(c)) return;
        checkDurations(r, ['spec', 'tls', 'certificates', i], c, ctx, undefined);
        checkSecretNameAndSans(r, ['spec', 'tls', 'certificates', i], c, ctx, true);
      });
    }
  },
  checkLive(r, ctx: LiveContext) {
    if (isIssuerKind(r)) {
      checkClusterIssuerSecret(r, ctx);
      return;
    }
    const ns = r.header.namespace;
    for (const ref of issuerRefs(r)) {
      const issuers = ctx.workspace.find('Issuer', ref.name, undefined, 'cert-manager.io/v1');
      const clusterIssuers = ctx.workspace.find('ClusterIssuer', ref.name, undefined, 'cert-manager.io/v1');
      const at = spanAt(r, [...ref.path, 'name']);
      if (ref.kind === 'Issuer') {
        if (!issuers.length) {
          if (clusterIssuers.length) {
            ctx.report(CERT_MANAGER['issuer-scope'], at,
              `\`${ref.name}\` is a ClusterIssuer in the workspace, but this reference asks for an Issuer${isCertificate(r) && !str(get(r.data, [...ref.path, 'kind'])) ? ' (the default kind)' : ''}: cert-manager looks for an Issuer in namespace \`${ns ?? '(this namespace)'}\` and issues nothing if there is none. Set \`kind: ClusterIssuer\`.`);
          }
          continue;
        }
        if (!ns || issuers.some(d => !d.header.namespace || d.header.namespace === ns)) continue;
        const where = [...new Set(issuers.map(d => d.header.namespace))].map(n => `\`${n}\``).join(', ');
        ctx.report(CERT_MANAGER['issuer-scope'], at,
          `Issuer \`${ref.name}\` is in namespace ${where} in the workspace, but this resource is in \`${ns}\`: an Issuer signs only for Certificates of its own namespace, so no certificate is issued. Create the Issuer in \`${ns}\` or use a ClusterIssuer.`);
      } else if (!clusterIssuers.length && issuers.length) {
        ctx.report(CERT_MANAGER['issuer-scope'], at,
          `\`${ref.name}\` is an Issuer (namespaced) in the workspace, not a ClusterIssuer: cert-manager finds no ClusterIssuer of that name and issues nothing. Set \`kind: Issuer\` (and keep it in the same namespace) or create a ClusterIssuer.`);
      }
    }
  },
};

/** The namespace cert-manager reads a ClusterIssuer's Secrets from unless `--cluster-resource-namespace` says otherwise. */
const CLUSTER_RESOURCE_NAMESPACE = 'cert-manager';

/** A Secret name a ClusterIssuer reads: its data path and what the issuer does with it (for messages). */
interface IssuerSecretRef { path: (string | number)[]; name: string; field: string }

/**
 * Every Secret a ClusterIssuer spec names: `ca.secretName`, and each `*SecretRef` / `secretRef` / `credentialsRef`
 * object with a `name` (ACME account key and solver credentials, Vault and Venafi credentials). The opaque `config` of
 * an ACME webhook solver belongs to the webhook and is not walked.
 */
function issuerSecretRefs(spec: Record<string, unknown>): IssuerSecretRef[] {
  const out: IssuerSecretRef[] = [];
  const ca = str(get(spec, ['ca', 'secretName']));
  if (ca) out.push({ path: ['spec', 'ca', 'secretName'], name: ca, field: 'ca.secretName' });
  const walk = (x: unknown, path: (string | number)[], depth: number): void => {
    if (depth > 12 || out.length >= 50) return;
    if (Array.isArray(x)) { x.forEach((v, i) => walk(v, [...path, i], depth + 1)); return; }
    if (!isObj(x)) return;
    for (const [k, v] of Object.entries(x)) {
      if (k === 'config' && path[path.length - 1] === 'webhook') continue;
      const name = isObj(v) ? str(v.name) : undefined;
      if (name && (/SecretRef$/.test(k) || k === 'secretRef' || k === 'credentialsRef')) out.push({ path: [...path, k, 'name'], name, field: k });
      else walk(v, [...path, k], depth + 1);
    }
  };
  walk(spec, ['spec'], 0);
  return out;
}

/**
 * I5: a Secret a ClusterIssuer reads that the workspace holds only in namespaces other than cert-manager's: as a Secret
 * manifest, or as the `secretName` a Certificate writes in its own namespace (cert-manager/cert-manager#2130, #263).
 */
function checkClusterIssuerSecret(r: Resource, ctx: LiveContext): void {
  if (r.kind.kind !== 'ClusterIssuer') return;
  const spec = get(r.data, ['spec']);
  if (!isObj(spec)) return;
  for (const ref of issuerSecretRefs(spec)) {
    const secrets = ctx.workspace.find('Secret', ref.name, undefined, 'v1');
    const made = ctx.workspace.certificatesWriting(ref.name);
    const found = [...secrets, ...made];
    if (!found.length || found.some(d => !d.header.namespace || d.header.namespace === CLUSTER_RESOURCE_NAMESPACE)) continue;
    const where = [...new Set(found.map(d => d.header.namespace))].map(n => `\`${n}\``).join(', ');
    const first = found[0]!;
    const what = secrets.length ? `Secret \`${ref.name}\` is in namespace ${where} in the workspace`
      : `Secret \`${ref.name}\` is written by Certificate \`${first.header.name ?? ''}\` in namespace ${where}`;
    const effect = ref.field === 'privateKeySecretRef'
      ? 'so cert-manager does not use that account key: it generates a new one there and registers a new ACME account'
      : ref.field === 'ca.secretName' ? 'so the ClusterIssuer does not become ready (secret not found)'
        : `so the ClusterIssuer cannot read \`${ref.field}\` (secret not found) and issues nothing`;
    ctx.report(CERT_MANAGER['cluster-issuer-secret'], spanAt(r, ref.path),
      `${what}, but a ClusterIssuer reads its Secrets from cert-manager's cluster resource namespace (the namespace cert-manager runs in, \`${CLUSTER_RESOURCE_NAMESPACE}\` by convention, unless the controller's \`--cluster-resource-namespace\` says otherwise), ${effect}. Create the Secret${secrets.length ? '' : ' (the Certificate)'} in \`${CLUSTER_RESOURCE_NAMESPACE}\`, or use a namespaced Issuer.`,
      { related: [{ ...namePlace(first), message: `${secrets.length ? 'Secret' : 'Certificate writing'} \`${ref.name}\`` }] });
  }
}
