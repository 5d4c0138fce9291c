/**
 * Builds the TLS map of a set of files (core/tlsMap.ts): the facts come from the YAML resources (yamlFacts.ts) and
 * from the TLS files a configuration's checks locate (`Service.tlsFiles`, tlsFiles/files.ts); the broken links are the
 * diagnostics `validate` reports, attached to the node or edge whose place they fall on. Nothing is judged here: a
 * link is red only because a check said so, with that check's rule, message and place.
 *
 * Pure: every file is read through the environment; the clock is the environment's (expiry labels only).
 */
import type { SeenTlsFile } from '../core/language';
import { LineIndex } from '../core/text';
import type { Certificate } from '../core/tlsBackend';
import type { BrokenKind, MapDiagnostic, MapEdge, MapEdgeKind, MapNode, MapNodeKind, MapPlace, TlsMap } from '../core/tlsMap';
import type { LanguageId, Problem, ServiceEnv, Settings, SourceDocument, Span } from '../core/types';
import { expiryTitle } from '../tlsFiles/expiry';
import { certNames, commonName, matchesHost } from '../x509';
import { yamlFacts, type SecretFact, type YamlFacts } from './yamlFacts';

/** The part of the façade the map uses (service.ts `Service`). */
export interface MapService {
  parse(doc: SourceDocument): unknown;
  validate(doc: SourceDocument, parsed: never, settings: Settings): Problem[];
  tlsFiles(doc: SourceDocument, parsed: never, settings: Settings): SeenTlsFile[];
}

export interface MapInput {
  files: readonly { path: string; text: string; languageId: LanguageId }[];
  settings: Settings;
  /** How a path is shown in places and ids (the CLI: relative to the current folder); identity by default. */
  show?: (path: string) => string;
}

type MapEnv = Pick<ServiceEnv, 'tls' | 'now' | 'readText' | 'stat'>;

/** At most this many certificates are compared pairwise for the `issues` edges (a pasted bundle stays bounded). */
const MAX_CERTS = 300;
const PRODUCTS: Partial<Record<LanguageId, string>> = { 'pgpool-conf': 'Pgpool-II', 'postgresql-conf': 'PostgreSQL', 'pgbouncer-ini': 'PgBouncer' };

interface Place { path: string; span: Span }
interface Item {
  place?: Place;
  /** Whether diagnostics on `place` attach here (an `answers` edge only links to its use's place). */
  attach: boolean;
  diagnostics: { problem: Problem; path: string }[];
}
interface NodeDraft extends Item, Omit<MapNode, 'place' | 'diagnostics' | 'broken'> { extent?: Place }
interface EdgeDraft extends Item, Omit<MapEdge, 'place' | 'diagnostics' | 'broken'> {
  /** `answers`: whether the serving certificate answers to the Service's short name (x509's libpq matcher). */
  covered?: boolean;
  /** `answers`: the `serves` edge whose name diagnostics this edge shares. */
  via?: string;
}

/** The rule of a diagnostic read as the kind of broken link it is. */
export function brokenKind(rule: string): BrokenKind {
  if (/-san$|replication-cn$|replication-cert-user$/.test(rule)) return 'name-not-covered';
  if (/not-signed-by-ca$|twin-secrets-ca$|shared-root-ca$/.test(rule)) return 'other-ca';
  if (/^cert\/(expired|not-yet-valid|expiring)$/.test(rule)) return 'expired';
  if (rule === 'cert/key-mismatch') return 'key-mismatch';
  if (/file-missing$|^secret\/(not-found|missing-key)$/.test(rule)) return 'file-missing';
  return 'other';
}

