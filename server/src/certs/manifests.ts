/**
 * Kubernetes manifests from certificate files: the Secrets each operator expects (operators.md §2.2, §3.2, §5), the
 * cert-manager CA Issuer (and optionally a Certificate) for KubeDB (§1.2 K5, §4 I5), and the patch that points the
 * resource at them. Pure: file bytes in, YAML text out.
 *
 * A Secret is the object `kubectl create secret generic NAME [--type=kubernetes.io/tls] --from-file=KEY=PATH ...
 * [--namespace NS] --dry-run=client -o yaml` prints for the same files, with its keys in kubectl's order (alphabetical,
 * as Go marshals maps) and without kubectl's `creationTimestamp: null`. Each Secret is preceded by that command as a
 * comment. Secrets holding `tls.crt` + `tls.key` get `type: kubernetes.io/tls` (what cert-manager writes, and what
 * makes the API server check the two keys exist); the others are Opaque, which kubectl writes by omitting `type`.
 */
import { stringify } from 'yaml';
import { CertError, algorithmSpec, type KeyAlgorithm } from './algorithms';
import { DEFAULT_LEAF_DAYS } from './generate';
import { checkSecretName, nameWithSuffix, type CertPreset, type PresetSecret } from './presets';

/** File name (in the folder `pgtls cert set` writes) → contents. */
export type SourceFiles = Readonly<Record<string, string | Uint8Array>>;

export interface SecretSpec {
  name: string;
  namespace?: string;
  type?: 'kubernetes.io/tls';
  /** Data key → contents (bytes, or text encoded as UTF-8). */
  data: Readonly<Record<string, string | Uint8Array>>;
}

export interface ManifestDocument {
  /** Comment lines written above the document (without `# `). */
  comment: string[];
  object: Record<string, unknown>;
}

export interface Manifests {
  documents: ManifestDocument[];
  /** The merge patch for the resource (see CertPreset.patch). */
  patch: Record<string, unknown>;
  notes: string[];
}

export interface ManifestOptions {
  /** Percona: also write the root CA Secret (CA certificate and key) and reference it (default true). */
  includeRootCa?: boolean;
  /** KubeDB: add a cert-manager Certificate for the client user (an application's client certificate). */
  certificate?: boolean;
  /** KubeDB Certificate: key algorithm (default ecdsa-p256) and validity in days (default 397). */
  algorithm?: KeyAlgorithm;
  days?: number;
  /** The folder the files come from, for the kubectl command in the comments (default `.`). */
  sourceDir?: string;
}

/** A Secret as kubectl prints it: apiVersion, data (keys sorted), kind, metadata (name, namespace), type. */
export function secretObject(spec: SecretSpec): Record<string, unknown> {
  checkSecretName(spec.name);
  const keys = Object.keys(spec.data).sort();
  if (keys.length === 0) throw new CertError(`the Secret ${spec.name} has no data`);
  for (const k of keys) {
    if (!/^[-._a-zA-Z0-9]+$/.test(k) || k.length > 253) throw new CertError(`"${k}" is not a valid Secret data key`);
  }
  if (spec.type === 'kubernetes.io/tls' && !(keys.includes('tls.crt') && keys.includes('tls.key'))) {
    throw new CertError(`the Secret ${spec.name} has type kubernetes.io/tls but lacks tls.crt or tls.key`);
  }
  const data: Record<string, string> = {};
  for (const k of keys) data[k] = base64(spec.data[k]!);
  const metadata: Record<string, string> = { name: spec.name };
  if (spec.namespace) metadata.namespace = spec.namespace;
  return { apiVersion: 'v1', data, kind: 'Secret', metadata, ...(spec.type ? { type: spec.type } : {}) };
}

/**
 * Characters that end a line somewhere: C0 controls and DEL, and the line breaks of YAML 1.1 (NEL, LS, PS), which
 * kubectl's YAML reader honours. A folder name with one of them must not end a comment line and start YAML of its own.
 */
const LINE_BREAKING = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/;

