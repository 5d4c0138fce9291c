/**
 * What a pg_hba.conf or pool_hba.conf says about client certificates, for the TLS map: the lines that log users in
 * with a certificate (`cert`, and PostgreSQL's `clientcert=verify-ca|verify-full` on any method), who they are for,
 * and how a certificate's name becomes the user (the CN compared with the user name, exactly in PostgreSQL and
 * case-insensitively in Pgpool-II, reference/pgpool.md §3.5; or through a pg_ident.conf `map=`). No judgement: a
 * line that cannot work (no CA on the server) is broken on the map only because the hba checks report it
 * (hba/check/postgresqlConf.ts, crossFile.ts).
 */
import { LineIndex } from '../core/text';
import type { Certificate } from '../core/tlsBackend';
import type { LanguageId, Span } from '../core/types';
import type { HbaFile, HbaRecord } from '../languages/hba';
import type { PgIdentFile } from '../languages/pgIdent';
import { commonName } from '../x509';
import { baseName, certId, dirName, isCa, type Draft } from './draft';

/** The server whose hba file it is: the configuration beside it (as the hba checks find it), and its CA setting. */
export const HBA_SERVER: Partial<Record<LanguageId, { conf: string; product: string; ca: string }>> = {
  'pg-hba': { conf: 'postgresql.conf', product: 'PostgreSQL', ca: 'ssl_ca_file' },
  'pool-hba': { conf: 'pgpool.conf', product: 'Pgpool-II', ca: 'ssl_ca_cert' },
};
/** Client certificate files looked at below an hba file with certificate logins (bounded). */
const CLIENT_CERT_FILES = { extensions: ['.crt', '.pem', '.cer'], maxDepth: 2, maxFiles: 200 };
/** The certificate lines of one file drawn, and the lines listed on one user: a generated file stays a picture. */
const MAX_LOGINS = 500;
const MAX_USER_LINES = 8;

/** One user (or group of users) a certificate line is for. */
export interface CertUser {
  /** The map node: `user:<name>`, `user:(all)` for the keyword, `user:+group`, `user:/regex`, `user:@file`. */
  id: string;
  label: string;
  /** A literal role name (not a keyword, group, pattern or file). */
  name?: string;
  /** The `all` keyword. */
  all?: boolean;
  span: Span;
}

/** A record that logs users in with a client certificate. */
export interface CertLogin {
  /** The record's logical line (the map's place for its link), and the line as written, blanks squeezed. */
  lineSpan: Span;
  text: string;
  users: CertUser[];
  /** The certificate's CN must be the user (`cert`, `clientcert=verify-full`; not with `clientname=DN`). */
  matchCn: boolean;
  /** `map=`: the pg_ident.conf map that turns the certificate's name into the user. */
  map?: string;
  /** What the line asks of the certificate, for the link's label: `cert`, `scram-sha-256 clientcert=verify-ca`. */
  how: string;
}

/** The certificate logins of an hba file, in order. */
export function certLogins(file: HbaFile): CertLogin[] {
  const out: CertLogin[] = [];
  for (const r of file.records) {
    const clientcert = file.dialect === 'postgres' ? r.options.find(o => o.name === 'clientcert')?.value : undefined;
    const cert = r.method === 'cert';
    if (!cert && clientcert !== 'verify-ca' && clientcert !== 'verify-full') continue;
    const dn = file.dialect === 'postgres' && r.options.find(o => o.name === 'clientname')?.value === 'DN';
    const map = file.dialect === 'postgres' ? r.options.find(o => o.name === 'map')?.value : undefined;
    out.push({
      lineSpan: r.line.span,
      text: file.text.slice(r.line.span[0], r.line.span[1]).replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim(),
      users: r.users.map(userOf),
      matchCn: (cert || clientcert === 'verify-full') && !dn,
      ...(map ? { map } : {}),
      how: cert ? 'cert' : `${r.method} clientcert=${clientcert!}`,
    });
  }
  return out;
}

function userOf(t: HbaRecord['users'][number]): CertUser {
  const span = t.span;
  if (!t.quoted && t.value === 'all') return { id: 'user:(all)', label: 'all users', all: true, span };
  if (t.include !== undefined) return { id: `user:@${t.include}`, label: `users listed in ${t.include}`, span };
  if (!t.quoted && t.value.startsWith('+')) return { id: `user:${t.value}`, label: `members of ${t.value.slice(1)}`, span };
  if (!t.quoted && t.value.startsWith('/')) return { id: `user:${t.value}`, label: `users matching ${t.value}`, span };
  return { id: `user:${t.value}`, label: `user ${t.value}`, name: t.value, span };
}

/** The clientAuth extended key usage (RFC 5280). */
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** What the map knows of a certificate to match it with a login. */
export interface CertIdentity {
  cn: string | undefined;
  extendedKeyUsage: readonly string[] | undefined;
}

