/**
 * The certificates and keys inside a Secret, read with the TLS backend (OpenSSL in Node.js): is each certificate or
 * key entry PEM of the right kind, are the certificates valid now, does the key belong to its certificate, does the
 * leaf chain to the Secret's CA, are keys and signatures strong enough for OpenSSL's default security level, do CA
 * flags and extended key usages allow the certificates to be used at all.
 *
 * Which entries: `*.crt` and `*.cert` hold certificates, `*.key` a private key, `*.pem` either (case-insensitive;
 * `tls.crt`, `tls.key`, `ca.crt`, `root.crt`, `root.key` included). Entries named like a CA (`ca.crt`, `root.crt`,
 * `ca-bundle.pem`, `root-ca.crt`…) are trust anchors; a key pairs with the certificate entry of the same stem
 * (`tls.key` ↔ `tls.crt`). Other entries (passwords…) are not read here. Base64 validity of `data` is the schema's
 * (`schema/pattern`), so an invalid value is reported once, there; and a value of the wrong type is the schema's too.
 *
 * What a Secret alone cannot tell is left to the modules that see who mounts it: the role of a certificate (server,
 * client, replication), its names. Here the extended key usage is only checked for being usable for TLS at all.
 *
 * Secrets of types that never carry TLS material (docker config, service-account and bootstrap tokens, basic and SSH
 * auth, Helm releases) are skipped entirely. The others are read only when they are TLS material by evidence: type
 * `kubernetes.io/tls`, managed by cert-manager (its annotation, or the `secretName` of a Certificate of the workspace),
 * an entry named as the operators name them (`tls.crt`, `tls.key`, `ca.crt`, `root.crt`, `root.key`), or referenced
 * as a TLS Secret by a resource of the workspace (Percona, CPO, KubeDB Pgpool, cert-manager Issuer or Certificate).
 * Other Secrets with `*.key` or `*.pem` entries (an application's passphrase, a JWT public key, an SSH key) are not ours.
 */
import { readPemBlocks, type PemBlock } from '../../../core/pem';
import type { Certificate, PrivateKeyRead, PublicKeyInfo, TlsBackend } from '../../../core/tlsBackend';
import type { FindingExtra } from '../../../core/rules';
import type { RuleMeta, Span } from '../../../core/types';
import { dataOf } from '../data';
import type { Resource } from '../model';
import { RESOURCE_REFERENCES } from '../references';
import { SECRET } from '../rules';
import {
  CERT, allowsTls, certLabel, chainsTo, ekuName, isCA, issuedByBackend, keyFamily, keyOfPublicKeyInfo, looksLikeEndEntity, mattersInBundle,
  chainPath, mistakenForSelfSigned, nameProblem, nameProblemText, notCaReason, sameCertificate, validityAt, warningDays, weakKey, weakSignature,
} from '../../../x509';
import { decodeBase64, secretContents, type SecretContents, type SecretEntry } from '../certData';
import type { LiveContext, RuleModule } from './types';
import { checkSize } from './secretSize';
import { get, isObj, relatedIn, str, type DocumentRelated } from './util';

/** Secret types that never carry TLS material: not looked at. */
const SKIPPED_TYPES = new Set([
  'kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg', 'kubernetes.io/service-account-token', 'kubernetes.io/basic-auth',
  'kubernetes.io/ssh-auth', 'bootstrap.kubernetes.io/token', 'helm.sh/release.v1',
]);

/** How to make a replacement, for messages. */
const create = (ca: boolean, verb = 'make'): string => ca
  ? `${verb} a new CA with \`pgtls cert ca\` or the palette command "PG TLS: Create CA…"`
  : `${verb} a new one with \`pgtls cert server\` (or \`client\`) or the palette command "PG TLS: Create Server Certificate…"`;

type EntryKind = 'cert' | 'key' | 'pem';

/** What kind of material an entry's name promises; `undefined` for entries pgtls does not read. */
export function entryKind(key: string): EntryKind | undefined {
  const k = key.toLowerCase();
  if (k.endsWith('.crt') || k.endsWith('.cert')) return 'cert';
  if (k.endsWith('.key')) return 'key';
  if (k.endsWith('.pem')) return 'pem';
  return undefined;
}

const stemOf = (key: string): string => key.toLowerCase().replace(/\.(crt|cert|key|pem)$/, '');

/** Whether an entry name reads as a trust anchor (`ca.crt`, `root.crt`, `ca-bundle.pem`, `root-ca.crt`, `cacert.pem`). */
export const isCaEntryName = (key: string): boolean => /(^|[-_.])(ca|root|cacert|cabundle)([-_.]|$)/.test(stemOf(key));

