/**
 * `pgtls check -`: a multi-document YAML stream read from standard input (`kubectl kustomize overlays/prod`,
 * `helm template .`), and where a finding in it came from. Helm writes each rendered template as a document that
 * starts with `# Source: <chart>/templates/<file>` (helm's releaseutil/manifest.go and `helm template` output); a
 * finding in such a document is named by that template, at its line within the template's rendered output (line 1 is
 * the line after the comment), and keeps its place in the stream as well. Documents without the comment (kustomize
 * output) are named `-`, at their line in the stream.
 */
/** The name `check` gives standard input on the command line and in its output. */
export const STDIN_NAME = '-';

/** A document of the stream that names its template. */
interface SourcedDocument {
  /** File offset where the document starts (after its `---` line). */
  start: number;
  /** The template's path as the comment gives it. */
  source: string;
  /** 0-based stream line of the `# Source:` comment. */
  commentLine: number;
}

export interface StreamPlace {
  /** The template the finding's document was rendered from, when the stream says so. */
  source?: string;
  /** 0-based line the template's rendered output starts at (the line after its `# Source:` comment). */
  firstLine?: number;
}

const SOURCE = /^#\s*Source:\s*(\S.*?)\s*$/;
const MARKER = /^---(?:\s|$)/;

/** The documents of `text` and the template each names, in order (only those with a `# Source:` comment). */
export function sourcedDocuments(text: string): SourcedDocument[] {
  const out: SourcedDocument[] = [];
  let start = 0;
  let inHeader = true; // before the document's first content line: where helm puts the comment
  let line = 0;
  for (let at = 0; at <= text.length; line++) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    const content = text.slice(at, end).replace(/\r$/, '');
    if (MARKER.test(content)) {
      start = nl < 0 ? text.length : nl + 1;
      inHeader = true;
    } else if (inHeader) {
      const m = SOURCE.exec(content);
      if (m) {
        out.push({ start, source: m[1]!, commentLine: line });
        inHeader = false;
      } else if (content.trim() !== '' && !content.trimStart().startsWith('#')) inHeader = false;
    }
    if (nl < 0) break;
    at = nl + 1;
  }
  return out;
}

/** Where the finding at `offset` came from: the template of its document, if the stream names one. */
export function placeOf(docs: readonly SourcedDocument[], text: string, offset: number): StreamPlace {
  // The last sourced document that starts at or before the offset, if no `---` lies between them.
  let lo = 0;
  let hi = docs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (docs[mid]!.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return {};
  const d = docs[found]!;
  const between = text.slice(d.start, offset);
  if (/(?:^|\n)---(?:[ \t\r]|\n|$)/.test(between)) return {};
  return { source: d.source, firstLine: d.commentLine + 1 };
}
