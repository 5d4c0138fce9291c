/**
 * The open documents and every cache the glue keeps per document: its settings, its parse (valid for one document
 * version), its problems (valid for one version and as long as nothing it read changed: `Reads`, dependencies.ts), and
 * its last pull-diagnostics report. One `evict(uri)` forgets a document (it was closed), one `clear()` forgets every
 * cached result (settings, folders or the server's life changed), `staleAll()` every document's problems (files
 * changed on disk), `invalidateDependents(uri)` the problems of the documents that read that document.
 */
import { DocumentDiagnosticReportKind, TextDocuments, type Connection, type Diagnostic, type DocumentDiagnosticReport } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageId, Problem, Settings, SourceDocument } from '../core/types';
import { LANGUAGE_IDS } from '../protocol';
import type { ParsedFile, Service } from '../service';
import { pathKey, uriToPath } from './convert';
import type { Reads } from './dependencies';
import type { Guard } from './guard';
import type { SettingsSource } from './settings';

/** A document's parse, for the version and language it was made from. */
export interface Parsed {
  file: ParsedFile;
  source: SourceDocument;
}

/** Everything cached for one URI. */
interface Entry {
  settings?: Promise<Settings>;
  parsed?: Parsed & { version: number };
  /** With what the validation read: an edit of one of those files makes it stale (`invalidateDependents`). */
  problems?: { version: number; problems: Problem[]; reads: Reads | undefined };
  /**
   * Pull diagnostics: the last full report, by result id, so that a pull whose `previousResultId` names it and whose
   * diagnostics are the same again is answered `unchanged` (nothing to serialise or re-render).
   */
  report?: { resultId: string; json: string };
}

export interface DocumentStoreDeps {
  /** The façade. A function: the service is built after the store, because its environment reads the open buffers. */
  service: () => Service;
  settings: SettingsSource;
  guard: Guard;
  /** Runs a validation recording what it reads (dependencies.ts); without it, every result is stale after any edit. */
  track?: <T>(f: () => T) => { value: T; reads: Reads };
}

export class DocumentStore {
  private readonly documents = new TextDocuments(TextDocument);
  /** The open documents by absolute path (the core asks for files by path). */
  private readonly byPath = new Map<string, TextDocument>();
  private readonly entries = new Map<string, Entry>();
  private resultIds = 0;

  constructor(private readonly deps: DocumentStoreDeps) {
    this.documents.onDidOpen(e => { this.byPath.set(pathKey(e.document.uri), e.document); });
    this.documents.onDidChangeContent(e => { this.byPath.set(pathKey(e.document.uri), e.document); });
  }

  /** The document events (open, change, close) for the server's handlers. */
  get events(): Pick<TextDocuments<TextDocument>, 'onDidOpen' | 'onDidChangeContent' | 'onDidClose'> {
    return this.documents;
  }

  get(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  all(): TextDocument[] {
    return this.documents.all();
  }

  /** The open document of a file-system path, if any. */
  openAt(fsPath: string): TextDocument | undefined {
    return this.byPath.get(pathKey(fsPath));
  }

  /** The language of a document: its editor language when it is one of ours, else the one its file name gives. */
  languageOf(doc: TextDocument): LanguageId | undefined {
    if ((LANGUAGE_IDS as readonly string[]).includes(doc.languageId)) return doc.languageId as LanguageId;
    return this.deps.service().languageOf(uriToPath(doc.uri));
  }

  /** The document's parse for its current version (cached); `undefined` for a document of no language of ours. */
  source(doc: TextDocument): Parsed | undefined {
    const languageId = this.languageOf(doc);
    if (!languageId) return undefined;
    const entry = this.entry(doc.uri);
    const hit = entry.parsed;
    if (hit && hit.version === doc.version && hit.source.languageId === languageId) return hit;
    const source: SourceDocument = { path: uriToPath(doc.uri), text: doc.getText(), languageId, version: doc.version };
    // The previous parse lets YAML re-parse only the documents that changed.
    const previous = hit && hit.source.languageId === languageId ? hit.file : undefined;
    const file = this.deps.service().parse(source, previous);
    entry.parsed = { version: doc.version, file, source };
    return { file, source };
  }

  /** The document's settings, asked for once until `clear` or `evict`. */
  settings(uri: string): Promise<Settings> {
    const entry = this.entry(uri);
    return entry.settings ??= this.deps.settings(uri);
  }

  /**
   * The problems of the document's current version (empty when pgtls is disabled for it): the cached result while
   * neither the document nor anything its validation read has changed since, else a new validation, cached.
   */
  async problems(doc: TextDocument): Promise<Problem[]> {
    const settings = await this.settings(doc.uri);
    if (!settings.enable) return [];
    const cached = this.entries.get(doc.uri)?.problems;
    if (cached && cached.version === doc.version && cached.reads) return cached.problems;
    return this.deps.guard('validation', doc.uri, [], () => {
      const src = this.source(doc);
      if (!src) return [];
      const validate = () => this.deps.service().validate(src.source, src.file, settings);
      const { value: problems, reads } = this.deps.track ? this.deps.track(validate) : { value: validate(), reads: undefined };
      this.entry(doc.uri).problems = { version: doc.version, problems, reads };
      return problems;
    });
  }

  /** The problems of the document's current version (code actions): `problems`, which answers from the cache when it can. */
  currentProblems(doc: TextDocument): Promise<Problem[]> {
    return this.problems(doc);
  }

  /**
   * The document at `uri` changed (edited, opened over its disk text, or closed back to it): the results of the other
   * documents whose validation read it are stale. Returns their URIs.
   */
  invalidateDependents(uri: string): string[] {
    const key = pathKey(uri);
    const open = this.get(uri);
    const yaml = (open ? this.languageOf(open) : this.deps.service().languageOf(uriToPath(uri))) === 'yaml';
    const stale: string[] = [];
    for (const [other, e] of this.entries) {
      if (other === uri || !e.problems) continue;
      if (!e.problems.reads || e.problems.reads.covers(key, yaml)) {
        e.problems = undefined;
        stale.push(other);
      }
    }
    return stale;
  }

  /** Files changed on disk: every document's problems are stale (their parses and settings stay). */
  staleAll(): void {
    for (const e of this.entries.values()) e.problems = undefined;
  }

  /**
   * The pull-diagnostics report of `items`: `unchanged` when they are the last report's again and the client holds its
   * id, else a full report (with the last id when the diagnostics did not change, else with a new one).
   */
  report(uri: string, items: Diagnostic[], previousResultId: string | undefined): DocumentDiagnosticReport {
    // The diagnostics as they would go over the wire: equal text, equal report (ranges, messages, related places).
    const json = JSON.stringify(items);
    const entry = this.entry(uri);
    const last = entry.report;
    if (last && last.json === json) {
      if (previousResultId === last.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: last.resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId: last.resultId, items };
    }
    const resultId = `${++this.resultIds}`;
    entry.report = { resultId, json };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  }

  /** Forgets a closed document: its path and everything cached for it. */
  evict(uri: string): void {
    this.byPath.delete(pathKey(uri));
    this.entries.delete(uri);
  }

  /** Forgets every cached result of every document (the documents stay open). */
  clear(): void {
    this.entries.clear();
  }

  listen(connection: Connection): void {
    this.documents.listen(connection);
  }

  private entry(uri: string): Entry {
    let e = this.entries.get(uri);
    if (!e) this.entries.set(uri, e = {});
    return e;
  }
}
