/**
 * The TLS rules that Zalando's postgres-operator and its fork CYBERTEC CPO share, since both mount `spec.tls` the same
 * way into Spilo pods (`generateTlsMounts` in pkg/cluster/k8sres.go of either): an empty `tls.secretName` turns custom
 * TLS off, `caSecretName` without `caFile` is ignored, custom TLS without `spiloFSGroup`, and the clone source name
 * (`validateCloneClusterDescription`), certificate files named in `spec.postgresql.parameters` instead of `spec.tls`, and
 * a `tls.secretName` that is a cert-manager CA Certificate's Secret. Each operator's module (cpo.ts, zalando.ts) calls
 * these with its own rule table and product name, so the findings carry that operator's rule ids. Facts: operators.md §3.2; Zalando v1.15.1 source.
 * Also `spec.patroni.pg_hba`, which replaces Spilo's default pg_hba as a whole (checkSpiloPgHba: `cpo/pg-hba-incomplete`,
 * `zalando/pg-hba-incomplete`); its lines are validated by the pg_hba rules in embedded.ts.
 */
import type { RuleMeta } from '../../../core/types';
import { pgHbaMode, type HbaRecord } from '../../hba';
import type { Resource } from '../model';
import type { WorkspaceResources } from '../workspace';
import type { DocumentContext, LiveContext } from './types';
import { addPairFix, get, isObj, spanAt, str } from './util';
import { dataOf } from '../data';
import { namePlace } from '../workspace';

/** The rule table an operator of the Spilo family passes in (same names in `cpo/*` and `zalando/*`). */
export interface SpiloRules {
  'empty-secret-name': RuleMeta;
  'ca-secret-without-ca-file': RuleMeta;
  'missing-fs-group': RuleMeta;
  'clone-cluster-name': RuleMeta;
  'ssl-file-parameters': RuleMeta;
  'ca-certificate-secret': RuleMeta;
}

/** Who speaks in messages: `CPO`, `the Zalando operator`. */
export interface SpiloProduct {
  rules: SpiloRules;
  name: string;
}


/** C2, C3: the `spec.tls` block as the operator reads it. */
export function checkSpiloTls(r: Resource, ctx: DocumentContext, p: SpiloProduct): void {
  const tls = get(r.data, ['spec', 'tls']);
  if (!isObj(tls)) return;
  const secretName = str(tls.secretName);
  if (secretName === '') {
    const others = ['certificateFile', 'privateKeyFile', 'caFile', 'caSecretName'].filter(k => str(tls[k]));
    ctx.report(p.rules['empty-secret-name'], spanAt(r, ['spec', 'tls', 'secretName']),
      `An empty \`secretName\` turns custom TLS off: ${p.name} ignores the whole \`tls\` block${others.length ? ` (${others.map(k => `\`${k}\``).join(', ')} included)` : ''} and the cluster serves its self-signed certificate, which clients cannot verify. Set \`secretName\` to the Secret holding tls.crt and tls.key, or remove \`tls\`.`);
    return;
  }
  const caSecret = str(tls.caSecretName);
  const caFile = str(tls.caFile);
  if (caSecret && !caFile) {
    ctx.report(p.rules['ca-secret-without-ca-file'], spanAt(r, ['spec', 'tls', 'caSecretName']),
      `\`caSecretName: ${caSecret}\` has no effect without \`caFile\`: ${p.name} mounts the CA Secret at /tlsca and sets SSL_CA_FILE only when \`caFile\` is set, so no CA is configured and client certificates cannot be verified. Add \`caFile: ca.crt\` (the key of the CA in that Secret).`);
  }
}

/**
 * C6. Live, not document-local: the operator-wide `spilo_fsgroup` and OpenShift (which assigns the group itself) can
 * only be guessed from the other files of the workspace.
 */
