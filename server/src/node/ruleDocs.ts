/**
 * The links of diagnostics' rule ids (`codeDescription.href`). With a public repository (protocol.ts REPOSITORY_URL)
 * they point into its README; without one, into the rule reference shipped with pgtls, docs/rules.md beside
 * `schemas/` (scripts/gen-docs.ts writes it): a file: URL with the line of the rule's heading as `#L<line>`, which
 * VS Code opens at that line. A rule the file does not have (or no file at all) gets no link rather than a broken one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleAnchor, ruleDocsUrl } from '../protocol';

/** The line (1-based) of each rule anchor in `text`. */
export function ruleLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const m = /^#+ <a id="(rule-[a-z0-9-]+)"><\/a>/.exec(all[i]!);
    if (m) lines.set(m[1]!, i + 1);
  }
  return lines;
}

/** The link function for the rule reference at `file` (read once, on the first link asked for). */
export function ruleDocs(file: string): (ruleId: string) => string | undefined {
  let lines: Map<string, number> | undefined;
  let href = '';
  return ruleId => {
    const web = ruleDocsUrl(ruleId);
    if (web !== undefined) return web;
    if (!lines) {
      let text = '';
      try {
        text = fs.readFileSync(file, 'utf8');
        href = pathToFileURL(file).href;
      } catch { /* not shipped: no links */ }
      lines = ruleLines(text);
    }
    const line = lines.get(ruleAnchor(ruleId));
    return line === undefined ? undefined : `${href}#L${line}`;
  };
}

/** docs/rules.md of the package whose `schemas/` folder is `schemasDir`. */
export const rulesDocOf = (schemasDir: string): string => path.join(schemasDir, '..', 'docs', 'rules.md');
