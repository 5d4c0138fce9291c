/** Process entry of the language server (stdio, node-ipc or socket, as the client chooses). */
// No `reflect-metadata` here: the modules that use @peculiar/x509 import it themselves, when they are first loaded.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { findSchemasDir, nodeEnv } from './node/env';
import { exitOnReaderError } from './lsp/readerErrors';
import { startServer } from './lsp/server';

let ending = false;
/** The client's messages cannot be read any more (lsp/readerErrors.ts): say why, then exit so that the client restarts us. */
function readerFailed(e: Error): void {
  if (ending) return;
  ending = true;
  const line = `pgtls language server: cannot read the client's messages (${e.message.split('\n')[0]}); exiting so that the client restarts it.`;
  process.stderr.write(`${line}\n`);
  try { connection.console.error(line); } catch { /* the connection is gone too */ }
  // A moment for the log notification to leave; then exit 1 (not a shutdown the client asked for).
  setTimeout(() => process.exit(1), 100);
}

const connection = createConnection({ ...ProposedFeatures.all, console: exitOnReaderError(readerFailed) });
console.log = connection.console.log.bind(connection.console);
console.error = connection.console.error.bind(connection.console);
process.on('unhandledRejection', e => connection.console.error(`Unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));
process.on('uncaughtException', e => connection.console.error(`Uncaught exception: ${e.stack ?? e.message}`));

const schemas = findSchemasDir(__dirname);
startServer(connection, overlay => nodeEnv(schemas, overlay));
