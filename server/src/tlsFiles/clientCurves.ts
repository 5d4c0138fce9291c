/**
 * The client certificates pgtls can see for a server that asks for them, and whether the server's single
 * `ssl_ecdh_curve` refuses them over TLS 1.2 (certs/compat.ts). Seen means: the files pgtls's generator writes
 * (`client.crt`, `postgresql.crt`, `replication.crt`) in the folder of the server's CA file, issued by a certificate
 * of that CA file. Nothing else is guessed at; a file that cannot be read or parsed is skipped.
 */
import { tls12ClientCurveRefused } from '../certs/compat';
import { pathLocator } from '../deploy';
import type { ValidateContext } from '../core/language';

/** The names `pgtls cert set` / `cert client` (--libpq) / `cert replication` give client certificates. */
export const CLIENT_CERT_NAMES = ['client.crt', 'postgresql.crt', 'replication.crt'] as const;

export interface RefusedClientCert {
  /** The file's path as found. */
  path: string;
  subject: string;
  /** OpenSSL's short name of its key's curve. */
  curve: string;
}

/**
 * The client certificates beside the CA file `caValue` (as written in the configuration, relative to `baseDir`) whose
 * EC curve is not `serverCurve`: each is refused over TLS 1.2.
 */
export function clientCertsRefusedByCurve(
  ctx: ValidateContext, configPath: string, baseDir: string | undefined, caValue: string, serverCurve: string,
): RefusedClientCert[] {
  if (caValue === '' || (baseDir === undefined && !caValue.startsWith('/'))) return [];
  const loc = pathLocator(ctx, configPath).locate(caValue, baseDir);
  if (loc.status !== 'seen' || !loc.stat?.isFile) return [];
  const caText = loc.read();
  if (caText === undefined) return [];
  const tls = ctx.env.tls;
  const cas = tls.readCertificates(caText).certificates;
  if (!cas.length) return [];
  const dir = loc.path.slice(0, loc.path.lastIndexOf('/') + 1);
  const out: RefusedClientCert[] = [];
  for (const name of CLIENT_CERT_NAMES) {
    const path = `${dir}${name}`;
    if (!ctx.env.stat(path)?.isFile) continue;
    const text = ctx.env.readText(path);
    const leaf = text === undefined ? undefined : tls.readCertificates(text).certificates[0];
    if (!leaf || leaf.publicKey.type !== 'ec' || !leaf.publicKey.curve) continue;
    if (!cas.some(ca => tls.issuedBy(leaf.handle, ca.handle))) continue;
    if (tls12ClientCurveRefused(leaf.publicKey.curve, serverCurve)) out.push({ path, subject: leaf.subject, curve: leaf.publicKey.curve });
  }
  return out;
}
