/**
 * "PG TLS: Renew Certificates…" and "PG TLS: Rotate CA…": the client asks (which set, new keys or not, which
 * operator), confirms, and the language server renews or rotates and writes (protocol.ts `pgtls/certs/renew`,
 * `pgtls/certs/rotateCa`; node/certLifecycle.ts). `pgtls.renewCertificates` also takes `{ dir }` or a file URI
 * string (the expiry code lens's "Renew"): the set is then known and only the confirmation is asked. An argument
 * with more fields (`newKeys`, `backup`) runs without questions and resolves with the server's result.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CERT_RENEW_REQUEST, CERT_ROTATE_CA_REQUEST, RENEW_COMMAND, type CertLifecycleParams, type CertLifecycleResult } from '../../../server/src/protocol';
import { Cancelled, ask, workspaceRoot } from './certQuestions';

/** The argument of both commands: the set's folder (absolute, or relative to the first workspace folder) and options. */
export type LifecycleArgs = { dir: string; newKeys?: boolean; backup?: boolean; operator?: string; name?: string; namespace?: string };

const OPERATORS = [
  { label: 'No operator', id: 'none', detail: 'Plain files: PostgreSQL, Pgpool-II, PgBouncer and clients read them directly' },
  { label: 'Percona Operator for PostgreSQL', id: 'percona', detail: 'customTLSSecret, customReplicationTLSSecret, customRootCATLSSecret' },
  { label: 'Crunchy PGO', id: 'pgo', detail: 'customTLSSecret, customReplicationTLSSecret' },
  { label: 'CYBERTEC PG Operator', id: 'cpo', detail: 'spec.tls.secretName (and caSecretName)' },
  { label: 'Zalando Postgres Operator', id: 'zalando', detail: 'spec.tls.secretName (and caSecretName)' },
  { label: 'KubeDB Pgpool', id: 'kubedb', detail: 'the cert-manager CA Issuer\'s Secret' },
] as const;

export function registerLifecycleCommands(context: vscode.ExtensionContext, server: () => LanguageClient, output: vscode.LogOutputChannel): void {
  const register = (id: string, run: (arg: unknown) => Promise<CertLifecycleResult | undefined>) => vscode.commands.registerCommand(id, async (arg?: unknown) => {
    const silent = isFullArgs(arg);
    try {
      return await run(arg);
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      output.error(`${id}: ${message}`);
      if (silent) throw e;
      void vscode.window.showErrorMessage(`PG TLS: ${message}`);
      return undefined;
    }
  });
  context.subscriptions.push(
    register(RENEW_COMMAND, arg => renew(server, output, arg)),
    register('pgtls.rotateCa', arg => rotate(server, output, arg)),
  );
}

/** An argument object with options besides `dir`: no question, no confirmation. */
function isFullArgs(arg: unknown): arg is LifecycleArgs {
  return !!arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) && typeof (arg as LifecycleArgs).dir === 'string' && Object.keys(arg).some(k => k !== 'dir');
}

/** The set's folder an argument names: `{ dir }`, a folder or file URI (string or Uri), or a relative path. */
export function folderOf(arg: unknown): string | undefined {
  let p: string | undefined;
  if (arg instanceof vscode.Uri) p = arg.fsPath;
  else if (typeof arg === 'string') p = /^[a-z][a-z0-9+.-]*:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg).fsPath : arg;
  else if (arg && typeof arg === 'object' && typeof (arg as { dir?: unknown }).dir === 'string') p = (arg as { dir: string }).dir;
  if (p === undefined) return undefined;
  const root = workspaceRoot();
  if (!path.isAbsolute(p)) {
    if (!root) throw new Error('open a workspace folder, or give an absolute folder');
    p = path.join(root, p);
  }
  try {
    if (fs.statSync(p).isFile()) p = path.dirname(p);
  } catch {
    // the server says what is wrong with a folder that is not there
  }
  return p;
}

async function pickSet(title: string): Promise<string> {
  const root = workspaceRoot();
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use this certificate set', title,
    ...(root ? { defaultUri: vscode.Uri.file(fs.existsSync(path.join(root, 'certs')) ? path.join(root, 'certs') : root) } : {}),
  });
  if (!picked?.[0]) throw new Cancelled();
  return picked[0].fsPath;
}

async function confirm(question: string, detail: string, action: string): Promise<void> {
  if ((await vscode.window.showWarningMessage(question, { modal: true, detail }, action)) !== action) throw new Cancelled();
}

async function send(server: () => LanguageClient, method: string, params: CertLifecycleParams, title: string): Promise<CertLifecycleResult> {
  return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => server().sendRequest<CertLifecycleResult>(method, params));
}

