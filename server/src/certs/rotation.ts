/**
 * The order of a CA rotation without an outage, per deployment: trust both CAs everywhere first (the bundle), then
 * swap the leaves for ones from the new CA, then drop the old CA. As numbered steps for people, and for a Kubernetes
 * operator as the Secrets of each step (only the ones that change in that step). Pure: file contents in, text out.
 *
 * Why this order: a peer verifies the other side against what it trusts at that moment. While every peer trusts
 * old + new, a leaf from either CA verifies, so the leaves can be swapped one by one in any order; dropping the
 * old CA before the last old leaf is gone, or swapping a leaf before its peers trust the new CA, refuses logins.
 */
import { CertError } from './algorithms';
import { BUNDLE_FILE } from './lifecycle';
import { renderManifests, secretObject, secretSources, type ManifestDocument } from './manifests';
import type { CertPreset } from './presets';

/** The deployments the steps know: plain files (Pgpool-II, PostgreSQL, PgBouncer, clients) or an operator's Secrets. */
export type RotationTarget = 'none' | 'percona' | 'pgo' | 'cpo' | 'zalando' | 'kubedb';

export interface RotationStep {
  title: string;
  /** What to do, in sentences. */
  text: string;
  /** For an operator: the Secrets this step applies (YAML, holds private keys), with their names. */
  manifest?: { file: string; yaml: string; secrets: string[] };
}

const STEP_FILES = ['rotate-ca-1-trust-both.yaml', 'rotate-ca-2-new-leaves.yaml', 'rotate-ca-3-new-ca-only.yaml'] as const;

const FILE_SETTINGS = 'PostgreSQL ssl_ca_file, Pgpool-II ssl_ca_cert, PgBouncer client_tls_ca_file / server_tls_ca_file, and the clients\' sslrootcert (libpq, psycopg, node-postgres ca, JDBC sslrootcert)';
// Pgpool-II declares ssl_cert, ssl_key and ssl_ca_cert CFGCXT_INIT and builds its TLS context once in main() before
// forking (pgpool2 V4_3_5..V4_7_x: src/config/pool_config_variables.c, src/main/main.c SSL_ServerSide_init), so
// `pgpool reload` keeps serving the old files; the interop test shows it.
export const RELOAD = 'reload PostgreSQL (pg_ctl reload or SELECT pg_reload_conf()) and PgBouncer (RELOAD), and restart Pgpool-II (it reads ssl_cert, ssl_key and ssl_ca_cert only at start: pgpool reload keeps the old files in use)';

/** The three steps as text for a deployment that reads the files directly. */
function fileSteps(): RotationStep[] {
  return [
    {
      title: 'Trust both CAs',
      text: `Install ${BUNDLE_FILE} (old CA + new CA) wherever ca.crt is trusted today: ${FILE_SETTINGS}. Keep the old server and client certificates in place, then ${RELOAD}. Nothing is refused: every peer still shows a certificate of the old CA, which the bundle trusts.`,
    },
    {
      title: 'Swap the leaves',
      text: `Install the new leaf certificates and keys from this folder (server.crt/server.key as ssl_cert_file/ssl_key_file, ssl_cert/ssl_key, client_tls_cert_file/client_tls_key_file; client.crt/client.key as the clients' sslcert/sslkey), then ${RELOAD}. Do it server by server and client by client, in any order: a new leaf verifies against the bundle every peer trusts now, and an old one still does.`,
    },
    {
      title: 'Drop the old CA',
      text: `When no certificate of the old CA is in use any more (the old ones are in the backup folder), replace ${BUNDLE_FILE} by the new ca.crt in the same settings, then ${RELOAD}. From here on the old CA is not trusted: a leaf it issued is refused.`,
    },
  ];
}