export function buildTlsMap(service: MapService, env: MapEnv, input: MapInput): TlsMap {
  const show = input.show ?? ((p: string) => p);
  const nodes = new Map<string, NodeDraft>();
  const edges = new Map<string, EdgeDraft>();
  const certs = new Map<string, Certificate>();
  const problems: { path: string; problem: Problem }[] = [];

  const addNode = (n: Omit<NodeDraft, 'attach' | 'diagnostics' | 'details'> & { details?: string[]; attach?: boolean }): NodeDraft => {
    const old = nodes.get(n.id);
    if (old) {
      if (old.missing && !n.missing) Object.assign(old, n, { missing: undefined, diagnostics: old.diagnostics });
      return old;
    }
    const d: NodeDraft = { attach: true, details: [], diagnostics: [], ...n };
    nodes.set(n.id, d);
    return d;
  };
  const addEdge = (from: string, kind: MapEdgeKind, to: string, e: Partial<EdgeDraft> = {}): EdgeDraft => {
    const id = `${from}|${kind}|${to}`;
    const old = edges.get(id);
    if (old) return old;
    const d: EdgeDraft = { id, from, to, kind, attach: true, diagnostics: [], ...e };
    edges.set(id, d);
    return d;
  };
  /** The nodes of the certificates of a PEM text; the first is the leaf. */
  const certNodes = (pem: string): string[] => {
    let read: Certificate[] = [];
    try { read = env.tls.readCertificates(pem).certificates; } catch { read = []; }
    return read.map(c => {
      const ca = c.basicConstraintsCA === true || c.selfIssued;
      const id = `${ca ? 'ca' : 'certificate'}:${c.fingerprint256.replace(/:/g, '').slice(0, 24).toLowerCase()}`;
      if (!certs.has(id) && certs.size < MAX_CERTS) certs.set(id, c);
      addNode({ id, kind: ca ? 'ca' : 'certificate', label: nameOf(c), details: certDetails(c, env.now()), certificate: certFacts(c, env.now()) });
      return id;
    });
  };

  // Secrets first (from every file), so that a reference finds the Secret whatever the order of the files.
  const yamls: { facts: YamlFacts; path: string }[] = [];
  for (const f of input.files) {
    const doc: SourceDocument = { path: f.path, text: f.text, languageId: f.languageId };
    const parsed = validated(service, doc, input.settings, problems);
    if (parsed === undefined) continue;
    if (f.languageId === 'yaml') {
      const facts = yamlFacts(f.text);
      for (const s of facts.secrets) secretNode(s, f.path);
      yamls.push({ facts, path: f.path });
    } else if (PRODUCTS[f.languageId]) confPart(f, service.tlsFiles(doc, parsed as never, input.settings));
  }
  for (const y of yamls) yamlPart(y.facts, y.path);

  function secretNode(s: SecretFact, path: string): string {
    const id = secretId(s.namespace, s.name);
    addNode({ id, kind: 'secret', label: `Secret ${s.name}`, details: s.namespace ? [`namespace ${s.namespace}`] : [], place: { path, span: s.nameSpan }, extent: { path, span: s.extent } });
    for (const e of s.entries) {
      const at = { path, span: e.span };
      for (const c of e.certPem ? certNodes(e.certPem) : []) addEdge(c, 'holds', id, { label: e.key, place: at });
      if (e.hasKey) {
        const key = `key:${id.slice('secret:'.length)}/${e.key}`;
        addNode({ id: key, kind: 'key', label: e.key, details: [`private key in Secret ${s.name}`], place: at });
        addEdge(key, 'key-of', id, { label: e.key, place: at });
      }
    }
    return id;
  }

  function yamlPart(facts: YamlFacts, path: string): void {
    for (const srv of facts.servers) {
      const id = `server:${srv.kind}/${srv.namespace ?? '-'}/${srv.name}`;
      addNode({ id, kind: 'server', label: `${srv.kind} ${srv.name}`, details: srv.namespace ? [`namespace ${srv.namespace}`] : [], place: { path, span: srv.nameSpan } });
      for (const u of srv.uses) {
        const sid = referencedSecret(u.secret, srv.namespace);
        const at = { path, span: u.span };
        if (u.role === 'serves') {
          const serves = addEdge(sid, 'serves', id, { label: u.field, place: at });
          const leaf = leafOf(sid, u.certKey);
          for (const svc of u.services ?? []) {
            const vid = `service:${srv.namespace ?? '-'}/${svc}`;
            addNode({ id: vid, kind: 'service', label: `Service ${svc}`, details: srv.namespace ? [`namespace ${srv.namespace}`] : [] });
            addEdge(id, 'answers', vid, { label: svc, place: at, attach: false, via: serves.id, ...(leaf ? { covered: matchesHost(certNames(leaf), svc) } : {}) });
          }
        } else if (u.role === 'trusts') addEdge(sid, 'trusts', id, { label: u.field, place: at });
        else {
          const leaf = leafOf(sid, u.certKey);
          const user = (leaf && commonName(leaf.subject)) || u.user || 'unknown user';
          const uid = `user:${user}`;
          addNode({ id: uid, kind: 'user', label: `user ${user}`, details: u.user && u.user !== user ? [`the operator logs in as ${u.user}`] : [] });
          addEdge(sid, 'authenticates', uid, { label: u.field, place: at });
          addEdge(uid, 'uses', id, { label: 'logs in to' });
        }
      }
      if (srv.issuer) {
        const iid = issuerId(srv.issuer.kind, srv.issuer.name, srv.namespace);
        addNode({ id: iid, kind: 'issuer', label: `${srv.issuer.kind} ${srv.issuer.name}`, missing: true, details: ['not in these files'] });
        if (srv.issuer.secret) addEdge(iid, 'signs', referencedSecret(srv.issuer.secret, srv.namespace), { label: 'spec.tls.issuerRef', place: { path, span: srv.issuer.span } });
      }
    }
    for (const i of facts.issuers) {
      const id = issuerId(i.kind, i.name, i.namespace);
      addNode({ id, kind: 'issuer', label: `${i.kind} ${i.name}`, details: [`type ${i.type}`], place: { path, span: i.nameSpan } });
      if (i.caSecret) addEdge(referencedSecret(i.caSecret.name, i.namespace), 'uses', id, { label: 'spec.ca.secretName', place: { path, span: i.caSecret.span } });
    }
    for (const r of facts.requests) {
      const id = `certificate-request:${r.namespace ?? '-'}/${r.name}`;
      addNode({ id, kind: 'certificate-request', label: `Certificate ${r.name}`, details: r.dnsNames.slice(0, 4).concat(r.dnsNames.length > 4 ? [`+${r.dnsNames.length - 4} more`] : []), place: { path, span: r.nameSpan } });
      if (r.issuer) {
        const iid = issuerId(r.issuer.kind, r.issuer.name, r.namespace);
        addNode({ id: iid, kind: 'issuer', label: `${r.issuer.kind} ${r.issuer.name}`, missing: true, details: ['not in these files'] });
        addEdge(iid, 'signs', id, { label: 'spec.issuerRef', place: { path, span: r.issuer.span } });
      }
      if (r.secret) addEdge(id, 'writes', referencedSecret(r.secret.name, r.namespace), { label: 'spec.secretName', place: { path, span: r.secret.span } });
    }
  }

  function confPart(f: { path: string; languageId: LanguageId }, seen: readonly SeenTlsFile[]): void {
    const id = `server:${show(f.path)}`;
    addNode({ id, kind: 'server', label: `${PRODUCTS[f.languageId]!} (${baseName(f.path)})`, details: [show(f.path)], place: { path: f.path, span: [0, 0] } });
    for (const t of seen) {
      if (t.role === 'crl') continue;
      const at = { path: f.path, span: t.span };
      const present = !t.missing;
      const fid = `${t.role === 'key' ? 'key' : 'file'}:${show(t.path)}`;
      addNode({ id: fid, kind: t.role === 'key' ? 'key' : 'file', label: baseName(t.path), details: [show(t.path)], ...(present ? { place: { path: t.path, span: [0, 0] as Span }, attach: false } : { missing: true }) });
      addEdge(fid, t.role === 'key' ? 'key-of' : t.role === 'ca' ? 'trusts' : 'serves', id, { label: t.key, place: at });
      if (t.role !== 'key' && t.text) for (const c of certNodes(t.text)) addEdge(c, 'holds', fid, { label: t.role === 'ca' ? 'CA file' : 'certificate file' });
    }
  }

  /** The Secret node a reference names: the Secret of these files (same namespace, else the only one of that name), or a missing one. */
  function referencedSecret(name: string, namespace: string | undefined): string {
    const exact = secretId(namespace, name);
    if (nodes.get(exact) && !nodes.get(exact)!.missing) return exact;
    const other = [...nodes.values()].find(n => n.kind === 'secret' && !n.missing && n.id.endsWith(`/${name}`) && (!namespace || n.id.startsWith('secret:-/')));
    if (other) return other.id;
    addNode({ id: exact, kind: 'secret', label: `Secret ${name}`, missing: true, details: ['not in these files'] });
    return exact;
  }

  function leafOf(secret: string, key: string): Certificate | undefined {
    const e = [...edges.values()].find(x => x.kind === 'holds' && x.to === secret && x.label === key);
    return e ? certs.get(e.from) : undefined;
  }

  issuesEdges(certs, env, addNode, addEdge);
  attachProblems(problems, nodes, edges);
  return finish(nodes, edges, input, env, show);
}

