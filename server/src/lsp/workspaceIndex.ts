/**
 * The workspace index: the YAML files of the workspace folders, found by a bounded scan at start-up and when folders
 * are added, kept current by file-watcher events and folder removals. Open buffers take precedence over the disk.
 * The core sees it as `env.workspace` (cross-file rules, definitions, CRDs found in the workspace).
 */
import * as path from 'node:path';
import { FileChangeType, type FileEvent, type WorkspaceFolder, type WorkspaceFoldersChangeEvent } from 'vscode-languageserver';
import type { ServiceEnv, SourceDocument, WorkspaceFile, WorkspaceView } from '../core/types';
import type { ParsedFile } from '../service';
import { pathKey } from './convert';
import type { DocumentStore } from './documents';

/** Bounds of the index: YAML files of the workspace folders that cross-file rules may look at. */
const INDEX_MAX_FILES = 5000;
const INDEX_MAX_DEPTH = 12;
const INDEX_MAX_CHARS = 2 * 1024 * 1024;
const YAML_FILE = /\.ya?ml$/i;

/** One file on disk: `stamp` changes with every watcher event; the text is read once, on first use. */
interface DiskFile {
  stamp: number;
  text?: string | undefined;
  read?: boolean;
}

/** True when `file` is `root` or below it. */
function isUnder(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!!rel && !rel.startsWith('..') && !path.isAbsolute(rel));
}

export class WorkspaceIndex {
  private readonly roots: string[] = [];
  private readonly indexed = new Map<string, DiskFile>();
  private readonly indexParsed = new Map<string, { version: number | string; file: ParsedFile }>();
  private stamps = 0;

  /**
   * `env` reads and lists files (the environment without the index), `store` has the open buffers, and `parse` is the
   * façade's (a function: the service is built after the index, which its environment holds).
   */
  constructor(
    private readonly env: Pick<ServiceEnv, 'readText' | 'listFiles'>,
    private readonly store: DocumentStore,
    private readonly parse: (doc: SourceDocument, previous?: ParsedFile) => ParsedFile,
  ) {}

  /** The view the core gets as `env.workspace`. */
  readonly view: WorkspaceView = {
    roots: () => this.roots,
    files: () => this.files(),
    parsed: f => this.parsed(f),
  };

  get size(): number {
    return this.indexed.size;
  }

  /** The folders of `initialize` (or its root URI when the client names no folders). */
  setRoots(folders: readonly WorkspaceFolder[] | null | undefined, rootUri: string | null | undefined): void {
    for (const f of folders ?? []) this.roots.push(pathKey(f.uri));
    if (!this.roots.length && rootUri) this.roots.push(pathKey(rootUri));
  }

  describeRoots(): string {
    return this.roots.join(', ');
  }

  /** Adds the YAML files below `only` (default: every root) to the index, within its bounds. */
  scan(only: readonly string[] = this.roots): void {
    if (!this.env.listFiles) return;
    for (const root of only) {
      if (this.indexed.size >= INDEX_MAX_FILES) return;
      const found = this.env.listFiles(root, { extensions: ['.yaml', '.yml'], maxDepth: INDEX_MAX_DEPTH, maxFiles: INDEX_MAX_FILES - this.indexed.size });
      for (const p of found) {
        if (this.indexed.size >= INDEX_MAX_FILES) return;
        const file = path.resolve(p);
        if (!this.indexed.has(file)) this.indexed.set(file, { stamp: ++this.stamps });
      }
    }
  }

  /**
   * Workspace folders added or removed at run time: the removed folders' files leave the index (unless another folder
   * still holds them), and the added folders are scanned.
   */
  changeFolders(e: WorkspaceFoldersChangeEvent): void {
    const removed = e.removed.map(f => pathKey(f.uri));
    const added = e.added.map(f => pathKey(f.uri));
    for (const r of removed) {
      const i = this.roots.indexOf(r);
      if (i >= 0) this.roots.splice(i, 1);
    }
    if (removed.length) {
      for (const file of [...this.indexed.keys()]) {
        if (removed.some(r => isUnder(file, r)) && !this.roots.some(r => isUnder(file, r))) {
          this.indexed.delete(file);
          this.indexParsed.delete(file);
        }
      }
    }
    const fresh = added.filter(a => !this.roots.includes(a));
    this.roots.push(...fresh);
    this.scan(fresh);
  }

  /** File-watcher events: changed YAML files are read again, deleted ones leave the index, new ones join it. */
  changeFiles(changes: readonly FileEvent[]): void {
    for (const c of changes) {
      const file = pathKey(c.uri);
      if (!YAML_FILE.test(file)) continue;
      this.indexParsed.delete(file);
      if (c.type === FileChangeType.Deleted) this.indexed.delete(file);
      else if (this.indexed.has(file) || this.indexed.size < INDEX_MAX_FILES) this.indexed.set(file, { stamp: ++this.stamps });
    }
  }

  /** Forgets every file and parse (shutdown). */
  clear(): void {
    this.indexParsed.clear();
    this.indexed.clear();
  }

  /** The open YAML buffers, then the indexed files that are not open. */
  private *files(): Iterable<WorkspaceFile> {
    const open = new Set<string>();
    for (const d of this.store.all()) {
      if (this.store.languageOf(d) !== 'yaml') continue;
      const p = pathKey(d.uri);
      open.add(p);
      yield { path: p, languageId: 'yaml', version: `open:${d.version}`, text: () => d.getText() };
    }
    for (const [p, entry] of this.indexed) {
      if (open.has(p)) continue;
      yield { path: p, languageId: 'yaml', version: `disk:${entry.stamp}`, text: () => this.diskText(p, entry) };
    }
  }

  private diskText(p: string, entry: DiskFile): string | undefined {
    if (!entry.read) {
      const t = this.env.readText(p);
      entry.text = t !== undefined && t.length <= INDEX_MAX_CHARS ? t : undefined;
      entry.read = true;
    }
    return entry.text;
  }

  /** A file's parse: the open document's (the store's cache), else the index's for the file's version. */
  private parsed(f: WorkspaceFile): unknown {
    const open = this.store.openAt(f.path);
    if (open && this.store.languageOf(open) === 'yaml') return this.store.source(open)?.file;
    const hit = this.indexParsed.get(f.path);
    if (hit && hit.version === f.version) return hit.file;
    const text = f.text();
    if (text === undefined) return undefined;
    const file = this.parse({ path: f.path, text, languageId: 'yaml' }, hit?.file);
    this.indexParsed.set(f.path, { version: f.version, file });
    return file;
  }
}
