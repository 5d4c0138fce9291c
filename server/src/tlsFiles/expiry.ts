/**
 * The certificate expiry lens: "expires in N days" (or "expired N days ago", "not yet valid") above each certificate
 * of a Kubernetes Secret's `data`/`stringData` keys and of the certificate and CA files a server's settings name, and
 * a "Renew" action where pgtls can renew the set (the folder holds ca.crt and ca.key: `pgtls.renewCertificates` with
 * `{ dir }`). Pure: the files come as located by files.ts (`ValidateContext.onTlsFile`), certificates are read by the
 * environment's TLS backend, the clock is the environment's. A path pgtls cannot see gets no lens, never an error.
 */
import { dirName, isAbsolutePath, joinPath } from '../core/deployPaths';
import type { SeenTlsFile } from '../core/language';
import { CERTIFICATE_LABELS } from '../core/pem';
import type { Certificate } from '../core/tlsBackend';
import type { ServiceEnv, Span } from '../core/types';
import { scanContainers } from '../certs/containers';
import { validityAt } from '../x509';
import { RENEW_COMMAND } from '../core/types';

/** One code lens: where, what it says, and the editor command it runs (none: a label only). */
export interface CertLens {
  span: Span;
  title: string;
  command?: { id: string; arguments: unknown[] };
}

/** The client command of the "Renew" lens (defined with the other client commands in core/types.ts). */
export { RENEW_COMMAND };
/** At most this many lenses for one value or file (a CA bundle of hundreds of roots gets a summary). */
const MAX_PER_PLACE = 5;
const DAY_MS = 86_400_000;

/** The lens text of one certificate at `now`. */
export function expiryTitle(c: { notBefore: Date; notAfter: Date }, now: Date): string | undefined {
  const v = validityAt(c, now);
  if (!v) return undefined;
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  if (v.state === 'not-yet-valid') return `not yet valid (from ${c.notBefore.toISOString().slice(0, 10)})`;
  if (v.state === 'expired') {
    const ago = Math.floor((now.getTime() - c.notAfter.getTime()) / DAY_MS);
    return ago === 0 ? 'expired today' : `expired ${days(ago)} ago`;
  }
  return v.daysLeft === 0 ? 'expires today' : `expires in ${days(v.daysLeft)}`;
}

/** The lenses of the certificate and CA files a configuration's settings name (as `onTlsFile` reported them). */
export function fileLenses(files: readonly SeenTlsFile[], env: Pick<ServiceEnv, 'tls' | 'now' | 'stat'>): CertLens[] {
  const out: CertLens[] = [];
  const renewable = new Set<string>();
  for (const f of files) {
    if ((f.role !== 'cert' && f.role !== 'ca') || f.text === undefined) continue;
    const certs = readCerts(f.text, env);
    out.push(...placeLenses(f.span, certs, env.now()));
    const dir = dirName(f.path);
    if (certs.length && !renewable.has(dir) && canRenew(dir, env)) {
      renewable.add(dir);
      out.push({ span: f.span, title: 'Renew', command: { id: RENEW_COMMAND, arguments: [{ dir }] } });
    }
  }
  return out;
}

/**
 * The lenses of a YAML file's Secrets: one per certificate of each `data`/`stringData` value, and "Renew" on the first
 * certificate of a Secret when the manifest's folder (`docPath`'s) holds the set's ca.crt and ca.key.
 */
export function secretLenses(text: string, docPath: string, env: Pick<ServiceEnv, 'tls' | 'now' | 'stat'>): CertLens[] {
  if (!/\bSecret\b/.test(text)) return [];
  const scan = scanContainers(text);
  if (!scan) return [];
  const out: CertLens[] = [];
  const dir = dirName(docPath);
  const renew = isAbsolutePath(docPath) && canRenew(dir, env);
  const renewed = new Set<string>();
  for (const e of scan.entries) {
    if (e.document.kind !== 'Secret' || !/^(items\[\d+\]\.)?(data|stringData)\./.test(e.path)) continue;
    const pem = e.der ? derToPem(e.der) : e.blocks.filter(b => CERTIFICATE_LABELS.has(b.label)).map(b => b.text).join('');
    if (!pem) continue;
    const certs = readCerts(pem, env);
    out.push(...placeLenses(e.keySpan, certs, env.now()));
    const resource = `${e.document.number}/${e.document.namespace ?? ''}/${e.document.name ?? ''}`;
    if (renew && certs.length && !renewed.has(resource)) {
      renewed.add(resource);
      out.push({ span: e.keySpan, title: 'Renew', command: { id: RENEW_COMMAND, arguments: [{ dir }] } });
    }
  }
  return out;
}

function placeLenses(span: Span, certs: readonly Certificate[], now: Date): CertLens[] {
  const out: CertLens[] = [];
  const several = certs.length > 1;
  for (const c of certs.slice(0, MAX_PER_PLACE)) {
    const title = expiryTitle(c, now);
    if (title) out.push({ span, title: several ? `${nameOf(c)}: ${title}` : title });
  }
  if (certs.length > MAX_PER_PLACE) {
    const soonest = [...certs].sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime())[0]!;
    out.push({ span, title: `${certs.length - MAX_PER_PLACE} more certificates; the first to end: ${nameOf(soonest)}, ${expiryTitle(soonest, now) ?? ''}` });
  }
  return out;
}

function readCerts(pem: string, env: Pick<ServiceEnv, 'tls'>): Certificate[] {
  try {
    return env.tls.readCertificates(pem).certificates;
  } catch {
    return [];
  }
}

/** `CN=db.example.com` → `db.example.com`; the whole subject when it has no CN. */
function nameOf(c: Certificate): string {
  return /(?:^|,\s*)CN=((?:[^,\\]|\\.)*)/.exec(c.subject)?.[1] ?? (c.subject || 'certificate');
}

function canRenew(dir: string, env: Pick<ServiceEnv, 'stat'>): boolean {
  return !!env.stat(joinPath(dir, 'ca.crt'))?.isFile && !!env.stat(joinPath(dir, 'ca.key'))?.isFile;
}

function derToPem(der: Uint8Array): string {
  let bin = '';
  for (const b of der) bin += String.fromCharCode(b);
  const b64 = btoa(bin).replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}