/**
 * One finding, memoised with the Secret's text (everything but the clock-dependent validity checks). Related places
 * are document-relative here: a reused document may sit at another offset of its file next time.
 */
interface Stored {
  rule: RuleMeta; span: Span; message: string; severity?: FindingExtra['severity']; related?: DocumentRelated[];
  /** An empty entry (dropped when a Certificate of the workspace fills the Secret). */
  empty?: boolean;
  /** A chain finding whose severity and words depend on the Secret's use: this message, as info, when `ca.crt` need not anchor the server certificate. */
  clientCa?: string;
}

interface CertEntry {
  entry: SecretEntry; certs: Certificate[]; ca: boolean;
  /** In a CA entry of several certificates: the fingerprints of those the Secret's other certificates chain to. */
  used?: Set<string>;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);
const at = (e: SecretEntry): string => `\`${e.source}.${e.key}\``;

/** Index (1-based, among the entry's certificates) when there are several, for messages. */
const nth = (list: readonly unknown[], i: number): string => (list.length > 1 ? ` (certificate ${i + 1} of ${list.length})` : '');

export const secretContentModule: RuleModule = {
  name: 'secret-content',
  appliesTo: r => r.kind.apiVersion === 'v1' && r.kind.kind === 'Secret',
  checkLive(r, ctx) {
    checkSize(r, ctx);
    const type = str(get(r.data, ['type']));
    if (type && SKIPPED_TYPES.has(type)) return;
    const contents = secretContents(r.doc.part, ctx.env.tls);
    if (contents.entries.size === 0 || ![...contents.entries.keys()].some(k => entryKind(k))) return;
    const use = secretUse(r, ctx, contents);
    if (!use.tls()) return;
    const analysis = analyse(r, contents, ctx.env.tls);
    for (const f of analysis.stored) {
      if (f.empty && use.filled()) continue; // a placeholder a Certificate of the workspace fills
      // Related places are file places; the memo holds them document-relative since the document may move.
      const extra: FindingExtra = { related: relatedIn(r, f.related) };
      let message = f.message;
      if (f.severity) extra.severity = f.severity;
      if (f.clientCa !== undefined && !use.anchor()) {
        extra.severity = 'info';
        message = f.clientCa;
      }
      ctx.report(f.rule, f.span, message, extra);
    }
    checkValidity(r, ctx, analysis.certEntries, () => managedByCertManager(r) || use.filled());
  },
};

/** The entry names the operators and cert-manager use: a Secret with one of them is TLS material. */
const OPERATOR_ENTRIES = new Set(['tls.crt', 'tls.key', 'ca.crt', 'root.crt', 'root.key']);

/** References that name a Secret of other material (pull secrets, passwords, configuration, ACME account keys). */
const NOT_TLS_REFERENCE = /^(imagePullSecrets|authSecret|configuration|passwordSecretRef|privateKeySecretRef)$/;

/**
 * References whose Secret's `ca.crt` (or `root.crt`) is the trust anchor of the server certificate in it: the
 * operator (or cert-manager) verifies or distributes the server certificate against it.
 */
const ANCHOR_REFERENCES: readonly string[] = [
  'pgv2.percona.com/v2 PerconaPGCluster spec.secrets.customTLSSecret.name',
  'pgv2.percona.com/v2 PerconaPGCluster spec.secrets.customReplicationTLSSecret.name',
  'pgv2.percona.com/v2 PerconaPGCluster spec.proxy.pgBouncer.customTLSSecret.name',
  // PGO, Percona's upstream: the same projections directly under spec (check/crunchy.ts).
  'postgres-operator.crunchydata.com/v1beta1 PostgresCluster spec.customTLSSecret.name',
  'postgres-operator.crunchydata.com/v1beta1 PostgresCluster spec.customReplicationTLSSecret.name',
  'postgres-operator.crunchydata.com/v1beta1 PostgresCluster spec.proxy.pgBouncer.customTLSSecret.name',
  'cert-manager.io/v1 Issuer spec.ca.secretName',
  'cert-manager.io/v1 ClusterIssuer spec.ca.secretName',
  'cert-manager.io/v1 Certificate spec.secretName',
];
const CERTIFICATE_TARGET = 'cert-manager.io/v1 Certificate spec.secretName';

/** The values at a data path where `*` is any list index. */
function valuesAt(data: unknown, path: readonly string[]): unknown[] {
  let cur: unknown[] = [data];
  for (const step of path) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (step === '*') { if (Array.isArray(v)) next.push(...v); }
      else if (isObj(v)) next.push(v[step]);
    }
    cur = next;
    if (!cur.length) break;
  }
  return cur;
}

