/**
 * "PG TLS: Inspect Certificate": asks the server to decode the certificate under the cursor, in the selection or in
 * the open file, and shows the result in a read-only view beside the editor. In a pgpool.conf, postgresql.conf or
 * pgbouncer.ini it follows the certificate path value under the cursor (`ssl_cert_file = 'server.crt'`) to its file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CERT_INSPECT_REQUEST, type CertInspectParams, type CertInspectResult } from '../../../server/src/protocol';

/** The optional argument of the inspect command: a file or a text to decode instead of the active editor's. */
export type InspectArgs = CertInspectParams;

const INSPECT_SCHEME = 'pgtls-certificate';

/** The configurations whose certificate paths the command follows from the cursor. */
const CONFIG_LANGUAGES: ReadonlySet<string> = new Set(['pgpool-conf', 'postgresql-conf', 'pgbouncer-ini']);

/** Registers the read-only views and returns the command's implementation. */
export function certInspector(context: vscode.ExtensionContext, server: () => LanguageClient): (args: InspectArgs | undefined) => Promise<CertInspectResult & { uri: string }> {
  const views = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  let viewCount = 0;
  context.subscriptions.push(changed, vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, {
    onDidChange: changed.event,
    provideTextDocumentContent: uri => views.get(uri.toString()) ?? '',
  }));
  return async args => {
    const { params, label } = args && (args.uri || args.text)
      ? { params: { ...(args.text !== undefined ? { text: args.text } : {}), ...(args.uri ? { uri: args.uri } : {}), ...(typeof args.offset === 'number' ? { offset: args.offset } : {}) }, label: args.uri ? path.basename(vscode.Uri.parse(args.uri).path) : 'selection' }
      : fromActiveEditor();
    const result = await server().sendRequest<CertInspectResult>(CERT_INSPECT_REQUEST, params);
    // Followed from a configuration's path value: the view is named after the certificate file.
    const name = result.file ? path.basename(result.file) : label;
    const uri = vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${name.replace(/[/\\]/g, '_')}.txt`, query: String(++viewCount) });
    views.set(uri.toString(), result.text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return { ...result, uri: uri.toString() };
  };
}

/** The selection, a certificate file, or the base64 Secret value under the cursor, and a title for the view. */
function fromActiveEditor(): { params: CertInspectParams; label: string } {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new Error('open a .crt or .pem file, or put the cursor on a base64 certificate in a Secret');
  const doc = editor.document;
  const label = path.basename(doc.uri.path);
  if (!editor.selection.isEmpty) return { params: { text: doc.getText(editor.selection) }, label };
  // In a server configuration: the certificate file the path value under the cursor names (the server locates it).
  if (CONFIG_LANGUAGES.has(doc.languageId)) return { params: { uri: doc.uri.toString(), offset: doc.offsetAt(editor.selection.active) }, label };
  if (/\.(crt|pem|cer|der)$/i.test(doc.uri.path) || doc.getText().includes('-----BEGIN CERTIFICATE-----') && doc.languageId !== 'yaml') {
    return { params: doc.uri.scheme === 'file' && !doc.isDirty ? { uri: doc.uri.toString() } : { text: doc.getText() }, label };
  }
  const range = doc.getWordRangeAtPosition(editor.selection.active, /[A-Za-z0-9+/=]{40,}/);
  if (!range) throw new Error('put the cursor on a base64 Secret value (e.g. tls.crt or ca.crt), select a PEM certificate, or open a .crt/.pem file');
  const key = /^\s*([\w.-]+)\s*:/.exec(doc.lineAt(range.start.line).text)?.[1];
  return { params: { text: doc.getText(range) }, label: key ? `${label} ${key}` : label };
}
