/**
 * The editor's certificate commands, server side: what the `pgtls/certs/*` requests (protocol.ts) do. Generates with
 * the pure core, writes only through node/writeFiles.ts, and answers with a summary (files, modes, subjects, SANs,
 * validity) — never key material. Clock and crypto are injected so tests can pin them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { CertError, algorithmSpec, assertStrong, parseAlgorithm, type KeyAlgorithm } from './algorithms';
import {
  DEFAULT_CA_DAYS, createCa, issueClient, issueReplication, issueServer, type CertificateAuthority, type IssuedCertificate,
} from './generate';
import { describeCertificate, describeCertificates, type CertificateDescription } from './inspect';
import { operatorManifests, renderManifests } from './manifests';
import { splitSans } from './names';
import { loadCertificateAuthority } from './plan';
import { DEFAULT_CLIENT_USER, presetFromResource, type CertPreset } from './presets';
import { ExistingFilesError, writeCertFiles, type FileToWrite } from '../node/writeFiles';
import type {
  CertCreateParams, CertCreateResult, CertCreateSummary, CertFileSummary, CertInspectResult, CertPresetResult,
} from '../protocol';

export interface CertCommandEnv {
  now: () => Date;
  crypto: Crypto;
}

/** The manifest file a `set` for an operator writes next to the certificates (mode 0600: it embeds the keys). */
export const SECRETS_FILE = 'secrets.yaml';

type Planned = FileToWrite & { cert?: IssuedCertificate; role: string };

interface ResourceDoc {
  preset: CertPreset;
  doc: Document.Parsed;
  /** Where the document's text begins (after the previous document: its comments and `---` belong to it). */
  from: number;
  to: number;
}

/** The KubeDB Pgpool / PerconaPGCluster / CPO postgresql document containing `offset` (else the first one). */
function resourceDocAt(text: string, offset: number): ResourceDoc | undefined {
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text) as Document.Parsed[];
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined;
  const candidates: (ResourceDoc & { under: boolean })[] = [];
  let prevEnd = 0;
  for (const d of docs) {
    const [start, , end] = d.range;
    const from = prevEnd;
    prevEnd = end;
    if (d.errors.length) continue;
    let obj: unknown;
    try {
      obj = d.toJS();
    } catch {
      continue;
    }
    const pr = presetFromResource(obj);
    if (pr) candidates.push({ preset: pr, doc: d, from, to: end, under: offset >= start && offset <= end });
  }
  return candidates.find(c => c.under) ?? candidates[0];
}

/** The preset of the resource document containing `offset` (else of the first resource in the text). */
export function presetAt(text: string, offset: number): CertPreset | undefined {
  return resourceDocAt(text, offset)?.preset;
}

/** A replacement of `text.slice(start, end)` by `newText` (offsets into the resource's text). */
export interface TextReplacement {
  start: number;
  end: number;
  newText: string;
}

/**
 * The edit that merges `patch` (a preset's JSON merge patch: lists keyed by `key` or `alias`) into the resource
 * document containing `offset`, keeping its comments and the other documents; undefined when nothing changes.
 * The edit is trimmed to the changed span so an undo restores exactly what was there.
 */
export function resourcePatchEdit(text: string, offset: number, patch: Record<string, unknown>): TextReplacement | undefined {
  const found = resourceDocAt(text, offset);
  if (!found || !Object.keys(patch).length) return undefined;
  const doc = found.doc.clone();
  mergeInto(doc, [], patch);
  const before = text.slice(found.from, found.to);
  let after = doc.toString({ lineWidth: 0 });
  if (!before.endsWith('\n') && after.endsWith('\n')) after = after.slice(0, -1);
  if (after === before) return undefined;
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let q = 0;
  while (q < before.length - p && q < after.length - p && before[before.length - 1 - q] === after[after.length - 1 - q]) q++;
  return { start: found.from + p, end: found.from + before.length - q, newText: after.slice(p, after.length - q) };
}

