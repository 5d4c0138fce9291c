/**
 * The server's own versions of the code actions' certificate commands (protocol.ts SERVER_COMMANDS), run through
 * `workspace/executeCommand` for editors that do not run the VS Code client's commands (Neovim, Helix, Emacs…):
 * "Generate … here" on a missing certificate, key or CA file (the files at the paths the configuration names) and
 * "Create certificates and Secrets for this resource…" (a set in `certs/<name>` under the workspace folder, and the
 * resource's references as a `workspace/applyEdit`). No questions: the names come from the argument (a client may add
 * `serverName`, `sans`, `algorithm`, `clientUser`), else the defaults the VS Code questions offer. The writing is
 * node/certCommands.ts's (keys 0600, atomic); a file that exists is replaced only after the user answers "Replace" to a
 * `window/showMessageRequest` (refused, with a message, by a client without it). The outcome is one short
 * `window/showMessage`; then every open document is validated again, so the missing-file problems go.
 */
import { MessageType, ShowMessageNotification, type ExecuteCommandParams, type MessageActionItem } from 'vscode-languageserver';
import { CREATE_TLS_SET_SERVER_COMMAND, GENERATE_TLS_FILES_SERVER_COMMAND, type CertCreateParams, type CertCreateResult, type CertCreateSummary } from '../protocol';
import { LineIndex } from '../service';
import { toRange, uriToPath } from './convert';
import type { Glue } from './features';

/** The ids this module runs, for `executeCommandProvider.commands`. */
export const SERVER_COMMAND_IDS = [GENERATE_TLS_FILES_SERVER_COMMAND, CREATE_TLS_SET_SERVER_COMMAND];

const REPLACE: MessageActionItem = { title: 'Replace' };
const KEEP: MessageActionItem = { title: 'Keep the files' };

/** What `workspace/executeCommand` answers (the user was told the same with `window/showMessage`). */
export type ServerCommandOutcome = { status: 'written'; files: string[] } | { status: 'kept' | 'refused' | 'failed'; message: string };

/** Failures whose message is the whole story for the user (bad input, unreadable files); anything else is also logged. */
const EXPECTED_FAILURES = ['CertError', 'WriteFilesError', 'ExistingFilesError', 'FileReadError'];

const plans = () => import('../node/certCommandPlans');
const commands = () => import('../node/certCommands');

export function registerServerCommands(g: Glue, written: () => void): void {
  g.connection.onExecuteCommand(async (p: ExecuteCommandParams): Promise<ServerCommandOutcome | null> => {
    const arg: unknown = p.arguments?.[0];
    const run = p.command === GENERATE_TLS_FILES_SERVER_COMMAND ? generateHere : p.command === CREATE_TLS_SET_SERVER_COMMAND ? createSet : undefined;
    if (!run) return null;
    let outcome: ServerCommandOutcome;
    try {
      outcome = await run(g, arg);
    } catch (e) {
      // Messages name files, names and algorithms only: logged by kind and message, never an object dump.
      const message = e instanceof Error ? e.message : String(e);
      if (!(e instanceof Error) || !EXPECTED_FAILURES.includes(e.name)) g.log(`${p.command} failed: ${e instanceof Error ? e.name : 'error'}: ${message}`);
      outcome = { status: 'failed', message };
      show(g, MessageType.Error, `PG TLS: ${message}`);
    }
    if (outcome.status === 'written') written();
    return outcome;
  });
}

function show(g: Glue, type: MessageType, message: string): void {
  void g.connection.sendNotification(ShowMessageNotification.type, { type, message });
}

/** "Generate … here": the files at the paths the quick fix's argument names. */
async function generateHere(g: Glue, arg: unknown): Promise<ServerCommandOutcome> {
  const { generateHereParams, fileNames } = await plans();
  const { params, product } = generateHereParams(arg);
  const result = await createAsked(g, params);
  if (result.status !== 'written') return result;
  const s = result.summary;
  g.connection.console.info(`generate here: ${s.message}`);
  const sans = params.sans?.length ? ` (+${params.sans.length} SAN${params.sans.length > 1 ? 's' : ''})` : '';
  const who = params.kind === 'server' ? ` for ${params.serverName ?? ''}${sans}` : '';
  show(g, MessageType.Info, `PG TLS: Created ${fileNames(s.files.map(f => f.path))} at the paths the ${product ? `${product} ` : ''}configuration names${who}; keys are 0600.${warnings(s)}`);
  return { status: 'written', files: s.files.map(f => f.path) };
}