interface SecretUse {
  /** The Secret is TLS material by evidence. */
  tls(): boolean;
  /** Its CA entry anchors its server certificate (a chain mismatch is an error). */
  anchor(): boolean;
  /** A cert-manager Certificate of the workspace writes it (empty entries are placeholders). */
  filled(): boolean;
}

/** What the Secret is used for, from its own text and (lazily, once) from the resources of the workspace that name it. */
function secretUse(r: Resource, ctx: LiveContext, contents: SecretContents): SecretUse {
  const type = str(get(r.data, ['type']));
  const annotated = managedByCertManager(r);
  const named = [...contents.entries.keys()].some(k => OPERATOR_ENTRIES.has(k));
  let refs: Set<string> | undefined;
  const referrers = (): Set<string> => {
    if (refs) return refs;
    refs = new Set();
    const name = r.header.name;
    if (!name) return refs;
    const ns = r.header.namespace;
    const candidates = RESOURCE_REFERENCES.filter(x => x.target === 'Secret' && !x.path.some(p => NOT_TLS_REFERENCE.test(p)));
    for (const d of ctx.workspace.documents(name)) {
      const h = d.header;
      if (d.doc === r.doc) continue;
      const mine = candidates.filter(x => x.apiVersion === h.apiVersion && x.kind === h.kind);
      if (!mine.length) continue;
      const data = dataOf(d.doc.part).value;
      for (const x of mine) {
        if (!x.anyNamespace && ns && h.namespace && h.namespace !== ns) continue;
        if (valuesAt(data, x.path).some(v => v === name)) refs.add(`${x.apiVersion} ${x.kind} ${x.path.join('.')}`);
      }
    }
    return refs;
  };
  const filled = () => referrers().has(CERTIFICATE_TARGET);
  return {
    tls: () => type === 'kubernetes.io/tls' || annotated || named || referrers().size > 0,
    anchor: () => annotated || [...referrers()].some(k => ANCHOR_REFERENCES.includes(k)),
    filled,
  };
}

interface Analysis { stored: Stored[]; certEntries: CertEntry[] }

