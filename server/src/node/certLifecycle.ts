/**
 * Renewing a certificate set and rotating its CA on disk, for the CLI (`pgtls cert renew|rotate-ca`) and the editor
 * (`pgtls/certs/renew|rotateCa`): reads the set's folder, runs the pure core (certs/lifecycle.ts, certs/rotation.ts,
 * through the façade), copies every file it is about to replace into a dated backup folder (unless told not to),
 * then writes through node/writeFiles.ts (atomic, keys 0600). Answers with a summary that never holds key material.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  NotASetError, createCertService, preset, renewSet, rotateCa, rotationSteps,
  type CertPreset, type LifecycleFile, type LifecycleResult, type RotationStep,
} from '../certService';
import type { CertLifecycleParams, CertLifecycleResult } from '../protocol';
import { writeCertFiles, type FileToWrite } from './writeFiles';
import { MAX_CERT_BYTES, MAX_YAML_BYTES, readRegularFile, tryReadRegularFile } from './readFiles';

export interface LifecycleRun {
  /** The set's folder. */
  dir: string;
  now: Date;
  crypto: Crypto;
  newKeys?: boolean;
  /** Copy the files about to be replaced into DIR/backup-YYYYMMDD-HHMMSS/ first (default true). */
  backup?: boolean;
  /** Leaf validity in days (default 397). */
  days?: number;
  /** rotate-ca: the new CA's validity in days (default 3650). */
  caDays?: number;
  /** rotate-ca: write each step's Secrets for this operator. */
  preset?: CertPreset;
}

export interface RenewedLeafSummary {
  file: string;
  subject: string;
  sans: string[];
  previousNotAfter: string;
  notBefore: string;
  notAfter: string;
  days: number;
  key: 'reused' | 'new';
}

export interface LifecycleSummary {
  dir: string;
  /** The backup folder, when one was written. */
  backupDir?: string;
  backedUp: string[];
  written: { name: string; mode: string; replaced: boolean }[];
  leaves: RenewedLeafSummary[];
  notes: string[];
  warnings: string[];
}

export interface RotateSummary extends LifecycleSummary {
  oldCa: { subject: string; serialNumber: string; notAfter: string };
  newCa: { subject: string; serialNumber: string; notBefore: string; notAfter: string };
  sameSubject: boolean;
  subjectNote: string;
  steps: { title: string; text: string; manifest?: string; secrets?: string[] }[];
}

/** The set's files (certificates, keys, .pk8) at the top of `dir`; NotASetError when `dir` is not a folder. */
export function readSetFolder(dir: string): Record<string, Uint8Array> {
  let names: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new NotASetError(`${dir} is not a folder`);
    names = fs.readdirSync(dir);
  } catch (e) {
    if (e instanceof NotASetError) throw e;
    throw new NotASetError(`${dir} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): give the folder "pgtls cert set" wrote`);
  }
  const files: Record<string, Uint8Array> = {};
  for (const name of names) {
    if (!/\.(crt|key|pk8)$/.test(name)) continue;
    // Links, FIFOs, devices and files over the limit are not part of a set (readFiles.ts: never a blocking read).
    const bytes = tryReadRegularFile(path.join(dir, name), { maxBytes: MAX_CERT_BYTES, noFollow: true });
    if (bytes) files[name] = bytes;
  }
  return files;
}

/** `pgtls cert renew`: every leaf re-issued by the folder's CA, same names, fresh validity. */
export async function renewFolder(run: LifecycleRun): Promise<LifecycleSummary> {
  const before = readSetFolder(run.dir);
  const result = await renewSet(before, { now: run.now, crypto: run.crypto, ...(run.newKeys ? { newKeys: true } : {}), ...(run.days ? { days: run.days } : {}) });
  return await writeWithBackup(run, before, result.files, result);
}

/** `pgtls cert rotate-ca`: a new CA, the bundle, the leaves from the new CA, and the steps (with Secrets for an operator). */
export async function rotateFolder(run: LifecycleRun): Promise<RotateSummary> {
  const before = readSetFolder(run.dir);
  const result = await rotateCa(before, {
    now: run.now, crypto: run.crypto, ...(run.newKeys ? { newKeys: true } : {}), ...(run.days ? { days: run.days } : {}), ...(run.caDays ? { caDays: run.caDays } : {}),
  });
  const after = Object.fromEntries(result.files.map(f => [f.name, f.contents]));
  const steps: RotationStep[] = rotationSteps(run.preset, before, after);
  const manifests: LifecycleFile[] = steps.flatMap(s => (s.manifest ? [{ name: s.manifest.file, contents: s.manifest.yaml, secret: true }] : []));
  const summary = await writeWithBackup(run, before, [...result.files, ...manifests], result, manifests.map(m => m.name));
  const iso = (d: Date) => d.toISOString();
  return {
    ...summary,
    oldCa: { subject: result.oldCa.subject, serialNumber: result.oldCa.serialNumber, notAfter: iso(result.oldCa.notAfter) },
    newCa: { subject: result.newCa.subject, serialNumber: result.newCa.serialNumber, notBefore: iso(result.newCa.notBefore), notAfter: iso(result.newCa.notAfter) },
    sameSubject: result.oldCa.subject === result.newCa.subject,
    subjectNote: result.subjectNote,
    steps: steps.map(s => ({ title: s.title, text: s.text, ...(s.manifest ? { manifest: s.manifest.file, secrets: s.manifest.secrets } : {}) })),
  };
}

