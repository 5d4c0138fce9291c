/**
 * What the client adds to the language client's options so pgtls fits beside other extensions and shows its traffic:
 *
 * - `pgtls.reportYamlSyntax: "auto"`: the server cannot see other extensions, so the client answers its settings
 *   request with `never` while the Red Hat YAML extension (redhat.vscode-yaml) validates YAML (its `yaml.validate`,
 *   default true) and `always` otherwise; pgtls then does not repeat the duplicate keys and syntax errors that
 *   extension reports. An extension installed or removed, or `yaml.validate` changed, makes the server ask again.
 * - `pgtls.trace.server`: vscode-languageclient traces only into a log channel whose level is Trace; the trace
 *   channel here reports that level while the setting is on and writes the trace into the "PG TLS" output channel.
 */
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, type LanguageClient, type Middleware } from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../../server/src/protocol';

export const RED_HAT_YAML = 'redhat.vscode-yaml';

/** Whether the Red Hat YAML extension is there (enabled) and validates the YAML files of `scope`. */
export function yamlServerValidates(scope?: vscode.Uri): boolean {
  if (!vscode.extensions.getExtension(RED_HAT_YAML)) return false;
  return vscode.workspace.getConfiguration('yaml', scope).get<boolean>('validate', true) !== false;
}

/** The settings middleware: `reportYamlSyntax: "auto"` resolved for the scope the server asks about. */
export const configurationMiddleware: NonNullable<Middleware['workspace']>['configuration'] = async (params, token, next) => {
  const result = await next(params, token);
  if (!Array.isArray(result)) return result;
  return result.map((value: unknown, i) => {
    const item = params.items[i];
    if (item?.section !== SETTINGS_SECTION || !value || typeof value !== 'object') return value;
    const settings = value as Record<string, unknown>;
    if (settings.reportYamlSyntax !== undefined && settings.reportYamlSyntax !== 'auto') return value;
    const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
    return { ...settings, reportYamlSyntax: yamlServerValidates(scope) ? 'never' : 'always' };
  });
};

/** Asks the server to pull its settings again when what `auto` depends on changes. */
export function watchYamlServer(client: () => LanguageClient | undefined): vscode.Disposable {
  const again = () => {
    const c = client();
    if (c?.isRunning()) void c.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  };
  return vscode.Disposable.from(
    vscode.extensions.onDidChange(again),
    vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('yaml.validate')) again(); }),
  );
}

const traceSetting = (): string => vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>('trace.server', 'off');

/**
 * The language client's trace channel: at level Trace while `pgtls.trace.server` is not "off" (or while the user set
 * the output channel itself to Trace), writing each traced message into `output`.
 */
export function traceChannel(output: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const changed = new vscode.EventEmitter<vscode.LogLevel>();
  const level = () => (traceSetting() !== 'off' ? vscode.LogLevel.Trace : output.logLevel);
  const subscriptions = [
    changed,
    output.onDidChangeLogLevel(() => changed.fire(level())),
    vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration(`${SETTINGS_SECTION}.trace.server`)) changed.fire(level()); }),
  ];
  return {
    name: output.name,
    get logLevel() { return level(); },
    onDidChangeLogLevel: changed.event,
    trace: (message: string, ...args: unknown[]) => (traceSetting() !== 'off' ? output.info(message, ...args) : output.trace(message, ...args)),
    debug: (message: string, ...args: unknown[]) => output.debug(message, ...args),
    info: (message: string, ...args: unknown[]) => output.info(message, ...args),
    warn: (message: string, ...args: unknown[]) => output.warn(message, ...args),
    error: (error: string | Error, ...args: unknown[]) => output.error(error, ...args),
    append: (value: string) => output.append(value),
    appendLine: (value: string) => output.appendLine(value),
    replace: (value: string) => output.replace(value),
    clear: () => output.clear(),
    show: (a?: vscode.ViewColumn | boolean, b?: boolean) => (typeof a === 'boolean' ? output.show(a) : output.show(a, b)),
    hide: () => output.hide(),
    dispose: () => { for (const s of subscriptions) s.dispose(); },
  };
}