/** The clock-independent findings, memoised on the document part. */
function analyse(r: Resource, contents: SecretContents, tls: TlsBackend): Analysis {
  const hit = r.doc.part.memo.get('secretContent') as Analysis | undefined;
  if (hit) return hit;
  const stored: Stored[] = [];
  const report: Report = (rule, span, message, extra) => stored.push({ rule, span, message, ...extra });
  const certEntries: CertEntry[] = [];
  const keys: { entry: SecretEntry; read: PrivateKeyRead }[] = [];
  const managed = managedByCertManager(r);

  for (const entry of contents.entries.values()) {
    const kind = entryKind(entry.key);
    if (!kind) continue;
    if (entry.problem === 'base64') continue; // schema/pattern says it
    if (entry.problem === 'not-string' && !entry.nullValue) continue; // schema/wrong-type says it
    const text = entry.text ?? '';
    if (text.trim() === '') {
      if (managed) continue; // a placeholder cert-manager fills when it issues the certificate
      report(SECRET['not-pem'], spanOf(r, entry), `${at(entry)} is empty${entry.nullValue ? ' (null)' : ''}: the file the operator mounts from it is empty, so ${kind === 'key' ? 'no private key' : 'no certificate'} can be loaded. Put the PEM ${kind === 'key' ? 'private key' : 'certificate'} here, or remove the entry.`, { empty: true });
      continue;
    }
    const blocks = readPemBlocks(text);
    const wantsCert = kind !== 'key' && (kind === 'cert' || blocks.some(b => b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE' || b.label === 'X509 CERTIFICATE'));
    const wantsKey = kind === 'key' || (kind === 'pem' && blocks.some(b => b.label === 'PRIVATE KEY' || b.label.endsWith(' PRIVATE KEY')));
    if (kind === 'pem' && !wantsCert && !wantsKey) {
      if (blocks.some(b => b.label === 'X509 CRL')) continue; // a CRL file: fine
      report(SECRET['not-pem'], spanOf(r, entry), `${at(entry)} holds no PEM certificate or private key: ${explain(entry, text, blocks, 'either', tls)}.`);
      continue;
    }
    if (wantsCert) {
      const pem = contents.certificates(entry.key) ?? { blocks, certificates: [], broken: [], crls: 0 };
      const broken = pem.broken.filter(b => b.label !== 'X509 CRL');
      if (broken.length) {
        const b = broken[0]!;
        report(SECRET['not-pem'], spanOf(r, entry, text, b), `${at(entry)}: its ${b.label} block ${broken.length > 1 ? `(and ${broken.length - 1} more) ` : ''}cannot be decoded (damaged, truncated or edited), so OpenSSL fails to load the whole file. Replace it with an intact copy of the certificate.`);
      } else if (pem.certificates.length === 0) {
        report(SECRET['not-pem'], spanOf(r, entry), `${at(entry)} holds no PEM certificate: ${explain(entry, text, blocks, 'cert', tls)}.`);
      } else {
        certEntries.push({ entry, certs: pem.certificates, ca: isCaEntryName(entry.key) });
      }
    }
    if (wantsKey) {
      const read = contents.privateKey(entry.key);
      if (!read) continue;
      const alien = read.kind !== 'key' && read.kind !== 'encrypted' ? blocks.find(b => foreignKey(b.label)) : undefined;
      if (alien) {
        report(SECRET['not-pem'], spanOf(r, entry, text, alien), `${at(entry)} holds ${foreignKey(alien.label)}, not a PEM private key PostgreSQL can load. Store the TLS private key (-----BEGIN PRIVATE KEY-----) here, or keep the other key in a Secret of its own.`);
        continue;
      }
      if (read.kind === 'key') keys.push({ entry, read });
      else if (read.kind === 'encrypted') {
        report(CERT['key-encrypted'], spanOf(r, entry, text, read.block), `${at(entry)} is an encrypted private key (${read.block.label}${read.block.headers['DEK-Info'] ? `, ${read.block.headers['DEK-Info'].split(',')[0]}` : ''}): PostgreSQL, Pgpool-II and cert-manager read the mounted key without a passphrase and fail. Store it decrypted (\`openssl pkey -in encrypted.key -out tls.key\`); Kubernetes Secrets are the protection.`);
      } else if (read.block) {
        report(SECRET['not-pem'], spanOf(r, entry, text, read.block), `${at(entry)}: its ${read.block.label} block cannot be decoded as a private key (damaged or truncated), so OpenSSL cannot load it. Replace it with an intact copy of the key.`);
      } else if (kind === 'key') {
        report(SECRET['not-pem'], spanOf(r, entry), `${at(entry)} holds no PEM private key: ${explain(entry, text, blocks, 'key', tls)}.`);
      }
    }
  }

  checkCertificates(r, certEntries, tls, report);
  checkKeys(r, certEntries, keys, tls, report);
  checkChains(r, certEntries, tls, report);
  markUsedAnchors(certEntries, tls);
  const out: Analysis = { stored, certEntries };
  r.doc.part.memo.set('secretContent', out);
  return out;
}

/** Why an entry's text is not the PEM it should be (no secret material is quoted). */
function explain(entry: SecretEntry, text: string, blocks: PemBlock[], want: 'cert' | 'key' | 'either', tls: TlsBackend): string {
  const what = want === 'cert' ? 'the PEM certificate (-----BEGIN CERTIFICATE-----)' : want === 'key' ? 'the PEM private key (-----BEGIN PRIVATE KEY-----)' : 'PEM text';
  if (entry.binary) {
    const der = entry.bytes ? derKind(entry.bytes, tls) : undefined;
    if (der === 'cert') return `it decodes to a DER (binary) certificate, and the operators, PostgreSQL and Pgpool-II read PEM only. Convert it (\`openssl x509 -inform der -in cert.der -out tls.crt\`) and store the PEM`;
    if (der === 'key') return `it decodes to a DER (binary) private key, and PostgreSQL and Pgpool-II read PEM only. Convert it (\`openssl pkey -inform der -in key.der -out tls.key\`) and store the PEM`;
    return `it decodes to binary data (DER or PKCS#12?), not PEM text. Store ${what}`;
  }
  const compact = text.replace(/\s+/g, '');
  const inner = compact.length >= 16 ? decodeBase64(compact) : undefined;
  if (inner && inner.toString('latin1').includes('-----BEGIN ')) {
    return entry.source === 'data'
      ? 'the value is base64-encoded twice (it decodes to base64 of PEM). Encode the PEM file once (`base64 -w0 tls.crt`), or put the PEM itself under `stringData`'
      : '`stringData` takes the PEM text itself, and this is base64 of PEM. Put the PEM here, or move the base64 value to `data`';
  }
  const alien = blocks.map(b => foreignKey(b.label)).find(x => x);
  if (alien) return `it holds ${alien}, which TLS cannot use. Store ${what}, or keep the other key in a Secret of its own`;
  if (blocks.length) {
    const labels = [...new Set(blocks.map(b => `"${b.label}"`))].join(', ');
    const swapped = want === 'cert' && blocks.some(b => b.label.endsWith('PRIVATE KEY')) ? ' (are the certificate and key entries swapped?)'
      : want === 'key' && blocks.some(b => b.label.endsWith('CERTIFICATE')) ? ' (are the certificate and key entries swapped?)' : '';
    return `it holds ${blocks.length > 1 ? 'only these PEM blocks' : 'only a PEM block'}: ${labels}${swapped}. Store ${what}`;
  }
  if (text.includes('-----BEGIN ')) {
    return /-----BEGIN [A-Z0-9 ]+-----[^\r\n]/.test(text)
      ? `its PEM lines are joined into one (a plain or folded YAML scalar turns line breaks into spaces). Write it as a literal block (\`${entry.key}: |\`) with the PEM lines below`
      : `its PEM block is incomplete (a BEGIN line without its matching END line). Store the complete ${what}`;
  }
  return `it is not PEM text (no -----BEGIN line). Store ${what}`;
}

/** A DER certificate or PKCS#8 key, tried by wrapping the bytes in a PEM block for the backend. */
function derKind(bytes: Buffer, tls: TlsBackend): 'cert' | 'key' | undefined {
  if (bytes.length < 16 || bytes[0] !== 0x30 || bytes.length > 1_000_000) return undefined;
  const b64 = (bytes.toString('base64').match(/.{1,64}/g) ?? []).join('\n');
  const wrap = (label: string) => `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
  if (tls.readCertificates(wrap('CERTIFICATE')).certificates.length) return 'cert';
  for (const label of ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']) if (tls.readPrivateKey(wrap(label)).kind === 'key') return 'key';
  return undefined;
}

/**
 * Where to underline an entry: in a `stringData` block the BEGIN line of the PEM block concerned (found in the value's
 * own source); otherwise the first line of the value (the first content line of a block scalar). An empty value: its key.
 */
function spanOf(r: Resource, e: SecretEntry, text?: string, block?: PemBlock): Span {
  const src = r.doc.part.source;
  const [a, b] = e.valueSpan;
  if (b <= a) return e.keySpan;
  const seg = src.slice(a, b);
  const lineAt = (i: number): Span => {
    let end = seg.indexOf('\n', i);
    if (end < 0) end = seg.length;
    if (seg[end - 1] === '\r') end--;
    return [a + i, a + Math.max(i + 1, end)];
  };
  if (block && text !== undefined && e.source === 'stringData') {
    // the block's BEGIN line is the k-th of the value's text and of its source alike (one scan of each per entry:
    // a bundle of thousands of certificates is not scanned again for each of them)
    const begins = beginsOf(e, text, seg);
    const k = countBelow(begins.text, block.start);
    const i = begins.source[k];
    if (i !== undefined) return lineAt(i);
  }
  if (/^[|>]/.test(seg)) {
    const m = /\n[ \t]*(\S)/.exec(seg);
    if (m) return lineAt(m.index + m[0].length - 1);
  }
  return lineAt(0);
}

const BEGIN = '-----BEGIN ';
const beginsCache = new WeakMap<SecretEntry, { of: string; text: number[]; source: number[] }>();

/** Where the BEGIN lines start, in an entry's value text and in its source, found once per entry. */
function beginsOf(e: SecretEntry, text: string, seg: string): { text: number[]; source: number[] } {
  let b = beginsCache.get(e);
  if (!b || b.of !== text) {
    const all = (s: string): number[] => {
      const at: number[] = [];
      for (let i = s.indexOf(BEGIN); i >= 0; i = s.indexOf(BEGIN, i + 1)) at.push(i);
      return at;
    };
    b = { of: text, text: all(text), source: all(seg) };
    beginsCache.set(e, b);
  }
  return b;
}

/** How many of the sorted `xs` are below `x`. */
function countBelow(xs: readonly number[], x: number): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The span of one certificate of an entry. */
const certSpan = (r: Resource, e: CertEntry, c: Certificate): Span => spanOf(r, e.entry, e.entry.text, c.block);

/** A related-information entry pointing at another entry of the same Secret (document-relative). */
const relatedTo = (r: Resource, e: SecretEntry, message: string): DocumentRelated[] => [{ span: spanOf(r, e), message }];

type Report = (rule: RuleMeta, span: Span, message: string, extra?: Pick<Stored, 'severity' | 'related' | 'empty' | 'clientCa'>) => void;

/** Key strength, signature hash, extended key usage and CA flags of every certificate. */
function checkCertificates(r: Resource, entries: CertEntry[], tls: TlsBackend, report: Report): void {
  const hasAnchors = entries.some(e => e.ca);
  const pinned = new Set(entries.filter(e => !e.ca).map(e => e.certs[0]!.fingerprint256));
  for (const e of entries) {
    const path = e.ca ? new Set<number>() : chainPath(e.certs);
    e.certs.forEach((c, i) => {
      const span = certSpan(r, e, c);
      const who = `${at(e.entry)}${nth(e.certs, i)}: ${certLabel(c)}`;
      const isLeaf = !e.ca && i === 0;
      // OpenSSL checks the certificate it serves as "ee", the certificates of its chain and trust anchors as "ca".
      const role = e.ca || i > 0 ? 'ca' : 'ee';
      const weak = weakKey(keyOfPublicKeyInfo(c.publicKey), 'openssl');
      if (weak) report(CERT['weak-key'], span, `${who} has ${weak.key}, below OpenSSL security level 2 (the default on Debian, Ubuntu and RHEL based images): OpenSSL refuses it ("${role} key too small"). Reissue it with an RSA key of at least 2048 bits or an EC P-256 key; ${create(role === 'ca')}.`);
      // OpenSSL never checks the own signature of a self-signed trust anchor; whether a certificate is one costs a
      // signature check, so it is asked only of weakly signed ones.
      if (weakSignature(c.signatureAlgorithm, false, 'openssl') && !(c.selfIssued && tls.issuedBy(c.handle, c.handle))) {
        report(CERT['weak-signature'], span, `${who} is signed with ${c.signatureAlgorithm}: OpenSSL 3 rejects SHA-1 and MD5 certificate signatures at security level 1 and above, so verifying it fails ("CA signature digest algorithm too weak"). Have the CA reissue it with SHA-256 (\`openssl x509 -req -sha256 …\`), or ${create(role === 'ca')}.`);
      }
      const eku = c.extendedKeyUsage;
      if (eku && !allowsTls(eku)) {
        report(CERT['extended-key-usage'], span, `${who} has an extended key usage without serverAuth or clientAuth (${eku.map(ekuName).join(', ')}): OpenSSL refuses it for TLS in either role when verifying it ("unsuitable certificate purpose"; anyExtendedKeyUsage alone allows neither). Reissue it with serverAuth for a server, clientAuth for a client certificate, or without the extension.`);
      }
      // A certificate that is also the Secret's own leaf (a self-signed certificate pinned as its own CA, as cert-manager's
      // selfSigned issuer writes it) is trusted directly and never used as an issuer: fine.
      if (e.ca && !isCA(c) && !pinned.has(c.fingerprint256)) {
        const another = e.certs.some(isCA);
        report(CERT['ca-flags'], span, `${who} is in a CA entry but is not a CA certificate (${notCaReason(c)}), so OpenSSL cannot verify any certificate with it${another ? '; the other certificates of this entry still work' : ' and every peer it should vouch for is rejected'}. Put the certificate of the issuing CA here (not a server or client certificate).`, another ? { severity: 'warning' } : undefined);
      }
      if (isLeaf && hasAnchors && c.basicConstraintsCA === true && !c.selfIssued && looksLikeEndEntity(c)) {
        report(CERT['ca-flags'], span, `${who} is a CA certificate (basicConstraints CA:TRUE) used as a server or client certificate although the Secret names a separate CA: whoever holds this key can issue certificates every peer trusting that CA accepts. Reissue it with CA:FALSE.`, { severity: 'warning' });
      }
      checkIdentity(e, i, who, span, path.has(i), tls, report);
    });
  }
}