/** Parses and validates one file, collecting its problems; `undefined` when the façade failed on it. */
function validated(service: MapService, doc: SourceDocument, settings: Settings, problems: { path: string; problem: Problem }[]): unknown {
  try {
    const parsed = service.parse(doc);
    for (const problem of service.validate(doc, parsed as never, settings)) problems.push({ path: doc.path, problem });
    return parsed ?? null;
  } catch {
    return undefined;
  }
}

/** CA → certificate: the backend's `issuedBy` (names, key identifiers, signature); an issuer not in the files is a missing CA. */
function issuesEdges(certs: Map<string, Certificate>, env: MapEnv,
  addNode: (n: Omit<NodeDraft, 'attach' | 'diagnostics' | 'details'> & { details?: string[] }) => NodeDraft,
  addEdge: (from: string, kind: MapEdgeKind, to: string) => EdgeDraft): void {
  const list = [...certs.entries()];
  for (const [id, c] of list) {
    if (c.selfIssued) continue;
    let found = false;
    for (const [caId, ca] of list) {
      if (caId === id || !caId.startsWith('ca:')) continue;
      let issued = false;
      try { issued = env.tls.issuedBy(c.handle, ca.handle); } catch { issued = false; }
      if (issued) { addEdge(caId, 'issues', id); found = true; }
    }
    if (!found) {
      const missing = `ca:unknown:${c.issuer}`;
      addNode({ id: missing, kind: 'ca', label: commonName(c.issuer) ?? (c.issuer || 'unknown issuer'), missing: true, details: ['issuer not in these files'] });
      addEdge(missing, 'issues', id);
    }
  }
}

