/**
 * A message the server cannot frame or decode (a header without `Content-Length`, a length that is not a number, a
 * body that is not JSON) puts the JSON-RPC stream out of step: vscode-jsonrpc reports it on the message connection's
 * `onError`, which vscode-languageserver does not listen to, so the server would stay up without a log line and without
 * answering anything again. `exitOnReaderError` is a console feature whose `rawAttach` (called with the message
 * connection before anything is read) listens to it: `onFatal` logs and ends the process, and the client, which sees
 * the server exit, restarts it.
 */
import type { Feature, RemoteConsole } from 'vscode-languageserver';

/** What `rawAttach` is handed: the message connection, whose errors are `[error, message, count]`. */
interface MessageConnection {
  onError(listener: (e: [Error, unknown, number | undefined]) => void): unknown;
}

type Attachable = new () => RemoteConsole & { rawAttach(connection: MessageConnection): void };

export function exitOnReaderError(onFatal: (error: Error) => void): Feature<RemoteConsole, object> {
  return Base => class extends (Base as Attachable) {
    override rawAttach(connection: MessageConnection): void {
      super.rawAttach(connection);
      // A read error has no message; a write error (the client went away) is the stream's close, handled elsewhere.
      connection.onError(([error, message]) => { if (message === undefined) onFatal(error); });
    }
  };
}