/**
 * Names and issuers along a certificate entry: names Java cannot parse (every entry), and, in a chain entry, a
 * certificate OpenSSL takes for self-signed because it is named like its issuer, or an issuer in the chain that is no CA.
 */
function checkIdentity(e: CertEntry, i: number, who: string, span: Span, onPath: boolean, tls: TlsBackend, report: Report): void {
  // Java parses every certificate of an entry; OpenSSL verifies only those on the path from the leaf (`onPath`).
  const c = e.certs[i]!;
  const names = nameProblem(c);
  if (names) {
    const { what, java, also, fix } = nameProblemText(names, c.selfIssued);
    const fails = e.ca
      ? `pgjdbc cannot load it as \`sslrootcert\`${c.subject === '' ? ', nor certificates it issued (their issuer name is empty)' : ''}`
      : 'pgjdbc and other Java clients fail the TLS handshake with a server that sends it, whatever their sslmode, and cannot load it as `sslcert`';
    report(CERT['empty-name'], span, `${who} has ${what}: OpenSSL (PostgreSQL, Pgpool-II, libpq) accepts it${also}, but Java's certificate parser refuses it ("${java}"), so ${fails}. To fix: ${fix}.`);
  }
  if (e.ca || !onPath) return;
  if (mistakenForSelfSigned(c, () => tls.signedBy(c.handle, c.handle))) {
    const error = i === 0 ? '"self-signed certificate"' : '"self-signed certificate in certificate chain", or "certificate signature failure" when they try the root of the same name';
    report(CERT['same-name-as-issuer'], span, `${who} has the same name as its issuer ("${c.issuer}") but was signed by another key: OpenSSL takes it for self-signed, so peers that verify it (sslmode=verify-ca or verify-full, client-certificate checks) refuse it (${error}). Give the ${i === 0 ? 'CA' : 'intermediate CA'} a name of its own (e.g. CN=<name> ${i === 0 ? 'Root' : 'Intermediate'} CA) and issue ${i === 0 ? 'this certificate' : 'it'} again (an authorityKeyIdentifier naming the issuer's key, \`authorityKeyIdentifier=keyid\`, also lets OpenSSL tell them apart).`);
  }
  if (i > 0 && !isCA(c)) {
    report(CERT['ca-flags'], span, `${who} is the issuer of the certificate before it but is not a CA certificate (${notCaReason(c)}): peers that verify the chain through it refuse it ("invalid CA certificate"). Put the issuing CA certificate there, issued with CA:TRUE and keyCertSign.`);
  }
}