/** Each diagnostic goes to the items with the smallest place that overlaps it; else to the Secret document around it. */
function attachProblems(problems: readonly { path: string; problem: Problem }[], nodes: Map<string, NodeDraft>, edges: Map<string, EdgeDraft>): void {
  const items: Item[] = [...nodes.values(), ...edges.values()];
  for (const p of problems) {
    const [s, e] = p.problem.span;
    const overlaps = (pl: Place) => pl.path === p.path && (s === e ? pl.span[0] <= s && s <= pl.span[1] : s < pl.span[1] && pl.span[0] < e);
    const candidates = items.filter(i => i.attach && i.place && i.place.span[1] > i.place.span[0] && overlaps(i.place));
    let target = smallest(candidates, i => i.place!.span);
    if (!target.length && /^(cert|secret)\//.test(p.problem.rule)) {
      target = smallest([...nodes.values()].filter(n => n.extent && overlaps(n.extent)), n => n.extent!.span);
    }
    for (const t of target) t.diagnostics.push(p);
    // A name the serving certificate does not answer to: the Services it misses share the diagnostic.
    if (brokenKind(p.problem.rule) !== 'name-not-covered') continue;
    for (const t of target) {
      for (const a of edges.values()) if (a.via === (t as EdgeDraft).id && a.covered === false) a.diagnostics.push(p);
    }
  }
}

