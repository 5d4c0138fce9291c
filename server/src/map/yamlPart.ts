/**
 * The Kubernetes part of the TLS map (build.ts), from a YAML file's facts (yamlFacts.ts): Secrets with the
 * certificates and keys they hold, the operator resources that serve, trust or log in with them, cert-manager's
 * Issuers and Certificates, and the files a Secret's keys become in a container: an operator's projection `items`
 * (Percona `spec.secrets.customTLSSecret.items`) and the Secret volumes of workloads (with or without `items`), each
 * key → file a `projects` link. A file a configuration names at the same deployment path is the same node, so the
 * chain runs Secret → file → server.
 */
import { certNames, commonName, matchesHost } from '../x509';
import { secretId, type Draft } from './draft';
import type { ProjectedItem, SecretFact, SecretMount, SecretUse, ServerFact, YamlFacts } from './yamlFacts';

export function secretNode(d: Draft, s: SecretFact, path: string): string {
  const id = secretId(s.namespace, s.name);
  d.addNode({ id, kind: 'secret', label: `Secret ${s.name}`, details: s.namespace ? [`namespace ${s.namespace}`] : [], place: { path, span: s.nameSpan }, extent: { path, span: s.extent } });
  for (const e of s.entries) {
    const at = { path, span: e.span };
    for (const c of e.certPem ? d.certNodes(e.certPem) : []) d.addEdge(c, 'holds', id, { label: e.key, place: at });
    if (e.hasKey) {
      const key = `key:${id.slice('secret:'.length)}/${e.key}`;
      d.addNode({ id: key, kind: 'key', label: e.key, details: [`private key in Secret ${s.name}`], place: at });
      d.addEdge(key, 'key-of', id, { label: e.key, place: at });
    }
  }
  return id;
}

export function yamlPart(d: Draft, facts: YamlFacts, path: string): void {
  for (const srv of facts.servers) server(d, srv, path);
  for (const m of facts.mounts) mount(d, m, path);
  for (const i of facts.issuers) {
    const id = issuerId(i.kind, i.name, i.namespace);
    d.addNode({ id, kind: 'issuer', label: `${i.kind} ${i.name}`, details: [`type ${i.type}`], place: { path, span: i.nameSpan } });
    if (i.caSecret) d.addEdge(d.referencedSecret(i.caSecret.name, i.namespace), 'uses', id, { label: 'spec.ca.secretName', place: { path, span: i.caSecret.span } });
  }
  for (const r of facts.requests) {
    const id = `certificate-request:${r.namespace ?? '-'}/${r.name}`;
    d.addNode({ id, kind: 'certificate-request', label: `Certificate ${r.name}`, details: r.dnsNames.slice(0, 4).concat(r.dnsNames.length > 4 ? [`+${r.dnsNames.length - 4} more`] : []), place: { path, span: r.nameSpan } });
    if (r.issuer) {
      const iid = issuerId(r.issuer.kind, r.issuer.name, r.namespace);
      d.addNode({ id: iid, kind: 'issuer', label: `${r.issuer.kind} ${r.issuer.name}`, missing: true, details: ['not in these files'] });
      d.addEdge(iid, 'signs', id, { label: 'spec.issuerRef', place: { path, span: r.issuer.span } });
    }
    if (r.secret) d.addEdge(id, 'writes', d.referencedSecret(r.secret.name, r.namespace), { label: 'spec.secretName', place: { path, span: r.secret.span } });
  }
}

