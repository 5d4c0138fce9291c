/**
 * The resources of the workspace, for rules that look another resource up by kind, namespace and name (a Secret, an
 * Issuer) and for the CustomResourceDefinitions that define users' kinds.
 *
 * The files come from `env.workspace` (the language server's index: the YAML files of the workspace folders, open
 * buffers over the disk, already parsed in the glue's cache; or `pgtls check`'s index of the YAML files of its run,
 * which answers lookups by name through `containing`) or, without one (tests, `pgtls map`), from the YAML files beside
 * the validated file. The file being validated always takes part with its current text. Built lazily, once per
 * validation run: rules that never look anything up cost nothing.
 */
import type { FeatureContext } from '../../core/language';
import type { Span, WorkspaceFile, WorkspaceView } from '../../core/types';
import { stringAt } from './data';
import { parseK8s, type Header, type K8sDocument, type K8sFile } from './parse';

/** A document of some file of the workspace. */
export interface IndexedDocument {
  path: string;
  doc: K8sDocument;
  header: Header;
}

/** At most this many sibling files are read when there is no workspace index (pgtls check always has one). */
const MAX_SIBLINGS = 200;

const dirOf = (p: string): string => {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i <= 0 ? p.slice(0, i + 1) || '.' : p.slice(0, i);
};

const sameFile = (a: string, b: string): boolean => a.replace(/\\/g, '/') === b.replace(/\\/g, '/');

export class WorkspaceResources {
  private sources: { path: string; text: () => string | undefined; parse: () => K8sFile | undefined }[] | undefined;
  private readonly parsedFiles = new Map<string, IndexedDocument[]>();
  private readonly byKindName = new Map<string, Map<string, IndexedDocument[]>>();

  constructor(private readonly ctx: Pick<FeatureContext, 'env' | 'parseSibling'>, private readonly currentPath: string, private readonly current: K8sFile) {}

  /** True when the index covers a real workspace (the language server); false when it holds only nearby files. */
  get isWorkspace(): boolean {
    return !!this.ctx.env.workspace && !this.ctx.env.workspace.partial;
  }

  /** Where a lookup looked, for messages: "in the workspace", "among the YAML files of this run", "in this folder". */
  get scope(): string {
    const ws = this.ctx.env.workspace;
    return ws ? (ws.partial ? 'among the YAML files of this run' : 'in the workspace') : 'in this folder';
  }

  /**
   * Every document of every YAML file, the validated file first. With `needle`, only files whose text contains it are
   * parsed (a Secret lookup reads only files that mention `Secret`): the first look across a large workspace then
   * costs a text scan, not a parse of every file.
   */
  documents(needle?: string): IndexedDocument[] {
    const out: IndexedDocument[] = [...this.docsOf(this.currentPath, () => this.current)];
    const ws = this.ctx.env.workspace;
    if (needle && ws?.containing) {
      // Perf: an index answers which files hold the needle; only those are parsed (or taken from its cache).
      for (const f of ws.containing(needle)) {
        if (!sameFile(f.path, this.currentPath)) out.push(...this.docsOf(f.path, () => parsedOf(ws, f)));
      }
      return out;
    }
    for (const src of this.list()) {
      if (needle) {
        const text = src.text();
        if (text === undefined || !text.includes(needle)) continue;
      }
      out.push(...this.docsOf(src.path, src.parse));
    }
    return out;
  }

  /**
   * The documents of `kind` that may hold `value` (a name) as a whole key or value: with an index that answers by
   * words (`pgtls check`), only the files that hold it; else every document of the kind. Callers compare the value.
   */
  documentsOf(kind: string, value: string): IndexedDocument[] {
    const docs = this.ctx.env.workspace?.containing ? this.documents(value) : this.documents(kind);
    return docs.filter(d => d.header.kind === kind);
  }

  /** Documents of `kind` named `name`; `namespace` filters when both sides name one (an unset namespace matches any). */
  find(kind: string, name: string, namespace?: string, apiVersion?: string): IndexedDocument[] {
    const match = (d: IndexedDocument) => (!apiVersion || d.header.apiVersion === apiVersion)
      && (!namespace || !d.header.namespace || d.header.namespace === namespace);
    // Perf: an index answers by name: the files that hold the name, not every document of the kind.
    if (this.ctx.env.workspace?.containing) return this.documentsOf(kind, name).filter(d => d.header.name === name && match(d));
    // Perf: the documents of a kind are indexed by name once per run; rules look up many names of few kinds.
    let byName = this.byKindName.get(kind);
    if (!byName) {
      byName = new Map();
      for (const d of this.documents(kind)) {
        if (d.header.kind !== kind || d.header.name === undefined) continue;
        const list = byName.get(d.header.name);
        if (list) list.push(d);
        else byName.set(d.header.name, [d]);
      }
      this.byKindName.set(kind, byName);
    }
    return (byName.get(name) ?? []).filter(match);
  }

