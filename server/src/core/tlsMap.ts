/**
 * The TLS map's vocabulary (types only): the chain of trust as a folder's files configure it, as a graph. CAs issue
 * certificates, Secrets and files hold them, servers use them, and the names and users they answer to. Built by
 * `server/src/map/` from the facts and findings of the checks, drawn by its renderers (JSON, DOT, SVG), sent to the
 * editor by the `pgtls/tlsMap` request (protocol.ts). JSON output of `pgtls map`: it only ever gains fields.
 */
import type { Severity, Span } from './types';

/** A place in a file, for click-through: the span and its 0-based line/character range. */
export interface MapPlace {
  /** The file as the caller shows it (absolute in the editor, relative to the current folder in the CLI). */
  file: string;
  span: Span;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/**
 * What a broken link is, read from the rule of the diagnostic that marks it: a name the certificate does not answer
 * to (or a CN that is not the user), a certificate another CA issued, an expired (or not yet valid) one, a key that is
 * not the certificate's, a file or Secret that is not there; anything else the check says is `other`.
 */
export type BrokenKind = 'name-not-covered' | 'other-ca' | 'expired' | 'key-mismatch' | 'file-missing' | 'other';

/** A diagnostic pgtls reports (the same rule id, message and place as `pgtls check`), attached to what it breaks. */
export interface MapDiagnostic {
  rule: string;
  severity: Severity;
  message: string;
  kind: BrokenKind;
  place: MapPlace;
}

export type MapNodeKind =
  | 'ca' | 'certificate' | 'issuer' | 'certificate-request' | 'secret' | 'file' | 'key' | 'server' | 'service' | 'user';

/** A certificate's facts, as the map shows them. */
export interface MapCertificate {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  /** "expires in 364 days", "expired 3 days ago" (tlsFiles/expiry.ts's words, at the environment's clock). */
  expiry: string;
  fingerprint256: string;
}

export interface MapNode {
  /** Stable and unique: `<kind>:<identity>` (a fingerprint, `Secret ns/name`, a path). */
  id: string;
  kind: MapNodeKind;
  label: string;
  /** Extra lines for the drawing (SANs, expiry, role). */
  details: string[];
  place?: MapPlace;
  certificate?: MapCertificate;
  /** Named by a configuration but not found (a Secret not in the folder, a file not there, an issuer not found). */
  missing?: boolean;
  /** A diagnostic of severity error or warning is attached. */
  broken: boolean;
  diagnostics: MapDiagnostic[];
}

export type MapEdgeKind =
  | 'issues' | 'holds' | 'serves' | 'trusts' | 'key-of' | 'answers' | 'authenticates' | 'signs' | 'writes' | 'uses'
  /** A server's CA file → the users of its certificate logins (pg_hba.conf, pool_hba.conf). */
  | 'verifies'
  /** A Secret → the file one of its keys becomes in a container (`items`: key → path, or the key's own name). */
  | 'projects';

export interface MapEdge {
  /** `<from>|<kind>|<to>`. */
  id: string;
  from: string;
  to: string;
  kind: MapEdgeKind;
  /** The setting or field that makes the link (`ssl_cert`, `spec.secrets.customTLSSecret`, `data.tls.crt`). */
  label?: string;
  place?: MapPlace;
  broken: boolean;
  diagnostics: MapDiagnostic[];
}

export interface TlsMap {
  /** The format of this object; a new field does not change it. */
  version: 1;
  /** The files the map was built from, as shown in places. */
  files: string[];
  nodes: MapNode[];
  edges: MapEdge[];
}
