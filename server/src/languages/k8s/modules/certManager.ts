/**
 * cert-manager rules: a Certificate's `duration` and `renewBefore` (webhook C8, C9, also applied to the durations a
 * KubeDB Pgpool passes on to its Certificates), `issuerRef` kinds (C2), and, across the workspace, a referenced Issuer
 * that exists only in another namespace or only as the other kind (C13, KubeDB K5). An issuer that is not in the
 * workspace at all is not reported: it may exist only in the cluster. Facts: operators.md §4 and §1.2.
 */
import type { Span } from '../../../core/types';
import type { DocumentContext, LiveContext, Resource, RuleModule } from './types';
import { HOUR, get, goDuration, isObj, rule, spanAt, str } from './util';

const VALIDATION = 'cert-manager/cert-manager@v1.21.1:internal/apis/certmanager/validation/certificate.go';

export const CERT_MANAGER_RULES = {
  duration: rule('cert-manager/duration', 'error',
    'A certificate `duration` that is not a Go duration or is shorter than 1h: the cert-manager webhook rejects it (for KubeDB, on the Certificate the operator creates).',
    `operators.md §4 C8; ${VALIDATION} (ValidateDuration, MinimumCertificateDuration)`),
  renewBefore: rule('cert-manager/renew-before', 'error',
    'A certificate `renewBefore` that is under 5m, not below the `duration` (default 2160h), or set together with `renewBeforePercentage`: the cert-manager webhook rejects it.',
    `operators.md §4 C9; ${VALIDATION} (ValidateDuration, MinimumRenewBefore)`),
  issuerKind: rule('cert-manager/issuer-kind', 'error',
    'A Certificate `issuerRef.kind` other than `Issuer` or `ClusterIssuer` while `group` is empty or `cert-manager.io`: the cert-manager webhook rejects it.',
    `operators.md §4 C2; ${VALIDATION} (ValidateCertificateSpec, issuerRef)`),
  issuerScope: rule('cert-manager/issuer-scope', 'warning',
    'A referenced Issuer that the workspace holds only in another namespace (an Issuer signs only in its own namespace), or only as the other kind (Issuer vs ClusterIssuer).',
    'operators.md §4 C13, KubeDB K5; cert-manager@v1.21.1 pkg/apis/certmanager/v1/types_certificate.go (issuerRef field doc)'),
} as const;

const MIN_DURATION = HOUR;
const MIN_RENEW_BEFORE = 5 * 60_000;
const DEFAULT_DURATION = 2160 * HOUR;

const isCertificate = (r: Resource) => r.kind.apiVersion === 'cert-manager.io/v1' && r.kind.kind === 'Certificate';
const isPgpool = (r: Resource) => r.kind.apiVersion === 'kubedb.com/v1alpha2' && r.kind.kind === 'Pgpool';

