/**
 * Documents that are not ours (detect.ts) but that a cluster of the workspace gives a meaning to: clients that dial a
 * cluster's Service (clients.ts) and the custom configuration ConfigMap of PGO 4.x (pgo4.ts). They never get a schema
 * or syntax finding, and are looked at only when their file's text mentions what the checks read (a text scan before
 * anything else); each check stays silent unless the workspace defines the cluster concerned.
 */
import type { Resource } from '../model';
import { checkClient, isClientCandidate } from './clients';
import { checkPgo4CustomConfig } from './pgo4';
import type { LiveContext } from './types';

/** True when a file's text may hold a document one of the checks below reads. */
export function mayConcernForeign(text: string): boolean {
  return text.includes('sslmode') || text.includes('PGSSLMODE') || text.includes('pg_hba');
}

/** True when a document's header is one the checks below read. */
export function isForeignCandidate(apiVersion: string | undefined, kind: string | undefined): boolean {
  return isClientCandidate(apiVersion, kind);
}

/** Runs the checks of a foreign document (spans document-relative, as for the rule modules). */
export function checkForeign(r: Resource, ctx: LiveContext, text: string): void {
  if (text.includes('sslmode') || text.includes('PGSSLMODE')) checkClient(r, ctx);
  if (r.header.apiVersion === 'v1' && r.header.kind === 'ConfigMap' && text.includes('pg_hba')) checkPgo4CustomConfig(r, ctx);
}
