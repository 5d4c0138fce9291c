/**
 * The editor's certificate commands, server side: what the `pgtls/certs/*` requests (protocol.ts) do. Generates
 * through the certificate façade (certService.ts), looks at and writes the output folder (only through
 * node/writeFiles.ts), and answers with a summary (files, modes, subjects, SANs, validity), never key material. Clock
 * and crypto are injected so tests can pin them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CertError, DEFAULT_CA_DAYS, DEFAULT_CLIENT_USER, algorithmSpec, assertStrong, compatWarnings, rolesOfFiles, createCertService, operatorManifests, parseAlgorithm, presetAt,
  presetSummary, renderManifests, resourcePatchEdit, splitSans,
  type CertEnv, type CertPreset, type CertService, type CertificateAuthority, type IssuedCertificate, type KeyAlgorithm,
} from '../certService';
import type { CertCreateParams, CertCreateResult, CertCreateSummary, CertFileSummary } from '../protocol';
import { FileReadError, MAX_CERT_BYTES, readRegularText } from './readFiles';
import { ExistingFilesError, writeCertFiles, type FileToWrite, type WriteOptions, type WriteResult } from './writeFiles';

// The language server's requests use these as they are; they live in the façade.
export { inspectCertificates, presetAt, presetSummary, resourcePatchEdit } from '../certService';

export type CertCommandEnv = CertEnv;

/** The manifest file a `set` for an operator writes next to the certificates (mode 0600: it embeds the keys). */
export const SECRETS_FILE = 'secrets.yaml';

type Planned = FileToWrite & { cert?: IssuedCertificate; role: string };

/** What a request asks for, with the names resolved from the request and the resource's preset. */
interface Plan {
  params: CertCreateParams;
  dir: string;
  algorithm: KeyAlgorithm | undefined;
  days: number | undefined;
  preset: CertPreset | undefined;
  serverName: string | undefined;
  sans: string[];
  clientUser: string | undefined;
  replication: boolean;
  /** A `set` for a Kubernetes operator: the Secrets are written too. */
  manifests: boolean;
  /** Make a CA (else issue from the ca.crt and ca.key in `caDir`). */
  makeCa: boolean;
  /** Where the CA is read from when it is not made: `params.caFolder`, else the output folder. */
  caDir: string;
  /** Files written elsewhere than `dir` under their usual name (`params.paths`: the paths a configuration names). */
  places: Partial<Record<PlacedName, string>>;
}

/** The files of a set that `CertCreateParams.paths` can place. */
type PlacedName = 'ca.crt' | 'ca.key' | 'server.crt' | 'server.key';

/** Where a file of the plan goes: its place, else `dir`/its name. */
const targetOf = (plan: Plan, name: string): string => plan.places[name as PlacedName] ?? path.join(plan.dir, name);

/**
 * Generates what `params.kind` asks for and writes it into `params.folder`. Existing targets without `force`: resolves
 * `{ status: 'exists' }` before any key is generated. Bad input (weak algorithm, invalid name …) throws CertError.
 * `resourceText` is the text of `params.resource.uri` (the glue reads it: open buffer or disk).
 */
export async function runCertCommand(params: CertCreateParams, env: CertCommandEnv, resourceText?: string): Promise<CertCreateResult> {
  const plan = planOf(params, resourceText);
  const names = targetNames(plan);
  if (!params.force) {
    const existing = names.map(n => targetOf(plan, n)).filter(f => fs.existsSync(f));
    if (existing.length) return { status: 'exists', existing };
  }
  const now = env.now();
  const certs = createCertService({ now: () => now, crypto: env.crypto });
  const { files, ca, patch } = await generate(plan, certs);
  let result: WriteResult;
  try {
    result = await writePlaced(plan, files, { force: !!params.force, ignore: plan.manifests ? [SECRETS_FILE] : [] });
  } catch (e) {
    // A file appeared between the check and the write.
    if (e instanceof ExistingFilesError) return { status: 'exists', existing: e.existing };
    throw e;
  }
  const edit = patch && resourceText !== undefined && params.resource ? resourcePatchEdit(resourceText, params.resource.offset, patch) : undefined;
  const pr = plan.preset;
  const summary: CertCreateSummary = {
    dir: result.dir, createdDir: result.createdDir, algorithm: plan.algorithm ?? ca.algorithm, files: await fileSummaries(plan, result, files, certs),
    gitignore: result.gitignore,
    warnings: [...result.warnings, ...compatWarnings(plan.algorithm ?? ca.algorithm, rolesOfFiles(files.map(f => f.role)), ca.algorithm === 'ed25519')],
    ...(pr && params.kind === 'set' ? { resource: { operator: pr.operator, kind: pr.kind, name: pr.name, ...(pr.namespace ? { namespace: pr.namespace } : {}) } } : {}),
    ...(patch && Object.keys(patch).length ? { patch } : {}),
    ...(edit && params.resource ? { resourceEdit: { uri: params.resource.uri, ...edit } } : {}),
    message: '',
  };
  if (!plan.makeCa) summary.caDir = plan.caDir;
  summary.message = summaryMessage(summary, !plan.makeCa);
  return { status: 'written', summary };
}

