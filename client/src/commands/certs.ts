/**
 * The certificate commands (palette category "PG TLS"). The client only asks (quick picks with defaults, input
 * boxes), confirms overwrites and shows the summary; the language server generates and writes (protocol.ts
 * `pgtls/certs/*`). Every command also takes an argument object that skips the questions (tests, keybindings, other
 * extensions) and resolves with the server's result; nothing here ever sees key material.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CERT_CREATE_REQUEST, CERT_INSPECT_REQUEST, CERT_PRESET_REQUEST,
  type CertCommandKind, type CertCreateParams, type CertCreateResult, type CertCreateSummary, type CertInspectResult, type CertPresetResult,
} from '../../../server/src/protocol';

/** The optional argument of the create commands; given, no question is asked and no modal is shown. */
export interface CertCommandArgs {
  /** Absolute folder, or relative to the first workspace folder. Default `certs/<name>`. */
  folder?: string;
  algorithm?: string;
  days?: number;
  serverName?: string;
  sans?: string[];
  clientUser?: string;
  caName?: string;
  force?: boolean;
  /** Create Complete TLS Set: merge the Secret references into the resource (an undoable edit; default true). */
  patchResource?: boolean;
  /**
   * The resource document (default: the active editor) and the offset in it (default: the cursor). Given alone (no
   * other field), as by the code action on a missing Secret, the command still asks its questions, for that resource.
   */
  uri?: string;
  offset?: number;
}

export interface InspectArgs {
  uri?: string;
  text?: string;
}

const ALGORITHMS: { id: string; label: string; detail: string; slow?: boolean }[] = [
  { id: 'ecdsa-p256', label: 'ECDSA P-256', detail: 'Default: small, fast, accepted by PostgreSQL, Pgpool-II, libpq, JDBC and cert-manager' },
  { id: 'ecdsa-p384', label: 'ECDSA P-384', detail: 'Stronger curve, SHA-384 signatures' },
  { id: 'ed25519', label: 'Ed25519', detail: 'Needs OpenSSL 1.1.1+ everywhere; some clients (JDBC, older libpq) lack it' },
  { id: 'rsa-2048', label: 'RSA 2048', detail: 'The most compatible choice' },
  { id: 'rsa-3072', label: 'RSA 3072', detail: 'Slower to generate (a few seconds)', slow: true },
  { id: 'rsa-4096', label: 'RSA 4096', detail: 'Slowest to generate (several seconds)', slow: true },
];

const INSPECT_SCHEME = 'pgtls-certificate';

class Cancelled extends Error {}