/** The key family of a key the TLS backend read (`RSA`, `EC`, `Ed25519`…), for messages. */
const keyAlgorithm = (k: PublicKeyInfo): string => keyFamily(keyOfPublicKeyInfo(k));

const article = (word: string): string => (/^(RSA|EC|Ed|other)/.test(word) ? 'an' : 'a');

/** Each private key against the certificate entry of the same stem. */
function checkKeys(r: Resource, entries: CertEntry[], keys: { entry: SecretEntry; read: PrivateKeyRead }[], tls: TlsBackend, report: Report): void {
  for (const { entry, read } of keys) {
    if (read.kind !== 'key') continue;
    const stem = stemOf(entry.key);
    const cert = entries.find(e => e.entry !== entry && stemOf(e.entry.key) === stem) ?? entries.find(e => e.entry === entry);
    const leaf = cert?.certs[0];
    if (!cert || !leaf) continue;
    if (tls.keyMatches(leaf.handle, read.handle)) continue;
    const keyAlg = keyAlgorithm(read.publicKey), certAlg = keyAlgorithm(leaf.publicKey);
    const same = cert.entry === entry;
    report(CERT['key-mismatch'], spanOf(r, entry, entry.text, read.block),
      `${at(entry)} is not the private key of ${same ? 'the certificate in the same entry' : at(cert.entry)} ${certLabel(leaf)} (${article(keyAlg)} ${keyAlg} key for ${article(certAlg)} ${certAlg} certificate${keyAlg === certAlg ? ' with another public key' : ''}): PostgreSQL and Pgpool-II refuse to start TLS ("key values mismatch"). Store the key the certificate was issued for, or issue a new certificate for this key.`,
      same ? undefined : { related: relatedTo(r, cert.entry, `the certificate ${certLabel(leaf)}`) });
  }
}