/** Checks the request and resolves its names; throws CertError for bad input. */
function planOf(params: CertCreateParams, resourceText: string | undefined): Plan {
  if (!params.folder || !path.isAbsolute(params.folder)) throw new CertError('the output folder must be an absolute path');
  const dir = path.resolve(params.folder);
  const algorithm: KeyAlgorithm | undefined = params.algorithm ? parseAlgorithm(params.algorithm) : undefined;
  if (algorithm) assertStrong(algorithm);
  const days = params.days;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 36500)) throw new CertError(`validity must be a whole number of days from 1 to 36500, not ${String(days)}`);

  let pr: CertPreset | undefined;
  if (params.resource) {
    if (resourceText === undefined) throw new CertError(`cannot read ${params.resource.uri}`);
    pr = presetAt(resourceText, params.resource.offset);
    if (!pr && params.kind === 'set') throw new CertError('no KubeDB Pgpool, PerconaPGCluster, CYBERTEC or Zalando postgresql or PGO PostgresCluster resource under the cursor');
  }
  const serverName = params.serverName?.trim() || pr?.server.commonName;
  const sans = params.sans ?? (pr ? presetSummary(pr).sans : []);
  const clientUser = params.clientUser?.trim() || pr?.clientUsers[0] || (params.kind === 'set' ? DEFAULT_CLIENT_USER : undefined);
  const replication = params.kind === 'replication' || (params.kind === 'set' && pr?.replicationUser !== undefined);
  const manifests = params.kind === 'set' && pr !== undefined && pr.operator !== 'pgpool';

  // Is a CA to be made or loaded?
  const leafKind = params.kind === 'server' || params.kind === 'client' || params.kind === 'replication';
  if (params.caFolder !== undefined && (!leafKind || !path.isAbsolute(params.caFolder))) {
    throw new CertError(leafKind ? 'the CA folder must be an absolute path' : `a ${params.kind} command makes its own CA; leave out the CA folder`);
  }
  const caDir = params.caFolder !== undefined ? path.resolve(params.caFolder) : dir;
  const places = placesOf(params);
  const hasCa = fs.existsSync(places['ca.crt'] ?? path.join(caDir, 'ca.crt')) && fs.existsSync(places['ca.key'] ?? path.join(caDir, 'ca.key'));
  const makeCa = params.kind === 'ca' || params.kind === 'set' || (leafKind && !hasCa && params.caFolder === undefined && params.createCaIfMissing !== false);
  if (leafKind && !hasCa && !makeCa) throw new CertError(`${caDir} has no ca.crt and ca.key; create a CA first`);
  if (params.kind === 'server' || params.kind === 'set') {
    if (!serverName) throw new CertError('a server certificate needs a host name or address (the name clients dial)');
  }
  if ((params.kind === 'client' || params.kind === 'set') && !clientUser) throw new CertError('a client certificate needs the database user (its CN)');
  return { params, dir, algorithm, days, preset: pr, serverName, sans, clientUser, replication, manifests, makeCa, caDir, places };
}

/**
 * The places `params.paths` gives (the "Generate … here" quick fix: the paths a configuration names): absolute, one
 * file each, for a server certificate (its CA placed or found beside the certificate) or a CA alone.
 */