function mergeInto(doc: Document, at: (string | number)[], value: unknown): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const existing = at.length ? doc.getIn(at, true) : doc.contents;
    if (at.length && !isMap(existing)) {
      doc.setIn(at, doc.createNode(value));
      return;
    }
    for (const [k, v] of Object.entries(value)) mergeInto(doc, [...at, k], v);
    return;
  }
  if (Array.isArray(value) && value.length && value.every(v => v && typeof v === 'object' && ('key' in v || 'alias' in v))) {
    const existing = doc.getIn(at, true);
    if (isSeq(existing)) {
      for (const item of value as Record<string, unknown>[]) {
        const id = 'key' in item ? 'key' : 'alias';
        const idx = existing.items.findIndex(n => isMap(n) && n.get(id) === item[id]);
        if (idx >= 0) mergeInto(doc, [...at, idx], item);
        else existing.add(doc.createNode(item));
      }
      return;
    }
  }
  doc.setIn(at, doc.createNode(value));
}

/** The preset reduced to what the client needs to prefill its questions. */
export function presetSummary(pr: CertPreset): CertPresetResult {
  const serverName = pr.server.commonName;
  return {
    operator: pr.operator, kind: pr.kind, name: pr.name, ...(pr.namespace ? { namespace: pr.namespace } : {}),
    serverName,
    sans: [...pr.server.dnsNames, ...pr.server.ipAddresses].filter(s => s !== serverName),
    clientUser: pr.clientUsers[0] ?? DEFAULT_CLIENT_USER,
    ...(pr.replicationUser ? { replicationUser: pr.replicationUser } : {}),
    secretNames: [...pr.secrets.filter(s => s.source === 'pgtls').map(s => s.name), ...(pr.issuer ? [pr.issuer.name] : [])],
  };
}

/**
 * Generates what `params.kind` asks for and writes it into `params.folder`. Existing targets without `force`: resolves
 * `{ status: 'exists' }` before any key is generated. Bad input (weak algorithm, invalid name …) throws CertError.
 * `resourceText` is the text of `params.resource.uri` (the glue reads it: open buffer or disk).
 */
