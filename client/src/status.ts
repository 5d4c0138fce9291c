/**
 * The language status item of pgtls (the `{}` beside the language mode in the status bar, shown for the files pgtls
 * checks): the pgtls version the language server reports, how many files it has checked in this window, and a link to
 * the output channel. Files are counted as their diagnostic reports pass through the client's middleware (pull per
 * document, pull for the workspace, and push), so the count is what the server really answered, whatever asked.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient, type Middleware } from 'vscode-languageclient/node';

/** What the item shows, for the extension's API (the e2e suite reads it). */
export interface StatusSnapshot {
  text: string;
  detail: string;
  /** Files the server has answered diagnostics for since the window opened. */
  checked: number;
  /** Of those, the ones that have pgtls diagnostics now. */
  withProblems: number;
  /** The version in the server's initialize result, or undefined before it answered. */
  serverVersion: string | undefined;
  state: 'starting' | 'running' | 'stopped';
  /** The command the item links to. */
  command: string | undefined;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export class LanguageStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly checked = new Set<string>();
  /** The checked files that have pgtls diagnostics now, kept up to date from the diagnostics events' URIs. */
  private readonly withProblems = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private state: StatusSnapshot['state'] = 'starting';

  constructor(selector: vscode.DocumentSelector) {
    this.item = vscode.languages.createLanguageStatusItem('pgtls.status', selector);
    this.item.name = 'PG TLS';
    this.subscriptions.push(vscode.languages.onDidChangeDiagnostics(e => {
      let changed = false;
      for (const uri of e.uris) changed = this.track(uri) || changed;
      if (changed) this.render();
    }));
    this.render();
  }

  /** Middleware that counts every document the server answers diagnostics for. */
  middleware(): Middleware {
    return {
      provideDiagnostics: async (document, previousResultId, token, next) => {
        const report = await next(document, previousResultId, token);
        if (report) this.count(document instanceof vscode.Uri ? document : document.uri);
        return report;
      },
      provideWorkspaceDiagnostics: (resultIds, token, resultReporter, next) => next(resultIds, token, chunk => {
        for (const item of chunk?.items ?? []) this.count(item.uri);
        resultReporter(chunk);
      }),
      handleDiagnostics: (uri, diagnostics, next) => {
        this.count(uri);
        next(uri, diagnostics);
      },
    };
  }

  /** Follows the client's state: busy while it starts, an error with a restart link when it stopped. */
  attach(client: LanguageClient): void {
    this.client = client;
    this.subscriptions.push(client.onDidChangeState(e => {
      this.state = e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped';
      this.render();
    }));
  }

  snapshot(): StatusSnapshot {
    return {
      text: this.item.text, detail: this.item.detail ?? '', ...this.counts(),
      serverVersion: this.client?.initializeResult?.serverInfo?.version, state: this.state, command: this.item.command?.command,
    };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private count(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.checked.has(key)) return;
    this.checked.add(key);
    this.track(uri);
    this.render();
  }

  /** Updates whether a checked file has pgtls diagnostics; true when that changed. */
  private track(uri: vscode.Uri): boolean {
    const key = uri.toString();
    if (!this.checked.has(key)) return false;
    const has = vscode.languages.getDiagnostics(uri).some(d => d.source === 'pgtls');
    if (has === this.withProblems.has(key)) return false;
    if (has) this.withProblems.add(key);
    else this.withProblems.delete(key);
    return true;
  }

  private render(): void {
    const version = this.client?.initializeResult?.serverInfo?.version;
    this.item.busy = this.state === 'starting';
    if (this.state === 'stopped') {
      this.item.severity = vscode.LanguageStatusSeverity.Error;
      this.item.text = 'pgtls stopped';
      this.item.detail = 'the language server is not running';
      this.item.command = { title: 'Restart', command: 'pgtls.restartServer', tooltip: 'Restart the pgtls language server' };
      return;
    }
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.text = version ? `pgtls ${version}` : 'pgtls';
    const { checked, withProblems } = this.counts();
    this.item.detail = this.state === 'starting' ? 'starting' : `${plural(checked, 'file', 'files')} checked, ${withProblems} with problems`;
    this.item.command = { title: 'Show Output', command: 'pgtls.showOutput', tooltip: 'Show the PG TLS output channel' };
  }

  private counts(): { checked: number; withProblems: number } {
    return { checked: this.checked.size, withProblems: this.withProblems.size };
  }
}
