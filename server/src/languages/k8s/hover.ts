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
import { isScalar, type Node } from 'yaml';
import type { FeatureContext } from '../../core/language';
import type { HoverResult, SourceDocument, Span } from '../../core/types';
import { certificateMarkdown, keyText } from '../../tlsFiles';
import { secretContents } from './certData';
import { nodeSpan } from './data';
import { documentAt, nodeAt, schemaOf, type NodeAt } from './nav';
import type { K8sDocument, K8sFile } from './parse';
import { fieldMarkdown, schemaAt } from './catalogue';

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

// ------------------------------------------------------------------------------------------ certificate contents

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
