/**
 * The resource snippets (snippets/yaml.json, one per operator layout), offered by completion only where a new resource
 * starts: at the first column of an otherwise empty YAML document, in a file that is empty or holds Kubernetes
 * resources. They are not contributed to VS Code as `yaml` snippets, which it would list in every YAML file and at every
 * position, values included; here each snippet is one item, in every LSP client (Neovim too).
 */
import type { CompletionResult, Span } from '../../core/types';
import SNIPPETS from '../../../../snippets/yaml.json';
import { documentAt } from './nav';
import type { K8sDocument, K8sFile } from './parse';

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description: string;
}

/** A document with nothing but blanks, comments and document markers (besides the line `skip` of its text). */
function isBlank(d: K8sDocument, skip?: Span): boolean {
  const text = skip ? d.part.source.slice(0, skip[0]) + d.part.source.slice(skip[1]) : d.part.source;
  return text.split('\n').every(l => /^\s*(#.*)?$/.test(l) || /^(---|\.\.\.)(\s.*)?$/.test(l));
}

/** The snippet items at `offset`, or undefined when a resource cannot start there. */
export function snippetCompletions(file: K8sFile, text: string, offset: number): CompletionResult[] | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? text.length : nl;
  const typed = text.slice(lineStart, offset);
  const after = /^[A-Za-z0-9_-]*/.exec(text.slice(offset, lineEnd))![0];
  if (!/^[A-Za-z0-9_-]*$/.test(typed) || text.slice(offset + after.length, lineEnd).trim() !== '') return undefined;
  const d = documentAt(file, offset);
  if (d && !isBlank(d, [lineStart - d.base, lineEnd - d.base])) return undefined;
  // Another document that is not a resource (a Compose file, a CI workflow, Helm values): not a manifest file.
  if (file.documents.some(x => x !== d && !isBlank(x) && !x.part.header.apiVersion && !x.part.header.kind)) return undefined;
  const replace: Span = [offset - typed.length, offset + after.length];
  return Object.entries(SNIPPETS as Record<string, Snippet>).map(([name, s]) => ({
    label: [s.prefix].flat()[0]!,
    kind: 'snippet' as const,
    detail: name,
    documentation: s.description,
    insertText: [s.body].flat().join('\n'),
    snippet: true,
    replace,
  }));
}
