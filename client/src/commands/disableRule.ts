/**
 * The command behind the "Turn off RULE in the workspace settings" quick fix (protocol.ts DISABLE_RULE_COMMAND): adds
 * `"RULE": "off"` to `pgtls.rules`, keeping the other entries, in the workspace settings (`.vscode/settings.json`, or
 * the `.code-workspace` file), or in the user settings when no folder is open. The change of configuration makes the
 * server validate again, so the diagnostics go away. Resolves with where it wrote.
 */
import * as vscode from 'vscode';
import { DISABLE_RULE_COMMAND, SETTINGS_SECTION, type DisableRuleArgs } from '../../../server/src/protocol';

type Overrides = Record<string, string>;

export function registerDisableRuleCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(DISABLE_RULE_COMMAND, async (args?: DisableRuleArgs | string) => {
    const rule = typeof args === 'string' ? args : args?.rule;
    if (!rule) return undefined;
    const scope = typeof args === 'object' && args.uri ? vscode.Uri.parse(args.uri) : undefined;
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
    const workspace = !!vscode.workspace.workspaceFolders?.length;
    const target = workspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const current = config.inspect<Overrides>('rules');
    const before = (workspace ? current?.workspaceValue : current?.globalValue) ?? {};
    await config.update('rules', { ...before, [rule]: 'off' }, target);
    if (!workspace) void vscode.window.showInformationMessage(`PG TLS: ${rule} is off in your user settings (no folder is open).`);
    return { rule, target: workspace ? 'workspace' : 'user' };
  }));
}