function placesOf(params: CertCreateParams): Partial<Record<PlacedName, string>> {
  const p = params.paths;
  if (!p) return {};
  if (params.kind !== 'server' && params.kind !== 'ca') throw new CertError(`paths are for a server certificate or a CA, not for ${params.kind}`);
  const out: Partial<Record<PlacedName, string>> = {};
  const put = (name: PlacedName, value: string | undefined) => {
    if (value === undefined) return;
    if (!path.isAbsolute(value)) throw new CertError(`the path of ${name} must be absolute: ${value}`);
    out[name] = path.resolve(value);
  };
  put('ca.crt', p.ca);
  put('ca.key', p.caKey ?? (p.ca !== undefined ? caKeyBeside(p.ca) : undefined));
  put('server.crt', p.cert);
  put('server.key', p.key);
  if (params.kind === 'server' && (!out['server.crt'] || !out['server.key'])) throw new CertError('a server certificate needs the paths of both its certificate and its key');
  if (params.kind === 'ca' && !out['ca.crt']) throw new CertError('the CA needs the path of its certificate');
  const all = Object.values(out);
  if (new Set(all).size !== all.length) throw new CertError(`two files would be written to one path: ${all.join(', ')}`);
  return out;
}

/** The CA key beside a CA certificate: `root.crt` → `root.key`. */
export function caKeyBeside(caPath: string): string {
  const ext = path.extname(caPath);
  return path.join(path.dirname(caPath), `${path.basename(caPath, ext)}.key`);
}

/** The folder's ca.crt or ca.key: a regular file of at most 1 MiB (readFiles.ts); a FIFO or a device is refused, never read. */
function readCaFile(file: string): string {
  try {
    return readRegularText(file, { maxBytes: MAX_CERT_BYTES });
  } catch (e) {
    if (e instanceof FileReadError) throw new CertError(`cannot read the CA: ${e.message}`);
    throw e;
  }
}

const wantsServer = (p: Plan) => p.params.kind === 'server' || p.params.kind === 'set';
const wantsClient = (p: Plan) => p.params.kind === 'client' || p.params.kind === 'set';

/** The files the plan writes. */
function targetNames(plan: Plan): string[] {
  return [
    ...(plan.makeCa ? ['ca.crt', 'ca.key'] : []),
    ...(wantsServer(plan) ? ['server.crt', 'server.key'] : []),
    ...(wantsClient(plan) ? ['client.crt', 'client.key'] : []),
    ...(plan.replication ? ['replication.crt', 'replication.key'] : []),
    ...(plan.manifests ? [SECRETS_FILE] : []),
  ];
}

/** The CA (new, or the folder's), the certificates it issues and, for an operator's set, the Secrets and the resource patch. */
async function generate(plan: Plan, certs: CertService): Promise<{ files: Planned[]; ca: CertificateAuthority; patch?: Record<string, unknown> }> {
  const { params, dir, algorithm, days, serverName } = plan;
  let ca: CertificateAuthority;
  if (!plan.makeCa) {
    const at = (name: PlacedName) => plan.places[name] ?? path.join(plan.caDir, name);
    ca = await certs.loadCa(readCaFile(at('ca.crt')), readCaFile(at('ca.key')));
  } else {
    const caName = params.caName?.trim() || [...`pgtls development CA${serverName ? ` for ${serverName}` : ''}`].slice(0, 64).join('').trim();
    ca = await certs.createCa({ ...(algorithm ? { algorithm } : {}), commonName: caName, days: params.kind === 'ca' && days ? days : DEFAULT_CA_DAYS });
  }
  const extra = splitSans(plan.sans.map(s => s.trim()).filter(Boolean));
  const issued = await certs.issue(ca, {
    leaves: { algorithm: algorithm ?? ca.algorithm, ...(days && params.kind !== 'ca' ? { days } : {}) },
    ...(wantsServer(plan) ? { server: { commonName: serverName!, dnsNames: extra.dns, ipAddresses: extra.ip } } : {}),
    ...(wantsClient(plan) ? { client: { user: plan.clientUser! } } : {}),
    replication: plan.replication,
  });

  const files: Planned[] = [];
  if (plan.makeCa) {
    files.push({ name: 'ca.crt', contents: ca.chainPem, secret: false, cert: ca, role: 'CA certificate' });
    files.push({ name: 'ca.key', contents: ca.keyPem, secret: true, role: 'CA private key' });
  }
  const leaf = (c: IssuedCertificate | undefined, base: string, role: string) => {
    if (!c) return;
    files.push({ name: `${base}.crt`, contents: c.chainPem, secret: false, cert: c, role });
    files.push({ name: `${base}.key`, contents: c.keyPem, secret: true, role: `${role} private key` });
  };
  leaf(issued.server, 'server', 'server certificate');
  leaf(issued.client, 'client', 'client certificate');
  leaf(issued.replication, 'replication', 'replication certificate');
  const pr = plan.preset;
  if (!plan.manifests || !pr) return { files, ca };
  const sources: Record<string, string> = {};
  for (const f of files) if (typeof f.contents === 'string') sources[f.name] = f.contents;
  const m = operatorManifests(pr, sources, { sourceDir: dir });
  const secretNames = m.documents.map(d => `${String(d.object.kind)}/${String((d.object.metadata as { name: string }).name)}`);
  files.push({ name: SECRETS_FILE, contents: renderManifests(m, { kind: pr.kind, name: pr.name }), secret: true, role: `Kubernetes manifests: ${secretNames.join(', ')}` });
  return { files, ca, patch: m.patch };
}

