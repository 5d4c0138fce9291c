/**
 * "PG TLS: Probe Server…": asks for HOST[:PORT] and, optionally, a CA file, has the language server probe the server
 * (protocol.ts `pgtls/probe`, as `pgtls probe` does) and shows the report in a read-only document beside the editor.
 * An argument object skips the questions (tests, keybindings) and the command resolves with the server's result.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PROBE_REQUEST, type ProbeParams, type ProbeResult } from '../../../server/src/protocol';

const PROBE_SCHEME = 'pgtls-probe';

/** Registers the command and its read-only report views. */
export function registerProbeCommand(context: vscode.ExtensionContext, server: () => LanguageClient | undefined): void {
  const views = new Map<string, string>();
  let count = 0;
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PROBE_SCHEME, { provideTextDocumentContent: uri => views.get(uri.toString()) ?? '' }),
    vscode.commands.registerCommand('pgtls.probeServer', async (args?: Partial<ProbeParams>) => {
      const params = args?.target ? { ...args, target: args.target } : await ask();
      if (!params) return undefined;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const client = server();
      if (!client) throw new Error('the pgtls language server is not running');
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Probing ${params.target}…` },
        () => client.sendRequest<ProbeResult>(PROBE_REQUEST, { ...(folder?.scheme === 'file' ? { folder: folder.fsPath } : {}), ...params }),
      );
      const uri = vscode.Uri.from({ scheme: PROBE_SCHEME, path: `/probe ${params.target.replace(/[/\\]/g, '_')}.txt`, query: String(++count) });
      views.set(uri.toString(), result.text);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return result;
    }),
  );
}

/** The questions: the target, then the CA (a file, or none: the workspace's ca.crt / root.crt or libpq's default). */
async function ask(): Promise<ProbeParams | undefined> {
  const target = await vscode.window.showInputBox({
    title: 'PG TLS: Probe Server', prompt: 'Host and port of a PostgreSQL, Pgpool-II or PgBouncer (HOST[:PORT], default port 5432)',
    placeHolder: 'db.example.com:5432',
    validateInput: v => (/^(\[[^\]]+\]|[^\s:[\]]+|[0-9A-Fa-f:]+)(:\d{1,5})?$/.test(v.trim()) ? undefined : 'HOST, HOST:PORT or [IPv6]:PORT'),
  });
  if (!target) return undefined;
  const pick = await vscode.window.showQuickPick([
    { label: 'Choose a CA file…', id: 'file' },
    { label: 'No CA file', description: "the workspace's ca.crt or root.crt, else ~/.postgresql/root.crt, else no verification", id: 'none' },
  ], { title: 'Verify the server against' });
  if (!pick) return undefined;
  if (pick.id === 'none') return { target: target.trim() };
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use as CA', filters: { Certificates: ['crt', 'pem', 'cer'], 'All files': ['*'] } });
  if (!files?.[0]) return undefined;
  return { target: target.trim(), ca: files[0].fsPath };
}