async function renew(server: () => LanguageClient, output: vscode.LogOutputChannel, arg: unknown): Promise<CertLifecycleResult | undefined> {
  if (isFullArgs(arg)) {
    return await send(server, CERT_RENEW_REQUEST, { ...arg, dir: folderOf(arg)! }, 'PG TLS: renewing certificates…');
  }
  const dir = folderOf(arg) ?? await pickSet('PG TLS: the certificate set to renew (the folder with ca.crt and ca.key)');
  const keys = await vscode.window.showQuickPick([
    { label: 'Keep the keys', description: 'default', detail: 'Only the certificates change; each key must still match its certificate', newKeys: false },
    { label: 'New keys', detail: 'New private keys of the same algorithm (whatever uses the old keys must get the new ones)', newKeys: true },
  ], { title: 'PG TLS: renew with the same keys?', ignoreFocusOut: true });
  if (!keys) throw new Cancelled();
  await confirm(`Renew the certificates in ${vscode.workspace.asRelativePath(dir)}?`,
    'Same names and usages, a fresh validity from the set\'s CA. The replaced files are kept in a backup-YYYYMMDD-HHMMSS folder beside them.', 'Renew');
  const r = await send(server, CERT_RENEW_REQUEST, { dir, newKeys: keys.newKeys }, 'PG TLS: renewing certificates…');
  output.info(`renew: ${r.message}`);
  void reveal(r, `PG TLS: Renewed ${shortList(r.files)} in ${shownDir(r.dir)}${r.backupDir ? `; the old files are in ${shownDir(r.backupDir)}` : ''}.`, output);
  return r;
}

async function rotate(server: () => LanguageClient, output: vscode.LogOutputChannel, arg: unknown): Promise<CertLifecycleResult | undefined> {
  let params: CertLifecycleParams;
  if (isFullArgs(arg)) {
    params = { ...arg, dir: folderOf(arg)! };
  } else {
    const dir = folderOf(arg) ?? await pickSet('PG TLS: the certificate set whose CA to rotate (the folder with ca.crt)');
    const op = await vscode.window.showQuickPick(OPERATORS.map(o => ({ ...o })), { title: 'PG TLS: where do these certificates go?', ignoreFocusOut: true });
    if (!op) throw new Cancelled();
    params = { dir, operator: op.id };
    if (op.id !== 'none') {
      params.name = await ask(`The ${op.label} cluster's name (metadata.name)`, path.basename(dir));
      params.namespace = await ask('Its namespace', 'default');
    }
    await confirm(`Rotate the CA of ${vscode.workspace.asRelativePath(dir)}?`,
      'A new CA (same subject name, new key), ca-bundle.crt with the old and the new CA, and the leaves re-issued by the new CA. The replaced files are kept in a backup folder. Then follow the steps in order: trust the bundle everywhere, swap the leaves, drop the old CA.', 'Rotate');
  }
  const r = await send(server, CERT_ROTATE_CA_REQUEST, params, 'PG TLS: rotating the CA…');
  output.info(`rotate-ca: ${r.message}`);
  if (!isFullArgs(arg)) void showSteps(r, output);
  return r;
}

/** `certs/pgtls/`: a folder as the workspace names it. */
const shownDir = (dir: string) => `${vscode.workspace.asRelativePath(dir, false)}${path.sep}`;
/** At most three names, then how many more. */
const shortList = (names: string[]) => (names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`);

/** A short notification; the whole summary is in the output channel ("Show Details"). */
async function reveal(r: CertLifecycleResult, message: string, output: vscode.LogOutputChannel): Promise<void> {
  const choice = await vscode.window.showInformationMessage(message, 'Show Details', 'Open folder');
  if (choice === 'Show Details') output.show(true);
  else if (choice === 'Open folder') await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(r.dir));
}

/** The steps as a Markdown document beside the notification. */
async function showSteps(r: CertLifecycleResult, output: vscode.LogOutputChannel): Promise<void> {
  const lines = [`# CA rotation of ${r.dir}`, '', r.message, '', ...(r.steps ?? []).flatMap((s, i) => [
    `${i + 1}. **${s.title}**: ${s.text}${s.manifest ? ` (Secrets: \`${path.join(r.dir, s.manifest)}\`)` : ''}`, '',
  ])];
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') });
  await vscode.window.showTextDocument(doc, { preview: false });
  void reveal(r, `PG TLS: Rotated the CA of ${shownDir(r.dir)}: follow the steps beside this notification.`, output);
}
