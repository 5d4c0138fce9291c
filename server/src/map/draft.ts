/**
 * The TLS map while it is built (build.ts and its parts): nodes and edges by id, the certificates read so far, and
 * the few ways a part adds to them (a node, an edge, the certificates of a PEM text, the Secret a reference names).
 * A node or edge added twice is the first one (a missing node found later takes the facts of the found one).
 */
import type { Certificate } from '../core/tlsBackend';
import type { MapEdge, MapEdgeKind, MapNode } from '../core/tlsMap';
import type { Problem, ServiceEnv, Span } from '../core/types';
import { expiryTitle } from '../tlsFiles/expiry';
import { commonName } from '../x509';

export type MapEnv = Pick<ServiceEnv, 'tls' | 'now' | 'readText' | 'stat' | 'listFiles'>;

/** At most this many certificates are compared pairwise for the `issues` edges (a pasted bundle stays bounded). */
const MAX_CERTS = 300;

export interface Place { path: string; span: Span }
export interface Item {
  place?: Place;
  /** More places whose diagnostics attach here (the other hba lines of the same user and server). */
  morePlaces?: Place[];
  /** Whether diagnostics on `place` attach here (an `answers` edge only links to its use's place). */
  attach: boolean;
  diagnostics: { problem: Problem; path: string }[];
}
export interface NodeDraft extends Item, Omit<MapNode, 'place' | 'diagnostics' | 'broken'> { extent?: Place }
export interface EdgeDraft extends Item, Omit<MapEdge, 'place' | 'diagnostics' | 'broken'> {
  /** `answers`: whether the serving certificate answers to the Service's short name (x509's libpq matcher). */
  covered?: boolean;
  /** `answers`: the `serves` edge whose name diagnostics this edge shares. */
  via?: string;
}
export type NewNode = Omit<NodeDraft, 'attach' | 'diagnostics' | 'details'> & { details?: string[]; attach?: boolean };

export class Draft {
  readonly nodes = new Map<string, NodeDraft>();
  readonly edges = new Map<string, EdgeDraft>();
  readonly certs = new Map<string, Certificate>();

  constructor(readonly env: MapEnv, readonly show: (path: string) => string) {}

  addNode(n: NewNode): NodeDraft {
    const old = this.nodes.get(n.id);
    if (old) {
      if (old.missing && !n.missing) Object.assign(old, n, { missing: undefined, diagnostics: old.diagnostics });
      return old;
    }
    const d: NodeDraft = { attach: true, details: [], diagnostics: [], ...n };
    this.nodes.set(n.id, d);
    return d;
  }

  addEdge(from: string, kind: MapEdgeKind, to: string, e: Partial<EdgeDraft> = {}): EdgeDraft {
    const id = `${from}|${kind}|${to}`;
    const old = this.edges.get(id);
    if (old) return old;
    const d: EdgeDraft = { id, from, to, kind, attach: true, diagnostics: [], ...e };
    this.edges.set(id, d);
    return d;
  }

  /** The certificates of a PEM text, read (none when it cannot be). */
  read(pem: string): Certificate[] {
    try { return this.env.tls.readCertificates(pem).certificates; } catch { return []; }
  }

  /** The nodes of the certificates of a PEM text; the first is the leaf. */
  certNodes(pem: string): string[] {
    return this.read(pem).map(c => {
      const id = certId(c);
      if (!this.certs.has(id) && this.certs.size < MAX_CERTS) this.certs.set(id, c);
      const now = this.env.now();
      this.addNode({ id, kind: isCa(c) ? 'ca' : 'certificate', label: nameOf(c), details: certDetails(c, now), certificate: certFacts(c, now) });
      return id;
    });
  }

  /** The Secret node a reference names: the Secret of these files (same namespace, else the only one of that name), or a missing one. */
  referencedSecret(name: string, namespace: string | undefined): string {
    const exact = secretId(namespace, name);
    if (this.nodes.get(exact) && !this.nodes.get(exact)!.missing) return exact;
    const other = [...this.nodes.values()].find(n => n.kind === 'secret' && !n.missing && n.id.endsWith(`/${name}`) && (!namespace || n.id.startsWith('secret:-/')));
    if (other) return other.id;
    this.addNode({ id: exact, kind: 'secret', label: `Secret ${name}`, missing: true, details: ['not in these files'] });
    return exact;
  }

  /** The certificate a Secret holds under `key`. */
  leafOf(secret: string, key: string): Certificate | undefined {
    const e = [...this.edges.values()].find(x => x.kind === 'holds' && x.to === secret && x.label === key);
    return e ? this.certs.get(e.from) : undefined;
  }
}

export const isCa = (c: Certificate) => c.basicConstraintsCA === true || c.selfIssued;
export const certId = (c: Certificate) => `${isCa(c) ? 'ca' : 'certificate'}:${c.fingerprint256.replace(/:/g, '').slice(0, 24).toLowerCase()}`;
export const secretId = (namespace: string | undefined, name: string) => `secret:${namespace ?? '-'}/${name}`;
export const baseName = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
export const dirName = (p: string) => p.slice(0, Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'), 0));

function nameOf(c: Certificate): string {
  return commonName(c.subject) ?? (c.subject || 'certificate');
}

function certDetails(c: Certificate, now: Date): string[] {
  const sans = c.subjectAltNames ?? [];
  const shown = sans.slice(0, 4).concat(sans.length > 4 ? [`+${sans.length - 4} more names`] : []);
  return [...shown, expiryTitle(c, now) ?? `until ${c.notAfter.toISOString().slice(0, 10)}`];
}

function certFacts(c: Certificate, now: Date): MapNode['certificate'] {
  return {
    subject: c.subject, issuer: c.issuer, subjectAltNames: [...(c.subjectAltNames ?? [])],
    notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(),
    expiry: expiryTitle(c, now) ?? '', fingerprint256: c.fingerprint256,
  };
}