export function registerCertCommands(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, output: vscode.LogOutputChannel): void {
  const views = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  let viewCount = 0;
  context.subscriptions.push(changed, vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, {
    onDidChange: changed.event,
    provideTextDocumentContent: uri => views.get(uri.toString()) ?? '',
  }));

  const server = (): LanguageClient => {
    const c = client();
    if (!c || !c.isRunning()) throw new Error('the PG TLS language server is not running (see "PG TLS: Show Output")');
    return c;
  };

  /**
   * Wraps a command: argument object = non-interactive; errors become messages (and rejections for callers with args).
   * A bare location (an explorer Uri, or `{ uri, offset }` from the "Create certificates and Secrets for this
   * resource…" code action) still asks the questions, for that resource instead of the active editor's.
   */
  const command = <A, R>(id: string, run: (args: A | undefined, interactive: boolean) => Promise<R | undefined>) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      const interactive = arg === undefined || arg instanceof vscode.Uri || isLocation(arg);
      const args = arg instanceof vscode.Uri ? ({ uri: arg.toString() } as A) : (arg as A | undefined);
      try {
        return await run(args, interactive);
      } catch (e) {
        if (e instanceof Cancelled) return undefined;
        const message = e instanceof Error ? e.message : String(e);
        output.error(`${id}: ${message}`);
        if (!interactive) throw e;
        void vscode.window.showErrorMessage(`PG TLS: ${message}`);
        return undefined;
      }
    });

  const create = (kind: CertCommandKind) => async (args: CertCommandArgs | undefined, interactive: boolean): Promise<(CertCreateResult & { resourcePatched?: boolean }) | undefined> => {
    const given = args ?? {};
    const a: CertCommandArgs = interactive
      ? { ...(given.uri ? { uri: given.uri } : {}), ...(typeof given.offset === 'number' ? { offset: given.offset } : {}) }
      : { ...given };
    const resource = resourceRef(a);
    const preset = resource ? await server().sendRequest<CertPresetResult | null>(CERT_PRESET_REQUEST, resource) : null;
    if (kind === 'set' && !preset) {
      throw new Error('put the cursor in a KubeDB Pgpool, PerconaPGCluster or CYBERTEC postgresql resource (a YAML file) and run the command again');
    }
    const defaultName = preset?.name ?? (kind === 'ca' ? 'ca' : 'pgtls');
    const params: CertCreateParams = { kind, folder: '' };
    if (interactive) {
      params.folder = await pickFolder(defaultName);
      params.algorithm = await pickAlgorithm(kind === 'ca' || kind === 'set' || !hasCa(params.folder) ? undefined : 'same as the CA');
      if (kind === 'server') {
        params.serverName = await ask('Server certificate: the host name or address clients dial (the CN)', preset?.serverName ?? 'localhost');
        const sans = await ask('More host names and IP addresses (SANs), comma-separated', (preset?.sans ?? []).join(', '), true);
        params.sans = sans.split(/[,\s]+/).filter(Boolean);
      }
      if (kind === 'client' || (kind === 'set' && preset?.operator !== 'kubedb')) {
        params.clientUser = await ask('Client certificate: the database user it logs in as (its CN)', preset?.clientUser ?? 'postgres');
      }
    } else {
      params.folder = resolveFolder(a.folder, defaultName);
      for (const k of ['algorithm', 'days', 'serverName', 'sans', 'clientUser', 'caName', 'force'] as const) {
        if (a[k] !== undefined) (params as unknown as Record<string, unknown>)[k] = a[k];
      }
    }
    if (resource && (kind === 'set' || kind === 'server' || kind === 'client')) params.resource = resource;

    let result = await generate(params);
    if (result.status === 'exists') {
      if (!interactive) return result;
      const names = result.existing.map(f => path.basename(f)).join(', ');
      const choice = await vscode.window.showWarningMessage(
        `${names} already exist${result.existing.length === 1 ? 's' : ''} in ${params.folder}. Replace ${result.existing.length === 1 ? 'it' : 'them'}?`,
        { modal: true, detail: 'The old keys are gone once replaced; anything using them must get the new files.' },
        'Replace',
      );
      if (choice !== 'Replace') throw new Cancelled();
      result = await generate({ ...params, force: true });
      if (result.status === 'exists') throw new Error(`${result.existing.join(', ')} could not be replaced`);
    }
    let resourcePatched = false;
    const edit = result.summary.resourceEdit;
    if (edit && a.patchResource !== false) {
      resourcePatched = await applyResourceEdit(edit);
      const what = result.summary.resource ? `the ${result.summary.resource.kind} ${result.summary.resource.name}` : 'the resource';
      result.summary.message += resourcePatched
        ? ` ${what.charAt(0).toUpperCase()}${what.slice(1)} now references the new ${result.summary.resource?.operator === 'kubedb' ? 'Issuer' : 'Secrets'} (an unsaved edit: Undo reverts it).`
        : ` The patch for ${what} could not be applied (the document changed); it is at the end of secrets.yaml.`;
    }
    output.info(`${kind}: ${result.summary.message}`);
    void showSummary(result.summary);
    return { ...result, resourcePatched };
  };

  const generate = async (params: CertCreateParams): Promise<CertCreateResult> => {
    const alg = ALGORITHMS.find(x => x.id === (params.algorithm ?? 'ecdsa-p256'));
    const title = `PG TLS: generating ${alg?.label ?? params.algorithm ?? 'certificate'} keys${alg?.slow ? ' (RSA takes a few seconds)' : ''}…`;
    return await vscode.window.withProgress(
      { location: alg?.slow ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title },
      () => server().sendRequest<CertCreateResult>(CERT_CREATE_REQUEST, params),
    );
  };

  const showSummary = async (s: CertCreateSummary): Promise<void> => {
    const main = s.files.find(f => f.name === 'server.crt') ?? s.files.find(f => f.kind === 'certificate');
    const manifest = s.files.find(f => f.kind === 'manifest');
    const buttons = ['Open folder', ...(main ? [`Open ${main.name}`] : []), ...(manifest ? [`Open ${manifest.name}`] : [])];
    const choice = await vscode.window.showInformationMessage(`PG TLS: ${s.message}`, ...buttons);
    if (choice === 'Open folder') await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(s.dir));
    else if (choice && main && choice === `Open ${main.name}`) await vscode.window.showTextDocument(vscode.Uri.file(main.path));
    else if (choice && manifest && choice === `Open ${manifest.name}`) await vscode.window.showTextDocument(vscode.Uri.file(manifest.path));
  };

  const inspect = async (args: InspectArgs | undefined): Promise<CertInspectResult & { uri: string } | undefined> => {
    let params: InspectArgs | undefined = args && (args.uri || args.text) ? { ...(args.text !== undefined ? { text: args.text } : {}), ...(args.uri ? { uri: args.uri } : {}) } : undefined;
    let label = args?.uri ? path.basename(vscode.Uri.parse(args.uri).path) : 'selection';
    if (!params) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) throw new Error('open a .crt or .pem file, or put the cursor on a base64 certificate in a Secret');
      const doc = editor.document;
      label = path.basename(doc.uri.path);
      if (!editor.selection.isEmpty) params = { text: doc.getText(editor.selection) };
      else if (/\.(crt|pem|cer|der)$/i.test(doc.uri.path) || doc.getText().includes('-----BEGIN CERTIFICATE-----') && doc.languageId !== 'yaml') {
        params = doc.uri.scheme === 'file' && !doc.isDirty ? { uri: doc.uri.toString() } : { text: doc.getText() };
      } else {
        const range = doc.getWordRangeAtPosition(editor.selection.active, /[A-Za-z0-9+/=]{40,}/);
        if (!range) throw new Error('put the cursor on a base64 Secret value (e.g. tls.crt or ca.crt), select a PEM certificate, or open a .crt/.pem file');
        params = { text: doc.getText(range) };
        const line = doc.lineAt(range.start.line).text;
        const key = /^\s*([\w.-]+)\s*:/.exec(line)?.[1];
        if (key) label = `${label} ${key}`;
      }
    }
    const result = await server().sendRequest<CertInspectResult>(CERT_INSPECT_REQUEST, params);
    const uri = vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${label.replace(/[/\\]/g, '_')}.txt`, query: String(++viewCount) });
    views.set(uri.toString(), result.text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return { ...result, uri: uri.toString() };
  };

  context.subscriptions.push(
    command<CertCommandArgs, CertCreateResult>('pgtls.createCa', create('ca')),
    command<CertCommandArgs, CertCreateResult>('pgtls.createServerCertificate', create('server')),
    command<CertCommandArgs, CertCreateResult>('pgtls.createClientCertificate', create('client')),
    command<CertCommandArgs, CertCreateResult>('pgtls.createReplicationCertificate', create('replication')),
    command<CertCommandArgs, CertCreateResult & { resourcePatched?: boolean }>('pgtls.createTlsSetForResource', create('set')),
    command<InspectArgs, CertInspectResult & { uri: string }>('pgtls.inspectCertificate', a => inspect(a)),
  );
}

/** Applies the server's resource patch as a WorkspaceEdit (undoable, left unsaved); false when the text moved on. */
async function applyResourceEdit(e: { uri: string; start: number; end: number; newText: string }): Promise<boolean> {
  const uri = vscode.Uri.parse(e.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (e.end > doc.getText().length) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  return await vscode.workspace.applyEdit(edit);
}

/** An argument that only names a place (`{ uri, offset? }`), as a code action passes: the interactive flow on it. */
function isLocation(arg: unknown): boolean {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg)) return false;
  const o = arg as Record<string, unknown>;
  return typeof o.uri === 'string' && (o.offset === undefined || typeof o.offset === 'number')
    && Object.keys(o).every(k => k === 'uri' || k === 'offset');
}

/** The resource the args name (a document that need not be the active one), else the active YAML editor and its cursor. */
function resourceRef(a: CertCommandArgs): { uri: string; offset: number } | undefined {
  if (a.uri) return { uri: a.uri, offset: a.offset ?? 0 };
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'yaml') return undefined;
  return { uri: editor.document.uri.toString(), offset: editor.document.offsetAt(editor.selection.active) };
}

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function resolveFolder(folder: string | undefined, name: string): string {
  const root = workspaceRoot();
  if (folder && path.isAbsolute(folder)) return folder;
  if (!root) throw new Error('open a workspace folder, or give an absolute output folder');
  return path.join(root, folder ?? path.join('certs', name));
}

function hasCa(folder: string): boolean {
  // A quick look only to word the algorithm question; the server decides.
  try {
    return fs.existsSync(path.join(folder, 'ca.crt')) && fs.existsSync(path.join(folder, 'ca.key'));
  } catch {
    return false;
  }
}

async function pickFolder(name: string): Promise<string> {
  const root = workspaceRoot();
  const choose = async (): Promise<string> => {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Write certificates here',
      ...(root ? { defaultUri: vscode.Uri.file(root) } : {}),
    });
    if (!picked?.[0]) throw new Cancelled();
    return picked[0].fsPath;
  };
  if (!root) return await choose();
  const rel = path.join('certs', name);
  const items: (vscode.QuickPickItem & { folder?: string })[] = [
    { label: `${rel}${path.sep}`, description: 'in the workspace (default)', detail: 'Keys 0600 in a 0700 folder, with a .gitignore for *.key', folder: path.join(root, rel) },
    { label: 'Choose folder…' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'PG TLS: where to write the certificates', ignoreFocusOut: true });
  if (!pick) throw new Cancelled();
  return pick.folder ?? await choose();
}

async function pickAlgorithm(sameAsCa?: string): Promise<string | undefined> {
  const items: (vscode.QuickPickItem & { id?: string })[] = [
    ...(sameAsCa ? [{ label: 'Same as the CA', description: 'default', detail: 'The key type of ca.crt in that folder' }] : []),
    ...ALGORITHMS.map((a, i) => ({ label: a.label, description: !sameAsCa && i === 0 ? 'default' : a.id, detail: a.detail, id: a.id })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'PG TLS: key algorithm', ignoreFocusOut: true });
  if (!pick) throw new Cancelled();
  return pick.id;
}

async function ask(prompt: string, value: string, allowEmpty = false): Promise<string> {
  const v = await vscode.window.showInputBox({
    prompt, value, ignoreFocusOut: true,
    validateInput: s => (!allowEmpty && !s.trim() ? 'required' : undefined),
  });
  if (v === undefined) throw new Cancelled();
  return v.trim();
}
