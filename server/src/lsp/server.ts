/**
 * The language server: builds the glue's parts (document store, workspace index, the façade over the injected
 * environment), announces the capabilities, and wires every LSP message to the part that handles it. Diagnostics are
 * pulled when the client supports it and pushed otherwise. Everything else is the pure core behind `createService`.
 */
import {
  CodeActionKind, MessageType, ShowMessageNotification, TextDocumentSyncKind, type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver';
import type { ServiceEnv } from '../core/types';
import { createService, type Service } from '../service';
import { FIX_ALL_KIND, type PgtlsInitializationOptions } from '../protocol';
import { registerCertRequests } from './certRequests';
import { registerProbeRequest } from './probeRequest';
import { SERVER_COMMAND_IDS, registerServerCommands } from './serverCommands';
import { registerMapRequest } from './mapRequest';
import { DocumentStore } from './documents';
import * as features from './features';
import { guard, type Log } from './guard';
import { checkingRuleIds, clientSettings } from './settings';
import { structureFeatures } from './structure';
import { WorkspaceIndex } from './workspaceIndex';
import { ReadTracker } from './dependencies';
import { WorkspaceCheck } from './workspaceCheck';
import { CHECK_WORKSPACE_REQUEST, type CheckWorkspaceParams } from '../protocol';

export interface ServerEnvFactory {
  /** Builds the core environment; `overlay` returns the text of an open document by file-system path. */
  (overlay: (fsPath: string) => string | undefined): ServiceEnv;
}

function capabilities(caps: features.ClientCaps): InitializeResult['capabilities'] {
  return {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
    definitionProvider: true,
    ...(caps.workspaceFolders ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
    completionProvider: { triggerCharacters: ['=', ' ', '_', ':'] },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
    codeLensProvider: { resolveProvider: false },
    executeCommandProvider: { commands: SERVER_COMMAND_IDS },
    ...(caps.pullDiagnostics ? { diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: true } } : {}),
  };
}

/** When the certificate code loads after `initialized`, if no document needed it before. */
const PRELOAD_DELAY_MS = 250;

export function startServer(connection: Connection, makeEnv: ServerEnvFactory): void {
  const log: Log = msg => connection.console.error(msg);
  const safe = guard(log);
  const caps: features.ClientCaps = { pullDiagnostics: false, configuration: false, workspaceFolders: false, clientCommands: [], showMessageRequest: false, applyEdit: false };
  // The store and the index come first: the service's environment reads the store's open buffers and holds the index.
  let ruleIds: ReadonlySet<string> | undefined;
  const settings = checkingRuleIds(clientSettings(connection, () => caps.configuration), () => (ruleIds ??= new Set(service.rules().map(r => r.id))), message => {
    connection.console.warn(message);
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  });
  // What each validation reads is recorded (dependencies.ts): an edit re-validates only the documents that read it.
  const tracker = new ReadTracker();
  const store = new DocumentStore({ service: () => service, settings, guard: safe, track: f => tracker.track(f) });
  const baseEnv = makeEnv(p => store.openAt(p)?.getText());
  const index = new WorkspaceIndex(baseEnv, store, (doc, previous) => service.parse(doc, previous));
  const env: ServiceEnv = tracker.wrap({ ...baseEnv, workspace: index.view, roots: index.view.roots });
  const service: Service = createService(env);
  const g: features.Glue = { connection, store, service, env, guard: safe, log, caps };
  const structure = structureFeatures(g);
  const workspaceCheck = new WorkspaceCheck(g);

  /** Settings or folders changed: every cached result may be stale. */
  const revalidate = () => {
    store.clear();
    workspaceCheck.clear();
    features.refreshAll(g);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    index.setRoots(params.workspaceFolders, params.rootUri);
    caps.pullDiagnostics = !!c.textDocument?.diagnostic;
    caps.configuration = !!c.workspace?.configuration;
    caps.workspaceFolders = !!c.workspace?.workspaceFolders;
    caps.showMessageRequest = !!c.window?.showMessage;
    caps.applyEdit = !!c.workspace?.applyEdit;
    const commands = (params.initializationOptions as PgtlsInitializationOptions | undefined)?.clientCommands;
    caps.clientCommands = Array.isArray(commands) ? commands.filter((x): x is string => typeof x === 'string') : [];
    return { capabilities: { ...capabilities(caps), ...structure.capabilities(c) }, serverInfo: { name: 'pgtls', version: '0.1.0' } };
  });
  connection.onInitialized(() => {
    structure.initialized();
    // The certificate code (the TLS backend on node:crypto with @peculiar/x509, loaded on first use) loads shortly
    // after start, once the first documents the client opens with the server are validated, so that neither they nor
    // the first file with certificates opened later wait for it (a file with certificates opened at once loads it).
    setTimeout(() => safe('loading the certificate code', '', undefined, () => env.tls.readCertificates('')), PRELOAD_DELAY_MS).unref();
    safe('workspace scan', index.describeRoots(), undefined, () => index.scan());
    if (index.size) features.refreshAll(g);
    if (!caps.workspaceFolders) return;
    connection.workspace.onDidChangeWorkspaceFolders(e => {
      safe('workspace folder change', [...e.added, ...e.removed].map(f => f.uri).join(', '), undefined, () => index.changeFolders(e));
      revalidate(); // folder-level settings and relative pgtls.crdPaths depend on the folders
    });
  });
  connection.onDidChangeConfiguration(revalidate);
  connection.onDidChangeWatchedFiles(p => {
    index.changeFiles(p.changes);
    workspaceCheck.changed();
    features.refreshAll(g);
  });

  store.events.onDidChangeContent(e => {
    workspaceCheck.changed();
    features.documentChanged(g, e.document);
  });
  store.events.onDidClose(e => {
    workspaceCheck.changed();
    const stale = store.invalidateDependents(e.document.uri); // they read its buffer, and read the disk from now on
    store.evict(e.document.uri);
    features.documentClosed(g, e.document.uri, stale);
  });

  connection.languages.diagnostics.on(p => features.pullDiagnostics(g, p));
  connection.languages.diagnostics.onWorkspace((p, token) => workspaceCheck.pull(p, token)
    .catch((e: unknown) => { log(`workspace diagnostics failed: ${e instanceof Error ? e.stack : String(e)}`); return { items: [] }; }));
  connection.onRequest(CHECK_WORKSPACE_REQUEST, (p: CheckWorkspaceParams, token) => workspaceCheck.checkAll(p ?? {}, token)
    .catch((e: unknown) => { log(`Check Workspace failed: ${e instanceof Error ? e.stack : String(e)}`); return { files: [] }; }));
  connection.onHover(p => features.hover(g, p));
  connection.onDefinition(p => features.definition(g, p));
  connection.onCompletion(p => features.completion(g, p));
  connection.onCodeAction(p => features.codeActions(g, p));
  connection.onCodeLens(p => features.codeLenses(g, p));
  registerCertRequests(g);
  registerProbeRequest(g);
  // Files written by a server command: the problems about them change, as after a watched-file event.
  registerServerCommands(g, () => {
    workspaceCheck.changed();
    features.refreshAll(g);
  });
  registerMapRequest(g);

  connection.onShutdown(() => {
    workspaceCheck.clear();
    store.clear();
    index.clear();
  });

  store.listen(connection);
  connection.listen();
}
