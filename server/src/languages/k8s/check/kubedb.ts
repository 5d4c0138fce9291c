/**
 * KubeDB Pgpool (kubedb.com/v1alpha2) and PgpoolOpsRequest: the TLS rules of the admission webhooks (P1, P2, P5, O1)
 * and the ones only the docs state (K1, K5) or that follow from the code and docs (K6, K7). Across documents: a
 * TLS-enabled backend AppBinding in the workspace needs `spec.tls` (P3; an AppBinding that is absent is not judged, it
 * may exist only in the cluster, so P4 is left out). Facts: operators.md §1.2.
 * K2 (cert auth with `sslMode: disable` while `tls` is set) is admitted by the webhook, so it is a warning.
 */
import { effectiveSettings, settingBool } from '../../pgpoolConf';
import { dataOf } from '../data';
import type { Resource } from '../model';
import { PGPOOL } from '../rules';
import { namePlace } from '../workspace';
import { INLINE_PGPOOL_CONF, pgpoolConfAt } from './embedded';
import type { DocumentContext, RuleModule } from './types';
import { addPairFix, get, isKubedbPgpool, isKubedbPgpoolOps, isObj, spanAt, str } from './util';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
const ALIASES = ['server', 'client', 'metrics-exporter'];
const RESERVED_VOLUMES: Record<string, string> = { certs: 'the TLS certificates volume', 'pgpool-config': 'the pgpool.conf volume' };
const RESERVED_PATHS: Record<string, string> = { '/config/tls': 'where the TLS certificates are mounted', '/config': 'where the configuration is mounted' };