/** The operator-specific wording of the three steps (the Secrets come from `secretSources`). */
function operatorTexts(pr: CertPreset): [string, string, string] {
  const secrets = (role: string) => pr.secrets.filter(s => s.source === 'pgtls' && s.role === role).map(s => s.name);
  const wait = pr.operator === 'cpo' || pr.operator === 'zalando'
    ? 'then wait until the pods use the new files (the operator re-reads mounted certificates every 5 minutes)'
    : 'then wait until every pod has the new files (Secret volumes are refreshed by the kubelet; restart the pods if the server does not reload them)';
  const clients = 'give every client the bundle as its sslrootcert';
  switch (pr.operator) {
    case 'kubedb': {
      const ca = secrets('ca').join(', ');
      return [
        `No Secret changes yet: ${clients}, keeping their certificates. The Pgpool's own certificates still come from the old CA through the Issuer ${pr.issuer?.name ?? ''}, which the bundle trusts.`,
        `Apply ${STEP_FILES[1]} (the Issuer's CA Secret ${ca} with the new CA key pair), then have cert-manager re-issue the Pgpool's certificates (cmctl renew, or a PgpoolOpsRequest of type ReconfigureTLS with rotateCertificates: true). The re-issued Secrets' ca.crt holds the new CA only, so give the clients new client certificates from the new CA in the same step.`,
        'When every client has a certificate of the new CA, replace the bundle by the new ca.crt in the clients\' sslrootcert: the old CA is no longer trusted.',
      ];
    }
    default: {
      const trusting = pr.secrets.filter(s => s.source === 'pgtls' && s.role !== 'root-ca').map(s => s.name).join(', ');
      const root = secrets('root-ca');
      return [
        `Apply ${STEP_FILES[0]}: ${trusting} with ca.crt = old + new CA and the old leaves, ${wait}; ${clients}.`,
        `Apply ${STEP_FILES[1]}: the new server${secrets('replication').length ? ' and replication' : ''} certificates and keys${root.length ? ` and the new root CA in ${root.join(', ')} (the operator issues its own certificates from it)` : ''}, ca.crt still the bundle; ${wait}. Give the clients their new client certificates.`,
        `When no certificate of the old CA is in use, apply ${STEP_FILES[2]}: ca.crt = the new CA alone; ${wait}; replace the bundle by the new ca.crt in the clients' sslrootcert. The old CA is then no longer trusted.`,
      ];
    }
  }
}

/**
 * The steps of a rotation for `pr` (undefined: files). `before` holds the set's files as they were (old CA, old
 * leaves), `after` the files rotate-ca wrote (new ca.crt/ca.key, ca-bundle.crt, new leaves, keys only when new).
 */
export function rotationSteps(pr: CertPreset | undefined, before: Readonly<Record<string, string | Uint8Array>>, after: Readonly<Record<string, string | Uint8Array>>): RotationStep[] {
  const steps = fileSteps();
  if (!pr || pr.operator === 'pgpool') return steps;
  const texts = operatorTexts(pr);
  const merged = { ...before, ...after };
  const docs = [1, 2, 3].map(step => stepDocuments(pr, step, before, merged));
  return steps.map((s, i) => {
    const d = docs[i]!;
    return {
      title: s.title,
      text: texts[i]!,
      ...(d.length ? {
        manifest: {
          file: STEP_FILES[i]!,
          yaml: renderManifests({ documents: d, patch: {}, notes: [] }),
          secrets: d.map(x => String((x.object.metadata as { name: string }).name)),
        },
      } : {}),
    };
  });
}

type Files = Readonly<Record<string, string | Uint8Array>>;

/** The Secrets that change in `step` (1..3), each with its data as it must be in that step. */
function stepDocuments(pr: CertPreset, step: number, before: Files, after: Files): ManifestDocument[] {
  const out: ManifestDocument[] = [];
  for (const { secret, sources } of secretSources(pr)) {
    const issuerPair = secret.role === 'root-ca' || (pr.operator === 'kubedb' && secret.role === 'ca');
    const at = (s: number): Record<string, string | Uint8Array> | undefined => {
      const data: Record<string, string | Uint8Array> = {};
      for (const [key, file] of Object.entries(sources)) {
        let v: string | Uint8Array | undefined;
        if (issuerPair) v = (s >= 2 ? after : before)[file];
        else if (file === 'ca.crt') v = s === 0 ? before['ca.crt'] : s <= 2 ? after[BUNDLE_FILE] : after['ca.crt'];
        else v = (s >= 2 ? after : before)[file];
        if (v === undefined) return undefined;
        data[key] = v;
      }
      return data;
    };
    const now = at(step);
    if (!now) {
      const lacking = Object.values(sources).filter(f => (step >= 2 ? after : before)[f] === undefined);
      if (issuerPair && step === 1) continue;
      throw new CertError(`the ${pr.kind} Secrets need ${lacking.join(', ')} in the folder (create ${lacking.some(f => f.startsWith('replication.')) ? 'it with "pgtls cert replication"' : 'the set with "pgtls cert set"'} first)`);
    }
    const prev = at(step - 1);
    if (prev && sameData(prev, now)) continue;
    const spec = { name: secret.name, ...(pr.namespace ? { namespace: pr.namespace } : {}), ...(secret.type ? { type: secret.type } : {}), data: now };
    out.push({ comment: [`step ${step}: ${secret.reference ?? secret.role} (${secret.role})`], object: secretObject(spec) });
  }
  return out;
}

function sameData(a: Files, b: Files): boolean {
  const enc = (v: string | Uint8Array) => (typeof v === 'string' ? v : Array.from(v).join(','));
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every(k => b[k] !== undefined && enc(a[k]!) === enc(b[k]!));
}
