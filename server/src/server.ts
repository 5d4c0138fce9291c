/**
 * The LSP glue: capabilities, open documents, settings, diagnostics (pull when the client supports it, push
 * otherwise), hover, completion, go-to-definition and quick fixes; the workspace index follows the workspace folders,
 * also when they change at run time. Everything else is the pure core behind `createService`.
 * No handler throws: failures are logged with the document's URI and an empty result is returned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeAction, CodeActionKind, CompletionItem, CompletionItemKind, Diagnostic, DiagnosticSeverity, DiagnosticTag,
  DocumentDiagnosticReportKind, FileChangeType, InsertTextFormat, LSPErrorCodes, MarkupKind, ResponseError, TextDocumentSyncKind, TextDocuments,
  type Command, type Connection, type DocumentDiagnosticReport, type InitializeParams, type InitializeResult, type Location, type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from './core/text';
import { normalizeSettings } from './core/settings';
import type { CompletionResult, FixCommand, LanguageId, Problem, ServiceEnv, Settings, SourceDocument, Span, WorkspaceFile, WorkspaceView } from './core/types';
import {
  CERT_CREATE_REQUEST, CERT_INSPECT_REQUEST, CERT_PRESET_REQUEST, DEFAULT_SETTINGS, LANGUAGE_IDS, SETTINGS_SECTION,
  type CertCreateParams, type CertCreateResult, type CertInspectParams, type CertInspectResult, type CertPresetParams, type CertPresetResult,
} from './protocol';
import type { CertCommandEnv } from './certs/commands';
import { createService, type ParsedFile } from './service';

export interface ServerEnvFactory {
  /** Builds the core environment; `overlay` returns the text of an open document by file-system path. */
  (overlay: (fsPath: string) => string | undefined): ServiceEnv;
}

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};

const COMPLETION_KIND: Record<CompletionResult['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property, value: CompletionItemKind.Value, keyword: CompletionItemKind.Keyword,
  enum: CompletionItemKind.EnumMember, snippet: CompletionItemKind.Snippet, file: CompletionItemKind.File,
};

function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/**
 * A core fix command as an LSP command: an argument object that names a document offset without a `uri`
 * (`FixCommand` convention) gets the document's URI.
 */
function lspCommand(c: FixCommand, uri: string): Command {
  const args = c.arguments?.map(a => (a && typeof a === 'object' && !Array.isArray(a) && typeof (a as { offset?: unknown }).offset === 'number'
    && (a as { uri?: unknown }).uri === undefined ? { ...a, uri } : a));
  return { title: c.title, command: c.command, ...(args ? { arguments: args } : {}) };
}

/** Bounds of the workspace index: YAML files of the workspace folders that cross-file rules may look at. */
const INDEX_MAX_FILES = 5000;
const INDEX_MAX_DEPTH = 12;
const INDEX_MAX_CHARS = 2 * 1024 * 1024;
const YAML_FILE = /\.ya?ml$/i;

