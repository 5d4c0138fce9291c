/**
 * A server's TLS files, checked once for every product that has them (Pgpool-II's pgpool.conf, PgBouncer's
 * pgbouncer.ini, PostgreSQL's postgresql.conf): the languages describe their settings and product (profile.ts) and get
 * the same file checks (files.ts) and the same certificate policy (certs.ts, through x509/) with their own rule ids and
 * words. The languages' only entry to this room.
 */
export type { Direction, Failure, FileRole, ServerTlsProfile, TlsFileRules, TlsFileSetting, TlsFilesContext } from './profile';
export { tlsFilesContext } from './profile';
export { type FileFacts, checkServerTlsFiles, familyOf } from './files';
export { CLIENT_CERT_NAMES, type RefusedClientCert, clientCertsRefusedByCurve } from './clientCurves';
export { type EddsaSignedCert, eddsaSignedServerCert } from './channelBinding';
export { certificateMarkdown, keyText, validityText } from './describe';
export { caKeyPathOf, tlsFileAt, tlsPathAt, tlsPathHover } from './paths';
