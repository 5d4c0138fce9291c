/**
 * Across documents: a Secret a resource refers to that exists in the workspace (same namespace) must hold the keys the
 * operator needs. Percona: every `items[].key` (R3) and every required path as an item path or a data key (R4); CPO:
 * the keys named by `certificateFile`/`privateKeyFile`/`caFile` (C4, C5); a cert-manager CA Issuer: `tls.crt` and
 * `tls.key` (I5; a ClusterIssuer's Secret lives in cert-manager's cluster resource namespace, a flag: not checked). A Secret that is not in the workspace is not
 * checked here (secret/not-found says so where it applies): it may exist only in the cluster.
 */
import type { FindingExtra } from '../../../core/rules';
import { dataOf } from '../data';
import type { Resource } from '../model';
import { PROJECTIONS } from '../references';
import { SECRET } from '../rules';
import { namePlace, type IndexedDocument } from '../workspace';
import { itemsOf, requiredPaths } from './percona';
import { PGO_PROJECTIONS } from './pgo';
import type { LiveContext, RuleModule } from './types';
import { get, isCpo, isObj, isPercona, isPgo, isZalando, spanAt, str } from './util';

const isIssuer = (r: Resource) => r.kind.apiVersion === 'cert-manager.io/v1' && r.kind.kind === 'Issuer';

interface FoundSecret { doc: IndexedDocument; keys: Set<string> }

/** The Secret `name` of the resource's namespace, with its data and stringData keys; `undefined` when not in the workspace. */
function lookup(ctx: LiveContext, r: Resource, name: string): FoundSecret | undefined {
  const ns = r.header.namespace;
  const doc = ctx.workspace.findOne('Secret', name, ns, 'v1');
  if (!doc) return undefined;
  const data = dataOf(doc.doc.part).value;
  const keys = new Set<string>();
  for (const field of ['data', 'stringData']) {
    const m = get(data, [field]);
    if (isObj(m)) for (const k of Object.keys(m)) keys.add(k);
  }
  return { doc, keys };
}

function related(s: FoundSecret): FindingExtra {
  return { related: [{ ...namePlace(s.doc), message: `Secret \`${s.doc.header.name}\`` }] };
}

const listKeys = (s: FoundSecret) => (s.keys.size ? [...s.keys].map(k => `\`${k}\``).join(', ') : 'no keys');

export const secretKeysModule: RuleModule = {
  name: 'secret-keys',
  appliesTo: (r: Resource) => isPercona(r) || isCpo(r) || isIssuer(r) || isZalando(r) || isPgo(r),
  checkLive(r, ctx) {
    if (isPercona(r)) checkPercona(r, ctx);
    else if (isCpo(r)) checkCpo(r, ctx, 'CPO');
    else if (isZalando(r)) checkCpo(r, ctx, 'The Zalando operator');
    else if (isPgo(r)) checkPgo(r, ctx);
    else checkIssuer(r, ctx);
  },
};

/** The `items[].key`s of a Secret projection at `at` that the Secret does not have; `effect` says what then fails. */
function reportMissingItemKeys(r: Resource, ctx: LiveContext, s: FoundSecret, name: string, items: ReturnType<typeof itemsOf>, at: readonly (string | number)[], effect: (key: string) => string): void {
  for (const it of items) {
    if (it.key === undefined || s.keys.has(it.key)) continue;
    ctx.report(SECRET['missing-key'], spanAt(r, [...at, 'items', it.index, 'key']),
      `Secret \`${name}\` has no key \`${it.key}\` (it has ${listKeys(s)}): ${effect(it.key)}. Fix the key or add it to the Secret.`, related(s));
  }
}

function checkPercona(r: Resource, ctx: LiveContext): void {
  checkPerconaBouncer(r, ctx);
  const secrets = get(r.data, ['spec', 'secrets']);
  if (!isObj(secrets)) return;
  for (const f of PROJECTIONS) {
    const p = secrets[f];
    const name = str(get(p, ['name']));
    if (!name) continue;
    const s = lookup(ctx, r, name);
    if (!s) continue;
    const items = itemsOf(p);
    reportMissingItemKeys(r, ctx, s, name, items, ['spec', 'secrets', f], key => `reconciliation fails ("key ${key} doesn't exist in secret ${name}")`);
    const paths = new Set(items.map(i => i.path));
    const lacking = requiredPaths(f, secrets).filter(x => !paths.has(x) && !s.keys.has(x));
    if (lacking.length) {
      ctx.report(SECRET['missing-key'], spanAt(r, ['spec', 'secrets', f, 'name']),
        `Secret \`${name}\` provides no ${lacking.map(x => `\`${x}\``).join(', ')} (it has ${listKeys(s)}, and no \`items[].path\` maps one): reconciliation fails ("required path ${lacking[0]} was not found both in secret ${name} and in the .items section"). Add the key${lacking.length > 1 ? 's' : ''} to the Secret or map ${lacking.length > 1 ? 'them' : 'it'} with \`items\`.`, related(s));
    }
  }
}

const BOUNCER_FILES = ['tls.crt', 'tls.key', 'ca.crt'];

/**
 * Percona (as PGO) `spec.proxy.pgBouncer.customTLSSecret` replaces the PgBouncer frontend certificate the operator
 * generates: the pods project the items whose `path` is `tls.crt`, `tls.key` or `ca.crt`, or, when none is, those three
 * keys of the Secret, none optional (internal/pgbouncer/certificates.go frontendCertificate, v2.0.0 to v3.0.0). The
 * operator validates nothing here: a missing key stops the PgBouncer pods at the volume mount.
 */