export async function runCertCommand(params: CertCreateParams, env: CertCommandEnv, resourceText?: string): Promise<CertCreateResult> {
  if (!params.folder || !path.isAbsolute(params.folder)) throw new CertError('the output folder must be an absolute path');
  const dir = path.resolve(params.folder);
  const now = env.now();
  const crypto = env.crypto;
  const algorithm: KeyAlgorithm | undefined = params.algorithm ? parseAlgorithm(params.algorithm) : undefined;
  if (algorithm) assertStrong(algorithm);
  const days = params.days;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 36500)) throw new CertError(`validity must be a whole number of days from 1 to 36500, not ${String(days)}`);

  let pr: CertPreset | undefined;
  if (params.resource) {
    if (resourceText === undefined) throw new CertError(`cannot read ${params.resource.uri}`);
    pr = presetAt(resourceText, params.resource.offset);
    if (!pr && params.kind === 'set') throw new CertError('no KubeDB Pgpool, PerconaPGCluster or CYBERTEC postgresql resource under the cursor');
  }
  const serverName = params.serverName?.trim() || pr?.server.commonName;
  const sans = params.sans ?? (pr ? presetSummary(pr).sans : []);
  const clientUser = params.clientUser?.trim() || pr?.clientUsers[0] || (params.kind === 'set' ? DEFAULT_CLIENT_USER : undefined);
  const replication = params.kind === 'replication' || (params.kind === 'set' && pr?.operator === 'percona');
  const manifests = params.kind === 'set' && pr !== undefined && pr.operator !== 'pgpool';

  // Which files, and is a CA to be made or loaded?
  const caPath = path.join(dir, 'ca.crt');
  const caKeyPath = path.join(dir, 'ca.key');
  const hasCa = fs.existsSync(caPath) && fs.existsSync(caKeyPath);
  const leafKind = params.kind === 'server' || params.kind === 'client' || params.kind === 'replication';
  const makeCa = params.kind === 'ca' || params.kind === 'set' || (leafKind && !hasCa && params.createCaIfMissing !== false);
  if (leafKind && !hasCa && !makeCa) throw new CertError(`${dir} has no ca.crt and ca.key; create a CA first`);
  if (params.kind === 'server' || params.kind === 'set') {
    if (!serverName) throw new CertError('a server certificate needs a host name or address (the name clients dial)');
  }
  if ((params.kind === 'client' || params.kind === 'set') && !clientUser) throw new CertError('a client certificate needs the database user (its CN)');

  const names = [
    ...(makeCa ? ['ca.crt', 'ca.key'] : []),
    ...(params.kind === 'server' || params.kind === 'set' ? ['server.crt', 'server.key'] : []),
    ...(params.kind === 'client' || params.kind === 'set' ? ['client.crt', 'client.key'] : []),
    ...(replication ? ['replication.crt', 'replication.key'] : []),
    ...(manifests ? [SECRETS_FILE] : []),
  ];
  if (!params.force) {
    const existing = names.map(n => path.join(dir, n)).filter(f => fs.existsSync(f));
    if (existing.length) return { status: 'exists', existing };
  }

  let ca: CertificateAuthority;
  const caFromDisk = !makeCa;
  if (caFromDisk) {
    ca = await loadCertificateAuthority(fs.readFileSync(caPath, 'utf8'), fs.readFileSync(caKeyPath, 'utf8'), now, crypto);
  } else {
    const caName = params.caName?.trim() || [...`pgtls development CA${serverName ? ` for ${serverName}` : ''}`].slice(0, 64).join('').trim();
    ca = await createCa({ now, crypto, ...(algorithm ? { algorithm } : {}), commonName: caName, days: params.kind === 'ca' && days ? days : DEFAULT_CA_DAYS });
  }
  const leafAlg = algorithm ?? ca.algorithm;
  const common = { now, crypto, algorithm: leafAlg, ...(days && params.kind !== 'ca' ? { days } : {}) };
  const extra = splitSans(sans.map(s => s.trim()).filter(Boolean));
  const [server, client, repl] = await Promise.all([
    params.kind === 'server' || params.kind === 'set'
      ? issueServer(ca, { ...common, commonName: serverName!, dnsNames: extra.dns, ipAddresses: extra.ip }) : undefined,
    params.kind === 'client' || params.kind === 'set' ? issueClient(ca, { ...common, user: clientUser! }) : undefined,
    replication ? issueReplication(ca, common) : undefined,
  ]);

  const files: Planned[] = [];
  if (makeCa) {
    files.push({ name: 'ca.crt', contents: ca.chainPem, secret: false, cert: ca, role: 'CA certificate' });
    files.push({ name: 'ca.key', contents: ca.keyPem, secret: true, role: 'CA private key' });
  }
  const leaf = (c: IssuedCertificate | undefined, base: string, role: string) => {
    if (!c) return;
    files.push({ name: `${base}.crt`, contents: c.chainPem, secret: false, cert: c, role });
    files.push({ name: `${base}.key`, contents: c.keyPem, secret: true, role: `${role} private key` });
  };
  leaf(server, 'server', 'server certificate');
  leaf(client, 'client', 'client certificate');
  leaf(repl, 'replication', 'replication certificate');
  let patch: Record<string, unknown> | undefined;
  if (manifests && pr) {
    const sources: Record<string, string> = {};
    for (const f of files) if (typeof f.contents === 'string') sources[f.name] = f.contents;
    const m = operatorManifests(pr, sources, { sourceDir: dir });
    patch = m.patch;
    const secretNames = m.documents.map(d => `${String(d.object.kind)}/${String((d.object.metadata as { name: string }).name)}`);
    files.push({ name: SECRETS_FILE, contents: renderManifests(m, { kind: pr.kind, name: pr.name }), secret: true, role: `Kubernetes manifests: ${secretNames.join(', ')}` });
  }

  let result;
  try {
    result = await writeCertFiles(dir, files, { force: !!params.force, ignore: manifests ? [SECRETS_FILE] : [] });
  } catch (e) {
    // A file appeared between the check and the write.
    if (e instanceof ExistingFilesError) return { status: 'exists', existing: e.existing };
    throw e;
  }
  const edit = patch && resourceText !== undefined && params.resource ? resourcePatchEdit(resourceText, params.resource.offset, patch) : undefined;
  const out: CertFileSummary[] = [];
  for (const w of result.files) {
    const f = files.find(x => x.name === w.name)!;
    const d: CertificateDescription | undefined = f.cert ? await describeCertificate(f.cert.certPem, now, crypto) : undefined;
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
  const summary: CertCreateSummary = {
    dir: result.dir, createdDir: result.createdDir, algorithm: leafAlg, files: out, gitignore: result.gitignore, warnings: result.warnings,
    ...(pr && params.kind === 'set' ? { resource: { operator: pr.operator, kind: pr.kind, name: pr.name, ...(pr.namespace ? { namespace: pr.namespace } : {}) } } : {}),
    ...(patch && Object.keys(patch).length ? { patch } : {}),
    ...(edit && params.resource ? { resourceEdit: { uri: params.resource.uri, ...edit } } : {}),
    message: '',
  };
  summary.message = summaryMessage(summary, caFromDisk);
  return { status: 'written', summary };
}

