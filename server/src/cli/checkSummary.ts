/**
 * What `pgtls check` did not check, and why: the folders its walk skips by name, hidden folders, links to folders,
 * files that are not regular files, broken links, the choices of `--include`/`--exclude`, unreadable folders, files
 * it does not recognise by name; and the files it checked through a link that points outside the folder. Printed
 * after the summary line (text) or as the `summary` object (JSON, which only ever gains fields).
 */
import type { SkipReason, SkippedEntry } from '../node/listFiles';

/** What a `check` run left out, and the files it reached through links that point outside the folder walked. */
export interface CheckReport {
  skipped: SkippedEntry[];
  linkedOutside: { path: string; target: string }[];
}

export const emptyReport = (): CheckReport => ({ skipped: [], linkedOutside: [] });

/** The JSON `summary` object: how many files were checked, and the report. */
export function jsonSummary(checked: number, report: CheckReport): { checked: number } & CheckReport {
  return { checked, skipped: report.skipped, linkedOutside: report.linkedOutside };
}

/** Each reason's noun (singular, plural) and what the user can do about it (`name`: the first entry's name). */
const REASONS: Record<SkipReason, { one: string; many: string; hint?: (name: string) => string }> = {
  'skipped-folder': {
    one: 'folder pgtls does not walk', many: 'folders pgtls does not walk',
    hint: name => `dependencies, VCS data, build output, caches; --include '${name}/**' walks one`,
  },
  'hidden-folder': { one: 'hidden folder', many: 'hidden folders', hint: name => `--include '${name}/**' walks one` },
  'folder-link': { one: 'link to a folder', many: 'links to folders', hint: () => 'links to folders are not followed; name the folder itself' },
  'not-regular': { one: 'file that is not a regular file', many: 'files that are not regular files', hint: () => 'pgtls never opens them' },
  'broken-link': { one: 'broken link', many: 'broken links' },
  excluded: { one: 'path excluded by --exclude', many: 'paths excluded by --exclude' },
  'not-included': { one: 'file not matching --include', many: 'files not matching --include' },
  'unreadable-folder': { one: 'folder pgtls cannot read', many: 'folders pgtls cannot read' },
  'too-deep': { one: 'folder deeper than pgtls walks', many: 'folders deeper than pgtls walks' },
  unrecognised: { one: 'file pgtls does not recognise by name', many: 'files pgtls does not recognise by name', hint: () => 'see "pgtls --help"' },
};

const SHOWN = 5;
const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;

/** The text lines after the summary line: one per reason ("Skipped 2 folders pgtls does not walk (…): dist, out."). */
export function textSummary(report: CheckReport): string[] {
  const lines: string[] = [];
  const byReason = new Map<SkipReason, SkippedEntry[]>();
  for (const s of report.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s]);
  for (const reason of Object.keys(REASONS) as SkipReason[]) {
    const entries = byReason.get(reason);
    if (!entries) continue;
    const r = REASONS[reason];
    const names = entries.slice(0, SHOWN).map(e => (e.detail ? `${e.path} (${e.detail})` : e.path));
    const more = entries.length > SHOWN ? ` and ${entries.length - SHOWN} more` : '';
    // The example names a folder one would want walked: `dist` rather than `.git`.
    const example = entries.find(e => !baseName(e.path).startsWith('.')) ?? entries[0]!;
    const hint = r.hint ? ` (${r.hint(baseName(example.path))})` : '';
    lines.push(`Skipped ${entries.length} ${entries.length === 1 ? r.one : r.many}${hint}: ${names.join(', ')}${more}.`);
  }
  const n = report.linkedOutside.length;
  if (n) {
    const shown = report.linkedOutside.slice(0, SHOWN).map(l => `${l.path} -> ${l.target}`);
    lines.push(`Checked ${n} file${n === 1 ? '' : 's'} through a link to outside the folder: ${shown.join(', ')}${n > SHOWN ? ` and ${n - SHOWN} more` : ''}.`);
  }
  return lines;
}

/** The warning when nothing was checked: what the paths held instead. */
export function nothingChecked(paths: readonly string[], report: CheckReport): string {
  const why = report.skipped.length
    ? `; ${report.skipped.length} entr${report.skipped.length === 1 ? 'y was' : 'ies were'} skipped (see the summary)`
    : '';
  return `no files checked in ${paths.join(', ')}${why}. pgtls checks the files it recognises by name (see "pgtls --help")`;
}
