/**
 * Extension entry: starts the pgtls language server and registers the palette commands. Nothing heavier happens at
 * activation; all parsing and checking runs in the server process.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  CONF_FILES_GLOB, CREATE_TLS_SET_COMMAND, DISABLE_RULE_COMMAND, GENERATE_TLS_FILES_COMMAND, LANGUAGE_IDS, RENEW_COMMAND, SETTINGS_SECTION,
  SHOW_TLS_MAP_COMMAND, type PgtlsInitializationOptions,
} from '../../server/src/protocol';
import { registerCheckWorkspaceCommand } from './commands/checkWorkspace';
import { registerCertCommands } from './commands/certs';
import { registerDisableRuleCommand } from './commands/disableRule';
import { configurationMiddleware, traceChannel, watchYamlServer } from './companions';
import { registerProbeCommand } from './commands/probe';
import { registerTlsMapCommand } from './commands/tlsMap';
import { LanguageStatus, type StatusSnapshot } from './status';

/** VS Code's language id of Compose files. */
const COMPOSE_LANGUAGE = 'dockercompose';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ client: () => LanguageClient | undefined; status: () => StatusSnapshot }> {
  const output = vscode.window.createOutputChannel('PG TLS', { log: true });
  context.subscriptions.push(output);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/{pgpool.conf,pool_hba.conf,pg_hba.conf,*.crt,*.key,*.pem}');
  // YAML files feed the server's workspace index (Secrets, Issuers and CRDs referenced across files).
  const yamlWatcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
  // Every configuration file pgtls checks, for the workspace diagnostics (pgtls.validate: workspace).
  const confWatcher = vscode.workspace.createFileSystemWatcher(CONF_FILES_GLOB);
  context.subscriptions.push(watcher, yamlWatcher, confWatcher);
  // VS Code gives Compose files (compose.yaml, docker-compose.yml) a language of their own; the server reads them as
  // YAML by their name (links to the files they mount, server/src/languages/k8s/links.ts).
  const documentSelector = [...LANGUAGE_IDS, COMPOSE_LANGUAGE].flatMap(language => [{ scheme: 'file', language }, { scheme: 'untitled', language }]);
  const status = new LanguageStatus(documentSelector);
  context.subscriptions.push(status);
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: { configurationSection: SETTINGS_SECTION, fileEvents: [watcher, yamlWatcher, confWatcher] },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // The code actions' commands this client runs itself (commands/certs.ts, commands/disableRule.ts): the server then
    // names these in its code actions instead of its own `pgtls.server.*` versions (protocol.ts SERVER_COMMANDS).
    initializationOptions: {
      clientCommands: [DISABLE_RULE_COMMAND, GENERATE_TLS_FILES_COMMAND, CREATE_TLS_SET_COMMAND, RENEW_COMMAND, SHOW_TLS_MAP_COMMAND],
    } satisfies PgtlsInitializationOptions,
    // pgtls.trace.server, and pgtls.reportYamlSyntax "auto" resolved beside the Red Hat YAML extension (companions.ts);
    // the language status item counts the files answered (status.ts).
    traceOutputChannel: traceChannel(output),
    middleware: { ...status.middleware(), workspace: { configuration: configurationMiddleware } },
  };
  client = new LanguageClient('pgtls', 'PG TLS', serverOptions, clientOptions);
  status.attach(client);

  context.subscriptions.push(
    vscode.commands.registerCommand('pgtls.restartServer', async () => {
      await client?.restart();
      output.info('language server restarted');
    }),
    vscode.commands.registerCommand('pgtls.showOutput', () => output.show(true)),
  );
  context.subscriptions.push(watchYamlServer(() => client), clientOptions.traceOutputChannel as vscode.LogOutputChannel);
  registerCertCommands(context, () => client, output);
  registerProbeCommand(context, () => client);
  registerDisableRuleCommand(context);
  registerTlsMapCommand(context, () => client);
  registerCheckWorkspaceCommand(context, () => client);

  try {
    await client.start();
  } catch (e) {
    output.error(`the pgtls language server failed to start: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { client: () => client, status: () => status.snapshot() };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