/**
 * Writes the planned files: all into `plan.dir`, or, with places, folder by folder under the names the places give
 * (every target was checked before, so a refusal still leaves everything as it was unless a file appears meanwhile).
 */
async function writePlaced(plan: Plan, files: Planned[], opts: WriteOptions): Promise<WriteResult> {
  if (!Object.keys(plan.places).length) return await writeCertFiles(plan.dir, files, opts);
  const byDir = new Map<string, FileToWrite[]>();
  for (const f of files) {
    const target = targetOf(plan, f.name);
    const list = byDir.get(path.dirname(target)) ?? [];
    list.push({ ...f, name: path.basename(target) });
    byDir.set(path.dirname(target), list);
  }
  const results: WriteResult[] = [];
  for (const [dir, list] of byDir) results.push(await writeCertFiles(dir, list, opts));
  const first = results[0]!;
  return {
    dir: results.find(r => r.dir === plan.dir)?.dir ?? first.dir, createdDir: results.some(r => r.createdDir),
    files: results.flatMap(r => r.files), gitignore: first.gitignore, warnings: results.flatMap(r => r.warnings),
  };
}

async function fileSummaries(plan: Plan, result: WriteResult, files: Planned[], certs: CertService): Promise<CertFileSummary[]> {
  const out: CertFileSummary[] = [];
  for (const w of result.files) {
    const f = files.find(x => targetOf(plan, x.name) === w.path) ?? files.find(x => x.name === w.name)!;
    const d = f.cert ? await certs.describe(f.cert.certDer ?? f.cert.certPem) : undefined;
    out.push({
      name: w.name, path: w.path, mode: octal(w.mode),
      kind: w.name === SECRETS_FILE ? 'manifest' : w.secret ? 'private-key' : 'certificate',
      role: f.role, replaced: w.replaced,
      ...(d ? {
        subject: d.subject,
        sans: [...d.subjectAltNames.dns.map(s => `DNS:${s}`), ...d.subjectAltNames.ip.map(s => `IP:${s}`)],
        notBefore: d.notBefore.toISOString(), notAfter: d.notAfter.toISOString(),
        days: Math.round((d.notAfter.getTime() - d.notBefore.getTime()) / 86_400_000),
      } : {}),
    });
  }
  return out;
}

function summaryMessage(s: CertCreateSummary, caFromDisk: boolean): string {
  const keys = s.files.filter(f => f.kind === 'private-key').length;
  const server = s.files.find(f => f.role === 'server certificate');
  const dirs = new Set(s.files.map(f => path.dirname(f.path)));
  const where = dirs.size > 1 || !dirs.has(s.dir) ? s.files.map(f => f.path).join(', ') : `${s.files.map(f => f.name).join(', ')} to ${s.dir}`;
  const parts = [`Wrote ${where} (${algorithmSpec(s.algorithm as KeyAlgorithm).label}; ${keys} private key${keys === 1 ? '' : 's'} mode 0600).`];
  if (caFromDisk) parts.push(s.caDir && s.caDir !== s.dir ? `Issued by the existing CA in ${s.caDir}.` : 'Issued by the existing ca.crt.');
  if (server?.sans?.length) parts.push(`Server SANs: ${server.sans.join(', ')}.`);
  const first = s.files.find(f => f.notAfter && f.role !== 'CA certificate') ?? s.files.find(f => f.notAfter);
  if (first?.notAfter) parts.push(`Valid until ${first.notAfter.slice(0, 10)}.`);
  if (s.resource && s.files.some(f => f.kind === 'manifest')) parts.push(`${SECRETS_FILE} holds the Secrets for the ${s.resource.kind} ${s.resource.name} (it embeds the keys: mode 0600, git-ignored).`);
  if (s.gitignore === 'created' || s.gitignore === 'appended') parts.push('A .gitignore keeps the keys out of git.');
  parts.push(...s.warnings);
  return parts.join(' ');
}

const octal = (m: number) => m.toString(8).padStart(4, '0');