function summaryMessage(s: CertCreateSummary, caFromDisk: boolean): string {
  const keys = s.files.filter(f => f.kind === 'private-key').length;
  const server = s.files.find(f => f.name === 'server.crt');
  const parts = [`Wrote ${s.files.map(f => f.name).join(', ')} to ${s.dir} (${algorithmSpec(s.algorithm as KeyAlgorithm).label}; ${keys} private key${keys === 1 ? '' : 's'} mode 0600).`];
  if (caFromDisk) parts.push('Issued by the existing ca.crt.');
  if (server?.sans?.length) parts.push(`Server SANs: ${server.sans.join(', ')}.`);
  const first = s.files.find(f => f.notAfter && f.name !== 'ca.crt') ?? s.files.find(f => f.notAfter);
  if (first?.notAfter) parts.push(`Valid until ${first.notAfter.slice(0, 10)}.`);
  if (s.resource && s.files.some(f => f.kind === 'manifest')) parts.push(`${SECRETS_FILE} holds the Secrets for the ${s.resource.kind} ${s.resource.name} (it embeds the keys: mode 0600, git-ignored).`);
  if (s.gitignore === 'created' || s.gitignore === 'appended') parts.push('A .gitignore keeps the keys out of git.');
  parts.push(...s.warnings);
  return parts.join(' ');
}

const octal = (m: number) => m.toString(8).padStart(4, '0');

/**
 * Decodes certificates for display: PEM text, base64 of PEM or DER (a Secret's data value, whitespace allowed), or
 * the bytes of a file. Throws CertError when nothing decodes. Keys in the input are ignored, never echoed.
 */
export async function inspectCertificates(input: { text?: string; bytes?: Uint8Array }, env: CertCommandEnv): Promise<CertInspectResult> {
  const now = env.now();
  let descriptions: CertificateDescription[] = [];
  const latin1 = input.bytes ? Buffer.from(input.bytes).toString('latin1') : undefined;
  const text = input.text ?? latin1 ?? '';
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    descriptions = await describeCertificates(text, now, env.crypto);
  } else if (input.bytes && !/^[\sA-Za-z0-9+/=]*$/.test(text)) {
    descriptions = [await describeCertificate(new Uint8Array(input.bytes), now, env.crypto).catch(() => { throw new CertError('not a PEM or DER certificate'); })];
  } else {
    const b64 = text.replace(/^\s*["']|["']\s*$/g, '').replace(/\s+/g, '');
    if (!b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) throw new CertError('no certificate here: select a PEM certificate or a base64 Secret value');
    const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
    const decoded = Buffer.from(bytes).toString('latin1');
    if (decoded.includes('-----BEGIN CERTIFICATE-----')) descriptions = await describeCertificates(decoded, now, env.crypto);
    else if (decoded.includes('-----BEGIN ')) throw new CertError('this base64 value holds a key, not a certificate; pgtls does not display keys');
    else descriptions = [await describeCertificate(bytes, now, env.crypto).catch(() => { throw new CertError('the base64 value is not a certificate'); })];
  }
  if (!descriptions.length) throw new CertError('no certificate found');
  const n = descriptions.length;
  const text2 = descriptions.map((d, i) => `${n > 1 ? `--- certificate ${i + 1} of ${n}${i === 0 ? ' (leaf)' : ''}\n` : ''}${d.text.trimEnd()}\n`).join('\n');
  return { count: n, text: text2 };
}