export const kubedbModule: RuleModule = {
  name: 'kubedb',
  appliesTo: (r: Resource) => isKubedbPgpool(r) || isKubedbPgpoolOps(r),
  checkDocument(r, ctx) {
    const spec = get(r.data, ['spec']);
    if (r.kind.kind === 'PgpoolOpsRequest') {
      if (isObj(spec) && spec.type === 'ReconfigureTLS' && (spec.tls === undefined || spec.tls === null)) {
        ctx.report(PGPOOL['reconfigure-tls-without-tls'], spanAt(r, ['spec'], 'key'),
          '`type: ReconfigureTLS` without `spec.tls`: the KubeDB ops webhook rejects the request ("`spec.tls` nil not supported in ReconfigureTLS type"). Add `tls` with what to change: `issuerRef`, `certificates`, `sslMode`, `clientAuthMode`, `rotateCertificates: true` or `remove: true`.');
      }
      return;
    }
    if (!isObj(spec)) return;
    const tls = spec.tls;
    const hasTls = tls !== undefined && tls !== null;
    // Values outside the enum are the schema's (schema/invalid-value, e.g. the docs' `disabled`): not judged here.
    const sslMode = SSL_MODES.includes(str(spec.sslMode) ?? '') ? str(spec.sslMode) : undefined;
    const authMode = str(spec.clientAuthMode);

    if (!hasTls && sslMode !== undefined && sslMode !== 'disable') {
      ctx.report(PGPOOL['ssl-mode-without-tls'], spanAt(r, ['spec', 'sslMode']),
        `\`sslMode: ${sslMode}\` without \`spec.tls\`: the KubeDB webhook rejects the Pgpool ("Tls is not enabled, enable it to use this sslMode"). Add \`spec.tls\` with an \`issuerRef\`, or set \`sslMode: disable\`.`);
    }
    if (!hasTls && authMode === 'cert') {
      ctx.report(PGPOOL['cert-auth-without-tls'], spanAt(r, ['spec', 'clientAuthMode']),
        '`clientAuthMode: cert` without `spec.tls`: the KubeDB webhook rejects the Pgpool ("Tls is not enabled, enable it to use this clientAuthMode"). Add `spec.tls` with an `issuerRef`, or use `md5`/`scram`.');
    }
    if (hasTls && authMode === 'cert' && sslMode === 'disable') {
      ctx.report(PGPOOL['cert-auth-ssl-disabled'], spanAt(r, ['spec', 'sslMode']),
        '`sslMode: disable` with `clientAuthMode: cert`: the webhook admits it, but a client certificate is only sent over TLS, so certificate logins cannot work (the KubeDB docs require an sslMode other than disable for cert auth). Set `sslMode: require`, `verify-ca` or `verify-full`.');
    }
    if (hasTls && isObj(tls) && (tls.issuerRef === undefined || tls.issuerRef === null)) {
      const fix = addPairFix(r, ['spec', 'tls'], `issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: ${r.header.name ?? 'pgpool'}-ca-issuer }`,
        'Add a tls.issuerRef skeleton (cert-manager Issuer)');
      ctx.report(PGPOOL['missing-issuer-ref'], spanAt(r, ['spec', 'tls'], 'key'),
        '`spec.tls` has no `issuerRef`: the webhook admits it, but KubeDB then defaults no certificates (server, client, metrics-exporter) and nothing issues them, so TLS cannot come up. Add `issuerRef: { apiGroup: cert-manager.io, kind: Issuer, name: <issuer> }`.',
        fix ? { fixes: [fix] } : undefined);
    }
    if (isObj(tls)) {
      checkIssuerRef(r, ['spec', 'tls', 'issuerRef'], tls.issuerRef, ctx);
      const certs = tls.certificates;
      if (Array.isArray(certs)) {
        certs.forEach((c, i) => {
          if (!isObj(c)) return;
          checkIssuerRef(r, ['spec', 'tls', 'certificates', i, 'issuerRef'], c.issuerRef, ctx);
          const alias = str(c.alias);
          if (alias !== undefined && !ALIASES.includes(alias)) {
            ctx.report(PGPOOL['unknown-alias'], spanAt(r, ['spec', 'tls', 'certificates', i, 'alias']),
              `Alias \`${alias}\` is not one KubeDB reads: the CRD accepts it, but only \`server\`, \`client\` and \`metrics-exporter\` certificates are created and used, so this entry has no effect. Use one of those aliases.`);
          }
        });
      }
    }
    checkInlineSsl(r, hasTls, str(spec.sslMode), ctx);
    checkPodTemplate(r, ctx);
  },
  checkLive(r, ctx) {
    if (r.kind.kind !== 'Pgpool') return;
    const spec = get(r.data, ['spec']);
    if (!isObj(spec) || (spec.tls !== undefined && spec.tls !== null)) return;
    const name = str(get(spec, ['postgresRef', 'name']));
    if (!name) return;
    const ns = str(get(spec, ['postgresRef', 'namespace'])) || r.header.namespace;
    const ab = ctx.workspace.findOne('AppBinding', name, ns, APPBINDING);
    if (!ab) return; // not in the workspace: it may exist in the cluster (P4 cannot be judged here)
    const why = backendTls(dataOf(ab.doc.part).value);
    if (!why) return;
    ctx.report(PGPOOL['backend-tls'], spanAt(r, ['spec', 'postgresRef', 'name']),
      `The backend AppBinding \`${name}\` is TLS-enabled (${why}), and this Pgpool has no \`spec.tls\`: the KubeDB webhook rejects it ("\`spec.tls\` must be set because backend postgres is tls enabled"). Add \`spec.tls\` with an \`issuerRef\`.`,
      { related: [{ ...namePlace(ab), message: `AppBinding \`${name}\`` }] });
  },
};

const APPBINDING = 'appcatalog.appscode.com/v1alpha1';

/** Why KubeDB counts an AppBinding's backend as TLS-enabled (P3, `IsBackendTLSEnabled`); `undefined` when it does not. */
function backendTls(ab: unknown): string | undefined {
  const spec = get(ab, ['spec']);
  if (!isObj(spec)) return undefined;
  if (spec.tlsSecret !== undefined && spec.tlsSecret !== null) return 'it has `spec.tlsSecret`';
  const ca = get(spec, ['clientConfig', 'caBundle']);
  if (typeof ca === 'string' && ca !== '') return 'it has a `clientConfig.caBundle`';
  const query = str(get(spec, ['clientConfig', 'service', 'query']));
  if (query !== undefined) {
    const parts = query.split('=');
    if (parts.length === 2 && parts[1]!.trim() !== 'disable') return `its query is \`${query}\``;
  }
  return undefined;
}

/**
 * K7: `ssl` on in the inline pgpool.conf against no `tls` or an explicit `sslMode: disable`. The setting is read from
 * the pgpool.conf language's own parse of the embedded text, with Pgpool-II's semantics (the last setting wins; a
 * prefix such as `t` and even an invalid boolean such as `enabled` are on), and reported on its line in the YAML.
 */
