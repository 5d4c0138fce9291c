/**
 * After a certificate command: the offer to point the configuration next to the output folder (postgresql.conf,
 * pgpool.conf or pgbouncer.ini, in that folder or one above it up to the workspace folder: certFolders.ts
 * `configsNear`) at the new files. The server computes the edit (`pgtls/certs/configEdit`: TLS on, the certificate,
 * key and CA settings, paths as that server resolves them) and says what the user should know (a CA file the
 * configuration named otherwise); this applies it as an ordinary, undoable, unsaved edit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CERT_CONFIG_EDIT_REQUEST, type CertConfigEditResult, type CertCreateSummary, type TlsFilePaths } from '../../../server/src/protocol';
import { configsNear, filesOf } from './certFolders';
import { workspaceRoot } from './certQuestions';

/** A configuration the files can be written into, and the edit that does it (as computed now). */
export interface ConfigOffer {
  file: string;
  uri: string;
  edit: CertConfigEditResult;
}

async function editOf(server: LanguageClient, uri: string, files: TlsFilePaths): Promise<CertConfigEditResult | null> {
  return await server.sendRequest<CertConfigEditResult | null>(CERT_CONFIG_EDIT_REQUEST, { uri, files });
}

/** The configurations next to the summary's folder that the files would change. */
export async function configOffers(server: LanguageClient, s: CertCreateSummary): Promise<ConfigOffer[]> {
  const files = filesOf(s);
  if (!files) return [];
  const out: ConfigOffer[] = [];
  for (const file of configsNear(s.dir, workspaceRoot(), f => fs.existsSync(f))) {
    const uri = vscode.Uri.file(file).toString();
    const edit = await editOf(server, uri, files);
    if (edit?.edits.length) out.push({ file, uri, edit });
  }
  return out;
}

/** Markdown-free text for a notification. */
export const plain = (s: string): string => s.replace(/`([^`\n]+)`/g, '$1');

/**
 * Applies the offer (computed again, so that edits made meanwhile are respected) and opens the configuration; the
 * settings written, or `undefined` when the edit could not be applied.
 */
export async function applyConfigOffer(server: LanguageClient, o: ConfigOffer, s: CertCreateSummary): Promise<{ key: string; value: string }[] | undefined> {
  const fresh = (await editOf(server, o.uri, filesOf(s) ?? {})) ?? o.edit;
  const uri = vscode.Uri.parse(o.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  const length = doc.getText().length;
  for (const e of fresh.edits) {
    if (e.end > length) return undefined;
    edit.replace(uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  }
  if (!(await vscode.workspace.applyEdit(edit))) return undefined;
  await vscode.window.showTextDocument(doc, { preview: false });
  return fresh.settings;
}

/** The notification after the edit: what the configuration now says. */
export function appliedText(o: ConfigOffer, written: { key: string; value: string }[]): string {
  const settings = written.map(w => `${w.key} = ${w.value}`).join(', ');
  return `${path.basename(o.file)} now has ${settings} (an unsaved edit: Undo reverts it).${o.edit.notes.length ? ` ${o.edit.notes.map(plain).join(' ')}` : ''}`;
}
