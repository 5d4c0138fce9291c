/**
 * The core's results as LSP objects: spans become ranges here and nowhere else in the glue (`toRange`), problems
 * become diagnostics (with a link to the rule's documentation), and hovers, completions, quick fixes, definition
 * targets and certificate lenses get their LSP shapes. Also the URI ↔ path conversions the glue uses.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, DiagnosticTag, InsertTextFormat, MarkupKind,
  type CodeAction, type CodeLens, type Command, type CompletionItem, type Diagnostic, type Hover, type Location, type Position, type Range,
} from 'vscode-languageserver';
import { FoldingRangeKind, SymbolKind, type DocumentLink, type DocumentSymbol, type FoldingRange, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { LineIndex, type CertLens, type FoldSpan, type OutlineSymbol, type PathLink } from '../service';
import type { OutlineKind } from '../core/structure';
import type { TextEdit } from '../core/types';
import type { CompletionResult, Fix, FixCommand, FixLocationArg, HoverResult, Problem, Span } from '../core/types';

/** The file-system path of a `file:` URI; any other URI (e.g. `untitled:`) is returned as it is. */
export function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/** The absolute, normalised path of a URI: the key of open documents and workspace files. */
export function pathKey(uri: string): string {
  return path.resolve(uriToPath(uri));
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

/** Anything that turns an offset into a line and column: a `LineIndex` or an open `TextDocument`. */
export interface Positions {
  positionAt(offset: number): Position;
}

/** The one conversion of a span (offsets into a text) to an LSP range. */
export function toRange(lines: Positions, span: Span): Range {
  return { start: lines.positionAt(span[0]), end: lines.positionAt(span[1]) };
}

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};

const COMPLETION_KIND: Record<CompletionResult['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property, value: CompletionItemKind.Value, keyword: CompletionItemKind.Keyword,
  enum: CompletionItemKind.EnumMember, snippet: CompletionItemKind.Snippet, file: CompletionItemKind.File, folder: CompletionItemKind.Folder,
};

/**
 * A document's problems as diagnostics. `readText` gives the text of another file that a related place points into
 * (open buffers over the disk); `docs` the link of a rule's documentation (`ServiceEnv.ruleDocsUrl`).
 */
export function toDiagnostics(
  problems: readonly Problem[], text: string, file: string, readText: (file: string) => string | undefined,
  docs?: (ruleId: string) => string | undefined,
): Diagnostic[] {
  const index = new LineIndex(text);
  // Related places: one line index per file and call (perf: a 5,000-line file with a hundred related places would
  // otherwise be read and indexed a hundred times per diagnostics request).
  const related = new Map<string, { uri: string; index: LineIndex }>([[file, { uri: pathToUri(file), index }]]);
  const relatedIndex = (other: string) => {
    let hit = related.get(other);
    if (!hit) related.set(other, hit = { uri: pathToUri(other), index: new LineIndex(readText(other) ?? '') });
    return hit;
  };
  return problems.map(p => {
    const d: Diagnostic = {
      range: toRange(index, p.span),
      severity: SEVERITY[p.severity],
      code: p.rule,
      source: 'pgtls',
      message: p.message,
    };
    const href = docs?.(p.rule);
    if (href) d.codeDescription = { href };
    const tags = (p.tags ?? []).map(t => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
    if (tags.length) d.tags = tags;
    if (p.related?.length) {
      d.relatedInformation = p.related.map(r => {
        const ri = relatedIndex(r.file);
        return { location: { uri: ri.uri, range: toRange(ri.index, r.span) }, message: r.message };
      });
    }
    return d;
  });
}

export function toHover(h: HoverResult, lines: Positions): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(lines, h.span) };
}

export function toCompletionItem(c: CompletionResult, lines: Positions): CompletionItem {
  const item: CompletionItem = { label: c.label, kind: COMPLETION_KIND[c.kind] };
  if (c.detail) item.detail = c.detail;
  if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
  if (c.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
  const text = c.insertText ?? c.label;
  if (c.replace) item.textEdit = { range: toRange(lines, c.replace), newText: text };
  else item.insertText = text;
  return item;
}

/** A place in a file as an LSP location; `uri` is the open document's URI when there is one. */
export function toLocation(uri: string, lines: Positions, span: Span): Location {
  return { uri, range: toRange(lines, span) };
}

/** Whether a fix-command argument names an offset in the finding's document without a URI (`FixCommand` convention). */
function isBareLocation(a: unknown): a is FixLocationArg {
  return !!a && typeof a === 'object' && !Array.isArray(a) && typeof (a as { offset?: unknown }).offset === 'number'
    && (a as { uri?: unknown }).uri === undefined;
}

/** A core fix command as an LSP command: a bare location argument gets the document's URI. */
export function toCommand(c: FixCommand, uri: string): Command {
  const args = c.arguments?.map(a => (isBareLocation(a) ? { ...a, uri } : a));
  return { title: c.title, command: c.command, ...(args ? { arguments: args } : {}) };
}

/** A quick fix of `diagnostic` (when known) in the document `uri`. */
export function toCodeAction(fix: Fix, uri: string, lines: Positions, diagnostic: Diagnostic | undefined): CodeAction {
  const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix };
  if (fix.edits.length) action.edit = { changes: { [uri]: fix.edits.map(e => ({ range: toRange(lines, e.span), newText: e.newText })) } };
  if (fix.command) action.command = toCommand(fix.command, uri);
  if (diagnostic) action.diagnostics = [diagnostic];
  if (fix.preferred) action.isPreferred = true;
  return action;
}

/** A certificate lens: a label (no command: shown, not clickable) or an action such as "Renew". */
export function toCodeLens(l: CertLens, lines: Positions): CodeLens {
  return { range: toRange(lines, l.span), command: { title: l.title, command: l.command?.id ?? '', ...(l.command ? { arguments: l.command.arguments } : {}) } };
}

const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  section: SymbolKind.Namespace, setting: SymbolKind.Property, include: SymbolKind.File, record: SymbolKind.Struct,
  entry: SymbolKind.Key, map: SymbolKind.Module, resource: SymbolKind.Object, field: SymbolKind.Field,
};

/** An outline entry and its children as a hierarchical LSP document symbol. */
export function toDocumentSymbol(s: OutlineSymbol, lines: Positions): DocumentSymbol {
  const out: DocumentSymbol = {
    name: s.name || '(unnamed)', kind: SYMBOL_KIND[s.kind], range: toRange(lines, s.span), selectionRange: toRange(lines, s.selection),
  };
  if (s.detail) out.detail = s.detail;
  if (s.children?.length) out.children = s.children.map(c => toDocumentSymbol(c, lines));
  return out;
}

/** A fold as LSP lines; `undefined` for one that would not hide a line. */
export function toFoldingRange(f: FoldSpan, lines: Positions): FoldingRange | undefined {
  const startLine = lines.positionAt(f.span[0]).line;
  const endLine = lines.positionAt(f.span[1]).line;
  if (endLine <= startLine) return undefined;
  const out: FoldingRange = { startLine, endLine };
  if (f.kind) out.kind = f.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region;
  return out;
}

export function toTextEdits(edits: readonly TextEdit[], lines: Positions): LspTextEdit[] {
  return edits.map(e => ({ range: toRange(lines, e.span), newText: e.newText }));
}

/** A path link: the written path's range, and the local file's URI. */
export function toDocumentLink(l: PathLink, lines: Positions): DocumentLink {
  return { range: toRange(lines, l.span), target: pathToUri(l.target), tooltip: l.tooltip };
}
