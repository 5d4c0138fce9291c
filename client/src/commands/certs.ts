/**
 * The certificate commands (palette category "PG TLS"). The client only asks (quick picks with defaults, input
 * boxes), confirms overwrites and shows the summary; the language server generates and writes (protocol.ts
 * `pgtls/certs/*`). Every command also takes an argument object that skips the questions (tests, keybindings, other
 * extensions) and resolves with the server's result; nothing here ever sees key material.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CERT_CREATE_REQUEST, CERT_PRESET_REQUEST, GENERATE_TLS_FILES_COMMAND,
  type CertCommandKind, type CertCreateParams, type CertCreateResult, type CertCreateSummary, type CertPresetResult, type CertResourceEdit, type CertResourceRef,
} from '../../../server/src/protocol';
import { appliedText, applyConfigOffer, configOffers, plain, type ConfigOffer } from './certConfig';
import { asksHere, generateHere, type GenerateHereArgs } from './certGenerateHere';
import { certInspector, type InspectArgs } from './certInspect';
import { registerLifecycleCommands } from './certLifecycle';
import { DEFAULT_FOLDER_NAME, defaultTarget, detailLines, notificationText } from './certFolders';
import { Cancelled, algorithmTitle, ask, confirmReplace, findCaFolders, hasCa, pickAlgorithm, pickFolder, resolveFolder, workspaceRoot } from './certQuestions';
import { registerSignCsr } from './certSign';

export type { InspectArgs } from './certInspect';

/** The request fields a command argument passes through unchanged. */
const PASSED_THROUGH = ['algorithm', 'days', 'serverName', 'sans', 'clientUser', 'caName', 'force'] as const;

/** The optional argument of the create commands; given, no question is asked and no modal is shown. */
export type CertCommandArgs = Partial<Pick<CertCreateParams, (typeof PASSED_THROUGH)[number]>> & {
  /**
   * Absolute folder, or relative to the first workspace folder. Default: as the questions default, `certs/pgtls` (a
   * set: `certs/<resource name>`), and for a leaf command the folder of the workspace's CA when there is one.
   */
  folder?: string;
  /** Leaf commands: the folder (absolute or relative) of an existing CA that issues the certificates. */
  caFolder?: string;
  /** Create Complete TLS Set: merge the Secret references into the resource (an undoable edit; default true). */
  patchResource?: boolean;
  /**
   * Point the configuration next to the output folder (certConfig.ts) at the new files without asking (an undoable,
   * unsaved edit). Without it the notification offers it as a button.
   */
  writeConfig?: boolean;
  /**
   * The resource document (default: the active editor) and the offset in it (default: the cursor). Given alone (no
   * other field), as by the code action on a missing Secret, the command still asks its questions, for that resource.
   */
  uri?: string;
  offset?: number;
};

type CreateResult = CertCreateResult & { resourcePatched?: boolean; configEdited?: string };

/** What the command implementations share: the running language server and the log. */
interface Commands {
  server(): LanguageClient;
  output: vscode.LogOutputChannel;
}

export function registerCertCommands(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, output: vscode.LogOutputChannel): void {
  const c: Commands = {
    server() {
      const running = client();
      if (!running || !running.isRunning()) throw new Error('the PG TLS language server is not running (see "PG TLS: Show Output")');
      return running;
    },
    output,
  };
  const inspect = certInspector(context, () => c.server());
  const create = (kind: CertCommandKind) => (args: CertCommandArgs | undefined, interactive: boolean) => createCertificates(c, kind, args, interactive);
  context.subscriptions.push(
    command<CertCommandArgs, CertCreateResult>(c, 'pgtls.createCa', create('ca')),
    command<CertCommandArgs, CertCreateResult>(c, 'pgtls.createServerCertificate', create('server')),
    command<CertCommandArgs, CertCreateResult>(c, 'pgtls.createClientCertificate', create('client')),
    command<CertCommandArgs, CertCreateResult>(c, 'pgtls.createReplicationCertificate', create('replication')),
    command<CertCommandArgs, CreateResult>(c, 'pgtls.createTlsSetForResource', create('set')),
    command<InspectArgs, Awaited<ReturnType<typeof inspect>>>(c, 'pgtls.inspectCertificate', a => inspect(a)),
    command<GenerateHereArgs, CertCreateResult>(c, GENERATE_TLS_FILES_COMMAND, a => generateHere(p => generate(c, p), a, c.output), asksHere),
    registerSignCsr(() => c.server(), output),
  );
  registerLifecycleCommands(context, () => c.server(), output);
}

