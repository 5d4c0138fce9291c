/**
 * Hover over a field of one of our resources: the field's description from the same schema the validator uses (C9),
 * its type, allowed values, the default the API server applies and the default the operator applies at run time
 * (`x-pgtls-runtime-default`), and version notes (`x-pgtls-since`). The hover range is the key. Documents of kinds that
 * users' CRDs define get the same from the CRD's schema.
 *
 * Over the value of a Secret's `data`/`stringData` entry that holds PEM certificates: each certificate's subject,
 * issuer, SANs, validity relative to `env.now()`, key, signature algorithm, CA flag and SHA-256 fingerprint; over a
 * private key entry, its type and size only. Key material is never shown.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { FeatureContext, ValidateContext } from '../../core/language';
import type { Certificate, PublicKeyInfo } from '../../core/tlsBackend';
import type { HoverResult, SourceDocument, Span } from '../../core/types';
import { listing } from '../../core/text';
import { customKinds } from './crd';
import { keyString, nodeSpan } from './data';
import { isCustomGroup } from './detect';
import { secretContents } from './modules/certData';
import type { K8sDocument, K8sFile } from './parse';
import { fieldPath, schemaAt, type JsonSchema } from './schemaCheck';
import { builtinSchema } from './schemas';
import { WorkspaceResources } from './workspace';

/** A feature request's context where the workspace and CRD code want a validation's (it reports nothing). */
export function featureContextAsValidate(ctx: FeatureContext): ValidateContext {
  return { settings: ctx.settings, env: ctx.env, parseSibling: ctx.parseSibling, report: () => undefined };
}

/** The workspace as the rules see it, for a feature request (hover, completion, definition) on `file`. */
export function featureWorkspace(path: string, file: K8sFile, ctx: FeatureContext): WorkspaceResources {
  return new WorkspaceResources(featureContextAsValidate(ctx), path, file);
}

/** The document whose text holds `offset`. */
export function documentAt(file: K8sFile, offset: number): K8sDocument | undefined {
  for (const d of file.documents) if (offset >= d.base && offset <= d.base + d.part.source.length) return d;
  return undefined;
}

export interface NodeAt {
  path: string[];
  /** The key under the cursor, when the cursor is on a key. */
  key?: Node;
  /** The value under the cursor (or the value of the hovered key). */
  value?: Node;
}

/** The data path of the node under a document-relative offset. */
export function nodeAt(root: Node | null | undefined, offset: number): NodeAt | undefined {
  const path: string[] = [];
  let cur: Node | null | undefined = root;
  for (let depth = 0; cur && depth < 256; depth++) {
    if (isMap(cur)) {
      let next: Node | undefined;
      for (const p of cur.items as Pair[]) {
        const k = p.key as Node | null;
        if (k?.range && offset >= k.range[0] && offset <= k.range[1]) {
          return { path: [...path, keyString(k)], key: k, ...(p.value ? { value: p.value as Node } : {}) };
        }
        const v = p.value as Node | null;
        if (v?.range && offset >= v.range[0] && offset <= v.range[1]) {
          // On a scalar value, the field is the pair's key (the hover range is the key).
          if (!isMap(v) && !isSeq(v)) return { path: [...path, keyString(k)], ...(k ? { key: k } : {}), value: v };
          path.push(keyString(k));
          next = v;
          break;
        }
      }
      if (!next) return undefined;
      cur = next;
    } else if (isSeq(cur)) {
      const i = cur.items.findIndex(it => { const r = (it as Node | null)?.range; return !!r && offset >= r[0] && offset <= r[1]; });
      if (i < 0) return undefined;
      path.push(String(i));
      cur = cur.items[i] as Node;
    } else {
      return { path, value: cur };
    }
  }
  return undefined;
}

export function hover(doc: SourceDocument, file: K8sFile, offset: number, ctx: FeatureContext): HoverResult | undefined {
  const d = documentAt(file, offset);
  if (!d || !d.part.doc) return undefined;
  const at = nodeAt(d.part.doc.contents as Node | null, offset - d.base);
  if (!at || at.path.length === 0) return undefined;
  if (d.part.target?.kind === 'Secret') {
    const h = secretValueHover(d, at, offset - d.base, ctx);
    if (h) return h;
  }
  const schema = schemaOf(doc, file, d, ctx);
  if (!schema) return undefined;
  const field = schemaAt(schema, at.path);
  if (!field) return undefined;
  const anchor = at.key ?? at.value;
  if (!anchor) return undefined;
  const span: Span = [nodeSpan(anchor)[0] + d.base, nodeSpan(anchor)[1] + d.base];
  const isRootId = at.path.length === 1 && (at.path[0] === 'apiVersion' || at.path[0] === 'kind');
  return { span, markdown: fieldMarkdown(at.path, field, isRootId ? schema : undefined) };
}