export function startServer(connection: Connection, makeEnv: ServerEnvFactory): void {
  const documents = new TextDocuments(TextDocument);
  const byPath = new Map<string, TextDocument>();

  // The workspace index (C3: the glue owns it): YAML files found in the workspace folders at start-up, kept current by
  // file-watcher events; open buffers take precedence over the disk. The core sees it as `env.workspace`.
  const roots: string[] = [];
  const indexed = new Map<string, { stamp: number; text?: string | undefined; read?: boolean }>();
  let stamps = 0;
  const indexParsed = new Map<string, { version: number | string; file: ParsedFile }>();
  const workspace: WorkspaceView = {
    roots: () => roots,
    *files(): Iterable<WorkspaceFile> {
      const open = new Set<string>();
      for (const d of documents.all()) {
        if (languageOf(d) !== 'yaml') continue;
        const p = path.resolve(uriToPath(d.uri));
        open.add(p);
        yield { path: p, languageId: 'yaml', version: `open:${d.version}`, text: () => d.getText() };
      }
      for (const [p, entry] of indexed) {
        if (open.has(p)) continue;
        yield {
          path: p, languageId: 'yaml', version: `disk:${entry.stamp}`,
          text: () => {
            if (!entry.read) {
              const t = baseEnv.readText(p);
              entry.text = t !== undefined && t.length <= INDEX_MAX_CHARS ? t : undefined;
              entry.read = true;
            }
            return entry.text;
          },
        };
      }
    },
    parsed(f: WorkspaceFile): unknown {
      const open = byPath.get(f.path);
      if (open && languageOf(open) === 'yaml') return sourceOf(open)?.file;
      const hit = indexParsed.get(f.path);
      if (hit && hit.version === f.version) return hit.file;
      const text = f.text();
      if (text === undefined) return undefined;
      const file = service.parse({ path: f.path, text, languageId: 'yaml' }, hit?.file);
      indexParsed.set(f.path, { version: f.version, file });
      return file;
    },
  };

  const baseEnv = makeEnv(p => byPath.get(path.resolve(p))?.getText());
  const env: ServiceEnv = { ...baseEnv, workspace };
  const service = createService(env);

  function scanWorkspace(only: readonly string[] = roots): void {
    if (!baseEnv.listFiles) return;
    for (const root of only) {
      if (indexed.size >= INDEX_MAX_FILES) return;
      for (const p of baseEnv.listFiles(root, { extensions: ['.yaml', '.yml'], maxDepth: INDEX_MAX_DEPTH, maxFiles: INDEX_MAX_FILES - indexed.size })) {
        if (indexed.size >= INDEX_MAX_FILES) return;
        const file = path.resolve(p);
        if (!indexed.has(file)) indexed.set(file, { stamp: ++stamps });
      }
    }
  }

  /** True when `file` is `root` or below it. */
  const isUnder = (file: string, root: string): boolean => {
    const rel = path.relative(root, file);
    return rel === '' || (!!rel && !rel.startsWith('..') && !path.isAbsolute(rel));
  };

  /**
   * Workspace folders added or removed at run time: the removed folders' files leave the index (unless another folder
   * still holds them), the added folders are scanned, and every open document is validated again.
   */
  function changeFolders(e: WorkspaceFoldersChangeEvent): void {
    const removed = e.removed.map(f => path.resolve(uriToPath(f.uri)));
    const added = e.added.map(f => path.resolve(uriToPath(f.uri)));
    for (const r of removed) {
      const i = roots.indexOf(r);
      if (i >= 0) roots.splice(i, 1);
    }
    if (removed.length) {
      for (const file of [...indexed.keys()]) {
        if (removed.some(r => isUnder(file, r)) && !roots.some(r => isUnder(file, r))) {
          indexed.delete(file);
          indexParsed.delete(file);
        }
      }
    }
    const fresh = added.filter(a => !roots.includes(a));
    roots.push(...fresh);
    scanWorkspace(fresh);
  }

  let pullDiagnostics = false;
  let configurationCapability = false;
  let workspaceFoldersCapability = false;
  const settingsCache = new Map<string, Promise<Settings>>();
  const parsed = new Map<string, { version: number; file: ParsedFile; source: SourceDocument }>();
  const problemsCache = new Map<string, { version: number; problems: Problem[] }>();
  // Pull diagnostics: the last full report of each document, by result id, so that a pull whose `previousResultId`
  // names it and whose diagnostics are the same again is answered `unchanged` (nothing to serialise or re-render).
  const reports = new Map<string, { resultId: string; json: string }>();
  let resultIds = 0;

  const log = (msg: string) => connection.console.error(msg);

  function safe<T>(what: string, uri: string, fallback: T, f: () => T): T {
    try {
      return f();
    } catch (e) {
      log(`${what} failed for ${uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return fallback;
    }
  }

  function languageOf(doc: TextDocument): LanguageId | undefined {
    if ((LANGUAGE_IDS as readonly string[]).includes(doc.languageId)) return doc.languageId as LanguageId;
    return service.languageOf(uriToPath(doc.uri));
  }

  function sourceOf(doc: TextDocument): { file: ParsedFile; source: SourceDocument } | undefined {
    const languageId = languageOf(doc);
    if (!languageId) return undefined;
    const hit = parsed.get(doc.uri);
    if (hit && hit.version === doc.version && hit.source.languageId === languageId) return hit;
    const source: SourceDocument = { path: uriToPath(doc.uri), text: doc.getText(), languageId, version: doc.version };
    // The previous parse lets YAML re-parse only the documents that changed.
    const previous = hit && hit.source.languageId === languageId ? hit.file : undefined;
    const file = service.parse(source, previous);
    parsed.set(doc.uri, { version: doc.version, file, source });
    return { file, source };
  }

  function settingsFor(uri: string): Promise<Settings> {
    if (!configurationCapability) return Promise.resolve(DEFAULT_SETTINGS);
    let s = settingsCache.get(uri);
    if (!s) {
      s = connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then((raw: Partial<Settings> | null) => normalizeSettings(raw))
        .catch(() => DEFAULT_SETTINGS);
      settingsCache.set(uri, s);
    }
    return s;
  }

  async function problemsFor(doc: TextDocument): Promise<Problem[]> {
    const settings = await settingsFor(doc.uri);
    if (!settings.enable) return [];
    return safe('validation', doc.uri, [], () => {
      const src = sourceOf(doc);
      if (!src) return [];
      const problems = service.validate(src.source, src.file, settings);
      problemsCache.set(doc.uri, { version: doc.version, problems });
      return problems;
    });
  }

  function toDiagnostics(doc: TextDocument, problems: Problem[]): Diagnostic[] {
    const index = new LineIndex(doc.getText());
    // Related places: one line index per file and call (perf: a 5,000-line file with a hundred related places would
    // otherwise be read and indexed a hundred times per diagnostics request).
    const own = uriToPath(doc.uri);
    const related = new Map<string, { uri: string; index: LineIndex }>([[own, { uri: pathToFileURL(own).href, index }]]);
    const relatedIndex = (file: string) => {
      let hit = related.get(file);
      if (!hit) related.set(file, hit = { uri: pathToFileURL(file).href, index: new LineIndex(env.readText(file) ?? '') });
      return hit;
    };
    return problems.map(p => {
      const d: Diagnostic = {
        range: { start: index.positionAt(p.span[0]), end: index.positionAt(p.span[1]) },
        severity: SEVERITY[p.severity],
        code: p.rule,
        source: 'pgtls',
        message: p.message,
      };
      const tags = (p.tags ?? []).map(t => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
      if (tags.length) d.tags = tags;
      if (p.related?.length) {
        d.relatedInformation = p.related.map(r => {
          const ri = relatedIndex(r.file);
          return {
            location: { uri: ri.uri, range: { start: ri.index.positionAt(r.span[0]), end: ri.index.positionAt(r.span[1]) } },
            message: r.message,
          };
        });
      }
      return d;
    });
  }

  async function pushDiagnostics(doc: TextDocument): Promise<void> {
    const problems = await problemsFor(doc);
    const current = documents.get(doc.uri);
    if (!current || current.version !== doc.version) return; // a newer version will be validated
    await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: safe('diagnostics', doc.uri, [], () => toDiagnostics(doc, problems)) });
  }

  function refreshAll(): void {
    if (pullDiagnostics) void connection.languages.diagnostics.refresh();
    else for (const d of documents.all()) if (languageOf(d)) void pushDiagnostics(d);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    for (const f of params.workspaceFolders ?? []) roots.push(path.resolve(uriToPath(f.uri)));
    if (!roots.length && params.rootUri) roots.push(path.resolve(uriToPath(params.rootUri)));
    pullDiagnostics = !!caps.textDocument?.diagnostic;
    configurationCapability = !!caps.workspace?.configuration;
    workspaceFoldersCapability = !!caps.workspace?.workspaceFolders;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        ...(workspaceFoldersCapability ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
        completionProvider: { triggerCharacters: ['=', ' ', '_', ':'] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        ...(pullDiagnostics ? { diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'pgtls', version: '0.1.0' },
    };
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    problemsCache.clear();
    refreshAll();
  });

  documents.onDidOpen(e => { byPath.set(path.resolve(uriToPath(e.document.uri)), e.document); });
  documents.onDidChangeContent(e => {
    byPath.set(path.resolve(uriToPath(e.document.uri)), e.document);
    if (!languageOf(e.document)) return;
    // Files depend on their siblings (pool_hba.conf reads pgpool.conf), so an edit refreshes every open file.
    if (pullDiagnostics) {
      if (documents.all().filter(d => languageOf(d)).length > 1) void connection.languages.diagnostics.refresh();
    } else refreshAll();
  });
  documents.onDidClose(e => {
    byPath.delete(path.resolve(uriToPath(e.document.uri)));
    parsed.delete(e.document.uri);
    problemsCache.delete(e.document.uri);
    settingsCache.delete(e.document.uri);
    reports.delete(e.document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    else void connection.languages.diagnostics.refresh();
  });
  connection.onInitialized(() => {
    safe('workspace scan', roots.join(', '), undefined, () => scanWorkspace());
    if (indexed.size) refreshAll();
    if (workspaceFoldersCapability) {
      connection.workspace.onDidChangeWorkspaceFolders(e => {
        safe('workspace folder change', [...e.added, ...e.removed].map(f => f.uri).join(', '), undefined, () => changeFolders(e));
        // Folder-level settings and relative pgtls.crdPaths depend on the folders.
        settingsCache.clear();
        problemsCache.clear();
        refreshAll();
      });
    }
  });
  connection.onDidChangeWatchedFiles(p => {
    for (const c of p.changes) {
      const file = path.resolve(uriToPath(c.uri));
      if (!YAML_FILE.test(file)) continue;
      indexParsed.delete(file);
      if (c.type === FileChangeType.Deleted) indexed.delete(file);
      else if (indexed.has(file) || indexed.size < INDEX_MAX_FILES) indexed.set(file, { stamp: ++stamps });
    }
    refreshAll();
  });

  connection.languages.diagnostics.on(async (p): Promise<DocumentDiagnosticReport> => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const problems = await problemsFor(doc);
    const items = safe('diagnostics', doc.uri, [], () => toDiagnostics(doc, problems));
    // The diagnostics as they would go over the wire: equal text, equal report (ranges, messages, related places).
    const json = JSON.stringify(items);
    const last = reports.get(doc.uri);
    if (last && last.json === json) {
      if (p.previousResultId === last.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: last.resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId: last.resultId, items };
    }
    const resultId = `${++resultIds}`;
    reports.set(doc.uri, { resultId, json });
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  });

  connection.onHover(async p => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    const settings = await settingsFor(doc.uri);
    return safe('hover', doc.uri, null, () => {
      const src = sourceOf(doc);
      if (!src) return null;
      const h = service.hover(src.source, src.file, doc.offsetAt(p.position), settings);
      if (!h) return null;
      return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: { start: doc.positionAt(h.span[0]), end: doc.positionAt(h.span[1]) } };
    });
  });

  connection.onDefinition(async p => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const settings = await settingsFor(doc.uri);
    return safe('definition', doc.uri, [] as Location[], () => {
      const src = sourceOf(doc);
      if (!src) return [];
      return service.definition(src.source, src.file, doc.offsetAt(p.position), settings).map(l => {
        // The target's text: this document, another open buffer, else the disk (as the core read it).
        const same = l.file === src.source.path;
        const open = same ? doc : byPath.get(path.resolve(l.file));
        const index = new LineIndex(open ? open.getText() : env.readText(l.file) ?? '');
        return { uri: open ? open.uri : pathToFileURL(l.file).href, range: { start: index.positionAt(l.span[0]), end: index.positionAt(l.span[1]) } };
      });
    });
  });

  connection.onCompletion(async p => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const settings = await settingsFor(doc.uri);
    return safe('completion', doc.uri, [] as CompletionItem[], () => {
      const src = sourceOf(doc);
      if (!src) return [];
      return service.complete(src.source, src.file, doc.offsetAt(p.position), settings).map(c => {
        const item: CompletionItem = { label: c.label, kind: COMPLETION_KIND[c.kind] };
        if (c.detail) item.detail = c.detail;
        if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
        if (c.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
        const text = c.insertText ?? c.label;
        if (c.replace) item.textEdit = { range: { start: doc.positionAt(c.replace[0]), end: doc.positionAt(c.replace[1]) }, newText: text };
        else item.insertText = text;
        return item;
      });
    });
  });

  connection.onCodeAction(async p => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const cached = problemsCache.get(doc.uri);
    const problems = cached && cached.version === doc.version ? cached.problems : await problemsFor(doc);
    return safe('code actions', doc.uri, [] as CodeAction[], () => {
      const span: Span = [doc.offsetAt(p.range.start), doc.offsetAt(p.range.end)];
      const diagnostics = toDiagnostics(doc, problems);
      return service.fixes(problems, span).map(({ problem, fix }) => {
        const diag = diagnostics[problems.indexOf(problem)];
        const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix };
        if (fix.edits.length) {
          action.edit = { changes: { [doc.uri]: fix.edits.map(e => ({ range: { start: doc.positionAt(e.span[0]), end: doc.positionAt(e.span[1]) }, newText: e.newText })) } };
        }
        if (fix.command) action.command = lspCommand(fix.command, doc.uri);
        if (diag) action.diagnostics = [diag];
        if (fix.preferred) action.isPreferred = true;
        return action;
      });
    });
  });

  // Certificate commands (protocol.ts): generation and writing happen here; answers never carry key material.
  // Their code (certificate generation, @peculiar/x509 and its ASN.1 modules) is loaded on the first request, not at
  // start-up: the bundler turns this dynamic import into a lazily initialised module.
  let certModule: Promise<typeof import('./certs/commands')> | undefined;
  const certCommands = () => (certModule ??= import('./certs/commands'));
  const certEnv: CertCommandEnv = { now: () => new Date(), crypto: env.crypto }; // node/env.ts: fastCrypto
  const textOf = (uri: string): string | undefined => {
    const open = documents.get(uri);
    if (open) return open.getText();
    try {
      return fs.readFileSync(uriToPath(uri), 'utf8');
    } catch {
      return undefined;
    }
  };
  const certFailure = (what: string, e: unknown): ResponseError<void> => {
    // Messages name files, names and algorithms only; log the kind of failure, never an object dump.
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof Error) || !['CertError', 'WriteFilesError', 'ExistingFilesError'].includes(e.name)) log(`${what} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error'}`);
    return new ResponseError(LSPErrorCodes.RequestFailed, message);
  };
  connection.onRequest(CERT_PRESET_REQUEST, async (p: CertPresetParams): Promise<CertPresetResult | null> => {
    const text = textOf(p.uri);
    if (text === undefined) return null;
    let commands: typeof import('./certs/commands');
    try {
      commands = await certCommands();
    } catch (e) {
      log(`certificate preset failed for ${p.uri}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
    const pr = safe('certificate preset', p.uri, undefined, () => commands.presetAt(text, p.offset));
    return pr ? commands.presetSummary(pr) : null;
  });
  connection.onRequest(CERT_CREATE_REQUEST, async (p: CertCreateParams): Promise<CertCreateResult | ResponseError<void>> => {
    try {
      const { runCertCommand } = await certCommands();
      return await runCertCommand(p, certEnv, p.resource ? textOf(p.resource.uri) : undefined);
    } catch (e) {
      return certFailure('certificate generation', e);
    }
  });
  connection.onRequest(CERT_INSPECT_REQUEST, async (p: CertInspectParams): Promise<CertInspectResult | ResponseError<void>> => {
    try {
      const { inspectCertificates } = await certCommands();
      if (p.text !== undefined) return await inspectCertificates({ text: p.text }, certEnv);
      if (!p.uri) return new ResponseError(LSPErrorCodes.RequestFailed, 'nothing to inspect');
      let bytes: Uint8Array;
      try {
        bytes = fs.readFileSync(uriToPath(p.uri));
      } catch (e) {
        return new ResponseError(LSPErrorCodes.RequestFailed, `cannot read ${uriToPath(p.uri)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      const open = documents.get(p.uri);
      return await inspectCertificates(open ? { text: open.getText() } : { bytes }, certEnv);
    } catch (e) {
      return certFailure('certificate inspection', e);
    }
  });

  connection.onShutdown(() => {
    parsed.clear();
    reports.clear();
    problemsCache.clear();
    indexParsed.clear();
    indexed.clear();
  });

  documents.listen(connection);
  connection.listen();
}

export { normalizeSettings };