function checkInlineSsl(r: Resource, hasTls: boolean, sslMode: string | undefined, ctx: DocumentContext): void {
  if (hasTls && sslMode !== 'disable') return;
  const conf = pgpoolConfAt(r, INLINE_PGPOOL_CONF);
  if (!conf) return;
  // The files an inline pgpool.conf includes are in the pod, not in the workspace.
  const ssl = settingBool(effectiveSettings(conf.doc.path, conf.file, () => undefined), 'ssl', false);
  if (!ssl.value || !ssl.at) return;
  // The setting's whole line (its comment included), as written.
  const text = conf.doc.text;
  const start = ssl.at.a.keySpan[0];
  const nl = text.indexOf('\n', start);
  const line = text.slice(start, nl < 0 ? text.length : nl).trimEnd();
  const why = hasTls
    ? '`sslMode: disable` says clients connect without TLS'
    : 'the Pgpool has no `spec.tls`, so KubeDB mounts no certificates for pgpool to serve';
  ctx.report(PGPOOL['inline-ssl'], conf.text.span([start, start + line.length]),
    `\`${line}\` in the inline pgpool.conf contradicts the Pgpool's TLS settings: ${why}. Let \`spec.tls\` and \`sslMode\` control TLS (remove the line), or add \`spec.tls\` with an \`issuerRef\` and an sslMode other than disable.`);
}

/** `pgpool/issuer-ref` for a Pgpool or (`what`) a KubeDB Postgres, whose issuers are the same cert-manager references. */
export function checkIssuerRef(r: Resource, path: (string | number)[], ref: unknown, ctx: DocumentContext, what = 'Pgpool'): void {
  if (!isObj(ref)) return;
  // A missing apiGroup is not reported: cert-manager reads an empty group as its own.
  const apiGroup = ref.apiGroup;
  if (typeof apiGroup === 'string' && apiGroup !== '' && apiGroup !== 'cert-manager.io') {
    ctx.report(PGPOOL['issuer-ref'], spanAt(r, [...path, 'apiGroup']),
      `\`apiGroup: ${apiGroup}\`: KubeDB supports only cert-manager issuers, so no certificate would be issued. Use \`apiGroup: cert-manager.io\`.`);
  }
  const kind = ref.kind;
  if (typeof kind === 'string' && kind !== 'Issuer' && kind !== 'ClusterIssuer') {
    ctx.report(PGPOOL['issuer-ref'], spanAt(r, [...path, 'kind']),
      `\`kind: ${kind}\` is not a cert-manager issuer kind KubeDB supports: use \`Issuer\` (same namespace as the ${what}) or \`ClusterIssuer\`.`);
  }
}

function checkPodTemplate(r: Resource, ctx: DocumentContext): void {
  const podSpec = get(r.data, ['spec', 'podTemplate', 'spec']);
  if (!isObj(podSpec)) return;
  const base = ['spec', 'podTemplate', 'spec'];
  const volumes = podSpec.volumes;
  if (Array.isArray(volumes)) {
    volumes.forEach((v, i) => {
      const name = str(get(v, ['name']));
      if (name !== undefined && name in RESERVED_VOLUMES) {
        ctx.report(PGPOOL['reserved-volume'], spanAt(r, [...base, 'volumes', i, 'name']),
          `Volume name \`${name}\` is reserved by KubeDB for ${RESERVED_VOLUMES[name]}: the webhook rejects the Pgpool ("Cannot use a reserve volume name"). Rename the volume.`);
      }
    });
  }
  // The webhook looks at initContainers only when containers are set (it returns early otherwise).
  if (!Array.isArray(podSpec.containers)) return;
  for (const list of ['containers', 'initContainers']) {
    const containers = podSpec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c, i) => {
      const mounts = get(c, ['volumeMounts']);
      if (!Array.isArray(mounts)) return;
      mounts.forEach((m, j) => {
        const p = str(get(m, ['mountPath']));
        if (p !== undefined && p in RESERVED_PATHS) {
          ctx.report(PGPOOL['reserved-volume'], spanAt(r, [...base, list, i, 'volumeMounts', j, 'mountPath']),
            `Mount path \`${p}\` is reserved by KubeDB (${RESERVED_PATHS[p]}): the webhook rejects the Pgpool ("Can't use a reserve volume mount path name"). Mount the volume elsewhere.`);
        }
      });
    });
  }
}
