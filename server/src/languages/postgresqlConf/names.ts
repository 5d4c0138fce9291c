/**
 * What one PostgreSQL version does with a name in postgresql.conf (the one place that decides it): a parameter it
 * knows (ignoring case, old names mapped), a custom `prefix.name` placeholder (always accepted: an extension may
 * define it later), or a name it does not know (the server then refuses to start) — with why: a parameter of
 * another version, renamed, or misspelt, and the did-you-mean (the spellings of that version that are closest, with
 * transpositions counted as one edit, in the manner of pgpoolConf/names.ts).
 */
import { editDistance } from '../../core/text';
import type { Catalogue, Param } from './catalogue';

export type NameStatus =
  | { kind: 'known'; param: Param }
  | { kind: 'custom' }
  | { kind: 'unknown'; other?: Param; renamed?: { to: string; in: number }; suggestions: string[] };

export function nameStatus(cat: Catalogue, name: string, version: number): NameStatus {
  if (name.includes('.')) return { kind: 'custom' };
  const p = cat.param(name, version);
  if (p && p.versions.includes(version)) return { kind: 'known', param: p };
  const renamed = cat.renamed(name);
  const status: NameStatus = { kind: 'unknown', suggestions: suggest(cat, name, version) };
  if (p) status.other = p;
  if (renamed && renamed.in <= version) status.renamed = renamed;
  return status;
}

/** Up to three names of `version` closest to `name` (case ignored; a swap of two letters is one edit). */
export function suggest(cat: Catalogue, name: string, version: number): string[] {
  const w = name.toLowerCase();
  const max = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
  const scored: [string, number][] = [];
  for (const n of cat.names) {
    const p = cat.param(n, version);
    if (!p || !p.versions.includes(version) || p.context === 'internal') continue;
    const d = editDistance(w, n.toLowerCase(), max, true);
    if (d <= max) scored.push([n, d]);
    else if (w.length >= 6 && n.toLowerCase().includes(w)) scored.push([n, max + 0.5]);
  }
  scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  return scored.slice(0, 3).map(s => s[0]);
}
