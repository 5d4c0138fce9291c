/**
 * Following the TLS file paths a configuration names, for the features (not the checks): the hover over a certificate,
 * key, CA or CRL path value (where the path resolves, what the file holds, whether the certificate and the key in effect
 * belong together, wherever the other is set: this file or one it includes, or why pgtls cannot read it) and the file
 * Inspect Certificate opens from the cursor (`tlsFileAt`). Each language lists its settings per TLS context
 * (`LanguageMode.tlsPaths`, with the folder a relative path starts at); the paths are located with the checks' own
 * locator (deploy's `pathLocator`: relative paths from that folder, absolute ones through the path mappings), so the
 * hover says what the checks see. Pure: files are read through `ServiceEnv`, certificates and keys by its TLS backend.
 * Key material is never shown: a key is described by its type and size, and whether it belongs to the certificate.
 */
import { type Located, baseName, dirName, displayPath, isAbsolutePath, joinPath, notCheckedMessage, workspaceRoots } from '../core/deployPaths';
import type { FeatureContext, TlsFileAt, TlsPathContext, TlsPathSetting } from '../core/language';
import type { Certificate } from '../core/tlsBackend';
import type { HoverResult } from '../core/types';
import { describeLocated, pathLocator } from '../deploy';
import { certificateMarkdown, keyText } from './describe';

type Seen = Extract<Located, { status: 'seen' }>;

/** Where a setting's path leads, for a feature: not followed (why), unseen (why), or a place pgtls sees. */
type Place =
  | { kind: 'unfollowed'; why: string }
  | { kind: 'unseen'; why: string; loc: Extract<Located, { status: 'unseen' }> }
  | { kind: 'seen'; loc: Seen; base: string | undefined };

/** Text in backticks (a backtick inside would end the code span). */
const code = (t: string): string => `\`${t.replace(/`/g, "'")}\``;

/** At most this many certificates of a file are described in full; the rest are named. */
const FULL = 4;
const NAMED = 12;

/** The setting of this document whose value holds `offset`, with its context (an included file's never matches). */
export function tlsPathAt(contexts: readonly TlsPathContext[], offset: number): { c: TlsPathContext; s: TlsPathSetting } | undefined {
  for (const c of contexts) {
    for (const s of c.settings) if (s.file === undefined && s.span[0] <= offset && offset <= s.span[1] && s.span[1] > s.span[0]) return { c, s };
  }
  return undefined;
}

function place(ctx: FeatureContext, configPath: string, c: TlsPathContext, s: TlsPathSetting): Place {
  if (s.value === '') return { kind: 'unfollowed', why: `\`${s.key}\` is empty: it names no file.` };
  const base = s.unknownBase ? undefined : c.baseDir;
  if (!isAbsolutePath(s.value) && base === undefined) {
    return { kind: 'unfollowed', why: `${s.unknownBase ?? c.unknownBase ?? `${c.product} opens this relative path from a folder pgtls does not know`}, so pgtls does not read it; write an absolute path to have it followed.` };
  }
  const loc = pathLocator(ctx, configPath).locate(s.value, base);
  if (loc.status === 'unresolved') return { kind: 'unfollowed', why: 'This document is not saved, so a relative path has no folder to start at; save it to have the path followed.' };
  if (loc.status === 'unseen') return { kind: 'unseen', why: notCheckedMessage(loc, ''), loc };
  return { kind: 'seen', loc, base };
}

const ROLE_WORDS: Record<TlsPathContext['direction'], Record<TlsPathSetting['role'], (product: string) => string>> = {
  accept: {
    cert: p => `the certificate (chain) ${p} serves to clients`,
    key: () => 'the private key of that certificate',
    ca: p => `the CA certificates ${p} verifies client certificates with`,
    crl: () => 'the certificate revocation list checked with client certificates',
    cadir: p => `a folder of CA certificates ${p} verifies peers with (OpenSSL's subject-hash names)`,
  },
  connect: {
    cert: p => `the client certificate ${p} presents to servers`,
    key: () => 'the private key of that client certificate',
    ca: p => `the CA certificates ${p} verifies servers with`,
    crl: () => 'the certificate revocation list checked with server certificates',
    cadir: p => `a folder of CA certificates ${p} verifies servers with`,
  },
};

