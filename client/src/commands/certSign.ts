/**
 * "PG TLS: Sign a CSR…" (pgtls.signCsr): asks for the CSR file, the role, the CA folder (ca.crt + ca.key) and the
 * certificate file to write, confirms an overwrite, and shows the server's summary (protocol.ts `pgtls/certs/sign`).
 * An argument object ({ csr, caCert, caKey, role, out, … } as CertSignParams, paths absolute) skips the questions.
 * Nothing here reads a key: the server reads the CA key, and the CSR's key never exists here at all.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CERT_SIGN_REQUEST, type CertSignParams, type CertSignResult } from '../../../server/src/protocol';
import { Cancelled, ask, hasCa, workspaceRoot } from './certQuestions';

async function pickFile(title: string, filters: Record<string, string[]>, defaultUri?: vscode.Uri): Promise<string> {
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: false, canSelectMany: false, title, openLabel: 'Select', filters, ...(defaultUri ? { defaultUri } : {}) });
  if (!picked?.[0]) throw new Cancelled();
  return picked[0].fsPath;
}

async function askParams(arg: vscode.Uri | undefined): Promise<CertSignParams> {
  const root = workspaceRoot();
  const csr = arg?.fsPath ?? await pickFile('PG TLS: the certificate signing request to sign', { CSR: ['csr', 'req', 'pem', 'der'], 'All files': ['*'] }, root ? vscode.Uri.file(root) : undefined);
  const role = await vscode.window.showQuickPick([
    { label: 'Server certificate', detail: 'serverAuth; the CSR\'s CN and requested names become the names clients verify', role: 'server' as const },
    { label: 'Client certificate', detail: 'clientAuth; the CSR\'s CN is the database user the certificate logs in as', role: 'client' as const },
  ], { title: 'PG TLS: sign the CSR as', ignoreFocusOut: true });
  if (!role) throw new Cancelled();
  let caDir = path.dirname(csr);
  if (!hasCa(caDir)) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: 'PG TLS: the folder with ca.crt and ca.key', openLabel: 'Sign with this CA', defaultUri: vscode.Uri.file(root ?? caDir) });
    if (!picked?.[0]) throw new Cancelled();
    caDir = picked[0].fsPath;
  }
  const out = await ask('The certificate file to write', path.join(path.dirname(csr), `${path.basename(csr).replace(/\.[^.]*$/, '')}.crt`));
  return { csr, caCert: path.join(caDir, 'ca.crt'), caKey: path.join(caDir, 'ca.key'), role: role.role, out };
}

/** Registers pgtls.signCsr; `server()` throws when the language server is not running. */
export function registerSignCsr(server: () => LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('pgtls.signCsr', async (arg?: unknown) => {
    const interactive = arg === undefined || arg instanceof vscode.Uri;
    try {
      let params = interactive ? await askParams(arg as vscode.Uri | undefined) : arg as CertSignParams;
      let result = await server().sendRequest<CertSignResult>(CERT_SIGN_REQUEST, params);
      if (result.status === 'exists' && interactive) {
        const choice = await vscode.window.showWarningMessage(`${path.basename(params.out)} already exists. Replace it?`, { modal: true }, 'Replace');
        if (choice !== 'Replace') throw new Cancelled();
        params = { ...params, force: true };
        result = await server().sendRequest<CertSignResult>(CERT_SIGN_REQUEST, params);
      }
      if (result.status === 'written') {
        output.info(`signCsr: ${result.message}`);
        if (interactive) {
          // Short: what and where; the SANs, dates and notes are in the output channel ("Show Details").
          const short = `PG TLS: Signed ${vscode.workspace.asRelativePath(result.path, false)} (${result.subject}).`;
          void vscode.window.showInformationMessage(short, 'Show Details', 'Open certificate').then(c => {
            if (c === 'Show Details') output.show(true);
            else if (c) void vscode.window.showTextDocument(vscode.Uri.file(result.status === 'written' ? result.path : ''));
          });
        }
      }
      return result;
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      output.error(`pgtls.signCsr: ${message}`);
      if (!interactive) throw e;
      void vscode.window.showErrorMessage(`PG TLS: ${message}`);
      return undefined;
    }
  });
}
