/**
 * What the LSP handlers do: diagnostics (pulled by the client, or pushed to clients that cannot pull), hover,
 * completion, go-to-definition, quick fixes and the certificate expiry lenses. Each asks the document store for the document's parse, settings and
 * problems, calls the façade, and converts the answer (lsp/convert.ts). No handler throws (lsp/guard.ts).
 */
import {
  DocumentDiagnosticReportKind,
  type CodeAction, type CodeActionParams, type CodeLens, type CodeLensParams, type CompletionItem, type CompletionParams, type Connection, type DefinitionParams,
  type Diagnostic, type DocumentDiagnosticParams, type DocumentDiagnosticReport, type Hover, type HoverParams, type Location,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../service';
import type { Problem, ServiceEnv, Settings } from '../core/types';
import type { Service } from '../service';
import { codeActions as linterActions } from './codeActions';
import { pathToUri, toCodeLens, toCompletionItem, toDiagnostics, toHover, toLocation, uriToPath } from './convert';
import type { DocumentStore, Parsed } from './documents';
import type { Guard, Log } from './guard';
import { mapLenses } from './mapRequest';

/** What the client said it supports (filled in by `initialize`). */
export interface ClientCaps {
  pullDiagnostics: boolean;
  configuration: boolean;
  workspaceFolders: boolean;
  /** Commands the client runs itself (`initializationOptions.clientCommands`), e.g. DISABLE_RULE_COMMAND. */
  clientCommands: string[];
  /** `window/showMessageRequest` (capability `window.showMessage`): the server may ask before replacing a file. */
  showMessageRequest: boolean;
  /** `workspace/applyEdit`. */
  applyEdit: boolean;
}

/** The parts of the server every handler works with. */
export interface Glue {
  connection: Connection;
  store: DocumentStore;
  service: Service;
  /** The core's environment (files, clock, crypto, the workspace index). */
  env: ServiceEnv;
  guard: Guard;
  log: Log;
  caps: ClientCaps;
}

function diagnosticsOf(g: Glue, doc: TextDocument, problems: readonly Problem[]): Diagnostic[] {
  return toDiagnostics(problems, doc.getText(), uriToPath(doc.uri), file => g.env.readText(file), id => g.env.ruleDocsUrl?.(id));
}

export async function pullDiagnostics(g: Glue, p: DocumentDiagnosticParams): Promise<DocumentDiagnosticReport> {
  const doc = g.store.get(p.textDocument.uri);
  if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
  const problems = await g.store.problems(doc);
  const items = g.guard('diagnostics', doc.uri, [], () => diagnosticsOf(g, doc, problems));
  return g.store.report(doc.uri, items, p.previousResultId);
}

async function pushDiagnostics(g: Glue, doc: TextDocument): Promise<void> {
  const problems = await g.store.problems(doc);
  const current = g.store.get(doc.uri);
  if (!current || current.version !== doc.version) return; // a newer version will be validated
  await g.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: g.guard('diagnostics', doc.uri, [], () => diagnosticsOf(g, doc, problems)) });
}

/**
 * Every open document of ours is validated again (files changed on disk, settings, the index, a server command wrote
 * files): every cached result is stale, and the client pulls again, or the server pushes.
 */
export function refreshAll(g: Glue): void {
  g.store.staleAll();
  if (g.caps.pullDiagnostics) void g.connection.languages.diagnostics.refresh();
  else for (const d of g.store.all()) if (g.store.languageOf(d)) void pushDiagnostics(g, d);
}

/** How long typing must pause before the documents that depend on the edited one are validated again. */
export const OTHERS_AFTER_MS = 300;
const othersTimers = new WeakMap<Glue, ReturnType<typeof setTimeout>>();
/** The documents made stale by edits since the last re-validation of the others (push clients). */
const staleSince = new WeakMap<Glue, Set<string>>();

/**
 * After an edit (or an open). The edited document is validated at once (a pull client pulls it itself). The other
 * open documents whose last validation read it (dependencies.ts: a pool_hba.conf reads the pgpool.conf beside it, a
 * YAML lookup reads the workspace's YAML files) are stale; they are validated again once typing pauses for
 * OTHERS_AFTER_MS rather than on every keystroke, and the documents that did not read it keep their result. The cost of
 * a keystroke does not grow with the number of open files.
 */