/** `backup-YYYYMMDD-HHMMSS` (UTC) inside `dir`, with `-2`, `-3` … when a run in the same second made one already. */
export function backupFolderName(dir: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let name = `backup-${stamp}`;
  for (let i = 2; fs.existsSync(path.join(dir, name)); i++) name = `backup-${stamp}-${i}`;
  return name;
}

async function writeWithBackup(
  run: LifecycleRun, before: Readonly<Record<string, Uint8Array>>, files: LifecycleFile[], result: LifecycleResult, ignore: string[] = [],
): Promise<LifecycleSummary> {
  const replaced = files.map(f => f.name).filter(n => fs.existsSync(path.join(run.dir, n)));
  let backupDir: string | undefined;
  const warnings: string[] = [];
  if (run.backup !== false && replaced.length) {
    backupDir = path.join(path.resolve(run.dir), backupFolderName(run.dir, run.now));
    const copies: FileToWrite[] = replaced.map(n => ({
      name: n, contents: before[n] ?? readRegularFile(path.join(run.dir, n), { maxBytes: MAX_YAML_BYTES, noFollow: true }), secret: /\.(key|pk8|yaml)$/.test(n),
    }));
    const b = await writeCertFiles(backupDir, copies, { gitignore: true, ignore });
    warnings.push(...b.warnings);
  }
  // The backup (or --no-backup) is the consent to replace the old files, keys included.
  const w = await writeCertFiles(run.dir, files, { force: true, gitignore: true, ignore });
  warnings.push(...w.warnings);
  const certs = createCertService({ now: () => run.now, crypto: run.crypto });
  const leaves: RenewedLeafSummary[] = [];
  for (const l of result.leaves) {
    const d = await certs.describe(l.certPem);
    leaves.push({
      file: `${l.base}.crt`, subject: d.subject, sans: [...d.subjectAltNames.dns.map(s => `DNS:${s}`), ...d.subjectAltNames.ip.map(s => `IP:${s}`)],
      previousNotAfter: l.previous.notAfter.toISOString(), notBefore: d.notBefore.toISOString(), notAfter: d.notAfter.toISOString(),
      days: Math.round((d.notAfter.getTime() - d.notBefore.getTime()) / 86_400_000), key: l.keyReused ? 'reused' : 'new',
    });
  }
  return {
    dir: w.dir, ...(backupDir ? { backupDir } : {}), backedUp: backupDir ? replaced : [],
    written: w.files.map(f => ({ name: f.name, mode: f.mode.toString(8).padStart(4, '0'), replaced: f.replaced })),
    leaves, notes: result.notes, warnings,
  };
}

/** The editor's requests (`pgtls/certs/renew`, `pgtls/certs/rotateCa`): the same runs, answered with a short summary. */
export async function runLifecycleRequest(kind: 'renew' | 'rotateCa', p: CertLifecycleParams, now: Date, crypto: Crypto): Promise<CertLifecycleResult> {
  if (!p || typeof p.dir !== 'string' || !path.isAbsolute(p.dir)) throw new NotASetError('the request needs the set\'s folder as an absolute path');
  const run: LifecycleRun = { dir: p.dir, now, crypto, newKeys: p.newKeys === true, backup: p.backup !== false };
  const backupText = (s: LifecycleSummary) => (s.backupDir ? ` The replaced files are in ${path.basename(s.backupDir)}.` : '');
  if (kind === 'renew') {
    const s = await renewFolder(run);
    const until = s.leaves.map(l => l.notAfter.slice(0, 10)).sort()[0];
    return {
      dir: s.dir, ...(s.backupDir ? { backupDir: s.backupDir } : {}), files: s.written.map(w => w.name),
      message: `Renewed ${s.leaves.map(l => l.file).join(', ')} (same names, ${run.newKeys ? 'new keys' : 'same keys'}, valid until ${until}).${backupText(s)} Reload the servers that use them; Pgpool-II needs a restart.`,
    };
  }
  const pr = p.operator && p.operator !== 'none' ? preset({ operator: p.operator, name: p.name ?? '', ...(p.namespace ? { namespace: p.namespace } : {}) }) : undefined;
  const s = await rotateFolder({ ...run, ...(pr ? { preset: pr } : {}) });
  return {
    dir: s.dir, ...(s.backupDir ? { backupDir: s.backupDir } : {}), files: s.written.map(w => w.name),
    message: `New CA in ca.crt/ca.key, ca-bundle.crt (old + new) for the transition, ${s.leaves.length} leaves re-issued by the new CA.${backupText(s)} Follow the ${s.steps.length} steps in order.`,
    steps: s.steps.map(st => ({ title: st.title, text: st.text, ...(st.manifest ? { manifest: st.manifest } : {}) })),
  };
}
