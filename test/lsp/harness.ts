/**
 * The real language server (`startServer`) over in-memory streams, and a JSON-RPC client talking to it.
 * Pull diagnostics make the tests deterministic: no debounce, no sleeping.
 */
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { startServer } from '../../server/src/lsp/server';
import { nodeEnv } from '../../server/src/node/env';
import { SCHEMAS } from '../helpers';
import type { ServiceEnv, Settings } from '../../server/src/core/types';

export interface Harness {
  client: MessageConnection;
  /** Settings the fake editor answers `workspace/configuration` with. */
  settings: Partial<Settings>;
  pushed: Map<string, unknown[]>;
  /** How many `workspace/configuration` requests the server sent. */
  configurationRequests: number;
  /** What the server announced in its `initialize` answer. */
  serverCapabilities: Record<string, unknown>;
  close(): void;
}

export interface HarnessOptions {
  pull?: boolean;
  settings?: Partial<Settings>;
  /** The server's clock (`ServiceEnv.now`); the real one when absent. */
  now?: () => Date;
  /** Workspace folders (absolute paths) the client announces in `initialize`. */
  workspaceFolders?: string[];
  /** More `textDocument` client capabilities (e.g. `{ formatting: { dynamicRegistration: true } }`). */
  textDocument?: Record<string, unknown>;
  /** Told of each `client/registerCapability` request the server sends. */
  onRegister?: (params: { registrations: { method: string; registerOptions?: unknown }[] }) => void;
  /** More `workspace` client capabilities (e.g. `{ applyEdit: true }`). */
  workspace?: Record<string, unknown>;
  /** `window` client capabilities (e.g. `{ showMessage: {} }`: the server may ask with `window/showMessageRequest`). */
  window?: Record<string, unknown>;
  /** `initializationOptions` of `initialize` (protocol.ts `PgtlsInitializationOptions`). */
  initializationOptions?: unknown;
  /** The server's TLS backend (`ServiceEnv.tls`) in place of the real one, e.g. to see when it is used. */
  tls?: ServiceEnv['tls'];
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const up = new PassThrough();
  const down = new PassThrough();
  const serverConn = createConnection(ProposedFeatures.all, new StreamMessageReader(up), new StreamMessageWriter(down));
  startServer(serverConn, overlay => ({ ...nodeEnv(SCHEMAS, overlay), ...(opts.now ? { now: opts.now } : {}), ...(opts.tls ? { tls: opts.tls } : {}) }));
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const h: Harness = {
    client,
    settings: opts.settings ?? {},
    pushed: new Map(),
    configurationRequests: 0,
    serverCapabilities: {},
    close() {
      client.dispose();
      up.end();
      down.end();
    },
  };
  client.onRequest('workspace/configuration', (p: { items: unknown[] }) => {
    h.configurationRequests++;
    return p.items.map(() => h.settings);
  });
  client.onRequest('workspace/diagnostic/refresh', () => null);
  client.onRequest('client/registerCapability', (p: Parameters<NonNullable<HarnessOptions['onRegister']>>[0]) => { opts.onRegister?.(p); return null; });
  client.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => { h.pushed.set(p.uri, p.diagnostics); });
  client.onNotification('window/logMessage', () => undefined);
  client.listen();
  const init = await client.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
    processId: null, rootUri: null,
    ...(opts.initializationOptions !== undefined ? { initializationOptions: opts.initializationOptions } : {}),
    ...(opts.workspaceFolders ? { workspaceFolders: opts.workspaceFolders.map(f => ({ uri: pathToFileURL(f).href, name: f })) } : {}),
    capabilities: {
      workspace: { configuration: true, diagnostics: { refreshSupport: true }, ...opts.workspace },
      ...(opts.window ? { window: opts.window } : {}),
      textDocument: { ...(opts.pull === false ? {} : { diagnostic: { dynamicRegistration: false } }), hover: {}, completion: {}, codeAction: {}, ...opts.textDocument },
    },
  });
  h.serverCapabilities = init.capabilities;
  await client.sendNotification('initialized', {});
  return h;
}