/**
 * The schema of a document: ours for the built-in kinds, else the one a user's CRD (workspace, `pgtls.crdPaths`)
 * defines for its `apiVersion` and `kind`; `undefined` for anything else.
 */
export function schemaOf(doc: SourceDocument, file: K8sFile, d: K8sDocument, ctx: FeatureContext): JsonSchema | undefined {
  const target = d.part.target;
  if (target) return builtinSchema(ctx.env, target.schema);
  const { apiVersion, kind } = d.part.header;
  if (!kind || !isCustomGroup(apiVersion)) return undefined;
  const custom = customKinds(featureContextAsValidate(ctx), featureWorkspace(doc.path, file, ctx)).get(`${apiVersion} ${kind}`);
  if (!custom) return undefined;
  // The title line of hover over `apiVersion`/`kind` names the CRD.
  return typeof custom.schema.title === 'string' ? custom.schema : { ...custom.schema, title: custom.kind.title, description: custom.schema.description ?? '' };
}

// ------------------------------------------------------------------------------------------ certificate contents

const DAY = 86_400_000;

/** Hover over the value of a Secret's `data`/`stringData` entry holding certificates or a private key. */
function secretValueHover(d: K8sDocument, at: NodeAt, rel: number, ctx: FeatureContext): HoverResult | undefined {
  const [source, key] = at.path;
  if (at.path.length !== 2 || (source !== 'data' && source !== 'stringData') || key === undefined) return undefined;
  const value = at.value;
  if (!value || !isScalar(value) || !value.range || rel < value.range[0] || rel > value.range[1]) return undefined;
  const contents = secretContents(d.part, ctx.env.tls);
  const entry = contents.entries.get(key);
  // stringData wins over data for the same key: the hovered entry is the one the API server keeps, or nothing is said.
  if (!entry || entry.source !== source || entry.text === undefined || entry.binary) return undefined;
  const span: Span = [entry.valueSpan[0] + d.base, entry.valueSpan[1] + d.base];
  const where = `\`${key}\` (${source === 'data' ? 'base64-decoded `data`' : '`stringData`'})`;
  const pem = contents.certificates(key);
  if (pem && pem.certificates.length) {
    const now = ctx.env.now();
    const n = pem.certificates.length;
    const parts = pem.certificates.map((c, i) => certificateMarkdown(c, n > 1 ? `Certificate ${i + 1} of ${n}` : 'Certificate', now, ctx.settings.expiryWarningDays));
    const notes: string[] = [];
    if (pem.broken.length) notes.push(`${pem.broken.length} more PEM block${pem.broken.length > 1 ? 's' : ''} that cannot be decoded`);
    if (pem.crls) notes.push(`${pem.crls} CRL${pem.crls > 1 ? 's' : ''}`);
    return { span, markdown: [`${where}: ${n} certificate${n > 1 ? 's' : ''}${notes.length ? `, ${notes.join(', ')}` : ''}`, ...parts].join('\n\n') };
  }
  const pk = contents.privateKey(key);
  if (!pk || !pk.block) return undefined;
  if (pk.kind === 'key') return { span, markdown: `${where}: **private key** · ${keyText(pk.publicKey)} (\`${pk.block.label}\`)` };
  if (pk.kind === 'encrypted') return { span, markdown: `${where}: **encrypted private key** (\`${pk.block.label}\`): it cannot be used without its passphrase.` };
  return { span, markdown: `${where}: a \`${pk.block.label}\` block that cannot be read as a private key.` };
}

