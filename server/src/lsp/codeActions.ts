/**
 * The code actions: a problem's own quick fixes (a certificate command as the server's own version for a client that
 * does not run the client's, see `forClient`), then what silences it (a suppression comment for its line or for the
 * file, core/suppress.ts; turning its rule off in the workspace settings, for clients that run DISABLE_RULE_COMMAND),
 * and "Fix all auto-fixable problems" (kind `source.fixAll.pgtls`: the Source Action menu and
 * `editor.codeActionsOnSave`), whose edits the façade computes (service.ts `fixAll`).
 */
import { CodeActionKind, CodeActionTriggerKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Problem, Settings, Span } from '../core/types';
import { DISABLE_RULE_COMMAND, FIX_ALL_KIND, SERVER_COMMANDS, type DisableRuleArgs } from '../protocol';
import { toCodeAction, toDiagnostics, toRange, uriToPath } from './convert';
import type { Glue } from './features';

export const FIX_ALL_TITLE = 'Fix all auto-fixable problems';

/** Whether a request's `only` filter lets actions of `kind` through (a kind passes by itself or by a prefix). */
function passes(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some(k => kind === k || kind.startsWith(`${k}.`));
}

export async function codeActions(g: Glue, p: CodeActionParams): Promise<CodeAction[]> {
  const doc = g.store.get(p.textDocument.uri);
  if (!doc) return [];
  const only = p.context.only;
  // Fix-all validates the file again after fixing, so it is computed when asked for by kind (the Source Action menu,
  // a save action) or by an explicit request, never for the light bulb's automatic requests.
  const fixAll = only ? passes(only, FIX_ALL_KIND) : p.context.triggerKind !== CodeActionTriggerKind.Automatic;
  const problems = await g.store.currentProblems(doc);
  const settings = fixAll ? await g.store.settings(doc.uri) : undefined;
  return g.guard('code actions', doc.uri, [] as CodeAction[], () => {
    const out: CodeAction[] = [];
    if (passes(only, CodeActionKind.QuickFix)) {
      const span: Span = [doc.offsetAt(p.range.start), doc.offsetAt(p.range.end)];
      out.push(...quickFixes(g, doc, problems, span));
    }
    if (settings?.enable) {
      const action = fixAllAction(g, doc, settings);
      if (action) out.push(action);
    }
    return out;
  });
}

function quickFixes(g: Glue, doc: TextDocument, problems: readonly Problem[], span: Span): CodeAction[] {
  const diagnostics = toDiagnostics(problems, doc.getText(), uriToPath(doc.uri), file => g.env.readText(file), id => g.env.ruleDocsUrl?.(id));
  const out = g.service.fixes(problems, span).map(({ problem, fix }) => forClient(g, toCodeAction(fix, doc.uri, doc, diagnostics[problems.indexOf(problem)])));
  const src = g.store.source(doc);
  const settingsFix = g.caps.clientCommands.includes(DISABLE_RULE_COMMAND);
  const titles = new Set<string>();
  const inRange = problems.filter(p => !(p.span[1] < span[0] || p.span[0] > span[1]));
  const comments = src ? g.service.suppressions(src.source, src.file, inRange) : [];
  inRange.forEach((problem, i) => {
    const diagnostic = diagnostics[problems.indexOf(problem)]!;
    const silence = (comments[i] ?? []).map(fix => toCodeAction(fix, doc.uri, doc, diagnostic));
    if (settingsFix && problem.rule !== 'pgtls/internal-error') {
      const title = `Turn off ${problem.rule} in the workspace settings`;
      const args: DisableRuleArgs = { rule: problem.rule, uri: doc.uri };
      silence.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: DISABLE_RULE_COMMAND, arguments: [args] } });
    }
    // Two problems of one rule on one line get one set of these.
    for (const a of silence) if (!titles.has(a.title)) { titles.add(a.title); out.push(a); }
  });
  return out;
}

/**
 * A client command that the client did not say it runs (`initializationOptions.clientCommands`) becomes the server's
 * own version (protocol.ts SERVER_COMMANDS, lsp/serverCommands.ts), so that the action works in any LSP client.
 */
function forClient(g: Glue, a: CodeAction): CodeAction {
  const id = a.command?.command;
  if (!a.command || !id || g.caps.clientCommands.includes(id) || !Object.prototype.hasOwnProperty.call(SERVER_COMMANDS, id)) return a;
  return { ...a, command: { ...a.command, command: SERVER_COMMANDS[id]! } };
}

function fixAllAction(g: Glue, doc: TextDocument, settings: Settings): CodeAction | undefined {
  const src = g.store.source(doc);
  if (!src) return undefined;
  const { edits } = g.service.fixAll(src.source, src.file, settings);
  if (!edits.length) return undefined;
  return {
    title: FIX_ALL_TITLE,
    kind: FIX_ALL_KIND,
    edit: { changes: { [doc.uri]: edits.map(e => ({ range: toRange(doc, e.span), newText: e.newText })) } },
  };
}
