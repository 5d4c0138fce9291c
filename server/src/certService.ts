/**
 * The certificate half of the façade: what the CLI's `cert`/`inspect` commands and the editor's certificate requests
 * (node/certCommands.ts) do with certificates, as data: the operator preset of a resource, a CA and the certificates
 * it issues, the check of a folder of certificate files, inspection. Pure: the clock and WebCrypto come from the env;
 * the callers read and write the files. A module of its own so that the language server loads it (and @peculiar/x509
 * with it) on the first certificate request only (service.ts `loadCertService`).
 */
import { x509 } from './certs/x509lib';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { CertError } from './certs/algorithms';
import { commonName, matchesHost } from './x509';
import type { CertificateAuthority } from './certs/generate';
import { describeCertificate, describeCertificates, type CertificateDescription } from './certs/inspect';
import { CertFileError, createCertGenerator, type CertEnv, type CertGenerator } from './certGenerate';
import { scanContainers } from './certs/containers';
import { inspectContainers, matchKeys, type ContainerReport } from './certs/inspectContainers';
import { pemDecodeAll } from './certs/keys';
import { describeKeys, keyMatchesCertificate, loadCertificateAuthority, type KeyDescription } from './certs/plan';
import { signCsr, type SignCsrOptions, type SignedCsr } from './certs/sign';
import { DEFAULT_CLIENT_USER, PERCONA_REPLICATION_USER, presetFromResource, type CertPreset, type PresetInput } from './certs/presets';
import type { CertInspectResult, CertPresetResult } from './protocol';

// The vocabulary the front ends use (names, limits, parsers of user input), so that they need no deeper import;
// the generating half (certGenerate.ts) holds the part `pgtls cert set` needs.
export * from './certGenerate';
export { operatorManifests, renderManifests, requiredFiles, toYaml } from './certs/manifests';
export {
  BUNDLE_FILE, NotASetError, SUBJECT_NOTE, SetProblemError, renewSet, rotateCa,
  type LifecycleFile, type LifecycleResult, type ReissuedLeaf, type RotateResult,
} from './certs/lifecycle';
export { RELOAD, rotationSteps, type RotationStep } from './certs/rotation';
export type { KeyDescription } from './certs/plan';
export type { ContainerCertificate, ContainerKey, ContainerReport } from './certs/inspectContainers';
export { documentLabel } from './certs/containers';
export { csrKeyLabel, type CsrRole, type SignedCsr } from './certs/sign';

export interface CertService extends CertGenerator {
  /** The operator preset of the resource document containing `offset` (else of the first resource in the text). */
  presetAt(text: string, offset: number): CertPreset | undefined;
  /** The preset reduced to what the editor's questions need. */
  presetSummary(pr: CertPreset): CertPresetResult;
  /** A CA from its certificate (chain) and key PEM; CertError when they do not make a usable CA. */
  /** `allowInvalidDates`: also an expired or not yet valid CA (negative tests). */
  loadCa(certPem: string, keyPem: string, opts?: { allowInvalidDates?: boolean }): Promise<CertificateAuthority>;
  /** Signs a PKCS#10 CSR (PEM text or DER bytes) with `ca` as a server or client certificate (certs/sign.ts). */
  signCsr(ca: CertificateAuthority, csr: string | Uint8Array, opts: Omit<SignCsrOptions, 'now' | 'crypto'>): Promise<SignedCsr>;
  /** The editor's inspection: certificates only, from PEM, base64 of PEM or DER, or a file's bytes (see `inspectCertificates`). */
  inspect(input: { text?: string; bytes?: Uint8Array }): Promise<CertInspectResult>;
  /** `pgtls inspect`: the certificates and the keys (described, never shown) of a file's bytes (see `inspectFile`). */
  inspectFile(bytes: Uint8Array): Promise<{ certificates: CertificateDescription[]; keys: FileKeyDescription[] }>;
  /**
   * `pgtls inspect` on YAML: the certificates and keys of Secret manifests, kubeconfigs and PEM-holding strings, each
   * with its document and key path; `undefined` when the text is not YAML that holds a mapping (read it as PEM/DER).
   */
  inspectContainers(text: string): Promise<ContainerReport | undefined>;
  /** Checks the files of a set before they go into Secrets (see `checkSetFiles`); the server names `pr`'s clients dial that server.crt lacks. */
  checkSetFiles(files: Readonly<Record<string, Uint8Array>>, pr: CertPreset, show: (file: string) => string): Promise<string[]>;
}

