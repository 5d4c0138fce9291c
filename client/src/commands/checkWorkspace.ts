/**
 * "PG TLS: Check Workspace": the language server checks every file of the workspace folders as `pgtls check` would
 * (protocol.ts `pgtls/checkWorkspace`), under a cancellable progress notification fed by the server's work-done
 * progress, and the Problems panel gets the findings of the closed files. Open files keep their live diagnostics, and
 * a folder whose `pgtls.validate` is `workspace` already has its closed files reported by the workspace pull, so
 * neither is shown twice. A file's entry goes when it is opened (its live diagnostics take over) or changes on disk.
 * The command resolves with a summary (the e2e suite reads it).
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type Diagnostic, type LanguageClient, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import { CHECK_WORKSPACE_REQUEST, SETTINGS_SECTION, type CheckWorkspaceParams, type CheckWorkspaceResult } from '../../../server/src/protocol';

export interface CheckWorkspaceSummary {
  files: number;
  /** Files whose findings this command put in the Problems panel. */
  shown: number;
  errors: number;
  warnings: number;
  notes: number;
  stoppedEarly?: string;
  cancelled?: boolean;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function registerCheckWorkspaceCommand(context: vscode.ExtensionContext, server: () => LanguageClient | undefined): void {
  const collection = vscode.languages.createDiagnosticCollection('pgtls-workspace');
  const forget = (uri: vscode.Uri) => collection.delete(uri);
  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(
    collection, watcher,
    vscode.workspace.onDidOpenTextDocument(d => forget(d.uri)),
    watcher.onDidChange(forget), watcher.onDidDelete(forget),
    vscode.commands.registerCommand('pgtls.checkWorkspace', async (): Promise<CheckWorkspaceSummary | undefined> => {
      const client = server();
      if (!client) throw new Error('the pgtls language server is not running');
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'PG TLS: Checking the workspace', cancellable: true },
        (progress, cancel) => request(client, progress, cancel),
      );
      const summary = await show(client, collection, result);
      void vscode.window.showInformationMessage(message(summary));
      return summary;
    }),
  );
}

/** Sends the request with a work-done token and turns the server's progress into the notification's. */
async function request(client: LanguageClient, progress: vscode.Progress<{ message?: string; increment?: number }>, cancel: vscode.CancellationToken): Promise<CheckWorkspaceResult> {
  const token = randomUUID();
  let done = 0;
  const sub = client.onProgress(WorkDoneProgress.type, token, value => {
    if (value.kind !== 'report') return;
    const r = value as WorkDoneProgressReport;
    const increment = r.percentage !== undefined ? Math.max(0, r.percentage - done) : undefined;
    if (r.percentage !== undefined) done = Math.max(done, r.percentage);
    progress.report({ ...(r.message ? { message: r.message } : {}), ...(increment ? { increment } : {}) });
  });
  try {
    const params: CheckWorkspaceParams = { workDoneToken: token };
    return await client.sendRequest<CheckWorkspaceResult>(CHECK_WORKSPACE_REQUEST, params, cancel);
  } catch (e) {
    if (cancel.isCancellationRequested) return { files: [], cancelled: true };
    throw e;
  } finally {
    sub.dispose();
  }
}

/** Fills the collection with the findings of the closed files no workspace pull reports, and counts everything. */
async function show(client: LanguageClient, collection: vscode.DiagnosticCollection, result: CheckWorkspaceResult): Promise<CheckWorkspaceSummary> {
  collection.clear();
  const open = new Set(vscode.workspace.textDocuments.map(d => d.uri.toString()));
  const summary: CheckWorkspaceSummary = {
    files: result.files.length, shown: 0, errors: 0, warnings: 0, notes: 0,
    ...(result.stoppedEarly ? { stoppedEarly: result.stoppedEarly } : {}), ...(result.cancelled ? { cancelled: true } : {}),
  };
  const entries: [vscode.Uri, vscode.Diagnostic[]][] = [];
  for (const f of result.files) {
    const diagnostics = await client.protocol2CodeConverter.asDiagnostics(f.diagnostics as Diagnostic[]);
    for (const d of diagnostics) {
      if (d.severity === vscode.DiagnosticSeverity.Error) summary.errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) summary.warnings++;
      else summary.notes++;
    }
    const uri = client.protocol2CodeConverter.asUri(f.uri);
    const pulled = vscode.workspace.getConfiguration(SETTINGS_SECTION, uri).get<string>('validate') === 'workspace';
    if (open.has(uri.toString()) || pulled || !diagnostics.length) continue;
    entries.push([uri, diagnostics]);
  }
  collection.set(entries);
  summary.shown = entries.length;
  return summary;
}

function message(s: CheckWorkspaceSummary): string {
  const counts = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.notes, 'note')}`;
  const head = s.cancelled ? `Check Workspace cancelled after ${plural(s.files, 'file')}` : `Checked ${plural(s.files, 'file')}`;
  return `${head}: ${counts}.${s.stoppedEarly ? ` Not every file was checked: ${s.stoppedEarly}.` : ''}`;
}
