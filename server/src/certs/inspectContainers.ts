/**
 * `pgtls inspect` on what containers.ts finds in a YAML file (Secret manifests, kubeconfigs): every certificate
 * described by inspect.ts (with the one certificate policy's findings, its document, its key path and its place in a
 * bundle), every key described by plan.ts (type, size, format; never the key) with the certificate of the same
 * document it belongs to. Also the key/certificate pairing of a plain PEM bundle (`matchKeys`). Pure: the clock and
 * WebCrypto are the caller's.
 */
import type { X509Certificate } from '@peculiar/x509';
import { x509 } from './x509lib';
import { CERTIFICATE_LABELS, isPrivateKeyLabel } from '../core/pem';
import type { ContainerDocument, ContainerScan } from './containers';
import { describeCertificate, type CertificateDescription } from './inspect';
import { pemDecodeAll } from './keys';
import { describeKeys, keyMatchesCertificate, type KeyDescription } from './plan';

export interface Placed {
  document: ContainerDocument;
  /** The key path in the document (`data.tls.crt`). */
  path: string;
}

export type ContainerCertificate = CertificateDescription & Placed & {
  /** 1-based place in a bundle of several certificates, and the bundle's size. */
  position?: { index: number; of: number };
};

export type ContainerKey = KeyDescription & Placed & {
  /**
   * The certificate of the same document this private key belongs to (`data.tls.crt`, `… certificate 2`); `null` when
   * the document has certificates and none of them is this key's; absent when it has none or the key cannot be tried.
   */
  matches?: string | null;
};

export interface ContainerReport {
  shape: ContainerScan['shape'];
  documents: number;
  certificates: ContainerCertificate[];
  keys: ContainerKey[];
  /** Values that should hold a certificate or key and do not, one sentence each; never quoting them. */
  problems: (Placed & { problem: string })[];
  yamlErrors: string[];
}

interface Loaded { cert: X509Certificate; label: string }

export async function inspectContainers(scan: ContainerScan, now: Date, crypto: Crypto): Promise<ContainerReport> {
  const report: ContainerReport = { shape: scan.shape, documents: scan.documents, certificates: [], keys: [], problems: [], yamlErrors: scan.yamlErrors };
  const certsByDoc = new Map<string, Loaded[]>();
  /** A resource: a document, or an item of a List document. */
  const resourceOf = (d: ContainerDocument) => `${d.number}/${d.namespace ?? ''}/${d.name ?? ''}`;
  const keyBlocks: { key: ContainerKey; pem: string }[] = [];
  for (const e of scan.entries) {
    const placed: Placed = { document: e.document, path: e.path };
    if (e.problem) {
      report.problems.push({ ...placed, problem: e.problem });
      continue;
    }
    const ders = e.der ? [e.der] : e.blocks.filter(b => CERTIFICATE_LABELS.has(b.label)).flatMap(b => pemDecodeAll(b.text, b.label));
    const of = ders.length;
    for (const [i, der] of ders.entries()) {
      const where = of > 1 ? `${e.path} certificate ${i + 1}` : e.path;
      try {
        const d = await describeCertificate(new Uint8Array(der), now, crypto);
        report.certificates.push({ ...d, ...placed, ...(of > 1 ? { position: { index: i + 1, of } } : {}) });
        const list = certsByDoc.get(resourceOf(e.document)) ?? [];
        list.push({ cert: new (x509().X509Certificate)(new Uint8Array(der)), label: where });
        certsByDoc.set(resourceOf(e.document), list);
      } catch {
        report.problems.push({ ...placed, problem: `${of > 1 ? `certificate ${i + 1}: ` : ''}not a valid X.509 certificate` });
      }
    }
    for (const b of e.blocks.filter(b => isPrivateKeyLabel(b.label) || b.label === 'PUBLIC KEY')) {
      for (const k of safeDescribeKeys(b.text)) {
        const key: ContainerKey = { ...k, ...placed };
        report.keys.push(key);
        if (k.private && !k.encrypted) keyBlocks.push({ key, pem: b.text });
      }
    }
  }
  for (const { key, pem } of keyBlocks) {
    const certs = certsByDoc.get(resourceOf(key.document));
    if (!certs?.length) continue;
    const m = await matchOf(certs, pem, crypto);
    if (m !== undefined) key.matches = m;
  }
  return report;
}

/**
 * For a PEM file (a bundle): which certificate (1-based) the private key `keyPem` belongs to, `null` for none,
 * `undefined` when there is no certificate to try.
 */
export async function matchKeys(certDers: readonly Uint8Array[], keyPem: string, crypto: Crypto): Promise<number | null | undefined> {
  const certs: Loaded[] = [];
  for (const [i, der] of certDers.entries()) {
    try {
      certs.push({ cert: new (x509().X509Certificate)(new Uint8Array(der)), label: String(i + 1) });
    } catch {
      // an unreadable certificate cannot be matched; inspect reports it anyway
    }
  }
  const m = await matchOf(certs, keyPem, crypto);
  return typeof m === 'string' ? Number(m) : m;
}

async function matchOf(certs: readonly Loaded[], keyPem: string, crypto: Crypto): Promise<string | null | undefined> {
  for (const c of certs) {
    try {
      if (await keyMatchesCertificate(c.cert, keyPem, crypto)) return c.label;
    } catch {
      // a key of another type than this certificate's, or one pgtls cannot load: try the next certificate
    }
  }
  return certs.length > 0 ? null : undefined;
}

function safeDescribeKeys(pem: string): KeyDescription[] {
  try {
    return describeKeys(pem);
  } catch {
    return [{ label: 'PRIVATE KEY', format: 'unreadable', type: 'unknown', private: true, encrypted: false, problems: ['the key block cannot be decoded'] }];
  }
}
