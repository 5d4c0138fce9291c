/** Process entry of the language server (stdio, node-ipc or socket, as the client chooses). */
// No `reflect-metadata` here: the modules that use @peculiar/x509 import it themselves, when they are first loaded.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { findSchemasDir, nodeEnv } from './node/env';
import { startServer } from './lsp/server';

const connection = createConnection(ProposedFeatures.all);
console.log = connection.console.log.bind(connection.console);
console.error = connection.console.error.bind(connection.console);
process.on('unhandledRejection', e => connection.console.error(`Unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));
process.on('uncaughtException', e => connection.console.error(`Uncaught exception: ${e.stack ?? e.message}`));

const schemas = findSchemasDir(__dirname);
startServer(connection, overlay => nodeEnv(schemas, overlay));
