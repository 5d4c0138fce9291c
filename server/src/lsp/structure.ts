/**
 * The structure features over LSP: document symbols (the outline), folding ranges, formatting (whole document and
 * range) and document links. The core answers in offsets (core/structure.ts through the façade); convert.ts makes the
 * LSP objects. Formatting is offered for the languages that format only: a client that registers capabilities
 * dynamically gets it for those language ids (so pgtls never claims to format every YAML file), any other client gets
 * the static capability. No handler throws (lsp/guard.ts); a document pgtls is disabled for gets empty answers.
 */
import {
  DocumentFormattingRequest, DocumentRangeFormattingRequest,
  type ClientCapabilities, type DocumentFormattingParams, type DocumentLink, type DocumentLinkParams, type DocumentRangeFormattingParams,
  type DocumentSymbol, type DocumentSymbolParams, type FoldingRange, type FoldingRangeParams, type ServerCapabilities, type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Settings, Span } from '../core/types';
import { toDocumentLink, toDocumentSymbol, toFoldingRange, toTextEdits } from './convert';
import type { Parsed } from './documents';
import { atDocument, type Glue } from './features';

/** Like `atDocument`, but empty (`fallback`) where `pgtls.enable` is off for the document. */
async function whenEnabled<T>(g: Glue, uri: string, what: string, fallback: T, f: (doc: TextDocument, src: Parsed, settings: Settings) => T): Promise<T> {
  return atDocument(g, uri, what, fallback, (doc, src, settings) => (settings.enable ? f(doc, src, settings) : fallback));
}

export function documentSymbols(g: Glue, p: DocumentSymbolParams): Promise<DocumentSymbol[]> {
  return whenEnabled<DocumentSymbol[]>(g, p.textDocument.uri, 'document symbols', [], (doc, src) =>
    g.service.symbols(src.source, src.file).map(s => toDocumentSymbol(s, doc)));
}

/** `null` (not an empty list) where the language leaves folding to the editor: VS Code then folds by indentation. */
export function foldingRanges(g: Glue, p: FoldingRangeParams): Promise<FoldingRange[] | null> {
  return whenEnabled<FoldingRange[] | null>(g, p.textDocument.uri, 'folding ranges', null, (doc, src) => {
    const folds = g.service.folding(src.source, src.file);
    return folds ? folds.map(f => toFoldingRange(f, doc)).filter((f): f is FoldingRange => !!f) : null;
  });
}

function format(g: Glue, uri: string, range: DocumentRangeFormattingParams['range'] | undefined): Promise<TextEdit[]> {
  return whenEnabled<TextEdit[]>(g, uri, 'formatting', [], (doc, src) => {
    const span: Span | undefined = range ? [doc.offsetAt(range.start), doc.offsetAt(range.end)] : undefined;
    return toTextEdits(g.service.format(src.source, src.file, span ? { range: span } : {}), doc);
  });
}

export function documentLinks(g: Glue, p: DocumentLinkParams): Promise<DocumentLink[]> {
  return whenEnabled<DocumentLink[]>(g, p.textDocument.uri, 'document links', [], (doc, src, settings) =>
    g.service.links(src.source, src.file, settings).map(l => toDocumentLink(l, doc)));
}

/** The structure features of a server: its capabilities, the dynamic formatting registration, the handlers. */
export interface StructureFeatures {
  /** What `initialize` announces, given what the client supports. */
  capabilities(client: ClientCapabilities): Partial<ServerCapabilities>;
  /** After `initialized`: registers formatting for the formatting languages when the client takes dynamic registration. */
  initialized(): void;
}

export function structureFeatures(g: Glue): StructureFeatures {
  let dynamicFormatting = false;
  const c = g.connection;
  c.onDocumentSymbol(p => documentSymbols(g, p));
  c.onFoldingRanges(p => foldingRanges(g, p));
  c.onDocumentFormatting((p: DocumentFormattingParams) => format(g, p.textDocument.uri, undefined));
  c.onDocumentRangeFormatting((p: DocumentRangeFormattingParams) => format(g, p.textDocument.uri, p.range));
  c.onDocumentLinks(p => documentLinks(g, p));
  return {
    capabilities(client) {
      const td = client.textDocument;
      dynamicFormatting = !!td?.formatting?.dynamicRegistration && !!td.rangeFormatting?.dynamicRegistration;
      return {
        documentSymbolProvider: { label: 'pgtls' },
        foldingRangeProvider: true,
        documentLinkProvider: { resolveProvider: false },
        ...(dynamicFormatting ? {} : { documentFormattingProvider: true, documentRangeFormattingProvider: true }),
      };
    },
    initialized() {
      if (!dynamicFormatting) return;
      const documentSelector = g.service.formattingLanguages().flatMap(language => [{ scheme: 'file', language }, { scheme: 'untitled', language }]);
      const fail = (e: unknown) => g.log(`pgtls: could not register formatting: ${e instanceof Error ? e.message : String(e)}`);
      c.client.register(DocumentFormattingRequest.type, { documentSelector }).catch(fail);
      c.client.register(DocumentRangeFormattingRequest.type, { documentSelector }).catch(fail);
    },
  };
}
