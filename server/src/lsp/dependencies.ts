/**
 * What a document's validation read: the files (by path), the folders it listed, and the workspace files it looked
 * across. The glue records it for each validated open document (`DocumentStore.problems`), so that an edit makes
 * stale only the documents that read the edited file (a pool_hba.conf reads the pgpool.conf beside it; a YAML file that
 * looks a Secret up reads the workspace's YAML files), and the others keep their result.
 *
 * Recording wraps the core's environment: every read the core makes goes through `ServiceEnv`, so a file it never
 * asks for cannot change its answer. Validation is synchronous, so one recording is open at a time; a nested one (a
 * validation inside a validation) adds to the outer one as well.
 */
import * as path from 'node:path';
import type { ServiceEnv, WorkspaceFile, WorkspaceView } from '../core/types';
import { pathKey } from './convert';

/** The paths and folders one validation read (`pathKey` form). */
export class Reads {
  readonly files = new Set<string>();
  readonly folders = new Set<string>();
  /** Whether the validation looked across the workspace's YAML files: a YAML file that appears changes what it saw. */
  workspace = false;

  /** Whether a change of `path` (a `pathKey`; `yaml` when it is a YAML file of ours) can change what was read. */
  covers(path: string, yaml: boolean): boolean {
    if (this.files.has(path) || (yaml && this.workspace)) return true;
    for (const dir of this.folders) if (path.startsWith(dir)) return true;
    return false;
  }
}

export class ReadTracker {
  private readonly open: Reads[] = [];

  /** Runs `f`, recording every file and folder the wrapped environment is asked for meanwhile. */
  track<T>(f: () => T): { value: T; reads: Reads } {
    const reads = new Reads();
    this.open.push(reads);
    try {
      return { value: f(), reads };
    } finally {
      this.open.pop();
    }
  }

  private file(p: string): void {
    if (this.open.length === 0) return;
    const key = pathKey(p);
    for (const r of this.open) r.files.add(key);
  }

  private listedWorkspace(): void {
    for (const r of this.open) r.workspace = true;
  }

  private folder(dir: string): void {
    if (this.open.length === 0) return;
    const key = pathKey(dir);
    const prefix = key.endsWith(path.sep) ? key : `${key}${path.sep}`;
    for (const r of this.open) r.folders.add(prefix);
  }

  /** `env` with its reads recorded (the other members are passed through). */
  wrap(env: ServiceEnv): ServiceEnv {
    const wrapped: ServiceEnv = {
      ...env,
      readText: p => { this.file(p); return env.readText(p); },
      readBytes: p => { this.file(p); return env.readBytes(p); },
      stat: p => { this.file(p); return env.stat(p); },
    };
    if (env.listFiles) {
      const list = env.listFiles.bind(env);
      wrapped.listFiles = (dir, options) => { this.folder(dir); return list(dir, options); };
    }
    if (env.workspace) wrapped.workspace = this.wrapWorkspace(env.workspace);
    return wrapped;
  }

  /** Looking across the workspace reads every file listed (a lookup scans their text): each one is recorded. */
  private wrapWorkspace(ws: WorkspaceView): WorkspaceView {
    const tracker = this;
    const view: WorkspaceView = {
      roots: () => ws.roots(),
      *files(): Iterable<WorkspaceFile> {
        tracker.listedWorkspace();
        for (const f of ws.files()) {
          tracker.file(f.path);
          yield f;
        }
      },
    };
    if (ws.parsed) {
      const parsed = ws.parsed.bind(ws);
      view.parsed = f => { tracker.file(f.path); return parsed(f); };
    }
    if (ws.containing) {
      const containing = ws.containing.bind(ws);
      view.containing = function* (needle) {
        tracker.listedWorkspace(); // which files hold the needle changes with any YAML file
        for (const f of containing(needle)) {
          tracker.file(f.path);
          yield f;
        }
      };
    }
    return ws.partial === undefined ? view : { ...view, partial: ws.partial };
  }
}
