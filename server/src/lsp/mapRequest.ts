/**
 * The `pgtls/tlsMap` request (protocol.ts): the TLS map (server/src/map/) of the folder of a document, its files read
 * as the workspace has them (open buffers over the disk), with the SVG the view shows; and the "Show TLS Map" code
 * lens on each operator resource and at the top of a pgpool.conf. A failure logs and answers a JSON-RPC error.
 */
import * as path from 'node:path';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { buildTlsMap, focusNode, mapLensSpans, toSvg } from '../map';
import { SHOW_TLS_MAP_COMMAND, TLS_MAP_REQUEST, type TlsMapParams, type TlsMapResult } from '../protocol';
import type { CertLens } from '../service';
import type { LanguageId, Settings, SourceDocument } from '../core/types';
import { walkFiles, byPathOrder } from '../node/listFiles';
import { pathToUri, uriToPath } from './convert';
import type { Glue } from './features';

/** How far below the document's folder the map looks, and how many files it reads at most. */
const MAX_DEPTH = 6;
const MAX_FILES = 2000;

export function registerMapRequest(g: Glue): void {
  g.connection.onRequest(TLS_MAP_REQUEST, async (p: TlsMapParams): Promise<TlsMapResult | ResponseError<void>> => {
    try {
      const file = uriToPath(String(p?.uri ?? ''));
      const folder = path.dirname(file);
      const names = walkFiles(folder, { accept: n => g.service.languageOf(n) !== undefined, maxDepth: MAX_DEPTH, maxFiles: MAX_FILES, unreadable: () => undefined }).sort(byPathOrder);
      if (g.service.languageOf(file) && !names.includes(file)) names.push(file);
      const files: { path: string; text: string; languageId: LanguageId }[] = [];
      for (const n of names) {
        const text = g.store.get(pathToUri(n))?.getText() ?? g.env.readText(n);
        if (text !== undefined) files.push({ path: n, text, languageId: g.service.languageOf(n)! });
      }
      const map = buildTlsMap(g.service, g.env, { files, settings: await g.store.settings(String(p.uri)) });
      const focus = typeof p.focus === 'number' ? focusNode(map, file, p.focus) : undefined;
      return { folder, map, svg: toSvg(map, { title: `TLS map of ${path.basename(folder)}` }), ...(focus ? { focus } : {}) };
    } catch (e) {
      g.log(`TLS map failed for ${String(p?.uri)}: ${e instanceof Error ? e.message : String(e)}`);
      return new ResponseError(LSPErrorCodes.RequestFailed, 'the TLS map could not be built (see the PG TLS output)');
    }
  });
}

/**
 * The "Show TLS Map" lenses of a document (operator resources, pgpool.conf), as the glue turns lenses into LSP; each
 * asks for the map with its resource in focus (`focus`: the lens's offset).
 */
export function mapLenses(doc: SourceDocument, uri: string, settings: Settings): CertLens[] {
  return mapLensSpans(doc.text, doc.languageId, settings)
    .map(span => ({ span, title: 'Show TLS Map', command: { id: SHOW_TLS_MAP_COMMAND, arguments: [{ uri, focus: span[0] }] } }));
}
