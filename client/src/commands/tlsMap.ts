/**
 * "PG TLS: Show TLS Map" (`pgtls.showTlsMap`, also the "Show TLS Map" code lens): asks the language server for the TLS
 * map of the active file's folder (protocol.ts `pgtls/tlsMap`) and shows the SVG it draws in a webview. The drawing
 * uses the theme's colours (VS Code's CSS variables); every node is focusable, and Enter, Space or a click opens the
 * place it comes from. An argument `{ uri, focus? }` picks the file and, for the code lens, the offset of its resource:
 * that node is highlighted, scrolled into view and given the keyboard focus (else the first node has it). The command
 * resolves with the counts of what it drew and the id of the node in focus.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SHOW_TLS_MAP_COMMAND, TLS_MAP_REQUEST, type TlsMapParams, type TlsMapResult } from '../../../server/src/protocol';

export function registerTlsMapCommand(context: vscode.ExtensionContext, server: () => LanguageClient | undefined): void {
  let panel: vscode.WebviewPanel | undefined;
  context.subscriptions.push(vscode.commands.registerCommand(SHOW_TLS_MAP_COMMAND, async (args?: Partial<TlsMapParams>) => {
    const uri = args?.uri ?? vscode.window.activeTextEditor?.document.uri.toString();
    if (!uri) {
      void vscode.window.showInformationMessage('Open a pgpool.conf, postgresql.conf, pgbouncer.ini or Kubernetes YAML file to show the TLS map of its folder.');
      return undefined;
    }
    const client = server();
    if (!client) throw new Error('the pgtls language server is not running');
    const params: TlsMapParams = { uri, ...(typeof args?.focus === 'number' ? { focus: args.focus } : {}) };
    const result = await client.sendRequest<TlsMapResult>(TLS_MAP_REQUEST, params);
    if (!panel) {
      panel = vscode.window.createWebviewPanel('pgtls.tlsMap', 'TLS Map', vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [] });
      panel.onDidDispose(() => { panel = undefined; }, undefined, context.subscriptions);
      panel.webview.onDidReceiveMessage(async (m: { file?: unknown; line?: unknown; character?: unknown }) => {
        if (typeof m?.file !== 'string') return;
        const pos = new vscode.Position(Number(m.line) || 0, Number(m.character) || 0);
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(m.file));
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
      }, undefined, context.subscriptions);
    }
    panel.title = `TLS Map: ${result.folder.split(/[/\\]/).pop() ?? ''}`;
    panel.webview.html = html(result, vscode.workspace.asRelativePath(result.folder), nonce());
    panel.reveal(vscode.ViewColumn.Beside);
    const broken = result.map.edges.filter(e => e.broken).length;
    return { folder: result.folder, nodes: result.map.nodes.length, edges: result.map.edges.length, broken, ...(result.focus ? { focus: result.focus } : {}) };
  }));
}

function html(r: TlsMapResult, folder: string, n: string): string {
  const empty = r.map.nodes.length === 0
    ? '<p>No certificates, Secrets or TLS settings were found in this folder.</p>' : '';
  const focused = r.focus ? r.map.nodes.find(x => x.id === r.focus) : undefined;
  const focusText = focused ? ` In focus: <strong>${escapeHtml(focused.label)}</strong>.` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${n}';">
<style>
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); }
.legend { margin: 0 0 8px; color: var(--vscode-descriptionForeground); }
.legend .bad { color: var(--vscode-errorForeground); }
svg .node { cursor: pointer; }
svg .node.focused rect { stroke: var(--vscode-focusBorder, #0969da); stroke-width: 3; fill: var(--vscode-editor-selectionHighlightBackground, #dbeafe); }
svg .node.focused.broken rect { stroke: var(--vscode-errorForeground, #cf222e); }
svg .edge.focused { stroke-width: 2.5; }
</style></head>
<body>
<p class="legend">Chain of trust in ${escapeHtml(folder)}: ${r.map.nodes.length} nodes, ${r.map.edges.length} links, <span class="bad">${r.map.edges.filter(e => e.broken).length} broken</span>. Tab moves between nodes; Enter opens the place a node comes from.${focusText}</p>
${empty}${r.svg}
<script nonce="${n}">
const vscode = acquireVsCodeApi();
const open = el => { if (el && el.dataset.file) vscode.postMessage({ file: el.dataset.file, line: Number(el.dataset.line), character: Number(el.dataset.character) }); };
document.querySelectorAll('[data-file]').forEach(el => {
  el.addEventListener('click', () => open(el));
  el.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(el); } });
});
// The node the code lens was on: highlighted with its links, scrolled into view, and given the keyboard focus.
const want = ${JSON.stringify(r.focus ?? '').replace(/</g, '\\u003c')};
const focused = want ? Array.from(document.querySelectorAll('.node')).find(el => el.dataset.id === want) : undefined;
if (focused) {
  focused.classList.add('focused');
  focused.setAttribute('aria-current', 'true');
  document.querySelectorAll('.edge').forEach(e => {
    if (e.dataset.from === want || e.dataset.to === want) e.classList.add('focused');
  });
  focused.scrollIntoView({ block: 'center', inline: 'center' });
  // A resized view (the editor group beside it closed or moved) keeps the focused node in view.
  window.addEventListener('resize', () => focused.scrollIntoView({ block: 'nearest', inline: 'center' }));
}
const first = focused || document.querySelector('.node');
if (first) first.focus({ preventScroll: !!focused });
</script>
</body></html>`;
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(Math.random() * chars.length));
  return s;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
