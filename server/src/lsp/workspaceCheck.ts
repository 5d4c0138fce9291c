/**
 * Diagnostics for the files of the workspace folders, open or not: LSP pull workspace diagnostics (`workspace/diagnostic`,
 * when `pgtls.validate` is `workspace` for a folder) and the `pgtls/checkWorkspace` request ("PG TLS: Check Workspace",
 * whatever the setting says). A folder is listed as `pgtls check FOLDER` lists it (`checkableFiles`, node/listFiles.ts),
 * each file is checked as `pgtls check` checks it (parse and validate through the façade, with the folder's settings),
 * so the editor and the CLI give the same findings. Bounded: at most `WORKSPACE_LIMITS` files and folders and
 * `WORKSPACE_MAX_CHARS` characters read per run; the log (and the command's answer) says when a run stopped early.
 *
 * The client pulls the workspace again and again (VS Code every two seconds after an answer). A pull re-validates only
 * when something may have changed: a generation that every edit, watched-file event and settings change advances (the
 * folders are walked again only then), and the disk stamps (time, size) of the listed files. Otherwise each file the client holds the last result id of is
 * answered `unchanged` without being read.
 */
import * as path from 'node:path';
import {
  DocumentDiagnosticReportKind, type CancellationToken, type Diagnostic, type WorkspaceDiagnosticParams, type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { checkableFiles, fileStamp, type CheckLimits } from '../node/listFiles';
import type { Problem, Settings } from '../core/types';
import type { CheckWorkspaceParams, CheckWorkspaceResult } from '../protocol';
import { pathToUri, toDiagnostics, uriToPath } from './convert';
import type { Glue } from './features';

/** Bounds of one run over the workspace folders (all folders together). */
export const WORKSPACE_LIMITS: CheckLimits = { maxFiles: 2000, maxFolders: 20000 };
export const WORKSPACE_MAX_CHARS = 64 * 1024 * 1024;

/** One file of a run: its folder's settings, and its diagnostics once checked. */
interface Listed {
  file: string;
  settings: Settings;
}

/** The files of the workspace folders to check, and why the listing stopped early, if it did. */
interface Listing {
  files: Listed[];
  stoppedEarly?: string;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Lets the connection read the next message (a cancellation) between files. */
const nextTurn = () => new Promise<void>(resolve => setImmediate(resolve));

export class WorkspaceCheck {
  /** Advanced by every change that may change a file's findings (edits, watched files, settings, folders). */
  private generation = 0;
  /** What the last pull validated: its generation and the stamps of its files. */
  private validated: { generation: number; stamps: Map<string, string | undefined> } | undefined;
  /** The last workspace report of each file (result ids are `w<n>`, never one of the document pulls'). */
  private readonly reports = new Map<string, { resultId: string; json: string }>();
  private ids = 0;
  /** The last pull's listing of the folders, valid for one generation. */
  private listing: { generation: number; listing: Listing } | undefined;
  private lastStopLog: string | undefined;

  constructor(private readonly g: Glue) {}

  /** Something changed: the next pull validates again. */
  changed(): void {
    this.generation++;
  }

  /** Forgets every report (shutdown, settings changed). */
  clear(): void {
    this.changed();
    this.reports.clear();
    this.validated = undefined;
    this.listing = undefined;
  }

  /** `workspace/diagnostic`: the closed files of the folders whose `pgtls.validate` is `workspace` (the open ones are pulled per document). */
  async pull(p: WorkspaceDiagnosticParams, token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    const generation = this.generation;
    // The folders are walked again only after a change (a watched file created or deleted advances the generation).
    if (this.listing?.generation !== generation) this.listing = { generation, listing: await this.list(s => s.enable && s.validate === 'workspace') };
    const listing = this.listing.listing;
    if (listing.stoppedEarly && listing.stoppedEarly !== this.lastStopLog) this.g.log(`workspace diagnostics: ${listing.stoppedEarly}`);
    this.lastStopLog = listing.stoppedEarly;
    const closed = listing.files.filter(f => !this.g.store.openAt(f.file));
    const stamps = new Map(closed.map(f => [f.file, fileStamp(f.file)] as const));
    const previous = new Map(p.previousResultIds.map(r => [r.uri, r.value]));
    const same = this.validated?.generation === generation && sameStamps(this.validated.stamps, stamps);
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    let chars = 0;
    for (const f of closed) {
      if (token.isCancellationRequested) break;
      const uri = pathToUri(f.file);
      const last = this.reports.get(uri);
      if (same && last && previous.get(uri) === last.resultId) {
        items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version: null, resultId: last.resultId });
        continue;
      }
      const checked = this.checkClosed(f);
      chars += checked.chars;
      items.push(this.report(uri, checked.diagnostics, previous.get(uri)));
      if (chars > WORKSPACE_MAX_CHARS) {
        this.g.log(`workspace diagnostics: stopped after ${plural(items.length, 'file')}: more than ${WORKSPACE_MAX_CHARS} characters read`);
        break;
      }
      await nextTurn();
    }
    if (!token.isCancellationRequested) this.validated = { generation, stamps };
    return { items };
  }

  /** `pgtls/checkWorkspace`: every file of every folder (open ones as their buffers read), with work-done progress. */
  async checkAll(p: CheckWorkspaceParams, token: CancellationToken): Promise<CheckWorkspaceResult> {
    const listing = await this.list(s => s.enable);
    const progress = p.workDoneToken !== undefined ? this.g.connection.window.attachWorkDoneProgress(p.workDoneToken) : undefined;
    progress?.begin('Checking the workspace', 0, `${plural(listing.files.length, 'file')} to check`, true);
    const files: CheckWorkspaceResult['files'] = [];
    let chars = 0;
    let stoppedEarly = listing.stoppedEarly;
    let cancelled = false;
    try {
      for (const [i, f] of listing.files.entries()) {
        await nextTurn();
        if (token.isCancellationRequested) {
          cancelled = true;
          break;
        }
        progress?.report(Math.round((100 * i) / listing.files.length), path.basename(f.file));
        const open = this.g.store.openAt(f.file);
        const checked = open ? { diagnostics: await this.checkOpen(open.uri), chars: open.getText().length } : this.checkClosed(f);
        files.push({ uri: open ? open.uri : pathToUri(f.file), diagnostics: checked.diagnostics });
        chars += checked.chars;
        if (chars > WORKSPACE_MAX_CHARS && files.length < listing.files.length) {
          stoppedEarly = `stopped after ${plural(files.length, 'file')} of ${listing.files.length}: more than ${WORKSPACE_MAX_CHARS} characters read`;
          break;
        }
      }
    } finally {
      progress?.done();
    }
    if (stoppedEarly) this.g.log(`Check Workspace: ${stoppedEarly}`);
    return { files, ...(stoppedEarly ? { stoppedEarly } : {}), ...(cancelled ? { cancelled } : {}) };
  }

  /** The files of the folders whose settings `wanted` accepts, within the bounds, each with its folder's settings. */
  private async list(wanted: (s: Settings) => boolean): Promise<Listing> {
    const files: Listed[] = [];
    const seen = new Set<string>();
    const stops: string[] = [];
    let left = WORKSPACE_LIMITS.maxFiles;
    for (const root of this.g.env.roots?.() ?? []) {
      const settings = await this.g.store.settings(pathToUri(root));
      if (!wanted(settings)) continue;
      if (left <= 0) {
        stops.push(`${path.basename(root)} not listed: the workspace check takes at most ${WORKSPACE_LIMITS.maxFiles} files`);
        continue;
      }
      const found = this.g.guard('workspace listing', root, { files: [] as string[] }, () =>
        checkableFiles(root, name => this.g.service.languageOf(name), { ...WORKSPACE_LIMITS, maxFiles: left }));
      if (found.stopped === 'files') stops.push(`${path.basename(root)}: stopped at ${WORKSPACE_LIMITS.maxFiles} files, the workspace check's limit`);
      if (found.stopped === 'folders') stops.push(`${path.basename(root)}: stopped after reading ${WORKSPACE_LIMITS.maxFolders} folders, the workspace check's limit`);
      for (const file of found.files) {
        if (seen.has(file)) continue; // nested workspace folders
        seen.add(file);
        files.push({ file, settings });
        left--;
      }
    }
    return { files, ...(stops.length ? { stoppedEarly: stops.join('; ') } : {}) };
  }

  /** A closed file as `pgtls check` checks it: the disk text, parsed and validated with its folder's settings. */
  private checkClosed(f: Listed): { diagnostics: Diagnostic[]; chars: number } {
    const text = this.g.env.readText(f.file);
    const problems: Problem[] = this.g.guard('workspace validation', f.file, [], () => {
      if (text === undefined) return [{ rule: 'pgtls/internal-error', span: [0, 0], severity: 'error', message: 'Cannot read the file.' }];
      const languageId = this.g.service.languageOf(f.file);
      if (!languageId) return [];
      const doc = { path: f.file, text, languageId };
      return this.g.service.validate(doc, this.g.service.parse(doc), f.settings);
    });
    const diagnostics = this.g.guard('workspace diagnostics', f.file, [], () => toDiagnostics(problems, text ?? '', f.file, file => this.g.env.readText(file), id => this.g.env.ruleDocsUrl?.(id)));
    return { diagnostics, chars: text?.length ?? 0 };
  }

  /** An open file: the store's problems of its buffer, as the document pull answers them. */
  private async checkOpen(uri: string): Promise<Diagnostic[]> {
    const doc = this.g.store.get(uri);
    if (!doc) return [];
    const problems = await this.g.store.problems(doc);
    return this.g.guard('workspace diagnostics', uri, [], () => toDiagnostics(problems, doc.getText(), uriToPath(doc.uri), file => this.g.env.readText(file), id => this.g.env.ruleDocsUrl?.(id)));
  }

  /** A full report with a new id when the diagnostics changed, else `unchanged` when the client holds the last id. */
  private report(uri: string, items: Diagnostic[], previousResultId: string | undefined): WorkspaceDocumentDiagnosticReport {
    const json = JSON.stringify(items);
    const last = this.reports.get(uri);
    if (last && last.json === json) {
      if (previousResultId === last.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, uri, version: null, resultId: last.resultId };
      return { kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: last.resultId, items };
    }
    const resultId = `w${++this.ids}`;
    this.reports.set(uri, { resultId, json });
    return { kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId, items };
  }
}

function sameStamps(a: ReadonlyMap<string, string | undefined>, b: ReadonlyMap<string, string | undefined>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of b) if (!a.has(k) || a.get(k) !== v) return false;
  return true;
}