const isoDate = (d: Date): string => (Number.isNaN(d.getTime()) ? 'invalid date' : d.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** "in 3 days", "less than a day ago"… for a time `ms` from now (negative: in the past). */
function relative(ms: number): string {
  const days = Math.floor(Math.abs(ms) / DAY);
  const amount = days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}

function validityText(c: Certificate, now: Date, warningDays: number): string {
  const toEnd = c.notAfter.getTime() - now.getTime();
  const toStart = c.notBefore.getTime() - now.getTime();
  let state: string;
  if (Number.isNaN(toEnd) || Number.isNaN(toStart)) state = 'validity unknown';
  else if (toEnd < 0) state = `**expired ${relative(toEnd)}**`;
  else if (toStart > 0) state = `**not valid yet** (starts ${relative(toStart)})`;
  else state = `expires ${relative(toEnd)}${toEnd < warningDays * DAY ? ` (within the ${warningDays}-day warning period, \`pgtls.expiryWarningDays\`)` : ''}`;
  return `${isoDate(c.notBefore)} to ${isoDate(c.notAfter)}: ${state}`;
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** `RSA 2048 bits`, `EC P-256 (prime256v1)`, `Ed25519`. */
export function keyText(k: PublicKeyInfo): string {
  switch (k.type) {
    case 'rsa': return `RSA${k.bits ? ` ${k.bits} bits` : ''}`;
    case 'rsa-pss': return `RSA-PSS${k.bits ? ` ${k.bits} bits` : ''}`;
    case 'dsa': return `DSA${k.bits ? ` ${k.bits} bits` : ''}`;
    case 'ec': return `EC${k.curve ? ` ${CURVES[k.curve] ? `${CURVES[k.curve]} (${k.curve})` : k.curve}` : ''}`;
    case 'ed25519': return 'Ed25519';
    case 'ed448': return 'Ed448';
    default: return k.type === 'unknown' ? 'unknown key type' : k.type;
  }
}

const EKU: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection', '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning', '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function certificateMarkdown(c: Certificate, heading: string, now: Date, warningDays: number): string {
  const ca = c.basicConstraintsCA === undefined ? 'no (no basicConstraints extension)' : c.basicConstraintsCA ? `yes${c.keyCertSign === false ? ' (but keyUsage lacks keyCertSign)' : ''}` : 'no';
  const lines = [
    `**${heading}**`,
    `- Subject: ${c.subject ? code(c.subject) : '(empty)'}`,
    `- Issuer: ${c.issuer ? code(c.issuer) : '(empty)'}${c.selfIssued ? ' (self-issued)' : ''}`,
    `- SANs: ${c.subjectAltNames.length ? c.subjectAltNames.map(code).join(', ') : 'none'}`,
    `- Valid: ${validityText(c, now, warningDays)}`,
    `- Key: ${keyText(c.publicKey)}`,
    `- Signature: ${code(c.signatureAlgorithm)}`,
    `- CA: ${ca}`,
  ];
  if (c.extendedKeyUsage) lines.push(`- Extended key usage: ${c.extendedKeyUsage.length ? c.extendedKeyUsage.map(o => EKU[o] ?? o).join(', ') : 'none'}`);
  lines.push(`- SHA-256 fingerprint: ${code(c.fingerprint256)}`);
  return lines.join('\n');
}

/** Markdown for a field: heading, description, allowed values, defaults, version notes. */
export function fieldMarkdown(path: readonly string[], field: JsonSchema, resource?: JsonSchema): string {
  const lines: string[] = [];
  lines.push(`**${path[path.length - 1]}** · ${typeText(field)} · \`${fieldPath(path)}\``);
  lines.push('');
  if (resource && typeof resource.title === 'string') lines.push(`${resource.title}: ${String(resource.description ?? '')}`, '');
  if (typeof field.description === 'string') lines.push(field.description, '');
  const facts: string[] = [];
  if (Array.isArray(field.enum)) facts.push(`Allowed values: ${listing(field.enum.map(String))} (exact spelling)`);
  if (field.const !== undefined) facts.push(`Must be \`${String(field.const)}\``);
  if (field.default !== undefined) facts.push(`Default (applied by the API server): \`${JSON.stringify(field.default)}\``);
  if (field['x-pgtls-runtime-default'] !== undefined) facts.push(`When unset, the operator uses \`${String(field['x-pgtls-runtime-default'])}\` at run time (not written into the object)`);
  const since = field['x-pgtls-since'];
  if (since && typeof since === 'object') {
    const { change, ...versions } = since as Record<string, unknown>;
    facts.push(`Since ${Object.entries(versions).map(([k, v]) => `${k} ${String(v)}`).join(', ')}${change ? `: ${String(change)}` : ''}`);
  }
  if (typeof field.minimum === 'number' || typeof field.maximum === 'number') facts.push(`Range: ${field.minimum ?? '…'} to ${field.maximum ?? '…'}`);
  if (typeof field.pattern === 'string') facts.push(`Pattern: \`${field.pattern}\``);
  if (Array.isArray(field.examples) && field.examples.length) facts.push(`Examples: ${listing(field.examples.map(e => (typeof e === 'string' ? e : JSON.stringify(e))))}`);
  for (const f of facts) lines.push(`- ${f}`);
  return lines.join('\n').trim();
}

export function typeText(s: JsonSchema): string {
  const t = s.type;
  if (Array.isArray(s.anyOf) && t === undefined) {
    const ts = (s.anyOf as JsonSchema[]).map(b => (typeof b.type === 'string' ? b.type : undefined)).filter(Boolean);
    if (ts.length) return ts.join(' or ');
  }
  if (t === 'array') {
    const items = s.items && typeof s.items === 'object' ? typeText(s.items as JsonSchema) : 'values';
    return `list of ${items}`;
  }
  if (t === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) {
    return `map of ${typeText(s.additionalProperties as JsonSchema)}`;
  }
  return typeof t === 'string' ? `${t}${s.nullable ? ' (or null)' : ''}` : 'any';
}

