/**
 * The questions the certificate commands ask (output folder, key algorithm, names) and where their answers default
 * to. The algorithms offered are the server's (protocol.ts `KEY_ALGORITHMS`); this file only words them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_ALGORITHM, KEY_ALGORITHMS, algorithmSpec, type CertCommandKind, type KeyAlgorithm } from '../../../server/src/protocol';
import { caChoicesFor, folderChoices, isLeafKind, shownFolder } from './certFolders';

/** The user closed a question: the command ends quietly. */
export class Cancelled extends Error {}

/**
 * What the quick pick says about each algorithm, in the order it offers them. Keyed by the server's algorithm type,
 * so an algorithm added on the server is a compile error here until it is worded.
 */
const ALGORITHM_NOTES: Record<KeyAlgorithm, { detail: string; slow?: boolean }> = {
  'ecdsa-p256': { detail: 'Default: small, fast, accepted by PostgreSQL, Pgpool-II, libpq, JDBC and cert-manager' },
  'ecdsa-p384': { detail: 'Stronger curve, SHA-384 signatures' },
  ed25519: { detail: 'Needs OpenSSL 1.1.1+ everywhere; some clients (JDBC, older libpq) lack it' },
  'rsa-2048': { detail: 'The most compatible choice' },
  'rsa-3072': { detail: 'Slower to generate (a few seconds)', slow: true },
  'rsa-4096': { detail: 'Slowest to generate (several seconds)', slow: true },
};

/** The label of an algorithm name and whether generating it is slow; unknown names (the server refuses them) as given. */
export function algorithmTitle(name: string | undefined): { label: string | undefined; slow: boolean } {
  const id = name ?? DEFAULT_ALGORITHM;
  if (!(KEY_ALGORITHMS as readonly string[]).includes(id)) return { label: name, slow: false };
  return { label: algorithmSpec(id as KeyAlgorithm).label, slow: !!ALGORITHM_NOTES[id as KeyAlgorithm].slow };
}

export function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** A path relative to the workspace folder when inside it (`certs/pgtls/server.crt`), else as it is. */
export function shownPath(file: string): string {
  const root = workspaceRoot();
  const rel = root ? path.relative(root, file) : '';
  return root && rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function resolveFolder(folder: string | undefined, name: string): string {
  const root = workspaceRoot();
  if (folder && path.isAbsolute(folder)) return folder;
  if (!root) throw new Error('open a workspace folder, or give an absolute output folder');
  return path.join(root, folder ?? path.join('certs', name));
}

export function hasCa(folder: string): boolean {
  // A quick look only to word the algorithm question; the server decides.
  try {
    return fs.existsSync(path.join(folder, 'ca.crt')) && fs.existsSync(path.join(folder, 'ca.key'));
  } catch {
    return false;
  }
}

/**
 * The folders of the workspace that hold a CA (ca.crt and ca.key side by side), outside node_modules and the dated
 * backups of "Renew" and "Rotate CA"; at most 50 looked at.
 */
export async function findCaFolders(): Promise<string[]> {
  const keys = await vscode.workspace.findFiles('**/ca.key', '{**/node_modules/**,**/backup-*/**}', 50);
  return [...new Set(keys.map(k => path.dirname(k.fsPath)))].filter(hasCa);
}

/** The output folder (and the folder of the CA that issues, when another) for a command: asked, defaults first. */
export async function pickFolder(kind: CertCommandKind, name: string): Promise<{ folder: string; caFolder?: string }> {
  const root = workspaceRoot();
  const cas = isLeafKind(kind) ? await findCaFolders() : [];
  const choose = async (): Promise<{ folder: string; caFolder?: string }> => {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Write certificates here',
      ...(root ? { defaultUri: vscode.Uri.file(root) } : {}),
    });
    if (!picked?.[0]) throw new Cancelled();
    const folder = picked[0].fsPath;
    if (!isLeafKind(kind)) return { folder };
    const how = caChoicesFor(root, folder, hasCa(folder), cas);
    if (how === 'own' || how === 'new') return { folder };
    const pick = await vscode.window.showQuickPick(how, { title: `PG TLS: ${shownFolder(root, folder)} has no CA; which CA issues the certificate?`, ignoreFocusOut: true });
    if (!pick) throw new Cancelled();
    return pick.caFolder ? { folder: pick.folder, caFolder: pick.caFolder } : { folder: pick.folder };
  };
  if (!root) return await choose();
  const items: (vscode.QuickPickItem & { folder?: string })[] = [...folderChoices(kind, root, cas, name), { label: 'Choose folder…' }];
  const pick = await vscode.window.showQuickPick(items, { title: 'PG TLS: where to write the certificates', ignoreFocusOut: true });
  if (!pick) throw new Cancelled();
  return pick.folder ? { folder: pick.folder } : await choose();
}

export async function pickAlgorithm(sameAsCa?: string): Promise<string | undefined> {
  const ids = Object.keys(ALGORITHM_NOTES) as KeyAlgorithm[];
  const items: (vscode.QuickPickItem & { id?: string })[] = [
    ...(sameAsCa ? [{ label: 'Same as the CA', description: 'default', detail: 'The key type of ca.crt in that folder' }] : []),
    ...ids.map((id, i) => ({ label: algorithmSpec(id).label, description: !sameAsCa && i === 0 ? 'default' : id, detail: ALGORITHM_NOTES[id].detail, id })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'PG TLS: key algorithm', ignoreFocusOut: true });
  if (!pick) throw new Cancelled();
  return pick.id;
}

export async function ask(prompt: string, value: string, allowEmpty = false): Promise<string> {
  const v = await vscode.window.showInputBox({
    prompt, value, ignoreFocusOut: true,
    validateInput: s => (!allowEmpty && !s.trim() ? 'required' : undefined),
  });
  if (v === undefined) throw new Cancelled();
  return v.trim();
}

/** Asks before replacing existing files (a modal); throws Cancelled unless the user says Replace. */
export async function confirmReplace(existing: string[], folder: string): Promise<void> {
  const names = existing.map(f => path.basename(f)).join(', ');
  const choice = await vscode.window.showWarningMessage(
    `${names} already exist${existing.length === 1 ? 's' : ''} in ${folder}. Replace ${existing.length === 1 ? 'it' : 'them'}?`,
    { modal: true, detail: 'The old keys are gone once replaced; anything using them must get the new files.' },
    'Replace',
  );
  if (choice !== 'Replace') throw new Cancelled();
}