function server(d: Draft, srv: ServerFact, path: string): void {
  const id = `server:${srv.kind}/${srv.namespace ?? '-'}/${srv.name}`;
  d.addNode({ id, kind: 'server', label: `${srv.kind} ${srv.name}`, details: srv.namespace ? [`namespace ${srv.namespace}`] : [], place: { path, span: srv.nameSpan } });
  for (const u of srv.uses) {
    const sid = d.referencedSecret(u.secret, srv.namespace);
    const at = { path, span: u.span };
    // With `items`, the file the operator reads (tls.crt) is the key whose path it is.
    const leaf = d.leafOf(sid, keyFor(u, u.certKey));
    if (u.items) projection(d, sid, `${id.slice('server:'.length)}:`, u, path);
    if (u.role === 'serves') {
      const serves = d.addEdge(sid, 'serves', id, { label: u.field, place: at });
      for (const svc of u.services ?? []) {
        const vid = `service:${srv.namespace ?? '-'}/${svc}`;
        d.addNode({ id: vid, kind: 'service', label: `Service ${svc}`, details: srv.namespace ? [`namespace ${srv.namespace}`] : [] });
        d.addEdge(id, 'answers', vid, { label: svc, place: at, attach: false, via: serves.id, ...(leaf ? { covered: matchesHost(certNames(leaf), svc) } : {}) });
      }
    } else if (u.role === 'trusts') d.addEdge(sid, 'trusts', id, { label: u.field, place: at });
    else {
      const user = (leaf && commonName(leaf.subject)) || u.user || 'unknown user';
      const uid = `user:${user}`;
      d.addNode({ id: uid, kind: 'user', label: `user ${user}`, details: u.user && u.user !== user ? [`the operator logs in as ${u.user}`] : [] });
      d.addEdge(sid, 'authenticates', uid, { label: u.field, place: at });
      d.addEdge(uid, 'uses', id, { label: 'logs in to' });
    }
  }
  if (srv.issuer) {
    const iid = issuerId(srv.issuer.kind, srv.issuer.name, srv.namespace);
    d.addNode({ id: iid, kind: 'issuer', label: `${srv.issuer.kind} ${srv.issuer.name}`, missing: true, details: ['not in these files'] });
    if (srv.issuer.secret) d.addEdge(iid, 'signs', d.referencedSecret(srv.issuer.secret, srv.namespace), { label: 'spec.tls.issuerRef', place: { path, span: srv.issuer.span } });
  }
}

/** The Secret key an operator's file name comes from: the `items` entry with that path, else the key of that name. */
function keyFor(u: SecretUse, file: string): string {
  if (!u.items) return file;
  return u.items.find(i => i.path.replace(/^\/+/, '') === file)?.key ?? `(no item for ${file})`;
}

/** An operator's `items`: each Secret key → the file it becomes for the resource (under its mount, when known). */
function projection(d: Draft, sid: string, owner: string, u: SecretUse, path: string): void {
  for (const i of u.items ?? []) {
    const file = i.path.replace(/^\/+/, '');
    const where = u.mountPath ? `${u.mountPath}/${file}` : `${u.field}.items`;
    projectedFile(d, sid, `${owner}${u.mountPath ?? ''}/${file}`, i, path, [where, `from key ${i.key}`]);
  }
}

/** A workload's Secret volume: each key (the `items`, else every key the Secret holds here) → the file under the mount. */
function mount(d: Draft, m: SecretMount, path: string): void {
  const sid = d.referencedSecret(m.secret, m.namespace);
  const dir = m.mountPath.replace(/\/+$/, '');
  const items: ProjectedItem[] = m.items ?? [...new Set([...d.edges.values()].filter(e => e.to === sid && (e.kind === 'holds' || e.kind === 'key-of')).map(e => e.label!))]
    .sort().map(key => ({ key, path: key, span: m.span }));
  for (const i of items) {
    const full = `${dir}/${i.path.replace(/^\/+/, '')}`;
    projectedFile(d, sid, d.show(full), i, path, [full, `in ${m.owner}`, `from key ${i.key}`]);
  }
}

/** The file node of a projected key (a key file when the key holds a private key) and its `projects` link. */
function projectedFile(d: Draft, sid: string, tail: string, i: ProjectedItem, path: string, details: string[]): void {
  const isKey = d.nodes.has(`key:${sid.slice('secret:'.length)}/${i.key}`);
  const fid = `${isKey ? 'key' : 'file'}:${tail}`;
  const label = i.path.slice(i.path.lastIndexOf('/') + 1) || i.path;
  // The item's place is the link's: a diagnostic on it (a key the Secret does not have) belongs to the link.
  d.addNode({ id: fid, kind: isKey ? 'key' : 'file', label, details, place: { path, span: i.span }, attach: false });
  d.addEdge(sid, 'projects', fid, { label: `${i.key} → ${i.path}`, place: { path, span: i.span } });
}

const issuerId = (kind: string, name: string, namespace: string | undefined) =>
  `issuer:${kind}/${kind === 'ClusterIssuer' ? '-' : namespace ?? '-'}/${name}`;