export function documentChanged(g: Glue, doc: TextDocument): void {
  if (!g.store.languageOf(doc)) return;
  if (!g.caps.pullDiagnostics) void pushDiagnostics(g, doc);
  const stale = g.store.invalidateDependents(doc.uri);
  let pending = staleSince.get(g);
  if (!pending) staleSince.set(g, pending = new Set());
  for (const uri of stale) pending.add(uri);
  if (pending.size === 0) return;
  clearTimeout(othersTimers.get(g));
  const timer = setTimeout(() => {
    othersTimers.delete(g);
    const uris = [...(staleSince.get(g) ?? [])];
    staleSince.delete(g);
    // the connection may have closed in the meantime (it throws then, or rejects): nothing to tell
    try {
      // A pull client pulls every visible document again; those that are not stale are answered from the cache.
      if (g.caps.pullDiagnostics) g.connection.languages.diagnostics.refresh().catch(() => undefined);
      else {
        for (const uri of uris) {
          const d = g.store.get(uri);
          if (d && g.store.languageOf(d)) pushDiagnostics(g, d).catch(() => undefined);
        }
      }
    } catch { /* closed */ }
  }, OTHERS_AFTER_MS);
  timer.unref();
  othersTimers.set(g, timer);
}

/**
 * After a close: a push client's diagnostics of the document are cleared and the documents that read its buffer
 * (`stale`, which read the disk from now on) are pushed again; a pull client pulls the others again.
 */
export function documentClosed(g: Glue, uri: string, stale: readonly string[] = []): void {
  if (g.caps.pullDiagnostics) {
    void g.connection.languages.diagnostics.refresh();
    return;
  }
  void g.connection.sendDiagnostics({ uri, diagnostics: [] });
  for (const other of stale) {
    const d = g.store.get(other);
    if (d && g.store.languageOf(d)) pushDiagnostics(g, d).catch(() => undefined);
  }
}

/** Runs a feature on an open document of ours with its parse and settings; `fallback` otherwise or on failure. */
export async function atDocument<T>(g: Glue, uri: string, what: string, fallback: T, f: (doc: TextDocument, src: Parsed, settings: Settings) => T): Promise<T> {
  const doc = g.store.get(uri);
  if (!doc) return fallback;
  const settings = await g.store.settings(doc.uri);
  return g.guard(what, doc.uri, fallback, () => {
    const src = g.store.source(doc);
    return src ? f(doc, src, settings) : fallback;
  });
}

export function hover(g: Glue, p: HoverParams): Promise<Hover | null> {
  return atDocument<Hover | null>(g, p.textDocument.uri, 'hover', null, (doc, src, settings) => {
    const h = g.service.hover(src.source, src.file, doc.offsetAt(p.position), settings);
    return h ? toHover(h, doc) : null;
  });
}

export function definition(g: Glue, p: DefinitionParams): Promise<Location[]> {
  return atDocument<Location[]>(g, p.textDocument.uri, 'definition', [], (doc, src, settings) =>
    g.service.definition(src.source, src.file, doc.offsetAt(p.position), settings).map(l => {
      // The target's text: this document, another open buffer, else the disk (as the core read it).
      const open = l.file === src.source.path ? doc : g.store.openAt(l.file);
      const index = new LineIndex(open ? open.getText() : g.env.readText(l.file) ?? '');
      return toLocation(open ? open.uri : pathToUri(l.file), index, l.span);
    }));
}

/** The certificate expiry lenses of a document (Secrets in YAML, the certificate files a configuration names). */
export function codeLenses(g: Glue, p: CodeLensParams): Promise<CodeLens[]> {
  return atDocument<CodeLens[]>(g, p.textDocument.uri, 'code lens', [], (doc, src, settings) =>
    [...g.service.certLenses(src.source, src.file, settings), ...mapLenses(src.source, p.textDocument.uri, settings)]
      // "Renew" and "Show TLS Map" run in the VS Code client: a client that did not announce them
      // (`initializationOptions.clientCommands`) would show a lens that fails when clicked, so it gets none. The
      // "expires in N days" lenses carry no command and stay.
      .filter(l => !l.command || g.caps.clientCommands.includes(l.command.id))
      .map(l => toCodeLens(l, doc)));
}

export function completion(g: Glue, p: CompletionParams): Promise<CompletionItem[]> {
  return atDocument<CompletionItem[]>(g, p.textDocument.uri, 'completion', [], (doc, src, settings) =>
    g.service.complete(src.source, src.file, doc.offsetAt(p.position), settings).map(c => toCompletionItem(c, doc)));
}

/** Quick fixes, suppression comments, the rule setting and fix-all (lsp/codeActions.ts). */
export function codeActions(g: Glue, p: CodeActionParams): Promise<CodeAction[]> {
  return linterActions(g, p);
}