/** The hover over a TLS path value: what the setting is for, where the path resolves, and what the file holds. */
export function tlsPathHover(ctx: FeatureContext, configPath: string, contexts: readonly TlsPathContext[], offset: number): HoverResult | undefined {
  const at = tlsPathAt(contexts, offset);
  if (!at) return undefined;
  const { c, s } = at;
  const head = `**${s.key}** · ${ROLE_WORDS[c.direction][s.role](c.product)}`;
  const p = ctx.settings.checkFiles ? place(ctx, configPath, c, s) : undefined;
  if (!p) return { span: s.span, markdown: `${head}\n\n\`pgtls.checkFiles\` is off, so pgtls does not look at the files configurations name.` };
  if (p.kind !== 'seen') return { span: s.span, markdown: `${head}\n\n${p.why}` };
  const roots = workspaceRoots(ctx.env);
  const where = p.loc.via ? describeLocated(p.loc) : !isAbsolutePath(s.value) && p.base !== undefined
    ? `${code(s.value)}, relative to ${code(displayPath(p.base, roots))}: ${code(displayPath(p.loc.path, roots))}`
    : code(displayPath(p.loc.path, roots));
  return { span: s.span, markdown: [head, `Resolves to ${where}.`, contentsOf(ctx, configPath, c, s, p.loc)].join('\n\n') };
}

/** What the located file holds, in Markdown. */
function contentsOf(ctx: FeatureContext, configPath: string, c: TlsPathContext, s: TlsPathSetting, loc: Seen): string {
  const st = loc.stat;
  if (!st) return `**It does not exist**${loc.via ? ' there' : ''}, so ${c.product} cannot load it (see the problem on this line).`;
  if (s.role === 'cadir') return st.isFile ? `It is a file, not a folder: ${c.product} (OpenSSL) looks certificates up in a folder.` : folderText(ctx, loc.path);
  if (!st.isFile) return `It is not a regular file (a folder?): ${c.product} cannot load it.`;
  const text = loc.read();
  if (text === undefined) return 'pgtls cannot read it here (no permission, or too large), so its content is not described.';
  if (s.role === 'key') return keyMarkdown(ctx, configPath, c, text, loc);
  const pem = ctx.env.tls.readCertificates(text);
  if (s.role === 'crl') {
    if (pem.crls) return `It holds ${pem.crls} CRL${pem.crls > 1 ? 's' : ''}${pem.certificates.length ? ` and ${pem.certificates.length} certificate${pem.certificates.length > 1 ? 's' : ''}` : ''}.`;
    return pem.certificates.length ? 'It holds certificates but **no CRL**.' : 'It holds **no CRL** (not a PEM `X509 CRL` file).';
  }
  const described = certificatesMarkdown(ctx, pem.certificates, s.role === 'ca' ? 'CA certificate' : 'certificate', pem.broken.length);
  const leaf = s.role === 'cert' ? pem.certificates[0] : undefined;
  const pair = leaf && keyPairing(ctx, configPath, c, leaf);
  return pair ? `${described}\n\n${pair}` : described;
}

/** The setting of `role` in effect for the context (the last one, wherever it is written). */
const inEffect = (c: TlsPathContext, role: TlsPathSetting['role']): TlsPathSetting | undefined => [...c.settings].reverse().find(x => x.role === role && x.value !== '');

/** ` (set in \`./conf.d/tls.conf\`)` for a setting written in an included file. */
const writtenIn = (ctx: FeatureContext, s: TlsPathSetting): string => (s.file === undefined ? '' : ` (set in ${code(displayPath(s.file, workspaceRoots(ctx.env)))})`);

/** For a certificate: whether the key in effect belongs to it; `undefined` when there is no key setting or it cannot be read. */
function keyPairing(ctx: FeatureContext, configPath: string, c: TlsPathContext, leaf: Certificate): string | undefined {
  const keySetting = inEffect(c, 'key');
  if (!keySetting) return undefined;
  const kp = place(ctx, configPath, c, keySetting);
  const keyPem = kp.kind === 'seen' && kp.loc.stat?.isFile ? kp.loc.read() : undefined;
  const k = keyPem === undefined ? undefined : ctx.env.tls.readPrivateKey(keyPem);
  if (!k || k.kind !== 'key') return undefined;
  return ctx.env.tls.keyMatches(leaf.handle, k.handle)
    ? `Its private key is the one in \`${keySetting.key}\`${writtenIn(ctx, keySetting)}.`
    : `The key in \`${keySetting.key}\`${writtenIn(ctx, keySetting)} is **not** its key: ${c.product} cannot use the pair.`;
}

function certificatesMarkdown(ctx: FeatureContext, certs: readonly Certificate[], what: string, broken: number): string {
  const bad = broken ? `, and ${broken} PEM block${broken > 1 ? 's' : ''} that cannot be decoded` : '';
  if (!certs.length) return `It holds **no certificate**${bad || ' (not a PEM certificate file; DER is not accepted)'}.`;
  const n = certs.length;
  const now = ctx.env.now();
  const lead = n === 1 ? `It holds one ${what}${bad}.` : `It holds ${n} ${what}s${what === 'certificate' ? ' (the first is the server\'s, then its chain)' : ''}${bad}.`;
  const full = certs.slice(0, FULL).map((x, i) => certificateMarkdown(x, n > 1 ? `Certificate ${i + 1} of ${n}` : 'Certificate', now, ctx.settings.expiryWarningDays));
  const rest = certs.slice(FULL);
  const named = rest.slice(0, NAMED).map(x => code(x.subject || '(empty subject)')).join(', ');
  const more = rest.length ? [`${rest.length} more: ${named}${rest.length > NAMED ? `, … (${rest.length - NAMED} not listed)` : ''}.`] : [];
  return [lead, ...full, ...more].join('\n\n');
}

