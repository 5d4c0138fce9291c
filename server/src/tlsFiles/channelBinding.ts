/**
 * The server certificate pgtls can see and whether it is signed with EdDSA (Ed25519, Ed448): libpq's SCRAM logins with
 * channel binding then fail (certs/compat.ts, channelBindingProblem). Seen means: the certificate file a server's
 * setting names, located as the file checks locate it (deploy/ pathLocator) and readable; the first certificate of the
 * file is the one the server presents. Nothing else is guessed at; a file that cannot be read or parsed gives nothing.
 */
import { isEddsaSignature } from '../certs/compat';
import { pathLocator } from '../deploy';
import type { ValidateContext } from '../core/language';

export interface EddsaSignedCert {
  /** The file's path as found. */
  path: string;
  subject: string;
  issuer: string;
  /** The signature algorithm, OpenSSL's name (`ED25519`). */
  signature: string;
}

/** The server certificate `certValue` (as written in the configuration, relative to `baseDir`) when EdDSA signed it. */
export function eddsaSignedServerCert(
  ctx: ValidateContext, configPath: string, baseDir: string | undefined, certValue: string,
): EddsaSignedCert | undefined {
  if (certValue === '' || (baseDir === undefined && !certValue.startsWith('/'))) return undefined;
  const loc = pathLocator(ctx, configPath).locate(certValue, baseDir);
  if (loc.status !== 'seen' || !loc.stat?.isFile) return undefined;
  const text = loc.read();
  const leaf = text === undefined ? undefined : ctx.env.tls.readCertificates(text).certificates[0];
  if (!leaf || !isEddsaSignature(leaf.signatureAlgorithm)) return undefined;
  return { path: loc.path, subject: leaf.subject, issuer: leaf.issuer, signature: leaf.signatureAlgorithm };
}