  /**
   * The cert-manager Certificates that write Secret `name` (their `spec.secretName`), in `namespace` when both sides
   * name one (an unset namespace matches any), or in every namespace when `namespace` is undefined.
   */
  certificatesWriting(name: string, namespace?: string): IndexedDocument[] {
    return this.documentsOf('Certificate', name).filter(d => d.header.apiVersion === 'cert-manager.io/v1'
      && (!namespace || !d.header.namespace || d.header.namespace === namespace)
      && d.doc.part.doc !== undefined && stringAt(d.doc.part.doc, ['spec', 'secretName'])?.value === name);
  }

  /** The one document a reference names: of those `find` returns, the first in exactly `namespace`, else the first. */
  findOne(kind: string, name: string, namespace?: string, apiVersion?: string): IndexedDocument | undefined {
    const found = this.find(kind, name, namespace, apiVersion);
    return found.find(d => d.header.namespace === namespace) ?? found[0];
  }

  private docsOf(path: string, parse: () => K8sFile | undefined): IndexedDocument[] {
    let docs = this.parsedFiles.get(path);
    if (!docs) {
      const file = parse();
      docs = (file?.documents ?? []).filter(doc => !doc.part.templated).map(doc => ({ path, doc, header: doc.part.header }));
      this.parsedFiles.set(path, docs);
    }
    return docs;
  }

  private list(): { path: string; text: () => string | undefined; parse: () => K8sFile | undefined }[] {
    if (this.sources) return this.sources;
    const env = this.ctx.env;
    const out: { path: string; text: () => string | undefined; parse: () => K8sFile | undefined }[] = [];
    if (env.workspace) {
      const ws = env.workspace;
      for (const f of ws.files()) {
        if (f.languageId !== 'yaml' || sameFile(f.path, this.currentPath)) continue;
        out.push({
          path: f.path, text: () => f.text(),
          parse: () => parsedOf(ws, f),
        });
      }
    } else {
      const siblings = env.listFiles?.(dirOf(this.currentPath), { extensions: ['.yaml', '.yml'], maxDepth: 0, maxFiles: MAX_SIBLINGS }) ?? [];
      for (const p of siblings) {
        if (sameFile(p, this.currentPath)) continue;
        let text: string | undefined | null = null;
        out.push({
          path: p,
          text: () => (text === null ? (text = env.readText(p)) : text),
          parse: () => this.ctx.parseSibling<K8sFile>(p, 'yaml')?.file,
        });
      }
    }
    this.sources = out;
    return out;
  }
}

/** A workspace file's parse: the view's cached one, else a parse of its text. */
function parsedOf(ws: WorkspaceView, f: WorkspaceFile): K8sFile | undefined {
  const cached = fromParsed(ws.parsed?.(f));
  if (cached) return cached;
  const text = f.text();
  return text === undefined ? undefined : parseK8s(text);
}

/** The K8sFile inside a façade ParsedFile handed back by the glue (`{ languageId, file, skipped? }`). */
export function fromParsed(parsed: unknown): K8sFile | undefined {
  if (!parsed || typeof parsed !== 'object') return undefined;
  const p = parsed as { languageId?: string; file?: unknown; skipped?: unknown };
  if (p.languageId !== 'yaml' || p.skipped || !p.file || typeof p.file !== 'object') return undefined;
  return Array.isArray((p.file as K8sFile).documents) ? (p.file as K8sFile) : undefined;
}

/** A place in a file, for related information: with a `message`, an entry of a finding's `related` list. */
export interface Place {
  file: string;
  span: Span;
}

/** A document-relative span of a document of the file at `path`, as a place of that file. */
export function placeIn(path: string, doc: K8sDocument, span: Span): Place {
  return { file: path, span: [span[0] + doc.base, span[1] + doc.base] };
}

/** Where a workspace document's `metadata.name` value is (file offsets; the document's start when it has none), for related information. */
export function namePlace(d: IndexedDocument): Place {
  const at = d.doc.part.doc ? stringAt(d.doc.part.doc, ['metadata', 'name'])?.span : undefined;
  return placeIn(d.path, d.doc, at ?? [0, 0]);
}