/** "Create certificates and Secrets for this resource…": the set in `certs/<name>`, then the resource's references. */
async function createSet(g: Glue, arg: unknown): Promise<ServerCommandOutcome> {
  const { createSetParams, shownFolder } = await plans();
  const uri = (arg as { uri?: unknown } | undefined)?.uri;
  const file = typeof uri === 'string' ? uriToPath(uri) : '';
  const text = typeof uri === 'string' ? g.store.get(uri)?.getText() ?? g.env.readText(file) : undefined;
  const roots = g.env.roots?.() ?? [];
  const { params, what } = createSetParams(arg, text ?? '', file, roots);
  const result = await createAsked(g, params, text);
  if (result.status !== 'written') return result;
  const s = result.summary;
  g.connection.console.info(`create set: ${s.message}`);
  const patched = s.resourceEdit ? await applyResourceEdit(g, s.resourceEdit) : undefined;
  const after = patched === undefined ? '' : patched
    ? ` ${what.charAt(0).toUpperCase()}${what.slice(1)} now references them (an unsaved edit).`
    : ` The patch for ${what} was not applied (${g.caps.applyEdit ? 'the editor refused the edit' : 'the editor cannot apply edits the server sends'}); it is at the end of secrets.yaml.`;
  show(g, MessageType.Info, `PG TLS: Created ${s.files.length} files in ${shownFolder(s.dir, roots)} for ${what}; keys are 0600.${after}${warnings(s)}`);
  return { status: 'written', files: s.files.map(f => f.path) };
}

/**
 * The request, and when files exist the question: only the answer "Replace" writes over them; any other (none, the
 * question closed) keeps them. A client that cannot ask (no `window.showMessage` capability) gets a refusal.
 */
async function createAsked(g: Glue, params: CertCreateParams, resourceText?: string): Promise<Extract<CertCreateResult, { status: 'written' }> | Exclude<ServerCommandOutcome, { status: 'written' }>> {
  const [{ runCertCommand }, { fileNames }] = await Promise.all([commands(), plans()]);
  let result = await runCertCommand(params, g.env, resourceText);
  if (result.status === 'written') return result;
  const names = fileNames(result.existing);
  if (!g.caps.showMessageRequest) {
    const message = `PG TLS: ${names} already ${result.existing.length > 1 ? 'exist' : 'exists'}; nothing was written. This editor cannot ask before replacing files: move them away, then run the action again.`;
    show(g, MessageType.Warning, message);
    return { status: 'refused', message };
  }
  const answer = await g.connection.window.showWarningMessage(`PG TLS: Replace ${names}? The existing files are overwritten (a replaced key cannot be recovered).`, KEEP, REPLACE);
  if (answer?.title !== REPLACE.title) {
    const message = `PG TLS: nothing replaced; ${names} kept.`;
    show(g, MessageType.Info, message);
    return { status: 'kept', message };
  }
  result = await runCertCommand({ ...params, force: true }, g.env, resourceText);
  if (result.status === 'exists') throw new Error(`${fileNames(result.existing)} could not be replaced`);
  return result;
}

/** The resource's new references as an edit the client applies (undoable, unsaved); `false` when it cannot or refused. */
async function applyResourceEdit(g: Glue, e: NonNullable<CertCreateSummary['resourceEdit']>): Promise<boolean> {
  if (!g.caps.applyEdit) return false;
  const open = g.store.get(e.uri);
  const text = open?.getText() ?? g.env.readText(uriToPath(e.uri));
  if (text === undefined || e.end > text.length) return false;
  const lines = open ?? new LineIndex(text);
  const r = await g.connection.workspace.applyEdit({ label: 'PG TLS: reference the new Secrets', edit: { changes: { [e.uri]: [{ range: toRange(lines, [e.start, e.end]), newText: e.newText }] } } });
  return r.applied;
}

/** The summary's warnings (an algorithm old clients lack, a .gitignore pgtls could not write), the first in full. */
function warnings(s: CertCreateSummary): string {
  return s.warnings.length ? ` Note: ${s.warnings[0]!}${s.warnings.length > 1 ? ` (${s.warnings.length - 1} more in the log)` : ''}` : '';
}