function smallest<T>(items: T[], span: (t: T) => Span): T[] {
  if (!items.length) return [];
  const size = (t: T) => span(t)[1] - span(t)[0];
  const min = Math.min(...items.map(size));
  return items.filter(t => size(t) === min);
}

function finish(nodes: Map<string, NodeDraft>, edges: Map<string, EdgeDraft>, input: MapInput, env: MapEnv, show: (p: string) => string): TlsMap {
  const texts = new Map(input.files.map(f => [f.path, f.text]));
  const indexes = new Map<string, LineIndex>();
  const place = (pl: Place | undefined): MapPlace | undefined => {
    if (!pl) return undefined;
    let index = indexes.get(pl.path);
    if (!index) {
      index = new LineIndex(texts.get(pl.path) ?? (pl.span[1] > 0 ? env.readText(pl.path) ?? '' : ''));
      indexes.set(pl.path, index);
    }
    return { file: show(pl.path), span: pl.span, range: { start: index.positionAt(pl.span[0]), end: index.positionAt(pl.span[1]) } };
  };
  const diags = (i: Item): MapDiagnostic[] => {
    const seen = new Set<string>();
    const out: MapDiagnostic[] = [];
    for (const d of i.diagnostics) {
      const key = `${d.path}:${d.problem.span.join(':')}:${d.problem.rule}:${d.problem.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ rule: d.problem.rule, severity: d.problem.severity, message: d.problem.message, kind: brokenKind(d.problem.rule), place: place({ path: d.path, span: d.problem.span })! });
    }
    return out.sort((a, b) => a.place.file.localeCompare(b.place.file) || a.place.span[0] - b.place.span[0] || a.rule.localeCompare(b.rule));
  };
  const broken = (ds: MapDiagnostic[]) => ds.some(d => d.severity === 'error' || d.severity === 'warning');
  const outNodes: MapNode[] = [...nodes.values()].map(n => {
    const ds = diags(n);
    const pl = place(n.place);
    return {
      id: n.id, kind: n.kind as MapNodeKind, label: n.label, details: n.details, ...(pl ? { place: pl } : {}),
      ...(n.certificate ? { certificate: n.certificate } : {}), ...(n.missing ? { missing: true } : {}), broken: broken(ds) || !!n.missing, diagnostics: ds,
    };
  });
  const outEdges: MapEdge[] = [...edges.values()].map(e => {
    const ds = diags(e);
    const pl = place(e.place);
    return { id: e.id, from: e.from, to: e.to, kind: e.kind, ...(e.label ? { label: e.label } : {}), ...(pl ? { place: pl } : {}), broken: broken(ds), diagnostics: ds };
  });
  const cmp = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { version: 1, files: input.files.map(f => show(f.path)).sort(), nodes: outNodes.sort(cmp), edges: outEdges.sort(cmp) };
}

const secretId = (namespace: string | undefined, name: string) => `secret:${namespace ?? '-'}/${name}`;
const issuerId = (kind: string, name: string, namespace: string | undefined) =>
  `issuer:${kind}/${kind === 'ClusterIssuer' ? '-' : namespace ?? '-'}/${name}`;
const baseName = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

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