/** Checks `duration`/`renewBefore` of a certificate spec at `base`; `defaultDuration` when cert-manager's default applies. */
function checkDurations(r: Resource, base: (string | number)[], spec: Record<string, unknown>, ctx: DocumentContext, defaultDuration: number | undefined): void {
  const durText = str(spec.duration);
  let duration = defaultDuration;
  if (durText !== undefined) {
    const ms = goDuration(durText);
    if (ms === undefined) {
      ctx.report(CERT_MANAGER_RULES.duration, spanAt(r, [...base, 'duration']),
        `\`duration: ${durText}\` is not a Go duration (a metav1.Duration), so the resource is rejected when it is decoded. Write hours, minutes and seconds such as \`2160h\` or \`1h30m\` (there is no unit for days).`);
      return;
    }
    if (ms < MIN_DURATION) {
      ctx.report(CERT_MANAGER_RULES.duration, spanAt(r, [...base, 'duration']),
        `\`duration: ${durText}\` is shorter than 1h: the cert-manager webhook rejects the Certificate, so no certificate is issued. Use at least \`1h\`.`);
      return;
    }
    duration = ms;
  }
  const rbText = str(spec.renewBefore);
  if (rbText === undefined) return;
  const rb = goDuration(rbText);
  const at: Span = spanAt(r, [...base, 'renewBefore']);
  if (rb === undefined) {
    ctx.report(CERT_MANAGER_RULES.renewBefore, at, `\`renewBefore: ${rbText}\` is not a Go duration (a metav1.Duration), so the resource is rejected when it is decoded. Write e.g. \`720h\`.`);
  } else if (spec.renewBeforePercentage !== undefined && spec.renewBeforePercentage !== null) {
    ctx.report(CERT_MANAGER_RULES.renewBefore, at, '`renewBefore` and `renewBeforePercentage` are both set: the cert-manager webhook rejects the Certificate (they are mutually exclusive). Keep one.');
  } else if (rb < MIN_RENEW_BEFORE) {
    ctx.report(CERT_MANAGER_RULES.renewBefore, at, `\`renewBefore: ${rbText}\` is under 5m: the cert-manager webhook rejects the Certificate. Use at least \`5m\` (typically a third of the duration).`);
  } else if (duration !== undefined && rb >= duration) {
    ctx.report(CERT_MANAGER_RULES.renewBefore, at,
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
  } else if (isPgpool(r)) {
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

export const certManagerModule: RuleModule = {
  name: 'cert-manager',
  rules: Object.values(CERT_MANAGER_RULES),
  appliesTo: (r: Resource) => isCertificate(r) || isPgpool(r),
  checkDocument(r, ctx) {
    if (isCertificate(r)) {
      const spec = get(r.data, ['spec']);
      if (!isObj(spec)) return;
      checkDurations(r, ['spec'], spec, ctx, DEFAULT_DURATION);
      const ref = spec.issuerRef;
      if (isObj(ref)) {
        const group = str(ref.group) ?? '';
        const kind = str(ref.kind);
        if ((group === '' || group === 'cert-manager.io') && kind !== undefined && kind !== '' && kind !== 'Issuer' && kind !== 'ClusterIssuer') {
          ctx.report(CERT_MANAGER_RULES.issuerKind, spanAt(r, ['spec', 'issuerRef', 'kind']),
            `\`kind: ${kind}\` is not a cert-manager issuer kind: with ${group ? '`group: cert-manager.io`' : 'no `group`'} the webhook accepts only \`Issuer\` or \`ClusterIssuer\` and rejects the Certificate. Fix the kind, or, for an external issuer, set \`group\` to its API group.`);
        }
      }
    } else {
      const certs = get(r.data, ['spec', 'tls', 'certificates']);
      if (!Array.isArray(certs)) return;
      // KubeDB's own default duration is not public: compare renewBefore only with an explicit duration.
      certs.forEach((c, i) => { if (isObj(c)) checkDurations(r, ['spec', 'tls', 'certificates', i], c, ctx, undefined); });
    }
  },
  checkLive(r, ctx: LiveContext) {
    const ns = r.header.namespace;
    for (const ref of issuerRefs(r)) {
      const issuers = ctx.workspace.find('Issuer', ref.name, undefined, 'cert-manager.io/v1');
      const clusterIssuers = ctx.workspace.find('ClusterIssuer', ref.name, undefined, 'cert-manager.io/v1');
      const at = spanAt(r, [...ref.path, 'name']);
      if (ref.kind === 'Issuer') {
        if (!issuers.length) {
          if (clusterIssuers.length) {
            ctx.report(CERT_MANAGER_RULES.issuerScope, at,
              `\`${ref.name}\` is a ClusterIssuer in the workspace, but this reference asks for an Issuer${isCertificate(r) && !str(get(r.data, [...ref.path, 'kind'])) ? ' (the default kind)' : ''}: cert-manager looks for an Issuer in namespace \`${ns ?? '(this namespace)'}\` and issues nothing if there is none. Set \`kind: ClusterIssuer\`.`);
          }
          continue;
        }
        if (!ns || issuers.some(d => !d.header.namespace || d.header.namespace === ns)) continue;
        const where = [...new Set(issuers.map(d => d.header.namespace))].map(n => `\`${n}\``).join(', ');
        ctx.report(CERT_MANAGER_RULES.issuerScope, at,
          `Issuer \`${ref.name}\` is in namespace ${where} in the workspace, but this resource is in \`${ns}\`: an Issuer signs only for Certificates of its own namespace, so no certificate is issued. Create the Issuer in \`${ns}\` or use a ClusterIssuer.`);
      } else if (!clusterIssuers.length && issuers.length) {
        ctx.report(CERT_MANAGER_RULES.issuerScope, at,
          `\`${ref.name}\` is an Issuer (namespaced) in the workspace, not a ClusterIssuer: cert-manager finds no ClusterIssuer of that name and issues nothing. Set \`kind: Issuer\` (and keep it in the same namespace) or create a ClusterIssuer.`);
      }
    }
  },
};