export function createCertService(env: CertEnv): CertService {
  return {
    ...createCertGenerator(env),
    presetAt,
    presetSummary,
    loadCa: (certPem, keyPem, opts) => loadCertificateAuthority(certPem, keyPem, env.now(), env.crypto, opts),
    signCsr: (ca, csr, opts) => signCsr(ca, csr, { ...opts, now: env.now(), crypto: env.crypto }),
    inspect: input => inspectCertificates(input, env),
    inspectFile: bytes => inspectFile(bytes, env),
    async inspectContainers(text) {
      const scan = scanContainers(text);
      return scan ? inspectContainers(scan, env.now(), env.crypto) : undefined;
    },
    checkSetFiles: (files, pr, show) => checkSetFiles(files, pr, show, env),
  };
}

// --- resources: the operator preset of a YAML resource, and the patch that points it at the Secrets -----------------

interface ResourceDoc {
  preset: CertPreset;
  doc: Document.Parsed;
  /** Where the document's text begins (after the previous document: its comments and `---` belong to it). */
  from: number;
  to: number;
}

/**
 * The KubeDB Pgpool / PerconaPGCluster / CPO postgresql document containing `offset` (else the first one). It parses
 * the text itself, with comments and positions kept, because the edit of `resourcePatchEdit` rewrites that document
 * (the language's parse keeps no editable document).
 */
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

/**
 * `pgtls cert … --resource FILE`: the preset of the first resource in `text` (named `name`, when given), with the
 * command line's overrides; `'invalid-yaml'` when the text does not parse.
 */
export function presetInText(text: string, name: string | undefined, overrides: Partial<PresetInput>): CertPreset | undefined | 'invalid-yaml' {
  let docs: unknown[];
  try {
    docs = parseAllDocuments(text).map(d => d.toJS());
  } catch {
    return 'invalid-yaml';
  }
  for (const doc of docs) {
    if (name !== undefined && (doc as { metadata?: { name?: unknown } } | null)?.metadata?.name !== name) continue;
    const found = presetFromResource(doc, overrides);
    if (found) return found;
  }
  return undefined;
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

/**
 * A node for the user's document. Never with anchors and aliases: the patch reuses one object for several places (the
 * same `items` list in two Secret references), which the library would otherwise write once as `&a1` and then `*a1`.
 */
const plainNode = (doc: Document, value: unknown) => doc.createNode(value, { aliasDuplicateObjects: false });

function mergeInto(doc: Document, at: (string | number)[], value: unknown): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const existing = at.length ? doc.getIn(at, true) : doc.contents;
    if (at.length && !isMap(existing)) {
      doc.setIn(at, plainNode(doc, value));
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
        else existing.add(plainNode(doc, item));
      }
      return;
    }
  }
  doc.setIn(at, plainNode(doc, value));
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

// --- inspection -------------------------------------------------------------------------------------------------
// Two entry points on purpose: the editor shows certificates only and also takes a Secret's base64 value; the CLI
// reads files and also describes the keys in them (type and size, never the key).

/**
 * Decodes certificates for display: PEM text, base64 of PEM or DER (a Secret's data value, whitespace allowed), or
 * the bytes of a file. Throws CertError when nothing decodes. Keys in the input are ignored, never echoed.
 */