/** A key: its type and size, the file mode where it is the server's, and whether it belongs to the context's certificate. */
function keyMarkdown(ctx: FeatureContext, configPath: string, c: TlsPathContext, text: string, loc: Seen): string {
  const k = ctx.env.tls.readPrivateKey(text);
  const mode = loc.permissionsKnown && loc.stat ? ` · file mode 0${(loc.stat.mode & 0o777).toString(8).padStart(3, '0')}` : '';
  if (k.kind === 'encrypted') return `It holds an **encrypted private key** (\`${k.block.label}\`)${mode}: it cannot be loaded without its passphrase.`;
  if (k.kind === 'invalid') return k.block ? `Its \`${k.block.label}\` block cannot be read as a private key.` : 'It holds **no private key** (no PEM private-key block).';
  const lines = [`It holds a **private key** · ${keyText(k.publicKey)} (\`${k.block.label}\`)${mode}.`];
  const certSetting = inEffect(c, 'cert');
  if (!certSetting) return lines.join('\n\n');
  const cp = place(ctx, configPath, c, certSetting);
  const certText = cp.kind === 'seen' && cp.loc.stat?.isFile ? cp.loc.read() : undefined;
  const leaf = certText === undefined ? undefined : ctx.env.tls.readCertificates(certText).certificates[0];
  const where = writtenIn(ctx, certSetting);
  if (!leaf) lines.push(`Whether it belongs to the certificate of \`${certSetting.key}\`${where} is not known here (pgtls cannot read that certificate).`);
  else if (ctx.env.tls.keyMatches(leaf.handle, k.handle)) lines.push(`It is the key of the certificate in \`${certSetting.key}\`${where} (${code(leaf.subject || '(empty subject)')}).`);
  else lines.push(`It is **not** the key of the certificate in \`${certSetting.key}\`${where} (${code(leaf.subject || '(empty subject)')}): ${c.product} cannot use the pair.`);
  return lines.join('\n\n');
}

function folderText(ctx: FeatureContext, dir: string): string {
  const files = ctx.env.listFiles?.(dir, { extensions: ['.0', '.1', '.2', '.pem', '.crt', '.r0'], maxDepth: 0, maxFiles: 1000 });
  if (!files) return 'It is a folder.';
  const hashed = files.filter(f => /^[0-9a-f]{8}\.r?\d$/.test(baseName(f))).length;
  return `It is a folder with ${files.length} certificate file${files.length === 1 ? '' : 's'}${files.length ? ` (${hashed} under OpenSSL's subject-hash names, which is how it looks them up: \`openssl rehash\`)` : ''}.`;
}

/** The TLS file whose setting holds `offset`, located and read as the hover does; `undefined` off such a value. */
export function tlsFileAt(ctx: FeatureContext, configPath: string, contexts: readonly TlsPathContext[], offset: number): TlsFileAt | undefined {
  const at = tlsPathAt(contexts, offset);
  if (!at) return undefined;
  const { c, s } = at;
  const base: TlsFileAt = { key: s.key, role: s.role, written: s.value, onDisk: false };
  const p = place(ctx, configPath, c, s);
  if (p.kind !== 'seen') return { ...base, unreadable: p.why };
  const onDisk = !p.loc.via || typeof p.loc.via.mapping.to === 'string';
  const found = { ...base, path: p.loc.path, onDisk };
  if (!p.loc.stat) return { ...found, unreadable: `${code(s.value)} does not exist${p.loc.via ? ` (${describeLocated(p.loc)})` : ''}.` };
  if (!p.loc.stat.isFile) return { ...found, unreadable: `${code(s.value)} is not a regular file.` };
  const text = p.loc.read();
  return text === undefined ? { ...found, unreadable: `pgtls cannot read ${code(s.value)}.` } : { ...found, text };
}

/** Where a CA's key goes beside its certificate: `root.crt` → `root.key` (the same name with `.key`). */
export function caKeyPathOf(caPath: string): string {
  const name = baseName(caPath);
  const dot = name.lastIndexOf('.');
  return joinPath(dirName(caPath), `${dot > 0 ? name.slice(0, dot) : name}.key`);
}