/** Each non-CA certificate entry against the Secret's CA entries. */
function checkChains(r: Resource, entries: CertEntry[], tls: TlsBackend, report: Report): void {
  const anchorEntries = entries.filter(e => e.ca);
  const anchors = anchorEntries.flatMap(e => e.certs);
  if (!anchors.length) return;
  const issuedBy = issuedByBackend(tls);
  for (const e of entries) {
    if (e.ca) continue;
    const leaf = e.certs[0]!;
    if (chainsTo(e.certs, anchors, issuedBy)) continue;
    const first = anchorEntries[0]!;
    const selfSigned = leaf.subject === leaf.issuer;
    const why = selfSigned ? 'it is self-signed, and the CA entry holds a different certificate'
      : `it was issued by "${leaf.issuer}"${e.certs.length > 1 ? ' (and the certificates after it in the entry do not lead there either)' : ''}`;
    const cas = anchorEntries.map(x => at(x.entry)).join(', ');
    report(CERT['not-signed-by-ca'], certSpan(r, e, leaf),
      `${at(e.entry)}: ${certLabel(leaf)} is not signed by the CA in ${cas} (${why}): peers that trust that CA reject it. Issue the certificate from that CA, or put the CA that issued it into ${at(first.entry)}.`,
      {
        related: relatedTo(r, first.entry, `the CA: ${first.certs.map(certLabel).slice(0, 3).join(', ')}`),
        clientCa: `${at(e.entry)}: ${certLabel(leaf)} is not signed by the CA in ${cas} (${why}). Fine if ${cas} is the CA of client certificates (PostgreSQL's ssl_ca_file, e.g. CPO's \`caFile\`): PostgreSQL checks clients against it, not its own certificate. If clients should verify the server with it (sslmode=verify-ca), issue the server certificate from that CA.`,
      });
  }
}