/**
 * Registers a command: argument object = non-interactive; errors become messages (and rejections for callers with
 * args). A bare location (an explorer Uri, or `{ uri, offset }` from the "Create certificates and Secrets for this
 * resource…" code action) still asks the questions, for that resource instead of the active editor's.
 */
function command<A, R>(c: Commands, id: string, run: (args: A | undefined, interactive: boolean) => Promise<R | undefined>, asks?: (arg: unknown) => boolean): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (arg?: unknown) => {
    const interactive = asks ? asks(arg) : arg === undefined || arg instanceof vscode.Uri || isLocation(arg);
    const args = arg instanceof vscode.Uri ? ({ uri: arg.toString() } as A) : (arg as A | undefined);
    try {
      return await run(args, interactive);
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      c.output.error(`${id}: ${message}`);
      if (!interactive) throw e;
      void vscode.window.showErrorMessage(`PG TLS: ${message}`);
      return undefined;
    }
  });
}

/** One of the create commands: the request (asked or from the argument), overwrite confirmation, the resource edit. */
async function createCertificates(c: Commands, kind: CertCommandKind, args: CertCommandArgs | undefined, interactive: boolean): Promise<CreateResult> {
  const given = args ?? {};
  const a: CertCommandArgs = interactive
    ? { ...(given.uri ? { uri: given.uri } : {}), ...(typeof given.offset === 'number' ? { offset: given.offset } : {}) }
    : { ...given };
  const resource = resourceRef(a);
  const preset = resource ? await c.server().sendRequest<CertPresetResult | null>(CERT_PRESET_REQUEST, resource) : null;
  if (kind === 'set' && !preset) {
    throw new Error('put the cursor in a KubeDB Pgpool, PerconaPGCluster or CYBERTEC postgresql resource (a YAML file) and run the command again');
  }
  const params = interactive ? await askParams(kind, preset) : await paramsOf(kind, a, preset);
  if (resource && (kind === 'set' || kind === 'server' || kind === 'client')) params.resource = resource;

  let result = await generate(c, params);
  if (result.status === 'exists') {
    if (!interactive) return result;
    await confirmReplace(result.existing, params.folder);
    result = await generate(c, { ...params, force: true });
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
  for (const line of detailLines(result.summary, workspaceRoot())) c.output.info(`${kind}: ${line}`);
  const offers = await configOffers(c.server(), result.summary).catch((e: unknown) => {
    c.output.warn(`${kind}: no configuration edit offered: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  });
  let configEdited: string | undefined;
  if (a.writeConfig && offers[0]) {
    const written = await applyConfigOffer(c.server(), offers[0], result.summary);
    if (written) {
      configEdited = offers[0].file;
      c.output.info(`${kind}: ${appliedText(offers[0], written)}`);
    }
  }
  void showSummary(c, result.summary, resourcePatched, configEdited ? [] : offers);
  return { ...result, resourcePatched, ...(configEdited ? { configEdited } : {}) };
}

const defaultName = (kind: CertCommandKind, preset: CertPresetResult | null) => (kind === 'set' && preset?.name) || DEFAULT_FOLDER_NAME;

/** The interactive request: folder, algorithm and the names the kind needs, prefilled from the preset. */
async function askParams(kind: CertCommandKind, preset: CertPresetResult | null): Promise<CertCreateParams> {
  const target = await pickFolder(kind, defaultName(kind, preset));
  const params: CertCreateParams = { kind, ...target };
  params.algorithm = await pickAlgorithm(kind === 'ca' || kind === 'set' || !hasCa(params.caFolder ?? params.folder) ? undefined : 'same as the CA');
  if (kind === 'server') {
    params.serverName = await ask('Server certificate: the host name or address clients dial (the CN)', preset?.serverName ?? 'localhost');
    const sans = await ask('More host names and IP addresses (SANs), comma-separated', (preset?.sans ?? []).join(', '), true);
    params.sans = sans.split(/[,\s]+/).filter(Boolean);
  }
  if (kind === 'client' || (kind === 'set' && preset?.operator !== 'kubedb')) {
    params.clientUser = await ask('Client certificate: the database user it logs in as (its CN)', preset?.clientUser ?? 'postgres');
  }
  return params;
}

/** The request an argument object gives; without a folder, the default the questions offer first. */
async function paramsOf(kind: CertCommandKind, a: CertCommandArgs, preset: CertPresetResult | null): Promise<CertCreateParams> {
  const name = defaultName(kind, preset);
  const root = workspaceRoot();
  const target = a.folder !== undefined || !root ? { folder: resolveFolder(a.folder, name) } : defaultTarget(kind, root, await findCaFolders(), name);
  const params: CertCreateParams = { kind, ...target };
  if (a.caFolder !== undefined) params.caFolder = resolveFolder(a.caFolder, name);
  for (const k of PASSED_THROUGH) {
    if (a[k] !== undefined) (params as unknown as Record<string, unknown>)[k] = a[k];
  }
  return params;
}

async function generate(c: Commands, params: CertCreateParams): Promise<CertCreateResult> {
  const alg = algorithmTitle(params.algorithm);
  const title = `PG TLS: generating ${alg.label ?? 'certificate'} keys${alg.slow ? ' (RSA takes a few seconds)' : ''}…`;
  return await vscode.window.withProgress(
    { location: alg.slow ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title },
    () => c.server().sendRequest<CertCreateResult>(CERT_CREATE_REQUEST, params),
  );
}

/** The short notification; "Show Details" opens the output channel with the whole summary. */
async function showSummary(c: Commands, s: CertCreateSummary, resourcePatched: boolean, offers: ConfigOffer[]): Promise<void> {
  // A configuration beside the folder: a button that points it at the files, and what it names otherwise (its CA).
  const buttons = offers.map(o => `Write into ${path.basename(o.file)}`);
  const notes = [...new Set(offers.flatMap(o => o.edit.notes.map(plain)))];
  const text = `PG TLS: ${notificationText(s, workspaceRoot(), resourcePatched)}${notes.length ? ` ${notes.join(' ')}` : ''}`;
  const choice = await vscode.window.showInformationMessage(text, ...buttons, 'Show Details', 'Reveal in Explorer');
  const offer = choice ? offers[buttons.indexOf(choice)] : undefined;
  if (offer) {
    const written = await applyConfigOffer(c.server(), offer, s);
    const done = written ? appliedText(offer, written) : `${path.basename(offer.file)} changed meanwhile; run the command again to write the paths.`;
    c.output.info(done);
    void vscode.window.showInformationMessage(`PG TLS: ${done}`);
  } else if (choice === 'Show Details') c.output.show(true);
  else if (choice === 'Reveal in Explorer') await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(s.dir));
}

/** Applies the server's resource patch as a WorkspaceEdit (undoable, left unsaved); false when the text moved on. */
async function applyResourceEdit(e: CertResourceEdit): Promise<boolean> {
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
function resourceRef(a: CertCommandArgs): CertResourceRef | undefined {
  if (a.uri) return { uri: a.uri, offset: a.offset ?? 0 };
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'yaml') return undefined;
  return { uri: editor.document.uri.toString(), offset: editor.document.offsetAt(editor.selection.active) };
}