export async function inspectCertificates(input: { text?: string; bytes?: Uint8Array }, env: CertEnv): Promise<CertInspectResult> {
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

/** A key of a file with certificates: which of them (1-based) it belongs to, `null` for none of them. */
export type FileKeyDescription = KeyDescription & { matchesCertificate?: number | null };

/** Every certificate and key of a PEM file, or the DER certificate or PKCS#8 key a binary file holds. */
async function inspectFile(bytes: Uint8Array, env: CertEnv): Promise<{ certificates: CertificateDescription[]; keys: FileKeyDescription[] }> {
  const now = env.now();
  const text = Buffer.from(bytes).toString('latin1');
  let certificates: CertificateDescription[] = [];
  let keys: FileKeyDescription[] = [];
  if (text.includes('-----BEGIN ')) {
    const ders = pemDecodeAll(text, 'CERTIFICATE');
    if (ders.length) certificates = await describeCertificates(text, now, env.crypto);
    keys = describeKeys(text);
    // A bundle with its key: say which certificate the key belongs to (the key blocks in file order, as described).
    const keyBlocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]*?PRIVATE KEY)-----[\s\S]*?-----END \1-----/g)].map(m => m[0]);
    if (ders.length && keyBlocks.length) {
      let k = 0;
      keys = await Promise.all(keys.map(async d => {
        if (!d.private) return d;
        const pem = keyBlocks[k++];
        if (d.encrypted || pem === undefined) return d;
        const m = await matchKeys(ders, pem, env.crypto);
        return m === undefined ? d : { ...d, matchesCertificate: m };
      }));
    }
  } else {
    // Binary: a DER certificate (.der/.cer) or a DER PKCS#8 key (.pk8).
    const der = new Uint8Array(bytes);
    try {
      certificates = [await describeCertificate(der, now, env.crypto)];
    } catch {
      try {
        keys = describeKeys(der);
      } catch {
        throw new CertFileError('neither a PEM file nor a DER certificate or PKCS#8 key');
      }
    }
  }
  if (certificates.length === 0 && keys.length === 0) throw new CertFileError('no PEM certificate or key found');
  return { certificates, keys };
}

// --- a folder of certificate files ------------------------------------------------------------------------------

/**
 * The files must be PEM, keys must match their certificates, leaves must come from ca.crt, and Percona's replication
 * CN must be right (else CertFileError, naming the files through `show`). Returns the names `pr`'s clients dial that
 * server.crt lacks.
 */
async function checkSetFiles(files: Readonly<Record<string, Uint8Array>>, pr: CertPreset, show: (file: string) => string, env: CertEnv): Promise<string[]> {
  const text = (f: string) => new TextDecoder().decode(files[f]);
  const certOf = async (f: string) => {
    if (!pemDecodeAll(text(f), 'CERTIFICATE').length) throw new CertFileError(`${show(f)} is not a PEM certificate`);
    return new (x509().X509Certificate)(pemDecodeAll(text(f), 'CERTIFICATE')[0]!);
  };
  const ca = files['ca.crt'] ? await certOf('ca.crt') : undefined;
  for (const base of ['ca', 'server', 'replication']) {
    if (!files[`${base}.crt`] || !files[`${base}.key`]) continue;
    const cert = await certOf(`${base}.crt`);
    let ok: boolean;
    try {
      ok = await keyMatchesCertificate(cert, text(`${base}.key`), env.crypto);
    } catch (e) {
      throw new CertFileError(`${show(`${base}.key`)}: ${(e as Error).message}`);
    }
    if (!ok) throw new CertFileError(`${show(`${base}.key`)} does not belong to ${show(`${base}.crt`)}`);
    if (base !== 'ca' && ca) {
      const signed = await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }, env.crypto).catch(() => false);
      if (!signed) throw new CertFileError(`${show(`${base}.crt`)} was not issued by ${show('ca.crt')}`);
    }
    if (base === 'replication') {
      const cn = cert.subjectName.getField('CN')[0];
      if (cn !== PERCONA_REPLICATION_USER) throw new CertFileError(`${show('replication.crt')} has CN "${cn ?? ''}"; Percona requires ${PERCONA_REPLICATION_USER}`);
    }
  }
  if (!files['server.crt']) return [];
  const d = await describeCertificate(text('server.crt'), env.now(), env.crypto);
  // Covered as libpq would verify it: a wildcard SAN covers one label, IPs compare as addresses, CN only without SANs.
  const names = { dns: d.subjectAltNames.dns, ips: d.subjectAltNames.ip, cn: commonName(d.subject) };
  return [...pr.server.dnsNames, ...pr.server.ipAddresses].filter(host => !matchesHost(names, host));
}