/**
 * How a certificate logs in as `user` on a line: the words of the link (`CN alice`, `CN bob, map m → alice`), or
 * `undefined`. The name is compared as the server compares it; for `all`, a certificate made for clients (clientAuth)
 * logs in as its CN; a map entry counts when its system name is literal (a regular expression is never run here).
 */
export function loginAs(c: CertIdentity, login: CertLogin, user: CertUser, postgres: boolean, ident: PgIdentFile | undefined): string | undefined {
  if (!c.cn || !login.matchCn) return undefined;
  if (login.map) {
    for (const e of ident?.entries ?? []) {
      if (e.map.value !== login.map || e.system.value.startsWith('/') || e.system.value !== c.cn) continue;
      if (user.all || (user.name !== undefined && e.userForm === 'name' && e.user.value === user.name)) return `CN ${c.cn}, map ${login.map} → ${e.user.value}`;
    }
    return undefined;
  }
  if (user.all) return c.extendedKeyUsage?.includes(CLIENT_AUTH) ? `CN ${c.cn}` : undefined;
  if (user.name === undefined) return undefined;
  const same = postgres ? c.cn === user.name : c.cn.toLowerCase() === user.name.toLowerCase();
  return same ? `CN ${c.cn}` : undefined;
}

/**
 * An hba file's certificate logins on the map: each user → the server whose hba it is (`uses`, placed on the line, so
 * the line's diagnostics, e.g. a server without a CA, attach there), the server's CA files → the user (`verifies`),
 * and the certificates whose name logs in as that user (`authenticates`): those on the map already (Secrets, files
 * the configurations name) and the certificate files below the hba file's folder.
 */
export function hbaPart(d: Draft, h: { file: HbaFile; languageId: LanguageId; path: string }, ident: PgIdentFile | undefined): void {
  const logins = certLogins(h.file).slice(0, MAX_LOGINS);
  if (!logins.length) return;
  const index = new LineIndex(h.file.text);
  const srv = HBA_SERVER[h.languageId]!;
  const id = `server:${d.show(`${dirName(h.path)}/${srv.conf}`)}`;
  d.addNode({ id, kind: 'server', label: `${srv.product} (${baseName(h.path)})`, details: [d.show(h.path)], place: { path: h.path, span: [0, 0] } });
  const cas = [...d.edges.values()].filter(e => e.kind === 'trusts' && e.to === id).map(e => e.from);
  for (const l of logins) {
    const at = { path: h.path, span: l.lineSpan };
    for (const u of l.users) {
      const user = d.addNode({ id: u.id, kind: 'user', label: u.label, place: { path: h.path, span: u.span } });
      const detail = `${baseName(h.path)}: ${l.text}`.slice(0, 80);
      if (user.details.length < MAX_USER_LINES && !user.details.includes(detail)) user.details.push(detail);
      const uses = d.edges.get(`${u.id}|uses|${id}`);
      if (uses) (uses.morePlaces ??= []).push(at);
      else d.addEdge(u.id, 'uses', id, { label: `${baseName(h.path)} line ${index.positionAt(l.lineSpan[0]).line + 1}: ${l.how}`, place: at });
      for (const ca of cas) d.addEdge(ca, 'verifies', u.id, { label: srv.ca, place: at, attach: false });
    }
  }
  // A certificate a server serves is not taken for a client's under `all` (its clientAuth usage notwithstanding).
  const serving = new Set([...d.edges.values()].filter(e => e.kind === 'serves').map(e => e.from));
  const served = new Set([...d.edges.values()].filter(e => e.kind === 'holds' && serving.has(e.to)).map(e => e.from));
  const postgres = h.languageId === 'pg-hba';
  const match = (cid: string, c: Certificate): boolean => {
    if (isCa(c)) return false;
    let any = false;
    for (const l of logins) {
      for (const u of l.users) {
        if (u.all && served.has(cid)) continue;
        const how = loginAs({ cn: commonName(c.subject), extendedKeyUsage: c.extendedKeyUsage }, l, u, postgres, ident);
        if (how) { d.addEdge(cid, 'authenticates', u.id, { label: how }); any = true; }
      }
    }
    return any;
  };
  for (const [cid, c] of [...d.certs]) match(cid, c);
  for (const p of d.env.listFiles?.(dirName(h.path), CLIENT_CERT_FILES) ?? []) {
    const fid = `file:${d.show(p)}`;
    if (d.nodes.has(fid)) continue;
    const text = d.env.readText(p);
    const leaf = text ? d.read(text)[0] : undefined;
    if (!leaf || d.certs.has(certId(leaf)) || !match(certId(leaf), leaf)) continue;
    d.addNode({ id: fid, kind: 'file', label: baseName(p), details: [d.show(p), 'client certificate'], place: { path: p, span: [0, 0] }, attach: false });
    for (const c of d.certNodes(text!)) d.addEdge(c, 'holds', fid, { label: 'client certificate file' });
  }
}