function checkPerconaBouncer(r: Resource, ctx: LiveContext): void {
  const at = ['spec', 'proxy', 'pgBouncer', 'customTLSSecret'];
  const p = get(r.data, at);
  const name = str(get(p, ['name']));
  if (!name) return;
  const s = lookup(ctx, r, name);
  if (!s) return;
  const items = itemsOf(p).filter(i => i.path !== undefined && BOUNCER_FILES.includes(i.path));
  const effect = 'the PgBouncer pods cannot start (the kubelet does not mount a projected Secret that lacks a listed key)';
  reportMissingItemKeys(r, ctx, s, name, items, at, () => effect);
  if (items.length) return; // only the listed files are mounted: a file left out is percona/items-path's
  const lacking = BOUNCER_FILES.filter(x => !s.keys.has(x));
  if (!lacking.length) return;
  const keypair = lacking.includes('tls.crt') || lacking.includes('tls.key');
  const fix = keypair
    ? `The field is PgBouncer's own server keypair, not only a trusted client CA: put a server certificate and key for the \`${r.header.name ?? '<cluster>'}-pgbouncer\` Service names beside \`ca.crt\`, or remove the field to let the operator make the keypair.`
    : `Add the key${lacking.length > 1 ? 's' : ''} to the Secret or map ${lacking.length > 1 ? 'them' : 'it'} with \`items\`.`;
  ctx.report(SECRET['missing-key'], spanAt(r, [...at, 'name']),
    `Secret \`${name}\` provides no ${lacking.map(x => `\`${x}\``).join(', ')} (it has ${listKeys(s)}): \`pgBouncer.customTLSSecret\` replaces the certificate the operator makes for PgBouncer, and the operator projects \`tls.crt\`, \`tls.key\` and \`ca.crt\` of this Secret into the PgBouncer pods, so ${effect}. ${fix}`, related(s));
}

/** CPO and its upstream Zalando mount `spec.tls` alike (check/spilo.ts); `product` starts the sentence. */
function checkCpo(r: Resource, ctx: LiveContext, product: string): void {
  const tls = get(r.data, ['spec', 'tls']);
  if (!isObj(tls)) return;
  const secretName = str(tls.secretName);
  if (!secretName) return; // empty: TLS off (cpo/empty-secret-name)
  const caSecretName = str(tls.caSecretName);
  const caFile = str(tls.caFile);
  const main = lookup(ctx, r, secretName);
  const need = (field: string, fallback: string | undefined, secret: FoundSecret | undefined, sName: string, nameField: string, mount: string) => {
    const v = str(tls[field]) || fallback;
    if (!secret || !v || v.startsWith('/') || secret.keys.has(v)) return;
    const set = !!str(tls[field]);
    ctx.report(SECRET['missing-key'], spanAt(r, ['spec', 'tls', set ? field : nameField]),
      `Secret \`${sName}\` has no key \`${v}\` (${set ? '' : `the default of \`${field}\`; `}it has ${listKeys(secret)}): ${product} mounts the Secret's keys as files under ${mount}, so ${mount}/${v} does not exist and PostgreSQL cannot start with TLS. Add the key to the Secret${set ? ' or fix the file name' : ` or set \`${field}\``}.`, related(secret));
  };
  need('certificateFile', 'tls.crt', main, secretName, 'secretName', '/tls');
  need('privateKeyFile', 'tls.key', main, secretName, 'secretName', '/tls');
  if (caFile) {
    if (caSecretName) need('caFile', undefined, lookup(ctx, r, caSecretName), caSecretName, 'caSecretName', '/tlsca');
    else need('caFile', undefined, main, secretName, 'secretName', '/tls');
  }
}

/** PGO: every projection needs tls.crt, tls.key and ca.crt, as an item path or a data key; every item key must exist. */
function checkPgo(r: Resource, ctx: LiveContext): void {
  for (const site of PGO_PROJECTIONS) {
    const p = get(r.data, site.path);
    const name = str(get(p, ['name']));
    if (!name) continue;
    const s = lookup(ctx, r, name);
    if (!s) continue;
    const items = itemsOf(p);
    reportMissingItemKeys(r, ctx, s, name, items, site.path, () => 'the pods that project it cannot start');
    const paths = new Set(items.map(i => i.path));
    // With items, only the listed paths exist in the pod (pgo/items-path); without, every data key becomes a file.
    const lacking = items.length ? [] : site.required.filter(x => !paths.has(x) && !s.keys.has(x));
    if (lacking.length) {
      ctx.report(SECRET['missing-key'], spanAt(r, [...site.path, 'name']),
        `Secret \`${name}\` provides no ${lacking.map(x => `\`${x}\``).join(', ')} (it has ${listKeys(s)}): PGO projects the Secret's keys as files and PostgreSQL (or PgBouncer) needs ${site.required.join(', ')}, so TLS cannot start. Add the key${lacking.length > 1 ? 's' : ''} to the Secret or map ${lacking.length > 1 ? 'them' : 'it'} with \`items\`.`, related(s));
    }
  }
}

function checkIssuer(r: Resource, ctx: LiveContext): void {
  const name = str(get(r.data, ['spec', 'ca', 'secretName']));
  if (!name) return;
  const s = lookup(ctx, r, name);
  if (!s) return;
  const lacking = ['tls.crt', 'tls.key'].filter(k => !s.keys.has(k));
  if (!lacking.length) return;
  ctx.report(SECRET['missing-key'], spanAt(r, ['spec', 'ca', 'secretName']),
    `Secret \`${name}\` has no ${lacking.map(k => `\`${k}\``).join(' and ')} (it has ${listKeys(s)}): a CA Issuer signs with the CA certificate and key in \`tls.crt\`/\`tls.key\`, so the Issuer is not ready and issues nothing. Store the CA key pair under those keys.`, related(s));
}
