/**
 * Builds the TLS map of a set of files (core/tlsMap.ts): the facts come from the YAML resources (yamlFacts.ts,
 * yamlPart.ts), from the TLS files a configuration's checks locate (`Service.tlsFiles`, tlsFiles/files.ts) and from
 * the certificate logins of the hba files (hba.ts); the broken links are the diagnostics `validate` reports, attached
 * to the node or edge whose place they fall on. Nothing is judged here: a link is red only because a check said so,
 * with that check's rule, message and place.
 *
 * Pure: every file is read through the environment; the clock is the environment's (expiry labels only).
 */
import type { SeenTlsFile } from '../core/language';
import { LineIndex } from '../core/text';
import type { BrokenKind, MapDiagnostic, MapEdge, MapNode, MapNodeKind, MapPlace, TlsMap } from '../core/tlsMap';
import type { LanguageId, Problem, Settings, SourceDocument, Span } from '../core/types';
import type { HbaFile } from '../languages/hba';
import type { PgIdentFile } from '../languages/pgIdent';
import { commonName } from '../x509';
import { Draft, baseName, dirName, type EdgeDraft, type Item, type MapEnv, type NodeDraft, type Place } from './draft';
import { hbaPart, HBA_SERVER } from './hba';
import { secretNode, yamlPart } from './yamlPart';
import { yamlFacts, type YamlFacts } from './yamlFacts';

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

const PRODUCTS: Partial<Record<LanguageId, string>> = { 'pgpool-conf': 'Pgpool-II', 'postgresql-conf': 'PostgreSQL', 'pgbouncer-ini': 'PgBouncer' };

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
  const d = new Draft(env, show);
  const problems: { path: string; problem: Problem }[] = [];
  // Secrets first (from every file), so that a reference finds the Secret whatever the order of the files; the hba
  // files last, so that their servers' CA files are on the map.
  const yamls: { facts: YamlFacts; path: string }[] = [];
  const hbas: { file: HbaFile; languageId: LanguageId; path: string }[] = [];
  const idents = new Map<string, PgIdentFile>();
  for (const f of input.files) {
    const doc: SourceDocument = { path: f.path, text: f.text, languageId: f.languageId };
    const parsed = validated(service, doc, input.settings, problems);
    if (parsed === undefined) continue;
    const p = parsed as { file?: unknown; skipped?: unknown } | null;
    const model = p && !p.skipped ? p.file : undefined;
    if (model && HBA_SERVER[f.languageId]) hbas.push({ file: model as HbaFile, languageId: f.languageId, path: f.path });
    if (model && f.languageId === 'pg-ident') idents.set(dirName(f.path), model as PgIdentFile);
    if (f.languageId === 'yaml') {
      const facts = yamlFacts(f.text);
      for (const s of facts.secrets) secretNode(d, s, f.path);
      yamls.push({ facts, path: f.path });
    } else if (PRODUCTS[f.languageId]) confPart(d, f, service.tlsFiles(doc, parsed as never, input.settings));
  }
  for (const y of yamls) yamlPart(d, y.facts, y.path);
  for (const h of hbas) hbaPart(d, h, idents.get(dirName(h.path)));
  issuesEdges(d);
  attachProblems(problems, d.nodes, d.edges);
  return finish(d.nodes, d.edges, input, env, show);
}

/** A configuration's server and the TLS files its checks located (certificate, key, CA; a missing one is a missing node). */
function confPart(d: Draft, f: { path: string; languageId: LanguageId }, seen: readonly SeenTlsFile[]): void {
  const id = `server:${d.show(f.path)}`;
  d.addNode({ id, kind: 'server', label: `${PRODUCTS[f.languageId]!} (${baseName(f.path)})`, details: [d.show(f.path)], place: { path: f.path, span: [0, 0] } });
  for (const t of seen) {
    if (t.role === 'crl') continue;
    const at = { path: f.path, span: t.span };
    const present = !t.missing;
    const fid = `${t.role === 'key' ? 'key' : 'file'}:${d.show(t.path)}`;
    d.addNode({ id: fid, kind: t.role === 'key' ? 'key' : 'file', label: baseName(t.path), details: [d.show(t.path)], ...(present ? { place: { path: t.path, span: [0, 0] as Span }, attach: false } : { missing: true }) });
    d.addEdge(fid, t.role === 'key' ? 'key-of' : t.role === 'ca' ? 'trusts' : 'serves', id, { label: t.key, place: at });
    if (t.role !== 'key' && t.text) for (const c of d.certNodes(t.text)) d.addEdge(c, 'holds', fid, { label: t.role === 'ca' ? 'CA file' : 'certificate file' });
  }
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
function issuesEdges(d: Draft): void {
  const list = [...d.certs.entries()];
  for (const [id, c] of list) {
    if (c.selfIssued) continue;
    let found = false;
    for (const [caId, ca] of list) {
      if (caId === id || !caId.startsWith('ca:')) continue;
      let issued = false;
      try { issued = d.env.tls.issuedBy(c.handle, ca.handle); } catch { issued = false; }
      if (issued) { d.addEdge(caId, 'issues', id); found = true; }
    }
    if (!found) {
      const missing = `ca:unknown:${c.issuer}`;
      d.addNode({ id: missing, kind: 'ca', label: commonName(c.issuer) ?? (c.issuer || 'unknown issuer'), missing: true, details: ['issuer not in these files'] });
      d.addEdge(missing, 'issues', id);
    }
  }
}

/** Each diagnostic goes to the items with the smallest place that overlaps it; else to the Secret document around it. */
function attachProblems(problems: readonly { path: string; problem: Problem }[], nodes: Map<string, NodeDraft>, edges: Map<string, EdgeDraft>): void {
  const items: Item[] = [...nodes.values(), ...edges.values()];
  for (const p of problems) {
    const [s, e] = p.problem.span;
    const overlaps = (pl: Place) => pl.path === p.path && (s === e ? pl.span[0] <= s && s <= pl.span[1] : s < pl.span[1] && pl.span[0] < e);
    const placed = (i: Item) => [i.place, ...(i.morePlaces ?? [])].find(pl => pl && pl.span[1] > pl.span[0] && overlaps(pl));
    const candidates = items.filter(i => i.attach && placed(i));
    let target = smallest(candidates, i => placed(i)!.span);
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