/** Bash's `$'…'` quoting: the string on one line, its control characters and line breaks as escapes. */
function ansiCQuote(s: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  const escaped = s.replace(/[\\']/g, c => `\\${c}`).replace(new RegExp(LINE_BREAKING.source, 'g'), c => {
    const code = c.charCodeAt(0);
    return named[c] ?? (code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`);
  });
  return `$'${escaped}'`;
}

/** The kubectl command that prints the same Secret, for the comment above it. */
export function kubectlCommand(spec: Pick<SecretSpec, 'name' | 'namespace' | 'type'>, sources: Readonly<Record<string, string>>): string {
  const q = (s: string) => (/^[-\w./=:@+]+$/.test(s) ? s : LINE_BREAKING.test(s) ? ansiCQuote(s) : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['kubectl', 'create', 'secret', 'generic', q(spec.name)];
  if (spec.type) parts.push(`--type=${spec.type}`);
  for (const k of Object.keys(sources).sort()) parts.push(q(`--from-file=${k}=${sources[k]}`));
  if (spec.namespace) parts.push(`--namespace=${q(spec.namespace)}`);
  parts.push('--dry-run=client', '-o', 'yaml');
  return parts.join(' ');
}

/** For each Secret pgtls writes for this preset: data key → source file name. */
export function secretSources(preset: CertPreset, opts: Pick<ManifestOptions, 'includeRootCa'> = {}): { secret: PresetSecret; sources: Record<string, string> }[] {
  const ours = preset.secrets.filter(s => s.source === 'pgtls');
  const out: { secret: PresetSecret; sources: Record<string, string> }[] = [];
  for (const secret of ours) {
    let sources: Record<string, string>;
    switch (secret.role) {
      case 'server':
        sources = { 'tls.crt': 'server.crt', 'tls.key': 'server.key' };
        if (secret.keys.includes('ca.crt')) sources['ca.crt'] = 'ca.crt';
        break;
      case 'replication':
        sources = { 'tls.crt': 'replication.crt', 'tls.key': 'replication.key', 'ca.crt': 'ca.crt' };
        break;
      case 'root-ca':
        if (opts.includeRootCa === false) continue;
        sources = { 'root.crt': 'ca.crt', 'root.key': 'ca.key' };
        break;
      case 'ca':
        // KubeDB: the CA key pair for cert-manager's CA Issuer; CPO: only the CA certificate.
        sources = preset.operator === 'kubedb' ? { 'tls.crt': 'ca.crt', 'tls.key': 'ca.key' } : { 'ca.crt': 'ca.crt' };
        break;
      default:
        continue;
    }
    out.push({ secret, sources });
  }
  return out;
}

/** The source files the manifests for this preset need. */
export function requiredFiles(preset: CertPreset, opts: Pick<ManifestOptions, 'includeRootCa'> = {}): string[] {
  return [...new Set(secretSources(preset, opts).flatMap(s => Object.values(s.sources)))].sort();
}

/** Secrets (+ Issuer and Certificate for KubeDB) and the resource patch for `preset`, from the files. */
export function operatorManifests(preset: CertPreset, files: SourceFiles, opts: ManifestOptions = {}): Manifests {
  if (preset.operator === 'pgpool') throw new CertError('plain Pgpool-II has no Kubernetes Secrets; use the files directly');
  const missing = requiredFiles(preset, opts).filter(f => files[f] === undefined);
  if (missing.length) throw new CertError(`missing input file(s): ${missing.join(', ')}`);
  const dir = (opts.sourceDir ?? '.').replace(/\/+$/, '') || '/';
  const namespace = preset.namespace;
  const documents: ManifestDocument[] = [];
  for (const { secret, sources } of secretSources(preset, opts)) {
    const data: Record<string, string | Uint8Array> = {};
    for (const [key, file] of Object.entries(sources)) data[key] = files[file]!;
    const spec: SecretSpec = { name: secret.name, ...(namespace ? { namespace } : {}), ...(secret.type ? { type: secret.type } : {}), data };
    const paths = Object.fromEntries(Object.entries(sources).map(([k, f]) => [k, dir === '.' ? f : `${dir}/${f}`]));
    documents.push({
      comment: [`${secret.reference ?? secret.role}: ${describeRole(preset, secret)}`, kubectlCommand(spec, paths)],
      object: secretObject(spec),
    });
  }
  let patch = preset.patch;
  if (preset.operator === 'percona' && opts.includeRootCa === false) {
    const secrets = { ...((preset.patch.spec as { secrets: Record<string, unknown> }).secrets) };
    delete secrets.customRootCATLSSecret;
    patch = { spec: { secrets } };
  }
  if (preset.operator === 'kubedb' && preset.issuer) {
    documents.push({
      comment: ['cert-manager CA Issuer that signs the Pgpool\'s server, client and exporter certificates with the CA above'],
      object: {
        apiVersion: 'cert-manager.io/v1', kind: 'Issuer',
        metadata: { name: preset.issuer.name, ...(namespace ? { namespace } : {}) },
        spec: { ca: { secretName: preset.issuer.secretName } },
      },
    });
    if (opts.certificate) documents.push(clientCertificate(preset, opts));
  }
  return { documents, patch, notes: preset.notes };
}

function describeRole(preset: CertPreset, s: PresetSecret): string {
  switch (s.role) {
    case 'server': return `server certificate for ${preset.server.commonName}`;
    case 'replication': return `replication client certificate (CN ${preset.replicationUser ?? ''})`;
    case 'root-ca': return 'root CA certificate and key';
    case 'ca': return preset.operator === 'kubedb' ? 'CA key pair for the cert-manager CA Issuer' : 'CA certificate';
    default: return s.role;
  }
}

/** KubeDB: a cert-manager Certificate for the first client user (CN = user, clientAuth), issued by the CA Issuer. */
function clientCertificate(preset: CertPreset, opts: ManifestOptions): ManifestDocument {
  const user = preset.clientUsers[0]!;
  const algorithm = opts.algorithm ?? 'ecdsa-p256';
  const spec = algorithmSpec(algorithm);
  const days = opts.days ?? DEFAULT_LEAF_DAYS;
  const privateKey: Record<string, unknown> = spec.family === 'RSA'
    ? { algorithm: 'RSA', size: Number(algorithm.slice(4)) }
    : spec.family === 'ECDSA' ? { algorithm: 'ECDSA', size: algorithm === 'ecdsa-p384' ? 384 : 256 } : { algorithm: 'Ed25519' };
  const slug = user.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'user';
  const name = nameWithSuffix(preset.name, `${slug}-client`);
  return {
    comment: [`cert-manager Certificate for an application that logs in as "${user}" with clientAuthMode: cert (the CN must equal the user)`],
    object: {
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate',
      metadata: { name, ...(preset.namespace ? { namespace: preset.namespace } : {}) },
      spec: {
        secretName: nameWithSuffix(preset.name, `${slug}-client-cert`),
        commonName: user,
        duration: `${days * 24}h`,
        usages: ['client auth', 'digital signature', ...(spec.keyEncipherment ? ['key encipherment'] : [])],
        privateKey: { ...privateKey, encoding: 'PKCS8', rotationPolicy: 'Always' },
        issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: preset.issuer!.name },
      },
    },
  };
}

/** One YAML stream: each document under its comment, then the resource patch and the notes as comments. */
export function renderManifests(m: Manifests, resource?: { kind: string; name: string }): string {
  const docs = m.documents.map(d => d.comment.map(comment).join('') + toYaml(d.object));
  let text = docs.join('---\n');
  if (Object.keys(m.patch).length) {
    const target = resource ? `the ${resource.kind} ${resource.name}` : 'the resource';
    text += `\n# Then point ${target} at these objects (merge into its spec; "pgtls" does not apply this part):\n`;
    text += toYaml(m.patch).split(LINE_BREAKS).filter(Boolean).map(l => `#   ${l}\n`).join('');
  }
  if (m.notes.length) text += `#\n${m.notes.map(n => comment(`Note: ${n}`)).join('')}`;
  return text;
}

/** A comment of the YAML stream: every line of it starts with `# `, whatever the text holds. */
function comment(text: string): string {
  return text.split(LINE_BREAKS).map(l => `# ${l}\n`).join('');
}

/** YAML for one object, block style, no line folding (long base64 stays on one line, as kubectl writes it). */
export function toYaml(obj: unknown): string {
  return stringify(obj, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

// btoa exists in Node >= 16 and in browsers; Buffer would tie the core to Node.
function base64(v: string | Uint8Array): string {
  const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v;
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