/** A Secret cert-manager writes and renews (the annotation it sets on the Secrets of its Certificates). */
function managedByCertManager(r: Resource): boolean {
  const annotations = get(r.data, ['metadata', 'annotations']);
  return isObj(annotations) && typeof annotations['cert-manager.io/certificate-name'] === 'string';
}

/** Validity against the clock: expired, not yet valid, expiring soon. */
function checkValidity(r: Resource, ctx: LiveContext, entries: CertEntry[], renewed: () => boolean): void {
  if (!entries.length) return;
  const now = ctx.env.now();
  const warnDays = warningDays(ctx.settings.expiryWarningDays);
  for (const e of entries) {
    const path = e.ca ? undefined : chainPath(e.certs);
    e.certs.forEach((c, i) => {
      const who = `${at(e.entry)}${nth(e.certs, i)}: ${e.ca ? 'the CA certificate ' : ''}${certLabel(c)}`;
      const span = certSpan(r, e, c);
      const v = validityAt(c, now, warnDays);
      if (!v) return;
      const effect = e.ca ? 'every certificate it issued fails verification' : 'peers that verify it refuse the connection';
      // A trust bundle: only the CAs the Secret's own certificates chain to matter, unless none is valid now; in a
      // chain entry, only the certificates on the path from its leaf.
      const extra = e.used ? !mattersInBundle(e.certs, c, e.used, now) : path !== undefined && !path.has(i);
      if (extra) {
        if (v.state === 'valid') return;
        const when = v.state === 'expired' ? `expired on ${c.notAfter.toISOString()}` : `is not valid before ${c.notBefore.toISOString()}`;
        const why = e.ca
          ? 'The Secret\'s own certificates chain to another CA of the bundle, and OpenSSL uses a CA that fits and is valid, so this matters only if it issued other certificates still in use (they then fail verification). Renew it, or remove it from the bundle if nothing uses it.'
          : 'It issued none of the certificates before it in the entry, so peers never verify it. Remove it from the entry.';
        ctx.report(v.state === 'expired' ? CERT.expired : CERT['not-yet-valid'], span, `${who} ${when}. ${why}`, { severity: 'info' });
        return;
      }
      if (v.state === 'expired') {
        ctx.report(CERT.expired, span, `${who} expired on ${c.notAfter.toISOString()}: ${effect}. Renew it: ${create(e.ca, 'issue')}.`);
      } else if (v.state === 'not-yet-valid') {
        ctx.report(CERT['not-yet-valid'], span, `${who} is not valid before ${c.notBefore.toISOString()}: ${effect} until then. Check the clock of the machine that made it, or reissue it with an earlier start date.`);
      } else if (v.expiring && !renewed()) {
        const left = v.daysLeft;
        ctx.report(CERT.expiring, span, `${who} expires on ${day(c.notAfter)} (${left < 1 ? 'in less than a day' : `in ${left} day${left === 1 ? '' : 's'}`}; pgtls.expiryWarningDays is ${warnDays}). Renew it before then: ${create(e.ca, 'issue')}.`);
      }
    });
  }
}

/** Key formats that are not TLS material, in words for a message; `undefined` for a PEM label OpenSSL may load as a key. */
function foreignKey(label: string): string | undefined {
  if (label === 'OPENSSH PRIVATE KEY') return 'an OpenSSH key (OPENSSH PRIVATE KEY)';
  if (label.startsWith('SSH2 ')) return `an SSH key (${label})`;
  if (label.startsWith('PGP ')) return `a PGP key (${label})`;
  if (label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY') return `a public key (${label})`;
  return undefined;
}

/** In each CA entry of several certificates (a trust bundle), the anchors the Secret's other certificates chain to. */
function markUsedAnchors(entries: CertEntry[], tls: TlsBackend): void {
  const leaves = entries.filter(e => !e.ca);
  const issuedBy = issuedByBackend(tls);
  for (const e of entries) {
    if (!e.ca || e.certs.length < 2) continue;
    const used = new Set<string>();
    for (const l of leaves) {
      const issuers = new Set(l.certs.map(c => c.issuer));
      for (const a of e.certs) {
        if (used.has(a.fingerprint256)) continue;
        if (!l.certs.some(c => sameCertificate(c, a)) && !issuers.has(a.subject)) continue;
        if (chainsTo(l.certs, [a], issuedBy)) used.add(a.fingerprint256);
      }
    }
    e.used = used;
  }
}
