/**
 * YAML text to plain data for the deployment readers (compose files, Kubernetes manifests), bounded and never
 * throwing: alias expansion is capped (a billion-laughs document yields nothing), documents with errors and Helm
 * templates are left out (their data is not what the cluster or Docker sees), and a text too large is not read.
 */
import { parseAllDocuments } from 'yaml';

/** Texts longer than this are not read (a compose file or a manifest is far smaller). */
export const MAX_DEPLOY_TEXT = 1024 * 1024;
const MAX_DOCUMENTS = 200;

/** The documents of a YAML text as plain data; `[]` for a template, a broken or a too large text. */
export function yamlDocuments(text: string): unknown[] {
  if (text.length > MAX_DEPLOY_TEXT || text.includes('{{')) return [];
  try {
    const docs = parseAllDocuments(text, { strict: false, uniqueKeys: false, prettyErrors: false });
    if (!Array.isArray(docs)) return [];
    const out: unknown[] = [];
    for (const d of docs.slice(0, MAX_DOCUMENTS)) {
      if (d.errors.length) continue;
      try {
        out.push(d.toJS({ maxAliasCount: 50 }));
      } catch {
        // too many aliases: not a file pgtls reads
      }
    }
    return out;
  } catch {
    return [];
  }
}

/** `v` as a plain object, or `undefined`. */
export function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** `v` as an array (`[]` when it is not one). */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `v` as a non-empty string, or `undefined`. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