export function checkSpiloFsGroup(r: Resource, ctx: LiveContext, p: SpiloProduct): void {
  const tls = get(r.data, ['spec', 'tls']);
  if (!isObj(tls) || !str(tls.secretName)) return;
  const fsGroup = get(r.data, ['spec', 'spiloFSGroup']);
  if (fsGroup !== undefined && fsGroup !== null) return;
  if (groupProvided(ctx.workspace)) return;
  const fix = addPairFix(r, ['spec'], 'spiloFSGroup: 103', 'Add spiloFSGroup: 103 (the group of the Spilo images)');
  ctx.report(p.rules['missing-fs-group'], spanAt(r, ['spec', 'tls'], 'key'),
    `Custom TLS without \`spiloFSGroup\`: ${p.name} mounts the certificate Secret readable by owner and group only (0640), and Spilo runs PostgreSQL as a non-root user, so unless the pod's fsGroup is that user's group PostgreSQL cannot read the private key. Add \`spiloFSGroup: 103\` (the group of the Spilo images); not needed when the operator configuration sets \`spilo_fsgroup\` or on OpenShift, which assigns the group itself.`,
    fix ? { fixes: [fix] } : undefined);
}

/** `spilo_fsgroup: 103` in an operator ConfigMap, OperatorConfiguration or Helm values file. */
const SPILO_FSGROUP = /\bspilo_fsgroup["']?\s*:\s*["']?\d+/;

/** Per validation run (one WorkspaceResources each): whether the workspace sets `spilo_fsgroup` or looks like OpenShift. */
const groupProvidedMemo = new WeakMap<WorkspaceResources, boolean>();

function groupProvided(ws: WorkspaceResources): boolean {
  let v = groupProvidedMemo.get(ws);
  if (v === undefined) {
    v = ws.documents('spilo_fsgroup').some(d => SPILO_FSGROUP.test(d.doc.part.source))
      || ws.documents('openshift.io/').some(d => /\.openshift\.io\//.test(d.header.apiVersion ?? ''));
    groupProvidedMemo.set(ws, v);
  }
  return v;
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** C11: a clone source named without a timestamp is a cluster name, validated as a DNS-1035 label. */
export function checkSpiloClone(r: Resource, ctx: DocumentContext, p: SpiloProduct): void {
  const clone = get(r.data, ['spec', 'clone']);
  if (!isObj(clone)) return;
  const ts = clone.timestamp;
  if (typeof ts === 'string' && ts !== '') return;
  const name = str(clone.cluster);
  if (name === undefined || (name.length <= 63 && DNS_1035.test(name))) return;
  ctx.report(p.rules['clone-cluster-name'], spanAt(r, ['spec', 'clone', 'cluster']),
    `\`cluster: ${JSON.stringify(name)}\` is not a valid cluster name to clone from: without \`timestamp\` ${p.name} requires a DNS-1035 label (lower-case letters, digits and \`-\`, starting with a letter, at most 63 characters), marks this cluster Invalid and does not create it. Write the source cluster's name exactly.`);
}


/** The default replication user of both operators (`replication_username`, Spilo's PGUSER_STANDBY). */
const SPILO_REPLICATION_USER = 'standby';

/**
 * `spec.patroni.pg_hba` replaces Spilo's default pg_hba (configure_spilo.py) as a whole: the operator writes it into
 * Patroni's local `postgresql.pg_hba` (pkg/cluster/k8sres.go). A list without a `local` line locks Patroni out (it
 * manages PostgreSQL as the superuser over the Unix socket); one without a TCP `replication` line locks the replicas
 * out (an error with replicas, a warning for one instance). No verdict on lists with includes or non-string items.
 */
export function checkSpiloPgHba(r: Resource, ctx: DocumentContext, rule: RuleMeta): void {
  const list = get(r.data, ['spec', 'patroni', 'pg_hba']);
  if (!Array.isArray(list) || list.length === 0) return;
  const lines = list.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  if (lines.length !== list.length) return; // the schema reports items of another type; judge only a clean list
  // An included file (PostgreSQL 16+) may hold the missing lines: no verdict.
  if (lines.some(l => /^\s*include/.test(l))) return;
  const records = pgHbaMode.parse({ path: '/home/postgres/pgdata/pgroot/data/pg_hba.conf', text: lines.join('\n'), languageId: 'pg-hba' }).records;
  if (records.length === 0) return;
  const at = spanAt(r, ['spec', 'patroni', 'pg_hba'], 'key');
  const instances = get(r.data, ['spec', 'numberOfInstances']);
  const replicas = typeof instances === 'number' && instances > 1;
  if (!records.some(x => x.conn === 'local' && x.method !== 'reject')) {
    ctx.report(rule, at,
      'This list replaces Spilo\'s default pg_hba as a whole and has no `local` line: Patroni connects to its own PostgreSQL as the superuser over the Unix socket, PostgreSQL refuses it ("no pg_hba.conf entry for host \\"[local]\\""), and the instance cannot be managed or become ready. Add Spilo\'s first default line, `local all all trust`, or a `local` line for the superuser `postgres`.');
  }
  if (!records.some(isReplicationOverTcp)) {
    const user = SPILO_REPLICATION_USER;
    ctx.report(rule, at,
      `This list replaces Spilo's default pg_hba as a whole and has no \`replication\` line for TCP (\`all\` does not match replication connections): replicas clone and stream from the primary as the replication user (\`${user}\` by default; the operator setting \`replication_username\` may name another), and PostgreSQL refuses them ("no pg_hba.conf entry for replication connection"). Add a line such as \`hostssl replication ${user} all scram-sha-256\` (Spilo's default has md5)${replicas ? '' : ' (this cluster has one instance now; a replica added later fails)'}.`,
      replicas ? undefined : { severity: 'warning' });
  }
}

/** A TCP line that can admit a physical replication connection (the `replication` keyword, not quoted). */
function isReplicationOverTcp(x: HbaRecord): boolean {
  return x.conn !== 'local' && x.method !== 'reject' && x.databases.some(t => !t.quoted && t.value === 'replication');
}

const SSL_FILES = ['ssl_cert_file', 'ssl_key_file', 'ssl_ca_file'] as const;

/**
 * Certificate files named in `spec.postgresql.parameters` (Z-10): the operator's TLS machinery (`spec.tls`: the Secret
 * mounted at /tls with mode 0640 under `spiloFSGroup`, SSL_CERTIFICATE_FILE/SSL_PRIVATE_KEY_FILE/SSL_CA_FILE for
 * Spilo) is bypassed, and a file mounted by hand must be readable by the Spilo user.
 */
export function checkSpiloSslFiles(r: Resource, ctx: DocumentContext, p: SpiloProduct): void {
  const params = get(r.data, ['spec', 'postgresql', 'parameters']);
  if (!isObj(params)) return;
  for (const k of SSL_FILES) {
    if (typeof params[k] !== 'string') continue;
    ctx.report(p.rules['ssl-file-parameters'], spanAt(r, ['spec', 'postgresql', 'parameters', k], 'key'),
      `\`${k}\` in \`spec.postgresql.parameters\` bypasses \`spec.tls\`: ${p.name} then neither mounts the certificate Secret readable for PostgreSQL (mode 0640 with \`spiloFSGroup\`) nor points Spilo at it, and a file mounted by hand (additionalVolumes) that the postgres user cannot read stops the server at start ("could not load server certificate file": Permission denied). Remove it and set \`spec.tls.secretName\` (with \`caFile\` for a client CA).`);
  }
}

/**
 * Z-1: `spec.tls.secretName` is the Secret of a cert-manager Certificate with `isCA: true` (the CA of a bootstrap
 * chain, not a server certificate): PostgreSQL would present the CA certificate, whose names no client dials.
 */
export function checkSpiloCaSecret(r: Resource, ctx: LiveContext, p: SpiloProduct): void {
  const secretName = str(get(r.data, ['spec', 'tls', 'secretName']));
  if (!secretName) return;
  const ns = r.header.namespace;
  const ca = ctx.workspace.certificatesWriting(secretName, ns).find(d => get(dataOf(d.doc.part).value, ['spec', 'isCA']) === true);
  if (!ca) return;
  ctx.report(p.rules['ca-certificate-secret'], spanAt(r, ['spec', 'tls', 'secretName']),
    `Secret \`${secretName}\` is written by Certificate \`${ca.header.name ?? ''}\` with \`isCA: true\`: ${p.name} would serve that CA certificate as the server certificate, whose names are not the cluster's Services, so clients that verify (verify-full) fail. Issue a server Certificate from a CA Issuer over \`${secretName}\` and name its Secret here (the CA goes in \`caFile\`/\`caSecretName\`).`,
    { related: [{ ...namePlace(ca), message: `Certificate \`${ca.header.name ?? ''}\` (isCA: true) writes Secret \`${secretName}\`` }] });
}
